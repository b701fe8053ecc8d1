// SPDX-License-Identifier: Apache-2.0
/*
 * Building a classifier (see cls.h; its structures are in cls-private.h,
 * its lookup in cls-lookup.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctflow/util.h"
#include "cls-private.h"

/* ---- a set of hashes (open addressing, 0 = empty) --------------------------- */

static void hset_insert(struct hset *s, uint64_t h);

static void hset_grow(struct hset *s)
{
	struct hset big = { .slots = ctf_xzalloc(2 * (s->mask + 1) * sizeof(uint64_t)),
			     .mask = 2 * s->mask + 1 };

	for (size_t i = 0; i <= s->mask; i++)
		if (s->slots[i])
			hset_insert(&big, s->slots[i]);
	free(s->slots);
	*s = big;
}

static void hset_insert(struct hset *s, uint64_t h)
{
	size_t i;

	if (!s->slots) {
		s->mask = 7;
		s->slots = ctf_xzalloc(8 * sizeof(uint64_t));
	}
	if ((s->n + 1) * 2 > s->mask + 1)
		hset_grow(s);
	for (i = h & s->mask; s->slots[i]; i = (i + 1) & s->mask)
		if (s->slots[i] == h)
			return;
	s->slots[i] = h;
	s->n++;
}

/* ---- filters --------------------------------------------------------------------- */

/* A filter for the @n hashes of a table of @n_slots slots (0 = empty); none if @n is small. */
static void hfilter_build(struct hfilter *f, const uint64_t *slots, size_t n_slots, size_t n)
{
	size_t words = 1;

	f->words = NULL;
	if (n < HFILTER_MIN)
		return;
	while (words * 4 < n)	/* 16 to 32 bits per hash */
		words *= 2;
	f->words = ctf_xzalloc(words * sizeof(uint64_t));
	f->mask = words - 1;
	for (size_t i = 0; i < n_slots; i++)
		if (slots[i])
			f->words[(slots[i] >> 24) & f->mask] |= hfilter_bits(slots[i]);
}

static void subtable_filters(struct subtable *st)
{
	uint64_t *hashes;

	for (unsigned s = 0; s + 1 < st->n_stages; s++)
		hfilter_build(&st->sets[s].filter, st->sets[s].slots, st->sets[s].mask + 1,
			      st->sets[s].n);
	if (st->n_groups < HFILTER_MIN)
		return;
	hashes = ctf_xzalloc((st->groups_mask + 1) * sizeof(uint64_t));
	for (size_t i = 0; i <= st->groups_mask; i++)
		if (st->groups[i])
			hashes[i] = st->groups[i]->hash;
	hfilter_build(&st->group_filter, hashes, st->groups_mask + 1, st->n_groups);
	free(hashes);
}

/* The filters of @st's tables into @out: how many, and their bytes. */
static void subtable_filter_stats(const struct subtable *st, struct ctf_cls_stats *out)
{
	const struct hfilter *f[CTF_CLS_MAX_STAGES];
	unsigned n = 0;

	for (unsigned s = 0; s + 1 < st->n_stages; s++)
		f[n++] = &st->sets[s].filter;
	f[n++] = &st->group_filter;
	for (unsigned i = 0; i < n; i++) {
		if (f[i]->words) {
			out->filters++;
			out->bytes += (f[i]->mask + 1) * sizeof(uint64_t);
		}
	}
}

struct ctf_cls *cls_new(const struct ctf_cls_layout *lay)
{
	struct ctf_cls *cls = ctf_xzalloc(sizeof(*cls));
	const size_t n_stages = lay->n_stages ? lay->n_stages : 1;

	cls->key_words = lay->key_size / 8;
	cls->n_stages = (unsigned)(n_stages < CTF_CLS_MAX_STAGES ? n_stages : CTF_CLS_MAX_STAGES);
	cls->n_indexed_stages = lay->n_indexed_stages;
	for (unsigned s = 0; s < cls->n_stages; s++)
		cls->stage_mask[s] = ctf_xzalloc(cls->key_words * sizeof(uint64_t));
	for (size_t b = 0; b < cls->key_words * 8; b++) {
		unsigned s = lay->byte_stage ? lay->byte_stage[b] : 0;

		if (s >= cls->n_stages)
			s = cls->n_stages - 1;
		((uint8_t *)cls->stage_mask[s])[b] = 0xff;
	}
	for (size_t t = 0; t < lay->n_tries && cls->n_tries < CTF_CLS_MAX_TRIES; t++) {
		const struct ctf_cls_field *f = &lay->tries[t];
		unsigned stage = lay->byte_stage ? lay->byte_stage[f->ofs] : 0;

		if ((f->len != 4 && f->len != 16) || f->ofs + f->len > lay->key_size)
			continue;
		cls->tries[cls->n_tries] = *f;
		cls->trie_stage[cls->n_tries] = stage < cls->n_stages ? stage : cls->n_stages - 1;
		trie_init(&cls->prefix[cls->n_tries], f->len * 8u);
		cls->n_tries++;
	}
	if (lay->n_ports) {
		cls->ports = ctf_xmalloc(lay->n_ports * sizeof(*cls->ports));
		for (size_t p = 0; p < lay->n_ports; p++)
			if (lay->ports[p].len == 4 && lay->ports[p].ofs + 4u <= lay->key_size)
				cls->ports[cls->n_ports++] = lay->ports[p];
	}
	cls->by_mask_mask = 15;
	cls->by_mask = ctf_xzalloc(16 * sizeof(*cls->by_mask));
	return cls;
}

static void subtable_free(struct subtable *st)
{
	for (size_t i = 0; st->groups && i <= st->groups_mask; i++) {
		if (st->groups[i]) {
			free(st->groups[i]->more);
			if (!st->group_block)
				free(st->groups[i]);
		}
	}
	for (unsigned s = 0; s + 1 < CTF_CLS_MAX_STAGES; s++) {
		free(st->sets[s].slots);
		free(st->sets[s].filter.words);
	}
	free(st->group_filter.words);
	trie_destroy(&st->ports_trie);
	free(st->groups);
	free(st->group_block);
	free(st->widx);
	free(st->wmask);
	free(st->full_mask);
	free(st);
}

void cls_free(struct ctf_cls *cls)
{
	if (!cls)
		return;
	for (size_t i = 0; i < cls->n_subtables; i++)
		subtable_free(cls->subtables[i]);
	for (unsigned s = 0; s < cls->n_stages; s++)
		free(cls->stage_mask[s]);
	for (size_t t = 0; t < cls->n_tries; t++)
		trie_destroy(&cls->prefix[t]);
	cls_index_free(cls);
	free(cls->ports);
	free(cls->subtables);
	free(cls->by_mask);
	free(cls->prio);
	free(cls);
}

size_t cls_count(const struct ctf_cls *cls)
{
	return cls->n_rules;
}

/* The length of the prefix @mask (@len bytes) is, or 0 if it is empty or not a prefix. */
static unsigned prefix_len(const uint8_t *mask, size_t len)
{
	unsigned n = 0;
	size_t i = 0;

	while (i < len && mask[i] == 0xff) {
		n += 8;
		i++;
	}
	if (i < len) {
		uint8_t m = mask[i];
		unsigned ones = 0;

		while (m & 0x80) {
			ones++;
			m = (uint8_t)(m << 1);
		}
		if (m)
			return 0;
		n += ones;
		for (i++; i < len; i++)
			if (mask[i])
				return 0;
	}
	return n;
}

static struct subtable *subtable_new(struct ctf_cls *cls, const uint64_t *mask, uint64_t mh)
{
	struct subtable *st = ctf_xzalloc(sizeof(*st));
	const uint8_t *mb = (const uint8_t *)mask;
	size_t cap = cls->key_words * cls->n_stages;

	st->full_mask = ctf_xmalloc(cls->key_words * sizeof(uint64_t));
	memcpy(st->full_mask, mask, cls->key_words * sizeof(uint64_t));
	st->mask_hash = mh;
	st->widx = ctf_xmalloc((cap ? cap : 1) * sizeof(*st->widx));
	st->wmask = ctf_xmalloc((cap ? cap : 1) * sizeof(*st->wmask));
	for (size_t t = 0; t < cls->n_tries; t++)
		st->plen[t] = (uint8_t)prefix_len(mb + cls->tries[t].ofs, cls->tries[t].len);
	for (unsigned s = 0; s < cls->n_stages; s++) {
		unsigned start = st->n_entries;

		for (size_t w = 0; w < cls->key_words; w++) {
			uint64_t m = mask[w] & cls->stage_mask[s][w];

			if (!m)
				continue;
			st->widx[st->n_entries] = (uint16_t)w;
			st->wmask[st->n_entries++] = m;
		}
		if (st->n_entries == start)
			continue;
		for (size_t t = 0; t < cls->n_tries; t++)
			if (st->plen[t] && cls->trie_stage[t] == s)
				st->stage_tries[st->n_stages] |= (uint8_t)(1u << t);
		st->stage_kind[st->n_stages] = (uint8_t)s;
		st->stage_end[st->n_stages++] = (uint16_t)st->n_entries;
	}
	st->widx = ctf_xrealloc(st->widx, (st->n_entries ? st->n_entries : 1) * sizeof(*st->widx));
	st->wmask = ctf_xrealloc(st->wmask, (st->n_entries ? st->n_entries : 1) * sizeof(*st->wmask));
	if (!st->n_stages) {
		/* A match-all rule: one empty stage, one group with the empty key. */
		st->n_stages = 1;
		st->stage_end[0] = 0;
	}
	st->ports = -1;
	for (size_t p = 0; p < cls->n_ports; p++) {
		const uint8_t *pm = mb + cls->ports[p].ofs;

		if (pm[0] | pm[1] | pm[2] | pm[3]) {
			st->ports = (int)p;
			memcpy(st->ports_mask, pm, 4);
			trie_init(&st->ports_trie, 32);
			break;
		}
	}
	st->best = UINT64_MAX;
	st->groups_mask = 7;
	st->groups = ctf_xzalloc(8 * sizeof(*st->groups));
	return st;
}

static void by_mask_insert(struct ctf_cls *cls, struct subtable *st)
{
	size_t i;

	if ((cls->n_subtables + 1) * 2 > cls->by_mask_mask + 1) {
		size_t n = 2 * (cls->by_mask_mask + 1);

		free(cls->by_mask);
		cls->by_mask = ctf_xzalloc(n * sizeof(*cls->by_mask));
		cls->by_mask_mask = n - 1;
		for (size_t j = 0; j < cls->n_subtables; j++) {
			struct subtable *o = cls->subtables[j];

			for (i = o->mask_hash & cls->by_mask_mask; cls->by_mask[i];
			     i = (i + 1) & cls->by_mask_mask)
				;
			cls->by_mask[i] = o;
		}
	}
	for (i = st->mask_hash & cls->by_mask_mask; cls->by_mask[i]; i = (i + 1) & cls->by_mask_mask)
		;
	cls->by_mask[i] = st;
	cls->subtables = ctf_xrealloc(cls->subtables,
				      (cls->n_subtables + 1) * sizeof(*cls->subtables));
	cls->subtables[cls->n_subtables++] = st;
}

/* A group of @st: its masked key has a word per entry (at least one). */
static size_t group_size(const struct subtable *st)
{
	return sizeof(struct group) + (st->n_entries ? st->n_entries : 1) * sizeof(uint64_t);
}

static void groups_insert(struct subtable *st, struct group *g)
{
	size_t i;

	if ((st->n_groups + 1) * 2 > st->groups_mask + 1) {
		size_t n = 2 * (st->groups_mask + 1);
		struct group **old = st->groups;
		size_t old_mask = st->groups_mask;

		st->groups = ctf_xzalloc(n * sizeof(*st->groups));
		st->groups_mask = n - 1;
		for (size_t j = 0; j <= old_mask; j++) {
			if (!old[j])
				continue;
			for (i = old[j]->hash & st->groups_mask; st->groups[i];
			     i = (i + 1) & st->groups_mask)
				;
			st->groups[i] = old[j];
		}
		free(old);
	}
	for (i = g->hash & st->groups_mask; st->groups[i]; i = (i + 1) & st->groups_mask)
		;
	st->groups[i] = g;
	st->n_groups++;
}

/* A new distinct masked key: record its prefixes in the tries. */
static void index_group(struct ctf_cls *cls, struct subtable *st, const uint8_t *key)
{
	for (size_t t = 0; t < cls->n_tries; t++) {
		uint8_t v[16];
		const struct ctf_cls_field *f = &cls->tries[t];
		const uint8_t *m = (const uint8_t *)st->full_mask + f->ofs;

		if (!st->plen[t])
			continue;
		for (unsigned b = 0; b < f->len; b++)
			v[b] = key[f->ofs + b] & m[b];
		trie_insert(&cls->prefix[t], v, st->plen[t]);
	}
	if (st->ports >= 0) {
		uint8_t v[4];
		const uint8_t *p = key + cls->ports[st->ports].ofs;

		for (unsigned b = 0; b < 4; b++)
			v[b] = p[b] & st->ports_mask[b];
		trie_insert(&st->ports_trie, v, 32);
	}
}

/*
 * @g's masked key is already in @st as @o: the better of the two rules
 * leads the group, the other joins its list. -EEXIST (with *@dup) if the
 * priority repeats too.
 */
static int merge_into_group(struct ctf_cls *cls, struct group *o, uint32_t priority, size_t rule,
			    void *payload, size_t *dup)
{
	const uint64_t prec = precedence(priority, rule);

	for (uint32_t j = 0; j <= o->n_more; j++) {
		size_t other = j < o->n_more ? o->more[j] : (size_t)(uint32_t)o->best;

		if (cls->prio[other] == priority) {
			if (dup)
				*dup = other;
			return -EEXIST;
		}
	}
	o->more = ctf_xrealloc(o->more, (o->n_more + 1) * sizeof(*o->more));
	if (prec < o->best) {
		o->more[o->n_more++] = (uint32_t)o->best;
		o->best = prec;
		o->payload = payload;
	} else {
		o->more[o->n_more++] = (uint32_t)rule;
	}
	return 0;
}

/* The set of stage s holds the hash over stages 0..s of every rule. */
static void add_stage_hashes(struct subtable *st, const struct group *g)
{
	uint64_t sh = HASH_BASIS;
	unsigned e = 0;

	for (unsigned s = 0; s + 1 < st->n_stages; s++) {
		for (; e < st->stage_end[s]; e++)
			sh = hash_word(sh, g->key[e]);
		hset_insert(&st->sets[s], hash_finish(sh));
	}
}

int cls_add(struct ctf_cls *cls, uint32_t priority, const void *key_, const void *mask_,
	    void *payload, size_t *dup)
{
	const size_t kw = cls->key_words;
	uint64_t *key = ctf_xmalloc(kw * sizeof(uint64_t)), *mask = ctf_xmalloc(kw * sizeof(uint64_t));
	const size_t rule = cls->n_rules;
	struct subtable *st;
	struct group *g, *same = NULL;
	uint64_t mh, h;
	int ret = 0;

	/* Copies: the caller's buffers need not be aligned. */
	memcpy(key, key_, kw * sizeof(uint64_t));
	memcpy(mask, mask_, kw * sizeof(uint64_t));
	mh = mask_hash(cls, mask);
	st = find_subtable(cls, mask, mh);
	if (!st) {
		st = subtable_new(cls, mask, mh);
		by_mask_insert(cls, st);
	}
	g = ctf_xzalloc(group_size(st));
	h = compact_key(st, key, g->key);
	g->hash = h;
	for (size_t i = h & st->groups_mask; st->groups[i] && !same; i = (i + 1) & st->groups_mask)
		if (st->groups[i]->hash == h &&
		    !memcmp(st->groups[i]->key, g->key, st->n_entries * sizeof(uint64_t)))
			same = st->groups[i];
	if (same) {
		/* Same mask and masked key: a duplicate if the priority repeats too. */
		free(g);
		g = same;
		ret = merge_into_group(cls, g, priority, rule, payload, dup);
	} else {
		g->best = precedence(priority, rule);
		g->payload = payload;
		add_stage_hashes(st, g);
		groups_insert(st, g);
		index_group(cls, st, (const uint8_t *)key);
	}
	free(key);
	free(mask);
	if (ret)
		return ret;
	if (g->best < st->best)
		st->best = g->best;
	cls->prio = ctf_xrealloc(cls->prio, (rule + 1) * sizeof(*cls->prio));
	cls->prio[rule] = priority;
	cls->n_rules++;
	return 0;
}

static int by_best(const void *a, const void *b)
{
	const struct subtable *x = *(struct subtable *const *)a, *y = *(struct subtable *const *)b;

	return x->best < y->best ? -1 : x->best > y->best;
}

/* Same entries [0, n) in both subtables? */
static bool same_prefix(const struct subtable *a, const struct subtable *b, unsigned n)
{
	return !memcmp(a->widx, b->widx, n * sizeof(*a->widx)) &&
	       !memcmp(a->wmask, b->wmask, n * sizeof(*a->wmask));
}

/* Number every distinct stage prefix; equal prefixes of two subtables share a number. */
static void intern_prefixes(struct ctf_cls *cls)
{
	struct { const struct subtable *st; unsigned n; } *seen = NULL;
	size_t n_seen = 0;

	for (size_t i = 0; i < cls->n_subtables; i++) {
		struct subtable *st = cls->subtables[i];

		for (unsigned s = 0; s < st->n_stages; s++) {
			unsigned n = st->stage_end[s];
			size_t id;

			for (id = 0; id < n_seen; id++)
				if (seen[id].n == n && same_prefix(seen[id].st, st, n))
					break;
			if (id == n_seen) {
				seen = ctf_xrealloc(seen, (n_seen + 1) * sizeof(*seen));
				seen[n_seen].st = st;
				seen[n_seen++].n = n;
			}
			st->prefix_id[s] = id < MEMO_MAX ? (uint16_t)id : NO_PREFIX;
		}
		for (unsigned s = 0; s + 1 < st->n_stages; s++) {
			st->is_single[s] = st->sets[s].n == 1;
			for (size_t j = 0; st->is_single[s] && j <= st->sets[s].mask; j++)
				if (st->sets[s].slots[j])
					st->single[s] = st->sets[s].slots[j];
		}
	}
	cls->n_prefixes = n_seen;
	free(seen);
}

/*
 * Move @st's groups into one block, in the order of their slots
 * (cls_freeze). Allocated one by one as the rules came, they lie scattered
 * over the heap, and a lookup that finds a group reads it right after its
 * slot; at a large policy's size, where neither is in the cache, groups
 * side by side span fewer pages and lines (cls-bench, 100,000 rules: 246
 * -> 242 ns a lookup).
 */
static void pack_groups(struct subtable *st)
{
	const size_t size = group_size(st);
	size_t at = 0;

	if (!st->n_groups || st->group_block)
		return;
	st->group_block = ctf_xmalloc(st->n_groups * size);
	for (size_t i = 0; i <= st->groups_mask; i++) {
		struct group *g = st->groups[i];

		if (!g)
			continue;
		memcpy(st->group_block + at, g, size);
		free(g);
		st->groups[i] = (struct group *)(void *)(st->group_block + at);
		at += size;
	}
}

void cls_freeze(struct ctf_cls *cls)
{
	if (cls->n_subtables > 1)
		qsort(cls->subtables, cls->n_subtables, sizeof(*cls->subtables), by_best);
	intern_prefixes(cls);
	cls_index_build(cls);
	for (size_t t = 0; t < cls->n_tries; t++)
		trie_pack(&cls->prefix[t]);
	for (size_t i = 0; i < cls->n_subtables; i++) {
		pack_groups(cls->subtables[i]);
		trie_pack(&cls->subtables[i]->ports_trie);
		subtable_filters(cls->subtables[i]);
	}
	cls->frozen = true;
}

void cls_stats(const struct ctf_cls *cls, struct ctf_cls_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->rules = cls->n_rules;
	out->subtables = cls->n_subtables;
	out->index_parts = cls->n_parts;
	out->bytes = sizeof(*cls) + cls->n_rules * sizeof(*cls->prio) +
		     (cls->by_mask_mask + 1 + cls->n_subtables) * sizeof(void *) +
		     cls->n_stages * cls->key_words * sizeof(uint64_t);
	for (size_t t = 0; t < cls->n_tries; t++) {
		out->trie_nodes += cls->prefix[t].n_nodes;
		out->trie_strides += cls->prefix[t].n_strides;
		out->bytes += trie_bytes(&cls->prefix[t]);
	}
	for (size_t i = 0; i < cls->n_subtables; i++) {
		const struct subtable *st = cls->subtables[i];

		out->entries += st->n_groups;
		out->trie_nodes += st->ports_trie.n_nodes;
		out->trie_strides += st->ports_trie.n_strides;
		out->bytes += trie_bytes(&st->ports_trie);
		out->bytes += sizeof(*st) + cls->key_words * sizeof(uint64_t) +
			      st->n_entries * (sizeof(uint16_t) + sizeof(uint64_t)) +
			      (st->groups_mask + 1) * sizeof(void *) +
			      st->n_groups * (sizeof(struct group) + st->n_entries * sizeof(uint64_t));
		for (unsigned s = 0; s + 1 < st->n_stages; s++)
			out->bytes += (st->sets[s].mask + 1) * sizeof(uint64_t);
		subtable_filter_stats(st, out);
		for (size_t j = 0; j <= st->groups_mask; j++)
			if (st->groups[j])
				out->bytes += st->groups[j]->n_more * sizeof(uint32_t);
	}
	out->bytes += cls->n_subtables * sizeof(uint64_t);
	for (size_t p = 0; p < cls->n_parts; p++)
		out->bytes += sizeof(cls->parts[p]) +
			      (cls->parts[p].mask + 1) * (1 + cls->index_words) * sizeof(uint64_t);
}
