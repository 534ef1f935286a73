/* SPDX-License-Identifier: MIT */
/* What every fuzz target shares: the input layout, the profile the first byte
 * picks, an exact-size heap copy (so ASan catches any read past the input),
 * and a checked abort that says which invariant broke. Header-only and
 * stateless, so each target stays one source file with no global state.
 *
 * Input layout (every target):
 *   byte 0     configuration: bits 0-1 the built-in profile (httpc_profile_get),
 *              bit 2 a small max_line (bits 4-5 pick it from fuzz_small_lines),
 *              bit 3 small max_headers / max_trailers (bits 6-7 pick them)
 *   bytes 1-2  a target parameter, little-endian (a split point, or the
 *              segment size and read mode of fuzz_response)
 *   the rest   the bytes under test */
#ifndef HTTPC_FUZZ_COMMON_H
#define HTTPC_FUZZ_COMMON_H

#include "httpc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_HEADER_LEN 3

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input split into its configuration and the bytes under test; `buf` is
 * an exact-size heap copy the caller frees with fuzz_input_free. */
typedef struct fuzz_input {
    httpc_profile profile;
    unsigned param; /* bytes 1-2 */
    char *buf;
    size_t len;
} fuzz_input;

/* Limits small enough that short inputs reach LineTooLong, "got more than N
 * headers" and the trailer count; 1 is the smallest a line can be. */
static const size_t fuzz_small_lines[4] = {1, 8, 24, 80};
static const size_t fuzz_small_counts[4] = {1, 2, 5, 12};

#define FUZZ_CHECK(cond, ...)                                                                      \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: invariant broken: %s\n  ", __FILE__, __LINE__, #cond);         \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* malloc(0) gives a zero-size block under ASan, so even an empty input has
 * no readable byte. */
static inline char *fuzz_dup(const void *src, size_t n)
{
    char *p = malloc(n);

    if (p == NULL && n == 0)
        p = malloc(1);
    FUZZ_CHECK(p != NULL, "out of memory (%zu bytes)", n);
    if (n > 0)
        memcpy(p, src, n);
    return p;
}

/* Returns 0 when the input is too short to hold the header. */
static inline int fuzz_input_init(fuzz_input *in, const uint8_t *data, size_t size)
{
    if (size < FUZZ_HEADER_LEN)
        return 0;
    uint8_t cfg = data[0];
    in->profile = *httpc_profile_get((httpc_profile_id)(cfg % 4));
    if (cfg & 4)
        in->profile.max_line = fuzz_small_lines[(cfg >> 4) & 3];
    if (cfg & 8) {
        in->profile.max_headers = fuzz_small_counts[(cfg >> 6) & 3];
        in->profile.max_trailers = in->profile.max_headers;
    }
    in->param = (unsigned)data[1] | (unsigned)data[2] << 8;
    in->len = size - FUZZ_HEADER_LEN;
    in->buf = fuzz_dup(data + FUZZ_HEADER_LEN, in->len);
    return 1;
}

static inline void fuzz_input_free(fuzz_input *in)
{
    free(in->buf);
}

/* Where a span sits in its buffer, so results over two copies of the same
 * bytes compare; SIZE_MAX for a NULL pointer (a py27 continuation name). */
static inline size_t fuzz_off(const char *p, const char *base)
{
    return p == NULL ? SIZE_MAX : (size_t)(p - base);
}

/* Checks that span [p, p + n) lies inside base[0..len). */
static inline int fuzz_inside(const char *p, size_t n, const char *base, size_t len)
{
    return p == NULL || (p >= base && (size_t)(p - base) <= len && n <= len - (size_t)(p - base));
}

/* FNV-1a, 64 bits: enough to compare bodies between runs. */
static inline uint64_t fuzz_hash(uint64_t h, const void *data, size_t n)
{
    const unsigned char *s = data;

    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 0x100000001b3ULL;
    return h;
}
#define FUZZ_HASH_INIT 0xcbf29ce484222325ULL

static inline uint64_t fuzz_hash_str(uint64_t h, const char *s)
{
    return fuzz_hash(h, s, strlen(s) + 1);
}

/* The reason and every header name and value of a response, hashed, so two
 * runs over the same reply can be compared field by field. */
static inline uint64_t fuzz_head_hash(const httpc_resp *r)
{
    httpc_span name, value;
    uint64_t h = fuzz_hash_str(FUZZ_HASH_INIT, httpc_resp_reason(r));

    for (size_t i = 0; i < httpc_resp_header_count(r); i++) {
        FUZZ_CHECK(httpc_resp_header_at(r, i, &name, &value) == 0, "header %zu missing", i);
        h = fuzz_hash(h, &name.len, sizeof name.len);
        if (name.ptr != NULL)
            h = fuzz_hash(h, name.ptr, name.len);
        h = fuzz_hash(h, &value.len, sizeof value.len);
        h = fuzz_hash(h, value.ptr, value.len);
    }
    return h;
}

#endif /* HTTPC_FUZZ_COMMON_H */
