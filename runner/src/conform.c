/* SPDX-License-Identifier: MIT */
/* httpc-conform: runs scenario files against the reference client (or an
 * adapter), profile by profile, in parallel, judges each outcome and writes
 * the reports. The parts: client.c, adapter.c, judge.c, reports.c. */
#include "runner.h"

#include <fnmatch.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
    conform_facts f = {.port = httpc_mock_port(m),
                       .timeout_ms = s->timeout_ms ? s->timeout_ms : op->timeout_ms};
    if (op->adapter)
        conform_run_adapter(op->adapter, s, f.port, f.timeout_ms, &r->o);
    else
        conform_run_client(s, httpc_profile_by_name(profile), f.port, f.timeout_ms, &r->o);
    f.cut = httpc_mock_stop(m, 3000);
    f.connections = httpc_mock_connections(m);
    f.rx = httpc_mock_received(m, 0, &f.rx_len);
    keep_request(r, m);
    conform_judge(s, profile, &f, r);
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
        conform_apply_known(r, pl->kn, pl->nknown);
        pl->done++;
        pl->failed += conform_is_failure(r->verdict);
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
                    if ((!strcmp(want, "all") || !strcmp(want, conform_profiles[p])) &&
                        httpc_scn_runs_under(s, conform_profiles[p]))
                        jobs[n++] = (job){s, conform_profiles[p], rep};
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
    pl.kn = o.expectations ? conform_load_known(o.expectations, &pl.nknown) : NULL;
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
        if (o.reports && conform_write_reports(o.reports, pl.rs, pl.n, secs) < 0)
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

