/* SPDX-License-Identifier: MIT */
/* The C adapters' shared options parser and outcome printer (adapter.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strndup, memrchr */
#endif
#include "adapter.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static unsigned char *load(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *p = NULL;
    size_t cap = 0, n;
    *len = 0;
    if (f == NULL)
        return calloc(1, 1);
    do {
        if (*len + 65536 > cap && (p = realloc(p, cap = 2 * cap + 65536)) == NULL)
            break;
        n = fread(p + *len, 1, 65536, f);
        *len += n;
    } while (n > 0);
    fclose(f);
    return p ? p : calloc(1, 1);
}

static void add_str(const char ***list, size_t *n, const char *s)
{
    *list = realloc(*list, (*n + 1) * sizeof **list);
    (*list)[(*n)++] = s;
}

int adapter_parse(int argc, char **argv, adapter_opts *o)
{
    memset(o, 0, sizeof *o);
    o->reqs = calloc((size_t)argc + 1, sizeof *o->reqs);
    o->timeout = 10;
    o->url = "";
    o->reqs[0].method = "GET";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : "";
        adapter_req *cur = &o->reqs[o->n], *prev = o->n ? &o->reqs[o->n - 1] : cur;
        if (!strcmp(a, "--insecure") || !strcmp(a, "--verify")) {
            o->insecure |= a[2] == 'i';
            continue;
        }
        i++;
        if (!strcmp(a, "--before")) {
            const char *sp = strchr(v, ' ');
            cur->method = strndup(v, sp ? (size_t)(sp - v) : strlen(v));
            cur->target = sp ? sp + 1 : "/";
            o->reqs[++o->n].method = "GET";
        } else if (!strcmp(a, "--before-header"))
            add_str(&prev->headers, &prev->nheaders, v);
        else if (!strcmp(a, "--before-data-file"))
            prev->data = load(v, &prev->data_len);
        else if (!strcmp(a, "-X"))
            cur->method = v;
        else if (!strcmp(a, "-H"))
            add_str(&cur->headers, &cur->nheaders, v);
        else if (!strcmp(a, "--data-file"))
            cur->data = load(v, &cur->data_len);
        else if (!strcmp(a, "--timeout"))
            o->timeout = atof(v);
        else if (!strcmp(a, "--cacert"))
            o->cacert = v;
        else if (!strcmp(a, "--proxy"))
            o->proxy = v;
        else if (!strcmp(a, "--proxy-header"))
            add_str(&o->proxy_headers, &o->nproxy_headers, v);
        else if (!strcmp(a, "--json"))
            o->url = v;
        else if (!strcmp(a, "--target")) /* sent verbatim (absolute-form, "*") */
            o->raw_target = v;
        else
            return fprintf(stderr, "adapter: unknown option %s\n", a), -1;
    }
    const char *sep = strstr(o->url, "://");
    if (sep == NULL)
        return fprintf(stderr, "adapter: --json URL missing\n"), -1;
    snprintf(o->scheme, sizeof o->scheme, "%.*s", (int)(sep - o->url), o->url);
    o->https = !strcmp(o->scheme, "https");
    const char *hp = sep + 3, *path = strchr(hp, '/');
    size_t hplen = path ? (size_t)(path - hp) : strlen(hp);
    const char *colon = memrchr(hp, ':', hplen);
    snprintf(o->host, sizeof o->host, "%.*s", (int)(colon ? colon - hp : (long)hplen), hp);
    o->port = colon ? atoi(colon + 1) : o->https ? 443 : 80;
    snprintf(o->origin, sizeof o->origin, "%s://%s:%d", o->scheme, o->host, o->port);
    o->reqs[o->n].target = o->raw_target ? o->raw_target : path ? path : "/";
    o->n++;
    return 0;
}

size_t adapter_header_split(const char *h, const char **value)
{
    const char *c = strchr(h, ':');
    if (c == NULL)
        return *value = h + strlen(h), strlen(h);
    for (*value = c + 1; **value == ' ' || **value == '\t'; (*value)++)
        ;
    return (size_t)(c - h);
}

unsigned char *adapter_unchunk(const adapter_req *q, size_t *len)
{
    int chunked = 0;
    for (size_t i = 0; i < q->nheaders; i++) {
        const char *v;
        size_t nl = adapter_header_split(q->headers[i], &v);
        chunked |= nl == 17 && !strncasecmp(q->headers[i], "Transfer-Encoding", 17) &&
                   !strcasecmp(v, "chunked");
    }
    if (!chunked || q->data == NULL)
        return NULL;
    unsigned char *out = malloc(q->data_len + 1);
    const char *p = (const char *)q->data, *end = p + q->data_len;
    *len = 0;
    while (p < end) {
        char *e;
        unsigned long n = strtoul(p, &e, 16);
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (e == p || eol == NULL || (size_t)(end - eol - 1) < n)
            return free(out), NULL;
        if (n == 0)
            return out;
        memcpy(out + *len, eol + 1, n);
        *len += n;
        p = eol + 1 + n + 2; /* the data's CRLF */
    }
    return free(out), NULL;
}

void adapter_out_init(adapter_out *out)
{
    memset(out, 0, sizeof *out);
    out->partial_len = out->expected_more = -1;
    out->will_close = -1;
}

void adapter_head_reset(adapter_out *out)
{
    for (size_t i = 0; i < out->nheaders; i++)
        free(out->names[i]), free(out->values[i]);
    free(out->reason);
    out->reason = NULL;
    out->reason_len = 0;
    out->nheaders = 0;
    out->have_head = 0;
    out->body_len = 0;
}

static char *dup_bytes(const char *p, size_t len)
{
    char *q = malloc(len + 1);
    if (q != NULL) {
        memcpy(q, p, len);
        q[len] = '\0';
    }
    return q;
}

void adapter_add_header(adapter_out *out, const char *name, size_t nlen, const char *value,
                        size_t vlen)
{
    size_t n = out->nheaders + 1;
    out->names = realloc(out->names, n * sizeof *out->names);
    out->values = realloc(out->values, n * sizeof *out->values);
    out->name_lens = realloc(out->name_lens, n * sizeof *out->name_lens);
    out->value_lens = realloc(out->value_lens, n * sizeof *out->value_lens);
    out->names[n - 1] = dup_bytes(name, nlen); /* the lengths count NUL bytes too */
    out->values[n - 1] = dup_bytes(value, vlen);
    out->name_lens[n - 1] = nlen;
    out->value_lens[n - 1] = vlen;
    out->nheaders = n;
}

void adapter_add_body(adapter_out *out, const void *p, size_t len)
{
    if (out->body_len + len > out->body_cap) {
        size_t cap = 2 * out->body_cap + len + 4096;
        unsigned char *q = realloc(out->body, cap);
        if (q == NULL)
            return;
        out->body = q;
        out->body_cap = cap;
    }
    memcpy(out->body + out->body_len, p, len);
    out->body_len += len;
}

void adapter_fail(adapter_out *out, const char *cls, const char *native, size_t step, size_t n,
                  const char *message)
{
    out->error = cls;
    snprintf(out->native, sizeof out->native, "%s", native);
    if (step + 1 < n)
        snprintf(out->detail, sizeof out->detail, "request %zu of %zu: %s", step + 1, n, message);
    else
        snprintf(out->detail, sizeof out->detail, "%s", message);
}

/* A JSON string whose code points are the bytes (ISO-8859-1), as the protocol asks. */
static void json_str(const char *s, size_t len)
{
    putchar('"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void print_body(const adapter_out *out)
{
    unsigned char md[32];
    unsigned int mdlen = 0;
    const unsigned char *b = out->body ? out->body : (const unsigned char *)"";
    EVP_Digest(b, out->body_len, md, &mdlen, EVP_sha256(), NULL);
    printf(", \"body_len\": %zu, \"body_sha256\": \"", out->body_len);
    for (unsigned i = 0; i < mdlen; i++)
        printf("%02x", md[i]);
    putchar('"');
    if (out->body_len <= (1u << 20)) {
        unsigned char *enc = malloc(4 * ((out->body_len + 2) / 3) + 1);
        EVP_EncodeBlock(enc, b, (int)out->body_len);
        printf(", \"body_b64\": \"%s\"", enc);
        free(enc);
    }
}

void adapter_print(const adapter_out *out)
{
    fputs("{\"error\": ", stdout);
    if (out->error)
        json_str(out->error, strlen(out->error));
    else
        fputs("null", stdout);
    fputs(", \"detail\": ", stdout);
    json_str(out->detail, strlen(out->detail));
    if (out->native[0]) {
        fputs(", \"native_error\": ", stdout);
        json_str(out->native, strlen(out->native));
    }
    if (out->have_head) {
        printf(", \"status\": %d, \"version\": %d, \"reason\": ", out->status, out->version);
        if (out->reason)
            json_str(out->reason, out->reason_len ? out->reason_len : strlen(out->reason));
        else
            fputs("null", stdout);
        fputs(", \"headers\": [", stdout);
        for (size_t i = 0; i < out->nheaders; i++) {
            fputs(i ? ", [" : "[", stdout);
            json_str(out->names[i], out->name_lens[i]);
            fputs(", ", stdout);
            json_str(out->values[i], out->value_lens[i]);
            putchar(']');
        }
        putchar(']');
        print_body(out);
    }
    if (out->partial_len >= 0)
        printf(", \"partial_len\": %lld", out->partial_len);
    if (out->expected_more >= 0)
        printf(", \"expected_more\": %lld", out->expected_more);
    if (out->will_close >= 0)
        printf(", \"will_close\": %s", out->will_close ? "true" : "false");
    fputs(", \"connection\": ", stdout);
    if (out->connection)
        json_str(out->connection, strlen(out->connection));
    else
        fputs("null", stdout);
    fputs("}\n", stdout);
    fflush(stdout);
}
