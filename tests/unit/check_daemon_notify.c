// SPDX-License-Identifier: Apache-2.0
/* sd_notify against a real AF_UNIX datagram listener, by path and abstract name. */
#include <check.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/event.h>

#include "../../src/daemon/log.h"
#include "../../src/daemon/notify.h"
#include "common.h"

static char dir[64], path[128];
static int listener;

static void listen_on(const char *name, bool abstract)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(name));

	listener = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(listener, 0);
	strcpy(sun.sun_path, name);
	if (abstract)
		sun.sun_path[0] = '\0';
	else
		len++;
	ck_assert_int_eq(bind(listener, (struct sockaddr *)&sun, len), 0);
	setenv("NOTIFY_SOCKET", name, 1);
}

static void setup(void)
{
	log_init(1, 0);
	log_setverbose(0);
	strcpy(dir, "/tmp/ctfnotify.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/notify", dir);
	listener = -1;
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
}

static void teardown(void)
{
	if (listener >= 0)
		close(listener);
	unlink(path);
	rmdir(dir);
	unsetenv("NOTIFY_SOCKET");
}

/* The next datagram, or "" after @timeout_ms. */
static const char *next_datagram(int timeout_ms)
{
	static char buf[1024];
	struct pollfd pfd = { .fd = listener, .events = POLLIN };
	ssize_t n;

	buf[0] = '\0';
	if (poll(&pfd, 1, timeout_ms) != 1)
		return buf;
	n = recv(listener, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

START_TEST(ready_status_stopping_by_path)
{
	listen_on(path, false);
	ck_assert_int_eq(notify_ready("1 rules, per-cpu upcalls"), 0);
	ck_assert_str_eq(next_datagram(1000), "READY=1\nSTATUS=1 rules, per-cpu upcalls");
	ck_assert_int_eq(notify_status("reloading"), 0);
	ck_assert_str_eq(next_datagram(1000), "STATUS=reloading");
	ck_assert_int_eq(notify_stopping(), 0);
	ck_assert_str_eq(next_datagram(1000), "STOPPING=1");
}
END_TEST

START_TEST(reloading_carries_monotonic_usec)
{
	const char *msg;
	unsigned long long usec;

	listen_on(path, false);
	ck_assert_int_eq(notify_reloading(), 0);
	msg = next_datagram(1000);
	ck_assert_int_eq(sscanf(msg, "RELOADING=1\nMONOTONIC_USEC=%llu", &usec), 1);
	ck_assert_uint_gt(usec, 0);
}
END_TEST

START_TEST(abstract_socket)
{
	char name[64];

	snprintf(name, sizeof(name), "@ctflow-notify-test-%d", (int)getpid());
	listen_on(name, true);
	ck_assert_int_eq(notify_ready(NULL), 0);
	ck_assert_str_eq(next_datagram(1000), "READY=1\n");
}
END_TEST

START_TEST(no_socket_is_a_quiet_noop_and_bad_address_refused)
{
	unsetenv("NOTIFY_SOCKET");
	ck_assert_int_eq(notify_ready(NULL), 0);
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	ck_assert_int_lt(notify_ready(NULL), 0);
	setenv("NOTIFY_SOCKET", "/nonexistent/ctflow/notify", 1);
	ck_assert_int_lt(notify_ready(NULL), 0);
}
END_TEST

static void stop_loop(evutil_socket_t fd, short what, void *arg)
{
	event_base_loopbreak(arg);
}

START_TEST(watchdog_fires_at_half_the_interval)
{
	struct event_base *base = event_base_new();
	struct timeval stop = { 0, 330000 };
	struct event *ev = evtimer_new(base, stop_loop, base);
	char pid[16];
	int kicks = 0;

	listen_on(path, false);
	setenv("WATCHDOG_USEC", "200000", 1);	/* 200 ms: kick every 100 ms */
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	ck_assert_uint_eq(notify_watchdog_usec(), 200000);
	ck_assert_int_eq(notify_watchdog_start(base), 0);
	evtimer_add(ev, &stop);
	event_base_dispatch(base);
	while (!strcmp(next_datagram(0), "WATCHDOG=1"))
		kicks++;
	ck_assert_int_ge(kicks, 2);
	ck_assert_int_le(kicks, 4);
	notify_watchdog_stop();
	event_free(ev);
	event_base_free(base);

	setenv("WATCHDOG_PID", "1", 1);	/* someone else's watchdog */
	ck_assert_uint_eq(notify_watchdog_usec(), 0);
}
END_TEST

static Suite *notify_suite(void)
{
	Suite *s = suite_create("daemon_notify");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, ready_status_stopping_by_path);
	tcase_add_test(tc, reloading_carries_monotonic_usec);
	tcase_add_test(tc, abstract_socket);
	tcase_add_test(tc, no_socket_is_a_quiet_noop_and_bad_address_refused);
	tcase_add_test(tc, watchdog_fires_at_half_the_interval);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run_suite(notify_suite());
}
