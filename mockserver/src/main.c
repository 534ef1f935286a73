/* SPDX-License-Identifier: MIT */
/* httpc-mock: serve one scenario on loopback for any client, or lint and list
 * a tree of scenario files. */
#include "httpc_mock.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
    "usage: httpc-mock serve FILE [--port N] [--bind ADDR] [--case N] [-v|-vv]\n"
    "       httpc-mock serve PATH... [--port N] [--bind ADDR] [-v|-vv]\n"
    "       httpc-mock serve FILE --tls [--cert PEM --key PEM] [--certs DIR]\n"
    "       httpc-mock serve FILE --repeat [--max-conns N]\n"
    "       httpc-mock make-certs DIR\n"
    "       httpc-mock lint PATH...\n"
    "       httpc-mock list PATH...\n"
    "\n"
    "serve  replays the scenario's connection scripts to whatever connects (curl, a\n"
    "       browser, any client), printing the port first; exits when the scripts are\n"
    "       done. --case N picks the N-th case of a sweep (from 0). -v logs each\n"
    "       connection; -vv also every write and read, with timestamps and bytes.\n"
    "       Several files or a folder: every scenario (each sweep case) on its own\n"
    "       port, from --port N upwards or chosen by the system, one 'PORT ID'\n"
    "       line each; exits when every script is done.\n"
    "lint   loads every *.scn file under the paths: reports each bad file as\n"
    "       file:line: message, and duplicate ids; exit 1 when any is bad.\n"
    "list   prints the id and title of every scenario (sweeps expanded).\n"
    "--tls  every connection starts with a TLS handshake (scenarios with 'tls: yes'\n"
    "       do anyway), with the test certificate or --cert/--key; --certs DIR is\n"
    "       where the test certificates are (default: the build's).\n"
    "make-certs  makes the test CA and certificates in DIR (the build does).\n"
    "--repeat  load mode: every connection runs the first script, again for each\n"
    "       request while the client keeps the connection, until SIGINT or SIGTERM;\n"
    "       at most --max-conns (4096) open at once. At exit it prints its counts\n"
    "       to stderr as one JSON line.\n"
    "\n"
    "The server binds 127.0.0.1 unless --bind says otherwise, and says so when it\n"
    "does not.\n";

typedef struct walk {
    char **ids;
    char **where;
    size_t n, cap;
    int bad, files, scenarios, list;
} walk;

static int remember(walk *w, const char *id, const char *file)
{
    for (size_t i = 0; i < w->n; i++)
        if (!strcmp(w->ids[i], id)) {
            fprintf(stderr, "%s: duplicate id '%s' (also in %s)\n", file, id, w->where[i]);
            return -1;
        }
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 64;
        w->ids = realloc(w->ids, w->cap * sizeof *w->ids);
        w->where = realloc(w->where, w->cap * sizeof *w->where);
    }
    w->ids[w->n] = strdup(id);
    w->where[w->n++] = strdup(file);
    return 0;
}

static void check_file(walk *w, const char *path)
{
    httpc_scenario *s;
    size_t n;
    char err[512];
    w->files++;
    if (httpc_scn_load(path, &s, &n, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        w->bad++;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        w->scenarios++;
        if (remember(w, s[i].id, path) < 0)
            w->bad++;
        else if (w->list)
            printf("%-50s %s\n", s[i].id, s[i].title);
    }
    httpc_scn_free_all(s, n);
}

static void check_one(void *ctx, const char *path)
{
    check_file(ctx, path);
}

static int cmd_lint(int argc, char **argv, int list)
{
    walk w = {.list = list};
    if (argc < 3) {
        fputs(usage, stderr);
        return 2;
    }
    for (int i = 2; i < argc; i++)
        httpc_scn_walk(argv[i], check_one, &w);
    if (!list)
        printf("lint: %d files, %d scenarios, %d problems\n", w.files, w.scenarios, w.bad);
    for (size_t i = 0; i < w.n; i++)
        free(w.ids[i]), free(w.where[i]);
    free(w.ids);
    free(w.where);
    return w.bad ? 1 : 0;
}

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
    stop_signal = sig;
}

/* --repeat: serves until SIGINT or SIGTERM, then prints the counts. Each
 * connection is a descriptor, so the soft limit is raised to the hard one. */
static void serve_until_signal(httpc_mock *m)
{
    struct rlimit rl;
    struct sigaction sa = {.sa_handler = on_stop};
    httpc_mock_stats st;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    while (!stop_signal)
        usleep(20000);
    httpc_mock_stop(m, 0);
    httpc_mock_get_stats(m, &st);
    fprintf(stderr,
            "{\"accepted\": %zu, \"refused\": %zu, \"open\": %zu, \"peak\": %zu, "
            "\"rounds\": %llu}\n",
            st.accepted, st.refused, st.open, st.peak, st.rounds);
}

/* Every scenario under the paths, each on its own server: "PORT ID" per line
 * (ports from `port` upwards when given), until every script is done. */
typedef struct many {
    httpc_scenario **sets;
    size_t *counts, nsets, total;
    int bad;
} many;

static void gather(void *ctx, const char *file)
{
    many *w = ctx;
    httpc_scenario *s;
    size_t n;
    char err[512];
    void *a, *b;
    if (httpc_scn_load(file, &s, &n, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        w->bad++;
        return;
    }
    a = realloc(w->sets, (w->nsets + 1) * sizeof *w->sets);
    b = a ? realloc(w->counts, (w->nsets + 1) * sizeof *w->counts) : NULL;
    if (a) w->sets = a;
    if (b) w->counts = b;
    if (a == NULL || b == NULL) {
        httpc_scn_free_all(s, n);
        w->bad++;
        return;
    }
    w->sets[w->nsets] = s;
    w->counts[w->nsets++] = n;
    w->total += n;
}

static int serve_many(char **paths, int npaths, const char *bind, long port, int verbose)
{
    many w = {0};
    int rc = 0;
    for (int i = 0; i < npaths; i++)
        httpc_scn_walk(paths[i], gather, &w);
    httpc_mock **ms = calloc(w.total ? w.total : 1, sizeof *ms);
    size_t k = 0;
    if (w.bad || ms == NULL)
        rc = 1;
    for (size_t i = 0; rc == 0 && i < w.nsets; i++)
        for (size_t j = 0; rc == 0 && j < w.counts[i]; j++, k++) {
            char err[512];
            int p = port ? (int)(port + (long)k) : 0;
            if (p > 65535 || httpc_mock_start(&w.sets[i][j], bind, p, verbose, &ms[k], err,
                                              sizeof err) < 0) {
                fprintf(stderr, "httpc-mock: %s: %s\n", w.sets[i][j].id,
                        p > 65535 ? "no port left" : err);
                rc = 1;
                break;
            }
            printf("%d %s\n", httpc_mock_port(ms[k]), w.sets[i][j].id);
        }
    fflush(stdout);
    for (size_t i = 0; i < w.total; i++)
        if (ms[i] != NULL) {
            httpc_mock_stop(ms[i], rc ? 0 : 24 * 3600 * 1000);
            httpc_mock_free(ms[i]);
        }
    for (size_t i = 0; i < w.nsets; i++)
        httpc_scn_free_all(w.sets[i], w.counts[i]);
    free(ms), free(w.sets), free(w.counts);
    return rc;
}

static int cmd_serve(int argc, char **argv)
{
    const char *file = NULL, *bind = NULL, *cert = NULL, *key = NULL, *certs = NULL;
    char *paths[256];
    int npaths = 0;
    long port = 0, which = 0, max_conns = 0;
    int verbose = 0, repeat = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "-v"))
            verbose = verbose < 1 ? 1 : verbose;
        else if (!strcmp(argv[i], "-vv"))
            verbose = 2;
        else if (!strcmp(argv[i], "--port") && i + 1 < argc)
            port = strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--bind") && i + 1 < argc)
            bind = argv[++i];
        else if (!strcmp(argv[i], "--case") && i + 1 < argc)
            which = strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--repeat"))
            repeat = 1;
        else if (!strcmp(argv[i], "--max-conns") && i + 1 < argc)
            max_conns = strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--tls"))
            httpc_mock_force_tls(1);
        else if (!strcmp(argv[i], "--cert") && i + 1 < argc)
            cert = argv[++i];
        else if (!strcmp(argv[i], "--key") && i + 1 < argc)
            key = argv[++i];
        else if (!strcmp(argv[i], "--certs") && i + 1 < argc)
            certs = argv[++i];
        else if (argv[i][0] != '-' && npaths < 256)
            paths[npaths++] = argv[i];
        else {
            fprintf(stderr, "httpc-mock: unknown or incomplete option '%s'\n%s", argv[i], usage);
            return 2;
        }
    }
    struct stat st;
    file = npaths == 1 && stat(paths[0], &st) == 0 && !S_ISDIR(st.st_mode) ? paths[0] : NULL;
    if (npaths == 0 || port < 0 || port > 65535 || !cert != !key || max_conns < 0 ||
        max_conns > 1000000 || (file == NULL && (repeat || which))) {
        fputs(usage, stderr);
        return 2;
    }
    if (bind && strcmp(bind, "127.0.0.1"))
        fprintf(stderr, "httpc-mock: listening on %s, not on loopback only\n", bind);
    httpc_mock_tls_files(certs, cert, key);
    if (file == NULL)
        return serve_many(paths, npaths, bind, port, verbose);
    httpc_mock_repeat(repeat, (size_t)max_conns);
    httpc_scenario *s;
    size_t n;
    char err[512];
    if (httpc_scn_load(file, &s, &n, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    if (which < 0 || (size_t)which >= n) {
        fprintf(stderr, "httpc-mock: %s has %zu cases\n", file, n);
        httpc_scn_free_all(s, n);
        return 2;
    }
    httpc_mock *m;
    if (httpc_mock_start(&s[which], bind, (int)port, verbose, &m, err, sizeof err) < 0) {
        fprintf(stderr, "httpc-mock: %s\n", err);
        httpc_scn_free_all(s, n);
        return 1;
    }
    printf("%d\n", httpc_mock_port(m));
    fflush(stdout);
    if (repeat)
        serve_until_signal(m);
    else
        httpc_mock_stop(m, 24 * 3600 * 1000);
    httpc_mock_free(m);
    httpc_scn_free_all(s, n);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
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
    if (argc >= 2 && !strcmp(argv[1], "lint"))
        return cmd_lint(argc, argv, 0);
    if (argc >= 2 && !strcmp(argv[1], "list"))
        return cmd_lint(argc, argv, 1);
    fputs(usage, stderr);
    return 2;
}
