// SPDX-License-Identifier: Apache-2.0
/*
 * The revalidator's steps: its pacing (a change during a pass waits for it,
 * slices, the time a pass works) and the flow dump read a buffer at a time,
 * against the kernel's generic-netlink controller (its family dump).
 */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "../../src/daemon/revalidate-dump.h"
#include "../../src/daemon/revalidate-pace.h"
#include "common.h"

/* A kick arms the next pass unless one runs; then that pass is followed at once. */
START_TEST(kick_during_a_pass_waits_for_it)
{
	struct rv_pace p;

	memset(&p, 0, sizeof(p));
	ck_assert(pace_kick(&p));
	pace_begin(&p);
	ck_assert(!pace_kick(&p));
	ck_assert(!pace_kick(&p));	/* any number of them: one pass after */
	ck_assert_uint_eq(pace_end(&p, 500), PACE_KICK_MS);
	ck_assert(!p.running);
	/* That pass takes every change: no further one unless kicked again. */
	pace_begin(&p);
	ck_assert_uint_eq(pace_end(&p, 500), 500);
	ck_assert(pace_kick(&p));
	/* A kick before a pass begins is the pass itself: begin forgets it. */
	pace_begin(&p);
	ck_assert_uint_eq(pace_end(&p, 500), 500);
	/* An interval shorter than the kick delay is not lengthened. */
	pace_begin(&p);
	pace_kick(&p);
	ck_assert_uint_eq(pace_end(&p, 5), 5);
}
END_TEST

/* Steps end after a slice; the pass's cost is the sum of its steps, not its span. */
START_TEST(slices_and_working_time)
{
	struct rv_pace p;

	memset(&p, 0, sizeof(p));
	pace_begin(&p);
	pace_step_begin(&p, 1000);
	ck_assert(!pace_step_over(&p, 1000));
	ck_assert(!pace_step_over(&p, 1000 + PACE_SLICE_MS - 1));
	ck_assert(pace_step_over(&p, 1000 + PACE_SLICE_MS));
	pace_step_end(&p, 1000 + PACE_SLICE_MS);
	/* The loop served other events for 5 s between the steps. */
	pace_step_begin(&p, 6000);
	pace_step_end(&p, 6007);
	ck_assert_uint_eq(p.busy_ms, PACE_SLICE_MS + 7);
	/* A clock that did not move (or stepped back) adds nothing. */
	pace_step_begin(&p, 7000);
	pace_step_end(&p, 6999);
	ck_assert_uint_eq(p.busy_ms, PACE_SLICE_MS + 7);
	pace_end(&p, 500);
	pace_begin(&p);
	ck_assert_uint_eq(p.busy_ms, 0);
}
END_TEST

/* ---- the dump in steps, on nlctrl's family dump ------------------------- */

struct seen {
	unsigned n;
	bool saw_nlctrl;
};

static int attr_cb(const struct nlattr *attr, void *data)
{
	struct seen *s = data;

	if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_NAME &&
	    !strcmp(mnl_attr_get_str(attr), "nlctrl"))
		s->saw_nlctrl = true;
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct seen *s = arg;

	s->n++;
	mnl_attr_parse(nlh, GENL_HDRLEN, attr_cb, s);
	return MNL_CB_OK;
}

static struct nlmsghdr *families_req(char *buf, uint16_t type)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	nlh->nlmsg_type = type;
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	return nlh;
}

/* Step until the end; returns the last result and how many steps it took. */
static int run_dump(struct flowdump *dump, struct seen *s, unsigned *steps)
{
	int ret;

	*steps = 0;
	do {
		ret = flowdump_step(dump, family_cb, s);
		(*steps)++;
	} while ((ret > 0 || ret == -EAGAIN) && *steps < 100000);
	return ret;
}

START_TEST(dump_in_steps)
{
	char buf[256];
	struct flowdump *dump = flowdump_new();
	struct seen a = { 0 }, b = { 0 }, c = { 0 };
	unsigned steps;

	ck_assert_int_eq(flowdump_step(dump, family_cb, &a), -EBADF);	/* none started */
	ck_assert_int_eq(flowdump_start(dump, families_req(buf, GENL_ID_CTRL)), 0);
	ck_assert_int_eq(run_dump(dump, &a, &steps), 0);
	ck_assert_uint_gt(a.n, 0);
	ck_assert(a.saw_nlctrl);
	ck_assert_int_eq(flowdump_step(dump, family_cb, &a), -EBADF);	/* over */

	/* Again on the same socket, abandoned after one step, then afresh. */
	ck_assert_int_eq(flowdump_start(dump, families_req(buf, GENL_ID_CTRL)), 0);
	flowdump_step(dump, family_cb, &b);
	ck_assert_int_eq(flowdump_start(dump, families_req(buf, GENL_ID_CTRL)), 0);
	memset(&b, 0, sizeof(b));
	ck_assert_int_eq(run_dump(dump, &b, &steps), 0);
	ck_assert_uint_eq(b.n, a.n);	/* nothing left over from the abandoned one */
	flowdump_abort(dump);
	ck_assert_int_eq(flowdump_step(dump, family_cb, &b), -EBADF);

	/* The kernel's error ends the dump: no such family id. */
	ck_assert_int_eq(flowdump_start(dump, families_req(buf, 0x7ff0)), 0);
	ck_assert_int_eq(run_dump(dump, &c, &steps), -ENOENT);
	ck_assert_uint_eq(c.n, 0);
	/* And the next dump works. */
	ck_assert_int_eq(flowdump_start(dump, families_req(buf, GENL_ID_CTRL)), 0);
	ck_assert_int_eq(run_dump(dump, &c, &steps), 0);
	ck_assert_uint_eq(c.n, a.n);
	flowdump_free(dump);
}
END_TEST

static int refuse_cb(const struct nlmsghdr *nlh, void *arg)
{
	(*(unsigned *)arg)++;
	return -ECANCELED;
}

/* A callback that fails stops the dump with its error, after its first message. */
START_TEST(dump_callback_failure)
{
	char buf[256];
	struct flowdump *dump = flowdump_new();
	unsigned calls = 0;
	int ret;

	ck_assert_int_eq(flowdump_start(dump, families_req(buf, GENL_ID_CTRL)), 0);
	do
		ret = flowdump_step(dump, refuse_cb, &calls);
	while (ret == -EAGAIN);
	ck_assert_int_eq(ret, -ECANCELED);
	ck_assert_uint_eq(calls, 1);
	ck_assert_int_eq(flowdump_step(dump, refuse_cb, &calls), -EBADF);
	flowdump_free(dump);
}
END_TEST

static Suite *revalidate_suite(void)
{
	Suite *s = suite_create("daemon_revalidate");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, kick_during_a_pass_waits_for_it);
	tcase_add_test(tc, slices_and_working_time);
	tcase_add_test(tc, dump_in_steps);
	tcase_add_test(tc, dump_callback_failure);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run_suite(revalidate_suite());
}
