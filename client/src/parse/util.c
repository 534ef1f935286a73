/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the parsers and the client: Python's notions of
 * whitespace and repr(), and detail messages. No allocation, no I/O. */
#include "internal.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

void httpc__detail(char *detail, size_t cap, const char *fmt, ...)
{
    va_list ap;

    if (detail == NULL || cap == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(detail, cap, fmt, ap);
    va_end(ap);
}

/* str.isspace() over ISO-8859-1: Py_UNICODE_ISSPACE is true for 0x09-0x0d,
 * 0x1c-0x20, 0x85 and 0xa0 in that range (observed with CPython 3.11). */
int httpc__py_isspace_str(unsigned char c)
{
    return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) || c == 0x85 || c == 0xa0;
}

/* bytes.isspace(): Py_ISSPACE, ASCII only. */
int httpc__py_isspace_bytes(unsigned char c)
{
    return c == ' ' || (c >= 0x09 && c <= 0x0d);
}

#define ONES 0x0101010101010101ULL

/* ASCII lower case of every octet (the others map to themselves). */
/* clang-format off */
static const unsigned char lower[256] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
    0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
    0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
    0x40, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
    0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
    0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
    0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f,
    0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f,
    0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f,
    0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
    0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
    0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf,
    0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf,
    0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef,
    0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff,
};
/* clang-format on */

/* Whether eight octets of x and y are equal but for the case of letters:
 * every octet that differs must differ by 0x20 alone, and be a letter, that
 * is below 0x80 with x | 0x20 in 'a'..'z' (the sums cannot carry between
 * octets, each staying below 0x100). */
static inline int ieq8(uint64_t x, uint64_t y)
{
    uint64_t d = x ^ y;

    if (d == 0)
        return 1;
    if (d & ~(ONES * 0x20))
        return 0;
    uint64_t h = (x | ONES * 0x20) & (ONES * 0x7f);
    uint64_t letter = ((h + ONES * (0x80 - 'a')) ^ (h + ONES * (0x7f - 'z'))) & ~x & (ONES * 0x80);
    return ((d << 2) & ~letter) == 0;
}

/* ASCII case-insensitive equality of two n-octet strings: octets equal, or
 * letters that differ only in case. */
int httpc__ieq(const char *a, const char *b, size_t n)
{
    if (n >= 8) { /* names are mostly longer: eight octets a word */
        uint64_t x, y;
        for (size_t i = 0; i + 8 <= n; i += 8) {
            memcpy(&x, a + i, 8), memcpy(&y, b + i, 8);
            if (!ieq8(x, y))
                return 0;
        }
        memcpy(&x, a + n - 8, 8), memcpy(&y, b + n - 8, 8); /* the tail, overlapping */
        return ieq8(x, y);
    }
    for (size_t i = 0; i < n; i++)
        if (lower[(unsigned char)a[i]] != lower[(unsigned char)b[i]])
            return 0;
    return 1;
}

int httpc__span_ieq(httpc_span s, const char *z)
{
    size_t n = strlen(z);

    return n == s.len && httpc__ieq(s.ptr, z, n);
}

int httpc__list_has(httpc_span list, const char *option)
{
    while (list.len > 0) {
        const char *comma = memchr(list.ptr, ',', list.len);
        size_t k = comma ? (size_t)(comma - list.ptr) : list.len;
        httpc_span t = {list.ptr, k};
        while (t.len > 0 && (t.ptr[0] == ' ' || t.ptr[0] == '\t'))
            t.ptr++, t.len--;
        while (t.len > 0 && (t.ptr[t.len - 1] == ' ' || t.ptr[t.len - 1] == '\t'))
            t.len--;
        if (httpc__span_ieq(t, option))
            return 1;
        list.ptr += k + (comma != NULL);
        list.len -= k + (comma != NULL);
    }
    return 0;
}

int httpc__span_icontains(httpc_span s, const char *needle)
{
    size_t n = strlen(needle);

    if (n == 0)
        return 1;
    for (size_t i = 0; i + n <= s.len; i++) {
        size_t j = 0;
        while (j < n &&
               lower[(unsigned char)s.ptr[i + j]] == lower[(unsigned char)needle[j]])
            j++;
        if (j == n)
            return 1;
    }
    return 0;
}

/* Appends one character to the repr being built, counting what does not fit. */
static void put(char *out, size_t cap, size_t *n, char c)
{
    if (*n + 1 < cap)
        out[*n] = c;
    (*n)++;
}

static void put_escape(char *out, size_t cap, size_t *n, unsigned char c, int as_bytes)
{
    static const char hex[] = "0123456789abcdef";

    switch (c) {
    case '\t':
        put(out, cap, n, '\\');
        put(out, cap, n, 't');
        return;
    case '\n':
        put(out, cap, n, '\\');
        put(out, cap, n, 'n');
        return;
    case '\r':
        put(out, cap, n, '\\');
        put(out, cap, n, 'r');
        return;
    case '\\':
        put(out, cap, n, '\\');
        put(out, cap, n, '\\');
        return;
    default:
        break;
    }
    /* str repr prints printable Latin-1 (0xa1-0xff except 0xad) as is, and
     * emits them here as their UTF-8 encoding; bytes repr escapes all >= 0x7f. */
    if (c >= 0x20 && c < 0x7f) {
        put(out, cap, n, (char)c);
    } else if (!as_bytes && c >= 0xa1 && c != 0xad) {
        put(out, cap, n, (char)(0xc0 | (c >> 6)));
        put(out, cap, n, (char)(0x80 | (c & 0x3f)));
    } else {
        put(out, cap, n, '\\');
        put(out, cap, n, 'x');
        put(out, cap, n, hex[c >> 4]);
        put(out, cap, n, hex[c & 15]);
    }
}

/* Python's repr chooses single quotes unless the text has a single quote and
 * no double quote. */
size_t httpc__py_repr(char *out, size_t cap, const char *s, size_t len, int as_bytes)
{
    size_t n = 0;
    int has_sq = len > 0 && memchr(s, '\'', len) != NULL;
    int has_dq = len > 0 && memchr(s, '"', len) != NULL;
    char q = (has_sq && !has_dq) ? '"' : '\'';

    if (as_bytes)
        put(out, cap, &n, 'b');
    put(out, cap, &n, q);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == (unsigned char)q) {
            put(out, cap, &n, '\\');
            put(out, cap, &n, q);
        } else {
            put_escape(out, cap, &n, c, as_bytes);
        }
    }
    put(out, cap, &n, q);
    if (cap > 0)
        out[n < cap ? n : cap - 1] = '\0';
    return n;
}

int httpc__readline(const char *buf, size_t len, int eof, size_t max_line, size_t *line_len)
{
    size_t window = max_line < len ? max_line + 1 : len; /* no overflow at SIZE_MAX */
    const char *nl = memchr(buf, '\n', window);

    if (nl != NULL) {
        *line_len = (size_t)(nl - buf) + 1;
        return *line_len > max_line ? HTTPC_E_LINE_TOO_LONG : 0;
    }
    if (len > max_line)
        return HTTPC_E_LINE_TOO_LONG;
    if (!eof)
        return HTTPC_E_AGAIN;
    *line_len = len;
    return 0;
}

/* tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
 *         "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA   (RFC 9110 5.6.2) */
/* clang-format off */
#define T1(c) [c] = 1
const unsigned char httpc__tchar[256] = {
    T1('!'), T1('#'), T1('$'), T1('%'), T1('&'), T1('\''), T1('*'), T1('+'), T1('-'),
    T1('.'), T1('^'), T1('_'), T1('`'), T1('|'), T1('~'),
    T1('0'), T1('1'), T1('2'), T1('3'), T1('4'), T1('5'), T1('6'), T1('7'), T1('8'), T1('9'),
    T1('A'), T1('B'), T1('C'), T1('D'), T1('E'), T1('F'), T1('G'), T1('H'), T1('I'), T1('J'),
    T1('K'), T1('L'), T1('M'), T1('N'), T1('O'), T1('P'), T1('Q'), T1('R'), T1('S'), T1('T'),
    T1('U'), T1('V'), T1('W'), T1('X'), T1('Y'), T1('Z'),
    T1('a'), T1('b'), T1('c'), T1('d'), T1('e'), T1('f'), T1('g'), T1('h'), T1('i'), T1('j'),
    T1('k'), T1('l'), T1('m'), T1('n'), T1('o'), T1('p'), T1('q'), T1('r'), T1('s'), T1('t'),
    T1('u'), T1('v'), T1('w'), T1('x'), T1('y'), T1('z'),
};
#undef T1
/* clang-format on */
