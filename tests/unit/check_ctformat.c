// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for the conntrack pieces that need no kernel: the
 * dump-conntrack formatter (against ovs-dpctl's output), the ctnetlink
 * message decoder (on messages built here with libmnl, including truncated
 * and malformed ones), the flush filter parser/matcher and the ct-limit
 * record packing.
 */
#include <check.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <linux/netfilter/nf_conntrack_sctp.h>
#include <linux/openvswitch.h>

#include "ctflow/conntrack.h"
#include "ctflow/nlsock.h"
#include "common.h"

/* ---- helpers ------------------------------------------------------------ */

static void v4(uint8_t out[16], const char *s)
{
	memset(out, 0, 16);
	ck_assert_int_eq(inet_pton(AF_INET, s, out), 1);
}

static void v6(uint8_t out[16], const char *s)
{
	ck_assert_int_eq(inet_pton(AF_INET6, s, out), 1);
}

static struct ctf_ct_tuple tuple4(const char *src, const char *dst, uint8_t proto, uint16_t sp,
				  uint16_t dp)
{
	struct ctf_ct_tuple t;

	memset(&t, 0, sizeof(t));
	t.l3 = AF_INET;
	t.proto = proto;
	v4(t.src, src);
	v4(t.dst, dst);
	t.sport = sp;
	t.dport = dp;
	return t;
}

static struct ctf_ct_tuple icmp4(const char *src, const char *dst, uint16_t id, uint8_t type)
{
	struct ctf_ct_tuple t = tuple4(src, dst, IPPROTO_ICMP, 0, 0);

	t.icmp_id = id;
	t.icmp_type = type;
	return t;
}

/* Format @e and compare with @want. */
static void check_line(const struct ctf_ct_entry *e, bool verbose, bool stats, const char *want)
{
	struct ctf_str s = { 0 };

	ctf_ct_format_entry(&s, e, verbose, stats);
	ck_assert_str_eq(ctf_str_cstr(&s), want);
	ctf_str_free(&s);
}

/* ---- formatter ---------------------------------------------------------- */

START_TEST(fmt_icmp)
{
	struct ctf_ct_entry e = { 0 };

	e.orig = icmp4("10.1.1.1", "10.1.1.2", 4660, 8);
	e.reply = icmp4("10.1.1.2", "10.1.1.1", 4660, 0);
	check_line(&e, false, false,
		   "icmp,orig=(src=10.1.1.1,dst=10.1.1.2,id=4660,type=8,code=0),"
		   "reply=(src=10.1.1.2,dst=10.1.1.1,id=4660,type=0,code=0)");
}
END_TEST

START_TEST(fmt_icmpv6_compressed)
{
	struct ctf_ct_entry e = { 0 };

	e.orig.l3 = e.reply.l3 = AF_INET6;
	e.orig.proto = e.reply.proto = IPPROTO_ICMPV6;
	v6(e.orig.src, "fc00:0:0:0:0:0:0:1");
	v6(e.orig.dst, "fc00::2");
	memcpy(e.reply.src, e.orig.dst, 16);
	memcpy(e.reply.dst, e.orig.src, 16);
	e.orig.icmp_id = 7;
	e.orig.icmp_type = 128;
	e.reply.icmp_id = 7;
	e.reply.icmp_type = 129;
	check_line(&e, false, false,
		   "icmpv6,orig=(src=fc00::1,dst=fc00::2,id=7,type=128,code=0),"
		   "reply=(src=fc00::2,dst=fc00::1,id=7,type=129,code=0)");
}
END_TEST

START_TEST(fmt_udp_zone_mark_labels)
{
	struct ctf_ct_entry e = { 0 };

	e.orig = tuple4("10.1.1.2", "10.1.1.1", IPPROTO_UDP, 2, 1);
	e.reply = tuple4("10.1.1.1", "10.1.1.2", IPPROTO_UDP, 1, 2);
	e.zone = 5;
	e.labels[11] = 0xaa;	/* 0xaa00000000 */
	e.has_labels = true;
	check_line(&e, false, false,
		   "udp,orig=(src=10.1.1.2,dst=10.1.1.1,sport=2,dport=1),"
		   "reply=(src=10.1.1.1,dst=10.1.1.2,sport=1,dport=2),zone=5,labels=0xaa00000000");
	memset(e.labels, 0, 16);
	e.zone = 0;
	e.mark = 170;	/* decimal, as ovs-dpctl prints it */
	check_line(&e, false, false,
		   "udp,orig=(src=10.1.1.2,dst=10.1.1.1,sport=2,dport=1),"
		   "reply=(src=10.1.1.1,dst=10.1.1.2,sport=1,dport=2),mark=170");
	/* Full 128 bits: no truncation of the high half. */
	memset(e.labels, 0, 16);
	e.labels[0] = 0x01;
	e.labels[15] = 0xff;
	e.mark = 0;
	check_line(&e, false, false,
		   "udp,orig=(src=10.1.1.2,dst=10.1.1.1,sport=2,dport=1),"
		   "reply=(src=10.1.1.1,dst=10.1.1.2,sport=1,dport=2),"
		   "labels=0x10000000000000000000000000000ff");
}
END_TEST

START_TEST(fmt_tcp_states)
{
	static const struct {
		uint8_t orig, reply;
		const char *want;
	} cases[] = {
		{ CTF_TCPS_ESTABLISHED, CTF_TCPS_ESTABLISHED, "ESTABLISHED" },
		{ CTF_TCPS_FIN_WAIT_2, CTF_TCPS_FIN_WAIT_2, "TIME_WAIT" },
		{ CTF_TCPS_SYN_RECV, CTF_TCPS_SYN_RECV, "ESTABLISHED" },
		{ CTF_TCPS_SYN_SENT, CTF_TCPS_CLOSE_WAIT, "CLOSE_WAIT" },	/* the larger */
		{ CTF_TCPS_LAST_ACK, CTF_TCPS_SYN_SENT, "LAST_ACK" },
		{ CTF_TCPS_CLOSED, CTF_TCPS_CLOSED, "CLOSED" },
		{ 42, 1, "[42]" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ctf_ct_entry e = { 0 };
		char want[256];

		e.orig = tuple4("10.1.1.1", "10.1.1.2", IPPROTO_TCP, 40000, 80);
		e.reply = tuple4("10.1.1.2", "10.1.1.1", IPPROTO_TCP, 80, 40000);
		e.zone = 1;
		e.protoinfo = IPPROTO_TCP;
		e.tcp.state_orig = cases[i].orig;
		e.tcp.state_reply = cases[i].reply;
		snprintf(want, sizeof(want),
			 "tcp,orig=(src=10.1.1.1,dst=10.1.1.2,sport=40000,dport=80),"
			 "reply=(src=10.1.1.2,dst=10.1.1.1,sport=80,dport=40000),zone=1,"
			 "protoinfo=(state=%s)", cases[i].want);
		check_line(&e, false, false, want);
	}
}
END_TEST

START_TEST(fmt_tcp_verbose_and_status)
{
	struct ctf_ct_entry e = { 0 };

	e.orig = tuple4("10.1.1.1", "10.1.1.2", IPPROTO_TCP, 40000, 80);
	e.reply = tuple4("10.1.1.2", "10.1.1.1", IPPROTO_TCP, 80, 40000);
	e.id = 3735928559u;
	e.status = IPS_SEEN_REPLY | IPS_ASSURED | IPS_CONFIRMED;
	e.protoinfo = IPPROTO_TCP;
	e.tcp.state_orig = e.tcp.state_reply = CTF_TCPS_SYN_RECV;
	e.tcp.wscale_orig = 7;
	e.tcp.wscale_reply = 9;
	e.tcp.flags_orig = IP_CT_TCP_FLAG_WINDOW_SCALE | IP_CT_TCP_FLAG_SACK_PERM;
	e.tcp.flags_reply = 0;
	/* -m shows the raw state, not the coalesced one, and both directions. */
	check_line(&e, true, false,
		   "tcp,orig=(src=10.1.1.1,dst=10.1.1.2,sport=40000,dport=80),"
		   "reply=(src=10.1.1.2,dst=10.1.1.1,sport=80,dport=40000),id=3735928559,"
		   "status=SEEN_REPLY|ASSURED|CONFIRMED,protoinfo=(state_orig=SYN_RECV,"
		   "state_reply=SYN_RECV,wscale_orig=7,wscale_reply=9,"
		   "flags_orig=WINDOW_SCALE|SACK_PERM,flags_reply=0)");
	/* No wscale: the pair is left out; no known status bit: "0", like ovs-dpctl. */
	e.tcp.wscale_orig = e.tcp.wscale_reply = 0;
	e.status = IPS_HELPER | IPS_OFFLOAD;	/* bits ovs-dpctl has no name for */
	e.tcp.flags_reply = IP_CT_TCP_FLAG_MAXACK_SET | IP_CT_TCP_FLAG_BE_LIBERAL;
	check_line(&e, true, false,
		   "tcp,orig=(src=10.1.1.1,dst=10.1.1.2,sport=40000,dport=80),"
		   "reply=(src=10.1.1.2,dst=10.1.1.1,sport=80,dport=40000),id=3735928559,"
		   "status=0,protoinfo=(state_orig=SYN_RECV,state_reply=SYN_RECV,"
		   "flags_orig=WINDOW_SCALE|SACK_PERM,flags_reply=BE_LIBERAL|MAXACK_SET)");
}
END_TEST

START_TEST(fmt_sctp_generic_helper_parent)
{
	struct ctf_ct_entry e = { 0 };

	e.orig = tuple4("10.1.1.1", "10.1.1.2", IPPROTO_SCTP, 1, 2);
	e.reply = tuple4("10.1.1.2", "10.1.1.1", IPPROTO_SCTP, 2, 1);
	e.protoinfo = IPPROTO_SCTP;
	e.sctp.state = CTF_SCTPS_ESTABLISHED;
	e.sctp.vtag_orig = 11;
	e.sctp.vtag_reply = 22;
	check_line(&e, false, false,
		   "sctp,orig=(src=10.1.1.1,dst=10.1.1.2,sport=1,dport=2),"
		   "reply=(src=10.1.1.2,dst=10.1.1.1,sport=2,dport=1),"
		   "protoinfo=(state=ESTABLISHED,vtag_orig=11,vtag_reply=22)");

	memset(&e, 0, sizeof(e));
	e.orig = tuple4("192.168.0.30", "224.0.0.18", 112, 0, 0);
	e.reply = tuple4("224.0.0.18", "192.168.0.30", 112, 0, 0);
	check_line(&e, false, false,
		   "112,orig=(src=192.168.0.30,dst=224.0.0.18,sport=0,dport=0),"
		   "reply=(src=224.0.0.18,dst=192.168.0.30,sport=0,dport=0)");

	memset(&e, 0, sizeof(e));
	e.orig = tuple4("10.1.1.1", "10.1.1.2", IPPROTO_TCP, 40001, 20);
	e.reply = tuple4("10.1.1.2", "10.1.1.1", IPPROTO_TCP, 20, 40001);
	snprintf(e.helper, sizeof(e.helper), "ftp");
	e.parent = tuple4("10.1.1.1", "10.1.1.2", IPPROTO_TCP, 40000, 21);
	/* parent= only with -m */
	check_line(&e, false, false,
		   "tcp,orig=(src=10.1.1.1,dst=10.1.1.2,sport=40001,dport=20),"
		   "reply=(src=10.1.1.2,dst=10.1.1.1,sport=20,dport=40001),helper=ftp");
	check_line(&e, true, false,
		   "tcp,orig=(src=10.1.1.1,dst=10.1.1.2,sport=40001,dport=20),"
		   "reply=(src=10.1.1.2,dst=10.1.1.1,sport=20,dport=40001),id=0,status=0,"
		   "helper=ftp,parent=(src=10.1.1.1,dst=10.1.1.2,sport=40000,dport=21)");

	ck_assert_str_eq(ctf_ct_tcp_state_name(CTF_TCPS_TIME_WAIT), "TIME_WAIT");
	ck_assert_ptr_null(ctf_ct_tcp_state_name(CTF_TCPS_N));
	ck_assert_str_eq(ctf_ct_sctp_state_name(CTF_SCTPS_HEARTBEAT_ACKED), "HEARTBEAT_ACKED");
	ck_assert_ptr_null(ctf_ct_sctp_state_name(CTF_SCTPS_N));
}
END_TEST

START_TEST(fmt_stats)
{
	struct ctf_ct_entry e = { 0 };

	setenv("TZ", "UTC", 1);
	tzset();
	e.orig = tuple4("10.1.1.1", "10.1.1.2", IPPROTO_UDP, 1, 2);
	e.reply = tuple4("10.1.1.2", "10.1.1.1", IPPROTO_UDP, 2, 1);
	e.timeout = 29;
	/* No counters, no timestamps: only timeout. */
	check_line(&e, false, true,
		   "udp,orig=(src=10.1.1.1,dst=10.1.1.2,sport=1,dport=2),"
		   "reply=(src=10.1.1.2,dst=10.1.1.1,sport=2,dport=1),timeout=29");
	e.packets_orig = 3;
	e.bytes_orig = 252;
	e.bytes_reply = 84;	/* bytes alone is enough to print the pair */
	e.start_ns = 1700000000123456789ull;	/* 2023-11-14T22:13:20.123 UTC */
	e.zone = 9;
	e.mark = 1;
	check_line(&e, false, true,
		   "udp,orig=(src=10.1.1.1,dst=10.1.1.2,sport=1,dport=2,packets=3,bytes=252),"
		   "reply=(src=10.1.1.2,dst=10.1.1.1,sport=2,dport=1,packets=0,bytes=84),"
		   "start=2023-11-14T22:13:20.123,zone=9,timeout=29,mark=1");
	e.stop_ns = 1700000001999000000ull;
	check_line(&e, false, true,
		   "udp,orig=(src=10.1.1.1,dst=10.1.1.2,sport=1,dport=2,packets=3,bytes=252),"
		   "reply=(src=10.1.1.2,dst=10.1.1.1,sport=2,dport=1,packets=0,bytes=84),"
		   "start=2023-11-14T22:13:20.123,stop=2023-11-14T22:13:21.999,zone=9,"
		   "timeout=29,mark=1");
	/* Without -s none of it shows. */
	check_line(&e, false, false,
		   "udp,orig=(src=10.1.1.1,dst=10.1.1.2,sport=1,dport=2),"
		   "reply=(src=10.1.1.2,dst=10.1.1.1,sport=2,dport=1),zone=9,mark=1");
}
END_TEST

START_TEST(fmt_proto_names)
{
	static const struct {
		uint8_t p;
		const char *n;
	} c[] = { { 1, "icmp" }, { 58, "icmpv6" }, { 6, "tcp" }, { 17, "udp" }, { 132, "sctp" },
		  { 136, "udplite" }, { 33, "dccp" }, { 2, "igmp" }, { 47, "47" }, { 0, "0" } };

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct ctf_str s = { 0 };

		ctf_ct_format_proto(&s, c[i].p);
		ck_assert_str_eq(ctf_str_cstr(&s), c[i].n);
		ctf_str_free(&s);
	}
}
END_TEST

/* ---- decoder ------------------------------------------------------------ */

static char msgbuf[4096];

static struct nlmsghdr *ct_msg(uint8_t family, uint8_t type)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(msgbuf);
	struct nfgenmsg *nfg;

	memset(msgbuf, 0, sizeof(msgbuf));
	nlh = mnl_nlmsg_put_header(msgbuf);
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | type;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	return nlh;
}

static void put_tuple4(struct nlmsghdr *nlh, uint16_t type, const char *src, const char *dst,
		       uint8_t proto, uint16_t a, uint16_t b)
{
	struct nlattr *t = mnl_attr_nest_start(nlh, type), *n;
	struct in_addr s, d;

	inet_pton(AF_INET, src, &s);
	inet_pton(AF_INET, dst, &d);
	n = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	mnl_attr_put(nlh, CTA_IP_V4_SRC, 4, &s);
	mnl_attr_put(nlh, CTA_IP_V4_DST, 4, &d);
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, proto);
	if (proto == IPPROTO_ICMP) {
		mnl_attr_put_u16(nlh, CTA_PROTO_ICMP_ID, htons(a));
		mnl_attr_put_u8(nlh, CTA_PROTO_ICMP_TYPE, (uint8_t)b);
		mnl_attr_put_u8(nlh, CTA_PROTO_ICMP_CODE, 0);
	} else {
		mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(a));
		mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(b));
	}
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, t);
}

/* A full TCP entry the way the kernel sends it. */
static struct nlmsghdr *tcp_msg(void)
{
	struct nlmsghdr *nlh = ct_msg(AF_INET, IPCTNL_MSG_CT_NEW);
	struct nlattr *n, *m;
	struct { uint8_t flags, mask; } fl = { IP_CT_TCP_FLAG_SACK_PERM, 0 };
	unsigned long labels[16 / sizeof(unsigned long)] = { 0 };

	put_tuple4(nlh, CTA_TUPLE_ORIG, "10.0.0.1", "10.0.0.2", IPPROTO_TCP, 40000, 80);
	put_tuple4(nlh, CTA_TUPLE_REPLY, "10.0.0.2", "10.0.0.1", IPPROTO_TCP, 80, 40000);
	mnl_attr_put_u32(nlh, CTA_STATUS, htonl(IPS_CONFIRMED | IPS_ASSURED));
	mnl_attr_put_u32(nlh, CTA_TIMEOUT, htonl(431999));
	mnl_attr_put_u32(nlh, CTA_MARK, htonl(0xaa));
	n = mnl_attr_nest_start(nlh, CTA_COUNTERS_ORIG);
	mnl_attr_put_u64(nlh, CTA_COUNTERS_PACKETS, htobe64(5));
	mnl_attr_put_u64(nlh, CTA_COUNTERS_BYTES, htobe64(300));
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, CTA_COUNTERS_REPLY);
	mnl_attr_put_u64(nlh, CTA_COUNTERS_PACKETS, htobe64(4));
	mnl_attr_put_u64(nlh, CTA_COUNTERS_BYTES, htobe64(250));
	mnl_attr_nest_end(nlh, n);
	mnl_attr_put_u16(nlh, CTA_ZONE, htons(7));
	mnl_attr_put_u32(nlh, CTA_ID, htonl(123456));
	n = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
	m = mnl_attr_nest_start(nlh, CTA_PROTOINFO_TCP);
	mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_STATE, TCP_CONNTRACK_TIME_WAIT);
	mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_WSCALE_ORIGINAL, 7);
	mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_WSCALE_REPLY, 8);
	mnl_attr_put(nlh, CTA_PROTOINFO_TCP_FLAGS_ORIGINAL, sizeof(fl), &fl);
	mnl_attr_put(nlh, CTA_PROTOINFO_TCP_FLAGS_REPLY, sizeof(fl), &fl);
	mnl_attr_nest_end(nlh, m);
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, CTA_HELP);
	mnl_attr_put_strz(nlh, CTA_HELP_NAME, "ftp");
	mnl_attr_nest_end(nlh, n);
	/* Label bits 1, 3 and 5..7 -> 0xea; bit 100 -> 0x10 << 96. */
	labels[0] = 0xea;
	labels[100 / (8 * sizeof(unsigned long))] |= 1ul << (100 % (8 * sizeof(unsigned long)));
	mnl_attr_put(nlh, CTA_LABELS, sizeof(labels), labels);
	/* An attribute from a future kernel must be ignored, not refused. */
	mnl_attr_put_u32(nlh, 200, 0);
	return nlh;
}

START_TEST(decode_tcp)
{
	struct ctf_ct_entry e;
	struct ctf_err err;

	ck_assert_int_eq(ctf_ct_decode(tcp_msg(), &e, &err), 0);
	ck_assert_uint_eq(e.orig.l3, AF_INET);
	ck_assert_uint_eq(e.orig.sport, 40000);
	ck_assert_uint_eq(e.reply.sport, 80);
	ck_assert_uint_eq(e.zone, 7);
	ck_assert_uint_eq(e.id, 123456);
	ck_assert_uint_eq(e.mark, 0xaa);
	ck_assert_uint_eq(e.timeout, 431999);
	ck_assert_uint_eq(e.packets_orig, 5);
	ck_assert_uint_eq(e.bytes_reply, 250);
	ck_assert_uint_eq(e.tcp.state_orig, CTF_TCPS_TIME_WAIT);
	ck_assert_uint_eq(e.tcp.wscale_reply, 8);
	ck_assert_uint_eq(e.tcp.flags_orig, IP_CT_TCP_FLAG_SACK_PERM);
	ck_assert_str_eq(e.helper, "ftp");
	ck_assert(e.has_labels);
	check_line(&e, false, true,
		   "tcp,orig=(src=10.0.0.1,dst=10.0.0.2,sport=40000,dport=80,packets=5,bytes=300),"
		   "reply=(src=10.0.0.2,dst=10.0.0.1,sport=80,dport=40000,packets=4,bytes=250),"
		   "zone=7,timeout=431999,mark=170,labels=0x100000000000000000000000ea,"
		   "protoinfo=(state=TIME_WAIT),helper=ftp");
}
END_TEST

START_TEST(decode_icmp_and_v6)
{
	struct nlmsghdr *nlh = ct_msg(AF_INET, IPCTNL_MSG_CT_NEW);
	struct ctf_ct_entry e;
	struct ctf_err err;

	put_tuple4(nlh, CTA_TUPLE_ORIG, "10.1.1.1", "10.1.1.2", IPPROTO_ICMP, 99, 8);
	put_tuple4(nlh, CTA_TUPLE_REPLY, "10.1.1.2", "10.1.1.1", IPPROTO_ICMP, 99, 0);
	ck_assert_int_eq(ctf_ct_decode(nlh, &e, &err), 0);
	check_line(&e, false, false,
		   "icmp,orig=(src=10.1.1.1,dst=10.1.1.2,id=99,type=8,code=0),"
		   "reply=(src=10.1.1.2,dst=10.1.1.1,id=99,type=0,code=0)");

	/* IPv6 ICMPv6 and a SCTP protoinfo. */
	nlh = ct_msg(AF_INET6, IPCTNL_MSG_CT_NEW);
	for (int dir = 0; dir < 2; dir++) {
		struct nlattr *t = mnl_attr_nest_start(nlh, dir ? CTA_TUPLE_REPLY : CTA_TUPLE_ORIG);
		struct nlattr *n = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
		struct in6_addr a, b;

		inet_pton(AF_INET6, "2001:db8::1", &a);
		inet_pton(AF_INET6, "2001:db8::2", &b);
		mnl_attr_put(nlh, CTA_IP_V6_SRC, 16, dir ? &b : &a);
		mnl_attr_put(nlh, CTA_IP_V6_DST, 16, dir ? &a : &b);
		mnl_attr_nest_end(nlh, n);
		n = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
		mnl_attr_put_u8(nlh, CTA_PROTO_NUM, IPPROTO_ICMPV6);
		mnl_attr_put_u16(nlh, CTA_PROTO_ICMPV6_ID, htons(5));
		mnl_attr_put_u8(nlh, CTA_PROTO_ICMPV6_TYPE, dir ? 129 : 128);
		mnl_attr_put_u8(nlh, CTA_PROTO_ICMPV6_CODE, 0);
		mnl_attr_nest_end(nlh, n);
		mnl_attr_nest_end(nlh, t);
	}
	ck_assert_int_eq(ctf_ct_decode(nlh, &e, &err), 0);
	check_line(&e, false, false,
		   "icmpv6,orig=(src=2001:db8::1,dst=2001:db8::2,id=5,type=128,code=0),"
		   "reply=(src=2001:db8::2,dst=2001:db8::1,id=5,type=129,code=0)");

	nlh = ct_msg(AF_INET, IPCTNL_MSG_CT_NEW);
	put_tuple4(nlh, CTA_TUPLE_ORIG, "10.1.1.1", "10.1.1.2", IPPROTO_SCTP, 1, 2);
	put_tuple4(nlh, CTA_TUPLE_REPLY, "10.1.1.2", "10.1.1.1", IPPROTO_SCTP, 2, 1);
	struct nlattr *p = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
	struct nlattr *s = mnl_attr_nest_start(nlh, CTA_PROTOINFO_SCTP);
	mnl_attr_put_u8(nlh, CTA_PROTOINFO_SCTP_STATE, SCTP_CONNTRACK_COOKIE_ECHOED);
	mnl_attr_put_u32(nlh, CTA_PROTOINFO_SCTP_VTAG_ORIGINAL, 1);
	mnl_attr_put_u32(nlh, CTA_PROTOINFO_SCTP_VTAG_REPLY, 2);
	mnl_attr_nest_end(nlh, s);
	mnl_attr_nest_end(nlh, p);
	ck_assert_int_eq(ctf_ct_decode(nlh, &e, &err), 0);
	ck_assert_uint_eq(e.protoinfo, IPPROTO_SCTP);
	ck_assert_uint_eq(e.sctp.state, CTF_SCTPS_COOKIE_ECHOED);
	ck_assert_uint_eq(e.sctp.vtag_reply, 2);
}
END_TEST

START_TEST(decode_refusals)
{
	struct nlmsghdr *nlh;
	struct ctf_ct_entry e;
	struct ctf_err err;

	/* Not ctnetlink. */
	nlh = ct_msg(AF_INET, IPCTNL_MSG_CT_NEW);
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK_EXP << 8);
	ck_assert_int_eq(ctf_ct_decode(nlh, &e, &err), -EBADMSG);
	ck_assert_msg(strstr(err.msg, "subsystem"), "msg: %s", err.msg);

	/* Unknown family: a distinct error so dumps can skip it. */
	nlh = ct_msg(AF_BRIDGE, IPCTNL_MSG_CT_NEW);
	ck_assert_int_eq(ctf_ct_decode(nlh, &e, &err), -EAFNOSUPPORT);

	/* Missing reply tuple. */
	nlh = ct_msg(AF_INET, IPCTNL_MSG_CT_NEW);
	put_tuple4(nlh, CTA_TUPLE_ORIG, "1.1.1.1", "2.2.2.2", IPPROTO_UDP, 1, 2);
	ck_assert_int_eq(ctf_ct_decode(nlh, &e, &err), -EBADMSG);
	ck_assert_msg(strstr(err.msg, "reply"), "msg: %s", err.msg);

	/* A 2-byte status is refused by name. */
	nlh = ct_msg(AF_INET, IPCTNL_MSG_CT_NEW);
	put_tuple4(nlh, CTA_TUPLE_ORIG, "1.1.1.1", "2.2.2.2", IPPROTO_UDP, 1, 2);
	put_tuple4(nlh, CTA_TUPLE_REPLY, "2.2.2.2", "1.1.1.1", IPPROTO_UDP, 2, 1);
	mnl_attr_put_u16(nlh, CTA_STATUS, 1);
	ck_assert_int_eq(ctf_ct_decode(nlh, &e, &err), -EBADMSG);
	ck_assert_msg(strstr(err.msg, "status"), "msg: %s", err.msg);

	/* A 3-byte IPv4 address inside the tuple. */
	nlh = ct_msg(AF_INET, IPCTNL_MSG_CT_NEW);
	struct nlattr *t = mnl_attr_nest_start(nlh, CTA_TUPLE_ORIG);
	struct nlattr *n = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	mnl_attr_put(nlh, CTA_IP_V4_SRC, 3, "abc");
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, t);
	put_tuple4(nlh, CTA_TUPLE_REPLY, "2.2.2.2", "1.1.1.1", IPPROTO_UDP, 2, 1);
	ck_assert_int_eq(ctf_ct_decode(nlh, &e, &err), -EBADMSG);
	ck_assert_msg(strstr(err.msg, "v4_src"), "msg: %s", err.msg);

	/* ICMP tuple without its type. */
	nlh = ct_msg(AF_INET, IPCTNL_MSG_CT_NEW);
	t = mnl_attr_nest_start(nlh, CTA_TUPLE_ORIG);
	n = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, 1);
	mnl_attr_put_u32(nlh, CTA_IP_V4_DST, 2);
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, IPPROTO_ICMP);
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, t);
	put_tuple4(nlh, CTA_TUPLE_REPLY, "2.2.2.2", "1.1.1.1", IPPROTO_ICMP, 2, 1);
	ck_assert_int_eq(ctf_ct_decode(nlh, &e, &err), -EBADMSG);
	ck_assert_msg(strstr(err.msg, "ICMP"), "msg: %s", err.msg);
}
END_TEST

/* Every truncation and random corruption of a valid message: no crash, no over-read (ASan). */
START_TEST(decode_fuzz)
{
	struct nlmsghdr *nlh = tcp_msg();
	size_t len = nlh->nlmsg_len;
	char *copy = malloc(len);
	struct ctf_ct_entry e;
	struct ctf_err err;
	unsigned ok = 0;

	/* Where the reply tuple ends: any cut before that cannot decode. */
	size_t tuples_end = NLMSG_HDRLEN + 4;
	const struct nlattr *a = (const struct nlattr *)((char *)nlh + tuples_end);

	tuples_end += MNL_ALIGN(a->nla_len);
	a = (const struct nlattr *)((char *)nlh + tuples_end);
	tuples_end += MNL_ALIGN(a->nla_len);

	memcpy(copy, nlh, len);
	for (size_t cut = 0; cut <= len; cut++) {
		/* An exactly-sized heap buffer so ASan sees any read past the end. */
		char *b = malloc(cut > sizeof(struct nlmsghdr) ? cut : sizeof(struct nlmsghdr));
		struct nlmsghdr *h = (struct nlmsghdr *)b;

		memcpy(b, copy, cut > sizeof(*h) ? cut : sizeof(*h));
		h->nlmsg_len = (uint32_t)cut;
		if (ctf_ct_decode(h, &e, &err) == 0) {
			ok++;
			ck_assert_msg(cut >= tuples_end, "cut at %zu inside the tuples decoded", cut);
		}
		free(b);
	}
	/*
	 * Cuts on an attribute boundary after the tuples are well-formed
	 * shorter messages (12 of them, plus 2 that cut only into the 2 padding
	 * bytes after the u16 zone, which carry no data); cuts inside an
	 * attribute must all be refused.
	 */
	ck_assert_uint_eq(ok, 14);

	srand(7);
	for (int round = 0; round < 20000; round++) {
		char *b = malloc(len);

		memcpy(b, copy, len);
		for (int k = 0; k < 3; k++) {
			size_t at = sizeof(struct nlmsghdr) + (size_t)rand() % (len - sizeof(struct nlmsghdr));

			b[at] = (char)rand();
		}
		(void)ctf_ct_decode((struct nlmsghdr *)b, &e, &err);
		free(b);
	}
	free(copy);
}
END_TEST

START_TEST(decode_stats)
{
	struct nlmsghdr *nlh = ct_msg(AF_UNSPEC, IPCTNL_MSG_CT_GET_STATS);
	struct ctf_err err;
	uint32_t n = 0;

	ck_assert_int_eq(ctf_ct_decode_stats(nlh, &n, &err), -ENOENT);
	mnl_attr_put_u32(nlh, CTA_STATS_GLOBAL_ENTRIES, htonl(4242));
	mnl_attr_put_u32(nlh, CTA_STATS_GLOBAL_MAX_ENTRIES, htonl(65536));
	ck_assert_int_eq(ctf_ct_decode_stats(nlh, &n, &err), 0);
	ck_assert_uint_eq(n, 4242);
	nlh->nlmsg_len -= 2;	/* cut into the last attribute */
	ck_assert_int_eq(ctf_ct_decode_stats(nlh, &n, &err), -EBADMSG);
	nlh->nlmsg_len = 8;
	ck_assert_int_eq(ctf_ct_decode_stats(nlh, &n, &err), -EBADMSG);
}
END_TEST

START_TEST(kernel_state_mapping)
{
	ck_assert_uint_eq(ctf_ct_tcp_state_from_kernel(TCP_CONNTRACK_NONE), CTF_TCPS_CLOSED);
	ck_assert_uint_eq(ctf_ct_tcp_state_from_kernel(TCP_CONNTRACK_SYN_SENT2), CTF_TCPS_SYN_SENT);
	ck_assert_uint_eq(ctf_ct_tcp_state_from_kernel(TCP_CONNTRACK_FIN_WAIT), CTF_TCPS_FIN_WAIT_1);
	ck_assert_uint_eq(ctf_ct_tcp_state_from_kernel(TCP_CONNTRACK_CLOSE), CTF_TCPS_CLOSING);
	ck_assert_uint_eq(ctf_ct_tcp_state_from_kernel(200), CTF_TCPS_CLOSED);
	ck_assert_uint_eq(ctf_ct_sctp_state_from_kernel(SCTP_CONNTRACK_NONE), CTF_SCTPS_CLOSED);
	ck_assert_uint_eq(ctf_ct_sctp_state_from_kernel(SCTP_CONNTRACK_HEARTBEAT_SENT),
			  CTF_SCTPS_HEARTBEAT_SENT);
}
END_TEST

/* ---- flush filter --------------------------------------------------------- */

static int parse_args(struct ctf_ct_filter *f, struct ctf_err *err, const char *a0,
		      const char *a1, const char *a2)
{
	char *argv[3] = { (char *)a0, (char *)a1, (char *)a2 };
	int argc = a2 ? 3 : a1 ? 2 : a0 ? 1 : 0;

	return ctf_ct_filter_parse(f, argc, argv, err);
}

START_TEST(filter_refusals)
{
	static const struct {
		const char *arg, *in_msg;
	} bad[] = {
		{ "zone=65536", "zone=65536" },
		{ "zone=-1", "zone=-1" },
		{ "zone=abc", "zone=abc" },
		{ "mark=0x100000000", "mark=0x100000000" },
		{ "mark=1/0xzz", "mark=1/0xzz" },
		{ "labels=0x1000000000000000000000000000000000", "labels=" },
		{ "labels=0xg", "labels=0xg" },
		{ "ct_nw_src=1.2.3", "ct_nw_src=1.2.3" },
		{ "ct_ipv6_dst=fe80::zz", "ct_ipv6_dst" },
		{ "ct_nw_src=1.1.1.1,ct_ipv6_dst=::1", "ct_ipv6_dst" },
		{ "ct_nw_proto=256", "ct_nw_proto=256" },
		{ "ct_tp_src=65536", "ct_tp_src=65536" },
		{ "ct_nw_proto=6,icmp_type=8", "icmp_type" },
		{ "ct_nw_proto=1,ct_tp_dst=80", "ICMP has no ports" },
		{ "ct_nw_src=", "ct_nw_src" },
		{ "ct_nw_src", "ct_nw_src" },
		{ "nw_src=1.1.1.1", "nw_src" },
		{ "icmp_id=70000", "icmp_id=70000" },
	};
	struct ctf_ct_filter f;
	struct ctf_err err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(parse_args(&f, &err, bad[i].arg, NULL, NULL) < 0, "accepted %s",
			      bad[i].arg);
		ck_assert_msg(strstr(err.msg, bad[i].in_msg), "%s: message '%s' does not name it",
			      bad[i].arg, err.msg);
	}
	/* Three tuples, and keywords after a tuple, are refused. */
	ck_assert_int_lt(parse_args(&f, &err, "ct_nw_proto=6", "ct_nw_proto=6", "ct_nw_proto=17"), 0);
	ck_assert_msg(strstr(err.msg, "ct_nw_proto=17"), "%s", err.msg);
	ck_assert_int_lt(parse_args(&f, &err, "zone=1", "zone=2", NULL), 0);
}
END_TEST

START_TEST(filter_match)
{
	struct ctf_ct_filter f;
	struct ctf_err err;
	struct ctf_ct_entry e = { 0 };

	e.orig = tuple4("10.1.1.1", "10.1.1.2", IPPROTO_UDP, 1, 2);
	e.reply = tuple4("10.1.1.2", "10.1.1.1", IPPROTO_UDP, 2, 1);
	e.zone = 5;
	e.mark = 0x37;
	e.labels[15] = 0x0f;

	ck_assert_int_eq(parse_args(&f, &err, NULL, NULL, NULL), 0);
	ck_assert(ctf_ct_filter_is_empty(&f));
	ck_assert(ctf_ct_filter_match(&f, &e));

	ck_assert_int_eq(parse_args(&f, &err, "zone=5", NULL, NULL), 0);
	ck_assert(!ctf_ct_filter_is_empty(&f));
	ck_assert(ctf_ct_filter_match(&f, &e));
	ck_assert_int_eq(parse_args(&f, &err, "zone=0x6", NULL, NULL), 0);
	ck_assert(!ctf_ct_filter_match(&f, &e));

	ck_assert_int_eq(parse_args(&f, &err, "mark=0x30/0xf0", NULL, NULL), 0);
	ck_assert(ctf_ct_filter_match(&f, &e));
	ck_assert_int_eq(parse_args(&f, &err, "mark=0x36", NULL, NULL), 0);
	ck_assert(!ctf_ct_filter_match(&f, &e));

	ck_assert_int_eq(parse_args(&f, &err, "labels=0x3/0x3", NULL, NULL), 0);
	ck_assert(ctf_ct_filter_match(&f, &e));
	ck_assert_int_eq(parse_args(&f, &err, "labels=0x1f", NULL, NULL), 0);
	ck_assert(!ctf_ct_filter_match(&f, &e));

	/* Partial orig tuple. */
	ck_assert_int_eq(parse_args(&f, &err, "zone=5", "ct_nw_src=10.1.1.1,ct_nw_proto=17", NULL), 0);
	ck_assert(ctf_ct_filter_match(&f, &e));
	ck_assert_int_eq(parse_args(&f, &err, "ct_nw_dst=10.1.1.1", NULL, NULL), 0);
	ck_assert(!ctf_ct_filter_match(&f, &e));
	ck_assert_int_eq(parse_args(&f, &err, "ct_tp_src=1,ct_tp_dst=2", NULL, NULL), 0);
	ck_assert(ctf_ct_filter_match(&f, &e));
	/* Reply tuple alone, after '' for the orig. */
	ck_assert_int_eq(parse_args(&f, &err, "", "ct_nw_src=10.1.1.2,ct_tp_src=2", NULL), 0);
	ck_assert(ctf_ct_filter_match(&f, &e));
	ck_assert_int_eq(parse_args(&f, &err, "", "ct_nw_src=10.1.1.1", NULL), 0);
	ck_assert(!ctf_ct_filter_match(&f, &e));
	/* IPv6 filter never matches an IPv4 entry. */
	ck_assert_int_eq(parse_args(&f, &err, "ct_ipv6_src=::1", NULL, NULL), 0);
	ck_assert(!ctf_ct_filter_match(&f, &e));

	/* ICMP. */
	e.orig = icmp4("10.1.1.1", "10.1.1.2", 77, 8);
	e.reply = icmp4("10.1.1.2", "10.1.1.1", 77, 0);
	ck_assert_int_eq(parse_args(&f, &err, "ct_nw_proto=1,icmp_id=77,icmp_type=8,icmp_code=0",
				    NULL, NULL), 0);
	ck_assert(ctf_ct_filter_match(&f, &e));
	ck_assert_int_eq(parse_args(&f, &err, "ct_nw_proto=1,icmp_id=78", NULL, NULL), 0);
	ck_assert(!ctf_ct_filter_match(&f, &e));
}
END_TEST

/* Garbage and truncations of valid filters: refused or accepted, never a crash. */
START_TEST(filter_fuzz)
{
	static const char *const seeds[] = {
		"ct_nw_src=10.1.1.1,ct_nw_dst=10.1.1.2,ct_nw_proto=6,ct_tp_src=1,ct_tp_dst=2",
		"ct_ipv6_src=fd00::1,ct_nw_proto=58,icmp_type=128,icmp_code=0,icmp_id=7",
		"zone=65535", "mark=0xffffffff/0xf", "labels=0xffffffffffffffffffffffffffffffff/0x1",
	};
	static const char alphabet[] = "=,/0x1f:.-ct_nwsrcdpoilabezmkyv6 \xff";
	struct ctf_ct_filter f;
	struct ctf_err err;
	char buf[128];

	srand(11);
	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		size_t n = strlen(seeds[i]);

		for (size_t cut = 0; cut <= n; cut++) {
			char *argv[1] = { buf };

			memcpy(buf, seeds[i], cut);
			buf[cut] = 0;
			(void)ctf_ct_filter_parse(&f, 1, argv, &err);
		}
	}
	for (int round = 0; round < 50000; round++) {
		size_t n = (size_t)rand() % (sizeof(buf) - 1);
		char *argv[2] = { buf, buf + n / 2 };

		for (size_t k = 0; k < n; k++)
			buf[k] = alphabet[(size_t)rand() % (sizeof(alphabet) - 1)];
		buf[n] = 0;
		if (ctf_ct_filter_parse(&f, 1, argv, &err) < 0)
			ck_assert_msg(err.msg[0], "refused `%s' without a message", buf);
		(void)ctf_ct_filter_parse(&f, 2, argv, &err);
	}
}
END_TEST

/* ---- ct limits ------------------------------------------------------------- */

struct got {
	int n;
	struct ctf_ct_zone_limit zl[8];
};

static int got_cb(const struct ctf_ct_zone_limit *zl, void *arg)
{
	struct got *g = arg;

	if (g->n < 8)
		g->zl[g->n] = *zl;
	g->n++;
	return 0;
}

START_TEST(limit_pack_parse)
{
	char buf[512];
	struct ctf_ct_zone_limit in[3] = {
		{ CTF_CT_LIMIT_DEFAULT_ZONE, 10, 0 }, { 0, 1, 0 }, { 65535, 4294967295u, 0 },
	};
	struct nlmsghdr *nlh = ctf_genl_req_init(buf, sizeof(buf), 42, OVS_CT_LIMIT_CMD_SET,
						 OVS_CT_LIMIT_VERSION, 0, 0);
	struct got g = { 0 };
	const struct nlattr *a;

	ck_assert_ptr_nonnull(nlh);
	ck_assert_int_eq(ctf_ct_limit_put(nlh, sizeof(buf), in, 3), 0);
	a = (const struct nlattr *)((char *)nlh + CTF_OVS_HDRLEN);
	ck_assert_uint_eq(mnl_attr_get_type(a), OVS_CT_LIMIT_ATTR_ZONE_LIMIT);
	ck_assert_uint_eq(mnl_attr_get_payload_len(a), 3 * sizeof(struct ovs_zone_limit));
	const struct ovs_zone_limit *rec = mnl_attr_get_payload(a);
	ck_assert_int_eq(rec[0].zone_id, OVS_ZONE_LIMIT_DEFAULT_ZONE);
	ck_assert_uint_eq(rec[2].limit, 4294967295u);

	ck_assert_int_eq(ctf_ct_limit_parse(nlh, got_cb, &g), 0);
	ck_assert_int_eq(g.n, 3);
	ck_assert_int_eq(g.zl[0].zone, -1);
	ck_assert_uint_eq(g.zl[0].limit, 10);
	ck_assert_int_eq(g.zl[2].zone, 65535);

	/* Too small a buffer: refused, not truncated. */
	nlh = ctf_genl_req_init(buf, 64, 42, OVS_CT_LIMIT_CMD_SET, OVS_CT_LIMIT_VERSION, 0, 0);
	ck_assert_int_eq(ctf_ct_limit_put(nlh, 63, in, 3), -EMSGSIZE);

	/* A reply whose array is not a whole number of records. */
	nlh = ctf_genl_req_init(buf, sizeof(buf), 42, OVS_CT_LIMIT_CMD_GET, OVS_CT_LIMIT_VERSION, 0, 0);
	mnl_attr_put(nlh, OVS_CT_LIMIT_ATTR_ZONE_LIMIT, 13, buf + 200);
	ck_assert_int_eq(ctf_ct_limit_parse(nlh, got_cb, &g), -EBADMSG);
}
END_TEST

static Suite *ct_suite(void)
{
	Suite *s = suite_create("conntrack");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, fmt_icmp);
	tcase_add_test(tc, fmt_icmpv6_compressed);
	tcase_add_test(tc, fmt_udp_zone_mark_labels);
	tcase_add_test(tc, fmt_tcp_states);
	tcase_add_test(tc, fmt_tcp_verbose_and_status);
	tcase_add_test(tc, fmt_sctp_generic_helper_parent);
	tcase_add_test(tc, fmt_stats);
	tcase_add_test(tc, fmt_proto_names);
	tcase_add_test(tc, decode_tcp);
	tcase_add_test(tc, decode_icmp_and_v6);
	tcase_add_test(tc, decode_refusals);
	tcase_add_test(tc, decode_fuzz);
	tcase_add_test(tc, decode_stats);
	tcase_add_test(tc, kernel_state_mapping);
	tcase_add_test(tc, filter_refusals);
	tcase_add_test(tc, filter_match);
	tcase_add_test(tc, filter_fuzz);
	tcase_add_test(tc, limit_pack_parse);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run_suite(ct_suite());
}
