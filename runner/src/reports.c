/* SPDX-License-Identifier: MIT */
/* The reports of a run: results.json (everything), summary.md (a CI job
 * summary), junit.xml (runner/junit.xsd and the Jenkins schema) and
 * report.html (a static page, no network: the scenario x column grid, a
 * column being a client's profile or a judge). Each names the client, the
 * judges, the command line, the date, the commit and the library's size. */
#include "runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20 || *p >= 0x7f)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void xml_str(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '<')
            fputs("&lt;", f);
        else if (*p == '>')
            fputs("&gt;", f);
        else if (*p == '&')
            fputs("&amp;", f);
        else if (*p == '"')
            fputs("&quot;", f);
        else if (*p < 0x20 && *p != '\t' && *p != '\n')
            fprintf(f, "\\x%02x", *p);
        else if (*p >= 0x80)
            fprintf(f, "\\x%02x", *p);
        else
            fputc(*p, f);
    }
}

const char *conform_outcome_text(const outcome *o, char *buf, size_t cap)
{
    if (o->error[0])
        snprintf(buf, cap, "%s", o->error);
    else
        snprintf(buf, cap, "%d (%zu body bytes)", o->status, o->body_len);
    return buf;
}

/* mkdir -p */
static void make_dirs(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s", dir);
    for (char *p = path + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0777);
            *p = '/';
        }
    mkdir(path, 0777);
}

/* The bytes a scenario's scripts send, escaped for people, at most `cap`. */
/* Bytes as a scenario byte string, escaped for HTML. */
static void html_escaped(FILE *f, const unsigned char *p, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        unsigned char ch = p[k];
        if (ch == '\r')
            fputs("\\r", f);
        else if (ch == '\n')
            fputs("\\n", f);
        else if (ch == '<')
            fputs("&lt;", f);
        else if (ch == '&')
            fputs("&amp;", f);
        else if (ch == '"')
            fputs("\\\"", f);
        else if (ch < 0x20 || ch >= 0x7f)
            fprintf(f, "\\x%02x", ch);
        else
            fputc(ch, f);
    }
}

static void html_bytes(FILE *f, const httpc_scenario *s, size_t cap)
{
    size_t shown = 0;
    for (size_t c = 0; c < s->nconns; c++) {
        fprintf(f, "connection %zu:\n", c + 1);
        for (size_t i = 0; i < s->conns[c].nactions; i++) {
            const httpc_scn_action *a = &s->conns[c].actions[i];
            if (a->op != HTTPC_SCN_SEND)
                continue;
            size_t n = a->len < cap - shown ? a->len : cap - shown;
            fputs("  send \"", f);
            html_escaped(f, a->data, n);
            shown += n;
            fprintf(f, "\"%s\n", n < a->len ? " ... (cut)" : "");
            if (shown >= cap)
                return;
        }
    }
}

static void html_expect(FILE *f, const httpc_scn_expect *e)
{
    if (e == NULL) {
        fputs("(none)", f);
    } else if (e->any) {
        fputs("any outcome", f);
    } else if (e->is_request) {
        fputs("a request with", f);
        if (e->req_line)
            fputs(" line \"", f), xml_str(f, e->req_line), fputs("\"", f);
        if (e->req_target)
            fputs(" target \"", f), xml_str(f, e->req_target), fputs("\"", f);
        for (size_t i = 0; i < e->nreq_present; i++)
            fputs(" a ", f), xml_str(f, e->req_present[i]), fputs(" field", f);
        for (size_t i = 0; i < e->nreq_absent; i++)
            fputs(" no ", f), xml_str(f, e->req_absent[i]), fputs(" field", f);
        for (size_t i = 0; i < e->nheaders; i++)
            fputs(" \"", f), xml_str(f, e->headers[i].name), fputs(": ", f),
                xml_str(f, e->headers[i].value), fputs("\"", f);
        if (e->req_connections)
            fprintf(f, " on %d connection(s)", e->req_connections);
    } else if (e->error) {
        fputs("error ", f);
        xml_str(f, e->error[0] ? e->error : "(any class)");
    } else {
        fprintf(f, "response status=%d", e->status);
        if (e->has_body)
            fprintf(f, " body of %zu bytes", e->body_size);
    }
}

static const char html_style[] =
    "<style>body{font:14px sans-serif;margin:1em}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:2px 6px;vertical-align:top}"
    "th{position:sticky;top:0;background:#f4f4f4}tr.area td{background:#e8eef8;font-weight:bold}"
    ".pass,.conformant{background:#dfd}.lenient,.should-deviation{background:#ffd}"
    ".fail,.harness-error,.timeout,.unexpected-pass,.must-violation{background:#fcc}"
    ".expected-failure,.skip,.unspecified,.cannot-tell,.unsupported{background:#eee}"
    "summary{cursor:pointer}pre{white-space:pre-wrap;max-width:60em;font-size:12px}"
    "dl.meta{display:grid;grid-template-columns:max-content auto;gap:0 1em}dl.meta dd{margin:0}"
    "body:has(#onlybad:checked) tr.allpass{display:none}</style>";

/* The number of results of each verdict (in column `column` when it is not
 * NULL): the one count the summaries of every report print. */
static void count_verdicts(const result *rs, size_t n, const char *column,
                           size_t counts[CONFORM_V__COUNT])
{
    memset(counts, 0, CONFORM_V__COUNT * sizeof *counts);
    for (size_t i = 0; i < n; i++)
        if ((column == NULL || rs[i].column == column) && rs[i].verdict < CONFORM_V__COUNT)
            counts[rs[i].verdict]++;
}

/* The run's facts, as a definition list. */
static void html_meta(FILE *f, const run_info *ri)
{
    const char *k[] = {"client", "judges", "command", "date", "commit", "library", "tool"};
    char lib[96];
    snprintf(lib, sizeof lib, "%zu files, %zu scenarios", ri->files, ri->scenarios);
    const char *v[] = {ri->client, ri->judges, ri->command, ri->date, ri->commit, lib, ri->tool};
    fputs("<dl class=\"meta\">", f);
    for (size_t i = 0; i < sizeof k / sizeof *k; i++) {
        fprintf(f, "<dt>%s</dt><dd>", k[i]);
        if (i == 2)
            fputs("<code>", f);
        xml_str(f, v[i]);
        fputs(i == 2 ? "</code></dd>" : "</dd>", f);
    }
    if (ri->read_cap)
        fprintf(f,
                "<dt>read cap</dt><dd>every socket read of the client took at most %d "
                "bytes</dd>",
                ri->read_cap);
    fputs("</dl>\n", f);
}

/* The totals per verdict, and the filter (CSS only: the page needs no script
 * and no network). */
static void html_summary(FILE *f, const result *rs, size_t n, const run_info *ri)
{
    fprintf(f, "<p>%zu checks in %.1f s:", n, ri->secs);
    size_t counts[CONFORM_V__COUNT];
    count_verdicts(rs, n, NULL, counts);
    for (int k = 0; k < CONFORM_V__COUNT; k++)
        if (counts[k])
            fprintf(f, " <span class=\"%s\">&nbsp;%zu %s&nbsp;</span>", conform_verdict_name(k),
                    counts[k], conform_verdict_name(k));
    fputs("</p>\n<p><label><input type=\"checkbox\" id=\"onlybad\"> show only scenarios with a "
          "verdict other than pass or conformant</label>. Click a cell for the expected and "
          "actual outcome, the requirements and the bytes.</p>\n<table><tr><th>scenario</th>",
          f);
    for (size_t c = 0; c < ri->ncolumns; c++) {
        fputs("<th>", f);
        xml_str(f, ri->columns[c]);
        fputs("</th>", f);
    }
    fputs("</tr>\n", f);
}

/* What the judge wanted: the profile's expectation, or each rfc line's set. */
static void html_wanted(FILE *f, const httpc_scenario *s, const result *r)
{
    if (strcmp(r->judge, "rfc")) {
        fputs("expected: ", f);
        html_expect(f, httpc_scn_expect_capped(s, r->profile, 0, r->read_cap));
        return;
    }
    for (size_t i = 0; i < r->ngrades; i++) {
        fprintf(f, "%s%s %s (%s): ", i ? "\n" : "", conform_grade_name(r->grades[i].grade),
                r->grades[i].req->id, httpc_req_level_name(r->grades[i].req->level));
        xml_str(f, r->grades[i].req->text);
        for (size_t k = 0; k < s->rfcs[i].nalts; k++) {
            fputs(k ? " | " : "\n    allowed: ", f);
            html_expect(f, &s->rfcs[i].alts[k]);
        }
    }
    if (r->ngrades == 0)
        fputs("no requirement graded", f);
}

static void html_cell(FILE *f, const httpc_scenario *s, const result *hit)
{
    char out[128];
    fprintf(f, "<td class=\"%s\"><details><summary>%s: ", conform_verdict_name(hit->verdict),
            conform_verdict_name(hit->verdict));
    xml_str(f, conform_outcome_text(&hit->o, out, sizeof out));
    fputs("</summary><pre>", f);
    html_wanted(f, s, hit);
    fputs("\nactual: ", f);
    xml_str(f, conform_outcome_text(&hit->o, out, sizeof out));
    fputs(" ", f);
    xml_str(f, hit->o.detail);
    if (hit->o.native[0]) {
        fputs("\nnative error: ", f);
        xml_str(f, hit->o.native);
    }
    fputs("\n", f);
    xml_str(f, hit->why);
    fputs("\nfile: ", f);
    xml_str(f, s->file);
    fputs("\n\n", f);
    fputs("the client sent:\n  \"", f);
    html_escaped(f, hit->sent, hit->sent_len);
    fputs("\"\nthe server's script:\n", f);
    html_bytes(f, s, 2048);
    fputs("</pre></details></td>", f);
}

/* The length of the area part of an id ("chunked" of "chunked/size-not-hex";
 * "cpython/chunked" of "cpython/chunked/x"). */
static size_t area_len(const char *id)
{
    const char *last = strrchr(id, '/');
    return last ? (size_t)(last - id) : strlen(id);
}

/* One scenario's row: rs[i..end) are its results. */
static void html_row(FILE *f, const result *rs, size_t i, size_t end, const run_info *ri)
{
    const httpc_scenario *s = rs[i].s;
    int allpass = 1;
    for (size_t k = i; k < end; k++)
        allpass &= conform_is_good(rs[k].verdict);
    fprintf(f, "<tr%s><td><code>", allpass ? " class=\"allpass\"" : "");
    xml_str(f, s->id);
    fputs("</code><br><small>", f);
    xml_str(f, s->title);
    fputs("</small></td>", f);
    for (size_t c = 0; c < ri->ncolumns; c++) {
        const result *hit = NULL;
        for (size_t k = i; k < end; k++)
            if (rs[k].column == ri->columns[c])
                hit = &rs[k];
        if (hit == NULL)
            fputs("<td></td>", f);
        else
            html_cell(f, s, hit);
    }
    fputs("</tr>\n", f);
}

/* A static page: the scenario x column grid, grouped by area; each cell opens
 * to the expected and actual outcome and the bytes sent. */
static int write_html(const char *dir, result *rs, size_t n, const run_info *ri)
{
    char path[4096];
    const char *area = NULL;
    snprintf(path, sizeof path, "%s/report.html", dir);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    fputs("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>", f);
    xml_str(f, ri->client);
    fprintf(f, ": conformance run</title>\n%s</head><body>\n<h1>", html_style);
    xml_str(f, ri->client);
    fputs(": conformance run</h1>\n", f);
    html_meta(f, ri);
    html_summary(f, rs, n, ri);
    for (size_t i = 0; i < n;) {
        const httpc_scenario *s = rs[i].s;
        size_t end = i, al = area_len(s->id);
        while (end < n && rs[end].s == s)
            end++;
        if (area == NULL || area_len(area) != al || strncmp(area, s->id, al)) {
            area = s->id;
            fprintf(f, "<tr class=\"area allpass\"><td colspan=\"%zu\">%.*s</td></tr>\n",
                    ri->ncolumns + 1, (int)al, s->id);
        }
        html_row(f, rs, i, end, ri);
        i = end;
    }
    fputs("</table></body></html>\n", f);
    fclose(f);
    return 0;
}

/* ---- results.json ------------------------------------------------------------ */

static void json_kv(FILE *f, const char *key, const char *value, int comma)
{
    fprintf(f, "%s\"%s\": ", comma ? ", " : "", key);
    json_str(f, value);
}

static void json_result(FILE *f, const result *r)
{
    char out[128];
    fputs(" {\"id\": ", f);
    json_str(f, r->s->id);
    json_kv(f, "file", r->s->file, 1);
    json_kv(f, "client", r->client, 1);
    json_kv(f, "judge", r->judge, 1);
    json_kv(f, "profile", r->profile, 1);
    json_kv(f, "column", r->column, 1);
    json_kv(f, "verdict", conform_verdict_name(r->verdict), 1);
    json_kv(f, "why", r->why, 1);
    json_kv(f, "outcome", conform_outcome_text(&r->o, out, sizeof out), 1);
    json_kv(f, "detail", r->o.detail, 1);
    if (r->o.native[0]) /* only adapters that report one (the matrix reads it) */
        json_kv(f, "native_error", r->o.native, 1);
    if (!strcmp(r->judge, "rfc")) {
        fputs(", \"requirements\": [", f);
        for (size_t k = 0; k < r->ngrades; k++) {
            fprintf(f, "%s{\"id\": \"%s\", \"level\": \"%s\", \"grade\": \"%s\"}", k ? ", " : "",
                    r->grades[k].req->id, httpc_req_level_name(r->grades[k].req->level),
                    conform_grade_name(r->grades[k].grade));
        }
        fputs("]", f);
    }
    fprintf(f, ", \"read_cap\": %d, \"ms\": %.1f}", r->read_cap, r->ms);
}

static int write_json(const char *dir, const result *rs, size_t n, const run_info *ri)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/results.json", dir);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return fprintf(stderr, "httpc-conform: cannot write %s\n", path), -1;
    fputs("{", f);
    json_kv(f, "tool", ri->tool, 0);
    json_kv(f, "client", ri->client, 1);
    json_kv(f, "judges", ri->judges, 1);
    json_kv(f, "command", ri->command, 1);
    json_kv(f, "date", ri->date, 1);
    json_kv(f, "commit", ri->commit, 1);
    fprintf(f,
            ", \"library\": {\"files\": %zu, \"scenarios\": %zu}, \"read_cap\": %d, "
            "\"seconds\": %.2f, \"columns\": [",
            ri->files, ri->scenarios, ri->read_cap, ri->secs);
    for (size_t c = 0; c < ri->ncolumns; c++) {
        fputs(c ? ", " : "", f);
        json_str(f, ri->columns[c]);
    }
    fputs("], \"counts\": {", f);
    size_t counts[CONFORM_V__COUNT];
    count_verdicts(rs, n, NULL, counts);
    for (int k = 0; k < CONFORM_V__COUNT; k++)
        fprintf(f, "%s\"%s\": %zu", k ? ", " : "", conform_verdict_name(k), counts[k]);
    fputs("}, \"results\": [\n", f);
    for (size_t i = 0; i < n; i++) {
        json_result(f, &rs[i]);
        fputs(i + 1 < n ? ",\n" : "\n", f);
    }
    fputs("]}\n", f);
    return fclose(f) == 0 ? 0 : -1;
}

/* ---- junit.xml ---------------------------------------------------------------- */

/* How a verdict shows in JUnit: 'f' failure, 'e' error, 's' skipped, 'p' passed. */
static char junit_kind(conform_verdict v)
{
    if (conform_is_harness(v))
        return 'e';
    if (v == CONFORM_V_EXPECTED_FAILURE || v == CONFORM_V_SKIP || v == CONFORM_V_UNSUPPORTED ||
        v == CONFORM_V_CANNOT_TELL)
        return 's';
    return conform_is_failure(v) ? 'f' : 'p';
}

/* The body of a <failure>: what was wanted, what came, and where to look. */
static void junit_body(FILE *f, const result *r)
{
    char out[128];
    if (!strcmp(r->judge, "rfc")) {
        for (size_t i = 0; i < r->ngrades; i++) {
            fprintf(f, "%s %s (%s, %s): ", conform_grade_name(r->grades[i].grade),
                    r->grades[i].req->id, httpc_req_level_name(r->grades[i].req->level),
                    r->grades[i].req->section);
            xml_str(f, r->grades[i].req->text);
            fputc('\n', f);
        }
    } else {
        const httpc_scn_expect *e = httpc_scn_expect_capped(r->s, r->profile, 0, r->read_cap);
        fprintf(f, "expected (%s, %s:%d): ", r->profile, r->s->file, e ? e->line : 0);
        html_expect(f, e);
        fputc('\n', f);
    }
    fputs("actual: ", f);
    xml_str(f, conform_outcome_text(&r->o, out, sizeof out));
    if (r->o.detail[0]) {
        fputs(" (", f);
        xml_str(f, r->o.detail);
        fputs(")", f);
    }
    fputs("\nnative error: ", f);
    xml_str(f, r->o.native[0] ? r->o.native : "(none reported)");
    fputs("\nwhy: ", f);
    xml_str(f, r->why);
    fputs("\nscenario: ", f);
    xml_str(f, r->s->file);
    fputc('\n', f);
}

static void junit_case(FILE *f, const result *r)
{
    char kind = junit_kind(r->verdict);
    fputs("    <testcase classname=\"", f);
    xml_str(f, r->column);
    fputs("\" name=\"", f);
    xml_str(f, r->s->id);
    fputs("\" file=\"", f);
    xml_str(f, r->s->file);
    fprintf(f, "\" time=\"%.3f\"", r->ms / 1000);
    if (kind == 'p' && conform_is_good(r->verdict)) {
        fputs("/>\n", f);
        return;
    }
    fputs(">\n", f);
    if (kind == 'p') { /* lenient, should-deviation, unspecified: passed, with a note */
        fprintf(f, "      <system-out>%s: ", conform_verdict_name(r->verdict));
        xml_str(f, r->why);
        fputs("</system-out>\n    </testcase>\n", f);
        return;
    }
    const char *tag = kind == 'e' ? "error" : kind == 's' ? "skipped" : "failure";
    fprintf(f, "      <%s type=\"%s\" message=\"", tag, conform_verdict_name(r->verdict));
    xml_str(f, r->why);
    fputs(kind == 's' ? "\"/>\n" : "\">", f);
    if (kind != 's') {
        junit_body(f, r);
        fprintf(f, "</%s>\n", tag);
    }
    fputs("    </testcase>\n", f);
}

static void junit_props(FILE *f, const run_info *ri, const char *column)
{
    char lib[96], cap[32];
    snprintf(lib, sizeof lib, "%zu files, %zu scenarios", ri->files, ri->scenarios);
    snprintf(cap, sizeof cap, "%d", ri->read_cap);
    const char *k[] = {"client", "column",  "judges",   "command",
                       "commit", "library", "read-cap", "tool"};
    const char *v[] = {ri->client, column, ri->judges, ri->command, ri->commit, lib, cap, ri->tool};
    fputs("    <properties>\n", f);
    for (size_t i = 0; i < sizeof k / sizeof *k; i++) {
        fprintf(f, "      <property name=\"%s\" value=\"", k[i]);
        xml_str(f, v[i]);
        fputs("\"/>\n", f);
    }
    fputs("    </properties>\n", f);
}

static int write_junit(const char *dir, const result *rs, size_t n, const run_info *ri)
{
    char path[4096], host[256] = "localhost";
    size_t k[4] = {0}; /* failures, errors, skipped, tests */
    snprintf(path, sizeof path, "%s/junit.xml", dir);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    gethostname(host, sizeof host - 1);
    for (size_t i = 0; i < n; i++) {
        char kind = junit_kind(rs[i].verdict);
        k[0] += kind == 'f', k[1] += kind == 'e', k[2] += kind == 's', k[3]++;
    }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"", f);
    xml_str(f, ri->client);
    fprintf(f,
            ": httpc-conform\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
            "skipped=\"%zu\" time=\"%.3f\">\n",
            k[3], k[0], k[1], k[2], ri->secs);
    for (size_t c = 0; c < ri->ncolumns; c++) {
        size_t t[4] = {0};
        double secs = 0;
        for (size_t i = 0; i < n; i++) {
            if (rs[i].column != ri->columns[c])
                continue;
            char kind = junit_kind(rs[i].verdict);
            t[0] += kind == 'f', t[1] += kind == 'e', t[2] += kind == 's', t[3]++;
            secs += rs[i].ms / 1000;
        }
        if (t[3] == 0)
            continue;
        fputs("  <testsuite name=\"", f);
        xml_str(f, ri->client);
        fputs(": ", f);
        xml_str(f, ri->columns[c]);
        fprintf(f,
                "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" "
                "time=\"%.3f\" timestamp=\"%s\" hostname=\"",
                t[3], t[0], t[1], t[2], secs, ri->date);
        xml_str(f, host);
        fputs("\">\n", f);
        junit_props(f, ri, ri->columns[c]);
        for (size_t i = 0; i < n; i++)
            if (rs[i].column == ri->columns[c])
                junit_case(f, &rs[i]);
        fputs("  </testsuite>\n", f);
    }
    fputs("</testsuites>\n", f);
    return fclose(f) == 0 ? 0 : -1;
}

/* ---- summary.md ----------------------------------------------------------------- */

/* A Python judge's cell: the outcome, marked when the verdict is not pass. */
static void md_cell(FILE *f, const result *r)
{
    char out[128];
    conform_outcome_text(&r->o, out, sizeof out);
    if (!strcmp(r->judge, "rfc"))
        fprintf(f, " %s%s |", conform_is_failure(r->verdict) ? "✗ " : "",
                conform_verdict_name(r->verdict));
    else if (conform_is_good(r->verdict))
        fprintf(f, " %s |", out);
    else if (r->verdict == CONFORM_V_LENIENT)
        fprintf(f, " ~ %s |", out);
    else if (conform_is_failure(r->verdict))
        fprintf(f, " ✗ %s |", out);
    else
        fprintf(f, " (%s) %s |", conform_verdict_name(r->verdict), out);
}

static void md_grid(FILE *f, const result *rs, size_t n, const run_info *ri)
{
    fputs("| scenario |", f);
    for (size_t c = 0; c < ri->ncolumns; c++)
        fprintf(f, " %s |", ri->columns[c]);
    fputs("\n|---|", f);
    for (size_t c = 0; c < ri->ncolumns; c++)
        fputs("---|", f);
    fputc('\n', f);
    for (size_t i = 0; i < n;) {
        const httpc_scenario *s = rs[i].s;
        fprintf(f, "| `%s` |", s->id);
        for (size_t c = 0; c < ri->ncolumns; c++) {
            const result *hit = NULL;
            for (size_t k = i; k < n && rs[k].s == s; k++)
                if (rs[k].column == ri->columns[c])
                    hit = &rs[k];
            if (hit == NULL)
                fputs(" |", f);
            else
                md_cell(f, hit);
        }
        fputc('\n', f);
        while (i < n && rs[i].s == s)
            i++;
    }
}

static int write_summary(const char *dir, const result *rs, size_t n, const run_info *ri)
{
    char path[4096];
    size_t bad = 0;
    snprintf(path, sizeof path, "%s/summary.md", dir);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    fprintf(f,
            "# %s: conformance run\n\n- judges: %s\n- command: `%s`\n- date: %s\n"
            "- scenario library: %zu files, %zu scenarios (commit %s)\n- tool: %s\n",
            ri->client, ri->judges, ri->command, ri->date, ri->files, ri->scenarios, ri->commit,
            ri->tool);
    if (ri->read_cap)
        fprintf(f, "- every socket read of the client capped at %d bytes\n", ri->read_cap);
    fprintf(f, "\n%zu checks in %.1f s.\n\n| column |", n, ri->secs);
    for (int k = 0; k < CONFORM_V__COUNT; k++)
        fprintf(f, " %s |", conform_verdict_name(k));
    fputs("\n|---|", f);
    for (int k = 0; k < CONFORM_V__COUNT; k++)
        fputs("---:|", f);
    for (size_t c = 0; c < ri->ncolumns; c++) {
        size_t counts[CONFORM_V__COUNT];
        count_verdicts(rs, n, ri->columns[c], counts);
        fprintf(f, "\n| %s |", ri->columns[c]);
        for (int k = 0; k < CONFORM_V__COUNT; k++)
            fprintf(f, " %zu |", counts[k]);
    }
    fputs("\n\n", f);
    md_grid(f, rs, n, ri);
    for (size_t i = 0; i < n; i++)
        if (conform_is_failure(rs[i].verdict) || rs[i].verdict == CONFORM_V_SHOULD_DEVIATION) {
            if (bad++ == 0)
                fputs("\n## Failures and deviations\n\n", f);
            fprintf(f, "- `%s` (%s, %s, %s): %s\n", rs[i].s->id, rs[i].column,
                    conform_verdict_name(rs[i].verdict), rs[i].s->file, rs[i].why);
        }
    return fclose(f) == 0 ? 0 : -1;
}

int conform_write_reports(const char *dir, result *rs, size_t n, const run_info *ri)
{
    make_dirs(dir);
    if (write_json(dir, rs, n, ri) < 0 || write_junit(dir, rs, n, ri) < 0 ||
        write_html(dir, rs, n, ri) < 0 || write_summary(dir, rs, n, ri) < 0)
        return fprintf(stderr, "httpc-conform: cannot write the reports in %s\n", dir), -1;
    return 0;
}
