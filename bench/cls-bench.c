// SPDX-License-Identifier: Apache-2.0
/*
 * cls-bench: ctflowd's classifier alone, on the host, one core. For policies
 * of growing size from bench/policy-gen.c (a conntrack pipeline plus
 * security-group rules over subnets, port lists and ct states), it measures:
 *
 *   load      parsing the rules file (conf_parse_string: flow text,
 *             actions, kernel checks) and building the policy from it
 *   lookup    ns per miss: policy_classify() on a traffic mix of new,
 *             established and untracked packets, decision and megaflow mask,
 *             a batch of UPCALL_BATCH keys at a time as ctflowd's handlers
 *             do (the keys in the cache, as just-decoded keys are)
 *   quality   how many distinct megaflows (masked key + mask) the traffic
 *             mix needs, and the mean number of mask bits set in them:
 *             fewer flows means fewer upcalls and a smaller kernel table
 *
 *   cls-bench [-n "10 1000 10000 100000"] [-p PACKETS] [-r REPS]
 *   cls-bench --gen-conf N [DP P1 P2]   print a ctflowd.conf of N rules
 *   cls-bench --gen-openflow N          the same policy for ovs-ofctl add-flows
 *   cls-bench --gen-traffic N           pktgen ranges that meet it (bench/upcall-bench.sh)
 *
 * Output: one "key=value ..." line per policy size. Not a test: it asserts
 * nothing about time.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/openvswitch.h>

#include "ctflow/match.h"
#include "../src/daemon/conf.h"
#include "../src/daemon/handler.h"
#include "../src/daemon/policy.h"
#include "policy-gen.h"

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* For the lookups, timed a batch at a time: a clock read costs less than a batch. */
static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static char *conf_text(unsigned n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	pgen_conf(n, "bench", "p1", "p2", f);
	fclose(f);
	return buf;
}

/* The upcall key of a generated packet, as ctf_flow_key_from_attrs would give it. */
static void packet_key(const struct pgen_packet *p, unsigned recirc, uint32_t ct_state,
		       struct ctf_flow_key *k)
{
	memset(k, 0, sizeof(*k));
	k->attrs = CTF_KEY_BIT(OVS_KEY_ATTR_RECIRC_ID) | CTF_KEY_BIT(OVS_KEY_ATTR_DP_HASH) |
		   CTF_KEY_BIT(OVS_KEY_ATTR_PRIORITY) | CTF_KEY_BIT(OVS_KEY_ATTR_IN_PORT) |
		   CTF_KEY_BIT(OVS_KEY_ATTR_SKB_MARK) | CTF_KEY_BIT(OVS_KEY_ATTR_CT_STATE) |
		   CTF_KEY_BIT(OVS_KEY_ATTR_CT_ZONE) | CTF_KEY_BIT(OVS_KEY_ATTR_CT_MARK) |
		   CTF_KEY_BIT(OVS_KEY_ATTR_CT_LABELS) | CTF_KEY_BIT(OVS_KEY_ATTR_ETHERNET) |
		   CTF_KEY_BIT(OVS_KEY_ATTR_ETHERTYPE) | CTF_KEY_BIT(OVS_KEY_ATTR_IPV4);
	k->recirc_id = recirc;
	k->in_port = p->in_port;
	k->ct_state = ct_state;
	k->ct_zone = recirc ? 7 : 0;
	k->eth_type = htons(0x0800);
	k->eth.eth_src[5] = 1;
	k->eth.eth_dst[5] = 2;
	k->ipv4.ipv4_src = htonl(p->src);
	k->ipv4.ipv4_dst = htonl(p->dst);
	k->ipv4.ipv4_proto = (uint8_t)p->proto;
	k->ipv4.ipv4_ttl = 64;
	if (p->proto == 6) {
		k->attrs |= CTF_KEY_BIT(OVS_KEY_ATTR_TCP) | CTF_KEY_BIT(OVS_KEY_ATTR_TCP_FLAGS);
		k->tcp.tcp_src = htons((uint16_t)p->sport);
		k->tcp.tcp_dst = htons((uint16_t)p->dport);
		k->tcp_flags = htons(ct_state & 0x02 ? 0x10 : 0x02);
	} else if (p->proto == 17) {
		k->attrs |= CTF_KEY_BIT(OVS_KEY_ATTR_UDP);
		k->udp.udp_src = htons((uint16_t)p->sport);
		k->udp.udp_dst = htons((uint16_t)p->dport);
	} else {
		k->attrs |= CTF_KEY_BIT(OVS_KEY_ATTR_ICMP);
		k->icmp.icmp_type = 8;
	}
}

/*
 * Packet @i of the traffic mix: 20% untracked at recirc 0, 60% new and 20%
 * established at recirc 1.
 */
static void make_packet(unsigned n_rules, unsigned i, struct ctf_flow_key *k)
{
	struct pgen_packet p;
	unsigned kind = i % 5;

	pgen_packet(i, n_rules, &p);
	if (kind == 0)
		packet_key(&p, 0, 0, k);
	else
		packet_key(&p, 1, kind == 4 ? 0x22 : 0x21, k);
}

/* Distinct megaflows: an open-addressed set of 64-bit digests. */
struct digest_set {
	uint64_t *slots;
	size_t n_slots, n;
};

static uint64_t digest(const void *a, size_t alen, const void *b, size_t blen)
{
	const unsigned char *p = a;
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < alen; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	p = b;
	for (size_t i = 0; i < blen; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h | 1;
}

static void digest_add(struct digest_set *s, uint64_t h)
{
	size_t i;

	if ((s->n + 1) * 2 > s->n_slots) {
		struct digest_set big = { ctf_xzalloc(sizeof(uint64_t) * s->n_slots * 2),
					  s->n_slots * 2, 0 };

		for (size_t j = 0; j < s->n_slots; j++)
			if (s->slots[j])
				digest_add(&big, s->slots[j]);
		free(s->slots);
		*s = big;
	}
	for (i = h & (s->n_slots - 1); s->slots[i]; i = (i + 1) & (s->n_slots - 1))
		if (s->slots[i] == h)
			return;
	s->slots[i] = h;
	s->n++;
}

static unsigned popcount_body(const struct ctf_flow_key *m)
{
	const unsigned char *p = (const unsigned char *)m + CTF_KEY_BODY_START;
	unsigned bits = 0;

	for (size_t i = 0; i < sizeof(*m) - CTF_KEY_BODY_START; i++)
		bits += (unsigned)__builtin_popcount(p[i]);
	return bits;
}

static int run(unsigned n_rules, unsigned n_packets, unsigned reps)
{
	struct conf cfg;
	struct ctf_portmap map;
	struct policy *pol = NULL;
	struct ctf_cls_stats cs;
	struct ctf_err err;
	struct ctf_flow_key *batch, key, masked;
	struct policy_decision dec;
	struct digest_set flows = { ctf_xzalloc(sizeof(uint64_t) * 1024), 1024, 0 };
	char *text = conf_text(n_rules), buf[1100];
	double t0, t_parse, t_build, best = 1e30;
	uint64_t mask_bits = 0, by_rule = 0, next_id = 1;
	volatile uintptr_t sink = 0;

	conf_init(&cfg);
	t0 = cpu_now();
	if (conf_parse_string(&cfg, "bench.conf", text, &err)) {
		fprintf(stderr, "cls-bench: %s\n", ctf_err_text(&err, buf, sizeof(buf)));
		return 1;
	}
	t_parse = cpu_now() - t0;
	conf_portmap(&cfg, &map);
	t0 = cpu_now();
	if (policy_from_config(&pol, &cfg, &map, NULL, &next_id, NULL, &err)) {
		fprintf(stderr, "cls-bench: %s\n", ctf_err_text(&err, buf, sizeof(buf)));
		return 1;
	}
	t_build = cpu_now() - t0;
	ctf_portmap_free(&map);
	free(text);
	cls_stats(pol->cls, &cs);

	batch = ctf_xmalloc(UPCALL_BATCH * sizeof(*batch));
	for (unsigned r = 0; r < reps; r++) {
		double spent = 0;

		/*
		 * As ctflowd's handlers: a batch of upcalls is received and
		 * its keys decoded into memory the handler reuses, then each
		 * is classified. Making the keys stands for the decoding and
		 * is not timed: the keys are in the cache, the classifier's
		 * data are as the traffic leaves them.
		 */
		for (unsigned first = 0; first < n_packets; first += UPCALL_BATCH) {
			unsigned n = n_packets - first < UPCALL_BATCH ? n_packets - first : UPCALL_BATCH;

			for (unsigned i = 0; i < n; i++)
				make_packet(n_rules, first + i, &batch[i]);
			t0 = wall_now();
			for (unsigned i = 0; i < n; i++) {
				policy_classify(pol, &batch[i], &dec);
				sink += (uintptr_t)dec.rule;
			}
			spent += wall_now() - t0;
		}
		if (spent < best)
			best = spent;
	}
	free(batch);
	for (unsigned i = 0; i < n_packets; i++) {
		const size_t body = sizeof(masked) - CTF_KEY_BODY_START;

		make_packet(n_rules, i, &key);
		policy_classify(pol, &key, &dec);
		ctf_flow_key_mask_apply(&masked, &key, &dec.mask);
		digest_add(&flows, digest((char *)&masked + CTF_KEY_BODY_START, body,
					  (char *)&dec.mask + CTF_KEY_BODY_START, body));
		mask_bits += popcount_body(&dec.mask);
		by_rule += dec.rule != NULL;
	}
	printf("rules=%u parse_s=%.4f build_s=%.4f packets=%u ns_per_lookup=%.1f "
	       "megaflows=%zu mask_bits=%.1f decided_by_rule=%.3f subtables=%zu cls_kib=%zu\n",
	       n_rules, t_parse, t_build, n_packets, best * 1e9 / n_packets, flows.n,
	       (double)mask_bits / n_packets, (double)by_rule / n_packets, cs.subtables,
	       cs.bytes / 1024);
	fflush(stdout);
	free(flows.slots);
	policy_free(pol);
	conf_free(&cfg);
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: cls-bench [-n \"N...\"] [-p PACKETS] [-r REPS]\n"
		     "       cls-bench --gen-conf N [DP P1 P2] | --gen-openflow N | --gen-traffic N\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "gen-conf", required_argument, NULL, 'C' },
		{ "gen-openflow", required_argument, NULL, 'O' },
		{ "gen-traffic", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sizes = "10 1000 10000 100000";
	unsigned n_packets = 200000, reps = 3;
	int c;

	while ((c = getopt_long(argc, argv, "n:p:r:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n': sizes = optarg; break;
		case 'p': n_packets = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'r': reps = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'C': {
			unsigned n = (unsigned)strtoul(optarg, NULL, 0);

			if (argc - optind >= 3)
				pgen_conf(n, argv[optind], argv[optind + 1], argv[optind + 2], stdout);
			else
				pgen_conf(n, "ctfw", "c0", "s0", stdout);
			return 0;
		}
		case 'O': {
			unsigned n = (unsigned)strtoul(optarg, NULL, 0);
			struct ctf_str s;

			ctf_str_init(&s);
			for (unsigned i = 0; i < n; i++) {
				struct pgen_rule r;

				pgen_rule(i, n, &r);
				ctf_str_clear(&s);
				pgen_rule_openflow(&r, &s);
				printf("%s\n", ctf_str_cstr(&s));
			}
			ctf_str_free(&s);
			return 0;
		}
		case 'T':
			pgen_traffic((unsigned)strtoul(optarg, NULL, 0), stdout);
			return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!n_packets || !reps) {
		usage(stderr);
		return 2;
	}
	for (const char *p = sizes; *p;) {
		char *end;
		unsigned long n = strtoul(p, &end, 10);

		if (end == p)
			break;
		if (run((unsigned)n, n_packets, reps))
			return 1;
		p = end;
	}
	return 0;
}
