/* SPDX-License-Identifier: MIT */
/* One request's outcome, recorded by one set of rules for the two programs
 * that report it: the `httpc` CLI (--json, adapters/PROTOCOL.md) and
 * httpc-conform's in-process runs. The rules are CPython's, as the oracle's
 * CPython adapter reports them: the body is what the caller got back (an
 * IncompleteRead's e.partial included), the bytes kept up to one named cap.
 * Uses only the public API (httpc.h) and OpenSSL's SHA-256. */
#ifndef HTTPC_RECORD_H
#define HTTPC_RECORD_H

#include "httpc.h"

#include <stdint.h>
#include <stdio.h>

/* Body bytes kept for the outcome (the protocol's body_b64 "when at most
 * 1 MiB"); the length and SHA-256 always cover the whole body. */
#define HTTPC_RECORD_BODY_CAP ((size_t)1 << 20)

/* How the body is read, as the Python caller would. */
typedef enum httpc_record_how {
    HTTPC_RECORD_READ,     /* body = resp.read() */
    HTTPC_RECORD_READ_AMT, /* resp.read(amt) until b'', the pieces joined */
    HTTPC_RECORD_READINTO, /* resp.readinto(bytearray(amt)) until 0 (3.3+) */
} httpc_record_how;

/* One request as request() takes it. */
typedef struct httpc_record_req {
    const char *method, *target;
    const httpc_body *body; /* NULL: none */
    const httpc_kv *headers;
    size_t nheaders;
    int encode_chunked;
} httpc_record_req;

/* A growing copy of body bytes, dropped (over) past HTTPC_RECORD_BODY_CAP. */
typedef struct httpc_record_buf {
    unsigned char *p;
    size_t len, cap;
    int over;
} httpc_record_buf;

typedef struct httpc_record {
    int err;                   /* 0, or the outcome's error (an httpc_err) */
    char detail[512];          /* str(e), "request I of N: ..." for an earlier request */
    httpc_resp *resp;          /* the response once getresponse() succeeded (owned) */
    uint64_t body_len;         /* the body's length (httpc_record_finish) */
    const unsigned char *body; /* its bytes, NULL when longer than the cap */
    char body_sha256[65];      /* its SHA-256 in hex (httpc_record_finish) */
    int64_t partial;           /* IncompleteRead: len(e.partial), else -1 */
    int64_t expected;          /* IncompleteRead: e.expected (-1: None), else -1 */
    int conn_kept;             /* after the outcome: 1 the connection kept its socket,
                                  0 it closed it, -1 no connection (conn.sock) */
    FILE *copy;                /* non-NULL: every body byte delivered is written here
                                  as it comes (the CLI's stdout or -o file) */
    int copy_errno;            /* a write to `copy` failed: its errno (err is OSError) */
    /* Private: the body since the last piece mark of a chunked read() and
     * before it, so the body can end where e.partial does. */
    void *_sha, *_sha_mark, *_sha_piece;
    uint64_t _len_mark, _len_piece;
    httpc_record_buf _kept, _piece;
} httpc_record;

/* Sets `rec` up (copy may be NULL). Returns 0 or HTTPC_E_NOMEM; either way
 * httpc_record_free releases it. */
int httpc_record_init(httpc_record *rec, FILE *copy);
/* An earlier request on `c` (request i of n, counting from 1), its response
 * read to the end and dropped, as the protocol's --before. Returns 0, or the
 * error, which becomes the outcome (rec->err, rec->detail "request i of n:"). */
int httpc_record_before(httpc_record *rec, httpc_conn *c, const httpc_record_req *q, size_t i,
                        size_t n);
/* request(), getresponse() and the body read `how` (amt: the size of each
 * read or buffer, ignored for HTTPC_RECORD_READ). Returns rec->err. */
int httpc_record_exchange(httpc_record *rec, httpc_conn *c, const httpc_record_req *q,
                          httpc_record_how how, size_t amt);
/* Records a failure outside the exchange (creating the connection,
 * set_tunnel): err and its detail. Returns err. */
int httpc_record_fail(httpc_record *rec, int err, const char *detail);
/* Completes the record: the body's length, bytes and digest, and conn_kept
 * from `c` (NULL: -1). Call once, before reading those fields. */
void httpc_record_finish(httpc_record *rec, const httpc_conn *c);
/* Takes the kept body bytes (NULL when over the cap or empty): the caller
 * frees them; rec->body is NULL afterwards. */
unsigned char *httpc_record_take_body(httpc_record *rec);
/* Frees what `rec` holds, the response included (set rec->resp to NULL
 * first to keep it). */
void httpc_record_free(httpc_record *rec);

#endif
