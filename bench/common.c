/* SPDX-License-Identifier: MIT */
/* The result helpers every parser adapter of the benchmarks shares, so that
 * each parser records the same spans the same way and a comparison of
 * results is one function (micro.h). */
#include "micro.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define FNV_INIT 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static uint64_t fnv(uint64_t h, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * FNV_PRIME;
    return h;
}

void bench_add_body(result *r, const char *at, size_t n)
{
    r->body_len += n;
    r->body_runs++;
    if (r->hash) /* only in the verification pass */
        r->body_hash = fnv(r->body_hash, at, n);
}

void bench_add_runs(result *r, const httpc_span *runs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        bench_add_body(r, runs[i].ptr, runs[i].len);
}

void bench_add_reason(result *r, const char *at, size_t n)
{
    if (r->reason.ptr == NULL)
        r->reason = (httpc_span){at, n};
    else
        r->reason.len += n;
}

/* A callback parser may deliver a name or value in pieces; consecutive
 * pieces of the same kind extend the span (they are contiguous here). */
void bench_add_piece(result *r, int is_value, const char *at, size_t n)
{
    if (!is_value && (r->nheaders == 0 || r->last_was_value)) {
        if (r->nheaders < MAXH)
            r->name[r->nheaders] = (httpc_span){at, n}, r->value[r->nheaders] = (httpc_span){at, 0};
        r->nheaders++;
    } else if (r->nheaders > 0 && r->nheaders <= MAXH) {
        httpc_span *s = is_value ? &r->value[r->nheaders - 1] : &r->name[r->nheaders - 1];
        if (is_value && !r->last_was_value)
            *s = (httpc_span){at, n};
        else
            s->len += n;
    }
    r->last_was_value = is_value;
}

void bench_reset(result *r, int hash)
{
    r->status = r->major = r->minor = r->nheaders = 0;
    r->reason = (httpc_span){NULL, 0};
    r->body_len = r->body_runs = 0;
    r->body_hash = r->head_hash = FNV_INIT;
    r->consumed = 0;
    r->hash = hash;
    r->head_hashed = 0;
    r->last_was_value = 0;
}

void bench_head_hash(result *r)
{
    uint64_t h = fnv(FNV_INIT, r->reason.ptr, r->reason.len);
    for (int i = 0; i < r->nheaders && i < MAXH; i++) {
        size_t lens[2] = {r->name[i].len, r->value[i].len};
        h = fnv(h, (const char *)lens, sizeof lens);
        h = fnv(fnv(h, r->name[i].ptr, r->name[i].len), r->value[i].ptr, r->value[i].len);
    }
    r->head_hash = h;
    r->head_hashed = 1;
}

int bench_same_content(const result *want, const result *got, const char *msg, const char *who)
{
    int ok = want->status == got->status && want->major == got->major &&
             want->minor == got->minor && want->nheaders == got->nheaders &&
             want->head_hash == got->head_hash && want->body_len == got->body_len &&
             want->body_hash == got->body_hash &&
             (want->consumed == SIZE_MAX || got->consumed == SIZE_MAX ||
              want->consumed == got->consumed);
    if (!ok)
        fprintf(stderr,
                "bench: %s: %s disagrees with httpc (status %d/%d, headers %d/%d, body %llu/%llu "
                "bytes, consumed %zu/%zu)\n",
                msg, who, want->status, got->status, want->nheaders, got->nheaders,
                (unsigned long long)want->body_len, (unsigned long long)got->body_len,
                want->consumed, got->consumed);
    return ok;
}

double bench_time(bench_run_fn f, const message *m, size_t piece, long iters)
{
    static result r;
    int batch = f == bench_run_pico && m->chunked ? bench_pico_batch(m) : 0;
    double ns = 0;
    for (long done = 0; done < iters;) {
        long k = batch > 0 && iters - done > batch ? batch : iters - done;
        if (batch > 0)
            bench_pico_prepare(m, (int)k);
        double t0 = bench_now_ns();
        for (long i = 0; i < k; i++) {
            bench_reset(&r, 0);
            f(m, piece, &r);
            __asm__ volatile("" : : "r"(&r) : "memory");
        }
        ns += bench_now_ns() - t0;
        done += k;
    }
    return ns / (double)iters;
}

double bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int bench_te_chunked(const char *name, const char *value, size_t value_len)
{
    static const char te[] = "transfer-encoding";
    if (strncasecmp(name, te, sizeof te - 1) != 0)
        return 0;
    for (size_t i = 0; i + 7 <= value_len; i++)
        if (strncasecmp(value + i, "chunked", 7) == 0)
            return 1;
    return 0;
}
