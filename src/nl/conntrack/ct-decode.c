// SPDX-License-Identifier: Apache-2.0
/*
 * Decoding ctnetlink messages (pure: no socket) into struct ctf_ct_entry.
 *
 * Decoding is driven by one table per attribute namespace (top level, tuple,
 * ip, proto, counters, timestamp, protoinfo, tcp, sctp, helper, stats) of
 * struct ctf_attr_rule, the type every family's replies are read with: the
 * table says which length each attribute must have, and
 * ctf_attrs_parse_stream() checks every attribute against it before anything
 * is read, so a short or malformed attribute is refused by name instead of
 * being read past its end. Attributes newer than our table are ignored: a
 * newer kernel adding fields must not break the dump.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <linux/netfilter/nf_conntrack_sctp.h>

#include "ctflow/conntrack.h"
#include "ctflow/nlsock.h"
#include "netlink/nla-inline.h"

/* ---- attribute tables ------------------------------------------------- */

/* One attribute namespace: its rules, and its name for error messages. */
struct ct_attr_ns {
	const char *name;
	const struct ctf_attr_rule *rules;
	uint16_t max;
};

#define CT_NS(n, table) { n, table, CTF_ARRAY_SIZE(table) - 1 }

static const struct ctf_attr_rule ct_top_attrs[CTA_LABELS + 1] = {
	[CTA_TUPLE_ORIG] = CTF_RULE_NESTED("tuple_orig"),
	[CTA_TUPLE_REPLY] = CTF_RULE_NESTED("tuple_reply"),
	[CTA_STATUS] = CTF_RULE_U32("status"),
	[CTA_PROTOINFO] = CTF_RULE_NESTED("protoinfo"),
	[CTA_HELP] = CTF_RULE_NESTED("help"),
	[CTA_TIMEOUT] = CTF_RULE_U32("timeout"),
	[CTA_MARK] = CTF_RULE_U32("mark"),
	[CTA_COUNTERS_ORIG] = CTF_RULE_NESTED("counters_orig"),
	[CTA_COUNTERS_REPLY] = CTF_RULE_NESTED("counters_reply"),
	[CTA_USE] = CTF_RULE_U32("use"),
	[CTA_ID] = CTF_RULE_U32("id"),
	[CTA_TUPLE_MASTER] = CTF_RULE_NESTED("tuple_master"),
	[CTA_ZONE] = CTF_RULE_U16("zone"),
	[CTA_TIMESTAMP] = CTF_RULE_NESTED("timestamp"),
	[CTA_LABELS] = CTF_RULE_VAR("labels", 0, UINT16_MAX),
};

static const struct ctf_attr_rule ct_tuple_attrs[CTA_TUPLE_ZONE + 1] = {
	[CTA_TUPLE_IP] = CTF_RULE_NESTED("ip"),
	[CTA_TUPLE_PROTO] = CTF_RULE_NESTED("proto"),
	[CTA_TUPLE_ZONE] = CTF_RULE_U16("zone"),
};

static const struct ctf_attr_rule ct_ip_attrs[CTA_IP_V6_DST + 1] = {
	[CTA_IP_V4_SRC] = CTF_RULE_BYTES("v4_src", 4),
	[CTA_IP_V4_DST] = CTF_RULE_BYTES("v4_dst", 4),
	[CTA_IP_V6_SRC] = CTF_RULE_BYTES("v6_src", 16),
	[CTA_IP_V6_DST] = CTF_RULE_BYTES("v6_dst", 16),
};

static const struct ctf_attr_rule ct_proto_attrs[CTA_PROTO_ICMPV6_CODE + 1] = {
	[CTA_PROTO_NUM] = CTF_RULE_U8("num"),
	[CTA_PROTO_SRC_PORT] = CTF_RULE_U16("src_port"),
	[CTA_PROTO_DST_PORT] = CTF_RULE_U16("dst_port"),
	[CTA_PROTO_ICMP_ID] = CTF_RULE_U16("icmp_id"),
	[CTA_PROTO_ICMP_TYPE] = CTF_RULE_U8("icmp_type"),
	[CTA_PROTO_ICMP_CODE] = CTF_RULE_U8("icmp_code"),
	[CTA_PROTO_ICMPV6_ID] = CTF_RULE_U16("icmpv6_id"),
	[CTA_PROTO_ICMPV6_TYPE] = CTF_RULE_U8("icmpv6_type"),
	[CTA_PROTO_ICMPV6_CODE] = CTF_RULE_U8("icmpv6_code"),
};

static const struct ctf_attr_rule ct_counters_attrs[CTA_COUNTERS32_BYTES + 1] = {
	[CTA_COUNTERS_PACKETS] = CTF_RULE_U64("packets"),
	[CTA_COUNTERS_BYTES] = CTF_RULE_U64("bytes"),
	[CTA_COUNTERS32_PACKETS] = CTF_RULE_U32("packets32"),
	[CTA_COUNTERS32_BYTES] = CTF_RULE_U32("bytes32"),
};

static const struct ctf_attr_rule ct_tstamp_attrs[CTA_TIMESTAMP_STOP + 1] = {
	[CTA_TIMESTAMP_START] = CTF_RULE_U64("start"),
	[CTA_TIMESTAMP_STOP] = CTF_RULE_U64("stop"),
};

static const struct ctf_attr_rule ct_protoinfo_attrs[CTA_PROTOINFO_SCTP + 1] = {
	[CTA_PROTOINFO_TCP] = CTF_RULE_NESTED("tcp"),
	[CTA_PROTOINFO_SCTP] = CTF_RULE_NESTED("sctp"),
};

static const struct ctf_attr_rule ct_tcp_attrs[CTA_PROTOINFO_TCP_FLAGS_REPLY + 1] = {
	[CTA_PROTOINFO_TCP_STATE] = CTF_RULE_U8("state"),
	[CTA_PROTOINFO_TCP_WSCALE_ORIGINAL] = CTF_RULE_U8("wscale_orig"),
	[CTA_PROTOINFO_TCP_WSCALE_REPLY] = CTF_RULE_U8("wscale_reply"),
	/* struct nf_ct_tcp_flags { u8 flags; u8 mask; } */
	[CTA_PROTOINFO_TCP_FLAGS_ORIGINAL] = CTF_RULE_BYTES("flags_orig", 2),
	[CTA_PROTOINFO_TCP_FLAGS_REPLY] = CTF_RULE_BYTES("flags_reply", 2),
};

static const struct ctf_attr_rule ct_sctp_attrs[CTA_PROTOINFO_SCTP_VTAG_REPLY + 1] = {
	[CTA_PROTOINFO_SCTP_STATE] = CTF_RULE_U8("state"),
	[CTA_PROTOINFO_SCTP_VTAG_ORIGINAL] = CTF_RULE_U32("vtag_orig"),
	[CTA_PROTOINFO_SCTP_VTAG_REPLY] = CTF_RULE_U32("vtag_reply"),
};

static const struct ctf_attr_rule ct_help_attrs[CTA_HELP_NAME + 1] = {
	[CTA_HELP_NAME] = CTF_RULE_STRZ("name", UINT16_MAX),
};

static const struct ctf_attr_rule ct_stats_attrs[CTA_STATS_GLOBAL_MAX_ENTRIES + 1] = {
	[CTA_STATS_GLOBAL_ENTRIES] = CTF_RULE_U32("entries"),
	[CTA_STATS_GLOBAL_MAX_ENTRIES] = CTF_RULE_U32("max_entries"),
};

static const struct ct_attr_ns ns_top = CT_NS("conntrack", ct_top_attrs);
static const struct ct_attr_ns ns_tuple = CT_NS("tuple", ct_tuple_attrs);
static const struct ct_attr_ns ns_ip = CT_NS("tuple ip", ct_ip_attrs);
static const struct ct_attr_ns ns_proto = CT_NS("tuple proto", ct_proto_attrs);
static const struct ct_attr_ns ns_counters = CT_NS("counters", ct_counters_attrs);
static const struct ct_attr_ns ns_tstamp = CT_NS("timestamp", ct_tstamp_attrs);
static const struct ct_attr_ns ns_protoinfo = CT_NS("protoinfo", ct_protoinfo_attrs);
static const struct ct_attr_ns ns_tcp = CT_NS("protoinfo tcp", ct_tcp_attrs);
static const struct ct_attr_ns ns_sctp = CT_NS("protoinfo sctp", ct_sctp_attrs);
static const struct ct_attr_ns ns_help = CT_NS("helper", ct_help_attrs);
static const struct ct_attr_ns ns_stats = CT_NS("stats", ct_stats_attrs);

/* Largest table above, for the on-stack attribute index. */
#define CT_TB_MAX (CTA_LABELS + 1)

/*
 * Index the attributes of @len bytes at @data into @tb, validated by the
 * same parser as every other family's, in its strict mode: bytes left over
 * after the last whole attribute are an error, so a truncated message does
 * not decode as a shorter valid one.
 */
static int ct_parse_stream(const void *data, size_t len, const struct ct_attr_ns *ns,
			   const struct nlattr **tb, struct ctf_err *err)
{
	struct ctf_attrs_fault fault;

	if (!ctf_attrs_parse_stream(data, len, ns->rules, ns->max, tb, CTF_ATTRS_WHOLE, &fault))
		return 0;
	if (fault.attr)
		return ctf_err_setn(err, -EBADMSG, "%s attribute %s has a bad length (%u bytes)",
				    ns->name, fault.rule->name, (unsigned)ctf_nla_len(fault.attr));
	return ctf_err_setn(err, -EBADMSG, "%s attributes: %zu trailing bytes (truncated?)",
			    ns->name, fault.trailing);
}

static int ct_parse_nested(const struct nlattr *nest, const struct ct_attr_ns *ns,
			   const struct nlattr **tb, struct ctf_err *err)
{
	return ct_parse_stream(ctf_nla_data(nest), ctf_nla_len(nest), ns, tb, err);
}

/* ---- decoding ----------------------------------------------------------- */

uint8_t ctf_ct_tcp_state_from_kernel(uint8_t s)
{
	switch (s) {
	case TCP_CONNTRACK_SYN_SENT: return CTF_TCPS_SYN_SENT;
	case TCP_CONNTRACK_SYN_SENT2: return CTF_TCPS_SYN_SENT;
	case TCP_CONNTRACK_SYN_RECV: return CTF_TCPS_SYN_RECV;
	case TCP_CONNTRACK_ESTABLISHED: return CTF_TCPS_ESTABLISHED;
	case TCP_CONNTRACK_FIN_WAIT: return CTF_TCPS_FIN_WAIT_1;
	case TCP_CONNTRACK_CLOSE_WAIT: return CTF_TCPS_CLOSE_WAIT;
	case TCP_CONNTRACK_LAST_ACK: return CTF_TCPS_LAST_ACK;
	case TCP_CONNTRACK_TIME_WAIT: return CTF_TCPS_TIME_WAIT;
	/* The kernel's CLOSE follows an RST or a simultaneous close. */
	case TCP_CONNTRACK_CLOSE: return CTF_TCPS_CLOSING;
	default: return CTF_TCPS_CLOSED;
	}
}

uint8_t ctf_ct_sctp_state_from_kernel(uint8_t s)
{
	switch (s) {
	case SCTP_CONNTRACK_COOKIE_WAIT: return CTF_SCTPS_COOKIE_WAIT;
	case SCTP_CONNTRACK_COOKIE_ECHOED: return CTF_SCTPS_COOKIE_ECHOED;
	case SCTP_CONNTRACK_ESTABLISHED: return CTF_SCTPS_ESTABLISHED;
	case SCTP_CONNTRACK_SHUTDOWN_SENT: return CTF_SCTPS_SHUTDOWN_SENT;
	case SCTP_CONNTRACK_SHUTDOWN_RECD: return CTF_SCTPS_SHUTDOWN_RECD;
	case SCTP_CONNTRACK_SHUTDOWN_ACK_SENT: return CTF_SCTPS_SHUTDOWN_ACK_SENT;
	case SCTP_CONNTRACK_HEARTBEAT_SENT: return CTF_SCTPS_HEARTBEAT_SENT;
	case SCTP_CONNTRACK_HEARTBEAT_ACKED: return CTF_SCTPS_HEARTBEAT_ACKED;
	default: return CTF_SCTPS_CLOSED;
	}
}

static int decode_tuple(const struct nlattr *nest, uint8_t l3, struct ctf_ct_tuple *t,
			const char *which, struct ctf_err *err)
{
	const struct nlattr *tb[CT_TB_MAX], *ip[CT_TB_MAX], *pr[CT_TB_MAX];
	size_t alen = l3 == AF_INET ? 4 : 16;
	int src = l3 == AF_INET ? CTA_IP_V4_SRC : CTA_IP_V6_SRC;
	int dst = l3 == AF_INET ? CTA_IP_V4_DST : CTA_IP_V6_DST;

	memset(t, 0, sizeof(*t));
	if (ct_parse_nested(nest, &ns_tuple, tb, err) < 0)
		return -EBADMSG;
	/* Validate what is there before complaining about what is missing. */
	if ((tb[CTA_TUPLE_IP] && ct_parse_nested(tb[CTA_TUPLE_IP], &ns_ip, ip, err) < 0) ||
	    (tb[CTA_TUPLE_PROTO] && ct_parse_nested(tb[CTA_TUPLE_PROTO], &ns_proto, pr, err) < 0))
		return -EBADMSG;
	if (!tb[CTA_TUPLE_IP] || !tb[CTA_TUPLE_PROTO])
		return ctf_err_setn(err, -EBADMSG, "%s tuple lacks its %s attribute", which,
				    tb[CTA_TUPLE_IP] ? "proto" : "ip");
	if (!ip[src] || !ip[dst])
		return ctf_err_setn(err, -EBADMSG, "%s tuple lacks its %s addresses", which,
				    l3 == AF_INET ? "IPv4" : "IPv6");
	if (!pr[CTA_PROTO_NUM])
		return ctf_err_setn(err, -EBADMSG, "%s tuple lacks its protocol number", which);

	t->l3 = l3;
	memcpy(t->src, ctf_nla_data(ip[src]), alen);
	memcpy(t->dst, ctf_nla_data(ip[dst]), alen);
	t->proto = ctf_nla_u8(pr[CTA_PROTO_NUM]);

	int id = 0, type = 0, code = 0;
	if (l3 == AF_INET && t->proto == IPPROTO_ICMP) {
		id = CTA_PROTO_ICMP_ID, type = CTA_PROTO_ICMP_TYPE, code = CTA_PROTO_ICMP_CODE;
	} else if (l3 == AF_INET6 && t->proto == IPPROTO_ICMPV6) {
		id = CTA_PROTO_ICMPV6_ID, type = CTA_PROTO_ICMPV6_TYPE;
		code = CTA_PROTO_ICMPV6_CODE;
	}
	if (id) {
		if (!pr[id] || !pr[type] || !pr[code])
			return ctf_err_setn(err, -EBADMSG, "%s tuple lacks its ICMP id/type/code",
					    which);
		t->icmp_id = ntohs(ctf_nla_u16(pr[id]));
		t->icmp_type = ctf_nla_u8(pr[type]);
		t->icmp_code = ctf_nla_u8(pr[code]);
	} else if (pr[CTA_PROTO_SRC_PORT] && pr[CTA_PROTO_DST_PORT]) {
		t->sport = ntohs(ctf_nla_u16(pr[CTA_PROTO_SRC_PORT]));
		t->dport = ntohs(ctf_nla_u16(pr[CTA_PROTO_DST_PORT]));
	}
	/* Protocols without ports (e.g. VRRP) keep 0/0, as ovs-dpctl prints them. */
	return 0;
}

static int decode_counters(const struct nlattr *nest, uint64_t *packets, uint64_t *bytes,
			   struct ctf_err *err)
{
	const struct nlattr *tb[CT_TB_MAX];

	if (ct_parse_nested(nest, &ns_counters, tb, err) < 0)
		return -EBADMSG;
	if (tb[CTA_COUNTERS_PACKETS])
		*packets = be64toh(ctf_nla_u64(tb[CTA_COUNTERS_PACKETS]));
	else if (tb[CTA_COUNTERS32_PACKETS])
		*packets = ntohl(ctf_nla_u32(tb[CTA_COUNTERS32_PACKETS]));
	if (tb[CTA_COUNTERS_BYTES])
		*bytes = be64toh(ctf_nla_u64(tb[CTA_COUNTERS_BYTES]));
	else if (tb[CTA_COUNTERS32_BYTES])
		*bytes = ntohl(ctf_nla_u32(tb[CTA_COUNTERS32_BYTES]));
	return 0;
}

static int decode_protoinfo(const struct nlattr *nest, struct ctf_ct_entry *e,
			    struct ctf_err *err)
{
	const struct nlattr *pi[CT_TB_MAX], *tb[CT_TB_MAX];

	if (ct_parse_nested(nest, &ns_protoinfo, pi, err) < 0)
		return -EBADMSG;
	if (pi[CTA_PROTOINFO_TCP]) {
		if (ct_parse_nested(pi[CTA_PROTOINFO_TCP], &ns_tcp, tb, err) < 0)
			return -EBADMSG;
		if (!tb[CTA_PROTOINFO_TCP_STATE])
			return ctf_err_setn(err, -EBADMSG, "TCP protoinfo lacks its state");
		e->protoinfo = IPPROTO_TCP;
		/* The kernel keeps one state per connection; ovs-dpctl shows it twice. */
		e->tcp.state_orig = ctf_ct_tcp_state_from_kernel(
			ctf_nla_u8(tb[CTA_PROTOINFO_TCP_STATE]));
		e->tcp.state_reply = e->tcp.state_orig;
		if (tb[CTA_PROTOINFO_TCP_WSCALE_ORIGINAL])
			e->tcp.wscale_orig = ctf_nla_u8(tb[CTA_PROTOINFO_TCP_WSCALE_ORIGINAL]);
		if (tb[CTA_PROTOINFO_TCP_WSCALE_REPLY])
			e->tcp.wscale_reply = ctf_nla_u8(tb[CTA_PROTOINFO_TCP_WSCALE_REPLY]);
		if (tb[CTA_PROTOINFO_TCP_FLAGS_ORIGINAL])
			e->tcp.flags_orig = *(const uint8_t *)ctf_nla_data(
				tb[CTA_PROTOINFO_TCP_FLAGS_ORIGINAL]);
		if (tb[CTA_PROTOINFO_TCP_FLAGS_REPLY])
			e->tcp.flags_reply = *(const uint8_t *)ctf_nla_data(
				tb[CTA_PROTOINFO_TCP_FLAGS_REPLY]);
	} else if (pi[CTA_PROTOINFO_SCTP]) {
		if (ct_parse_nested(pi[CTA_PROTOINFO_SCTP], &ns_sctp, tb, err) < 0)
			return -EBADMSG;
		if (!tb[CTA_PROTOINFO_SCTP_STATE] || !tb[CTA_PROTOINFO_SCTP_VTAG_ORIGINAL] ||
		    !tb[CTA_PROTOINFO_SCTP_VTAG_REPLY])
			return ctf_err_setn(err, -EBADMSG, "SCTP protoinfo lacks state or vtags");
		e->protoinfo = IPPROTO_SCTP;
		e->sctp.state = ctf_ct_sctp_state_from_kernel(
			ctf_nla_u8(tb[CTA_PROTOINFO_SCTP_STATE]));
		/*
		 * The kernel sends vtags big-endian; ovs-dpctl prints the raw
		 * 32 bits as a host-order number. We keep that, for identical output.
		 */
		e->sctp.vtag_orig = ctf_nla_u32(tb[CTA_PROTOINFO_SCTP_VTAG_ORIGINAL]);
		e->sctp.vtag_reply = ctf_nla_u32(tb[CTA_PROTOINFO_SCTP_VTAG_REPLY]);
	}
	return 0;
}

/*
 * The kernel sends labels as its bitmap of unsigned longs (bit i = label i),
 * in host order. We keep the 128-bit value big-endian so it prints and
 * compares like a number.
 */
static void decode_labels(const struct nlattr *a, uint8_t out[16])
{
	unsigned long words[16 / sizeof(unsigned long)] = { 0 };
	size_t n = ctf_nla_len(a);
	const unsigned bits_per_word = 8 * sizeof(unsigned long);

	memcpy(words, ctf_nla_data(a), n < sizeof(words) ? n : sizeof(words));
	memset(out, 0, 16);
	for (unsigned i = 0; i < 128; i++)
		if (words[i / bits_per_word] >> (i % bits_per_word) & 1)
			out[15 - i / 8] |= (uint8_t)(1u << (i % 8));
}

int ctf_ct_decode(const struct nlmsghdr *nlh, struct ctf_ct_entry *e, struct ctf_err *err)
{
	const struct nlattr *tb[CT_TB_MAX];
	const struct nfgenmsg *nfg;
	uint8_t type;
	int r;

	memset(e, 0, sizeof(*e));
	ctf_err_clear(err);
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*nfg) ||
	    !mnl_nlmsg_ok(nlh, (int)nlh->nlmsg_len))
		return ctf_err_setn(err, -EBADMSG, "conntrack message too short (%u bytes)",
				    (unsigned)nlh->nlmsg_len);
	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_CTNETLINK)
		return ctf_err_setn(err, -EBADMSG, "not a ctnetlink message (subsystem %u)",
				    NFNL_SUBSYS_ID(nlh->nlmsg_type));
	type = (uint8_t)NFNL_MSG_TYPE(nlh->nlmsg_type);	/* the low byte */
	if (type != IPCTNL_MSG_CT_NEW && type != IPCTNL_MSG_CT_DELETE)
		return ctf_err_setn(err, -EBADMSG, "not a conntrack entry (message type %u)", type);
	nfg = mnl_nlmsg_get_payload(nlh);
	if (nfg->nfgen_family != AF_INET && nfg->nfgen_family != AF_INET6)
		return ctf_err_setn(err, -EAFNOSUPPORT, "unsupported address family %u",
				    nfg->nfgen_family);

	if (ct_parse_stream((const char *)nfg + CTF_NLA_ALIGN(sizeof(*nfg)),
			    nlh->nlmsg_len - NLMSG_HDRLEN - CTF_NLA_ALIGN(sizeof(*nfg)), &ns_top, tb,
			    err) < 0)
		return -EBADMSG;
	if (!tb[CTA_TUPLE_ORIG] || !tb[CTA_TUPLE_REPLY])
		return ctf_err_setn(err, -EBADMSG, "conntrack entry lacks its %s tuple",
				    tb[CTA_TUPLE_ORIG] ? "reply" : "orig");
	r = decode_tuple(tb[CTA_TUPLE_ORIG], nfg->nfgen_family, &e->orig, "orig", err);
	if (!r)
		r = decode_tuple(tb[CTA_TUPLE_REPLY], nfg->nfgen_family, &e->reply, "reply", err);
	if (!r && tb[CTA_TUPLE_MASTER])
		r = decode_tuple(tb[CTA_TUPLE_MASTER], nfg->nfgen_family, &e->parent, "parent",
				 err);
	if (!r && tb[CTA_COUNTERS_ORIG])
		r = decode_counters(tb[CTA_COUNTERS_ORIG], &e->packets_orig, &e->bytes_orig, err);
	if (!r && tb[CTA_COUNTERS_REPLY])
		r = decode_counters(tb[CTA_COUNTERS_REPLY], &e->packets_reply, &e->bytes_reply,
				    err);
	if (!r && tb[CTA_TIMESTAMP]) {
		const struct nlattr *ts[CT_TB_MAX];

		r = ct_parse_nested(tb[CTA_TIMESTAMP], &ns_tstamp, ts, err);
		if (!r && ts[CTA_TIMESTAMP_START])
			e->start_ns = be64toh(ctf_nla_u64(ts[CTA_TIMESTAMP_START]));
		if (!r && ts[CTA_TIMESTAMP_STOP])
			e->stop_ns = be64toh(ctf_nla_u64(ts[CTA_TIMESTAMP_STOP]));
	}
	if (!r && tb[CTA_PROTOINFO])
		r = decode_protoinfo(tb[CTA_PROTOINFO], e, err);
	if (!r && tb[CTA_HELP]) {
		const struct nlattr *h[CT_TB_MAX];

		r = ct_parse_nested(tb[CTA_HELP], &ns_help, h, err);
		if (!r && h[CTA_HELP_NAME])
			snprintf(e->helper, sizeof(e->helper), "%s",
				 ctf_nla_str(h[CTA_HELP_NAME]));
	}
	if (r)
		return r;
	if (tb[CTA_ID])
		e->id = ntohl(ctf_nla_u32(tb[CTA_ID]));
	if (tb[CTA_ZONE])
		e->zone = ntohs(ctf_nla_u16(tb[CTA_ZONE]));
	if (tb[CTA_STATUS])
		e->status = ntohl(ctf_nla_u32(tb[CTA_STATUS]));
	if (tb[CTA_TIMEOUT])
		e->timeout = ntohl(ctf_nla_u32(tb[CTA_TIMEOUT]));
	if (tb[CTA_MARK])
		e->mark = ntohl(ctf_nla_u32(tb[CTA_MARK]));
	if (tb[CTA_LABELS]) {
		e->has_labels = true;
		decode_labels(tb[CTA_LABELS], e->labels);
	}
	return 0;
}

int ctf_ct_decode_stats(const struct nlmsghdr *nlh, uint32_t *entries, struct ctf_err *err)
{
	const struct nlattr *tb[CT_TB_MAX];
	size_t hdr = NLMSG_HDRLEN + CTF_NLA_ALIGN(sizeof(struct nfgenmsg));

	ctf_err_clear(err);
	if (nlh->nlmsg_len < hdr)
		return ctf_err_setn(err, -EBADMSG, "conntrack stats message too short (%u bytes)",
				    (unsigned)nlh->nlmsg_len);
	if (ct_parse_stream((const char *)nlh + hdr, nlh->nlmsg_len - hdr, &ns_stats, tb, err) < 0)
		return -EBADMSG;
	if (!tb[CTA_STATS_GLOBAL_ENTRIES])
		return ctf_err_setn(err, -ENOENT, "conntrack stats lack the entry count");
	*entries = ntohl(ctf_nla_u32(tb[CTA_STATS_GLOBAL_ENTRIES]));
	return 0;
}
