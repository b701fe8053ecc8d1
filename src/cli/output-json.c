// SPDX-License-Identifier: Apache-2.0
/* JSON documents (json-c) and their building blocks, for every command that has --json. */
#include <stdio.h>
#include <string.h>

#include "ctflow/dp.h"
#include "ctflow/util.h"

#include "cli.h"
#include "output.h"
#include "text.h"

int cli_json_print(struct json_object *obj)
{
	cli_out_json(obj, CLI_JSON_PRETTY);
	cli_out_puts("\n");
	return cli_out_flush();
}

struct json_object *cli_json_str(const char *s)
{
	struct ctf_str tmp = { 0 };
	struct json_object *o;
	size_t len, i;

	if (!s)
		return NULL;
	/* Flows are ASCII: only a string with a byte >= 0x80 needs the check and a copy. */
	len = strlen(s);
	for (i = 0; i < len && (unsigned char)s[i] < 0x80; i++)
		;
	if (i == len)
		return json_object_new_string_len(s, (int)len);
	cli_text_utf8(s, len, &tmp);
	o = json_object_new_string_len(ctf_str_cstr(&tmp), (int)tmp.len);
	ctf_str_free(&tmp);
	return o;
}

void cli_json_add_str(struct json_object *obj, const char *key, const char *val)
{
	json_object_object_add(obj, key, cli_json_str(val));
}

void cli_json_add_int(struct json_object *obj, const char *key, int64_t val)
{
	json_object_object_add(obj, key, json_object_new_int64(val));
}

struct json_object *cli_json_u64(uint64_t val)
{
#if defined(JSON_C_VERSION_NUM) && JSON_C_VERSION_NUM >= ((0 << 16) | (14 << 8))
	return json_object_new_uint64(val);
#else
	/* json-c before 0.14 has no unsigned 64-bit type; counters never reach 2^63. */
	return json_object_new_int64((int64_t)val);
#endif
}

void cli_json_add_u64(struct json_object *obj, const char *key, uint64_t val)
{
	json_object_object_add(obj, key, cli_json_u64(val));
}

void cli_json_add_double(struct json_object *obj, const char *key, double val)
{
	json_object_object_add(obj, key, json_object_new_double(val));
}

void cli_json_add_bool(struct json_object *obj, const char *key, bool val)
{
	json_object_object_add(obj, key, json_object_new_boolean(val));
}

void cli_json_add_str_list(struct json_object *obj, const char *key, const char *list)
{
	struct json_object *arr = json_object_new_array();
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, ",");

		struct ctf_str item = { 0 };

		cli_text_utf8(p, n, &item);
		json_object_array_add(arr, json_object_new_string_len(ctf_str_cstr(&item),
								       (int)item.len));
		ctf_str_free(&item);
		p += n;
		if (*p == ',')
			p++;
	}
	json_object_object_add(obj, key, arr);
}

/* ---- datapath documents ----------------------------------------------- */

static struct json_object *dp_ident(const struct ctf_dp_info *dp)
{
	struct json_object *o = json_object_new_object();

	cli_json_add_str(o, "name", dp->name);
	cli_json_add_str(o, "type", "system");
	cli_json_add_int(o, "dp_ifindex", dp->dp_ifindex);
	return o;
}

struct json_object *cli_json_dp_list(const struct ctf_dp_info *dps, size_t n)
{
	struct json_object *doc = json_object_new_object();
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, dp_ident(&dps[i]));
	json_object_object_add(doc, "datapaths", arr);
	return doc;
}

static struct json_object *port_json(const struct ctf_vport_info *p)
{
	struct json_object *o = json_object_new_object();
	const char *type = ctf_vport_type_name(p->type);

	cli_json_add_int(o, "port_no", p->port_no);
	cli_json_add_str(o, "name", p->name);
	if (type)
		cli_json_add_str(o, "type", type);
	else
		cli_json_add_int(o, "type", p->type);
	cli_json_add_int(o, "ifindex", p->ifindex);
	if (p->has_netnsid)
		cli_json_add_int(o, "netnsid", p->netnsid);
	if (p->has_dst_port)
		cli_json_add_int(o, "dst_port", p->dst_port);
	cli_json_add_int(o, "n_upcall_pids", p->n_upcall_pids);
	if (p->has_stats) {
		struct json_object *st = json_object_new_object();

		cli_json_add_u64(st, "rx_packets", p->rx_packets);
		cli_json_add_u64(st, "tx_packets", p->tx_packets);
		cli_json_add_u64(st, "rx_bytes", p->rx_bytes);
		cli_json_add_u64(st, "tx_bytes", p->tx_bytes);
		cli_json_add_u64(st, "rx_errors", p->rx_errors);
		cli_json_add_u64(st, "tx_errors", p->tx_errors);
		cli_json_add_u64(st, "rx_dropped", p->rx_dropped);
		cli_json_add_u64(st, "tx_dropped", p->tx_dropped);
		if (p->has_link_stats) {
			cli_json_add_u64(st, "rx_over_errors", p->rx_over_errors);
			cli_json_add_u64(st, "rx_frame_errors", p->rx_frame_errors);
			cli_json_add_u64(st, "tx_aborted_errors", p->tx_aborted_errors);
			cli_json_add_u64(st, "tx_carrier_errors", p->tx_carrier_errors);
			cli_json_add_u64(st, "collisions", p->collisions);
		}
		json_object_object_add(o, "stats", st);
	}
	if (p->has_upcall_stats) {
		struct json_object *up = json_object_new_object();

		cli_json_add_u64(up, "success", p->upcall_success);
		cli_json_add_u64(up, "fail", p->upcall_fail);
		json_object_object_add(o, "upcalls", up);
	}
	return o;
}

struct json_object *cli_json_dp_show(const struct ctf_dp_info *dp,
				     const struct ctf_vport_info *ports, size_t n_ports)
{
	struct json_object *o = dp_ident(dp);
	struct json_object *arr;
	uint64_t n_pkts = dp->n_hit + dp->n_missed;

	if (dp->has_stats) {
		struct json_object *l = json_object_new_object();

		cli_json_add_u64(l, "hit", dp->n_hit);
		cli_json_add_u64(l, "missed", dp->n_missed);
		cli_json_add_u64(l, "lost", dp->n_lost);
		json_object_object_add(o, "lookups", l);
		cli_json_add_u64(o, "flows", dp->n_flows);
	}
	if (dp->has_megaflow_stats) {
		struct json_object *m = json_object_new_object();
		struct json_object *c = json_object_new_object();

		cli_json_add_u64(m, "hit", dp->n_mask_hit);
		cli_json_add_u64(m, "total", dp->n_masks);
		cli_json_add_double(m, "hit_per_packet",
				    n_pkts ? (double)dp->n_mask_hit / (double)n_pkts : 0.0);
		json_object_object_add(o, "masks", m);
		cli_json_add_u64(c, "hit", dp->n_cache_hit);
		cli_json_add_double(c, "hit_rate_percent",
				    n_pkts ? (double)dp->n_cache_hit * 100 / (double)n_pkts : 0.0);
		json_object_object_add(o, "cache", c);
	}
	if (dp->has_masks_cache_size)
		cli_json_add_u64(o, "masks_cache_size", dp->masks_cache_size);
	cli_json_add_str(o, "upcall_dispatch", ctf_dp_dispatch_mode(dp));
	if (dp->user_features) {
		struct ctf_str feats = { 0 };

		ctf_dp_features_format(dp->user_features, &feats);
		cli_json_add_str_list(o, "user_features", ctf_str_cstr(&feats));
		ctf_str_free(&feats);
	} else {
		cli_json_add_str_list(o, "user_features", "");
	}
	arr = json_object_new_array();
	for (size_t i = 0; i < n_ports; i++)
		json_object_array_add(arr, port_json(&ports[i]));
	json_object_object_add(o, "ports", arr);
	return o;
}

struct json_object *cli_json_kernel_features(const struct ctf_kernel_features *feat)
{
	struct json_object *o = json_object_new_object();

	cli_json_add_bool(o, "per_cpu_dispatch", feat->per_cpu_dispatch);
	cli_json_add_bool(o, "masks_cache", feat->masks_cache);
	cli_json_add_bool(o, "dp_ifindex_attr", feat->dp_ifindex_attr);
	cli_json_add_bool(o, "vport_upcall_stats", feat->vport_upcall_stats);
	cli_json_add_bool(o, "ct_limit", feat->ct_limit);
	cli_json_add_bool(o, "meter", feat->meter);
	/* Probes need a datapath and CAP_NET_ADMIN: null says "could not tell". */
	if (feat->explicit_drop_probed) {
		cli_json_add_bool(o, "explicit_drop", feat->explicit_drop);
		cli_json_add_bool(o, "psample", feat->psample);
	} else {
		json_object_object_add(o, "explicit_drop", NULL);
		json_object_object_add(o, "psample", NULL);
	}
	return o;
}
