/* SPDX-License-Identifier: MIT */
/* Python's int(s) and int(s, 16), reproduced because http.client parses the
 * status code, Content-Length and chunk sizes with them, and their leniency
 * (signs, '_' separators, "0x" prefixes, whitespace) decides outcomes. */
#include "internal.h"

/* Whitespace int() strips. CPython 3 maps non-ASCII Unicode spaces (0x85,
 * 0xa0 in Latin-1) to ' ' for str input, but leaves ASCII 0x1c-0x1f alone, so
 * int('5\x1c') fails while int('5\xa0') == 5 (observed, CPython 3.11.7). The
 * chunk size is bytes, so base 16 gets the ASCII set only; Python 2's int()
 * uses C isspace() on bytes. */
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

/* Digits with single '_' between them (3.6+), saturating at UINT64_MAX. */
static int parse_digits(const unsigned char *s, size_t len, int base, int allow_us,
                        uint64_t *out)
{
    uint64_t v = 0;
    int prev_digit = 0;

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
    }
    if (!prev_digit)
        return HTTPC_E_VALUE_ERROR;
    *out = v;
    return 0;
}

int httpc_py_int(const char *str, size_t len, int base, const httpc_profile *p,
                 uint64_t *out, int *negative)
{
    const unsigned char *s = (const unsigned char *)str;
    int neg = 0, after_prefix = 0;

    if (p == NULL)
        p = httpc_profile_get(HTTPC_PROFILE_PY3);
    while (len > 0 && int_space(s[0], base, p))
        s++, len--;
    while (len > 0 && int_space(s[len - 1], base, p))
        len--;
    if (len > 0 && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        s++, len--;
        /* Python 2 allowed blanks between the sign and the digits. */
        while (p->py27 && len > 0 && int_space(s[0], base, p))
            s++, len--;
    }
    if (base == 16 && len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2, len -= 2;
        after_prefix = 1;
    }
    /* After a prefix Python 3 accepts one '_' before the first digit ("0x_1f"). */
    if (after_prefix && !p->py27 && len > 0 && s[0] == '_') {
        s++, len--;
        if (len > 0 && s[0] == '_')
            return HTTPC_E_VALUE_ERROR;
    }
    int rc = parse_digits(s, len, base, !p->py27, out);
    if (rc < 0)
        return rc;
    if (negative)
        *negative = neg && *out != 0;
    return 0;
}
