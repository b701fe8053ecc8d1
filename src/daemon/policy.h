/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The policy: ctflowd's rules as a classifier (cls.h) over the body of
 * struct ctf_flow_key, plus the default action for packets no rule matches
 * and the port names the rules were resolved against.
 *
 * A policy is immutable once built, so the handler threads classify against
 * it without locks; a change (reload, add-rule, del-rule) builds a new
 * policy beside the running one and the daemon swaps them in one step.
 * Rule objects are shared between the policies that hold them (reference
 * counted on the main thread), so a rule that survives a change keeps its
 * id and counters. Every change also says what it changed (struct
 * policy_change), so that only the flows it can affect are revalidated.
 */
#ifndef CTFLOWD_POLICY_H
#define CTFLOWD_POLICY_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "ctflow/flowtext.h"
#include "ctflow/match.h"
#include "cls.h"
#include "conf.h"

struct policy_rule {
	struct conf_rule text;	/* texts and parsed streams */
	uint64_t id;			/* unique for the daemon's lifetime; 0: the default */
	uint64_t flows;			/* datapath flows installed for it now (main thread) */
	unsigned refs;			/* policies and change sets holding it (main thread) */
	/*
	 * What a miss that this rule decides reads, side by side at the end:
	 * the actions are a copy of text.actions in the rule's own
	 * allocation, a dependent load (and, in a large policy, a cache
	 * miss) less than through that buffer.
	 */
	_Atomic uint64_t hits;		/* upcalls this rule decided (any thread) */
	uint32_t actions_len;
	uint8_t actions[] __attribute__((aligned(4)));	/* netlink attributes */
};

struct policy {
	struct policy_rule **rules;	/* in the order they were added (ties go to the first) */
	size_t n_rules;
	struct policy_rule **ordered;	/* in lookup order: what decides first comes first */
	struct ctf_cls *cls;		/* rule number i is rules[i] */
	struct policy_rule *deflt;	/* the default action: text.actions, text.actions_text */
	bool megaflows;
	struct ctf_portmap ports;	/* port names the rules were resolved against */
	struct policy_rule **by_id;	/* open addressing on id */
	size_t by_id_mask;
};

struct policy_decision {
	struct policy_rule *rule;	/* NULL: the default action */
	const void *actions;
	size_t actions_len;
	/*
	 * The megaflow's mask: what the classifier examined (cls.h), plus
	 * recirc_id, in_port and eth_type always exact; with megaflows off,
	 * exact on every field of the packet.
	 */
	struct ctf_flow_key mask;
};

/*
 * What a change did, for revalidation: flows decided by a removed rule,
 * flows whose covered packets an added rule may match, and (with deflt)
 * flows of the default action are the only ones it can affect. @all: check
 * every flow (megaflows switched, equal-priority rules reordered, or more
 * added rules than it pays to test one by one).
 */
struct policy_change {
	bool all;
	bool deflt;
	uint64_t *removed;		/* rule ids */
	size_t n_removed;
	struct policy_rule **added;	/* referenced */
	size_t n_added;
};

#define POLICY_MAX_ADDED 256	/* above this a change checks every flow */

/* A rule object taking over @text (moved; zeroed). One reference. */
struct policy_rule *policy_rule_new(struct conf_rule *text, uint64_t id);
void policy_rule_unref(struct policy_rule *r);

/*
 * Build a policy from @cfg (resolved against @ports; its rules and default
 * action are moved out of it). Rules identical to one of @old (priority,
 * match and actions) keep their object, id and counters; the others get
 * ids from *@next_id. @chg (may be NULL) receives what differs from @old
 * (NULL: everything is new). Returns 0, or -errno with @err: a duplicate
 * rule names both lines.
 */
int policy_from_config(struct policy **out, struct conf *cfg,
			   const struct ctf_portmap *ports, const struct policy *old,
			   uint64_t *next_id, struct policy_change *chg, struct ctf_err *err);
/* @pol plus @rule (moved into a new rule object with @id). -EEXIST if priority and match exist. */
int policy_with_rule(struct policy **out, const struct policy *pol,
			 struct conf_rule *rule, uint64_t id, struct policy_change *chg,
			 struct ctf_err *err);
/* @pol without the rule of this priority and match. -ENOENT if there is none. */
int policy_without_rule(struct policy **out, const struct policy *pol,
			    uint32_t priority, const void *key, size_t key_len, const void *mask,
			    size_t mask_len, struct policy_change *chg, struct ctf_err *err);
void policy_free(struct policy *pol);

struct policy_rule *policy_find_id(const struct policy *pol, uint64_t id);

/* Decide for a packet key (counters are the caller's business). */
void policy_classify(const struct policy *pol, const struct ctf_flow_key *pkt,
			 struct policy_decision *d);

/* Decode a rule's key and mask streams (absent mask: exact) into @key (masked) and @mask. */
int policy_decode_match(const void *key, size_t key_len, const void *mask, size_t mask_len,
			    struct ctf_flow_key *k, struct ctf_flow_key *m, struct ctf_err *err);

/*
 * Can one packet match both (@ak, @am) and (@bk, @bm) (keys masked)? True
 * unless they disagree on a bit both masks examine: used to find the flows
 * whose covered packets a new rule may take.
 */
bool policy_overlap(const struct ctf_flow_key *ak, const struct ctf_flow_key *am,
			const struct ctf_flow_key *bk, const struct ctf_flow_key *bm);

void policy_change_init(struct policy_change *chg);
void policy_change_free(struct policy_change *chg);
/* @dst := @dst then @src (@src is emptied). */
void policy_change_merge(struct policy_change *dst, struct policy_change *src);
bool policy_change_empty(const struct policy_change *chg);

#endif
