/* SPDX-License-Identifier: MIT */
/* Tests of client/src/profile.c: the four built-in profiles and their
 * limits (http.client's _MAXLINE and _MAXHEADERS). */
#include "httpc.h"

#include <criterion/criterion.h>
#include <string.h>

Test(profile, httpc_profile_get_returns_each_builtin)
{
    static const char *names[] = {"py27", "py27-strict", "py3", "strict"};

    for (int i = 0; i < HTTPC_PROFILE__COUNT; i++) {
        const httpc_profile *p = httpc_profile_get((httpc_profile_id)i);
        cr_assert_not_null(p);
        cr_assert_eq(p->id, (httpc_profile_id)i);
        cr_assert_str_eq(p->name, names[i]);
        cr_assert_eq(p->max_line, 65536);
        cr_assert_eq(p->max_headers, 100);
    }
}

Test(profile, httpc_profile_get_rejects_out_of_range)
{
    cr_assert_null(httpc_profile_get(HTTPC_PROFILE__COUNT));
    cr_assert_null(httpc_profile_get((httpc_profile_id)-1));
    cr_assert_null(httpc_profile_get((httpc_profile_id)1000));
}

Test(profile, httpc_profile_by_name_finds_exact_names)
{
    cr_assert_eq(httpc_profile_by_name("py27"), httpc_profile_get(HTTPC_PROFILE_PY27));
    cr_assert_eq(httpc_profile_by_name("py27-strict"),
                 httpc_profile_get(HTTPC_PROFILE_PY27_STRICT));
    cr_assert_eq(httpc_profile_by_name("py3"), httpc_profile_get(HTTPC_PROFILE_PY3));
    cr_assert_eq(httpc_profile_by_name("strict"), httpc_profile_get(HTTPC_PROFILE_STRICT));
    cr_assert_null(httpc_profile_by_name("PY3"));
    cr_assert_null(httpc_profile_by_name("py2"));
    cr_assert_null(httpc_profile_by_name(""));
    cr_assert_null(httpc_profile_by_name(NULL));
}

Test(profile, httpc_profile_get_python_profiles_differ_as_documented)
{
    const httpc_profile *p27 = httpc_profile_get(HTTPC_PROFILE_PY27);
    const httpc_profile *p27s = httpc_profile_get(HTTPC_PROFILE_PY27_STRICT);
    const httpc_profile *p3 = httpc_profile_get(HTTPC_PROFILE_PY3);
    const httpc_profile *st = httpc_profile_get(HTTPC_PROFILE_STRICT);

    /* Only httplib with strict=False reads HTTP/0.9 simple responses. */
    cr_assert(p27->accept_http09);
    cr_assert_not(p27s->accept_http09);
    cr_assert_not(p3->accept_http09);
    cr_assert_not(st->accept_http09);
    cr_assert(p27->py27 && p27s->py27);
    cr_assert_not(p3->py27 || st->py27);
    cr_assert(st->strict_rfc);
    cr_assert_not(p27->strict_rfc || p27s->strict_rfc || p3->strict_rfc);
    cr_assert_eq(p27->header_mode, HTTPC_HEADERS_PY27);
    cr_assert_eq(p27s->header_mode, HTTPC_HEADERS_PY27);
    cr_assert_eq(p3->header_mode, HTTPC_HEADERS_PY3);
    cr_assert_eq(st->header_mode, HTTPC_HEADERS_STRICT);
}

/* CPython's _read_and_discard_trailer has no line count, and neither has
 * strict (RFC 9112 section 7.1: decode the body whatever the trailer section
 * holds; each line stays bounded); a caller's profile may set one. */
Test(profile, httpc_profile_get_trailer_limits)
{
    cr_assert_eq(httpc_profile_get(HTTPC_PROFILE_PY27)->max_trailers, 0);
    cr_assert_eq(httpc_profile_get(HTTPC_PROFILE_PY27_STRICT)->max_trailers, 0);
    cr_assert_eq(httpc_profile_get(HTTPC_PROFILE_PY3)->max_trailers, 0);
    cr_assert_eq(httpc_profile_get(HTTPC_PROFILE_STRICT)->max_trailers, 0);
}

Test(profile, httpc_profile_get_is_copyable)
{
    httpc_profile mine = *httpc_profile_get(HTTPC_PROFILE_PY3);

    mine.max_line = 10;
    cr_assert_eq(httpc_profile_get(HTTPC_PROFILE_PY3)->max_line, HTTPC_MAXLINE);
    cr_assert_eq(mine.max_line, 10);
}
