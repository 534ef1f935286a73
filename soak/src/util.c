/* SPDX-License-Identifier: MIT */
/* The helpers every soak subcommand shares: figures read from /proc, the
 * descriptor limit, a clock and the seeded byte stream of generated bodies. */
#include "soak.h"
/* By path: httpc-soak links only the client library, and the harness's
 * generator is a header of the mock server's. */
#include "httpc_prng.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

long soak_vm_hwm_kib(void)
{
    char line[256];
    long kib = -1;
    FILE *f = fopen("/proc/self/status", "r");
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "VmHWM:", 6))
            kib = strtol(line + 6, NULL, 10);
    fclose(f);
    return kib;
}

int soak_count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    if (d == NULL)
        return -1;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += e->d_name[0] != '.';
    closedir(d);
    return n - 1; /* the listing's own descriptor */
}

long soak_raise_nofile(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return -1;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    return (long)rl.rlim_cur;
}

double soak_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void soak_rng_init(soak_rng *g, uint64_t seed)
{
    g->s = seed;
    g->npend = 0;
}

uint64_t soak_rng_next(soak_rng *g)
{
    return httpc_splitmix64_next(&g->s);
}

/* Byte i of the stream is the same however the stream is cut into calls. */
void soak_rng_fill(soak_rng *g, unsigned char *buf, size_t n)
{
    size_t i = 0;
    while (i < n && g->npend > 0)
        buf[i++] = g->pend[8 - g->npend--];
    for (; i + 8 <= n; i += 8) {
        uint64_t v = soak_rng_next(g);
        memcpy(buf + i, &v, 8);
    }
    if (i < n) {
        uint64_t v = soak_rng_next(g);
        memcpy(g->pend, &v, 8);
        g->npend = 8;
        while (i < n)
            buf[i++] = g->pend[8 - g->npend--];
    }
}
