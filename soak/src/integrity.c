/* SPDX-License-Identifier: MIT */
/* Integrity of large bodies: a forked child generates each body piece by
 * piece (so 1 GiB costs no memory), frames and cuts it as the case says, and
 * hashes what it sent; the reference client reads it through a fixed buffer
 * and hashes what it got. The two hashes and lengths must agree, and the
 * client's peak resident memory must not grow with the body. */
#include "soak.h"

#include "httpc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define MiB (1024ull * 1024)
#define PIECE (64u << 10)      /* generator and client buffer */
#define RANDOM_WRITE_MAX 16384 /* random segmentation: writes of 1 to this */

typedef enum { FRAME_LENGTH, FRAME_CHUNKED, FRAME_CLOSE } frame;
typedef enum { SEG_BULK, SEG_ONE, SEG_RANDOM } seg;
static const char *frame_names[] = {"length", "chunked", "close"};
static const char *seg_names[] = {"bulk", "1-byte", "random"};

typedef struct icase {
    uint64_t size;
    frame fr;
    size_t chunk; /* chunked: the chunk size; 0: random 1 B .. 1 MiB */
    seg sg;
    int read_all; /* the client reads with read_all (else read(64 KiB)) */
} icase;

/* ---- the server side (child process) ------------------------------------- */

typedef struct sender {
    int fd;
    seg sg;
    soak_rng cut; /* where random segmentation cuts */
    EVP_MD_CTX *md;
} sender;

/* Writes all of buf, cut as the case says. 0 or -1. */
static int put(sender *s, const void *buf, size_t n)
{
    const unsigned char *p = buf;
    while (n > 0) {
        size_t k = n;
        if (s->sg == SEG_ONE)
            k = 1;
        else if (s->sg == SEG_RANDOM) {
            uint64_t r = soak_rng_next(&s->cut);
            k = (r & 7) == 0 ? 1 : 1 + (size_t)((r >> 3) % RANDOM_WRITE_MAX);
            k = k < n ? k : n;
        }
        ssize_t w = send(s->fd, p, k, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w, n -= (size_t)w;
    }
    return 0;
}

/* `n` body bytes of the stream, hashed, as one piece of data. */
static int put_body(sender *s, soak_rng *g, uint64_t n, unsigned char *buf)
{
    while (n > 0) {
        size_t k = n < PIECE ? (size_t)n : PIECE;
        soak_rng_fill(g, buf, k);
        EVP_DigestUpdate(s->md, buf, k);
        if (put(s, buf, k) < 0)
            return -1;
        n -= k;
    }
    return 0;
}

static int put_chunked(sender *s, const icase *c, soak_rng *g, unsigned char *buf)
{
    soak_rng sizes;
    char line[32];
    soak_rng_init(&sizes, c->size ^ 0x5eed);
    for (uint64_t left = c->size; left > 0;) {
        uint64_t k = c->chunk ? c->chunk : 1 + soak_rng_next(&sizes) % MiB;
        k = k < left ? k : left;
        int n = snprintf(line, sizeof line, "%llx\r\n", (unsigned long long)k);
        if (put(s, line, (size_t)n) < 0 || put_body(s, g, k, buf) < 0 || put(s, "\r\n", 2) < 0)
            return -1;
        left -= k;
    }
    return put(s, "0\r\n\r\n", 5);
}

/* Reads the request head (bounded), so the reply never races it. */
static int read_head(int fd)
{
    char buf[8192];
    size_t len = 0;
    while (len < sizeof buf) {
        ssize_t n = recv(fd, buf + len, sizeof buf - len, 0);
        if (n <= 0)
            return -1;
        len += (size_t)n;
        for (size_t i = 0; i + 3 < len; i++)
            if (!memcmp(buf + i, "\r\n\r\n", 4))
                return 0;
    }
    return -1;
}

static int serve_case(int fd, const icase *c, uint64_t seed, char hex[65])
{
    static unsigned char buf[PIECE];
    unsigned char md[32];
    char head[128];
    soak_rng g;
    sender s = {.fd = fd, .sg = c->sg, .md = EVP_MD_CTX_new()};
    int one = 1, n = 0, r = 0;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    soak_rng_init(&g, seed);
    soak_rng_init(&s.cut, seed ^ 0xc0ffee);
    EVP_DigestInit_ex(s.md, EVP_sha256(), NULL);
    if (c->fr == FRAME_LENGTH)
        n = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Length: %llu\r\n\r\n",
                     (unsigned long long)c->size);
    else if (c->fr == FRAME_CHUNKED)
        n = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    else
        n = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
    if (read_head(fd) < 0 || put(&s, head, (size_t)n) < 0)
        r = -1;
    else if (c->fr == FRAME_CHUNKED)
        r = put_chunked(&s, c, &g, buf);
    else
        r = put_body(&s, &g, c->size, buf);
    EVP_DigestFinal_ex(s.md, md, NULL);
    EVP_MD_CTX_free(s.md);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    return r;
}

/* The child: one connection, one body; the hash goes up the pipe. */
static void child(int lfd, int out, const icase *c, uint64_t seed)
{
    char hex[65] = "";
    int fd = accept(lfd, NULL, NULL);
    close(lfd);
    if (fd < 0 || serve_case(fd, c, seed, hex) < 0)
        _exit(1);
    if (write(out, hex, 64) != 64)
        _exit(1);
    shutdown(fd, SHUT_WR);
    struct pollfd pf = {.fd = fd, .events = POLLIN};
    char sink[4096];
    while (poll(&pf, 1, 30000) > 0 && recv(fd, sink, sizeof sink, 0) > 0) {
        /* wait for the client's close: no reset races the end of the body */
    }
    _exit(0);
}

/* ---- the client side ----------------------------------------------------- */

typedef struct got {
    EVP_MD_CTX *md;
    uint64_t len;
} got;

static int sink(void *ctx, const void *data, size_t len)
{
    got *g = ctx;
    if (data != NULL) {
        EVP_DigestUpdate(g->md, data, len);
        g->len += len;
    }
    return 0;
}

/* Reads the body with the reference client. 0, or an httpc error. */
static int fetch(int port, const icase *c, got *g, char *err, size_t cap)
{
    static unsigned char buf[PIECE];
    httpc_conn *conn;
    httpc_resp *r = NULL;
    httpc_conn_opts o;
    httpc_conn_opts_init(&o);
    o.timeout_ms = 60000;
    int e = httpc_conn_new(&conn, "127.0.0.1", port, &o);
    if (e == 0)
        e = httpc_conn_request(conn, "GET", "/soak", NULL, NULL, 0, 0);
    if (e == 0)
        e = httpc_conn_getresponse(conn, &r);
    if (e == 0 && c->read_all) {
        int64_t n = httpc_resp_read_all(r, sink, g);
        e = n < 0 ? (int)n : 0;
    }
    for (ssize_t n = 1; e == 0 && !c->read_all && n > 0;) {
        n = httpc_resp_read(r, buf, sizeof buf);
        if (n < 0)
            e = (int)n;
        else
            sink(g, buf, (size_t)n);
    }
    if (e < 0)
        snprintf(err, cap, "%s: %s", httpc_err_name(e),
                 r      ? httpc_resp_errmsg(r)
                 : conn ? httpc_conn_errmsg(conn)
                        : "");
    httpc_resp_free(r);
    httpc_conn_free(conn);
    return e;
}

static int listen_any(int *port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 1) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) < 0)
        return -1;
    *port = ntohs(a.sin_port);
    return fd;
}

/* One body end to end; prints its JSON line. 1 when it arrived intact. */
static int run_case(const icase *c, uint64_t seed, long *hwm)
{
    int port, fds[2];
    char want[65] = "", have[65], err[256] = "";
    unsigned char md[32];
    got g = {.md = EVP_MD_CTX_new()};
    int lfd = listen_any(&port);
    if (lfd < 0 || pipe(fds) < 0)
        return 0;
    double t0 = soak_now();
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        child(lfd, fds[1], c, seed);
    }
    close(lfd);
    close(fds[1]);
    EVP_DigestInit_ex(g.md, EVP_sha256(), NULL);
    int e = fetch(port, c, &g, err, sizeof err);
    EVP_DigestFinal_ex(g.md, md, NULL);
    EVP_MD_CTX_free(g.md);
    for (int i = 0; i < 32; i++)
        snprintf(have + 2 * i, 3, "%02x", md[i]);
    ssize_t n = read(fds[0], want, 64);
    want[n == 64 ? 64 : 0] = '\0';
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    *hwm = soak_vm_hwm_kib();
    int ok = e == 0 && g.len == c->size && !strcmp(want, have);
    printf("{\"size\": %llu, \"framing\": \"%s\", \"chunk\": %zu, \"writes\": \"%s\", "
           "\"read\": \"%s\", \"received\": %llu, \"sha256\": \"%s\", \"ok\": %s, "
           "\"seconds\": %.3f, \"client_hwm_kib\": %ld, \"error\": \"%s\"}\n",
           (unsigned long long)c->size, frame_names[c->fr], c->chunk, seg_names[c->sg],
           c->read_all ? "read_all" : "read(65536)", (unsigned long long)g.len, have,
           ok ? "true" : "false", soak_now() - t0, *hwm, err);
    fflush(stdout);
    return ok;
}

/* The cases for one size: every framing, bulk and random writes always,
 * 1-byte writes and 1-byte chunks up to `one_max` (each byte is a syscall). */
static size_t cases_for(uint64_t size, uint64_t one_max, icase *out)
{
    size_t n = 0;
    int small = size <= one_max;
    out[n++] = (icase){size, FRAME_LENGTH, 0, SEG_BULK, 0};
    out[n++] = (icase){size, FRAME_LENGTH, 0, SEG_RANDOM, 1};
    out[n++] = (icase){size, FRAME_CHUNKED, MiB, SEG_BULK, 1};
    out[n++] = (icase){size, FRAME_CHUNKED, 4096, SEG_RANDOM, 0};
    out[n++] = (icase){size, FRAME_CHUNKED, 0, SEG_RANDOM, 1};
    out[n++] = (icase){size, FRAME_CLOSE, 0, SEG_BULK, 1};
    out[n++] = (icase){size, FRAME_CLOSE, 0, SEG_RANDOM, 0};
    if (small) {
        out[n++] = (icase){size, FRAME_LENGTH, 0, SEG_ONE, 0};
        out[n++] = (icase){size, FRAME_CHUNKED, 1, SEG_BULK, 1};
        out[n++] = (icase){size, FRAME_CHUNKED, 7, SEG_ONE, 0};
        out[n++] = (icase){size, FRAME_CLOSE, 0, SEG_ONE, 1};
    }
    return n;
}

int soak_integrity(int argc, char **argv)
{
    static const uint64_t sizes[] = {0,        1,        1000,      65536,     MiB + 1,
                                     16 * MiB, 64 * MiB, 256 * MiB, 1024 * MiB};
    uint64_t max = 64 * MiB, one_max = 256 * 1024, seed = 1, bytes = 0, largest = 0;
    for (int i = 0; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--max"))
            max = strtoull(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--one-byte-max"))
            one_max = strtoull(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--seed"))
            seed = strtoull(argv[i + 1], NULL, 10);
        else
            return fprintf(stderr, "httpc-soak integrity: unknown option %s\n", argv[i]), 2;
    }
    signal(SIGPIPE, SIG_IGN);
    int cases = 0, bad = 0;
    long hwm = 0, first = -1, peak = 0;
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes && sizes[k] <= max; k++) {
        icase cs[16];
        size_t n = cases_for(sizes[k], one_max, cs);
        largest = sizes[k];
        for (size_t i = 0; i < n; i++, cases++) {
            int ok = run_case(&cs[i], seed + (uint64_t)cases, &hwm);
            bad += !ok;
            bytes += ok ? cs[i].size : 0;
            first = first < 0 ? hwm : first;
            peak = hwm > peak ? hwm : peak;
        }
    }
    printf("{\"summary\": true, \"cases\": %d, \"failed\": %d, \"bytes_verified\": %llu, "
           "\"largest\": %llu, \"client_hwm_first_kib\": %ld, \"client_hwm_peak_kib\": %ld}\n",
           cases, bad, (unsigned long long)bytes, (unsigned long long)largest, first, peak);
    return bad ? 1 : 0;
}
