/* SPDX-License-Identifier: MIT */
/* Tests of client/src/parse/parse_headers.c: httpc_parse_headers against what
 * CPython 3.11.7 (http.client.parse_headers) and Python 2.7.18
 * (httplib.HTTPMessage) make of the same bytes (oracle_headers.inc, generated
 * by oracle_headers.py), the line and count limits per profile, split
 * invariance, the strict profile's RFC 9112 section 5 rules, and
 * httpc_headers_get. */
#include "httpc.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct oracle_bytes {
    const char *s;
    size_t n;
} oracle_bytes;

typedef struct oracle_kv {
    oracle_bytes k, v;
} oracle_kv;

typedef struct oracle_header_result {
    ssize_t rc;          /* bytes consumed, or the error */
    size_t entries;      /* py27: len(msg.headers), the counted lines */
    const oracle_kv *kv; /* py3: msg.items(); py27: sorted(msg.dict.items()) */
    size_t nkv;
    const char *detail; /* str(exception) */
} oracle_header_result;

typedef struct oracle_header_case {
    oracle_bytes in;
    oracle_header_result py27, py3;
} oracle_header_case;

#include "oracle_headers.inc"
#include "test_support.h"

#define NCASES (sizeof oracle_header_cases / sizeof oracle_header_cases[0])
#define MAXH 512


TestSuite(parse_headers, .init = init_profiles);


/* A parse result with spans turned into offsets, comparable across copies. */
typedef struct result {
    ssize_t rc;
    size_t n;
    struct {
        long name_off; /* -1: NULL name (py27 continuation) */
        size_t name_len, value_off, value_len;
    } h[MAXH];
    char detail[256];
} result;

static result *parse_last(const char *in, size_t n, size_t last_len, int eof,
                          const httpc_profile *p)
{
    char *b = dup_exact(in, n);
    httpc_header hs[MAXH];
    result *r = calloc(1, sizeof *r);

    cr_assert_not_null(r);
    r->n = MAXH;
    r->rc = httpc_parse_headers(b, n, last_len, eof, p, hs, &r->n, r->detail, sizeof r->detail);
    if (r->rc < 0)
        cr_assert_eq(r->n, 0, "no fields reported with an error");
    for (size_t i = 0; r->rc >= 0 && i < r->n; i++) {
        r->h[i].name_off = hs[i].name.ptr ? hs[i].name.ptr - b : -1;
        r->h[i].name_len = hs[i].name.len;
        r->h[i].value_off = (size_t)(hs[i].value.ptr - b);
        r->h[i].value_len = hs[i].value.len;
        cr_assert(r->h[i].value_off + r->h[i].value_len <= n, "value inside the buffer");
        cr_assert(hs[i].name.ptr == NULL || r->h[i].name_off + r->h[i].name_len <= n);
    }
    free(b);
    return r;
}

static result *parse(const char *in, size_t n, int eof, const httpc_profile *p)
{
    return parse_last(in, n, 0, eof, p);
}

static int same(const result *a, const result *b)
{
    if (a->rc != b->rc || a->n != b->n || strcmp(a->detail, b->detail) != 0)
        return 0;
    return memcmp(a->h, b->h, a->n * sizeof a->h[0]) == 0;
}

/* Feeds every prefix without eof, passing last_len as a client would: AGAIN
 * until the answer is known, then the same answer as for the whole input at
 * EOF; and the last_len shortcut never changes an answer. */
static void check_split(const char *in, size_t n, const httpc_profile *p)
{
    result *full = parse(in, n, 1, p);
    size_t last = 0;
    int decided = 0;

    for (size_t k = 0; k <= n; k++) {
        result *r = parse_last(in, k, last, 0, p);
        result *r0 = parse_last(in, k, 0, 0, p);
        cr_assert(same(r, r0), "%s: last_len %zu changes the answer at %zu", p->name, last, k);
        if (r->rc == HTTPC_E_AGAIN) {
            cr_assert_not(decided, "%s: AGAIN at %zu after an answer", p->name, k);
            last = k;
        } else {
            decided = 1;
            cr_assert(same(r, full), "%s: prefix %zu of %zu gives %zd (%s), whole gives %zd (%s)",
                      p->name, k, n, r->rc, r->detail, full->rc, full->detail);
        }
        free(r);
        free(r0);
    }
    free(full);
}

static int bytes_eq(const char *a, size_t an, const char *b, size_t bn)
{
    return an == bn && memcmp(a, b, an) == 0;
}

static void expect_py3(const oracle_header_case *c)
{
    const oracle_header_result *w = &c->py3;
    result *r = parse(c->in.s, c->in.n, 1, P3);

    cr_assert_eq(r->rc, w->rc, "py3 rc %zd (%s), Python %zd", r->rc, r->detail, w->rc);
    if (r->rc < 0) {
        cr_assert_str_eq(r->detail, w->detail);
    } else {
        cr_assert_eq(r->n, w->nkv, "py3 %zu fields, Python %zu", r->n, w->nkv);
        for (size_t i = 0; i < r->n; i++) {
            cr_assert(
                bytes_eq(c->in.s + r->h[i].name_off, r->h[i].name_len, w->kv[i].k.s, w->kv[i].k.n),
                "py3 name %zu", i);
            cr_assert(bytes_eq(c->in.s + r->h[i].value_off, r->h[i].value_len, w->kv[i].v.s,
                               w->kv[i].v.n),
                      "py3 value %zu", i);
        }
    }
    free(r);
}

/* httplib's dict, rebuilt from the entries as HTTPMessage does: names
 * lowercased, repeats joined with ", " (addheader), continuation entries
 * appended to the last header's value with "\n " (addcontinue). */
typedef struct dict27 {
    size_t n;
    char key[MAXH][128];
    size_t klen[MAXH];
    char val[MAXH][512];
    size_t vlen[MAXH];
} dict27;

static size_t find_key(const dict27 *d, const char *k, size_t klen)
{
    size_t i;
    for (i = 0; i < d->n; i++)
        if (bytes_eq(d->key[i], d->klen[i], k, klen))
            break;
    return i;
}

static void append(dict27 *d, size_t at, const char *a, size_t an)
{
    cr_assert(d->vlen[at] + an <= sizeof d->val[at], "test buffer large enough");
    memcpy(d->val[at] + d->vlen[at], a, an);
    d->vlen[at] += an;
}

static dict27 *build_dict27(const char *in, const result *r)
{
    dict27 *d = calloc(1, sizeof *d);
    size_t cur = 0;

    cr_assert_not_null(d);
    for (size_t i = 0; i < r->n; i++) {
        const char *v = in + r->h[i].value_off;
        if (r->h[i].name_off < 0) {
            cr_assert(cur < d->n, "a continuation follows a header");
            append(d, cur, "\n ", 2);
            append(d, cur, v, r->h[i].value_len);
            continue;
        }
        char k[128];
        size_t kl = r->h[i].name_len;
        cr_assert(kl <= sizeof k);
        for (size_t j = 0; j < kl; j++) {
            char ch = in[r->h[i].name_off + (long)j];
            k[j] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : ch;
        }
        cur = find_key(d, k, kl);
        if (cur == d->n) {
            memcpy(d->key[d->n], k, kl);
            d->klen[d->n++] = kl;
        } else {
            append(d, cur, ", ", 2);
        }
        append(d, cur, v, r->h[i].value_len);
    }
    return d;
}

static void expect_py27(const oracle_header_case *c, const httpc_profile *p)
{
    const oracle_header_result *w = &c->py27;
    result *r = parse(c->in.s, c->in.n, 1, p);

    cr_assert_eq(r->rc, w->rc, "py27 rc %zd (%s), Python %zd", r->rc, r->detail, w->rc);
    if (r->rc < 0) {
        cr_assert_str_eq(r->detail, w->detail);
        free(r);
        return;
    }
    cr_assert_eq(r->n, w->entries, "py27 %zu entries, Python %zu lines", r->n, w->entries);
    dict27 *d = build_dict27(c->in.s, r);
    cr_assert_eq(d->n, w->nkv, "py27 %zu keys, Python %zu", d->n, w->nkv);
    for (size_t i = 0; i < w->nkv; i++) {
        size_t at = find_key(d, w->kv[i].k.s, w->kv[i].k.n);
        cr_assert_lt(at, d->n, "py27 key %zu present", i);
        cr_assert(bytes_eq(d->val[at], d->vlen[at], w->kv[i].v.s, w->kv[i].v.n),
                  "py27 value of key %zu: '%.*s'", i, (int)d->vlen[at], d->val[at]);
    }
    free(d);
    free(r);
}

Test(parse_headers, httpc_parse_headers_matches_python_oracle)
{
    for (size_t i = 0; i < NCASES; i++) {
        expect_py3(&oracle_header_cases[i]);
        expect_py27(&oracle_header_cases[i], P27);
        expect_py27(&oracle_header_cases[i], P27S); /* strict= is about the status line */
    }
}

Test(parse_headers, httpc_parse_headers_split_invariance)
{
    const httpc_profile *all[] = {P27, P3, PST};

    for (size_t i = 0; i < NCASES; i++)
        for (size_t j = 0; j < 3; j++)
            check_split(oracle_header_cases[i].in.s, oracle_header_cases[i].in.n, all[j]);
}

Test(parse_headers, httpc_parse_headers_py3_name_octets_match_header_re)
{
    for (int c = 0; c < 256; c++) {
        char in[] = "A?: v\r\n\r\n";
        in[1] = (char)c;
        result *r = parse(in, 9, 1, P3);
        int one = r->rc >= 0 && r->n == 1 && r->h[0].name_len == 2;
        cr_assert_eq(one, oracle_py3_name_octets[c] == '1', "octet %#x", c);
        free(r);
    }
}

/* ---- profile differences, each side shown ------------------------------- */

Test(parse_headers, httpc_parse_headers_continuation_per_profile)
{
    const char *in = "A: one \r\n\ttwo \r\n\r\n";
    size_t n = strlen(in);
    result *r = parse(in, n, 0, P3);

    /* 3.x keeps the continuation verbatim: "one \r\n\ttwo ". */
    cr_assert_eq(r->rc, (ssize_t)n);
    cr_assert_eq(r->n, 1);
    cr_assert_eq(r->h[0].value_len, 11);
    cr_assert(memcmp(in + r->h[0].value_off, "one \r\n\ttwo ", 11) == 0);
    free(r);
    /* 2.7 strips each line and joins them with "\n ": a NULL-name entry. */
    r = parse(in, n, 0, P27);
    cr_assert_eq(r->n, 2);
    cr_assert_eq(r->h[0].value_len, 3);
    cr_assert_eq(r->h[1].name_off, -1);
    cr_assert(memcmp(in + r->h[1].value_off, "two", 3) == 0 && r->h[1].value_len == 3);
    free(r);
    /* strict (RFC 9112 section 5.2): one span from "one" to "two", the fold
     * inside standing for one SP. */
    r = parse(in, n, 0, PST);
    cr_assert_eq(r->rc, (ssize_t)n);
    cr_assert_eq(r->n, 1);
    cr_assert_eq(r->h[0].value_len, 10);
    cr_assert(memcmp(in + r->h[0].value_off, "one \r\n\ttwo", 10) == 0);
    free(r);
}

/* A line that is not a header: 3.x ends the fields there (the rest is the
 * message body to email, ignored by http.client); 2.7 skips the line. */
Test(parse_headers, httpc_parse_headers_junk_line_per_profile)
{
    const char *in = "A: 1\r\njunk\r\nB: 2\r\n\r\n";
    size_t n = strlen(in);
    result *r = parse(in, n, 0, P3);

    cr_assert_eq(r->rc, (ssize_t)n);
    cr_assert_eq(r->n, 1);
    free(r);
    r = parse(in, n, 0, P27);
    cr_assert_eq(r->rc, (ssize_t)n);
    cr_assert_eq(r->n, 2);
    cr_assert_eq(r->h[1].name_off, 12);
    free(r);
    r = parse(in, n, 0, PST);
    cr_assert_eq(r->rc, HTTPC_E_INVALID_HEADER);
    cr_assert_str_eq(r->detail, "invalid field name: b'junk\\r\\n'");
    free(r);
}

/* A bare CR ends a line for email (3.x) but not for readline (2.7). */
Test(parse_headers, httpc_parse_headers_bare_cr_per_profile)
{
    const char *in = "A: 1\rB: 2\r\n\r\n";
    size_t n = strlen(in);
    result *r = parse(in, n, 0, P3);

    cr_assert_eq(r->n, 2);
    cr_assert_eq(r->h[1].name_off, 5);
    free(r);
    r = parse(in, n, 0, P27);
    cr_assert_eq(r->n, 1);
    cr_assert_eq(r->h[0].value_len, 6); /* "1\rB: 2" */
    free(r);
    r = parse(in, n, 0, PST);
    cr_assert_eq(r->rc, HTTPC_E_INVALID_HEADER);
    cr_assert_str_eq(r->detail, "bare CR in field value: b'A: 1\\rB: 2\\r\\n'");
    free(r);
}

/* Whitespace before the colon: part of the name in 2.7, the end of the
 * fields in 3.x (headerRE), an error in strict (RFC 9112 section 5.1). */
Test(parse_headers, httpc_parse_headers_space_before_colon_per_profile)
{
    const char *in = "Content-Length : 5\r\n\r\n";
    size_t n = strlen(in);
    result *r = parse(in, n, 0, P3);

    cr_assert_eq(r->rc, (ssize_t)n);
    cr_assert_eq(r->n, 0);
    free(r);
    r = parse(in, n, 0, P27);
    cr_assert_eq(r->n, 1);
    cr_assert_eq(r->h[0].name_len, 15);
    free(r);
    r = parse(in, n, 0, PST);
    cr_assert_eq(r->rc, HTTPC_E_INVALID_HEADER);
    cr_assert_str_eq(r->detail, "whitespace before colon: b'Content-Length : 5\\r\\n'");
    free(r);
}

/* EOF ends the block for both Pythons; for strict it truncates the message. */
Test(parse_headers, httpc_parse_headers_eof_per_profile)
{
    const char *in = "A: 1\r\nB: 2";
    result *r = parse(in, 10, 1, P3);

    cr_assert_eq(r->rc, 10);
    cr_assert_eq(r->n, 2);
    free(r);
    r = parse(in, 10, 1, P27);
    cr_assert_eq(r->rc, 10);
    cr_assert_eq(r->n, 2);
    free(r);
    r = parse(in, 10, 1, PST);
    cr_assert_eq(r->rc, HTTPC_E_INVALID_FRAMING);
    cr_assert_str_eq(r->detail, "connection closed inside the header section");
    free(r);
    r = parse(in, 6, 1, PST);
    cr_assert_eq(r->rc, HTTPC_E_INVALID_FRAMING);
    free(r);
    r = parse("", 0, 1, PST);
    cr_assert_eq(r->rc, HTTPC_E_INVALID_FRAMING);
    free(r);
    r = parse("", 0, 1, P3);
    cr_assert_eq(r->rc, 0);
    free(r);
}

/* ---- limits -------------------------------------------------------------- */

static char *many_fields(size_t nfields, const char *end, size_t *len)
{
    size_t cap = nfields * 16 + 8, off = 0;
    char *s = malloc(cap);

    cr_assert_not_null(s);
    for (size_t i = 0; i < nfields; i++)
        off += (size_t)snprintf(s + off, cap - off, "H%zu: v\r\n", i);
    off += (size_t)snprintf(s + off, cap - off, "%s", end);
    *len = off;
    return s;
}

static ssize_t count_rc(size_t nfields, const char *end, int eof, const httpc_profile *p,
                        char *detail)
{
    size_t len, n = MAXH;
    char *s = many_fields(nfields, end, &len);
    char *b = dup_exact(s, len);
    httpc_header hs[MAXH];
    ssize_t rc = httpc_parse_headers(b, len, 0, eof, p, hs, &n, detail, 64);

    if (rc >= 0)
        cr_assert_eq(n, nfields);
    free(b);
    free(s);
    return rc;
}

/* _read_headers counts the empty line (and the b'' of EOF): 99 fields fit,
 * 100 do not (observed with CPython 3.11.7). */
Test(parse_headers, httpc_parse_headers_py3_count_boundary)
{
    char d[64];

    cr_assert_gt(count_rc(99, "\r\n", 0, P3, d), 0);
    cr_assert_gt(count_rc(99, "", 1, P3, d), 0);
    cr_assert_eq(count_rc(100, "\r\n", 0, P3, d), HTTPC_E_HTTP_EXCEPTION);
    cr_assert_str_eq(d, "got more than 100 headers");
    cr_assert_eq(count_rc(100, "", 1, P3, d), HTTPC_E_HTTP_EXCEPTION);
    /* Raised once the 101st line is read, whatever it is... */
    cr_assert_eq(count_rc(100, "X: y\r\n", 0, P3, d), HTTPC_E_HTTP_EXCEPTION);
    /* ...and not before it is complete. */
    cr_assert_eq(count_rc(100, "\r", 0, P3, d), HTTPC_E_AGAIN);
}

/* HTTPMessage.readheaders checks len(hlist) > 100 before each read: 100
 * header lines fit, the 101st raises at once (observed with 2.7.18). The
 * strict= flag of httplib is about the status line only: same boundary. */
Test(parse_headers, httpc_parse_headers_py27_count_boundary)
{
    const httpc_profile *both[] = {P27, P27S};
    char d[64];

    for (size_t j = 0; j < 2; j++) {
        const httpc_profile *p = both[j];
        cr_assert_gt(count_rc(100, "\r\n", 0, p, d), 0, "%s", p->name);
        cr_assert_gt(count_rc(100, "", 1, p, d), 0, "%s", p->name);
        cr_assert_eq(count_rc(101, "\r\n", 0, p, d), HTTPC_E_HTTP_EXCEPTION, "%s", p->name);
        cr_assert_str_eq(d, "got more than 100 headers");
        cr_assert_eq(count_rc(101, "", 0, p, d), HTTPC_E_HTTP_EXCEPTION, "%s", p->name);
        cr_assert_eq(count_rc(100, "", 0, p, d), HTTPC_E_AGAIN, "%s", p->name);
    }
}

/* Continuation lines count in 2.7, skipped lines and "From " lines do not. */
Test(parse_headers, httpc_parse_headers_py27_count_what)
{
    char in[4096];
    size_t off = 0;

    off += (size_t)snprintf(in + off, sizeof in - off, "From a\r\n");
    for (int i = 0; i < 50; i++)
        off += (size_t)snprintf(in + off, sizeof in - off, "H%d: v\r\n junk\r\nskipped\r\n", i);
    memcpy(in + off, "\r\n", 2);
    result *r = parse(in, off + 2, 0, P27);
    cr_assert_eq(r->rc, (ssize_t)(off + 2));
    cr_assert_eq(r->n, 100);
    free(r);
    memcpy(in + off, "X: y\r\n", 6);
    r = parse(in, off + 6, 0, P27);
    cr_assert_eq(r->rc, HTTPC_E_HTTP_EXCEPTION);
    free(r);
}

/* The limit counts readline() lines, not the fields a \r splits them into:
 * 99 lines "A<i>: 1\rB<i>: 2" give 198 fields (observed, CPython 3.11.7). */
Test(parse_headers, httpc_parse_headers_py3_count_is_lines_not_fields)
{
    char in[4096];
    size_t off = 0;

    for (int i = 0; i < 99; i++)
        off += (size_t)snprintf(in + off, sizeof in - off, "A%d: 1\rB%d: 2\r\n", i, i);
    memcpy(in + off, "\r\n", 2);
    result *r = parse(in, off + 2, 0, P3);
    cr_assert_eq(r->rc, (ssize_t)(off + 2));
    cr_assert_eq(r->n, 198);
    free(r);
}

Test(parse_headers, httpc_parse_headers_strict_count_boundary)
{
    char d[64];

    cr_assert_gt(count_rc(100, "\r\n", 0, PST, d), 0);
    cr_assert_eq(count_rc(101, "\r\n", 0, PST, d), HTTPC_E_HTTP_EXCEPTION);
    cr_assert_str_eq(d, "got more than 100 headers");
}

Test(parse_headers, httpc_parse_headers_custom_max_headers)
{
    httpc_profile p = *httpc_profile_get(HTTPC_PROFILE_PY3);
    char d[64];

    p.max_headers = 3;
    cr_assert_gt(count_rc(2, "\r\n", 0, &p, d), 0);
    cr_assert_eq(count_rc(3, "\r\n", 0, &p, d), HTTPC_E_HTTP_EXCEPTION);
    cr_assert_str_eq(d, "got more than 3 headers");
}

/* A field line of 65536 bytes with its CRLF is read, 65537 is LineTooLong,
 * for every profile, found without waiting for the newline. */
static char *long_field(size_t total)
{
    char *s = malloc(total + 2);
    cr_assert_not_null(s);
    memcpy(s, "X: ", 3);
    memset(s + 3, 'v', total - 5);
    memcpy(s + total - 2, "\r\n\r\n", 4);
    return s;
}

Test(parse_headers, httpc_parse_headers_line_limit)
{
    const httpc_profile *all[] = {P27, P3, PST};

    for (size_t j = 0; j < 3; j++) {
        char *s = long_field(65536);
        result *r = parse(s, 65538, 0, all[j]);
        cr_assert_eq(r->rc, 65538, "%s", all[j]->name);
        cr_assert_eq(r->h[0].value_len, 65531);
        free(r);
        free(s);
        s = long_field(65537);
        r = parse(s, 65539, 0, all[j]);
        cr_assert_eq(r->rc, HTTPC_E_LINE_TOO_LONG, "%s", all[j]->name);
        cr_assert_str_eq(r->detail, "got more than 65536 bytes when reading header line");
        free(r);
        r = parse(s, 65537, 0, all[j]); /* no newline yet */
        cr_assert_eq(r->rc, HTTPC_E_LINE_TOO_LONG);
        free(r);
        r = parse(s, 65536, 0, all[j]);
        cr_assert_eq(r->rc, HTTPC_E_AGAIN);
        free(r);
        /* The last_len shortcut reaches the same verdict. */
        r = parse_last(s, 65537, 65000, 0, all[j]);
        cr_assert_eq(r->rc, HTTPC_E_LINE_TOO_LONG);
        free(r);
        free(s);
    }
}

/* At EOF the shortcut does not apply: the pending line is complete. */
Test(parse_headers, httpc_parse_headers_last_len_at_eof)
{
    result *r = parse_last("A: b\r\nC: d", 10, 8, 1, P3);

    cr_assert_eq(r->rc, 10);
    cr_assert_eq(r->n, 2);
    free(r);
    r = parse_last("A: b\r\nC: d", 10, 8, 1, P27);
    cr_assert_eq(r->rc, 10);
    free(r);
}

/* The shortcut must find a newline anywhere in the last max_line bytes. */
Test(parse_headers, httpc_parse_headers_last_len_long_block)
{
    size_t total = 70000;
    char *s = malloc(total);

    cr_assert_not_null(s);
    memset(s, 'v', total);
    for (size_t i = 0; i + 8 < total; i += 1000)
        memcpy(s + i, "\r\nA: ", 5);
    memcpy(s, "B: ", 3);
    for (size_t k = 65000; k < total; k += 997) {
        result *a = parse_last(s, k, k - 997, 0, P3);
        result *b = parse_last(s, k, 0, 0, P3);
        cr_assert(same(a, b), "at %zu", k);
        cr_assert_eq(a->rc, HTTPC_E_AGAIN);
        free(a);
        free(b);
    }
    free(s);
}

/* The shortcut when the new bytes hold no newline: the pending line (after
 * "A: b\r\n", 6 bytes) is read once it has 65536 bytes and refused at 65537,
 * exactly as the full parse and readline(65537) decide. */
Test(parse_headers, httpc_parse_headers_last_len_pending_line_grows)
{
    const httpc_profile *all[] = {P27, P3, PST};
    size_t total = 6 + 65537;
    char *s = malloc(total);

    cr_assert_not_null(s);
    memcpy(s, "A: b\r\n", 6);
    memset(s + 6, 'v', total - 6);
    for (size_t j = 0; j < 3; j++) {
        for (size_t last = 65000; last <= 65542; last += 271) {
            result *a = parse_last(s, 6 + 65536, last, 0, all[j]);
            cr_assert_eq(a->rc, HTTPC_E_AGAIN, "%s, last_len %zu", all[j]->name, last);
            free(a);
            a = parse_last(s, total, last, 0, all[j]);
            cr_assert_eq(a->rc, HTTPC_E_LINE_TOO_LONG, "%s, last_len %zu", all[j]->name, last);
            cr_assert_str_eq(a->detail, "got more than 65536 bytes when reading header line");
            result *b = parse_last(s, total, 0, 0, all[j]);
            cr_assert(same(a, b), "%s: the shortcut agrees with a full parse", all[j]->name);
            free(a);
            free(b);
        }
        /* last_len just after the newline: all of the pending line is new. */
        result *c = parse_last(s, total, 6, 0, all[j]);
        cr_assert_eq(c->rc, HTTPC_E_LINE_TOO_LONG);
        free(c);
    }
    free(s);
}

/* ---- strict: RFC 9112 section 5 ----------------------------------------- */

typedef struct strict_case {
    const char *in;
    size_t n; /* 0: strlen(in) */
    ssize_t rc;
    const char *detail; /* error detail, or "name=value" of the first field */
} strict_case;

static const strict_case strict_cases[] = {
    {"A: b\r\n\r\n", 0, 8, "A=b"},
    {"A:b\r\n\r\n", 0, 7, "A=b"},
    {"A: \t b c \t \r\n\r\n", 0, 15, "A=b c"},
    {"A:\r\n\r\n", 0, 6, "A="},
    {"!#$%&'*+-.^_`|~09azAZ: x\r\n\r\n", 0, 28, "!#$%&'*+-.^_`|~09azAZ=x"},
    {"A: caf\xe9\x80\xff\r\n\r\n", 0, 13, "A=caf\xe9\x80\xff"},
    {"\r\n", 0, 2, ""},
    {"A: b\r\n\r\nrest", 0, 8, "A=b"},
    /* RFC 9112 section 2.2: whitespace before the first field may be refused. */
    {" A: b\r\n\r\n", 0, HTTPC_E_INVALID_HEADER,
     "whitespace before the first field: b' A: b\\r\\n'"},
    {"\t\r\nA: b\r\n\r\n", 0, HTTPC_E_INVALID_HEADER,
     "whitespace before the first field: b'\\t\\r\\n'"},
    /* Section 5.2: obs-fold after a field is read, the span running over the
     * fold (strict_obs_fold_unfolds checks the value with one SP). */
    {"A: b\r\n c\r\n\r\n", 0, 12, "A=b\r\n c"},
    {"A: b \r\n\t c \r\n\r\n", 0, 15, "A=b \r\n\t c"},
    {"A:\r\n 2\r\n\r\n", 0, 10, "A=2"},
    {"A: 1\r\n   \r\n\r\n", 0, 13, "A=1"},
    {"A: 1\r\n \r\n x\r\nB: 2\r\n\r\n", 0, 21, "A=1\r\n \r\n x"},
    {"A: b\r\n c\x01\r\n\r\n", 0, HTTPC_E_INVALID_HEADER,
     "control character in field value: b' c\\x01\\r\\n'"},
    {"A: b\r\n c\rd\r\n\r\n", 0, HTTPC_E_INVALID_HEADER, "bare CR in field value: b' c\\rd\\r\\n'"},
    {"A: b\r\n c\n\r\n", 0, HTTPC_E_INVALID_HEADER, "bare LF line ending: b' c\\n'"},
    {"A: b\r\n c\r\n", 0, HTTPC_E_INVALID_FRAMING, "connection closed inside the header section"},
    {"A : b\r\n\r\n", 0, HTTPC_E_INVALID_HEADER, "whitespace before colon: b'A : b\\r\\n'"},
    {"A\t: b\r\n\r\n", 0, HTTPC_E_INVALID_HEADER, "whitespace before colon: b'A\\t: b\\r\\n'"},
    {": b\r\n\r\n", 0, HTTPC_E_INVALID_HEADER, "invalid field name: b': b\\r\\n'"},
    {"A(b): c\r\n\r\n", 0, HTTPC_E_INVALID_HEADER, "invalid field name: b'A(b): c\\r\\n'"},
    {"\xe9: c\r\n\r\n", 0, HTTPC_E_INVALID_HEADER, "invalid field name: b'\\xe9: c\\r\\n'"},
    {"A\r\n\r\n", 0, HTTPC_E_INVALID_HEADER, "invalid field name: b'A\\r\\n'"},
    {"A: b\n\r\n", 0, HTTPC_E_INVALID_HEADER, "bare LF line ending: b'A: b\\n'"},
    {"A: b\r\n\n", 0, HTTPC_E_INVALID_HEADER, "bare LF line ending: b'\\n'"},
    {"A: b\rc\r\n\r\n", 0, HTTPC_E_INVALID_HEADER, "bare CR in field value: b'A: b\\rc\\r\\n'"},
    {"A: b\r\r\n\r\n", 0, HTTPC_E_INVALID_HEADER, "bare CR in field value: b'A: b\\r\\r\\n'"},
    {"A: b\0c\r\n\r\n", 10, HTTPC_E_INVALID_HEADER, "NUL in field value: b'A: b\\x00c\\r\\n'"},
    {"A: b\x7f\r\n\r\n", 0, HTTPC_E_INVALID_HEADER,
     "control character in field value: b'A: b\\x7f\\r\\n'"},
    {"A: \x01\r\n\r\n", 0, HTTPC_E_INVALID_HEADER,
     "control character in field value: b'A: \\x01\\r\\n'"},
    {"\r\r\n\r\n", 0, HTTPC_E_INVALID_HEADER, "invalid field name: b'\\r\\r\\n'"},
    {"A: b\r\n", 0, HTTPC_E_INVALID_FRAMING, "connection closed inside the header section"},
};

Test(parse_headers, httpc_parse_headers_strict_rules)
{
    for (size_t i = 0; i < sizeof strict_cases / sizeof strict_cases[0]; i++) {
        const strict_case *c = &strict_cases[i];
        size_t n = c->n ? c->n : strlen(c->in);
        result *r = parse(c->in, n, 1, PST);
        cr_assert_eq(r->rc, c->rc, "case %zu: %zd (%s)", i, r->rc, r->detail);
        if (r->rc < 0) {
            cr_assert_str_eq(r->detail, c->detail, "case %zu", i);
        } else if (r->n > 0) {
            char got[256];
            snprintf(got, sizeof got, "%.*s=%.*s", (int)r->h[0].name_len, c->in + r->h[0].name_off,
                     (int)r->h[0].value_len, c->in + r->h[0].value_off);
            cr_assert_str_eq(got, c->detail, "case %zu", i);
        } else {
            cr_assert_str_eq(c->detail, "", "case %zu", i);
        }
        check_split(c->in, n, PST);
        free(r);
    }
}

/* Every octet at every offset of a value (the value check goes word by
 * word): only CTLs other than HTAB are refused. */
Test(parse_headers, httpc_parse_headers_strict_value_octets)
{
    for (int c = 0; c < 256; c++) {
        for (size_t pos = 0; pos < 18; pos++) {
            char in[] = "A: xxxxxxxxxxxxxxxxxx\r\n\r\n";
            in[3 + pos] = (char)c;
            result *r = parse(in, sizeof in - 1, 0, PST);
            int bad = (c < 0x20 && c != '\t') || c == 0x7f;
            if (bad)
                cr_assert_eq(r->rc, HTTPC_E_INVALID_HEADER, "octet %#x at %zu", c, pos);
            else
                cr_assert_eq(r->rc, (ssize_t)sizeof in - 1, "octet %#x at %zu", c, pos);
            free(r);
        }
    }
}

/* RFC 9112 section 5.2, as a user agent applies it: each obs-fold (OWS CRLF
 * RWS, and blank folded lines with it) read as one SP. The model a caller
 * of the parser applies to a strict value span. */
static size_t model_unfold(const char *v, size_t n, char *out)
{
    size_t w = 0;

    for (size_t i = 0; i < n;) {
        size_t k = i;
        while (k < n && strchr(" \t\r\n", v[k]) != NULL && v[k] != '\0')
            k++;
        if (k > i && memchr(v + i, '\n', k - i) != NULL) {
            out[w++] = ' ';
            i = k;
        } else if (k > i) {
            memcpy(out + w, v + i, k - i), w += k - i, i = k;
        } else {
            out[w++] = v[i++];
        }
    }
    return w;
}

Test(parse_headers, httpc_parse_headers_strict_obs_fold_unfolds)
{
    static const struct {
        const char *in, *name, *value; /* the first field, unfolded */
        size_t fields;
    } cases[] = {
        {"X-Folded: one\r\n two\r\nContent-Length: 2\r\n\r\n", "X-Folded", "one two", 2},
        {"X-Folded: one\r\n\ttwo\r\n\r\n", "X-Folded", "one two", 1},
        {"A: one \t\r\n \t two \r\n\r\n", "A", "one two", 1},
        {"A: a  b\r\n c\r\n\r\n", "A", "a  b c", 1}, /* only folds change */
        {"Content-Length:\r\n 2\r\n\r\n", "Content-Length", "2", 1},
        {"X-A: 1\r\n   \r\nContent-Length: 2\r\n\r\n", "X-A", "1", 2},
        {"A: 1\r\n\r\n", "A", "1", 1},
        {"A: 1\r\n 2\r\n 3\r\n\r\n", "A", "1 2 3", 1},
        {"A: 1\r\n \r\n\t\r\n 2\r\n\r\n", "A", "1 2", 1},
        {"A:\r\n \r\n\r\n", "A", "", 1},
        {"A: x\r\nB: 1\r\n 2\r\n\r\n", "A", "x", 2},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *in = cases[i].in;
        size_t n = strlen(in);
        result *r = parse(in, n, 1, PST);
        char v[128];
        cr_assert_eq(r->rc, (ssize_t)n, "case %zu: %zd (%s)", i, r->rc, r->detail);
        cr_assert_eq(r->n, cases[i].fields, "case %zu: a folded line adds no field", i);
        for (size_t k = 0; k < r->n; k++)
            cr_assert_neq(r->h[k].name_off, -1, "case %zu: no entry without a name", i);
        cr_assert_eq(r->h[0].name_len, strlen(cases[i].name), "case %zu", i);
        cr_assert(memcmp(in + r->h[0].name_off, cases[i].name, r->h[0].name_len) == 0);
        size_t len = model_unfold(in + r->h[0].value_off, r->h[0].value_len, v);
        cr_assert_eq(len, strlen(cases[i].value), "case %zu: '%.*s'", i, (int)len, v);
        cr_assert(memcmp(v, cases[i].value, len) == 0, "case %zu: '%.*s'", i, (int)len, v);
        check_split(in, n, PST);
        free(r);
    }
}

/* max_headers bounds the lines, folded ones included, as in py27. */
Test(parse_headers, httpc_parse_headers_strict_fold_lines_count)
{
    httpc_profile p = *httpc_profile_get(HTTPC_PROFILE_STRICT);
    result *r;

    p.max_headers = 2;
    r = parse("A: 1\r\n 2\r\n\r\n", 12, 0, &p);
    cr_assert_eq(r->rc, 12);
    free(r);
    r = parse("A: 1\r\n 2\r\n 3\r\n\r\n", 16, 0, &p);
    cr_assert_eq(r->rc, HTTPC_E_HTTP_EXCEPTION);
    cr_assert_str_eq(r->detail, "got more than 2 headers");
    free(r);
}

/* ---- the caller's array -------------------------------------------------- */

Test(parse_headers, httpc_parse_headers_count_only_with_null_array)
{
    const char *in = "A: 1\rB: 2\rC: 3\r\n\r\n";
    char *b = dup_exact(in, strlen(in));
    size_t n = 0;

    cr_assert_eq(httpc_parse_headers(b, strlen(in), 0, 0, P3, NULL, &n, NULL, 0),
                 (ssize_t)strlen(in));
    cr_assert_eq(n, 3);
    cr_assert_eq(httpc_parse_headers(b, strlen(in), 0, 0, P3, NULL, NULL, NULL, 0),
                 (ssize_t)strlen(in));
    free(b);
}

/* CR-separated fields are not bounded by the line count, so a small array
 * can overflow: NO_ROOM (no allocation is involved), and the caller may count first with a NULL array. */
Test(parse_headers, httpc_parse_headers_array_too_small)
{
    const char *in = "A: 1\rB: 2\rC: 3\r\n\r\n";
    char *b = dup_exact(in, strlen(in));
    httpc_header hs[3];
    size_t n = 2;
    char d[80];

    cr_assert_eq(httpc_parse_headers(b, strlen(in), 0, 0, P3, hs, &n, d, sizeof d), HTTPC_E_NO_ROOM);
    cr_assert_eq(n, 0);
    cr_assert_str_eq(d, "3 header fields do not fit an array of 2");
    n = 3;
    cr_assert_eq(httpc_parse_headers(b, strlen(in), 0, 0, P3, hs, &n, d, sizeof d),
                 (ssize_t)strlen(in));
    cr_assert_eq(n, 3);
    free(b);
}

Test(parse_headers, httpc_parse_headers_null_profile_is_py3)
{
    const char *in = "A b: 1\r\n\r\n";
    char *b = dup_exact(in, strlen(in));
    httpc_header hs[4];
    size_t n = 4;

    cr_assert_eq(httpc_parse_headers(b, strlen(in), 0, 0, NULL, hs, &n, NULL, 0),
                 (ssize_t)strlen(in));
    cr_assert_eq(n, 0);
    free(b);
}

/* ---- httpc_headers_get --------------------------------------------------- */

Test(parse_headers, httpc_headers_get_first_match_any_case)
{
    const char *in = "Set-Cookie: a\r\nX: 1\r\nset-cookie: b\r\n\r\n";
    char *b = dup_exact(in, strlen(in));
    httpc_header hs[8];
    size_t n = 8;
    const httpc_span *v;

    cr_assert_gt(httpc_parse_headers(b, strlen(in), 0, 0, P3, hs, &n, NULL, 0), 0);
    v = httpc_headers_get(hs, n, "SET-COOKIE");
    cr_assert_not_null(v);
    cr_assert(v->len == 1 && v->ptr[0] == 'a');
    v = httpc_headers_get(hs, n, "x");
    cr_assert(v != NULL && v->ptr[0] == '1');
    cr_assert_null(httpc_headers_get(hs, n, "set-cooki"));
    cr_assert_null(httpc_headers_get(hs, n, "set-cookiex"));
    cr_assert_null(httpc_headers_get(hs, 0, "x"));
    free(b);
}

/* Case folding is for ASCII letters alone, at every length (short names by
 * the table, eight octets a word from 8 on, the tail overlapping): octets
 * that differ by 0x20 but are not letters never match, against a reference
 * that folds one octet at a time, for every octet pair at every position. */
static int ref_ieq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x += 32;
        if (y >= 'A' && y <= 'Z')
            y += 32;
        if (x != y)
            return 0;
    }
    return 1;
}

Test(parse_headers, httpc_headers_get_folds_letters_only)
{
    char name[24], needle[25];
    httpc_header h;

    for (size_t n = 1; n <= 23; n++) {
        for (size_t at = 0; at < n; at += (n > 9 ? 3 : 1)) {
            for (int x = 0; x < 256; x++) {
                for (int d = 0; d < 2; d++) {
                    int y = d ? x ^ 0x20 : (x + 1) & 0xff;
                    memset(name, 'k', n);
                    memset(needle, 'K', n);
                    name[at] = (char)x;
                    needle[at] = (char)y;
                    needle[n] = '\0';
                    if (y == 0)
                        continue; /* the needle is a C string */
                    h = (httpc_header){{name, n}, {name, 0}};
                    int want = ref_ieq(name, needle, n);
                    cr_assert_eq(httpc_headers_get(&h, 1, needle) != NULL, want,
                                 "n=%zu at=%zu 0x%02x vs 0x%02x", n, at, x, y);
                }
            }
        }
    }
    h = (httpc_header){{"Transfer-Encoding", 17}, {"chunked", 7}};
    cr_assert_not_null(httpc_headers_get(&h, 1, "transfer-encoding"));
    cr_assert_null(httpc_headers_get(&h, 1, "transfer\rencoding")); /* '-' ^ 0x20 is CR */
}

/* py27 continuation entries have no name and are never a match. */
Test(parse_headers, httpc_headers_get_skips_continuations)
{
    const char *in = "A: 1\r\n 2\r\n\r\n";
    char *b = dup_exact(in, strlen(in));
    httpc_header hs[8];
    size_t n = 8;

    cr_assert_gt(httpc_parse_headers(b, strlen(in), 0, 0, P27, hs, &n, NULL, 0), 0);
    cr_assert_eq(n, 2);
    cr_assert_null(hs[1].name.ptr);
    cr_assert_null(httpc_headers_get(hs, n, ""));
    cr_assert_eq(httpc_headers_get(hs, n, "a"), &hs[0].value);
    free(b);
}
