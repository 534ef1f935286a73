/* SPDX-License-Identifier: MIT */
/* Tests of compat_http.c, httplib's 2.x compatibility class HTTP, over
 * in-memory peers. Every expected value is what 2.7.18's httplib.HTTP did
 * with the same reply bytes, recorded with
 *     $(pyenv prefix 2.7.18)/bin/python2.7 tests/oracle/compat_http_py27.py
 * (each test names its case): the request it sent, getreply()'s
 * (errcode, errmsg, headers) and getfile().read(). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "compat_http.h"
#include "mem_peer.h"

typedef struct run {
    httpc_http *h;
    mem_peer m;
    httpc_http_reply reply;
    int rc;           /* getreply()'s return */
    char detail[256]; /* and its detail */
    char sent[512];   /* what the server received */
    char file[512];   /* getfile().read(), when a file */
    ssize_t file_len; /* its length, or read()'s error */
} run;

static httpc_http *new_http(const char *profile, mem_peer *m)
{
    httpc_conn_opts o;
    httpc_http *h = NULL;
    char detail[256];
    httpc_conn_opts_init(&o);
    o.profile = httpc_profile_by_name(profile);
    cr_assert_eq(httpc_http_new(&h, "127.0.0.1", 8080, &o, detail, sizeof detail), 0, "%s",
                 detail);
    httpc__http_set_connector(h, mem_peer_connect, m);
    return h;
}

/* putrequest('GET', '/x'); putheader('X-Two', 'a', 'b'); endheaders();
 * getreply(); getfile().read(): the script of compat_http_py27.py. */
static void exchange(run *x, const char *profile, const char *reply)
{
    const char *two[] = {"a", "b"};
    x->m = (mem_peer){.replies = {reply}};
    x->h = new_http(profile, &x->m);
    cr_assert_eq(httpc_http_putrequest(x->h, "GET", "/x"), 0);
    cr_assert_eq(httpc_http_putheader(x->h, "X-Two", two, 2), 0);
    cr_assert_eq(httpc_http_endheaders(x->h), 0, "%s", httpc_http_errmsg(x->h));
    snprintf(x->sent, sizeof x->sent, "%s", mem_peer_sent(&x->m, 0));
    x->rc = httpc_http_getreply(x->h, &x->reply);
    snprintf(x->detail, sizeof x->detail, "%s", httpc_http_errmsg(x->h));
    x->file_len = httpc_http_file_read(x->h, x->file, sizeof x->file - 1);
    if (x->file_len >= 0)
        x->file[x->file_len] = '\0';
}

static void done(run *x)
{
    httpc_http_free(x->h);
    mem_peer_release(&x->m);
}

static void assert_span(httpc_span s, const char *want)
{
    cr_assert_eq(s.len, strlen(want), "'%.*s' is not '%s'", (int)s.len, s.ptr, want);
    cr_assert(memcmp(s.ptr, want, s.len) == 0, "'%.*s' is not '%s'", (int)s.len, s.ptr, want);
}

static void assert_header(const httpc_resp *r, size_t i, const char *name, const char *value)
{
    httpc_span n, v;
    cr_assert_eq(httpc_resp_header_at(r, i, &n, &v), 0);
    assert_span(n, name);
    assert_span(v, value);
}

/* A connector that hands out one prepared transport (a reply with NUL bytes,
 * which mem_peer's C strings cannot carry). */
static int give_transport(void *ctx, const char *host, int port, int timeout_ms,
                          const char *source_host, int source_port, httpc__transport **out,
                          char *detail, size_t cap)
{
    (void)host, (void)port, (void)timeout_ms, (void)source_host, (void)source_port;
    (void)detail, (void)cap;
    *out = ctx;
    return 0;
}

/* case "length": HTTP/1.0 with no Host or Accept-Encoding (_http_vsn = 10),
 * the values of one putheader joined by "\r\n\t". */
Test(compat_http, getreply_status_reason_headers_and_file)
{
    run x;
    exchange(&x, "py27",
             "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello");
    cr_assert_str_eq(x.sent, "GET /x HTTP/1.0\r\nX-Two: a\r\n\tb\r\n\r\n");
    cr_assert_eq(x.rc, 0);
    cr_assert_eq(x.reply.errcode, 200);
    assert_span(x.reply.errmsg, "OK");
    cr_assert_not_null(x.reply.headers);
    cr_assert_eq(httpc_resp_header_count(x.reply.headers), 2);
    assert_header(x.reply.headers, 0, "Content-Type", "text/plain");
    assert_header(x.reply.headers, 1, "Content-Length", "5");
    cr_assert_eq(x.file_len, 5);
    cr_assert_str_eq(x.file, "hello");
    done(&x);
}

/* case "chunked": getfile() is response.fp, read past HTTPResponse, so the
 * chunked coding comes out as sent. */
Test(compat_http, getfile_is_the_raw_stream)
{
    run x;
    exchange(&x, "py27",
             "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    cr_assert_eq(x.reply.errcode, 200);
    cr_assert_str_eq(x.file, "5\r\nhello\r\n0\r\n\r\n");
    done(&x);
}

/* case "http09": strict=None reads a simple response: (200, '') with no
 * headers, and the file (LineAndFileReader) starts with the line. */
Test(compat_http, getreply_simple_response)
{
    run x;
    exchange(&x, "py27", "garbage\r\nrest");
    cr_assert_eq(x.reply.errcode, 200);
    assert_span(x.reply.errmsg, "");
    cr_assert_eq(httpc_resp_header_count(x.reply.headers), 0);
    cr_assert_str_eq(x.file, "garbage\r\nrest");
    done(&x);
}

/* case "strict-http09": HTTP(host, port, strict=1): BadStatusLine becomes
 * (-1, e.line, None), and close() leaves getfile() None. */
Test(compat_http, getreply_bad_status_line_is_minus_one)
{
    run x;
    exchange(&x, "py27-strict", "garbage\r\nrest");
    cr_assert_eq(x.rc, 0);
    cr_assert_eq(x.reply.errcode, -1);
    assert_span(x.reply.errmsg, "garbage\r\n");
    cr_assert_null(x.reply.headers);
    cr_assert_eq(httpc_http_getfile(x.h), 0);
    cr_assert_eq(x.file_len, HTTPC_E_ATTRIBUTE_ERROR);
    cr_assert_str_eq(httpc_http_errmsg(x.h), "'NoneType' object has no attribute 'read'");
    done(&x);
}

/* cases "status-not-int", "status-99" and "empty". */
Test(compat_http, getreply_minus_one_keeps_the_line)
{
    static const char *const replies[][2] = {
        {"HTTP/1.1 abc OK\r\n\r\nrest", "HTTP/1.1 abc OK\r\n"},
        {"HTTP/1.1 99 Low\r\n\r\n", "HTTP/1.1 99 Low\r\n"},
        {"", "No status line received - the server has closed the connection"},
    };
    for (size_t i = 0; i < sizeof replies / sizeof replies[0]; i++) {
        run x;
        exchange(&x, "py27", replies[i][0]);
        cr_assert_eq(x.rc, 0);
        cr_assert_eq(x.reply.errcode, -1, "reply %zu", i);
        assert_span(x.reply.errmsg, replies[i][1]);
        cr_assert_eq(httpc_http_getfile(x.h), 0);
        done(&x);
    }
}

/* case "status-odd-bytes": e.line byte for byte, a NUL, quotes, a backslash
 * and a byte above 0x7f included. */
Test(compat_http, getreply_minus_one_line_any_byte)
{
    static const char reply[] = "HTTP/1.1 99 L\0o'\"\\\xffw\r\n\r\n";
    static const char line[] = "HTTP/1.1 99 L\0o'\"\\\xffw\r\n";
    httpc__transport *t = NULL;
    const char *parts[1] = {reply};
    size_t lens[1] = {sizeof reply - 1};
    cr_assert_eq(httpc__mem_transport_parts(parts, lens, 1, 0, &t), 0);
    httpc_conn_opts o;
    httpc_conn_opts_init(&o);
    o.profile = httpc_profile_by_name("py27");
    httpc_http *h = NULL;
    cr_assert_eq(httpc_http_new(&h, "h", 80, &o, NULL, 0), 0);
    httpc__http_set_connector(h, give_transport, t);
    cr_assert_eq(httpc_http_putrequest(h, "GET", "/x"), 0);
    cr_assert_eq(httpc_http_endheaders(h), 0);
    httpc_http_reply r;
    cr_assert_eq(httpc_http_getreply(h, &r), 0);
    cr_assert_eq(r.errcode, -1);
    cr_assert_eq(r.errmsg.len, sizeof line - 1);
    cr_assert(memcmp(r.errmsg.ptr, line, sizeof line - 1) == 0);
    httpc_http_free(h);
}

/* case "unknown-protocol": getreply() catches BadStatusLine only. */
Test(compat_http, getreply_lets_other_errors_through)
{
    run x;
    exchange(&x, "py27", "HTTP/2.0 200 OK\r\n\r\n");
    cr_assert_eq(x.rc, HTTPC_E_UNKNOWN_PROTOCOL);
    cr_assert_eq(x.reply.errcode, 0);
    cr_assert_null(x.reply.headers);
    done(&x);
}

/* case "no-reason": an empty reason, repeated fields (getheader joins them),
 * a file at EOF. */
Test(compat_http, getreply_headers_are_the_message)
{
    run x;
    char v[16];
    exchange(&x, "py27", "HTTP/1.1 404\r\nX-A: 1\r\nX-A: 2\r\n\r\n");
    cr_assert_eq(x.reply.errcode, 404);
    assert_span(x.reply.errmsg, "");
    cr_assert_eq(httpc_resp_header_count(x.reply.headers), 2);
    cr_assert_eq(httpc_resp_getheader(x.reply.headers, "x-a", v, sizeof v), 4);
    cr_assert_str_eq(v, "1, 2");
    cr_assert_eq(x.file_len, 0);
    done(&x);
}

/* 2.6 has the class too (the 2.6 document's note on HTTP). */
Test(compat_http, py26_has_the_class)
{
    run x;
    exchange(&x, "py26", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi");
    cr_assert_eq(x.reply.errcode, 200);
    cr_assert_str_eq(x.file, "hi");
    done(&x);
}

/* http.client has no HTTP: AttributeError under every 3.x profile and strict. */
Test(compat_http, refused_without_the_class)
{
    static const char *const none[] = {"py30", "py31", "py32", "py36", "py3", "strict"};
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
        httpc_conn_opts o;
        httpc_http *h = (httpc_http *)1;
        char detail[128];
        httpc_conn_opts_init(&o);
        o.profile = httpc_profile_by_name(none[i]);
        cr_assert_eq(httpc_http_new(&h, "h", 80, &o, detail, sizeof detail),
                     HTTPC_E_ATTRIBUTE_ERROR, "%s", none[i]);
        cr_assert_null(h);
        cr_assert_str_eq(detail, "module 'http.client' has no attribute 'HTTP' (removed in 3.0)");
    }
    httpc_http *h = NULL;
    cr_assert_eq(httpc_http_new(&h, "h", 80, NULL, NULL, 0), HTTPC_E_ATTRIBUTE_ERROR);
}

/* A connector that records where it was asked to connect. */
static char where[128];
static int record_connect(void *ctx, const char *host, int port, int timeout_ms,
                          const char *source_host, int source_port, httpc__transport **out,
                          char *detail, size_t cap)
{
    snprintf(where, sizeof where, "%s:%d", host, port);
    return mem_peer_connect(ctx, host, port, timeout_ms, source_host, source_port, out, detail,
                            cap);
}

/* HTTP('example.invalid', 0) is port 80 ("some joker passed 0 explicitly");
 * connect(host, port) connects there instead, connect() where it was made. */
Test(compat_http, connect_sets_host_and_port)
{
    mem_peer m = {.replies = {"", ""}};
    httpc_conn_opts o;
    httpc_http *h = NULL;
    httpc_conn_opts_init(&o);
    o.profile = httpc_profile_by_name("py27");
    cr_assert_eq(httpc_http_new(&h, "example.invalid", 0, &o, NULL, 0), 0);
    httpc__http_set_connector(h, record_connect, &m);
    cr_assert_eq(httpc_http_connect(h, NULL, 0), 0);
    cr_assert_str_eq(where, "example.invalid:80");
    cr_assert_eq(httpc_http_connect(h, "other.invalid", 8080), 0);
    cr_assert_str_eq(where, "other.invalid:8080");
    cr_assert_eq(httpc_http_connect(h, "x:notaport", 0), HTTPC_E_INVALID_URL);
    httpc_http_free(h);
    mem_peer_release(&m);
}

/* After -1 the connection is closed: the next request connects anew. */
Test(compat_http, minus_one_closes_the_connection)
{
    run x;
    exchange(&x, "py27-strict", "garbage\r\n");
    cr_assert_eq(x.reply.errcode, -1);
    x.m.replies[1] = "HTTP/1.0 204 No Content\r\n\r\n";
    cr_assert_eq(httpc_http_putrequest(x.h, "GET", "/"), 0);
    cr_assert_eq(httpc_http_endheaders(x.h), 0);
    cr_assert_eq(x.m.opened, 2);
    cr_assert_eq(httpc_http_getreply(x.h, &x.reply), 0);
    cr_assert_eq(x.reply.errcode, 204);
    done(&x);
}
