/* SPDX-License-Identifier: MIT */
/* Python's int(s) and int(s, 16), reproduced because http.client parses the
 * status code, Content-Length and chunk sizes with them, and their leniency
 * (signs, '_' separators, "0x" prefixes, whitespace) decides outcomes. */
#include "internal.h"

/* Which input type each base stands for: http.client gives int() the status
 * code and Content-Length as str (the line decoded as ISO-8859-1) and the
 * chunk size as bytes, so base 10 follows int(str) and base 16 int(bytes, 16).
 *
 * Whitespace int() strips. For str, CPython 3 first maps non-ASCII Unicode
 * spaces (0x85, 0xa0 in Latin-1) to ' ' (_PyUnicode_TransformDecimalAndSpace-
 * ToASCII) and then strips only ASCII Py_ISSPACE, so 0x1c-0x1f stay although
 * str.isspace() is true for them: int('5\x1c') fails while int('5\xa0') == 5
 * (observed, CPython 3.11.7). bytes get the ASCII set only; Python 2's int()
 * uses C isspace() on its byte strings, the same set. */
static int int_space(unsigned char c, int base, const httpc_profile *p)
{
    if (httpc__py_isspace_bytes(c))
        return 1;
    return !p->py27 && base == 10 && (c == 0x85 || c == 0xa0);
}

static int digit_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return 99;
}

/* sys.int_max_str_digits (3.11+, CVE-2020-10735): int() of a str or bytes
 * with more digits than this in a base that is not a power of two raises
 * ValueError. Leading zeros count, '_' separators do not (observed, CPython
 * 3.11.7). It decides whether a long Content-Length is a length or None. */
#define PY3_MAX_STR_DIGITS 4300

/* Digits with single '_' between them (3.6+), saturating at UINT64_MAX.
 * max_digits 0 means no limit. */
static int parse_digits(const unsigned char *s, size_t len, int base, int allow_us,
                        size_t max_digits, uint64_t *out)
{
    uint64_t v = 0;
    int prev_digit = 0;
    size_t ndigits = 0;

    for (size_t i = 0; i < len; i++) {
        if (s[i] == '_' && allow_us && prev_digit) {
            prev_digit = 0;
            continue;
        }
        int d = digit_value(s[i]);
        if (d >= base)
            return HTTPC_E_VALUE_ERROR;
        if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
            v = UINT64_MAX;
        else
            v = v * (uint64_t)base + (uint64_t)d;
        prev_digit = 1;
        ndigits++;
    }
    if (!prev_digit || (max_digits && ndigits > max_digits))
        return HTTPC_E_VALUE_ERROR;
    *out = v;
    return 0;
}

/* The sign, and in Python 2 the blanks it allows after it ("- 1" == -1).
 * Returns 1 for a minus sign. */
static int take_sign(const unsigned char **s, size_t *len, int base, const httpc_profile *p)
{
    int neg = 0;

    if (*len > 0 && (**s == '+' || **s == '-')) {
        neg = **s == '-';
        (*s)++, (*len)--;
        while (p->py27 && *len > 0 && int_space(**s, base, p))
            (*s)++, (*len)--;
    }
    return neg;
}

/* "0x"/"0X" in base 16, and in Python 3 one '_' after it ("0x_1f" == 31),
 * as PEP 515 allows an underscore after a base specifier. */
static void take_prefix(const unsigned char **s, size_t *len, const httpc_profile *p)
{
    if (*len >= 2 && (*s)[0] == '0' && ((*s)[1] == 'x' || (*s)[1] == 'X')) {
        *s += 2, *len -= 2;
        if (p->int_underscores && *len > 0 && **s == '_')
            (*s)++, (*len)--;
    }
}

int httpc_py_int(const char *str, size_t len, int base, const httpc_profile *p, uint64_t *out,
                 int *negative)
{
    const unsigned char *s = (const unsigned char *)str;
    uint64_t v = 0;
    size_t max_digits;
    int neg, rc;

    if (base != 10 && base != 16)
        return HTTPC_E_VALUE_ERROR;
    if (p == NULL)
        p = httpc_profile_get(HTTPC_PROFILE_PY3);
    while (len > 0 && int_space(s[0], base, p))
        s++, len--;
    while (len > 0 && int_space(s[len - 1], base, p))
        len--;
    neg = take_sign(&s, &len, base, p);
    if (base == 16)
        take_prefix(&s, &len, p);
    /* A second '_' after the prefix ("0x__1") fails in parse_digits, which
     * refuses '_' that does not follow a digit. */
    max_digits = base == 10 ? (size_t)p->int_max_digits : 0;
    rc = parse_digits(s, len, base, p->int_underscores, max_digits, &v);
    if (rc < 0)
        return rc;
    *out = v;
    if (negative)
        *negative = neg && v != 0;
    return 0;
}
