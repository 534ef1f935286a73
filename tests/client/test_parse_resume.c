/* SPDX-License-Identifier: MIT */
/* Tests of the resumed parsers (httpc_parse_status_line_resume,
 * httpc_parse_headers_resume, httpc_parse_trailers_resume) and of the client
 * path reading a head in pieces: the table's replies (a typical
 * head, 98 headers of 660 B, one and four 64 KiB header lines, a 64 KiB
 * status line) give the same results in one piece and in 1448-, 64- and
 * 1-byte pieces under every profile, and the work counter (scan.h: the bytes
 * the parsers examine) stays within HTTPC__WORK_FACTOR x length +
 * HTTPC__WORK_SLACK however they are cut. */
#include "scan.h"
#include "test_support.h"
#include "conn_internal.h"

#include <stdint.h>
#include <stdio.h>

#define MAXH 128
#define LINE_64K 65536 /* HTTPC_MAXLINE: the longest line a profile takes */

/* ---- the replies ----------------------------------------------------------- */

typedef struct text {
    char *p;
    size_t len, cap;
} text;

static void put(text *t, const char *s, size_t n)
{
    if (t->len + n > t->cap) {
        t->cap = (t->len + n) * 2;
        t->p = realloc(t->p, t->cap);
        cr_assert_not_null(t->p);
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
}

/* A line of exactly `total` bytes, CRLF included: `prefix`, then letters. */
static void line_of(text *t, const char *prefix, size_t total)
{
    size_t n = strlen(prefix);

    put(t, prefix, n);
    for (; n < total - 2; n++)
        put(t, &"abcdefghijklmnopqrstuvwxyz"[n % 26], 1);
    put(t, "\r\n", 2);
}

static text fields(const char *status_line, int count, size_t size)
{
    text t = {0};
    char name[32];

    put(&t, status_line, strlen(status_line));
    for (int i = 0; i < count; i++) {
        snprintf(name, sizeof name, "X-Field-%02d: ", i);
        line_of(&t, name, size);
    }
    put(&t, "Content-Length: 0\r\n\r\n", 21);
    return t;
}

static const char TYPICAL[] = "HTTP/1.1 200 OK\r\n"
                              "Date: Sun, 29 Nov 2026 16:52:55 GMT\r\n"
                              "Server: Apache/2.4.57 (Debian)\r\n"
                              "ETag: \"2aa6-5f0e6c8d3b2c0-gzip\"\r\n"
                              "Content-Length: 10918\r\n"
                              "Vary: Accept-Encoding,User-Agent\r\n"
                              "Cache-Control: max-age=3600, public, must-revalidate\r\n"
                              "Content-Type: text/html; charset=UTF-8\r\n"
                              "\r\n";

enum { TYPICAL_REPLY, H98X660, LINE64K, H4X64K, STATUS64K, NREPLIES };
static const char *const reply_names[NREPLIES] = {"typical", "98 x 660 B", "one 64 KiB line",
                                                  "4 x 64 KiB", "64 KiB status line"};

static text make_reply(int which)
{
    text t = {0};

    switch (which) {
    case TYPICAL_REPLY:
        put(&t, TYPICAL, sizeof TYPICAL - 1);
        return t;
    case H98X660:
        return fields("HTTP/1.1 200 OK\r\n", 97, 660); /* + Content-Length: 98 fields */
    case LINE64K:
        return fields("HTTP/1.1 200 OK\r\n", 1, LINE_64K);
    case H4X64K:
        return fields("HTTP/1.1 200 OK\r\n", 4, LINE_64K);
    default:
        line_of(&t, "HTTP/1.1 200 ", LINE_64K);
        put(&t, "Content-Length: 0\r\n\r\n", 21);
        return t;
    }
}

/* ---- the pure parsers in pieces ---------------------------------------------- */

/* A parse's outcome with every span as an offset into the reply, so that
 * parses over different buffers compare. */
typedef struct head_result {
    ssize_t status_rc, head_rc;
    int status, version;
    size_t reason_off, reason_len, n;
    size_t off[MAXH][4]; /* name, name length, value, value length */
    char detail[256];
    size_t work;
} head_result;

static size_t off_of(const char *p, const char *base)
{
    return p == NULL ? SIZE_MAX : (size_t)(p - base);
}

static void keep_spans(head_result *r, const char *base, const httpc_header *h, size_t n)
{
    r->n = n;
    for (size_t i = 0; i < n && i < MAXH; i++) {
        r->off[i][0] = off_of(h[i].name.ptr, base);
        r->off[i][1] = h[i].name.len;
        r->off[i][2] = off_of(h[i].value.ptr, base);
        r->off[i][3] = h[i].value.len;
    }
}

/* The bytes seen so far, in a buffer that moves as it grows: an exact-size
 * copy for each call when `exact` (ASan sees any read past the bytes given),
 * else doubling. The parsers must follow it. */
typedef struct feed {
    const text *t;
    char *buf;
    size_t have, cap;
    int exact;
} feed;

static void more(feed *f, size_t piece)
{
    size_t want = f->t->len - f->have < piece ? f->t->len : f->have + piece;

    if (want > f->cap || f->exact) {
        size_t cap = f->exact ? want : (want > 2 * f->cap ? want : 2 * f->cap);
        char *p = malloc(cap ? cap : 1);
        cr_assert_not_null(p);
        memcpy(p, f->t->p, want);
        free(f->buf);
        f->buf = p, f->cap = cap;
    } else {
        memcpy(f->buf + f->have, f->t->p + f->have, want - f->have);
    }
    f->have = want;
}

/* The status line, then the header block, each call given `piece` more
 * bytes (0: the whole reply at once, through the entry points without
 * resume state). */
static head_result parse_pieces(const text *t, size_t piece, const httpc_profile *p)
{
    feed f = {t, NULL, 0, 0, piece >= 1448 || (piece > 1 && t->len < 4096)};
    httpc_header h[MAXH];
    httpc_status_line sl;
    httpc_parse_state st = {0};
    head_result r;
    size_t last = 0, n;

    memset(&r, 0, sizeof r);
    httpc__work_reset();
    do {
        more(&f, piece ? piece : t->len);
        r.status_rc =
            piece ? httpc_parse_status_line_resume(f.buf, f.have, last, 0, p, &sl, r.detail,
                                                   sizeof r.detail)
                  : httpc_parse_status_line(f.buf, f.have, 0, p, &sl, r.detail, sizeof r.detail);
        last = f.have;
    } while (r.status_rc == HTTPC_E_AGAIN && f.have < t->len);
    if (r.status_rc > 0) {
        r.status = sl.status, r.version = sl.version_num;
        r.reason_off = off_of(sl.reason.ptr, f.buf), r.reason_len = sl.reason.len;
        for (;;) {
            size_t start = (size_t)r.status_rc;
            n = MAXH;
            r.head_rc = piece ? httpc_parse_headers_resume(f.buf + start, f.have - start, 0, p, h,
                                                           &n, &st, r.detail, sizeof r.detail)
                              : httpc_parse_headers(f.buf + start, f.have - start, 0, 0, p, h, &n,
                                                    r.detail, sizeof r.detail);
            if (r.head_rc != HTTPC_E_AGAIN || f.have == t->len)
                break;
            more(&f, piece);
        }
        if (r.head_rc > 0)
            keep_spans(&r, f.buf, h, n);
    }
    r.work = httpc__work_read();
    free(f.buf);
    return r;
}

static void expect_same(const head_result *a, const head_result *b, const char *what)
{
    cr_assert_eq(a->status_rc, b->status_rc, "%s: status line %zd, at once %zd", what, b->status_rc,
                 a->status_rc);
    cr_assert_eq(a->head_rc, b->head_rc, "%s: head %zd (%s), at once %zd", what, b->head_rc,
                 b->detail, a->head_rc);
    cr_assert_str_eq(a->detail, b->detail, "%s", what);
    cr_assert_eq(a->status, b->status, "%s", what);
    cr_assert_eq(a->version, b->version, "%s", what);
    cr_assert_eq(a->reason_off, b->reason_off, "%s", what);
    cr_assert_eq(a->reason_len, b->reason_len, "%s", what);
    cr_assert_eq(a->n, b->n, "%s: %zu fields, at once %zu", what, b->n, a->n);
    cr_assert(memcmp(a->off, b->off, sizeof a->off) == 0, "%s: the fields differ", what);
}

/* The counter's bound for n bytes, or no check when it is not compiled in. */
static void expect_linear(size_t work, size_t n, const char *what)
{
    if (work == SIZE_MAX)
        return;
    cr_assert_leq(work, HTTPC__WORK_FACTOR * n + HTTPC__WORK_SLACK,
                  "%s: %zu bytes examined for %zu bytes (%.1f per byte)", what, work, n,
                  (double)work / (double)n);
}

TestSuite(parse_resume, .init = init_profiles, .timeout = 120);

Test(parse_resume, heads_same_in_any_pieces_every_profile)
{
    const httpc_profile *all[] = {P27, P27S, P3, PST};
    const size_t pieces[] = {1448, 64, 1};
    char what[160];

    for (int k = 0; k < NREPLIES; k++) {
        text t = make_reply(k);
        for (size_t j = 0; j < 4; j++) {
            head_result whole = parse_pieces(&t, 0, all[j]);
            cr_assert_gt(whole.head_rc, 0, "%s %s: %s", reply_names[k], all[j]->name, whole.detail);
            for (size_t i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
                snprintf(what, sizeof what, "%s, %s, %zu-byte pieces", reply_names[k], all[j]->name,
                         pieces[i]);
                head_result cut = parse_pieces(&t, pieces[i], all[j]);
                expect_same(&whole, &cut, what);
                expect_linear(cut.work, t.len, what);
            }
        }
        free(t.p);
    }
}

/* The py3 quick path and the general one agree however the head is cut:
 * a call resumes from where the quick path stopped, or from the start. */
Test(parse_resume, quick_path_and_general_path_agree)
{
    text t = make_reply(TYPICAL_REPLY);
    head_result quick[3], general[3];
    const size_t pieces[] = {0, 64, 1};

    httpc_profile slow = *P3;

    slow.general_path_only = 1;
    for (int i = 0; i < 3; i++) {
        quick[i] = parse_pieces(&t, pieces[i], P3);
        general[i] = parse_pieces(&t, pieces[i], &slow);
        expect_same(&quick[i], &general[i], "quick vs general");
        expect_same(&quick[0], &quick[i], "quick, cut vs whole");
    }
    free(t.p);
}

/* Errors and limits arrive at the same byte whether cut or not: a header
 * line over max_line, one header too many, a bad strict field line, a
 * status line over max_line. */
Test(parse_resume, errors_same_in_any_pieces)
{
    static const char *const replies[] = {
        "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n",
        "HTTP/1.1 200 OK\r\nA: 1\r\nToo-Long-A-Line: 0123456789abcdef\r\nB: 2\r\n\r\n",
        "HTTP/1.1 200 OK\r\nA : 1\r\nB: 2\r\n\r\n",
        "HTTP/1.1 200 OK\r\nA: 1\r\n continued\r\nB: 2\r\n\r\n",
        "HTTP/1.1 200 OK\r\nA: 1\rB: 2\r\nFrom nobody\r\nC: 3\n\r\n",
        "HTTP/1.1 200 A status line far longer than the limit\r\n\r\n",
    };
    const httpc_profile *base[] = {P27, P27S, P3, PST};
    char what[160];

    for (size_t c = 0; c < sizeof replies / sizeof replies[0]; c++) {
        text t = {0};
        put(&t, replies[c], strlen(replies[c]));
        for (size_t j = 0; j < 4; j++) {
            httpc_profile p = *base[j];
            p.max_line = 32, p.max_headers = 3;
            head_result whole = parse_pieces(&t, 0, &p);
            for (size_t piece = 1; piece <= 7; piece += 3) {
                snprintf(what, sizeof what, "reply %zu, %s, %zu-byte pieces", c, p.name, piece);
                head_result cut = parse_pieces(&t, piece, &p);
                expect_same(&whole, &cut, what);
            }
        }
        free(t.p);
    }
}

/* The counter can fail: the status line parsed from its start on every call
 * (what read_status did before it resumed) is quadratic and far outside the
 * bound, while the resumed calls stay inside it. */
Test(parse_resume, counter_sees_quadratic_status_line)
{
    text t = {0};
    httpc_status_line sl;
    size_t last = 0, work_again, work_resumed;
    ssize_t rc;

    if (httpc__work_read() == SIZE_MAX)
        cr_skip_test("the work counter is not compiled in (HTTPC_WORK_COUNTER)");
    line_of(&t, "HTTP/1.1 200 ", 8192);
    httpc__work_reset();
    for (size_t have = 1; have <= t.len; have++)
        rc = httpc_parse_status_line(t.p, have, 0, P3, &sl, NULL, 0);
    cr_assert_eq(rc, (ssize_t)t.len);
    work_again = httpc__work_read();
    httpc__work_reset();
    for (size_t have = 1; have <= t.len; last = have++)
        rc = httpc_parse_status_line_resume(t.p, have, last, 0, P3, &sl, NULL, 0);
    cr_assert_eq(rc, (ssize_t)t.len);
    work_resumed = httpc__work_read();
    cr_assert_gt(work_again, HTTPC__WORK_FACTOR * t.len + HTTPC__WORK_SLACK, "%zu", work_again);
    expect_linear(work_resumed, t.len, "resumed status line");
    free(t.p);
}

/* ---- trailers ------------------------------------------------------------------ */

static ssize_t trailers_pieces(const text *t, size_t piece, const httpc_profile *p, size_t *lines,
                               char *detail, size_t *work)
{
    feed f = {t, NULL, 0, 0, 1};
    httpc_parse_state st = {0};
    ssize_t rc;

    httpc__work_reset();
    do {
        more(&f, piece ? piece : t->len);
        rc = piece ? httpc_parse_trailers_resume(f.buf, f.have, 0, p, lines, &st, detail, 256)
                   : httpc_parse_trailers(f.buf, f.have, 0, 0, p, lines, detail, 256);
    } while (rc == HTTPC_E_AGAIN && f.have < t->len);
    *work = httpc__work_read();
    free(f.buf);
    return rc;
}

Test(parse_resume, trailers_same_in_any_pieces)
{
    text t = {0};
    const httpc_profile *all[] = {P27, P27S, P3, PST};
    char d0[256], d1[256];

    for (int i = 0; i < 4; i++) {
        char name[32];
        snprintf(name, sizeof name, "X-Trailer-%d: ", i);
        line_of(&t, name, 4000);
    }
    put(&t, "\r\n", 2);
    for (size_t j = 0; j < 4; j++) {
        size_t l0 = 0, l1 = 0, w0, w1;
        d0[0] = d1[0] = '\0';
        ssize_t whole = trailers_pieces(&t, 0, all[j], &l0, d0, &w0);
        cr_assert_eq(whole, (ssize_t)t.len, "%s: %zd %s", all[j]->name, whole, d0);
        for (size_t piece = 1; piece <= 1448; piece = piece * 38 + 4) {
            ssize_t cut = trailers_pieces(&t, piece, all[j], &l1, d1, &w1);
            cr_assert_eq(cut, whole, "%s, %zu-byte pieces", all[j]->name, piece);
            cr_assert_eq(l1, l0);
            cr_assert_str_eq(d1, d0);
            expect_linear(w1, t.len, "trailers");
        }
    }
    free(t.p);
}

/* ---- the client path ------------------------------------------------------------ */

typedef struct client_result {
    int rc, status, version;
    size_t n;
    uint64_t hash;
    size_t work;
} client_result;

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ ((const unsigned char *)p)[i]) * 0x100000001b3ULL;
    return h;
}

static client_result begin_in_pieces(const text *t, size_t piece, const httpc_profile *p)
{
    client_result c = {0};
    httpc__transport *tr;
    httpc_resp *r;
    httpc_span name, value;

    cr_assert_eq(httpc__mem_transport(t->p, t->len, piece, &tr), 0);
    cr_assert_eq(httpc__resp_new(tr, p, 0, "GET", &r), 0);
    httpc__transport_unref(tr);
    httpc__work_reset();
    c.rc = httpc__resp_begin(r);
    c.work = httpc__work_read();
    if (c.rc == 0) {
        c.status = httpc_resp_status(r), c.version = httpc_resp_version(r);
        c.n = httpc_resp_header_count(r);
        c.hash = 0xcbf29ce484222325ULL;
        for (size_t i = 0; i < c.n; i++) {
            cr_assert_eq(httpc_resp_header_at(r, i, &name, &value), 0);
            c.hash = mix(mix(c.hash, name.ptr, name.len), value.ptr, value.len);
        }
    }
    httpc_resp_free(r);
    return c;
}

Test(parse_resume, client_reads_heads_in_pieces_linearly)
{
    const httpc_profile *all[] = {P27, P3, PST};
    const size_t pieces[] = {1448, 1};

    for (int k = 0; k < NREPLIES; k++) {
        text t = make_reply(k);
        for (size_t j = 0; j < 3; j++) {
            client_result whole = begin_in_pieces(&t, 0, all[j]);
            cr_assert_eq(whole.rc, 0, "%s %s: %d", reply_names[k], all[j]->name, whole.rc);
            for (size_t i = 0; i < 2; i++) {
                client_result cut = begin_in_pieces(&t, pieces[i], all[j]);
                cr_assert_eq(cut.rc, whole.rc);
                cr_assert_eq(cut.status, whole.status);
                cr_assert_eq(cut.version, whole.version);
                cr_assert_eq(cut.n, whole.n);
                cr_assert_eq(cut.hash, whole.hash, "%s %s %zu", reply_names[k], all[j]->name,
                             pieces[i]);
                expect_linear(cut.work, t.len, reply_names[k]);
            }
        }
        free(t.p);
    }
}

/* A field line begun in one call and ended in a later one is finished
 * from where the first call stopped (its field kept open), and a status
 * line of the common shape without a second pass: whatever the line turns
 * out to hold (a bare CR in the value or the reason, blanks cut after the
 * colon, a CR whose LF comes next, a line ended by the empty one, a line
 * too long), every cut of every piece size, at every scan level, gives
 * the whole reply's result. */
#define A40 "0123456789abcdefghijklmnopqrstuvwxyzABCD"
#define A400 A40 A40 A40 A40 A40 A40 A40 A40 A40 A40
Test(parse_resume, lines_ended_in_a_later_call)
{
    static const char *const replies[] = {
        "HTTP/1.1 200 Reason with a bare\rCR in it\r\n"
        "Server: a value longer than sixteen octets\r\n"
        "X-Bare-Cr: first part of the value\rsecond part after a bare CR\r\n"
        "X-Blanks:      \t   value after many blanks, long enough\r\n"
        "X-Lf-Only: a line that ends with a bare LF, not CRLF\n"
        "X-Continued: a field whose value goes on\r\n"
        "   on a continuation line of its own\r\n"
        "X-Last: the last field before the empty line\r\n"
        "\r\n",
        "HTTP/1.0 404 Not Found at all, a long reason phrase\r\n"
        "X-A: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
        "X-Too-Long: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\r\n"
        "\r\n",
        /* open lines ended in a later call, then one field over max_headers */
        "HTTP/1.1 200 OK\r\n"
        "X-First: a value long enough to be open when a piece ends\r\n"
        "X-Second: another value that a later call ends\r\n"
        "X-Third: and a third, the last that the limit lets in\r\n"
        "X-Fourth: one field more than max_headers allows\r\n"
        "\r\n",
        /* long open lines whose rest comes in pieces of more than 64 octets
         * (searched for CR and LF in one pass): a bare CR with 4,000 octets
         * after it (searched once, not again in every later call), a
         * continuation after another */
        "HTTP/1.1 200 OK\r\n"
        "X-Long: " A40 A40 A40 "\r" A400 A400 A400 A400 A400 A400 A400 A400 A400 A400 "\r\n"
        "X-Next: " A40 A40 A40 A40 "\r\n"
        " " A40 A40 "\r\n"
        "X-Last: " A40 A40 A40 "\r\n"
        "\r\n",
    };
    const httpc_profile *all[] = {P27, P3, PST};
    char what[160];

    for (size_t k = 0; k < sizeof replies / sizeof replies[0]; k++) {
        text t = {0};
        put(&t, replies[k], strlen(replies[k]));
        for (int level = 0; level <= 2; level++) {
            httpc__scan_select(level);
            for (size_t j = 0; j < 3; j++) {
                httpc_profile p = *all[j];
                if (k == 1)
                    p.max_line = 80; /* the X-Too-Long line is over it */
                if (k == 2)
                    p.max_headers = 4; /* X-Fourth is one line too many */
                head_result whole = parse_pieces(&t, 0, &p);
                for (size_t piece = 1; piece <= 90; piece++) {
                    snprintf(what, sizeof what, "reply %zu, %s, level %d, %zu-byte pieces", k,
                             p.name, level, piece);
                    head_result cut = parse_pieces(&t, piece, &p);
                    expect_same(&whole, &cut, what);
                    expect_linear(cut.work, t.len, what);
                }
            }
        }
        httpc__scan_select(-1);
        free(t.p);
    }
}

#undef A400
#undef A40

/* A field line that grows past max_line while it is open (its value's
 * start after blanks, NULs in it, no end yet): LineTooLong as soon as it
 * is over, read once. The AVX2 resumed path once left it to the general
 * path from its start, whose quick path opened it again without the limit:
 * AGAIN on every call and the line read again each time (4,124 bytes
 * examined for 369 in 12-byte pieces, found by fuzz_headers). */
Test(parse_resume, open_line_over_max_line_read_once)
{
    text t = {0};
    httpc_header h[8];
    char detail[128];

    put(&t, "X35: \t\t\t", 8);
    for (int i = 0; i < 400; i++)
        put(&t, i % 50 == 0 ? "z" : "\0", 1);
    put(&t, "\r\n\r\n", 4);
    for (int level = 0; level <= 2; level++) {
        httpc__scan_select(level);
        httpc_profile p = *P3;
        p.max_line = 80;
        for (size_t piece = 1; piece <= 90; piece++) {
            httpc_parse_state st = {0};
            size_t have = 0, n;
            ssize_t rc;
            httpc__work_reset();
            do { /* one buffer, as a caller reading into it would have */
                have = t.len - have < piece ? t.len : have + piece;
                n = 8;
                rc =
                    httpc_parse_headers_resume(t.p, have, 0, &p, h, &n, &st, detail, sizeof detail);
            } while (rc == HTTPC_E_AGAIN && have < t.len);
            cr_assert_eq(rc, HTTPC_E_LINE_TOO_LONG, "level %d, %zu-byte pieces: %zd", level, piece,
                         rc);
            cr_assert_leq(have, 81 + piece, "level %d, %zu-byte pieces: raised at %zu", level,
                          piece, have);
            expect_linear(httpc__work_read(), have, "open line over max_line");
        }
    }
    httpc__scan_select(-1);
    free(t.p);
}

/* A long field line that turns out to hold a bare CR once its open part
 * is searched (the feedparser splits it there): the general path reads it
 * from its start, as one more readline() line. The AVX2 resumed path once
 * left it with nothing known of it, and the quick path and py3_fast_line
 * searched it again before readline() did: about 4 bytes examined a byte
 * (fuzz_split: 27,031 for a 3,271-byte exchange). */
Test(parse_resume, bare_cr_after_open_line_read_once_more)
{
    const size_t cycle[] = {49, 29, 133};
    text t = {0};
    httpc_header h[8];
    char detail[128];

    put(&t, "X: ", 3);
    for (int i = 0; i < 1200; i++)
        put(&t, "v", 1);
    put(&t, "\rFrom \nY: 1\r\n\r\n", 15);
    httpc__scan_select(2);
    httpc_parse_state st = {0};
    size_t have = 0, n, k = 0;
    ssize_t rc;
    httpc__work_reset();
    do {
        have = t.len - have < cycle[k % 3] ? t.len : have + cycle[k % 3];
        k++, n = 8;
        rc = httpc_parse_headers_resume(t.p, have, 0, P3, h, &n, &st, detail, sizeof detail);
    } while (rc == HTTPC_E_AGAIN && have < t.len);
    cr_assert_eq(rc, (ssize_t)t.len, "%zd: %s", rc, detail);
    cr_assert_eq(n, 2); /* X (its value ends at the CR; "From " is dropped) and Y */
    cr_assert_eq(h[0].value.len, 1200);
    cr_assert_leq(httpc__work_read(), 5 * t.len / 2, "%zu bytes examined for %zu",
                  httpc__work_read(), t.len);
    httpc__scan_select(-1);
    free(t.p);
}

/* A block with more short field lines than max_headers allows: the quick
 * path takes the fields the limit lets in and the general path reads the
 * line that breaks it. It once read every field to the buffer's end, gave
 * them all back and let the general path take one line before trying again:
 * lines x lines bytes examined (99,321 for a 1,649-byte block of 140 lines,
 * found by fuzz_split). */
Test(parse_resume, too_many_fields_read_once)
{
    const size_t pieces[] = {0, 1448, 64, 1};
    text t = fields("HTTP/1.1 200 OK\r\n", 150, 10);
    char what[96];

    for (int level = 0; level <= 2; level++) {
        httpc__scan_select(level);
        head_result whole = parse_pieces(&t, 0, P3);
        cr_assert_eq(whole.head_rc, HTTPC_E_HTTP_EXCEPTION, "%zd: %s", whole.head_rc, whole.detail);
        cr_assert_str_eq(whole.detail, "got more than 100 headers");
        for (size_t i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
            snprintf(what, sizeof what, "level %d, %zu-byte pieces", level, pieces[i]);
            head_result cut = parse_pieces(&t, pieces[i], P3);
            expect_same(&whole, &cut, what);
            expect_linear(cut.work, t.len, what);
        }
    }
    httpc__scan_select(-1);
    free(t.p);
}

/* Field lines of every length around the quick paths' blocks (16 and 32
 * octets, the 64 and 96 where the AVX2 level's line end goes out of line),
 * names of 1 to 65 octets, one or more blanks or none after the colon,
 * CRLF or a bare LF: at every scan level and cut, the spans are the general
 * path's (the feedparser's rules, another code path) for the whole head. */
Test(parse_resume, quick_paths_agree_at_every_line_length)
{
    const size_t names[] = {1, 2, 15, 16, 17, 30, 31, 32, 33, 47, 48, 63, 64, 65};
    const size_t values[] = {0,  1,  13, 14, 15, 16,  17,  18,  29,  30,  31, 32, 33,
                             34, 45, 46, 47, 48, 49,  61,  62,  63,  64,  65, 66, 93,
                             94, 95, 96, 97, 98, 127, 128, 129, 130, 200, 300};
    const char *const seps[] = {": ", ":", ":\t ", ":   "};
    const size_t pieces[] = {0, 1, 7, 33, 1448};
    httpc_profile general = *P3;
    char what[160];

    general.general_path_only = 1;
    for (size_t a = 0; a < sizeof names / sizeof names[0]; a++) {
        for (size_t b = 0; b < sizeof seps / sizeof seps[0]; b++) {
            text t = {0};
            char line[512];
            put(&t, "HTTP/1.1 200 OK\r\n", 17);
            for (size_t c = 0; c < sizeof values / sizeof values[0]; c++) {
                size_t k = 0;
                for (size_t i = 0; i < names[a]; i++)
                    line[k++] = i == 0 ? 'X' : "abcdefghij-0123456789"[(i + c) % 21];
                for (const char *s = seps[b]; *s; s++)
                    line[k++] = *s;
                for (size_t i = 0; i < values[c]; i++)
                    line[k++] = i > 0 && i % 9 == 0 ? ' ' : (char)('!' + (i * 7 + c) % 94);
                if (c % 5 != 4)
                    line[k++] = '\r';
                line[k++] = '\n';
                put(&t, line, k);
            }
            put(&t, "\r\nthe body, long enough to follow the head by more than 32 octets", 66);
            httpc__scan_select(0);
            head_result want = parse_pieces(&t, 0, &general);
            cr_assert_gt(want.head_rc, 0, "%s", want.detail);
            cr_assert_eq(want.n, sizeof values / sizeof values[0]);
            for (int level = 0; level <= 2; level++) {
                httpc__scan_select(level);
                for (size_t i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
                    snprintf(what, sizeof what,
                             "names of %zu, separator %zu, level %d, %zu-byte pieces", names[a], b,
                             level, pieces[i]);
                    head_result got = parse_pieces(&t, pieces[i], P3);
                    expect_same(&want, &got, what);
                    expect_linear(got.work, t.len, what);
                }
            }
            httpc__scan_select(-1);
            free(t.p);
        }
    }
}

static void letters(text *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put(t, &"abcdefghijklmnopqrstuvwxyz0123456789 -_"[i % 39], 1);
}

/* Long field lines whose rest comes in pieces of 129 to 700 octets, in a
 * buffer that moves only when it doubles (a head over 4 KiB), so that at
 * the AVX2 level an open line's new bytes are searched 256 and 128 octets
 * a test: its end at every offset of a piece, a bare CR, a bare LF, a
 * continuation after it, a line over max_line, each give what the general
 * path makes of the whole head (for py3 another code path), at every scan
 * level. */
Test(parse_resume, long_lines_in_big_pieces)
{
    const httpc_profile *all[] = {P27, P3, PST};
    text t = {0};
    char what[160];

    put(&t, "HTTP/1.1 200 OK\r\n", 17);
    line_of(&t, "X-A: ", 705);
    put(&t, "X-Bare-Cr: ", 11), letters(&t, 300), put(&t, "\r", 1), letters(&t, 500);
    put(&t, "\r\n", 2);
    put(&t, "X-Lf: ", 6), letters(&t, 450), put(&t, "\n", 1);
    line_of(&t, "X-Folded: ", 1000);
    put(&t, " ", 1), letters(&t, 260), put(&t, "\r\n", 2);
    line_of(&t, "X-E: ", 136);
    line_of(&t, "X-F: ", 1500);
    line_of(&t, "X-G: ", 257);
    put(&t, "\r\n", 2);
    cr_assert_gt(t.len, 4096);
    for (int limit = 0; limit < 2; limit++) {
        for (size_t j = 0; j < sizeof all / sizeof all[0]; j++) {
            httpc_profile p = *all[j], general = *all[j];
            if (limit)
                p.max_line = general.max_line = 1200; /* X-F is over it */
            general.general_path_only = 1;
            httpc__scan_select(0);
            head_result want = parse_pieces(&t, 0, &general);
            cr_assert_neq(want.head_rc, HTTPC_E_AGAIN);
            for (int level = 0; level <= 2; level++) {
                httpc__scan_select(level);
                for (size_t piece = 129; piece <= 700; piece++) {
                    snprintf(what, sizeof what, "%s, max_line %zu, level %d, %zu-byte pieces",
                             p.name, p.max_line, level, piece);
                    head_result got = parse_pieces(&t, piece, &p);
                    expect_same(&want, &got, what);
                    expect_linear(got.work, t.len, what);
                }
            }
            httpc__scan_select(-1);
        }
    }
    free(t.p);
}
