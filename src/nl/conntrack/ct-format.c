// SPDX-License-Identifier: Apache-2.0
/*
 * The dump-conntrack line, byte for byte what ovs-dpctl prints for the
 * same kernel entry, so scripts and tests written against ovs-dpctl keep
 * working (the line ovs-dpctl dump-conntrack prints). The order of the fields and
 * every "print only when non-zero" rule below come from that format.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>

#include "ctflow/conntrack.h"

#ifndef IPPROTO_UDPLITE
#define IPPROTO_UDPLITE 136
#endif

static const struct {
	uint8_t proto;
	const char *name;
} proto_names[] = {
	{ IPPROTO_ICMP, "icmp" },
	{ IPPROTO_ICMPV6, "icmpv6" },
	{ IPPROTO_TCP, "tcp" },
	{ IPPROTO_UDP, "udp" },
	{ IPPROTO_SCTP, "sctp" },
	{ IPPROTO_UDPLITE, "udplite" },
	{ IPPROTO_DCCP, "dccp" },
	{ IPPROTO_IGMP, "igmp" },
};

static const char *const tcp_state_names[CTF_TCPS_N] = {
	[CTF_TCPS_CLOSED] = "CLOSED",
	[CTF_TCPS_LISTEN] = "LISTEN",
	[CTF_TCPS_SYN_SENT] = "SYN_SENT",
	[CTF_TCPS_SYN_RECV] = "SYN_RECV",
	[CTF_TCPS_ESTABLISHED] = "ESTABLISHED",
	[CTF_TCPS_CLOSE_WAIT] = "CLOSE_WAIT",
	[CTF_TCPS_FIN_WAIT_1] = "FIN_WAIT_1",
	[CTF_TCPS_CLOSING] = "CLOSING",
	[CTF_TCPS_LAST_ACK] = "LAST_ACK",
	[CTF_TCPS_FIN_WAIT_2] = "FIN_WAIT_2",
	[CTF_TCPS_TIME_WAIT] = "TIME_WAIT",
};

static const char *const sctp_state_names[CTF_SCTPS_N] = {
	[CTF_SCTPS_CLOSED] = "CLOSED",
	[CTF_SCTPS_COOKIE_WAIT] = "COOKIE_WAIT",
	[CTF_SCTPS_COOKIE_ECHOED] = "COOKIE_ECHOED",
	[CTF_SCTPS_ESTABLISHED] = "ESTABLISHED",
	[CTF_SCTPS_SHUTDOWN_SENT] = "SHUTDOWN_SENT",
	[CTF_SCTPS_SHUTDOWN_RECD] = "SHUTDOWN_RECD",
	[CTF_SCTPS_SHUTDOWN_ACK_SENT] = "SHUTDOWN_ACK_SENT",
	[CTF_SCTPS_HEARTBEAT_SENT] = "HEARTBEAT_SENT",
	[CTF_SCTPS_HEARTBEAT_ACKED] = "HEARTBEAT_ACKED",
};

struct flag_name {
	uint32_t bit;
	const char *name;
};

/* IPS_* bits in the order ovs-dpctl lists them. */
static const struct flag_name status_names[] = {
	{ IPS_EXPECTED, "EXPECTED" },
	{ IPS_SEEN_REPLY, "SEEN_REPLY" },
	{ IPS_ASSURED, "ASSURED" },
	{ IPS_CONFIRMED, "CONFIRMED" },
	{ IPS_SRC_NAT, "SRC_NAT" },
	{ IPS_DST_NAT, "DST_NAT" },
	{ IPS_SEQ_ADJUST, "SEQ_ADJUST" },
	{ IPS_SRC_NAT_DONE, "SRC_NAT_DONE" },
	{ IPS_DST_NAT_DONE, "DST_NAT_DONE" },
	{ IPS_DYING, "DYING" },
	{ IPS_FIXED_TIMEOUT, "FIXED_TIMEOUT" },
	{ IPS_TEMPLATE, "TEMPLATE" },
	{ IPS_UNTRACKED, "UNTRACKED" },
};

static const struct flag_name tcp_flag_names[] = {
	{ IP_CT_TCP_FLAG_WINDOW_SCALE, "WINDOW_SCALE" },
	{ IP_CT_TCP_FLAG_SACK_PERM, "SACK_PERM" },
	{ IP_CT_TCP_FLAG_CLOSE_INIT, "CLOSE_INIT" },
	{ IP_CT_TCP_FLAG_BE_LIBERAL, "BE_LIBERAL" },
	{ IP_CT_TCP_FLAG_DATA_UNACKNOWLEDGED, "DATA_UNACKNOWLEDGED" },
	{ IP_CT_TCP_FLAG_MAXACK_SET, "MAXACK_SET" },
};

const char *ctf_ct_tcp_state_name(uint8_t state)
{
	return state < CTF_TCPS_N ? tcp_state_names[state] : NULL;
}

const char *ctf_ct_sctp_state_name(uint8_t state)
{
	return state < CTF_SCTPS_N ? sctp_state_names[state] : NULL;
}

void ctf_ct_format_proto(struct ctf_str *out, uint8_t proto)
{
	for (size_t i = 0; i < CTF_ARRAY_SIZE(proto_names); i++) {
		if (proto_names[i].proto == proto) {
			ctf_str_puts(out, proto_names[i].name);
			return;
		}
	}
	ctf_str_printf(out, "%u", proto);
}

/*
 * "A|B|C" in bit order, or "0" when no flag is set, as ovs-dpctl >= 2.17
 * prints them. Bits without a name are not printed: ovs-dpctl drops them
 * when it converts the kernel's flags (e.g. IPS_HELPER, IPS_OFFLOAD).
 */
static void put_flags(struct ctf_str *out, uint32_t flags, const struct flag_name *names,
		      size_t n)
{
	const char *sep = "";
	uint32_t known = 0;

	for (size_t i = 0; i < n; i++)
		known |= names[i].bit;
	if (!(flags & known)) {
		ctf_str_putc(out, '0');
		return;
	}

	for (size_t i = 0; i < n; i++) {
		if (flags & names[i].bit) {
			ctf_str_printf(out, "%s%s", sep, names[i].name);
			sep = "|";
		}
	}
}

void ctf_ct_format_status(struct ctf_str *out, uint32_t status)
{
	put_flags(out, status, status_names, CTF_ARRAY_SIZE(status_names));
}

/* A state name, or "[n]" for a number we have no name for. */
static void put_state(struct ctf_str *out, const char *name, uint8_t state)
{
	if (name)
		ctf_str_puts(out, name);
	else
		ctf_str_printf(out, "[%u]", state);
}

/*
 * "<key>N" with N in decimal, written in place: dump-conntrack prints
 * several numbers per entry, and printf was most of its user time.
 */
static char *u32_digits(char *p, uint32_t v)
{
	char tmp[10];
	int n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (n)
		*p++ = tmp[--n];
	return p;
}

static void put_u32(struct ctf_str *out, const char *key, uint32_t v)
{
	size_t klen = strlen(key);
	char *start = ctf_str_room(out, klen + 10), *p = start;

	memcpy(p, key, klen);
	p = u32_digits(p + klen, v);
	ctf_str_commit(out, (size_t)(p - start));
}

/* "<key>A" for an address; IPv4 by hand (the common case), IPv6 by inet_ntop(). */
static void put_addr(struct ctf_str *out, const char *key, uint8_t l3, const uint8_t *a)
{
	size_t klen = strlen(key);
	char *start = ctf_str_room(out, klen + INET6_ADDRSTRLEN), *p = start;

	memcpy(p, key, klen);
	p += klen;
	if (l3 == AF_INET) {
		for (int i = 0; i < 4; i++) {
			p = u32_digits(p, a[i]);
			*p++ = '.';
		}
		p--;
	} else {
		inet_ntop(AF_INET6, a, p, INET6_ADDRSTRLEN);
		p += strlen(p);
	}
	ctf_str_commit(out, (size_t)(p - start));
}

void ctf_ct_format_tuple(struct ctf_str *out, const struct ctf_ct_tuple *t)
{
	if (t->l3 != AF_INET && t->l3 != AF_INET6) {
		ctf_str_printf(out, "Unsupported address family: %u", t->l3);
		return;
	}
	put_addr(out, "src=", t->l3, t->src);
	put_addr(out, ",dst=", t->l3, t->dst);
	if (t->proto == IPPROTO_ICMP || t->proto == IPPROTO_ICMPV6) {
		put_u32(out, ",id=", t->icmp_id);
		put_u32(out, ",type=", t->icmp_type);
		put_u32(out, ",code=", t->icmp_code);
	} else {
		put_u32(out, ",sport=", t->sport);
		put_u32(out, ",dport=", t->dport);
	}
}

void ctf_ct_format_labels(struct ctf_str *out, const uint8_t labels[16])
{
	bool started = false;

	for (int i = 0; i < 16; i++) {
		if (started)
			ctf_str_printf(out, "%02x", labels[i]);
		else if (labels[i]) {
			ctf_str_printf(out, "0x%x", labels[i]);
			started = true;
		}
	}
	if (!started)
		ctf_str_puts(out, "0");
}

static void put_counters(struct ctf_str *out, uint64_t packets, uint64_t bytes)
{
	if (packets || bytes)
		ctf_str_printf(out, ",packets=%" PRIu64 ",bytes=%" PRIu64, packets, bytes);
}

/* ",start=2026-11-26T04:22:23.123" in local time, as ovs-dpctl prints it. */
static void put_time(struct ctf_str *out, const char *title, uint64_t ns)
{
	uint64_t ms = ns / 1000000u;
	time_t secs = (time_t)(ms / 1000u);
	struct tm tm;
	char buf[64];

	if (!localtime_r(&secs, &tm) || !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm)) {
		ctf_str_printf(out, ",%s=%" PRIu64, title, ns);
		return;
	}
	ctf_str_printf(out, ",%s=%s.%03u", title, buf, (unsigned)(ms % 1000u));
}

static bool labels_nonzero(const struct ctf_ct_entry *e)
{
	for (int i = 0; i < 16; i++)
		if (e->labels[i])
			return true;
	return false;
}

/*
 * TCP state in short form: the larger of the two directions, with the two
 * states where the kernel and OVS userspace conntrack disagree folded into
 * their neighbour so that the same test passes against either.
 */
uint8_t ctf_ct_tcp_state(const struct ctf_ct_entry *e)
{
	uint8_t s = e->tcp.state_orig > e->tcp.state_reply ? e->tcp.state_orig
							    : e->tcp.state_reply;

	if (s == CTF_TCPS_FIN_WAIT_2)
		return CTF_TCPS_TIME_WAIT;
	if (s == CTF_TCPS_SYN_RECV)
		return CTF_TCPS_ESTABLISHED;
	return s;
}

static void put_protoinfo(struct ctf_str *out, const struct ctf_ct_entry *e, bool verbose)
{
	if (e->protoinfo == IPPROTO_TCP) {
		ctf_str_puts(out, ",protoinfo=(");
		if (!verbose) {
			uint8_t s = ctf_ct_tcp_state(e);

			ctf_str_puts(out, "state=");
			put_state(out, ctf_ct_tcp_state_name(s), s);
		} else {
			ctf_str_puts(out, "state_orig=");
			put_state(out, ctf_ct_tcp_state_name(e->tcp.state_orig), e->tcp.state_orig);
			ctf_str_puts(out, ",state_reply=");
			put_state(out, ctf_ct_tcp_state_name(e->tcp.state_reply),
				  e->tcp.state_reply);
			if (e->tcp.wscale_orig || e->tcp.wscale_reply)
				ctf_str_printf(out, ",wscale_orig=%u,wscale_reply=%u",
					       e->tcp.wscale_orig, e->tcp.wscale_reply);
			ctf_str_puts(out, ",flags_orig=");
			put_flags(out, e->tcp.flags_orig, tcp_flag_names,
				  CTF_ARRAY_SIZE(tcp_flag_names));
			ctf_str_puts(out, ",flags_reply=");
			put_flags(out, e->tcp.flags_reply, tcp_flag_names,
				  CTF_ARRAY_SIZE(tcp_flag_names));
		}
		ctf_str_putc(out, ')');
	} else if (e->protoinfo == IPPROTO_SCTP) {
		ctf_str_puts(out, ",protoinfo=(state=");
		put_state(out, ctf_ct_sctp_state_name(e->sctp.state), e->sctp.state);
		ctf_str_printf(out, ",vtag_orig=%" PRIu32 ",vtag_reply=%" PRIu32 ")",
			       e->sctp.vtag_orig, e->sctp.vtag_reply);
	}
}

void ctf_ct_format_entry(struct ctf_str *out, const struct ctf_ct_entry *e, bool verbose,
			 bool stats)
{
	ctf_ct_format_proto(out, e->orig.proto);
	ctf_str_puts(out, ",orig=(");
	ctf_ct_format_tuple(out, &e->orig);
	if (stats)
		put_counters(out, e->packets_orig, e->bytes_orig);
	ctf_str_puts(out, "),reply=(");
	ctf_ct_format_tuple(out, &e->reply);
	if (stats)
		put_counters(out, e->packets_reply, e->bytes_reply);
	ctf_str_putc(out, ')');

	if (stats && (e->start_ns || e->stop_ns)) {
		put_time(out, "start", e->start_ns);
		if (e->stop_ns)
			put_time(out, "stop", e->stop_ns);
	}
	if (verbose)
		put_u32(out, ",id=", e->id);
	if (e->zone)
		put_u32(out, ",zone=", e->zone);
	if (verbose) {
		ctf_str_puts(out, ",status=");
		put_flags(out, e->status, status_names, CTF_ARRAY_SIZE(status_names));
	}
	if (stats)
		put_u32(out, ",timeout=", e->timeout);
	if (e->mark)
		put_u32(out, ",mark=", e->mark);
	if (labels_nonzero(e)) {
		ctf_str_puts(out, ",labels=");
		ctf_ct_format_labels(out, e->labels);
	}
	put_protoinfo(out, e, verbose);
	if (e->helper[0])
		ctf_str_printf(out, ",helper=%s", e->helper);
	if (verbose && e->parent.l3) {
		ctf_str_puts(out, ",parent=(");
		ctf_ct_format_tuple(out, &e->parent);
		ctf_str_putc(out, ')');
	}
}
