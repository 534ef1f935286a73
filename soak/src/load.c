/* SPDX-License-Identifier: MIT */
/* A load client: many keep-alive connections of the reference client held
 * open at once against `httpc-mock serve --repeat soak/scenarios/keepalive.scn`,
 * each reply checked byte for byte, with the process's descriptors counted
 * before and after so a leak shows. */
#include "soak.h"

#include "httpc.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The body soak/scenarios/keepalive.scn sends. */
static const char want_body[] = "0123456789abcdef0123456789abcdef"
                                "0123456789abcdef0123456789abcdef";

typedef struct tally {
    unsigned long long ok, errors;
    char first_error[256];
} tally;

typedef struct body {
    char buf[128];
    size_t len;
} body;

static int keep(void *ctx, const void *data, size_t len)
{
    body *b = ctx;
    if (data == NULL)
        return 0;
    if (b->len + len > sizeof b->buf)
        return -1000; /* longer than any reply the scenario sends */
    memcpy(b->buf + b->len, data, len);
    b->len += len;
    return 0;
}

/* One request and its reply on `c`; counts it. On an error the connection is
 * closed, so the next request opens a new one (auto_open). */
static void exchange(httpc_conn *c, size_t i, tally *t)
{
    httpc_resp *r = NULL;
    body b = {.len = 0};
    char url[64];
    snprintf(url, sizeof url, "/soak/%zu", i);
    int e = httpc_conn_request(c, "GET", url, NULL, NULL, 0, 0);
    if (e == 0)
        e = httpc_conn_getresponse(c, &r);
    if (e == 0 && httpc_resp_status(r) != 200)
        e = HTTPC_E_HTTP_EXCEPTION;
    if (e == 0) {
        int64_t n = httpc_resp_read_all(r, keep, &b);
        if (n < 0)
            e = (int)n;
        else if (b.len != 64 || memcmp(b.buf, want_body, 64) != 0)
            e = HTTPC_E_HTTP_EXCEPTION;
    }
    httpc_resp_free(r);
    if (e == 0) {
        t->ok++;
        return;
    }
    if (t->errors++ == 0)
        snprintf(t->first_error, sizeof t->first_error, "connection %zu: %s %s", i,
                 httpc_err_name(e), httpc_conn_errmsg(c));
    for (char *p = t->first_error; *p; p++)
        if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20)
            *p = '?'; /* it goes into a JSON string as is */
    httpc_conn_close(c);
}

int soak_load(int argc, char **argv)
{
    long port = 0, nconns = 250, rounds = 100;
    double deadline = 120;
    int wait = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--wait"))
            wait = 1;
        else if (i + 1 < argc && !strcmp(argv[i], "--port"))
            port = strtol(argv[++i], NULL, 10);
        else if (i + 1 < argc && !strcmp(argv[i], "--conns"))
            nconns = strtol(argv[++i], NULL, 10);
        else if (i + 1 < argc && !strcmp(argv[i], "--rounds"))
            rounds = strtol(argv[++i], NULL, 10);
        else if (i + 1 < argc && !strcmp(argv[i], "--deadline"))
            deadline = strtod(argv[++i], NULL);
        else
            return fprintf(stderr, "httpc-soak load: bad option %s\n", argv[i]), 2;
    }
    if (port <= 0 || port > 65535 || nconns <= 0 || nconns > 100000 || rounds <= 0)
        return fprintf(stderr, "httpc-soak load: needs --port, --conns > 0, --rounds > 0\n"), 2;
    signal(SIGPIPE, SIG_IGN);
    soak_raise_nofile();
    int fds_before = soak_count_fds();
    double t0 = soak_now(), end = t0 + deadline;
    httpc_conn **cs = calloc((size_t)nconns, sizeof *cs);
    httpc_conn_opts o;
    httpc_conn_opts_init(&o);
    o.timeout_ms = 20000;
    tally t = {0};
    for (long i = 0; i < nconns; i++) {
        if (httpc_conn_new(&cs[i], "127.0.0.1", (int)port, &o) != 0)
            return fprintf(stderr, "httpc-soak load: out of memory\n"), 1;
        exchange(cs[i], (size_t)i, &t);
    }
    int fds_open = soak_count_fds();
    if (wait) {
        char line[16];
        printf("ready %d\n", fds_open);
        fflush(stdout);
        if (fgets(line, sizeof line, stdin) == NULL) {
            /* no driver: go on at once */
        }
    }
    long done_rounds = 1;
    for (; done_rounds < rounds && soak_now() < end; done_rounds++)
        for (long i = 0; i < nconns; i++)
            exchange(cs[i], (size_t)i, &t);
    for (long i = 0; i < nconns; i++)
        httpc_conn_free(cs[i]);
    free(cs);
    /* A deadline ends the rounds early; what was started must still add up. */
    unsigned long long planned = (unsigned long long)nconns * (unsigned long long)done_rounds;
    printf("{\"conns\": %ld, \"rounds\": %ld, \"planned\": %llu, \"ok\": %llu, \"errors\": %llu, "
           "\"lost\": %llu, \"seconds\": %.2f, \"fds_before\": %d, \"fds_open\": %d, "
           "\"fds_after\": %d, \"first_error\": \"%s\"}\n",
           nconns, done_rounds, planned, t.ok, t.errors, planned - t.ok - t.errors, soak_now() - t0,
           fds_before, fds_open, soak_count_fds(), t.first_error);
    return t.errors || t.ok != planned || done_rounds < rounds ? 1 : 0;
}
