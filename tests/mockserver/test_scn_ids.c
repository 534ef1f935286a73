/* SPDX-License-Identifier: MIT */
/* Tests of mockserver/src/scn_ids.c: the duplicate-id rule every tool that
 * loads a library applies. */
#include "httpc_scenario.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

static httpc_scenario scn(const char *id, const char *file, int line)
{
    return (httpc_scenario){.id = (char *)id, .file = (char *)file, .id_line = line};
}

Test(scn_ids, add_new_ids)
{
    httpc_scn_ids ids = {0};
    char err[256] = "";
    httpc_scenario a = scn("a/one", "a.scn", 3), b = scn("a/two", "b.scn", 4);
    cr_assert_eq(httpc_scn_ids_add(&ids, &a, err, sizeof err), 0);
    cr_assert_eq(httpc_scn_ids_add(&ids, &b, err, sizeof err), 0);
    cr_assert_eq(ids.n, 2);
    cr_assert_str_empty(err);
    httpc_scn_ids_free(&ids);
    cr_assert_eq(ids.n, 0);
}

Test(scn_ids, add_duplicate_names_both_places)
{
    httpc_scn_ids ids = {0};
    char err[256];
    httpc_scenario a = scn("t/same", "first.scn", 3), b = scn("t/same", "second.scn", 7);
    cr_assert_eq(httpc_scn_ids_add(&ids, &a, err, sizeof err), 0);
    cr_assert_eq(httpc_scn_ids_add(&ids, &b, err, sizeof err), -1);
    cr_assert_str_eq(err, "second.scn:7: duplicate id 't/same' (also first.scn:3)");
    cr_assert_eq(ids.n, 1);
    httpc_scn_ids_free(&ids);
}

/* Growing the table rehashes every id: each of many ids is still found. */
Test(scn_ids, add_many_survives_growth)
{
    httpc_scn_ids ids = {0};
    char err[256], id[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(id, sizeof id, "sweep/N=%d", i);
        httpc_scenario s = scn(id, "sweep.scn", 2);
        cr_assert_eq(httpc_scn_ids_add(&ids, &s, err, sizeof err), 0, "%s", id);
    }
    for (int i = 0; i < 5000; i += 499) {
        snprintf(id, sizeof id, "sweep/N=%d", i);
        httpc_scenario s = scn(id, "again.scn", 9);
        cr_assert_eq(httpc_scn_ids_add(&ids, &s, err, sizeof err), -1, "%s", id);
        cr_assert(strstr(err, "(also sweep.scn:2)") != NULL, "%s", err);
    }
    cr_assert_eq(ids.n, 5000);
    httpc_scn_ids_free(&ids);
}
