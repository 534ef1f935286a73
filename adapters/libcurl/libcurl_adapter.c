/* SPDX-License-Identifier: MIT */
/* The libcurl adapter: makes the scenario's requests on one easy handle (so
 * libcurl reuses its connection) and prints the outcome object of
 * adapters/PROTOCOL.md, the CURLcode mapped onto adapters/TAXONOMY.md. */
#define _GNU_SOURCE /* strcasestr, strndup */
#include <curl/curl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct request {
    const char *method, *target, *data_file;
    struct curl_slist *headers;
} request;

typedef struct buf {
    char *p;
    size_t len;
} buf;

/* CURLcode -> taxonomy class; "?" means refine by the error text. */
static const struct {
    CURLcode code;
    const char *name, *cls;
} codes[] = {
    {CURLE_UNSUPPORTED_PROTOCOL, "CURLE_UNSUPPORTED_PROTOCOL", "BadStatusLine?"},
    {CURLE_COULDNT_CONNECT, "CURLE_COULDNT_CONNECT", "ConnectionRefusedError"},
    {CURLE_WEIRD_SERVER_REPLY, "CURLE_WEIRD_SERVER_REPLY", "HTTPException?"},
    {CURLE_PARTIAL_FILE, "CURLE_PARTIAL_FILE", "IncompleteRead"},
    {CURLE_OUT_OF_MEMORY, "CURLE_OUT_OF_MEMORY", "Unmapped"},
    {CURLE_OPERATION_TIMEDOUT, "CURLE_OPERATION_TIMEDOUT", "TimeoutError"},
    {CURLE_SSL_CONNECT_ERROR, "CURLE_SSL_CONNECT_ERROR", "SSLError?"},
    {CURLE_BAD_FUNCTION_ARGUMENT, "CURLE_BAD_FUNCTION_ARGUMENT", "Unmapped?"},
    {CURLE_GOT_NOTHING, "CURLE_GOT_NOTHING", "RemoteDisconnected"},
    {CURLE_SEND_ERROR, "CURLE_SEND_ERROR", "ConnectionError?"},
    {CURLE_RECV_ERROR, "CURLE_RECV_ERROR", "ConnectionError?"},
    {CURLE_PEER_FAILED_VERIFICATION, "CURLE_PEER_FAILED_VERIFICATION", "SSLCertVerificationError"},
    {CURLE_BAD_CONTENT_ENCODING, "CURLE_BAD_CONTENT_ENCODING", "Unmapped"},
};

/* The same refinements as the curl CLI adapter (adapters/TAXONOMY.md). */
static const char *const refine[][2] = {
    {"reset by peer", "ConnectionResetError"},
    {"broken pipe", "BrokenPipeError"},
    {"chunk", "IncompleteRead"},
    {"unsupported http version", "UnknownProtocol"},
    {"too large", "LineTooLong"},
    {"rejected", "LineTooLong"},
    {"unexpected eof", "SSLEOFError"},
    {"ssl_error_syscall", "SSLEOFError"},
    {"certificate", "SSLCertVerificationError"},
};

static void classify(CURLcode rc, const char *msg, const char **name, char *cls, size_t cap)
{
    *name = "CURLE_OTHER";
    snprintf(cls, cap, "Unmapped");
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (codes[i].code == rc)
            *name = codes[i].name, snprintf(cls, cap, "%s", codes[i].cls);
    size_t n = strlen(cls);
    if (n == 0 || cls[n - 1] != '?')
        return;
    cls[n - 1] = '\0';
    for (size_t i = 0; i < sizeof refine / sizeof refine[0]; i++)
        if (strcasestr(msg, refine[i][0])) {
            snprintf(cls, cap, "%s", refine[i][1]);
            return;
        }
}

static size_t sink(char *p, size_t size, size_t n, void *ctx)
{
    buf *b = ctx;
    char *q = realloc(b->p, b->len + size * n + 1);
    if (q == NULL)
        return 0;
    memcpy(q + b->len, p, size * n);
    b->p = q;
    b->len += size * n;
    return size * n;
}

/* A header callback: a status line starts a new head (1xx heads come first,
 * trailers come after and are not part of it). */
static size_t head_sink(char *p, size_t size, size_t n, void *ctx)
{
    buf *b = ctx;
    if (n * size >= 5 && !memcmp(p, "HTTP/", 5))
        b->len = 0;
    else if (b->len >= 2 && !memcmp(b->p + b->len - 2, "\n\n", 2))
        return n * size; /* trailers */
    if (n * size == 2 && !memcmp(p, "\r\n", 2))
        return sink("\n", 1, 1, b) ? n * size : 0;
    return sink(p, size, n, b);
}

static void json_str(const char *s, size_t len)
{
    putchar('"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            printf("\\u%04x", c); /* code point = byte (ISO-8859-1) */
        else
            putchar(c);
    }
    putchar('"');
}

static int load(const char *path, buf *b)
{
    FILE *f = fopen(path, "rb");
    char tmp[65536];
    size_t n;
    if (f == NULL)
        return -1;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        sink(tmp, 1, n, b);
    fclose(f);
    return 0;
}

/* Prints the head of the judged response: status, reason, version, headers. */
static void print_head(const buf *h, long *content_length)
{
    char *line = h->p, *end = h->p + h->len;
    char *eol = memchr(line, '\n', (size_t)(end - line));
    int major = 1, minor = 1, status = 0, off = 0;
    sscanf(line, "HTTP/%d.%d %d%n", &major, &minor, &status, &off);
    if (off && line + off < eol && line[off] == ' ')
        off++; /* the space before the reason (a " %n" would skip the newline too) */
    size_t rlen = off && line + off < eol ? (size_t)(eol - line - off) : 0;
    while (rlen && (line[off + rlen - 1] == '\r'))
        rlen--;
    printf(", \"status\": %d, \"version\": %d, \"reason\": ", status, major * 10 + minor);
    json_str(line + off, rlen);
    fputs(", \"headers\": [", stdout);
    int first = 1;
    for (line = eol + 1; line < end && (eol = memchr(line, '\n', (size_t)(end - line)));
         line = eol + 1) {
        char *colon = memchr(line, ':', (size_t)(eol - line));
        if (colon == NULL)
            continue;
        char *v = colon + 1, *ve = eol;
        while (v < ve && (*v == ' ' || *v == '\t'))
            v++;
        while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t'))
            ve--;
        if (!strncasecmp(line, "content-length:", 15))
            *content_length = strtol(v, NULL, 10);
        fputs(first ? "[" : ", [", stdout);
        first = 0;
        json_str(line, (size_t)(colon - line));
        fputs(", ", stdout);
        json_str(v, (size_t)(ve - v));
        putchar(']');
    }
    putchar(']');
}

static void print_body(const buf *b)
{
    unsigned char md[32];
    unsigned int mdlen = 0;
    EVP_Digest(b->p ? b->p : "", b->len, md, &mdlen, EVP_sha256(), NULL);
    printf(", \"body_len\": %zu, \"body_sha256\": \"", b->len);
    for (unsigned i = 0; i < mdlen; i++)
        printf("%02x", md[i]);
    putchar('"');
    if (b->len <= (1u << 20)) {
        unsigned char *enc = malloc(4 * ((b->len + 2) / 3) + 1);
        EVP_EncodeBlock(enc, (const unsigned char *)(b->p ? b->p : ""), (int)b->len);
        printf(", \"body_b64\": \"%s\"", enc);
        free(enc);
    }
}

static void setup(CURL *h, const request *q, const char *origin, double timeout, buf *data)
{
    static char url[8192];
    snprintf(url, sizeof url, "%s%s", origin, q->target);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)(timeout * 1000));
    /* CPython's timeout is per socket operation: libcurl's nearest is the
     * low-speed abort (whole seconds), with a total cap past it */
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, (long)(timeout < 1 ? 1 : timeout + 0.999));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(timeout * 2000 + 2000));
    curl_easy_setopt(h, CURLOPT_NOBODY, (long)!strcmp(q->method, "HEAD"));
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, strcmp(q->method, "HEAD") ? q->method : NULL);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, q->headers);
    data->len = 0;
    if (q->data_file && load(q->data_file, data) == 0) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)data->len);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, data->p ? data->p : "");
    } else {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
        if (strcmp(q->method, "HEAD"))
            curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, q->method);
        else
            curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    }
}

int main(int argc, char **argv)
{
    request *reqs = calloc((size_t)argc + 1, sizeof *reqs);
    size_t n = 0;
    double timeout = 10;
    const char *url = "", *cacert = NULL, *proxy = NULL;
    const char *target = NULL;
    int insecure = 0;
    struct curl_slist *proxy_headers = NULL;
    reqs[0].method = "GET";
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : "";
        if (!strcmp(o, "--insecure") || !strcmp(o, "--verify")) {
            insecure |= o[2] == 'i';
            continue;
        }
        i++;
        if (!strcmp(o, "--before")) {
            const char *sp = strchr(v, ' ');
            reqs[n].method = strndup(v, sp ? (size_t)(sp - v) : strlen(v));
            reqs[n++].target = sp ? sp + 1 : "/";
            reqs[n].method = "GET";
        } else if (!strcmp(o, "--before-header"))
            reqs[n - 1].headers = curl_slist_append(reqs[n - 1].headers, v);
        else if (!strcmp(o, "--before-data-file"))
            reqs[n - 1].data_file = v;
        else if (!strcmp(o, "-X"))
            reqs[n].method = v;
        else if (!strcmp(o, "-H"))
            reqs[n].headers = curl_slist_append(reqs[n].headers, v);
        else if (!strcmp(o, "--data-file"))
            reqs[n].data_file = v;
        else if (!strcmp(o, "--timeout"))
            timeout = atof(v);
        else if (!strcmp(o, "--cacert"))
            cacert = v;
        else if (!strcmp(o, "--proxy"))
            proxy = v;
        else if (!strcmp(o, "--proxy-header"))
            proxy_headers = curl_slist_append(proxy_headers, v);
        else if (!strcmp(o, "--json"))
            url = v;
        else if (!strcmp(o, "--target")) /* sent verbatim (absolute-form, "*") */
            target = v;
    }
    /* the origin and the judged request's target */
    const char *path = strchr(strstr(url, "//") ? strstr(url, "//") + 2 : url, '/');
    char origin[1024];
    snprintf(origin, sizeof origin, "%.*s", path ? (int)(path - url) : (int)strlen(url), url);
    reqs[n].target = path ? path : "/";
    for (size_t k = 0; k <= n; k++)
        if (reqs[k].data_file) /* libcurl's form type: CPython adds none */
            reqs[k].headers = curl_slist_append(reqs[k].headers, "Content-Type:");

    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *h = curl_easy_init();
    char errbuf[CURL_ERROR_SIZE] = "";
    buf head = {0}, body = {0}, data = {0};
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, head_sink);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &head);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
    if (cacert)
        curl_easy_setopt(h, CURLOPT_CAINFO, cacert);
    if (insecure) {
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (proxy) {
        curl_easy_setopt(h, CURLOPT_PROXY, proxy);
        curl_easy_setopt(h, CURLOPT_HTTPPROXYTUNNEL, 1L);
        curl_easy_setopt(h, CURLOPT_PROXYHEADER, proxy_headers);
    }
    if (target)
        curl_easy_setopt(h, CURLOPT_REQUEST_TARGET, target);
    CURLcode rc = CURLE_OK;
    size_t k = 0;
    for (; k <= n; k++) {
        head.len = body.len = 0;
        errbuf[0] = '\0';
        setup(h, &reqs[k], origin, timeout, &data);
        if ((rc = curl_easy_perform(h)) != CURLE_OK)
            break;
    }
    printf("{\"detail\": ");
    if (rc != CURLE_OK) {
        const char *name, *msg = errbuf[0] ? errbuf : curl_easy_strerror(rc);
        char cls[64], detail[CURL_ERROR_SIZE + 64], native[CURL_ERROR_SIZE + 64];
        classify(rc, msg, &name, cls, sizeof cls);
        if (k < n)
            snprintf(detail, sizeof detail, "request %zu of %zu: %s", k + 1, n + 1, msg);
        else
            snprintf(detail, sizeof detail, "%s", msg);
        snprintf(native, sizeof native, "%s (%d): %s", name, (int)rc, msg);
        json_str(detail, strlen(detail));
        printf(", \"error\": \"%s\", \"native_error\": ", cls);
        json_str(native, strlen(native));
    } else {
        printf("\"\", \"error\": null");
    }
    long cl = -1;
    if (k >= n && head.len > 5) {
        print_head(&head, &cl);
        print_body(&body);
        if (rc == CURLE_PARTIAL_FILE) {
            printf(", \"partial_len\": %zu", body.len);
            if (cl >= 0)
                printf(", \"expected_more\": %ld", cl - (long)body.len);
        }
    }
    /* the last transfer's socket, while libcurl keeps its connection */
    curl_socket_t sock = CURL_SOCKET_BAD;
    curl_easy_getinfo(h, CURLINFO_ACTIVESOCKET, &sock);
    const char *conn = sock != CURL_SOCKET_BAD ? "kept" : "closed";
    if (k >= n && head.len > 5 && rc == CURLE_OK)
        printf(", \"will_close\": %s", sock != CURL_SOCKET_BAD ? "false" : "true");
    printf(", \"connection\": \"%s\"}\n", conn);
    curl_easy_cleanup(h);
    curl_global_cleanup();
    return 0;
}
