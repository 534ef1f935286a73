/* SPDX-License-Identifier: MIT */
/* The status constants and `responses`: the 3.4 document's table from
 * HTTPC_STATUS_MAP, and each version's dictionary (status_tables.inc, read
 * off the interpreters), so that a profile answers as its Python does. */
#include "httpc.h"

#include "status_tables.inc"

typedef struct status_info {
    int code;
    const char *name;
    const char *phrase;
} status_info;

#define STATUS_ROW(name, code, phrase) {code, #name, phrase},
static const status_info table[] = {HTTPC_STATUS_MAP(STATUS_ROW)};
#undef STATUS_ROW

typedef struct phrase_row {
    int code;
    const char *phrase;
} phrase_row;

#define PHRASE_ROW(code, phrase) {code, phrase},
static const phrase_row t27[] = {HTTPC__RESPONSES_27(PHRASE_ROW)};
static const phrase_row t36[] = {HTTPC__RESPONSES_36(PHRASE_ROW)};
static const phrase_row t311[] = {HTTPC__RESPONSES_311(PHRASE_ROW)};
#undef PHRASE_ROW

static const status_info *find(int code)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].code == code)
            return &table[i];
    return NULL;
}

const char *httpc_status_phrase(int code)
{
    const status_info *s = find(code);
    return s ? s->phrase : NULL;
}

const char *httpc_status_name(int code)
{
    const status_info *s = find(code);
    return s ? s->name : NULL;
}

size_t httpc_status_count(void)
{
    return sizeof table / sizeof table[0];
}

int httpc_status_code_at(size_t i)
{
    return i < httpc_status_count() ? table[i].code : -1;
}

/* Table t as rows; NULL (and 0) for the 3.4 one, which is `table`. */
static const phrase_row *rows_of(int t, size_t *n)
{
    switch (t) {
    case HTTPC_STATUS_TABLE_27: return *n = sizeof t27 / sizeof t27[0], t27;
    case HTTPC_STATUS_TABLE_36: return *n = sizeof t36 / sizeof t36[0], t36;
    case HTTPC_STATUS_TABLE_311: return *n = sizeof t311 / sizeof t311[0], t311;
    default: return *n = 0, NULL;
    }
}

const char *httpc_status_phrase_in(int t, int code)
{
    size_t n;
    const phrase_row *r = rows_of(t, &n);

    if (t == HTTPC_STATUS_TABLE_34)
        return httpc_status_phrase(code);
    for (size_t i = 0; i < n; i++)
        if (r[i].code == code)
            return r[i].phrase;
    return NULL;
}

size_t httpc_status_count_in(int t)
{
    size_t n;

    if (t == HTTPC_STATUS_TABLE_34)
        return httpc_status_count();
    rows_of(t, &n);
    return n;
}

int httpc_status_code_in(int t, size_t i)
{
    size_t n;
    const phrase_row *r = rows_of(t, &n);

    if (t == HTTPC_STATUS_TABLE_34)
        return httpc_status_code_at(i);
    return i < n ? r[i].code : -1;
}
