/* SPDX-License-Identifier: MIT */
/* Tests of framing.c: httpc_parse_framing over header blocks parsed by each
 * profile's header parser. The expected attributes are what CPython 3.11's
 * HTTPResponse.begin() (httplib 2.7's for py27) sets for the same head:
 * chunked, length (None is -1), will_close; the strict profile's refusals
 * follow RFC 9112 sections 6.1 and 6.3. */
#include <criterion/criterion.h>
#include <stdio.h>

#include "internal.h"
#include "test_support.h"

typedef struct decided {
    int rc;
    httpc_framing f;
    char detail[128];
} decided;

/* Parses `block` (the header lines and the empty line) with the profile and
 * decides the framing of a reply with this status and version. */
static decided decide_for(const char *profile, int version, int status, int head, const char *block)
{
    const httpc_profile *p = httpc_profile_by_name(profile);
    httpc_header h[32];
    size_t n = 32, len = strlen(block);
    char *b = dup_exact(block, len), *scratch = malloc(len + 1);
    decided d = {.f = {.kind = -1, .chunked = -1, .length = -2, .will_close = -1}};

    cr_assert_not_null(p, "%s", profile);
    cr_assert_eq(httpc_parse_headers(b, len, 0, 1, p, h, &n, NULL, 0), (ssize_t)len, "%s", block);
    httpc_framing_in in = {.profile = p,
                           .status = status,
                           .version = version,
                           .head_request = head,
                           .headers = h,
                           .num_headers = n,
                           .scratch = scratch,
                           .scratch_cap = len};
    d.rc = httpc_parse_framing(&in, &d.f, d.detail, sizeof d.detail);
    free(scratch);
    free(b);
    return d;
}

static decided decide(const char *profile, const char *block)
{
    return decide_for(profile, 11, 200, 0, block);
}

static void expect(decided d, httpc_resp_body_kind kind, int chunked, int64_t length,
                   int will_close)
{
    cr_assert_eq(d.rc, 0, "%d %s", d.rc, d.detail);
    cr_assert_eq(d.f.kind, kind, "kind %d", d.f.kind);
    cr_assert_eq(d.f.chunked, chunked, "chunked %d", d.f.chunked);
    cr_assert_eq(d.f.length, length, "length %lld", (long long)d.f.length);
    cr_assert_eq(d.f.will_close, will_close, "will_close %d", d.f.will_close);
}

Test(framing, httpc_parse_framing_content_length)
{
    expect(decide("py3", "Content-Length: 5\r\n\r\n"), HTTPC_RESP_BODY_LENGTH, 0, 5, 0);
    expect(decide("py27", "Content-Length: 5\r\n\r\n"), HTTPC_RESP_BODY_LENGTH, 0, 5, 0);
    expect(decide("strict", "Content-Length: 5\r\n\r\n"), HTTPC_RESP_BODY_LENGTH, 0, 5, 0);
    /* no length and not chunked: "assume that the connection WILL close" */
    expect(decide("py3", "\r\n"), HTTPC_RESP_BODY_UNTIL_CLOSE, 0, -1, 1);
}

/* int(length): None when invalid or negative, '_' only from 3.6, a length
 * past 2**63 saturates (the read then meets EOF). */
Test(framing, httpc_parse_framing_length_as_int_reads_it)
{
    expect(decide("py3", "Content-Length: -1\r\n\r\n"), HTTPC_RESP_BODY_UNTIL_CLOSE, 0, -1, 1);
    expect(decide("py3", "Content-Length: five\r\n\r\n"), HTTPC_RESP_BODY_UNTIL_CLOSE, 0, -1, 1);
    expect(decide("py3", "Content-Length:  1_0 \r\n\r\n"), HTTPC_RESP_BODY_LENGTH, 0, 10, 0);
    expect(decide("py27", "Content-Length: 1_0\r\n\r\n"), HTTPC_RESP_BODY_UNTIL_CLOSE, 0, -1, 1);
    expect(decide("py3", "Content-Length: 99999999999999999999\r\n\r\n"), HTTPC_RESP_BODY_LENGTH, 0,
           INT64_MAX, 0);
}

/* What the length went past INT64_MAX is kept for IncompleteRead.expected. */
Test(framing, httpc_parse_framing_length_over_int64)
{
    decided d = decide("py36", "Content-Length: 9223372036854775810\r\n\r\n");
    expect(d, HTTPC_RESP_BODY_LENGTH, 0, INT64_MAX, 0);
    cr_assert_eq(d.f.length_over, 3);
    d = decide("py27", "Content-Length: 99999999999999999999\r\n\r\n");
    cr_assert_eq(d.f.length_over, UINT64_MAX - INT64_MAX);
    d = decide("py3", "Content-Length: 9223372036854775807\r\n\r\n");
    cr_assert_eq(d.f.length_over, 0);
    d = decide_for("py3", 11, 204, 0, "Content-Length: 9223372036854775810\r\n\r\n");
    cr_assert_eq(d.f.length, 0);
    cr_assert_eq(d.f.length_over, 0);
}

/* tr_enc.lower() == "chunked": the whole value; Content-Length then unread. */
Test(framing, httpc_parse_framing_chunked)
{
    expect(decide("py3", "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"),
           HTTPC_RESP_BODY_CHUNKED, 1, -1, 0);
    expect(decide("py3", "Transfer-Encoding: ChUnKeD\r\n\r\n"), HTTPC_RESP_BODY_CHUNKED, 1, -1, 0);
    expect(decide("py3", "Transfer-Encoding: gzip, chunked\r\n\r\n"), HTTPC_RESP_BODY_UNTIL_CLOSE,
           0, -1, 1);
}

/* 204, 304, 1xx and HEAD: length 0. CPython keeps chunked (and decodes the
 * chunks but for HEAD); the strict profile ends the message at its head. */
Test(framing, httpc_parse_framing_bodiless)
{
    static const int statuses[] = {100, 199, 204, 304};
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        expect(decide_for("py3", 11, statuses[i], 0, "Content-Length: 5\r\n\r\n"),
               HTTPC_RESP_BODY_NONE, 0, 0, 0);
    expect(decide_for("py3", 11, 200, 1, "Content-Length: 5\r\n\r\n"), HTTPC_RESP_BODY_NONE, 0, 0,
           0);
    expect(decide_for("py3", 11, 205, 0, "\r\n"), HTTPC_RESP_BODY_UNTIL_CLOSE, 0, -1, 1);
    expect(decide_for("py3", 11, 204, 0, "Transfer-Encoding: chunked\r\n\r\n"),
           HTTPC_RESP_BODY_CHUNKED, 1, 0, 0);
    expect(decide_for("py3", 11, 200, 1, "Transfer-Encoding: chunked\r\n\r\n"),
           HTTPC_RESP_BODY_NONE, 1, 0, 0);
    expect(decide_for("strict", 11, 204, 0, "Transfer-Encoding: chunked\r\n\r\n"),
           HTTPC_RESP_BODY_NONE, 0, 0, 0);
}

/* _check_close() before HTTP/1.1: open only on a Keep-Alive field with a
 * value, or "keep-alive" in Connection or Proxy-Connection. */
Test(framing, httpc_parse_framing_http10_keep_alive)
{
    const char *cl = "Content-Length: 0\r\n";
    char block[128];
    static const struct {
        const char *field;
        int will_close;
    } cases[] = {
        {"", 1},
        {"Connection: Keep-Alive\r\n", 0},
        {"Keep-Alive: timeout=5\r\n", 0},
        {"Keep-Alive:\r\n", 1},
        {"Proxy-Connection: keep-alive\r\n", 0},
        {"Connection: x-keep-alive-x\r\n", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(block, sizeof block, "%s%s\r\n", cl, cases[i].field);
        expect(decide_for("py3", 10, 200, 0, block), HTTPC_RESP_BODY_LENGTH, 0, 0,
               cases[i].will_close);
    }
    /* strict: Connection options only, as whole words */
    expect(decide_for("strict", 10, 200, 0, "Content-Length: 0\r\nKeep-Alive: 5\r\n\r\n"),
           HTTPC_RESP_BODY_LENGTH, 0, 0, 1);
    expect(decide_for("strict", 10, 200, 0, "Content-Length: 0\r\nConnection: keep-alive\r\n\r\n"),
           HTTPC_RESP_BODY_LENGTH, 0, 0, 0);
}

/* HTTP/1.1: "close" in the first Connection value (3.x, a substring); every
 * field, whole options (strict). */
Test(framing, httpc_parse_framing_http11_close)
{
    const char *two = "Content-Length: 0\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n";
    expect(decide("py3", "Content-Length: 0\r\nConnection: Close\r\n\r\n"), HTTPC_RESP_BODY_LENGTH,
           0, 0, 1);
    expect(decide("py3", "Content-Length: 0\r\nConnection: xclosex\r\n\r\n"),
           HTTPC_RESP_BODY_LENGTH, 0, 0, 1);
    expect(decide("strict", "Content-Length: 0\r\nConnection: xclosex\r\n\r\n"),
           HTTPC_RESP_BODY_LENGTH, 0, 0, 0);
    expect(decide("py3", two), HTTPC_RESP_BODY_LENGTH, 0, 0, 0);
    expect(decide("py27", two), HTTPC_RESP_BODY_LENGTH, 0, 0, 1); /* "keep-alive, close" */
    expect(decide("strict", two), HTTPC_RESP_BODY_LENGTH, 0, 0, 1);
}

/* msg.getheader() joins repeated fields with ", " and continuation lines
 * with "\n ": "5, 5" is no int, "chunked, chunked" not chunked, and
 * "\n 7" is int() 7. */
Test(framing, httpc_parse_framing_py27_joins)
{
    expect(decide("py27", "Content-Length: 5\r\nContent-Length: 5\r\n\r\n"),
           HTTPC_RESP_BODY_UNTIL_CLOSE, 0, -1, 1);
    expect(decide("py3", "Content-Length: 5\r\nContent-Length: 6\r\n\r\n"), HTTPC_RESP_BODY_LENGTH,
           0, 5, 0);
    expect(decide("py27", "Content-Length:\r\n 7\r\n\r\n"), HTTPC_RESP_BODY_LENGTH, 0, 7, 0);
    const char *te2 = "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n";
    expect(decide("py27", te2), HTTPC_RESP_BODY_UNTIL_CLOSE, 0, -1, 1);
    expect(decide("py3", te2), HTTPC_RESP_BODY_CHUNKED, 1, -1, 0);
}

/* The strict profile refuses what response splitting relies on; the
 * output is left as it was. */
Test(framing, httpc_parse_framing_strict_refusals)
{
    static const struct {
        int version;
        const char *block;
        int rc;
        const char *detail;
    } cases[] = {
        {11, "Transfer-Encoding: gzip\r\n\r\n", HTTPC_E_UNKNOWN_TRANSFER_ENCODING,
         "unsupported transfer coding gzip"},
        {11, "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
         HTTPC_E_INVALID_FRAMING, "chunked applied twice"},
        {11, "Content-Length: 5\r\nContent-Length: 6\r\n\r\n", HTTPC_E_INVALID_FRAMING,
         "invalid or conflicting Content-Length"},
        {11, "Content-Length: +5\r\n\r\n", HTTPC_E_INVALID_FRAMING,
         "invalid or conflicting Content-Length"},
        {11, "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", HTTPC_E_INVALID_FRAMING,
         "Content-Length with Transfer-Encoding"},
        {10, "Transfer-Encoding: chunked\r\n\r\n", HTTPC_E_INVALID_FRAMING,
         "Transfer-Encoding in an HTTP/1.0 response"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        decided d = decide_for("strict", cases[i].version, 200, 0, cases[i].block);
        cr_assert_eq(d.rc, cases[i].rc, "%zu: %d", i, d.rc);
        cr_assert_str_eq(d.detail, cases[i].detail, "%zu", i);
        cr_assert_eq(d.f.length, -2, "%zu: output written", i);
        cr_assert_eq(decide_for("py3", cases[i].version, 200, 0, cases[i].block).rc, 0, "%zu", i);
    }
    /* equal repeated lengths are one length */
    expect(decide("strict", "Content-Length: 5\r\nContent-Length: 5\r\n\r\n"),
           HTTPC_RESP_BODY_LENGTH, 0, 5, 0);
}

/* HTTP/0.9: no headers, the rest of the stream, whatever the status. */
Test(framing, httpc_parse_framing_http09)
{
    httpc_framing_in in = {.version = 9, .status = 204};
    httpc_framing f;
    cr_assert_eq(httpc_parse_framing(&in, &f, NULL, 0), 0);
    cr_assert_eq(f.kind, HTTPC_RESP_BODY_UNTIL_CLOSE);
    cr_assert(f.will_close && f.length == -1 && !f.chunked);
}

/* py27 needs room to join; a scratch buffer too short is an error, not a
 * truncated value, and NULL profile means py3, which needs none. */
Test(framing, httpc_parse_framing_scratch_too_short)
{
    const char *block = "Content-Length: 55\r\n\r\n";
    httpc_header h[4];
    size_t n = 4;
    char scratch[1], detail[128] = "";
    httpc_framing f = {.length = -2};
    init_profiles();
    cr_assert_gt(httpc_parse_headers(block, strlen(block), 0, 1, P27, h, &n, NULL, 0), 0);
    httpc_framing_in in = {.profile = P27,
                           .status = 200,
                           .version = 11,
                           .headers = h,
                           .num_headers = n,
                           .scratch = scratch,
                           .scratch_cap = sizeof scratch};
    cr_assert_eq(httpc_parse_framing(&in, &f, detail, sizeof detail), HTTPC_E_VALUE_ERROR);
    cr_assert_str_eq(detail, "content-length: a joined value of 2 bytes, scratch of 1");
    cr_assert_eq(f.length, -2);
    in.profile = NULL; /* py3: headers.get, no join */
    in.scratch = NULL, in.scratch_cap = 0;
    cr_assert_eq(httpc_parse_framing(&in, &f, detail, sizeof detail), 0);
    cr_assert_eq(f.length, 55);
}

/* msg.getheader's join, which httpc_resp_getheader also reads through: as
 * much as fits is written, the full length returned. */
Test(framing, httpc__headers_join_truncates)
{
    const char *block = "A: 1\r\nB: x\r\na: 2\r\n 3\r\n\r\n";
    httpc_header h[8];
    size_t n = 8;
    char buf[16];
    int found;
    init_profiles();
    cr_assert_gt(httpc_parse_headers(block, strlen(block), 0, 1, P27, h, &n, NULL, 0), 0);
    cr_assert_eq(httpc__headers_join(h, n, "a", 1, buf, sizeof buf, &found), 7);
    cr_assert(found);
    cr_assert_eq(memcmp(buf, "1, 2\n 3", 7), 0);
    cr_assert_eq(httpc__headers_join(h, n, "a", 1, buf, 3, &found), 7);
    cr_assert_eq(memcmp(buf, "1, ", 3), 0);
    cr_assert_eq(httpc__headers_join(h, n, "c", 1, buf, sizeof buf, &found), 0);
    cr_assert(!found);
}
