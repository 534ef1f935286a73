/* SPDX-License-Identifier: MIT */
/* HTTPConnection's host, URL and header checks, kept apart from the state
 * machine so each rule can be tested alone. */
#include "url.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

int httpc__get_hostport(const char *host, int port, int default_port, const httpc_profile *p,
                        char **out_host, int *out_port, char *detail, size_t cap)
{
    size_t len = strlen(host);
    const char *colon = strrchr(host, ':'), *bracket = strrchr(host, ']');

    if (port < 0) {
        port = default_port;
        if (colon != NULL && (bracket == NULL || colon > bracket)) {
            const char *ps = colon + 1;
            uint64_t v;
            int neg = 0;
            if (*ps != '\0') {
                if (httpc_py_int(ps, strlen(ps), 10, p, &v, &neg) < 0) {
                    httpc__detail(detail, cap, "nonnumeric port: '%s'", ps);
                    return HTTPC_E_INVALID_URL;
                }
                /* Python accepts any int here and fails later in connect(). */
                if (neg || v > 65535) {
                    httpc__detail(detail, cap, "port out of range: '%s'", ps);
                    return HTTPC_E_INVALID_URL;
                }
                port = (int)v;
            }
            len = (size_t)(colon - host);
        }
        if (len >= 2 && host[0] == '[' && host[len - 1] == ']')
            host++, len -= 2;
    }
    *out_host = strndup(host, len);
    *out_port = port;
    return *out_host ? 0 : HTTPC_E_NOMEM;
}

/* _contains_disallowed_url_pchar_re: '[\x00-\x20\x7f]' in 3.x, and
 * '[\x00-\x20\x7f-\xff]' in 2.7 (whose str is bytes). */
static int disallowed_url_char(unsigned char c, const httpc_profile *p)
{
    return c <= 0x20 || c == 0x7f || (p->py27 && c > 0x7f);
}

/* "... {s!r} (found at least {match.group()!r})": str reprs in 3.x (input
 * read as ISO-8859-1), byte-string reprs (a bytes repr without b) in 2.7. */
static void found_detail(const char *what, const char *s, const unsigned char *c,
                         const httpc_profile *p, char *detail, size_t cap)
{
    int b = p->py27 != 0;
    size_t len = strlen(s), need = httpc__py_repr(NULL, 0, s, len, b) + 1;
    char *r = malloc(need), f[16];

    httpc__py_repr(f, sizeof f, (const char *)c, 1, b);
    if (r != NULL)
        httpc__py_repr(r, need, s, len, b);
    httpc__detail(detail, cap, "%s can't contain control characters. %s (found at least %s)", what,
                  r ? r + b : "?", f + b);
    free(r);
}

int httpc__validate_url_part(const char *s, const httpc_profile *p, char *detail, size_t cap)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (disallowed_url_char(*c, p)) {
            found_detail("URL", s, c, p, detail, cap);
            return HTTPC_E_INVALID_URL;
        }
    }
    return 0;
}

int httpc__validate_method(const char *m, const httpc_profile *p, char *detail, size_t cap)
{
    if (p->py27) /* httplib 2.7 sends any method as given */
        return 0;
    for (const unsigned char *c = (const unsigned char *)m; *c; c++) {
        if (*c < 0x20) { /* _contains_disallowed_method_pchar_re */
            found_detail("method", m, c, p, detail, cap);
            return HTTPC_E_VALUE_ERROR;
        }
    }
    return 0;
}

int httpc__validate_ascii(const char *s, size_t len, char *detail, size_t cap)
{
    size_t i = 0, j;

    while (i < len && (unsigned char)s[i] < 0x80)
        i++;
    if (i == len)
        return 0;
    for (j = i; j < len && (unsigned char)s[j] >= 0x80; j++)
        ;
    if (j - i == 1)
        httpc__detail(detail, cap,
                      "'ascii' codec can't encode character '\\x%02x' in "
                      "position %zu: ordinal not in range(128)",
                      (unsigned char)s[i], i);
    else
        httpc__detail(detail, cap,
                      "'ascii' codec can't encode characters in position "
                      "%zu-%zu: ordinal not in range(128)",
                      i, j - 1);
    return HTTPC_E_VALUE_ERROR;
}

/* rb'[^:\s][^:\r\n]*' as a full match; \s is [ \t\n\r\f\v] for bytes. 3.x
 * encodes the name as ASCII first (UnicodeEncodeError, a ValueError), 2.7
 * matches r'\A[^:\s][^:\r\n]*\Z' on the str as it is. */
int httpc__valid_header_name(const char *name, const httpc_profile *p)
{
    const unsigned char *c = (const unsigned char *)name;

    if (*c == '\0' || *c == ':' || httpc__py_isspace_bytes(*c))
        return 0;
    for (; *c; c++)
        if (*c == ':' || *c == '\r' || *c == '\n' || (*c >= 0x80 && !p->py27))
            return 0;
    return 1;
}

/* rb'\n(?![ \t])|\r(?![ \t\n])' must not match. */
int httpc__valid_header_value(const char *value)
{
    for (const char *c = value; *c; c++) {
        if (*c == '\n' && c[1] != ' ' && c[1] != '\t')
            return 0;
        if (*c == '\r' && c[1] != ' ' && c[1] != '\t' && c[1] != '\n')
            return 0;
    }
    return 1;
}

/* urlsplit(url).netloc: a scheme (ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ))
 * followed by ':' and '//', up to the first '/', '?' or '#'. */
httpc_span httpc__url_netloc(const char *url)
{
    httpc_span none = {url, 0};
    const char *c = url, *e;

    while (*c && (((*c | 0x20) >= 'a' && (*c | 0x20) <= 'z') || (*c >= '0' && *c <= '9') ||
                  *c == '+' || *c == '-' || *c == '.'))
        c++;
    if (*c != ':' || c[1] != '/' || c[2] != '/')
        return none;
    c += 3;
    e = c + strcspn(c, "/?#");
    none.ptr = c;
    none.len = (size_t)(e - c);
    return none;
}

/* ipaddress.ip_address() on the text between the brackets: IPv4 is refused
 * there, IPv6 may carry a non-empty %scope. */
static int check_bracketed_ip(const char *h, size_t n, char *detail, size_t cap)
{
    char buf[128], r[300];
    unsigned char addr[16];
    const char *pct = memchr(h, '%', n);
    size_t alen = pct ? (size_t)(pct - h) : n;

    if (n < sizeof buf) {
        memcpy(buf, h, n);
        buf[n] = '\0';
        if (inet_pton(AF_INET, buf, addr) == 1) {
            httpc__detail(detail, cap, "An IPv4 address cannot be in brackets");
            return HTTPC_E_VALUE_ERROR;
        }
        buf[alen] = '\0';
        int scope_ok = pct == NULL || (alen + 1 < n && !memchr(pct + 1, '%', n - alen - 1));
        if (scope_ok && inet_pton(AF_INET6, buf, addr) == 1)
            return 0;
    }
    httpc__py_repr(r, sizeof r, h, n, 0);
    httpc__detail(detail, cap, "%s does not appear to be an IPv4 or IPv6 address", r);
    return HTTPC_E_VALUE_ERROR;
}

static int is_hex(char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* r"\Av[a-fA-F0-9]+\..+\Z" */
static int ipvfuture_ok(const char *h, size_t n)
{
    size_t i = 1;

    while (i < n && is_hex(h[i]))
        i++;
    return i > 1 && i + 1 < n && h[i] == '.';
}

int httpc__check_netloc(httpc_span netloc, const httpc_profile *p, char *detail, size_t cap)
{
    const char *open = memchr(netloc.ptr, '[', netloc.len);
    const char *close = memchr(netloc.ptr, ']', netloc.len);

    if ((open == NULL) != (close == NULL)) {
        httpc__detail(detail, cap, "Invalid IPv6 URL");
        return HTTPC_E_VALUE_ERROR;
    }
    if (open == NULL || p->py27) /* _check_bracketed_host: 3.11.4+ */
        return 0;
    /* netloc.partition('[')[2].partition(']')[0] */
    const char *h = open + 1, *end = netloc.ptr + netloc.len;
    const char *e = memchr(h, ']', (size_t)(end - h));
    size_t n = e ? (size_t)(e - h) : (size_t)(end - h);
    if (n > 0 && h[0] == 'v') {
        if (ipvfuture_ok(h, n))
            return 0;
        httpc__detail(detail, cap, "IPvFuture address is invalid");
        return HTTPC_E_VALUE_ERROR;
    }
    return check_bracketed_ip(h, n, detail, cap);
}
