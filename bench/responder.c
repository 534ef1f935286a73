/* SPDX-License-Identifier: MIT */
/* A minimal keep-alive HTTP/1.1 responder for the end-to-end benchmark: every
 * client is measured against the same server, cheap enough that it is not
 * the bottleneck (the raw client in client.c shows how far it goes).
 * `GET /<n>` answers n body bytes with Content-Length; one thread per
 * connection. Prints the port it listens on (127.0.0.1) and runs until killed.
 * A small reply is made once and sent again with one write() while the size
 * asked stays the same: per request the responder makes one read() and one
 * write(), as little as a blocking server can. */
#define _GNU_SOURCE /* memmem */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define BODY_BLOCK (1 << 20)
#define SMALL_REPLY (64 << 10) /* bodies up to this size are sent from a made reply */

static char body[BODY_BLOCK];

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k <= 0)
            return -1;
        p += k, n -= (size_t)k;
    }
    return 0;
}

/* A body past SMALL_REPLY: the head and the first block in one writev, the
 * rest in blocks. */
static int respond(int fd, unsigned long long n)
{
    char head[128];
    int hl = snprintf(head, sizeof head,
                      "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                      "Content-Length: %llu\r\n\r\n",
                      n);
    size_t first = n < BODY_BLOCK ? (size_t)n : BODY_BLOCK;
    struct iovec iov[2] = {{head, (size_t)hl}, {body, first}};
    ssize_t k = writev(fd, iov, 2);
    if (k < hl)
        return -1;
    /* The body is all 'x', so every later piece can come from its start. */
    for (unsigned long long sent = (unsigned long long)(k - hl); sent < n;) {
        size_t part = n - sent < BODY_BLOCK ? (size_t)(n - sent) : BODY_BLOCK;
        if (write_all(fd, body, part) < 0)
            return -1;
        sent += part;
    }
    return 0;
}

/* The reply to GET /n made whole, head and body, for one write() a request
 * while n stays the same. */
typedef struct made {
    unsigned long long n;
    size_t len;
    char bytes[128 + SMALL_REPLY];
} made;

static int respond_made(int fd, made *m, unsigned long long n)
{
    if (m->len == 0 || m->n != n) {
        int hl = snprintf(m->bytes, 128,
                          "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                          "Content-Length: %llu\r\n\r\n",
                          n);
        memset(m->bytes + hl, 'x', (size_t)n);
        m->n = n, m->len = (size_t)hl + (size_t)n;
    }
    return write_all(fd, m->bytes, m->len);
}

/* Reads requests (no bodies) and answers each; the buffer keeps any bytes of
 * the next request that came with this one. */
static void *serve(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char buf[8192];
    size_t have = 0;
    made *m = calloc(1, sizeof *m);
    for (; m != NULL;) {
        char *end = have >= 4 ? memmem(buf, have, "\r\n\r\n", 4) : NULL;
        if (end == NULL) {
            if (have == sizeof buf)
                break;
            ssize_t k = read(fd, buf + have, sizeof buf - have);
            if (k <= 0)
                break;
            have += (size_t)k;
            continue;
        }
        unsigned long long n = 0;
        if (have > 5 && memcmp(buf, "GET /", 5) == 0)
            n = strtoull(buf + 5, NULL, 10);
        if ((n <= SMALL_REPLY ? respond_made(fd, m, n) : respond(fd, n)) < 0)
            break;
        size_t used = (size_t)(end + 4 - buf);
        memmove(buf, buf + used, have - used);
        have -= used;
    }
    free(m);
    close(fd);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        int help = strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0;
        fprintf(help ? stdout : stderr,
                "usage: %s\nListens on a free port of 127.0.0.1, prints it, and answers each "
                "GET /N with N body bytes, keep-alive, one thread per connection.\n",
                argv[0]);
        return help ? 0 : 2;
    }
    int one = 1, ls = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;

    memset(body, 'x', sizeof body);
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 512) < 0 ||
        getsockname(ls, (struct sockaddr *)&a, &al) < 0) {
        perror("responder");
        return 1;
    }
    printf("%d\n", ntohs(a.sin_port));
    fflush(stdout);
    for (;;) {
        int fd = accept(ls, NULL, NULL);
        pthread_t t;
        if (fd < 0)
            continue;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (pthread_create(&t, NULL, serve, (void *)(intptr_t)fd) != 0)
            close(fd);
        else
            pthread_detach(t);
    }
}
