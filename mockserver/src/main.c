/* SPDX-License-Identifier: MIT */
/* httpc-mock: serve one scenario on loopback for any client, or lint and list
 * a tree of scenario files. */
#include "httpc_mock.h"

#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
    "usage: httpc-mock serve FILE [--port N] [--bind ADDR] [--case N] [--strict-checks]\n"
    "                        [-v|-vv]\n"
    "       httpc-mock serve PATH... [--port N] [--bind ADDR] [--strict-checks] [-v|-vv]\n"
    "       httpc-mock serve FILE --tls [--cert PEM --key PEM] [--certs DIR]\n"
    "       httpc-mock serve FILE --repeat [--max-conns N] [--idle-timeout MS]\n"
    "                        [--head-timeout MS]\n"
    "       httpc-mock make-certs DIR\n"
    "       httpc-mock lint [--catalogue FILE] PATH...\n"
    "       httpc-mock list PATH...\n"
    "       httpc-mock requirements [--catalogue FILE] PATH...\n"
    "       httpc-mock --version\n"
    "\n"
    "serve  replays the scenario's connection scripts to whatever connects (curl, a\n"
    "       browser, any client), printing the port first; exits when the scripts are\n"
    "       done. --case N picks the N-th case of a sweep (from 0). -v logs each\n"
    "       connection; -vv also every write and read, with timestamps and bytes.\n"
    "       Several files or a folder: every scenario (each sweep case) on its own\n"
    "       port, from --port N upwards or chosen by the system, one 'PORT ID'\n"
    "       line each; exits when every script is done.\n"
    "       A sweep's case served is named on stderr. The scenario's request checks\n"
    "       (check-connections, check-request-line, check-request-header) are\n"
    "       judged at the end, one 'check failed: ...' line on stderr each;\n"
    "       --strict-checks makes any failure exit status 1. SIGINT or SIGTERM\n"
    "       stops it with the checks and a one-line summary.\n"
    "lint   loads every *.scn file under the paths: reports each bad file as\n"
    "       file:line: message, and duplicate ids; checks every 'rfc' line against\n"
    "       the requirements catalogue (requirements.txt in the first path or a\n"
    "       folder above it, or --catalogue FILE); when a path is the catalogue's\n"
    "       folder, also that every MUST and MUST NOT row is exercised by a scenario\n"
    "       or says why it cannot be; exit 1 when anything is wrong.\n"
    "requirements  prints the catalogue as a Markdown page: every requirement,\n"
    "       its level, the scenarios that exercise it, and the coverage\n"
    "       (scenarios/REQUIREMENTS.md is this page for the library).\n"
    "list   prints the id and title of every scenario (sweeps expanded).\n"
    "--tls  every connection starts with a TLS handshake (scenarios with 'tls: yes'\n"
    "       do anyway), with the test certificate or --cert/--key; --certs DIR is\n"
    "       where the test certificates are (default: the build's).\n"
    "make-certs  makes the test CA and certificates in DIR (the build does).\n"
    "--repeat  load mode: every connection runs the first script, again for each\n"
    "       request while the client keeps the connection, until SIGINT or SIGTERM;\n"
    "       at most --max-conns (4096) open at once. A connection with no request\n"
    "       begun for --idle-timeout MS (30000), or with a request head begun but\n"
    "       unfinished for --head-timeout MS (10000), is closed (0: no limit; a\n"
    "       TLS handshake unfinished counts as no request begun); a request\n"
    "       head (body) over 64 KiB is answered 431 (413) and closed. At\n"
    "       exit it prints its counts (these closes too) to stderr as one JSON line.\n"
    "\n"
    "The server binds 127.0.0.1 unless --bind says otherwise, and says so when it\n"
    "does not.\n";

typedef struct walk {
    httpc_scn_lib lib;
    int bad, list;
    httpc_req_catalog cat; /* rows empty when there is no catalogue */
    int have_cat;
    char ***cites; /* cites[row]: the scenario ids citing it */
    size_t *ncites;
} walk;

/* The file relative to the catalogue's folder, for links in the page. */
static const char *relative_file(const walk *w, const char *file, char *buf, size_t cap)
{
    char dir[4096];
    if (realpath(w->cat.file, dir) == NULL || realpath(file, buf) == NULL)
        return file;
    *strrchr(dir, '/') = '\0';
    size_t n = strlen(dir);
    if (strncmp(buf, dir, n) || buf[n] != '/')
        return snprintf(buf, cap, "%s", file), buf;
    memmove(buf, buf + n + 1, strlen(buf + n + 1) + 1);
    return buf;
}

/* One more scenario (its link) citing catalogue row k; -1 out of memory. */
static int add_cite(walk *w, size_t k, const char *link)
{
    char **more = realloc(w->cites[k], (w->ncites[k] + 1) * sizeof *more);
    if (more == NULL)
        return -1;
    w->cites[k] = more;
    return (more[w->ncites[k]] = strdup(link)) ? (int)w->ncites[k]++ : -1;
}

/* A sweep's cases cite what the file cites: one entry, the id without the
 * case, as a Markdown link to the file. A problem when memory runs out. */
static void note_cites(walk *w, const httpc_scenario *s, size_t ncases)
{
    char id[512], link[1200], rel[4096];
    snprintf(id, sizeof id, "%s", s->id);
    if (ncases > 1 && strrchr(id, '/'))
        *strrchr(id, '/') = '\0';
    snprintf(link, sizeof link, "[`%.500s`](%.600s)", id,
             relative_file(w, s->file, rel, sizeof rel));
    for (size_t i = 0; i < s->nrfcs; i++) {
        const httpc_req *row = httpc_req_find(&w->cat, s->rfcs[i].id);
        if (row == NULL)
            continue;
        if (add_cite(w, (size_t)(row - w->cat.rows), link) < 0) {
            fprintf(stderr, "%s:%d: out of memory noting what it cites\n", s->file, s->id_line);
            w->bad++;
            return;
        }
    }
}

/* What lint adds to loading: the listing, and the catalogue rows each file
 * cites (for the coverage check and the page). */
static void note_library(walk *w)
{
    for (size_t k = 0; k < w->lib.nsets; k++) {
        const httpc_scenario *s = w->lib.sets[k];
        for (size_t i = 0; w->list && i < w->lib.counts[k]; i++)
            printf("%-50s %s\n", s[i].id, s[i].title);
        if (w->have_cat && w->lib.counts[k] > 0)
            note_cites(w, &s[0], w->lib.counts[k]);
    }
}

/* Options before or between the paths; the paths left in paths[]. */
static int lint_args(int argc, char **argv, const char **catalogue, const char **paths, int *npaths)
{
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--catalogue") && i + 1 < argc)
            *catalogue = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1])
            return fprintf(stderr, "httpc-mock: unknown or incomplete option '%s'\n", argv[i]), -1;
        else if (*npaths < 256)
            paths[(*npaths)++] = argv[i];
    }
    if (*npaths == 0)
        return fprintf(stderr, "httpc-mock: no scenario path given\n"), -1;
    return 0;
}

/* The catalogue named, or the one above the first path (none is no error). */
static int open_catalogue(walk *w, const char *named, const char *first)
{
    char path[4096], err[512];
    if (named == NULL && httpc_req_catalog_locate(first, path, sizeof path) < 0)
        return 0;
    if (httpc_req_catalog_load(named ? named : path, &w->cat, err, sizeof err) < 0)
        return fprintf(stderr, "%s\n", err), -1;
    w->have_cat = 1;
    w->cites = calloc(w->cat.nrows + 1, sizeof *w->cites);
    w->ncites = calloc(w->cat.nrows + 1, sizeof *w->ncites);
    if (w->cites && w->ncites)
        return 0;
    return fprintf(stderr, "%s: out of memory\n", w->cat.file), -1;
}

/* Whether one of the paths is the folder that holds the catalogue. */
static int whole_tree(const walk *w, const char **paths, int npaths)
{
    char a[4096], b[4096];
    if (!w->have_cat || realpath(w->cat.file, a) == NULL)
        return 0;
    *strrchr(a, '/') = '\0';
    for (int i = 0; i < npaths; i++)
        if (realpath(paths[i], b) && !strcmp(a, b))
            return 1;
    return 0;
}

/* Every MUST and MUST NOT row is exercised or explained. */
static int check_coverage(const walk *w)
{
    int bad = 0;
    for (size_t k = 0; k < w->cat.nrows; k++) {
        const httpc_req *r = &w->cat.rows[k];
        if (httpc_req_is_must(r->level) && w->ncites[k] == 0 && r->untestable == NULL) {
            fprintf(stderr, "%s:%d: %s (%s) is exercised by no scenario and says not why\n",
                    w->cat.file, r->line, r->id, httpc_req_level_name(r->level));
            bad++;
        }
    }
    return bad;
}

static void free_walk(walk *w)
{
    httpc_scn_lib_free(&w->lib);
    for (size_t k = 0; w->cites && k < w->cat.nrows; k++) {
        for (size_t j = 0; j < w->ncites[k]; j++)
            free(w->cites[k][j]);
        free(w->cites[k]);
    }
    free(w->cites), free(w->ncites);
    httpc_req_catalog_free(&w->cat);
}

/* The catalogue page (scenarios/REQUIREMENTS.md): coverage, then each section. */
static void print_page(const walk *w)
{
    size_t by[5][3] = {{0}}; /* level x (exercised, explained, neither) */
    for (size_t k = 0; k < w->cat.nrows; k++)
        by[w->cat.rows[k].level][w->ncites[k] ? 0 : w->cat.rows[k].untestable ? 1 : 2]++;
    printf("# RFC 9110 and 9112 requirements on clients reading responses\n\n"
           "Generated by `httpc-mock requirements scenarios` from "
           "[requirements.txt](requirements.txt); do not edit by hand. Each requirement is "
           "paraphrased; the RFC's text is what binds. Scenarios cite a requirement with an "
           "`rfc ID: SET` line ([FORMAT.md](FORMAT.md)), and `httpc-conform --judge rfc` grades "
           "any client by them.\n\n## Coverage\n\n"
           "| level | requirements | exercised by scenarios | untestable here (reason given) | "
           "neither |\n|---|---:|---:|---:|---:|\n");
    size_t tot[3] = {0};
    for (int l = 0; l < 5; l++) {
        printf("| %s | %zu | %zu | %zu | %zu |\n", httpc_req_level_name((httpc_req_level)l),
               by[l][0] + by[l][1] + by[l][2], by[l][0], by[l][1], by[l][2]);
        for (int j = 0; j < 3; j++)
            tot[j] += by[l][j];
    }
    printf("| all | %zu | %zu | %zu | %zu |\n", tot[0] + tot[1] + tot[2], tot[0], tot[1], tot[2]);
    const char *section = "";
    for (size_t k = 0; k < w->cat.nrows; k++) {
        const httpc_req *r = &w->cat.rows[k];
        if (strcmp(section, r->section)) {
            section = r->section;
            printf("\n## %s\n\n| id | level | requirement | scenarios |\n|---|---|---|---|\n",
                   section);
        }
        printf("| <a id=\"%s\"></a>`%s` | %s | %s | ", r->id, r->id, httpc_req_level_name(r->level),
               r->text);
        for (size_t j = 0; j < w->ncites[k]; j++)
            printf("%s%s", j ? ", " : "", w->cites[k][j]);
        if (w->ncites[k] == 0)
            printf("untestable here: %s", r->untestable ? r->untestable : "**not yet exercised**");
        printf(" |\n");
    }
}

static int cmd_lint(int argc, char **argv, int mode /* 0 lint, 1 list, 2 requirements */)
{
    walk w = {.list = mode == 1};
    const char *catalogue = NULL, *paths[256];
    int npaths = 0;
    if (lint_args(argc, argv, &catalogue, paths, &npaths) < 0) {
        fputs(usage, stderr);
        return 2;
    }
    if (mode != 1 && open_catalogue(&w, catalogue, paths[0]) < 0)
        return free_walk(&w), 1;
    if (mode == 2 && !w.have_cat) {
        fprintf(stderr, "httpc-mock: no requirements.txt in or above %s (--catalogue FILE)\n",
                paths[0]);
        return free_walk(&w), 2;
    }
    w.lib.cat = w.have_cat ? &w.cat : NULL;
    w.lib.need_catalogue = mode != 1;
    for (int i = 0; i < npaths; i++)
        httpc_scn_lib_add(&w.lib, paths[i]);
    w.bad += w.lib.bad;
    note_library(&w);
    if (mode == 0 && whole_tree(&w, paths, npaths))
        w.bad += check_coverage(&w);
    if (mode == 0)
        printf("lint: %d files, %zu scenarios, %zu requirements, %d problems\n", w.lib.files,
               w.lib.total, w.cat.nrows, w.bad);
    if (mode == 2 && w.bad == 0)
        print_page(&w);
    int rc = w.bad ? 1 : 0;
    free_walk(&w);
    return rc;
}

/* SIGINT and SIGTERM are blocked before a server thread starts (it inherits
 * the mask) and taken by sigtimedwait in this thread: no handler runs in the
 * middle of a trace line, and stopping the server (which joins its thread)
 * lets the line in progress end before anything else is printed. */
static void block_stop_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, set, NULL);
}

/* Waits until every server's scripts are done (0) or SIGINT or SIGTERM came
 * (its number). A repeat-mode server is never done. */
static int wait_servers(httpc_mock **ms, size_t n, const sigset_t *set)
{
    const struct timespec tick = {.tv_nsec = 20 * 1000000};
    for (;;) {
        size_t done = 0;
        while (done < n && (ms[done] == NULL || httpc_mock_done(ms[done])))
            done++;
        if (done == n)
            return 0;
        int sig = sigtimedwait(set, NULL, &tick);
        if (sig > 0)
            return sig;
    }
}

/* --repeat: serves until SIGINT or SIGTERM, then prints the counts. Each
 * connection is a descriptor, so the soft limit is raised to the hard one. */
static void serve_until_signal(httpc_mock *m, const sigset_t *set)
{
    struct rlimit rl;
    httpc_mock_stats st;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    wait_servers(&m, 1, set);
    httpc_mock_stop(m, 0);
    httpc_mock_get_stats(m, &st);
    fprintf(stderr,
            "{\"accepted\": %zu, \"refused\": %zu, \"open\": %zu, \"peak\": %zu, "
            "\"rounds\": %llu, \"oversized\": %zu, \"idle_timeouts\": %zu, "
            "\"head_timeouts\": %zu}\n",
            st.accepted, st.refused, st.open, st.peak, st.rounds, st.oversized, st.idle_timeouts,
            st.head_timeouts);
}

/* One "check failed: ..." line; ctx counts them. */
typedef struct tally {
    const char *id; /* named when several scenarios are served; NULL: one */
    int failed;
} tally;

static void report_check(void *ctx, const char *why, const char *want)
{
    tally *t = ctx;
    t->failed++;
    fprintf(stderr, "check failed: %s%s%s%s%s%s\n", t->id ? t->id : "", t->id ? ": " : "", why,
            want ? ", expected '" : "", want ? want : "", want ? "'" : "");
}

/* After a stopped server: its scenario's check-connections (the default
 * count: serve knows no profile), then the request checks over the first
 * connection, as httpc-conform judges them. Adds the failures to t. A server
 * stopped by a signal before any client came is not judged: with a folder,
 * most scenarios are never tried. */
static void report_checks(const httpc_scenario *s, const httpc_mock *m, int sig, tally *t)
{
    int want = httpc_scn_check_connections(s, "");
    size_t conns = httpc_mock_connections(m), len = 0;
    if (sig && conns == 0)
        return;
    if (want && (size_t)want != conns) {
        char why[128];
        snprintf(why, sizeof why, "the server saw %zu connections, expected %d", conns, want);
        report_check(t, why, NULL);
    }
    const unsigned char *rx = httpc_mock_received(m, 0, &len);
    if (conns > 0)
        httpc_mock_check_request(s, rx, len, httpc_mock_port(m), report_check, t);
}

/* After SIGINT or SIGTERM: what was served, on a line of its own (after a
 * terminal's "^C"). */
static void report_stop(int sig, size_t conns, int failed)
{
    if (isatty(STDERR_FILENO))
        fputc('\n', stderr);
    fprintf(stderr, "httpc-mock: stopped by %s: %zu connections served, %d checks failed\n",
            sig == SIGINT ? "SIGINT" : "SIGTERM", conns, failed);
}

/* Every scenario under the paths, each on its own server: "PORT ID" per line
 * (ports from `port` upwards when given), until every script is done. */
typedef httpc_scn_lib many;

/* A server for every scenario of the library, ports from the options' port
 * upwards (or any), one "PORT ID" line each; 0, or 1 when one did not start
 * (those that did are in ms). */
static int start_all(const many *w, const httpc_mock_opts *opts, httpc_mock **ms)
{
    size_t k = 0;
    for (size_t i = 0; i < w->nsets; i++)
        for (size_t j = 0; j < w->counts[i]; j++, k++) {
            char err[512];
            httpc_mock_opts o = *opts;
            o.port = opts->port ? opts->port + (int)k : 0;
            if (o.port > 65535 ||
                httpc_mock_start(&w->sets[i][j], &o, &ms[k], err, sizeof err) < 0) {
                fprintf(stderr, "httpc-mock: %s: %s\n", w->sets[i][j].id,
                        o.port > 65535 ? "no port left" : err);
                return 1;
            }
            printf("%d %s\n", httpc_mock_port(ms[k]), w->sets[i][j].id);
        }
    return 0;
}

/* Stops and frees the servers started, each one's checks judged when all of
 * them had started; the connections they served. */
static size_t stop_all(const many *w, httpc_mock **ms, int judge, int sig, tally *t)
{
    size_t k = 0, conns = 0;
    for (size_t i = 0; i < w->nsets; i++)
        for (size_t j = 0; j < w->counts[i]; j++, k++)
            if (ms[k] != NULL) {
                httpc_mock_stop(ms[k], 0);
                t->id = w->sets[i][j].id;
                conns += httpc_mock_connections(ms[k]);
                if (judge)
                    report_checks(&w->sets[i][j], ms[k], sig, t);
                httpc_mock_free(ms[k]);
            }
    return conns;
}

static int serve_many(char **paths, int npaths, const httpc_mock_opts *opts, int strict)
{
    many w = {0};
    int rc, sig = 0;
    sigset_t set;
    tally t = {0};
    for (int i = 0; i < npaths; i++)
        httpc_scn_lib_add(&w, paths[i]);
    httpc_mock **ms = calloc(w.total ? w.total : 1, sizeof *ms);
    if (ms == NULL)
        fprintf(stderr, "httpc-mock: out of memory for %zu servers\n", w.total);
    rc = w.bad || ms == NULL;
    block_stop_signals(&set);
    if (rc == 0)
        rc = start_all(&w, opts, ms);
    fflush(stdout);
    if (rc == 0)
        sig = wait_servers(ms, w.total, &set);
    size_t conns = ms ? stop_all(&w, ms, rc == 0, sig, &t) : 0;
    if (sig)
        report_stop(sig, conns, t.failed);
    httpc_scn_lib_free(&w);
    free(ms);
    return rc ? rc : strict && t.failed ? 1 : 0;
}

/* A sweep's case: which one is served, and how to pick another. */
static void say_case(const httpc_scenario *s, size_t n, long which)
{
    if (n > 1)
        fprintf(stderr, "serving case %ld of %zu (%s); --case N picks another\n", which, n,
                s[which].id);
}

/* One file (its case `which`): the port on stdout, then the scripts until
 * they are done or SIGINT/SIGTERM; the checks' failures after. */
static int serve_one(const char *file, long which, const httpc_mock_opts *opts, int strict)
{
    httpc_scenario *s;
    size_t n;
    char err[4096];
    sigset_t set;
    if (httpc_scn_load(file, &s, &n, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    if (which < 0 || (size_t)which >= n) {
        fprintf(stderr, "httpc-mock: %s has %zu cases\n", file, n);
        httpc_scn_free_all(s, n);
        return 2;
    }
    say_case(s, n, which);
    block_stop_signals(&set);
    httpc_mock *m;
    if (httpc_mock_start(&s[which], opts, &m, err, sizeof err) < 0) {
        fprintf(stderr, "httpc-mock: %s\n", err);
        httpc_scn_free_all(s, n);
        return 1;
    }
    printf("%d\n", httpc_mock_port(m));
    fflush(stdout);
    tally t = {0};
    if (opts->repeat) {
        serve_until_signal(m, &set);
    } else {
        int sig = wait_servers(&m, 1, &set);
        httpc_mock_stop(m, 0);
        report_checks(&s[which], m, sig, &t);
        if (sig)
            report_stop(sig, httpc_mock_connections(m), t.failed);
    }
    httpc_mock_free(m);
    httpc_scn_free_all(s, n);
    return strict && t.failed ? 1 : 0;
}

/* What `httpc-mock serve` was asked: the servers' options, and what to serve. */
typedef struct serve_args {
    httpc_mock_opts o;
    long port, which, max_conns;
    int strict;
    char *paths[256];
    int npaths;
} serve_args;

/* The option at argv[i] and its value: the index of the last word it took,
 * or -1 when it is unknown or its value is missing. */
static int serve_option(int argc, char **argv, int i, serve_args *a)
{
    const char *w = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    int flag = 1;
    if (!strcmp(w, "-v"))
        a->o.verbose = a->o.verbose < 1 ? 1 : a->o.verbose;
    else if (!strcmp(w, "-vv"))
        a->o.verbose = 2;
    else if (!strcmp(w, "--repeat"))
        a->o.repeat = 1;
    else if (!strcmp(w, "--strict-checks"))
        a->strict = 1;
    else if (!strcmp(w, "--tls"))
        a->o.force_tls = 1;
    else
        flag = 0;
    if (flag)
        return i;
    if (v == NULL)
        return -1;
    if (!strcmp(w, "--port"))
        a->port = strtol(v, NULL, 10);
    else if (!strcmp(w, "--bind"))
        a->o.bind_addr = v;
    else if (!strcmp(w, "--case"))
        a->which = strtol(v, NULL, 10);
    else if (!strcmp(w, "--max-conns"))
        a->max_conns = strtol(v, NULL, 10);
    else if (!strcmp(w, "--idle-timeout"))
        a->o.idle_timeout_ms = strtol(v, NULL, 10);
    else if (!strcmp(w, "--head-timeout"))
        a->o.head_timeout_ms = strtol(v, NULL, 10);
    else if (!strcmp(w, "--cert"))
        a->o.cert_file = v;
    else if (!strcmp(w, "--key"))
        a->o.key_file = v;
    else if (!strcmp(w, "--certs"))
        a->o.cert_dir = v;
    else
        return -1;
    return i + 1;
}

/* The command line into `a`: 0, or 2 (the exit status) with the message. */
static int serve_parse(int argc, char **argv, serve_args *a)
{
    *a = (serve_args){.o = {.idle_timeout_ms = 30000, .head_timeout_ms = 10000}};
    for (int i = 2; i < argc; i++) {
        int last = argv[i][0] == '-' ? serve_option(argc, argv, i, a) : i;
        if (last < 0 || (argv[i][0] != '-' && a->npaths == 256)) {
            fprintf(stderr, "httpc-mock: unknown or incomplete option '%s'\n%s", argv[i], usage);
            return 2;
        }
        if (argv[i][0] != '-')
            a->paths[a->npaths++] = argv[i];
        i = last;
    }
    return 0;
}

static int cmd_serve(int argc, char **argv)
{
    serve_args a;
    struct stat st;
    if (serve_parse(argc, argv, &a) != 0)
        return 2;
    const char *file =
        a.npaths == 1 && stat(a.paths[0], &st) == 0 && !S_ISDIR(st.st_mode) ? a.paths[0] : NULL;
    if (a.npaths == 0 || a.port < 0 || a.port > 65535 || !a.o.cert_file != !a.o.key_file ||
        a.max_conns < 0 || a.max_conns > 1000000 || a.o.idle_timeout_ms < 0 ||
        a.o.head_timeout_ms < 0 || (file == NULL && (a.o.repeat || a.which)) ||
        (a.o.repeat && a.strict)) {
        fputs(usage, stderr);
        return 2;
    }
    a.o.port = (int)a.port;
    a.o.max_conns = (size_t)a.max_conns;
    if (a.o.bind_addr && strcmp(a.o.bind_addr, "127.0.0.1"))
        fprintf(stderr, "httpc-mock: listening on %s, not on loopback only\n", a.o.bind_addr);
    if (file == NULL)
        return serve_many(a.paths, a.npaths, &a.o, a.strict);
    return serve_one(file, a.which, &a.o, a.strict);
}

/* Whether any word of the command line asks for help: `httpc-mock serve
 * --help` answers as `httpc-mock --help` does, whatever else is given. */
static int wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        fputs(usage, stdout);
        return 0;
    }
    if (argc >= 2 && !strcmp(argv[1], "serve"))
        return cmd_serve(argc, argv);
    if (argc == 3 && !strcmp(argv[1], "make-certs")) {
        char err[512];
        if (httpc_mock_make_certs(argv[2], err, sizeof err) == 0)
            return 0;
        fprintf(stderr, "httpc-mock: %s\n", err);
        return 1;
    }
    if (argc >= 2 && !strcmp(argv[1], "--version")) {
        printf("httpc-mock %s\n", HTTPC_MOCK_VERSION);
        return 0;
    }
    if (argc >= 2 && !strcmp(argv[1], "lint"))
        return cmd_lint(argc, argv, 0);
    if (argc >= 2 && !strcmp(argv[1], "list"))
        return cmd_lint(argc, argv, 1);
    if (argc >= 2 && !strcmp(argv[1], "requirements"))
        return cmd_lint(argc, argv, 2);
    fputs(usage, stderr);
    return 2;
}
