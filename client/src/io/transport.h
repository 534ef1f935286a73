/* SPDX-License-Identifier: MIT */
/* The transport layer: the one small vtable that plain sockets, the in-memory
 * replay used by tests and fuzzers, and (later) OpenSSL sit behind. */
#ifndef HTTPC_TRANSPORT_H
#define HTTPC_TRANSPORT_H

#include "debug.h"
#include "internal.h"

typedef struct httpc__transport httpc__transport;

typedef struct httpc__transport_vt {
    /* Sends all of buf or fails: 0 or an OSError-family code. */
    int (*send)(httpc__transport *t, const void *buf, size_t len);
    /* Receives up to cap bytes: the count, 0 at EOF, or an error code. */
    ssize_t (*recv)(httpc__transport *t, void *buf, size_t cap);
    /* Releases what the transport holds; called once, by the last unref. */
    void (*destroy)(httpc__transport *t);
    /* The descriptor, -1 when there is none. */
    int (*fileno)(const httpc__transport *t);
} httpc__transport_vt;

/* The connection and its responses share a transport, as Python's socket and
 * the response's makefile() do: the last reference closes it. */
struct httpc__transport {
    const httpc__transport_vt *vt;
    int refs;
    char *unread; /* bytes given back by httpc__transport_unread */
    size_t unread_pos, unread_len;
    char errmsg[160]; /* detail of the last error */
    size_t read_cap;  /* httpc_conn_opts.read_cap: each vt->recv of the socket and
                         TLS transports asks for at most this many bytes (0: no cap) */
    int abandoned;    /* set by httpc__transport_abandon: never to be reused */
};

/* Fills in the shared part of a new transport (one reference). */
void httpc__transport_init(httpc__transport *t, const httpc__transport_vt *vt);
httpc__transport *httpc__transport_ref(httpc__transport *t);
/* Drops a reference; the last one destroys the transport (closes it). */
void httpc__transport_unref(httpc__transport *t);
/* The stream can no longer be trusted: the strict profile found where a
 * response ends unknowable (a framing error, an incomplete body), and RFC
 * 9112 sections 6.1 and 6.3 say the connection MUST then be closed. The
 * socket is shut down in both directions at once; the connection, which
 * shares the transport with its response, sees `abandoned` and lets go of
 * it (the next request connects anew), and the last reference closes it. */
void httpc__transport_abandon(httpc__transport *t);
/* Whether bytes (or an EOF) wait to be read: given back with
 * httpc__transport_unread, or in the socket (poll without waiting). Under TLS
 * it sees the socket, not what OpenSSL may hold decrypted. */
int httpc__transport_unsolicited(const httpc__transport *t);
/* recv() that first returns the bytes given back with httpc__transport_unread. */
ssize_t httpc__transport_recv(httpc__transport *t, void *buf, size_t cap);
/* Gives bytes back so the next recv() returns them first. httplib 2.7 reads
 * its responses through an unbuffered makefile('rb', 0): it never takes a
 * byte past what it parses, so what a py27 response read ahead belongs to
 * the next response on the connection. HTTPC_E_NOMEM or 0. */
int httpc__transport_unread(httpc__transport *t, const void *buf, size_t len);

/* socket.create_connection((host, port), timeout, source_address) plus
 * TCP_NODELAY. timeout_ms < 0: blocking. */
int httpc__tcp_connect(const char *host, int port, int timeout_ms, const char *source_host,
                       int source_port, httpc__transport **out, char *detail, size_t cap);

/* The socket timeout's helpers, shared with the TLS transport: the deadline
 * of a call (< 0: none), poll() until it (HTTPC_E_TIMEOUT "timed out"), and
 * errno as Python's OSError subclass with "[Errno N] text" in detail. */
int64_t httpc__deadline(int timeout_ms);
int httpc__wait_until(int fd, short events, int64_t deadline, char *detail, size_t cap);
int httpc__os_error(char *detail, size_t cap, int e);

/* ssl.SSLContext.wrap_socket(sock, server_hostname) and do_handshake():
 * TLS over `inner` (whose reference it takes, even on failure). `host` is
 * the name checked and sent as SNI (not sent for an IP literal). The
 * defaults come from the profile: py27 verifies nothing (httplib 2.x), the
 * others verify the chain and the host name (3.4.3+); `o` NULL: defaults.
 * Errors: HTTPC_E_SSL_CERT_VERIFICATION, HTTPC_E_SSL_ERROR, HTTPC_E_SSL_EOF,
 * HTTPC_E_TIMEOUT, the OSError family, HTTPC_E_VALUE_ERROR (bad options),
 * with Python's message (OpenSSL's reason) in detail. */
int httpc__tls_wrap(httpc__transport *inner, const char *host, int timeout_ms,
                    const httpc_tls_opts *o, const httpc_profile *p, httpc__transport **out,
                    char *detail, size_t cap);

/* An in-memory peer: recv() replays `reply` in pieces of at most `segment`
 * bytes (0: all at once) then gives EOF; send() appends to a record that
 * httpc__mem_sent() returns. The reply is copied. */
int httpc__mem_transport(const void *reply, size_t len, size_t segment, httpc__transport **out);
const char *httpc__mem_sent(const httpc__transport *t, size_t *len);
/* The same with a reply in parts, as a server answers one request at a time:
 * part 0 is there from the start, part k once the client has sent its
 * (k+1)-th request head; when the parts available are read, recv() gives EOF. */
#define HTTPC__MEM_MAX_PARTS 8
int httpc__mem_transport_parts(const char *const *parts, const size_t *lens, size_t nparts,
                               size_t segment, httpc__transport **out);

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

#endif /* HTTPC_TRANSPORT_H */
