// SPDX-License-Identifier: Apache-2.0
/* The revalidator's pacing (see revalidate-pace.h). */
#include "revalidate-pace.h"

void pace_begin(struct rv_pace *p)
{
	p->running = true;
	p->again = false;	/* this pass takes every change made so far */
	p->busy_ms = 0;
}

bool pace_kick(struct rv_pace *p)
{
	if (!p->running)
		return true;
	p->again = true;
	return false;
}

void pace_step_begin(struct rv_pace *p, uint64_t now_ms)
{
	p->step_start = now_ms;
}

bool pace_step_over(const struct rv_pace *p, uint64_t now_ms)
{
	return now_ms >= p->step_start + PACE_SLICE_MS;
}

void pace_step_end(struct rv_pace *p, uint64_t now_ms)
{
	if (now_ms > p->step_start)
		p->busy_ms += now_ms - p->step_start;
}

unsigned pace_end(struct rv_pace *p, unsigned interval_ms)
{
	bool again = p->again;

	p->running = false;
	p->again = false;
	return again && interval_ms > PACE_KICK_MS ? PACE_KICK_MS : interval_ms;
}
