/* SPDX-License-Identifier: MIT */
/* Tests of mock.c: the script actions seen from a raw client socket: exact
 * bytes, segmentation, half-close, reset, silence, and recording. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "httpc_mock.h"

#include <openssl/ssl.h>
#include <stdlib.h>

static char err[512];

static httpc_scenario *load(const char *script, size_t *n)
{
    char text[4096];
    httpc_scenario *s;
    snprintf(text, sizeof text, "id: t/mock\ntitle: t\n%s\nexpect: error OSError\n", script);
    cr_assert_eq(httpc_scn_parse("t.scn", text, strlen(text), &s, n, err, sizeof err), 0, "%s",
                 err);
    return s;
}

/* A scenario and the mock server replaying it. */
typedef struct served {
    httpc_scenario *s;
    size_t n;
    httpc_mock *m;
} served;

/* Loads `script` and starts a server on it (o may be NULL). */
static httpc_mock *serve(served *sv, const char *script, const httpc_mock_opts *o)
{
    sv->s = load(script, &sv->n);
    cr_assert_eq(httpc_mock_start(sv->s, o, &sv->m, err, sizeof err), 0, "%s", err);
    return sv->m;
}

static void served_free(served *sv)
{
    httpc_mock_free(sv->m);
    httpc_scn_free_all(sv->s, sv->n);
}

static int dial(int port)
{
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    return fd;
}

/* Reads until EOF or error; counts the recv() calls that returned data. */
static ssize_t slurp(int fd, char *buf, size_t cap, int *reads, int *err_out)
{
    size_t n = 0;
    *reads = 0;
    *err_out = 0;
    for (;;) {
        ssize_t k = recv(fd, buf + n, cap - n, 0);
        if (k < 0) {
            *err_out = errno;
            return (ssize_t)n;
        }
        if (k == 0)
            return (ssize_t)n;
        n += (size_t)k;
        (*reads)++;
        usleep(2000);
    }
}

Test(mock, send_exact_bytes_and_record_request)
{
    served sv;
    httpc_mock *m = serve(&sv,
                          "connection\n  read request\n  send \"HTTP/1.1 200 OK\\r\\n\\r\\n\"\n"
                          "  close\n",
                          NULL);
    int fd = dial(httpc_mock_port(m)), reads, e;
    const char req[] = "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc";
    cr_assert_eq(send(fd, req, sizeof req - 1, 0), (ssize_t)sizeof req - 1);
    char buf[256];
    ssize_t got = slurp(fd, buf, sizeof buf, &reads, &e);
    cr_assert_eq(got, 19);
    cr_assert(memcmp(buf, "HTTP/1.1 200 OK\r\n\r\n", 19) == 0);
    close(fd);
    cr_assert_eq(httpc_mock_stop(m, 2000), 0);
    size_t len;
    const unsigned char *rx = httpc_mock_received(m, 0, &len);
    cr_assert_eq(len, sizeof req - 1);
    cr_assert(memcmp(rx, req, len) == 0);
    served_free(&sv);
}

Test(mock, segments_arrive_one_byte_at_a_time)
{
    served sv;
    httpc_mock *m = serve(&sv, "connection\n  segments 1 20\n  send \"abcd\"\n  close\n", NULL);
    int fd = dial(httpc_mock_port(m)), reads, e;
    char buf[16];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cr_assert_eq(slurp(fd, buf, sizeof buf, &reads, &e), 4);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    /* Three 20 ms gaps between four one-byte writes: the bytes cannot all be
     * there sooner (a loaded machine may merge reads, never shorten gaps). */
    cr_assert_geq(ms, 55, "4 segments 20 ms apart came in %ld ms", ms);
    cr_assert_geq(reads, 2);
    close(fd);
    httpc_mock_stop(m, 2000);
    served_free(&sv);
}

Test(mock, reset_is_seen_as_connection_reset)
{
    served sv;
    httpc_mock *m =
        serve(&sv, "connection\n  read line\n  send \"partial\"\n  pause 50\n  reset\n", NULL);
    int fd = dial(httpc_mock_port(m)), reads, e;
    cr_assert_eq(send(fd, "GET / HTTP/1.1\r\n", 16, 0), 16);
    char buf[64];
    usleep(200000); /* the RST is there before we read */
    slurp(fd, buf, sizeof buf, &reads, &e);
    cr_assert_eq(e, ECONNRESET);
    close(fd);
    httpc_mock_stop(m, 2000);
    served_free(&sv);
}

Test(mock, shutdown_half_closes_and_still_reads)
{
    served sv;
    httpc_mock *m =
        serve(&sv, "connection\n  send \"bye\"\n  shutdown\n  read line\n  close\n", NULL);
    int fd = dial(httpc_mock_port(m)), reads, e;
    char buf[16];
    cr_assert_eq(slurp(fd, buf, sizeof buf, &reads, &e), 3); /* EOF after "bye" */
    cr_assert_eq(send(fd, "late line\n", 10, 0), 10);        /* it still reads */
    cr_assert_eq(httpc_mock_stop(m, 2000), 0);
    size_t len;
    httpc_mock_received(m, 0, &len);
    cr_assert_eq(len, 10);
    close(fd);
    served_free(&sv);
}

Test(mock, silent_then_cut_by_stop)
{
    served sv;
    httpc_mock *m = serve(&sv, "connection\n  silent 60000\n", NULL);
    int fd = dial(httpc_mock_port(m));
    struct pollfd p = {.fd = fd, .events = POLLIN};
    cr_assert_eq(poll(&p, 1, 200), 0, "the server said something");
    cr_assert_eq(httpc_mock_stop(m, 100), 1, "stop reports a cut script");
    close(fd);
    served_free(&sv);
}

Test(mock, extra_connections_are_closed_and_bad_bind_fails)
{
    size_t n;
    httpc_scenario *s = load("connection\n  close\n", &n);
    httpc_mock *m;
    httpc_mock_opts bad = {.bind_addr = "not-an-ip"};
    cr_assert_eq(httpc_mock_start(s, &bad, &m, err, sizeof err), -1);
    cr_assert_str_eq(err, "cannot bind 'not-an-ip': not an IPv4 address");
    cr_assert_eq(httpc_mock_start(s, NULL, &m, err, sizeof err), 0);
    int a = dial(httpc_mock_port(m)), b = dial(httpc_mock_port(m)), reads, e;
    char buf[8];
    cr_assert_eq(slurp(a, buf, sizeof buf, &reads, &e), 0);
    cr_assert_eq(slurp(b, buf, sizeof buf, &reads, &e), 0);
    httpc_mock_stop(m, 1000);
    cr_assert_eq(httpc_mock_connections(m), 2);
    close(a);
    close(b);
    httpc_mock_free(m);
    httpc_scn_free_all(s, n);
}

/* A TLS client with OpenSSL: handshake trusting `ca`, then one exchange. */
static SSL *tls_dial(SSL_CTX **ctx, int port, const char *ca, const char *sni)
{
    *ctx = SSL_CTX_new(TLS_client_method());
    cr_assert_eq(SSL_CTX_load_verify_locations(*ctx, ca, NULL), 1);
    SSL_CTX_set_verify(*ctx, SSL_VERIFY_PEER, NULL);
    SSL *ssl = SSL_new(*ctx);
    SSL_set_fd(ssl, dial(port));
    if (sni)
        SSL_set_tlsext_host_name(ssl, sni);
    return ssl;
}

static void tls_close(SSL *ssl, SSL_CTX *ctx)
{
    close(SSL_get_fd(ssl));
    SSL_free(ssl);
    SSL_CTX_free(ctx);
}

static void certs_in(char *dir, size_t cap, char *ca, size_t cacap)
{
    snprintf(dir, cap, "/tmp/httpc-mock-tls-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    cr_assert_eq(httpc_mock_make_certs(dir, err, sizeof err), 0, "%s", err);
    snprintf(ca, cacap, "%s/ca.pem", dir);
}

Test(mock, tls_serves_and_records_plaintext)
{
    size_t len;
    char dir[64], ca[96], buf[64], cmd[96];
    certs_in(dir, sizeof dir, ca, sizeof ca);
    httpc_mock_opts o = {.cert_dir = dir};
    served sv;
    httpc_mock *m = serve(&sv,
                          "tls: yes\ntls-sni: localhost\nconnection\n  read head\n"
                          "  send \"hi\"\n  close",
                          &o);
    SSL_CTX *ctx;
    SSL *ssl = tls_dial(&ctx, httpc_mock_port(m), ca, "localhost");
    cr_assert_eq(SSL_connect(ssl), 1);
    cr_assert_eq(SSL_write(ssl, "GET / HTTP/1.1\r\n\r\n", 18), 18);
    cr_assert_eq(SSL_read(ssl, buf, sizeof buf), 2);
    cr_assert_eq(memcmp(buf, "hi", 2), 0);
    cr_assert_leq(SSL_read(ssl, buf, sizeof buf), 0);
    cr_assert_eq(SSL_get_error(ssl, 0), SSL_ERROR_ZERO_RETURN); /* close_notify came */
    tls_close(ssl, ctx);
    httpc_mock_stop(m, 2000);
    const unsigned char *rx = httpc_mock_received(m, 0, &len);
    cr_assert_eq(len, 18);
    cr_assert_eq(memcmp(rx, "GET / HTTP/1.1\r\n\r\n", 18), 0);
    served_free(&sv);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

Test(mock, tls_close_no_notify_and_sni_refusal)
{
    char dir[64], ca[96], buf[64], cmd[96];
    certs_in(dir, sizeof dir, ca, sizeof ca);
    httpc_mock_opts o = {.cert_dir = dir};
    served sv;
    httpc_mock *m = serve(&sv,
                          "tls: yes\ntls-sni: none\nconnection\n  send \"hi\"\n"
                          "  close-no-notify\nconnection\n  close",
                          &o);
    SSL_CTX *ctx;
    SSL *ssl = tls_dial(&ctx, httpc_mock_port(m), ca, NULL);
    cr_assert_eq(SSL_connect(ssl), 1);
    cr_assert_eq(SSL_read(ssl, buf, sizeof buf), 2);
    int rc = SSL_read(ssl, buf, sizeof buf);
    cr_assert_eq(SSL_get_error(ssl, rc), SSL_ERROR_SSL); /* unexpected EOF, no close_notify */
    tls_close(ssl, ctx);
    ssl = tls_dial(&ctx, httpc_mock_port(m), ca, "localhost"); /* an SNI where none is wanted */
    cr_assert_neq(SSL_connect(ssl), 1);
    tls_close(ssl, ctx);
    httpc_mock_stop(m, 2000);
    served_free(&sv);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

/* Collects what httpc_mock_check_request reports. */
typedef struct failures {
    char why[4][256], want[4][256];
    int n;
} failures;

static void note_failure(void *ctx, const char *why, const char *want)
{
    failures *f = ctx;
    if (f->n < 4) {
        snprintf(f->why[f->n], sizeof f->why[0], "%s", why);
        snprintf(f->want[f->n], sizeof f->want[0], "%s", want ? want : "(null)");
    }
    f->n++;
}

Test(mock, httpc_mock_check_request_reports_every_failed_check)
{
    size_t n;
    httpc_scenario *s = load("check-request-line: \"GET / HTTP/1.1\"\n"
                             "check-request-header: Host: 127.0.0.1:{port}\n"
                             "check-request-header: X-A: 1\n"
                             "connection\n  read request\n  close\n",
                             &n);
    const char good[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nX-A: 1\r\n\r\n";
    const char bad[] = "GET /x HTTP/1.1\r\nHost: a\r\n\r\n";
    failures f = {0};
    cr_assert_eq(httpc_mock_check_request(s, (const unsigned char *)good, sizeof good - 1, 8080,
                                          note_failure, &f),
                 0);
    cr_assert_eq(f.n, 0);
    cr_assert_eq(httpc_mock_check_request(s, (const unsigned char *)bad, sizeof bad - 1, 8080,
                                          note_failure, &f),
                 3);
    cr_assert_eq(f.n, 3, "one report per failed check, not the first only");
    cr_assert_str_eq(f.why[0], "request line is 'GET /x HTTP/1.1'");
    cr_assert_str_eq(f.want[0], "GET / HTTP/1.1");
    cr_assert_str_eq(f.why[1], "request lacks header 'Host: 127.0.0.1:8080'");
    cr_assert_str_eq(f.want[1], "(null)");
    cr_assert_str_eq(f.why[2], "request lacks header 'X-A: 1'");
    f.n = 0; /* nothing received: every check fails, nothing is read */
    cr_assert_eq(httpc_mock_check_request(s, NULL, 0, 8080, note_failure, &f), 3);
    cr_assert_str_eq(f.why[0], "request line is ''");
    httpc_scn_free_all(s, n);
}

/* A field name in any case and whitespace around the value are the same
 * field (RFC 9110 section 5.1, RFC 9112 section 5): hyper sends "host:". The
 * value itself, a longer name, or a field cut off before its line ends are
 * not. */
Test(mock, httpc_mock_check_request_header_names_in_any_case)
{
    size_t n;
    httpc_scenario *s = load("check-request-header: Host: 127.0.0.1:{port}\n"
                             "check-request-header: X-A: 1\n"
                             "connection\n  read request\n  close\n",
                             &n);
    const char *same[] = {"GET / HTTP/1.1\r\nhost: 127.0.0.1:8080\r\nx-a:1\r\n\r\n",
                          "GET / HTTP/1.1\r\nHOST:  127.0.0.1:8080 \r\nX-A:\t1\t\r\n\r\n"};
    const char *other[] = {"GET / HTTP/1.1\r\nHost: 127.0.0.1:8081\r\nX-A: 12\r\n\r\n",
                           "GET / HTTP/1.1\r\nXHost: 127.0.0.1:8080\r\nX-AB: 1\r\n\r\n",
                           "GET / HTTP/1.1\r\nX-A: 1 2\r\nHost: 127.0.0.1:8080"};
    for (size_t i = 0; i < 2; i++) {
        failures f = {0};
        cr_assert_eq(httpc_mock_check_request(s, (const unsigned char *)same[i], strlen(same[i]),
                                              8080, note_failure, &f),
                     0, "%s", same[i]);
    }
    for (size_t i = 0; i < 3; i++) {
        failures f = {0};
        cr_assert_eq(httpc_mock_check_request(s, (const unsigned char *)other[i], strlen(other[i]),
                                              8080, note_failure, &f),
                     2, "%s", other[i]);
    }
    httpc_scn_free_all(s, n);
}

Test(mock, httpc_mock_expand_port_replaces_the_placeholder)
{
    char out[64];
    httpc_mock_expand_port("127.0.0.1:{port}", 8080, out, sizeof out);
    cr_assert_str_eq(out, "127.0.0.1:8080");
    httpc_mock_expand_port("no port", 8080, out, sizeof out);
    cr_assert_str_eq(out, "no port");
}

Test(mock, httpc_mock_done_once_every_script_ends)
{
    served sv;
    httpc_mock *m = serve(&sv, "connection\n  read line\n  send \"ok\"\n  close\n", NULL);
    cr_assert_eq(httpc_mock_done(m), 0, "no connection yet");
    int fd = dial(httpc_mock_port(m)), reads, e;
    cr_assert_eq(send(fd, "GET / HTTP/1.1\r\n", 16, 0), 16);
    char buf[16];
    cr_assert_eq(slurp(fd, buf, sizeof buf, &reads, &e), 2);
    close(fd);
    for (int i = 0; i < 200 && !httpc_mock_done(m); i++)
        usleep(10000);
    cr_assert_eq(httpc_mock_done(m), 1);
    cr_assert_eq(httpc_mock_stop(m, 0), 0, "nothing left to cut");
    served_free(&sv);
}

/* The server's CPU time (this process: the test and the server thread). */
static long cpu_ms(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000L +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000L;
}

/* Regression: a socket at EOF stayed polled for input and woke the loop at once
 * for the whole pause, a busy loop at 100% CPU. */
Test(mock, pause_after_peer_close_does_not_spin)
{
    served sv;
    httpc_mock *m = serve(&sv, "connection\n  pause 300\n  send \"x\"\n  close\n", NULL);
    long before = cpu_ms();
    close(dial(httpc_mock_port(m)));
    usleep(400000);
    cr_assert_eq(httpc_mock_stop(m, 2000), 0);
    long used = cpu_ms() - before;
    cr_log_info("cpu during pause: %ld ms\n", used);
    cr_assert_lt(used, 100, "the loop spun: %ld ms of CPU in a 300 ms pause", used);
    served_free(&sv);
}

/* Regression: the same spin in a segment delay. */
Test(mock, segment_delay_after_peer_close_does_not_spin)
{
    served sv;
    httpc_mock *m = serve(&sv, "connection\n  segments 1 150\n  send \"abc\"\n  close\n", NULL);
    long before = cpu_ms();
    close(dial(httpc_mock_port(m)));
    usleep(450000);
    httpc_mock_stop(m, 2000);
    long used = cpu_ms() - before;
    cr_assert_lt(used, 100, "the loop spun: %ld ms of CPU in 300 ms of delays", used);
    served_free(&sv);
}

/* Sends `total` bytes of header with no end; returns what the server then
 * sent back before it closed (-1: it neither answered nor closed in 3 s). */
static ssize_t send_endless_head(int port, size_t total, char *buf, size_t cap)
{
    int fd = dial(port);
    struct timeval tv = {.tv_sec = 3};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    char *chunk = malloc(65536);
    memset(chunk, 'a', 65536);
    memcpy(chunk, "GET / HTTP/1.1\r\nX: ", 19);
    for (size_t sent = 0; sent < total;) {
        ssize_t w = send(fd, chunk, 65536, MSG_NOSIGNAL);
        if (w <= 0)
            break; /* the server closed: fine */
        sent += (size_t)w;
        chunk[0] = 'a';
    }
    free(chunk);
    size_t got = 0;
    for (;;) {
        ssize_t k = recv(fd, buf + got, cap - got, 0);
        if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            close(fd);
            return -1;
        }
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    close(fd);
    return (ssize_t)got;
}

/* Regression: a head larger than the record was dropped past the buffer's end
 * and "read request" waited for ever. */
Test(mock, head_larger_than_record_closes)
{
    char buf[256];
    served sv;
    httpc_mock *m = serve(&sv,
                          "connection\n  read request\n  send \"HTTP/1.1 200 OK\\r\\n\\r\\n\"\n"
                          "  close\n",
                          NULL);
    ssize_t got = send_endless_head(httpc_mock_port(m), 2u << 20, buf, sizeof buf);
    cr_assert_eq(got, 0, "the server %s", got < 0 ? "hung" : "answered");
    cr_assert_eq(httpc_mock_stop(m, 2000), 0);
    httpc_mock_stats st;
    httpc_mock_get_stats(m, &st);
    cr_assert_eq(st.oversized, 1);
    served_free(&sv);
}

Test(mock, head_larger_than_record_is_431_in_repeat_mode)
{
    char buf[512];
    httpc_mock_opts o = {.repeat = 1};
    served sv;
    httpc_mock *m = serve(&sv,
                          "connection\n  read request\n  send \"HTTP/1.1 200 OK\\r\\n"
                          "Content-Length: 0\\r\\n\\r\\n\"\n",
                          &o);
    ssize_t got = send_endless_head(httpc_mock_port(m), 2u << 20, buf, sizeof buf - 1);
    cr_assert_gt(got, 0, "the server %s", got < 0 ? "hung" : "closed without a reply");
    buf[got] = 0;
    cr_assert_str_eq(buf, "HTTP/1.1 431 Request Header Fields Too Large\r\n"
                          "Connection: close\r\nContent-Length: 0\r\n\r\n");
    httpc_mock_stop(m, 0);
    httpc_mock_stats st;
    httpc_mock_get_stats(m, &st);
    cr_assert_eq(st.oversized, 1);
    served_free(&sv);
}

/* Waits up to 2 s for the server to close fd; the ms it took, or -1. */
static long closed_after(int fd)
{
    struct timeval tv = {.tv_sec = 2};
    char b[64];
    long long t0 = 0;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    t0 = ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
    ssize_t k;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    while ((k = recv(fd, b, sizeof b, 0)) > 0)
        ;
    /* errno says something only when recv failed: 0 is the close itself. */
    if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return -1;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)(ts.tv_sec * 1000LL + ts.tv_nsec / 1000000 - t0);
}

Test(mock, repeat_idle_and_head_timeouts_close_and_count)
{
    httpc_mock_opts o = {.repeat = 1, .idle_timeout_ms = 200, .head_timeout_ms = 300};
    served sv;
    httpc_mock *m = serve(&sv,
                          "connection\n  read request\n  send \"HTTP/1.1 200 OK\\r\\n"
                          "Content-Length: 0\\r\\n\\r\\n\"\n",
                          &o);
    int idle = dial(httpc_mock_port(m)), slow = dial(httpc_mock_port(m));
    cr_assert_eq(send(slow, "GET / HTTP/1.1\r\n", 16, 0), 16);
    errno = 0;
    long t_idle = closed_after(idle), t_slow = closed_after(slow);
    cr_assert(t_idle >= 0, "the idle connection stayed open");
    cr_assert(t_slow >= 0, "the unfinished head stayed open");
    close(idle);
    close(slow);
    httpc_mock_stop(m, 0);
    httpc_mock_stats st;
    httpc_mock_get_stats(m, &st);
    cr_assert_eq(st.idle_timeouts, 1);
    cr_assert_eq(st.head_timeouts, 1);
    served_free(&sv);
}

/* Regression: every wake-up advanced every connection, and each rescanned its
 * whole unfinished head, so 50 connections holding 60 KiB each made one
 * client's 200 requests cost 200 x 50 x 60 KiB of scanning. */
Test(mock, unfinished_heads_do_not_slow_other_clients)
{
    int hogs[50];
    char *fill = malloc(60 << 10), buf[256];
    memset(fill, 'a', 60 << 10);
    memcpy(fill, "GET / HTTP/1.1\r\nX: ", 19);
    httpc_mock_opts o = {.repeat = 1};
    served sv;
    httpc_mock *m = serve(&sv,
                          "connection\n  read request\n  send \"HTTP/1.1 200 OK\\r\\n"
                          "Content-Length: 2\\r\\n\\r\\nok\"\n",
                          &o);
    for (int i = 0; i < 50; i++) {
        hogs[i] = dial(httpc_mock_port(m));
        cr_assert_eq(send(hogs[i], fill, 60 << 10, 0), 60 << 10);
    }
    usleep(200000);
    int fd = dial(httpc_mock_port(m));
    long before = cpu_ms();
    for (int i = 0; i < 200; i++) {
        const char req[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        cr_assert_eq(send(fd, req, sizeof req - 1, 0), (ssize_t)sizeof req - 1);
        size_t got = 0;
        while (got < 40) {
            ssize_t k = recv(fd, buf + got, sizeof buf - got, 0);
            cr_assert_gt(k, 0);
            got += (size_t)k;
        }
    }
    long used = cpu_ms() - before;
    cr_log_info("cpu for 200 requests beside 50 unfinished heads: %ld ms\n", used);
    cr_assert_lt(used, 150, "200 requests took %ld ms of CPU", used);
    close(fd);
    for (int i = 0; i < 50; i++)
        close(hogs[i]);
    httpc_mock_stop(m, 0);
    free(fill);
    served_free(&sv);
}

/* Regression: a TLS handshake in progress was not counted by the idle timeout,
 * so a client that opened TLS and stalled (before its ClientHello, or in the
 * middle of it) kept its slot for ever. Both are closed and counted; a real
 * client is served afterwards. */
Test(mock, repeat_stalled_tls_handshake_times_out)
{
    char dir[64], ca[96], buf[64], cmd[96];
    certs_in(dir, sizeof dir, ca, sizeof ca);
    httpc_mock_opts o = {.repeat = 1, .idle_timeout_ms = 200, .cert_dir = dir};
    served sv;
    httpc_mock *m = serve(&sv,
                          "tls: yes\nconnection\n  read request\n  send \"HTTP/1.1 200 OK\\r\\n"
                          "Content-Length: 2\\r\\n\\r\\nok\"\n",
                          &o);
    int mute = dial(httpc_mock_port(m)), half = dial(httpc_mock_port(m));
    /* The first bytes of a handshake record, the rest never comes. */
    cr_assert_eq(send(half, "\x16\x03\x01\x02\x00\x01", 6, 0), 6);
    long t_mute = closed_after(mute), t_half = closed_after(half);
    cr_assert(t_mute >= 0, "a TLS client that said nothing stayed open");
    cr_assert(t_half >= 0, "a TLS client stalled in its ClientHello stayed open");
    close(mute);
    close(half);
    SSL_CTX *ctx;
    SSL *ssl = tls_dial(&ctx, httpc_mock_port(m), ca, NULL);
    cr_assert_eq(SSL_connect(ssl), 1);
    cr_assert_eq(SSL_write(ssl, "GET / HTTP/1.1\r\n\r\n", 18), 18);
    int got = 0;
    while (got < 40) {
        int k = SSL_read(ssl, buf + got, (int)sizeof buf - got);
        cr_assert_gt(k, 0);
        got += k;
    }
    cr_assert_eq(memcmp(buf + got - 2, "ok", 2), 0);
    tls_close(ssl, ctx);
    httpc_mock_stop(m, 0);
    httpc_mock_stats st;
    httpc_mock_get_stats(m, &st);
    cr_assert_eq(st.idle_timeouts, 2);
    cr_assert_eq(st.rounds, 1);
    served_free(&sv);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

/* Whether the server has sent anything within `ms`. */
static int replied_within(int fd, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, ms) == 1;
}

/* The chunked body's search resumes where it stopped: a last chunk that
 * arrives a byte at a time, each byte its own read, is still found, and not
 * before its last byte. */
Test(mock, chunked_end_found_across_reads)
{
    size_t len;
    char buf[16];
    static const char req[] = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                              "3\r\nabc\r\n4\r\nwxyz\r\n0\r\n\r\n";
    const size_t last = sizeof req - 1 - 5; /* where the real last chunk begins */
    served sv;
    httpc_mock *m = serve(&sv, "connection\n  read request\n  send \"done\"\n  close\n", NULL);
    int fd = dial(httpc_mock_port(m));
    cr_assert_eq(send(fd, req, last - 6, 0), (ssize_t)(last - 6));
    for (size_t i = last - 6; i < sizeof req - 1; i++) {
        cr_assert_eq(replied_within(fd, 30), 0, "answered after %zu of %zu bytes", i,
                     sizeof req - 1);
        cr_assert_eq(send(fd, req + i, 1, 0), 1);
    }
    cr_assert_eq(replied_within(fd, 2000), 1, "the last chunk was not found");
    cr_assert_eq(recv(fd, buf, sizeof buf, 0), 4);
    close(fd);
    cr_assert_eq(httpc_mock_stop(m, 2000), 0);
    const unsigned char *rx = httpc_mock_received(m, 0, &len);
    cr_assert_eq(len, sizeof req - 1);
    cr_assert_eq(memcmp(rx, req, len), 0);
    served_free(&sv);
}

/* The CPU spent on one request whose 768 KiB body comes in 1 KiB writes a
 * millisecond apart (most of them a read each): chunked (one chunk) or by
 * Content-Length. */
static long dribbled_body_cpu(int chunked)
{
    char head[128], buf[16], piece[1024];
    const size_t body = 768u << 10;
    int hl = chunked ? snprintf(head, sizeof head,
                                "POST / HTTP/1.1\r\nTransfer-Encoding: "
                                "chunked\r\n\r\n%zx\r\n",
                                body)
                     : snprintf(head, sizeof head, "POST / HTTP/1.1\r\nContent-Length: %zu\r\n\r\n",
                                body + 7);
    memset(piece, 'a', sizeof piece);
    served sv;
    httpc_mock *m = serve(&sv, "connection\n  read request\n  send \"done\"\n  close\n", NULL);
    int fd = dial(httpc_mock_port(m));
    long before = cpu_ms();
    cr_assert_eq(send(fd, head, (size_t)hl, 0), hl);
    for (size_t sent = 0; sent < body; sent += sizeof piece) {
        cr_assert_eq(send(fd, piece, sizeof piece, 0), (ssize_t)sizeof piece);
        usleep(1000);
    }
    cr_assert_eq(send(fd, "\r\n0\r\n\r\n", 7, 0), 7);
    cr_assert_eq(replied_within(fd, 5000), 1);
    cr_assert_eq(recv(fd, buf, sizeof buf, 0), 4);
    long used = cpu_ms() - before;
    close(fd);
    httpc_mock_stop(m, 2000);
    served_free(&sv);
    return used;
}

/* Regression: a chunked request body was searched for its last chunk from its
 * start at every read, so a body dribbled in small writes cost its length
 * squared. Measured against the same body by Content-Length, sent the same
 * way in the same run (the sending's own cost is in both). */
Test(mock, dribbled_chunked_body_is_scanned_once)
{
    long by_length = dribbled_body_cpu(0), chunked = dribbled_body_cpu(1);
    cr_log_info("768 KiB in 1 KiB writes: %ld ms of CPU chunked, %ld ms by length\n", chunked,
                by_length);
    cr_assert_lt(chunked, 3 * by_length + 60, "chunked %ld ms against %ld ms by length", chunked,
                 by_length);
}

/* The loop's timers live in a heap of fixed room (68 entries for one slot)
 * that is rebuilt from the live timers when stale ones fill it: 300 rounds on
 * one connection, each moving its idle deadline, fill it several times over,
 * and the idle timeout still fires after them. */
Test(mock, repeat_timers_survive_heap_rebuilds)
{
    char buf[256];
    /* 1 s, not less: on a loaded machine this thread can sleep for hundreds
     * of ms between two rounds, and the timeout must not fire there. */
    httpc_mock_opts o = {.repeat = 1, .max_conns = 1, .idle_timeout_ms = 1000};
    served sv;
    httpc_mock *m = serve(&sv,
                          "connection\n  read request\n  send \"HTTP/1.1 200 OK\\r\\n"
                          "Content-Length: 2\\r\\n\\r\\nok\"\n",
                          &o);
    int fd = dial(httpc_mock_port(m));
    for (int i = 0; i < 300; i++) {
        const char req[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        cr_assert_eq(send(fd, req, sizeof req - 1, 0), (ssize_t)sizeof req - 1);
        size_t got = 0;
        while (got < 40) {
            ssize_t k = recv(fd, buf + got, sizeof buf - got, 0);
            cr_assert_gt(k, 0, "round %d: no reply", i);
            got += (size_t)k;
        }
        usleep(1500); /* each round a new deadline (they are in ms) */
    }
    long t = closed_after(fd);
    cr_assert(t >= 0, "the idle timeout did not fire after 300 rounds");
    close(fd);
    httpc_mock_stop(m, 0);
    httpc_mock_stats st;
    httpc_mock_get_stats(m, &st);
    cr_assert_eq(st.rounds, 300);
    cr_assert_eq(st.idle_timeouts, 1);
    served_free(&sv);
}

/* The sizes of the server's writes, in order, read off the trace that
 * verbose 2 prints to `f`, the file stderr pointed at. */
static size_t traced_writes(FILE *f, size_t *sizes, size_t cap)
{
    char line[2048];
    size_t n = 0;
    rewind(f);
    while (fgets(line, sizeof line, f)) {
        const char *w = strstr(line, "server wrote ");
        if (w && n < cap)
            sizes[n++] = strtoul(w + 13, NULL, 10);
    }
    return n;
}

/* Reads a connection of the server on port to its end; the bytes read. */
static size_t drain(int port)
{
    int fd = dial(port), reads, e;
    char buf[1024];
    ssize_t got = slurp(fd, buf, sizeof buf, &reads, &e);
    close(fd);
    return (size_t)got;
}

/* Chaos cuts depend on the seed, the scenario id and the connection's index
 * only: seed 1 cuts t/mock's two 600-byte sends as it always has (the sizes
 * worked out from splitmix64's definition, FNV-1a of the id and the cut rule
 * in mock.c), and a server beside it without chaos, started at the same
 * time, writes whole: each server keeps its own options. */
Test(mock, chaos_seed_1_cuts_as_before_and_options_are_per_server)
{
    static const size_t want[] = {600, 217, 1, 154, 35, 102, 91, 79, 256, 89, 176};
    size_t n, sizes[64];
    httpc_scenario *s = load("connection\n  send \"x\" * 600\n  close\n"
                             "connection\n  send \"x\" * 600\n  close\n",
                             &n);
    httpc_mock *plain, *chaos;
    httpc_mock_opts po = {.verbose = 2}, co = {.verbose = 2, .chaos = 1, .chaos_seed = 1};
    cr_assert_eq(httpc_mock_start(s, &co, &chaos, err, sizeof err), 0, "%s", err);
    cr_assert_eq(httpc_mock_start(s, &po, &plain, err, sizeof err), 0, "%s", err);
    FILE *f = tmpfile();
    int saved = dup(STDERR_FILENO);
    cr_assert(f != NULL && saved >= 0);
    fflush(stderr);
    dup2(fileno(f), STDERR_FILENO);
    size_t got = drain(httpc_mock_port(plain));
    got += drain(httpc_mock_port(chaos)) + drain(httpc_mock_port(chaos));
    httpc_mock_stop(plain, 0);
    httpc_mock_stop(chaos, 2000);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    cr_assert_eq(got, 600u * 3);
    size_t k = traced_writes(f, sizes, 64);
    cr_assert_eq(k, sizeof want / sizeof want[0], "%zu writes", k);
    for (size_t i = 0; i < k; i++)
        cr_assert_eq(sizes[i], want[i], "write %zu: %zu bytes, want %zu", i, sizes[i], want[i]);
    fclose(f);
    httpc_mock_free(plain);
    httpc_mock_free(chaos);
    httpc_scn_free_all(s, n);
}
