// SPDX-License-Identifier: Apache-2.0
/*
 * The classifier's index over its first stages (see cls.h and the parts in
 * cls-private.h), built once when the classifier is frozen.
 *
 * A policy of thousands of rules has a few dozen subtables, and a packet
 * can match rules of only a few of them: the others differ from it already
 * in recirc_id, in_port, ct_state or the IP protocol. Probing each of them
 * for that costs a hash-set probe per subtable per lookup; the index lets
 * one probe per distinct stage prefix rule them all out together.
 */
#include <stdlib.h>
#include <string.h>

#include "ctflow/util.h"
#include "cls-private.h"

static uint64_t *part_slot(const struct cls_part *p, size_t words, size_t i)
{
	return p->sets + i * words;
}

/* The slot of hash @h, taken if it is new (the table has room). */
static size_t part_find(struct cls_part *p, uint64_t h)
{
	size_t i;

	for (i = h & p->mask; p->keys[i] && p->keys[i] != h; i = (i + 1) & p->mask)
		;
	if (!p->keys[i]) {
		p->keys[i] = h;
		p->n++;
	}
	return i;
}

static void part_grow(struct cls_part *p, size_t words)
{
	struct cls_part big = *p;
	size_t slots = p->keys ? 2 * (p->mask + 1) : 8;

	big.keys = ctf_xzalloc(slots * sizeof(uint64_t));
	big.sets = ctf_xzalloc(slots * words * sizeof(uint64_t));
	big.mask = slots - 1;
	big.n = 0;
	for (size_t i = 0; p->keys && i <= p->mask; i++)
		if (p->keys[i])
			memcpy(part_slot(&big, words, part_find(&big, p->keys[i])),
			       part_slot(p, words, i), words * sizeof(uint64_t));
	free(p->keys);
	free(p->sets);
	*p = big;
}

/* Subtable @bit holds a rule whose hash over the part's prefix is @h. */
static void part_put(struct cls_part *p, size_t words, uint64_t h, size_t bit)
{
	if (!p->keys || (p->n + 1) * 2 > p->mask + 1)
		part_grow(p, words);
	part_slot(p, words, part_find(p, h))[bit / 64] |= UINT64_C(1) << (bit % 64);
}

/* The part of @st's stage @s, made if it is new; -1 if the index is full or inconsistent. */
static int part_of(struct ctf_cls *cls, const struct subtable *st, unsigned s, int parent)
{
	const uint16_t id = st->prefix_id[s];

	for (size_t p = 0; p < cls->n_parts; p++) {
		const struct cls_part *part = &cls->parts[p];

		if (part->rep->prefix_id[part->stage] == id)
			return part->parent == parent && part->stage == s ? (int)p : -1;
	}
	if (cls->n_parts == CLS_INDEX_PARTS)
		return -1;
	cls->parts[cls->n_parts] = (struct cls_part){ .rep = st, .stage = s, .parent = parent };
	return (int)cls->n_parts++;
}

/* Can stage @s of @st be decided by the index? */
static bool indexable(const struct ctf_cls *cls, const struct subtable *st, unsigned s)
{
	/*
	 * Not the last stage (it is the rule lookup itself), not a stage
	 * with prefix fields (the tries decide those), and only prefixes
	 * whose hash the lookup memoises.
	 */
	return s + 1 < st->n_stages && st->stage_kind[s] < cls->n_indexed_stages &&
	       !st->stage_tries[s] && st->prefix_id[s] != NO_PREFIX;
}

/* The (trie, prefix length) set of trie-first subtables, made if it is new. */
static uint64_t *plen_members(struct ctf_cls *cls, unsigned t, unsigned plen)
{
	const size_t words = cls->index_words;
	size_t k;

	for (k = 0; k < cls->n_plen_sets; k++)
		if (cls->plen_sets[k].trie == t && cls->plen_sets[k].plen == plen)
			return cls->plen_members + k * words;
	cls->plen_sets = ctf_xrealloc(cls->plen_sets, (k + 1) * sizeof(*cls->plen_sets));
	cls->plen_members = ctf_xrealloc(cls->plen_members, (k + 1) * words * sizeof(uint64_t));
	cls->plen_sets[k] = (struct cls_plen_set){ .trie = (uint8_t)t, .plen = (uint8_t)plen };
	memset(cls->plen_members + k * words, 0, words * sizeof(uint64_t));
	cls->n_plen_sets++;
	return cls->plen_members + k * words;
}

/* Longest first, per trie: trie_fold() wants the longest length a set of subtables has. */
static int by_trie_then_longer(const void *a_, const void *b_, void *cls_)
{
	const struct ctf_cls *cls = cls_;
	const struct cls_plen_set *a = &cls->plen_sets[*(const size_t *)a_];
	const struct cls_plen_set *b = &cls->plen_sets[*(const size_t *)b_];

	if (a->trie != b->trie)
		return a->trie < b->trie ? -1 : 1;
	return a->plen > b->plen ? -1 : a->plen < b->plen;
}

static void sort_plen_sets(struct ctf_cls *cls)
{
	const size_t words = cls->index_words, n = cls->n_plen_sets;
	size_t *order = ctf_xmalloc(n * sizeof(*order));
	struct cls_plen_set *sets = ctf_xmalloc(n * sizeof(*sets));
	uint64_t *members = ctf_xmalloc(n * words * sizeof(uint64_t));

	for (size_t k = 0; k < n; k++)
		order[k] = k;
	qsort_r(order, n, sizeof(*order), by_trie_then_longer, cls);
	for (size_t k = 0; k < n; k++) {
		sets[k] = cls->plen_sets[order[k]];
		memcpy(members + k * words, cls->plen_members + order[k] * words,
		       words * sizeof(uint64_t));
	}
	free(cls->plen_sets);
	free(cls->plen_members);
	free(order);
	cls->plen_sets = sets;
	cls->plen_members = members;
	/* Where each trie's sets begin, and each (trie, length)'s set. */
	cls->set_of_plen = ctf_xzalloc(cls->n_tries * CLS_PLENS * sizeof(uint16_t));
	memset(cls->trie_sets, 0, sizeof(cls->trie_sets));
	for (size_t k = 0; k < n; k++) {
		cls->trie_sets[sets[k].trie + 1]++;
		cls->set_of_plen[sets[k].trie * CLS_PLENS + sets[k].plen] = (uint16_t)(k + 1);
	}
	for (size_t t = 0; t < cls->n_tries; t++)
		cls->trie_sets[t + 1] = (uint16_t)(cls->trie_sets[t + 1] + cls->trie_sets[t]);
}

/*
 * Below this many trie-first subtables, visiting them costs less than the
 * bookkeeping that spares the visits (cls-bench: 10 rules, 3 of them).
 */
#define TRIE_FIRST_MIN 8u

/* What lets a lookup skip trie-first subtables without visiting them (cls-private.h). */
static void trie_first_build(struct ctf_cls *cls)
{
	const size_t words = cls->index_words;
	size_t n_first = 0;

	for (size_t i = 0; i < cls->n_subtables; i++)
		n_first += cls->subtables[i]->stage_tries[cls->subtables[i]->n_indexed] != 0;
	if (n_first < TRIE_FIRST_MIN)
		return;
	cls->trie_needs = ctf_xzalloc((cls->n_tries ? cls->n_tries : 1) * words * sizeof(uint64_t));
	for (size_t i = 0; i < cls->n_subtables; i++) {
		const struct subtable *st = cls->subtables[i];
		const unsigned tries = st->stage_tries[st->n_indexed];

		for (unsigned t = 0; t < cls->n_tries; t++) {
			if (!(tries & (1u << t)))
				continue;
			cls->trie_needs[t * words + i / 64] |= UINT64_C(1) << (i % 64);
			cls->hoist_tries |= 1u << t;
			plen_members(cls, t, st->plen[t])[i / 64] |= UINT64_C(1) << (i % 64);
		}
	}
	sort_plen_sets(cls);
}

void cls_index_build(struct ctf_cls *cls)
{
	cls->sorted_best = ctf_xmalloc((cls->n_subtables ? cls->n_subtables : 1) * sizeof(uint64_t));
	for (size_t i = 0; i < cls->n_subtables; i++)
		cls->sorted_best[i] = cls->subtables[i]->best;
	if (!cls->n_indexed_stages || cls->n_subtables > CLS_INDEX_WORDS * 64)
		return;
	cls->index_words = (cls->n_subtables + 63) / 64;
	cls->parts = ctf_xzalloc(CLS_INDEX_PARTS * sizeof(*cls->parts));
	for (size_t i = 0; i < cls->n_subtables; i++) {
		struct subtable *st = cls->subtables[i];
		int parent = -1;

		for (unsigned s = 0; indexable(cls, st, s); s++) {
			int p = part_of(cls, st, s, parent);
			const struct hset *set = &st->sets[s];

			if (p < 0)
				break;
			cls->parts[p].members[i / 64] |= UINT64_C(1) << (i % 64);
			for (size_t j = 0; j <= set->mask; j++)
				if (set->slots[j])
					part_put(&cls->parts[p], cls->index_words, set->slots[j], i);
			st->n_indexed = (uint8_t)(s + 1);
			parent = p;
		}
	}
	trie_first_build(cls);
}

void cls_index_free(struct ctf_cls *cls)
{
	for (size_t p = 0; p < cls->n_parts; p++) {
		free(cls->parts[p].keys);
		free(cls->parts[p].sets);
	}
	free(cls->parts);
	free(cls->sorted_best);
	free(cls->trie_needs);
	free(cls->plen_sets);
	free(cls->plen_members);
	free(cls->set_of_plen);
}
