/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The classifier's insides, shared by its two halves: cls.c builds a
 * classifier (cls_new, cls_add, cls_freeze, cls_stats), cls-lookup.c reads
 * it (cls_lookup, cls_find). Only those two files include this.
 *
 * Tuple space search with staged lookup and prefix tracking (see cls.h).
 *
 * A rule's precedence is one number, (~priority << 32 | rule number): lower
 * wins. Each subtable knows the best precedence among its rules, and the
 * subtables are sorted by it, so a lookup stops as soon as the next
 * subtable cannot beat what it already found.
 *
 * A subtable stores its mask compactly: the (key word, mask word) pairs
 * whose mask is not zero, grouped by stage. A word can appear in two stages
 * with different bits (ct_zone and eth_type share a word). Hashes are
 * cumulative over the stages, so the set of stage s holds, for every rule,
 * the hash of its masked key over stages 0..s.
 */
#ifndef CTFLOWD_CLS_PRIVATE_H
#define CTFLOWD_CLS_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "cls.h"
#include "trie.h"

#define HASH_BASIS 0x2545f4914f6cdd1dULL

/* ---- hashing ------------------------------------------------------------ */

static inline uint64_t rotl64(uint64_t x, unsigned r)
{
	return (x << r) | (x >> (64 - r));
}

/* One word into a running hash (the body of MurmurHash3's 64-bit round). */
static inline uint64_t hash_word(uint64_t h, uint64_t w)
{
	w *= 0x87c37b91114253d5ULL;
	w = rotl64(w, 31);
	w *= 0x4cf5ad432745937fULL;
	h ^= w;
	h = rotl64(h, 27);
	return h * 5 + 0x52dce729;
}

/* Spread the bits so that the low ones index hash tables well; never 0. */
static inline uint64_t hash_finish(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h ? h : 1;
}

/* ---- a filter in front of a large table of hashes ------------------------- */

/*
 * A blocked Bloom filter: three bits in one 64-bit word per hash. A large
 * policy's lookups mostly probe its big tables for values they do not hold,
 * and a table of thousands of entries does not stay in the cache between
 * lookups; its filter, two to four bytes a hash, stays in it far longer,
 * and answers most of those probes alone (a false "maybe" costs only the
 * probe it would have cost anyway). Built when the classifier is frozen
 * (cls.c), for tables of at least HFILTER_MIN entries.
 */
#define HFILTER_MIN 32u

struct hfilter {
	uint64_t *words;	/* NULL: no filter, every hash may be there */
	size_t mask;		/* words - 1 */
};

/*
 * The three bits @h sets in its word, from its top 18 bits; the word is
 * chosen by the bits from 24 up, and a table's slot by the lowest ones.
 */
static inline uint64_t hfilter_bits(uint64_t h)
{
	return UINT64_C(1) << (h >> 58) | UINT64_C(1) << ((h >> 52) & 63) |
	       UINT64_C(1) << ((h >> 46) & 63);
}

static inline bool hfilter_maybe(const struct hfilter *f, uint64_t h)
{
	uint64_t bits;

	if (!f->words)
		return true;
	bits = hfilter_bits(h);
	return (f->words[(h >> 24) & f->mask] & bits) == bits;
}

/* ---- a set of hashes (open addressing, 0 = empty) --------------------------- */

struct hset {
	uint64_t *slots;
	size_t mask;	/* slots - 1 */
	size_t n;
	struct hfilter filter;
};


static inline bool hset_has(const struct hset *s, uint64_t h)
{
	if (!s->slots || !hfilter_maybe(&s->filter, h))
		return false;
	for (size_t i = h & s->mask; s->slots[i]; i = (i + 1) & s->mask)
		if (s->slots[i] == h)
			return true;
	return false;
}

/* ---- subtables ------------------------------------------------------------ */

/* The rules of one subtable with one masked key: only the best can ever win. */
struct group {
	uint64_t hash;
	uint64_t best;		/* precedence of the rule that wins */
	void *payload;		/* that rule's (cls_add) */
	uint32_t n_more;	/* the others (for cls_find) */
	uint32_t *more;
	uint64_t key[];		/* masked key, one word per subtable entry */
};

/*
 * The fields are in the order a visit reads them: the first two cache
 * lines hold all a visit needs until it probes a table, so that at a large
 * policy's size, where the caches hold little else from one lookup to the
 * next, a visit costs a line or two less.
 */
struct subtable {
	unsigned n_stages;		/* non-empty stages, at least 1 */
	uint8_t n_indexed;		/* leading stages the index decides (cls-index.c) */
	uint8_t stage_tries[CTF_CLS_MAX_STAGES];	/* tries to check before stage s (bits) */
	uint8_t is_single[CTF_CLS_MAX_STAGES - 1];
	uint8_t plen[CTF_CLS_MAX_TRIES];	/* prefix length on each trie field, 0 = none */
	/* Stage prefixes shared with other subtables: their hashes are computed once per lookup. */
	uint16_t prefix_id[CTF_CLS_MAX_STAGES];
	uint16_t stage_end[CTF_CLS_MAX_STAGES];	/* entries of stages 0..s end here */
	unsigned n_entries;
	uint16_t *widx;			/* key word of each entry */
	uint64_t *wmask;		/* mask bits of each entry */
	struct group **groups;		/* open addressing by hash */
	char *group_block;		/* the groups, once cls_freeze() has packed them */
	size_t groups_mask;
	struct hfilter group_filter;	/* of the groups' hashes */
	int ports;			/* index into the layout's port fields, -1 = none */
	uint8_t ports_mask[4];
	/* A stage whose rules all agree needs a compare, not a probe: its one hash. */
	uint64_t single[CTF_CLS_MAX_STAGES - 1];
	struct hset sets[CTF_CLS_MAX_STAGES - 1];
	/* Read when building, or seldom. */
	uint64_t *full_mask;		/* key_words words */
	uint64_t mask_hash;
	uint8_t stage_kind[CTF_CLS_MAX_STAGES];	/* the layout's stage of each */
	size_t n_groups;
	uint64_t best;
	struct trie ports_trie;
};

/*
 * The index (cls-index.c): one part per distinct stage prefix that
 * subtables share in their indexed stages. A part maps the hash of a
 * packet's values over the prefix to the subtables (bits in sorted order)
 * that hold a rule with those values; its members are all the subtables
 * with the prefix. A part's parent is the prefix one stage shorter.
 */
#define CLS_INDEX_WORDS 16u	/* subtables beyond 1,024: no index */
#define CLS_INDEX_PARTS 64u

struct cls_part {
	const struct subtable *rep;	/* the prefix: rep's entries [0, stage_end[stage]) */
	unsigned stage;
	int parent;			/* index of the part at stage - 1; -1 at stage 0 */
	uint64_t members[CLS_INDEX_WORDS];
	uint64_t *keys;			/* open addressing: finished hashes, 0 = empty */
	uint64_t *sets;			/* index_words words per key slot */
	size_t mask, n;
};

/*
 * Trie skips decided for many subtables at once (cls-lookup.c). A
 * "trie-first" subtable is one whose first stage after the index has
 * prefix fields: once the tries it names are walked, whether a visit
 * would skip it is known without visiting it.
 */
#define CLS_PLENS (CTF_TRIE_MAX_BITS + 1)

struct cls_plen_set {
	uint8_t trie, plen;	/* trie-first subtables with this length on this trie */
};

struct ctf_cls {
	size_t key_words;
	unsigned n_stages;
	unsigned n_indexed_stages;
	uint64_t *stage_mask[CTF_CLS_MAX_STAGES];	/* key_words each */
	struct ctf_cls_field tries[CTF_CLS_MAX_TRIES];
	unsigned trie_stage[CTF_CLS_MAX_TRIES];
	size_t n_tries;
	struct trie prefix[CTF_CLS_MAX_TRIES];
	struct ctf_cls_field *ports;
	size_t n_ports;
	struct subtable **subtables;
	size_t n_subtables;
	uint64_t *sorted_best;		/* each subtable's best, in the sorted order */
	struct cls_part *parts;
	size_t n_parts, index_words;
	uint64_t *trie_needs;		/* n_tries x index_words: trie-first subtables per trie */
	unsigned hoist_tries;		/* bits: the tries with trie-first subtables (0: no hoisting) */
	struct cls_plen_set *plen_sets;	/* by trie, then longest first */
	uint64_t *plen_members;		/* n_plen_sets x index_words */
	size_t n_plen_sets;
	uint16_t trie_sets[CTF_CLS_MAX_TRIES + 1];	/* trie t's: [trie_sets[t], trie_sets[t + 1]) */
	uint16_t *set_of_plen;		/* n_tries x CLS_PLENS: the set of a length + 1, 0 = none */
	struct subtable **by_mask;	/* open addressing by mask hash */
	size_t by_mask_mask;
	uint32_t *prio;			/* per rule */
	size_t n_rules;
	size_t n_prefixes;		/* distinct stage prefixes (memoised up to MEMO_MAX) */
	bool frozen;
};

/*
 * Most subtables of a real policy share their first stages (the same
 * recirc_id, in_port, eth_type and ct_state masks): the running hash over
 * such a shared prefix is computed once per lookup and reused.
 */
#define MEMO_MAX 512u
#define NO_PREFIX UINT16_MAX

static inline uint64_t precedence(uint32_t priority, size_t rule)
{
	return (uint64_t)(UINT32_MAX - priority) << 32 | (uint32_t)rule;
}

static inline uint64_t mask_hash(const struct ctf_cls *cls, const uint64_t *mask)
{
	uint64_t h = HASH_BASIS;

	for (size_t w = 0; w < cls->key_words; w++)
		h = hash_word(h, mask[w]);
	return hash_finish(h);
}

static inline struct subtable *find_subtable(const struct ctf_cls *cls, const uint64_t *mask,
				      uint64_t mh)
{
	for (size_t i = mh & cls->by_mask_mask; cls->by_mask[i]; i = (i + 1) & cls->by_mask_mask) {
		struct subtable *st = cls->by_mask[i];

		if (st->mask_hash == mh &&
		    !memcmp(st->full_mask, mask, cls->key_words * sizeof(uint64_t)))
			return st;
	}
	return NULL;
}

/* The masked key of @key in @st's compact form, and its hash over every stage. */
static inline uint64_t compact_key(const struct subtable *st, const uint64_t *key, uint64_t *out)
{
	uint64_t h = HASH_BASIS;

	for (unsigned e = 0; e < st->n_entries; e++) {
		out[e] = key[st->widx[e]] & st->wmask[e];
		h = hash_word(h, out[e]);
	}
	return hash_finish(h);
}

static inline bool group_matches(const struct subtable *st, const struct group *g, const uint64_t *pkt)
{
	for (unsigned e = 0; e < st->n_entries; e++)
		if ((pkt[st->widx[e]] & st->wmask[e]) != g->key[e])
			return false;
	return true;
}

static inline struct group *find_group(const struct subtable *st, uint64_t h, const uint64_t *pkt)
{
	if (!hfilter_maybe(&st->group_filter, h))
		return NULL;
	for (size_t i = h & st->groups_mask; st->groups[i]; i = (i + 1) & st->groups_mask) {
		struct group *g = st->groups[i];

		if (g->hash == h && group_matches(st, g, pkt))
			return g;
	}
	return NULL;
}

/* Build the index of a sorted classifier whose prefixes are interned (cls_freeze). */
void cls_index_build(struct ctf_cls *cls);
void cls_index_free(struct ctf_cls *cls);

#endif
