/* SPDX-License-Identifier: MIT */
/* The reference client in-process: a scenario's requests on one connection
 * object, each response read to its end, the last one's outcome kept. The
 * running and recording is the CLI's too (client/record/httpc_record.h). */
#include "runner.h"
#include "httpc_record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* At most this many request headers of a scenario's request are sent. */
#define CONFORM_MAX_REQ_HEADERS 64

/* A scenario request as the recorder takes it; hdrs holds its headers. */
static httpc_record_req scn_request(const httpc_scn_request *q, httpc_kv *hdrs, httpc_body *body)
{
    size_t nh = q->nheaders < CONFORM_MAX_REQ_HEADERS ? q->nheaders : CONFORM_MAX_REQ_HEADERS;

    for (size_t i = 0; i < nh; i++)
        hdrs[i] = (httpc_kv){q->headers[i].name, q->headers[i].value};
    *body = q->has_body
                ? (httpc_body){.kind = HTTPC_BODY_BUFFER, .data = q->body, .len = q->body_len}
                : (httpc_body){0};
    return (httpc_record_req){q->method, q->target, body, hdrs, nh, 0};
}

/* set_tunnel(): the mock server is the proxy too. */
static int tunnel(httpc_conn *c, const httpc_scenario *s, httpc_record *rec)
{
    const char *names[CONFORM_MAX_REQ_HEADERS], *values[CONFORM_MAX_REQ_HEADERS];
    size_t n =
        s->ntunnel_headers < CONFORM_MAX_REQ_HEADERS ? s->ntunnel_headers : CONFORM_MAX_REQ_HEADERS;

    for (size_t i = 0; i < n; i++)
        names[i] = s->tunnel_headers[i].name, values[i] = s->tunnel_headers[i].value;
    int rc = httpc_conn_set_tunnel(c, s->tunnel_host, s->tunnel_port, names, values, n);
    return rc < 0 ? httpc_record_fail(rec, rc, httpc_conn_errmsg(c)) : 0;
}

/* The scenario's requests on `c`: the earlier ones, then the judged one. */
static void run_requests(httpc_conn *c, const httpc_scenario *s, httpc_record *rec)
{
    httpc_kv hdrs[CONFORM_MAX_REQ_HEADERS];
    httpc_body body;

    for (size_t i = 0; i < s->nbefore; i++) {
        httpc_record_req q = scn_request(&s->before[i], hdrs, &body);
        if (httpc_record_before(rec, c, &q, i + 1, s->nbefore + 1) < 0)
            return;
    }
    httpc_scn_request last = {s->method,   s->target,       s->req_headers, s->nreq_headers,
                              s->req_body, s->req_body_len, s->has_req_body};
    httpc_record_req q = scn_request(&last, hdrs, &body);
    httpc_record_exchange(rec, c, &q, HTTPC_RECORD_READ, 0);
}

/* The record into the runner's outcome (which adapters fill from JSON). */
static void to_outcome(httpc_record *rec, outcome *o)
{
    o->err = rec->err;
    snprintf(o->detail, sizeof o->detail, "%.*s", (int)sizeof o->detail - 1, rec->detail);
    if (o->err < 0)
        snprintf(o->error, sizeof o->error, "%s", httpc_err_name(o->err));
    o->conn_kept = rec->conn_kept;
    o->partial = rec->partial, o->expected = rec->expected;
    if ((o->resp = rec->resp) == NULL)
        return;
    rec->resp = NULL; /* the outcome owns it now */
    o->have_resp = 1;
    o->status = httpc_resp_status(o->resp);
    o->version = httpc_resp_version(o->resp);
    o->will_close = httpc_resp_will_close(o->resp);
    httpc_span reason = httpc_resp_reason_span(o->resp); /* whole: it may hold NUL */
    o->reason_len = reason.len < sizeof o->reason ? reason.len : sizeof o->reason - 1;
    memcpy(o->reason, reason.ptr, o->reason_len);
    o->reason[o->reason_len] = '\0';
    o->body_len = (size_t)rec->body_len;
    o->body = httpc_record_take_body(rec);
    snprintf(o->sha, sizeof o->sha, "%s", rec->body_sha256);
}

void conform_run_client(const httpc_scenario *s, const httpc_profile *p, int port, int timeout,
                        int read_cap, outcome *o)
{
    httpc_conn_opts co;
    httpc_conn *c = NULL;
    httpc_record rec;
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
                     : s->tls_verify   ? HTTPC_TLS_VERIFY_REQUIRED
                                       : HTTPC_TLS_VERIFY_NONE_INSECURE;
        co.tls = &tls;
    }
    snprintf(host, sizeof host, "%.250s:%d", s->client_host ? s->client_host : "127.0.0.1", port);
    int rc = httpc_record_init(&rec, NULL);
    if (rc == 0 && (rc = httpc_conn_new(&c, host, -1, &co)) < 0)
        httpc_record_fail(&rec, rc, "cannot create the connection");
    else if (rc < 0)
        httpc_record_fail(&rec, rc, "out of memory");
    if (rc == 0 && (!s->tunnel_host || tunnel(c, s, &rec) == 0))
        run_requests(c, s, &rec);
    httpc_record_finish(&rec, c);
    to_outcome(&rec, o);
    httpc_record_free(&rec);
    httpc_conn_free(c);
    /* A response keeps its socket past its connection, as in Python; the mock
     * server waits for the client to hang up, so hang up now. */
    if (o->resp != NULL)
        httpc_resp_close(o->resp);
}
