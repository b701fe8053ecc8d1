// SPDX-License-Identifier: Apache-2.0
/*
 * The ct() checks of validation (ovs_ct_copy_action()'s refusals), with
 * validation's messages: the ct() rules of ct-opts.c applied to a decoded
 * action, row by row, and the flow-dependent checks of the rows that have
 * one (helper, timeout, nat).
 */
#include <errno.h>
#include <string.h>

#include "odp/ct-opts.h"

/* Helpers are refused by the kernel; a timeout policy would be silently dropped. */
int ctf_ct_check_proto(const struct ctf_ct_opt *o, const struct ctf_ct_info *ct,
		       const struct ctf_ct_flow *flow, struct ctf_err *err)
{
	const char *l3 = flow->family == 4 ? "ipv4" : "ipv6";

	if (flow->proto_exact)
		return 0;
	ctf_err_set(err, "ct(%s=%s) needs the ip protocol matched exactly in the flow%s", o->keyword,
		    (const char *)ct + o->val, o->flags & CTF_CT_F_IGNORED_UNLESS_PROTO ?
		    " (else the kernel silently ignores the policy)" : "");
	ctf_err_hint(err, "add proto=N without a mask to %s(...), e.g. %s(proto=6),tcp(),tcp_flags(0/0)",
		     l3, l3);
	return -EINVAL;
}

int ctf_nat_check(const struct ctf_ct_opt *o, const struct ctf_ct_info *ct,
		  const struct ctf_ct_flow *flow, struct ctf_err *err)
{
	(void)o;
	if (ct->nat_before_commit && (ct->nat_src || ct->nat_dst)) {
		ctf_err_set(err, "ct(): nat(...) is encoded before commit; the kernel needs COMMIT first");
		ctf_err_hint(err, "encode OVS_CT_ATTR_COMMIT (or FORCE_COMMIT) before OVS_CT_ATTR_NAT");
		return -EINVAL;
	}
	if (ct->nat_family && ct->nat_family != (flow->family == 4 ? 4 : 16)) {
		ctf_err_set(err, "ct(nat(...)) has an IPv%d address but the flow is IPv%d",
			    ct->nat_family == 4 ? 4 : 6, flow->family);
		ctf_err_hint(err, "use an address of the flow's family");
		return -EINVAL;
	}
	return 0;
}

/* A value rule broken by row @o, with validation's message. */
static int value_refused(const struct ctf_ct_opt *o, const struct ctf_ct_info *ct,
			 enum ctf_ct_rule rule, struct ctf_err *err)
{
	switch (rule) {
	case CTF_CT_ZERO_MASK:
		if (o->kind == CTF_CT_U32_MASKED) {
			uint32_t v;

			memcpy(&v, (const char *)ct + o->val, 4);
			ctf_err_set(err, "ct(%s=0x%x/0) has a zero mask, which the kernel refuses",
				    o->keyword, v);
			ctf_err_hint(err, "give a non-zero mask, e.g. %s=0x%x/0xffffffff, or drop %s=",
				     o->keyword, v, o->keyword);
		} else {
			ctf_err_set(err, "ct(%s=.../0) has a zero mask, which the kernel refuses",
				    o->keyword);
			ctf_err_hint(err, "give a non-zero mask, or drop %s=", o->keyword);
		}
		return -EINVAL;
	case CTF_CT_NAT_BOTH:
		ctf_err_setn(err, -ERANGE, "ct(nat(src,dst)): only one type of NAT may be given");
		ctf_err_hint(err, "use two ct() actions in different zones for source and destination NAT");
		return -ERANGE;
	case CTF_CT_NAT_HASH_RANDOM:
		ctf_err_set(err, "ct(nat(hash,random)): give only one of hash and random");
		return -EINVAL;
	case CTF_CT_NAT_NO_DIR:
		ctf_err_set(err, "ct(nat(...)) gives an address, port range or flag without src or dst");
		ctf_err_hint(err, "write nat(src=...) or nat(dst=...), or plain nat to apply the connection's existing NAT");
		return -EINVAL;
	default:
		return 0;
	}
}

static int commit_refused(const struct ctf_ct_opt *o, const struct ctf_ct_info *ct,
			  struct ctf_err *err)
{
	if (o->kind == CTF_CT_NEST) {	/* nat: name its direction */
		const char *dir = ct->nat_src ? "src" : "dst";

		ctf_err_set(err, "ct(%s(%s...)) needs commit", o->keyword, dir);
		ctf_err_hint(err, "write ct(commit,%s(%s=...))", o->keyword, dir);
	} else {
		ctf_err_set(err, "ct(%s=...) needs commit", o->keyword);
		ctf_err_hint(err, "write ct(commit,%s=...)", o->keyword);
	}
	return -EINVAL;
}

int ctf_ct_check(const struct ctf_ct_info *ct, const struct ctf_ct_flow *flow,
		 struct ctf_err *err)
{
	if (ctf_ct_commit_rule(ct) == CTF_CT_COMMIT_TWICE) {
		ctf_err_set(err, "ct(commit,force_commit): give only one of them");
		ctf_err_hint(err, "force_commit already implies commit");
		return -EINVAL;
	}
	/* Row by row: the value's own rules, then commit, then the flow. */
	for (unsigned i = 0; i < ctf_ct_n_opts; i++) {
		const struct ctf_ct_opt *o = &ctf_ct_opts[i];
		int ret;

		if (!ctf_ct_has(o, ct))
			continue;
		ret = value_refused(o, ct, ctf_ct_value_rule(o, ct), err);
		if (ret)
			return ret;
		if (ctf_ct_commit_needed(o, ct) == CTF_CT_NEEDS_COMMIT)
			return commit_refused(o, ct, err);
		ret = o->check ? o->check(o, ct, flow, err) : 0;
		if (ret)
			return ret;
	}
	return 0;
}
