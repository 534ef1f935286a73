/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the parsers and the client: Python's notions of
 * whitespace and repr(), and detail messages. No allocation, no I/O. */
#include "internal.h"

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

static unsigned char ascii_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

int httpc__span_ieq(httpc_span s, const char *z)
{
    size_t n = strlen(z);

    if (n != s.len)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (ascii_lower((unsigned char)s.ptr[i]) != ascii_lower((unsigned char)z[i]))
            return 0;
    return 1;
}

int httpc__span_icontains(httpc_span s, const char *needle)
{
    size_t n = strlen(needle);

    if (n == 0)
        return 1;
    for (size_t i = 0; i + n <= s.len; i++) {
        size_t j = 0;
        while (j < n &&
               ascii_lower((unsigned char)s.ptr[i + j]) == ascii_lower((unsigned char)needle[j]))
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
