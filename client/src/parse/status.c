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
/* 3.3 and 3.4 (no interpreter here): the 3.4/3.5 document's constants table
 * says "versionchanged:: 3.3 Added codes 428, 429, 431 and 511 from RFC
 * 6585", and 3.3's Lib/http/client.py added them to `responses` with the
 * constants; the other constants of the document (102, 207, 226, 422-426,
 * 507, 510) stay without a phrase until http.HTTPStatus (3.5). Dictionary
 * order is not part of the contract: the four come after 2.7's rows. */
static const phrase_row t34[] = {
    HTTPC__RESPONSES_27(PHRASE_ROW)
    {428, "Precondition Required"},
    {429, "Too Many Requests"},
    {431, "Request Header Fields Too Large"},
    {511, "Network Authentication Required"},
};
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

/* Table t as rows; NULL (and 0) for an unknown table. */
static const phrase_row *rows_of(int t, size_t *n)
{
    switch (t) {
    case HTTPC_STATUS_TABLE_27: return *n = sizeof t27 / sizeof t27[0], t27;
    case HTTPC_STATUS_TABLE_34: return *n = sizeof t34 / sizeof t34[0], t34;
    case HTTPC_STATUS_TABLE_36: return *n = sizeof t36 / sizeof t36[0], t36;
    case HTTPC_STATUS_TABLE_311: return *n = sizeof t311 / sizeof t311[0], t311;
    default: return *n = 0, NULL;
    }
}

const char *httpc_status_phrase_in(int t, int code)
{
    size_t n;
    const phrase_row *r = rows_of(t, &n);

    for (size_t i = 0; i < n; i++)
        if (r[i].code == code)
            return r[i].phrase;
    return NULL;
}

size_t httpc_status_count_in(int t)
{
    size_t n;

    rows_of(t, &n);
    return n;
}

int httpc_status_code_in(int t, size_t i)
{
    size_t n;
    const phrase_row *r = rows_of(t, &n);

    return i < n ? r[i].code : -1;
}
