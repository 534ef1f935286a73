/* SPDX-License-Identifier: MIT */
/* Fuzz target for the request side: host:port splitting, URL and netloc
 * validation (client/src/io/url.h) against models of CPython's rules, and a
 * request head built with putrequest / putheader / endheaders over the
 * in-memory transport. Whatever the client accepts must give a head with a
 * well-formed request line, the Host it should have and no line the caller did
 * not ask for: split at every CR, LF or CRLF (as the most lenient server
 * would), the head is the request line, then one line per header (or a
 * continuation starting with SP/HT), then one empty line, so a CR or LF in a
 * method, URL, host, name or value can never inject a header or end the head.
 * Input: fuzz_common.h's header; bytes 1-2: bit 0 skip_host, bit 1
 * skip_accept_encoding, bit 2 split values at 0x1f (several values per
 * header), bit 3 HTTP/1.0, bit 4 port -1 (taken from the host), else bits 5-15
 * the port (0: 80). The rest: NUL-separated host, method, URL, then up to 8
 * name, value pairs. */
#include "fuzz_common.h"
#include "conn_internal.h"
#include "url.h"

#define MAX_FIELDS (3 + 2 * 8)
#define MAX_VALUES 8

typedef struct fields {
    const char *f[MAX_FIELDS]; /* pointers into the input copy (NUL-terminated) */
    size_t n;
} fields;

/* The input copy gets a NUL at its end (fuzz_dup of len + 1 bytes) so every
 * field is a C string; each field then lives in its own exact-size copy. */
static void split_fields(const fuzz_input *in, char *text, fields *out)
{
    memcpy(text, in->buf, in->len);
    text[in->len] = '\0';
    out->n = 0;
    for (char *p = text; out->n < MAX_FIELDS;) {
        out->f[out->n++] = p;
        char *nul = memchr(p, '\0', (size_t)(text + in->len - p) + 1);
        if (nul == text + in->len)
            break;
        p = nul + 1;
    }
}

static const char *field(const fields *fs, size_t i)
{
    return i < fs->n ? fs->f[i] : "";
}

/* ---- url.h against models of CPython's code ----------------------------- */

/* _get_hostport(host, None): the port after the last ':' unless a ']' comes
 * later; "" gives the default port; then [brackets] come off. */
static void check_hostport(const char *host, const httpc_profile *p)
{
    char *out_host = NULL, detail[256];
    int port = -2;
    int rc = httpc__get_hostport(host, -1, 80, p, &out_host, &port, detail, sizeof detail);
    const char *colon = strrchr(host, ':'), *bracket = strrchr(host, ']');
    size_t hlen = strlen(host);
    int has_port = colon != NULL && (bracket == NULL || colon > bracket);

    if (has_port)
        hlen = (size_t)(colon - host);
    FUZZ_CHECK(rc == 0 || (has_port && colon[1] != '\0'),
               "get_hostport(\"%s\") failed (%d) without a port to parse", host, rc);
    if (rc < 0) {
        FUZZ_CHECK(out_host == NULL, "a host on failure");
        return;
    }
    FUZZ_CHECK((has_port && colon[1] != '\0') || port == 80, "\"%s\": port %d, not the default",
               host, port);
    const char *start = host;
    if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']')
        start++, hlen -= 2;
    FUZZ_CHECK(out_host != NULL && strlen(out_host) == hlen && memcmp(out_host, start, hlen) == 0,
               "get_hostport(\"%s\") gave host \"%s\"", host, out_host ? out_host : "(null)");
    free(out_host);
}

/* _contains_disallowed_url_pchar_re: [\x00-\x20\x7f] in 3.x, [\x00-\x20\x7f-\xff] in 2.7. */
static int disallowed_url_char(const char *s, int py27)
{
    for (const unsigned char *u = (const unsigned char *)s; *u; u++)
        if (*u <= 0x20 || *u == 0x7f || (py27 && *u >= 0x7f))
            return 1;
    return 0;
}

static void check_url_part(const char *s, const httpc_profile *p, httpc_profile_id id)
{
    char detail[256];
    int rc = httpc__validate_url_part(s, p, detail, sizeof detail);
    int bad = disallowed_url_char(s, p->py27);

    /* The strict profiles may refuse more; the CPython ones exactly this. */
    if (id == HTTPC_PROFILE_PY27 || id == HTTPC_PROFILE_PY3)
        FUZZ_CHECK((rc == 0) == !bad, "validate_url_part: rc %d, disallowed char: %d", rc, bad);
    else
        FUZZ_CHECK(rc < 0 || !bad, "validate_url_part accepted a disallowed char");
}

/* urlsplit: "Invalid IPv6 URL" for brackets that do not pair up. */
static void check_netloc(const char *url, const httpc_profile *p)
{
    char detail[256];
    httpc_span netloc = httpc__url_netloc(url);
    FUZZ_CHECK(fuzz_inside(netloc.ptr, netloc.len, url, strlen(url)), "netloc outside the URL");
    int rc = httpc__check_netloc(netloc, p, detail, sizeof detail);
    int open = netloc.len && memchr(netloc.ptr, '[', netloc.len) != NULL;
    int close = netloc.len && memchr(netloc.ptr, ']', netloc.len) != NULL;

    FUZZ_CHECK(open == close || rc < 0, "unbalanced brackets accepted in a netloc");
}

/* ---- the request head --------------------------------------------------- */

typedef struct request {
    const char *method, *url;
    int skip_host, skip_ae, http10;
    const char *names[2 + (MAX_FIELDS - 3) / 2]; /* Host, Accept-Encoding, the pairs */
    size_t nnames;
} request;

/* The next line of the head, ending at CR, LF or CRLF; NULL at the end. */
static const char *next_line(const char *p, const char *end, size_t *len)
{
    const char *q = p;

    if (p >= end)
        return NULL;
    while (q < end && *q != '\r' && *q != '\n')
        q++;
    *len = (size_t)(q - p);
    return q;
}

/* Past the line end at q: CRLF, CR or LF. */
static const char *skip_eol(const char *q, const char *end)
{
    if (q < end && *q == '\r')
        q++;
    else if (q < end && *q == '\n')
        return q + 1;
    return q < end && *q == '\n' ? q + 1 : q;
}

/* The Host value putrequest must send for the connection's host and port:
 * [brackets] around a host with ':' and then (3.x) its zone id (%...) cut
 * off, ":port" unless 80. */
static char *expected_host(httpc_conn *c, const httpc_profile *p)
{
    const char *host = httpc_conn_host(c);
    char *v = malloc(strlen(host) + 20);
    int v6 = strchr(host, ':') != NULL;

    FUZZ_CHECK(v != NULL, "out of memory");
    sprintf(v, v6 ? "[%s]" : "%s", host);
    char *pct = strchr(v, '%');
    if (!p->py27 && v6 && pct != NULL)
        strcpy(pct, "]"); /* _strip_ipv6_iface, applied to a bracketed host only */
    if (httpc_conn_port(c) != 80)
        sprintf(v + strlen(v), ":%d", httpc_conn_port(c));
    return v;
}

static void check_head(const char *head, size_t len, const request *rq, const char *host_value)
{
    const char *end = head + len, *eol;
    size_t n, want = 0;
    char line[64];

    FUZZ_CHECK(len >= 4 && memcmp(end - 4, "\r\n\r\n", 4) == 0, "head does not end in CRLFCRLF");
    FUZZ_CHECK(memchr(head, '\0', len) == NULL, "NUL in the head");
    size_t ml = strlen(rq->method), ul = strlen(rq->url);
    snprintf(line, sizeof line, " HTTP/1.%c\r\n", rq->http10 ? '0' : '1');
    FUZZ_CHECK(len >= ml + 1 + ul + strlen(line) && memcmp(head, rq->method, ml) == 0 &&
                   head[ml] == ' ' && memcmp(head + ml + 1, rq->url, ul) == 0 &&
                   memcmp(head + ml + 1 + ul, line, strlen(line)) == 0,
               "request line is not \"%s %s%.*s\"", rq->method, rq->url, (int)strlen(line) - 2,
               line);

    const char *p = head;
    eol = next_line(p, end, &n);
    p = skip_eol(eol, end);
    FUZZ_CHECK(n == ml + 1 + ul + strlen(line) - 2, "the request line has a CR or LF inside");
    for (; (eol = next_line(p, end, &n)) != NULL; p = skip_eol(eol, end)) {
        if (n == 0) {
            FUZZ_CHECK(skip_eol(eol, end) == end, "empty line before the end of the head");
            break;
        }
        if (p[0] == ' ' || p[0] == '\t')
            continue; /* a value's continuation ("\r\n\t".join(values) or obs-fold) */
        FUZZ_CHECK(want < rq->nnames, "header line %zu: \"%.*s\" was not put", want + 1, (int)n, p);
        const char *name = rq->names[want++];
        size_t nl = strlen(name);
        FUZZ_CHECK(n >= nl + 1 && memcmp(p, name, nl) == 0 && p[nl] == ':',
                   "header line \"%.*s\" is not field %s", (int)n, p, name);
        if (host_value != NULL && want == 1 && strcmp(name, "Host") == 0)
            FUZZ_CHECK(n == nl + 2 + strlen(host_value) &&
                           memcmp(p + nl + 2, host_value, n - nl - 2) == 0,
                       "Host: \"%.*s\", expected \"%s\"", (int)n, p, host_value);
    }
    FUZZ_CHECK(want == rq->nnames, "%zu header lines for %zu fields", want, rq->nnames);
}

/* Splits a value field at 0x1f into its own exact-size copies. */
static size_t split_values(const char *v, int split, char **out)
{
    size_t n = 0;

    while (n < MAX_VALUES - 1 && split && strchr(v, 0x1f) != NULL) {
        const char *us = strchr(v, 0x1f);
        out[n] = fuzz_dup(v, (size_t)(us - v) + 1);
        out[n++][us - v] = '\0';
        v = us + 1;
    }
    out[n++] = fuzz_dup(v, strlen(v) + 1);
    return n;
}

static void build_request(const fields *fs, const fuzz_input *in)
{
    httpc_conn_opts opts;
    httpc__transport *t;
    httpc_conn *c;
    request rq = {0};
    unsigned param = in->param;
    int port = (param & 16) ? -1 : (param >> 5 ? (int)(param >> 5) : 80);
    char *host = fuzz_dup(field(fs, 0), strlen(field(fs, 0)) + 1);

    httpc_conn_opts_init(&opts);
    opts.profile = &in->profile;
    opts.http_vsn = (param & 8) ? 10 : 11;
    FUZZ_CHECK(httpc__mem_transport("", 0, 0, &t) == 0, "mem transport");
    if (httpc__conn_new_transport(&c, host, port, &opts, t) < 0) {
        free(host);
        httpc__transport_unref(t);
        return;
    }
    free(host);
    rq.method = fuzz_dup(field(fs, 1), strlen(field(fs, 1)) + 1);
    /* putrequest sends "/" for an empty URL */
    const char *url = *field(fs, 2) ? field(fs, 2) : "/";
    rq.url = fuzz_dup(url, strlen(url) + 1);
    rq.skip_host = param & 1, rq.skip_ae = (param >> 1) & 1, rq.http10 = (param >> 3) & 1;
    char *host_value = rq.skip_host || rq.http10 ? NULL : expected_host(c, &in->profile);
    /* only the connection's host is modelled: an absolute URL's netloc is not */
    int netloc = strncmp(rq.url, "http", 4) == 0 && httpc__url_netloc(rq.url).len > 0;
    char *url_in = fuzz_dup(field(fs, 2), strlen(field(fs, 2)) + 1);
    int rc = httpc_conn_putrequest(c, rq.method, url_in, rq.skip_host, rq.skip_ae);
    free(url_in);
    if (!rq.http10 && !rq.skip_host)
        rq.names[rq.nnames++] = "Host";
    if (!rq.http10 && !rq.skip_ae)
        rq.names[rq.nnames++] = "Accept-Encoding";
    for (size_t i = 3; rc == 0 && i < fs->n; i += 2) {
        char *values[MAX_VALUES];
        size_t nv = split_values(field(fs, i + 1), param & 4, values);
        char *name = fuzz_dup(fs->f[i], strlen(fs->f[i]) + 1);
        rc = httpc_conn_putheader(c, name, (const char *const *)values, nv);
        rq.names[rq.nnames++] = fs->f[i];
        free(name);
        for (size_t k = 0; k < nv; k++)
            free(values[k]);
    }
    if (rc == 0)
        rc = httpc_conn_endheaders(c, NULL, 0);
    if (rc == 0) {
        size_t len;
        const char *sent = httpc__mem_sent(t, &len);
        /* 2.7 has no _validate_method: a CR or LF there goes out as CPython sends it */
        if (!(in->profile.py27 && strpbrk(rq.method, "\r\n") != NULL))
            check_head(sent, len, &rq, netloc ? NULL : host_value);
    }
    free(host_value);
    free((char *)rq.method);
    free((char *)rq.url);
    httpc_conn_free(c);
    httpc__transport_unref(t);
}

/* set_tunnel under strict checks its headers as putheader does (a
 * CR LF in one injected a line into the CONNECT request); the Python
 * profiles send them unchecked, as CPython does. */
static void check_tunnel_headers(const fields *fs, const httpc_profile *p)
{
    const char *names[8], *values[8];
    size_t n = 0;
    httpc_conn_opts opts;
    httpc_conn *c;

    if (!p->strict_rfc)
        return;
    for (size_t i = 3; i + 1 < fs->n && n < 8; i += 2, n++)
        names[n] = fs->f[i], values[n] = fs->f[i + 1];
    httpc_conn_opts_init(&opts);
    opts.profile = p;
    FUZZ_CHECK(httpc_conn_new(&c, "proxy:3128", -1, &opts) == 0, "conn_new");
    int rc = httpc_conn_set_tunnel(c, "target", 443, names, values, n);
    for (size_t i = 0; rc == 0 && i < n; i++)
        FUZZ_CHECK(httpc__valid_header_name(names[i], p) && httpc__valid_header_value(values[i]),
                   "strict set_tunnel accepted header %zu, which putheader refuses", i);
    httpc_conn_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input in;
    fields fs;

    if (!fuzz_input_init(&in, data, size))
        return 0;
    char *text = malloc(in.len + 1);
    FUZZ_CHECK(text != NULL, "out of memory");
    split_fields(&in, text, &fs);
    httpc_profile_id id = (httpc_profile_id)(data[0] % 4);

    char *host = fuzz_dup(field(&fs, 0), strlen(field(&fs, 0)) + 1);
    check_hostport(host, &in.profile);
    check_url_part(host, &in.profile, id);
    free(host);
    char *url = fuzz_dup(field(&fs, 2), strlen(field(&fs, 2)) + 1);
    check_url_part(url, &in.profile, id);
    check_netloc(url, &in.profile);
    free(url);

    build_request(&fs, &in);
    check_tunnel_headers(&fs, &in.profile);
    free(text);
    fuzz_input_free(&in);
    return 0;
}
