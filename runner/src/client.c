/* SPDX-License-Identifier: MIT */
/* The reference client in-process: a scenario's requests on one connection
 * object, each response read to its end, the last one's outcome kept. */
#include "runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

typedef struct body_acc {
    outcome *o;
    EVP_MD_CTX *sha;
} body_acc;

static int body_sink(void *ctx, const void *data, size_t len)
{
    body_acc *b = ctx;
    if (data == NULL)
        return 0;
    EVP_DigestUpdate(b->sha, data, len);
    if (b->o->body_len + len <= (1u << 20)) {
        unsigned char *p = realloc(b->o->body, b->o->body_len + len + 1);
        if (p == NULL)
            return HTTPC_E_NOMEM;
        memcpy(p + b->o->body_len, data, len);
        b->o->body = p;
    }
    b->o->body_len += len;
    return 0;
}

/* Sends one request and reads its response to the end; the outcome of the
 * last one is what is judged. */
static void one_request(httpc_conn *c, const httpc_scn_request *q, outcome *o, body_acc *acc)
{
    httpc_kv hdrs[64];
    httpc_body body = {0};
    size_t nh = q->nheaders < 64 ? q->nheaders : 64;

    for (size_t i = 0; i < nh; i++)
        hdrs[i] = (httpc_kv){q->headers[i].name, q->headers[i].value};
    if (q->has_body)
        body = (httpc_body){.kind = HTTPC_BODY_BUFFER, .data = q->body, .len = q->body_len};
    o->err = httpc_conn_request(c, q->method, q->target, &body, hdrs, nh, 0);
    if (o->err == 0)
        o->err = httpc_conn_getresponse(c, &o->resp);
    if (o->err < 0) {
        snprintf(o->detail, sizeof o->detail, "%s", httpc_conn_errmsg(c));
        return;
    }
    httpc_resp *r = o->resp;
    o->have_resp = 1;
    o->status = httpc_resp_status(r);
    o->version = httpc_resp_version(r);
    o->will_close = httpc_resp_will_close(r);
    httpc_span reason = httpc_resp_reason_span(r); /* whole: it may hold NUL */
    o->reason_len = reason.len < sizeof o->reason ? reason.len : sizeof o->reason - 1;
    memcpy(o->reason, reason.ptr, o->reason_len);
    o->reason[o->reason_len] = '\0';
    int64_t n = httpc_resp_read_all(r, body_sink, acc);
    if (n < 0) {
        o->err = (int)n;
        snprintf(o->detail, sizeof o->detail, "%s", httpc_resp_errmsg(r));
        httpc_resp_incomplete(r, &o->partial, &o->expected, NULL);
    }
}

void conform_run_client(const httpc_scenario *s, const httpc_profile *p, int port, int timeout,
                        int read_cap, outcome *o)
{
    httpc_conn_opts co;
    httpc_conn *c = NULL;
    body_acc acc = {o, EVP_MD_CTX_new()};
    unsigned char md[32];
    unsigned int mdlen = 0;
    char host[300], ca[4200];
    httpc_tls_opts tls;

    httpc_conn_opts_init(&co);
    co.profile = p;
    co.timeout_ms = timeout;
    co.read_cap = (size_t)read_cap; /* each socket read takes at most this (0: no cap) */
    httpc_tls_opts_init(&tls);
    if (s->tls) { /* HTTPS trusting the test CA; tls-verify: overrides the profile */
        snprintf(ca, sizeof ca, "%s/ca.pem", httpc_mock_cert_dir());
        tls.ca_file = ca;
        tls.verify = s->tls_verify < 0 ? HTTPC_TLS_VERIFY_DEFAULT
                     : s->tls_verify ? HTTPC_TLS_VERIFY_REQUIRED : HTTPC_TLS_VERIFY_NONE_INSECURE;
        co.tls = &tls;
    }
    EVP_DigestInit_ex(acc.sha, EVP_sha256(), NULL);
    o->partial = o->expected = o->conn_kept = -1;
    snprintf(host, sizeof host, "%.250s:%d", s->client_host ? s->client_host : "127.0.0.1", port);
    o->err = httpc_conn_new(&c, host, -1, &co);
    if (o->err == 0 && s->tunnel_host) { /* set_tunnel(): the server is the proxy too */
        const char *names[64], *values[64];
        size_t n = s->ntunnel_headers < 64 ? s->ntunnel_headers : 64;
        for (size_t i = 0; i < n; i++)
            names[i] = s->tunnel_headers[i].name, values[i] = s->tunnel_headers[i].value;
        o->err = httpc_conn_set_tunnel(c, s->tunnel_host, s->tunnel_port, names, values, n);
        if (o->err < 0)
            snprintf(o->detail, sizeof o->detail, "%s", httpc_conn_errmsg(c));
    }
    for (size_t i = 0; o->err == 0 && i < s->nbefore; i++) {
        outcome early = {0};
        body_acc eacc = {&early, EVP_MD_CTX_new()};
        EVP_DigestInit_ex(eacc.sha, EVP_sha256(), NULL);
        one_request(c, &s->before[i], &early, &eacc);
        EVP_MD_CTX_free(eacc.sha);
        free(early.body);
        httpc_resp_free(early.resp);
        if (early.err < 0) { /* an earlier request failing is the outcome */
            o->err = early.err;
            snprintf(o->detail, sizeof o->detail, "request %zu of %zu: %.200s", i + 1,
                     s->nbefore + 1, early.detail);
        }
    }
    if (o->err == 0) {
        httpc_scn_request last = {s->method, s->target, s->req_headers, s->nreq_headers,
                                  s->req_body, s->req_body_len, s->has_req_body};
        one_request(c, &last, o, &acc);
        o->conn_kept = httpc_conn_fileno(c) >= 0;
    } else if (c == NULL) {
        snprintf(o->detail, sizeof o->detail, "cannot create the connection");
    }
    EVP_DigestFinal_ex(acc.sha, md, &mdlen);
    for (unsigned i = 0; i < mdlen; i++)
        sprintf(o->sha + 2 * i, "%02x", md[i]);
    EVP_MD_CTX_free(acc.sha);
    httpc_conn_free(c);
    /* A response keeps its socket past its connection, as in Python; the mock
     * server waits for the client to hang up, so hang up now. */
    if (o->resp != NULL)
        httpc_resp_close(o->resp);
    if (o->err < 0)
        snprintf(o->error, sizeof o->error, "%s", httpc_err_name(o->err));
}

