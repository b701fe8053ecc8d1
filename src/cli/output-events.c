// SPDX-License-Identifier: Apache-2.0
/*
 * JSON of what the kernel sends: flows (dump-flows, get-flow), notifications
 * (monitor) and upcalls (upcall-listen). The texts inside (match, actions,
 * key) are the flow language's, as the text output prints them.
 */
#include <stdint.h>

#include "ctflow/flow.h"
#include "ctflow/monitor.h"

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

static struct json_object *event_head(const char *event, const char *cmd, int dp_ifindex)
{
	struct json_object *o = json_object_new_object();

	cli_json_add_str(o, "event", event);
	cli_json_add_str(o, "cmd", cmd);
	cli_json_add_int(o, "dp_ifindex", dp_ifindex);
	return o;
}

/* The library decodes (ctf_monitor_decode()); this only writes the JSON. */
int cli_json_monitor_event(const struct nlmsghdr *nlh, const struct ctf_monitor_families *fam,
			   int dp_ifindex, uint64_t now_ms, unsigned fmt_flags,
			   struct json_object **out)
{
	struct ctf_monitor_event ev;
	int ret = ctf_monitor_decode(nlh, fam, dp_ifindex, &ev);

	*out = NULL;
	if (ret <= 0)
		return ret;
	switch (ev.object) {
	case CTF_EVENT_DATAPATH:
		*out = event_head("datapath", ev.cmd, ev.dp_ifindex);
		cli_json_add_str(*out, "name", ev.dp.name);
		break;
	case CTF_EVENT_PORT:
		*out = event_head("port", ev.cmd, ev.dp_ifindex);
		cli_json_add_int(*out, "port_no", ev.port.port_no);
		cli_json_add_str(*out, "name", ev.port.name);
		cli_json_add_str(*out, "type", ev.port_type);
		break;
	case CTF_EVENT_FLOW:
		*out = event_head("flow", ev.cmd, ev.dp_ifindex);
		json_object_object_add(*out, "flow", cli_json_flow(&ev.flow, now_ms, NULL, fmt_flags));
		break;
	}
	return 1;
}

struct json_object *cli_json_lost_event(void)
{
	struct json_object *o = json_object_new_object();

	cli_json_add_str(o, "event", "lost");
	return o;
}

/* ---- upcalls -------------------------------------------------------------- */

int cli_json_upcall(const struct nlmsghdr *nlh, uint16_t packet_family,
		    const struct ctf_portmap *ports, unsigned fmt_flags, struct json_object **out)
{
	struct ctf_upcall up;
	struct ctf_str text = { 0 };
	int ret = ctf_upcall_decode(nlh, packet_family, &up);

	*out = NULL;
	if (ret <= 0)
		return ret;
	*out = event_head("upcall", up.miss ? "miss" : "action", up.dp_ifindex);
	ctf_key_format(up.key, up.key_len, NULL, 0, ports, fmt_flags, &text);
	add_text(*out, "key", &text);
	if (up.userdata) {
		for (size_t i = 0; i < up.userdata_len; i++)
			ctf_str_put_xdigits(&text, ((const uint8_t *)up.userdata)[i], 2);
		add_text(*out, "userdata", &text);
	}
	if (up.has_mru)
		cli_json_add_int(*out, "mru", up.mru);
	cli_json_add_int(*out, "len", up.len);
	ctf_str_free(&text);
	return 1;
}
