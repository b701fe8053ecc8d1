// SPDX-License-Identifier: Apache-2.0
/* Unit tests for flow-file lines, the ufid: prefix and the derived UFID. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctflow/flow.h"
#include "ctflow/flowtext.h"
#include "cmd-flow.h"
#include "common.h"

static const char *UFID_TEXT = "ufid:1f2e3d4c-5b6a-7988-a7b6-c5d4e3f20110";

static int parse(const char *text, enum ctf_bulk_verb def, struct ctf_bulk_line *out,
		 struct ctf_err *err, char *buf, size_t size)
{
	snprintf(buf, size, "%s", text);
	return ctf_bulk_parse_line(buf, def, out, err);
}

START_TEST(blank_and_comment_lines_are_skipped)
{
	static const char *lines[] = { "", "   ", "\t\r\n", "# a comment", "   # indented",
				       "\n" };
	struct ctf_bulk_line l;
	struct ctf_err err;
	char buf[256];

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		ck_assert_int_eq(parse(lines[i], CTF_BULK_ADD, &l, &err, buf, sizeof(buf)), 0);
}
END_TEST

START_TEST(default_verb_and_explicit_verbs)
{
	struct ctf_bulk_line l;
	struct ctf_err err;
	char buf[256];

	ck_assert_int_eq(parse("recirc_id(0),in_port(1) 2", CTF_BULK_ADD, &l, &err, buf,
			       sizeof(buf)), 1);
	ck_assert_int_eq(l.verb, CTF_BULK_ADD);
	ck_assert_str_eq(l.flow, "recirc_id(0),in_port(1)");
	ck_assert_str_eq(l.actions, "2");
	ck_assert(!l.has_ufid);

	ck_assert_int_eq(parse("  recirc_id(0),in_port(1)\t ct(commit,zone=5),recirc(1) \r\n",
			       CTF_BULK_MODIFY, &l, &err, buf, sizeof(buf)), 1);
	ck_assert_int_eq(l.verb, CTF_BULK_MODIFY);
	/* ACTIONS is the rest of the line, trimmed, spaces inside kept. */
	ck_assert_str_eq(l.actions, "ct(commit,zone=5),recirc(1)");

	ck_assert_int_eq(parse("modify recirc_id(0) 1,2 # comment", CTF_BULK_ADD, &l, &err, buf,
			       sizeof(buf)), 1);
	ck_assert_int_eq(l.verb, CTF_BULK_MODIFY);
	ck_assert_str_eq(l.flow, "recirc_id(0)");
	ck_assert_str_eq(l.actions, "1,2");

	ck_assert_int_eq(parse("add recirc_id(0) drop", CTF_BULK_DELETE, &l, &err, buf,
			       sizeof(buf)), 1);
	ck_assert_int_eq(l.verb, CTF_BULK_ADD);
	ck_assert_str_eq(l.actions, "drop");

	ck_assert_int_eq(parse("delete recirc_id(0)", CTF_BULK_ADD, &l, &err, buf, sizeof(buf)), 1);
	ck_assert_int_eq(l.verb, CTF_BULK_DELETE);
	ck_assert_ptr_null(l.actions);

	ck_assert_int_eq(parse("recirc_id(0)", CTF_BULK_DELETE, &l, &err, buf, sizeof(buf)), 1);
	ck_assert_int_eq(l.verb, CTF_BULK_DELETE);
	ck_assert_str_eq(l.flow, "recirc_id(0)");
}
END_TEST

START_TEST(bad_lines_say_why)
{
	struct ctf_bulk_line l;
	struct ctf_err err;
	char buf[256];

	ck_assert_int_eq(parse("recirc_id(0)", CTF_BULK_ADD, &l, &err, buf, sizeof(buf)), -EINVAL);
	ck_assert_str_eq(err.msg, "add needs actions after the flow");
	ck_assert_str_ne(err.hint, "");

	ck_assert_int_eq(parse("modify recirc_id(0)  # no actions", CTF_BULK_ADD, &l, &err, buf,
			       sizeof(buf)), -EINVAL);
	ck_assert_str_eq(err.msg, "modify needs actions after the flow");

	ck_assert_int_eq(parse("delete recirc_id(0) 2", CTF_BULK_ADD, &l, &err, buf, sizeof(buf)),
			 -EINVAL);
	ck_assert_msg(strstr(err.msg, "no actions"), "msg: %s", err.msg);

	ck_assert_int_eq(parse("delete", CTF_BULK_ADD, &l, &err, buf, sizeof(buf)), -EINVAL);
	ck_assert_str_eq(err.msg, "`delete' without a flow");

	/* A verb must be a whole word: "added" is a (bad) flow, not a verb. */
	ck_assert_int_eq(parse("added x y", CTF_BULK_DELETE, &l, &err, buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(parse("added x", CTF_BULK_ADD, &l, &err, buf, sizeof(buf)), 1);
	ck_assert_str_eq(l.flow, "added");
	ck_assert_str_eq(l.actions, "x");
}
END_TEST

START_TEST(ufid_prefix)
{
	struct ctf_bulk_line l;
	struct ctf_err err;
	struct ctf_str s;
	char buf[256], text[256];

	snprintf(text, sizeof(text), "%s,recirc_id(0),in_port(1) 2", UFID_TEXT);
	ck_assert_int_eq(parse(text, CTF_BULK_ADD, &l, &err, buf, sizeof(buf)), 1);
	ck_assert(l.has_ufid);
	ck_assert_str_eq(l.flow, "recirc_id(0),in_port(1)");
	ctf_str_init(&s);
	ctf_ufid_format(&l.ufid, &s);
	ck_assert_str_eq(ctf_str_cstr(&s), UFID_TEXT);
	ctf_str_free(&s);

	/* delete by UFID alone. */
	snprintf(text, sizeof(text), "delete %s", UFID_TEXT);
	ck_assert_int_eq(parse(text, CTF_BULK_ADD, &l, &err, buf, sizeof(buf)), 1);
	ck_assert(l.has_ufid);
	ck_assert_str_eq(l.flow, "");

	/* add needs a key too. */
	snprintf(text, sizeof(text), "%s drop", UFID_TEXT);
	ck_assert_int_eq(parse(text, CTF_BULK_ADD, &l, &err, buf, sizeof(buf)), -EINVAL);
	ck_assert_msg(strstr(err.msg, "not only a ufid"), "msg: %s", err.msg);

	/* Malformed UFIDs are refused, naming the token. */
	ck_assert_int_eq(parse("ufid:1234,recirc_id(0) drop", CTF_BULK_ADD, &l, &err, buf,
			       sizeof(buf)), -EINVAL);
	ck_assert_msg(strstr(err.msg, "ufid:1234"), "msg: %s", err.msg);
	ck_assert_int_eq(parse("ufid:zzzzzzzz-5b6a-7988-a7b6-c5d4e3f20110 drop", CTF_BULK_ADD,
			       &l, &err, buf, sizeof(buf)), -EINVAL);
	snprintf(text, sizeof(text), "%sff,recirc_id(0) drop", UFID_TEXT);
	ck_assert_int_eq(parse(text, CTF_BULK_ADD, &l, &err, buf, sizeof(buf)), -EINVAL);
}
END_TEST

START_TEST(split_ufid_on_command_line)
{
	struct ctf_ufid u;
	struct ctf_err err;
	const char *rest;
	bool has;
	char text[256];

	ck_assert_int_eq(ctf_flow_split_ufid("recirc_id(0)", &u, &has, &rest, &err), 0);
	ck_assert(!has);
	ck_assert_str_eq(rest, "recirc_id(0)");
	/* On the command line the key may follow after a space. */
	snprintf(text, sizeof(text), "%s recirc_id(0),in_port(1)", UFID_TEXT);
	ck_assert_int_eq(ctf_flow_split_ufid(text, &u, &has, &rest, &err), 0);
	ck_assert(has);
	ck_assert_str_eq(rest, "recirc_id(0),in_port(1)");
	ck_assert_int_eq(ctf_flow_split_ufid("ufid:", &u, &has, &rest, &err), -EINVAL);
	ck_assert(!has);
}
END_TEST

START_TEST(derived_ufid_is_stable_and_distinct)
{
	uint8_t key1[] = { 8, 0, 20, 0, 0, 0, 0, 0 };
	uint8_t key2[] = { 8, 0, 20, 0, 1, 0, 0, 0 };
	uint8_t mask[] = { 8, 0, 20, 0, 0xff, 0xff, 0xff, 0xff };
	struct ctf_ufid a, b, c, d;

	ctf_ufid_from_match(key1, sizeof(key1), mask, sizeof(mask), &a);
	ctf_ufid_from_match(key1, sizeof(key1), mask, sizeof(mask), &b);
	ck_assert_mem_eq(a.b, b.b, 16);
	ctf_ufid_from_match(key2, sizeof(key2), mask, sizeof(mask), &c);
	ck_assert(memcmp(a.b, c.b, 16));
	ctf_ufid_from_match(key1, sizeof(key1), NULL, 0, &d);
	ck_assert(memcmp(a.b, d.b, 16));
	/* Moving bytes from key to mask changes the UFID (length framing). */
	ctf_ufid_from_match(key1, 4, key1 + 4, 4, &d);
	ctf_ufid_from_match(key1, 8, NULL, 0, &c);
	ck_assert(memcmp(c.b, d.b, 16));
}
END_TEST

/* flow_match_id() of FLOW text; the bytes are appended to @key/@mask if given. */
static struct ctf_ufid match_id_of(const char *text, const void *more_key,
				   const void *more_mask, size_t more_len)
{
	struct ctf_nlbuf key, mask;
	struct ctf_ufid id;
	struct ctf_err err;

	ck_assert_int_eq(ctf_nlbuf_init(&key, 4096), 0);
	ck_assert_int_eq(ctf_nlbuf_init(&mask, 4096), 0);
	ck_assert_msg(ctf_key_parse(text, NULL, &key, &mask, &err) == 0, "%s: %s", text, err.msg);
	uint8_t *k = ctf_xmalloc(ctf_nlbuf_len(&key) + more_len);
	uint8_t *m = ctf_xmalloc(ctf_nlbuf_len(&mask) + more_len);

	memcpy(k, ctf_nlbuf_data(&key), ctf_nlbuf_len(&key));
	memcpy(m, ctf_nlbuf_data(&mask), ctf_nlbuf_len(&mask));
	if (more_len) {
		memcpy(k + ctf_nlbuf_len(&key), more_key, more_len);
		memcpy(m + ctf_nlbuf_len(&mask), more_mask, more_len);
	}
	ck_assert_int_eq(flow_match_id(k, ctf_nlbuf_len(&key) + more_len, m,
				       ctf_nlbuf_len(&mask) + more_len, &id), 0);
	free(k);
	free(m);
	ctf_nlbuf_free(&key);
	ctf_nlbuf_free(&mask);
	return id;
}

/* The identity mod/del/get by FLOW use to find a flow installed with a UFID. */
START_TEST(match_id_is_the_kernels_view_of_a_match)
{
	const char *f = "recirc_id(1),ct_state(+est+trk),eth_type(0x0800),ipv4(frag=no)";
	struct ctf_ufid a = match_id_of(f, NULL, NULL, 0), b;
	/* How the kernel dumps a UFID flow's missing in_port: 0/0xffff0000. */
	const uint8_t in_port_key[] = { 8, 0, 3, 0, 0, 0, 0, 0 };
	const uint8_t in_port_mask[] = { 8, 0, 3, 0, 0, 0, 0xff, 0xff };

	b = match_id_of("ipv4(frag=no),eth_type(0x0800),ct_state(+trk+est),recirc_id(1)", NULL, NULL, 0);
	ck_assert_mem_eq(a.b, b.b, 16);
	b = match_id_of(f, in_port_key, in_port_mask, sizeof(in_port_key));
	ck_assert_mem_eq(a.b, b.b, 16);
	/* Wildcarded fields written out change nothing; a masked value is compared masked. */
	b = match_id_of("recirc_id(1),skb_mark(0/0),ct_state(+est+trk),eth_type(0x0800),"
			"ipv4(src=0.0.0.0/0.0.0.0,frag=no)", NULL, NULL, 0);
	ck_assert_mem_eq(a.b, b.b, 16);
	/* An in_port, another mask, another value, Ethernet or not: other matches. */
	b = match_id_of("recirc_id(1),in_port(0),ct_state(+est+trk),eth_type(0x0800),ipv4(frag=no)",
			NULL, NULL, 0);
	ck_assert(memcmp(a.b, b.b, 16));
	b = match_id_of("recirc_id(1),ct_state(+est+trk),eth_type(0x0800),ipv4(src=10.0.0.0/8,frag=no)",
			NULL, NULL, 0);
	ck_assert(memcmp(a.b, b.b, 16));
	b = match_id_of("recirc_id(2),ct_state(+est+trk),eth_type(0x0800),ipv4(frag=no)", NULL, NULL, 0);
	ck_assert(memcmp(a.b, b.b, 16));
	b = match_id_of("recirc_id(1),eth(),ct_state(+est+trk),eth_type(0x0800),ipv4(frag=no)",
			NULL, NULL, 0);
	ck_assert(memcmp(a.b, b.b, 16));
}
END_TEST

START_TEST(garbage_never_crashes)
{
	static const char alphabet[] = "adeilmofy:#(),= \t\r\n-0123456789abcdef";
	struct ctf_bulk_line l;
	struct ctf_err err;
	char buf[64];

	srand(42);
	for (int i = 0; i < 20000; i++) {
		size_t n = (size_t)rand() % (sizeof(buf) - 1);

		for (size_t j = 0; j < n; j++)
			buf[j] = alphabet[rand() % (int)(sizeof(alphabet) - 1)];
		buf[n] = '\0';
		int ret = ctf_bulk_parse_line(buf, (enum ctf_bulk_verb)(i % 3), &l, &err);
		ck_assert(ret == 0 || ret == 1 || ret == -EINVAL);
		if (ret == 1) {
			ck_assert_ptr_nonnull(l.flow);
			ck_assert(l.verb == CTF_BULK_DELETE || (l.actions && *l.actions));
		} else if (ret < 0) {
			ck_assert_str_ne(err.msg, "");
		}
	}
}
END_TEST

static Suite *bulk_suite(void)
{
	Suite *s = suite_create("bulk");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, blank_and_comment_lines_are_skipped);
	tcase_add_test(tc, default_verb_and_explicit_verbs);
	tcase_add_test(tc, bad_lines_say_why);
	tcase_add_test(tc, ufid_prefix);
	tcase_add_test(tc, split_ufid_on_command_line);
	tcase_add_test(tc, derived_ufid_is_stable_and_distinct);
	tcase_add_test(tc, match_id_is_the_kernels_view_of_a_match);
	tcase_add_test(tc, garbage_never_crashes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run_suite(bulk_suite());
}
