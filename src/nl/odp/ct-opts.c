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

/* A row's keyword, and the texts made of it, as constants. */
#define KW(k) .keyword = k, .keyword_len = sizeof(k) - 1, .first = k[0], .what = "ct " k, .what_mask = "ct " k " mask"

/* The order of the rows is the order options are sent and printed (ovs-dpctl's). */
const struct ctf_ct_opt ctf_ct_opts[] = {
	{ KW("commit"), .attr = OVS_CT_ATTR_COMMIT, .kind = CTF_CT_FLAG,
	  .flags = CTF_CT_F_REPEATABLE, .has = AT(commit) },
	{ KW("force_commit"), .attr = OVS_CT_ATTR_FORCE_COMMIT, .kind = CTF_CT_FLAG,
	  .flags = CTF_CT_F_REPEATABLE, .has = AT(force_commit) },
	{ KW("zone"), .attr = OVS_CT_ATTR_ZONE, .kind = CTF_CT_U16, .flags = CTF_CT_F_OMIT_ZERO,
	  .base = CTF_NUM_DEC, .has = AT(has_zone), .val = AT(zone) },
	{ KW("mark"), .attr = OVS_CT_ATTR_MARK, .kind = CTF_CT_U32_MASKED,
	  .flags = CTF_CT_F_NEEDS_COMMIT, .base = CTF_NUM_HEX, .has = AT(has_mark), .val = AT(mark) },
	{ KW("label"), .attr = OVS_CT_ATTR_LABELS, .kind = CTF_CT_U128_MASKED,
	  .flags = CTF_CT_F_NEEDS_COMMIT, .base = CTF_NUM_HEX, .has = AT(has_labels),
	  .val = AT(labels) },
	{ KW("helper"), .attr = OVS_CT_ATTR_HELPER, .kind = CTF_CT_NAME, .has = AT(has_helper),
	  .val = AT(helper), .names = "conntrack helper such as ftp or tftp",
	  .check = ctf_ct_check_proto },
	{ KW("timeout"), .attr = OVS_CT_ATTR_TIMEOUT, .kind = CTF_CT_NAME,
	  .flags = CTF_CT_F_IGNORED_UNLESS_PROTO, .has = AT(has_timeout), .val = AT(timeout),
	  .names = "cttimeout policy", .check = ctf_ct_check_proto },
	/* Printed in hex: it is a bit set (our text; OVS has none). */
	{ KW("eventmask"), .attr = OVS_CT_ATTR_EVENTMASK, .kind = CTF_CT_U32, .base = CTF_NUM_AUTO,
	  .has = AT(has_eventmask), .val = AT(eventmask) },
	/* Last: the kernel needs COMMIT before NAT. */
	{ KW("nat"), .attr = OVS_CT_ATTR_NAT, .kind = CTF_CT_NEST, .has = AT(nat),
	  .parse = ctf_nat_parse, .put = ctf_nat_put, .decode = ctf_nat_decode,
	  .print = ctf_nat_format, .needs_commit = ctf_nat_needs_commit, .rule = ctf_nat_rule,
	  .check = ctf_nat_check },
};
const unsigned ctf_ct_n_opts = CTF_ARRAY_SIZE(ctf_ct_opts);

_Static_assert(CTF_ARRAY_SIZE(ctf_ct_opts) <= 8 * sizeof(ctf_ct_optset),
	       "ctf_ct_optset has a bit per ct() option row");
/* The masked kinds are sent as they are stored: value, then mask. */
_Static_assert(AT(mark_mask) == AT(mark) + 4, "mark value then mask");
_Static_assert(AT(labels_mask) == AT(labels) + 16, "labels value then mask");

size_t ctf_ct_name_max(const struct ctf_ct_opt *o)
{
	return (size_t)ctf_attr_row(&ctf_ct_attrs, o->attr)->max_len - 1;
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

enum ctf_ct_rule ctf_ct_value_rule(const struct ctf_ct_opt *o, const struct ctf_ct_info *ct)
{
	const char *v = (const char *)ct + o->val;

	switch (o->kind) {
	case CTF_CT_U32_MASKED:
	case CTF_CT_U128_MASKED: {
		size_t half = ctf_ct_kind_len(o->kind) / 2;

		return ctf_ct_all_zero(v + half, half) ? CTF_CT_ZERO_MASK : CTF_CT_OK;
	}
	default:
		return o->rule ? o->rule(ct) : CTF_CT_OK;
	}
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
