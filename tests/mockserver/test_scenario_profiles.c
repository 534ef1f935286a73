/* SPDX-License-Identifier: MIT */
/* Tests of scenario.c's profiles: line taking single profiles out ("-py31"),
 * which the tunnel scenarios need: py26, py30 and py31 have no set_tunnel, and
 * their families (py26 with py27, py30 and py31 with py32 ... py3) cannot be
 * named without them. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "httpc.h"
#include "httpc_scenario.h"

#define HEAD "id: area/name\ntitle: t\n"
#define CONN "connection\n  read request\n  send \"x\"\n"

static char err[4096];

/* The library's list of profiles, in id order (the mock library links no
 * httpc: the names come from the list itself). */
#define NAME_OF(id, name, fb, st) name,
static const char *const names[] = {HTTPC_PROFILE_LIST(NAME_OF)};
#undef NAME_OF

/* The profiles `line` runs the scenario under, as "name name ...". */
static const char *runs_under(const char *line)
{
    static char out[512];
    char text[1024];
    httpc_scenario *s = NULL;
    size_t n = 0;
    snprintf(text, sizeof text, HEAD "%s\n" CONN "expect: error OSError\n", line);
    cr_assert_eq(httpc_scn_parse("t.scn", text, strlen(text), &s, &n, err, sizeof err), 0, "%s",
                 err);
    out[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *name = names[i];
        if (httpc_scn_runs_under(s, name))
            snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", out[0] ? " " : "",
                     name);
    }
    httpc_scn_free_all(s, n);
    return out;
}

Test(scenario_profiles, minus_takes_one_profile_out_of_every)
{
    cr_assert_str_eq(runs_under("profiles: -py26, -py26-strict, -py30, -py30-strict, -py31, "
                                "-py31-strict -- no set_tunnel"),
                     "py27 py27-strict py3 strict py32 py33 py34 py35 py36");
}

Test(scenario_profiles, minus_after_a_family)
{
    /* py3's family is py30 ... py36; -py31 leaves py31 out but not py30 */
    cr_assert_str_eq(runs_under("profiles: py3, -py31 -- why"),
                     "py3 py30 py30-strict py31-strict py32 py33 py34 py35 py36");
}

Test(scenario_profiles, minus_still_wants_a_reason_and_a_known_name)
{
    httpc_scenario *s = NULL;
    size_t n = 0;
    const char *no_why = HEAD "profiles: -py31\n" CONN "expect: error OSError\n";
    cr_assert_eq(httpc_scn_parse("t.scn", no_why, strlen(no_why), &s, &n, err, sizeof err), -1);
    cr_assert(strstr(err, "without saying why") != NULL, "%s", err);
    const char *unknown = HEAD "profiles: -py99 -- why\n" CONN "expect: error OSError\n";
    cr_assert_eq(httpc_scn_parse("t.scn", unknown, strlen(unknown), &s, &n, err, sizeof err), -1);
    cr_assert(strstr(err, "unknown profile 'py99'") != NULL, "%s", err);
}
