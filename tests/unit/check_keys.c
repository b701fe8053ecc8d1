// SPDX-License-Identifier: Apache-2.0
/*
 * Flow keys: text <-> OVS_KEY_ATTR_* key/mask streams, UFIDs and port names.
 * The OVS corpus lives in $CTFLOW_VECTORS (tests/vectors, see its README).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/openvswitch.h>

#include "ctflow/flowtext.h"
#include "ctflow/match.h"
#include "../../src/nl/odp/key-attrs.h"
#include "common.h"

#define BUFCAP (CTF_NLBUF_MAX + 16)

/* Parse + print helper state, allocated once per test. */
struct rt {
	struct ctf_nlbuf key, mask;
	struct ctf_err err;
	struct ctf_str out;
};

static void rt_init(struct rt *t)
{
	ctf_nlbuf_init(&t->key, BUFCAP);
	ctf_nlbuf_init(&t->mask, BUFCAP);
	ctf_str_init(&t->out);
}

static void rt_free(struct rt *t)
{
	ctf_nlbuf_free(&t->key);
	ctf_nlbuf_free(&t->mask);
	ctf_str_free(&t->out);
}

static int rt_parse(struct rt *t, const char *text, const struct ctf_portmap *ports)
{
	ctf_nlbuf_reset(&t->key);
	ctf_nlbuf_reset(&t->mask);
	int ret = ctf_key_parse(text, ports, &t->key, &t->mask, &t->err);

	/* The carrier holds the errno returned (0 when accepted). */
	ck_assert_int_eq(t->err.error, ret);
	return ret;
}

static const char *rt_print(struct rt *t, const struct ctf_portmap *ports, unsigned int flags)
{
	ctf_str_clear(&t->out);
	ctf_key_format(ctf_nlbuf_data(&t->key), ctf_nlbuf_len(&t->key), ctf_nlbuf_data(&t->mask),
		       ctf_nlbuf_len(&t->mask), ports, flags, &t->out);
	return ctf_str_cstr(&t->out);
}

static FILE *open_vector(const char *name)
{
	const char *dir = getenv("CTFLOW_VECTORS");
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/vectors", name);
	f = fopen(path, "r");
	ck_assert_msg(f, "cannot open %s (set CTFLOW_VECTORS)", path);
	return f;
}

/* Read one line (vectors reach 131 KB) without the newline; NULL at EOF. */
static char *read_line(FILE *f, char **buf, size_t *cap)
{
	ssize_t n = getline(buf, cap, f);

	if (n < 0)
		return NULL;
	while (n && ((*buf)[n - 1] == '\n' || (*buf)[n - 1] == '\r'))
		(*buf)[--n] = '\0';
	return *buf;
}

/*
 * keys.txt lines that lie outside the kernel ABI. Each must be REFUSED with
 * a message naming the offending key.
 */
static const struct {
	const char *needle;	/* the line contains this */
	const char *why;
} excluded[] = {
	/* OVS_KEY_ATTR_ND_EXTENSIONS (30) is userspace-only: the kernel's
	 * parse_flow_nlattrs refuses it ("not supported"). */
	{ "nd_ext(", "nd_ext" },
	/* OVS_KEY_ATTR_PACKET_TYPE (29): userspace-only, refused likewise. */
	{ "packet_type(", "packet_type" },
};

/*
 * Lines whose canonical print differs from the input although the meaning is
 * identical. Only parse-filter inputs (never printed by odp.at) are here.
 */
static const struct {
	const char *in;
	const char *out;
} canonical[] = {
	/* An all-ones mask is "exact" and prints without "/0xff". */
	{ "in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x0800),"
	  "ipv4(src=35.8.2.41,dst=172.16.0.20,proto=1,tos=0,ttl=128,frag=no),"
	  "icmp(type=1/0xf0,code=2/0xff)",
	  "in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x0800),"
	  "ipv4(src=35.8.2.41,dst=172.16.0.20,proto=1,tos=0,ttl=128,frag=no),"
	  "icmp(type=1/0xf0,code=2)" },
};

static const char *excluded_reason(const char *line)
{
	for (size_t i = 0; i < CTF_ARRAY_SIZE(excluded); i++)
		if (strstr(line, excluded[i].needle))
			return excluded[i].why;
	return NULL;
}

static bool bufs_equal(const struct ctf_nlbuf *a, const struct ctf_nlbuf *b)
{
	return ctf_nlbuf_len(a) == ctf_nlbuf_len(b) &&
	       !memcmp(ctf_nlbuf_data(a), ctf_nlbuf_data(b), ctf_nlbuf_len(a));
}

/* Every keys.txt line inside the kernel ABI round-trips (non-verbose), and
 * its verbose print parses back to the very same key and mask bytes. */
START_TEST(keys_txt_roundtrip)
{
	FILE *f = open_vector("keys.txt");
	struct rt t, v;
	char *buf = NULL;
	size_t cap = 0;
	int same = 0, canon = 0, refused = 0, keyonly = 0;
	const char *line;

	rt_init(&t);
	rt_init(&v);
	while ((line = read_line(f, &buf, &cap))) {
		const char *why = excluded_reason(line);
		const char *want = line;
		int r;

		if (!*line || *line == '#')
			continue;
		r = rt_parse(&t, line, NULL);
		if (why) {
			ck_assert_msg(r < 0, "excluded line was accepted: %s", line);
			ck_assert_msg(strstr(t.err.msg, why), "message `%s' should name %s",
				      t.err.msg, why);
			refused++;
			continue;
		}
		ck_assert_msg(!r, "parse failed: %s\n  on: %s", t.err.msg, line);
		for (size_t i = 0; i < CTF_ARRAY_SIZE(canonical); i++)
			if (!strcmp(line, canonical[i].in)) {
				want = canonical[i].out;
				canon++;
			}
		if (strstr(line, "erspan(ver=1")) {
			/*
			 * ovs-dpctl prints an ERSPAN v1 idx as V/M whenever there
			 * is a mask stream. These are parse-keys rows, which
			 * odp.at prints key-only: compare the same way, and check
			 * the masked form separately.
			 */
			ck_assert_ptr_nonnull(strstr(rt_print(&t, NULL, 0), "idx=0x7/0xfffff"));
			ctf_nlbuf_reset(&t.mask);
			ck_assert_str_eq(rt_print(&t, NULL, 0), line);
			keyonly++;
			rt_parse(&t, line, NULL);
		} else {
			ck_assert_str_eq(rt_print(&t, NULL, 0), want);
			if (want == line)
				same++;
		}

		/* Verbose output is re-parsable and means the same bytes. */
		rt_print(&t, NULL, CTF_FMT_VERBOSE);
		ck_assert_msg(!rt_parse(&v, ctf_str_cstr(&t.out), NULL), "verbose reparse: %s\n  %s",
			      v.err.msg, ctf_str_cstr(&t.out));
		ck_assert_msg(bufs_equal(&t.key, &v.key) && bufs_equal(&t.mask, &v.mask),
			      "verbose print changed the flow: %s", ctf_str_cstr(&t.out));
	}
	fprintf(stderr, "keys.txt: %d round-tripped identical, %d identical when printed key-only "
			"(erspan v1), %d canonicalised, %d excluded (refused: outside the kernel "
			"ABI)\n", same, keyonly, canon, refused);
	ck_assert_int_eq(same + keyonly, 353);
	ck_assert_int_eq(canon, 1);
	ck_assert_int_eq(refused, 9);
	free(buf);
	fclose(f);
	rt_free(&t);
	rt_free(&v);
}
END_TEST

/*
 * keys-expected.tsv holds odp.at "parse-keys" output: OVS rebuilds the key
 * from a struct flow and prints it verbose in canonical userspace order,
 * inserting ct_state(0),ct_zone(0),ct_mark(0),ct_label(0) and
 * packet_type(ns=0,id=0). Nothing rebuilds a struct flow here, so: the input
 * must round-trip as itself; the expected text must be refused as long as
 * it carries packet_type (not kernel ABI), and once packet_type and the
 * "ODP_FIT_TOO_LITTLE: " prefix are removed it must round-trip too.
 */
START_TEST(keys_expected_tsv)
{
	FILE *f = open_vector("keys-expected.tsv");
	struct rt t;
	char *buf = NULL;
	size_t cap = 0;
	int rows = 0;
	const char *line;

	rt_init(&t);
	while ((line = read_line(f, &buf, &cap))) {
		char *tab = strchr(buf, '\t');
		char *exp, *p;
		const char *pt = "packet_type(ns=0,id=0),";

		if (!tab)
			continue;
		*tab = '\0';
		exp = tab + 1;
		if (excluded_reason(buf)) {
			ck_assert(rt_parse(&t, buf, NULL) < 0);
		} else {
			/* parse-keys rows: odp.at prints them key-only. */
			ck_assert_msg(!rt_parse(&t, buf, NULL), "%s: %s", t.err.msg, buf);
			ctf_nlbuf_reset(&t.mask);
			ck_assert_str_eq(rt_print(&t, NULL, 0), buf);
		}
		if (!strncmp(exp, "ODP_FIT_TOO_LITTLE: ", 20))
			exp += 20;
		if ((p = strstr(exp, pt))) {
			ck_assert(rt_parse(&t, exp, NULL) < 0);
			ck_assert_msg(strstr(t.err.msg, "packet_type"), "%s", t.err.msg);
			memmove(p, p + strlen(pt), strlen(p + strlen(pt)) + 1);
		}
		if (excluded_reason(exp)) {
			ck_assert(rt_parse(&t, exp, NULL) < 0);
		} else {
			/* parse-keys prints a key without a mask: do the same. */
			ck_assert_msg(!rt_parse(&t, exp, NULL), "%s: %s", t.err.msg, exp);
			ctf_nlbuf_reset(&t.mask);
			ck_assert_str_eq(rt_print(&t, NULL, 0), exp);
		}
		rows++;
	}
	ck_assert_int_eq(rows, 206);
	free(buf);
	fclose(f);
	rt_free(&t);
}
END_TEST

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* 16383 / 16384 top-level encap() and 33 nested encap(): refused, fast. */
START_TEST(keys_bad_tsv)
{
	FILE *f = open_vector("keys-bad.tsv");
	struct rt t;
	char *buf = NULL;
	size_t cap = 0;
	int rows = 0;
	const char *line;

	rt_init(&t);
	while ((line = read_line(f, &buf, &cap))) {
		char *tab = strchr(buf, '\t');
		double t0;

		if (!tab)
			continue;
		*tab = '\0';
		t0 = now_ms();
		ck_assert_msg(rt_parse(&t, buf, NULL) < 0, "accepted: %.60s...", buf);
		ck_assert_msg(now_ms() - t0 < 100, "refusal took %.1f ms", now_ms() - t0);
		ck_assert_msg(strstr(t.err.msg, "encap"), "%s", t.err.msg);
		/* Nothing half-written stays in the buffers. */
		ck_assert_uint_eq(ctf_nlbuf_len(&t.key), 0);
		ck_assert_uint_eq(ctf_nlbuf_len(&t.mask), 0);
		rows++;
	}
	ck_assert_int_eq(rows, 3);
	free(buf);
	fclose(f);
	rt_free(&t);
}
END_TEST

/* input, non-verbose print, verbose print */
static const struct {
	const char *in, *plain, *verbose;
} cases[] = {
	/* ct_state, the four forms. The unmasked forms are sent with the
	 * kernel's exact mask 0xff (it refuses wider ct_state masks), which
	 * ovs-dpctl, too, prints as +/- flags; names joined by '|' appear when
	 * there is no mask stream at all (see kernel_dump_printing). */
	{ "ct_state(0x21/0x21)", "ct_state(+new+trk)", "ct_state(0x21/0x21)" },
	{ "ct_state(-new+est+trk)", "ct_state(-new+est+trk)", "ct_state(0x22/0x23)" },
	{ "ct_state(+trk+est)", "ct_state(+est+trk)", "ct_state(0x22/0x22)" },
	{ "ct_state(trk|est)", "ct_state(-new+est-rel-rpl-inv+trk-snat-dnat)",
	  "ct_state(0x22/0xff)" },
	{ "ct_state(trk|0x2)", "ct_state(-new+est-rel-rpl-inv+trk-snat-dnat)",
	  "ct_state(0x22/0xff)" },
	{ "ct_state(0x22)", "ct_state(-new+est-rel-rpl-inv+trk-snat-dnat)", "ct_state(0x22/0xff)" },
	{ "ct_state(0)", "ct_state(-new-est-rel-rpl-inv-trk-snat-dnat)", "ct_state(0/0xff)" },
	{ "ct_state(snat|dnat|rpl|inv|rel)", "ct_state(-new-est+rel+rpl+inv-trk+snat+dnat)",
	  "ct_state(0xdc/0xff)" },
	{ "ct_state(0/0xff)", "ct_state(-new-est-rel-rpl-inv-trk-snat-dnat)", "ct_state(0/0xff)" },
	{ "ct_state(0/0)", "", "ct_state(0/0)" },
	/* ct_zone / ct_mark: %#x, %i input incl. octal */
	{ "ct_zone(5)", "ct_zone(0x5)", "ct_zone(0x5)" },
	{ "ct_zone(0x5/0xff)", "ct_zone(0x5/0xff)", "ct_zone(0x5/0xff)" },
	{ "ct_mark(010)", "ct_mark(0x8)", "ct_mark(0x8)" },
	{ "ct_mark(0)", "ct_mark(0)", "ct_mark(0)" },
	/* ct_label: ds_put_hex style */
	{ "ct_label(0x0102030405060708090a0b0c0d0e0f10)",
	  "ct_label(0x102030405060708090a0b0c0d0e0f10)",
	  "ct_label(0x102030405060708090a0b0c0d0e0f10)" },
	{ "ct_label(0)", "ct_label(0)", "ct_label(0)" },
	{ "ct_label(0x1/0xff)", "ct_label(0x1/0xff)", "ct_label(0x1/0xff)" },
	{ "ct_label(0/0)", "", "ct_label(0/0)" },
	{ "ct_label(18446744073709551615)", "ct_label(0xffffffffffffffff)",
	  "ct_label(0xffffffffffffffff)" },
	/* ct tuples; ct_tuple6 prints src_port/dst_port, parses both spellings */
	{ "ct_tuple4(src=10.0.0.1,dst=10.0.0.2,proto=6,tp_src=1024,tp_dst=80)",
	  "ct_tuple4(src=10.0.0.1,dst=10.0.0.2,proto=6,tp_src=1024,tp_dst=80)", NULL },
	{ "ct_tuple6(src=fe80::1,dst=fe80::2,proto=17,tp_src=53,tp_dst=5353)",
	  "ct_tuple6(src=fe80::1,dst=fe80::2,proto=17,src_port=53,dst_port=5353)", NULL },
	{ "ct_tuple6(src_port=1/0xff)", "ct_tuple6(src_port=1/0xff)",
	  "ct_tuple6(src=::/::,dst=::/::,proto=0/0,src_port=1/0xff,dst_port=0/0)" },
	/* metadata */
	{ "recirc_id(0x10),dp_hash(0/0),skb_priority(7),skb_mark(0x1/0x1)",
	  "recirc_id(0x10),skb_priority(0x7),skb_mark(0x1/0x1)",
	  "recirc_id(0x10),dp_hash(0/0),skb_priority(0x7),skb_mark(0x1/0x1)" },
	{ "in_port(3/0xff)", "in_port(3/0xff)", "in_port(3/0xff)" },
	/* L2-L4 */
	{ "eth()", "eth()", "eth(src=00:00:00:00:00:00/00:00:00:00:00:00,"
			    "dst=00:00:00:00:00:00/00:00:00:00:00:00)" },
	{ "eth_type(0x86dd),ipv6(src=2001:db8::1/ffff:ffff::,label=0x12345,frag=first)",
	  "eth_type(0x86dd),ipv6(src=2001:db8::1/ffff:ffff::,label=0x12345,frag=first)", NULL },
	{ "ipv4(src=10.0.0.2/0.0.0.0,proto=1/0)", "", "ipv4(src=10.0.0.2/0.0.0.0,dst=0.0.0.0/"
	  "0.0.0.0,proto=1/0,tos=0/0,ttl=0/0)" },
	{ "ipv4(frag=later,)", "ipv4(frag=later)", NULL },
	{ "tcp_flags(syn|ack)", "tcp_flags(syn|ack)", NULL },
	{ "tcp_flags(+syn-ack)", "tcp_flags(+syn-ack)", NULL },
	{ "tcp_flags(0x12/0x3f)", "tcp_flags(-fin+syn-rst-psh+ack-urg)", NULL },
	{ "sctp(src=1,dst=2)", "sctp(src=1,dst=2)", NULL },
	{ "arp(op=2)", "arp(op=2)", NULL },
	{ "vlan(vid=5,pcp=3,cfi=0)", "vlan(vid=5,pcp=3,cfi=0)", NULL },
	{ "vlan(vid=5/0xff0)", "vlan(vid=5/0xff0)", "vlan(vid=5/0xff0,pcp=0/0x0)" },
	{ "tcp_flags(0x12/0xfff)", "tcp_flags(syn|ack)", NULL },
	/* Bits without a name print as value/mask, which parses back; value bits outside the mask go. */
	{ "tcp_flags(0/0x600)", "tcp_flags(0/0x600)", NULL },
	{ "tcp_flags(0x202/0x602)", "tcp_flags(0x202/0x602)", NULL },
	{ "tcp_flags(5/0)", "", NULL },
	{ "tunnel(tun_id=0,ttl=64,flags(key))", "tunnel(tun_id=0x0,ttl=64,flags(key))",
	  "tunnel(tun_id=0x0,ttl=64,flags(key))" },
	{ "tunnel(ttl=64)", "tunnel(ttl=64)", "tunnel(ttl=64,flags(0/0))" },
	{ "eth_type(0x88a8),vlan(vid=10),encap(eth_type(0x8100),vlan(vid=20),"
	  "encap(eth_type(0x0800),ipv4(proto=6)))",
	  "eth_type(0x88a8),vlan(vid=10),encap(eth_type(0x8100),vlan(vid=20),"
	  "encap(eth_type(0x0800),ipv4(proto=6)))", NULL },
	{ "mpls(label=1,tc=0,ttl=64,bos=0,label=2,tc=1,ttl=63,bos=1)",
	  "mpls(label=1,tc=0,ttl=64,bos=0,label=2,tc=1,ttl=63,bos=1)", NULL },
	{ "mpls(label=7/0xff,tc=0,ttl=64,bos=1)",
	  "mpls(label=7/0xff,tc=0/7,ttl=64/0xff,bos=1/1)", NULL },
	{ "mpls(label=7/0,tc=0,ttl=64,bos=1)", "mpls(label=7/0x0,tc=0/7,ttl=64/0xff,bos=1/1)", NULL },
	/* nsh: ovs-dpctl's two styles (masked: zero-mask fields hidden, exact
	 * 8-bit decimal, exact 32-bit 0x%x, partial 0x%02x/0x%02x) */
	{ "nsh(flags=0,ttl=63,mdtype=1,np=3,spi=0x123,si=255,c1=0x1,c2=0,c3=0,c4=0x4)",
	  "nsh(flags=0,ttl=63,mdtype=1,np=3,spi=0x123,si=255,c1=0x1,c2=0x0,c3=0x0,c4=0x4)",
	  NULL },
	{ "nsh(ttl=63/0x3f,spi=0x123/0xfff,c1=0x1/0xff)",
	  "nsh(ttl=0x3f/0x3f,spi=0x123/0x00000fff,c1=0x1/0x000000ff)", NULL },
	/* without MD1 the context words print as exact zeros, as in ovs-dpctl */
	{ "nsh(mdtype=2,md2=0x0102030405060708)",
	  "nsh(mdtype=2,c1=0x0,c2=0x0,c3=0x0,c4=0x0,md2=0x0102030405060708)", NULL },
	{ "eth_type(0x86dd),ipv6_exthdrs(0x40)", "eth_type(0x86dd),ipv6_exthdrs(0x40)", NULL },
	/* tunnel */
	{ "tunnel(tun_id=0x5,ipv6_src=fe80::1,ipv6_dst=fe80::2,tos=0x8,ttl=64,tp_src=1,"
	  "tp_dst=4789,flags(df|csum|key))",
	  "tunnel(tun_id=0x5,ipv6_src=fe80::1,ipv6_dst=fe80::2,tos=0x8,ttl=64,tp_src=1,"
	  "tp_dst=4789,flags(df|csum|key))", NULL },
	{ "tunnel(tun_id=0x5,dst=1.1.1.1,ttl=64,geneve({class=0xffff,type=0x80,len=8,0x1234}),"
	  "flags(key))",
	  "tunnel(tun_id=0x5,dst=1.1.1.1,ttl=64,geneve({class=0xffff,type=0x80,len=8,0x1234}),"
	  "flags(key))", NULL },
	/* unknown attributes: raw hex both ways */
	/* unknown attributes: raw hex both ways; ovs-dpctl spaces the bytes and
	 * shows the mask whenever there is a mask stream */
	{ "key40(0102/ff00),key29(00000001)", "key40(01 02/ff 00),key29(00 00 00 01/ff ff ff ff)",
	  NULL },
	{ "key40(01 02/ff 00)", "key40(01 02/ff 00)", NULL },
};

START_TEST(own_cases)
{
	struct rt t, again;

	rt_init(&t);
	rt_init(&again);
	for (size_t i = 0; i < CTF_ARRAY_SIZE(cases); i++) {
		ck_assert_msg(!rt_parse(&t, cases[i].in, NULL), "%s: %s", cases[i].in, t.err.msg);
		ck_assert_str_eq(rt_print(&t, NULL, 0), cases[i].plain);

		if (cases[i].verbose)
			ck_assert_str_eq(rt_print(&t, NULL, CTF_FMT_VERBOSE), cases[i].verbose);
	}
	rt_free(&t);
	rt_free(&again);
}
END_TEST

/* Forms whose print once did not parse back, or parsed back to other bytes. */
START_TEST(printed_forms_parse_back)
{
	static const char *const in[] = {
		"tcp_flags(0/0x600)", "tcp_flags(0x202/0x602)", "tcp_flags(5/0x4)",
		"eth_type(0x0800),ipv4(proto=6),tcp(),tcp_flags(0x801/0x801)",
		/* MD2 without an MD type: no context words, which would add MD1 */
		"in_port(1),nsh(md2=0xbb222222)",
	};
	struct rt t, again;

	rt_init(&t);
	rt_init(&again);
	for (size_t i = 0; i < CTF_ARRAY_SIZE(in); i++) {
		char printed[512];

		ck_assert_msg(!rt_parse(&t, in[i], NULL), "%s: %s", in[i], t.err.msg);
		snprintf(printed, sizeof(printed), "%s", rt_print(&t, NULL, CTF_FMT_VERBOSE));
		ck_assert_msg(!rt_parse(&again, printed, NULL), "%s printed as %s: %s", in[i], printed,
			      again.err.msg);
		ck_assert_msg(ctf_nlbuf_len(&again.key) == ctf_nlbuf_len(&t.key) &&
			      !memcmp(ctf_nlbuf_data(&again.key), ctf_nlbuf_data(&t.key),
				      ctf_nlbuf_len(&t.key)) &&
			      ctf_nlbuf_len(&again.mask) == ctf_nlbuf_len(&t.mask) &&
			      !memcmp(ctf_nlbuf_data(&again.mask), ctf_nlbuf_data(&t.mask),
				      ctf_nlbuf_len(&t.mask)),
			      "%s printed as %s, which parses to other bytes", in[i], printed);
	}
	rt_free(&t);
	rt_free(&again);
}
END_TEST

/* nsh() with the largest MD2 (284 bytes in all) prints as nsh(), not as raw bytes. */
START_TEST(longest_nsh_prints_by_name)
{
	char text[700], *printed;
	struct rt t, again;
	int n;

	rt_init(&t);
	rt_init(&again);
	n = snprintf(text, sizeof(text), "in_port(1),nsh(mdtype=2,c1=0x1,md2=0x");
	for (int i = 0; i < CTF_NSH_MD2_MAX; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "%02x", i);
	snprintf(text + n, sizeof(text) - (size_t)n, ")");
	ck_assert_msg(!rt_parse(&t, text, NULL), "%s", t.err.msg);
	printed = strdup(rt_print(&t, NULL, CTF_FMT_VERBOSE));
	ck_assert_msg(!strncmp(printed, "in_port(1),nsh(", 15), "%s", printed);
	ck_assert_msg(!rt_parse(&again, printed, NULL), "%s: %s", printed, again.err.msg);
	ck_assert_uint_eq(ctf_nlbuf_len(&again.key), ctf_nlbuf_len(&t.key));
	ck_assert(!memcmp(ctf_nlbuf_data(&again.key), ctf_nlbuf_data(&t.key), ctf_nlbuf_len(&t.key)));
	free(printed);
	rt_free(&t);
	rt_free(&again);
}
END_TEST

/* input, a piece the message must contain */
static const struct {
	const char *in, *msg;
} refusals[] = {
	{ "ct_zone(65536)", "65536" },
	{ "in_port(1),in_port(2)", "duplicate key attribute `in_port'" },
	/* A repeated keyN() once left the second without a mask of its length. */
	{ "key45(ffc7ffc7),key45(ffc7ffc77810c77810)", "duplicate key attribute `key45'" },
	{ "key300(01),key301(02),key300(03)", "duplicate key attribute `key300'" },
	{ "encap(key50(01),key50(02))", "duplicate key attribute `key50'" },
	{ "ct_zone(-1)", "-1" },
	{ "ipv4(src=1.2.3.256)", "256" },
	{ "vlan(vid=4096)", "4096" },
	{ "ct_state(0x100)", "0x100" },
	{ "ct_state(0x21/0xffffffff)", "0xffffffff" },
	{ "ct_state(trk|foo)", "foo" },
	{ "ct_state(+trk+trk)", "trk" },
	{ "recirc_id(1/0xff)", "recirc_id" },
	{ "ct_mark(0x100000000)", "0x100000000" },
	{ "tcp(src=65536)", "65536" },
	{ "icmp(type=256)", "256" },
	{ "ipv6(label=0x100000)", "0x100000" },
	{ "ct_label(0x123456789012345678901234567890123)", "128 bits" },
	{ "ipv4(foo=1)", "foo" },
	{ "ipv4(frag=maybe)", "maybe" },
	{ "ipv4(frag=no/0xff)", "mask" },
	{ "frobnicate(1)", "frobnicate" },
	{ "in_port(eth9)", "eth9" },
	{ "in_port(1),in_port(2)", "duplicate" },
	{ "encap(encap(encap()))", "encap" },
	{ "packet_type(ns=0,id=0)", "packet_type" },
	{ "nd_ext(nd_reserved=0x0,nd_options_type=2)", "nd_ext" },
	{ "key7(00)", "key7" },
	/* A type past 14 bits is no raw key: 65539 would wrap to in_port (3), 16385 carries NET_BYTEORDER. */
	{ "key65539(05000000)", "key65539" },
	{ "key16385(00)", "key16385" },
	{ "key18446744073709551617(00)", "key18446744073709551617" },
	{ "eth(src=00:01:02:03:04)", "00:01:02:03:04" },
	{ "ipv4(src=1.2.3.4", "end of input" },
	{ "ct_mark(1", "end of input" },
	{ "ct_mark()", "value" },
	{ "tunnel(vni=5)", "vni" },
	{ "mpls(label=1,label=2,label=3,label=4)", "3" },
	{ "ct_mark(1))", ")" },
};

START_TEST(refused_with_message)
{
	struct rt t;

	rt_init(&t);
	for (size_t i = 0; i < CTF_ARRAY_SIZE(refusals); i++) {
		int r = rt_parse(&t, refusals[i].in, NULL);

		ck_assert_msg(r < 0, "accepted: %s", refusals[i].in);
		ck_assert_msg(strstr(t.err.msg, refusals[i].msg), "`%s': message `%s' lacks `%s'",
			      refusals[i].in, t.err.msg, refusals[i].msg);
		ck_assert_uint_eq(ctf_nlbuf_len(&t.key), 0);
	}
	rt_free(&t);
}
END_TEST

/* A key and mask as the kernel dumps them: every attribute present, most of
 * them wildcarded, plus types the header does not know or refuses. */
START_TEST(kernel_dump_printing)
{
	struct rt t;
	uint32_t u32, m32;
	uint16_t u16, m16;
	struct ovs_key_ethernet eth = { { 0 }, { 0 } }, ethm = eth;
	struct ovs_key_ipv4 ip = { htonl(0x0a000002), htonl(0x0a000001), 6, 0, 64, 0 };
	struct ovs_key_ipv4 ipm = { 0, 0, 0xff, 0, 0, 0xff };
	struct ovs_key_tcp tcp = { htons(80), htons(1024) }, tcpm = { 0, 0 };
	uint8_t label[16] = { 0 }, labelm[16] = { 0 };
	uint8_t odd[3] = { 1, 2, 3 };

	rt_init(&t);
	u32 = 0;
	m32 = 0xffffffff;
	ck_put(&t.key, OVS_KEY_ATTR_RECIRC_ID, &u32, 4);
	ck_put(&t.mask, OVS_KEY_ATTR_RECIRC_ID, &m32, 4);
	ck_put(&t.key, OVS_KEY_ATTR_DP_HASH, &u32, 4);
	ck_put(&t.mask, OVS_KEY_ATTR_DP_HASH, &u32, 4);
	u32 = 2;
	ck_put(&t.key, OVS_KEY_ATTR_IN_PORT, &u32, 4);
	ck_put(&t.mask, OVS_KEY_ATTR_IN_PORT, &m32, 4);
	u32 = 0x22;
	m32 = 0x23;
	ck_put(&t.key, OVS_KEY_ATTR_CT_STATE, &u32, 4);
	ck_put(&t.mask, OVS_KEY_ATTR_CT_STATE, &m32, 4);
	u16 = 5;
	m16 = 0;
	ck_put(&t.key, OVS_KEY_ATTR_CT_ZONE, &u16, 2);
	ck_put(&t.mask, OVS_KEY_ATTR_CT_ZONE, &m16, 2);
	/* Labels are a host-order u128 (little-endian here): 0x1 is the first byte. */
	label[0] = 1;
	ck_put(&t.key, OVS_KEY_ATTR_CT_LABELS, label, 16);
	ck_put(&t.mask, OVS_KEY_ATTR_CT_LABELS, labelm, 16);
	ck_put(&t.key, OVS_KEY_ATTR_ETHERNET, &eth, sizeof(eth));
	ck_put(&t.mask, OVS_KEY_ATTR_ETHERNET, &ethm, sizeof(ethm));
	u16 = htons(0x0800);
	m16 = 0xffff;
	ck_put(&t.key, OVS_KEY_ATTR_ETHERTYPE, &u16, 2);
	ck_put(&t.mask, OVS_KEY_ATTR_ETHERTYPE, &m16, 2);
	ck_put(&t.key, OVS_KEY_ATTR_IPV4, &ip, sizeof(ip));
	ck_put(&t.mask, OVS_KEY_ATTR_IPV4, &ipm, sizeof(ipm));
	ck_put(&t.key, OVS_KEY_ATTR_TCP, &tcp, sizeof(tcp));
	ck_put(&t.mask, OVS_KEY_ATTR_TCP, &tcpm, sizeof(tcpm));
	u16 = htons(0x12);
	m16 = 0;
	ck_put(&t.key, OVS_KEY_ATTR_TCP_FLAGS, &u16, 2);
	ck_put(&t.mask, OVS_KEY_ATTR_TCP_FLAGS, &m16, 2);
	/* Not in our header, and one the kernel would never accept back. */
	ck_put(&t.key, 40, odd, 3);
	ck_put(&t.key, OVS_KEY_ATTR_PACKET_TYPE, (uint8_t[]){ 0, 0, 0, 0x22 }, 4);
	ck_put(&t.mask, OVS_KEY_ATTR_PACKET_TYPE, (uint8_t[]){ 0, 0, 0, 0x23 }, 4);
	/* A known attribute with a length the table does not allow. */
	ck_put(&t.key, OVS_KEY_ATTR_CT_MARK, odd, 3);

	ck_assert_str_eq(rt_print(&t, NULL, 0),
			 "recirc_id(0),in_port(2),ct_state(-new+est+trk),eth(),eth_type(0x0800),"
			 "ipv4(proto=6,frag=no),key40(01 02 03/00 00 00),"
			 "key29(00 00 00 22/00 00 00 23),key24(01 02 03/00 00 00)");
	ck_assert_str_eq(rt_print(&t, NULL, CTF_FMT_VERBOSE),
			 "recirc_id(0),dp_hash(0/0),in_port(2),ct_state(0x22/0x23),ct_zone(0x5/0),"
			 "ct_label(0x1/0),eth(src=00:00:00:00:00:00/00:00:00:00:00:00,"
			 "dst=00:00:00:00:00:00/00:00:00:00:00:00),eth_type(0x0800),"
			 "ipv4(src=10.0.0.2/0.0.0.0,dst=10.0.0.1/0.0.0.0,proto=6,tos=0/0,ttl=64/0,"
			 "frag=no),tcp(src=80/0,dst=1024/0),tcp_flags(0/0),key40(01 02 03/00 00 00),"
			 "key29(00 00 00 22/00 00 00 23),key24(01 02 03/00 00 00)");
	/* No mask stream: everything exact, the raw ones without a mask. */
	ctf_nlbuf_reset(&t.mask);
	ck_assert_str_eq(rt_print(&t, NULL, 0),
			 "recirc_id(0),dp_hash(0),in_port(2),ct_state(est|trk),ct_zone(0x5),"
			 "ct_label(0x1),eth(src=00:00:00:00:00:00,dst=00:00:00:00:00:00),"
			 "eth_type(0x0800),ipv4(src=10.0.0.2,dst=10.0.0.1,proto=6,tos=0,ttl=64,"
			 "frag=no),tcp(src=80,dst=1024),tcp_flags(syn|ack),key40(01 02 03),"
			 "key29(00 00 00 22),key24(01 02 03)");
	rt_free(&t);
}
END_TEST

/* An ethertype only the mask carries prints at the end as eth_type(0/0xM). */
START_TEST(ethertype_only_in_mask)
{
	struct rt t;
	uint32_t one = 1, all = 0xffffffff;
	uint16_t m16 = 0xffff;

	rt_init(&t);
	/* A wildcarded recirc_id is hidden too, as ovs-dpctl does. */
	ck_put(&t.key, OVS_KEY_ATTR_RECIRC_ID, &one, 4);
	ck_put(&t.mask, OVS_KEY_ATTR_RECIRC_ID, (uint32_t[]){ 0 }, 4);
	ck_put(&t.key, OVS_KEY_ATTR_IN_PORT, &one, 4);
	ck_put(&t.mask, OVS_KEY_ATTR_IN_PORT, &all, 4);
	ck_put(&t.mask, OVS_KEY_ATTR_ETHERTYPE, &m16, 2);
	ck_assert_str_eq(rt_print(&t, NULL, 0), "in_port(1),eth_type(0/0xffff)");
	ck_assert_str_eq(rt_print(&t, NULL, CTF_FMT_VERBOSE),
			 "recirc_id(0x1/0),in_port(1),eth_type(0/0xffff)");
	/* An empty key prints as ovs-dpctl prints it. */
	ctf_nlbuf_reset(&t.key);
	ck_assert_str_eq(rt_print(&t, NULL, 0), "<empty>");
	rt_free(&t);
}
END_TEST

START_TEST(parse_one_and_set)
{
	struct ctf_nlbuf k, m;
	struct ctf_err err;
	struct ctf_str s;
	const char *p = "ct_mark(5/0xff),rest";
	const struct nlattr *a, *ma;

	ctf_nlbuf_init(&k, 256);
	ctf_nlbuf_init(&m, 256);
	ctf_str_init(&s);
	ck_assert_int_eq(ctf_key_parse_one(&p, NULL, &k, &m, &err), 0);
	ck_assert_str_eq(p, ",rest");
	a = ctf_nlbuf_data(&k);
	ma = ctf_nlbuf_data(&m);
	ck_assert_uint_eq(mnl_attr_get_type(a), OVS_KEY_ATTR_CT_MARK);
	ck_assert_uint_eq(mnl_attr_get_u32(a), 5);
	ck_assert_uint_eq(mnl_attr_get_u32(ma), 0xff);
	ctf_key_format_one(a, ma, NULL, 0, &s);
	ck_assert_str_eq(ctf_str_cstr(&s), "ct_mark(0x5/0xff)");
	ctf_str_clear(&s);
	ctf_key_format_one(a, NULL, NULL, 0, &s);
	ck_assert_str_eq(ctf_str_cstr(&s), "ct_mark(0x5)");

	/* Without a mask buffer (set()), a partial mask cannot be carried. */
	ctf_nlbuf_reset(&k);
	p = "ipv4(src=1.2.3.4/255.0.0.0)";
	ck_assert_int_lt(ctf_key_parse_one(&p, NULL, &k, NULL, &err), 0);
	ck_assert_uint_eq(ctf_nlbuf_len(&k), 0);
	for (size_t i = 0; i < 4; i++) {
		static const char *const masked[] = {
			"tunnel(tun_id=0x5/0xff,dst=1.1.1.1,ttl=64)",
			"tunnel(dst=1.1.1.1,ttl=64,flags(+csum))",
			"nsh(spi=0x5/0xff)",
			"ct_state(+trk)",
		};

		p = masked[i];
		ck_assert_msg(ctf_key_parse_one(&p, NULL, &k, NULL, &err) < 0, "%s", masked[i]);
		ck_assert_uint_eq(ctf_nlbuf_len(&k), 0);
	}
	p = "tunnel(tun_id=0x5,dst=1.1.1.1,ttl=64,flags(csum|key))";
	ck_assert_int_eq(ctf_key_parse_one(&p, NULL, &k, NULL, &err), 0);
	ctf_nlbuf_reset(&k);
	p = "ipv4(src=1.2.3.4,dst=5.6.7.8,proto=6,tos=0,ttl=64,frag=no)";
	ck_assert_int_eq(ctf_key_parse_one(&p, NULL, &k, NULL, &err), 0);
	ck_assert_str_eq(p, "");
	ctf_str_clear(&s);
	ctf_key_format_one(ctf_nlbuf_data(&k), NULL, NULL, 0, &s);
	ck_assert_str_eq(ctf_str_cstr(&s),
			 "ipv4(src=1.2.3.4,dst=5.6.7.8,proto=6,tos=0,ttl=64,frag=no)");

	/* Table lookups the action and validation code rely on. */
	ck_assert_int_eq(ctf_attr_row(&ctf_key_table, OVS_KEY_ATTR_CT_ZONE)->len, 2);
	ck_assert_int_eq(ctf_attr_row(&ctf_key_table, OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4)->len, 16);
	ck_assert_int_eq(ctf_attr_row(&ctf_key_table, OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6)->len, 40);
	ck_assert_int_eq(ctf_attr_row(&ctf_key_table, OVS_KEY_ATTR_ENCAP)->len, CTF_LEN_NESTED);
	ck_assert_ptr_null(ctf_attr_row(&ctf_key_table, OVS_KEY_ATTR_MAX + 1));
	ck_assert_str_eq(ctf_attr_row(&ctf_tunnel_key_table, OVS_TUNNEL_KEY_ATTR_ID)->name, "tun_id");
	ck_assert_str_eq(ctf_ct_state_bit_name(0x80), "dnat");
	ctf_str_free(&s);
	ctf_nlbuf_free(&k);
	ctf_nlbuf_free(&m);
}
END_TEST

START_TEST(ufid_roundtrip)
{
	const char *text = "ufid:12345678-9abc-def0-1234-56789abcdef0";
	struct ctf_ufid u, u2;
	struct ctf_str s;
	size_t used = 0;
	uint32_t w0;

	ctf_str_init(&s);
	ck_assert_int_eq(ctf_ufid_parse(text, &u, &used), 0);
	ck_assert_uint_eq(used, CTF_UFID_STRLEN);
	/* OVS keeps the UFID as host-order u32 words; word 0 = first 8 digits. */
	memcpy(&w0, u.b, 4);
	ck_assert_uint_eq(w0, 0x12345678);
	ctf_ufid_format(&u, &s);
	ck_assert_str_eq(ctf_str_cstr(&s), text);
	ck_assert_int_eq(ctf_ufid_parse("ufid:12345678-9ABC-DEF0-1234-56789ABCDEF0, x", &u2, &used),
			 0);
	ck_assert_mem_eq(u.b, u2.b, 16);

	ck_assert_int_lt(ctf_ufid_parse("12345678-9abc-def0-1234-56789abcdef0", &u, NULL), 0);
	ck_assert_int_lt(ctf_ufid_parse("ufid:12345678-9abc-def0-1234-56789abcdef", &u, NULL), 0);
	ck_assert_int_lt(ctf_ufid_parse("ufid:12345678-9abc-def0-1234-56789abcdef00", &u, NULL), 0);
	ck_assert_int_lt(ctf_ufid_parse("ufid:12345678_9abc-def0-1234-56789abcdef0", &u, NULL), 0);
	ck_assert_int_lt(ctf_ufid_parse("ufid:1234567g-9abc-def0-1234-56789abcdef0", &u, NULL), 0);
	ck_assert_int_lt(ctf_ufid_parse("ufid:123456789abcdef0123456789abcdef0", &u, NULL), 0);
	ck_assert_int_lt(ctf_ufid_parse("ufid:", &u, NULL), 0);

	ctf_ufid_random(&u);
	ctf_ufid_random(&u2);
	ck_assert(memcmp(u.b, u2.b, 16));
	ctf_str_clear(&s);
	ctf_ufid_format(&u, &s);
	ck_assert_int_eq(ctf_ufid_parse(ctf_str_cstr(&s), &u2, NULL), 0);
	ck_assert_mem_eq(u.b, u2.b, 16);
	ctf_str_free(&s);
}
END_TEST

START_TEST(port_names)
{
	struct ctf_portmap map;
	struct rt t;
	uint32_t no;

	ctf_portmap_init(&map);
	rt_init(&t);
	ck_assert_int_eq(ctf_portmap_add(&map, 3, "eth0"), 0);
	ck_assert_int_eq(ctf_portmap_add(&map, 4, "veth-ns1"), 0);
	ck_assert_int_lt(ctf_portmap_add(&map, 5, "a-name-that-is-too-long"), 0);
	ck_assert_int_eq(ctf_portmap_lookup_name(&map, "veth-ns1", &no), 0);
	ck_assert_uint_eq(no, 4);
	ck_assert_int_eq(ctf_portmap_lookup_name(&map, "nope", &no), -ENOENT);
	ck_assert_str_eq(ctf_portmap_lookup_no(&map, 3), "eth0");
	ck_assert_ptr_null(ctf_portmap_lookup_no(&map, 9));

	ck_assert_int_eq(rt_parse(&t, "in_port(eth0),eth()", &map), 0);
	ck_assert_str_eq(rt_print(&t, &map, CTF_FMT_NAMES), "in_port(eth0),eth()");
	ck_assert_str_eq(rt_print(&t, &map, 0), "in_port(3),eth()");
	ck_assert_int_eq(rt_parse(&t, "in_port(7)", &map), 0);
	ck_assert_str_eq(rt_print(&t, &map, CTF_FMT_NAMES), "in_port(7)");
	ck_assert_int_lt(rt_parse(&t, "in_port(eth1)", &map), 0);
	ck_assert_ptr_nonnull(strstr(t.err.msg, "eth1"));
	ck_assert_int_lt(rt_parse(&t, "in_port(eth0)", NULL), 0);
	ctf_portmap_free(&map);
	rt_free(&t);
}
END_TEST

/* Random truncations and mutations of every vector line: never a crash; what
 * parses must print, and its print must parse again. */
START_TEST(fuzz_no_crash)
{
	static const char junk[] = "(),/=|+-0x:.9afz{} \t\xff";
	FILE *f = open_vector("keys.txt");
	struct rt t, v;
	char *buf = NULL, *mut;
	size_t cap = 0;
	const char *line;
	unsigned int seed = 12345;
	long parsed = 0, tries = 0;

	rt_init(&t);
	rt_init(&v);
	while ((line = read_line(f, &buf, &cap))) {
		size_t n = strlen(line);

		if (!n)
			continue;
		mut = malloc(n + 1);
		for (int i = 0; i < 60; i++) {
			memcpy(mut, line, n + 1);
			if (i < 15) {
				mut[rand_r(&seed) % n] = '\0';
			} else if (i >= 40) {
				/* Digits changed: mostly still valid syntax, often
				 * out of range. */
				for (int j = 0; j < 1 + i % 3; j++) {
					size_t pos = rand_r(&seed) % n;

					if (mut[pos] >= '0' && mut[pos] <= '9')
						mut[pos] = "0123456789f"[rand_r(&seed) % 11];
				}
			} else {
				for (int j = 0; j < 1 + i % 4; j++)
					mut[rand_r(&seed) % n] = i % 2 ? junk[rand_r(&seed) % (sizeof(junk) - 1)]
								       : (char)(rand_r(&seed) % 255 + 1);
			}
			tries++;
			if (rt_parse(&t, mut, NULL))
				continue;
			parsed++;
			if (!ctf_nlbuf_len(&t.key)) {	/* e.g. only delimiters left */
				ck_assert_str_eq(rt_print(&t, NULL, 0), "<empty>");
				continue;
			}
			for (unsigned int fl = 0; fl < 2; fl++) {
				rt_print(&t, NULL, fl ? CTF_FMT_VERBOSE : 0);
				ck_assert_msg(!rt_parse(&v, ctf_str_cstr(&t.out), NULL),
					      "own output does not parse: %s (%s)",
					      ctf_str_cstr(&t.out), v.err.msg);
			}
			/* ... and the verbose print means the very same flow. */
			ck_assert_msg(bufs_equal(&t.key, &v.key) && bufs_equal(&t.mask, &v.mask),
				      "verbose print changed the flow: %s\n  from %s",
				      ctf_str_cstr(&t.out), mut);
		}
		free(mut);
	}
	fprintf(stderr, "fuzz: %ld inputs, %ld accepted\n", tries, parsed);
	ck_assert_int_gt(tries, 21000);
	ck_assert_int_gt(parsed, 3000);
	free(buf);
	fclose(f);
	rt_free(&t);
	rt_free(&v);
}
END_TEST

/* Raw random attribute streams handed to the printer: never a crash. */
START_TEST(fuzz_printer)
{
	uint8_t key[512], mask[512];
	unsigned int seed = 99;
	struct ctf_str s;

	ctf_str_init(&s);
	for (int i = 0; i < 20000; i++) {
		size_t kl = rand_r(&seed) % sizeof(key), ml = rand_r(&seed) % sizeof(mask);

		for (size_t j = 0; j < kl; j++)
			key[j] = rand_r(&seed);
		for (size_t j = 0; j < ml; j++)
			mask[j] = rand_r(&seed);
		/* Mostly-valid headers: small lengths, known types. */
		for (size_t off = 0; off + 4 <= kl; off += 4 + (key[off] & 0x3c)) {
			key[off] = 4 + (key[off] & 0x3c);
			key[off + 1] = 0;
			key[off + 2] = key[off + 2] % 34;
			key[off + 3] = rand_r(&seed) % 4 ? 0 : 0x80;
		}
		ctf_str_clear(&s);
		ctf_key_format(key, kl, i % 3 ? mask : NULL, i % 3 ? ml : 0, NULL,
			       i % 2 ? CTF_FMT_VERBOSE : 0, &s);
	}
	ctf_str_free(&s);
}
END_TEST

/*
 * The key and the ct(label=) action must lay a label out the same way, or a
 * flow matching ct_label(0x1) never sees the label ct(commit,label=0x1) set.
 */
START_TEST(label_layout_matches_ct_action)
{
	struct rt t;
	struct ctf_nlbuf acts;
	struct ctf_err err;
	const struct nlattr *a;

	rt_init(&t);
	ck_assert_int_eq(rt_parse(&t, "ct_label(0x1020304)", NULL), 0);
	a = ctf_nlbuf_data(&t.key);
	ck_assert_uint_eq(mnl_attr_get_type(a), OVS_KEY_ATTR_CT_LABELS);
	const uint8_t *kb = mnl_attr_get_payload(a);

	ctf_nlbuf_init(&acts, 4096);
	ck_assert_int_eq(ctf_actions_parse("ct(commit,label=0x1020304)", NULL, &acts, &err), 0);
	/* actions: CT nest { COMMIT, LABELS (value 16 + mask 16) } */
	const struct nlattr *ct = ctf_nlbuf_data(&acts), *sub, *lab = NULL;
	mnl_attr_for_each_nested(sub, ct)
		if (mnl_attr_get_type(sub) == OVS_CT_ATTR_LABELS)
			lab = sub;
	ck_assert_ptr_nonnull(lab);
	ck_assert_int_eq(memcmp(kb, mnl_attr_get_payload(lab), 16), 0);
	ck_assert_str_eq(rt_print(&t, NULL, 0), "ct_label(0x1020304)");
	ctf_nlbuf_free(&acts);
	rt_free(&t);
}
END_TEST

/* @a and @b parse to the same key and mask bytes. */
static void assert_same_parse(const char *a, const char *b)
{
	struct rt ta, tb;

	rt_init(&ta);
	rt_init(&tb);
	ck_assert_msg(!rt_parse(&ta, a, NULL), "%s: %s", a, ta.err.msg);
	ck_assert_msg(!rt_parse(&tb, b, NULL), "%s: %s", b, tb.err.msg);
	ck_assert_msg(ctf_nlbuf_len(&ta.key) == ctf_nlbuf_len(&tb.key) &&
		      !memcmp(ctf_nlbuf_data(&ta.key), ctf_nlbuf_data(&tb.key),
			      ctf_nlbuf_len(&ta.key)), "keys of `%s' and `%s' differ", a, b);
	ck_assert_msg(ctf_nlbuf_len(&ta.mask) == ctf_nlbuf_len(&tb.mask) &&
		      !memcmp(ctf_nlbuf_data(&ta.mask), ctf_nlbuf_data(&tb.mask),
			      ctf_nlbuf_len(&ta.mask)), "masks of `%s' and `%s' differ", a, b);
	rt_free(&ta);
	rt_free(&tb);
}

/* A CIDR prefix goes wherever an address mask goes, and prints as the mask. */
START_TEST(cidr_prefixes)
{
	static const struct {
		const char *cidr, *mask;
	} same[] = {
		{ "eth_type(0x0800),ipv4(src=10.0.0.0/8)",
		  "eth_type(0x0800),ipv4(src=10.0.0.0/255.0.0.0)" },
		{ "eth_type(0x0800),ipv4(src=10.1.2.3/32,dst=192.168.0.0/17)",
		  "eth_type(0x0800),ipv4(src=10.1.2.3,dst=192.168.0.0/255.255.128.0)" },
		{ "eth_type(0x0800),ipv4(dst=0.0.0.0/0)",
		  "eth_type(0x0800),ipv4(dst=0.0.0.0/0.0.0.0)" },
		{ "eth_type(0x86dd),ipv6(dst=fd00::/64)",
		  "eth_type(0x86dd),ipv6(dst=fd00::/ffff:ffff:ffff:ffff::)" },
		{ "eth_type(0x86dd),ipv6(src=2001:db8::/33)",
		  "eth_type(0x86dd),ipv6(src=2001:db8::/ffff:ffff:8000::)" },
		{ "eth_type(0x0806),arp(sip=10.0.0.0/24,tip=10.0.1.1)",
		  "eth_type(0x0806),arp(sip=10.0.0.0/255.255.255.0,tip=10.0.1.1)" },
		{ "ct_tuple4(src=10.0.0.0/8,dst=1.2.3.4,proto=6,tp_src=1,tp_dst=2)",
		  "ct_tuple4(src=10.0.0.0/255.0.0.0,dst=1.2.3.4,proto=6,tp_src=1,tp_dst=2)" },
		{ "tunnel(tun_id=0x1,src=10.0.0.0/16,dst=1.2.3.4)",
		  "tunnel(tun_id=0x1,src=10.0.0.0/255.255.0.0,dst=1.2.3.4)" },
	};
	struct rt t;

	for (size_t i = 0; i < CTF_ARRAY_SIZE(same); i++)
		assert_same_parse(same[i].cidr, same[i].mask);
	rt_init(&t);
	ck_assert_int_eq(rt_parse(&t, "eth_type(0x0800),ipv4(src=10.0.0.0/8)", NULL), 0);
	ck_assert_ptr_nonnull(strstr(rt_print(&t, NULL, 0), "src=10.0.0.0/255.0.0.0"));
	ck_assert_int_lt(rt_parse(&t, "eth_type(0x0800),ipv4(src=10.0.0.0/33)", NULL), 0);
	ck_assert_msg(strstr(t.err.msg, "/33") && strstr(t.err.msg, "0..32"), "%s", t.err.msg);
	ck_assert_int_lt(rt_parse(&t, "eth_type(0x86dd),ipv6(src=::/129)", NULL), 0);
	ck_assert_msg(strstr(t.err.msg, "0..128"), "%s", t.err.msg);
	rt_free(&t);
}
END_TEST

/* An address with parts missing says so. */
START_TEST(short_ipv4_has_reason)
{
	struct rt t;

	rt_init(&t);
	ck_assert_int_lt(rt_parse(&t, "eth_type(0x0800),ipv4(src=1.1.1)", NULL), 0);
	ck_assert_msg(strstr(t.err.msg, "`1.1.1'") && strstr(t.err.msg, "3 of its 4 parts"), "%s",
		      t.err.msg);
	ck_assert_ptr_nonnull(strstr(t.err.hint, "10.0.0.0/8"));
	ck_assert_int_lt(rt_parse(&t, "eth_type(0x0800),ipv4(src=x)", NULL), 0);
	ck_assert_msg(strstr(t.err.msg, "needs an IPv4 address, got `x'"), "%s", t.err.msg);
	rt_free(&t);
}
END_TEST

/* Blanks after commas and around parentheses, as nftables users write them. */
START_TEST(blanks_in_match)
{
	assert_same_parse("recirc_id(0), eth_type(0x0800)", "recirc_id(0),eth_type(0x0800)");
	assert_same_parse("eth_type(0x0800),ipv4( src=1.2.3.4 )",
			  "eth_type(0x0800),ipv4(src=1.2.3.4)");
	assert_same_parse("eth_type(0x0800), ipv4 (src=1.2.3.4, dst=5.6.7.8 , proto=6)",
			  "eth_type(0x0800),ipv4(src=1.2.3.4,dst=5.6.7.8,proto=6)");
	assert_same_parse("ct_state( +trk-new ), ct_zone( 5 ), tcp_flags( syn|ack )",
			  "ct_state(+trk-new),ct_zone(5),tcp_flags(syn|ack)");
	assert_same_parse("tunnel( tun_id=0x5, src=1.1.1.1, flags(+key) )",
			  "tunnel(tun_id=0x5,src=1.1.1.1,flags(+key))");
	assert_same_parse("ct_label( 0x5 )", "ct_label(0x5)");
}
END_TEST

/* A control byte from the input is quoted escaped, never raw. */
START_TEST(control_bytes_escaped)
{
	static const char *const in[] = {
		"eth_type(0x0800),ipv4(src=1.2\a.3.4)",
		"ct_zone(\x1b[31m)",
		"in_port(eth\a0)",
		"ipv4(frag=n\x7fo)",
	};
	struct rt t;

	rt_init(&t);
	for (size_t i = 0; i < CTF_ARRAY_SIZE(in); i++) {
		ck_assert_int_lt(rt_parse(&t, in[i], NULL), 0);
		for (const char *c = t.err.msg; *c; c++)
			ck_assert_msg((unsigned char)*c >= 0x20 && *c != 0x7f, "raw byte %#x in `%s'",
				      (unsigned char)*c, t.err.msg);
		ck_assert_msg(strstr(t.err.msg, "\\x07") || strstr(t.err.msg, "\\x1b") ||
			      strstr(t.err.msg, "\\x7f"), "%s", t.err.msg);
	}
	rt_free(&t);
}
END_TEST

static Suite *keys_suite(void)
{
	Suite *s = suite_create("keys");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, keys_txt_roundtrip);
	tcase_add_test(tc, keys_expected_tsv);
	tcase_add_test(tc, keys_bad_tsv);
	tcase_add_test(tc, own_cases);
	tcase_add_test(tc, printed_forms_parse_back);
	tcase_add_test(tc, longest_nsh_prints_by_name);
	tcase_add_test(tc, refused_with_message);
	tcase_add_test(tc, kernel_dump_printing);
	tcase_add_test(tc, ethertype_only_in_mask);
	tcase_add_test(tc, parse_one_and_set);
	tcase_add_test(tc, ufid_roundtrip);
	tcase_add_test(tc, port_names);
	tcase_add_test(tc, label_layout_matches_ct_action);
	tcase_add_test(tc, cidr_prefixes);
	tcase_add_test(tc, short_ipv4_has_reason);
	tcase_add_test(tc, blanks_in_match);
	tcase_add_test(tc, control_bytes_escaped);
	tcase_add_test(tc, fuzz_no_crash);
	tcase_add_test(tc, fuzz_printer);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run_suite(keys_suite());
}
