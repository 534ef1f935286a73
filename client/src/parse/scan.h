/* SPDX-License-Identifier: MIT */
/* Multi-byte scanning helpers shared by the parsers (client/src/scan.c). */
#ifndef HTTPC_SCAN_H
#define HTTPC_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h> /* SSE2, and AVX2 for the functions marked for it */
#define HTTPC__SCAN_SSE2_INLINE 1
#endif

/* The work counter: the bytes the parsers examine (the line-end and name
 * scans, and each complete line once per parse of it), for the tests and fuzz
 * targets that check the parsers' cost stays linear in their input however
 * it is cut. Compiled in only with HTTPC_WORK_COUNTER (the test and fuzz
 * builds: client/CMakeLists.txt); one counter per thread. */
#ifdef HTTPC_WORK_COUNTER
extern _Thread_local size_t httpc__work;
#define HTTPC__WORK(n) ((void)(httpc__work += (size_t)(n)))
#else
#define HTTPC__WORK(n) ((void)0)
#endif

/* The bound the tests and fuzz targets hold the counter to: a head, a
 * trailer section or a whole exchange of n bytes, cut any way, is parsed
 * with at most HTTPC__WORK_FACTOR * n + HTTPC__WORK_SLACK bytes examined.
 * One byte at a time costs about 3 per byte: the byte's search, the
 * complete line's parse, and a second look at a line whose start came
 * alone. */
/* Eight octets a word: HTTPC__HAS_LESS(x, n) is nonzero when an octet of x
 * is below n (n <= 128); exact as a yes/no answer, and its lowest set bit
 * marks the first such octet ("hasless" from Bit Twiddling Hacks). The one
 * definition for every word-at-a-time scan of the parsers. */
#define HTTPC__ONES 0x0101010101010101ULL
#define HTTPC__HAS_LESS(x, n) (((x)-HTTPC__ONES * (n)) & ~(x) & (HTTPC__ONES * 0x80))

#define HTTPC__WORK_FACTOR 8
#define HTTPC__WORK_SLACK 256

/* The counter's value on this thread, or SIZE_MAX when it is not compiled
 * in; httpc__work_reset sets it to 0. */
size_t httpc__work_read(void);
void httpc__work_reset(void);

/* The index of the first LF in p[0..n), or n when there is none. A few
 * bytes (the common call when a reply trickles in) are looked at in line,
 * more by memchr. */
static inline size_t httpc__find_lf(const char *p, size_t n)
{
    const char *q;

    if (n <= 16) {
        for (size_t i = 0; i < n; i++)
            if (p[i] == '\n') {
                HTTPC__WORK(i + 1);
                return i;
            }
        HTTPC__WORK(n);
        return n;
    }
    q = memchr(p, '\n', n);
    HTTPC__WORK(q != NULL ? (size_t)(q - p) + 1 : n);
    return q != NULL ? (size_t)(q - p) : n;
}

/* readline(max_line + 1) over buf[0..len), resumed: buf[0..*scanned) is known
 * to hold no LF (an earlier call on a shorter buffer saw it), so a line that
 * arrives in many pieces is searched once, not once per piece. Sets *n to the
 * line's length (terminator included; at eof a last line without one is
 * complete, and len == 0 gives 0) and returns 0; or returns HTTPC_E_AGAIN
 * (*scanned updated for the next call) or HTTPC_E_LINE_TOO_LONG when the line
 * is longer than max_line (found without waiting for its end). *scanned is 0
 * again once a line is complete. */
int httpc__next_line(const char *buf, size_t len, int eof, size_t max_line, size_t *scanned,
                     size_t *n);

/* For the entry points that take only picohttpparser's `last_len`: when no
 * LF came in buf[last_len..len) since a call that answered AGAIN on
 * buf[0..last_len), the answer is AGAIN again (returned) unless the pending
 * line is now longer than max_line (HTTPC_E_LINE_TOO_LONG). Without the
 * pending line's start it searches back up to max_line bytes: callers that
 * keep an httpc_parse_state avoid that. */
int httpc__pending_line(const char *buf, size_t len, size_t last_len, size_t max_line);

/* The index of the first CR or LF in p[0..n), or n when there is none.
 * Reads only p[0..n). */
size_t httpc__scan_crlf(const char *p, size_t n);

/* The index of the first CR or LF in p[i..n), or n when there is none
 * (i <= n). Reads p[0..n) only: a remainder shorter than a block is loaded
 * overlapping the bytes before it, which is why it takes them. */
size_t httpc__scan_crlf_from(const char *p, size_t i, size_t n);

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
/* The octets the 16-octet tests compare with, as memory operands: built
 * with _mm_set1_epi8 in a function compiled for AVX2 (the quick paths'),
 * each was a broadcast from a register, three instructions, made again for
 * every field line. */
#define HTTPC__REP16(c)                                                                            \
    {                                                                                              \
        c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c                                             \
    }
static const char httpc__v16[5][16]
    __attribute__((aligned(16))) = {HTTPC__REP16('\r'), HTTPC__REP16('\n'), HTTPC__REP16(':'),
                                    HTTPC__REP16(0x5f), HTTPC__REP16(-34)};
#undef HTTPC__REP16

/* The table's address hidden from the optimiser, which would otherwise
 * fold the loads back into the broadcasts (the asm is not volatile: it is
 * hoisted and shared like any other expression). */
static inline const char *httpc__v16_base(void)
{
    const char *b = httpc__v16[0];
    __asm__("" : "+r"(b));
    return b;
}
#define HTTPC__V16(k) _mm_load_si128((const __m128i *)(const void *)(httpc__v16_base() + 16 * (k)))

/* A bit per CR or LF of the 16 octets v. */
static inline unsigned httpc__crlf_bits(__m128i v)
{
    return (unsigned)_mm_movemask_epi8(
        _mm_or_si128(_mm_cmpeq_epi8(v, HTTPC__V16(0)), _mm_cmpeq_epi8(v, HTTPC__V16(1))));
}

/* A bit per octet of v that is not a header-name octet (0x21..0x7e but
 * ':'). One signed compare checks the range: adding 0x5f takes 0x21..0x7e
 * to -128..-35 and every other octet above -35. */
static inline unsigned httpc__not_name_bits(__m128i v)
{
    __m128i in = _mm_cmpgt_epi8(HTTPC__V16(4), _mm_add_epi8(v, HTTPC__V16(3)));
    __m128i ok = _mm_andnot_si128(_mm_cmpeq_epi8(v, HTTPC__V16(2)), in);
    return (unsigned)_mm_movemask_epi8(ok) ^ 0xffffu;
}

static inline unsigned httpc__crlf_mask16(const char *p)
{
    return httpc__crlf_bits(_mm_loadu_si128((const __m128i *)(const void *)p));
}

static inline unsigned httpc__not_name_mask16(const char *p)
{
    return httpc__not_name_bits(_mm_loadu_si128((const __m128i *)(const void *)p));
}

/* 0xff for the CRs and LFs of 32 octets in two operations: an octet below
 * 0x80 picks the entry of its low nibble, which equals the octet itself
 * only for CR and LF (the others are 0xff); one from 0x80 up picks 0. */
static const char httpc__crlf_tab[32] __attribute__((aligned(32))) = {
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, '\n', -1, -1, '\r', -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, '\n', -1, -1, '\r', -1, -1};

__attribute__((target("avx2"))) static inline __m256i httpc__crlf_eq32(const char *p)
{
    __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)p);
    __m256i t = _mm256_load_si256((const __m256i *)(const void *)httpc__crlf_tab);

    return _mm256_cmpeq_epi8(_mm256_shuffle_epi8(t, x), x);
}

/* The AVX2 level's CR and LF search, the one for every parser: the first
 * CR or LF of p[i..n), or n. Four 32-octet blocks a test over long runs
 * (a long value costs half the instructions of a block a test), then a
 * block a step; the last block is loaded to end at p[n], so p[0..i) must
 * be readable; fewer than 32 octets in all are looked at byte by byte.
 * Inline: the parsers' loops call it once a line. */
__attribute__((target("avx2"))) static inline size_t httpc__scan_crlf32(const char *p, size_t i,
                                                                        size_t n)
{
    unsigned m;

    for (; i + 128 <= n; i += 128)
        if (_mm256_movemask_epi8(_mm256_or_si256(
                _mm256_or_si256(httpc__crlf_eq32(p + i), httpc__crlf_eq32(p + i + 32)),
                _mm256_or_si256(httpc__crlf_eq32(p + i + 64), httpc__crlf_eq32(p + i + 96)))) != 0)
            break;
    for (; i + 32 <= n; i += 32)
        if ((m = (unsigned)_mm256_movemask_epi8(httpc__crlf_eq32(p + i))) != 0)
            return i + (size_t)__builtin_ctz(m);
    if (i < n && n >= 32) {
        m = (unsigned)_mm256_movemask_epi8(httpc__crlf_eq32(p + n - 32)) >> (32 - (n - i));
        return m != 0 ? i + (size_t)__builtin_ctz(m) : n;
    }
    for (; i < n; i++)
        if (p[i] == '\r' || p[i] == '\n')
            return i;
    return n;
}
#endif

static inline size_t httpc__scan_crlf_fast(const char *p, size_t n)
{
#ifdef HTTPC__SCAN_SSE2_INLINE
    if (n >= 16 && httpc__scan_level != 0) {
        unsigned m = httpc__crlf_mask16(p);
        HTTPC__WORK(16);
        if (m != 0)
            return (size_t)__builtin_ctz(m);
        return 16 + httpc__scan_crlf(p + 16, n - 16);
    }
    if (httpc__scan_level != 0) { /* short: a byte loop beats the call */
        HTTPC__WORK(n);
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
        HTTPC__WORK(16);
        if (m != 0)
            return (size_t)__builtin_ctz(m);
        return 16 + httpc__scan_name(p + 16, n - 16);
    }
#endif
    return httpc__scan_name(p, n);
}

#endif
