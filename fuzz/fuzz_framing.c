/* SPDX-License-Identifier: MIT */
/* Fuzz target for the framing decision (httpc_parse_framing): a header block
 * parsed with the profile's header parser, then the decision for the status,
 * method and version the parameter picks. Checks: the decision is a pure
 * function (the same answer twice, and with a larger scratch buffer); only
 * the strict profile refuses a head, with one of its two errors and a
 * detail, leaving the output untouched; a scratch buffer as long as the
 * block always suffices (py27's joined values); and the outputs agree with
 * each other as CPython's begin() makes them:
 *   HEAD, 1xx, 204, 304   length 0 (and kind NONE unless chunked and not HEAD)
 *   chunked otherwise     no length (CPython ignores Content-Length then)
 *   no length, unchunked  will_close (read until close)
 *   HTTP/0.9              until close, closing
 *   strict                bodiless means no body at all; chunked only in
 *                         HTTP/1.1 without Content-Length; a length is the
 *                         Content-Length field's digits.
 * Input: fuzz_common.h's header; bytes 1-2: bits 0-1 the version (1.0, 1.1,
 * 1.1, 0.9), bits 2-4 the method, bits 5-15 the status (below 16: a table
 * of the interesting ones); then the header block. */
#include "fuzz_common.h"

#include <strings.h>

static const int versions[4] = {10, 11, 11, 9};
static const char *const methods[8] = {"GET",     "HEAD",  "head",    "POST",
                                       "CONNECT", "HEAD ", "OPTIONS", ""};
static const int statuses[16] = {100, 101, 102, 103, 199, 200, 204, 205,
                                 206, 304, 305, 404, 0,   99,  600, 999};

static int pick_status(unsigned bits)
{
    return bits < 16 ? statuses[bits] : (int)(bits % 1000);
}

static int bodiless(const httpc_framing_in *in)
{
    return in->head_request || in->status == 204 || in->status == 304 ||
           (in->status >= 100 && in->status < 200);
}

/* The field's value when exactly one field has the name, else NULL. */
static const httpc_span *only_field(const httpc_header *h, size_t n, const char *name,
                                    size_t *count)
{
    const httpc_span *v = NULL;

    *count = 0;
    for (size_t i = 0; i < n; i++)
        if (h[i].name.ptr != NULL && h[i].name.len == strlen(name) &&
            strncasecmp(h[i].name.ptr, name, h[i].name.len) == 0)
            v = &h[i].value, ++*count;
    return *count == 1 ? v : NULL;
}

static int64_t decimal(const httpc_span *v)
{
    int64_t n = 0;

    for (size_t i = 0; i < v->len; i++)
        n = n * 10 + (v->ptr[i] - '0');
    return n;
}

static void check_strict(const httpc_framing_in *in, const httpc_framing *f)
{
    size_t cl_count, te_count;
    const httpc_span *cl = only_field(in->headers, in->num_headers, "content-length", &cl_count);

    only_field(in->headers, in->num_headers, "transfer-encoding", &te_count);
    if (bodiless(in))
        FUZZ_CHECK(!f->chunked && f->kind == HTTPC_RESP_BODY_NONE, "strict: a bodiless body");
    if (f->chunked)
        FUZZ_CHECK(in->version == 11 && cl_count == 0 && te_count == 1,
                   "strict: chunked in %d with %zu Content-Length, %zu Transfer-Encoding",
                   in->version, cl_count, te_count);
    if (f->kind == HTTPC_RESP_BODY_LENGTH && cl != NULL)
        FUZZ_CHECK(f->length == decimal(cl), "strict: length %lld for Content-Length %.*s",
                   (long long)f->length, (int)cl->len, cl->ptr);
    if (f->kind == HTTPC_RESP_BODY_LENGTH)
        FUZZ_CHECK(cl_count > 0, "strict: a length without Content-Length");
}

static void check_consistent(const httpc_framing_in *in, const httpc_framing *f)
{
    FUZZ_CHECK(f->chunked == 0 || f->chunked == 1, "chunked %d", f->chunked);
    FUZZ_CHECK(f->will_close == 0 || f->will_close == 1, "will_close %d", f->will_close);
    FUZZ_CHECK(f->length >= -1, "length %lld", (long long)f->length);
    if (in->version == 9) {
        FUZZ_CHECK(f->kind == HTTPC_RESP_BODY_UNTIL_CLOSE && f->will_close && !f->chunked,
                   "HTTP/0.9: kind %d", f->kind);
        return;
    }
    if (bodiless(in))
        FUZZ_CHECK(f->length == 0, "bodiless (status %d) with length %lld", in->status,
                   (long long)f->length);
    else if (f->chunked)
        FUZZ_CHECK(f->length == -1, "chunked with length %lld", (long long)f->length);
    if (f->length == -1 && !f->chunked)
        FUZZ_CHECK(f->will_close, "read until close without closing");
    switch (f->kind) {
    case HTTPC_RESP_BODY_NONE:
        FUZZ_CHECK(in->head_request || (bodiless(in) && !f->chunked), "NONE for status %d",
                   in->status);
        break;
    case HTTPC_RESP_BODY_CHUNKED:
        FUZZ_CHECK(f->chunked && !in->head_request, "CHUNKED without chunked");
        break;
    case HTTPC_RESP_BODY_LENGTH:
        FUZZ_CHECK(!f->chunked && f->length >= 0 && !bodiless(in), "LENGTH: %lld",
                   (long long)f->length);
        break;
    case HTTPC_RESP_BODY_UNTIL_CLOSE:
        FUZZ_CHECK(!f->chunked && f->length == -1 && f->will_close, "UNTIL_CLOSE");
        break;
    default:
        FUZZ_CHECK(0, "kind %d", f->kind);
    }
    if (in->profile->strict_rfc)
        check_strict(in, f);
}

/* An exact-size block, so ASan sees any write past the scratch buffer. */
static char *scratch_of(size_t cap)
{
    char *p = malloc(cap ? cap : 1);

    FUZZ_CHECK(p != NULL, "out of memory (%zu bytes)", cap);
    return p;
}

/* Two calls, the second with a larger scratch buffer: the same answer. */
static void decide(httpc_framing_in *in, size_t block_len)
{
    httpc_framing a, b;
    char da[256] = "", db[256] = "";
    size_t cap = in->profile->py27 ? block_len : 0;
    char *scratch = scratch_of(cap), *big = scratch_of(cap + 64);

    memset(&a, 0xa5, sizeof a);
    memcpy(&b, &a, sizeof b);
    in->scratch = scratch, in->scratch_cap = cap;
    int rc = httpc_parse_framing(in, &a, da, sizeof da);
    in->scratch = big, in->scratch_cap = cap + 64;
    int rc2 = httpc_parse_framing(in, &b, db, sizeof db);
    FUZZ_CHECK(rc == rc2 && strcmp(da, db) == 0, "not deterministic: %d %d", rc, rc2);
    if (rc == 0) {
        FUZZ_CHECK(memcmp(&a, &b, sizeof a) == 0, "not deterministic: outputs differ");
        check_consistent(in, &a);
    } else {
        FUZZ_CHECK(in->profile->strict_rfc, "profile %s refused a head: %d %s", in->profile->name,
                   rc, da);
        FUZZ_CHECK(rc == HTTPC_E_INVALID_FRAMING || rc == HTTPC_E_UNKNOWN_TRANSFER_ENCODING,
                   "error %d", rc);
        FUZZ_CHECK(da[0] != '\0', "error %d without detail", rc);
        FUZZ_CHECK(memcmp(&a, &b, sizeof a) == 0 && ((unsigned char *)&a)[0] == 0xa5,
                   "output written on error");
    }
    free(scratch);
    free(big);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input in;
    httpc_header h[64];
    size_t n = sizeof h / sizeof h[0];

    if (!fuzz_input_init(&in, data, size))
        return 0;
    ssize_t len = httpc_parse_headers(in.buf, in.len, 0, 1, &in.profile, h, &n, NULL, 0);
    if (len >= 0) {
        httpc_framing_in fi = {.profile = &in.profile,
                               .version = versions[in.param & 3],
                               .head_request = strcmp(methods[(in.param >> 2) & 7], "HEAD") == 0,
                               .status = pick_status(in.param >> 5),
                               .headers = h,
                               .num_headers = n};
        decide(&fi, (size_t)len);
    }
    fuzz_input_free(&in);
    return 0;
}
