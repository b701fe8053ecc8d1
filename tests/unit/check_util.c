// SPDX-License-Identifier: Apache-2.0
/* Unit tests for the string builder, error reports and attribute buffers. */
#include <check.h>
#include <errno.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "ctflow/nlbuf.h"
#include "ctflow/util.h"
#include "common.h"

START_TEST(str_grows_and_formats)
{
	struct ctf_str s;

	ctf_str_init(&s);
	ck_assert_str_eq(ctf_str_cstr(&s), "");
	for (int i = 0; i < 1000; i++)
		ctf_str_printf(&s, "%d,", i);
	ctf_str_chomp(&s, ',');
	ck_assert_uint_eq(s.len, strlen(s.buf));
	ck_assert_msg(!strncmp(s.buf, "0,1,2,", 6), "prefix was %.10s", s.buf);
	ck_assert_msg(s.buf[s.len - 1] == '9', "trailing comma should be chomped");
	ctf_str_clear(&s);
	ck_assert_str_eq(ctf_str_cstr(&s), "");
	ctf_str_free(&s);
}
END_TEST

START_TEST(err_text_has_hint)
{
	struct ctf_err err;
	char buf[1200];

	ck_assert_int_eq(ctf_err_set(&err, "bad token `%s'", "x"), -EINVAL);
	ck_assert_str_eq(ctf_err_text(&err, buf, sizeof(buf)), "bad token `x'");
	ctf_err_hint(&err, "use %s", "y");
	ck_assert_str_eq(ctf_err_text(&err, buf, sizeof(buf)), "bad token `x' (hint: use y)");
	ck_assert_int_eq(ctf_err_setn(&err, -ERANGE, "r"), -ERANGE);
	ck_assert_str_eq(err.hint, "");
}
END_TEST

/* One carrier for parsers and the kernel: the errno travels with the text. */
START_TEST(err_keeps_errno_and_clears_offset)
{
	struct ctf_err err;

	ctf_err_clear(&err);
	ck_assert_int_eq(err.error, 0);
	ck_assert(!err.has_offset);
	ctf_err_set(&err, "bad");
	ck_assert_int_eq(err.error, -EINVAL);
	err.has_offset = true;	/* as if the kernel had blamed an attribute */
	err.offset = 20;
	ctf_err_setn(&err, -ERANGE, "r");
	ck_assert_int_eq(err.error, -ERANGE);
	ck_assert(!err.has_offset);
	ctf_err_hint(&err, "h");
	ctf_err_clear(&err);
	ck_assert_int_eq(err.error, 0);
	ck_assert_str_eq(err.msg, "");
	ck_assert_str_eq(err.hint, "");
}
END_TEST

START_TEST(nlbuf_holds_attributes)
{
	struct ctf_nlbuf b;
	uint32_t v = 7;

	ctf_nlbuf_init(&b, 64);
	ck_assert_uint_eq(ctf_nlbuf_len(&b), 0);
	ck_assert(mnl_attr_put_check(b.nlh, ctf_nlbuf_buflen(&b), 3, sizeof(v), &v));
	ck_assert_uint_eq(ctf_nlbuf_len(&b), 8);
	/* 64 bytes: 16 header + 8 used; a 48-byte attribute no longer fits. */
	char big[44] = { 0 };
	ck_assert(!mnl_attr_put_check(b.nlh, ctf_nlbuf_buflen(&b), 4, sizeof(big), big));
	const struct nlattr *a = ctf_nlbuf_data(&b);
	ck_assert_uint_eq(mnl_attr_get_type(a), 3);
	ck_assert_uint_eq(mnl_attr_get_u32(a), 7);
	ck_assert_int_eq(ctf_nlbuf_set(&b, big, 4000), -EMSGSIZE);
	ctf_nlbuf_reset(&b);
	ck_assert_uint_eq(ctf_nlbuf_len(&b), 0);
	ctf_nlbuf_free(&b);
}
END_TEST

static Suite *util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, str_grows_and_formats);
	tcase_add_test(tc, err_text_has_hint);
	tcase_add_test(tc, err_keeps_errno_and_clears_offset);
	tcase_add_test(tc, nlbuf_holds_attributes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run_suite(util_suite());
}
