// SPDX-License-Identifier: Apache-2.0
/* The policy and traffic generator of the benchmarks (see policy-gen.h). */
#include <string.h>

#include "mix.h"
#include "policy-gen.h"

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

/* Services the security groups open, one per rule slot of a workload. */
static const unsigned services[16] = {
	22, 80, 443, 3306, 5432, 6379, 8080, 8443, 9090, 9200, 11211, 27017, 5000, 5672, 2379, 25,
};
#define RULES_PER_WORKLOAD 16u

/* The sources security groups name: office nets, peers, monitoring hosts. */
#define SOURCE_POOL 512u
static const unsigned pool_plens[] = { 8, 16, 20, 24, 28, 32 };

static uint32_t prefix_mask(unsigned plen)
{
	return plen ? ~UINT32_C(0) << (32 - plen) : 0;
}

static void pool_prefix(unsigned k, uint32_t *addr, unsigned *plen)
{
	uint32_t h = mix32(k * 2654435761u + 17);

	*plen = pool_plens[k % (sizeof(pool_plens) / sizeof(pool_plens[0]))];
	/* 100.64.0.0/10 .. 172.x: away from the workload subnets (10/8). */
	*addr = ((UINT32_C(100) << 24) | (h & 0x3fffff) << 2 | (k & 3)) & prefix_mask(*plen);
	if (*plen == 8)
		*addr = (UINT32_C(100) + (k & 63)) << 24;
}

static uint32_t workload_subnet(unsigned w)
{
	return (UINT32_C(10) << 24) | ((w >> 8) & 255) << 16 | (w & 255) << 8;
}

static unsigned n_workloads(unsigned n_rules)
{
	unsigned extra = n_rules > PGEN_BASE ? n_rules - PGEN_BASE : 0;

	return extra / RULES_PER_WORKLOAD + 1;
}

void pgen_rule(unsigned i, unsigned n, struct pgen_rule *r)
{
	static const struct pgen_rule base[PGEN_BASE] = {
		{ .priority = 10, .in_port = PGEN_PORT_CLIENT, .arp = 1, .action = PGEN_TO_SERVER },
		{ .priority = 10, .in_port = PGEN_PORT_SERVER, .arp = 1, .action = PGEN_TO_CLIENT },
		{ .priority = 20, .ct_state = "-trk", .action = PGEN_CT_RECIRC },
		{ .priority = 30, .recirc = 1, .in_port = PGEN_PORT_CLIENT, .ct_state = "+trk+est",
		  .action = PGEN_TO_SERVER },
		{ .priority = 30, .recirc = 1, .in_port = PGEN_PORT_SERVER, .ct_state = "+trk+est",
		  .action = PGEN_TO_CLIENT },
		{ .priority = 25, .recirc = 1, .ct_state = "+trk+inv", .action = PGEN_DROP },
	};
	unsigned j, w, slot;
	uint32_t h;

	(void)n;
	if (i < PGEN_BASE) {
		*r = base[i];
		return;
	}
	j = i - PGEN_BASE;
	w = j / RULES_PER_WORKLOAD;
	slot = j % RULES_PER_WORKLOAD;
	h = mix32(j + 0x5bd1e995u);
	memset(r, 0, sizeof(*r));
	r->recirc = 1;
	r->ct_state = "+trk+new";
	r->in_port = PGEN_PORT_CLIENT;
	r->dst = workload_subnet(w);
	r->dst_plen = 24;
	if (slot == 0) {
		/* The block list: single hosts and small nets, above everything. */
		r->priority = 3000;
		r->in_port = 0;
		r->ct_state = NULL;
		r->dst_plen = 0;
		r->dst = 0;
		/* One per workload, distinct: the workload number is in the address. */
		r->src_plen = (w & 1) ? 32 : 26;
		r->src = (UINT32_C(198) << 24 | (w & 0xffff) << 6) & prefix_mask(r->src_plen);
		r->action = PGEN_DROP;
		return;
	}
	r->priority = 1000 + (h % 4) * 10;
	r->action = PGEN_COMMIT_TO_SERVER;
	if (slot == 15) {
		/* DNS from anywhere. */
		r->proto = PGEN_UDP;
		r->dport = 53;
		r->dport_mask = 0xffff;
		return;
	}
	pool_prefix((h >> 8) % SOURCE_POOL, &r->src, &r->src_plen);
	if ((h >> 20) % 20 == 0) {
		/* Ping to one /28 of the subnet: the slot keeps the rules distinct. */
		r->proto = PGEN_ICMP;
		r->dst |= slot << 4;
		r->dst_plen = 28;
		return;
	}
	r->proto = (h >> 24) % 4 == 0 ? PGEN_UDP : PGEN_TCP;
	r->dport = services[slot];
	r->dport_mask = 0xffff;
	if ((h >> 28) % 8 == 0) {
		/* A port range as a mask: 8000-8063, 9000-9255. */
		r->dport = slot & 1 ? 8000 + 64 * (slot / 2) : 9000 + 256 * (slot / 2);
		r->dport_mask = slot & 1 ? 0xffc0 : 0xff00;
		r->dport &= r->dport_mask;
	}
}

static void put_ip(struct ctf_str *s, uint32_t a)
{
	ctf_str_printf(s, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

static const char *port_name(unsigned port, const char *p1, const char *p2)
{
	return port == PGEN_PORT_CLIENT ? p1 : p2;
}

static void put_conf_actions(const struct pgen_rule *r, const char *p1, const char *p2,
			     struct ctf_str *s)
{
	switch (r->action) {
	case PGEN_DROP: ctf_str_puts(s, "drop"); break;
	case PGEN_CT_RECIRC: ctf_str_puts(s, "ct(zone=7),recirc(1)"); break;
	case PGEN_TO_CLIENT: ctf_str_puts(s, p1); break;
	case PGEN_TO_SERVER: ctf_str_puts(s, p2); break;
	case PGEN_COMMIT_TO_SERVER: ctf_str_printf(s, "ct(commit,zone=7),%s", p2); break;
	}
}

void pgen_rule_conf(const struct pgen_rule *r, const char *p1, const char *p2,
		    struct ctf_str *s)
{
	ctf_str_printf(s, "rule %u recirc_id(%u),", r->priority, r->recirc);
	if (r->in_port)
		ctf_str_printf(s, "in_port(%s),", port_name(r->in_port, p1, p2));
	if (r->arp) {
		ctf_str_puts(s, "eth_type(0x0806) ");
		put_conf_actions(r, p1, p2, s);
		return;
	}
	if (r->ct_state)
		ctf_str_printf(s, "ct_state(%s),", r->ct_state);
	ctf_str_puts(s, "eth_type(0x0800)");
	if (r->src_plen || r->dst_plen || r->proto) {
		const char *sep = "";

		ctf_str_puts(s, ",ipv4(");
		if (r->src_plen) {
			ctf_str_puts(s, "src=");
			put_ip(s, r->src);
			ctf_str_putc(s, '/');
			put_ip(s, prefix_mask(r->src_plen));
			sep = ",";
		}
		if (r->dst_plen) {
			ctf_str_printf(s, "%sdst=", sep);
			put_ip(s, r->dst);
			ctf_str_putc(s, '/');
			put_ip(s, prefix_mask(r->dst_plen));
			sep = ",";
		}
		if (r->proto)
			ctf_str_printf(s, "%sproto=%u", sep, r->proto);
		ctf_str_putc(s, ')');
	}
	if (r->dport_mask)
		ctf_str_printf(s, ",%s(dst=%u/%#x)", r->proto == PGEN_UDP ? "udp" : "tcp", r->dport,
			       r->dport_mask);
	ctf_str_putc(s, ' ');
	put_conf_actions(r, p1, p2, s);
}

void pgen_rule_openflow(const struct pgen_rule *r, struct ctf_str *s)
{
	ctf_str_printf(s, "table=%u,priority=%u,", r->recirc, r->priority);
	if (r->arp)
		ctf_str_puts(s, "arp");
	else if (r->proto == PGEN_TCP)
		ctf_str_puts(s, "tcp");
	else if (r->proto == PGEN_UDP)
		ctf_str_puts(s, "udp");
	else if (r->proto == PGEN_ICMP)
		ctf_str_puts(s, "icmp");
	else
		ctf_str_puts(s, "ip");
	if (r->in_port)
		ctf_str_printf(s, ",in_port=%u", r->in_port);
	if (r->ct_state)
		ctf_str_printf(s, ",ct_state=%s", r->ct_state);
	if (r->src_plen) {
		ctf_str_puts(s, ",nw_src=");
		put_ip(s, r->src);
		ctf_str_printf(s, "/%u", r->src_plen);
	}
	if (r->dst_plen) {
		ctf_str_puts(s, ",nw_dst=");
		put_ip(s, r->dst);
		ctf_str_printf(s, "/%u", r->dst_plen);
	}
	if (r->dport_mask == 0xffff)
		ctf_str_printf(s, ",tp_dst=%u", r->dport);
	else if (r->dport_mask)
		ctf_str_printf(s, ",tp_dst=%#x/%#x", r->dport, r->dport_mask);
	ctf_str_puts(s, " actions=");
	switch (r->action) {
	case PGEN_DROP: ctf_str_puts(s, "drop"); break;
	case PGEN_CT_RECIRC: ctf_str_puts(s, "ct(zone=7,table=1)"); break;
	case PGEN_TO_CLIENT: ctf_str_printf(s, "output:%u", PGEN_PORT_CLIENT); break;
	case PGEN_TO_SERVER: ctf_str_printf(s, "output:%u", PGEN_PORT_SERVER); break;
	case PGEN_COMMIT_TO_SERVER:
		ctf_str_printf(s, "ct(commit,zone=7),output:%u", PGEN_PORT_SERVER);
		break;
	}
}

void pgen_conf(unsigned n, const char *dp, const char *p1, const char *p2, FILE *out)
{
	struct ctf_str s;

	ctf_str_init(&s);
	fprintf(out, "# %u rules from bench/policy-gen.c\ndatapath %s\nport %s\nport %s\n", n, dp,
		p1, p2);
	for (unsigned i = 0; i < n; i++) {
		struct pgen_rule r;

		pgen_rule(i, n, &r);
		ctf_str_clear(&s);
		pgen_rule_conf(&r, p1, p2, &s);
		fprintf(out, "%s\n", ctf_str_cstr(&s));
	}
	ctf_str_free(&s);
}

void pgen_packet(uint64_t seed, unsigned n_rules, struct pgen_packet *p)
{
	uint64_t h = mix64(seed + 0x9e3779b97f4a7c15ULL);
	unsigned nw = n_workloads(n_rules);
	uint32_t r = (uint32_t)h, r2 = (uint32_t)(h >> 32);

	memset(p, 0, sizeof(*p));
	p->in_port = r % 10 ? PGEN_PORT_CLIENT : PGEN_PORT_SERVER;
	if ((r >> 4) % 10 < 6) {
		uint32_t addr;
		unsigned plen;

		pool_prefix(r2 % SOURCE_POOL, &addr, &plen);
		p->src = addr | (mix32(r2) & ~prefix_mask(plen));
	} else {
		p->src = UINT32_C(198) << 24 | (mix32(r) & 0xffffff);
	}
	if ((r >> 8) % 10 < 8)
		p->dst = workload_subnet((r2 >> 9) % nw) | (1 + (r >> 24) % 250);
	else
		p->dst = UINT32_C(192) << 24 | 2 << 8 | ((r >> 16) & 255);
	switch ((r >> 12) % 20) {
	case 0: p->proto = PGEN_ICMP; break;
	case 1: case 2: case 3: case 4: case 5: p->proto = PGEN_UDP; break;
	default: p->proto = PGEN_TCP; break;
	}
	p->sport = 1024 + mix32(r2 ^ r) % 64000;
	p->dport = (r2 >> 20) % 10 < 7 ? services[(r2 >> 24) % 16] : 1024 + (r2 >> 8) % 64000;
	if (p->proto == PGEN_UDP && (r2 & 3) == 0)
		p->dport = 53;
}

static void put_range(FILE *out, uint32_t lo, uint32_t hi)
{
	fprintf(out, "%u.%u.%u.%u %u.%u.%u.%u", lo >> 24, (lo >> 16) & 255, (lo >> 8) & 255, lo & 255,
		hi >> 24, (hi >> 16) & 255, (hi >> 8) & 255, hi & 255);
}

void pgen_traffic(unsigned n, FILE *out)
{
	unsigned found = 0;

	for (unsigned i = PGEN_BASE; i < n && found < 3; i++) {
		struct pgen_rule r;

		pgen_rule(i, n, &r);
		if (r.proto != PGEN_UDP || !r.src_plen || r.dport_mask != 0xffff)
			continue;
		/* 20 sources of the rule's prefix, 20 ports from its service up. */
		put_range(out, r.src + (r.src_plen < 32), r.src + (r.src_plen < 32 ? 20 : 0));
		fputc(' ', out);
		put_range(out, r.dst + 1, r.dst + 20);
		fprintf(out, " %u %u\n", r.dport, r.dport + 19);
		found++;
	}
	/* DNS to the first workload from sources of a /16 no rule names. */
	put_range(out, 0x64ff0001u, 0x64ff0014u);
	fputc(' ', out);
	put_range(out, workload_subnet(0) + 1, workload_subnet(0) + 20);
	fprintf(out, " 53 53\n");
	/* The block list, and strangers to the services. */
	put_range(out, UINT32_C(198) << 24 | 1u << 6, (UINT32_C(198) << 24 | 1u << 6) + 20);
	fputc(' ', out);
	put_range(out, workload_subnet(0) + 1, workload_subnet(0) + 20);
	fprintf(out, " 80 99\n");
	put_range(out, 0xcb007101u, 0xcb007114u);
	fputc(' ', out);
	put_range(out, workload_subnet(0) + 1, workload_subnet(0) + 20);
	fprintf(out, " 20 39\n");
}
