/* SPDX-License-Identifier: MIT */
/* Tests of conn.c: the exact request bytes of every request form and the
 * state machine's sequences, checked against CPython 3.11.7's http.client
 * (the expected bytes were printed by running the same calls in python3). */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "mem_peer.h"

#define OK_REPLY "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"

static httpc_conn *open_conn(mem_peer *m, const char *host, const char *profile)
{
    httpc_conn_opts o;
    httpc_conn *c = NULL;
    httpc_conn_opts_init(&o);
    o.profile = httpc_profile_by_name(profile);
    cr_assert_eq(httpc_conn_new(&c, host, -1, &o), 0);
    httpc__conn_set_connector(c, mem_peer_connect, m);
    return c;
}

static const char *request_bytes(const char *host, const char *profile, const char *method,
                                 const char *url, const httpc_body *body, const httpc_kv *h,
                                 size_t nh)
{
    static mem_peer m;
    m = (mem_peer){.replies = {OK_REPLY}};
    httpc_conn *c = open_conn(&m, host, profile);
    cr_assert_eq(httpc_conn_request(c, method, url, body, h, nh, 0), 0, "%s",
                 httpc_conn_errmsg(c));
    const char *sent = mem_peer_sent(&m, 0);
    httpc_conn_free(c);
    mem_peer_release(&m);
    return sent;
}

Test(conn, request_get)
{
    cr_assert_str_eq(request_bytes("example.org", "py3", "GET", "/a?b=1", NULL, NULL, 0),
                     "GET /a?b=1 HTTP/1.1\r\nHost: example.org\r\n"
                     "Accept-Encoding: identity\r\n\r\n");
}

Test(conn, request_empty_url_is_slash)
{
    cr_assert_str_eq(request_bytes("h", "py3", "GET", "", NULL, NULL, 0),
                     "GET / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n\r\n");
}

Test(conn, request_host_port_forms)
{
    cr_assert_str_eq(request_bytes("h:8080", "py3", "GET", "/", NULL, NULL, 0),
                     "GET / HTTP/1.1\r\nHost: h:8080\r\nAccept-Encoding: identity\r\n\r\n");
    cr_assert_str_eq(request_bytes("h:80", "py3", "GET", "/", NULL, NULL, 0),
                     "GET / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n\r\n");
    cr_assert_str_eq(request_bytes("[::1]:8080", "py3", "GET", "/", NULL, NULL, 0),
                     "GET / HTTP/1.1\r\nHost: [::1]:8080\r\nAccept-Encoding: identity\r\n\r\n");
    cr_assert_str_eq(request_bytes("[fe80::1%eth0]", "py3", "GET", "/", NULL, NULL, 0),
                     "GET / HTTP/1.1\r\nHost: [fe80::1]\r\nAccept-Encoding: identity\r\n\r\n");
    /* httplib 2.7 keeps the zone */
    cr_assert_str_eq(request_bytes("[fe80::1%eth0]", "py27", "GET", "/", NULL, NULL, 0),
                     "GET / HTTP/1.1\r\nHost: [fe80::1%eth0]\r\n"
                     "Accept-Encoding: identity\r\n\r\n");
}

Test(conn, request_absolute_url_host)
{
    cr_assert_str_eq(request_bytes("proxy:3128", "py3", "GET", "http://target:81/x", NULL,
                                   NULL, 0),
                     "GET http://target:81/x HTTP/1.1\r\nHost: target:81\r\n"
                     "Accept-Encoding: identity\r\n\r\n");
}

Test(conn, request_post_buffer)
{
    httpc_body b = {.kind = HTTPC_BODY_BUFFER, .data = "a=1", .len = 3};
    cr_assert_str_eq(request_bytes("h", "py3", "POST", "/p", &b, NULL, 0),
                     "POST /p HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n"
                     "Content-Length: 3\r\n\r\na=1");
}

Test(conn, request_put_without_body_has_length_zero)
{
    cr_assert_str_eq(request_bytes("h", "py3", "put", "/", NULL, NULL, 0),
                     "put / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n"
                     "Content-Length: 0\r\n\r\n");
    cr_assert_str_eq(request_bytes("h", "py27", "PATCH", "/", NULL, NULL, 0),
                     "PATCH / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n"
                     "Content-Length: 0\r\n\r\n");
}

Test(conn, request_caller_headers_skip_defaults)
{
    httpc_kv h[] = {{"host", "other"}, {"Accept-Encoding", "gzip"}, {"X-A", "1"}};
    cr_assert_str_eq(request_bytes("h", "py3", "GET", "/", NULL, h, 3),
                     "GET / HTTP/1.1\r\nhost: other\r\nAccept-Encoding: gzip\r\nX-A: 1\r\n\r\n");
}

static int three_pieces(void *ctx, const void **chunk, size_t *len)
{
    static const char *const pieces[] = {"abc", "", "defghijklmnopqr"};
    int *i = ctx;
    if (*i == 3)
        return 0;
    *chunk = pieces[*i];
    *len = strlen(pieces[*i]);
    (*i)++;
    return 1;
}

Test(conn, request_iterator_body_is_chunked)
{
    int i = 0;
    httpc_body b = {.kind = HTTPC_BODY_ITER, .iter = three_pieces, .iter_ctx = &i};
    /* zero-length pieces are skipped ("Zero length chunk ignored") */
    cr_assert_str_eq(request_bytes("h", "py3", "POST", "/", &b, NULL, 0),
                     "POST / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nF\r\ndefghijklmnopqr\r\n"
                     "0\r\n\r\n");
}

Test(conn, request_fd_body_uses_fstat_length)
{
    char path[] = "/tmp/httpc-test-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, "file-body", 9), 9);
    lseek(fd, 0, SEEK_SET);
    httpc_body b = {.kind = HTTPC_BODY_FD, .fd = fd};
    cr_assert_str_eq(request_bytes("h", "py3", "PUT", "/f", &b, NULL, 0),
                     "PUT /f HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n"
                     "Content-Length: 9\r\n\r\nfile-body");
    close(fd);
    unlink(path);
}

Test(conn, putrequest_skips_and_multivalue_putheader)
{
    mem_peer m = {.replies = {OK_REPLY}};
    httpc_conn *c = open_conn(&m, "h", "py3");
    const char *vals[] = {"one", "two", "three"};
    cr_assert_eq(httpc_conn_putrequest(c, "GET", "/", 1, 1), 0);
    cr_assert_eq(httpc_conn_putheader(c, "X-Multi", vals, 3), 0);
    cr_assert_eq(httpc_conn_putheader(c, "X-None", NULL, 0), 0);
    cr_assert_eq(httpc_conn_endheaders(c, NULL, 0), 0);
    cr_assert_str_eq(mem_peer_sent(&m, 0),
                     "GET / HTTP/1.1\r\nX-Multi: one\r\n\ttwo\r\n\tthree\r\nX-None: \r\n\r\n");
    httpc_conn_free(c);
    mem_peer_release(&m);
}

Test(conn, endheaders_with_body_and_http10)
{
    mem_peer m = {.replies = {OK_REPLY}};
    httpc_conn_opts o;
    httpc_conn *c;
    httpc_conn_opts_init(&o);
    o.http_vsn = 10;
    cr_assert_eq(httpc_conn_new(&c, "h", 80, &o), 0);
    httpc__conn_set_connector(c, mem_peer_connect, &m);
    httpc_body b = {.kind = HTTPC_BODY_BUFFER, .data = "xyz", .len = 3};
    cr_assert_eq(httpc_conn_putrequest(c, "POST", "/", 0, 0), 0);
    cr_assert_eq(httpc_conn_endheaders(c, &b, 1), 0); /* no chunking in HTTP/1.0 */
    cr_assert_str_eq(mem_peer_sent(&m, 0), "POST / HTTP/1.0\r\n\r\nxyz");
    httpc_conn_free(c);
    mem_peer_release(&m);
}

Test(conn, invalid_header_name_and_value)
{
    mem_peer m = {.replies = {OK_REPLY}};
    httpc_conn *c = open_conn(&m, "h", "py3");
    const char *bad = "a\r\nInjected: 1";
    const char *fold = "a\r\n b";
    const char *ok = "v";
    cr_assert_eq(httpc_conn_putrequest(c, "GET", "/", 0, 0), 0);
    cr_assert_eq(httpc_conn_putheader(c, "Bad Name:", &ok, 1), HTTPC_E_VALUE_ERROR);
    cr_assert_eq(httpc_conn_putheader(c, " lead", &ok, 1), HTTPC_E_VALUE_ERROR);
    cr_assert_eq(httpc_conn_putheader(c, "", &ok, 1), HTTPC_E_VALUE_ERROR);
    cr_assert_eq(httpc_conn_putheader(c, "X", &bad, 1), HTTPC_E_VALUE_ERROR);
    cr_assert_eq(httpc_conn_putheader(c, "X", &fold, 1), 0); /* obs-fold passes the regex */
    cr_assert_eq(httpc_conn_putheader(c, "Sp ace", &ok, 1), 0); /* inner space is legal */
    httpc_conn_free(c);
}

Test(conn, invalid_url_and_method)
{
    mem_peer m = {.replies = {OK_REPLY}};
    httpc_conn *c = open_conn(&m, "h", "py3");
    cr_assert_eq(httpc_conn_putrequest(c, "GET", "/a b", 0, 0), HTTPC_E_INVALID_URL);
    cr_assert(strstr(httpc_conn_errmsg(c), "URL can't contain control characters") != NULL);
    httpc_conn_close(c);
    cr_assert_eq(httpc_conn_putrequest(c, "GET\r\nX: y", "/", 0, 0), HTTPC_E_VALUE_ERROR);
    httpc_conn_close(c);
    cr_assert_eq(httpc_conn_putrequest(c, "GET", "/\x7f", 0, 0), HTTPC_E_INVALID_URL);
    httpc_conn_free(c);
}

Test(conn, new_invalid_port)
{
    httpc_conn *c = NULL;
    cr_assert_eq(httpc_conn_new(&c, "h:abc", -1, NULL), HTTPC_E_INVALID_URL);
    cr_assert_null(c);
    cr_assert_eq(httpc_conn_new(&c, "h\n", 80, NULL), HTTPC_E_INVALID_URL);
    cr_assert_eq(httpc_conn_new(&c, "h:", -1, NULL), 0); /* "http://foo.com:/" */
    cr_assert_eq(httpc_conn_port(c), 80);
    cr_assert_str_eq(httpc_conn_host(c), "h");
    httpc_conn_free(c);
    cr_assert_eq(httpc_conn_new(&c, "[::1]", -1, NULL), 0);
    cr_assert_str_eq(httpc_conn_host(c), "::1");
    httpc_conn_free(c);
}

/* The sequences of CPython's state machine (Idle, Request-started,
 * Request-sent), each error exactly where http.client raises it. */
Test(conn, state_sequences)
{
    mem_peer m = {.replies = {OK_REPLY}, .more = {{OK_REPLY}}};
    httpc_conn *c = open_conn(&m, "h", "py3");
    httpc_resp *r = NULL, *r2 = NULL;
    const char *v = "1";
    char buf[8];

    cr_assert_eq(httpc_conn_getresponse(c, &r), HTTPC_E_RESPONSE_NOT_READY);
    cr_assert_str_eq(httpc_conn_errmsg(c), "Idle");
    cr_assert_eq(httpc_conn_putheader(c, "X", &v, 1), HTTPC_E_CANNOT_SEND_HEADER);
    cr_assert_eq(httpc_conn_endheaders(c, NULL, 0), HTTPC_E_CANNOT_SEND_HEADER);
    cr_assert_eq(httpc_conn_putrequest(c, "GET", "/", 0, 0), 0);
    cr_assert_eq(httpc_conn_putrequest(c, "GET", "/", 0, 0), HTTPC_E_CANNOT_SEND_REQUEST);
    cr_assert_str_eq(httpc_conn_errmsg(c), "Request-started");
    cr_assert_eq(httpc_conn_getresponse(c, &r), HTTPC_E_RESPONSE_NOT_READY);
    cr_assert_eq(httpc_conn_endheaders(c, NULL, 0), 0);
    cr_assert_eq(httpc_conn_putheader(c, "X", &v, 1), HTTPC_E_CANNOT_SEND_HEADER);
    cr_assert_eq(httpc_conn_putrequest(c, "GET", "/", 0, 0), HTTPC_E_CANNOT_SEND_REQUEST);
    cr_assert_str_eq(httpc_conn_errmsg(c), "Request-sent");
    cr_assert_eq(httpc_conn_getresponse(c, &r), 0);
    /* keep-alive: a new request may start before the body is read ... */
    cr_assert_eq(httpc_conn_request(c, "GET", "/2", NULL, NULL, 0, 0), 0);
    /* ... but its response waits until the prior one is complete */
    cr_assert_eq(httpc_conn_getresponse(c, &r2), HTTPC_E_RESPONSE_NOT_READY);
    cr_assert_eq(httpc_resp_read(r, buf, sizeof buf), 2);
    cr_assert(httpc_resp_isclosed(r));
    cr_assert_eq(m.opened, 1, "the second request reused the connection");
    httpc_resp_free(r);
    httpc_conn_free(c);
    mem_peer_release(&m);
}

Test(conn, keepalive_reuse_and_reconnect_after_will_close)
{
    mem_peer m = {.replies = {OK_REPLY, OK_REPLY},
                  .more = {{OK_REPLY, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nbye"}}};
    httpc_conn *c = open_conn(&m, "h", "py3");
    char buf[16];
    for (int i = 0; i < 4; i++) {
        httpc_resp *r;
        cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0, "request %d", i);
        cr_assert_eq(httpc_conn_getresponse(c, &r), 0, "response %d: %s", i,
                     httpc_conn_errmsg(c));
        int64_t n = 0;
        ssize_t k;
        while ((k = httpc_resp_read(r, buf, sizeof buf)) > 0)
            n += k;
        cr_assert_eq(k, 0);
        cr_assert_eq(n, i == 2 ? 3 : 2);
        cr_assert_eq(httpc_resp_will_close(r), i == 2);
        httpc_resp_free(r);
    }
    /* requests 0-2 share connection 0; 3 follows its close on connection 1 */
    cr_assert_eq(m.opened, 2);
    httpc_conn_free(c);
    mem_peer_release(&m);
}

Test(conn, bad_status_leaves_request_sent)
{
    /* CPython: a failed begin() other than a ConnectionError leaves the state
     * at Request-sent, so the next request raises CannotSendRequest. */
    mem_peer m = {.replies = {"garbage\r\n"}};
    httpc_conn *c = open_conn(&m, "h", "py3");
    httpc_resp *r;
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
    cr_assert_eq(httpc_conn_getresponse(c, &r), HTTPC_E_BAD_STATUS_LINE);
    cr_assert_null(r);
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0),
                 HTTPC_E_CANNOT_SEND_REQUEST);
    httpc_conn_free(c);
    mem_peer_release(&m);
}

Test(conn, remote_disconnected_closes_and_allows_retry)
{
    mem_peer m = {.replies = {"", OK_REPLY}};
    httpc_conn *c = open_conn(&m, "h", "py3");
    httpc_resp *r;
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
    int rc = httpc_conn_getresponse(c, &r);
    cr_assert_eq(rc, HTTPC_E_REMOTE_DISCONNECTED);
    cr_assert(httpc_err_is(rc, HTTPC_E_BAD_STATUS_LINE));
    cr_assert(httpc_err_is(rc, HTTPC_E_CONNECTION_RESET));
    cr_assert_eq(httpc_conn_fileno(c), -1);
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
    cr_assert_eq(httpc_conn_getresponse(c, &r), 0);
    cr_assert_eq(httpc_resp_status(r), 200);
    httpc_resp_free(r);
    httpc_conn_free(c);
    mem_peer_release(&m);
}

Test(conn, connect_refused)
{
    mem_peer m = {.replies = {NULL}};
    httpc_conn *c = open_conn(&m, "h", "py3");
    int rc = httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0);
    cr_assert_eq(rc, HTTPC_E_CONNECTION_REFUSED);
    cr_assert(httpc_err_is(rc, HTTPC_E_OS_ERROR));
    httpc_conn_free(c);
}

Test(conn, tunnel_connect_request_and_failure)
{
    mem_peer m = {.replies = {"HTTP/1.0 200 Connection established\r\nX: y\r\n\r\n",
                              "HTTP/1.1 407 Proxy Authentication Required\r\n\r\n"},
                  .more = {{OK_REPLY}}};
    httpc_conn *c = open_conn(&m, "proxy:3128", "py3");
    const char *names[] = {"Proxy-Authorization"}, *values[] = {"Basic eA=="};
    httpc_resp *r;
    cr_assert_eq(httpc_conn_set_tunnel(c, "target", 8443, names, values, 1), 0);
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0, "%s",
                 httpc_conn_errmsg(c));
    cr_assert_str_eq(mem_peer_sent(&m, 0),
                     "CONNECT target:8443 HTTP/1.0\r\nProxy-Authorization: Basic eA==\r\n\r\n"
                     "GET / HTTP/1.1\r\nHost: target:8443\r\nAccept-Encoding: identity\r\n\r\n");
    cr_assert_eq(httpc_conn_set_tunnel(c, "x", 1, NULL, NULL, 0), HTTPC_E_RUNTIME_ERROR);
    cr_assert_eq(httpc_conn_getresponse(c, &r), 0);
    httpc_resp_free(r);
    httpc_conn_close(c);
    int rc = httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0);
    cr_assert_eq(rc, HTTPC_E_OS_ERROR);
    cr_assert_str_eq(httpc_conn_errmsg(c),
                     "Tunnel connection failed: 407 Proxy Authentication Required");
    httpc_conn_free(c);
    mem_peer_release(&m);
}

Test(conn, no_auto_open_is_not_connected)
{
    mem_peer m = {.replies = {OK_REPLY}};
    httpc_conn_opts o;
    httpc_conn *c;
    httpc_conn_opts_init(&o);
    o.no_auto_open = 1;
    cr_assert_eq(httpc_conn_new(&c, "h", 80, &o), 0);
    httpc__conn_set_connector(c, mem_peer_connect, &m);
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), HTTPC_E_NOT_CONNECTED);
    cr_assert_eq(m.opened, 0);
    httpc_conn_close(c);
    cr_assert_eq(httpc_conn_connect(c), 0);
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
    httpc_conn_free(c);
    mem_peer_release(&m);
}
