/* SPDX-License-Identifier: MIT */
/* HTTPResponse.begin(): the status line, the 1xx responses skipped, the
 * header block (kept in the response's own copy), the framing that
 * httpc_parse_framing decides, their debug output; and the reply to CONNECT
 * (HTTPConnection._tunnel). Also the read buffer every read draws from,
 * which grows only as far as a line or a head needs. */
#include "resp_internal.h"
#include "scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for `need` bytes in the response's store (a long reason phrase, the
 * header block, the 2.7 scratch), which a kept-alive connection hands from
 * one response to the next: it grows, and a reason in it moves with it. */
static int store_reserve(httpc_resp *r, size_t need)
{
    int has_reason = r->reason != NULL && r->reason == r->store;
    char *p;

    /* A store exists even for an empty head, so the spans that point into it
     * are never offsets from NULL (UBSan: memcpy(NULL, p, 0) in keep_headers). */
    if (need <= r->store_cap && r->store != NULL)
        return 0;
    if (need < 256)
        need = 256; /* a typical head: one allocation a connection */
    if ((p = realloc(r->store, need)) == NULL)
        return httpc__resp_fail(r, HTTPC_E_NOMEM);
    if (has_reason)
        r->reason = p;
    r->store = p;
    r->store_cap = need;
    return 0;
}

/* ---- the read buffer ---------------------------------------------------- */

/* One recv() from the transport: its error message kept, EOF noted. */
ssize_t httpc__resp_recv(httpc_resp *r, char *dst, size_t cap)
{
    ssize_t n = httpc__transport_recv(r->t, dst, cap);
    if (n < 0)
        snprintf(r->errmsg, sizeof r->errmsg, "%s", r->t->errmsg);
    else if (n == 0)
        r->eof = 1;
    return n;
}

/* Reads more bytes into the buffer, growing it up to `limit` bytes of
 * unconsumed data (a line or a head must fit whole). Returns the count read,
 * 0 at EOF, or an error. */
ssize_t httpc__resp_fill(httpc_resp *r, size_t limit)
{
    ssize_t n;

    if (r->t == NULL || r->eof)
        return 0;
    if (r->pos > 0 && (r->end == r->cap || r->pos == r->end)) {
        memmove(r->buf, r->buf + r->pos, r->end - r->pos);
        r->end -= r->pos;
        r->pos = 0;
    }
    if (r->end == r->cap) {
        size_t cap = r->cap * 2;
        if (cap > limit + 1)
            cap = limit + 1;
        char *p = cap > r->cap ? realloc(r->buf, cap) : NULL;
        if (p == NULL)
            return httpc__resp_fail(r, HTTPC_E_NOMEM);
        r->buf = p;
        r->cap = cap;
    }
    if ((n = httpc__resp_recv(r, r->buf + r->end, r->cap - r->end)) > 0)
        r->end += (size_t)n;
    return n;
}

/* Limit for a head being parsed: every line may be max_line long. */
static size_t head_limit(const httpc_profile *p)
{
    size_t lines = p->max_headers + 2;
    return lines > SIZE_MAX / (p->max_line + 1) ? SIZE_MAX / 2 : lines * (p->max_line + 1);
}

/* The next line of the buffer as readline(max_line + 1) gives it, reading
 * more as needed (each byte searched once): 0 and *len, or an error
 * (LINE_TOO_LONG without detail). */
static int next_line(httpc_resp *r, size_t *len)
{
    size_t scanned = 0;

    for (;;) {
        int rc = httpc__next_line(r->buf + r->pos, r->end - r->pos, r->eof, r->p->max_line,
                                  &scanned, len);
        if (rc != HTTPC_E_AGAIN)
            return rc;
        ssize_t got = httpc__resp_fill(r, r->p->max_line + 1);
        if (got < 0)
            return (int)got;
    }
}

/* ---- debug output (set_debuglevel) --------------------------------------- */

/* Each print() is one line of the response's debug sink (debug.h). */

void httpc__resp_set_debug(httpc_resp *r, httpc__debug d)
{
    r->dbg = d;
}

/* repr(s) into f: as_bytes 1 is a bytes repr, 0 a str repr of the
 * ISO-8859-1 text; `skip` drops leading characters (2.7's byte strings
 * print as a bytes repr without its b). */
static void put_repr(FILE *f, const char *s, size_t n, int as_bytes, int skip)
{
    size_t need = httpc__py_repr(NULL, 0, s, n, as_bytes) + 1;
    char *buf = malloc(need);

    if (buf == NULL)
        return;
    httpc__py_repr(buf, need, s, n, as_bytes);
    fputs(buf + skip, f);
    free(buf);
}

/* print(tag, repr(line)) for a line Python 3 decoded as ISO-8859-1 and 2.7
 * kept as a byte string. */
static void debug_repr(const httpc_resp *r, const char *tag, const char *s, size_t n)
{
    int py27 = r->p->py27 != 0;
    httpc__dline l;
    FILE *f = httpc__debug_begin(&l, &r->dbg);

    if (f == NULL)
        return;
    fprintf(f, "%s ", tag);
    put_repr(f, s, n, py27, py27);
    fputc('\n', f);
    httpc__debug_end(&l);
}

/* Text that Python 3 holds as a str decoded from ISO-8859-1 and print()s to
 * a UTF-8 stdout; 2.7 prints its byte strings as they are. */
static void print_text(const httpc_resp *r, FILE *f, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80 || r->p->py27) {
            fputc(c, f);
        } else {
            fputc(0xc0 | (c >> 6), f);
            fputc(0x80 | (c & 0x3f), f);
        }
    }
}

/* The items of print("headers:", skipped_headers): the 100 response's lines
 * as bytes, with the b'' that readline gave at EOF when no empty line came. */
static void skipped_items(FILE *f, const char *s, size_t n)
{
    size_t i = 0, k;
    int ended = 0;

    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        k = nl ? (size_t)(nl - s) + 1 - i : n - i;
        if (i > 0)
            fputs(", ", f);
        put_repr(f, s + i, k, 1, 0);
        ended = httpc__is_eol(s + i, k);
        i += k;
    }
    if (!ended) {
        if (n > 0)
            fputs(", ", f);
        put_repr(f, "", 0, 1, 0);
    }
}

static void debug_skipped(const httpc_resp *r, const char *s, size_t n)
{
    httpc__dline l;
    FILE *f = httpc__debug_begin(&l, &r->dbg);

    if (f == NULL)
        return;
    fputs("headers: [", f);
    skipped_items(f, s, n);
    fputs("]\n", f);
    httpc__debug_end(&l);
}

/* ---- begin() ------------------------------------------------------------ */

/* _read_status: "reply:" is printed as soon as the line is read, before it
 * is judged; a line refused is consumed (httplib 2.7's unbuffered readline
 * took it off the socket). */
static int read_status(httpc_resp *r, httpc_status_line *sl)
{
    size_t last = 0; /* the length seen by the call that said AGAIN */

    for (;;) {
        size_t avail = r->end - r->pos;
        ssize_t n = httpc_parse_status_line_resume(r->buf + r->pos, avail, last, r->eof, r->p, sl,
                                                   r->errmsg, sizeof r->errmsg);
        if (n != HTTPC_E_AGAIN) {
            size_t len = 0;
            int whole = (n < 0 || r->debuglevel > 0) && n != HTTPC_E_LINE_TOO_LONG &&
                        httpc__readline(r->buf + r->pos, avail, r->eof, r->p->max_line, &len) == 0;
            if (whole && r->debuglevel > 0)
                debug_repr(r, "reply:", r->buf + r->pos, len);
            if (whole && n < 0)
                r->pos += len;
            return (int)n;
        }
        last = avail;
        ssize_t got = httpc__resp_fill(r, r->p->max_line + 1);
        if (got < 0)
            return (int)got;
    }
}

/* Runs the header parser until it has a complete result, reading more only
 * while a line is incomplete. The parser's state is kept across the reads,
 * so a head arriving in small pieces is parsed once, each line when it is
 * complete, in time linear in its length. */
static ssize_t parse_head(httpc_resp *r, const httpc_profile *p, httpc_header *h, size_t *nh)
{
    httpc_parse_state st = {0};

    for (;;) {
        size_t n = *nh;
        ssize_t rc = httpc_parse_headers_resume(r->buf + r->pos, r->end - r->pos, r->eof, p, h, &n,
                                                &st, r->errmsg, sizeof r->errmsg);
        if (rc != HTTPC_E_AGAIN) {
            *nh = n;
            return rc;
        }
        ssize_t got = httpc__resp_fill(r, head_limit(p));
        if (got < 0)
            return got;
    }
}

static int is_blank_bytes(const char *l, size_t n)
{
    size_t k = 0;

    while (k < n && httpc__py_isspace_bytes((unsigned char)l[k]))
        k++;
    return k == n;
}

/* Takes the next header line whole (readline(_MAXLINE + 1)): its start and
 * length, or LineTooLong with CPython's "header line" message. */
static int skip_line(httpc_resp *r, const char **l, size_t *len)
{
    int rc = next_line(r, len);
    if (rc == HTTPC_E_LINE_TOO_LONG)
        httpc__detail(r->errmsg, sizeof r->errmsg,
                      "got more than %zu bytes when reading header line", r->p->max_line);
    if (rc < 0)
        return rc;
    *l = r->buf + r->pos;
    r->pos += *len;
    return 0;
}

/* httplib 2.7: lines up to one that .strip()s to nothing, each printed
 * stripped ("header: ...") at debug level. */
static int skip_continue_py27(httpc_resp *r)
{
    for (;;) {
        size_t len;
        const char *l;
        int rc = skip_line(r, &l, &len);
        if (rc < 0)
            return rc;
        if (is_blank_bytes(l, len))
            return 0;
        if (r->debuglevel > 0) {
            size_t a = 0, b = len;
            while (httpc__py_isspace_bytes((unsigned char)l[a]))
                a++;
            while (httpc__py_isspace_bytes((unsigned char)l[b - 1]))
                b--;
            httpc__debug_printf(&r->dbg, "header: %.*s\n", (int)(b - a), l + a);
        }
    }
}

/* The headers of a 100 response are read and dropped: 3.x's _read_headers
 * has the line rules and limits of the header parser, fields unused. */
static int skip_continue_headers(httpc_resp *r)
{
    size_t zero = 0;
    ssize_t n;

    if (r->p->py27)
        return skip_continue_py27(r);
    httpc_profile p = *r->p;
    p.header_mode = p.strict_rfc ? HTTPC_HEADERS_STRICT : HTTPC_HEADERS_PY3;
    if ((n = parse_head(r, &p, NULL, &zero)) < 0)
        return (int)n;
    if (r->debuglevel > 0)
        debug_skipped(r, r->buf + r->pos, (size_t)n);
    r->pos += (size_t)n;
    return 0;
}

/* RFC 9112 section 5.2: a user agent "MUST replace each received obs-fold
 * with one or more SP octets prior to interpreting the field value". The
 * strict parser gives a folded value as one span over its lines, which it
 * may not rewrite; the response's own copy of the head may be. Each run of
 * whitespace holding a CRLF (a fold, or several with blank lines between)
 * becomes one SP; CR and LF are in a strict value only there. The value
 * only shrinks, so the rewrite is done in place. Returns the new length. */
static size_t unfold(char *v, size_t n)
{
    size_t w = 0;

    for (size_t i = 0; i < n;) {
        if (v[i] != '\r' && v[i] != '\n') {
            v[w++] = v[i++];
            continue;
        }
        while (w > 0 && (v[w - 1] == ' ' || v[w - 1] == '\t'))
            w--;
        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == '\r' || v[i] == '\n'))
            i++;
        v[w++] = ' ';
    }
    return w;
}

/* Copies the head out of the read buffer so the spans outlive refills: into
 * the store after the reason's NUL, with room behind it for httplib 2.7's
 * joined values (framing), never more than the block itself. */
static int keep_headers(httpc_resp *r, httpc_header *h, size_t n, size_t head_len)
{
    const char *base = r->buf + r->pos;
    size_t at = r->reason == r->store ? r->reason_len + 1 : 0;

    if (store_reserve(r, at + head_len + (r->p->py27 ? head_len + 1 : 0)) < 0)
        return HTTPC_E_NOMEM;
    r->head = r->store + at;
    memcpy(r->head, base, head_len);
    for (size_t i = 0; i < n; i++) {
        if (h[i].name.ptr != NULL)
            h[i].name.ptr = r->head + (h[i].name.ptr - base);
        h[i].value.ptr = r->head + (h[i].value.ptr - base);
    }
    for (size_t i = 0; i < n && r->p->header_mode == HTTPC_HEADERS_STRICT; i++) {
        char *v = r->head + (h[i].value.ptr - r->head);
        if (memchr(v, '\n', h[i].value.len) != NULL)
            h[i].value.len = unfold(v, h[i].value.len);
    }
    r->head_len = head_len;
    r->nhdrs = n;
    return 0;
}

/* The raw line of head[0..len) that holds header entry h (2.7's msg.headers
 * keeps lines as read). A stripped empty continuation points just past its
 * line, hence the step back. */
static httpc_span raw_line(const char *head, size_t len, const httpc_header *h)
{
    const char *q = h->name.ptr ? h->name.ptr : h->value.ptr, *end = head + len, *a, *b;

    if (h->name.ptr == NULL && h->value.len == 0 && q > head && q[-1] == '\n')
        q--;
    for (a = q; a > head && a[-1] != '\n'; a--)
        ;
    b = q < end ? memchr(q, '\n', (size_t)(end - q)) : NULL;
    return (httpc_span){a, b ? (size_t)(b + 1 - a) : (size_t)(end - a)};
}

/* 3.x: print("header:", hdr + ":", val) per field; 2.7: print "header:",
 * hdr, per raw line (the line keeps its own terminator). */
static void debug_header(const httpc_resp *r, const httpc_header *h, size_t head_len)
{
    httpc__dline l;
    FILE *f = httpc__debug_begin(&l, &r->dbg);

    if (f == NULL)
        return;
    fputs("header: ", f);
    if (r->p->py27) {
        httpc_span line = raw_line(r->head, head_len, h);
        fwrite(line.ptr, 1, line.len, f);
    } else {
        print_text(r, f, h->name.ptr, h->name.len);
        fputs(": ", f);
        print_text(r, f, h->value.ptr, h->value.len);
        fputc('\n', f);
    }
    httpc__debug_end(&l);
}

static void debug_headers(const httpc_resp *r, size_t head_len)
{
    for (size_t i = 0; i < r->nhdrs; i++)
        debug_header(r, &r->hdrs[i], head_len);
}

size_t httpc__resp_hdrs_first(const httpc_profile *p)
{
    size_t cap = p->max_headers + 2;
    return cap > 4096 ? 4096 : cap;
}

/* The fields go to the response's array, reused from a kept-alive
 * connection's last response when it has the room (the parser writes only
 * what it returns, so nothing is cleared). */
static int read_headers(httpc_resp *r)
{
    size_t cap = httpc__resp_hdrs_first(r->p), n;
    ssize_t len;

    for (;;) {
        if (r->hdrs_cap < cap) {
            free(r->hdrs);
            r->hdrs_cap = 0;
            if ((r->hdrs = malloc(cap * sizeof *r->hdrs)) == NULL)
                return httpc__resp_fail(r, HTTPC_E_NOMEM);
            r->hdrs_cap = cap;
        }
        n = cap;
        len = parse_head(r, r->p, r->hdrs, &n);
        /* Bare CRs split one line into several fields in Python 3's email
         * parser, so the fields may outnumber the lines: grow and parse again
         * (the block is complete by now, so nothing is read twice). */
        if (len != HTTPC_E_NO_ROOM || cap > SIZE_MAX / 4 / sizeof *r->hdrs)
            break;
        cap *= 4;
    }
    if (len < 0)
        return (int)len;
    if (keep_headers(r, r->hdrs, n, (size_t)len) < 0)
        return HTTPC_E_NOMEM;
    r->pos += (size_t)len;
    if (r->debuglevel > 0)
        debug_headers(r, (size_t)len);
    return 0;
}

/* The framing part of begin(): httpc_parse_framing decides, the response
 * keeps what it says. httplib 2.7 joins repeated fields, which needs room:
 * never more than the header block itself. */
static int framing(httpc_resp *r)
{
    httpc_framing_in in = {.profile = r->p,
                           .status = r->status,
                           .version = r->version,
                           .head_request = r->head_method,
                           .headers = r->hdrs,
                           .num_headers = r->nhdrs};
    httpc_framing f;
    char none[1]; /* HTTP/0.9: no head, no fields to join */
    int rc;

    if (r->p->py27) {
        in.scratch = r->head != NULL ? r->head + r->head_len : none;
        in.scratch_cap = r->head_len;
    }
    rc = httpc_parse_framing(&in, &f, r->errmsg, sizeof r->errmsg);
    if (rc < 0)
        return rc;
    r->chunked = f.chunked;
    r->length = f.length;
    r->length_over = f.length_over;
    r->will_close = f.will_close;
    if (r->chunked)
        httpc_chunked_init(&r->dec, r->p);
    return 0;
}

/* Whether begin() skips a response with this status: CPython skips 100
 * alone; RFC 9110 section 15.2 has a client skip every 1xx but 101, after
 * which the connection speaks another protocol (the strict profile). */
static int interim(const httpc_resp *r, int status)
{
    if (r->p->strict_rfc)
        return status >= 100 && status < 200 && status != HTTPC_STATUS_SWITCHING_PROTOCOLS;
    return status == HTTPC_STATUS_CONTINUE;
}

static int begin(httpc_resp *r)
{
    httpc_status_line sl;
    int rc;

    for (;;) {
        if ((rc = read_status(r, &sl)) < 0)
            return rc;
        r->pos += (size_t)rc;
        if (sl.http09 || !interim(r, sl.status))
            break;
        if ((rc = skip_continue_headers(r)) < 0)
            return rc;
    }
    r->status = sl.status;
    r->version = sl.version_num;
    if (sl.reason.len < sizeof r->reason_in) {
        r->reason = r->reason_in;
    } else {
        /* with room for the rest of a head that came with it (most heads),
         * so that keeping the head does not move the reason */
        size_t more = r->end - r->pos < RESP_BUFSIZE ? r->end - r->pos : RESP_BUFSIZE;
        if (store_reserve(r, sl.reason.len + 1 + more) < 0)
            return HTTPC_E_NOMEM;
        r->reason = r->store;
    }
    memcpy(r->reason, sl.reason.ptr, sl.reason.len);
    r->reason[sl.reason.len] = '\0';
    r->reason_len = sl.reason.len;
    /* HTTP/0.9 has no headers: the rest of the stream is the body */
    if (r->version != 9 && (rc = read_headers(r)) < 0)
        return rc;
    return framing(r);
}

int httpc__resp_begin(httpc_resp *r)
{
    int rc = begin(r);

    if (r->debuglevel > 0)
        httpc__debug_flush(&r->dbg);
    return rc;
}

/* print('header:', line.decode()): the line keeps its terminator. */
static void debug_tunnel_header(const httpc_resp *r, const char *line, size_t len)
{
    httpc__dline l;
    FILE *f = httpc__debug_begin(&l, &r->dbg);

    if (f == NULL)
        return;
    fputs("header: ", f);
    fwrite(line, 1, len, f);
    fputc('\n', f);
    httpc__debug_end(&l);
}

/* _tunnel's header loop: lines up to an empty one or EOF, bounded in length
 * only; 3.x ends at "\r\n" or "\n" and prints each line at debug level,
 * 2.7 ends at "\r\n" alone. */
static int skip_tunnel_headers(httpc_resp *r, int debuglevel)
{
    for (;;) {
        size_t len;
        const char *l;
        int rc = skip_line(r, &l, &len);
        if (rc < 0)
            return rc;
        if (len == 0 || (httpc__is_eol(l, len) && (len == 2 || !r->p->py27)))
            return 0;
        if (debuglevel > 0 && !r->p->py27)
            debug_tunnel_header(r, l, len);
    }
}

int httpc__resp_tunnel_reply(httpc_resp *r, int debuglevel, char *detail, size_t cap)
{
    httpc_status_line sl;
    int rc = read_status(r, &sl);

    if (rc >= 0) {
        r->pos += (size_t)rc;
        if (sl.http09) {
            httpc__detail(detail, cap, "Invalid response from tunnel request");
            return HTTPC_E_OS_ERROR;
        }
        if (sl.status != 200) {
            httpc__detail(detail, cap, "Tunnel connection failed: %d %.*s", sl.status,
                          (int)sl.reason.len, sl.reason.ptr);
            return HTTPC_E_OS_ERROR;
        }
        rc = skip_tunnel_headers(r, debuglevel);
        if (debuglevel > 0)
            httpc__debug_flush(&r->dbg);
    }
    if (rc < 0)
        httpc__detail(detail, cap, "%s", r->errmsg);
    return rc;
}
