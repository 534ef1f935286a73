/* SPDX-License-Identifier: MIT */
/* Fuzz target for httpc_parse_trailers: no crash or over-read, and split
 * invariance with the `last_len` shortcut in play, as in fuzz_headers: a
 * prefix, a longer prefix and the whole without EOF each give AGAIN or the
 * result of the whole input, which the final call at EOF must give; and the
 * same fed in pieces to httpc_parse_trailers_resume, in work (scan.h's
 * counter) within HTTPC__WORK_FACTOR x length + HTTPC__WORK_SLACK.
 * Input: fuzz_common.h's header (bytes 1-2: the split point, and its top
 * nibble the piece size less one), then the trailer section (what follows
 * the last chunk's size line). */
#include "fuzz_common.h"
#include "scan.h" /* the work counter */

typedef struct outcome {
    ssize_t rc;
    size_t lines;
    char detail[160];
} outcome;

static void parse(const char *buf, size_t len, size_t last_len, int eof, const httpc_profile *p,
                  outcome *o)
{
    memset(o, 0, sizeof *o);
    o->rc =
        httpc_parse_trailers(buf, len, last_len, eof, p, &o->lines, o->detail, sizeof o->detail);
    FUZZ_CHECK(o->rc < 0 || (size_t)o->rc <= len, "consumed %zd of %zu", o->rc, len);
    if (o->rc < 0)
        o->lines = 0;
    else
        FUZZ_CHECK(o->lines <= (size_t)o->rc, "%zu lines in %zd bytes", o->lines, o->rc);
}

static int same(const outcome *a, const outcome *b)
{
    return a->rc == b->rc && a->lines == b->lines && strcmp(a->detail, b->detail) == 0;
}

static void check_partial(const outcome *part, const outcome *whole, size_t at, size_t last)
{
    FUZZ_CHECK(part->rc == HTTPC_E_AGAIN || same(part, whole),
               "prefix %zu (last_len %zu): rc %zd lines %zu (\"%s\"), whole input: rc %zd "
               "lines %zu (\"%s\")",
               at, last, part->rc, part->lines, part->detail, whole->rc, whole->lines,
               whole->detail);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input in;
    outcome whole, part;

    if (!fuzz_input_init(&in, data, size))
        return 0;
    parse(in.buf, in.len, 0, 1, &in.profile, &whole);
    FUZZ_CHECK(whole.rc != HTTPC_E_AGAIN, "AGAIN at EOF");
    /* num_lines may be NULL. */
    FUZZ_CHECK(httpc_parse_trailers(in.buf, in.len, 0, 1, &in.profile, NULL, NULL, 0) == whole.rc,
               "the result depends on num_lines being NULL");

    size_t k = in.param % (in.len + 1), m = k + (in.len - k) / 2, ends[3] = {k, m, in.len};
    size_t last = 0;
    for (int i = 0; i < 3; i++) {
        char *prefix = fuzz_dup(in.buf, ends[i]);
        parse(prefix, ends[i], last, 0, &in.profile, &part);
        free(prefix);
        check_partial(&part, &whole, ends[i], last);
        last = part.rc == HTTPC_E_AGAIN ? ends[i] : 0;
    }
    parse(in.buf, in.len, last, 1, &in.profile, &part);
    check_partial(&part, &whole, in.len, last);

    /* Pieces of 1 to 16 bytes with one resume state, then EOF. */
    httpc_parse_state st = {0};
    size_t piece = 1 + (in.param >> 12), have = 0;
    httpc__work_reset();
    for (part.rc = HTTPC_E_AGAIN; part.rc == HTTPC_E_AGAIN;) {
        int eof = have == in.len;
        have = in.len - have < piece ? in.len : have + piece;
        part.detail[0] = '\0';
        part.rc = httpc_parse_trailers_resume(in.buf, have, eof, &in.profile, &part.lines, &st,
                                              part.detail, sizeof part.detail);
        if (part.rc < 0)
            part.lines = 0;
        check_partial(&part, &whole, have, 0);
    }
    FUZZ_CHECK(same(&part, &whole), "resumed: rc %zd, whole input: rc %zd", part.rc, whole.rc);
    size_t work = httpc__work_read();
    FUZZ_CHECK(work == SIZE_MAX || work <= HTTPC__WORK_FACTOR * in.len + HTTPC__WORK_SLACK,
               "%zu bytes examined for %zu bytes in %zu-byte pieces", work, in.len, piece);

    fuzz_input_free(&in);
    return 0;
}
