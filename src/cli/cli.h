/* SPDX-License-Identifier: Apache-2.0 */
/* What the command files share: the global options and the row type of the command table. */
#ifndef CTFLOW_CLI_H
#define CTFLOW_CLI_H

#include <stdbool.h>

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

/* "ctflow: <fmt>\n" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
