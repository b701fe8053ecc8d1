// SPDX-License-Identifier: Apache-2.0
/*
 * The classifier and its megaflow masks. The central property: for any
 * packet P and the mask W its lookup returns, every packet Q that agrees with
 * P on W is classified exactly like P. Checked by brute force on random rules
 * and packets over a small key layout whose values collide often.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/daemon/rules.h"

/* A toy key: recirc_id, in_port, eth_type, ct_state, nw_dst, tp_dst. */
enum { F_RECIRC, F_PORT, F_ETH, F_CT, F_DST, F_TP, N_F };
static const struct ctf_cls_field layout[N_F] = {
	[F_RECIRC] = { 0, 4 }, [F_PORT] = { 4, 4 }, [F_ETH] = { 8, 2 },
	[F_CT] = { 10, 1 }, [F_DST] = { 11, 4 }, [F_TP] = { 15, 2 },
};
#define KEY_SIZE 17

static uint64_t rng_state;

static uint32_t rnd(void)
{
	/* xorshift64*: deterministic, so a failure reproduces. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

/* Values from a tiny domain so that random rules and packets often meet. */
static void random_field(uint8_t *key, int f)
{
	for (int i = 0; i < layout[f].len; i++)
		key[layout[f].ofs + i] = (uint8_t)(i == layout[f].len - 1 ? rnd() % 3 : 0);
	if (f == F_CT)
		key[layout[f].ofs] = (uint8_t)(rnd() & 0x2b);	/* a few ct_state bits */
}

static void random_packet(uint8_t *key)
{
	for (int f = 0; f < N_F; f++)
		random_field(key, f);
}

static void random_rule(uint8_t *key, uint8_t *mask)
{
	memset(key, 0, KEY_SIZE);
	memset(mask, 0, KEY_SIZE);
	for (int f = 0; f < N_F; f++) {
		if (rnd() % 3)
			continue;
		random_field(key, f);
		for (int i = 0; i < layout[f].len; i++)
			mask[layout[f].ofs + i] = 0xff;
		if (f == F_CT)	/* ct_state is matched bit by bit */
			mask[layout[f].ofs] = (uint8_t)(rnd() & 0x2b);
	}
}

static void check_property(bool with_layout)
{
	struct ctf_cls cls;

	rng_state = with_layout ? 0x9e3779b97f4a7c15ULL : 0x1234567ULL;
	for (int round = 0; round < 200; round++) {
		int n_rules = 1 + (int)(rnd() % 12);
		uint8_t key[KEY_SIZE], mask[KEY_SIZE];

		ctf_cls_init(&cls, KEY_SIZE, with_layout ? layout : NULL, with_layout ? N_F : 0);
		for (int r = 0; r < n_rules; r++) {
			random_rule(key, mask);
			ctf_cls_insert(&cls, rnd() % 4, key, mask, NULL);
		}
		for (int p = 0; p < 50; p++) {
			uint8_t pkt[KEY_SIZE], wc[KEY_SIZE] = { 0 };
			struct ctf_cls_rule *want;

			random_packet(pkt);
			want = ctf_cls_lookup(&cls, pkt, wc);
			for (int q = 0; q < 100; q++) {
				uint8_t other[KEY_SIZE];

				random_packet(other);
				for (int i = 0; i < KEY_SIZE; i++)
					other[i] = (uint8_t)((pkt[i] & wc[i]) | (other[i] & ~wc[i]));
				ck_assert_msg(ctf_cls_lookup(&cls, other, NULL) == want,
					      "round %d packet %d: covered packet got another decision",
					      round, p);
			}
		}
		ctf_cls_destroy(&cls);
	}
}

START_TEST(megaflow_covers_only_same_decision_with_layout)
{
	check_property(true);
}
END_TEST

START_TEST(megaflow_covers_only_same_decision_without_layout)
{
	check_property(false);
}
END_TEST

/* The reverse check: the brute-force property would pass for an all-ones mask. */
static bool field_is_zero(const uint8_t *wc, int f)
{
	for (int i = 0; i < layout[f].len; i++)
		if (wc[layout[f].ofs + i])
			return false;
	return true;
}

static void set_field(uint8_t *key, uint8_t *mask, int f, uint32_t v)
{
	for (int i = layout[f].len - 1; i >= 0; i--, v >>= 8) {
		key[layout[f].ofs + i] = (uint8_t)v;
		mask[layout[f].ofs + i] = 0xff;
	}
}

START_TEST(policy_without_ports_gives_mask_without_ports)
{
	struct ctf_cls cls;
	uint8_t key[KEY_SIZE], mask[KEY_SIZE];

	rng_state = 42;
	ctf_cls_init(&cls, KEY_SIZE, layout, N_F);
	/* A ct firewall shape: recirc/eth_type/ct_state only. */
	for (int r = 0; r < 6; r++) {
		memset(key, 0, sizeof(key));
		memset(mask, 0, sizeof(mask));
		set_field(key, mask, F_RECIRC, (uint32_t)r % 2);
		set_field(key, mask, F_ETH, 2);
		key[layout[F_CT].ofs] = (uint8_t)(r & 0x2b);
		mask[layout[F_CT].ofs] = 0x2b;
		ctf_cls_insert(&cls, (uint32_t)r, key, mask, NULL);
	}
	for (int p = 0; p < 2000; p++) {
		uint8_t pkt[KEY_SIZE], wc[KEY_SIZE] = { 0 };

		random_packet(pkt);
		ctf_cls_lookup(&cls, pkt, wc);
		ck_assert(field_is_zero(wc, F_PORT));
		ck_assert(field_is_zero(wc, F_DST));
		ck_assert(field_is_zero(wc, F_TP));
	}
	ctf_cls_destroy(&cls);
}
END_TEST

START_TEST(failed_rule_contributes_one_distinguishing_field)
{
	struct ctf_cls cls;
	uint8_t key[KEY_SIZE] = { 0 }, mask[KEY_SIZE] = { 0 };
	uint8_t pkt[KEY_SIZE] = { 0 }, wc[KEY_SIZE] = { 0 };
	struct ctf_cls_rule *hi, *lo, *got;

	ctf_cls_init(&cls, KEY_SIZE, layout, N_F);
	/* 30: recirc_id(1),in_port(1),ct_state(+trk)   10: recirc_id(0) */
	set_field(key, mask, F_RECIRC, 1);
	set_field(key, mask, F_PORT, 1);
	key[layout[F_CT].ofs] = 0x20;
	mask[layout[F_CT].ofs] = 0x20;
	hi = ctf_cls_insert(&cls, 30, key, mask, NULL);
	memset(key, 0, sizeof(key));
	memset(mask, 0, sizeof(mask));
	set_field(key, mask, F_RECIRC, 0);
	lo = ctf_cls_insert(&cls, 10, key, mask, NULL);

	pkt[layout[F_PORT].ofs + 3] = 1;	/* recirc_id 0, in_port 1 */
	got = ctf_cls_lookup(&cls, pkt, wc);
	ck_assert_ptr_eq(got, lo);
	/* Rule 30 failed on recirc_id alone: in_port and ct_state stay wild. */
	ck_assert(!field_is_zero(wc, F_RECIRC));
	ck_assert(field_is_zero(wc, F_PORT));
	ck_assert(field_is_zero(wc, F_CT));

	pkt[layout[F_RECIRC].ofs + 3] = 1;
	pkt[layout[F_CT].ofs] = 0x20;
	memset(wc, 0, sizeof(wc));
	ck_assert_ptr_eq(ctf_cls_lookup(&cls, pkt, wc), hi);
	ck_assert_uint_eq(wc[layout[F_CT].ofs], 0x20);	/* only the bit examined */
	ctf_cls_destroy(&cls);
}
END_TEST

START_TEST(priority_order_and_ties)
{
	struct ctf_cls cls;
	uint8_t key[KEY_SIZE] = { 0 }, mask[KEY_SIZE] = { 0 }, pkt[KEY_SIZE] = { 0 };
	int a, b, c;
	struct ctf_cls_rule *ra, *rb, *rc;

	ctf_cls_init(&cls, KEY_SIZE, layout, N_F);
	ra = ctf_cls_insert(&cls, 5, key, mask, &a);	/* match-all, low */
	rb = ctf_cls_insert(&cls, 20, key, mask, &b);
	rc = ctf_cls_insert(&cls, 20, key, mask, &c);	/* same priority, later */
	ck_assert_ptr_eq(ctf_cls_lookup(&cls, pkt, NULL), rb);
	ck_assert_ptr_eq(ctf_cls_find_exact(&cls, 5, key, mask), ra);
	ctf_cls_remove(&cls, rb);
	ck_assert_ptr_eq(ctf_cls_lookup(&cls, pkt, NULL), rc);
	ctf_cls_remove(&cls, rc);
	ck_assert_ptr_eq(ctf_cls_lookup(&cls, pkt, NULL), ra);
	ck_assert_ptr_eq(ra->data, &a);
	ctf_cls_remove(&cls, ra);
	ck_assert_ptr_null(ctf_cls_lookup(&cls, pkt, NULL));
	ck_assert_uint_eq(cls.n_rules, 0);
	ctf_cls_destroy(&cls);
}
END_TEST

static Suite *rules_suite(void)
{
	Suite *s = suite_create("daemon_rules");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, megaflow_covers_only_same_decision_with_layout);
	tcase_add_test(tc, megaflow_covers_only_same_decision_without_layout);
	tcase_add_test(tc, policy_without_ports_gives_mask_without_ports);
	tcase_add_test(tc, failed_rule_contributes_one_distinguishing_field);
	tcase_add_test(tc, priority_order_and_ties);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(rules_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
