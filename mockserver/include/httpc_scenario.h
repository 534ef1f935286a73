/* SPDX-License-Identifier: MIT */
/* Scenario files (scenarios/FORMAT.md): the loader turns one file into one or
 * more scenarios (a sweep expands), or a `file:line: message` error. */
#ifndef HTTPC_SCENARIO_H
#define HTTPC_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HTTPC_SCN_MAX_FILE (1u << 20)       /* bytes of one scenario file */
#define HTTPC_SCN_MAX_BYTES (64u << 20)     /* bytes all expressions of a scenario make */
#define HTTPC_SCN_MAX_SWEEP 64              /* values of a sweep */
#define HTTPC_SCN_MAX_CONNS 16              /* connection scripts */

typedef enum httpc_scn_op {
    HTTPC_SCN_READ_REQUEST, /* the head, then the body by Content-Length or chunked */
    HTTPC_SCN_READ_LINE,    /* the request line */
    HTTPC_SCN_READ_HEAD,    /* the head */
    HTTPC_SCN_READ_BODY,    /* n body bytes */
    HTTPC_SCN_SEND,         /* one write (or segments) of data */
    HTTPC_SCN_SEGMENTS,     /* later sends in writes of n bytes, n2 ms apart */
    HTTPC_SCN_PAUSE,        /* sleep n ms */
    HTTPC_SCN_SHUTDOWN,     /* shutdown(SHUT_WR) */
    HTTPC_SCN_CLOSE,        /* close (FIN) */
    HTTPC_SCN_RESET,        /* close with RST */
    HTTPC_SCN_SILENT,       /* say nothing for n ms */
    HTTPC_SCN_STARTTLS,     /* TLS handshake as the server (after a CONNECT reply) */
    HTTPC_SCN_TLS_ALERT,    /* after the ClientHello, a plaintext fatal alert n */
    HTTPC_SCN_CLOSE_NO_NOTIFY, /* close without TLS close_notify (truncation) */
    HTTPC_SCN_TLS_STALL,    /* after the ClientHello, nothing for n ms, then close */
} httpc_scn_op;

typedef struct httpc_scn_action {
    httpc_scn_op op;
    unsigned char *data; /* SEND */
    size_t len;
    long n, n2;
    int line; /* where it was written */
} httpc_scn_action;

typedef struct httpc_scn_conn {
    httpc_scn_action *actions;
    size_t nactions;
} httpc_scn_conn;

typedef struct httpc_scn_header {
    char *name;
    char *value;
} httpc_scn_header;

typedef struct httpc_scn_expect {
    char *profile;  /* NULL: the default */
    int lenient;    /* graded "lenient" rather than "pass" */
    char *error;    /* exception class name; NULL for a response */
    char *detail;   /* NULL: not checked */
    int64_t partial;  /* -2: not checked */
    int64_t expected; /* -2: not checked, -1: None */
    int status;       /* response: 0 = not checked */
    char *reason;
    int version;      /* 0: not checked */
    unsigned char *body;
    size_t body_size;
    int has_body;
    int64_t body_len; /* -1: not checked */
    char *body_sha256; /* hex, NULL: not checked */
    httpc_scn_header *headers;
    size_t nheaders;
    int will_close; /* -1: not checked */
    int conn_kept;  /* the client's connection after the outcome: 1 kept, 0 closed, -1 not checked */
    int line;
} httpc_scn_expect;

/* One request a client sends before the final one (keep-alive scenarios). */
typedef struct httpc_scn_request {
    char *method;
    char *target;
    httpc_scn_header *headers;
    size_t nheaders;
    unsigned char *body;
    size_t body_len;
    int has_body;
} httpc_scn_request;

typedef struct httpc_scenario {
    char *file;
    char *id;
    char *title;
    char **refs;
    size_t nrefs;
    char **tags;
    size_t ntags;
    char *method;
    char *target;
    httpc_scn_header *req_headers;
    size_t nreq_headers;
    unsigned char *req_body;
    size_t req_body_len;
    int has_req_body;
    unsigned char *check_line;
    size_t check_line_len;
    httpc_scn_header *check_headers;
    size_t ncheck_headers;
    httpc_scn_conn *conns;
    size_t nconns;
    httpc_scn_expect *expects;
    size_t nexpects;
    unsigned profiles; /* bit i: runs under profile i (py27, py27-strict, py3, strict) */
    /* Requests sent, each read to its end, on the same connection object
     * before the final one above (which the expectations judge). */
    httpc_scn_request *before;
    size_t nbefore;
    int check_connections; /* connections the server must have seen; 0: any */
    int timeout_ms;        /* the client's socket timeout; 0: the runner's */
    /* TLS and tunnels. */
    int tls;               /* HTTPS: the server does TLS (from the start unless a
                              script has starttls or tls-alert), the client too */
    char *tls_cert;        /* server certificate: valid (default), wrong-host,
                              expired, self-signed, untrusted */
    char *tls_sni;         /* the SNI the server insists on ("none": no SNI);
                              NULL: any; a mismatch is an unrecognized_name alert */
    int tls_verify;        /* client: -1 the profile's default, 0 opted out, 1 verify */
    char *client_host;     /* the host name the client connects to; NULL: 127.0.0.1 */
    char *tunnel_host;     /* set_tunnel(host, port): the client's CONNECT target */
    int tunnel_port;
    httpc_scn_header *tunnel_headers; /* set_tunnel's headers */
    size_t ntunnel_headers;
} httpc_scenario;

/* Whether `s` runs under `profile` (its `profiles:` line, all by default). */
int httpc_scn_runs_under(const httpc_scenario *s, const char *profile);

/* Loads `path` (sweeps expanded). On success *out is an array of *count
 * scenarios to free with httpc_scn_free_all. On failure returns -1 with
 * "file:line: message" in err. */
int httpc_scn_load(const char *path, httpc_scenario **out, size_t *count, char *err,
                   size_t errcap);
/* The same over text already in memory; `name` is used in messages and to
 * resolve `file "..."` terms. */
int httpc_scn_parse(const char *name, const char *text, size_t len, httpc_scenario **out,
                    size_t *count, char *err, size_t errcap);
void httpc_scn_free_all(httpc_scenario *s, size_t count);
/* Calls fn for `path` when it is not a folder (a missing path included, so
 * loading it reports the error), and for every *.scn file below a folder, in
 * name order, skipping dot files; at most 16 folders deep. */
void httpc_scn_walk(const char *path, void (*fn)(void *ctx, const char *file), void *ctx);

/* The expectation for `profile` (its own, else the default), NULL if none. */
const httpc_scn_expect *httpc_scn_expect_for(const httpc_scenario *s, const char *profile,
                                             int lenient);

#ifdef __cplusplus
}
#endif
#endif
