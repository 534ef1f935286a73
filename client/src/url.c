/* SPDX-License-Identifier: MIT */
/* HTTPConnection's host, URL and header checks, kept apart from the state
 * machine so each rule can be tested alone. */
#include "url.h"

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

int httpc__validate_url_part(const char *s, const httpc_profile *p, char *detail, size_t cap)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c <= 0x20 || *c == 0x7f || (p->py27 && *c >= 0x7f)) {
            char r[120], f[16];
            httpc__py_repr(r, sizeof r, s, strlen(s), 0);
            httpc__py_repr(f, sizeof f, (const char *)c, 1, 0);
            httpc__detail(detail, cap, "URL can't contain control characters. %s (found at "
                                       "least %s)", r, f);
            return HTTPC_E_INVALID_URL;
        }
        if (*c >= 0x80) { /* str.encode('ascii') fails: UnicodeEncodeError */
            httpc__detail(detail, cap, "'ascii' codec can't encode character in the URL");
            return HTTPC_E_VALUE_ERROR;
        }
    }
    return 0;
}

int httpc__validate_method(const char *m, const httpc_profile *p, char *detail, size_t cap)
{
    for (const unsigned char *c = (const unsigned char *)m; *c; c++) {
        if (*c < 0x20 && !p->py27) {
            char r[120];
            httpc__py_repr(r, sizeof r, m, strlen(m), 0);
            httpc__detail(detail, cap, "method can't contain control characters. %s", r);
            return HTTPC_E_VALUE_ERROR;
        }
        if (*c >= 0x80) {
            httpc__detail(detail, cap, "'ascii' codec can't encode character in the method");
            return HTTPC_E_VALUE_ERROR;
        }
    }
    return 0;
}

/* rb'[^:\s][^:\r\n]*' as a full match; \s is [ \t\n\r\f\v] for bytes. Names
 * are encoded as ASCII first, so bytes >= 0x80 fail too. */
int httpc__valid_header_name(const char *name)
{
    const unsigned char *c = (const unsigned char *)name;

    if (*c == '\0' || *c == ':' || httpc__py_isspace_bytes(*c))
        return 0;
    for (; *c; c++)
        if (*c == ':' || *c == '\r' || *c == '\n' || *c >= 0x80)
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
