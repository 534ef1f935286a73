/* SPDX-License-Identifier: MIT */
/* Other clients through the adapter protocol (adapters/PROTOCOL.md): the
 * command line built from a scenario, the child run with a hang timeout, and
 * its JSON outcome read back. */
#define _GNU_SOURCE /* pipe2 */
#include "runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* getheader() over either kind of outcome: values joined with ", ". */
ssize_t conform_outcome_header(const outcome *o, const char *name, char *buf, size_t cap)
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
    size_t len; /* bytes of the last string jstr returned (it may hold NUL) */
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
                v = e == 'n'   ? '\n'
                    : e == 'r' ? '\r'
                    : e == 't' ? '\t'
                    : e == 'b' ? '\b'
                    : e == 'f' ? '\f'
                               : (unsigned char)e;
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
    j->len = n;
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
int conform_parse_outcome(const char *text, size_t len, outcome *o)
{
    jp j = {text, text + len, 0, 0};
    o->will_close = -1; /* an adapter that leaves it out cannot tell */
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
            if (!strcmp(key, "error")) {
                snprintf(o->error, sizeof o->error, "%s", sv);
                o->run =
                    strcmp(sv, "AdapterUnsupported") ? CONFORM_RUN_DONE : CONFORM_RUN_UNSUPPORTED;
            } else if (!strcmp(key, "detail"))
                snprintf(o->detail, sizeof o->detail, "%s", sv);
            else if (!strcmp(key, "native_error"))
                snprintf(o->native, sizeof o->native, "%s", sv);
            else if (!strcmp(key, "reason"))
                o->reason_len = j.len < sizeof o->reason ? j.len : sizeof o->reason - 1,
                memcpy(o->reason, sv, o->reason_len), o->reason[o->reason_len] = '\0';
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
            o->will_close = j.p + 4 <= j.end && !strncmp(j.p, "null", 4)
                                ? -1 /* cannot tell */
                                : j.p + 4 <= j.end && !strncmp(j.p, "true", 4);
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

/* The LD_PRELOAD shim that caps a client's socket reads (adapters/readcap):
 * $HTTPC_READCAP_SHIM, else the one this build made. */
static const char *readcap_shim(void)
{
    const char *env = getenv("HTTPC_READCAP_SHIM");
    return env && *env ? env : HTTPC_READCAP_SHIM;
}

/* Runs the adapter and reads its JSON outcome; a child still running after
 * limit_ms is killed with its process group. With read_cap, the child runs
 * under the shim, so each read from a socket takes at most read_cap bytes. */
static void run_child(char **argv, long long limit_ms, int read_cap, outcome *o)
{
    int fds[2], status = 0;
    o->run = CONFORM_RUN_HARNESS_ERROR;
    snprintf(o->error, sizeof o->error, "harness: adapter failed");
    if (pipe2(fds, O_CLOEXEC) != 0) /* no other job's child may hold our pipe */
        return;
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0); /* its own group, so a hung adapter dies with its children */
        dup2(fds[1], 1);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 2);
        if (read_cap > 0) {
            char cap[32];
            const char *old = getenv("LD_PRELOAD");
            char *pre = malloc(strlen(readcap_shim()) + (old ? strlen(old) : 0) + 2);
            if (pre == NULL)
                _exit(127);
            sprintf(pre, "%s%s%s", readcap_shim(), old && *old ? ":" : "", old ? old : "");
            snprintf(cap, sizeof cap, "%d", read_cap);
            setenv("LD_PRELOAD", pre, 1);
            setenv("HTTPC_READ_CAP", cap, 1);
        }
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
    o->run = CONFORM_RUN_DONE;
    if (hung) {
        o->run = CONFORM_RUN_TIMEOUT;
        snprintf(o->error, sizeof o->error, "harness: timeout");
    } else if (text == NULL || conform_parse_outcome(text, len, o) < 0) {
        o->run = CONFORM_RUN_HARNESS_ERROR;
        snprintf(o->error, sizeof o->error, "harness: no JSON outcome (exit %d)",
                 WEXITSTATUS(status));
    }
    free(text);
}

/* Runs `cmd` with the scenario's requests and reads its JSON outcome. */
void conform_run_adapter(const char *cmd, const httpc_scenario *s, int port, int timeout_ms,
                         int read_cap, outcome *o)
{
    adapter_args *a = calloc(1, sizeof *a);
    char *copy = strdup(cmd), *save = NULL;
    o->partial = o->expected = o->conn_kept = -1;
    if (a == NULL || copy == NULL) {
        o->run = CONFORM_RUN_HARNESS_ERROR;
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
    if (a->over) {
        o->run = CONFORM_RUN_HARNESS_ERROR;
        snprintf(o->error, sizeof o->error, "harness: the adapter's command line is too long");
    } else {
        run_child(a->v, 2LL * timeout_ms + 5000, read_cap, o);
    }
    for (int i = 0; i < a->ntmp; i++)
        unlink(a->tmp[i]);
    free(copy);
    free(a);
}
