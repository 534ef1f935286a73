/* SPDX-License-Identifier: MIT */
/* The one "load every scenario under PATH" walk: httpc-mock lint and serve and
 * httpc-conform all read a library through it, so a file is judged bad (and
 * reported with its line) by the same rules whichever tool reads it. */
#include "httpc_scenario.h"

#include <stdio.h>
#include <stdlib.h>

static int keep(httpc_scn_lib *lib, httpc_scenario *s, size_t n)
{
    void *a = realloc(lib->sets, (lib->nsets + 1) * sizeof *lib->sets);
    if (a != NULL)
        lib->sets = a;
    void *b = a ? realloc(lib->counts, (lib->nsets + 1) * sizeof *lib->counts) : NULL;
    if (b != NULL)
        lib->counts = b;
    if (a == NULL || b == NULL)
        return -1;
    lib->sets[lib->nsets] = s;
    lib->counts[lib->nsets++] = n;
    lib->total += n;
    return 0;
}

/* The file-level rule of rfc lines: checked against the catalogue when there
 * is one; with none, an error only where the caller needs a catalogue. */
static int check_rfc(const httpc_scn_lib *lib, const httpc_scenario *s, size_t n)
{
    char err[4096];
    if (n == 0)
        return 0;
    if (lib->cat == NULL) {
        if (!lib->need_catalogue || s[0].nrfcs == 0)
            return 0;
        fprintf(stderr, "%s:%d: 'rfc' lines but no requirements.txt above it (--catalogue FILE)\n",
                s[0].file, s[0].rfcs[0].line);
        return -1;
    }
    if (httpc_scn_check_rfc(&s[0], lib->cat, err, sizeof err) < 0)
        return fprintf(stderr, "%s\n", err), -1;
    return 0;
}

static void add_file(void *ctx, const char *path)
{
    httpc_scn_lib *lib = ctx;
    httpc_scenario *s;
    size_t n;
    char err[4096];
    lib->files++;
    if (httpc_scn_load(path, &s, &n, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        lib->bad++;
        return;
    }
    if (check_rfc(lib, s, n) < 0) {
        lib->bad++;
        httpc_scn_free_all(s, n);
        return;
    }
    for (size_t k = 0; k < n; k++)
        if (httpc_scn_ids_add(&lib->ids, &s[k], err, sizeof err) < 0)
            fprintf(stderr, "%s\n", err), lib->bad++;
    if (keep(lib, s, n) < 0) {
        fprintf(stderr, "%s: out of memory keeping its scenarios\n", path);
        lib->bad++;
        httpc_scn_free_all(s, n);
    }
}

void httpc_scn_lib_add(httpc_scn_lib *lib, const char *path)
{
    httpc_scn_walk(path, add_file, lib);
}

void httpc_scn_lib_free(httpc_scn_lib *lib)
{
    for (size_t k = 0; k < lib->nsets; k++)
        httpc_scn_free_all(lib->sets[k], lib->counts[k]);
    free(lib->sets);
    free(lib->counts);
    httpc_scn_ids_free(&lib->ids);
    *lib = (httpc_scn_lib){0};
}
