// SPDX-License-Identifier: Apache-2.0
/*
 * ctflowd.conf as people write it: rule matches with blanks, `include',
 * `define', and the duplicate rules `ctflowd -n' reports across files.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/daemon/conf.h"
#include "../../src/daemon/policy.h"
#include "common.h"

/* ---- splitting MATCH from ACTIONS ----------------------------------------------- */

static const struct split_case {
	const char *text, *match, *actions;
} split_cases[] = {
	{ "recirc_id(0),eth_type(0x0800) drop", "recirc_id(0),eth_type(0x0800)", "drop" },
	{ "recirc_id(0), eth_type(0x0800) drop", "recirc_id(0), eth_type(0x0800)", "drop" },
	{ "  recirc_id(0) ,eth_type(0x0800)   ct(commit),1  ", "recirc_id(0) ,eth_type(0x0800)",
	  "ct(commit),1" },
	{ "recirc_id (0),eth_type (0x0800) 2", "recirc_id (0),eth_type (0x0800)", "2" },
	{ "ipv4( src=10.0.0.1, dst=10.0.0.2 ) ct(zone=1, commit)",
	  "ipv4( src=10.0.0.1, dst=10.0.0.2 )", "ct(zone=1, commit)" },
	{ "in_port(c0),\teth_type(0x0806)\ts0", "in_port(c0),\teth_type(0x0806)", "s0" },
	{ "recirc_id(0),", "recirc_id(0),", "" },
	{ "recirc_id(0)", "recirc_id(0)", "" },
	{ "eth() set(ipv4(src=1.2.3.4)), 2", "eth()", "set(ipv4(src=1.2.3.4)), 2" },
};

START_TEST(split_finds_the_end_of_the_match)
{
	const struct split_case *c = &split_cases[_i];
	char *text = strdup(c->text), *match, *actions;

	ck_assert_int_eq(conf_split_rule(text, &match, &actions), 0);
	ck_assert_str_eq(match, c->match);
	ck_assert_str_eq(actions, c->actions);
	free(text);
}
END_TEST

START_TEST(split_refuses_unbalanced_parentheses)
{
	const char *bad[] = { "ipv4(src=1.2.3.4 drop", "recirc_id(0)) drop", "eth(" };
	char *match, *actions;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *text = strdup(bad[i]);

		ck_assert_int_eq(conf_split_rule(text, &match, &actions), -EINVAL);
		free(text);
	}
}
END_TEST

/* ---- files in a scratch directory ---------------------------------------------------- */

static char dir[64];

static void make_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check-conf-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void put(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void remove_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static int load(struct conf *cfg, const char *name, struct ctf_err *err)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	conf_init(cfg);
	return conf_load(cfg, path, err);
}

static const char head[] = "datapath ctfw\nport c0\nport s0\n";

START_TEST(include_reads_files_and_sorted_patterns)
{
	struct conf cfg;
	struct ctf_err err;
	char buf[1100];

	make_dir();
	ck_assert_int_eq(mkdir(strcat(strcpy(buf, dir), "/rules.d"), 0755), 0);
	put("main.conf", "datapath ctfw\ninclude ports.conf\n"
			 "include rules.d/*.conf\n"
			 "rule 1 recirc_id(0),in_port(s0),eth_type(0x0806) c0\n");
	put("ports.conf", "port c0\nport s0\n");
	/* Read in name order, whatever order the directory lists them in. */
	put("rules.d/20-b.conf", "rule 20 recirc_id(0),in_port(c0),eth_type(0x0800) s0\n");
	put("rules.d/10-a.conf", "\n\nrule 10 recirc_id(0),in_port(c0),eth_type(0x0806) s0\n");
	put("rules.d/README", "this is not a rule\n");
	ck_assert_msg(load(&cfg, "main.conf", &err) == 0, "%s",
		      ctf_err_text(&err, buf, sizeof(buf)));
	ck_assert_uint_eq(cfg.n_ports, 2);
	ck_assert_uint_eq(cfg.n_rules, 3);
	ck_assert_uint_eq(cfg.rules[0].priority, 10);
	ck_assert_uint_eq(cfg.rules[0].line, 3);
	ck_assert_ptr_nonnull(cfg.rules[0].file);
	ck_assert_ptr_nonnull(strstr(cfg.rules[0].file, "rules.d/10-a.conf"));
	ck_assert_uint_eq(cfg.rules[1].priority, 20);
	ck_assert_uint_eq(cfg.rules[2].priority, 1);
	ck_assert_ptr_null(cfg.rules[2].file);	/* the main file's own */
	ck_assert_uint_eq(cfg.rules[2].line, 4);
	conf_free(&cfg);

	/* A pattern that matches nothing adds nothing. */
	ck_assert_int_eq(mkdir(strcat(strcpy(buf, dir), "/empty.d"), 0755), 0);
	put("main.conf", "datapath ctfw\ninclude empty.d/*.conf\n");
	ck_assert_int_eq(load(&cfg, "main.conf", &err), 0);
	ck_assert_uint_eq(cfg.n_rules, 0);
	conf_free(&cfg);
	remove_dir();
}
END_TEST

static const struct include_error {
	const char *main, *other, *needle;
} include_errors[] = {
	/* an error inside an included file names that file and its line */
	{ "datapath ctfw\ninclude other.conf\n", "port c0\n\nbogus 1\n", "other.conf:3: unknown directive" },
	{ "datapath ctfw\ninclude other.conf\n", "rule 1 recirc_id(0),in_port(x9) drop\n", "other.conf:1:" },
	/* a missing file names the including line */
	{ "datapath ctfw\n\ninclude missing.conf\n", "", "main.conf:3: include" },
	{ "datapath ctfw\ninclude missing.conf\n", "", "No such file" },
	/* cycles, direct and indirect */
	{ "datapath ctfw\ninclude main.conf\n", "", "include cycle" },
	{ "datapath ctfw\ninclude other.conf\n", "include main.conf\n", "other.conf:1: include" },
	{ "datapath ctfw\ninclude\n", "", "main.conf:2: `include' needs a file name" },
	{ "datapath ctfw\ninclude a.conf b.conf\n", "", "unexpected `b.conf'" },
	/* devices and directories: a reload must not block on a pipe */
	{ "datapath ctfw\ninclude /dev/null\n", "", "main.conf:2: include /dev/null: not a regular file" },
	{ "datapath ctfw\ninclude .\n", "", "not a regular file" },
	/* a pattern in a directory that is not there: a typo, not an empty policy */
	{ "datapath ctfw\ninclude nodir.d/*.conf\n", "", "main.conf:2: include nodir.d/*.conf: cannot read its directory" },
};

START_TEST(include_errors_name_file_and_line)
{
	const struct include_error *c = &include_errors[_i];
	struct conf cfg;
	struct ctf_err err;
	char buf[1100];

	make_dir();
	put("main.conf", c->main);
	put("other.conf", c->other);
	ck_assert_int_ne(load(&cfg, "main.conf", &err), 0);
	ctf_err_text(&err, buf, sizeof(buf));
	ck_assert_msg(strstr(buf, c->needle), "case %d: `%s' does not mention `%s'", _i, buf,
		      c->needle);
	conf_free(&cfg);
	remove_dir();
}
END_TEST

START_TEST(include_depth_is_limited)
{
	struct conf cfg;
	struct ctf_err err;
	char name[32], text[64];

	make_dir();
	put("main.conf", "datapath ctfw\ninclude 1.conf\n");
	for (int i = 1; i <= 20; i++) {
		snprintf(name, sizeof(name), "%d.conf", i);
		snprintf(text, sizeof(text), "include %d.conf\n", i + 1);
		put(name, text);
	}
	put("21.conf", "port c0\n");
	ck_assert_int_ne(load(&cfg, "main.conf", &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "files deep"));
	conf_free(&cfg);
	remove_dir();
}
END_TEST

/* ---- define --------------------------------------------------------------------------- */

static int parse(struct conf *cfg, const char *text, struct ctf_err *err)
{
	conf_init(cfg);
	return conf_parse_string(cfg, "test.conf", text, err);
}

START_TEST(define_substitutes_in_matches_and_actions)
{
	struct conf cfg, plain;
	struct ctf_err err;
	char buf[1100];

	ck_assert_msg(parse(&cfg,
			    "define CLIENT = in_port(c0)\n"
			    "define ARP=eth_type(0x0806)\n"
			    "define OUT = s0\n"
			    "define BOTH = $CLIENT,$ARP\n"
			    "datapath ctfw\nport c0\nport s0\n"
			    "rule 10 recirc_id(0),$BOTH $OUT\n"
			    "default-action $OUT\n",
			    &err) == 0, "%s", ctf_err_text(&err, buf, sizeof(buf)));
	ck_assert_int_eq(parse(&plain, "datapath ctfw\nport c0\nport s0\n"
				       "rule 10 recirc_id(0),in_port(c0),eth_type(0x0806) s0\n"
				       "default-action s0\n", &err), 0);
	ck_assert_uint_eq(cfg.n_rules, 1);
	ck_assert_str_eq(cfg.rules[0].match_text, "recirc_id(0),in_port(c0),eth_type(0x0806)");
	ck_assert_str_eq(cfg.rules[0].actions_text, "s0");
	ck_assert_str_eq(cfg.default_actions_text, "s0");
	ck_assert_mem_eq(ctf_nlbuf_data(&cfg.rules[0].key), ctf_nlbuf_data(&plain.rules[0].key),
			 ctf_nlbuf_len(&plain.rules[0].key));
	ck_assert_uint_eq(ctf_nlbuf_len(&cfg.default_actions), ctf_nlbuf_len(&plain.default_actions));
	conf_free(&cfg);
	conf_free(&plain);
}
END_TEST

static const struct define_error {
	const char *text, *needle;
} define_errors[] = {
	{ "datapath ctfw\nrule 1 $NOPE drop\n", "test.conf:2: undefined name `$NOPE'" },
	{ "datapath ctfw\ndefault-action $X\n", "undefined name `$X'" },
	{ "define A = $B\ndatapath ctfw\n", "test.conf:1: undefined name `$B'" },
	{ "datapath ctfw\nrule 1 recirc_id(0) $ drop\n", "`$' without a name" },
	{ "define A = 1\ndefine A = 2\ndatapath ctfw\n", "test.conf:2: `A' is defined already, at test.conf:1" },
	{ "define A\ndatapath ctfw\n", "`define' needs NAME = VALUE" },
	{ "define 9A = 1\ndatapath ctfw\n", "`define' needs NAME = VALUE" },
	{ "define A =\ndatapath ctfw\n", "no value" },
	/* used before its definition */
	{ "datapath $DP\ndefine DP = ctfw\n", "test.conf:1: undefined name `$DP'" },
};

START_TEST(define_errors_name_the_name)
{
	const struct define_error *c = &define_errors[_i];
	struct conf cfg;
	struct ctf_err err;
	char buf[1100];

	ck_assert_int_ne(parse(&cfg, c->text, &err), 0);
	ctf_err_text(&err, buf, sizeof(buf));
	ck_assert_msg(strstr(buf, c->needle), "case %d: `%s' does not mention `%s'", _i, buf,
		      c->needle);
	conf_free(&cfg);
}
END_TEST

START_TEST(defines_reach_included_files)
{
	struct conf cfg;
	struct ctf_err err;
	char buf[1100];

	make_dir();
	put("main.conf", "define OUT = s0\ndatapath ctfw\nport c0\nport s0\ninclude r.conf\n");
	put("r.conf", "rule 5 recirc_id(0),in_port(c0),eth_type(0x0806) $OUT\n");
	ck_assert_msg(load(&cfg, "main.conf", &err) == 0, "%s",
		      ctf_err_text(&err, buf, sizeof(buf)));
	ck_assert_str_eq(cfg.rules[0].actions_text, "s0");
	conf_free(&cfg);
	remove_dir();
}
END_TEST

/* ---- rules with blanks, end to end ---------------------------------------------------- */

/* The same rule with and without blanks parses to the same key. */
static void same_key(const char *spaced, const char *tight)
{
	struct conf a, b;
	struct ctf_err err;
	char text[512], buf[1100];

	snprintf(text, sizeof(text), "%srule 10 %s drop\n", head, spaced);
	ck_assert_msg(parse(&a, text, &err) == 0, "%s: %s", spaced,
		      ctf_err_text(&err, buf, sizeof(buf)));
	snprintf(text, sizeof(text), "%srule 10 %s drop\n", head, tight);
	ck_assert_int_eq(parse(&b, text, &err), 0);
	ck_assert_str_eq(a.rules[0].match_text, spaced);	/* shown as written */
	ck_assert_str_eq(a.rules[0].actions_text, "drop");
	ck_assert_uint_eq(ctf_nlbuf_len(&a.rules[0].key), ctf_nlbuf_len(&b.rules[0].key));
	ck_assert_mem_eq(ctf_nlbuf_data(&a.rules[0].key), ctf_nlbuf_data(&b.rules[0].key),
			 ctf_nlbuf_len(&b.rules[0].key));
	conf_free(&a);
	conf_free(&b);
}

START_TEST(blank_after_comma_end_to_end)
{
	same_key("recirc_id(0), in_port(c0), eth_type(0x0806)",
		 "recirc_id(0),in_port(c0),eth_type(0x0806)");
}
END_TEST

/* Blanks inside and before parentheses: the key parser skips them too. */
START_TEST(blanks_in_parentheses_end_to_end)
{
	same_key("recirc_id (0), eth_type(0x0800), ipv4( src=10.0.0.1, dst=10.0.0.2 )",
		 "recirc_id(0),eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2)");
}
END_TEST

/* ---- duplicates across files ------------------------------------------------------------ */

START_TEST(duplicate_rule_names_both_files)
{
	struct conf cfg;
	struct ctf_err err;
	struct ctf_portmap map;
	struct policy *pol = NULL;
	uint64_t next_id = 1;
	char buf[1100];

	make_dir();
	put("main.conf", "datapath ctfw\nport c0\nport s0\ninclude more.conf\n"
			 "rule 10 recirc_id(0),in_port(c0),eth_type(0x0806) drop\n");
	put("more.conf", "\nrule 10 recirc_id(0), in_port(c0), eth_type(0x0806) s0\n");
	ck_assert_int_eq(load(&cfg, "main.conf", &err), 0);
	conf_portmap(&cfg, &map);
	ck_assert_int_eq(policy_from_config(&pol, &cfg, &map, NULL, &next_id, NULL, &err), -EEXIST);
	ctf_err_text(&err, buf, sizeof(buf));
	ck_assert_msg(strstr(buf, "main.conf:5: rule 10") && strstr(buf, "more.conf:2"), "%s", buf);
	policy_free(pol);
	ctf_portmap_free(&map);
	conf_free(&cfg);
	remove_dir();
}
END_TEST

static Suite *conf_file_suite(void)
{
	Suite *s = suite_create("daemon_conf_file");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, split_finds_the_end_of_the_match, 0,
			    (int)(sizeof(split_cases) / sizeof(split_cases[0])));
	tcase_add_test(tc, split_refuses_unbalanced_parentheses);
	tcase_add_test(tc, include_reads_files_and_sorted_patterns);
	tcase_add_loop_test(tc, include_errors_name_file_and_line, 0,
			    (int)(sizeof(include_errors) / sizeof(include_errors[0])));
	tcase_add_test(tc, include_depth_is_limited);
	tcase_add_test(tc, define_substitutes_in_matches_and_actions);
	tcase_add_loop_test(tc, define_errors_name_the_name, 0,
			    (int)(sizeof(define_errors) / sizeof(define_errors[0])));
	tcase_add_test(tc, defines_reach_included_files);
	tcase_add_test(tc, blank_after_comma_end_to_end);
	tcase_add_test(tc, blanks_in_parentheses_end_to_end);
	tcase_add_test(tc, duplicate_rule_names_both_files);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run_suite(conf_file_suite());
}
