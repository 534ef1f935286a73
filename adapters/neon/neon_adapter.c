/* SPDX-License-Identifier: MIT */
/* The neon adapter (adapters/neon/README.md): makes the scenario's requests
 * on one ne_session (neon keeps its connection between them) with
 * ne_begin_request / ne_read_response_block / ne_end_request, and prints the
 * outcome object of adapters/PROTOCOL.md, neon's return codes and error
 * strings mapped onto adapters/TAXONOMY.md with the native error verbatim. */
#include "adapter.h"

#include <math.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <ne_request.h>
#include <ne_session.h>
#include <ne_socket.h>
#include <ne_ssl.h>
#include <ne_utils.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* neon's error strings (ne_get_error), first match wins. */
static const char *const texts[][2] = {
    {"timed out", "TimeoutError"},
    {"onnection reset", "ConnectionResetError"},
    {"roken pipe", "BrokenPipeError"},
    {"too long", "LineTooLong"},
    {"Could not read status line: connection was closed", "RemoteDisconnected"},
    {"Could not read status line: Secure connection truncated", "RemoteDisconnected"},
    {"Could not read status line", "BadStatusLine"},
    {"Could not parse response status line", "BadStatusLine"},
    {"Too many response header fields", "HTTPException"},
    {"exceeded maximum number of header fields", "HTTPException"},
    {"hunk", "IncompleteRead"}, /* "Could not parse chunk size", "Chunk delimiter was invalid" */
    {"Could not read response body", "IncompleteRead"},
    {"Response body", "IncompleteRead"},
    {"Invalid Content-Length", "InvalidHeader"},
    {"transfer-coding", "UnknownTransferEncoding"},
    {"Transfer-Encoding", "UnknownTransferEncoding"},
    {"header", "HTTPException"},
    {"certificate", "SSLCertVerificationError"},
    {"SSL", "SSLError"},
    {"TLS", "SSLError"},
};

/* body: the head was read (neon reads trailers as "response headers"). */
static const char *classify(int rc, const char *msg, int body)
{
    if (rc == NE_TIMEOUT)
        return "TimeoutError";
    if (rc == NE_CONNECT)
        return strstr(msg, "refused") ? "ConnectionRefusedError" : "ConnectionError";
    if (rc == NE_LOOKUP)
        return "OSError";
    if (body && strstr(msg, "connection was closed"))
        return "IncompleteRead";
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (strstr(msg, texts[i][0]))
            return texts[i][1];
    return "Unmapped";
}

static const char *const rc_names[] = {"NE_OK",        "NE_ERROR",   "NE_LOOKUP",  "NE_AUTH",
                                       "NE_PROXYAUTH", "NE_CONNECT", "NE_TIMEOUT", "NE_FAILED",
                                       "NE_RETRY",     "NE_REDIRECT"};

static void fail(adapter_out *out, ne_session *s, int rc, int body, size_t step, size_t n)
{
    char native[1024];
    const char *msg = ne_get_error(s);
    snprintf(native, sizeof native, "%s (%d): %s", rc >= 0 && rc <= 9 ? rc_names[rc] : "NE_?", rc,
             msg);
    adapter_fail(out, classify(rc, msg, body), native, step, n, msg);
    out->connection = "closed";
}

/* neon keeps the head in a hash table: the fields come in its order, names lower-cased. */
static void head(adapter_out *out, ne_request *req)
{
    const ne_status *st = ne_get_status(req);
    const char *name, *value;
    void *cur = NULL;
    adapter_head_reset(out);
    out->have_head = 1;
    out->status = st->code;
    out->version = st->major_version * 10 + st->minor_version;
    out->reason = strdup(st->reason_phrase ? st->reason_phrase : "");
    while ((cur = ne_response_header_iterate(req, cur, &name, &value)) != NULL)
        adapter_add_header(out, name, strlen(name), value, strlen(value));
}

typedef struct body_src {
    unsigned char *p;
    size_t len, off;
} body_src;

/* neon's body provider: buflen 0 rewinds (a resend). */
static ssize_t provide(void *ud, char *buf, size_t buflen)
{
    body_src *b = ud;
    if (buflen == 0)
        return b->off = 0, 0;
    size_t n = b->len - b->off < buflen ? b->len - b->off : buflen;
    memcpy(buf, b->p + b->off, n);
    b->off += n;
    return (ssize_t)n;
}

static int accept_any(void *userdata, int failures, const ne_ssl_certificate *cert)
{
    (void)userdata, (void)failures, (void)cert;
    return 0;
}

/* neon's timeouts are whole seconds: for a timeout with a fraction, a watchdog
 * thread shuts the connection down after that long without progress (the head
 * as a whole, then each body read), and the outcome is TimeoutError. */
typedef struct watchdog {
    double timeout;
    volatile long progress; /* bumped at every step that returned */
    volatile int armed, fired;
} watchdog;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void *watch(void *arg)
{
    watchdog *w = arg;
    long seen = -1;
    double since = now_s();
    for (;;) {
        usleep(10000);
        if (!w->armed || w->progress != seen) {
            seen = w->progress;
            since = now_s();
        } else if (now_s() - since > w->timeout) {
            w->fired = 1;
            for (int fd = 3; fd < 1024;
                 fd++) { /* neon's connection: the adapter has no other socket */
                struct sockaddr_storage a;
                socklen_t len = sizeof a;
                if (getpeername(fd, (struct sockaddr *)&a, &len) == 0)
                    shutdown(fd, SHUT_RDWR);
            }
            return NULL;
        }
    }
}

int main(int argc, char **argv)
{
    adapter_opts o;
    adapter_out out;
    if (adapter_parse(argc, argv, &o) < 0)
        return 2;
    adapter_out_init(&out);
    if (o.nproxy_headers || (o.proxy && !o.https)) {
        adapter_fail(
            &out, "AdapterUnsupported",
            o.nproxy_headers
                ? "neon adds no header of ours to its CONNECT"
                : "neon tunnels only https:// (http:// goes to the proxy in absolute-form)",
            0, 1, "neon adapter: this tunnel is not supported");
        adapter_print(&out);
        return 0;
    }
    ne_sock_init();
    ne_session *s = ne_session_create(o.scheme, o.host, (unsigned)o.port);
    int secs = (int)ceil(o.timeout);
    ne_set_read_timeout(s, secs < 1 ? 1 : secs);
    ne_set_connect_timeout(s, secs < 1 ? 1 : secs);
    watchdog w = {.timeout = o.timeout};
    pthread_t wt;
    if (o.timeout != floor(o.timeout) && pthread_create(&wt, NULL, watch, &w) == 0)
        pthread_detach(wt);
    if (o.https && o.cacert) {
        ne_ssl_certificate *ca = ne_ssl_cert_read(o.cacert);
        if (ca)
            ne_ssl_trust_cert(s, ca);
    }
    if (o.https && o.insecure)
        ne_ssl_set_verify(s, accept_any, NULL);
    if (o.proxy) {
        const char *c = strrchr(o.proxy, ':');
        char phost[256];
        snprintf(phost, sizeof phost, "%.*s", (int)(c - o.proxy), o.proxy);
        ne_session_proxy(s, phost, (unsigned)atoi(c + 1));
    }
    size_t at = 0; /* the request being made */
    for (size_t k = 0; k < o.n; k++) {
        adapter_req *q = &o.reqs[at = k];
        int last = k + 1 == o.n, rc;
        ne_request *req = ne_request_create(s, q->method, q->target); /* the target as given */
        /* a caller's chunked body: neon chunks it itself (length -1), the data decoded */
        body_src src = {.p = adapter_unchunk(q, &src.len)};
        for (size_t i = 0; i < q->nheaders; i++) {
            const char *v;
            size_t nl = adapter_header_split(q->headers[i], &v);
            char *name = strndup(q->headers[i], nl);
            if (!(src.p && !strcasecmp(name, "Transfer-Encoding")))
                ne_add_request_header(req, name, v);
            free(name);
        }
        if (src.p)
            ne_set_request_body_provider(req, -1, provide, &src);
        else if (q->data)
            ne_set_request_body_buffer(req, (const char *)q->data, q->data_len);
        w.armed = 1;
        rc = ne_begin_request(req);
        w.progress++;
        if (rc != NE_OK) {
            fail(&out, s, rc, 0, k, o.n);
            break;
        }
        if (last)
            head(&out, req);
        char buf[65536];
        ssize_t got;
        while ((got = ne_read_response_block(req, buf, sizeof buf)) > 0) {
            w.progress++;
            if (last)
                adapter_add_body(&out, buf, (size_t)got);
        }
        w.progress++;
        if (got < 0) {
            fail(&out, s, NE_ERROR, 1, k, o.n);
            if (last) {
                const char *cl = ne_get_response_header(req, "Content-Length");
                out.partial_len = (long long)out.body_len;
                if (cl && !ne_get_response_header(req, "Transfer-Encoding"))
                    out.expected_more = atoll(cl) - (long long)out.body_len;
            }
            break;
        }
        if ((rc = ne_end_request(req)) != NE_OK) {
            fail(&out, s, rc, 1, k, o.n);
            break;
        }
        ne_request_destroy(req);
    }
    w.armed = 0;
    if (w.fired) { /* its shutdown failed the read, or ended a body delimited by the close */
        char native[1100];
        snprintf(native, sizeof native, "the adapter's watchdog: no data for %g s%s%s", o.timeout,
                 out.native[0] ? "; then " : "", out.native);
        adapter_fail(&out, "TimeoutError", native, at, o.n, "timed out");
    }
    adapter_print(&out);
    return 0;
}
