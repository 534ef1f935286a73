/* SPDX-License-Identifier: MIT */
/* Fuzz target for the whole response path: the reply bytes replayed by the
 * in-memory transport, read by httpc__resp_begin (status line, 1xx, headers,
 * framing) and then the body by read(), read(amt), readline() or a mix, under
 * every profile. The outcome (error codes and messages, status, version,
 * reason, headers, framing, body bytes, IncompleteRead figures) must not
 * depend on how the transport cuts the reply: segment 0 (all at once),
 * segment 1 (one byte per recv) and a fuzzer-chosen segment size agree.
 * Input: fuzz_common.h's header, where byte 1 is the segment size and byte 2
 * the read mode (bits 0-1: read(), read(amt), readline(amt), read(amt) then
 * read(); bit 2: HEAD; bits 3-7: amt = 1 + 7 * value), then the reply. */
#include "fuzz_common.h"
#include "conn_internal.h"

/* Compared with memcmp: six ints, then 8-byte fields only (no padding). */
typedef struct outcome {
    int begin_rc;
    int status, version, will_close, chunked;
    int isclosed;   /* after the body */
    int64_t length; /* after begin() */
    size_t nheaders;
    uint64_t head_hash; /* reason, header names and values */
    int64_t body_rc;    /* 0 when the body was read to its end, else the error */
    uint64_t body_len, body_hash, partial_hash;
    int64_t partial, expected, offset, length_after;
    uint64_t errmsg_hash;
} outcome;
_Static_assert(sizeof(outcome) == 6 * sizeof(int) + 12 * 8, "outcome has padding");

typedef struct sink_state {
    uint64_t len, hash;
} sink_state;

static int sink(void *ctx, const void *data, size_t len)
{
    sink_state *s = ctx;

    if (data != NULL) {
        s->len += len;
        s->hash = fuzz_hash(s->hash, data, len);
    }
    return 0;
}

static void record_head(httpc_resp *r, outcome *o)
{
    o->status = httpc_resp_status(r);
    o->version = httpc_resp_version(r);
    o->will_close = httpc_resp_will_close(r);
    o->chunked = httpc_resp_chunked(r);
    o->length = httpc_resp_length(r);
    o->nheaders = httpc_resp_header_count(r);
    o->head_hash = fuzz_head_hash(r);
}

/* read(amt) (or readline) until it gives 0 or fails; each call that does
 * not end the body delivers at least one byte of the reply, which bounds the
 * loop. */
static int64_t read_loop(httpc_resp *r, char *buf, size_t amt, int lines, size_t reply_len,
                         sink_state *s)
{
    for (size_t calls = 0;; calls++) {
        FUZZ_CHECK(calls <= reply_len + 1, "read(%zu) does not end", amt);
        ssize_t n = lines ? httpc_resp_readline(r, buf, amt) : httpc_resp_read(r, buf, amt);
        FUZZ_CHECK(n <= (ssize_t)amt, "read(%zu) gave %zd", amt, n);
        if (n <= 0)
            return n;
        sink(s, buf, (size_t)n);
    }
}

static void read_body(httpc_resp *r, const fuzz_input *in, int mode, size_t amt, outcome *o)
{
    sink_state s = {0, FUZZ_HASH_INIT};
    char *buf = malloc(amt); /* exact size: read(amt) must not write past it */
    int64_t rc = 0;

    FUZZ_CHECK(buf != NULL, "out of memory");
    if (mode == 0) {
        rc = httpc_resp_read_all(r, sink, &s);
        FUZZ_CHECK(rc < 0 || (uint64_t)rc == s.len, "read() returned %lld for %llu bytes",
                   (long long)rc, (unsigned long long)s.len);
    } else if (mode == 3) {
        rc = httpc_resp_read(r, buf, amt);
        if (rc > 0) {
            sink(&s, buf, (size_t)rc);
            uint64_t before = s.len;
            rc = httpc_resp_read_all(r, sink, &s);
            FUZZ_CHECK(rc < 0 || (uint64_t)rc == s.len - before, "read() returned %lld",
                       (long long)rc);
        }
    } else {
        rc = read_loop(r, buf, amt, mode == 2, in->len, &s);
    }
    o->body_rc = rc < 0 ? rc : 0;
    o->body_len = s.len;
    o->body_hash = s.hash;
    FUZZ_CHECK(s.len <= in->len, "%llu body bytes from a %zu-byte reply", (unsigned long long)s.len,
               in->len);
    if (rc < 0) {
        httpc_resp_incomplete(r, &o->partial, &o->expected, &o->offset);
        /* read(amt) leaves e.partial at the start of the caller's buffer. */
        if (mode != 0 && o->partial > 0 && (uint64_t)o->partial <= amt)
            o->partial_hash = fuzz_hash(FUZZ_HASH_INIT, buf, (size_t)o->partial);
        o->errmsg_hash = fuzz_hash_str(FUZZ_HASH_INIT, httpc_resp_errmsg(r));
    } else {
        FUZZ_CHECK(httpc_resp_read(r, buf, amt) == 0, "read() after the end gave bytes");
    }
    o->length_after = httpc_resp_length(r);
    o->isclosed = httpc_resp_isclosed(r);
    free(buf);
}

static void run(const fuzz_input *in, size_t segment, outcome *o)
{
    unsigned mode = in->param >> 8;
    size_t amt = 1 + 7 * (size_t)(mode >> 3);
    httpc__transport *t;
    httpc_resp *r;

    memset(o, 0, sizeof *o);
    FUZZ_CHECK(httpc__mem_transport(in->buf, in->len, segment, &t) == 0, "mem transport");
    FUZZ_CHECK(httpc__resp_new(t, &in->profile, 0, (mode & 4) ? "HEAD" : "GET", &r) == 0,
               "resp_new");
    httpc__transport_unref(t); /* the response holds its own reference */
    o->begin_rc = httpc__resp_begin(r);
    if (o->begin_rc == 0) {
        record_head(r, o);
        read_body(r, in, (int)(mode & 3), amt, o);
    } else {
        FUZZ_CHECK(o->begin_rc < 0 && o->begin_rc != HTTPC_E_AGAIN, "begin() gave %d", o->begin_rc);
        o->errmsg_hash = fuzz_hash_str(FUZZ_HASH_INIT, httpc_resp_errmsg(r));
    }
    httpc_resp_free(r);
}

static void check_same(const outcome *a, const outcome *b, size_t seg_a, size_t seg_b)
{
    FUZZ_CHECK(memcmp(a, b, sizeof *a) == 0,
               "segment %zu: begin %d status %d headers %zu body %lld/%llu bytes "
               "partial %lld expected %lld; segment %zu: begin %d status %d headers %zu body "
               "%lld/%llu bytes partial %lld expected %lld",
               seg_a, a->begin_rc, a->status, a->nheaders, (long long)a->body_rc,
               (unsigned long long)a->body_len, (long long)a->partial, (long long)a->expected,
               seg_b, b->begin_rc, b->status, b->nheaders, (long long)b->body_rc,
               (unsigned long long)b->body_len, (long long)b->partial, (long long)b->expected);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input in;
    outcome whole, other;

    if (!fuzz_input_init(&in, data, size))
        return 0;
    size_t segment = in.param & 0xff;
    run(&in, 0, &whole);
    run(&in, 1, &other);
    check_same(&whole, &other, 0, 1);
    if (segment > 1) {
        run(&in, segment, &other);
        check_same(&whole, &other, 0, segment);
    }
    fuzz_input_free(&in);
    return 0;
}
