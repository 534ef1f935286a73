/* SPDX-License-Identifier: MIT */
/* The libsoup 3 adapter (adapters/libsoup/README.md): makes the scenario's
 * requests with one SoupSession (synchronous soup_session_send, its pool
 * keeps the connection between them, no content decoding) and prints the
 * outcome object of adapters/PROTOCOL.md, GLib's errors mapped onto
 * adapters/TAXONOMY.md with the native error verbatim. */
#include "adapter.h"

#include <libsoup/soup.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* GError -> taxonomy class; body: whether the head was already read. */
static const char *classify(const GError *e, int body)
{
    if (e->domain == G_IO_ERROR) {
        if (strstr(e->message, "Header too big")) /* a head line over libsoup's limit */
            return "LineTooLong";
        if (strstr(e->message, "reset by peer"))
            return body ? "IncompleteRead" : "ConnectionResetError";
        switch (e->code) {
        case G_IO_ERROR_TIMED_OUT:
            return "TimeoutError";
        case G_IO_ERROR_CANCELLED:
            return "TimeoutError"; /* the watchdog */
        case G_IO_ERROR_CONNECTION_REFUSED:
            return "ConnectionRefusedError";
        case G_IO_ERROR_CONNECTION_CLOSED: /* = G_IO_ERROR_BROKEN_PIPE */
            if (strstr(e->message, "roken pipe"))
                return "BrokenPipeError";
            return body ? "IncompleteRead" : "RemoteDisconnected";
        case G_IO_ERROR_PARTIAL_INPUT: /* "Connection terminated unexpectedly" */
            return body ? "IncompleteRead" : "RemoteDisconnected";
        case G_IO_ERROR_NOT_SUPPORTED:
            return "Unmapped"; /* e.g. an unknown Transfer-Encoding */
        default:
            break;
        }
        return body ? "IncompleteRead" : "ConnectionError";
    }
    if (e->domain == SOUP_SESSION_ERROR) {
        if (e->code == SOUP_SESSION_ERROR_PARSING) /* "Could not parse HTTP response" */
            return "BadStatusLine";
        if (e->code == SOUP_SESSION_ERROR_ENCODING) /* "Unrecognized HTTP response encoding" */
            return "UnknownTransferEncoding";
        return "Unmapped";
    }
    if (e->domain == G_TLS_ERROR) {
        if (e->code == G_TLS_ERROR_BAD_CERTIFICATE)
            return "SSLCertVerificationError";
        if (e->code == G_TLS_ERROR_EOF)
            return "SSLEOFError";
        return "SSLError";
    }
    return "Unmapped";
}

static void fail(adapter_out *out, const GError *e, int body, size_t step, size_t n)
{
    char native[1024];
    snprintf(native, sizeof native, "%s %d: %s", g_quark_to_string(e->domain), e->code, e->message);
    adapter_fail(out, classify(e, body), native, step, n, e->message);
    out->connection = "closed";
}

static void head(adapter_out *out, SoupMessage *m)
{
    SoupMessageHeadersIter it;
    const char *name, *value;
    adapter_head_reset(out);
    out->have_head = 1;
    out->status = (int)soup_message_get_status(m);
    out->reason = g_strdup(soup_message_get_reason_phrase(m));
    out->version = soup_message_get_http_version(m) == SOUP_HTTP_1_0 ? 10 : 11;
    soup_message_headers_iter_init(&it, soup_message_get_response_headers(m));
    while (soup_message_headers_iter_next(&it, &name, &value))
        adapter_add_header(out, name, strlen(name), value, strlen(value));
}

/* libsoup's timeout is in whole seconds: a watchdog thread cancels the
 * blocking call after --timeout without progress (the head as a whole, then
 * each body read), and the cancellation is reported as TimeoutError. */
typedef struct watchdog {
    GCancellable *cancel;
    gint64 timeout_us;
    gint64 last; /* g_get_monotonic_time of the last progress; 0: disarmed */
    GMutex lock;
} watchdog;

static void arm(watchdog *w, int on)
{
    g_mutex_lock(&w->lock);
    w->last = on ? g_get_monotonic_time() : 0;
    g_mutex_unlock(&w->lock);
}

static gpointer watch(gpointer p)
{
    watchdog *w = p;
    for (;;) {
        g_usleep(5000);
        g_mutex_lock(&w->lock);
        int due = w->last && g_get_monotonic_time() - w->last > w->timeout_us;
        g_mutex_unlock(&w->lock);
        if (due)
            g_cancellable_cancel(w->cancel);
    }
    return NULL;
}

static gboolean accept_any(SoupMessage *m, GTlsCertificate *c, GTlsCertificateFlags f, gpointer p)
{
    (void)m, (void)c, (void)f, (void)p;
    return TRUE;
}

int main(int argc, char **argv)
{
    adapter_opts o;
    adapter_out out;
    if (adapter_parse(argc, argv, &o) < 0)
        return 2;
    adapter_out_init(&out);
    if (o.nproxy_headers)
        return adapter_fail(&out, "AdapterUnsupported",
                            "libsoup adds no header of ours to its CONNECT", 0, 1,
                            "libsoup adapter: tunnel headers are not supported"),
               adapter_print(&out), 0;
    if (o.proxy && !o.https)
        return adapter_fail(&out, "AdapterUnsupported",
                            "libsoup tunnels only https:// through a proxy", 0, 1,
                            "libsoup adapter: http:// goes to the proxy in absolute-form, not "
                            "through CONNECT"),
               adapter_print(&out), 0;
    SoupSession *s = soup_session_new_with_options("timeout", (guint)ceil(o.timeout), "max-conns",
                                                   1, "max-conns-per-host", 1, NULL);
    soup_session_remove_feature_by_type(s, SOUP_TYPE_CONTENT_DECODER);
    soup_session_remove_feature_by_type(s, SOUP_TYPE_CONTENT_SNIFFER);
    if (o.cacert) {
        GError *e = NULL;
        GTlsDatabase *db = g_tls_file_database_new(o.cacert, &e);
        if (db)
            soup_session_set_tls_database(s, db);
    }
    if (o.proxy) {
        char *p = g_strdup_printf("http://%s", o.proxy);
        GProxyResolver *r = g_simple_proxy_resolver_new(p, NULL);
        soup_session_set_proxy_resolver(s, r);
    }
    watchdog w = {.cancel = g_cancellable_new(), .timeout_us = (gint64)(o.timeout * 1e6)};
    g_mutex_init(&w.lock);
    g_thread_new("watchdog", watch, &w);
    for (size_t k = 0; k < o.n; k++) {
        adapter_req *q = &o.reqs[k];
        int last = k + 1 == o.n;
        SoupMessage *m;
        if (o.raw_target && last && !strcmp(o.raw_target, "*") && !strcmp(q->method, "OPTIONS")) {
            GUri *base = g_uri_parse(o.origin, SOUP_HTTP_URI_FLAGS, NULL);
            m = soup_message_new_options_ping(base);
        } else if (o.raw_target && last) {
            m = NULL;
        } else {
            char *u = g_strdup_printf("%s%s", o.origin, q->target);
            m = soup_message_new(q->method, u);
        }
        if (m == NULL) {
            adapter_fail(&out, "AdapterUnsupported", "soup_message_new: not a URI libsoup takes", k,
                         o.n, "libsoup adapter: the target is no URI libsoup sends");
            break;
        }
        soup_message_add_flags(m, SOUP_MESSAGE_NO_REDIRECT);
        if (o.insecure)
            g_signal_connect(m, "accept-certificate", G_CALLBACK(accept_any), NULL);
        SoupMessageHeaders *rh = soup_message_get_request_headers(m);
        for (size_t i = 0; i < q->nheaders; i++) {
            const char *v;
            size_t nl = adapter_header_split(q->headers[i], &v);
            char *name = g_strndup(q->headers[i], nl);
            soup_message_headers_append(rh, name, v);
            g_free(name);
        }
        if (q->data) {
            GBytes *b = g_bytes_new(q->data, q->data_len);
            soup_message_set_request_body_from_bytes(m, NULL, b);
        }
        GError *e = NULL;
        arm(&w, 1);
        GInputStream *in = soup_session_send(s, m, w.cancel, &e);
        if (in == NULL) {
            fail(&out, e, 0, k, o.n);
            break;
        }
        if (last)
            head(&out, m);
        char buf[65536];
        gssize got;
        arm(&w, 1);
        while ((got = g_input_stream_read(in, buf, sizeof buf, w.cancel, &e)) > 0) {
            arm(&w, 1);
            if (last)
                adapter_add_body(&out, buf, (size_t)got);
        }
        arm(&w, 0);
        if (got < 0) {
            fail(&out, e, 1, k, o.n);
            if (last) {
                goffset cl =
                    soup_message_headers_get_content_length(soup_message_get_response_headers(m));
                out.partial_len = (long long)out.body_len;
                if (soup_message_headers_get_encoding(soup_message_get_response_headers(m)) ==
                    SOUP_ENCODING_CONTENT_LENGTH)
                    out.expected_more = (long long)cl - (long long)out.body_len;
            }
            break;
        }
        g_input_stream_close(in, NULL, NULL);
    }
    adapter_print(&out);
    return 0;
}
