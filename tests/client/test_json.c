/* SPDX-License-Identifier: MIT */
/* Tests of client/record/json.c, the JSON writer of the CLI and the
 * diff-cpython driver: every byte value 0..255 in both forms (RFC 8259
 * section 7 strings, checked exactly and decoded back), base64 against RFC
 * 4648's test vectors, and getheaders() lists against CPython 3.11.7 and
 * 2.7.18 on the same reply. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn_internal.h" /* httpc__mem_transport, httpc__resp_new, httpc__resp_begin */
#include "httpc_json.h"

/* What one call wrote, NUL-terminated; *len its length. */
typedef struct out {
    char *p;
    size_t len;
    FILE *f;
} out;

static FILE *out_open(out *o)
{
    *o = (out){0};
    o->f = open_memstream(&o->p, &o->len);
    cr_assert_not_null(o->f);
    return o->f;
}

static void out_close(out *o)
{
    cr_assert_eq(fclose(o->f), 0);
}

static void latin1(out *o, const char *s, size_t len, httpc_json_high high)
{
    httpc_json_latin1(out_open(o), s, len, high);
    out_close(o);
}

/* The JSON text RFC 8259 allows for byte c taken as code point U+00c, in the
 * writer's documented choice: two-character escapes for '"' and '\', \u00xx
 * (lower-case) for the controls, DEL, and (ASCII form) 0x80 and above. */
static void expected_for(unsigned c, httpc_json_high high, char *buf, size_t cap)
{
    if (c == '"' || c == '\\')
        snprintf(buf, cap, "\"\\%c\"", (char)c);
    else if (c < 0x20 || c == 0x7f || (c >= 0x80 && high == HTTPC_JSON_ASCII))
        snprintf(buf, cap, "\"\\u%04x\"", c);
    else if (c < 0x80)
        snprintf(buf, cap, "\"%c\"", (char)c);
    else /* U+0080..U+00FF in UTF-8: 110000xx 10xxxxxx */
        snprintf(buf, cap, "\"%c%c\"", (char)(0xc0 | c >> 6), (char)(0x80 | (c & 0x3f)));
}

/* Decodes the JSON string at s (only the forms the writer uses); -1 when the
 * text is not one of them. */
static long decode(const char *s, size_t len, unsigned char *dst)
{
    size_t i = 1, n = 0;

    if (len < 2 || s[0] != '"' || s[len - 1] != '"')
        return -1;
    while (i < len - 1) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\' && s[i + 1] == 'u' && i + 6 <= len - 1) {
            char hex[5] = {s[i + 2], s[i + 3], s[i + 4], s[i + 5], 0};
            dst[n++] = (unsigned char)strtoul(hex, NULL, 16);
            i += 6;
        } else if (c == '\\' && (s[i + 1] == '"' || s[i + 1] == '\\')) {
            dst[n++] = (unsigned char)s[i + 1];
            i += 2;
        } else if (c >= 0xc2 && c <= 0xc3 && ((unsigned char)s[i + 1] & 0xc0) == 0x80) {
            dst[n++] = (unsigned char)((c & 0x1f) << 6 | ((unsigned char)s[i + 1] & 0x3f));
            i += 2;
        } else if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            dst[n++] = c;
            i++;
        } else {
            return -1;
        }
    }
    return (long)n;
}

static void every_byte(httpc_json_high high)
{
    char all[256], want[16];
    unsigned char back[256];
    out o;

    for (unsigned c = 0; c < 256; c++) {
        all[c] = (char)c;
        latin1(&o, &all[c], 1, high);
        expected_for(c, high, want, sizeof want);
        cr_assert_eq(o.len, strlen(want), "byte 0x%02x: %zu bytes", c, o.len);
        cr_assert_eq(memcmp(o.p, want, o.len), 0, "byte 0x%02x: %s", c, o.p);
        cr_assert_eq(decode(o.p, o.len, back), 1, "byte 0x%02x", c);
        cr_assert_eq(back[0], c);
        free(o.p);
    }
    /* All 256 in one string, NUL first: the length counts, not strlen. */
    latin1(&o, all, sizeof all, high);
    cr_assert_eq(decode(o.p, o.len, back), 256);
    cr_assert_eq(memcmp(back, all, sizeof all), 0);
    for (size_t i = 0; i < o.len; i++) /* JSON text never holds a raw control */
        cr_assert((unsigned char)o.p[i] >= 0x20, "raw 0x%02x at %zu", (unsigned char)o.p[i], i);
    free(o.p);
}

Test(json, latin1_every_byte_utf8)
{
    every_byte(HTTPC_JSON_UTF8);
}

Test(json, latin1_every_byte_ascii)
{
    every_byte(HTTPC_JSON_ASCII);
}

/* The exact texts the CLI and the driver have always written for the bytes
 * that tell the forms apart. */
Test(json, latin1_exact_forms)
{
    static const char s[] = "a\0\"\\\x1f\x7f\x80\xe9\xff";
    out o;

    latin1(&o, s, sizeof s - 1, HTTPC_JSON_UTF8);
    cr_assert_str_eq(o.p, "\"a\\u0000\\\"\\\\\\u001f\\u007f\xc2\x80\xc3\xa9\xc3\xbf\"");
    free(o.p);
    latin1(&o, s, sizeof s - 1, HTTPC_JSON_ASCII);
    cr_assert_str_eq(o.p, "\"a\\u0000\\\"\\\\\\u001f\\u007f\\u0080\\u00e9\\u00ff\"");
    free(o.p);
    latin1(&o, "", 0, HTTPC_JSON_ASCII);
    cr_assert_str_eq(o.p, "\"\"");
    free(o.p);
}

/* RFC 4648 section 10's vectors, and the three high bytes every padding
 * case must carry. */
Test(json, base64_rfc4648_vectors)
{
    static const struct {
        const char *in, *want;
    } v[] = {{"", "\"\""},
             {"f", "\"Zg==\""},
             {"fo", "\"Zm8=\""},
             {"foo", "\"Zm9v\""},
             {"foob", "\"Zm9vYg==\""},
             {"fooba", "\"Zm9vYmE=\""},
             {"foobar", "\"Zm9vYmFy\""},
             {"\xff\xfe\xfd", "\"//79\""},
             {"\xfb\xff", "\"+/8=\""}};
    out o;

    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        httpc_json_base64(out_open(&o), (const unsigned char *)v[i].in, strlen(v[i].in));
        out_close(&o);
        cr_assert_str_eq(o.p, v[i].want, "%zu", i);
        free(o.p);
    }
}

/* CPython on this reply: 3.11.7 getheaders() [('X-A', '1'), ('B', 'é"\\\r\n
 * folded'), ('x-a', '2'), ('Content-Length', '0')]; 2.7.18 the same names
 * lower-cased once each, repeats joined ('x-a', '1, 2'), the continuation
 * joined with '\n' ('b', '\xe9"\\\n folded'). 2.7's order is its dict's; the
 * list keeps the first-seen order (httpc_resp_name_at). */
static const char reply[] = "HTTP/1.1 200 OK\r\nX-A: 1\r\nB: \xe9\"\\\r\n folded\r\nx-a: 2\r\n"
                            "Content-Length: 0\r\n\r\n";

static void headers(const char *profile, httpc_json_high high, const char *want)
{
    httpc__transport *t;
    httpc_resp *r;
    out o;

    cr_assert_eq(httpc__mem_transport(reply, sizeof reply - 1, 0, &t), 0);
    cr_assert_eq(httpc__resp_new(t, httpc_profile_by_name(profile), 0, "GET", &r), 0);
    httpc__transport_unref(t);
    cr_assert_eq(httpc__resp_begin(r), 0);
    const httpc_profile *p = httpc_profile_by_name(profile);
    cr_assert_eq(httpc_json_headers(out_open(&o), r, p->header_mode == HTTPC_HEADERS_PY27, high),
                 0);
    out_close(&o);
    cr_assert_str_eq(o.p, want, "%s", profile);
    free(o.p);
    httpc_resp_free(r);
}

Test(json, headers_py3_every_field)
{
    headers("py3", HTTPC_JSON_UTF8,
            "[[\"X-A\", \"1\"], [\"B\", \"\xc3\xa9\\\"\\\\\\u000d\\u000a folded\"], "
            "[\"x-a\", \"2\"], [\"Content-Length\", \"0\"]]");
    headers("py3", HTTPC_JSON_ASCII,
            "[[\"X-A\", \"1\"], [\"B\", \"\\u00e9\\\"\\\\\\u000d\\u000a folded\"], "
            "[\"x-a\", \"2\"], [\"Content-Length\", \"0\"]]");
}

Test(json, headers_py27_dict_items)
{
    headers("py27", HTTPC_JSON_UTF8,
            "[[\"x-a\", \"1, 2\"], [\"b\", \"\xc3\xa9\\\"\\\\\\u000a folded\"], "
            "[\"content-length\", \"0\"]]");
    headers("py27", HTTPC_JSON_ASCII,
            "[[\"x-a\", \"1, 2\"], [\"b\", \"\\u00e9\\\"\\\\\\u000a folded\"], "
            "[\"content-length\", \"0\"]]");
}
