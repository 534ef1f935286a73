/* SPDX-License-Identifier: MIT */
/* Tests of resp.c: begin() and the body reads over an in-memory peer, fed
 * whole and one byte at a time; expected values observed with CPython 3.11.7
 * (and 2.7.18 for py27) on the same bytes, by HTTPResponse(sock).begin()
 * over a socket whose makefile() is a BytesIO, as tests/oracle does end to
 * end over TCP. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "mem_peer.h"

typedef struct got {
    httpc_resp *r;
    int begin_rc;
    char body[4096];
    size_t len;
    int rc;
} got;

static int collect(void *ctx, const void *data, size_t len)
{
    got *g = ctx;
    if (data == NULL)
        return 0; /* piece mark */
    cr_assert(g->len + len <= sizeof g->body);
    memcpy(g->body + g->len, data, len);
    g->len += len;
    return 0;
}

/* Runs one response through begin() and read() (amt 0) or read(amt). */
static got run(const char *reply, const char *profile, const char *method, size_t segment,
               size_t amt)
{
    got g = {0};
    httpc__transport *t;
    cr_assert_eq(httpc__mem_transport(reply, strlen(reply), segment, &t), 0);
    cr_assert_eq(httpc__resp_new(t, httpc_profile_by_name(profile), 0, method, &g.r), 0);
    httpc__transport_unref(t);
    g.begin_rc = httpc__resp_begin(g.r);
    if (g.begin_rc < 0)
        return g;
    if (amt == 0) {
        int64_t n = httpc_resp_read_all(g.r, collect, &g);
        g.rc = n < 0 ? (int)n : 0;
        return g;
    }
    for (;;) {
        char buf[64];
        ssize_t n = httpc_resp_read(g.r, buf, amt);
        if (n <= 0) {
            g.rc = (int)n;
            return g;
        }
        collect(&g, buf, (size_t)n);
    }
}

/* The same outcome whether the peer writes everything at once or byte by byte. */
static got run_both(const char *reply, const char *profile, const char *method, size_t amt)
{
    got a = run(reply, profile, method, 0, amt), b = run(reply, profile, method, 1, amt);
    cr_assert_eq(a.begin_rc, b.begin_rc, "%s", reply);
    cr_assert_eq(a.rc, b.rc, "%s", reply);
    cr_assert_eq(a.len, b.len, "%s", reply);
    cr_assert(memcmp(a.body, b.body, a.len) == 0, "%s", reply);
    httpc_resp_free(b.r);
    return a;
}

Test(resp, content_length_body)
{
    got g = run_both("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhelloEXTRA", "py3",
                     "GET", 0);
    cr_assert_eq(g.begin_rc, 0);
    cr_assert_eq(httpc_resp_status(g.r), 200);
    cr_assert_str_eq(httpc_resp_reason(g.r), "OK");
    cr_assert_eq(httpc_resp_version(g.r), 11);
    cr_assert_eq(g.len, 5);
    cr_assert(memcmp(g.body, "hello", 5) == 0);
    cr_assert_eq(httpc_resp_will_close(g.r), 0);
    cr_assert(httpc_resp_isclosed(g.r));
    cr_assert_not(httpc_resp_closed(g.r)); /* only close() sets `closed` */
    httpc_resp_close(g.r);
    cr_assert(httpc_resp_closed(g.r));
    httpc_resp_free(g.r);
}

Test(resp, getheader_joins_and_is_case_insensitive)
{
    got g = run_both("HTTP/1.1 200 OK\r\nSet-Cookie: a\r\nX: 1\r\nset-cookie: b\r\n"
                     "Content-Length: 0\r\n\r\n", "py3", "GET", 0);
    char buf[64];
    cr_assert_eq(httpc_resp_getheader(g.r, "SET-COOKIE", buf, sizeof buf), 4);
    cr_assert_str_eq(buf, "a, b");
    cr_assert_eq(httpc_resp_getheader(g.r, "missing", buf, sizeof buf), HTTPC_E_NOT_FOUND);
    cr_assert_eq(httpc_resp_getheader(g.r, "set-cookie", buf, 3), 4); /* snprintf-like */
    cr_assert_str_eq(buf, "a,");
    cr_assert_eq(httpc_resp_header_count(g.r), 4);
    httpc_span n, v;
    cr_assert_eq(httpc_resp_header_at(g.r, 2, &n, &v), 0);
    cr_assert(n.len == 10 && memcmp(n.ptr, "set-cookie", 10) == 0);
    cr_assert_eq(httpc_resp_header_at(g.r, 4, &n, &v), HTTPC_E_NOT_FOUND);
    httpc_resp_free(g.r);
}

Test(resp, py27_continuation_and_combined_values)
{
    /* httplib 2.7: "a\n b" for a continuation, ", " between repeats */
    got g = run_both("HTTP/1.1 200 OK\r\nX: a\r\n  b  \r\nX: c\r\nContent-Length: 0\r\n\r\n",
                     "py27", "GET", 0);
    char buf[64];
    cr_assert_eq(httpc_resp_getheader(g.r, "x", buf, sizeof buf), 7);
    cr_assert_str_eq(buf, "a\n b, c");
    httpc_resp_free(g.r);
    g = run_both("HTTP/1.1 200 OK\r\nX: a\r\n  b  \r\nX: c\r\nContent-Length: 0\r\n\r\n", "py3",
                 "GET", 0);
    cr_assert_eq(httpc_resp_getheader(g.r, "x", buf, sizeof buf), 11);
    cr_assert_str_eq(buf, "a\r\n  b  , c"); /* email keeps the fold and its blanks */
    httpc_resp_free(g.r);
}

Test(resp, chunked_with_extensions_and_trailers)
{
    const char *reply = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "4;a=b\r\nWiki\r\n5\r\npedia\r\n0\r\nT: x\r\n\r\n";
    for (size_t amt = 0; amt <= 10; amt++) {
        got g = run_both(reply, "py3", "GET", amt);
        cr_assert_eq(g.rc, 0, "amt %zu", amt);
        cr_assert_eq(g.len, 9);
        cr_assert(memcmp(g.body, "Wikipedia", 9) == 0);
        cr_assert(httpc_resp_chunked(g.r));
        cr_assert(httpc_resp_isclosed(g.r));
        httpc_resp_free(g.r);
    }
}

Test(resp, incomplete_read_content_length)
{
    got g = run_both("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "py3", "GET", 0);
    int64_t partial, expected, offset;
    cr_assert_eq(g.rc, HTTPC_E_INCOMPLETE_READ);
    httpc_resp_incomplete(g.r, &partial, &expected, &offset);
    cr_assert_eq(partial, 5);
    cr_assert_eq(expected, 5);
    cr_assert_eq(offset, 0);
    httpc_resp_free(g.r);
    /* read(amt) never raises for Content-Length: it returns short, then b'' */
    g = run_both("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "py3", "GET", 3);
    cr_assert_eq(g.rc, 0);
    cr_assert_eq(g.len, 5);
    httpc_resp_free(g.r);
}

/* _safe_read's IncompleteRead(partial, amt - read) with Python's unbounded
 * length: exact while what is left fits an int64, else capped at INT64_MAX
 * (3.6.15 and 2.7.18: 9223372036854775810 with 5 bytes expects
 * 9223372036854775805; 18446744073709551615 expects 18446744073709551610). */
Test(resp, incomplete_read_expected_past_int64)
{
    static const struct {
        const char *profile, *length;
        int64_t expected;
    } rows[] = {
        {"py36", "9223372036854775810", 9223372036854775805},
        {"py27", "9223372036854775810", 9223372036854775805},
        {"py36", "9223372036854775812", INT64_MAX},
        {"py36", "18446744073709551615", INT64_MAX},
        {"py27", "99999999999999999999", INT64_MAX},
    };
    char reply[128];
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        snprintf(reply, sizeof reply, "HTTP/1.1 200 OK\r\nContent-Length: %s\r\n\r\nshort",
                 rows[i].length);
        got g = run_both(reply, rows[i].profile, "GET", 0);
        int64_t partial, expected;
        cr_assert_eq(g.rc, HTTPC_E_INCOMPLETE_READ);
        httpc_resp_incomplete(g.r, &partial, &expected, NULL);
        cr_expect_eq(partial, 5);
        cr_expect_eq(expected, rows[i].expected, "%s %s: %lld", rows[i].profile, rows[i].length,
                     (long long)expected);
        httpc_resp_free(g.r);
    }
}

Test(resp, incomplete_read_chunked_partial_is_completed_pieces)
{
    /* CPython 3: IncompleteRead(b'hello'), expected None; the torn chunk is lost */
    got g = run_both("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "5\r\nhello\r\n10\r\nonly part", "py3", "GET", 0);
    int64_t partial, expected;
    cr_assert_eq(g.rc, HTTPC_E_INCOMPLETE_READ);
    httpc_resp_incomplete(g.r, &partial, &expected, NULL);
    cr_assert_eq(partial, 5);
    cr_assert_eq(expected, -1);
    httpc_resp_free(g.r);
    /* httplib 2.7: IncompleteRead('only part', 7): the torn piece and its lack */
    g = run_both("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "5\r\nhello\r\n10\r\nonly part", "py27", "GET", 0);
    int64_t offset;
    cr_assert_eq(g.rc, HTTPC_E_INCOMPLETE_READ);
    httpc_resp_incomplete(g.r, &partial, &expected, &offset);
    cr_assert_eq(partial, 9);
    cr_assert_eq(expected, 7);
    cr_assert_eq(offset, 5);
    httpc_resp_free(g.r);
}

/* A negative chunk size: 2.7's _safe_read(-1) reads nothing and its
 * _safe_read(2) takes the next bytes as the chunk's CRLF, so EOF there gives
 * IncompleteRead('x', 1) (2.7.18 on these bytes, read() and read(7)). The
 * decoder enters and cuts the terminator in one feed: the partial once held
 * a stale byte of the previous terminator ('\r', or NUL with no chunk
 * before; found by make diff-cpython). */
Test(resp, py27_negative_chunk_size_torn_terminator_partial)
{
    static const char *bodies[] = {"5\r\nhello\r\n-1\r\nx", "-2\r\nx"};
    char reply[128];

    for (size_t b = 0; b < 2; b++) {
        snprintf(reply, sizeof reply, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n%s",
                 bodies[b]);
        for (size_t seg = 0; seg < 2; seg++) {
            got g = run(reply, "py27", "GET", seg, 0);
            int64_t partial, expected, offset;
            cr_assert_eq(g.rc, HTTPC_E_INCOMPLETE_READ);
            httpc_resp_incomplete(g.r, &partial, &expected, &offset);
            cr_assert_eq(partial, 1);
            cr_assert_eq(expected, 1);
            cr_assert_eq((size_t)offset + 1, g.len, "%s", reply);
            cr_assert_eq(g.body[offset], 'x', "%s segment %zu", reply, seg);
            httpc_resp_free(g.r);

            httpc__transport *t;
            httpc_resp *r;
            char buf[7];
            cr_assert_eq(httpc__mem_transport(reply, strlen(reply), seg, &t), 0);
            cr_assert_eq(httpc__resp_new(t, httpc_profile_by_name("py27"), 0, "GET", &r), 0);
            httpc__transport_unref(t);
            cr_assert_eq(httpc__resp_begin(r), 0);
            cr_assert_eq(httpc_resp_read(r, buf, sizeof buf), HTTPC_E_INCOMPLETE_READ);
            httpc_resp_incomplete(r, &partial, &expected, NULL);
            cr_assert_eq(partial, 1);
            cr_assert_eq(buf[0], 'x', "%s read(7) segment %zu", reply, seg);
            httpc_resp_free(r);
        }
    }
}

Test(resp, bad_chunk_size_is_incomplete_read_and_closes)
{
    got g = run_both("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "py3",
                     "GET", 0);
    cr_assert_eq(g.rc, HTTPC_E_INCOMPLETE_READ);
    cr_assert(httpc_resp_isclosed(g.r));
    httpc_resp_free(g.r);
}

Test(resp, no_body_for_head_204_304_1xx)
{
    const char *cases[][2] = {
        {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", "HEAD"},
        {"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello", "GET"},
        {"HTTP/1.1 304 Not Modified\r\n\r\nhello", "GET"},
        {"HTTP/1.1 101 Switching Protocols\r\n\r\nhello", "GET"},
    };
    for (size_t i = 0; i < 4; i++) {
        got g = run_both(cases[i][0], "py3", cases[i][1], 0);
        cr_assert_eq(g.begin_rc, 0);
        cr_assert_eq(g.len, 0, "%s", cases[i][0]);
        cr_assert_eq(httpc_resp_length(g.r), 0);
        httpc_resp_free(g.r);
    }
}

Test(resp, continue_responses_are_skipped)
{
    got g = run_both("HTTP/1.1 100 Continue\r\nX: 1\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n"
                     "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", "py3", "GET", 0);
    cr_assert_eq(httpc_resp_status(g.r), 201);
    cr_assert_eq(g.len, 2);
    httpc_resp_free(g.r);
}

Test(resp, will_close_rules)
{
    const struct {
        const char *reply;
        int will_close;
    } cases[] = {
        {"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0},
        {"HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 0\r\n\r\n", 1},
        {"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 1},
        {"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", 0},
        {"HTTP/1.0 200 OK\r\nKeep-Alive: 5\r\nContent-Length: 0\r\n\r\n", 0},
        {"HTTP/1.0 200 OK\r\nProxy-Connection: keep-alive\r\nContent-Length: 0\r\n\r\n", 0},
        {"HTTP/1.1 200 OK\r\n\r\n", 1}, /* no length: read until close */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        got g = run(cases[i].reply, "py3", "GET", 0, 0);
        cr_assert_eq(httpc_resp_will_close(g.r), cases[i].will_close, "%s", cases[i].reply);
        httpc_resp_free(g.r);
    }
}

/* RFC 9110 section 15.2 against CPython's begin(): strict skips every 1xx but
 * 101; py3 returns a 102 as the response (and reads no body for it). */
Test(resp, strict_skips_every_interim_response)
{
    const char *reply = "HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 199 Odd\r\nX: 1\r\n\r\n"
                        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal";
    got s = run_both(reply, "strict", "GET", 0), p = run_both(reply, "py3", "GET", 0);
    cr_assert_eq(httpc_resp_status(s.r), 200);
    cr_assert_eq(s.len, 5);
    cr_assert_eq(httpc_resp_status(p.r), 102);
    cr_assert_eq(p.len, 0);
    httpc_resp_free(s.r), httpc_resp_free(p.r);
    s = run_both("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\nraw", "strict", "GET", 0);
    cr_assert_eq(httpc_resp_status(s.r), 101, "101 ends HTTP/1.1: it is the response");
    httpc_resp_free(s.r);
}

/* RFC 9112 section 6.3 (1): a 204 ends at its header block even with
 * "Transfer-Encoding: chunked"; CPython still decodes chunks there. */
Test(resp, strict_204_ignores_chunked)
{
    const char *reply = "HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n";
    got s = run(reply, "strict", "GET", 0, 0), p = run(reply, "py3", "GET", 0, 0);
    cr_assert_eq(s.begin_rc, 0);
    cr_assert_eq(s.rc, 0);
    cr_assert_eq(s.len, 0);
    cr_assert_eq(httpc_resp_will_close(s.r), 0);
    cr_assert_eq(p.rc, HTTPC_E_INCOMPLETE_READ);
    httpc_resp_free(s.r), httpc_resp_free(p.r);
}

/* RFC 9110 section 7.6.1: every Connection field adds options, and options are
 * whole tokens; CPython reads the first field and looks for a substring. */
Test(resp, strict_connection_options)
{
    const struct {
        const char *reply;
        int strict, py3;
    } cases[] = {
        {"HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nConnection: close\r\n"
         "Content-Length: 0\r\n\r\n", 1, 0},
        {"HTTP/1.1 200 OK\r\nConnection: x-closed\r\nContent-Length: 0\r\n\r\n", 0, 1},
        {"HTTP/1.1 200 OK\r\nConnection: te , CLOSE\r\nContent-Length: 0\r\n\r\n", 1, 1},
        {"HTTP/1.0 200 OK\r\nKeep-Alive: 5\r\nContent-Length: 0\r\n\r\n", 1, 0},
        {"HTTP/1.0 200 OK\r\nConnection: x, keep-alive\r\nContent-Length: 0\r\n\r\n", 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        got s = run(cases[i].reply, "strict", "GET", 0, 0), p = run(cases[i].reply, "py3", "GET", 0, 0);
        cr_assert_eq(httpc_resp_will_close(s.r), cases[i].strict, "strict: %s", cases[i].reply);
        cr_assert_eq(httpc_resp_will_close(p.r), cases[i].py3, "py3: %s", cases[i].reply);
        httpc_resp_free(s.r), httpc_resp_free(p.r);
    }
}

Test(resp, http09_simple_response_per_profile)
{
    got g = run_both("<html>hi</html>\n", "py27", "GET", 0);
    cr_assert_eq(g.begin_rc, 0);
    cr_assert_eq(httpc_resp_version(g.r), 9);
    cr_assert_eq(httpc_resp_status(g.r), 200);
    cr_assert_eq(g.len, 16);
    cr_assert(memcmp(g.body, "<html>hi</html>\n", 16) == 0);
    httpc_resp_free(g.r);
    g = run("<html>hi</html>\n", "py27-strict", "GET", 0, 0);
    cr_assert_eq(g.begin_rc, HTTPC_E_BAD_STATUS_LINE);
    httpc_resp_free(g.r);
    g = run("<html>hi</html>\n", "py3", "GET", 0, 0);
    cr_assert_eq(g.begin_rc, HTTPC_E_BAD_STATUS_LINE);
    httpc_resp_free(g.r);
}

Test(resp, strict_profile_framing)
{
    const struct {
        const char *reply;
        int py3_rc, strict_rc;
    } cases[] = {
        {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc", 0,
         HTTPC_E_INVALID_FRAMING},
        {"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
         "3\r\nabc\r\n0\r\n\r\n", 0, HTTPC_E_INVALID_FRAMING},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nabc", 0,
         HTTPC_E_UNKNOWN_TRANSFER_ENCODING},
        {"HTTP/1.1 200 OK\r\nContent-Length: +3\r\n\r\nabc", 0, HTTPC_E_INVALID_FRAMING},
        {"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 0,
         HTTPC_E_INVALID_FRAMING},
        {"HTTP/1.1 200 OK\nContent-Length: 3\n\nabc", 0, HTTPC_E_BAD_STATUS_LINE},
        {"HTTP/1.1 200 OK\r\n X: a\r\nContent-Length: 3\r\n\r\nabc", 0,
         HTTPC_E_INVALID_HEADER}, /* whitespace before the first field (RFC 9112 2.2) */
        {"HTTP/1.1 200 OK\r\nX: a\x01" "b\r\nContent-Length: 3\r\n\r\nabc", 0,
         HTTPC_E_INVALID_HEADER},
        {"HTTP/1.1 200 OK\r\nX : a\r\nContent-Length: 3\r\n\r\nabc", 0,
         HTTPC_E_INVALID_HEADER},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        got a = run(cases[i].reply, "py3", "GET", 0, 0);
        got b = run(cases[i].reply, "strict", "GET", 0, 0);
        cr_assert_eq(a.begin_rc, cases[i].py3_rc, "py3: %s", cases[i].reply);
        cr_assert_eq(b.begin_rc, cases[i].strict_rc, "strict: %s (%s)", cases[i].reply,
                     httpc_resp_errmsg(b.r));
        httpc_resp_free(a.r);
        httpc_resp_free(b.r);
    }
}

/* RFC 9112 section 5.2: a user agent replaces each obs-fold with SP before
 * interpreting the value. strict gives every accessor the value with one SP
 * per fold, framing included (a folded Content-Length frames the body), at
 * every segmentation; py3 keeps CPython's verbatim continuation. */
Test(resp, strict_unfolds_obs_fold)
{
    const char *reply = "HTTP/1.1 200 OK\r\nX-Folded: one\r\n\ttwo  \r\n   three\r\n"
                        "X-Blank: 1\r\n   \r\nX-Empty:\r\n \r\nContent-Length:\r\n 2\r\n"
                        "X-Folded: four\r\n\r\nhiEXTRA";
    static const char *const names[] = {"X-Folded", "X-Blank", "X-Empty", "Content-Length",
                                        "X-Folded"};
    static const char *const values[] = {"one two three", "1", "", "2", "four"};
    char v[64];

    for (size_t segment = 0; segment <= 7; segment++) {
        got g = run(reply, "strict", "GET", segment, 0);
        cr_assert_eq(g.begin_rc, 0, "%s", httpc_resp_errmsg(g.r));
        cr_assert_eq(g.rc, 0);
        cr_assert_eq(g.len, 2, "Content-Length 2 frames the body");
        cr_assert(memcmp(g.body, "hi", 2) == 0);
        cr_assert_eq(httpc_resp_length(g.r), 0);
        cr_assert_eq(httpc_resp_header_count(g.r), 5, "a folded line is no field");
        for (size_t i = 0; i < 5; i++) {
            httpc_span n, val;
            cr_assert_eq(httpc_resp_header_at(g.r, i, &n, &val), 0);
            cr_assert_not_null(n.ptr);
            cr_assert(n.len == strlen(names[i]) && memcmp(n.ptr, names[i], n.len) == 0);
            cr_assert(val.len == strlen(values[i]) && memcmp(val.ptr, values[i], val.len) == 0,
                      "segment %zu field %zu: '%.*s'", segment, i, (int)val.len, val.ptr);
        }
        cr_assert_eq(httpc_resp_getheader(g.r, "x-folded", v, sizeof v), 19);
        cr_assert_str_eq(v, "one two three, four");
        cr_assert_eq(httpc_resp_getheader(g.r, "Content-Length", v, sizeof v), 1);
        cr_assert_str_eq(v, "2");
        httpc_resp_free(g.r);
    }
    got p = run(reply, "py3", "GET", 0, 0);
    cr_assert_eq(httpc_resp_getheader(p.r, "X-Folded", v, sizeof v), 27);
    cr_assert_str_eq(v, "one\r\n\ttwo  \r\n   three, four");
    httpc_resp_free(p.r);
}

/* A folded trailer is read (and, as every trailer, dropped) by strict. */
Test(resp, strict_unfolds_a_folded_trailer)
{
    got g = run_both("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "5\r\nhello\r\n0\r\nX-T: a\r\n b\r\n\t\r\nY: c\r\n\r\n", "strict", "GET", 0);
    cr_assert_eq(g.rc, 0, "%s", httpc_resp_errmsg(g.r));
    cr_assert_eq(g.len, 5);
    cr_assert(httpc_resp_isclosed(g.r));
    httpc_resp_free(g.r);
    g = run_both("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "5\r\nhello\r\n0\r\n X-T: a\r\n\r\n", "strict", "GET", 0);
    cr_assert_eq(g.rc, HTTPC_E_INVALID_HEADER, "no field to fold into");
    httpc_resp_free(g.r);
}

/* RFC 9110 section 15: a client SHOULD process a response with an invalid
 * status code as a 5xx: strict reads 600 to 999 (framed as any 5xx), as
 * py3 does; a fourth digit is no status-code at all. */
Test(resp, strict_reads_status_600_to_999)
{
    static const struct {
        const char *reply;
        int status;
    } cases[] = {
        {"HTTP/1.1 600 Odd\r\nContent-Length: 2\r\n\r\nhi", 600},
        {"HTTP/1.1 999 Odd\r\nContent-Length: 2\r\n\r\nhi", 999},
        {"HTTP/1.1 750 \r\n\r\nhi", 750}, /* no length: to the close, as a 5xx */
        {"HTTP/1.1 1000 Odd\r\nContent-Length: 2\r\n\r\nhi", HTTPC_E_BAD_STATUS_LINE},
        {"HTTP/1.1 099 Odd\r\nContent-Length: 2\r\n\r\nhi", HTTPC_E_BAD_STATUS_LINE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        got s = run_both(cases[i].reply, "strict", "GET", 0);
        got p = run_both(cases[i].reply, "py3", "GET", 0);
        if (cases[i].status < 0) {
            cr_assert_eq(s.begin_rc, cases[i].status, "%s", cases[i].reply);
            cr_assert_eq(p.begin_rc, cases[i].status, "%s", cases[i].reply);
        } else {
            cr_assert_eq(s.begin_rc, 0, "%s: %s", cases[i].reply, httpc_resp_errmsg(s.r));
            cr_assert_eq(httpc_resp_status(s.r), cases[i].status);
            cr_assert_eq(httpc_resp_status(p.r), cases[i].status);
            cr_assert_eq(s.len, 2);
            cr_assert(memcmp(s.body, "hi", 2) == 0);
        }
        httpc_resp_free(s.r);
        httpc_resp_free(p.r);
    }
}

Test(resp, strict_chunked_body)
{
    const char *bad[] = {
        "5\r\nhelloXY0\r\n\r\n",     /* CRLF after data */
        "0x5\r\nhello\r\n0\r\n\r\n", /* prefix */
        "5 \r\nhello\r\n0\r\n\r\n",  /* whitespace without extension */
        "5;=x\r\nhello\r\n0\r\n\r\n", /* empty extension name */
        "5\nhello\r\n0\r\n\r\n",     /* bare LF */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char reply[256];
        snprintf(reply, sizeof reply,
                 "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n%s", bad[i]);
        got a = run(reply, "py3", "GET", 0, 0), b = run(reply, "strict", "GET", 0, 0);
        cr_assert_eq(b.rc, HTTPC_E_INVALID_FRAMING, "%s", bad[i]);
        cr_assert_neq(a.rc, HTTPC_E_INVALID_FRAMING);
        httpc_resp_free(a.r);
        httpc_resp_free(b.r);
    }
    got g = run_both("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "5 ; a=\"q\\\"x\"\r\nhello\r\n0\r\nT: 1\r\n\r\n", "strict", "GET", 0);
    cr_assert_eq(g.rc, 0, "%s", httpc_resp_errmsg(g.r));
    cr_assert_eq(g.len, 5);
    httpc_resp_free(g.r);
}

/* A py3 response to GET over the reply at once, its head read. */
static httpc_resp *begun_py3(const char *reply)
{
    httpc__transport *t;
    httpc_resp *r;
    httpc__mem_transport(reply, strlen(reply), 0, &t);
    httpc__resp_new(t, httpc_profile_get(HTTPC_PROFILE_PY3), 0, "GET", &r);
    httpc__transport_unref(t);
    cr_assert_eq(httpc__resp_begin(r), 0);
    return r;
}

Test(resp, readline_iterates_lines)
{
    got g = run("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab\ncd\nefX", "py3", "GET", 0,
                1000000);
    httpc_resp_free(g.r);
    httpc_resp *r = begun_py3("HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nab\ncd\nefX");
    char line[16];
    cr_assert_eq(httpc_resp_readline(r, line, sizeof line), 3);
    cr_assert_eq(httpc_resp_readline(r, line, sizeof line), 3);
    cr_assert_eq(httpc_resp_readline(r, line, sizeof line), 2);
    cr_assert(memcmp(line, "ef", 2) == 0);
    cr_assert_eq(httpc_resp_readline(r, line, sizeof line), 0);
    httpc_resp_free(r);
}

/* A read failing inside readline() is its result: CPython 3.11 gives b'ab\n'
 * and then IncompleteRead(0 bytes read) for this truncated chunk (the "cd"
 * it had read go with the exception). */
Test(resp, readline_returns_the_error_of_a_read_inside_it)
{
    httpc_resp *r = begun_py3("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nab\ncd");
    char line[16];
    cr_assert_eq(httpc_resp_readline(r, line, sizeof line), 3);
    cr_assert(memcmp(line, "ab\n", 3) == 0);
    cr_assert_eq(httpc_resp_readline(r, line, sizeof line), HTTPC_E_INCOMPLETE_READ);
    httpc_resp_free(r);
}

Test(resp, limits_line_too_long_and_header_count)
{
    char *reply = malloc(200000);
    int n = sprintf(reply, "HTTP/1.1 200 OK\r\nX: ");
    memset(reply + n, 'v', 65600);
    strcpy(reply + n + 65600, "\r\n\r\n");
    got g = run(reply, "py3", "GET", 0, 0);
    cr_assert_eq(g.begin_rc, HTTPC_E_LINE_TOO_LONG);
    cr_assert_str_eq(httpc_resp_errmsg(g.r), "got more than 65536 bytes when reading header line");
    httpc_resp_free(g.r);
    n = sprintf(reply, "HTTP/1.1 200 OK\r\n");
    for (int i = 0; i < 100; i++)
        n += sprintf(reply + n, "H%d: v\r\n", i);
    strcpy(reply + n, "\r\n");
    g = run(reply, "py3", "GET", 0, 0);
    cr_assert_eq(g.begin_rc, HTTPC_E_HTTP_EXCEPTION);
    cr_assert_str_eq(httpc_resp_errmsg(g.r), "got more than 100 headers");
    httpc_resp_free(g.r);
    g = run(reply, "py27", "GET", 0, 0); /* httplib 2.7 takes 100 */
    cr_assert_eq(g.begin_rc, 0);
    httpc_resp_free(g.r);
    free(reply);
}

#define CHUNKED_HEAD "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"

static httpc_resp *begun(const char *reply, const char *profile, size_t segment)
{
    httpc__transport *t;
    httpc_resp *r;
    cr_assert_eq(httpc__mem_transport(reply, strlen(reply), segment, &t), 0);
    cr_assert_eq(httpc__resp_new(t, httpc_profile_by_name(profile), 0, "GET", &r), 0);
    httpc__transport_unref(t);
    cr_assert_eq(httpc__resp_begin(r), 0, "%s", httpc_resp_errmsg(r));
    return r;
}

/* r.read(0) runs _get_chunk_left once: it reaches the next chunk's data, or
 * the end of the body (closing), or the error of a bad size line. */
Test(resp, read_zero_chunked_advances)
{
    char buf[16];
    int64_t partial, expected;
    for (size_t seg = 0; seg < 2; seg++) {
        httpc_resp *r = begun(CHUNKED_HEAD "0\r\n\r\n", "py3", seg);
        cr_assert_eq(httpc_resp_read(r, buf, 0), 0);
        cr_assert(httpc_resp_isclosed(r));
        httpc_resp_free(r);
        r = begun(CHUNKED_HEAD "5\r\nhello\r\n0\r\n\r\n", "py27", seg);
        cr_assert_eq(httpc_resp_read(r, buf, 0), 0);
        cr_assert_not(httpc_resp_isclosed(r));
        cr_assert_eq(httpc_resp_read(r, buf, sizeof buf), 5);
        cr_assert(memcmp(buf, "hello", 5) == 0);
        httpc_resp_free(r);
        r = begun(CHUNKED_HEAD "zz\r\n", "py3", seg);
        cr_assert_eq(httpc_resp_read(r, buf, 0), HTTPC_E_INCOMPLETE_READ);
        httpc_resp_incomplete(r, &partial, &expected, NULL);
        cr_assert_eq(partial, 0);
        cr_assert_eq(expected, -1);
        cr_assert(httpc_resp_isclosed(r));
        httpc_resp_free(r);
    }
}

/* read(5) of a 5-byte chunk cut before its CRLF: 3.x returns the data and
 * fails on the next call (IncompleteRead(b''), expected None); httplib 2.7
 * drops the CRLF in the same call (amt == chunk_left) and fails at once with
 * _safe_read(2)'s IncompleteRead('', 2). */
Test(resp, read_exact_chunk_crlf_per_profile)
{
    char buf[16];
    int64_t partial, expected;
    for (size_t seg = 0; seg < 2; seg++) {
        httpc_resp *r = begun(CHUNKED_HEAD "5\r\nhello", "py3", seg);
        cr_assert_eq(httpc_resp_read(r, buf, 5), 5);
        cr_assert_eq(httpc_resp_read(r, buf, 5), HTTPC_E_INCOMPLETE_READ);
        httpc_resp_incomplete(r, &partial, &expected, NULL);
        cr_assert_eq(partial, 0);
        cr_assert_eq(expected, -1);
        httpc_resp_free(r);
        r = begun(CHUNKED_HEAD "5\r\nhello", "py27", seg);
        cr_assert_eq(httpc_resp_read(r, buf, 5), HTTPC_E_INCOMPLETE_READ);
        httpc_resp_incomplete(r, &partial, &expected, NULL);
        cr_assert_eq(partial, 0);
        cr_assert_eq(expected, 2);
        httpc_resp_free(r);
    }
}

/* The framing headers are judged on their whole value: a Connection value
 * with "close" after 600 blanks still closes, and "chunked\0x" is not
 * "chunked" (CPython 3.11.7: will_close True, chunked False). */
Test(resp, framing_values_are_not_truncated)
{
    char reply[1024];
    int n = sprintf(reply, "HTTP/1.1 200 OK\r\nConnection: %600s\r\nContent-Length: 0\r\n\r\n",
                    "close");
    got g = run(reply, "py3", "GET", 0, 0);
    cr_assert_eq(n > 600, 1);
    cr_assert_eq(g.begin_rc, 0);
    cr_assert(httpc_resp_will_close(g.r));
    httpc_resp_free(g.r);
    static const char te_nul[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\0x\r\n"
                                 "Content-Length: 2\r\n\r\nhi";
    httpc__transport *t;
    httpc_resp *r;
    cr_assert_eq(httpc__mem_transport(te_nul, sizeof te_nul - 1, 0, &t), 0);
    cr_assert_eq(httpc__resp_new(t, httpc_profile_get(HTTPC_PROFILE_PY3), 0, "GET", &r), 0);
    httpc__transport_unref(t);
    cr_assert_eq(httpc__resp_begin(r), 0);
    cr_assert_not(httpc_resp_chunked(r));
    cr_assert_eq(httpc_resp_length(r), 2);
    httpc_resp_free(r);
}

/* A size line over _MAXLINE is LineTooLong and leaves fp open; one int()
 * refuses closes it ("protocol synchronisation is probably lost") and keeps
 * the chunks read so far as e.partial. */
Test(resp, chunk_size_errors_and_closing)
{
    char *reply = malloc(80000);
    int n = sprintf(reply, CHUNKED_HEAD);
    memset(reply + n, '1', 70000);
    strcpy(reply + n + 70000, "\r\n");
    got g = run(reply, "py3", "GET", 0, 0);
    cr_assert_eq(g.rc, HTTPC_E_LINE_TOO_LONG);
    cr_assert_not(httpc_resp_isclosed(g.r));
    httpc_resp_free(g.r);
    free(reply);
    g = run_both(CHUNKED_HEAD "5\r\nhello\r\nzz\r\n", "py3", "GET", 0);
    int64_t partial, expected;
    cr_assert_eq(g.rc, HTTPC_E_INCOMPLETE_READ);
    httpc_resp_incomplete(g.r, &partial, &expected, NULL);
    cr_assert_eq(partial, 5);
    cr_assert_eq(expected, -1);
    cr_assert(httpc_resp_isclosed(g.r));
    httpc_resp_free(g.r);
}

/* A transport that replays `data` and then fails with `err`, as a socket
 * reset by the peer does. */
typedef struct failing {
    httpc__transport base;
    const char *data;
    size_t len, pos;
    int err;
} failing;

static int failing_send(httpc__transport *t, const void *buf, size_t len)
{
    (void)t, (void)buf, (void)len;
    return 0;
}

static ssize_t failing_recv(httpc__transport *base, void *buf, size_t cap)
{
    failing *t = (failing *)base;
    size_t n = t->len - t->pos < cap ? t->len - t->pos : cap;
    if (n == 0) {
        snprintf(base->errmsg, sizeof base->errmsg, "[Errno 104] Connection reset by peer");
        return t->err;
    }
    memcpy(buf, t->data + t->pos, n);
    t->pos += n;
    return (ssize_t)n;
}

static void failing_destroy(httpc__transport *t)
{
    (void)t;
}

static int failing_fileno(const httpc__transport *t)
{
    (void)t;
    return -1;
}

static const httpc__transport_vt failing_vt = {failing_send, failing_recv, failing_destroy,
                                               failing_fileno};

/* read() that fails with a ConnectionResetError raises before _close_conn():
 * the response stays open (isclosed() False), unlike IncompleteRead. */
Test(resp, transport_error_leaves_the_response_open)
{
    static const char *const replies[] = {
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
        "HTTP/1.1 200 OK\r\n\r\nabc",
        CHUNKED_HEAD "5\r\nab",
    };
    for (size_t i = 0; i < 3; i++) {
        failing t = {.data = replies[i], .len = strlen(replies[i]),
                     .err = HTTPC_E_CONNECTION_RESET};
        httpc_resp *r;
        got g = {0};
        httpc__transport_init(&t.base, &failing_vt);
        cr_assert_eq(httpc__resp_new(&t.base, httpc_profile_get(HTTPC_PROFILE_PY3), 0, "GET",
                                     &r), 0);
        cr_assert_eq(httpc__resp_begin(r), 0);
        cr_assert_eq(httpc_resp_read_all(r, collect, &g), HTTPC_E_CONNECTION_RESET, "%s",
                     replies[i]);
        cr_assert_str_eq(httpc_resp_errmsg(r), "[Errno 104] Connection reset by peer");
        cr_assert_not(httpc_resp_isclosed(r), "%s", replies[i]);
        char buf[4];
        cr_assert_eq(httpc_resp_read(r, buf, sizeof buf), HTTPC_E_CONNECTION_RESET);
        httpc_resp_free(r);
        httpc__transport_unref(&t.base);
    }
}

/* Bytes past a keep-alive body: Python 3's buffered makefile drops what it
 * read ahead, httplib 2.7 reads unbuffered and leaves them on the socket, so
 * they start the next response (CPython 3.11.7 and 2.7.18 over TCP, the
 * server answering each request with one send()). */
Test(resp, bytes_after_the_body_per_profile)
{
    for (int py27 = 0; py27 < 2; py27++) {
        mem_peer m = {.replies = {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiXX"},
                      .more = {{"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nbye"}}};
        httpc_conn_opts o;
        httpc_conn *c;
        httpc_conn_opts_init(&o);
        o.profile = httpc_profile_get(py27 ? HTTPC_PROFILE_PY27 : HTTPC_PROFILE_PY3);
        cr_assert_eq(httpc_conn_new(&c, "h", 80, &o), 0);
        httpc__conn_set_connector(c, mem_peer_connect, &m);
        got g[2] = {{0}};
        for (int i = 0; i < 2; i++) {
            cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
            cr_assert_eq(httpc_conn_getresponse(c, &g[i].r), 0, "%s", httpc_conn_errmsg(c));
            cr_assert_geq(httpc_resp_read_all(g[i].r, collect, &g[i]), 0);
        }
        cr_assert_eq(httpc_resp_version(g[1].r), py27 ? 9 : 11);
        const char *want = py27 ? "XXHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nbye" : "bye";
        cr_assert_eq(g[1].len, strlen(want));
        cr_assert(memcmp(g[1].body, want, g[1].len) == 0);
        httpc_resp_free(g[0].r);
        httpc_resp_free(g[1].r);
        httpc_conn_free(c);
        mem_peer_release(&m);
    }
}

/* A read of at least a buffer's worth with the buffer empty goes from the
 * transport to the caller: the body arrives whole and exact (never more than
 * Content-Length, though the next response follows it), and the read buffer
 * does not grow. */
Test(resp, large_readinto_bypasses_the_buffer)
{
    enum { BODY = 50000 };
    static char reply[BODY + 200], buf[BODY * 2];
    int head = snprintf(reply, sizeof reply, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", BODY);
    for (int i = 0; i < BODY; i++)
        reply[head + i] = (char)('a' + i % 26);
    strcpy(reply + head + BODY, "HTTP/1.1 204 No Content\r\n\r\n");
    httpc_resp *r = begun(reply, "py3", 3001);
    size_t cap = httpc__resp_bufcap(r), total = 0;
    ssize_t n;
    while ((n = httpc_resp_readinto(r, buf + total, sizeof buf - total)) > 0)
        total += (size_t)n;
    cr_assert_eq(n, 0);
    cr_assert_eq(total, BODY);
    cr_assert(memcmp(buf, reply + head, BODY) == 0);
    cr_assert_eq(httpc__resp_bufcap(r), cap, "the buffer grew from %zu to %zu", cap,
                 httpc__resp_bufcap(r));
    cr_assert(httpc_resp_isclosed(r));
    httpc_resp_free(r);
}

/* `closed` per version. 3.0-3.3 close the response once the body
 * is read (the 3.2/3.3 document's `while not r1.closed: r1.read(200)` ends);
 * 3.4+ only in close(): their read() ends with _close_conn(), which leaves
 * IOBase's flag alone (3.4 and 3.5 source; run: 3.6.15, 3.11, 3.13). */
Test(resp, closed_follows_the_version)
{
    static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
    const char *eof_closes[] = {"py30", "py31", "py32", "py33"};
    const char *close_only[] = {"py34", "py35", "py36", "py3", "py27"};

    for (size_t i = 0; i < 4; i++) {
        got g = run(reply, eof_closes[i], "GET", 0, 2); /* read(2) until b'' */
        cr_assert_eq(g.len, 5);
        cr_assert(httpc_resp_closed(g.r), "%s", eof_closes[i]);
        httpc_resp_free(g.r);
        g = run(reply, eof_closes[i], "GET", 0, 0);
        cr_assert(httpc_resp_closed(g.r), "%s", eof_closes[i]);
        httpc_resp_free(g.r);
    }
    for (size_t i = 0; i < 5; i++) {
        got g = run(reply, close_only[i], "GET", 0, 2);
        cr_assert_not(httpc_resp_closed(g.r), "%s", close_only[i]);
        httpc_resp_free(g.r);
        g = run(reply, close_only[i], "GET", 0, 0);
        cr_assert_not(httpc_resp_closed(g.r), "%s", close_only[i]);
        httpc_resp_free(g.r);
    }
}

/* The reason and header names keep every byte (CPython 3.11 and 2.7.18:
 * 'OK\x00'; 2.7's msg.dict key '\x00a'). */
Test(resp, reason_and_names_keep_nul_bytes)
{
    static const char reply[] = "HTTP/1.1 200 OK\0\r\n\0A: 1\r\nX: 2\r\nx: 3\r\nContent-Length: 0\r\n\r\n";
    got g = {0};
    httpc__transport *t;
    httpc_span s, name;
    char buf[16];

    cr_assert_eq(httpc__mem_transport(reply, sizeof reply - 1, 0, &t), 0);
    cr_assert_eq(httpc__resp_new(t, httpc_profile_by_name("py27"), 0, "GET", &g.r), 0);
    httpc__transport_unref(t);
    cr_assert_eq(httpc__resp_begin(g.r), 0);
    s = httpc_resp_reason_span(g.r);
    cr_assert_eq(s.len, 3);
    cr_assert(memcmp(s.ptr, "OK\0", 3) == 0);
    cr_assert_eq(httpc_resp_name_at(g.r, 0, &name), 0);
    cr_assert_eq(name.len, 2);
    cr_assert_eq(httpc_resp_getheader_n(g.r, name.ptr, name.len, buf, sizeof buf), 1);
    cr_assert_eq(httpc_resp_getheader_n(g.r, "x", 1, buf, sizeof buf), 4);
    cr_assert_str_eq(buf, "2, 3");
    cr_assert_eq(httpc_resp_name_at(g.r, 1, &name), 0);
    cr_assert_eq(httpc_resp_name_at(g.r, 2, &name), 0); /* content-length */
    cr_assert_eq(httpc_resp_name_at(g.r, 3, &name), HTTPC_E_NOT_FOUND);
    cr_assert_eq(httpc_resp_get_all(g.r, "X", 1, 1, &s), 0);
    cr_assert(s.len == 1 && s.ptr[0] == '3');
    cr_assert_eq(httpc_resp_get_all(g.r, "X", 1, 2, &s), HTTPC_E_NOT_FOUND);
    httpc_resp_free(g.r);
}

/* A sink that stops the read at the body byte `stop_at` (data calls only). */
typedef struct stopper {
    char stop_at;
    char seen[16];
    size_t n;
} stopper;

static int stop_sink(void *ctx, const void *data, size_t len)
{
    stopper *s = ctx;
    if (data == NULL)
        return 0;
    cr_assert(s->n + len <= sizeof s->seen);
    memcpy(s->seen + s->n, data, len);
    s->n += len;
    return memchr(data, s->stop_at, len) != NULL ? -77 : 0;
}

/* A sink that stops read() keeps the chunks after the one it refused for
 * the next read, however many chunks one feed of the decoder went through
 * (all of them here: the reply arrives in one piece). */
Test(resp, read_all_sink_stop_keeps_later_chunks)
{
    static const char reply[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                "1\r\na\r\n1\r\nb\r\n1\r\nc\r\n2\r\nde\r\n0\r\n\r\n";
    for (size_t segment = 0; segment < 3; segment++) {
        httpc__transport *t;
        httpc_resp *r;
        stopper s = {.stop_at = 'b'};
        got g = {0};
        cr_assert_eq(httpc__mem_transport(reply, sizeof reply - 1, segment, &t), 0);
        cr_assert_eq(httpc__resp_new(t, httpc_profile_by_name("py3"), 0, "GET", &r), 0);
        httpc__transport_unref(t);
        cr_assert_eq(httpc__resp_begin(r), 0);
        cr_assert_eq(httpc_resp_read_all(r, stop_sink, &s), -77, "segment %zu", segment);
        cr_assert(s.n == 2 && memcmp(s.seen, "ab", 2) == 0, "segment %zu", segment);
        cr_assert_eq(httpc_resp_read_all(r, collect, &g), 3, "segment %zu", segment);
        cr_assert(g.len == 3 && memcmp(g.body, "cde", 3) == 0, "segment %zu", segment);
        httpc_resp_free(r);
    }
}

/* A sink that stops the read with `value` at the first run holding a byte
 * at or past `stop_at` (data calls only). */
typedef struct stop_value {
    char stop_at;
    int value;
    char seen[16];
    size_t n;
} stop_value;

static int stop_value_sink(void *ctx, const void *data, size_t len)
{
    stop_value *s = ctx;
    if (data == NULL)
        return 0;
    cr_assert(s->n + len <= sizeof s->seen);
    memcpy(s->seen + s->n, data, len);
    s->n += len;
    for (size_t i = 0; i < len; i++)
        if (((const char *)data)[i] >= s->stop_at)
            return s->value;
    return 0;
}

/* A sink's stop ends read() with the sink's value, whatever its sign, and
 * the bytes it was handed are read: the next read() gives the rest of a
 * Content-Length body and nothing of what follows it, as it does the
 * chunks after the one a sink refused. */
Test(resp, read_all_sink_stop_leaves_the_rest_of_a_length_body)
{
    static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nabcdefgh"
                                "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz";
    static const char *const profiles[] = {"py3", "py27", "strict"};
    static const int values[] = {-77, 5};
    for (size_t pi = 0; pi < 3; pi++)
        for (size_t segment = 1; segment < 45; segment += 4)
            for (size_t vi = 0; vi < 2; vi++) {
                httpc__transport *t;
                httpc_resp *r;
                stop_value s = {.stop_at = 'c', .value = values[vi]};
                got g = {0};
                cr_assert_eq(httpc__mem_transport(reply, sizeof reply - 1, segment, &t), 0);
                cr_assert_eq(httpc__resp_new(t, httpc_profile_by_name(profiles[pi]), 0, "GET", &r),
                             0);
                httpc__transport_unref(t);
                cr_assert_eq(httpc__resp_begin(r), 0);
                cr_assert_eq(httpc_resp_read_all(r, stop_value_sink, &s), values[vi],
                             "%s segment %zu", profiles[pi], segment);
                cr_assert(s.n >= 3 && s.n <= 8 && memcmp(s.seen, "abcdefgh", s.n) == 0,
                          "%s segment %zu: %zu bytes", profiles[pi], segment, s.n);
                cr_assert_eq(httpc_resp_length(r), (int64_t)(8 - s.n), "%s segment %zu",
                             profiles[pi], segment);
                cr_assert_eq(httpc_resp_read_all(r, collect, &g), (int64_t)(8 - s.n),
                             "%s segment %zu", profiles[pi], segment);
                cr_assert(memcmp(g.body, "abcdefgh" + s.n, 8 - s.n) == 0, "%s segment %zu",
                          profiles[pi], segment);
                cr_assert(httpc_resp_isclosed(r), "%s segment %zu", profiles[pi], segment);
                cr_assert_eq(httpc_resp_read_all(r, collect, &g), 0);
                httpc_resp_free(r);
            }
}
