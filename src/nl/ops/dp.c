// SPDX-License-Identifier: Apache-2.0
/*
 * Datapaths: the ovs_datapath family (NEW, DEL, GET/dump, SET) turned into
 * struct ctf_dp_info. Feature negotiation follows ovs-vswitchd: ask for
 * per-CPU upcall dispatch first, fall back to per-vport PIDs on kernels that
 * refuse the bit with EOPNOTSUPP.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "ctflow/compat.h"
#include "ctflow/dp.h"
#include "ctflow/nlsock.h"
#include "netlink/genl-request.h"
#include "netlink/nla-inline.h"

#define DP_ATTR_MAX_KNOWN OVS_DP_ATTR_IFINDEX

static const struct ctf_attr_rule dp_attr_rules[DP_ATTR_MAX_KNOWN + 1] = {
	[OVS_DP_ATTR_NAME] = CTF_RULE_STRZ("name", IFNAMSIZ),
	[OVS_DP_ATTR_UPCALL_PID] = CTF_RULE_U32("upcall_pid"),
	[OVS_DP_ATTR_STATS] = CTF_RULE_MIN("stats", sizeof(struct ovs_dp_stats)),
	/* Kernels before 5.9 had no n_cache_hit: accept the first 16 bytes. */
	[OVS_DP_ATTR_MEGAFLOW_STATS] = CTF_RULE_MIN("megaflow_stats", 16),
	[OVS_DP_ATTR_USER_FEATURES] = CTF_RULE_U32("user_features"),
	[OVS_DP_ATTR_MASKS_CACHE_SIZE] = CTF_RULE_U32("masks_cache_size"),
	[OVS_DP_ATTR_PER_CPU_PIDS] = CTF_RULE_U32_ARRAY("per_cpu_pids"),
	[OVS_DP_ATTR_IFINDEX] = CTF_RULE_U32("ifindex"),
};

/* Payloads of 64-bit attributes may be only 4-byte aligned: copy, never cast. */
static void copy_payload(void *dst, size_t dst_len, const struct nlattr *attr)
{
	size_t len = ctf_nla_len(attr);

	memset(dst, 0, dst_len);
	memcpy(dst, ctf_nla_data(attr), len < dst_len ? len : dst_len);
}

int ctf_dp_decode(const struct nlmsghdr *nlh, struct ctf_dp_info *info)
{
	const struct nlattr *tb[DP_ATTR_MAX_KNOWN + 1];
	const struct ovs_header *ovs = ctf_genl_ovs_header(nlh);
	int ret;

	memset(info, 0, sizeof(*info));
	if (!ovs)
		return -EBADMSG;
	ret = ctf_attrs_parse(nlh, CTF_OVS_ATTR_OFFSET, dp_attr_rules, DP_ATTR_MAX_KNOWN, tb);
	if (ret < 0)
		return ret;
	info->dp_ifindex = ovs->dp_ifindex;
	if (tb[OVS_DP_ATTR_NAME]) {
		strncpy(info->name, ctf_nla_str(tb[OVS_DP_ATTR_NAME]), sizeof(info->name) - 1);
	}
	if (tb[OVS_DP_ATTR_STATS]) {
		struct ovs_dp_stats st;

		copy_payload(&st, sizeof(st), tb[OVS_DP_ATTR_STATS]);
		info->has_stats = true;
		info->n_hit = st.n_hit;
		info->n_missed = st.n_missed;
		info->n_lost = st.n_lost;
		info->n_flows = st.n_flows;
	}
	if (tb[OVS_DP_ATTR_MEGAFLOW_STATS]) {
		struct ovs_dp_megaflow_stats mst;

		copy_payload(&mst, sizeof(mst), tb[OVS_DP_ATTR_MEGAFLOW_STATS]);
		info->has_megaflow_stats = true;
		info->n_mask_hit = mst.n_mask_hit;
		info->n_masks = mst.n_masks;
		info->n_cache_hit = mst.n_cache_hit;
	}
	if (tb[OVS_DP_ATTR_USER_FEATURES]) {
		info->has_user_features = true;
		info->user_features = ctf_nla_u32(tb[OVS_DP_ATTR_USER_FEATURES]);
	}
	if (tb[OVS_DP_ATTR_MASKS_CACHE_SIZE]) {
		info->has_masks_cache_size = true;
		info->masks_cache_size = ctf_nla_u32(tb[OVS_DP_ATTR_MASKS_CACHE_SIZE]);
	}
	if (tb[OVS_DP_ATTR_PER_CPU_PIDS]) {
		info->n_per_cpu_pids = ctf_nla_len(tb[OVS_DP_ATTR_PER_CPU_PIDS]) / 4;
		memcpy(&info->per_cpu_pid0, ctf_nla_data(tb[OVS_DP_ATTR_PER_CPU_PIDS]), 4);
	}
	return 0;
}

static int decode_dp(const struct nlmsghdr *nlh, void *info)
{
	return ctf_dp_decode(nlh, info);
}

/* Start a request addressed to @dp (by name or dp_ifindex). */
static struct nlmsghdr *dp_req(struct ctf_nlsock *sock, void *buf, size_t buflen, uint8_t cmd,
			       uint16_t flags, const struct ctf_dp_ref *dp, int *ret)
{
	struct nlmsghdr *nlh;
	bool by_name = dp && dp->name && dp->name[0];

	nlh = ctf_genl_req_start(sock, OVS_DATAPATH_FAMILY, OVS_DATAPATH_VERSION, buf, buflen, cmd,
				 flags, by_name || !dp ? 0 : dp->dp_ifindex, ret);
	if (nlh && by_name) {
		if (strlen(dp->name) >= IFNAMSIZ) {
			*ret = -ENAMETOOLONG;
			return NULL;
		}
		mnl_attr_put_strz(nlh, OVS_DP_ATTR_NAME, dp->name);
	}
	return nlh;
}

int ctf_dp_new(struct ctf_nlsock *sock, const char *name, uint32_t upcall_pid,
	       uint32_t user_features, struct ctf_dp_info *info, struct ctf_err *err)
{
	char buf[CTF_NL_SMALL_REQ];
	struct ctf_dp_ref ref = { .name = name };
	struct ctf_genl_reply reply = { .decode = decode_dp, .item = info };
	struct nlmsghdr *nlh;
	int ret;

	ctf_err_clear(err);
	if (!name || !name[0])
		return ctf_genl_fail(-EINVAL, err);
	nlh = dp_req(sock, buf, sizeof(buf), OVS_DP_CMD_NEW, info ? NLM_F_ECHO : 0, &ref, &ret);
	if (!nlh)
		return ctf_genl_fail(ret, err);
	mnl_attr_put_u32(nlh, OVS_DP_ATTR_UPCALL_PID, upcall_pid);
	mnl_attr_put_u32(nlh, OVS_DP_ATTR_USER_FEATURES, user_features);
	return ctf_genl_get(sock, nlh, &reply, false, err);
}

int ctf_dp_create(struct ctf_nlsock *sock, const char *name, uint32_t upcall_pid,
		  struct ctf_dp_info *info, struct ctf_err *err)
{
	int ret = ctf_dp_new(sock, name, upcall_pid,
			     OVS_DP_F_UNALIGNED | OVS_DP_F_DISPATCH_UPCALL_PER_CPU, info, err);

	/* Kernels before 5.14 refuse the per-CPU bit; the failed NEW left nothing behind. */
	if (ret == -EOPNOTSUPP)
		ret = ctf_dp_new(sock, name, upcall_pid, OVS_DP_F_UNALIGNED | OVS_DP_F_VPORT_PIDS,
				 info, err);
	return ret;
}

int ctf_dp_del(struct ctf_nlsock *sock, const struct ctf_dp_ref *dp, struct ctf_err *err)
{
	char buf[CTF_NL_SMALL_REQ];
	struct nlmsghdr *nlh;
	int ret;

	ctf_err_clear(err);
	nlh = dp_req(sock, buf, sizeof(buf), OVS_DP_CMD_DEL, 0, dp, &ret);
	if (!nlh)
		return ctf_genl_fail(ret, err);
	return ctf_genl_get(sock, nlh, NULL, false, err);
}

int ctf_dp_get(struct ctf_nlsock *sock, const struct ctf_dp_ref *dp, struct ctf_dp_info *info,
	       struct ctf_err *err)
{
	char buf[CTF_NL_SMALL_REQ];
	struct ctf_genl_reply reply = { .decode = decode_dp, .item = info };
	struct nlmsghdr *nlh;
	int ret;

	ctf_err_clear(err);
	nlh = dp_req(sock, buf, sizeof(buf), OVS_DP_CMD_GET, 0, dp, &ret);
	if (!nlh)
		return ctf_genl_fail(ret, err);
	return ctf_genl_get(sock, nlh, &reply, true, err);
}

struct dp_dump {
	ctf_dp_cb cb;
	void *arg;
};

static int dp_each(const void *info, void *arg)
{
	const struct dp_dump *d = arg;

	return d->cb(info, d->arg);
}

int ctf_dp_dump(struct ctf_nlsock *sock, ctf_dp_cb cb, void *arg, struct ctf_err *err)
{
	char buf[CTF_NL_SMALL_REQ];
	struct ctf_dp_info info;
	struct dp_dump d = { cb, arg };
	struct ctf_genl_reply reply = { decode_dp, &info, dp_each, &d };
	struct nlmsghdr *nlh;
	int ret;

	ctf_err_clear(err);
	nlh = dp_req(sock, buf, sizeof(buf), OVS_DP_CMD_GET, 0, NULL, &ret);
	if (!nlh)
		return ctf_genl_fail(ret, err);
	return ctf_genl_dump(sock, nlh, &reply, err);
}

int ctf_dp_set(struct ctf_nlsock *sock, const struct ctf_dp_ref *dp, uint32_t user_features,
	       const uint32_t *pids, size_t n_pids, struct ctf_dp_info *info,
	       struct ctf_err *err)
{
	struct ctf_genl_reply reply = { .decode = decode_dp, .item = info };
	struct nlmsghdr *nlh;
	size_t pids_len = n_pids * sizeof(uint32_t);
	size_t buflen = CTF_NL_SMALL_REQ + pids_len;
	char *buf;
	int ret;

	ctf_err_clear(err);
	if (pids && n_pids && pids_len > UINT16_MAX - CTF_NLA_HDRLEN)
		return ctf_genl_fail(-E2BIG, err);
	buf = ctf_xmalloc(buflen);
	nlh = dp_req(sock, buf, buflen, OVS_DP_CMD_SET, info ? NLM_F_ECHO : 0, dp, &ret);
	if (nlh) {
		mnl_attr_put_u32(nlh, OVS_DP_ATTR_USER_FEATURES, user_features);
		if (pids && n_pids)
			mnl_attr_put(nlh, OVS_DP_ATTR_PER_CPU_PIDS, pids_len, pids);
		ret = ctf_genl_get(sock, nlh, &reply, false, err);
	}
	free(buf);
	return ctf_genl_fail(ret, err);
}

static const struct {
	uint32_t bit;
	const char *name;
} dp_feature_names[] = {
	{ OVS_DP_F_UNALIGNED, "unaligned" },
	{ OVS_DP_F_VPORT_PIDS, "vport-pids" },
	{ OVS_DP_F_TC_RECIRC_SHARING, "tc-recirc-sharing" },
	{ OVS_DP_F_DISPATCH_UPCALL_PER_CPU, "per-cpu" },
};

void ctf_dp_features_format(uint32_t user_features, struct ctf_str *out)
{
	uint32_t left = user_features;
	bool first = true;

	for (size_t i = 0; i < CTF_ARRAY_SIZE(dp_feature_names); i++) {
		if (!(user_features & dp_feature_names[i].bit))
			continue;
		ctf_str_printf(out, "%s%s", first ? "" : ",", dp_feature_names[i].name);
		left &= ~dp_feature_names[i].bit;
		first = false;
	}
	if (left)
		ctf_str_printf(out, "%s0x%x", first ? "" : ",", left);
	else if (first)
		ctf_str_puts(out, "none");
}

/* ---- show, as ovs-dpctl prints it ------------------------------------- */

const char *ctf_dp_dispatch_mode(const struct ctf_dp_info *dp)
{
	return dp->user_features & OVS_DP_F_DISPATCH_UPCALL_PER_CPU ? "per-cpu" : "per-vport";
}

/* ovs-dpctl's " (1.5 KiB)" after byte counts of 1024 and more. */
static void put_human_size(struct ctf_str *out, uint64_t v)
{
	static const struct {
		double unit;
		const char *name;
	} units[] = {
		{ 1024.0 * 1024 * 1024 * 1024, "TiB" },
		{ 1024.0 * 1024 * 1024, "GiB" },
		{ 1024.0 * 1024, "MiB" },
		{ 1024.0, "KiB" },
	};

	for (size_t i = 0; i < CTF_ARRAY_SIZE(units); i++) {
		if ((double)v >= units[i].unit) {
			ctf_str_printf(out, " (%.1f %s)", (double)v / units[i].unit, units[i].name);
			return;
		}
	}
}

static void put_port(const struct ctf_vport_info *p, unsigned flags, struct ctf_str *out)
{
	const char *type = ctf_vport_type_name(p->type);

	ctf_str_printf(out, "  port %u: %s", p->port_no, p->name);
	/* ovs-dpctl calls kernel netdev ports "system" and leaves that type out. */
	if (p->type != OVS_VPORT_TYPE_NETDEV) {
		if (type)
			ctf_str_printf(out, " (%s", type);
		else
			ctf_str_printf(out, " (type%u", p->type);
		if (p->has_dst_port)
			ctf_str_printf(out, ": dst_port=%u", p->dst_port);
		ctf_str_putc(out, ')');
	}
	ctf_str_putc(out, '\n');
	if (!(flags & CTF_DP_SHOW_STATS) || !p->has_stats)
		return;
	/*
	 * The kernel keeps eight vport counters; the Ethernet-level ones that
	 * ovs-dpctl also prints come from the device when the caller added
	 * them (ctf_vport_add_link_stats()) and are 0 otherwise, as ovs-dpctl
	 * prints them for internal ports.
	 */
	ctf_str_printf(out, "    RX packets:%" PRIu64 " errors:%" PRIu64 " dropped:%" PRIu64
		       " overruns:%" PRIu64 " frame:%" PRIu64 "\n", p->rx_packets, p->rx_errors,
		       p->rx_dropped, p->rx_over_errors, p->rx_frame_errors);
	ctf_str_printf(out, "    TX packets:%" PRIu64 " errors:%" PRIu64 " dropped:%" PRIu64
		       " aborted:%" PRIu64 " carrier:%" PRIu64 "\n", p->tx_packets, p->tx_errors,
		       p->tx_dropped, p->tx_aborted_errors, p->tx_carrier_errors);
	ctf_str_printf(out, "    collisions:%" PRIu64 "\n", p->collisions);
	ctf_str_printf(out, "    RX bytes:%" PRIu64, p->rx_bytes);
	put_human_size(out, p->rx_bytes);
	ctf_str_printf(out, "  TX bytes:%" PRIu64, p->tx_bytes);
	put_human_size(out, p->tx_bytes);
	ctf_str_putc(out, '\n');
	if (p->has_upcall_stats)
		ctf_str_printf(out, "    UPCALL packets:%" PRIu64 " errors:%" PRIu64 "\n",
			       p->upcall_success, p->upcall_fail);
}

void ctf_dp_format_show(const struct ctf_dp_info *dp, const struct ctf_vport_info *ports,
			size_t n_ports, const struct ctf_kernel_features *feat, unsigned flags,
			struct ctf_str *out)
{
	uint64_t n_pkts = dp->n_hit + dp->n_missed;

	ctf_str_printf(out, "system@%s:\n", dp->name);
	if (dp->has_stats) {
		ctf_str_printf(out, "  lookups: hit:%" PRIu64 " missed:%" PRIu64 " lost:%" PRIu64
			       "\n  flows: %" PRIu64 "\n", dp->n_hit, dp->n_missed, dp->n_lost,
			       dp->n_flows);
		if (dp->has_megaflow_stats) {
			ctf_str_printf(out, "  masks: hit:%" PRIu64 " total:%" PRIu32
				       " hit/pkt:%.2f\n", dp->n_mask_hit, dp->n_masks,
				       n_pkts ? (double)dp->n_mask_hit / (double)n_pkts : 0.0);
			/*
			 * Kernels before 5.9 sent padding where n_cache_hit is now,
			 * so ovs-dpctl takes 0 for "not reported" and says nothing.
			 */
			if (dp->n_cache_hit)
				ctf_str_printf(out, "  cache: hit:%" PRIu64 " hit-rate:%.2f%%\n",
					       dp->n_cache_hit,
					       n_pkts ? (double)dp->n_cache_hit * 100 / (double)n_pkts
						      : 0.0);
		}
	}
	if (dp->has_masks_cache_size)
		ctf_str_printf(out, "  caches:\n    masks-cache: size:%" PRIu32 "\n",
			       dp->masks_cache_size);
	for (size_t i = 0; i < n_ports; i++)
		put_port(&ports[i], flags, out);

	/* Ours, after everything ovs-dpctl prints, so its parsers never notice. */
	ctf_str_printf(out, "  upcall dispatch: %s\n", ctf_dp_dispatch_mode(dp));
	ctf_str_puts(out, "  features: ");
	ctf_dp_features_format(dp->user_features, out);
	ctf_str_putc(out, '\n');
	if (feat) {
		ctf_str_puts(out, "  kernel features: ");
		ctf_kernel_features_format(feat, out);
		ctf_str_putc(out, '\n');
	}
}
