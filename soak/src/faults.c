/* SPDX-License-Identifier: MIT */
/* Misbehaving clients for the fault phase: raw sockets that leave at once,
 * send half a request and leave or stall, stay silent, reset the connection
 * while the server is writing, or send garbage. Run beside a load client,
 * they must not stop the mock server or change the load client's results. */
#include "soak.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define HELD_MAX 64 /* stalled and silent clients kept open until the end */

enum { LEAVE, HALF, STALL, SILENT, RESET, GARBAGE, NKINDS };
static const char *kind_names[NKINDS] = {"leave",  "half-request",    "stall",
                                         "silent", "reset-mid-reply", "garbage"};

static int dial(int port)
{
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct timeval tv = {.tv_sec = 2};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void close_reset(int fd)
{
    struct linger l = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close(fd);
}

static const char half[] = "GET /half HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Cut: ";

/* Many pipelined requests, a little of the replies read, then a reset: the
 * server is cut off while it still has replies to write. */
static void reset_mid_reply(int fd)
{
    static char reqs[256 * 40];
    static size_t len;
    char buf[100];
    if (len == 0)
        for (int i = 0; i < 256; i++)
            len += (size_t)snprintf(reqs + len, sizeof reqs - len,
                                    "GET /p/%d HTTP/1.1\r\nHost: x\r\n\r\n", i);
    if (send(fd, reqs, len, MSG_NOSIGNAL) > 0 && recv(fd, buf, sizeof buf, 0) > 0) {
        /* the first reply has begun: cut now */
    }
    close_reset(fd);
}

static void garbage(int fd, soak_rng *g)
{
    unsigned char buf[4096];
    soak_rng_fill(g, buf, sizeof buf);
    if (soak_rng_next(g) & 1)
        memcpy(buf + 2000, "\r\n\r\n", 4); /* sometimes a "request" ends in it */
    if (send(fd, buf, sizeof buf, MSG_NOSIGNAL) > 0 && (soak_rng_next(g) & 1))
        close_reset(fd);
    else
        close(fd);
}

/* One misbehaving client of kind k. Returns a descriptor to hold, or -1. */
static int misbehave(int port, int k, soak_rng *g, int *failed)
{
    int fd = dial(port);
    if (fd < 0) {
        (*failed)++;
        return -1;
    }
    switch (k) {
    case LEAVE:
        close(fd);
        return -1;
    case HALF:
        if (send(fd, half, sizeof half - 1, MSG_NOSIGNAL) < 0)
            (*failed)++;
        close(fd);
        return -1;
    case STALL:
        if (send(fd, half, sizeof half - 1, MSG_NOSIGNAL) < 0)
            (*failed)++;
        return fd;
    case SILENT:
        return fd;
    case RESET:
        reset_mid_reply(fd);
        return -1;
    default:
        garbage(fd, g);
        return -1;
    }
}

int soak_faults(int argc, char **argv)
{
    long port = 0;
    double seconds = 10;
    for (int i = 0; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--port"))
            port = strtol(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--seconds"))
            seconds = strtod(argv[i + 1], NULL);
        else
            return fprintf(stderr, "httpc-soak faults: bad option %s\n", argv[i]), 2;
    }
    if (port <= 0 || port > 65535)
        return fprintf(stderr, "httpc-soak faults: needs --port\n"), 2;
    signal(SIGPIPE, SIG_IGN);
    int held[HELD_MAX], nheld = 0, failed = 0, count[NKINDS] = {0};
    int fds_before = soak_count_fds();
    soak_rng g;
    soak_rng_init(&g, 42);
    double end = soak_now() + seconds;
    for (unsigned long i = 0; soak_now() < end; i++) {
        int k = (int)(i % NKINDS);
        if ((k == STALL || k == SILENT) && nheld == HELD_MAX)
            continue;
        int fd = misbehave((int)port, k, &g, &failed);
        count[k]++;
        if (fd >= 0)
            held[nheld++] = fd;
        if (i % 64 == 63)
            usleep(1000); /* leave the loopback to the load client now and then */
    }
    for (int i = 0; i < nheld; i++)
        close(held[i]);
    printf("{");
    for (int k = 0; k < NKINDS; k++)
        printf("\"%s\": %d, ", kind_names[k], count[k]);
    printf("\"connect_failed\": %d, \"fds_before\": %d, \"fds_after\": %d}\n", failed, fds_before,
           soak_count_fds());
    return failed ? 1 : 0;
}
