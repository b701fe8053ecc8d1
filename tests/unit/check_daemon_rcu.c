// SPDX-License-Identifier: Apache-2.0
/*
 * RCU for the handler threads (rcu.h): a deferred free waits for every
 * reader to pass a quiescent point or go offline, never longer; and under
 * real threads that read a pointer the main thread keeps replacing, nothing
 * is freed while a reader can still see it (ASan would report a use after
 * free; the readers also check a canary).
 */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../src/daemon/rcu.h"
#include "common.h"

static int freed;

static void count_free(void *arg)
{
	(void)arg;
	freed++;
}

START_TEST(grace_period_waits_for_every_reader)
{
	struct rcu *rcu = rcu_new();
	struct rcu_reader *a = rcu_reader_new(rcu), *b = rcu_reader_new(rcu);
	uint64_t g;

	freed = 0;
	/* Offline readers hold nothing: a grace period passes at once. */
	g = rcu_defer(rcu, count_free, NULL);
	ck_assert(rcu_passed(rcu, g));
	ck_assert_uint_eq(rcu_reclaim(rcu), 0);
	ck_assert_int_eq(freed, 1);

	rcu_online(a);
	rcu_online(b);
	g = rcu_defer(rcu, count_free, NULL);
	ck_assert(!rcu_passed(rcu, g));
	ck_assert_uint_eq(rcu_reclaim(rcu), 1);
	rcu_quiesce(a);
	ck_assert_uint_eq(rcu_reclaim(rcu), 1);	/* b may still hold it */
	rcu_offline(b);
	ck_assert(rcu_passed(rcu, g));
	ck_assert_uint_eq(rcu_reclaim(rcu), 0);
	ck_assert_int_eq(freed, 2);

	/* A mark with nothing to free. */
	rcu_offline(a);
	rcu_online(b);
	g = rcu_mark(rcu);
	ck_assert(!rcu_passed(rcu, g));
	rcu_quiesce(b);
	ck_assert(rcu_passed(rcu, g));

	rcu_reader_free(a);
	rcu_reader_free(b);
	g = rcu_defer(rcu, count_free, NULL);
	rcu_free(rcu);	/* runs what is pending */
	ck_assert_int_eq(freed, 3);
}
END_TEST

#define CANARY 0x5a5a5a5a5a5a5a5aULL

struct obj {
	uint64_t canary;
	uint64_t value;
};

static _Atomic(struct obj *) shared;
static _Atomic bool stop;

struct reader_arg {
	struct rcu_reader *r;
	uint64_t reads;
};

static void *reader(void *p)
{
	struct reader_arg *ra = p;

	while (!atomic_load(&stop)) {
		rcu_online(ra->r);
		for (int batch = 0; batch < 50; batch++) {
			struct obj *o = atomic_load(&shared);

			ck_assert(o->canary == CANARY);
			ra->reads += o->value;
			ck_assert(o->canary == CANARY);
			rcu_quiesce(ra->r);
		}
		rcu_offline(ra->r);
		if ((ra->reads & 7) == 0)
			usleep(10);
	}
	return NULL;
}

static void free_obj(void *p)
{
	struct obj *o = p;

	o->canary = 0;
	free(o);
}

START_TEST(readers_never_see_a_freed_object)
{
	struct rcu *rcu = rcu_new();
	struct reader_arg args[3];
	pthread_t th[3];
	struct obj *o = malloc(sizeof(*o));

	*o = (struct obj){ CANARY, 1 };
	atomic_store(&shared, o);
	atomic_store(&stop, false);
	for (int i = 0; i < 3; i++) {
		args[i] = (struct reader_arg){ rcu_reader_new(rcu), 0 };
		ck_assert_int_eq(pthread_create(&th[i], NULL, reader, &args[i]), 0);
	}
	for (int swap = 0; swap < 20000; swap++) {
		struct obj *n = malloc(sizeof(*n)), *old = atomic_load(&shared);

		*n = (struct obj){ CANARY, (uint64_t)swap };
		atomic_store(&shared, n);
		rcu_defer(rcu, free_obj, old);
		rcu_reclaim(rcu);
	}
	atomic_store(&stop, true);
	for (int i = 0; i < 3; i++) {
		pthread_join(th[i], NULL);
		rcu_reader_free(args[i].r);
	}
	ck_assert_uint_eq(rcu_reclaim(rcu), 0);	/* all readers gone: everything freed */
	free_obj(atomic_load(&shared));
	rcu_free(rcu);
}
END_TEST

static Suite *rcu_suite(void)
{
	Suite *s = suite_create("daemon_rcu");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, grace_period_waits_for_every_reader);
	tcase_add_test(tc, readers_never_see_a_freed_object);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run_suite(rcu_suite());
}
