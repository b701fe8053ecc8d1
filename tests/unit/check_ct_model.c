// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for the ct() option table (src/nl/odp/ct-opts.c): every row is
 * parsed, encoded, decoded, printed and parsed back by the same walkers; the
 * rows agree with the attribute length table; every rule a row's flags
 * promise holds in the parser and in validation alike. A new row is covered
 * by these tests without a line here. Also the action-list errors of issue
 * 11: a top-level nat(...) and a list too long for its buffer.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "ctflow/compat.h"
#include "ctflow/flowtext.h"
#include "odp/ct-opts.h"
#include "common.h"

static struct ctf_nlbuf buf;
static struct ctf_str out;
static struct ctf_err err;

static void setup(void)
{
	ctf_nlbuf_init(&buf, CTF_NLBUF_MAX + MNL_NLMSG_HDRLEN);
	ctf_str_init(&out);
}

static void teardown(void)
{
	ctf_nlbuf_free(&buf);
	ctf_str_free(&out);
}

static int parse(const char *text)
{
	return ctf_actions_parse(text, NULL, &buf, &err);
}

/* A value of row @o's kind, as text after the keyword. */
static const char *sample_value(const struct ctf_ct_opt *o)
{
	switch (o->kind) {
	case CTF_CT_U16:
	case CTF_CT_U32:
		return "=7";
	case CTF_CT_U32_MASKED:
	case CTF_CT_U128_MASKED:
		return "=0x5/0xf";
	case CTF_CT_NAME:
		return "=ab";
	default:	/* FLAG, and NEST in its plainest form ("nat") */
		return "";
	}
}

/* The single ct() action in buf, decoded. */
static void decode_one(struct ctf_ct_info *ct)
{
	const struct nlattr *a = ctf_nlbuf_data(&buf);

	ck_assert_uint_eq(mnl_attr_get_type(a), OVS_ACTION_ATTR_CT);
	ck_assert_int_eq(ctf_ct_action_decode(a, ct), 0);
}

/*
 * Every row: "ct(KEYWORD=VALUE)" (with commit when the row needs it) parses,
 * decodes with the row present, passes the checks, prints, and the print
 * parses back to the same bytes.
 */
START_TEST(every_row_round_trips)
{
	for (unsigned i = 0; i < ctf_ct_n_opts; i++) {
		const struct ctf_ct_opt *o = &ctf_ct_opts[i];
		struct ctf_ct_flow flow = { .family = 4, .proto_exact = true };
		char text[128], printed[256];
		struct ctf_ct_info ct;
		uint8_t bytes[256];
		size_t len;

		snprintf(text, sizeof(text), "ct(%s%s%s)", o->flags & CTF_CT_F_NEEDS_COMMIT ?
			 "commit," : "", o->keyword, sample_value(o));
		ck_assert_msg(!parse(text), "`%s' refused: %s", text, err.msg);
		len = ctf_nlbuf_len(&buf);
		ck_assert_uint_le(len, sizeof(bytes));
		memcpy(bytes, ctf_nlbuf_data(&buf), len);
		decode_one(&ct);
		ck_assert_msg(ctf_ct_has(o, &ct), "`%s': %s not decoded", text, o->keyword);
		ck_assert_msg(!ctf_ct_check(&ct, &flow, &err), "`%s': %s", text, err.msg);

		ctf_str_clear(&out);
		ctf_actions_format(ctf_nlbuf_data(&buf), len, NULL, 0, &out);
		ck_assert_msg(strstr(ctf_str_cstr(&out), o->keyword), "`%s' printed `%s'", text,
			      ctf_str_cstr(&out));
		snprintf(printed, sizeof(printed), "%s", ctf_str_cstr(&out));
		ck_assert_msg(!parse(printed), "print `%s' refused: %s", printed, err.msg);
		ck_assert_uint_eq(ctf_nlbuf_len(&buf), len);
		ck_assert_msg(!memcmp(ctf_nlbuf_data(&buf), bytes, len), "`%s' -> `%s' changed bytes",
			      text, printed);
	}
}
END_TEST

/* The option rows and the attribute length rows (action-attrs.c) describe the same attributes. */
START_TEST(rows_agree_with_length_table)
{
	unsigned n = 0;

	for (unsigned t = 0; t <= ctf_ct_attrs.max_type; t++) {
		const struct ctf_attr_desc *d = ctf_attr_row(&ctf_ct_attrs, t);
		const struct ctf_ct_opt *o = ctf_ct_opt_by_attr(t);

		if (!d)
			continue;
		n++;
		ck_assert_msg(o, "OVS_CT_ATTR %u (%s) has no ct option row", t, d->name);
		ck_assert_str_eq(o->keyword, d->name);
		switch (o->kind) {
		case CTF_CT_FLAG:
			ck_assert_int_eq(d->len, 0);
			break;
		case CTF_CT_NAME:
			ck_assert_int_eq(d->len, CTF_LEN_STRZ);
			break;
		case CTF_CT_NEST:
			ck_assert_int_eq(d->len, CTF_LEN_NESTED);
			ck_assert_msg(o->parse && o->put && o->decode && o->print,
				      "nested %s needs all four hooks", o->keyword);
			break;
		default:
			ck_assert_int_eq(d->len, (int)ctf_ct_kind_len(o->kind));
			break;
		}
	}
	ck_assert_uint_eq(n, ctf_ct_n_opts);
}
END_TEST

/* What the flags promise, for every row that has them, in parser and checks alike. */
START_TEST(row_flags_are_rules)
{
	struct ctf_ct_flow flow = { .family = 4, .proto_exact = true };

	for (unsigned i = 0; i < ctf_ct_n_opts; i++) {
		const struct ctf_ct_opt *o = &ctf_ct_opts[i];
		char text[128];
		struct ctf_ct_info ct;

		/* Needs commit: refused by the parser, and by validation without COMMIT. */
		if (o->flags & CTF_CT_F_NEEDS_COMMIT) {
			snprintf(text, sizeof(text), "ct(%s%s)", o->keyword, sample_value(o));
			ck_assert_int_lt(parse(text), 0);
			ck_assert_msg(strstr(err.msg, "needs commit"), "`%s': %s", text, err.msg);
			snprintf(text, sizeof(text), "ct(commit,%s%s)", o->keyword, sample_value(o));
			ck_assert_int_eq(parse(text), 0);
			decode_one(&ct);
			ct.commit = false;
			ck_assert_int_lt(ctf_ct_check(&ct, &flow, &err), 0);
			ck_assert_msg(strstr(err.msg, "needs commit"), "%s: %s", o->keyword, err.msg);
		}
		/* Given twice: refused unless repeatable. */
		snprintf(text, sizeof(text), "ct(commit,%s%s,%s%s)", o->keyword, sample_value(o),
			 o->keyword, sample_value(o));
		if (!strcmp(o->keyword, "commit") || !strcmp(o->keyword, "force_commit"))
			snprintf(text, sizeof(text), "ct(%s,%s)", o->keyword, o->keyword);
		if (o->flags & CTF_CT_F_REPEATABLE) {
			ck_assert_msg(!parse(text), "`%s' refused: %s", text, err.msg);
		} else {
			ck_assert_int_lt(parse(text), 0);
			ck_assert_msg(strstr(err.msg, "given twice"), "`%s': %s", text, err.msg);
		}
		/* Masked values: a zero mask is refused by both. */
		if (o->kind == CTF_CT_U32_MASKED || o->kind == CTF_CT_U128_MASKED) {
			size_t half = ctf_ct_kind_len(o->kind) / 2;

			snprintf(text, sizeof(text), "ct(commit,%s=0/0)", o->keyword);
			ck_assert_int_lt(parse(text), 0);
			ck_assert_msg(strstr(err.msg, "mask 0"), "`%s': %s", text, err.msg);
			snprintf(text, sizeof(text), "ct(commit,%s%s)", o->keyword, sample_value(o));
			ck_assert_int_eq(parse(text), 0);
			decode_one(&ct);
			memset((char *)&ct + o->val + half, 0, half);
			ck_assert_int_lt(ctf_ct_check(&ct, &flow, &err), 0);
			ck_assert_msg(strstr(err.msg, "zero mask"), "%s: %s", o->keyword, err.msg);
		}
	}
}
END_TEST

/* The unknown-option hint lists every row, in the table's order. */
START_TEST(unknown_option_hint_lists_rows)
{
	const char *p;

	ck_assert_int_lt(parse("ct(frob)"), 0);
	p = err.hint;
	for (unsigned i = 0; i < ctf_ct_n_opts; i++) {
		const char *q = strstr(p, ctf_ct_opts[i].keyword);

		ck_assert_msg(q, "hint `%s' lacks %s", err.hint, ctf_ct_opts[i].keyword);
		p = q + strlen(ctf_ct_opts[i].keyword);
	}
	ck_assert_str_eq(err.hint, "ct takes commit, force_commit, zone=N, mark=V[/M], "
			 "label=V[/M], helper=NAME, timeout=NAME, eventmask=N, nat(...); "
			 "see ctflow-flows(7), CT AND NAT");
}
END_TEST

/* Issue 11: a top-level nat(...) points to ct(commit,nat(...)). */
START_TEST(top_level_nat_points_to_ct)
{
	static const char *const texts[] = {
		"nat(src=10.0.0.1)", "1,nat", "clone(nat(dst=10.0.0.2:80)),1",
	};

	for (size_t i = 0; i < CTF_ARRAY_SIZE(texts); i++) {
		ck_assert_int_eq(parse(texts[i]), -EINVAL);
		ck_assert_msg(strstr(err.msg, "is not an action: nat(...) is an option of ct()"),
			      "`%s': %s", texts[i], err.msg);
		ck_assert_msg(strstr(err.hint, "ct(commit,nat(...))"), "`%s': %s", texts[i], err.hint);
	}
	ck_assert_int_eq(parse("nat(src=10.0.0.1)"), -EINVAL);
	ck_assert_str_eq(err.msg, "`nat(src=10.0.0.1)' is not an action: nat(...) is an option of ct()");
	/* natural is still a port name or an unknown action, not nat. */
	ck_assert_int_eq(parse("natural"), -EINVAL);
	ck_assert_ptr_null(strstr(err.msg, "option of ct()"));
}
END_TEST

/* "n,n,...,n" with @n outputs: 8 bytes each once encoded. */
static char *outputs(unsigned n)
{
	char *text = malloc(2 * (size_t)n + 1);

	ck_assert_ptr_nonnull(text);
	for (unsigned i = 0; i < n; i++)
		memcpy(text + 2 * i, "1,", 2);
	text[2 * n - 1] = '\0';
	return text;
}

/* Issue 11: the hint of "does not fit in N bytes" agrees with N. */
START_TEST(too_long_hint_agrees)
{
	struct ctf_nlbuf small;
	char *text = outputs(600);	/* 4800 bytes */

	ck_assert_int_eq(ctf_nlbuf_init(&small, 4096), 0);
	ck_assert_int_eq(ctf_actions_parse(text, NULL, &small, &err), -EMSGSIZE);
	ck_assert_msg(strstr(err.msg, "does not fit in 4080 bytes"), "%s", err.msg);
	ck_assert_msg(strstr(err.hint, "4080 bytes is the room this command gives"), "%s", err.hint);
	ck_assert_ptr_null(strstr(err.hint, "holds at most 65535"));	/* the old, contradicting hint */
	ck_assert_uint_eq(ctf_nlbuf_len(&small), 0);
	ctf_nlbuf_free(&small);
	free(text);

	/* A buffer with room for more than an attribute: the attribute's limit. */
	text = outputs(8192);	/* 65536 bytes */
	ck_assert_int_eq(parse(text), -EMSGSIZE);
	ck_assert_str_eq(err.msg, "action list too long: 65536 bytes, more than the 65535 a "
			 "flow's actions attribute holds");
	ck_assert_str_eq(err.hint, "use fewer actions");
	free(text);
	text = outputs(8193);	/* more than the buffer's room */
	ck_assert_int_eq(parse(text), -EMSGSIZE);
	ck_assert_msg(strstr(err.msg, "does not fit in 65536 bytes"), "%s", err.msg);
	ck_assert_str_eq(err.hint, "use fewer actions");
	free(text);

	/* The largest list that fits is accepted. */
	text = outputs(8191);	/* 65528 bytes */
	ck_assert_int_eq(parse(text), 0);
	free(text);
}
END_TEST

static Suite *ct_model_suite(void)
{
	Suite *s = suite_create("ct_model");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, every_row_round_trips);
	tcase_add_test(tc, rows_agree_with_length_table);
	tcase_add_test(tc, row_flags_are_rules);
	tcase_add_test(tc, unknown_option_hint_lists_rows);
	tcase_add_test(tc, top_level_nat_points_to_ct);
	tcase_add_test(tc, too_long_hint_agrees);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run_suite(ct_model_suite());
}
