/* SPDX-License-Identifier: MIT */
/* Tests of status.c: the 53 constants of the 3.4 document and `responses`,
 * against CPython 3.11.7's http.client.responses (oracle_responses.inc, from
 * oracle_errors.py) and the document itself. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "httpc.h"

typedef struct oracle_response {
    int code;
    const char *name;
    const char *phrase;
} oracle_response;

#include "oracle_responses.inc"

#define NRESPONSES (sizeof oracle_responses / sizeof oracle_responses[0])

Test(status, httpc_status_count_is_the_documented_53)
{
    cr_assert_eq(httpc_status_count(), 53);
    cr_assert_eq(httpc_status_code_at(0), 100);
    cr_assert_eq(httpc_status_code_at(52), 511);
    cr_assert_eq(httpc_status_code_at(53), -1);
    cr_assert_eq(httpc_status_code_at((size_t)-1), -1);
}

/* Iteration gives each code once, in ascending order, each with a name and
 * a phrase. */
Test(status, httpc_status_code_at_iterates_the_table)
{
    int prev = 0;
    for (size_t i = 0; i < httpc_status_count(); i++) {
        int code = httpc_status_code_at(i);
        cr_assert_gt(code, prev, "entry %zu", i);
        cr_assert_not_null(httpc_status_phrase(code));
        cr_assert_not_null(httpc_status_name(code));
        prev = code;
    }
}

/* Every entry of the table is in CPython 3.11's responses with the same
 * phrase and constant name. */
Test(status, httpc_status_phrase_matches_responses)
{
    size_t matched = 0;
    for (size_t i = 0; i < NRESPONSES; i++) {
        const oracle_response *o = &oracle_responses[i];
        if (httpc_status_phrase(o->code) == NULL)
            continue;
        cr_assert_str_eq(httpc_status_phrase(o->code), o->phrase, "%d", o->code);
        cr_assert_str_eq(httpc_status_name(o->code), o->name, "%d", o->code);
        matched++;
    }
    cr_assert_eq(matched, httpc_status_count(), "an entry CPython does not have");
}

/* The codes CPython 3.11 added after the 3.4 document (HTTPStatus grew):
 * they are not in the table, which follows the document, so responses[code]
 * gives NULL for them. This pins the difference. */
Test(status, httpc_status_phrase_newer_codes_absent)
{
    static const int newer[] = {103, 208, 308, 418, 421, 425, 451, 506, 508};
    size_t absent = 0;
    for (size_t i = 0; i < NRESPONSES; i++)
        if (httpc_status_phrase(oracle_responses[i].code) == NULL)
            absent++;
    cr_assert_eq(absent, sizeof newer / sizeof newer[0]);
    for (size_t i = 0; i < sizeof newer / sizeof newer[0]; i++) {
        cr_assert_null(httpc_status_phrase(newer[i]), "%d", newer[i]);
        cr_assert_null(httpc_status_name(newer[i]), "%d", newer[i]);
    }
}

Test(status, httpc_status_phrase_spot_checks)
{
    cr_assert_str_eq(httpc_status_phrase(200), "OK");
    cr_assert_str_eq(httpc_status_phrase(404), "Not Found");
    cr_assert_str_eq(httpc_status_phrase(203), "Non-Authoritative Information");
    cr_assert_str_eq(httpc_status_phrase(414), "Request-URI Too Long");
    cr_assert_str_eq(httpc_status_phrase(511), "Network Authentication Required");
    cr_assert_str_eq(httpc_status_name(428), "PRECONDITION_REQUIRED");
    cr_assert_eq(HTTPC_STATUS_TOO_MANY_REQUESTS, 429);
    cr_assert_null(httpc_status_phrase(299));
    cr_assert_null(httpc_status_phrase(-1));
    cr_assert_null(httpc_status_name(0));
}

/* Every constant named in the 3.4/3.5 document is in the table, when the
 * document is there to read (it is not part of the build). */
Test(status, every_documented_constant)
{
    FILE *f =
        fopen(HTTPC_TEST_SOURCE_DIR "/../shared/reference/seeds/004_df21e4129e17ea27.txt", "r");
    char line[512];
    int found = 0;
    if (f == NULL)
        cr_skip_test("the reference documents are not beside the checkout");
    while (fgets(line, sizeof line, f)) {
        char name[64];
        int code;
        if (sscanf(line, "| :const:`%63[A-Z_]` | ``%d``", name, &code) == 2) {
            found++;
            cr_assert_str_eq(httpc_status_name(code), name, "code %d", code);
        }
    }
    fclose(f);
    cr_assert_eq(found, 53);
}

/* Each profile's `responses`: 2.7's 41 entries (306 "(Unused)", no 102),
 * 3.6's HTTPStatus (57), 3.11's (62), read off the interpreters
 * (tests/oracle/gen_status.py --check compares them in ctest). */
Test(status, httpc_status_phrase_in_answers_per_profile)
{
    const httpc_profile *p27 = httpc_profile_get(HTTPC_PROFILE_PY27);
    const httpc_profile *p36 = httpc_profile_get(HTTPC_PROFILE_PY36);
    const httpc_profile *p3 = httpc_profile_get(HTTPC_PROFILE_PY3);

    cr_assert_eq(httpc_status_count_in(p27->status_table), 41);
    cr_assert_eq(httpc_status_count_in(p36->status_table), 57);
    cr_assert_eq(httpc_status_count_in(p3->status_table), 62);
    /* 3.3/3.4: 2.7's 41 and RFC 6585's four; the other constants of the
     * 3.4 document have no phrase before http.HTTPStatus. */
    cr_assert_eq(httpc_status_count_in(httpc_profile_get(HTTPC_PROFILE_PY33)->status_table), 45);
    cr_assert_eq(httpc_status_count_in(httpc_profile_get(HTTPC_PROFILE_PY34)->status_table), 45);
    cr_assert_eq(httpc_profile_get(HTTPC_PROFILE_PY32)->status_table, HTTPC_STATUS_TABLE_27);
    cr_assert_str_eq(httpc_status_phrase_in(HTTPC_STATUS_TABLE_34, 306), "(Unused)");
    cr_assert_str_eq(httpc_status_phrase_in(HTTPC_STATUS_TABLE_34, 429), "Too Many Requests");
    cr_assert_null(httpc_status_phrase_in(HTTPC_STATUS_TABLE_34, 102));
    cr_assert_null(httpc_status_phrase_in(HTTPC_STATUS_TABLE_34, 422));
    cr_assert_eq(httpc_status_code_in(HTTPC_STATUS_TABLE_34, 45), -1);
    cr_assert_str_eq(httpc_status_phrase_in(p27->status_table, 306), "(Unused)");
    cr_assert_null(httpc_status_phrase_in(p27->status_table, 102));
    cr_assert_null(httpc_status_phrase_in(p27->status_table, 428));
    cr_assert_str_eq(httpc_status_phrase_in(p3->status_table, 418), "I'm a Teapot");
    cr_assert_null(httpc_status_phrase_in(p36->status_table, 418));
    cr_assert_str_eq(httpc_status_phrase_in(HTTPC_STATUS_TABLE_34, 511),
                     "Network Authentication Required");
    cr_assert_eq(httpc_status_code_in(p27->status_table, 41), -1);
    cr_assert_null(httpc_status_phrase_in(99, 200));
}
