// SPDX-License-Identifier: Apache-2.0
/*
 * flowtext-bench: single-core throughput of the flow language on a realistic
 * conntrack flow set, stage by stage (parse, validate, encode, decode,
 * format, and the whole round trip), in flows per second of process CPU
 * time. Optionally the same measure for ovs-dpctl's offline action parser
 * (`ovs-dpctl parse-actions A1 A2 ...`), the only part of its add-flows
 * parsing that can be run without a datapath.
 *
 *   flowtext-bench [-n N] [-r REPS] [--stage NAME] [--peer-dpctl PATH] [--peer-batch B]
 *   flowtext-bench --gen N      print N flows as "FLOW ACTIONS" lines
 *
 * Output: one "key=value ..." line per measure, for bench/run to tabulate.
 * Exit 1 if any generated flow is refused (the generator and the parser
 * disagree: the numbers would be meaningless).
 *
 * Not a test: it asserts nothing about time. Run by hand via bench/run.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include "ctflow/flow.h"
#include "ctflow/flowtext.h"
#include "ctflow/match.h"
#include "ctflow/nlsock.h"
#include "ctflow/util.h"
#include "mix.h"

/* ---- the flow set ------------------------------------------------------ */

static const unsigned service_ports[] = { 80, 443, 53, 22, 8080, 5060, 123, 3306 };
#define N_SERVICE_PORTS (sizeof(service_ports) / sizeof(service_ports[0]))

/*
 * Flow @i of the set, as text both ovs-dpctl 3.1 and ctflow take (recirc()
 * in decimal, no "drop", every flow distinct in its masked key so that the
 * kernel takes all of them). The templates follow a typical OVN/OVS
 * conntrack pipeline: a ct() lookup at recirc_id(0), then per-state flows
 * after recirculation (new+commit with mark/label, established, reply,
 * invalid), SNAT/DNAT in every form, orig tuples, IPv4 and IPv6, TCP, UDP
 * and ICMP, VLAN.
 */
static void gen_flow(uint32_t i, struct ctf_str *flow, struct ctf_str *acts)
{
	uint32_t h = mix32(i + 1), h2 = mix32(h);
	unsigned port = 1 + h % 16, out = 1 + (h >> 4) % 16;
	unsigned zone = 1 + (h >> 8) % 64, recirc = 1 + (h >> 14) % 32;
	unsigned sport = 1024 + i % 60000, dport = service_ports[(h >> 20) % N_SERVICE_PORTS];
	char src4[16], dst4[16], src6[48], dst6[48], mac1[18], mac2[18];

	snprintf(src4, sizeof(src4), "10.%u.%u.%u", (i >> 16) & 255, (i >> 8) & 255, i & 255);
	snprintf(dst4, sizeof(dst4), "192.168.%u.%u", h2 & 255, 1 + ((h2 >> 8) & 127));
	snprintf(src6, sizeof(src6), "fc00::%x:%x", (i >> 16) & 0xffff, i & 0xffff);
	snprintf(dst6, sizeof(dst6), "fd00:%x::%x", h2 & 0xfff, 1 + ((h2 >> 12) & 0xfff));
	snprintf(mac1, sizeof(mac1), "00:16:3e:%02x:%02x:%02x", (i >> 16) & 255, (i >> 8) & 255,
		 i & 255);
	snprintf(mac2, sizeof(mac2), "00:16:3e:ff:%02x:%02x", h2 & 255, (h2 >> 8) & 255);

	ctf_str_clear(flow);
	ctf_str_clear(acts);
	switch (i % 14) {
	case 0:	/* IPv4 TCP: conntrack lookup, then recirculate */
		ctf_str_printf(flow, "recirc_id(0),in_port(%u),eth(src=%s,dst=%s),eth_type(0x0800),"
			       "ipv4(src=%s,dst=%s,proto=6,frag=no),tcp(src=%u,dst=%u),tcp_flags(0/0)",
			       port, mac1, mac2, src4, dst4, sport, dport);
		ctf_str_printf(acts, "ct(zone=%u),recirc(%u)", zone, recirc);
		break;
	case 1:	/* new connection: commit with mark and label */
		ctf_str_printf(flow, "recirc_id(%u),in_port(%u),ct_state(+new-est-rel-inv+trk),"
			       "ct_zone(%u),eth_type(0x0800),ipv4(src=%s,dst=%s,proto=6,frag=no),"
			       "tcp(dst=%u),tcp_flags(0/0)", recirc, port, zone, src4, dst4, dport);
		ctf_str_printf(acts, "ct(commit,zone=%u,mark=0x%x/0xff,label=0x%x/0xffff),%u",
			       zone, h2 & 0xff, (h2 >> 8) & 0xffff, out);
		break;
	case 2:	/* established, marked */
		ctf_str_printf(flow, "recirc_id(%u),in_port(%u),ct_state(-new+est-rel-inv+trk),"
			       "ct_zone(%u),ct_mark(0x%x/0xff),eth_type(0x0800),"
			       "ipv4(src=%s,dst=%s,proto=6,frag=no),tcp(src=%u,dst=%u),tcp_flags(0/0)",
			       recirc, port, zone, h2 & 0xff, src4, dst4, sport, dport);
		ctf_str_printf(acts, "%u", out);
		break;
	case 3:	/* reply direction, labelled, UDP */
		ctf_str_printf(flow, "recirc_id(%u),in_port(%u),ct_state(+est+rpl+trk),"
			       "ct_label(0x%x/0xffffffff),eth_type(0x0800),"
			       "ipv4(src=%s,dst=%s,proto=17,frag=no),udp(src=%u,dst=%u)",
			       recirc, port, h2, src4, dst4, dport, sport);
		ctf_str_printf(acts, "%u", out);
		break;
	case 4:	/* UDP SNAT to an address and port range */
		ctf_str_printf(flow, "recirc_id(%u),in_port(%u),ct_state(+new+trk),eth_type(0x0800),"
			       "ipv4(src=%s,proto=17,frag=no),udp(dst=%u)", recirc, port, src4, dport);
		ctf_str_printf(acts, "ct(commit,zone=%u,nat(src=172.16.%u.1-172.16.%u.254:1024-65535)),"
			       "recirc(%u)", zone, h2 & 255, h2 & 255, recirc + 1);
		break;
	case 5:	/* IPv6 TCP lookup */
		ctf_str_printf(flow, "recirc_id(0),in_port(%u),eth_type(0x86dd),"
			       "ipv6(src=%s,dst=%s,proto=6,frag=no),tcp(src=%u,dst=%u),tcp_flags(0/0)",
			       port, src6, dst6, sport, dport);
		ctf_str_printf(acts, "ct(zone=%u),recirc(%u)", zone, recirc);
		break;
	case 6:	/* IPv6 UDP DNAT with a port */
		ctf_str_printf(flow, "recirc_id(%u),in_port(%u),ct_state(+new+trk),eth_type(0x86dd),"
			       "ipv6(src=%s,proto=17,frag=no),udp(dst=53)", recirc, port, src6);
		ctf_str_printf(acts, "ct(commit,zone=%u,nat(dst=[fd00::%x]:5353)),recirc(%u)",
			       zone, 1 + (h2 & 0xfff), recirc + 1);
		break;
	case 7:	/* tagged traffic: ct inside a VLAN */
		ctf_str_printf(flow, "recirc_id(0),in_port(%u),eth(src=%s,dst=%s),eth_type(0x8100),"
			       "vlan(vid=%u,pcp=0),encap(eth_type(0x0800),"
			       "ipv4(src=%s,dst=%s,proto=6,frag=no),tcp(dst=%u),tcp_flags(0/0))",
			       port, mac1, mac2, 1 + (h2 & 0xffe), src4, dst4, dport);
		ctf_str_printf(acts, "ct(zone=%u),recirc(%u)", zone, recirc);
		break;
	case 8:	/* established, matched on the original tuple */
		ctf_str_printf(flow, "recirc_id(%u),in_port(%u),ct_state(+est+trk),"
			       "ct_tuple4(src=%s,dst=%s,proto=6,tp_src=%u,tp_dst=%u),"
			       "eth_type(0x0800),ipv4(frag=no)",
			       recirc, port, src4, dst4, sport, dport);
		ctf_str_printf(acts, "%u", out);
		break;
	case 9:	/* DNAT to a backend and port (load balancer VIP) */
		ctf_str_printf(flow, "recirc_id(%u),in_port(%u),ct_state(+new+trk),eth_type(0x0800),"
			       "ipv4(src=%s,dst=%s,proto=6,frag=no),tcp(dst=%u),tcp_flags(0/0)",
			       recirc, port, src4, dst4, dport);
		ctf_str_printf(acts, "ct(commit,zone=%u,nat(dst=10.200.%u.%u:8080)),recirc(%u)",
			       zone, h2 & 255, 1 + ((h2 >> 8) & 127), recirc + 1);
		break;
	case 10: /* invalid: clear the conntrack state and send to a port */
		ctf_str_printf(flow, "recirc_id(%u),in_port(%u),ct_state(+inv+trk),eth_type(0x0800),"
			       "ipv4(src=%s,frag=no)", recirc, port, src4);
		ctf_str_printf(acts, "ct_clear,%u", out);
		break;
	case 11: /* IPv6 established on the original tuple */
		ctf_str_printf(flow, "recirc_id(%u),in_port(%u),ct_state(+est+trk),"
			       "ct_tuple6(src=%s,dst=%s,proto=17,tp_src=%u,tp_dst=%u),"
			       "eth_type(0x86dd),ipv6(frag=no)", recirc, port, src6, dst6, sport, dport);
		ctf_str_printf(acts, "%u", out);
		break;
	case 12: /* ICMP echo, committed */
		ctf_str_printf(flow, "recirc_id(0),in_port(%u),eth_type(0x0800),"
			       "ipv4(src=%s,dst=%s,proto=1,frag=no),icmp(type=8,code=0)",
			       port, src4, dst4);
		ctf_str_printf(acts, "ct(commit,zone=%u),recirc(%u)", zone, recirc);
		break;
	default: /* SNAT with persistent/random address selection, masked source */
		ctf_str_printf(flow, "recirc_id(%u),in_port(%u),skb_mark(0x%x),ct_state(+new+trk),"
			       "eth_type(0x0800),ipv4(src=%s/255.255.255.255,dst=%s/255.255.255.0,"
			       "proto=6,frag=no),tcp(dst=%u),tcp_flags(0/0)",
			       recirc, port, h2 & 0xffff, src4, dst4, dport);
		ctf_str_printf(acts, "ct(commit,zone=%u,nat(src=100.64.%u.1-100.64.%u.9,%s)),"
			       "recirc(%u)", zone, h2 & 255, h2 & 255,
			       (h2 >> 16) & 1 ? "persistent" : "random", recirc + 1);
		break;
	}
}

/* ---- measurement --------------------------------------------------------- */

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * User-space instructions retired, through perf_event_open on ourselves.
 * Most VMs and locked-down hosts have no counter: then nothing is printed.
 */
static int insn_fd = -1;

static void insn_open(void)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_HARDWARE;
	a.config = PERF_COUNT_HW_INSTRUCTIONS;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	insn_fd = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
}

static uint64_t insn_now(void)
{
	uint64_t v = 0;

	if (insn_fd < 0 || read(insn_fd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

struct span {
	double cpu;
	uint64_t insn;
};

static struct span span_begin(void)
{
	struct span s = { cpu_now(), insn_now() };

	return s;
}

/* The repetitions of one stage: the fastest is the least disturbed. */
struct timing {
	unsigned reps;
	double best, total;
	uint64_t best_insn;
};

static void timing_add(struct timing *t, struct span s)
{
	double cpu = cpu_now() - s.cpu;
	uint64_t insn = insn_now() - s.insn;

	if (!t->reps || cpu < t->best)
		t->best = cpu;
	if (!t->reps || insn < t->best_insn)
		t->best_insn = insn;
	t->total += cpu;
	t->reps++;
}

static void timing_report(const char *stage, const struct timing *t, size_t flows)
{
	printf("stage=%s flows=%zu reps=%u cpu_s=%.6f mean_cpu_s=%.6f flows_per_s=%.0f "
	       "ns_per_flow=%.1f", stage, flows, t->reps, t->best, t->total / t->reps,
	       flows / t->best, t->best * 1e9 / flows);
	if (insn_fd >= 0 && t->best_insn)
		printf(" insn_per_flow=%.0f", (double)t->best_insn / flows);
	putchar('\n');
	fflush(stdout);
}

/* ---- the parsed set, kept for the per-stage loops ------------------------ */

struct parsed {
	uint32_t key_off, key_len, mask_off, mask_len, act_off, act_len;
	uint32_t msg_off;	/* the encoded OVS_FLOW_CMD_NEW message, 4-byte aligned */
};

struct arena {
	uint8_t *buf;
	size_t len, cap;
};

static uint32_t arena_put(struct arena *a, const void *data, size_t len)
{
	size_t off = a->len;

	if (a->len + len > a->cap) {
		a->cap = (a->cap + len) * 2;
		a->buf = ctf_xrealloc(a->buf, a->cap);
	}
	memcpy(a->buf + off, data, len);
	a->len += len;
	return (uint32_t)off;
}

struct bench {
	size_t n;
	char **flow_text, **act_text;
	struct parsed *p;
	struct arena arena;
	struct ctf_nlbuf key, mask, acts;
	struct ctf_nlbatch batch;
	struct ctf_flow_key *fk;	/* key + mask */
	struct ctf_str out;
	struct ctf_err err;
	size_t sink;		/* defeats dead-code elimination of results */
	const char *only;	/* --stage: run just this one (for profiling) */
};

static bool want(const struct bench *b, const char *stage)
{
	return !b->only || !strcmp(b->only, stage);
}

static void die_refused(const struct bench *b, size_t i, const char *what)
{
	char buf[1100];

	fprintf(stderr, "flowtext-bench: flow %zu refused by %s: %s\n  %s %s\n", i, what,
		ctf_err_text(&b->err, buf, sizeof(buf)), b->flow_text[i], b->act_text[i]);
	exit(1);
}

static int parse_one(struct bench *b, size_t i)
{
	ctf_nlbuf_reset(&b->key);
	ctf_nlbuf_reset(&b->mask);
	ctf_nlbuf_reset(&b->acts);
	if (ctf_key_parse(b->flow_text[i], NULL, &b->key, &b->mask, &b->err) < 0)
		return -1;
	if (ctf_actions_parse(b->act_text[i], NULL, &b->acts, &b->err) < 0)
		return -1;
	return 0;
}

/* What add-flows does after parsing: derive the UFID, append the NEW request. */
static void encode_one(struct bench *b, const void *key, size_t key_len, const void *mask,
		       size_t mask_len, const void *acts, size_t acts_len)
{
	struct ctf_ufid ufid;
	struct ctf_flow_req req = {
		.ufid = &ufid,
		.key = key, .key_len = key_len,
		.mask = mask_len ? mask : NULL, .mask_len = mask_len,
		.has_actions = true, .actions = acts, .actions_len = acts_len,
	};
	int ret;

	ctf_ufid_from_match(key, key_len, mask, mask_len, &ufid);
	ret = ctf_flow_batch_add(&b->batch, 0x20, 1, CTF_FLOW_CREATE, &req);
	if (ret == -ENOSPC || b->batch.n >= b->batch.max) {
		b->sink += b->batch.len;
		ctf_nlbatch_reset(&b->batch);
		if (ret == -ENOSPC)
			ret = ctf_flow_batch_add(&b->batch, 0x20, 1, CTF_FLOW_CREATE, &req);
	}
	if (ret < 0) {
		fprintf(stderr, "flowtext-bench: encode: %s\n", strerror(-ret));
		exit(1);
	}
}

static int decode_one(struct bench *b, const void *key, size_t key_len, const void *mask,
		      size_t mask_len)
{
	if (ctf_flow_key_from_attrs(key, key_len, &b->fk[0], &b->err) < 0 ||
	    ctf_flow_key_from_attrs(mask, mask_len, &b->fk[1], &b->err) < 0)
		return -1;
	b->sink += b->fk[0].attrs ^ b->fk[1].attrs;
	return 0;
}

static void format_one(struct bench *b, const void *key, size_t key_len, const void *mask,
		       size_t mask_len, const void *acts, size_t acts_len)
{
	ctf_str_clear(&b->out);
	ctf_key_format(key, key_len, mask, mask_len, NULL, 0, &b->out);
	ctf_str_puts(&b->out, ", actions:");
	ctf_actions_format(acts, acts_len, NULL, 0, &b->out);
	b->sink += b->out.len;
}

#define P_KEY(b, p) ((b)->arena.buf + (p)->key_off)
#define P_MASK(b, p) ((b)->arena.buf + (p)->mask_off)
#define P_ACT(b, p) ((b)->arena.buf + (p)->act_off)

static void run_stages(struct bench *b, unsigned reps)
{
	struct span s;
	size_t i;

	/* Warm-up and the parsed copy every later stage reads. */
	b->arena.len = 0;
	for (i = 0; i < b->n; i++) {
		struct parsed *p = &b->p[i];

		if (parse_one(b, i) < 0)
			die_refused(b, i, "the parser");
		p->key_len = (uint32_t)ctf_nlbuf_len(&b->key);
		p->key_off = arena_put(&b->arena, ctf_nlbuf_data(&b->key), p->key_len);
		p->mask_len = (uint32_t)ctf_nlbuf_len(&b->mask);
		p->mask_off = arena_put(&b->arena, ctf_nlbuf_data(&b->mask), p->mask_len);
		p->act_len = (uint32_t)ctf_nlbuf_len(&b->acts);
		p->act_off = arena_put(&b->arena, ctf_nlbuf_data(&b->acts), p->act_len);
		/*
		 * A dump entry carries what the request carried (UFID, key,
		 * mask, actions; stats are absent = zero): decoding the
		 * request is decoding a dump entry.
		 */
		ctf_nlbatch_reset(&b->batch);
		encode_one(b, ctf_nlbuf_data(&b->key), p->key_len, ctf_nlbuf_data(&b->mask),
			   p->mask_len, ctf_nlbuf_data(&b->acts), p->act_len);
		arena_put(&b->arena, "\0\0\0", (4 - b->arena.len % 4) % 4);
		p->msg_off = arena_put(&b->arena, b->batch.buf, b->batch.len);
	}
	ctf_nlbatch_reset(&b->batch);

	if (want(b, "parse")) {
		struct timing t = { 0 };

		for (unsigned r = 0; r < reps; r++) {
			s = span_begin();
			for (i = 0; i < b->n; i++)
				if (parse_one(b, i) < 0)
					die_refused(b, i, "the parser");
			timing_add(&t, s);
		}
		timing_report("parse", &t, b->n);
	}

	if (want(b, "validate")) {
		struct timing t = { 0 };

		for (unsigned r = 0; r < reps; r++) {
			s = span_begin();
			for (i = 0; i < b->n; i++) {
				const struct parsed *p = &b->p[i];

				if (ctf_flow_validate(P_KEY(b, p), p->key_len, P_MASK(b, p), p->mask_len,
						      P_ACT(b, p), p->act_len, &b->err) < 0)
					die_refused(b, i, "validation");
			}
			timing_add(&t, s);
		}
		timing_report("validate", &t, b->n);
	}

	if (want(b, "encode")) {
		struct timing t = { 0 };

		for (unsigned r = 0; r < reps; r++) {
			s = span_begin();
			for (i = 0; i < b->n; i++) {
				const struct parsed *p = &b->p[i];

				encode_one(b, P_KEY(b, p), p->key_len, P_MASK(b, p), p->mask_len,
					   P_ACT(b, p), p->act_len);
			}
			timing_add(&t, s);
		}
		timing_report("encode", &t, b->n);
	}

	if (want(b, "decode")) {
		struct timing t = { 0 };

		for (unsigned r = 0; r < reps; r++) {
			s = span_begin();
			for (i = 0; i < b->n; i++) {
				const struct parsed *p = &b->p[i];

				if (decode_one(b, P_KEY(b, p), p->key_len, P_MASK(b, p), p->mask_len) < 0)
					die_refused(b, i, "the decoder");
			}
			timing_add(&t, s);
		}
		timing_report("decode", &t, b->n);
	}

	if (want(b, "format")) {
		struct timing t = { 0 };

		for (unsigned r = 0; r < reps; r++) {
			s = span_begin();
			for (i = 0; i < b->n; i++) {
				const struct parsed *p = &b->p[i];

				format_one(b, P_KEY(b, p), p->key_len, P_MASK(b, p), p->mask_len,
					   P_ACT(b, p), p->act_len);
			}
			timing_add(&t, s);
		}
		timing_report("format", &t, b->n);
	}

	/* The goal of the issue: text to the bytes add-flows sends. */
	if (want(b, "parse+encode")) {
		struct timing t = { 0 };

		for (unsigned r = 0; r < reps; r++) {
			s = span_begin();
			for (i = 0; i < b->n; i++) {
				if (parse_one(b, i) < 0)
					die_refused(b, i, "the parser");
				encode_one(b, ctf_nlbuf_data(&b->key), ctf_nlbuf_len(&b->key),
					   ctf_nlbuf_data(&b->mask), ctf_nlbuf_len(&b->mask),
					   ctf_nlbuf_data(&b->acts), ctf_nlbuf_len(&b->acts));
			}
			timing_add(&t, s);
		}
		timing_report("parse+encode", &t, b->n);
	}

	/* Everything a flow goes through from a file line to a dump line. */
	if (want(b, "round-trip")) {
		struct timing t = { 0 };

		for (unsigned r = 0; r < reps; r++) {
			s = span_begin();
			for (i = 0; i < b->n; i++) {
				const void *k, *m, *a;
				size_t kl, ml, al;

				if (parse_one(b, i) < 0)
					die_refused(b, i, "the parser");
				k = ctf_nlbuf_data(&b->key);
				kl = ctf_nlbuf_len(&b->key);
				m = ctf_nlbuf_data(&b->mask);
				ml = ctf_nlbuf_len(&b->mask);
				a = ctf_nlbuf_data(&b->acts);
				al = ctf_nlbuf_len(&b->acts);
				if (ctf_flow_validate(k, kl, m, ml, a, al, &b->err) < 0)
					die_refused(b, i, "validation");
				encode_one(b, k, kl, m, ml, a, al);
				if (decode_one(b, k, kl, m, ml) < 0)
					die_refused(b, i, "the decoder");
				format_one(b, k, kl, m, ml, a, al);
			}
			timing_add(&t, s);
		}
		timing_report("round-trip", &t, b->n);
	}

	/* dump-flows' user-space work per flow: decode the message, print the line. */
	if (want(b, "dump-line")) {
		struct timing t = { 0 };
		struct ctf_flow_info info;

		for (unsigned r = 0; r < reps; r++) {
			s = span_begin();
			for (i = 0; i < b->n; i++) {
				const struct nlmsghdr *nlh = (const void *)(b->arena.buf + b->p[i].msg_off);

				if (ctf_flow_info_parse(nlh, &info) < 0)
					die_refused(b, i, "the message decoder");
				ctf_str_clear(&b->out);
				ctf_flow_format(&info, 1000, NULL, 0, &b->out);
				ctf_str_putc(&b->out, '\n');
				b->sink += b->out.len;
			}
			timing_add(&t, s);
		}
		timing_report("dump-line", &t, b->n);
	}

	/* The peer's comparable: action text -> attributes -> action text. */
	if (want(b, "actions-parse+format")) {
		struct timing t = { 0 };

		for (unsigned r = 0; r < reps; r++) {
			s = span_begin();
			for (i = 0; i < b->n; i++) {
				ctf_nlbuf_reset(&b->acts);
				if (ctf_actions_parse(b->act_text[i], NULL, &b->acts, &b->err) < 0)
					die_refused(b, i, "the action parser");
				ctf_str_clear(&b->out);
				ctf_actions_format(ctf_nlbuf_data(&b->acts), ctf_nlbuf_len(&b->acts), NULL, 0,
						   &b->out);
				b->sink += b->out.len;
			}
			timing_add(&t, s);
		}
		timing_report("actions-parse+format", &t, b->n);
	}
}

/* ---- the peer: ovs-dpctl parse-actions ---------------------------------- */

/* CPU seconds (user + sys) of one ovs-dpctl parse-actions run over @argv. */
static double run_peer(char **argv)
{
	struct rusage ru;
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0) {
			dup2(fd, 1);
			close(fd);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "flowtext-bench: %s parse-actions failed (status 0x%x)\n", argv[0],
			status);
		exit(1);
	}
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Every action string of the set through `ovs-dpctl parse-actions`, @batch
 * per process. A process's start-up (dynamic linking, OVS's init) is
 * measured with a one-action run and subtracted, so that what remains is
 * its per-action parse + format cost.
 */
static void run_peer_all(struct bench *b, const char *dpctl, size_t batch)
{
	char **argv = ctf_xzalloc((batch + 3) * sizeof(*argv));
	double total = 0, startup[21];
	size_t runs = 0;

	argv[0] = (char *)dpctl;
	argv[1] = "parse-actions";
	for (size_t k = 0; k < 21; k++) {
		argv[2] = b->act_text[k % b->n];
		argv[3] = NULL;
		startup[k] = run_peer(argv);
	}
	qsort(startup, 21, sizeof(startup[0]), cmp_double);

	for (size_t i = 0; i < b->n; i += batch) {
		size_t m = b->n - i < batch ? b->n - i : batch;

		memcpy(argv + 2, b->act_text + i, m * sizeof(*argv));
		argv[2 + m] = NULL;
		total += run_peer(argv);
		runs++;
	}
	double net = total - runs * startup[10];

	printf("peer=ovs-dpctl-parse-actions flows=%zu batch=%zu processes=%zu cpu_s=%.6f "
	       "startup_s=%.6f net_cpu_s=%.6f flows_per_s=%.0f ns_per_flow=%.1f "
	       "gross_flows_per_s=%.0f\n",
	       b->n, batch, runs, total, startup[10], net, b->n / net, net * 1e9 / b->n,
	       b->n / total);
	free(argv);
}

/* ---- main ---------------------------------------------------------------- */

static void usage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: flowtext-bench [-n N] [-r REPS] [--stage NAME] [--peer-dpctl PATH] [--peer-batch B]\n"
		"       flowtext-bench --gen N\n");
	exit(status);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "flows", required_argument, NULL, 'n' },
		{ "reps", required_argument, NULL, 'r' },
		{ "gen", required_argument, NULL, 'g' },
		{ "peer-dpctl", required_argument, NULL, 'p' },
		{ "peer-batch", required_argument, NULL, 'b' },
		{ "stage", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bench b;
	const char *peer = NULL, *only = NULL;
	size_t n = 100000, peer_batch = 4000, gen = 0;
	unsigned reps = 3;
	struct ctf_str f, a;
	int c;

	while ((c = getopt_long(argc, argv, "n:r:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n': n = strtoul(optarg, NULL, 10); break;
		case 'r': reps = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'g': gen = strtoul(optarg, NULL, 10); break;
		case 'p': peer = optarg; break;
		case 'b': peer_batch = strtoul(optarg, NULL, 10); break;
		case 's': only = optarg; break;
		case 'h': usage(0); break;
		default: usage(2);
		}
	}
	if (optind != argc || !n || !reps || !peer_batch)
		usage(2);

	ctf_str_init(&f);
	ctf_str_init(&a);
	if (gen) {
		for (uint32_t i = 0; i < gen; i++) {
			gen_flow(i, &f, &a);
			printf("%s %s\n", ctf_str_cstr(&f), ctf_str_cstr(&a));
		}
		return fflush(stdout) ? 1 : 0;
	}

	memset(&b, 0, sizeof(b));
	b.n = n;
	b.only = only;
	b.flow_text = ctf_xzalloc(n * sizeof(*b.flow_text));
	b.act_text = ctf_xzalloc(n * sizeof(*b.act_text));
	b.p = ctf_xzalloc(n * sizeof(*b.p));
	for (uint32_t i = 0; i < n; i++) {
		gen_flow(i, &f, &a);
		b.flow_text[i] = ctf_xstrdup(ctf_str_cstr(&f));
		b.act_text[i] = ctf_xstrdup(ctf_str_cstr(&a));
	}
	if (ctf_nlbuf_init(&b.key, 4096) || ctf_nlbuf_init(&b.mask, 4096) ||
	    ctf_nlbuf_init(&b.acts, 4096) || ctf_nlbatch_init(&b.batch, 0, 512)) {
		fprintf(stderr, "flowtext-bench: out of memory\n");
		return 1;
	}
	b.fk = ctf_xmalloc(2 * sizeof(*b.fk));
	ctf_str_init(&b.out);
	ctf_err_clear(&b.err);

	insn_open();
	printf("flowtext-bench flows=%zu reps=%u insn_counter=%s\n", n, reps,
	       insn_fd >= 0 ? "yes" : "no");
	run_stages(&b, reps);
	if (peer)
		run_peer_all(&b, peer, peer_batch);
	if (b.sink == 42)	/* never true in practice; keeps the results alive */
		fputs("\n", stderr);
	return 0;
}
