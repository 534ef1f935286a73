/* SPDX-License-Identifier: MIT */
/* Tests of pyint.c: int(s) and int(s, 16) as CPython 3.11.7 and 2.7.18 give
 * them (the table was printed by running both interpreters on each input). */
#include <criterion/criterion.h>
#include <string.h>

#include "httpc.h"

#define ERR (-1000) /* ValueError in the table */

static long long py_int(const char *s, int base, const char *profile)
{
    uint64_t v;
    int neg;
    int rc = httpc_py_int(s, strlen(s), base, httpc_profile_by_name(profile), &v, &neg);
    if (rc < 0)
        return ERR;
    return neg ? -(long long)v : (long long)v;
}

static const struct {
    const char *s;
    long long py3_10, py27_10, py3_16, py27_16;
} table[] = {
    {"10", 10, 10, 16, 16},
    {" 10 ", 10, 10, 16, 16},
    {"+10", 10, 10, 16, 16},
    {"-1", -1, -1, -1, -1},
    {"1_0", 10, ERR, 16, ERR},
    {"10L", ERR, ERR, ERR, ERR},
    {"- 1", ERR, -1, ERR, -1},
    {"0x1f", ERR, ERR, 31, 31},
    {"0X1F", ERR, ERR, 31, 31},
    {"0x_1f", ERR, ERR, 31, ERR},
    {"_1", ERR, ERR, ERR, ERR},
    {"1_", ERR, ERR, ERR, ERR},
    {"1__0", ERR, ERR, ERR, ERR},
    {"", ERR, ERR, ERR, ERR},
    {" ", ERR, ERR, ERR, ERR},
    {"\x0b" "5\x0c", 5, 5, 5, 5},
    {"5\x1c", ERR, ERR, ERR, ERR},
    {"5\xa0", 5, ERR, ERR, ERR}, /* str whitespace for base 10 only (bytes for 16) */
    {"0010", 10, 10, 16, 16},
    {"1e3", ERR, ERR, 483, 483},
    {"+_1", ERR, ERR, ERR, ERR},
    {"0b1", ERR, ERR, 177, 177},
    {"0o7", ERR, ERR, ERR, ERR},
    {"00", 0, 0, 0, 0},
    {"5\r\n", 5, 5, 5, 5},
    {"0x", ERR, ERR, ERR, ERR},
};

Test(pyint, httpc_py_int_table)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        cr_assert_eq(py_int(table[i].s, 10, "py3"), table[i].py3_10, "int(%s)", table[i].s);
        cr_assert_eq(py_int(table[i].s, 10, "py27"), table[i].py27_10, "2.7 int(%s)",
                     table[i].s);
        cr_assert_eq(py_int(table[i].s, 16, "py3"), table[i].py3_16, "int(%s, 16)",
                     table[i].s);
        cr_assert_eq(py_int(table[i].s, 16, "py27"), table[i].py27_16, "2.7 int(%s, 16)",
                     table[i].s);
    }
}

Test(pyint, httpc_py_int_saturates)
{
    uint64_t v;
    int neg;
    const char *big = "99999999999999999999999";
    cr_assert_eq(httpc_py_int(big, strlen(big), 10, NULL, &v, &neg), 0);
    cr_assert_eq(v, UINT64_MAX);
    cr_assert_eq(httpc_py_int("ffffffffffffffff", 16, 16, NULL, &v, &neg), 0);
    cr_assert_eq(v, UINT64_MAX);
    cr_assert_eq(httpc_py_int("-0", 2, 10, NULL, &v, &neg), 0);
    cr_assert_eq(v, 0);
    cr_assert_eq(neg, 0, "-0 is not negative");
}
