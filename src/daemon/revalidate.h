/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Flow table upkeep on a timer (revalidate-interval), on the main thread:
 *  - a terse dump (UFID, stats and used time only) expires flows idle longer
 *    than idle-timeout, and forgets flows the kernel no longer has;
 *  - after a policy change (once every handler thread has moved to the new
 *    policy), only the flows the change can affect are looked at: flows of a
 *    removed rule go, flows an added rule overlaps are checked, the rest stay;
 *  - at start (flows left by an earlier ctflowd), after a change that can
 *    affect any flow, and when flows we did not install show up, every flow
 *    is checked: a flow stays (is adopted) if every packet it covers still
 *    gets its actions under the running policy, and is deleted otherwise, so
 *    that its next packet is decided afresh;
 *  - above flow-limit the idle timeout drops to 100 ms; above twice the
 *    limit every flow is deleted.
 */
#ifndef CTFLOWD_REVALIDATE_H
#define CTFLOWD_REVALIDATE_H

#include <stdbool.h>

struct ctflowd;
struct revalidator;

struct revalidator *revalidate_start(struct ctflowd *d);
void revalidate_stop(struct revalidator *rv);
/* The policy changed (d->pending): run a pass soon. */
void revalidate_kick(struct revalidator *rv);
/* The configuration changed (interval). */
void revalidate_configure(struct revalidator *rv);
/* Run one pass now (tests, and the first pass at start). */
void revalidate_run(struct revalidator *rv);

#endif
