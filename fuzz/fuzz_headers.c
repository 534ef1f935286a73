/* SPDX-License-Identifier: MIT */
/* Fuzz target for httpc_parse_headers: no crash or over-read, every span
 * inside the consumed block, the count-only call (headers NULL) agreeing with
 * the filled one, and split invariance with the `last_len` shortcut in play:
 * the block fed as a prefix, a longer prefix and the whole (each time without
 * EOF, passing the previous length) gives AGAIN or the result of the whole
 * input, which the final call at EOF must give; and the quick path for the
 * commonest py3 block agreeing with the general one, span for span; and
 * httpc_parse_headers_resume fed the same cuts in buffers that move (exact-
 * size copies), then in pieces of 1 to 16 bytes, giving the same, in work
 * (scan.h's counter) within HTTPC__WORK_FACTOR x length + HTTPC__WORK_SLACK.
 * Input: fuzz_common.h's header (bytes 1-2: the split point, and its top
 * nibble the piece size less one), then the block. */
#include "fuzz_common.h"
#include "internal.h"
#include "scan.h" /* the work counter */

/* Fewer slots than max_headers, so HTTPC_E_NO_ROOM (fields that do not fit) is
 * reachable too. */
#define CAP 64

typedef struct field {
    size_t name_off, name_len, value_off, value_len;
} field;

typedef struct outcome {
    ssize_t rc;
    size_t n;
    field f[CAP];
    char detail[160];
} outcome;

/* With st, a resumed call (and h the array of every call of the block). */
static void parse_in(const char *buf, size_t len, size_t last_len, int eof, const httpc_profile *p,
                     httpc_parse_state *st, httpc_header *h, outcome *o)
{
    memset(o, 0, sizeof *o);
    o->n = CAP;
    o->rc = st != NULL ? httpc_parse_headers_resume(buf, len, eof, p, h, &o->n, st, o->detail,
                                                    sizeof o->detail)
                       : httpc_parse_headers(buf, len, last_len, eof, p, h, &o->n, o->detail,
                                             sizeof o->detail);
    FUZZ_CHECK(o->rc < 0 || (size_t)o->rc <= len, "consumed %zd of %zu", o->rc, len);
    if (o->rc < 0) {
        o->n = 0;
        return;
    }
    FUZZ_CHECK(o->n <= CAP, "%zu fields in %d slots", o->n, CAP);
    for (size_t i = 0; i < o->n; i++) {
        FUZZ_CHECK(fuzz_inside(h[i].name.ptr, h[i].name.len, buf, (size_t)o->rc) &&
                       fuzz_inside(h[i].value.ptr, h[i].value.len, buf, (size_t)o->rc) &&
                       h[i].value.ptr != NULL,
                   "field %zu outside the consumed block", i);
        FUZZ_CHECK(h[i].name.ptr != NULL || p->header_mode == HTTPC_HEADERS_PY27,
                   "field %zu without a name outside py27", i);
        o->f[i] = (field){fuzz_off(h[i].name.ptr, buf), h[i].name.len,
                          fuzz_off(h[i].value.ptr, buf), h[i].value.len};
    }
}

static void parse(const char *buf, size_t len, size_t last_len, int eof, const httpc_profile *p,
                  outcome *o)
{
    httpc_header h[CAP];

    parse_in(buf, len, last_len, eof, p, NULL, h, o);
}

static int same(const outcome *a, const outcome *b)
{
    return a->rc == b->rc && a->n == b->n && memcmp(a->f, b->f, a->n * sizeof a->f[0]) == 0 &&
           strcmp(a->detail, b->detail) == 0;
}

static void check_partial(const outcome *part, const outcome *whole, size_t at, size_t last)
{
    FUZZ_CHECK(part->rc == HTTPC_E_AGAIN || same(part, whole),
               "prefix %zu (last_len %zu): rc %zd n %zu (\"%s\"), whole input: rc %zd n %zu "
               "(\"%s\")",
               at, last, part->rc, part->n, part->detail, whole->rc, whole->n, whole->detail);
}

/* headers == NULL only counts: the same answer, and never "does not fit". */
static void check_count_only(const fuzz_input *in, const outcome *whole)
{
    size_t n = 0;
    ssize_t rc = httpc_parse_headers(in->buf, in->len, 0, 1, &in->profile, NULL, &n, NULL, 0);

    FUZZ_CHECK(rc != HTTPC_E_NO_ROOM, "count-only call said NO_ROOM");
    if (whole->rc == HTTPC_E_NO_ROOM)
        FUZZ_CHECK(rc >= 0 && n > CAP, "count-only: rc %zd n %zu, filled: NO_ROOM", rc, n);
    else
        FUZZ_CHECK(rc == whole->rc && n == whole->n,
                   "count-only: rc %zd n %zu, filled: rc %zd n %zu", rc, n, whole->rc, whole->n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input in;
    outcome *whole = malloc(sizeof *whole), *part = malloc(sizeof *part);

    FUZZ_CHECK(whole != NULL && part != NULL, "out of memory");
    if (!fuzz_input_init(&in, data, size)) {
        free(whole), free(part);
        return 0;
    }
    parse(in.buf, in.len, 0, 1, &in.profile, whole);
    FUZZ_CHECK(whole->rc != HTTPC_E_AGAIN, "AGAIN at EOF");
    check_count_only(&in, whole);

    in.profile.general_path_only = 1;
    parse(in.buf, in.len, 0, 1, &in.profile, part);
    in.profile.general_path_only = 0;
    FUZZ_CHECK(same(part, whole),
               "general path: rc %zd n %zu (\"%s\"), quick: rc %zd n %zu (\"%s\")", part->rc,
               part->n, part->detail, whole->rc, whole->n, whole->detail);

    /* Prefixes k and m, then the whole without EOF; each passes the length
     * of the call before it while that one said AGAIN. */
    size_t k = in.param % (in.len + 1), m = k + (in.len - k) / 2, ends[3] = {k, m, in.len};
    size_t last = 0;
    for (int i = 0; i < 3; i++) {
        char *prefix = fuzz_dup(in.buf, ends[i]);
        parse(prefix, ends[i], last, 0, &in.profile, part);
        free(prefix);
        check_partial(part, whole, ends[i], last);
        last = part->rc == HTTPC_E_AGAIN ? ends[i] : 0;
    }
    parse(in.buf, in.len, last, 1, &in.profile, part);
    check_partial(part, whole, in.len, last);
    FUZZ_CHECK(part->rc != HTTPC_E_AGAIN, "AGAIN at EOF after AGAIN at %zu", last);

    /* The same cuts resumed, each in a copy of its own: the buffer moves. */
    httpc_header h[CAP];
    httpc_parse_state st = {0};
    for (int i = 0; i < 4; i++) {
        size_t at = i < 3 ? ends[i] : in.len;
        char *prefix = fuzz_dup(in.buf, at);
        parse_in(prefix, at, 0, i == 3, &in.profile, &st, h, part);
        free(prefix);
        check_partial(part, whole, at, 0);
        if (part->rc != HTTPC_E_AGAIN)
            break;
    }
    FUZZ_CHECK(same(part, whole), "resumed over copies: rc %zd, whole input: rc %zd", part->rc,
               whole->rc);

    /* Pieces of 1 to 16 bytes with one state, then EOF, in linear work. */
    size_t piece = 1 + (in.param >> 12), have = 0;
    st = (httpc_parse_state){0};
    httpc__work_reset();
    for (part->rc = HTTPC_E_AGAIN; part->rc == HTTPC_E_AGAIN;) {
        int eof = have == in.len;
        have = in.len - have < piece ? in.len : have + piece;
        parse_in(in.buf, have, 0, eof, &in.profile, &st, h, part);
        check_partial(part, whole, have, 0);
    }
    FUZZ_CHECK(same(part, whole), "resumed in %zu-byte pieces: rc %zd, whole input: rc %zd", piece,
               part->rc, whole->rc);
    size_t work = httpc__work_read();
    FUZZ_CHECK(work == SIZE_MAX || work <= HTTPC__WORK_FACTOR * in.len + HTTPC__WORK_SLACK,
               "%zu bytes examined for %zu bytes in %zu-byte pieces", work, in.len, piece);

    fuzz_input_free(&in);
    free(whole), free(part);
    return 0;
}
