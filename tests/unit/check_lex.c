// SPDX-License-Identifier: Apache-2.0
/* Unit tests for the flow language's lexer (src/nl/util/lex.h). */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "../../src/nl/util/lex.h"
#include "common.h"

/* Scan @text in @base; returns the result, *@rest what is left. */
static int num(const char *text, enum ctf_num_base base, uint64_t *v, const char **rest)
{
	const char *p = text;
	int r = ctf_lex_scan_u64(&p, base, v);

	*rest = p;
	return r;
}

START_TEST(numbers_in_each_base)
{
	static const struct {
		const char *in;
		enum ctf_num_base base;
		int r;
		uint64_t v;
		size_t used;
	} cases[] = {
		{ "0", CTF_NUM_DEC, 0, 0, 1 },
		{ "42)", CTF_NUM_DEC, 0, 42, 2 },
		{ "0x1f", CTF_NUM_DEC, 0, 0, 1 },	/* decimal only: "0", then 'x' */
		{ "0x1f", CTF_NUM_AUTO, 0, 31, 4 },
		{ "1f", CTF_NUM_HEX, 0, 31, 2 },
		{ "10", CTF_NUM_HEX, 0, 16, 2 },
		{ "0X1F,", CTF_NUM_HEX, 0, 31, 4 },
		{ "010", CTF_NUM_C, 0, 8, 3 },		/* %i: octal */
		{ "010", CTF_NUM_AUTO, 0, 10, 3 },
		{ "09", CTF_NUM_C, 0, 0, 1 },
		{ " +7", CTF_NUM_C, 0, 7, 3 },
		{ "18446744073709551615", CTF_NUM_DEC, 0, UINT64_MAX, 20 },
		{ "0xffffffffffffffff", CTF_NUM_AUTO, 0, UINT64_MAX, 18 },
		{ "0x00000000000000001", CTF_NUM_AUTO, 0, 1, 19 },
		{ "1234567890123456789", CTF_NUM_DEC, 0, 1234567890123456789ull, 19 },
		{ "18446744073709551616", CTF_NUM_DEC, -ERANGE, 0, 0 },
		{ "0x10000000000000000", CTF_NUM_C, -ERANGE, 0, 0 },
		{ "-1", CTF_NUM_C, -ERANGE, 0, 0 },
		{ "-1", CTF_NUM_DEC, -EINVAL, 0, 0 },
		{ "", CTF_NUM_DEC, -EINVAL, 0, 0 },
		{ "x", CTF_NUM_AUTO, -EINVAL, 0, 0 },
		{ "0x", CTF_NUM_AUTO, -EINVAL, 0, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *rest;
		uint64_t v = 12345;
		int r = num(cases[i].in, cases[i].base, &v, &rest);

		ck_assert_msg(r == cases[i].r, "`%s' base %d: %d, want %d", cases[i].in,
			      cases[i].base, r, cases[i].r);
		if (r == -EINVAL)
			ck_assert_ptr_eq(rest, cases[i].in);
		if (r)
			continue;
		ck_assert_msg(v == cases[i].v, "`%s': %llu", cases[i].in, (unsigned long long)v);
		ck_assert_uint_eq((size_t)(rest - cases[i].in), cases[i].used);
	}
}
END_TEST

START_TEST(number_errors_name_the_token)
{
	struct ctf_err err;
	const char *p = "65536)";
	uint64_t v;

	ck_assert_int_eq(ctf_lex_u64(&p, &err, "ct zone", CTF_NUM_DEC, 65535, &v), -ERANGE);
	ck_assert_str_eq(err.msg, "ct zone `65536' is out of range (0..65535)");
	ck_assert_ptr_nonnull(strstr(err.hint, "never truncated"));
	ck_assert_str_eq(p, "65536)");		/* cursor kept */
	p = "zz,";
	ck_assert_int_eq(ctf_lex_u64(&p, &err, "recirc", CTF_NUM_AUTO, 10, &v), -EINVAL);
	ck_assert_str_eq(err.msg, "recirc needs a decimal number, got `zz'");
	p = "0xg";
	ck_assert_int_eq(ctf_lex_u64(&p, &err, "mark", CTF_NUM_AUTO, 10, &v), -EINVAL);
	ck_assert_str_eq(err.msg, "mark needs a hex number, got `0xg'");
	p = "7";
	ck_assert_int_eq(ctf_lex_u64(&p, NULL, "x", CTF_NUM_DEC, 6, &v), -ERANGE);
	ck_assert_uint_eq(v, 0);		/* no value out of an error */
	/* The bound holds on the short forms' inline path too: hex, a lone 0. */
	p = "0x10,";
	v = 1;
	ck_assert_int_eq(ctf_lex_u64(&p, &err, "mark", CTF_NUM_AUTO, 15, &v), -ERANGE);
	ck_assert_str_eq(err.msg, "mark `0x10' is out of range (0..15)");
	ck_assert_str_eq(p, "0x10,");
	ck_assert_uint_eq(v, 0);
	p = "0x0f)";
	ck_assert_int_eq(ctf_lex_u64(&p, &err, "mark", CTF_NUM_AUTO, 15, &v), 0);
	ck_assert_uint_eq(v, 15);
	ck_assert_str_eq(p, ")");
	p = "0/";
	ck_assert_int_eq(ctf_lex_u64(&p, &err, "zone", CTF_NUM_C, 0, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_str_eq(p, "/");
}
END_TEST

START_TEST(u128_values)
{
	static const uint8_t one_two[16] = { [7] = 1, [15] = 2 };
	struct ctf_err err;
	uint8_t out[16], host[16];
	const char *p;

	p = "0x10000000000000002/";
	ck_assert_int_eq(ctf_lex_u128(&p, &err, "label", CTF_NUM_DEC, out), 0);
	ck_assert_mem_eq(out, one_two, 16);
	ck_assert_str_eq(p, "/");
	p = "0x000000000000000000000000000000000000000000ffffffffffffffffffffffffffffffff";
	ck_assert_int_eq(ctf_lex_u128(&p, &err, "label", CTF_NUM_DEC, out), 0);
	ck_assert_int_eq(out[0], 0xff);
	ck_assert_int_eq(*p, '\0');
	p = "0x1ffffffffffffffffffffffffffffffff";
	ck_assert_int_eq(ctf_lex_u128(&p, &err, "label", CTF_NUM_DEC, out), -ERANGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "128 bits"));
	p = "258";
	ck_assert_int_eq(ctf_lex_u128(&p, &err, "label", CTF_NUM_DEC, out), 0);
	ck_assert_int_eq(out[14], 1);
	ck_assert_int_eq(out[15], 2);
	memcpy(host, out, 16);
	ctf_lex_u128_be_to_host(host);
	ck_assert_int_eq(host[__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? 0 : 15], 2);
	p = "010";
	ck_assert_int_eq(ctf_lex_u128(&p, &err, "label", CTF_NUM_C, out), 0);
	ck_assert_int_eq(out[15], 8);
	p = "-1";
	ck_assert_int_lt(ctf_lex_u128(&p, &err, "label", CTF_NUM_DEC, out), 0);
}
END_TEST

START_TEST(macs)
{
	static const uint8_t want[6] = { 0, 1, 0xab, 0xc, 0xff, 0x10 };
	struct ctf_err err;
	uint8_t mac[6];
	const char *p = "00:01:ab:c:FF:10/";

	ck_assert_int_eq(ctf_lex_mac(&p, &err, "eth src", mac), 0);
	ck_assert_mem_eq(mac, want, 6);
	ck_assert_str_eq(p, "/");
	p = "00:01:02:03:04)";
	ck_assert_int_lt(ctf_lex_mac(&p, &err, "eth src", mac), 0);
	ck_assert_str_eq(err.msg, "eth src at `00:01:02:03:04'");
	p = "001:01:02:03:04:05";
	ck_assert_int_lt(ctf_lex_mac(&p, &err, "eth src", mac), 0);
}
END_TEST

START_TEST(ipv4_addresses)
{
	static const uint8_t want[4] = { 10, 0, 255, 1 };
	struct ctf_err err;
	uint8_t a[4];
	const char *p = "10.0.255.1,";

	ck_assert_int_eq(ctf_lex_ipv4(&p, &err, "src", a), 0);
	ck_assert_mem_eq(a, want, 4);
	ck_assert_str_eq(p, ",");
	p = "1.1.1)";
	ck_assert_int_eq(ctf_lex_ipv4(&p, &err, "src", a), -EINVAL);
	ck_assert_str_eq(err.msg, "src: `1.1.1' is not an IPv4 address: it has 3 of its 4 parts");
	ck_assert_str_eq(p, "1.1.1)");
	p = "1.2.3.256";
	ck_assert_int_eq(ctf_lex_ipv4(&p, &err, "src", a), -ERANGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "octet 256"));
	p = "1.2.3.4.5";
	ck_assert_int_lt(ctf_lex_ipv4(&p, &err, "src", a), 0);
	p = "1.2.3.0004";
	ck_assert_int_lt(ctf_lex_ipv4(&p, &err, "src", a), 0);
	p = "a.b.c.d";
	ck_assert_int_lt(ctf_lex_ipv4(&p, &err, "src", a), 0);
	ck_assert_str_eq(err.msg, "src needs an IPv4 address, got `a.b.c.d'");
}
END_TEST

START_TEST(ipv6_addresses_and_prefixes)
{
	static const uint8_t fd00[16] = { 0xfd, 0 };
	static const uint8_t m64[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct ctf_err err;
	uint8_t a[16], m[16];
	const char *p = "fd00::/64)";

	ck_assert_int_eq(ctf_lex_ipv6(&p, &err, "dst", a), 0);
	ck_assert_mem_eq(a, fd00, 16);
	ck_assert_int_eq(*p++, '/');
	ck_assert_int_eq(ctf_lex_addr_mask(&p, &err, "dst", 16, m), 0);
	ck_assert_mem_eq(m, m64, 16);
	ck_assert_str_eq(p, ")");
	p = "ffff:ffff:ffff:ffff::)";
	ck_assert_int_eq(ctf_lex_addr_mask(&p, &err, "dst", 16, m), 0);
	ck_assert_mem_eq(m, m64, 16);
	p = "1:2:3";
	ck_assert_int_lt(ctf_lex_ipv6(&p, &err, "dst", a), 0);
	ck_assert_str_eq(err.msg, "dst needs an IPv6 address, got `1:2:3'");
	p = "129";
	ck_assert_int_eq(ctf_lex_addr_mask(&p, &err, "dst", 16, m), -ERANGE);
	ck_assert_str_eq(err.msg, "dst: prefix length /129 is out of range (0..128)");
}
END_TEST

START_TEST(prefix_masks)
{
	uint8_t m[4];
	const char *p;
	struct ctf_err err;

	ctf_lex_prefix_mask(0, m, 4);
	ck_assert_mem_eq(m, ((uint8_t[4]){ 0, 0, 0, 0 }), 4);
	ctf_lex_prefix_mask(17, m, 4);
	ck_assert_mem_eq(m, ((uint8_t[4]){ 0xff, 0xff, 0x80, 0 }), 4);
	ctf_lex_prefix_mask(32, m, 4);
	ck_assert_mem_eq(m, ((uint8_t[4]){ 0xff, 0xff, 0xff, 0xff }), 4);
	p = "8)";
	ck_assert_int_eq(ctf_lex_addr_mask(&p, &err, "src", 4, m), 0);
	ck_assert_mem_eq(m, ((uint8_t[4]){ 0xff, 0, 0, 0 }), 4);
	p = "255.255.0.0)";
	ck_assert_int_eq(ctf_lex_addr_mask(&p, &err, "src", 4, m), 0);
	ck_assert_mem_eq(m, ((uint8_t[4]){ 0xff, 0xff, 0, 0 }), 4);
	p = "33";
	ck_assert_int_eq(ctf_lex_addr_mask(&p, &err, "src", 4, m), -ERANGE);
}
END_TEST

START_TEST(tokens_escape_control_bytes)
{
	char buf[CTF_LEX_TOKEN_MAX], small[12];
	struct ctf_err err;

	ck_assert_str_eq(ctf_lex_token("foo,bar", buf, sizeof(buf)), "foo");
	ck_assert_str_eq(ctf_lex_token("f(a,b),c", buf, sizeof(buf)), "f(a,b)");
	ck_assert_str_eq(ctf_lex_token("x)", buf, sizeof(buf)), "x");
	ck_assert_str_eq(ctf_lex_token(")", buf, sizeof(buf)), ")");
	ck_assert_str_eq(ctf_lex_token("", buf, sizeof(buf)), "end of input");
	ck_assert_str_eq(ctf_lex_token("a\ab\x1b[0m\x7f\xc3", buf, sizeof(buf)),
			 "a\\x07b\\x1b[0m\\x7f\\xc3");
	ck_assert_str_eq(ctf_lex_token("abcdefghijklmnop", small, sizeof(small)), "abcdefgh...");
	ck_assert_str_eq(ctf_lex_token("\a\a\a\a", small, sizeof(small)), "\\x07\\x07...");
	ck_assert_int_eq(ctf_lex_bad(&err, "\x01x,", "bad thing"), -EINVAL);
	ck_assert_str_eq(err.msg, "bad thing at `\\x01x'");
	ck_assert_int_eq(ctf_lex_bad(&err, "", "bad thing"), -EINVAL);
	ck_assert_str_eq(err.msg, "bad thing at end of input");
}
END_TEST

START_TEST(classes_and_hex_bytes)
{
	struct ctf_err err;
	uint8_t out[4];
	size_t n;
	const char *p = "0a0B,";

	ck_assert(ctf_lex_is_ident('_') && ctf_lex_is_ident('Z') && !ctf_lex_is_ident('-'));
	ck_assert(ctf_lex_is_delim(',') && ctf_lex_is_delim('\n') && !ctf_lex_is_delim(')'));
	ck_assert_uint_eq(ctf_lex_ident_len("ct_state(+trk)"), 8);
	ck_assert(ctf_lex_name_eq("ipv4", "ipv4(", 4) && !ctf_lex_name_eq("ipv4", "ipv6", 4));
	ck_assert(!ctf_lex_name_eq("ipv4", "ipv", 3));
	ck_assert_int_eq(ctf_lex_hexval('F'), 15);
	ck_assert_int_eq(ctf_lex_hexval('g'), -1);
	ck_assert_str_eq(ctf_lex_skip_blanks(" \t\r\nx"), "x");
	ck_assert_int_eq(ctf_lex_hex_bytes(&p, &err, "data", out, sizeof(out), &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(out[1], 0x0b);
	ck_assert_str_eq(p, ",");
	p = "abc";
	ck_assert_int_lt(ctf_lex_hex_bytes(&p, &err, "data", out, sizeof(out), &n), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "odd number"));
	p = "0102030405";
	ck_assert_int_lt(ctf_lex_hex_bytes(&p, &err, "data", out, sizeof(out), &n), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "longer than 4 bytes"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lex");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, numbers_in_each_base);
	tcase_add_test(tc, number_errors_name_the_token);
	tcase_add_test(tc, u128_values);
	tcase_add_test(tc, macs);
	tcase_add_test(tc, ipv4_addresses);
	tcase_add_test(tc, ipv6_addresses_and_prefixes);
	tcase_add_test(tc, prefix_masks);
	tcase_add_test(tc, tokens_escape_control_bytes);
	tcase_add_test(tc, classes_and_hex_bytes);
	suite_add_tcase(s, tc);
	return ck_run_suite(s);
}
