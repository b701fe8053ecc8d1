/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sd_notify(3) without libsystemd: one datagram of "KEY=VALUE\n" lines to the
 * AF_UNIX socket named by $NOTIFY_SOCKET (a path, or "@name" for the abstract
 * namespace). Without $NOTIFY_SOCKET (not under systemd) every call is a
 * no-op that succeeds. The watchdog, when $WATCHDOG_USEC is set (and
 * $WATCHDOG_PID, if set, is ours), is fed from a libevent timer at half the
 * interval, as sd_watchdog_enabled(3) recommends.
 */
#ifndef CTFLOWD_NOTIFY_H
#define CTFLOWD_NOTIFY_H

#include <stdint.h>

struct event_base;

/* Send @state ("READY=1\nSTATUS=..."). Returns 0, or -errno. */
int notify_send(const char *state);
int notify_ready(const char *status);
int notify_status(const char *status);
/* RELOADING=1 with MONOTONIC_USEC (systemd >= 253 wants it for Type=notify-reload). */
int notify_reloading(void);
int notify_stopping(void);

/* Watchdog interval in microseconds from the environment, 0 if disabled. */
uint64_t notify_watchdog_usec(void);
/* Start the WATCHDOG=1 timer if enabled. Returns 0 (also when disabled) or -1. */
int notify_watchdog_start(struct event_base *base);
void notify_watchdog_stop(void);

#endif
