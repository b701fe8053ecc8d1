// SPDX-License-Identifier: Apache-2.0
/*
 * The ct() option table and the ct() rules (see ct-opts.h). A new ct()
 * option is a row here (and its length row in action-attrs.c's ct table,
 * as for every attribute namespace); tests/unit/check_ct_model.c checks
 * that the two tables agree and round-trips every row.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "odp/ct-opts.h"

#define AT(f) offsetof(struct ctf_ct_info, f)

/* The order of the rows is the order options are sent and printed (ovs-dpctl's). */
const struct ctf_ct_opt ctf_ct_opts[] = {
	{ "commit", OVS_CT_ATTR_COMMIT, CTF_CT_FLAG, CTF_CT_F_REPEATABLE, .has = AT(commit) },
	{ "force_commit", OVS_CT_ATTR_FORCE_COMMIT, CTF_CT_FLAG, CTF_CT_F_REPEATABLE,
	  .has = AT(force_commit) },
	{ "zone", OVS_CT_ATTR_ZONE, CTF_CT_U16, CTF_CT_F_OMIT_ZERO, CTF_NUM_DEC,
	  .has = AT(has_zone), .val = AT(zone) },
	{ "mark", OVS_CT_ATTR_MARK, CTF_CT_U32_MASKED, CTF_CT_F_NEEDS_COMMIT, CTF_NUM_HEX,
	  .has = AT(has_mark), .val = AT(mark) },
	{ "label", OVS_CT_ATTR_LABELS, CTF_CT_U128_MASKED, CTF_CT_F_NEEDS_COMMIT, CTF_NUM_HEX,
	  .has = AT(has_labels), .val = AT(labels) },
	{ "helper", OVS_CT_ATTR_HELPER, CTF_CT_NAME, 0, .has = AT(has_helper), .val = AT(helper),
	  .names = "conntrack helper such as ftp or tftp", .check = ctf_ct_check_proto },
	{ "timeout", OVS_CT_ATTR_TIMEOUT, CTF_CT_NAME, CTF_CT_F_IGNORED_UNLESS_PROTO,
	  .has = AT(has_timeout), .val = AT(timeout), .names = "cttimeout policy",
	  .check = ctf_ct_check_proto },
	/* Printed in hex: it is a bit set (our text; OVS has none). */
	{ "eventmask", OVS_CT_ATTR_EVENTMASK, CTF_CT_U32, 0, CTF_NUM_AUTO,
	  .has = AT(has_eventmask), .val = AT(eventmask) },
	/* Last: the kernel needs COMMIT before NAT. */
	{ "nat", OVS_CT_ATTR_NAT, CTF_CT_NEST, 0, .has = AT(nat), .parse = ctf_nat_parse,
	  .put = ctf_nat_put, .decode = ctf_nat_decode, .print = ctf_nat_format,
	  .needs_commit = ctf_nat_needs_commit, .rule = ctf_nat_rule,
	  .check = ctf_nat_check },
};
const unsigned ctf_ct_n_opts = CTF_ARRAY_SIZE(ctf_ct_opts);

_Static_assert(CTF_ARRAY_SIZE(ctf_ct_opts) <= 8 * sizeof(ctf_ct_optset),
	       "ctf_ct_optset has a bit per ct() option row");
/* The masked kinds are sent as they are stored: value, then mask. */
_Static_assert(AT(mark_mask) == AT(mark) + 4, "mark value then mask");
_Static_assert(AT(labels_mask) == AT(labels) + 16, "labels value then mask");

const struct ctf_ct_opt *ctf_ct_opt_by_attr(unsigned attr)
{
	for (unsigned i = 0; i < ctf_ct_n_opts; i++)
		if (ctf_ct_opts[i].attr == attr)
			return &ctf_ct_opts[i];
	return NULL;
}

size_t ctf_ct_kind_len(enum ctf_ct_kind kind)
{
	switch (kind) {
	case CTF_CT_U16:
		return 2;
	case CTF_CT_U32:
		return 4;
	case CTF_CT_U32_MASKED:
		return 8;
	case CTF_CT_U128_MASKED:
		return 32;
	default:
		return 0;
	}
}

size_t ctf_ct_name_max(const struct ctf_ct_opt *o)
{
	return (size_t)ctf_act_row(&ctf_ct_attrs, o->attr)->max_len - 1;
}

/* "commit, force_commit, zone=N, ..., nat(...)", from the table. */
const char *ctf_ct_options_help(char *buf, size_t size)
{
	static const char *const suffix[] = {
		[CTF_CT_FLAG] = "", [CTF_CT_U16] = "=N", [CTF_CT_U32] = "=N",
		[CTF_CT_U32_MASKED] = "=V[/M]", [CTF_CT_U128_MASKED] = "=V[/M]",
		[CTF_CT_NAME] = "=NAME", [CTF_CT_NEST] = "(...)",
	};
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < ctf_ct_n_opts && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s%s", i ? ", " : "",
				      ctf_ct_opts[i].keyword, suffix[ctf_ct_opts[i].kind]);
	return buf;
}

/* ---- the ct() rules ------------------------------------------------------ */

enum ctf_ct_rule ctf_ct_commit_rule(const struct ctf_ct_info *ct)
{
	return ct->commit && ct->force_commit ? CTF_CT_COMMIT_TWICE : CTF_CT_OK;
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

enum ctf_ct_rule ctf_ct_value_rule(const struct ctf_ct_opt *o, const struct ctf_ct_info *ct)
{
	const char *v = (const char *)ct + o->val;

	switch (o->kind) {
	case CTF_CT_U32_MASKED:
	case CTF_CT_U128_MASKED: {
		size_t half = ctf_ct_kind_len(o->kind) / 2;

		return all_zero(v + half, half) ? CTF_CT_ZERO_MASK : CTF_CT_OK;
	}
	default:
		return o->rule ? o->rule(ct) : CTF_CT_OK;
	}
}

enum ctf_ct_rule ctf_ct_commit_needed(const struct ctf_ct_opt *o, const struct ctf_ct_info *ct)
{
	bool needs = (o->flags & CTF_CT_F_NEEDS_COMMIT) || (o->needs_commit && o->needs_commit(ct));

	return needs && !ct->commit && !ct->force_commit ? CTF_CT_NEEDS_COMMIT : CTF_CT_OK;
}

bool ctf_nat_needs_commit(const struct ctf_ct_info *ct)
{
	return ct->nat_src || ct->nat_dst;
}

enum ctf_ct_rule ctf_nat_rule(const struct ctf_ct_info *ct)
{
	if (ct->nat_src && ct->nat_dst)
		return CTF_CT_NAT_BOTH;
	if (ct->proto_hash && ct->proto_random)
		return CTF_CT_NAT_HASH_RANDOM;
	if (!ct->nat_src && !ct->nat_dst &&
	    (ct->nat_family || ct->has_proto_min || ct->has_proto_max || ct->persistent ||
	     ct->proto_hash || ct->proto_random))
		return CTF_CT_NAT_NO_DIR;
	return CTF_CT_OK;
}
