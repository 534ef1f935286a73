/* SPDX-License-Identifier: MIT */
/* Fuzz target for the chunked coding: httpc_parse_chunk_size on the first
 * line (split invariance as in fuzz_status_line) and the httpc_chunked
 * decoder over the whole body, fed three ways by a caller that keeps the
 * bytes not consumed: all at once with EOF, in two pieces at the split point,
 * and one byte at a time. The three must give the same data bytes, the same
 * total and the same result: done after the same number of bytes, or the
 * same error with the same detail (an error return carries no count, so the
 * bytes a failing call had got through are not comparable). Also: data runs
 * lie inside the consumed range, an error is sticky, the decoder never says
 * AGAIN at EOF and always progresses. A body decoded to its end also gives
 * as many bytes as its size lines add up to, walked here independently:
 * size line, that many data bytes, the two bytes CPython discards, until the
 * zero-size chunk. Fed one byte at a time, the decoder's work (scan.h's
 * counter) stays within HTTPC__WORK_FACTOR x length + HTTPC__WORK_SLACK.
 * httpc_chunked_decode (many data runs a call) gives the same results whole
 * and in two pieces, its runs in order inside what each call consumed.
 * Input: fuzz_common.h's header (bytes 1-2: the split point), then the body. */
#include "fuzz_common.h"
#include "scan.h" /* the work counter */

/* ---- the chunk-size line ------------------------------------------------ */

typedef struct size_outcome {
    ssize_t rc;
    uint64_t size;
    int negative;
    size_t ext_off, ext_len;
    char detail[160];
} size_outcome;

static void parse_size(const char *buf, size_t len, int eof, const httpc_profile *p,
                       size_outcome *o)
{
    httpc_chunk_size cs;

    memset(o, 0, sizeof *o);
    o->rc = httpc_parse_chunk_size(buf, len, eof, p, &cs, o->detail, sizeof o->detail);
    FUZZ_CHECK(o->rc < 0 || (size_t)o->rc <= len, "consumed %zd of %zu", o->rc, len);
    if (o->rc < 0)
        return;
    FUZZ_CHECK(fuzz_inside(cs.ext.ptr, cs.ext.len, buf, (size_t)o->rc),
               "extension outside the line");
    o->size = cs.size;
    o->negative = cs.negative;
    o->ext_off = cs.ext.len ? fuzz_off(cs.ext.ptr, buf) : 0;
    o->ext_len = cs.ext.len;
}

static int same_size(const size_outcome *a, const size_outcome *b)
{
    return a->rc == b->rc && a->size == b->size && a->negative == b->negative &&
           a->ext_off == b->ext_off && a->ext_len == b->ext_len &&
           strcmp(a->detail, b->detail) == 0;
}

static void check_size_line(const fuzz_input *in, size_t k)
{
    size_outcome whole, part;

    parse_size(in->buf, in->len, 1, &in->profile, &whole);
    FUZZ_CHECK(whole.rc != HTTPC_E_AGAIN, "size line: AGAIN at EOF");
    size_t ends[2] = {k, in->len};
    for (int i = 0; i < 2; i++) {
        char *prefix = fuzz_dup(in->buf, ends[i]);
        parse_size(prefix, ends[i], 0, &in->profile, &part);
        free(prefix);
        FUZZ_CHECK(part.rc == HTTPC_E_AGAIN || same_size(&part, &whole),
                   "size line split at %zu: rc %zd size %llu (\"%s\"), whole: rc %zd size %llu "
                   "(\"%s\")",
                   ends[i], part.rc, (unsigned long long)part.size, part.detail, whole.rc,
                   (unsigned long long)whole.size, whole.detail);
    }
}

/* ---- the decoder -------------------------------------------------------- */

typedef struct decoded {
    ssize_t rc; /* 0 once done, else the error */
    uint64_t total;
    size_t consumed;
    char *data; /* every data byte produced, in order */
    size_t data_len;
    char detail[160];
} decoded;

/* 0: feed() calls httpc_chunked_feed; n: httpc_chunked_decode with room for
 * n data runs (at most 8) a call, which must give the same results. */
static size_t decode_room;

/* One call on a copy of the window placed at the very end of `scratch` (a
 * heap block of `cap` bytes), so a read past the window is a read past the
 * block, which ASan reports, without a malloc per call: one byte at a time
 * made thousands of calls per input and the allocations dominated. */
static ssize_t feed(httpc_chunked *c, const char *win_src, size_t win_len, int eof, decoded *d,
                    char *scratch, size_t cap)
{
    char *win = scratch + cap - win_len;
    const char *out = NULL;
    size_t out_len = 0;

    if (win_len > 0)
        memcpy(win, win_src, win_len);
    if (decode_room > 0) {
        httpc_span runs[8];
        size_t nruns = decode_room;
        ssize_t n =
            httpc_chunked_decode(c, win, win_len, eof, runs, &nruns, d->detail, sizeof d->detail);
        FUZZ_CHECK(nruns <= decode_room && (n > 0 || nruns == 0), "%zu runs with %zd", nruns, n);
        for (size_t i = 0; i < nruns; i++) {
            FUZZ_CHECK(runs[i].len > 0 && fuzz_inside(runs[i].ptr, runs[i].len, win, (size_t)n) &&
                           (i == 0 || runs[i].ptr >= runs[i - 1].ptr + runs[i - 1].len),
                       "run %zu outside the %zd bytes consumed or out of order", i, n);
            FUZZ_CHECK(runs[i].len <= cap - d->data_len, "more data than input");
            memcpy(d->data + d->data_len, runs[i].ptr, runs[i].len);
            d->data_len += runs[i].len;
        }
        return n;
    }
    ssize_t n =
        httpc_chunked_feed(c, win, win_len, eof, &out, &out_len, d->detail, sizeof d->detail);

    if (n >= 0) {
        FUZZ_CHECK((size_t)n <= win_len, "consumed %zd of %zu", n, win_len);
        FUZZ_CHECK(out_len == 0 || fuzz_inside(out, out_len, win, (size_t)n),
                   "data run outside the %zd bytes consumed", n);
        FUZZ_CHECK(out_len <= cap - d->data_len, "more data than input");
        if (out_len > 0)
            memcpy(d->data + d->data_len, out, out_len);
        d->data_len += out_len;
    }
    return n;
}

/* Feeds buf[0..len) as a caller keeping its unconsumed bytes would: the
 * window first reaches `first` bytes, then grows by `step` bytes (0: to the
 * end) each time the decoder says AGAIN; EOF is set once it holds the end. */
static void decode(const char *buf, size_t len, const httpc_profile *p, size_t first, size_t step,
                   decoded *d)
{
    httpc_chunked c;
    size_t start = 0, end = first < len ? first : len;

    memset(d, 0, sizeof *d);
    d->data = fuzz_dup(buf, len); /* len bytes of room: data is a subset of the input */
    char *scratch = fuzz_dup(buf, len);
    httpc_chunked_init(&c, p);
    for (size_t calls = 0;; calls++) {
        FUZZ_CHECK(calls <= 2 * len + 4, "no progress after %zu calls", calls);
        int eof = end == len;
        ssize_t n = feed(&c, buf + start, end - start, eof, d, scratch, len);
        if (n == HTTPC_E_AGAIN) {
            FUZZ_CHECK(!eof, "AGAIN at EOF (%zu bytes consumed)", start);
            end = (step == 0 || len - end < step) ? len : end + step;
            continue;
        }
        if (n < 0) {
            const char *out;
            size_t out_len;
            d->rc = n;
            FUZZ_CHECK(
                httpc_chunked_feed(&c, buf + start, end - start, eof, &out, &out_len, NULL, 0) == n,
                "error %zd is not sticky", n);
            break;
        }
        start += (size_t)n;
        if (httpc_chunked_done(&c))
            break;
        FUZZ_CHECK(n > 0, "returned 0 before the end");
    }
    free(scratch);
    d->total = c.total;
    d->consumed = start;
    FUZZ_CHECK(d->total == d->data_len, "total %llu, %zu bytes produced",
               (unsigned long long)d->total, d->data_len);
}

static void check_same(const decoded *a, const decoded *b, const char *how)
{
    FUZZ_CHECK(a->rc == b->rc && a->total == b->total &&
                   (a->rc < 0 || a->consumed == b->consumed) && a->data_len == b->data_len &&
                   memcmp(a->data, b->data, a->data_len) == 0 && strcmp(a->detail, b->detail) == 0,
               "whole: rc %zd total %llu consumed %zu (\"%s\"); %s: rc %zd total %llu consumed "
               "%zu (\"%s\")",
               a->rc, (unsigned long long)a->total, a->consumed, a->detail, how, b->rc,
               (unsigned long long)b->total, b->consumed, b->detail);
}

/* The sum of the chunk sizes of a body the decoder finished, walked with
 * httpc_parse_chunk_size alone; -1 when a negative size (a py3 quirk that
 * reads to EOF) makes the walk meaningless. */
static int64_t sum_of_sizes(const char *buf, size_t len, const httpc_profile *p)
{
    uint64_t sum = 0;
    size_t pos = 0;

    for (;;) {
        httpc_chunk_size cs;
        ssize_t n = httpc_parse_chunk_size(buf + pos, len - pos, 1, p, &cs, NULL, 0);
        FUZZ_CHECK(n > 0, "size line at %zu: %zd, yet the decoder finished", pos, n);
        if (cs.negative)
            return -1;
        if (cs.size == 0)
            return (int64_t)sum;
        FUZZ_CHECK(cs.size <= len - pos - (size_t)n && len - pos - (size_t)n - cs.size >= 2,
                   "chunk of %llu at %zu runs past the %zu-byte body", (unsigned long long)cs.size,
                   pos, len);
        sum += cs.size;
        pos += (size_t)n + cs.size + 2;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input in;
    decoded whole, other;

    if (!fuzz_input_init(&in, data, size))
        return 0;
    size_t k = in.param % (in.len + 1);
    check_size_line(&in, k);

    decode(in.buf, in.len, &in.profile, in.len, 0, &whole);
    if (whole.rc == 0) {
        int64_t sum = sum_of_sizes(in.buf, whole.consumed, &in.profile);
        FUZZ_CHECK(sum < 0 || (uint64_t)sum == whole.total, "decoded %llu bytes, sizes sum to %lld",
                   (unsigned long long)whole.total, (long long)sum);
    }
    decode(in.buf, in.len, &in.profile, k, 0, &other);
    check_same(&whole, &other, "two pieces");
    free(other.data);
    /* many chunks a call: whole, and in two pieces with a room of 1 to 4 */
    decode_room = 8;
    decode(in.buf, in.len, &in.profile, in.len, 0, &other);
    check_same(&whole, &other, "whole, many runs a call");
    free(other.data);
    decode_room = 1 + (in.param >> 12) % 4;
    decode(in.buf, in.len, &in.profile, k, 0, &other);
    check_same(&whole, &other, "two pieces, many runs a call");
    free(other.data);
    decode_room = 0;
    httpc__work_reset();
    decode(in.buf, in.len, &in.profile, 0, 1, &other);
    size_t work = httpc__work_read();
    check_same(&whole, &other, "one byte at a time");
    FUZZ_CHECK(work == SIZE_MAX || work <= HTTPC__WORK_FACTOR * in.len + HTTPC__WORK_SLACK,
               "%zu bytes examined for %zu bytes one byte at a time", work, in.len);
    free(other.data);

    free(whole.data);
    fuzz_input_free(&in);
    return 0;
}
