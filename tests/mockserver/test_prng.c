/* SPDX-License-Identifier: MIT */
/* Tests of httpc_prng.h: splitmix64 against values computed from its
 * reference definition, since the chaos cuts, the runner's --seed order and
 * the soak bodies all replay from these numbers. */
#include <criterion/criterion.h>
#include <stdint.h>

#include "httpc_prng.h"

/* The first five outputs from `seed`, as the reference definition gives them
 * (state += 0x9e3779b97f4a7c15; z = (z ^ z >> 30) * 0xbf58476d1ce4e5b9;
 * z = (z ^ z >> 27) * 0x94d049bb133111eb; z ^ z >> 31), worked out apart
 * from this code. */
static void check_first_five(uint64_t seed, const uint64_t want[5])
{
    uint64_t st = seed;
    for (int i = 0; i < 5; i++) {
        uint64_t got = httpc_splitmix64_next(&st);
        cr_assert_eq(got, want[i], "seed %llu, output %d: %#llx, want %#llx",
                     (unsigned long long)seed, i, (unsigned long long)got,
                     (unsigned long long)want[i]);
    }
}

Test(prng, httpc_splitmix64_next_known_answers)
{
    static const uint64_t seed0[5] = {0xe220a8397b1dcdafu, 0x6e789e6aa1b965f4u, 0x06c45d188009454fu,
                                      0xf88bb8a8724c81ecu, 0x1b39896a51a8749bu};
    static const uint64_t seed1[5] = {0x910a2dec89025cc1u, 0xbeeb8da1658eec67u, 0xf893a2eefb32555eu,
                                      0x71c18690ee42c90bu, 0x71bb54d8d101b5b9u};
    /* The vector Vigna's reference code is usually checked against. */
    static const uint64_t seed1234567[5] = {6457827717110365317u, 3203168211198807973u,
                                            9817491932198370423u, 4593380528125082431u,
                                            16408922859458223821u};
    check_first_five(0, seed0);
    check_first_five(1, seed1);
    check_first_five(1234567, seed1234567);
}

/* The state is a plain counter (seed + n times the increment), so a caller
 * may keep it in any 64-bit field and two copies of a state agree. */
Test(prng, httpc_splitmix64_next_state_counts_by_the_increment)
{
    uint64_t st = 42, copy;
    for (int i = 0; i < 1000; i++)
        httpc_splitmix64_next(&st);
    cr_assert_eq(st, 42u + 1000u * 0x9e3779b97f4a7c15u);
    copy = st;
    cr_assert_eq(httpc_splitmix64_next(&st), httpc_splitmix64_next(&copy));
}

/* Near the top of the range the state wraps as unsigned arithmetic does, and
 * the output still follows the definition (0 + increment is seed 0's first). */
Test(prng, httpc_splitmix64_next_wraps_around)
{
    uint64_t st = UINT64_MAX - 0x9e3779b97f4a7c15u + 1u; /* one step short of 0 */
    httpc_splitmix64_next(&st);
    cr_assert_eq(st, 0u);
    cr_assert_eq(httpc_splitmix64_next(&st), 0xe220a8397b1dcdafu);
}
