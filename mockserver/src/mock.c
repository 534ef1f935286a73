/* SPDX-License-Identifier: MIT */
/* The mock server's event loop: every connection is a small state machine
 * over its script, driven by one poll() loop, so a client that stalls, resets
 * or disconnects affects only its own connection. */
#include "httpc_mock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 64

typedef struct conn {
    int fd;
    const httpc_scn_conn *script; /* NULL: close at once */
    size_t action;
    size_t sent;           /* bytes of the current send written */
    long segment, seg_delay;
    long long wake_at;     /* ms; 0 = not waiting on time */
    int want_write, peer_eof, done;
    int draining;          /* half-closed, reading until the client closes */
    unsigned char *rx;     /* what the client sent (first HTTPC_MOCK_MAX_RECORD bytes) */
    size_t rx_len, consumed;
} conn;

struct httpc_mock {
    const httpc_scenario *s;
    int lfd, port, verbose;
    int wake[2]; /* self-pipe: stop */
    volatile int stopping;
    pthread_t th;
    conn conns[MAX_CONNS];
    size_t nconns;
    pthread_mutex_t lock;
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void finish(httpc_mock *m, conn *c, int reset)
{
    if (c->fd >= 0) {
        if (reset) {
            struct linger l = {1, 0};
            setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        }
        close(c->fd);
        if (m->verbose)
            fprintf(stderr, "mock: connection %ld %s\n", (long)(c - m->conns),
                    reset ? "reset" : "closed");
    }
    c->fd = -1;
    c->done = 1;
}

/* Where the head ends (after its empty line) in rx from `from`, or 0. */
static size_t head_end(const conn *c, size_t from)
{
    for (size_t i = from; i + 1 < c->rx_len; i++) {
        if (c->rx[i] == '\n' && c->rx[i + 1] == '\n')
            return i + 2;
        if (i + 3 < c->rx_len && !memcmp(c->rx + i, "\r\n\r\n", 4))
            return i + 4;
    }
    return 0;
}

/* The end of the request (head + body by Content-Length or chunked), or 0. */
static size_t request_end(const conn *c, size_t from)
{
    size_t he = head_end(c, from);
    if (he == 0)
        return 0;
    const char *h = (const char *)c->rx + from;
    size_t hl = he - from;
    for (size_t i = 0; i + 16 < hl; i++) {
        if (h[i] != '\n')
            continue;
        if (!strncasecmp(h + i + 1, "content-length:", 15)) {
            size_t len = (size_t)strtoull(h + i + 16, NULL, 10);
            return c->rx_len - he >= len ? he + len : 0;
        }
        if (!strncasecmp(h + i + 1, "transfer-encoding:", 18)) {
            for (size_t k = he; k + 5 <= c->rx_len; k++)
                if (!memcmp(c->rx + k, "0\r\n\r\n", 5) && (k == he || c->rx[k - 1] == '\n'))
                    return k + 5;
            return 0;
        }
    }
    return he;
}

/* Whether a read action is satisfied; moves `consumed` past what it read. */
static int read_done(conn *c, const httpc_scn_action *a)
{
    size_t end = 0;
    if (a->op == HTTPC_SCN_READ_LINE) {
        unsigned char *nl = memchr(c->rx + c->consumed, '\n', c->rx_len - c->consumed);
        end = nl ? (size_t)(nl - c->rx) + 1 : 0;
    } else if (a->op == HTTPC_SCN_READ_HEAD) {
        end = head_end(c, c->consumed);
    } else if (a->op == HTTPC_SCN_READ_REQUEST) {
        end = request_end(c, c->consumed);
    } else if (a->op == HTTPC_SCN_READ_BODY) {
        end = c->rx_len - c->consumed >= (size_t)a->n ? c->consumed + (size_t)a->n : 0;
    }
    if (end == 0 && !c->peer_eof)
        return 0;
    c->consumed = end ? end : c->rx_len;
    return 1;
}

/* Writes what the current send allows: the whole of it in one write, or its
 * segments, one write each, with the delay between them (then it waits). */
static int do_send(conn *c, const httpc_scn_action *a, long long now)
{
    while (c->sent < a->len) {
        size_t left = a->len - c->sent;
        size_t n = c->segment > 0 && (size_t)c->segment < left ? (size_t)c->segment : left;
        ssize_t w = send(c->fd, a->data + c->sent, n, MSG_NOSIGNAL);
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            c->want_write = 1;
            return 0;
        }
        if (w < 0)
            return -1; /* the client went away: the script ends */
        c->want_write = 0;
        c->sent += (size_t)w;
        if (c->sent < a->len && c->segment > 0 && c->seg_delay > 0) {
            c->wake_at = now + c->seg_delay;
            return 0;
        }
    }
    return 1;
}

#define DRAIN_MS 1000

/* A staged close (RFC 9112 section 9.6): half-close, then read until the
 * client closes (or DRAIN_MS), so that unread request bytes do not turn the
 * close into a reset that races the client's read of the reply. */
static void close_gently(httpc_mock *m, conn *c, long long now)
{
    if (c->peer_eof) {
        finish(m, c, 0);
        return;
    }
    shutdown(c->fd, SHUT_WR);
    c->draining = 1;
    c->wake_at = now + DRAIN_MS;
}

/* Runs the script as far as it can go now. */
static void advance(httpc_mock *m, conn *c, long long now)
{
    if (c->draining) {
        if (c->peer_eof || now >= c->wake_at)
            finish(m, c, 0);
        return;
    }
    while (!c->done) {
        if (c->script == NULL || c->action >= c->script->nactions) {
            close_gently(m, c, now);
            return;
        }
        const httpc_scn_action *a = &c->script->actions[c->action];
        if (c->wake_at) {
            if (now < c->wake_at)
                return;
            c->wake_at = 0;
            if (a->op == HTTPC_SCN_PAUSE) {
                c->action++;
                continue;
            }
            if (a->op == HTTPC_SCN_SILENT) {
                close_gently(m, c, now);
                return;
            }
        }
        int r = 1;
        switch (a->op) {
        case HTTPC_SCN_READ_REQUEST: case HTTPC_SCN_READ_LINE: case HTTPC_SCN_READ_HEAD:
        case HTTPC_SCN_READ_BODY:
            r = read_done(c, a);
            break;
        case HTTPC_SCN_SEND:
            r = do_send(c, a, now);
            if (r < 0) {
                finish(m, c, 0);
                return;
            }
            if (r)
                c->sent = 0;
            break;
        case HTTPC_SCN_SEGMENTS:
            c->segment = a->n;
            c->seg_delay = a->n2;
            break;
        case HTTPC_SCN_PAUSE: case HTTPC_SCN_SILENT:
            c->wake_at = now + (a->n > 0 ? a->n : 1);
            return;
        case HTTPC_SCN_SHUTDOWN:
            shutdown(c->fd, SHUT_WR);
            break;
        case HTTPC_SCN_CLOSE:
            close_gently(m, c, now);
            return;
        case HTTPC_SCN_RESET:
            finish(m, c, 1);
            return;
        }
        if (!r)
            return;
        c->action++;
    }
}

static void receive(conn *c)
{
    unsigned char tmp[65536];
    ssize_t n = recv(c->fd, tmp, sizeof tmp, 0);
    if (n <= 0) {
        if (n == 0 || (errno != EAGAIN && errno != EINTR))
            c->peer_eof = 1;
        return;
    }
    size_t keep = c->rx_len + (size_t)n > HTTPC_MOCK_MAX_RECORD
                      ? HTTPC_MOCK_MAX_RECORD - c->rx_len : (size_t)n;
    memcpy(c->rx + c->rx_len, tmp, keep);
    c->rx_len += keep;
}

static void accept_one(httpc_mock *m)
{
    int fd = accept(m->lfd, NULL, NULL), one = 1;
    if (fd < 0)
        return;
    pthread_mutex_lock(&m->lock);
    if (m->nconns == MAX_CONNS || (m->conns[m->nconns].rx = malloc(HTTPC_MOCK_MAX_RECORD)) == NULL) {
        pthread_mutex_unlock(&m->lock);
        close(fd);
        return;
    }
    conn *c = &m->conns[m->nconns];
    c->fd = fd;
    c->script = m->nconns < m->s->nconns ? &m->s->conns[m->nconns] : NULL;
    m->nconns++;
    pthread_mutex_unlock(&m->lock);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (m->verbose)
        fprintf(stderr, "mock: connection %ld accepted\n", (long)(c - m->conns));
    advance(m, c, now_ms());
}

static void *loop(void *arg)
{
    httpc_mock *m = arg;
    struct pollfd pf[MAX_CONNS + 2];
    conn *map[MAX_CONNS + 2];
    while (!m->stopping) {
        long long now = now_ms(), next = -1;
        size_t n = 0;
        pf[n++] = (struct pollfd){.fd = m->wake[0], .events = POLLIN};
        pf[n++] = (struct pollfd){.fd = m->lfd, .events = POLLIN};
        for (size_t i = 0; i < m->nconns; i++) {
            conn *c = &m->conns[i];
            if (c->done)
                continue;
            map[n] = c;
            pf[n++] = (struct pollfd){.fd = c->fd,
                                      .events = (short)(POLLIN | (c->want_write ? POLLOUT : 0))};
            if (c->wake_at && (next < 0 || c->wake_at < next))
                next = c->wake_at;
        }
        int timeout = next < 0 ? -1 : (int)(next > now ? next - now : 0);
        if (poll(pf, n, timeout) < 0 && errno != EINTR)
            break;
        if (pf[1].revents & POLLIN)
            accept_one(m);
        now = now_ms();
        for (size_t i = 2; i < n; i++) {
            if (pf[i].revents & (POLLIN | POLLHUP | POLLERR))
                receive(map[i]);
            advance(m, map[i], now);
        }
    }
    return NULL;
}

int httpc_mock_start(const httpc_scenario *s, const char *bind_addr, int port, int verbose,
                     httpc_mock **out, char *err, size_t errcap)
{
    httpc_mock *m = calloc(1, sizeof *m);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    socklen_t len = sizeof a;
    int one = 1;

    *out = NULL;
    if (m == NULL || pipe(m->wake) < 0) {
        snprintf(err, errcap, "out of resources");
        free(m);
        return -1;
    }
    m->s = s;
    m->verbose = verbose;
    pthread_mutex_init(&m->lock, NULL);
    if (inet_pton(AF_INET, bind_addr ? bind_addr : "127.0.0.1", &a.sin_addr) != 1) {
        snprintf(err, errcap, "cannot bind '%s': not an IPv4 address", bind_addr);
        httpc_mock_free(m);
        return -1;
    }
    m->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    setsockopt(m->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (m->lfd < 0 || bind(m->lfd, (struct sockaddr *)&a, sizeof a) < 0 || listen(m->lfd, 64) < 0) {
        snprintf(err, errcap, "cannot listen on %s:%d: %s", bind_addr ? bind_addr : "127.0.0.1",
                 port, strerror(errno));
        httpc_mock_free(m);
        return -1;
    }
    getsockname(m->lfd, (struct sockaddr *)&a, &len);
    m->port = ntohs(a.sin_port);
    if (pthread_create(&m->th, NULL, loop, m) != 0) {
        snprintf(err, errcap, "cannot start the server thread");
        httpc_mock_free(m);
        return -1;
    }
    *out = m;
    return 0;
}

int httpc_mock_port(const httpc_mock *m)
{
    return m->port;
}

static int all_done(httpc_mock *m)
{
    pthread_mutex_lock(&m->lock);
    int done = m->nconns >= m->s->nconns;
    for (size_t i = 0; done && i < m->nconns; i++)
        done = m->conns[i].done;
    pthread_mutex_unlock(&m->lock);
    return done;
}

int httpc_mock_stop(httpc_mock *m, int timeout_ms)
{
    long long end = now_ms() + timeout_ms;
    int cut = 0;
    while (!all_done(m) && now_ms() < end)
        usleep(2000);
    m->stopping = 1;
    if (write(m->wake[1], "x", 1) < 0) {
        /* the loop also wakes on its own timers; nothing else to do */
    }
    pthread_join(m->th, NULL);
    for (size_t i = 0; i < m->nconns; i++)
        if (!m->conns[i].done) {
            cut = 1;
            finish(m, &m->conns[i], 0);
        }
    return cut;
}

size_t httpc_mock_connections(const httpc_mock *m)
{
    return m->nconns;
}

const unsigned char *httpc_mock_received(const httpc_mock *m, size_t i, size_t *len)
{
    *len = i < m->nconns ? m->conns[i].rx_len : 0;
    return i < m->nconns ? m->conns[i].rx : NULL;
}

void httpc_mock_free(httpc_mock *m)
{
    if (m == NULL)
        return;
    if (m->lfd > 0)
        close(m->lfd);
    close(m->wake[0]);
    close(m->wake[1]);
    for (size_t i = 0; i < m->nconns; i++) {
        if (m->conns[i].fd >= 0 && !m->conns[i].done)
            close(m->conns[i].fd);
        free(m->conns[i].rx);
    }
    pthread_mutex_destroy(&m->lock);
    free(m);
}
