/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Watching the datapath as it changes: the multicast notifications of the
 * ovs_datapath, ovs_vport and ovs_flow families (`ctflow monitor`), and the
 * upcalls of the ovs_packet family (`ctflow upcall-listen`).
 *
 * The formatters are pure (a received message in, one line of text out) so
 * that they can be tested without a kernel; the socket side is small and
 * lives next to them in src/nl/monitor.c.
 */
#ifndef CTFLOW_MONITOR_H
#define CTFLOW_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
	CTF_MON_JSON = 1 << 1,		/* one JSON object instead of a text line */
};

/*
 * Format one notification as one line (no newline) appended to @out:
 *   "datapath new: system@NAME", "port del: port 3: veth0 (netdev)",
 *   "flow new: <dump-flows line>" (with ufid:, as the kernel names it) ...
 * or, with CTF_MON_JSON,
 *   {"event":"flow","cmd":"new","dp_ifindex":N,"flow":{dump-flows --json}}.
 * @dp_ifindex non-zero keeps only that datapath's notifications.
 * Returns 1 when a line was produced, 0 when the message is filtered out or
 * not a notification we know, -EBADMSG when it is malformed.
 */
int ctf_monitor_format(const struct nlmsghdr *nlh, const struct ctf_monitor_families *fam,
		       int dp_ifindex, uint64_t now_ms, unsigned flags, struct ctf_str *out);

/* The line printed when the kernel dropped notifications (ENOBUFS). */
void ctf_monitor_format_lost(unsigned flags, struct ctf_str *out);

/*
 * Format one upcall (OVS_PACKET_CMD_MISS or _ACTION):
 *   "MISS upcall: <key in flow syntax>, len:N"
 *   "ACTION upcall: <key>, userdata(HEX), len:N"
 * The key is exact, so every field of it is printed. Returns 1, 0 for
 * other messages, or -EBADMSG.
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
