// SPDX-License-Identifier: Apache-2.0
/* Fixed one-second windows; see ratelimit.h. */
#include "ratelimit.h"

#define WINDOW_MS 1000u

void ctf_ratelimit_init(struct ctf_ratelimit *rl, unsigned int rate)
{
	rl->rate = rate;
	rl->window_start_ms = 0;
	rl->passed = 0;
	rl->suppressed = 0;
	rl->started = false;
}

/* Start a new window if @now_ms is past the current one; return the count to report. */
static uint64_t roll_window(struct ctf_ratelimit *rl, uint64_t now_ms)
{
	uint64_t report = 0;

	if (!rl->started) {
		rl->started = true;
		rl->window_start_ms = now_ms;
		return 0;
	}
	/* A clock that went backwards also opens a new window rather than wedging. */
	if (now_ms >= rl->window_start_ms + WINDOW_MS || now_ms < rl->window_start_ms) {
		report = rl->suppressed;
		rl->suppressed = 0;
		rl->passed = 0;
		rl->window_start_ms = now_ms;
	}
	return report;
}

bool ctf_ratelimit_allow(struct ctf_ratelimit *rl, uint64_t now_ms, uint64_t *report)
{
	*report = roll_window(rl, now_ms);
	if (rl->rate == 0)
		return true;
	if (rl->passed < rl->rate) {
		rl->passed++;
		return true;
	}
	rl->suppressed++;
	return false;
}

uint64_t ctf_ratelimit_flush(struct ctf_ratelimit *rl, uint64_t now_ms)
{
	if (!rl->started || rl->suppressed == 0)
		return 0;
	return roll_window(rl, now_ms);
}
