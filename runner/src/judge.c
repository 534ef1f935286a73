/* SPDX-License-Identifier: MIT */
/* Judging: an outcome against a scenario's expectations, the request-side
 * checks, the verdict of a run, and a client's known deviations. Pure
 * functions of their arguments (tests/runner/test_judge.c). */
#include "runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strings.h>

/* The library's one list of profiles (httpc.h HTTPC_PROFILE_LIST). */
#define CONFORM_PROFILE_NAME(id, name, fb, st) name,
const char *const conform_profiles[CONFORM_NPROFILES] = {HTTPC_PROFILE_LIST(CONFORM_PROFILE_NAME)};
#undef CONFORM_PROFILE_NAME

static const char *const conn_words[] = {"unknown", "closed", "kept"};

/* The error part of an outcome: the class ("" is any class), then the
 * details CPython gives. */
static int error_matches(const httpc_scn_expect *e, const outcome *o, char *why, size_t cap)
{
    if (!o->error[0])
        return snprintf(why, cap, "expected %s, got a response",
                        e->error[0] ? e->error : "an error"),
               0;
    if (e->error[0] && strcmp(e->error, o->error))
        return snprintf(why, cap, "expected %s, got %s", e->error, o->error), 0;
    if (e->detail && !strstr(o->detail, e->detail))
        return snprintf(why, cap, "detail '%s' lacks '%s'", o->detail, e->detail), 0;
    if (e->partial != -2 && e->partial != o->partial)
        return snprintf(why, cap, "partial %lld, expected %lld", (long long)o->partial,
                        (long long)e->partial),
               0;
    if (e->expected != -2 && e->expected != o->expected)
        return snprintf(why, cap, "expected-more %lld, wanted %lld", (long long)o->expected,
                        (long long)e->expected),
               0;
    return 1;
}

/* Up to 40 bytes as a scenario byte string (C escapes). */
static void escaped(char *out, size_t cap, const unsigned char *p, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n && i < 40 && k + 5 < cap; i++)
        k += (size_t)(p[i] == '\r'                  ? snprintf(out + k, cap - k, "\\r")
                      : p[i] == '\n'                ? snprintf(out + k, cap - k, "\\n")
                      : p[i] == '"' || p[i] == '\\' ? snprintf(out + k, cap - k, "\\%c", p[i])
                      : p[i] < 0x20 || p[i] >= 0x7f ? snprintf(out + k, cap - k, "\\x%02x", p[i])
                                                    : snprintf(out + k, cap - k, "%c", p[i]));
    if (n > 40 && k + 4 < cap)
        snprintf(out + k, cap - k, "...");
}

static void body_differs(const httpc_scn_expect *e, const outcome *o, char *why, size_t cap)
{
    char got[200] = "", want[200] = "";
    escaped(got, sizeof got, o->body, o->body ? o->body_len : 0);
    escaped(want, sizeof want, e->body, e->body_size);
    snprintf(why, cap, "body \"%s\" (%zu bytes), expected \"%s\" (%zu bytes)", got, o->body_len,
             want, e->body_size);
}

/* The response part: every field the expectation names. A field the client
 * did not report makes it -1 (cannot tell) unless another field fails. */
static int response_matches(const httpc_scn_expect *e, const outcome *o, char *why, size_t cap)
{
    int unknown = 0;
    if (o->error[0])
        return snprintf(why, cap, "expected a response, got %s (%s)", o->error, o->detail), 0;
    if (e->status && e->status != o->status)
        return snprintf(why, cap, "status %d, expected %d", o->status, e->status), 0;
    if (e->reason &&
        (e->reason_len != o->reason_len || memcmp(e->reason, o->reason, o->reason_len)))
        return snprintf(why, cap, "reason '%s' (%zu bytes), expected '%s' (%zu bytes)", o->reason,
                        o->reason_len, e->reason, e->reason_len),
               0;
    if (e->version && o->version == 0) /* null: a client API that does not show it */
        unknown = snprintf(why, cap, "the client does not report the HTTP version") > 0;
    else if (e->version && e->version != o->version)
        return snprintf(why, cap, "version %d, expected %d", o->version, e->version), 0;
    if (e->has_body && o->body == NULL && o->body_len > 0) /* an adapter gave no body_b64 */
        unknown = snprintf(why, cap, "the client reported %zu body bytes but not the bytes",
                           o->body_len) > 0;
    else if (e->has_body && (e->body_size != o->body_len ||
                             (o->body_len > 0 && memcmp(e->body, o->body, o->body_len))))
        return body_differs(e, o, why, cap), 0;
    if (e->body_len >= 0 && (size_t)e->body_len != o->body_len)
        return snprintf(why, cap, "body length %zu, expected %lld", o->body_len,
                        (long long)e->body_len),
               0;
    if (e->body_sha256 && strcmp(e->body_sha256, o->sha))
        return snprintf(why, cap, "body sha256 %s, expected %s", o->sha, e->body_sha256), 0;
    if (e->will_close >= 0 && o->will_close < 0 && !unknown)
        unknown = snprintf(why, cap, "the client does not report will_close") > 0;
    else if (e->will_close >= 0 && o->will_close >= 0 && e->will_close != o->will_close)
        return snprintf(why, cap, "will_close %d, expected %d", o->will_close, e->will_close), 0;
    for (size_t i = 0; i < e->nheaders; i++) {
        char v[1024];
        ssize_t n = conform_outcome_header(o, e->headers[i].name, v, sizeof v);
        if (n < 0 || strcmp(v, e->headers[i].value))
            return snprintf(why, cap, "header %s is '%s', expected '%s'", e->headers[i].name,
                            n < 0 ? "(absent)" : v, e->headers[i].value),
                   0;
    }
    return unknown ? -1 : 1;
}

int conform_matches(const httpc_scn_expect *e, const outcome *o, char *why, size_t cap)
{
    if (e->any)
        return 1;
    int m = e->error ? error_matches(e, o, why, cap) : response_matches(e, o, why, cap);
    if (m == 0 || e->conn_kept < 0)
        return m;
    if (o->conn_kept < 0) /* after the rest, so a definite mismatch wins */
        return snprintf(why, cap,
                        "the client does not report whether it kept the "
                        "connection"),
               -1;
    if (e->conn_kept != o->conn_kept)
        return snprintf(why, cap, "connection %s after the outcome, expected %s",
                        conn_words[o->conn_kept + 1], conn_words[e->conn_kept + 1]),
               0;
    return m;
}

/* The first failed check's reason, for a verdict's one line. */
typedef struct first_reason {
    char *why;
    size_t cap;
    int seen;
} first_reason;

static void keep_first(void *ctx, const char *why, const char *want)
{
    first_reason *f = ctx;
    (void)want;
    if (!f->seen++)
        snprintf(f->why, f->cap, "%s", why);
}

/* The checks of what the server received on the first connection: the mock
 * server's (httpc_mock_check_request), so `httpc-mock serve` says the same. */
int conform_request_checks(const httpc_scenario *s, const unsigned char *rx, size_t len, int port,
                           char *why, size_t cap)
{
    first_reason f = {.why = why, .cap = cap};
    return httpc_mock_check_request(s, rx, len, port, keep_first, &f) == 0;
}

static const struct {
    const char *name;
    int fails, harness, good;
} verdicts[CONFORM_V__COUNT] = {
#define CONFORM_V_ROW(id, n, f, h, g) [CONFORM_V_##id] = {n, f, h, g},
    CONFORM_VERDICTS(CONFORM_V_ROW)
#undef CONFORM_V_ROW
};

const char *conform_verdict_name(conform_verdict v)
{
    return (unsigned)v < CONFORM_V__COUNT ? verdicts[v].name : "unknown-verdict";
}

/* Whether a verdict fails the run. */
int conform_is_failure(conform_verdict v)
{
    return (unsigned)v >= CONFORM_V__COUNT || verdicts[v].fails;
}

/* Whether a verdict is the harness's own (an <error> in JUnit). */
int conform_is_harness(conform_verdict v)
{
    return (unsigned)v < CONFORM_V__COUNT && verdicts[v].harness;
}

int conform_is_good(conform_verdict v)
{
    return (unsigned)v < CONFORM_V__COUNT && verdicts[v].good;
}

const char *conform_grade_name(conform_grade g)
{
#define CONFORM_G_NAME(id, name) [CONFORM_G_##id] = name,
    static const char *const names[] = {CONFORM_GRADES(CONFORM_G_NAME)};
#undef CONFORM_G_NAME
    return (unsigned)g < CONFORM_G__COUNT ? names[g] : "unknown-grade";
}

int conform_is_judge(const char *name)
{
    return !strcmp(name, "rfc") || httpc_profile_by_name(name) != NULL;
}

/* One "ID JUDGE [intermittent]: reason" line into *k; 0, or -1 with the
 * problem in err. Nothing is cut short: a field too long is an error. */
static int parse_known(char *line, known *k, char *err, size_t errcap)
{
    char *colon = strchr(line, ':'), *tok[4], *save = NULL;
    int n = 0;

    if (colon == NULL)
        return snprintf(err, errcap, "expected 'ID JUDGE: reason' (no colon)"), -1;
    *colon = '\0';
    for (char *t = strtok_r(line, " \t", &save); t != NULL; t = strtok_r(NULL, " \t", &save))
        tok[n < 4 ? n++ : 3] = t;
    if (n < 2 || n > 3 || (n == 3 && strcmp(tok[2], "intermittent")))
        return snprintf(err, errcap,
                        "expected 'ID JUDGE: reason' or 'ID JUDGE intermittent: "
                        "reason' before the colon"),
               -1;
    if (!conform_is_judge(tok[1]))
        return snprintf(err, errcap, "unknown judge '%.40s' (rfc or a profile)", tok[1]), -1;
    const char *reason = colon + 1 + (colon[1] == ' ');
    if (strlen(tok[0]) >= sizeof k->id || strlen(reason) >= sizeof k->reason)
        return snprintf(err, errcap, "the %s is longer than %zu bytes",
                        strlen(tok[0]) >= sizeof k->id ? "id" : "reason",
                        strlen(tok[0]) >= sizeof k->id ? sizeof k->id - 1 : sizeof k->reason - 1),
               -1;
    strcpy(k->id, tok[0]);
    strcpy(k->profile, tok[1]); /* a judge's name fits: conform_is_judge knows it */
    strcpy(k->reason, reason);
    k->intermittent = n == 3;
    return 0;
}

/* Expectation lines; '#' comments. Bad lines are file:line errors. */
known *conform_load_known(const char *path, size_t *n)
{
    FILE *f = fopen(path, "r");
    char line[2048], err[160];
    known *k = NULL, *grown;
    int lineno = 0, bad = 0;

    *n = 0;
    if (f == NULL)
        return fprintf(stderr, "%s:0: cannot open\n", path), *n = (size_t)-1, NULL;
    while (!bad && fgets(line, sizeof line, f)) {
        known one = {.line = ++lineno};
        size_t len = strcspn(line, "\r\n");
        if (line[len] == '\0' && !feof(f))
            bad = fprintf(stderr, "%s:%d: line longer than %zu bytes\n", path, lineno,
                          sizeof line - 2);
        line[len] = '\0';
        if (bad || line[0] == '#' || line[strspn(line, " \t")] == '\0')
            continue;
        if (parse_known(line, &one, err, sizeof err) < 0)
            bad = fprintf(stderr, "%s:%d: %s\n", path, lineno, err);
        else if ((grown = realloc(k, (*n + 1) * sizeof *k)) == NULL)
            bad = fprintf(stderr, "%s:%d: out of memory\n", path, lineno);
        else
            (k = grown)[(*n)++] = one;
    }
    fclose(f);
    if (bad) {
        free(k);
        *n = (size_t)-1;
        return NULL;
    }
    return k;
}

void conform_apply_known(result *r, known *k, size_t nk)
{
    for (size_t i = 0; i < nk; i++) {
        if (strcmp(k[i].id, r->s->id) || strcmp(k[i].profile, r->profile))
            continue;
        k[i].used = 1;
        if (r->verdict == CONFORM_V_FAIL || r->verdict == CONFORM_V_MUST_VIOLATION) {
            r->verdict = CONFORM_V_EXPECTED_FAILURE;
            snprintf(r->why + strlen(r->why), sizeof r->why - strlen(r->why), " [known: %s]",
                     k[i].reason);
        } else if (k[i].intermittent) {
            continue; /* listed as seen in some runs only: a pass stays a pass */
        } else if (r->verdict == CONFORM_V_PASS || r->verdict == CONFORM_V_LENIENT ||
                   r->verdict == CONFORM_V_CONFORMANT) {
            r->verdict = CONFORM_V_UNEXPECTED_PASS;
            snprintf(r->why, sizeof r->why, "listed as a known deviation (%s) but passed",
                     k[i].reason);
        }
    }
}

/* What every judge says first: the harness's own troubles, and a client
 * that cannot express the scenario. 1 when that settles the verdict. */
static int harness_verdict(const conform_facts *f, result *r)
{
    switch (r->o.run) {
    case CONFORM_RUN_TIMEOUT:
        r->verdict = CONFORM_V_TIMEOUT;
        snprintf(r->why, sizeof r->why, "the client had not finished %d ms after its %d ms timeout",
                 f->timeout_ms + 5000, f->timeout_ms);
        return 1;
    case CONFORM_RUN_HARNESS_ERROR:
        r->verdict = CONFORM_V_HARNESS_ERROR;
        snprintf(r->why, sizeof r->why, "%s%s%.400s", r->o.error, r->o.detail[0] ? ": " : "",
                 r->o.detail);
        return 1;
    case CONFORM_RUN_UNSUPPORTED:
        r->verdict = CONFORM_V_UNSUPPORTED;
        snprintf(r->why, sizeof r->why, "the adapter cannot run this scenario: %.400s",
                 r->o.native[0] ? r->o.native : r->o.detail);
        return 1;
    case CONFORM_RUN_DONE:
        break;
    }
    return 0;
}

void conform_judge(const httpc_scenario *s, const char *profile, const conform_facts *f, result *r)
{
    const httpc_scn_expect *pass = httpc_scn_expect_capped(s, profile, 0, r->read_cap);
    const httpc_scn_expect *len = httpc_scn_expect_capped(s, profile, 1, r->read_cap);
    char why2[256] = "";
    int m = 0;
    if (harness_verdict(f, r))
        return;
    int conns = httpc_scn_check_connections(s, profile);
    if (conns && (size_t)conns != f->connections) {
        r->verdict = CONFORM_V_FAIL;
        snprintf(r->why, sizeof r->why, "the server saw %zu connections, expected %d",
                 f->connections, conns);
    } else if (!conform_request_checks(s, f->rx, f->rx_len, f->port, r->why, sizeof r->why))
        r->verdict = CONFORM_V_FAIL;
    else if (pass && (m = conform_matches(pass, &r->o, r->why, sizeof r->why)) == 1)
        r->verdict = CONFORM_V_PASS;
    else if (len && conform_matches(len, &r->o, why2, sizeof why2) == 1)
        r->verdict = CONFORM_V_LENIENT;
    else
        r->verdict = m < 0 ? CONFORM_V_CANNOT_TELL : CONFORM_V_FAIL;
    if (f->cut && r->verdict == CONFORM_V_FAIL)
        strncat(r->why, " (the server script had to be cut)", sizeof r->why - strlen(r->why) - 1);
}

/* The field `name` of the request head rx[0..len) (its first line and the
 * field lines up to the empty one): its value with OWS trimmed, NULL when
 * absent. Names compare case-insensitively (RFC 9110 section 5.1). */
static const char *request_field(const unsigned char *rx, size_t len, const char *name,
                                 size_t *vlen)
{
    const char *p = memchr(rx, '\n', len), *end = (const char *)rx + len;
    size_t nl = strlen(name);
    while (p != NULL && ++p < end && *p != '\r' && *p != '\n') {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *e = eol ? eol : end, *colon = memchr(p, ':', (size_t)(e - p));
        if (colon && (size_t)(colon - p) == nl && strncasecmp(p, name, nl) == 0) {
            const char *v = colon + 1;
            while (v < e && (*v == ' ' || *v == '\t'))
                v++;
            while (e > v && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
                e--;
            *vlen = (size_t)(e - v);
            return v;
        }
        p = eol;
    }
    return NULL;
}

/* The request line's length (to its CR or LF). */
static size_t request_line_len(const unsigned char *rx, size_t len)
{
    size_t n = 0;
    while (n < len && rx[n] != '\r' && rx[n] != '\n')
        n++;
    return n;
}

/* A `request ...` outcome of an rfc set against what the server received on
 * the client's first connection: 1, or 0 with the reason. */
static int request_matches(const httpc_scn_expect *e, const conform_facts *f, char *why, size_t cap)
{
    size_t ll = f->rx ? request_line_len(f->rx, f->rx_len) : 0, vlen;
    const char *line = (const char *)f->rx;
    if (f->rx == NULL || f->rx_len == 0)
        return snprintf(why, cap, "the server received no request"), 0;
    if (e->req_line && (strlen(e->req_line) != ll || memcmp(line, e->req_line, ll)))
        return snprintf(why, cap, "request line '%.*s', expected '%s'", (int)ll, line, e->req_line),
               0;
    /* request-line = method SP request-target SP HTTP-version */
    const char *t = memchr(line, ' ', ll);
    t = t ? t + 1 : line + ll;
    const char *te = memchr(t, ' ', (size_t)(line + ll - t));
    size_t tl = (size_t)((te ? te : line + ll) - t);
    if (e->req_target && (strlen(e->req_target) != tl || memcmp(t, e->req_target, tl)))
        return snprintf(why, cap, "request-target '%.*s', expected '%s'", (int)tl, t,
                        e->req_target),
               0;
    for (size_t i = 0; i < e->nreq_present; i++)
        if (!request_field(f->rx, f->rx_len, e->req_present[i], &vlen))
            return snprintf(why, cap, "the request has no %s field", e->req_present[i]), 0;
    for (size_t i = 0; i < e->nreq_absent; i++)
        if (request_field(f->rx, f->rx_len, e->req_absent[i], &vlen))
            return snprintf(why, cap, "the request has a %s field", e->req_absent[i]), 0;
    for (size_t i = 0; i < e->nheaders; i++) {
        char want[960];
        httpc_mock_expand_port(e->headers[i].value, f->port, want, sizeof want);
        const char *v = request_field(f->rx, f->rx_len, e->headers[i].name, &vlen);
        if (v == NULL || vlen != strlen(want) || memcmp(v, want, vlen))
            return snprintf(why, cap, "request field %s is '%.*s', expected '%s'",
                            e->headers[i].name, v ? (int)vlen : 8, v ? v : "(absent)", want),
                   0;
    }
    if (e->req_connections && (size_t)e->req_connections != f->connections)
        return snprintf(why, cap, "the server saw %zu connections, expected %d", f->connections,
                        e->req_connections),
               0;
    return 1;
}

/* One rfc line: met when an alternative matches, cannot-tell when one might,
 * else violated (the first alternative's reason in why). */
static conform_grade grade_line(const httpc_scn_rfc *line, const outcome *o, const conform_facts *f,
                                char *why, size_t cap)
{
    int unknown = 0;
    char first[256] = "", w[256];
    if (line->nalts == 1 && line->alts[0].any)
        return CONFORM_G_OPEN;
    for (size_t i = 0; i < line->nalts; i++) {
        const httpc_scn_expect *alt = &line->alts[i];
        int m = alt->is_request ? request_matches(alt, f, w, sizeof w)
                                : conform_matches(alt, o, w, sizeof w);
        if (m == 1)
            return CONFORM_G_MET;
        if (i == 0 || (m < 0 && !unknown)) /* a cannot-tell says why it is one */
            snprintf(first, sizeof first, "%s", w);
        unknown |= m < 0;
    }
    snprintf(why, cap, "%s%s", first, line->nalts > 1 ? " (nor any other allowed outcome)" : "");
    return unknown ? CONFORM_G_CANNOT_TELL : CONFORM_G_VIOLATED;
}

/* Appends "ID (LEVEL): reason" to r->why for a line that was not met. */
static void note_grade(result *r, const httpc_req *row, const char *reason)
{
    size_t used = strlen(r->why);
    snprintf(r->why + used, sizeof r->why - used, "%s%s (%s): %s", used ? "; " : "", row->id,
             httpc_req_level_name(row->level), reason);
}

void conform_judge_rfc(const httpc_scenario *s, const httpc_req_catalog *cat,
                       const conform_facts *f, result *r)
{
    int must = 0, should = 0, unknown = 0, graded = 0;
    r->why[0] = '\0';
    r->grades = NULL, r->ngrades = 0;
    if (harness_verdict(f, r))
        return;
    r->grades = s->nrfcs ? calloc(s->nrfcs, sizeof *r->grades) : NULL;
    for (size_t i = 0; i < s->nrfcs; i++) {
        const httpc_req *row = httpc_req_find(cat, s->rfcs[i].id);
        char why[256] = "";
        if (row == NULL || r->grades == NULL) {
            r->verdict = CONFORM_V_HARNESS_ERROR;
            snprintf(r->why, sizeof r->why, "requirement %s is not in the catalogue",
                     s->rfcs[i].id);
            return;
        }
        conform_grade g = grade_line(&s->rfcs[i], &r->o, f, why, sizeof why);
        r->grades[r->ngrades++] = (req_grade){row, g};
        graded += g != CONFORM_G_OPEN;
        if (g == CONFORM_G_MET || g == CONFORM_G_OPEN)
            continue;
        if (g == CONFORM_G_CANNOT_TELL)
            unknown = 1;
        else if (httpc_req_is_must(row->level))
            must = 1;
        else if (httpc_req_is_should(row->level))
            should = 1;
        note_grade(r, row, why);
    }
    r->verdict = must      ? CONFORM_V_MUST_VIOLATION
                 : should  ? CONFORM_V_SHOULD_DEVIATION
                 : unknown ? CONFORM_V_CANNOT_TELL
                 : graded  ? CONFORM_V_CONFORMANT
                           : CONFORM_V_UNSPECIFIED;
    if (!graded)
        snprintf(r->why, sizeof r->why, "%s",
                 s->nrfcs ? "the RFC leaves every outcome open here"
                          : "the scenario cites no requirement");
}
