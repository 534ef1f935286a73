/* SPDX-License-Identifier: MIT */
/* Tests of parse_chunked.c: the chunk-size line, the trailer section, and the
 * decoder fed whole, cut at every split point, and one byte at a time, each
 * compared with what CPython 3.11.7 and Python 2.7.18 do with the same bytes
 * (oracle_chunked.inc, written by oracle_chunked.py) and, for the strict
 * profile, with RFC 9112 section 7.1. Inputs are exact-size heap copies so
 * ASan catches any read past them. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "httpc.h"
#include "internal.h"

typedef struct oracle_bytes {
    const char *s; /* NULL: not recorded */
    size_t len;
} oracle_bytes;

typedef struct oracle_chunked_case {
    oracle_bytes body;
    const char *py3;     /* read(1) until the end: exception class, "" for none */
    oracle_bytes stream; /* ... and every data byte it gave, e.partial included */
    const char *py3_all; /* read(): exception class */
    const char *py27;    /* httplib read(): exception class */
    oracle_bytes py27_data;
} oracle_chunked_case;

#include "oracle_chunked.inc"

#define NORACLE (sizeof oracle_chunked_cases / sizeof oracle_chunked_cases[0])

static const char *const all_profiles[] = {"py27", "py27-strict", "py3", "strict"};

/* strict with a trailer count limit, as a caller's profile may set one. */
static const httpc_profile *limited(void)
{
    static httpc_profile p;
    p = *httpc_profile_by_name("strict");
    p.max_trailers = 100;
    p.name = "strict-100";
    return &p;
}

static const httpc_profile *prof(const char *name)
{
    if (!strcmp(name, "strict-100"))
        return limited();
    const httpc_profile *p = httpc_profile_by_name(name);
    cr_assert_not_null(p, "profile %s", name);
    return p;
}

/* An exact-size heap copy, so ASan catches any read past the input. */
static char *dup_exact(const char *s, size_t n)
{
    char *p = malloc(n ? n : 1);
    cr_assert_not_null(p);
    if (n)
        memcpy(p, s, n);
    return p;
}

/* ---- httpc_parse_chunk_size ----------------------------------------------- */

typedef struct size_result {
    ssize_t rc;
    uint64_t size;
    int negative;
    char ext[128]; /* the extension, copied out of the input */
    char detail[128];
} size_result;

static size_result size_line_n(const char *s, size_t n, int eof, const char *profile)
{
    size_result r = {0};
    httpc_chunk_size cs;
    char *b = dup_exact(s, n);
    r.rc = httpc_parse_chunk_size(b, n, eof, prof(profile), &cs, r.detail, sizeof r.detail);
    r.size = cs.size;
    r.negative = cs.negative;
    if (r.rc >= 0 && cs.ext.len > 0) {
        cr_assert(cs.ext.ptr >= b && cs.ext.ptr + cs.ext.len <= b + r.rc, "ext inside the line");
        snprintf(r.ext, sizeof r.ext, "%.*s", (int)cs.ext.len, cs.ext.ptr);
    }
    free(b);
    return r;
}

static size_result size_line(const char *s, int eof, const char *profile)
{
    return size_line_n(s, strlen(s), eof, profile);
}

Test(parse_chunked, httpc_parse_chunk_size_python_forms)
{
    static const struct {
        const char *line;
        ssize_t rc;
        uint64_t size;
        const char *ext;
    } cases[] = {
        {"1a\r\nrest", 4, 26, ""},
        {"1A\n", 3, 26, ""},
        {"0005\r\n", 6, 5, ""},
        {"5;name=v\r\n", 10, 5, "name=v"},
        {"5;a;b=\"c;d\"\r\n", 13, 5, "a;b=\"c;d\""}, /* cut at the first ';' */
        {"5;\r\n", 4, 5, ""},
        {"5 ; x\n", 6, 5, " x"},
        {"5;a\r\r\n", 6, 5, "a\r"}, /* only the terminator is left out */
        {"5;\x01\x7f\xff\r\n", 7, 5, "\x01\x7f\xff"},
        {" \t5\x0b\x0c\r\n", 7, 5, ""}, /* bytes.isspace() around the digits */
        {"5\r\r\n", 4, 5, ""},
        {"+5\r\n", 4, 5, ""},
        {"0x5\r\n", 5, 5, ""},
        {"0X_f\r\n", 6, 15, ""}, /* py3 only: PEP 515 */
        {"1_0\r\n", 5, 16, ""},  /* py3 only */
        {"ffffffffffffffff\r\n", 18, UINT64_MAX, ""},
        {"ffffffffffffffffffff\r\n", 22, UINT64_MAX, ""}, /* saturates */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_result r = size_line(cases[i].line, 0, "py3");
        cr_assert_eq(r.rc, cases[i].rc, "%zu: %s", i, r.detail);
        cr_assert_eq(r.size, cases[i].size, "%zu", i);
        cr_assert_str_eq(r.ext, cases[i].ext, "%zu", i);
        cr_assert_eq(r.negative, 0);
    }
}

/* int(line, 16) refuses them: ValueError, which _get_chunk_left turns into
 * IncompleteRead (CPython 3.11.7 and 2.7.18 alike). */
Test(parse_chunked, httpc_parse_chunk_size_python_refusals)
{
    /* clang-format off */
#define S(x) {x, sizeof x - 1}
    static const oracle_bytes bad[] = {
        S("zz\r\n"), S("\r\n"), S("\n"), S(";\r\n"), S("5 5\r\n"), S("5\x00\r\n"),
        S("\x1c" "5\r\n"), S("\xa0" "5\r\n"), S("\x85" "5\r\n"), S("_5\r\n"), S("5_\r\n"),
        S("0x\r\n"), S("5L\r\n"), S("- 5x\r\n"), S("0x__5\r\n"), S("5\r\x00;\r\n"),
    };
#undef S
    /* clang-format on */
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        for (int k = 0; k < 3; k++) {
            size_result r = size_line_n(bad[i].s, bad[i].len, 0, all_profiles[k]);
            cr_assert_eq(r.rc, HTTPC_E_INCOMPLETE_READ, "%s %zu", all_profiles[k], i);
            cr_assert_eq(r.size, 0);
            cr_assert(strncmp(r.detail, "invalid chunk size line b", 25) == 0, "%s", r.detail);
        }
    }
    cr_assert_str_eq(size_line("zz\r\n", 0, "py3").detail, "invalid chunk size line b'zz\\r\\n'");
}

/* Where the two Pythons read a size line differently. */
Test(parse_chunked, httpc_parse_chunk_size_py3_versus_py27)
{
    static const struct {
        const char *line;
        ssize_t py3, py27;
        uint64_t size;
        int negative;
    } cases[] = {
        {"0x_5\r\n", 6, HTTPC_E_INCOMPLETE_READ, 5, 0}, /* '_' is 3.6+ */
        {"0_5\r\n", 5, HTTPC_E_INCOMPLETE_READ, 5, 0},
        {"- 5\r\n", HTTPC_E_INCOMPLETE_READ, 5, 5, 1}, /* 2.7: blanks after the sign */
        {"-\t0x5\r\n", HTTPC_E_INCOMPLETE_READ, 7, 5, 1},
        {"-1\r\n", 4, 4, 1, 1},
        {"-0\r\n", 4, 4, 0, 0}, /* -0 is 0: the last chunk */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_result a = size_line(cases[i].line, 0, "py3");
        size_result b = size_line(cases[i].line, 0, "py27");
        cr_assert_eq(a.rc, cases[i].py3, "%zu", i);
        cr_assert_eq(b.rc, cases[i].py27, "%zu", i);
        size_result ok = a.rc >= 0 ? a : b;
        cr_assert_eq(ok.size, cases[i].size, "%zu", i);
        cr_assert_eq(ok.negative, cases[i].negative, "%zu", i);
    }
}

Test(parse_chunked, httpc_parse_chunk_size_eof_and_again)
{
    cr_assert_eq(size_line("5", 0, "py3").rc, HTTPC_E_AGAIN);
    cr_assert_eq(size_line("5\r", 0, "py3").rc, HTTPC_E_AGAIN);
    cr_assert_eq(size_line("", 0, "py3").rc, HTTPC_E_AGAIN);
    /* readline() at EOF gives the cut line: int(b'5') == 5 */
    size_result r = size_line("5", 1, "py3");
    cr_assert_eq(r.rc, 1);
    cr_assert_eq(r.size, 5);
    r = size_line("5;ext", 1, "py27");
    cr_assert_eq(r.rc, 5);
    cr_assert_str_eq(r.ext, "ext");
    cr_assert_eq(size_line("", 1, "py3").rc, HTTPC_E_INCOMPLETE_READ); /* int(b'') */
    /* strict: a line cut by EOF is a truncated message */
    cr_assert_eq(size_line("5", 1, "strict").rc, HTTPC_E_INCOMPLETE_READ);
    cr_assert_eq(size_line("5\r", 1, "strict").rc, HTTPC_E_INCOMPLETE_READ);
    cr_assert_eq(size_line("", 1, "strict").rc, HTTPC_E_INCOMPLETE_READ);
    cr_assert_str_eq(size_line("", 1, "strict").detail, "EOF in chunk size line");
    cr_assert_eq(size_line("5\r", 0, "strict").rc, HTTPC_E_AGAIN);
}

/* chunk = chunk-size [ chunk-ext ] CRLF, chunk-size = 1*HEXDIG, chunk-ext =
 * *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ) (RFC 9112
 * section 7.1.1). */
Test(parse_chunked, httpc_parse_chunk_size_strict_grammar)
{
    static const struct {
        const char *line;
        int ok;
        const char *ext;
    } cases[] = {
        {"5\r\n", 1, ""},
        {"aBc\r\n", 1, ""},
        {"5;a\r\n", 1, "a"},
        {"5;a=b\r\n", 1, "a=b"},
        {"5 ;a=b\r\n", 1, "a=b"},
        {"5\t; a = b\r\n", 1, " a = b"},
        {"5;a=b \r\n", 0, NULL}, /* BWS only before a ';' or a '=' */
        {"5;a \r\n", 0, NULL},
        {"5;a;b=c;d\r\n", 1, "a;b=c;d"},
        {"5;a=\"x y\"\r\n", 1, "a=\"x y\""},
        {"5;a=\"q\\\"x\"\r\n", 1, "a=\"q\\\"x\""},
        {"5;a=\"\"\r\n", 1, "a=\"\""},
        {"5;a=\"\xff\t\"\r\n", 1, "a=\"\xff\t\""}, /* obs-text and HTAB are qdtext */
        {"5;!#$%&'*+-.^_`|~=x\r\n", 1, "!#$%&'*+-.^_`|~=x"},
        {"5;\r\n", 0, NULL}, /* empty name */
        {"5;=b\r\n", 0, NULL},
        {"5;a=\r\n", 0, NULL}, /* empty value */
        {"5;a b\r\n", 0, NULL},
        {"5;a=b c\r\n", 0, NULL},
        {"5;a,b\r\n", 0, NULL},
        {"5;a=\"x\r\n", 0, NULL}, /* unterminated */
        {"5;a=\"x\\\"\r\n", 0, NULL},
        {"5;a=\"\x01\"\r\n", 0, NULL}, /* CTL in a quoted-string */
        {"5;a=\"\x7f\"\r\n", 0, NULL},
        {"5;a=\"x\"y\r\n", 0, NULL},
        {"5;a\x01\r\n", 0, NULL},
        {"5 \r\n", 0, NULL}, /* BWS without an extension */
        {" 5\r\n", 0, NULL},
        {"5\n", 0, NULL}, /* bare LF */
        {"5;a\n", 0, NULL},
        {"5\r\r\n", 0, NULL},
        {"5\r;a\r\n", 0, NULL},
        {"\r\n", 0, NULL},
        {"+5\r\n", 0, NULL},
        {"-1\r\n", 0, NULL},
        {"0x5\r\n", 0, NULL},
        {"1_0\r\n", 0, NULL},
        {"g\r\n", 0, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_result r = size_line(cases[i].line, 0, "strict");
        if (cases[i].ok) {
            cr_assert_eq(r.rc, (ssize_t)strlen(cases[i].line), "%zu: %s", i, r.detail);
            cr_assert_str_eq(r.ext, cases[i].ext, "%zu", i);
        } else {
            cr_assert_eq(r.rc, HTTPC_E_INVALID_FRAMING, "%zu", i);
        }
    }
    cr_assert_eq(size_line("aBc\r\n", 0, "strict").size, 0xabc);
    cr_assert_eq(size_line_n("5;a\x00\r\n", 6, 0, "strict").rc, HTTPC_E_INVALID_FRAMING);
    cr_assert_eq(size_line_n("5;a=\"\x00\"\r\n", 9, 0, "strict").rc, HTTPC_E_INVALID_FRAMING);
    cr_assert_eq(size_line_n("5;a=\"\x00\"\r\n", 9, 0, "py3").rc, 9);
}

/* At most 16 hex digits, leading zeros included: every accepted size fits
 * 64 bits, the strict profile's rule. */
Test(parse_chunked, httpc_parse_chunk_size_strict_16_digits)
{
    size_result r = size_line("ffffffffffffffff\r\n", 0, "strict");
    cr_assert_eq(r.rc, 18);
    cr_assert_eq(r.size, UINT64_MAX);
    r = size_line("000000000000000a;x\r\n", 0, "strict");
    cr_assert_eq(r.rc, 20);
    cr_assert_eq(r.size, 10);
    cr_assert_eq(size_line("10000000000000000\r\n", 0, "strict").rc, HTTPC_E_INVALID_FRAMING);
    cr_assert_eq(size_line("00000000000000005\r\n", 0, "strict").rc, HTTPC_E_INVALID_FRAMING);
    /* the Python profiles take any length and saturate */
    r = size_line("00000000000000005\r\n", 0, "py3");
    cr_assert_eq(r.size, 5);
}

/* readline(_MAXLINE + 1): a line of 65536 bytes, LF included, is read; one
 * byte more is LineTooLong("chunk size"), found without waiting for the LF
 * (observed with CPython 3.11.7: 65533 zeros + "5\r\n" reads, 65534 do not). */
Test(parse_chunked, httpc_parse_chunk_size_line_limit)
{
    size_t n = 70000;
    char *b = malloc(n);
    httpc_chunk_size cs;
    char detail[128];
    memset(b, '0', n);
    for (int k = 0; k < 4; k++) {
        const httpc_profile *p = prof(all_profiles[k]);
        cr_assert_eq(httpc_parse_chunk_size(b, 65536, 0, p, &cs, detail, sizeof detail),
                     HTTPC_E_AGAIN);
        cr_assert_eq(httpc_parse_chunk_size(b, 65537, 0, p, &cs, detail, sizeof detail),
                     HTTPC_E_LINE_TOO_LONG);
        cr_assert_str_eq(detail, "got more than 65536 bytes when reading chunk size");
        cr_assert_eq(httpc_parse_chunk_size(b, 65537, 1, p, &cs, NULL, 0), HTTPC_E_LINE_TOO_LONG);
    }
    /* 65536 bytes at EOF without a LF are a whole line: int() of zeros is 0 */
    cr_assert_eq(httpc_parse_chunk_size(b, 65536, 1, prof("py3"), &cs, NULL, 0), 65536);
    memcpy(b + 65533, "5\r\n", 3);
    for (int k = 0; k < 4; k++) {
        cr_assert_eq(httpc_parse_chunk_size(b, n, 0, prof(all_profiles[k]), &cs, NULL, 0),
                     k == 3 ? HTTPC_E_INVALID_FRAMING : 65536, "%s", all_profiles[k]);
        if (k < 3)
            cr_assert_eq(cs.size, 5);
    }
    memcpy(b + 65533, "05\r\n", 4);
    cr_assert_eq(httpc_parse_chunk_size(b, n, 0, prof("py3"), &cs, NULL, 0), HTTPC_E_LINE_TOO_LONG);
    /* a profile's own limit */
    httpc_profile small = *prof("py3");
    small.max_line = 4;
    cr_assert_eq(httpc_parse_chunk_size("12\r\n", 4, 0, &small, &cs, NULL, 0), 4);
    cr_assert_eq(httpc_parse_chunk_size("123\r\n", 5, 0, &small, &cs, NULL, 0),
                 HTTPC_E_LINE_TOO_LONG);
    free(b);
}

/* ---- httpc_parse_trailers ---------------------------------------------------- */

typedef struct trailer_result {
    ssize_t rc;
    size_t lines;
    char detail[128];
} trailer_result;

static trailer_result trailers_n(const char *s, size_t n, int eof, const char *profile)
{
    trailer_result r = {0};
    char *b = dup_exact(s, n);
    r.lines = 999;
    r.rc = httpc_parse_trailers(b, n, 0, eof, prof(profile), &r.lines, r.detail, sizeof r.detail);
    free(b);
    return r;
}

static trailer_result trailers(const char *s, int eof, const char *profile)
{
    return trailers_n(s, strlen(s), eof, profile);
}

/* _read_and_discard_trailer: Python 3 ends at b'\r\n' or b'\n', 2.7 only at
 * '\r\n'; both end at EOF; any other line is read and dropped. */
Test(parse_chunked, httpc_parse_trailers_endings)
{
    static const struct {
        const char *in;
        int eof;
        ssize_t py3, py27, strict;
    } cases[] = {
        {"\r\nnext", 0, 2, 2, 2},
        {"A: 1\r\nB: 2\r\n\r\nnext", 0, 14, 14, 14},
        {"A: 1\r\nB: 2\n\nnext", 0, 12, HTTPC_E_AGAIN, HTTPC_E_INVALID_HEADER},
        {"A: 1\r\nB: 2\n\nnext", 1, 12, 16, HTTPC_E_INVALID_HEADER},
        {"\nX: y\r\n\r\n", 0, 1, 9, HTTPC_E_INVALID_HEADER},
        {"A: 1\r\n", 0, HTTPC_E_AGAIN, HTTPC_E_AGAIN, HTTPC_E_AGAIN},
        {"A: 1\r\n", 1, 6, 6, HTTPC_E_INCOMPLETE_READ},
        {"A: 1", 1, 4, 4, HTTPC_E_INCOMPLETE_READ},
        {"", 1, 0, 0, HTTPC_E_INCOMPLETE_READ},
        {"", 0, HTTPC_E_AGAIN, HTTPC_E_AGAIN, HTTPC_E_AGAIN},
        {"\r", 0, HTTPC_E_AGAIN, HTTPC_E_AGAIN, HTTPC_E_AGAIN},
        {"\r\r\n\r\n", 0, 5, 5, HTTPC_E_INVALID_HEADER},
        {" folded\r\n\r\n", 0, 11, 11, HTTPC_E_INVALID_HEADER}, /* no field to fold into */
        {"A: 1\r\n folded\r\n\r\n", 0, 17, 17, 17},             /* obs-fold, RFC 9112 5.2 */
        {"A: 1\r\n\t\r\n \t x \r\n\r\n", 0, 18, 18, 18},
        {"A: 1\r\n fo\x01ld\r\n\r\n", 0, 16, 16, HTTPC_E_INVALID_HEADER},
        {"A: 1\r\n folded\n\r\n", 0, 16, 16, HTTPC_E_INVALID_HEADER},
        {"no colon\r\n\r\n", 0, 12, 12, HTTPC_E_INVALID_HEADER},
        {"A : b\r\n\r\n", 0, 9, 9, HTTPC_E_INVALID_HEADER},
        {"A: b\x01\r\n\r\n", 0, 9, 9, HTTPC_E_INVALID_HEADER},
        {"A: b\rc\r\n\r\n", 0, 10, 10, HTTPC_E_INVALID_HEADER},
        {"A:\r\nB:  x  \r\n\r\n", 0, 15, 15, 15},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        trailer_result a = trailers(cases[i].in, cases[i].eof, "py3");
        trailer_result b = trailers(cases[i].in, cases[i].eof, "py27");
        trailer_result c = trailers(cases[i].in, cases[i].eof, "py27-strict");
        trailer_result d = trailers(cases[i].in, cases[i].eof, "strict");
        cr_assert_eq(a.rc, cases[i].py3, "%zu py3", i);
        cr_assert_eq(b.rc, cases[i].py27, "%zu py27", i);
        cr_assert_eq(c.rc, cases[i].py27, "%zu py27-strict", i);
        cr_assert_eq(d.rc, cases[i].strict, "%zu strict: %s", i, d.detail);
    }
    cr_assert_eq(trailers("A: 1\r\nB: 2\r\n\r\n", 0, "py3").lines, 2);
    cr_assert_eq(trailers("A: 1\r\nB: 2\r\n\r\n", 0, "strict").lines, 2);
    cr_assert_eq(trailers("A: 1\r\n 2\r\n\r\n", 0, "strict").lines, 2, "a folded line counts");
    cr_assert_str_eq(trailers(" 2\r\n\r\n", 0, "strict").detail,
                     "whitespace before the first field: b' 2\\r\\n'");
    cr_assert_eq(trailers("A: 1", 1, "py3").lines, 1);
    cr_assert_eq(trailers("\r\n", 0, "py27").lines, 0);
    cr_assert_eq(trailers("A: 1\r\nB: 2\n\n", 1, "py27").lines, 3);
    cr_assert_str_eq(trailers("", 1, "strict").detail, "EOF in the trailer section");
    cr_assert_eq(trailers("A: 1\r\n", 0, "strict").lines, 999, "untouched unless complete");
}

/* No built-in profile bounds the number of trailer lines (CPython does
 * not); a profile with max_trailers (100 here) refuses more, with Python's
 * "got more than" wording and class (HTTPException). */
Test(parse_chunked, httpc_parse_trailers_count_limit)
{
    char *in = malloc(200 * 8 + 3);
    size_t n = 0;
    for (int i = 0; i < 101; i++)
        n += (size_t)sprintf(in + n, "T%03d: v\r\n", i);
    size_t ten = 100 * strlen("T000: v\r\n");
    in[n] = '\r', in[n + 1] = '\n';
    trailer_result a = trailers_n(in, n + 2, 0, "strict-100");
    cr_assert_eq(a.rc, HTTPC_E_HTTP_EXCEPTION);
    cr_assert_str_eq(a.detail, "got more than 100 trailers");
    /* exactly 100 are fine */
    char *hundred = malloc(ten + 2);
    memcpy(hundred, in, ten);
    memcpy(hundred + ten, "\r\n", 2);
    trailer_result b = trailers_n(hundred, ten + 2, 0, "strict-100");
    cr_assert_eq(b.rc, (ssize_t)ten + 2, "%s", b.detail);
    cr_assert_eq(b.lines, 100);
    for (int k = 0; k < 4; k++) {
        trailer_result c = trailers_n(in, n + 2, 0, all_profiles[k]);
        cr_assert_eq(c.rc, (ssize_t)n + 2, "%s", all_profiles[k]);
        cr_assert_eq(c.lines, 101);
    }
    /* a Python profile given a limit applies it too */
    httpc_profile p = *prof("py3");
    size_t lines;
    p.max_trailers = 2;
    cr_assert_eq(httpc_parse_trailers(in, n + 2, 0, 0, &p, &lines, NULL, 0),
                 HTTPC_E_HTTP_EXCEPTION);
    cr_assert_eq(httpc_parse_trailers("A: 1\r\nB: 2\r\n\r\n", 14, 0, 0, &p, &lines, NULL, 0), 14);
    free(in);
    free(hundred);
}

/* Fields that frame the message cannot be processed in the trailer section
 * and a sender must not put them there (RFC 9110 section 6.5.1): strict
 * refuses Content-Length and Transfer-Encoding, whatever their case, with
 * InvalidFraming; CPython reads and drops them like any trailer. Other
 * names, even close ones, are fields like any other. */
Test(parse_chunked, httpc_parse_trailers_strict_framing_fields)
{
    static const struct {
        const char *in;
        int refused;
        const char *detail;
    } cases[] = {
        {"Content-Length: 5\r\n\r\n", 1, "Content-Length in the trailer section"},
        {"transfer-encoding: chunked\r\n\r\n", 1, "transfer-encoding in the trailer section"},
        {"A: 1\r\nCONTENT-LENGTH:5\r\n\r\n", 1, "CONTENT-LENGTH in the trailer section"},
        {"Transfer-Encoding:\r\n\r\n", 1, "Transfer-Encoding in the trailer section"},
        {"Content-Length-X: 5\r\n\r\n", 0, NULL},
        {"X-Content-Length: 5\r\n\r\n", 0, NULL},
        {"Content-Lengt: 5\r\n\r\n", 0, NULL},
        {"Content-Type: text/plain\r\n\r\n", 0, NULL},
        {"Trailer: X\r\n\r\n", 0, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        trailer_result r = trailers(cases[i].in, 0, "strict");
        if (cases[i].refused) {
            cr_assert_eq(r.rc, HTTPC_E_INVALID_FRAMING, "%zu", i);
            cr_assert_str_eq(r.detail, cases[i].detail, "%zu", i);
        } else {
            cr_assert_eq(r.rc, (ssize_t)strlen(cases[i].in), "%zu: %s", i, r.detail);
        }
        for (int k = 0; k < 3; k++)
            cr_assert_eq(trailers(cases[i].in, 0, all_profiles[k]).rc, (ssize_t)strlen(cases[i].in),
                         "%zu %s", i, all_profiles[k]);
    }
    /* A malformed framing field is judged as a field first. */
    cr_assert_eq(trailers("Content-Length : 5\r\n\r\n", 0, "strict").rc, HTTPC_E_INVALID_HEADER);
}

/* A NULL profile is py3, as for the decoder. */
Test(parse_chunked, null_profile_is_py3)
{
    httpc_chunk_size cs;
    cr_assert_eq(httpc_parse_chunk_size("0x_5\r\n", 6, 0, NULL, &cs, NULL, 0), 6);
    cr_assert_eq(cs.size, 5);
    cr_assert_eq(httpc_parse_chunk_size("- 5\r\n", 5, 0, NULL, &cs, NULL, 0),
                 HTTPC_E_INCOMPLETE_READ);
    size_t lines = 0;
    cr_assert_eq(httpc_parse_trailers("A: b\n\n", 6, 0, 0, NULL, &lines, NULL, 0), 6);
    cr_assert_eq(lines, 1);
}

/* LineTooLong("trailer line") past 65536 bytes, LF included (observed with
 * CPython 3.11.7: "A" * 65534 + "\r\n" reads, one more does not). */
Test(parse_chunked, httpc_parse_trailers_line_limit)
{
    size_t n = 65540;
    char *b = malloc(n);
    memset(b, 'A', n);
    memcpy(b + 65534, "\r\n\r\n", 4);
    for (int k = 0; k < 3; k++) {
        trailer_result r = trailers_n(b, 65538, 0, all_profiles[k]);
        cr_assert_eq(r.rc, 65538, "%s", all_profiles[k]);
    }
    cr_assert_eq(trailers_n(b, 65538, 0, "strict").rc, HTTPC_E_INVALID_HEADER); /* no colon */
    memcpy(b, "A:", 2);
    cr_assert_eq(trailers_n(b, 65538, 0, "strict").rc, 65538);
    memset(b, 'A', n);
    memcpy(b + 65535, "\r\n\r\n", 4);
    for (int k = 0; k < 4; k++) {
        trailer_result r = trailers_n(b, 65539, 0, all_profiles[k]);
        cr_assert_eq(r.rc, HTTPC_E_LINE_TOO_LONG, "%s", all_profiles[k]);
        cr_assert_str_eq(r.detail, "got more than 65536 bytes when reading trailer line");
    }
    /* without a LF: too long as soon as 65537 bytes are there, AGAIN before */
    memset(b, 'A', n);
    cr_assert_eq(trailers_n(b, 65536, 0, "py3").rc, HTTPC_E_AGAIN);
    cr_assert_eq(trailers_n(b, 65537, 0, "py3").rc, HTTPC_E_LINE_TOO_LONG);
    cr_assert_eq(trailers_n(b, 65536, 1, "py3").rc, 65536); /* a whole line at EOF */
    free(b);
}

/* last_len: the length of the previous call that returned AGAIN; without a
 * new LF the answer is AGAIN again, unless the pending line grew too long. */
Test(parse_chunked, httpc_parse_trailers_last_len)
{
    size_t n = 70000;
    char *b = malloc(n);
    const httpc_profile *p = prof("py3");
    memset(b, 'A', n);
    memcpy(b, "X: 1\r\nY: ", 9);
    cr_assert_eq(httpc_parse_trailers(b, 20, 0, 0, p, NULL, NULL, 0), HTTPC_E_AGAIN);
    cr_assert_eq(httpc_parse_trailers(b, 30, 20, 0, p, NULL, NULL, 0), HTTPC_E_AGAIN);
    /* the pending line starts at 6: 65536 bytes of it are fine, 65537 not */
    cr_assert_eq(httpc_parse_trailers(b, 6 + 65536, 30, 0, p, NULL, NULL, 0), HTTPC_E_AGAIN);
    cr_assert_eq(httpc_parse_trailers(b, 6 + 65537, 6 + 65536, 0, p, NULL, NULL, 0),
                 HTTPC_E_LINE_TOO_LONG);
    memcpy(b + 40, "\r\n\r\n", 4);
    cr_assert_eq(httpc_parse_trailers(b, 44, 30, 0, p, NULL, NULL, 0), 44);
    free(b);
}

/* ---- the decoder ------------------------------------------------------------- */

typedef struct decoded {
    char *data; /* every data byte, in order */
    size_t len;
    int rc;          /* 0 when done, else the error */
    size_t consumed; /* input consumed when done, or when the error came */
    size_t calls;
} decoded;

#define STUCK (-999) /* AGAIN at EOF, or no progress: never acceptable */

/* 0: decode() feeds with httpc_chunked_feed; n: with httpc_chunked_decode
 * and room for n runs a call. */
static size_t decode_room;

/* One call, either way; the runs of httpc_chunked_decode are checked to lie
 * in order inside the consumed range (never with an error) and are appended
 * to d. */
static ssize_t feed_one(httpc_chunked *c, const char *b, size_t len, int eof, decoded *d)
{
    const char *data = NULL;
    size_t dlen = 99, nruns = decode_room;
    httpc_span runs[64];
    ssize_t k;

    if (decode_room == 0) {
        k = httpc_chunked_feed(c, b, len, eof, &data, &dlen, NULL, 0);
        cr_assert(k < 0 ? dlen == 0 : (data >= b && data + dlen <= b + k),
                  "data outside the consumed range");
        memcpy(d->data + d->len, data, k > 0 ? dlen : 0);
        d->len += k > 0 ? dlen : 0;
        return k;
    }
    k = httpc_chunked_decode(c, b, len, eof, runs, &nruns, NULL, 0);
    cr_assert_leq(nruns, decode_room);
    cr_assert(k > 0 || nruns == 0, "runs with %zd", k);
    for (size_t i = 0; i < nruns; i++) {
        cr_assert(runs[i].len > 0 && runs[i].ptr >= (i ? runs[i - 1].ptr + runs[i - 1].len : b) &&
                      runs[i].ptr + runs[i].len <= b + k,
                  "run %zu outside the consumed range or out of order", i);
        memcpy(d->data + d->len, runs[i].ptr, runs[i].len);
        d->len += runs[i].len;
    }
    return k;
}

/* Feeds in[0..n) as a caller must: the bytes available grow to each cut point
 * in turn, then to n with eof; unconsumed bytes are passed again each time.
 * Checks the contract on every call: the data lies inside the consumed range,
 * and the totals agree. */
static decoded decode(const char *in, size_t n, const char *profile, const size_t *cuts,
                      size_t ncuts)
{
    decoded d = {malloc(n + 1), 0, 0, 0, 0};
    httpc_chunked c;
    size_t start = 0, next = 0;

    httpc_chunked_init(&c, prof(profile));
    for (;;) {
        size_t avail = next < ncuts && cuts[next] < n ? cuts[next] : n;
        if (avail < start)
            avail = start;
        int eof = avail == n;
        char *b = dup_exact(in + start, avail - start);
        const char *data = NULL;
        size_t dlen = 99;
        ssize_t k = feed_one(&c, b, avail - start, eof, &d);
        d.calls++;
        free(b);
        if (k == HTTPC_E_AGAIN || (k == 0 && !httpc_chunked_done(&c))) {
            if (eof) {
                d.rc = STUCK;
                return d;
            }
            next++;
            continue;
        }
        if (k < 0) {
            d.rc = (int)k;
            cr_assert_eq(c.err, d.rc, "errors are sticky");
            cr_assert_leq(c.err_used, avail - start, "took more than it was given");
            d.consumed = start + c.err_used; /* where the error left the stream */
            cr_assert_eq(httpc_chunked_feed(&c, "0\r\n\r\n", 5, 1, &data, &dlen, NULL, 0), k);
            cr_assert_eq(dlen, 0);
            cr_assert_eq(c.err_used, 0, "a later call takes nothing");
            break;
        }
        start += (size_t)k;
        if (httpc_chunked_done(&c)) {
            d.consumed = start;
            break;
        }
    }
    cr_assert_eq(c.total, d.len);
    return d;
}

static decoded decode_whole(const char *in, size_t n, const char *profile)
{
    return decode(in, n, profile, NULL, 0);
}

static void assert_same(decoded a, decoded b, const char *what, size_t at)
{
    cr_assert_eq(a.rc, b.rc, "%s %zu: rc %d vs %d", what, at, a.rc, b.rc);
    cr_assert_eq(a.len, b.len, "%s %zu: %zu data bytes vs %zu", what, at, a.len, b.len);
    cr_assert(memcmp(a.data, b.data, a.len) == 0, "%s %zu: data differs", what, at);
    cr_assert_eq(a.consumed, b.consumed, "%s %zu: consumed", what, at);
}

/* The same data bytes and result whole, with one cut at every point, and fed
 * one byte at a time. Returns the whole decode (caller frees data). */
static decoded every_split(const char *in, size_t n, const char *profile)
{
    char *b = dup_exact(in, n);
    decoded whole = decode_whole(b, n, profile);
    size_t *cuts = malloc((n + 1) * sizeof *cuts);

    cr_assert_neq(whole.rc, STUCK, "%s: stuck", profile);
    for (size_t cut = 0; cut <= n; cut++) {
        decoded d = decode(b, n, profile, &cut, 1);
        assert_same(d, whole, "cut at", cut);
        free(d.data);
    }
    for (size_t i = 0; i <= n; i++)
        cuts[i] = i;
    decoded bytewise = decode(b, n, profile, cuts, n + 1);
    assert_same(bytewise, whole, "byte by byte", 0);
    free(bytewise.data);
    free(cuts);
    free(b);
    return whole;
}

static int class_is(int rc, const char *name)
{
    return name[0] == '\0' ? rc == 0 : (rc < 0 && strcmp(httpc_err_name(rc), name) == 0);
}

/* Every body of the oracle: Python 3's result class and data stream, and
 * httplib 2.7's class (and body when it succeeds) for py27 and py27-strict,
 * which read chunks alike. */
Test(parse_chunked, httpc_chunked_feed_matches_cpython)
{
    for (size_t i = 0; i < NORACLE; i++) {
        const oracle_chunked_case *o = &oracle_chunked_cases[i];
        decoded a = decode_whole(o->body.s, o->body.len, "py3");
        cr_assert(class_is(a.rc, o->py3), "case %zu py3: %s, CPython %s", i, httpc_err_name(a.rc),
                  o->py3);
        cr_assert_eq(a.len, o->stream.len, "case %zu py3 stream", i);
        cr_assert(memcmp(a.data, o->stream.s, a.len) == 0, "case %zu py3 stream", i);
        /* read() in CPython fails allocating a chunk of 2**63 bytes or more
         * (OverflowError); httpc streams it, as read(amt) does. */
        if (strcmp(o->py3_all, "OverflowError") != 0 && strcmp(o->py3_all, "MemoryError") != 0)
            cr_assert(class_is(a.rc, o->py3_all), "case %zu py3 read()", i);
        else
            cr_assert_eq(a.rc, HTTPC_E_INCOMPLETE_READ, "case %zu", i);
        free(a.data);
        for (int k = 0; k < 2; k++) {
            decoded b = decode_whole(o->body.s, o->body.len, all_profiles[k]);
            cr_assert(class_is(b.rc, o->py27), "case %zu %s: %s, httplib %s", i, all_profiles[k],
                      httpc_err_name(b.rc), o->py27);
            if (o->py27_data.s != NULL) {
                cr_assert_eq(b.len, o->py27_data.len, "case %zu %s", i, all_profiles[k]);
                cr_assert(memcmp(b.data, o->py27_data.s, b.len) == 0, "case %zu", i);
            }
            free(b.data);
        }
    }
}

/* Every oracle body in every profile, cut at every point and byte by byte. */
Test(parse_chunked, httpc_chunked_feed_split_invariance)
{
    for (size_t i = 0; i < NORACLE; i++) {
        for (int k = 0; k < 4; k++) {
            decoded d = every_split(oracle_chunked_cases[i].body.s,
                                    oracle_chunked_cases[i].body.len, all_profiles[k]);
            free(d.data);
        }
    }
}

/* httpc_chunked_decode gives the data, the result and the position of
 * httpc_chunked_feed, whatever its room, whole, cut at every point and byte
 * by byte, on every oracle body in every profile. */
Test(parse_chunked, httpc_chunked_decode_same_as_feed)
{
    static const size_t rooms[] = {1, 2, 3, 64};
    for (size_t i = 0; i < NORACLE; i++) {
        const oracle_chunked_case *o = &oracle_chunked_cases[i];
        for (int k = 0; k < 4; k++) {
            decode_room = 0;
            decoded want = decode_whole(o->body.s, o->body.len, all_profiles[k]);
            for (size_t r = 0; r < sizeof rooms / sizeof rooms[0]; r++) {
                decode_room = rooms[r];
                decoded d = every_split(o->body.s, o->body.len, all_profiles[k]);
                assert_same(d, want, "room", rooms[r]);
                free(d.data);
            }
            free(want.data);
        }
    }
    decode_room = 0;
}

/* Many chunks a call, each run in place; the room and max_data end a call
 * right after a run's data, and a bad line after data is the next call's
 * error, counted from that call's input. */
Test(parse_chunked, httpc_chunked_decode_runs)
{
    const char *in = "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
    httpc_chunked c;
    httpc_span runs[4];
    size_t n = 4;
    char detail[128];

    httpc_chunked_init(&c, NULL);
    cr_assert_eq(httpc_chunked_decode(&c, in, 20, 0, runs, &n, NULL, 0), 20);
    cr_assert_eq(n, 2);
    cr_assert(runs[0].ptr == in + 3 && runs[0].len == 3);
    cr_assert(runs[1].ptr == in + 11 && runs[1].len == 2);
    cr_assert(httpc_chunked_done(&c));
    cr_assert_eq(c.total, 5);

    httpc_chunked_init(&c, NULL);
    n = 1; /* the room ends the call after the first chunk's data */
    cr_assert_eq(httpc_chunked_decode(&c, in, 20, 0, runs, &n, NULL, 0), 6);
    cr_assert_eq(n, 1);
    cr_assert_eq(httpc_chunked_phase(&c), HTTPC_CHUNK_TERMINATOR);
    n = 4;
    c.max_data = 1; /* the budget: one byte of the next chunk */
    cr_assert_eq(httpc_chunked_decode(&c, in + 6, 14, 0, runs, &n, NULL, 0), 6);
    cr_assert(n == 1 && runs[0].ptr == in + 11 && runs[0].len == 1);
    cr_assert_eq(c.left, 1);
    n = 0; /* no room: nothing past the data's start */
    c.max_data = UINT64_MAX;
    cr_assert_eq(httpc_chunked_decode(&c, in + 12, 8, 0, runs, &n, NULL, 0), 0);
    cr_assert_eq(n, 0);

    const char *bad = "3\r\nabc\r\nZZ\r\n";
    httpc_chunked_init(&c, NULL);
    n = 4;
    /* after data the call stops at a line that is not plain: the bad line
     * and the terminator before it are the next call's */
    cr_assert_eq(httpc_chunked_decode(&c, bad, 14, 0, runs, &n, detail, sizeof detail), 6);
    cr_assert(n == 1 && runs[0].len == 3);
    cr_assert_eq(c.err, 0);
    n = 4;
    cr_assert_eq(httpc_chunked_decode(&c, bad + 6, 8, 0, runs, &n, detail, sizeof detail),
                 HTTPC_E_INCOMPLETE_READ);
    cr_assert_eq(n, 0);
    cr_assert_eq(c.err_used, 6);
    cr_assert_str_eq(detail, "invalid chunk size line b'ZZ\\r\\n'");

    /* EOF where the data should start: the call that took the size line
     * returns it, the next one says IncompleteRead */
    httpc_chunked_init(&c, NULL);
    n = 4;
    cr_assert_eq(httpc_chunked_decode(&c, "5;x\r\n", 5, 1, runs, &n, detail, sizeof detail), 5);
    cr_assert_eq(n, 0);
    cr_assert_eq(c.err, 0);
    cr_assert_eq(httpc_chunked_phase(&c), HTTPC_CHUNK_DATA);
    n = 4;
    cr_assert_eq(httpc_chunked_decode(&c, "", 0, 1, runs, &n, detail, sizeof detail),
                 HTTPC_E_INCOMPLETE_READ);
    cr_assert_eq(c.err_used, 0);
}

/* Two cuts at every pair of points of a body with extensions and trailers. */
Test(parse_chunked, httpc_chunked_feed_every_pair_of_cuts)
{
    const char *in = "4;a=b\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nT: v\r\n\r\n";
    size_t n = strlen(in);
    for (int k = 0; k < 4; k++) {
        decoded whole = decode_whole(in, n, all_profiles[k]);
        cr_assert_eq(whole.rc, 0);
        cr_assert_eq(whole.len, 23);
        cr_assert(memcmp(whole.data, "Wikipedia in\r\n\r\nchunks.", 23) == 0);
        cr_assert_eq(whole.consumed, n);
        for (size_t i = 0; i <= n; i++) {
            for (size_t j = i; j <= n; j++) {
                size_t cuts[2] = {i, j};
                decoded d = decode(in, n, all_profiles[k], cuts, 2);
                assert_same(d, whole, "cuts", i * 1000 + j);
                free(d.data);
            }
        }
        free(whole.data);
    }
}

typedef struct profile_case {
    const char *body;
    int rc[4]; /* py27, py27-strict, py3, strict */
    const char *data[4];
    const char *why;
} profile_case;

/* Where the profiles part ways, each side shown. Python columns observed
 * with CPython 3.11.7 / 2.7.18 (they are also in oracle_chunked.inc). */
Test(parse_chunked, httpc_chunked_feed_profile_differences)
{
    /* clang-format off */
    enum { IR = HTTPC_E_INCOMPLETE_READ, IF = HTTPC_E_INVALID_FRAMING,
           IH = HTTPC_E_INVALID_HEADER };
    static const profile_case cases[] = {
        {"5\r\nhelloXY0\r\n\r\n", {0, 0, 0, IF}, {"hello", "hello", "hello", "hello"},
         "_safe_read(2) drops any two bytes; strict wants CRLF after the data"},
        {"0x5\r\nhello\r\n0\r\n\r\n", {0, 0, 0, IF}, {"hello", "hello", "hello", ""},
         "int(x, 16) takes a 0x prefix; 1*HEXDIG does not"},
        {"0x_5\r\nhello\r\n0\r\n\r\n", {IR, IR, 0, IF}, {"", "", "hello", ""},
         "PEP 515 underscores are 3.6+"},
        {"-1\r\nXY5\r\nhello\r\n0\r\n\r\n", {0, 0, IR, IF},
         {"hello", "hello", "XY5\r\nhello\r\n0\r\n\r\n", ""},
         "negative size: 2.7 reads nothing, 3.x reads to EOF"},
        {"5 \r\nhello\r\n0\r\n\r\n", {0, 0, 0, IF}, {"hello", "hello", "hello", ""},
         "whitespace after the size without an extension"},
        {"5\nhello\r\n0\r\n\r\n", {0, 0, 0, IF}, {"hello", "hello", "hello", ""},
         "bare LF ends a size line in Python only"},
        {"5;a=\"x\"\r\nhello\r\n0;b\r\n\r\n", {0, 0, 0, 0},
         {"hello", "hello", "hello", "hello"}, "a valid extension, everywhere"},
        {"5;=\r\nhello\r\n0\r\n\r\n", {0, 0, 0, IF}, {"hello", "hello", "hello", ""},
         "Python never looks past the ';'"},
        {"0\r\nA: b\n\n", {0, 0, 0, IH}, {"", "", "", ""}, "bare LF in a trailer"},
        {"0\r\n obs\r\n\r\n", {0, 0, 0, IH}, {"", "", "", ""},
         "a folded line with no trailer field before it"},
        {"5\r\nhello\r\n0\r\nX-T: a\r\n b\r\n\r\n", {0, 0, 0, 0},
         {"hello", "hello", "hello", "hello"},
         "obs-fold after a trailer field: strict unfolds it (RFC 9112 section 5.2)"},
        {"0\r\nX-T: a\r\n \x7f\r\n\r\n", {0, 0, 0, IH}, {"", "", "", ""},
         "a folded trailer line is field content: no CTL"},
        {"0\r\nA: b", {0, 0, 0, IR}, {"", "", "", ""},
         "EOF in the trailers ends them in Python; strict: truncated"},
        {"0\r\n", {0, 0, 0, IR}, {"", "", "", ""}, "EOF instead of the trailer section"},
        {"5\r\nhello\r\n0", {0, 0, 0, IR}, {"hello", "hello", "hello", "hello"},
         "EOF in the last-chunk line"},
        {"10000000000000000\r\nab", {IR, IR, IR, IF}, {"ab", "ab", "ab", ""},
         "17 digits: Python streams until EOF; strict refuses"},
        {"0\r\nContent-Length: 5\r\n\r\n", {0, 0, 0, IF}, {"", "", "", ""},
         "a framing field among the trailers (RFC 9110 section 6.5.1)"},
    };
    /* clang-format on */
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (int k = 0; k < 4; k++) {
            decoded d = every_split(cases[i].body, strlen(cases[i].body), all_profiles[k]);
            cr_assert_eq(d.rc, cases[i].rc[k], "%s: %s gives %s", cases[i].why, all_profiles[k],
                         httpc_err_name(d.rc));
            cr_assert_eq(d.len, strlen(cases[i].data[k]), "%s: %s", cases[i].why, all_profiles[k]);
            cr_assert(memcmp(d.data, cases[i].data[k], d.len) == 0, "%s", cases[i].why);
            free(d.data);
        }
    }
}

/* Python 3 ends the trailers at a lone "\n", 2.7 reads on: what is left for
 * the next response differs (the file position after read(): 4 bytes into
 * the body with CPython 3.11.7, 12 with 2.7.18). */
Test(parse_chunked, httpc_chunked_feed_consumed_after_trailers)
{
    const char *in = "0\r\n\nX: y\r\n\r\nHTTP/1.1 200 OK\r\n";
    size_t n = strlen(in);
    decoded a = decode_whole(in, n, "py3");
    decoded b = decode_whole(in, n, "py27");
    cr_assert_eq(a.rc, 0);
    cr_assert_eq(a.consumed, 4);
    cr_assert_eq(b.rc, 0);
    cr_assert_eq(b.consumed, 12);
    free(a.data);
    free(b.data);
}

/* Trailer lines are consumed one by one, so the caller never holds more than
 * one: 20000 trailers (CPython has no limit) go through a 16-byte window. */
Test(parse_chunked, httpc_chunked_feed_trailers_one_line_at_a_time)
{
    httpc_chunked c;
    const char *data;
    size_t dlen;
    char line[16];
    httpc_chunked_init(&c, prof("py3"));
    cr_assert_eq(httpc_chunked_feed(&c, "0\r\n", 3, 0, &data, &dlen, NULL, 0), 3);
    for (int i = 0; i < 20000; i++) {
        int n = snprintf(line, sizeof line, "T%d: v\r\nT", i);
        cr_assert_eq(httpc_chunked_feed(&c, line, (size_t)n, 0, &data, &dlen, NULL, 0), n - 1);
        cr_assert_not(httpc_chunked_done(&c));
    }
    cr_assert_eq(httpc_chunked_feed(&c, "\r\n", 2, 0, &data, &dlen, NULL, 0), 2);
    cr_assert(httpc_chunked_done(&c));
    /* a profile with a limit counts them */
    httpc_chunked_init(&c, limited());
    cr_assert_eq(httpc_chunked_feed(&c, "0\r\n", 3, 0, &data, &dlen, NULL, 0), 3);
    for (int i = 0; i < 100; i++)
        cr_assert_eq(httpc_chunked_feed(&c, "T: v\r\n", 6, 0, &data, &dlen, NULL, 0), 6);
    char detail[64];
    cr_assert_eq(httpc_chunked_feed(&c, "T: v\r\n", 6, 0, &data, &dlen, detail, sizeof detail),
                 HTTPC_E_HTTP_EXCEPTION);
    cr_assert_str_eq(detail, "got more than 100 trailers");
}

/* No built-in profile counts trailers; a profile with max_trailers stops there. */
Test(parse_chunked, httpc_chunked_trailer_limits_by_profile)
{
    size_t cap = 8192, n;
    char *in = malloc(cap);
    n = (size_t)sprintf(in, "0\r\n");
    for (int i = 0; i < 150; i++)
        n += (size_t)sprintf(in + n, "T%d: v\r\n", i);
    n += (size_t)sprintf(in + n, "\r\n");
    for (int k = 0; k < 5; k++) {
        const char *name = k < 4 ? all_profiles[k] : "strict-100";
        decoded d = decode_whole(in, n, name);
        cr_assert_eq(d.rc, k == 4 ? HTTPC_E_HTTP_EXCEPTION : 0, "%s", name);
        free(d.data);
    }
    free(in);
}

/* LineTooLong from the decoder, for a size line and a trailer line, fed in
 * 1000-byte pieces: found as soon as 65537 bytes of the line are there. */
Test(parse_chunked, httpc_chunked_feed_line_too_long)
{
    size_t n = 3 + 65537 + 5000;
    char *in = malloc(n);
    memset(in, '0', n);
    for (int which = 0; which < 2; which++) {
        if (which == 1)
            memcpy(in, "0\r\n", 3), memset(in + 3, 'A', n - 3);
        for (int k = 0; k < 4; k++) {
            httpc_chunked c;
            const char *data;
            size_t dlen, start = 0, avail = 0;
            char detail[80];
            ssize_t rc = HTTPC_E_AGAIN;
            httpc_chunked_init(&c, prof(all_profiles[k]));
            while (rc == HTTPC_E_AGAIN || rc >= 0) {
                cr_assert_lt(avail, n, "never found");
                avail += 1000;
                rc = httpc_chunked_feed(&c, in + start, avail - start, 0, &data, &dlen, detail,
                                        sizeof detail);
                if (rc >= 0)
                    start += (size_t)rc;
            }
            cr_assert_eq(rc, HTTPC_E_LINE_TOO_LONG, "%s", all_profiles[k]);
            cr_assert_str_eq(detail, which ? "got more than 65536 bytes when reading trailer line"
                                           : "got more than 65536 bytes when reading chunk size");
            cr_assert_geq(avail - start, 65537);
            cr_assert_lt(avail - start, 65537 + 1000);
        }
    }
    free(in);
}

/* A size line of 65536 bytes fed one byte at a time: each byte is scanned
 * once (the decoder remembers how much of the pending line holds no LF), and
 * passing fewer bytes than before does not make it read past them. */
Test(parse_chunked, httpc_chunked_feed_long_line_bytewise)
{
    size_t n = 65536 + 5;
    char *in = malloc(n);
    httpc_chunked c;
    const char *data;
    size_t dlen;
    memset(in, ' ', n);
    memcpy(in, "5;", 2);
    memcpy(in + 65534, "\r\nhello", 7);
    httpc_chunked_init(&c, prof("py3"));
    for (size_t len = 1; len < 65536; len++) {
        char *b = dup_exact(in, len);
        cr_assert_eq(httpc_chunked_feed(&c, b, len, 0, &data, &dlen, NULL, 0), HTTPC_E_AGAIN);
        cr_assert_eq(c._scanned, len, "the next call starts its search at byte %zu", len);
        free(b);
    }
    char *b = dup_exact(in, 3); /* shorter than before: a confused caller */
    cr_assert_eq(httpc_chunked_feed(&c, b, 3, 0, &data, &dlen, NULL, 0), HTTPC_E_AGAIN);
    free(b);
    cr_assert_eq(httpc_chunked_feed(&c, in, n, 0, &data, &dlen, NULL, 0), 65536 + 5);
    cr_assert(data == in + 65536 && dlen == 5 && memcmp(data, "hello", 5) == 0);
    free(in);
}

/* The data is handed out in place, at most one run per call; the call that
 * reads a size line goes on into the chunk's data, up to max_data bytes. */
Test(parse_chunked, httpc_chunked_feed_data_in_place)
{
    const char *in = "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
    httpc_chunked c;
    const char *data;
    size_t dlen;
    httpc_chunked_init(&c, NULL); /* NULL: py3 */
    cr_assert_eq(c._profile, prof("py3"));
    cr_assert_eq(c.max_data, UINT64_MAX);
    cr_assert_eq(strlen(in), 20);
    cr_assert_eq(httpc_chunked_feed(&c, in, 20, 0, &data, &dlen, NULL, 0), 6);
    cr_assert(data == in + 3 && dlen == 3);
    cr_assert_eq(httpc_chunked_phase(&c), HTTPC_CHUNK_TERMINATOR);
    /* max_data 0 stops at the data's start; 1 takes one byte */
    c.max_data = 0;
    cr_assert_eq(httpc_chunked_feed(&c, in + 6, 14, 0, &data, &dlen, NULL, 0), 5);
    cr_assert_eq(dlen, 0);
    cr_assert_eq(httpc_chunked_phase(&c), HTTPC_CHUNK_DATA);
    cr_assert_eq(c.left, 2);
    cr_assert_eq(httpc_chunked_feed(&c, in + 11, 9, 0, &data, &dlen, NULL, 0), 0);
    cr_assert_eq(dlen, 0);
    c.max_data = 1;
    cr_assert_eq(httpc_chunked_feed(&c, in + 11, 9, 0, &data, &dlen, NULL, 0), 1);
    cr_assert(data == in + 11 && dlen == 1);
    cr_assert_eq(c._chunk_got, 1);
    cr_assert_eq(c.left, 1);
    /* a cut inside the data */
    c.max_data = UINT64_MAX;
    cr_assert_eq(httpc_chunked_feed(&c, in + 12, 1, 0, &data, &dlen, NULL, 0), 1);
    cr_assert_eq(c._chunk_got, 2);
    cr_assert_eq(httpc_chunked_feed(&c, in + 13, 7, 0, &data, &dlen, NULL, 0), 7);
    cr_assert(httpc_chunked_done(&c));
    cr_assert_eq(c.total, 5);
    /* once done, nothing more is consumed */
    cr_assert_eq(httpc_chunked_feed(&c, "x", 1, 0, &data, &dlen, NULL, 0), 0);
    cr_assert_eq(dlen, 0);
}

/* Sizes of 2**64 - 1 and beyond stream until EOF, then IncompleteRead. */
Test(parse_chunked, httpc_chunked_feed_huge_size_streams)
{
    size_t n = 1 << 20;
    char *in = malloc(n);
    httpc_chunked c;
    const char *data;
    size_t dlen;
    memset(in, 'x', n);
    httpc_chunked_init(&c, prof("py3"));
    cr_assert_eq(httpc_chunked_feed(&c, "ffffffffffffffffff\r\n", 20, 0, &data, &dlen, NULL, 0),
                 20);
    cr_assert_eq(c.left, UINT64_MAX);
    cr_assert_eq(httpc_chunked_feed(&c, in, n, 0, &data, &dlen, NULL, 0), (ssize_t)n);
    cr_assert_eq(dlen, n);
    cr_assert_eq(c.left, UINT64_MAX - n);
    cr_assert_eq(httpc_chunked_feed(&c, in, 0, 1, &data, &dlen, NULL, 0), HTTPC_E_INCOMPLETE_READ);
    cr_assert_eq(c.total, n);
    free(in);
}

/* Each way the decoder fails, and the detail it gives. */
Test(parse_chunked, httpc_chunked_feed_error_paths)
{
    static const struct {
        const char *in;
        const char *profile;
        int rc;
        const char *detail;
    } cases[] = {
        {"zz\r\n", "py3", HTTPC_E_INCOMPLETE_READ, "invalid chunk size line b'zz\\r\\n'"},
        {"", "py3", HTTPC_E_INCOMPLETE_READ, "invalid chunk size line b''"},
        {"5\r\nhel", "py3", HTTPC_E_INCOMPLETE_READ, "EOF in chunk data"},
        {"5\r\nhello\r", "py27", HTTPC_E_INCOMPLETE_READ, "EOF in chunk terminator"},
        {"-1\r\nab", "py3", HTTPC_E_INCOMPLETE_READ, "EOF in chunk data"},
        {"5\r\nhelloX", "strict", HTTPC_E_INVALID_FRAMING, "chunk data not followed by CRLF"},
        {"5\r\nhello\rX", "strict", HTTPC_E_INVALID_FRAMING, "chunk data not followed by CRLF"},
        {"5\r\nhello\r", "strict", HTTPC_E_INCOMPLETE_READ, "EOF in chunk terminator"},
        {"5x\r\n", "strict", HTTPC_E_INVALID_FRAMING, "invalid chunk size line b'5x\\r\\n'"},
        {"5", "strict", HTTPC_E_INCOMPLETE_READ, "EOF in chunk size line"},
        {"0\r\nA: b\r\n", "strict", HTTPC_E_INCOMPLETE_READ, "EOF in the trailer section"},
        {"0\r\nA : b\r\n\r\n", "strict", HTTPC_E_INVALID_HEADER, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        httpc_chunked c;
        const char *data;
        size_t dlen, off = 0, n = strlen(cases[i].in);
        char detail[96] = "";
        char *b = dup_exact(cases[i].in, n);
        ssize_t rc;
        httpc_chunked_init(&c, prof(cases[i].profile));
        while ((rc = httpc_chunked_feed(&c, b + off, n - off, 1, &data, &dlen, detail,
                                        sizeof detail)) >= 0 &&
               !httpc_chunked_done(&c))
            off += (size_t)rc;
        cr_assert_eq(rc, cases[i].rc, "%zu: %s", i, detail);
        if (cases[i].detail != NULL)
            cr_assert_str_eq(detail, cases[i].detail, "%zu", i);
        else
            cr_assert_neq(detail[0], '\0', "%zu", i);
        free(b);
    }
}

/* resp.c reads these to build IncompleteRead's figures: the phase where
 * the body broke off, and what was left of the chunk or its CRLF. */
Test(parse_chunked, httpc_chunked_state_at_failure)
{
    decoded d;
    httpc_chunked c;
    const char *data;
    size_t dlen;
    httpc_chunked_init(&c, prof("py27"));
    cr_assert_eq(httpc_chunked_feed(&c, "5\r\n", 3, 0, &data, &dlen, NULL, 0), 3);
    cr_assert_eq(httpc_chunked_feed(&c, "hel", 3, 1, &data, &dlen, NULL, 0), 3);
    cr_assert_eq(httpc_chunked_feed(&c, "", 0, 1, &data, &dlen, NULL, 0), HTTPC_E_INCOMPLETE_READ);
    cr_assert_eq(httpc_chunked_phase(&c), HTTPC_CHUNK_DATA);
    cr_assert_eq(c.left, 2);
    cr_assert_eq(c._chunk_got, 3);
    httpc_chunked_init(&c, prof("py27"));
    cr_assert_eq(httpc_chunked_feed(&c, "1\r\n", 3, 0, &data, &dlen, NULL, 0), 3);
    cr_assert_eq(httpc_chunked_feed(&c, "a\r", 2, 1, &data, &dlen, NULL, 0), 1);
    cr_assert_eq(httpc_chunked_feed(&c, "\r", 1, 1, &data, &dlen, NULL, 0),
                 HTTPC_E_INCOMPLETE_READ);
    cr_assert_eq(httpc_chunked_phase(&c), HTTPC_CHUNK_TERMINATOR);
    cr_assert_eq(httpc_chunked_terminator_left(&c), 1);
    httpc_chunked_init(&c, prof("py3"));
    cr_assert_eq(httpc_chunked_feed(&c, "-1\r\n", 4, 0, &data, &dlen, NULL, 0), 4);
    cr_assert_eq(httpc_chunked_phase(&c), HTTPC_CHUNK_TO_EOF);
    cr_assert(c._negative);
    d = decode_whole("-1\r\nXY", 6, "py27");
    cr_assert_eq(d.rc, HTTPC_E_INCOMPLETE_READ);
    cr_assert_eq(d.len, 0);
    free(d.data);
}

/* The phase answers where the next byte goes, at each step of a body with a
 * trailer; the terminator count is nonzero only between data and size. */
Test(parse_chunked, httpc_chunked_phase_each_step)
{
    static const struct {
        const char *in;
        httpc_chunk_phase phase;
        size_t terminator_left;
    } steps[] = {
        {"2\r\n", HTTPC_CHUNK_DATA, 0},        {"a", HTTPC_CHUNK_DATA, 0},
        {"b", HTTPC_CHUNK_TERMINATOR, 2},      {"\r", HTTPC_CHUNK_TERMINATOR, 1},
        {"\n", HTTPC_CHUNK_SIZE, 0},           {"0\r\n", HTTPC_CHUNK_TRAILERS, 0},
        {"T: v\r\n", HTTPC_CHUNK_TRAILERS, 0}, {"\r\n", HTTPC_CHUNK_DONE, 0},
    };
    httpc_chunked c;
    const char *data;
    size_t dlen;
    httpc_chunked_init(&c, prof("strict"));
    cr_assert_eq(httpc_chunked_phase(&c), HTTPC_CHUNK_SIZE);
    cr_assert_eq(httpc_chunked_terminator_left(&c), 0);
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        size_t n = strlen(steps[i].in);
        char *b = dup_exact(steps[i].in, n);
        cr_assert_eq(httpc_chunked_feed(&c, b, n, 0, &data, &dlen, NULL, 0), (ssize_t)n, "%zu", i);
        cr_assert_eq(httpc_chunked_phase(&c), steps[i].phase, "%zu", i);
        cr_assert_eq(httpc_chunked_terminator_left(&c), steps[i].terminator_left, "%zu", i);
        free(b);
    }
    cr_assert(httpc_chunked_done(&c));
}
