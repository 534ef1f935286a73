/* SPDX-License-Identifier: MIT */
/* The httpc side of make diff-cpython: reads a batch of replies and answers
 * each one as HTTPResponse.begin() then read() or read(n) would, in process
 * (the in-memory transport: no socket, no child process per reply), one JSON
 * line per reply and read size, in the shape cpython_driver.py prints for
 * CPython, so scripts/diff-cpython can compare them field by field.
 *
 * Usage: httpc-diff-cpython [--bodies] PROFILE BATCH
 *   PROFILE  a built-in profile name (py3, py27, py27-strict, py36, ...)
 *   BATCH    records "ID METHOD SIZES LEN\n" + LEN bytes + "\n"; SIZES is a
 *            comma-separated list of read sizes, 0 for read() (cpython_driver.py
 *            documents the same format)
 *   --bodies print the body itself ("body", latin-1) besides its length and CRC
 * Exit status: 0, or 2 on a usage or batch format error. */
#include "conn_internal.h" /* httpc__mem_transport, httpc__resp_new, httpc__resp_begin */
#include "httpc_json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SIZES 8
#define MAX_REPLY (64u << 20) /* a batch record larger than this is a format error */

/* The body as the CPython adapter reports it (tests/oracle/cpython_adapter.py):
 * the bytes read, then on IncompleteRead e.partial appended. */
typedef struct body {
    char *buf;
    size_t len, cap;
} body;

static int body_add(body *b, const void *data, size_t len)
{
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + len)
            cap *= 2;
        char *p = realloc(b->buf, cap);
        if (p == NULL)
            return HTTPC_E_NOMEM;
        b->buf = p, b->cap = cap;
    }
    if (len > 0)
        memcpy(b->buf + b->len, data, len);
    b->len += len;
    return 0;
}

static int sink(void *ctx, const void *data, size_t len)
{
    return data == NULL ? 0 : body_add(ctx, data, len); /* piece marks: not needed */
}

/* zlib's CRC-32 (what Python's zlib.crc32 computes), bit by bit: bodies are
 * small and the table would be the only state of this file. */
static unsigned long crc32_of(const char *p, size_t n)
{
    unsigned long c = 0xffffffffUL;

    for (size_t i = 0; i < n; i++) {
        c ^= (unsigned char)p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320UL & (0UL - (c & 1)));
    }
    return c ^ 0xffffffffUL;
}

/* read(): the sink gets every byte delivered; on IncompleteRead e.partial is
 * the span [offset, offset + partial) of them (httpc_resp_incomplete), on any
 * other error the adapter's body stays empty. */
static int read_whole(httpc_resp *r, body *b)
{
    int64_t n = httpc_resp_read_all(r, sink, b);
    int64_t partial, offset;

    if (n >= 0)
        return 0;
    if (n == HTTPC_E_INCOMPLETE_READ) {
        httpc_resp_incomplete(r, &partial, NULL, &offset);
        if (offset >= 0 && partial >= 0 && (uint64_t)(offset + partial) <= b->len) {
            memmove(b->buf, b->buf + offset, (size_t)partial);
            b->len = (size_t)partial;
            return (int)n;
        }
        fprintf(stderr, "httpc-diff-cpython: partial %lld at %lld of %zu bytes\n",
                (long long)partial, (long long)offset, b->len);
    }
    b->len = 0;
    return (int)n;
}

/* read(amt) until it gives nothing; after IncompleteRead the caller's buffer
 * starts with e.partial (httpc_resp_read's contract; the offset of
 * httpc_resp_incomplete counts the bytes 2.7 dropped before it). */
static int read_pieces(httpc_resp *r, size_t amt, body *b)
{
    char *buf = malloc(amt);
    int rc = 0;

    if (buf == NULL)
        return HTTPC_E_NOMEM;
    for (;;) {
        ssize_t n = httpc_resp_read(r, buf, amt);
        if (n == HTTPC_E_INCOMPLETE_READ) {
            int64_t partial;
            httpc_resp_incomplete(r, &partial, NULL, NULL);
            if (partial > 0 && (uint64_t)partial <= amt)
                body_add(b, buf, (size_t)partial);
        }
        if (n <= 0) {
            rc = (int)n;
            break;
        }
        body_add(b, buf, (size_t)n);
    }
    free(buf);
    return rc;
}

static void print_outcome(FILE *f, const char *id, size_t amt, int bodies, const httpc_profile *p,
                          httpc_resp *r, int began, int err, const body *b)
{
    fprintf(f, "{\"id\": \"%s\", \"read\": %zu, \"error\": ", id, amt);
    if (err < 0)
        fprintf(f, "\"%s\"", httpc_err_name(err));
    else
        fputs("null", f);
    fputs(", \"detail\": ", f);
    const char *detail = err < 0 ? httpc_resp_errmsg(r) : "";
    httpc_json_latin1(f, detail, strlen(detail), HTTPC_JSON_ASCII);
    if (began) {
        httpc_span reason = httpc_resp_reason_span(r);
        fprintf(f, ", \"status\": %d, \"version\": %d, \"reason\": ", httpc_resp_status(r),
                httpc_resp_version(r));
        httpc_json_latin1(f, reason.ptr, reason.len, HTTPC_JSON_ASCII);
        fputs(", \"headers\": ", f);
        if (httpc_json_headers(f, r, p->header_mode == HTTPC_HEADERS_PY27, HTTPC_JSON_ASCII) < 0) {
            fprintf(stderr, "httpc-diff-cpython: %s: headers: out of memory\n", id);
            exit(3);
        }
        fprintf(f, ", \"body_len\": %zu, \"body_crc\": %lu, \"will_close\": %s", b->len,
                crc32_of(b->buf, b->len), httpc_resp_will_close(r) ? "true" : "false");
        if (bodies) {
            fputs(", \"body\": ", f);
            httpc_json_latin1(f, b->buf, b->len, HTTPC_JSON_ASCII);
        }
    } else {
        fputs(", \"status\": null, \"version\": null, \"reason\": null, \"headers\": null, "
              "\"body_len\": null, \"body_crc\": null, \"will_close\": null",
              f);
    }
    if (err == HTTPC_E_INCOMPLETE_READ) {
        int64_t partial, expected;
        httpc_resp_incomplete(r, &partial, &expected, NULL);
        fprintf(f, ", \"partial_len\": %lld, \"expected_more\": ", (long long)partial);
        if (expected < 0)
            fputs("null}\n", f);
        else
            fprintf(f, "%lld}\n", (long long)expected);
    } else {
        fputs(", \"partial_len\": null, \"expected_more\": null}\n", f);
    }
}

/* One reply, one read size: HTTPResponse(sock, method=...).begin(), then the
 * body as the CPython adapter reads it. */
static void run_one(FILE *out, const httpc_profile *p, const char *id, const char *method,
                    const char *reply, size_t len, size_t amt, int bodies)
{
    httpc__transport *t;
    httpc_resp *r;
    body b = {0};
    int err, began = 0;

    if (httpc__mem_transport(reply, len, 0, &t) != 0 || httpc__resp_new(t, p, 0, method, &r) != 0) {
        fprintf(stderr, "httpc-diff-cpython: out of memory\n");
        exit(3);
    }
    httpc__transport_unref(t); /* the response holds its own reference */
    err = httpc__resp_begin(r);
    if (err == 0) {
        began = 1;
        err = amt == 0 ? read_whole(r, &b) : read_pieces(r, amt, &b);
    }
    print_outcome(out, id, amt, bodies, p, r, began, err, &b);
    httpc_resp_free(r);
    free(b.buf);
}

/* "ID METHOD SIZES LEN": 0, or -1 at the end of the batch, 2 on a bad line. */
static int read_record_head(FILE *in, char *id, char *method, size_t sizes[MAX_SIZES],
                            size_t *nsizes, size_t *len)
{
    char line[512], list[128];
    char *end;

    if (fgets(line, sizeof line, in) == NULL)
        return -1;
    if (sscanf(line, "%63s %15s %127s %zu", id, method, list, len) != 4 || *len > MAX_REPLY)
        return 2;
    *nsizes = 0;
    for (char *s = list; *s && *nsizes < MAX_SIZES; s = *end ? end + 1 : end) {
        errno = 0;
        sizes[(*nsizes)++] = strtoul(s, &end, 10);
        if (errno || end == s || (*end && *end != ','))
            return 2;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int bodies = argc > 1 && strcmp(argv[1], "--bodies") == 0;
    const httpc_profile *p = argc == 3 + bodies ? httpc_profile_by_name(argv[1 + bodies]) : NULL;
    FILE *in = p ? fopen(argv[2 + bodies], "rb") : NULL;
    char id[64], method[16];
    size_t sizes[MAX_SIZES], nsizes, len;
    char *reply = NULL;
    int rc = 0;

    if (in == NULL) {
        fprintf(stderr, "usage: httpc-diff-cpython [--bodies] PROFILE BATCH (%s)\n",
                p == NULL ? "unknown profile or wrong arguments" : strerror(errno));
        return 2;
    }
    while ((rc = read_record_head(in, id, method, sizes, &nsizes, &len)) == 0) {
        char *more = realloc(reply, len + 1);
        if (more == NULL || fread(more, 1, len + 1, in) != len + 1 || more[len] != '\n') {
            free(more);
            reply = NULL;
            rc = 2;
            break;
        }
        reply = more;
        for (size_t i = 0; i < nsizes; i++)
            run_one(stdout, p, id, method, reply, len, sizes[i], bodies);
    }
    free(reply);
    fclose(in);
    if (rc == 2)
        fprintf(stderr, "httpc-diff-cpython: %s: bad record\n", argv[2 + bodies]);
    return rc == 2 ? 2 : 0;
}
