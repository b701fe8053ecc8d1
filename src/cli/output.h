/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What command files share for --json output (json-c). Every JSON document
 * ctflow prints is one object, pretty-printed with two-space indentation and
 * keys in a fixed order, followed by a newline; the schemas are in ctflow(8).
 */
#ifndef CTFLOW_CLI_OUTPUT_H
#define CTFLOW_CLI_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

/* Print @obj to stdout and release it. Returns CLI_OK, or CLI_ERR on a write error. */
int cli_json_print(struct json_object *obj);

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

#endif
