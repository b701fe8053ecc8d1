/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ct() option table: one row per option of the ct() action, in the
 * order the options are sent and printed. The parser (action-ct.c), the
 * encoder (action-ct.c), the decoder (ct-opts.c), the printer
 * (action-ct-format.c) and the checks (ct-check.c, for validate-actions.c)
 * walk these rows; what a value kind means is written once per kind, and a
 * row carries a hook only where its value is special (nat).
 *
 * The ct() rules (commit needed, commit vs force_commit, zero masks, nat's
 * own) are the functions at the end, called by the parser and the checks.
 */
#ifndef CTFLOW_NL_CT_OPTS_H
#define CTFLOW_NL_CT_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#include "odp/action-attrs.h"
#include "odp/action-internal.h"

/* How an option's value is written, stored and sent. */
enum ctf_ct_kind {
	CTF_CT_FLAG,		/* no value: "commit" */
	CTF_CT_U16,		/* "zone=N", u16 */
	CTF_CT_U32,		/* "eventmask=N", u32 */
	CTF_CT_U32_MASKED,	/* "mark=V[/M]", u32 value then u32 mask */
	CTF_CT_U128_MASKED,	/* "label=V[/M]", 16-byte value then 16-byte mask */
	CTF_CT_NAME,		/* "helper=NAME", NUL-terminated, length from ctf_ct_attrs */
	CTF_CT_NEST,		/* "nat(...)": the row's hooks do everything */
};

/* Row flags. */
#define CTF_CT_F_NEEDS_COMMIT 1u	/* refused without commit or force_commit */
#define CTF_CT_F_OMIT_ZERO 2u	/* 0 is the kernel's default: neither sent nor printed */
#define CTF_CT_F_REPEATABLE 4u	/* a flag given twice is the flag once */
/* With a check hook on the ip protocol: the kernel silently ignores the
 * option (rather than refusing the flow) when the protocol is not exact. */
#define CTF_CT_F_IGNORED_UNLESS_PROTO 8u

/* What the flow-dependent checks know of the flow a ct() action is in. */
struct ctf_ct_flow {
	int family;		/* 4, 6, or 0 when the flow has no exact IPv4/IPv6 eth_type */
	bool proto_exact;	/* the flow matches the ip protocol exactly */
};

enum ctf_ct_rule {
	CTF_CT_OK,
	CTF_CT_COMMIT_TWICE,	/* commit and force_commit together */
	CTF_CT_ZERO_MASK,	/* a masked value with mask 0: the kernel refuses it */
	CTF_CT_NEEDS_COMMIT,	/* the option needs commit or force_commit */
	CTF_CT_NAT_BOTH,	/* nat(src,dst) */
	CTF_CT_NAT_HASH_RANDOM,	/* nat(hash,random) */
	CTF_CT_NAT_NO_DIR,	/* an address, port or flag without src or dst */
};

struct ctf_ct_opt;
typedef int ctf_ct_parse_hook(struct ctf_ascan *sc, struct ctf_ct_info *ct);
typedef int ctf_ct_put_hook(struct ctf_ascan *sc, const struct ctf_ct_info *ct);
typedef int ctf_ct_decode_hook(const struct nlattr *a, struct ctf_ct_info *ct);
typedef void ctf_ct_print_hook(const struct ctf_ct_info *ct, struct ctf_str *out);
typedef int ctf_ct_check_hook(const struct ctf_ct_opt *o, const struct ctf_ct_info *ct,
			      const struct ctf_ct_flow *flow, struct ctf_err *err);

struct ctf_ct_opt {
	const char *keyword;	/* text: "zone" */
	uint8_t keyword_len;
	char first;		/* keyword[0], in the row: the parser's first test */
	const char *what, *what_mask;	/* "ct zone", "ct zone mask": for messages */
	uint16_t attr;		/* OVS_CT_ATTR_*; its length row is in ctf_ct_attrs */
	enum ctf_ct_kind kind;
	unsigned flags;		/* CTF_CT_* above */
	enum ctf_num_base base;	/* numbers: how they are written (and printed) */
	size_t has;		/* offsetof the presence flag in struct ctf_ct_info */
	size_t val;		/* offsetof the value (not for FLAG and NEST) */
	const char *names;	/* NAME: what it names, for hints */
	/* Hooks; NULL: the kind does it. NEST rows have all four. */
	ctf_ct_parse_hook *parse;	/* cursor just after the keyword */
	ctf_ct_put_hook *put;
	ctf_ct_decode_hook *decode;
	ctf_ct_print_hook *print;
	/* Rules beyond the kind and the flags: nat needs commit only with src
	 * or dst, and has rules of its own. */
	bool (*needs_commit)(const struct ctf_ct_info *ct);
	enum ctf_ct_rule (*rule)(const struct ctf_ct_info *ct);
	/* Flow-dependent checks (ct-check.c): helper/timeout, nat. */
	ctf_ct_check_hook *check;
};

extern const struct ctf_ct_opt ctf_ct_opts[];
extern const unsigned ctf_ct_n_opts;
/* A set of rows of ctf_ct_opts (bit i = row i): ct-opts.c asserts they fit. */
typedef uint32_t ctf_ct_optset;

/* The row for attribute @attr, NULL if none (inline: the decoder's per-attribute step). */
static inline const struct ctf_ct_opt *ctf_ct_opt_by_attr(unsigned attr)
{
	const struct ctf_ct_opt *o = ctf_ct_opts, *end = o + ctf_ct_n_opts;

	for (; o < end; o++)
		if (o->attr == attr)
			return o;
	return NULL;
}
/* Whether row @o is present in @ct. */
static inline bool ctf_ct_has(const struct ctf_ct_opt *o, const struct ctf_ct_info *ct)
{
	return *((const bool *)((const char *)ct + o->has));
}
static inline void ctf_ct_set_has(const struct ctf_ct_opt *o, struct ctf_ct_info *ct)
{
	*((bool *)((char *)ct + o->has)) = true;
}
/* "commit, force_commit, zone=N, ..., nat(...)": the options, for hints. */
const char *ctf_ct_options_help(char *buf, size_t size);
/* Payload bytes of a fixed-size kind (0 for FLAG, NAME, NEST). */
static inline size_t ctf_ct_kind_len(enum ctf_ct_kind kind)
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
/* Whether @n bytes at @p are all zero (a zone of 0, a zero mask). */
static inline bool ctf_ct_all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}
/* The longest name a NAME row takes, without its NUL (from ctf_ct_attrs). */
size_t ctf_ct_name_max(const struct ctf_ct_opt *o);

/* ---- the ct() rules ------------------------------------------------------ */


/* commit and force_commit exclude each other. */
static inline enum ctf_ct_rule ctf_ct_commit_rule(const struct ctf_ct_info *ct)
{
	return ct->commit && ct->force_commit ? CTF_CT_COMMIT_TWICE : CTF_CT_OK;
}
/* The rules of row @o's value alone (zero masks, nat's combinations). */
enum ctf_ct_rule ctf_ct_value_rule(const struct ctf_ct_opt *o, const struct ctf_ct_info *ct);
/* Whether row @o, as given in @ct, needs commit (or force_commit). */
static inline bool ctf_ct_needs_commit(const struct ctf_ct_opt *o, const struct ctf_ct_info *ct)
{
	return (o->flags & CTF_CT_F_NEEDS_COMMIT) || (o->needs_commit && o->needs_commit(ct));
}
/* CTF_CT_NEEDS_COMMIT if row @o, as given, needs a commit @ct lacks. */
static inline enum ctf_ct_rule ctf_ct_commit_needed(const struct ctf_ct_opt *o,
						    const struct ctf_ct_info *ct)
{
	return !ct->commit && !ct->force_commit && ctf_ct_needs_commit(o, ct) ?
	       CTF_CT_NEEDS_COMMIT : CTF_CT_OK;
}
/* nat()'s own combinations (src with dst, hash with random, flags without a direction). */
enum ctf_ct_rule ctf_nat_rule(const struct ctf_ct_info *ct);

/*
 * The flow-dependent ct() checks of validation, with validation's messages:
 * @ct decoded from a well-formed nest, @flow the flow it is in.
 */
int ctf_ct_check(const struct ctf_ct_info *ct, const struct ctf_ct_flow *flow,
		 struct ctf_err *err);

/* ---- nat(), the NEST row's hooks (action-nat.c) --------------------------- */

int ctf_nat_parse(struct ctf_ascan *sc, struct ctf_ct_info *ct);
int ctf_nat_put(struct ctf_ascan *sc, const struct ctf_ct_info *ct);
int ctf_nat_decode(const struct nlattr *nat, struct ctf_ct_info *ct);
void ctf_nat_format(const struct ctf_ct_info *ct, struct ctf_str *out);
bool ctf_nat_needs_commit(const struct ctf_ct_info *ct);
/* ct-check.c */
int ctf_nat_check(const struct ctf_ct_opt *o, const struct ctf_ct_info *ct,
		  const struct ctf_ct_flow *flow, struct ctf_err *err);
int ctf_ct_check_proto(const struct ctf_ct_opt *o, const struct ctf_ct_info *ct,
		       const struct ctf_ct_flow *flow, struct ctf_err *err);

#endif
