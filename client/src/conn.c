/* SPDX-License-Identifier: MIT */
/* HTTPConnection: the request side and its state machine (Idle,
 * Request-started, Request-sent), following CPython 3.11's http/client.py
 * (and httplib 2.7 where the profile says so). */
#include "transport.h"
#include "url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

enum { CS_IDLE, CS_REQ_STARTED, CS_REQ_SENT };
static const char *const state_names[] = {"Idle", "Request-started", "Request-sent"};

struct httpc_conn {
    char *host;
    int port;
    httpc_conn_opts opts;
    const httpc_profile *p;
    httpc__transport *t;
    int state;
    httpc_resp *response; /* __response: a reference, or NULL */
    char method[64];
    char *out; /* the head being built (_buffer) */
    size_t out_len, out_cap;
    char *tunnel_host;
    int tunnel_port;
    char **tunnel_hdrs; /* "Name: value" lines */
    size_t ntunnel;
    httpc__connector_fn connector;
    void *connector_ctx;
    char errmsg[256];
};

static int fail(httpc_conn *c, int err, const char *msg)
{
    if (msg != NULL)
        snprintf(c->errmsg, sizeof c->errmsg, "%s", msg);
    return err;
}

void httpc_conn_opts_init(httpc_conn_opts *o)
{
    memset(o, 0, sizeof *o);
    o->timeout_ms = -1;
    o->http_vsn = 11;
}

static int tcp_connector(void *ctx, const char *host, int port, int timeout_ms,
                         const char *source_host, int source_port, httpc__transport **out,
                         char *detail, size_t cap)
{
    (void)ctx;
    return httpc__tcp_connect(host, port, timeout_ms, source_host, source_port, out, detail,
                              cap);
}

int httpc_conn_new(httpc_conn **out, const char *host, int port, const httpc_conn_opts *opts)
{
    httpc_conn *c = calloc(1, sizeof *c);
    int rc;

    *out = NULL;
    if (c == NULL)
        return HTTPC_E_NOMEM;
    if (opts != NULL)
        c->opts = *opts;
    else
        httpc_conn_opts_init(&c->opts);
    c->p = c->opts.profile ? c->opts.profile : httpc_profile_get(HTTPC_PROFILE_PY3);
    c->opts.profile = c->p;
    if (c->opts.blocksize == 0)
        c->opts.blocksize = 8192;
    if (c->opts.http_vsn != 10)
        c->opts.http_vsn = 11;
    c->connector = tcp_connector;
    rc = httpc__get_hostport(host, port, HTTPC_HTTP_PORT, c->p, &c->host, &c->port, c->errmsg,
                             sizeof c->errmsg);
    if (rc == 0)
        rc = httpc__validate_url_part(c->host, c->p, c->errmsg, sizeof c->errmsg);
    if (rc < 0) {
        httpc_conn_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

static void clear_tunnel(httpc_conn *c)
{
    for (size_t i = 0; i < c->ntunnel; i++)
        free(c->tunnel_hdrs[i]);
    free(c->tunnel_hdrs);
    free(c->tunnel_host);
    c->tunnel_hdrs = NULL;
    c->tunnel_host = NULL;
    c->ntunnel = 0;
}

void httpc_conn_free(httpc_conn *c)
{
    if (c == NULL)
        return;
    httpc_conn_close(c);
    clear_tunnel(c);
    free(c->host);
    free(c->out);
    free(c);
}

const char *httpc_conn_host(const httpc_conn *c)
{
    return c->host;
}

int httpc_conn_port(const httpc_conn *c)
{
    return c->port;
}

const char *httpc_conn_errmsg(const httpc_conn *c)
{
    return c->errmsg;
}

void httpc_conn_set_debuglevel(httpc_conn *c, int level)
{
    c->opts.debuglevel = level;
}

int httpc_conn_fileno(const httpc_conn *c)
{
    return c->t ? c->t->vt->fileno(c->t) : -1;
}

void httpc__conn_set_connector(httpc_conn *c, httpc__connector_fn fn, void *ctx)
{
    c->connector = fn ? fn : tcp_connector;
    c->connector_ctx = ctx;
}

httpc__transport *httpc__conn_transport(httpc_conn *c)
{
    return c->t;
}

int httpc_conn_set_tunnel(httpc_conn *c, const char *host, int port,
                          const char *const *header_names, const char *const *header_values,
                          size_t nheaders)
{
    if (c->t != NULL)
        return fail(c, HTTPC_E_RUNTIME_ERROR, "Can't set up tunnel for established connection");
    clear_tunnel(c);
    int rc = httpc__get_hostport(host, port, HTTPC_HTTP_PORT, c->p, &c->tunnel_host,
                                 &c->tunnel_port, c->errmsg, sizeof c->errmsg);
    if (rc < 0)
        return rc;
    c->tunnel_hdrs = calloc(nheaders ? nheaders : 1, sizeof *c->tunnel_hdrs);
    if (c->tunnel_hdrs == NULL)
        return fail(c, HTTPC_E_NOMEM, "out of memory");
    for (size_t i = 0; i < nheaders; i++) {
        size_t n = strlen(header_names[i]) + strlen(header_values[i]) + 5;
        if ((c->tunnel_hdrs[i] = malloc(n)) == NULL)
            return fail(c, HTTPC_E_NOMEM, "out of memory");
        snprintf(c->tunnel_hdrs[i], n, "%s: %s\r\n", header_names[i], header_values[i]);
        c->ntunnel++;
    }
    return 0;
}

/* ---- sending ------------------------------------------------------------ */

static void debug_send(httpc_conn *c, const void *data, size_t len)
{
    size_t need = httpc__py_repr(NULL, 0, data, len, !c->p->py27) + 1;
    char *r = malloc(need);

    if (r == NULL)
        return;
    httpc__py_repr(r, need, data, len, !c->p->py27);
    printf("send: %s\n", r);
    fflush(stdout);
    free(r);
}

static int raw_send(httpc_conn *c, const void *data, size_t len)
{
    int rc;

    if (c->t == NULL && c->opts.no_auto_open)
        return fail(c, HTTPC_E_NOT_CONNECTED, "not connected (auto_open is off)");
    if (c->t == NULL && (rc = httpc_conn_connect(c)) < 0) /* auto_open */
        return rc;
    if (c->opts.debuglevel > 0)
        debug_send(c, data, len);
    rc = c->t->vt->send(c->t, data, len);
    return rc < 0 ? fail(c, rc, c->t->errmsg) : 0;
}

int httpc_conn_send(httpc_conn *c, const void *data, size_t len)
{
    return raw_send(c, data, len);
}

/* Sends the CONNECT request and reads the proxy's reply (_tunnel). */
static int tunnel(httpc_conn *c)
{
    size_t n = strlen(c->tunnel_host) + 40;
    char *head;
    httpc_resp *r;
    int rc;

    for (size_t i = 0; i < c->ntunnel; i++)
        n += strlen(c->tunnel_hdrs[i]);
    if ((head = malloc(n)) == NULL)
        return fail(c, HTTPC_E_NOMEM, "out of memory");
    size_t off = (size_t)snprintf(head, n, "CONNECT %s:%d HTTP/1.0\r\n", c->tunnel_host,
                                  c->tunnel_port);
    for (size_t i = 0; i < c->ntunnel; i++)
        off += (size_t)snprintf(head + off, n - off, "%s", c->tunnel_hdrs[i]);
    snprintf(head + off, n - off, "\r\n");
    rc = raw_send(c, head, off + 2);
    free(head);
    if (rc < 0)
        return rc;
    rc = httpc__resp_new(c->t, c->p, c->opts.debuglevel, c->method, &r);
    if (rc < 0)
        return fail(c, rc, "out of memory");
    rc = httpc__resp_tunnel_reply(r, c->errmsg, sizeof c->errmsg);
    httpc_resp_free(r);
    if (rc == HTTPC_E_OS_ERROR) {
        char keep[sizeof c->errmsg];
        memcpy(keep, c->errmsg, sizeof keep);
        httpc_conn_close(c);
        memcpy(c->errmsg, keep, sizeof keep);
    }
    return rc;
}

int httpc_conn_connect(httpc_conn *c)
{
    httpc__transport *t = NULL;
    int rc = c->connector(c->connector_ctx, c->host, c->port, c->opts.timeout_ms,
                          c->opts.source_host, c->opts.source_port, &t, c->errmsg,
                          sizeof c->errmsg);

    if (rc < 0)
        return rc;
    httpc__transport_unref(c->t);
    c->t = t;
    return c->tunnel_host ? tunnel(c) : 0;
}

static void forget_response(httpc_conn *c)
{
    if (c->response != NULL) {
        httpc_resp_close(c->response);
        httpc_resp_free(c->response);
        c->response = NULL;
    }
}

void httpc_conn_close(httpc_conn *c)
{
    c->state = CS_IDLE;
    httpc__transport_unref(c->t);
    c->t = NULL;
    forget_response(c);
}

/* "if a prior response has been completed, then forget about it" */
static void forget_closed_response(httpc_conn *c)
{
    if (c->response != NULL && httpc_resp_isclosed(c->response)) {
        httpc_resp_free(c->response);
        c->response = NULL;
    }
}

/* _output(): one line of the head; the CRLF is added here. */
static int output(httpc_conn *c, const char *a, size_t alen, const char *b, size_t blen)
{
    size_t need = c->out_len + alen + blen + 4;

    if (need > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap * 2 : 512;
        while (cap < need)
            cap *= 2;
        char *p = realloc(c->out, cap);
        if (p == NULL)
            return fail(c, HTTPC_E_NOMEM, "out of memory");
        c->out = p;
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, a, alen);
    memcpy(c->out + c->out_len + alen, b, blen);
    c->out_len += alen + blen;
    memcpy(c->out + c->out_len, "\r\n", 2);
    c->out_len += 2;
    return 0;
}

/* _strip_ipv6_iface: "[fe80::1%eth0]:80" -> "[fe80::1]" (3.x only). */
static int host_value(httpc_conn *c, const char *url, char *buf, size_t cap)
{
    httpc_span netloc = strncmp(url, "http", 4) == 0 ? httpc__url_netloc(url)
                                                       : (httpc_span){url, 0};
    const char *host = c->tunnel_host ? c->tunnel_host : c->host;
    int port = c->tunnel_host ? c->tunnel_port : c->port;
    const char *pct;

    if (netloc.len > 0) {
        snprintf(buf, cap, "%.*s", (int)netloc.len, netloc.ptr);
    } else {
        int v6 = strchr(host, ':') != NULL;
        int n = snprintf(buf, cap, v6 ? "[%s]" : "%s", host);
        if (port != HTTPC_HTTP_PORT)
            snprintf(buf + n, cap - (size_t)n, ":%d", port);
        if (!v6)
            return 0;
    }
    if (c->p->py27 || (pct = strchr(buf, '%')) == NULL)
        return 0;
    if (buf[0] != '[') /* CPython asserts here */
        return fail(c, HTTPC_E_VALUE_ERROR, "IPv6 zone in a host without brackets");
    strcpy((char *)pct, "]");
    return 0;
}

static int putheader1(httpc_conn *c, const char *name, const char *value)
{
    return httpc_conn_putheader(c, name, &value, 1);
}

int httpc_conn_putrequest(httpc_conn *c, const char *method, const char *url, int skip_host,
                          int skip_accept_encoding)
{
    char host[1024];
    int rc;

    forget_closed_response(c);
    if (c->state != CS_IDLE)
        return fail(c, HTTPC_E_CANNOT_SEND_REQUEST, state_names[c->state]);
    c->state = CS_REQ_STARTED;
    if ((rc = httpc__validate_method(method, c->p, c->errmsg, sizeof c->errmsg)) < 0)
        return rc;
    snprintf(c->method, sizeof c->method, "%s", method);
    if (url == NULL || *url == '\0')
        url = "/";
    if ((rc = httpc__validate_url_part(url, c->p, c->errmsg, sizeof c->errmsg)) < 0)
        return rc;
    c->out_len = 0;
    size_t mlen = strlen(method), ulen = strlen(url);
    char *line = malloc(mlen + ulen + 11);
    if (line == NULL)
        return fail(c, HTTPC_E_NOMEM, "out of memory");
    int n = sprintf(line, "%s %s HTTP/1.%c", method, url, c->opts.http_vsn == 10 ? '0' : '1');
    rc = output(c, line, (size_t)n, "", 0);
    free(line);
    if (rc < 0 || c->opts.http_vsn != 11)
        return rc;
    if (!skip_host) {
        if ((rc = host_value(c, url, host, sizeof host)) < 0 ||
            (rc = putheader1(c, "Host", host)) < 0)
            return rc;
    }
    if (!skip_accept_encoding)
        rc = putheader1(c, "Accept-Encoding", "identity");
    return rc;
}

int httpc_conn_putheader(httpc_conn *c, const char *name, const char *const *values,
                         size_t nvalues)
{
    size_t total = 0;
    char *joined, *p;
    int rc;

    if (c->state != CS_REQ_STARTED)
        return fail(c, HTTPC_E_CANNOT_SEND_HEADER, "");
    if (!httpc__valid_header_name(name)) {
        httpc__detail(c->errmsg, sizeof c->errmsg, "Invalid header name %s", name);
        return HTTPC_E_VALUE_ERROR;
    }
    for (size_t i = 0; i < nvalues; i++) {
        if (!httpc__valid_header_value(values[i])) {
            char r[160];
            httpc__py_repr(r, sizeof r, values[i], strlen(values[i]), 1);
            httpc__detail(c->errmsg, sizeof c->errmsg, "Invalid header value %s", r);
            return HTTPC_E_VALUE_ERROR;
        }
        total += strlen(values[i]) + 3;
    }
    /* b': ' + b'\r\n\t'.join(values) */
    if ((joined = malloc(total + 3)) == NULL)
        return fail(c, HTTPC_E_NOMEM, "out of memory");
    p = joined + sprintf(joined, ": ");
    for (size_t i = 0; i < nvalues; i++)
        p += sprintf(p, i ? "\r\n\t%s" : "%s", values[i]);
    rc = output(c, name, strlen(name), joined, (size_t)(p - joined));
    free(joined);
    return rc;
}

/* One piece of the body, framed when chunked ("Zero length chunk ignored"). */
static int send_piece(httpc_conn *c, const void *data, size_t len, int chunked)
{
    char size[24];
    int rc;

    if (len == 0)
        return 0;
    if (!chunked)
        return raw_send(c, data, len);
    /* f'{len(chunk):X}\r\n' + chunk + b'\r\n' goes out as one send() */
    int n = snprintf(size, sizeof size, "%zX\r\n", len);
    char *buf = malloc((size_t)n + len + 2);
    if (buf == NULL)
        return fail(c, HTTPC_E_NOMEM, "out of memory");
    memcpy(buf, size, (size_t)n);
    memcpy(buf + n, data, len);
    memcpy(buf + n + len, "\r\n", 2);
    rc = raw_send(c, buf, (size_t)n + len + 2);
    free(buf);
    return rc;
}

static int send_fd(httpc_conn *c, int fd, int chunked)
{
    char *block = malloc(c->opts.blocksize);
    int rc = 0;

    if (block == NULL)
        return fail(c, HTTPC_E_NOMEM, "out of memory");
    for (;;) {
        ssize_t n = read(fd, block, c->opts.blocksize);
        if (n < 0) {
            rc = fail(c, HTTPC_E_OS_ERROR, "read() of the body file failed");
            break;
        }
        if (n == 0 || (rc = send_piece(c, block, (size_t)n, chunked)) < 0)
            break;
    }
    free(block);
    return rc;
}

static int send_iter(httpc_conn *c, const httpc_body *b, int chunked)
{
    for (;;) {
        const void *piece = NULL;
        size_t len = 0;
        int more = b->iter(b->iter_ctx, &piece, &len);
        if (more < 0)
            return fail(c, more, "the body iterator failed");
        if (more == 0)
            return 0;
        int rc = send_piece(c, piece, len, chunked);
        if (rc < 0)
            return rc;
    }
}

/* _send_output: the head in one send(), then the body. httplib 2.7 appends a
 * bytes body to the head so both go out in one send(). */
static int send_output(httpc_conn *c, const httpc_body *b, int encode_chunked)
{
    int chunked = encode_chunked && c->opts.http_vsn == 11 && !c->p->py27;
    int inline_body = c->p->py27 && b && b->kind == HTTPC_BODY_BUFFER;
    int rc;

    if ((rc = output(c, "", 0, "", 0)) < 0)
        return rc;
    if (inline_body && b->len > 0) {
        if ((rc = output(c, b->data, b->len, "", 0)) < 0)
            return rc;
        c->out_len -= 2;
    }
    rc = raw_send(c, c->out, c->out_len);
    c->out_len = 0;
    if (rc < 0 || b == NULL || b->kind == HTTPC_BODY_NONE || inline_body)
        return rc;
    if (b->kind == HTTPC_BODY_BUFFER)
        rc = send_piece(c, b->data, b->len, chunked);
    else if (b->kind == HTTPC_BODY_FD)
        rc = send_fd(c, b->fd, chunked);
    else if (c->p->py27) /* sock.sendall(iterable) */
        return fail(c, HTTPC_E_TYPE_ERROR, "an iterable body needs Python 3.2+");
    else
        rc = send_iter(c, b, chunked);
    if (rc == 0 && chunked)
        rc = raw_send(c, "0\r\n\r\n", 5);
    return rc;
}

int httpc_conn_endheaders(httpc_conn *c, const httpc_body *body, int encode_chunked)
{
    if (c->state != CS_REQ_STARTED)
        return fail(c, HTTPC_E_CANNOT_SEND_HEADER, "");
    c->state = CS_REQ_SENT;
    return send_output(c, body, encode_chunked);
}

/* _get_content_length (3.x) / _set_content_length (2.7): -1 for none. A file
 * descriptor gets its fstat() size, as the 3.4 document describes. */
static long long content_length(const httpc_conn *c, const httpc_body *b, const char *method)
{
    struct stat st;
    static const char *const expecting[] = {"PATCH", "POST", "PUT"};

    if (b == NULL || b->kind == HTTPC_BODY_NONE) {
        for (size_t i = 0; i < 3; i++)
            if (strcasecmp(method, expecting[i]) == 0)
                return 0;
        return -1;
    }
    if (b->kind == HTTPC_BODY_BUFFER)
        return (long long)b->len;
    if (b->kind == HTTPC_BODY_FD && fstat(b->fd, &st) == 0 && S_ISREG(st.st_mode))
        return (long long)st.st_size - (long long)lseek(b->fd, 0, SEEK_CUR);
    (void)c;
    return -1;
}

static int has_header(const httpc_kv *h, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(h[i].name, name) == 0)
            return 1;
    return 0;
}

int httpc_conn_request(httpc_conn *c, const char *method, const char *url,
                       const httpc_body *body, const httpc_kv *headers, size_t nheaders,
                       int encode_chunked)
{
    int has_body = body != NULL && body->kind != HTTPC_BODY_NONE;
    int rc = httpc_conn_putrequest(c, method, url, has_header(headers, nheaders, "host"),
                                   has_header(headers, nheaders, "accept-encoding"));

    if (rc < 0)
        return rc;
    if (has_header(headers, nheaders, "content-length")) {
        encode_chunked = 0;
    } else if (c->p->py27 || !has_header(headers, nheaders, "transfer-encoding")) {
        long long cl = content_length(c, body, method);
        char num[24];
        encode_chunked = 0;
        if (cl >= 0) {
            snprintf(num, sizeof num, "%lld", cl);
            rc = putheader1(c, "Content-Length", num);
        } else if (has_body && !c->p->py27) {
            encode_chunked = 1;
            rc = putheader1(c, "Transfer-Encoding", "chunked");
        }
        if (rc < 0)
            return rc;
    }
    for (size_t i = 0; i < nheaders; i++)
        if ((rc = putheader1(c, headers[i].name, headers[i].value)) < 0)
            return rc;
    return httpc_conn_endheaders(c, body, encode_chunked);
}

int httpc_conn_getresponse(httpc_conn *c, httpc_resp **out)
{
    httpc_resp *r;
    int rc;

    *out = NULL;
    forget_closed_response(c);
    if (c->state != CS_REQ_SENT || c->response != NULL)
        return fail(c, HTTPC_E_RESPONSE_NOT_READY, state_names[c->state]);
    if (c->t == NULL)
        return fail(c, HTTPC_E_NOT_CONNECTED, "not connected");
    if ((rc = httpc__resp_new(c->t, c->p, c->opts.debuglevel, c->method, &r)) < 0)
        return fail(c, rc, "out of memory");
    rc = httpc__resp_begin(r);
    if (rc < 0) {
        fail(c, rc, httpc_resp_errmsg(r));
        httpc_resp_close(r);
        httpc_resp_free(r);
        if (httpc_err_is(rc, HTTPC_E_CONNECTION_ERROR)) {
            char keep[sizeof c->errmsg];
            memcpy(keep, c->errmsg, sizeof keep);
            httpc_conn_close(c);
            memcpy(c->errmsg, keep, sizeof keep);
        }
        return rc;
    }
    c->state = CS_IDLE;
    if (httpc_resp_will_close(r))
        httpc_conn_close(c); /* the socket now belongs to the response */
    else
        c->response = httpc__resp_retain(r);
    *out = r;
    return 0;
}
