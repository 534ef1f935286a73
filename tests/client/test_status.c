/* SPDX-License-Identifier: MIT */
/* Tests of status.c: the 53 constants of the 3.4 document and `responses`. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "httpc.h"

Test(status, httpc_status_count_is_the_documented_53)
{
    cr_assert_eq(httpc_status_count(), 53);
    cr_assert_eq(httpc_status_code_at(0), 100);
    cr_assert_eq(httpc_status_code_at(52), 511);
    cr_assert_eq(httpc_status_code_at(53), -1);
}

Test(status, httpc_status_phrase_matches_responses)
{
    /* http.client.responses in CPython 3.11.7 (tests/client/oracle_errors.py) */
    cr_assert_str_eq(httpc_status_phrase(200), "OK");
    cr_assert_str_eq(httpc_status_phrase(404), "Not Found");
    cr_assert_str_eq(httpc_status_phrase(203), "Non-Authoritative Information");
    cr_assert_str_eq(httpc_status_phrase(511), "Network Authentication Required");
    cr_assert_str_eq(httpc_status_name(428), "PRECONDITION_REQUIRED");
    cr_assert_eq(HTTPC_STATUS_TOO_MANY_REQUESTS, 429);
    cr_assert_null(httpc_status_phrase(299));
    cr_assert_null(httpc_status_name(0));
}

/* Every constant named in the 3.4/3.5 document is in the table, when the
 * document is there to read (it is not part of the build). */
Test(status, every_documented_constant)
{
    FILE *f = fopen(HTTPC_TEST_SOURCE_DIR "/../shared/reference/seeds/004_df21e4129e17ea27.txt",
                    "r");
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
