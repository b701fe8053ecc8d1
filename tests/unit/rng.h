/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The unit tests' random numbers: xorshift64*, seeded by each test, so that
 * a failure reproduces from the same seed.
 */
#ifndef CTFLOW_TESTS_RNG_H
#define CTFLOW_TESTS_RNG_H

#include <stdint.h>

static uint64_t rng_state;

static inline uint32_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

#endif
