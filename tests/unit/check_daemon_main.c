// SPDX-License-Identifier: Apache-2.0
/*
 * The ctflowd binary end to end, without a datapath (CTFLOWD_NO_DATAPATH=1,
 * this machine has no openvswitch module): -n on good and bad files, the
 * control socket through the real `ctflow` CLI, SIGHUP with a bad file
 * keeping the old rules, refusing a second daemon, and an orderly SIGTERM.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

static char dir[64], conf[128], sock[128], log_path[128], ctflowd[512], ctflow[512];

static const char good[] =
	"datapath ctfw\nport c0\nport s0\n"
	"rule 10 recirc_id(0),in_port(c0),eth_type(0x0806) s0\n"
	"rule 20 recirc_id(0),eth_type(0x0800),ct_state(-trk) ct(zone=7),recirc(1)\n"
	"rule 30 recirc_id(1),in_port(c0),eth_type(0x0800),ct_state(+trk+new) ct(commit,zone=7),s0\n";
static const char bad[] = "datapath ctfw\nport c0\nrule 10 recirc_id(0),in_port(c9) drop\n";

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void setup(void)
{
	const char *top = getenv("top_builddir");

	if (!top)
		top = ".";
	snprintf(ctflowd, sizeof(ctflowd), "%s/ctflowd", top);
	snprintf(ctflow, sizeof(ctflow), "%s/ctflow", top);
	strcpy(dir, "/tmp/ctflowd-main.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(conf, sizeof(conf), "%s/ctflowd.conf", dir);
	snprintf(sock, sizeof(sock), "%s/run/ctflowd.sock", dir);
	snprintf(log_path, sizeof(log_path), "%s/log", dir);
	setenv("CTFLOWD_NO_DATAPATH", "1", 1);
	setenv("CTFLOWD_SOCKET", sock, 1);
}

static void teardown(void)
{
	char out[256];

	ck_shell(out, sizeof(out), "rm -rf %s", dir);
}

START_TEST(check_mode_exit_status)
{
	char out[2048];

	write_file(conf, good);
	ck_assert_int_eq(ck_shell(out, sizeof(out), "%s -n -f %s 2>&1", ctflowd, conf), 0);
	ck_assert_ptr_nonnull(strstr(out, "configuration OK"));
	write_file(conf, bad);
	ck_assert_int_eq(ck_shell(out, sizeof(out), "%s -n -f %s 2>&1", ctflowd, conf), 1);
	ck_assert_msg(strstr(out, "ctflowd.conf:3: ") && strstr(out, "c9"), "got: %s", out);
	ck_assert_int_eq(ck_shell(out, sizeof(out), "%s -n -f %s/none 2>&1", ctflowd, dir), 1);
	ck_assert_ptr_nonnull(strstr(out, "No such file"));
}
END_TEST

static pid_t start_daemon(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		FILE *f = freopen(log_path, "w", stderr);

		(void)f;
		execl(ctflowd, "ctflowd", "-d", "-f", conf, "-s", sock, (char *)NULL);
		_exit(127);
	}
	/* Wait for the socket. */
	for (int i = 0; i < 100; i++) {
		struct stat st;

		if (!stat(sock, &st))
			return pid;
		usleep(20000);
	}
	ck_abort_msg("ctflowd did not create %s", sock);
	return pid;
}

START_TEST(control_reload_and_shutdown)
{
	char out[8192];
	int status;
	pid_t pid;

	write_file(conf, good);
	pid = start_daemon();

	ck_assert_int_eq(ck_shell(out, sizeof(out), "%s dump-rules", ctflow), 0);
	ck_assert_msg(strstr(out, "rule 30 recirc_id(1),in_port(c0)") &&
		      strstr(out, "default-action drop  # hits:0 flows:0"), "got: %s", out);
	ck_assert_int_eq(ck_shell(out, sizeof(out), "%s daemon-show", ctflow), 0);
	ck_assert_ptr_nonnull(strstr(out, "rules: 3"));

	/* A second daemon on the same socket refuses to start. */
	ck_assert_int_eq(ck_shell(out, sizeof(out), "%s -d -f %s -s %s 2>&1", ctflowd, conf, sock), 1);
	ck_assert_ptr_nonnull(strstr(out, "already in use"));

	/* add-rule / del-rule, with errors passed through. */
	ck_assert_int_eq(ck_shell(out, sizeof(out), "%s add-rule 40 'recirc_id(0),in_port(s0),eth_type(0x0806)' c0 2>&1", ctflow), 0);
	ck_assert_int_eq(ck_shell(out, sizeof(out), "%s add-rule 40 'recirc_id(0),in_port(s0),eth_type(0x0806)' c0 2>&1", ctflow), 1);
	ck_assert_ptr_nonnull(strstr(out, "exists"));
	ck_assert_int_eq(ck_shell(out, sizeof(out), "%s add-rule 41 'recirc_id(0),in_port(zz)' drop 2>&1", ctflow), 1);
	ck_assert_ptr_nonnull(strstr(out, "zz"));
	ck_assert_int_eq(ck_shell(out, sizeof(out), "%s daemon-show", ctflow), 0);
	ck_assert_ptr_nonnull(strstr(out, "rules: 4"));
	ck_assert_int_eq(ck_shell(out, sizeof(out), "%s del-rule 40 'recirc_id(0),in_port(s0),eth_type(0x0806)' 2>&1", ctflow), 0);
	ck_assert_int_eq(ck_shell(out, sizeof(out), "%s del-rule 40 'recirc_id(0),in_port(s0),eth_type(0x0806)' 2>&1", ctflow), 1);

	/* SIGHUP and `reload` with a bad file keep the old rules; a good file is taken. */
	write_file(conf, bad);
	kill(pid, SIGHUP);
	usleep(200000);
	ck_assert_int_eq(ck_shell(out, sizeof(out), "%s reload 2>&1", ctflow), 1);
	ck_assert_msg(strstr(out, "ctflowd.conf:3:"), "got: %s", out);
	ck_assert_int_eq(ck_shell(out, sizeof(out), "%s daemon-show", ctflow), 0);
	ck_assert_ptr_nonnull(strstr(out, "rules: 3"));
	ck_assert_ptr_nonnull(strstr(out, "reloads: 0"));
	write_file(conf, "datapath ctfw\nport c0\nrule 1 recirc_id(0) drop\n");
	kill(pid, SIGHUP);
	usleep(200000);
	ck_assert_int_eq(ck_shell(out, sizeof(out), "%s daemon-show", ctflow), 0);
	ck_assert_ptr_nonnull(strstr(out, "rules: 1"));
	ck_assert_ptr_nonnull(strstr(out, "reloads: 1"));
	/* Changing the datapath needs a restart. */
	write_file(conf, "datapath other\n");
	ck_assert_int_eq(ck_shell(out, sizeof(out), "%s reload 2>&1", ctflow), 1);
	ck_assert_ptr_nonnull(strstr(out, "restart"));

	kill(pid, SIGTERM);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_eq(access(sock, F_OK), -1);	/* socket unlinked */
	ck_assert_int_eq(ck_shell(out, sizeof(out), "cat %s", log_path), 0);
	ck_assert_msg(strstr(out, "reload: keeping the old configuration: ") &&
		      strstr(out, "ctflowd: terminating"), "log: %s", out);
}
END_TEST

START_TEST(bad_config_refuses_to_start)
{
	char out[2048];

	write_file(conf, bad);
	/* 78 (EX_CONFIG): the unit's RestartPreventExitStatus= keeps systemd from retrying. */
	ck_assert_int_eq(ck_shell(out, sizeof(out), "%s -d -f %s -s %s 2>&1", ctflowd, conf, sock), 78);
	ck_assert_msg(strstr(out, "ctflowd.conf:3:"), "got: %s", out);
	ck_assert_int_eq(access(sock, F_OK), -1);
}
END_TEST

/* A template with nothing but comments (as a package installs it): nothing to do, no failure. */
START_TEST(empty_config_exits_cleanly)
{
	char out[2048];

	write_file(conf, "# ctflowd.conf: nothing configured yet\n\n   # see ctflowd.conf(5)\n");
	ck_assert_int_eq(ck_shell(out, sizeof(out), "%s -f %s -s %s 2>&1", ctflowd, conf, sock), 0);
	ck_assert_msg(strstr(out, "configures nothing: not starting"), "got: %s", out);
	ck_assert_int_eq(access(sock, F_OK), -1);
	/* ctflowd -n does not call it valid, though. */
	ck_assert_int_eq(ck_shell(out, sizeof(out), "%s -n -f %s 2>&1", ctflowd, conf), 1);
	ck_assert_msg(strstr(out, "configures nothing"), "got: %s", out);
}
END_TEST

/* Without -d the error still reaches whoever started it, on stderr. */
START_TEST(bad_config_is_printed_without_debug)
{
	char out[2048];

	write_file(conf, bad);
	ck_assert_int_eq(ck_shell(out, sizeof(out), "%s -f %s -s %s 2>&1", ctflowd, conf, sock), 78);
	ck_assert_msg(strstr(out, "ctflowd: config: ") && strstr(out, "ctflowd.conf:3:"),
		      "got: %s", out);
}
END_TEST

START_TEST(help_and_version)
{
	char out[4096];

	ck_assert_int_eq(ck_shell(out, sizeof(out), "%s --help", ctflowd), 0);
	ck_assert_msg(strstr(out, "Usage: ctflowd") && strstr(out, "--config FILE") &&
		      strstr(out, "--version"), "got: %s", out);
	ck_assert_int_eq(ck_shell(out, sizeof(out), "%s -h", ctflowd), 0);
	ck_assert_ptr_nonnull(strstr(out, "Usage: ctflowd"));
	ck_assert_int_eq(ck_shell(out, sizeof(out), "%s --version", ctflowd), 0);
	ck_assert_msg(!strncmp(out, "ctflowd " PACKAGE_VERSION, strlen("ctflowd " PACKAGE_VERSION)),
		      "got: %s", out);
	ck_assert_int_eq(ck_shell(out, sizeof(out), "%s --frobnicate 2>&1", ctflowd), 2);
	ck_assert_ptr_nonnull(strstr(out, "Usage: ctflowd"));
	ck_assert_int_eq(ck_shell(out, sizeof(out), "%s -n extra 2>&1", ctflowd), 2);
}
END_TEST

/* SIGHUP re-reads included files; a start-only setting changed by one is named in the log. */
START_TEST(reload_reads_includes)
{
	char out[8192], path[256];
	int status;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/rules.d", dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	write_file(conf, "datapath ctfw\nport c0\nport s0\ndefine OUT = s0\ninclude rules.d/*.conf\n");
	snprintf(path, sizeof(path), "%s/rules.d/10-arp.conf", dir);
	write_file(path, "rule 10 recirc_id(0), in_port(c0), eth_type(0x0806) $OUT\n");
	pid = start_daemon();
	ck_assert_int_eq(ck_shell(out, sizeof(out), "%s dump-rules", ctflow), 0);
	ck_assert_msg(strstr(out, "rule 10 recirc_id(0),in_port(c0),eth_type(0x0806) s0"),
		      "got: %s", out);

	snprintf(path, sizeof(path), "%s/rules.d/20-more.conf", dir);
	write_file(path, "handler-threads 3\nrule 20 recirc_id(0),in_port(s0),eth_type(0x0806) c0\n");
	kill(pid, SIGHUP);
	for (int i = 0; i < 100; i++) {
		ck_assert_int_eq(ck_shell(out, sizeof(out), "%s daemon-show", ctflow), 0);
		if (strstr(out, "reloads: 1"))
			break;
		usleep(50000);
	}
	ck_assert_msg(strstr(out, "rules: 2") && strstr(out, "reloads: 1"), "got: %s", out);
	ck_assert_int_eq(ck_shell(out, sizeof(out), "%s dump-rules", ctflow), 0);
	ck_assert_msg(strstr(out, "rule 20 recirc_id(0),in_port(s0),eth_type(0x0806) c0"), "got: %s", out);

	/* A rule repeated in another file: -n names both files, reload keeps the old rules. */
	snprintf(path, sizeof(path), "%s/rules.d/30-dup.conf", dir);
	write_file(path, "\nrule 20 recirc_id(0), in_port(s0), eth_type(0x0806) drop\n");
	ck_assert_int_eq(ck_shell(out, sizeof(out), "%s -n -f %s 2>&1", ctflowd, conf), 1);
	ck_assert_msg(strstr(out, "30-dup.conf:2: rule 20") && strstr(out, "20-more.conf:2"),
		      "got: %s", out);
	ck_assert_int_eq(ck_shell(out, sizeof(out), "%s reload 2>&1", ctflow), 1);
	ck_assert_ptr_nonnull(strstr(out, "30-dup.conf:2:"));

	kill(pid, SIGTERM);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(ck_shell(out, sizeof(out), "cat %s", log_path), 0);
	ck_assert_msg(strstr(out, "reload: handler-threads changed: takes effect at the next start"),
		      "log: %s", out);
}
END_TEST

static Suite *main_suite(void)
{
	Suite *s = suite_create("daemon_main");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, check_mode_exit_status);
	tcase_add_test(tc, control_reload_and_shutdown);
	tcase_add_test(tc, bad_config_refuses_to_start);
	tcase_add_test(tc, bad_config_is_printed_without_debug);
	tcase_add_test(tc, empty_config_exits_cleanly);
	tcase_add_test(tc, help_and_version);
	tcase_add_test(tc, reload_reads_includes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run_suite(main_suite());
}
