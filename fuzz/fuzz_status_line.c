/* SPDX-License-Identifier: MIT */
/* Fuzz target for httpc_parse_status_line: no crash or over-read on any
 * bytes, spans inside the input, and split invariance (picohttpparser style):
 * a prefix without EOF gives AGAIN or the very result of the whole input;
 * and the same fed in pieces to httpc_parse_status_line_resume, whose work
 * (scan.h's counter) stays within HTTPC__WORK_FACTOR x length +
 * HTTPC__WORK_SLACK however the line is cut.
 * Input: fuzz_common.h's header (bytes 1-2: the split point, and its top
 * nibble the piece size less one), then the line. */
#include "fuzz_common.h"
#include "scan.h" /* the work counter */

typedef struct outcome {
    ssize_t rc;
    size_t version_off, version_len, reason_off, reason_len;
    int version_num, status, http09;
    char detail[160];
} outcome;

/* with_detail 0 passes no detail buffer, which spares the parser the repr()
 * of a bad line: that repr is most of a call's cost under the sanitizers, and
 * only an error two parses both report needs it (see check_partial). */
/* last_len > 0 resumes the call that said AGAIN on buf[0..last_len). */
static void parse_from(const char *buf, size_t len, size_t last_len, int eof,
                       const httpc_profile *p, int with_detail, outcome *o)
{
    httpc_status_line sl;

    o->detail[0] = '\0';
    o->rc = httpc_parse_status_line_resume(buf, len, last_len, eof, p, &sl,
                                           with_detail ? o->detail : NULL,
                                           with_detail ? sizeof o->detail : 0);
    FUZZ_CHECK(o->rc < 0 || (size_t)o->rc <= len, "consumed %zd of %zu", o->rc, len);
    if (o->rc < 0) {
        o->version_off = o->version_len = o->reason_off = o->reason_len = 0;
        o->version_num = o->status = o->http09 = 0;
        return;
    }
    FUZZ_CHECK(fuzz_inside(sl.version.ptr, sl.version.len, buf, (size_t)o->rc) &&
                   fuzz_inside(sl.reason.ptr, sl.reason.len, buf, (size_t)o->rc),
               "span outside the consumed line");
    FUZZ_CHECK(sl.status >= 100 && sl.status <= 999, "status %d", sl.status);
    FUZZ_CHECK((o->rc == 0) == (sl.http09 != 0), "rc %zd http09 %d", o->rc, sl.http09);
    o->version_off = fuzz_off(sl.version.ptr, buf);
    o->version_len = sl.version.len;
    o->reason_off = fuzz_off(sl.reason.ptr, buf);
    o->reason_len = sl.reason.len;
    o->version_num = sl.version_num;
    o->status = sl.status;
    o->http09 = sl.http09;
}

static void parse(const char *buf, size_t len, int eof, const httpc_profile *p, int with_detail,
                  outcome *o)
{
    parse_from(buf, len, 0, eof, p, with_detail, o);
}

static int same(const outcome *a, const outcome *b)
{
    return a->rc == b->rc && a->version_off == b->version_off && a->version_len == b->version_len &&
           a->reason_off == b->reason_off && a->reason_len == b->reason_len &&
           a->version_num == b->version_num && a->status == b->status && a->http09 == b->http09 &&
           strcmp(a->detail, b->detail) == 0;
}

/* A call without EOF may wait for more, or must already know the answer.
 * Both were parsed without detail; when both report an error, the details
 * are computed (once for the whole input) and must agree too. */
static void check_partial(const char *buf, size_t at, outcome *part, const fuzz_input *in,
                          outcome *whole, int *whole_detail)
{
    if (part->rc == HTTPC_E_AGAIN)
        return;
    if (part->rc < 0 && part->rc == whole->rc) {
        if (!*whole_detail)
            parse(in->buf, in->len, 1, &in->profile, 1, whole), *whole_detail = 1;
        parse(buf, at, 0, &in->profile, 1, part);
    }
    FUZZ_CHECK(same(part, whole), "split at %zu: rc %zd (\"%s\"), whole input: rc %zd (\"%s\")", at,
               part->rc, part->detail, whole->rc, whole->detail);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input in;
    outcome whole, part;

    if (!fuzz_input_init(&in, data, size))
        return 0;
    int whole_detail = 0;
    parse(in.buf, in.len, 1, &in.profile, 0, &whole);
    FUZZ_CHECK(whole.rc != HTTPC_E_AGAIN, "AGAIN at EOF");

    size_t k = in.param % (in.len + 1);
    char *prefix = fuzz_dup(in.buf, k);
    parse(prefix, k, 0, &in.profile, 0, &part);
    check_partial(prefix, k, &part, &in, &whole, &whole_detail);
    free(prefix);
    parse(in.buf, in.len, 0, &in.profile, 0, &part);
    check_partial(in.buf, in.len, &part, &in, &whole, &whole_detail);

    /* Pieces of 1 to 16 bytes, each call resuming the one before, then EOF:
     * AGAIN or the whole input's answer, in linear work. */
    size_t piece = 1 + (in.param >> 12), last = 0, have = 0;
    httpc__work_reset();
    for (part.rc = HTTPC_E_AGAIN; part.rc == HTTPC_E_AGAIN && have < in.len; last = have) {
        have = in.len - have < piece ? in.len : have + piece;
        parse_from(in.buf, have, last, 0, &in.profile, 0, &part);
        check_partial(in.buf, have, &part, &in, &whole, &whole_detail);
    }
    if (part.rc == HTTPC_E_AGAIN) {
        parse_from(in.buf, in.len, last, 1, &in.profile, 1, &part);
        if (!whole_detail)
            parse(in.buf, in.len, 1, &in.profile, 1, &whole), whole_detail = 1;
        FUZZ_CHECK(same(&part, &whole),
                   "resumed at EOF: rc %zd (\"%s\"), whole input: rc %zd (\"%s\")", part.rc,
                   part.detail, whole.rc, whole.detail);
    }
    size_t work = httpc__work_read();
    FUZZ_CHECK(work == SIZE_MAX || work <= HTTPC__WORK_FACTOR * in.len + HTTPC__WORK_SLACK,
               "%zu bytes examined for %zu bytes in %zu-byte pieces", work, in.len, piece);

    fuzz_input_free(&in);
    return 0;
}
