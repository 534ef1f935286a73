/* SPDX-License-Identifier: MIT */
/* Tests of url.c: _get_hostport, the URL/method/host checks, the ASCII
 * encoding of the request line, the header-name and header-value rules and
 * the netloc checks of urlsplit. Expected values were observed by running
 * the same calls in CPython 3.11.7 and 2.7.18 (tests say which). */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "url.h"

static const httpc_profile *py3(void)
{
    return httpc_profile_get(HTTPC_PROFILE_PY3);
}

static const httpc_profile *py27(void)
{
    return httpc_profile_get(HTTPC_PROFILE_PY27);
}

/* HTTPConnection('h')._get_hostport(s, None), CPython 3.11.7 and 2.7.18 */
Test(url, httpc__get_hostport_forms)
{
    static const struct {
        const char *in;
        const char *host;
        int port;
    } ok[] = {{"h", "h", 80},          {"h:8080", "h", 8080},   {"h:", "h", 80},
              {"[::1]", "::1", 80},    {"[::1]:81", "::1", 81}, {"::1", ":", 1},
              {"h: 81", "h", 81},      {"h:+81", "h", 81},      {"[::1]:", "::1", 80},
              {"[v6", "[v6", 80},      {"a]:5", "a]", 5}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        for (int prof = 0; prof < 2; prof++) {
            char *host;
            int port;
            cr_assert_eq(httpc__get_hostport(ok[i].in, -1, 80, prof ? py27() : py3(), &host,
                                             &port, NULL, 0), 0, "%s", ok[i].in);
            cr_assert_str_eq(host, ok[i].host, "%s", ok[i].in);
            cr_assert_eq(port, ok[i].port, "%s", ok[i].in);
            free(host);
        }
    }
}

Test(url, httpc__get_hostport_int_rules_per_profile)
{
    char *host, detail[64];
    int port;
    /* int('8_1') is 81 in 3.x and a ValueError in 2.7 */
    cr_assert_eq(httpc__get_hostport("h:8_1", -1, 80, py3(), &host, &port, NULL, 0), 0);
    cr_assert_eq(port, 81);
    free(host);
    cr_assert_eq(httpc__get_hostport("h:8_1", -1, 80, py27(), &host, &port, detail,
                                     sizeof detail), HTTPC_E_INVALID_URL);
    cr_assert_str_eq(detail, "nonnumeric port: '8_1'");
    cr_assert_eq(httpc__get_hostport("h:abc", -1, 80, py3(), &host, &port, detail,
                                     sizeof detail), HTTPC_E_INVALID_URL);
    cr_assert_str_eq(detail, "nonnumeric port: 'abc'");
    /* Deviation: CPython takes -1 and 99999 here and fails in connect() with
     * OverflowError, which has no httpc code; httpc refuses them at once. */
    cr_assert_eq(httpc__get_hostport("h:99999", -1, 80, py3(), &host, &port, NULL, 0),
                 HTTPC_E_INVALID_URL);
    cr_assert_eq(httpc__get_hostport("h:-1", -1, 80, py3(), &host, &port, NULL, 0),
                 HTTPC_E_INVALID_URL);
}

Test(url, httpc__get_hostport_explicit_port_keeps_host)
{
    char *host;
    int port;
    /* _get_hostport('[::1]', 99) == ('[::1]', 99): brackets stay too */
    cr_assert_eq(httpc__get_hostport("[::1]", 99, 80, py3(), &host, &port, NULL, 0), 0);
    cr_assert_str_eq(host, "[::1]");
    cr_assert_eq(port, 99);
    free(host);
    cr_assert_eq(httpc__get_hostport("h:1", 99, 80, py3(), &host, &port, NULL, 0), 0);
    cr_assert_str_eq(host, "h:1");
    free(host);
}

Test(url, httpc__validate_url_part_messages)
{
    char d[160];
    cr_assert_eq(httpc__validate_url_part("/a?b=c%20d", py3(), d, sizeof d), 0);
    cr_assert_eq(httpc__validate_url_part("/a b", py3(), d, sizeof d), HTTPC_E_INVALID_URL);
    cr_assert_str_eq(d, "URL can't contain control characters. '/a b' (found at least ' ')");
    cr_assert_eq(httpc__validate_url_part("/a\x7f", py3(), d, sizeof d), HTTPC_E_INVALID_URL);
    cr_assert_str_eq(d, "URL can't contain control characters. '/a\\x7f' (found at least "
                        "'\\x7f')");
    cr_assert_eq(httpc__validate_url_part("/it's\n", py3(), d, sizeof d), HTTPC_E_INVALID_URL);
    cr_assert_str_eq(d, "URL can't contain control characters. \"/it's\\n\" (found at least "
                        "'\\n')");
    cr_assert_eq(httpc__validate_url_part("h\n", py27(), d, sizeof d), HTTPC_E_INVALID_URL);
    cr_assert_str_eq(d, "URL can't contain control characters. 'h\\n' (found at least '\\n')");
}

Test(url, httpc__validate_url_part_high_bytes_per_profile)
{
    char d[160];
    /* 3.x: not a control character (the ASCII encoding refuses it later) */
    cr_assert_eq(httpc__validate_url_part("/caf\xe9", py3(), d, sizeof d), 0);
    /* 2.7: '[\x00-\x20\x7f-\xff]' */
    cr_assert_eq(httpc__validate_url_part("/caf\xe9", py27(), d, sizeof d), HTTPC_E_INVALID_URL);
    cr_assert_str_eq(d, "URL can't contain control characters. '/caf\\xe9' (found at least "
                        "'\\xe9')");
}

Test(url, httpc__validate_method_rules)
{
    char d[160];
    cr_assert_eq(httpc__validate_method("GET", py3(), d, sizeof d), 0);
    cr_assert_eq(httpc__validate_method("G ET", py3(), d, sizeof d), 0); /* only \x00-\x1f */
    cr_assert_eq(httpc__validate_method("G\x7f", py3(), d, sizeof d), 0);
    cr_assert_eq(httpc__validate_method("G\tET", py3(), d, sizeof d), HTTPC_E_VALUE_ERROR);
    cr_assert_str_eq(d, "method can't contain control characters. 'G\\tET' (found at least "
                        "'\\t')");
    /* httplib 2.7 has no _validate_method */
    cr_assert_eq(httpc__validate_method("G\r\nX: y", py27(), d, sizeof d), 0);
}

/* 'G\xe9T / HTTP/1.1'.encode('ascii') and 'G\xe9\xe9T x'.encode('ascii') */
Test(url, httpc__validate_ascii_messages)
{
    char d[160];
    cr_assert_eq(httpc__validate_ascii("GET / HTTP/1.1", 14, d, sizeof d), 0);
    cr_assert_eq(httpc__validate_ascii("G\xe9T / HTTP/1.1", 14, d, sizeof d),
                 HTTPC_E_VALUE_ERROR);
    cr_assert_str_eq(d, "'ascii' codec can't encode character '\\xe9' in position 1: ordinal "
                        "not in range(128)");
    cr_assert_eq(httpc__validate_ascii("G\xe9\xe9T x", 6, d, sizeof d), HTTPC_E_VALUE_ERROR);
    cr_assert_str_eq(d, "'ascii' codec can't encode characters in position 1-2: ordinal not "
                     "in range(128)");
}

Test(url, header_name_rules)
{
    cr_assert(httpc__valid_header_name("X-Ok", py3()));
    cr_assert(httpc__valid_header_name("a b", py3()));
    cr_assert(httpc__valid_header_name("a\tb", py3()));
    cr_assert_not(httpc__valid_header_name("", py3()));
    cr_assert_not(httpc__valid_header_name(" a", py3()));
    cr_assert_not(httpc__valid_header_name("\va", py3()));
    cr_assert_not(httpc__valid_header_name(":a", py3()));
    cr_assert_not(httpc__valid_header_name("a:b", py3()));
    cr_assert_not(httpc__valid_header_name("a\rb", py3()));
    cr_assert_not(httpc__valid_header_name("a\nb", py3()));
    /* 3.x encodes the name as ASCII first; 2.7's str regex takes the byte */
    cr_assert_not(httpc__valid_header_name("X-\xe9", py3()));
    cr_assert(httpc__valid_header_name("X-\xe9", py27()));
    cr_assert_not(httpc__valid_header_name("a:b", py27()));
}

Test(url, header_value_rules)
{
    cr_assert(httpc__valid_header_value("v\r\n\tmore"));
    cr_assert(httpc__valid_header_value("v\r\n more"));
    cr_assert(httpc__valid_header_value("v\r more"));
    cr_assert(httpc__valid_header_value(""));
    cr_assert(httpc__valid_header_value("\xff"));
    cr_assert_not(httpc__valid_header_value("v\r\nX: y"));
    cr_assert_not(httpc__valid_header_value("v\nX"));
    cr_assert_not(httpc__valid_header_value("v\n"));
    cr_assert_not(httpc__valid_header_value("v\r"));
    cr_assert_not(httpc__valid_header_value("v\rX"));
}

Test(url, httpc__url_netloc)
{
    httpc_span s = httpc__url_netloc("http://a.b:8/x?y");
    cr_assert(s.len == 5 && memcmp(s.ptr, "a.b:8", 5) == 0);
    s = httpc__url_netloc("https://h?q");
    cr_assert(s.len == 1 && s.ptr[0] == 'h');
    s = httpc__url_netloc("httpx://u:p@h#f");
    cr_assert(s.len == 5 && memcmp(s.ptr, "u:p@h", 5) == 0);
    cr_assert_eq(httpc__url_netloc("httpfoo/bar").len, 0);
    cr_assert_eq(httpc__url_netloc("http:/x").len, 0);
    cr_assert_eq(httpc__url_netloc("/path").len, 0);
}

static int netloc_rc(const char *netloc, const httpc_profile *p, char *d, size_t cap)
{
    httpc_span s = {netloc, strlen(netloc)};
    return httpc__check_netloc(s, p, d, cap);
}

/* urlsplit('http://<netloc>/x') in CPython 3.11.7 and 2.7.18 */
Test(url, httpc__check_netloc_rules)
{
    char d[160];
    cr_assert_eq(netloc_rc("h:80", py3(), d, sizeof d), 0);
    cr_assert_eq(netloc_rc("[::1]:8080", py3(), d, sizeof d), 0);
    cr_assert_eq(netloc_rc("[fe80::1%eth0]:8080", py3(), d, sizeof d), 0);
    cr_assert_eq(netloc_rc("[v1.x]", py3(), d, sizeof d), 0);
    cr_assert_eq(netloc_rc("[::1", py3(), d, sizeof d), HTTPC_E_VALUE_ERROR);
    cr_assert_str_eq(d, "Invalid IPv6 URL");
    cr_assert_eq(netloc_rc("a]", py27(), d, sizeof d), HTTPC_E_VALUE_ERROR);
    cr_assert_str_eq(d, "Invalid IPv6 URL");
    cr_assert_eq(netloc_rc("[1.2.3.4]", py3(), d, sizeof d), HTTPC_E_VALUE_ERROR);
    cr_assert_str_eq(d, "An IPv4 address cannot be in brackets");
    cr_assert_eq(netloc_rc("[zz]", py3(), d, sizeof d), HTTPC_E_VALUE_ERROR);
    cr_assert_str_eq(d, "'zz' does not appear to be an IPv4 or IPv6 address");
    cr_assert_eq(netloc_rc("[fe80::1%]", py3(), d, sizeof d), HTTPC_E_VALUE_ERROR);
    cr_assert_eq(netloc_rc("[vz.x]", py3(), d, sizeof d), HTTPC_E_VALUE_ERROR);
    cr_assert_str_eq(d, "IPvFuture address is invalid");
    /* 2.7 checks only the balance of the brackets */
    cr_assert_eq(netloc_rc("[zz]", py27(), d, sizeof d), 0);
    cr_assert_eq(netloc_rc("[1.2.3.4]", py27(), d, sizeof d), 0);
}
