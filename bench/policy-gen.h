/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A generator of realistic conntrack firewall policies and of the traffic
 * that meets them, shared by the classifier benchmark (cls-bench) and the
 * daemon benchmarks in the VM. A policy is what a host with many workloads
 * carries: a conntrack pipeline (untracked packets go through ct() and
 * recirculate; established and related ones pass), then per-workload
 * security-group rules for new connections (source prefixes of several
 * lengths, destination subnets, TCP/UDP service ports and port ranges,
 * ICMP), a block list of single hosts and nets on top, and a default drop.
 *
 * Every rule is emitted twice, from the same numbers: as a ctflowd.conf
 * `rule` line (datapath flow syntax) and as an OpenFlow flow for
 * `ovs-ofctl add-flows` (table 0 = recirc_id(0), table 1 = recirc_id(1)),
 * so that ctflowd and ovs-vswitchd can be given the same policy.
 */
#ifndef CTFLOW_BENCH_POLICY_GEN_H
#define CTFLOW_BENCH_POLICY_GEN_H

#include <stdint.h>
#include <stdio.h>

#include "ctflow/util.h"

/* The ports of the two-port topology every benchmark uses. */
#define PGEN_PORT_CLIENT 1
#define PGEN_PORT_SERVER 2

enum pgen_proto { PGEN_ANY = 0, PGEN_ICMP = 1, PGEN_TCP = 6, PGEN_UDP = 17 };

enum pgen_action {
	PGEN_DROP,
	PGEN_CT_RECIRC,		/* ct(zone=7), then table 1 / recirc_id(1) */
	PGEN_TO_CLIENT,		/* output to port 1 */
	PGEN_TO_SERVER,		/* output to port 2 */
	PGEN_COMMIT_TO_SERVER,	/* ct(commit,zone=7), output to port 2 */
};

struct pgen_rule {
	unsigned priority;
	unsigned recirc;	/* 0 or 1 */
	unsigned in_port;	/* 0: any */
	const char *ct_state;	/* datapath syntax, NULL: any; e.g. "-trk", "+trk+new" */
	unsigned proto;		/* enum pgen_proto */
	uint32_t src, dst;	/* host order */
	unsigned src_plen, dst_plen;	/* 0: any */
	unsigned dport, dport_mask;	/* dport_mask 0: any */
	enum pgen_action action;
	unsigned arp;		/* 1: an ARP rule (eth_type 0x0806) */
};

/*
 * Rule @i of a policy of @n rules (0 <= i < n; rules 0..PGEN_BASE-1 are the
 * conntrack pipeline, the rest are security-group and block-list rules).
 * Deterministic: the same (i, n) always gives the same rule.
 */
#define PGEN_BASE 6
void pgen_rule(unsigned i, unsigned n, struct pgen_rule *r);

/* The rule as ctflowd.conf text ("rule P MATCH ACTIONS") and as an OpenFlow flow. */
void pgen_rule_conf(const struct pgen_rule *r, const char *p1, const char *p2,
		    struct ctf_str *out);
void pgen_rule_openflow(const struct pgen_rule *r, struct ctf_str *out);
/* The whole ctflowd.conf for datapath @dp with ports @p1, @p2. */
void pgen_conf(unsigned n, const char *dp, const char *p1, const char *p2, FILE *out);

/*
 * A packet of the traffic mix: connection @i (of a stream of distinct
 * connections) seen at recirc @recirc with @ct_state bits (OVS_CS_F_*).
 * Most connections come from the sources the policy names, go to its
 * subnets and services; the rest are random.
 */
struct pgen_packet {
	unsigned in_port;
	unsigned proto;
	uint32_t src, dst;	/* host order */
	unsigned sport, dport;
};
void pgen_packet(uint64_t seed, unsigned n_rules, struct pgen_packet *p);

/*
 * A traffic plan for kernel pktgen (UDP only) that meets a policy of @n
 * rules the way real traffic does: for a few UDP rules, sources inside the
 * rule's prefix to ports around its service; DNS to the workloads; sources
 * on the block list; and sources no rule names. One line per pktgen
 * instance: "SRC_MIN SRC_MAX DST_MIN DST_MAX DPORT_MIN DPORT_MAX".
 */
void pgen_traffic(unsigned n, FILE *out);

#endif
