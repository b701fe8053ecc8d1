// SPDX-License-Identifier: Apache-2.0
/*
 * ctflow: the command table, the option table, and what is made of them:
 * option parsing, the help texts and the exit status. Each command family
 * lives in its own cmd-*.c file; a row here says how many arguments it takes
 * so that the dispatcher can refuse a bad command line before any work is done.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "output.h"

const char *PROG_NAME = "ctflow";
struct cli_opts cli_opts;

static const struct cli_command commands[] = {
#include "command-table.h"
};

/*
 * The options: getopt's table is made from this one, and so are the help
 * texts. @id is getopt's value, and the letter the command table uses to say
 * which options matter to a command; @letter is the short option, if any.
 */
static const struct cli_option {
	int id;
	char letter;
	const char *name;
	const char *help;	/* at most 56 columns: --help fits 80 */
} options[] = {
	{ 'm', 'm', "more", "more detail (repeatable): masks, ufids, all fields" },
	{ 's', 's', "statistics", "print statistics (show: per-port counters)" },
	{ 'N', 0, "names", "print and accept port names" },
	{ 'n', 0, "no-names", "print port numbers" },
	{ 'j', 'j', "json", "JSON output (commands that print; see ctflow(8))" },
	{ 'x', 0, "hex", "check-flow: also print the attribute bytes" },
	{ 'c', 0, "may-create", "mod-flow: create the flow if it does not exist" },
	{ 'C', 0, "clear", "mod-flow: reset the flow's statistics" },
	{ 'E', 0, "stop-on-error", "flow files: stop at the first failing line" },
	{ 'h', 'h', "help", "this help; after a command: that command's" },
	{ 'V', 'V', "version", "print the version" },
};

#define N_OPTIONS (sizeof(options) / sizeof(options[0]))
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static struct option longopts[N_OPTIONS + 1];

static void make_longopts(void)
{
	for (size_t i = 0; i < N_OPTIONS; i++)
		longopts[i] = (struct option){ options[i].name, no_argument, NULL, options[i].id };
}

static void print_option(FILE *out, const struct cli_option *o)
{
	char s[4] = "";

	if (o->letter)
		snprintf(s, sizeof(s), "-%c,", o->letter);
	fprintf(out, "  %-3s --%-15s %s\n", s, o->name, o->help);
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s [OPTIONS] COMMAND [ARG...]\n"
		"Drive the Open vSwitch kernel datapath, its conntrack tables and ctflowd.\n\n"
		"Commands:\n", PROG_NAME);
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-17s %s\n", commands[i].name, commands[i].help);
	fprintf(out, "\nOptions (also anywhere after the command; -- ends them):\n");
	for (size_t i = 0; i < N_OPTIONS; i++)
		print_option(out, &options[i]);
	fprintf(out,
		"\n'%s help COMMAND' shows a command's usage, options and an example.\n"
		"Exit status: 0 success, 1 failure, 2 usage error. See ctflow(8), and\n"
		"ctflow-flows(7) for the flow language.\n", PROG_NAME);
}

/* "ctflow NAME [OPTIONS] ARGS", for help and the argument-count errors. */
static const char *synopsis(const struct cli_command *cmd, char *buf, size_t size)
{
	snprintf(buf, size, "%s %s%s%s%s", PROG_NAME, cmd->name,
		 cmd->options[0] ? " [OPTIONS]" : "", cmd->usage[0] ? " " : "", cmd->usage);
	return buf;
}

static void command_usage(const struct cli_command *cmd)
{
	char buf[256];

	printf("Usage: %s\n%s\n", synopsis(cmd, buf, sizeof(buf)), cmd->help);
	if (cmd->options[0]) {
		printf("Options:\n");
		for (size_t i = 0; i < N_OPTIONS; i++)
			if (strchr(cmd->options, options[i].id))
				print_option(stdout, &options[i]);
	}
	printf("Example: %s %s%s%s\n", PROG_NAME, cmd->name, cmd->example[0] ? " " : "",
	       cmd->example);
}

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
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

int cmd_help(int argc, char **argv)
{
	const struct cli_command *cmd;

	if (argc < 2) {
		usage(stdout);
		return CLI_OK;
	}
	cmd = find_command(argv[1]);
	if (!cmd) {
		cli_error("unknown command '%s'; '%s list-commands' lists them", argv[1], PROG_NAME);
		return CLI_USAGE;
	}
	command_usage(cmd);
	return CLI_OK;
}

int cmd_list_commands(int argc, char **argv)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		printf("%-16s %s\n", commands[i].name, commands[i].help);
	return CLI_OK;
}

static int run_command(const struct cli_command *cmd, int argc, char **argv)
{
	char buf[256];
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
			command_usage(cmd);
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
	/* Ignoring --json would hand a script text it cannot read: refuse it. */
	if (cli_opts.json && !strchr(cmd->options, 'j')) {
		cli_error("'%s' has no JSON output: --json is refused "
			  "(hint: '%s help %s' lists its options)", cmd->name, PROG_NAME, cmd->name);
		return CLI_USAGE;
	}
	argv[optind - 1] = argv[0];
	argv += optind - 1;
	argc -= optind - 1;
	nargs = argc - 1;
	if (nargs < cmd->min_args) {
		cli_error("'%s' command requires at least %d argument%s (usage: %s)",
			  cmd->name, cmd->min_args, cmd->min_args == 1 ? "" : "s",
			  synopsis(cmd, buf, sizeof(buf)));
		return CLI_USAGE;
	}
	if (cmd->max_args >= 0 && nargs > cmd->max_args) {
		cli_error("'%s' command takes at most %d argument%s (usage: %s)",
			  cmd->name, cmd->max_args, cmd->max_args == 1 ? "" : "s",
			  synopsis(cmd, buf, sizeof(buf)));
		return CLI_USAGE;
	}
	return cmd->handler(argc, argv);
}

/*
 * Everything printed went through stdout's buffer: a write error (a full
 * disk) may show only when it is flushed, or may have been met and
 * remembered earlier. Either way the output is incomplete: say so, exit 1.
 * A closed stdout that nothing was written to is no error.
 */
static int finish(int status)
{
	bool had_error;
	int flush_errno;

	/* What the output writer still holds, then what stdio holds. */
	cli_out_flush();
	flush_errno = cli_out_errno();
	had_error = ferror(stdout);

	errno = 0;
	if (fflush(stdout) == 0 && !had_error && (fclose(stdout) == 0 || errno == EBADF))
		return status;
	if (!errno)
		errno = flush_errno;
	if (errno)
		cli_error("write error: %s", strerror(errno));
	else
		cli_error("write error");
	return CLI_ERR;
}

static int run(int argc, char **argv)
{
	const struct cli_command *cmd;
	int c;

	make_longopts();
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
	cmd = find_command(argv[optind]);
	if (!cmd) {
		cli_error("unknown command '%s'; use --help for help", argv[optind]);
		return CLI_USAGE;
	}
	return run_command(cmd, argc - optind, argv + optind);
}

int main(int argc, char **argv)
{
	return finish(run(argc, argv));
}
