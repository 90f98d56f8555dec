/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rng.h - a small seeded generator, so every random choice replays.
 *
 * splitmix64 to spread the seed, xoshiro256** for the stream: fast, good
 * statistics, and the same numbers on every machine for the same seed. Each
 * host and each link owns one; nothing reads a global generator.
 */
#ifndef NETSTEP_STACK_RNG_H
#define NETSTEP_STACK_RNG_H

#include <stdint.h>

struct rng {
    uint64_t s[4];  /* xoshiro256** state; never all zero */
};

/* Seed from a 64-bit value and a stream label (host index, link index...). */
void rng_seed(struct rng *r, uint64_t seed, uint64_t stream);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, bound); bound 0 gives 0. */
uint64_t rng_below(struct rng *r, uint64_t bound);
/* Uniform double in [0, 1). */
double rng_unit(struct rng *r);

#endif
