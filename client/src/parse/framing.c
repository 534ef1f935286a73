/* SPDX-License-Identifier: MIT */
/* The framing decision of a response head: how its body ends and whether the
 * connection stays open, from the status, the request's method, the version
 * and the header fields, as CPython's HTTPResponse.begin() decides it (the
 * strict profile: RFC 9112 section 6.3). A pure function, beside the parsers
 * whose output it reads, so that it can be tested and fuzzed alone; the
 * response (io/resp_head.c) only stores what it says.
 *
 * CPython 3.11's begin(), after the headers:
 *   chunked     tr_enc = headers.get("transfer-encoding"); chunked when
 *               tr_enc and tr_enc.lower() == "chunked"
 *   will_close  _check_close(): HTTP/1.1 closes on "close" in Connection;
 *               older versions stay open on a Keep-Alive field or
 *               "keep-alive" in Connection or Proxy-Connection
 *   length      int(content-length) unless chunked; None when invalid or
 *               negative; 0 for 204, 304, 1xx and a HEAD request
 *   then        no length, not chunked and not closing: will_close = True
 * httplib 2.7 is the same with msg.getheader(), which joins repeated fields
 * with ", " and continuation lines with "\n " (hence the scratch buffer). */
#include "internal.h"

#include <string.h>

/* ---- header values as the profile reads them ------------------------------ */

static int name_is(httpc_span name, const char *s, size_t len)
{
    return name.ptr != NULL && name.len == len && httpc__ieq(name.ptr, s, len);
}

/* Appends s[0..len) at *n, as far as buf[0..cap) holds it; *n counts on. */
static void append(char *buf, size_t cap, size_t *n, const char *s, size_t len)
{
    if (*n < cap) {
        size_t k = cap - *n > len ? len : cap - *n;
        memcpy(buf + *n, s, k);
    }
    *n += len;
}

size_t httpc__headers_join(const httpc_header *h, size_t n, const char *name, size_t name_len,
                           char *buf, size_t cap, int *found)
{
    size_t len = 0;
    int count = 0, in = 0;

    for (size_t i = 0; i < n; i++) {
        if (h[i].name.ptr == NULL) { /* a py27 continuation line */
            if (in) {
                append(buf, cap, &len, "\n ", 2);
                append(buf, cap, &len, h[i].value.ptr, h[i].value.len);
            }
            continue;
        }
        in = name_is(h[i].name, name, name_len);
        if (in) {
            if (count++)
                append(buf, cap, &len, ", ", 2);
            append(buf, cap, &len, h[i].value.ptr, h[i].value.len);
        }
    }
    *found = count > 0;
    return len;
}

/* Where the framing decision reads its fields from. */
typedef struct reader {
    const httpc_framing_in *in;
    const httpc_profile *p;
    char *detail;
    size_t detail_cap;
} reader;

/* A field as begin() reads it: headers.get(name) in 3.x (the first field),
 * msg.getheader(name) in 2.7 (every field joined, in the scratch buffer).
 * Returns 1 when present, 0 when not, or HTTPC_E_VALUE_ERROR when the
 * scratch buffer is too small for the joined value. */
static int field(const reader *rd, const char *name, httpc_span *v)
{
    const httpc_framing_in *in = rd->in;
    int found;

    if (!rd->p->py27) {
        const httpc_span *s = httpc_headers_get(in->headers, in->num_headers, name);
        if (s != NULL)
            *v = *s;
        return s != NULL;
    }
    size_t len = httpc__headers_join(in->headers, in->num_headers, name, strlen(name), in->scratch,
                                     in->scratch_cap, &found);
    if (len > in->scratch_cap) {
        httpc__detail(rd->detail, rd->detail_cap, "%s: a joined value of %zu bytes, scratch of %zu",
                      name, len, in->scratch_cap);
        return HTTPC_E_VALUE_ERROR;
    }
    *v = (httpc_span){in->scratch, len};
    return found;
}

/* `if value and needle in value.lower()` (needle "" only asks for a value
 * that is not empty). Returns 1, 0 or an error. */
static int field_has(const reader *rd, const char *name, const char *needle)
{
    httpc_span v;
    int rc = field(rd, name, &v);

    return rc == 1 ? v.len > 0 && httpc__span_icontains(v, needle) : rc;
}

/* ---- will_close ------------------------------------------------------------ */

/* Whether any Connection field lists `option` (RFC 9110 section 7.6.1: the
 * fields are comma-separated lists, and a second field adds to the first). */
static int connection_option(const httpc_framing_in *in, const char *option)
{
    for (size_t i = 0; i < in->num_headers; i++)
        if (httpc__span_ieq(in->headers[i].name, "connection") &&
            httpc__list_has(in->headers[i].value, option))
            return 1;
    return 0;
}

/* _check_close(); the strict profile follows RFC 9112 section 9.3 instead:
 * every Connection field counts, as whole options, and only "keep-alive"
 * keeps an HTTP/1.0 connection. Returns 1, 0 or an error. */
static int check_close(const reader *rd)
{
    const httpc_framing_in *in = rd->in;
    int rc;

    if (rd->p->strict_rfc)
        return connection_option(in, "close") ||
               (in->version != 11 && !connection_option(in, "keep-alive"));
    if (in->version == 11)
        return field_has(rd, "connection", "close");
    if ((rc = field_has(rd, "keep-alive", "")) != 0 ||
        (rc = field_has(rd, "connection", "keep-alive")) != 0 ||
        (rc = field_has(rd, "proxy-connection", "keep-alive")) != 0)
        return rc < 0 ? rc : 0;
    return 1;
}

/* ---- the strict profile's refusals ------------------------------------------- */

static int all_digits(httpc_span s)
{
    if (s.len == 0 || s.len > 18)
        return 0;
    for (size_t i = 0; i < s.len; i++)
        if (s.ptr[i] < '0' || s.ptr[i] > '9')
            return 0;
    return 1;
}

static int refuse(const reader *rd, int err, const char *what)
{
    httpc__detail(rd->detail, rd->detail_cap, "%s", what);
    return err;
}

/* RFC 9112 section 6: what response splitting and desync rely on. The strict
 * profile refuses the message rather than guess a length (or read until
 * close) from framing fields that disagree. */
static int strict_fields(const reader *rd)
{
    const httpc_framing_in *in = rd->in;
    const httpc_span *cl = NULL;
    int te = 0;

    for (size_t i = 0; i < in->num_headers; i++) {
        const httpc_header *h = &in->headers[i];
        if (httpc__span_ieq(h->name, "transfer-encoding")) {
            if (!httpc__span_ieq(h->value, "chunked")) {
                httpc__detail(rd->detail, rd->detail_cap, "unsupported transfer coding %.*s",
                              (int)h->value.len, h->value.ptr);
                return HTTPC_E_UNKNOWN_TRANSFER_ENCODING;
            }
            if (te++)
                return refuse(rd, HTTPC_E_INVALID_FRAMING, "chunked applied twice");
        } else if (httpc__span_ieq(h->name, "content-length")) {
            if (!all_digits(h->value) ||
                (cl && (cl->len != h->value.len || memcmp(cl->ptr, h->value.ptr, cl->len))))
                return refuse(rd, HTTPC_E_INVALID_FRAMING, "invalid or conflicting Content-Length");
            cl = &h->value;
        }
    }
    if (te && cl)
        return refuse(rd, HTTPC_E_INVALID_FRAMING, "Content-Length with Transfer-Encoding");
    if (te && in->version != 11)
        return refuse(rd, HTTPC_E_INVALID_FRAMING, "Transfer-Encoding in an HTTP/1.0 response");
    return 0;
}

/* ---- the decision -------------------------------------------------------------- */

/* length = int(content-length) unless chunked; a negative or invalid value
 * is None, a huge one saturates (the read then meets EOF: IncompleteRead),
 * what it went past INT64_MAX kept in *over. */
static int content_length(const reader *rd, int64_t *length, uint64_t *over)
{
    httpc_span v;
    uint64_t len;
    int neg = 0, rc = field(rd, "content-length", &v);

    *length = -1;
    *over = 0;
    if (rc == 1 && v.len > 0 && httpc_py_int(v.ptr, v.len, 10, rd->p, &len, &neg) == 0 && !neg) {
        *length = len > INT64_MAX ? INT64_MAX : (int64_t)len;
        *over = len > INT64_MAX ? len - INT64_MAX : 0;
    }
    return rc < 0 ? rc : 0;
}

/* 204, 304, 1xx and the answer to HEAD have no body (RFC 9112 section 6.3
 * (1); begin()'s "does the body have a fixed length? (of zero)"). */
static int bodiless(const httpc_framing_in *in)
{
    return in->status == 204 || in->status == 304 || (in->status >= 100 && in->status < 200) ||
           in->head_request;
}

static httpc_resp_body_kind kind_of(const httpc_framing_in *in, const httpc_framing *f)
{
    if (in->head_request || (bodiless(in) && !f->chunked))
        return HTTPC_RESP_BODY_NONE;
    if (f->chunked)
        return HTTPC_RESP_BODY_CHUNKED;
    return f->length >= 0 ? HTTPC_RESP_BODY_LENGTH : HTTPC_RESP_BODY_UNTIL_CLOSE;
}

/* begin()'s steps in begin()'s order, each field read as the profile reads
 * it; `f` is written only when the head is accepted. */
static int decide(const reader *rd, httpc_framing *f)
{
    httpc_span te;
    int rc;

    if (rd->p->strict_rfc && (rc = strict_fields(rd)) < 0)
        return rc;
    if ((rc = field(rd, "transfer-encoding", &te)) < 0)
        return rc;
    f->chunked = rc == 1 && httpc__span_ieq(te, "chunked");
    if ((f->will_close = check_close(rd)) < 0)
        return f->will_close;
    f->length = -1;
    f->length_over = 0;
    if (!f->chunked && (rc = content_length(rd, &f->length, &f->length_over)) < 0)
        return rc;
    if (bodiless(rd->in)) {
        f->length = 0;
        f->length_over = 0;
        /* CPython still decodes chunks here; RFC 9112 section 6.3 (1): these
         * responses end at their header block whatever the fields say. */
        if (rd->p->strict_rfc)
            f->chunked = 0;
    }
    if (!f->will_close && !f->chunked && f->length < 0)
        f->will_close = 1;
    return 0;
}

int httpc_parse_framing(const httpc_framing_in *in, httpc_framing *out, char *detail,
                        size_t detail_cap)
{
    reader rd = {in, in->profile != NULL ? in->profile : HTTPC__DEFAULT_PROFILE, detail,
                 detail_cap};
    httpc_framing f = {.length = -1, .will_close = 1};
    int rc;

    if (in->version == 9) { /* no headers: the rest of the stream is the body */
        f.kind = HTTPC_RESP_BODY_UNTIL_CLOSE;
        *out = f;
        return 0;
    }
    if ((rc = decide(&rd, &f)) < 0)
        return rc;
    f.kind = kind_of(in, &f);
    *out = f;
    return 0;
}
