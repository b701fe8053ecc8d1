// SPDX-License-Identifier: Apache-2.0
/*
 * What does the running kernel's datapath support? Asked up front so that
 * commands can say "this kernel has no X" instead of failing later with a
 * bare EINVAL.
 *
 * Two kinds of evidence:
 * - attribute ranges: the generic-netlink controller reports each family's
 *   highest attribute number, so e.g. ovs_datapath maxattr >= PER_CPU_PIDS
 *   means the kernel knows per-CPU upcall dispatch (added together);
 * - probes: an action the kernel may not know (explicit drop, psample) is
 *   tried on a throw-away flow marked OVS_FLOW_ATTR_PROBE (so the kernel
 *   does not log the failure), which is deleted again at once.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include <libmnl/libmnl.h>

#include "ctflow/compat.h"
#include "ctflow/dp.h"
#include "ctflow/nlsock.h"
#include "netlink/genl-request.h"

/* A recirc_id no pipeline uses, with an EtherType nobody sends: never matches. */
#define PROBE_RECIRC_ID 0xfffffff7u
#define PROBE_ETHERTYPE 0x88b5	/* IEEE "local experimental" */

static bool family_maxattr_at_least(const char *family, uint32_t attr)
{
	uint32_t maxattr;

	return ctf_genl_family_info(family, NULL, &maxattr, NULL) == 0 && maxattr >= attr;
}

static bool family_present(const char *family)
{
	uint16_t id;

	return ctf_genl_resolve(family, &id) == 0;
}

static void put_probe_key(struct nlmsghdr *nlh)
{
	static const uint8_t zero_macs[12];
	struct nlattr *key = mnl_attr_nest_start(nlh, OVS_FLOW_ATTR_KEY);

	mnl_attr_put_u32(nlh, OVS_KEY_ATTR_RECIRC_ID, PROBE_RECIRC_ID);
	mnl_attr_put(nlh, OVS_KEY_ATTR_ETHERNET, sizeof(zero_macs), zero_macs);
	mnl_attr_put_u16(nlh, OVS_KEY_ATTR_ETHERTYPE, htons(PROBE_ETHERTYPE));
	mnl_attr_nest_end(nlh, key);
}

/* A fixed UFID so that a probe flow left behind by a crash is replaced, not duplicated. */
static const uint8_t probe_ufid[16] = {
	0xc7, 0xf1, 0x0e, 0x00, 0x70, 0x2b, 0x4e, 0x11,
	0x9a, 0x55, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
};

enum probe_action { PROBE_DROP, PROBE_PSAMPLE };

static void put_probe_action(struct nlmsghdr *nlh, enum probe_action what)
{
	struct nlattr *acts = mnl_attr_nest_start(nlh, OVS_FLOW_ATTR_ACTIONS);

	if (what == PROBE_DROP) {
		mnl_attr_put_u32(nlh, OVS_ACTION_ATTR_DROP, 0);
	} else {
		struct nlattr *ps = mnl_attr_nest_start(nlh, OVS_ACTION_ATTR_PSAMPLE);

		mnl_attr_put_u32(nlh, OVS_PSAMPLE_ATTR_GROUP, 1);
		mnl_attr_nest_end(nlh, ps);
	}
	mnl_attr_nest_end(nlh, acts);
}

static int probe_flow_del(struct ctf_nlsock *sock, int dp_ifindex)
{
	char buf[CTF_NL_SMALL_REQ];
	struct nlmsghdr *nlh;
	int ret;

	nlh = ctf_genl_req_start(sock, OVS_FLOW_FAMILY, OVS_FLOW_VERSION, buf, sizeof(buf),
				 OVS_FLOW_CMD_DEL, 0, dp_ifindex, &ret);
	if (!nlh)
		return ret;
	mnl_attr_put(nlh, OVS_FLOW_ATTR_UFID, sizeof(probe_ufid), probe_ufid);
	mnl_attr_put_u32(nlh, OVS_FLOW_ATTR_UFID_FLAGS, OVS_UFID_F_OMIT_KEY |
			 OVS_UFID_F_OMIT_MASK | OVS_UFID_F_OMIT_ACTIONS);
	return ctf_genl_get(sock, nlh, NULL, false, NULL);
}

/* 1 supported, 0 refused with EINVAL, negative errno: could not tell. */
static int probe_action(struct ctf_nlsock *sock, int dp_ifindex, enum probe_action what)
{
	char buf[CTF_NL_SMALL_REQ];
	struct nlmsghdr *nlh;
	int ret;

	/* Leftover from an interrupted earlier probe would make NEW fail with EEXIST. */
	probe_flow_del(sock, dp_ifindex);
	nlh = ctf_genl_req_start(sock, OVS_FLOW_FAMILY, OVS_FLOW_VERSION, buf, sizeof(buf),
				 OVS_FLOW_CMD_NEW, NLM_F_CREATE | NLM_F_EXCL, dp_ifindex, &ret);
	if (!nlh)
		return ret;
	put_probe_key(nlh);
	put_probe_action(nlh, what);
	mnl_attr_put(nlh, OVS_FLOW_ATTR_PROBE, 0, NULL);
	mnl_attr_put(nlh, OVS_FLOW_ATTR_UFID, sizeof(probe_ufid), probe_ufid);
	ret = ctf_genl_get(sock, nlh, NULL, false, NULL);
	if (ret == 0) {
		probe_flow_del(sock, dp_ifindex);
		return 1;
	}
	/* Unknown action types and missing kernel support (psample) both say EINVAL/EOPNOTSUPP. */
	if (ret == -EINVAL || ret == -EOPNOTSUPP)
		return 0;
	return ret;
}

int ctf_kernel_features_probe(struct ctf_nlsock *sock, int dp_ifindex,
			      struct ctf_kernel_features *feat)
{
	uint32_t maxattr;
	int ret;

	memset(feat, 0, sizeof(*feat));
	ret = ctf_genl_family_info(OVS_DATAPATH_FAMILY, NULL, &maxattr, NULL);
	if (ret < 0)
		return ret;
	feat->per_cpu_dispatch = maxattr >= OVS_DP_ATTR_PER_CPU_PIDS;
	feat->masks_cache = maxattr >= OVS_DP_ATTR_MASKS_CACHE_SIZE;
	feat->dp_ifindex_attr = maxattr >= OVS_DP_ATTR_IFINDEX;
	feat->vport_upcall_stats = family_maxattr_at_least(OVS_VPORT_FAMILY,
							   OVS_VPORT_ATTR_UPCALL_STATS);
	feat->ct_limit = family_present(OVS_CT_LIMIT_FAMILY);
	feat->meter = family_present(OVS_METER_FAMILY);
	if (dp_ifindex) {
		int drop = probe_action(sock, dp_ifindex, PROBE_DROP);
		int psample = probe_action(sock, dp_ifindex, PROBE_PSAMPLE);

		feat->explicit_drop_probed = drop >= 0;
		feat->explicit_drop = drop > 0;
		feat->psample = psample > 0;
	}
	return 0;
}

void ctf_kernel_features_format(const struct ctf_kernel_features *feat, struct ctf_str *out)
{
	const struct {
		bool on;
		const char *name;
	} list[] = {
		{ feat->per_cpu_dispatch, "per-cpu-dispatch" },
		{ feat->masks_cache, "masks-cache" },
		{ feat->vport_upcall_stats, "upcall-stats" },
		{ feat->ct_limit, "ct-limit" },
		{ feat->meter, "meter" },
		{ feat->explicit_drop, "drop-action" },
		{ feat->psample, "psample" },
	};
	bool first = true;

	for (size_t i = 0; i < CTF_ARRAY_SIZE(list); i++) {
		if (!list[i].on)
			continue;
		ctf_str_printf(out, "%s%s", first ? "" : ",", list[i].name);
		first = false;
	}
	if (first)
		ctf_str_puts(out, "none");
}
