/* SPDX-License-Identifier: MIT */
/* Helpers the parser suites share: the four profiles, and exact-size heap
 * copies of inputs so ASan catches any read past their end. */
#ifndef HTTPC_TEST_SUPPORT_H
#define HTTPC_TEST_SUPPORT_H

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "httpc.h"

static const httpc_profile *P27, *P27S, *P3, *PST;

static inline void init_profiles(void)
{
    P27 = httpc_profile_get(HTTPC_PROFILE_PY27);
    P27S = httpc_profile_get(HTTPC_PROFILE_PY27_STRICT);
    P3 = httpc_profile_get(HTTPC_PROFILE_PY3);
    PST = httpc_profile_get(HTTPC_PROFILE_STRICT);
}

/* An exact-size heap copy, so ASan sees any read past the end. */
static inline char *dup_exact(const char *s, size_t n)
{
    char *p = malloc(n ? n : 1);
    cr_assert_not_null(p);
    memcpy(p, s, n);
    return p;
}

#endif
