// SPDX-License-Identifier: Apache-2.0
/*
 * SIGINT and SIGTERM end the commands that watch the kernel (monitor,
 * upcall-listen, monitor-conntrack) with status 0: the handler only sets a
 * flag that their receive loops check.
 */
#include <signal.h>
#include <string.h>

#include "cli.h"

volatile sig_atomic_t cli_stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	cli_stop_requested = 1;
}

/* No SA_RESTART: the signal must interrupt poll() so that we notice it. */
void cli_catch_stop_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}
