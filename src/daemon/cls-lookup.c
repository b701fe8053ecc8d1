// SPDX-License-Identifier: Apache-2.0
/* Looking up in a frozen classifier (see cls.h and cls-private.h). */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "ctflow/util.h"
#include "cls-private.h"

/* ---- lookup ---------------------------------------------------------------- */

/* The prefix tries' answers for one packet, each looked up when first needed. */
struct trie_ctx {
	unsigned done;			/* bits: the tries looked up */
	unsigned hoisted;		/* bits: those trie_hoist() has used */
	unsigned check_bits[CTF_CLS_MAX_TRIES];
	struct trie_plens plens[CTF_CLS_MAX_TRIES];
	/* For each looked-up trie, the trie-first subtables it rules out. */
	uint64_t fail[CTF_CLS_MAX_TRIES][CLS_INDEX_WORDS];
};

/* The first @bits (0..64) bits of a 64-bit number. */
static inline uint64_t leading_ones(unsigned bits)
{
	return bits >= 64 ? ~UINT64_C(0) : ~(~UINT64_C(0) >> bits);
}

/*
 * Set the first @bits bits of the @len-byte field at @p: 4 bytes (an IPv4
 * address, a pair of ports) or 16 (an IPv6 address), the widths of tries.
 * Word-wide and without a loop: the count changes from packet to packet,
 * and a loop over its bytes costs a mispredicted branch as often.
 */
static void set_prefix_bits(uint8_t *p, unsigned bits, unsigned len)
{
	if (len == 4) {
		uint32_t w;

		memcpy(&w, p, 4);
		w |= htobe32((uint32_t)(leading_ones(bits < 32 ? bits : 32) >> 32));
		memcpy(p, &w, 4);
	} else {
		uint64_t w[2];

		memcpy(w, p, 16);
		w[0] |= htobe64(leading_ones(bits < 64 ? bits : 64));
		w[1] |= htobe64(leading_ones(bits > 64 ? (bits < 128 ? bits - 64 : 64) : 0));
		memcpy(p, w, 16);
	}
}

/*
 * Can @st be skipped for its prefix fields of stage @s? If the packet
 * matches none of the prefixes of @st's length on a field, no rule of @st
 * can match it, nor any packet that agrees with it on the bits the trie
 * looked at (min(check bits, length)): only those go into @wc.
 */
static bool trie_skip(const struct ctf_cls *cls, const struct subtable *st, unsigned s,
		      const uint8_t *pkt, uint8_t *wc, struct trie_ctx *ctx)
{
	for (unsigned t = 0; t < cls->n_tries; t++) {
		const struct ctf_cls_field *f = &cls->tries[t];
		unsigned plen = st->plen[t], bits;

		if (!(st->stage_tries[s] & (1u << t)))
			continue;
		if (!(ctx->done & (1u << t))) {
			ctx->check_bits[t] = trie_lookup(&cls->prefix[t], pkt + f->ofs,
							 &ctx->plens[t]);
			ctx->done |= 1u << t;
		}
		if (trie_plens_has(&ctx->plens[t], plen))
			continue;
		bits = ctx->check_bits[t] < plen ? ctx->check_bits[t] : plen;
		if (wc)
			set_prefix_bits(wc + f->ofs, bits, f->len);
		return true;
	}
	return false;
}

/*
 * @st's last stage found no rule. If the packet's masked ports differ from
 * every rule's, the leading port bits that show it are enough for @wc.
 */
static bool ports_skip(const struct ctf_cls *cls, const struct subtable *st, const uint8_t *pkt,
		       uint8_t *wc)
{
	struct trie_plens plens;
	uint8_t v[4], *w;
	const uint8_t *p;
	unsigned bits;

	if (st->ports < 0)
		return false;
	p = pkt + cls->ports[st->ports].ofs;
	for (unsigned b = 0; b < 4; b++)
		v[b] = p[b] & st->ports_mask[b];
	bits = trie_lookup(&st->ports_trie, v, &plens);
	if (trie_plens_has(&plens, 32))
		return false;	/* the ports match a rule: something else failed */
	if (wc) {
		uint8_t pre[4] = { 0 };

		w = wc + cls->ports[st->ports].ofs;
		set_prefix_bits(pre, bits, 4);
		for (unsigned b = 0; b < 4; b++)
			w[b] |= pre[b] & st->ports_mask[b];
	}
	return true;
}

/* The bits of the first @n entries of @st were examined: into @wc. */
static inline void fold(const struct subtable *st, unsigned n, uint64_t *wc)
{
	if (!wc)
		return;
	for (unsigned e = 0; e < n; e++)
		wc[st->widx[e]] |= st->wmask[e];
}

/* Running hashes of the shared stage prefixes, for one lookup. */
struct memo {
	uint64_t valid[MEMO_MAX / 64];
	uint64_t h[MEMO_MAX];
};

/* The running hash of @st over stage @s, from @h over the stages before (*@e: entries done). */
static inline uint64_t stage_hash(const struct subtable *st, unsigned s, uint64_t h, unsigned *e,
				  const uint64_t *pkt, struct memo *memo)
{
	unsigned id = st->prefix_id[s];

	if (id != NO_PREFIX && (memo->valid[id / 64] >> (id % 64)) & 1) {
		*e = st->stage_end[s];
		return memo->h[id];
	}
	for (; *e < st->stage_end[s]; (*e)++)
		h = hash_word(h, pkt[st->widx[*e]] & st->wmask[*e]);
	if (id != NO_PREFIX) {
		memo->valid[id / 64] |= UINT64_C(1) << (id % 64);
		memo->h[id] = h;
	}
	return h;
}

/* The subtables of index word @w that come before subtable @stop, as bits. */
static inline uint64_t bits_below(size_t stop, size_t w)
{
	if (w * 64 >= stop)
		return 0;
	return stop - w * 64 >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << (stop - w * 64)) - 1;
}

/*
 * The index's verdicts for one lookup: which subtables can still hold a
 * matching rule, and each part's set of subtables with the packet's values
 * (NULL: none).
 */
struct verdicts {
	uint64_t may[CLS_INDEX_WORDS];
	/*
	 * Taken out of may by trie_hoist(), by the trie that rules them out:
	 * n_tries x words, a trie's cleared when it is first looked up.
	 */
	uint64_t trie_skipped[CTF_CLS_MAX_TRIES * CLS_INDEX_WORDS];
	const uint64_t *hit[CLS_INDEX_PARTS];
};

static const uint64_t *part_lookup(const struct ctf_cls *cls, const struct cls_part *p, uint64_t h)
{
	for (size_t i = h & p->mask; p->keys[i]; i = (i + 1) & p->mask)
		if (p->keys[i] == h)
			return p->sets + i * cls->index_words;
	return NULL;
}

/* Probe every part once (parents first: they are numbered before their children). */
static void index_lookup(const struct ctf_cls *cls, const uint64_t *pkt, struct memo *memo,
			 struct verdicts *v)
{
	const size_t words = cls->index_words;

	memset(v->may, 0xff, sizeof(v->may));
	for (size_t i = 0; i < cls->n_parts; i++) {
		const struct cls_part *p = &cls->parts[i];
		const struct subtable *rep = p->rep;
		uint64_t h = HASH_BASIS;
		unsigned e = 0;

		v->hit[i] = NULL;
		if (p->parent >= 0) {
			/* Its members already failed with the parent. */
			if (!v->hit[p->parent])
				continue;
			h = memo->h[rep->prefix_id[p->stage - 1]];
			e = rep->stage_end[p->stage - 1];
		}
		h = stage_hash(rep, p->stage, h, &e, pkt, memo);
		v->hit[i] = part_lookup(cls, p, hash_finish(h));
		for (size_t w = 0; w < words; w++)
			v->may[w] &= ~(p->members[w] & ~(v->hit[i] ? v->hit[i][w] : 0));
	}
}

/*
 * The bits a subtable-by-subtable walk would have added for the subtables
 * the index ruled out before the walk stopped at subtable @stop: each of
 * them failed at the first of its parts without the packet's values, whose
 * prefix is what it examined.
 */
static void index_fold(const struct ctf_cls *cls, const struct verdicts *v, size_t stop,
		       uint64_t *wc)
{
	for (size_t i = 0; i < cls->n_parts; i++) {
		const struct cls_part *p = &cls->parts[i];
		const uint64_t *up = p->parent >= 0 ? v->hit[p->parent] : NULL;

		if (p->parent >= 0 && !up)
			continue;
		for (size_t w = 0; w < cls->index_words && w * 64 < stop; w++) {
			uint64_t failed = p->members[w] & (up ? up[w] : ~UINT64_C(0)) &
					  ~(v->hit[i] ? v->hit[i][w] : 0) & bits_below(stop, w);

			if (failed) {
				fold(p->rep, p->rep->stage_end[p->stage], wc);
				break;
			}
		}
	}
}

/*
 * Tries were looked up since the last call. A trie-first subtable from
 * @from on is skipped by trie_skip() when visited if, of its tries in
 * order, the first that is not passed fails; if that one is known now, the
 * outcome is known without a visit: take the subtable out of the
 * candidates (trie_fold() adds its bits).
 */
static void trie_hoist(const struct ctf_cls *cls, struct trie_ctx *ctx, struct verdicts *v,
		       size_t from)
{
	const size_t words = cls->index_words;

	for (unsigned fresh = ctx->done & ~ctx->hoisted & cls->hoist_tries; fresh; fresh &= fresh - 1) {
		const unsigned t = (unsigned)__builtin_ctz(fresh);
		/* Lengths up to the trie's width: an IPv4 trie has one word of them. */
		const unsigned plen_words = cls->prefix[t].width / 64 + 1;

		/* All that use the trie fail, but those with a length the walk matched. */
		for (size_t w = 0; w < words; w++) {
			ctx->fail[t][w] = cls->trie_needs[t * words + w];
			v->trie_skipped[t * words + w] = 0;
		}
		for (unsigned pw = 0; pw < plen_words; pw++) {
			for (uint64_t m = ctx->plens[t].w[pw]; m; m &= m - 1) {
				unsigned k = cls->set_of_plen[t * CLS_PLENS + pw * 64 +
							      (unsigned)__builtin_ctzll(m)];

				for (size_t w = 0; k && w < words; w++)
					ctx->fail[t][w] &= ~cls->plen_members[(k - 1) * words + w];
			}
		}
	}
	ctx->hoisted = ctx->done;
	for (size_t w = from / 64; w < words; w++) {
		/* Subtables whose first trie not passed is still to be found. */
		uint64_t open = v->may[w] & ~bits_below(from, w), skip = 0;

		for (unsigned tries = cls->hoist_tries; tries && open; tries &= tries - 1) {
			const unsigned t = (unsigned)__builtin_ctz(tries);
			uint64_t uses = open & cls->trie_needs[t * words + w];

			if (!(ctx->done & (1u << t))) {
				open &= ~uses;	/* unknown: a visit decides */
				continue;
			}
			skip |= uses & ctx->fail[t][w];
			v->trie_skipped[t * words + w] |= uses & ctx->fail[t][w];
			open &= ~(uses & ctx->fail[t][w]);
		}
		v->may[w] &= ~skip;
	}
}

/*
 * The bits trie_skip() would have added for the hoisted subtables before
 * @stop: on each trie, the first check bits, up to the longest length of
 * the subtables that trie ruled out (a trie's sets come longest first).
 */
static void trie_fold(const struct ctf_cls *cls, const struct trie_ctx *ctx,
		      const struct verdicts *v, size_t stop, uint8_t *wc)
{
	const size_t words = cls->index_words;
	uint64_t below[CLS_INDEX_WORDS];

	for (size_t w = 0; w < words; w++)
		below[w] = bits_below(stop, w);
	/* A trie not looked up ruled nothing out. */
	for (unsigned tries = ctx->done & cls->hoist_tries; tries; tries &= tries - 1) {
		const unsigned t = (unsigned)__builtin_ctz(tries);
		const uint64_t *skipped = &v->trie_skipped[t * words];
		uint64_t any = 0;

		for (size_t w = 0; w < words; w++)
			any |= skipped[w] & below[w];
		for (size_t k = cls->trie_sets[t]; any && k < cls->trie_sets[t + 1]; k++) {
			const unsigned plen = cls->plen_sets[k].plen;
			uint64_t in = 0;

			for (size_t w = 0; w < words; w++)
				in |= skipped[w] & below[w] & cls->plen_members[k * words + w];
			if (!in)
				continue;
			set_prefix_bits(wc + cls->tries[t].ofs,
					ctx->check_bits[t] < plen ? ctx->check_bits[t] : plen,
					cls->tries[t].len);
			break;
		}
	}
}

/* The first subtable from @i on that the index leaves in; n_subtables if none. */
static inline size_t next_candidate(const struct ctf_cls *cls, const struct verdicts *v, size_t i)
{
	while (i < cls->n_subtables && i < CLS_INDEX_WORDS * 64) {
		uint64_t w = v->may[i / 64] >> (i % 64);

		if (w)
			return i + (size_t)__builtin_ctzll(w);
		i = (i / 64 + 1) * 64;
	}
	return i < cls->n_subtables ? i : cls->n_subtables;
}

/*
 * Where a walk over every subtable, ruled out or not, would have stopped:
 * the first subtable from @from on that cannot beat @best (they are sorted).
 */
static size_t walk_stop(const struct ctf_cls *cls, size_t from, uint64_t best)
{
	size_t lo = from, hi = cls->n_subtables;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cls->sorted_best[mid] >= best)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Look for the packet in @st, past the stages the index passed it through. */
static void visit(const struct ctf_cls *cls, const struct subtable *st, const uint64_t *pkt,
		  uint64_t *wc, struct memo *memo, struct trie_ctx *tctx, uint64_t *best,
		  const struct group **win)
{
	const struct group *g;
	uint64_t h = HASH_BASIS;
	unsigned e = 0, s = st->n_indexed;

	if (s) {
		h = memo->h[st->prefix_id[s - 1]];
		e = st->stage_end[s - 1];
	}
	for (; s + 1 < st->n_stages; s++) {
		uint64_t f;

		if (st->stage_tries[s] && trie_skip(cls, st, s, (const uint8_t *)pkt, (uint8_t *)wc, tctx))
			return;
		h = stage_hash(st, s, h, &e, pkt, memo);
		f = hash_finish(h);
		if (st->is_single[s] ? f != st->single[s] : !hset_has(&st->sets[s], f)) {
			fold(st, e, wc);
			return;
		}
	}
	if (st->stage_tries[s] && trie_skip(cls, st, s, (const uint8_t *)pkt, (uint8_t *)wc, tctx))
		return;
	h = stage_hash(st, s, h, &e, pkt, memo);
	g = find_group(st, hash_finish(h), pkt);
	if (!g) {
		if (!ports_skip(cls, st, (const uint8_t *)pkt, (uint8_t *)wc))
			fold(st, st->n_entries, wc);
		return;
	}
	/*
	 * A match. Even one that loses to a rule found earlier adds the whole
	 * mask: it is what keeps covered packets out of this subtable's
	 * better rules.
	 */
	fold(st, st->n_entries, wc);
	if (g->best < *best) {
		*best = g->best;
		*win = g;
	}
}

size_t cls_lookup(const struct ctf_cls *cls, const void *pkt_, void *wc_, void **payload)
{
	const uint64_t *pkt = pkt_;
	uint64_t *wc = wc_;
	struct trie_ctx tctx;
	struct memo memo;
	struct verdicts v;
	/*
	 * The winner, and its precedence again: the loop compares with best
	 * at every candidate, and a copy in a register costs less than a load
	 * through win (cls-bench: 3-8 ns a lookup from 1,000 rules on).
	 */
	const struct group *win = NULL;
	uint64_t best = UINT64_MAX;
	size_t i, from = 0;

	tctx.done = tctx.hoisted = 0;
	memset(memo.valid, 0, ((cls->n_prefixes < MEMO_MAX ? cls->n_prefixes : MEMO_MAX) + 63) / 64 * 8);
	index_lookup(cls, pkt, &memo, &v);
	/* Only the subtables the index leaves in, best first. */
	for (i = next_candidate(cls, &v, 0); i < cls->n_subtables; i = next_candidate(cls, &v, i + 1)) {
		if (cls->sorted_best[i] >= best)
			break;	/* sorted: no later subtable can do better either */
		visit(cls, cls->subtables[i], pkt, wc, &memo, &tctx, &best, &win);
		from = i + 1;
		if (tctx.done != tctx.hoisted && cls->hoist_tries)
			trie_hoist(cls, &tctx, &v, from);
	}
	if (payload)
		*payload = win ? win->payload : NULL;
	if (wc) {
		size_t stop = walk_stop(cls, from, best);

		index_fold(cls, &v, stop, wc);
		if (cls->hoist_tries)
			trie_fold(cls, &tctx, &v, stop, (uint8_t *)wc);
	}
	return best == UINT64_MAX ? CTF_CLS_NONE : (size_t)(uint32_t)best;
}

size_t cls_find(const struct ctf_cls *cls, uint32_t priority, const void *key_,
		    const void *mask_)
{
	const size_t kw = cls->key_words;
	uint64_t *key = ctf_xmalloc(kw * sizeof(uint64_t)), *mask = ctf_xmalloc(kw * sizeof(uint64_t));
	const struct subtable *st;
	const struct group *g = NULL;
	size_t found = CTF_CLS_NONE;

	memcpy(key, key_, kw * sizeof(uint64_t));
	memcpy(mask, mask_, kw * sizeof(uint64_t));
	st = find_subtable(cls, mask, mask_hash(cls, mask));
	if (st) {
		uint64_t *ck = ctf_xmalloc((st->n_entries ? st->n_entries : 1) * sizeof(uint64_t));

		g = find_group(st, compact_key(st, key, ck), key);
		free(ck);
	}
	for (uint32_t j = 0; g && j <= g->n_more; j++) {
		size_t r = j < g->n_more ? g->more[j] : (size_t)(uint32_t)g->best;

		if (cls->prio[r] == priority) {
			found = r;
			break;
		}
	}
	free(key);
	free(mask);
	return found;
}

