/* SPDX-License-Identifier: MIT */
/* Internal helpers shared by the parsers and the client (prefix httpc__).
 * Nothing here is public API; the parsers may use only the parts that do not
 * allocate or do I/O, which is all of this file. */
#ifndef HTTPC_INTERNAL_H
#define HTTPC_INTERNAL_H

#include "httpc.h"

#include <stdarg.h>

#if defined(__GNUC__)
#define HTTPC__PRINTF(a, b) __attribute__((format(printf, a, b)))
#define HTTPC__LIKELY(x) __builtin_expect(!!(x), 1)
#define HTTPC__UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define HTTPC__PRINTF(a, b)
#define HTTPC__LIKELY(x) (x)
#define HTTPC__UNLIKELY(x) (x)
#endif

/* Writes a NUL-terminated, truncated message into detail[0..cap) when detail
 * is not NULL and cap > 0. */
/* The built-in profiles (profile.c), indexed by httpc_profile_id: the
 * parsers' default without a call, so their fast paths stay call-free. */
extern const httpc_profile httpc__profiles[HTTPC_PROFILE__COUNT];
#define HTTPC__DEFAULT_PROFILE (&httpc__profiles[HTTPC_PROFILE_PY3])

void httpc__detail(char *detail, size_t cap, const char *fmt, ...) HTTPC__PRINTF(3, 4);

/* Python's repr() of a value, written NUL-terminated and truncated into
 * out[0..cap): as_bytes = 1 gives repr(b"...") (bytes), 0 gives repr() of the
 * str decoded as ISO-8859-1. Returns the length of the full repr. */
size_t httpc__py_repr(char *out, size_t cap, const char *s, size_t len, int as_bytes);

/* str.isspace() for a character of a str decoded as ISO-8859-1
 * (\t\n\v\f\r, \x1c-\x1f, space, \x85, \xa0). */
int httpc__py_isspace_str(unsigned char c);
/* bytes.isspace(): \t\n\v\f\r and space. */
int httpc__py_isspace_bytes(unsigned char c);

/* ASCII case-insensitive comparison of a span with a NUL-terminated string. */
/* ASCII case-insensitive equality of a[0..n) and b[0..n): letters fold,
 * nothing else does (str.lower() on the octets a header name can hold). */
int httpc__ieq(const char *a, const char *b, size_t n);
int httpc__span_ieq(httpc_span s, const char *z);
/* Nonzero when the comma-separated list (RFC 9110 section 5.6.1: elements
 * with OWS around them, empty ones allowed) has the element `option`, ASCII
 * case-insensitively (a Connection option). */
int httpc__list_has(httpc_span list, const char *option);
/* Nonzero when `needle` occurs in the span, ASCII case-insensitively
 * ("close" in conn.lower()). */
int httpc__span_icontains(httpc_span s, const char *needle);

/* l[0..n) is a bare line end, b'\r\n' or b'\n': what ends a header block,
 * a trailer section and a CONNECT reply's head for both Pythons (2.7's
 * tunnel reading takes only b'\r\n'), and what may follow a chunk size. */
static inline int httpc__is_eol(const char *l, size_t n)
{
    return (n == 1 && l[0] == '\n') || (n == 2 && l[0] == '\r' && l[1] == '\n');
}

/* Python's fp.readline(max_line + 1) over buf[0..len): sets *line_len to the
 * length of the first line, terminator ("\n") included. At eof a last line
 * without terminator is complete (and len == 0 gives an empty line).
 * Returns 0, HTTPC_E_AGAIN, or HTTPC_E_LINE_TOO_LONG when the line is longer
 * than max_line bytes (found without waiting for its end). */
int httpc__readline(const char *buf, size_t len, int eof, size_t max_line, size_t *line_len);

/* The strict profile's obs-fold line (RFC 9112 section 5.2), shared by the
 * header and trailer parsers: l[0..n) starts with SP or HTAB and continues
 * the field before it. It must end with CRLF and hold no CTL but HTAB;
 * *piece is its content without OWS (empty for a line of whitespace).
 * Returns 0 or HTTPC_E_INVALID_HEADER with the line in detail. */
int httpc__strict_fold(const char *l, size_t n, httpc_span *piece, char *detail, size_t cap);

/* 256-entry table: nonzero for RFC 9110 tchar (token characters). */
extern const unsigned char httpc__tchar[256];

/* msg.getheader(name) over a parsed block (framing.c): the values of every
 * field called name[0..name_len) joined with ", ", and each py27
 * continuation entry after one appended as "\n " + its value; as much as fits
 * is written to buf[0..cap) (not terminated). Returns the joined length and
 * sets *found to whether any such field exists. */
size_t httpc__headers_join(const httpc_header *h, size_t n, const char *name, size_t name_len,
                           char *buf, size_t cap, int *found);

/* After a call of httpc_chunked_decode on `in` that returned more than
 * `keep` runs (keep >= 1), the decoder as that call would have left it with
 * room for `keep` (right after run keep - 1, which ended its chunk), given
 * c->total and c->_chunk_got from before the call and whether it began in
 * a chunk's data. Returns the bytes of `in` such a call consumes. For a
 * caller whose consumer stopped before the last run. */
size_t httpc__chunked_rewind(httpc_chunked *c, const char *in, const httpc_span *runs, size_t keep,
                             uint64_t total, uint64_t chunk_got, int began_in_data);

#endif /* HTTPC_INTERNAL_H */
