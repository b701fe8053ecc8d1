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
 *  - above the flow limit the idle timeout drops to 100 ms; above twice the
 *    limit every flow is deleted. The limit is flow-limit while passes are
 *    quick, and lower while they are slow.
 * A pass runs in steps of about 20 ms on the main loop (revalidate-pace.h):
 * the dump is read a buffer at a time on a socket of its own
 * (revalidate-dump.h), then the doomed flows are deleted a batch at a time
 * (revalidate-delete.h), so the control socket, signals and the handlers'
 * records are served between steps however big the flow table is.
 */
#ifndef CTFLOWD_REVALIDATE_H
#define CTFLOWD_REVALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ctflowd;
struct revalidator;

struct revalidator *revalidate_start(struct ctflowd *d);
void revalidate_stop(struct revalidator *rv);
/* The policy changed (d->pending): run a pass soon, or right after the running one. */
void revalidate_kick(struct revalidator *rv);
/* The configuration changed (interval). */
void revalidate_configure(struct revalidator *rv);
/* The flow limit in force: flow-limit, or lower while passes are slow. */
unsigned revalidate_flow_limit(const struct revalidator *rv);
/*
 * The flow limit after a pass of @ms over @n_flows flows, from @cur, at most
 * @max (flow-limit): divided by the pass's seconds past 2 s, a quarter off
 * past 1.3 s, 1,000 more under 1 s while the flows are near the limit; never
 * under 1,000 (unless @max is).
 */
unsigned revalidate_next_limit(unsigned cur, unsigned max, uint64_t ms, size_t n_flows);
/* Run a pass to its end now, or finish the running one (for tests and tools). */
void revalidate_run(struct revalidator *rv);

#endif
