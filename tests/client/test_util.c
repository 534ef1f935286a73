/* SPDX-License-Identifier: MIT */
/* Tests of client/src/parse/util.c: Python's whitespace classes and repr(), the
 * detail writer, span comparisons, readline() limits and the tchar table.
 * Expected reprs were printed by CPython 3.11.7. */
#include "internal.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

/* An exact-size heap copy, so ASan sees any read past the end. */
static char *dup_exact(const char *s, size_t n)
{
    char *p = malloc(n ? n : 1);
    cr_assert_not_null(p);
    memcpy(p, s, n);
    return p;
}

static void repr_is(const char *in, size_t n, int as_bytes, const char *want)
{
    char *s = dup_exact(in, n);
    char out[128];
    size_t full = httpc__py_repr(out, sizeof out, s, n, as_bytes);

    cr_assert_str_eq(out, want, "repr of %zu bytes (bytes=%d)", n, as_bytes);
    cr_assert_eq(full, strlen(want));
    free(s);
}

Test(util, httpc__detail_formats_and_truncates)
{
    char d[8];

    httpc__detail(d, sizeof d, "%s %d", "abc", 12345);
    cr_assert_str_eq(d, "abc 123");
    httpc__detail(d, 1, "xyz");
    cr_assert_str_eq(d, "");
    httpc__detail(NULL, 10, "no crash");
    d[0] = 'q';
    httpc__detail(d, 0, "untouched");
    cr_assert_eq(d[0], 'q');
}

Test(util, httpc__py_repr_quotes_like_python)
{
    repr_is("", 0, 0, "''");
    repr_is("", 0, 1, "b''");
    repr_is("abc", 3, 0, "'abc'");
    repr_is("it's", 4, 0, "\"it's\"");
    repr_is("it's", 4, 1, "b\"it's\"");
    repr_is("say \"hi\"", 8, 0, "'say \"hi\"'");
    repr_is("both ' and \"", 12, 0, "'both \\' and \"'");
    repr_is("\\", 1, 0, "'\\\\'");
}

Test(util, httpc__py_repr_escapes_str_as_latin1)
{
    /* repr(b'\t\n\r\x00\x1f\x7f\x80\x85\xa0\xa1\xad\xe9\xff'.decode('latin-1')),
     * printable Latin-1 written as UTF-8. */
    repr_is("\t\n\r\0\x1f\x7f\x80\x85\xa0\xa1\xad\xe9\xff", 13, 0,
            "'\\t\\n\\r\\x00\\x1f\\x7f\\x80\\x85\\xa0\xc2\xa1\\xad\xc3\xa9\xc3\xbf'");
}

Test(util, httpc__py_repr_escapes_bytes)
{
    repr_is("\t\n\r\0\x1f\x7f\x80\x85\xa0\xa1\xad\xe9\xff", 13, 1,
            "b'\\t\\n\\r\\x00\\x1f\\x7f\\x80\\x85\\xa0\\xa1\\xad\\xe9\\xff'");
}

Test(util, httpc__py_repr_truncates_and_returns_full_length)
{
    char out[5];
    size_t full = httpc__py_repr(out, sizeof out, "abcdef", 6, 0);

    cr_assert_eq(full, 8);
    cr_assert_str_eq(out, "'abc");
    cr_assert_eq(httpc__py_repr(NULL, 0, "\xe9", 1, 0), 4);
    cr_assert_eq(httpc__py_repr(NULL, 0, "\xe9", 1, 1), 7);
}

/* str.isspace() over chr(0..255), observed with CPython 3.11.7. */
Test(util, httpc__py_isspace_str_matches_python)
{
    for (int c = 0; c < 256; c++) {
        int want = (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x20) || c == 0x85 || c == 0xa0;
        cr_assert_eq(!!httpc__py_isspace_str((unsigned char)c), want, "char %#x", c);
    }
}

Test(util, httpc__py_isspace_bytes_matches_python)
{
    for (int c = 0; c < 256; c++) {
        int want = (c >= 9 && c <= 13) || c == 0x20;
        cr_assert_eq(!!httpc__py_isspace_bytes((unsigned char)c), want, "byte %#x", c);
    }
}

Test(util, httpc__span_ieq_is_ascii_case_insensitive)
{
    char *s = dup_exact("Content-LENGTH", 14);
    httpc_span sp = {s, 14};

    cr_assert(httpc__span_ieq(sp, "content-length"));
    cr_assert(httpc__span_ieq(sp, "CONTENT-length"));
    cr_assert_not(httpc__span_ieq(sp, "content-lengt"));
    cr_assert_not(httpc__span_ieq(sp, "content-lengthx"));
    cr_assert_not(httpc__span_ieq(sp, "content_length"));
    cr_assert(httpc__span_ieq((httpc_span){NULL, 0}, ""));
    free(s);
    /* Only ASCII folds: 0xc9 and 0xe9 differ, as in str.lower() for names. */
    s = dup_exact("\xc9", 1);
    cr_assert_not(httpc__span_ieq((httpc_span){s, 1}, "\xe9"));
    free(s);
}

Test(util, httpc__span_icontains_finds_any_case)
{
    char *s = dup_exact("Keep-Alive, CLOSE", 17);
    httpc_span sp = {s, 17};

    cr_assert(httpc__span_icontains(sp, "close"));
    cr_assert(httpc__span_icontains(sp, "keep-alive"));
    cr_assert(httpc__span_icontains(sp, ""));
    cr_assert_not(httpc__span_icontains(sp, "closed"));
    cr_assert_not(httpc__span_icontains((httpc_span){s, 4}, "keep-"));
    free(s);
}

/* readline(_MAXLINE + 1) and the "len(line) > _MAXLINE" test. */
Test(util, httpc__readline_limits)
{
    size_t n = 0, max = 8;
    char *s = dup_exact("1234567\n", 8);

    cr_assert_eq(httpc__readline(s, 8, 0, max, &n), 0);
    cr_assert_eq(n, 8);
    cr_assert_eq(httpc__readline(s, 7, 0, max, &n), HTTPC_E_AGAIN);
    cr_assert_eq(httpc__readline(s, 7, 1, max, &n), 0);
    cr_assert_eq(n, 7);
    cr_assert_eq(httpc__readline(s, 0, 1, max, &n), 0);
    cr_assert_eq(n, 0);
    free(s);
    s = dup_exact("12345678\n", 9); /* 9 bytes with "\n": too long */
    cr_assert_eq(httpc__readline(s, 9, 0, max, &n), HTTPC_E_LINE_TOO_LONG);
    cr_assert_eq(httpc__readline(s, 8, 0, max, &n), HTTPC_E_AGAIN);
    cr_assert_eq(httpc__readline(s, 8, 1, max, &n), 0);
    free(s);
    s = dup_exact("123456789", 9); /* found without waiting for the newline */
    cr_assert_eq(httpc__readline(s, 9, 0, max, &n), HTTPC_E_LINE_TOO_LONG);
    free(s);
}

/* A profile may lift the limit with SIZE_MAX: no overflow in max_line + 1. */
Test(util, httpc__readline_unbounded)
{
    size_t n = 0;
    char *s = dup_exact("abc\ndef", 7);

    cr_assert_eq(httpc__readline(s, 7, 0, SIZE_MAX, &n), 0);
    cr_assert_eq(n, 4);
    cr_assert_eq(httpc__readline(s + 4, 3, 0, SIZE_MAX, &n), HTTPC_E_AGAIN);
    cr_assert_eq(httpc__readline(s + 4, 3, 1, SIZE_MAX, &n), 0);
    cr_assert_eq(n, 3);
    free(s);
}

Test(util, httpc__tchar_is_rfc9110_token)
{
    const char *t = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz"
                    "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    for (int c = 0; c < 256; c++) {
        int want = c != 0 && strchr(t, c) != NULL;
        cr_assert_eq(!!httpc__tchar[c], want, "char %#x", c);
    }
}
