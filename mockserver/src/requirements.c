/* SPDX-License-Identifier: MIT */
/* The requirements catalogue (scenarios/requirements.txt, FORMAT.md "The
 * catalogue"): RFC 9110/9112 requirements that bind a client reading
 * responses, which scenarios cite in `rfc` lines so any client can be graded
 * against the RFCs rather than against CPython. */
#include "httpc_scenario.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const level_names[] = {"MUST", "MUST NOT", "SHOULD", "SHOULD NOT", "MAY"};

const char *httpc_req_level_name(httpc_req_level level)
{
    return (unsigned)level < 5 ? level_names[level] : "?";
}

int httpc_req_is_must(httpc_req_level level)
{
    return level == HTTPC_REQ_MUST || level == HTTPC_REQ_MUST_NOT;
}

int httpc_req_is_should(httpc_req_level level)
{
    return level == HTTPC_REQ_SHOULD || level == HTTPC_REQ_SHOULD_NOT;
}

/* RFC-SECTION-N: four digits, a section of digits and dots (or an appendix
 * letter first, "9112-C.2-1"), a number. */
int httpc_req_valid_id(const char *id)
{
    const char *p = id;
    for (int i = 0; i < 4; i++)
        if (!isdigit((unsigned char)*p++))
            return 0;
    if (*p++ != '-')
        return 0;
    if (isupper((unsigned char)*p) && p[1] == '.')
        p += 2;
    if (!isdigit((unsigned char)*p))
        return 0;
    while (isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1])))
        p++;
    if (*p++ != '-' || !isdigit((unsigned char)*p) || *p == '0')
        return 0;
    while (isdigit((unsigned char)*p))
        p++;
    return *p == '\0' || *p == ' ' || *p == '\t';
}

/* The fields of a row: `id | level | section | text | untestable`. */
static char *field(char **p)
{
    char *s = *p, *bar = strstr(s, " |");
    if (bar) {
        *bar = '\0';
        *p = bar + 2;
    } else {
        *p = s + strlen(s);
    }
    while (*s == ' ' || *s == '\t')
        s++;
    for (char *e = s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\t');)
        *--e = '\0';
    return s;
}

static int bad(char *err, size_t cap, const char *file, int line, const char *what)
{
    snprintf(err, cap, "%s:%d: %s", file, line, what);
    return -1;
}

static int parse_row(httpc_req_catalog *cat, char *line, int lineno, char *err, size_t cap)
{
    char *p = line;
    char *id = field(&p), *level = field(&p), *section = field(&p), *text = field(&p);
    char *why = field(&p);
    httpc_req r = {.line = lineno};
    if (!httpc_req_valid_id(id) || strchr(id, ' '))
        return bad(err, cap, cat->file, lineno, "the id is not RFC-SECTION-N (9112-6.3-5)");
    int lv = -1;
    for (int i = 0; i < 5; i++)
        if (!strcmp(level, level_names[i]))
            lv = i;
    if (lv < 0)
        return bad(err, cap, cat->file, lineno,
                   "the level is not MUST, MUST NOT, SHOULD, SHOULD NOT or MAY");
    if (!*section || !*text)
        return bad(err, cap, cat->file, lineno,
                   "a row is 'id | level | section | requirement | untestable-reason'");
    if (*p)
        return bad(err, cap, cat->file, lineno, "more than five fields");
    if (httpc_req_find(cat, id)) {
        snprintf(err, cap, "%s:%d: id %s is given twice (first on line %d)", cat->file, lineno, id,
                 httpc_req_find(cat, id)->line);
        return -1;
    }
    r.level = (httpc_req_level)lv;
    r.id = strdup(id), r.section = strdup(section), r.text = strdup(text);
    r.untestable = *why ? strdup(why) : NULL;
    httpc_req *rows = realloc(cat->rows, (cat->nrows + 1) * sizeof *rows);
    if (!r.id || !r.section || !r.text || (*why && !r.untestable) || !rows) {
        free(r.id), free(r.section), free(r.text), free(r.untestable);
        if (rows)
            cat->rows = rows;
        return bad(err, cap, cat->file, lineno, "out of memory");
    }
    cat->rows = rows;
    cat->rows[cat->nrows++] = r;
    return 0;
}

int httpc_req_catalog_load(const char *path, httpc_req_catalog *cat, char *err, size_t errcap)
{
    char line[4096];
    int lineno = 0, rc = 0;
    memset(cat, 0, sizeof *cat);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return snprintf(err, errcap, "%s: cannot open", path), -1;
    if ((cat->file = strdup(path)) == NULL)
        return fclose(f), snprintf(err, errcap, "%s: out of memory", path), -1;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        size_t n = strlen(line);
        if (n == sizeof line - 1 && line[n - 1] != '\n')
            rc = bad(err, errcap, path, lineno, "line longer than 4095 bytes");
        line[strcspn(line, "\r\n")] = '\0';
        if (rc == 0 && line[0] && line[0] != '#')
            rc = parse_row(cat, line, lineno, err, errcap);
    }
    fclose(f);
    if (rc < 0)
        httpc_req_catalog_free(cat);
    return rc;
}

void httpc_req_catalog_free(httpc_req_catalog *cat)
{
    for (size_t i = 0; i < cat->nrows; i++) {
        free(cat->rows[i].id), free(cat->rows[i].section), free(cat->rows[i].text);
        free(cat->rows[i].untestable);
    }
    free(cat->rows);
    free(cat->file);
    memset(cat, 0, sizeof *cat);
}

const httpc_req *httpc_req_find(const httpc_req_catalog *cat, const char *id)
{
    for (size_t i = 0; cat && i < cat->nrows; i++)
        if (!strcmp(cat->rows[i].id, id))
            return &cat->rows[i];
    return NULL;
}

int httpc_req_catalog_locate(const char *path, char *out, size_t cap)
{
    char dir[PATH_MAX];
    struct stat st;
    if (realpath(path, dir) == NULL)
        return -1;
    if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
        *strrchr(dir, '/') = '\0';
    for (int up = 0; up <= 8 && dir[0]; up++) {
        snprintf(out, cap, "%s/requirements.txt", dir);
        if (stat(out, &st) == 0 && S_ISREG(st.st_mode))
            return 0;
        char *slash = strrchr(dir, '/');
        if (slash == NULL)
            break;
        *slash = '\0';
    }
    return -1;
}

int httpc_scn_check_rfc(const httpc_scenario *s, const httpc_req_catalog *cat, char *err,
                        size_t errcap)
{
    for (size_t i = 0; i < s->nrfcs; i++) {
        const httpc_scn_rfc *r = &s->rfcs[i];
        const httpc_req *row = httpc_req_find(cat, r->id);
        if (row == NULL) {
            snprintf(err, errcap, "%s:%d: requirement %s is not in the catalogue (%s)", s->file,
                     r->line, r->id, cat->file);
            return -1;
        }
        if (row->level == HTTPC_REQ_MAY && !(r->nalts == 1 && r->alts[0].any)) {
            snprintf(err, errcap, "%s:%d: %s is a MAY: cite it with 'any' (no outcome breaks it)",
                     s->file, r->line, r->id);
            return -1;
        }
    }
    return 0;
}
