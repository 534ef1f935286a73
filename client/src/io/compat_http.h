/* SPDX-License-Identifier: MIT */
/* The internals of the 2.x HTTP class (compat_http.c) that tests reach. */
#ifndef HTTPC_COMPAT_HTTP_H
#define HTTPC_COMPAT_HTTP_H

#include "conn_internal.h"

/* How h's connection opens its transport, now and after a connect(host)
 * that makes a new one (tests replace it with an in-memory peer). */
void httpc__http_set_connector(httpc_http *h, httpc__connector_fn fn, void *ctx);

#endif /* HTTPC_COMPAT_HTTP_H */
