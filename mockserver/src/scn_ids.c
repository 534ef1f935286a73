/* SPDX-License-Identifier: MIT */
/* The one home of the duplicate-id rule: a scenario id names one scenario in
 * a library, whichever tool loads it, so the reports never hold two results
 * under one name. A hash set keeps a large library's check linear. */
#include "httpc_scenario.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct httpc__scn_id {
    char *id; /* NULL: an empty slot */
    char *file;
    int line;
};

/* FNV-1a: ids are short ASCII paths, any fair hash will do. */
static size_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return (size_t)h;
}

static struct httpc__scn_id *slot_of(struct httpc__scn_id *slots, size_t cap, const char *id)
{
    size_t i = hash(id) & (cap - 1);
    while (slots[i].id != NULL && strcmp(slots[i].id, id) != 0)
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

/* Keeps the load under one half, so probes stay short. */
static int grow(httpc_scn_ids *ids)
{
    size_t cap = ids->cap ? ids->cap * 2 : 256;
    struct httpc__scn_id *slots = calloc(cap, sizeof *slots);
    if (slots == NULL)
        return -1;
    for (size_t i = 0; i < ids->cap; i++)
        if (ids->slots[i].id != NULL)
            *slot_of(slots, cap, ids->slots[i].id) = ids->slots[i];
    free(ids->slots);
    ids->slots = slots;
    ids->cap = cap;
    return 0;
}

int httpc_scn_ids_add(httpc_scn_ids *ids, const httpc_scenario *s, char *err, size_t errcap)
{
    if ((ids->n + 1) * 2 > ids->cap && grow(ids) < 0) {
        snprintf(err, errcap, "%s:%d: out of memory recording id '%s'", s->file, s->id_line, s->id);
        return -1;
    }
    struct httpc__scn_id *e = slot_of(ids->slots, ids->cap, s->id);
    if (e->id != NULL) {
        snprintf(err, errcap, "%s:%d: duplicate id '%s' (also %s:%d)", s->file, s->id_line, s->id,
                 e->file, e->line);
        return -1;
    }
    e->id = strdup(s->id);
    e->file = strdup(s->file);
    if (e->id == NULL || e->file == NULL) {
        free(e->id), free(e->file);
        e->id = NULL;
        snprintf(err, errcap, "%s:%d: out of memory recording id '%s'", s->file, s->id_line, s->id);
        return -1;
    }
    e->line = s->id_line;
    ids->n++;
    return 0;
}

void httpc_scn_ids_free(httpc_scn_ids *ids)
{
    for (size_t i = 0; i < ids->cap; i++)
        free(ids->slots[i].id), free(ids->slots[i].file);
    free(ids->slots);
    *ids = (httpc_scn_ids){0};
}
