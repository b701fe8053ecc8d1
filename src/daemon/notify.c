// SPDX-License-Identifier: Apache-2.0
/* The systemd notification protocol, written against its description (see notify.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "notify.h"

static struct event *watchdog_ev;

int notify_send(const char *state)
{
	const char *addr = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	socklen_t salen;
	size_t len;
	ssize_t n;
	int fd, saved;

	if (!addr || !*addr)
		return 0;
	len = strlen(addr);
	if ((addr[0] != '/' && addr[0] != '@') || len >= sizeof(sun.sun_path))
		return -EINVAL;
	memcpy(sun.sun_path, addr, len);
	if (addr[0] == '@')
		sun.sun_path[0] = '\0';	/* abstract: no NUL terminator counts */
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (addr[0] == '/'));

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	n = sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sun, salen);
	saved = errno;
	close(fd);
	if (n < 0)
		return -saved;
	return (size_t)n == strlen(state) ? 0 : -EMSGSIZE;
}

static int notify_with_status(const char *first, const char *status)
{
	char buf[512];

	if (status)
		snprintf(buf, sizeof(buf), "%sSTATUS=%s", first, status);
	else
		snprintf(buf, sizeof(buf), "%s", first);
	return notify_send(buf);
}

int notify_ready(const char *status)
{
	return notify_with_status("READY=1\n", status);
}

int notify_status(const char *status)
{
	return notify_with_status("", status);
}

int notify_reloading(void)
{
	struct timespec ts;
	char buf[128];

	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(buf, sizeof(buf), "RELOADING=1\nMONOTONIC_USEC=%" PRIu64,
		 (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u);
	return notify_send(buf);
}

int notify_stopping(void)
{
	return notify_send("STOPPING=1");
}

uint64_t notify_watchdog_usec(void)
{
	const char *usec = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
	unsigned long long v;
	char *end;

	if (!usec || !*usec)
		return 0;
	if (pid && *pid && strtol(pid, NULL, 10) != (long)getpid())
		return 0;	/* meant for another process */
	errno = 0;
	v = strtoull(usec, &end, 10);
	if (errno || *end || v == 0)
		return 0;
	return v;
}

static void watchdog_kick(evutil_socket_t fd, short what, void *arg)
{
	int ret = notify_send("WATCHDOG=1");

	if (ret)
		log_warnx("notify: watchdog: %s", strerror(-ret));
}

int notify_watchdog_start(struct event_base *base)
{
	uint64_t usec = notify_watchdog_usec() / 2;
	struct timeval tv;

	if (!usec || watchdog_ev)
		return 0;
	tv.tv_sec = (time_t)(usec / 1000000u);
	tv.tv_usec = (suseconds_t)(usec % 1000000u);
	watchdog_ev = event_new(base, -1, EV_PERSIST, watchdog_kick, NULL);
	if (!watchdog_ev || event_add(watchdog_ev, &tv))
		return -1;
	log_debug("notify: watchdog every %" PRIu64 " ms", usec / 1000u);
	return 0;
}

void notify_watchdog_stop(void)
{
	if (watchdog_ev) {
		event_free(watchdog_ev);
		watchdog_ev = NULL;
	}
}
