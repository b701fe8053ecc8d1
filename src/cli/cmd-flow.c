// SPDX-License-Identifier: Apache-2.0
/*
 * The single-flow commands of ovs-dpctl: add-flow, mod-flow, del-flow,
 * get-flow, dump-flows, plus del-flows without a file (flush). Flow files
 * are in cmd-bulk.c.
 *
 * As ovs-dpctl, ctflow sends a UFID only when the user gives one (ufid:),
 * so a flow added here is stored and dumped as ovs-dpctl's is: without a
 * UFID the kernel keeps the key as given (a missing in_port stays missing
 * in dumps), with one it dumps the masked key (in_port(0/0xffff0000)).
 * mod-flow, del-flow and get-flow by FLOW address the flow by key; the
 * kernel finds only UFID-less flows that way, so when it finds none we
 * look for a UFID flow with the same match (flow-find.c) and retry by its
 * UFID, which ovs-dpctl does not do.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "cli.h"
#include "cmd-flow.h"
#include "commands.h"
#include "output.h"
#include "ctflow/compat.h"
#include "ctflow/dp.h"

/* ---- datapath and ports ------------------------------------------------ */

struct dp_pick {
	unsigned n;
	struct ctf_dp_info first;
};

static int pick_cb(const struct ctf_dp_info *info, void *arg)
{
	struct dp_pick *p = arg;

	if (p->n++ == 0)
		p->first = *info;
	return 0;
}

static int report_dp_error(int ret, const struct ctf_err *nlerr, const char *name,
			   const char *verb)
{
	struct ctf_err err;

	if (ret == -ENODEV && name) {
		ctf_err_set(&err, "no datapath named `%s'", name);
		ctf_err_hint(&err, "ctflow dump-dps lists the datapaths");
	} else if (ret == -ENOENT) {
		cli_err_from_nl(ret, NULL, NULL, &err);
	} else {
		cli_err_from_nl(ret, nlerr, NULL, &err);
	}
	cli_fail(verb, &err);
	return CLI_ERR;
}

int flow_cli_open(struct flow_cli *fc, const char *dp_arg, const char *verb)
{
	struct ctf_dp_info info;
	struct ctf_err nlerr;
	const char *name = NULL;
	int ret;

	memset(fc, 0, sizeof(*fc));
	ctf_portmap_init(&fc->ports);
	if (dp_arg && !(name = cli_dp_name(dp_arg, verb)))
		return CLI_ERR;
	ret = ctf_nlsock_open(&fc->sock);
	if (ret < 0) {
		cli_error("cannot %s: cannot open a netlink socket: %s", verb, strerror(-ret));
		return CLI_ERR;
	}
	if (name) {
		struct ctf_dp_ref ref = { .name = name };

		ret = ctf_dp_get(fc->sock, &ref, &info, &nlerr);
		if (ret < 0)
			return report_dp_error(ret, &nlerr, name, verb);
	} else {
		struct dp_pick pick = { 0 };

		ret = ctf_dp_dump(fc->sock, pick_cb, &pick, &nlerr);
		if (ret < 0)
			return report_dp_error(ret, &nlerr, NULL, verb);
		if (pick.n == 0) {
			cli_error("cannot %s: no datapaths exist "
				  "(hint: create one with ctflow add-dp DP)", verb);
			return CLI_ERR;
		}
		if (pick.n > 1) {
			cli_error("cannot %s: multiple datapaths, specify one "
				  "(hint: ctflow dump-dps lists them)", verb);
			return CLI_ERR;
		}
		info = pick.first;
	}
	fc->dp_ifindex = info.dp_ifindex;
	snprintf(fc->dp_name, sizeof(fc->dp_name), "%s", info.name);
	return 0;
}

void flow_cli_close(struct flow_cli *fc)
{
	ctf_portmap_free(&fc->ports);
	if (fc->sock)
		ctf_nlsock_close(fc->sock);
	fc->sock = NULL;
}

bool flow_cli_dp_exists(const char *arg)
{
	struct ctf_nlsock *sock;
	struct ctf_dp_info info;
	struct ctf_err err;
	struct ctf_dp_ref ref = { .name = cli_dp_parse(arg, &err) };
	bool found;

	/* A file name with a directory in it is never a datapath name. */
	if (!ref.name || strchr(arg, '/') || ctf_nlsock_open(&sock) < 0)
		return false;
	found = ctf_dp_get(sock, &ref, &info, NULL) == 0;
	ctf_nlsock_close(sock);
	return found;
}

static int port_cb(const struct ctf_vport_info *info, void *arg)
{
	return ctf_portmap_add(arg, info->port_no, info->name);
}

int flow_cli_load_ports(struct flow_cli *fc, const char *verb)
{
	struct ctf_err nlerr;
	int ret;

	if (fc->have_ports)
		return 0;
	ret = ctf_vport_dump(fc->sock, fc->dp_ifindex, port_cb, &fc->ports, &nlerr);
	if (ret < 0) {
		struct ctf_err reason, err;

		cli_err_from_nl(ret, &nlerr, NULL, &reason);
		ctf_err_setn(&err, ret, "cannot list the ports of %s: %s", fc->dp_name, reason.msg);
		if (reason.hint[0])
			ctf_err_hint(&err, "%s", reason.hint);
		cli_fail(verb, &err);
		return CLI_ERR;
	}
	fc->have_ports = true;
	return 0;
}

/* ---- flows given as text ----------------------------------------------- */

void flow_text_init(struct flow_text *ft)
{
	memset(ft, 0, sizeof(*ft));
	ctf_nlbuf_init(&ft->key, CTF_NLBUF_MAX);
	ctf_nlbuf_init(&ft->mask, CTF_NLBUF_MAX);
	ctf_nlbuf_init(&ft->actions, CTF_NLBUF_MAX);
}

void flow_text_free(struct flow_text *ft)
{
	ctf_nlbuf_free(&ft->key);
	ctf_nlbuf_free(&ft->mask);
	ctf_nlbuf_free(&ft->actions);
}

int flow_text_parse(struct flow_text *ft, const char *flow_text, const char *actions_text,
		    const struct ctf_portmap *ports, bool validate, struct ctf_err *err)
{
	const char *key_text;
	int ret;

	ctf_err_clear(err);
	ctf_nlbuf_reset(&ft->key);
	ctf_nlbuf_reset(&ft->mask);
	ctf_nlbuf_reset(&ft->actions);
	ft->has_key = ft->has_actions = false;
	ret = ctf_flow_split_ufid(flow_text, &ft->ufid, &ft->has_ufid, &key_text, err);
	if (ret < 0)
		return ret;
	if (*key_text) {
		ret = ctf_key_parse(key_text, ports, &ft->key, &ft->mask, err);
		if (ret < 0)
			return ret;
		ft->has_key = true;
	}
	if (actions_text) {
		ret = ctf_actions_parse(actions_text, ports, &ft->actions, err);
		if (ret < 0)
			return ret;
		ft->has_actions = true;
	}
	if (validate && ft->has_key) {
		ret = ctf_flow_validate(ctf_nlbuf_data(&ft->key), ctf_nlbuf_len(&ft->key),
					ctf_nlbuf_data(&ft->mask), ctf_nlbuf_len(&ft->mask),
					ctf_nlbuf_data(&ft->actions), ctf_nlbuf_len(&ft->actions),
					err);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Every word of @text, each as a port of its own number (see flow_text_precheck). */
static void any_word_is_a_port(const char *text, struct ctf_portmap *map)
{
	static const char delims[] = ",()=/: \t\n";
	uint32_t port_no = (uint32_t)map->n + 1;

	for (const char *p = text; *p && port_no < 4096; ) {
		size_t n = strcspn(p, delims);

		if (n && n < sizeof(map->ports[0].name)) {
			char word[sizeof(map->ports[0].name)];

			memcpy(word, p, n);
			word[n] = '\0';
			if (ctf_portmap_add(map, port_no, word) == 0)
				port_no++;
		}
		p += n;
		p += strspn(p, delims);
	}
}

int flow_text_precheck(const char *flow_text, const char *actions_text, bool validate,
		       struct ctf_err *err)
{
	struct ctf_portmap any;
	struct flow_text ft;
	int ret;

	ctf_portmap_init(&any);
	any_word_is_a_port(flow_text, &any);
	if (actions_text)
		any_word_is_a_port(actions_text, &any);
	flow_text_init(&ft);
	ret = flow_text_parse(&ft, flow_text, actions_text, &any, validate, err);
	flow_text_free(&ft);
	ctf_portmap_free(&any);
	return ret;
}

void flow_text_req(const struct flow_text *ft, struct ctf_flow_req *req)
{
	memset(req, 0, sizeof(*req));
	if (ft->has_ufid)
		req->ufid = &ft->ufid;
	if (ft->has_key) {
		req->key = ctf_nlbuf_data(&ft->key);
		req->key_len = ctf_nlbuf_len(&ft->key);
		/* An empty mask stream means "exact", as when there is none. */
		if (ctf_nlbuf_len(&ft->mask)) {
			req->mask = ctf_nlbuf_data(&ft->mask);
			req->mask_len = ctf_nlbuf_len(&ft->mask);
		}
	}
	if (ft->has_actions) {
		req->has_actions = true;
		req->actions = ctf_nlbuf_data(&ft->actions);
		req->actions_len = ctf_nlbuf_len(&ft->actions);
	}
}

const char *flow_op_verb(enum ctf_flow_op op)
{
	switch (op) {
	case CTF_FLOW_CREATE: return "add";
	case CTF_FLOW_MODIFY:
	case CTF_FLOW_CREATE_OR_MODIFY: return "modify";
	case CTF_FLOW_DELETE: return "delete";
	case CTF_FLOW_GET: return "get";
	}
	return "?";
}

void flow_kernel_reason(enum ctf_flow_op op, int error, const struct ctf_err *nlerr,
			bool has_ufid, struct ctf_err *out)
{
	ctf_err_clear(out);
	if (nlerr && nlerr->msg[0]) {
		ctf_err_setn(out, error, "%s (%s)", nlerr->msg, strerror(-error));
		return;
	}
	switch (error) {
	case -EEXIST:
		ctf_err_setn(out, error, "flow already exists");
		ctf_err_hint(out, "use mod-flow to change its actions");
		break;
	case -ENOENT:
		ctf_err_setn(out, error, "no such flow");
		if (op == CTF_FLOW_MODIFY)
			ctf_err_hint(out, "add it with add-flow, or use mod-flow --may-create");
		else if (op == CTF_FLOW_CREATE_OR_MODIFY)
			ctf_err_hint(out, "a flow with this ufid exists with a different key");
		else if (!has_ufid)
			ctf_err_hint(out, "no flow has this match, with or without a UFID; "
				     "dump-flows -m lists the flows");
		else
			ctf_err_hint(out, "dump-flows -m lists the flows and their ufids");
		break;
	case -EPERM:
	case -EACCES:
		ctf_err_setn(out, error, "%s", strerror(-error));
		ctf_err_hint(out, "changing datapath flows needs CAP_NET_ADMIN: run as root");
		break;
	case -ENODEV:
		ctf_err_setn(out, error, "the datapath disappeared");
		break;
	case -EINVAL:
		ctf_err_setn(out, error, "the kernel refused the flow (Invalid argument) "
			     "although it passed ctflow's checks");
		ctf_err_hint(out, "the openvswitch module logs its reason: dmesg | grep openvswitch");
		break;
	case -EOPNOTSUPP:
		ctf_err_setn(out, error, "the running kernel does not support this flow (%s)",
			     strerror(-error));
		ctf_err_hint(out, "a key or action newer than this kernel? see ctflow show");
		break;
	case -E2BIG:
	case -EFBIG:
	case -ENOSPC:
		ctf_err_setn(out, error, "the datapath's flow table is full (%s)", strerror(-error));
		break;
	default:
		ctf_err_setn(out, error, "%s", strerror(-error));
		break;
	}
}

static void print_flow_error(enum ctf_flow_op op, const struct ctf_err *err)
{
	char what[32];

	snprintf(what, sizeof(what), "%s flow", flow_op_verb(op));
	cli_fail(what, err);
}

/* Without -s a flow command prints nothing; with -s, the flow's stats. */
static int print_stats_cb(const struct ctf_flow_info *info, void *arg)
{
	struct ctf_str s;

	ctf_str_init(&s);
	ctf_flow_stats_format(info, ctf_monotonic_ms(), &s);
	printf("%s\n", ctf_str_cstr(&s));
	ctf_str_free(&s);
	return 0;
}

static bool has_explicit_drop(const struct ctf_nlbuf *actions)
{
	const struct nlattr *attr;

	const char *end = (const char *)ctf_nlbuf_data(actions) + ctf_nlbuf_len(actions);

	for (attr = ctf_nlbuf_data(actions); mnl_attr_ok(attr, attr_room(end, attr));
	     attr = mnl_attr_next(attr))
		if (mnl_attr_get_type(attr) == OVS_ACTION_ATTR_DROP)
			return true;
	return false;
}

/*
 * A flow named by FLOW that the kernel did not find by key may have been
 * installed with a UFID: find that UFID in a dump and send @req again by it.
 */
static int retry_by_found_ufid(struct flow_cli *fc, const struct flow_text *ft,
			       enum ctf_flow_op op, struct ctf_flow_req *req, ctf_flow_cb cb,
			       void *arg, struct ctf_err *nlerr)
{
	struct flow_want want = { .index = 0 };
	struct ctf_ufid ufid;
	bool found;
	int ret;

	if (flow_match_id(ctf_nlbuf_data(&ft->key), ctf_nlbuf_len(&ft->key),
			  ctf_nlbuf_data(&ft->mask), ctf_nlbuf_len(&ft->mask), &want.id) < 0)
		return -ENOENT;
	ret = flow_find_ufids(fc, &want, 1, &ufid, &found, nlerr);
	if (ret < 0)
		return ret;
	if (!found) {
		memset(nlerr, 0, sizeof(*nlerr));
		return -ENOENT;
	}
	req->ufid = &ufid;
	ret = ctf_flow_op(fc->sock, fc->dp_ifindex, op, req, cb, arg, nlerr);
	req->ufid = NULL;
	return ret;
}

/* Send one operation, print the error if any, and return a CLI status. */
static int run_flow_op(struct flow_cli *fc, struct flow_text *ft, enum ctf_flow_op op,
		       bool clear, ctf_flow_cb cb, void *arg)
{
	struct ctf_flow_req req;
	struct ctf_err nlerr;
	struct ctf_err err;
	int ret;

	flow_text_req(ft, &req);
	req.clear = clear;
	ret = ctf_flow_op(fc->sock, fc->dp_ifindex, op, &req, cb, arg, &nlerr);
	if (ret == -ENOENT && !ft->has_ufid && ft->has_key &&
	    (op == CTF_FLOW_MODIFY || op == CTF_FLOW_DELETE || op == CTF_FLOW_GET))
		ret = retry_by_found_ufid(fc, ft, op, &req, cb, arg, &nlerr);
	if (ret == 0)
		return CLI_OK;
	flow_kernel_reason(op, ret, &nlerr, ft->has_ufid, &err);
	if (ret == -EINVAL && !nlerr.msg[0] && ft->has_key) {
		struct ctf_err why;

		/* Our checks may explain what the kernel did not. */
		if (ctf_flow_validate(ctf_nlbuf_data(&ft->key), ctf_nlbuf_len(&ft->key),
				      ctf_nlbuf_data(&ft->mask), ctf_nlbuf_len(&ft->mask),
				      ctf_nlbuf_data(&ft->actions), ctf_nlbuf_len(&ft->actions),
				      &why) < 0)
			err = why;
		else if (ft->has_actions && has_explicit_drop(&ft->actions))
			/* Valid text, but the action is newer than many kernels. */
			ctf_err_hint(&err, "drop(N) needs Linux 6.6 or later (ctflow show lists "
				     "kernel features); plain `drop' works everywhere");
	}
	print_flow_error(op, &err);
	return CLI_ERR;
}

/* "[DP] A B": the DP is there when all the arguments are. */
static const char *dp_arg(int argc, char **argv, int full)
{
	return argc - 1 == full ? argv[1] : NULL;
}

/* A DP name never contains '(' and never starts with "ufid:"; a FLOW does one or the other. */
static bool looks_like_flow(const char *arg)
{
	return strchr(arg, '(') || !strncmp(arg, "ufid:", 5);
}

/*
 * add-flow [DP] FLOW ACTIONS; mod-flow [DP] FLOW [ACTIONS]. Without ACTIONS
 * mod-flow keeps the flow's actions (a SET without OVS_FLOW_ATTR_ACTIONS),
 * which is how --clear alone resets a flow's statistics.
 */
static int put_flow(int argc, char **argv, enum ctf_flow_op op)
{
	const char *verb = op == CTF_FLOW_CREATE ? "add flow" : "modify flow";
	const char *dp = NULL, *flow, *actions = NULL;
	struct flow_cli fc;
	struct flow_text ft;
	struct ctf_err err;
	int ret;

	if (argc == 4) {
		dp = argv[1];
		flow = argv[2];
		actions = argv[3];
	} else if (argc == 3 && (op == CTF_FLOW_CREATE || looks_like_flow(argv[1]))) {
		flow = argv[1];
		actions = argv[2];
	} else if (argc == 3) {
		dp = argv[1];
		flow = argv[2];
	} else {
		flow = argv[1];
	}
	if (!actions && op != CTF_FLOW_MODIFY) {
		cli_error("cannot %s: ACTIONS are needed to create a flow "
			  "(hint: mod-flow without ACTIONS only works on an existing flow)", verb);
		return CLI_USAGE;
	}
	if (flow_text_precheck(flow, actions, true, &err) < 0) {
		print_flow_error(op, &err);
		return CLI_USAGE;
	}
	if (flow_cli_open(&fc, dp, verb) || flow_cli_load_ports(&fc, verb)) {
		flow_cli_close(&fc);
		return CLI_ERR;
	}
	flow_text_init(&ft);
	if (flow_text_parse(&ft, flow, actions, &fc.ports, true, &err) < 0) {
		print_flow_error(op, &err);
		ret = CLI_USAGE;
	} else {
		ret = run_flow_op(&fc, &ft, op, op != CTF_FLOW_CREATE && cli_opts.clear,
				  cli_opts.stats ? print_stats_cb : NULL, NULL);
	}
	flow_text_free(&ft);
	flow_cli_close(&fc);
	return ret;
}

int cmd_add_flow(int argc, char **argv)
{
	return put_flow(argc, argv, CTF_FLOW_CREATE);
}

int cmd_mod_flow(int argc, char **argv)
{
	return put_flow(argc, argv, cli_opts.may_create ? CTF_FLOW_CREATE_OR_MODIFY
							: CTF_FLOW_MODIFY);
}

/* ---- printing flows ---------------------------------------------------- */

struct print_ctx {
	struct flow_cli *fc;
	unsigned fmt_flags;
	bool json;
	unsigned long n;
	uint64_t now_ms;
	/* dump-flows filter=: keep flows whose masked key matches. */
	const struct flow_text *filter;
};

static unsigned format_flags(void)
{
	unsigned flags = cli_opts.more ? CTF_FMT_VERBOSE : 0;
	bool names = cli_opts.names || (cli_opts.more && !cli_opts.no_names);

	return flags | (names ? CTF_FMT_NAMES : 0);
}

static bool passes_filter(const struct print_ctx *ctx, const struct ctf_flow_info *info)
{
	const struct flow_text *f = ctx->filter;

	if (!f)
		return true;
	return ctf_flow_filter_match(info->key, info->key_len, info->mask, info->mask_len,
				     ctf_nlbuf_data(&f->key), ctf_nlbuf_len(&f->key),
				     ctf_nlbuf_len(&f->mask) ? ctf_nlbuf_data(&f->mask) : NULL,
				     ctf_nlbuf_len(&f->mask));
}

/*
 * One flow: a dump-flows line, or with --json one object on a line of its
 * own (dump-flows puts them in an array, one per line).
 */
static int print_flow_cb(const struct ctf_flow_info *info, void *arg)
{
	struct print_ctx *ctx = arg;
	const struct ctf_portmap *ports = ctx->fc->have_ports ? &ctx->fc->ports : NULL;

	if (!passes_filter(ctx, info))
		return 0;
	if (ctx->json) {
		if (ctx->n)
			cli_out_puts(",\n");
		cli_out_json(cli_json_flow(info, ctx->now_ms, ports, ctx->fmt_flags), CLI_JSON_LINE);
	} else {
		struct ctf_str *out = cli_out_buffer();

		ctf_flow_format(info, ctx->now_ms, ports, ctx->fmt_flags, out);
		ctf_str_putc(out, '\n');
		cli_out_commit();
	}
	ctx->n++;
	return 0;
}

static int print_ctx_init(struct print_ctx *ctx, struct flow_cli *fc, const char *verb)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->fc = fc;
	ctx->fmt_flags = format_flags();
	ctx->json = cli_opts.json;
	ctx->now_ms = ctf_monotonic_ms();
	if (ctx->fmt_flags & CTF_FMT_NAMES)
		return flow_cli_load_ports(fc, verb);
	return 0;
}

/*
 * del-flow and get-flow [DP] FLOW|ufid:UUID: by UFID when one is given, else
 * by key (see retry_by_found_ufid). The kernel's answer decides whether the
 * flow exists, so the flow is read but not validated.
 */
static int find_flow_op(int argc, char **argv, enum ctf_flow_op op, const char *verb)
{
	const char *dp = dp_arg(argc, argv, 2), *text = argv[argc - 1];
	struct flow_cli fc;
	struct flow_text ft;
	struct print_ctx ctx;
	struct ctf_err err;
	int ret;

	/* An empty FLOW would be a DEL without key or UFID: a flush. */
	if (!text[strspn(text, " \t")]) {
		cli_error("cannot %s: empty flow (hint: %s)", verb, op == CTF_FLOW_DELETE ?
			  "del-flows deletes every flow" : "give FLOW or ufid:UUID");
		return CLI_USAGE;
	}
	if (flow_text_precheck(text, NULL, false, &err) < 0) {
		print_flow_error(op, &err);
		return CLI_USAGE;
	}
	if (flow_cli_open(&fc, dp, verb) || flow_cli_load_ports(&fc, verb) ||
	    (op == CTF_FLOW_GET && print_ctx_init(&ctx, &fc, verb))) {
		flow_cli_close(&fc);
		return CLI_ERR;
	}
	flow_text_init(&ft);
	if (flow_text_parse(&ft, text, NULL, &fc.ports, false, &err) < 0) {
		print_flow_error(op, &err);
		ret = CLI_USAGE;
	} else if (op == CTF_FLOW_GET) {
		ret = run_flow_op(&fc, &ft, op, false, print_flow_cb, &ctx);
		if (ret == CLI_OK && ctx.json)
			cli_out_puts("\n");
		if (ret == CLI_OK)
			ret = cli_out_flush();
	} else {
		ret = run_flow_op(&fc, &ft, op, false, cli_opts.stats ? print_stats_cb : NULL, NULL);
	}
	flow_text_free(&ft);
	flow_cli_close(&fc);
	return ret;
}

int cmd_del_flow(int argc, char **argv)
{
	return find_flow_op(argc, argv, CTF_FLOW_DELETE, "delete flow");
}

int cmd_get_flow(int argc, char **argv)
{
	return find_flow_op(argc, argv, CTF_FLOW_GET, "get flow");
}

int cmd_dump_flows(int argc, char **argv)
{
	const char *dp = NULL, *filter = NULL;
	struct flow_cli fc;
	struct flow_text ft;
	struct print_ctx ctx;
	struct ctf_err nlerr;
	struct ctf_err err;
	int ret = CLI_OK;

	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "filter=", 7) && !filter) {
			filter = argv[i] + 7;
		} else if (!dp) {
			dp = argv[i];
		} else {
			cli_error("cannot dump flows: unexpected argument `%s' "
				  "(usage: ctflow dump-flows [DP] [filter=FLOW])", argv[i]);
			return CLI_USAGE;
		}
	}
	if (filter && flow_text_precheck(filter, NULL, false, &err) < 0) {
		cli_fail("dump flows: bad filter", &err);
		return CLI_USAGE;
	}
	if (flow_cli_open(&fc, dp, "dump flows") || print_ctx_init(&ctx, &fc, "dump flows")) {
		flow_cli_close(&fc);
		return CLI_ERR;
	}
	flow_text_init(&ft);
	if (filter) {
		/* A filter may name ports: without them it cannot be read at all. */
		if (flow_cli_load_ports(&fc, "dump flows")) {
			ret = CLI_ERR;
			goto out;
		}
		if (flow_text_parse(&ft, filter, NULL, &fc.ports, false, &err) < 0) {
			cli_fail("dump flows: bad filter", &err);
			ret = CLI_USAGE;
			goto out;
		}
		ctx.filter = &ft;
	}
	if (ctx.json)
		cli_out_puts("[\n");
	/*
	 * Let the kernel fill the next replies while we print the last ones:
	 * for a big datapath its work and ours are about equal. Without it
	 * (-ENOMEM) the dump is read in turn, as before.
	 */
	ctf_nlsock_set_dump_readahead(fc.sock, true);
	int r = ctf_flow_dump(fc.sock, fc.dp_ifindex, 0, print_flow_cb, &ctx, &nlerr);
	if (ctx.json)
		cli_out_puts(ctx.n ? "\n]\n" : "]\n");
	if (cli_out_flush())
		ret = CLI_ERR;
	if (r < 0) {
		cli_fail_nl("dump flows", r, &nlerr, NULL);
		ret = CLI_ERR;
	}
out:
	flow_text_free(&ft);
	flow_cli_close(&fc);
	return ret;
}

int flow_flush(const char *dp)
{
	struct flow_cli fc;
	struct ctf_err nlerr;
	struct ctf_err err;
	int ret = CLI_OK;

	if (flow_cli_open(&fc, dp, "delete flows")) {
		flow_cli_close(&fc);
		return CLI_ERR;
	}
	int r = ctf_flow_flush(fc.sock, fc.dp_ifindex, &nlerr);
	if (r < 0) {
		flow_kernel_reason(CTF_FLOW_DELETE, r, &nlerr, true, &err);
		cli_fail("delete flows", &err);
		ret = CLI_ERR;
	}
	flow_cli_close(&fc);
	return ret;
}
