/* SPDX-License-Identifier: MIT */
/* Scenario files (scenarios/FORMAT.md): the loader turns one file into one or
 * more scenarios (a sweep expands), or a `file:line: message` error. */
#ifndef HTTPC_SCENARIO_H
#define HTTPC_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "httpc.h" /* HTTPC_PROFILE_LIST: the profiles a scenario runs under */

#ifdef __cplusplus
extern "C" {
#endif

#define HTTPC_SCN_MAX_FILE (1u << 20)   /* bytes of one scenario file */
#define HTTPC_SCN_MAX_BYTES (64u << 20) /* bytes all expressions of a scenario make */
#define HTTPC_SCN_MAX_SWEEP 64          /* values of a sweep */
#define HTTPC_SCN_MAX_CONNS 16          /* connection scripts */

typedef enum httpc_scn_op {
    HTTPC_SCN_READ_REQUEST,    /* the head, then the body by Content-Length or chunked */
    HTTPC_SCN_READ_LINE,       /* the request line */
    HTTPC_SCN_READ_HEAD,       /* the head */
    HTTPC_SCN_READ_BODY,       /* n body bytes */
    HTTPC_SCN_SEND,            /* one write (or segments) of data */
    HTTPC_SCN_SEGMENTS,        /* later sends in writes of n bytes, n2 ms apart */
    HTTPC_SCN_PAUSE,           /* sleep n ms */
    HTTPC_SCN_SHUTDOWN,        /* shutdown(SHUT_WR) */
    HTTPC_SCN_CLOSE,           /* close (FIN) */
    HTTPC_SCN_RESET,           /* close with RST */
    HTTPC_SCN_SILENT,          /* say nothing for n ms */
    HTTPC_SCN_STARTTLS,        /* TLS handshake as the server (after a CONNECT reply) */
    HTTPC_SCN_TLS_ALERT,       /* after the ClientHello, a plaintext fatal alert n */
    HTTPC_SCN_CLOSE_NO_NOTIFY, /* close without TLS close_notify (truncation) */
    HTTPC_SCN_TLS_STALL,       /* after the ClientHello, nothing for n ms, then close */
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
    char *profile;    /* NULL: the default */
    int lenient;      /* graded "lenient" rather than "pass" */
    char *error;      /* exception class name; NULL for a response */
    char *detail;     /* NULL: not checked */
    int64_t partial;  /* -2: not checked */
    int64_t expected; /* -2: not checked, -1: None */
    int status;       /* response: 0 = not checked */
    char *reason;     /* NUL-terminated; reason_len bytes (it may hold NUL) */
    size_t reason_len;
    int version; /* 0: not checked */
    unsigned char *body;
    size_t body_size;
    int has_body;
    int64_t body_len;  /* -1: not checked */
    char *body_sha256; /* hex, NULL: not checked */
    httpc_scn_header *headers;
    size_t nheaders;
    int will_close; /* -1: not checked */
    int conn_kept; /* the client's connection after the outcome: 1 kept, 0 closed, -1 not checked */
    int any;       /* an `rfc` set's "any": every outcome matches */
    /* An `rfc` set's `request ...`: what the server received, not what the
     * client reported (header= above gives "Name: value" lines it must hold). */
    int is_request;
    char *req_line;    /* line="...": the exact request line */
    char *req_target;  /* target="...": the request-target */
    char **req_absent; /* no-header="Name": fields it must not hold */
    size_t nreq_absent;
    char **req_present; /* has-header="Name": fields it must hold */
    size_t nreq_present;
    int req_connections; /* connections=N: connections the server saw; 0: any */
    int read_cap;        /* `expect P read-cap=N`: holds when each read of the client takes at
                            most N bytes; 0: the usual expectation */
    int line;
} httpc_scn_expect;

/* An `rfc ID: SET` line: the outcomes (alternatives) that satisfy one
 * requirement of the catalogue. An alternative's `error` is "" for any error
 * class; `any` set on it matches every outcome. */
typedef struct httpc_scn_rfc {
    char *id;
    httpc_scn_expect *alts;
    size_t nalts;
    int line;
} httpc_scn_rfc;

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
    int id_line; /* the line of its 'id:' (duplicate ids name both places) */
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
    httpc_scn_rfc *rfcs; /* the requirements it exercises, in file order */
    size_t nrfcs;
    unsigned profiles; /* bit i: runs under the profile of id i (HTTPC_PROFILE_LIST) */
    /* Requests sent, each read to its end, on the same connection object
     * before the final one above (which the expectations judge). */
    httpc_scn_request *before;
    size_t nbefore;
    int check_connections; /* connections the server must have seen; 0: any */
    int check_connections_for[HTTPC_PROFILE__COUNT]; /* the same for one profile (by
                                     id); 0: the line above (or the fallback's), -1: any */
    int timeout_ms; /* the client's socket timeout; 0: the runner's */
    /* TLS and tunnels. */
    int tls;           /* HTTPS: the server does TLS (from the start unless a
                          script has starttls or tls-alert), the client too */
    char *tls_cert;    /* server certificate: valid (default), wrong-host,
                          expired, self-signed, untrusted */
    char *tls_sni;     /* the SNI the server insists on ("none": no SNI);
                          NULL: any; a mismatch is an unrecognized_name alert */
    int tls_verify;    /* client: -1 the profile's default, 0 opted out, 1 verify */
    char *client_host; /* the host name the client connects to; NULL: 127.0.0.1 */
    char *tunnel_host; /* set_tunnel(host, port): the client's CONNECT target */
    int tunnel_port;
    httpc_scn_header *tunnel_headers; /* set_tunnel's headers */
    size_t ntunnel_headers;
} httpc_scenario;

/* The connections the server must see when `profile` runs it (0: any). */
int httpc_scn_check_connections(const httpc_scenario *s, const char *profile);
/* Whether `s` runs under `profile` (its `profiles:` line, all by default). */
int httpc_scn_runs_under(const httpc_scenario *s, const char *profile);

/* Loads `path` (sweeps expanded). On success *out is an array of *count
 * scenarios to free with httpc_scn_free_all. On failure returns -1 with
 * "file:line: message" in err. */
int httpc_scn_load(const char *path, httpc_scenario **out, size_t *count, char *err, size_t errcap);
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
/* The same when each read of the client takes at most `read_cap` bytes (0: no
 * cap): the profile's `read-cap=N` expectation when there is one, else the
 * usual one. */
const httpc_scn_expect *httpc_scn_expect_capped(const httpc_scenario *s, const char *profile,
                                                int lenient, int read_cap);

/* Whether `name` is an outcome class of the taxonomy (adapters/TAXONOMY.md):
 * Python's exception names the scenarios and adapters use, the strict
 * profile's, and the adapters' Unmapped and AdapterUnsupported. */
int httpc_scn_known_class(const char *name);

/* ---- the requirements catalogue (scenarios/requirements.txt) ------------- */

typedef enum httpc_req_level {
    HTTPC_REQ_MUST,
    HTTPC_REQ_MUST_NOT,
    HTTPC_REQ_SHOULD,
    HTTPC_REQ_SHOULD_NOT,
    HTTPC_REQ_MAY,
} httpc_req_level;

typedef struct httpc_req {
    char *id; /* "9112-6.3-5" */
    httpc_req_level level;
    char *section;    /* "RFC 9112 section 6.3" */
    char *text;       /* the requirement in our words */
    char *untestable; /* why no scenario can test it; NULL when scenarios do */
    int line;
} httpc_req;

typedef struct httpc_req_catalog {
    char *file;
    httpc_req *rows;
    size_t nrows;
} httpc_req_catalog;

/* Whether `id` has the catalogue's form RFC-SECTION-N ("9112-6.3-5"). */
int httpc_req_valid_id(const char *id);
/* "MUST", "MUST NOT", ... */
const char *httpc_req_level_name(httpc_req_level level);
/* Whether an outcome outside the set is a MUST violation (MUST, MUST NOT),
 * a SHOULD deviation (SHOULD, SHOULD NOT), or neither (MAY). */
int httpc_req_is_must(httpc_req_level level);
int httpc_req_is_should(httpc_req_level level);
/* Loads a catalogue into `cat` (free with httpc_req_catalog_free): 0, or -1
 * with "file:line: message" in err (a bad row, a repeated id). */
int httpc_req_catalog_load(const char *path, httpc_req_catalog *cat, char *err, size_t errcap);
void httpc_req_catalog_free(httpc_req_catalog *cat);
/* The row with `id`, NULL if none. */
const httpc_req *httpc_req_find(const httpc_req_catalog *cat, const char *id);
/* The catalogue for scenarios under `path`: requirements.txt in `path` (a
 * folder) or in the nearest folder above it, at most 8 levels up; writes its
 * path into out and returns 0, or -1 when there is none. */
int httpc_req_catalog_locate(const char *path, char *out, size_t cap);
/* Checks a scenario's `rfc` lines against the catalogue: every id exists and
 * a MAY row is cited only with `any`. 0, or -1 with "file:line: message". */
int httpc_scn_check_rfc(const httpc_scenario *s, const httpc_req_catalog *cat, char *err,
                        size_t errcap);

/* ---- scenario ids across files ------------------------------------------- */

/* The ids seen so far in a library (every file a walk loads), so a duplicate
 * is reported with both places wherever a library is loaded (httpc-mock lint,
 * httpc-conform). Zero-initialise; release with httpc_scn_ids_free. */
typedef struct httpc_scn_ids {
    struct httpc__scn_id *slots; /* open addressing, a power of two long */
    size_t n, cap;
} httpc_scn_ids;

/* Records s->id. Returns 0 when it is new; -1 when it is already there, with
 * "file:line: duplicate id 'x' (also file:line)" in err, or when memory runs
 * out (said in err). */
int httpc_scn_ids_add(httpc_scn_ids *ids, const httpc_scenario *s, char *err, size_t errcap);
void httpc_scn_ids_free(httpc_scn_ids *ids);

/* ---- a library: every scenario under some paths ------------------------- */

/* The scenarios of every file under the paths given to httpc_scn_lib_add, one
 * set per file in walk order. Zero-initialise, then set `cat` (rfc lines are
 * checked against it) and `need_catalogue` (a file with rfc lines and no
 * catalogue is an error, as lint says) before adding paths. */
typedef struct httpc_scn_lib {
    httpc_scenario **sets;
    size_t *counts, nsets;
    size_t total; /* scenarios in all sets */
    int files;    /* files read, good or bad */
    int bad;      /* problems reported */
    const httpc_req_catalog *cat;
    int need_catalogue;
    httpc_scn_ids ids;
} httpc_scn_lib;

/* Loads every scenario file under `path` (httpc_scn_walk's order) into lib.
 * Each problem (a file that does not load, an rfc line the catalogue refutes,
 * a duplicate id) goes to stderr as "file:line: message" and counts in
 * lib->bad; a file that does not load or whose rfc lines are refuted is left
 * out, a duplicate id is kept (its tool refuses to run anyway). */
void httpc_scn_lib_add(httpc_scn_lib *lib, const char *path);
void httpc_scn_lib_free(httpc_scn_lib *lib);

#ifdef __cplusplus
}
#endif
#endif
