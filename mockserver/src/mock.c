/* SPDX-License-Identifier: MIT */
/* The mock server's event loop: every connection is a small state machine
 * over its script, driven by one poll() loop, so a client that stalls, resets
 * or disconnects affects only its own connection. */
#define _GNU_SOURCE /* accept4 */
#include "httpc_mock.h"
#include "httpc_prng.h"
#include "mock_tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 64
/* Repeat (load) mode: the default bound on open connections, and what each
 * records (it drops what its script has read at every round). */
#define REPEAT_MAX_CONNS 4096
#define REPEAT_RECORD (64u << 10)

typedef struct conn {
    int fd;
    const httpc_scn_conn *script; /* NULL: close at once */
    size_t action;
    size_t sent; /* bytes of the current send written */
    long segment, seg_delay;
    long long wake_at; /* ms; 0 = not waiting on time */
    int want_write, peer_eof, done;
    int draining;      /* half-closed, reading until the client closes */
    unsigned char *rx; /* what the client sent (first HTTPC_MOCK_MAX_RECORD bytes) */
    size_t rx_len, consumed;
    void *ssl;                 /* TLS (SSL *) once starttls began; NULL: plain */
    int tls_up, no_notify;     /* handshake done; close without close_notify */
    int tls_first;             /* --tls: a handshake before the script */
    uint64_t rng;              /* chaos: this connection's random state */
    long long idle_since;      /* repeat: ms when the connection last waited for a request */
    long long head_since;      /* repeat: ms when the current request's first bytes were seen */
    long long deadline;        /* repeat: ms of the idle or head timeout; 0 = none */
    size_t scan_from, scan_to; /* head_end found no end in rx[scan_from, scan_to) */
    size_t body_from, body_he; /* request_end: the request whose framing is below (he 0: none) */
    int body_kind;             /* BODY_NONE, BODY_LENGTH or BODY_CHUNKED */
    size_t body_len;           /* BODY_LENGTH: its Content-Length */
    size_t chunk_to;           /* BODY_CHUNKED: no last chunk found before this offset */
    long long hs_since;        /* repeat: ms when the TLS handshake began; 0 = none running */
    unsigned events;           /* what epoll watches for it (0: not registered) */
    long long armed_wake, armed_deadline; /* the timers pushed onto the heap */
} conn;

/* A timer of the loop: connection `index` wants a step at `at` (ms). Stale
 * entries (the connection's timer moved or it ended) are dropped when due. */
typedef struct timer {
    long long at;
    size_t index;
} timer;

enum { BODY_NONE, BODY_LENGTH, BODY_CHUNKED };

struct httpc_mock {
    const httpc_scenario *s;
    int lfd, port, verbose;
    int wake[2]; /* self-pipe: stop */
    volatile int stopping;
    pthread_t th;
    conn *conns; /* cap slots; repeat mode reuses finished ones */
    size_t nconns, cap;
    int ep;                  /* epoll: only connections with events are looked at */
    struct epoll_event *evs; /* cap + 2 */
    timer *heap;             /* min-heap on `at` of the connections' timers */
    size_t nheap, heap_cap;
    int repeat;            /* the options' repeat mode */
    long idle_ms, head_ms; /* repeat mode's timeouts; 0 = none */
    int chaos, force_tls;  /* the options' chaos mode and forced TLS */
    uint64_t chaos_seed;
    size_t rx_cap; /* bytes recorded per connection */
    httpc_mock_stats st;
    pthread_mutex_t lock;
    struct timespec t0; /* start, for the trace's timestamps */
    void *tls_ctx;      /* SSL_CTX * of a TLS scenario (or --tls), else NULL */
};

/* Under chaos, the next draw of the connection's generator. */
static uint64_t chaos_next(conn *c)
{
    return httpc_splitmix64_next(&c->rng);
}

/* A connection's chaos state depends on the seed, the scenario and the
 * connection's index only, so a case cuts the same way whatever runs beside it. */
static uint64_t chaos_start(const httpc_mock *m, size_t index)
{
    uint64_t h = 0xcbf29ce484222325u; /* FNV-1a of the id */
    for (const char *p = m->s->id; p && *p; p++)
        h = (h ^ (unsigned char)*p) * 0x100000001b3u;
    return m->chaos_seed ^ h ^ ((uint64_t)(index + 1) << 32);
}

/* Under chaos, the size of the next write: 1 byte a quarter of the time, else
 * up to 256 bytes; never more than the script's own segment. */
static size_t chaos_cut(conn *c, size_t n)
{
    uint64_t r = chaos_next(c);
    size_t cut = (r & 3) == 0 ? 1 : 1 + (size_t)((r >> 2) % 256);
    return cut < n ? cut : n;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* At verbose >= 2, every write and read of the server, with the time since the
 * start and the bytes escaped as in a scenario file: the runner's --trace. */
static void trace(const httpc_mock *m, const conn *c, const char *what, const unsigned char *p,
                  size_t n)
{
    struct timespec ts;
    if (m->verbose < 2)
        return;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double ms =
        (double)(ts.tv_sec - m->t0.tv_sec) * 1e3 + (double)(ts.tv_nsec - m->t0.tv_nsec) / 1e6;
    flockfile(stderr);
    fprintf(stderr, "%10.3f ms  conn %ld  %s %zu bytes  \"", ms, (long)(c - m->conns), what, n);
    for (size_t i = 0; i < n; i++) {
        unsigned char b = p[i];
        if (b == '\r' || b == '\n')
            fputs(b == '\r' ? "\\r" : "\\n", stderr);
        else if (b == '"' || b == '\\')
            fprintf(stderr, "\\%c", b);
        else if (b < 0x20 || b >= 0x7f)
            fprintf(stderr, "\\x%02x", b);
        else
            fputc(b, stderr);
    }
    fputs("\"\n", stderr);
    funlockfile(stderr);
}

static void finish(httpc_mock *m, conn *c, int reset)
{
    if (c->fd >= 0) {
        if (reset) {
            struct linger l = {1, 0};
            setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        }
        httpc__mock_tls_free(c->ssl);
        c->ssl = NULL;
        close(c->fd);
        pthread_mutex_lock(&m->lock);
        m->st.open--;
        pthread_mutex_unlock(&m->lock);
        if (m->verbose)
            fprintf(stderr, "mock: connection %ld %s\n", (long)(c - m->conns),
                    reset ? "reset" : "closed");
    }
    c->fd = -1;
    c->done = 1;
}

/* Where the head ends (after its empty line) in rx from `from`, or 0. A
 * search that failed is remembered, so the next one for the same start looks
 * only at the bytes that came since (and the 3 before them, where an end
 * could begin): a slow or endless head costs its length once, not once per
 * wake-up. */
static size_t head_end(conn *c, size_t from)
{
    size_t i = from;
    if (c->scan_from == from && c->scan_to > from + 3)
        i = c->scan_to - 3;
    for (; i + 1 < c->rx_len; i++) {
        if (c->rx[i] == '\n' && c->rx[i + 1] == '\n')
            return i + 2;
        if (i + 3 < c->rx_len && !memcmp(c->rx + i, "\r\n\r\n", 4))
            return i + 4;
    }
    c->scan_from = from;
    c->scan_to = c->rx_len;
    return 0;
}

/* How the body of the request in rx[from, he) ends, read from its head once:
 * the head does not change while the body comes in, so it is not rescanned at
 * every read. */
static void body_framing(conn *c, size_t from, size_t he)
{
    if (c->body_he == he && c->body_from == from)
        return;
    c->body_from = from;
    c->body_he = he;
    c->body_kind = BODY_NONE;
    c->chunk_to = 0;
    const char *h = (const char *)c->rx + from;
    size_t hl = he - from;
    for (size_t i = 0; i + 16 < hl; i++) {
        if (h[i] != '\n')
            continue;
        if (!strncasecmp(h + i + 1, "content-length:", 15)) {
            c->body_kind = BODY_LENGTH;
            c->body_len = (size_t)strtoull(h + i + 16, NULL, 10);
            return;
        }
        if (!strncasecmp(h + i + 1, "transfer-encoding:", 18)) {
            c->body_kind = BODY_CHUNKED;
            return;
        }
    }
}

/* The end of the request (head + body by Content-Length or chunked), or 0. A
 * chunked body's search for its last chunk goes on where the previous one
 * stopped (less the 4 bytes a last chunk could begin in), as head_end's does:
 * a body dribbled in small writes costs its length once. */
static size_t request_end(conn *c, size_t from)
{
    size_t he = head_end(c, from);
    if (he == 0)
        return 0;
    body_framing(c, from, he);
    if (c->body_kind == BODY_NONE)
        return he;
    if (c->body_kind == BODY_LENGTH)
        return c->rx_len - he >= c->body_len ? he + c->body_len : 0;
    size_t k = c->chunk_to > he + 4 ? c->chunk_to - 4 : he;
    for (; k + 5 <= c->rx_len; k++)
        if (!memcmp(c->rx + k, "0\r\n\r\n", 5) && (k == he || c->rx[k - 1] == '\n'))
            return k + 5;
    c->chunk_to = c->rx_len;
    return 0;
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
static int do_send(const httpc_mock *m, conn *c, const httpc_scn_action *a, long long now)
{
    while (c->sent < a->len) {
        size_t left = a->len - c->sent;
        size_t n = c->segment > 0 && (size_t)c->segment < left ? (size_t)c->segment : left;
        if (m->chaos)
            n = chaos_cut(c, n);
        ssize_t w = c->ssl ? httpc__mock_tls_send(c->ssl, a->data + c->sent, n)
                           : send(c->fd, a->data + c->sent, n, MSG_NOSIGNAL);
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            c->want_write = 1;
            return 0;
        }
        if (w < 0)
            return -1; /* the client went away: the script ends */
        c->want_write = 0;
        trace(m, c, "server wrote", a->data + c->sent, (size_t)w);
        c->sent += (size_t)w;
        if (c->sent < a->len && c->segment > 0 && c->seg_delay > 0) {
            c->wake_at = now + c->seg_delay;
            return 0;
        }
        if (c->sent < a->len && m->chaos && chaos_next(c) % 3 == 0) {
            c->wake_at = now + 1 + (long long)(chaos_next(c) % 3); /* 1 to 3 ms */
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
    if (c->tls_up && !c->no_notify)
        httpc__mock_tls_notify(c->ssl);
    shutdown(c->fd, SHUT_WR);
    c->draining = 1;
    c->deadline = 0; /* a read's timeout no longer applies: the drain has its own */
    c->wake_at = now + DRAIN_MS;
}

/* Repeat mode: closes a connection whose wait outlived its timeout, counted
 * and logged as `what` ("idle" or "head"). */
static void timed_out(httpc_mock *m, conn *c, int idle, const char *what)
{
    if (m->verbose)
        fprintf(stderr, "mock: connection %ld: %s timeout, closing\n", (long)(c - m->conns), what);
    pthread_mutex_lock(&m->lock);
    if (idle)
        m->st.idle_timeouts++;
    else
        m->st.head_timeouts++;
    pthread_mutex_unlock(&m->lock);
    finish(m, c, 0);
}

/* Repeat mode: a handshake still unfinished after the idle timeout (no
 * request can have begun) closes the connection, or a client that opens TLS
 * and stalls would keep its slot for ever. 1 when it closed. */
static int handshake_timeout(httpc_mock *m, conn *c, long long now)
{
    if (!m->repeat || m->idle_ms == 0)
        return 0;
    if (c->hs_since == 0)
        c->hs_since = now;
    c->deadline = c->hs_since + m->idle_ms;
    if (now < c->deadline)
        return 0;
    timed_out(m, c, 1, "TLS handshake (idle)");
    return 1;
}

/* One step of the server handshake: 1 done, 0 waiting, -1 failed or timed
 * out (closed). */
static int handshake(httpc_mock *m, conn *c, long long now)
{
    char err[256];
    int r = m->tls_ctx ? httpc__mock_tls_accept(m->tls_ctx, &c->ssl, c->fd, err, sizeof err) : -1;
    c->want_write = r == 2;
    if (r == 1) {
        c->tls_up = 1;
        c->hs_since = c->deadline = 0;
    }
    if (r < 0) {
        if (m->verbose)
            fprintf(stderr, "mock: connection %ld: TLS %s\n", (long)(c - m->conns),
                    m->tls_ctx ? err : "without a context");
        finish(m, c, 0);
    }
    if ((r == 0 || r == 2) && handshake_timeout(m, c, now))
        return -1;
    return r == 2 ? 0 : r;
}

/* starttls, tls-alert N (a plaintext fatal alert once the ClientHello is in:
 * the handshake fails on the client's side), tls-stall MS (the ClientHello
 * goes unanswered, then a close) and close-no-notify. */
static int tls_action(httpc_mock *m, conn *c, const httpc_scn_action *a, long long now)
{
    if (a->op == HTTPC_SCN_STARTTLS)
        return handshake(m, c, now);
    if (a->op == HTTPC_SCN_CLOSE_NO_NOTIFY) {
        c->no_notify = 1;
        close_gently(m, c, now);
        return -1;
    }
    if (c->rx_len == c->consumed && !c->peer_eof)
        return 0;
    if (a->op == HTTPC_SCN_TLS_STALL) {
        c->consumed = c->rx_len;
        c->wake_at = now + (a->n > 0 ? a->n : 1);
        return 0; /* the wake-up closes, as after silent */
    }
    unsigned char alert[7] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, (unsigned char)a->n};
    c->consumed = c->rx_len;
    if (send(c->fd, alert, sizeof alert, MSG_NOSIGNAL) < 0) {
        finish(m, c, 0);
        return -1;
    }
    return 1;
}

/* Whether a script waits for the client somewhere: only such a script may
 * start again, or an empty or write-only one would spin or stream forever. */
static int waits_for_client(const httpc_scn_conn *s)
{
    for (size_t i = 0; i < s->nactions; i++) {
        httpc_scn_op op = s->actions[i].op;
        if (op == HTTPC_SCN_READ_REQUEST || op == HTTPC_SCN_READ_LINE ||
            op == HTTPC_SCN_READ_HEAD || op == HTTPC_SCN_READ_BODY)
            return 1;
    }
    return 0;
}

/* Repeat mode: a script that ran to its end starts again for the next
 * request on the connection, with what it has read dropped from the record
 * (so a connection's memory stays bounded); 0 when the client has gone or
 * the script cannot repeat. */
static int next_round(httpc_mock *m, conn *c, long long now)
{
    pthread_mutex_lock(&m->lock);
    m->st.rounds++;
    pthread_mutex_unlock(&m->lock);
    if ((c->peer_eof && c->consumed >= c->rx_len) || !waits_for_client(c->script))
        return 0;
    memmove(c->rx, c->rx + c->consumed, c->rx_len - c->consumed);
    c->rx_len -= c->consumed;
    c->consumed = c->sent = 0;
    c->scan_from = c->scan_to = 0; /* the record moved */
    c->body_he = 0;
    c->action = 0;
    c->segment = c->seg_delay = 0;
    c->idle_since = now;
    c->head_since = c->deadline = 0;
    return 1;
}

/* A read action. In repeat mode a request cut short by the client's close
 * ends the connection instead of being answered, so that every round counted
 * is an exchange a client asked for. */
static int read_action(const httpc_mock *m, conn *c, const httpc_scn_action *a)
{
    if (!m->repeat || !c->peer_eof)
        return read_done(c, a);
    c->peer_eof = 0;
    int r = read_done(c, a);
    c->peer_eof = 1;
    return r ? 1 : -1;
}

/* A read that the full record can no longer satisfy (a head, or a body,
 * larger than the buffer) would wait forever while receive() drops the rest:
 * the client gets 431 (413 for a body) in repeat mode, and the connection
 * ends in both modes. */
static int read_overflow(httpc_mock *m, conn *c, long long now)
{
    static const char head_too_large[] = "HTTP/1.1 431 Request Header Fields Too Large\r\n"
                                         "Connection: close\r\nContent-Length: 0\r\n\r\n";
    static const char body_too_large[] = "HTTP/1.1 413 Content Too Large\r\n"
                                         "Connection: close\r\nContent-Length: 0\r\n\r\n";
    if (c->rx_len < m->rx_cap)
        return 0;
    int head = head_end(c, c->consumed) == 0;
    const char *reply = head ? head_too_large : body_too_large;
    size_t len = head ? sizeof head_too_large - 1 : sizeof body_too_large - 1;
    if (m->verbose)
        fprintf(stderr, "mock: connection %ld: request %s over %zu bytes, closing\n",
                (long)(c - m->conns), head ? "head" : "body", m->rx_cap);
    pthread_mutex_lock(&m->lock);
    m->st.oversized++;
    pthread_mutex_unlock(&m->lock);
    if (m->repeat && c->ssl)
        httpc__mock_tls_send(c->ssl, reply, len);
    else if (m->repeat && send(c->fd, reply, len, MSG_NOSIGNAL) > 0)
        trace(m, c, "server wrote", (const unsigned char *)reply, len);
    close_gently(m, c, now);
    return 1;
}

/* Repeat mode: a connection waiting for a request (idle) or for the rest of
 * its head past the timeout is closed, so idle or slow clients cannot hold
 * slots for ever. Sets the deadline the loop wakes for; 1 when it closed. */
static int read_timeout(httpc_mock *m, conn *c, long long now)
{
    int idle = c->rx_len == c->consumed;
    long limit = idle ? m->idle_ms : m->head_ms;
    if (!m->repeat)
        return 0;
    if (idle)
        c->head_since = 0;
    else if (c->head_since == 0)
        c->head_since = now;
    c->deadline = limit ? (idle ? c->idle_since : c->head_since) + limit : 0;
    if (c->deadline == 0 || now < c->deadline)
        return 0;
    timed_out(m, c, idle, idle ? "idle" : "head");
    return 1;
}

/* Runs the script as far as it can go now. */
static void advance(httpc_mock *m, conn *c, long long now)
{
    if (c->tls_first) {
        int r = handshake(m, c, now);
        if (r <= 0)
            return;
        c->tls_first = 0;
    }
    if (c->draining) {
        if (c->peer_eof || now >= c->wake_at)
            finish(m, c, 0);
        return;
    }
    while (!c->done) {
        if (m->repeat && c->script && c->action >= c->script->nactions && next_round(m, c, now))
            continue;
        if (c->script == NULL || c->action >= c->script->nactions) {
            close_gently(m, c, now);
            return;
        }
        const httpc_scn_action *a = &c->script->actions[c->action];
        if (c->wake_at) {
            /* A client that has hung up ends the silence: nobody is left to
             * time out, and the run need not wait for the rest of it. */
            int gone = c->peer_eof && (a->op == HTTPC_SCN_SILENT || a->op == HTTPC_SCN_TLS_STALL);
            if (now < c->wake_at && !gone)
                return;
            c->wake_at = 0;
            if (a->op == HTTPC_SCN_PAUSE) {
                c->action++;
                continue;
            }
            if (a->op == HTTPC_SCN_SILENT || a->op == HTTPC_SCN_TLS_STALL) {
                close_gently(m, c, now);
                return;
            }
        }
        int r = 1;
        switch (a->op) {
        case HTTPC_SCN_READ_REQUEST:
        case HTTPC_SCN_READ_LINE:
        case HTTPC_SCN_READ_HEAD:
        case HTTPC_SCN_READ_BODY:
            if ((r = read_action(m, c, a)) < 0) {
                finish(m, c, 0);
                return;
            }
            if (r == 0 && (read_overflow(m, c, now) || read_timeout(m, c, now)))
                return;
            if (r)
                c->deadline = 0;
            break;
        case HTTPC_SCN_SEND:
            r = do_send(m, c, a, now);
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
        case HTTPC_SCN_PAUSE:
        case HTTPC_SCN_SILENT:
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
        case HTTPC_SCN_STARTTLS:
        case HTTPC_SCN_TLS_ALERT:
        case HTTPC_SCN_CLOSE_NO_NOTIFY:
        case HTTPC_SCN_TLS_STALL:
            if ((r = tls_action(m, c, a, now)) < 0)
                return;
            break;
        }
        if (!r)
            return;
        c->action++;
    }
}

static void receive(const httpc_mock *m, conn *c)
{
    unsigned char tmp[65536];
    if (c->ssl && !c->tls_up)
        return; /* the handshake reads for itself */
    ssize_t n =
        c->ssl ? httpc__mock_tls_recv(c->ssl, tmp, sizeof tmp) : recv(c->fd, tmp, sizeof tmp, 0);
    if (n <= 0) {
        if (n == 0 || (errno != EAGAIN && errno != EINTR))
            c->peer_eof = 1;
        return;
    }
    trace(m, c, "client wrote", tmp, (size_t)n);
    size_t keep = c->rx_len + (size_t)n > m->rx_cap ? m->rx_cap - c->rx_len : (size_t)n;
    memcpy(c->rx + c->rx_len, tmp, keep);
    c->rx_len += keep;
}

/* epoll's interest in a connection follows its state: input until the peer
 * closed (a socket at EOF stays readable for ever, and would wake the loop
 * at once, again and again, for the whole of a pause or a segment delay),
 * output while a send waits. A closed descriptor has left epoll by itself. */
static void watch(httpc_mock *m, conn *c)
{
    unsigned want = c->done || c->fd < 0 ? 0u
                                         : (c->peer_eof ? 0u : (unsigned)EPOLLIN) |
                                               (c->want_write ? (unsigned)EPOLLOUT : 0u);
    if (c->done || c->fd < 0)
        c->events = 0;
    if (want == c->events)
        return;
    struct epoll_event ev = {.events = want, .data.u64 = (uint64_t)(c - m->conns) + 2};
    int op = c->events == 0 ? EPOLL_CTL_ADD : want == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
    if (epoll_ctl(m->ep, op, c->fd, &ev) == 0)
        c->events = want;
}

/* Called with room for it: see arm(). */
static void heap_push(httpc_mock *m, long long at, size_t index)
{
    size_t i = m->nheap++;
    while (i > 0 && m->heap[(i - 1) / 2].at > at) {
        m->heap[i] = m->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    m->heap[i] = (timer){.at = at, .index = index};
}

static timer heap_pop(httpc_mock *m)
{
    timer top = m->heap[0], last = m->heap[--m->nheap];
    size_t i = 0;
    for (;;) {
        size_t k = 2 * i + 1;
        if (k >= m->nheap)
            break;
        if (k + 1 < m->nheap && m->heap[k + 1].at < m->heap[k].at)
            k++;
        if (m->heap[k].at >= last.at)
            break;
        m->heap[i] = m->heap[k];
        i = k;
    }
    if (m->nheap > 0)
        m->heap[i] = last;
    return top;
}

/* Pushes a connection's timers that changed. Stale entries stay until due,
 * so when the heap is full it is rebuilt from the live timers (two at most
 * per connection, a quarter of its room): its size is bounded by the
 * connections, not by the requests, and never grows. */
static void arm(httpc_mock *m, conn *c)
{
    size_t index = (size_t)(c - m->conns);
    int wake = !c->done && c->wake_at && c->wake_at != c->armed_wake;
    int deadline = !c->done && c->deadline && c->deadline != c->armed_deadline;
    c->armed_wake = c->wake_at;
    c->armed_deadline = c->deadline;
    if (m->nheap + 2 <= m->heap_cap) {
        if (wake)
            heap_push(m, c->wake_at, index);
        if (deadline)
            heap_push(m, c->deadline, index);
        return;
    }
    m->nheap = 0;
    for (size_t i = 0; i < m->nconns; i++) {
        conn *o = &m->conns[i];
        if (!o->done && o->wake_at)
            heap_push(m, o->wake_at, i);
        if (!o->done && o->deadline)
            heap_push(m, o->deadline, i);
    }
}

/* A step of a connection's script, then what the loop watches and times. */
static void step(httpc_mock *m, conn *c, long long now)
{
    advance(m, c, now);
    watch(m, c);
    arm(m, c);
}

/* The slot of a new connection, cleared, with its record buffer: the next
 * one, or in repeat mode a finished one; NULL when the table is full. Called
 * with the lock held. */
static conn *new_slot(httpc_mock *m)
{
    conn *c = NULL;
    for (size_t i = 0; m->repeat && c == NULL && i < m->nconns; i++)
        if (m->conns[i].done)
            c = &m->conns[i];
    if (c == NULL && m->nconns < m->cap)
        c = &m->conns[m->nconns++];
    if (c == NULL)
        return NULL;
    unsigned char *rx = c->rx ? c->rx : malloc(m->rx_cap);
    *c = (conn){.fd = -1, .rx = rx, .done = rx == NULL};
    return rx ? c : NULL;
}

/* Accepts one connection; 0 when there was none to accept. */
static int accept_one(httpc_mock *m)
{
    int fd = accept4(m->lfd, NULL, NULL, SOCK_CLOEXEC), one = 1;
    if (fd < 0)
        return 0;
    pthread_mutex_lock(&m->lock);
    conn *c = new_slot(m);
    if (c == NULL) {
        m->st.refused++;
        pthread_mutex_unlock(&m->lock);
        close(fd);
        return 1;
    }
    size_t index = m->st.accepted++;
    if (++m->st.open > m->st.peak)
        m->st.peak = m->st.open;
    c->fd = fd;
    if (m->repeat)
        c->script = m->s->nconns ? &m->s->conns[0] : NULL;
    else
        c->script = index < m->s->nconns ? &m->s->conns[index] : NULL;
    c->rng = chaos_start(m, index);
    c->tls_first = m->force_tls && !m->s->tls;
    c->idle_since = now_ms();
    pthread_mutex_unlock(&m->lock);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (m->verbose)
        fprintf(stderr, "mock: connection %ld accepted\n", (long)(c - m->conns));
    step(m, c, now_ms());
    return 1;
}

/* Steps the connections whose timer is due; the ms until the next, or -1. */
static int run_timers(httpc_mock *m)
{
    long long now = now_ms();
    /* A timer a step sets again in the past waits for the next pass (as
     * poll() with a zero timeout did), so this cannot spin here. */
    for (size_t left = m->nheap; left > 0 && m->nheap > 0 && m->heap[0].at <= now; left--) {
        timer t = heap_pop(m);
        conn *c = &m->conns[t.index];
        if (!c->done && (c->wake_at == t.at || c->deadline == t.at)) {
            c->armed_wake = c->wake_at == t.at ? 0 : c->armed_wake;
            c->armed_deadline = c->deadline == t.at ? 0 : c->armed_deadline;
            step(m, c, now);
        }
    }
    if (m->nheap == 0)
        return -1;
    now = now_ms();
    return m->heap[0].at > now ? (int)(m->heap[0].at - now) : 0;
}

static void *loop(void *arg)
{
    httpc_mock *m = arg;
    sigset_t pipe_only;
    /* A TLS write to a client that has gone raises SIGPIPE (OpenSSL writes
     * with write(), not send(MSG_NOSIGNAL)); blocked in this thread, it
     * stays pending here and the write fails with EPIPE instead of killing
     * the process that embeds the server. */
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, NULL);
    while (!m->stopping) {
        int timeout = run_timers(m);
        int n = epoll_wait(m->ep, m->evs, (int)m->cap + 2, timeout);
        if (n < 0 && errno != EINTR)
            break;
        long long now = now_ms();
        /* Only a connection with an event (or, above, a timer due) can move
         * on: the others wait for exactly those, and need not be looked at. */
        for (int i = 0; i < n; i++) {
            uint64_t id = m->evs[i].data.u64;
            if (id == 1) {
                /* Repeat mode's listener is non-blocking: a burst of
                 * connections is taken at once rather than one per wake-up. */
                for (int k = 0; k < (m->repeat ? 64 : 1); k++)
                    if (!accept_one(m))
                        break;
                continue;
            }
            if (id < 2)
                continue; /* the stop pipe */
            conn *c = &m->conns[id - 2];
            if (c->done)
                continue;
            if (m->evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
                receive(m, c);
            step(m, c, now);
        }
    }
    return NULL;
}

/* The options as the server keeps them, each mode's defaults resolved. */
static void configure(httpc_mock *m, const httpc_scenario *s, const httpc_mock_opts *o)
{
    m->s = s;
    m->verbose = o->verbose;
    m->repeat = o->repeat;
    m->idle_ms = o->idle_timeout_ms > 0 ? o->idle_timeout_ms : 0;
    m->head_ms = o->head_timeout_ms > 0 ? o->head_timeout_ms : 0;
    m->chaos = o->chaos;
    m->chaos_seed = o->chaos_seed;
    m->force_tls = o->force_tls;
    m->cap = !m->repeat ? MAX_CONNS : o->max_conns ? o->max_conns : REPEAT_MAX_CONNS;
    m->rx_cap = m->repeat ? REPEAT_RECORD : HTTPC_MOCK_MAX_RECORD;
}

/* The connection table, the event list, the timer heap and epoll: 0, or -1
 * when one could not be had. */
static int make_tables(httpc_mock *m)
{
    m->conns = calloc(m->cap, sizeof *m->conns);
    m->evs = calloc(m->cap + 2, sizeof *m->evs);
    m->heap_cap = 4 * m->cap + 64;
    m->heap = calloc(m->heap_cap, sizeof *m->heap);
    m->ep = epoll_create1(EPOLL_CLOEXEC);
    return m->conns == NULL || m->evs == NULL || m->heap == NULL || m->ep < 0 ? -1 : 0;
}

/* Binds and listens where the options say, and watches the listener and the
 * stop pipe; 0 or -1 with a message. */
static int listen_on(httpc_mock *m, const httpc_mock_opts *o, char *err, size_t errcap)
{
    const char *addr = o->bind_addr ? o->bind_addr : "127.0.0.1";
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)o->port)};
    socklen_t len = sizeof a;
    int one = 1;
    if (inet_pton(AF_INET, addr, &a.sin_addr) != 1)
        return snprintf(err, errcap, "cannot bind '%s': not an IPv4 address", addr), -1;
    m->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    setsockopt(m->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (m->lfd < 0 || bind(m->lfd, (struct sockaddr *)&a, sizeof a) < 0 ||
        listen(m->lfd, m->repeat ? SOMAXCONN : 64) < 0)
        return snprintf(err, errcap, "cannot listen on %s:%d: %s", addr, o->port, strerror(errno)),
               -1;
    if (m->repeat)
        fcntl(m->lfd, F_SETFL, fcntl(m->lfd, F_GETFL) | O_NONBLOCK);
    struct epoll_event stop_ev = {.events = EPOLLIN, .data.u64 = 0};
    struct epoll_event listen_ev = {.events = EPOLLIN, .data.u64 = 1};
    if (epoll_ctl(m->ep, EPOLL_CTL_ADD, m->wake[0], &stop_ev) < 0 ||
        epoll_ctl(m->ep, EPOLL_CTL_ADD, m->lfd, &listen_ev) < 0)
        return snprintf(err, errcap, "cannot watch the listener: %s", strerror(errno)), -1;
    getsockname(m->lfd, (struct sockaddr *)&a, &len);
    m->port = ntohs(a.sin_port);
    return 0;
}

/* A server that did not start is freed; -1, for the caller to return. */
static int not_started(httpc_mock *m)
{
    httpc_mock_free(m);
    return -1;
}

int httpc_mock_start(const httpc_scenario *s, const httpc_mock_opts *opts, httpc_mock **out,
                     char *err, size_t errcap)
{
    static const httpc_mock_opts defaults = {0};
    const httpc_mock_opts *o = opts ? opts : &defaults;
    httpc_mock *m = calloc(1, sizeof *m);

    *out = NULL;
    if (m == NULL || pipe(m->wake) < 0) {
        snprintf(err, errcap, "out of resources");
        free(m);
        return -1;
    }
    configure(m, s, o);
    clock_gettime(CLOCK_MONOTONIC, &m->t0);
    pthread_mutex_init(&m->lock, NULL);
    if (make_tables(m) < 0) {
        snprintf(err, errcap, "out of memory");
        return not_started(m);
    }
    if ((s->tls || m->force_tls) && (m->tls_ctx = httpc__mock_tls_ctx(s, o, err, errcap)) == NULL)
        return not_started(m);
    if (listen_on(m, o, err, errcap) < 0)
        return not_started(m);
    if (pthread_create(&m->th, NULL, loop, m) != 0) {
        snprintf(err, errcap, "cannot start the server thread");
        return not_started(m);
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
    int done = !m->repeat && m->nconns >= m->s->nconns; /* repeat: until stopped */
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

void httpc_mock_get_stats(httpc_mock *m, httpc_mock_stats *st)
{
    pthread_mutex_lock(&m->lock);
    *st = m->st;
    pthread_mutex_unlock(&m->lock);
}

int httpc_mock_done(httpc_mock *m)
{
    return all_done(m);
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
    free(m->conns);
    free(m->evs);
    free(m->heap);
    if (m->ep >= 0)
        close(m->ep);
    pthread_mutex_destroy(&m->lock);
    httpc__mock_tls_ctx_free(m->tls_ctx);
    free(m);
}

void httpc_mock_expand_port(const char *value, int port, char *out, size_t cap)
{
    const char *pv = strstr(value, "{port}");
    if (pv)
        snprintf(out, cap, "%.*s%d%s", (int)(pv - value), value, port, pv + 6);
    else
        snprintf(out, cap, "%s", value);
}

/* The request line ends at its CR: a bare LF leaves it unmatched, as the
 * client under test must send CRLF. */
/* Whether the line rx[0..n) is the field `name: value`: the name in any case
 * (RFC 9110 section 5.1: field names are case-insensitive), the value exactly
 * once the optional whitespace around it is set aside (RFC 9112 section 5). */
static int field_is(const unsigned char *rx, size_t n, const char *name, const char *value)
{
    size_t nl = strlen(name), vl = strlen(value), b, e = n;
    if (n <= nl || rx[nl] != ':' || strncasecmp((const char *)rx, name, nl) != 0)
        return 0;
    for (b = nl + 1; b < e && (rx[b] == ' ' || rx[b] == '\t'); b++)
        ;
    while (e > b && (rx[e - 1] == ' ' || rx[e - 1] == '\t'))
        e--;
    return e - b == vl && memcmp(rx + b, value, vl) == 0;
}

/* Whether a line after the first of rx is the field `name: value`. */
static int has_field(const unsigned char *rx, size_t len, const char *name, const char *value)
{
    const unsigned char *p = rx, *end = rx + len, *lf;
    while ((lf = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        const unsigned char *line = lf + 1;
        const unsigned char *next = memchr(line, '\n', (size_t)(end - line));
        if (next == NULL)
            return 0; /* the field must be complete: it ends with its line */
        size_t n = (size_t)(next - line);
        if (n > 0 && line[n - 1] == '\r')
            n--;
        if (field_is(line, n, name, value))
            return 1;
        p = lf + 1;
    }
    return 0;
}

int httpc_mock_check_request(const httpc_scenario *s, const unsigned char *rx, size_t len, int port,
                             void (*fail)(void *ctx, const char *why, const char *want), void *ctx)
{
    const unsigned char *eol = rx ? memchr(rx, '\r', len) : NULL;
    char why[1200], want[1024], value[960];
    int failed = 0;
    if (s->check_line && (eol == NULL || (size_t)(eol - rx) != s->check_line_len ||
                          memcmp(rx, s->check_line, s->check_line_len))) {
        snprintf(why, sizeof why, "request line is '%.*s'", eol ? (int)(eol - rx) : 0,
                 rx ? (const char *)rx : "");
        snprintf(want, sizeof want, "%.*s", (int)s->check_line_len, (const char *)s->check_line);
        fail(ctx, why, want);
        failed++;
    }
    for (size_t i = 0; i < s->ncheck_headers; i++) {
        httpc_mock_expand_port(s->check_headers[i].value, port, value, sizeof value);
        if (rx != NULL && has_field(rx, len, s->check_headers[i].name, value))
            continue;
        snprintf(why, sizeof why, "request lacks header '%s: %s'", s->check_headers[i].name, value);
        fail(ctx, why, NULL);
        failed++;
    }
    return failed;
}
