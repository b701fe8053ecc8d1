// SPDX-License-Identifier: Apache-2.0
/*
 * ctflow: the command table and nothing else. Each command family lives in
 * its own cmd-*.c file; a row here says how many arguments it takes so that
 * the dispatcher can refuse a bad command line before any work is done.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

const char *PROG_NAME = "ctflow";
struct cli_opts cli_opts;

static const struct cli_command commands[] = {
#include "command-table.h"
};

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", PROG_NAME);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s [OPTIONS] COMMAND [ARG...]\n"
		"Drive the Open vSwitch kernel datapath, its conntrack tables and ctflowd.\n\n"
		"Commands:\n", PROG_NAME);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-16s %-34s %s\n", commands[i].name, commands[i].usage, commands[i].help);
	fprintf(out,
		"\nOptions:\n"
		"  -m, --more          more detail (repeatable): masks, ufids, wildcarded fields\n"
		"  -s, --statistics    print statistics (show: per-port counters)\n"
		"      --names         print and accept port names\n"
		"      --no-names      print port numbers\n"
		"      --json          machine-readable output (show, dump-dps, dump-flows, get-flow,\n"
		"                      dump-conntrack; monitor and upcall-listen: one object per line)\n"
		"      --hex           check-flow: also print the attribute bytes\n"
		"      --may-create    mod-flow: create the flow if it does not exist\n"
		"      --clear         mod-flow: reset the flow's statistics\n"
		"      --stop-on-error bulk files: stop at the first failing line\n"
		"  -h, --help          this help\n"
		"  -V, --version       print the version\n\n"
		"Exit status: 0 success, 1 failure, 2 usage error. See ctflow(8).\n");
}

static const struct option longopts[] = {
	{ "more", no_argument, NULL, 'm' },
	{ "statistics", no_argument, NULL, 's' },
	{ "names", no_argument, NULL, 'N' },
	{ "no-names", no_argument, NULL, 'n' },
	{ "json", no_argument, NULL, 'j' },
	{ "hex", no_argument, NULL, 'x' },
	{ "may-create", no_argument, NULL, 'c' },
	{ "clear", no_argument, NULL, 'C' },
	{ "stop-on-error", no_argument, NULL, 'E' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Record one global option; false if @c is not one (help/version/errors). */
static bool set_option(int c)
{
	switch (c) {
	case 'm': cli_opts.more++; return true;
	case 's': cli_opts.stats = true; return true;
	case 'N': cli_opts.names = true; cli_opts.no_names = false; return true;
	case 'n': cli_opts.no_names = true; cli_opts.names = false; return true;
	case 'j': cli_opts.json = true; return true;
	case 'x': cli_opts.hex = true; return true;
	case 'c': cli_opts.may_create = true; return true;
	case 'C': cli_opts.clear = true; return true;
	case 'E': cli_opts.stop_on_error = true; return true;
	default: return false;
	}
}

/* getopt's own messages would name the command, not us: opterr is 0. */
static void bad_option(char **argv)
{
	const char *arg = argv[optind - 1];

	if (strncmp(arg, "--", 2) && optopt > ' ' && optopt < 127)
		cli_error("unknown option '-%c'", optopt);
	else
		cli_error("bad option '%s'", arg);
}

static const struct cli_command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int run_command(const struct cli_command *cmd, int argc, char **argv)
{
	int c, nargs;

	/*
	 * Options may also come anywhere after the command name, GNU style;
	 * "--" ends them, for an argument that starts with '-'. optind = 0,
	 * not 1, makes glibc's getopt start afresh: with 1 it would keep the
	 * stop-at-the-first-argument mode of main()'s "+" option string.
	 * getopt permutes the options to the front; afterwards argv[optind..]
	 * are the command's arguments, and argv[optind - 1] becomes its argv[0].
	 */
	optind = 0;
	while ((c = getopt_long(argc, argv, "msjhV", longopts, NULL)) != -1) {
		if (set_option(c))
			continue;
		if (c == 'h') {
			printf("Usage: %s %s %s\n  %s\n", PROG_NAME, cmd->name, cmd->usage, cmd->help);
			return CLI_OK;
		}
		if (c == 'V') {
			printf("%s %s\n", PROG_NAME, PACKAGE_VERSION);
			return CLI_OK;
		}
		bad_option(argv);
		fprintf(stderr, "Try '%s %s --help'; put -- before an argument that starts with '-'.\n",
			PROG_NAME, cmd->name);
		return CLI_USAGE;
	}
	argv[optind - 1] = argv[0];
	argv += optind - 1;
	argc -= optind - 1;
	nargs = argc - 1;
	if (nargs < cmd->min_args) {
		cli_error("'%s' command requires at least %d argument%s (usage: %s %s %s)",
			  cmd->name, cmd->min_args, cmd->min_args == 1 ? "" : "s",
			  PROG_NAME, cmd->name, cmd->usage);
		return CLI_USAGE;
	}
	if (cmd->max_args >= 0 && nargs > cmd->max_args) {
		cli_error("'%s' command takes at most %d argument%s (usage: %s %s %s)",
			  cmd->name, cmd->max_args, cmd->max_args == 1 ? "" : "s",
			  PROG_NAME, cmd->name, cmd->usage);
		return CLI_USAGE;
	}
	return cmd->handler(argc, argv);
}

int main(int argc, char **argv)
{
	const struct cli_command *cmd;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+msjhV", longopts, NULL)) != -1) {
		if (set_option(c))
			continue;
		switch (c) {
		case 'h':
			usage(stdout);
			return CLI_OK;
		case 'V':
			printf("%s %s\n", PROG_NAME, PACKAGE_VERSION);
			return CLI_OK;
		default:
			bad_option(argv);
			fprintf(stderr, "Try '%s --help' for more information.\n", PROG_NAME);
			return CLI_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (!strcmp(argv[optind], "help")) {
		usage(stdout);
		return CLI_OK;
	}
	cmd = find_command(argv[optind]);
	if (!cmd) {
		cli_error("unknown command '%s'; use --help for help", argv[optind]);
		return CLI_USAGE;
	}
	return run_command(cmd, argc - optind, argv + optind);
}
