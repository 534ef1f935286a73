/* SPDX-License-Identifier: MIT */
/* What the C adapters of the matrix share (libcurl, libsoup, neon, serf): the options
 * of adapters/PROTOCOL.md parsed into requests, and the outcome object built
 * up and printed as JSON (body SHA-256 and base64 through OpenSSL). */
#ifndef HTTPC_ADAPTER_H
#define HTTPC_ADAPTER_H
#include <stddef.h>

typedef struct adapter_req {
    const char *method, *target;
    const char **headers; /* "Name: value", in the order given */
    size_t nheaders;
    unsigned char *data; /* the body, NULL when none */
    size_t data_len;
} adapter_req;

typedef struct adapter_opts {
    adapter_req *reqs; /* the --before requests, then the judged one */
    size_t n;
    double timeout;
    const char *url, *cacert, *proxy, *raw_target;
    const char **proxy_headers;
    size_t nproxy_headers;
    int insecure, https, port;
    char scheme[8], host[256], origin[300]; /* origin: scheme://host:port */
} adapter_opts;

/* Parses argv; 0, or -1 with a message on stderr. The strings point into argv. */
int adapter_parse(int argc, char **argv, adapter_opts *o);

/* Splits "Name: value": the name's length, *value past the colon and the blanks. */
size_t adapter_header_split(const char *h, const char **value);

/* Whether q carries the caller's "Transfer-Encoding: chunked" (its body already
 * chunk-encoded); then *len gets the decoded size and the result is the decoded
 * data (malloc'd; NULL when the body does not parse as chunks). */
unsigned char *adapter_unchunk(const adapter_req *q, size_t *len);

typedef struct adapter_out {
    const char *error; /* NULL: a response */
    char detail[1024], native[1024];
    int status, version, have_head; /* have_head: status, reason, headers are known */
    char *reason;
    size_t reason_len;      /* 0: strlen(reason) (a reason may hold NUL bytes) */
    char **names, **values; /* the received head, as bytes */
    size_t *name_lens, *value_lens, nheaders;
    unsigned char *body;
    size_t body_len, body_cap;
    long long partial_len, expected_more; /* -1: null */
    int will_close;                       /* -1: null */
    const char *connection;               /* NULL: cannot tell */
} adapter_out;

void adapter_out_init(adapter_out *out);
void adapter_head_reset(adapter_out *out);
void adapter_add_header(adapter_out *out, const char *name, size_t nlen, const char *value,
                        size_t vlen);
void adapter_add_body(adapter_out *out, const void *p, size_t len);
/* An error of request step (0-based) of n: detail gets "request I of N: " before it. */
void adapter_fail(adapter_out *out, const char *cls, const char *native, size_t step, size_t n,
                  const char *message);
void adapter_print(const adapter_out *out);

#endif
