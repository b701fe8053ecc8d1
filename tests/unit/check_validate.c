// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for ctf_flow_validate(): one test per kernel rule, each
 * asserting the refusal with its message and hint AND the accepted
 * counterpart, so that no rule can pass by refusing everything. Flows come
 * from text where the parser lets the bad case through, and are built with
 * libmnl where the parser (rightly) refuses it first.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>

#include "ctflow/compat.h"
#include "ctflow/flowtext.h"
#include "common.h"

struct flow {
	struct ctf_nlbuf key, mask, acts;
	bool has_mask;
};

static void flow_init(struct flow *f)
{
	ck_assert_int_eq(ctf_nlbuf_init(&f->key, 4096), 0);
	ck_assert_int_eq(ctf_nlbuf_init(&f->mask, 4096), 0);
	ck_assert_int_eq(ctf_nlbuf_init(&f->acts, 4096), 0);
	f->has_mask = false;
}

static void flow_free(struct flow *f)
{
	ctf_nlbuf_free(&f->key);
	ctf_nlbuf_free(&f->mask);
	ctf_nlbuf_free(&f->acts);
}

static void parse_key(struct flow *f, const char *text)
{
	struct ctf_err err;

	ck_assert_msg(ctf_key_parse(text, NULL, &f->key, &f->mask, &err) == 0,
		      "parse of `%s' failed: %s", text, err.msg);
	f->has_mask = true;
}

static void parse_actions(struct flow *f, const char *text)
{
	struct ctf_err err;

	ck_assert_msg(ctf_actions_parse(text, NULL, &f->acts, &err) == 0,
		      "parse of `%s' failed: %s", text, err.msg);
}

static int validate(struct flow *f, struct ctf_err *err)
{
	int ret = ctf_flow_validate(ctf_nlbuf_data(&f->key), ctf_nlbuf_len(&f->key),
				    f->has_mask ? ctf_nlbuf_data(&f->mask) : NULL,
				    f->has_mask ? ctf_nlbuf_len(&f->mask) : 0,
				    ctf_nlbuf_data(&f->acts), ctf_nlbuf_len(&f->acts), err);

	/* Every refusal: the carrier holds the errno returned (0 when accepted). */
	if (err)
		ck_assert_int_eq(err->error, ret);
	return ret;
}

/* Validate text FLOW [ACTIONS]; returns the verdict and fills @err. */
static int check_text(const char *flow, const char *actions, struct ctf_err *err)
{
	struct flow f;
	int ret;

	flow_init(&f);
	parse_key(&f, flow);
	if (actions)
		parse_actions(&f, actions);
	ret = validate(&f, err);
	flow_free(&f);
	return ret;
}

#define assert_refused(ret, err, want_ret, msg_part, hint_part)				\
	do {										\
		ck_assert_int_eq((ret), (want_ret));					\
		ck_assert_msg(strstr((err).msg, (msg_part)) != NULL,			\
			      "message `%s' lacks `%s'", (err).msg, (msg_part));	\
		ck_assert_msg(strstr((err).hint, (hint_part)) != NULL,			\
			      "hint `%s' lacks `%s'", (err).hint, (hint_part));	\
	} while (0)

#define REFUSED(flow, acts, msg_part, hint_part)					\
	do {										\
		struct ctf_err e_;							\
		int r_ = check_text((flow), (acts), &e_);				\
		assert_refused(r_, e_, -EINVAL, (msg_part), (hint_part));		\
	} while (0)

#define ACCEPTED(flow, acts)								\
	do {										\
		struct ctf_err e_;							\
		int r_ = check_text((flow), (acts), &e_);				\
		ck_assert_msg(r_ == 0, "`%s' `%s' refused: %s (hint: %s)", (flow),	\
			      (acts) ? (acts) : "", e_.msg, e_.hint);			\
	} while (0)

/* Streams the text parser would not produce are built with common.h's ck_put*. */

/* ---- expected keys (match_validate) ------------------------------------- */

START_TEST(expect_ipv4_ipv6)
{
	REFUSED("in_port(1),eth(),eth_type(0x0800)", NULL,
		"eth_type(0x0800) needs an ipv4() key", "add ipv4() to match any IPv4 packet");
	ACCEPTED("in_port(1),eth(),eth_type(0x0800),ipv4()", NULL);
	REFUSED("eth(),eth_type(0x86dd)", NULL, "eth_type(0x86dd) needs an ipv6() key", "add ipv6()");
	ACCEPTED("eth(),eth_type(0x86dd),ipv6()", NULL);
}
END_TEST

START_TEST(expect_tcp_and_tcp_flags)
{
	REFUSED("eth(),eth_type(0x0800),ipv4(proto=6)", NULL,
		"ipv4(proto=6) needs tcp() and tcp_flags() keys",
		"add tcp(),tcp_flags(0/0) to match any TCP packet");
	/* tcp() alone is not enough: the kernel wants tcp_flags too. */
	REFUSED("eth(),eth_type(0x0800),ipv4(proto=6),tcp()", NULL,
		"ipv4(proto=6) needs tcp() and tcp_flags() keys", "tcp_flags(0/0)");
	REFUSED("eth(),eth_type(0x86dd),ipv6(proto=6)", NULL,
		"ipv6(proto=6) needs tcp() and tcp_flags() keys", "add tcp(),tcp_flags(0/0)");
	ACCEPTED("eth(),eth_type(0x0800),ipv4(proto=6),tcp(),tcp_flags(0/0)", NULL);
	ACCEPTED("eth(),eth_type(0x86dd),ipv6(proto=6),tcp(dst=22),tcp_flags(0/0)", NULL);
	/* Later fragments have no L4 header, so nothing is expected. */
	ACCEPTED("eth(),eth_type(0x0800),ipv4(proto=6,frag=later)", NULL);
}
END_TEST

START_TEST(expect_udp_sctp_icmp)
{
	REFUSED("eth(),eth_type(0x0800),ipv4(proto=17)", NULL, "ipv4(proto=17) needs a udp() key", "add udp()");
	ACCEPTED("eth(),eth_type(0x0800),ipv4(proto=17),udp()", NULL);
	REFUSED("eth(),eth_type(0x86dd),ipv6(proto=132)", NULL, "ipv6(proto=132) needs an sctp() key", "add sctp()");
	ACCEPTED("eth(),eth_type(0x86dd),ipv6(proto=132),sctp()", NULL);
	REFUSED("eth(),eth_type(0x0800),ipv4(proto=1)", NULL, "ipv4(proto=1) needs an icmp() key", "add icmp()");
	ACCEPTED("eth(),eth_type(0x0800),ipv4(proto=1),icmp()", NULL);
}
END_TEST

START_TEST(expect_icmpv6_and_nd)
{
	REFUSED("eth(),eth_type(0x86dd),ipv6(proto=58)", NULL, "ipv6(proto=58) needs an icmpv6() key",
		"add icmpv6()");
	ACCEPTED("eth(),eth_type(0x86dd),ipv6(proto=58),icmpv6()", NULL);
	REFUSED("eth(),eth_type(0x86dd),ipv6(proto=58),icmpv6(type=135)", NULL,
		"icmpv6(type=135) needs an nd() key", "add nd() to match any neighbour solicitation");
	REFUSED("eth(),eth_type(0x86dd),ipv6(proto=58),icmpv6(type=136)", NULL,
		"icmpv6(type=136) needs an nd() key", "advertisement");
	ACCEPTED("eth(),eth_type(0x86dd),ipv6(proto=58),icmpv6(type=135),nd()", NULL);
	ACCEPTED("eth(),eth_type(0x86dd),ipv6(proto=58),icmpv6(type=128)", NULL);
}
END_TEST

START_TEST(expect_arp_mpls_nsh)
{
	REFUSED("eth(),eth_type(0x0806)", NULL, "eth_type(0x0806) needs an arp() key", "add arp() to match any ARP packet");
	REFUSED("eth(),eth_type(0x8035)", NULL, "eth_type(0x8035) needs an arp() key", "RARP");
	ACCEPTED("eth(),eth_type(0x0806),arp()", NULL);
	REFUSED("eth(),eth_type(0x8847)", NULL, "eth_type(0x8847) needs an mpls() key", "add mpls(");
	ACCEPTED("eth(),eth_type(0x8847),mpls(label=5)", NULL);
	REFUSED("eth(),eth_type(0x894f)", NULL, "eth_type(0x894f) needs an nsh() key", "add nsh(");
}
END_TEST

/* ---- key values (ovs_key_from_nlattrs) ------------------------------------ */

START_TEST(eth_or_ethertype_required)
{
	REFUSED("in_port(1)", NULL, "neither eth() nor eth_type()", "add eth()");
	ACCEPTED("in_port(1),eth()", NULL);
	/* An L3 packet (no Ethernet header) only needs the EtherType. */
	ACCEPTED("in_port(1),eth_type(0x0800),ipv4()", NULL);
}
END_TEST

START_TEST(ethertype_minimum)
{
	REFUSED("eth(),eth_type(0x05ff)", NULL, "eth_type(0x05ff) is below 0x0600", "EtherType >= 0x0600");
	ACCEPTED("eth(),eth_type(0x0600)", NULL);
}
END_TEST

START_TEST(in_port_range)
{
	REFUSED("in_port(65535),eth()", NULL, "in_port(65535) is out of range", "below 65535");
	ACCEPTED("in_port(65534),eth()", NULL);
}
END_TEST

START_TEST(ct_state_unknown_bits)
{
	struct flow f;
	struct ctf_err err;
	struct ovs_key_ethernet eth;

	memset(&eth, 0, sizeof(eth));
	flow_init(&f);
	ck_put_u32(&f.key, OVS_KEY_ATTR_CT_STATE, 0x100);
	ck_put(&f.key, OVS_KEY_ATTR_ETHERNET, &eth, sizeof(eth));
	assert_refused(validate(&f, &err), err, -EINVAL, "ct_state(0x100) has bits outside 0xff", "new,est");
	/* The same bits in a mask are refused too. */
	ctf_nlbuf_reset(&f.key);
	ck_put_u32(&f.key, OVS_KEY_ATTR_CT_STATE, 0x20);
	ck_put(&f.key, OVS_KEY_ATTR_ETHERNET, &eth, sizeof(eth));
	ck_put_u32(&f.mask, OVS_KEY_ATTR_CT_STATE, 0x1020);
	f.has_mask = true;
	assert_refused(validate(&f, &err), err, -EINVAL, "ct_state() mask 0x1020", "in the mask");
	ctf_nlbuf_reset(&f.mask);
	ck_put_u32(&f.mask, OVS_KEY_ATTR_CT_STATE, 0x20);
	ck_assert_int_eq(validate(&f, &err), 0);
	flow_free(&f);
	ACCEPTED("ct_state(+trk+est-inv),eth()", NULL);
}
END_TEST

/* An IPv4 or IPv6 key attribute with one field set to something the parser refuses. */
static void raw_ip_flow(struct flow *f, bool v6, uint8_t frag, uint32_t label)
{
	struct ovs_key_ethernet eth;

	memset(&eth, 0, sizeof(eth));
	ctf_nlbuf_reset(&f->key);
	ck_put(&f->key, OVS_KEY_ATTR_ETHERNET, &eth, sizeof(eth));
	ck_put_be16(&f->key, OVS_KEY_ATTR_ETHERTYPE, v6 ? 0x86dd : 0x0800);
	if (v6) {
		struct ovs_key_ipv6 ip;

		memset(&ip, 0, sizeof(ip));
		ip.ipv6_frag = frag;
		ip.ipv6_label = htonl(label);
		ck_put(&f->key, OVS_KEY_ATTR_IPV6, &ip, sizeof(ip));
	} else {
		struct ovs_key_ipv4 ip;

		memset(&ip, 0, sizeof(ip));
		ip.ipv4_frag = frag;
		ck_put(&f->key, OVS_KEY_ATTR_IPV4, &ip, sizeof(ip));
	}
}

START_TEST(frag_and_label_range)
{
	struct flow f;
	struct ctf_err err;

	flow_init(&f);
	raw_ip_flow(&f, false, 3, 0);
	assert_refused(validate(&f, &err), err, -EINVAL, "ipv4(frag=3) is out of range", "frag=later");
	raw_ip_flow(&f, false, 2, 0);
	ck_assert_int_eq(validate(&f, &err), 0);
	raw_ip_flow(&f, true, 3, 0);
	assert_refused(validate(&f, &err), err, -EINVAL, "ipv6(frag=3) is out of range", "frag=no");
	raw_ip_flow(&f, true, 0, 0x100000);
	assert_refused(validate(&f, &err), err, -EINVAL, "ipv6(label=0x100000) does not fit", "0xfffff");
	raw_ip_flow(&f, true, 0, 0xfffff);
	ck_assert_int_eq(validate(&f, &err), 0);
	flow_free(&f);
}
END_TEST

START_TEST(arp_op_range)
{
	REFUSED("eth(),eth_type(0x0806),arp(op=256)", NULL, "arp(op=256) is out of range", "op=1");
	ACCEPTED("eth(),eth_type(0x0806),arp(op=255)", NULL);
}
END_TEST

/* ---- attribute stream rules (__parse_flow_nlattrs) ------------------------ */

START_TEST(stream_rules)
{
	struct flow f;
	struct ctf_err err;
	struct ovs_key_ethernet eth;
	uint32_t pt = 0;

	memset(&eth, 0, sizeof(eth));
	flow_init(&f);
	/* Accepted base. */
	ck_put(&f.key, OVS_KEY_ATTR_ETHERNET, &eth, sizeof(eth));
	ck_put_u32(&f.key, OVS_KEY_ATTR_IN_PORT, 1);
	ck_assert_int_eq(validate(&f, &err), 0);
	/* Duplicate. */
	ck_put_u32(&f.key, OVS_KEY_ATTR_IN_PORT, 2);
	assert_refused(validate(&f, &err), err, -EINVAL, "duplicate in_port() in the key", "once");
	/* Out of range type. */
	ctf_nlbuf_reset(&f.key);
	ck_put(&f.key, OVS_KEY_ATTR_ETHERNET, &eth, sizeof(eth));
	ck_put_u32(&f.key, OVS_KEY_ATTR_MAX + 1, 1);
	assert_refused(validate(&f, &err), err, -EINVAL, "is out of range", "remove it");
	/* Userspace-only type. */
	ctf_nlbuf_reset(&f.key);
	ck_put(&f.key, OVS_KEY_ATTR_ETHERNET, &eth, sizeof(eth));
	ck_put(&f.key, OVS_KEY_ATTR_PACKET_TYPE, &pt, 4);
	assert_refused(validate(&f, &err), err, -EINVAL, "packet_type() is not accepted from userspace",
		       "remove packet_type()");
	/* Wrong length: ct_zone is a u16. */
	ctf_nlbuf_reset(&f.key);
	ck_put(&f.key, OVS_KEY_ATTR_ETHERNET, &eth, sizeof(eth));
	ck_put_u32(&f.key, OVS_KEY_ATTR_CT_ZONE, 5);
	ck_assert_int_eq(validate(&f, &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, "ct_zone() key attribute is 4 bytes, the kernel wants exactly 2"), "%s", err.msg);
	/* Truncated stream. */
	ctf_nlbuf_reset(&f.key);
	ck_put(&f.key, OVS_KEY_ATTR_ETHERNET, &eth, sizeof(eth));
	ck_assert_int_eq(ctf_flow_validate(ctf_nlbuf_data(&f.key), ctf_nlbuf_len(&f.key) - 3, NULL, 0,
					   NULL, 0, &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, "truncated"), "%s", err.msg);
	flow_free(&f);
}
END_TEST

START_TEST(mpls_label_count)
{
	struct flow f;
	struct ctf_err err;
	struct ovs_key_ethernet eth;
	uint32_t lse[4] = { 0 };

	memset(&eth, 0, sizeof(eth));
	flow_init(&f);
	ck_put(&f.key, OVS_KEY_ATTR_ETHERNET, &eth, sizeof(eth));
	ck_put_be16(&f.key, OVS_KEY_ATTR_ETHERTYPE, 0x8847);
	ck_put(&f.key, OVS_KEY_ATTR_MPLS, lse, sizeof(lse));
	assert_refused(validate(&f, &err), err, -EINVAL, "mpls() holds 16 bytes", "between 1 and 3");
	ctf_nlbuf_reset(&f.key);
	ck_put(&f.key, OVS_KEY_ATTR_ETHERNET, &eth, sizeof(eth));
	ck_put_be16(&f.key, OVS_KEY_ATTR_ETHERTYPE, 0x8847);
	ck_put(&f.key, OVS_KEY_ATTR_MPLS, lse, 12);
	ck_assert_int_eq(validate(&f, &err), 0);
	flow_free(&f);
}
END_TEST

START_TEST(tunnel_needs_ttl_and_dst)
{
	REFUSED("tunnel(tun_id=1,dst=1.1.1.1),eth()", NULL, "tunnel() has no ttl=", "add ttl=64");
	ACCEPTED("tunnel(tun_id=1,dst=1.1.1.1,ttl=64),eth()", NULL);
	REFUSED("tunnel(tun_id=1,src=1.1.1.1,ttl=64),eth()", NULL, "tunnel() has no dst=", "add dst=");
}
END_TEST

/* ---- VLAN (parse_vlan_from_nlattrs) ---------------------------------------- */

START_TEST(vlan_rules)
{
	REFUSED("eth(),eth_type(0x8100),vlan(vid=10)", NULL,
		"eth_type(0x8100) is a VLAN TPID and needs vlan() and encap()", "encap(");
	ACCEPTED("eth(),eth_type(0x8100),vlan(vid=10),encap(eth_type(0x0800),ipv4())", NULL);
	REFUSED("eth(),eth_type(0x8100),vlan(vid=10,cfi=0),encap(eth_type(0x0800),ipv4())", NULL,
		"vlan(tci=0x000a) lacks the CFI/present bit 0x1000", "vlan(vid=N,pcp=P)");
	/* Expected keys apply inside encap() too. */
	REFUSED("eth(),eth_type(0x8100),vlan(vid=10),encap(eth_type(0x0800))", NULL,
		"eth_type(0x0800) needs an ipv4() key", "add ipv4()");
	REFUSED("eth_type(0x8100),vlan(vid=10),encap(eth_type(0x0800),ipv4())", NULL,
		"vlan() needs eth()", "add eth() before eth_type(0x8100)");
	ACCEPTED("eth(),eth_type(0x88a8),vlan(vid=10),encap(eth_type(0x8100),vlan(vid=20),"
		 "encap(eth_type(0x0800),ipv4(proto=17),udp()))", NULL);
}
END_TEST

START_TEST(vlan_mask_rules)
{
	struct flow f;
	struct ctf_err err;
	struct ovs_key_ethernet eth;
	struct nlattr *n;

	memset(&eth, 0, sizeof(eth));
	flow_init(&f);
	ck_put(&f.key, OVS_KEY_ATTR_ETHERNET, &eth, sizeof(eth));
	ck_put_be16(&f.key, OVS_KEY_ATTR_ETHERTYPE, 0x8100);
	ck_put_be16(&f.key, OVS_KEY_ATTR_VLAN, 0x1005);
	n = ck_nest(&f.key, OVS_KEY_ATTR_ENCAP);
	mnl_attr_nest_end(f.key.nlh, n);
	f.has_mask = true;
	ck_put_be16(&f.mask, OVS_KEY_ATTR_ETHERTYPE, 0xff00);
	ck_put_be16(&f.mask, OVS_KEY_ATTR_VLAN, 0x1fff);
	assert_refused(validate(&f, &err), err, -EINVAL, "VLAN TPID eth_type mask is 0xff00", "drop the /mask");
	ctf_nlbuf_reset(&f.mask);
	ck_put_be16(&f.mask, OVS_KEY_ATTR_ETHERTYPE, 0xffff);
	ck_put_be16(&f.mask, OVS_KEY_ATTR_VLAN, 0x0fff);
	assert_refused(validate(&f, &err), err, -EINVAL, "does not match the CFI bit", "cfi");
	ctf_nlbuf_reset(&f.mask);
	ck_put_be16(&f.mask, OVS_KEY_ATTR_ETHERTYPE, 0xffff);
	ck_put_be16(&f.mask, OVS_KEY_ATTR_VLAN, 0x1fff);
	ck_assert_int_eq(validate(&f, &err), 0);
	flow_free(&f);
}
END_TEST

/* ---- masks only under exact parents ---------------------------------------- */

START_TEST(l3_mask_needs_exact_eth_type)
{
	REFUSED("eth(),ipv4(src=1.2.3.4)", NULL, "ipv4() mask needs an exact eth_type(0x0800) in the flow",
		"add eth_type(0x0800) without a mask");
	REFUSED("eth(),eth_type(0x0800),ipv4(),ipv6(src=::1)", NULL,
		"ipv6() mask needs an exact eth_type(0x86dd)", "eth_type(0x86dd)");
	ACCEPTED("eth(),eth_type(0x0800),ipv4(src=1.2.3.4)", NULL);
	/* A fully wildcarded ipv4() needs no parent. */
	ACCEPTED("eth(),ipv4()", NULL);
	/* The kernel would make a partial eth_type mask exact: refused (issue 11). */
	REFUSED("eth(),eth_type(0x0800/0xff00),ipv4(src=1.2.3.4)", "ct(commit)",
		"eth_type(0x0800/0xff00): the kernel matches the EtherType exactly", "drop the /mask");
	/* ...but an all-zero mask counts as absent: no L3 family for ct(). */
	REFUSED("eth(),eth_type(0x0800/0),ipv4()", "ct(commit)", "ct family unspecified", "eth_type(0x0800)");
}
END_TEST

START_TEST(l4_mask_needs_exact_proto)
{
	REFUSED("eth(),eth_type(0x0800),ipv4(proto=6/0xf0),tcp(dst=80),tcp_flags(0/0)", NULL,
		"tcp() mask needs the ip protocol matched exactly", "ipv4(proto=6) without masks");
	ACCEPTED("eth(),eth_type(0x0800),ipv4(proto=6),tcp(dst=80),tcp_flags(0/0)", NULL);
	/* A udp() mask under proto=6 is a mask for the wrong protocol. */
	REFUSED("eth(),eth_type(0x0800),ipv4(proto=6),tcp(),tcp_flags(0/0),udp(dst=53)", NULL,
		"udp() mask needs an exact ipv4(proto=17)", "ipv4(proto=17)");
	/* No L4 mask for later fragments. */
	REFUSED("eth(),eth_type(0x0800),ipv4(proto=17,frag=later),udp(dst=53)", NULL,
		"udp() mask is not allowed for later fragments", "proto=17");
}
END_TEST

START_TEST(nd_mask_needs_exact_icmpv6_type)
{
	REFUSED("eth(),eth_type(0x86dd),ipv6(proto=58),icmpv6(type=135/0xf0),nd(target=::1)", NULL,
		"nd() mask needs an exact icmpv6(type=135)", "icmpv6(type=135)");
	ACCEPTED("eth(),eth_type(0x86dd),ipv6(proto=58),icmpv6(type=135),nd(target=::1)", NULL);
}
END_TEST

START_TEST(mask_for_absent_key_attr)
{
	struct flow f;
	struct ctf_err err;
	struct ovs_key_ethernet eth;
	struct ovs_key_tcp tcp = { 0, 0xffff };

	memset(&eth, 0, sizeof(eth));
	flow_init(&f);
	ck_put(&f.key, OVS_KEY_ATTR_ETHERNET, &eth, sizeof(eth));
	f.has_mask = true;
	ck_put(&f.mask, OVS_KEY_ATTR_TCP, &tcp, sizeof(tcp));
	assert_refused(validate(&f, &err), err, -EINVAL, "tcp() mask is given but the key has no such attribute",
		       "add tcp() to the key");
	/* An all-zero mask attribute counts as absent, as in the kernel. */
	ctf_nlbuf_reset(&f.mask);
	tcp.tcp_dst = 0;
	ck_put(&f.mask, OVS_KEY_ATTR_TCP, &tcp, sizeof(tcp));
	ck_assert_int_eq(validate(&f, &err), 0);
	flow_free(&f);
}
END_TEST

/* ---- ct() ------------------------------------------------------------------ */

START_TEST(ct_needs_exact_ip_eth_type)
{
	REFUSED("in_port(1),eth()", "ct(commit),recirc(1)",
		"ct() needs an exact IPv4 or IPv6 eth_type", "add eth_type(0x0800),ipv4()");
	REFUSED("eth(),eth_type(0x0806),arp()", "ct(commit)", "ct family unspecified", "eth_type(0x0800)");
	ACCEPTED("eth(),eth_type(0x0800),ipv4()", "ct(commit),recirc(1)");
	ACCEPTED("eth(),eth_type(0x86dd),ipv6()", "ct(zone=7),recirc(2)");
	/* Nested ct() is checked too. */
	REFUSED("in_port(1),eth()", "clone(ct(commit))", "ct() needs an exact IPv4 or IPv6 eth_type", "ipv4()");
}
END_TEST

START_TEST(ct_helper_timeout_need_exact_proto)
{
	REFUSED("eth(),eth_type(0x0800),ipv4()", "ct(commit,helper=ftp)",
		"ct(helper=ftp) needs the ip protocol matched exactly", "ipv4(proto=6)");
	REFUSED("eth(),eth_type(0x0800),ipv4()", "ct(commit,timeout=tp1)",
		"ct(timeout=tp1) needs the ip protocol matched exactly", "proto=N");
	ACCEPTED("eth(),eth_type(0x0800),ipv4(proto=6),tcp(),tcp_flags(0/0)", "ct(commit,helper=ftp)");
	ACCEPTED("eth(),eth_type(0x0800),ipv4(proto=17),udp()", "ct(commit,timeout=tp1)");
}
END_TEST

/* ct(...) built by hand: the parser refuses these combinations itself. */
struct ct_opts {
	bool commit, force_commit, commit_after_nat;
	bool mark;
	uint32_t mark_mask;
	bool labels, labels_mask_zero;
	int nat;	/* 0 none, 1 nest */
	bool nat_src, nat_dst, nat_persistent_only, nat_v6_addr;
};

static void put_ct(struct ctf_nlbuf *b, const struct ct_opts *o)
{
	struct nlattr *ct = ck_nest(b, OVS_ACTION_ATTR_CT);

	if (o->commit && !o->commit_after_nat)
		ck_put(b, OVS_CT_ATTR_COMMIT, NULL, 0);
	if (o->force_commit)
		ck_put(b, OVS_CT_ATTR_FORCE_COMMIT, NULL, 0);
	if (o->mark) {
		uint32_t mm[2] = { 1 & o->mark_mask, o->mark_mask };
		ck_put(b, OVS_CT_ATTR_MARK, mm, sizeof(mm));
	}
	if (o->labels) {
		uint8_t l[32] = { 0 };
		l[0] = 1;
		if (!o->labels_mask_zero)
			l[16] = 0xff;
		ck_put(b, OVS_CT_ATTR_LABELS, l, sizeof(l));
	}
	if (o->nat) {
		struct nlattr *nat = ck_nest(b, OVS_CT_ATTR_NAT);
		uint32_t a4 = htonl(0x0a000001);
		uint8_t a6[16] = { 0xfe, 0x80, [15] = 1 };

		if (o->nat_src)
			ck_put(b, OVS_NAT_ATTR_SRC, NULL, 0);
		if (o->nat_dst)
			ck_put(b, OVS_NAT_ATTR_DST, NULL, 0);
		if (o->nat_persistent_only)
			ck_put(b, OVS_NAT_ATTR_PERSISTENT, NULL, 0);
		else if (o->nat_src || o->nat_dst) {
			if (o->nat_v6_addr)
				ck_put(b, OVS_NAT_ATTR_IP_MIN, a6, sizeof(a6));
			else
				ck_put(b, OVS_NAT_ATTR_IP_MIN, &a4, sizeof(a4));
		}
		mnl_attr_nest_end(b->nlh, nat);
	}
	if (o->commit && o->commit_after_nat)
		ck_put(b, OVS_CT_ATTR_COMMIT, NULL, 0);
	mnl_attr_nest_end(b->nlh, ct);
}

static int check_ct(const struct ct_opts *o, struct ctf_err *err)
{
	struct flow f;
	int ret;

	flow_init(&f);
	parse_key(&f, "eth(),eth_type(0x0800),ipv4()");
	put_ct(&f.acts, o);
	ret = validate(&f, err);
	flow_free(&f);
	return ret;
}

START_TEST(ct_mark_and_labels_rules)
{
	struct ctf_err err;
	struct ct_opts o = { .mark = true, .mark_mask = 0xff };

	assert_refused(check_ct(&o, &err), err, -EINVAL, "ct(mark=...) needs commit", "ct(commit,mark=");
	o.commit = true;
	ck_assert_int_eq(check_ct(&o, &err), 0);
	o.mark_mask = 0;
	assert_refused(check_ct(&o, &err), err, -EINVAL, "ct(mark=0x0/0) has a zero mask", "non-zero mask");

	struct ct_opts l = { .labels = true };
	assert_refused(check_ct(&l, &err), err, -EINVAL, "ct(label=...) needs commit", "ct(commit,label=");
	l.commit = true;
	ck_assert_int_eq(check_ct(&l, &err), 0);
	l.labels_mask_zero = true;
	assert_refused(check_ct(&l, &err), err, -EINVAL, "ct(label=.../0) has a zero mask", "non-zero mask");
	/* Through the text path as well. */
	ACCEPTED("eth(),eth_type(0x0800),ipv4()", "ct(commit,mark=0x5/0xff,label=0x1/0x1)");
}
END_TEST

START_TEST(ct_commit_force_commit_exclusive)
{
	struct ctf_err err;
	struct ct_opts o = { .commit = true, .force_commit = true };

	assert_refused(check_ct(&o, &err), err, -EINVAL, "ct(commit,force_commit): give only one", "force_commit");
	o.commit = false;
	ck_assert_int_eq(check_ct(&o, &err), 0);
}
END_TEST

START_TEST(ct_nat_rules)
{
	struct ctf_err err;
	struct ct_opts both = { .commit = true, .nat = 1, .nat_src = true, .nat_dst = true };
	struct ct_opts nocommit = { .nat = 1, .nat_src = true };
	struct ct_opts late = { .commit = true, .commit_after_nat = true, .nat = 1, .nat_dst = true };
	struct ct_opts flags = { .commit = true, .nat = 1, .nat_persistent_only = true };
	struct ct_opts v6 = { .commit = true, .nat = 1, .nat_src = true, .nat_v6_addr = true };
	struct ct_opts good = { .commit = true, .nat = 1, .nat_src = true };
	struct ct_opts plain = { .nat = 1 };

	assert_refused(check_ct(&both, &err), err, -ERANGE, "only one type of NAT", "two ct() actions");
	assert_refused(check_ct(&nocommit, &err), err, -EINVAL, "ct(nat(src...)) needs commit", "ct(commit,nat(src=");
	assert_refused(check_ct(&late, &err), err, -EINVAL, "nat(...) is encoded before commit",
		       "COMMIT (or FORCE_COMMIT) before OVS_CT_ATTR_NAT");
	assert_refused(check_ct(&flags, &err), err, -EINVAL, "without src or dst", "plain nat");
	assert_refused(check_ct(&v6, &err), err, -EINVAL, "has an IPv6 address but the flow is IPv4",
		       "flow's family");
	ck_assert_int_eq(check_ct(&good, &err), 0);
	/* Plain nat (reuse the connection's NAT) needs no commit. */
	ck_assert_int_eq(check_ct(&plain, &err), 0);
}
END_TEST

START_TEST(ct_zone_is_u16)
{
	struct flow f;
	struct ctf_err err;
	struct nlattr *ct;
	uint32_t zone = 70000;

	flow_init(&f);
	parse_key(&f, "eth(),eth_type(0x0800),ipv4()");
	ct = ck_nest(&f.acts, OVS_ACTION_ATTR_CT);
	ck_put(&f.acts, OVS_CT_ATTR_ZONE, &zone, 4);
	mnl_attr_nest_end(f.acts.nlh, ct);
	ck_assert_int_eq(validate(&f, &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, "ct option zone is 4 bytes, the kernel wants exactly 2"), "%s", err.msg);
	flow_free(&f);
	ACCEPTED("eth(),eth_type(0x0800),ipv4()", "ct(zone=65535)");
}
END_TEST

/* ---- other actions ----------------------------------------------------------- */

static int check_raw_action(unsigned type, const void *p, size_t len, bool then_output,
			    struct ctf_err *err)
{
	struct flow f;
	int ret;

	flow_init(&f);
	parse_key(&f, "eth(),eth_type(0x0800),ipv4()");
	ck_put(&f.acts, type, p, len);
	if (then_output)
		ck_put_u32(&f.acts, OVS_ACTION_ATTR_OUTPUT, 2);
	ret = validate(&f, err);
	flow_free(&f);
	return ret;
}

START_TEST(output_port_range)
{
	struct ctf_err err;
	uint32_t port = 65535;

	assert_refused(check_raw_action(OVS_ACTION_ATTR_OUTPUT, &port, 4, false, &err), err, -EINVAL,
		       "output to port 65535 is out of range", "below 65535");
	port = 65534;
	ck_assert_int_eq(check_raw_action(OVS_ACTION_ATTR_OUTPUT, &port, 4, false, &err), 0);
}
END_TEST

START_TEST(userspace_pid_nonzero)
{
	struct flow f;
	struct ctf_err err;
	struct nlattr *n;

	flow_init(&f);
	parse_key(&f, "eth(),eth_type(0x0800),ipv4()");
	n = ck_nest(&f.acts, OVS_ACTION_ATTR_USERSPACE);
	ck_put_u32(&f.acts, OVS_USERSPACE_ATTR_PID, 0);
	mnl_attr_nest_end(f.acts.nlh, n);
	assert_refused(validate(&f, &err), err, -EINVAL, "userspace() needs a non-zero pid=", "userspace(pid=N)");
	flow_free(&f);
	ACCEPTED("eth(),eth_type(0x0800),ipv4()", "userspace(pid=42)");
}
END_TEST

START_TEST(trunc_minimum)
{
	struct ctf_err err;
	uint32_t len = 13;

	assert_refused(check_raw_action(OVS_ACTION_ATTR_TRUNC, &len, 4, true, &err), err, -EINVAL,
		       "trunc(13) is shorter than an Ethernet header", "trunc(14)");
	len = 14;
	ck_assert_int_eq(check_raw_action(OVS_ACTION_ATTR_TRUNC, &len, 4, true, &err), 0);
}
END_TEST

START_TEST(drop_must_be_last)
{
	struct ctf_err err;
	uint32_t reason = 0;

	assert_refused(check_raw_action(OVS_ACTION_ATTR_DROP, &reason, 4, true, &err), err, -EINVAL,
		       "drop(0) must be the last action", "move drop(...) to the end");
	ck_assert_int_eq(check_raw_action(OVS_ACTION_ATTR_DROP, &reason, 4, false, &err), 0);
	ACCEPTED("eth(),eth_type(0x0806),arp()", "2,drop(0)");
}
END_TEST

START_TEST(hash_algorithm)
{
	struct ctf_err err;
	struct ovs_action_hash h = { 7, 0 };

	assert_refused(check_raw_action(OVS_ACTION_ATTR_HASH, &h, sizeof(h), false, &err), err, -EINVAL,
		       "hash(alg=7) is not a hash algorithm", "hash(l4(BASIS))");
	h.hash_alg = OVS_HASH_ALG_L4;
	ck_assert_int_eq(check_raw_action(OVS_ACTION_ATTR_HASH, &h, sizeof(h), false, &err), 0);
}
END_TEST

START_TEST(push_vlan_rules)
{
	struct ctf_err err;
	struct ovs_action_push_vlan v = { htons(0x9100), htons(0x1000 | 10) };

	assert_refused(check_raw_action(OVS_ACTION_ATTR_PUSH_VLAN, &v, sizeof(v), true, &err), err, -EINVAL,
		       "push_vlan(tpid=0x9100) is not 0x8100 or 0x88a8", "tpid=0x8100");
	v.vlan_tpid = htons(0x8100);
	v.vlan_tci = htons(10);
	assert_refused(check_raw_action(OVS_ACTION_ATTR_PUSH_VLAN, &v, sizeof(v), true, &err), err, -EINVAL,
		       "push_vlan(tci=0x000a) lacks the CFI/present bit", "push_vlan(vid=N,pcp=P)");
	v.vlan_tci = htons(0x1000 | 10);
	ck_assert_int_eq(check_raw_action(OVS_ACTION_ATTR_PUSH_VLAN, &v, sizeof(v), true, &err), 0);
}
END_TEST

static void nested_clones(struct ctf_nlbuf *b, int n)
{
	struct nlattr *stack[32];

	for (int i = 0; i < n; i++)
		stack[i] = ck_nest(b, OVS_ACTION_ATTR_CLONE);
	ck_put_u32(b, OVS_ACTION_ATTR_OUTPUT, 1);
	for (int i = n - 1; i >= 0; i--)
		mnl_attr_nest_end(b->nlh, stack[i]);
}

START_TEST(nesting_depth)
{
	struct flow f;
	struct ctf_err err;

	flow_init(&f);
	parse_key(&f, "in_port(1),eth(),eth_type(0x0800),ipv4()");
	nested_clones(&f.acts, 17);
	assert_refused(validate(&f, &err), err, -EOVERFLOW, "nested more than 16 levels", "flatten");
	ctf_nlbuf_reset(&f.acts);
	nested_clones(&f.acts, 16);
	ck_assert_int_eq(validate(&f, &err), 0);
	flow_free(&f);
}
END_TEST

START_TEST(set_rules)
{
	REFUSED("eth(),eth_type(0x0800),ipv4()", "set(ipv4(proto=17))", "cannot change the IP protocol",
		"leave proto and frag out");
	ACCEPTED("eth(),eth_type(0x0800),ipv4()", "set(ipv4(dst=10.0.0.99)),2");
	REFUSED("eth(),eth_type(0x0800),ipv4()", "set(tcp(dst=80))", "needs the flow to match ip proto 6 exactly",
		"ipv4(proto=6)");
	ACCEPTED("eth(),eth_type(0x0800),ipv4(proto=6),tcp(),tcp_flags(0/0)", "set(tcp(dst=80))");
	REFUSED("eth(),eth_type(0x86dd),ipv6()", "set(ipv4(dst=10.0.0.99))", "needs an exact eth_type(0x0800)",
		"add eth_type(0x0800),ipv4()");
}
END_TEST

START_TEST(set_masked_value_outside_mask)
{
	struct flow f;
	struct ctf_err err;
	struct nlattr *n;
	struct ovs_key_udp v[2] = { { htons(53), 0 }, { htons(0x00ff), 0 } };

	flow_init(&f);
	parse_key(&f, "eth(),eth_type(0x0800),ipv4(proto=17),udp()");
	n = ck_nest(&f.acts, OVS_ACTION_ATTR_SET_MASKED);
	ck_put(&f.acts, OVS_KEY_ATTR_UDP, v, sizeof(v));
	mnl_attr_nest_end(f.acts.nlh, n);
	ck_assert_int_eq(validate(&f, &err), 0);	/* 53 fits under 0x00ff */
	ctf_nlbuf_reset(&f.acts);
	v[0].udp_src = htons(0x0135);
	n = ck_nest(&f.acts, OVS_ACTION_ATTR_SET_MASKED);
	ck_put(&f.acts, OVS_KEY_ATTR_UDP, v, sizeof(v));
	mnl_attr_nest_end(f.acts.nlh, n);
	assert_refused(validate(&f, &err), err, -EINVAL, "sets value bits outside its mask", "ANDed");
	flow_free(&f);
}
END_TEST


START_TEST(unpadded_last_attribute_accepted)
{
	struct ctf_err err;
	uint8_t k[16 + 6];
	struct nlattr *a = (struct nlattr *)k;

	/* eth() (16 bytes) then eth_type as the last attribute, without its 2 padding bytes. */
	memset(k, 0, sizeof(k));
	a->nla_len = 16;
	a->nla_type = OVS_KEY_ATTR_ETHERNET;
	a = (struct nlattr *)(k + 16);
	a->nla_len = 6;
	a->nla_type = OVS_KEY_ATTR_ETHERTYPE;
	k[20] = 0x08;
	k[21] = 0x06;
	/* The kernel accepts it (nla_for_each leaves rem < 0); what it then expects is arp(). */
	ck_assert_int_eq(ctf_flow_validate(k, sizeof(k), NULL, 0, NULL, 0, &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, "eth_type(0x0806) needs an arp() key"), "%s", err.msg);
	k[21] = 0x00;
	k[20] = 0x06;	/* 0x0600: nothing expected */
	ck_assert_int_eq(ctf_flow_validate(k, sizeof(k), NULL, 0, NULL, 0, &err), 0);
}
END_TEST

START_TEST(ct_tuple6_mask_not_with_nd)
{
	REFUSED("eth(),eth_type(0x86dd),ipv6(proto=58),icmpv6(type=135),nd(),ct_tuple6(src=::1)", NULL,
		"ct_tuple6() mask cannot be matched in a neighbour discovery flow", "not icmpv6(type=135/136)");
	ACCEPTED("eth(),eth_type(0x86dd),ipv6(proto=58),icmpv6(type=128),ct_tuple6(src=::1)", NULL);
}
END_TEST

START_TEST(nested_action_required_parts)
{
	struct flow f;
	struct ctf_err err;
	struct nlattr *n, *l;

	flow_init(&f);
	parse_key(&f, "eth(),eth_type(0x0800),ipv4()");
	n = ck_nest(&f.acts, OVS_ACTION_ATTR_SAMPLE);
	l = ck_nest(&f.acts, OVS_SAMPLE_ATTR_ACTIONS);
	ck_put_u32(&f.acts, OVS_ACTION_ATTR_OUTPUT, 1);
	mnl_attr_nest_end(f.acts.nlh, l);
	mnl_attr_nest_end(f.acts.nlh, n);
	ck_assert_int_eq(validate(&f, &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, "sample() lacks its"), "%s", err.msg);
	flow_free(&f);
	ACCEPTED("eth(),eth_type(0x0800),ipv4()", "sample(sample=50%,actions(1))");
}
END_TEST

/* MPLS and NSH actions as the kernel tracks the EtherType through the list. */
START_TEST(mpls_and_nsh_ethertypes)
{
	struct flow f;
	struct ctf_err err;
	struct nlattr *n;
	struct ovs_action_push_mpls pm = { htonl(0x12340), 0 };

	ACCEPTED("eth(),eth_type(0x0800),ipv4()", "push_mpls(label=1,tc=0,ttl=64,bos=1,eth_type=0x8847)");
	/* push_mpls with eth_type 0: what only a raw stream can say. */
	flow_init(&f);
	parse_key(&f, "eth(),eth_type(0x0800),ipv4()");
	ck_put(&f.acts, OVS_ACTION_ATTR_PUSH_MPLS, &pm, sizeof(pm));
	ck_assert_int_eq(validate(&f, &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, "is not an MPLS EtherType"), "%s", err.msg);
	flow_free(&f);

	REFUSED("eth(),eth_type(0x0800),ipv4()", "pop_mpls(eth_type=0x800)",
		"pop_mpls needs an MPLS packet", "eth_type(0x8847)");
	ACCEPTED("eth(),eth_type(0x8847),mpls(label=1,tc=0,ttl=64,bos=1)", "pop_mpls(eth_type=0x800)");
	/* After a push, a pop is right; inside clone() the push does not count outside. */
	ACCEPTED("eth(),eth_type(0x0800),ipv4()",
		 "push_mpls(label=1,tc=0,ttl=64,bos=1,eth_type=0x8847),pop_mpls(eth_type=0x800)");
	REFUSED("eth(),eth_type(0x0800),ipv4()",
		"clone(push_mpls(label=1,tc=0,ttl=64,bos=1,eth_type=0x8847)),pop_mpls(eth_type=0x800)",
		"pop_mpls needs an MPLS packet", "eth_type(0x8847)");

	REFUSED("eth(),eth_type(0x0800),ipv4()", "pop_nsh", "pop_nsh needs an NSH packet", "nsh");
	/* push_nsh with an empty header. */
	flow_init(&f);
	parse_key(&f, "eth(),eth_type(0x0800),ipv4()");
	n = ck_nest(&f.acts, OVS_ACTION_ATTR_PUSH_NSH);
	mnl_attr_nest_end(f.acts.nlh, n);
	ck_assert_int_eq(validate(&f, &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, "push_nsh() without a header"), "%s", err.msg);
	flow_free(&f);
}
END_TEST

START_TEST(set_ipv6_label_range)
{
	struct flow f;
	struct ctf_err err;
	struct nlattr *n;
	struct ovs_key_ipv6 v[2];

	memset(v, 0, sizeof(v));
	flow_init(&f);
	parse_key(&f, "eth(),eth_type(0x86dd),ipv6()");
	v[0].ipv6_label = htonl(0x100000);
	v[1].ipv6_label = htonl(0x1fffff);
	n = ck_nest(&f.acts, OVS_ACTION_ATTR_SET_MASKED);
	ck_put(&f.acts, OVS_KEY_ATTR_IPV6, v, sizeof(v));
	mnl_attr_nest_end(f.acts.nlh, n);
	assert_refused(validate(&f, &err), err, -EINVAL, "mask exceeds the 20-bit flow label", "0xfffff");
	flow_free(&f);
	ACCEPTED("eth(),eth_type(0x86dd),ipv6()", "set(ipv6(label=0xfffff))");
}
END_TEST

/* ---- the kernel selftests' flows (tools/testing/selftests/net/openvswitch in the kernel tree) are accepted ------------ */

START_TEST(selftest_flows_accepted)
{
	static const char *const flows[][2] = {
		/* arp_ping / connect_v4 */
		{ "in_port(1),eth(),eth_type(0x0806),arp(sip=172.31.110.10,tip=172.31.110.20,"
		  "sha=c2:3d:00:00:00:01,tha=ff:ff:ff:ff:ff:ff)", "2" },
		{ "in_port(2),eth(),eth_type(0x0806),arp()", "1" },
		{ "in_port(1),eth(),eth_type(0x0800),ipv4(src=172.31.110.10)", "2" },
		/* ct_connect_v4 */
		{ "ct_state(-trk),eth(),eth_type(0x0800),ipv4()", "ct(commit),recirc(0x1)" },
		{ "recirc_id(0x1),ct_state(+trk+new),in_port(1),eth(),eth_type(0x0800),ipv4(src=172.31.110.10)", "2" },
		{ "recirc_id(0x1),ct_state(+trk+est),in_port(2),eth(),eth_type(0x0800),ipv4(dst=172.31.110.10)", "1" },
		{ "recirc_id(0x1),ct_state(+trk+inv),eth(),eth_type(0x0800),ipv4()", "drop" },
		/* nat_connect_v4 */
		{ "ct_state(-trk),in_port(1),eth(),eth_type(0x0800),ipv4(dst=192.168.0.20)",
		  "ct(commit,nat(dst=172.31.110.20)),recirc(0x1)" },
		{ "ct_state(-trk),in_port(2),eth(),eth_type(0x0800),ipv4()", "ct(commit,nat),recirc(0x2)" },
		{ "recirc_id(0x1),ct_state(+trk-inv),in_port(1),eth(),eth_type(0x0800),ipv4()", "2" },
		{ "recirc_id(0x2),ct_state(+trk-inv),in_port(2),eth(),eth_type(0x0800),ipv4()", "1" },
		/* nat_related_v4 */
		{ "ct_state(-trk),in_port(1),eth(),eth_type(0x0800),ipv4(dst=172.31.110.20)",
		  "ct(commit,nat(src=192.168.0.20)),recirc(0x1)" },
		{ "recirc_id(0x2),ct_state(+rel+trk),in_port(2),eth(),eth_type(0x0800),"
		  "ipv4(src=172.31.110.20,dst=172.31.110.10,proto=1),icmp()", "1" },
		{ "recirc_id(0x2),ct_state(+rel+trk),in_port(2),eth(),eth_type(0x0800),"
		  "ipv4(dst=192.168.0.20,proto=1),icmp()", "drop" },
		/* drop_reason, pop_vlan, dec_ttl, action_set */
		{ "in_port(1),eth(),eth_type(0x0800),ipv4(src=172.31.110.10,proto=17),udp(dst=6000)", "drop(42)" },
		{ "in_port(1),eth(),eth_type(0x8100),vlan(vid=10),encap(eth_type(0x0800),"
		  "ipv4(src=198.51.100.1,proto=1),icmp())", "pop_vlan,2" },
		{ "in_port(2),eth(),eth_type(0x0800),ipv4()", "push_vlan(vid=10,pcp=0,tpid=0x8100),1" },
		{ "in_port(1),eth(),eth_type(0x0800),ipv4()", "dec_ttl(le_1()),2" },
		{ "in_port(1),eth(),eth_type(0x0800),ipv4()", "set(ipv4(dst=10.0.0.99)),2" },
	};

	for (size_t i = 0; i < CTF_ARRAY_SIZE(flows); i++)
		ACCEPTED(flows[i][0], flows[i][1]);
}
END_TEST

/* Random garbage in every stream: never a crash, always a verdict. */
START_TEST(fuzz_validate)
{
	uint8_t k[128], m[128], a[128];
	struct ctf_err err;

	srand(3);
	for (int round = 0; round < 3000; round++) {
		size_t kl = (size_t)rand() % sizeof(k), ml = (size_t)rand() % sizeof(m);
		size_t al = (size_t)rand() % sizeof(a);

		for (size_t i = 0; i < sizeof(k); i++) {
			k[i] = (uint8_t)rand();
			m[i] = (uint8_t)rand();
			a[i] = (uint8_t)rand();
		}
		/* Plausible first headers so the walk gets somewhere. */
		if (kl >= 4) {
			uint16_t l = (uint16_t)(4 + rand() % (kl - 3)), t = (uint16_t)(rand() % 34);
			memcpy(k, &l, 2);
			memcpy(k + 2, &t, 2);
		}
		if (al >= 4) {
			uint16_t l = (uint16_t)(4 + rand() % (al - 3)), t = (uint16_t)(rand() % 26);
			memcpy(a, &l, 2);
			memcpy(a + 2, &t, 2);
		}
		int ret = ctf_flow_validate(k, kl, (round & 1) ? m : NULL, ml, a, al, &err);
		ck_assert(ret <= 0);
	}
}
END_TEST

static Suite *validate_suite(void)
{
	Suite *s = suite_create("validate");
	TCase *keys = tcase_create("keys"), *masks = tcase_create("masks"), *acts = tcase_create("actions");

	tcase_add_test(keys, expect_ipv4_ipv6);
	tcase_add_test(keys, expect_tcp_and_tcp_flags);
	tcase_add_test(keys, expect_udp_sctp_icmp);
	tcase_add_test(keys, expect_icmpv6_and_nd);
	tcase_add_test(keys, expect_arp_mpls_nsh);
	tcase_add_test(keys, eth_or_ethertype_required);
	tcase_add_test(keys, ethertype_minimum);
	tcase_add_test(keys, in_port_range);
	tcase_add_test(keys, ct_state_unknown_bits);
	tcase_add_test(keys, frag_and_label_range);
	tcase_add_test(keys, arp_op_range);
	tcase_add_test(keys, stream_rules);
	tcase_add_test(keys, mpls_label_count);
	tcase_add_test(keys, tunnel_needs_ttl_and_dst);
	tcase_add_test(keys, vlan_rules);
	tcase_add_test(keys, unpadded_last_attribute_accepted);
	tcase_add_test(masks, ct_tuple6_mask_not_with_nd);
	tcase_add_test(acts, nested_action_required_parts);
	tcase_add_test(acts, set_ipv6_label_range);
	tcase_add_test(masks, vlan_mask_rules);
	tcase_add_test(masks, l3_mask_needs_exact_eth_type);
	tcase_add_test(masks, l4_mask_needs_exact_proto);
	tcase_add_test(masks, nd_mask_needs_exact_icmpv6_type);
	tcase_add_test(masks, mask_for_absent_key_attr);
	tcase_add_test(acts, ct_needs_exact_ip_eth_type);
	tcase_add_test(acts, ct_helper_timeout_need_exact_proto);
	tcase_add_test(acts, ct_mark_and_labels_rules);
	tcase_add_test(acts, ct_commit_force_commit_exclusive);
	tcase_add_test(acts, ct_nat_rules);
	tcase_add_test(acts, ct_zone_is_u16);
	tcase_add_test(acts, output_port_range);
	tcase_add_test(acts, userspace_pid_nonzero);
	tcase_add_test(acts, trunc_minimum);
	tcase_add_test(acts, drop_must_be_last);
	tcase_add_test(acts, hash_algorithm);
	tcase_add_test(acts, push_vlan_rules);
	tcase_add_test(acts, nesting_depth);
	tcase_add_test(acts, set_rules);
	tcase_add_test(acts, set_masked_value_outside_mask);
	tcase_add_test(acts, mpls_and_nsh_ethertypes);
	tcase_add_test(acts, selftest_flows_accepted);
	tcase_add_test(acts, fuzz_validate);
	suite_add_tcase(s, keys);
	suite_add_tcase(s, masks);
	suite_add_tcase(s, acts);
	return s;
}

int main(void)
{
	return ck_run_suite(validate_suite());
}
