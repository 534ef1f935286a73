/* SPDX-License-Identifier: MIT */
/* The parser micro-benchmark: httpc's pure response parsers against
 * picohttpparser, llhttp and http-parser 2.9.4 on the same messages, doing
 * the same work (status, version, reason, every header name and value
 * located; for chunked bodies every data run located), and on the heads a
 * memchr line splitter that checks nothing, the floor. Results are checked equal across the parsers
 * before anything is timed, so a faster parser is never one that skips work.
 *
 *   httpc-bench-micro [--scan auto|scalar|sse2|avx2] [--json]   timings
 *   httpc-bench-micro --callgrind [--iters N]   one callgrind dump per case
 *   httpc-bench-micro --selftest   every scan level against a reference
 */
#include "micro.h"

#include <httpc.h>
#include <valgrind/callgrind.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The scanners of client/src/parse/scan.c and their inline first steps. */
#include "../client/src/parse/scan.h"

#define NPARSERS 5
#define LINES 4 /* the memchr line splitter: heads only */

/* ---- the corpus ---------------------------------------------------------- */

static char *dup_str(const char *s, size_t *len)
{
    *len = strlen(s);
    char *p = malloc(*len + 1);
    memcpy(p, s, *len + 1);
    return p;
}

static const char MINIMAL[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

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

static char *make_cookie(size_t *len)
{
    char v[520];
    for (size_t i = 0; i < sizeof v - 1; i++)
        v[i] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"[(i * 7 + 3) % 64];
    v[sizeof v - 1] = '\0';
    char *p = malloc(2048);
    *len = (size_t)snprintf(p, 2048,
                            "HTTP/1.1 200 OK\r\n"
                            "Date: Sun, 29 Nov 2026 16:52:55 GMT\r\n"
                            "Content-Type: text/html; charset=UTF-8\r\n"
                            "Content-Length: 1234\r\n"
                            "Set-Cookie: session=%s; Path=/; Secure; HttpOnly\r\n"
                            "Cache-Control: no-store\r\n"
                            "\r\n",
                            v);
    return p;
}

static char *make_hundred(size_t *len)
{
    char *p = malloc(8192);
    size_t n = (size_t)snprintf(p, 8192, "HTTP/1.1 200 OK\r\n");
    for (int i = 0; i < 100; i++)
        n += (size_t)snprintf(p + n, 8192 - n, "X-Field-%03d: value number %d of the hundred\r\n",
                              i, i);
    n += (size_t)snprintf(p + n, 8192 - n, "\r\n");
    *len = n;
    return p;
}

static char *make_chunked(int chunks, size_t size, size_t *len)
{
    size_t cap = 256 + (size_t)chunks * (size + 16);
    char *p = malloc(cap);
    size_t n = (size_t)snprintf(p, cap, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int c = 0; c < chunks; c++) {
        n += (size_t)snprintf(p + n, cap - n, "%zx\r\n", size);
        for (size_t i = 0; i < size; i++)
            p[n++] = (char)('a' + (c + (int)i) % 26);
        p[n++] = '\r', p[n++] = '\n';
    }
    n += (size_t)snprintf(p + n, cap - n, "0\r\n\r\n");
    *len = n;
    return p;
}

static int load_corpus(message *m)
{
    int k = 0;
    m[k].name = "minimal", m[k].buf = dup_str(MINIMAL, &m[k].len), k++;
    m[k].name = "typical", m[k].buf = dup_str(TYPICAL, &m[k].len), k++;
    m[k].name = "cookie", m[k].buf = make_cookie(&m[k].len), k++;
    m[k].name = "100-headers", m[k].buf = make_hundred(&m[k].len), k++;
    m[k].name = "chunked-32x128", m[k].buf = make_chunked(32, 128, &m[k].len), m[k].chunked = 1,
    k++;
    m[k].name = "chunked-4x16k", m[k].buf = make_chunked(4, 16384, &m[k].len), m[k].chunked = 1,
    k++;
    return k;
}

/* ---- driver -------------------------------------------------------------- */

static const char *const parser_names[NPARSERS] = {"httpc", "picohttpparser", "llhttp",
                                                   "http-parser", "memchr-lines"};
static const bench_run_fn runners[NPARSERS] = {bench_run_httpc, bench_run_pico, bench_run_llhttp,
                                               bench_run_http_parser, bench_run_lines_whole};

/* Whether parser k parses m (the line splitter decodes no body). */
static int applies(const message *m, int k)
{
    return k != LINES || !m->chunked;
}

static int span_eq(httpc_span a, httpc_span b)
{
    return a.len == b.len && (a.len == 0 || a.ptr == b.ptr);
}

static int same(const result *a, const result *b, const message *m, const char *who)
{
    int ok = a->status == b->status && a->major == b->major && a->minor == b->minor &&
             span_eq(a->reason, b->reason) && a->nheaders == b->nheaders &&
             a->body_len == b->body_len && a->body_hash == b->body_hash &&
             a->consumed == b->consumed;
    for (int i = 0; ok && i < a->nheaders && i < MAXH; i++)
        ok = span_eq(a->name[i], b->name[i]) && span_eq(a->value[i], b->value[i]);
    if (!ok)
        fprintf(stderr, "bench: %s: %s disagrees with httpc\n", m->name, who);
    return ok;
}

static int verify(const message *m, int nm)
{
    static result want, got;
    int ok = 1;
    for (int i = 0; i < nm; i++) {
        bench_reset(&want, 1);
        if (bench_run_httpc(&m[i], 0, &want) < 0) {
            fprintf(stderr, "bench: %s: httpc failed\n", m[i].name);
            return 0;
        }
        for (int k = 1; k < NPARSERS; k++) {
            if (!applies(&m[i], k))
                continue;
            bench_reset(&got, 1);
            if (runners[k](&m[i], 0, &got) < 0) {
                fprintf(stderr, "bench: %s: %s failed\n", m[i].name, parser_names[k]);
                ok = 0;
            } else {
                ok &= same(&want, &got, &m[i], parser_names[k]);
            }
        }
    }
    return ok;
}

#define RUNS 11

/* Rounds interleave the parsers, so a burst of load from other processes
 * hits all of them alike; the median of the rounds is reported. */
static void time_all(const message *m, int nm, int json)
{
    for (int i = 0; i < nm; i++) {
        double t[NPARSERS][RUNS];
        long iters[NPARSERS];
        for (int k = 0; k < NPARSERS; k++) { /* calibrate: ~10 ms a round */
            double ns = applies(&m[i], k) ? bench_time(runners[k], &m[i], 0, 200) : 0;
            iters[k] = (long)(1e7 / (ns > 1 ? ns : 1)) + 1;
        }
        for (int run = 0; run < RUNS; run++)
            for (int k = 0; k < NPARSERS; k++)
                if (applies(&m[i], k))
                    t[k][run] = bench_time(runners[k], &m[i], 0, iters[k]);
        for (int k = 0; k < NPARSERS; k++) {
            if (!applies(&m[i], k))
                continue;
            qsort(t[k], RUNS, sizeof(double), bench_cmp_double);
            double med = t[k][RUNS / 2], mbs = (double)m[i].len / med * 1e3;
            if (json)
                printf("{\"message\": \"%s\", \"bytes\": %zu, \"parser\": \"%s\", \"ns\": %.2f, "
                       "\"min_ns\": %.2f, \"mb_s\": %.1f}\n",
                       m[i].name, m[i].len, parser_names[k], med, t[k][0], mbs);
            else
                printf("%-15s %5zu B  %-12s %9.1f ns  %8.1f MB/s\n", m[i].name, m[i].len,
                       parser_names[k], med, mbs);
        }
    }
}

/* One callgrind dump per (message, parser): the dump's instruction total
 * divided by `iters` is the cost of one parse. */
static void callgrind_all(const message *m, int nm, long iters)
{
    static result r;
    char name[96];
    for (int i = 0; i < nm; i++) {
        for (int k = 0; k < NPARSERS; k++) {
            if (!applies(&m[i], k))
                continue;
            for (int w = 0; w < 3; w++) /* warm: lazy binding, first-touch paths */
                bench_reset(&r, 0), runners[k](&m[i], 0, &r);
            CALLGRIND_ZERO_STATS;
            for (long n = 0; n < iters; n++) {
                bench_reset(&r, 0);
                runners[k](&m[i], 0, &r);
            }
            snprintf(name, sizeof name, "case=%s/%s/%ld", m[i].name, parser_names[k], iters);
            CALLGRIND_DUMP_STATS_AT(name);
        }
    }
}

/* Every scan level against a byte-at-a-time reference, on random buffers
 * rich in the octets that matter (CR, LF, ':', controls, 0x7f, 0x80+) at
 * every length and offset: the parsers' results must not depend on the CPU. */
static size_t ref_crlf(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && p[i] != '\r' && p[i] != '\n')
        i++;
    return i;
}

static size_t ref_name(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && (unsigned char)p[i] >= 0x21 && (unsigned char)p[i] <= 0x7e && p[i] != ':')
        i++;
    return i;
}

static int selftest(void)
{
    static const unsigned char special[] = {'\r', '\n', ':',  0x00, 0x09, 0x0d - 1, 0x0e, 0x1f,
                                            0x20, 0x21, 0x7e, 0x7f, 0x80, 0xff,     0xa0, 0x3a};
    char buf[200];
    uint64_t seed = 42;
    int bad = 0;
    for (int level = 0; level < 3; level++) {
        int got_level = httpc__scan_select(level);
        for (int round = 0; round < 20000; round++) {
            size_t n = (size_t)(round % 150), off = (size_t)(round % 7);
            for (size_t i = 0; i < n; i++) {
                seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
                unsigned r = (unsigned)(seed >> 33);
                buf[off + i] =
                    (char)(r % 23 == 0 ? special[(r >> 8) % sizeof special] : 'a' + r % 26);
            }
            bad |= httpc__scan_crlf(buf + off, n) != ref_crlf(buf + off, n);
            bad |= httpc__scan_name(buf + off, n) != ref_name(buf + off, n);
            bad |= httpc__scan_crlf_fast(buf + off, n) != ref_crlf(buf + off, n);
            bad |= httpc__scan_name_fast(buf + off, n) != ref_name(buf + off, n);
        }
        printf("scan level %d (%s): %s\n", got_level,
               got_level == 0   ? "8-byte words"
               : got_level == 1 ? "SSE2"
                                : "AVX2",
               bad ? "MISMATCH" : "agrees with the reference");
    }
    httpc__scan_select(-1);
    return bad ? 1 : 0;
}

static int scan_level(const char *s)
{
    static const char *const names[] = {"scalar", "sse2", "avx2"};
    for (int i = 0; i < 3; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

int main(int argc, char **argv)
{
    message m[8] = {0};
    int nm, json = 0, cg = 0;
    const char *only = NULL;
    long iters = 100;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (strcmp(argv[i], "--callgrind") == 0)
            cg = 1;
        else if (strcmp(argv[i], "--iters") == 0 && i + 1 < argc)
            iters = atol(argv[++i]);
        else if (strcmp(argv[i], "--selftest") == 0)
            return selftest();
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: %s [--json] [--scan auto|scalar|sse2|avx2] [--only MESSAGE] "
                   "[--callgrind [--iters N]] [--selftest]\n"
                   "Parses each message of the corpus with httpc, picohttpparser, llhttp and "
                   "http-parser,\nchecks the results are equal, then times them (median of "
                   "interleaved rounds), or\nwith --callgrind makes one callgrind dump per "
                   "case (run it under valgrind).\n",
                   argv[0]);
            return 0;
        } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            only = argv[++i];
        else if (strcmp(argv[i], "--scan") == 0 && i + 1 < argc)
            httpc__scan_select(scan_level(argv[++i]));
        else {
            fprintf(stderr,
                    "usage: %s [--json] [--scan auto|scalar|sse2|avx2] "
                    "[--only MESSAGE] [--callgrind [--iters N]] [--selftest]\n",
                    argv[0]);
            return 2;
        }
    }
    bench_profile = *httpc_profile_get(HTTPC_PROFILE_PY3);
    bench_profile.max_headers = 1000; /* CPython stops at 99 fields; the peers do not */
    bench_llhttp_setup();
    bench_http_parser_setup();
    bench_pico_setup();
    nm = load_corpus(m);
    if (!verify(m, nm))
        return 1;
    for (int i = 0; only != NULL && i < nm; i++) /* one message: for profiling */
        if (strcmp(m[i].name, only) == 0)
            m[0] = m[i], nm = 1;
    if (!json && !cg)
        printf("results equal across parsers on %d messages\n", nm);
    if (cg)
        callgrind_all(m, nm, iters);
    else
        time_all(m, nm, json);
    return 0;
}
