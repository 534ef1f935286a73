/* SPDX-License-Identifier: MIT */
/* Tests of scenario.c: good files load with every field, bad files fail with
 * the right file:line message, sweeps expand, and sizes stay bounded. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "httpc_scenario.h"

#define HEAD "id: area/name\ntitle: t\n"
#define CONN "connection\n  read request\n  send \"x\"\n"

static char err[4096];

static int load_n(const char *text, size_t len, httpc_scenario **s, size_t *n)
{
    return httpc_scn_parse("t.scn", text, len, s, n, err, sizeof err);
}

static int load(const char *text, httpc_scenario **s, size_t *n)
{
    return load_n(text, strlen(text), s, n);
}

/* text[0..len) must load; the caller frees it (httpc_scn_free_all). */
static httpc_scenario *good_n(const char *text, size_t len, size_t *n)
{
    httpc_scenario *s;
    cr_assert_eq(load_n(text, len, &s, n), 0, "%s", err);
    return s;
}

static httpc_scenario *good(const char *text, size_t *n)
{
    return good_n(text, strlen(text), n);
}

/* text[0..len) must be refused with exactly `msg`. */
static void bad_n(const char *text, size_t len, const char *msg)
{
    httpc_scenario *s;
    size_t n;
    cr_assert_eq(load_n(text, len, &s, &n), -1, "accepted: %s", text);
    cr_assert_null(s);
    cr_assert_str_eq(err, msg);
}

static void bad(const char *text, const char *msg)
{
    bad_n(text, strlen(text), msg);
}

/* One profile's expected outcome class: through httpc_scn_expect_for when
 * cap is -1, else httpc_scn_expect_capped with that read cap; NULL error:
 * a response. */
typedef struct want_class {
    const char *profile;
    int cap;
    const char *error;
} want_class;

static void check_classes(const httpc_scenario *s, const want_class *w, size_t nw)
{
    for (size_t i = 0; i < nw; i++) {
        const httpc_scn_expect *e = w[i].cap < 0
                                        ? httpc_scn_expect_for(s, w[i].profile, 0)
                                        : httpc_scn_expect_capped(s, w[i].profile, 0, w[i].cap);
        cr_assert_not_null(e, "%s cap %d", w[i].profile, w[i].cap);
        if (w[i].error)
            cr_assert_str_eq(e->error, w[i].error, "%s cap %d", w[i].profile, w[i].cap);
        else
            cr_assert_null(e->error, "%s cap %d: %s", w[i].profile, w[i].cap, e->error);
    }
}

Test(scenario, httpc_scn_parse_full_file)
{
    const char *text =
        "# comment\n"
        "id: chunked/example\ntitle: An example\nref: RFC 9112 7.1\nref: CPython\n"
        "tags: chunked, malformed\nrequest: POST /x?y=1\nrequest-header: X-A: b\n"
        "request-body: \"a=\" + \"b\" * 3\ncheck-request-line: \"POST /x?y=1 HTTP/1.1\"\n"
        "check-request-header: Host: 127.0.0.1:{port}\n\n"
        "connection\n  read request\n  segments 2 5\n  send \"HTTP/1.1 200 OK\\r\\n\" + \"\\x41\" "
        "* 3\n"
        "  pause 10\n  shutdown\n  reset\n"
        "connection\n  read line\n  silent 20\n"
        "expect: error IncompleteRead partial=3 expected=none\n"
        "expect py3: response status=200 reason=\"O K\" version=11 body=\"AAA\" "
        "header=\"X-A: b\" will-close=yes\n"
        "expect py3 lenient: error BadStatusLine detail=\"x\"\n";
    size_t n;
    httpc_scenario *s = good(text, &n);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(s->id, "chunked/example");
    cr_assert_eq(s->nrefs, 2);
    cr_assert_eq(s->ntags, 2);
    cr_assert_str_eq(s->tags[1], "malformed");
    cr_assert_str_eq(s->method, "POST");
    cr_assert_eq(s->req_body_len, 5);
    cr_assert(memcmp(s->req_body, "a=bbb", 5) == 0);
    cr_assert_eq(s->nconns, 2);
    cr_assert_eq(s->conns[0].nactions, 6);
    cr_assert_eq(s->conns[0].actions[1].op, HTTPC_SCN_SEGMENTS);
    cr_assert_eq(s->conns[0].actions[1].n2, 5);
    cr_assert_eq(s->conns[0].actions[2].len, 20);
    cr_assert(memcmp(s->conns[0].actions[2].data + 17, "AAA", 3) == 0);
    cr_assert_eq(s->conns[0].actions[2].line, 16);
    cr_assert_eq(s->conns[0].actions[5].op, HTTPC_SCN_RESET);
    cr_assert_eq(s->conns[1].actions[1].op, HTTPC_SCN_SILENT);
    const httpc_scn_expect *e = httpc_scn_expect_for(s, "py27", 0);
    cr_assert_str_eq(e->error, "IncompleteRead");
    cr_assert_eq(e->partial, 3);
    cr_assert_eq(e->expected, -1);
    e = httpc_scn_expect_for(s, "py3", 0);
    cr_assert_null(e->error);
    cr_assert_eq(e->status, 200);
    cr_assert_str_eq(e->reason, "O K");
    cr_assert_eq(e->will_close, 1);
    cr_assert_eq(e->nheaders, 1);
    cr_assert_not_null(httpc_scn_expect_for(s, "py3", 1));
    cr_assert_null(httpc_scn_expect_for(s, "py27", 1));
    httpc_scn_free_all(s, n);
}

Test(scenario, httpc_scn_parse_errors_name_file_and_line)
{
    bad("title: t\n" CONN "expect: error OSError\n", "t.scn:5: no 'id:'");
    bad(HEAD CONN, "t.scn:5: no expectation for profile py27 (and no default 'expect:')");
    bad(HEAD "expect: error OSError\n", "t.scn:3: no 'connection' script");
    bad(HEAD "colour: red\n", "t.scn:3: unknown key 'colour'");
    bad(HEAD "  send \"x\"\n", "t.scn:3: an indented action outside 'connection'");
    bad(HEAD "connection\n  dance\n", "t.scn:4: unknown action 'dance'");
    bad(HEAD "connection\n  send \"abc\n", "t.scn:4: unterminated string");
    bad(HEAD "connection\n  send \"\\q\"\n", "t.scn:4: unknown escape '\\q'");
    bad(HEAD "connection\n  send \"\\x4\"\n", "t.scn:4: \\x needs two hex digits");
    bad(HEAD "connection\n  send \"a\" \"b\"\n",
        "t.scn:4: expected '+' or the end of the line at '\"b\"'");
    bad(HEAD "connection\n  send \"a\" * 99999999999\n",
        "t.scn:4: expected a number from 0 to 16777216 at '99999999999'");
    bad(HEAD "connection\n  send \"abcdefgh\" * 16777216\n",
        "t.scn:4: the scenario makes more than 67108864 bytes");
    bad(HEAD "connection\n  send file \"../etc/passwd\"\n",
        "t.scn:4: file \"../etc/passwd\" must be a relative path inside the tree");
    bad(HEAD "connection\n  close now\n", "t.scn:4: unknown action 'close now'");
    bad(HEAD CONN "expect py4: error OSError\n",
        "t.scn:6: unknown profile 'py4' (httpc --help lists them)");
    bad(HEAD CONN "expect: error OSError\nexpect: error TimeoutError\n",
        "t.scn:7: a second expectation for the same profile (first on line 6)");
    bad(HEAD CONN "expect: response colour=red\n", "t.scn:6: unknown outcome field 'colour'");
    bad(HEAD CONN "expect: response status=abc\n", "t.scn:6: bad value for status");
    bad(HEAD "profiles: strict -- why\n" CONN
             "expect strict: error OSError\nexpect py3: error TimeoutError\n",
        "t.scn:8: unreachable expectation: the scenario does not run under py3 (see 'profiles:')");
    bad(HEAD "profiles: py3 -- why\n" CONN
             "expect: error OSError\nexpect py3: error TimeoutError\n",
        "t.scn:7: unreachable expectation: every profile has its own");
    bad(HEAD "profiles: py3 -- why\n" CONN
             "expect py3: error OSError\nexpect lenient: error TimeoutError\n"
             "expect py3 lenient: error SSLError\n",
        "t.scn:8: unreachable expectation: every profile has its own lenient one");
    bad(HEAD "timeout: 0\n", "t.scn:3: timeout wants milliseconds from 1 to 600000");
    bad(HEAD "timeout: 20 s\n", "t.scn:3: timeout wants milliseconds from 1 to 600000");
    bad("id: Bad Id\n", "t.scn:1: id 'Bad Id' must be area/what-it-tests in [a-z0-9./_-]");
}

Test(scenario, httpc_scn_parse_with_nul_in_text_length)
{
    const char text[] = "id: a/b\ntitle: t\n\0";
    bad_n(text, sizeof text - 1, "t.scn:3: binary data (a NUL byte) in a scenario file");
}

/* A NUL was reported at line 1 wherever it was: the line is the NUL's own. */
Test(scenario, httpc_scn_parse_nul_reported_at_its_line)
{
    const char text[] = "id: a/b\n\ntitle: t\0x\nconnection\n\0";
    bad_n(text, sizeof text - 1, "t.scn:3: binary data (a NUL byte) in a scenario file");
    bad_n("\0", 1, "t.scn:1: binary data (a NUL byte) in a scenario file");
}

Test(scenario, httpc_scn_parse_keeps_id_line)
{
    const char text[] = "# a comment\n\ntitle: t\nid: a/b\nsweep: N = 1 2\n"
                        "connection\n  send \"{N}\"\nexpect: error OSError\n";
    size_t n;
    httpc_scenario *s = good_n(text, sizeof text - 1, &n);
    cr_assert_eq(n, 2);
    cr_assert_eq(s[0].id_line, 4);
    cr_assert_eq(s[1].id_line, 4, "every case of a sweep has the file's id line");
    httpc_scn_free_all(s, n);
}

Test(scenario, httpc_scn_parse_sweep_expands)
{
    const char *text = "id: limits/line\ntitle: t\nsweep: N = 3 5\n"
                       "connection\n  send \"x\" * {N}\nexpect: response status=200\n";
    size_t n;
    httpc_scenario *s = good(text, &n);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(s[0].id, "limits/line/N=3");
    cr_assert_str_eq(s[1].id, "limits/line/N=5");
    cr_assert_eq(s[1].conns[0].actions[0].len, 5);
    httpc_scn_free_all(s, n);
}

/* A profiles: line that leaves profiles out says why (issue 15). */
Test(scenario, httpc_scn_profiles_line_wants_a_reason)
{
    bad(HEAD "profiles: py3\n" CONN "expect: error OSError\n",
        "t.scn:3: profiles: leaves profiles out without saying why ('profiles: LIST -- why the "
        "others do not run it')");
    bad(HEAD "profiles: py3 --   \n" CONN "expect: error OSError\n",
        "t.scn:3: profiles: leaves profiles out without saying why ('profiles: LIST -- why the "
        "others do not run it')");
    bad(HEAD "profiles: py3, py4 -- why\n" CONN "expect: error OSError\n",
        "t.scn:3: unknown profile 'py4' (httpc --help lists them)");
}

/* A profile without its own line takes its nearest documented neighbour's
 * (py31 -> py32 -> ... -> py3), then the default; profiles: py3 runs the
 * 3.x versions that fall back to it, profiles: py36 py30-py36 but not py3. */
Test(scenario, httpc_scn_expect_for_falls_back_to_the_neighbour)
{
    const char *text = HEAD CONN "expect: error OSError\nexpect py3: error TimeoutError\n"
                                 "expect py34: error BadStatusLine\n";
    size_t n;
    httpc_scenario *s = good(text, &n);
    static const want_class w[] = {
        {"py35", -1, "TimeoutError"},
        {"py36", -1, "TimeoutError"},
        {"py34", -1, "BadStatusLine"},
        {"py30", -1, "BadStatusLine"},
        {"py31-strict", -1, "BadStatusLine"}, /* py31's */
        {"py26", -1, "OSError"},
        {"strict", -1, "OSError"},
    };
    check_classes(s, w, sizeof w / sizeof w[0]);
    httpc_scn_free_all(s, n);
    s = good(HEAD "profiles: py3 -- why\n" CONN "expect: error OSError\n", &n);
    cr_assert(httpc_scn_runs_under(s, "py3") && httpc_scn_runs_under(s, "py30"));
    cr_assert_not(httpc_scn_runs_under(s, "py27") || httpc_scn_runs_under(s, "py26"));
    httpc_scn_free_all(s, n);
    s = good(HEAD "profiles: py36 -- why\n" CONN "expect: error OSError\n", &n);
    cr_assert(httpc_scn_runs_under(s, "py36") && httpc_scn_runs_under(s, "py35"));
    cr_assert_not(httpc_scn_runs_under(s, "py3") || httpc_scn_runs_under(s, "py27"));
    httpc_scn_free_all(s, n);
}

/* reason="..." keeps its bytes, a NUL included. */
Test(scenario, httpc_scn_reason_keeps_a_nul)
{
    size_t n;
    httpc_scenario *s = good(HEAD CONN "expect: response reason=\"OK\\0\"\n", &n);
    cr_assert_eq(s->expects[0].reason_len, 3);
    cr_assert_eq(memcmp(s->expects[0].reason, "OK\0", 3), 0);
    httpc_scn_free_all(s, n);
}

Test(scenario, httpc_scn_profiles_limit_runs_and_expectations)
{
    const char *text = HEAD "profiles: strict -- why\n" CONN "expect strict: error OSError\n";
    size_t n;
    httpc_scenario *s = good(text, &n);
    cr_assert(httpc_scn_runs_under(s, "strict"));
    cr_assert_not(httpc_scn_runs_under(s, "py3"));
    httpc_scn_free_all(s, n);
}

Test(scenario, httpc_scn_parse_timeout)
{
    const char *text = HEAD "timeout: 250\n" CONN "expect: error TimeoutError\n";
    size_t n;
    httpc_scenario *s = good(text, &n);
    cr_assert_eq(s->timeout_ms, 250);
    httpc_scn_free_all(s, n);
    s = good(HEAD CONN "expect: error OSError\n", &n);
    cr_assert_eq(s->timeout_ms, 0, "no timeout: line leaves the runner's");
    httpc_scn_free_all(s, n);
}

Test(scenario, httpc_scn_load_missing_and_oversized_files)
{
    httpc_scenario *s;
    size_t n;
    cr_assert_eq(httpc_scn_load("/nonexistent/x.scn", &s, &n, err, sizeof err), -1);
    cr_assert(strstr(err, "/nonexistent/x.scn: cannot open") == err, "%s", err);
    char path[] = "/tmp/httpc-scn-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    for (int i = 0; i < (1 << 20) / 8 + 1; i++)
        fputs("# 12345\n", f);
    fclose(f);
    cr_assert_eq(httpc_scn_load(path, &s, &n, err, sizeof err), -1);
    cr_assert(strstr(err, "file larger than 1048576 bytes") != NULL, "%s", err);
    remove(path);
}

Test(scenario, httpc_scn_parse_tls_keys_and_implicit_starttls)
{
    size_t n;
    httpc_scenario *s =
        good(HEAD "tls: yes\ntls-cert: expired\ntls-sni: localhost\ntls-verify: no\n"
                  "client-host: localhost\n" CONN "connection\n  tls-alert 40\n"
                  "expect: response status=200\n",
             &n);
    cr_assert_eq(s->tls, 1);
    cr_assert_str_eq(s->tls_cert, "expired");
    cr_assert_str_eq(s->tls_sni, "localhost");
    cr_assert_eq(s->tls_verify, 0);
    cr_assert_str_eq(s->client_host, "localhost");
    /* the first script gets its handshake first; the alert script has none */
    cr_assert_eq(s->conns[0].nactions, 3);
    cr_assert_eq(s->conns[0].actions[0].op, HTTPC_SCN_STARTTLS);
    cr_assert_eq(s->conns[1].nactions, 1);
    cr_assert_eq(s->conns[1].actions[0].op, HTTPC_SCN_TLS_ALERT);
    cr_assert_eq(s->conns[1].actions[0].n, 40);
    httpc_scn_free_all(s, n);
}

Test(scenario, httpc_scn_parse_tls_actions_and_tunnel)
{
    size_t n;
    httpc_scenario *s =
        good(HEAD "tls: yes\ntunnel: localhost:443\ntunnel-header: Proxy-Authorization: B x\n"
                  "connection\n  read head\n  send \"HTTP/1.1 200 OK\\r\\n\\r\\n\"\n  starttls\n"
                  "  read request\n  close-no-notify\nconnection\n  tls-stall 50\n"
                  "expect: error SSLError\n",
             &n);
    cr_assert_str_eq(s->tunnel_host, "localhost");
    cr_assert_eq(s->tunnel_port, 443);
    cr_assert_eq(s->ntunnel_headers, 1);
    cr_assert_str_eq(s->tunnel_headers[0].name, "Proxy-Authorization");
    cr_assert_eq(s->tls_verify, -1);
    cr_assert_eq(s->conns[0].nactions, 5); /* its own starttls: none added */
    cr_assert_eq(s->conns[0].actions[2].op, HTTPC_SCN_STARTTLS);
    cr_assert_eq(s->conns[0].actions[4].op, HTTPC_SCN_CLOSE_NO_NOTIFY);
    cr_assert_eq(s->conns[1].actions[0].op, HTTPC_SCN_TLS_STALL);
    cr_assert_eq(s->conns[1].actions[0].n, 50);
    httpc_scn_free_all(s, n);
}

Test(scenario, httpc_scn_parse_tls_errors)
{
    bad(HEAD "tls: maybe\n" CONN "expect: error OSError\n", "t.scn:3: tls wants yes or no");
    bad(HEAD "tls: yes\ntls-cert: stolen\n" CONN "expect: error OSError\n",
        "t.scn:4: tls-cert is valid, wrong-host, expired, self-signed or untrusted");
    bad(HEAD "tls-cert: expired\n" CONN "expect: error OSError\n",
        "t.scn:7: tls-cert, tls-sni and tls-verify need 'tls: yes'");
    bad(HEAD "tunnel: localhost\n" CONN "expect: error OSError\n", "t.scn:3: tunnel is HOST:PORT");
    bad(HEAD "tunnel: :80\n" CONN "expect: error OSError\n", "t.scn:3: tunnel is HOST:PORT");
    bad(HEAD "tunnel: h:99999\n" CONN "expect: error OSError\n", "t.scn:3: tunnel is HOST:PORT");
    bad(HEAD "connection\n  tls-alert 256\nexpect: error OSError\n",
        "t.scn:4: expected a number from 0 to 255 at '256'");
    bad(HEAD "connection\n  starttls now\nexpect: error OSError\n",
        "t.scn:4: unknown action 'starttls now'");
}

/* A tree made for one test: DIR/a.scn with `text`, plus what `setup` adds. */
static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

/* Hostile trees (the soak's findings): a link out of the folder, a folder
 * named as a file, a FIFO named *.scn, a sweep multiplying the byte budget. */
Test(scenario, httpc_scn_load_hostile_trees)
{
    char dir[] = "/tmp/httpc-scn-tree-XXXXXX", path[256], link[256], fifo[256];
    httpc_scenario *s;
    size_t n;
    cr_assert_not_null(mkdtemp(dir));
    snprintf(link, sizeof link, "%s/out", dir);
    cr_assert_eq(symlink("/etc", link), 0);
    snprintf(path, sizeof path, "%s/a.scn", dir);
    write_file(path, HEAD "connection\n  send file \"out/hostname\"\nexpect: error OSError\n");
    cr_assert_eq(httpc_scn_load(path, &s, &n, err, sizeof err), -1);
    cr_assert(strstr(err, "a.scn:4: file \"") && strstr(err, "leads outside the scenario's folder"),
              "%s", err);
    write_file(path, HEAD "connection\n  send file \".\"\nexpect: error OSError\n");
    cr_assert_eq(httpc_scn_load(path, &s, &n, err, sizeof err), -1);
    cr_assert(strstr(err, "a.scn:4:") && strstr(err, "is not a regular file"), "%s", err);
    snprintf(fifo, sizeof fifo, "%s/f.scn", dir);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    cr_assert_eq(httpc_scn_load(fifo, &s, &n, err, sizeof err), -1, "a FIFO must not block");
    cr_assert(strstr(err, "f.scn: not a regular file") != NULL, "%s", err);
    /* 8 cases of 10 MiB each: 80 MiB in all, past the 64 MiB of one file. */
    write_file(path, HEAD "sweep: N = 1 2 3 4 5 6 7 8\nconnection\n"
                          "  send \"x\" * 10485760 + \"{N}\"\nexpect: error OSError\n");
    cr_assert_eq(httpc_scn_load(path, &s, &n, err, sizeof err), -1);
    cr_assert(strstr(err, "the scenario makes more than 67108864 bytes") != NULL, "%s", err);
    unlink(fifo), unlink(link), unlink(path), rmdir(dir);
}

/* Files with CRLF line ends load (the loader used to stop on a blank or
 * comment line's CR and loop forever: the fuzzer's find), with the same line
 * numbers as LF files. */
Test(scenario, httpc_scn_parse_crlf_lines)
{
    const char *text = "# a comment\r\n\r\nid: a/crlf\r\ntitle: t\r\nconnection\r\n"
                       "  read request\r\n  send \"x\"\r\n\r\nexpect: error OSError\r\n";
    size_t n;
    httpc_scenario *s = good(text, &n);
    cr_assert_str_eq(s->id, "a/crlf");
    cr_assert_eq(s->conns[0].actions[1].line, 7);
    httpc_scn_free_all(s, n);
    bad("id: a/b\r\ntitle: t\r\n\r\ncolour: red\r\n", "t.scn:4: unknown key 'colour'");
}

/* Refused expectations and repeated keys free what they had allocated (the
 * fuzzer's LeakSanitizer finds; make test runs this under ASan). */
Test(scenario, httpc_scn_parse_frees_on_refusal)
{
    bad(HEAD CONN "expect py3 lenient: error OSError colour=red\n",
        "t.scn:6: unknown outcome field 'colour'");
    bad(HEAD CONN "expect py3: response status=200 header=\"A: 1\" body=\"x\" version=12\n",
        "t.scn:6: bad value for version");
    bad(HEAD CONN "expect py3: response body=\"x\" detail=\"a\" detail=\"b\"\n",
        "t.scn:6: outcome field 'detail' given twice");
    bad(HEAD CONN "expect py3: error OSError detail=\"unterminated\n",
        "t.scn:6: unterminated string");
    const char *text =
        HEAD "check-request-line: \"GET /a HTTP/1.1\"\n"
             "check-request-line: \"GET /b HTTP/1.1\"\n" CONN "expect: error OSError\n";
    size_t n;
    httpc_scenario *s = good(text, &n);
    cr_assert_eq(s->check_line_len, 15);
    cr_assert(memcmp(s->check_line, "GET /b HTTP/1.1", 15) == 0, "the last one counts");
    httpc_scn_free_all(s, n);
}

Test(scenario, httpc_scn_parse_rfc_sets)
{
    const char *text =
        HEAD CONN "expect: error IncompleteRead\n"
                  "rfc 9112-6.3-5: error\n"
                  "rfc 9112-7.1-2: error IncompleteRead partial=1 | response body=\"a|b\" "
                  "conn=closed\n"
                  "rfc 9112-2.2-3: any\n";
    size_t n;
    httpc_scenario *s = good(text, &n);
    cr_assert_eq(s->nrfcs, 3);
    cr_assert_str_eq(s->rfcs[0].id, "9112-6.3-5");
    cr_assert_eq(s->rfcs[0].nalts, 1);
    cr_assert_str_eq(s->rfcs[0].alts[0].error, ""); /* any class */
    cr_assert_eq(s->rfcs[1].nalts, 2);
    cr_assert_str_eq(s->rfcs[1].alts[0].error, "IncompleteRead");
    cr_assert_eq(s->rfcs[1].alts[0].partial, 1);
    cr_assert_null(s->rfcs[1].alts[1].error);
    cr_assert_eq(s->rfcs[1].alts[1].body_size, 3); /* the '|' inside quotes is a byte */
    cr_assert_eq(s->rfcs[1].alts[1].conn_kept, 0);
    cr_assert(s->rfcs[2].alts[0].any);
    httpc_scn_free_all(s, n);
}

Test(scenario, httpc_scn_parse_rfc_errors)
{
    bad(HEAD CONN "expect: error IncompleteRead\nrfc 9112: error\n",
        "t.scn:7: 'rfc ID:' wants a requirement id such as 9112-6.3-2, got '9112'");
    bad(HEAD CONN "expect: error IncompleteRead\nrfc 9112-6.3-1: error |\n",
        "t.scn:7: an empty alternative in the set");
    bad(HEAD CONN "expect: error IncompleteRead\nrfc 9112-6.3-1: error\nrfc 9112-6.3-1: any\n",
        "t.scn:8: a second 'rfc 9112-6.3-1' line (first on line 7)");
    bad(HEAD CONN "expect: error IncompleteRead\nrfc 9112-6.3-1: maybe\n",
        "t.scn:7: an outcome is 'any', 'error [CLASS] ...', 'response ...' or 'request ...'");
    bad(HEAD CONN "expect: error IncompleteRead\nrfc 9112-6.3-1: error IncompletRead\n",
        "t.scn:7: unknown outcome class 'IncompletRead' (adapters/TAXONOMY.md lists them)");
    /* expect lines: the class is required and must be in the taxonomy */
    bad(HEAD CONN "expect: error IncompletRead\n",
        "t.scn:6: unknown outcome class 'IncompletRead' (adapters/TAXONOMY.md lists them)");
    bad(HEAD CONN "expect: error partial=3\n", "t.scn:6: 'error' needs an exception class name");
    bad(HEAD CONN "expect: any\n",
        "t.scn:6: an expectation is 'error CLASS ...' or 'response ...'");
}

Test(scenario, httpc_scn_expect_capped_picks_the_read_cap_line)
{
    const char *text = HEAD CONN "expect: response status=200\n"
                                 "expect py3 read-cap=1: error BadStatusLine\n";
    size_t n;
    httpc_scenario *s = good(text, &n);
    static const want_class w[] = {
        {"py3", 1, "BadStatusLine"},
        {"py3", 0, NULL},
        {"py3", 1448, NULL}, /* no line for 1448 */
        {"py27", 1, NULL},   /* py3's alone */
    };
    check_classes(s, w, sizeof w / sizeof w[0]);
    cr_assert_eq(httpc_scn_expect_for(s, "py3", 0)->status, 200);
    httpc_scn_free_all(s, n);
    bad(HEAD CONN "expect: response\nexpect py3 read-cap=0: response\n",
        "t.scn:7: read-cap wants a byte count from 1 to 1048576");
    bad(HEAD CONN "expect: response\nexpect py3 read-cap=1: response\n"
                  "expect py3 read-cap=1: response\n",
        "t.scn:8: a second expectation for the same profile (first on line 7)");
    bad(HEAD "profiles: py3 -- why\n" CONN "expect: response\nexpect py27 read-cap=1: response\n",
        "t.scn:8: unreachable expectation: the scenario does not run under py27 (see "
        "'profiles:')");
}

Test(scenario, httpc_scn_check_connections_per_profile)
{
    const char *text =
        HEAD "check-connections: 1\ncheck-connections strict: 2\n" CONN "expect: response\n";
    size_t n;
    httpc_scenario *s = good(text, &n);
    cr_assert_eq(httpc_scn_check_connections(s, "py3"), 1);
    cr_assert_eq(httpc_scn_check_connections(s, "strict"), 2);
    httpc_scn_free_all(s, n);
    s = good(HEAD "check-connections: 1\ncheck-connections strict: any\n" CONN "expect: response\n",
             &n);
    cr_assert_eq(httpc_scn_check_connections(s, "strict"), 0);
    cr_assert_eq(httpc_scn_check_connections(s, "py27"), 1);
    httpc_scn_free_all(s, n);
    bad(HEAD "check-connections: any\n" CONN "expect: response\n",
        "t.scn:3: check-connections wants a count from 1 to 16");
    bad(HEAD "check-connections py4: 2\n" CONN "expect: response\n",
        "t.scn:3: unknown profile 'py4' (httpc --help lists them)");
    bad(HEAD "check-connections strict: 0\n" CONN "expect: response\n",
        "t.scn:3: check-connections wants a count from 1 to 16");
}

Test(scenario, httpc_scn_parse_rfc_request_outcomes)
{
    const char *text =
        HEAD CONN "expect: response\n"
                  "rfc 9112-3.2-1: request has-header=\"Host\" header=\"Host: h:{port}\" "
                  "no-header=\"Content-Length\" line=\"GET / HTTP/1.1\" target=\"/\" "
                  "connections=1 | error\n";
    size_t n;
    httpc_scenario *s = good(text, &n);
    const httpc_scn_expect *e = &s->rfcs[0].alts[0];
    cr_assert(e->is_request);
    cr_assert_str_eq(e->req_present[0], "Host");
    cr_assert_str_eq(e->req_absent[0], "Content-Length");
    cr_assert_str_eq(e->headers[0].value, "h:{port}");
    cr_assert_str_eq(e->req_line, "GET / HTTP/1.1");
    cr_assert_str_eq(e->req_target, "/");
    cr_assert_eq(e->req_connections, 1);
    cr_assert_not(s->rfcs[0].alts[1].is_request);
    httpc_scn_free_all(s, n);
    bad(HEAD CONN "expect: response\nrfc 9112-3.2-1: request status=200\n",
        "t.scn:7: a request outcome takes line, target, header, has-header, no-header and "
        "connections");
    bad(HEAD CONN "expect: response\nrfc 9112-3.2-1: response target=\"/\"\n",
        "t.scn:7: line, target, has-header, no-header and connections belong to a 'request' "
        "outcome");
    bad(HEAD CONN "expect: response target=\"/\"\n",
        "t.scn:6: line, target, has-header, no-header and connections belong to a 'request' "
        "outcome");
    bad(HEAD CONN "expect: request line=\"x\"\n",
        "t.scn:6: an expectation is 'error CLASS ...' or 'response ...'");
    bad(HEAD CONN "expect: response\nrfc 9112-3.2-1: request connections=0\n",
        "t.scn:7: bad value for connections");
}

/* Every error of a file, each with its line, in one refusal. */
Test(scenario, httpc_scn_parse_reports_every_error)
{
    bad(HEAD "colour: red\n" CONN "  dance\nexpect: error IncompletRead\n",
        "t.scn:3: unknown key 'colour'\n"
        "t.scn:7: unknown action 'dance'\n"
        "t.scn:8: unknown outcome class 'IncompletRead' (adapters/TAXONOMY.md lists them)");
    char text[4096] = HEAD CONN;
    for (int i = 0; i < 25; i++)
        strcat(text, "bogus line\n");
    httpc_scenario *s;
    size_t n;
    cr_assert_eq(load(text, &s, &n), -1);
    cr_assert(strstr(err, "t.scn:25: expected 'key: value'"), "%s", err);
    cr_assert_null(strstr(err, "t.scn:26:"), "at most 20 errors: %s", err);
    cr_assert(strstr(err, "more errors after line"), "%s", err);
}

/* How a key is told apart (key_line): a key ends at the colon, so a space
 * before it is part of the key; 'expect' and 'check-connections' may name a
 * profile after a space, 'rfc' must name a requirement; id and title come
 * once; an empty bytes value is empty, not missing. */
Test(scenario, httpc_scn_parse_key_forms)
{
    bad(HEAD "id: b/c\n", "t.scn:3: a second 'id:'");
    bad(HEAD "title: u\n", "t.scn:3: a second 'title:'");
    bad(HEAD "title : u\n", "t.scn:3: unknown key 'title '");
    bad(HEAD "rfc: any\n", "t.scn:3: unknown key 'rfc'");
    bad(HEAD "expects: error OSError\n", "t.scn:3: unknown key 'expects'");
    bad(HEAD "check-connectionss: 1\n", "t.scn:3: unknown key 'check-connectionss'");
    bad(HEAD "tls-certs: valid\n", "t.scn:3: unknown key 'tls-certs'");
    bad(HEAD "request: GET\n", "t.scn:3: request is 'METHOD TARGET'");
    bad(HEAD "request-header: nocolon\n", "t.scn:3: expected 'Name: value', got 'nocolon'");
    bad(HEAD "request: GET /1\nrequest: GET /2\nrequest: GET /3\nrequest: GET /4\n"
             "request: GET /5\nrequest: GET /6\nrequest: GET /7\nrequest: GET /8\n"
             "request: GET /9\n",
        "t.scn:11: at most 8 requests");
    const char *text =
        HEAD "request: POST /a\nrequest-header: A: 1\nrequest-body: \"\"\n"
             "request: GET /b\ncheck-request-line: \"\"\n"
             "check-connections py3: 2\nsweep: x = 1\n" CONN "expect: error OSError\n";
    size_t n;
    httpc_scenario *s = good(text, &n);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(s->id, "area/name/x=1");
    cr_assert_eq(s->nbefore, 1);
    cr_assert_str_eq(s->before[0].method, "POST");
    cr_assert_str_eq(s->before[0].target, "/a");
    cr_assert_eq(s->before[0].nheaders, 1);
    cr_assert(s->before[0].has_body);
    cr_assert_not_null(s->before[0].body, "an empty body is empty, not missing");
    cr_assert_eq(s->before[0].body_len, 0);
    cr_assert_str_eq(s->method, "GET");
    cr_assert_eq(s->nreq_headers, 0);
    cr_assert_not(s->has_req_body);
    cr_assert_not_null(s->check_line);
    cr_assert_eq(s->check_line_len, 0);
    cr_assert_eq(s->check_connections, 0);
    cr_assert_eq(httpc_scn_check_connections(s, "py3"), 2);
    httpc_scn_free_all(s, n);
}
