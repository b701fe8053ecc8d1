/* SPDX-License-Identifier: Apache-2.0 */
/* A cheap, deterministic scramble so that generated fields vary without a PRNG state. */
#ifndef CTFLOW_BENCH_MIX_H
#define CTFLOW_BENCH_MIX_H

#include <stdint.h>

static inline uint32_t mix32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352dU;
	x ^= x >> 15;
	x *= 0x846ca68bU;
	x ^= x >> 16;
	return x;
}

#endif
