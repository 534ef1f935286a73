/* SPDX-License-Identifier: MIT */
/* Tests of conn.c's methods that some versions lack: set_tunnel is new in
 * 2.7 (the 2.7 document: "New in version 2.7") and 3.2 (the 3.2/3.3
 * document: "versionadded:: 3.2"), so py26, py30 and py31 refuse it with
 * Python's AttributeError, its text as 2.7.18 and 3.6.15 print it for a
 * missing attribute (an old-style instance in 2.x, an object in 3.x), and
 * the version that added it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "httpc.h"

static int tunnel(const char *profile, int https, char *detail, size_t cap)
{
    httpc_conn_opts o;
    httpc_tls_opts tls;
    httpc_conn *c = NULL;
    httpc_conn_opts_init(&o);
    httpc_tls_opts_init(&tls);
    o.profile = httpc_profile_by_name(profile);
    cr_assert_not_null(o.profile, "%s", profile);
    if (https)
        o.tls = &tls;
    cr_assert_eq(httpc_conn_new(&c, "proxy.invalid", 3128, &o), 0);
    int rc = httpc_conn_set_tunnel(c, "target.invalid", 443, NULL, NULL, 0);
    snprintf(detail, cap, "%s", httpc_conn_errmsg(c));
    httpc_conn_free(c);
    return rc;
}

Test(conn_versions, set_tunnel_refused_before_2_7_and_3_2)
{
    static const struct {
        const char *profile;
        int https;
        const char *detail;
    } refused[] = {
        {"py26", 0, "HTTPConnection instance has no attribute 'set_tunnel' (new in 2.7)"},
        {"py26-strict", 1, "HTTPSConnection instance has no attribute 'set_tunnel' (new in 2.7)"},
        {"py30", 0, "'HTTPConnection' object has no attribute 'set_tunnel' (new in 3.2)"},
        {"py30-strict", 0, "'HTTPConnection' object has no attribute 'set_tunnel' (new in 3.2)"},
        {"py31", 1, "'HTTPSConnection' object has no attribute 'set_tunnel' (new in 3.2)"},
        {"py31-strict", 0, "'HTTPConnection' object has no attribute 'set_tunnel' (new in 3.2)"},
    };
    char detail[256];
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        cr_assert_eq(tunnel(refused[i].profile, refused[i].https, detail, sizeof detail),
                     HTTPC_E_ATTRIBUTE_ERROR, "%s", refused[i].profile);
        cr_assert_str_eq(detail, refused[i].detail);
    }
    cr_assert_str_eq(httpc_err_name(HTTPC_E_ATTRIBUTE_ERROR), "AttributeError");
}

Test(conn_versions, set_tunnel_from_2_7_and_3_2)
{
    static const char *const have[] = {"py27", "py27-strict", "py32", "py33", "py34",
                                       "py35", "py36", "py3", "strict"};
    char detail[256];
    for (size_t i = 0; i < sizeof have / sizeof have[0]; i++)
        cr_assert_eq(tunnel(have[i], i % 2, detail, sizeof detail), 0, "%s: %s", have[i],
                     detail);
    /* every built-in profile is one or the other */
    cr_assert_eq(httpc_profile_count(), 6 + sizeof have / sizeof have[0]);
}
