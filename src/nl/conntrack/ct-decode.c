// SPDX-License-Identifier: Apache-2.0
/*
 * Decoding ctnetlink messages (pure: no socket) into struct ctf_ct_entry.
 *
 * Decoding is driven by one table per attribute namespace (top level, tuple,
 * ip, proto, counters, timestamp, protoinfo, tcp, sctp, helper, stats): the
 * table says which type and length each attribute must have, and one
 * generic callback validates every attribute against it before anything is
 * read, so a short or malformed attribute is refused by name instead of
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
#include "netlink/nla-inline.h"

/* ---- attribute tables ------------------------------------------------- */

struct ct_attr_desc {
	const char *name;		/* NULL: not an attribute we read */
	enum mnl_attr_data_type type;
	uint16_t len;			/* MNL_TYPE_BINARY: exact payload length, 0 = any */
};

struct ct_attr_ns {
	const char *name;
	const struct ct_attr_desc *attrs;
	uint16_t max;
};

#define CT_NS(n, table) { n, table, CTF_ARRAY_SIZE(table) - 1 }

static const struct ct_attr_desc ct_top_attrs[CTA_LABELS + 1] = {
	[CTA_TUPLE_ORIG] = { "tuple_orig", MNL_TYPE_NESTED, 0 },
	[CTA_TUPLE_REPLY] = { "tuple_reply", MNL_TYPE_NESTED, 0 },
	[CTA_STATUS] = { "status", MNL_TYPE_U32, 0 },
	[CTA_PROTOINFO] = { "protoinfo", MNL_TYPE_NESTED, 0 },
	[CTA_HELP] = { "help", MNL_TYPE_NESTED, 0 },
	[CTA_TIMEOUT] = { "timeout", MNL_TYPE_U32, 0 },
	[CTA_MARK] = { "mark", MNL_TYPE_U32, 0 },
	[CTA_COUNTERS_ORIG] = { "counters_orig", MNL_TYPE_NESTED, 0 },
	[CTA_COUNTERS_REPLY] = { "counters_reply", MNL_TYPE_NESTED, 0 },
	[CTA_USE] = { "use", MNL_TYPE_U32, 0 },
	[CTA_ID] = { "id", MNL_TYPE_U32, 0 },
	[CTA_TUPLE_MASTER] = { "tuple_master", MNL_TYPE_NESTED, 0 },
	[CTA_ZONE] = { "zone", MNL_TYPE_U16, 0 },
	[CTA_TIMESTAMP] = { "timestamp", MNL_TYPE_NESTED, 0 },
	[CTA_LABELS] = { "labels", MNL_TYPE_BINARY, 0 },
};

static const struct ct_attr_desc ct_tuple_attrs[CTA_TUPLE_ZONE + 1] = {
	[CTA_TUPLE_IP] = { "ip", MNL_TYPE_NESTED, 0 },
	[CTA_TUPLE_PROTO] = { "proto", MNL_TYPE_NESTED, 0 },
	[CTA_TUPLE_ZONE] = { "zone", MNL_TYPE_U16, 0 },
};

static const struct ct_attr_desc ct_ip_attrs[CTA_IP_V6_DST + 1] = {
	[CTA_IP_V4_SRC] = { "v4_src", MNL_TYPE_BINARY, 4 },
	[CTA_IP_V4_DST] = { "v4_dst", MNL_TYPE_BINARY, 4 },
	[CTA_IP_V6_SRC] = { "v6_src", MNL_TYPE_BINARY, 16 },
	[CTA_IP_V6_DST] = { "v6_dst", MNL_TYPE_BINARY, 16 },
};

static const struct ct_attr_desc ct_proto_attrs[CTA_PROTO_ICMPV6_CODE + 1] = {
	[CTA_PROTO_NUM] = { "num", MNL_TYPE_U8, 0 },
	[CTA_PROTO_SRC_PORT] = { "src_port", MNL_TYPE_U16, 0 },
	[CTA_PROTO_DST_PORT] = { "dst_port", MNL_TYPE_U16, 0 },
	[CTA_PROTO_ICMP_ID] = { "icmp_id", MNL_TYPE_U16, 0 },
	[CTA_PROTO_ICMP_TYPE] = { "icmp_type", MNL_TYPE_U8, 0 },
	[CTA_PROTO_ICMP_CODE] = { "icmp_code", MNL_TYPE_U8, 0 },
	[CTA_PROTO_ICMPV6_ID] = { "icmpv6_id", MNL_TYPE_U16, 0 },
	[CTA_PROTO_ICMPV6_TYPE] = { "icmpv6_type", MNL_TYPE_U8, 0 },
	[CTA_PROTO_ICMPV6_CODE] = { "icmpv6_code", MNL_TYPE_U8, 0 },
};

static const struct ct_attr_desc ct_counters_attrs[CTA_COUNTERS32_BYTES + 1] = {
	[CTA_COUNTERS_PACKETS] = { "packets", MNL_TYPE_U64, 0 },
	[CTA_COUNTERS_BYTES] = { "bytes", MNL_TYPE_U64, 0 },
	[CTA_COUNTERS32_PACKETS] = { "packets32", MNL_TYPE_U32, 0 },
	[CTA_COUNTERS32_BYTES] = { "bytes32", MNL_TYPE_U32, 0 },
};

static const struct ct_attr_desc ct_tstamp_attrs[CTA_TIMESTAMP_STOP + 1] = {
	[CTA_TIMESTAMP_START] = { "start", MNL_TYPE_U64, 0 },
	[CTA_TIMESTAMP_STOP] = { "stop", MNL_TYPE_U64, 0 },
};

static const struct ct_attr_desc ct_protoinfo_attrs[CTA_PROTOINFO_SCTP + 1] = {
	[CTA_PROTOINFO_TCP] = { "tcp", MNL_TYPE_NESTED, 0 },
	[CTA_PROTOINFO_SCTP] = { "sctp", MNL_TYPE_NESTED, 0 },
};

static const struct ct_attr_desc ct_tcp_attrs[CTA_PROTOINFO_TCP_FLAGS_REPLY + 1] = {
	[CTA_PROTOINFO_TCP_STATE] = { "state", MNL_TYPE_U8, 0 },
	[CTA_PROTOINFO_TCP_WSCALE_ORIGINAL] = { "wscale_orig", MNL_TYPE_U8, 0 },
	[CTA_PROTOINFO_TCP_WSCALE_REPLY] = { "wscale_reply", MNL_TYPE_U8, 0 },
	/* struct nf_ct_tcp_flags { u8 flags; u8 mask; } */
	[CTA_PROTOINFO_TCP_FLAGS_ORIGINAL] = { "flags_orig", MNL_TYPE_BINARY, 2 },
	[CTA_PROTOINFO_TCP_FLAGS_REPLY] = { "flags_reply", MNL_TYPE_BINARY, 2 },
};

static const struct ct_attr_desc ct_sctp_attrs[CTA_PROTOINFO_SCTP_VTAG_REPLY + 1] = {
	[CTA_PROTOINFO_SCTP_STATE] = { "state", MNL_TYPE_U8, 0 },
	[CTA_PROTOINFO_SCTP_VTAG_ORIGINAL] = { "vtag_orig", MNL_TYPE_U32, 0 },
	[CTA_PROTOINFO_SCTP_VTAG_REPLY] = { "vtag_reply", MNL_TYPE_U32, 0 },
};

static const struct ct_attr_desc ct_help_attrs[CTA_HELP_NAME + 1] = {
	[CTA_HELP_NAME] = { "name", MNL_TYPE_NUL_STRING, 0 },
};

static const struct ct_attr_desc ct_stats_attrs[CTA_STATS_GLOBAL_MAX_ENTRIES + 1] = {
	[CTA_STATS_GLOBAL_ENTRIES] = { "entries", MNL_TYPE_U32, 0 },
	[CTA_STATS_GLOBAL_MAX_ENTRIES] = { "max_entries", MNL_TYPE_U32, 0 },
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

struct ct_parse_ctx {
	const struct ct_attr_ns *ns;
	const struct nlattr **tb;
	struct ctf_err *err;
};

static int ct_attr_cb(const struct nlattr *a, void *data)
{
	struct ct_parse_ctx *ctx = data;
	uint16_t type = mnl_attr_get_type(a);
	const struct ct_attr_desc *d;
	int ok;

	if (type > ctx->ns->max || !ctx->ns->attrs[type].name)
		return MNL_CB_OK;	/* unknown to us: newer kernel */
	d = &ctx->ns->attrs[type];
	if (d->type == MNL_TYPE_BINARY && d->len)
		ok = mnl_attr_validate2(a, d->type, d->len);
	else
		ok = mnl_attr_validate(a, d->type);
	if (ok < 0) {
		ctf_err_set(ctx->err, "%s attribute %s has a bad length (%u bytes)", ctx->ns->name,
			    d->name, (unsigned)mnl_attr_get_payload_len(a));
		return MNL_CB_ERROR;
	}
	ctx->tb[type] = a;
	return MNL_CB_OK;
}

/*
 * Index the attributes of @len bytes at @data into @tb, validated. Unlike
 * mnl_attr_parse(), bytes left over after the last whole attribute are an
 * error: a truncated message must not decode as a shorter valid one.
 */
static int ct_parse_stream(const void *data, size_t len, const struct ct_attr_ns *ns,
			   const struct nlattr **tb, struct ctf_err *err)
{
	struct ct_parse_ctx ctx = { ns, tb, err };
	const struct nlattr *a = data;
	int rem = (int)len;

	memset(tb, 0, sizeof(*tb) * (ns->max + 1u));
	while (mnl_attr_ok(a, rem)) {
		if (ct_attr_cb(a, &ctx) != MNL_CB_OK)
			return -EBADMSG;
		rem -= (int)CTF_NLA_ALIGN(a->nla_len);
		a = (const struct nlattr *)((const char *)a + CTF_NLA_ALIGN(a->nla_len));
	}
	if (rem > 0)
		return ctf_err_setn(err, -EBADMSG, "%s attributes: %d trailing bytes (truncated?)",
				    ns->name, rem);
	return 0;
}

static int ct_parse_nested(const struct nlattr *nest, const struct ct_attr_ns *ns,
			   const struct nlattr **tb, struct ctf_err *err)
{
	return ct_parse_stream(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest), ns, tb,
			       err);
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
	memcpy(t->src, mnl_attr_get_payload(ip[src]), alen);
	memcpy(t->dst, mnl_attr_get_payload(ip[dst]), alen);
	t->proto = mnl_attr_get_u8(pr[CTA_PROTO_NUM]);

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
		t->icmp_id = ntohs(mnl_attr_get_u16(pr[id]));
		t->icmp_type = mnl_attr_get_u8(pr[type]);
		t->icmp_code = mnl_attr_get_u8(pr[code]);
	} else if (pr[CTA_PROTO_SRC_PORT] && pr[CTA_PROTO_DST_PORT]) {
		t->sport = ntohs(mnl_attr_get_u16(pr[CTA_PROTO_SRC_PORT]));
		t->dport = ntohs(mnl_attr_get_u16(pr[CTA_PROTO_DST_PORT]));
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
		*packets = be64toh(mnl_attr_get_u64(tb[CTA_COUNTERS_PACKETS]));
	else if (tb[CTA_COUNTERS32_PACKETS])
		*packets = ntohl(mnl_attr_get_u32(tb[CTA_COUNTERS32_PACKETS]));
	if (tb[CTA_COUNTERS_BYTES])
		*bytes = be64toh(mnl_attr_get_u64(tb[CTA_COUNTERS_BYTES]));
	else if (tb[CTA_COUNTERS32_BYTES])
		*bytes = ntohl(mnl_attr_get_u32(tb[CTA_COUNTERS32_BYTES]));
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
			mnl_attr_get_u8(tb[CTA_PROTOINFO_TCP_STATE]));
		e->tcp.state_reply = e->tcp.state_orig;
		if (tb[CTA_PROTOINFO_TCP_WSCALE_ORIGINAL])
			e->tcp.wscale_orig = mnl_attr_get_u8(tb[CTA_PROTOINFO_TCP_WSCALE_ORIGINAL]);
		if (tb[CTA_PROTOINFO_TCP_WSCALE_REPLY])
			e->tcp.wscale_reply = mnl_attr_get_u8(tb[CTA_PROTOINFO_TCP_WSCALE_REPLY]);
		if (tb[CTA_PROTOINFO_TCP_FLAGS_ORIGINAL])
			e->tcp.flags_orig = *(const uint8_t *)mnl_attr_get_payload(
				tb[CTA_PROTOINFO_TCP_FLAGS_ORIGINAL]);
		if (tb[CTA_PROTOINFO_TCP_FLAGS_REPLY])
			e->tcp.flags_reply = *(const uint8_t *)mnl_attr_get_payload(
				tb[CTA_PROTOINFO_TCP_FLAGS_REPLY]);
	} else if (pi[CTA_PROTOINFO_SCTP]) {
		if (ct_parse_nested(pi[CTA_PROTOINFO_SCTP], &ns_sctp, tb, err) < 0)
			return -EBADMSG;
		if (!tb[CTA_PROTOINFO_SCTP_STATE] || !tb[CTA_PROTOINFO_SCTP_VTAG_ORIGINAL] ||
		    !tb[CTA_PROTOINFO_SCTP_VTAG_REPLY])
			return ctf_err_setn(err, -EBADMSG, "SCTP protoinfo lacks state or vtags");
		e->protoinfo = IPPROTO_SCTP;
		e->sctp.state = ctf_ct_sctp_state_from_kernel(
			mnl_attr_get_u8(tb[CTA_PROTOINFO_SCTP_STATE]));
		/*
		 * The kernel sends vtags big-endian; ovs-dpctl prints the raw
		 * 32 bits as a host-order number. We keep that, for identical output.
		 */
		e->sctp.vtag_orig = mnl_attr_get_u32(tb[CTA_PROTOINFO_SCTP_VTAG_ORIGINAL]);
		e->sctp.vtag_reply = mnl_attr_get_u32(tb[CTA_PROTOINFO_SCTP_VTAG_REPLY]);
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
	size_t n = mnl_attr_get_payload_len(a);
	const unsigned bits_per_word = 8 * sizeof(unsigned long);

	memcpy(words, mnl_attr_get_payload(a), n < sizeof(words) ? n : sizeof(words));
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
			e->start_ns = be64toh(mnl_attr_get_u64(ts[CTA_TIMESTAMP_START]));
		if (!r && ts[CTA_TIMESTAMP_STOP])
			e->stop_ns = be64toh(mnl_attr_get_u64(ts[CTA_TIMESTAMP_STOP]));
	}
	if (!r && tb[CTA_PROTOINFO])
		r = decode_protoinfo(tb[CTA_PROTOINFO], e, err);
	if (!r && tb[CTA_HELP]) {
		const struct nlattr *h[CT_TB_MAX];

		r = ct_parse_nested(tb[CTA_HELP], &ns_help, h, err);
		if (!r && h[CTA_HELP_NAME])
			snprintf(e->helper, sizeof(e->helper), "%s",
				 mnl_attr_get_str(h[CTA_HELP_NAME]));
	}
	if (r)
		return r;
	if (tb[CTA_ID])
		e->id = ntohl(mnl_attr_get_u32(tb[CTA_ID]));
	if (tb[CTA_ZONE])
		e->zone = ntohs(mnl_attr_get_u16(tb[CTA_ZONE]));
	if (tb[CTA_STATUS])
		e->status = ntohl(mnl_attr_get_u32(tb[CTA_STATUS]));
	if (tb[CTA_TIMEOUT])
		e->timeout = ntohl(mnl_attr_get_u32(tb[CTA_TIMEOUT]));
	if (tb[CTA_MARK])
		e->mark = ntohl(mnl_attr_get_u32(tb[CTA_MARK]));
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
	*entries = ntohl(mnl_attr_get_u32(tb[CTA_STATS_GLOBAL_ENTRIES]));
	return 0;
}
