/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The action side of the flow language: one table per attribute namespace
 * (OVS_ACTION_ATTR_*, OVS_CT_ATTR_*, OVS_NAT_ATTR_*, ...), of the same row
 * type as the key tables (odp/attr-table.h), and the read-only helpers
 * validation needs (a walker over an action stream, a decoded view of a
 * ct() action).
 *
 * Action rows use the name, length rule, bounds and nested table columns;
 * the parser, formatter and walker all check lengths through
 * ctf_attr_len_ok() so the three agree.
 */
#ifndef CTFLOW_NL_ACTION_ATTRS_H
#define CTFLOW_NL_ACTION_ATTRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#include "ctflow/compat.h"
#include "netlink/nla-inline.h"
#include "odp/attr-table.h"

extern const struct ctf_attr_table ctf_action_attrs;
extern const struct ctf_attr_table ctf_ct_attrs;
extern const struct ctf_attr_table ctf_nat_attrs;
extern const struct ctf_attr_table ctf_userspace_attrs;
extern const struct ctf_attr_table ctf_sample_attrs;
extern const struct ctf_attr_table ctf_check_pkt_len_attrs;
extern const struct ctf_attr_table ctf_dec_ttl_attrs;
extern const struct ctf_attr_table ctf_psample_attrs;
extern const struct ctf_attr_table ctf_push_nsh_attrs;

/* Not in the 6.1 uapi enum; the kernel has accepted it since 5.x (OVS uses 1). */
#define CTF_HASH_ALG_SYM_L4 1u

/* The kernel's limit on nested action lists (OVS_COPY_ACTIONS_MAX_DEPTH). */
#define CTF_ACTIONS_MAX_DEPTH 16

/*
 * Iterate the attributes of a stream of @len bytes at @data; stops at the
 * first attribute that does not fit (check with ctf_attr_stream_ok()).
 */
#define CTF_ATTR_FOR_EACH(a, data, len)						\
	for ((a) = (const struct nlattr *)(data);					\
	     mnl_attr_ok((a), (int)((const char *)(data) + (len) - (const char *)(a)));	\
	     (a) = mnl_attr_next(a))
/* True if @len bytes at @data are whole attributes with nothing left over. */
bool ctf_attr_stream_ok(const void *data, size_t len);

/* ---- read-only helpers for validation --------------------------------- */

/*
 * The ct() action model: what the parser fills from text, the encoder sends,
 * the decoder fills from an attribute, the printer shows and the checks
 * test (one row per option in the ct option table, odp/ct-opts.c, says
 * which field holds what). Each option has a presence flag (commit,
 * has_zone, ...) the table points to.
 */
struct ctf_ct_info {
	bool commit, force_commit;
	bool has_zone, has_mark, has_labels, has_eventmask, has_helper, has_timeout;
	uint16_t zone;
	uint32_t mark, mark_mask;		/* as sent: value, then mask */
	uint8_t labels[16], labels_mask[16];	/* host-order u128 bytes, as sent */
	uint32_t eventmask;
	char helper[16];	/* NUL-terminated (NF_CT_HELPER_NAME_LEN) */
	char timeout[32];	/* ditto (CTNL_TIMEOUT_NAME_MAX) */
	bool nat;		/* OVS_CT_ATTR_NAT present (possibly empty) */
	bool nat_src, nat_dst;	/* SRC / DST flag */
	bool nat_before_commit;	/* a NAT nest came before COMMIT/FORCE_COMMIT */
	int nat_family;		/* 0 (no address), 4 or 16: length of IP_MIN */
	bool has_proto_min, has_proto_max;
	uint16_t proto_min, proto_max;	/* host order, as the kernel takes them */
	uint8_t ip_min[16], ip_max[16];	/* network order */
	bool has_ip_max;
	bool persistent, proto_hash, proto_random;
};

/*
 * Decode the payload of an OVS_ACTION_ATTR_CT attribute. Returns 0, or
 * -EINVAL if the nest is malformed (unknown attribute, bad length, trailing
 * bytes, bad NAT nest) -- the formatter prints such an action as ct(error).
 */
int ctf_ct_action_decode(const struct nlattr *ct, struct ctf_ct_info *info);

/*
 * Visit every action of a stream, depth first, nested lists included
 * (clone, sample, check_pkt_len gt/le, dec_ttl le_1). @depth is 0 for the top
 * level list. Returning non-zero from @fn stops the walk and is returned.
 * Returns -EINVAL on a malformed stream (leftover bytes, a known nest whose
 * content is not a well-formed stream), -EOVERFLOW beyond 64 levels.
 */
typedef int ctf_action_visit_fn(const struct nlattr *action, int depth, void *arg);
int ctf_actions_walk(const void *actions, size_t len, ctf_action_visit_fn *fn, void *arg);

/* What validation wants to know at a glance about an action list. */
struct ctf_actions_summary {
	unsigned n_ct;		/* ct() actions, nested ones included */
	bool ct_helper, ct_timeout;	/* some ct() has helper= / timeout= (need exact ip proto) */
	bool ct_nat_addr;	/* some ct() NAT has an address (family must match eth_type) */
	int ct_nat_family;	/* 4 or 16 of the last NAT address seen, 0 if none */
	int max_depth;		/* deepest nested action list (0 = none) */
	bool malformed;		/* some attribute could not be decoded */
};
void ctf_actions_summarize(const void *actions, size_t len, struct ctf_actions_summary *sum);

#endif
