// SPDX-License-Identifier: Apache-2.0
/* ctflowd's rules over struct ctf_flow_key (see policy.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

#define BODY CTF_KEY_BODY_START
#define FIELD(m) { (uint16_t)(offsetof(struct ctf_flow_key, m) - BODY), \
		   (uint16_t)sizeof(((struct ctf_flow_key *)0)->m) }

/*
 * What "one field" is when a failed rule adds the field that tells it apart
 * from the packet: the fields rules are written in, finest where rules tend
 * to look (addresses and ports separately), so that a rule that failed on
 * its destination address does not drag its source port into the megaflow.
 */
static const struct ctf_cls_field key_fields[] = {
	FIELD(recirc_id), FIELD(dp_hash), FIELD(priority), FIELD(in_port), FIELD(skb_mark),
	FIELD(ct_state), FIELD(ct_mark), FIELD(ct_zone), FIELD(eth_type), FIELD(ct_labels),
	FIELD(ct_tuple4), FIELD(ct_tuple6),
	FIELD(eth.eth_src), FIELD(eth.eth_dst), FIELD(vlan),
	FIELD(ipv4.ipv4_proto), FIELD(ipv4.ipv4_src), FIELD(ipv4.ipv4_dst),
	FIELD(ipv4.ipv4_tos), FIELD(ipv4.ipv4_ttl), FIELD(ipv4.ipv4_frag),
	FIELD(ipv6.ipv6_proto), FIELD(ipv6.ipv6_src), FIELD(ipv6.ipv6_dst),
	FIELD(ipv6.ipv6_label), FIELD(ipv6.ipv6_tclass), FIELD(ipv6.ipv6_hlimit),
	FIELD(ipv6.ipv6_frag), FIELD(ipv6_exthdrs), FIELD(tcp_flags), FIELD(arp), FIELD(mpls),
	FIELD(tcp.tcp_src), FIELD(tcp.tcp_dst), FIELD(udp.udp_src), FIELD(udp.udp_dst),
	FIELD(sctp.sctp_src), FIELD(sctp.sctp_dst), FIELD(icmp.icmp_type), FIELD(icmp.icmp_code),
	FIELD(icmpv6.icmpv6_type), FIELD(icmpv6.icmpv6_code), FIELD(nd),
	FIELD(nsh_base), FIELD(nsh_md1), FIELD(tun_id), FIELD(tun_ipv4_src), FIELD(tun_ipv4_dst),
	FIELD(tun_ipv6_src), FIELD(tun_ipv6_dst), FIELD(tun_tos), FIELD(tun_ttl),
	FIELD(tun_tp_src), FIELD(tun_tp_dst), FIELD(tun_flags), FIELD(tun_vxlan_gbp),
	FIELD(geneve_opts), FIELD(erspan_opts), FIELD(nsh_md2),
};

#define BODY_SIZE (sizeof(struct ctf_flow_key) - BODY)

void ctf_policy_init(struct ctf_policy *pol)
{
	memset(pol, 0, sizeof(*pol));
	ctf_cls_init(&pol->cls, BODY_SIZE, key_fields, CTF_ARRAY_SIZE(key_fields));
	pol->default_text = ctf_xstrdup("drop");
	ctf_nlbuf_init(&pol->default_actions, 256);
	pol->megaflows = true;
	pol->next_id = 1;
}

static void rule_free(struct ctf_policy_rule *r)
{
	ctf_config_rule_free(&r->text);
	free(r);
}

void ctf_policy_destroy(struct ctf_policy *pol)
{
	for (size_t i = 0; i < pol->n_rules; i++)
		rule_free(pol->rules[i]);
	free(pol->rules);
	ctf_cls_destroy(&pol->cls);
	free(pol->default_text);
	ctf_nlbuf_free(&pol->default_actions);
	memset(pol, 0, sizeof(*pol));
}

int ctf_policy_decode_match(const void *key, size_t key_len, const void *mask, size_t mask_len,
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

static const uint8_t *body(const struct ctf_flow_key *k)
{
	return (const uint8_t *)k + BODY;
}

int ctf_policy_add(struct ctf_policy *pol, struct ctf_config_rule *text, struct ctf_err *err)
{
	struct ctf_policy_rule *r = ctf_xzalloc(sizeof(*r));
	int ret;

	ret = ctf_policy_decode_match(ctf_nlbuf_data(&text->key), ctf_nlbuf_len(&text->key),
				      ctf_nlbuf_data(&text->mask), ctf_nlbuf_len(&text->mask),
				      &r->key, &r->mask, err);
	if (ret) {
		free(r);
		return ret;
	}
	if (ctf_cls_find_exact(&pol->cls, text->priority, body(&r->key), body(&r->mask))) {
		free(r);
		return ctf_err_setn(err, -EEXIST, "a rule with priority %u and match %s exists",
				    text->priority, text->match_text);
	}
	r->text = *text;
	memset(text, 0, sizeof(*text));
	r->id = pol->next_id++;
	r->cls = ctf_cls_insert(&pol->cls, r->text.priority, body(&r->key), body(&r->mask), r);
	pol->rules = ctf_xrealloc(pol->rules, (pol->n_rules + 1) * sizeof(*pol->rules));
	pol->rules[pol->n_rules++] = r;
	return 0;
}

int ctf_policy_del(struct ctf_policy *pol, uint32_t priority, const void *key, size_t key_len,
		   const void *mask, size_t mask_len, struct ctf_err *err)
{
	struct ctf_flow_key k, m;
	struct ctf_cls_rule *c;
	int ret = ctf_policy_decode_match(key, key_len, mask, mask_len, &k, &m, err);

	if (ret)
		return ret;
	c = ctf_cls_find_exact(&pol->cls, priority, body(&k), body(&m));
	if (!c)
		return ctf_err_setn(err, -ENOENT, "no rule with priority %u and that match", priority);
	for (size_t i = 0; i < pol->n_rules; i++) {
		if (pol->rules[i] != c->data)
			continue;
		rule_free(pol->rules[i]);
		memmove(&pol->rules[i], &pol->rules[i + 1],
			(pol->n_rules - i - 1) * sizeof(*pol->rules));
		pol->n_rules--;
		break;
	}
	ctf_cls_remove(&pol->cls, c);
	return 0;
}

struct ctf_policy_rule *ctf_policy_find_id(const struct ctf_policy *pol, uint64_t id)
{
	for (size_t i = 0; i < pol->n_rules; i++)
		if (pol->rules[i]->id == id)
			return pol->rules[i];
	return NULL;
}

int ctf_policy_load(struct ctf_policy *pol, const struct ctf_config *cfg, uint64_t first_id,
		    struct ctf_err *err)
{
	pol->next_id = first_id;
	pol->megaflows = cfg->megaflows;
	free(pol->default_text);
	pol->default_text = ctf_xstrdup(cfg->default_actions_text);
	ctf_nlbuf_set(&pol->default_actions, ctf_nlbuf_data(&cfg->default_actions),
		      ctf_nlbuf_len(&cfg->default_actions));
	for (size_t i = 0; i < cfg->n_rules; i++) {
		const struct ctf_config_rule *src = &cfg->rules[i];
		struct ctf_config_rule copy;
		int ret = ctf_config_rule_copy(&copy, src);

		if (!ret)
			ret = ctf_policy_add(pol, &copy, err);
		if (ret) {
			ctf_config_rule_free(&copy);
			return ret;
		}
	}
	return 0;
}

void ctf_policy_classify(const struct ctf_policy *pol, const struct ctf_flow_key *pkt,
			 struct ctf_decision *d)
{
	struct ctf_cls_rule *c;

	memset(&d->mask, 0, sizeof(d->mask));
	/* Presence and lengths come from the packet: the megaflow describes it. */
	memcpy(&d->mask, pkt, BODY);
	c = ctf_cls_lookup(&pol->cls, body(pkt), (uint8_t *)&d->mask + BODY);
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
	if (c) {
		d->rule = c->data;
		d->actions = ctf_nlbuf_data(&d->rule->text.actions);
		d->actions_len = ctf_nlbuf_len(&d->rule->text.actions);
	} else {
		d->rule = NULL;
		d->actions = ctf_nlbuf_data(&pol->default_actions);
		d->actions_len = ctf_nlbuf_len(&pol->default_actions);
	}
}
