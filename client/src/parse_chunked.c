/* SPDX-License-Identifier: MIT */
/* Chunked transfer coding (RFC 9112 section 7.1) as each profile reads it:
 * the chunk-size line, the trailer section, and an incremental decoder that
 * reproduces CPython's _read_chunked / httplib 2.7's byte for byte. */
#include "internal.h"

#include <string.h>

#define ST_SIZE HTTPC__CHUNK_SIZE
#define ST_DATA HTTPC__CHUNK_DATA
#define ST_CRLF HTTPC__CHUNK_CRLF
#define ST_TRAILERS HTTPC__CHUNK_TRAILERS
#define ST_DONE HTTPC__CHUNK_DONE
#define ST_NEG HTTPC__CHUNK_NEG

static int too_long(const httpc_profile *p, const char *what, char *detail, size_t cap)
{
    httpc__detail(detail, cap, "got more than %zu bytes when reading %s", p->max_line, what);
    return HTTPC_E_LINE_TOO_LONG;
}

static int bad_size(const char *l, size_t n, int code, char *detail, size_t cap)
{
    char line[80];

    httpc__py_repr(line, sizeof line, l, n, 1);
    httpc__detail(detail, cap, "invalid chunk size line %s", line);
    return code;
}

/* BWS = *( SP / HTAB ) */
static size_t bws(const char *l, size_t i, size_t n)
{
    while (i < n && (l[i] == ' ' || l[i] == '\t'))
        i++;
    return i;
}

static size_t token(const char *l, size_t i, size_t n)
{
    while (i < n && httpc__tchar[(unsigned char)l[i]])
        i++;
    return i;
}

/* quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE (RFC 9110 5.6.4);
 * returns the index after it, or 0 when malformed. */
static size_t quoted(const char *l, size_t i, size_t n)
{
    for (i++; i < n; i++) {
        unsigned char c = (unsigned char)l[i];
        if (c == '"')
            return i + 1;
        if (c == '\\' && i + 1 < n)
            c = (unsigned char)l[++i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return 0;
    }
    return 0;
}

/* chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ) */
static int strict_ext(const char *l, size_t i, size_t n)
{
    for (;;) {
        if (i == n)
            return 0;
        i = bws(l, i, n);
        if (i == n || l[i] != ';')
            return -1;
        size_t s = bws(l, i + 1, n);
        i = token(l, s, n);
        if (i == s)
            return -1;
        size_t e = bws(l, i, n);
        if (e < n && l[e] == '=') {
            s = bws(l, e + 1, n);
            i = (s < n && l[s] == '"') ? quoted(l, s, n) : token(l, s, n);
            if (i == 0 || i == s)
                return -1;
        }
    }
}

/* chunk-size = 1*HEXDIG, at most 16 digits so it fits 64 bits. */
static int strict_size(const char *l, size_t n, httpc_chunk_size *out)
{
    size_t i = 0;

    if (n < 3 || l[n - 2] != '\r' || memchr(l, '\r', n - 2) != NULL)
        return -1;
    n -= 2;
    while (i < n && i < 17 && httpc__tchar[(unsigned char)l[i]] &&
           ((l[i] >= '0' && l[i] <= '9') || ((l[i] | 0x20) >= 'a' && (l[i] | 0x20) <= 'f')))
        i++;
    if (i == 0 || i > 16 || httpc_py_int(l, i, 16, httpc_profile_get(HTTPC_PROFILE_PY3),
                                         &out->size, &out->negative) < 0)
        return -1;
    if (strict_ext(l, i, n) < 0)
        return -1;
    if (i < n) {
        size_t semi = (size_t)((const char *)memchr(l + i, ';', n - i) - l);
        out->ext.ptr = l + semi + 1;
        out->ext.len = n - semi - 1;
    }
    return 0;
}

ssize_t httpc_parse_chunk_size(const char *buf, size_t len, int eof, const httpc_profile *p,
                               httpc_chunk_size *out, char *detail, size_t detail_cap)
{
    size_t n, digits;
    const char *semi;
    int rc;

    memset(out, 0, sizeof *out);
    rc = httpc__readline(buf, len, eof, p->max_line, &n);
    if (rc == HTTPC_E_LINE_TOO_LONG)
        return too_long(p, "chunk size", detail, detail_cap);
    if (rc < 0)
        return rc;
    if (p->strict_rfc) {
        if (n == 0 || buf[n - 1] != '\n') { /* cut short by EOF: truncation */
            httpc__detail(detail, detail_cap, "EOF in chunk size line");
            return HTTPC_E_INCOMPLETE_READ;
        }
        if (strict_size(buf, n, out) < 0)
            return bad_size(buf, n, HTTPC_E_INVALID_FRAMING, detail, detail_cap);
        return (ssize_t)n;
    }
    /* _read_next_chunk_size: strip chunk-extensions at ';', then int(line, 16);
     * a ValueError becomes IncompleteRead in _get_chunk_left. */
    semi = memchr(buf, ';', n);
    digits = semi ? (size_t)(semi - buf) : n;
    if (httpc_py_int(buf, digits, 16, p, &out->size, &out->negative) < 0)
        return bad_size(buf, n, HTTPC_E_INCOMPLETE_READ, detail, detail_cap);
    if (semi != NULL) {
        size_t e = n;
        while (e > digits + 1 && (buf[e - 1] == '\n' || buf[e - 1] == '\r'))
            e--;
        out->ext.ptr = semi + 1;
        out->ext.len = e - digits - 1;
    }
    return (ssize_t)n;
}

/* _read_and_discard_trailer: lines up to an empty one or EOF. httplib 2.7
 * ends only at "\r\n"; Python 3 also at "\n". */
static int py_trailer_end(const char *l, size_t n, const httpc_profile *p)
{
    if (n == 2 && l[0] == '\r' && l[1] == '\n')
        return 1;
    return !p->py27 && n == 1 && l[0] == '\n';
}

ssize_t httpc_parse_trailers(const char *buf, size_t len, size_t last_len, int eof,
                             const httpc_profile *p, size_t *num_lines, char *detail,
                             size_t detail_cap)
{
    size_t off = 0, lines = 0, n;

    if (p->strict_rfc) {
        size_t count = 0;
        httpc_profile tp = *p;
        tp.max_headers = p->max_trailers ? p->max_trailers : SIZE_MAX;
        ssize_t rc = httpc_parse_headers(buf, len, last_len, eof, &tp, NULL, &count, detail,
                                         detail_cap);
        if (rc >= 0 && num_lines)
            *num_lines = count;
        return rc;
    }
    for (;;) {
        int rc = httpc__readline(buf + off, len - off, eof, p->max_line, &n);
        if (rc == HTTPC_E_LINE_TOO_LONG)
            return too_long(p, "trailer line", detail, detail_cap);
        if (rc < 0)
            return rc;
        off += n;
        if (n == 0 || py_trailer_end(buf + off - n, n, p))
            break;
        lines++;
        if (p->max_trailers && lines > p->max_trailers) {
            httpc__detail(detail, detail_cap, "got more than %zu trailers", p->max_trailers);
            return HTTPC_E_HTTP_EXCEPTION;
        }
    }
    if (num_lines)
        *num_lines = lines;
    return (ssize_t)off;
}

void httpc_chunked_init(httpc_chunked *c, const httpc_profile *p)
{
    memset(c, 0, sizeof *c);
    c->profile = p;
    c->state = ST_SIZE;
}

int httpc_chunked_done(const httpc_chunked *c)
{
    return c->state == ST_DONE;
}

static int fail(httpc_chunked *c, int err)
{
    c->err = err;
    return err;
}

static int eof_in(httpc_chunked *c, const char *where, char *detail, size_t cap)
{
    httpc__detail(detail, cap, "EOF in %s", where);
    return fail(c, HTTPC_E_INCOMPLETE_READ);
}

/* One step on a size line. Returns bytes consumed, or AGAIN / an error. */
static ssize_t step_size(httpc_chunked *c, const char *in, size_t len, int eof, char *detail,
                         size_t cap)
{
    httpc_chunk_size cs;
    ssize_t n = httpc_parse_chunk_size(in, len, eof, c->profile, &cs, detail, cap);

    if (n < 0)
        return n == HTTPC_E_AGAIN ? n : fail(c, (int)n);
    c->chunk_got = 0;
    if (cs.negative) {
        /* Python 3: _safe_read(-1) reads to EOF, then the CRLF read fails.
         * httplib 2.7: _safe_read(-1) reads nothing; the CRLF is tossed. */
        c->state = c->profile->py27 ? ST_CRLF : ST_NEG;
        c->crlf_left = 2;
    } else if (cs.size == 0) {
        c->state = ST_TRAILERS;
    } else {
        c->state = ST_DATA;
        c->left = cs.size;
    }
    return n;
}

/* The two bytes after a chunk's data: tossed unread by CPython, CRLF in strict. */
static ssize_t step_crlf(httpc_chunked *c, const char *in, size_t len, int eof, char *detail,
                         size_t cap)
{
    size_t k = len < c->crlf_left ? len : c->crlf_left;

    if (c->profile->strict_rfc) {
        for (size_t i = 0; i < k; i++) {
            char want = (c->crlf_left - i == 2) ? '\r' : '\n';
            if (in[i] != want) {
                httpc__detail(detail, cap, "chunk data not followed by CRLF");
                return fail(c, HTTPC_E_INVALID_FRAMING);
            }
        }
    }
    c->crlf_left -= k;
    if (c->crlf_left == 0)
        c->state = ST_SIZE;
    else if (eof)
        return eof_in(c, "chunk terminator", detail, cap);
    return k == 0 ? HTTPC_E_AGAIN : (ssize_t)k;
}

static ssize_t step_trailers(httpc_chunked *c, const char *in, size_t len, int eof,
                             char *detail, size_t cap)
{
    ssize_t n = httpc_parse_trailers(in, len, 0, eof, c->profile, &c->lines, detail, cap);

    if (n < 0)
        return n == HTTPC_E_AGAIN ? n : fail(c, (int)n);
    c->state = ST_DONE;
    return n;
}

ssize_t httpc_chunked_feed(httpc_chunked *c, const char *in, size_t len, int eof,
                           const char **data, size_t *data_len, char *detail, size_t detail_cap)
{
    size_t off = 0;

    *data = in;
    *data_len = 0;
    if (c->err)
        return c->err;
    while (c->state != ST_DONE) {
        ssize_t n;
        if (c->state == ST_DATA || c->state == ST_NEG) {
            size_t k = len - off;
            if (c->state == ST_DATA && k > c->left)
                k = (size_t)c->left;
            if (k == 0) {
                if (eof)
                    return eof_in(c, "chunk data", detail, detail_cap);
                break;
            }
            *data = in + off;
            *data_len = k;
            c->total += k;
            c->chunk_got += k;
            if (c->state == ST_DATA && (c->left -= k) == 0) {
                c->state = ST_CRLF;
                c->crlf_left = 2;
            }
            return (ssize_t)(off + k);
        }
        if (c->state == ST_SIZE)
            n = step_size(c, in + off, len - off, eof, detail, detail_cap);
        else if (c->state == ST_CRLF)
            n = step_crlf(c, in + off, len - off, eof, detail, detail_cap);
        else
            n = step_trailers(c, in + off, len - off, eof, detail, detail_cap);
        if (n == HTTPC_E_AGAIN)
            break;
        if (n < 0)
            return n;
        off += (size_t)n;
        /* Stop where the data begins, so a caller that wants only some of it
         * can limit what it passes in the next call. */
        if (c->state == ST_DATA || c->state == ST_NEG)
            break;
    }
    return (off == 0 && c->state != ST_DONE) ? HTTPC_E_AGAIN : (ssize_t)off;
}
