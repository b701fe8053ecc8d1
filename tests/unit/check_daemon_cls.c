// SPDX-License-Identifier: Apache-2.0
/*
 * The classifier (cls.h) and its prefix trie (trie.h), on a small key layout
 * whose values collide often. The central property, checked against brute
 * force (every rule in precedence order): for a packet P the classifier
 * picks the rule brute force picks, and every packet Q that agrees with P
 * on the megaflow mask W gets that same rule from brute force. Then the
 * mask quality the design promises: prefixes and ports unwildcarded only
 * as far as they decide, stages that stop early, and priority pruning.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "../../src/daemon/cls.h"
#include "../../src/daemon/trie.h"
#include "common.h"

/*
 * The toy key, 32 bytes:
 *   0  recirc_id (4)   4 in_port (4)          stage 0
 *   8  ct_state (1)    9..15 unused           stage 1
 *  16  nw_src (4)     20 nw_dst (4)           stage 2 (prefix-tracked)
 *  24  tp_src (2)     26 tp_dst (2)           stage 3 (ports)
 *  28  nw_proto (1)   29..31 unused           stage 2
 */
#define KEY_SIZE 32
enum { RECIRC = 0, PORT = 4, CT = 8, SRC = 16, DST = 20, TP = 24, PROTO = 28 };
static uint8_t byte_stage[KEY_SIZE];
static const struct ctf_cls_field tries[] = { { SRC, 4 }, { DST, 4 } };
static const struct ctf_cls_field ports[] = { { TP, 4 } };
static struct ctf_cls_layout layout = {
	.key_size = KEY_SIZE, .n_stages = 4, .byte_stage = byte_stage,
	.tries = tries, .n_tries = 2, .ports = ports, .n_ports = 1,
	/* As ctflowd: the stages before the ports, minus those with prefix fields. */
	.n_indexed_stages = 3,
};

static void init_layout(void)
{
	for (int i = 0; i < KEY_SIZE; i++)
		byte_stage[i] = i < 8 ? 0 : i < 16 ? 1 : i < 24 ? 2 : i < 28 ? 3 : 2;
}

struct key {
	uint64_t w[KEY_SIZE / 8];	/* 8-aligned, as the classifier wants */
};

static uint8_t *B(struct key *k)
{
	return (uint8_t *)k->w;
}

static void put32(struct key *k, int ofs, uint32_t v)
{
	for (int i = 3; i >= 0; i--, v >>= 8)
		B(k)[ofs + i] = (uint8_t)v;
}

static void put16(struct key *k, int ofs, uint16_t v)
{
	B(k)[ofs] = (uint8_t)(v >> 8);
	B(k)[ofs + 1] = (uint8_t)v;
}

/* ---- brute force ------------------------------------------------------------ */

struct rule {
	uint32_t prio;
	struct key key, mask;
};

static bool rule_matches(const struct rule *r, const struct key *p)
{
	for (int i = 0; i < KEY_SIZE / 8; i++)
		if ((p->w[i] & r->mask.w[i]) != (r->key.w[i] & r->mask.w[i]))
			return false;
	return true;
}

static size_t brute(const struct rule *rules, size_t n, const struct key *p)
{
	size_t best = CTF_CLS_NONE;

	for (size_t i = 0; i < n; i++)
		if (rule_matches(&rules[i], p) && (best == CTF_CLS_NONE || rules[i].prio > rules[best].prio))
			best = i;
	return best;
}

/* ---- random rules and packets over small domains ---------------------------- */


static const uint32_t addrs[] = { 0x0a000000, 0x0a000080, 0x0a010000, 0xc0a80005, 0x0a0000ff,
				  0x0b000000 };
#define N_ADDRS (sizeof(addrs) / sizeof(addrs[0]))
static const uint16_t tps[] = { 22, 80, 443, 8000, 8063, 53 };
#define N_TPS (sizeof(tps) / sizeof(tps[0]))

static uint32_t plen_mask(unsigned plen)
{
	return plen ? ~UINT32_C(0) << (32 - plen) : 0;
}

static uint32_t random_addr(void)
{
	uint32_t a = addrs[rnd() % N_ADDRS];

	/* Mostly near the rule addresses, so prefixes of every length both hit and miss. */
	if (rnd() % 2)
		a ^= (uint32_t)1 << (rnd() % 32);
	return a;
}

static void random_packet(struct key *p)
{
	memset(p, 0, sizeof(*p));
	put32(p, RECIRC, rnd() % 3);
	put32(p, PORT, 1 + rnd() % 3);
	B(p)[CT] = (uint8_t)(rnd() & 0x2b);
	put32(p, SRC, random_addr());
	put32(p, DST, random_addr());
	put16(p, TP, (uint16_t)(rnd() % 4 ? tps[rnd() % N_TPS] : rnd()));
	put16(p, TP + 2, (uint16_t)(rnd() % 4 ? tps[rnd() % N_TPS] : rnd()));
	B(p)[PROTO] = (uint8_t)(rnd() % 2 ? 6 : 17);
}

static void random_rule(struct rule *r)
{
	memset(r, 0, sizeof(*r));
	r->prio = rnd() % 6;
	if (rnd() % 3) {
		put32(&r->key, RECIRC, rnd() % 3);
		put32(&r->mask, RECIRC, UINT32_MAX);
	}
	if (rnd() % 3 == 0) {
		put32(&r->key, PORT, 1 + rnd() % 3);
		put32(&r->mask, PORT, UINT32_MAX);
	}
	if (rnd() % 2) {
		B(&r->mask)[CT] = (uint8_t)(rnd() & 0x2b);
		B(&r->key)[CT] = (uint8_t)(rnd() & 0x2b);
	}
	for (int f = SRC; f <= DST; f += 4) {
		unsigned kind = rnd() % 4;

		if (kind == 0)
			continue;
		if (kind == 3) {
			/* Not a prefix: the trie must leave such a subtable alone. */
			put32(&r->mask, f, 0xff00ff00u);
			put32(&r->key, f, random_addr());
		} else {
			unsigned plen = (unsigned)(rnd() % 33);

			put32(&r->mask, f, plen_mask(plen));
			put32(&r->key, f, addrs[rnd() % N_ADDRS]);
		}
	}
	if (rnd() % 2) {
		static const uint16_t tp_masks[] = { 0xffff, 0xffff, 0xffc0, 0xff00, 0x00ff };
		uint16_t m = tp_masks[rnd() % 5];

		put16(&r->mask, TP + 2, m);
		put16(&r->key, TP + 2, tps[rnd() % N_TPS]);
		if (rnd() % 3 == 0) {
			put16(&r->mask, TP, 0xffff);
			put16(&r->key, TP, tps[rnd() % N_TPS]);
		}
		B(&r->mask)[PROTO] = 0xff;
		B(&r->key)[PROTO] = (uint8_t)(rnd() % 2 ? 6 : 17);
	}
}

/* Q := (P & W) | (R & ~W), R random: a packet the megaflow covers. */
static void covered(const struct key *p, const struct key *wc, struct key *q)
{
	struct key r;

	random_packet(&r);
	if (rnd() % 2) {
		/* Or: P with a few bits flipped outside W. */
		r = *p;
		for (int i = 0; i < 4; i++)
			B(&r)[rnd() % KEY_SIZE] ^= (uint8_t)(1u << (rnd() % 8));
	}
	for (int i = 0; i < KEY_SIZE / 8; i++)
		q->w[i] = (p->w[i] & wc->w[i]) | (r.w[i] & ~wc->w[i]);
}

static struct ctf_cls *build(const struct rule *rules, size_t n)
{
	struct ctf_cls *cls = cls_new(&layout);

	for (size_t i = 0; i < n; i++) {
		size_t dup;

		/* The payload is the rule: the property test checks it comes back. */
		ck_assert_int_eq(cls_add(cls, rules[i].prio, &rules[i].key, &rules[i].mask,
					 (void *)&rules[i], &dup), 0);
	}
	cls_freeze(cls);
	return cls;
}

/* Random rules whose (priority, mask, masked key) never repeat. */
static size_t random_policy(struct rule *rules, size_t want)
{
	size_t n = 0;

	for (size_t tries_left = want * 4; n < want && tries_left; tries_left--) {
		bool dup = false;

		random_rule(&rules[n]);
		for (size_t j = 0; j < n && !dup; j++) {
			struct key a = rules[n].key, b = rules[j].key;

			for (int i = 0; i < KEY_SIZE / 8; i++) {
				a.w[i] &= rules[n].mask.w[i];
				b.w[i] &= rules[j].mask.w[i];
			}
			dup = rules[j].prio == rules[n].prio &&
			      !memcmp(&rules[j].mask, &rules[n].mask, sizeof(struct key)) &&
			      !memcmp(&a, &b, sizeof(a));
		}
		if (!dup)
			n++;
	}
	return n;
}

static unsigned long env_count(const char *name, unsigned long dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 10) : dflt;
}

/*
 * The property, on random policies of 1 to 300 rules. CTFLOW_PROPERTY_PACKETS
 * (default 100000) packets in all; set it higher for a long run by hand.
 */
START_TEST(decisions_and_megaflows_agree_with_brute_force)
{
	unsigned long total = env_count("CTFLOW_PROPERTY_PACKETS", 100000), done = 0;
	struct rule *rules = calloc(300, sizeof(*rules));
	unsigned round = 0;

	rng_state = 0x9e3779b97f4a7c15ULL;
	while (done < total) {
		size_t n = random_policy(rules, round % 4 == 0 ? 300 : 1 + rnd() % 40);
		struct ctf_cls *cls = build(rules, n);

		for (int p = 0; p < 500 && done < total; p++, done++) {
			struct key pkt, wc, q;
			size_t got, want;
			void *payload;

			random_packet(&pkt);
			memset(&wc, 0, sizeof(wc));
			got = cls_lookup(cls, &pkt, &wc, &payload);
			want = brute(rules, n, &pkt);
			ck_assert_msg(got == want, "round %u packet %d: got rule %zu, brute force %zu",
				      round, p, got, want);
			ck_assert_ptr_eq(payload, want == CTF_CLS_NONE ? NULL : (void *)&rules[want]);
			ck_assert(cls_lookup(cls, &pkt, NULL, NULL) == got);
			for (int i = 0; i < 3; i++) {
				covered(&pkt, &wc, &q);
				ck_assert_msg(brute(rules, n, &q) == want,
					      "round %u packet %d: a covered packet gets another rule",
					      round, p);
			}
		}
		cls_free(cls);
		round++;
	}
	free(rules);
}
END_TEST

/*
 * The index over the first stages changes neither decisions nor masks: the
 * same policies without it (every subtable probed in turn) give the same
 * rule and the same megaflow mask for every packet.
 */
START_TEST(the_index_gives_the_masks_of_a_walk)
{
	struct ctf_cls_layout walk = layout;
	struct rule *rules = calloc(300, sizeof(*rules));
	size_t indexed_parts = 0;

	walk.n_indexed_stages = 0;
	rng_state = 0x2545f4914f6cdd1dULL;
	for (unsigned round = 0; round < 40; round++) {
		size_t n = random_policy(rules, round % 4 == 0 ? 300 : 1 + rnd() % 60);
		struct ctf_cls *a = build(rules, n), *b = cls_new(&walk);
		struct ctf_cls_stats st;

		for (size_t i = 0; i < n; i++)
			ck_assert_int_eq(cls_add(b, rules[i].prio, &rules[i].key, &rules[i].mask, NULL,
						 NULL), 0);
		cls_freeze(b);
		cls_stats(a, &st);
		indexed_parts += st.index_parts;
		cls_stats(b, &st);
		ck_assert_uint_eq(st.index_parts, 0);
		for (int p = 0; p < 1000; p++) {
			struct key pkt, wa, wb;

			random_packet(&pkt);
			memset(&wa, 0, sizeof(wa));
			memset(&wb, 0, sizeof(wb));
			ck_assert_uint_eq(cls_lookup(a, &pkt, &wa, NULL), cls_lookup(b, &pkt, &wb, NULL));
			ck_assert_msg(!memcmp(&wa, &wb, sizeof(wa)), "round %u packet %d: masks differ",
				      round, p);
		}
		cls_free(a);
		cls_free(b);
	}
	ck_assert_uint_gt(indexed_parts, 40);
	free(rules);
}
END_TEST

/* ---- mask quality ---------------------------------------------------------- */

static struct rule mk(uint32_t prio)
{
	struct rule r;

	memset(&r, 0, sizeof(r));
	r.prio = prio;
	return r;
}

static void set32(struct rule *r, int ofs, uint32_t v, uint32_t m)
{
	put32(&r->key, ofs, v);
	put32(&r->mask, ofs, m);
}

static uint32_t get32(const struct key *k, int ofs)
{
	const uint8_t *b = (const uint8_t *)k->w + ofs;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/*
 * Rule sets large enough for the filters in front of the big tables, and
 * for strides in the address tries: thousands of rules in three masks over
 * blocks of consecutive subnets. Decisions and covered packets agree with
 * brute force, and the masks with those of a walk without the index.
 */
static void big_rule(struct rule *r, unsigned j)
{
	static const uint32_t dsts[] = { 0xc0a80001, 0xc0a80002, 0xac100005, 0x0b000001 };

	*r = mk(1 + j % 7);
	put32(&r->key, RECIRC, 1);
	put32(&r->mask, RECIRC, UINT32_MAX);
	B(&r->key)[PROTO] = 6;
	B(&r->mask)[PROTO] = 0xff;
	switch (j % 3) {
	case 0:	/* a /24 of a block of them, one service */
		set32(r, SRC, 0x0a000000 | (j / 3 % 1024) << 8, plen_mask(24));
		put16(&r->key, TP + 2, (uint16_t)(1000 + j / 3 / 1024));
		put16(&r->mask, TP + 2, 0xffff);
		break;
	case 1:	/* a /20 to one host, a range of 16 ports */
		set32(r, SRC, 0x0a000000 | (j / 3 % 256) << 12, plen_mask(20));
		set32(r, DST, dsts[j / 3 / 256 % 4], UINT32_MAX);
		put16(&r->key, TP + 2, (uint16_t)(2000 + 16 * (j / 3 / 1024)));
		put16(&r->mask, TP + 2, 0xfff0);
		break;
	default:	/* a /24 destination */
		set32(r, DST, 0xc0000000 | (j / 3) << 8, plen_mask(24));
		break;
	}
}

static void big_packet(const struct rule *rules, size_t n, struct key *p)
{
	const struct rule *r = &rules[rnd() % n];

	random_packet(p);
	put32(p, RECIRC, 1);
	/* A rule's values where it looks, anything elsewhere; then one bit off, at times. */
	for (int i = 0; i < KEY_SIZE / 8; i++)
		p->w[i] = (r->key.w[i] & r->mask.w[i]) | (p->w[i] & ~r->mask.w[i]);
	if (rnd() % 2)
		B(p)[SRC + rnd() % 14] ^= (uint8_t)(1u << (rnd() % 8));
}

START_TEST(big_tables_behind_filters_agree_with_brute_force)
{
	const size_t n = 6000;
	struct ctf_cls_layout walk = layout;
	struct rule *rules = calloc(n, sizeof(*rules));
	struct ctf_cls *a, *b;
	struct ctf_cls_stats st;

	for (unsigned j = 0; j < n; j++)
		big_rule(&rules[j], j);
	a = build(rules, n);
	walk.n_indexed_stages = 0;
	b = cls_new(&walk);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(cls_add(b, rules[i].prio, &rules[i].key, &rules[i].mask, NULL, NULL),
				 0);
	cls_freeze(b);
	cls_stats(a, &st);
	ck_assert_uint_ge(st.filters, 3);
	ck_assert_uint_gt(st.trie_strides, 0);
	rng_state = 0x51ed270b27a1d5ULL;
	for (int p = 0; p < 3000; p++) {
		struct key pkt, wa, wb, q;
		size_t want;

		big_packet(rules, n, &pkt);
		memset(&wa, 0, sizeof(wa));
		memset(&wb, 0, sizeof(wb));
		want = brute(rules, n, &pkt);
		ck_assert_uint_eq(cls_lookup(a, &pkt, &wa, NULL), want);
		ck_assert_uint_eq(cls_lookup(b, &pkt, &wb, NULL), want);
		ck_assert_msg(!memcmp(&wa, &wb, sizeof(wa)), "packet %d: masks differ", p);
		for (int i = 0; i < 2; i++) {
			covered(&pkt, &wa, &q);
			ck_assert_msg(brute(rules, n, &q) == want,
				      "packet %d: a covered packet gets another rule", p);
		}
	}
	cls_free(a);
	cls_free(b);
	free(rules);
}
END_TEST

START_TEST(a_host_rule_on_top_unwildcards_only_the_deciding_bits)
{
	/* 100: drop 10.1.0.0/16 ... 10: allow everything at recirc 1. */
	struct rule rules[2] = { mk(100), mk(10) };
	struct key pkt, wc;
	struct ctf_cls *cls;

	set32(&rules[0], RECIRC, 1, UINT32_MAX);
	set32(&rules[0], SRC, 0x0a010000, 0xffff0000);
	set32(&rules[1], RECIRC, 1, UINT32_MAX);
	cls = build(rules, 2);

	memset(&pkt, 0, sizeof(pkt));
	put32(&pkt, RECIRC, 1);
	put32(&pkt, SRC, 0xc0a80005);	/* 192.168.0.5: differs in the first bit */
	memset(&wc, 0, sizeof(wc));
	ck_assert_uint_eq(cls_lookup(cls, &pkt, &wc, NULL), 1);
	ck_assert_uint_eq(get32(&wc, SRC), 0x80000000);

	put32(&pkt, SRC, 0x0a020304);	/* 10.2.3.4: differs in bit 14 */
	memset(&wc, 0, sizeof(wc));
	ck_assert_uint_eq(cls_lookup(cls, &pkt, &wc, NULL), 1);
	ck_assert_uint_eq(get32(&wc, SRC), 0xfffe0000);
	cls_free(cls);
}
END_TEST

START_TEST(port_lists_unwildcard_port_prefixes)
{
	/* Allow tcp dst 64..79 (as 64/0xfff0) and 443; the rest falls through. */
	struct rule rules[3] = { mk(50), mk(50), mk(1) };
	struct key pkt, wc;
	struct ctf_cls *cls;

	for (int i = 0; i < 2; i++) {
		B(&rules[i].key)[PROTO] = 6;
		B(&rules[i].mask)[PROTO] = 0xff;
	}
	put16(&rules[0].key, TP + 2, 64);
	put16(&rules[0].mask, TP + 2, 0xfff0);
	put16(&rules[1].key, TP + 2, 443);
	put16(&rules[1].mask, TP + 2, 0xffff);
	cls = build(rules, 3);

	memset(&pkt, 0, sizeof(pkt));
	B(&pkt)[PROTO] = 6;
	put16(&pkt, TP, 40000);
	put16(&pkt, TP + 2, 70);
	memset(&wc, 0, sizeof(wc));
	ck_assert_uint_eq(cls_lookup(cls, &pkt, &wc, NULL), 0);
	ck_assert_uint_eq(get32(&wc, TP), 0x0000fff0);	/* the source port stays wild */

	put16(&pkt, TP + 2, 8080);	/* 0x1f90: differs from 64 and 443 early */
	memset(&wc, 0, sizeof(wc));
	ck_assert_uint_eq(cls_lookup(cls, &pkt, &wc, NULL), 2);
	ck_assert_uint_eq(get32(&wc, TP) & 0xffff0000, 0);
	ck_assert_uint_lt(__builtin_popcount(get32(&wc, TP)), 8);
	cls_free(cls);
}
END_TEST

START_TEST(a_failing_early_stage_adds_only_its_stages)
{
	/* A rule of table 1 over addresses and ports, a packet of table 0. */
	struct rule rules[2] = { mk(100), mk(10) };
	struct key pkt, wc;
	struct ctf_cls *cls;

	set32(&rules[0], RECIRC, 1, UINT32_MAX);
	B(&rules[0].key)[CT] = 0x21;
	B(&rules[0].mask)[CT] = 0x21;
	set32(&rules[0], DST, 0x0a000000, 0xffffff00);
	put16(&rules[0].key, TP + 2, 80);
	put16(&rules[0].mask, TP + 2, 0xffff);
	set32(&rules[1], RECIRC, 0, UINT32_MAX);
	cls = build(rules, 2);

	memset(&pkt, 0, sizeof(pkt));
	put32(&pkt, DST, 0x0a000001);
	put16(&pkt, TP + 2, 80);
	memset(&wc, 0, sizeof(wc));
	ck_assert_uint_eq(cls_lookup(cls, &pkt, &wc, NULL), 1);
	ck_assert_uint_eq(get32(&wc, RECIRC), UINT32_MAX);
	ck_assert_uint_eq(B(&wc)[CT], 0);
	ck_assert_uint_eq(get32(&wc, DST), 0);
	ck_assert_uint_eq(get32(&wc, TP), 0);
	cls_free(cls);
}
END_TEST

START_TEST(lower_priority_subtables_are_not_visited)
{
	/* The winner has the highest priority: the port rule below it adds nothing. */
	struct rule rules[2] = { mk(10), mk(200) };
	struct key pkt, wc;
	struct ctf_cls *cls;

	put16(&rules[0].key, TP + 2, 80);
	put16(&rules[0].mask, TP + 2, 0xffff);
	set32(&rules[1], RECIRC, 0, UINT32_MAX);
	cls = build(rules, 2);
	memset(&pkt, 0, sizeof(pkt));
	memset(&wc, 0, sizeof(wc));
	ck_assert_uint_eq(cls_lookup(cls, &pkt, &wc, NULL), 1);
	ck_assert_uint_eq(get32(&wc, TP), 0);
	cls_free(cls);
}
END_TEST

START_TEST(ties_duplicates_and_find)
{
	struct rule rules[4] = { mk(5), mk(20), mk(20), mk(20) };
	struct ctf_cls *cls = cls_new(&layout);
	struct key pkt;
	size_t dup = 0;
	char p0[] = "0", p1[] = "1", p2[] = "2", p30[] = "30";	/* payloads */
	void *payload;

	set32(&rules[2], SRC, 0x0a000000, 0xff000000);	/* same priority, other mask */
	set32(&rules[3], SRC, 0x0a000000, 0xff000000);
	put32(&rules[3].key, SRC, 0x0affffff);	/* same masked key as rule 2 */
	ck_assert_int_eq(cls_add(cls, rules[0].prio, &rules[0].key, &rules[0].mask, p0, &dup), 0);
	ck_assert_int_eq(cls_add(cls, rules[1].prio, &rules[1].key, &rules[1].mask, p1, &dup), 0);
	ck_assert_int_eq(cls_add(cls, rules[2].prio, &rules[2].key, &rules[2].mask, p2, &dup), 0);
	ck_assert_int_eq(cls_add(cls, rules[3].prio, &rules[3].key, &rules[3].mask, NULL, &dup),
			 -EEXIST);
	ck_assert_uint_eq(dup, 2);
	/* The same match at another priority is another rule; it leads rule 2's group. */
	ck_assert_int_eq(cls_add(cls, 30, &rules[3].key, &rules[3].mask, p30, &dup), 0);
	cls_freeze(cls);
	ck_assert_uint_eq(cls_count(cls), 4);

	memset(&pkt, 0, sizeof(pkt));
	ck_assert_uint_eq(cls_lookup(cls, &pkt, NULL, &payload), 1);	/* 20, first added */
	ck_assert_ptr_eq(payload, p1);
	put32(&pkt, SRC, 0x0a000001);
	ck_assert_uint_eq(cls_lookup(cls, &pkt, NULL, &payload), 3);	/* 30 */
	ck_assert_ptr_eq(payload, p30);
	ck_assert_uint_eq(cls_find(cls, 5, &rules[0].key, &rules[0].mask), 0);
	ck_assert_uint_eq(cls_find(cls, 20, &rules[3].key, &rules[3].mask), 2);
	ck_assert_uint_eq(cls_find(cls, 30, &rules[2].key, &rules[2].mask), 3);
	ck_assert_uint_eq(cls_find(cls, 6, &rules[0].key, &rules[0].mask), CTF_CLS_NONE);
	cls_free(cls);

	cls = build(NULL, 0);
	payload = p0;
	ck_assert_uint_eq(cls_lookup(cls, &pkt, NULL, &payload), CTF_CLS_NONE);
	ck_assert_ptr_null(payload);
	cls_free(cls);
}
END_TEST

/* ---- the trie alone ------------------------------------------------------- */

static unsigned trie_lookup32(const struct trie *t, uint32_t v, struct trie_plens *pl)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	return trie_lookup(t, b, pl);
}

static void trie_insert32(struct trie *t, uint32_t v, unsigned plen)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	trie_insert(t, b, plen);
}

START_TEST(trie_matched_lengths_and_check_bits)
{
	struct trie t;
	struct trie_plens pl;

	trie_init(&t, 32);
	ck_assert_uint_eq(trie_lookup32(&t, 0x0a000001, &pl), 0);
	trie_insert32(&t, 0x0a000000, 8);
	trie_insert32(&t, 0x0a010000, 16);
	trie_insert32(&t, 0x0a010200, 24);
	trie_insert32(&t, 0xc0a80000, 16);

	ck_assert_uint_eq(trie_lookup32(&t, 0x0a010203, &pl), 24);
	ck_assert(trie_plens_has(&pl, 8) && trie_plens_has(&pl, 16) &&
		  trie_plens_has(&pl, 24) && !trie_plens_has(&pl, 32));
	/* 10.1.3.0: leaves the /24 at its last bit (bit 23). */
	ck_assert_uint_eq(trie_lookup32(&t, 0x0a010300, &pl), 24);
	ck_assert(trie_plens_has(&pl, 16) && !trie_plens_has(&pl, 24));
	/* 11.0.0.0: parts from 10/8 at bit 7, nothing matched. */
	ck_assert_uint_eq(trie_lookup32(&t, 0x0b000000, &pl), 8);
	ck_assert(!trie_plens_has(&pl, 8));
	/* 128.0.0.0: the first bit tells it from 10/8, not from 192.168/16. */
	ck_assert_uint_eq(trie_lookup32(&t, 0x80000000, &pl), 2);
	ck_assert(!trie_plens_has(&pl, 16));

	/* Check bits are what they say: every value that agrees on them gets the same lengths. */
	rng_state = 7;
	for (int i = 0; i < 20000; i++) {
		uint32_t v = (rnd() % 2 ? 0x0a010200 : 0xc0a80000) ^ (rnd() % 2 ? 1u << (rnd() % 32) : 0);
		uint32_t w = v ^ (rnd() & ~plen_mask(0));
		struct trie_plens pw;
		unsigned bits = trie_lookup32(&t, v, &pl);

		w = (v & plen_mask(bits)) | (w & ~plen_mask(bits));
		trie_lookup32(&t, w, &pw);
		for (unsigned len = 0; len <= bits; len++)
			ck_assert_int_eq(trie_plens_has(&pl, len), trie_plens_has(&pw, len));
	}
	trie_destroy(&t);
}
END_TEST

/* Packing moves nodes, not answers; a packed trie takes more prefixes. */
START_TEST(trie_pack_keeps_every_answer)
{
	struct trie packed, plain;
	uint32_t *probe = calloc(5000, sizeof(*probe));

	trie_init(&packed, 32);
	trie_init(&plain, 32);
	rng_state = 11;
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 2000; i++) {
			uint32_t v = rnd();
			unsigned plen = 1 + rnd() % 32;

			trie_insert32(&packed, v, plen);
			trie_insert32(&plain, v, plen);
		}
		trie_pack(&packed);
		ck_assert_uint_eq(packed.n_nodes, plain.n_nodes);
		for (int i = 0; i < 5000; i++) {
			struct trie_plens a, b;

			probe[i] = rnd();
			ck_assert_uint_eq(trie_lookup32(&packed, probe[i], &a),
					  trie_lookup32(&plain, probe[i], &b));
			ck_assert(!memcmp(&a, &b, sizeof(a)));
		}
	}
	trie_destroy(&packed);
	trie_destroy(&plain);
	free(probe);
}
END_TEST

/*
 * Strides: blocks of consecutive subnets (every /24 of a /16, every /20 of
 * another, a /28 under one of those /24s, a /25 pair that hides its /24)
 * are walked several bits at a time once packed, with the answers of a
 * bit-by-bit walk of the same trie unpacked.
 */
START_TEST(trie_strides_answer_as_bit_by_bit)
{
	struct trie packed, plain;

	trie_init(&packed, 32);
	trie_init(&plain, 32);
	for (int pass = 0; pass < 2; pass++) {
		struct trie *t = pass ? &plain : &packed;

		for (uint32_t i = 0; i < 256; i++)
			trie_insert32(t, 0x0a010000 | i << 8, 24);
		for (uint32_t i = 0; i < 16; i++)
			trie_insert32(t, 0x0a020000 | i << 12, 20);
		trie_insert32(t, 0x0a0105f0, 28);
		trie_insert32(t, 0x0a030000, 25);
		trie_insert32(t, 0x0a030080, 25);
		trie_insert32(t, 0x0a000000, 8);
	}
	trie_pack(&packed);
	ck_assert_uint_gt(packed.n_strides, 2);
	ck_assert_uint_gt(packed.start_bits, 0);
	ck_assert_uint_eq(plain.n_strides, 0);
	{
		/* Packing again changes nothing (and leaks nothing). */
		const size_t strides = packed.n_strides;

		trie_pack(&packed);
		ck_assert_uint_eq(packed.n_strides, strides);
	}
	rng_state = 5;
	for (int i = 0; i < 50000; i++) {
		/* Inside the blocks, or one bit away from them. */
		uint32_t v = (0x0a000000 | (1 + rnd() % 3) << 16 | (rnd() & 0xffff)) ^
			     (rnd() % 4 ? 0 : 1u << (rnd() % 32));
		struct trie_plens a, b;

		ck_assert_uint_eq(trie_lookup32(&packed, v, &a), trie_lookup32(&plain, v, &b));
		ck_assert(!memcmp(&a, &b, sizeof(a)));
	}
	/* A prefix inserted after the pack ends every stride until the next one. */
	trie_insert32(&packed, 0x0a018000, 17);
	ck_assert_uint_eq(packed.n_strides, 0);
	ck_assert_ptr_null(packed.start);
	trie_insert32(&plain, 0x0a018000, 17);
	for (int i = 0; i < 5000; i++) {
		uint32_t v = 0x0a010000 | (rnd() & 0xffff);
		struct trie_plens a, b;

		ck_assert_uint_eq(trie_lookup32(&packed, v, &a), trie_lookup32(&plain, v, &b));
		ck_assert(!memcmp(&a, &b, sizeof(a)));
	}
	trie_destroy(&packed);
	trie_destroy(&plain);
}
END_TEST

START_TEST(trie_128_bits)
{
	struct trie t;
	struct trie_plens pl;
	uint8_t a[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 1 }, b[16];

	trie_init(&t, 128);
	trie_insert(&t, a, 64);
	a[15] = 5;
	trie_insert(&t, a, 128);
	memcpy(b, a, 16);
	ck_assert_uint_eq(trie_lookup(&t, b, &pl), 128);
	ck_assert(trie_plens_has(&pl, 64) && trie_plens_has(&pl, 128));
	b[15] = 4;	/* differs in the last bit */
	ck_assert_uint_eq(trie_lookup(&t, b, &pl), 128);
	ck_assert(trie_plens_has(&pl, 64) && !trie_plens_has(&pl, 128));
	b[0] = 0xfc;
	ck_assert_uint_eq(trie_lookup(&t, b, &pl), 8);
	ck_assert(!trie_plens_has(&pl, 64));
	trie_destroy(&t);

	/*
	 * A block that crosses the middle of the value: all sixteen /66s of
	 * fd00::/62, walked by a stride from bit 62 to bit 66 once packed.
	 */
	{
		struct trie plain;

		trie_init(&t, 128);
		trie_init(&plain, 128);
		for (unsigned i = 0; i < 16; i++) {
			memset(a, 0, sizeof(a));
			a[0] = 0xfd;
			a[7] = (uint8_t)(i >> 2);
			a[8] = (uint8_t)((i & 3) << 6);
			trie_insert(&t, a, 66);
			trie_insert(&plain, a, 66);
		}
		/* And enough others around for a start table over the first bits. */
		rng_state = 9;
		for (int i = 0; i < 100; i++) {
			unsigned plen = 8 + rnd() % 100;

			memset(a, 0, sizeof(a));
			a[0] = 0xfd;
			for (int j = 1; j < 16; j++)
				a[j] = (uint8_t)(j < 8 && rnd() % 2 ? 0 : rnd());
			trie_insert(&t, a, plen);
			trie_insert(&plain, a, plen);
		}
		trie_pack(&t);
		ck_assert_uint_gt(t.n_strides, 0);
		ck_assert_uint_gt(t.start_bits, 0);
		for (int i = 0; i < 5000; i++) {
			struct trie_plens pa, pb;

			memset(b, 0, sizeof(b));
			b[0] = 0xfd;
			b[7] = (uint8_t)(rnd() % 8);
			b[8] = (uint8_t)rnd();
			b[rnd() % 16] ^= (uint8_t)(rnd() % 3 ? 0 : 1u << (rnd() % 8));
			ck_assert_uint_eq(trie_lookup(&t, b, &pa), trie_lookup(&plain, b, &pb));
			ck_assert(!memcmp(&pa, &pb, sizeof(pa)));
		}
		trie_destroy(&plain);
		trie_destroy(&t);
	}
}
END_TEST

static Suite *cls_suite(void)
{
	Suite *s = suite_create("daemon_cls");
	TCase *tc = tcase_create("core");

	init_layout();
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, decisions_and_megaflows_agree_with_brute_force);
	tcase_add_test(tc, the_index_gives_the_masks_of_a_walk);
	tcase_add_test(tc, big_tables_behind_filters_agree_with_brute_force);
	tcase_add_test(tc, a_host_rule_on_top_unwildcards_only_the_deciding_bits);
	tcase_add_test(tc, port_lists_unwildcard_port_prefixes);
	tcase_add_test(tc, a_failing_early_stage_adds_only_its_stages);
	tcase_add_test(tc, lower_priority_subtables_are_not_visited);
	tcase_add_test(tc, ties_duplicates_and_find);
	tcase_add_test(tc, trie_matched_lengths_and_check_bits);
	tcase_add_test(tc, trie_pack_keeps_every_answer);
	tcase_add_test(tc, trie_strides_answer_as_bit_by_bit);
	tcase_add_test(tc, trie_128_bits);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run_suite(cls_suite());
}
