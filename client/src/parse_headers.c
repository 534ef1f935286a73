/* SPDX-License-Identifier: MIT */
/* The header-block parser. Python 3 reads lines up to the empty one and hands
 * the block to email.feedparser; httplib 2.7 uses mimetools.Message; the
 * strict profile follows RFC 9112 section 5. Each is reproduced here over the
 * caller's buffer, with values as spans into it. */
#include "internal.h"

#include <string.h>

typedef struct hdr_out {
    httpc_header *h;
    size_t cap;
    size_t n;
} hdr_out;

static int emit(hdr_out *o, const char *name, size_t nlen, const char *val, size_t vlen,
                char *detail, size_t cap)
{
    if (o->h == NULL) { /* counting only */
        o->n++;
        return 0;
    }
    if (o->n == o->cap) {
        httpc__detail(detail, cap, "more than %zu header fields for the caller's array", o->cap);
        return HTTPC_E_HTTP_EXCEPTION;
    }
    o->h[o->n].name.ptr = name;
    o->h[o->n].name.len = nlen;
    o->h[o->n].value.ptr = val;
    o->h[o->n].value.len = vlen;
    o->n++;
    return 0;
}

static int too_many(const httpc_profile *p, char *detail, size_t cap)
{
    httpc__detail(detail, cap, "got more than %zu headers", p->max_headers);
    return HTTPC_E_HTTP_EXCEPTION;
}

static int too_long(const httpc_profile *p, char *detail, size_t cap)
{
    httpc__detail(detail, cap, "got more than %zu bytes when reading header line", p->max_line);
    return HTTPC_E_LINE_TOO_LONG;
}

static int is_blank(const char *l, size_t n)
{
    return (n == 1 && l[0] == '\n') || (n == 2 && l[0] == '\r' && l[1] == '\n');
}

/* ---- Python 3: _read_headers, then email.feedparser (compat32) ---------- */

/* _read_headers: every line counts, the empty one too, so at most
 * max_headers - 1 fields fit (observed with CPython 3.11.7). */
static ssize_t py3_block_end(const char *buf, size_t len, int eof, const httpc_profile *p,
                             char *detail, size_t cap)
{
    size_t off = 0, count = 0, n;

    for (;;) {
        int rc = httpc__readline(buf + off, len - off, eof, p->max_line, &n);
        if (rc == HTTPC_E_LINE_TOO_LONG)
            return too_long(p, detail, cap);
        if (rc < 0)
            return rc;
        if (++count > p->max_headers)
            return too_many(p, detail, cap);
        off += n;
        if (n == 0 || is_blank(buf + off - n, n))
            return (ssize_t)off;
    }
}

/* The feedparser splits on \r\n, \r and \n alike (StringIO, newline=''). */
static size_t email_line(const char *l, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (l[i] == '\n')
            return i + 1;
        if (l[i] == '\r')
            return (i + 1 < n && l[i + 1] == '\n') ? i + 2 : i + 1;
    }
    return n;
}

/* headerRE = ^(From |[\041-\071\073-\176]*:|[\t ]); returns the colon's
 * index for the middle alternative, -1 for the others, -2 for no match. */
static long email_match(const char *l, size_t n)
{
    if (n >= 5 && memcmp(l, "From ", 5) == 0)
        return -1;
    if (n > 0 && (l[0] == ' ' || l[0] == '\t'))
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)l[i];
        if (c == ':')
            return (long)i;
        if (c < 0x21 || c > 0x7e)
            return -2;
    }
    return -2;
}

typedef struct py3_field {
    const char *name; /* NULL: no current field (lastheader == '') */
    size_t nlen;
    const char *vstart;
    const char *vend;
} py3_field;

/* header_source_parse: value.rstrip('\r\n') over first line + continuations. */
static int py3_flush(py3_field *f, hdr_out *o, char *detail, size_t cap)
{
    const char *e = f->vend;
    const char *name = f->name;

    if (name == NULL)
        return 0;
    while (e > f->vstart && (e[-1] == '\r' || e[-1] == '\n'))
        e--;
    f->name = NULL;
    return emit(o, name, f->nlen, f->vstart, (size_t)(e - f->vstart), detail, cap);
}

/* FeedParser._parsegen's header loop and _parse_headers, over block[0..n). */
static int py3_fields(const char *b, size_t n, hdr_out *o, char *detail, size_t cap)
{
    py3_field f = {0};
    size_t off = 0;

    while (off < n) {
        const char *l = b + off;
        size_t ln = email_line(l, n - off);
        long colon = email_match(l, ln);
        int rc = 0;

        if (colon == -2)
            break; /* the empty line, or a non-header line: the rest is body */
        off += ln;
        if (l[0] == ' ' || l[0] == '\t') {
            if (f.name != NULL) /* else FirstHeaderLineIsContinuationDefect */
                f.vend = l + ln;
            continue;
        }
        rc = py3_flush(&f, o, detail, cap);
        if (rc < 0)
            return rc;
        if (colon <= 0) /* "From " lines and ":value" lines are dropped */
            continue;
        f.name = l;
        f.nlen = (size_t)colon;
        f.vstart = l + colon + 1;
        while (f.vstart < l + ln && (*f.vstart == ' ' || *f.vstart == '\t'))
            f.vstart++;
        f.vend = l + ln;
    }
    return py3_flush(&f, o, detail, cap);
}

/* ---- httplib 2.7: HTTPMessage.readheaders ------------------------------- */

static httpc_span strip_bytes(const char *p, size_t n)
{
    httpc_span s = {p, n};
    while (s.len > 0 && httpc__py_isspace_bytes((unsigned char)s.ptr[0]))
        s.ptr++, s.len--;
    while (s.len > 0 && httpc__py_isspace_bytes((unsigned char)s.ptr[s.len - 1]))
        s.len--;
    return s;
}

/* Continuation lines become entries with a NULL name: 2.7 appends them to the
 * previous value as "\n " + line.strip() (HTTPMessage.addcontinue). */
static ssize_t py27_headers(const char *buf, size_t len, int eof, const httpc_profile *p,
                            hdr_out *o, char *detail, size_t cap)
{
    size_t off = 0, count = 0, n;
    int firstline = 1, seen = 0;

    for (;;) {
        if (count > p->max_headers)
            return too_many(p, detail, cap);
        int rc = httpc__readline(buf + off, len - off, eof, p->max_line, &n);
        if (rc == HTTPC_E_LINE_TOO_LONG)
            return too_long(p, detail, cap);
        if (rc < 0)
            return rc;
        const char *l = buf + off;
        off += n;
        if (n == 0)
            return (ssize_t)off; /* EOF in headers */
        if (firstline && n >= 5 && memcmp(l, "From ", 5) == 0)
            continue; /* unixfrom */
        firstline = 0;
        if (seen && (l[0] == ' ' || l[0] == '\t')) {
            httpc_span v = strip_bytes(l, n);
            count++;
            rc = emit(o, NULL, 0, v.ptr, v.len, detail, cap);
        } else if (is_blank(l, n)) {
            return (ssize_t)off;
        } else {
            const char *colon = memchr(l, ':', n);
            seen = colon != NULL && colon > l;
            if (seen) {
                httpc_span v = strip_bytes(colon + 1, (size_t)(l + n - colon - 1));
                count++;
                rc = emit(o, l, (size_t)(colon - l), v.ptr, v.len, detail, cap);
            }
        }
        if (rc < 0)
            return rc;
    }
}

/* ---- strict: RFC 9112 section 5 ----------------------------------------- */

static int invalid(const char *why, const char *l, size_t n, char *detail, size_t cap)
{
    char line[96];

    httpc__py_repr(line, sizeof line, l, n, 1);
    httpc__detail(detail, cap, "%s: %s", why, line);
    return HTTPC_E_INVALID_HEADER;
}

/* field-line = field-name ":" OWS field-value OWS, with
 * field-value = *( VCHAR / obs-text / SP / HTAB ) (RFC 9110 section 5.5). */
static int strict_field(const char *l, size_t n, hdr_out *o, char *detail, size_t cap)
{
    size_t i = 0, vs, ve = n - 2;

    if (l[0] == ' ' || l[0] == '\t')
        return invalid("obsolete line folding", l, n, detail, cap);
    while (i < ve && httpc__tchar[(unsigned char)l[i]])
        i++;
    if (i == 0 || i == ve || l[i] != ':')
        return invalid(i < ve && (l[i] == ' ' || l[i] == '\t') ? "whitespace before colon"
                                                                : "invalid field name",
                       l, n, detail, cap);
    for (size_t k = i + 1; k < ve; k++) {
        unsigned char c = (unsigned char)l[k];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return invalid(c == 0 ? "NUL in field value" : c == '\r' ? "CR in field value"
                                                                     : "control character in field value",
                           l, n, detail, cap);
    }
    vs = i + 1;
    while (vs < ve && (l[vs] == ' ' || l[vs] == '\t'))
        vs++;
    while (ve > vs && (l[ve - 1] == ' ' || l[ve - 1] == '\t'))
        ve--;
    return emit(o, l, i, l + vs, ve - vs, detail, cap);
}

static ssize_t strict_headers(const char *buf, size_t len, int eof, const httpc_profile *p,
                              hdr_out *o, char *detail, size_t cap)
{
    size_t off = 0, n;

    for (;;) {
        int rc = httpc__readline(buf + off, len - off, eof, p->max_line, &n);
        if (rc == HTTPC_E_LINE_TOO_LONG)
            return too_long(p, detail, cap);
        if (rc < 0)
            return rc;
        const char *l = buf + off;
        off += n;
        if (n == 0 || l[n - 1] != '\n') {
            httpc__detail(detail, cap, "connection closed inside the header section");
            return HTTPC_E_INVALID_FRAMING;
        }
        if (n < 2 || l[n - 2] != '\r')
            return invalid("bare LF line ending", l, n, detail, cap);
        if (n == 2)
            return (ssize_t)off;
        if (o->n >= p->max_headers)
            return too_many(p, detail, cap);
        rc = strict_field(l, n, o, detail, cap);
        if (rc < 0)
            return rc;
    }
}

ssize_t httpc_parse_headers(const char *buf, size_t len, size_t last_len, int eof,
                            const httpc_profile *p, httpc_header *headers, size_t *num_headers,
                            char *detail, size_t detail_cap)
{
    hdr_out o = {headers, *num_headers, 0};
    ssize_t end;
    int rc;

    (void)last_len;
    *num_headers = 0;
    switch (p->header_mode) {
    case HTTPC_HEADERS_PY27:
        end = py27_headers(buf, len, eof, p, &o, detail, detail_cap);
        break;
    case HTTPC_HEADERS_STRICT:
        end = strict_headers(buf, len, eof, p, &o, detail, detail_cap);
        break;
    default:
        end = py3_block_end(buf, len, eof, p, detail, detail_cap);
        if (end < 0)
            return end;
        rc = py3_fields(buf, (size_t)end, &o, detail, detail_cap);
        if (rc < 0)
            return rc;
        break;
    }
    if (end >= 0)
        *num_headers = o.n;
    return end;
}

const httpc_span *httpc_headers_get(const httpc_header *h, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (h[i].name.ptr != NULL && httpc__span_ieq(h[i].name, name))
            return &h[i].value;
    return NULL;
}
