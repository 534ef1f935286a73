/* SPDX-License-Identifier: MIT */
/* Multi-byte scanning helpers shared by the parsers (client/src/scan.c). */
#ifndef HTTPC_SCAN_H
#define HTTPC_SCAN_H

#include <stddef.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <emmintrin.h>
#define HTTPC__SCAN_SSE2_INLINE 1
#endif

/* The index of the first CR or LF in p[0..n), or n when there is none.
 * Reads only p[0..n). */
size_t httpc__scan_crlf(const char *p, size_t n);

/* The index of the first octet of p[0..n) that cannot be in a header name
 * as CPython's feedparser reads it (headerRE: 0x21..0x7e but ':'), or n. */
size_t httpc__scan_name(const char *p, size_t n);

/* Forces a scan level (0: 8-byte words, 1: SSE2, 2: AVX2; capped at what the
 * CPU has) or, for -1, the best one; returns the level in effect. For
 * benchmarks and tests: the parsers' results never depend on it. */
int httpc__scan_select(int level);

/* The level in effect (scan.c); read by the inline first steps below. */
extern int httpc__scan_level;

/* Most names and values end within 16 bytes: the first SSE2 block is looked
 * at inline, in the parser's own loop (no call, no spilled registers), and
 * only what is left goes to the functions above. SSE2 is part of x86-64;
 * level 0 (callgrind's portable counts) always calls. */
#ifdef HTTPC__SCAN_SSE2_INLINE
static inline unsigned httpc__crlf_mask16(const char *p)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\r')),
                                                    _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'))));
}

/* A bit per octet of p[0..16) that is not a header-name octet. Signed
 * compares: octets from 0x80 up are negative, so not above 0x20. */
static inline unsigned httpc__not_name_mask16(const char *p)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i ok = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(0x20)),
                               _mm_cmplt_epi8(v, _mm_set1_epi8(0x7f)));
    ok = _mm_andnot_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(':')), ok);
    return (unsigned)_mm_movemask_epi8(ok) ^ 0xffffu;
}
#endif

static inline size_t httpc__scan_crlf_fast(const char *p, size_t n)
{
#ifdef HTTPC__SCAN_SSE2_INLINE
    if (n >= 16 && httpc__scan_level != 0) {
        unsigned m = httpc__crlf_mask16(p);
        if (m != 0)
            return (size_t)__builtin_ctz(m);
        return 16 + httpc__scan_crlf(p + 16, n - 16);
    }
    if (httpc__scan_level != 0) { /* short: a byte loop beats the call */
        for (size_t i = 0; i < n; i++)
            if (p[i] == '\r' || p[i] == '\n')
                return i;
        return n;
    }
#endif
    return httpc__scan_crlf(p, n);
}

static inline size_t httpc__scan_name_fast(const char *p, size_t n)
{
#ifdef HTTPC__SCAN_SSE2_INLINE
    if (n >= 16 && httpc__scan_level != 0) {
        unsigned m = httpc__not_name_mask16(p);
        if (m != 0)
            return (size_t)__builtin_ctz(m);
        return 16 + httpc__scan_name(p + 16, n - 16);
    }
#endif
    return httpc__scan_name(p, n);
}

#endif
