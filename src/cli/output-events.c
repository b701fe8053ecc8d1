// SPDX-License-Identifier: Apache-2.0
/*
 * JSON of what the kernel sends: flows (dump-flows, get-flow), notifications
 * (monitor) and upcalls (upcall-listen). The texts inside (match, actions,
 * key) are the flow language's, as the text output prints them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/openvswitch.h>

#include "ctflow/dp.h"
#include "ctflow/flow.h"
#include "ctflow/monitor.h"
#include "ctflow/nlsock.h"

#include "cli.h"
#include "output.h"

/*
 * A member whose key is a string literal, new to @o: json-c then neither
 * copies the key nor looks for an older one (dump-flows adds 7 per flow).
 */
static void add_new(struct json_object *o, const char *key, struct json_object *val)
{
	json_object_object_add_ex(o, key, val, JSON_C_OBJECT_ADD_KEY_IS_NEW |
				  JSON_C_OBJECT_KEY_IS_CONSTANT);
}

/* Add the text @tmp holds as @key, and empty @tmp for the next one. */
static void add_text(struct json_object *o, const char *key, struct ctf_str *tmp)
{
	add_new(o, key, cli_json_str(ctf_str_cstr(tmp)));
	ctf_str_clear(tmp);
}

struct json_object *cli_json_flow(const struct ctf_flow_info *f, uint64_t now_ms,
				  const struct ctf_portmap *ports, unsigned fmt_flags)
{
	struct json_object *o = json_object_new_object();
	struct ctf_str tmp = { 0 };

	if (f->has_ufid) {
		ctf_ufid_format(&f->ufid, &tmp);
		/* The bare UUID, without the "ufid:" tag. */
		add_new(o, "ufid", cli_json_str(ctf_str_cstr(&tmp) + (tmp.len > 5 ? 5 : 0)));
		ctf_str_clear(&tmp);
	} else {
		add_new(o, "ufid", NULL);
	}
	ctf_key_format(f->key, f->key_len, f->mask, f->mask_len, ports, fmt_flags, &tmp);
	add_text(o, "match", &tmp);
	add_new(o, "packets", cli_json_u64(f->packets));
	add_new(o, "bytes", cli_json_u64(f->bytes));
	/* Milliseconds idle; a stamp from the future counts as 0. */
	add_new(o, "used_ms", f->used_ms ? cli_json_u64(now_ms > f->used_ms ? now_ms - f->used_ms : 0)
				       : NULL);
	ctf_tcp_flags_format(f->tcp_flags, &tmp);
	add_text(o, "tcp_flags", &tmp);
	/* An omitted ACTIONS attribute and an empty one both mean "drop". */
	ctf_actions_format(f->has_actions ? f->actions : NULL, f->has_actions ? f->actions_len : 0,
			   ports, fmt_flags, &tmp);
	add_text(o, "actions", &tmp);
	ctf_str_free(&tmp);
	return o;
}

/* OVS_{DP,VPORT,FLOW}_CMD_* share the numbering NEW 1, DEL 2, GET 3, SET 4. */
static const char *cmd_name(uint8_t cmd)
{
	static const char *const names[] = { NULL, "new", "del", "get", "set" };

	return cmd < sizeof(names) / sizeof(names[0]) ? names[cmd] : NULL;
}

static struct json_object *event_head(const char *event, const char *cmd, int dp_ifindex)
{
	struct json_object *o = json_object_new_object();

	cli_json_add_str(o, "event", event);
	cli_json_add_str(o, "cmd", cmd);
	cli_json_add_int(o, "dp_ifindex", dp_ifindex);
	return o;
}

static int datapath_event(const struct nlmsghdr *nlh, const char *cmd, int dp_ifindex,
			  struct json_object **out)
{
	struct ctf_dp_info dp;

	if (ctf_dp_decode(nlh, &dp) < 0)
		return -EBADMSG;
	if (dp_ifindex && dp.dp_ifindex != dp_ifindex)
		return 0;
	*out = event_head("datapath", cmd, dp.dp_ifindex);
	cli_json_add_str(*out, "name", dp.name);
	return 1;
}

static int port_event(const struct nlmsghdr *nlh, const char *cmd, int dp_ifindex,
		      struct json_object **out)
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
	*out = event_head("port", cmd, port.dp_ifindex);
	cli_json_add_int(*out, "port_no", port.port_no);
	cli_json_add_str(*out, "name", port.name);
	cli_json_add_str(*out, "type", type);
	return 1;
}

static int flow_event(const struct nlmsghdr *nlh, const char *cmd, int dp_ifindex,
		      uint64_t now_ms, unsigned fmt_flags, struct json_object **out)
{
	const struct ovs_header *ovs = ctf_genl_ovs_header(nlh);
	struct ctf_flow_info flow;

	if (!ovs || ctf_flow_info_parse(nlh, &flow) < 0)
		return -EBADMSG;
	if (dp_ifindex && ovs->dp_ifindex != dp_ifindex)
		return 0;
	*out = event_head("flow", cmd, ovs->dp_ifindex);
	json_object_object_add(*out, "flow", cli_json_flow(&flow, now_ms, NULL, fmt_flags));
	return 1;
}

int cli_json_monitor_event(const struct nlmsghdr *nlh, const struct ctf_monitor_families *fam,
			   int dp_ifindex, uint64_t now_ms, unsigned fmt_flags,
			   struct json_object **out)
{
	const struct genlmsghdr *genl = ctf_genl_hdr(nlh);
	const char *cmd;

	*out = NULL;
	if (nlh->nlmsg_type != fam->datapath && nlh->nlmsg_type != fam->vport &&
	    nlh->nlmsg_type != fam->flow)
		return 0;
	if (!genl || !ctf_genl_ovs_header(nlh))
		return -EBADMSG;
	cmd = cmd_name(genl->cmd);
	if (!cmd)
		return 0;
	if (nlh->nlmsg_type == fam->datapath)
		return datapath_event(nlh, cmd, dp_ifindex, out);
	if (nlh->nlmsg_type == fam->vport)
		return port_event(nlh, cmd, dp_ifindex, out);
	return flow_event(nlh, cmd, dp_ifindex, now_ms, fmt_flags, out);
}

struct json_object *cli_json_lost_event(void)
{
	struct json_object *o = json_object_new_object();

	cli_json_add_str(o, "event", "lost");
	return o;
}

/* ---- upcalls -------------------------------------------------------------- */

struct upcall_attrs {
	const struct nlattr *tb[OVS_PACKET_ATTR_MAX + 1];
};

/* Lengths are checked here: the key is decoded and userdata printed from them. */
static int upcall_attr_cb(const struct nlattr *a, void *arg)
{
	struct upcall_attrs *ua = arg;
	uint16_t type = mnl_attr_get_type(a);

	if (type > OVS_PACKET_ATTR_MAX)
		return MNL_CB_OK;
	if ((type == OVS_PACKET_ATTR_LEN && mnl_attr_validate(a, MNL_TYPE_U32) < 0) ||
	    (type == OVS_PACKET_ATTR_MRU && mnl_attr_validate(a, MNL_TYPE_U16) < 0) ||
	    (type == OVS_PACKET_ATTR_KEY && mnl_attr_validate(a, MNL_TYPE_NESTED) < 0))
		return MNL_CB_ERROR;
	ua->tb[type] = a;
	return MNL_CB_OK;
}

static void add_hex(struct json_object *o, const char *key, const struct nlattr *a)
{
	const uint8_t *p = mnl_attr_get_payload(a);
	struct ctf_str hex = { 0 };

	for (uint16_t i = 0; i < mnl_attr_get_payload_len(a); i++)
		ctf_str_put_xdigits(&hex, p[i], 2);
	cli_json_add_str(o, key, ctf_str_cstr(&hex));
	ctf_str_free(&hex);
}

int cli_json_upcall(const struct nlmsghdr *nlh, uint16_t packet_family,
		    const struct ctf_portmap *ports, unsigned fmt_flags, struct json_object **out)
{
	const struct genlmsghdr *genl = ctf_genl_hdr(nlh);
	const struct ovs_header *ovs = ctf_genl_ovs_header(nlh);
	struct upcall_attrs ua = { { NULL } };
	const struct nlattr *key, *pkt;
	struct ctf_str text = { 0 };
	uint32_t len;

	*out = NULL;
	if (nlh->nlmsg_type != packet_family)
		return 0;
	if (!genl || !ovs)
		return -EBADMSG;
	if (genl->cmd != OVS_PACKET_CMD_MISS && genl->cmd != OVS_PACKET_CMD_ACTION)
		return 0;
	if (mnl_attr_parse(nlh, CTF_OVS_ATTR_OFFSET, upcall_attr_cb, &ua) < 0)
		return -EBADMSG;
	key = ua.tb[OVS_PACKET_ATTR_KEY];
	pkt = ua.tb[OVS_PACKET_ATTR_PACKET];
	if (!key || !pkt)
		return -EBADMSG;
	/* What arrived, unless a trunc() action cut it: then LEN says how much was sent. */
	len = ua.tb[OVS_PACKET_ATTR_LEN] ? mnl_attr_get_u32(ua.tb[OVS_PACKET_ATTR_LEN])
					 : mnl_attr_get_payload_len(pkt);
	ctf_key_format(mnl_attr_get_payload(key), mnl_attr_get_payload_len(key), NULL, 0, ports,
		       fmt_flags, &text);
	*out = event_head("upcall", genl->cmd == OVS_PACKET_CMD_MISS ? "miss" : "action",
			  ovs->dp_ifindex);
	add_text(*out, "key", &text);
	if (ua.tb[OVS_PACKET_ATTR_USERDATA])
		add_hex(*out, "userdata", ua.tb[OVS_PACKET_ATTR_USERDATA]);
	if (ua.tb[OVS_PACKET_ATTR_MRU])
		cli_json_add_int(*out, "mru", mnl_attr_get_u16(ua.tb[OVS_PACKET_ATTR_MRU]));
	cli_json_add_int(*out, "len", len);
	ctf_str_free(&text);
	return 1;
}
