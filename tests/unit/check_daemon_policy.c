// SPDX-License-Identifier: Apache-2.0
/*
 * The policy over real flow keys: the example firewall's decisions, megaflow
 * masks that stay per-port rather than per-connection, masks that the
 * kernel would accept, and the same-decision property on random packets.
 */
#include <check.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctflow/flowtext.h"
#include "ctflow/match.h"
#include "../../src/daemon/conf.h"
#include "../../src/daemon/policy.h"

static const char firewall[] =
	"datapath ctfw\nport c0\nport s0\n"
	"rule 10 recirc_id(0),in_port(c0),eth_type(0x0806) s0\n"
	"rule 10 recirc_id(0),in_port(s0),eth_type(0x0806) c0\n"
	"rule 20 recirc_id(0),eth_type(0x0800),ct_state(-trk) ct(zone=7),recirc(1)\n"
	"rule 30 recirc_id(1),in_port(c0),eth_type(0x0800),ct_state(+trk+new) ct(commit,zone=7),s0\n"
	"rule 30 recirc_id(1),in_port(c0),eth_type(0x0800),ct_state(+trk+est) s0\n"
	"rule 30 recirc_id(1),in_port(s0),eth_type(0x0800),ct_state(+trk+est) c0\n";

static struct ctf_config cfg;
static struct ctf_policy pol;

static void setup(void)
{
	struct ctf_err err;
	char buf[1100];

	ctf_config_init(&cfg);
	ck_assert_msg(!ctf_config_parse_string(&cfg, "fw.conf", firewall, &err), "%s",
		      ctf_err_text(&err, buf, sizeof(buf)));
	ctf_policy_init(&pol);
	ck_assert_msg(!ctf_policy_load(&pol, &cfg, 1, &err), "%s",
		      ctf_err_text(&err, buf, sizeof(buf)));
}

static void teardown(void)
{
	ctf_policy_destroy(&pol);
	ctf_config_free(&cfg);
}

/* A packet key as the kernel would send it in an upcall. */
static void packet(struct ctf_flow_key *k, uint32_t recirc, uint32_t port, uint32_t ct_state,
		   uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport)
{
	char text[512];
	struct ctf_nlbuf kb, mb;
	struct ctf_err err;
	char buf[1100];

	snprintf(text, sizeof(text),
		 "recirc_id(%u),dp_hash(0),skb_priority(0),in_port(%u),skb_mark(0),ct_state(%#x),"
		 "ct_zone(0),ct_mark(0),ct_label(0),eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),"
		 "eth_type(0x0800),ipv4(src=%u.%u.%u.%u,dst=%u.%u.%u.%u,proto=6,tos=0,ttl=64,frag=no),"
		 "tcp(src=%u,dst=%u),tcp_flags(0x002)",
		 recirc, port, ct_state, src >> 24, (src >> 16) & 255, (src >> 8) & 255, src & 255,
		 dst >> 24, (dst >> 16) & 255, (dst >> 8) & 255, dst & 255, sport, dport);
	ctf_nlbuf_init(&kb, 4096);
	ctf_nlbuf_init(&mb, 4096);
	ck_assert_msg(!ctf_key_parse(text, NULL, &kb, &mb, &err), "%s: %s", text,
		      ctf_err_text(&err, buf, sizeof(buf)));
	ck_assert(!ctf_flow_key_from_attrs(ctf_nlbuf_data(&kb), ctf_nlbuf_len(&kb), k, &err));
	ctf_nlbuf_free(&kb);
	ctf_nlbuf_free(&mb);
}

#define TRK 0x20
#define NEW 0x01
#define EST 0x02

START_TEST(firewall_decisions)
{
	struct ctf_flow_key k;
	struct ctf_decision d;

	packet(&k, 0, 1, 0, 0x0a000001, 0x0a000002, 40000, 80);
	ctf_policy_classify(&pol, &k, &d);
	ck_assert_ptr_nonnull(d.rule);
	ck_assert_uint_eq(d.rule->text.priority, 20);

	packet(&k, 1, 1, TRK | NEW, 0x0a000001, 0x0a000002, 40000, 80);
	ctf_policy_classify(&pol, &k, &d);
	ck_assert_ptr_nonnull(d.rule);
	ck_assert_str_eq(d.rule->text.actions_text, "ct(commit,zone=7),s0");

	/* A new connection from the server side matches nothing: default drop. */
	packet(&k, 1, 2, TRK | NEW, 0x0a000002, 0x0a000001, 22, 40000);
	ctf_policy_classify(&pol, &k, &d);
	ck_assert_ptr_null(d.rule);
	ck_assert_uint_eq(d.actions_len, 0);

	packet(&k, 1, 2, TRK | EST, 0x0a000002, 0x0a000001, 80, 40000);
	ctf_policy_classify(&pol, &k, &d);
	ck_assert_ptr_nonnull(d.rule);
	ck_assert_str_eq(d.rule->text.actions_text, "c0");
}
END_TEST

/* Megaflow (key & mask) bytes, for counting distinct flows. */
static void megaflow_text(const struct ctf_flow_key *k, const struct ctf_decision *d,
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
	struct ctf_decision d;
	int distinct = 0;

	ctf_str_init(&text);
	ctf_str_init(&seen);
	for (int conn = 0; conn < 300; conn++) {
		uint32_t recirc = (uint32_t)conn % 2, port = 1 + (uint32_t)(conn / 2) % 2;

		packet(&k, recirc, port, recirc ? states[conn % 3] : 0,
		       0x0a000000 + (uint32_t)conn, 0x0a0000fe, (uint16_t)(30000 + conn), 80);
		ctf_policy_classify(&pol, &k, &d);
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

static uint32_t rng = 99;

static uint32_t rnd(void)
{
	rng = rng * 1103515245u + 12345u;
	return rng >> 8;
}

static void random_packet(struct ctf_flow_key *k)
{
	static const uint32_t states[] = { 0, TRK | NEW, TRK | EST, TRK | EST | 0x08, TRK | 0x10 };

	packet(k, rnd() % 3, 1 + rnd() % 3, states[rnd() % 5], 0x0a000001 + rnd() % 3,
	       0x0a000001 + rnd() % 3, (uint16_t)(rnd() % 3), (uint16_t)(rnd() % 3));
}

START_TEST(covered_packets_get_the_same_decision)
{
	struct ctf_err err;
	struct ctf_config_rule r;
	struct ctf_portmap map;

	/* Add rules that look at addresses and ports too, to make it interesting. */
	ctf_config_portmap(&cfg, &map);
	ck_assert(!ctf_config_rule_parse(&r, 40, "recirc_id(1),eth_type(0x0800),ipv4(dst=10.0.0.2,proto=6),tcp(dst=1)",
					 "drop", &map, &err));
	ck_assert(!ctf_policy_add(&pol, &r, &err));
	ck_assert(!ctf_config_rule_parse(&r, 25, "recirc_id(2),in_port(s0),eth_type(0x0800),ipv4(src=10.0.0.3,proto=6),tcp(src=2)",
					 "c0", &map, &err));
	ck_assert(!ctf_policy_add(&pol, &r, &err));
	ctf_portmap_free(&map);

	for (int p = 0; p < 300; p++) {
		struct ctf_flow_key k, q, masked_k, masked_q;
		struct ctf_decision d, dq;

		random_packet(&k);
		ctf_policy_classify(&pol, &k, &d);
		ctf_flow_key_mask_apply(&masked_k, &k, &d.mask);
		for (int i = 0; i < 60; i++) {
			random_packet(&q);
			ctf_flow_key_mask_apply(&masked_q, &q, &d.mask);
			if (memcmp((char *)&masked_k + CTF_KEY_BODY_START,
				   (char *)&masked_q + CTF_KEY_BODY_START,
				   sizeof(k) - CTF_KEY_BODY_START))
				continue;	/* not covered by the megaflow */
			ctf_policy_classify(&pol, &q, &dq);
			ck_assert_ptr_eq(dq.rule, d.rule);
		}
	}
}
END_TEST

START_TEST(add_duplicate_and_delete)
{
	struct ctf_err err;
	struct ctf_config_rule r;
	struct ctf_portmap map;
	struct ctf_flow_key k;
	struct ctf_decision d;
	struct ctf_nlbuf kb, mb;

	ctf_config_portmap(&cfg, &map);
	ck_assert(!ctf_config_rule_parse(&r, 20, "recirc_id(0),eth_type(0x0800),ct_state(-trk)",
					 "drop", &map, &err));
	ck_assert_int_eq(ctf_policy_add(&pol, &r, &err), -EEXIST);
	ctf_config_rule_free(&r);

	ctf_nlbuf_init(&kb, 1024);
	ctf_nlbuf_init(&mb, 1024);
	ck_assert(!ctf_key_parse("recirc_id(0),eth_type(0x0800),ct_state(-trk)", &map, &kb, &mb, &err));
	ck_assert_int_eq(ctf_policy_del(&pol, 21, ctf_nlbuf_data(&kb), ctf_nlbuf_len(&kb),
					ctf_nlbuf_data(&mb), ctf_nlbuf_len(&mb), &err), -ENOENT);
	ck_assert_int_eq(ctf_policy_del(&pol, 20, ctf_nlbuf_data(&kb), ctf_nlbuf_len(&kb),
					ctf_nlbuf_data(&mb), ctf_nlbuf_len(&mb), &err), 0);
	ck_assert_uint_eq(pol.n_rules, 5);
	packet(&k, 0, 1, 0, 1, 2, 3, 4);
	ctf_policy_classify(&pol, &k, &d);
	ck_assert_ptr_null(d.rule);	/* rule 20 is gone: default */
	ctf_nlbuf_free(&kb);
	ctf_nlbuf_free(&mb);
	ctf_portmap_free(&map);
}
END_TEST

START_TEST(megaflows_off_is_exact)
{
	struct ctf_flow_key k, exact;
	struct ctf_decision d;

	pol.megaflows = false;
	packet(&k, 0, 1, 0, 1, 2, 3, 4);
	ctf_policy_classify(&pol, &k, &d);
	ctf_flow_key_mask_exact(&exact, &k);
	ck_assert(!memcmp(&exact, &d.mask, sizeof(exact)));
}
END_TEST

static Suite *policy_suite(void)
{
	Suite *s = suite_create("daemon_policy");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, firewall_decisions);
	tcase_add_test(tc, megaflows_are_per_port_not_per_connection);
	tcase_add_test(tc, covered_packets_get_the_same_decision);
	tcase_add_test(tc, add_duplicate_and_delete);
	tcase_add_test(tc, megaflows_off_is_exact);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(policy_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
