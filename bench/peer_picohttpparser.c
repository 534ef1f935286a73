/* SPDX-License-Identifier: MIT */
/* The picohttpparser side of the benchmarks: the copy inside Debian's
 * libh2o0.13 (h2o 2.2.5), which exports phr_parse_response and
 * phr_decode_chunked but ships no header of its own in that package, so
 * the prototypes and structs of h2o 2.2's picohttpparser.h are declared
 * here. The decoder's layout was read off the library's code (the size at
 * offset 0, consume_trailer at 8, the hex count at 9, the state at 10), and
 * micro.c checks every result against httpc's before timing anything.
 *
 * picohttpparser keeps no state between calls of phr_parse_response: a
 * caller with more bytes calls it again on the longer buffer with last_len,
 * the length of the previous call, which it uses to look for the end of the
 * head only in what is new. Its chunked decoder rewrites its input in place
 * (the data runs are moved together: that memmove is its own cost), so each
 * parse decodes a copy of the message: bench_time makes the copies between
 * its timed loops, and a parse that finds none ready copies the body itself
 * with callgrind's collection off, so the copy is in no figure. */
#include "micro.h"

#include <valgrind/callgrind.h>

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

struct phr_header {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
};

/* Returns the bytes of the head, -2 if it is incomplete, -1 if it fails. */
int phr_parse_response(const char *buf, size_t len, int *minor_version, int *status,
                       const char **msg, size_t *msg_len, struct phr_header *headers,
                       size_t *num_headers, size_t last_len);

struct phr_chunked_decoder {
    size_t bytes_left_in_chunk;
    char consume_trailer; /* nonzero: also consume the trailer section */
    char _hex_count;
    char _state;
};
_Static_assert(sizeof(struct phr_chunked_decoder) == 16, "h2o 2.2's phr_chunked_decoder");

/* Decodes buf[0..*bufsz) in place, leaving the data at its start and its
 * length in *bufsz. Returns the bytes left after the body (>= 0) when it is
 * complete, -2 if more is needed, -1 on an error. */
ssize_t phr_decode_chunked(struct phr_chunked_decoder *decoder, char *buf, size_t *bufsz);

/* Work buffers: copies of the message, each decoded by one parse. */
enum { SLOTS = 16, BATCH_BYTES = 256 * 1024 };
static char *slot[SLOTS];
static size_t slot_cap[SLOTS];
static const message *prepared_for;
static int ready; /* slots [0, ready) hold fresh copies of prepared_for */

void bench_pico_setup(void)
{
    for (int i = 0; i < SLOTS; i++)
        free(slot[i]), slot[i] = NULL, slot_cap[i] = 0;
    prepared_for = NULL, ready = 0;
}

static char *slot_buffer(int i, size_t len)
{
    if (len > slot_cap[i]) {
        free(slot[i]);
        slot[i] = malloc(len);
        slot_cap[i] = slot[i] == NULL ? 0 : len;
    }
    return slot[i];
}

int bench_pico_batch(const message *m)
{
    size_t n = BATCH_BYTES / (m->len ? m->len : 1);
    return n < 1 ? 1 : n > SLOTS ? SLOTS : (int)n;
}

void bench_pico_prepare(const message *m, int n)
{
    ready = 0;
    for (int i = 0; i < n && i < SLOTS; i++) {
        char *w = slot_buffer(i, m->len);
        if (w == NULL)
            break;
        memcpy(w, m->buf, m->len);
        ready = i + 1;
    }
    prepared_for = m;
}

/* A fresh copy of m's bytes from offset `from` on. */
static char *work_buffer(const message *m, size_t from)
{
    if (prepared_for == m && ready > 0)
        return slot[--ready];
    char *w = slot_buffer(0, m->len);
    ready = 0; /* slot 0 is no longer a prepared copy */
    if (w != NULL) {
        CALLGRIND_TOGGLE_COLLECT;
        memcpy(w + from, m->buf + from, m->len - from);
        CALLGRIND_TOGGLE_COLLECT;
    }
    return w;
}

/* The head: called again on the longer buffer until it is complete. */
static int parse_head(const message *m, size_t step, size_t *avail, result *r, int *chunked)
{
    struct phr_header h[MAXH];
    const char *msg;
    size_t msg_len, nh, last = 0;
    int minor, status, n;
    for (;;) {
        *avail = m->len - *avail < step ? m->len : *avail + step;
        nh = MAXH;
        n = phr_parse_response(m->buf, *avail, &minor, &status, &msg, &msg_len, h, &nh, last);
        if (n != -2 || *avail == m->len)
            break;
        last = *avail;
    }
    if (n < 0)
        return -1;
    r->status = status, r->major = 1, r->minor = minor;
    r->reason = (httpc_span){msg, msg_len};
    r->nheaders = (int)nh;
    *chunked = 0;
    for (size_t i = 0; i < nh; i++) {
        r->name[i] = (httpc_span){h[i].name, h[i].name_len};
        r->value[i] = (httpc_span){h[i].value, h[i].value_len};
        *chunked |= bench_is_chunked(h[i].name, h[i].name_len, h[i].value, h[i].value_len);
    }
    return n;
}

int bench_run_pico(const message *m, size_t piece, result *r)
{
    size_t step = piece ? piece : m->len, end = 0;
    int chunked, n = parse_head(m, step, &end, r, &chunked);
    if (n < 0)
        return -1;
    r->consumed = (size_t)n;
    if (!chunked)
        return 0;
    char *w = work_buffer(m, (size_t)n);
    if (w == NULL)
        return -1;
    struct phr_chunked_decoder d = {.consume_trailer = 1};
    for (size_t pos = (size_t)n;;) { /* [pos, end) arrived and is not decoded yet */
        size_t sz = end - pos;
        ssize_t k = phr_decode_chunked(&d, w + pos, &sz);
        if (sz > 0)
            bench_add_body(r, w + pos, sz);
        if (k >= 0) {
            r->consumed = end - (size_t)k;
            return 0;
        }
        if (k == -1 || end == m->len)
            return -1;
        pos = end;
        end = m->len - end < step ? m->len : end + step;
    }
}
