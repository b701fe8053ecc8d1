// SPDX-License-Identifier: Apache-2.0
/*
 * Open addressing with linear probing over a mixed hash of the UFID.
 */
#include <stdlib.h>
#include <string.h>

#include "ctflow/util.h"
#include "flowtab.h"

#define INITIAL_SLOTS 1024u

static uint64_t ufid_hash(const struct ctf_ufid *u)
{
	uint64_t lo, hi, h;

	/* Mix all 16 bytes: UFIDs made elsewhere need not be random in any half. */
	memcpy(&lo, u->b, sizeof(lo));
	memcpy(&hi, u->b + 8, sizeof(hi));
	h = lo * 0x9e3779b97f4a7c15ull ^ hi * 0xc2b2ae3d27d4eb4full;
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ull;
	return h ^ (h >> 29);
}

void flowtab_init(struct flowtab *t)
{
	t->n_slots = INITIAL_SLOTS;
	t->slots = ctf_xzalloc(t->n_slots * sizeof(*t->slots));
	t->n = 0;
	t->n_tomb = 0;
}

void flowtab_destroy(struct flowtab *t)
{
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

static struct flowtab_entry *probe(const struct flowtab *t, const struct ctf_ufid *ufid,
				   struct flowtab_entry **free_slot)
{
	size_t mask = t->n_slots - 1, i = (size_t)ufid_hash(ufid) & mask;

	if (free_slot)
		*free_slot = NULL;
	for (size_t n = 0; n < t->n_slots; n++, i = (i + 1) & mask) {
		struct flowtab_entry *e = &t->slots[i];

		if (e->used && !memcmp(&e->ufid, ufid, sizeof(*ufid)))
			return e;
		if (!e->used) {
			if (free_slot && !*free_slot)
				*free_slot = e;
			if (!e->tomb)
				return NULL;
		}
	}
	return NULL;
}

struct flowtab_entry *flowtab_find(const struct flowtab *t, const struct ctf_ufid *ufid)
{
	return probe(t, ufid, NULL);
}

static void grow(struct flowtab *t, size_t n_slots)
{
	struct flowtab old = *t;

	t->n_slots = n_slots;
	t->slots = ctf_xzalloc(n_slots * sizeof(*t->slots));
	t->n = 0;
	t->n_tomb = 0;
	for (size_t i = 0; i < old.n_slots; i++) {
		if (old.slots[i].used) {
			struct flowtab_entry *slot;

			probe(t, &old.slots[i].ufid, &slot);
			*slot = old.slots[i]; // NOLINT(clang-analyzer-core.NullDereference): the new table is larger than n, so probe() always finds a free slot
			t->n++;
		}
	}
	free(old.slots);
}

struct flowtab_entry *flowtab_insert(struct flowtab *t, const struct ctf_ufid *ufid)
{
	struct flowtab_entry *e, *slot;

	/* Keep the load (live + tombstones) under 1/2 so probes stay short. */
	if ((t->n + t->n_tomb + 1) * 2 > t->n_slots)
		grow(t, (t->n + 1) * 4 > t->n_slots ? t->n_slots * 2 : t->n_slots);
	e = probe(t, ufid, &slot);
	if (e)
		return e;
	if (slot->tomb) // NOLINT(clang-analyzer-core.NullDereference): the load is kept under 1/2 above, so probe() always finds a free slot
		t->n_tomb--;
	memset(slot, 0, sizeof(*slot));
	slot->ufid = *ufid;
	slot->used = true;
	t->n++;
	return slot;
}

void flowtab_remove(struct flowtab *t, struct flowtab_entry *e)
{
	e->used = false;
	e->tomb = true;
	t->n--;
	t->n_tomb++;
}

size_t flowtab_count(const struct flowtab *t)
{
	return t->n;
}

struct flowtab_entry *flowtab_next(const struct flowtab *t, struct flowtab_entry *prev)
{
	size_t i = prev ? (size_t)(prev - t->slots) + 1 : 0;

	for (; i < t->n_slots; i++)
		if (t->slots[i].used)
			return &t->slots[i];
	return NULL;
}
