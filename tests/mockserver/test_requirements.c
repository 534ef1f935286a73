/* SPDX-License-Identifier: MIT */
/* Tests of requirements.c: the catalogue loads row by row, bad rows fail with
 * file:line, ids are checked, and a scenario's rfc lines are checked against it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "httpc_scenario.h"

static char err[512];
static char dir[] = "/tmp/httpc-req-XXXXXX";
static char path[600];

static int load_text(const char *text, httpc_req_catalog *cat)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    return httpc_req_catalog_load(path, cat, err, sizeof err);
}

static void setup(void)
{
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/requirements.txt", dir);
}

static void teardown(void)
{
    unlink(path);
    rmdir(dir);
}

TestSuite(requirements, .init = setup, .fini = teardown);

Test(requirements, httpc_req_catalog_load_rows)
{
    httpc_req_catalog cat;
    cr_assert_eq(
        load_text("# comment\n\n"
                  "9112-6.3-5 | MUST | RFC 9112 section 6.3 | An invalid length is fatal |\n"
                  "9112-9.6-1 | SHOULD NOT | RFC 9112 section 9.6 | Wait | cannot see it\n"
                  "9112-C.2-1 | MAY | RFC 9112 appendix C.2 | Accept 0.9\n",
                  &cat),
        0, "%s", err);
    cr_assert_eq(cat.nrows, 3);
    cr_assert_eq(cat.rows[0].level, HTTPC_REQ_MUST);
    cr_assert_null(cat.rows[0].untestable);
    cr_assert_str_eq(cat.rows[0].text, "An invalid length is fatal");
    cr_assert_eq(cat.rows[0].line, 3);
    cr_assert_eq(cat.rows[1].level, HTTPC_REQ_SHOULD_NOT);
    cr_assert_str_eq(cat.rows[1].untestable, "cannot see it");
    cr_assert_eq(httpc_req_find(&cat, "9112-C.2-1"), &cat.rows[2]);
    cr_assert_null(httpc_req_find(&cat, "9112-6.3-6"));
    cr_assert(httpc_req_is_must(HTTPC_REQ_MUST_NOT) && !httpc_req_is_must(HTTPC_REQ_SHOULD));
    cr_assert(httpc_req_is_should(HTTPC_REQ_SHOULD_NOT) && !httpc_req_is_should(HTTPC_REQ_MAY));
    cr_assert_str_eq(httpc_req_level_name(HTTPC_REQ_MUST_NOT), "MUST NOT");
    httpc_req_catalog_free(&cat);
}

Test(requirements, httpc_req_catalog_load_errors_name_file_and_line)
{
    httpc_req_catalog cat;
    char want[700];
    cr_assert_eq(load_text("9112-6.3 | MUST | s | t |\n", &cat), -1);
    snprintf(want, sizeof want, "%s:1: the id is not RFC-SECTION-N (9112-6.3-5)", path);
    cr_assert_str_eq(err, want);
    cr_assert_eq(load_text("9112-6.3-1 | MUSTN'T | s | t |\n", &cat), -1);
    snprintf(want, sizeof want, "%s:1: the level is not MUST, MUST NOT, SHOULD, SHOULD NOT or MAY",
             path);
    cr_assert_str_eq(err, want);
    cr_assert_eq(load_text("9112-6.3-1 | MUST | s |\n", &cat), -1);
    snprintf(want, sizeof want,
             "%s:1: a row is 'id | level | section | requirement | "
             "untestable-reason'",
             path);
    cr_assert_str_eq(err, want);
    cr_assert_eq(load_text("9112-6.3-1 | MUST | s | t |\n# x\n9112-6.3-1 | MAY | s | u |\n", &cat),
                 -1);
    snprintf(want, sizeof want, "%s:3: id 9112-6.3-1 is given twice (first on line 1)", path);
    cr_assert_str_eq(err, want);
    cr_assert_eq(load_text("9112-6.3-1 | MUST | s | t | why | more\n", &cat), -1);
    snprintf(want, sizeof want, "%s:1: more than five fields", path);
    cr_assert_str_eq(err, want);
    cr_assert_eq(cat.nrows, 0); /* freed on refusal */
}

Test(requirements, httpc_req_valid_id_forms)
{
    cr_assert(httpc_req_valid_id("9112-6.3-5"));
    cr_assert(httpc_req_valid_id("9110-15.2-1"));
    cr_assert(httpc_req_valid_id("9112-C.2-12"));
    cr_assert(httpc_req_valid_id("9112-4-1"));
    cr_assert(!httpc_req_valid_id("9112-6.3"));
    cr_assert(!httpc_req_valid_id("9112-6.3-0"));
    cr_assert(!httpc_req_valid_id("912-6.3-1"));
    cr_assert(!httpc_req_valid_id("9112-6..3-1"));
    cr_assert(!httpc_req_valid_id("9112-6.3-1x"));
}

Test(requirements, httpc_scn_check_rfc_against_the_catalogue)
{
    httpc_req_catalog cat;
    httpc_scenario *s;
    size_t n;
    cr_assert_eq(load_text("9112-6.3-5 | MUST | RFC 9112 section 6.3 | fatal |\n"
                           "9112-2.2-3 | MAY | RFC 9112 section 2.2 | bare LF |\n",
                           &cat),
                 0);
    const char *ok = "id: a/b\ntitle: t\nconnection\n  send \"x\"\nexpect: response\n"
                     "rfc 9112-6.3-5: error\nrfc 9112-2.2-3: any\n";
    cr_assert_eq(httpc_scn_parse("t.scn", ok, strlen(ok), &s, &n, err, sizeof err), 0, "%s", err);
    cr_assert_eq(httpc_scn_check_rfc(s, &cat, err, sizeof err), 0, "%s", err);
    httpc_scn_free_all(s, n);
    const char *unknown = "id: a/b\ntitle: t\nconnection\n  send \"x\"\nexpect: response\n"
                          "rfc 9112-6.3-6: error\n";
    cr_assert_eq(httpc_scn_parse("t.scn", unknown, strlen(unknown), &s, &n, err, sizeof err), 0);
    cr_assert_eq(httpc_scn_check_rfc(s, &cat, err, sizeof err), -1);
    char want[700];
    snprintf(want, sizeof want, "t.scn:6: requirement 9112-6.3-6 is not in the catalogue (%s)",
             path);
    cr_assert_str_eq(err, want);
    httpc_scn_free_all(s, n);
    const char *may = "id: a/b\ntitle: t\nconnection\n  send \"x\"\nexpect: response\n"
                      "rfc 9112-2.2-3: error\n";
    cr_assert_eq(httpc_scn_parse("t.scn", may, strlen(may), &s, &n, err, sizeof err), 0);
    cr_assert_eq(httpc_scn_check_rfc(s, &cat, err, sizeof err), -1);
    cr_assert_str_eq(err,
                     "t.scn:6: 9112-2.2-3 is a MAY: cite it with 'any' (no outcome breaks it)");
    httpc_scn_free_all(s, n);
    httpc_req_catalog_free(&cat);
}

Test(requirements, httpc_req_catalog_locate_walks_up)
{
    char sub[700], found[4096];
    httpc_req_catalog cat;
    cr_assert_eq(load_text("", &cat), 0);
    httpc_req_catalog_free(&cat);
    snprintf(sub, sizeof sub, "%s/area", dir);
    cr_assert_eq(mkdir(sub, 0700), 0);
    cr_assert_eq(httpc_req_catalog_locate(sub, found, sizeof found), 0);
    char real[4096];
    cr_assert_not_null(realpath(path, real));
    cr_assert_str_eq(found, real);
    rmdir(sub);
}
