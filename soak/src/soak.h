/* SPDX-License-Identifier: MIT */
/* httpc-soak's parts: each subcommand is one file, sharing the few helpers
 * (process figures, a seeded byte stream) declared here. */
#ifndef HTTPC_SOAK_H
#define HTTPC_SOAK_H

#include <stddef.h>
#include <stdint.h>

/* Peak resident memory of this process (VmHWM), KiB; -1 if unknown. */
long soak_vm_hwm_kib(void);
/* Open descriptors of this process (the listing's own excluded). */
int soak_count_fds(void);
/* Raises the soft descriptor limit to the hard one; returns the new soft limit. */
long soak_raise_nofile(void);
double soak_now(void);

/* A reproducible byte stream (httpc_splitmix64_next's, the harness's one
 * generator), so a body of any size is made piece by piece and never held
 * whole. */
typedef struct soak_rng {
    uint64_t s;
    unsigned char pend[8];
    int npend;
} soak_rng;
void soak_rng_init(soak_rng *g, uint64_t seed);
uint64_t soak_rng_next(soak_rng *g);
void soak_rng_fill(soak_rng *g, unsigned char *buf, size_t n);

/* Subcommands: argc/argv start after the subcommand's name. Exit status. */
int soak_integrity(int argc, char **argv);
int soak_load(int argc, char **argv);
int soak_faults(int argc, char **argv);

#endif
