/* SPDX-License-Identifier: MIT */
/* The serf adapter (adapters/serf/README.md): makes the scenario's requests
 * one after the other on one serf connection (serf keeps it open between
 * them), runs serf's event loop with the socket timeout as its poll
 * duration, and prints the outcome object of adapters/PROTOCOL.md, APR's and
 * serf's status codes mapped onto adapters/TAXONOMY.md with the native error
 * verbatim. */
#include "adapter.h"

#include <apr_strings.h>
#include <errno.h>
#include <serf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct app {
    adapter_opts *o;
    adapter_out *out;
    serf_context_t *ctx;
    serf_bucket_alloc_t *alloc;
    serf_ssl_context_t *ssl;
    serf_ssl_certificate_t *ca;
    size_t step;
    int done, head_seen;
    apr_status_t err; /* the first error of this request */
} app;

static const char *classify(apr_status_t st, int head_seen)
{
    if (APR_STATUS_IS_TIMEUP(st) || APR_STATUS_IS_ETIMEDOUT(st))
        return "TimeoutError";
    if (APR_STATUS_IS_ECONNREFUSED(st))
        return "ConnectionRefusedError";
    if (APR_STATUS_IS_ECONNRESET(st))
        return head_seen ? "IncompleteRead" : "ConnectionResetError";
    if (APR_STATUS_IS_EPIPE(st))
        return "BrokenPipeError";
    if (st == APR_EGENERAL) /* serf's line buffer: a line over its 8000 bytes */
        return "LineTooLong";
    if (st == APR_FROM_OS_ERROR(ERANGE)) /* a Content-Length or chunk size over 64 bits */
        return head_seen ? "IncompleteRead" : "InvalidHeader";
    switch (st) {
    case SERF_ERROR_BAD_HTTP_RESPONSE: /* the status line, a header or the framing */
        return head_seen ? "IncompleteRead" : "BadStatusLine";
    case SERF_ERROR_TRUNCATED_HTTP_RESPONSE:
    case SERF_ERROR_REQUEST_LOST:
    case SERF_ERROR_ABORTED_CONNECTION:
    case APR_EOF:
        return head_seen ? "IncompleteRead" : "RemoteDisconnected";
    case SERF_ERROR_SSL_CERT_FAILED:
        return "SSLCertVerificationError";
    case SERF_ERROR_SSL_COMM_FAILED:
        return "SSLError";
    case SERF_ERROR_SSLTUNNEL_SETUP_FAILED:
        return "OSError"; /* CPython: "Tunnel connection failed" */
    default:
        return "Unmapped";
    }
}

static void fail(app *a, apr_status_t st)
{
    char msg[512], native[700];
    const char *s = serf_error_string(st);
    if (s == NULL)
        s = apr_strerror(st, msg, sizeof msg);
    snprintf(native, sizeof native, "apr_status_t %d: %s", (int)st, s);
    adapter_fail(a->out, classify(st, a->head_seen), native, a->step, a->o->n, s);
    a->out->connection = "closed";
}

static apr_status_t accept_cert(void *data, int failures, const serf_ssl_certificate_t *cert)
{
    (void)data, (void)failures, (void)cert;
    return APR_SUCCESS;
}

static apr_status_t conn_setup(apr_socket_t *skt, serf_bucket_t **rb, serf_bucket_t **wb,
                               void *baton, apr_pool_t *pool)
{
    app *a = baton;
    serf_bucket_t *c = serf_context_bucket_socket_create(a->ctx, skt, a->alloc);
    (void)pool;
    if (a->o->https) {
        c = serf_bucket_ssl_decrypt_create(c, a->ssl, a->alloc);
        if (a->ssl == NULL) {
            a->ssl = serf_bucket_ssl_decrypt_context_get(c);
            serf_ssl_set_hostname(a->ssl, a->o->host);
            if (a->ca)
                serf_ssl_trust_cert(a->ssl, a->ca);
            if (a->o->insecure)
                serf_ssl_server_cert_callback_set(a->ssl, accept_cert, NULL);
        }
        *wb = serf_bucket_ssl_encrypt_create(*wb, a->ssl, a->alloc);
    }
    *rb = c;
    return APR_SUCCESS;
}

static void conn_closed(serf_connection_t *conn, void *baton, apr_status_t why, apr_pool_t *pool)
{
    app *a = baton;
    (void)conn, (void)pool;
    a->ssl = NULL; /* a new connection makes a new TLS context */
    if (why && !a->done && !a->err)
        a->err = why;
}

static serf_bucket_t *accept_response(serf_request_t *req, serf_bucket_t *stream, void *baton,
                                      apr_pool_t *pool)
{
    app *a = baton;
    serf_bucket_alloc_t *al = serf_request_get_alloc(req);
    serf_bucket_t *r = serf_bucket_response_create(serf_bucket_barrier_create(stream, al), al);
    (void)pool;
    if (!strcmp(a->o->reqs[a->step].method, "HEAD"))
        serf_bucket_response_set_head(r);
    return r;
}

static int add_header(void *baton, const char *name, const char *value)
{
    adapter_out *out = baton;
    adapter_add_header(out, name, strlen(name), value, strlen(value));
    return 0;
}

static apr_status_t handle_response(serf_request_t *req, serf_bucket_t *resp, void *baton,
                                    apr_pool_t *pool)
{
    app *a = baton;
    int last = a->step + 1 == a->o->n;
    apr_status_t st;
    (void)req, (void)pool;
    if (resp == NULL) { /* the request was lost with its connection */
        if (!a->err)
            a->err = SERF_ERROR_REQUEST_LOST;
        a->done = 1;
        return APR_SUCCESS;
    }
    if (!a->head_seen) {
        serf_status_line sl;
        st = serf_bucket_response_status(resp, &sl);
        if (!st)
            st = serf_bucket_response_wait_for_headers(resp);
        if (APR_STATUS_IS_EAGAIN(st))
            return st;
        if (st && !(APR_STATUS_IS_EOF(st) && sl.version)) {
            a->err = st, a->done = 1;
            return st;
        }
        a->head_seen = 1;
        if (last) {
            adapter_head_reset(a->out);
            a->out->have_head = 1;
            a->out->status = sl.code;
            a->out->version =
                SERF_HTTP_VERSION_MAJOR(sl.version) * 10 + SERF_HTTP_VERSION_MINOR(sl.version);
            a->out->reason = strdup(sl.reason ? sl.reason : "");
            serf_bucket_headers_do(serf_bucket_response_get_headers(resp), add_header, a->out);
        }
    }
    for (;;) {
        const char *data;
        apr_size_t len;
        st = serf_bucket_read(resp, 65536, &data, &len);
        if (SERF_BUCKET_READ_ERROR(st)) {
            a->err = st, a->done = 1;
            return st;
        }
        if (last && len)
            adapter_add_body(a->out, data, len);
        if (APR_STATUS_IS_EOF(st)) {
            a->done = 1;
            return APR_EOF;
        }
        if (APR_STATUS_IS_EAGAIN(st))
            return st;
    }
}

static apr_status_t setup_request(serf_request_t *req, void *baton, serf_bucket_t **req_bkt,
                                  serf_response_acceptor_t *acceptor, void **acceptor_baton,
                                  serf_response_handler_t *handler, void **handler_baton,
                                  apr_pool_t *pool)
{
    app *a = baton;
    adapter_req *q = &a->o->reqs[a->step];
    serf_bucket_alloc_t *al = serf_request_get_alloc(req);
    serf_bucket_t *body =
        q->data ? serf_bucket_simple_create((const char *)q->data, q->data_len, NULL, NULL, al)
                : NULL;
    (void)pool;
    *req_bkt = serf_request_bucket_request_create(req, q->method, q->target, body, al);
    serf_bucket_t *hdrs = serf_bucket_request_get_headers(*req_bkt);
    for (size_t i = 0; i < q->nheaders; i++) {
        const char *v;
        size_t nl = adapter_header_split(q->headers[i], &v);
        serf_bucket_headers_setx(hdrs, q->headers[i], nl, 1, v, strlen(v), 1);
    }
    *acceptor = accept_response;
    *acceptor_baton = a;
    *handler = handle_response;
    *handler_baton = a;
    return APR_SUCCESS;
}

int main(int argc, char **argv)
{
    adapter_opts o;
    adapter_out out;
    app a = {.o = &o, .out = &out};
    apr_pool_t *pool;
    if (adapter_parse(argc, argv, &o) < 0)
        return 2;
    adapter_out_init(&out);
    if (o.nproxy_headers || (o.proxy && !o.https)) {
        adapter_fail(
            &out, "AdapterUnsupported",
            o.nproxy_headers
                ? "serf adds no header of ours to its CONNECT"
                : "serf tunnels only https:// (http:// goes to the proxy in absolute-form)",
            0, 1, "serf adapter: this tunnel is not supported");
        adapter_print(&out);
        return 0;
    }
    apr_initialize();
    apr_pool_create(&pool, NULL);
    a.ctx = serf_context_create(pool);
    a.alloc = serf_bucket_allocator_create(pool, NULL, NULL);
    if (o.cacert)
        serf_ssl_load_cert_file(&a.ca, o.cacert, pool);
    if (o.proxy) {
        apr_sockaddr_t *pa;
        const char *c = strrchr(o.proxy, ':');
        char *ph = apr_pstrndup(pool, o.proxy, (apr_size_t)(c - o.proxy));
        if (apr_sockaddr_info_get(&pa, ph, APR_UNSPEC, (apr_port_t)atoi(c + 1), 0, pool) ==
            APR_SUCCESS)
            serf_config_proxy(a.ctx, pa);
    }
    apr_uri_t uri;
    apr_uri_parse(pool, apr_psprintf(pool, "%s/", o.origin), &uri);
    serf_connection_t *conn;
    apr_status_t st =
        serf_connection_create2(&conn, a.ctx, uri, conn_setup, &a, conn_closed, &a, pool);
    apr_short_interval_time_t wait = (apr_short_interval_time_t)(o.timeout * 1e6);
    for (a.step = 0; !st && a.step < o.n; a.step++) {
        a.done = a.head_seen = 0;
        a.err = 0;
        serf_connection_request_create(conn, setup_request, &a);
        /* serf's poll times out only when the socket is quiet: on some replies
         * it sees EOF again and again, returning at once without ending or
         * failing the response; a loop of such returns with no progress for
         * the timeout is stopped here (a call that waited for data is no spin) */
        apr_time_t last = apr_time_now();
        size_t seen = 0, quick = 0;
        int spun = 0;
        while (!a.done && !a.err) {
            apr_time_t t0 = apr_time_now();
            st = serf_context_run(a.ctx, wait, pool);
            if (APR_STATUS_IS_TIMEUP(st) || (st && !APR_STATUS_IS_EAGAIN(st))) {
                if (!a.err)
                    a.err = st;
                break;
            }
            st = 0;
            apr_time_t t1 = apr_time_now();
            quick = t1 - t0 < 1000 ? quick + 1 : 0;
            if (out.body_len + (size_t)a.head_seen != seen) {
                seen = out.body_len + (size_t)a.head_seen;
                last = t1;
                quick = 0;
            } else if (quick > 100 && t1 - last > wait) {
                spun = 1;
                break;
            }
        }
        if (spun) {
            adapter_fail(
                &out, "Unmapped",
                "serf_context_run kept returning without ending or failing the response", a.step,
                o.n, "serf neither ended nor failed the response (the adapter stopped its loop)");
            out.connection = "closed";
            break;
        }
        if (a.err) {
            fail(&a, a.err);
            if (a.step + 1 == o.n && a.head_seen)
                out.partial_len = (long long)out.body_len;
            break;
        }
    }
    adapter_print(&out);
    return 0;
}
