/* SPDX-License-Identifier: Apache-2.0 */
/* What the command files share: the global options and the row type of the command table. */
#ifndef CTFLOW_CLI_H
#define CTFLOW_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

extern const char *PROG_NAME;

/* Exit statuses: 0 ok, 1 the operation failed, 2 the command line was wrong. */
enum { CLI_OK = 0, CLI_ERR = 1, CLI_USAGE = 2 };

struct cli_opts {
	int more;		/* -m, repeatable */
	bool stats;		/* -s */
	bool names;		/* --names */
	bool no_names;		/* --no-names */
	bool json;		/* --json */
	bool hex;		/* --hex (check-flow) */
	bool may_create;	/* --may-create (mod-flow) */
	bool clear;		/* --clear (mod-flow) */
	bool stop_on_error;	/* --stop-on-error (bulk files) */
};

extern struct cli_opts cli_opts;

struct cli_command {
	const char *name;
	const char *usage;	/* argument synopsis, options left out */
	int min_args, max_args;	/* max -1 = unlimited */
	int (*handler)(int argc, char **argv);	/* argv[0] is the command name */
	const char *help;	/* one line, no final period */
	const char *options;	/* the options that matter: ids in main.c's table */
	const char *example;	/* the arguments of one example */
};

struct ctf_err;

/*
 * "ctflow: <fmt>\n" on stderr, control bytes escaped (errors.c): input
 * quoted in a message never reaches the terminal raw.
 */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "cannot <what>: <msg> (hint: <hint>)"; with @file, prefixed "FILE:LINE: ". */
void cli_fail(const char *what, const struct ctf_err *err);
void cli_fail_at(const char *file, unsigned long line, const char *what, const struct ctf_err *err);
/*
 * What to print for a library call that returned @ret, @kernel being the
 * struct ctf_err it filled from the kernel's answer (may be NULL): @diag (the
 * caller's diagnosis, may be NULL) or what the errno means to every command,
 * with the kernel's extended-ACK text added; else the errno's text.
 */
void cli_err_from_nl(int ret, const struct ctf_err *kernel, const char *diag, struct ctf_err *out);
/* cli_err_from_nl() then cli_fail(). */
void cli_fail_nl(const char *what, int ret, const struct ctf_err *kernel, const char *diag);

/*
 * A datapath argument, "[system@]NAME" (dp-arg.c): NAME, or NULL with
 * @err saying why (another datapath type, empty, too long).
 */
const char *cli_dp_parse(const char *arg, struct ctf_err *err);
/* cli_dp_parse() that prints "cannot <what>: ..." when it refuses. */
const char *cli_dp_name(const char *arg, const char *what);

/*
 * The ports of a datapath, sorted by number as ovs-dpctl prints them
 * (port-list.c): 0 or a negative errno. Free list->ports.
 */
struct ctf_nlsock;
struct ctf_vport_info;
struct cli_port_list {
	struct ctf_vport_info *ports;
	size_t n, cap;
};
int cli_port_list_load(struct ctf_nlsock *sock, int dp_ifindex, struct cli_port_list *list,
		       struct ctf_err *err);

/* Set by SIGINT and SIGTERM once cli_catch_stop_signals() ran (stop-signals.c). */
extern volatile sig_atomic_t cli_stop_requested;
void cli_catch_stop_signals(void);

#endif
