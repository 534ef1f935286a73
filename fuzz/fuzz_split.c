/* SPDX-License-Identifier: MIT */
/* Fuzz target for split invariance over a whole keep-alive exchange: the
 * reply bytes reach the client through a transport whose recv() cuts them at
 * fuzzer-chosen points (a list of piece sizes, used in turn), and everything
 * the client reports must be what it reports when recv() hands over all the
 * bytes at once: for up to three request / getresponse / read rounds on one
 * connection, the error codes and messages, status, version, reason, every
 * header, framing, body bytes, IncompleteRead figures and will_close.
 * fuzz_response varies one segment size per run; here every piece differs,
 * so a parser state carried across any cut (status line, header block, chunk
 * size line, CRLF after the data, trailers, the next response) is hit. The
 * cut run's work (scan.h's counter: bytes the parsers examine) must stay
 * within HTTPC__WORK_FACTOR x the reply's length + HTTPC__WORK_SLACK a
 * round, however the pieces fall.
 * Input: fuzz_common.h's header; byte 1: the number of piece sizes (mod 16),
 * byte 2: the read mode (as fuzz_response: bits 0-1 read(), read(amt),
 * readline(amt), read(amt) then read(); bit 2 HEAD; bits 3-7 amt = 1 + 7 *
 * value); then the piece sizes (one byte each, size = byte + 1), then the
 * reply. */
#include "fuzz_common.h"
#include "scan.h" /* the work counter */
#include "conn_internal.h"

#define ROUNDS 3

/* A transport replaying `reply` in the pieces `cuts` says (none: at once). */
typedef struct cut_transport {
    httpc__transport base;
    const char *reply;
    size_t len, pos;
    const uint8_t *cuts;
    size_t ncuts, next, left; /* left: bytes of the current piece not yet given */
} cut_transport;

static int cut_send(httpc__transport *t, const void *buf, size_t len)
{
    (void)t, (void)buf, (void)len;
    return 0; /* the requests are not under test here */
}

static ssize_t cut_recv(httpc__transport *base, void *buf, size_t cap)
{
    cut_transport *t = (cut_transport *)base;
    size_t n = t->len - t->pos;

    if (t->ncuts > 0) {
        if (t->left == 0)
            t->left = (size_t)t->cuts[t->next++ % t->ncuts] + 1;
        n = n < t->left ? n : t->left;
    }
    n = n < cap ? n : cap;
    memcpy(buf, t->reply + t->pos, n);
    t->pos += n;
    if (t->ncuts > 0)
        t->left -= n;
    return (ssize_t)n;
}

static void cut_destroy(httpc__transport *t)
{
    free(t);
}

static int cut_fileno(const httpc__transport *t)
{
    (void)t;
    return -1;
}

static const httpc__transport_vt cut_vt = {cut_send, cut_recv, cut_destroy, cut_fileno};

/* Compared with memcmp: ints first, then 8-byte fields (no padding). */
typedef struct round_outcome {
    int request_rc, getresponse_rc;
    int status, version, will_close, chunked, isclosed, pad;
    int64_t length, body_rc;
    uint64_t nheaders, head_hash, body_len, body_hash;
    int64_t partial, expected, offset;
    uint64_t errmsg_hash;
} round_outcome;
_Static_assert(sizeof(round_outcome) == 8 * sizeof(int) + 10 * 8, "round_outcome has padding");

static int sink(void *ctx, const void *data, size_t len)
{
    round_outcome *o = ctx;

    if (data != NULL) {
        o->body_len += len;
        o->body_hash = fuzz_hash(o->body_hash, data, len);
    }
    return 0;
}

static void record_head(httpc_resp *r, round_outcome *o)
{
    o->status = httpc_resp_status(r);
    o->version = httpc_resp_version(r);
    o->will_close = httpc_resp_will_close(r);
    o->chunked = httpc_resp_chunked(r);
    o->length = httpc_resp_length(r);
    o->nheaders = httpc_resp_header_count(r);
    o->head_hash = fuzz_head_hash(r);
}

/* The body by the read mode; 0 when read to its end, else the error. */
static int64_t read_body(httpc_resp *r, unsigned mode, size_t reply_len, round_outcome *o)
{
    size_t amt = 1 + 7 * (size_t)(mode >> 3);
    char *buf = malloc(amt); /* exact size: read(amt) must not write past it */
    int64_t rc = 0;

    FUZZ_CHECK(buf != NULL, "out of memory");
    o->body_hash = FUZZ_HASH_INIT;
    if ((mode & 3) == 0 || (mode & 3) == 3) {
        if ((mode & 3) == 3 && (rc = httpc_resp_read(r, buf, amt)) > 0)
            sink(o, buf, (size_t)rc);
        if (rc >= 0)
            rc = httpc_resp_read_all(r, sink, o);
    } else {
        for (size_t calls = 0;; calls++) {
            FUZZ_CHECK(calls <= reply_len + 1, "read(%zu) does not end", amt);
            ssize_t n =
                (mode & 3) == 2 ? httpc_resp_readline(r, buf, amt) : httpc_resp_read(r, buf, amt);
            FUZZ_CHECK(n <= (ssize_t)amt, "read(%zu) gave %zd", amt, n);
            if ((rc = n) <= 0)
                break;
            sink(o, buf, (size_t)n);
        }
    }
    free(buf);
    return rc < 0 ? rc : 0;
}

static void run(const fuzz_input *in, const uint8_t *cuts, size_t ncuts, const char *reply,
                size_t len, round_outcome *out)
{
    cut_transport *t = calloc(1, sizeof *t);
    unsigned mode = in->param >> 8;
    httpc_conn_opts opts;
    httpc_conn *c;

    FUZZ_CHECK(t != NULL, "out of memory");
    httpc__transport_init(&t->base, &cut_vt);
    *t = (cut_transport){t->base, reply, len, 0, cuts, ncuts, 0, 0};
    httpc_conn_opts_init(&opts);
    opts.profile = &in->profile;
    FUZZ_CHECK(httpc__conn_new_transport(&c, "example.com", 80, &opts, &t->base) == 0, "conn");
    httpc__transport_unref(&t->base); /* the connection holds its own reference */
    memset(out, 0, ROUNDS * sizeof *out);
    for (int i = 0; i < ROUNDS; i++) {
        round_outcome *o = &out[i];
        httpc_resp *r = NULL;
        o->request_rc = httpc_conn_request(c, (mode & 4) ? "HEAD" : "GET", "/", NULL, NULL, 0, 0);
        if (o->request_rc == 0)
            o->getresponse_rc = httpc_conn_getresponse(c, &r);
        if (o->request_rc < 0 || o->getresponse_rc < 0) {
            o->errmsg_hash = fuzz_hash_str(FUZZ_HASH_INIT, httpc_conn_errmsg(c));
            break;
        }
        record_head(r, o);
        o->body_rc = read_body(r, mode, len, o);
        o->isclosed = httpc_resp_isclosed(r);
        if (o->body_rc < 0) {
            httpc_resp_incomplete(r, &o->partial, &o->expected, &o->offset);
            o->errmsg_hash = fuzz_hash_str(FUZZ_HASH_INIT, httpc_resp_errmsg(r));
        }
        httpc_resp_free(r);
        /* After a body error the connection goes on: httplib 2.7 gives the
         * rest of the stream to the next response, so where the error left
         * the stream is under test too. */
        if (o->will_close)
            break;
    }
    httpc_conn_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input in;
    round_outcome whole[ROUNDS], cut[ROUNDS];

    if (!fuzz_input_init(&in, data, size))
        return 0;
    size_t ncuts = (in.param & 0xff) % 16;
    if (ncuts > in.len)
        ncuts = in.len;
    const char *reply = in.buf + ncuts;
    size_t len = in.len - ncuts;

    run(&in, NULL, 0, reply, len, whole);
    httpc__work_reset();
    run(&in, (const uint8_t *)in.buf, ncuts, reply, len, cut);
    size_t work = httpc__work_read();
    FUZZ_CHECK(work == SIZE_MAX || work <= HTTPC__WORK_FACTOR * len + HTTPC__WORK_SLACK * ROUNDS,
               "%zu bytes examined for a %zu-byte reply in a %zu-piece cycle", work, len, ncuts);
    /* Python 3 reads each response through its own buffered makefile(): what
     * one recv() brought in past the response's end is lost with it, so after
     * a reply followed by more bytes the next round depends on where TCP cut
     * them, in CPython as in httpc (pieces that stop at the end keep the rest
     * for the next response). Python 2.7 reads unbuffered and never takes a
     * byte too many: there every round must agree. */
    int compared = in.profile.py27 ? ROUNDS : 1;
    for (int i = 0; i < compared; i++)
        FUZZ_CHECK(memcmp(&whole[i], &cut[i], sizeof whole[i]) == 0,
                   "round %d: at once: request %d getresponse %d status %d headers %llu body "
                   "%lld/%llu bytes partial %lld; in %zu-piece cycle: request %d getresponse %d "
                   "status %d headers %llu body %lld/%llu bytes partial %lld",
                   i + 1, whole[i].request_rc, whole[i].getresponse_rc, whole[i].status,
                   (unsigned long long)whole[i].nheaders, (long long)whole[i].body_rc,
                   (unsigned long long)whole[i].body_len, (long long)whole[i].partial, ncuts,
                   cut[i].request_rc, cut[i].getresponse_rc, cut[i].status,
                   (unsigned long long)cut[i].nheaders, (long long)cut[i].body_rc,
                   (unsigned long long)cut[i].body_len, (long long)cut[i].partial);
    fuzz_input_free(&in);
    return 0;
}
