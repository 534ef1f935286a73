/* SPDX-License-Identifier: MIT */
/* Tests of url.c: _get_hostport, the URL/method checks and the header-name
 * and header-value rules of CPython 3.11.7 (values from running python3). */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "url.h"

static const httpc_profile *py3(void)
{
    return httpc_profile_get(HTTPC_PROFILE_PY3);
}

Test(url, httpc__get_hostport_forms)
{
    static const struct {
        const char *in;
        const char *host;
        int port;
    } ok[] = {{"h", "h", 80},           {"h:8080", "h", 8080},   {"h:", "h", 80},
              {"[::1]", "::1", 80},     {"[::1]:81", "::1", 81}, {"::1", ":", 1}, /* as CPython */
              {"h: 81", "h", 81},       {"h:+81", "h", 81},      {"h:8_1", "h", 81}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char *host;
        int port;
        cr_assert_eq(httpc__get_hostport(ok[i].in, -1, 80, py3(), &host, &port, NULL, 0), 0,
                     "%s", ok[i].in);
        cr_assert_str_eq(host, ok[i].host, "%s", ok[i].in);
        cr_assert_eq(port, ok[i].port, "%s", ok[i].in);
        free(host);
    }
    char *host, detail[64];
    int port;
    cr_assert_eq(httpc__get_hostport("h:abc", -1, 80, py3(), &host, &port, detail,
                                     sizeof detail), HTTPC_E_INVALID_URL);
    cr_assert_str_eq(detail, "nonnumeric port: 'abc'");
    /* an explicit port leaves the host string alone */
    cr_assert_eq(httpc__get_hostport("h:1", 99, 80, py3(), &host, &port, NULL, 0), 0);
    cr_assert_str_eq(host, "h:1");
    cr_assert_eq(port, 99);
    free(host);
}

Test(url, httpc__validate_url_part_rules)
{
    cr_assert_eq(httpc__validate_url_part("/a?b=c%20d", py3(), NULL, 0), 0);
    cr_assert_eq(httpc__validate_url_part("/a b", py3(), NULL, 0), HTTPC_E_INVALID_URL);
    cr_assert_eq(httpc__validate_url_part("/a\x7f", py3(), NULL, 0), HTTPC_E_INVALID_URL);
    cr_assert_eq(httpc__validate_url_part("/caf\xc3\xa9", py3(), NULL, 0), HTTPC_E_VALUE_ERROR);
    /* httplib 2.7 refuses every byte >= 0x7f as InvalidURL */
    cr_assert_eq(httpc__validate_url_part("/caf\xc3\xa9",
                                          httpc_profile_get(HTTPC_PROFILE_PY27), NULL, 0),
                 HTTPC_E_INVALID_URL);
    cr_assert_eq(httpc__validate_method("GET", py3(), NULL, 0), 0);
    cr_assert_eq(httpc__validate_method("G\tET", py3(), NULL, 0), HTTPC_E_VALUE_ERROR);
    cr_assert_eq(httpc__validate_method("G ET", py3(), NULL, 0), 0); /* only \x00-\x1f */
}

Test(url, header_name_and_value_rules)
{
    cr_assert(httpc__valid_header_name("X-Ok"));
    cr_assert(httpc__valid_header_name("a b"));
    cr_assert_not(httpc__valid_header_name(""));
    cr_assert_not(httpc__valid_header_name(" a"));
    cr_assert_not(httpc__valid_header_name("\va"));
    cr_assert_not(httpc__valid_header_name("a:b"));
    cr_assert_not(httpc__valid_header_name("a\rb"));
    cr_assert(httpc__valid_header_value("v\r\n\tmore"));
    cr_assert(httpc__valid_header_value("v\r\n more"));
    cr_assert(httpc__valid_header_value(""));
    cr_assert_not(httpc__valid_header_value("v\r\nX: y"));
    cr_assert_not(httpc__valid_header_value("v\nX"));
    cr_assert_not(httpc__valid_header_value("v\r"));
    cr_assert_not(httpc__valid_header_value("v\rX"));
}

Test(url, httpc__url_netloc)
{
    httpc_span s = httpc__url_netloc("http://a.b:8/x?y");
    cr_assert(s.len == 5 && memcmp(s.ptr, "a.b:8", 5) == 0);
    s = httpc__url_netloc("https://h?q");
    cr_assert(s.len == 1 && s.ptr[0] == 'h');
    cr_assert_eq(httpc__url_netloc("httpfoo/bar").len, 0);
    cr_assert_eq(httpc__url_netloc("/path").len, 0);
}
