/* SPDX-License-Identifier: MIT */
/* httpc-conform: runs scenario files against the reference client, profile by
 * profile, judges each outcome against the scenario's expectation, and writes
 * JSON, Markdown and JUnit reports. */
#define _GNU_SOURCE /* memmem */
#include "httpc.h"
#include "httpc_mock.h"

#include <dirent.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char usage[] =
    "usage: httpc-conform [options] PATH...\n"
    "\n"
    "Runs every scenario (*.scn) under PATH against the reference client and\n"
    "judges each outcome: pass, lenient (an accepted weaker outcome), fail.\n"
    "\n"
    "  --profile NAME   py27, py27-strict, py3, strict, or all (default)\n"
    "  --filter TEXT    only scenarios whose id contains TEXT\n"
    "  --tag TAG        only scenarios with this tag (repeatable)\n"
    "  --exclude-tag T  skip scenarios with this tag (repeatable)\n"
    "  --list           list the scenarios and stop\n"
    "  --timeout MS     client timeout per scenario (default 5000)\n"
    "  --reports DIR    write DIR/results.json, summary.md and junit.xml\n"
    "  -q               print failures and the summary only\n"
    "  -h, --help       this text\n"
    "\n"
    "Exit status: 0 when nothing failed, 1 when a scenario failed, 2 on bad input.\n";

static const char *const all_profiles[] = {"py27", "py27-strict", "py3", "strict"};

typedef struct outcome {
    int err;
    char detail[256];
    int status, version, will_close, have_resp;
    char reason[256];
    unsigned char *body;
    size_t body_len;
    char sha[65];
    int64_t partial, expected;
    httpc_resp *resp;
} outcome;

typedef struct result {
    const httpc_scenario *s;
    const char *profile;
    const char *verdict; /* pass, lenient, fail, harness-error */
    char why[512];
    outcome o;
    double ms;
} result;

typedef struct opts {
    const char *profile, *filter, *reports;
    const char *tags[16], *xtags[16];
    int ntags, nxtags, list, quiet, timeout_ms;
} opts;

/* ---- running one scenario ------------------------------------------------ */

typedef struct body_acc {
    outcome *o;
    EVP_MD_CTX *sha;
} body_acc;

static int body_sink(void *ctx, const void *data, size_t len)
{
    body_acc *b = ctx;
    if (data == NULL)
        return 0;
    EVP_DigestUpdate(b->sha, data, len);
    if (b->o->body_len + len <= (1u << 20)) {
        unsigned char *p = realloc(b->o->body, b->o->body_len + len + 1);
        if (p == NULL)
            return HTTPC_E_NOMEM;
        memcpy(p + b->o->body_len, data, len);
        b->o->body = p;
    }
    b->o->body_len += len;
    return 0;
}

static void run_client(const httpc_scenario *s, const httpc_profile *p, int port, int timeout,
                       outcome *o)
{
    httpc_conn_opts co;
    httpc_conn *c = NULL;
    httpc_kv hdrs[64];
    httpc_body body = {0};
    size_t nh = s->nreq_headers < 64 ? s->nreq_headers : 64;
    body_acc acc = {o, EVP_MD_CTX_new()};
    unsigned char md[32];
    unsigned int mdlen = 0;
    char host[32];

    httpc_conn_opts_init(&co);
    co.profile = p;
    co.timeout_ms = timeout;
    for (size_t i = 0; i < nh; i++)
        hdrs[i] = (httpc_kv){s->req_headers[i].name, s->req_headers[i].value};
    if (s->has_req_body)
        body = (httpc_body){.kind = HTTPC_BODY_BUFFER, .data = s->req_body, .len = s->req_body_len};
    EVP_DigestInit_ex(acc.sha, EVP_sha256(), NULL);
    o->partial = o->expected = -1;
    snprintf(host, sizeof host, "127.0.0.1:%d", port);
    o->err = httpc_conn_new(&c, host, -1, &co);
    if (o->err == 0)
        o->err = httpc_conn_request(c, s->method, s->target, &body, hdrs, nh, 0);
    if (o->err == 0)
        o->err = httpc_conn_getresponse(c, &o->resp);
    if (o->err < 0 && c)
        snprintf(o->detail, sizeof o->detail, "%s", httpc_conn_errmsg(c));
    if (o->err == 0) {
        httpc_resp *r = o->resp;
        o->have_resp = 1;
        o->status = httpc_resp_status(r);
        o->version = httpc_resp_version(r);
        o->will_close = httpc_resp_will_close(r);
        snprintf(o->reason, sizeof o->reason, "%s", httpc_resp_reason(r));
        int64_t n = httpc_resp_read_all(r, body_sink, &acc);
        if (n < 0) {
            o->err = (int)n;
            snprintf(o->detail, sizeof o->detail, "%s", httpc_resp_errmsg(r));
            httpc_resp_incomplete(r, &o->partial, &o->expected, NULL);
        }
    }
    EVP_DigestFinal_ex(acc.sha, md, &mdlen);
    for (unsigned i = 0; i < mdlen; i++)
        sprintf(o->sha + 2 * i, "%02x", md[i]);
    EVP_MD_CTX_free(acc.sha);
    httpc_conn_free(c);
}

/* ---- judging --------------------------------------------------------------- */

static int matches(const httpc_scn_expect *e, const outcome *o, char *why, size_t cap)
{
    if (e->error) {
        const char *got = o->err < 0 ? httpc_err_name(o->err) : "a response";
        if (o->err >= 0 || strcmp(e->error, got))
            return snprintf(why, cap, "expected %s, got %s", e->error, got), 0;
        if (e->detail && !strstr(o->detail, e->detail))
            return snprintf(why, cap, "detail '%s' lacks '%s'", o->detail, e->detail), 0;
        if (e->partial != -2 && e->partial != o->partial)
            return snprintf(why, cap, "partial %lld, expected %lld", (long long)o->partial,
                            (long long)e->partial), 0;
        if (e->expected != -2 && e->expected != o->expected)
            return snprintf(why, cap, "expected-more %lld, wanted %lld", (long long)o->expected,
                            (long long)e->expected), 0;
        return 1;
    }
    if (o->err < 0)
        return snprintf(why, cap, "expected a response, got %s (%s)", httpc_err_name(o->err),
                        o->detail), 0;
    if (e->status && e->status != o->status)
        return snprintf(why, cap, "status %d, expected %d", o->status, e->status), 0;
    if (e->reason && strcmp(e->reason, o->reason))
        return snprintf(why, cap, "reason '%s', expected '%s'", o->reason, e->reason), 0;
    if (e->version && e->version != o->version)
        return snprintf(why, cap, "version %d, expected %d", o->version, e->version), 0;
    if (e->has_body && (e->body_size != o->body_len || memcmp(e->body, o->body, o->body_len)))
        return snprintf(why, cap, "body differs (%zu bytes, expected %zu)", o->body_len,
                        e->body_size), 0;
    if (e->body_len >= 0 && (size_t)e->body_len != o->body_len)
        return snprintf(why, cap, "body length %zu, expected %lld", o->body_len,
                        (long long)e->body_len), 0;
    if (e->body_sha256 && strcmp(e->body_sha256, o->sha))
        return snprintf(why, cap, "body sha256 %s, expected %s", o->sha, e->body_sha256), 0;
    if (e->will_close >= 0 && e->will_close != o->will_close)
        return snprintf(why, cap, "will_close %d, expected %d", o->will_close, e->will_close), 0;
    for (size_t i = 0; i < e->nheaders; i++) {
        char v[1024];
        ssize_t n = httpc_resp_getheader(o->resp, e->headers[i].name, v, sizeof v);
        if (n < 0 || strcmp(v, e->headers[i].value))
            return snprintf(why, cap, "header %s is '%s', expected '%s'", e->headers[i].name,
                            n < 0 ? "(absent)" : v, e->headers[i].value), 0;
    }
    return 1;
}

/* The checks of what the server received on the first connection. */
static int request_checks(const httpc_scenario *s, httpc_mock *m, int port, char *why,
                          size_t cap)
{
    size_t len;
    const unsigned char *rx = httpc_mock_received(m, 0, &len);
    const unsigned char *eol = rx ? memchr(rx, '\r', len) : NULL;
    if (s->check_line && (eol == NULL || (size_t)(eol - rx) != s->check_line_len ||
                          memcmp(rx, s->check_line, s->check_line_len)))
        return snprintf(why, cap, "request line is '%.*s'", eol ? (int)(eol - rx) : 0,
                        rx ? (const char *)rx : ""), 0;
    for (size_t i = 0; i < s->ncheck_headers; i++) {
        char want[1024], value[960];
        const char *pv = strstr(s->check_headers[i].value, "{port}");
        if (pv)
            snprintf(value, sizeof value, "%.*s%d%s", (int)(pv - s->check_headers[i].value),
                     s->check_headers[i].value, port, pv + 6);
        else
            snprintf(value, sizeof value, "%s", s->check_headers[i].value);
        int n = snprintf(want, sizeof want, "\r\n%s: %s\r\n", s->check_headers[i].name, value);
        if (rx == NULL || !memmem(rx, len, want, (size_t)n))
            return snprintf(why, cap, "request lacks header '%s: %s'", s->check_headers[i].name,
                            value), 0;
    }
    return 1;
}

static void run_one(const opts *op, const httpc_scenario *s, const char *profile, result *r)
{
    httpc_mock *m;
    char err[256];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    r->s = s;
    r->profile = profile;
    if (httpc_mock_start(s, NULL, 0, 0, &m, err, sizeof err) < 0) {
        r->verdict = "harness-error";
        snprintf(r->why, sizeof r->why, "mock server: %s", err);
        return;
    }
    run_client(s, httpc_profile_by_name(profile), httpc_mock_port(m), op->timeout_ms, &r->o);
    int cut = httpc_mock_stop(m, 3000);
    const httpc_scn_expect *pass = httpc_scn_expect_for(s, profile, 0);
    const httpc_scn_expect *len = httpc_scn_expect_for(s, profile, 1);
    char why2[256] = "";
    if (!request_checks(s, m, httpc_mock_port(m), r->why, sizeof r->why))
        r->verdict = "fail";
    else if (matches(pass, &r->o, r->why, sizeof r->why))
        r->verdict = "pass";
    else if (len && matches(len, &r->o, why2, sizeof why2))
        r->verdict = "lenient";
    else
        r->verdict = "fail";
    if (cut && strcmp(r->verdict, "fail") == 0)
        strncat(r->why, " (the server script had to be cut)", sizeof r->why - strlen(r->why) - 1);
    httpc_mock_free(m);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    r->ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
}

/* ---- collecting scenarios ------------------------------------------------ */

typedef struct lib {
    httpc_scenario **sets;
    size_t *counts, nsets;
    int bad;
} lib;

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static void collect(lib *l, const char *path, int depth)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        fprintf(stderr, "%s: cannot read\n", path);
        l->bad++;
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        struct dirent **e;
        int n = depth < 16 ? scandir(path, &e, NULL, by_name) : -1;
        for (int i = 0; i < n; i++) {
            char sub[4096];
            size_t nl = strlen(e[i]->d_name);
            snprintf(sub, sizeof sub, "%s/%s", path, e[i]->d_name);
            if (e[i]->d_name[0] != '.' &&
                (e[i]->d_type == DT_DIR || (nl > 4 && !strcmp(e[i]->d_name + nl - 4, ".scn"))))
                collect(l, sub, depth + 1);
            free(e[i]);
        }
        if (n >= 0)
            free(e);
        return;
    }
    httpc_scenario *s;
    size_t n;
    char err[512];
    if (httpc_scn_load(path, &s, &n, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        l->bad++;
        return;
    }
    l->sets = realloc(l->sets, (l->nsets + 1) * sizeof *l->sets);
    l->counts = realloc(l->counts, (l->nsets + 1) * sizeof *l->counts);
    l->sets[l->nsets] = s;
    l->counts[l->nsets++] = n;
}

static int has_tag(const httpc_scenario *s, const char *t)
{
    for (size_t i = 0; i < s->ntags; i++)
        if (!strcmp(s->tags[i], t))
            return 1;
    return 0;
}

static int selected(const opts *o, const httpc_scenario *s)
{
    if (o->filter && !strstr(s->id, o->filter))
        return 0;
    for (int i = 0; i < o->nxtags; i++)
        if (has_tag(s, o->xtags[i]))
            return 0;
    for (int i = 0; i < o->ntags; i++)
        if (!has_tag(s, o->tags[i]))
            return 0;
    return 1;
}

/* ---- reports ---------------------------------------------------------------- */

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

static const char *outcome_text(const outcome *o, char *buf, size_t cap)
{
    if (o->err < 0)
        snprintf(buf, cap, "%s", httpc_err_name(o->err));
    else
        snprintf(buf, cap, "%d (%zu body bytes)", o->status, o->body_len);
    return buf;
}

static int write_reports(const char *dir, result *rs, size_t n, double secs)
{
    char path[4096], out[128];
    size_t counts[4] = {0};
    mkdir(dir, 0777);
    for (size_t i = 0; i < n; i++)
        counts[!strcmp(rs[i].verdict, "pass") ? 0 : !strcmp(rs[i].verdict, "lenient") ? 1
               : !strcmp(rs[i].verdict, "fail") ? 2 : 3]++;
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
        json_str(f, outcome_text(&rs[i].o, out, sizeof out));
        fputs(", \"detail\": ", f);
        json_str(f, rs[i].o.detail);
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
            if (!strcmp(rs[i].profile, all_profiles[p]))
                tests++, fails += !strcmp(rs[i].verdict, "fail"),
                    errs += !strcmp(rs[i].verdict, "harness-error");
        if (tests == 0)
            continue;
        fprintf(f, "  <testsuite name=\"%s\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n",
                all_profiles[p], tests, fails, errs);
        for (size_t i = 0; i < n; i++) {
            if (strcmp(rs[i].profile, all_profiles[p]))
                continue;
            fputs("    <testcase classname=\"", f);
            xml_str(f, all_profiles[p]);
            fputs("\" name=\"", f);
            xml_str(f, rs[i].s->id);
            fprintf(f, "\" time=\"%.3f\"", rs[i].ms / 1000);
            if (!strcmp(rs[i].verdict, "fail") || !strcmp(rs[i].verdict, "harness-error")) {
                fprintf(f, ">\n      <%s message=\"",
                        rs[i].verdict[0] == 'f' ? "failure" : "error");
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
                if (!strcmp(rs[k].profile, all_profiles[p]))
                    hit = &rs[k];
            if (hit == NULL)
                fputs(" |", f);
            else
                fprintf(f, " %s%s |", !strcmp(hit->verdict, "pass") ? "" :
                        !strcmp(hit->verdict, "lenient") ? "~ " : "✗ ",
                        outcome_text(&hit->o, out, sizeof out));
        }
        fputc('\n', f);
        while (i < n && rs[i].s == s)
            i++;
    }
    if (counts[2] + counts[3]) {
        fputs("\n## Failures\n\n", f);
        for (size_t i = 0; i < n; i++)
            if (!strcmp(rs[i].verdict, "fail") || !strcmp(rs[i].verdict, "harness-error"))
                fprintf(f, "- `%s` (%s, %s): %s\n", rs[i].s->id, rs[i].profile, rs[i].s->file,
                        rs[i].why);
    }
    fclose(f);
    return 0;
}

/* ---- main ------------------------------------------------------------------- */

static int parse_args(int argc, char **argv, opts *o, int *first_path)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            exit(0);
        } else if (!strcmp(a, "--list")) {
            o->list = 1;
        } else if (!strcmp(a, "-q")) {
            o->quiet = 1;
        } else if (a[0] != '-') {
            *first_path = i;
            return 0;
        } else if (v == NULL) {
            fprintf(stderr, "httpc-conform: option '%s' needs a value\n", a);
            return -1;
        } else if (!strcmp(a, "--profile")) {
            o->profile = v, i++;
            if (strcmp(v, "all") && !httpc_profile_by_name(v))
                return fprintf(stderr, "httpc-conform: unknown profile '%s'\n", v), -1;
        } else if (!strcmp(a, "--filter")) {
            o->filter = v, i++;
        } else if (!strcmp(a, "--reports")) {
            o->reports = v, i++;
        } else if (!strcmp(a, "--timeout")) {
            o->timeout_ms = atoi(v), i++;
        } else if (!strcmp(a, "--tag") && o->ntags < 16) {
            o->tags[o->ntags++] = v, i++;
        } else if (!strcmp(a, "--exclude-tag") && o->nxtags < 16) {
            o->xtags[o->nxtags++] = v, i++;
        } else {
            return fprintf(stderr, "httpc-conform: unknown option '%s'\n", a), -1;
        }
    }
    fprintf(stderr, "httpc-conform: no scenario path given\n");
    return -1;
}

int main(int argc, char **argv)
{
    opts o = {.profile = "all", .timeout_ms = 5000};
    lib l = {0};
    int first = 0;
    if (parse_args(argc, argv, &o, &first) < 0) {
        fputs(usage, stderr);
        return 2;
    }
    for (int i = first; i < argc; i++)
        collect(&l, argv[i], 0);
    if (l.bad) {
        fprintf(stderr, "httpc-conform: %d bad scenario file(s)\n", l.bad);
        return 2;
    }
    size_t cap = 0, n = 0;
    for (size_t k = 0; k < l.nsets; k++)
        cap += l.counts[k] * 4;
    result *rs = calloc(cap ? cap : 1, sizeof *rs);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t k = 0; k < l.nsets; k++)
        for (size_t j = 0; j < l.counts[k]; j++) {
            const httpc_scenario *s = &l.sets[k][j];
            if (!selected(&o, s))
                continue;
            if (o.list) {
                printf("%-50s %s\n", s->id, s->title);
                continue;
            }
            for (size_t p = 0; p < 4; p++) {
                if ((strcmp(o.profile, "all") && strcmp(o.profile, all_profiles[p])) ||
                    !httpc_scn_runs_under(s, all_profiles[p]))
                    continue;
                result *r = &rs[n++];
                run_one(&o, s, all_profiles[p], r);
                if (!o.quiet || strcmp(r->verdict, "pass"))
                    printf("%-7s %-12s %s%s%s\n", r->verdict, r->profile, s->id,
                           strcmp(r->verdict, "pass") ? ": " : "",
                           strcmp(r->verdict, "pass") ? r->why : "");
            }
        }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    size_t failed = 0, lenient = 0;
    for (size_t i = 0; i < n; i++) {
        failed += strcmp(rs[i].verdict, "pass") && strcmp(rs[i].verdict, "lenient");
        lenient += !strcmp(rs[i].verdict, "lenient");
    }
    int rc = 0;
    if (!o.list) {
        printf("conform: %zu checks in %.1f s (%zu lenient)\n", n, secs, lenient);
        printf("%zu passed, %zu failed\n", n - failed, failed);
        if (o.reports && write_reports(o.reports, rs, n, secs) < 0)
            rc = 2;
    }
    for (size_t i = 0; i < n; i++) {
        free(rs[i].o.body);
        httpc_resp_free(rs[i].o.resp);
    }
    free(rs);
    for (size_t k = 0; k < l.nsets; k++)
        httpc_scn_free_all(l.sets[k], l.counts[k]);
    free(l.sets);
    free(l.counts);
    return rc ? rc : failed ? 1 : 0;
}
