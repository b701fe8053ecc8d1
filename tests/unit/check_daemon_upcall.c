// SPDX-License-Identifier: Apache-2.0
/*
 * Where handler threads run (upcall_handler_cpus): off the CPUs whose
 * per-CPU upcall sockets they read, within the CPUs the daemon may use,
 * and anywhere it may when that would leave none.
 */
#include <check.h>
#include <sched.h>

#include "../../src/daemon/upcall.h"
#include "common.h"

static cpu_set_t cpus(int first, int last)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	for (int c = first; c <= last; c++)
		CPU_SET((size_t)c, &s);
	return s;
}

START_TEST(two_cpus_two_threads_cross_over)
{
	cpu_set_t allowed = cpus(0, 1), owned = cpus(0, 0), out, want = cpus(1, 1);

	ck_assert(upcall_handler_cpus(&allowed, &owned, &out));
	ck_assert(CPU_EQUAL(&out, &want));
	owned = cpus(1, 1);
	want = cpus(0, 0);
	ck_assert(upcall_handler_cpus(&allowed, &owned, &out));
	ck_assert(CPU_EQUAL(&out, &want));
}
END_TEST

START_TEST(nothing_left_means_anywhere)
{
	/* One thread reads every socket; one CPU only (a cpuset, CPUAffinity=). */
	cpu_set_t allowed = cpus(0, 3), owned = cpus(0, 3), out;

	ck_assert(!upcall_handler_cpus(&allowed, &owned, &out));
	allowed = cpus(2, 2);
	owned = cpus(2, 2);
	ck_assert(!upcall_handler_cpus(&allowed, &owned, &out));
}
END_TEST

START_TEST(only_cpus_the_daemon_may_use)
{
	/* Confined to CPUs 4-7: a thread reading CPU 0's and 5's sockets gets 4, 6, 7. */
	cpu_set_t allowed = cpus(4, 7), owned, out, want = cpus(6, 7);

	CPU_ZERO(&owned);
	CPU_SET(0, &owned);
	CPU_SET(5, &owned);
	CPU_SET(4, &want);
	ck_assert(upcall_handler_cpus(&allowed, &owned, &out));
	ck_assert(CPU_EQUAL(&out, &want));
}
END_TEST

START_TEST(many_cpus_few_threads)
{
	/* 96 CPUs, 8 threads: thread 3 reads sockets 3, 11, ..., 91 and runs on the other 84. */
	cpu_set_t allowed = cpus(0, 95), owned, out;

	CPU_ZERO(&owned);
	for (size_t i = 3; i < 96; i += 8)
		CPU_SET(i, &owned);
	ck_assert(upcall_handler_cpus(&allowed, &owned, &out));
	ck_assert_int_eq(CPU_COUNT(&out), 84);
	for (size_t i = 0; i < 96; i++)
		ck_assert_int_eq(!!CPU_ISSET(i, &out), i % 8 != 3);
}
END_TEST

static Suite *upcall_suite(void)
{
	Suite *s = suite_create("daemon_upcall");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, two_cpus_two_threads_cross_over);
	tcase_add_test(tc, nothing_left_means_anywhere);
	tcase_add_test(tc, only_cpus_the_daemon_may_use);
	tcase_add_test(tc, many_cpus_few_threads);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run_suite(upcall_suite());
}
