/* SPDX-License-Identifier: MIT */
/* Tests of scan.c and the inline first steps in scan.h: at every scan level
 * the answers are a byte-at-a-time reference's, on random buffers rich in
 * the octets that matter, at every length up to 150 and every alignment,
 * each buffer an exact-size allocation so an over-read is caught under ASan. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "httpc.h"
#include "scan.h"

static size_t ref_crlf(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && p[i] != '\r' && p[i] != '\n')
        i++;
    return i;
}

/* headerRE's name octets: 0x21..0x7e but ':'. */
static size_t ref_name(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && (unsigned char)p[i] >= 0x21 && (unsigned char)p[i] <= 0x7e && p[i] != ':')
        i++;
    return i;
}

static const unsigned char special[] = {'\r', '\n', ':',  0x00, 0x09, 0x0c, 0x0e, 0x1f,
                                        0x20, 0x21, 0x7e, 0x7f, 0x80, 0xff, 0xa0, 0x3a};

static uint64_t next(uint64_t *seed)
{
    *seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return *seed >> 33;
}

/* n random octets, one in `rare` of them special: long clean runs (the word
 * and vector loops) and stops at every position. */
static char *random_buf(uint64_t *seed, size_t n, unsigned rare)
{
    char *b = malloc(n ? n : 1);
    cr_assert_not_null(b);
    for (size_t i = 0; i < n; i++) {
        uint64_t r = next(seed);
        b[i] = (char)(r % rare == 0 ? special[(r >> 8) % sizeof special] : 'a' + r % 26);
    }
    return b;
}

static void check_level(int level)
{
    int got = httpc__scan_select(level);
    uint64_t seed = 42 + (uint64_t)level;

    cr_assert_leq(got, level, "the level is capped at what the CPU has");
    for (int round = 0; round < 30000; round++) {
        size_t n = (size_t)(round % 151);
        char *b = random_buf(&seed, n, round % 2 ? 23 : 97);
        cr_assert_eq(httpc__scan_crlf(b, n), ref_crlf(b, n), "level %d crlf n=%zu", got, n);
        cr_assert_eq(httpc__scan_name(b, n), ref_name(b, n), "level %d name n=%zu", got, n);
        cr_assert_eq(httpc__scan_crlf_fast(b, n), ref_crlf(b, n), "level %d crlf_fast", got);
        cr_assert_eq(httpc__scan_name_fast(b, n), ref_name(b, n), "level %d name_fast", got);
        free(b);
    }
    httpc__scan_select(-1);
}

Test(scan, scalar_words_agree_with_the_reference)
{
    check_level(0);
}

Test(scan, sse2_agrees_with_the_reference)
{
    check_level(1);
}

Test(scan, avx2_agrees_with_the_reference)
{
    check_level(2);
}

/* Where the stop is the first or the last octet, or absent, at lengths
 * around the 8-, 16- and 32-byte steps. */
Test(scan, edges_of_each_block)
{
    for (int level = 0; level <= 2; level++) {
        httpc__scan_select(level);
        for (size_t n = 1; n <= 70; n++) {
            for (size_t at = 0; at <= n; at++) {
                char *b = malloc(n);
                memset(b, 'x', n);
                if (at < n)
                    b[at] = at % 2 ? '\n' : '\r';
                cr_assert_eq(httpc__scan_crlf_fast(b, n), at, "n=%zu at=%zu", n, at);
                cr_assert_eq(httpc__scan_crlf(b, n), at, "n=%zu at=%zu", n, at);
                if (at < n)
                    b[at] = ':';
                cr_assert_eq(httpc__scan_name_fast(b, n), at, "n=%zu at=%zu", n, at);
                cr_assert_eq(httpc__scan_name(b, n), at, "n=%zu at=%zu", n, at);
                free(b);
            }
        }
    }
    httpc__scan_select(-1);
}

/* httpc__find_lf: the in-line loop (up to 16 bytes) and memchr (more) give
 * the first LF at every position of every length, reading only p[0..n). */
Test(scan, find_lf_every_position)
{
    for (size_t n = 0; n <= 40; n++) {
        for (size_t at = 0; at <= n; at++) {
            char *p = malloc(n ? n : 1);
            cr_assert_not_null(p);
            memset(p, '\r', n);
            if (at < n)
                p[at] = '\n';
            cr_assert_eq(httpc__find_lf(p, n), at, "n %zu, LF at %zu", n, at);
            free(p);
        }
    }
}

/* httpc__next_line resumed: *scanned says how far the search got, so each
 * call looks at the new bytes only, and the answers are readline()'s. */
Test(scan, next_line_resumes_where_it_stopped)
{
    const char *s = "abcdef\nXY";
    size_t scanned = 0, n = 0;

    for (size_t len = 0; len < 7; len++) {
        cr_assert_eq(httpc__next_line(s, len, 0, 64, &scanned, &n), HTTPC_E_AGAIN);
        cr_assert_eq(scanned, len);
    }
    cr_assert_eq(httpc__next_line(s, 9, 0, 64, &scanned, &n), 0);
    cr_assert_eq(n, 7);
    cr_assert_eq(scanned, 0);
    /* EOF completes a last line without LF; nothing at all is a line of 0. */
    cr_assert_eq(httpc__next_line(s + 7, 2, 1, 64, &scanned, &n), 0);
    cr_assert_eq(n, 2);
    cr_assert_eq(httpc__next_line(s, 0, 1, 64, &scanned, &n), 0);
    cr_assert_eq(n, 0);
    /* Too long: found before the line ends, and a line ending just past it. */
    scanned = 0;
    cr_assert_eq(httpc__next_line(s, 6, 0, 5, &scanned, &n), HTTPC_E_LINE_TOO_LONG);
    scanned = 0;
    cr_assert_eq(httpc__next_line(s, 9, 0, 6, &scanned, &n), HTTPC_E_LINE_TOO_LONG);
    scanned = 0;
    cr_assert_eq(httpc__next_line(s, 9, 0, 7, &scanned, &n), 0);
    cr_assert_eq(n, 7);
}

/* A search resumed past a LF it never saw would miss it: a stale *scanned
 * beyond the window starts again from 0 rather than read past the buffer. */
Test(scan, next_line_stale_scanned_starts_over)
{
    size_t scanned = 100, n = 0;

    cr_assert_eq(httpc__next_line("a\nb", 3, 0, 64, &scanned, &n), 0);
    cr_assert_eq(n, 2);
}

/* httpc__pending_line: AGAIN while the pending line fits max_line, whatever
 * came before; LINE_TOO_LONG once it does not. */
Test(scan, pending_line_limit)
{
    const char *s = "ab\ncdefgh";

    cr_assert_eq(httpc__pending_line(s, 9, 8, 8), HTTPC_E_AGAIN);
    cr_assert_eq(httpc__pending_line(s, 9, 8, 6), HTTPC_E_AGAIN); /* "cdefgh" is 6 */
    cr_assert_eq(httpc__pending_line(s, 9, 8, 5), HTTPC_E_LINE_TOO_LONG);
}

/* The AVX2 CR/LF search every parser uses at that level (scan.h's
 * httpc__scan_crlf32: four 32-octet blocks a test, a pshufb table lookup
 * that must match CR and LF only): every octet value, the ones sharing CR's
 * or LF's low nibble (0x1a, 0x8d, 0xfa) and those from 0x80 up above all,
 * at lengths past several four-block steps and every starting offset, an
 * exact-size buffer for ASan. */
#ifdef HTTPC__SCAN_SSE2_INLINE
Test(scan, crlf32_agrees_with_the_reference)
{
    uint64_t seed = 7;

    if (httpc__scan_select(2) != 2) {
        httpc__scan_select(-1);
        cr_skip_test("no AVX2 on this CPU");
    }
    httpc__scan_select(-1);
    for (int round = 0; round < 4000; round++) {
        size_t n = (size_t)(next(&seed) % 600), i = n ? (size_t)(next(&seed) % (n + 1)) : 0;
        char *b = malloc(n ? n : 1);
        cr_assert_not_null(b);
        for (size_t k = 0; k < n; k++) { /* no CR or LF but, rarely, one */
            unsigned char c = (unsigned char)(next(&seed) & 0xff);
            b[k] = (char)(c == '\r' || c == '\n' ? 0x8d : c);
        }
        if (i < n && round % 3 != 0) /* a stop at or after i */
            b[i + next(&seed) % (n - i)] = round % 2 ? '\r' : '\n';
        cr_assert_eq(httpc__scan_crlf32(b, i, n), i + ref_crlf(b + i, n - i), "n=%zu i=%zu", n, i);
        free(b);
    }
}
#endif
