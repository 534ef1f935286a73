/* SPDX-License-Identifier: MIT */
/* Tests of scan.c and the inline first steps in scan.h: at every scan level
 * the answers are a byte-at-a-time reference's, on random buffers rich in
 * the octets that matter, at every length up to 150 and every alignment,
 * each buffer an exact-size allocation so an over-read is caught under ASan. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
