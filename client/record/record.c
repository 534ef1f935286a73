/* SPDX-License-Identifier: MIT */
/* The outcome recorder the CLI and httpc-conform share (httpc_record.h): one
 * home for "run one request and record what Python would have seen". */
#include "httpc_record.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

/* Appends to a buffer that gives up (over) past the cap instead of growing. */
static int buf_add(httpc_record_buf *b, const void *data, size_t len)
{
    if (b->over)
        return 0;
    if (len > HTTPC_RECORD_BODY_CAP - b->len) {
        free(b->p);
        *b = (httpc_record_buf){.over = 1};
        return 0;
    }
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + len)
            cap *= 2;
        unsigned char *p = realloc(b->p, cap);
        if (p == NULL)
            return HTTPC_E_NOMEM;
        b->p = p, b->cap = cap;
    }
    memcpy(b->p + b->len, data, len);
    b->len += len;
    return 0;
}

/* A piece of a chunked read() is complete (one _safe_read in CPython): what
 * came since the last mark joins what came before it. */
static int mark_piece(httpc_record *rec)
{
    int rc = 0;

    if (rec->_kept.len == 0 && !rec->_kept.over) { /* the first piece: no copy */
        httpc_record_buf t = rec->_kept;
        rec->_kept = rec->_piece;
        rec->_piece = t;
    } else if (rec->_piece.over) {
        free(rec->_kept.p);
        rec->_kept = (httpc_record_buf){.over = 1};
    } else {
        rc = buf_add(&rec->_kept, rec->_piece.p, rec->_piece.len);
    }
    rec->_piece.len = 0, rec->_piece.over = 0;
    EVP_MD_CTX_copy_ex(rec->_sha_mark, rec->_sha);
    EVP_DigestInit_ex(rec->_sha_piece, EVP_sha256(), NULL);
    rec->_len_mark += rec->_len_piece;
    rec->_len_piece = 0;
    return rc;
}

/* The sink of every body read: NULL data is read()'s piece mark. */
static int sink(void *ctx, const void *data, size_t len)
{
    httpc_record *rec = ctx;

    if (data == NULL)
        return mark_piece(rec);
    EVP_DigestUpdate(rec->_sha, data, len);
    EVP_DigestUpdate(rec->_sha_piece, data, len);
    rec->_len_piece += len;
    if (buf_add(&rec->_piece, data, len) < 0)
        return HTTPC_E_NOMEM;
    if (rec->copy && fwrite(data, 1, len, rec->copy) != len) {
        rec->copy_errno = errno ? errno : EIO;
        return HTTPC_E_OS_ERROR;
    }
    return 0;
}

int httpc_record_init(httpc_record *rec, FILE *copy)
{
    *rec = (httpc_record){.partial = -1, .expected = -1, .conn_kept = -1, .copy = copy};
    rec->_sha = EVP_MD_CTX_new();
    rec->_sha_mark = EVP_MD_CTX_new();
    rec->_sha_piece = EVP_MD_CTX_new();
    if (!rec->_sha || !rec->_sha_mark || !rec->_sha_piece)
        return HTTPC_E_NOMEM;
    EVP_DigestInit_ex(rec->_sha, EVP_sha256(), NULL);
    EVP_MD_CTX_copy_ex(rec->_sha_mark, rec->_sha);
    EVP_DigestInit_ex(rec->_sha_piece, EVP_sha256(), NULL);
    return 0;
}

int httpc_record_fail(httpc_record *rec, int err, const char *detail)
{
    rec->err = err;
    snprintf(rec->detail, sizeof rec->detail, "%s", detail ? detail : "");
    return err;
}

static int discard(void *ctx, const void *data, size_t len)
{
    (void)ctx, (void)data, (void)len;
    return 0;
}

int httpc_record_before(httpc_record *rec, httpc_conn *c, const httpc_record_req *q, size_t i,
                        size_t n)
{
    httpc_resp *r = NULL;
    char why[400];
    int rc = httpc_conn_request(c, q->method, q->target, q->body, q->headers, q->nheaders,
                                q->encode_chunked);

    if (rc == 0)
        rc = httpc_conn_getresponse(c, &r);
    if (rc < 0) {
        snprintf(why, sizeof why, "%s", httpc_conn_errmsg(c));
    } else {
        int64_t got = httpc_resp_read_all(r, discard, NULL);
        rc = got < 0 ? (int)got : 0;
        snprintf(why, sizeof why, "%s", rc < 0 ? httpc_resp_errmsg(r) : "");
    }
    httpc_resp_free(r);
    if (rc < 0) {
        rec->err = rc;
        snprintf(rec->detail, sizeof rec->detail, "request %zu of %zu: %s", i, n, why);
    }
    return rc;
}

/* read(amt) or readinto(bytearray(amt)) until the end. After IncompleteRead
 * the caller holds the pieces read so far and e.partial, which the library
 * leaves at the start of buf (httpc_resp_read's contract; the offset of
 * httpc_resp_incomplete counts what httplib 2.7 dropped before it, and
 * places it only in what read() hands a sink). */
static int read_pieces(httpc_record *rec, httpc_record_how how, size_t amt)
{
    char *buf = malloc(amt ? amt : 1);
    int rc = 0;

    if (buf == NULL)
        return HTTPC_E_NOMEM;
    for (;;) {
        ssize_t n = how == HTTPC_RECORD_READINTO ? httpc_resp_readinto(rec->resp, buf, amt)
                                                 : httpc_resp_read(rec->resp, buf, amt);
        if (n == HTTPC_E_INCOMPLETE_READ) {
            int64_t partial;
            httpc_resp_incomplete(rec->resp, &partial, NULL, NULL);
            if (partial > 0 && (uint64_t)partial <= amt)
                rc = sink(rec, buf, (size_t)partial);
        }
        if (n <= 0 || rc != 0) {
            rc = rc ? rc : (int)n;
            break;
        }
        if ((rc = sink(rec, buf, (size_t)n)) != 0)
            break;
    }
    free(buf);
    return rc;
}

/* After IncompleteRead from read() of a chunked body the caller holds only
 * e.partial: CPython 3's ends at the last piece mark (offset 0), httplib
 * 2.7's torn piece starts there (offset = the bytes before the mark). */
static void cut_to_partial(httpc_record *rec)
{
    int64_t partial, offset;

    httpc_resp_incomplete(rec->resp, &partial, NULL, &offset);
    if (offset == 0 && (uint64_t)partial == rec->_len_mark) { /* [0, mark) */
        EVP_MD_CTX_copy_ex(rec->_sha, rec->_sha_mark);
        rec->_len_piece = 0;
        free(rec->_piece.p);
        rec->_piece = (httpc_record_buf){0};
    } else if ((uint64_t)offset == rec->_len_mark && (uint64_t)partial == rec->_len_piece) {
        EVP_MD_CTX_copy_ex(rec->_sha, rec->_sha_piece); /* [mark, end) */
        rec->_len_mark = 0;
        free(rec->_kept.p);
        rec->_kept = (httpc_record_buf){0};
    } /* else e.partial is everything delivered (a Content-Length body) */
}

/* Any other exception from read() leaves the caller with no body at all. */
static void drop_body(httpc_record *rec)
{
    EVP_DigestInit_ex(rec->_sha, EVP_sha256(), NULL);
    rec->_len_mark = rec->_len_piece = 0;
    free(rec->_kept.p);
    free(rec->_piece.p);
    rec->_kept = rec->_piece = (httpc_record_buf){0};
}

static int read_body(httpc_record *rec, httpc_record_how how, size_t amt)
{
    if (how != HTTPC_RECORD_READ)
        return read_pieces(rec, how, amt);
    int64_t n = httpc_resp_read_all(rec->resp, sink, rec);
    if (n == HTTPC_E_INCOMPLETE_READ)
        cut_to_partial(rec);
    else if (n < 0)
        drop_body(rec);
    return n < 0 ? (int)n : 0;
}

int httpc_record_exchange(httpc_record *rec, httpc_conn *c, const httpc_record_req *q,
                          httpc_record_how how, size_t amt)
{
    int rc = httpc_conn_request(c, q->method, q->target, q->body, q->headers, q->nheaders,
                                q->encode_chunked);

    if (rc == 0)
        rc = httpc_conn_getresponse(c, &rec->resp);
    if (rc < 0)
        return httpc_record_fail(rec, rc, httpc_conn_errmsg(c));
    if ((rc = read_body(rec, how, amt)) < 0) {
        httpc_record_fail(rec, rc, httpc_resp_errmsg(rec->resp));
        if (rc == HTTPC_E_INCOMPLETE_READ)
            httpc_resp_incomplete(rec->resp, &rec->partial, &rec->expected, NULL);
    }
    return rc;
}

void httpc_record_finish(httpc_record *rec, const httpc_conn *c)
{
    unsigned char md[32];
    unsigned int mdlen = 0;

    rec->conn_kept = c ? httpc_conn_fileno(c) >= 0 : -1;
    rec->body_len = rec->_len_mark + rec->_len_piece;
    if (rec->_piece.len || rec->_piece.over)
        mark_piece(rec); /* what is left joins the body (it fits or is over) */
    rec->body = rec->_kept.over ? NULL : rec->_kept.p;
    EVP_DigestFinal_ex(rec->_sha, md, &mdlen);
    for (unsigned i = 0; i < mdlen; i++)
        snprintf(rec->body_sha256 + 2 * i, 3, "%02x", md[i]);
}

unsigned char *httpc_record_take_body(httpc_record *rec)
{
    unsigned char *p = rec->_kept.over ? NULL : rec->_kept.p;

    if (p != NULL)
        rec->_kept = (httpc_record_buf){0};
    rec->body = NULL;
    return p;
}

void httpc_record_free(httpc_record *rec)
{
    httpc_resp_free(rec->resp);
    EVP_MD_CTX_free(rec->_sha);
    EVP_MD_CTX_free(rec->_sha_mark);
    EVP_MD_CTX_free(rec->_sha_piece);
    free(rec->_kept.p);
    free(rec->_piece.p);
    *rec = (httpc_record){.conn_kept = -1, .partial = -1, .expected = -1};
}
