// SPDX-License-Identifier: Apache-2.0
/* Unit tests for decoding ovs_flow replies and printing the dump-flows line. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/openvswitch.h>

#include "ctflow/flow.h"
#include "common.h"

static const char *UFID_TEXT = "ufid:bdfbe3e5-60c2-43b0-a5ff-dfcac1c37328";

static const char *stats_text(const struct ctf_flow_info *f, uint64_t now, struct ctf_str *s)
{
	ctf_str_clear(s);
	ctf_flow_stats_format(f, now, s);
	return ctf_str_cstr(s);
}

START_TEST(stats_used_and_flags)
{
	struct ctf_flow_info f = { 0 };
	struct ctf_str s;

	ctf_str_init(&s);
	ck_assert_str_eq(stats_text(&f, 5000, &s), "packets:0, bytes:0, used:never");
	f.packets = 10;
	f.bytes = 860;
	f.used_ms = 4496;
	ck_assert_str_eq(stats_text(&f, 5000, &s), "packets:10, bytes:860, used:0.504s");
	f.used_ms = 5000;
	ck_assert_str_eq(stats_text(&f, 5000, &s), "packets:10, bytes:860, used:0.000s");
	/* A stamp slightly ahead of our clock reads as "just now", not negative. */
	f.used_ms = 5003;
	ck_assert_str_eq(stats_text(&f, 5000, &s), "packets:10, bytes:860, used:0.000s");
	f.used_ms = 1;
	ck_assert_str_eq(stats_text(&f, 123457001, &s), "packets:10, bytes:860, used:123457.000s");
	f.packets = UINT64_MAX;
	f.bytes = UINT64_MAX;
	f.used_ms = 0;
	f.tcp_flags = 0x12;	/* SYN|ACK */
	ck_assert_str_eq(stats_text(&f, 1, &s),
			 "packets:18446744073709551615, bytes:18446744073709551615, used:never, flags:S.");
	ctf_str_free(&s);
}
END_TEST

START_TEST(tcp_flag_letters_in_order)
{
	static const struct {
		uint16_t flags;
		const char *text;
	} cases[] = {
		{ 0x000, "" }, { 0x002, "S" }, { 0x001, "F" }, { 0x01b, "SFP." },
		{ 0x0ff, "SFPRU.EC" }, { 0x1ff, "SFPRU.ECN" }, { 0x014, "R." },
		{ 0x200, "[200]" }, { 0xe02, "S[200][400][800]" },
	};
	struct ctf_str s;

	ctf_str_init(&s);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ctf_str_clear(&s);
		ctf_tcp_flags_format(cases[i].flags, &s);
		ck_assert_str_eq(ctf_str_cstr(&s), cases[i].text);
	}
	ctf_str_free(&s);
}
END_TEST

/* A kernel-style flow message, built the way the kernel lays it out. */
struct msg {
	char buf[4096];
	struct nlmsghdr *nlh;
};

static void msg_init(struct msg *m, uint8_t cmd)
{
	memset(m->buf, 0, sizeof(m->buf));
	m->nlh = mnl_nlmsg_put_header(m->buf);
	m->nlh->nlmsg_type = 0x20;
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(m->nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = OVS_FLOW_VERSION;
	struct ovs_header *oh = mnl_nlmsg_put_extra_header(m->nlh, sizeof(*oh));
	oh->dp_ifindex = 7;
}

static void put_key(struct nlmsghdr *nlh, uint16_t type, uint32_t in_port)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	mnl_attr_put_u32(nlh, OVS_KEY_ATTR_RECIRC_ID, 0);
	mnl_attr_put_u32(nlh, OVS_KEY_ATTR_IN_PORT, in_port);
	mnl_attr_put_u16(nlh, OVS_KEY_ATTR_ETHERTYPE, htons(0x1234));
	mnl_attr_nest_end(nlh, nest);
}

static void put_full_flow(struct msg *m, bool with_ufid, bool empty_actions)
{
	struct ovs_flow_stats st = { .n_packets = 3, .n_bytes = 180 };

	msg_init(m, OVS_FLOW_CMD_NEW);
	if (with_ufid) {
		struct ctf_ufid u;
		size_t n;

		ck_assert_int_eq(ctf_ufid_parse(UFID_TEXT, &u, &n), 0);
		mnl_attr_put(m->nlh, OVS_FLOW_ATTR_UFID, sizeof(u.b), u.b);
	} else {
		/* Identifier of a key-addressed flow: its unmasked key, first. */
		put_key(m->nlh, OVS_FLOW_ATTR_KEY, 99);
	}
	put_key(m->nlh, OVS_FLOW_ATTR_KEY, 1);
	struct nlattr *nest = mnl_attr_nest_start(m->nlh, OVS_FLOW_ATTR_ACTIONS);
	if (!empty_actions)
		mnl_attr_put_u32(m->nlh, OVS_ACTION_ATTR_OUTPUT, 2);
	mnl_attr_nest_end(m->nlh, nest);
	mnl_attr_put(m->nlh, OVS_FLOW_ATTR_STATS, sizeof(st), &st);
	mnl_attr_put_u64(m->nlh, OVS_FLOW_ATTR_USED, 1000);
	mnl_attr_put_u8(m->nlh, OVS_FLOW_ATTR_TCP_FLAGS, 0x12);
	/* An attribute from a future kernel must be skipped. */
	mnl_attr_put_u32(m->nlh, OVS_FLOW_ATTR_MAX + 5, 1);
}

static void key_text(const struct ctf_flow_info *f, unsigned flags, struct ctf_str *s)
{
	ctf_str_clear(s);
	ctf_key_format(f->key, f->key_len, f->mask, f->mask_len, NULL, flags, s);
}

START_TEST(decode_and_print_a_flow)
{
	struct ctf_flow_info f;
	struct msg m;
	struct ctf_str line, key, want;

	ctf_str_init(&line);
	ctf_str_init(&key);
	ctf_str_init(&want);
	put_full_flow(&m, true, false);
	ck_assert_int_eq(ctf_flow_info_parse(m.nlh, &f), 0);
	ck_assert(f.has_ufid);
	ck_assert_uint_eq(f.cmd, OVS_FLOW_CMD_NEW);
	ck_assert_uint_eq(f.packets, 3);
	ck_assert_uint_eq(f.bytes, 180);
	ck_assert_uint_eq(f.used_ms, 1000);
	ck_assert_uint_eq(f.tcp_flags, 0x12);
	ck_assert(f.has_actions);
	ck_assert_ptr_null(f.mask);

	key_text(&f, 0, &key);
	ck_assert_msg(strstr(ctf_str_cstr(&key), "in_port(1)"), "key: %s", ctf_str_cstr(&key));
	ctf_flow_format(&f, 1250, NULL, 0, &line);
	ctf_str_printf(&want, "%s, packets:3, bytes:180, used:0.250s, flags:S., actions:2",
		       ctf_str_cstr(&key));
	ck_assert_str_eq(ctf_str_cstr(&line), ctf_str_cstr(&want));

	/* -m: the ufid first, and the layer. */
	key_text(&f, CTF_FMT_VERBOSE, &key);
	ctf_str_clear(&line);
	ctf_str_clear(&want);
	ctf_flow_format(&f, 1250, NULL, CTF_FMT_VERBOSE, &line);
	ctf_str_printf(&want, "%s, %s, packets:3, bytes:180, used:0.250s, flags:S., dp:ovs, actions:2",
		       UFID_TEXT, ctf_str_cstr(&key));
	ck_assert_str_eq(ctf_str_cstr(&line), ctf_str_cstr(&want));

	ctf_str_free(&line);
	ctf_str_free(&key);
	ctf_str_free(&want);
}
END_TEST

START_TEST(masked_key_wins_and_empty_actions_print_drop)
{
	struct ctf_flow_info f;
	struct msg m;
	struct ctf_str line;

	ctf_str_init(&line);
	put_full_flow(&m, false, true);
	ck_assert_int_eq(ctf_flow_info_parse(m.nlh, &f), 0);
	ck_assert(!f.has_ufid);
	ctf_key_format(f.key, f.key_len, NULL, 0, NULL, 0, &line);
	ck_assert_msg(strstr(ctf_str_cstr(&line), "in_port(1)"), "key: %s", ctf_str_cstr(&line));
	ck_assert_msg(!strstr(ctf_str_cstr(&line), "in_port(99)"), "identifier key printed");
	ctf_str_clear(&line);
	/* Without a UFID, -m prints no ufid. */
	ctf_flow_format(&f, 1000, NULL, CTF_FMT_VERBOSE, &line);
	ck_assert_msg(!strncmp(ctf_str_cstr(&line), "recirc_id(0)", 12), "line: %s",
		      ctf_str_cstr(&line));
	size_t n = strlen(", actions:drop");
	ck_assert(line.len > n);
	ck_assert_str_eq(ctf_str_cstr(&line) + line.len - n, ", actions:drop");

	/* A dump with OMIT_ACTIONS has no ACTIONS attribute: still "drop". */
	msg_init(&m, OVS_FLOW_CMD_GET);
	put_key(m.nlh, OVS_FLOW_ATTR_KEY, 1);
	ck_assert_int_eq(ctf_flow_info_parse(m.nlh, &f), 0);
	ck_assert(!f.has_actions);
	ctf_str_clear(&line);
	ctf_flow_format(&f, 1000, NULL, 0, &line);
	ck_assert_msg(strstr(ctf_str_cstr(&line), ", packets:0, bytes:0, used:never, actions:drop"),
		      "line: %s", ctf_str_cstr(&line));
	ctf_str_free(&line);
}
END_TEST

START_TEST(malformed_messages_are_refused)
{
	struct ctf_flow_info f;
	struct msg m;

	/* Too short for the headers. */
	msg_init(&m, OVS_FLOW_CMD_NEW);
	m.nlh->nlmsg_len = NLMSG_HDRLEN + 2;
	ck_assert_int_eq(ctf_flow_info_parse(m.nlh, &f), -EINVAL);

	/* STATS shorter than struct ovs_flow_stats. */
	msg_init(&m, OVS_FLOW_CMD_NEW);
	mnl_attr_put_u32(m.nlh, OVS_FLOW_ATTR_STATS, 1);
	ck_assert_int_eq(ctf_flow_info_parse(m.nlh, &f), -EINVAL);

	/* A UFID longer than 16 bytes. */
	char big[20] = { 1 };
	msg_init(&m, OVS_FLOW_CMD_NEW);
	mnl_attr_put(m.nlh, OVS_FLOW_ATTR_UFID, sizeof(big), big);
	ck_assert_int_eq(ctf_flow_info_parse(m.nlh, &f), -EINVAL);

	/* Truncations of a good message at every length never crash. */
	put_full_flow(&m, true, false);
	uint32_t full = m.nlh->nlmsg_len;
	for (uint32_t len = NLMSG_HDRLEN; len < full; len++) {
		m.nlh->nlmsg_len = len;
		int ret = ctf_flow_info_parse(m.nlh, &f);
		ck_assert(ret == 0 || ret == -EINVAL);
	}

	/* Random attribute bytes after valid headers. */
	srand(7);
	for (int i = 0; i < 5000; i++) {
		msg_init(&m, OVS_FLOW_CMD_NEW);
		size_t n = (size_t)rand() % 200;
		unsigned char *p = mnl_nlmsg_get_payload_tail(m.nlh);
		for (size_t j = 0; j < n; j++)
			p[j] = (unsigned char)rand();
		m.nlh->nlmsg_len += (uint32_t)n;
		int ret = ctf_flow_info_parse(m.nlh, &f);
		ck_assert(ret == 0 || ret == -EINVAL);
		if (ret == 0) {
			struct ctf_str s;

			ctf_str_init(&s);
			ctf_flow_stats_format(&f, 0, &s);
			ctf_str_free(&s);
		}
	}
}
END_TEST

/* A parsed key/mask pair for the filter tests. */
struct match {
	struct ctf_nlbuf key, mask;
};

static void match_parse(struct match *m, const char *text)
{
	struct ctf_err err;

	ctf_nlbuf_init(&m->key, 4096);
	ctf_nlbuf_init(&m->mask, 4096);
	ck_assert_msg(ctf_key_parse(text, NULL, &m->key, &m->mask, &err) == 0, "%s: %s", text,
		      err.msg);
}

static void match_free(struct match *m)
{
	ctf_nlbuf_free(&m->key);
	ctf_nlbuf_free(&m->mask);
}

static bool filter_keeps(const struct match *flow, const char *filter_text)
{
	struct match f;
	bool keep;

	match_parse(&f, filter_text);
	keep = ctf_flow_filter_match(ctf_nlbuf_data(&flow->key), ctf_nlbuf_len(&flow->key),
				     ctf_nlbuf_data(&flow->mask), ctf_nlbuf_len(&flow->mask),
				     ctf_nlbuf_data(&f.key), ctf_nlbuf_len(&f.key),
				     ctf_nlbuf_data(&f.mask), ctf_nlbuf_len(&f.mask));
	match_free(&f);
	return keep;
}

START_TEST(filter_matches_masked_keys)
{
	struct match flow;

	match_parse(&flow, "recirc_id(1),in_port(1),ct_state(+trk+est),ct_zone(0/0),"
		    "eth_type(0x0800),ipv4(src=10.0.0.0/255.0.0.0,frag=no)");
	ck_assert(filter_keeps(&flow, "recirc_id(1)"));
	ck_assert(!filter_keeps(&flow, "recirc_id(2)"));
	ck_assert(filter_keeps(&flow, "recirc_id(1),in_port(1)"));
	ck_assert(!filter_keeps(&flow, "recirc_id(1),in_port(2)"));
	/* Fields the flow wildcards (zero mask, or no attribute) match anything. */
	ck_assert(filter_keeps(&flow, "ct_zone(7)"));
	ck_assert(filter_keeps(&flow, "ct_mark(0x42)"));
	/* Masked fields: only the bits the flow matches on count. */
	ck_assert(filter_keeps(&flow, "eth_type(0x0800),ipv4(src=10.1.2.3)"));
	ck_assert(!filter_keeps(&flow, "eth_type(0x0800),ipv4(src=11.1.2.3)"));
	ck_assert(filter_keeps(&flow, "ct_state(+trk)"));
	ck_assert(!filter_keeps(&flow, "ct_state(-est)"));
	/* The flow does not look at +new, so a +new filter keeps it. */
	ck_assert(filter_keeps(&flow, "ct_state(+new)"));
	ck_assert(!filter_keeps(&flow, "eth_type(0x86dd)"));
	/* The filter's own mask limits what it asks for. */
	ck_assert(filter_keeps(&flow, "recirc_id(1),in_port(0x3/0x1)"));
	ck_assert(!filter_keeps(&flow, "in_port(0x2/0x3)"));
	match_free(&flow);
}
END_TEST

static Suite *flowprint_suite(void)
{
	Suite *s = suite_create("flowprint");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, stats_used_and_flags);
	tcase_add_test(tc, tcp_flag_letters_in_order);
	tcase_add_test(tc, decode_and_print_a_flow);
	tcase_add_test(tc, masked_key_wins_and_empty_actions_print_drop);
	tcase_add_test(tc, malformed_messages_are_refused);
	tcase_add_test(tc, filter_matches_masked_keys);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run_suite(flowprint_suite());
}
