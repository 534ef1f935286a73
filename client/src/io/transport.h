/* SPDX-License-Identifier: MIT */
/* The transport layer: the one small vtable that plain sockets, TLS
 * (OpenSSL, transport_tls.c) and the in-memory replay used by tests and
 * fuzzers sit behind, and the helpers they share. The connection's and the
 * response's internals are in conn_internal.h. */
#ifndef HTTPC_TRANSPORT_H
#define HTTPC_TRANSPORT_H

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

/* Lib/ssl.py _dnsname_match of 2.7.9+ and 3.3.3-3.6: whether the
 * certificate's DNS name `dn` (one '*' at most, in its leftmost label)
 * matches `host`: 1, 0, or HTTPC_E_CERTIFICATE_ERROR for more wildcards. */
int httpc__dnsname_match(const char *dn, const char *host, char *detail, size_t cap);

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

#endif /* HTTPC_TRANSPORT_H */
