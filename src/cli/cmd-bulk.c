// SPDX-License-Identifier: Apache-2.0
/*
 * add-flows, mod-flows and del-flows FILE: flow files applied in batches.
 * Each line is parsed, validated and encoded into a batch (many requests per
 * sendmsg); the kernel's answers are matched to lines by sequence number, so
 * a failure is reported with FILE:LINE while the other lines still apply.
 * A line that does not parse is reported and never sent. --stop-on-error
 * sends one request at a time, so nothing after the first failure is applied.
 *
 * As in add-flow, a line sends a UFID only when it gives one. Modify and
 * delete lines by FLOW that the kernel did not find by key are looked for
 * among the UFID flows (one dump per batch, flow-find.c) and sent again by
 * the UFID found.
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
	/* Requests of the batch the kernel did not find by key, to look up. */
	struct lost_req {
		const struct nlmsghdr *nlh;	/* in batch.buf */
		const struct ctf_err *res;	/* in batch.results */
		struct bulk_item it;
	} lost[BULK_MAX_REQUESTS];
	struct flow_want want[BULK_MAX_REQUESTS];
	struct ctf_ufid found[BULK_MAX_REQUESTS];
	bool has[BULK_MAX_REQUESTS];
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

static void report_kernel(struct bulk *bk, const struct bulk_item *it, const struct ctf_err *res)
{
	struct ctf_err err;

	flow_kernel_reason(verb_op(it->verb), res->error, res, it->explicit_ufid, &err);
	report(bk, it, &err);
}

/* The payload of @nlh's attribute @type, or NULL (*len 0). */
static const void *req_attr(const struct nlmsghdr *nlh, uint16_t type, size_t *len)
{
	const struct nlattr *a;

	*len = 0;
	for (a = mnl_nlmsg_get_payload_offset(nlh, CTF_OVS_ATTR_OFFSET);
	     mnl_attr_ok(a, attr_room(mnl_nlmsg_get_payload_tail(nlh), a)); a = mnl_attr_next(a))
		if (mnl_attr_get_type(a) == type) {
			*len = mnl_attr_get_payload_len(a);
			return mnl_attr_get_payload(a);
		}
	return NULL;
}

/* Queue @nlh again in the retry batch, addressed by @ufid as well as its key. */
static bool queue_with_ufid(struct bulk *bk, const struct nlmsghdr *nlh,
			    const struct bulk_item *it, const struct ctf_ufid *ufid)
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
		if (!mnl_attr_put_check(req, ctf_nlbatch_room(&bk->retry), a->nla_type,
					mnl_attr_get_payload_len(a), mnl_attr_get_payload(a))) {
			ctf_nlbatch_cancel(&bk->retry);
			return false;
		}
	}
	if (!mnl_attr_put_check(req, ctf_nlbatch_room(&bk->retry), OVS_FLOW_ATTR_UFID,
				sizeof(*ufid), ufid)) {
		ctf_nlbatch_cancel(&bk->retry);
		return false;
	}
	bk->retry_items[ctf_nlbatch_end(&bk->retry)] = *it;
	return true;
}

/*
 * The batch's requests bk->lost[0..n) were not found by key: find the UFID
 * flows with their matches and queue them again by UFID; report the rest.
 */
static void retry_lost(struct bulk *bk, unsigned n)
{
	struct ctf_err nlerr;
	size_t nw = 0;

	for (unsigned i = 0; i < n; i++) {
		size_t key_len, mask_len;
		const void *key = req_attr(bk->lost[i].nlh, OVS_FLOW_ATTR_KEY, &key_len);
		const void *mask = req_attr(bk->lost[i].nlh, OVS_FLOW_ATTR_MASK, &mask_len);

		if (key && flow_match_id(key, key_len, mask, mask_len, &bk->want[nw].id) == 0)
			bk->want[nw++].index = i;
	}
	memset(bk->has, 0, sizeof(bk->has));
	if (nw && flow_find_ufids(&bk->fc, bk->want, nw, bk->found, bk->has, &nlerr) < 0)
		memset(bk->has, 0, sizeof(bk->has));
	for (unsigned i = 0; i < n; i++) {
		const struct lost_req *l = &bk->lost[i];

		if (!bk->has[i] || !queue_with_ufid(bk, l->nlh, &l->it, &bk->found[i]))
			report_kernel(bk, &l->it, l->res);
	}
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
	unsigned n_lost = 0;

	if (!bk->batch.n)
		return;
	/* On a failed exchange, every unanswered request carries the errno. */
	ctf_nlsock_send_batch(bk->fc.sock, &bk->batch, 0, NULL, NULL);
	for (unsigned i = 0; i < bk->batch.n; i++) {
		const struct ctf_err *res = &bk->batch.results[i];
		const struct bulk_item *it = &bk->items[i];

		if (!res->error) {
			bk->applied++;
		} else if (res->error == -ENOENT && !it->explicit_ufid &&
			   it->verb != CTF_BULK_ADD && mnl_nlmsg_ok(nlh, remaining)) {
			/* Maybe a flow installed with a UFID: look for it below. */
			bk->lost[n_lost++] = (struct lost_req){ .nlh = nlh, .res = res, .it = *it };
		} else {
			report_kernel(bk, it, res);
		}
		if (mnl_nlmsg_ok(nlh, remaining))
			nlh = mnl_nlmsg_next(nlh, &remaining);
	}
	if (n_lost)
		retry_lost(bk, n_lost);
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
	flow_text_req(ft, &req);
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

/*
 * The datapath could not be opened: still name the lines of @in (a regular
 * file, read again from the start) that would not parse, as add-flow names a
 * bad flow without the datapath. Port names pass: only the datapath knows them.
 */
static void precheck_file(struct bulk *bk, FILE *in, enum ctf_bulk_verb def)
{
	unsigned long line_no = 0;
	char *line = NULL;
	size_t cap = 0;

	if (in == stdin || fseek(in, 0, SEEK_SET) < 0)
		return;
	while (getline(&line, &cap, in) >= 0) {
		struct bulk_item it = { .line = ++line_no, .verb = def };
		struct ctf_bulk_line bl;
		struct ctf_err err;
		int ret = ctf_bulk_parse_line(line, def, &bl, &err);

		if (ret > 0) {
			it.verb = bl.verb;
			ret = flow_text_precheck(bl.flow, bl.actions, bl.verb != CTF_BULK_DELETE, &err);
		}
		if (ret < 0)
			report(bk, &it, &err);
	}
	free(line);
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
	if (flow_cli_open(&bk->fc, dp, verb)) {
		precheck_file(bk, in, def);
		goto out_close;
	}
	if (flow_cli_load_ports(&bk->fc, verb))
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
