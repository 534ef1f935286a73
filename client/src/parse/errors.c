/* SPDX-License-Identifier: MIT */
/* The error table: names, messages and the exception tree, all generated from
 * the one X-macro in httpc.h so they cannot drift apart. */
#include "httpc.h"

#include <stddef.h>

typedef struct err_info {
    int code;
    const char *name;
    const char *message;
    int parent;
    int parent2;
} err_info;

/* A parent of 0 in the X-macro means "a root"; the macro pastes the parent's
 * name into HTTPC_E_##parent, so a root is spelled 0 and becomes HTTPC_E_0. */
#define HTTPC_E_0 0
#define ERR_ROW(name, val, py, parent, parent2, msg)                                               \
    {HTTPC_E_##name, py, msg, HTTPC_E_##parent, HTTPC_E_##parent2},
static const err_info table[] = {HTTPC_ERRNO_MAP(ERR_ROW)};
#undef ERR_ROW

static const err_info *find(int err)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].code == err)
            return &table[i];
    return NULL;
}

const char *httpc_err_name(int err)
{
    const err_info *e = find(err);

    if (err == 0)
        return "OK";
    return e ? e->name : "UnknownError";
}

const char *httpc_err_message(int err)
{
    const err_info *e = find(err);

    if (err == 0)
        return "success";
    return e ? e->message : "unknown error";
}

int httpc_err_parent(int err)
{
    const err_info *e = find(err);
    return e ? e->parent : 0;
}

/* Walks both base classes: RemoteDisconnected is a BadStatusLine and a
 * ConnectionResetError, as in CPython. */
int httpc_err_is(int err, int cls)
{
    const err_info *e;

    if (err == 0 || cls == 0)
        return 0;
    if (err == cls)
        return find(err) != NULL;
    e = find(err);
    if (e == NULL)
        return 0;
    return (e->parent && httpc_err_is(e->parent, cls)) ||
           (e->parent2 && httpc_err_is(e->parent2, cls));
}
