/* SPDX-License-Identifier: MIT */
/* What each parser of the micro-benchmark fills in (bench/micro.c), shared
 * with the peers' adapters, which live in files of their own because
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
    size_t consumed;
    int hash; /* verification pass: hash the body bytes too */
    int last_was_value;
} result;

typedef struct message {
    const char *name;
    char *buf;
    size_t len;
    int chunked;
} message;

/* Shared by the adapters: a body run, and a piece of a header name or value
 * (consecutive pieces of one kind extend the span). */
void bench_add_body(result *r, const char *at, size_t n);
void bench_add_piece(result *r, int is_value, const char *at, size_t n);

/* Each adapter parses the whole message m into r; 0 on success. */
void bench_llhttp_setup(void);
int bench_run_llhttp(const message *m, result *r);
void bench_http_parser_setup(void);
int bench_run_http_parser(const message *m, result *r);

#endif
