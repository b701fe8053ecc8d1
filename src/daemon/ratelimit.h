/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A per-second message budget: the first @rate messages of each one-second
 * window pass, the rest are counted. When a window with suppressed messages
 * has passed, the caller is told how many to report in one summary line
 * ("N upcall messages suppressed"). Pure: the caller supplies the clock, so
 * the behaviour is testable without sleeping.
 */
#ifndef CTFLOWD_RATELIMIT_H
#define CTFLOWD_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct ctf_ratelimit {
	unsigned int rate;		/* messages per window; 0 = unlimited */
	uint64_t window_start_ms;
	unsigned int passed;		/* messages passed in this window */
	uint64_t suppressed;		/* messages suppressed, not yet reported */
	bool started;
};

void ctf_ratelimit_init(struct ctf_ratelimit *rl, unsigned int rate);

/*
 * Account for one message at @now_ms. Returns true if it may be logged.
 * *@report is set to the number of suppressed messages to report *before*
 * it (non-zero only once per window that ended with suppressions).
 */
bool ctf_ratelimit_allow(struct ctf_ratelimit *rl, uint64_t now_ms, uint64_t *report);

/*
 * For a periodic timer: if the window that had suppressions is over, return
 * their count (and forget them), so a burst that simply stops is still
 * summarised. Returns 0 otherwise.
 */
uint64_t ctf_ratelimit_flush(struct ctf_ratelimit *rl, uint64_t now_ms);

#endif
