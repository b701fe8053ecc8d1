// SPDX-License-Identifier: Apache-2.0
/*
 * A linear classifier (see rules.h). A firewall policy is tens of rules and
 * the kernel caches every decision as a megaflow, so a lookup runs once per
 * miss, not per packet: a sorted array beats anything cleverer on clarity.
 */
#include <stdlib.h>
#include <string.h>

#include "ctflow/util.h"
#include "rules.h"

void ctf_cls_init(struct ctf_cls *cls, size_t key_size, const struct ctf_cls_field *fields,
		  size_t n_fields)
{
	memset(cls, 0, sizeof(*cls));
	cls->key_size = key_size;
	cls->fields = fields;
	cls->n_fields = n_fields;
}

static void rule_free(struct ctf_cls_rule *rule)
{
	free(rule->key);
	free(rule->mask);
	free(rule);
}

void ctf_cls_destroy(struct ctf_cls *cls)
{
	for (size_t i = 0; i < cls->n_rules; i++)
		rule_free(cls->rules[i]);
	free(cls->rules);
	cls->rules = NULL;
	cls->n_rules = 0;
}

/* Does @a come before @b in lookup order? */
static bool precedes(const struct ctf_cls_rule *a, const struct ctf_cls_rule *b)
{
	if (a->priority != b->priority)
		return a->priority > b->priority;
	return a->seq < b->seq;
}

struct ctf_cls_rule *ctf_cls_insert(struct ctf_cls *cls, uint32_t priority, const void *key,
				    const void *mask, void *data)
{
	struct ctf_cls_rule *rule = ctf_xzalloc(sizeof(*rule));
	const uint8_t *k = key, *m = mask;
	size_t pos;

	rule->priority = priority;
	rule->seq = cls->next_seq++;
	rule->key = ctf_xmalloc(cls->key_size);
	rule->mask = ctf_xmalloc(cls->key_size);
	rule->data = data;
	/* Store the key already masked so that matching is one comparison. */
	for (size_t i = 0; i < cls->key_size; i++) {
		rule->mask[i] = m[i];
		rule->key[i] = k[i] & m[i];
	}

	pos = cls->n_rules;
	while (pos > 0 && precedes(rule, cls->rules[pos - 1]))
		pos--;
	cls->rules = ctf_xrealloc(cls->rules, (cls->n_rules + 1) * sizeof(*cls->rules));
	memmove(&cls->rules[pos + 1], &cls->rules[pos],
		(cls->n_rules - pos) * sizeof(*cls->rules));
	cls->rules[pos] = rule;
	cls->n_rules++;
	return rule;
}

void ctf_cls_remove(struct ctf_cls *cls, struct ctf_cls_rule *rule)
{
	for (size_t i = 0; i < cls->n_rules; i++) {
		if (cls->rules[i] != rule)
			continue;
		memmove(&cls->rules[i], &cls->rules[i + 1],
			(cls->n_rules - i - 1) * sizeof(*cls->rules));
		cls->n_rules--;
		rule_free(rule);
		return;
	}
}

struct ctf_cls_rule *ctf_cls_find_exact(const struct ctf_cls *cls, uint32_t priority,
					const void *key, const void *mask)
{
	const uint8_t *k = key, *m = mask;

	for (size_t i = 0; i < cls->n_rules; i++) {
		struct ctf_cls_rule *r = cls->rules[i];
		size_t j;

		if (r->priority != priority || memcmp(r->mask, m, cls->key_size))
			continue;
		for (j = 0; j < cls->key_size; j++)
			if ((k[j] & m[j]) != r->key[j])
				break;
		if (j == cls->key_size)
			return r;
	}
	return NULL;
}

static bool bytes_match(const uint8_t *pkt, const uint8_t *key, const uint8_t *mask,
			size_t ofs, size_t len)
{
	for (size_t i = ofs; i < ofs + len; i++)
		if ((pkt[i] & mask[i]) != key[i])
			return false;
	return true;
}

bool ctf_cls_rule_matches(const struct ctf_cls *cls, const struct ctf_cls_rule *rule,
			  const void *pkt)
{
	return bytes_match(pkt, rule->key, rule->mask, 0, cls->key_size);
}

static void or_bits(uint8_t *wc, const uint8_t *mask, size_t ofs, size_t len)
{
	for (size_t i = ofs; i < ofs + len; i++)
		wc[i] |= mask[i];
}

/*
 * @rule did not match @pkt: add to @wc the rule's mask over one field where
 * they differ. Any packet agreeing with @pkt on those bits differs from the
 * rule there as well, so it cannot match the rule either.
 */
static void wc_add_miss(const struct ctf_cls *cls, const struct ctf_cls_rule *rule,
			const uint8_t *pkt, uint8_t *wc)
{
	for (size_t f = 0; f < cls->n_fields; f++) {
		const struct ctf_cls_field *fd = &cls->fields[f];

		if (!bytes_match(pkt, rule->key, rule->mask, fd->ofs, fd->len)) {
			or_bits(wc, rule->mask, fd->ofs, fd->len);
			return;
		}
	}
	/* No layout, or the difference lies outside it: the whole mask is safe. */
	or_bits(wc, rule->mask, 0, cls->key_size);
}

struct ctf_cls_rule *ctf_cls_lookup(const struct ctf_cls *cls, const void *pkt, void *wc)
{
	for (size_t i = 0; i < cls->n_rules; i++) {
		struct ctf_cls_rule *r = cls->rules[i];

		if (ctf_cls_rule_matches(cls, r, pkt)) {
			if (wc)
				or_bits(wc, r->mask, 0, cls->key_size);
			return r;
		}
		if (wc)
			wc_add_miss(cls, r, pkt, wc);
	}
	return NULL;
}
