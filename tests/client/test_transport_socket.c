/* SPDX-License-Identifier: MIT */
/* Tests of transport_socket.c and the whole client over real loopback TCP: a
 * scripted server thread inside the test accepts, reads each request (head
 * and body, by its Content-Length or chunked framing), records its bytes and
 * writes the scripted reply (whole or in 1-byte writes), then closes with a
 * FIN or a reset. Expected outcomes are CPython 3.11.7's for the same server
 * script (tests/client/test_conn.c checks the in-memory side of each). */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn_internal.h"

#define MAX_CONNS 3
#define MAX_REQS 4

typedef struct server {
    int lfd, port, v6;
    /* replies[c][i]: the answer to request i on connection c; NULL ends the
     * connection (so an empty first slot closes without answering) */
    const char *replies[MAX_CONNS][MAX_REQS];
    int nconns;        /* connections to accept (default 1) */
    size_t body_bytes; /* > 0: after the first reply, stream this many 'z' */
    int segment1;      /* write the replies one byte at a time */
    int reset;         /* close with RST (SO_LINGER 0) instead of FIN */
    int silent_ms;     /* accept, read nothing, answer nothing, for this long */
    char request[MAX_CONNS][8192]; /* everything each connection received */
    size_t request_len[MAX_CONNS];
    pthread_t th;
} server;

static int recv_more(int fd, char *buf, size_t cap, size_t *n)
{
    if (*n + 1 >= cap)
        return -1;
    ssize_t k = recv(fd, buf + *n, cap - *n - 1, 0);
    if (k <= 0)
        return -1;
    *n += (size_t)k;
    buf[*n] = '\0';
    return 0;
}

/* Reads one whole request starting at buf + from: the head, then a
 * Content-Length body or a chunked body up to its "0\r\n\r\n". */
static int read_request(int fd, char *buf, size_t cap, size_t *n, size_t from)
{
    char *end;
    while ((end = strstr(buf + from, "\r\n\r\n")) == NULL)
        if (recv_more(fd, buf, cap, n) < 0)
            return -1;
    size_t head = (size_t)(end + 4 - buf), want = head;
    const char *cl = strstr(buf + from, "Content-Length: ");
    if (cl != NULL && cl < end)
        want += strtoul(cl + 16, NULL, 10);
    if (strstr(buf + from, "Transfer-Encoding: chunked") != NULL) {
        while (strstr(buf + head, "0\r\n\r\n") == NULL)
            if (recv_more(fd, buf, cap, n) < 0)
                return -1;
        return 0;
    }
    while (*n < want)
        if (recv_more(fd, buf, cap, n) < 0)
            return -1;
    return 0;
}

static void send_all(int fd, const char *r, size_t n, int segment1)
{
    for (size_t k = 0; k < n; k += segment1 ? 1 : n)
        send(fd, r + k, segment1 ? 1 : n, MSG_NOSIGNAL);
}

static void serve_one(server *s, int c, int fd)
{
    for (int i = 0; i < MAX_REQS && s->replies[c][i]; i++) {
        size_t from = s->request_len[c];
        if (read_request(fd, s->request[c], sizeof s->request[c], &s->request_len[c], from) < 0)
            return;
        send_all(fd, s->replies[c][i], strlen(s->replies[c][i]), s->segment1);
    }
    if (s->replies[c][0] == NULL) /* read the request, then close unanswered */
        read_request(fd, s->request[c], sizeof s->request[c], &s->request_len[c], 0);
    static char block[65536];
    memset(block, 'z', sizeof block);
    for (size_t left = s->body_bytes; left > 0;) {
        size_t k = left < sizeof block ? left : sizeof block;
        if (send(fd, block, k, MSG_NOSIGNAL) <= 0)
            break;
        left -= k;
    }
}

/* After the FIN: whatever the client still sends is recorded too, until it
 * closes or goes quiet. */
static void drain(server *s, int c, int fd)
{
    struct timeval tv = {0, 200000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    while (recv_more(fd, s->request[c], sizeof s->request[c], &s->request_len[c]) == 0)
        ;
}

static void *serve(void *arg)
{
    server *s = arg;
    for (int c = 0; c < (s->nconns ? s->nconns : 1); c++) {
        int fd = accept(s->lfd, NULL, NULL), one = 1;
        if (fd < 0)
            return NULL;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (s->silent_ms)
            usleep((useconds_t)s->silent_ms * 1000);
        else
            serve_one(s, c, fd);
        if (s->reset) {
            struct linger l = {1, 0};
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        } else {
            shutdown(fd, SHUT_WR); /* a FIN after every byte of the replies */
            if (!s->silent_ms)
                drain(s, c, fd);
        }
        close(fd);
    }
    return NULL;
}

static int start(server *s)
{
    struct sockaddr_storage ss = {0};
    struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
    socklen_t len = s->v6 ? sizeof *a6 : sizeof *a4;
    if (s->v6) {
        a6->sin6_family = AF_INET6;
        a6->sin6_addr = in6addr_loopback;
    } else {
        a4->sin_family = AF_INET;
        a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    }
    s->lfd = socket(s->v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    cr_assert(s->lfd >= 0);
    if (bind(s->lfd, (struct sockaddr *)&ss, len) != 0) {
        close(s->lfd);
        return -1;
    }
    cr_assert_eq(listen(s->lfd, 4), 0);
    getsockname(s->lfd, (struct sockaddr *)&ss, &len);
    s->port = ntohs(s->v6 ? a6->sin6_port : a4->sin_port);
    pthread_create(&s->th, NULL, serve, s);
    return 0;
}

static void stop(server *s)
{
    pthread_join(s->th, NULL);
    close(s->lfd);
}

static httpc_conn *conn_to(server *s, const char *profile, int timeout_ms)
{
    httpc_conn_opts o;
    httpc_conn *c;
    httpc_conn_opts_init(&o);
    o.timeout_ms = timeout_ms;
    o.profile = httpc_profile_by_name(profile);
    cr_assert_eq(httpc_conn_new(&c, s->v6 ? "::1" : "127.0.0.1", s->port, &o), 0);
    return c;
}

static int64_t read_body(httpc_resp *r, char *buf, size_t cap)
{
    int64_t n = 0;
    ssize_t k;
    while ((k = httpc_resp_read(r, buf + n, cap - (size_t)n)) > 0)
        n += k;
    return k < 0 ? k : n;
}

#define OK "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

/* request() then getresponse() and the whole body into buf. */
static int64_t fetch(httpc_conn *c, const char *method, const char *url, const httpc_body *b,
                     char *buf, size_t cap)
{
    httpc_resp *r;
    int rc = httpc_conn_request(c, method, url, b, NULL, 0, 0);
    if (rc == 0)
        rc = httpc_conn_getresponse(c, &r);
    if (rc < 0)
        return rc;
    int64_t n = read_body(r, buf, cap);
    httpc_resp_free(r);
    return n;
}

static int pieces(void *ctx, const void **chunk, size_t *len)
{
    static const char *const p[] = {"abc", "", "0123456789abcdef!"};
    int *i = ctx;
    if (*i == 3)
        return 0;
    *chunk = p[*i];
    *len = strlen(p[(*i)++]);
    return 1;
}

/* The request forms on the wire, byte for byte, over one keep-alive
 * connection (CPython 3.11.7 sends the same bytes for the same calls). */
Test(transport_socket, request_forms_on_the_wire)
{
    server s = {.replies = {{OK, OK, OK, OK}}};
    cr_assert_eq(start(&s), 0);
    httpc_conn *c = conn_to(&s, "py3", 5000);
    httpc_resp *r;
    char buf[64], want[2048], path[] = "/tmp/httpc-tcp-XXXXXX";
    int i = 0, fd = mkstemp(path);
    const char *vals[] = {"a", "b"};
    httpc_body post = {.kind = HTTPC_BODY_BUFFER, .data = "x=1", .len = 3};
    httpc_body iter = {.kind = HTTPC_BODY_ITER, .iter = pieces, .iter_ctx = &i};
    httpc_body file = {.kind = HTTPC_BODY_FD, .fd = fd};

    cr_assert(fd >= 0);
    unlink(path);
    cr_assert_eq(write(fd, "file", 4), 4);
    lseek(fd, 0, SEEK_SET);
    cr_assert_eq(fetch(c, "POST", "/p", &post, buf, sizeof buf), 2);
    cr_assert_eq(fetch(c, "PUT", "/", NULL, buf, sizeof buf), 2);
    cr_assert_eq(fetch(c, "POST", "/i", &iter, buf, sizeof buf), 2);
    cr_assert_eq(fetch(c, "PUT", "/f", &file, buf, sizeof buf), 2);
    close(fd);
    cr_assert_eq(httpc_conn_putrequest(c, "GET", "/s", 1, 1), 0);
    cr_assert_eq(httpc_conn_putheader(c, "X-M", vals, 2), 0);
    cr_assert_eq(httpc_conn_endheaders(c, NULL, 0), 0);
    /* the server answered four requests and closed: RemoteDisconnected */
    cr_assert_eq(httpc_conn_getresponse(c, &r), HTTPC_E_REMOTE_DISCONNECTED);
    httpc_conn_free(c);
    stop(&s);
    snprintf(want, sizeof want,
             "POST /p HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAccept-Encoding: identity\r\n"
             "Content-Length: 3\r\n\r\nx=1"
             "PUT / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAccept-Encoding: identity\r\n"
             "Content-Length: 0\r\n\r\n"
             "POST /i HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAccept-Encoding: identity\r\n"
             "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n11\r\n0123456789abcdef!\r\n0\r\n\r\n"
             "PUT /f HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAccept-Encoding: identity\r\n"
             "Transfer-Encoding: chunked\r\n\r\n4\r\nfile\r\n0\r\n\r\n"
             "GET /s HTTP/1.1\r\nX-M: a\r\n\tb\r\n\r\n",
             s.port, s.port, s.port, s.port);
    cr_assert_str_eq(s.request[0], want);
}

Test(transport_socket, ipv6_host_header)
{
    server s = {.v6 = 1, .replies = {{OK}}};
    if (start(&s) < 0)
        cr_skip_test("no IPv6 loopback");
    httpc_conn *c = conn_to(&s, "py3", 5000);
    char buf[16], want[128];
    cr_assert_eq(fetch(c, "GET", "/", NULL, buf, sizeof buf), 2, "%s", httpc_conn_errmsg(c));
    httpc_conn_free(c);
    stop(&s);
    snprintf(want, sizeof want,
             "GET / HTTP/1.1\r\nHost: [::1]:%d\r\nAccept-Encoding: identity\r\n\r\n", s.port);
    cr_assert_str_eq(s.request[0], want);
}

Test(transport_socket, keepalive_two_requests_one_connection)
{
    server s = {.replies = {{"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none",
                             "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo"}}};
    cr_assert_eq(start(&s), 0);
    httpc_conn *c = conn_to(&s, "py3", 5000);
    char buf[8];
    cr_assert_eq(fetch(c, "GET", "/1", NULL, buf, sizeof buf), 3);
    cr_assert(memcmp(buf, "one", 3) == 0);
    int fd = httpc_conn_fileno(c);
    cr_assert_eq(fetch(c, "GET", "/2", NULL, buf, sizeof buf), 3, "%s", httpc_conn_errmsg(c));
    cr_assert(memcmp(buf, "two", 3) == 0);
    cr_assert_eq(httpc_conn_fileno(c), fd, "one socket for both");
    httpc_conn_free(c);
    stop(&s);
    cr_assert(strstr(s.request[0], "GET /2 HTTP/1.1\r\nHost: 127.0.0.1:") != NULL);
}

/* Connection: close hands the socket to the response; the next request
 * opens a new connection (the server accepts a second one). */
Test(transport_socket, reconnect_after_will_close)
{
    server s = {.nconns = 2,
                .replies = {{"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\n"
                             "one"},
                            {OK}}};
    cr_assert_eq(start(&s), 0);
    httpc_conn *c = conn_to(&s, "py3", 5000);
    httpc_resp *r;
    char buf[8];
    cr_assert_eq(httpc_conn_request(c, "GET", "/1", NULL, NULL, 0, 0), 0);
    cr_assert_eq(httpc_conn_getresponse(c, &r), 0);
    cr_assert(httpc_resp_will_close(r));
    cr_assert_eq(httpc_conn_fileno(c), -1);
    cr_assert(httpc_resp_fileno(r) >= 0, "the response keeps the socket");
    /* the next request reconnects while the first body is still unread */
    cr_assert_eq(fetch(c, "GET", "/2", NULL, buf, sizeof buf), 2, "%s", httpc_conn_errmsg(c));
    httpc_conn_free(c); /* the connection object goes; the response reads on */
    cr_assert_eq(read_body(r, buf, sizeof buf), 3);
    cr_assert(memcmp(buf, "one", 3) == 0);
    httpc_resp_free(r);
    stop(&s);
    cr_assert(strstr(s.request[1], "GET /2 ") == s.request[1]);
}

/* The server reads the request and closes: RemoteDisconnected, the
 * connection closes, and the retry reconnects (CPython 3.11.7). */
Test(transport_socket, remote_disconnected_then_retry)
{
    server s = {.nconns = 2, .replies = {{NULL}, {OK}}};
    cr_assert_eq(start(&s), 0);
    httpc_conn *c = conn_to(&s, "py3", 5000);
    httpc_resp *r;
    char buf[8];
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
    cr_assert_eq(httpc_conn_getresponse(c, &r), HTTPC_E_REMOTE_DISCONNECTED);
    cr_assert_str_eq(httpc_conn_errmsg(c), "Remote end closed connection without response");
    cr_assert_eq(httpc_conn_fileno(c), -1);
    cr_assert_eq(fetch(c, "GET", "/", NULL, buf, sizeof buf), 2, "%s", httpc_conn_errmsg(c));
    httpc_conn_free(c);
    stop(&s);
}

/* Content-Length 10, 3 bytes, FIN: read() is IncompleteRead(b'abc', 7);
 * read(amt) returns the 3 bytes, then b'' without an error. */
Test(transport_socket, incomplete_read_values)
{
    for (int amt = 0; amt < 2; amt++) {
        server s = {.replies = {{"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"}}};
        cr_assert_eq(start(&s), 0);
        httpc_conn *c = conn_to(&s, "py3", 5000);
        httpc_resp *r;
        char buf[16];
        int64_t partial, expected;
        cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
        cr_assert_eq(httpc_conn_getresponse(c, &r), 0);
        if (amt) {
            cr_assert_eq(read_body(r, buf, sizeof buf), 3);
        } else {
            uint64_t n = 0;
            cr_assert_eq(httpc_resp_read_all(r, NULL, &n), HTTPC_E_INCOMPLETE_READ);
            httpc_resp_incomplete(r, &partial, &expected, NULL);
            cr_assert_eq(partial, 3);
            cr_assert_eq(expected, 7);
            cr_assert_str_eq(httpc_resp_errmsg(r), "IncompleteRead(3 bytes read, 7 more "
                                                   "expected)");
        }
        cr_assert(httpc_resp_isclosed(r));
        httpc_resp_free(r);
        httpc_conn_free(c);
        stop(&s);
    }
}

/* HEAD, 204, 304 and a 100 Continue before a 201, all on one keep-alive
 * connection, written one byte at a time: no body is read where there is
 * none, so each next response starts at the right byte. */
Test(transport_socket, bodiless_responses_keep_the_connection_in_step)
{
    server s = {.segment1 = 1,
                .replies = {{"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n",
                             "HTTP/1.1 204 No Content\r\n\r\n",
                             "HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n",
                             "HTTP/1.1 100 Continue\r\nX: 1\r\n\r\n"
                             "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"}}};
    static const char *const methods[] = {"HEAD", "GET", "GET", "POST"};
    static const int status[] = {200, 204, 304, 201};
    cr_assert_eq(start(&s), 0);
    httpc_conn *c = conn_to(&s, "py3", 5000);
    for (int i = 0; i < 4; i++) {
        httpc_resp *r;
        char buf[16];
        cr_assert_eq(httpc_conn_request(c, methods[i], "/", NULL, NULL, 0, 0), 0);
        cr_assert_eq(httpc_conn_getresponse(c, &r), 0, "%d: %s", i, httpc_conn_errmsg(c));
        cr_assert_eq(httpc_resp_status(r), status[i]);
        cr_assert_eq(httpc_resp_will_close(r), 0);
        cr_assert_eq(read_body(r, buf, sizeof buf), i == 3 ? 2 : 0);
        cr_assert(httpc_resp_isclosed(r));
        httpc_resp_free(r);
    }
    httpc_conn_free(c);
    stop(&s);
}

Test(transport_socket, one_byte_segments_chunked)
{
    server s = {.replies = {{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: b\r\n\r\n"
                             "3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n"}},
                .segment1 = 1};
    cr_assert_eq(start(&s), 0);
    httpc_conn *c = conn_to(&s, "py3", 5000);
    httpc_resp *r;
    char buf[16];
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
    cr_assert_eq(httpc_conn_getresponse(c, &r), 0, "%s", httpc_conn_errmsg(c));
    cr_assert_eq(httpc_resp_readinto(r, buf, sizeof buf), 5);
    cr_assert(memcmp(buf, "abcde", 5) == 0);
    cr_assert(httpc_resp_isclosed(r));
    httpc_resp_free(r);
    httpc_conn_free(c);
    stop(&s);
}

static int count_sink(void *ctx, const void *data, size_t len)
{
    const char *p = data;
    if (data != NULL)
        for (size_t i = 0; i < len; i++)
            if (p[i] != 'z')
                return -1;
    *(uint64_t *)ctx += len;
    return 0;
}

Test(transport_socket, large_body_streams_in_constant_memory)
{
    const size_t size = 64u << 20;
    char head[128];
    snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", size);
    server s = {.replies = {{head}}, .body_bytes = size};
    cr_assert_eq(start(&s), 0);
    httpc_conn *c = conn_to(&s, "py3", 10000);
    httpc_resp *r;
    uint64_t total = 0;
    cr_assert_eq(httpc_conn_request(c, "GET", "/big", NULL, NULL, 0, 0), 0);
    cr_assert_eq(httpc_conn_getresponse(c, &r), 0);
    size_t cap_before = httpc__resp_bufcap(r);
    cr_assert_eq(httpc_resp_read_all(r, count_sink, &total), (int64_t)size);
    cr_assert_eq(total, size);
    cr_assert_eq(httpc__resp_bufcap(r), cap_before, "the read buffer grew");
    cr_assert_leq(cap_before, 8192);
    httpc_resp_free(r);
    httpc_conn_free(c);
    stop(&s);
}

Test(transport_socket, recv_timeout_is_timeout_error)
{
    server s = {.silent_ms = 1000};
    cr_assert_eq(start(&s), 0);
    httpc_conn *c = conn_to(&s, "py3", 200);
    httpc_resp *r;
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
    int rc = httpc_conn_getresponse(c, &r);
    cr_assert_eq(rc, HTTPC_E_TIMEOUT, "%s", httpc_err_name(rc));
    cr_assert(httpc_err_is(rc, HTTPC_E_OS_ERROR));
    cr_assert_str_eq(httpc_conn_errmsg(c), "timed out");
    /* TimeoutError is no ConnectionError: the state stays Request-sent */
    cr_assert(httpc_conn_fileno(c) >= 0);
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0),
                 HTTPC_E_CANNOT_SEND_REQUEST);
    httpc_conn_free(c);
    stop(&s);
}

/* sendall() into a peer that reads nothing: the timeout bounds the whole
 * call (Python 3.5+), not each send() that makes progress. */
Test(transport_socket, send_timeout_bounds_the_whole_sendall)
{
    server s = {.silent_ms = 2500};
    cr_assert_eq(start(&s), 0);
    httpc_conn *c = conn_to(&s, "py3", 300);
    size_t size = 64u << 20;
    char *big = calloc(1, size);
    httpc_body b = {.kind = HTTPC_BODY_BUFFER, .data = big, .len = size};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = httpc_conn_request(c, "POST", "/", &b, NULL, 0, 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    cr_assert_eq(rc, HTTPC_E_TIMEOUT, "%s", httpc_err_name(rc));
    cr_assert_lt(secs, 1.5, "took %.2f s", secs);
    free(big);
    httpc_conn_free(c);
    stop(&s);
}

Test(transport_socket, reset_mid_body_is_connection_reset)
{
    server s = {.replies = {{"HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n"}},
                .body_bytes = 1000, .reset = 1};
    cr_assert_eq(start(&s), 0);
    httpc_conn *c = conn_to(&s, "py3", 5000);
    httpc_resp *r;
    uint64_t total = 0;
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
    cr_assert_eq(httpc_conn_getresponse(c, &r), 0);
    stop(&s); /* the RST is out before the reads */
    int64_t rc = httpc_resp_read_all(r, count_sink, &total);
    cr_assert(rc == HTTPC_E_CONNECTION_RESET || rc == HTTPC_E_INCOMPLETE_READ,
              "%s", httpc_err_name((int)rc));
    if (rc == HTTPC_E_CONNECTION_RESET) {
        cr_assert_str_eq(httpc_resp_errmsg(r), "[Errno 104] Connection reset by peer");
        cr_assert_not(httpc_resp_isclosed(r));
    }
    httpc_resp_free(r);
    httpc_conn_free(c);
}

Test(transport_socket, refused_and_unresolvable)
{
    /* A port nobody listens on: bind one, learn it, close it. */
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    server s = {0};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    getsockname(fd, (struct sockaddr *)&a, &len);
    s.port = ntohs(a.sin_port);
    close(fd);
    httpc_conn *c = conn_to(&s, "py3", 2000);
    int rc = httpc_conn_connect(c);
    cr_assert_eq(rc, HTTPC_E_CONNECTION_REFUSED, "%s", httpc_err_name(rc));
    cr_assert_str_eq(httpc_conn_errmsg(c), "[Errno 111] Connection refused");
    cr_assert(httpc_err_is(rc, HTTPC_E_CONNECTION_ERROR));
    httpc_conn_free(c);
    cr_assert_eq(httpc_conn_new(&c, "no-such-host.invalid", 80, NULL), 0);
    rc = httpc_conn_connect(c);
    cr_assert_eq(rc, HTTPC_E_GAIERROR, "%s", httpc_err_name(rc));
    cr_assert(strncmp(httpc_conn_errmsg(c), "[Errno -", 8) == 0, "%s", httpc_conn_errmsg(c));
    httpc_conn_free(c);
}

Test(transport_socket, source_address_and_fileno)
{
    server s = {.replies = {{"HTTP/1.1 204 No Content\r\n\r\n"}}};
    cr_assert_eq(start(&s), 0);
    httpc_conn_opts o;
    httpc_conn *c;
    httpc_resp *r;
    httpc_conn_opts_init(&o);
    o.source_host = "127.0.0.1";
    o.source_port = 0;
    cr_assert_eq(httpc_conn_new(&c, "127.0.0.1", s.port, &o), 0);
    cr_assert_eq(httpc_conn_fileno(c), -1);
    cr_assert_eq(httpc_conn_connect(c), 0);
    int fd = httpc_conn_fileno(c);
    cr_assert(fd >= 0);
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
    cr_assert_eq(httpc_conn_getresponse(c, &r), 0);
    cr_assert_eq(httpc_resp_fileno(r), fd);
    cr_assert_eq(httpc_resp_status(r), 204);
    httpc_resp_free(r);
    httpc_conn_free(c);
    stop(&s);
    /* an address the machine does not have: bind() fails, EADDRNOTAVAIL */
    o.source_host = "192.0.2.1";
    cr_assert_eq(httpc_conn_new(&c, "127.0.0.1", s.port, &o), 0);
    cr_assert_eq(httpc_conn_connect(c), HTTPC_E_OS_ERROR);
    cr_assert_str_eq(httpc_conn_errmsg(c), "[Errno 99] Cannot assign requested address");
    httpc_conn_free(c);
}

/* ---- httpc_conn_opts.read_cap --------------------------------------------- */

static httpc_conn *conn_capped(server *s, const char *profile, size_t read_cap)
{
    httpc_conn_opts o;
    httpc_conn *c;
    httpc_conn_opts_init(&o);
    o.timeout_ms = 5000;
    o.profile = httpc_profile_by_name(profile);
    o.read_cap = read_cap;
    cr_assert_eq(httpc_conn_new(&c, "127.0.0.1", s->port, &o), 0);
    return c;
}

#define LONG_REPLY "HTTP/1.1 200 OK\r\nContent-Length: 26\r\nX-A: b\r\n\r\nabcdefghijklmnopqrstuvwxyz"

/* Every read of a capped connection's socket asks for at most read_cap
 * bytes, however much is waiting: the reply comes in pieces of at most N. */
Test(transport_socket, read_cap_cuts_every_socket_read)
{
    static const size_t caps[] = {1, 3, 7};
    for (size_t k = 0; k < sizeof caps / sizeof caps[0]; k++) {
        server s = {.replies = {{LONG_REPLY}}};
        cr_assert_eq(start(&s), 0);
        httpc_conn *c = conn_capped(&s, "py3", caps[k]);
        char got[256], piece[4096];
        size_t len = 0, reads = 0;
        ssize_t n;
        cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
        usleep(50000); /* let the whole reply arrive: uncapped, one recv would take it all */
        httpc__transport *t = httpc__conn_transport(c);
        while ((n = httpc__transport_recv(t, piece, sizeof piece)) > 0) {
            cr_assert_leq((size_t)n, caps[k], "a read of %zd bytes with the cap at %zu", n,
                          caps[k]);
            cr_assert_lt(len + (size_t)n, sizeof got);
            memcpy(got + len, piece, (size_t)n);
            len += (size_t)n;
            reads++;
        }
        cr_assert_eq(n, 0, "%s", t->errmsg);
        cr_assert_eq(len, strlen(LONG_REPLY));
        cr_assert(memcmp(got, LONG_REPLY, len) == 0);
        cr_assert_geq(reads, (len + caps[k] - 1) / caps[k]);
        httpc_conn_free(c);
        stop(&s);
    }
}

typedef struct plain_outcome {
    int rc, status, version, will_close;
    char reason[32], xa[16], body[64];
    int64_t body_len;
} plain_outcome;

static plain_outcome outcome_of(const char *reply, const char *profile, size_t read_cap)
{
    server s = {.replies = {{reply}}};
    plain_outcome o = {0};
    httpc_resp *r;
    cr_assert_eq(start(&s), 0);
    httpc_conn *c = conn_capped(&s, profile, read_cap);
    o.rc = httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0);
    if (o.rc == 0)
        o.rc = httpc_conn_getresponse(c, &r);
    if (o.rc == 0) {
        o.status = httpc_resp_status(r);
        o.version = httpc_resp_version(r);
        o.will_close = httpc_resp_will_close(r);
        snprintf(o.reason, sizeof o.reason, "%s", httpc_resp_reason(r));
        httpc_resp_getheader(r, "X-A", o.xa, sizeof o.xa);
        o.body_len = read_body(r, o.body, sizeof o.body - 1);
        httpc_resp_free(r);
    }
    httpc_conn_free(c);
    stop(&s);
    return o;
}

/* An ordinary reply (Content-Length, chunked, read to EOF) does not depend
 * on how the reads are cut: capped at 1, 3 or 1448, the outcome is the
 * uncapped one, in every profile. */
Test(transport_socket, read_cap_same_outcome_for_an_ordinary_reply)
{
    static const char *const replies[] = {
        LONG_REPLY,
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: c\r\n\r\n"
        "3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n",
        "HTTP/1.0 404 Not Found\r\nX-A: d\r\n\r\nuntil the close",
    };
    static const char *const profiles[] = {"py3", "py27", "py27-strict", "strict"};
    static const size_t caps[] = {1, 3, 1448};
    for (size_t i = 0; i < sizeof replies / sizeof replies[0]; i++)
        for (size_t p = 0; p < sizeof profiles / sizeof profiles[0]; p++) {
            plain_outcome want = outcome_of(replies[i], profiles[p], 0);
            cr_assert_eq(want.rc, 0, "reply %zu %s: %s", i, profiles[p], httpc_err_name(want.rc));
            for (size_t k = 0; k < sizeof caps / sizeof caps[0]; k++) {
                plain_outcome got = outcome_of(replies[i], profiles[p], caps[k]);
                cr_assert(memcmp(&got, &want, sizeof got) == 0,
                          "reply %zu %s cap %zu: %d %d '%s' body %lld '%s' vs %d %d '%s' body "
                          "%lld '%s'", i, profiles[p], caps[k], got.rc, got.status, got.reason,
                          (long long)got.body_len, got.body, want.rc, want.status, want.reason,
                          (long long)want.body_len, want.body);
            }
        }
}

/* What the cap is for (scenarios/keepalive/early-second-response.scn): two
 * responses written at once. Uncapped, py3's first read takes both and the
 * second is dropped with the first response's buffer: the next getresponse()
 * finds the server gone. Capped at one byte, the first response never reads
 * past its body and the second request gets "second", as CPython 3.11 does
 * under adapters/readcap with HTTPC_READ_CAP=1. */
Test(transport_socket, read_cap_changes_a_cut_dependent_outcome)
{
    for (size_t cap = 0; cap <= 1; cap++) {
        server s = {.replies = {{"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst"
                                 "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond"}}};
        cr_assert_eq(start(&s), 0);
        httpc_conn *c = conn_capped(&s, "py3", cap);
        char buf[16];
        cr_assert_eq(fetch(c, "GET", "/first", NULL, buf, sizeof buf), 5);
        usleep(50000); /* the server's FIN is in before the second request */
        int64_t n = fetch(c, "GET", "/second", NULL, buf, sizeof buf);
        if (cap == 0) {
            cr_assert_eq(n, HTTPC_E_REMOTE_DISCONNECTED, "%s", httpc_err_name((int)n));
        } else {
            cr_assert_eq(n, 6, "%s: %s", httpc_err_name((int)n), httpc_conn_errmsg(c));
            cr_assert(memcmp(buf, "second", 6) == 0);
        }
        httpc_conn_free(c);
        stop(&s);
    }
}
