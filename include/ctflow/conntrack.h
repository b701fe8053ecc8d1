/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kernel connection tracker as seen from userspace: ctnetlink
 * (NETLINK_NETFILTER, subsystem CTNETLINK) to dump, count and delete
 * entries, the dump-conntrack text format of ovs-dpctl, the flush filter
 * language, and per-zone connection limits (the ovs_ct_limit genl family).
 *
 * Conntrack is per network namespace, not per datapath: every datapath of a
 * namespace shares one table, so nothing here takes a datapath.
 *
 * Numbers in the structs are in host byte order, addresses in network order.
 * TCP and SCTP states use the ovs-dpctl numbering (enum ctf_ct_tcp_state,
 * enum ctf_ct_sctp_state), translated from the kernel's at decode time so
 * that the formatter can print exactly what ovs-dpctl prints.
 */
#ifndef CTFLOW_CONNTRACK_H
#define CTFLOW_CONNTRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#include "ctflow/util.h"

struct ctf_nlsock;

/* One direction of a connection. */
struct ctf_ct_tuple {
	uint8_t l3;		/* AF_INET, AF_INET6, or 0 = absent */
	uint8_t proto;		/* IPPROTO_* */
	uint8_t src[16];	/* IPv4 uses the first 4 bytes */
	uint8_t dst[16];
	uint16_t sport, dport;	/* ports (not ICMP) */
	uint16_t icmp_id;	/* ICMP / ICMPv6 */
	uint8_t icmp_type, icmp_code;
};

/* ovs-dpctl's TCP state numbering (what it prints), not the kernel's. */
enum ctf_ct_tcp_state {
	CTF_TCPS_CLOSED,
	CTF_TCPS_LISTEN,
	CTF_TCPS_SYN_SENT,
	CTF_TCPS_SYN_RECV,
	CTF_TCPS_ESTABLISHED,
	CTF_TCPS_CLOSE_WAIT,
	CTF_TCPS_FIN_WAIT_1,
	CTF_TCPS_CLOSING,
	CTF_TCPS_LAST_ACK,
	CTF_TCPS_FIN_WAIT_2,
	CTF_TCPS_TIME_WAIT,
	CTF_TCPS_N
};

enum ctf_ct_sctp_state {
	CTF_SCTPS_CLOSED,
	CTF_SCTPS_COOKIE_WAIT,
	CTF_SCTPS_COOKIE_ECHOED,
	CTF_SCTPS_ESTABLISHED,
	CTF_SCTPS_SHUTDOWN_SENT,
	CTF_SCTPS_SHUTDOWN_RECD,
	CTF_SCTPS_SHUTDOWN_ACK_SENT,
	CTF_SCTPS_HEARTBEAT_SENT,
	CTF_SCTPS_HEARTBEAT_ACKED,
	CTF_SCTPS_N
};

struct ctf_ct_entry {
	struct ctf_ct_tuple orig, reply;
	struct ctf_ct_tuple parent;	/* CTA_TUPLE_MASTER; parent.l3 == 0 if none */
	uint64_t packets_orig, bytes_orig;
	uint64_t packets_reply, bytes_reply;
	uint64_t start_ns, stop_ns;	/* CLOCK_REALTIME ns; 0 if not recorded */
	uint32_t id;
	uint32_t status;		/* IPS_* bits */
	uint32_t timeout;		/* seconds left */
	uint32_t mark;
	uint16_t zone;
	bool has_labels;
	uint8_t labels[16];		/* the 128-bit label as a big-endian number */

	uint8_t protoinfo;		/* 0, IPPROTO_TCP or IPPROTO_SCTP */
	struct {
		uint8_t state_orig, state_reply;	/* enum ctf_ct_tcp_state */
		uint8_t wscale_orig, wscale_reply;
		uint8_t flags_orig, flags_reply;	/* IP_CT_TCP_FLAG_* */
	} tcp;
	struct {
		uint8_t state;		/* enum ctf_ct_sctp_state */
		uint32_t vtag_orig, vtag_reply;
	} sctp;
	char helper[32];		/* "" if no helper */
};

/* ---- decoding (pure; src/nl/ct-decode.c) ------------------------------- */

/*
 * Decode one IPCTNL_MSG_CT_NEW message (a dump reply or an event) into @e.
 * Returns 0, or -EBADMSG (with @err naming what is wrong) for a message that
 * is not a conntrack entry or is malformed; -EAFNOSUPPORT for a family other
 * than IPv4/IPv6.
 */
int ctf_ct_decode(const struct nlmsghdr *nlh, struct ctf_ct_entry *e, struct ctf_err *err);

/* The entry count of an IPCTNL_MSG_CT_GET_STATS reply (CTA_STATS_GLOBAL_ENTRIES). */
int ctf_ct_decode_stats(const struct nlmsghdr *nlh, uint32_t *entries, struct ctf_err *err);

/* Kernel TCP/SCTP state numbers -> ovs-dpctl numbering. */
uint8_t ctf_ct_tcp_state_from_kernel(uint8_t kernel_state);
uint8_t ctf_ct_sctp_state_from_kernel(uint8_t kernel_state);

/* ---- formatting (src/nl/ct-format.c) ----------------------------------- */

/* "tcp", "icmp", ... or the decimal number for other protocols. */
void ctf_ct_format_proto(struct ctf_str *out, uint8_t proto);
/* "src=...,dst=...,sport=N,dport=N" (or ",id=,type=,code=" for ICMP). */
void ctf_ct_format_tuple(struct ctf_str *out, const struct ctf_ct_tuple *t);
/*
 * One dump-conntrack line, exactly as ovs-dpctl prints it (no newline):
 * @verbose is -m (id, status, verbose TCP protoinfo, parent), @stats is -s
 * (counters, start/stop in local time, timeout).
 */
void ctf_ct_format_entry(struct ctf_str *out, const struct ctf_ct_entry *e, bool verbose,
			 bool stats);
/* The 128-bit label as ovs-dpctl prints it: 0x plus hex without leading zeros. */
void ctf_ct_format_labels(struct ctf_str *out, const uint8_t labels[16]);
/* The IPS_* bits as -m prints them: "SEEN_REPLY|ASSURED|CONFIRMED", or "0". */
void ctf_ct_format_status(struct ctf_str *out, uint32_t status);
/*
 * The one TCP state ovs-dpctl shows for an entry: the larger of the two
 * directions, FIN_WAIT_2 shown as TIME_WAIT and SYN_RECV as ESTABLISHED.
 */
uint8_t ctf_ct_tcp_state(const struct ctf_ct_entry *e);
const char *ctf_ct_tcp_state_name(uint8_t state);	/* NULL if out of range */
const char *ctf_ct_sctp_state_name(uint8_t state);	/* NULL if out of range */

/* ---- filter (src/nl/conntrack/ct-filter.c) ---------------------------- */
/* What dump-conntrack, flush-conntrack and monitor-conntrack select. */

/* A tuple with only some fields given ("partial tuples"). */
enum ctf_ct_tuple_field {
	CTF_CTF_SRC = 1 << 0,
	CTF_CTF_DST = 1 << 1,
	CTF_CTF_PROTO = 1 << 2,
	CTF_CTF_SPORT = 1 << 3,
	CTF_CTF_DPORT = 1 << 4,
	CTF_CTF_ICMP_TYPE = 1 << 5,
	CTF_CTF_ICMP_CODE = 1 << 6,
	CTF_CTF_ICMP_ID = 1 << 7,
};

struct ctf_ct_partial_tuple {
	unsigned fields;	/* enum ctf_ct_tuple_field bits given */
	struct ctf_ct_tuple t;	/* t.l3 is set by the address fields */
};

struct ctf_ct_filter {
	bool has_zone;
	uint16_t zone;
	bool has_mark;
	uint32_t mark, mark_mask;
	bool has_labels;
	uint8_t labels[16], labels_mask[16];	/* big-endian numbers */
	struct ctf_ct_partial_tuple orig, reply;
};

/*
 * Parse filter arguments (after the optional datapath): zone=N,
 * mark=X[/M], labels=Y[/N], then an orig tuple and an optional reply tuple
 * ("" for no orig tuple). Returns 0, or -EINVAL with @err naming the token.
 */
int ctf_ct_filter_parse(struct ctf_ct_filter *f, int argc, char **argv, struct ctf_err *err);
/* Parse one comma-separated tuple ("ct_nw_src=1.2.3.4,ct_nw_proto=6,..."). */
int ctf_ct_tuple_parse(struct ctf_ct_partial_tuple *pt, const char *text, struct ctf_err *err);
bool ctf_ct_filter_is_empty(const struct ctf_ct_filter *f);
bool ctf_ct_filter_match(const struct ctf_ct_filter *f, const struct ctf_ct_entry *e);

/* ---- requests (pure; src/nl/conntrack/ct-request.c) --------------------- */

/* nlmsghdr + nfgenmsg: the smallest ctnetlink request. */
#define CTF_CT_HDRLEN (NLMSG_HDRLEN + NLMSG_ALIGN(4))

/*
 * Start a ctnetlink request (IPCTNL_MSG_CT_*) for address @family in @buf,
 * zeroed first. NULL if @buflen is too small.
 */
struct nlmsghdr *ctf_ct_req_init(void *buf, size_t buflen, uint8_t msg, uint16_t flags,
				 uint8_t family);
/* Append @t as a whole tuple attribute (CTA_TUPLE_ORIG/REPLY). False if full. */
bool ctf_ct_put_tuple(struct nlmsghdr *nlh, size_t buflen, uint16_t type,
		      const struct ctf_ct_tuple *t);
/*
 * A dump request carrying what the kernel can filter of @f (NULL: all):
 * family, mark/mask, zone, and partial tuples (CTA_FILTER) when they name
 * an address family. Labels are never sent. The kernel's filter can be
 * ignored or partial (older kernels, zone 0), so every entry received must
 * still go through ctf_ct_filter_match(). NULL if @buflen is too small.
 */
struct nlmsghdr *ctf_ct_dump_request(void *buf, size_t buflen, const struct ctf_ct_filter *f);

/* ---- ctnetlink (src/nl/conntrack/conntrack.c) --------------------------- */

/* Called per entry as the dump streams in; return 0 to go on, -errno to stop. */
typedef int (*ctf_ct_entry_cb)(const struct ctf_ct_entry *e, void *arg);

/* A NETLINK_NETFILTER socket of the common socket layer (close with ctf_nlsock_close). */
int ctf_ct_open(struct ctf_nlsock **sockp, struct ctf_err *err);

/*
 * Dump the conntrack table of this network namespace (both IPv4 and IPv6),
 * calling @cb per entry, only for @zone if non-NULL. Errors: -EPROTONOSUPPORT
 * or -ENOENT when nf_conntrack_netlink is not loaded; -EPERM without
 * CAP_NET_ADMIN.
 */
int ctf_ct_dump(const uint16_t *zone, ctf_ct_entry_cb cb, void *arg, struct ctf_err *err);
/*
 * The same for the entries @f matches (NULL or empty: all), filtered by the
 * kernel as far as it can and in userspace for the rest. Memory does not
 * grow with the table: entries are decoded and handed over one at a time.
 */
int ctf_ct_dump_filter(const struct ctf_ct_filter *f, ctf_ct_entry_cb cb, void *arg,
		       struct ctf_err *err);
/* ctf_ct_dump_filter() on an open socket (from ctf_ct_open()). */
int ctf_ct_dump_on(struct ctf_nlsock *sock, const struct ctf_ct_filter *f, ctf_ct_entry_cb cb,
		   void *arg, struct ctf_err *err);

/* Delete one entry by its original tuple (and zone; and id if non-zero). */
int ctf_ct_delete(const struct ctf_ct_tuple *orig, uint16_t zone, uint32_t id,
		  struct ctf_err *err);

/*
 * Delete the entries @f matches (all of them if @f is empty, with one
 * request). Filtering is done in userspace: dump, then delete each match by
 * tuple, zone and id (entries that vanished meanwhile are not an error).
 * *@n_deleted (may be NULL) gets the number deleted when filtering.
 */
int ctf_ct_flush(const struct ctf_ct_filter *f, unsigned *n_deleted, struct ctf_err *err);

/* Number of entries in the table (IPCTNL_MSG_CT_GET_STATS, else a count by dump). */
int ctf_ct_count(uint32_t *count, struct ctf_err *err);

/* A hint for a ctnetlink errno, or NULL (e.g. "modprobe nf_conntrack_netlink"). */
const char *ctf_ct_errno_hint(int neg_errno);

/* ---- events (src/nl/conntrack/ct-monitor.c) ----------------------------- */

enum ctf_ct_event {
	CTF_CT_EV_NEW = 1 << 0,
	CTF_CT_EV_UPDATE = 1 << 1,
	CTF_CT_EV_DESTROY = 1 << 2,
};
#define CTF_CT_EV_ALL (CTF_CT_EV_NEW | CTF_CT_EV_UPDATE | CTF_CT_EV_DESTROY)

/* Which event a ctnetlink message is (enum ctf_ct_event), 0 if none. Pure. */
int ctf_ct_event_type(const struct nlmsghdr *nlh);
/* "NEW", "UPDATE", "DESTROY". */
const char *ctf_ct_event_name(int event);

/* A socket subscribed to the @events (enum ctf_ct_event bits) multicast groups. */
int ctf_ct_monitor_open(struct ctf_nlsock **sockp, unsigned events, struct ctf_err *err);

typedef int (*ctf_ct_event_cb)(int event, const struct ctf_ct_entry *e, void *arg);
/*
 * Wait for one buffer of events and call @cb for each that @f (may be NULL)
 * matches. Returns the number of messages read, -ENOBUFS when the kernel
 * dropped events because we were too slow (not fatal: go on), or -errno
 * (the callback's, or a receive error), with @err saying why.
 */
int ctf_ct_monitor_recv(struct ctf_nlsock *sock, const struct ctf_ct_filter *f,
			ctf_ct_event_cb cb, void *arg, struct ctf_err *err);

/* ---- statistics (pure; src/nl/conntrack/ct-stats.c) --------------------- */

/* ovs-dpctl ct-stats-show's protocol buckets. */
enum ctf_ct_stats_proto {
	CTF_CT_STATS_TCP,
	CTF_CT_STATS_UDP,
	CTF_CT_STATS_UDPLITE,
	CTF_CT_STATS_SCTP,
	CTF_CT_STATS_ICMP,
	CTF_CT_STATS_ICMPV6,
	CTF_CT_STATS_DCCP,
	CTF_CT_STATS_IGMP,
	CTF_CT_STATS_OTHER,
	CTF_CT_STATS_N
};

struct ctf_ct_stats {
	uint32_t total;
	uint32_t proto[CTF_CT_STATS_N];
	uint32_t tcp_states[CTF_TCPS_N];	/* by ctf_ct_tcp_state() */
};

/* Count @e into @s (zero @s first). */
void ctf_ct_stats_add(struct ctf_ct_stats *s, const struct ctf_ct_entry *e);
/* "TCP", "ICMPv6", "Other", ...; NULL if out of range. */
const char *ctf_ct_stats_proto_name(enum ctf_ct_stats_proto p);
/* ovs-dpctl ct-stats-show's text (with "Conn per TCP states" if @verbose). */
void ctf_ct_stats_format(struct ctf_str *out, const struct ctf_ct_stats *s, bool verbose);

/* ---- zone limits (src/nl/ct-limit.c, ovs_ct_limit genl family) --------- */

#define CTF_CT_LIMIT_DEFAULT_ZONE (-1)

struct ctf_ct_zone_limit {
	int32_t zone;		/* 0..65535, or CTF_CT_LIMIT_DEFAULT_ZONE */
	uint32_t limit;		/* 0 = unlimited */
	uint32_t count;		/* GET only */
};

/*
 * Pack @n records into one OVS_CT_LIMIT_ATTR_ZONE_LIMIT attribute of @nlh
 * (@buflen bytes). -EMSGSIZE if it does not fit.
 */
int ctf_ct_limit_put(struct nlmsghdr *nlh, size_t buflen, const struct ctf_ct_zone_limit *zl,
		     size_t n);
/*
 * Parse a GET reply: calls @cb per record; -EBADMSG if the array is not a
 * whole number of records.
 */
typedef int (*ctf_ct_limit_cb)(const struct ctf_ct_zone_limit *zl, void *arg);
int ctf_ct_limit_parse(const struct nlmsghdr *nlh, ctf_ct_limit_cb cb, void *arg);

/* SET (zone+limit), DEL (zone) and GET (@n == 0: default + every configured zone). */
int ctf_ct_limit_set(struct ctf_nlsock *sock, const struct ctf_ct_zone_limit *zl, size_t n,
		     struct ctf_err *err);
int ctf_ct_limit_del(struct ctf_nlsock *sock, const struct ctf_ct_zone_limit *zl, size_t n,
		     struct ctf_err *err);
int ctf_ct_limit_get(struct ctf_nlsock *sock, const struct ctf_ct_zone_limit *zl, size_t n,
		     ctf_ct_limit_cb cb, void *arg, struct ctf_err *err);

#endif
