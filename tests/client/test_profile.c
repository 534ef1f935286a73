/* SPDX-License-Identifier: MIT */
/* Tests of client/src/parse/profile.c: the built-in profiles (the one list in
 * httpc.h), their limits (http.client's _MAXLINE and _MAXHEADERS), the
 * fields that change between versions, fallbacks and strict variants. */
#include "httpc.h"

#include <criterion/criterion.h>
#include <string.h>

Test(profile, httpc_profile_get_returns_each_builtin)
{
#define NAME(id, name, fb, st) name,
    static const char *names[] = {HTTPC_PROFILE_LIST(NAME)};
#undef NAME

    cr_assert_eq(httpc_profile_count(), 15);
    cr_assert_str_eq(names[HTTPC_PROFILE_PY27], "py27"); /* ids never renumbered */
    cr_assert_str_eq(names[HTTPC_PROFILE_STRICT], "strict");
    for (int i = 0; i < HTTPC_PROFILE__COUNT; i++) {
        const httpc_profile *p = httpc_profile_get((httpc_profile_id)i);
        cr_assert_not_null(p);
        cr_assert_eq(p->id, (httpc_profile_id)i);
        cr_assert_str_eq(p->name, names[i]);
        cr_assert_eq(httpc_profile_by_name(names[i]), p);
        /* _MAXLINE and _MAXHEADERS exist from 2.7.4 and 3.2.4 on */
        int unbounded = p->python == 26 || p->python == 30 || p->python == 31;
        cr_assert_eq(p->max_line, unbounded ? HTTPC_UNBOUNDED_LINE : 65536, "%s", p->name);
        cr_assert_eq(p->max_headers, unbounded ? HTTPC_UNBOUNDED_HEADERS : 100, "%s", p->name);
    }
}

/* A profile without its own expectation takes its neighbour's, ending at
 * one of the four the scenarios were written for. */
Test(profile, httpc_profile_fallback_reaches_a_documented_neighbour)
{
    const char *chain[] = {"py30", "py31", "py32", "py33", "py34", "py35", "py36", "py3"};
    const httpc_profile *p = httpc_profile_by_name("py30");

    for (size_t i = 1; i < sizeof chain / sizeof chain[0]; i++) {
        p = httpc_profile_fallback(p);
        cr_assert_str_eq(p->name, chain[i]);
    }
    cr_assert_null(httpc_profile_fallback(p));
    cr_assert_str_eq(httpc_profile_fallback(httpc_profile_by_name("py26"))->name, "py27");
    cr_assert_str_eq(httpc_profile_fallback(httpc_profile_by_name("py31-strict"))->name, "py31");
    for (int i = 0; i < HTTPC_PROFILE__COUNT; i++) {
        int steps = 0;
        for (p = httpc_profile_get((httpc_profile_id)i); p && steps < 20; steps++)
            p = httpc_profile_fallback(p);
        cr_assert_lt(steps, 20, "profile %d: the chain loops", i);
    }
    cr_assert_null(httpc_profile_fallback(NULL));
}

/* strict=True: 2.x, 3.0 and 3.1 have a -strict sibling; 3.2/3.3 take the
 * argument and ignore it; 3.4 removed it. */
Test(profile, httpc_profile_with_strict_follows_the_documents)
{
    const char *in[] = {"py26", "py27", "py30", "py31", "py32", "py33"};
    const char *out[] = {"py26-strict", "py27-strict", "py30-strict", "py31-strict", "py32", "py33"};

    for (size_t i = 0; i < 6; i++) {
        const httpc_profile *s = httpc_profile_with_strict(httpc_profile_by_name(in[i]));
        cr_assert_str_eq(s->name, out[i]);
        cr_assert_not(s->accept_http09);
        cr_assert(s->has_strict_arg);
    }
    cr_assert_null(httpc_profile_with_strict(httpc_profile_by_name("py34")));
    cr_assert_null(httpc_profile_with_strict(httpc_profile_by_name("py3")));
    cr_assert_null(httpc_profile_with_strict(httpc_profile_by_name("strict")));
}

/* Each behaviour that changed, at the version that changed it. */
Test(profile, httpc_profile_fields_change_where_the_versions_do)
{
    static const struct {
        const char *name;
        int http09, empty, closed_eof, framing, iter, with_head, underscores;
    } rows[] = {
        {"py26", 1, HTTPC_EMPTY_BAD_STATUS_REPR, 0, HTTPC_FRAMING_LENGTH, 0, 0, 0},
        {"py27", 1, HTTPC_EMPTY_BAD_STATUS_MESSAGE, 0, HTTPC_FRAMING_LENGTH, 0, 1, 0},
        {"py30", 1, HTTPC_EMPTY_BAD_STATUS_REPR, 1, HTTPC_FRAMING_LENGTH, 0, 0, 0},
        {"py31", 1, HTTPC_EMPTY_BAD_STATUS_REPR, 1, HTTPC_FRAMING_LENGTH, 0, 1, 0},
        {"py32", 0, HTTPC_EMPTY_BAD_STATUS_REPR, 1, HTTPC_FRAMING_LENGTH, 1, 1, 0},
        {"py33", 0, HTTPC_EMPTY_BAD_STATUS_REPR, 1, HTTPC_FRAMING_LENGTH, 1, 1, 0},
        {"py34", 0, HTTPC_EMPTY_BAD_STATUS_REPR, 0, HTTPC_FRAMING_LENGTH, 1, 1, 0},
        {"py35", 0, HTTPC_EMPTY_REMOTE_DISCONNECTED, 0, HTTPC_FRAMING_LENGTH, 1, 1, 0},
        {"py36", 0, HTTPC_EMPTY_REMOTE_DISCONNECTED, 0, HTTPC_FRAMING_CHUNKED, 1, 0, 1},
        {"py3", 0, HTTPC_EMPTY_REMOTE_DISCONNECTED, 0, HTTPC_FRAMING_CHUNKED, 1, 0, 1},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const httpc_profile *p = httpc_profile_by_name(rows[i].name);
        cr_assert_eq(p->accept_http09, rows[i].http09, "%s", rows[i].name);
        cr_assert_eq((int)p->empty_reply, rows[i].empty, "%s", rows[i].name);
        cr_assert_eq(p->closed_at_eof, rows[i].closed_eof, "%s", rows[i].name);
        cr_assert_eq((int)p->body_framing, rows[i].framing, "%s", rows[i].name);
        cr_assert_eq(p->iter_body, rows[i].iter, "%s", rows[i].name);
        cr_assert_eq(p->body_with_head, rows[i].with_head, "%s", rows[i].name);
        cr_assert_eq(p->int_underscores, rows[i].underscores, "%s", rows[i].name);
        cr_assert_eq(p->py27, rows[i].name[2] == '2', "%s", rows[i].name);
    }
}

/* The TLS fields: ssl.match_hostname after the handshake up to 3.6 (2.7.9+
 * too), with IP addresses from 3.5 (bpo-23239); a reset read as EOF from
 * 3.10 (run: 3.6.15 and 3.9.18 ConnectionResetError, 3.10.13 EOF). */
Test(profile, httpc_profile_tls_fields_change_where_the_versions_do)
{
    static const struct {
        const char *name;
        int match_hostname, match_ip, reset_is_eof, cert_error;
    } rows[] = {
        {"py27", 1, 0, 0, 0}, {"py32", 1, 0, 0, 0}, {"py34", 1, 0, 0, 0},
        {"py35", 1, 1, 0, 0}, {"py36", 1, 1, 0, 0}, {"py3", 0, 0, 1, 1},
        {"strict", 0, 0, 0, 1},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const httpc_profile *p = httpc_profile_by_name(rows[i].name);
        cr_assert_eq(p->ssl_match_hostname, rows[i].match_hostname, "%s", rows[i].name);
        cr_assert_eq(p->ssl_match_ip, rows[i].match_ip, "%s", rows[i].name);
        cr_assert_eq(p->ssl_reset_is_eof, rows[i].reset_is_eof, "%s", rows[i].name);
        cr_assert_eq(p->ssl_cert_error, rows[i].cert_error, "%s", rows[i].name);
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

/* source_address came in 2.7 and 3.2 (both documents: "versionchanged"),
 * HTTPResponse.readinto of its own in 3.3; strict has both. */
Test(profile, httpc_profile_get_api_by_version)
{
    static const struct {
        httpc_profile_id id;
        int source_address, readinto;
    } want[] = {
        {HTTPC_PROFILE_PY26, 0, 0}, {HTTPC_PROFILE_PY26_STRICT, 0, 0},
        {HTTPC_PROFILE_PY27, 1, 0}, {HTTPC_PROFILE_PY27_STRICT, 1, 0},
        {HTTPC_PROFILE_PY30, 0, 0}, {HTTPC_PROFILE_PY31_STRICT, 0, 0},
        {HTTPC_PROFILE_PY32, 1, 0}, {HTTPC_PROFILE_PY33, 1, 1},
        {HTTPC_PROFILE_PY34, 1, 1}, {HTTPC_PROFILE_PY36, 1, 1},
        {HTTPC_PROFILE_PY3, 1, 1},  {HTTPC_PROFILE_STRICT, 1, 1},
    };

    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const httpc_profile *p = httpc_profile_get(want[i].id);
        cr_assert_eq(p->has_source_address, want[i].source_address, "%s", p->name);
        cr_assert_eq(p->has_readinto, want[i].readinto, "%s", p->name);
    }
}
