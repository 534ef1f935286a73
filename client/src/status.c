/* SPDX-License-Identifier: MIT */
/* The status constants and `responses`, generated from HTTPC_STATUS_MAP. */
#include "httpc.h"

typedef struct status_info {
    int code;
    const char *name;
    const char *phrase;
} status_info;

#define STATUS_ROW(name, code, phrase) {code, #name, phrase},
static const status_info table[] = {HTTPC_STATUS_MAP(STATUS_ROW)};
#undef STATUS_ROW

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
