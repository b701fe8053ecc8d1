// SPDX-License-Identifier: Apache-2.0
/* The UFID table: insert/find/remove against a reference, growth, iteration with removal. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/daemon/flowtab.h"
#include "../../src/daemon/revalidate.h"
#include "common.h"

static struct ctf_ufid ufid_of(unsigned i)
{
	struct ctf_ufid u;

	memset(&u, 0, sizeof(u));
	/* Collide on purpose in the low bytes for some: probes must still work. */
	u.b[0] = (uint8_t)(i % 7);
	memcpy(u.b + 8, &i, sizeof(i));
	return u;
}

START_TEST(insert_find_remove_grow)
{
	enum { N = 5000 };
	static bool present[N];
	struct flowtab t;
	unsigned seed = 1;

	flowtab_init(&t);
	memset(present, 0, sizeof(present));
	for (int step = 0; step < 40000; step++) {
		unsigned i;
		struct ctf_ufid u;
		struct flowtab_entry *e;

		seed = seed * 1103515245u + 12345u;
		i = (seed >> 8) % N;
		u = ufid_of(i);
		e = flowtab_find(&t, &u);
		ck_assert_int_eq(e != NULL, present[i]);
		if ((seed >> 4) & 1) {
			e = flowtab_insert(&t, &u);
			e->rule_id = i;
			present[i] = true;
		} else if (e) {
			flowtab_remove(&t, e);
			present[i] = false;
		}
	}
	size_t count = 0;
	for (unsigned i = 0; i < N; i++) {
		struct ctf_ufid u = ufid_of(i);
		struct flowtab_entry *e = flowtab_find(&t, &u);

		ck_assert_int_eq(e != NULL, present[i]);
		if (e) {
			ck_assert_uint_eq(e->rule_id, i);
			count++;
		}
	}
	ck_assert_uint_eq(flowtab_count(&t), count);

	/* Iterate and remove every entry. */
	size_t seen = 0;
	for (struct flowtab_entry *e = flowtab_next(&t, NULL); e; e = flowtab_next(&t, e)) {
		flowtab_remove(&t, e);
		seen++;
	}
	ck_assert_uint_eq(seen, count);
	ck_assert_uint_eq(flowtab_count(&t), 0);
	ck_assert_ptr_null(flowtab_next(&t, NULL));
	flowtab_destroy(&t);
}
END_TEST

START_TEST(insert_existing_returns_same_entry)
{
	struct flowtab t;
	struct ctf_ufid u = ufid_of(42);
	struct flowtab_entry *a, *b;

	flowtab_init(&t);
	a = flowtab_insert(&t, &u);
	a->rule_id = 7;
	b = flowtab_insert(&t, &u);
	ck_assert_ptr_eq(a, b);
	ck_assert_uint_eq(b->rule_id, 7);
	ck_assert_uint_eq(flowtab_count(&t), 1);
	flowtab_destroy(&t);
}
END_TEST

/* The flow limit follows the revalidation pass's length (revalidate.c). */
START_TEST(flow_limit_follows_pass_time)
{
	/* Quick passes over few flows: the configured limit stays. */
	ck_assert_uint_eq(revalidate_next_limit(200000, 200000, 500, 1000), 200000);
	/* A 20 s pass: divided by 20; a 1.5 s pass: a quarter off. */
	ck_assert_uint_eq(revalidate_next_limit(200000, 200000, 20000, 150000), 10000);
	ck_assert_uint_eq(revalidate_next_limit(100000, 200000, 1500, 50000), 75000);
	/* Quick again with the flows near the limit: 1,000 back at a time ... */
	ck_assert_uint_eq(revalidate_next_limit(10000, 200000, 500, 9000), 11000);
	/* ... but not while there are few flows, nor above flow-limit. */
	ck_assert_uint_eq(revalidate_next_limit(10000, 200000, 500, 1500), 10000);
	ck_assert_uint_eq(revalidate_next_limit(199500, 200000, 10, 199000), 200000);
	/* Never under 1,000, unless flow-limit itself is. */
	ck_assert_uint_eq(revalidate_next_limit(1500, 200000, 60000, 1500), 1000);
	ck_assert_uint_eq(revalidate_next_limit(500, 500, 60000, 0), 500);
}
END_TEST

static Suite *flowtab_suite(void)
{
	Suite *s = suite_create("daemon_flowtab");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, insert_find_remove_grow);
	tcase_add_test(tc, insert_existing_returns_same_entry);
	tcase_add_test(tc, flow_limit_follows_pass_time);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run_suite(flowtab_suite());
}
