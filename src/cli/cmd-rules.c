// SPDX-License-Identifier: Apache-2.0
/*
 * Commands that talk to ctflowd over its control socket (ctl-client.c):
 * add-rule, del-rule, reload, daemon-show (dump-rules and save-rules are in
 * rules-dump.c). The rule texts are sent as written; ctflowd parses them
 * against its own port names and answers with the flow language's error
 * text when it refuses one.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctflow/ctl.h"
#include "ctflow/util.h"
#include "cli.h"
#include "commands.h"
#include "ctl-client.h"
#include "output.h"

static int parse_priority(const char *s, uint32_t *prio)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || errno || *end || v > 65535) {
		cli_error("priority `%s' is not a number in 0..65535", s);
		return -1;
	}
	*prio = (uint32_t)v;
	return 0;
}

/* ACTIONS may arrive as several words ("ct(zone=7), recirc(1)"): rejoin them. */
static char *join_args(int argc, char **argv)
{
	struct ctf_str s;

	ctf_str_init(&s);
	for (int i = 0; i < argc; i++) {
		if (i)
			ctf_str_putc(&s, ' ');
		ctf_str_puts(&s, argv[i]);
	}
	return s.buf ? s.buf : ctf_xstrdup("");
}

int cmd_add_rule(int argc, char **argv)
{
	struct ctf_ctl_rule_req req;
	struct ctl_client c;
	char *actions;
	int ret;

	if (parse_priority(argv[1], &req.priority))
		return CLI_USAGE;
	if (ctl_connect(&c))
		return CLI_ERR;
	actions = join_args(argc - 3, argv + 3);
	ret = ctl_send(&c, CTF_CTL_ADD_RULE, &req, sizeof(req), argv[2], actions) ?
	      CLI_ERR : ctl_result(&c, "add rule");
	free(actions);
	ctl_close(&c);
	return ret;
}

int cmd_del_rule(int argc, char **argv)
{
	struct ctf_ctl_rule_req req;
	struct ctl_client c;
	int ret;

	if (parse_priority(argv[1], &req.priority))
		return CLI_USAGE;
	if (ctl_connect(&c))
		return CLI_ERR;
	ret = ctl_send(&c, CTF_CTL_DEL_RULE, &req, sizeof(req), argv[2], NULL) ?
	      CLI_ERR : ctl_result(&c, "delete rule");
	ctl_close(&c);
	return ret;
}

int cmd_reload(int argc, char **argv)
{
	struct ctl_client c;
	int ret;

	if (ctl_connect(&c))
		return CLI_ERR;
	ret = ctl_send(&c, CTF_CTL_RELOAD, NULL, 0, NULL, NULL) ? CLI_ERR : ctl_result(&c, "reload");
	ctl_close(&c);
	return ret;
}

static void show_text(const struct ctf_ctl_show *s)
{
	cli_out_printf("ctflowd: datapath %s\n", s->datapath);
	cli_out_printf("  upcall dispatch: %s\n", s->mode);
	cli_out_printf("  upcalls: handled:%" PRIu64 " lost:%" PRIu64 " truncated:%" PRIu64 "\n",
		       s->upcalls_handled, s->upcalls_lost, s->upcalls_truncated);
	cli_out_printf("  handler threads: %u\n", s->handler_threads);
	cli_out_printf("  flows: installed:%" PRIu64 " expired:%" PRIu64 " removed:%" PRIu64
		       " current:%" PRIu64 " limit:%" PRIu64 " limit-hits:%" PRIu64 "\n",
		       s->flows_installed, s->flows_expired, s->flows_removed, s->flows_current,
		       s->flow_limit, s->flow_limit_hits);
	cli_out_printf("  rules: %u\n  ports: %u\n", s->rules, s->ports);
	cli_out_printf("  idle-timeout: %us\n  megaflows: %s\n", s->idle_timeout_s,
		       s->megaflows ? "on" : "off");
	cli_out_printf("  uptime: %" PRIu64 "s\n  reloads: %" PRIu64 "\n", s->uptime_s, s->reloads);
}

/* The same as a document; the schema is in ctflow(8). */
static struct json_object *show_json(const struct ctf_ctl_show *s)
{
	struct json_object *o = json_object_new_object();
	struct json_object *up = json_object_new_object();
	struct json_object *fl = json_object_new_object();

	cli_json_add_str(o, "datapath", s->datapath);
	cli_json_add_str(o, "upcall_dispatch", s->mode);
	cli_json_add_u64(up, "handled", s->upcalls_handled);
	cli_json_add_u64(up, "lost", s->upcalls_lost);
	cli_json_add_u64(up, "truncated", s->upcalls_truncated);
	json_object_object_add(o, "upcalls", up);
	cli_json_add_int(o, "handler_threads", s->handler_threads);
	cli_json_add_u64(fl, "installed", s->flows_installed);
	cli_json_add_u64(fl, "expired", s->flows_expired);
	cli_json_add_u64(fl, "removed", s->flows_removed);
	cli_json_add_u64(fl, "current", s->flows_current);
	cli_json_add_u64(fl, "limit", s->flow_limit);
	cli_json_add_u64(fl, "limit_hits", s->flow_limit_hits);
	json_object_object_add(o, "flows", fl);
	cli_json_add_int(o, "rules", s->rules);
	cli_json_add_int(o, "ports", s->ports);
	cli_json_add_int(o, "idle_timeout_s", s->idle_timeout_s);
	cli_json_add_bool(o, "megaflows", s->megaflows);
	cli_json_add_u64(o, "uptime_s", s->uptime_s);
	cli_json_add_u64(o, "reloads", s->reloads);
	return o;
}

int cmd_daemon_show(int argc, char **argv)
{
	struct ctl_client c;
	struct ctf_ctl_hdr h;
	struct ctf_ctl_show s;
	int ret = CLI_OK;
	long n;

	if (ctl_connect(&c))
		return CLI_ERR;
	if (ctl_send(&c, CTF_CTL_SHOW, NULL, 0, NULL, NULL)) {
		ctl_close(&c);
		return CLI_ERR;
	}
	while ((n = ctl_recv(&c, &h)) > 0) {
		if (h.type == CTF_CTL_END)
			break;
		if (h.type == CTF_CTL_RESULT) {
			ret = ctl_refused(&c, n, "show");
			break;
		}
		if (h.type != CTF_CTL_SHOW_REPLY || (size_t)n < sizeof(h) + sizeof(s)) {
			cli_error("unexpected reply type %u from ctflowd", h.type);
			ret = CLI_ERR;
			break;
		}
		memcpy(&s, c.buf + sizeof(h), sizeof(s));
		s.datapath[sizeof(s.datapath) - 1] = '\0';
		s.mode[sizeof(s.mode) - 1] = '\0';
		if (cli_opts.json)
			ret = cli_json_print(show_json(&s));
		else
			show_text(&s);
	}
	if (n < 0)
		ret = CLI_ERR;
	ctl_close(&c);
	return ret;
}
