// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for the action language: OVS's own vectors (actions.txt,
 * actions-bad.txt, actions-long.tsv) round-trip or are refused, every ct()
 * rule and error message, the encoding the kernel needs, and no crash on
 * mutated text or random attribute bytes.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>

#include "ctflow/compat.h"
#include "ctflow/flowtext.h"
#include "../../src/nl/odp/action-attrs.h"
#include "common.h"

static struct ctf_nlbuf buf;
static struct ctf_str out;
static struct ctf_err err;

static void setup(void)
{
	ctf_nlbuf_init(&buf, CTF_NLBUF_MAX + MNL_NLMSG_HDRLEN);
	ctf_str_init(&out);
}

static void teardown(void)
{
	ctf_nlbuf_free(&buf);
	ctf_str_free(&out);
}

static int parse(const char *text)
{
	return ctf_actions_parse(text, NULL, &buf, &err);
}

/* Parse and print again; NULL (with err filled) if refused. */
static const char *roundtrip(const char *text)
{
	if (parse(text))
		return NULL;
	ctf_str_clear(&out);
	ctf_actions_format(ctf_nlbuf_data(&buf), ctf_nlbuf_len(&buf), NULL, 0, &out);
	return ctf_str_cstr(&out);
}

#define ck_roundtrip(in, expect)                                                    \
	do {                                                                        \
		const char *got_ = roundtrip(in);                                   \
		ck_assert_msg(got_, "`%s' refused: %s", (in), err.msg);              \
		ck_assert_msg(!strcmp(got_, (expect)), "`%s' printed `%s', want `%s'", \
			      (in), got_, (expect));                                \
	} while (0)

/* Refused, and the message contains @needle (and the hint @hint if not NULL). */
static void check_refused(const char *in, const char *needle, const char *hint)
{
	int rc = parse(in);

	ck_assert_msg(rc < 0, "`%s' was accepted", in);
	ck_assert_msg(strstr(err.msg, needle), "`%s': message `%s' lacks `%s'", in, err.msg, needle);
	if (hint)
		ck_assert_msg(strstr(err.hint, hint), "`%s': hint `%s' lacks `%s'", in, err.hint, hint);
}
#define ck_refused(in, needle, hint) check_refused((in), (needle), (hint))

static char *vector_path(const char *name)
{
	const char *dir = getenv("CTFLOW_VECTORS");
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/vectors", name);
	return path;
}

/* Read a vector file into lines (split in place); returns the count. */
static size_t read_lines(const char *name, char ***lines_out, char **data_out)
{
	FILE *f = fopen(vector_path(name), "r");
	size_t cap = 0, n = 0, len = 0, r;
	char *data = NULL, **lines = NULL;

	ck_assert_msg(f, "cannot open %s (set CTFLOW_VECTORS)", vector_path(name));
	do {
		data = realloc(data, len + 65536 + 1);
		r = fread(data + len, 1, 65536, f);
		len += r;
	} while (r);
	fclose(f);
	data[len] = '\0';
	for (char *p = data; *p;) {
		char *nl = strchr(p, '\n');

		if (nl)
			*nl = '\0';
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			lines = realloc(lines, cap * sizeof(*lines));
		}
		lines[n++] = p;
		if (!nl)
			break;
		p = nl + 1;
	}
	*lines_out = lines;
	*data_out = data;
	return n;
}

/*
 * actions.txt lines outside the kernel ABI, with why. Each must be refused
 * with a message containing the given text (never mis-parsed).
 */
static const struct {
	const char *prefix;
	const char *why;	/* expected in the error message */
} excluded[] = {
	/* Userspace-datapath-only actions: no OVS_ACTION_ATTR_* exists for them. */
	{ "tnl_push(", "userspace datapath" },
	{ "tnl_pop(", "userspace datapath" },
	{ "lb_output(", "userspace datapath" },
	/* OVS's structured userspace cookies are an OVS-userspace convention;
	 * we take and print the cookie as userdata(HEX). */
	{ "userspace(pid=6633,sFlow(", "OVS userspace cookie" },
	{ "userspace(pid=9765,slow_path(", "OVS userspace cookie" },
	{ "userspace(pid=6633,flow_sample(", "OVS userspace cookie" },
	{ "userspace(pid=6633,ipfix(", "OVS userspace cookie" },
	{ "userspace(pid=6633,controller(", "OVS userspace cookie" },
};

static const char *exclusion(const char *line)
{
	for (size_t i = 0; i < CTF_ARRAY_SIZE(excluded); i++)
		if (!strncmp(line, excluded[i].prefix, strlen(excluded[i].prefix)))
			return excluded[i].why;
	return NULL;
}

START_TEST(vectors_roundtrip)
{
	char **lines, *data;
	size_t n = read_lines("actions.txt", &lines, &data), ok = 0, refused = 0, failed = 0;

	ck_assert_uint_ge(n, 129);
	for (size_t i = 0; i < n; i++) {
		const char *why = exclusion(lines[i]);

		if (!lines[i][0] || lines[i][0] == '#')
			continue;
		if (why) {
			ck_refused(lines[i], why, NULL);
			refused++;
		} else {
			const char *got = roundtrip(lines[i]);

			if (got && !strcmp(got, lines[i])) {
				ok++;
				continue;
			}
			fprintf(stderr, "actions.txt: `%s' -> %s%s\n", lines[i],
				got ? "printed " : "refused: ", got ? got : err.msg);
			failed++;
		}
	}
	ck_assert_uint_eq(failed, 0);
	ck_assert_uint_ge(ok, 95);
	ck_assert_uint_eq(refused, 30);
	free(lines);
	free(data);
}
END_TEST

START_TEST(vectors_bad_refused)
{
	char **lines, *data;
	size_t n = read_lines("actions-bad.txt", &lines, &data);

	ck_assert_uint_eq(n, 9);
	for (size_t i = 0; i < n; i++) {
		char *tab = strchr(lines[i], '\t');

		if (tab)
			*tab = '\0';
		int ret = parse(lines[i]);

		ck_assert_msg(ret < 0, "bad vector `%s' accepted", lines[i]);
		ck_assert_msg(err.msg[0], "no message for `%s'", lines[i]);
		/* The carrier holds the errno the parser returned. */
		ck_assert_int_eq(err.error, ret);
	}
	free(lines);
	free(data);
}
END_TEST

START_TEST(vectors_long)
{
	char **lines, *data;
	size_t n = read_lines("actions-long.tsv", &lines, &data);

	ck_assert_uint_eq(n, 6);
	for (size_t i = 0; i < n; i++) {
		char *in = lines[i], *expect = strchr(in, '\t');
		clock_t t0 = clock();

		ck_assert(expect);
		*expect++ = '\0';
		if (!strcmp(expect, "odp_actions_from_string: error")) {
			ck_assert_msg(parse(in) < 0, "long row %zu accepted", i + 1);
			ck_assert(err.msg[0]);
		} else {
			const char *got = roundtrip(in);

			ck_assert_msg(got, "long row %zu refused: %s", i + 1, err.msg);
			ck_assert_msg(!strcmp(got, expect), "long row %zu printed differently", i + 1);
		}
		/* Linear time: a 130 KB line takes milliseconds, not seconds. */
		ck_assert_msg(clock() - t0 < CLOCKS_PER_SEC, "long row %zu too slow", i + 1);
	}
	free(lines);
	free(data);
}
END_TEST

START_TEST(ct_canonical_print)
{
	ck_roundtrip("ct()", "ct");
	ck_roundtrip("ct(zone=0)", "ct");
	ck_roundtrip("ct(zone=65535)", "ct(zone=65535)");
	ck_roundtrip("ct(nat,zone=5,commit)", "ct(commit,zone=5,nat)");
	ck_roundtrip("ct(commit,mark=1)", "ct(commit,mark=0x1/0xffffffff)");
	ck_roundtrip("ct(commit,mark=0/1)", "ct(commit,mark=0/0x1)");
	ck_roundtrip("ct(commit,label=1)", "ct(commit,label=0x1)");
	ck_roundtrip("ct(commit,label=0/0xff)", "ct(commit,label=0/0xff)");
	ck_roundtrip("ct(commit,label=0x0000000000000000000000000000000000001)",
		     "ct(commit,label=0x1)");
	ck_roundtrip("ct(commit,label=0x10000000000000000/0xffffffffffffffffffffffffffffffff)",
		     "ct(commit,label=0x10000000000000000)");
	ck_roundtrip("ct(commit,helper=ftp,timeout=t1,zone=3,mark=0x5/0xf,label=0x8,eventmask=0x9)",
		     "ct(commit,zone=3,mark=0x5/0xf,label=0x8,helper=ftp,timeout=t1,eventmask=0x9)");
	ck_roundtrip("ct(commit,eventmask=0)", "ct(commit,eventmask=0)");
	ck_roundtrip("ct( commit)", "ct(commit)");
	ck_roundtrip("ct(commit,zone=5,nat(src=10.0.0.1)),recirc(1)",
		     "ct(commit,zone=5,nat(src=10.0.0.1)),recirc(0x1)");
	ck_roundtrip("ct(commit,nat(src=10.0.0.1-10.0.0.1:80-80))",
		     "ct(commit,nat(src=10.0.0.1:80))");
	ck_roundtrip("ct(commit,nat(dst=[fe80::1]))", "ct(commit,nat(dst=fe80::1))");
	ck_roundtrip("ct(commit,nat(dst=[fe80::1]:443))", "ct(commit,nat(dst=[fe80::1]:443))");
	ck_roundtrip("ct(commit,nat(dst=fe80::1:80))", "ct(commit,nat(dst=fe80::1:80))");
	/* inet_ntop (and so OVS) prints IPv4-compatible addresses dotted. */
	ck_roundtrip("ct(commit,nat(dst=::1:80))", "ct(commit,nat(dst=::0.1.0.128))");
	ck_roundtrip("ct(commit,nat(dst=::0.1.0.128))", "ct(commit,nat(dst=::0.1.0.128))");
	ck_roundtrip("ct(commit,nat(src,random))", "ct(commit,nat(src,random))");
	ck_roundtrip("ct(commit,nat(random,persistent,src=1.2.3.4))",
		     "ct(commit,nat(src=1.2.3.4,persistent,random))");
	ck_roundtrip("ct(nat())", "ct(nat)");
	ck_roundtrip("check_pkt_len(size=200,gt(ct(commit,zone=1,nat(src=1.1.1.1))),le(drop))",
		     "check_pkt_len(size=200,gt(ct(commit,zone=1,nat(src=1.1.1.1))),le(drop))");
}
END_TEST

START_TEST(ct_refusals)
{
	ck_refused("ct(commit,force_commit)", "commit,force_commit", "force_commit already");
	ck_refused("ct(commit,nat(src,dst))", "only one of src and dst", NULL);
	ck_refused("ct(commit,nat(src=1.1.1.1,hash,random))", "hash and random", NULL);
	ck_refused("ct(commit,nat(src=10.0.0.9-10.0.0.1))", "ends below its start", "lower address");
	ck_refused("ct(commit,nat(src=[::9]-[::1]))", "ends below its start", NULL);
	ck_refused("ct(commit,nat(src=10.0.0.1:90-80))", "ends below its start", "lower port");
	ck_refused("ct(commit,nat(src=10.0.0.1-fe80::1))", "mixes IPv4 and IPv6", NULL);
	ck_refused("ct(commit,nat(src=10.0.0.1:0))", "port 0", "leave out");
	ck_refused("ct(commit,nat(src=10.0.0.1:65536))", "out of range", NULL);
	ck_refused("ct(commit,nat(src=10.0.0.256))", "bad IPv4 address `10.0.0.256'", NULL);
	ck_refused("ct(commit,nat(src=fe80::1::2))", "bad address", "[addr]:port");
	ck_refused("ct(commit,helper=)", "1..15", "helper");
	ck_refused("ct(commit,helper=f\001p)", "non-printable", NULL);
	ck_refused("ct(commit,helper=abcdefghijklmnop)", "16 characters", NULL);
	ck_roundtrip("ct(commit,helper=abcdefghijklmno)", "ct(commit,helper=abcdefghijklmno)");
	ck_refused("ct(commit,timeout=abcdefghijklmnopqrstuvwxyz0123456)", "33 characters", NULL);
	ck_roundtrip("ct(commit,timeout=abcdefghijklmnopqrstuvwxyz01234)",
		     "ct(commit,timeout=abcdefghijklmnopqrstuvwxyz01234)");
	ck_refused("ct(zone=65536)", "`65536' is out of range (0..65535)", "never truncated");
	ck_refused("ct(zone=0x5)", "ct zone is decimal", "zone=5");
	ck_refused("ct(zone=-1)", "needs a decimal number", NULL);
	ck_refused("ct(frob)", "unknown ct option `frob'", "commit, force_commit");
	ck_refused("ct(commit,)", "trailing `,' before `)' in ct()", "remove");
	ck_refused("ct(commit", "missing `)' to close ct(", NULL);
	ck_refused("ct(commit,zone=1", "missing `)' to close ct(", NULL);
	ck_refused("ct(commit,nat(src)", "missing `)' to close ct(", NULL);
	ck_refused("ct(commit,nat(src", "missing `)' to close nat(", NULL);
	ck_refused("ct(commit,nat(src,))", "trailing `,' before `)' in nat()", NULL);
	ck_refused("ct(commit,nat(foo))", "unknown nat option `foo'", NULL);
	ck_refused("ct(commit)x", "unexpected `x'", NULL);
	ck_refused("ct(zone=5x)", "unexpected `zone=5x'", NULL);
	ck_refused("ct(mark=1)", "`mark=1' needs commit", "add commit");
	ck_refused("ct(label=1)", "`label=1' needs commit", "add commit");
	ck_refused("ct(nat(src=1.1.1.1))", "needs commit", "add commit");
	ck_refused("ct(nat(dst))", "needs commit", "add commit");
	ck_roundtrip("ct(force_commit,mark=1/1)", "ct(force_commit,mark=0x1/0x1)");
	ck_refused("ct(commit,mark=0xff/0xf)", "bits outside mask", "mark=0xf/0xf");
	ck_refused("ct(commit,mark=1/0)", "mask 0", NULL);
	ck_refused("ct(commit,label=1/0)", "mask 0", NULL);
	ck_refused("ct(commit,mark=100000000)", "out of range", NULL);
	ck_refused("ct(commit,label=0x100000000000000000000000000000000)", "wider than 128 bits", NULL);
	ck_refused("ct(commit,zone=1,zone=2)", "given twice", NULL);
	ck_refused("ct(commit,nat,nat)", "given twice", NULL);
	ck_refused("ct(nat(random))", "nat(random): nat flags need src or dst", "add src or dst");
	ck_refused("ct(nat(persistent))", "nat(persistent): nat flags need src or dst", NULL);
	ck_refused("ct(commit,eventmask=0x100000000)", "out of range", NULL);
	ck_refused("ct(eventmask=x)", "needs a decimal number", NULL);
}
END_TEST

/* COMMIT before NAT inside the nest, zone as u16, mark value then mask. */
START_TEST(ct_encoding)
{
	const struct nlattr *ct, *a, *nat;
	int order = 0;

	ck_assert_int_eq(parse("ct(nat(src=10.0.0.1:1000-2000,random),zone=7,mark=3/3,commit)"), 0);
	ct = ctf_nlbuf_data(&buf);
	ck_assert_uint_eq(mnl_attr_get_type(ct), OVS_ACTION_ATTR_CT);
	ck_assert_uint_eq(ct->nla_type, OVS_ACTION_ATTR_CT);	/* no NLA_F_NESTED, as OVS */
	ck_assert_uint_eq(MNL_ALIGN(mnl_attr_get_len(ct)), ctf_nlbuf_len(&buf));
	mnl_attr_for_each_nested(a, ct) {
		switch (mnl_attr_get_type(a)) {
		case OVS_CT_ATTR_COMMIT:
			ck_assert_int_eq(order++, 0);
			break;
		case OVS_CT_ATTR_ZONE:
			ck_assert_uint_eq(mnl_attr_get_payload_len(a), 2);
			ck_assert_uint_eq(mnl_attr_get_u16(a), 7);
			order++;
			break;
		case OVS_CT_ATTR_MARK: {
			uint32_t mm[2];

			memcpy(mm, mnl_attr_get_payload(a), 8);
			ck_assert_uint_eq(mm[0], 3);
			ck_assert_uint_eq(mm[1], 3);
			order++;
			break;
		}
		case OVS_CT_ATTR_NAT:
			ck_assert_int_eq(order, 3);
			nat = a;
			order++;
			break;
		default:
			ck_abort_msg("unexpected ct attribute %u", mnl_attr_get_type(a));
		}
	}
	ck_assert_int_eq(order, 4);
	unsigned types[8], n = 0;

	mnl_attr_for_each_nested(a, nat) {
		ck_assert_uint_lt(n, 8);
		types[n++] = mnl_attr_get_type(a);
		if (mnl_attr_get_type(a) == OVS_NAT_ATTR_IP_MIN)
			ck_assert_uint_eq(mnl_attr_get_u32(a), htonl(0x0a000001));
		if (mnl_attr_get_type(a) == OVS_NAT_ATTR_PROTO_MIN)
			ck_assert_uint_eq(mnl_attr_get_u16(a), 1000);
		if (mnl_attr_get_type(a) == OVS_NAT_ATTR_PROTO_MAX)
			ck_assert_uint_eq(mnl_attr_get_u16(a), 2000);
	}
	ck_assert_uint_eq(n, 5);
	ck_assert_uint_eq(types[0], OVS_NAT_ATTR_SRC);
	ck_assert_uint_eq(types[1], OVS_NAT_ATTR_IP_MIN);
	ck_assert_uint_eq(types[4], OVS_NAT_ATTR_PROTO_RANDOM);

	/* The label is the host-order u128 OVS sends: low byte first on LE. */
	ck_assert_int_eq(parse("ct(commit,label=0x1)"), 0);
	ct = ctf_nlbuf_data(&buf);
	mnl_attr_for_each_nested(a, ct) {
		if (mnl_attr_get_type(a) == OVS_CT_ATTR_LABELS) {
			const uint8_t *p = mnl_attr_get_payload(a);
			unsigned __int128 v, m;

			memcpy(&v, p, 16);
			memcpy(&m, p + 16, 16);
			ck_assert(v == 1);
			ck_assert(m == ~(unsigned __int128)0);
		}
	}
	/* helper is sent NUL-terminated. */
	ck_assert_int_eq(parse("ct(commit,helper=ftp)"), 0);
	ct = ctf_nlbuf_data(&buf);
	mnl_attr_for_each_nested(a, ct)
		if (mnl_attr_get_type(a) == OVS_CT_ATTR_HELPER)
			ck_assert_mem_eq(mnl_attr_get_payload(a), "ftp", 4);
}
END_TEST

/* SET payload = nla_total_size(key), SET_MASKED key = value || mask. */
START_TEST(set_encoding)
{
	const struct nlattr *a, *k;

	ck_assert_int_eq(parse("set(eth_type(0x1234))"), 0);
	a = ctf_nlbuf_data(&buf);
	ck_assert_uint_eq(mnl_attr_get_type(a), OVS_ACTION_ATTR_SET);
	ck_assert_uint_eq(mnl_attr_get_payload_len(a), 8);	/* 4 + 2, aligned */
	k = mnl_attr_get_payload(a);
	ck_assert_uint_eq(mnl_attr_get_type(k), OVS_KEY_ATTR_ETHERTYPE);
	ck_assert_uint_eq(mnl_attr_get_len(k), 6);
	ck_assert_uint_eq(ntohs(mnl_attr_get_u16(k)), 0x1234);
	ck_assert_uint_eq(((const uint8_t *)k)[6] | ((const uint8_t *)k)[7], 0);

	ck_assert_int_eq(parse("set(tcp(src=80/0xff00))"), 0);
	a = ctf_nlbuf_data(&buf);
	ck_assert_uint_eq(mnl_attr_get_type(a), OVS_ACTION_ATTR_SET_MASKED);
	k = mnl_attr_get_payload(a);
	ck_assert_uint_eq(mnl_attr_get_type(k), OVS_KEY_ATTR_TCP);
	ck_assert_uint_eq(mnl_attr_get_payload_len(k), 2 * sizeof(struct ovs_key_tcp));
	const struct ovs_key_tcp *v = mnl_attr_get_payload(k), *msk = v + 1;

	ck_assert_uint_eq(ntohs(v->tcp_src), 80);
	ck_assert_uint_eq(ntohs(msk->tcp_src), 0xff00);
	ck_assert_uint_eq(msk->tcp_dst, 0);
	ck_roundtrip("set_masked(tcp(src=80/0xff00))", "set(tcp(src=80/0xff00))");
}
END_TEST

START_TEST(recirc_dec_and_hex)
{
	const char *in[] = { "recirc(1)", "recirc(0x1)" };

	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(parse(in[i]), 0);
		const struct nlattr *a = ctf_nlbuf_data(&buf);

		ck_assert_uint_eq(mnl_attr_get_type(a), OVS_ACTION_ATTR_RECIRC);
		ck_assert_uint_eq(mnl_attr_get_u32(a), 1);
		ck_roundtrip(in[i], "recirc(0x1)");
	}
	ck_roundtrip("recirc(0)", "recirc(0)");
	ck_roundtrip("recirc(4294967295)", "recirc(0xffffffff)");
	ck_refused("recirc(4294967296)", "out of range", NULL);
	ck_refused("recirc(0x100000000)", "out of range", NULL);
	ck_refused("recirc(-1)", "needs a decimal number", NULL);
	ck_refused("recirc()", "needs a decimal number", NULL);
	ck_refused("recirc(1", "missing `)'", NULL);
}
END_TEST

START_TEST(other_actions)
{
	ck_roundtrip("", "drop");
	ck_roundtrip("drop", "drop");
	ck_roundtrip(" DROP ", "drop");
	ck_assert_int_eq(parse("drop"), 0);
	ck_assert_uint_eq(ctf_nlbuf_len(&buf), 0);
	ck_roundtrip("drop(0)", "drop(0)");
	ck_roundtrip("1,drop(3)", "1,drop(3)");
	ck_refused("drop(3),1", "drop(N) must be the last action", NULL);
	ck_refused("1,drop", "drop needs arguments", "whole action list");
	ck_roundtrip("1 2\t3", "1,2,3");
	ck_roundtrip("65534", "65534");
	ck_refused("65535", "out of range (0..65534)", NULL);
	ck_roundtrip("hash(l4(0))", "hash(l4(0))");
	ck_roundtrip("hash(sym_l4(7))", "hash(sym_l4(7))");
	ck_refused("hash(l5(1))", "unknown hash algorithm `l5(1)'", NULL);
	ck_roundtrip("push_eth(src=00:01:02:03:04:05,dst=0a:0b:0c:0d:0e:0f),pop_eth",
		     "push_eth(src=00:01:02:03:04:05,dst=0a:0b:0c:0d:0e:0f),pop_eth");
	ck_refused("push_eth(src=00:01:02:03:04:05)", "needs dst=", NULL);
	ck_refused("push_eth(src=00:01:02:03:04,dst=00:01:02:03:04:05)", "Ethernet address", NULL);
	ck_roundtrip("push_mpls(label=10,tc=1,ttl=64,bos=1,eth_type=0x8847),pop_mpls(eth_type=0x800)",
		     "push_mpls(label=10,tc=1,ttl=64,bos=1,eth_type=0x8847),pop_mpls(eth_type=0x800)");
	ck_refused("push_mpls(label=1048576,tc=1,ttl=64,bos=1,eth_type=0x8847)", "out of range", NULL);
	ck_refused("push_mpls(label=1,tc=1,ttl=64,eth_type=0x8847)", "needs bos", NULL);
	ck_roundtrip("add_mpls(label=1,tc=0,ttl=1,bos=0,eth_type=0x8848,tun_flags=1)",
		     "add_mpls(label=1,tc=0,ttl=1,bos=0,eth_type=0x8848,tun_flags=1)");
	ck_roundtrip("push_vlan(vid=4095,pcp=7,tpid=0x88a8)", "push_vlan(tpid=0x88a8,vid=4095,pcp=7)");
	ck_refused("push_vlan(vid=4096,pcp=0)", "out of range (0..4095)", NULL);
	ck_refused("push_vlan(vid=1)", "needs pcp", NULL);
	ck_refused("push_vlan(vid=1,pcp=1,vid=2)", "given twice", NULL);
	ck_roundtrip("trunc(14),meter(0),ct_clear,pop_vlan,pop_nsh",
		     "trunc(14),meter(0),ct_clear,pop_vlan,pop_nsh");
	ck_refused("trunc(13)", "below the kernel's minimum 14", "Ethernet header");
	ck_refused("pop_vlan()", "takes no arguments", NULL);
	ck_refused("ct_clearx", "unknown action `ct_clearx'", NULL);
	ck_roundtrip("dec_ttl(le_1(drop)),dec_ttl(le_1(1,ct_clear))",
		     "dec_ttl(le_1(drop)),dec_ttl(le_1(1,ct_clear))");
	ck_roundtrip("sample(sample=100%,actions(drop))", "sample(sample=100.0%,actions(drop))");
	ck_roundtrip("sample(sample=0%,actions(1))", "sample(sample=0.0%,actions(1))");
	/* One decimal as ovs-dpctl prints it, unless it would parse back to another probability. */
	ck_roundtrip("sample(sample=.97%,actions(1))", "sample(sample=0.97%,actions(1))");
	ck_roundtrip("sample(sample=12.3456%,actions(1))", "sample(sample=12.3456%,actions(1))");
	ck_refused("sample(sample=101%,actions(1))", "percentage", NULL);
	ck_refused("sample(sample=50,actions(1))", "percentage", NULL);
	ck_roundtrip("clone(drop)", "clone(drop)");
	ck_roundtrip("clone(1,)", "clone(1)");
	ck_refused("clone(1", "missing `)' to close clone(", NULL);
	ck_refused("1)", "unexpected `)'", NULL);
	ck_roundtrip("userspace(pid=1,userdata())", "userspace(pid=1,userdata())");
	ck_roundtrip("userspace(tunnel_out_port=3,actions,pid=5)",
		     "userspace(pid=5,actions,tunnel_out_port=3)");
	ck_refused("userspace(pid=0)", "non-zero pid", NULL);
	ck_refused("userspace(actions)", "needs pid=", NULL);
	ck_refused("userspace(pid=1,userdata(abc))", "odd number of hex digits", NULL);
	ck_refused("userspace(pid=1,sFlow(vid=9))", "OVS userspace cookie", "userdata(HEX)");
	ck_roundtrip("push_nsh(flags=0,ttl=63,mdtype=1,np=3,spi=0x10,si=255,c1=0x1,c2=0x2,c3=0x3,c4=0x4)",
		     "push_nsh(flags=0,ttl=63,mdtype=1,np=3,spi=0x10,si=255,c1=0x1,c2=0x2,c3=0x3,c4=0x4)");
	ck_roundtrip("push_nsh(mdtype=2,md2=0x0102030405060708)",
		     "push_nsh(flags=0,ttl=63,mdtype=2,np=3,spi=0x0,si=255,md2=0x0102030405060708)");
	ck_roundtrip("push_nsh(spi=0x0)",
		     "push_nsh(flags=0,ttl=63,mdtype=1,np=3,spi=0x0,si=255,c1=0x0,c2=0x0,c3=0x0,c4=0x0)");
	ck_refused("push_nsh(mdtype=1,md2=0x01020304)", "mdtype", NULL);
	ck_refused("psample(group=1,cookie=0x0102030405060708090a0b0c0d0e0f1011)", "longer than 16", NULL);
	ck_refused("tnl_pop(1)", "userspace datapath", NULL);
	ck_refused("foo", "unknown action `foo'", "by its number");
	/* No error report wanted: still refused, still no crash. */
	ck_assert_int_lt(ctf_actions_parse("ct(commit,force_commit)", NULL, &buf, NULL), 0);
	ck_assert_int_lt(ctf_actions_parse("foo(", NULL, &buf, NULL), 0);
	ck_roundtrip("action99(0102),action13(0e000000)", "action99(0102),trunc(14)");
	/* A known action in raw form: only with its fixed length; nested ones by name. */
	ck_refused("action1(01)", "takes 4 bytes", NULL);
	ck_refused("action12(0400000008000100ffffffff)", "by name", NULL);
	ck_refused("action11(00)", "by name", NULL);
}
END_TEST

START_TEST(port_names)
{
	struct ctf_port_name names[] = { { 1, "eth0" }, { 7, "br-int.x" } };
	struct ctf_portmap map = { 2, names };

	ck_assert_int_eq(ctf_actions_parse("eth0,br-int.x,3", &map, &buf, &err), 0);
	ctf_str_clear(&out);
	ctf_actions_format(ctf_nlbuf_data(&buf), ctf_nlbuf_len(&buf), &map, CTF_FMT_NAMES, &out);
	ck_assert_str_eq(ctf_str_cstr(&out), "eth0,br-int.x,3");
	ctf_str_clear(&out);
	ctf_actions_format(ctf_nlbuf_data(&buf), ctf_nlbuf_len(&buf), &map, 0, &out);
	ck_assert_str_eq(ctf_str_cstr(&out), "1,7,3");
	ck_assert_int_lt(ctf_actions_parse("eth9", &map, &buf, &err), 0);
	ck_assert_str_eq(err.msg, "unknown action or port name `eth9'");
}
END_TEST

static const char *nest(char *s, size_t size, const char *open, int levels, const char *inner,
			const char *close)
{
	size_t n = 0;

	for (int i = 0; i < levels; i++)
		n += (size_t)snprintf(s + n, size - n, "%s", open);
	n += (size_t)snprintf(s + n, size - n, "%s", inner);
	for (int i = 0; i < levels; i++)
		n += (size_t)snprintf(s + n, size - n, "%s", close);
	return s;
}

START_TEST(nesting_depth)
{
	char s[1024];

	ck_assert_int_eq(parse(nest(s, sizeof(s), "clone(", 16, "1", ")")), 0);
	ck_roundtrip(s, s);
	ck_refused(nest(s, sizeof(s), "clone(", 17, "1", ")"), "nested more than 16 levels",
		   "EOVERFLOW");
	ck_assert_int_eq(parse(nest(s, sizeof(s), "dec_ttl(le_1(", 16, "1", "))")), 0);
	ck_roundtrip(s, s);
	ck_refused(nest(s, sizeof(s), "dec_ttl(le_1(", 17, "1", "))"), "nested more than 16", NULL);
	ck_assert_int_eq(parse(nest(s, sizeof(s), "sample(sample=1.0%,actions(", 16, "1", "))")), 0);
	ck_refused(nest(s, sizeof(s), "sample(sample=1.0%,actions(", 17, "1", "))"),
		   "nested more than 16", NULL);
}
END_TEST

struct walk_count {
	int n, ct, max_depth;
};

static int count_visit(const struct nlattr *a, int depth, void *arg)
{
	struct walk_count *w = arg;

	w->n++;
	if (mnl_attr_get_type(a) == OVS_ACTION_ATTR_CT)
		w->ct++;
	if (depth > w->max_depth)
		w->max_depth = depth;
	return 0;
}

START_TEST(walker_and_summary)
{
	struct walk_count w = { 0 };
	struct ctf_actions_summary sum;
	struct ctf_ct_info ci;

	ck_assert_int_eq(parse("1,clone(ct(commit,helper=ftp),check_pkt_len(size=9,gt(ct(nat)),"
			       "le(ct(commit,nat(dst=[::1]:80))))),recirc(2)"), 0);
	ck_assert_int_eq(ctf_actions_walk(ctf_nlbuf_data(&buf), ctf_nlbuf_len(&buf), count_visit, &w), 0);
	ck_assert_int_eq(w.n, 7);
	ck_assert_int_eq(w.ct, 3);
	ck_assert_int_eq(w.max_depth, 2);
	ctf_actions_summarize(ctf_nlbuf_data(&buf), ctf_nlbuf_len(&buf), &sum);
	ck_assert_uint_eq(sum.n_ct, 3);
	ck_assert(sum.ct_helper && !sum.ct_timeout && sum.ct_nat_addr && !sum.malformed);
	ck_assert_int_eq(sum.ct_nat_family, 16);
	ck_assert_int_eq(sum.max_depth, 2);

	ck_assert_int_eq(parse("ct(force_commit,zone=9,nat(src=1.2.3.4-1.2.3.9))"), 0);
	ck_assert_int_eq(ctf_ct_action_decode(ctf_nlbuf_data(&buf), &ci), 0);
	ck_assert(ci.force_commit && !ci.commit && ci.has_zone && ci.zone == 9);
	ck_assert(ci.nat && ci.nat_src && !ci.nat_dst && !ci.nat_before_commit);
	ck_assert_int_eq(ci.nat_family, 4);
	ck_assert(ci.has_ip_max);
}
END_TEST

/* Hand-built streams the parser cannot produce print as error forms. */
START_TEST(malformed_streams_print)
{
	uint32_t raw[64];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(raw);
	struct nlattr *ct, *nat;

	memset(raw, 0, sizeof(raw));
	nlh = mnl_nlmsg_put_header(raw);
	ct = mnl_attr_nest_start(nlh, OVS_ACTION_ATTR_CT);
	mnl_attr_put_u32(nlh, OVS_CT_ATTR_ZONE, 5);	/* 4 bytes: wrong length */
	mnl_attr_nest_end(nlh, ct);
	ctf_str_clear(&out);
	ctf_actions_format(mnl_nlmsg_get_payload(nlh), mnl_nlmsg_get_payload_len(nlh), NULL, 0, &out);
	ck_assert_str_eq(ctf_str_cstr(&out), "ct(error)");

	nlh = mnl_nlmsg_put_header(raw);
	ct = mnl_attr_nest_start(nlh, OVS_ACTION_ATTR_CT);
	nat = mnl_attr_nest_start(nlh, OVS_CT_ATTR_NAT);
	mnl_attr_put(nlh, OVS_NAT_ATTR_SRC, 0, NULL);
	mnl_attr_put(nlh, OVS_NAT_ATTR_DST, 0, NULL);
	mnl_attr_nest_end(nlh, nat);
	mnl_attr_nest_end(nlh, ct);
	mnl_attr_put_u32(nlh, 200, 0xdeadbeef);
	ctf_str_clear(&out);
	ctf_actions_format(mnl_nlmsg_get_payload(nlh), mnl_nlmsg_get_payload_len(nlh), NULL, 0, &out);
	ck_assert_str_eq(ctf_str_cstr(&out), "ct(nat(error)),action200(efbeadde)");

	/* Leftover bytes after the last whole attribute. */
	ctf_str_clear(&out);
	ctf_actions_format(mnl_nlmsg_get_payload(nlh), 6, NULL, 0, &out);
	ck_assert_str_eq(ctf_str_cstr(&out), "***6 leftover bytes***");
}
END_TEST

static uint64_t rng = 88172645463325252ull;

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

/* Random bytes and truncations through the formatter: must not crash. */
START_TEST(fuzz_format_random_bytes)
{
	uint32_t data[256];

	for (int iter = 0; iter < 20000; iter++) {
		size_t len = next_rand() % sizeof(data);

		for (size_t i = 0; i < CTF_ARRAY_SIZE(data); i++)
			data[i] = next_rand();
		/* Make the first attribute plausible half of the time. */
		if (iter & 1) {
			struct nlattr *a = (struct nlattr *)data;

			a->nla_len = (uint16_t)(4 + next_rand() % (len + 1));
			a->nla_type = (uint16_t)(next_rand() % 27);
		}
		ctf_str_clear(&out);
		ctf_actions_format(data, len, NULL, CTF_FMT_NAMES, &out);
		ck_assert(out.len > 0);
		struct ctf_actions_summary sum;

		ctf_actions_summarize(data, len, &sum);
	}
}
END_TEST

/* Encodings of the vectors with flipped bytes and cut lengths: no crash. */
START_TEST(fuzz_format_mutated_encodings)
{
	char **lines, *data;
	size_t n = read_lines("actions.txt", &lines, &data);
	uint32_t copy[1024];

	for (size_t i = 0; i < n; i++) {
		if (parse(lines[i]) < 0 || ctf_nlbuf_len(&buf) > sizeof(copy))
			continue;
		size_t len = ctf_nlbuf_len(&buf);

		for (int iter = 0; iter < 400; iter++) {
			size_t cut = len;

			memcpy(copy, ctf_nlbuf_data(&buf), len);
			for (int k = next_rand() % 4; k >= 0; k--)
				((uint8_t *)copy)[next_rand() % len] = (uint8_t)next_rand();
			if (iter & 1)
				cut = next_rand() % (len + 1);
			ctf_str_clear(&out);
			ctf_actions_format(copy, cut, NULL, 0, &out);
			ck_assert(out.len > 0);

			struct ctf_actions_summary sum;
			struct walk_count w = { 0 };

			ctf_actions_summarize(copy, cut, &sum);
			ctf_actions_walk(copy, cut, count_visit, &w);
		}
	}
	free(lines);
	free(data);
}
END_TEST

/* Mutated and truncated vector lines: no crash; accepted text is stable. */
START_TEST(fuzz_parse_mutations)
{
	static const char alphabet[] = "(),=:/-.[]x0f9 azc%";
	char **lines, *data;
	size_t n = read_lines("actions.txt", &lines, &data);
	struct ctf_nlbuf buf2;
	struct ctf_str out2;
	char s[1024];

	ctf_nlbuf_init(&buf2, CTF_NLBUF_MAX + MNL_NLMSG_HDRLEN);
	ctf_str_init(&out2);
	for (int iter = 0; iter < 30000; iter++) {
		const char *src = lines[next_rand() % n];
		size_t len = strlen(src);

		if (len >= sizeof(s))
			continue;
		memcpy(s, src, len + 1);
		switch (next_rand() % 4) {
		case 0:		/* truncate */
			s[next_rand() % (len + 1)] = '\0';
			break;
		case 1:		/* replace a character */
			s[next_rand() % len] = alphabet[next_rand() % (sizeof(alphabet) - 1)];
			break;
		case 2:		/* delete a character */
			{
				size_t k = next_rand() % len;

				memmove(s + k, s + k + 1, len - k);
			}
			break;
		default:	/* random byte anywhere */
			s[next_rand() % len] = (char)(1 + next_rand() % 255);
			break;
		}
		if (parse(s) < 0) {
			ck_assert_msg(err.msg[0], "refused `%s' without a message", s);
			continue;
		}
		ctf_str_clear(&out);
		ctf_actions_format(ctf_nlbuf_data(&buf), ctf_nlbuf_len(&buf), NULL, 0, &out);
		/*
		 * What we print parses back and prints the same. (Bytes may
		 * differ only where set_masked value bits lie outside the
		 * mask, which the text cannot show; validate.c refuses those.)
		 */
		ck_assert_msg(ctf_actions_parse(ctf_str_cstr(&out), NULL, &buf2, &err) == 0,
			      "`%s' printed as `%s' which is refused: %s", s, ctf_str_cstr(&out), err.msg);
		ctf_str_clear(&out2);
		ctf_actions_format(ctf_nlbuf_data(&buf2), ctf_nlbuf_len(&buf2), NULL, 0, &out2);
		ck_assert_msg(!strcmp(ctf_str_cstr(&out), ctf_str_cstr(&out2)),
			      "`%s' -> `%s' -> `%s' is not stable", s, ctf_str_cstr(&out),
			      ctf_str_cstr(&out2));
		if (!strstr(s, "set(") && (ctf_nlbuf_len(&buf2) != ctf_nlbuf_len(&buf) ||
					   memcmp(ctf_nlbuf_data(&buf2), ctf_nlbuf_data(&buf),
						  ctf_nlbuf_len(&buf)))) {
			for (size_t k = 0; k < ctf_nlbuf_len(&buf); k++)
				fprintf(stderr, "%02x", ((const uint8_t *)ctf_nlbuf_data(&buf))[k]);
			fprintf(stderr, "\n");
			for (size_t k = 0; k < ctf_nlbuf_len(&buf2); k++)
				fprintf(stderr, "%02x", ((const uint8_t *)ctf_nlbuf_data(&buf2))[k]);
			fprintf(stderr, "\n");
			for (size_t k = 0; s[k]; k++)
				fprintf(stderr, "%02x", (uint8_t)s[k]);
			fprintf(stderr, "\n");
		}
		if (!strstr(s, "set("))
			ck_assert_msg(ctf_nlbuf_len(&buf2) == ctf_nlbuf_len(&buf) &&
				      !memcmp(ctf_nlbuf_data(&buf2), ctf_nlbuf_data(&buf),
					      ctf_nlbuf_len(&buf)),
				      "`%s' -> `%s' does not re-encode identically", s,
				      ctf_str_cstr(&out));
	}
	ctf_nlbuf_free(&buf2);
	ctf_str_free(&out2);
	free(lines);
	free(data);
}
END_TEST

/* A rough speed check; the real benchmark lives in bench/. */
START_TEST(parse_speed)
{
	const char *text = "ct(commit,zone=5,nat(src=10.0.0.1)),recirc(1)";
	struct timespec t0, t1;
	const int n = 200000;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	int failures = 0;

	/* No ck_assert in the loop: Check records a mark point on every call. */
	for (int i = 0; i < n; i++)
		failures += ctf_actions_parse(text, NULL, &buf, &err) != 0;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

	ck_assert_int_eq(failures, 0);
	fprintf(stderr, "check_actions: %.0f parse+encode per CPU-second for `%s'\n", n / s, text);
}
END_TEST

static Suite *actions_suite(void)
{
	Suite *s = suite_create("actions");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, vectors_roundtrip);
	tcase_add_test(tc, vectors_bad_refused);
	tcase_add_test(tc, vectors_long);
	tcase_add_test(tc, ct_canonical_print);
	tcase_add_test(tc, ct_refusals);
	tcase_add_test(tc, ct_encoding);
	tcase_add_test(tc, set_encoding);
	tcase_add_test(tc, recirc_dec_and_hex);
	tcase_add_test(tc, other_actions);
	tcase_add_test(tc, port_names);
	tcase_add_test(tc, nesting_depth);
	tcase_add_test(tc, walker_and_summary);
	tcase_add_test(tc, malformed_streams_print);
	tcase_add_test(tc, fuzz_format_random_bytes);
	tcase_add_test(tc, fuzz_format_mutated_encodings);
	tcase_add_test(tc, fuzz_parse_mutations);
	tcase_add_test(tc, parse_speed);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run_suite(actions_suite());
}
