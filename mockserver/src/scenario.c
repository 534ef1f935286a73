/* SPDX-License-Identifier: MIT */
/* The scenario loader: scenarios/FORMAT.md into httpc_scenario values, every
 * error as "file:line: message", every size bounded. */
#include "httpc_scenario.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LINE 65536
#define MAX_REPEAT (16u << 20)

/* The library's list of profiles (httpc.h HTTPC_PROFILE_LIST): names, and
 * each one's nearest documented neighbour for expectations it lacks. */
#define PROFILE_NAME(id, name, fb, st) name,
static const char *const profiles[] = {HTTPC_PROFILE_LIST(PROFILE_NAME)};
#undef PROFILE_NAME
#define PROFILE_FALLBACK(id, name, fb, st) HTTPC_PROFILE_##fb,
static const int fallback[] = {HTTPC_PROFILE_LIST(PROFILE_FALLBACK)};
#undef PROFILE_FALLBACK
#define NPROFILES ((unsigned)HTTPC_PROFILE__COUNT)
#define ALL_PROFILES ((1u << NPROFILES) - 1)

/* The index of a profile name, -1 when none. */
static int profile_index(const char *p)
{
    for (unsigned i = 0; i < NPROFILES; i++)
        if (strcmp(p, profiles[i]) == 0)
            return (int)i;
    return -1;
}

typedef struct ctx {
    const char *name; /* file name for messages */
    int line;
    char *err;
    size_t errcap;
    size_t budget; /* bytes expressions may still make */
} ctx;

typedef struct buf {
    unsigned char *p;
    size_t len, cap;
} buf;

static int fail(ctx *c, const char *fmt, ...)
{
    va_list ap;
    /* Line 0: the file as a whole (unreadable, too large). */
    int n = c->line > 0 ? snprintf(c->err, c->errcap, "%s:%d: ", c->name, c->line)
                        : snprintf(c->err, c->errcap, "%s: ", c->name);
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < c->errcap)
        vsnprintf(c->err + n, c->errcap - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

static int put(ctx *c, buf *b, const void *data, size_t len)
{
    if (len > c->budget)
        return fail(c, "the scenario makes more than %u bytes", HTTPC_SCN_MAX_BYTES);
    c->budget -= len;
    if (b->len + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + len + 1)
            cap *= 2;
        unsigned char *p = realloc(b->p, cap);
        if (p == NULL)
            return fail(c, "out of memory");
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, len);
    b->len += len;
    b->p[b->len] = '\0';
    return 0;
}

static const char *skip_ws(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

static int hexval(int ch)
{
    return isdigit(ch)                                  ? ch - '0'
           : (tolower(ch) >= 'a' && tolower(ch) <= 'f') ? tolower(ch) - 'a' + 10
                                                        : -1;
}

/* A double-quoted string with C escapes; *s is past the closing quote. */
static int quoted(ctx *c, const char **s, buf *out)
{
    const char *p = *s;
    if (*p != '"')
        return fail(c, "expected a quoted string at '%.20s'", p);
    for (p++; *p != '"'; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch == '\0')
            return fail(c, "unterminated string");
        if (ch == '\\') {
            int h1, h2;
            switch (*++p) {
            case 'r':
                ch = '\r';
                break;
            case 'n':
                ch = '\n';
                break;
            case 't':
                ch = '\t';
                break;
            case '0':
                ch = '\0';
                break;
            case '\\':
                ch = '\\';
                break;
            case '"':
                ch = '"';
                break;
            case 'x':
                h1 = hexval((unsigned char)p[1]);
                h2 = h1 < 0 ? -1 : hexval((unsigned char)p[2]);
                if (h2 < 0)
                    return fail(c, "\\x needs two hex digits");
                ch = (unsigned char)(h1 * 16 + h2);
                p += 2;
                break;
            default:
                return fail(c, "unknown escape '\\%c'", *p ? *p : '0');
            }
        }
        if (put(c, out, &ch, 1) < 0)
            return -1;
    }
    *s = p + 1;
    return 0;
}

static int number(ctx *c, const char **s, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(*s, &end, 10);
    if (end == *s || errno || v < 0 || v > max)
        return fail(c, "expected a number from 0 to %ld at '%.20s'", max, *s);
    *s = end;
    *out = v;
    return 0;
}

/* Whether `full` resolves (symbolic links followed) to a regular file inside
 * the folder of the scenario file `name`. */
static int inside_folder(ctx *c, const char *name, const char *full)
{
    char dir[4096], real_dir[PATH_MAX], real[PATH_MAX];
    const char *slash = strrchr(name, '/');
    struct stat st;
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - name) : 1, slash ? name : ".");
    if (realpath(dir, real_dir) == NULL || realpath(full, real) == NULL)
        return fail(c, "cannot read file \"%s\": %s", full, strerror(errno));
    size_t n = strlen(real_dir);
    if (strncmp(real, real_dir, n) != 0 ||
        (real[n] != '/' && real[n] != '\0' && strcmp(real_dir, "/") != 0))
        return fail(c, "file \"%s\" leads outside the scenario's folder (to %s)", full, real);
    if (stat(real, &st) < 0 || !S_ISREG(st.st_mode))
        return fail(c, "file \"%s\" is not a regular file", full);
    return 0;
}

/* A file inside the scenario's folder: no absolute paths, no "..", no link
 * that leads out of it. */
static int file_term(ctx *c, const char **s, buf *out)
{
    buf path = {0};
    char full[4096];
    const char *slash = strrchr(c->name, '/');
    int rc = quoted(c, s, &path);
    if (rc == 0 && (path.len == 0 || path.p[0] == '/' || strstr((char *)path.p, "..")))
        rc = fail(c, "file \"%s\" must be a relative path inside the tree",
                  path.p ? (char *)path.p : "");
    if (rc == 0) {
        snprintf(full, sizeof full, "%.*s%s", slash ? (int)(slash - c->name + 1) : 0, c->name,
                 (char *)path.p);
        rc = inside_folder(c, c->name, full);
    }
    FILE *f = rc == 0 ? fopen(full, "rb") : NULL;
    if (rc == 0 && f == NULL)
        rc = fail(c, "cannot read file \"%s\": %s", full, strerror(errno));
    if (f != NULL) {
        char chunk[65536];
        size_t n;
        while (rc == 0 && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
            rc = put(c, out, chunk, n);
        fclose(f);
    }
    free(path.p);
    return rc;
}

/* EXPR = TERM *( "+" TERM ); TERM = STRING [ "*" N ] / "file" STRING */
static int bytes_expr(ctx *c, const char *s, buf *out)
{
    for (;;) {
        s = skip_ws(s);
        if (strncmp(s, "file", 4) == 0 && (s[4] == ' ' || s[4] == '"')) {
            s = skip_ws(s + 4);
            if (file_term(c, &s, out) < 0)
                return -1;
        } else {
            buf one = {0};
            if (quoted(c, &s, &one) < 0) {
                free(one.p);
                return -1;
            }
            s = skip_ws(s);
            long times = 1;
            if (*s == '*') {
                s = skip_ws(s + 1);
                if (number(c, &s, MAX_REPEAT, &times) < 0) {
                    free(one.p);
                    return -1;
                }
            }
            /* the repeat is charged to the budget before anything is built */
            if (one.len > 0 && (size_t)times > c->budget / one.len) {
                free(one.p);
                return fail(c, "the scenario makes more than %u bytes", HTTPC_SCN_MAX_BYTES);
            }
            for (long i = 0; i < times; i++)
                if (put(c, out, one.p ? one.p : (unsigned char *)"", one.len) < 0) {
                    free(one.p);
                    return -1;
                }
            free(one.p);
        }
        s = skip_ws(s);
        if (*s == '\0')
            return 0;
        if (*s != '+')
            return fail(c, "expected '+' or the end of the line at '%.20s'", s);
        s++;
    }
}

static char *dupstr(ctx *c, const char *s)
{
    char *d = strdup(s);
    if (d == NULL)
        fail(c, "out of memory");
    return d;
}

static int push(ctx *c, void **arr, size_t *n, size_t size, const void *item)
{
    void *p = realloc(*arr, (*n + 1) * size);
    if (p == NULL)
        return fail(c, "out of memory");
    memcpy((char *)p + *n * size, item, size);
    *arr = p;
    (*n)++;
    return 0;
}

/* "Name: value" */
static int header_value(ctx *c, const char *v, httpc_scn_header *h)
{
    const char *colon = strchr(v, ':');
    if (colon == NULL || colon == v)
        return fail(c, "expected 'Name: value', got '%.40s'", v);
    h->name = strndup(v, (size_t)(colon - v));
    h->value = strdup(skip_ws(colon + 1));
    if (h->name && h->value)
        return 0;
    free(h->name), free(h->value);
    return fail(c, "out of memory");
}

/* "Name: value" appended to a list of headers. */
static int add_header(ctx *c, httpc_scn_header **list, size_t *n, const char *v)
{
    httpc_scn_header h;
    if (header_value(c, v, &h) < 0)
        return -1;
    if (push(c, (void **)list, n, sizeof h, &h) < 0)
        return free(h.name), free(h.value), -1;
    return 0;
}

static int is_profile(const char *p)
{
    return profile_index(p) >= 0;
}

/* key=value pairs of an outcome; value quoted or a bare word. */
static int outcome_pairs(ctx *c, const char *s, httpc_scn_expect *e)
{
    char seen[16][32];
    size_t nseen = 0;
    for (s = skip_ws(s); *s; s = skip_ws(s)) {
        const char *eq = strchr(s, '=');
        if (eq == NULL)
            return fail(c, "expected key=value at '%.20s'", s);
        char key[32];
        snprintf(key, sizeof key, "%.*s", (int)(eq - s) < 31 ? (int)(eq - s) : 31, s);
        /* Every field but header= once: a second value would silently win. */
        for (size_t i = 0; i < nseen; i++)
            if (!strcmp(seen[i], key))
                return fail(c, "outcome field '%s' given twice", key);
        if (strcmp(key, "header") && nseen < 16)
            snprintf(seen[nseen++], sizeof seen[0], "%s", key);
        const char *v = eq + 1;
        buf val = {0};
        if (*v == '"') {
            if (quoted(c, &v, &val) < 0)
                return free(val.p), -1;
        } else {
            const char *end = v + strcspn(v, " \t");
            if (put(c, &val, v, (size_t)(end - v)) < 0)
                return free(val.p), -1;
            v = end;
        }
        const char *t = val.p ? (const char *)val.p : "";
        char *endp;
        int rc = 0;
        if (!strcmp(key, "detail"))
            e->detail = dupstr(c, t);
        else if (!strcmp(key, "partial"))
            e->partial = strtoll(t, &endp, 10), rc = *endp || !*t ? -1 : 0;
        else if (!strcmp(key, "expected"))
            e->expected = !strcmp(t, "none") ? -1 : strtoll(t, &endp, 10),
            rc = strcmp(t, "none") && (*endp || !*t) ? -1 : 0;
        else if (!strcmp(key, "status"))
            e->status = (int)strtol(t, &endp, 10), rc = *endp || e->status < 100 ? -1 : 0;
        else if (!strcmp(key, "reason")) { /* the bytes whole: it may hold NUL */
            e->reason_len = val.len;
            e->reason = val.p ? (char *)val.p : dupstr(c, "");
            val.p = NULL;
        } else if (!strcmp(key, "version"))
            e->version = (int)strtol(t, &endp, 10),
            rc = (e->version != 9 && e->version != 10 && e->version != 11) ? -1 : 0;
        else if (!strcmp(key, "body")) {
            e->body = val.p, e->body_size = val.len, e->has_body = 1;
            val.p = NULL;
        } else if (!strcmp(key, "body-len"))
            e->body_len = strtoll(t, &endp, 10), rc = *endp || !*t ? -1 : 0;
        else if (!strcmp(key, "body-sha256"))
            e->body_sha256 = dupstr(c, t), rc = strlen(t) == 64 ? 0 : -1;
        else if (!strcmp(key, "will-close"))
            e->will_close = !strcmp(t, "yes")  ? 1
                            : !strcmp(t, "no") ? 0
                                               : -1,
            rc = e->will_close < 0 ? -1 : 0;
        else if (!strcmp(key, "conn"))
            e->conn_kept = !strcmp(t, "kept")     ? 1
                           : !strcmp(t, "closed") ? 0
                                                  : -1,
            rc = e->conn_kept < 0 ? -1 : 0;
        else if (!strcmp(key, "line"))
            e->req_line = dupstr(c, t);
        else if (!strcmp(key, "target"))
            e->req_target = dupstr(c, t);
        else if (!strcmp(key, "connections"))
            e->req_connections = (int)strtol(t, &endp, 10),
            rc = *endp || e->req_connections < 1 || e->req_connections > HTTPC_SCN_MAX_CONNS ? -1
                                                                                             : 0;
        else if (!strcmp(key, "no-header") || !strcmp(key, "has-header")) {
            char *name = dupstr(c, t);
            int absent = key[0] == 'n';
            rc = name == NULL || !*t
                     ? -1
                     : push(c, absent ? (void **)&e->req_absent : (void **)&e->req_present,
                            absent ? &e->nreq_absent : &e->nreq_present, sizeof name, &name);
            if (rc < 0)
                free(name);
        } else if (!strcmp(key, "header")) {
            httpc_scn_header h;
            rc = header_value(c, t, &h);
            if (rc == 0 && (rc = push(c, (void **)&e->headers, &e->nheaders, sizeof h, &h)) < 0)
                free(h.name), free(h.value);
            if (rc < 0) {
                free(val.p);
                return -1;
            }
        } else {
            free(val.p);
            return fail(c, "unknown outcome field '%s'", key);
        }
        free(val.p);
        if (rc < 0)
            return fail(c, "bad value for %s", key);
        s = v;
    }
    return 0;
}

/* "expect[ PROFILE][ lenient]: error CLASS ... | response ..." */
static void drop_expect(httpc_scn_expect *e)
{
    free(e->profile), free(e->error), free(e->detail), free(e->reason);
    free(e->body), free(e->body_sha256), free(e->req_line), free(e->req_target);
    for (size_t i = 0; i < e->nreq_absent; i++)
        free(e->req_absent[i]);
    for (size_t i = 0; i < e->nreq_present; i++)
        free(e->req_present[i]);
    free(e->req_absent), free(e->req_present);
    for (size_t i = 0; i < e->nheaders; i++)
        free(e->headers[i].name), free(e->headers[i].value);
    free(e->headers);
}

/* An outcome before its fields are read: every number "not checked" (-2 for
 * IncompleteRead's two, where -1 means something), at the current line. */
static httpc_scn_expect new_expect(const ctx *c)
{
    return (httpc_scn_expect){.partial = -2,
                              .expected = -2,
                              .body_len = -1,
                              .will_close = -1,
                              .conn_kept = -1,
                              .line = c->line};
}

/* Appends `e` to list[0..*n) when its reading succeeded (rc 0); when that or
 * the append failed, frees what it holds. Returns rc, or the append's error. */
static int keep_expect(ctx *c, int rc, httpc_scn_expect *e, httpc_scn_expect **list, size_t *n)
{
    if (rc == 0)
        rc = push(c, (void **)list, n, sizeof *e, e);
    if (rc < 0)
        drop_expect(e);
    return rc;
}

static int expect_fields(ctx *c, httpc_scenario *sc, const char *key, const char *v,
                         httpc_scn_expect *e);

/* An expectation line; what it allocated is freed when it is refused. */
static int expect_line(ctx *c, httpc_scenario *sc, const char *key, const char *v)
{
    httpc_scn_expect e = new_expect(c);
    return keep_expect(c, expect_fields(c, sc, key, v, &e), &e, &sc->expects, &sc->nexpects);
}

/* The classes of adapters/TAXONOMY.md: what an `error` outcome may name. A
 * misspelt class would otherwise pass lint and fail every run. */
static const char *const classes[] = {
    "HTTPException",
    "NotConnected",
    "InvalidURL",
    "UnknownProtocol",
    "UnknownTransferEncoding",
    "UnimplementedFileMode",
    "IncompleteRead",
    "ImproperConnectionState",
    "CannotSendRequest",
    "CannotSendHeader",
    "ResponseNotReady",
    "BadStatusLine",
    "LineTooLong",
    "RemoteDisconnected",
    "InvalidHeader",
    "InvalidFraming",
    "ValueError",
    "OSError",
    "ConnectionError",
    "ConnectionResetError",
    "BrokenPipeError",
    "ConnectionAbortedError",
    "ConnectionRefusedError",
    "TimeoutError",
    "FileNotFoundError",
    "SSLError",
    "SSLCertVerificationError",
    "SSLEOFError",
    "SSLZeroReturnError",
    "CertificateError",
    "Unmapped",
    "AdapterUnsupported",
};

int httpc_scn_known_class(const char *name)
{
    for (size_t i = 0; i < sizeof classes / sizeof *classes; i++)
        if (!strcmp(name, classes[i]))
            return 1;
    return 0;
}

/* A `request` outcome has only the request's fields (and header=); the
 * others never have them. */
static int request_fields_only(ctx *c, const httpc_scn_expect *e, int is_request)
{
    int req =
        e->req_line || e->req_target || e->nreq_absent || e->nreq_present || e->req_connections;
    int resp = e->status || e->reason || e->version || e->has_body || e->body_len >= 0 ||
               e->body_sha256 || e->will_close >= 0 || e->conn_kept >= 0;
    if (is_request && resp)
        return fail(c, "a request outcome takes line, target, header, has-header, no-header "
                       "and connections");
    if (!is_request && req)
        return fail(c, "line, target, has-header, no-header and connections belong to a "
                       "'request' outcome");
    return is_request && !req && e->nheaders == 0 ? fail(c, "'request' checks nothing") : 0;
}

/* One outcome, "error [CLASS] k=v..." or "response k=v..." (and, in an rfc
 * set, "any"); `in_set` allows the class to be left out (any error). */
static int outcome_of(ctx *c, const char *v, httpc_scn_expect *e, int in_set)
{
    if (in_set && !strcmp(v, "any"))
        return e->any = 1, 0;
    if (strncmp(v, "error", 5) == 0 && (v[5] == '\0' || v[5] == ' ' || v[5] == '\t')) {
        v = skip_ws(v + 5);
        size_t n = strcspn(v, " \t"); /* the class, unless the first word is a field */
        const char *eq = memchr(v, '=', n);
        if ((n == 0 || eq) && !in_set)
            return fail(c, "'error' needs an exception class name");
        if (n > 0 && eq == NULL) {
            e->error = strndup(v, n);
            if (e->error && !httpc_scn_known_class(e->error))
                return fail(c, "unknown outcome class '%s' (adapters/TAXONOMY.md lists them)",
                            e->error);
            v += n;
        } else {
            e->error = strdup("");
        }
        if (e->error == NULL)
            return fail(c, "out of memory");
        return outcome_pairs(c, v, e) < 0 ? -1 : request_fields_only(c, e, 0);
    }
    if (strncmp(v, "response", 8) == 0 && (v[8] == '\0' || v[8] == ' ' || v[8] == '\t'))
        return outcome_pairs(c, v + 8, e) < 0 ? -1 : request_fields_only(c, e, 0);
    if (in_set && strncmp(v, "request", 7) == 0 && (v[7] == ' ' || v[7] == '\t')) {
        e->is_request = 1;
        return outcome_pairs(c, v + 7, e) < 0 ? -1 : request_fields_only(c, e, 1);
    }
    return fail(c, in_set ? "an outcome is 'any', 'error [CLASS] ...', 'response ...' or "
                            "'request ...'"
                          : "an expectation is 'error CLASS ...' or 'response ...'");
}

/* "expect[ PROFILE][ lenient][ read-cap=N]: ..." into `e`, which may hold
 * allocations when this fails (the caller drops them). */
static int expect_fields(ctx *c, httpc_scenario *sc, const char *key, const char *v,
                         httpc_scn_expect *e)
{
    char words[4][32] = {{0}};
    int nw = sscanf(key, "%31s %31s %31s %31s", words[0], words[1], words[2], words[3]);
    for (int i = 1; i < nw; i++) {
        const char *q = words[i] + 9;
        long cap = 0;
        if (!strcmp(words[i], "lenient"))
            e->lenient = 1;
        else if (is_profile(words[i]) && e->profile == NULL)
            e->profile = dupstr(c, words[i]);
        else if (!strncmp(words[i], "read-cap=", 9) && e->read_cap == 0) {
            if (number(c, &q, 1 << 20, &cap) < 0 || cap == 0 || *q)
                return fail(c, "read-cap wants a byte count from 1 to %d", 1 << 20);
            e->read_cap = (int)cap;
        } else
            return fail(c, "unknown profile '%s' (httpc --help lists them)", words[i]);
    }
    for (size_t i = 0; i < sc->nexpects; i++) {
        const httpc_scn_expect *o = &sc->expects[i];
        if (o->lenient == e->lenient && o->read_cap == e->read_cap &&
            ((o->profile == NULL && e->profile == NULL) ||
             (o->profile && e->profile && !strcmp(o->profile, e->profile))))
            return fail(c, "a second expectation for the same profile (first on line %d)", o->line);
    }
    return outcome_of(c, v, e, 0);
}

/* The next alternative of an rfc set: up to a '|' outside quotes. */
static size_t alternative_len(const char *s)
{
    int q = 0;
    for (size_t i = 0; s[i]; i++) {
        if (s[i] == '\\' && q && s[i + 1])
            i++;
        else if (s[i] == '"')
            q = !q;
        else if (s[i] == '|' && !q)
            return i;
    }
    return strlen(s);
}

static void drop_rfc(httpc_scn_rfc *r)
{
    for (size_t i = 0; i < r->nalts; i++)
        drop_expect(&r->alts[i]);
    free(r->alts), free(r->id);
}

static int rfc_alternatives(ctx *c, const char *v, httpc_scn_rfc *r)
{
    char *one = malloc(strlen(v) + 1);
    if (one == NULL)
        return fail(c, "out of memory");
    for (;;) {
        size_t n = alternative_len(v);
        while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
            n--;
        memcpy(one, v, n);
        one[n] = '\0';
        httpc_scn_expect e = new_expect(c);
        int rc = *one ? outcome_of(c, one, &e, 1) : fail(c, "an empty alternative in the set");
        if (keep_expect(c, rc, &e, &r->alts, &r->nalts) < 0)
            return free(one), -1;
        v = skip_ws(v + alternative_len(v));
        if (*v != '|')
            break;
        v = skip_ws(v + 1);
    }
    free(one);
    return 0;
}

/* "rfc ID: OUTCOME | OUTCOME ..." (FORMAT.md, RFC grading). */
static int rfc_line(ctx *c, httpc_scenario *sc, const char *key, const char *v)
{
    httpc_scn_rfc r = {.line = c->line};
    const char *id = skip_ws(key + 3);
    size_t n = strcspn(id, " \t");
    if (n == 0 || *skip_ws(id + n) || !httpc_req_valid_id(id))
        return fail(c, "'rfc ID:' wants a requirement id such as 9112-6.3-2, got '%.40s'", id);
    for (size_t i = 0; i < sc->nrfcs; i++)
        if (!strcmp(sc->rfcs[i].id, id))
            return fail(c, "a second 'rfc %s' line (first on line %d)", id, sc->rfcs[i].line);
    if ((r.id = dupstr(c, id)) == NULL)
        return -1;
    if (rfc_alternatives(c, v, &r) < 0 || push(c, (void **)&sc->rfcs, &sc->nrfcs, sizeof r, &r) < 0)
        return drop_rfc(&r), -1;
    return 0;
}

/* The script's actions but send and segments: a word alone, or a word and
 * a number from 0 to `max`. */
static const struct action_rule {
    const char *word; /* ends with a space when a number follows */
    httpc_scn_op op;
    long max; /* 0: the word alone */
} action_rules[] = {
    {"read request", HTTPC_SCN_READ_REQUEST, 0},
    {"read line", HTTPC_SCN_READ_LINE, 0},
    {"read head", HTTPC_SCN_READ_HEAD, 0},
    {"read body ", HTTPC_SCN_READ_BODY, HTTPC_SCN_MAX_BYTES},
    {"pause ", HTTPC_SCN_PAUSE, 60000},
    {"silent ", HTTPC_SCN_SILENT, 600000},
    {"tls-alert ", HTTPC_SCN_TLS_ALERT, 255},
    {"tls-stall ", HTTPC_SCN_TLS_STALL, 600000},
    {"starttls", HTTPC_SCN_STARTTLS, 0},
    {"close-no-notify", HTTPC_SCN_CLOSE_NO_NOTIFY, 0},
    {"shutdown", HTTPC_SCN_SHUTDOWN, 0},
    {"close", HTTPC_SCN_CLOSE, 0},
    {"reset", HTTPC_SCN_RESET, 0},
};

/* Nothing may follow an action's arguments. */
static int action_ends(ctx *c, const char *s)
{
    s = skip_ws(s);
    return *s ? fail(c, "unexpected text after the action: '%.20s'", s) : 0;
}

/* "segments N [DELAY_MS]". */
static int segments_action(ctx *c, const char *s, httpc_scn_action *a)
{
    a->op = HTTPC_SCN_SEGMENTS;
    if (number(c, &s, HTTPC_SCN_MAX_BYTES, &a->n) < 0)
        return -1;
    if (a->n == 0)
        return fail(c, "segments must be at least 1 byte");
    s = skip_ws(s);
    if (*s && number(c, &s, 60000, &a->n2) < 0)
        return -1;
    return action_ends(c, s);
}

/* One action into *a (a->data, when set, is the caller's to free). */
static int read_action(ctx *c, const char *s, httpc_scn_action *a)
{
    if (!strncmp(s, "send ", 5)) {
        buf data = {0};
        int rc = bytes_expr(c, s + 5, &data);
        a->op = HTTPC_SCN_SEND;
        a->data = data.p;
        a->len = data.len;
        return rc;
    }
    if (!strncmp(s, "segments ", 9))
        return segments_action(c, s + 9, a);
    for (size_t i = 0; i < sizeof action_rules / sizeof *action_rules; i++) {
        const struct action_rule *r = &action_rules[i];
        size_t n = strlen(r->word);
        if (r->max == 0 ? strcmp(s, r->word) != 0 : strncmp(s, r->word, n) != 0)
            continue;
        const char *q = s + n;
        a->op = r->op;
        if (r->max == 0)
            return 0;
        return number(c, &q, r->max, &a->n) < 0 ? -1 : action_ends(c, q);
    }
    return fail(c, "unknown action '%.40s'", s);
}

static int action_line(ctx *c, httpc_scn_conn *conn, const char *s)
{
    httpc_scn_action a = {.line = c->line};
    int rc = read_action(c, s, &a);
    if (rc == 0)
        rc = push(c, (void **)&conn->actions, &conn->nactions, sizeof a, &a);
    if (rc < 0)
        free(a.data);
    return rc;
}

static int valid_id(const char *id)
{
    if (!*id || *id == '/' || strstr(id, "//") || id[strlen(id) - 1] == '/')
        return 0;
    for (const char *p = id; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || strchr("./_-=", *p)))
            return 0;
    return strchr(id, '/') != NULL;
}

static int yes_no(ctx *c, const char *key, const char *v, int *out)
{
    if (strcmp(v, "yes") && strcmp(v, "no"))
        return fail(c, "%s wants yes or no", key);
    *out = !strcmp(v, "yes");
    return 0;
}

/* The TLS and tunnel keys (tls, tls-verify, tls-cert, tls-sni, client-host,
 * tunnel-header, tunnel). */
static int tls_line(ctx *c, httpc_scenario *sc, const char *key, const char *v)
{
    return yes_no(c, key, v, &sc->tls);
}

static int tls_verify_line(ctx *c, httpc_scenario *sc, const char *key, const char *v)
{
    return yes_no(c, key, v, &sc->tls_verify);
}

/* A string key's value, replacing what an earlier line gave. */
static int replace_str(ctx *c, char **slot, const char *v)
{
    free(*slot);
    return (*slot = dupstr(c, v)) ? 0 : -1;
}

static int tls_cert_line(ctx *c, httpc_scenario *sc, const char *key, const char *v)
{
    static const char *const certs[] = {"valid", "wrong-host", "expired", "self-signed",
                                        "untrusted"};
    (void)key;
    for (size_t i = 0; i < sizeof certs / sizeof *certs; i++)
        if (!strcmp(v, certs[i]))
            return replace_str(c, &sc->tls_cert, v);
    return fail(c, "tls-cert is valid, wrong-host, expired, self-signed or untrusted");
}

static int tls_sni_line(ctx *c, httpc_scenario *sc, const char *key, const char *v)
{
    (void)key;
    return replace_str(c, &sc->tls_sni, v);
}

static int client_host_line(ctx *c, httpc_scenario *sc, const char *key, const char *v)
{
    (void)key;
    return replace_str(c, &sc->client_host, v);
}

static int tunnel_header_line(ctx *c, httpc_scenario *sc, const char *key, const char *v)
{
    (void)key;
    return add_header(c, &sc->tunnel_headers, &sc->ntunnel_headers, v);
}

/* "tunnel: HOST:PORT", split at the last colon. */
static int tunnel_line(ctx *c, httpc_scenario *sc, const char *key, const char *v)
{
    const char *colon = strrchr(v, ':');
    char *end = NULL;
    long port = colon ? strtol(colon + 1, &end, 10) : 0;
    (void)key;
    if (colon == NULL || colon == v || end == colon + 1 || *end || port < 1 || port > 65535)
        return fail(c, "tunnel is HOST:PORT");
    if (replace_str(c, &sc->tunnel_host, v) < 0)
        return -1;
    sc->tunnel_host[colon - v] = '\0';
    sc->tunnel_port = (int)port;
    return 0;
}

/* "check-connections[ PROFILE]: N": the count the server must see, for
 * every profile or for one (the strict profile may reconnect where CPython
 * reuses). */
static int check_connections_line(ctx *c, httpc_scenario *sc, const char *key, const char *v)
{
    const char *profile = skip_ws(key + strlen("check-connections"));
    long n = 0;
    const char *q = v;
    int *slot = &sc->check_connections;
    int k = *profile ? profile_index(profile) : -1;
    if (k >= 0)
        slot = &sc->check_connections_for[k];
    if (*profile && k < 0)
        return fail(c, "unknown profile '%s' (httpc --help lists them)", profile);
    if (*profile && !strcmp(v, "any")) /* this profile: any count (timing decides) */
        return *slot = -1, 0;
    if (number(c, &q, HTTPC_SCN_MAX_CONNS, &n) < 0 || n == 0 || *skip_ws(q))
        return fail(c, "check-connections wants a count from 1 to %d", HTTPC_SCN_MAX_CONNS);
    *slot = (int)n;
    return 0;
}

/* Whether profile k, or the neighbour it falls back to, is in `listed`. */
static int family_listed(unsigned listed, int k)
{
    for (; k >= 0 && k < (int)NPROFILES; k = fallback[k])
        if (listed & (1u << k))
            return 1;
    return 0;
}

/* "profiles: NAME, ... -- why": the scenario runs under the profiles named
 * and those that fall back to one of them (py36 with py3), less each one
 * named with a '-' ("-py31"; a list of only those starts from every
 * profile); a line that leaves any profile out says why after " -- "
 * (scenarios/FORMAT.md). */
static int profiles_line(ctx *c, httpc_scenario *sc, const char *key, const char *v)
{
    char copy[256], *save = NULL;
    const char *why = strstr(v, " -- ");
    unsigned listed = 0, dropped = 0;
    size_t n = why ? (size_t)(why - v) : strlen(v);
    (void)key;
    if (n >= sizeof copy)
        return fail(c, "profiles: the list is too long");
    memcpy(copy, v, n);
    copy[n] = '\0';
    for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        int minus = t[0] == '-'; /* "-py31": that one profile out, not its family */
        int k = profile_index(t + minus);
        if (k < 0)
            return fail(c, "unknown profile '%s' (httpc --help lists them)", t + minus);
        *(minus ? &dropped : &listed) |= 1u << k;
    }
    if (listed == 0 && dropped == 0)
        return fail(c, "profiles: names no profile");
    sc->profiles = 0;
    for (unsigned k = 0; k < NPROFILES; k++)
        if (listed == 0 || family_listed(listed, (int)k))
            sc->profiles |= 1u << k;
    sc->profiles &= ~dropped;
    if (sc->profiles != ALL_PROFILES && (why == NULL || !*skip_ws(why + 4)))
        return fail(c, "profiles: leaves profiles out without saying why ('profiles: LIST -- "
                       "why the others do not run it')");
    return 0;
}

static int id_line(ctx *c, httpc_scenario *sc, const char *key, const char *v)
{
    (void)key;
    if (sc->id)
        return fail(c, "a second 'id:'");
    if (!valid_id(v))
        return fail(c, "id '%s' must be area/what-it-tests in [a-z0-9./_-]", v);
    sc->id_line = c->line;
    return (sc->id = dupstr(c, v)) ? 0 : -1;
}

static int title_line(ctx *c, httpc_scenario *sc, const char *key, const char *v)
{
    (void)key;
    if (sc->title)
        return fail(c, "a second 'title:'");
    return (sc->title = dupstr(c, v)) ? 0 : -1;
}

static int ref_line(ctx *c, httpc_scenario *sc, const char *key, const char *v)
{
    char *r = dupstr(c, v);
    (void)key;
    if (r == NULL)
        return -1;
    return push(c, (void **)&sc->refs, &sc->nrefs, sizeof r, &r) < 0 ? free(r), -1 : 0;
}

/* "tags: a, b": each tag its own string. */
static int tags_line(ctx *c, httpc_scenario *sc, const char *key, const char *v)
{
    char *copy = dupstr(c, v), *save = NULL;
    (void)key;
    for (char *t = copy ? strtok_r(copy, ", ", &save) : NULL; t; t = strtok_r(NULL, ", ", &save)) {
        char *d = dupstr(c, t);
        if (!d || push(c, (void **)&sc->tags, &sc->ntags, sizeof d, &d) < 0)
            return free(d), free(copy), -1;
    }
    free(copy);
    return copy ? 0 : -1;
}

/* A later 'request:' line: the request so far becomes one sent before it. */
static int keep_earlier_request(ctx *c, httpc_scenario *sc)
{
    httpc_scn_request r = {sc->method,   sc->target,       sc->req_headers, sc->nreq_headers,
                           sc->req_body, sc->req_body_len, sc->has_req_body};
    if (sc->nbefore == 7)
        return fail(c, "at most 8 requests");
    if (push(c, (void **)&sc->before, &sc->nbefore, sizeof r, &r) < 0)
        return -1;
    sc->method = sc->target = NULL;
    sc->req_headers = NULL, sc->nreq_headers = 0;
    sc->req_body = NULL, sc->req_body_len = 0, sc->has_req_body = 0;
    return 0;
}

/* "request: METHOD TARGET". */
static int request_line(ctx *c, httpc_scenario *sc, const char *key, const char *v)
{
    char m[64], t[4096];
    (void)key;
    if (sscanf(v, "%63s %4095s", m, t) != 2)
        return fail(c, "request is 'METHOD TARGET'");
    if (sc->method != NULL && keep_earlier_request(c, sc) < 0)
        return -1;
    sc->method = dupstr(c, m);
    sc->target = sc->method ? dupstr(c, t) : NULL;
    return sc->target ? 0 : -1;
}

static int request_header_line(ctx *c, httpc_scenario *sc, const char *key, const char *v)
{
    (void)key;
    return add_header(c, &sc->req_headers, &sc->nreq_headers, v);
}

static int check_request_header_line(ctx *c, httpc_scenario *sc, const char *key, const char *v)
{
    (void)key;
    return add_header(c, &sc->check_headers, &sc->ncheck_headers, v);
}

/* A bytes expression's value in place of what an earlier line gave; an
 * empty value is an empty string, never NULL, so that "given and empty" stays
 * apart from "not given". */
static int replace_bytes(ctx *c, const char *v, unsigned char **slot, size_t *len)
{
    buf b = {0};
    if (bytes_expr(c, v, &b) < 0)
        return free(b.p), -1;
    if (b.p == NULL && (b.p = calloc(1, 1)) == NULL)
        return fail(c, "out of memory");
    free(*slot);
    *slot = b.p;
    *len = b.len;
    return 0;
}

static int request_body_line(ctx *c, httpc_scenario *sc, const char *key, const char *v)
{
    (void)key;
    if (replace_bytes(c, v, &sc->req_body, &sc->req_body_len) < 0)
        return -1;
    sc->has_req_body = 1;
    return 0;
}

/* A second check-request-line: the last one counts. */
static int check_request_line_line(ctx *c, httpc_scenario *sc, const char *key, const char *v)
{
    (void)key;
    return replace_bytes(c, v, &sc->check_line, &sc->check_line_len);
}

/* "sweep:" is read before the lines are parsed (find_sweep). */
static int sweep_line(ctx *c, httpc_scenario *sc, const char *key, const char *v)
{
    (void)c, (void)sc, (void)key, (void)v;
    return 0;
}

static int timeout_line(ctx *c, httpc_scenario *sc, const char *key, const char *v)
{
    long n = 0;
    const char *q = v;
    (void)key;
    if (number(c, &q, 600000, &n) < 0 || n == 0 || *skip_ws(q))
        return fail(c, "timeout wants milliseconds from 1 to 600000");
    sc->timeout_ms = (int)n;
    return 0;
}

/* Whether a key may or must name something after its word and a space
 * ("expect py3 lenient", "rfc 9112-6.3-2"). */
enum { KEY_ALONE, KEY_WORD_MAY_FOLLOW, KEY_WORD_MUST_FOLLOW };

/* Every key of FORMAT.md and the function that reads its value. */
static const struct key_rule {
    const char *name;
    int follow;
    int (*read)(ctx *c, httpc_scenario *sc, const char *key, const char *v);
} key_rules[] = {
    {"id", KEY_ALONE, id_line},
    {"title", KEY_ALONE, title_line},
    {"ref", KEY_ALONE, ref_line},
    {"tags", KEY_ALONE, tags_line},
    {"request", KEY_ALONE, request_line},
    {"request-header", KEY_ALONE, request_header_line},
    {"check-request-header", KEY_ALONE, check_request_header_line},
    {"request-body", KEY_ALONE, request_body_line},
    {"check-request-line", KEY_ALONE, check_request_line_line},
    {"expect", KEY_WORD_MAY_FOLLOW, expect_line},
    {"rfc", KEY_WORD_MUST_FOLLOW, rfc_line},
    {"sweep", KEY_ALONE, sweep_line},
    {"check-connections", KEY_WORD_MAY_FOLLOW, check_connections_line},
    {"timeout", KEY_ALONE, timeout_line},
    {"tls", KEY_ALONE, tls_line},
    {"tls-cert", KEY_ALONE, tls_cert_line},
    {"tls-sni", KEY_ALONE, tls_sni_line},
    {"tls-verify", KEY_ALONE, tls_verify_line},
    {"client-host", KEY_ALONE, client_host_line},
    {"tunnel", KEY_ALONE, tunnel_line},
    {"tunnel-header", KEY_ALONE, tunnel_header_line},
    {"profiles", KEY_ALONE, profiles_line},
};

/* Whether `key` (all that comes before the colon) is the rule's. */
static int key_is(const struct key_rule *r, const char *key)
{
    size_t n = strlen(r->name);
    if (strncmp(key, r->name, n) != 0)
        return 0;
    if (key[n] == '\0')
        return r->follow != KEY_WORD_MUST_FOLLOW;
    return key[n] == ' ' && r->follow != KEY_ALONE;
}

static int key_line(ctx *c, httpc_scenario *sc, const char *key, const char *v)
{
    for (size_t i = 0; i < sizeof key_rules / sizeof *key_rules; i++)
        if (key_is(&key_rules[i], key))
            return key_rules[i].read(c, sc, key, v);
    return fail(c, "unknown key '%s'", key);
}

/* With `tls: yes`, a script that does not place its own handshake (starttls,
 * or tls-alert or tls-stall instead of one) starts with it. */
static int implicit_starttls(ctx *c, httpc_scn_conn *conn)
{
    httpc_scn_action a = {.op = HTTPC_SCN_STARTTLS, .line = c->line};
    for (size_t i = 0; i < conn->nactions; i++)
        if (conn->actions[i].op == HTTPC_SCN_STARTTLS ||
            conn->actions[i].op == HTTPC_SCN_TLS_ALERT ||
            conn->actions[i].op == HTTPC_SCN_TLS_STALL)
            return 0;
    if (push(c, (void **)&conn->actions, &conn->nactions, sizeof a, &a) < 0)
        return -1;
    memmove(conn->actions + 1, conn->actions, (conn->nactions - 1) * sizeof a);
    conn->actions[0] = a;
    return 0;
}

/* An expectation that no profile the scenario runs under would use is a
 * mistake in the file: a profile left out of 'profiles:', or a default that
 * every profile overrides. */
static int check_reachable(ctx *c, const httpc_scenario *sc)
{
    for (size_t i = 0; i < sc->nexpects; i++) {
        const httpc_scn_expect *e = &sc->expects[i];
        int used = 0;
        for (unsigned k = 0; k < NPROFILES && !used; k++)
            used = (sc->profiles & (1u << k)) &&
                   httpc_scn_expect_capped(sc, profiles[k], e->lenient, e->read_cap) == e;
        if (used)
            continue;
        c->line = e->line;
        if (e->profile)
            return fail(c,
                        "unreachable expectation: the scenario does not run under %s "
                        "(see 'profiles:')",
                        e->profile);
        return fail(c, "unreachable expectation: every profile has its own%s",
                    e->lenient ? " lenient one" : "");
    }
    return 0;
}

/* Whole-scenario checks once every line is read. */
static int finish(ctx *c, httpc_scenario *sc)
{
    if (sc->id == NULL)
        return fail(c, "no 'id:'");
    if (sc->title == NULL)
        return fail(c, "no 'title:'");
    if (sc->nconns == 0)
        return fail(c, "no 'connection' script");
    for (size_t i = 0; i < NPROFILES; i++)
        if ((sc->profiles & (1u << i)) && httpc_scn_expect_for(sc, profiles[i], 0) == NULL)
            return fail(c, "no expectation for profile %s (and no default 'expect:')", profiles[i]);
    if (check_reachable(c, sc) < 0)
        return -1;
    if (!sc->tls && (sc->tls_cert || sc->tls_sni || sc->tls_verify >= 0))
        return fail(c, "tls-cert, tls-sni and tls-verify need 'tls: yes'");
    for (size_t i = 0; sc->tls && i < sc->nconns; i++)
        if (implicit_starttls(c, &sc->conns[i]) < 0)
            return -1;
    if (sc->method == NULL) {
        sc->method = dupstr(c, "GET");
        sc->target = dupstr(c, "/");
    }
    return sc->method && sc->target ? 0 : -1;
}

/* Up to this many errors of one file are reported, one line each. */
#define MAX_ERRORS 20

/* Keeps the error fail() just wrote beside the earlier ones of the file. */
static void keep_error(ctx *c, char *all, size_t cap, int *nerr)
{
    size_t used = strlen(all);
    if (++*nerr <= MAX_ERRORS)
        snprintf(all + used, cap - used, "%s%s", used ? "\n" : "", c->err);
    else if (*nerr == MAX_ERRORS + 1)
        snprintf(all + used, cap - used, "\n%s: more errors after line %d are not shown", c->name,
                 c->line);
}

/* One line of a file: a key, `connection`, or an action of the script above. */
static int one_line(ctx *c, httpc_scenario *sc, char *line, httpc_scn_conn **conn)
{
    const char *s = skip_ws(line);
    if (*s == '\0' || *s == '#')
        return 0;
    if (s != line)
        return *conn ? action_line(c, *conn, s)
                     : fail(c, "an indented action outside 'connection'");
    if (!strcmp(s, "connection")) {
        httpc_scn_conn z = {0};
        if (sc->nconns == HTTPC_SCN_MAX_CONNS)
            return fail(c, "more than %d connections", HTTPC_SCN_MAX_CONNS);
        if (push(c, (void **)&sc->conns, &sc->nconns, sizeof z, &z) < 0)
            return -1;
        *conn = &sc->conns[sc->nconns - 1];
        return 0;
    }
    char *colon = strchr(line, ':');
    if (colon == NULL)
        return fail(c, "expected 'key: value', 'connection' or an indented action");
    *colon = '\0';
    *conn = NULL; /* a key ends the script above it */
    return key_line(c, sc, line, skip_ws(colon + 1));
}

/* Every line is read even after an error, so a file's errors come out
 * together, each with its line; the checks of the whole file (finish) only
 * run on a file whose lines were all good. */
static int parse_one(ctx *c, const char *text, httpc_scenario *sc)
{
    const char *p = text;
    sc->profiles = ALL_PROFILES;
    sc->tls_verify = -1;
    httpc_scn_conn *conn = NULL;
    char *line = malloc(MAX_LINE + 1), *all = calloc(1, c->errcap ? c->errcap : 1);
    int nerr = 0;
    if (line == NULL || all == NULL)
        return free(line), free(all), fail(c, "out of memory");
    for (c->line = 1; *p; c->line++) {
        size_t n = strcspn(p, "\n");
        if (n > MAX_LINE) {
            fail(c, "line longer than %d bytes", MAX_LINE);
            keep_error(c, all, c->errcap, &nerr);
            break;
        }
        memcpy(line, p, n);
        line[n] = '\0';
        p += n + (p[n] == '\n'); /* past the line before its CR is dropped */
        if (n > 0 && line[n - 1] == '\r')
            line[--n] = '\0';
        if (one_line(c, sc, line, &conn) < 0)
            keep_error(c, all, c->errcap, &nerr);
    }
    free(line);
    if (nerr > 0) {
        snprintf(c->err, c->errcap, "%s", all);
        free(all);
        return -1;
    }
    free(all);
    c->line--; /* what is missing is reported at the last line */
    return finish(c, sc);
}

/* "sweep: NAME = v1 v2 ..." (one per file). */
static int find_sweep(ctx *c, const char *text, char *name, size_t namecap, char vals[][64],
                      size_t *nvals)
{
    const char *p = text;
    *nvals = 0;
    for (c->line = 1; *p; c->line++) {
        const char *e = p + strcspn(p, "\n");
        if (strncmp(p, "sweep:", 6) == 0) {
            char spec[1024];
            snprintf(spec, sizeof spec, "%.*s", (int)(e - p - 6), p + 6);
            char *eq = strchr(spec, '='), *save = NULL;
            if (*nvals || eq == NULL)
                return fail(c,
                            *nvals ? "only one 'sweep:' per file" : "sweep is 'NAME = v1 v2 ...'");
            *eq = '\0';
            if (sscanf(spec, "%31s", name) != 1 || strlen(name) >= namecap)
                return fail(c, "sweep needs a name");
            for (char *t = strtok_r(eq + 1, " \t\r", &save); t;
                 t = strtok_r(NULL, " \t\r", &save)) {
                if (*nvals == HTTPC_SCN_MAX_SWEEP || strlen(t) >= 64)
                    return fail(c, "at most %d sweep values of 63 bytes", HTTPC_SCN_MAX_SWEEP);
                strcpy(vals[(*nvals)++], t);
            }
            if (*nvals == 0)
                return fail(c, "sweep has no values");
        }
        p = *e ? e + 1 : e;
    }
    return 0;
}

/* Replaces every "{name}" with value (the text keeps its line numbers). */
static char *substitute(const char *text, const char *name, const char *value)
{
    char pat[40];
    size_t plen = (size_t)snprintf(pat, sizeof pat, "{%s}", name), vlen = strlen(value), n = 0;
    for (const char *q = strstr(text, pat); q; q = strstr(q + plen, pat))
        n++;
    char *out = malloc(strlen(text) + n * vlen + 1), *o = out;
    if (out == NULL)
        return NULL;
    for (const char *q; (q = strstr(text, pat)) != NULL; text = q + plen) {
        memcpy(o, text, (size_t)(q - text));
        o += q - text;
        memcpy(o, value, vlen);
        o += vlen;
    }
    strcpy(o, text);
    return out;
}

/* A sweep case's id: the file's, then "/NAME=VALUE". */
static int name_case(ctx *c, httpc_scenario *sc, const char *name, const char *value)
{
    size_t cap = strlen(sc->id) + strlen(name) + strlen(value) + 3;
    char *id = malloc(cap);
    if (id == NULL) {
        c->line = sc->id_line;
        return fail(c, "out of memory naming the sweep case %s=%s", name, value);
    }
    snprintf(id, cap, "%s/%s=%s", sc->id, name, value);
    free(sc->id);
    sc->id = id;
    return 0;
}

int httpc_scn_parse(const char *name, const char *text, size_t len, httpc_scenario **out,
                    size_t *count, char *err, size_t errcap)
{
    ctx c = {.name = name, .line = 1, .err = err, .errcap = errcap};
    char sweep[32] = "", (*vals)[64] = calloc(HTTPC_SCN_MAX_SWEEP, 64);
    size_t nvals = 0, total;
    httpc_scenario *all = NULL;
    int rc = 0;

    *out = NULL;
    *count = 0;
    if (vals == NULL)
        return fail(&c, "out of memory");
    const char *nul = memchr(text, '\0', len);
    if (nul != NULL) {
        for (const char *q = text; q < nul; q++) /* the line the NUL is on */
            c.line += *q == '\n';
        rc = fail(&c, "binary data (a NUL byte) in a scenario file");
    } else if (len > HTTPC_SCN_MAX_FILE)
        rc = fail(&c, "file larger than %u bytes", HTTPC_SCN_MAX_FILE);
    else
        rc = find_sweep(&c, text, sweep, sizeof sweep, vals, &nvals);
    total = nvals ? nvals : 1;
    if (rc == 0 && (all = calloc(total, sizeof *all)) == NULL)
        rc = fail(&c, "out of memory");
    c.budget = HTTPC_SCN_MAX_BYTES; /* for the whole file: every sweep case draws on it */
    for (size_t i = 0; rc == 0 && i < total; i++) {
        char *t = nvals ? substitute(text, sweep, vals[i]) : strdup(text);
        rc = t ? parse_one(&c, t, &all[i]) : fail(&c, "out of memory");
        free(t);
        if (rc == 0 && (all[i].file = strdup(name)) == NULL)
            rc = fail(&c, "out of memory");
        if (rc == 0 && nvals)
            rc = name_case(&c, &all[i], sweep, vals[i]);
    }
    free(vals);
    if (rc < 0) {
        httpc_scn_free_all(all, total);
        return -1;
    }
    *out = all;
    *count = total;
    return 0;
}

int httpc_scn_load(const char *path, httpc_scenario **out, size_t *count, char *err, size_t errcap)
{
    ctx c = {.name = path, .line = 0, .err = err, .errcap = errcap};
    struct stat st;
    /* O_NONBLOCK: a FIFO named *.scn must not block the loader. */
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    FILE *f = NULL;
    char *text;
    size_t n;
    *out = NULL;
    *count = 0;
    if (fd < 0)
        return fail(&c, "cannot open: %s", strerror(errno));
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return fail(&c, "not a regular file");
    }
    if ((f = fdopen(fd, "rb")) == NULL) {
        close(fd);
        return fail(&c, "cannot open: %s", strerror(errno));
    }
    text = malloc(HTTPC_SCN_MAX_FILE + 2);
    n = text ? fread(text, 1, HTTPC_SCN_MAX_FILE + 1, f) : 0;
    fclose(f);
    if (text == NULL)
        return fail(&c, "out of memory");
    text[n] = '\0';
    int rc = n > HTTPC_SCN_MAX_FILE ? fail(&c, "file larger than %u bytes", HTTPC_SCN_MAX_FILE)
                                    : httpc_scn_parse(path, text, n, out, count, err, errcap);
    free(text);
    return rc;
}

static void free_headers(httpc_scn_header *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(h[i].name);
        free(h[i].value);
    }
    free(h);
}

void httpc_scn_free_all(httpc_scenario *all, size_t count)
{
    for (size_t k = 0; all && k < count; k++) {
        httpc_scenario *s = &all[k];
        free(s->file), free(s->id), free(s->title), free(s->method), free(s->target);
        for (size_t i = 0; i < s->nrefs; i++)
            free(s->refs[i]);
        for (size_t i = 0; i < s->ntags; i++)
            free(s->tags[i]);
        free(s->refs), free(s->tags);
        free_headers(s->req_headers, s->nreq_headers);
        free_headers(s->check_headers, s->ncheck_headers);
        free(s->req_body), free(s->check_line);
        free(s->tls_cert), free(s->tls_sni), free(s->client_host), free(s->tunnel_host);
        free_headers(s->tunnel_headers, s->ntunnel_headers);
        for (size_t i = 0; i < s->nbefore; i++) {
            free(s->before[i].method), free(s->before[i].target), free(s->before[i].body);
            free_headers(s->before[i].headers, s->before[i].nheaders);
        }
        free(s->before);
        for (size_t i = 0; i < s->nconns; i++) {
            for (size_t j = 0; j < s->conns[i].nactions; j++)
                free(s->conns[i].actions[j].data);
            free(s->conns[i].actions);
        }
        free(s->conns);
        for (size_t i = 0; i < s->nexpects; i++)
            drop_expect(&s->expects[i]);
        free(s->expects);
        for (size_t i = 0; i < s->nrfcs; i++)
            drop_rfc(&s->rfcs[i]);
        free(s->rfcs);
    }
    free(all);
}

const httpc_scn_expect *httpc_scn_expect_for(const httpc_scenario *s, const char *profile,
                                             int lenient)
{
    return httpc_scn_expect_capped(s, profile, lenient, 0);
}

/* The expectation of exactly `profile` (NULL: the default) among those of
 * one read cap. */
static const httpc_scn_expect *own_expect(const httpc_scenario *s, const char *profile, int lenient,
                                          int read_cap)
{
    for (size_t i = 0; i < s->nexpects; i++) {
        const httpc_scn_expect *e = &s->expects[i];
        if (e->lenient != lenient || e->read_cap != read_cap)
            continue;
        if (profile ? e->profile && !strcmp(e->profile, profile) : e->profile == NULL)
            return e;
    }
    return NULL;
}

/* The profile's own expectation, else its nearest documented neighbour's
 * (py31 -> py32 -> ... -> py3), else the default, among one read cap. */
static const httpc_scn_expect *expect_among(const httpc_scenario *s, const char *profile,
                                            int lenient, int read_cap)
{
    const httpc_scn_expect *e = NULL;
    for (int k = profile_index(profile); e == NULL && k >= 0 && k < (int)NPROFILES; k = fallback[k])
        e = own_expect(s, profiles[k], lenient, read_cap);
    if (e == NULL && profile_index(profile) < 0) /* not a built-in: its own name only */
        e = own_expect(s, profile, lenient, read_cap);
    return e ? e : own_expect(s, NULL, lenient, read_cap);
}

const httpc_scn_expect *httpc_scn_expect_capped(const httpc_scenario *s, const char *profile,
                                                int lenient, int read_cap)
{
    const httpc_scn_expect *e = read_cap ? expect_among(s, profile, lenient, read_cap) : NULL;
    return e ? e : expect_among(s, profile, lenient, 0);
}

int httpc_scn_check_connections(const httpc_scenario *s, const char *profile)
{
    for (int k = profile_index(profile); k >= 0 && k < (int)NPROFILES; k = fallback[k])
        if (s->check_connections_for[k])
            return s->check_connections_for[k] < 0 ? 0 : s->check_connections_for[k];
    return s->check_connections;
}

int httpc_scn_runs_under(const httpc_scenario *s, const char *profile)
{
    int k = profile_index(profile);
    return k >= 0 && ((s->profiles >> k) & 1);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static void walk(const char *path, int depth, void (*fn)(void *, const char *), void *arg)
{
    struct stat st;
    struct dirent **ents;
    int n;

    if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
        fn(arg, path);
        return;
    }
    n = depth < 16 ? scandir(path, &ents, NULL, by_name) : -1;
    for (int i = 0; i < n; i++) {
        const char *name = ents[i]->d_name;
        size_t len = strlen(name);
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/%s", path, name);
        if (name[0] != '.' &&
            (ents[i]->d_type == DT_DIR || (len > 4 && !strcmp(name + len - 4, ".scn"))))
            walk(sub, depth + 1, fn, arg);
        free(ents[i]);
    }
    if (n >= 0)
        free(ents);
}

void httpc_scn_walk(const char *path, void (*fn)(void *, const char *), void *arg)
{
    walk(path, 0, fn, arg);
}
