/* SPDX-License-Identifier: MIT */
/* The status-line parser: HTTPResponse._read_status and the version part of
 * begin(), as httplib 2.7 and CPython 3.11 run them, plus the RFC 9112
 * section 4 grammar for the strict profile. Pure: no I/O, no allocation. */
#include "internal.h"
#include "scan.h"

#include <stdint.h>
#include <string.h>

/* Whitespace of line.split() and reason.strip(). CPython 3 decodes the line
 * as ISO-8859-1 and uses str.isspace (which adds \x1c-\x1f, \x85, \xa0);
 * Python 2 splits the byte string with the C locale's isspace. */
/* clang-format off */
#define WS_STR 1
#define WS_BYTES 2
static const unsigned char ws_table[256] = {
    ['\t'] = 3, ['\n'] = 3, ['\v'] = 3, ['\f'] = 3, ['\r'] = 3, [' '] = 3,
    [0x1c] = 1, [0x1d] = 1, [0x1e] = 1, [0x1f] = 1, [0x85] = 1, [0xa0] = 1,
};
/* clang-format on */

typedef struct line_parts {
    httpc_span version; /* empty when split() found fewer than two fields */
    httpc_span status;
    httpc_span reason; /* not stripped yet */
} line_parts;

static size_t skip_ws(const unsigned char *s, size_t i, size_t n, unsigned mask)
{
    while (i < n && (ws_table[s[i]] & mask))
        i++;
    return i;
}

static size_t skip_word(const unsigned char *s, size_t i, size_t n, unsigned mask)
{
    while (i < n && !(ws_table[s[i]] & mask))
        i++;
    return i;
}

/* version, status, reason = line.split(None, 2), falling back to
 * version, status = line.split(None, 1) with reason = "", and to version = ""
 * when even that fails. The one-split fallback keeps trailing whitespace in
 * the status ("200 \r\n"), which int() must then accept. */
static void split_line(const char *buf, size_t n, unsigned mask, line_parts *lp)
{
    const unsigned char *s = (const unsigned char *)buf;
    size_t a1 = skip_ws(s, 0, n, mask), b1 = skip_word(s, a1, n, mask);
    size_t a2 = skip_ws(s, b1, n, mask), b2 = skip_word(s, a2, n, mask);
    size_t a3 = skip_ws(s, b2, n, mask);

    memset(lp, 0, sizeof *lp);
    lp->version.ptr = buf;
    if (a2 == n)
        return;
    lp->version = (httpc_span){buf + a1, b1 - a1};
    if (a3 < n) {
        lp->status = (httpc_span){buf + a2, b2 - a2};
        lp->reason = (httpc_span){buf + a3, n - a3};
    } else {
        lp->status = (httpc_span){buf + a2, n - a2};
        lp->reason = (httpc_span){buf + n, 0};
    }
}

static httpc_span strip(httpc_span s, unsigned mask)
{
    const unsigned char *p = (const unsigned char *)s.ptr;
    size_t a = skip_ws(p, 0, s.len, mask), b = s.len;

    while (b > a && (ws_table[p[b - 1]] & mask))
        b--;
    return (httpc_span){s.ptr + a, b - a};
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int starts_with(httpc_span s, const char *z, size_t zlen)
{
    return s.len >= zlen && memcmp(s.ptr, z, zlen) == 0;
}

static int span_is(httpc_span s, const char *z, size_t zlen)
{
    return s.len == zlen && memcmp(s.ptr, z, zlen) == 0;
}

/* The detail of BadStatusLine(line) and UnknownProtocol(version): repr() of
 * the text as the profile's Python holds it, a str decoded as ISO-8859-1 in
 * 3.x, a byte string in 2.7 (whose repr is the 3.x bytes repr without "b"). */
static void py_repr(char *detail, size_t cap, const char *s, size_t n, const httpc_profile *p)
{
    if (detail == NULL || cap == 0)
        return;
    httpc__py_repr(detail, cap, s, n, p->py27);
    if (p->py27 && detail[0] == 'b')
        memmove(detail, detail + 1, strlen(detail));
}

static int bad_line(const char *line, size_t n, const httpc_profile *p, char *detail, size_t cap)
{
    py_repr(detail, cap, line, n, p);
    return HTTPC_E_BAD_STATUS_LINE;
}

static int unknown_protocol(httpc_span v, const httpc_profile *p, char *detail, size_t cap)
{
    py_repr(detail, cap, v.ptr, v.len, p);
    return HTTPC_E_UNKNOWN_PROTOCOL;
}

/* begin(): 3.x maps "HTTP/0.9" to 10 ("treat it as 1.0 anyway"); 2.7 keeps it
 * as 9. Both map any other "HTTP/1." prefix to 11. */
static int version_number(httpc_span v, const httpc_profile *p)
{
    if (span_is(v, "HTTP/1.0", 8))
        return 10;
    if (starts_with(v, "HTTP/1.", 7))
        return 11;
    if (span_is(v, "HTTP/0.9", 8))
        return p->version9 ? 9 : 10;
    return 0;
}

/* The answer AGAIN leaves in *out: member by member, where memset is a
 * string instruction. */
static void clear_line(httpc_status_line *out)
{
    out->version = (httpc_span){NULL, 0};
    out->version_num = 0;
    out->status = 0;
    out->reason = (httpc_span){NULL, 0};
    out->http09 = 0;
}

/* parse_fast's answer for a line of the common shape with no CR or LF yet:
 * the buffer holds no complete line. */
#define FAST_NO_END SIZE_MAX

/* "HTTP/1.x NNN r": the common shape's first 14 octets, with single spaces,
 * a status of 100..999 and a reason that starts with no blank (len >= 14). */
__attribute__((always_inline)) static inline int fast_shape(const char *buf, unsigned mask)
{
    const unsigned char *s = (const unsigned char *)buf;

    return memcmp(buf, "HTTP/1.", 7) == 0 && !(ws_table[s[7]] & mask) && buf[8] == ' ' &&
           buf[9] >= '1' && buf[9] <= '9' && is_digit(buf[10]) && is_digit(buf[11]) &&
           buf[12] == ' ' && !(ws_table[s[13]] & mask);
}

/* The result of a line of the common shape whose reason runs up to buf[e]
 * (its line end): what the general rules find for it too, whatever that
 * reason holds (split() and strip() leave the reason's inner octets, a CR
 * included, alone). */
__attribute__((always_inline)) static inline void fast_result(const char *buf, size_t e,
                                                              unsigned mask, httpc_status_line *out)
{
    const unsigned char *s = (const unsigned char *)buf;

    /* buf[13] is no blank: only the end of the reason may need stripping */
    while (e > 13 && (ws_table[s[e - 1]] & mask))
        e--;
    /* member by member: a compound literal zeroes the padding first */
    out->version = (httpc_span){buf, 8};
    out->version_num = buf[7] == '0' ? 10 : 11;
    out->status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
    out->reason = (httpc_span){buf + 13, e - 13};
    out->http09 = 0;
}

/* The line nearly every server sends, "HTTP/1.x NNN reason" with single
 * spaces, a status of 100..999 and a CRLF or LF end, read in one pass without
 * readline(), split() and int(): the general path would find the same spans
 * and numbers. Returns the line's length, FAST_NO_END when no CR or LF
 * follows the prefix yet, or 0 when the line has another shape or is too
 * long (the general path then decides). */
__attribute__((always_inline)) static inline size_t
parse_fast(const char *buf, size_t len, const httpc_profile *p, httpc_status_line *out)
{
    unsigned mask = p->py27 ? WS_BYTES : WS_STR;
    size_t e, n;

    if (len < 16 || !fast_shape(buf, mask))
        return 0;
    e = 13 + httpc__scan_crlf_fast(buf + 13, len - 13);
    if (e == len)
        return FAST_NO_END;
    if (buf[e] == '\r' && (e + 1 == len || buf[e + 1] != '\n'))
        return 0;
    n = e + 1 + (buf[e] == '\r');
    if (n > p->max_line)
        return 0;
    fast_result(buf, e, mask, out);
    return n;
}

/* _read_status() then the version part of begin(), in CPython's order: the
 * status code is checked before the version, so "HTTP/2 abc" is a
 * BadStatusLine and "HTTP/2 200" an UnknownProtocol. */
static ssize_t parse_python(const char *buf, size_t n, const httpc_profile *p,
                            httpc_status_line *out, char *detail, size_t cap)
{
    unsigned mask = p->py27 ? WS_BYTES : WS_STR;
    line_parts lp;
    uint64_t code;
    int neg;

    split_line(buf, n, mask, &lp);
    if (!starts_with(lp.version, "HTTP/", 5)) {
        if (!p->accept_http09)
            return bad_line(buf, n, p, detail, cap);
        /* httplib 2.7 strict=False: a Simple-Response from an HTTP/0.9
         * server; the line is pushed back and becomes the body. */
        *out = (httpc_status_line){
            .version = {buf, 0}, .version_num = 9, .status = 200, .reason = {buf, 0}, .http09 = 1};
        return 0;
    }
    if (httpc_py_int(lp.status.ptr, lp.status.len, 10, p, &code, &neg) < 0 || neg || code < 100 ||
        code > 999)
        return bad_line(buf, n, p, detail, cap);
    out->version = lp.version;
    out->version_num = version_number(lp.version, p);
    out->status = (int)code;
    out->reason = strip(lp.reason, mask);
    out->http09 = 0;
    /* begin() looks at the version only once a non-100 status arrives: the
     * version of a 100 Continue that the client skips is never checked. */
    if (out->version_num == 0 && code != HTTPC_STATUS_CONTINUE)
        return unknown_protocol(lp.version, p, detail, cap);
    return (ssize_t)n;
}

/* reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ): any octet but CTLs. */
static int reason_ok(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
            return 0;
    return 1;
}

/* RFC 9112 section 4: status-line = HTTP-version SP status-code SP
 * [ reason-phrase ] CRLF, with HTTP-version = "HTTP/" DIGIT "." DIGIT
 * (section 2.3, case-sensitive) and status-code = 3DIGIT. RFC 9110 section 15
 * makes 100..599 the valid codes, but says that a client receiving an
 * invalid one "SHOULD process the response as if it had a 5xx (Server
 * Error) status code": so 600..999 are read (the caller sees the code, and
 * the body is framed as a 5xx's), and only codes below 100 are refused, as
 * py3 refuses them. Only 1.0 and 1.1 are HTTP/1.x versions a client can read
 * this way; a well-formed other version is UnknownProtocol. */
static ssize_t parse_strict(const char *buf, size_t line_len, const httpc_profile *p,
                            httpc_status_line *out, char *detail, size_t cap)
{
    size_t n;
    int code;

    if (line_len < 2 || buf[line_len - 1] != '\n' || buf[line_len - 2] != '\r')
        return bad_line(buf, line_len, p, detail, cap);
    n = line_len - 2;
    if (n < 13 || memcmp(buf, "HTTP/", 5) != 0 || !is_digit(buf[5]) || buf[6] != '.' ||
        !is_digit(buf[7]) || buf[8] != ' ' || !is_digit(buf[9]) || !is_digit(buf[10]) ||
        !is_digit(buf[11]) || buf[12] != ' ' || !reason_ok((const unsigned char *)buf + 13, n - 13))
        return bad_line(buf, line_len, p, detail, cap);
    code = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
    if (code < 100)
        return bad_line(buf, line_len, p, detail, cap);
    *out = (httpc_status_line){.version = {buf, 8}, .status = code, .reason = {buf + 13, n - 13}};
    /* RFC 9110 section 6.2: a higher minor version than ours (1.2 to 1.9)
     * SHOULD be processed as the highest we implement; another major is not
     * HTTP/1.x at all. */
    if (buf[5] != '1')
        return unknown_protocol(out->version, p, detail, cap);
    out->version_num = buf[7] == '0' ? 10 : 11;
    return (ssize_t)line_len;
}

/* LineTooLong("status line"); httplib 2.7 says "header line" here. */
static int too_long(const httpc_profile *p, char *detail, size_t cap)
{
    httpc__detail(detail, cap, "got more than %zu bytes when reading %s", p->max_line,
                  p->py27 ? "header line" : "status line");
    return HTTPC_E_LINE_TOO_LONG;
}

/* An empty read: 3.5+ raises RemoteDisconnected, 2.7 a BadStatusLine with
 * a message, 2.6 and 3.0-3.4 BadStatusLine('') (profile empty_reply). */
static int disconnected(const httpc_profile *p, char *detail, size_t cap)
{
    if (p->empty_reply == HTTPC_EMPTY_BAD_STATUS_REPR) {
        httpc__detail(detail, cap, "''");
        return HTTPC_E_BAD_STATUS_LINE;
    }
    if (p->empty_reply == HTTPC_EMPTY_BAD_STATUS_MESSAGE) {
        httpc__detail(detail, cap,
                      "No status line received - the server has closed the connection");
        return HTTPC_E_BAD_STATUS_LINE;
    }
    httpc__detail(detail, cap, "Remote end closed connection without response");
    return HTTPC_E_REMOTE_DISCONNECTED;
}

/* The complete line buf[0..line_len) (0 at eof: nothing came), judged by
 * the general rules. Each line is parsed once, whatever the segmentation. */
static ssize_t parse_line(const char *buf, size_t line_len, const httpc_profile *p,
                          httpc_status_line *out, char *detail, size_t detail_cap)
{
    HTTPC__WORK(line_len);
    if (line_len == 0)
        return disconnected(p, detail, detail_cap);
    if (p->strict_rfc)
        return parse_strict(buf, line_len, p, out, detail, detail_cap);
    return parse_python(buf, line_len, p, out, detail, detail_cap);
}

/* The line buf[0..n) as httpc__next_line found it (rc its answer). */
static ssize_t found_line(const char *buf, size_t n, int rc, const httpc_profile *p,
                          httpc_status_line *out, char *detail, size_t detail_cap)
{
    memset(out, 0, sizeof *out);
    if (rc == HTTPC_E_LINE_TOO_LONG)
        return too_long(p, detail, detail_cap);
    if (rc < 0)
        return rc;
    return parse_line(buf, n, p, out, detail, detail_cap);
}

/* Every call but one whose common line httpc_parse_status_line reads in
 * line: kept out of line, so that that path needs few registers. */
__attribute__((noinline)) static ssize_t parse_other(const char *buf, size_t len, int eof,
                                                     const httpc_profile *p, httpc_status_line *out,
                                                     char *detail, size_t detail_cap)
{
    size_t line_len = 0, scanned = 0, fast = 0;
    int rc;

    if (!p->strict_rfc && (fast = parse_fast(buf, len, p, out)) > 0 && fast != FAST_NO_END)
        return (ssize_t)fast;
    /* No LF past the prefix, none in it: the line is not complete. */
    if (fast == FAST_NO_END && !eof && len <= p->max_line) {
        clear_line(out);
        return HTTPC_E_AGAIN;
    }
    rc = httpc__next_line(buf, len, eof, p->max_line, &scanned, &line_len);
    return found_line(buf, line_len, rc, p, out, detail, detail_cap);
}

ssize_t httpc_parse_status_line(const char *buf, size_t len, int eof, const httpc_profile *p,
                                httpc_status_line *out, char *detail, size_t detail_cap)
{
    if (p == NULL)
        p = HTTPC__DEFAULT_PROFILE;
    if (detail != NULL && detail_cap > 0)
        detail[0] = '\0';
#ifdef HTTPC__SCAN_SSE2_INLINE
    /* The commonest call of all: the line's end among the 16 octets after
     * its prefix, and more bytes behind it; that one block is all the scan
     * (no call, so few registers). parse_other reads any other. */
    unsigned mask = p->py27 ? WS_BYTES : WS_STR, m;
    if (HTTPC__LIKELY(!p->strict_rfc) && len >= 30 && httpc__scan_level != 0 &&
        fast_shape(buf, mask) && (m = httpc__crlf_mask16(buf + 13)) != 0) {
        size_t e = 13 + (size_t)__builtin_ctz(m), n; /* e + 1 < len */
        HTTPC__WORK(16);
        n = e + 1 + (buf[e] == '\r');
        if ((buf[e] == '\n' || buf[e + 1] == '\n') && n <= p->max_line) {
            fast_result(buf, e, mask, out);
            return (ssize_t)n;
        }
    }
#endif
    return parse_other(buf, len, eof, p, out, detail, detail_cap);
}

/* A resumed call that found the line's end, or a limit, or EOF: out of
 * line, so that the calls that only look at new bytes stay short. The line
 * found is read without a second pass over it when it has the common shape
 * (its reason's octets never matter); any other goes by the general rules,
 * once. */
__attribute__((noinline)) static ssize_t resume_line(const char *buf, size_t len, size_t last_len,
                                                     int eof, const httpc_profile *p,
                                                     httpc_status_line *out, char *detail,
                                                     size_t detail_cap)
{
    size_t scanned = last_len, n = 0;
    unsigned mask = p->py27 ? WS_BYTES : WS_STR;
    int rc = httpc__next_line(buf, len, eof, p->max_line, &scanned, &n);

    if (rc == 0 && n >= 15 && buf[n - 1] == '\n' && !p->strict_rfc && fast_shape(buf, mask)) {
        HTTPC__WORK(14);
        fast_result(buf, n - 1, mask, out);
        return (ssize_t)n;
    }
    return found_line(buf, n, rc, p, out, detail, detail_cap);
}

/* A resumed call but one that brought a few bytes and no LF. */
__attribute__((noinline)) static ssize_t resume_status(const char *buf, size_t len, size_t last_len,
                                                       int eof, const httpc_profile *p,
                                                       httpc_status_line *out, char *detail,
                                                       size_t detail_cap)
{
    if (p == NULL)
        p = HTTPC__DEFAULT_PROFILE;
    if (detail != NULL && detail_cap > 0)
        detail[0] = '\0';
    if (!eof && len <= p->max_line &&
        httpc__find_lf(buf + last_len, len - last_len) == len - last_len) {
        clear_line(out);
        return HTTPC_E_AGAIN;
    }
    return resume_line(buf, len, last_len, eof, p, out, detail, detail_cap);
}

/* The call before saw no LF in buf[0..last_len): only what came since is
 * searched, and a complete line goes through the fast path or the general
 * rules once. The commonest call when bytes trickle in, a few bytes and no
 * LF, is answered here with no call (so no stack frame). */
ssize_t httpc_parse_status_line_resume(const char *buf, size_t len, size_t last_len, int eof,
                                       const httpc_profile *p, httpc_status_line *out, char *detail,
                                       size_t detail_cap)
{
    if (last_len == 0 || last_len > len)
        return httpc_parse_status_line(buf, len, eof, p, out, detail, detail_cap);
    if (len - last_len > 16 || eof || p == NULL)
        return resume_status(buf, len, last_len, eof, p, out, detail, detail_cap);
    if (detail != NULL && detail_cap > 0)
        detail[0] = '\0';
    if (len <= p->max_line && httpc__find_lf(buf + last_len, len - last_len) == len - last_len) {
        clear_line(out);
        return HTTPC_E_AGAIN;
    }
    return resume_status(buf, len, last_len, eof, p, out, detail, detail_cap);
}
