/* SPDX-License-Identifier: MIT */
/* JSON strings for the CLI and the diff-cpython driver (httpc_json.h): every
 * byte value must round-trip, since header values and reasons are compared
 * with Python's str exactly. */
#include "httpc_json.h"

#include <stdlib.h>

void httpc_json_latin1(FILE *f, const char *s, size_t len, httpc_json_high high)
{
    static const char hex[] = "0123456789abcdef";

    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc(c, f);
        } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && high == HTTPC_JSON_ASCII)) {
            fprintf(f, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
        } else if (c < 0x80) {
            fputc(c, f);
        } else {
            fputc(0xc0 | (c >> 6), f);
            fputc(0x80 | (c & 0x3f), f);
        }
    }
    fputc('"', f);
}

void httpc_json_base64(FILE *f, const unsigned char *d, size_t len)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i = 0;

    fputc('"', f);
    for (; i + 3 <= len; i += 3) {
        unsigned v = (unsigned)d[i] << 16 | (unsigned)d[i + 1] << 8 | d[i + 2];
        fputc(b64[v >> 18], f);
        fputc(b64[(v >> 12) & 63], f);
        fputc(b64[(v >> 6) & 63], f);
        fputc(b64[v & 63], f);
    }
    if (len - i == 1) {
        unsigned v = (unsigned)d[i] << 16;
        fprintf(f, "%c%c==", b64[v >> 18], b64[(v >> 12) & 63]);
    } else if (len - i == 2) {
        unsigned v = (unsigned)d[i] << 16 | (unsigned)d[i + 1] << 8;
        fprintf(f, "%c%c%c=", b64[v >> 18], b64[(v >> 12) & 63], b64[(v >> 6) & 63]);
    }
    fputc('"', f);
}

/* One [name, value] pair of the headers list. */
static void pair(FILE *f, int first, const char *name, size_t nlen, const char *value, size_t vlen,
                 httpc_json_high high)
{
    fputs(first ? "[" : ", [", f);
    httpc_json_latin1(f, name, nlen, high);
    fputs(", ", f);
    httpc_json_latin1(f, value, vlen, high);
    fputc(']', f);
}

/* The k-th pair of 2.x's getheaders(): the name lower-cased (any bytes, a NUL
 * included) with the combined value. */
static int pair_py27(FILE *f, const httpc_resp *r, size_t k, const httpc_span *name,
                     httpc_json_high high)
{
    ssize_t len = httpc_resp_getheader_n(r, name->ptr, name->len, NULL, 0);
    char *key = malloc(name->len + 1), *v = len >= 0 ? malloc((size_t)len + 1) : NULL;

    if (key == NULL || v == NULL) { /* cannot happen short of memory: say so */
        free(key), free(v);
        pair(f, k == 0, "", 0, "<out of memory>", 15, high);
        return HTTPC_E_NOMEM;
    }
    for (size_t i = 0; i < name->len; i++) {
        char c = name->ptr[i];
        key[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    httpc_resp_getheader_n(r, name->ptr, name->len, v, (size_t)len + 1);
    pair(f, k == 0, key, name->len, v, (size_t)len, high);
    free(key), free(v);
    return 0;
}

int httpc_json_headers(FILE *f, const httpc_resp *r, int py27, httpc_json_high high)
{
    httpc_span name, value;
    int first = 1, rc = 0;

    fputc('[', f);
    for (size_t k = 0; py27 && httpc_resp_name_at(r, k, &name) == 0; k++)
        if (pair_py27(f, r, k, &name, high) < 0)
            rc = HTTPC_E_NOMEM;
    for (size_t i = 0; !py27 && i < httpc_resp_header_count(r); i++) {
        if (httpc_resp_header_at(r, i, &name, &value) != 0 || name.ptr == NULL)
            continue; /* a 2.x continuation line: not a field of its own */
        pair(f, first, name.ptr, name.len, value.ptr, value.len, high);
        first = 0;
    }
    fputc(']', f);
    return rc;
}
