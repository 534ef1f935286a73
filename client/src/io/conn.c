/* SPDX-License-Identifier: MIT */
/* HTTPConnection: the request side and its state machine (Idle,
 * Request-started, Request-sent), following CPython 3.11's http/client.py
 * (and httplib 2.x's where the profile's fields say so). Python's own oddities are
 * kept on purpose: a reference client is useful only if it is exact. */
#include "conn_internal.h"
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
    int default_port; /* HTTP_PORT, or HTTPS_PORT for an HTTPSConnection */
    httpc_conn_opts opts;
    const httpc_profile *p;
    httpc__transport *t;  /* self.sock */
    int state;            /* self.__state */
    httpc_resp *response; /* self.__response: a reference, or NULL */
    httpc_resp *spare;    /* the last response dropped, kept for the next one */
    int sent_close;       /* the request carries the "close" connection option */
    char *method;         /* self._method */
    char *out;            /* self._buffer: the head lines, each ending in CRLF */
    size_t out_len, out_cap;
    char *tunnel_host;
    int tunnel_port;
    /* put_host's value for a URL without a netloc, made once */
    char *host_value;
    char **tunnel_hdrs; /* "Name: value\r\n" lines */
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

static int nomem(httpc_conn *c)
{
    return fail(c, HTTPC_E_NOMEM, "out of memory");
}

/* The argument of a state exception: 3.x passes the state, 2.7 nothing. */
static int state_error(httpc_conn *c, int err)
{
    return fail(c, err, c->p->bytes_str ? "" : state_names[c->state]);
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
    return httpc__tcp_connect(host, port, timeout_ms, source_host, source_port, out, detail, cap);
}

/* __init__: _get_hostport, then _validate_host. Python 3 would IDNA-encode a
 * non-ASCII host later; httpc has no IDNA, so it refuses one here. */
static int init_host(httpc_conn *c, const char *host, int port)
{
    int rc = httpc__get_hostport(host, port, c->default_port, c->p, &c->host, &c->port, c->errmsg,
                                 sizeof c->errmsg);

    if (rc == 0)
        rc = httpc__validate_url_part(c->host, c->p, c->errmsg, sizeof c->errmsg);
    if (rc == 0 && !c->p->bytes_str && httpc__validate_ascii(c->host, strlen(c->host), NULL, 0) < 0)
        rc = fail(c, HTTPC_E_VALUE_ERROR, "non-ASCII host: IDNA is not implemented");
    return rc;
}

int httpc_conn_new(httpc_conn **out, const char *host, int port, const httpc_conn_opts *opts)
{
    return httpc_conn_new_detail(out, host, port, opts, NULL, 0);
}

/* The connection is freed on failure, so its message is copied out first:
 * without it a caller could not say why (port out of range, say). */
int httpc_conn_new_detail(httpc_conn **out, const char *host, int port, const httpc_conn_opts *opts,
                          char *detail, size_t cap)
{
    httpc_conn *c = calloc(1, sizeof *c);
    int rc;

    *out = NULL;
    if (detail != NULL && cap > 0)
        detail[0] = '\0';
    if (c == NULL) {
        httpc__detail(detail, cap, "out of memory");
        return HTTPC_E_NOMEM;
    }
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
    c->default_port = c->opts.tls ? HTTPC_HTTPS_PORT : HTTPC_HTTP_PORT;
    if ((rc = init_host(c, host, port)) < 0) {
        httpc__detail(detail, cap, "%s", c->errmsg);
        httpc_conn_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

/* The connector of a connection made on a given transport: tests and fuzz
 * targets replay bytes and must never reach the network, so a reconnect
 * (after the strict profile closed a faulty exchange, say) fails at once. */
static int no_connector(void *ctx, const char *host, int port, int timeout_ms,
                        const char *source_host, int source_port, httpc__transport **out,
                        char *detail, size_t cap)
{
    (void)ctx, (void)host, (void)port, (void)timeout_ms, (void)source_host, (void)source_port;
    *out = NULL;
    httpc__detail(detail, cap, "no connector to reconnect with");
    return HTTPC_E_NOT_CONNECTED;
}

int httpc__conn_new_transport(httpc_conn **out, const char *host, int port,
                              const httpc_conn_opts *opts, httpc__transport *t)
{
    int rc = httpc_conn_new(out, host, port, opts);

    if (rc == 0) {
        (*out)->t = httpc__transport_ref(t);
        (*out)->connector = no_connector;
    }
    return rc;
}

static int check_header(httpc_conn *c, const char *name, const char *const *values, size_t nvalues,
                        size_t *total);

static void clear_tunnel(httpc_conn *c)
{
    for (size_t i = 0; i < c->ntunnel; i++)
        free(c->tunnel_hdrs[i]);
    free(c->tunnel_hdrs);
    free(c->tunnel_host);
    free(c->host_value); /* the (tunnel) host it was made of goes */
    c->tunnel_hdrs = NULL;
    c->tunnel_host = NULL;
    c->host_value = NULL;
    c->ntunnel = 0;
}

/* Dropping the connection object does not close a response the caller
 * still holds (Python has no HTTPConnection.__del__); close() does. */
void httpc_conn_free(httpc_conn *c)
{
    if (c == NULL)
        return;
    httpc__transport_unref(c->t);
    httpc_resp_free(c->response);
    httpc__resp_spare_free(&c->spare);
    clear_tunnel(c);
    free(c->host);
    free(c->method);
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

/* A transport its response abandoned (httpc__transport_abandon) is closed
 * for the connection too: it drops it here, so the next send connects anew
 * (auto_open), as after close(). Returns the transport still usable. */
static httpc__transport *live_transport(httpc_conn *c)
{
    if (c->t != NULL && c->t->abandoned) {
        httpc__transport_unref(c->t);
        c->t = NULL;
    }
    return c->t;
}

int httpc_conn_fileno(const httpc_conn *c)
{
    return c->t && !c->t->abandoned ? c->t->vt->fileno(c->t) : -1;
}

void httpc__conn_set_connector(httpc_conn *c, httpc__connector_fn fn, void *ctx)
{
    c->connector = fn ? fn : tcp_connector;
    c->connector_ctx = ctx;
}

httpc__transport *httpc__conn_transport(httpc_conn *c)
{
    return live_transport(c);
}

int httpc_conn_set_tunnel(httpc_conn *c, const char *host, int port,
                          const char *const *header_names, const char *const *header_values,
                          size_t nheaders)
{
    if (!c->p->has_set_tunnel) { /* 2.6, 3.0, 3.1: Python's AttributeError, and when it came */
        const char *cls = c->opts.tls ? "HTTPSConnection" : "HTTPConnection";
        snprintf(c->errmsg, sizeof c->errmsg, "%s%s%s %s has no attribute 'set_tunnel' "
                 "(new in %s)", c->p->bytes_str ? "" : "'", cls, c->p->bytes_str ? "" : "'",
                 c->p->bytes_str ? "instance" : "object", c->p->bytes_str ? "2.7" : "3.2");
        return HTTPC_E_ATTRIBUTE_ERROR;
    }
    if (live_transport(c) != NULL)
        return fail(c, HTTPC_E_RUNTIME_ERROR,
                    c->p->bytes_str ? "Can't setup tunnel for established connection."
                               : "Can't set up tunnel for established connection");
    clear_tunnel(c);
    int rc = httpc__get_hostport(host, port, c->default_port, c->p, &c->tunnel_host,
                                 &c->tunnel_port, c->errmsg, sizeof c->errmsg);
    if (rc < 0)
        return rc;
    /* CPython (3.11 and 2.7) writes tunnel headers into the CONNECT request
     * unchecked, so a CR LF in one injects a line; strict checks them as
     * putheader does. */
    for (size_t i = 0; c->p->strict_rfc && i < nheaders; i++) {
        size_t total;
        if ((rc = check_header(c, header_names[i], &header_values[i], 1, &total)) < 0)
            return rc;
    }
    c->tunnel_hdrs = calloc(nheaders ? nheaders : 1, sizeof *c->tunnel_hdrs);
    if (c->tunnel_hdrs == NULL)
        return nomem(c);
    for (size_t i = 0; i < nheaders; i++) {
        size_t n = strlen(header_names[i]) + strlen(header_values[i]) + 5;
        if ((c->tunnel_hdrs[i] = malloc(n)) == NULL)
            return nomem(c);
        snprintf(c->tunnel_hdrs[i], n, "%s: %s\r\n", header_names[i], header_values[i]);
        c->ntunnel++;
    }
    return 0;
}

/* ---- sending ------------------------------------------------------------ */

/* print("send:", repr(data)): a bytes repr in 3.x, a str (byte string) repr
 * in 2.7, which is the same text without the b. */
static void debug_send(const httpc_conn *c, const void *data, size_t len)
{
    size_t need = httpc__py_repr(NULL, 0, data, len, 1) + 1;
    char *r = malloc(need);
    httpc__debug d = httpc__debug_of(&c->opts);

    if (r == NULL)
        return;
    httpc__py_repr(r, need, data, len, 1);
    httpc__debug_printf(&d, "send: %s\n", r + (c->p->bytes_str ? 1 : 0));
    httpc__debug_flush(&d);
    free(r);
}

static void debug_note(const httpc_conn *c, const char *line)
{
    httpc__debug d = httpc__debug_of(&c->opts);

    if (c->opts.debuglevel > 0) {
        httpc__debug_printf(&d, "%s\n", line);
        httpc__debug_flush(&d);
    }
}

/* send(data): connects first when there is no socket (auto_open). */
static int raw_send(httpc_conn *c, const void *data, size_t len)
{
    int rc;

    if (live_transport(c) == NULL && c->opts.no_auto_open)
        return fail(c, HTTPC_E_NOT_CONNECTED, "");
    if (c->t == NULL && (rc = httpc_conn_connect(c)) < 0)
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

/* The CONNECT request: one send() in 3.x ("a more optimal packet size"),
 * a send() per line in httplib 2.7. */
static int send_connect(httpc_conn *c)
{
    size_t n = strlen(c->tunnel_host) + 40, off;
    char *head;
    int rc = 0;

    for (size_t i = 0; i < c->ntunnel; i++)
        n += strlen(c->tunnel_hdrs[i]);
    if ((head = malloc(n)) == NULL)
        return nomem(c);
    off = (size_t)snprintf(head, n, "CONNECT %s:%d HTTP/1.0\r\n", c->tunnel_host, c->tunnel_port);
    if (c->p->bytes_str) /* 2.7's _tunnel sends the CONNECT line by itself */
        rc = raw_send(c, head, off), off = 0;
    for (size_t i = 0; i < c->ntunnel && rc == 0; i++) {
        size_t k = strlen(c->tunnel_hdrs[i]);
        memcpy(head + off, c->tunnel_hdrs[i], k);
        if (c->p->bytes_str) /* and each header line by itself */
            rc = raw_send(c, head, k);
        else
            off += k;
    }
    memcpy(head + off, "\r\n", 2);
    if (rc == 0)
        rc = raw_send(c, head, off + 2);
    free(head);
    return rc;
}

/* self.close() after an error: whatever closing does, the message the
 * caller reads is still the error's (httpc_conn_errmsg). */
static void close_keeping_message(httpc_conn *c)
{
    char keep[sizeof c->errmsg];

    memcpy(keep, c->errmsg, sizeof keep);
    httpc_conn_close(c);
    memcpy(c->errmsg, keep, sizeof keep);
}

/* _tunnel(): the proxy's reply is read by a response of its own, made
 * without the debug level (so no "reply:" line), then dropped. The strict
 * profile closes the connection after any error in that reply, as after
 * one in any response (see begin_failed). */
static int tunnel(httpc_conn *c)
{
    httpc_resp *r;
    int rc = send_connect(c);

    if (rc < 0)
        return rc;
    if ((rc = httpc__resp_new(c->t, c->p, 0, c->method, &r)) < 0)
        return nomem(c);
    httpc__resp_set_debug(r, httpc__debug_of(&c->opts));
    rc = httpc__resp_tunnel_reply(r, c->opts.debuglevel, c->errmsg, sizeof c->errmsg);
    httpc_resp_close(r);
    httpc_resp_free(r);
    if (rc == HTTPC_E_OS_ERROR || (rc < 0 && c->p->strict_rfc)) /* self.close() */
        close_keeping_message(c);
    return rc;
}

/* HTTPSConnection.connect(): TLS over the socket (after CONNECT when
 * tunnelling), checked against the tunnel's host when there is one. */
static int start_tls(httpc_conn *c)
{
    httpc__transport *plain = c->t, *t;
    const char *name = c->tunnel_host ? c->tunnel_host : c->host;
    int rc;

    c->t = NULL;
    rc = httpc__tls_wrap(plain, name, c->opts.timeout_ms, c->opts.tls, c->p, &t, c->errmsg,
                         sizeof c->errmsg);
    if (rc == 0) {
        t->read_cap = c->opts.read_cap;
        c->t = t;
    }
    return rc;
}

int httpc_conn_connect(httpc_conn *c)
{
    httpc__transport *t = NULL;
    int rc =
        c->connector(c->connector_ctx, c->host, c->port, c->opts.timeout_ms, c->opts.source_host,
                     c->opts.source_port, &t, c->errmsg, sizeof c->errmsg);

    if (rc < 0)
        return rc;
    httpc__transport_unref(c->t);
    c->t = t;
    t->read_cap = c->opts.read_cap; /* the CONNECT reply is read through it too */
    if (c->tunnel_host && (rc = tunnel(c)) < 0)
        return rc;
    return c->opts.tls ? start_tls(c) : 0;
}

/* close(): the state goes back to Idle and a kept response is closed too.
 * The head buffer is left alone, as CPython leaves self._buffer. */
void httpc_conn_close(httpc_conn *c)
{
    c->state = CS_IDLE;
    httpc__transport_unref(c->t);
    c->t = NULL;
    if (c->response != NULL) {
        httpc_resp_close(c->response);
        httpc_resp_free(c->response);
        c->response = NULL;
    }
}

/* "if a prior response has been completed, then forget about it" */
static void forget_closed_response(httpc_conn *c)
{
    if (c->response != NULL && httpc_resp_isclosed(c->response)) {
        httpc__resp_release(c->response, &c->spare);
        c->response = NULL;
    }
}

/* Room in the head buffer for `more` bytes. */
static int out_reserve(httpc_conn *c, size_t more)
{
    size_t need = c->out_len + more, cap = c->out_cap ? c->out_cap : 512;

    if (need <= c->out_cap)
        return 0;
    while (cap < need)
        cap *= 2;
    char *p = realloc(c->out, cap);
    if (p == NULL)
        return nomem(c);
    c->out = p;
    c->out_cap = cap;
    return 0;
}

static void out_put(httpc_conn *c, const char *s, size_t len)
{
    memcpy(c->out + c->out_len, s, len);
    c->out_len += len;
}

/* Ends the line begun at `start` (room for its CRLF reserved): past
 * HTTPC_MAX_REQUEST_HEAD, the line is taken back and refused. */
static int out_line_end(httpc_conn *c, size_t start)
{
    if (c->out_len > HTTPC_MAX_REQUEST_HEAD - 2) {
        c->out_len = start;
        httpc__detail(c->errmsg, sizeof c->errmsg,
                      "request head longer than %d bytes (HTTPC_MAX_REQUEST_HEAD)",
                      HTTPC_MAX_REQUEST_HEAD);
        return HTTPC_E_VALUE_ERROR;
    }
    out_put(c, "\r\n", 2);
    return 0;
}

/* _output(): one line of the head; the CRLF that join() puts between the
 * lines is added here. The head stops at HTTPC_MAX_REQUEST_HEAD. */
static int output(httpc_conn *c, const char *a, size_t alen, const char *b, size_t blen)
{
    size_t start = c->out_len;
    int rc = out_reserve(c, alen + blen + 2);

    if (rc < 0)
        return rc;
    out_put(c, a, alen);
    out_put(c, b, blen);
    return out_line_end(c, start);
}

static int putheader1(httpc_conn *c, const char *name, const char *value)
{
    return httpc_conn_putheader(c, name, &value, 1);
}

static int invalid_header(httpc_conn *c, const char *what, const char *s);

/* putheader(name, value) for a header the library adds itself (Host,
 * Accept-Encoding, Content-Length, Transfer-Encoding): the name is legal
 * ASCII and not Connection, so of putheader's checks only the value's is
 * left, in the same order of outcomes. A keep-alive GET puts two such
 * headers a request. */
static int put_own(httpc_conn *c, const char *name, size_t nlen, const char *value)
{
    size_t vlen, start = c->out_len;
    int rc;

    if (c->state != CS_REQ_STARTED)
        return fail(c, HTTPC_E_CANNOT_SEND_HEADER, "");
    if (!httpc__valid_header_value(value))
        return invalid_header(c, "value", value);
    vlen = strlen(value);
    if ((rc = out_reserve(c, nlen + vlen + 7)) < 0)
        return rc;
    out_put(c, name, nlen);
    out_put(c, ": ", 2);
    out_put(c, value, vlen);
    return out_line_end(c, start);
}

/* _strip_ipv6_iface (3.x): "[fe80::1%eth0]..." -> "[fe80::1]"; CPython
 * asserts the bracket, which a netloc like "a%20b" fails. */
static int strip_iface(httpc_conn *c, char *v)
{
    char *pct = strchr(v, '%');

    if (c->p->bytes_str || pct == NULL)
        return 0;
    if (v[0] != '[') {
        snprintf(c->errmsg, sizeof c->errmsg, "AssertionError: b'%.*s'", (int)(pct - v), v);
        return HTTPC_E_VALUE_ERROR;
    }
    strcpy(pct, "]");
    return 0;
}

/* v = f"[{host}]" when v6, else host; returns its length. */
static size_t bracketed(char *v, const char *host, int v6)
{
    size_t n = strlen(host);

    v[0] = '[';
    memcpy(v + v6, host, n);
    if (v6)
        memcpy(v + n + 1, "]", 2);
    else
        v[n] = '\0';
    return n + 2 * (size_t)v6;
}

/* v = ":%d" % port, NUL-terminated (at most 13 bytes). */
static void append_port(char *v, int port)
{
    char digits[12];
    unsigned u = port < 0 ? 0u - (unsigned)port : (unsigned)port;
    size_t n = 0;

    do
        digits[n++] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    *v++ = ':';
    if (port < 0)
        *v++ = '-';
    while (n > 0)
        *v++ = digits[--n];
    *v = '\0';
}

/* The Host header of putrequest: the netloc of an absolute URL, else the
 * (tunnel) host, bracketed when it holds a ':', with the port unless 80. */
static int put_host(httpc_conn *c, const char *url)
{
    int absolute = strncmp(url, "http", 4) == 0;
    if (!absolute && c->host_value != NULL)
        return put_own(c, "Host", 4, c->host_value);
    httpc_span netloc = absolute ? httpc__url_netloc(url) : (httpc_span){url, 0};
    const char *host = c->tunnel_host ? c->tunnel_host : c->host;
    int port = c->tunnel_host ? c->tunnel_port : c->port, rc;
    size_t need = (netloc.len > 0 ? netloc.len : strlen(host)) + 16;
    char small[256], *v = need <= sizeof small ? small : malloc(need);

    if (v == NULL)
        return nomem(c);
    /* urlsplit() may raise (unbalanced brackets, a bad bracketed host) */
    rc = httpc__check_netloc(netloc, c->p, c->errmsg, sizeof c->errmsg);
    if (rc == 0 && netloc.len > 0) {
        memcpy(v, netloc.ptr, netloc.len);
        v[netloc.len] = '\0';
        rc = strip_iface(c, v);
    } else if (rc == 0) {
        int v6 = strchr(host, ':') != NULL;
        size_t n = bracketed(v, host, v6);
        if (v6 && (rc = strip_iface(c, v)) == 0)
            n = strlen(v);
        if (rc == 0 && port != c->default_port)
            append_port(v + n, port);
        if (rc == 0 && c->host_value == NULL)
            c->host_value = strdup(v); /* for the next request; none if out of memory */
    }
    if (rc == 0)
        rc = put_own(c, "Host", 4, v);
    if (v != small)
        free(v);
    return rc;
}

/* putrequest(): the state moves first, so a refused method or URL leaves
 * the connection in Request-started, as in CPython. */
/* strict: bytes (or an EOF) that came while no request was outstanding are
 * no response to the request about to be sent: RFC 9112 section 9.2 says a
 * client MUST NOT take them as one and SHOULD close the connection, since
 * where the next message starts is now unknown. The connection is dropped
 * and the request goes on a new one (auto_open). */
static void drop_unsolicited(httpc_conn *c)
{
    httpc__transport *t = live_transport(c);
    if (t != NULL && httpc__transport_unsolicited(t)) {
        httpc__transport_unref(t);
        c->t = NULL;
    }
}

/* self._method, kept across requests: a keep-alive client sends the same
 * method again and again, and a copy each time would cost a malloc. */
static int keep_method(httpc_conn *c, const char *method)
{
    if (c->method != NULL && strcmp(c->method, method) == 0)
        return 0;
    free(c->method);
    if ((c->method = strdup(method)) == NULL)
        return nomem(c);
    return 0;
}

/* f'{method} {url} {self._http_vsn_str}', encoded to ASCII (3.x), written
 * straight into the head: checked where it lies, taken back if refused. */
static int request_line(httpc_conn *c, const char *method, const char *url)
{
    size_t mlen = strlen(method), ulen = strlen(url), start = c->out_len;
    int rc = out_reserve(c, mlen + ulen + 12);

    if (rc < 0)
        return rc;
    out_put(c, method, mlen);
    out_put(c, " ", 1);
    out_put(c, url, ulen);
    out_put(c, c->opts.http_vsn == 10 ? " HTTP/1.0" : " HTTP/1.1", 9);
    rc = c->p->bytes_str ? 0
                         : httpc__validate_ascii(c->out + start, c->out_len - start, c->errmsg,
                                                 sizeof c->errmsg);
    if (rc < 0) {
        c->out_len = start;
        return rc;
    }
    return out_line_end(c, start);
}

int httpc_conn_putrequest(httpc_conn *c, const char *method, const char *url, int skip_host,
                          int skip_accept_encoding)
{
    int rc;

    forget_closed_response(c);
    if (c->state != CS_IDLE)
        return state_error(c, HTTPC_E_CANNOT_SEND_REQUEST);
    c->state = CS_REQ_STARTED;
    c->sent_close = 0;
    if (c->p->strict_rfc)
        drop_unsolicited(c);
    if ((rc = httpc__validate_method(method, c->p, c->errmsg, sizeof c->errmsg)) < 0)
        return rc;
    if ((rc = keep_method(c, method)) < 0)
        return rc;
    if (url == NULL || *url == '\0')
        url = "/";
    if ((rc = httpc__validate_url_part(url, c->p, c->errmsg, sizeof c->errmsg)) < 0)
        return rc;
    if ((rc = request_line(c, method, url)) < 0 || c->opts.http_vsn != 11)
        return rc;
    if (!skip_host && (rc = put_host(c, url)) < 0)
        return rc;
    if (!skip_accept_encoding)
        rc = put_own(c, "Accept-Encoding", 15, "identity");
    return rc;
}

/* Python's repr of a name or value in "Invalid header ..." messages. */
static int invalid_header(httpc_conn *c, const char *what, const char *s)
{
    char r[200];

    httpc__py_repr(r, sizeof r, s, strlen(s), 1);
    httpc__detail(c->errmsg, sizeof c->errmsg, "Invalid header %s %s", what,
                  r + (c->p->bytes_str ? 1 : 0));
    return HTTPC_E_VALUE_ERROR;
}

static int check_header(httpc_conn *c, const char *name, const char *const *values, size_t nvalues,
                        size_t *total)
{
    if (!c->p->bytes_str && httpc__validate_ascii(name, strlen(name), c->errmsg, sizeof c->errmsg) < 0)
        return HTTPC_E_VALUE_ERROR; /* header.encode('ascii') */
    if (!httpc__valid_header_name(name, c->p))
        return invalid_header(c, "name", name);
    *total = 0;
    for (size_t i = 0; i < nvalues; i++) {
        if (!httpc__valid_header_value(values[i]))
            return invalid_header(c, "value", values[i]);
        *total += strlen(values[i]) + 3;
    }
    return 0;
}

int httpc_conn_putheader(httpc_conn *c, const char *name, const char *const *values, size_t nvalues)
{
    size_t total, nlen = strlen(name), start = c->out_len;
    int rc, close = 0;

    if (c->state != CS_REQ_STARTED)
        return fail(c, HTTPC_E_CANNOT_SEND_HEADER, "");
    if ((rc = check_header(c, name, values, nvalues, &total)) < 0)
        return rc;
    if ((rc = out_reserve(c, nlen + total + 4)) < 0)
        return rc;
    /* header + b': ' + b'\r\n\t'.join(values), straight into the head */
    out_put(c, name, nlen);
    out_put(c, ": ", 2);
    for (size_t i = 0; i < nvalues; i++) {
        size_t vlen = strlen(values[i]);
        if (i > 0)
            out_put(c, "\r\n\t", 3);
        out_put(c, values[i], vlen);
        close |= nlen == 10 && strcasecmp(name, "connection") == 0 &&
                 httpc__list_has((httpc_span){values[i], vlen}, "close");
    }
    rc = out_line_end(c, start);
    if (rc == 0 && close)
        c->sent_close = 1; /* only a header that went into the head counts */
    return rc;
}

/* One piece of the body, framed when chunked: f'{len(chunk):X}\r\n' + chunk
 * + b'\r\n' goes out as one send(). */
static int send_piece(httpc_conn *c, const void *data, size_t len, int chunked)
{
    char size[24];
    int rc;

    if (len == 0) {
        if (c->p->chunked_requests) /* 3.6's send() prints it */
            debug_note(c, "Zero length chunk ignored");
        return 0;
    }
    if (!chunked)
        return raw_send(c, data, len);
    int n = snprintf(size, sizeof size, "%zX\r\n", len);
    char *buf = malloc((size_t)n + len + 2);
    if (buf == NULL)
        return nomem(c);
    memcpy(buf, size, (size_t)n);
    memcpy(buf + n, data, len);
    memcpy(buf + n + len, "\r\n", 2);
    rc = raw_send(c, buf, (size_t)n + len + 2);
    free(buf);
    return rc;
}

/* A file body, read in blocks: self.blocksize in 3.x (_read_readable),
 * 8192 in 2.7's send(). An empty read ends it, as `if not datablock`. */
static int send_fd(httpc_conn *c, int fd, int chunked)
{
    size_t bs = c->p->blocksize_opt ? c->opts.blocksize : 8192;
    char *block = malloc(bs);
    int rc = 0;

    if (block == NULL)
        return nomem(c);
    if (c->p->chunked_requests)
        debug_note(c, "reading a readable");
    for (;;) {
        ssize_t n = read(fd, block, bs);
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

/* _send_output: the head in one send(), then the body, then the last chunk
 * when chunked. httplib 2.7 appends a str body to the head (one send) and
 * hands anything else to sock.sendall, which refuses an iterator. */
static int send_output(httpc_conn *c, const httpc_body *b, int encode_chunked)
{
    int chunked = encode_chunked && c->opts.http_vsn == 11 && c->p->chunked_requests;
    int kind = b ? b->kind : HTTPC_BODY_NONE;
    int inline_body = c->p->body_with_head && kind == HTTPC_BODY_BUFFER;
    int rc;

    if ((rc = output(c, "", 0, "", 0)) < 0)
        return rc;
    if (inline_body && (rc = out_reserve(c, b->len)) < 0)
        return rc;
    if (inline_body) /* msg += message_body: no cap, the body is the caller's */
        out_put(c, b->data, b->len);
    /* del self._buffer[:] comes before self.send(msg) */
    size_t len = c->out_len;
    c->out_len = 0;
    rc = raw_send(c, c->out, len);
    if (rc < 0 || kind == HTTPC_BODY_NONE || inline_body)
        return rc;
    if (kind == HTTPC_BODY_BUFFER)
        rc = send_piece(c, b->data, b->len, chunked);
    else if (kind == HTTPC_BODY_FD)
        rc = send_fd(c, b->fd, chunked);
    else if (!c->p->iter_body) /* sock.sendall(generator) */
        return fail(c, HTTPC_E_TYPE_ERROR, c->p->bytes_str
                                               ? "must be string or buffer, not generator"
                                               : "'generator' does not support the buffer interface");
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

/* _get_content_length (3.x) / _set_content_length (2.7); -1 for none.
 * CPython 3.6+ gives a file no length (it goes chunked); httplib 2.7 sends
 * os.fstat(fd).st_size, whatever the file position or type (a pipe says 0). */
static long long content_length(httpc_conn *c, const httpc_body *b, const char *method)
{
    static const char *const expecting[] = {"PATCH", "POST", "PUT"};
    struct stat st;

    if (b == NULL || b->kind == HTTPC_BODY_NONE) {
        for (size_t i = 0; i < 3 && (method[0] | 0x20) == 'p'; i++)
            if (strcasecmp(method, expecting[i]) == 0)
                return 0;
        return -1;
    }
    if (b->kind == HTTPC_BODY_BUFFER)
        return (long long)b->len;
    if (b->kind != HTTPC_BODY_FD || c->p->body_framing != HTTPC_FRAMING_LENGTH)
        return -1;
    if (fstat(b->fd, &st) == 0)
        return (long long)st.st_size;
    debug_note(c, "Cannot stat!!");
    return -1;
}

static int has_header(const httpc_kv *h, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(h[i].name, name) == 0)
            return 1;
    return 0;
}

/* The framing headers of _send_request: the caller's Content-Length wins;
 * else (3.x: unless the caller gave Transfer-Encoding) the computed length,
 * or chunked coding when there is a body without one. Returns the
 * encode_chunked that endheaders gets. */
static int framing_headers(httpc_conn *c, const char *method, const httpc_body *body,
                           const httpc_kv *h, size_t nh, int encode_chunked)
{
    int has_body = body != NULL && body->kind != HTTPC_BODY_NONE;
    char num[24];

    if (has_header(h, nh, "content-length"))
        return 0;
    if (c->p->chunked_requests && has_header(h, nh, "transfer-encoding"))
        return encode_chunked;
    long long cl = content_length(c, body, method);
    if (cl >= 0) {
        snprintf(num, sizeof num, "%lld", cl);
        return put_own(c, "Content-Length", 14, num);
    }
    if (!has_body || c->p->body_framing != HTTPC_FRAMING_CHUNKED)
        return 0;
    int rc = put_own(c, "Transfer-Encoding", 17, "chunked");
    return rc < 0 ? rc : 1;
}

int httpc_conn_request(httpc_conn *c, const char *method, const char *url, const httpc_body *body,
                       const httpc_kv *headers, size_t nheaders, int encode_chunked)
{
    int rc = httpc_conn_putrequest(c, method, url, has_header(headers, nheaders, "host"),
                                   has_header(headers, nheaders, "accept-encoding"));

    if (rc < 0)
        return rc;
    if ((encode_chunked = framing_headers(c, method, body, headers, nheaders, encode_chunked)) < 0)
        return encode_chunked;
    for (size_t i = 0; i < nheaders; i++)
        if ((rc = putheader1(c, headers[i].name, headers[i].value)) < 0)
            return rc;
    return httpc_conn_endheaders(c, body, encode_chunked);
}

/* A failed begin(): 3.x closes the connection on a ConnectionError
 * (RemoteDisconnected included) so the next request reconnects; httplib 2.7
 * closes nothing, so the connection stays in Request-sent. The strict
 * profile closes it after any error: once the head is refused, where the
 * next response would start is unknown, and RFC 9112 requires the close
 * for an invalid Content-Length (section 6.3), Transfer-Encoding in
 * HTTP/1.0 (6.1) and an incomplete message (6.3, 8). */
static int begin_failed(httpc_conn *c, httpc_resp *r, int rc)
{
    fail(c, rc, httpc_resp_errmsg(r));
    httpc_resp_close(r);
    httpc_resp_free(r);
    if (c->p->strict_rfc ||
        (c->p->close_on_conn_error && httpc_err_is(rc, HTTPC_E_CONNECTION_ERROR)))
        close_keeping_message(c);
    return rc;
}

int httpc_conn_getresponse(httpc_conn *c, httpc_resp **out)
{
    httpc_resp *r;
    int rc;

    *out = NULL;
    forget_closed_response(c);
    if (c->state != CS_REQ_SENT || c->response != NULL)
        return state_error(c, HTTPC_E_RESPONSE_NOT_READY);
    if (live_transport(c) == NULL) /* CPython: AttributeError on None.makefile */
        return fail(c, HTTPC_E_NOT_CONNECTED, "");
    if ((rc = httpc__resp_new_from(&c->spare, c->t, c->p, c->opts.debuglevel, c->method, &r)) < 0)
        return nomem(c);
    httpc__resp_set_debug(r, httpc__debug_of(&c->opts));
    if ((rc = httpc__resp_begin(r)) < 0)
        return begin_failed(c, r, rc);
    c->state = CS_IDLE;
    /* RFC 9112 section 9.6: a client that sent "close" MUST NOT send further
     * requests on the connection and MUST close it after reading the final
     * response. CPython looks only at the response's fields; strict hands
     * the socket to the response, which closes it at the body's end. */
    if (httpc_resp_will_close(r) || (c->p->strict_rfc && c->sent_close))
        httpc_conn_close(c); /* the socket now belongs to the response */
    else
        c->response = httpc__resp_retain(r);
    *out = r;
    return 0;
}
