/* SPDX-License-Identifier: MIT */
/* HTTPResponse: begin() (status line, 1xx, headers, framing) and the body
 * reads, with CPython 3.11's semantics (httplib 2.7's under py27). The body
 * streams through a fixed buffer: memory stays flat however large it is. */
#include "scan.h"
#include "transport.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RESP_BUFSIZE 8192 /* io.DEFAULT_BUFFER_SIZE, what makefile('rb') buffers */

struct httpc_resp {
    int refs;
    httpc__transport *t; /* fp: NULL once the connection side is closed */
    const httpc_profile *p;
    int debuglevel;
    int head_method; /* self._method == "HEAD" */
    int closed;      /* close() was called (IOBase.closed) */
    char *buf;       /* the read buffer: bytes [pos, end) are unread */
    size_t cap, pos, end;
    int eof;
    int status, version, will_close, chunked;
    int64_t length; /* -1: None */
    char *reason;      /* the reason phrase, NUL-terminated for convenience */
    size_t reason_len; /* its length: the phrase may hold NUL bytes */
    char *head; /* the header block, which the spans of hdrs point into */
    size_t head_len;
    httpc_header *hdrs;
    size_t nhdrs;
    httpc_chunked dec;
    int64_t partial, expected, partial_offset;
    char crlf_seen[2]; /* the chunk terminator's bytes read so far (2.7's e.partial) */
    char errmsg[256];
};

int httpc__resp_new(httpc__transport *t, const httpc_profile *p, int debuglevel, const char *method,
                    httpc_resp **out)
{
    httpc_resp *r = calloc(1, sizeof *r);

    *out = NULL;
    if (r == NULL || (r->buf = malloc(RESP_BUFSIZE)) == NULL) {
        free(r);
        return HTTPC_E_NOMEM;
    }
    r->refs = 1;
    r->t = httpc__transport_ref(t);
    r->p = p;
    r->cap = RESP_BUFSIZE;
    r->debuglevel = debuglevel;
    r->head_method = method != NULL && strcmp(method, "HEAD") == 0;
    r->length = -1;
    r->expected = -1;
    *out = r;
    return 0;
}

httpc_resp *httpc__resp_retain(httpc_resp *r)
{
    r->refs++;
    return r;
}

/* _close_conn(): fp.close(). Python 3's buffered makefile drops what it read
 * ahead; httplib 2.7 read nothing ahead (makefile('rb', 0)), so those bytes
 * go back to the socket for whoever reads it next. strict gives them back
 * too, so the connection sees that data came with no request outstanding
 * however the reads were cut (RFC 9112 section 9.2; conn.c). */
static void close_conn(httpc_resp *r)
{
    if (r->t != NULL && (r->p->py27 || r->p->strict_rfc) && r->end > r->pos)
        httpc__transport_unread(r->t, r->buf + r->pos, r->end - r->pos);
    r->pos = r->end = 0;
    httpc__transport_unref(r->t);
    r->t = NULL;
}

void httpc_resp_free(httpc_resp *r)
{
    if (r == NULL || --r->refs > 0)
        return;
    close_conn(r);
    free(r->buf);
    free(r->reason);
    free(r->head);
    free(r->hdrs);
    free(r);
}

/* A copy of n bytes that may hold NUL, with one more NUL after them. */
static char *memdup0(const char *s, size_t n)
{
    char *d = malloc(n + 1);

    if (d != NULL) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static int fail(httpc_resp *r, int err)
{
    if (err == HTTPC_E_NOMEM)
        snprintf(r->errmsg, sizeof r->errmsg, "out of memory");
    return err;
}

/* ---- the read buffer ---------------------------------------------------- */

/* One recv() from the transport: its error message kept, EOF noted. */
static ssize_t recv_into(httpc_resp *r, char *dst, size_t cap)
{
    ssize_t n = httpc__transport_recv(r->t, dst, cap);
    if (n < 0)
        snprintf(r->errmsg, sizeof r->errmsg, "%s", r->t->errmsg);
    else if (n == 0)
        r->eof = 1;
    return n;
}

/* Reads more bytes into the buffer, growing it up to `limit` bytes of
 * unconsumed data (a line or a head must fit whole). Returns the count read,
 * 0 at EOF, or an error. */
static ssize_t fill(httpc_resp *r, size_t limit)
{
    ssize_t n;

    if (r->t == NULL || r->eof)
        return 0;
    if (r->pos > 0 && (r->end == r->cap || r->pos == r->end)) {
        memmove(r->buf, r->buf + r->pos, r->end - r->pos);
        r->end -= r->pos;
        r->pos = 0;
    }
    if (r->end == r->cap) {
        size_t cap = r->cap * 2;
        if (cap > limit + 1)
            cap = limit + 1;
        char *p = cap > r->cap ? realloc(r->buf, cap) : NULL;
        if (p == NULL)
            return fail(r, HTTPC_E_NOMEM);
        r->buf = p;
        r->cap = cap;
    }
    if ((n = recv_into(r, r->buf + r->end, r->cap - r->end)) > 0)
        r->end += (size_t)n;
    return n;
}

/* Limit for a head being parsed: every line may be max_line long. */
static size_t head_limit(const httpc_profile *p)
{
    size_t lines = p->max_headers + 2;
    return lines > SIZE_MAX / (p->max_line + 1) ? SIZE_MAX / 2 : lines * (p->max_line + 1);
}

/* The next line of the buffer as readline(max_line + 1) gives it, reading
 * more as needed (each byte searched once): 0 and *len, or an error
 * (LINE_TOO_LONG without detail). */
static int next_line(httpc_resp *r, size_t *len)
{
    size_t scanned = 0;

    for (;;) {
        int rc = httpc__next_line(r->buf + r->pos, r->end - r->pos, r->eof, r->p->max_line,
                                  &scanned, len);
        if (rc != HTTPC_E_AGAIN)
            return rc;
        ssize_t got = fill(r, r->p->max_line + 1);
        if (got < 0)
            return (int)got;
    }
}

/* ---- debug output (set_debuglevel) --------------------------------------- */

/* repr(s) to stdout: as_bytes 1 is a bytes repr, 0 a str repr of the
 * ISO-8859-1 text; `skip` drops leading characters (2.7's byte strings
 * print as a bytes repr without its b). */
static void put_repr(const char *s, size_t n, int as_bytes, int skip)
{
    size_t need = httpc__py_repr(NULL, 0, s, n, as_bytes) + 1;
    char *buf = malloc(need);

    if (buf == NULL)
        return;
    httpc__py_repr(buf, need, s, n, as_bytes);
    fputs(buf + skip, stdout);
    free(buf);
}

/* print(tag, repr(line)) for a line Python 3 decoded as ISO-8859-1 and 2.7
 * kept as a byte string. */
static void debug_repr(const httpc_resp *r, const char *tag, const char *s, size_t n)
{
    int py27 = r->p->py27 != 0;

    printf("%s ", tag);
    put_repr(s, n, py27, py27);
    putchar('\n');
}

/* Text that Python 3 holds as a str decoded from ISO-8859-1 and print()s to
 * a UTF-8 stdout; 2.7 prints its byte strings as they are. */
static void print_text(const httpc_resp *r, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80 || r->p->py27) {
            putchar(c);
        } else {
            putchar(0xc0 | (c >> 6));
            putchar(0x80 | (c & 0x3f));
        }
    }
}

/* print("headers:", skipped_headers): the list of the 100 response's lines
 * as bytes, with the b'' that readline gave at EOF when no empty line came. */
static void debug_skipped(const char *s, size_t n)
{
    size_t i = 0, k;
    int ended = 0;

    printf("headers: [");
    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        k = nl ? (size_t)(nl - s) + 1 - i : n - i;
        if (i > 0)
            printf(", ");
        put_repr(s + i, k, 1, 0);
        ended = (k == 1 && s[i] == '\n') || (k == 2 && s[i] == '\r' && s[i + 1] == '\n');
        i += k;
    }
    if (!ended) {
        if (n > 0)
            printf(", ");
        put_repr("", 0, 1, 0);
    }
    printf("]\n");
}

/* ---- begin() ------------------------------------------------------------ */

/* _read_status: "reply:" is printed as soon as the line is read, before it
 * is judged; a line refused is consumed (httplib 2.7's unbuffered readline
 * took it off the socket). */
static int read_status(httpc_resp *r, httpc_status_line *sl)
{
    size_t last = 0; /* the length seen by the call that said AGAIN */

    for (;;) {
        size_t avail = r->end - r->pos;
        ssize_t n = httpc_parse_status_line_resume(r->buf + r->pos, avail, last, r->eof, r->p, sl,
                                                   r->errmsg, sizeof r->errmsg);
        if (n != HTTPC_E_AGAIN) {
            size_t len = 0;
            int whole = (n < 0 || r->debuglevel > 0) && n != HTTPC_E_LINE_TOO_LONG &&
                        httpc__readline(r->buf + r->pos, avail, r->eof, r->p->max_line, &len) == 0;
            if (whole && r->debuglevel > 0)
                debug_repr(r, "reply:", r->buf + r->pos, len);
            if (whole && n < 0)
                r->pos += len;
            return (int)n;
        }
        last = avail;
        ssize_t got = fill(r, r->p->max_line + 1);
        if (got < 0)
            return (int)got;
    }
}

/* Runs the header parser until it has a complete result, reading more only
 * while a line is incomplete. The parser's state is kept across the reads,
 * so a head arriving in small pieces is parsed once, each line when it is
 * complete, in time linear in its length. */
static ssize_t parse_head(httpc_resp *r, const httpc_profile *p, httpc_header *h, size_t *nh)
{
    httpc_parse_state st = {0};

    for (;;) {
        size_t n = *nh;
        ssize_t rc = httpc_parse_headers_resume(r->buf + r->pos, r->end - r->pos, r->eof, p, h, &n,
                                                &st, r->errmsg, sizeof r->errmsg);
        if (rc != HTTPC_E_AGAIN) {
            *nh = n;
            return rc;
        }
        ssize_t got = fill(r, head_limit(p));
        if (got < 0)
            return got;
    }
}

static int is_blank_bytes(const char *l, size_t n)
{
    size_t k = 0;

    while (k < n && httpc__py_isspace_bytes((unsigned char)l[k]))
        k++;
    return k == n;
}

/* Takes the next header line whole (readline(_MAXLINE + 1)): its start and
 * length, or LineTooLong with CPython's "header line" message. */
static int skip_line(httpc_resp *r, const char **l, size_t *len)
{
    int rc = next_line(r, len);
    if (rc == HTTPC_E_LINE_TOO_LONG)
        httpc__detail(r->errmsg, sizeof r->errmsg,
                      "got more than %zu bytes when reading header line", r->p->max_line);
    if (rc < 0)
        return rc;
    *l = r->buf + r->pos;
    r->pos += *len;
    return 0;
}

/* httplib 2.7: lines up to one that .strip()s to nothing, each printed
 * stripped ("header: ...") at debug level. */
static int skip_continue_py27(httpc_resp *r)
{
    for (;;) {
        size_t len;
        const char *l;
        int rc = skip_line(r, &l, &len);
        if (rc < 0)
            return rc;
        if (is_blank_bytes(l, len))
            return 0;
        if (r->debuglevel > 0) {
            size_t a = 0, b = len;
            while (httpc__py_isspace_bytes((unsigned char)l[a]))
                a++;
            while (httpc__py_isspace_bytes((unsigned char)l[b - 1]))
                b--;
            printf("header: %.*s\n", (int)(b - a), l + a);
        }
    }
}

/* The headers of a 100 response are read and dropped: 3.x's _read_headers
 * has the line rules and limits of the header parser, fields unused. */
static int skip_continue_headers(httpc_resp *r)
{
    size_t zero = 0;
    ssize_t n;

    if (r->p->py27)
        return skip_continue_py27(r);
    httpc_profile p = *r->p;
    p.header_mode = p.strict_rfc ? HTTPC_HEADERS_STRICT : HTTPC_HEADERS_PY3;
    if ((n = parse_head(r, &p, NULL, &zero)) < 0)
        return (int)n;
    if (r->debuglevel > 0)
        debug_skipped(r->buf + r->pos, (size_t)n);
    r->pos += (size_t)n;
    return 0;
}

/* RFC 9112 section 5.2: a user agent "MUST replace each received obs-fold
 * with one or more SP octets prior to interpreting the field value". The
 * strict parser gives a folded value as one span over its lines, which it
 * may not rewrite; the response's own copy of the head may be. Each run of
 * whitespace holding a CRLF (a fold, or several with blank lines between)
 * becomes one SP; CR and LF are in a strict value only there. The value
 * only shrinks, so the rewrite is done in place. Returns the new length. */
static size_t unfold(char *v, size_t n)
{
    size_t w = 0;

    for (size_t i = 0; i < n;) {
        if (v[i] != '\r' && v[i] != '\n') {
            v[w++] = v[i++];
            continue;
        }
        while (w > 0 && (v[w - 1] == ' ' || v[w - 1] == '\t'))
            w--;
        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == '\r' || v[i] == '\n'))
            i++;
        v[w++] = ' ';
    }
    return w;
}

/* Copies the head out of the read buffer so the spans outlive refills. */
static int keep_headers(httpc_resp *r, httpc_header *h, size_t n, size_t head_len)
{
    const char *base = r->buf + r->pos;

    r->head = malloc(head_len ? head_len : 1);
    if (r->head == NULL)
        return fail(r, HTTPC_E_NOMEM);
    memcpy(r->head, base, head_len);
    for (size_t i = 0; i < n; i++) {
        if (h[i].name.ptr != NULL)
            h[i].name.ptr = r->head + (h[i].name.ptr - base);
        h[i].value.ptr = r->head + (h[i].value.ptr - base);
    }
    for (size_t i = 0; i < n && r->p->header_mode == HTTPC_HEADERS_STRICT; i++) {
        char *v = r->head + (h[i].value.ptr - r->head);
        if (memchr(v, '\n', h[i].value.len) != NULL)
            h[i].value.len = unfold(v, h[i].value.len);
    }
    r->head_len = head_len;
    r->hdrs = h;
    r->nhdrs = n;
    return 0;
}

/* The raw line of head[0..len) that holds header entry h (2.7's msg.headers
 * keeps lines as read). A stripped empty continuation points just past its
 * line, hence the step back. */
static httpc_span raw_line(const char *head, size_t len, const httpc_header *h)
{
    const char *q = h->name.ptr ? h->name.ptr : h->value.ptr, *end = head + len, *a, *b;

    if (h->name.ptr == NULL && h->value.len == 0 && q > head && q[-1] == '\n')
        q--;
    for (a = q; a > head && a[-1] != '\n'; a--)
        ;
    b = q < end ? memchr(q, '\n', (size_t)(end - q)) : NULL;
    return (httpc_span){a, b ? (size_t)(b + 1 - a) : (size_t)(end - a)};
}

/* 3.x: print("header:", hdr + ":", val) per field; 2.7: print "header:",
 * hdr, per raw line (the line keeps its own terminator). */
static void debug_headers(const httpc_resp *r, size_t head_len)
{
    for (size_t i = 0; i < r->nhdrs; i++) {
        const httpc_header *h = &r->hdrs[i];
        printf("header: ");
        if (r->p->py27) {
            httpc_span l = raw_line(r->head, head_len, h);
            fwrite(l.ptr, 1, l.len, stdout);
            continue;
        }
        print_text(r, h->name.ptr, h->name.len);
        printf(": ");
        print_text(r, h->value.ptr, h->value.len);
        putchar('\n');
    }
}

static int read_headers(httpc_resp *r)
{
    size_t cap = r->p->max_headers + 2, n;
    httpc_header *h;
    ssize_t len;

    if (cap > 4096)
        cap = 4096;
    for (;;) {
        if ((h = calloc(cap, sizeof *h)) == NULL)
            return fail(r, HTTPC_E_NOMEM);
        n = cap;
        len = parse_head(r, r->p, h, &n);
        /* Bare CRs split one line into several fields in Python 3's email
         * parser, so the fields may outnumber the lines: grow and parse again
         * (the block is complete by now, so nothing is read twice). */
        if (len != HTTPC_E_NOMEM || cap > SIZE_MAX / 4 / sizeof *h)
            break;
        free(h);
        cap *= 4;
    }
    if (len < 0 || keep_headers(r, h, n, (size_t)len) < 0) {
        free(h);
        return len < 0 ? (int)len : HTTPC_E_NOMEM;
    }
    r->pos += (size_t)len;
    if (r->debuglevel > 0)
        debug_headers(r, (size_t)len);
    return 0;
}

/* The framing part of begin(): httpc_parse_framing decides, the response
 * keeps what it says. httplib 2.7 joins repeated fields, which needs room:
 * never more than the header block itself. */
static int framing(httpc_resp *r)
{
    httpc_framing_in in = {.profile = r->p,
                           .status = r->status,
                           .version = r->version,
                           .head_request = r->head_method,
                           .headers = r->hdrs,
                           .num_headers = r->nhdrs};
    httpc_framing f;
    int rc;

    if (r->p->py27 && (in.scratch = malloc(r->head_len + 1)) == NULL)
        return fail(r, HTTPC_E_NOMEM);
    in.scratch_cap = r->p->py27 ? r->head_len : 0;
    rc = httpc_parse_framing(&in, &f, r->errmsg, sizeof r->errmsg);
    free(in.scratch);
    if (rc < 0)
        return rc;
    r->chunked = f.chunked;
    r->length = f.length;
    r->will_close = f.will_close;
    if (r->chunked)
        httpc_chunked_init(&r->dec, r->p);
    return 0;
}

/* Whether begin() skips a response with this status: CPython skips 100
 * alone; RFC 9110 section 15.2 has a client skip every 1xx but 101, after
 * which the connection speaks another protocol (the strict profile). */
static int interim(const httpc_resp *r, int status)
{
    if (r->p->strict_rfc)
        return status >= 100 && status < 200 && status != HTTPC_STATUS_SWITCHING_PROTOCOLS;
    return status == HTTPC_STATUS_CONTINUE;
}

static int begin(httpc_resp *r)
{
    httpc_status_line sl;
    int rc;

    for (;;) {
        if ((rc = read_status(r, &sl)) < 0)
            return rc;
        r->pos += (size_t)rc;
        if (sl.http09 || !interim(r, sl.status))
            break;
        if ((rc = skip_continue_headers(r)) < 0)
            return rc;
    }
    r->status = sl.status;
    r->version = sl.version_num;
    r->reason = memdup0(sl.reason.ptr, sl.reason.len), r->reason_len = sl.reason.len;
    if (r->reason == NULL)
        return fail(r, HTTPC_E_NOMEM);
    /* HTTP/0.9 has no headers: the rest of the stream is the body */
    if (r->version != 9 && (rc = read_headers(r)) < 0)
        return rc;
    return framing(r);
}

int httpc__resp_begin(httpc_resp *r)
{
    int rc = begin(r);

    if (r->debuglevel > 0)
        fflush(stdout);
    return rc;
}

/* _tunnel's header loop: lines up to an empty one or EOF, bounded in length
 * only; 3.x ends at "\r\n" or "\n" and prints each line at debug level,
 * 2.7 ends at "\r\n" alone. */
static int skip_tunnel_headers(httpc_resp *r, int debuglevel)
{
    for (;;) {
        size_t len;
        const char *l;
        int rc = skip_line(r, &l, &len);
        if (rc < 0)
            return rc;
        if (len == 0 || (len == 2 && l[0] == '\r' && l[1] == '\n') ||
            (len == 1 && l[0] == '\n' && !r->p->py27))
            return 0;
        if (debuglevel > 0 && !r->p->py27) {
            printf("header: ");
            fwrite(l, 1, len, stdout); /* print('header:', line.decode()) */
            putchar('\n');
        }
    }
}

int httpc__resp_tunnel_reply(httpc_resp *r, int debuglevel, char *detail, size_t cap)
{
    httpc_status_line sl;
    int rc = read_status(r, &sl);

    if (rc >= 0) {
        r->pos += (size_t)rc;
        if (sl.http09) {
            httpc__detail(detail, cap, "Invalid response from tunnel request");
            return HTTPC_E_OS_ERROR;
        }
        if (sl.status != 200) {
            httpc__detail(detail, cap, "Tunnel connection failed: %d %.*s", sl.status,
                          (int)sl.reason.len, sl.reason.ptr);
            return HTTPC_E_OS_ERROR;
        }
        rc = skip_tunnel_headers(r, debuglevel);
        if (debuglevel > 0)
            fflush(stdout);
    }
    if (rc < 0)
        httpc__detail(detail, cap, "%s", r->errmsg);
    return rc;
}

/* ---- accessors ---------------------------------------------------------- */

size_t httpc__resp_bufcap(const httpc_resp *r)
{
    return r->cap;
}

int httpc_resp_status(const httpc_resp *r)
{
    return r->status;
}

const char *httpc_resp_reason(const httpc_resp *r)
{
    return r->reason ? r->reason : "";
}

httpc_span httpc_resp_reason_span(const httpc_resp *r)
{
    return (httpc_span){httpc_resp_reason(r), r->reason ? r->reason_len : 0};
}

int httpc_resp_version(const httpc_resp *r)
{
    return r->version;
}

int httpc_resp_will_close(const httpc_resp *r)
{
    return r->will_close;
}

int httpc_resp_chunked(const httpc_resp *r)
{
    return r->chunked;
}

int64_t httpc_resp_length(const httpc_resp *r)
{
    return r->length;
}

size_t httpc_resp_header_count(const httpc_resp *r)
{
    return r->nhdrs;
}

const char *httpc_resp_errmsg(const httpc_resp *r)
{
    return r->errmsg;
}

int httpc_resp_isclosed(const httpc_resp *r)
{
    return r->t == NULL;
}

/* 3.0-3.5 close the response itself once the body is read (read(): "self.
 * close()  # we read everything"; the documents' `while not r1.closed`
 * loop); 3.6+ only in close() (run: 3.6.15, 3.11). */
int httpc_resp_closed(const httpc_resp *r)
{
    return r->closed || (r->p->closed_at_eof && r->t == NULL);
}

int httpc_resp_fileno(const httpc_resp *r)
{
    return r->t ? r->t->vt->fileno(r->t) : -1;
}

void httpc_resp_incomplete(const httpc_resp *r, int64_t *partial, int64_t *expected,
                           int64_t *offset)
{
    if (partial)
        *partial = r->partial;
    if (expected)
        *expected = r->expected;
    if (offset)
        *offset = r->partial_offset;
}

void httpc_resp_close(httpc_resp *r)
{
    r->closed = 1;
    close_conn(r);
}

int httpc_resp_header_at(const httpc_resp *r, size_t i, httpc_span *name, httpc_span *value)
{
    if (i >= r->nhdrs)
        return HTTPC_E_NOT_FOUND;
    *name = r->hdrs[i].name;
    *value = r->hdrs[i].value;
    return 0;
}

/* getheader(): values joined with ", " (3.x get_all; 2.7 addheader), 2.7's
 * continuation lines appended as "\n " + line (addcontinue). */
ssize_t httpc_resp_getheader(const httpc_resp *r, const char *name, char *buf, size_t cap)
{
    return httpc_resp_getheader_n(r, name, strlen(name), buf, cap);
}

static int name_is(httpc_span name, const char *s, size_t len)
{
    return name.ptr != NULL && name.len == len && httpc__ieq(name.ptr, s, len);
}

ssize_t httpc_resp_getheader_n(const httpc_resp *r, const char *name, size_t name_len, char *buf,
                               size_t cap)
{
    int found;
    size_t n = httpc__headers_join(r->hdrs, r->nhdrs, name, name_len, buf, cap, &found);

    if (cap > 0)
        buf[n < cap ? n : cap - 1] = '\0';
    return found ? (ssize_t)n : HTTPC_E_NOT_FOUND;
}

/* email.message.Message.get_all(name)[k]: the k-th field called `name`. */
int httpc_resp_get_all(const httpc_resp *r, const char *name, size_t name_len, size_t k,
                       httpc_span *value)
{
    for (size_t i = 0; i < r->nhdrs; i++)
        if (name_is(r->hdrs[i].name, name, name_len) && k-- == 0) {
            *value = r->hdrs[i].value;
            return 0;
        }
    return HTTPC_E_NOT_FOUND;
}

/* Whether field i's name came earlier (case-insensitively). */
static int seen_before(const httpc_resp *r, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (name_is(r->hdrs[j].name, r->hdrs[i].name.ptr, r->hdrs[i].name.len))
            return 1;
    return 0;
}

int httpc_resp_name_at(const httpc_resp *r, size_t k, httpc_span *name)
{
    for (size_t i = 0; i < r->nhdrs; i++)
        if (r->hdrs[i].name.ptr != NULL && !seen_before(r, i) && k-- == 0) {
            *name = r->hdrs[i].name;
            return 0;
        }
    return HTTPC_E_NOT_FOUND;
}

/* ---- body --------------------------------------------------------------- */

/* Where body bytes go: a caller buffer (read(amt)) or a sink (read()). */
typedef struct out_t {
    char *dst;
    httpc_sink_fn sink;
    void *ctx;
    uint64_t want; /* UINT64_MAX: unbounded */
    uint64_t got;
    uint64_t committed;   /* bytes of completed pieces */
    uint64_t piece_start; /* where the current piece began */
    int stopped;          /* the sink stopped the read: the caller's error, not the stream's */
} out_t;

static int deliver(out_t *o, const char *data, size_t len)
{
    if (o->dst != NULL)
        memcpy(o->dst + o->got, data, len);
    else if (o->sink != NULL && len > 0) {
        int rc = o->sink(o->ctx, data, len);
        if (rc != 0) {
            o->stopped = 1;
            return rc;
        }
    }
    o->got += len;
    return 0;
}

/* A body read that failed (rc < 0). CPython leaves the connection as it is;
 * the strict profile closes it: after a framing error, a timeout or an
 * early EOF nobody knows where the next response would start, and RFC 9112
 * section 6.3 says a recipient whose Content-Length body was cut by a close
 * or a timeout "MUST consider the message to be incomplete and close the
 * connection". A sink's own error is the caller's business and changes
 * nothing. Returns rc. */
static int body_failed(httpc_resp *r, const out_t *o, int rc)
{
    if (rc < 0 && r->p->strict_rfc && !o->stopped && r->t != NULL) {
        httpc__transport_abandon(r->t);
        close_conn(r);
    }
    return rc;
}

/* IncompleteRead(partial of `got` bytes, `lack` more expected), as
 * _safe_read raises it. */
static int incomplete(httpc_resp *r, uint64_t got, uint64_t lack)
{
    r->partial = (int64_t)got; /* both <= the length, <= INT64_MAX */
    r->partial_offset = 0;
    r->expected = (int64_t)lack;
    snprintf(r->errmsg, sizeof r->errmsg, "IncompleteRead(%llu bytes read, %llu more expected)",
             (unsigned long long)got, (unsigned long long)lack);
    return HTTPC_E_INCOMPLETE_READ;
}

/* With the buffer empty and at least a buffer's worth wanted, bytes go from
 * the transport straight to the caller (BufferedReader.readinto does the
 * same): a large body is not copied twice nor cut into buffer-sized reads.
 * Never more than `want`, so nothing past the body is taken. Returns the
 * count, 0 at EOF, or an error; -2 (HTTPC_E_NOT_FOUND) when not applicable. */
static ssize_t read_direct(httpc_resp *r, out_t *o)
{
    uint64_t left = o->want - o->got;
    if (o->dst == NULL || left < r->cap || r->t == NULL || r->eof)
        return HTTPC_E_NOT_FOUND;
    ssize_t n = recv_into(r, o->dst + o->got, left > SSIZE_MAX ? SSIZE_MAX : (size_t)left);
    if (n > 0)
        o->got += (uint64_t)n;
    return n;
}

/* fp.read(n): up to `want` bytes, stopping only at EOF. */
static int read_raw(httpc_resp *r, out_t *o)
{
    while (o->got < o->want) {
        size_t avail = r->end - r->pos, k;
        if (avail == 0) {
            ssize_t n = read_direct(r, o);
            if (n == HTTPC_E_NOT_FOUND)
                n = fill(r, r->cap);
            else if (n > 0)
                continue;
            if (n < 0)
                return (int)n;
            if (n == 0)
                return 0;
            continue;
        }
        k = avail < o->want - o->got ? avail : (size_t)(o->want - o->got);
        int rc = deliver(o, r->buf + r->pos, k);
        if (rc != 0)
            return rc;
        r->pos += k;
    }
    return 0;
}

/* The figures of IncompleteRead after a chunked read failed. CPython 3 keeps
 * only the pieces _safe_read completed (`committed`) and never an expected
 * count; httplib 2.7 raises _safe_read's own IncompleteRead: the torn piece
 * and what it lacked, and for the chunk's CRLF the bytes of the CRLF. */
static int end_piece(out_t *o);

/* 2.7's _safe_read(2) of a chunk's CRLF hit EOF: e.partial is the bytes of
 * the terminator it read, whatever they were (2.7 does not check them). They
 * are not body data: read(amt) puts them at the start of buf (the contract
 * of httpc_resp_read), read() hands them to the sink after a piece mark. */
static void torn_terminator(httpc_resp *r, out_t *o)
{
    size_t k = 2 - httpc_chunked_terminator_left(&r->dec);

    r->partial = (int64_t)k;
    r->expected = (int64_t)httpc_chunked_terminator_left(&r->dec);
    r->partial_offset = 0;
    if (o->dst != NULL) {
        memcpy(o->dst, r->crlf_seen, k < o->want ? k : (size_t)o->want);
    } else if (o->sink != NULL && end_piece(o) == 0) {
        r->partial_offset = (int64_t)o->got;
        o->sink(o->ctx, r->crlf_seen, k);
    }
}

/* Keeps the terminator bytes the next feed will take (the decoder does not). */
static void note_terminator(httpc_resp *r, size_t len)
{
    size_t have = 2 - httpc_chunked_terminator_left(&r->dec);

    for (size_t i = 0; i < len && have + i < 2; i++)
        r->crlf_seen[have + i] = r->buf[r->pos + i];
}

static int chunk_error(httpc_resp *r, out_t *o, int rc)
{
    r->pos += r->dec.err_used; /* what the failing readline() had consumed */
    r->partial = (int64_t)o->committed;
    r->expected = -1;
    r->partial_offset = 0;
    body_failed(r, o, rc); /* strict: closed, whatever the error */
    if (rc != HTTPC_E_INCOMPLETE_READ)
        return rc;
    if (r->p->py27 && httpc_chunked_phase(&r->dec) == HTTPC_CHUNK_DATA) {
        uint64_t piece = o->got - o->piece_start, lack = o->want - o->got;
        uint64_t expected = r->dec.left < lack ? r->dec.left : lack;
        r->partial = (int64_t)piece;
        r->partial_offset = (int64_t)o->piece_start;
        r->expected = expected > INT64_MAX ? INT64_MAX : (int64_t)expected;
        if (o->dst != NULL) /* the contract: e.partial at the start of buf */
            memmove(o->dst, o->dst + o->piece_start, (size_t)piece);
    } else if (r->p->py27 && httpc_chunked_phase(&r->dec) == HTTPC_CHUNK_TERMINATOR) {
        torn_terminator(r, o);
    }
    /* int(line, 16) failed: "close the connection as protocol
     * synchronisation is probably lost" (_read_next_chunk_size) */
    if (httpc_chunked_phase(&r->dec) == HTTPC_CHUNK_SIZE)
        close_conn(r);
    return rc;
}

/* A piece (one _safe_read) ends with its chunk or with the caller's amount. */
static int end_piece(out_t *o)
{
    int rc = o->sink != NULL ? o->sink(o->ctx, NULL, 0) : 0;

    o->committed = o->got;
    o->piece_start = o->got;
    o->stopped = rc != 0;
    return rc;
}

/* Whether _read_chunked would read on from phase `ph`: for more data; once
 * in any call, read(0) included, to reach a chunk's data (_get_chunk_left);
 * and in 2.7 to drop the CRLF of a chunk the amount ended exactly
 * (amt == chunk_left). */
static int chunk_more(const httpc_resp *r, const out_t *o, httpc_chunk_phase ph)
{
    if (ph == HTTPC_CHUNK_DONE)
        return 0;
    if (o->got < o->want)
        return 1;
    if (o->want == 0 && ph != HTTPC_CHUNK_DATA && ph != HTTPC_CHUNK_TO_EOF)
        return 1;
    return r->p->py27 && ph == HTTPC_CHUNK_TERMINATOR;
}

/* Before a feed in the chunk terminator: 2.7's read(amt) with amt ==
 * chunk_left tosses the chunk's CRLF and returns, so the next size line is
 * left for the next call, whatever is already buffered (or the outcome would
 * depend on TCP's cuts); and the terminator's bytes are kept for
 * IncompleteRead. Returns how much of the buffer to feed. */
static size_t at_terminator(httpc_resp *r, const out_t *o, size_t len, int *eof)
{
    size_t left = httpc_chunked_terminator_left(&r->dec);

    if (r->p->py27 && o->got == o->want && len > left) {
        len = left;
        *eof = 0;
    }
    note_terminator(r, len);
    return len;
}

/* _read_chunked / _readinto_chunked through the shared decoder. The phase
 * is asked once a feed, as the bare field was read before it was private:
 * a body cut into single bytes makes a feed per byte. */
static int read_chunked(httpc_resp *r, out_t *o)
{
    httpc_chunk_phase ph = httpc_chunked_phase(&r->dec);

    while (chunk_more(r, o, ph)) {
        size_t len = r->end - r->pos;
        int eof = r->eof;
        const char *data;
        size_t dlen;
        r->dec.max_data = o->want - o->got; /* read(amt): never past amt */
        if (ph == HTTPC_CHUNK_TERMINATOR)
            len = at_terminator(r, o, len, &eof);
        ssize_t n = httpc_chunked_feed(&r->dec, r->buf + r->pos, len, eof, &data, &dlen, r->errmsg,
                                       sizeof r->errmsg);
        ph = httpc_chunked_phase(&r->dec);
        if (n == HTTPC_E_AGAIN) {
            ssize_t got = fill(r, r->p->max_line + 1);
            if (got < 0)
                return body_failed(r, o, (int)got);
            continue;
        }
        if (n < 0)
            return chunk_error(r, o, (int)n);
        r->pos += (size_t)n;
        int rc = deliver(o, data, dlen);
        if (rc == 0 && dlen > 0 && (ph != HTTPC_CHUNK_DATA || o->got == o->want))
            rc = end_piece(o);
        if (rc != 0)
            return body_failed(r, o, rc);
    }
    if (ph == HTTPC_CHUNK_DONE)
        close_conn(r);
    return 0;
}

/* The start every body read shares: nothing once the connection side is
 * closed, nothing for HEAD (closing), and chunked bodies through the decoder.
 * Returns 1 when *result is the answer, 0 to go on with the raw stream. */
static int body_common(httpc_resp *r, out_t *o, int64_t *result)
{
    r->errmsg[0] = '\0';
    *result = 0;
    if (r->t == NULL)
        return 1;
    if (r->head_method) {
        close_conn(r);
        return 1;
    }
    if (!r->chunked)
        return 0;
    int rc = read_chunked(r, o);
    *result = rc < 0 ? rc : (int64_t)o->got;
    return 1;
}

/* read(amt) and readinto(b) (non-chunked rules shared by 2.7 and 3.x). */
static ssize_t read_some(httpc_resp *r, void *buf, size_t amt)
{
    out_t o = {.dst = buf, .want = amt};
    int64_t done;
    int rc;

    if (body_common(r, &o, &done))
        return (ssize_t)done;
    if (r->length >= 0 && (uint64_t)r->length < o.want)
        o.want = (uint64_t)r->length;
    if ((rc = read_raw(r, &o)) < 0)
        return body_failed(r, &o, rc);
    /* CPython: no IncompleteRead here, "it might break compatibility"; the
     * strict profile follows RFC 9112 section 6.3 (incomplete, then closed). */
    if (o.got == 0 && o.want > 0 && r->p->strict_rfc && r->length > 0)
        return body_failed(r, &o, incomplete(r, 0, (uint64_t)r->length));
    if (o.got == 0 && o.want > 0)
        close_conn(r);
    else if (r->length >= 0 && (r->length -= (int64_t)o.got) == 0)
        close_conn(r);
    return (ssize_t)o.got;
}

ssize_t httpc_resp_read(httpc_resp *r, void *buf, size_t amt)
{
    return read_some(r, buf, amt);
}

ssize_t httpc_resp_readinto(httpc_resp *r, void *buf, size_t len)
{
    return read_some(r, buf, len);
}

/* readline() through peek/read1 amounts to reading byte by byte up to '\n'
 * within the body's framing. httplib 2.7's response has no readline(): under
 * py27 this is read(1) repeated, with 2.7's reading of each byte. */
ssize_t httpc_resp_readline(httpc_resp *r, void *buf, size_t cap)
{
    char *p = buf;
    size_t n = 0;

    while (n < cap) {
        ssize_t k = read_some(r, p + n, 1);
        if (k < 0)
            return k; /* IOBase.readline raises too; the bytes it had are lost */
        if (k == 0)
            break;
        if (p[n++] == '\n')
            break;
    }
    return (ssize_t)n;
}

/* read() with no amount. Only success and IncompleteRead close the
 * connection side; a timeout or a reset leaves fp open, as in CPython. */
int64_t httpc_resp_read_all(httpc_resp *r, httpc_sink_fn sink, void *ctx)
{
    out_t o = {.sink = sink, .ctx = ctx, .want = UINT64_MAX};
    int64_t done;
    int rc = 0;

    if (body_common(r, &o, &done))
        return done;
    if (r->length >= 0)
        o.want = (uint64_t)r->length;
    rc = read_raw(r, &o);
    r->partial = (int64_t)o.got;
    r->partial_offset = 0;
    r->expected = -1;
    if (rc == 0 && r->length >= 0 && o.got < o.want)
        rc = incomplete(r, o.got, o.want - o.got); /* _safe_read */
    if (rc == 0 && r->length >= 0)
        r->length = 0;
    if (rc < 0)
        body_failed(r, &o, rc);
    if (rc == 0 || rc == HTTPC_E_INCOMPLETE_READ)
        close_conn(r);
    return rc < 0 ? rc : (int64_t)o.got;
}
