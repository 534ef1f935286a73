/* SPDX-License-Identifier: MIT */
/* Fuzz target for the scenario-file loader (mockserver's httpc_scn_parse):
 * any text gives either scenarios or an error that starts with the file name
 * and ":LINE: " (1 <= LINE <= the number of lines + 1; an empty file, which
 * has no line, may give "file: message" or line 0) and says something;
 * never a crash, a leak or an over-read. A success gives 1 to
 * HTTPC_SCN_MAX_SWEEP scenarios, each with its id and the file name.
 * The name sits in a folder that does not exist, so `file "..."` terms fail
 * the same way wherever the fuzzer runs and never read real files.
 * Input: the whole input is the file text (no fuzz_common.h header: there is
 * no profile to pick); a NUL is added after it, as httpc_scn_load does. */
#include "httpc_scenario.h"

#include "fuzz_common.h"

#define NAME "/nonexistent-httpc-fuzz/input.scn"

static size_t count_lines(const char *text, size_t len)
{
    size_t n = 1;

    for (const char *p = text; (p = memchr(p, '\n', (size_t)(text + len - p))) != NULL; p++)
        n++;
    return n;
}

static void check_error(const char *err, const char *text, size_t len)
{
    size_t nl = strlen(NAME);
    char *end;

    FUZZ_CHECK(strncmp(err, NAME ":", nl + 1) == 0, "error without the file name: \"%s\"", err);
    /* An empty file has no line to name: the loader says "file: message". */
    if (len == 0 && err[nl + 1] == ' ' && err[nl + 2] != '\0')
        return;
    unsigned long line = strtoul(err + nl + 1, &end, 10);
    FUZZ_CHECK(end > err + nl + 1 && end[0] == ':' && end[1] == ' ' && end[2] != '\0',
               "error not \"file:LINE: message\": \"%s\"", err);
    /* line 0 only for an empty file: what is missing is reported at the last line */
    FUZZ_CHECK((line >= 1 || len == 0) && line <= count_lines(text, len) + 1,
               "line %lu of a %zu-line file: %s", line, count_lines(text, len), err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1), err[512] = "";
    httpc_scenario *all = NULL;
    size_t count = 999;

    FUZZ_CHECK(text != NULL, "out of memory");
    if (size > 0)
        memcpy(text, data, size);
    text[size] = '\0';
    int rc = httpc_scn_parse(NAME, text, size, &all, &count, err, sizeof err);
    if (rc < 0) {
        FUZZ_CHECK(all == NULL && count == 0, "failure left %zu scenarios", count);
        check_error(err, text, size);
    } else {
        FUZZ_CHECK(rc == 0 && all != NULL && count >= 1 && count <= HTTPC_SCN_MAX_SWEEP,
                   "rc %d, %zu scenarios", rc, count);
        for (size_t i = 0; i < count; i++)
            FUZZ_CHECK(all[i].id != NULL && all[i].file != NULL && strcmp(all[i].file, NAME) == 0,
                       "scenario %zu without its id or file name", i);
    }
    httpc_scn_free_all(all, count);
    free(text);
    return 0;
}
