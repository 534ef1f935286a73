/* SPDX-License-Identifier: MIT */
/* httpc's pure parsers fed as its peers are (micro.h): the status line, the
 * header block and the chunked decoder of the public API (httpc_chunked_decode,
 * many chunks a call), called again with
 * the longer buffer whenever one needs more, as the client reads: the head
 * parsers through their resuming entry points (last_len, httpc_parse_state),
 * which look only at what is new. */
#include "micro.h"

httpc_profile bench_profile;

static size_t next_end(const message *m, size_t end, size_t step)
{
    return m->len - end < step ? m->len : end + step;
}

/* Data runs one call returns at most: as picohttpparser's callers pass a
 * header array, the caller gives the room. */
#define RUNS 16

/* The body from `off` on: each call takes what it can of [off, end), as
 * many chunks as its room for data runs allows. */
__attribute__((noinline)) static int run_chunked(const message *m, size_t step, size_t off,
                                                 size_t end, result *r)
{
    httpc_chunked dec;
    httpc_chunked_init(&dec, &bench_profile);
    for (;;) {
        httpc_span runs[RUNS];
        size_t n = RUNS;
        ssize_t k = httpc_chunked_decode(&dec, m->buf + off, end - off, 0, runs, &n, NULL, 0);
        if (k > 0) {
            bench_add_runs(r, runs, n);
            off += (size_t)k;
            if (httpc_chunked_done(&dec))
                break;
            /* what is left of the piece (the runs' room ran out, or a line
             * began): again; the piece used up: the next, as the client
             * reads again */
            if (off < end)
                continue;
        } else if (k < 0 && k != HTTPC_E_AGAIN) {
            return -1;
        } else if (httpc_chunked_done(&dec)) {
            break;
        }
        if (end == m->len)
            return -1;
        end = next_end(m, end, step);
    }
    r->consumed = off;
    return 0;
}

int bench_run_httpc(const message *m, size_t piece, result *r)
{
    size_t step = piece ? piece : m->len, end = 0, last = 0, n;
    httpc_status_line sl;
    httpc_header h[MAXH];
    httpc_parse_state st = {0};
    ssize_t a, b;
    int chunked = 0;
    for (;;) {
        end = next_end(m, end, step);
        a = httpc_parse_status_line_resume(m->buf, end, last, 0, &bench_profile, &sl, NULL, 0);
        if (a != HTTPC_E_AGAIN || end == m->len)
            break;
        last = end;
    }
    if (a < 0)
        return -1;
    for (;;) {
        n = MAXH;
        b = httpc_parse_headers_resume(m->buf + a, end - (size_t)a, 0, &bench_profile, h, &n, &st,
                                       NULL, 0);
        if (b != HTTPC_E_AGAIN || end == m->len)
            break;
        end = next_end(m, end, step);
    }
    if (b < 0)
        return -1;
    /* the fields copied and looked at for framing as the other adapters do
     * theirs (bench_is_chunked in the copy loop), so that the harness costs
     * every parser the same; every version_num is 1.x: no division */
    r->status = sl.status;
    r->major = 1, r->minor = sl.version_num - 10;
    r->reason = sl.reason;
    r->nheaders = (int)n;
    for (size_t i = 0; i < n; i++) {
        r->name[i] = h[i].name, r->value[i] = h[i].value;
        chunked |= bench_is_chunked(h[i].name.ptr, h[i].name.len, h[i].value.ptr, h[i].value.len);
    }
    r->consumed = (size_t)(a + b);
    if (!chunked)
        return 0;
    return run_chunked(m, step, r->consumed, end, r);
}
