/* SPDX-License-Identifier: MIT */
/* Tests of errors.c: Python's class names and the exception tree, checked
 * against CPython 3.11.7 through oracle_errors.inc (oracle_errors.py). */
#include <criterion/criterion.h>
#include <string.h>

#include "httpc.h"

typedef struct oracle_err_class {
    int code;
    const char *name;
    const char *module;
} oracle_err_class;

typedef struct oracle_err_pair {
    int a, b;
    int is_subclass; /* issubclass(a, b) */
} oracle_err_pair;

#include "oracle_errors.inc"

#define NCLASSES (sizeof oracle_err_classes / sizeof oracle_err_classes[0])
#define NPAIRS (sizeof oracle_err_pairs / sizeof oracle_err_pairs[0])

/* Every code of the X-macro, generated the same way errors.c is. */
#define CODE_OF(name, val, py, parent, parent2, msg) HTTPC_E_##name,
static const int all_codes[] = {HTTPC_ERRNO_MAP(CODE_OF)};
#undef CODE_OF
#define NCODES (sizeof all_codes / sizeof all_codes[0])

/* The codes with no Python class, and the names we give them. */
static const struct {
    int code;
    const char *name;
} beyond_python[] = {
    {HTTPC_E_AGAIN, "NeedMoreData"},
    {HTTPC_E_NOT_FOUND, "NotFound"},
    {HTTPC_E_NO_ROOM, "NoRoom"},
    {HTTPC_E_INVALID_HEADER, "InvalidHeader"},
    {HTTPC_E_INVALID_FRAMING, "InvalidFraming"},
};
#define NBEYOND (sizeof beyond_python / sizeof beyond_python[0])

/* Classes of older Pythons that 3.11 names otherwise: 2.7 and 3.2-3.6's
 * ssl.CertificateError(ValueError) (3.7 made it an alias of
 * SSLCertVerificationError). Its tree, as 3.6.15 gives it: a ValueError,
 * no OSError. */
static const struct {
    int code;
    const char *name;
} older_python[] = {
    {HTTPC_E_CERTIFICATE_ERROR, "CertificateError"},
};
#define NOLDER (sizeof older_python / sizeof older_python[0])

Test(errors, certificate_error_is_36s_value_error)
{
    cr_assert(httpc_err_is(HTTPC_E_CERTIFICATE_ERROR, HTTPC_E_VALUE_ERROR));
    cr_assert(!httpc_err_is(HTTPC_E_CERTIFICATE_ERROR, HTTPC_E_OS_ERROR));
    cr_assert(!httpc_err_is(HTTPC_E_CERTIFICATE_ERROR, HTTPC_E_SSL_ERROR));
    cr_assert(!httpc_err_is(HTTPC_E_CERTIFICATE_ERROR, HTTPC_E_HTTP_EXCEPTION));
    cr_assert_eq(httpc_err_parent(HTTPC_E_CERTIFICATE_ERROR), HTTPC_E_VALUE_ERROR);
}

Test(errors, httpc_err_name_every_code)
{
    for (size_t i = 0; i < NCLASSES; i++)
        cr_assert_str_eq(httpc_err_name(oracle_err_classes[i].code), oracle_err_classes[i].name,
                         "%s.%s", oracle_err_classes[i].module, oracle_err_classes[i].name);
    for (size_t i = 0; i < NBEYOND; i++)
        cr_assert_str_eq(httpc_err_name(beyond_python[i].code), beyond_python[i].name);
    for (size_t i = 0; i < NOLDER; i++)
        cr_assert_str_eq(httpc_err_name(older_python[i].code), older_python[i].name);
    /* Every code is either a Python class or one of those above. */
    cr_assert_eq(NCODES, NCLASSES + NBEYOND + NOLDER);
}

Test(errors, httpc_err_name_unknown_values)
{
    cr_assert_str_eq(httpc_err_name(0), "OK");
    cr_assert_str_eq(httpc_err_name(-4), "UnknownError");
    cr_assert_str_eq(httpc_err_name(-9999), "UnknownError");
    cr_assert_str_eq(httpc_err_name(12), "UnknownError");
    cr_assert_str_eq(httpc_err_name(-2147483647 - 1), "UnknownError");
}

Test(errors, httpc_err_message_every_code)
{
    for (size_t i = 0; i < NCODES; i++) {
        const char *m = httpc_err_message(all_codes[i]);
        cr_assert_not_null(m);
        cr_assert_gt(strlen(m), 0, "%s", httpc_err_name(all_codes[i]));
        cr_assert_str_neq(m, "unknown error", "%s", httpc_err_name(all_codes[i]));
    }
    cr_assert_str_eq(httpc_err_message(HTTPC_E_LINE_TOO_LONG), "line too long");
    cr_assert_str_eq(httpc_err_message(HTTPC_E_REMOTE_DISCONNECTED),
                     "remote end closed connection without response"); /* CPython's text */
    cr_assert_str_eq(httpc_err_message(0), "success");
    cr_assert_str_eq(httpc_err_message(-9999), "unknown error");
}

/* issubclass() for every ordered pair of codes that are Python classes. */
Test(errors, httpc_err_is_matches_issubclass)
{
    cr_assert_eq(NPAIRS, NCLASSES * NCLASSES);
    for (size_t i = 0; i < NPAIRS; i++) {
        const oracle_err_pair *p = &oracle_err_pairs[i];
        cr_assert_eq(!!httpc_err_is(p->a, p->b), p->is_subclass, "issubclass(%s, %s)",
                     httpc_err_name(p->a), httpc_err_name(p->b));
    }
}

/* The pairs the brief singles out, spelled out so a reader sees them. */
Test(errors, httpc_err_is_remote_disconnected_has_two_bases)
{
    static const int bases[] = {HTTPC_E_REMOTE_DISCONNECTED, HTTPC_E_BAD_STATUS_LINE,
                                HTTPC_E_HTTP_EXCEPTION,      HTTPC_E_CONNECTION_RESET,
                                HTTPC_E_CONNECTION_ERROR,    HTTPC_E_OS_ERROR};
    for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++)
        cr_assert(httpc_err_is(HTTPC_E_REMOTE_DISCONNECTED, bases[i]), "%s",
                  httpc_err_name(bases[i]));
    cr_assert_not(httpc_err_is(HTTPC_E_BAD_STATUS_LINE, HTTPC_E_REMOTE_DISCONNECTED));
    cr_assert_not(httpc_err_is(HTTPC_E_CONNECTION_RESET, HTTPC_E_HTTP_EXCEPTION));
    cr_assert_not(httpc_err_is(HTTPC_E_REMOTE_DISCONNECTED, HTTPC_E_BROKEN_PIPE));
    cr_assert_not(httpc_err_is(HTTPC_E_REMOTE_DISCONNECTED, HTTPC_E_VALUE_ERROR));
    cr_assert_eq(httpc_err_parent(HTTPC_E_REMOTE_DISCONNECTED), HTTPC_E_BAD_STATUS_LINE);
}

Test(errors, httpc_err_is_connection_state)
{
    cr_assert(httpc_err_is(HTTPC_E_CANNOT_SEND_REQUEST, HTTPC_E_IMPROPER_CONNECTION_STATE));
    cr_assert(httpc_err_is(HTTPC_E_CANNOT_SEND_HEADER, HTTPC_E_IMPROPER_CONNECTION_STATE));
    cr_assert(httpc_err_is(HTTPC_E_RESPONSE_NOT_READY, HTTPC_E_IMPROPER_CONNECTION_STATE));
    cr_assert(httpc_err_is(HTTPC_E_CANNOT_SEND_REQUEST, HTTPC_E_HTTP_EXCEPTION));
    cr_assert_not(httpc_err_is(HTTPC_E_INCOMPLETE_READ, HTTPC_E_IMPROPER_CONNECTION_STATE));
    cr_assert_eq(httpc_err_parent(HTTPC_E_CANNOT_SEND_REQUEST), HTTPC_E_IMPROPER_CONNECTION_STATE);
    cr_assert_eq(httpc_err_parent(HTTPC_E_HTTP_EXCEPTION), 0);
}

/* AGAIN, NOT_FOUND and NO_ROOM are not failures: no class is their ancestor
 * and they are nobody's ancestor; each is only itself. */
Test(errors, httpc_err_is_again_is_a_nothing)
{
    static const int outside[] = {HTTPC_E_AGAIN, HTTPC_E_NOT_FOUND, HTTPC_E_NO_ROOM};
    for (size_t k = 0; k < 3; k++) {
        for (size_t i = 0; i < NCODES; i++) {
            int same = all_codes[i] == outside[k];
            cr_assert_eq(!!httpc_err_is(outside[k], all_codes[i]), same, "%s is-a %s",
                         httpc_err_name(outside[k]), httpc_err_name(all_codes[i]));
            cr_assert_eq(!!httpc_err_is(all_codes[i], outside[k]), same, "%s is-a %s",
                         httpc_err_name(all_codes[i]), httpc_err_name(outside[k]));
        }
        cr_assert_eq(httpc_err_parent(outside[k]), 0);
    }
}

/* The strict profile's codes are HTTPExceptions, so callers that catch
 * HTTPException as Python code does catch them too. */
Test(errors, httpc_err_is_strict_codes_are_http_exceptions)
{
    cr_assert(httpc_err_is(HTTPC_E_INVALID_HEADER, HTTPC_E_HTTP_EXCEPTION));
    cr_assert(httpc_err_is(HTTPC_E_INVALID_FRAMING, HTTPC_E_HTTP_EXCEPTION));
    cr_assert_not(httpc_err_is(HTTPC_E_INVALID_FRAMING, HTTPC_E_INCOMPLETE_READ));
    cr_assert_not(httpc_err_is(HTTPC_E_INVALID_HEADER, HTTPC_E_BAD_STATUS_LINE));
}

Test(errors, httpc_err_is_ok_and_unknown)
{
    cr_assert_not(httpc_err_is(0, 0));
    cr_assert_not(httpc_err_is(0, HTTPC_E_HTTP_EXCEPTION));
    cr_assert_not(httpc_err_is(HTTPC_E_HTTP_EXCEPTION, 0));
    cr_assert_not(httpc_err_is(-9999, -9999));
    cr_assert_not(httpc_err_is(-9999, HTTPC_E_HTTP_EXCEPTION));
    cr_assert_not(httpc_err_is(HTTPC_E_OS_ERROR, -9999));
    cr_assert_eq(httpc_err_parent(-9999), 0);
}

/* The parent column agrees with is-a: each code is-a its parents, and the
 * walk ends (no cycles) for every code. */
Test(errors, httpc_err_parent_every_code)
{
    for (size_t i = 0; i < NCODES; i++) {
        int e = all_codes[i], depth = 0;
        if (httpc_err_parent(e) != 0)
            cr_assert(httpc_err_is(e, httpc_err_parent(e)));
        for (int p = e; p != 0; p = httpc_err_parent(p))
            cr_assert_lt(++depth, 8, "%s", httpc_err_name(e));
    }
}

Test(errors, codes_are_never_renumbered)
{
    /* Values are part of the ABI. */
    cr_assert_eq(HTTPC_E_AGAIN, -1);
    cr_assert_eq(HTTPC_E_NOT_FOUND, -2);
    cr_assert_eq(HTTPC_E_NO_ROOM, -3);
    cr_assert_eq(HTTPC_E_HTTP_EXCEPTION, -10);
    cr_assert_eq(HTTPC_E_INCOMPLETE_READ, -16);
    cr_assert_eq(HTTPC_E_BAD_STATUS_LINE, -21);
    cr_assert_eq(HTTPC_E_LINE_TOO_LONG, -22);
    cr_assert_eq(HTTPC_E_REMOTE_DISCONNECTED, -23);
    cr_assert_eq(HTTPC_E_INVALID_HEADER, -30);
    cr_assert_eq(HTTPC_E_INVALID_FRAMING, -31);
    cr_assert_eq(HTTPC_E_VALUE_ERROR, -50);
    cr_assert_eq(HTTPC_E_OS_ERROR, -60);
    cr_assert_eq(HTTPC_E_SSL_EOF, -72);
    cr_assert_eq(HTTPC_E_CERTIFICATE_ERROR, -73);
}
