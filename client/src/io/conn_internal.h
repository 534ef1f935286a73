/* SPDX-License-Identifier: MIT */
/* The connection's and the response's internals that the other I/O files,
 * the tests, the fuzz targets and the benchmarks reach: how a connection
 * opens its transport (replaced by the in-memory peer), a response built
 * over a transport directly, and begin() on its own. */
#ifndef HTTPC_CONN_INTERNAL_H
#define HTTPC_CONN_INTERNAL_H

#include "debug.h"
#include "transport.h"

/* How a connection opens its transport; tests and fuzzers replace it. */
typedef int (*httpc__connector_fn)(void *ctx, const char *host, int port, int timeout_ms,
                                   const char *source_host, int source_port, httpc__transport **out,
                                   char *detail, size_t cap);
void httpc__conn_set_connector(httpc_conn *c, httpc__connector_fn fn, void *ctx);
/* HTTPConnection(host, port) whose socket is already `t` (as when a test sets
 * conn.sock): the connection takes a reference of its own. Reconnecting
 * after a close fails with HTTPC_E_NOT_CONNECTED ("no connector to reconnect
 * with") unless a connector is set: the replaying tests and fuzz targets that
 * use this never reach the network. */
int httpc__conn_new_transport(httpc_conn **out, const char *host, int port,
                              const httpc_conn_opts *opts, httpc__transport *t);
/* The transport of a connection (NULL when closed), for tests. */
httpc__transport *httpc__conn_transport(httpc_conn *c);

/* Builds a response reading from `t` (HTTPResponse(sock, debuglevel, method)):
 * the tunnel code and the fuzz targets use it. */
int httpc__resp_new(httpc__transport *t, const httpc_profile *p, int debuglevel, const char *method,
                    httpc_resp **out);
/* httpc__resp_new, with the object and read buffer of *spare when it holds
 * one (then NULL). */
int httpc__resp_new_from(httpc_resp **spare, httpc__transport *t, const httpc_profile *p,
                         int debuglevel, const char *method, httpc_resp **out);
/* httpc_resp_free for the connection's reference: when it is the last, the
 * object and its read buffer (at its first size) go to *spare if that is
 * empty, for the next httpc__resp_new_from; httpc__resp_spare_free frees it. */
void httpc__resp_release(httpc_resp *r, httpc_resp **spare);
void httpc__resp_spare_free(httpc_resp **spare);
/* Reference counting of responses: the connection keeps the last keep-alive
 * response (HTTPConnection.__response) alongside the caller. */
httpc_resp *httpc__resp_retain(httpc_resp *r);
/* Reads the reply to CONNECT (HTTPConnection._tunnel): 0 for a 200, else
 * HTTPC_E_OS_ERROR "Tunnel connection failed: ..." (2.7: also "Invalid
 * response from tunnel request" for an HTTP/0.9 answer) or a parse error.
 * `debuglevel` is the connection's: 3.x prints the header lines it skips. */
int httpc__resp_tunnel_reply(httpc_resp *r, int debuglevel, char *detail, size_t cap);
/* The size of a response's read buffer, for tests of constant memory. */
size_t httpc__resp_bufcap(const httpc_resp *r);
/* Where the response's debug output goes (its connection's sink); stdout
 * until set. */
void httpc__resp_set_debug(httpc_resp *r, httpc__debug d);
/* begin(): status line, 1xx skipping, headers, framing. */
int httpc__resp_begin(httpc_resp *r);

#endif /* HTTPC_CONN_INTERNAL_H */
