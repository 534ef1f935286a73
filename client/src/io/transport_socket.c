/* SPDX-License-Identifier: MIT */
/* Plain TCP transport: what socket.create_connection and sock.sendall/recv
 * do for http.client, with errno mapped onto Python's OSError subclasses. */
#include "transport.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct tcp_transport {
    httpc__transport base;
    int fd;
    int timeout_ms;
} tcp_transport;

/* errno -> the OSError subclass Python raises for it (PEP 3151's table;
 * ECONNABORTED's ConnectionAbortedError has no code of its own). */
static int map_errno(int e)
{
    switch (e) {
    case ECONNREFUSED:
        return HTTPC_E_CONNECTION_REFUSED;
    case ECONNRESET:
        return HTTPC_E_CONNECTION_RESET;
    case EPIPE:
    case ESHUTDOWN:
        return HTTPC_E_BROKEN_PIPE;
    case ECONNABORTED:
        return HTTPC_E_CONNECTION_ERROR; /* ConnectionAbortedError */
    case ETIMEDOUT:
        return HTTPC_E_TIMEOUT;
    case ENOMEM:
        return HTTPC_E_NOMEM;
    default:
        return HTTPC_E_OS_ERROR;
    }
}

static int os_error(char *detail, size_t cap, int e)
{
    httpc__detail(detail, cap, "[Errno %d] %s", e, strerror(e));
    return map_errno(e);
}

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t deadline_of(int timeout_ms)
{
    return timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
}

/* Waits for `events` until `deadline` (a now_ms() time; < 0: forever), as a
 * socket with settimeout() does (sock_call_ex). */
static int wait_until(int fd, short events, int64_t deadline, char *detail, size_t cap)
{
    struct pollfd p = {.fd = fd, .events = events};
    int rc;

    if (deadline < 0)
        return 0;
    do {
        int64_t left = deadline - now_ms();
        rc = poll(&p, 1, left <= 0 ? 0 : left < INT32_MAX ? (int)left : INT32_MAX);
    } while (rc < 0 && errno == EINTR);
    if (rc == 0) {
        httpc__detail(detail, cap, "timed out");
        return HTTPC_E_TIMEOUT;
    }
    return rc < 0 ? os_error(detail, cap, errno) : 0;
}

/* Waits for `events` within the socket timeout (socket.settimeout). */
static int wait_fd(int fd, short events, int timeout_ms, char *detail, size_t cap)
{
    return wait_until(fd, events, deadline_of(timeout_ms), detail, cap);
}

/* sock.sendall(): since Python 3.5 the timeout bounds the whole call, not
 * each send() inside it. */
static int tcp_send(httpc__transport *base, const void *buf, size_t len)
{
    tcp_transport *t = (tcp_transport *)base;
    const char *p = buf;
    int64_t deadline = deadline_of(t->timeout_ms);

    while (len > 0) {
        int rc = wait_until(t->fd, POLLOUT, deadline, base->errmsg, sizeof base->errmsg);
        if (rc < 0)
            return rc;
        /* Past poll(), a blocking send() of a large buffer would wait for
         * all of it to fit: MSG_DONTWAIT keeps the deadline. */
        ssize_t n = send(t->fd, p, len, MSG_NOSIGNAL | (deadline >= 0 ? MSG_DONTWAIT : 0));
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0)
            return os_error(base->errmsg, sizeof base->errmsg, errno);
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static ssize_t tcp_recv(httpc__transport *base, void *buf, size_t cap)
{
    tcp_transport *t = (tcp_transport *)base;

    for (;;) {
        int rc = wait_fd(t->fd, POLLIN, t->timeout_ms, base->errmsg, sizeof base->errmsg);
        if (rc < 0)
            return rc;
        /* read_cap: as if TCP delivered the bytes in pieces of at most that */
        size_t want = base->read_cap && cap > base->read_cap ? base->read_cap : cap;
        ssize_t n = recv(t->fd, buf, want, 0);
        if (n >= 0)
            return n;
        if (errno != EINTR && errno != EAGAIN)
            return os_error(base->errmsg, sizeof base->errmsg, errno);
    }
}

static void tcp_destroy(httpc__transport *base)
{
    tcp_transport *t = (tcp_transport *)base;

    if (t->fd >= 0)
        close(t->fd);
    free(t);
}

static int tcp_fileno(const httpc__transport *base)
{
    return ((const tcp_transport *)base)->fd;
}

static const httpc__transport_vt tcp_vt = {tcp_send, tcp_recv, tcp_destroy, tcp_fileno};

static int bind_source(int fd, const char *host, int port, int family, char *detail, size_t cap)
{
    struct addrinfo hints = {.ai_family = family,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV},
                    *res;
    char sport[16];

    snprintf(sport, sizeof sport, "%d", port);
    int rc = getaddrinfo(host && *host ? host : NULL, sport, &hints, &res);
    if (rc != 0) {
        httpc__detail(detail, cap, "%s", gai_strerror(rc));
        return HTTPC_E_GAIERROR;
    }
    rc = bind(fd, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    return rc < 0 ? os_error(detail, cap, errno) : 0;
}

/* connect() within the timeout: non-blocking connect, then poll. */
static int connect_one(const struct addrinfo *ai, int timeout_ms, const char *src_host,
                       int src_port, int *out_fd, char *detail, size_t cap)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    int rc = 0, err = 0, one = 1;
    socklen_t len = sizeof err;

    if (fd < 0)
        return os_error(detail, cap, errno);
    if (src_host != NULL || src_port > 0)
        rc = bind_source(fd, src_host, src_port, ai->ai_family, detail, cap);
    if (rc == 0) {
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS)
            rc = os_error(detail, cap, errno);
        else if ((rc = wait_fd(fd, POLLOUT, timeout_ms, detail, cap)) == 0 &&
                 getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err != 0)
            rc = os_error(detail, cap, err);
    }
    if (rc < 0) {
        close(fd);
        return rc;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    *out_fd = fd;
    return 0;
}

int64_t httpc__deadline(int timeout_ms)
{
    return deadline_of(timeout_ms);
}

int httpc__wait_until(int fd, short events, int64_t deadline, char *detail, size_t cap)
{
    return wait_until(fd, events, deadline, detail, cap);
}

int httpc__os_error(char *detail, size_t cap, int e)
{
    return os_error(detail, cap, e);
}

int httpc__tcp_connect(const char *host, int port, int timeout_ms, const char *source_host,
                       int source_port, httpc__transport **out, char *detail, size_t cap)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_NUMERICSERV},
                    *res, *ai;
    char sport[16];
    int rc, fd = -1;

    *out = NULL;
    snprintf(sport, sizeof sport, "%d", port);
    rc = getaddrinfo(host, sport, &hints, &res);
    if (rc != 0) {
        httpc__detail(detail, cap, "[Errno %d] %s", rc, gai_strerror(rc));
        return HTTPC_E_GAIERROR;
    }
    /* Like create_connection: try every address, report the last error. */
    rc = HTTPC_E_OS_ERROR;
    for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next)
        rc = connect_one(ai, timeout_ms, source_host, source_port, &fd, detail, cap);
    freeaddrinfo(res);
    if (fd < 0)
        return rc;
    tcp_transport *t = calloc(1, sizeof *t);
    if (t == NULL) {
        close(fd);
        return HTTPC_E_NOMEM;
    }
    httpc__transport_init(&t->base, &tcp_vt);
    t->fd = fd;
    t->timeout_ms = timeout_ms;
    *out = &t->base;
    return 0;
}
