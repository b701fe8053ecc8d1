/* SPDX-License-Identifier: Apache-2.0 */
/*
 * How a revalidation pass shares the main thread (revalidate.c). A pass runs
 * as steps on the event loop, each about PACE_SLICE_MS long, so that the
 * control socket, signals and the handlers' install records are served
 * between steps instead of waiting for the whole pass.
 *
 * A policy change that arrives while a pass runs does not start another
 * pass nor touch the running one: the running pass took its change set
 * over at its start, and the new change waits in d->pending; the kick only
 * marks that the next pass follows this one at once (PACE_KICK_MS) instead
 * of an interval later.
 *
 * The cost of a pass, which the flow limit follows (revalidate_next_limit),
 * is the time its steps worked, not its wall time: between steps the loop
 * serves other events, for as long as they take, and that time says
 * nothing about how the pass grows with the flow table.
 */
#ifndef CTFLOWD_REVALIDATE_PACE_H
#define CTFLOWD_REVALIDATE_PACE_H

#include <stdbool.h>
#include <stdint.h>

#define PACE_SLICE_MS 20u
/* Let a burst of rule edits settle into one pass. */
#define PACE_KICK_MS 10u

struct rv_pace {
	bool running;		/* a pass is between its first and its last step */
	bool again;		/* a change arrived while it ran */
	uint64_t busy_ms;	/* time the pass's steps worked */
	uint64_t step_start;	/* when the current step began */
};

/* A pass begins (its first step comes next). */
void pace_begin(struct rv_pace *p);
/* A change wants a pass: true to arm the next pass now, false if it waits for the running one. */
bool pace_kick(struct rv_pace *p);
void pace_step_begin(struct rv_pace *p, uint64_t now_ms);
/* Has the current step had its slice? (Work goes on in units, checked between them.) */
bool pace_step_over(const struct rv_pace *p, uint64_t now_ms);
void pace_step_end(struct rv_pace *p, uint64_t now_ms);
/* The pass is over: the delay until the next one, @interval_ms unless a change came meanwhile. */
unsigned pace_end(struct rv_pace *p, unsigned interval_ms);

#endif
