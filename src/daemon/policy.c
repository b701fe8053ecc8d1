// SPDX-License-Identifier: Apache-2.0
/* ctflowd's rules over struct ctf_flow_key (see policy.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

#define BODY CTF_KEY_BODY_START
#define BODY_SIZE (sizeof(struct ctf_flow_key) - BODY)
#define OFS(m) (offsetof(struct ctf_flow_key, m) - BODY)
#define LEN(m) sizeof(((struct ctf_flow_key *)0)->m)
#define FIELD(m) { (uint16_t)OFS(m), (uint16_t)LEN(m) }

/* ---- the classifier's view of the flow key -------------------------------- */

/*
 * Stages, in lookup order (enum ctf_key_stage): the key attribute table says
 * which stage each byte of the key is in (ctf_flow_key_stages()).
 */

static const struct ctf_cls_field prefix_fields[] = {
	FIELD(ipv4.ipv4_src), FIELD(ipv4.ipv4_dst), FIELD(ipv6.ipv6_src), FIELD(ipv6.ipv6_dst),
};

static const struct ctf_cls_field port_fields[] = { FIELD(tcp), FIELD(udp), FIELD(sctp) };

static const struct ctf_cls_layout *key_layout(void)
{
	static uint8_t byte_stage[BODY_SIZE];
	static struct ctf_cls_layout layout;

	/* Built once, on the main thread, before any handler thread starts. */
	if (!layout.key_size) {
		ctf_flow_key_stages(byte_stage);
		layout = (struct ctf_cls_layout){
			.n_stages = CTF_KS_COUNT, .byte_stage = byte_stage,
			.tries = prefix_fields, .n_tries = CTF_ARRAY_SIZE(prefix_fields),
			.ports = port_fields, .n_ports = CTF_ARRAY_SIZE(port_fields),
			.key_size = BODY_SIZE,
			/* Up to the addresses: recirc_id, in_port, ct_*, L2, protocols. */
			.n_indexed_stages = CTF_KS_ADDR,
		};
	}
	return &layout;
}

static const uint8_t *body(const struct ctf_flow_key *k)
{
	return (const uint8_t *)k + BODY;
}

/* ---- rule objects ------------------------------------------------------------ */

struct policy_rule *policy_rule_new(struct conf_rule *text, uint64_t id)
{
	const size_t len = ctf_nlbuf_len(&text->actions);
	struct policy_rule *r = ctf_xzalloc(sizeof(*r) + len);

	memcpy(r->actions, ctf_nlbuf_data(&text->actions), len);
	r->actions_len = (uint32_t)len;
	r->text = *text;
	memset(text, 0, sizeof(*text));
	r->id = id;
	atomic_init(&r->hits, 0);
	r->refs = 1;
	return r;
}

void policy_rule_unref(struct policy_rule *r)
{
	if (!r || --r->refs)
		return;
	conf_rule_free(&r->text);
	free(r);
}

static struct policy_rule *ref(struct policy_rule *r)
{
	r->refs++;
	return r;
}

/* ---- building --------------------------------------------------------------- */

int policy_decode_match(const void *key, size_t key_len, const void *mask, size_t mask_len,
			    struct ctf_flow_key *k, struct ctf_flow_key *m, struct ctf_err *err)
{
	int ret = ctf_flow_key_from_attrs(key, key_len, k, err);

	if (ret)
		return ret;
	if (mask_len) {
		ret = ctf_flow_key_from_attrs(mask, mask_len, m, err);
		if (ret)
			return ret;
	} else {
		ctf_flow_key_mask_exact(m, k);
	}
	ctf_flow_key_mask_apply(k, k, m);
	return 0;
}

static int decode_rule(const struct policy_rule *r, struct ctf_flow_key *k,
		       struct ctf_flow_key *m, struct ctf_err *err)
{
	const struct conf_rule *t = &r->text;

	return policy_decode_match(ctf_nlbuf_data(&t->key), ctf_nlbuf_len(&t->key),
				       ctf_nlbuf_data(&t->mask), ctf_nlbuf_len(&t->mask), k, m, err);
}

/* Lookup order: priority, then the order added. */
struct ranked {
	struct policy_rule *rule;
	size_t index;
};

static int by_precedence(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->rule->text.priority != y->rule->text.priority)
		return x->rule->text.priority > y->rule->text.priority ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static uint64_t id_hash(uint64_t id)
{
	id *= 0x9e3779b97f4a7c15ULL;
	return id ^ (id >> 29);
}

static void index_ids(struct policy *pol)
{
	size_t n = 16;

	while (n < pol->n_rules * 2 + 2)
		n *= 2;
	pol->by_id = ctf_xzalloc(n * sizeof(*pol->by_id));
	pol->by_id_mask = n - 1;
	for (size_t i = 0; i < pol->n_rules; i++) {
		size_t j = id_hash(pol->rules[i]->id) & pol->by_id_mask;

		while (pol->by_id[j])
			j = (j + 1) & pol->by_id_mask;
		pol->by_id[j] = pol->rules[i];
	}
}

struct policy_rule *policy_find_id(const struct policy *pol, uint64_t id)
{
	for (size_t j = id_hash(id) & pol->by_id_mask; pol->by_id[j]; j = (j + 1) & pol->by_id_mask)
		if (pol->by_id[j]->id == id)
			return pol->by_id[j];
	return NULL;
}

static void duplicate_error(struct ctf_err *err, const char *path, const struct policy_rule *a,
			    const struct policy_rule *b)
{
	const char *afile = a->text.file ? a->text.file : path ? path : "line";
	const char *bfile = b->text.file ? b->text.file : path ? path : "line";

	if (a->text.line && b->text.line && !strcmp(afile, bfile))
		ctf_err_set(err, "%s:%u: rule %u %s repeats the rule of line %u", bfile,
			    b->text.line, b->text.priority, b->text.match_text, a->text.line);
	else if (a->text.line && b->text.line)
		ctf_err_set(err, "%s:%u: rule %u %s repeats the rule of %s:%u", bfile,
			    b->text.line, b->text.priority, b->text.match_text, afile, a->text.line);
	else
		ctf_err_set(err, "a rule with priority %u and match %s exists", b->text.priority,
			    b->text.match_text);
	ctf_err_hint(err, "one rule per priority and match: delete the other one, or give "
			  "this one another priority");
}

/*
 * A policy of @rules (rule i is the i-th added), @deflt and the settings.
 * Takes over one reference to each rule and to @deflt, also on failure.
 */
static int build(struct policy **out, struct policy_rule **rules, size_t n,
		 struct policy_rule *deflt, bool megaflows, const struct ctf_portmap *ports,
		 const char *path, struct ctf_err *err)
{
	struct policy *pol = ctf_xzalloc(sizeof(*pol));
	struct ctf_flow_key k, m;
	int ret = 0;

	pol->rules = rules;
	pol->n_rules = n;
	pol->deflt = deflt;
	pol->megaflows = megaflows;
	ctf_portmap_init(&pol->ports);
	for (size_t i = 0; ports && i < ports->n; i++)
		ctf_portmap_add(&pol->ports, ports->ports[i].port_no, ports->ports[i].name);
	pol->cls = cls_new(key_layout());
	for (size_t i = 0; i < n && !ret; i++) {
		size_t dup;

		ret = decode_rule(rules[i], &k, &m, err);
		if (ret)
			break;
		if (cls_add(pol->cls, rules[i]->text.priority, body(&k), body(&m), rules[i], &dup)) {
			duplicate_error(err, path, rules[dup], rules[i]);
			ret = -EEXIST;
		}
	}
	if (ret) {
		/* Only the references taken over are dropped; the array is the caller's. */
		pol->rules = NULL;
		for (size_t i = 0; i < n; i++)
			policy_rule_unref(rules[i]);
		free(rules);
		policy_free(pol);
		return ret;
	}
	cls_freeze(pol->cls);
	/* dump-rules lists rules in lookup order. */
	{
		struct ranked *rk = ctf_xmalloc((n ? n : 1) * sizeof(*rk));

		for (size_t i = 0; i < n; i++)
			rk[i] = (struct ranked){ rules[i], i };
		qsort(rk, n, sizeof(*rk), by_precedence);
		pol->ordered = ctf_xmalloc((n ? n : 1) * sizeof(*pol->ordered));
		for (size_t i = 0; i < n; i++)
			pol->ordered[i] = rk[i].rule;
		free(rk);
	}
	index_ids(pol);
	*out = pol;
	return 0;
}

void policy_free(struct policy *pol)
{
	if (!pol)
		return;
	for (size_t i = 0; pol->rules && i < pol->n_rules; i++)
		policy_rule_unref(pol->rules[i]);
	policy_rule_unref(pol->deflt);
	cls_free(pol->cls);
	ctf_portmap_free(&pol->ports);
	free(pol->rules);
	free(pol->ordered);
	free(pol->by_id);
	free(pol);
}

/* ---- changes ------------------------------------------------------------------ */

void policy_change_init(struct policy_change *chg)
{
	memset(chg, 0, sizeof(*chg));
}

void policy_change_free(struct policy_change *chg)
{
	for (size_t i = 0; i < chg->n_added; i++)
		policy_rule_unref(chg->added[i]);
	free(chg->added);
	free(chg->removed);
	policy_change_init(chg);
}

static void change_removed(struct policy_change *chg, uint64_t id)
{
	if (!chg)
		return;
	chg->removed = ctf_xrealloc(chg->removed, (chg->n_removed + 1) * sizeof(*chg->removed));
	chg->removed[chg->n_removed++] = id;
}

static void change_added(struct policy_change *chg, struct policy_rule *r)
{
	if (!chg || chg->all)
		return;
	if (chg->n_added >= POLICY_MAX_ADDED) {
		/* Testing every flow against this many rules costs more than a full pass. */
		chg->all = true;
		for (size_t i = 0; i < chg->n_added; i++)
			policy_rule_unref(chg->added[i]);
		chg->n_added = 0;
		return;
	}
	chg->added = ctf_xrealloc(chg->added, (chg->n_added + 1) * sizeof(*chg->added));
	chg->added[chg->n_added++] = ref(r);
}

void policy_change_merge(struct policy_change *dst, struct policy_change *src)
{
	dst->all |= src->all;
	dst->deflt |= src->deflt;
	for (size_t i = 0; i < src->n_removed; i++)
		change_removed(dst, src->removed[i]);
	for (size_t i = 0; i < src->n_added; i++)
		change_added(dst, src->added[i]);
	policy_change_free(src);
}

bool policy_change_empty(const struct policy_change *chg)
{
	return !chg->all && !chg->deflt && !chg->n_removed && !chg->n_added;
}

/* ---- the policy from a configuration ---------------------------------------- */

static bool same_nlbuf(const struct ctf_nlbuf *a, const struct ctf_nlbuf *b)
{
	return ctf_nlbuf_len(a) == ctf_nlbuf_len(b) &&
	       !memcmp(ctf_nlbuf_data(a), ctf_nlbuf_data(b), ctf_nlbuf_len(a));
}

static bool same_rule(const struct conf_rule *a, const struct conf_rule *b)
{
	return a->priority == b->priority && same_nlbuf(&a->key, &b->key) &&
	       same_nlbuf(&a->mask, &b->mask) && same_nlbuf(&a->actions, &b->actions);
}

static uint64_t rule_hash(const struct conf_rule *r)
{
	const struct ctf_nlbuf *parts[] = { &r->key, &r->mask, &r->actions };
	uint64_t h = 0xcbf29ce484222325ULL ^ r->priority;

	for (size_t p = 0; p < 3; p++) {
		const unsigned char *d = ctf_nlbuf_data(parts[p]);

		for (size_t i = 0; i < ctf_nlbuf_len(parts[p]); i++)
			h = (h ^ d[i]) * 0x100000001b3ULL;
		h = (h ^ 0xff) * 0x100000001b3ULL;
	}
	return h;
}

/* The old rules by content, to find the ones a reload keeps. */
struct old_index {
	size_t *slots;		/* old rule index + 1; 0 = empty */
	size_t mask;
	bool *taken;
};

static void old_index_build(struct old_index *ix, const struct policy *old)
{
	size_t n = 16;

	while (n < old->n_rules * 2 + 2)
		n *= 2;
	ix->slots = ctf_xzalloc(n * sizeof(*ix->slots));
	ix->mask = n - 1;
	ix->taken = ctf_xzalloc((old->n_rules + 1) * sizeof(*ix->taken));
	for (size_t i = 0; i < old->n_rules; i++) {
		size_t j = rule_hash(&old->rules[i]->text) & ix->mask;

		while (ix->slots[j])
			j = (j + 1) & ix->mask;
		ix->slots[j] = i + 1;
	}
}

static size_t old_index_take(struct old_index *ix, const struct policy *old,
			     const struct conf_rule *r)
{
	for (size_t j = rule_hash(r) & ix->mask; ix->slots[j]; j = (j + 1) & ix->mask) {
		size_t i = ix->slots[j] - 1;

		if (!ix->taken[i] && same_rule(&old->rules[i]->text, r)) {
			ix->taken[i] = true;
			return i;
		}
	}
	return SIZE_MAX;
}

/*
 * Kept rules of one priority must keep their relative order, or an older
 * tie-break changes and any flow may be affected. The table goes up to the
 * highest priority in use only: a reload of a few rules need not fill
 * 512 KiB (it was most of the time a reload took in the control fuzzer).
 */
static bool reordered(const struct policy_rule *const *rules, const size_t *old_pos, size_t n)
{
	uint32_t top = 0;
	size_t *last;
	bool bad = false;

	for (size_t i = 0; i < n; i++)
		if (rules[i]->text.priority <= CTF_MAX_PRIORITY && rules[i]->text.priority > top)
			top = rules[i]->text.priority;
	last = ctf_xmalloc(((size_t)top + 1) * sizeof(*last));
	for (size_t p = 0; p <= top; p++)
		last[p] = SIZE_MAX;
	for (size_t i = 0; i < n && !bad; i++) {
		uint32_t p = rules[i]->text.priority;

		if (old_pos[i] == SIZE_MAX || p > CTF_MAX_PRIORITY)
			continue;
		if (last[p] != SIZE_MAX && old_pos[i] < last[p])
			bad = true;
		last[p] = old_pos[i];
	}
	free(last);
	return bad;
}

int policy_from_config(struct policy **out, struct conf *cfg,
			   const struct ctf_portmap *ports, const struct policy *old,
			   uint64_t *next_id, struct policy_change *chg, struct ctf_err *err)
{
	size_t n = cfg->n_rules;
	struct policy_rule **rules = ctf_xmalloc((n ? n : 1) * sizeof(*rules));
	size_t *old_pos = ctf_xmalloc((n ? n : 1) * sizeof(*old_pos));
	struct policy_rule *deflt;
	struct conf_rule dtext;
	struct old_index ix = { 0 };
	int ret;

	if (chg)
		policy_change_init(chg);
	if (old)
		old_index_build(&ix, old);
	for (size_t i = 0; i < n; i++) {
		size_t o = old ? old_index_take(&ix, old, &cfg->rules[i]) : SIZE_MAX;

		old_pos[i] = o;
		if (o != SIZE_MAX) {
			rules[i] = ref(old->rules[o]);
			rules[i]->text.line = cfg->rules[i].line;
			free(rules[i]->text.file);
			rules[i]->text.file = cfg->rules[i].file;	/* moved */
			cfg->rules[i].file = NULL;
			conf_rule_free(&cfg->rules[i]);
		} else {
			rules[i] = policy_rule_new(&cfg->rules[i], (*next_id)++);
		}
	}
	free(cfg->rules);
	cfg->rules = NULL;
	cfg->n_rules = 0;

	/* The default action is a rule object too (id 0), so that its counters persist. */
	if (old && same_nlbuf(&old->deflt->text.actions, &cfg->default_actions)) {
		deflt = ref(old->deflt);
	} else {
		memset(&dtext, 0, sizeof(dtext));
		dtext.match_text = ctf_xstrdup("");
		dtext.actions_text = ctf_xstrdup(cfg->default_actions_text);
		ctf_nlbuf_init(&dtext.key, 64);
		ctf_nlbuf_init(&dtext.mask, 64);
		ctf_nlbuf_init(&dtext.actions, ctf_nlbuf_len(&cfg->default_actions) + 64);
		ctf_nlbuf_set(&dtext.actions, ctf_nlbuf_data(&cfg->default_actions),
			      ctf_nlbuf_len(&cfg->default_actions));
		deflt = policy_rule_new(&dtext, 0);
		if (chg && old)
			chg->deflt = true;
	}
	if (chg && old) {
		chg->all = old->megaflows != cfg->megaflows ||
			   reordered((const struct policy_rule *const *)rules, old_pos, n);
		for (size_t i = 0; i < n; i++)
			if (old_pos[i] == SIZE_MAX)
				change_added(chg, rules[i]);
		for (size_t i = 0; i < old->n_rules; i++)
			if (!ix.taken[i])
				change_removed(chg, old->rules[i]->id);
	}
	free(old_pos);
	free(ix.slots);
	free(ix.taken);
	ret = build(out, rules, n, deflt, cfg->megaflows, ports, cfg->path, err);
	if (ret && chg)
		policy_change_free(chg);
	return ret;
}

/* ---- rule edits ---------------------------------------------------------------- */

/* A copy of @pol's rule array with a reference to each rule. */
static struct policy_rule **rules_ref(const struct policy *pol, size_t extra)
{
	struct policy_rule **rules = ctf_xmalloc((pol->n_rules + extra + 1) * sizeof(*rules));

	for (size_t i = 0; i < pol->n_rules; i++)
		rules[i] = ref(pol->rules[i]);
	return rules;
}

int policy_with_rule(struct policy **out, const struct policy *pol,
			 struct conf_rule *rule, uint64_t id, struct policy_change *chg,
			 struct ctf_err *err)
{
	struct ctf_flow_key k, m;
	struct policy_rule **rules, *r;
	size_t n = pol->n_rules;
	int ret = policy_decode_match(ctf_nlbuf_data(&rule->key), ctf_nlbuf_len(&rule->key),
					  ctf_nlbuf_data(&rule->mask), ctf_nlbuf_len(&rule->mask),
					  &k, &m, err);

	if (chg)
		policy_change_init(chg);
	if (ret)
		return ret;
	/* Refuse a duplicate before paying for a rebuild. */
	if (cls_find(pol->cls, rule->priority, body(&k), body(&m)) != CTF_CLS_NONE)
		return ctf_err_setn(err, -EEXIST, "a rule with priority %u and match %s exists",
				    rule->priority, rule->match_text);
	r = policy_rule_new(rule, id);
	rules = rules_ref(pol, 1);
	rules[n] = r;
	change_added(chg, r);
	ret = build(out, rules, n + 1, ref(pol->deflt), pol->megaflows, &pol->ports, NULL, err);
	if (ret && chg)
		policy_change_free(chg);
	return ret;
}

int policy_without_rule(struct policy **out, const struct policy *pol,
			    uint32_t priority, const void *key, size_t key_len, const void *mask,
			    size_t mask_len, struct policy_change *chg, struct ctf_err *err)
{
	struct ctf_flow_key k, m;
	struct policy_rule **rules;
	size_t idx;
	int ret = policy_decode_match(key, key_len, mask, mask_len, &k, &m, err);

	if (chg)
		policy_change_init(chg);
	if (ret)
		return ret;
	idx = cls_find(pol->cls, priority, body(&k), body(&m));
	if (idx == CTF_CLS_NONE)
		return ctf_err_setn(err, -ENOENT, "no rule with priority %u and that match", priority);
	rules = rules_ref(pol, 0);
	policy_rule_unref(rules[idx]);
	memmove(&rules[idx], &rules[idx + 1], (pol->n_rules - idx - 1) * sizeof(*rules));
	change_removed(chg, pol->rules[idx]->id);
	ret = build(out, rules, pol->n_rules - 1, ref(pol->deflt), pol->megaflows, &pol->ports,
		    NULL, err);
	if (ret && chg)
		policy_change_free(chg);
	return ret;
}

/* ---- deciding -------------------------------------------------------------------- */

void policy_classify(const struct policy *pol, const struct ctf_flow_key *pkt,
			 struct policy_decision *d)
{
	void *rule;

	memset(&d->mask, 0, sizeof(d->mask));
	/* Presence and lengths come from the packet: the megaflow describes it. */
	memcpy(&d->mask, pkt, BODY);
	/* Each rule is its own payload in the classifier (build()). */
	cls_lookup(pol->cls, body(pkt), (uint8_t *)&d->mask + BODY, &rule);
	/*
	 * Three fields are always exact, as in ovs-vswitchd's megaflows: the
	 * kernel needs an exact EtherType under L3/L4 keys, and recirc_id and
	 * in_port split flows per table and port only, never per connection.
	 */
	d->mask.recirc_id = UINT32_MAX;
	d->mask.in_port = UINT32_MAX;
	d->mask.eth_type = UINT16_MAX;
	if (!pol->megaflows)
		ctf_flow_key_mask_exact(&d->mask, pkt);
	d->rule = rule;
	d->actions = d->rule ? d->rule->actions : pol->deflt->actions;
	d->actions_len = d->rule ? d->rule->actions_len : pol->deflt->actions_len;
}

bool policy_overlap(const struct ctf_flow_key *ak, const struct ctf_flow_key *am,
			const struct ctf_flow_key *bk, const struct ctf_flow_key *bm)
{
	const uint64_t *a = (const uint64_t *)body(ak), *b = (const uint64_t *)body(bk);
	const uint64_t *x = (const uint64_t *)body(am), *y = (const uint64_t *)body(bm);

	for (size_t i = 0; i < BODY_SIZE / 8; i++)
		if ((a[i] ^ b[i]) & x[i] & y[i])
			return false;
	return true;
}
