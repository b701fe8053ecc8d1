// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for what dump-conntrack, monitor-conntrack and ct-stats-show
 * add on top of the decoder: the dump request that carries the kernel's
 * share of a filter (read back attribute by attribute), the event type of
 * a ctnetlink message, and ct-stats-show's text (ovs-dpctl's layout).
 */
#include <check.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "ctflow/conntrack.h"
#include "common.h"

/* ---- helpers ------------------------------------------------------------ */

static void parse(struct ctf_ct_filter *f, const char *a, const char *b, const char *c)
{
	char *argv[3] = { (char *)a, (char *)b, (char *)c };
	int argc = c ? 3 : b ? 2 : a ? 1 : 0;
	struct ctf_err err;

	ck_assert_msg(ctf_ct_filter_parse(f, argc, argv, &err) == 0, "%s", err.msg);
}

struct attrs {
	const struct nlattr *tb[CTA_MAX + 1];
};

static int top_cb(const struct nlattr *a, void *data)
{
	struct attrs *at = data;

	if (mnl_attr_get_type(a) <= CTA_MAX)
		at->tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static int nest_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_get_type(a) < 16)
		tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

/* Build the dump request for @f and index its top-level attributes. */
static const struct nlmsghdr *request(char *buf, size_t len, const struct ctf_ct_filter *f,
				      struct attrs *at)
{
	const struct nlmsghdr *nlh = ctf_ct_dump_request(buf, len, f);

	ck_assert_ptr_nonnull(nlh);
	memset(at, 0, sizeof(*at));
	ck_assert_int_eq(nlh->nlmsg_type, (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET);
	ck_assert(nlh->nlmsg_flags & NLM_F_DUMP);
	mnl_attr_parse(nlh, sizeof(struct nfgenmsg), top_cb, at);
	return nlh;
}

static uint8_t family_of(const struct nlmsghdr *nlh)
{
	return ((const struct nfgenmsg *)mnl_nlmsg_get_payload(nlh))->nfgen_family;
}

/* CTA_FILTER's ORIG and REPLY flags ({-1, -1} without CTA_FILTER). */
static void filter_flags(const struct attrs *at, long flags[2])
{
	const struct nlattr *tb[16] = { 0 };

	flags[0] = flags[1] = -1;
	if (!at->tb[CTA_FILTER])
		return;
	mnl_attr_parse_nested(at->tb[CTA_FILTER], nest_cb, tb);
	ck_assert_ptr_nonnull(tb[CTA_FILTER_ORIG_FLAGS]);
	ck_assert_ptr_nonnull(tb[CTA_FILTER_REPLY_FLAGS]);
	flags[0] = mnl_attr_get_u32(tb[CTA_FILTER_ORIG_FLAGS]);
	flags[1] = mnl_attr_get_u32(tb[CTA_FILTER_REPLY_FLAGS]);
}

/* ---- dump requests ------------------------------------------------------ */

START_TEST(request_unfiltered)
{
	char buf[512];
	struct ctf_ct_filter f;
	struct attrs at;
	const struct nlmsghdr *nlh;

	nlh = request(buf, sizeof(buf), NULL, &at);
	ck_assert_int_eq(family_of(nlh), AF_UNSPEC);
	ck_assert_uint_eq(nlh->nlmsg_len, CTF_CT_HDRLEN);
	parse(&f, NULL, NULL, NULL);
	nlh = request(buf, sizeof(buf), &f, &at);
	ck_assert_uint_eq(nlh->nlmsg_len, CTF_CT_HDRLEN);
	/* Too small a buffer is refused, not overrun. */
	ck_assert_ptr_null(ctf_ct_dump_request(buf, CTF_CT_HDRLEN - 1, &f));
}
END_TEST

START_TEST(request_mark_zone)
{
	char buf[512];
	struct ctf_ct_filter f;
	struct attrs at;
	const struct nlmsghdr *nlh;
	long flags[2];

	parse(&f, "zone=7", "mark=0x10/0xf0", NULL);
	nlh = request(buf, sizeof(buf), &f, &at);
	ck_assert_int_eq(family_of(nlh), AF_UNSPEC);
	ck_assert_ptr_nonnull(at.tb[CTA_MARK]);
	ck_assert_ptr_nonnull(at.tb[CTA_MARK_MASK]);
	ck_assert_uint_eq(ntohl(mnl_attr_get_u32(at.tb[CTA_MARK])), 0x10);
	ck_assert_uint_eq(ntohl(mnl_attr_get_u32(at.tb[CTA_MARK_MASK])), 0xf0);
	ck_assert_ptr_nonnull(at.tb[CTA_ZONE]);
	ck_assert_uint_eq(ntohs(mnl_attr_get_u16(at.tb[CTA_ZONE])), 7);
	filter_flags(&at, flags);
	ck_assert_int_eq(flags[0], -1);	/* no tuple: no CTA_FILTER */
	/* A mark without a mask is sent with the full mask. */
	parse(&f, "mark=5", NULL, NULL);
	request(buf, sizeof(buf), &f, &at);
	ck_assert_uint_eq(ntohl(mnl_attr_get_u32(at.tb[CTA_MARK_MASK])), 0xffffffff);
	ck_assert_ptr_null(at.tb[CTA_ZONE]);
	/* Labels are never sent: the kernel cannot filter a dump on them. */
	parse(&f, "labels=0x1/0xff", NULL, NULL);
	request(buf, sizeof(buf), &f, &at);
	ck_assert_ptr_null(at.tb[CTA_LABELS]);
	ck_assert_ptr_null(at.tb[CTA_LABELS_MASK]);
	ck_assert_ptr_null(at.tb[CTA_MARK]);
}
END_TEST

START_TEST(request_tuples_v4)
{
	char buf[512];
	struct ctf_ct_filter f;
	struct attrs at;
	const struct nlmsghdr *nlh;
	const struct nlattr *tuple[16] = { 0 }, *ip[16] = { 0 }, *proto[16] = { 0 };
	long flags[2];

	parse(&f, "ct_nw_src=10.1.1.1,ct_nw_proto=6,ct_tp_dst=80", "ct_nw_dst=10.1.1.1", NULL);
	nlh = request(buf, sizeof(buf), &f, &at);
	ck_assert_int_eq(family_of(nlh), AF_INET);
	filter_flags(&at, flags);
	/* IP_SRC | PROTO_NUM | PROTO_DST_PORT, and IP_DST for the reply. */
	ck_assert_int_eq(flags[0], (1 << 0) | (1 << 3) | (1 << 5));
	ck_assert_int_eq(flags[1], 1 << 1);
	ck_assert_ptr_nonnull(at.tb[CTA_TUPLE_ORIG]);
	ck_assert_ptr_nonnull(at.tb[CTA_TUPLE_REPLY]);
	mnl_attr_parse_nested(at.tb[CTA_TUPLE_ORIG], nest_cb, tuple);
	mnl_attr_parse_nested(tuple[CTA_TUPLE_IP], nest_cb, ip);
	mnl_attr_parse_nested(tuple[CTA_TUPLE_PROTO], nest_cb, proto);
	ck_assert_ptr_nonnull(ip[CTA_IP_V4_SRC]);
	ck_assert_ptr_null(ip[CTA_IP_V4_DST]);	/* only what was given */
	ck_assert_uint_eq(mnl_attr_get_u32(ip[CTA_IP_V4_SRC]), inet_addr("10.1.1.1"));
	ck_assert_uint_eq(mnl_attr_get_u8(proto[CTA_PROTO_NUM]), 6);
	ck_assert_uint_eq(ntohs(mnl_attr_get_u16(proto[CTA_PROTO_DST_PORT])), 80);
	ck_assert_ptr_null(proto[CTA_PROTO_SRC_PORT]);
}
END_TEST

START_TEST(request_tuples_icmp_and_v6)
{
	char buf[512];
	struct ctf_ct_filter f;
	struct attrs at;
	const struct nlmsghdr *nlh;
	long flags[2];

	parse(&f, "ct_nw_dst=10.0.0.2,ct_nw_proto=1,icmp_type=8,icmp_id=3", NULL, NULL);
	request(buf, sizeof(buf), &f, &at);
	filter_flags(&at, flags);
	ck_assert_int_eq(flags[0], (1 << 1) | (1 << 3) | (1 << 6) | (1 << 8));
	ck_assert_int_eq(flags[1], 0);
	/* ICMPv6 fields have their own bits; IPv6 addresses stay in userspace. */
	parse(&f, "ct_ipv6_src=fd00::1,ct_nw_proto=58,icmp_code=0", NULL, NULL);
	nlh = request(buf, sizeof(buf), &f, &at);
	ck_assert_int_eq(family_of(nlh), AF_INET6);
	filter_flags(&at, flags);
	ck_assert_int_eq(flags[0], (1 << 3) | (1 << 10));
	/* Without an address the family is unknown: no CTA_FILTER at all. */
	parse(&f, "ct_nw_proto=17,ct_tp_src=53", NULL, NULL);
	nlh = request(buf, sizeof(buf), &f, &at);
	ck_assert_int_eq(family_of(nlh), AF_UNSPEC);
	ck_assert_ptr_null(at.tb[CTA_FILTER]);
	ck_assert_ptr_null(at.tb[CTA_TUPLE_ORIG]);
	/* Orig in IPv4, reply in IPv6: nothing can match; nothing sent to the kernel. */
	parse(&f, "ct_nw_src=10.0.0.1", "ct_ipv6_src=fd00::1", NULL);
	nlh = request(buf, sizeof(buf), &f, &at);
	ck_assert_int_eq(family_of(nlh), AF_UNSPEC);
	ck_assert_ptr_null(at.tb[CTA_FILTER]);
}
END_TEST

/* ---- the filter on entries dump-conntrack prints ----------------------- */

static struct ctf_ct_entry entry(const char *src, const char *dst, uint8_t proto, uint16_t sp,
				 uint16_t dp, uint16_t zone, uint32_t mark)
{
	struct ctf_ct_entry e;

	memset(&e, 0, sizeof(e));
	e.orig.l3 = e.reply.l3 = AF_INET;
	e.orig.proto = e.reply.proto = proto;
	inet_pton(AF_INET, src, e.orig.src);
	inet_pton(AF_INET, dst, e.orig.dst);
	inet_pton(AF_INET, dst, e.reply.src);
	inet_pton(AF_INET, src, e.reply.dst);
	e.orig.sport = e.reply.dport = sp;
	e.orig.dport = e.reply.sport = dp;
	e.zone = zone;
	e.mark = mark;
	return e;
}

START_TEST(filter_dump_selection)
{
	struct ctf_ct_entry a = entry("10.0.0.1", "10.0.0.2", IPPROTO_TCP, 1000, 80, 0, 0x12);
	struct ctf_ct_entry b = entry("10.0.0.3", "10.0.0.2", IPPROTO_UDP, 53, 53, 5, 0x22);
	struct ctf_ct_filter f;

	/* Zone 0 is a real filter here, even though the kernel reads it as "none". */
	parse(&f, "zone=0", NULL, NULL);
	ck_assert(ctf_ct_filter_match(&f, &a));
	ck_assert(!ctf_ct_filter_match(&f, &b));
	parse(&f, "mark=0x2/0xf", NULL, NULL);
	ck_assert(ctf_ct_filter_match(&f, &a));
	ck_assert(ctf_ct_filter_match(&f, &b));
	parse(&f, "mark=0x20/0xf0", NULL, NULL);
	ck_assert(!ctf_ct_filter_match(&f, &a));
	ck_assert(ctf_ct_filter_match(&f, &b));
	parse(&f, "ct_nw_proto=17", NULL, NULL);
	ck_assert(!ctf_ct_filter_match(&f, &a));
	ck_assert(ctf_ct_filter_match(&f, &b));
	/* A reply tuple alone, after "" for the orig one. */
	parse(&f, "", "ct_nw_src=10.0.0.2,ct_nw_proto=6,ct_tp_dst=1000", NULL);
	ck_assert(ctf_ct_filter_match(&f, &a));
	ck_assert(!ctf_ct_filter_match(&f, &b));
	parse(&f, "zone=5", "ct_nw_src=10.0.0.3", NULL);
	ck_assert(!ctf_ct_filter_match(&f, &a));
	ck_assert(ctf_ct_filter_match(&f, &b));
	b.has_labels = true;
	b.labels[15] = 0x0a;
	parse(&f, "labels=0x2/0x2", NULL, NULL);
	ck_assert(ctf_ct_filter_match(&f, &b));
	ck_assert(!ctf_ct_filter_match(&f, &a));
}
END_TEST

/* ---- events ------------------------------------------------------------- */

START_TEST(event_types)
{
	struct nlmsghdr nlh;

	memset(&nlh, 0, sizeof(nlh));
	nlh.nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;
	nlh.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	ck_assert_int_eq(ctf_ct_event_type(&nlh), CTF_CT_EV_NEW);
	nlh.nlmsg_flags = 0;
	ck_assert_int_eq(ctf_ct_event_type(&nlh), CTF_CT_EV_UPDATE);
	nlh.nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_DELETE;
	ck_assert_int_eq(ctf_ct_event_type(&nlh), CTF_CT_EV_DESTROY);
	/* Expectations and other subsystems are not connection events. */
	nlh.nlmsg_type = (NFNL_SUBSYS_CTNETLINK_EXP << 8) | IPCTNL_MSG_CT_NEW;
	ck_assert_int_eq(ctf_ct_event_type(&nlh), 0);
	nlh.nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET_STATS;
	ck_assert_int_eq(ctf_ct_event_type(&nlh), 0);
	ck_assert_str_eq(ctf_ct_event_name(CTF_CT_EV_NEW), "NEW");
	ck_assert_str_eq(ctf_ct_event_name(CTF_CT_EV_UPDATE), "UPDATE");
	ck_assert_str_eq(ctf_ct_event_name(CTF_CT_EV_DESTROY), "DESTROY");
}
END_TEST

/* ---- ct-stats-show ------------------------------------------------------- */

static const char *stats_text(const struct ctf_ct_stats *st, bool verbose, struct ctf_str *out)
{
	ctf_str_clear(out);
	ctf_ct_stats_format(out, st, verbose);
	return ctf_str_cstr(out);
}

START_TEST(stats_show)
{
	struct ctf_ct_entry tcp = entry("1.1.1.1", "2.2.2.2", IPPROTO_TCP, 1, 2, 0, 0);
	struct ctf_ct_entry udp = entry("1.1.1.1", "2.2.2.2", IPPROTO_UDP, 1, 2, 0, 0);
	struct ctf_ct_entry icmp6 = entry("1.1.1.1", "2.2.2.2", IPPROTO_ICMPV6, 0, 0, 0, 0);
	struct ctf_ct_entry gre = entry("1.1.1.1", "2.2.2.2", IPPROTO_GRE, 0, 0, 0, 0);
	struct ctf_ct_stats st;
	struct ctf_str out = { 0 };

	memset(&st, 0, sizeof(st));
	ck_assert_str_eq(stats_text(&st, true, &out), "Connections Stats:\n    Total: 0\n");
	tcp.protoinfo = IPPROTO_TCP;
	tcp.tcp.state_orig = tcp.tcp.state_reply = CTF_TCPS_ESTABLISHED;
	ctf_ct_stats_add(&st, &tcp);
	ctf_ct_stats_add(&st, &tcp);
	/* SYN_RECV counts as ESTABLISHED, FIN_WAIT_2 as TIME_WAIT (ovs-dpctl's folding). */
	tcp.tcp.state_orig = tcp.tcp.state_reply = CTF_TCPS_SYN_RECV;
	ctf_ct_stats_add(&st, &tcp);
	tcp.tcp.state_orig = tcp.tcp.state_reply = CTF_TCPS_FIN_WAIT_2;
	ctf_ct_stats_add(&st, &tcp);
	ctf_ct_stats_add(&st, &udp);
	ctf_ct_stats_add(&st, &icmp6);
	ctf_ct_stats_add(&st, &gre);
	ck_assert_uint_eq(st.total, 7);
	ck_assert_str_eq(stats_text(&st, false, &out),
			 "Connections Stats:\n    Total: 7\n  TCP: 4\n  UDP: 1\n  Other: 1\n");
	ck_assert_str_eq(stats_text(&st, true, &out),
			 "Connections Stats:\n    Total: 7\n  TCP: 4\n"
			 "    Conn per TCP states:\n\t  [ESTABLISHED]=3\n\t  [TIME_WAIT]=1\n"
			 "  UDP: 1\n  Other: 1\n");
	ck_assert_uint_eq(st.proto[CTF_CT_STATS_ICMPV6], 1);
	ck_assert_str_eq(ctf_ct_stats_proto_name(CTF_CT_STATS_ICMPV6), "ICMPv6");
	ck_assert_ptr_null(ctf_ct_stats_proto_name(CTF_CT_STATS_N));
	ctf_str_free(&out);
}
END_TEST

START_TEST(status_names)
{
	struct ctf_str out = { 0 };

	ctf_ct_format_status(&out, 0);
	ck_assert_str_eq(ctf_str_cstr(&out), "0");
	ctf_str_clear(&out);
	ctf_ct_format_status(&out, (1u << 1) | (1u << 2) | (1u << 3));
	ck_assert_str_eq(ctf_str_cstr(&out), "SEEN_REPLY|ASSURED|CONFIRMED");
	ctf_str_free(&out);
}
END_TEST

static Suite *ctfilter_suite(void)
{
	Suite *s = suite_create("conntrack filter, events, stats");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, request_unfiltered);
	tcase_add_test(tc, request_mark_zone);
	tcase_add_test(tc, request_tuples_v4);
	tcase_add_test(tc, request_tuples_icmp_and_v6);
	tcase_add_test(tc, filter_dump_selection);
	tcase_add_test(tc, event_types);
	tcase_add_test(tc, stats_show);
	tcase_add_test(tc, status_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run_suite(ctfilter_suite());
}
