/* SPDX-License-Identifier: MIT */
/* What a response head costs when it arrives in pieces: the replies of issue
 * 14's table (a typical head, 98 headers of 660 B, one 64 KiB header line,
 * 4 of them, a 64 KiB status line) fed in pieces of a chosen size through the
 * pure parsers (status line, then header block, each call resumed) or the
 * client path (the in-memory transport and httpc__resp_begin). Under
 * callgrind only the parsing is collected, so Ir / (iterations x length) is
 * the cost per byte; segments_ir.py runs the table. The results are printed
 * too, so that runs with different pieces can be checked equal.
 * --old-api drives the entry points without resume state (status line from
 * the start each call, headers with last_len only), as every caller did
 * before httpc_parse_status_line_resume and httpc_parse_headers_resume. */
#include "httpc.h"
#include "scan.h"
#include "conn_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#endif
#endif
#ifndef CALLGRIND_TOGGLE_COLLECT
#define CALLGRIND_TOGGLE_COLLECT
#endif

/* Built against a tree from before the resume entry points (the "before"
 * figures): only --old-api is meaningful there. */
#ifdef SEGMENTS_OLD_TREE
typedef struct httpc_parse_state {
    int unused;
} httpc_parse_state;
#define httpc_parse_status_line_resume(b, l, last, e, p, sl, d, c)                                 \
    httpc_parse_status_line(b, l, e, p, sl, d, c)
#define httpc_parse_headers_resume(b, l, e, p, h, n, st, d, c)                                     \
    ((void)(st), httpc_parse_headers(b, l, 0, e, p, h, n, d, c))
#endif

#define LINE_64K 65536 /* http.client._MAXLINE: the longest line accepted */

static const char TYPICAL[] =
    "HTTP/1.1 200 OK\r\n"
    "Date: Sun, 29 Nov 2026 16:52:55 GMT\r\n"
    "Server: Apache/2.4.57 (Debian)\r\n"
    "Last-Modified: Tue, 10 Nov 2026 09:12:03 GMT\r\n"
    "ETag: \"2aa6-5f0e6c8d3b2c0-gzip\"\r\n"
    "Accept-Ranges: bytes\r\n"
    "Content-Length: 10918\r\n"
    "Vary: Accept-Encoding,User-Agent\r\n"
    "Cache-Control: max-age=3600, public, must-revalidate\r\n"
    "Expires: Sun, 29 Nov 2026 17:52:55 GMT\r\n"
    "Content-Type: text/html; charset=UTF-8\r\n"
    "Strict-Transport-Security: max-age=63072000; includeSubDomains; preload\r\n"
    "X-Request-Id: 4f1c2a9e-8b7d-4c3e-a1f0-9d8e7c6b5a43\r\n"
    "\r\n";

typedef struct text {
    char *p;
    size_t len, cap;
} text;

static void put(text *t, const char *s, size_t n)
{
    if (t->len + n > t->cap) {
        t->cap = (t->len + n) * 2;
        t->p = realloc(t->p, t->cap);
        if (t->p == NULL) {
            perror("segments_ir");
            exit(2);
        }
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
}

static void puts_(text *t, const char *s)
{
    put(t, s, strlen(s));
}

/* A line of exactly `total` bytes, CRLF included: `prefix` then letters. */
static void line_of(text *t, const char *prefix, size_t total)
{
    size_t n = strlen(prefix);

    put(t, prefix, n);
    for (; n < total - 2; n++)
        put(t, &"abcdefghijklmnopqrstuvwxyz"[n % 26], 1);
    put(t, "\r\n", 2);
}

static void fields(text *t, int count, size_t size)
{
    char name[32];

    for (int i = 0; i < count; i++) {
        snprintf(name, sizeof name, "X-Field-%02d: ", i);
        line_of(t, name, size);
    }
}

/* The reply called `name`, or 0 when there is none. */
static int make_reply(const char *name, text *t)
{
    memset(t, 0, sizeof *t);
    if (strcmp(name, "typical") == 0) {
        puts_(t, TYPICAL);
        return 1;
    }
    if (strcmp(name, "status64k") == 0)
        line_of(t, "HTTP/1.1 200 ", LINE_64K);
    else
        puts_(t, "HTTP/1.1 200 OK\r\n");
    if (strcmp(name, "h98x660") == 0)
        fields(t, 98, 660);
    else if (strcmp(name, "line64k") == 0)
        fields(t, 1, LINE_64K);
    else if (strcmp(name, "h4x64k") == 0)
        fields(t, 4, LINE_64K);
    else if (strcmp(name, "status64k") != 0)
        return 0;
    puts_(t, "Content-Length: 0\r\n\r\n");
    return 1;
}

/* What a parse found, printed so runs with other pieces can be compared. */
typedef struct outcome {
    long status_rc, head_rc;
    int status, version;
    size_t reason_len, nheaders;
    unsigned long long hash; /* FNV-1a over the header spans' offsets and lengths */
} outcome;

static unsigned long long mix(unsigned long long h, size_t v)
{
    for (int i = 0; i < 8; i++, v >>= 8)
        h = (h ^ (v & 0xff)) * 0x100000001b3ULL;
    return h;
}

static void hash_headers(outcome *o, const char *base, const httpc_header *h, size_t n)
{
    o->hash = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        o->hash = mix(o->hash, (size_t)(h[i].name.ptr - base));
        o->hash = mix(o->hash, h[i].name.len);
        o->hash = mix(o->hash, (size_t)(h[i].value.ptr - base));
        o->hash = mix(o->hash, h[i].value.len);
    }
}

static size_t grow(size_t have, size_t piece, size_t len)
{
    return len - have < piece ? len : have + piece;
}

/* The status line, fed until complete; returns its result, *have the bytes
 * handed over so far. */
static ssize_t status_pieces(const char *buf, size_t len, size_t piece, int old_api,
                             httpc_status_line *sl, size_t *have)
{
    size_t last = 0;
    ssize_t rc;

    for (;;) {
        *have = grow(*have, piece, len);
        rc = old_api ? httpc_parse_status_line(buf, *have, 0, NULL, sl, NULL, 0)
                     : httpc_parse_status_line_resume(buf, *have, last, 0, NULL, sl, NULL, 0);
        if (rc != HTTPC_E_AGAIN || *have == len)
            return rc;
        last = *have;
    }
}

/* The header block after `start` bytes, `have` of them already here. */
static ssize_t head_pieces(const char *buf, size_t len, size_t start, size_t have, size_t piece,
                           int old_api, httpc_header *h, size_t *n)
{
    httpc_parse_state st = {0};
    size_t cap = *n, last = 0;
    ssize_t rc;

    for (;;) {
        *n = cap;
        rc = old_api ? httpc_parse_headers(buf + start, have - start, last, 0, NULL, h, n, NULL, 0)
                     : httpc_parse_headers_resume(buf + start, have - start, 0, NULL, h, n, &st,
                                                  NULL, 0);
        if (rc != HTTPC_E_AGAIN || have == len)
            return rc;
        last = have - start;
        have = grow(have, piece, len);
    }
}

static void run_parsers(const text *t, size_t piece, int old_api, outcome *o)
{
    static httpc_header h[HTTPC_MAXHEADERS];
    httpc_status_line sl;
    size_t have = 0, n = HTTPC_MAXHEADERS;

    memset(o, 0, sizeof *o);
    CALLGRIND_TOGGLE_COLLECT;
    o->status_rc = (long)status_pieces(t->p, t->len, piece, old_api, &sl, &have);
    if (o->status_rc > 0)
        o->head_rc =
            (long)head_pieces(t->p, t->len, (size_t)o->status_rc, have, piece, old_api, h, &n);
    CALLGRIND_TOGGLE_COLLECT;
    if (o->status_rc > 0) {
        o->status = sl.status;
        o->version = sl.version_num;
        o->reason_len = sl.reason.len;
    }
    if (o->head_rc > 0) {
        o->nheaders = n;
        hash_headers(o, t->p + o->status_rc, h, n);
    }
}

static void run_client(const text *t, size_t piece, outcome *o)
{
    httpc__transport *tr;
    httpc_resp *r;

    memset(o, 0, sizeof *o);
    if (httpc__mem_transport(t->p, t->len, piece, &tr) < 0 ||
        httpc__resp_new(tr, httpc_profile_get(HTTPC_PROFILE_PY3), 0, "GET", &r) < 0) {
        fprintf(stderr, "segments_ir: out of memory\n");
        exit(2);
    }
    CALLGRIND_TOGGLE_COLLECT;
    o->head_rc = httpc__resp_begin(r);
    CALLGRIND_TOGGLE_COLLECT;
    if (o->head_rc == 0) {
        o->status = httpc_resp_status(r);
        o->version = httpc_resp_version(r);
        o->nheaders = httpc_resp_header_count(r);
    }
    httpc_resp_free(r);
    httpc__transport_unref(tr);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: httpc-segments-ir --reply NAME --piece N [--client] [--old-api] "
               "[--scalar] [--iters K]\n"
               "  NAME: typical, h98x660, line64k, h4x64k, status64k\n"
               "  feeds the reply in pieces of N bytes (0: one piece) through the pure parsers\n"
               "  (--client: the in-memory transport and httpc__resp_begin) K times (1);\n"
               "  under valgrind --tool=callgrind --collect-atstart=no only the parsing is\n"
               "  collected (--scalar: the portable scan, as make bench-check counts).\n"
               "  Prints the reply's length and what was parsed.\n");
}

int main(int argc, char **argv)
{
    const char *name = NULL;
    size_t piece = 0;
    long iters = 1;
    int client = 0, old_api = 0;
    text t;
    outcome o;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--reply") == 0 && i + 1 < argc)
            name = argv[++i];
        else if (strcmp(argv[i], "--piece") == 0 && i + 1 < argc)
            piece = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--iters") == 0 && i + 1 < argc)
            iters = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--client") == 0)
            client = 1;
        else if (strcmp(argv[i], "--old-api") == 0)
            old_api = 1;
        else if (strcmp(argv[i], "--scalar") == 0)
            httpc__scan_select(0);
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (name == NULL || iters < 1 || !make_reply(name, &t)) {
        usage(stderr);
        return 2;
    }
    if (piece == 0)
        piece = t.len;
    for (long k = 0; k < iters; k++) {
        if (client)
            run_client(&t, piece, &o);
        else
            run_parsers(&t, piece, old_api, &o);
    }
    printf("reply=%s len=%zu piece=%zu path=%s status_rc=%ld head_rc=%ld status=%d version=%d "
           "reason_len=%zu headers=%zu hash=%016llx\n",
           name, t.len, piece, client ? "client" : "parsers", o.status_rc, o.head_rc, o.status,
           o.version, o.reason_len, o.nheaders, o.hash);
    free(t.p);
    return 0;
}
