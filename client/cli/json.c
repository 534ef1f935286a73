/* SPDX-License-Identifier: MIT */
/* JSON string encoding for the CLI: every byte value must round-trip, since
 * adapters compare header values with Python's str exactly. */
#include "json.h"

void json_latin1(FILE *f, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";

    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc(c, f);
        } else if (c < 0x20 || c == 0x7f) {
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

void json_base64(FILE *f, const unsigned char *d, size_t len)
{
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
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
