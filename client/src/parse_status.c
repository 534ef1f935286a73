/* SPDX-License-Identifier: MIT */
/* The status-line parser: CPython's HTTPResponse._read_status and the version
 * rules of begin(), per profile, as a pure function over the caller's bytes. */
#include "internal.h"

#include <string.h>

typedef int (*space_fn)(unsigned char c);

static httpc_span span(const char *p, size_t n)
{
    httpc_span s = {p, n};
    return s;
}

/* str.strip() / bytes.strip() with the profile's notion of whitespace. */
static httpc_span strip(httpc_span s, space_fn sp)
{
    while (s.len > 0 && sp((unsigned char)s.ptr[0]))
        s.ptr++, s.len--;
    while (s.len > 0 && sp((unsigned char)s.ptr[s.len - 1]))
        s.len--;
    return s;
}

static size_t skip(const char *l, size_t i, size_t n, space_fn sp, int want_space)
{
    while (i < n && (sp((unsigned char)l[i]) != 0) == want_space)
        i++;
    return i;
}

/* line.split(None, 2), falling back to line.split(None, 1) as _read_status
 * does: with two fields the status is the rest of the line, blanks and all. */
static int split_status(const char *l, size_t n, space_fn sp, httpc_span *version,
                        httpc_span *status, httpc_span *reason)
{
    size_t v0 = skip(l, 0, n, sp, 1), v1 = skip(l, v0, n, sp, 0);
    size_t s0 = skip(l, v1, n, sp, 1), s1 = skip(l, s0, n, sp, 0);
    size_t r0 = skip(l, s1, n, sp, 1);

    if (s0 == n)
        return -1; /* fewer than two fields: version = "" */
    *version = span(l + v0, v1 - v0);
    if (r0 < n) {
        *status = span(l + s0, s1 - s0);
        *reason = span(l + r0, n - r0);
    } else {
        *status = span(l + s0, n - s0);
        *reason = span(l + n, 0);
    }
    return 0;
}

static int bad_line(const char *l, size_t n, char *detail, size_t cap)
{
    if (detail != NULL && cap > 0)
        httpc__py_repr(detail, cap, l, n, 0);
    return HTTPC_E_BAD_STATUS_LINE;
}

/* HTTPResponse.version from the version token (begin()). Python 3 maps
 * "HTTP/0.9" to 10 ("treat it as 1.0 anyway"); httplib 2.7 keeps 9. */
static int version_number(httpc_span v, const httpc_profile *p)
{
    if (v.len == 8 && memcmp(v.ptr, "HTTP/1.0", 8) == 0)
        return 10;
    if (v.len == 8 && memcmp(v.ptr, "HTTP/0.9", 8) == 0)
        return p->py27 ? 9 : 10;
    if (v.len >= 7 && memcmp(v.ptr, "HTTP/1.", 7) == 0)
        return 11;
    return 0;
}

static int parse_lenient(const char *l, size_t n, const httpc_profile *p,
                         httpc_status_line *out, char *detail, size_t cap)
{
    space_fn sp = p->py27 ? httpc__py_isspace_bytes : httpc__py_isspace_str;
    httpc_span version = {l, 0}, status, reason;
    uint64_t code;
    int neg = 0;

    if (split_status(l, n, sp, &version, &status, &reason) < 0 || version.len < 5 ||
        memcmp(version.ptr, "HTTP/", 5) != 0) {
        if (p->accept_http09) {
            /* httplib strict=False: a Simple-Response from an HTTP/0.9 server;
             * the line is pushed back and becomes the start of the body. */
            out->version = span(l, 0);
            out->version_num = 9;
            out->status = 200;
            out->reason = span(l, 0);
            out->http09 = 1;
            return 0;
        }
        return bad_line(l, n, detail, cap);
    }
    if (httpc_py_int(status.ptr, status.len, 10, p, &code, &neg) < 0 || neg || code < 100 ||
        code > 999)
        return bad_line(l, n, detail, cap);
    out->version = version;
    out->status = (int)code;
    out->reason = strip(reason, sp);
    out->version_num = version_number(version, p);
    /* begin() checks the version only after skipping 100 responses. */
    if (out->version_num == 0 && code != HTTPC_STATUS_CONTINUE) {
        httpc__detail(detail, cap, "%.*s", (int)version.len, version.ptr);
        return HTTPC_E_UNKNOWN_PROTOCOL;
    }
    return 1;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* RFC 9112 section 4: HTTP-version SP 3DIGIT SP reason-phrase CRLF, where
 * reason-phrase = *( HTAB / SP / VCHAR / obs-text ). */
static int parse_strict(const char *l, size_t n, httpc_status_line *out, char *detail,
                        size_t cap)
{
    if (n < 15 || l[n - 2] != '\r' || l[n - 1] != '\n' || memcmp(l, "HTTP/", 5) != 0 ||
        !is_digit(l[5]) || l[6] != '.' || !is_digit(l[7]) || l[8] != ' ' || !is_digit(l[9]) ||
        !is_digit(l[10]) || !is_digit(l[11]) || l[12] != ' ')
        return bad_line(l, n, detail, cap);
    for (size_t i = 13; i < n - 2; i++) {
        unsigned char c = (unsigned char)l[i];
        if (c != '\t' && (c < 0x20 || c == 0x7f))
            return bad_line(l, n, detail, cap);
    }
    out->status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
    if (out->status < 100 || out->status > 599) /* RFC 9110 section 15 */
        return bad_line(l, n, detail, cap);
    out->version = span(l, 8);
    out->reason = span(l + 13, n - 15);
    out->version_num = l[5] == '1' && (l[7] == '0' || l[7] == '1') ? 10 + (l[7] - '0') : 0;
    if (out->version_num == 0) {
        httpc__detail(detail, cap, "%.8s", l);
        return HTTPC_E_UNKNOWN_PROTOCOL;
    }
    return 1;
}

ssize_t httpc_parse_status_line(const char *buf, size_t len, int eof, const httpc_profile *p,
                                httpc_status_line *out, char *detail, size_t detail_cap)
{
    size_t n;
    int rc;

    memset(out, 0, sizeof *out);
    rc = httpc__readline(buf, len, eof, p->max_line, &n);
    if (rc == HTTPC_E_LINE_TOO_LONG)
        /* httplib 2.7 names the status line a "header line". */
        httpc__detail(detail, detail_cap, "got more than %zu bytes when reading %s", p->max_line,
                      p->py27 ? "header line" : "status line");
    if (rc < 0)
        return rc;
    if (n == 0) {
        if (p->py27) {
            httpc__detail(detail, detail_cap, "No status line received - the server has "
                                              "closed the connection");
            return HTTPC_E_BAD_STATUS_LINE;
        }
        httpc__detail(detail, detail_cap, "Remote end closed connection without response");
        return HTTPC_E_REMOTE_DISCONNECTED;
    }
    rc = p->strict_rfc ? parse_strict(buf, n, out, detail, detail_cap)
                       : parse_lenient(buf, n, p, out, detail, detail_cap);
    if (rc < 0)
        return rc;
    return rc == 0 ? 0 : (ssize_t)n;
}
