/* SPDX-License-Identifier: MIT */
/* HTTPResponse's body reads: read(), read(amt), readinto(), readline(), with
 * the Content-Length, chunked (through httpc_chunked) and read-until-close
 * framings, and the figures of IncompleteRead (partial, expected, where the
 * partial starts). The body streams through the fixed read buffer: memory
 * stays flat however large it is. */
#include "resp_internal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where body bytes go: a caller buffer (read(amt)) or a sink (read()). */
typedef struct out_t {
    char *dst;
    httpc_sink_fn sink;
    void *ctx;
    uint64_t want; /* UINT64_MAX: unbounded */
    uint64_t got;
    uint64_t committed;   /* bytes of completed pieces */
    uint64_t piece_start; /* where the current piece began */
    uint64_t refused;     /* the length of the run a sink stopped the read in */
    int stopped;          /* the sink stopped the read: the caller's error, not the stream's */
} out_t;

static int deliver(out_t *o, const char *data, size_t len)
{
    if (o->dst != NULL)
        memcpy(o->dst + o->got, data, len);
    else if (o->sink != NULL && len > 0) {
        int rc = o->sink(o->ctx, data, len);
        if (rc != 0) {
            o->stopped = 1;
            o->refused = len;
            return rc;
        }
    }
    o->got += len;
    return 0;
}

/* A body read that failed (rc < 0). CPython leaves the connection as it is;
 * the strict profile closes it: after a framing error, a timeout or an
 * early EOF nobody knows where the next response would start, and RFC 9112
 * section 6.3 says a recipient whose Content-Length body was cut by a close
 * or a timeout "MUST consider the message to be incomplete and close the
 * connection". A sink's own error is the caller's business and changes
 * nothing. Returns rc. */
static int body_failed(httpc_resp *r, const out_t *o, int rc)
{
    if (rc < 0 && r->p->strict_rfc && !o->stopped && r->t != NULL) {
        httpc__transport_abandon(r->t);
        httpc__resp_close_conn(r);
    }
    return rc;
}

/* IncompleteRead(partial of `got` bytes, `lack` more expected), as
 * _safe_read raises it. */
static int incomplete(httpc_resp *r, uint64_t got, uint64_t lack)
{
    r->partial = (int64_t)got; /* both <= the length, <= INT64_MAX */
    r->partial_offset = 0;
    r->expected = (int64_t)lack;
    snprintf(r->errmsg, sizeof r->errmsg, "IncompleteRead(%llu bytes read, %llu more expected)",
             (unsigned long long)got, (unsigned long long)lack);
    return HTTPC_E_INCOMPLETE_READ;
}

/* With the buffer empty and at least a buffer's worth wanted, bytes go from
 * the transport straight to the caller (BufferedReader.readinto does the
 * same): a large body is not copied twice nor cut into buffer-sized reads.
 * Never more than `want`, so nothing past the body is taken. Returns the
 * count, 0 at EOF, or an error; -2 (HTTPC_E_NOT_FOUND) when not applicable. */
static ssize_t read_direct(httpc_resp *r, out_t *o)
{
    uint64_t left = o->want - o->got;
    if (o->dst == NULL || left < r->cap || r->t == NULL || r->eof)
        return HTTPC_E_NOT_FOUND;
    ssize_t n = httpc__resp_recv(r, o->dst + o->got, left > SSIZE_MAX ? SSIZE_MAX : (size_t)left);
    if (n > 0)
        o->got += (uint64_t)n;
    return n;
}

/* fp.read(n): up to `want` bytes, stopping only at EOF. */
static int read_raw(httpc_resp *r, out_t *o)
{
    while (o->got < o->want) {
        size_t avail = r->end - r->pos, k;
        if (avail == 0) {
            ssize_t n = read_direct(r, o);
            if (n == HTTPC_E_NOT_FOUND)
                n = httpc__resp_fill(r, r->cap);
            else if (n > 0)
                continue;
            if (n < 0)
                return (int)n;
            if (n == 0)
                return 0;
            continue;
        }
        k = avail < o->want - o->got ? avail : (size_t)(o->want - o->got);
        int rc = deliver(o, r->buf + r->pos, k);
        r->pos += k; /* a sink that stops the read has had them too, as a chunked run */
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* The figures of IncompleteRead after a chunked read failed. CPython 3 keeps
 * only the pieces _safe_read completed (`committed`) and never an expected
 * count; httplib 2.7 raises _safe_read's own IncompleteRead: the torn piece
 * and what it lacked, and for the chunk's CRLF the bytes of the CRLF. */
static int end_piece(out_t *o);

/* 2.7's _safe_read(2) of a chunk's CRLF hit EOF: e.partial is the bytes of
 * the terminator it read, whatever they were (2.7 does not check them). They
 * are not body data: read(amt) puts them at the start of buf (the contract
 * of httpc_resp_read), read() hands them to the sink after a piece mark. */
static void torn_terminator(httpc_resp *r, out_t *o)
{
    size_t k = 2 - httpc_chunked_terminator_left(&r->dec);

    r->partial = (int64_t)k;
    r->expected = (int64_t)httpc_chunked_terminator_left(&r->dec);
    r->partial_offset = 0;
    if (o->dst != NULL) {
        memcpy(o->dst, r->crlf_seen, k < o->want ? k : (size_t)o->want);
    } else if (o->sink != NULL && end_piece(o) == 0) {
        r->partial_offset = (int64_t)o->got;
        o->sink(o->ctx, r->crlf_seen, k);
    }
}

/* Keeps the terminator bytes the next feed will take (the decoder does not). */
static void note_terminator(httpc_resp *r, size_t len)
{
    size_t have = 2 - httpc_chunked_terminator_left(&r->dec);

    for (size_t i = 0; i < len && have + i < 2; i++)
        r->crlf_seen[have + i] = r->buf[r->pos + i];
}

static int chunk_error(httpc_resp *r, out_t *o, int rc)
{
    r->pos += r->dec.err_used; /* what the failing readline() had consumed */
    r->partial = (int64_t)o->committed;
    r->expected = -1;
    r->partial_offset = 0;
    body_failed(r, o, rc); /* strict: closed, whatever the error */
    if (rc != HTTPC_E_INCOMPLETE_READ)
        return rc;
    if (r->p->py27 && httpc_chunked_phase(&r->dec) == HTTPC_CHUNK_DATA) {
        uint64_t piece = o->got - o->piece_start, lack = o->want - o->got;
        uint64_t expected = r->dec.left < lack ? r->dec.left : lack;
        r->partial = (int64_t)piece;
        r->partial_offset = (int64_t)o->piece_start;
        r->expected = expected > INT64_MAX ? INT64_MAX : (int64_t)expected;
        if (o->dst != NULL) /* the contract: e.partial at the start of buf */
            memmove(o->dst, o->dst + o->piece_start, (size_t)piece);
    } else if (r->p->py27 && httpc_chunked_phase(&r->dec) == HTTPC_CHUNK_TERMINATOR) {
        torn_terminator(r, o);
    }
    /* int(line, 16) failed: "close the connection as protocol
     * synchronisation is probably lost" (_read_next_chunk_size) */
    if (httpc_chunked_phase(&r->dec) == HTTPC_CHUNK_SIZE)
        httpc__resp_close_conn(r);
    return rc;
}

/* A piece (one _safe_read) ends with its chunk or with the caller's amount. */
static int end_piece(out_t *o)
{
    int rc = o->sink != NULL ? o->sink(o->ctx, NULL, 0) : 0;

    o->committed = o->got;
    o->piece_start = o->got;
    o->stopped = rc != 0;
    return rc;
}

/* Whether _read_chunked would read on from phase `ph`: for more data; once
 * in any call, read(0) included, to reach a chunk's data (_get_chunk_left);
 * and in 2.7 to drop the CRLF of a chunk the amount ended exactly
 * (amt == chunk_left). */
static int chunk_more(const httpc_resp *r, const out_t *o, httpc_chunk_phase ph)
{
    if (ph == HTTPC_CHUNK_DONE)
        return 0;
    if (o->got < o->want)
        return 1;
    if (o->want == 0 && ph != HTTPC_CHUNK_DATA && ph != HTTPC_CHUNK_TO_EOF)
        return 1;
    return r->p->py27 && ph == HTTPC_CHUNK_TERMINATOR;
}

/* Before a feed in the chunk terminator: 2.7's read(amt) with amt ==
 * chunk_left tosses the chunk's CRLF and returns, so the next size line is
 * left for the next call, whatever is already buffered (or the outcome would
 * depend on TCP's cuts); and the terminator's bytes are kept for
 * IncompleteRead. Returns how much of the buffer to feed. */
static size_t at_terminator(httpc_resp *r, const out_t *o, size_t len, int *eof)
{
    size_t left = httpc_chunked_terminator_left(&r->dec);

    if (r->p->py27 && o->got == o->want && len > left) {
        len = left;
        *eof = 0;
    }
    note_terminator(r, len);
    return len;
}

/* A feed that enters a chunk's CRLF may take part of it too: after a
 * negative size 2.7 reads a chunk of nothing and goes on to _safe_read(2)
 * in the same call (and a feed that began in a terminator may pass a size
 * line and enter the next one). Unless all the feed took was the terminator
 * it began in (crlf_before left of it; 3: it began elsewhere), which
 * at_terminator noted, the bytes of the terminator it ends in are the last
 * of the `used` it consumed (r->pos not yet advanced): 2.7's e.partial if
 * EOF cuts it there. */
static void entered_terminator(httpc_resp *r, size_t used, size_t crlf_before)
{
    size_t left = httpc_chunked_terminator_left(&r->dec), k = 2 - left;

    if (crlf_before <= 2 && used == crlf_before - left)
        return;
    for (size_t i = 0; i < k && k <= used; i++)
        r->crlf_seen[i] = r->buf[r->pos + used - k + i];
}

/* Data runs one feed of the decoder returns at most: a feed goes through as
 * many chunks as are buffered, up to this many. */
#define CHUNK_RUNS 16

/* A sink stopped the read after run `keep` - 1 of a feed that returned more:
 * the decoder goes back to where a feed with room for `keep` runs would have
 * left it, so the runs not delivered stay unread, as they were when a feed
 * returned one run. `total` and `got` are the decoder's counts before the
 * feed, `ph` its phase. */
static void feed_again(httpc_resp *r, const httpc_span *runs, size_t pos, size_t keep,
                       uint64_t total, uint64_t got, httpc_chunk_phase ph)
{
    r->pos = pos + httpc__chunked_rewind(&r->dec, r->buf + pos, runs, keep, total, got,
                                         ph == HTTPC_CHUNK_DATA);
}

/* The runs of one feed: each but the last ends its chunk, and so a piece;
 * the last ends one when the phase left the chunk's data or the amount is
 * reached. Returns 0, or the sink's answer with the count of runs it took
 * (through *taken). */
static inline int deliver_runs(out_t *o, const httpc_span *runs, size_t nruns, httpc_chunk_phase ph,
                               size_t *taken)
{
    for (size_t i = 0; i < nruns; i++) {
        int rc = deliver(o, runs[i].ptr, runs[i].len);
        if (rc == 0 && (i + 1 < nruns || ph != HTTPC_CHUNK_DATA || o->got == o->want))
            rc = end_piece(o);
        if (rc != 0) {
            *taken = i + 1;
            return rc;
        }
    }
    return 0;
}

/* Whether a feed would bring the decoder nothing new while it waits for
 * more: its answer would be HTTPC_E_AGAIN (httpc_chunked_decode: no error,
 * room for data, not at EOF, not done), so the read is made at once; a body
 * arriving in pieces feeds each piece once. The terminator's phase is left
 * to the feed, which notes its bytes. */
static inline int decoder_waits(const httpc_resp *r, const out_t *o, httpc_chunk_phase ph,
                                size_t len)
{
    return len == 0 && !r->eof && o->got < o->want && ph != HTTPC_CHUNK_TERMINATOR &&
           r->dec.err == 0;
}

/* More bytes for the decoder: 0, or the read's error. */
static int read_more(httpc_resp *r, const out_t *o)
{
    ssize_t got = httpc__resp_fill(r, r->p->max_line + 1);

    return got < 0 ? body_failed(r, o, (int)got) : 0;
}

/* _read_chunked / _readinto_chunked through the shared decoder, many chunks
 * a feed. The phase is asked once a feed, as the bare field was read before
 * it was private: a body cut into single bytes makes a feed per byte. */
static int read_chunked(httpc_resp *r, out_t *o)
{
    httpc_chunk_phase ph = httpc_chunked_phase(&r->dec);
    int rc;

    while (chunk_more(r, o, ph)) {
        size_t len = r->end - r->pos, nruns = CHUNK_RUNS, pos = r->pos, taken = 0;
        int eof = r->eof;
        httpc_span runs[CHUNK_RUNS];
        if (decoder_waits(r, o, ph, len)) {
            if ((rc = read_more(r, o)) != 0)
                return rc;
            continue;
        }
        r->dec.max_data = o->want - o->got; /* read(amt): never past amt */
        if (ph == HTTPC_CHUNK_TERMINATOR)
            len = at_terminator(r, o, len, &eof);
        size_t crlf_before =
            ph == HTTPC_CHUNK_TERMINATOR ? httpc_chunked_terminator_left(&r->dec) : 3;
        /* a sink may stop the read before the last run: for feed_again */
        uint64_t total0 = r->dec.total, got0 = r->dec._chunk_got;
        httpc_chunk_phase ph0 = ph;
        ssize_t n = httpc_chunked_decode(&r->dec, r->buf + r->pos, len, eof, runs, &nruns,
                                         r->errmsg, sizeof r->errmsg);
        ph = httpc_chunked_phase(&r->dec);
        if (ph == HTTPC_CHUNK_TERMINATOR && r->p->py27 && n != HTTPC_E_AGAIN)
            entered_terminator(r, n >= 0 ? (size_t)n : r->dec.err_used, crlf_before);
        if (n == HTTPC_E_AGAIN) {
            if ((rc = read_more(r, o)) != 0)
                return rc;
            continue;
        }
        if (n < 0)
            return chunk_error(r, o, (int)n);
        r->pos += (size_t)n;
        rc = deliver_runs(o, runs, nruns, ph, &taken);
        if (rc != 0 && taken < nruns)
            feed_again(r, runs, pos, taken, total0, got0, ph0);
        if (rc != 0)
            return body_failed(r, o, rc);
    }
    if (ph == HTTPC_CHUNK_DONE)
        httpc__resp_close_conn(r);
    return 0;
}

/* The start every body read shares: nothing once the connection side is
 * closed, nothing for HEAD (closing), and chunked bodies through the decoder.
 * Returns 1 when *result is the answer, 0 to go on with the raw stream. */
static int body_common(httpc_resp *r, out_t *o, int64_t *result)
{
    r->errmsg[0] = '\0';
    *result = 0;
    if (r->t == NULL)
        return 1;
    if (r->head_method) {
        httpc__resp_close_conn(r);
        return 1;
    }
    if (!r->chunked)
        return 0;
    int rc = read_chunked(r, o);
    *result = rc != 0 ? rc : (int64_t)o->got; /* an error, or a sink's stop */
    return 1;
}

/* read(amt) and readinto(b) (non-chunked rules shared by 2.7 and 3.x). */
static ssize_t read_some(httpc_resp *r, void *buf, size_t amt)
{
    out_t o = {.dst = buf, .want = amt};
    int64_t done;
    int rc;

    if (body_common(r, &o, &done))
        return (ssize_t)done;
    if (r->length >= 0 && (uint64_t)r->length < o.want)
        o.want = (uint64_t)r->length;
    if ((rc = read_raw(r, &o)) < 0)
        return body_failed(r, &o, rc);
    /* CPython: no IncompleteRead here, "it might break compatibility"; the
     * strict profile follows RFC 9112 section 6.3 (incomplete, then closed). */
    if (o.got == 0 && o.want > 0 && r->p->strict_rfc && r->length > 0)
        return body_failed(r, &o, incomplete(r, 0, (uint64_t)r->length));
    if (o.got == 0 && o.want > 0)
        httpc__resp_close_conn(r);
    else if (r->length >= 0 && (r->length -= (int64_t)o.got) == 0)
        httpc__resp_close_conn(r);
    return (ssize_t)o.got;
}

ssize_t httpc_resp_read(httpc_resp *r, void *buf, size_t amt)
{
    return read_some(r, buf, amt);
}

ssize_t httpc_resp_readinto(httpc_resp *r, void *buf, size_t len)
{
    return read_some(r, buf, len);
}

/* readline() through peek/read1 amounts to reading byte by byte up to '\n'
 * within the body's framing. httplib 2.7's response has no readline(): under
 * py27 this is read(1) repeated, with 2.7's reading of each byte. */
ssize_t httpc_resp_readline(httpc_resp *r, void *buf, size_t cap)
{
    char *p = buf;
    size_t n = 0;

    while (n < cap) {
        ssize_t k = read_some(r, p + n, 1);
        if (k < 0)
            return k; /* IOBase.readline raises too; the bytes it had are lost */
        if (k == 0)
            break;
        if (p[n++] == '\n')
            break;
    }
    return (ssize_t)n;
}

/* read() with no amount. Only success and IncompleteRead close the
 * connection side; a timeout or a reset leaves fp open, as in CPython. */
int64_t httpc_resp_read_all(httpc_resp *r, httpc_sink_fn sink, void *ctx)
{
    out_t o = {.sink = sink, .ctx = ctx, .want = UINT64_MAX};
    int64_t done;
    int rc = 0;

    if (body_common(r, &o, &done))
        return done;
    if (r->length >= 0)
        o.want = (uint64_t)r->length;
    rc = read_raw(r, &o);
    r->partial = (int64_t)o.got;
    r->partial_offset = 0;
    r->expected = -1;
    if (o.stopped) {
        /* the sink's stop: what it was handed is read, the rest of a
         * Content-Length body is left for the next read */
        if (r->length >= 0)
            r->length -= (int64_t)(o.got + o.refused);
        return rc;
    }
    if (rc == 0 && r->length >= 0 && o.got < o.want) {
        /* _safe_read's amt less what it read, then capped: Python's length may
         * pass INT64_MAX (length_over) while what is left does not */
        uint64_t lack = o.want - o.got, over = r->length_over;
        rc = incomplete(r, o.got, over > INT64_MAX - lack ? INT64_MAX : lack + over);
    }
    if (rc == 0 && r->length >= 0)
        r->length = 0;
    if (rc < 0)
        body_failed(r, &o, rc);
    if (rc == 0 || rc == HTTPC_E_INCOMPLETE_READ)
        httpc__resp_close_conn(r);
    return rc < 0 ? rc : (int64_t)o.got;
}

void httpc_resp_incomplete(const httpc_resp *r, int64_t *partial, int64_t *expected,
                           int64_t *offset)
{
    if (partial)
        *partial = r->partial;
    if (expected)
        *expected = r->expected;
    if (offset)
        *offset = r->partial_offset;
}
