/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Logging in the shape of OpenBSD bgpd's log.c: stderr when running in the
 * foreground (-d), syslog (facility daemon, with the pid) otherwise.
 * Messages are lowercase "subsystem: what: detail" without a final period.
 * Every function preserves errno, so logging never changes what the caller
 * is about to report.
 */
#ifndef CTFLOWD_LOG_H
#define CTFLOWD_LOG_H

#include <stdarg.h>
#include <stdnoreturn.h>

#define LOG_PRINTF(f, a) __attribute__((format(printf, f, a)))

void log_init(int debug, int facility);
void log_procinit(const char *name);
void log_setverbose(int verbose);
int log_getverbose(void);

void logit(int pri, const char *fmt, ...) LOG_PRINTF(2, 3);
void vlog(int pri, const char *fmt, va_list ap) LOG_PRINTF(2, 0);
/* log_warn appends ": strerror(errno)"; log_warnx does not. */
void log_warn(const char *fmt, ...) LOG_PRINTF(1, 2);
void log_warnx(const char *fmt, ...) LOG_PRINTF(1, 2);
void log_info(const char *fmt, ...) LOG_PRINTF(1, 2);
/* Only when verbose (-v). */
void log_debug(const char *fmt, ...) LOG_PRINTF(1, 2);
/* Log at LOG_CRIT as "fatal in <proc>: msg[: strerror]" and exit(1). */
noreturn void fatal(const char *fmt, ...) LOG_PRINTF(1, 2);
noreturn void fatalx(const char *fmt, ...) LOG_PRINTF(1, 2);

#endif
