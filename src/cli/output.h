/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ctflow's output (output.c, output-json.c, output-events.c): one writer
 * for text and JSON, and the JSON documents, all made with json-c. A JSON
 * document is pretty-printed with two-space indentation and keys in a fixed
 * order, followed by a newline; streams (dump-flows, monitor) print one
 * compact object per line. Strings are made valid UTF-8. The schemas are
 * in ctflow(8).
 */
#ifndef CTFLOW_CLI_OUTPUT_H
#define CTFLOW_CLI_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "ctflow/util.h"

/* ---- the writer --------------------------------------------------------- */

void cli_out_put(const char *s, size_t n);
void cli_out_puts(const char *s);
void cli_out_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Printers that append to a struct ctf_str write into this, then commit. */
struct ctf_str *cli_out_buffer(void);
void cli_out_commit(void);

enum cli_json_style {
	CLI_JSON_PRETTY,	/* a document */
	CLI_JSON_LINE,		/* one element of a stream: one line */
};

/* Append @obj as JSON text (no newline) and release it. */
void cli_out_json(struct json_object *obj, enum cli_json_style style);
/* Hand everything to stdout now. Returns CLI_OK, or CLI_ERR on a write error. */
int cli_out_flush(void);
/* The errno of the first write error (0: none, or none known). */
int cli_out_errno(void);

/* Print @obj as a document with its newline, flush, release it. CLI_OK or CLI_ERR. */
int cli_json_print(struct json_object *obj);

/* A JSON string of @s, made valid UTF-8; NULL @s gives JSON null. */
struct json_object *cli_json_str(const char *s);
/* An unsigned 64-bit counter (signed on json-c < 0.14: counters never reach 2^63). */
struct json_object *cli_json_u64(uint64_t val);

/* Add a member to @obj; each takes care of the json-c type to use. */
void cli_json_add_str(struct json_object *obj, const char *key, const char *val);
void cli_json_add_int(struct json_object *obj, const char *key, int64_t val);
void cli_json_add_u64(struct json_object *obj, const char *key, uint64_t val);
void cli_json_add_double(struct json_object *obj, const char *key, double val);
void cli_json_add_bool(struct json_object *obj, const char *key, bool val);
/* Add a JSON array of strings made from the comma-separated @list ("" = []). */
void cli_json_add_str_list(struct json_object *obj, const char *key, const char *list);

/* ---- documents of the datapath commands (schemas in ctflow(8)) -------- */

struct ctf_dp_info;
struct ctf_vport_info;
struct ctf_kernel_features;

/* dump-dps: {"datapaths": [{"name", "type", "dp_ifindex"}...]} */
struct json_object *cli_json_dp_list(const struct ctf_dp_info *dps, size_t n);
/* show: one element of the "datapaths" array. */
struct json_object *cli_json_dp_show(const struct ctf_dp_info *dp,
				     const struct ctf_vport_info *ports, size_t n_ports);
/* show: the "kernel_features" object (booleans; null when not probed). */
struct json_object *cli_json_kernel_features(const struct ctf_kernel_features *feat);

/* ---- what the kernel sends (output-events.c) ---------------------------- */

struct nlmsghdr;
struct ctf_flow_info;
struct ctf_portmap;
struct ctf_monitor_families;

/* dump-flows, get-flow: {"ufid", "match", "packets", "bytes", "used_ms", "tcp_flags", "actions"} */
struct json_object *cli_json_flow(const struct ctf_flow_info *f, uint64_t now_ms,
				  const struct ctf_portmap *ports, unsigned fmt_flags);
/*
 * monitor: one notification as {"event", "cmd", "dp_ifindex", ...} in *@out.
 * Returns 1, 0 when filtered out (@dp_ifindex non-zero) or not one we know,
 * -EBADMSG when malformed.
 */
int cli_json_monitor_event(const struct nlmsghdr *nlh, const struct ctf_monitor_families *fam,
			   int dp_ifindex, uint64_t now_ms, unsigned fmt_flags,
			   struct json_object **out);
/* {"event": "lost"}: the kernel dropped notifications. */
struct json_object *cli_json_lost_event(void);
/* upcall-listen: {"event": "upcall", "cmd": "miss"|"action", "dp_ifindex", "key", ...}. */
int cli_json_upcall(const struct nlmsghdr *nlh, uint16_t packet_family,
		    const struct ctf_portmap *ports, unsigned fmt_flags, struct json_object **out);

#endif
