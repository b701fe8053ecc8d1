// SPDX-License-Identifier: Apache-2.0
/*
 * Quiescent-state-based reclamation (see rcu.h).
 *
 * A global counter numbers grace periods. A reader publishes, at each
 * quiescent point, the counter value it saw; offline, it publishes
 * "infinity". A grace period g has passed when every reader's published
 * value is at least g: that reader passed a quiescent point after g was
 * opened, and g was opened after the writer's new pointer was published,
 * so the reader can only have read the new one since.
 *
 * All the ordering relies on sequentially consistent atomics (the default
 * for atomic_load/atomic_store), which makes "store my counter, then load
 * the shared pointer" on the reader side and "store the pointer, then bump
 * the counter" on the writer side impossible to reorder against each other.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "ctflow/util.h"
#include "rcu.h"

#define OFFLINE UINT64_MAX

struct rcu_reader {
	struct rcu *rcu;
	_Atomic uint64_t seen;
};

struct deferred {
	uint64_t gen;
	void (*fn)(void *);
	void *arg;
};

struct rcu {
	_Atomic uint64_t gen;
	struct rcu_reader **readers;	/* changed by the main thread only */
	size_t n_readers;
	struct deferred *pending;
	size_t n_pending;
};

struct rcu *rcu_new(void)
{
	struct rcu *rcu = ctf_xzalloc(sizeof(*rcu));

	atomic_init(&rcu->gen, 1);
	return rcu;
}

void rcu_free(struct rcu *rcu)
{
	if (!rcu)
		return;
	for (size_t i = 0; i < rcu->n_pending; i++)
		rcu->pending[i].fn(rcu->pending[i].arg);
	free(rcu->pending);
	free(rcu->readers);
	free(rcu);
}

struct rcu_reader *rcu_reader_new(struct rcu *rcu)
{
	struct rcu_reader *r = ctf_xzalloc(sizeof(*r));

	r->rcu = rcu;
	atomic_init(&r->seen, OFFLINE);
	rcu->readers = ctf_xrealloc(rcu->readers, (rcu->n_readers + 1) * sizeof(*rcu->readers));
	rcu->readers[rcu->n_readers++] = r;
	return r;
}

void rcu_reader_free(struct rcu_reader *r)
{
	struct rcu *rcu;

	if (!r)
		return;
	rcu = r->rcu;
	for (size_t i = 0; i < rcu->n_readers; i++) {
		if (rcu->readers[i] == r) {
			rcu->readers[i] = rcu->readers[--rcu->n_readers];
			break;
		}
	}
	free(r);
}

void rcu_online(struct rcu_reader *r)
{
	atomic_store(&r->seen, atomic_load(&r->rcu->gen));
}

void rcu_quiesce(struct rcu_reader *r)
{
	atomic_store(&r->seen, atomic_load(&r->rcu->gen));
}

void rcu_offline(struct rcu_reader *r)
{
	atomic_store(&r->seen, OFFLINE);
}

uint64_t rcu_mark(struct rcu *rcu)
{
	return atomic_fetch_add(&rcu->gen, 1) + 1;
}

uint64_t rcu_defer(struct rcu *rcu, void (*fn)(void *), void *arg)
{
	uint64_t gen = rcu_mark(rcu);

	rcu->pending = ctf_xrealloc(rcu->pending, (rcu->n_pending + 1) * sizeof(*rcu->pending));
	rcu->pending[rcu->n_pending++] = (struct deferred){ gen, fn, arg };
	return gen;
}

bool rcu_passed(const struct rcu *rcu, uint64_t gen)
{
	for (size_t i = 0; i < rcu->n_readers; i++)
		if (atomic_load(&rcu->readers[i]->seen) < gen)
			return false;
	return true;
}

unsigned rcu_reclaim(struct rcu *rcu)
{
	size_t keep = 0;

	/* Callbacks are in grace-period order: run a prefix, keep the rest. */
	for (size_t i = 0; i < rcu->n_pending; i++) {
		if (keep == 0 && rcu_passed(rcu, rcu->pending[i].gen)) {
			rcu->pending[i].fn(rcu->pending[i].arg);
			continue;
		}
		rcu->pending[keep++] = rcu->pending[i];
	}
	rcu->n_pending = keep;
	return (unsigned)keep;
}
