/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Datapaths and their ports (the ovs_datapath and ovs_vport families), as
 * plain C structs: callers never see a netlink attribute. Each function takes
 * an open socket (include/ctflow/nlsock.h) and an optional struct ctf_err
 * that receives the kernel's extended-ACK text, and returns 0 or -errno.
 *
 * A datapath is named either by name or by dp_ifindex (the ifindex of its
 * local port); struct ctf_dp_ref carries whichever the caller has.
 */
#ifndef CTFLOW_DP_H
#define CTFLOW_DP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>

#include "ctflow/util.h"

struct ctf_nlsock;

/* Name (non-NULL, non-empty) wins; otherwise dp_ifindex. */
struct ctf_dp_ref {
	const char *name;
	int dp_ifindex;
};

struct ctf_dp_info {
	char name[IFNAMSIZ];
	int dp_ifindex;

	bool has_stats;			/* OVS_DP_ATTR_STATS */
	uint64_t n_hit, n_missed, n_lost, n_flows;

	bool has_megaflow_stats;	/* OVS_DP_ATTR_MEGAFLOW_STATS */
	uint64_t n_mask_hit;
	uint32_t n_masks;
	uint64_t n_cache_hit;

	bool has_user_features;		/* OVS_DP_ATTR_USER_FEATURES (echoed) */
	uint32_t user_features;		/* OVS_DP_F_* */

	bool has_masks_cache_size;	/* OVS_DP_ATTR_MASKS_CACHE_SIZE (>= 5.9) */
	uint32_t masks_cache_size;

	/* OVS_DP_ATTR_PER_CPU_PIDS, echoed only in per-CPU dispatch mode. */
	uint32_t n_per_cpu_pids;
	uint32_t per_cpu_pid0;		/* first entry, 0 if none */
};

/* ---- datapaths -------------------------------------------------------- */

/*
 * Create datapath @name whose local port sends misses to @upcall_pid (0 = no
 * upcalls) with exactly @user_features (OVS_DP_F_*). *@info (may be NULL)
 * receives the kernel's echo.
 */
int ctf_dp_new(struct ctf_nlsock *sock, const char *name, uint32_t upcall_pid,
	       uint32_t user_features, struct ctf_dp_info *info, struct ctf_err *err);

/*
 * Create @name negotiating features the way ovs-vswitchd does: first
 * UNALIGNED|DISPATCH_UPCALL_PER_CPU, and on -EOPNOTSUPP (older kernel)
 * UNALIGNED|VPORT_PIDS. @info->user_features says what was accepted.
 */
int ctf_dp_create(struct ctf_nlsock *sock, const char *name, uint32_t upcall_pid,
		  struct ctf_dp_info *info, struct ctf_err *err);

int ctf_dp_del(struct ctf_nlsock *sock, const struct ctf_dp_ref *dp, struct ctf_err *err);

/* -ENODEV if there is no such datapath. */
int ctf_dp_get(struct ctf_nlsock *sock, const struct ctf_dp_ref *dp, struct ctf_dp_info *info,
	       struct ctf_err *err);

/* Called once per datapath; return 0 to go on, negative errno to stop. */
typedef int (*ctf_dp_cb)(const struct ctf_dp_info *info, void *arg);
int ctf_dp_dump(struct ctf_nlsock *sock, ctf_dp_cb cb, void *arg, struct ctf_err *err);

/*
 * OVS_DP_CMD_SET: announce @user_features (the kernel resets features that a
 * SET leaves out, so they are always sent), optionally with the per-CPU
 * upcall PID array (@pids NULL / @n_pids 0: leave it alone). *@info may be NULL.
 */
int ctf_dp_set(struct ctf_nlsock *sock, const struct ctf_dp_ref *dp, uint32_t user_features,
	       const uint32_t *pids, size_t n_pids, struct ctf_dp_info *info,
	       struct ctf_err *err);

/*
 * Decode one ovs_datapath message (a GET reply, a dump entry or a multicast
 * notification). Returns 0 or -EBADMSG.
 */
struct nlmsghdr;
int ctf_dp_decode(const struct nlmsghdr *nlh, struct ctf_dp_info *info);

/* "unaligned,vport-pids,per-cpu" for OVS_DP_F_* bits; unknown bits as 0x%x. */
void ctf_dp_features_format(uint32_t user_features, struct ctf_str *out);

/* ---- vports ----------------------------------------------------------- */

#define CTF_VPORT_NO_ANY UINT32_MAX	/* "let the kernel choose" / "not given" */

struct ctf_vport_info {
	uint32_t port_no;
	uint32_t type;			/* OVS_VPORT_TYPE_* */
	char name[IFNAMSIZ];
	int dp_ifindex;
	int ifindex;			/* 0 if not reported */
	bool has_netnsid;
	int netnsid;

	uint32_t n_upcall_pids;
	uint32_t upcall_pid0;		/* first upcall PID (0 = no upcalls) */

	bool has_stats;			/* OVS_VPORT_ATTR_STATS */
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
	uint64_t rx_errors, tx_errors, rx_dropped, tx_dropped;

	/* Device-level counters, only after ctf_vport_add_link_stats(). */
	bool has_link_stats;
	uint64_t rx_over_errors, rx_frame_errors, tx_aborted_errors, tx_carrier_errors;
	uint64_t collisions;

	bool has_upcall_stats;		/* OVS_VPORT_ATTR_UPCALL_STATS (>= 6.2) */
	uint64_t upcall_success, upcall_fail;

	bool has_dst_port;		/* tunnel ports: OVS_TUNNEL_ATTR_DST_PORT */
	uint16_t dst_port;
};

struct ctf_vport_req {
	const char *name;
	uint32_t type;			/* OVS_VPORT_TYPE_*; 0 = leave it (SET) */
	uint32_t port_no;		/* CTF_VPORT_NO_ANY = kernel chooses */
	const uint32_t *upcall_pids;	/* NULL: a single 0 (no upcalls) on NEW */
	size_t n_upcall_pids;
	bool has_dst_port;		/* tunnel types */
	uint16_t dst_port;
};

int ctf_vport_new(struct ctf_nlsock *sock, int dp_ifindex, const struct ctf_vport_req *req,
		  struct ctf_vport_info *info, struct ctf_err *err);
/* By name when @name is non-NULL, else by @port_no within @dp_ifindex. */
int ctf_vport_del(struct ctf_nlsock *sock, int dp_ifindex, const char *name, uint32_t port_no,
		  struct ctf_err *err);
int ctf_vport_get(struct ctf_nlsock *sock, int dp_ifindex, const char *name, uint32_t port_no,
		  struct ctf_vport_info *info, struct ctf_err *err);
/* OVS_VPORT_CMD_SET: upcall PIDs (and the type, which may only be restated). */
int ctf_vport_set(struct ctf_nlsock *sock, int dp_ifindex, const struct ctf_vport_req *req,
		  struct ctf_vport_info *info, struct ctf_err *err);

typedef int (*ctf_vport_cb)(const struct ctf_vport_info *info, void *arg);
int ctf_vport_dump(struct ctf_nlsock *sock, int dp_ifindex, ctf_vport_cb cb, void *arg,
		   struct ctf_err *err);

/* Decode one ovs_vport message (reply, dump entry, notification): 0 or -EBADMSG. */
int ctf_vport_decode(const struct nlmsghdr *nlh, struct ctf_vport_info *info);

/* "netdev", "internal", "gre", "vxlan", "geneve"; NULL for unknown types. */
const char *ctf_vport_type_name(uint32_t type);
/* Accepts the names above plus "system" (= netdev, as OVS calls it). */
int ctf_vport_type_parse(const char *name, uint32_t *type);

/*
 * For a netdev port in our network namespace, fold in the device's own
 * counters (rtnetlink IFLA_STATS64) the way ovs-dpctl -s reports them:
 * packets and bytes as the device counts them (with GSO/GRO the vport
 * counts differ), errors and drops as vport + device, and the Ethernet
 * counters (overruns, frame, aborted, carrier, collisions) from the device.
 * Other ports are left alone. Returns 0 or -errno (port unchanged).
 */
int ctf_vport_add_link_stats(struct ctf_vport_info *port);

/* Sort ports by number, the order ovs-dpctl prints them in. */
void ctf_vport_sort(struct ctf_vport_info *ports, size_t n);

/* ---- kernel feature probe --------------------------------------------- */

struct ctf_kernel_features {
	bool per_cpu_dispatch;	/* OVS_DP_F_DISPATCH_UPCALL_PER_CPU known */
	bool masks_cache;	/* OVS_DP_ATTR_MASKS_CACHE_SIZE known */
	bool dp_ifindex_attr;	/* OVS_DP_ATTR_IFINDEX known */
	bool vport_upcall_stats;	/* OVS_VPORT_ATTR_UPCALL_STATS known */
	bool ct_limit;		/* ovs_ct_limit family registered */
	bool meter;		/* ovs_meter family registered */
	bool explicit_drop;	/* OVS_ACTION_ATTR_DROP accepted (probed) */
	bool explicit_drop_probed;	/* false: no datapath to probe with */
	bool psample;		/* OVS_ACTION_ATTR_PSAMPLE accepted (probed) */
};

/*
 * Find out what the running kernel supports, from the families' registered
 * attribute ranges and, when @dp_ifindex is non-zero, by probing actions
 * with OVS_FLOW_ATTR_PROBE on a temporary flow (deleted at once).
 */
int ctf_kernel_features_probe(struct ctf_nlsock *sock, int dp_ifindex,
			      struct ctf_kernel_features *feat);
/* "per-cpu-dispatch,masks-cache,ct-limit,meter,drop-action,..." (supported ones). */
void ctf_kernel_features_format(const struct ctf_kernel_features *feat, struct ctf_str *out);

/* ---- text output (ovs-dpctl's formats) ---------------------------------- */

enum ctf_dp_show_flags {
	CTF_DP_SHOW_STATS = 1 << 0,	/* -s: per-port counters */
};

/*
 * The `show` block of one datapath: first exactly the lines ovs-dpctl prints
 * (stats, masks, caches, ports sorted by number, -s counters), then ours:
 * "  upcall dispatch: per-cpu|per-vport", "  features: <user features>" and,
 * when @feat is non-NULL, "  kernel features: <what the kernel supports>".
 */
void ctf_dp_format_show(const struct ctf_dp_info *dp, const struct ctf_vport_info *ports,
			size_t n_ports, const struct ctf_kernel_features *feat, unsigned flags,
			struct ctf_str *out);
/* "per-cpu" or "per-vport", from the datapath's user features. */
const char *ctf_dp_dispatch_mode(const struct ctf_dp_info *dp);

#endif
