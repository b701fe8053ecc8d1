// SPDX-License-Identifier: Apache-2.0
/* ctflowd's logging (stderr mode) and the upcall-line rate limiter. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "../../src/daemon/log.h"
#include "../../src/daemon/ratelimit.h"
#include "common.h"

/* Run @fn with stderr redirected to a temporary file; return what it wrote. */
static char *capture_stderr(void (*fn)(void))
{
	static char out[4096];
	FILE *tmp = tmpfile();
	int saved = dup(2);
	size_t n;

	ck_assert_ptr_nonnull(tmp);
	fflush(stderr);
	dup2(fileno(tmp), 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(out, 1, sizeof(out) - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
	return out;
}

static int errno_after;

static void warn_with_errno(void)
{
	errno = ENOENT;
	log_warn("config: open %s", "/x");
	errno_after = errno;
}

static void warnx_and_info(void)
{
	errno = EPERM;
	log_warnx("control: client %d: message too long", 3);
	log_info("ctflowd: started");
	errno_after = errno;
}

static void debug_quiet_then_verbose(void)
{
	log_setverbose(0);
	log_debug("hidden %d", 1);
	log_setverbose(1);
	log_debug("shown %d", 2);
}

START_TEST(log_warn_appends_strerror_and_keeps_errno)
{
	log_init(1, LOG_DAEMON);
	ck_assert_str_eq(capture_stderr(warn_with_errno),
			 "config: open /x: No such file or directory\n");
	ck_assert_int_eq(errno_after, ENOENT);
}
END_TEST

START_TEST(log_warnx_and_info_are_plain_lines)
{
	log_init(1, LOG_DAEMON);
	ck_assert_str_eq(capture_stderr(warnx_and_info),
			 "control: client 3: message too long\nctflowd: started\n");
	ck_assert_int_eq(errno_after, EPERM);
}
END_TEST

START_TEST(log_debug_only_when_verbose)
{
	log_init(1, LOG_DAEMON);
	ck_assert_str_eq(capture_stderr(debug_quiet_then_verbose), "shown 2\n");
}
END_TEST

START_TEST(fatalx_exits_1)
{
	log_init(1, LOG_DAEMON);
	fatalx("main: %s", "cannot continue");
}
END_TEST

START_TEST(ratelimit_passes_rate_then_summarises)
{
	struct ratelimit rl;
	uint64_t report;
	int passed = 0;

	ratelimit_init(&rl, 20);
	for (int i = 0; i < 100; i++) {
		if (ratelimit_allow(&rl, 5000 + (uint64_t)i, &report))
			passed++;
		ck_assert_uint_eq(report, 0);
	}
	ck_assert_int_eq(passed, 20);
	/* Same window: nothing to flush yet. */
	ck_assert_uint_eq(ratelimit_flush(&rl, 5999), 0);
	/* Next window: the first message learns of the 80 suppressed ones. */
	ck_assert(ratelimit_allow(&rl, 6000, &report));
	ck_assert_uint_eq(report, 80);
	ck_assert(ratelimit_allow(&rl, 6001, &report));
	ck_assert_uint_eq(report, 0);
}
END_TEST

START_TEST(ratelimit_flush_reports_a_burst_that_stopped)
{
	struct ratelimit rl;
	uint64_t report;

	ratelimit_init(&rl, 1);
	ck_assert(ratelimit_allow(&rl, 100, &report));
	ck_assert(!ratelimit_allow(&rl, 200, &report));
	ck_assert(!ratelimit_allow(&rl, 300, &report));
	ck_assert_uint_eq(ratelimit_flush(&rl, 1099), 0);
	ck_assert_uint_eq(ratelimit_flush(&rl, 1100), 2);
	ck_assert_uint_eq(ratelimit_flush(&rl, 5000), 0);	/* reported once */
	ck_assert(ratelimit_allow(&rl, 5001, &report));
	ck_assert_uint_eq(report, 0);
}
END_TEST

START_TEST(ratelimit_zero_is_unlimited_and_clock_backwards_recovers)
{
	struct ratelimit rl;
	uint64_t report;

	ratelimit_init(&rl, 0);
	for (int i = 0; i < 1000; i++)
		ck_assert(ratelimit_allow(&rl, 10, &report));
	ratelimit_init(&rl, 1);
	ck_assert(ratelimit_allow(&rl, 10000, &report));
	ck_assert(!ratelimit_allow(&rl, 10001, &report));
	ck_assert(ratelimit_allow(&rl, 50, &report));	/* clock stepped back */
	ck_assert_uint_eq(report, 1);
}
END_TEST

static Suite *log_suite(void)
{
	Suite *s = suite_create("daemon_log");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, log_warn_appends_strerror_and_keeps_errno);
	tcase_add_test(tc, log_warnx_and_info_are_plain_lines);
	tcase_add_test(tc, log_debug_only_when_verbose);
	tcase_add_exit_test(tc, fatalx_exits_1, 1);
	tcase_add_test(tc, ratelimit_passes_rate_then_summarises);
	tcase_add_test(tc, ratelimit_flush_reports_a_burst_that_stopped);
	tcase_add_test(tc, ratelimit_zero_is_unlimited_and_clock_backwards_recovers);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run_suite(log_suite());
}
