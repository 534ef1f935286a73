/* SPDX-License-Identifier: MIT */
/* Chunked transfer coding (RFC 9112 section 7.1) as each profile reads it:
 * the chunk-size line, the trailer section, and an incremental decoder that
 * reproduces CPython 3.11's HTTPResponse._read_chunked and httplib 2.7's
 * _read_chunked outcome for outcome, whatever the input segmentation.
 *
 * What the Python profiles do, from Lib/http/client.py (3.11) and
 * Lib/httplib.py (2.7):
 *   size line  readline(_MAXLINE + 1), LineTooLong("chunk size") when longer
 *              than _MAXLINE; cut at the first ';'; int(line, 16), whose
 *              ValueError becomes IncompleteRead (_get_chunk_left).
 *   data       _safe_read(size): EOF before the end is IncompleteRead.
 *   after data _safe_read(2): two bytes read and dropped, whatever they are.
 *   size 0     _read_and_discard_trailer: lines up to "\r\n" or "\n" (2.7:
 *              "\r\n" only) or EOF, LineTooLong("trailer line"), no count.
 *   size < 0   int() takes a sign: _safe_read(-1) reads to EOF in 3.x and
 *              nothing in 2.7 (see step_size).
 *   size >= 2**63  3.x's read() fails allocating it (OverflowError); read(amt)
 *              streams it, and so does the decoder: IncompleteRead at EOF.
 * The strict profile follows the RFC 9112 grammar instead: strict_size for
 * the size line, step_crlf for the CRLF after the data, trailer_line for the
 * trailer fields (and framing_trailer for the fields refused there); a
 * message cut by EOF is IncompleteRead there too. */
#include "internal.h"
#include "scan.h"

#include <string.h>

#define ST_SIZE HTTPC_CHUNK_SIZE
#define ST_DATA HTTPC_CHUNK_DATA
#define ST_CRLF HTTPC_CHUNK_TERMINATOR
#define ST_TRAILERS HTTPC_CHUNK_TRAILERS
#define ST_DONE HTTPC_CHUNK_DONE
#define ST_NEG HTTPC_CHUNK_TO_EOF

/* The strict profile's chunk-size is at most 16 hex digits, so every size it
 * accepts fits 64 bits and no parser downstream can read it differently. */
#define STRICT_MAX_HEXDIG 16

/* ---- lines ------------------------------------------------------------- */

static int too_long(const httpc_profile *p, const char *what, char *detail, size_t cap)
{
    httpc__detail(detail, cap, "got more than %zu bytes when reading %s", p->max_line, what);
    return HTTPC_E_LINE_TOO_LONG;
}

/* ---- size line: strict (RFC 9112 section 7.1) ---------------------------- */

/* BWS = OWS = *( SP / HTAB ) (RFC 9110 section 5.6.3) */
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

/* quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE, with qdtext =
 * HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text and quoted-pair = "\" (
 * HTAB / SP / VCHAR / obs-text ) (RFC 9110 section 5.6.4): every octet but
 * CTLs, with '"' and '\' only escaped. l[i] is the opening quote. Returns the
 * index after the closing quote, or 0 when malformed. */
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

/* chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ),
 * chunk-ext-name = token, chunk-ext-val = token / quoted-string. l[i..n) is
 * what follows the digits, line terminator excluded. */
static int strict_ext(const char *l, size_t i, size_t n)
{
    while (i < n) {
        size_t s, e;
        i = bws(l, i, n);
        if (i == n || l[i] != ';')
            return -1;
        s = bws(l, i + 1, n);
        i = token(l, s, n);
        if (i == s)
            return -1;
        e = bws(l, i, n);
        if (e < n && l[e] == '=') {
            s = bws(l, e + 1, n);
            i = (s < n && l[s] == '"') ? quoted(l, s, n) : token(l, s, n);
            if (i == 0 || i == s)
                return -1;
        }
    }
    return 0;
}

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/* chunk-size [ chunk-ext ] CRLF with chunk-size = 1*HEXDIG: no sign, no
 * "0x", no '_', no whitespace without an extension, no bare LF, at most 16
 * digits. l[0..n) ends with LF. */
static int strict_size(const char *l, size_t n, httpc_chunk_size *out)
{
    size_t i = 0;
    uint64_t v = 0;
    int d;

    if (n < 3 || l[n - 2] != '\r')
        return -1;
    n -= 2;
    while (i < n && (d = hex_value((unsigned char)l[i])) >= 0)
        v = v << 4 | (uint64_t)d, i++;
    if (i == 0 || i > STRICT_MAX_HEXDIG || strict_ext(l, i, n) < 0)
        return -1;
    out->size = v;
    if (i < n) { /* strict_ext checked that a ';' comes after the BWS */
        const char *semi = memchr(l + i, ';', n - i);
        out->ext = (httpc_span){semi + 1, (size_t)(l + n - semi - 1)};
    }
    return 0;
}

/* ---- size line: Python --------------------------------------------------- */

/* The length of the line without its terminator (LF or CRLF; a last line cut
 * by EOF has none). */
static size_t content_len(const char *l, size_t n)
{
    if (n > 0 && l[n - 1] == '\n')
        n--;
    if (n > 0 && l[n - 1] == '\r')
        n--;
    return n;
}

/* Hex digit value + 1, 0 for every other octet: one load per digit. */
/* clang-format off */
static const unsigned char hex_digit1[256] = {
    ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
    ['8'] = 9, ['9'] = 10, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15,
    ['F'] = 16, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};
/* clang-format on */

/* 1 to 15 hex digits at the start of l[0..n): their count, 0 if none. */
static size_t hex_prefix(const char *l, size_t n, uint64_t *value)
{
    size_t i = 0, lim = n < 15 ? n : 15;
    uint64_t v = 0;
    unsigned d;

    while (i < lim && (d = hex_digit1[(unsigned char)l[i]]) != 0)
        v = v << 4 | (d - 1), i++;
    *value = v;
    return i;
}

/* The common lines, plain digits followed by ';' or the line's end, read
 * without int(): it would give the same value. */
static const char *plain_digits(const char *l, size_t n, uint64_t *size)
{
    size_t i = hex_prefix(l, n, size);

    if (i == 0)
        return NULL;
    if (i < n && l[i] == ';')
        return l + i;
    if (i == n || httpc__is_eol(l + i, n - i))
        return l + n;
    return NULL;
}

/* _read_next_chunk_size: cut at ';', then int(line, 16) with the profile's
 * int() (py3: '_' separators, "0x_" and a sign; 2.7: blanks after the sign;
 * both: bytes whitespace around). */
static int python_size(const char *l, size_t n, const httpc_profile *p, httpc_chunk_size *out)
{
    const char *semi = plain_digits(l, n, &out->size);

    if (semi == NULL) {
        semi = memchr(l, ';', n);
        if (httpc_py_int(l, semi != NULL ? (size_t)(semi - l) : n, 16, p, &out->size,
                         &out->negative) < 0)
            return -1;
    }
    if (semi != NULL && semi != l + n) { /* ';' is neither CR nor LF: stop > semi - l */
        size_t start = (size_t)(semi + 1 - l), stop = content_len(l, n);
        out->ext = (httpc_span){semi + 1, stop - start};
    }
    return 0;
}

/* Parses a complete size line l[0..n) (n == 0 or no LF: cut by EOF). */
static int size_line(const char *l, size_t n, const httpc_profile *p, httpc_chunk_size *out,
                     char *detail, size_t cap)
{
    char repr[80];
    int code = p->strict_rfc ? HTTPC_E_INVALID_FRAMING : HTTPC_E_INCOMPLETE_READ;

    *out = (httpc_chunk_size){.size = 0};
    HTTPC__WORK(n);
    if (p->strict_rfc && (n == 0 || l[n - 1] != '\n')) {
        /* A truncated message: IncompleteRead, the class Python has for it. */
        httpc__detail(detail, cap, "EOF in chunk size line");
        return HTTPC_E_INCOMPLETE_READ;
    }
    if ((p->strict_rfc ? strict_size(l, n, out) : python_size(l, n, p, out)) == 0)
        return 0;
    *out = (httpc_chunk_size){.size = 0};
    httpc__py_repr(repr, sizeof repr, l, n, 1);
    httpc__detail(detail, cap, "invalid chunk size line %s", repr);
    return code;
}

ssize_t httpc_parse_chunk_size(const char *buf, size_t len, int eof, const httpc_profile *p,
                               httpc_chunk_size *out, char *detail, size_t detail_cap)
{
    size_t n, scanned = 0;
    int rc;

    *out = (httpc_chunk_size){.size = 0};
    if (p == NULL)
        p = httpc_profile_get(HTTPC_PROFILE_PY3);
    rc = httpc__next_line(buf, len, eof, p->max_line, &scanned, &n);
    if (rc == HTTPC_E_LINE_TOO_LONG)
        return too_long(p, "chunk size", detail, detail_cap);
    if (rc < 0)
        return rc;
    rc = size_line(buf, n, p, out, detail, detail_cap);
    return rc < 0 ? rc : (ssize_t)n;
}

/* ---- trailer section ----------------------------------------------------- */

/* A strict trailer field is a field line (RFC 9112 section 7.1.2 refers to
 * section 5), so the strict header parser judges it, given that one line: it
 * answers AGAIN for a good field (the block would go on) or the field's
 * error (InvalidHeader: bare LF, whitespace before the colon, CTLs in the
 * value, a line starting with whitespace, ...). An obs-fold line after a
 * field is judged by httpc__strict_fold instead. */
static int strict_field_line(const char *l, size_t n, const httpc_profile *p, char *detail,
                             size_t cap)
{
    httpc_profile one = *p;
    size_t count = 0;
    ssize_t rc;

    one.header_mode = HTTPC_HEADERS_STRICT;
    one.max_headers = SIZE_MAX; /* trailer_line keeps the count */
    rc = httpc_parse_headers(l, n, 0, 0, &one, NULL, &count, detail, cap);
    if (rc == HTTPC_E_AGAIN)
        return 0;
    return rc < 0 ? (int)rc : HTTPC_E_INVALID_HEADER;
}

/* A field that frames the message has no place in the trailer section: RFC
 * 9110 section 6.5.1 says such fields cannot be processed there and a sender
 * must not generate them. We discard trailers, but an intermediary that
 * merges them into the header section would frame the message differently,
 * so the strict profile refuses Content-Length and Transfer-Encoding there
 * (Go's net/http refuses them as declared trailers for the same reason).
 * l[0..n) is a field line the strict header parser accepted, so the name
 * runs up to the colon with no whitespace before it. */
static int framing_trailer(const char *l, size_t n, char *detail, size_t cap)
{
    const char *colon = memchr(l, ':', n);
    httpc_span name = {l, colon != NULL ? (size_t)(colon - l) : 0};

    if (!httpc__span_ieq(name, "content-length") && !httpc__span_ieq(name, "transfer-encoding"))
        return 0;
    httpc__detail(detail, cap, "%.*s in the trailer section", (int)name.len, name.ptr);
    return HTTPC_E_INVALID_FRAMING;
}

/* Judges one trailer line l[0..n) (n == 0 or no LF: cut by EOF), `seen`
 * lines after the last chunk; sets *end when it ends the section. Python:
 * the empty line or EOF ends it (2.7: "\r\n" only, not "\n"). Strict: only
 * CRLF ends it, and EOF first is a truncated message, IncompleteRead. */
static int trailer_line(const char *l, size_t n, const httpc_profile *p, size_t seen, int *end,
                        char *detail, size_t cap)
{
    int rc;

    HTTPC__WORK(n);
    if (p->strict_rfc) {
        if (n == 0 || l[n - 1] != '\n') {
            httpc__detail(detail, cap, "EOF in the trailer section");
            return HTTPC_E_INCOMPLETE_READ;
        }
        *end = n == 2 && l[0] == '\r';
    } else {
        *end = n == 0 || (n == 2 && l[0] == '\r' && l[1] == '\n') ||
               (!p->py27 && n == 1 && l[0] == '\n');
    }
    if (*end)
        return 0;
    if (p->max_trailers && seen >= p->max_trailers) {
        httpc__detail(detail, cap, "got more than %zu trailers", p->max_trailers);
        return HTTPC_E_HTTP_EXCEPTION;
    }
    if (!p->strict_rfc)
        return 0;
    if (seen > 0 && (l[0] == ' ' || l[0] == '\t')) {
        httpc_span piece; /* obs-fold: unfolded (RFC 9112 section 5.2), then discarded */
        return httpc__strict_fold(l, n, &piece, detail, cap);
    }
    rc = strict_field_line(l, n, p, detail, cap);
    return rc < 0 ? rc : framing_trailer(l, n, detail, cap);
}

/* Each line is judged once, when complete; st keeps the lines judged and how
 * far the search for the next one's end got. */
ssize_t httpc_parse_trailers_resume(const char *buf, size_t len, int eof, const httpc_profile *p,
                                    size_t *num_lines, httpc_parse_state *st, char *detail,
                                    size_t detail_cap)
{
    int end = 0;

    if (p == NULL)
        p = httpc_profile_get(HTTPC_PROFILE_PY3);
    while (!end) {
        size_t n;
        int rc =
            httpc__next_line(buf + st->_off, len - st->_off, eof, p->max_line, &st->_scanned, &n);
        if (rc == HTTPC_E_LINE_TOO_LONG)
            return too_long(p, "trailer line", detail, detail_cap);
        if (rc == 0)
            rc = trailer_line(buf + st->_off, n, p, st->_lines, &end, detail, detail_cap);
        if (rc < 0)
            return rc;
        st->_off += n;
        st->_lines += !end;
    }
    if (num_lines != NULL)
        *num_lines = st->_lines;
    return (ssize_t)st->_off;
}

/* When no LF came since the call that returned AGAIN on buf[0..last_len), the
 * answer is AGAIN again unless the pending line is now longer than max_line;
 * otherwise the section is judged again from its start. */
ssize_t httpc_parse_trailers(const char *buf, size_t len, size_t last_len, int eof,
                             const httpc_profile *p, size_t *num_lines, char *detail,
                             size_t detail_cap)
{
    httpc_parse_state st = {0};

    if (p == NULL)
        p = httpc_profile_get(HTTPC_PROFILE_PY3);
    if (!eof && last_len > 0 && last_len <= len &&
        memchr(buf + last_len, '\n', len - last_len) == NULL) {
        if (httpc__pending_line(buf, len, last_len, p->max_line) == HTTPC_E_AGAIN)
            return HTTPC_E_AGAIN;
        return too_long(p, "trailer line", detail, detail_cap);
    }
    return httpc_parse_trailers_resume(buf, len, eof, p, num_lines, &st, detail, detail_cap);
}

/* ---- the decoder ----------------------------------------------------------- */

void httpc_chunked_init(httpc_chunked *c, const httpc_profile *p)
{
    memset(c, 0, sizeof *c);
    c->_profile = p != NULL ? p : httpc_profile_get(HTTPC_PROFILE_PY3);
    c->_state = ST_SIZE;
    c->max_data = UINT64_MAX;
}

int httpc_chunked_done(const httpc_chunked *c)
{
    return c->_state == ST_DONE;
}

httpc_chunk_phase httpc_chunked_phase(const httpc_chunked *c)
{
    return (httpc_chunk_phase)c->_state;
}

size_t httpc_chunked_terminator_left(const httpc_chunked *c)
{
    return c->_state == ST_CRLF ? c->_crlf_left : 0;
}

static int fail(httpc_chunked *c, int err)
{
    c->err = err;
    c->err_used = 0;
    return err;
}

/* An error found after reading `used` bytes of the step's input: a refused
 * line is taken whole (CPython's readline() had consumed it before int() or
 * the header rules judged it), a line too long is max_line + 1 bytes (what
 * readline(_MAXLINE + 1) took), a bad terminator is taken through the
 * offending byte. Counting these makes the position after an error the same
 * however the bytes arrived, which httplib 2.7 depends on: it gives the rest
 * of the stream to the next response. */
static int fail_used(httpc_chunked *c, int err, size_t used)
{
    fail(c, err);
    c->err_used = used;
    return err;
}

static int eof_in(httpc_chunked *c, const char *where, char *detail, size_t cap)
{
    httpc__detail(detail, cap, "EOF in %s", where);
    return fail(c, HTTPC_E_INCOMPLETE_READ); /* err_used set by the caller if any */
}

/* The line nearly every sender writes, 1 to 15 hex digits and CRLF, read
 * without a search for the LF: every profile takes it, with the value int()
 * gives. Returns the line's length, or 0 to take the general path. */
static size_t plain_size_line(const char *in, size_t len, size_t max_line, uint64_t *size)
{
    size_t i = hex_prefix(in, len, size);

    HTTPC__WORK(i + 2);
    if (i == 0 || i + 2 > len || in[i] != '\r' || in[i + 1] != '\n' || i + 2 > max_line)
        return 0;
    return i + 2;
}

static void start_chunk(httpc_chunked *c, uint64_t size)
{
    c->_chunk_got = 0;
    c->_negative = 0;
    c->left = size;
    c->_state = size == 0 ? ST_TRAILERS : ST_DATA;
}

/* A size line. A negative size (py3 and 2.7 int() take a sign) is
 * _safe_read(-1): Python 3's fp.read(-1) reads to EOF and the CRLF read after
 * it fails, so everything up to EOF is data and then IncompleteRead; 2.7's
 * _safe_read loop reads nothing for amt <= 0, so it goes on to the CRLF. */
static ssize_t step_size(httpc_chunked *c, const char *in, size_t len, int eof, char *detail,
                         size_t cap)
{
    const httpc_profile *p = c->_profile;
    httpc_chunk_size cs;
    uint64_t size;
    /* A line already searched in part (c->_scanned) goes on from there: the
     * quick look at its start would read its digits again on every call. */
    size_t n = c->_scanned ? 0 : plain_size_line(in, len, p->max_line, &size);
    int rc;

    if (n > 0) {
        c->_scanned = 0;
        start_chunk(c, size);
        return (ssize_t)n;
    }
    rc = httpc__next_line(in, len, eof, p->max_line, &c->_scanned, &n);
    if (rc == HTTPC_E_LINE_TOO_LONG)
        return fail_used(c, too_long(p, "chunk size", detail, cap), p->max_line + 1);
    if (rc < 0)
        return rc;
    if ((rc = size_line(in, n, p, &cs, detail, cap)) < 0)
        return fail_used(c, rc, n);
    start_chunk(c, cs.size);
    if (cs.negative) {
        c->_negative = 1;
        c->_state = p->neg_chunk_reads_rest ? ST_NEG : ST_CRLF;
        c->_crlf_left = 2;
    }
    return (ssize_t)n;
}

/* The two bytes after a chunk's data: _safe_read(2) drops whatever they are;
 * the strict profile wants exactly CRLF (chunk = chunk-size [ chunk-ext ]
 * CRLF chunk-data CRLF) and calls anything else InvalidFraming, since a
 * length that disagrees with the data is what request smuggling relies on. */
static ssize_t step_crlf(httpc_chunked *c, const char *in, size_t len, int eof, char *detail,
                         size_t cap)
{
    size_t k = len < c->_crlf_left ? len : c->_crlf_left;

    if (c->_profile->strict_rfc) {
        for (size_t i = 0; i < k; i++) {
            if (in[i] != (c->_crlf_left - i == 2 ? '\r' : '\n')) {
                httpc__detail(detail, cap, "chunk data not followed by CRLF");
                return fail_used(c, HTTPC_E_INVALID_FRAMING, i + 1);
            }
        }
    }
    c->_crlf_left -= k;
    if (c->_crlf_left == 0)
        c->_state = ST_SIZE;
    else if (eof) {
        eof_in(c, "chunk terminator", detail, cap);
        c->err_used = k;
        return c->err;
    }
    return k == 0 ? HTTPC_E_AGAIN : (ssize_t)k;
}

/* One trailer line, consumed as soon as it is complete: the caller never has
 * to hold more than one line, however many trailers come. */
static ssize_t step_trailer(httpc_chunked *c, const char *in, size_t len, int eof, char *detail,
                            size_t cap)
{
    const httpc_profile *p = c->_profile;
    size_t n;
    int end, rc = httpc__next_line(in, len, eof, p->max_line, &c->_scanned, &n);

    if (rc == HTTPC_E_LINE_TOO_LONG)
        return fail_used(c, too_long(p, "trailer line", detail, cap), p->max_line + 1);
    if (rc < 0)
        return rc;
    if ((rc = trailer_line(in, n, p, c->_lines, &end, detail, cap)) < 0)
        return fail_used(c, rc, n);
    if (end)
        c->_state = ST_DONE;
    else
        c->_lines++;
    return (ssize_t)n;
}

/* Body bytes of the current chunk (or, after a negative size in py3, of the
 * rest of the stream) at the start of the input, at most `budget` of them. */
static ssize_t take_data(httpc_chunked *c, const char *in, size_t len, int eof, uint64_t budget,
                         httpc_span *run, char *detail, size_t cap)
{
    size_t k = len;

    if (budget == 0)
        return 0; /* the caller wants no data now */
    if (c->_state == ST_DATA && k > c->left)
        k = (size_t)c->left;
    if (k > budget)
        k = (size_t)budget;
    if (k == 0)
        return eof ? eof_in(c, "chunk data", detail, cap) : HTTPC_E_AGAIN;
    *run = (httpc_span){in, k};
    c->total += k;
    c->_chunk_got += k;
    if (c->_state == ST_DATA && (c->left -= k) == 0) {
        c->_state = ST_CRLF;
        c->_crlf_left = 2;
    }
    return (ssize_t)k;
}

/* Lines and terminators up to the next data, from in[off] on: the call
 * stops where the data begins, so a caller that wants only part of it
 * (read(amt)) can pass just that much next time, and knows a chunk ended when
 * the state leaves ST_DATA. */
static ssize_t feed_lines(httpc_chunked *c, const char *in, size_t len, size_t off, int eof,
                          char *detail, size_t cap)
{
    while (c->_state != ST_DONE && c->_state != ST_DATA && c->_state != ST_NEG) {
        ssize_t n;
        if (c->_state == ST_SIZE)
            n = step_size(c, in + off, len - off, eof, detail, cap);
        else if (c->_state == ST_CRLF)
            n = step_crlf(c, in + off, len - off, eof, detail, cap);
        else
            n = step_trailer(c, in + off, len - off, eof, detail, cap);
        if (n == HTTPC_E_AGAIN)
            break;
        if (n < 0) {
            c->err_used += off; /* the lines before the bad one were taken too */
            return n;
        }
        off += (size_t)n;
    }
    return (off == 0 && c->_state != ST_DONE) ? HTTPC_E_AGAIN : (ssize_t)off;
}

/* One step of everything but plain data and plain boundaries: the lines up
 * to the next data, or data the quick path does not take (a negative size's
 * rest of the stream, EOF where data should be). Sets *run when it took
 * data. Out of line, so that the quick loop below keeps its registers. */
__attribute__((noinline)) static ssize_t feed_slow(httpc_chunked *c, const char *in, size_t len,
                                                   int eof, uint64_t budget, httpc_span *run,
                                                   char *detail, size_t cap)
{
    if (c->err) {
        c->err_used = 0;
        return c->err;
    }
    if (c->_state == ST_DATA || c->_state == ST_NEG)
        return take_data(c, in, len, eof, budget, run, detail, cap);
    return feed_lines(c, in, len, 0, eof, detail, cap);
}

/* A failing step after this call took bytes or data: the decoder goes back
 * to where the step began, so the call returns what it took and the next
 * call, given the same bytes, fails at the same place. A call returns data
 * or an error, never both, which keeps callers simple. */
static ssize_t undo_failure(httpc_chunked *c, const httpc_chunked *before, size_t off, char *detail,
                            size_t cap)
{
    *c = *before;
    if (detail != NULL && cap > 0)
        detail[0] = '\0';
    return (ssize_t)off;
}

/* "\r\n" at p, in one load. */
static inline int is_crlf(const char *p)
{
    uint16_t w;

    memcpy(&w, p, 2);
    return w == ('\r' | '\n' << 8); /* x86-64 and every target we build for: little-endian */
}

/* A plain size line at q, 1 to 15 hex digits and CRLF, where q has at
 * least 17 readable bytes: its length, 0 when it is not one. */
static inline size_t plain_line17(const char *q, uint64_t *value)
{
    uint64_t v = 0;
    unsigned d;
    size_t i;

    /* unrolled at -O2 too: no loop counter to keep, the offsets constant */
#pragma GCC unroll 15
    for (i = 0; i < 15; i++) {
        if ((d = hex_digit1[(unsigned char)q[i]]) == 0)
            break;
        v = v << 4 | (d - 1);
    }
    HTTPC__WORK(i + 2);
    *value = v;
    return i > 0 && is_crlf(q + i) ? i + 2 : 0;
}

/* The same with only q[0..n) readable (the end of the input). */
__attribute__((noinline)) static size_t plain_line_short(const char *q, size_t n, uint64_t *value)
{
    size_t i;

    if (n < 3)
        return 0;
    i = hex_prefix(q, n - 2, value);
    HTTPC__WORK(i + 2);
    return i > 0 && is_crlf(q + i) ? i + 2 : 0;
}

/* The loop nearly every body spends its time in: plain boundaries (CRLF
 * after the data, none before the first chunk, then 1 to 15 hex digits and
 * CRLF, which every profile reads alike) and the data after each, with the
 * decoder's fields in registers until it stops. Starts in a chunk's data, in
 * a terminator not begun, or at a size line not begun. Returns 1 when the
 * call ends here, with *offp its answer: the body is done, or the input, the
 * room or the budget ended in or right after data. Returns 0 to go on with
 * the general steps from *offp: a state it does not take, a boundary that is
 * not plain (the last chunk's too unless the empty line follows at once: no
 * trailers), or no input at the start of data (AGAIN or EOF is theirs to
 * say). In the trailers (or after them) a line that looks like a size is a
 * trailer line, not a chunk (the fuzzers' find): never taken here.
 * `bounded`, a constant: whether the budget may end inside the input (two
 * copies of the loop, the common one without the budget's tests). */
static inline __attribute__((always_inline)) int
quick_loop(httpc_chunked *c, const char *in, size_t len, size_t *offp, httpc_span *runs,
           size_t *nruns, size_t room, uint64_t *budget, int bounded)
{
    /* pointers rather than indices: the loop's values all fit in registers */
    const char *p = in + *offp, *end = in + len, *q;
    httpc_span *r = runs + *nruns, *rend = runs + room;
    /* size: the last chunk begun here (0: none), whose data left is `left` */
    uint64_t left = c->left, b = *budget, size = 0, v;
    size_t line, k;
    int state, stop;

    if (c->_state == ST_DATA)
        goto data;
    if (c->_state == ST_SIZE && c->_scanned == 0) {
        q = p;
        line = end - q >= 17 ? plain_line17(q, &v) : plain_line_short(q, (size_t)(end - q), &v);
        goto size_line;
    }
    if (c->_state != ST_CRLF || c->_crlf_left != 2)
        return 0;
    for (;;) {
        /* one test of the room left for the CRLF, a 17-byte line and a byte
         * after it */
        if (end - p >= 20) {
            if (!is_crlf(p))
                goto not_plain;
            q = p + 2;
            line = plain_line17(q, &v);
        } else {
            if (end - p < 2 || !is_crlf(p))
                goto not_plain;
            q = p + 2;
            line = plain_line_short(q, (size_t)(end - q), &v);
            if (line > 0 && q + line == end && r > runs) {
                /* a call that took data ends with its chunk unless the next
                 * one's data is here too: the phase then tells whether the
                 * last run ended its chunk */
                left = 0, state = ST_CRLF, stop = 1;
                goto out;
            }
        }
    size_line:
        if (line == 0)
            goto not_plain;
        if (v == 0) {
            if ((size_t)(end - q) - line < 2 || !is_crlf(q + line))
                goto not_plain; /* trailers, or not all here yet: the general steps */
            p = q + line + 2, left = size = 0, state = ST_DONE, stop = 1;
            goto out;
        }
        p = q + line, left = size = v;
    data:
        k = (size_t)(end - p);
        if (bounded && k > b)
            k = (size_t)b;
        if (left <= k) { /* the whole chunk (the common case) */
            r->ptr = p, r->len = (size_t)left, r++;
            p += left, b -= left;
            if (r == rend || (bounded && b == 0)) {
                left = 0, state = ST_CRLF, stop = 1;
                goto out;
            }
            continue;
        }
        if (k > 0) {
            r->ptr = p, r->len = k, r++;
            p += k, b -= k, left -= k;
        }
        /* the input or the budget ended inside the chunk; with nothing
         * taken the general steps say AGAIN or EOF, unless the budget ended */
        state = ST_DATA, stop = k > 0 || b == 0 || p > in + *offp;
        goto out;
    }
not_plain:
    if (p == in + *offp)
        return 0; /* nothing taken: nothing changed */
    left = 0, state = ST_CRLF, stop = 0;
out:
    if (state == ST_DONE)
        c->_chunk_got = 0;
    else if (size != 0)
        c->_chunk_got = size - left;
    else
        c->_chunk_got += *budget - b;
    c->total += *budget - b;
    /* _scanned is 0 in every state this starts from and leaves */
    if (state == ST_DATA || state == ST_DONE || r != runs + *nruns)
        c->_negative = 0; /* a chunk begun here, or data of one begun before */
    c->left = left, c->_state = state;
    c->_crlf_left = 2; /* read only in ST_CRLF, where a terminator is not begun */
    *offp = (size_t)(p - in), *nruns = (size_t)(r - runs), *budget = b;
    return stop;
}

__attribute__((noinline)) static int quick_chunks(httpc_chunked *c, const char *in, size_t len,
                                                  size_t *offp, httpc_span *runs, size_t *nruns,
                                                  size_t room, uint64_t *budget)
{
    /* A plain line is at most 17 bytes: shorter limits are the general steps'. */
    if (c->_profile->max_line < 17)
        return 0;
    if (*budget >= len - *offp)
        return quick_loop(c, in, len, offp, runs, nruns, room, budget, 0);
    return quick_loop(c, in, len, offp, runs, nruns, room, budget, 1);
}

/* Everything quick_chunks leaves: the general steps, with quick_chunks again
 * whenever they reach a state it takes. */
__attribute__((noinline)) static ssize_t
decode_general(httpc_chunked *c, const char *in, size_t len, size_t off, int eof, httpc_span *runs,
               size_t *nruns, size_t room, uint64_t budget, char *detail, size_t detail_cap)
{
    size_t n = *nruns;
    int again = 0; /* a step wanted more input */

    /* after data, lines that are not plain are the next call's */
    while (c->err == 0 && n == 0) {
        httpc_chunked before;
        httpc_span run = {in + off, 0};
        if (off > 0)
            before = *c;
        ssize_t s = feed_slow(c, in + off, len - off, eof, budget, &run, detail, detail_cap);
        if (s < 0 && s != HTTPC_E_AGAIN) {
            if (off == 0)
                return s;
            *nruns = n;
            return undo_failure(c, &before, off, detail, detail_cap);
        }
        if (s <= 0) {
            again = s == HTTPC_E_AGAIN;
            break;
        }
        off += (size_t)s;
        if (run.len > 0) {
            runs[n++] = run;
            budget -= run.len;
            if (c->_state != ST_CRLF || n == room || budget == 0)
                break; /* the data goes on past the input, or the room is full */
        }
        if (c->_state == ST_DONE)
            break;
        if (n == 0 && c->_state != ST_DATA && c->_state != ST_NEG) {
            again = 1; /* the lines stopped at one not complete */
            break;
        }
        if (quick_chunks(c, in, len, &off, runs, &n, room, &budget))
            break;
    }
    *nruns = n;
    if (c->err != 0 && off == 0) {
        c->err_used = 0;
        return c->err;
    }
    return off == 0 && again ? HTTPC_E_AGAIN : (ssize_t)off;
}

/* httpc_chunked_decode past its first test: out of line, so that a call
 * that is all data needs no frame. */
__attribute__((noinline)) static ssize_t decode_call(httpc_chunked *c, const char *in, size_t len,
                                                     int eof, httpc_span *runs, size_t *nruns,
                                                     char *detail, size_t detail_cap)
{
    size_t room = *nruns, n = 0, off = 0;
    uint64_t budget = room > 0 ? c->max_data : 0;

    *nruns = 0;
    if (c->err != 0) {
        c->err_used = 0;
        return c->err;
    }
    /* nothing new: the answer of a caller waiting for more, at once */
    if (len == 0 && !eof && budget > 0 && c->_state != ST_DONE)
        return HTTPC_E_AGAIN;
    /* the states quick_chunks starts from, tested here (it is out of line);
     * a plain boundary is at least 3 bytes ("1\r\n" first, else "\r\n" and more) */
    if ((c->_state == ST_DATA ||
         (len >= 3 && (c->_state == ST_CRLF ? c->_crlf_left == 2
                                            : c->_state == ST_SIZE && c->_scanned == 0))) &&
        quick_chunks(c, in, len, &off, runs, &n, room, &budget)) {
        *nruns = n;
        return (ssize_t)off;
    }
    *nruns = n;
    if (n > 0) /* after data, lines that are not plain are the next call's */
        return (ssize_t)off;
    return decode_general(c, in, len, off, eof, runs, nruns, room, budget, detail, detail_cap);
}

ssize_t httpc_chunked_decode(httpc_chunked *c, const char *in, size_t len, int eof,
                             httpc_span *runs, size_t *nruns, char *detail, size_t detail_cap)
{
    /* all of it is data of the current chunk (a body arriving in pieces
     * smaller than its chunks): one run, nothing to look at */
    if (c->_state == ST_DATA && c->err == 0 && len > 0 && len < c->left && 0 < *nruns &&
        len <= c->max_data) {
        runs[0] = (httpc_span){in, len};
        *nruns = 1;
        c->left -= len, c->total += len, c->_chunk_got += len;
        return (ssize_t)len;
    }
    return decode_call(c, in, len, eof, runs, nruns, detail, detail_cap);
}

size_t httpc__chunked_rewind(httpc_chunked *c, const char *in, const httpc_span *runs, size_t keep,
                             uint64_t total, uint64_t chunk_got, int began_in_data)
{
    const httpc_span *last = &runs[keep - 1];

    for (size_t i = 0; i < keep; i++)
        total += runs[i].len;
    /* a chunk begun in the call is whole in its one run */
    c->_chunk_got = keep == 1 && began_in_data ? chunk_got + last->len : last->len;
    c->total = total;
    c->left = 0, c->_state = ST_CRLF, c->_crlf_left = 2;
    c->_negative = 0, c->_scanned = 0;
    return (size_t)(last->ptr + last->len - in);
}

ssize_t httpc_chunked_feed(httpc_chunked *c, const char *in, size_t len, int eof, const char **data,
                           size_t *data_len, char *detail, size_t detail_cap)
{
    httpc_span run;
    size_t nruns = 1;
    ssize_t n = httpc_chunked_decode(c, in, len, eof, &run, &nruns, detail, detail_cap);

    *data = nruns > 0 ? run.ptr : in;
    *data_len = nruns > 0 ? run.len : 0;
    return n;
}
