/* SPDX-License-Identifier: MIT */
/* The scripted mock server as a library: serves one scenario's connection
 * scripts on loopback from one background thread (poll, no thread per
 * connection) and records what each connection received. */
#ifndef HTTPC_MOCK_H
#define HTTPC_MOCK_H

#include "httpc_scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HTTPC_MOCK_MAX_RECORD (1u << 20) /* bytes recorded per connection */

typedef struct httpc_mock httpc_mock;

/* How one server runs. Zero (or a NULL pointer) is the default for every
 * field: loopback, any port, quiet, each script played once, whole writes,
 * TLS only where the scenario says, the test certificates in
 * httpc_mock_cert_dir(). Read by httpc_mock_start only: the strings need not
 * outlive that call, and servers with different options can run at once. */
typedef struct httpc_mock_opts {
    const char *bind_addr; /* an IPv4 address to listen on; NULL: 127.0.0.1 */
    int port;              /* 0: any free port (httpc_mock_port says which) */
    int verbose;           /* 1: connections on stderr; 2: also every write and read (--trace) */
    /* Chaos: every write is cut into pieces of random size (1 to 256 bytes,
     * often 1) with random 1-3 ms pauses after some of them, drawn from
     * `chaos_seed`, the scenario id and the connection's index only, so a run
     * is reproducible and other servers beside it (-j) do not change it. */
    int chaos;
    unsigned long long chaos_seed;
    /* Repeat (load) mode: every connection runs the scenario's first script,
     * and runs it again from the start each time it ends while the client
     * stays (one round per keep-alive exchange), until the client closes; a
     * request cut short by a close is not answered. At most `max_conns`
     * connections are open at once (0: 4096), more are closed at once;
     * finished slots are reused. The server never finishes on its own
     * (httpc_mock_stop waits its whole timeout), and httpc_mock_received is
     * meaningless: use httpc_mock_get_stats. */
    int repeat;
    size_t max_conns;
    /* Repeat mode only: a connection waiting for a request longer than
     * `idle_timeout_ms` (a TLS handshake included), or for the rest of a begun
     * request longer than `head_timeout_ms`, is closed and counted (0 or
     * less: no limit). */
    long idle_timeout_ms, head_timeout_ms;
    int force_tls; /* every connection does TLS first, whatever its scenario says */
    /* The certificate folder (NULL: httpc_mock_cert_dir()); `cert_file` and
     * `key_file` (both or neither), when set, the certificate chain and key
     * every TLS connection uses instead of the scenario's tls-cert (then no
     * certificate is made in the folder). */
    const char *cert_dir, *cert_file, *key_file;
} httpc_mock_opts;

/* Starts serving `s` (which must outlive the server) as `opts` says (NULL:
 * the defaults). The i-th accepted connection runs the i-th script; later
 * ones are closed at once. Returns 0 or -1 with a message. */
int httpc_mock_start(const httpc_scenario *s, const httpc_mock_opts *opts, httpc_mock **out,
                     char *err, size_t errcap);
int httpc_mock_port(const httpc_mock *m);
/* Waits until every script has finished or `timeout_ms` passed, then stops
 * the server and closes what is left. Returns 1 if it had to cut scripts. */
int httpc_mock_stop(httpc_mock *m, int timeout_ms);
/* Whether every script has finished (never in repeat mode); safe while the
 * server runs, so a caller can wait for it and for something else at once. */
int httpc_mock_done(httpc_mock *m);
/* After stop: connections accepted, and what connection i received. */
size_t httpc_mock_connections(const httpc_mock *m);
const unsigned char *httpc_mock_received(const httpc_mock *m, size_t i, size_t *len);

/* A scenario's header value (a check's, an rfc set's) into out with its first
 * "{port}" replaced by `port`, the server's; truncated to cap. */
void httpc_mock_expand_port(const char *value, int port, char *out, size_t cap);
/* The request-side checks of `s` (check-request-line, check-request-header)
 * over rx[0..len), what the server received on a connection (rx may be NULL:
 * nothing); "{port}" in a header value is `port`. Calls `fail` once per check
 * that does not hold, in file order, with the reason ("request line is 'GET /x
 * HTTP/1.1'", "request lacks header 'Host: a'") and what the check wanted (the
 * request line; NULL for a header, whose reason names it). Returns how many
 * failed (0: all hold). Pure: the runner's judge and `httpc-mock serve` both
 * use it. */
int httpc_mock_check_request(const httpc_scenario *s, const unsigned char *rx, size_t len, int port,
                             void (*fail)(void *ctx, const char *why, const char *want), void *ctx);
void httpc_mock_free(httpc_mock *m);

typedef struct httpc_mock_stats {
    size_t accepted;           /* connections accepted */
    size_t refused;            /* closed at once: the table was full */
    size_t open, peak;         /* open now; the most open at once */
    unsigned long long rounds; /* scripts run to their end (repeat mode) */
    size_t oversized;          /* closed: a request larger than the record (431 in repeat mode) */
    size_t idle_timeouts;      /* repeat: closed, no request begun within the idle timeout */
    size_t head_timeouts; /* repeat: closed, a request head unfinished within the head timeout */
} httpc_mock_stats;
/* A consistent copy of the counters; safe while the server runs. */
void httpc_mock_get_stats(httpc_mock *m, httpc_mock_stats *st);

/* TLS. Scenarios with `tls: yes` use the test certificates in the options'
 * cert_dir, else in httpc_mock_cert_dir(): $HTTPC_CERT_DIR, else the build's
 * (made there by the build, or on first use). A folder holds ca.pem (the CA
 * clients trust), other-ca.pem, and NAME.pem/NAME.key for valid (localhost,
 * 127.0.0.1, ::1), wrong-host, expired, self-signed, untrusted (signed by
 * other-ca) and client (a client certificate). */
const char *httpc_mock_cert_dir(void);
/* Makes the test CA and certificates in `dir` (created if needed). 0 or -1
 * with a message. */
int httpc_mock_make_certs(const char *dir, char *err, size_t errcap);

#ifdef __cplusplus
}
#endif
#endif
