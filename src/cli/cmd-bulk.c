// SPDX-License-Identifier: Apache-2.0
/*
 * add-flows, mod-flows and del-flows FILE: flow files applied in batches.
 * Each line is parsed, validated and encoded into a batch (many requests per
 * sendmsg); the kernel's answers are matched to lines by sequence number, so
 * a failure is reported with FILE:LINE while the other lines still apply.
 * A line that does not parse is reported and never sent. --stop-on-error
 * sends one request at a time, so nothing after the first failure is applied.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "cli.h"
#include "cmd-flow.h"
#include "commands.h"

#define BULK_MAX_REQUESTS 512u

struct bulk_item {
	unsigned long line;
	enum ctf_bulk_verb verb;
	bool explicit_ufid;
};

struct bulk {
	struct flow_cli fc;
	const char *file;	/* for messages */
	uint16_t family;
	struct ctf_nlbatch batch, retry;
	struct bulk_item items[BULK_MAX_REQUESTS];
	struct bulk_item retry_items[BULK_MAX_REQUESTS];
	unsigned long applied, failed;
	bool stop;
};

static enum ctf_flow_op verb_op(enum ctf_bulk_verb verb)
{
	switch (verb) {
	case CTF_BULK_ADD: return CTF_FLOW_CREATE;
	case CTF_BULK_MODIFY: return CTF_FLOW_MODIFY;
	case CTF_BULK_DELETE: break;
	}
	return CTF_FLOW_DELETE;
}

static void report(struct bulk *bk, const struct bulk_item *it, const struct ctf_err *err)
{
	char what[32];

	snprintf(what, sizeof(what), "%s flow", flow_op_verb(verb_op(it->verb)));
	cli_fail_at(bk->file, it->line, what, err);
	bk->failed++;
	if (cli_opts.stop_on_error)
		bk->stop = true;
}

static void report_kernel(struct bulk *bk, const struct bulk_item *it, const struct ctf_nlerr *res)
{
	struct ctf_err err;

	flow_kernel_reason(verb_op(it->verb), res->error, res, it->explicit_ufid, &err);
	report(bk, it, &err);
}

/* Queue @nlh again in the retry batch, addressed by key: without its UFID. */
static bool queue_by_key(struct bulk *bk, const struct nlmsghdr *nlh, const struct bulk_item *it)
{
	const struct genlmsghdr *g = ctf_genl_hdr(nlh);
	const struct ovs_header *oh = ctf_genl_ovs_header(nlh);
	const struct nlattr *a;
	struct nlmsghdr *req;

	if (!g || !oh)
		return false;
	req = ctf_nlbatch_begin(&bk->retry, nlh->nlmsg_type, g->cmd, g->version,
				nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL), oh->dp_ifindex);
	if (!req)
		return false;
	for (a = mnl_nlmsg_get_payload_offset(nlh, CTF_OVS_ATTR_OFFSET);
	     mnl_attr_ok(a, attr_room(mnl_nlmsg_get_payload_tail(nlh), a)); a = mnl_attr_next(a)) {
		if (mnl_attr_get_type(a) == OVS_FLOW_ATTR_UFID)
			continue;
		if (!mnl_attr_put_check(req, ctf_nlbatch_room(&bk->retry), a->nla_type,
					mnl_attr_get_payload_len(a), mnl_attr_get_payload(a))) {
			ctf_nlbatch_cancel(&bk->retry);
			return false;
		}
	}
	bk->retry_items[ctf_nlbatch_end(&bk->retry)] = *it;
	return true;
}

static void send_retries(struct bulk *bk)
{
	if (!bk->retry.n)
		return;
	ctf_nlsock_send_batch(bk->fc.sock, &bk->retry, 0, NULL, NULL);
	for (unsigned i = 0; i < bk->retry.n; i++) {
		if (bk->retry.results[i].error)
			report_kernel(bk, &bk->retry_items[i], &bk->retry.results[i]);
		else
			bk->applied++;
	}
	ctf_nlbatch_reset(&bk->retry);
}

static void flush_batch(struct bulk *bk)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)bk->batch.buf;
	int remaining = (int)bk->batch.len;

	if (!bk->batch.n)
		return;
	/* On a failed exchange, every unanswered request carries the errno. */
	ctf_nlsock_send_batch(bk->fc.sock, &bk->batch, 0, NULL, NULL);
	for (unsigned i = 0; i < bk->batch.n; i++) {
		const struct ctf_nlerr *res = &bk->batch.results[i];
		const struct bulk_item *it = &bk->items[i];

		if (!res->error) {
			bk->applied++;
		} else if (res->error == -ENOENT && !it->explicit_ufid &&
			   it->verb != CTF_BULK_ADD && mnl_nlmsg_ok(nlh, remaining) &&
			   queue_by_key(bk, nlh, it)) {
			/* Maybe a flow added without UFID (ovs-dpctl): try by key. */
		} else {
			report_kernel(bk, it, res);
		}
		if (mnl_nlmsg_ok(nlh, remaining))
			nlh = mnl_nlmsg_next(nlh, &remaining);
	}
	ctf_nlbatch_reset(&bk->batch);
	send_retries(bk);
}

static void add_line(struct bulk *bk, struct flow_text *ft, unsigned long line_no, char *line,
		     enum ctf_bulk_verb def)
{
	struct bulk_item it = { .line = line_no };
	struct ctf_bulk_line bl;
	struct ctf_flow_req req;
	struct ctf_err err;
	int ret;

	ret = ctf_bulk_parse_line(line, def, &bl, &err);
	if (ret == 0)
		return;
	it.verb = ret < 0 ? def : bl.verb;
	if (ret < 0) {
		report(bk, &it, &err);
		return;
	}
	/* The line parser split "ufid:U," off; the rest is the key. */
	ret = flow_text_parse(ft, bl.flow, bl.actions, &bk->fc.ports, bl.verb != CTF_BULK_DELETE,
			      &err);
	if (ret < 0) {
		report(bk, &it, &err);
		return;
	}
	if (bl.has_ufid) {
		ft->has_ufid = true;
		ft->ufid = bl.ufid;
	}
	it.explicit_ufid = ft->has_ufid;
	if (!ft->has_key && !ft->has_ufid) {
		ctf_err_set(&err, "empty flow");
		report(bk, &it, &err);
		return;
	}
	flow_text_req(ft, true, &req);
	for (int attempt = 0; attempt < 2; attempt++) {
		ret = ctf_flow_batch_add(&bk->batch, bk->family, bk->fc.dp_ifindex,
					 verb_op(bl.verb), &req);
		if (ret != -ENOSPC)
			break;
		flush_batch(bk);
	}
	if (ret < 0) {
		ctf_err_setn(&err, ret, "the flow is too big for a netlink message");
		report(bk, &it, &err);
		return;
	}
	bk->items[ret] = it;
	if (bk->batch.n >= bk->batch.max)
		flush_batch(bk);
}

static int apply_file(const char *dp, const char *path, enum ctf_bulk_verb def, const char *verb)
{
	struct bulk *bk = ctf_xzalloc(sizeof(*bk));
	struct flow_text ft;
	FILE *in;
	char *line = NULL;
	size_t cap = 0;
	unsigned long line_no = 0;
	int ret = CLI_ERR;

	bk->file = strcmp(path, "-") ? path : "(stdin)";
	in = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!in) {
		cli_error("cannot %s: cannot open `%s': %s", verb, path, strerror(errno));
		free(bk);
		return CLI_ERR;
	}
	if (flow_cli_open(&bk->fc, dp, verb) || flow_cli_load_ports(&bk->fc, verb))
		goto out_close;
	int r = ctf_nlsock_family(bk->fc.sock, OVS_FLOW_FAMILY, &bk->family);
	if (r < 0) {
		cli_fail_nl(verb, r, NULL, NULL);
		goto out_close;
	}
	unsigned max = cli_opts.stop_on_error ? 1 : BULK_MAX_REQUESTS;
	ctf_nlbatch_init(&bk->batch, 0, max);
	ctf_nlbatch_init(&bk->retry, 0, max);
	flow_text_init(&ft);
	while (!bk->stop && getline(&line, &cap, in) >= 0)
		add_line(bk, &ft, ++line_no, line, def);
	if (ferror(in)) {
		cli_error("cannot %s: error reading `%s': %s", verb, path, strerror(errno));
		bk->failed++;
	}
	flush_batch(bk);
	flow_text_free(&ft);
	ctf_nlbatch_free(&bk->batch);
	ctf_nlbatch_free(&bk->retry);
	fprintf(stderr, "%lu flow%s applied, %lu failed\n", bk->applied,
		bk->applied == 1 ? "" : "s", bk->failed);
	ret = bk->failed ? CLI_ERR : CLI_OK;
out_close:
	flow_cli_close(&bk->fc);
	free(line);
	if (in != stdin)
		fclose(in);
	free(bk);
	return ret;
}

int cmd_add_flows(int argc, char **argv)
{
	return apply_file(argc == 3 ? argv[1] : NULL, argv[argc - 1], CTF_BULK_ADD, "add flows");
}

int cmd_mod_flows(int argc, char **argv)
{
	return apply_file(argc == 3 ? argv[1] : NULL, argv[argc - 1], CTF_BULK_MODIFY,
			  "modify flows");
}

int cmd_del_flows(int argc, char **argv)
{
	if (argc == 1)
		return flow_flush(NULL);
	/* One argument: a datapath if one has that name, else a file (as ovs-dpctl). */
	if (argc == 2 && flow_cli_dp_exists(argv[1]))
		return flow_flush(argv[1]);
	return apply_file(argc == 3 ? argv[1] : NULL, argv[argc - 1], CTF_BULK_DELETE,
			  "delete flows");
}
