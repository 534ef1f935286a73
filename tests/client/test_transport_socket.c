/* SPDX-License-Identifier: MIT */
/* Tests of transport_socket.c and the whole client over real loopback TCP: a
 * scripted server thread inside the test accepts, reads each request head and
 * writes the scripted reply (whole, in 1-byte writes, then closes or resets). */
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

#include "transport.h"

typedef struct server {
    int lfd, port;
    const char *replies[4]; /* one per request on the first connection */
    size_t body_bytes;      /* > 0: after replies[0], stream this many body bytes */
    int segment1;           /* write the replies one byte at a time */
    int reset;              /* close with RST (SO_LINGER 0) instead of FIN */
    int silent;             /* accept and never answer */
    char request[4096];
    pthread_t th;
} server;

static int read_head(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    while (n + 1 < cap) {
        ssize_t k = recv(fd, buf + n, 1, 0);
        if (k <= 0)
            return -1;
        n += (size_t)k;
        buf[n] = '\0';
        if (n >= 4 && memcmp(buf + n - 4, "\r\n\r\n", 4) == 0)
            return 0;
    }
    return -1;
}

static void *serve(void *arg)
{
    server *s = arg;
    int fd = accept(s->lfd, NULL, NULL), one = 1;
    if (fd < 0)
        return NULL;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    for (int i = 0; i < 4 && s->replies[i] && !s->silent; i++) {
        if (read_head(fd, s->request, sizeof s->request) < 0)
            break;
        const char *r = s->replies[i];
        for (size_t k = 0, n = strlen(r); k < n; k += s->segment1 ? 1 : n)
            send(fd, r + k, s->segment1 ? 1 : n, MSG_NOSIGNAL);
    }
    static char block[65536];
    memset(block, 'z', sizeof block);
    for (size_t left = s->body_bytes; left > 0;) {
        size_t k = left < sizeof block ? left : sizeof block;
        if (send(fd, block, k, MSG_NOSIGNAL) <= 0)
            break;
        left -= k;
    }
    if (s->silent)
        sleep(1);
    if (s->reset) {
        struct linger l = {1, 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
    close(fd);
    return NULL;
}

static void start(server *s)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    s->lfd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(s->lfd >= 0);
    cr_assert_eq(bind(s->lfd, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(listen(s->lfd, 4), 0);
    getsockname(s->lfd, (struct sockaddr *)&a, &len);
    s->port = ntohs(a.sin_port);
    pthread_create(&s->th, NULL, serve, s);
}

static void stop(server *s)
{
    pthread_join(s->th, NULL);
    close(s->lfd);
}

static httpc_conn *conn_to(server *s, int timeout_ms)
{
    httpc_conn_opts o;
    httpc_conn *c;
    httpc_conn_opts_init(&o);
    o.timeout_ms = timeout_ms;
    cr_assert_eq(httpc_conn_new(&c, "127.0.0.1", s->port, &o), 0);
    return c;
}

Test(transport_socket, keepalive_two_requests_one_connection)
{
    server s = {.replies = {"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none",
                            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo"}};
    start(&s);
    httpc_conn *c = conn_to(&s, 5000);
    char buf[8];
    for (int i = 0; i < 2; i++) {
        httpc_resp *r;
        cr_assert_eq(httpc_conn_request(c, "GET", i ? "/2" : "/1", NULL, NULL, 0, 0), 0,
                     "%s", httpc_conn_errmsg(c));
        cr_assert_eq(httpc_conn_getresponse(c, &r), 0, "%s", httpc_conn_errmsg(c));
        cr_assert_eq(httpc_resp_read(r, buf, sizeof buf), 3);
        cr_assert(memcmp(buf, i ? "two" : "one", 3) == 0);
        httpc_resp_free(r);
    }
    cr_assert(strstr(s.request, "GET /2 HTTP/1.1\r\nHost: 127.0.0.1:") == s.request);
    httpc_conn_free(c);
    stop(&s);
}

Test(transport_socket, one_byte_segments)
{
    server s = {.replies = {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: b\r\n\r\n"
                            "3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n"},
                .segment1 = 1};
    start(&s);
    httpc_conn *c = conn_to(&s, 5000);
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
    server s = {.replies = {head}, .body_bytes = size};
    start(&s);
    httpc_conn *c = conn_to(&s, 10000);
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

Test(transport_socket, timeout_is_timeout_error)
{
    server s = {.replies = {"unused"}, .silent = 1};
    start(&s);
    httpc_conn *c = conn_to(&s, 200);
    httpc_resp *r;
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
    int rc = httpc_conn_getresponse(c, &r);
    cr_assert_eq(rc, HTTPC_E_TIMEOUT, "%s", httpc_err_name(rc));
    cr_assert(httpc_err_is(rc, HTTPC_E_OS_ERROR));
    cr_assert_str_eq(httpc_conn_errmsg(c), "timed out");
    httpc_conn_free(c);
    stop(&s);
}

Test(transport_socket, reset_mid_body_is_connection_reset)
{
    server s = {.replies = {"HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n"},
                .body_bytes = 1000, .reset = 1};
    start(&s);
    httpc_conn *c = conn_to(&s, 5000);
    httpc_resp *r;
    uint64_t total = 0;
    cr_assert_eq(httpc_conn_request(c, "GET", "/", NULL, NULL, 0, 0), 0);
    cr_assert_eq(httpc_conn_getresponse(c, &r), 0);
    usleep(100000); /* let the RST arrive before the reads */
    int64_t rc = httpc_resp_read_all(r, count_sink, &total);
    cr_assert(rc == HTTPC_E_CONNECTION_RESET || rc == HTTPC_E_INCOMPLETE_READ,
              "%s", httpc_err_name((int)rc));
    httpc_resp_free(r);
    httpc_conn_free(c);
    stop(&s);
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
    httpc_conn *c = conn_to(&s, 2000);
    int rc = httpc_conn_connect(c);
    cr_assert_eq(rc, HTTPC_E_CONNECTION_REFUSED, "%s", httpc_err_name(rc));
    cr_assert(httpc_err_is(rc, HTTPC_E_CONNECTION_ERROR));
    httpc_conn_free(c);
    cr_assert_eq(httpc_conn_new(&c, "no-such-host.invalid", 80, NULL), 0);
    rc = httpc_conn_connect(c);
    cr_assert_eq(rc, HTTPC_E_GAIERROR, "%s", httpc_err_name(rc));
    httpc_conn_free(c);
}

Test(transport_socket, source_address_and_fileno)
{
    server s = {.replies = {"HTTP/1.1 204 No Content\r\n\r\n"}};
    start(&s);
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
}
