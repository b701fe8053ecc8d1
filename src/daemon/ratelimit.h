/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A per-second message budget: the first @rate messages of each one-second
 * window pass, the rest are counted. When a window with suppressed messages
 * has passed, the caller is told how many to report in one summary line
 * ("N upcall messages suppressed"). Pure: the caller supplies the clock, so
 * the behaviour is testable without sleeping.
 *
 * Every handler thread logs through one limiter, so it is lock-free: the
 * fields are atomics, and the thread that opens a new window reports the
 * old window's count. Around a window change a message or two more than
 * @rate may pass; nothing is lost from the counts.
 */
#ifndef CTFLOWD_RATELIMIT_H
#define CTFLOWD_RATELIMIT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct ratelimit {
	_Atomic unsigned int rate;		/* messages per window; 0 = unlimited */
	_Atomic uint64_t window;		/* start of the window + 1; 0 = none yet */
	_Atomic unsigned int passed;		/* messages passed in this window */
	_Atomic uint64_t suppressed;		/* messages suppressed, not yet reported */
};

void ratelimit_init(struct ratelimit *rl, unsigned int rate);
/* Change the rate, keeping the window and the counts (a reload). */
void ratelimit_set_rate(struct ratelimit *rl, unsigned int rate);

/*
 * Account for one message at @now_ms. Returns true if it may be logged.
 * *@report is set to the number of suppressed messages to report *before*
 * it (non-zero only once per window that ended with suppressions).
 */
bool ratelimit_allow(struct ratelimit *rl, uint64_t now_ms, uint64_t *report);

/*
 * For a periodic timer: if the window that had suppressions is over, return
 * their count (and forget them), so a burst that simply stops is still
 * summarised. Returns 0 otherwise.
 */
uint64_t ratelimit_flush(struct ratelimit *rl, uint64_t now_ms);

#endif
