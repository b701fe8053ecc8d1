// SPDX-License-Identifier: Apache-2.0
/*
 * Finding a flow that has a UFID from its FLOW text.
 *
 * The kernel looks a flow up by key only among the flows installed without
 * a UFID; one installed with a UFID (by ovs-vswitchd, ctflowd, an earlier
 * ctflow, or a user's ufid:) is found by that UFID alone. When mod-flow,
 * del-flow or get-flow by FLOW find nothing by key, we dump the datapath and
 * look for a UFID flow with the same match, as the kernel holds it: the same
 * mask and the same masked key. The comparison is on the decoded key struct,
 * so attribute order and fully wildcarded attributes do not matter, and on a
 * 128-bit digest of it, so a dump of many flows is checked against a batch
 * of wanted matches with one binary search per flow.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctflow/match.h"
#include "cli.h"
#include "cmd-flow.h"

int flow_match_id(const void *key, size_t key_len, const void *mask, size_t mask_len,
		  struct ctf_ufid *id)
{
	struct ctf_flow_key *k = ctf_xmalloc(2 * sizeof(*k)), *m = k + 1;
	int ret;

	ret = ctf_flow_key_from_attrs(key, key_len, k, NULL);
	if (!ret && mask_len)
		ret = ctf_flow_key_from_attrs(mask, mask_len, m, NULL);
	else if (!ret)
		ctf_flow_key_mask_exact(m, k);
	if (!ret) {
		/*
		 * The kernel keeps 16 bits of in_port and dumps a wildcarded
		 * one as 0/0xffff0000; ctflow refuses partial in_port masks.
		 */
		m->in_port = (m->in_port & 0xffff) ? UINT32_MAX : 0;
		ctf_flow_key_mask_apply(k, k, m);
		ctf_ufid_from_match((const char *)k + CTF_KEY_BODY_START, CTF_KEY_BODY_SIZE,
				    (const char *)m + CTF_KEY_BODY_START, CTF_KEY_BODY_SIZE, id);
		/* An Ethernet flow and a layer-3 flow differ even with equal fields. */
		if (k->attrs & CTF_KEY_BIT(OVS_KEY_ATTR_ETHERNET))
			id->b[0] ^= 1;
	}
	free(k);
	return ret;
}

struct find_ctx {
	const struct flow_want *want;	/* sorted by id */
	size_t n;
	struct ctf_ufid *found;		/* [n], in @want's order */
	bool *has;
	size_t n_found;
};

static int cmp_want(const void *a, const void *b)
{
	return memcmp(&((const struct flow_want *)a)->id, &((const struct flow_want *)b)->id,
		      sizeof(struct ctf_ufid));
}

static int find_cb(const struct ctf_flow_info *info, void *arg)
{
	struct find_ctx *ctx = arg;
	struct flow_want probe = { 0 };
	const struct flow_want *hit;

	if (!info->has_ufid ||
	    flow_match_id(info->key, info->key_len, info->mask, info->mask ? info->mask_len : 0,
			  &probe.id) < 0)
		return 0;
	hit = bsearch(&probe, ctx->want, ctx->n, sizeof(*ctx->want), cmp_want);
	if (hit) {
		/* Equal ids are adjacent: give the UFID to every request for this match. */
		while (hit > ctx->want && !cmp_want(hit - 1, &probe))
			hit--;
		for (; hit < ctx->want + ctx->n && !cmp_want(hit, &probe); hit++) {
			if (!ctx->has[hit->index])
				ctx->n_found++;
			ctx->has[hit->index] = true;
			ctx->found[hit->index] = info->ufid;
		}
	}
	return 0;
}

int flow_find_ufids(struct flow_cli *fc, struct flow_want *want, size_t n,
		    struct ctf_ufid *found, bool *has, struct ctf_err *nlerr)
{
	struct find_ctx ctx = { .want = want, .n = n, .found = found, .has = has };
	int ret;

	memset(has, 0, n * sizeof(*has));
	if (!n)
		return 0;
	qsort(want, n, sizeof(*want), cmp_want);
	ret = ctf_flow_dump(fc->sock, fc->dp_ifindex,
			    OVS_UFID_F_OMIT_ACTIONS, find_cb, &ctx, nlerr);
	return ret < 0 ? ret : (int)ctx.n_found;
}
