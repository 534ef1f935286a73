/* SPDX-License-Identifier: MIT */
/* The reports of a run: results.json (everything), summary.md (a CI job
 * summary), junit.xml (runner/junit.xsd) and report.html (a static page, no
 * network: the scenario x profile grid). */
#include "runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

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
        if (*p == '<') fputs("&lt;", f);
        else if (*p == '>') fputs("&gt;", f);
        else if (*p == '&') fputs("&amp;", f);
        else if (*p == '"') fputs("&quot;", f);
        else if (*p < 0x20 && *p != '\t' && *p != '\n') fprintf(f, "\\x%02x", *p);
        else if (*p >= 0x80) fprintf(f, "\\x%02x", *p);
        else fputc(*p, f);
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
        if (ch == '\r') fputs("\\r", f);
        else if (ch == '\n') fputs("\\n", f);
        else if (ch == '<') fputs("&lt;", f);
        else if (ch == '&') fputs("&amp;", f);
        else if (ch == '"') fputs("\\\"", f);
        else if (ch < 0x20 || ch >= 0x7f) fprintf(f, "\\x%02x", ch);
        else fputc(ch, f);
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
    } else if (e->error) {
        fputs("error ", f);
        xml_str(f, e->error);
    } else {
        fprintf(f, "response status=%d", e->status);
        if (e->has_body)
            fprintf(f, " body of %zu bytes", e->body_size);
    }
}

static const char html_head[] =
    "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>httpc conformance</title>\n"
    "<style>body{font:14px sans-serif;margin:1em}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:2px 6px;vertical-align:top}"
    "th{position:sticky;top:0;background:#f4f4f4}tr.area td{background:#e8eef8;font-weight:bold}"
    ".pass{background:#dfd}.lenient{background:#ffd}.fail,.harness-error,.timeout,"
    ".unexpected-pass{background:#fcc}.expected-failure,.skip{background:#eee}"
    "summary{cursor:pointer}pre{white-space:pre-wrap;max-width:60em;font-size:12px}"
    "body:has(#onlybad:checked) tr.allpass{display:none}</style></head><body>\n"
    "<h1>httpc conformance run</h1>\n";

/* The totals per verdict, and the filter (CSS only: the page needs no script
 * and no network). */
static void html_summary(FILE *f, const result *rs, size_t n, double secs)
{
    static const char *const kinds[] = {"pass", "lenient", "fail", "expected-failure",
                                        "unexpected-pass", "timeout", "harness-error", "skip"};
    fprintf(f, "<p>%zu checks in %.1f s:", n, secs);
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        size_t c = 0;
        for (size_t i = 0; i < n; i++)
            c += !strcmp(rs[i].verdict, kinds[k]);
        if (c)
            fprintf(f, " <span class=\"%s\">&nbsp;%zu %s&nbsp;</span>", kinds[k], c, kinds[k]);
    }
    fputs("</p>\n<p><label><input type=\"checkbox\" id=\"onlybad\"> show only scenarios with a "
          "verdict other than pass</label>. Click a cell for the expected and actual outcome "
          "and the bytes.</p>\n<table><tr><th>scenario</th>", f);
    for (size_t p = 0; p < 4; p++)
        fprintf(f, "<th>%s</th>", conform_profiles[p]);
    fputs("</tr>\n", f);
}

static void html_cell(FILE *f, const httpc_scenario *s, const result *hit)
{
    char out[128];
    fprintf(f, "<td class=\"%s\"><details><summary>%s: ", hit->verdict, hit->verdict);
    xml_str(f, conform_outcome_text(&hit->o, out, sizeof out));
    fputs("</summary><pre>expected: ", f);
    html_expect(f, httpc_scn_expect_for(s, hit->profile, 0));
    fputs("\nactual: ", f);
    xml_str(f, conform_outcome_text(&hit->o, out, sizeof out));
    fputs(" ", f);
    xml_str(f, hit->o.detail);
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

/* A static page: the scenario x profile grid, grouped by area; each cell opens
 * to the expected and actual outcome and the bytes sent. */
static int write_html(const char *dir, result *rs, size_t n, double secs)
{
    char path[4096];
    const char *area = NULL;
    snprintf(path, sizeof path, "%s/report.html", dir);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    fputs(html_head, f);
    html_summary(f, rs, n, secs);
    for (size_t i = 0; i < n;) {
        const httpc_scenario *s = rs[i].s;
        size_t end = i, al = area_len(s->id);
        int allpass = 1;
        while (end < n && rs[end].s == s)
            allpass &= !strcmp(rs[end++].verdict, "pass");
        if (area == NULL || area_len(area) != al || strncmp(area, s->id, al)) {
            area = s->id;
            fprintf(f, "<tr class=\"area allpass\"><td colspan=\"5\">%.*s</td></tr>\n", (int)al,
                    s->id);
        }
        fprintf(f, "<tr%s><td><code>", allpass ? " class=\"allpass\"" : "");
        xml_str(f, s->id);
        fputs("</code><br><small>", f);
        xml_str(f, s->title);
        fputs("</small></td>", f);
        for (size_t p = 0; p < 4; p++) {
            const result *hit = NULL;
            for (size_t k = i; k < end; k++)
                if (!strcmp(rs[k].profile, conform_profiles[p]))
                    hit = &rs[k];
            if (hit == NULL)
                fputs("<td></td>", f);
            else
                html_cell(f, s, hit);
        }
        fputs("</tr>\n", f);
        i = end;
    }
    fputs("</table></body></html>\n", f);
    fclose(f);
    return 0;
}

int conform_write_reports(const char *dir, result *rs, size_t n, double secs)
{
    char path[4096], out[128];
    size_t counts[4] = {0};
    make_dirs(dir);
    for (size_t i = 0; i < n; i++)
        counts[!strcmp(rs[i].verdict, "pass") || !strcmp(rs[i].verdict, "expected-failure") ||
               !strcmp(rs[i].verdict, "skip") ? 0
               : !strcmp(rs[i].verdict, "lenient") ? 1
               : !strcmp(rs[i].verdict, "harness-error") ? 3 : 2]++;
    snprintf(path, sizeof path, "%s/results.json", dir);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return fprintf(stderr, "httpc-conform: cannot write %s\n", path), -1;
    fprintf(f, "{\"client\": \"httpc\", \"seconds\": %.2f, \"counts\": {\"pass\": %zu, "
               "\"lenient\": %zu, \"fail\": %zu, \"harness-error\": %zu}, \"results\": [\n",
            secs, counts[0], counts[1], counts[2], counts[3]);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ",\n {\"id\": " : " {\"id\": ", f);
        json_str(f, rs[i].s->id);
        fputs(", \"file\": ", f);
        json_str(f, rs[i].s->file);
        fprintf(f, ", \"profile\": \"%s\", \"verdict\": \"%s\", \"why\": ", rs[i].profile,
                rs[i].verdict);
        json_str(f, rs[i].why);
        fputs(", \"outcome\": ", f);
        json_str(f, conform_outcome_text(&rs[i].o, out, sizeof out));
        fputs(", \"detail\": ", f);
        json_str(f, rs[i].o.detail);
        if (rs[i].o.native[0]) { /* only adapters that report one (the matrix reads it) */
            fputs(", \"native_error\": ", f);
            json_str(f, rs[i].o.native);
        }
        fprintf(f, ", \"ms\": %.1f}", rs[i].ms);
    }
    fputs("\n]}\n", f);
    fclose(f);

    snprintf(path, sizeof path, "%s/junit.xml", dir);
    if ((f = fopen(path, "w")) == NULL)
        return -1;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"httpc-conform\" "
               "tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" time=\"%.3f\">\n",
            n, counts[2], counts[3], secs);
    for (size_t p = 0; p < 4; p++) {
        size_t tests = 0, fails = 0, errs = 0;
        for (size_t i = 0; i < n; i++)
            if (!strcmp(rs[i].profile, conform_profiles[p]))
                tests++, errs += !strcmp(rs[i].verdict, "harness-error"),
                    fails += conform_is_failure(rs[i].verdict) && strcmp(rs[i].verdict, "harness-error");
        if (tests == 0)
            continue;
        fprintf(f, "  <testsuite name=\"%s\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n",
                conform_profiles[p], tests, fails, errs);
        for (size_t i = 0; i < n; i++) {
            if (strcmp(rs[i].profile, conform_profiles[p]))
                continue;
            fputs("    <testcase classname=\"", f);
            xml_str(f, conform_profiles[p]);
            fputs("\" name=\"", f);
            xml_str(f, rs[i].s->id);
            fprintf(f, "\" time=\"%.3f\"", rs[i].ms / 1000);
            if (!strcmp(rs[i].verdict, "expected-failure") || !strcmp(rs[i].verdict, "skip")) {
                fputs(">\n      <skipped message=\"", f);
                xml_str(f, rs[i].why);
                fputs("\"/>\n    </testcase>\n", f);
            } else if (strcmp(rs[i].verdict, "pass") && strcmp(rs[i].verdict, "lenient")) {
                fprintf(f, ">\n      <%s message=\"",
                        rs[i].verdict[0] == 'h' ? "error" : "failure");
                xml_str(f, rs[i].why);
                fprintf(f, "\"/>\n    </testcase>\n");
            } else {
                fputs("/>\n", f);
            }
        }
        fputs("  </testsuite>\n", f);
    }
    fputs("</testsuites>\n", f);
    fclose(f);

    if (write_html(dir, rs, n, secs) < 0)
        return -1;
    snprintf(path, sizeof path, "%s/summary.md", dir);
    if ((f = fopen(path, "w")) == NULL)
        return -1;
    fprintf(f, "# httpc conformance run\n\n%zu checks in %.1f s: %zu pass, %zu lenient, "
               "%zu fail, %zu harness errors.\n\n",
            n, secs, counts[0], counts[1], counts[2], counts[3]);
    fputs("| scenario | py27 | py27-strict | py3 | strict |\n|---|---|---|---|---|\n", f);
    for (size_t i = 0; i < n;) {
        const httpc_scenario *s = rs[i].s;
        fprintf(f, "| `%s` |", s->id);
        for (size_t p = 0; p < 4; p++) {
            const result *hit = NULL;
            for (size_t k = i; k < n && rs[k].s == s; k++)
                if (!strcmp(rs[k].profile, conform_profiles[p]))
                    hit = &rs[k];
            if (hit == NULL)
                fputs(" |", f);
            else
                fprintf(f, " %s%s |", !strcmp(hit->verdict, "pass") ? "" :
                        !strcmp(hit->verdict, "lenient") ? "~ " : "✗ ",
                        conform_outcome_text(&hit->o, out, sizeof out));
        }
        fputc('\n', f);
        while (i < n && rs[i].s == s)
            i++;
    }
    if (counts[2] + counts[3]) {
        fputs("\n## Failures\n\n", f);
        for (size_t i = 0; i < n; i++)
            if (conform_is_failure(rs[i].verdict))
                fprintf(f, "- `%s` (%s, %s): %s\n", rs[i].s->id, rs[i].profile, rs[i].s->file,
                        rs[i].why);
    }
    fclose(f);
    return 0;
}

