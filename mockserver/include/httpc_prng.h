/* SPDX-License-Identifier: MIT */
/* The harness's one pseudo-random generator (the mock server's chaos cuts, the
 * runner's shuffled order, the soak bodies), header-only so that a program
 * that does not link the mock library can use it too. */
#ifndef HTTPC_PRNG_H
#define HTTPC_PRNG_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* splitmix64 (Steele, Lea and Flood; Vigna's public-domain reference): adds
 * the golden-ratio increment to *state and returns a mix of the result. The
 * sequence depends on the seed (the first *state) alone, so a seed replays
 * the same run on every machine, which rand() does not promise. */
static inline uint64_t httpc_splitmix64_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

#ifdef __cplusplus
}
#endif
#endif
