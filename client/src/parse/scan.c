/* SPDX-License-Identifier: MIT */
/* Byte scanning for the parsers' hot loops, many bytes at a time: header
 * values are the bulk of a response head. The instruction set is chosen once
 * at load time (AVX2, else SSE2 on x86-64); the portable 8-bytes-a-word path
 * stays selectable, so callgrind counts are the same on every machine. */
#include "scan.h"

#include "httpc.h"

#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_X86 1
#endif

enum { SCAN_SCALAR, SCAN_SSE2, SCAN_AVX2 };

#ifdef HTTPC_WORK_COUNTER
_Thread_local size_t httpc__work;

size_t httpc__work_read(void)
{
    return httpc__work;
}

void httpc__work_reset(void)
{
    httpc__work = 0;
}

/* The bytes a scan that stopped at index i of p[0..n) looked at. */
static size_t examined(size_t i, size_t n)
{
    return i < n ? i + 1 : n;
}
#else
size_t httpc__work_read(void)
{
    return SIZE_MAX;
}

void httpc__work_reset(void) {}
#endif

int httpc__next_line(const char *buf, size_t len, int eof, size_t max_line, size_t *scanned,
                     size_t *n)
{
    size_t window = max_line < len ? max_line + 1 : len; /* no overflow at SIZE_MAX */
    size_t from = *scanned <= window ? *scanned : 0;
    size_t nl = from + httpc__find_lf(buf + from, window - from);

    if (nl < window) {
        *scanned = 0;
        *n = nl + 1;
        return *n > max_line ? HTTPC_E_LINE_TOO_LONG : 0;
    }
    if (len > max_line)
        return HTTPC_E_LINE_TOO_LONG;
    if (!eof) {
        *scanned = len;
        return HTTPC_E_AGAIN;
    }
    *scanned = 0;
    *n = len;
    return 0;
}

int httpc__pending_line(const char *buf, size_t len, size_t last_len, size_t max_line)
{
    size_t from;

    if (len <= max_line)
        return HTTPC_E_AGAIN;
    from = len - max_line - 1;
    HTTPC__WORK(from < last_len ? last_len - from : 0);
    if (from < last_len && memchr(buf + from, '\n', last_len - from) != NULL)
        return HTTPC_E_AGAIN;
    return HTTPC_E_LINE_TOO_LONG;
}

int httpc__scan_level = SCAN_SCALAR;
#define scan_level httpc__scan_level

static int scan_best(void)
{
#ifdef HAVE_X86
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") ? SCAN_AVX2 : SCAN_SSE2;
#else
    return SCAN_SCALAR;
#endif
}

/* At load time, before any thread can call a parser. */
__attribute__((constructor)) static void scan_init(void)
{
    scan_level = scan_best();
}

int httpc__scan_select(int level)
{
    int best = scan_best();
    scan_level = level < 0 || level > best ? best : level;
    return scan_level;
}

#define ONES HTTPC__ONES

/* Eight bytes a word: a word with a byte below 0x0e (CR, LF, and the rare
 * tab or control) is looked at byte by byte from its first such byte
 * ("hasless" from Bit Twiddling Hacks is exact for the lowest byte). */
static size_t scan_crlf_words(const char *p, size_t i, size_t n)
{
    for (; i + 8 <= n; i += 8) {
        uint64_t x, m;
        memcpy(&x, p + i, 8);
        m = HTTPC__HAS_LESS(x, 0x0e);
        if (m == 0)
            continue;
        for (size_t k = i + (size_t)(__builtin_ctzll(m) >> 3); k < i + 8; k++)
            if (p[k] == '\r' || p[k] == '\n')
                return k;
    }
    for (; i < n; i++)
        if (p[i] == '\r' || p[i] == '\n')
            return i;
    return n;
}

#ifdef HAVE_X86
/* The bits of the CRs and LFs of p[i..n) in the last block, loaded to end at
 * p[n] (n - i < 16 <= n): no byte loop for a block's remainder. */
static inline unsigned crlf_tail16(const char *p, size_t i, size_t n)
{
    return httpc__crlf_mask16(p + n - 16) >> (16 - (n - i));
}

/* The first CR or LF of p[i..n), or n, 16 octets a step; reads p[0..n) only
 * (n >= 16). */
static size_t scan_crlf_sse2(const char *p, size_t i, size_t n)
{
    unsigned m;

    for (; i + 16 <= n; i += 16)
        if ((m = httpc__crlf_mask16(p + i)) != 0)
            return i + (size_t)__builtin_ctz(m);
    if (i == n)
        return n;
    m = crlf_tail16(p, i, n);
    return m != 0 ? i + (size_t)__builtin_ctz(m) : n;
}

/* The same at the AVX2 level (n >= 32): scan.h's search, out of line. */
__attribute__((target("avx2"))) static size_t scan_crlf_avx2(const char *p, size_t i, size_t n)
{
    return httpc__scan_crlf32(p, i, n);
}
#endif

/* Header-name octets, headerRE's [\041-\071\073-\176]: a word holds only
 * such octets when none is below 0x21, above 0x7e or equal to ':'. Each test
 * is exact for its lowest flagged byte, so their union is too. */
static size_t scan_name_words(const char *p, size_t i, size_t n)
{
    for (; i + 8 <= n; i += 8) {
        uint64_t x, c, m;
        memcpy(&x, p + i, 8);
        c = x ^ (ONES * ':');
        m = ((x - ONES * 0x21) & ~x) | (x + ONES * 0x01) | x | ((c - ONES) & ~c);
        m &= ONES * 0x80;
        if (m != 0)
            return i + (size_t)(__builtin_ctzll(m) >> 3);
    }
    for (; i < n; i++) {
        unsigned char b = (unsigned char)p[i];
        if (b < 0x21 || b > 0x7e || b == ':')
            return i;
    }
    return n;
}

static size_t scan_name(const char *p, size_t n);

size_t httpc__scan_name(const char *p, size_t n)
{
    size_t i = scan_name(p, n);

    HTTPC__WORK(examined(i, n));
    return i;
}

static size_t scan_name(const char *p, size_t n)
{
    size_t i = 0;

#ifdef HAVE_X86
    if (scan_level != SCAN_SCALAR) {
        for (; i + 16 <= n; i += 16) {
            unsigned m = httpc__not_name_mask16(p + i);
            if (m != 0)
                return i + (size_t)__builtin_ctz(m);
        }
    }
#endif
    return scan_name_words(p, i, n);
}

static inline size_t scan_crlf_from(const char *p, size_t i, size_t n);

size_t httpc__scan_crlf(const char *p, size_t n)
{
    size_t i = scan_crlf_from(p, 0, n);

    HTTPC__WORK(examined(i, n));
    return i;
}

/* The first CR or LF of p[i..n), or n; reads p[0..n) only. Most values end
 * within 16 bytes: one SSE2 block first, and the loops (with their set-up)
 * only for what is left of a long one; a remainder shorter than a block is
 * loaded overlapping the bytes before it. */
__attribute__((always_inline)) static inline size_t scan_crlf_from(const char *p, size_t i,
                                                                   size_t n)
{
#ifdef HAVE_X86
    if (scan_level != SCAN_SCALAR && n >= 16) {
        unsigned m;
        if (n - i < 16) {
            if (i == n)
                return n;
            m = crlf_tail16(p, i, n);
            return m != 0 ? i + (size_t)__builtin_ctz(m) : n;
        }
        if ((m = httpc__crlf_mask16(p + i)) != 0)
            return i + (size_t)__builtin_ctz(m);
        if (scan_level == SCAN_AVX2 && n - i >= 64)
            return scan_crlf_avx2(p, i + 16, n);
        return scan_crlf_sse2(p, i + 16, n);
    }
#endif
    return scan_crlf_words(p, i, n);
}

size_t httpc__scan_crlf_from(const char *p, size_t i, size_t n)
{
    size_t k = scan_crlf_from(p, i, n);

    HTTPC__WORK(examined(k, n) - i);
    return k;
}
