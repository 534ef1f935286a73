/* SPDX-License-Identifier: MIT */
/* The `httpc` command: one request through the public API, with a JSON
 * outcome (--json) that is also the adapter protocol for other clients. */
#include "httpc.h"
#include "httpc_record.h"
#include "httpc_json.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_HEADERS_ARGS 256
/* --data-chunk pieces of one iterable body. */
#define MAX_DATA_CHUNKS 256
/* --data-file and --before-data-file that is not a regular file (a pipe,
 * /dev/zero) and cannot be streamed is read up to this many bytes. */
#define DATA_FILE_CAP (64 * 1024 * 1024)

static const char usage[] =
    "usage: httpc [options] URL\n"
    "\n"
    "Performs one HTTP/1.x request with the reference client (Python's http.client\n"
    "behaviour, chosen by --profile) and prints the body, or with --json the outcome.\n"
    "\n"
    "  URL                  http[s]://host[:port][/path][?query][#fragment]; [v6] hosts\n"
    "                       allowed; the fragment is not sent\n"
    "  -X, --request METHOD request method (GET; POST when a body is given)\n"
    "  -H, --header 'N: v'  add a request header (repeatable)\n"
    "  -d, --data DATA      request body (Content-Length set as http.client does)\n"
    "      --data-file PATH request body read from a file (sent as bytes, Content-Length);\n"
    "                       a pipe or device is streamed chunked (py27: read whole,\n"
    "                       at most 64 MiB)\n"
    "      --data-fileobj PATH  the open file itself as the body (body=open(PATH,\n"
    "                       'rb')): Content-Length = fstat size in 2.x and 3.0-3.5,\n"
    "                       chunked from 3.6\n"
    "      --data-chunk STR one piece of an iterable body (repeatable, in order),\n"
    "                       sent as http.client sends a generator: chunked from 3.6\n"
    "                       (unless -H gives Content-Length or Transfer-Encoding),\n"
    "                       the pieces as they are in 3.2-3.5, TypeError in 2.x,\n"
    "                       3.0 and 3.1\n"
    "      --encode-chunked request(..., encode_chunked=True): with -H\n"
    "                       'Transfer-Encoding: chunked' the body is chunk-encoded\n"
    "                       (3.6+)\n"
    "      --target T       send T as the request target (absolute-form, '*') instead\n"
    "                       of the URL's path; the URL still names the server\n"
    "      --profile NAME   py3 (default, CPython 3.11), py36, py35, py34, py33,\n"
    "                       py32, py31, py30, py27, py26 (each that version's\n"
    "                       http.client or httplib), py31-strict, py30-strict,\n"
    "                       py27-strict, py26-strict, or strict (RFC 9112)\n"
    "      --strict         strict=True (2.6, 2.7, 3.0-3.3: a reply without a\n"
    "                       status line is BadStatusLine; deprecated and without\n"
    "                       effect in 3.2/3.3; refused where the version has no\n"
    "                       strict argument)\n"
    "      --timeout SECS   socket timeout in seconds (fractions allowed)\n"
    "  -o, --output FILE    write the body to FILE instead of stdout\n"
    "      --read-size N    read the body with read(N) calls instead of read()\n"
    "      --readinto N     read the body with readinto() into an N-byte buffer, as\n"
    "                       resp.readinto(bytearray(N)) in a loop (3.3+)\n"
    "      --source-address HOST[:PORT]  HTTPConnection(source_address=(HOST, PORT)):\n"
    "                       bind there before connecting; [v6] hosts allowed; no\n"
    "                       PORT (or 0): any (2.7, 3.2+)\n"
    "      --read-cap N     each read from the socket (over TLS: each SSL_read) takes\n"
    "                       at most N bytes, as if TCP cut the reply that finely;\n"
    "                       0 to 1048576, 0 (the default): no cap\n"
    "  -v, --verbose        debug output as set_debuglevel(1) prints it\n"
    "      --json           print exactly one JSON object: the outcome\n"
    "      --cacert FILE    trust the CAs in FILE (PEM) instead of the system's\n"
    "      --cert FILE      client certificate (PEM); --key FILE its key if apart\n"
    "      --insecure       HTTPS without verifying the server: UNSAFE, warns\n"
    "                       (py27 and py27-strict never verify, as httplib 2.x)\n"
    "      --verify         verify the server even under py27 and py27-strict\n"
    "      --proxy H:P      CONNECT through the proxy H:P (set_tunnel), then the URL\n"
    "      --proxy-header 'N: v'  a header of the CONNECT request (repeatable; a CR or\n"
    "                       LF in it is refused: ValueError)\n"
    "      --before 'METHOD TARGET'  first make this request on the same connection\n"
    "                       and read its response to the end (repeatable, in order);\n"
    "                       --before-header 'N: v' and --before-data-file PATH after\n"
    "                       it give its headers and body\n"
    "  -h, --help           this text\n"
    "      --version        the version\n"
    "\n"
    "Exit status: 0 when a response was read, 1 on an error (its Python exception\n"
    "class is printed), 2 on a usage error.\n";

/* A request made before the one judged, on the same connection, and read to
 * its end (--before; adapters/PROTOCOL.md). */
typedef struct before_req {
    const char *method, *target, *data_file;
    httpc_kv headers[16];
    size_t nheaders;
} before_req;

typedef struct opts {
    const char *url, *method, *data, *data_file, *output;
    const char *chunks[MAX_DATA_CHUNKS]; /* --data-chunk: an iterable body */
    size_t nchunks;
    int encode_chunked; /* --encode-chunked */
    int data_fileobj;   /* --data-fileobj: data_file is sent as a file object */
    const char *source; /* --source-address as given */
    long readinto;      /* --readinto N: the buffer's size, 0 for none */
    const char *target; /* --target: the request target verbatim, not the URL's path */
    before_req before[16];
    size_t nbefore;
    const httpc_profile *profile;
    int timeout_ms, verbose, json;
    long read_size;
    long read_cap; /* --read-cap: httpc_conn_opts.read_cap (0: none) */
    httpc_kv headers[MAX_HEADERS_ARGS];
    size_t nheaders;
    const char *cacert, *cert, *key, *proxy; /* HTTPS and set_tunnel */
    int insecure, verify;
    int strict; /* --strict: HTTPConnection(strict=True) */
    httpc_kv proxy_headers[32];
    size_t nproxy_headers;
} opts;

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fprintf(stderr, "httpc: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'httpc --help'.\n");
    va_end(ap);
    return 2;
}

static int parse_long(const char *s, long *out)
{
    char *end;
    errno = 0;
    *out = strtol(s, &end, 10);
    return errno == 0 && end != s && *end == '\0';
}

/* The 'Name: value' of option `opt` (-H, --proxy-header, --before-header)
 * added to list[*n], which has room for `cap`: the colon ends the name, the
 * value starts past spaces and tabs. 0, or 2 after a usage error. */
static int add_kv(const char *opt, char *arg, httpc_kv *list, size_t *n, size_t cap)
{
    char *colon = strchr(arg, ':'), *v;

    if (colon == NULL || colon == arg)
        return usage_error("%s wants 'Name: value', got '%s'", opt, arg);
    if (*n == cap)
        return usage_error("too many %s options (the limit is %zu)", opt, cap);
    *colon = '\0';
    for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
        ;
    list[(*n)++] = (httpc_kv){arg, v};
    return 0;
}

/* --before, --before-header, --before-data-file. */
static int add_before(opts *o, const char *opt, char *arg)
{
    before_req *b = o->nbefore ? &o->before[o->nbefore - 1] : NULL;
    if (!strcmp(opt, "--before")) {
        char *sp = strchr(arg, ' ');
        if (sp == NULL || sp == arg || sp[1] == '\0')
            return usage_error("--before wants 'METHOD TARGET', got '%s'", arg);
        if (o->nbefore == 16)
            return usage_error("too many --before options (the limit is %s)", "16");
        *sp = '\0';
        o->before[o->nbefore++] = (before_req){.method = arg, .target = sp + 1};
        return 0;
    }
    if (b == NULL)
        return usage_error("%s comes after a --before", opt);
    if (!strcmp(opt, "--before-data-file")) {
        b->data_file = arg;
        return 0;
    }
    return add_kv(opt, arg, b->headers, &b->nheaders, sizeof b->headers / sizeof b->headers[0]);
}

/* The message for an unknown --profile, listing the built-ins. */
static int unknown_profile(const char *name)
{
    char names[400] = "";

    for (size_t i = 0, n = 0; i < httpc_profile_count() && n < sizeof names; i++)
        n += (size_t)snprintf(names + n, sizeof names - n, "%s%s", i ? ", " : "",
                              httpc_profile_get((httpc_profile_id)i)->name);
    fprintf(stderr, "httpc: unknown profile '%s' (%s)\nTry 'httpc --help'.\n", name, names);
    return 2;
}

/* --strict: the profile's strict=True variant, where its version has one. */
static int apply_strict(opts *o)
{
    const httpc_profile *s = httpc_profile_with_strict(o->profile);

    if (s == NULL)
        return usage_error("--strict: profile %s has no strict argument (removed in 3.4)",
                           o->profile->name);
    o->profile = s;
    return 0;
}

/* Returns 0, or the exit status when the program should stop. */
static int parse_args(int argc, char **argv, opts *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = 1, rc = 0;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            return -1;
        } else if (!strcmp(a, "--version")) {
            printf("httpc %s\n", HTTPC_VERSION_STRING);
            return -1;
        } else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            o->verbose = 1, takes = 0;
        } else if (!strcmp(a, "--json")) {
            o->json = 1, takes = 0;
        } else if (!strcmp(a, "--insecure")) {
            o->insecure = 1, takes = 0;
        } else if (!strcmp(a, "--strict")) {
            o->strict = 1, takes = 0;
        } else if (!strcmp(a, "--verify")) {
            o->verify = 1, takes = 0;
        } else if (!strcmp(a, "--encode-chunked")) {
            o->encode_chunked = 1, takes = 0;
        } else if (a[0] != '-' || !strcmp(a, "-")) {
            if (o->url)
                return usage_error("more than one URL: '%s'", a);
            o->url = a, takes = 0;
        } else if (next == NULL) {
            return usage_error("option '%s' needs a value", a);
        } else if (!strcmp(a, "-X") || !strcmp(a, "--request")) {
            o->method = next;
        } else if (!strcmp(a, "-H") || !strcmp(a, "--header")) {
            rc = add_kv("-H", argv[i + 1], o->headers, &o->nheaders, MAX_HEADERS_ARGS);
        } else if (!strcmp(a, "-d") || !strcmp(a, "--data")) {
            o->data = next;
        } else if (!strcmp(a, "--target")) {
            o->target = next;
        } else if (!strcmp(a, "--data-file")) {
            o->data_file = next;
        } else if (!strcmp(a, "--data-fileobj")) {
            o->data_file = next, o->data_fileobj = 1;
        } else if (!strcmp(a, "--data-chunk")) {
            if (o->nchunks == MAX_DATA_CHUNKS)
                return usage_error("too many --data-chunk options (the limit is %s)", "256");
            o->chunks[o->nchunks++] = next;
        } else if (!strcmp(a, "--source-address")) {
            o->source = next;
        } else if (!strcmp(a, "--cacert")) {
            o->cacert = next;
        } else if (!strcmp(a, "--cert")) {
            o->cert = next;
        } else if (!strcmp(a, "--key")) {
            o->key = next;
        } else if (!strcmp(a, "--proxy")) {
            o->proxy = next;
        } else if (!strcmp(a, "--proxy-header")) {
            rc = add_kv(a, argv[i + 1], o->proxy_headers, &o->nproxy_headers,
                        sizeof o->proxy_headers / sizeof o->proxy_headers[0]);
        } else if (!strncmp(a, "--before", 8)) {
            if (strcmp(a, "--before") && strcmp(a, "--before-header") &&
                strcmp(a, "--before-data-file"))
                return usage_error("unknown option '%s'", a);
            rc = add_before(o, a, argv[i + 1]);
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            o->output = next;
        } else if (!strcmp(a, "--profile")) {
            if ((o->profile = httpc_profile_by_name(next)) == NULL)
                return unknown_profile(next);
        } else if (!strcmp(a, "--timeout")) {
            char *end;
            double s = strtod(next, &end);
            if (end == next || *end || !isfinite(s) || s < 0 || s > 86400)
                return usage_error("--timeout wants seconds from 0 to 86400, got '%s'", next);
            o->timeout_ms = (int)(s * 1000 + 0.5);
        } else if (!strcmp(a, "--read-size")) {
            if (!parse_long(next, &o->read_size) || o->read_size <= 0 ||
                o->read_size > 64 * 1024 * 1024)
                return usage_error("--read-size wants a count from 1 to 67108864, got '%s'", next);
        } else if (!strcmp(a, "--read-cap")) {
            if (!parse_long(next, &o->read_cap) || o->read_cap < 0 || o->read_cap > 1024 * 1024)
                return usage_error("--read-cap wants a count from 0 to 1048576, got '%s'", next);
        } else if (!strcmp(a, "--readinto")) {
            if (!parse_long(next, &o->readinto) || o->readinto <= 0 ||
                o->readinto > 64 * 1024 * 1024)
                return usage_error("--readinto wants a size from 1 to 67108864, got '%s'", next);
        } else {
            return usage_error("unknown option '%s'", a);
        }
        if (rc)
            return rc;
        i += takes;
    }
    if (o->url == NULL)
        return usage_error("%s", "no URL given");
    if ((o->data != NULL) + (o->data_file != NULL) + (o->nchunks > 0) > 1)
        return usage_error("%s", "-d, --data-file and --data-chunk exclude each other");
    if (o->read_size && o->readinto)
        return usage_error("%s", "--read-size and --readinto exclude each other");
    return 0;
}

/* The options a profile's http.client lacks are refused, naming the version
 * that added them; an iterable body is not: it is sent as that version sends
 * one (TypeError included). Returns 0 or the exit status 2. */
static int check_profile_options(const opts *o)
{
    const char *name = o->profile->name;

    if (o->encode_chunked && !o->profile->chunked_requests)
        return usage_error("--encode-chunked: profile %s has no encode_chunked argument "
                           "(request() takes it from 3.6)",
                           name);
    if (o->readinto && !o->profile->has_readinto)
        return usage_error("--readinto: profile %s's HTTPResponse has no readinto() "
                           "(added in 3.3)",
                           name);
    if (o->source && !o->profile->has_source_address)
        return usage_error("--source-address: profile %s's HTTPConnection has no "
                           "source_address (added in 2.7 and 3.2)",
                           name);
    return 0;
}

/* http[s]://host[:port][/path][?query][#fragment] -> the host part and the
 * request target (both allocated). As urlsplit, the fragment ends the URL
 * (a '?' after the '#' is part of it) and is not sent; "http://h?q" asks
 * for "/?q". */
static int split_url(const char *url, char **hostport, char **target, int *https)
{
    const char *p;
    size_t end;

    *https = strncasecmp(url, "https://", 8) == 0;
    if (strncasecmp(url, "http://", 7) != 0 && !*https)
        return usage_error("'%s' is not an http:// or https:// URL", url);
    url += *https ? 8 : 7;
    end = strcspn(url, "#");
    p = url + strcspn(url, "/?#");
    if (p == url)
        return usage_error("'%s' has no host", url);
    *hostport = strndup(url, (size_t)(p - url));
    *target = malloc(end - (size_t)(p - url) + 2);
    if (*hostport == NULL || *target == NULL) {
        free(*hostport);
        free(*target);
        fprintf(stderr, "httpc: out of memory\n");
        return 1;
    }
    snprintf(*target, end - (size_t)(p - url) + 2, "%s%.*s", *p == '/' ? "" : "/",
             (int)(end - (size_t)(p - url)), p);
    return 0;
}

/* A file body: the bytes read (BUFFER), or the open file (FD). */
typedef struct body_file {
    char *data;
    int fd;
} body_file;

/* Reads fd to its end into *data, at most `limit` bytes: 0, -1 with errno
 * set, or 1 when there is more than `limit`. */
static int read_all(int fd, size_t limit, char **data, size_t *len)
{
    size_t cap = 0;

    *data = NULL, *len = 0;
    for (;;) {
        if (*len == cap) {
            char *p = realloc(*data, cap = cap ? cap * 2 : 65536);
            if (p == NULL)
                return -1;
            *data = p;
        }
        ssize_t n = read(fd, *data + *len, cap - *len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            return 0;
        if ((*len += (size_t)n) > limit)
            return 1;
    }
}

/* --data-file and --before-data-file. A regular file is `body = f.read()`,
 * bytes with a Content-Length, as the CPython adapter sends it; its size
 * bounds the read. Anything else (a pipe, /dev/zero) has no size and need
 * not end: py3 and strict send a file object chunked (CPython 3.6+), so it
 * is streamed; py27 would send fstat()'s 0 as its Content-Length, so it is
 * read as bytes up to DATA_FILE_CAP. Returns 0, or -1 with `why` set. */
static int load_body(const char *path, const httpc_profile *p, int fileobj, httpc_body *body,
                     body_file *bf, char *why, size_t cap)
{
    struct stat st;
    int rc;

    bf->data = NULL;
    if ((bf->fd = open(path, O_RDONLY)) < 0 || fstat(bf->fd, &st) < 0) {
        snprintf(why, cap, "cannot read '%s': %s", path, strerror(errno));
        return -1;
    }
    if (fileobj || (!S_ISREG(st.st_mode) && p->body_framing == HTTPC_FRAMING_CHUNKED)) {
        *body = (httpc_body){.kind = HTTPC_BODY_FD, .fd = bf->fd};
        return 0;
    }
    rc = read_all(bf->fd, S_ISREG(st.st_mode) ? SIZE_MAX : DATA_FILE_CAP, &bf->data, &body->len);
    if (rc < 0)
        snprintf(why, cap, "cannot read '%s': %s", path, strerror(errno));
    else if (rc > 0)
        snprintf(why, cap,
                 "'%s' is not a regular file and gives more than %d bytes (the cap "
                 "of a body read whole)",
                 path, DATA_FILE_CAP);
    close(bf->fd);
    bf->fd = -1;
    body->kind = HTTPC_BODY_BUFFER;
    body->data = bf->data;
    return rc == 0 ? 0 : -1;
}

static void body_file_free(body_file *bf)
{
    if (bf->fd >= 0)
        close(bf->fd);
    free(bf->data);
}

/* --data-chunk: the pieces of a generator, in order. */
typedef struct chunk_iter {
    const char *const *chunks;
    size_t n, next;
} chunk_iter;

static int next_chunk(void *ctx, const void **chunk, size_t *len)
{
    chunk_iter *it = ctx;

    if (it->next == it->n)
        return 0;
    *chunk = it->chunks[it->next];
    *len = strlen(it->chunks[it->next++]);
    return 1;
}

/* One earlier request on the same connection, read to its end and dropped,
 * as httpc-conform's in-process runs do (the recorder's --before). */
static int request_before(httpc_conn *c, const opts *o, size_t i, httpc_record *rec)
{
    const before_req *b = &o->before[i];
    httpc_body body = {0};
    body_file bf = {.fd = -1};
    char why[400];

    if (b->data_file && load_body(b->data_file, o->profile, 0, &body, &bf, why, sizeof why) < 0) {
        body_file_free(&bf);
        snprintf(rec->detail, sizeof rec->detail, "request %zu of %zu: %s", i + 1, o->nbefore + 1,
                 why);
        return rec->err = HTTPC_E_OS_ERROR;
    }
    httpc_record_req q = {b->method, b->target, &body, b->headers, b->nheaders, 0};
    int rc = httpc_record_before(rec, c, &q, i + 1, o->nbefore + 1);
    body_file_free(&bf);
    return rc;
}

/* --proxy: the connection goes to the proxy, set_tunnel() to the URL's host.
 * CPython (3.11 too) sends tunnel headers unchecked, and so does the library
 * under the Python profiles; the command refuses a CR or LF in any of them
 * whatever the profile, since one would inject a line into the CONNECT. */
static int set_tunnel(httpc_conn *c, const opts *o, const char *hostport, char *why, size_t cap)
{
    const char *names[32], *values[32];

    for (size_t i = 0; i < o->nproxy_headers; i++) {
        names[i] = o->proxy_headers[i].name, values[i] = o->proxy_headers[i].value;
        if (strpbrk(names[i], "\r\n") || strpbrk(values[i], "\r\n")) {
            snprintf(why, cap,
                     "Invalid --proxy-header '%s': a CR or LF in it would add a "
                     "line to the CONNECT request",
                     names[i]);
            return HTTPC_E_VALUE_ERROR;
        }
    }
    int rc = httpc_conn_set_tunnel(c, hostport, -1, names, values, o->nproxy_headers);
    if (rc < 0)
        snprintf(why, cap, "%s", httpc_conn_errmsg(c));
    return rc;
}

/* --source-address HOST[:PORT], "[v6]" or "[v6]:PORT"; a bare address with
 * more than one colon is an IPv6 host without a port. The host is allocated
 * (NULL when empty: any). Returns 0 or the exit status 2. */
static int split_source(const char *arg, char **host, int *port)
{
    const char *colon = strrchr(arg, ':'), *h = arg, *hend;
    long n = 0;

    if (arg[0] == '[') {
        const char *rb = strchr(arg, ']');
        if (rb == NULL || (rb[1] != '\0' && rb[1] != ':'))
            return usage_error("--source-address wants HOST[:PORT], got '%s'", arg);
        h = arg + 1, hend = rb, colon = rb[1] ? rb + 1 : NULL;
    } else if (colon && strchr(arg, ':') != colon) {
        hend = arg + strlen(arg), colon = NULL;
    } else {
        hend = colon ? colon : arg + strlen(arg);
    }
    if (colon && (!parse_long(colon + 1, &n) || n < 0 || n > 65535))
        return usage_error("--source-address wants a port from 0 to 65535, got '%s'", arg);
    *host = hend > h ? strndup(h, (size_t)(hend - h)) : NULL;
    *port = (int)n;
    return 0;
}

/* HTTPConnection's and HTTPSConnection's arguments from the options. */
static void conn_options(const opts *o, httpc_conn_opts *co, httpc_tls_opts *tls)
{
    httpc_conn_opts_init(co);
    httpc_tls_opts_init(tls);
    tls->ca_file = o->cacert;
    tls->cert_file = o->cert;
    tls->key_file = o->key;
    if (o->verify)
        tls->verify = HTTPC_TLS_VERIFY_REQUIRED;
    if (o->insecure) {
        tls->verify = HTTPC_TLS_VERIFY_NONE_INSECURE;
        fprintf(stderr, "httpc: warning: --insecure: the server's certificate is not checked; "
                        "anyone on the path can read and change this exchange\n");
    }
    co->profile = o->profile;
    co->timeout_ms = o->timeout_ms;
    co->debuglevel = o->verbose;
    co->debug_stream = o->json ? stderr : stdout; /* --json keeps stdout for the outcome */
    co->read_cap = (size_t)o->read_cap;
}

/* What the request sends and needs: the parts a usage error found late (the
 * URL, --data-file, --source-address) stops before anything is sent. */
typedef struct plan {
    char *hostport, *target, *source_host;
    int https, source_port;
    httpc_body body;
    body_file bf;
    chunk_iter chunks;
} plan;

static void plan_free(plan *pl)
{
    body_file_free(&pl->bf);
    free(pl->hostport);
    free(pl->target);
    free(pl->source_host);
}

/* Returns 0, or the exit status (2: usage, 1: out of memory). */
static int make_plan(const opts *o, plan *pl)
{
    char why[400];
    int rc;

    *pl = (plan){.bf = {.fd = -1}};
    if ((rc = split_url(o->url, &pl->hostport, &pl->target, &pl->https)) != 0)
        return rc;
    if (o->target) {
        free(pl->target);
        if ((pl->target = strdup(o->target)) == NULL)
            return 1;
    }
    if (o->source && (rc = split_source(o->source, &pl->source_host, &pl->source_port)) != 0)
        return rc;
    if (o->data) {
        pl->body = (httpc_body){.kind = HTTPC_BODY_BUFFER, .data = o->data, .len = strlen(o->data)};
    } else if (o->nchunks) {
        pl->chunks = (chunk_iter){o->chunks, o->nchunks, 0};
        pl->body =
            (httpc_body){.kind = HTTPC_BODY_ITER, .iter = next_chunk, .iter_ctx = &pl->chunks};
    } else if (o->data_file && load_body(o->data_file, o->profile, o->data_fileobj, &pl->body,
                                         &pl->bf, why, sizeof why) < 0) {
        fprintf(stderr, "httpc: %s\n", why);
        return 2;
    }
    return 0;
}

/* The connection, any tunnel and earlier requests, then the judged request,
 * its outcome into `rec`. */
static void run(const opts *o, plan *pl, httpc_record *rec)
{
    httpc_conn_opts co;
    httpc_tls_opts tls;
    httpc_conn *c = NULL;
    httpc_record_how how = o->readinto    ? HTTPC_RECORD_READINTO
                           : o->read_size ? HTTPC_RECORD_READ_AMT
                                          : HTTPC_RECORD_READ;

    conn_options(o, &co, &tls);
    if (pl->https)
        co.tls = &tls;
    co.source_host = pl->source_host;
    co.source_port = pl->source_port;
    int rc = httpc_conn_new_detail(&c, o->proxy ? o->proxy : pl->hostport, -1, &co, rec->detail,
                                   sizeof rec->detail);
    if (rc == 0 && o->proxy)
        rc = set_tunnel(c, o, pl->hostport, rec->detail, sizeof rec->detail);
    if (rc < 0)
        rec->err = rc;
    for (size_t i = 0; rc == 0 && i < o->nbefore; i++)
        rc = request_before(c, o, i, rec);
    if (rc == 0) {
        const char *method = o->method ? o->method : pl->body.kind ? "POST" : "GET";
        httpc_record_req q = {method,     pl->target,  &pl->body,
                              o->headers, o->nheaders, o->encode_chunked};
        httpc_record_exchange(rec, c, &q, how, (size_t)(o->readinto ? o->readinto : o->read_size));
    }
    httpc_record_finish(rec, c);
    httpc_conn_free(c);
}

static void print_json(FILE *f, const opts *o, const httpc_record *rec)
{
    httpc_resp *r = rec->resp;

    fputs("{\"error\": ", f);
    if (rec->err < 0)
        httpc_json_latin1(f, httpc_err_name(rec->err), strlen(httpc_err_name(rec->err)),
                          HTTPC_JSON_UTF8);
    else
        fputs("null", f);
    fputs(", \"detail\": ", f);
    httpc_json_latin1(f, rec->detail, strlen(rec->detail), HTTPC_JSON_UTF8);
    if (r) {
        fprintf(f, ", \"status\": %d, \"reason\": ", httpc_resp_status(r));
        httpc_span reason = httpc_resp_reason_span(r);
        httpc_json_latin1(f, reason.ptr, reason.len, HTTPC_JSON_UTF8);
        fprintf(f, ", \"version\": %d, \"headers\": ", httpc_resp_version(r));
        httpc_json_headers(f, r, o->profile && o->profile->header_mode == HTTPC_HEADERS_PY27,
                           HTTPC_JSON_UTF8);
        fprintf(f, ", \"body_len\": %llu, \"body_sha256\": \"%s\", \"body_b64\": ",
                (unsigned long long)rec->body_len, rec->body_sha256);
        if (rec->body_len > 0 && rec->body == NULL)
            fputs("null", f);
        else
            httpc_json_base64(f, rec->body ? rec->body : (const unsigned char *)"", rec->body_len);
    } else {
        fputs(", \"status\": null, \"reason\": null, \"version\": null, \"headers\": null, "
              "\"body_len\": null, \"body_sha256\": null, \"body_b64\": null",
              f);
    }
    if (rec->err == HTTPC_E_INCOMPLETE_READ && r) {
        fprintf(f, ", \"partial_len\": %lld, \"expected_more\": ", (long long)rec->partial);
        if (rec->expected < 0)
            fputs("null", f);
        else
            fprintf(f, "%lld", (long long)rec->expected);
    } else {
        fputs(", \"partial_len\": null, \"expected_more\": null", f);
    }
    if (rec->conn_kept >= 0)
        fprintf(f, ", \"connection\": \"%s\"", rec->conn_kept ? "kept" : "closed");
    else
        fputs(", \"connection\": null", f);
    if (r)
        fprintf(f, ", \"will_close\": %s}\n", httpc_resp_will_close(r) ? "true" : "false");
    else
        fputs(", \"will_close\": null}\n", f);
}

/* The status line to stderr, the reason whole (it may hold any byte). */
static void print_status(httpc_resp *r)
{
    int v = httpc_resp_version(r);
    httpc_span reason = httpc_resp_reason_span(r);

    fprintf(stderr, "HTTP/%s %d ", v == 11 ? "1.1" : v == 10 ? "1.0" : "0.9", httpc_resp_status(r));
    fwrite(reason.ptr, 1, reason.len, stderr);
    fputc('\n', stderr);
}

/* Flushes and closes (stdout: flushes) the stream the output went to; a
 * full disk or /dev/full shows only here. Returns 0, or 1 after saying so. */
static int finish_output(FILE *f, const char *name, int write_errno)
{
    int rc = f == stdout ? fflush(f) : fclose(f);

    if (rc == 0 && write_errno == 0)
        return 0;
    fprintf(stderr, "httpc: cannot write '%s': %s\n", name,
            strerror(write_errno ? write_errno : errno));
    return 1;
}

/* Where the body goes: stdout, -o FILE, or nowhere (--json: stdout keeps the
 * one JSON object). NULL with *rc set when -o cannot be opened. */
static FILE *body_stream(const opts *o, int *rc)
{
    FILE *out = NULL;

    if (o->json) {
        return NULL;
    } else if (o->output) {
        if ((out = fopen(o->output, "wb")) == NULL) {
            fprintf(stderr, "httpc: cannot write '%s': %s\n", o->output, strerror(errno));
            *rc = 2;
        }
    } else {
        out = stdout;
    }
    return out;
}

/* The outcome in words on stderr (the body went to stdout or -o). */
static void print_plain(const opts *o, const httpc_record *rec)
{
    if (rec->resp)
        print_status(rec->resp);
    if (rec->err < 0)
        fprintf(stderr, "httpc: %s: %s\n", httpc_err_name(rec->err), rec->detail);
    if (rec->err == HTTPC_E_TYPE_ERROR && o->nchunks && !o->profile->iter_body)
        fprintf(stderr,
                "httpc: note: profile %s sends no iterable body (http.client takes "
                "one from 3.2)\n",
                o->profile->name);
}

int main(int argc, char **argv)
{
    opts o = {.timeout_ms = -1};
    httpc_record rec;
    plan pl;
    FILE *body_out;
    int rc = parse_args(argc, argv, &o), write_failed;

    if (rc != 0)
        return rc < 0 ? 0 : rc;
    if (o.profile == NULL)
        o.profile = httpc_profile_get(HTTPC_PROFILE_PY3);
    if (o.strict && (rc = apply_strict(&o)) != 0)
        return rc;
    if ((rc = check_profile_options(&o)) != 0)
        return rc;
    if ((rc = make_plan(&o, &pl)) != 0) { /* a usage error found late: nothing sent */
        plan_free(&pl);
        return rc;
    }
    if ((body_out = body_stream(&o, &rc)) == NULL && rc) {
        plan_free(&pl);
        return rc;
    }
    if (httpc_record_init(&rec, body_out) < 0) {
        fprintf(stderr, "httpc: out of memory\n");
        httpc_record_free(&rec);
        plan_free(&pl);
        return 1;
    }
    run(&o, &pl, &rec);
    if (o.json) {
        print_json(stdout, &o, &rec);
        write_failed = finish_output(stdout, "<stdout>", 0);
    } else {
        print_plain(&o, &rec);
        write_failed = finish_output(body_out, o.output ? o.output : "<stdout>", rec.copy_errno);
    }
    rc = rec.err < 0 || write_failed ? 1 : 0;
    httpc_record_free(&rec);
    plan_free(&pl);
    return rc;
}
