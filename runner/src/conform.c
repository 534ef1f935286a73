/* SPDX-License-Identifier: MIT */
/* httpc-conform: runs scenario files against the reference client (or an
 * adapter), profile by profile, in parallel, judges each outcome and writes
 * the reports. The parts: client.c, adapter.c, judge.c, reports.c. */
#include "runner.h"
#include "httpc_prng.h"

#include <fnmatch.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

/* The installed scenario library (runner/CMakeLists.txt): used when no PATH is
 * given. First the one beside this binary (HTTPC_CONFORM_SCENARIOS_REL from its
 * folder, so a prefix moved or given to `cmake --install --prefix` still
 * works), then the configured one. */
#ifndef HTTPC_CONFORM_SCENARIOS
#define HTTPC_CONFORM_SCENARIOS "/usr/local/share/httpc/scenarios"
#endif
#ifndef HTTPC_CONFORM_SCENARIOS_REL
#define HTTPC_CONFORM_SCENARIOS_REL "../share/httpc/scenarios"
#endif

static const char usage[] =
    "usage: httpc-conform [options] [PATH...] [options]\n"
    "\n"
    "Runs every scenario (*.scn) under PATH against the reference client (or\n"
    "another client through --adapter) and judges each outcome. A Python judge\n"
    "(py27, py27-strict, py3, strict) compares it with what that profile of\n"
    "http.client does: pass, lenient (an accepted weaker outcome), fail. The rfc\n"
    "judge grades it against RFC 9110/9112 through the scenario's rfc lines and\n"
    "the requirements catalogue: conformant, must-violation (fails the run),\n"
    "should-deviation, unspecified (the RFC leaves it open). Any judge may say\n"
    "cannot-tell (the client does not report a field the check needs) or\n"
    "unsupported (the adapter cannot express the scenario); neither fails.\n"
    "\n"
    "  --profile NAME   the reference client's profiles to run: one (py27, py3,\n"
    "                   py31, ... as httpc --help lists them), all (default: py27,\n"
    "                   py27-strict, py3, strict) or every (every built-in profile)\n"
    "  --judge NAME     rfc, py27, py27-strict, py3, strict, or 'profile' (each\n"
    "                   run of the reference client by its own profile: the\n"
    "                   default); repeatable: every run is judged by each\n"
    "                   (an adapter's default: py3)\n"
    "  --catalogue F    the requirements catalogue for --judge rfc (default:\n"
    "                   requirements.txt in or above the first PATH)\n"
    "  --fail-on should should-deviation fails the run too (default: only\n"
    "                   must-violation and the Python judges' failures do)\n"
    "  --read-cap N     every socket read of the client takes at most N bytes (the\n"
    "                   reference client in-process; an adapter under the\n"
    "                   adapters/readcap LD_PRELOAD shim); a scenario's\n"
    "                   'expect P read-cap=N' line then judges it\n"
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
    "  --adapter-profile NAME  the same as --judge NAME (kept for old scripts)\n"
    "  --client-name N  the client's name in every report (default: 'httpc', or\n"
    "                   the adapter's script name)\n"
    "  --expectations F the client's known deviations, one per line:\n"
    "                   'ID JUDGE: reason'; a listed failure is expected-failure,\n"
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
    "  --timeout MS     client timeout per scenario, 1 to 600000 (default 5000; a scenario's\n"
    "                   'timeout:' overrides it); an adapter still running at twice\n"
    "                   this plus 5 s is killed and judged 'timeout'\n"
    "  --reports DIR    write DIR/results.json, summary.md, junit.xml, report.html\n"
    "  -q               print failures and the summary only\n"
    "  -h, --help       this text\n"
    "  --version        the version\n"
    "\n"
    "With no PATH, the installed scenario library: " HTTPC_CONFORM_SCENARIOS_REL "\n"
    "from the folder of this binary, else " HTTPC_CONFORM_SCENARIOS "\n"
    "(when neither exists, a PATH is needed).\n"
    "\n"
    "Exit status: 0 when nothing failed, 1 when a check failed, 2 on bad input\n"
    "(a bad file or option, or a selection that matches no scenario).\n";

typedef struct opts {
    const char *profile, *filter, *reports;
    const char *adapter;      /* external client command, NULL: in-process */
    const char *expectations; /* known deviations of the client under test */
    const char *client_name, *catalogue;
    const char *judges[8]; /* rfc, a profile, or "profile" (the run's own) */
    const char *paths[256];
    int njudges, npaths, read_cap, fail_should;
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

static int judge_applies(const httpc_scenario *s, const char *judge);

/* Runs the job's client once and judges the outcome by every judge: rs[0]
 * owns the outcome, the others share it. */
static void run_one(const opts *op, const httpc_scenario *s, const char *profile, result *rs,
                    int nj, const httpc_req_catalog *cat)
{
    httpc_mock *m;
    char err[256];
    struct timespec t0, t1;
    result *r = &rs[0];
    clock_gettime(CLOCK_MONOTONIC, &t0);
    httpc_mock_opts mo = {
        .verbose = op->trace ? 2 : 0, .chaos = op->chaos, .chaos_seed = op->chaos_seed};
    if (httpc_mock_start(s, &mo, &m, err, sizeof err) < 0) {
        r->o.run = CONFORM_RUN_HARNESS_ERROR;
        snprintf(r->o.error, sizeof r->o.error, "harness: the mock server did not start");
        snprintf(r->o.detail, sizeof r->o.detail, "%s", err);
        m = NULL;
    }
    conform_facts f = {.port = m ? httpc_mock_port(m) : 0,
                       .timeout_ms = s->timeout_ms ? s->timeout_ms : op->timeout_ms};
    if (m && op->adapter)
        conform_run_adapter(op->adapter, s, f.port, f.timeout_ms, op->read_cap, &r->o);
    else if (m)
        conform_run_client(s, httpc_profile_by_name(profile), f.port, f.timeout_ms, op->read_cap,
                           &r->o);
    if (m) {
        /* A client that never connected (AdapterUnsupported, a refused
         * option) leaves nothing to wait for. */
        f.cut = httpc_mock_stop(m, httpc_mock_connections(m) ? 3000 : 200);
        f.connections = httpc_mock_connections(m);
        f.rx = httpc_mock_received(m, 0, &f.rx_len);
        keep_request(r, m);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    r->ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    for (int k = 0; k < nj; k++) {
        if (k > 0) { /* the same run, another judge */
            rs[k].o = r->o, rs[k].shared = 1, rs[k].ms = r->ms;
            rs[k].sent = r->sent, rs[k].sent_len = r->sent_len;
        }
        rs[k].read_cap = op->read_cap;
        if (!judge_applies(s, rs[k].judge)) {
            rs[k].verdict = CONFORM_V_SKIP;
            snprintf(rs[k].why, sizeof rs[k].why,
                     "the scenario does not run under %s (its "
                     "'profiles:' line)",
                     rs[k].judge);
        } else if (!strcmp(rs[k].judge, "rfc"))
            conform_judge_rfc(s, cat, &f, &rs[k]);
        else
            conform_judge(s, rs[k].profile, &f, &rs[k]);
    }
    if (m)
        httpc_mock_free(m);
}

/* ---- collecting scenarios ------------------------------------------------ */

/* The scenarios of every path given: rfc lines checked against the
 * catalogue when there is one, duplicate ids refused (httpc_scn_lib). */
typedef httpc_scn_lib lib;

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
        return fprintf(stderr, "httpc-conform: %s wants a number from %d to %d\n", opt, lo, hi), -1;
    *out = (int)n;
    return 0;
}

static unsigned long long random_seed(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ((unsigned long long)ts.tv_nsec ^ ((unsigned long long)ts.tv_sec << 20) ^
            (unsigned long long)getpid() << 40) %
           1000000000ull;
}

static int add_judge(opts *o, const char *v)
{
    if (strcmp(v, "profile") && !conform_is_judge(v))
        return fprintf(stderr,
                       "httpc-conform: unknown judge '%s' (rfc, py27, py27-strict, py3, "
                       "strict, profile)\n",
                       v),
               -1;
    for (int i = 0; i < o->njudges; i++)
        if (!strcmp(o->judges[i], v))
            return 0;
    if (o->njudges == 8)
        return fprintf(stderr, "httpc-conform: at most 8 judges\n"), -1;
    o->judges[o->njudges++] = v;
    return 0;
}

/* The options that take no value; 1 when `a` was one. */
static int flag_arg(opts *o, const char *a)
{
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
        fputs(usage, stdout);
        exit(0);
    } else if (!strcmp(a, "--version")) {
        printf("httpc-conform %s\n", HTTPC_CONFORM_VERSION);
        exit(0);
    } else if (!strcmp(a, "--list")) {
        o->list = 1;
    } else if (!strcmp(a, "-q")) {
        o->quiet = 1;
    } else if (!strcmp(a, "--trace")) {
        o->trace = 1;
    } else {
        return 0;
    }
    return 1;
}

/* An option with a value; -1 on a bad one (reported). */
static int value_arg(opts *o, const char *a, const char *v)
{
    char *end;
    if (!strcmp(a, "--profile")) {
        o->profile = v;
        if (strcmp(v, "all") && strcmp(v, "every") && !httpc_profile_by_name(v))
            return fprintf(stderr, "httpc-conform: unknown profile '%s'\n", v), -1;
    } else if (!strcmp(a, "--judge") || !strcmp(a, "--adapter-profile")) {
        return add_judge(o, v);
    } else if (!strcmp(a, "--expectations")) {
        o->expectations = v;
    } else if (!strcmp(a, "--adapter")) {
        o->adapter = v;
    } else if (!strcmp(a, "--client-name")) {
        o->client_name = v;
    } else if (!strcmp(a, "--catalogue")) {
        o->catalogue = v;
    } else if (!strcmp(a, "--filter")) {
        o->filter = v;
    } else if (!strcmp(a, "--reports")) {
        o->reports = v;
    } else if (!strcmp(a, "--timeout")) {
        return number_arg(a, v, 1, 600000, &o->timeout_ms);
    } else if (!strcmp(a, "--fail-on")) {
        if (strcmp(v, "should") && strcmp(v, "must"))
            return fprintf(stderr, "httpc-conform: --fail-on wants 'must' or 'should'\n"), -1;
        o->fail_should = !strcmp(v, "should");
    } else if (!strcmp(a, "--read-cap")) {
        return number_arg(a, v, 0, 1 << 20, &o->read_cap); /* 0: no cap */
    } else if (!strcmp(a, "-j") || !strcmp(a, "--repeat")) {
        return number_arg(a, v, 1, a[1] == 'j' ? 64 : 10000, a[1] == 'j' ? &o->jobs : &o->repeat);
    } else if (!strcmp(a, "--shard")) {
        if (sscanf(v, "%d/%d", &o->shard_i, &o->shard_n) != 2 || o->shard_n < 1 || o->shard_i < 1 ||
            o->shard_i > o->shard_n)
            return fprintf(stderr, "httpc-conform: --shard wants I/N with 1 <= I <= N\n"), -1;
    } else if (!strcmp(a, "--chaos")) {
        o->chaos = 1;
        o->chaos_seed = strtoull(v, &end, 10);
        if (*end || !*v || *v == '-')
            return fprintf(stderr, "httpc-conform: --chaos wants a number\n"), -1;
    } else if (!strcmp(a, "--seed")) {
        o->have_seed = 1;
        o->seed = strcmp(v, "random") ? strtoull(v, &end, 10) : random_seed();
        if (strcmp(v, "random") && (*end || !*v || *v == '-'))
            return fprintf(stderr, "httpc-conform: --seed wants a number or 'random'\n"), -1;
    } else {
        const char **list[] = {o->ids, o->xids, o->tags, o->xtags};
        int *count[] = {&o->nids, &o->nxids, &o->ntags, &o->nxtags};
        const char *names[] = {"--id", "--exclude", "--tag", "--exclude-tag"};
        for (int k = 0; k < 4; k++)
            if (!strcmp(a, names[k])) {
                if (*count[k] == 16)
                    return fprintf(stderr, "httpc-conform: at most 16 %s\n", a), -1;
                list[k][(*count[k])++] = v;
                return 0;
            }
        return fprintf(stderr, "httpc-conform: unknown option '%s'\n", a), -1;
    }
    return 0;
}

/* The installed scenario library (see HTTPC_CONFORM_SCENARIOS); NULL when
 * neither folder exists. */
static const char *default_scenarios(void)
{
    static char buf[4096];
    const char *rel = HTTPC_CONFORM_SCENARIOS_REL;
    struct stat st;
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n > 0) {
        buf[n] = 0;
        char *slash = strrchr(buf, '/');
        if (slash && (size_t)(slash + 1 - buf) + strlen(rel) < sizeof buf) {
            strcpy(slash + 1, rel);
            if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
                return buf;
        }
    }
    if (stat(HTTPC_CONFORM_SCENARIOS, &st) == 0 && S_ISDIR(st.st_mode))
        return HTTPC_CONFORM_SCENARIOS;
    return NULL;
}

/* Options and paths in any order ("--" ends the options). */
static int parse_args(int argc, char **argv, opts *o)
{
    int dashdash = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (dashdash || a[0] != '-' || !a[1]) {
            if (o->npaths == 256)
                return fprintf(stderr, "httpc-conform: at most 256 paths\n"), -1;
            o->paths[o->npaths++] = a;
        } else if (!strcmp(a, "--")) {
            dashdash = 1;
        } else if (!flag_arg(o, a)) {
            if (i + 1 >= argc)
                return fprintf(stderr, "httpc-conform: option '%s' needs a value\n", a), -1;
            if (value_arg(o, a, argv[++i]) < 0)
                return -1;
        }
    }
    if (o->npaths == 0 && (o->paths[0] = default_scenarios()) != NULL)
        o->npaths = 1;
    if (o->npaths == 0)
        return fprintf(stderr, "httpc-conform: no scenario path given\n"), -1;
    return 0;
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
    result *rs;    /* rs[i * nj + k] is jobs[i]'s judgement by judge k: reports keep the
                      canonical order */
    size_t *order; /* the order the jobs run in (a permutation under --seed) */
    size_t n, nj, next, done, failed; /* n jobs, nj judges */
    known *kn;
    size_t nknown;
    const httpc_req_catalog *cat;
    int progress; /* a progress line on a terminal (quiet runs only) */
    pthread_mutex_t lock;
} pool;

static void report_line(pool *pl, const result *r, int rep)
{
    /* Under -q, what needs a look: failures, deviations and the weaker passes. */
    conform_verdict v = r->verdict;
    int pass = conform_is_good(v) ||
               (pl->o->quiet && (v == CONFORM_V_UNSPECIFIED || v == CONFORM_V_SKIP ||
                                 v == CONFORM_V_CANNOT_TELL || v == CONFORM_V_UNSUPPORTED));
    if (pl->progress)
        fputs("\r\033[K", stderr);
    if (!pl->o->quiet || !pass) {
        printf("%-7s %-12s %s", conform_verdict_name(v), r->column, r->s->id);
        if (pl->o->repeat > 1)
            printf(" (run %d)", rep + 1);
        printf("%s%s\n", pass ? "" : ": ", pass ? "" : r->why);
    }
    fflush(stdout);
    if (pl->progress)
        fprintf(stderr, "[%zu/%zu] %zu failed", pl->done, pl->n * pl->nj, pl->failed);
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
        result *r = &pl->rs[i * pl->nj];
        if (pl->o->trace)
            fprintf(stderr, "== %s (%s)\n", pl->jobs[i].s->id,
                    pl->jobs[i].profile ? pl->jobs[i].profile : r->client);
        run_one(pl->o, pl->jobs[i].s, pl->jobs[i].profile, r, (int)pl->nj, pl->cat);
        pthread_mutex_lock(&pl->lock);
        for (size_t j = 0; j < pl->nj; j++) {
            conform_apply_known(&r[j], pl->kn, pl->nknown);
            pl->done++;
            pl->failed += conform_is_failure(r[j].verdict) ||
                          (pl->o->fail_should && r[j].verdict == CONFORM_V_SHOULD_DEVIATION);
            report_line(pl, &r[j], pl->jobs[i].rep);
        }
        pthread_mutex_unlock(&pl->lock);
    }
}

/* Fisher-Yates over splitmix64, so a seed gives the same order on every
 * machine (rand() differs between C libraries). */
static void shuffle(size_t *order, size_t n, unsigned long long seed)
{
    uint64_t st = seed;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(httpc_splitmix64_next(&st) % i);
        size_t t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
}

static int wants_rfc(const opts *o)
{
    for (int q = 0; q < o->njudges; q++)
        if (!strcmp(o->judges[q], "rfc"))
            return 1;
    return 0;
}

/* Whether a Python judge applies to the scenario (its profiles: line). */
static int judge_applies(const httpc_scenario *s, const char *judge)
{
    return !strcmp(judge, "rfc") || httpc_scn_runs_under(s, judge);
}

/* Whether --profile selects profile p: itself, `every`, or `all` (the four
 * that make test judges). */
static int profile_selected(const opts *o, size_t p)
{
    return !strcmp(o->profile, "every") || !strcmp(o->profile, conform_profiles[p]) ||
           (!strcmp(o->profile, "all") && p < CONFORM_NALL);
}

/* The jobs of the selected scenarios of this shard, repetitions last: one per
 * profile the scenario runs under for the reference client, one per scenario
 * for an adapter (when a judge applies to it). */
static job *make_jobs(const opts *o, const lib *l, size_t *count)
{
    size_t cap = 0, n = 0, nth = 0;
    for (size_t k = 0; k < l->nsets; k++)
        cap += l->counts[k] * (CONFORM_NPROFILES + 1) * (size_t)o->repeat;
    job *jobs = calloc(cap ? cap : 1, sizeof *jobs);
    for (int rep = 0; rep < o->repeat && jobs; rep++, nth = 0)
        for (size_t k = 0; k < l->nsets; k++)
            for (size_t j = 0; j < l->counts[k]; j++) {
                const httpc_scenario *s = &l->sets[k][j];
                if (!selected(o, s) || (int)(nth++ % (size_t)o->shard_n) != o->shard_i - 1)
                    continue;
                int any = 0;
                for (int q = 0; o->adapter && q < o->njudges; q++)
                    any |= judge_applies(s, o->judges[q]);
                if (any)
                    jobs[n++] = (job){s, NULL, rep};
                /* The rfc judge needs no expectation of the profile: every
                 * profile runs every scenario then. */
                for (size_t p = 0; !o->adapter && p < CONFORM_NPROFILES; p++)
                    if (profile_selected(o, p) &&
                        (httpc_scn_runs_under(s, conform_profiles[p]) || wants_rfc(o)))
                        jobs[n++] = (job){s, conform_profiles[p], rep};
            }
    *count = n;
    return jobs;
}

/* Under --repeat: a check whose verdict differs between runs is unstable. */
static size_t report_unstable(const result *rs, size_t n, size_t nj, int repeat)
{
    size_t per = n / (size_t)repeat * nj, bad = 0;
    for (size_t i = 0; repeat > 1 && i < per; i++)
        for (int k = 1; k < repeat; k++)
            if (rs[i].verdict != rs[i + (size_t)k * per].verdict) {
                printf("unstable %-12s %s: '%s' in run 1, '%s' in run %d\n", rs[i].column,
                       rs[i].s->id, conform_verdict_name(rs[i].verdict),
                       conform_verdict_name(rs[i + (size_t)k * per].verdict), k + 1);
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
        free(rs[i].grades);
        if (rs[i].shared)
            continue;
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

/* ---- what the reports say about the run ------------------------------------- */

/* An adapter's default name: its script's or program's base name, past an
 * interpreter or `env` ("python3 adapters/curl/curl_adapter.py" is
 * "curl_adapter"). */
static void adapter_name(const char *cmd, char *out, size_t cap)
{
    static const char *const runners[] = {"env",  "python3", "python", "python2.7", "node", "perl",
                                          "ruby", "java",    "sh",     "bash",      "go"};
    char copy[1024], *save = NULL, *word;
    snprintf(copy, sizeof copy, "%s", cmd);
    snprintf(out, cap, "%s", cmd);
    for (word = strtok_r(copy, " ", &save); word; word = strtok_r(NULL, " ", &save)) {
        const char *base = strrchr(word, '/') ? strrchr(word, '/') + 1 : word;
        int skip = word[0] == '-' || strchr(word, '=') != NULL;
        for (size_t i = 0; !skip && i < sizeof runners / sizeof *runners; i++)
            skip = !strcmp(base, runners[i]) || !strncmp(base, "python", 6);
        if (skip)
            continue;
        snprintf(out, cap, "%s", base);
        char *dot = strrchr(out, '.');
        if (dot && dot != out)
            *dot = '\0';
        return;
    }
}

/* The command line, each word quoted for a POSIX shell where it needs it. */
static void command_line(int argc, char **argv, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < argc && used + 1 < cap; i++) {
        const char *a = argv[i];
        int plain = *a && strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                    "0123456789-_./=:,+@%") == strlen(a);
        used += (size_t)snprintf(out + used, cap - used, "%s%s", i ? " " : "", plain ? "" : "'");
        for (const char *p = a; *p && used + 5 < cap; p++)
            used += (size_t)(*p == '\'' ? snprintf(out + used, cap - used, "'\\''")
                                        : snprintf(out + used, cap - used, "%c", *p));
        if (!plain && used + 1 < cap)
            used += (size_t)snprintf(out + used, cap - used, "'");
    }
}

/* The git commit of the folder (with "-dirty" when its tree has changes),
 * or "unknown" outside a git checkout. */
static void library_commit(const char *path, char *out, size_t cap)
{
    char dir[4096], cmd[8400], line[80] = "";
    snprintf(dir, sizeof dir, "%s", path);
    struct stat st;
    if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode) && strrchr(dir, '/'))
        *strrchr(dir, '/') = '\0';
    else if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
        snprintf(dir, sizeof dir, ".");
    snprintf(out, cap, "unknown");
    if (strchr(dir, '\''))
        return;
    snprintf(cmd, sizeof cmd,
             "git -C '%s' rev-parse --short=12 HEAD 2>/dev/null && "
             "{ git -C '%s' diff --quiet HEAD -- . 2>/dev/null || echo dirty; }",
             dir, dir);
    FILE *p = popen(cmd, "r");
    if (p == NULL)
        return;
    if (fgets(line, sizeof line, p) && line[0] != '\n') {
        line[strcspn(line, "\n")] = '\0';
        char more[16] = "";
        int dirty = fgets(more, sizeof more, p) && !strncmp(more, "dirty", 5);
        snprintf(out, cap, "%s%s", line, dirty ? "-dirty" : "");
    }
    pclose(p);
}

static void fill_info(run_info *ri, const opts *o, const lib *l, int argc, char **argv)
{
    static char name[256];
    time_t now = time(NULL);
    struct tm tm;
    if (o->client_name)
        ri->client = o->client_name;
    else if (o->adapter)
        adapter_name(o->adapter, name, sizeof name), ri->client = name;
    else
        ri->client = "httpc";
    for (int i = 0; i < o->njudges; i++)
        snprintf(ri->judges + strlen(ri->judges), sizeof ri->judges - strlen(ri->judges), "%s%s",
                 i ? ", " : "",
                 !strcmp(o->judges[i], "profile") ? "each run's profile" : o->judges[i]);
    command_line(argc, argv, ri->command, sizeof ri->command);
    gmtime_r(&now, &tm);
    strftime(ri->date, sizeof ri->date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    library_commit(o->paths[0], ri->commit, sizeof ri->commit);
    snprintf(ri->tool, sizeof ri->tool, "httpc-conform %s", HTTPC_CONFORM_VERSION);
    ri->files = l->nsets;
    for (size_t k = 0; k < l->nsets; k++)
        ri->scenarios += l->counts[k];
    ri->read_cap = o->read_cap;
}

/* The column of a run by a judge, interned in ri->columns so reports can
 * compare pointers. */
static const char *column_of(run_info *ri, char (*store)[64], const char *profile,
                             const char *judge)
{
    char name[64];
    if (profile == NULL || !strcmp(judge, "profile") || !strcmp(judge, profile))
        snprintf(name, sizeof name, "%s", profile && !strcmp(judge, "profile") ? profile : judge);
    else
        snprintf(name, sizeof name, "%s: %s", profile, judge);
    for (size_t c = 0; c < ri->ncolumns; c++)
        if (!strcmp(ri->columns[c], name))
            return ri->columns[c];
    if (ri->ncolumns == 32)
        return ri->columns[31];
    snprintf(store[ri->ncolumns], 64, "%s", name);
    ri->columns[ri->ncolumns] = store[ri->ncolumns];
    return ri->columns[ri->ncolumns++];
}

/* Each judgement's fixed fields, and the columns in the order of the grid:
 * the profiles, then the judges within each. */
static void label_results(pool *pl, const opts *o, run_info *ri, char (*store)[64],
                          char (*clients)[32])
{
    for (size_t p = 0; p < CONFORM_NPROFILES && !o->adapter; p++) /* the canonical order */
        for (int k = 0; k < o->njudges; k++)
            if (profile_selected(o, p))
                column_of(ri, store, conform_profiles[p], o->judges[k]);
    for (size_t p = 0; p < CONFORM_NPROFILES; p++)
        snprintf(clients[p], 32, "httpc %s", conform_profiles[p]);
    for (size_t i = 0; i < pl->n; i++)
        for (size_t k = 0; k < pl->nj; k++) {
            result *r = &pl->rs[i * pl->nj + k];
            const char *prof = pl->jobs[i].profile, *judge = o->judges[k];
            r->s = pl->jobs[i].s;
            r->judge = !strcmp(judge, "profile") ? prof : judge;
            r->profile = r->judge;
            r->column = column_of(ri, store, prof, judge);
            r->client = ri->client;
            for (size_t p = 0; prof && p < CONFORM_NPROFILES; p++)
                if (!strcmp(prof, conform_profiles[p]))
                    r->client = clients[p];
        }
}

/* The judges by default, and the catalogue the rfc judge needs. */
static int settle_judges(opts *o, httpc_req_catalog *cat, int *have_cat)
{
    char path[4096], err[512];
    int rfc = 0;
    if (o->njudges == 0)
        o->judges[o->njudges++] = o->adapter ? "py3" : "profile";
    for (int i = 0; i < o->njudges; i++) {
        rfc |= !strcmp(o->judges[i], "rfc");
        if (o->adapter && !strcmp(o->judges[i], "profile"))
            return fprintf(stderr, "httpc-conform: an adapter has no profile of its own: "
                                   "--judge rfc or a profile name\n"),
                   -1;
    }
    if (!o->catalogue && httpc_req_catalog_locate(o->paths[0], path, sizeof path) < 0) {
        if (!rfc)
            return 0;
        return fprintf(stderr,
                       "httpc-conform: --judge rfc needs the requirements catalogue: "
                       "no requirements.txt in or above %s (--catalogue FILE)\n",
                       o->paths[0]),
               -1;
    }
    if (httpc_req_catalog_load(o->catalogue ? o->catalogue : path, cat, err, sizeof err) < 0)
        return fprintf(stderr, "%s\n", err), -1;
    *have_cat = 1;
    return 0;
}

/* Runs the jobs, prints the totals, writes the reports; 0, or 2 when the
 * reports could not be written. */
static int run_all(pool *pl, opts *o, run_info *ri)
{
    for (size_t i = 0; i < pl->n; i++)
        pl->order[i] = i;
    if (o->chaos) {
        printf("conform: chaos seed %llu\n", o->chaos_seed);
    }
    if (o->have_seed) {
        shuffle(pl->order, pl->n, o->seed);
        printf("conform: seed %llu\n", o->seed);
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    run_pool(pl);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ri->secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    size_t total = pl->n * pl->nj, lenient = 0, xfail = 0;
    size_t unstable = report_unstable(pl->rs, pl->n, pl->nj, o->repeat);
    for (size_t i = 0; i < total; i++) {
        lenient += pl->rs[i].verdict == CONFORM_V_LENIENT;
        xfail += pl->rs[i].verdict == CONFORM_V_EXPECTED_FAILURE;
    }
    printf("conform: %zu checks in %.1f s with -j %d (%zu lenient, %zu expected failures)\n", total,
           ri->secs, o->jobs, lenient, xfail);
    printf("%zu passed, %zu failed%s\n", total - pl->failed, pl->failed,
           unstable ? ", some verdicts unstable" : "");
    pl->failed += unstable;
    return o->reports && conform_write_reports(o->reports, pl->rs, total, ri) < 0 ? 2 : 0;
}

/* Expectation lines that name no scenario of the library loaded are unused;
 * said once (a run over part of the library leaves many), never silently. */
static void warn_unknown_ids(const opts *o, const lib *l, const known *k, size_t nk)
{
    size_t missing = 0, first = 0;

    for (size_t i = 0; i < nk; i++) {
        int found = 0;
        for (size_t s = 0; s < l->nsets && !found; s++)
            for (size_t j = 0; j < l->counts[s] && !found; j++)
                found = !strcmp(l->sets[s][j].id, k[i].id);
        if (!found && missing++ == 0)
            first = i;
    }
    if (missing)
        fprintf(stderr,
                "httpc-conform: %zu expectation line(s) name no scenario of the %zu "
                "loaded, so they apply to nothing (first: %s:%d '%s')\n",
                missing, l->total, o->expectations, k[first].line, k[first].id);
}

int main(int argc, char **argv)
{
    opts o = {
        .profile = "all", .timeout_ms = 5000, .jobs = 1, .shard_i = 1, .shard_n = 1, .repeat = 1};
    lib l = {0};
    httpc_req_catalog cat = {0};
    int have_cat = 0, rc = 0;
    run_info ri = {0};
    static char store[32][64], clients[CONFORM_NPROFILES][32];
    if (parse_args(argc, argv, &o) < 0 || settle_judges(&o, &cat, &have_cat) < 0) {
        fputs("(httpc-conform --help lists the options)\n", stderr);
        return 2;
    }
    if (o.trace)
        o.jobs = 1; /* one exchange at a time, so the trace reads in order */
    l.cat = have_cat ? &cat : NULL;
    for (int i = 0; i < o.npaths; i++)
        httpc_scn_lib_add(&l, o.paths[i]);
    pool pl = {.o = &o,
               .progress = o.quiet && isatty(2) && !o.trace,
               .cat = l.cat,
               .nj = (size_t)o.njudges};
    if (l.bad)
        fprintf(stderr, "httpc-conform: %d bad scenario file(s)\n", l.bad), rc = 2;
    else if ((pl.kn = o.expectations ? conform_load_known(o.expectations, &pl.nknown) : NULL),
             pl.nknown == (size_t)-1)
        rc = 2;
    else if (warn_unknown_ids(&o, &l, pl.kn, pl.nknown),
             (pl.jobs = make_jobs(&o, &l, &pl.n)) == NULL || pl.n == 0)
        fprintf(stderr,
                "httpc-conform: no scenario matches the selection (%d paths, %zu "
                "files)\n",
                o.npaths, l.nsets),
            rc = 2;
    else if (o.list)
        list_scenarios(&o, &l);
    else {
        fill_info(&ri, &o, &l, argc, argv);
        ri.cat = l.cat;
        pl.rs = calloc(pl.n * pl.nj, sizeof *pl.rs);
        pl.order = calloc(pl.n, sizeof *pl.order);
        if (pl.rs == NULL || pl.order == NULL)
            return fprintf(stderr, "httpc-conform: out of memory\n"), 2;
        label_results(&pl, &o, &ri, store, clients);
        rc = run_all(&pl, &o, &ri);
        free_results(pl.rs, pl.n * pl.nj);
        free(pl.order);
    }
    free(pl.jobs);
    free(pl.kn);
    httpc_scn_lib_free(&l);
    if (have_cat)
        httpc_req_catalog_free(&cat);
    return rc ? rc : pl.failed ? 1 : 0;
}
