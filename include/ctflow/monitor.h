/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Watching the datapath as it changes: the multicast notifications of the
 * ovs_datapath, ovs_vport and ovs_flow families (`ctflow monitor`), and the
 * upcalls of the ovs_packet family (`ctflow upcall-listen`).
 *
 * Each message is decoded once (ctf_monitor_decode(), ctf_upcall_decode()),
 * and every writer works from the decoded form: the text lines here, the
 * CLI's JSON (src/cli/output-events.c). Decoders and formatters are pure (a
 * received message in), so that they can be tested without a kernel; the
 * socket side is small and lives next to them in src/nl/ops/monitor.c.
 */
#ifndef CTFLOW_MONITOR_H
#define CTFLOW_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctflow/dp.h"
#include "ctflow/flow.h"
#include "ctflow/flowtext.h"
#include "ctflow/util.h"

struct nlmsghdr;
struct ctf_nlsock;

/* The generic-netlink family ids that tell notifications apart. */
struct ctf_monitor_families {
	uint16_t datapath;
	uint16_t vport;
	uint16_t flow;
	uint16_t packet;	/* 0 when not resolved (monitor only) */
};

enum ctf_monitor_flags {
	CTF_MON_VERBOSE = 1 << 0,	/* flows as dump-flows -m prints them */
};

/* What a notification is about. */
enum ctf_event_object {
	CTF_EVENT_DATAPATH,
	CTF_EVENT_PORT,
	CTF_EVENT_FLOW,
};

/* One notification, decoded: @object says which of @dp, @port, @flow is set. */
struct ctf_monitor_event {
	enum ctf_event_object object;
	const char *cmd;		/* "new", "del", "get" or "set" */
	int dp_ifindex;
	union {
		struct ctf_dp_info dp;
		struct {
			struct ctf_vport_info port;
			char port_type[24];	/* its type's name, or "type N" */
		};
		struct ctf_flow_info flow;	/* points into the message */
	};
};

/*
 * Decode one multicast notification of the ovs_datapath, ovs_vport or
 * ovs_flow family. @dp_ifindex non-zero keeps only that datapath's
 * notifications. Returns 1 with @ev filled, 0 when the message is filtered
 * out or not a notification we know, -EBADMSG when it is malformed.
 */
int ctf_monitor_decode(const struct nlmsghdr *nlh, const struct ctf_monitor_families *fam,
		       int dp_ifindex, struct ctf_monitor_event *ev);

/*
 * ctf_monitor_decode(), then one line (no newline) appended to @out:
 *   "datapath new: system@NAME", "port del: port 3: veth0 (netdev)",
 *   "flow new: <dump-flows line>" (with ufid:, as the kernel names it) ...
 * Returns what ctf_monitor_decode() returned.
 */
int ctf_monitor_format(const struct nlmsghdr *nlh, const struct ctf_monitor_families *fam,
		       int dp_ifindex, uint64_t now_ms, unsigned flags, struct ctf_str *out);

/* The line printed when the kernel dropped notifications (ENOBUFS). */
void ctf_monitor_format_lost(struct ctf_str *out);

/* One upcall (OVS_PACKET_CMD_MISS or _ACTION), decoded; pointers into the message. */
struct ctf_upcall {
	bool miss;			/* a MISS, else an ACTION upcall */
	int dp_ifindex;
	const void *key;		/* OVS_KEY_ATTR_* of the packet, exact */
	size_t key_len;
	const void *userdata;		/* NULL when absent */
	size_t userdata_len;
	bool has_mru;
	uint16_t mru;
	uint32_t len;			/* bytes that arrived (before any trunc()) */
};

/*
 * Decode an upcall of the ovs_packet family @packet_family: 1 with @up
 * filled, 0 for other messages, -EBADMSG when malformed (no key or packet).
 */
int ctf_upcall_decode(const struct nlmsghdr *nlh, uint16_t packet_family, struct ctf_upcall *up);

/*
 * ctf_upcall_decode(), then one line:
 *   "MISS upcall: <key in flow syntax>, len:N"
 *   "ACTION upcall: <key>, userdata(HEX), len:N"
 * The key is exact, so every field of it is printed.
 */
int ctf_upcall_format(const struct nlmsghdr *nlh, uint16_t packet_family,
		      const struct ctf_portmap *ports, unsigned flags, struct ctf_str *out);

/* ---- sockets ------------------------------------------------------------ */

/*
 * Open a socket that has joined the multicast groups of ovs_datapath,
 * ovs_vport and ovs_flow, and fill @fam. -ENOENT when the families are not
 * registered (openvswitch module not loaded).
 */
int ctf_monitor_open(struct ctf_nlsock **sockp, struct ctf_monitor_families *fam);

/* The per-CPU upcall PID array size the kernel indexes by CPU id. */
unsigned ctf_monitor_n_cpus(void);

#endif
