/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The policy: ctflowd's rules as a classifier over struct ctf_flow_key, plus
 * the default action for packets no rule matches. The classifier (rules.h)
 * works on the masked body of the key; this file decodes rule texts into
 * keys, keeps per-rule counters, and turns a lookup into a decision with the
 * megaflow mask that goes with it.
 */
#ifndef CTFLOWD_POLICY_H
#define CTFLOWD_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "ctflow/match.h"
#include "conf.h"
#include "rules.h"

struct ctf_policy_rule {
	struct ctf_config_rule text;	/* texts and parsed streams */
	struct ctf_flow_key key;	/* masked */
	struct ctf_flow_key mask;
	struct ctf_cls_rule *cls;
	uint64_t id;			/* unique for the daemon's lifetime */
	uint64_t hits;			/* upcalls this rule decided */
	uint64_t flows;			/* datapath flows installed for it now */
};

struct ctf_policy {
	struct ctf_cls cls;
	struct ctf_policy_rule **rules;	/* in the order they were added */
	size_t n_rules;
	char *default_text;
	struct ctf_nlbuf default_actions;
	uint64_t default_hits, default_flows;
	bool megaflows;
	uint64_t next_id;
};

struct ctf_decision {
	struct ctf_policy_rule *rule;	/* NULL: the default action */
	const void *actions;
	size_t actions_len;
	/*
	 * The megaflow's mask: what the consulted rules examined (rules.h),
	 * plus recirc_id, in_port and eth_type always exact; with megaflows
	 * off, exact on every field of the packet.
	 */
	struct ctf_flow_key mask;
};

void ctf_policy_init(struct ctf_policy *pol);
void ctf_policy_destroy(struct ctf_policy *pol);

/*
 * Build @pol from a parsed (and resolved) configuration. Rule ids continue
 * from @first_id so that a reload never reuses the id of an old rule.
 */
int ctf_policy_load(struct ctf_policy *pol, const struct ctf_config *cfg, uint64_t first_id,
		    struct ctf_err *err);

/* Take over @rule (moved; zeroed on success). -EEXIST if priority and match exist. */
int ctf_policy_add(struct ctf_policy *pol, struct ctf_config_rule *rule, struct ctf_err *err);
/* Remove the rule with this priority and match. -ENOENT if there is none. */
int ctf_policy_del(struct ctf_policy *pol, uint32_t priority, const void *key, size_t key_len,
		   const void *mask, size_t mask_len, struct ctf_err *err);
struct ctf_policy_rule *ctf_policy_find_id(const struct ctf_policy *pol, uint64_t id);

/* Decide for a packet key (counters are the caller's business). */
void ctf_policy_classify(const struct ctf_policy *pol, const struct ctf_flow_key *pkt,
			 struct ctf_decision *d);

/* Decode a rule's key and mask streams (absent mask: exact) into @key (masked) and @mask. */
int ctf_policy_decode_match(const void *key, size_t key_len, const void *mask, size_t mask_len,
			    struct ctf_flow_key *k, struct ctf_flow_key *m, struct ctf_err *err);

#endif
