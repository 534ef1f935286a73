/* SPDX-License-Identifier: MIT */
/* The floor of the benchmarks: a line splitter that checks nothing. It is
 * the least a head parser can do, so httpc's cost is read against it
 * (micro.h): the micro-benchmark's in one pass over the whole head, the
 * sweep's called again with the longer buffer as bytes arrive, searching only
 * what is new, which shows the price of a call every piece that no parser
 * answering after each piece avoids. */
#include "micro.h"

#include <string.h>

typedef struct lines_state {
    size_t line; /* where the line being read starts */
    size_t from; /* where its LF is searched from: none in [line, from) */
    int in_head; /* the status line is behind */
} lines_state;

/* HTTP/x.y NNN and the reason up to the CR, at fixed places (a well-formed
 * status line assumed). */
static inline int status_line(const char *p, size_t n, result *r)
{
    if (n < 14)
        return -1;
    r->major = p[5] - '0', r->minor = p[7] - '0';
    r->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
    r->reason = (httpc_span){p + 13, n - 14};
    return 0;
}

/* The name up to the colon, the value from the first non-blank after it to
 * the CR (CRLF assumed). */
static inline int field_line(const char *p, const char *nl, result *r)
{
    const char *c = memchr(p, ':', (size_t)(nl - p)), *v;
    if (c == NULL)
        return -1;
    for (v = c + 1; *v == ' ' || *v == '\t'; v++)
        ;
    if (r->nheaders < MAXH)
        r->name[r->nheaders] = (httpc_span){p, (size_t)(c - p)},
        r->value[r->nheaders] = (httpc_span){v, (size_t)(nl - 1 - v)};
    r->nheaders++;
    return 0;
}

/* One call: the lines whose LF is in buf[from..len), each found with one
 * memchr; the head's length, -1 on a line it cannot split, or -2 when the
 * blank line has not come. Out of line, as a parser's call is; where it
 * stands is kept in registers and stored once, on the way out. */
__attribute__((noinline)) static long lines_call(const char *buf, size_t len, lines_state *st,
                                                 result *r)
{
    const char *p = buf + st->line, *nl;
    if (!st->in_head && (nl = memchr(buf + st->from, '\n', len - st->from)) != NULL) {
        if (status_line(p, (size_t)(nl - p), r) < 0)
            return -1;
        st->in_head = 1, st->line = st->from = (size_t)(nl + 1 - buf), p = nl + 1;
    }
    if (!st->in_head) {
        st->from = len;
        return -2;
    }
    for (const char *q = buf + st->from, *end = buf + len;
         (nl = memchr(q, '\n', (size_t)(end - q))) != NULL; p = q = nl + 1) {
        if (nl - p <= 1)
            return nl + 1 - buf;
        if (field_line(p, nl, r) < 0)
            return -1;
    }
    st->line = (size_t)(p - buf), st->from = len;
    return -2;
}

int bench_run_lines(const message *m, size_t piece, result *r)
{
    size_t step = piece ? piece : m->len, end = 0;
    lines_state st = {0};
    long k;
    do {
        end = m->len - end < step ? m->len : end + step;
        k = lines_call(m->buf, end, &st, r);
    } while (k == -2 && end < m->len);
    if (k < 0)
        return -1;
    r->consumed = (size_t)k;
    return 0;
}

int bench_run_lines_whole(const message *m, size_t piece, result *r)
{
    const char *p = m->buf, *end = m->buf + m->len, *nl = memchr(p, '\n', m->len);
    (void)piece;
    if (nl == NULL || status_line(p, (size_t)(nl - p), r) < 0)
        return -1;
    for (p = nl + 1; (nl = memchr(p, '\n', (size_t)(end - p))) != NULL && nl - p > 1; p = nl + 1)
        if (field_line(p, nl, r) < 0)
            return -1;
    if (nl == NULL)
        return -1;
    r->consumed = (size_t)(nl + 1 - m->buf);
    return 0;
}
