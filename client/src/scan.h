/* SPDX-License-Identifier: MIT */
/* Multi-byte scanning helpers shared by the parsers (client/src/scan.c). */
#ifndef HTTPC_SCAN_H
#define HTTPC_SCAN_H

#include <stddef.h>

/* The index of the first CR or LF in p[0..n), or n when there is none.
 * Reads only p[0..n). */
size_t httpc__scan_crlf(const char *p, size_t n);

/* The index of the first octet of p[0..n) that cannot be in a header name
 * as CPython's feedparser reads it (headerRE: 0x21..0x7e but ':'), or n. */
size_t httpc__scan_name(const char *p, size_t n);

/* Forces a scan level (0: 8-byte words, 1: SSE2, 2: AVX2; capped at what the
 * CPU has) or, for -1, the best one; returns the level in effect. For
 * benchmarks and tests: the parsers' results never depend on it. */
int httpc__scan_select(int level);

#endif
