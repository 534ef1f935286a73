/* SPDX-License-Identifier: MIT */
/* Tests of judge.c (and the adapter outcome parser of adapter.c it judges):
 * each verdict from an outcome and the server's facts, every expectation
 * field, the request-side checks, known deviations, and JSON outcomes that
 * are malformed. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"

static char err[512];

/* A scenario with `expects` (lines) and `extra` keys, for the judge. */
static httpc_scenario *scenario(const char *extra, const char *expects)
{
    char text[2048];
    httpc_scenario *s;
    size_t n;
    int len = snprintf(text, sizeof text,
                       "id: t/j\ntitle: t\n%sconnection\n  read request\n  send \"x\"\n%s", extra,
                       expects);
    cr_assert_eq(httpc_scn_parse("t.scn", text, (size_t)len, &s, &n, err, sizeof err), 0, "%s",
                 err);
    cr_assert_eq(n, 1);
    return s;
}

static outcome response(int status, const char *body)
{
    outcome o = {.status = status, .version = 11, .have_resp = 1, .will_close = 0,
                 .conn_kept = 1, .partial = -1, .expected = -1};
    snprintf(o.reason, sizeof o.reason, "OK");
    o.reason_len = 2;
    o.body = (unsigned char *)strdup(body);
    o.body_len = strlen(body);
    return o;
}

static outcome error(const char *cls)
{
    outcome o = {.partial = -1, .expected = -1, .conn_kept = 0};
    snprintf(o.error, sizeof o.error, "%s", cls);
    return o;
}

/* The harness's own outcome: how the run went, and its message. */
static outcome harness(conform_run run, const char *msg)
{
    outcome o = error(msg);
    o.run = run;
    return o;
}

static const char *judge(const httpc_scenario *s, const char *profile, outcome o,
                         const conform_facts *f, char *why)
{
    static result r;
    memset(&r, 0, sizeof r);
    r.o = o;
    conform_judge(s, profile, f, &r);
    if (why)
        strcpy(why, r.why);
    free(o.body);
    return conform_verdict_name(r.verdict);
}

Test(judge, conform_judge_each_verdict)
{
    httpc_scenario *s = scenario("", "expect: response status=200 body=\"ok\"\n"
                                     "expect lenient: error BadStatusLine\n");
    conform_facts f = {.connections = 1, .timeout_ms = 100};
    char why[512];
    cr_assert_str_eq(judge(s, "py3", response(200, "ok"), &f, why), "pass");
    cr_assert_str_eq(judge(s, "py3", error("BadStatusLine"), &f, why), "lenient");
    cr_assert_str_eq(judge(s, "py3", response(201, "ok"), &f, why), "fail");
    cr_assert_str_eq(why, "status 201, expected 200");
    cr_assert_str_eq(judge(s, "py3", harness(CONFORM_RUN_TIMEOUT, "harness: timeout"), &f, why),
                     "timeout");
    cr_assert_str_eq(why, "the client had not finished 5100 ms after its 100 ms timeout");
    cr_assert_str_eq(judge(s, "py3",
                           harness(CONFORM_RUN_HARNESS_ERROR, "harness: no JSON outcome (exit 1)"),
                           &f, why),
                     "harness-error");
    /* The verdict follows how the run went, never the error's text: a client
     * whose error merely reads like the harness's is judged as any error. */
    cr_assert_str_eq(judge(s, "py3", error("harness: timeout"), &f, why), "fail");
    f.cut = 1;
    cr_assert_str_eq(judge(s, "py3", response(500, ""), &f, why), "fail");
    cr_assert(strstr(why, "(the server script had to be cut)") != NULL, "%s", why);
    httpc_scn_free_all(s, 1);
}

Test(judge, conform_judge_server_facts)
{
    httpc_scenario *s = scenario("check-connections: 1\ncheck-request-line: \"GET /a HTTP/1.1\"\n"
                                 "check-request-header: Host: 127.0.0.1:{port}\n",
                                 "expect: response status=200\n");
    const char good[] = "GET /a HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n";
    conform_facts f = {.connections = 1, .port = 8080, .rx = (const unsigned char *)good,
                       .rx_len = sizeof good - 1};
    char why[512];
    cr_assert_str_eq(judge(s, "py3", response(200, ""), &f, why), "pass", "%s", why);
    f.connections = 2;
    cr_assert_str_eq(judge(s, "py3", response(200, ""), &f, why), "fail");
    cr_assert_str_eq(why, "the server saw 2 connections, expected 1");
    f.connections = 1;
    f.port = 9090; /* {port} is the server's */
    cr_assert_str_eq(judge(s, "py3", response(200, ""), &f, why), "fail");
    cr_assert_str_eq(why, "request lacks header 'Host: 127.0.0.1:9090'");
    const char bad[] = "GET /b HTTP/1.1\r\n\r\n";
    f.rx = (const unsigned char *)bad, f.rx_len = sizeof bad - 1;
    cr_assert_str_eq(judge(s, "py3", response(200, ""), &f, why), "fail");
    cr_assert_str_eq(why, "request line is 'GET /b HTTP/1.1'");
    f.rx = NULL, f.rx_len = 0; /* the client sent nothing */
    cr_assert_str_eq(judge(s, "py3", response(200, ""), &f, why), "fail");
    httpc_scn_free_all(s, 1);
}

/* Every field of an expectation is compared, and says what differed. */
Test(judge, conform_matches_every_field)
{
    const struct {
        const char *expect;
        const char *why; /* NULL: matches */
    } cases[] = {
        {"expect: response status=200 reason=\"OK\" version=11 body=\"hi\" will-close=no "
         "conn=kept header=\"X-A: 1\"", NULL},
        {"expect: response reason=\"Fine\"", "reason 'OK' (2 bytes), expected 'Fine' (4 bytes)"},
        {"expect: response reason=\"OK\\0\"", "reason 'OK' (2 bytes), expected 'OK' (3 bytes)"},
        {"expect: response version=10", "version 11, expected 10"},
        {"expect: response body=\"ho\"", "body \"hi\" (2 bytes), expected \"ho\" (2 bytes)"},
        {"expect: response body-len=3", "body length 2, expected 3"},
        {"expect: response body-sha256=" "8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4",
         NULL},
        {"expect: response will-close=yes", "will_close 0, expected 1"},
        {"expect: response conn=closed", "connection kept after the outcome, expected closed"},
        {"expect: response header=\"X-A: 2\"", "header X-A is '1', expected '2'"},
        {"expect: response header=\"X-B: 1\"", "header X-B is '(absent)', expected '1'"},
        {"expect: error BadStatusLine", "expected BadStatusLine, got a response"},
    };
    char *names[] = {"X-A"}, *values[] = {"1"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[512], why[512] = "";
        snprintf(text, sizeof text, "%s\n", cases[i].expect);
        httpc_scenario *s = scenario("", text);
        outcome o = response(200, "hi");
        snprintf(o.sha, sizeof o.sha, "%s",
                 "8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4");
        o.hnames = names, o.hvalues = values, o.nh = 1;
        int ok = conform_matches(httpc_scn_expect_for(s, "py3", 0), &o, why, sizeof why);
        cr_assert_eq(ok, cases[i].why == NULL, "%s: %s", cases[i].expect, why);
        if (cases[i].why)
            cr_assert_str_eq(why, cases[i].why, "%s", cases[i].expect);
        free(o.body);
        httpc_scn_free_all(s, 1);
    }
}

Test(judge, conform_matches_error_fields)
{
    httpc_scenario *s = scenario("", "expect: error IncompleteRead detail=\"5 bytes\" partial=5 "
                                     "expected=none\n");
    const httpc_scn_expect *e = httpc_scn_expect_for(s, "strict", 0);
    outcome o = error("IncompleteRead");
    char why[512];
    snprintf(o.detail, sizeof o.detail, "IncompleteRead(5 bytes read)");
    o.partial = 5;
    cr_assert(conform_matches(e, &o, why, sizeof why), "%s", why);
    o.expected = 3;
    cr_assert_not(conform_matches(e, &o, why, sizeof why));
    cr_assert_str_eq(why, "expected-more 3, wanted -1");
    o.expected = -1, o.partial = 4;
    cr_assert_not(conform_matches(e, &o, why, sizeof why));
    cr_assert_str_eq(why, "partial 4, expected 5");
    snprintf(o.detail, sizeof o.detail, "other");
    o.partial = 5;
    cr_assert_not(conform_matches(e, &o, why, sizeof why));
    cr_assert_str_eq(why, "detail 'other' lacks '5 bytes'");
    snprintf(o.error, sizeof o.error, "BadStatusLine");
    cr_assert_not(conform_matches(e, &o, why, sizeof why));
    cr_assert_str_eq(why, "expected IncompleteRead, got BadStatusLine");
    httpc_scn_free_all(s, 1);
}

Test(judge, conform_apply_known)
{
    known k[] = {{.id = "t/j", .profile = "py3", .reason = "a documented difference"}};
    result r = {.s = NULL, .profile = "py3", .verdict = CONFORM_V_FAIL};
    httpc_scenario *s = scenario("", "expect: error OSError\n");
    r.s = s;
    conform_apply_known(&r, k, 1);
    cr_assert_str_eq(conform_verdict_name(r.verdict), "expected-failure");
    cr_assert(strstr(r.why, "[known: a documented difference]") != NULL, "%s", r.why);
    cr_assert(k[0].used);
    r.verdict = CONFORM_V_PASS;
    conform_apply_known(&r, k, 1);
    cr_assert_str_eq(conform_verdict_name(r.verdict), "unexpected-pass");
    r.verdict = CONFORM_V_PASS, r.profile = "py27";
    conform_apply_known(&r, k, 1);
    cr_assert_str_eq(conform_verdict_name(r.verdict), "pass",
                     "another profile's entry does not apply");
    cr_assert(conform_is_failure(CONFORM_V_UNEXPECTED_PASS) && conform_is_failure(CONFORM_V_TIMEOUT) &&
              !conform_is_failure(CONFORM_V_EXPECTED_FAILURE) &&
              !conform_is_failure(CONFORM_V_LENIENT));
    httpc_scn_free_all(s, 1);
}

Test(judge, conform_load_known_reports_file_and_line, .init = cr_redirect_stderr)
{
    char path[] = "/tmp/httpc-known-XXXXXX";
    size_t n;
    FILE *f = fdopen(mkstemp(path), "w");
    fputs("# comment\n\nt/a py3: reason one\nt/c rfc: a MUST the client breaks\n"
          "t/b py4: bad profile\n", f);
    fclose(f);
    cr_assert_null(conform_load_known(path, &n));
    cr_assert_eq(n, (size_t)-1);
    fflush(stderr);
    char want[160];
    snprintf(want, sizeof want, "%s:5: unknown judge 'py4' (rfc or a profile)\n", path);
    cr_assert_stderr_eq_str(want);
    remove(path);
}

/* Writes `text` to the file at path (made by the caller, removed at the end of
 * the test) and loads it. */
static known *load_text(const char *text, const char *path, size_t *n)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return conform_load_known(path, n);
}

static void temp_path(char *path)
{
    strcpy(path, "/tmp/httpc-known-XXXXXX");
    close(mkstemp(path));
}

/* Reasons longer than the old 511-byte field were cut without a word (the
 * fetch, go, node and undici files have such lines); now they load whole, and
 * what does not fit is an error with its line, never a shortened reason. */
Test(judge, conform_load_known_keeps_long_reasons_whole, .init = cr_redirect_stderr)
{
    char text[3000], path[32], want[160];
    size_t n;
    temp_path(path);
    memset(text, 0, sizeof text);
    strcpy(text, "t/a py3: ");
    memset(text + strlen(text), 'r', 900);
    strcat(text, "\nt/b py27 intermittent: seen in some runs\n");
    known *k = load_text(text, path, &n);
    cr_assert_not_null(k);
    cr_assert_eq(n, 2);
    cr_assert_eq(strlen(k[0].reason), 900);
    cr_assert(!k[0].intermittent && k[1].intermittent && k[1].line == 2);
    cr_assert_str_eq(k[1].reason, "seen in some runs");
    free(k);
    memset(text, 0, sizeof text);
    strcpy(text, "t/a py3: ok\nt/b py3: ");
    memset(text + strlen(text), 'r', 1100);
    strcat(text, "\n");
    cr_assert_null(load_text(text, path, &n));
    cr_assert_eq(n, (size_t)-1);
    memset(text, 0, sizeof text);
    strcpy(text, "t/c py3: ");
    memset(text + strlen(text), 'r', 2100);
    cr_assert_null(load_text(text, path, &n));
    fflush(stderr);
    snprintf(want, sizeof want, "%s:2: the reason is longer than 1023 bytes\n%s:1: line longer "
             "than 2046 bytes\n", path, path);
    cr_assert_stderr_eq_str(want);
    remove(path);
}

Test(judge, conform_load_known_refuses_bad_lines, .init = cr_redirect_stderr)
{
    char path[32], want[400];
    size_t n;
    temp_path(path);
    cr_assert_null(load_text("t/a py3 sometimes: x\n", path, &n));
    cr_assert_null(load_text("t/a: no judge\n", path, &n));
    cr_assert_null(load_text("  \n# c\nt/a py3 no colon\n", path, &n));
    cr_assert_eq(n, (size_t)-1);
    cr_assert_null(conform_load_known("/nonexistent/httpc-known", &n));
    cr_assert_eq(n, (size_t)-1, "a missing file is an error, not an empty list");
    fflush(stderr);
    snprintf(want, sizeof want,
             "%s:1: expected 'ID JUDGE: reason' or 'ID JUDGE intermittent: reason' before the "
             "colon\n%s:1: expected 'ID JUDGE: reason' or 'ID JUDGE intermittent: reason' before "
             "the colon\n%s:3: expected 'ID JUDGE: reason' (no colon)\n"
             "/nonexistent/httpc-known:0: cannot open\n", path, path, path);
    cr_assert_stderr_eq_str(want);
    remove(path);
}

/* A deviation the client shows in some runs only: listed as intermittent, a
 * failure is expected and a pass stays a pass (not unexpected-pass). */
Test(judge, conform_apply_known_intermittent)
{
    known k[] = {{.id = "t/j", .profile = "py3", .reason = "a race", .intermittent = 1}};
    httpc_scenario *s = scenario("", "expect: error OSError\n");
    result r = {.s = s, .profile = "py3", .verdict = CONFORM_V_PASS};
    conform_apply_known(&r, k, 1);
    cr_assert_str_eq(conform_verdict_name(r.verdict), "pass");
    cr_assert(k[0].used);
    r.verdict = CONFORM_V_FAIL;
    conform_apply_known(&r, k, 1);
    cr_assert_str_eq(conform_verdict_name(r.verdict), "expected-failure");
    httpc_scn_free_all(s, 1);
}

/* The adapter's JSON, well formed or not: never a crash, -1 when unusable. */
Test(judge, conform_parse_outcome_json)
{
    const char good[] = "{\"error\": null, \"status\": 200, \"reason\": \"OK\", \"version\": 11,"
                        " \"headers\": [[\"X-A\", \"1\"], [\"x-a\", \"2\"]], \"body_len\": 2,"
                        " \"body_b64\": \"aGk=\", \"connection\": \"closed\", \"will_close\":"
                        " true, \"native_error\": \"none\", \"extra\": {\"a\": [1, 2]}}";
    outcome o = {.partial = -1, .expected = -1, .conn_kept = -1};
    char v[64];
    cr_assert_eq(conform_parse_outcome(good, sizeof good - 1, &o), 0);
    cr_assert_eq(o.status, 200);
    cr_assert_eq(o.body_len, 2);
    cr_assert(o.body && memcmp(o.body, "hi", 2) == 0);
    cr_assert_eq(o.conn_kept, 0);
    cr_assert_eq(o.will_close, 1);
    cr_assert_eq(conform_outcome_header(&o, "x-A", v, sizeof v), 4);
    cr_assert_str_eq(v, "1, 2");
    free(o.body);
    for (size_t i = 0; i < o.nh; i++)
        free(o.hnames[i]), free(o.hvalues[i]);
    free(o.hnames), free(o.hvalues);
    const char *bad[] = {"", "[]", "{\"status\": ", "{\"error\": \"unterminated",
                         "{\"headers\": [[\"a\"", "{\"body_b64\": \"!!!!\"}", "\x01\x02", "{{{{"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        outcome b = {.partial = -1, .expected = -1, .conn_kept = -1};
        conform_parse_outcome(bad[i], strlen(bad[i]), &b); /* -1 or a partial outcome */
        free(b.body);
        for (size_t k = 0; k < b.nh; k++)
            free(b.hnames[k]), free(b.hvalues[k]);
        free(b.hnames), free(b.hvalues);
    }
    cr_assert_eq(conform_parse_outcome("[]", 2, &(outcome){0}), -1);
}

/* ---- the RFC judge ---------------------------------------------------------- */

static httpc_req_catalog catalogue(void)
{
    char path[] = "/tmp/httpc-cat-XXXXXX";
    httpc_req_catalog cat;
    FILE *f = fdopen(mkstemp(path), "w");
    fputs("9112-6.3-5 | MUST | RFC 9112 section 6.3 | bad length is fatal |\n"
          "9112-9.6-2 | SHOULD | RFC 9112 section 9.6 | close after close |\n"
          "9112-2.2-3 | MAY | RFC 9112 section 2.2 | bare LF |\n",
          f);
    fclose(f);
    cr_assert_eq(httpc_req_catalog_load(path, &cat, err, sizeof err), 0, "%s", err);
    remove(path);
    return cat;
}

static const char *rfc_verdict(httpc_scenario *s, const httpc_req_catalog *cat, outcome o,
                               result *r)
{
    conform_facts f = {.connections = 1, .timeout_ms = 100};
    memset(r, 0, sizeof *r);
    r->o = o;
    conform_judge_rfc(s, cat, &f, r);
    return conform_verdict_name(r->verdict);
}

Test(judge, conform_judge_rfc_each_verdict)
{
    httpc_req_catalog cat = catalogue();
    httpc_scenario *s = scenario("", "expect: error IncompleteRead\n"
                                     "rfc 9112-6.3-5: error | response body=\"hello\"\n"
                                     "rfc 9112-9.6-2: response conn=closed | error\n"
                                     "rfc 9112-2.2-3: any\n");
    result r;
    outcome err_o = {.conn_kept = -1, .will_close = -1};
    snprintf(err_o.error, sizeof err_o.error, "HTTPException");
    cr_assert_str_eq(rfc_verdict(s, &cat, err_o, &r), "conformant");
    cr_assert_eq(r.ngrades, 3);
    cr_assert_eq(r.grades[0].grade, CONFORM_G_MET);
    cr_assert_eq(r.grades[2].grade, CONFORM_G_OPEN);
    cr_assert_str_eq(conform_grade_name(r.grades[0].grade), "met");
    cr_assert_str_eq(conform_grade_name(CONFORM_G__COUNT), "unknown-grade");
    free(r.grades);

    outcome hello = response(200, "hello");
    hello.conn_kept = 0;
    cr_assert_str_eq(rfc_verdict(s, &cat, hello, &r), "conformant");
    free(r.grades);
    hello.conn_kept = 1; /* the SHOULD alone is broken */
    cr_assert_str_eq(rfc_verdict(s, &cat, hello, &r), "should-deviation");
    cr_assert_eq(r.grades[1].grade, CONFORM_G_VIOLATED);
    cr_assert(strstr(r.why, "9112-9.6-2 (SHOULD)"), "%s", r.why);
    cr_assert_not(conform_is_failure(r.verdict));
    free(r.grades);
    hello.conn_kept = -1; /* an adapter that cannot tell */
    cr_assert_str_eq(rfc_verdict(s, &cat, hello, &r), "cannot-tell");
    cr_assert_eq(r.grades[1].grade, CONFORM_G_CANNOT_TELL);
    cr_assert_str_eq(conform_grade_name(r.grades[1].grade), "cannot-tell");
    free(r.grades);
    free(hello.body);

    outcome other = response(200, "hell");
    other.conn_kept = 0;
    cr_assert_str_eq(rfc_verdict(s, &cat, other, &r), "must-violation");
    cr_assert(strstr(r.why, "9112-6.3-5 (MUST): expected an error, got a response (nor any "
                            "other allowed outcome)"), "%s", r.why);
    cr_assert(conform_is_failure(r.verdict));
    free(r.grades);
    other.conn_kept = 1; /* both broken: the MUST decides */
    cr_assert_str_eq(rfc_verdict(s, &cat, other, &r), "must-violation");
    free(r.grades);
    free(other.body);

    outcome unsup = {.conn_kept = -1, .run = CONFORM_RUN_UNSUPPORTED};
    snprintf(unsup.error, sizeof unsup.error, "AdapterUnsupported");
    cr_assert_str_eq(rfc_verdict(s, &cat, unsup, &r), "unsupported");
    cr_assert_not(conform_is_failure(r.verdict));
    httpc_scn_free_all(s, 1);

    s = scenario("", "expect: error IncompleteRead\nrfc 9112-2.2-3: any\n");
    cr_assert_str_eq(rfc_verdict(s, &cat, err_o, &r), "unspecified");
    free(r.grades);
    httpc_scn_free_all(s, 1);
    s = scenario("", "expect: error IncompleteRead\n");
    cr_assert_str_eq(rfc_verdict(s, &cat, err_o, &r), "unspecified");
    cr_assert_str_eq(r.why, "the scenario cites no requirement");
    httpc_scn_free_all(s, 1);
    httpc_req_catalog_free(&cat);
}

/* A Python judge: a field the adapter cannot observe is cannot-tell, never a
 * failure, unless another field fails; AdapterUnsupported is unsupported. */
Test(judge, conform_judge_cannot_tell_and_unsupported)
{
    httpc_scenario *s = scenario("", "expect: response status=200 will-close=yes conn=closed\n");
    conform_facts f = {.connections = 1, .timeout_ms = 100};
    result r = {0};
    r.o = response(200, "x");
    r.o.will_close = -1;
    r.o.conn_kept = 0;
    conform_judge(s, "py3", &f, &r);
    cr_assert_str_eq(conform_verdict_name(r.verdict), "cannot-tell");
    cr_assert_str_eq(r.why, "the client does not report will_close");
    r.o.status = 201; /* a definite mismatch wins */
    conform_judge(s, "py3", &f, &r);
    cr_assert_str_eq(conform_verdict_name(r.verdict), "fail");
    r.o.status = 200, r.o.will_close = 1, r.o.conn_kept = -1;
    conform_judge(s, "py3", &f, &r);
    cr_assert_str_eq(conform_verdict_name(r.verdict), "cannot-tell");
    free(r.o.body);
    memset(&r, 0, sizeof r);
    const char *json = "{\"error\": \"AdapterUnsupported\", "
                       "\"native_error\": \"no proxy option\"}";
    cr_assert_eq(conform_parse_outcome(json, strlen(json), &r.o), 0);
    cr_assert_eq(r.o.run, CONFORM_RUN_UNSUPPORTED);
    conform_judge(s, "py3", &f, &r);
    cr_assert_str_eq(conform_verdict_name(r.verdict), "unsupported");
    cr_assert_str_eq(r.why, "the adapter cannot run this scenario: no proxy option");
    httpc_scn_free_all(s, 1);
    /* will_close: null in an adapter's JSON is unknown, not false */
    outcome o = {0};
    const char *js = "{\"error\": null, \"status\": 200, \"will_close\": null}";
    cr_assert_eq(conform_parse_outcome(js, strlen(js), &o), 0);
    cr_assert_eq(o.will_close, -1);
    const char *js2 = "{\"error\": null, \"status\": 200, \"will_close\": false}";
    cr_assert_eq(conform_parse_outcome(js2, strlen(js2), &o), 0);
    cr_assert_eq(o.will_close, 0);
}

/* read-cap: the judge takes the profile's read-cap=N expectation. */
Test(judge, conform_judge_read_cap_expectation)
{
    httpc_scenario *s = scenario("", "expect: response status=200\n"
                                     "expect py3 read-cap=1: error BadStatusLine\n");
    conform_facts f = {.connections = 1, .timeout_ms = 100};
    result r = {0};
    snprintf(r.o.error, sizeof r.o.error, "BadStatusLine");
    r.o.conn_kept = -1;
    r.read_cap = 1;
    conform_judge(s, "py3", &f, &r);
    cr_assert_str_eq(conform_verdict_name(r.verdict), "pass");
    r.read_cap = 0;
    conform_judge(s, "py3", &f, &r);
    cr_assert_str_eq(conform_verdict_name(r.verdict), "fail");
    r.read_cap = 1;
    conform_judge(s, "py27", &f, &r); /* py27 has no read-cap line: the usual one */
    cr_assert_str_eq(conform_verdict_name(r.verdict), "fail");
    httpc_scn_free_all(s, 1);
}

/* `request ...` sets grade what the server received, for any client. */
Test(judge, conform_judge_rfc_request_outcomes)
{
    httpc_req_catalog cat = catalogue();
    httpc_scenario *s = scenario("", "expect: response\n"
                                     "rfc 9112-6.3-5: request has-header=\"host\" "
                                     "header=\"Host: 127.0.0.1:{port}\" target=\"/x?y\" "
                                     "no-header=\"Content-Length\" connections=1\n");
    const char *rx = "GET /x?y HTTP/1.1\r\nhOsT:  127.0.0.1:8080 \r\nAccept: */*\r\n\r\n";
    conform_facts f = {.connections = 1, .timeout_ms = 100, .port = 8080,
                       .rx = (const unsigned char *)rx, .rx_len = strlen(rx)};
    result r = {0};
    r.o = response(200, "x");
    conform_judge_rfc(s, &cat, &f, &r);
    cr_assert_str_eq(conform_verdict_name(r.verdict), "conformant", "%s", r.why);
    free(r.grades);
    f.port = 9090;
    conform_judge_rfc(s, &cat, &f, &r);
    cr_assert_str_eq(conform_verdict_name(r.verdict), "must-violation");
    cr_assert(strstr(r.why, "request field Host is '127.0.0.1:8080', expected '127.0.0.1:9090'"),
              "%s", r.why);
    free(r.grades);
    f.port = 8080, f.connections = 2;
    conform_judge_rfc(s, &cat, &f, &r);
    cr_assert(strstr(r.why, "the server saw 2 connections, expected 1"), "%s", r.why);
    free(r.grades);
    const char *rx2 = "GET /x HTTP/1.1\r\nContent-Length: 0\r\n\r\nHost: body-not-head";
    f.connections = 1, f.rx = (const unsigned char *)rx2, f.rx_len = strlen(rx2);
    conform_judge_rfc(s, &cat, &f, &r);
    cr_assert(strstr(r.why, "request-target '/x', expected '/x?y'"), "%s", r.why);
    free(r.grades);
    f.rx = NULL, f.rx_len = 0;
    conform_judge_rfc(s, &cat, &f, &r);
    cr_assert(strstr(r.why, "the server received no request"), "%s", r.why);
    free(r.grades);
    free(r.o.body);
    httpc_scn_free_all(s, 1);
    s = scenario("", "expect: response\nrfc 9112-6.3-5: request has-header=\"Host\"\n");
    f.rx = (const unsigned char *)rx2, f.rx_len = strlen(rx2);
    r.o = response(200, "x");
    conform_judge_rfc(s, &cat, &f, &r); /* a field after the empty line is no field */
    cr_assert(strstr(r.why, "the request has no Host field"), "%s", r.why);
    free(r.grades);
    free(r.o.body);
    httpc_scn_free_all(s, 1);
    httpc_req_catalog_free(&cat);
}

/* The verdict table: every verdict has its own name, and exactly the
 * verdicts that should stop a CI run fail it. */
Test(judge, conform_verdict_table)
{
    const char *fails[] = {"fail", "unexpected-pass", "must-violation", "timeout",
                           "harness-error"};
    size_t nfail = 0;
    for (int v = 0; v < CONFORM_V__COUNT; v++) {
        const char *name = conform_verdict_name(v);
        for (int w = 0; w < v; w++)
            cr_assert_str_neq(name, conform_verdict_name(w));
        int listed = 0;
        for (size_t i = 0; i < sizeof fails / sizeof *fails; i++)
            listed |= !strcmp(name, fails[i]);
        cr_assert_eq(conform_is_failure(v), listed, "%s", name);
        nfail += listed;
        cr_assert_eq(conform_is_harness(v), !strcmp(name, "harness-error"), "%s", name);
        cr_assert_eq(conform_is_good(v), !strcmp(name, "pass") || !strcmp(name, "conformant"),
                     "%s", name);
    }
    cr_assert_eq(nfail, sizeof fails / sizeof *fails);
    cr_assert_str_eq(conform_verdict_name(CONFORM_V__COUNT), "unknown-verdict");
    cr_assert(conform_is_failure(CONFORM_V__COUNT), "an unknown verdict fails the run");
}
