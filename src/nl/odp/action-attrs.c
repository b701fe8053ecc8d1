// SPDX-License-Identifier: Apache-2.0
/*
 * Description tables for the action namespaces, and the read-only helpers
 * built on them (ct() decoding, a walker, a summary for validation).
 * Lengths follow the kernel's action_lens / ovs_ct_attr_lens / parse_nat.
 */
#include <errno.h>
#include <string.h>

#include "odp/action-attrs.h"
#include "odp/ct-opts.h"
#include "netlink/nla-inline.h"

/* Rows of odp/attr-table.h; an action row leaves the key columns zero. */
#define ROW(t, n, l) [t] = { .name = (n), .len = (l) }
#define FLAG(t, n) ROW(t, n, 0)
#define VAR(t, n, lo, hi) [t] = { .name = (n), .len = CTF_LEN_VARIABLE, .min_len = (lo), .max_len = (hi) }
#define STRZ(t, n, lo, hi) [t] = { .name = (n), .len = CTF_LEN_STRZ, .min_len = (lo), .max_len = (hi) }
#define NEST(t, n, tab) [t] = { .name = (n), .len = CTF_LEN_NESTED, .nested = (tab) }

static const struct ctf_attr_desc nat_rows[] = {
	FLAG(OVS_NAT_ATTR_SRC, "src"),
	FLAG(OVS_NAT_ATTR_DST, "dst"),
	/* 4 bytes for an IPv4 flow, 16 for IPv6. */
	ROW(OVS_NAT_ATTR_IP_MIN, "ip_min", CTF_LEN_IP),
	ROW(OVS_NAT_ATTR_IP_MAX, "ip_max", CTF_LEN_IP),
	ROW(OVS_NAT_ATTR_PROTO_MIN, "proto_min", 2),
	ROW(OVS_NAT_ATTR_PROTO_MAX, "proto_max", 2),
	FLAG(OVS_NAT_ATTR_PERSISTENT, "persistent"),
	FLAG(OVS_NAT_ATTR_PROTO_HASH, "hash"),
	FLAG(OVS_NAT_ATTR_PROTO_RANDOM, "random"),
};
const struct ctf_attr_table ctf_nat_attrs = { "nat", OVS_NAT_ATTR_PROTO_RANDOM, nat_rows };

static const struct ctf_attr_desc ct_rows[] = {
	FLAG(OVS_CT_ATTR_COMMIT, "commit"),
	ROW(OVS_CT_ATTR_ZONE, "zone", 2),
	ROW(OVS_CT_ATTR_MARK, "mark", 8),	/* u32 value, u32 mask */
	ROW(OVS_CT_ATTR_LABELS, "label", 32),	/* 16-byte value, 16-byte mask */
	STRZ(OVS_CT_ATTR_HELPER, "helper", 2, 16),	/* NF_CT_HELPER_NAME_LEN */
	NEST(OVS_CT_ATTR_NAT, "nat", &ctf_nat_attrs),
	FLAG(OVS_CT_ATTR_FORCE_COMMIT, "force_commit"),
	ROW(OVS_CT_ATTR_EVENTMASK, "eventmask", 4),
	STRZ(OVS_CT_ATTR_TIMEOUT, "timeout", 2, 32),	/* CTNL_TIMEOUT_NAME_MAX */
};
const struct ctf_attr_table ctf_ct_attrs = { "ct", OVS_CT_ATTR_TIMEOUT, ct_rows };

static const struct ctf_attr_desc userspace_rows[] = {
	ROW(OVS_USERSPACE_ATTR_PID, "pid", 4),
	VAR(OVS_USERSPACE_ATTR_USERDATA, "userdata", 0, UINT16_MAX),
	ROW(OVS_USERSPACE_ATTR_EGRESS_TUN_PORT, "tunnel_out_port", 4),
	FLAG(OVS_USERSPACE_ATTR_ACTIONS, "actions"),
};
const struct ctf_attr_table ctf_userspace_attrs = {
	"userspace", OVS_USERSPACE_ATTR_ACTIONS, userspace_rows
};

static const struct ctf_attr_desc sample_rows[] = {
	ROW(OVS_SAMPLE_ATTR_PROBABILITY, "sample", 4),
	NEST(OVS_SAMPLE_ATTR_ACTIONS, "actions", &ctf_action_attrs),
};
const struct ctf_attr_table ctf_sample_attrs = { "sample", OVS_SAMPLE_ATTR_ACTIONS, sample_rows };

static const struct ctf_attr_desc check_pkt_len_rows[] = {
	ROW(OVS_CHECK_PKT_LEN_ATTR_PKT_LEN, "size", 2),
	NEST(OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_GREATER, "gt", &ctf_action_attrs),
	NEST(OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_LESS_EQUAL, "le", &ctf_action_attrs),
};
const struct ctf_attr_table ctf_check_pkt_len_attrs = {
	"check_pkt_len", OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_LESS_EQUAL, check_pkt_len_rows
};

static const struct ctf_attr_desc dec_ttl_rows[] = {
	NEST(OVS_DEC_TTL_ATTR_ACTION, "le_1", &ctf_action_attrs),
};
const struct ctf_attr_table ctf_dec_ttl_attrs = { "dec_ttl", OVS_DEC_TTL_ATTR_ACTION, dec_ttl_rows };

static const struct ctf_attr_desc psample_rows[] = {
	ROW(OVS_PSAMPLE_ATTR_GROUP, "group", 4),
	VAR(OVS_PSAMPLE_ATTR_COOKIE, "cookie", 1, OVS_PSAMPLE_COOKIE_MAX_SIZE),
};
const struct ctf_attr_table ctf_psample_attrs = { "psample", OVS_PSAMPLE_ATTR_COOKIE, psample_rows };

static const struct ctf_attr_desc push_nsh_rows[] = {
	ROW(OVS_NSH_KEY_ATTR_BASE, "base", sizeof(struct ovs_nsh_key_base)),
	ROW(OVS_NSH_KEY_ATTR_MD1, "md1", sizeof(struct ovs_nsh_key_md1)),
	VAR(OVS_NSH_KEY_ATTR_MD2, "md2", 0, 248),	/* NSH_CTX_HDRS_MAX_LEN */
};
const struct ctf_attr_table ctf_push_nsh_attrs = { "push_nsh", OVS_NSH_KEY_ATTR_MD2, push_nsh_rows };

static const struct ctf_attr_desc action_rows[] = {
	ROW(OVS_ACTION_ATTR_OUTPUT, "output", 4),
	NEST(OVS_ACTION_ATTR_USERSPACE, "userspace", &ctf_userspace_attrs),
	/* One OVS_KEY_ATTR_* inside; the key namespace belongs to key-attrs. */
	VAR(OVS_ACTION_ATTR_SET, "set", 4, UINT16_MAX),
	ROW(OVS_ACTION_ATTR_PUSH_VLAN, "push_vlan", sizeof(struct ovs_action_push_vlan)),
	FLAG(OVS_ACTION_ATTR_POP_VLAN, "pop_vlan"),
	NEST(OVS_ACTION_ATTR_SAMPLE, "sample", &ctf_sample_attrs),
	ROW(OVS_ACTION_ATTR_RECIRC, "recirc", 4),
	ROW(OVS_ACTION_ATTR_HASH, "hash", sizeof(struct ovs_action_hash)),
	ROW(OVS_ACTION_ATTR_PUSH_MPLS, "push_mpls", sizeof(struct ovs_action_push_mpls)),
	ROW(OVS_ACTION_ATTR_POP_MPLS, "pop_mpls", 2),
	VAR(OVS_ACTION_ATTR_SET_MASKED, "set_masked", 4, UINT16_MAX),
	NEST(OVS_ACTION_ATTR_CT, "ct", &ctf_ct_attrs),
	ROW(OVS_ACTION_ATTR_TRUNC, "trunc", sizeof(struct ovs_action_trunc)),
	ROW(OVS_ACTION_ATTR_PUSH_ETH, "push_eth", sizeof(struct ovs_action_push_eth)),
	FLAG(OVS_ACTION_ATTR_POP_ETH, "pop_eth"),
	FLAG(OVS_ACTION_ATTR_CT_CLEAR, "ct_clear"),
	NEST(OVS_ACTION_ATTR_PUSH_NSH, "push_nsh", &ctf_push_nsh_attrs),
	FLAG(OVS_ACTION_ATTR_POP_NSH, "pop_nsh"),
	ROW(OVS_ACTION_ATTR_METER, "meter", 4),
	NEST(OVS_ACTION_ATTR_CLONE, "clone", &ctf_action_attrs),
	NEST(OVS_ACTION_ATTR_CHECK_PKT_LEN, "check_pkt_len", &ctf_check_pkt_len_attrs),
	ROW(OVS_ACTION_ATTR_ADD_MPLS, "add_mpls", sizeof(struct ovs_action_add_mpls)),
	NEST(OVS_ACTION_ATTR_DEC_TTL, "dec_ttl", &ctf_dec_ttl_attrs),
	ROW(OVS_ACTION_ATTR_DROP, "drop", 4),
	NEST(OVS_ACTION_ATTR_PSAMPLE, "psample", &ctf_psample_attrs),
};
const struct ctf_attr_table ctf_action_attrs = { "action", CTF_ACTION_ATTR_MAX, action_rows };

/* A stream made of whole attributes only, nothing left over. */
bool ctf_attr_stream_ok(const void *data, size_t len)
{
	const struct nlattr *a;

	if (len > INT32_MAX)
		return false;
	ctf_nla_for_each_in(a, data, len)
		;
	return (const char *)a == (const char *)data + CTF_NLA_ALIGN(len) ||
	       (const char *)a == (const char *)data + len;
}

/* One option of a ct() nest into the model, by its row's kind. */
static int ct_decode_one(const struct nlattr *a, struct ctf_ct_info *info)
{
	const struct ctf_ct_opt *o = ctf_ct_opt_by_attr(ctf_nla_type(a));
	char *val;

	if (!o)
		return -EINVAL;
	if (o->decode)
		return o->decode(a, info);
	val = (char *)info + o->val;
	ctf_ct_set_has(o, info);
	/* Constant sizes: each copy a few moves, not a library call. */
	switch (o->kind) {
	case CTF_CT_U16:
		memcpy(val, ctf_nla_data(a), 2);
		break;
	case CTF_CT_U32:
		memcpy(val, ctf_nla_data(a), 4);
		break;
	case CTF_CT_U32_MASKED:
		memcpy(val, ctf_nla_data(a), 8);
		break;
	case CTF_CT_U128_MASKED:
		memcpy(val, ctf_nla_data(a), 32);
		break;
	case CTF_CT_NAME:	/* a NUL within, checked by ctf_attr_len_ok() */
		memcpy(val, ctf_nla_data(a), strlen(ctf_nla_data(a)) + 1);
		break;
	default:
		break;
	}
	return 0;
}

int ctf_ct_action_decode(const struct nlattr *ct, struct ctf_ct_info *info)
{
	const void *data = ctf_nla_data(ct);
	size_t len = ctf_nla_len(ct);
	const struct nlattr *a;

	memset(info, 0, sizeof(*info));
	if (len > INT32_MAX)
		return -EINVAL;
	ctf_nla_for_each_in(a, data, len) {
		if (!ctf_attr_len_ok(&ctf_ct_attrs, a) || ct_decode_one(a, info) < 0)
			return -EINVAL;
	}
	/* Whole attributes only (ctf_attr_stream_ok(), in the same walk): a
	 * dump prints a ct() for most flows. */
	return (const char *)a == (const char *)data + CTF_NLA_ALIGN(len) ||
	       (const char *)a == (const char *)data + len ? 0 : -EINVAL;
}

static int walk(const void *data, size_t len, int depth, ctf_action_visit_fn *fn, void *arg);

/* The action lists nested in @a (by its table), walked at @depth. */
static int walk_nested(const struct nlattr *a, int depth, ctf_action_visit_fn *fn, void *arg)
{
	const struct ctf_attr_desc *d = ctf_attr_row(&ctf_action_attrs, ctf_nla_type(a));
	const struct nlattr *sub;
	int err;

	if (!d || d->len != CTF_LEN_NESTED || d->nested == &ctf_ct_attrs ||
	    d->nested == &ctf_userspace_attrs || d->nested == &ctf_psample_attrs ||
	    d->nested == &ctf_push_nsh_attrs)
		return 0;
	if (d->nested == &ctf_action_attrs)	/* clone: the list itself */
		return walk(ctf_nla_data(a), ctf_nla_len(a), depth, fn, arg);
	if (!ctf_attr_stream_ok(ctf_nla_data(a), ctf_nla_len(a)))
		return -EINVAL;
	ctf_nla_for_each_nested(sub, a) {
		const struct ctf_attr_desc *sd = ctf_attr_row(d->nested, ctf_nla_type(sub));

		if (!sd)
			return -EINVAL;
		if (sd->nested == &ctf_action_attrs) {
			err = walk(ctf_nla_data(sub), ctf_nla_len(sub), depth, fn, arg);
			if (err)
				return err;
		}
	}
	return 0;
}

static int walk(const void *data, size_t len, int depth, ctf_action_visit_fn *fn, void *arg)
{
	const struct nlattr *a;
	int err;

	if (depth > 64)
		return -EOVERFLOW;
	if (!ctf_attr_stream_ok(data, len))
		return -EINVAL;
	ctf_nla_for_each_in(a, data, len) {
		err = fn(a, depth, arg);
		if (err)
			return err;
		err = walk_nested(a, depth + 1, fn, arg);
		if (err)
			return err;
	}
	return 0;
}

int ctf_actions_walk(const void *actions, size_t len, ctf_action_visit_fn *fn, void *arg)
{
	return walk(actions, len, 0, fn, arg);
}

static int summarize_one(const struct nlattr *a, int depth, void *arg)
{
	struct ctf_actions_summary *sum = arg;
	struct ctf_ct_info ct;

	if (depth > sum->max_depth)
		sum->max_depth = depth;
	if (ctf_nla_type(a) != OVS_ACTION_ATTR_CT)
		return 0;
	sum->n_ct++;
	if (ctf_ct_action_decode(a, &ct) < 0) {
		sum->malformed = true;
		return 0;
	}
	sum->ct_helper |= ct.has_helper;
	sum->ct_timeout |= ct.has_timeout;
	if (ct.nat_family) {
		sum->ct_nat_addr = true;
		sum->ct_nat_family = ct.nat_family;
	}
	return 0;
}

void ctf_actions_summarize(const void *actions, size_t len, struct ctf_actions_summary *sum)
{
	memset(sum, 0, sizeof(*sum));
	if (ctf_actions_walk(actions, len, summarize_one, sum) < 0)
		sum->malformed = true;
}
