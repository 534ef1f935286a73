/* SPDX-License-Identifier: MIT */
/* httpc-conform: runs scenario files against the reference client, profile by
 * profile, judges each outcome against the scenario's expectation, and writes
 * JSON, Markdown and JUnit reports. */
#define _GNU_SOURCE /* memmem */
#include "httpc.h"
#include "httpc_mock.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char usage[] =
    "usage: httpc-conform [options] PATH...\n"
    "\n"
    "Runs every scenario (*.scn) under PATH against the reference client and\n"
    "judges each outcome: pass, lenient (an accepted weaker outcome), fail.\n"
    "\n"
    "  --profile NAME   py27, py27-strict, py3, strict, or all (default)\n"
    "  --filter TEXT    only scenarios whose id contains TEXT\n"
    "  --id GLOB        only scenarios whose id matches GLOB ('chunked/*' is an id\n"
    "                   prefix; repeatable: any of them)\n"
    "  --exclude GLOB   skip scenarios whose id matches GLOB (repeatable)\n"
    "  --tag TAG        only scenarios with this tag (repeatable)\n"
    "  --exclude-tag T  skip scenarios with this tag (repeatable)\n"
    "  --adapter CMD    run another client: CMD is run with -X METHOD [-H 'N: v']...\n"
    "                   [--data-file PATH] --timeout SECS --json URL and prints the\n"
    "                   JSON outcome of adapters/PROTOCOL.md (e.g. 'httpc', or\n"
    "                   'python3 tests/oracle/cpython_adapter.py')\n"
    "  --adapter-profile NAME  the profile whose expectations the adapter must meet\n"
    "                   (default py3)\n"
    "  --expectations F the client's known deviations, one per line:\n"
    "                   'ID PROFILE: reason'; a listed failure is expected-failure,\n"
    "                   a listed pass is unexpected-pass (and fails the run)\n"
    "  --list           list the scenarios and stop\n"
    "  -j N             run N scenarios at once, each with its own server port\n"
    "                   (default 1)\n"
    "  --shard I/N      run the I-th of N disjoint slices of the scenarios (1-based),\n"
    "                   for CI jobs in parallel\n"
    "  --seed S         run in a random order drawn from S (printed, so a run can\n"
    "                   be repeated); 'random' picks one\n"
    "  --repeat N       run everything N times; a verdict that changes between runs\n"
    "                   is reported as unstable and fails the run\n"
    "  --chaos SEED     cut every write of the server into random pieces (down to\n"
    "                   1 byte) with random 1-3 ms pauses, drawn from SEED: a\n"
    "                   verdict must not depend on how TCP cuts the bytes\n"
    "  --trace          print every write of the server and of the client, with\n"
    "                   timestamps, as scenario byte strings (use with --id; -j 1)\n"
    "  --timeout MS     client timeout per scenario (default 5000; a scenario's\n"
    "                   'timeout:' overrides it); an adapter still running at twice\n"
    "                   this plus 5 s is killed and judged 'timeout'\n"
    "  --reports DIR    write DIR/results.json, summary.md, junit.xml, report.html\n"
    "  -q               print failures and the summary only\n"
    "  -h, --help       this text\n"
    "\n"
    "Exit status: 0 when nothing failed, 1 when a scenario failed, 2 on bad input.\n";

static const char *const all_profiles[] = {"py27", "py27-strict", "py3", "strict"};

typedef struct outcome {
    int err;          /* the reference client's code (0 when none) */
    char error[64];   /* the exception class name, "" for a response */
    char detail[256];
    char native[256]; /* an adapter's native_error, verbatim (adapters/TAXONOMY.md) */
    int status, version, will_close, have_resp;
    int conn_kept; /* the connection after the outcome: 1 kept, 0 closed, -1 unknown */
    char reason[256];
    unsigned char *body;
    size_t body_len;
    char sha[65];
    int64_t partial, expected;
    httpc_resp *resp;  /* in-process runs */
    char **hnames, **hvalues; /* adapter runs: the headers it reported */
    size_t nh;
} outcome;

typedef struct result {
    const httpc_scenario *s;
    const char *profile;
    const char *verdict; /* pass, lenient, fail, harness-error */
    char why[512];
    outcome o;
    double ms;
    unsigned char *sent; /* what the client sent on its first connection (4 KiB at most) */
    size_t sent_len;
} result;

typedef struct opts {
    const char *profile, *filter, *reports;
    const char *adapter;         /* external client command, NULL: in-process */
    const char *expectations;    /* known deviations of the client under test */
    const char *adapter_profile; /* whose expectations the adapter answers to */
    const char *tags[16], *xtags[16], *ids[16], *xids[16];
    int ntags, nxtags, nids, nxids, list, quiet, timeout_ms, trace;
    int jobs, shard_i, shard_n, repeat;
    unsigned long long seed, chaos_seed;
    int have_seed, chaos;
} opts;

/* ---- running one scenario ------------------------------------------------ */

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
    snprintf(o->reason, sizeof o->reason, "%s", httpc_resp_reason(r));
    int64_t n = httpc_resp_read_all(r, body_sink, acc);
    if (n < 0) {
        o->err = (int)n;
        snprintf(o->detail, sizeof o->detail, "%s", httpc_resp_errmsg(r));
        httpc_resp_incomplete(r, &o->partial, &o->expected, NULL);
    }
}

static void run_client(const httpc_scenario *s, const httpc_profile *p, int port, int timeout,
                       outcome *o)
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

/* ---- external clients: the adapter protocol (adapters/PROTOCOL.md) ------- */

/* getheader() over either kind of outcome: values joined with ", ". */
static ssize_t outcome_header(const outcome *o, const char *name, char *buf, size_t cap)
{
    size_t n = 0;
    int found = 0;
    if (o->resp)
        return httpc_resp_getheader(o->resp, name, buf, cap);
    buf[0] = '\0';
    for (size_t i = 0; i < o->nh; i++) {
        if (strcasecmp(o->hnames[i], name))
            continue;
        n += (size_t)snprintf(buf + (n < cap ? n : cap - 1), n < cap ? cap - n : 1, "%s%s",
                              found++ ? ", " : "", o->hvalues[i]);
    }
    return found ? (ssize_t)n : -1;
}

typedef struct jp {
    const char *p, *end;
    int bad;
} jp;

static void jws(jp *j)
{
    while (j->p < j->end && strchr(" \t\r\n", *j->p))
        j->p++;
}

/* A JSON string into a malloc'd byte string: code points up to 0xFF become
 * one byte (the adapter protocol gives header bytes as ISO-8859-1 code points). */
static char *jstr(jp *j)
{
    jws(j);
    if (j->p >= j->end || *j->p != '"')
        return j->bad = 1, NULL;
    size_t cap = 64, n = 0;
    char *out = malloc(cap);
    for (j->p++; j->p < j->end && *j->p != '"'; j->p++) {
        unsigned v = (unsigned char)*j->p;
        if (v == '\\' && j->p + 1 < j->end) {
            char e = *++j->p;
            if (e == 'u' && j->p + 4 < j->end) {
                v = (unsigned)strtoul((char[5]){j->p[1], j->p[2], j->p[3], j->p[4], 0}, NULL, 16);
                j->p += 4;
            } else {
                v = e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e == 'b' ? '\b'
                  : e == 'f' ? '\f' : (unsigned char)e;
            }
        } else if (v >= 0xc0 && v < 0xe0 && j->p + 1 < j->end) { /* 2-byte UTF-8 */
            v = ((v & 0x1f) << 6) | ((unsigned char)*++j->p & 0x3f);
        }
        if (n + 2 >= cap)
            out = realloc(out, cap *= 2);
        out[n++] = (char)(v & 0xff);
    }
    if (j->p >= j->end)
        return free(out), j->bad = 1, NULL;
    j->p++;
    out[n] = '\0';
    return out;
}

/* Skips any value; returns 0 for null. */
static int jskip(jp *j)
{
    jws(j);
    if (j->p >= j->end)
        return j->bad = 1, 0;
    char ch = *j->p;
    if (ch == '"') {
        free(jstr(j));
        return 1;
    }
    if (ch == '[' || ch == '{') {
        int depth = 0;
        do {
            if (*j->p == '"') {
                free(jstr(j));
                continue;
            }
            depth += (*j->p == '[' || *j->p == '{') - (*j->p == ']' || *j->p == '}');
            j->p++;
        } while (depth > 0 && j->p < j->end);
        return 1;
    }
    const char *s = j->p;
    while (j->p < j->end && !strchr(",}] \t\r\n", *j->p))
        j->p++;
    return !(j->p - s == 4 && !strncmp(s, "null", 4));
}

static long long jnum(jp *j, long long null_value)
{
    jws(j);
    if (j->p + 4 <= j->end && !strncmp(j->p, "null", 4))
        return j->p += 4, null_value;
    char *endp;
    long long v = strtoll(j->p, &endp, 10);
    if (endp == j->p)
        j->bad = 1;
    j->p = endp;
    return v;
}

static void jheaders(jp *j, outcome *o)
{
    jws(j);
    if (j->p < j->end && *j->p != '[') {
        jskip(j);
        return;
    }
    for (j->p++;;) {
        jws(j);
        if (j->p >= j->end || *j->p == ']')
            break;
        if (*j->p == ',') {
            j->p++;
            continue;
        }
        if (*j->p != '[')
            return (void)(j->bad = 1);
        j->p++;
        char *name = jstr(j);
        jws(j);
        j->p += j->p < j->end && *j->p == ',';
        char *value = jstr(j);
        jws(j);
        j->p += j->p < j->end && *j->p == ']';
        if (!name || !value)
            return (void)(free(name), free(value), j->bad = 1);
        o->hnames = realloc(o->hnames, (o->nh + 1) * sizeof *o->hnames);
        o->hvalues = realloc(o->hvalues, (o->nh + 1) * sizeof *o->hvalues);
        o->hnames[o->nh] = name;
        o->hvalues[o->nh++] = value;
    }
    j->p++;
}

static void b64_decode(const char *s, outcome *o)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t len = strlen(s), n = 0;
    unsigned bits = 0, nbits = 0;
    o->body = malloc(len * 3 / 4 + 1);
    for (size_t i = 0; i < len && s[i] != '='; i++) {
        const char *q = strchr(tbl, s[i]);
        if (q == NULL)
            break;
        bits = (bits << 6) | (unsigned)(q - tbl);
        nbits += 6;
        if (nbits >= 8) {
            nbits -= 8;
            o->body[n++] = (unsigned char)(bits >> nbits);
        }
    }
    o->body_len = n;
}

/* The outcome object of the adapter protocol. */
static int parse_outcome(const char *text, size_t len, outcome *o)
{
    jp j = {text, text + len, 0};
    jws(&j);
    if (j.p >= j.end || *j.p != '{')
        return -1;
    for (j.p++; !j.bad;) {
        jws(&j);
        if (j.p < j.end && *j.p == ',')
            j.p++;
        jws(&j);
        if (j.p >= j.end || *j.p == '}')
            break;
        char *key = jstr(&j), *sv = NULL;
        jws(&j);
        if (key == NULL || j.p >= j.end || *j.p++ != ':')
            return free(key), -1;
        jws(&j);
        int is_str = j.p < j.end && *j.p == '"';
        if (!strcmp(key, "headers"))
            jheaders(&j, o);
        else if (is_str && (sv = jstr(&j)) != NULL) {
            if (!strcmp(key, "error"))
                snprintf(o->error, sizeof o->error, "%s", sv);
            else if (!strcmp(key, "detail"))
                snprintf(o->detail, sizeof o->detail, "%s", sv);
            else if (!strcmp(key, "native_error"))
                snprintf(o->native, sizeof o->native, "%s", sv);
            else if (!strcmp(key, "reason"))
                snprintf(o->reason, sizeof o->reason, "%s", sv);
            else if (!strcmp(key, "body_sha256"))
                snprintf(o->sha, sizeof o->sha, "%s", sv);
            else if (!strcmp(key, "body_b64"))
                b64_decode(sv, o);
            else if (!strcmp(key, "connection"))
                o->conn_kept = !strcmp(sv, "kept") ? 1 : !strcmp(sv, "closed") ? 0 : -1;
            free(sv);
        } else if (!strcmp(key, "status")) {
            o->status = (int)jnum(&j, 0);
            o->have_resp = o->status != 0;
        } else if (!strcmp(key, "version")) {
            o->version = (int)jnum(&j, 0);
        } else if (!strcmp(key, "body_len")) {
            long long n = jnum(&j, -1);
            if (n >= 0 && o->body == NULL)
                o->body_len = (size_t)n;
        } else if (!strcmp(key, "partial_len")) {
            o->partial = jnum(&j, -1);
        } else if (!strcmp(key, "expected_more")) {
            o->expected = jnum(&j, -1);
        } else if (!strcmp(key, "will_close")) {
            jws(&j);
            o->will_close = j.p + 4 <= j.end && !strncmp(j.p, "true", 4);
            jskip(&j);
        } else {
            jskip(&j);
        }
        free(key);
    }
    return j.bad ? -1 : 0;
}

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads a child's output until EOF; 1 when it is still writing (or silent)
 * after limit_ms: the client hangs, as opposed to having closed or failed. */
static int read_child(int fd, char *text, size_t cap, size_t *len, long long limit_ms)
{
    long long deadline = mono_ms() + limit_ms;
    struct pollfd pf = {.fd = fd, .events = POLLIN};
    while (text != NULL && *len < cap) {
        long long left = deadline - mono_ms();
        if (left <= 0 || poll(&pf, 1, (int)(left > 60000 ? 60000 : left)) == 0) {
            if (mono_ms() >= deadline)
                return 1;
            continue;
        }
        ssize_t k = read(fd, text + *len, cap - *len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return 0;
        *len += (size_t)k;
    }
    return 0;
}

/* An adapter's command line: the words point into `store` (bounded: words
 * past the room are dropped and the run is a harness error). */
typedef struct adapter_args {
    char *v[512];
    int n, over;
    char store[32768];
    size_t used;
    char tmp[9][40]; /* request body files, removed after the run */
    int ntmp;
} adapter_args;

static void arg(adapter_args *a, const char *fmt, ...)
{
    va_list ap;
    size_t room = sizeof a->store - a->used;
    va_start(ap, fmt);
    int k = vsnprintf(a->store + a->used, room, fmt, ap);
    va_end(ap);
    if (k < 0 || (size_t)k >= room || a->n + 2 > (int)(sizeof a->v / sizeof *a->v)) {
        a->over = 1;
        return;
    }
    a->v[a->n++] = a->store + a->used;
    a->used += (size_t)k + 1;
}

/* The body of a request, in a temporary file named on the command line. */
static void arg_body(adapter_args *a, const char *opt, const unsigned char *p, size_t len)
{
    if (a->ntmp == 9) {
        a->over = 1;
        return;
    }
    char *path = a->tmp[a->ntmp];
    snprintf(path, sizeof a->tmp[0], "/tmp/httpc-conform-body-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) {
        a->over = 1;
        return;
    }
    a->ntmp++;
    if (write(fd, p, len) != (ssize_t)len)
        a->over = 1;
    close(fd);
    arg(a, "%s", opt);
    arg(a, "%s", path);
}

/* The requests before the last one (adapters/PROTOCOL.md: --before). */
static void arg_before(adapter_args *a, const httpc_scenario *s)
{
    for (size_t i = 0; i < s->nbefore; i++) {
        const httpc_scn_request *q = &s->before[i];
        arg(a, "--before");
        arg(a, "%s %s", q->method, q->target);
        for (size_t k = 0; k < q->nheaders; k++) {
            arg(a, "--before-header");
            arg(a, "%s: %s", q->headers[k].name, q->headers[k].value);
        }
        if (q->has_body)
            arg_body(a, "--before-data-file", q->body, q->body_len);
    }
}

/* HTTPS and set_tunnel: the URL, --cacert/--verify/--insecure, --proxy. */
static void arg_url(adapter_args *a, const httpc_scenario *s, int port)
{
    const char *tls = s->tls ? "s" : "";
    if (s->tls) {
        arg(a, "--cacert");
        arg(a, "%s/ca.pem", httpc_mock_cert_dir());
        if (s->tls_verify >= 0)
            arg(a, s->tls_verify ? "--verify" : "--insecure");
    }
    if (s->target[0] != '/') { /* absolute-form, authority-form, '*': sent verbatim */
        arg(a, "--target");
        arg(a, "%s", s->target);
    }
    if (s->tunnel_host == NULL) {
        arg(a, "--json");
        arg(a, "http%s://%s:%d%s", tls, s->client_host ? s->client_host : "127.0.0.1", port,
            s->target[0] == '/' ? s->target : "/");
        return;
    }
    /* The mock server is the proxy; the URL names the tunnel's target. */
    int v6 = strchr(s->tunnel_host, ':') != NULL;
    arg(a, "--proxy");
    arg(a, "127.0.0.1:%d", port);
    for (size_t i = 0; i < s->ntunnel_headers; i++) {
        arg(a, "--proxy-header");
        arg(a, "%s: %s", s->tunnel_headers[i].name, s->tunnel_headers[i].value);
    }
    arg(a, "--json");
    arg(a, "http%s://%s%s%s:%d%s", tls, v6 ? "[" : "", s->tunnel_host, v6 ? "]" : "",
        s->tunnel_port, s->target[0] == '/' ? s->target : "/");
}

/* Runs the adapter and reads its JSON outcome; a child still running after
 * limit_ms is killed with its process group. */
static void run_child(char **argv, long long limit_ms, outcome *o)
{
    int fds[2], status = 0;
    snprintf(o->error, sizeof o->error, "harness: adapter failed");
    if (pipe2(fds, O_CLOEXEC) != 0) /* no other job's child may hold our pipe */
        return;
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0); /* its own group, so a hung adapter dies with its children */
        dup2(fds[1], 1);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 2);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return;
    }
    char *text = malloc(8u << 20);
    size_t len = 0;
    int hung = read_child(fds[0], text, 8u << 20, &len, limit_ms);
    close(fds[0]);
    if (hung)
        kill(-pid, SIGKILL), kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    o->error[0] = '\0';
    if (hung)
        snprintf(o->error, sizeof o->error, "harness: timeout");
    else if (text == NULL || parse_outcome(text, len, o) < 0)
        snprintf(o->error, sizeof o->error, "harness: no JSON outcome (exit %d)",
                 WEXITSTATUS(status));
    free(text);
}

/* Runs `cmd` with the scenario's requests and reads its JSON outcome. */
static void run_adapter(const char *cmd, const httpc_scenario *s, int port, int timeout_ms,
                        outcome *o)
{
    adapter_args *a = calloc(1, sizeof *a);
    char *copy = strdup(cmd), *save = NULL;
    o->partial = o->expected = o->conn_kept = -1;
    if (a == NULL || copy == NULL) {
        snprintf(o->error, sizeof o->error, "harness: out of memory");
        free(a), free(copy);
        return;
    }
    for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
        arg(a, "%s", t);
    arg_before(a, s);
    arg(a, "-X");
    arg(a, "%s", s->method);
    for (size_t i = 0; i < s->nreq_headers; i++) {
        arg(a, "-H");
        arg(a, "%s: %s", s->req_headers[i].name, s->req_headers[i].value);
    }
    if (s->has_req_body)
        arg_body(a, "--data-file", s->req_body, s->req_body_len);
    arg(a, "--timeout");
    arg(a, "%.3f", timeout_ms / 1000.0);
    arg_url(a, s, port);
    a->v[a->n] = NULL;
    if (a->over)
        snprintf(o->error, sizeof o->error, "harness: the adapter's command line is too long");
    else
        run_child(a->v, 2LL * timeout_ms + 5000, o);
    for (int i = 0; i < a->ntmp; i++)
        unlink(a->tmp[i]);
    free(copy);
    free(a);
}


/* ---- judging --------------------------------------------------------------- */

static const char *const conn_words[] = {"unknown", "closed", "kept"};

static int matches(const httpc_scn_expect *e, const outcome *o, char *why, size_t cap)
{
    if (e->conn_kept >= 0 && e->conn_kept != o->conn_kept)
        return snprintf(why, cap, "connection %s after the outcome, expected %s",
                        conn_words[o->conn_kept + 1], conn_words[e->conn_kept + 1]), 0;
    if (e->error) {
        const char *got = o->error[0] ? o->error : "a response";
        if (!o->error[0] || strcmp(e->error, got))
            return snprintf(why, cap, "expected %s, got %s", e->error, got), 0;
        if (e->detail && !strstr(o->detail, e->detail))
            return snprintf(why, cap, "detail '%s' lacks '%s'", o->detail, e->detail), 0;
        if (e->partial != -2 && e->partial != o->partial)
            return snprintf(why, cap, "partial %lld, expected %lld", (long long)o->partial,
                            (long long)e->partial), 0;
        if (e->expected != -2 && e->expected != o->expected)
            return snprintf(why, cap, "expected-more %lld, wanted %lld", (long long)o->expected,
                            (long long)e->expected), 0;
        return 1;
    }
    if (o->error[0])
        return snprintf(why, cap, "expected a response, got %s (%s)", o->error, o->detail), 0;
    if (e->status && e->status != o->status)
        return snprintf(why, cap, "status %d, expected %d", o->status, e->status), 0;
    if (e->reason && strcmp(e->reason, o->reason))
        return snprintf(why, cap, "reason '%s', expected '%s'", o->reason, e->reason), 0;
    if (e->version && e->version != o->version)
        return snprintf(why, cap, "version %d, expected %d", o->version, e->version), 0;
    if (e->has_body && o->body == NULL && o->body_len > 0) /* an adapter gave no body_b64 */
        return snprintf(why, cap, "the client reported %zu body bytes but not the bytes",
                        o->body_len), 0;
    if (e->has_body && (e->body_size != o->body_len ||
                        (o->body_len > 0 && memcmp(e->body, o->body, o->body_len))))
        return snprintf(why, cap, "body differs (%zu bytes, expected %zu)", o->body_len,
                        e->body_size), 0;
    if (e->body_len >= 0 && (size_t)e->body_len != o->body_len)
        return snprintf(why, cap, "body length %zu, expected %lld", o->body_len,
                        (long long)e->body_len), 0;
    if (e->body_sha256 && strcmp(e->body_sha256, o->sha))
        return snprintf(why, cap, "body sha256 %s, expected %s", o->sha, e->body_sha256), 0;
    if (e->will_close >= 0 && e->will_close != o->will_close)
        return snprintf(why, cap, "will_close %d, expected %d", o->will_close, e->will_close), 0;
    for (size_t i = 0; i < e->nheaders; i++) {
        char v[1024];
        ssize_t n = outcome_header(o, e->headers[i].name, v, sizeof v);
        if (n < 0 || strcmp(v, e->headers[i].value))
            return snprintf(why, cap, "header %s is '%s', expected '%s'", e->headers[i].name,
                            n < 0 ? "(absent)" : v, e->headers[i].value), 0;
    }
    return 1;
}

/* The checks of what the server received on the first connection. */
static int request_checks(const httpc_scenario *s, httpc_mock *m, int port, char *why,
                          size_t cap)
{
    size_t len;
    const unsigned char *rx = httpc_mock_received(m, 0, &len);
    const unsigned char *eol = rx ? memchr(rx, '\r', len) : NULL;
    if (s->check_line && (eol == NULL || (size_t)(eol - rx) != s->check_line_len ||
                          memcmp(rx, s->check_line, s->check_line_len)))
        return snprintf(why, cap, "request line is '%.*s'", eol ? (int)(eol - rx) : 0,
                        rx ? (const char *)rx : ""), 0;
    for (size_t i = 0; i < s->ncheck_headers; i++) {
        char want[1024], value[960];
        const char *pv = strstr(s->check_headers[i].value, "{port}");
        if (pv)
            snprintf(value, sizeof value, "%.*s%d%s", (int)(pv - s->check_headers[i].value),
                     s->check_headers[i].value, port, pv + 6);
        else
            snprintf(value, sizeof value, "%s", s->check_headers[i].value);
        int n = snprintf(want, sizeof want, "\r\n%s: %s\r\n", s->check_headers[i].name, value);
        if (rx == NULL || !memmem(rx, len, want, (size_t)n))
            return snprintf(why, cap, "request lacks header '%s: %s'", s->check_headers[i].name,
                            value), 0;
    }
    return 1;
}

/* The first bytes the client sent, for the HTML report. */
static void keep_request(result *r, const httpc_mock *m)
{
    size_t len = 0;
    const unsigned char *rx = httpc_mock_received(m, 0, &len);
    if (rx == NULL || len == 0)
        return;
    r->sent_len = len < 4096 ? len : 4096;
    if ((r->sent = malloc(r->sent_len)) != NULL)
        memcpy(r->sent, rx, r->sent_len);
    else
        r->sent_len = 0;
}

static void run_one(const opts *op, const httpc_scenario *s, const char *profile, result *r)
{
    httpc_mock *m;
    char err[256];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    r->s = s;
    r->profile = profile;
    if (httpc_mock_start(s, NULL, 0, op->trace ? 2 : 0, &m, err, sizeof err) < 0) {
        r->verdict = "harness-error";
        snprintf(r->why, sizeof r->why, "mock server: %s", err);
        return;
    }
    int timeout = s->timeout_ms ? s->timeout_ms : op->timeout_ms;
    if (op->adapter)
        run_adapter(op->adapter, s, httpc_mock_port(m), timeout, &r->o);
    else
        run_client(s, httpc_profile_by_name(profile), httpc_mock_port(m), timeout, &r->o);
    int cut = httpc_mock_stop(m, 3000);
    keep_request(r, m);
    const httpc_scn_expect *pass = httpc_scn_expect_for(s, profile, 0);
    const httpc_scn_expect *len = httpc_scn_expect_for(s, profile, 1);
    char why2[256] = "";
    if (!strcmp(r->o.error, "harness: timeout")) {
        r->verdict = "timeout";
        snprintf(r->why, sizeof r->why, "the client had not finished %d ms after its %d ms timeout",
                 timeout + 5000, timeout);
    } else if (!strncmp(r->o.error, "harness:", 8)) {
        r->verdict = "harness-error";
        snprintf(r->why, sizeof r->why, "%s", r->o.error);
    } else if (s->check_connections &&
               (size_t)s->check_connections != httpc_mock_connections(m)) {
        r->verdict = "fail";
        snprintf(r->why, sizeof r->why, "the server saw %zu connections, expected %d",
                 httpc_mock_connections(m), s->check_connections);
    } else if (!request_checks(s, m, httpc_mock_port(m), r->why, sizeof r->why))
        r->verdict = "fail";
    else if (matches(pass, &r->o, r->why, sizeof r->why))
        r->verdict = "pass";
    else if (len && matches(len, &r->o, why2, sizeof why2))
        r->verdict = "lenient";
    else
        r->verdict = "fail";
    if (cut && strcmp(r->verdict, "fail") == 0)
        strncat(r->why, " (the server script had to be cut)", sizeof r->why - strlen(r->why) - 1);
    httpc_mock_free(m);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    r->ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
}

/* ---- collecting scenarios ------------------------------------------------ */

typedef struct lib {
    httpc_scenario **sets;
    size_t *counts, nsets;
    int bad;
} lib;

static void collect(void *ctx, const char *path)
{
    lib *l = ctx;
    httpc_scenario *s;
    size_t n;
    char err[512];
    if (httpc_scn_load(path, &s, &n, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        l->bad++;
        return;
    }
    l->sets = realloc(l->sets, (l->nsets + 1) * sizeof *l->sets);
    l->counts = realloc(l->counts, (l->nsets + 1) * sizeof *l->counts);
    l->sets[l->nsets] = s;
    l->counts[l->nsets++] = n;
}

static int has_tag(const httpc_scenario *s, const char *t)
{
    for (size_t i = 0; i < s->ntags; i++)
        if (!strcmp(s->tags[i], t))
            return 1;
    return 0;
}

static int selected(const opts *o, const httpc_scenario *s)
{
    int any = o->nids == 0;
    if (o->filter && !strstr(s->id, o->filter))
        return 0;
    for (int i = 0; i < o->nids; i++)
        any |= fnmatch(o->ids[i], s->id, 0) == 0;
    if (!any)
        return 0;
    for (int i = 0; i < o->nxids; i++)
        if (fnmatch(o->xids[i], s->id, 0) == 0)
            return 0;
    for (int i = 0; i < o->nxtags; i++)
        if (has_tag(s, o->xtags[i]))
            return 0;
    for (int i = 0; i < o->ntags; i++)
        if (!has_tag(s, o->tags[i]))
            return 0;
    return 1;
}

/* Whether a verdict fails the run. */
static int is_failure(const char *verdict)
{
    return strcmp(verdict, "pass") && strcmp(verdict, "lenient") &&
           strcmp(verdict, "expected-failure") && strcmp(verdict, "skip");
}

/* ---- reports ---------------------------------------------------------------- */

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20 || *p >= 0x7f)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void xml_str(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '<') fputs("&lt;", f);
        else if (*p == '>') fputs("&gt;", f);
        else if (*p == '&') fputs("&amp;", f);
        else if (*p == '"') fputs("&quot;", f);
        else if (*p < 0x20 && *p != '\t' && *p != '\n') fprintf(f, "\\x%02x", *p);
        else if (*p >= 0x80) fprintf(f, "\\x%02x", *p);
        else fputc(*p, f);
    }
}

static const char *outcome_text(const outcome *o, char *buf, size_t cap)
{
    if (o->error[0])
        snprintf(buf, cap, "%s", o->error);
    else
        snprintf(buf, cap, "%d (%zu body bytes)", o->status, o->body_len);
    return buf;
}

/* mkdir -p */
static void make_dirs(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s", dir);
    for (char *p = path + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0777);
            *p = '/';
        }
    mkdir(path, 0777);
}

/* The bytes a scenario's scripts send, escaped for people, at most `cap`. */
/* Bytes as a scenario byte string, escaped for HTML. */
static void html_escaped(FILE *f, const unsigned char *p, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        unsigned char ch = p[k];
        if (ch == '\r') fputs("\\r", f);
        else if (ch == '\n') fputs("\\n", f);
        else if (ch == '<') fputs("&lt;", f);
        else if (ch == '&') fputs("&amp;", f);
        else if (ch == '"') fputs("\\\"", f);
        else if (ch < 0x20 || ch >= 0x7f) fprintf(f, "\\x%02x", ch);
        else fputc(ch, f);
    }
}

static void html_bytes(FILE *f, const httpc_scenario *s, size_t cap)
{
    size_t shown = 0;
    for (size_t c = 0; c < s->nconns; c++) {
        fprintf(f, "connection %zu:\n", c + 1);
        for (size_t i = 0; i < s->conns[c].nactions; i++) {
            const httpc_scn_action *a = &s->conns[c].actions[i];
            if (a->op != HTTPC_SCN_SEND)
                continue;
            size_t n = a->len < cap - shown ? a->len : cap - shown;
            fputs("  send \"", f);
            html_escaped(f, a->data, n);
            shown += n;
            fprintf(f, "\"%s\n", n < a->len ? " ... (cut)" : "");
            if (shown >= cap)
                return;
        }
    }
}

static void html_expect(FILE *f, const httpc_scn_expect *e)
{
    if (e == NULL) {
        fputs("(none)", f);
    } else if (e->error) {
        fputs("error ", f);
        xml_str(f, e->error);
    } else {
        fprintf(f, "response status=%d", e->status);
        if (e->has_body)
            fprintf(f, " body of %zu bytes", e->body_size);
    }
}

static const char html_head[] =
    "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>httpc conformance</title>\n"
    "<style>body{font:14px sans-serif;margin:1em}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:2px 6px;vertical-align:top}"
    "th{position:sticky;top:0;background:#f4f4f4}tr.area td{background:#e8eef8;font-weight:bold}"
    ".pass{background:#dfd}.lenient{background:#ffd}.fail,.harness-error,.timeout,"
    ".unexpected-pass{background:#fcc}.expected-failure,.skip{background:#eee}"
    "summary{cursor:pointer}pre{white-space:pre-wrap;max-width:60em;font-size:12px}"
    "body:has(#onlybad:checked) tr.allpass{display:none}</style></head><body>\n"
    "<h1>httpc conformance run</h1>\n";

/* The totals per verdict, and the filter (CSS only: the page needs no script
 * and no network). */
static void html_summary(FILE *f, const result *rs, size_t n, double secs)
{
    static const char *const kinds[] = {"pass", "lenient", "fail", "expected-failure",
                                        "unexpected-pass", "timeout", "harness-error", "skip"};
    fprintf(f, "<p>%zu checks in %.1f s:", n, secs);
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        size_t c = 0;
        for (size_t i = 0; i < n; i++)
            c += !strcmp(rs[i].verdict, kinds[k]);
        if (c)
            fprintf(f, " <span class=\"%s\">&nbsp;%zu %s&nbsp;</span>", kinds[k], c, kinds[k]);
    }
    fputs("</p>\n<p><label><input type=\"checkbox\" id=\"onlybad\"> show only scenarios with a "
          "verdict other than pass</label>. Click a cell for the expected and actual outcome "
          "and the bytes.</p>\n<table><tr><th>scenario</th>", f);
    for (size_t p = 0; p < 4; p++)
        fprintf(f, "<th>%s</th>", all_profiles[p]);
    fputs("</tr>\n", f);
}

static void html_cell(FILE *f, const httpc_scenario *s, const result *hit)
{
    char out[128];
    fprintf(f, "<td class=\"%s\"><details><summary>%s: ", hit->verdict, hit->verdict);
    xml_str(f, outcome_text(&hit->o, out, sizeof out));
    fputs("</summary><pre>expected: ", f);
    html_expect(f, httpc_scn_expect_for(s, hit->profile, 0));
    fputs("\nactual: ", f);
    xml_str(f, outcome_text(&hit->o, out, sizeof out));
    fputs(" ", f);
    xml_str(f, hit->o.detail);
    fputs("\n", f);
    xml_str(f, hit->why);
    fputs("\nfile: ", f);
    xml_str(f, s->file);
    fputs("\n\n", f);
    fputs("the client sent:\n  \"", f);
    html_escaped(f, hit->sent, hit->sent_len);
    fputs("\"\nthe server's script:\n", f);
    html_bytes(f, s, 2048);
    fputs("</pre></details></td>", f);
}

/* The length of the area part of an id ("chunked" of "chunked/size-not-hex";
 * "cpython/chunked" of "cpython/chunked/x"). */
static size_t area_len(const char *id)
{
    const char *last = strrchr(id, '/');
    return last ? (size_t)(last - id) : strlen(id);
}

/* A static page: the scenario x profile grid, grouped by area; each cell opens
 * to the expected and actual outcome and the bytes sent. */
static int write_html(const char *dir, result *rs, size_t n, double secs)
{
    char path[4096];
    const char *area = NULL;
    snprintf(path, sizeof path, "%s/report.html", dir);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    fputs(html_head, f);
    html_summary(f, rs, n, secs);
    for (size_t i = 0; i < n;) {
        const httpc_scenario *s = rs[i].s;
        size_t end = i, al = area_len(s->id);
        int allpass = 1;
        while (end < n && rs[end].s == s)
            allpass &= !strcmp(rs[end++].verdict, "pass");
        if (area == NULL || area_len(area) != al || strncmp(area, s->id, al)) {
            area = s->id;
            fprintf(f, "<tr class=\"area allpass\"><td colspan=\"5\">%.*s</td></tr>\n", (int)al,
                    s->id);
        }
        fprintf(f, "<tr%s><td><code>", allpass ? " class=\"allpass\"" : "");
        xml_str(f, s->id);
        fputs("</code><br><small>", f);
        xml_str(f, s->title);
        fputs("</small></td>", f);
        for (size_t p = 0; p < 4; p++) {
            const result *hit = NULL;
            for (size_t k = i; k < end; k++)
                if (!strcmp(rs[k].profile, all_profiles[p]))
                    hit = &rs[k];
            if (hit == NULL)
                fputs("<td></td>", f);
            else
                html_cell(f, s, hit);
        }
        fputs("</tr>\n", f);
        i = end;
    }
    fputs("</table></body></html>\n", f);
    fclose(f);
    return 0;
}

static int write_reports(const char *dir, result *rs, size_t n, double secs)
{
    char path[4096], out[128];
    size_t counts[4] = {0};
    make_dirs(dir);
    for (size_t i = 0; i < n; i++)
        counts[!strcmp(rs[i].verdict, "pass") || !strcmp(rs[i].verdict, "expected-failure") ||
               !strcmp(rs[i].verdict, "skip") ? 0
               : !strcmp(rs[i].verdict, "lenient") ? 1
               : !strcmp(rs[i].verdict, "harness-error") ? 3 : 2]++;
    snprintf(path, sizeof path, "%s/results.json", dir);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return fprintf(stderr, "httpc-conform: cannot write %s\n", path), -1;
    fprintf(f, "{\"client\": \"httpc\", \"seconds\": %.2f, \"counts\": {\"pass\": %zu, "
               "\"lenient\": %zu, \"fail\": %zu, \"harness-error\": %zu}, \"results\": [\n",
            secs, counts[0], counts[1], counts[2], counts[3]);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ",\n {\"id\": " : " {\"id\": ", f);
        json_str(f, rs[i].s->id);
        fputs(", \"file\": ", f);
        json_str(f, rs[i].s->file);
        fprintf(f, ", \"profile\": \"%s\", \"verdict\": \"%s\", \"why\": ", rs[i].profile,
                rs[i].verdict);
        json_str(f, rs[i].why);
        fputs(", \"outcome\": ", f);
        json_str(f, outcome_text(&rs[i].o, out, sizeof out));
        fputs(", \"detail\": ", f);
        json_str(f, rs[i].o.detail);
        if (rs[i].o.native[0]) { /* only adapters that report one (the matrix reads it) */
            fputs(", \"native_error\": ", f);
            json_str(f, rs[i].o.native);
        }
        fprintf(f, ", \"ms\": %.1f}", rs[i].ms);
    }
    fputs("\n]}\n", f);
    fclose(f);

    snprintf(path, sizeof path, "%s/junit.xml", dir);
    if ((f = fopen(path, "w")) == NULL)
        return -1;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"httpc-conform\" "
               "tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" time=\"%.3f\">\n",
            n, counts[2], counts[3], secs);
    for (size_t p = 0; p < 4; p++) {
        size_t tests = 0, fails = 0, errs = 0;
        for (size_t i = 0; i < n; i++)
            if (!strcmp(rs[i].profile, all_profiles[p]))
                tests++, errs += !strcmp(rs[i].verdict, "harness-error"),
                    fails += is_failure(rs[i].verdict) && strcmp(rs[i].verdict, "harness-error");
        if (tests == 0)
            continue;
        fprintf(f, "  <testsuite name=\"%s\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n",
                all_profiles[p], tests, fails, errs);
        for (size_t i = 0; i < n; i++) {
            if (strcmp(rs[i].profile, all_profiles[p]))
                continue;
            fputs("    <testcase classname=\"", f);
            xml_str(f, all_profiles[p]);
            fputs("\" name=\"", f);
            xml_str(f, rs[i].s->id);
            fprintf(f, "\" time=\"%.3f\"", rs[i].ms / 1000);
            if (!strcmp(rs[i].verdict, "expected-failure") || !strcmp(rs[i].verdict, "skip")) {
                fputs(">\n      <skipped message=\"", f);
                xml_str(f, rs[i].why);
                fputs("\"/>\n    </testcase>\n", f);
            } else if (strcmp(rs[i].verdict, "pass") && strcmp(rs[i].verdict, "lenient")) {
                fprintf(f, ">\n      <%s message=\"",
                        rs[i].verdict[0] == 'h' ? "error" : "failure");
                xml_str(f, rs[i].why);
                fprintf(f, "\"/>\n    </testcase>\n");
            } else {
                fputs("/>\n", f);
            }
        }
        fputs("  </testsuite>\n", f);
    }
    fputs("</testsuites>\n", f);
    fclose(f);

    if (write_html(dir, rs, n, secs) < 0)
        return -1;
    snprintf(path, sizeof path, "%s/summary.md", dir);
    if ((f = fopen(path, "w")) == NULL)
        return -1;
    fprintf(f, "# httpc conformance run\n\n%zu checks in %.1f s: %zu pass, %zu lenient, "
               "%zu fail, %zu harness errors.\n\n",
            n, secs, counts[0], counts[1], counts[2], counts[3]);
    fputs("| scenario | py27 | py27-strict | py3 | strict |\n|---|---|---|---|---|\n", f);
    for (size_t i = 0; i < n;) {
        const httpc_scenario *s = rs[i].s;
        fprintf(f, "| `%s` |", s->id);
        for (size_t p = 0; p < 4; p++) {
            const result *hit = NULL;
            for (size_t k = i; k < n && rs[k].s == s; k++)
                if (!strcmp(rs[k].profile, all_profiles[p]))
                    hit = &rs[k];
            if (hit == NULL)
                fputs(" |", f);
            else
                fprintf(f, " %s%s |", !strcmp(hit->verdict, "pass") ? "" :
                        !strcmp(hit->verdict, "lenient") ? "~ " : "✗ ",
                        outcome_text(&hit->o, out, sizeof out));
        }
        fputc('\n', f);
        while (i < n && rs[i].s == s)
            i++;
    }
    if (counts[2] + counts[3]) {
        fputs("\n## Failures\n\n", f);
        for (size_t i = 0; i < n; i++)
            if (is_failure(rs[i].verdict))
                fprintf(f, "- `%s` (%s, %s): %s\n", rs[i].s->id, rs[i].profile, rs[i].s->file,
                        rs[i].why);
    }
    fclose(f);
    return 0;
}

/* ---- known deviations -------------------------------------------------------- */

typedef struct known {
    char id[256], profile[32], reason[512];
    int used;
} known;

/* "ID PROFILE: reason" lines; '#' comments. Bad lines are file:line errors. */
static known *load_known(const char *path, size_t *n)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    known *k = NULL;
    int lineno = 0;
    *n = 0;
    if (f == NULL)
        return fprintf(stderr, "%s:0: cannot open\n", path), NULL;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        known one = {0};
        char *colon = strchr(line, ':');
        if (colon == NULL || sscanf(line, "%255s %31[^:]", one.id, one.profile) != 2 ||
            !httpc_profile_by_name(one.profile)) {
            fprintf(stderr, "%s:%d: expected 'ID PROFILE: reason'\n", path, lineno);
            fclose(f);
            free(k);
            *n = (size_t)-1;
            return NULL;
        }
        snprintf(one.reason, sizeof one.reason, "%s", colon + 1 + (colon[1] == ' '));
        k = realloc(k, (*n + 1) * sizeof *k);
        k[(*n)++] = one;
    }
    fclose(f);
    return k;
}

static void apply_known(result *r, known *k, size_t nk)
{
    for (size_t i = 0; i < nk; i++) {
        if (strcmp(k[i].id, r->s->id) || strcmp(k[i].profile, r->profile))
            continue;
        k[i].used = 1;
        if (!strcmp(r->verdict, "fail")) {
            r->verdict = "expected-failure";
            snprintf(r->why + strlen(r->why), sizeof r->why - strlen(r->why), " [known: %.400s]",
                     k[i].reason);
        } else if (!strcmp(r->verdict, "pass") || !strcmp(r->verdict, "lenient")) {
            r->verdict = "unexpected-pass";
            snprintf(r->why, sizeof r->why, "listed as a known deviation (%.400s) but passed",
                     k[i].reason);
        }
    }
}

/* ---- main ------------------------------------------------------------------- */

static int number_arg(const char *opt, const char *v, int lo, int hi, int *out)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (*end || !*v || n < lo || n > hi)
        return fprintf(stderr, "httpc-conform: %s wants a number from %d to %d\n", opt, lo, hi),
               -1;
    *out = (int)n;
    return 0;
}

static unsigned long long random_seed(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ((unsigned long long)ts.tv_nsec ^ ((unsigned long long)ts.tv_sec << 20) ^
            (unsigned long long)getpid() << 40) % 1000000000ull;
}

static int parse_args(int argc, char **argv, opts *o, int *first_path)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            exit(0);
        } else if (!strcmp(a, "--list")) {
            o->list = 1;
        } else if (!strcmp(a, "-q")) {
            o->quiet = 1;
        } else if (!strcmp(a, "--trace")) {
            o->trace = 1;
        } else if (a[0] != '-') {
            *first_path = i;
            return 0;
        } else if (v == NULL) {
            fprintf(stderr, "httpc-conform: option '%s' needs a value\n", a);
            return -1;
        } else if (!strcmp(a, "--profile")) {
            o->profile = v, i++;
            if (strcmp(v, "all") && !httpc_profile_by_name(v))
                return fprintf(stderr, "httpc-conform: unknown profile '%s'\n", v), -1;
        } else if (!strcmp(a, "--expectations")) {
            o->expectations = v, i++;
        } else if (!strcmp(a, "--adapter")) {
            o->adapter = v, i++;
        } else if (!strcmp(a, "--adapter-profile")) {
            o->adapter_profile = v, i++;
            if (!httpc_profile_by_name(v))
                return fprintf(stderr, "httpc-conform: unknown profile '%s'\n", v), -1;
        } else if (!strcmp(a, "--filter")) {
            o->filter = v, i++;
        } else if (!strcmp(a, "--reports")) {
            o->reports = v, i++;
        } else if (!strcmp(a, "--timeout")) {
            o->timeout_ms = atoi(v), i++;
        } else if (!strcmp(a, "-j") || !strcmp(a, "--repeat")) {
            int *dst = a[1] == 'j' ? &o->jobs : &o->repeat;
            if (number_arg(a, v, 1, a[1] == 'j' ? 64 : 10000, dst) < 0)
                return -1;
            i++;
        } else if (!strcmp(a, "--shard")) {
            if (sscanf(v, "%d/%d", &o->shard_i, &o->shard_n) != 2 || o->shard_n < 1 ||
                o->shard_i < 1 || o->shard_i > o->shard_n)
                return fprintf(stderr, "httpc-conform: --shard wants I/N with 1 <= I <= N\n"), -1;
            i++;
        } else if (!strcmp(a, "--chaos")) {
            char *end;
            o->chaos = 1, i++;
            o->chaos_seed = strtoull(v, &end, 10);
            if (*end || !*v)
                return fprintf(stderr, "httpc-conform: --chaos wants a number\n"), -1;
        } else if (!strcmp(a, "--seed")) {
            char *end;
            o->have_seed = 1, i++;
            o->seed = strcmp(v, "random") ? strtoull(v, &end, 10) : random_seed();
            if (strcmp(v, "random") && (*end || !*v))
                return fprintf(stderr, "httpc-conform: --seed wants a number or 'random'\n"), -1;
        } else if (!strcmp(a, "--id") && o->nids < 16) {
            o->ids[o->nids++] = v, i++;
        } else if (!strcmp(a, "--exclude") && o->nxids < 16) {
            o->xids[o->nxids++] = v, i++;
        } else if (!strcmp(a, "--tag") && o->ntags < 16) {
            o->tags[o->ntags++] = v, i++;
        } else if (!strcmp(a, "--exclude-tag") && o->nxtags < 16) {
            o->xtags[o->nxtags++] = v, i++;
        } else {
            return fprintf(stderr, "httpc-conform: unknown option '%s'\n", a), -1;
        }
    }
    fprintf(stderr, "httpc-conform: no scenario path given\n");
    return -1;
}

/* ---- the run: jobs, workers, progress -------------------------------------- */

/* One scenario under one profile, one repetition. */
typedef struct job {
    const httpc_scenario *s;
    const char *profile;
    int rep;
} job;

typedef struct pool {
    const opts *o;
    job *jobs;
    result *rs;      /* rs[i] is jobs[i]'s result: reports keep the canonical order */
    size_t *order;   /* the order the jobs run in (a permutation under --seed) */
    size_t n, next, done, failed;
    known *kn;
    size_t nknown;
    int progress;    /* a progress line on a terminal (quiet runs only) */
    pthread_mutex_t lock;
} pool;

static void report_line(pool *pl, const result *r, int rep)
{
    int pass = !strcmp(r->verdict, "pass");
    if (pl->progress)
        fputs("\r\033[K", stderr);
    if (!pl->o->quiet || !pass) {
        printf("%-7s %-12s %s", r->verdict, r->profile, r->s->id);
        if (pl->o->repeat > 1)
            printf(" (run %d)", rep + 1);
        printf("%s%s\n", pass ? "" : ": ", pass ? "" : r->why);
    }
    fflush(stdout);
    if (pl->progress)
        fprintf(stderr, "[%zu/%zu] %zu failed", pl->done, pl->n, pl->failed);
}

static void *worker(void *arg)
{
    pool *pl = arg;
    for (;;) {
        pthread_mutex_lock(&pl->lock);
        size_t k = pl->next++;
        pthread_mutex_unlock(&pl->lock);
        if (k >= pl->n)
            return NULL;
        size_t i = pl->order[k];
        result *r = &pl->rs[i];
        if (pl->o->trace)
            fprintf(stderr, "== %s (%s)\n", pl->jobs[i].s->id, pl->jobs[i].profile);
        run_one(pl->o, pl->jobs[i].s, pl->jobs[i].profile, r);
        pthread_mutex_lock(&pl->lock);
        apply_known(r, pl->kn, pl->nknown);
        pl->done++;
        pl->failed += is_failure(r->verdict);
        report_line(pl, r, pl->jobs[i].rep);
        pthread_mutex_unlock(&pl->lock);
    }
}

/* splitmix64: a small, well-mixed generator, so a seed gives the same order on
 * every machine (rand() differs between C libraries). */
static unsigned long long next_random(unsigned long long *state)
{
    unsigned long long z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void shuffle(size_t *order, size_t n, unsigned long long seed)
{
    unsigned long long st = seed;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(next_random(&st) % i);
        size_t t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
}

/* The jobs of the selected scenarios of this shard, repetitions last. */
static job *make_jobs(const opts *o, const lib *l, size_t *count)
{
    size_t cap = 0, n = 0, nth = 0;
    for (size_t k = 0; k < l->nsets; k++)
        cap += l->counts[k] * 4 * (size_t)o->repeat;
    job *jobs = calloc(cap ? cap : 1, sizeof *jobs);
    for (int rep = 0; rep < o->repeat && jobs; rep++, nth = 0)
        for (size_t k = 0; k < l->nsets; k++)
            for (size_t j = 0; j < l->counts[k]; j++) {
                const httpc_scenario *s = &l->sets[k][j];
                if (!selected(o, s) || (int)(nth++ % (size_t)o->shard_n) != o->shard_i - 1)
                    continue;
                const char *want = o->adapter ? o->adapter_profile : o->profile;
                for (size_t p = 0; p < 4; p++)
                    if ((!strcmp(want, "all") || !strcmp(want, all_profiles[p])) &&
                        httpc_scn_runs_under(s, all_profiles[p]))
                        jobs[n++] = (job){s, all_profiles[p], rep};
            }
    *count = n;
    return jobs;
}

/* Under --repeat: a scenario whose verdict differs between runs is unstable. */
static size_t report_unstable(const job *jobs, const result *rs, size_t n, int repeat)
{
    size_t per = n / (size_t)repeat, bad = 0;
    for (size_t i = 0; repeat > 1 && i < per; i++)
        for (int k = 1; k < repeat; k++)
            if (strcmp(rs[i].verdict, rs[i + (size_t)k * per].verdict)) {
                printf("unstable %-12s %s: '%s' in run 1, '%s' in run %d\n", jobs[i].profile,
                       jobs[i].s->id, rs[i].verdict, rs[i + (size_t)k * per].verdict, k + 1);
                bad++;
                break;
            }
    return bad;
}

static void list_scenarios(const opts *o, const lib *l)
{
    size_t nth = 0;
    for (size_t k = 0; k < l->nsets; k++)
        for (size_t j = 0; j < l->counts[k]; j++) {
            const httpc_scenario *s = &l->sets[k][j];
            if (selected(o, s) && (int)(nth++ % (size_t)o->shard_n) == o->shard_i - 1)
                printf("%-50s %s\n", s->id, s->title);
        }
}

static void run_pool(pool *pl)
{
    pthread_t th[64];
    int nth = pl->o->jobs < 1 ? 1 : pl->o->jobs;
    pthread_mutex_init(&pl->lock, NULL);
    if (nth == 1) {
        worker(pl);
    } else {
        for (int i = 0; i < nth; i++)
            if (pthread_create(&th[i], NULL, worker, pl) != 0)
                nth = i; /* run with the workers there are */
        if (nth == 0)
            worker(pl);
        for (int i = 0; i < nth; i++)
            pthread_join(th[i], NULL);
    }
    pthread_mutex_destroy(&pl->lock);
    if (pl->progress)
        fputs("\r\033[K", stderr);
}

static void free_results(result *rs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(rs[i].o.body);
        free(rs[i].sent);
        httpc_resp_free(rs[i].o.resp);
        for (size_t k = 0; k < rs[i].o.nh; k++)
            free(rs[i].o.hnames[k]), free(rs[i].o.hvalues[k]);
        free(rs[i].o.hnames);
        free(rs[i].o.hvalues);
    }
    free(rs);
}

int main(int argc, char **argv)
{
    opts o = {.profile = "all", .adapter_profile = "py3", .timeout_ms = 5000, .jobs = 1,
              .shard_i = 1, .shard_n = 1, .repeat = 1};
    lib l = {0};
    int first = 0;
    if (parse_args(argc, argv, &o, &first) < 0) {
        fputs(usage, stderr);
        return 2;
    }
    if (o.trace)
        o.jobs = 1; /* one exchange at a time, so the trace reads in order */
    for (int i = first; i < argc; i++)
        httpc_scn_walk(argv[i], collect, &l);
    if (l.bad) {
        fprintf(stderr, "httpc-conform: %d bad scenario file(s)\n", l.bad);
        return 2;
    }
    pool pl = {.o = &o, .progress = o.quiet && isatty(2) && !o.trace};
    pl.kn = o.expectations ? load_known(o.expectations, &pl.nknown) : NULL;
    if (pl.nknown == (size_t)-1)
        return 2;
    int rc = 0;
    if (o.list) {
        list_scenarios(&o, &l);
    } else {
        pl.jobs = make_jobs(&o, &l, &pl.n);
        pl.rs = calloc(pl.n ? pl.n : 1, sizeof *pl.rs);
        pl.order = calloc(pl.n ? pl.n : 1, sizeof *pl.order);
        for (size_t i = 0; i < pl.n; i++)
            pl.order[i] = i;
        if (o.chaos) {
            httpc_mock_chaos(1, o.chaos_seed);
            printf("conform: chaos seed %llu\n", o.chaos_seed);
        }
        if (o.have_seed) {
            shuffle(pl.order, pl.n, o.seed);
            printf("conform: seed %llu\n", o.seed);
        }
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        run_pool(&pl);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        size_t lenient = 0, xfail = 0, unstable = report_unstable(pl.jobs, pl.rs, pl.n, o.repeat);
        for (size_t i = 0; i < pl.n; i++) {
            lenient += !strcmp(pl.rs[i].verdict, "lenient");
            xfail += !strcmp(pl.rs[i].verdict, "expected-failure");
        }
        printf("conform: %zu checks in %.1f s with -j %d (%zu lenient, %zu expected failures)\n",
               pl.n, secs, o.jobs, lenient, xfail);
        printf("%zu passed, %zu failed%s\n", pl.n - pl.failed, pl.failed,
               unstable ? ", some verdicts unstable" : "");
        if (o.reports && write_reports(o.reports, pl.rs, pl.n, secs) < 0)
            rc = 2;
        pl.failed += unstable;
        free_results(pl.rs, pl.n);
        free(pl.jobs);
        free(pl.order);
    }
    free(pl.kn);
    for (size_t k = 0; k < l.nsets; k++)
        httpc_scn_free_all(l.sets[k], l.counts[k]);
    free(l.sets);
    free(l.counts);
    return rc ? rc : pl.failed ? 1 : 0;
}
