// SPDX-License-Identifier: Apache-2.0
/* Foreground-or-syslog logging for ctflowd (see log.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

static int log_debug_mode = 1;	/* stderr until log_init says otherwise */
static int log_verbose;
static const char *log_procname = "ctflowd";

void log_init(int debug, int facility)
{
	log_debug_mode = debug;
	log_verbose = debug;
	if (!debug)
		openlog("ctflowd", LOG_PID | LOG_NDELAY, facility);
	tzset();	/* syslog needs the zone before any chroot/sandbox */
}

void log_procinit(const char *name)
{
	if (name)
		log_procname = name;
}

void log_setverbose(int verbose)
{
	log_verbose = verbose;
}

int log_getverbose(void)
{
	return log_verbose;
}

void vlog(int pri, const char *fmt, va_list ap)
{
	int saved_errno = errno;

	if (log_debug_mode) {
		/* One write per line keeps lines whole when stderr is shared. */
		char line[2048];
		int n = vsnprintf(line, sizeof(line) - 1, fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized): the caller did va_start()

		if (n < 0)
			n = 0;
		if ((size_t)n > sizeof(line) - 2)
			n = sizeof(line) - 2;
		line[n] = '\n';
		fwrite(line, 1, (size_t)n + 1, stderr);
		fflush(stderr);
	} else {
		vsyslog(pri, fmt, ap);
	}
	errno = saved_errno;
}

void logit(int pri, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(pri, fmt, ap);
	va_end(ap);
}

/* Format into a buffer, then append the saved errno's text (if @with_errno). */
LOG_PRINTF(5, 0)
static void vlog_errno(int pri, int with_errno, int err, const char *prefix,
		       const char *fmt, va_list ap)
{
	char msg[1536];

	if (fmt)
		vsnprintf(msg, sizeof(msg), fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized): the caller did va_start()
	else
		msg[0] = '\0';
	if (with_errno && fmt)
		logit(pri, "%s%s: %s", prefix, msg, strerror(err));
	else if (with_errno)
		logit(pri, "%s%s", prefix, strerror(err));
	else
		logit(pri, "%s%s", prefix, msg);
}

void log_warn(const char *fmt, ...)
{
	int saved_errno = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog_errno(LOG_ERR, 1, saved_errno, "", fmt, ap);
	va_end(ap);
	errno = saved_errno;
}

void log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

LOG_PRINTF(2, 0)
static noreturn void vfatal(int with_errno, const char *fmt, va_list ap)
{
	int saved_errno = errno;
	char prefix[64];

	snprintf(prefix, sizeof(prefix), "fatal in %s: ", log_procname);
	vlog_errno(LOG_CRIT, with_errno, saved_errno, prefix, fmt, ap);
	exit(1);
}

void fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfatal(1, fmt, ap);
	// cppcheck-suppress va_end_missing ; vfatal() does not return (exits)
}

void fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfatal(0, fmt, ap);
	// cppcheck-suppress va_end_missing ; vfatal() does not return (exits)
}
