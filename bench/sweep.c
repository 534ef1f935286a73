/* SPDX-License-Identifier: MIT */
/* The segmentation sweep: replies fed in one piece and in 1448-, 64- and
 * 1-byte pieces to httpc's pure parsers, httpc's client path (the in-memory
 * transport, one read per piece, through httpc__resp_begin and the body),
 * picohttpparser, llhttp, http-parser, and on the heads the floor: a line
 * splitter that checks nothing and searches each new byte once. A server
 * chooses how its reply is cut, so a parser's cost must stay proportional to
 * the bytes however they arrive; this measures it. Every case is checked to
 * give httpc's result (status, version, headers by content, body bytes)
 * before it is measured.
 *
 *   httpc-bench-sweep [--json] [--rounds N]            timings (ns per byte)
 *   httpc-bench-sweep --callgrind [--budget BYTES]      one callgrind dump per case
 *   httpc-bench-sweep --verify-only      check every case, measure nothing
 *   filters: --message M,.. --parser P,.. --piece N,.. ; --scan LEVEL ; --list
 * Under callgrind the check costs as much as the measure, and a parser gone
 * quadratic spends billions of instructions on a 64 KiB line fed one byte at
 * a time (httpc's did before its head parsers were rewritten): bench/run.py checks natively with
 * --verify-only, then runs callgrind with --no-verify. */
#include "micro.h"

#include "conn_internal.h"

#include <valgrind/callgrind.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"

/* ---- the replies ------------------------------------------------------------ */

#define LINE_64K 65536 /* HTTPC_MAXLINE: the longest line CPython accepts, CRLF included */

static const char TYPICAL[] =
    "HTTP/1.1 200 OK\r\n"
    "Date: Sun, 29 Nov 2026 16:52:55 GMT\r\n"
    "Server: Apache/2.4.57 (Debian) OpenSSL/3.0.15 mod_wsgi/4.9.4 Python/3.11 mod_perl/2.0.9\r\n"
    "Last-Modified: Tue, 10 Nov 2026 09:12:03 GMT\r\n"
    "ETag: \"2aa6-5f0e6c8d3b2c0-gzip\"\r\n"
    "Accept-Ranges: bytes\r\n"
    "Content-Length: 10918\r\n"
    "Vary: Accept-Encoding,User-Agent\r\n"
    "Cache-Control: max-age=3600, public, must-revalidate\r\n"
    "Content-Type: text/html; charset=UTF-8\r\n"
    "Strict-Transport-Security: max-age=63072000; includeSubDomains; preload\r\n"
    "X-Request-Id: 4f1c2a9e-8b7d-4c3e-a1f0-9d8e7c6b5a43\r\n"
    "\r\n";

typedef struct builder {
    char *p;
    size_t n, cap;
} builder;

static void put(builder *b, const char *s, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2;
        b->p = realloc(b->p, b->cap);
        if (b->p == NULL)
            abort();
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
}

static void puts_(builder *b, const char *s)
{
    put(b, s, strlen(s));
}

/* `prefix` then filler up to a line of `len` bytes, CRLF included. */
static void put_line(builder *b, const char *prefix, size_t len)
{
    size_t k = strlen(prefix);
    puts_(b, prefix);
    for (size_t i = k; i + 2 < len; i++) {
        char c =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"[(i * 7 + 3) % 64];
        put(b, &c, 1);
    }
    puts_(b, "\r\n");
}

static message make(const char *name, builder *b, int chunked)
{
    return (message){.name = name, .buf = b->p, .len = b->n, .chunked = chunked};
}

static message headers_of(const char *name, int count, size_t line_len)
{
    builder b = {0};
    char prefix[32];
    puts_(&b, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n");
    for (int i = 0; i < count; i++) {
        snprintf(prefix, sizeof prefix, "X-Field-%02d: ", i);
        put_line(&b, prefix, line_len);
    }
    puts_(&b, "\r\n");
    return make(name, &b, 0);
}

static message chunked_of(const char *name, int chunks, size_t size)
{
    builder b = {0};
    char line[32];
    puts_(&b, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int c = 0; c < chunks; c++) {
        snprintf(line, sizeof line, "%zx\r\n", size);
        puts_(&b, line);
        put_line(&b, "", size + 2);
    }
    puts_(&b, "0\r\n\r\n");
    return make(name, &b, 1);
}

static int load_replies(message *m)
{
    int k = 0;
    builder b = {0};
    puts_(&b, TYPICAL);
    m[k++] = make("typical", &b, 0);
    m[k++] = headers_of("98x660", 98, 660);
    m[k++] = headers_of("line-64k", 1, LINE_64K);
    m[k++] = headers_of("4x64k", 4, LINE_64K);
    b = (builder){0};
    put_line(&b, "HTTP/1.1 200 ", LINE_64K);
    puts_(&b, "Content-Length: 0\r\n\r\n");
    m[k++] = make("status-64k", &b, 0);
    m[k++] = chunked_of("chunked-32x128", 32, 128);
    m[k++] = chunked_of("chunked-4x16k", 4, 16384);
    return k;
}

/* ---- httpc's client path ---------------------------------------------------- */

static int sink(void *ctx, const void *data, size_t len)
{
    if (data != NULL)
        bench_add_body(ctx, data, len);
    return 0;
}

/* The reply behind the in-memory transport, which hands out `piece` bytes a
 * read: a new transport and response each time (the transport copies the
 * reply), begin() and, for a chunked reply, the body through read(). The
 * spans die with the response, so the verification pass hashes them here. */
static int run_client(const message *m, size_t piece, result *r)
{
    httpc__transport *t;
    httpc_resp *resp;
    if (httpc__mem_transport(m->buf, m->len, piece, &t) < 0)
        return -1;
    int rc = httpc__resp_new(t, &bench_profile, 0, "GET", &resp);
    httpc__transport_unref(t);
    if (rc < 0)
        return -1;
    rc = httpc__resp_begin(resp);
    if (rc == 0) {
        int v = httpc_resp_version(resp);
        r->status = httpc_resp_status(resp), r->major = v / 10, r->minor = v % 10;
        const char *reason = httpc_resp_reason(resp); /* no NUL in these replies */
        r->reason = (httpc_span){reason, strlen(reason)};
        r->nheaders = (int)httpc_resp_header_count(resp);
        for (int i = 0; i < r->nheaders && i < MAXH; i++)
            httpc_resp_header_at(resp, (size_t)i, &r->name[i], &r->value[i]);
        if (httpc_resp_chunked(resp) && httpc_resp_read_all(resp, sink, r) < 0)
            rc = -1;
    }
    if (r->hash)
        bench_head_hash(r);
    r->consumed = SIZE_MAX;
    httpc_resp_free(resp);
    return rc < 0 ? -1 : 0;
}

/* ---- the cases --------------------------------------------------------------- */

enum { NPARSERS = 6, NPIECES = 4, MAXMSG = 8, LINES = 5 };
static const char *const parser_names[NPARSERS] = {"httpc",  "httpc-client", "picohttpparser",
                                                   "llhttp", "http-parser",  "memchr-lines"};
static const bench_run_fn runners[NPARSERS] = {bench_run_httpc,       run_client,
                                               bench_run_pico,        bench_run_llhttp,
                                               bench_run_http_parser, bench_run_lines};
static const size_t pieces[NPIECES] = {0, 1448, 64, 1};

/* What --message, --parser and --piece keep (all when not given). */
typedef struct selection {
    const char *messages, *parsers, *pieces;
} selection;

static int listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p != NULL; p = strchr(p, ',')) {
        p += *p == ',';
        if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
            return 1;
    }
    return 0;
}

/* The floor (memchr-lines) splits heads and decodes no body. */
static int selected(const selection *s, const message *m, int k, size_t piece)
{
    char pc[24];
    snprintf(pc, sizeof pc, "%zu", piece);
    return (k != LINES || !m->chunked) && (s->messages == NULL || listed(s->messages, m->name)) &&
           (s->parsers == NULL || listed(s->parsers, parser_names[k])) &&
           (s->pieces == NULL || listed(s->pieces, pc));
}

/* The case against httpc's pure parsers given the reply in one piece. */
static int verify(const message *m, int k, size_t piece)
{
    static result want, got;
    char who[64];
    bench_reset(&want, 1);
    if (bench_run_httpc(m, 0, &want) < 0) {
        fprintf(stderr, "bench: %s: httpc failed\n", m->name);
        return 0;
    }
    bench_head_hash(&want);
    bench_reset(&got, 1);
    snprintf(who, sizeof who, "%s in %zu-byte pieces", parser_names[k], piece);
    if (runners[k](m, piece, &got) < 0) {
        fprintf(stderr, "bench: %s: %s failed\n", m->name, who);
        return 0;
    }
    if (!got.head_hashed)
        bench_head_hash(&got);
    return bench_same_content(&want, &got, m->name, who);
}

/* Per reply and piece size, the parsers take turns round by round (load
 * from other processes hits them alike); the median round is reported. A
 * round is about 5 ms, and at least one parse: the quadratic cases (a
 * 64 KiB line one byte at a time) take one parse a round. */
static void time_case(const message *m, size_t piece, const selection *sel, int rounds, int json)
{
    double t[NPARSERS][64];
    long iters[NPARSERS];
    for (int k = 0; k < NPARSERS; k++)
        if (selected(sel, m, k, piece)) {
            double ns = bench_time(runners[k], m, piece, 1);
            iters[k] = ns >= 5e6 ? 1 : (long)(5e6 / (ns > 1 ? ns : 1));
        }
    for (int round = 0; round < rounds; round++)
        for (int k = 0; k < NPARSERS; k++)
            if (selected(sel, m, k, piece))
                t[k][round] = bench_time(runners[k], m, piece, iters[k]);
    for (int k = 0; k < NPARSERS; k++) {
        if (!selected(sel, m, k, piece))
            continue;
        qsort(t[k], (size_t)rounds, sizeof(double), bench_cmp_double);
        double med = t[k][rounds / 2];
        if (json)
            printf("{\"message\": \"%s\", \"bytes\": %zu, \"piece\": %zu, \"parser\": \"%s\", "
                   "\"ns\": %.1f, \"ns_per_byte\": %.4f}\n",
                   m->name, m->len, piece, parser_names[k], med, med / (double)m->len);
        else
            printf("%-15s %7zu B  piece %5zu  %-15s %12.0f ns  %9.3f ns/B\n", m->name, m->len,
                   piece, parser_names[k], med, med / (double)m->len);
    }
}

/* One callgrind dump per case: the dump's instructions divided by the
 * iterations and the reply's bytes are its Ir/B. A parse with the same
 * pieces warms the parser first (lazy binding, first-touch paths), and the
 * dump's name is made before the count starts (snprintf is about 2,000
 * instructions, which a one-parse case would count as its own); the
 * iterations cover about `budget` bytes and at least one parse. */
static void callgrind_case(const message *m, int k, size_t piece, size_t budget)
{
    static result r;
    char name[128];
    long iters = m->len >= budget ? 1 : (long)(budget / m->len);
    snprintf(name, sizeof name, "case=%s/%s/%zu/%ld/%zu", m->name, parser_names[k], piece, iters,
             m->len);
    bench_reset(&r, 0);
    runners[k](m, piece, &r);
    CALLGRIND_ZERO_STATS;
    for (long n = 0; n < iters; n++) {
        bench_reset(&r, 0);
        runners[k](m, piece, &r);
    }
    CALLGRIND_DUMP_STATS_AT(name);
}

/* httpc__scan_select's level: -1 for auto (the best the CPU has), -2 unknown. */
static int scan_level(const char *s)
{
    static const char *const names[] = {"scalar", "sse2", "avx2"};
    for (int i = 0; i < 3; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return strcmp(s, "auto") == 0 ? -1 : -2;
}

static const char usage[] =
    "usage: httpc-bench-sweep [--json] [--rounds N] [--callgrind [--budget BYTES]]\n"
    "                         [--message M,..] [--parser P,..] [--piece N,..]\n"
    "                         [--scan auto|scalar|sse2|avx2] [--verify-only] [--no-verify]\n"
    "                         [--list] [--help]\n"
    "Feeds each reply in one piece (0) and in 1448-, 64- and 1-byte pieces to httpc's pure\n"
    "parsers (httpc), httpc's client path over the in-memory transport (httpc-client),\n"
    "picohttpparser, llhttp, http-parser and the floor (memchr-lines: a line splitter that\n"
    "checks nothing and searches each new byte once; heads only), after checking every case\n"
    "parses as httpc does.\n"
    "Prints ns per parse and per byte (median of N interleaved rounds, default 5), or with\n"
    "--callgrind one callgrind dump per case named case=MESSAGE/PARSER/PIECE/ITERS/BYTES\n"
    "(run it under valgrind --tool=callgrind; bench/run.py does). --verify-only checks the\n"
    "cases and measures nothing; --no-verify skips the check (only after --verify-only\n"
    "passed on the same binary: bench/run.py does so under callgrind). --list names the\n"
    "replies and their sizes.\n";

int main(int argc, char **argv)
{
    message m[MAXMSG];
    selection sel = {0};
    int json = 0, cg = 0, list = 0, rounds = 5, check = 1, measure = 1;
    size_t budget = 65536;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--json") == 0)
            json = 1;
        else if (strcmp(a, "--callgrind") == 0)
            cg = 1;
        else if (strcmp(a, "--list") == 0)
            list = 1;
        else if (strcmp(a, "--verify-only") == 0)
            measure = 0;
        else if (strcmp(a, "--no-verify") == 0)
            check = 0;
        else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
            return fputs(usage, stdout), 0;
        else if (v != NULL && strcmp(a, "--rounds") == 0 && (rounds = atoi(v)) > 0 && rounds <= 64)
            i++;
        else if (v != NULL && strcmp(a, "--budget") == 0 && (budget = strtoul(v, NULL, 10)) > 0)
            i++;
        else if (v != NULL && strcmp(a, "--message") == 0)
            sel.messages = argv[++i];
        else if (v != NULL && strcmp(a, "--parser") == 0)
            sel.parsers = argv[++i];
        else if (v != NULL && strcmp(a, "--piece") == 0)
            sel.pieces = argv[++i];
        else if (v != NULL && strcmp(a, "--scan") == 0 && scan_level(v) >= -1)
            httpc__scan_select(scan_level(argv[++i]));
        else
            return fputs(usage, stderr), 2;
    }
    bench_profile = *httpc_profile_get(HTTPC_PROFILE_PY3);
    bench_profile.max_headers = 1000; /* CPython stops at 100 fields; the peers do not */
    bench_llhttp_setup();
    bench_http_parser_setup();
    bench_pico_setup();
    int nm = load_replies(m);
    if (list) {
        for (int i = 0; i < nm; i++)
            printf("%s %zu\n", m[i].name, m[i].len);
        return 0;
    }
    for (int i = 0; i < nm; i++)
        for (int p = 0; p < NPIECES; p++)
            for (int k = 0; k < NPARSERS; k++)
                if (selected(&sel, &m[i], k, pieces[p])) {
                    if (check && !verify(&m[i], k, pieces[p]))
                        return 1;
                    if (cg && measure)
                        callgrind_case(&m[i], k, pieces[p], budget);
                }
    if (check && !measure)
        printf("results equal to httpc's in every case\n");
    if (!cg && measure)
        for (int i = 0; i < nm; i++)
            for (int p = 0; p < NPIECES; p++)
                time_case(&m[i], pieces[p], &sel, rounds, json);
    return 0;
}
