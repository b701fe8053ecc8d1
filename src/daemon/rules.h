/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The classifier: rules in priority order over fixed-size keys.
 *
 * A key is a flat byte array (in ctflowd, struct ctf_flow_key from
 * ctflow/match.h); a rule matches a packet key P when (P & mask) == (key &
 * mask). Higher priority numbers win, as in OpenFlow; among rules of equal
 * priority the one added first wins (ctflowd.conf(5) says: do not rely on it).
 *
 * Lookup also returns the megaflow mask W: every packet Q with
 * (Q & W) == (P & W) gets the same decision as P. W is built from the rules
 * the lookup consulted:
 *   - every rule tried before the winner that did not match contributes one
 *     field in which P differs from it (the first such field of the layout),
 *     which is enough to make every covered packet miss that rule too;
 *   - the winner contributes its whole mask, so every covered packet matches.
 * Rules after the winner are never consulted and contribute nothing, so a
 * policy that never looks at ports yields a mask without ports.
 *
 * The field layout (offset/length pairs) says what "one field" is; without a
 * layout a failed rule contributes its whole mask (safe, but more specific).
 */
#ifndef CTFLOWD_RULES_H
#define CTFLOWD_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ctf_cls_field {
	uint16_t ofs;
	uint16_t len;
};

struct ctf_cls_rule {
	uint32_t priority;
	uint64_t seq;		/* insertion order: tie-break among equal priorities */
	uint8_t *key;		/* key & mask, key_size bytes */
	uint8_t *mask;
	void *data;		/* the owner's (ctflowd: its struct ctf_policy_rule) */
};

struct ctf_cls {
	size_t key_size;
	const struct ctf_cls_field *fields;
	size_t n_fields;
	struct ctf_cls_rule **rules;	/* sorted: priority desc, seq asc */
	size_t n_rules;
	uint64_t next_seq;
};

void ctf_cls_init(struct ctf_cls *cls, size_t key_size, const struct ctf_cls_field *fields,
		  size_t n_fields);
/* Frees the rules (not their data). */
void ctf_cls_destroy(struct ctf_cls *cls);

/* Copies @key and @mask (key_size bytes each). Never fails (aborts on ENOMEM). */
struct ctf_cls_rule *ctf_cls_insert(struct ctf_cls *cls, uint32_t priority, const void *key,
				    const void *mask, void *data);
/* Remove and free @rule. */
void ctf_cls_remove(struct ctf_cls *cls, struct ctf_cls_rule *rule);
/* The rule with exactly this priority, key and mask, or NULL. */
struct ctf_cls_rule *ctf_cls_find_exact(const struct ctf_cls *cls, uint32_t priority,
					const void *key, const void *mask);

/* True if @pkt matches @rule. */
bool ctf_cls_rule_matches(const struct ctf_cls *cls, const struct ctf_cls_rule *rule,
			  const void *pkt);

/*
 * The highest-precedence rule matching @pkt, or NULL. When @wc is non-NULL
 * (key_size bytes, zeroed by the caller or carrying bits to keep), the bits
 * the decision depends on are OR-ed into it.
 */
struct ctf_cls_rule *ctf_cls_lookup(const struct ctf_cls *cls, const void *pkt, void *wc);

#endif
