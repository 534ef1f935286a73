/* SPDX-License-Identifier: MIT */
/* The built-in profiles: the history of http.client as run-time values. The
 * limits are http.client's _MAXLINE and _MAXHEADERS, the same in httplib 2.7
 * and CPython 3.11; CPython reads trailers without a count, so only the
 * strict profile bounds them. */
#include "httpc.h"

#include <string.h>

const httpc_profile httpc__profiles[HTTPC_PROFILE__COUNT] = {
    [HTTPC_PROFILE_PY27] = {.name = "py27",
                            .id = HTTPC_PROFILE_PY27,
                            .header_mode = HTTPC_HEADERS_PY27,
                            .accept_http09 = 1,
                            .py27 = 1,
                            .max_line = HTTPC_MAXLINE,
                            .max_headers = HTTPC_MAXHEADERS},
    [HTTPC_PROFILE_PY27_STRICT] = {.name = "py27-strict",
                                   .id = HTTPC_PROFILE_PY27_STRICT,
                                   .header_mode = HTTPC_HEADERS_PY27,
                                   .py27 = 1,
                                   .max_line = HTTPC_MAXLINE,
                                   .max_headers = HTTPC_MAXHEADERS},
    [HTTPC_PROFILE_PY3] = {.name = "py3",
                           .id = HTTPC_PROFILE_PY3,
                           .header_mode = HTTPC_HEADERS_PY3,
                           .max_line = HTTPC_MAXLINE,
                           .max_headers = HTTPC_MAXHEADERS},
    [HTTPC_PROFILE_STRICT] = {.name = "strict",
                              .id = HTTPC_PROFILE_STRICT,
                              .header_mode = HTTPC_HEADERS_STRICT,
                              .strict_rfc = 1,
                              .max_line = HTTPC_MAXLINE,
                              /* No count limit on trailers: they are read line by
                               * line (each bounded by max_line) and discarded, so
                               * their number costs no memory, and RFC 9112 section
                               * 7.1 wants a chunked body decoded whatever its
                               * trailer section holds (CPython bounds only the
                               * lines too). */
                              .max_headers = HTTPC_MAXHEADERS},
};

const httpc_profile *httpc_profile_get(httpc_profile_id id)
{
    if ((int)id < 0 || id >= HTTPC_PROFILE__COUNT)
        return NULL;
    return &httpc__profiles[id];
}

const httpc_profile *httpc_profile_by_name(const char *name)
{
    for (int i = 0; name != NULL && i < HTTPC_PROFILE__COUNT; i++)
        if (strcmp(httpc__profiles[i].name, name) == 0)
            return &httpc__profiles[i];
    return NULL;
}
