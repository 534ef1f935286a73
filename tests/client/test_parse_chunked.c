/* SPDX-License-Identifier: MIT */
/* Tests of parse_chunked.c: the chunk-size line, trailers, and the decoder
 * fed whole, at every split point, and one byte at a time. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "httpc.h"

static const httpc_profile *prof(const char *name)
{
    return httpc_profile_by_name(name);
}

/* An exact-size heap copy, so ASan catches any read past the input. */
static char *dup_exact(const char *s, size_t n)
{
    char *p = malloc(n ? n : 1);
    memcpy(p, s, n);
    return p;
}

static char ext[64]; /* the last extension seen, copied out of the input */

static ssize_t size_line(const char *s, int eof, const char *profile, httpc_chunk_size *cs)
{
    size_t n = strlen(s);
    char *b = dup_exact(s, n);
    ssize_t rc = httpc_parse_chunk_size(b, n, eof, prof(profile), cs, NULL, 0);
    snprintf(ext, sizeof ext, "%.*s", rc >= 0 ? (int)cs->ext.len : 0, cs->ext.ptr);
    free(b);
    return rc;
}

Test(parse_chunked, httpc_parse_chunk_size_forms)
{
    httpc_chunk_size cs;
    cr_assert_eq(size_line("1a\r\nrest", 0, "py3", &cs), 4);
    cr_assert_eq(cs.size, 26);
    cr_assert_eq(size_line("5;name=v\r\n", 0, "py3", &cs), 10);
    cr_assert_eq(cs.size, 5);
    cr_assert_str_eq(ext, "name=v");
    cr_assert_eq(size_line("5", 0, "py3", &cs), HTTPC_E_AGAIN);
    cr_assert_eq(size_line("5", 1, "py3", &cs), 1); /* readline at EOF */
    cr_assert_eq(size_line("zz\r\n", 0, "py3", &cs), HTTPC_E_INCOMPLETE_READ);
    cr_assert_eq(size_line("", 1, "py3", &cs), HTTPC_E_INCOMPLETE_READ); /* int(b'') */
    cr_assert_eq(size_line("-1\r\n", 0, "py3", &cs), 4);
    cr_assert(cs.negative);
    cr_assert_eq(size_line("0x_5\r\n", 0, "py3", &cs), 6);
    cr_assert_eq(size_line("0x_5\r\n", 0, "py27", &cs), HTTPC_E_INCOMPLETE_READ);
    cr_assert_eq(size_line("0x5\r\n", 0, "strict", &cs), HTTPC_E_INVALID_FRAMING);
    cr_assert_eq(size_line("5\n", 0, "strict", &cs), HTTPC_E_INVALID_FRAMING);
    cr_assert_eq(size_line("5 ;a=b\r\n", 0, "strict", &cs), 8);
    cr_assert_eq(size_line("5;a=\"x y\"\r\n", 0, "strict", &cs), 11);
    cr_assert_eq(size_line("5;a=\r\n", 0, "strict", &cs), HTTPC_E_INVALID_FRAMING);
    cr_assert_eq(size_line("10000000000000000\r\n", 0, "strict", &cs),
                 HTTPC_E_INVALID_FRAMING); /* 17 digits */
    cr_assert_eq(size_line("ffffffffffffffff\r\n", 0, "strict", &cs), 18);
}

Test(parse_chunked, httpc_parse_chunk_size_line_limit)
{
    size_t n = 70000;
    char *b = malloc(n);
    httpc_chunk_size cs;
    char detail[128];
    memset(b, '0', n);
    /* readline(65537) without a newline: LineTooLong before the end arrives */
    cr_assert_eq(httpc_parse_chunk_size(b, 65536, 0, prof("py3"), &cs, detail, sizeof detail),
                 HTTPC_E_AGAIN);
    cr_assert_eq(httpc_parse_chunk_size(b, 65537, 0, prof("py3"), &cs, detail, sizeof detail),
                 HTTPC_E_LINE_TOO_LONG);
    cr_assert_str_eq(detail, "got more than 65536 bytes when reading chunk size");
    b[65535] = '\n'; /* a 65536-byte line is still accepted */
    cr_assert_eq(httpc_parse_chunk_size(b, n, 0, prof("py3"), &cs, NULL, 0), 65536);
    free(b);
}

Test(parse_chunked, httpc_parse_trailers_endings)
{
    const char *t = "A: 1\r\nB: 2\n\nnext";
    size_t lines;
    char *b = dup_exact(t, strlen(t));
    cr_assert_eq(httpc_parse_trailers(b, strlen(t), 0, 0, prof("py3"), &lines, NULL, 0), 12);
    cr_assert_eq(lines, 2);
    /* httplib 2.7 ends trailers only at "\r\n" */
    cr_assert_eq(httpc_parse_trailers(b, strlen(t), 0, 0, prof("py27"), &lines, NULL, 0),
                 HTTPC_E_AGAIN);
    cr_assert_eq(httpc_parse_trailers(b, strlen(t), 0, 1, prof("py27"), &lines, NULL, 0),
                 (ssize_t)strlen(t));
    cr_assert_eq(httpc_parse_trailers(b, 0, 0, 1, prof("py3"), &lines, NULL, 0), 0);
    free(b);
}

typedef struct decoded {
    char data[256];
    size_t len;
    int rc;
} decoded;

/* Feeds `in` in pieces that end at the given cut points, keeping unconsumed
 * bytes as a caller must. */
static decoded decode(const char *in, size_t n, const char *profile, const size_t *cuts,
                      size_t ncuts)
{
    decoded d = {0};
    httpc_chunked c;
    size_t have = 0, start = 0, next = 0;
    httpc_chunked_init(&c, prof(profile));
    for (;;) {
        size_t limit = next < ncuts ? cuts[next] : n;
        if (have < limit)
            have = limit;
        int eof = have == n;
        char *b = dup_exact(in + start, have - start);
        const char *data;
        size_t dlen;
        ssize_t k = httpc_chunked_feed(&c, b, have - start, eof, &data, &dlen, NULL, 0);
        if (k >= 0 && dlen) {
            cr_assert(d.len + dlen <= sizeof d.data);
            memcpy(d.data + d.len, data, dlen);
            d.len += dlen;
        }
        free(b);
        if (k == HTTPC_E_AGAIN || (k == 0 && !httpc_chunked_done(&c))) {
            if (eof) {
                d.rc = HTTPC_E_AGAIN;
                return d;
            }
            next++;
            continue;
        }
        if (k < 0) {
            d.rc = (int)k;
            return d;
        }
        start += (size_t)k;
        if (httpc_chunked_done(&c)) {
            cr_assert_eq(c.total, d.len);
            return d;
        }
    }
}

static void every_split(const char *in, const char *profile, const char *want, int want_rc)
{
    size_t n = strlen(in);
    decoded whole = decode(in, n, profile, NULL, 0);
    cr_assert_eq(whole.rc, want_rc, "%s: %d", in, whole.rc);
    if (want != NULL) {
        cr_assert_eq(whole.len, strlen(want));
        cr_assert(memcmp(whole.data, want, whole.len) == 0);
    }
    for (size_t cut = 0; cut <= n; cut++) {
        decoded d = decode(in, n, profile, &cut, 1);
        cr_assert_eq(d.rc, whole.rc, "cut at %zu", cut);
        cr_assert_eq(d.len, whole.len, "cut at %zu", cut);
        cr_assert(memcmp(d.data, whole.data, d.len) == 0, "cut at %zu", cut);
    }
    size_t *cuts = malloc((n + 1) * sizeof *cuts);
    for (size_t i = 0; i <= n; i++)
        cuts[i] = i;
    decoded bytewise = decode(in, n, profile, cuts, n + 1);
    cr_assert_eq(bytewise.rc, whole.rc);
    cr_assert_eq(bytewise.len, whole.len);
    cr_assert(memcmp(bytewise.data, whole.data, whole.len) == 0);
    free(cuts);
}

Test(parse_chunked, httpc_chunked_feed_split_invariance)
{
    const char *profiles[] = {"py27", "py27-strict", "py3", "strict"};
    for (int i = 0; i < 4; i++) {
        every_split("4;a=b\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nT: v\r\n\r\n",
                    profiles[i], "Wikipedia in\r\n\r\nchunks.", 0);
        every_split("1\r\na\r\n1\r\nb\r\n0\r\n\r\n", profiles[i], "ab", 0);
        every_split("5\r\nhel", profiles[i], NULL, HTTPC_E_INCOMPLETE_READ);
        every_split("5\r\nhello\r\n", profiles[i], NULL, HTTPC_E_INCOMPLETE_READ);
    }
    /* CPython tosses the two bytes after the data, whatever they are */
    every_split("5\r\nhelloXY0\r\n\r\n", "py3", "hello", 0);
    every_split("5\r\nhelloXY0\r\n\r\n", "strict", NULL, HTTPC_E_INVALID_FRAMING);
    /* negative size: Python 3 reads to EOF (then fails on the CRLF), 2.7 skips */
    every_split("-1\r\nabc", "py3", "abc", HTTPC_E_INCOMPLETE_READ);
    every_split("-1\r\nXY5\r\nhello\r\n0\r\n\r\n", "py27", "hello", 0);
    every_split("zz\r\n", "py3", NULL, HTTPC_E_INCOMPLETE_READ);
}

Test(parse_chunked, httpc_chunked_trailer_limits_by_profile)
{
    char in[8192];
    size_t n = (size_t)sprintf(in, "0\r\n");
    for (int i = 0; i < 150; i++)
        n += (size_t)sprintf(in + n, "T%d: v\r\n", i);
    sprintf(in + n, "\r\n");
    decoded a = decode(in, strlen(in), "py3", NULL, 0); /* CPython: no limit */
    decoded b = decode(in, strlen(in), "strict", NULL, 0);
    cr_assert_eq(a.rc, 0);
    cr_assert_eq(b.rc, HTTPC_E_HTTP_EXCEPTION);
}
