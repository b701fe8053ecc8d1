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

static void json_head(struct ctf_str *out, const char *event, const char *cmd, int dp_ifindex)
{
	ctf_str_puts(out, "{\"event\":");
	ctf_json_put_string(out, event);
	ctf_str_puts(out, ",\"cmd\":");
	ctf_json_put_string(out, cmd);
	ctf_str_printf(out, ",\"dp_ifindex\":%d", dp_ifindex);
}

static int format_datapath(const struct nlmsghdr *nlh, const char *cmd, int dp_ifindex,
			   unsigned flags, struct ctf_str *out)
{
	struct ctf_dp_info dp;

	if (ctf_dp_decode(nlh, &dp) < 0)
		return -EBADMSG;
	if (dp_ifindex && dp.dp_ifindex != dp_ifindex)
		return 0;
	if (flags & CTF_MON_JSON) {
		json_head(out, "datapath", cmd, dp.dp_ifindex);
		ctf_str_puts(out, ",\"name\":");
		ctf_json_put_string(out, dp.name);
		ctf_str_putc(out, '}');
	} else {
		/* ovs-dpctl's "system@NAME": the datapath type, then its name. */
		ctf_str_printf(out, "datapath %s: system@%s", cmd, dp.name);
	}
	return 1;
}

static int format_port(const struct nlmsghdr *nlh, const char *cmd, int dp_ifindex,
		       unsigned flags, struct ctf_str *out)
{
	struct ctf_vport_info port;
	const char *type;
	char unknown[24];

	if (ctf_vport_decode(nlh, &port) < 0)
		return -EBADMSG;
	if (dp_ifindex && port.dp_ifindex != dp_ifindex)
		return 0;
	type = ctf_vport_type_name(port.type);
	if (!type) {
		snprintf(unknown, sizeof(unknown), "type %u", port.type);
		type = unknown;
	}
	if (flags & CTF_MON_JSON) {
		json_head(out, "port", cmd, port.dp_ifindex);
		ctf_str_printf(out, ",\"port_no\":%u,\"name\":", port.port_no);
		ctf_json_put_string(out, port.name);
		ctf_str_puts(out, ",\"type\":");
		ctf_json_put_string(out, type);
		ctf_str_putc(out, '}');
	} else {
		ctf_str_printf(out, "port %s: port %u: %s (%s)", cmd, port.port_no, port.name, type);
	}
	return 1;
}

static int format_flow(const struct nlmsghdr *nlh, const char *cmd, int dp_ifindex,
		       uint64_t now_ms, unsigned flags, struct ctf_str *out)
{
	const struct ovs_header *ovs = ctf_genl_ovs_header(nlh);
	struct ctf_flow_info flow;
	unsigned fmt = flags & CTF_MON_VERBOSE ? CTF_FMT_VERBOSE : 0;

	if (!ovs || ctf_flow_info_parse(nlh, &flow) < 0)
		return -EBADMSG;
	if (dp_ifindex && ovs->dp_ifindex != dp_ifindex)
		return 0;
	if (flags & CTF_MON_JSON) {
		json_head(out, "flow", cmd, ovs->dp_ifindex);
		ctf_str_puts(out, ",\"flow\":");
		ctf_flow_format_json(&flow, now_ms, NULL, fmt, out);
		ctf_str_putc(out, '}');
		return 1;
	}
	ctf_str_printf(out, "flow %s: ", cmd);
	/*
	 * A writer that asked for OVS_UFID_F_OMIT_KEY gets (and so do we) a
	 * notification without the key: the UFID is then all that names the flow.
	 */
	if (!flow.key_len && flow.has_ufid) {
		ctf_ufid_format(&flow.ufid, out);
		ctf_str_puts(out, ", ");
		ctf_flow_stats_format(&flow, now_ms, out);
		if (flow.has_actions) {
			ctf_str_puts(out, ", actions:");
			ctf_actions_format(flow.actions, flow.actions_len, NULL, fmt, out);
		}
		return 1;
	}
	ctf_flow_format(&flow, now_ms, NULL, fmt, out);
	return 1;
}

int ctf_monitor_format(const struct nlmsghdr *nlh, const struct ctf_monitor_families *fam,
		       int dp_ifindex, uint64_t now_ms, unsigned flags, struct ctf_str *out)
{
	const struct genlmsghdr *genl = ctf_genl_hdr(nlh);
	const char *cmd;

	if (nlh->nlmsg_type != fam->datapath && nlh->nlmsg_type != fam->vport &&
	    nlh->nlmsg_type != fam->flow)
		return 0;
	if (!genl || !ctf_genl_ovs_header(nlh))
		return -EBADMSG;
	cmd = cmd_name(genl->cmd);
	if (!cmd)
		return 0;
	if (nlh->nlmsg_type == fam->datapath)
		return format_datapath(nlh, cmd, dp_ifindex, flags, out);
	if (nlh->nlmsg_type == fam->vport)
		return format_port(nlh, cmd, dp_ifindex, flags, out);
	if (nlh->nlmsg_type == fam->flow)
		return format_flow(nlh, cmd, dp_ifindex, now_ms, flags, out);
	return 0;
}

void ctf_monitor_format_lost(unsigned flags, struct ctf_str *out)
{
	if (flags & CTF_MON_JSON)
		ctf_str_puts(out, "{\"event\":\"lost\"}");
	else
		ctf_str_puts(out, "notifications lost: the receive buffer overflowed");
}

/* ---- upcalls -------------------------------------------------------------- */

static const struct ctf_attr_rule packet_attr_rules[OVS_PACKET_ATTR_HASH + 1] = {
	[OVS_PACKET_ATTR_PACKET] = { CTF_ATTR_STRUCT, 0, "packet" },
	[OVS_PACKET_ATTR_KEY] = { CTF_ATTR_NESTED, 0, "key" },
	[OVS_PACKET_ATTR_ACTIONS] = { CTF_ATTR_NESTED, 0, "actions" },
	[OVS_PACKET_ATTR_USERDATA] = { CTF_ATTR_STRUCT, 0, "userdata" },
	[OVS_PACKET_ATTR_MRU] = { CTF_ATTR_U16, 0, "mru" },
	[OVS_PACKET_ATTR_LEN] = { CTF_ATTR_U32, 0, "len" },
	[OVS_PACKET_ATTR_HASH] = { CTF_ATTR_U64, 0, "hash" },
};

static void put_hex(struct ctf_str *out, const struct nlattr *a)
{
	const uint8_t *p = mnl_attr_get_payload(a);

	for (uint16_t i = 0; i < mnl_attr_get_payload_len(a); i++)
		ctf_str_printf(out, "%02x", p[i]);
}

int ctf_upcall_format(const struct nlmsghdr *nlh, uint16_t packet_family,
		      const struct ctf_portmap *ports, unsigned flags, struct ctf_str *out)
{
	const struct nlattr *tb[OVS_PACKET_ATTR_HASH + 1] = { NULL };
	const struct genlmsghdr *genl = ctf_genl_hdr(nlh);
	const struct nlattr *key;
	const char *kind;
	unsigned fmt = (flags & CTF_MON_VERBOSE ? CTF_FMT_VERBOSE : 0) |
		       (ports ? CTF_FMT_NAMES : 0);
	struct ctf_str keytext;
	uint32_t len;

	if (nlh->nlmsg_type != packet_family)
		return 0;
	if (!genl || !ctf_genl_ovs_header(nlh))
		return -EBADMSG;
	if (genl->cmd == OVS_PACKET_CMD_MISS)
		kind = "MISS";
	else if (genl->cmd == OVS_PACKET_CMD_ACTION)
		kind = "ACTION";
	else
		return 0;
	if (ctf_attrs_parse(nlh, CTF_OVS_ATTR_OFFSET, packet_attr_rules, OVS_PACKET_ATTR_HASH,
			    tb) < 0 || !tb[OVS_PACKET_ATTR_KEY] || !tb[OVS_PACKET_ATTR_PACKET])
		return -EBADMSG;
	key = tb[OVS_PACKET_ATTR_KEY];
	/* What arrived, unless a trunc() action cut it: then LEN says how much was sent. */
	len = tb[OVS_PACKET_ATTR_LEN] ? mnl_attr_get_u32(tb[OVS_PACKET_ATTR_LEN])
				      : mnl_attr_get_payload_len(tb[OVS_PACKET_ATTR_PACKET]);

	ctf_str_init(&keytext);
	ctf_key_format(mnl_attr_get_payload(key), mnl_attr_get_payload_len(key), NULL, 0, ports,
		       fmt, &keytext);
	if (flags & CTF_MON_JSON) {
		ctf_str_puts(out, "{\"event\":\"upcall\",\"cmd\":");
		ctf_json_put_string(out, genl->cmd == OVS_PACKET_CMD_MISS ? "miss" : "action");
		ctf_str_printf(out, ",\"dp_ifindex\":%d,\"key\":", ctf_genl_ovs_header(nlh)->dp_ifindex);
		ctf_json_put_string(out, ctf_str_cstr(&keytext));
		if (tb[OVS_PACKET_ATTR_USERDATA]) {
			ctf_str_puts(out, ",\"userdata\":\"");
			put_hex(out, tb[OVS_PACKET_ATTR_USERDATA]);
			ctf_str_putc(out, '"');
		}
		ctf_str_printf(out, ",\"len\":%u}", len);
	} else {
		ctf_str_printf(out, "%s upcall: %s", kind, ctf_str_cstr(&keytext));
		if (tb[OVS_PACKET_ATTR_USERDATA]) {
			ctf_str_puts(out, ", userdata(");
			put_hex(out, tb[OVS_PACKET_ATTR_USERDATA]);
			ctf_str_putc(out, ')');
		}
		if (tb[OVS_PACKET_ATTR_MRU])
			ctf_str_printf(out, ", mru:%u", mnl_attr_get_u16(tb[OVS_PACKET_ATTR_MRU]));
		ctf_str_printf(out, ", len:%u", len);
	}
	ctf_str_free(&keytext);
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
