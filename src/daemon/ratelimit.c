// SPDX-License-Identifier: Apache-2.0
/* Fixed one-second windows, shared lock-free by the handler threads; see ratelimit.h. */
#include "ratelimit.h"

#define WINDOW_MS 1000u

void ratelimit_init(struct ratelimit *rl, unsigned int rate)
{
	atomic_store(&rl->rate, rate);
	atomic_store(&rl->window, 0);
	atomic_store(&rl->passed, 0);
	atomic_store(&rl->suppressed, 0);
}

void ratelimit_set_rate(struct ratelimit *rl, unsigned int rate)
{
	atomic_store(&rl->rate, rate);
}

/* Start a new window if @now_ms is past the current one; return the count to report. */
static uint64_t roll_window(struct ratelimit *rl, uint64_t now_ms)
{
	uint64_t cur = atomic_load(&rl->window), start;

	if (cur == 0) {
		atomic_compare_exchange_strong(&rl->window, &cur, now_ms + 1);
		return 0;
	}
	start = cur - 1;
	/* A clock that went backwards also opens a new window rather than wedging. */
	if (now_ms < start + WINDOW_MS && now_ms >= start)
		return 0;
	/* Only the thread that moves the window reports what the old one suppressed. */
	if (!atomic_compare_exchange_strong(&rl->window, &cur, now_ms + 1))
		return 0;
	atomic_store(&rl->passed, 0);
	return atomic_exchange(&rl->suppressed, 0);
}

bool ratelimit_allow(struct ratelimit *rl, uint64_t now_ms, uint64_t *report)
{
	unsigned int rate;

	*report = roll_window(rl, now_ms);
	rate = atomic_load(&rl->rate);
	if (rate == 0)
		return true;
	if (atomic_fetch_add(&rl->passed, 1) < rate)
		return true;
	atomic_fetch_add(&rl->suppressed, 1);
	return false;
}

uint64_t ratelimit_flush(struct ratelimit *rl, uint64_t now_ms)
{
	if (!atomic_load(&rl->window) || atomic_load(&rl->suppressed) == 0)
		return 0;
	return roll_window(rl, now_ms);
}
