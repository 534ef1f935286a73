/* SPDX-License-Identifier: MIT */
/* What each parser of the benchmarks fills in (bench/micro.c, bench/sweep.c),
 * shared with the peers' adapters, which live in files of their own because
 * llhttp.h and http_parser.h declare the same names. */
#ifndef HTTPC_BENCH_MICRO_H
#define HTTPC_BENCH_MICRO_H

#include <httpc.h>

#include <stdint.h>

#define MAXH 160

typedef struct result {
    int status, major, minor, nheaders;
    httpc_span reason;
    httpc_span name[MAXH], value[MAXH];
    uint64_t body_len, body_runs, body_hash;
    uint64_t head_hash; /* verification pass: reason, names and values (bench_head_hash) */
    size_t consumed;    /* SIZE_MAX: not known (the client path reads ahead) */
    int hash;           /* verification pass: hash the body and head bytes too */
    int head_hashed;    /* head_hash already set (by a runner whose spans do not outlive it) */
    int last_was_value;
} result;

typedef struct message {
    const char *name;
    char *buf;
    size_t len;
    int chunked;
} message;

/* Shared by the adapters (bench/common.c): a body run, a piece of the reason
 * phrase, and a piece of a header name or value (consecutive pieces of one
 * kind extend the span: every parser is fed one contiguous buffer). */
void bench_add_body(result *r, const char *at, size_t n);
/* The data runs of one decoder call, each as bench_add_body takes it, in one
 * call (as picohttpparser's adapter hands over the one run its call joins). */
void bench_add_runs(result *r, const httpc_span *runs, size_t n);
void bench_add_reason(result *r, const char *at, size_t n);
void bench_add_piece(result *r, int is_value, const char *at, size_t n);
/* Empties r for a new parse; `hash` turns on the verification pass. */
void bench_reset(result *r, int hash);
/* FNV-1a over the reason, every name and value (with their lengths) into
 * r->head_hash: results compared by content, whoever owns the bytes. */
void bench_head_hash(result *r);
/* Whether got parsed m as want did: status, version, header count, head and
 * body bytes, and the bytes consumed when both know them; says who differs. */
int bench_same_content(const result *want, const result *got, const char *msg, const char *who);
/* A parser of the benchmarks: parses m fed in pieces of `piece` bytes (0:
 * all at once) into r; 0 on success. */
typedef int (*bench_run_fn)(const message *m, size_t piece, result *r);
/* The mean time of one parse over `iters` parses, in ns. picohttpparser's
 * chunked decoder rewrites its input: its copies are made between batches,
 * outside the timed loops, so only the parse is timed. */
double bench_time(bench_run_fn f, const message *m, size_t piece, long iters);
double bench_now_ns(void);
int bench_cmp_double(const void *a, const void *b);
/* Whether a header list says chunked (the adapters that look at the fields
 * themselves): a Transfer-Encoding field holding "chunked". The name's
 * length is tested in line, so that every other field costs each adapter
 * one comparison, not a call. */
int bench_te_chunked(const char *name, const char *value, size_t value_len);
static inline int bench_is_chunked(const char *name, size_t name_len, const char *value,
                                   size_t value_len)
{
    return name_len == sizeof "transfer-encoding" - 1 && bench_te_chunked(name, value, value_len);
}

/* Each adapter parses the whole message m into r, fed in pieces of `piece`
 * bytes (0: all at once) as they would arrive in one receive buffer; 0 on
 * success. The streaming parsers get each piece once; picohttpparser is
 * called again with the longer buffer and last_len, as its API asks. */
extern httpc_profile bench_profile; /* py3 with max_headers 1000 (set up by main) */
int bench_run_httpc(const message *m, size_t piece, result *r);
void bench_llhttp_setup(void);
int bench_run_llhttp(const message *m, size_t piece, result *r);
void bench_http_parser_setup(void);
int bench_run_http_parser(const message *m, size_t piece, result *r);
/* The floor (bench/peer_lines.c): each line found with memchr, the name up
 * to the colon, the value from the first non-blank after it to the CR;
 * nothing checked (CRLF and a well-formed status line assumed), no body. On
 * the benchmarks' heads it finds the spans httpc does, and is checked to.
 * bench_run_lines is called again with the longer buffer whenever the head
 * is not complete and searches each byte once however the head is cut (the
 * sweep); bench_run_lines_whole takes the whole head in one pass, in line,
 * ignoring `piece` (the micro-benchmark). */
int bench_run_lines(const message *m, size_t piece, result *r);
int bench_run_lines_whole(const message *m, size_t piece, result *r);
void bench_pico_setup(void);
int bench_run_pico(const message *m, size_t piece, result *r);
/* picohttpparser decodes a chunked body in place: bench_pico_prepare copies
 * m into up to `n` work buffers (at most bench_pico_batch(m)) that the next
 * parses of m use, one each, without copying; a parse that finds none
 * copies the body itself (outside callgrind's count). */
int bench_pico_batch(const message *m);
void bench_pico_prepare(const message *m, int n);

#endif
