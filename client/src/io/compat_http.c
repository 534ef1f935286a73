/* SPDX-License-Identifier: MIT */
/* httplib's compatibility class HTTP (Python 2.6 and 2.7, removed in 3.0): a
 * thin layer over httpc_conn and httpc_resp, so a program written against the
 * 1.5.2-era interface (putrequest ... getreply, getfile) has a C counterpart.
 * Its outcomes were recorded from 2.7.18's httplib.HTTP on the same bytes
 * (tests/oracle/compat_http_py27.py). */
#include "compat_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct httpc_http {
    httpc_conn *conn;       /* self._conn, an HTTP/1.0 HTTPConnection */
    httpc_conn_opts opts;   /* to make the connection anew on connect(host) */
    httpc__connector_fn connector;
    void *connector_ctx;
    httpc_resp *resp;       /* self.headers is resp's message */
    httpc__transport *file; /* self.file: NULL for None */
    char line[256];         /* the BadStatusLine's line, for errcode -1 */
    size_t line_len;        /* it may hold NUL bytes */
    char errmsg[256];
};

static int fail(httpc_http *h, int err, const char *msg)
{
    snprintf(h->errmsg, sizeof h->errmsg, "%s", msg);
    return err;
}

/* The connection for (host, port), with what h set on the one before it. */
static int make_conn(httpc_http *h, const char *host, int port, httpc_conn **out)
{
    int rc = httpc_conn_new_detail(out, host, port > 0 ? port : -1, &h->opts, h->errmsg,
                                   sizeof h->errmsg);
    if (rc == 0 && h->connector != NULL)
        httpc__conn_set_connector(*out, h->connector, h->connector_ctx);
    return rc;
}

int httpc_http_new(httpc_http **out, const char *host, int port, const httpc_conn_opts *opts,
                   char *detail, size_t cap)
{
    httpc_http *h;
    int rc;

    *out = NULL;
    if (detail != NULL && cap > 0)
        detail[0] = '\0';
    const httpc_profile *p = opts && opts->profile ? opts->profile
                                                   : httpc_profile_get(HTTPC_PROFILE_PY3);
    if (!p->has_http_class) {
        if (detail != NULL)
            snprintf(detail, cap, "module 'http.client' has no attribute 'HTTP' (removed in 3.0)");
        return HTTPC_E_ATTRIBUTE_ERROR;
    }
    if ((h = calloc(1, sizeof *h)) == NULL)
        return HTTPC_E_NOMEM;
    if (opts != NULL)
        h->opts = *opts;
    else
        httpc_conn_opts_init(&h->opts);
    h->opts.profile = p;
    h->opts.http_vsn = 10; /* _http_vsn = 10: no Host or Accept-Encoding of its own */
    if ((rc = make_conn(h, host, port, &h->conn)) < 0) {
        if (detail != NULL)
            snprintf(detail, cap, "%s", h->errmsg);
        free(h);
        return rc;
    }
    *out = h;
    return 0;
}

void httpc__http_set_connector(httpc_http *h, httpc__connector_fn fn, void *ctx)
{
    h->connector = fn;
    h->connector_ctx = ctx;
    httpc__conn_set_connector(h->conn, fn, ctx);
}

/* The reply before this one: its headers and file go (self.file, self.headers
 * are rebound by each getreply). */
static void forget_reply(httpc_http *h)
{
    httpc_resp_free(h->resp);
    h->resp = NULL;
    httpc__transport_unref(h->file);
    h->file = NULL;
}

void httpc_http_free(httpc_http *h)
{
    if (h == NULL)
        return;
    forget_reply(h);
    httpc_conn_free(h->conn);
    free(h);
}

/* "Accept arguments to set the host/port, since the superclass doesn't":
 * a new connection to (host, port) takes the old one's place. */
int httpc_http_connect(httpc_http *h, const char *host, int port)
{
    if (host != NULL) {
        httpc_conn *c;
        int rc = make_conn(h, host, port, &c);
        if (rc < 0)
            return rc;
        httpc_conn_free(h->conn);
        h->conn = c;
    }
    int rc = httpc_conn_connect(h->conn);
    return rc < 0 ? fail(h, rc, httpc_conn_errmsg(h->conn)) : 0;
}

/* The delegated methods: the connection's own, its detail copied. */
static int delegated(httpc_http *h, int rc)
{
    return rc < 0 ? fail(h, rc, httpc_conn_errmsg(h->conn)) : rc;
}

int httpc_http_putrequest(httpc_http *h, const char *method, const char *url)
{
    return delegated(h, httpc_conn_putrequest(h->conn, method, url, 0, 0));
}

int httpc_http_putheader(httpc_http *h, const char *name, const char *const *values,
                         size_t nvalues)
{
    return delegated(h, httpc_conn_putheader(h->conn, name, values, nvalues));
}

int httpc_http_endheaders(httpc_http *h)
{
    return delegated(h, httpc_conn_endheaders(h->conn, NULL, 0));
}

int httpc_http_send(httpc_http *h, const void *data, size_t len)
{
    return delegated(h, httpc_conn_send(h->conn, data, len));
}

void httpc_http_set_debuglevel(httpc_http *h, int level)
{
    h->opts.debuglevel = level;
    httpc_conn_set_debuglevel(h->conn, level);
}

/* A reply with a status line: self.file = response.fp. httplib 2.x reads its
 * response through makefile('rb', 0), never past what it parses, so the file
 * goes on right after the head. Closing our response gives back what it read
 * ahead to the transport the file reads (py2 profiles do, resp.c close_conn);
 * the headers stay readable. */
static int got_reply(httpc_http *h, httpc_resp *r, httpc__transport *t, httpc_http_reply *out)
{
    httpc_resp_close(r);
    h->resp = r;
    h->file = t;
    out->errcode = httpc_resp_status(r);
    out->errmsg = httpc_resp_reason_span(r);
    out->headers = r;
    return 0;
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* e.line from the connection's detail, which is 2.x's repr of the line
 * ('HTTP/1.1 abc OK\r\n', the escapes \\ \' \" \r \n \t \xHH), or the
 * bare message of an empty reply (2.7), or for an empty line its repr ''
 * (BadStatusLine.__init__ puts repr(line) for an empty line: profiles with
 * HTTPC_EMPTY_BAD_STATUS_REPR). A detail cut short (a line longer than the
 * detail buffer) keeps what arrived. */
static void line_of(httpc_http *h, const char *d)
{
    size_t n = strlen(d), k = 0;
    char q = d[0];
    if (n <= 2 || (q != '\'' && q != '"')) {
        memcpy(h->line, d, n + 1);
        h->line_len = n;
        return;
    }
    for (size_t i = 1; i < n && !(d[i] == q && i == n - 1) && k < sizeof h->line; i++) {
        char c = d[i];
        if (c == '\\' && i + 1 < n) {
            c = d[++i];
            c = c == 'r' ? '\r' : c == 'n' ? '\n' : c == 't' ? '\t' : c;
            if (d[i] == 'x' && i + 2 < n && hex_digit(d[i + 1]) >= 0 && hex_digit(d[i + 2]) >= 0) {
                c = (char)(hex_digit(d[i + 1]) * 16 + hex_digit(d[i + 2]));
                i += 2;
            }
        }
        h->line[k++] = c;
    }
    h->line_len = k;
}

int httpc_http_getreply(httpc_http *h, httpc_http_reply *out)
{
    httpc__transport *t = httpc__conn_transport(h->conn);
    httpc_resp *r = NULL;

    memset(out, 0, sizeof *out);
    forget_reply(h);
    if (t != NULL)
        httpc__transport_ref(t);
    int rc = httpc_conn_getresponse(h->conn, &r);
    if (rc == 0)
        return got_reply(h, r, t, out);
    httpc__transport_unref(t);
    fail(h, rc, httpc_conn_errmsg(h->conn));
    if (!httpc_err_is(rc, HTTPC_E_BAD_STATUS_LINE))
        return rc;
    /* return -1, e.line, None: after close(), which drops the file it made */
    line_of(h, h->errmsg);
    httpc_http_close(h);
    out->errcode = -1;
    out->errmsg = (httpc_span){h->line, h->line_len};
    return 0;
}

int httpc_http_getfile(const httpc_http *h)
{
    return h->file != NULL;
}

/* _fileobject.read(n) of an unbuffered socket file: recv until n or EOF. */
ssize_t httpc_http_file_read(httpc_http *h, void *buf, size_t n)
{
    size_t got = 0;

    if (h->file == NULL)
        return fail(h, HTTPC_E_ATTRIBUTE_ERROR, "'NoneType' object has no attribute 'read'");
    while (got < n) {
        ssize_t k = httpc__transport_recv(h->file, (char *)buf + got, n - got);
        if (k < 0)
            return fail(h, (int)k, h->file->errmsg);
        if (k == 0)
            break;
        got += (size_t)k;
    }
    return (ssize_t)got;
}

void httpc_http_close(httpc_http *h)
{
    httpc_conn_close(h->conn);
    httpc__transport_unref(h->file);
    h->file = NULL;
}

const char *httpc_http_errmsg(const httpc_http *h)
{
    return h->errmsg;
}
