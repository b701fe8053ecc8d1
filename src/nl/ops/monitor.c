// SPDX-License-Identifier: Apache-2.0
/*
 * Notifications and upcalls as text. The kernel multicasts a copy of every
 * reply to OVS_{DP,VPORT,FLOW}_CMD_{NEW,DEL,SET} to the family's group of the
 * same name, so a listener sees what any writer (ctflow, ovs-dpctl,
 * ovs-vswitchd) does; flow notifications are only built while somebody
 * listens. Upcalls (ovs_packet) are unicast to the PID a port or CPU names.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/openvswitch.h>

#include "ctflow/dp.h"
#include "ctflow/flow.h"
#include "ctflow/monitor.h"
#include "ctflow/nlsock.h"

/* OVS_{DP,VPORT,FLOW}_CMD_* share the numbering NEW 1, DEL 2, GET 3, SET 4. */
static const char *cmd_name(uint8_t cmd)
{
	static const char *const names[] = { NULL, "new", "del", "get", "set" };

	return cmd < sizeof(names) / sizeof(names[0]) ? names[cmd] : NULL;
}

static int decode_port(const struct nlmsghdr *nlh, struct ctf_monitor_event *ev)
{
	const char *type;

	if (ctf_vport_decode(nlh, &ev->port) < 0)
		return -EBADMSG;
	ev->dp_ifindex = ev->port.dp_ifindex;
	type = ctf_vport_type_name(ev->port.type);
	if (type)
		snprintf(ev->port_type, sizeof(ev->port_type), "%s", type);
	else
		snprintf(ev->port_type, sizeof(ev->port_type), "type %u", ev->port.type);
	return 0;
}

int ctf_monitor_decode(const struct nlmsghdr *nlh, const struct ctf_monitor_families *fam,
		       int dp_ifindex, struct ctf_monitor_event *ev)
{
	const struct genlmsghdr *genl = ctf_genl_hdr(nlh);
	const struct ovs_header *ovs = ctf_genl_ovs_header(nlh);
	int ret;

	if (nlh->nlmsg_type != fam->datapath && nlh->nlmsg_type != fam->vport &&
	    nlh->nlmsg_type != fam->flow)
		return 0;
	if (!genl || !ovs)
		return -EBADMSG;
	ev->cmd = cmd_name(genl->cmd);
	if (!ev->cmd)
		return 0;
	if (nlh->nlmsg_type == fam->datapath) {
		ev->object = CTF_EVENT_DATAPATH;
		ret = ctf_dp_decode(nlh, &ev->dp) < 0 ? -EBADMSG : 0;
		ev->dp_ifindex = ev->dp.dp_ifindex;
	} else if (nlh->nlmsg_type == fam->vport) {
		ev->object = CTF_EVENT_PORT;
		ret = decode_port(nlh, ev);
	} else {
		ev->object = CTF_EVENT_FLOW;
		ret = ctf_flow_info_parse(nlh, &ev->flow) < 0 ? -EBADMSG : 0;
		ev->dp_ifindex = ovs->dp_ifindex;
	}
	if (ret < 0)
		return ret;
	return !dp_ifindex || ev->dp_ifindex == dp_ifindex;
}

static void format_flow(const struct ctf_flow_info *flow, uint64_t now_ms, unsigned flags,
			struct ctf_str *out)
{
	unsigned fmt = flags & CTF_MON_VERBOSE ? CTF_FMT_VERBOSE : 0;

	/*
	 * A writer that asked for OVS_UFID_F_OMIT_KEY gets (and so do we) a
	 * notification without the key: the UFID is then all that names the flow.
	 */
	if (!flow->key_len && flow->has_ufid) {
		ctf_ufid_format(&flow->ufid, out);
		ctf_str_puts(out, ", ");
		ctf_flow_stats_format(flow, now_ms, out);
		if (flow->has_actions) {
			ctf_str_puts(out, ", actions:");
			ctf_actions_format(flow->actions, flow->actions_len, NULL, fmt, out);
		}
		return;
	}
	ctf_flow_format(flow, now_ms, NULL, fmt, out);
}

int ctf_monitor_format(const struct nlmsghdr *nlh, const struct ctf_monitor_families *fam,
		       int dp_ifindex, uint64_t now_ms, unsigned flags, struct ctf_str *out)
{
	struct ctf_monitor_event ev;
	int ret = ctf_monitor_decode(nlh, fam, dp_ifindex, &ev);

	if (ret <= 0)
		return ret;
	switch (ev.object) {
	case CTF_EVENT_DATAPATH:
		/* ovs-dpctl's "system@NAME": the datapath type, then its name. */
		ctf_str_printf(out, "datapath %s: system@%s", ev.cmd, ev.dp.name);
		break;
	case CTF_EVENT_PORT:
		ctf_str_printf(out, "port %s: port %u: %s (%s)", ev.cmd, ev.port.port_no,
			       ev.port.name, ev.port_type);
		break;
	case CTF_EVENT_FLOW:
		ctf_str_printf(out, "flow %s: ", ev.cmd);
		format_flow(&ev.flow, now_ms, flags, out);
		break;
	}
	return 1;
}

void ctf_monitor_format_lost(struct ctf_str *out)
{
	ctf_str_puts(out, "notifications lost: the receive buffer overflowed");
}

/* ---- upcalls -------------------------------------------------------------- */

static const struct ctf_attr_rule packet_attr_rules[OVS_PACKET_ATTR_HASH + 1] = {
	[OVS_PACKET_ATTR_PACKET] = CTF_RULE_VAR("packet", 0, UINT16_MAX),
	[OVS_PACKET_ATTR_KEY] = CTF_RULE_NESTED("key"),
	[OVS_PACKET_ATTR_ACTIONS] = CTF_RULE_NESTED("actions"),
	[OVS_PACKET_ATTR_USERDATA] = CTF_RULE_VAR("userdata", 0, UINT16_MAX),
	[OVS_PACKET_ATTR_MRU] = CTF_RULE_U16("mru"),
	[OVS_PACKET_ATTR_LEN] = CTF_RULE_U32("len"),
	[OVS_PACKET_ATTR_HASH] = CTF_RULE_U64("hash"),
};

int ctf_upcall_decode(const struct nlmsghdr *nlh, uint16_t packet_family, struct ctf_upcall *up)
{
	const struct nlattr *tb[OVS_PACKET_ATTR_HASH + 1] = { NULL };
	const struct genlmsghdr *genl = ctf_genl_hdr(nlh);
	const struct ovs_header *ovs = ctf_genl_ovs_header(nlh);
	const struct nlattr *a;

	if (nlh->nlmsg_type != packet_family)
		return 0;
	if (!genl || !ovs)
		return -EBADMSG;
	if (genl->cmd != OVS_PACKET_CMD_MISS && genl->cmd != OVS_PACKET_CMD_ACTION)
		return 0;
	if (ctf_attrs_parse(nlh, CTF_OVS_ATTR_OFFSET, packet_attr_rules, OVS_PACKET_ATTR_HASH,
			    tb) < 0 || !tb[OVS_PACKET_ATTR_KEY] || !tb[OVS_PACKET_ATTR_PACKET])
		return -EBADMSG;
	memset(up, 0, sizeof(*up));
	up->miss = genl->cmd == OVS_PACKET_CMD_MISS;
	up->dp_ifindex = ovs->dp_ifindex;
	up->key = mnl_attr_get_payload(tb[OVS_PACKET_ATTR_KEY]);
	up->key_len = mnl_attr_get_payload_len(tb[OVS_PACKET_ATTR_KEY]);
	if ((a = tb[OVS_PACKET_ATTR_USERDATA])) {
		up->userdata = mnl_attr_get_payload(a);
		up->userdata_len = mnl_attr_get_payload_len(a);
	}
	if ((a = tb[OVS_PACKET_ATTR_MRU])) {
		up->has_mru = true;
		up->mru = mnl_attr_get_u16(a);
	}
	/* What arrived, unless a trunc() action cut it: then LEN says how much was sent. */
	up->len = tb[OVS_PACKET_ATTR_LEN] ? mnl_attr_get_u32(tb[OVS_PACKET_ATTR_LEN])
					  : mnl_attr_get_payload_len(tb[OVS_PACKET_ATTR_PACKET]);
	return 1;
}

int ctf_upcall_format(const struct nlmsghdr *nlh, uint16_t packet_family,
		      const struct ctf_portmap *ports, unsigned flags, struct ctf_str *out)
{
	unsigned fmt = (flags & CTF_MON_VERBOSE ? CTF_FMT_VERBOSE : 0) |
		       (ports ? CTF_FMT_NAMES : 0);
	struct ctf_upcall up;
	int ret = ctf_upcall_decode(nlh, packet_family, &up);

	if (ret <= 0)
		return ret;
	ctf_str_printf(out, "%s upcall: ", up.miss ? "MISS" : "ACTION");
	ctf_key_format(up.key, up.key_len, NULL, 0, ports, fmt, out);
	if (up.userdata) {
		ctf_str_puts(out, ", userdata(");
		for (size_t i = 0; i < up.userdata_len; i++)
			ctf_str_printf(out, "%02x", ((const uint8_t *)up.userdata)[i]);
		ctf_str_putc(out, ')');
	}
	if (up.has_mru)
		ctf_str_printf(out, ", mru:%u", up.mru);
	ctf_str_printf(out, ", len:%u", up.len);
	return 1;
}

/* ---- sockets ---------------------------------------------------------------- */

static int join_family(struct ctf_nlsock *sock, const char *family, uint16_t *id)
{
	uint32_t group;
	int ret;

	ret = ctf_nlsock_family(sock, family, id);
	if (ret < 0)
		return ret;
	/* Each OVS family names its one multicast group after itself. */
	ret = ctf_genl_resolve_group(family, family, &group);
	if (ret < 0)
		return ret;
	return ctf_nlsock_join_group(sock, group);
}

int ctf_monitor_open(struct ctf_nlsock **sockp, struct ctf_monitor_families *fam)
{
	struct ctf_nlsock *sock;
	int ret;

	memset(fam, 0, sizeof(*fam));
	ret = ctf_nlsock_open(&sock);
	if (ret < 0)
		return ret;
	if ((ret = join_family(sock, OVS_DATAPATH_FAMILY, &fam->datapath)) < 0 ||
	    (ret = join_family(sock, OVS_VPORT_FAMILY, &fam->vport)) < 0 ||
	    (ret = join_family(sock, OVS_FLOW_FAMILY, &fam->flow)) < 0) {
		ctf_nlsock_close(sock);
		errno = -ret;
		return ret;
	}
	*sockp = sock;
	return 0;
}

unsigned ctf_monitor_n_cpus(void)
{
	/*
	 * The kernel indexes the per-CPU PID array by CPU id, and ids can be
	 * sparse: size it by the highest possible id, not by the CPU count.
	 */
	FILE *f = fopen("/sys/devices/system/cpu/possible", "r");
	char line[256];
	unsigned n = 0;

	if (f) {
		if (fgets(line, sizeof(line), f)) {
			char *p = line;

			while (*p) {
				char *end;
				unsigned long v = strtoul(p, &end, 10);

				if (end == p)
					break;
				if (v + 1 > n && v < 65536)
					n = (unsigned)v + 1;
				p = end;
				while (*p == ',' || *p == '-')
					p++;
			}
		}
		fclose(f);
	}
	if (!n) {
		int conf = get_nprocs_conf();

		n = conf > 0 ? (unsigned)conf : 1;
	}
	return n;
}
