/* SPDX-License-Identifier: MIT */
/* The libcurl adapter: makes the scenario's requests on one easy handle (so
 * libcurl reuses its connection) and prints the outcome object of
 * adapters/PROTOCOL.md, the CURLcode mapped onto adapters/TAXONOMY.md. The
 * options and the outcome object are adapters/common/adapter.h's. */
#define _GNU_SOURCE /* strcasestr */
#include "adapter.h"

#include <curl/curl.h>
#include <linux/tcp.h> /* struct tcp_info with tcpi_bytes_received */
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

typedef struct buf {
    char *p;
    size_t len;
} buf;

/* CURLcode -> taxonomy class; "?" means refine by the error text. */
static const struct {
    CURLcode code;
    const char *name, *cls;
} codes[] = {
    {CURLE_UNSUPPORTED_PROTOCOL, "CURLE_UNSUPPORTED_PROTOCOL", "BadStatusLine?"},
    {CURLE_COULDNT_CONNECT, "CURLE_COULDNT_CONNECT", "ConnectionRefusedError"},
    {CURLE_WEIRD_SERVER_REPLY, "CURLE_WEIRD_SERVER_REPLY", "HTTPException?"},
    {CURLE_PARTIAL_FILE, "CURLE_PARTIAL_FILE", "IncompleteRead"},
    {CURLE_OUT_OF_MEMORY, "CURLE_OUT_OF_MEMORY", "Unmapped"},
    {CURLE_OPERATION_TIMEDOUT, "CURLE_OPERATION_TIMEDOUT", "TimeoutError"},
    {CURLE_SSL_CONNECT_ERROR, "CURLE_SSL_CONNECT_ERROR", "SSLError?"},
    {CURLE_BAD_FUNCTION_ARGUMENT, "CURLE_BAD_FUNCTION_ARGUMENT", "Unmapped?"},
    {CURLE_GOT_NOTHING, "CURLE_GOT_NOTHING", "RemoteDisconnected"},
    {CURLE_SEND_ERROR, "CURLE_SEND_ERROR", "ConnectionError?"},
    {CURLE_RECV_ERROR, "CURLE_RECV_ERROR", "ConnectionError?"},
    {CURLE_PEER_FAILED_VERIFICATION, "CURLE_PEER_FAILED_VERIFICATION", "SSLCertVerificationError"},
    {CURLE_BAD_CONTENT_ENCODING, "CURLE_BAD_CONTENT_ENCODING", "Unmapped"},
    {CURLE_ABORTED_BY_CALLBACK, "CURLE_ABORTED_BY_CALLBACK", "Unmapped"}, /* the idle timer's */
};

/* The same refinements as the curl CLI adapter (adapters/TAXONOMY.md). */
static const char *const refine[][2] = {
    {"reset by peer", "ConnectionResetError"},
    {"broken pipe", "BrokenPipeError"},
    {"chunk", "IncompleteRead"},
    {"unsupported http version", "UnknownProtocol"},
    {"too large", "LineTooLong"},
    {"rejected", "LineTooLong"},
    {"unexpected eof", "SSLEOFError"},
    {"ssl_error_syscall", "SSLEOFError"},
    {"certificate", "SSLCertVerificationError"},
};

static void classify(CURLcode rc, const char *msg, const char **name, char *cls, size_t cap)
{
    *name = "CURLE_OTHER";
    snprintf(cls, cap, "Unmapped");
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (codes[i].code == rc)
            *name = codes[i].name, snprintf(cls, cap, "%s", codes[i].cls);
    size_t n = strlen(cls);
    if (n == 0 || cls[n - 1] != '?')
        return;
    cls[n - 1] = '\0';
    for (size_t i = 0; i < sizeof refine / sizeof refine[0]; i++)
        if (strcasestr(msg, refine[i][0])) {
            snprintf(cls, cap, "%s", refine[i][1]);
            return;
        }
}

static size_t sink(char *p, size_t size, size_t n, void *ctx)
{
    buf *b = ctx;
    char *q = realloc(b->p, b->len + size * n + 1);
    if (q == NULL)
        return 0;
    memcpy(q + b->len, p, size * n);
    b->p = q;
    b->len += size * n;
    return size * n;
}

static size_t body_sink(char *p, size_t size, size_t n, void *ctx)
{
    adapter_add_body(ctx, p, size * n);
    return size * n;
}

/* A header callback: a status line starts a new head (1xx heads come first,
 * trailers come after and are not part of it). */
static size_t head_sink(char *p, size_t size, size_t n, void *ctx)
{
    buf *b = ctx;
    if (n * size >= 5 && !strncasecmp(p, "HTTP/", 5)) /* libcurl's own test: any case */
        b->len = 0;
    else if (b->len >= 2 && !memcmp(b->p + b->len - 2, "\n\n", 2))
        return n * size; /* trailers */
    if (n * size == 2 && !memcmp(p, "\r\n", 2))
        return sink("\n", 1, 1, b) ? n * size : 0;
    return sink(p, size, n, b);
}

/* The judged response's head (status, version, reason, headers) into out;
 * *content_length gets the last Content-Length's value. */
static void read_head(const buf *h, adapter_out *out, long *content_length)
{
    char *line = h->p, *end = h->p + h->len;
    char *eol = memchr(line, '\n', (size_t)(end - line));
    int major = 1, minor = 1, status = 0, off = 0;
    if (sscanf(line, "HTTP/%d.%d %d%n", &major, &minor, &status, &off) < 3) {
        minor = 0; /* "HTTP/2 200": a version without a minor number */
        if (sscanf(line, "HTTP/%d %d%n", &major, &status, &off) < 2)
            status = off = 0;
    }
    if (off && line + off < eol && line[off] == ' ')
        off++; /* the space before the reason (a " %n" would skip the newline too) */
    size_t rlen = off && line + off < eol ? (size_t)(eol - line - off) : 0;
    while (rlen && (line[off + rlen - 1] == '\r'))
        rlen--;
    out->have_head = 1;
    out->status = status;
    out->version = major * 10 + minor;
    out->reason = malloc(rlen + 1);
    memcpy(out->reason, line + off, rlen);
    out->reason[rlen] = '\0';
    out->reason_len = rlen;
    for (line = eol + 1; line < end && (eol = memchr(line, '\n', (size_t)(end - line)));
         line = eol + 1) {
        char *colon = memchr(line, ':', (size_t)(eol - line));
        if (colon == NULL)
            continue;
        char *v = colon + 1, *ve = eol;
        while (v < ve && (*v == ' ' || *v == '\t'))
            v++;
        while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t'))
            ve--;
        if (!strncasecmp(line, "content-length:", 15))
            *content_length = strtol(v, NULL, 10);
        adapter_add_header(out, line, (size_t)(colon - line), v, (size_t)(ve - v));
    }
}

static struct curl_slist *slist(const char *const *list, size_t n)
{
    struct curl_slist *l = NULL;
    for (size_t i = 0; i < n; i++)
        l = curl_slist_append(l, list[i]);
    return l;
}

/* CPython's timeout is an idle timeout: each blocking socket call may wait
 * that long. libcurl's nearest rule, the low-speed abort, counts whole
 * seconds, so the adapter keeps its own timer: the transfer runs on a multi
 * handle polled every few milliseconds, progress is the bytes the kernel has
 * received and had acknowledged on the transfer's sockets (TCP_INFO), and
 * after the timeout without any the progress callback aborts the transfer
 * (CURLE_ABORTED_BY_CALLBACK, reported as TimeoutError). */
typedef struct idle {
    double timeout, since;
    unsigned long long seen;
    int fds[16], nfds, fired;
} idle;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* every socket libcurl opens (the server's, a proxy's) */
static int note_socket(void *ctx, curl_socket_t fd, curlsocktype purpose)
{
    idle *w = ctx;
    (void)purpose;
    for (int i = 0; i < w->nfds; i++)
        if (w->fds[i] == fd)
            return CURL_SOCKOPT_OK;
    if (w->nfds < (int)(sizeof w->fds / sizeof w->fds[0]))
        w->fds[w->nfds++] = fd;
    return CURL_SOCKOPT_OK;
}

static unsigned long long wire_bytes(const idle *w)
{
    unsigned long long sum = 0;
    for (int i = 0; i < w->nfds; i++) {
        struct tcp_info ti;
        socklen_t len = sizeof ti;
        memset(&ti, 0, sizeof ti);
        if (getsockopt(w->fds[i], IPPROTO_TCP, TCP_INFO, &ti, &len) == 0 &&
            len >= offsetof(struct tcp_info, tcpi_bytes_received) + sizeof ti.tcpi_bytes_received)
            sum += ti.tcpi_bytes_received + ti.tcpi_bytes_acked;
    }
    return sum;
}

/* called after each step of the multi loop; 1 once the timer has run out */
static int idle_check(idle *w)
{
    unsigned long long b = wire_bytes(w);
    double t = now_s();
    if (b != w->seen) {
        w->seen = b;
        w->since = t;
    } else if (t - w->since > w->timeout)
        w->fired = 1;
    return w->fired;
}

static int on_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    return idle_check(ctx);
}

/* curl_easy_perform on the multi handle m, with the idle timer; *sock gets
 * the connection's socket if libcurl keeps it (asked before the handle leaves
 * m: an easy handle outside a multi handle has no connection cache) */
static CURLcode perform(CURLM *m, CURL *h, idle *w, char *errbuf, curl_socket_t *sock)
{
    *sock = CURL_SOCKET_BAD;
    w->seen = wire_bytes(w);
    w->since = now_s();
    w->fired = 0;
    double fired_at = 0;
    curl_multi_add_handle(m, h);
    int running = 1;
    CURLcode rc = CURLE_OK;
    while (running) {
        if (curl_multi_perform(m, &running) != CURLM_OK)
            break;
        if (!running)
            break;
        if (idle_check(w) && fired_at == 0)
            fired_at = now_s();
        if (fired_at && now_s() - fired_at > 0.2) { /* no callback came: drop it */
            snprintf(errbuf, CURL_ERROR_SIZE, "the transfer was removed from the multi handle");
            rc = CURLE_OPERATION_TIMEDOUT;
            curl_easy_getinfo(h, CURLINFO_ACTIVESOCKET, sock);
            curl_multi_remove_handle(m, h);
            return rc;
        }
        curl_multi_poll(m, NULL, 0, 5, NULL);
    }
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(m, &left)))
        if (msg->msg == CURLMSG_DONE && msg->easy_handle == h)
            rc = msg->data.result;
    curl_easy_getinfo(h, CURLINFO_ACTIVESOCKET, sock);
    curl_multi_remove_handle(m, h);
    return rc;
}

static void setup(CURL *h, const adapter_req *q, struct curl_slist *headers, const char *origin,
                  double timeout)
{
    static char url[8192];
    snprintf(url, sizeof url, "%s%s", origin, q->target);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)(timeout * 1000));
    /* the idle timer (perform) stands for CPython's timeout; a total cap past it */
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(timeout * 2000 + 2000));
    curl_easy_setopt(h, CURLOPT_NOBODY, (long)!strcmp(q->method, "HEAD"));
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, strcmp(q->method, "HEAD") ? q->method : NULL);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    if (q->data) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)q->data_len);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, q->data);
    } else {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
        if (strcmp(q->method, "HEAD"))
            curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, q->method);
        else
            curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    }
}

int main(int argc, char **argv)
{
    adapter_opts o;
    if (adapter_parse(argc, argv, &o) < 0)
        return 2;
    /* the origin as the URL writes it: the judged request's target follows it */
    const char *hp = strstr(o.url, "//") ? strstr(o.url, "//") + 2 : o.url, *path = strchr(hp, '/');
    char origin[1024];
    snprintf(origin, sizeof origin, "%.*s", path ? (int)(path - o.url) : (int)strlen(o.url), o.url);
    o.reqs[o.n - 1].target = path ? path : "/"; /* --target goes as CURLOPT_REQUEST_TARGET */
    struct curl_slist **headers = calloc(o.n, sizeof *headers);
    for (size_t k = 0; k < o.n; k++) {
        headers[k] = slist(o.reqs[k].headers, o.reqs[k].nheaders);
        if (o.reqs[k].data) /* libcurl's form type: CPython adds none */
            headers[k] = curl_slist_append(headers[k], "Content-Type:");
    }

    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURLM *m = curl_multi_init(); /* it holds the connection between requests */
    CURL *h = curl_easy_init();
    idle w = {.timeout = o.timeout};
    char errbuf[CURL_ERROR_SIZE] = "";
    buf head = {0};
    adapter_out out;
    adapter_out_init(&out);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, head_sink);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &head);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, body_sink);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &out);
    curl_easy_setopt(h, CURLOPT_SOCKOPTFUNCTION, note_socket);
    curl_easy_setopt(h, CURLOPT_SOCKOPTDATA, &w);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &w);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    if (o.cacert)
        curl_easy_setopt(h, CURLOPT_CAINFO, o.cacert);
    if (o.insecure) {
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    struct curl_slist *proxy_headers = slist(o.proxy_headers, o.nproxy_headers);
    if (o.proxy) {
        curl_easy_setopt(h, CURLOPT_PROXY, o.proxy);
        curl_easy_setopt(h, CURLOPT_HTTPPROXYTUNNEL, 1L);
        curl_easy_setopt(h, CURLOPT_PROXYHEADER, proxy_headers);
    }
    if (o.raw_target)
        curl_easy_setopt(h, CURLOPT_REQUEST_TARGET, o.raw_target);
    CURLcode rc = CURLE_OK;
    curl_socket_t sock = CURL_SOCKET_BAD;
    size_t k = 0;
    for (; k < o.n; k++) {
        head.len = out.body_len = 0;
        errbuf[0] = '\0';
        setup(h, &o.reqs[k], headers[k], origin, o.timeout);
        if ((rc = perform(m, h, &w, errbuf, &sock)) != CURLE_OK)
            break;
    }
    const int judged = k + 1 >= o.n, have_head = judged && head.len > 5;
    char cls[64];
    if (rc != CURLE_OK) {
        const char *name, *msg = errbuf[0] ? errbuf : curl_easy_strerror(rc);
        char native[CURL_ERROR_SIZE + 128];
        classify(rc, msg, &name, cls, sizeof cls);
        snprintf(native, sizeof native, "%s (%d): %s", name, (int)rc, msg);
        if (w.fired) { /* the adapter's idle timer, not libcurl's */
            snprintf(cls, sizeof cls, "TimeoutError");
            snprintf(native, sizeof native,
                     "%s (%d): %s (the adapter's idle timer: no bytes for %g s)", name, (int)rc,
                     msg, o.timeout);
            msg = "timed out";
        }
        adapter_fail(&out, cls, native, k, o.n, msg);
    }
    long cl = -1;
    if (have_head) {
        read_head(&head, &out, &cl);
        /* the status as libcurl read it: it takes a line it cannot parse
         * but that starts "HTTP/" in any case as an HTTP/1.0 200 */
        long code = 0, ver = 0;
        if (out.status == 0 && curl_easy_getinfo(h, CURLINFO_HTTP_VERSION, &ver) == CURLE_OK)
            out.version = ver == CURL_HTTP_VERSION_1_0 ? 10 : 11;
        if (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK && code > 0)
            out.status = (int)code;
        /* what libcurl delivered before the body broke off (a cut, a bad chunk) */
        if (out.error && !strcmp(out.error, "IncompleteRead")) {
            out.partial_len = (long long)out.body_len;
            if (cl >= 0 && rc == CURLE_PARTIAL_FILE)
                out.expected_more = (long long)cl - (long long)out.body_len;
        }
    }
    /* sock: the last transfer's socket, while libcurl keeps its connection */
    out.connection = sock != CURL_SOCKET_BAD ? "kept" : "closed";
    if (have_head && rc == CURLE_OK)
        out.will_close = sock == CURL_SOCKET_BAD;
    adapter_print(&out);
    curl_easy_cleanup(h);
    curl_multi_cleanup(m);
    curl_global_cleanup();
    return 0;
}
