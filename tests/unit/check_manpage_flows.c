// SPDX-License-Identifier: Apache-2.0
/*
 * ctflow-flows(7) documents the whole flow language: walk the parser's
 * tables (key attributes and their fields, tunnel and nsh sub-keys, actions
 * and their nested options, ct() and nat() options, flag names) and fail for
 * every name the page does not document, so that a new table row cannot
 * ship without its text.
 *
 * "Documented" is checked where a reader looks for it: a key attribute in a
 * .SS heading of FLOW KEYS and each of its fields as "name=" in that
 * subsection; an action in a .TP tag of ACTIONS; a ct() option in a .TP tag
 * of CT AND NAT.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/openvswitch.h>

#include "ctflow/flowtext.h"
#include "odp/action-attrs.h"
#include "odp/key-attrs.h"
#include "common.h"

#ifndef FLOWS_MAN_PATH
#define FLOWS_MAN_PATH "man/ctflow-flows.7"
#endif

enum line_kind { L_TEXT, L_SH, L_SS, L_TAG };

/* One source line with the groff markup removed. */
struct man_line {
	char *text;
	enum line_kind kind;
	int sh, ss;		/* index of the enclosing .SH / .SS line, -1 if none */
};

static struct man_line *lines;
static int n_lines;

static bool is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* .BI, .IR...: their arguments are printed joined, without the blanks between. */
static bool joins_arguments(const char *s)
{
	static const char *const macros[] = { ".BI ", ".BR ", ".IB ", ".IR ", ".RB ", ".RI " };

	for (size_t i = 0; i < sizeof(macros) / sizeof(macros[0]); i++)
		if (!strncmp(s, macros[i], 4))
			return true;
	return false;
}

/* Drop the macro name, quotes and font escapes; keep the words a reader sees. */
static char *plain_text(const char *src)
{
	char *out = malloc(strlen(src) + 1), *o = out;
	const char *s = src;
	bool join = joins_arguments(src), quoted = false;

	ck_assert_ptr_nonnull(out);
	if (*s == '.') {
		while (*s && *s != ' ')
			s++;
		while (*s == ' ')
			s++;
	}
	while (*s) {
		if (*s == '"') {
			quoted = !quoted;
			s++;
		} else if (*s == ' ' && join && !quoted) {
			s++;
		} else if (*s != '\\' || !s[1]) {
			*o++ = *s++;
		} else if (s[1] == 'f') {	/* \fB, \f(CW, \f[B] */
			s += 2;
			if (*s == '(')
				s += *(s + 1) && *(s + 2) ? 3 : strlen(s);
			else if (*s == '[')
				s += strcspn(s, "]") + (strchr(s, ']') ? 1 : 0);
			else if (*s)
				s++;
		} else if (s[1] == '(') {	/* \(aq and friends: one character */
			*o++ = '?';
			s += s[2] && s[3] ? 4 : strlen(s);
		} else if (s[1] == '&' || s[1] == 'c') {
			s += 2;
		} else if (s[1] == 'e') {
			*o++ = '\\';
			s += 2;
		} else {		/* \- \  and the rest: the character itself */
			*o++ = s[1];
			s += 2;
		}
	}
	*o = '\0';
	return out;
}

static void load_page(void)
{
	const char *path = getenv("CTFLOW_FLOWS_MAN") ? getenv("CTFLOW_FLOWS_MAN") : FLOWS_MAN_PATH;
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	int sh = -1, ss = -1, cap_lines = 0;
	bool tag_next = false;

	ck_assert_msg(f, "cannot open %s (set CTFLOW_FLOWS_MAN)", path);
	while ((n = getline(&buf, &cap, f)) >= 0) {
		struct man_line *l;

		while (n && buf[n - 1] == '\n')
			buf[--n] = '\0';
		if (!strncmp(buf, ".\\\"", 3))
			continue;
		if (n_lines == cap_lines) {
			cap_lines = cap_lines ? 2 * cap_lines : 256;
			lines = realloc(lines, (size_t)cap_lines * sizeof(*lines));
			ck_assert_ptr_nonnull(lines);
		}
		l = &lines[n_lines];
		l->text = plain_text(buf);
		l->kind = L_TEXT;
		if (!strncmp(buf, ".SH", 3)) {
			l->kind = L_SH;
			sh = n_lines;
			ss = -1;
		} else if (!strncmp(buf, ".SS", 3)) {
			l->kind = L_SS;
			ss = n_lines;
		} else if (tag_next) {
			l->kind = L_TAG;
		}
		tag_next = !strcmp(buf, ".TP") || !strcmp(buf, ".TQ");
		l->sh = sh;
		l->ss = ss;
		n_lines++;
	}
	free(buf);
	fclose(f);
	ck_assert_msg(n_lines > 100, "%s is too short to be the flow reference", path);
}

static void free_page(void)
{
	for (int i = 0; i < n_lines; i++)
		free(lines[i].text);
	free(lines);
	lines = NULL;
	n_lines = 0;
}

/* @name as a whole word in @text; with @assign, followed by '='. */
static bool has_name(const char *text, const char *name, bool assign)
{
	size_t len = strlen(name);

	for (const char *p = strstr(text, name); p; p = strstr(p + 1, name)) {
		char next = p[len];

		if (p > text && is_ident(p[-1]))
			continue;
		if (assign ? next == '=' : !is_ident(next))
			return true;
	}
	return false;
}

/* The index of the .SH line titled @title. */
static int section(const char *title)
{
	for (int i = 0; i < n_lines; i++)
		if (lines[i].kind == L_SH && !strcmp(lines[i].text, title))
			return i;
	ck_abort_msg("ctflow-flows(7) has no section %s", title);
	return -1;
}

/* Whether some line of section @sh (of @kind, any kind when L_TEXT) names @name. */
static bool in_section(int sh, enum line_kind kind, const char *name, bool assign)
{
	for (int i = 0; i < n_lines; i++)
		if (lines[i].sh == sh && (kind == L_TEXT || lines[i].kind == kind) &&
		    has_name(lines[i].text, name, assign))
			return true;
	return false;
}

static bool in_subsection(int ss, const char *name, bool assign)
{
	for (int i = ss; i < n_lines && lines[i].ss == ss; i++)
		if (has_name(lines[i].text, name, assign))
			return true;
	return false;
}

/* The .SS of FLOW KEYS whose heading names @name, or -1. */
static int key_subsection(const char *name)
{
	int sh = section("FLOW KEYS");

	for (int i = 0; i < n_lines; i++)
		if (lines[i].kind == L_SS && lines[i].sh == sh && has_name(lines[i].text, name, false))
			return i;
	return -1;
}

static void check_fields(int ss, const char *attr, const struct ctf_attr_desc *d)
{
	for (unsigned f = 0; f < d->n_fields; f++) {
		const struct ctf_field_desc *fd = &d->fields[f];

		if (!fd->name)		/* a scalar: name(VALUE) */
			continue;
		ck_assert_msg(in_subsection(ss, fd->name, true),
			      "ctflow-flows(7): %s() field `%s=' is not documented", attr, fd->name);
		if (fd->alias)
			ck_assert_msg(in_subsection(ss, fd->alias, true),
				      "ctflow-flows(7): %s() field `%s=' (alias) is not documented",
				      attr, fd->alias);
	}
}

/* Rows of a nested key table (tunnel, nsh), inside the parent's subsection. */
static void check_nested_keys(int ss, const char *attr, const struct ctf_attr_table *t)
{
	for (unsigned type = 0; type <= t->max_type; type++) {
		const struct ctf_attr_desc *d = ctf_attr_row(t, type);

		if (!d)
			continue;
		if (d->n_fields)
			check_fields(ss, attr, d);
		else
			ck_assert_msg(in_subsection(ss, d->name, false),
				      "ctflow-flows(7): %s(%s) is not documented", attr, d->name);
	}
}

START_TEST(test_checker_can_fail)
{
	/* The checks below mean something only if a missing name is noticed. */
	ck_assert_int_eq(key_subsection("no_such_key"), -1);
	ck_assert(!in_section(section("ACTIONS"), L_TAG, "no_such_action", false));
	ck_assert(!has_name("tcp_flags(FLAGS)", "tcp", false));
	ck_assert(has_name("tcp(FIELDS), udp(FIELDS)", "udp", false));
	ck_assert(!has_name("src ADDR", "src", true));
	ck_assert(has_name("src=ADDR", "src", true));
}
END_TEST

START_TEST(test_every_key_attribute)
{
	unsigned n = 0;

	for (unsigned type = 0; type <= ctf_key_table.max_type; type++) {
		const struct ctf_attr_desc *d = ctf_attr_row(&ctf_key_table, type);
		int ss;

		if (!d)
			continue;
		n++;
		ss = key_subsection(d->name);
		ck_assert_msg(ss >= 0, "ctflow-flows(7) has no FLOW KEYS subsection for %s()",
			      d->name);
		check_fields(ss, d->name, d);
		if (d->nested && d->nested != &ctf_key_table)
			check_nested_keys(ss, d->name, d->nested);
	}
	ck_assert_uint_ge(n, 30);
	ck_assert_msg(in_section(section("FLOW KEYS"), L_SS, "keyN", false),
		      "ctflow-flows(7) does not document the raw keyN(HEX) form");
}
END_TEST

START_TEST(test_ct_state_flags)
{
	int ss = key_subsection("ct_state");
	unsigned n = 0;

	ck_assert_int_ge(ss, 0);
	for (unsigned bit = 0; bit < 32; bit++) {
		const char *name = ctf_ct_state_bit_name(1u << bit);

		if (!name)
			continue;
		n++;
		ck_assert_msg(in_subsection(ss, name, false),
			      "ctflow-flows(7): ct_state flag `%s' is not documented", name);
	}
	ck_assert_uint_eq(n, 8);
}
END_TEST

/* The name the key printer gives TCP flag @bit, or "" when it prints a number. */
static void tcp_flag_name(unsigned bit, char *name, size_t size)
{
	struct {
		struct nlattr h;
		uint16_t v, pad;
	} k = { { 6, OVS_KEY_ATTR_TCP_FLAGS }, htons((uint16_t)bit), 0 }, m = k;
	struct ctf_str out;
	const char *p;
	size_t len = 0;

	ctf_str_init(&out);
	ctf_key_format_one(&k.h, &m.h, NULL, 0, &out);
	p = strchr(ctf_str_cstr(&out), '(');
	ck_assert_msg(p, "unexpected tcp_flags print `%s'", ctf_str_cstr(&out));
	p++;
	if (*p == '+' || *p == '|')
		p++;
	while (p[len] >= 'a' && p[len] <= 'z' && len + 1 < size)
		len++;
	memcpy(name, p, len);
	name[len] = '\0';
	ctf_str_free(&out);
}

START_TEST(test_tcp_flag_names)
{
	int ss = key_subsection("tcp_flags");
	unsigned n = 0;

	ck_assert_int_ge(ss, 0);
	for (unsigned bit = 1; bit & CTF_TCP_FLAGS_SUPPORTED; bit <<= 1) {
		char name[32];

		tcp_flag_name(bit, name, sizeof(name));
		if (!*name)
			continue;
		n++;
		ck_assert_msg(in_subsection(ss, name, false),
			      "ctflow-flows(7): tcp_flags flag `%s' is not documented", name);
	}
	ck_assert_uint_ge(n, 9);	/* fin syn rst psh ack urg ece cwr ns */
}
END_TEST

START_TEST(test_every_action)
{
	int sh = section("ACTIONS");
	unsigned n = 0;

	for (unsigned type = 0; type <= ctf_action_attrs.max_type; type++) {
		const struct ctf_attr_desc *d = ctf_attr_row(&ctf_action_attrs, type);
		const struct ctf_attr_table *t;

		if (!d)
			continue;
		n++;
		ck_assert_msg(in_section(sh, L_TAG, d->name, false),
			      "ctflow-flows(7) has no ACTIONS entry for %s", d->name);
		t = d->nested;
		/* clone() nests a plain action list; ct() has its own section. */
		if (!t || t == &ctf_action_attrs || t == &ctf_ct_attrs)
			continue;
		for (unsigned sub = 0; sub <= t->max_type; sub++) {
			const struct ctf_attr_desc *sd = ctf_attr_row(t, sub);

			if (sd)
				ck_assert_msg(in_section(sh, L_TEXT, sd->name, false),
					      "ctflow-flows(7): %s option `%s' is not documented",
					      d->name, sd->name);
		}
	}
	ck_assert_uint_ge(n, 25);
	ck_assert_msg(in_section(sh, L_TAG, "actionN", false),
		      "ctflow-flows(7) does not document the raw actionN(HEX) form");
}
END_TEST

START_TEST(test_ct_and_nat_options)
{
	int sh = section("CT AND NAT");

	for (unsigned type = 0; type <= ctf_ct_attrs.max_type; type++) {
		const struct ctf_attr_desc *d = ctf_attr_row(&ctf_ct_attrs, type);

		if (d)
			ck_assert_msg(in_section(sh, L_TAG, d->name, false),
				      "ctflow-flows(7) has no CT AND NAT entry for ct(%s)", d->name);
	}
	for (unsigned type = 0; type <= ctf_nat_attrs.max_type; type++) {
		const struct ctf_attr_desc *d = ctf_attr_row(&ctf_nat_attrs, type);

		if (d)
			ck_assert_msg(in_section(sh, L_TEXT, d->name, false),
				      "ctflow-flows(7): nat() option `%s' is not documented", d->name);
	}
}
END_TEST

static Suite *manpage_suite(void)
{
	Suite *s = suite_create("manpage_flows");
	TCase *tc = tcase_create("tables");

	tcase_add_checked_fixture(tc, load_page, free_page);
	tcase_add_test(tc, test_checker_can_fail);
	tcase_add_test(tc, test_every_key_attribute);
	tcase_add_test(tc, test_ct_state_flags);
	tcase_add_test(tc, test_tcp_flag_names);
	tcase_add_test(tc, test_every_action);
	tcase_add_test(tc, test_ct_and_nat_options);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run_suite(manpage_suite());
}
