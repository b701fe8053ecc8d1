// SPDX-License-Identifier: Apache-2.0
/* ctflowd.conf: good files, bad files with file:line errors, port names, fuzzing. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/daemon/conf.h"
#include "common.h"

static const char example[] =
	"# the conntrack firewall of issue 5\n"
	"datapath ctfw                 # opened if it exists, created if not\n"
	"port c0\n"
	"port s0\n"
	"\n"
	"rule 10 recirc_id(0),in_port(c0),eth_type(0x0806) s0\n"
	"rule 10 recirc_id(0),in_port(s0),eth_type(0x0806) c0\n"
	"rule 20 recirc_id(0),eth_type(0x0800),ct_state(-trk) ct(zone=7),recirc(1)\n"
	"rule 30 recirc_id(1),in_port(c0),eth_type(0x0800),ct_state(+trk+new) ct(commit,zone=7),s0\n"
	"rule 30 recirc_id(1),in_port(c0),eth_type(0x0800),ct_state(+trk+est) s0\n"
	"rule 30 recirc_id(1),in_port(s0),eth_type(0x0800),ct_state(+trk+est) c0\n";

static int parse(struct conf *cfg, const char *text, struct ctf_err *err)
{
	conf_init(cfg);
	return conf_parse_string(cfg, "test.conf", text, err);
}

START_TEST(example_firewall_parses)
{
	struct conf cfg;
	struct ctf_err err;
	char buf[1100];

	ck_assert_msg(parse(&cfg, example, &err) == 0, "%s", ctf_err_text(&err, buf, sizeof(buf)));
	ck_assert_str_eq(cfg.datapath, "ctfw");
	ck_assert_uint_eq(cfg.n_ports, 2);
	ck_assert_str_eq(cfg.ports[1], "s0");
	ck_assert_uint_eq(cfg.n_rules, 6);
	ck_assert_uint_eq(cfg.rules[2].priority, 20);
	ck_assert_uint_eq(cfg.rules[2].line, 8);
	ck_assert_str_eq(cfg.rules[2].match_text, "recirc_id(0),eth_type(0x0800),ct_state(-trk)");
	ck_assert_str_eq(cfg.rules[2].actions_text, "ct(zone=7),recirc(1)");
	ck_assert_uint_gt(ctf_nlbuf_len(&cfg.rules[2].key), 0);
	ck_assert_uint_gt(ctf_nlbuf_len(&cfg.rules[2].actions), 0);
	/* Defaults. */
	ck_assert_uint_eq(cfg.idle_timeout_s, 10);
	ck_assert_uint_eq(cfg.flow_limit, 200000);
	ck_assert_uint_eq(cfg.upcall_log_rate, 20);
	ck_assert_uint_eq(cfg.upcall_buffer, 4u * 1024 * 1024);
	ck_assert(cfg.megaflows);
	ck_assert(!cfg.force_per_vport);
	ck_assert_uint_eq(cfg.handler_threads, 0);	/* auto */
	ck_assert(!cfg.have_control_group);
	ck_assert_str_eq(cfg.default_actions_text, "drop");
	ck_assert_uint_eq(ctf_nlbuf_len(&cfg.default_actions), 0);
	conf_free(&cfg);
}
END_TEST

START_TEST(settings_parse)
{
	struct conf cfg;
	struct ctf_err err;
	char buf[1100];
	const char *text =
		"datapath dp0\nport p1\n"
		"idle-timeout 5\nflow-limit 1000\nupcall-log-rate 0\n"
		"default-action p1\nmegaflows off\nrevalidate-interval 250\n"
		"upcall-dispatch per-vport\nupcall-buffer 65536\nhandler-threads 3\n";

	ck_assert_msg(parse(&cfg, text, &err) == 0, "%s", ctf_err_text(&err, buf, sizeof(buf)));
	ck_assert_uint_eq(cfg.idle_timeout_s, 5);
	ck_assert_uint_eq(cfg.flow_limit, 1000);
	ck_assert_uint_eq(cfg.upcall_log_rate, 0);
	ck_assert_uint_eq(cfg.revalidate_ms, 250);
	ck_assert_uint_eq(cfg.upcall_buffer, 65536);
	ck_assert_uint_eq(cfg.handler_threads, 3);
	ck_assert(!cfg.megaflows);
	ck_assert(cfg.force_per_vport);
	ck_assert_str_eq(cfg.default_actions_text, "p1");
	ck_assert_uint_gt(ctf_nlbuf_len(&cfg.default_actions), 0);
	conf_free(&cfg);
}
END_TEST

/* Each bad file: the error must start with the location and mention @needle. */
static const struct bad_case {
	const char *text;
	const char *where;
	const char *needle;
} bad_cases[] = {
	{ "datapath d\nfrobnicate 1\n", "test.conf:2: ", "frobnicate" },
	{ "datapath d\nport a b\n", "test.conf:2: ", "`b'" },
	{ "datapath d\nport a\nport a\n", "test.conf:3: ", "twice" },
	{ "datapath d\ndatapath e\n", "test.conf:2: ", "datapath" },
	{ "datapath abcdefghijklmnopq\n", "test.conf:1: ", "longer" },
	{ "port a\n", "test.conf: ", "datapath" },
	{ "# nothing but a comment\n\n", "test.conf: ", "configures nothing" },
	{ "datapath d\nidle-timeout -1\n", "test.conf:2: ", "idle-timeout" },
	{ "datapath d\nidle-timeout 99999999999999999999\n", "test.conf:2: ", "idle-timeout" },
	{ "datapath d\nflow-limit 0\n", "test.conf:2: ", "flow-limit" },
	{ "datapath d\nmegaflows maybe\n", "test.conf:2: ", "megaflows" },
	{ "datapath d\nupcall-dispatch per-cpu\n", "test.conf:2: ", "upcall-dispatch" },
	{ "datapath d\nupcall-buffer 4095\n", "test.conf:2: ", "upcall-buffer" },
	{ "datapath d\nupcall-buffer 268435457\n", "test.conf:2: ", "upcall-buffer" },
	{ "datapath d\nupcall-buffer 1M\n", "test.conf:2: ", "upcall-buffer" },
	{ "datapath d\nhandler-threads 0\n", "test.conf:2: ", "handler-threads" },
	{ "datapath d\nhandler-threads 65\n", "test.conf:2: ", "handler-threads" },
	{ "datapath d\nhandler-threads many\n", "test.conf:2: ", "handler-threads" },
	{ "datapath d\nhandler-threads\n", "test.conf:2: ", "handler-threads" },
	{ "datapath d\nrule 70000 recirc_id(0) drop\n", "test.conf:2: ", "70000" },
	{ "datapath d\nrule ten recirc_id(0) drop\n", "test.conf:2: ", "ten" },
	{ "datapath d\nrule 10 recirc_id(0)\n", "test.conf:2: ", "actions" },
	{ "datapath d\nrule 10\n", "test.conf:2: ", "PRIORITY MATCH ACTIONS" },
	{ "datapath d\n\n\nrule 10 recirc_id(0),bogus(1) drop\n", "test.conf:4: ", "bogus" },
	{ "datapath d\nport c0\nrule 10 recirc_id(0),in_port(nosuch) drop\n", "test.conf:3: ", "nosuch" },
	{ "datapath d\nrule 10 recirc_id(0) frob(1)\n", "test.conf:2: ", "frob" },
	/* A rule the kernel would refuse: ct() needs an exact IP eth_type. */
	{ "datapath d\nrule 10 recirc_id(0) ct(zone=1)\n", "test.conf:2: ", "" },
	{ "datapath d\ndefault-action nosuchport\n", "test.conf:2: ", "nosuchport" },
	{ "datapath d\ndefault-action\n", "test.conf:2: ", "default-action" },
	{ "datapath d\n\ncontrol-group ctflow-no-such-group\n", "test.conf:3: ",
	  "ctflow-no-such-group': no such group" },
	{ "datapath d\ncontrol-group\n", "test.conf:2: ", "control-group" },
	{ "datapath d\ncontrol-group root wheel\n", "test.conf:2: ", "`wheel'" },
	{ "datapath d\ncontrol-group 4294967295\n", "test.conf:2: ", "not a group number" },
	{ "datapath d\ncontrol-group 12x\n", "test.conf:2: ", "not a group number" },
};

START_TEST(bad_files_name_file_and_line)
{
	const struct bad_case *bc = &bad_cases[_i];
	struct conf cfg;
	struct ctf_err err;
	char buf[1100];

	ck_assert_int_lt(parse(&cfg, bc->text, &err), 0);
	ctf_err_text(&err, buf, sizeof(buf));
	ck_assert_msg(!strncmp(buf, bc->where, strlen(bc->where)),
		      "case %d: `%s' does not start with `%s'", _i, buf, bc->where);
	ck_assert_msg(strstr(buf, bc->needle), "case %d: `%s' does not mention `%s'", _i, buf,
		      bc->needle);
	conf_free(&cfg);
}
END_TEST

/* control-group: a name resolved when read, a number as it is, the last line wins. */
START_TEST(control_group_parses)
{
	static const struct {
		const char *text;
		gid_t gid;
	} cases[] = {
		{ "datapath d\ncontrol-group root\n", 0 },	/* in every group database */
		{ "datapath d\ncontrol-group 4242\n", 4242 },	/* no name needed */
		{ "datapath d\ncontrol-group 0\n", 0 },
		/* As idle-timeout and the other settings: the last line counts. */
		{ "datapath d\ncontrol-group 4242\ncontrol-group root\n", 0 },
		{ "datapath d\ncontrol-group root\ncontrol-group 4242 # ops\n", 4242 },
	};
	struct conf cfg;
	struct ctf_err err;
	char buf[1100];

	for (size_t i = 0; i < CTF_ARRAY_SIZE(cases); i++) {
		ck_assert_msg(parse(&cfg, cases[i].text, &err) == 0, "case %zu: %s", i,
			      ctf_err_text(&err, buf, sizeof(buf)));
		ck_assert(cfg.have_control_group);
		ck_assert_uint_eq(cfg.control_gid, cases[i].gid);
		conf_free(&cfg);
	}
}
END_TEST

START_TEST(load_from_file_and_missing_file)
{
	char path[] = "/tmp/ctflowd-conf.XXXXXX";
	struct conf cfg;
	struct ctf_err err;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, example, strlen(example)), (ssize_t)strlen(example));
	close(fd);
	conf_init(&cfg);
	ck_assert_int_eq(conf_load(&cfg, path, &err), 0);
	ck_assert_uint_eq(cfg.n_rules, 6);
	ck_assert_str_eq(cfg.path, path);
	conf_free(&cfg);
	unlink(path);

	conf_init(&cfg);
	ck_assert_int_eq(conf_load(&cfg, path, &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, path));
	conf_free(&cfg);
}
END_TEST

START_TEST(resolve_uses_real_port_numbers)
{
	struct conf cfg;
	struct ctf_portmap real;
	struct ctf_err err;
	char buf[1100];
	struct ctf_nlbuf before;

	ck_assert_int_eq(parse(&cfg, example, &err), 0);
	ctf_nlbuf_init(&before, 1024);
	ctf_nlbuf_set(&before, ctf_nlbuf_data(&cfg.rules[0].key), ctf_nlbuf_len(&cfg.rules[0].key));
	ctf_portmap_init(&real);
	ctf_portmap_add(&real, 7, "c0");
	ctf_portmap_add(&real, 9, "s0");
	ck_assert_msg(conf_resolve(&cfg, &real, &err) == 0, "%s",
		      ctf_err_text(&err, buf, sizeof(buf)));
	/* in_port(c0) was 1 while checking, now 7: the key bytes change. */
	ck_assert(ctf_nlbuf_len(&before) != ctf_nlbuf_len(&cfg.rules[0].key) ||
		  memcmp(ctf_nlbuf_data(&before), ctf_nlbuf_data(&cfg.rules[0].key),
			 ctf_nlbuf_len(&before)));
	ck_assert_uint_eq(cfg.rules[0].line, 6);
	ctf_portmap_free(&real);
	ctf_portmap_init(&real);	/* a map without the names: refused, with location */
	ck_assert_int_lt(conf_resolve(&cfg, &real, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "test.conf:6:"));
	ctf_portmap_free(&real);
	ctf_nlbuf_free(&before);
	conf_free(&cfg);
}
END_TEST

START_TEST(fuzz_truncations_and_garbage)
{
	struct conf cfg;
	struct ctf_err err;
	size_t n = strlen(example);
	char *text = malloc(n + 1);
	uint32_t x = 12345;

	for (size_t cut = 0; cut <= n; cut++) {
		memcpy(text, example, cut);
		text[cut] = '\0';
		parse(&cfg, text, &err);
		conf_free(&cfg);
	}
	for (int round = 0; round < 2000; round++) {
		memcpy(text, example, n + 1);
		for (int k = 0; k < 4; k++) {
			x = x * 1103515245u + 12345u;
			size_t pos = (x >> 8) % n;

			x = x * 1103515245u + 12345u;
			text[pos] = (char)(1 + (x >> 16) % 255);
		}
		parse(&cfg, text, &err);
		conf_free(&cfg);
	}
	free(text);
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("daemon_config");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, example_firewall_parses);
	tcase_add_test(tc, settings_parse);
	tcase_add_loop_test(tc, bad_files_name_file_and_line, 0, (int)CTF_ARRAY_SIZE(bad_cases));
	tcase_add_test(tc, control_group_parses);
	tcase_add_test(tc, load_from_file_and_missing_file);
	tcase_add_test(tc, resolve_uses_real_port_numbers);
	tcase_add_test(tc, fuzz_truncations_and_garbage);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run_suite(config_suite());
}
