/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Flow table upkeep on a timer (revalidate-interval):
 *  - a terse dump (UFID, stats and used time only) expires flows idle longer
 *    than idle-timeout, and forgets flows the kernel no longer has;
 *  - after a rule change, and once at start (flows left by an earlier
 *    ctflowd), a full dump re-decides every flow under the current policy:
 *    flows that would be installed exactly as they are stay (adopted), the
 *    others are deleted so their next packet is decided afresh;
 *  - above flow-limit the idle timeout drops to 100 ms; above twice the
 *    limit every flow is deleted.
 */
#ifndef CTFLOWD_REVALIDATE_H
#define CTFLOWD_REVALIDATE_H

#include <stdbool.h>

struct ctflowd;
struct revalidator;

struct revalidator *revalidator_start(struct ctflowd *d);
void revalidator_stop(struct revalidator *rv);
/* The policy changed: run a full pass soon. */
void revalidator_kick(struct revalidator *rv);
/* The configuration changed (interval). */
void revalidator_configure(struct revalidator *rv);
/* Run one pass now (tests, and the first pass at start). */
void revalidator_run(struct revalidator *rv);

#endif
