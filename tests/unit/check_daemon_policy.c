// SPDX-License-Identifier: Apache-2.0
/*
 * The policy over real flow keys: the example firewall's decisions, megaflow
 * masks that stay per-port rather than per-connection, masks that the
 * kernel would accept, and the same-decision property on random packets.
 */
#include <check.h>
#include <arpa/inet.h>
#include <linux/openvswitch.h>
#include <stdatomic.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctflow/flowtext.h"
#include "ctflow/match.h"
#include "rng.h"
#include "../../src/daemon/conf.h"
#include "../../src/daemon/policy.h"
#include "common.h"

static const char firewall[] =
	"datapath ctfw\nport c0\nport s0\n"
	"rule 10 recirc_id(0),in_port(c0),eth_type(0x0806) s0\n"
	"rule 10 recirc_id(0),in_port(s0),eth_type(0x0806) c0\n"
	"rule 20 recirc_id(0),eth_type(0x0800),ct_state(-trk) ct(zone=7),recirc(1)\n"
	"rule 30 recirc_id(1),in_port(c0),eth_type(0x0800),ct_state(+trk+new) ct(commit,zone=7),s0\n"
	"rule 30 recirc_id(1),in_port(c0),eth_type(0x0800),ct_state(+trk+est) s0\n"
	"rule 30 recirc_id(1),in_port(s0),eth_type(0x0800),ct_state(+trk+est) c0\n";

static struct policy *pol;
static uint64_t next_id;

/* Parse @text and build a policy from it (against the port lines numbered 1, 2, ...). */
static struct policy *policy_of(const char *text, const struct policy *old,
				    struct policy_change *chg)
{
	struct conf cfg;
	struct ctf_portmap map;
	struct policy *p = NULL;
	struct ctf_err err;
	char buf[1100];

	conf_init(&cfg);
	ck_assert_msg(!conf_parse_string(&cfg, "fw.conf", text, &err), "%s",
		      ctf_err_text(&err, buf, sizeof(buf)));
	conf_portmap(&cfg, &map);
	ck_assert_msg(!policy_from_config(&p, &cfg, &map, old, &next_id, chg, &err), "%s",
		      ctf_err_text(&err, buf, sizeof(buf)));
	ctf_portmap_free(&map);
	conf_free(&cfg);
	return p;
}

static void setup(void)
{
	next_id = 1;
	pol = policy_of(firewall, NULL, NULL);
}

static void teardown(void)
{
	policy_free(pol);
}

/* The upcall key of a packet, from the flow text of its key. */
static void key_from_text(struct ctf_flow_key *k, const char *text)
{
	struct ctf_nlbuf kb, mb;
	struct ctf_err err;
	char buf[1100];

	ctf_nlbuf_init(&kb, 4096);
	ctf_nlbuf_init(&mb, 4096);
	ck_assert_msg(!ctf_key_parse(text, NULL, &kb, &mb, &err), "%s: %s", text,
		      ctf_err_text(&err, buf, sizeof(buf)));
	ck_assert(!ctf_flow_key_from_attrs(ctf_nlbuf_data(&kb), ctf_nlbuf_len(&kb), k, &err));
	ctf_nlbuf_free(&kb);
	ctf_nlbuf_free(&mb);
}

/* A packet key as the kernel would send it in an upcall. */
static void packet(struct ctf_flow_key *k, uint32_t recirc, uint32_t port, uint32_t ct_state,
		   uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport)
{
	char text[512];

	snprintf(text, sizeof(text),
		 "recirc_id(%u),dp_hash(0),skb_priority(0),in_port(%u),skb_mark(0),ct_state(%#x),"
		 "ct_zone(0),ct_mark(0),ct_label(0),eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),"
		 "eth_type(0x0800),ipv4(src=%u.%u.%u.%u,dst=%u.%u.%u.%u,proto=6,tos=0,ttl=64,frag=no),"
		 "tcp(src=%u,dst=%u),tcp_flags(0x002)",
		 recirc, port, ct_state, src >> 24, (src >> 16) & 255, (src >> 8) & 255, src & 255,
		 dst >> 24, (dst >> 16) & 255, (dst >> 8) & 255, dst & 255, sport, dport);
	key_from_text(k, text);
}

#define TRK 0x20
#define NEW 0x01
#define EST 0x02

/* The decision's actions are its rule's, byte for byte. */
static void assert_rule_actions(const struct policy_decision *d)
{
	ck_assert_uint_eq(d->actions_len, ctf_nlbuf_len(&d->rule->text.actions));
	ck_assert(!memcmp(d->actions, ctf_nlbuf_data(&d->rule->text.actions), d->actions_len));
}

START_TEST(firewall_decisions)
{
	struct ctf_flow_key k;
	struct policy_decision d;

	packet(&k, 0, 1, 0, 0x0a000001, 0x0a000002, 40000, 80);
	policy_classify(pol, &k, &d);
	ck_assert_ptr_nonnull(d.rule);
	ck_assert_uint_eq(d.rule->text.priority, 20);

	packet(&k, 1, 1, TRK | NEW, 0x0a000001, 0x0a000002, 40000, 80);
	policy_classify(pol, &k, &d);
	ck_assert_ptr_nonnull(d.rule);
	ck_assert_str_eq(d.rule->text.actions_text, "ct(commit,zone=7),s0");
	assert_rule_actions(&d);

	/* A new connection from the server side matches nothing: default drop. */
	packet(&k, 1, 2, TRK | NEW, 0x0a000002, 0x0a000001, 22, 40000);
	policy_classify(pol, &k, &d);
	ck_assert_ptr_null(d.rule);
	ck_assert_uint_eq(d.actions_len, 0);

	packet(&k, 1, 2, TRK | EST, 0x0a000002, 0x0a000001, 80, 40000);
	policy_classify(pol, &k, &d);
	ck_assert_ptr_nonnull(d.rule);
	ck_assert_str_eq(d.rule->text.actions_text, "c0");
	assert_rule_actions(&d);
}
END_TEST

/* Megaflow (key & mask) bytes, for counting distinct flows. */
static void megaflow_text(const struct ctf_flow_key *k, const struct policy_decision *d,
			  struct ctf_str *out)
{
	struct ctf_nlbuf kb, mb;
	struct ctf_err err;
	char buf[1100];

	ctf_nlbuf_init(&kb, CTF_NLBUF_MAX);
	ctf_nlbuf_init(&mb, CTF_NLBUF_MAX);
	ck_assert_int_eq(ctf_flow_key_to_attrs(k, &d->mask, &kb, &mb), 0);
	if (getenv("DBG")) {
		struct ctf_str t;
		ctf_str_init(&t);
		ctf_key_format(ctf_nlbuf_data(&kb), ctf_nlbuf_len(&kb), ctf_nlbuf_data(&mb),
			       ctf_nlbuf_len(&mb), NULL, CTF_FMT_VERBOSE, &t);
		fprintf(stderr, "MF %s\n", ctf_str_cstr(&t));
		ctf_str_free(&t);
	}
	ck_assert_msg(!ctf_flow_validate(ctf_nlbuf_data(&kb), ctf_nlbuf_len(&kb),
					 ctf_nlbuf_data(&mb), ctf_nlbuf_len(&mb),
					 d->actions, d->actions_len, &err),
		      "megaflow refused: %s", ctf_err_text(&err, buf, sizeof(buf)));
	(void)0;
	ctf_str_clear(out);
	ctf_key_format(ctf_nlbuf_data(&kb), ctf_nlbuf_len(&kb), ctf_nlbuf_data(&mb),
		       ctf_nlbuf_len(&mb), NULL, 0, out);
	ctf_nlbuf_free(&kb);
	ctf_nlbuf_free(&mb);
}

START_TEST(megaflows_are_per_port_not_per_connection)
{
	static const uint32_t states[] = { 0, TRK | NEW, TRK | EST };
	struct ctf_str text, seen;
	struct ctf_flow_key k;
	struct policy_decision d;
	int distinct = 0;

	ctf_str_init(&text);
	ctf_str_init(&seen);
	for (int conn = 0; conn < 300; conn++) {
		uint32_t recirc = (uint32_t)conn % 2, port = 1 + (uint32_t)(conn / 2) % 2;

		packet(&k, recirc, port, recirc ? states[conn % 3] : 0,
		       0x0a000000 + (uint32_t)conn, 0x0a0000fe, (uint16_t)(30000 + conn), 80);
		policy_classify(pol, &k, &d);
		megaflow_text(&k, &d, &text);
		ck_assert_msg(!strstr(ctf_str_cstr(&text), "tcp(src="),
			      "megaflow examines TCP ports: %s", ctf_str_cstr(&text));
		ck_assert_msg(!strstr(ctf_str_cstr(&text), "src=10.0."),
			      "megaflow examines addresses: %s", ctf_str_cstr(&text));
		if (!strstr(ctf_str_cstr(&seen), ctf_str_cstr(&text))) {
			ctf_str_puts(&seen, ctf_str_cstr(&text));
			ctf_str_putc(&seen, '\n');
			distinct++;
		}
	}
	/* recirc 0: 2 ports; recirc 1: 2 ports x 3 ct states. */
	ck_assert_int_le(distinct, 8);
	ctf_str_free(&text);
	ctf_str_free(&seen);
}
END_TEST

/* ---- the property on the real flow key, against brute force -------------------- */


/* Small pools, so that rules and packets meet often. */
static const uint32_t pool_addrs[] = { 0x0a000000, 0x0a000080, 0x0a010000, 0xc0a80005,
				       0x0a0000ff, 0x64400000, 0x0b000001 };
static const unsigned pool_ports[] = { 22, 53, 80, 443, 8000, 8063, 0x1f90 };
static const char *const pool_states[] = { "-trk", "+trk", "+trk+new", "+trk+est", "+trk+est+rpl",
					   "+trk-new", "+trk+inv", "+trk+rel" };
#define POOL(a) (sizeof(a) / sizeof((a)[0]))

static void put_addr(struct ctf_str *s, const char *name, uint32_t a, unsigned plen)
{
	uint32_t m = plen ? ~UINT32_C(0) << (32 - plen) : 0;

	ctf_str_printf(s, "%s=%u.%u.%u.%u/%u.%u.%u.%u", name, a >> 24, (a >> 16) & 255,
		       (a >> 8) & 255, a & 255, m >> 24, (m >> 16) & 255, (m >> 8) & 255, m & 255);
}

#define BODY_WORDS ((sizeof(struct ctf_flow_key) - CTF_KEY_BODY_START) / 8)

static const uint64_t *words(const struct ctf_flow_key *k)
{
	return (const uint64_t *)((const char *)k + CTF_KEY_BODY_START);
}

/* A random rule's MATCH: recirc ids, ports, ct states, prefixes, port masks. */
static void random_match(struct ctf_str *s)
{
	unsigned proto = rnd() % 3 == 0 ? 17 : 6;
	bool ip = rnd() % 8 != 0, l4 = ip && rnd() % 2;
	const char *sep = "";

	ctf_str_printf(s, "recirc_id(%u)", rnd() % 3);
	if (rnd() % 3 == 0)
		ctf_str_printf(s, ",in_port(%s)", rnd() % 2 ? "c0" : "s0");
	if (rnd() % 2)
		ctf_str_printf(s, ",ct_state(%s)", pool_states[rnd() % POOL(pool_states)]);
	if (!ip) {
		ctf_str_puts(s, ",eth_type(0x0806)");
	} else {
		ctf_str_puts(s, ",eth_type(0x0800)");
		if (rnd() % 2 || l4) {
			ctf_str_puts(s, ",ipv4(");
			if (rnd() % 2) {
				put_addr(s, "src", pool_addrs[rnd() % POOL(pool_addrs)], rnd() % 33);
				sep = ",";
			}
			if (rnd() % 3 == 0) {
				ctf_str_puts(s, sep);
				put_addr(s, "dst", pool_addrs[rnd() % POOL(pool_addrs)], rnd() % 33);
				sep = ",";
			}
			if (l4 || rnd() % 4 == 0) {
				ctf_str_printf(s, "%sproto=%u", sep, proto);
				sep = ",";
			}
			if (!*sep)
				ctf_str_puts(s, "tos=0/0");
			ctf_str_putc(s, ')');
		}
		if (l4) {
			static const unsigned masks[] = { 0xffff, 0xffff, 0xfff0, 0xff00, 0x8000 };

			ctf_str_printf(s, ",%s(dst=%u/%#x)", proto == 6 ? "tcp" : "udp",
				       pool_ports[rnd() % POOL(pool_ports)], masks[rnd() % POOL(masks)]);
		}
	}
}

static void parse_match(const char *match, struct ctf_nlbuf *kb, struct ctf_nlbuf *mb)
{
	struct ctf_portmap map;
	struct ctf_err err;

	ctf_portmap_init(&map);
	ctf_portmap_add(&map, 1, "c0");
	ctf_portmap_add(&map, 2, "s0");
	ctf_nlbuf_init(kb, 1024);
	ctf_nlbuf_init(mb, 1024);
	ck_assert(!ctf_key_parse(match, &map, kb, mb, &err));
	ctf_portmap_free(&map);
}

/* Random rules become a rules file; repeats of (priority, masked match) are left out. */
struct seen_rule {
	uint32_t prio;
	struct ctf_flow_key k, m;
};

static void random_policy_text(struct ctf_str *text, unsigned n)
{
	struct seen_rule *seen = calloc(n, sizeof(*seen));
	struct ctf_str match;
	size_t n_seen = 0;

	ctf_str_init(&match);
	for (unsigned i = 0; i < n; i++) {
		struct seen_rule *r = &seen[n_seen];
		struct ctf_nlbuf kb, mb;
		bool dup = false;

		ctf_str_clear(&match);
		random_match(&match);
		r->prio = rnd() % 12;
		parse_match(ctf_str_cstr(&match), &kb, &mb);
		ck_assert(!policy_decode_match(ctf_nlbuf_data(&kb), ctf_nlbuf_len(&kb),
						   ctf_nlbuf_data(&mb), ctf_nlbuf_len(&mb), &r->k,
						   &r->m, NULL));
		ctf_nlbuf_free(&kb);
		ctf_nlbuf_free(&mb);
		for (size_t j = 0; j < n_seen && !dup; j++)
			dup = seen[j].prio == r->prio &&
			      !memcmp(words(&seen[j].m), words(&r->m), BODY_WORDS * 8) &&
			      !memcmp(words(&seen[j].k), words(&r->k), BODY_WORDS * 8);
		if (dup)
			continue;
		n_seen++;
		ctf_str_printf(text, "rule %u %s %s\n", r->prio, ctf_str_cstr(&match),
			       rnd() % 3 ? "drop" : i % 2 ? "s0" : "c0");
	}
	ctf_str_free(&match);
	free(seen);
}

/* A rule as brute force sees it: its masked key over the words its mask touches. */
struct brute_rule {
	uint32_t prio;
	size_t n;
	uint16_t idx[128];
	uint64_t mask[128], key[128];
	const struct policy_rule *rule;
};

static struct brute_rule *brute_rules(const struct policy *p)
{
	struct brute_rule *b = calloc(p->n_rules + 1, sizeof(*b));

	for (size_t i = 0; i < p->n_rules; i++) {
		const struct conf_rule *t = &p->rules[i]->text;
		struct ctf_flow_key k, m;

		ck_assert(!policy_decode_match(ctf_nlbuf_data(&t->key), ctf_nlbuf_len(&t->key),
						   ctf_nlbuf_data(&t->mask), ctf_nlbuf_len(&t->mask),
						   &k, &m, NULL));
		b[i].prio = t->priority;
		b[i].rule = p->rules[i];
		for (size_t w = 0; w < BODY_WORDS; w++) {
			if (!words(&m)[w])
				continue;
			b[i].idx[b[i].n] = (uint16_t)w;
			b[i].mask[b[i].n] = words(&m)[w];
			b[i].key[b[i].n++] = words(&k)[w] & words(&m)[w];
		}
	}
	return b;
}

/* The first rule in precedence order (priority, then the order added) that matches. */
static const struct policy_rule *brute(const struct brute_rule *b, size_t n,
					   const struct ctf_flow_key *pkt)
{
	const struct brute_rule *best = NULL;

	for (size_t i = 0; i < n; i++) {
		size_t j;

		if (best && b[i].prio <= best->prio)
			continue;
		for (j = 0; j < b[i].n; j++)
			if ((words(pkt)[b[i].idx[j]] & b[i].mask[j]) != b[i].key[j])
				break;
		if (j == b[i].n)
			best = &b[i];
	}
	return best ? best->rule : NULL;
}

/* An upcall key from the pools, as the kernel would send it. */
static void random_packet_key(struct ctf_flow_key *k)
{
	static const uint32_t states[] = { 0, 0x20, 0x21, 0x22, 0x2a, 0x30, 0x24 };
	uint32_t src = pool_addrs[rnd() % POOL(pool_addrs)], dst = pool_addrs[rnd() % POOL(pool_addrs)];
	unsigned proto = rnd() % 3 == 0 ? 17 : 6;

	if (rnd() % 2)
		src ^= 1u << (rnd() % 32);
	if (rnd() % 2)
		dst ^= 1u << (rnd() % 32);
	memset(k, 0, sizeof(*k));
	k->attrs = CTF_KEY_BIT(OVS_KEY_ATTR_RECIRC_ID) | CTF_KEY_BIT(OVS_KEY_ATTR_IN_PORT) |
		   CTF_KEY_BIT(OVS_KEY_ATTR_CT_STATE) | CTF_KEY_BIT(OVS_KEY_ATTR_ETHERNET) |
		   CTF_KEY_BIT(OVS_KEY_ATTR_ETHERTYPE);
	k->recirc_id = rnd() % 3;
	k->in_port = 1 + rnd() % 3;
	k->ct_state = states[rnd() % POOL(states)];
	k->eth.eth_src[5] = (uint8_t)rnd();
	if (rnd() % 8 == 0) {
		k->eth_type = htons(0x0806);
		k->attrs |= CTF_KEY_BIT(OVS_KEY_ATTR_ARP);
		k->arp.arp_sip = htonl(src);
		return;
	}
	k->eth_type = htons(0x0800);
	k->attrs |= CTF_KEY_BIT(OVS_KEY_ATTR_IPV4);
	k->ipv4.ipv4_src = htonl(src);
	k->ipv4.ipv4_dst = htonl(dst);
	k->ipv4.ipv4_proto = (uint8_t)proto;
	k->ipv4.ipv4_ttl = 64;
	if (proto == 6) {
		k->attrs |= CTF_KEY_BIT(OVS_KEY_ATTR_TCP) | CTF_KEY_BIT(OVS_KEY_ATTR_TCP_FLAGS);
		k->tcp.tcp_src = htons((uint16_t)rnd());
		k->tcp.tcp_dst = htons((uint16_t)(rnd() % 3 ? pool_ports[rnd() % POOL(pool_ports)] : rnd()));
	} else {
		k->attrs |= CTF_KEY_BIT(OVS_KEY_ATTR_UDP);
		k->udp.udp_src = htons((uint16_t)rnd());
		k->udp.udp_dst = htons((uint16_t)(rnd() % 3 ? pool_ports[rnd() % POOL(pool_ports)] : rnd()));
	}
}

static unsigned long env_count(const char *name, unsigned long dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 10) : dflt;
}

/*
 * Random policies of 20 to 400 rules over the real key; for each packet the
 * policy's decision is brute force's, every packet its megaflow covers gets
 * the same decision from brute force, and (for a sample) the kernel's rules
 * accept the megaflow. CTFLOW_PROPERTY_PACKETS packets in all (default
 * 100000; more by hand).
 */
START_TEST(decisions_and_megaflows_agree_with_brute_force)
{
	unsigned long total = env_count("CTFLOW_PROPERTY_PACKETS", 100000), done = 0;
	struct ctf_str text, mf;

	ctf_str_init(&text);
	ctf_str_init(&mf);
	rng_state = 0x5eed;
	for (unsigned round = 0; done < total; round++) {
		unsigned n = round % 5 == 0 ? 400 : 20 + rnd() % 100;
		struct policy *p;
		struct brute_rule *b;

		ctf_str_clear(&text);
		ctf_str_puts(&text, "datapath ctfw\nport c0\nport s0\n");
		if (round % 7 == 3)
			ctf_str_puts(&text, "default-action c0\n");
		random_policy_text(&text, n);
		p = policy_of(ctf_str_cstr(&text), NULL, NULL);
		b = brute_rules(p);
		for (int k = 0; k < 1000 && done < total; k++, done++) {
			struct ctf_flow_key pkt, q, r;
			struct policy_decision d, dq;
			const struct policy_rule *want;

			random_packet_key(&pkt);
			policy_classify(p, &pkt, &d);
			want = brute(b, p->n_rules, &pkt);
			ck_assert_msg(d.rule == want, "round %u packet %d: policy and brute force differ",
				      round, k);
			for (int c = 0; c < 2; c++) {
				uint64_t *qw = (uint64_t *)((char *)&q + CTF_KEY_BODY_START);

				random_packet_key(&r);
				q = pkt;
				for (size_t w = 0; w < BODY_WORDS; w++)
					qw[w] = (words(&pkt)[w] & words(&d.mask)[w]) |
						(words(&r)[w] & ~words(&d.mask)[w]);
				ck_assert_msg(brute(b, p->n_rules, &q) == want,
					      "round %u packet %d: a covered packet gets another rule",
					      round, k);
				policy_classify(p, &q, &dq);
				ck_assert(dq.rule == want);
			}
			if (k % 100 == 0)
				megaflow_text(&pkt, &d, &mf);	/* asserts the kernel would take it */
		}
		free(b);
		policy_free(p);
	}
	ctf_str_free(&text);
	ctf_str_free(&mf);
}
END_TEST

/* ---- rule edits, reloads, and what they change -------------------------------- */

START_TEST(add_duplicate_and_delete)
{
	struct policy_change chg;
	struct conf_rule r;
	struct policy *p2 = NULL, *p3 = NULL;
	struct ctf_err err;
	struct ctf_flow_key k;
	struct policy_decision d;
	struct ctf_nlbuf kb, mb;

	ck_assert(!conf_rule_parse(&r, 20, "recirc_id(0),eth_type(0x0800),ct_state(-trk)",
					 "drop", &pol->ports, &err));
	ck_assert_int_eq(policy_with_rule(&p2, pol, &r, 100, &chg, &err), -EEXIST);
	conf_rule_free(&r);

	ck_assert(!conf_rule_parse(&r, 40, "recirc_id(1),in_port(s0),eth_type(0x0800)",
					 "c0", &pol->ports, &err));
	ck_assert_int_eq(policy_with_rule(&p2, pol, &r, 100, &chg, &err), 0);
	conf_rule_free(&r);
	ck_assert_uint_eq(p2->n_rules, 7);
	ck_assert_uint_eq(chg.n_added, 1);
	ck_assert_uint_eq(chg.added[0]->id, 100);
	ck_assert_uint_eq(chg.n_removed, 0);
	ck_assert_ptr_eq(p2->ordered[0], chg.added[0]);	/* highest priority first */
	ck_assert_ptr_eq(policy_find_id(p2, 100), chg.added[0]);
	/* The rules it kept are the same objects: ids and counters survive. */
	ck_assert_ptr_eq(p2->rules[2], pol->rules[2]);
	policy_change_free(&chg);

	parse_match("recirc_id(0),eth_type(0x0800),ct_state(-trk)", &kb, &mb);
	ck_assert_int_eq(policy_without_rule(&p3, p2, 21, ctf_nlbuf_data(&kb), ctf_nlbuf_len(&kb),
						 ctf_nlbuf_data(&mb), ctf_nlbuf_len(&mb), &chg, &err),
			 -ENOENT);
	ck_assert_int_eq(policy_without_rule(&p3, p2, 20, ctf_nlbuf_data(&kb), ctf_nlbuf_len(&kb),
						 ctf_nlbuf_data(&mb), ctf_nlbuf_len(&mb), &chg, &err),
			 0);
	ck_assert_uint_eq(p3->n_rules, 6);
	ck_assert_uint_eq(chg.n_removed, 1);
	ck_assert_uint_eq(chg.removed[0], pol->rules[2]->id);
	policy_change_free(&chg);
	packet(&k, 0, 1, 0, 1, 2, 3, 4);
	policy_classify(p3, &k, &d);
	ck_assert_ptr_null(d.rule);	/* rule 20 is gone: default */
	policy_classify(p2, &k, &d);
	ck_assert_ptr_nonnull(d.rule);	/* the older policy is untouched */
	ctf_nlbuf_free(&kb);
	ctf_nlbuf_free(&mb);
	policy_free(p2);
	policy_free(p3);
}
END_TEST

START_TEST(reload_keeps_identical_rules_and_reports_the_change)
{
	static const char changed[] =
		"datapath ctfw\nport c0\nport s0\n"
		"rule 10 recirc_id(0),in_port(c0),eth_type(0x0806) s0\n"
		"rule 10 recirc_id(0),in_port(s0),eth_type(0x0806) c0\n"
		"rule 20 recirc_id(0),eth_type(0x0800),ct_state(-trk) ct(zone=7),recirc(1)\n"
		"rule 30 recirc_id(1),in_port(c0),eth_type(0x0800),ct_state(+trk+new) ct(commit,zone=8),s0\n"
		"rule 30 recirc_id(1),in_port(s0),eth_type(0x0800),ct_state(+trk+est) c0\n"
		"rule 35 recirc_id(1),in_port(s0),eth_type(0x0800),ct_state(+trk+new) drop\n";
	struct policy_change chg;
	struct policy *p2;
	struct ctf_flow_key k;
	struct policy_decision d;

	/* A hit on rule 20 before the reload. */
	packet(&k, 0, 1, 0, 1, 2, 3, 4);
	policy_classify(pol, &k, &d);
	atomic_fetch_add(&d.rule->hits, 1);

	p2 = policy_of(changed, pol, &chg);
	ck_assert_uint_eq(p2->n_rules, 6);
	for (int i = 0; i < 3; i++)
		ck_assert_ptr_eq(p2->rules[i], pol->rules[i]);
	ck_assert_ptr_eq(p2->rules[4], pol->rules[5]);
	ck_assert_uint_eq(atomic_load(&p2->rules[2]->hits), 1);
	/* The commit rule changed its actions: a new rule; the +est rule of c0 is gone. */
	ck_assert_uint_eq(chg.n_added, 2);
	ck_assert_uint_eq(chg.n_removed, 2);
	ck_assert(!chg.all && !chg.deflt);
	ck_assert_uint_gt(p2->rules[3]->id, pol->rules[5]->id);
	ck_assert_ptr_eq(p2->deflt, pol->deflt);
	policy_change_free(&chg);
	policy_free(p2);

	/* Rules of equal priority in another order: any flow may be affected. */
	{
		static const char swapped[] =
			"datapath ctfw\nport c0\nport s0\n"
			"rule 10 recirc_id(0),in_port(s0),eth_type(0x0806) c0\n"
			"rule 10 recirc_id(0),in_port(c0),eth_type(0x0806) s0\n";
		struct policy *p3 = policy_of(swapped, pol, &chg);

		ck_assert(chg.all);
		policy_change_free(&chg);
		policy_free(p3);
	}
	/* The same at the highest priority, the last entry of the order check's table. */
	{
		static const char top[] =
			"datapath ctfw\nport c0\nport s0\n"
			"rule 65535 recirc_id(0),in_port(c0),eth_type(0x0806) s0\n"
			"rule 65535 recirc_id(0),in_port(s0),eth_type(0x0806) c0\n";
		static const char top_swapped[] =
			"datapath ctfw\nport c0\nport s0\n"
			"rule 65535 recirc_id(0),in_port(s0),eth_type(0x0806) c0\n"
			"rule 65535 recirc_id(0),in_port(c0),eth_type(0x0806) s0\n";
		struct policy *p4 = policy_of(top, NULL, NULL);
		struct policy *p5 = policy_of(top, p4, &chg);

		ck_assert(!chg.all);
		policy_change_free(&chg);
		policy_free(p5);
		p5 = policy_of(top_swapped, p4, &chg);
		ck_assert(chg.all);
		policy_change_free(&chg);
		policy_free(p5);
		policy_free(p4);
	}
	/* Another default action, and megaflows off. */
	p2 = policy_of("datapath ctfw\nport c0\nport s0\ndefault-action c0\n", pol, &chg);
	ck_assert(chg.deflt && !chg.all);
	ck_assert_uint_eq(chg.n_removed, 6);
	policy_change_free(&chg);
	policy_free(p2);
	p2 = policy_of("datapath ctfw\nport c0\nport s0\nmegaflows off\n", pol, &chg);
	ck_assert(chg.all);
	policy_change_free(&chg);
	policy_free(p2);
}
END_TEST

START_TEST(a_duplicate_in_a_file_names_both_lines)
{
	struct conf cfg;
	struct ctf_portmap map;
	struct policy *p = NULL;
	struct ctf_err err;

	conf_init(&cfg);
	ck_assert(!conf_parse_string(&cfg, "d.conf",
					   "datapath x\nport c0\n"
					   "rule 5 recirc_id(0),eth_type(0x0806) drop\n"
					   "rule 5 eth_type(0x0806),recirc_id(0) c0\n", &err));
	conf_portmap(&cfg, &map);
	ck_assert_int_eq(policy_from_config(&p, &cfg, &map, NULL, &next_id, NULL, &err), -EEXIST);
	ck_assert_ptr_nonnull(strstr(err.msg, "d.conf:4: "));
	ck_assert_ptr_nonnull(strstr(err.msg, "line 3"));
	ctf_portmap_free(&map);
	conf_free(&cfg);
}
END_TEST

START_TEST(overlap)
{
	struct ctf_flow_key ak, am, bk, bm;

	memset(&ak, 0, sizeof(ak));
	memset(&am, 0, sizeof(am));
	memset(&bk, 0, sizeof(bk));
	memset(&bm, 0, sizeof(bm));
	ak.recirc_id = 1;
	am.recirc_id = UINT32_MAX;
	bk.ipv4.ipv4_src = htonl(0x0a000000);
	bm.ipv4.ipv4_src = htonl(0xff000000);
	ck_assert(policy_overlap(&ak, &am, &bk, &bm));	/* disjoint fields */
	bk.recirc_id = 0;
	bm.recirc_id = 2;
	ck_assert(policy_overlap(&ak, &am, &bk, &bm));	/* agree on the shared bit */
	bm.recirc_id = 3;
	ck_assert(!policy_overlap(&ak, &am, &bk, &bm));	/* disagree on bit 0 */
}
END_TEST

START_TEST(megaflows_off_is_exact)
{
	struct ctf_flow_key k, exact;
	struct policy_decision d;
	struct policy *p = policy_of("datapath ctfw\nport c0\nmegaflows off\n"
					 "rule 1 recirc_id(0),eth_type(0x0800) drop\n", NULL, NULL);

	packet(&k, 0, 1, 0, 1, 2, 3, 4);
	policy_classify(p, &k, &d);
	ctf_flow_key_mask_exact(&exact, &k);
	ck_assert(!memcmp(&exact, &d.mask, sizeof(exact)));
	policy_free(p);
}
END_TEST

/* An IPv6 UDP packet's key from @src, as the kernel would send it. */
static void packet6(struct ctf_flow_key *k, const char *src)
{
	char text[512];

	snprintf(text, sizeof(text),
		 "recirc_id(0),dp_hash(0),skb_priority(0),in_port(1),skb_mark(0),ct_state(0),"
		 "ct_zone(0),ct_mark(0),ct_label(0),eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),"
		 "eth_type(0x86dd),ipv6(src=%s,dst=2001:db8:1::1,label=0,proto=17,tclass=0x0,"
		 "hlimit=64,frag=no),udp(src=1000,dst=53)", src);
	key_from_text(k, text);
}

/* The source address bits a megaflow examines, as 4 host-order words. */
static void ipv6_src_mask(const struct policy_decision *d, uint32_t w[4])
{
	for (int i = 0; i < 4; i++)
		w[i] = ntohl(d->mask.ipv6.ipv6_src[i]);
}

/*
 * A prefix that ends in the address's second half: a packet outside it
 * unwildcards the source up to the bit that tells it apart, and a packet
 * inside it the whole prefix.
 */
START_TEST(ipv6_prefix_megaflow_stops_at_the_deciding_bit)
{
	struct ctf_flow_key k;
	struct policy_decision d;
	uint32_t w[4];
	struct policy *p = policy_of("datapath ctfw\nport c0\n"
				     "rule 100 recirc_id(0),eth_type(0x86dd),ipv6(src=2001:db8::/100) drop\n"
				     "rule 10 recirc_id(0),eth_type(0x86dd) c0\n", NULL, NULL);

	/* 2001:db8::8:0:0:1 leaves the /100 at bit 76 (0x0008 in the fifth group). */
	packet6(&k, "2001:db8::8:0:0:1");
	policy_classify(p, &k, &d);
	ck_assert_ptr_nonnull(d.rule);
	ck_assert_uint_eq(d.rule->text.priority, 10);
	ipv6_src_mask(&d, w);
	ck_assert_uint_eq(w[0], 0xffffffff);
	ck_assert_uint_eq(w[1], 0xffffffff);
	ck_assert_uint_eq(w[2], 0xfff80000);	/* bits 64..76 */
	ck_assert_uint_eq(w[3], 0);

	/* 2001:db8::fff:ffff is inside it: the decision needs all 100 bits. */
	packet6(&k, "2001:db8::fff:ffff");
	policy_classify(p, &k, &d);
	ck_assert_ptr_nonnull(d.rule);
	ck_assert_uint_eq(d.rule->text.priority, 100);
	ipv6_src_mask(&d, w);
	ck_assert_uint_eq(w[2], 0xffffffff);
	ck_assert_uint_eq(w[3], 0xf0000000);	/* bits 96..99 */
	policy_free(p);
}
END_TEST

static Suite *policy_suite(void)
{
	Suite *s = suite_create("daemon_policy");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 300);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, firewall_decisions);
	tcase_add_test(tc, megaflows_are_per_port_not_per_connection);
	tcase_add_test(tc, decisions_and_megaflows_agree_with_brute_force);
	tcase_add_test(tc, add_duplicate_and_delete);
	tcase_add_test(tc, reload_keeps_identical_rules_and_reports_the_change);
	tcase_add_test(tc, a_duplicate_in_a_file_names_both_lines);
	tcase_add_test(tc, overlap);
	tcase_add_test(tc, megaflows_off_is_exact);
	tcase_add_test(tc, ipv6_prefix_megaflow_stops_at_the_deciding_bit);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run_suite(policy_suite());
}
