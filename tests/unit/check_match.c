// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for the fixed-layout flow key (include/ctflow/match.h):
 * decoding, encoding in the kernel's order with the attributes it expects,
 * and the mask operations the classifier relies on.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>

#include "ctflow/flowtext.h"
#include "ctflow/match.h"
#include "ctflow/nlbuf.h"
#include "common.h"

#define B(t) CTF_KEY_BIT(OVS_KEY_ATTR_##t)

/* A stream under construction, with put helpers that cannot fail in tests. */
struct sb {
	struct ctf_nlbuf b;
};

static void sb_init(struct sb *s)
{
	ck_assert_int_eq(ctf_nlbuf_init(&s->b, 4096), 0);
}

static void put(struct sb *s, unsigned type, const void *p, size_t len)
{
	ck_assert(mnl_attr_put_check(s->b.nlh, ctf_nlbuf_buflen(&s->b), type, len, p));
}

static void put_u32(struct sb *s, unsigned type, uint32_t v)
{
	put(s, type, &v, 4);
}

static void put_be16(struct sb *s, unsigned type, uint16_t v)
{
	v = htons(v);
	put(s, type, &v, 2);
}

static struct nlattr *nest(struct sb *s, unsigned type)
{
	struct nlattr *n = mnl_attr_nest_start_check(s->b.nlh, ctf_nlbuf_buflen(&s->b), type);

	ck_assert_ptr_nonnull(n);
	return n;
}

static void ipv4(struct sb *s, const char *src, uint8_t proto, uint8_t frag)
{
	struct ovs_key_ipv4 k = { 0 };

	inet_pton(AF_INET, src, &k.ipv4_src);
	k.ipv4_proto = proto;
	k.ipv4_frag = frag;
	put(s, OVS_KEY_ATTR_IPV4, &k, sizeof(k));
}

/* The list of attribute types at the top level of a stream. */
static int types_of(const struct ctf_nlbuf *b, unsigned *out, int max)
{
	const struct nlattr *a;
	int n = 0;

	const char *end = (const char *)ctf_nlbuf_data(b) + ctf_nlbuf_len(b);

	for (a = ctf_nlbuf_data(b); mnl_attr_ok(a, (int)(end - (const char *)a)); a = mnl_attr_next(a))
		if (n < max)
			out[n++] = mnl_attr_get_type(a);
	return n;
}

static const struct nlattr *find(const struct ctf_nlbuf *b, unsigned type)
{
	const struct nlattr *a;
	const char *end = (const char *)ctf_nlbuf_data(b) + ctf_nlbuf_len(b);

	for (a = ctf_nlbuf_data(b); mnl_attr_ok(a, (int)(end - (const char *)a)); a = mnl_attr_next(a))
		if (mnl_attr_get_type(a) == type)
			return a;
	return NULL;
}

START_TEST(decode_fields_and_presence)
{
	struct sb s;
	struct ctf_flow_key k;
	struct ctf_err err;
	struct ovs_key_tcp tcp = { htons(1234), htons(80) };

	sb_init(&s);
	put_u32(&s, OVS_KEY_ATTR_IN_PORT, 3);
	put_u32(&s, OVS_KEY_ATTR_CT_STATE, 0x22);
	put_be16(&s, OVS_KEY_ATTR_ETHERTYPE, 0x0800);
	ipv4(&s, "10.1.2.3", 6, 0);
	put(&s, OVS_KEY_ATTR_TCP, &tcp, sizeof(tcp));
	put_be16(&s, OVS_KEY_ATTR_TCP_FLAGS, 0x002);
	ck_assert_int_eq(ctf_flow_key_from_attrs(ctf_nlbuf_data(&s.b), ctf_nlbuf_len(&s.b), &k, &err), 0);
	ck_assert_uint_eq(k.in_port, 3);
	ck_assert_uint_eq(k.ct_state, 0x22);
	ck_assert_uint_eq(ntohs(k.eth_type), 0x0800);
	ck_assert_uint_eq(ntohl(k.ipv4.ipv4_src), 0x0a010203);
	ck_assert_uint_eq(k.ipv4.ipv4_proto, 6);
	ck_assert_uint_eq(ntohs(k.tcp.tcp_dst), 80);
	ck_assert_uint_eq(ntohs(k.tcp_flags), 2);
	ck_assert(k.attrs == (B(IN_PORT) | B(CT_STATE) | B(ETHERTYPE) | B(IPV4) | B(TCP) | B(TCP_FLAGS)));
	ctf_nlbuf_free(&s.b);
}
END_TEST

START_TEST(encode_uses_kernel_order)
{
	struct sb s;
	struct ctf_flow_key k;
	struct ctf_nlbuf ko, mo;
	unsigned types[16];
	static const unsigned want[] = {
		OVS_KEY_ATTR_RECIRC_ID, OVS_KEY_ATTR_IN_PORT, OVS_KEY_ATTR_CT_STATE,
		OVS_KEY_ATTR_CT_ZONE, OVS_KEY_ATTR_ETHERNET, OVS_KEY_ATTR_ETHERTYPE,
		OVS_KEY_ATTR_IPV4, OVS_KEY_ATTR_UDP,
	};
	struct ovs_key_ethernet eth;

	memset(&eth, 0, sizeof(eth));
	struct ovs_key_udp udp = { htons(53), htons(53) };
	uint16_t zone = 5;

	/* Deliberately scrambled input order. */
	sb_init(&s);
	put(&s, OVS_KEY_ATTR_UDP, &udp, sizeof(udp));
	ipv4(&s, "1.2.3.4", 17, 0);
	put(&s, OVS_KEY_ATTR_CT_ZONE, &zone, 2);
	put(&s, OVS_KEY_ATTR_ETHERNET, &eth, sizeof(eth));
	put_be16(&s, OVS_KEY_ATTR_ETHERTYPE, 0x0800);
	put_u32(&s, OVS_KEY_ATTR_CT_STATE, 0x20);
	put_u32(&s, OVS_KEY_ATTR_IN_PORT, 1);
	put_u32(&s, OVS_KEY_ATTR_RECIRC_ID, 7);
	ck_assert_int_eq(ctf_flow_key_from_attrs(ctf_nlbuf_data(&s.b), ctf_nlbuf_len(&s.b), &k, NULL), 0);
	ck_assert_int_eq(ctf_nlbuf_init(&ko, 1024), 0);
	ck_assert_int_eq(ctf_nlbuf_init(&mo, 1024), 0);
	ck_assert_int_eq(ctf_flow_key_to_attrs(&k, NULL, &ko, &mo), 0);
	ck_assert_int_eq(types_of(&ko, types, 16), (int)CTF_ARRAY_SIZE(want));
	for (size_t i = 0; i < CTF_ARRAY_SIZE(want); i++)
		ck_assert_uint_eq(types[i], want[i]);
	ck_assert_int_eq(types_of(&mo, types, 16), (int)CTF_ARRAY_SIZE(want));

	/* Exact mask: every present field all-ones, ct_state limited to 0xff. */
	ck_assert_uint_eq(mnl_attr_get_u32(find(&mo, OVS_KEY_ATTR_IN_PORT)), UINT32_MAX);
	ck_assert_uint_eq(mnl_attr_get_u32(find(&mo, OVS_KEY_ATTR_CT_STATE)), 0xff);

	/* Decoding our own output gives the same key back. */
	struct ctf_flow_key k2;
	ck_assert_int_eq(ctf_flow_key_from_attrs(ctf_nlbuf_data(&ko), ctf_nlbuf_len(&ko), &k2, NULL), 0);
	ck_assert_int_eq(memcmp(&k, &k2, sizeof(k)), 0);
	ctf_nlbuf_free(&s.b);
	ctf_nlbuf_free(&ko);
	ctf_nlbuf_free(&mo);
}
END_TEST

START_TEST(encode_adds_expected_l4)
{
	struct sb s;
	struct ctf_flow_key k;
	struct ctf_nlbuf ko, mo;
	const struct nlattr *a;

	sb_init(&s);
	put_u32(&s, OVS_KEY_ATTR_IN_PORT, 1);
	put_be16(&s, OVS_KEY_ATTR_ETHERTYPE, 0x0800);
	ipv4(&s, "1.2.3.4", 6, 0);
	ck_assert_int_eq(ctf_flow_key_from_attrs(ctf_nlbuf_data(&s.b), ctf_nlbuf_len(&s.b), &k, NULL), 0);
	ck_assert(!(k.attrs & B(TCP)));
	ck_assert_int_eq(ctf_nlbuf_init(&ko, 1024), 0);
	ck_assert_int_eq(ctf_nlbuf_init(&mo, 1024), 0);
	ck_assert_int_eq(ctf_flow_key_to_attrs(&k, NULL, &ko, &mo), 0);
	ck_assert_ptr_nonnull(find(&ko, OVS_KEY_ATTR_TCP));
	ck_assert_ptr_nonnull(find(&ko, OVS_KEY_ATTR_TCP_FLAGS));
	/* ...fully wildcarded: the mask attributes are zero. */
	a = find(&mo, OVS_KEY_ATTR_TCP);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(mnl_attr_get_u32(a), 0);
	ck_assert_uint_eq(mnl_attr_get_u16(find(&mo, OVS_KEY_ATTR_TCP_FLAGS)), 0);

	/* A later fragment expects no L4 key. */
	k.ipv4.ipv4_frag = OVS_FRAG_TYPE_LATER;
	ck_assert_int_eq(ctf_flow_key_to_attrs(&k, NULL, &ko, &mo), 0);
	ck_assert_ptr_null(find(&ko, OVS_KEY_ATTR_TCP));

	/* eth_type 0x86dd with nothing else gets ipv6(); 0x0806 gets arp(). */
	memset(&k, 0, sizeof(k));
	k.attrs = B(ETHERTYPE);
	k.eth_type = htons(0x86dd);
	ck_assert_int_eq(ctf_flow_key_to_attrs(&k, NULL, &ko, NULL), 0);
	ck_assert_ptr_nonnull(find(&ko, OVS_KEY_ATTR_IPV6));
	k.eth_type = htons(0x0806);
	ck_assert_int_eq(ctf_flow_key_to_attrs(&k, NULL, &ko, NULL), 0);
	ck_assert_ptr_nonnull(find(&ko, OVS_KEY_ATTR_ARP));
	ck_assert_ptr_null(find(&ko, OVS_KEY_ATTR_IPV6));

	/* ICMPv6 neighbour solicitation expects nd(). */
	memset(&k, 0, sizeof(k));
	k.attrs = B(ETHERTYPE) | B(IPV6) | B(ICMPV6);
	k.eth_type = htons(0x86dd);
	k.ipv6.ipv6_proto = 58;
	k.icmpv6.icmpv6_type = 135;
	ck_assert_int_eq(ctf_flow_key_to_attrs(&k, NULL, &ko, NULL), 0);
	ck_assert_ptr_nonnull(find(&ko, OVS_KEY_ATTR_ND));
	ctf_nlbuf_free(&s.b);
	ctf_nlbuf_free(&ko);
	ctf_nlbuf_free(&mo);
}
END_TEST

START_TEST(encode_masks_key_and_promotes_parents)
{
	struct ctf_flow_key k, m;
	struct ctf_nlbuf ko, mo;
	const struct ovs_key_ipv4 *ip;

	memset(&k, 0, sizeof(k));
	memset(&m, 0, sizeof(m));
	k.attrs = B(ETHERTYPE) | B(IPV4) | B(TCP) | B(TCP_FLAGS) | B(IN_PORT);
	k.in_port = 4;
	k.eth_type = htons(0x0800);
	k.ipv4.ipv4_src = htonl(0x0a000001);
	k.ipv4.ipv4_proto = 6;
	k.tcp.tcp_dst = htons(443);
	k.tcp.tcp_src = htons(5555);
	/* Only the TCP destination port was examined. */
	m.tcp.tcp_dst = 0xffff;
	ck_assert_int_eq(ctf_nlbuf_init(&ko, 1024), 0);
	ck_assert_int_eq(ctf_nlbuf_init(&mo, 1024), 0);
	ck_assert_int_eq(ctf_flow_key_to_attrs(&k, &m, &ko, &mo), 0);

	/* key & mask: the unexamined source port and address are zero. */
	const struct ovs_key_tcp *t = mnl_attr_get_payload(find(&ko, OVS_KEY_ATTR_TCP));
	ck_assert_uint_eq(t->tcp_src, 0);
	ck_assert_uint_eq(ntohs(t->tcp_dst), 443);
	ip = mnl_attr_get_payload(find(&ko, OVS_KEY_ATTR_IPV4));
	ck_assert_uint_eq(ip->ipv4_src, 0);
	ck_assert_uint_eq(ip->ipv4_proto, 6);
	/* The kernel only allows a tcp mask under an exact proto and eth_type. */
	ip = mnl_attr_get_payload(find(&mo, OVS_KEY_ATTR_IPV4));
	ck_assert_uint_eq(ip->ipv4_proto, 0xff);
	ck_assert_uint_eq(ip->ipv4_src, 0);
	ck_assert_uint_eq(mnl_attr_get_u16(find(&mo, OVS_KEY_ATTR_ETHERTYPE)), 0xffff);
	/* in_port present with a zero mask stays wildcarded. */
	ck_assert_uint_eq(mnl_attr_get_u32(find(&mo, OVS_KEY_ATTR_IN_PORT)), 0);
	ctf_nlbuf_free(&ko);
	ctf_nlbuf_free(&mo);
}
END_TEST

START_TEST(vlan_round_trip_is_byte_exact)
{
	struct sb s;
	struct ctf_flow_key k;
	struct ctf_nlbuf ko;
	struct ovs_key_ethernet eth = { { 1, 2, 3, 4, 5, 6 }, { 6, 5, 4, 3, 2, 1 } };
	struct nlattr *n1, *n2;

	/* Canonical order already: eth, 802.1ad tag, 802.1Q tag, inner IPv4. */
	sb_init(&s);
	put_u32(&s, OVS_KEY_ATTR_IN_PORT, 2);
	put(&s, OVS_KEY_ATTR_ETHERNET, &eth, sizeof(eth));
	put_be16(&s, OVS_KEY_ATTR_ETHERTYPE, 0x88a8);
	put_be16(&s, OVS_KEY_ATTR_VLAN, 0x1000 | 100);
	n1 = nest(&s, OVS_KEY_ATTR_ENCAP);
	put_be16(&s, OVS_KEY_ATTR_ETHERTYPE, 0x8100);
	put_be16(&s, OVS_KEY_ATTR_VLAN, 0x1000 | 10);
	n2 = nest(&s, OVS_KEY_ATTR_ENCAP);
	put_be16(&s, OVS_KEY_ATTR_ETHERTYPE, 0x0800);
	ipv4(&s, "192.0.2.1", 0, 0);
	mnl_attr_nest_end(s.b.nlh, n2);
	mnl_attr_nest_end(s.b.nlh, n1);

	ck_assert_int_eq(ctf_flow_key_from_attrs(ctf_nlbuf_data(&s.b), ctf_nlbuf_len(&s.b), &k, NULL), 0);
	ck_assert_uint_eq(ntohs(k.vlan[0].tpid), 0x88a8);
	ck_assert_uint_eq(ntohs(k.vlan[0].tci), 0x1064);
	ck_assert_uint_eq(ntohs(k.vlan[1].tpid), 0x8100);
	ck_assert_uint_eq(ntohs(k.vlan[1].tci), 0x100a);
	ck_assert_uint_eq(ntohs(k.eth_type), 0x0800);
	ck_assert(k.attrs & CTF_KEYB_VLAN1);
	ck_assert(k.attrs & B(IPV4));

	ck_assert_int_eq(ctf_nlbuf_init(&ko, 1024), 0);
	ck_assert_int_eq(ctf_flow_key_to_attrs(&k, NULL, &ko, NULL), 0);
	ck_assert_uint_eq(ctf_nlbuf_len(&ko), ctf_nlbuf_len(&s.b));
	ck_assert_int_eq(memcmp(ctf_nlbuf_data(&ko), ctf_nlbuf_data(&s.b), ctf_nlbuf_len(&ko)), 0);
	ctf_nlbuf_free(&s.b);
	ctf_nlbuf_free(&ko);
}
END_TEST

START_TEST(tunnel_round_trip)
{
	struct sb s;
	struct ctf_flow_key k;
	struct ctf_nlbuf ko;
	struct nlattr *n;
	uint64_t id = htobe64(42);
	uint32_t dst = htonl(0xac1f6e02);
	uint8_t ttl = 64;
	uint8_t geneve[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	struct ovs_key_ethernet eth;

	memset(&eth, 0, sizeof(eth));

	sb_init(&s);
	n = nest(&s, OVS_KEY_ATTR_TUNNEL);
	put(&s, OVS_TUNNEL_KEY_ATTR_ID, &id, 8);
	put(&s, OVS_TUNNEL_KEY_ATTR_IPV4_DST, &dst, 4);
	put(&s, OVS_TUNNEL_KEY_ATTR_TTL, &ttl, 1);
	put(&s, OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT, NULL, 0);
	put(&s, OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS, geneve, sizeof(geneve));
	mnl_attr_nest_end(s.b.nlh, n);
	put(&s, OVS_KEY_ATTR_ETHERNET, &eth, sizeof(eth));
	ck_assert_int_eq(ctf_flow_key_from_attrs(ctf_nlbuf_data(&s.b), ctf_nlbuf_len(&s.b), &k, NULL), 0);
	ck_assert_uint_eq(be64toh(k.tun_id), 42);
	ck_assert_uint_eq(k.tun_ttl, 64);
	ck_assert_uint_eq(k.tun_flags, CTF_TUN_F_DF);
	ck_assert_uint_eq(k.geneve_len, 8);
	ck_assert_int_eq(ctf_nlbuf_init(&ko, 1024), 0);
	ck_assert_int_eq(ctf_flow_key_to_attrs(&k, NULL, &ko, NULL), 0);
	ck_assert_uint_eq(ctf_nlbuf_len(&ko), ctf_nlbuf_len(&s.b));
	ck_assert_int_eq(memcmp(ctf_nlbuf_data(&ko), ctf_nlbuf_data(&s.b), ctf_nlbuf_len(&ko)), 0);
	ctf_nlbuf_free(&s.b);
	ctf_nlbuf_free(&ko);
}
END_TEST

START_TEST(unknown_attrs_are_kept_out)
{
	struct sb s;
	struct ctf_flow_key k;
	uint32_t v = 9;

	sb_init(&s);
	put_u32(&s, OVS_KEY_ATTR_IN_PORT, 1);
	put(&s, 45, &v, 4);	/* a type from some future kernel */
	put_be16(&s, OVS_KEY_ATTR_ETHERTYPE, 0x0806);
	ck_assert_int_eq(ctf_flow_key_from_attrs(ctf_nlbuf_data(&s.b), ctf_nlbuf_len(&s.b), &k, NULL), 0);
	ck_assert(k.attrs & CTF_KEYB_UNKNOWN);
	ck_assert(k.attrs & B(ETHERTYPE));
	ck_assert_uint_eq(k.in_port, 1);
	ctf_nlbuf_free(&s.b);
}
END_TEST

START_TEST(malformed_streams_are_refused)
{
	struct sb s;
	struct ctf_flow_key k;
	struct ctf_err err;
	uint16_t two = 0;

	/* Duplicate. */
	sb_init(&s);
	put_u32(&s, OVS_KEY_ATTR_IN_PORT, 1);
	put_u32(&s, OVS_KEY_ATTR_IN_PORT, 2);
	ck_assert_int_eq(ctf_flow_key_from_attrs(ctf_nlbuf_data(&s.b), ctf_nlbuf_len(&s.b), &k, &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, "duplicate in_port()"), "msg: %s", err.msg);
	/* Wrong length: ct_zone is a u16, not a u32. */
	ctf_nlbuf_reset(&s.b);
	put_u32(&s, OVS_KEY_ATTR_CT_ZONE, 1);
	ck_assert_int_eq(ctf_flow_key_from_attrs(ctf_nlbuf_data(&s.b), ctf_nlbuf_len(&s.b), &k, &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, "ct_zone()"), "msg: %s", err.msg);
	/* encap without vlan. */
	ctf_nlbuf_reset(&s.b);
	mnl_attr_nest_end(s.b.nlh, nest(&s, OVS_KEY_ATTR_ENCAP));
	ck_assert_int_eq(ctf_flow_key_from_attrs(ctf_nlbuf_data(&s.b), ctf_nlbuf_len(&s.b), &k, &err), -EINVAL);
	/* Truncated: cut the last attribute short. */
	ctf_nlbuf_reset(&s.b);
	put(&s, OVS_KEY_ATTR_CT_ZONE, &two, 2);
	put_u32(&s, OVS_KEY_ATTR_IN_PORT, 1);
	ck_assert_int_eq(ctf_flow_key_from_attrs(ctf_nlbuf_data(&s.b), ctf_nlbuf_len(&s.b) - 2, &k, &err), -EINVAL);
	ctf_nlbuf_free(&s.b);
}
END_TEST

/* Garbage and every truncation of a real stream: never a crash, always 0 or -EINVAL. */
START_TEST(fuzz_decode)
{
	struct sb s;
	struct ctf_flow_key k;
	struct ctf_err err;
	uint8_t junk[256];
	struct nlattr *n;

	sb_init(&s);
	put_u32(&s, OVS_KEY_ATTR_IN_PORT, 1);
	put_be16(&s, OVS_KEY_ATTR_ETHERTYPE, 0x8100);
	put_be16(&s, OVS_KEY_ATTR_VLAN, 0x1005);
	n = nest(&s, OVS_KEY_ATTR_ENCAP);
	put_be16(&s, OVS_KEY_ATTR_ETHERTYPE, 0x0800);
	ipv4(&s, "1.1.1.1", 17, 0);
	mnl_attr_nest_end(s.b.nlh, n);
	for (size_t len = 0; len <= ctf_nlbuf_len(&s.b); len++) {
		int ret = ctf_flow_key_from_attrs(ctf_nlbuf_data(&s.b), len, &k, &err);
		ck_assert(ret == 0 || ret == -EINVAL);
	}
	srand(7);
	for (int round = 0; round < 2000; round++) {
		size_t len = (size_t)rand() % sizeof(junk);

		for (size_t i = 0; i < len; i++)
			junk[i] = (uint8_t)rand();
		/* Make many of them look like attributes to get past the first header. */
		if (len >= 4 && (round & 1)) {
			uint16_t alen = (uint16_t)(4 + rand() % (len - 3));
			memcpy(junk, &alen, 2);
		}
		int ret = ctf_flow_key_from_attrs(junk, len, &k, &err);
		ck_assert(ret == 0 || ret == -EINVAL);
	}
	ctf_nlbuf_free(&s.b);
}
END_TEST


/* decode + encode of key and mask; returns 0 or the error. */
static int reencode(const struct ctf_nlbuf *key, const struct ctf_nlbuf *mask, struct ctf_nlbuf *ko,
		    struct ctf_nlbuf *mo)
{
	struct ctf_flow_key *k = malloc(2 * sizeof(*k)), *m = k + 1;
	int ret;

	ck_assert_ptr_nonnull(k);
	ret = ctf_flow_key_from_attrs(ctf_nlbuf_data(key), ctf_nlbuf_len(key), k, NULL);
	if (!ret)
		ret = ctf_flow_key_from_attrs(ctf_nlbuf_data(mask), ctf_nlbuf_len(mask), m, NULL);
	if (!ret)
		ret = ctf_flow_key_to_attrs(k, m, ko, mo);
	free(k);
	return ret;
}

/*
 * Every key of the OVS corpus the parser takes: encoding is a fixpoint after
 * one round (canonical order, canonical mask), key and mask carry the same
 * attributes in the same order, and a flow the validator accepts is still
 * accepted after the round trip.
 */
START_TEST(corpus_round_trips)
{
	const char *dir = getenv("CTFLOW_VECTORS");
	char path[512], line[4096];
	struct ctf_nlbuf k, m, k1, m1, k2, m2;
	int parsed = 0, valid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/keys.txt", dir ? dir : "tests/vectors");
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_int_eq(ctf_nlbuf_init(&k, 65536), 0);
	ck_assert_int_eq(ctf_nlbuf_init(&m, 65536), 0);
	ck_assert_int_eq(ctf_nlbuf_init(&k1, 65536), 0);
	ck_assert_int_eq(ctf_nlbuf_init(&m1, 65536), 0);
	ck_assert_int_eq(ctf_nlbuf_init(&k2, 65536), 0);
	ck_assert_int_eq(ctf_nlbuf_init(&m2, 65536), 0);
	while (fgets(line, sizeof(line), f)) {
		struct ctf_err err;
		unsigned t1[64], t2[64];

		line[strcspn(line, "#\n")] = '\0';
		if (!line[0])
			continue;
		ctf_nlbuf_reset(&k);
		ctf_nlbuf_reset(&m);
		if (ctf_key_parse(line, NULL, &k, &m, &err))
			continue;
		parsed++;
		ck_assert_msg(reencode(&k, &m, &k1, &m1) == 0, "round 1 of `%s'", line);
		ck_assert_msg(reencode(&k1, &m1, &k2, &m2) == 0, "round 2 of `%s'", line);
		ck_assert_msg(ctf_nlbuf_len(&k1) == ctf_nlbuf_len(&k2) &&
			      !memcmp(ctf_nlbuf_data(&k1), ctf_nlbuf_data(&k2), ctf_nlbuf_len(&k1)),
			      "key of `%s' is not a fixpoint", line);
		ck_assert_msg(ctf_nlbuf_len(&m1) == ctf_nlbuf_len(&m2) &&
			      !memcmp(ctf_nlbuf_data(&m1), ctf_nlbuf_data(&m2), ctf_nlbuf_len(&m1)),
			      "mask of `%s' is not a fixpoint", line);
		int n1 = types_of(&k1, t1, 64), n2 = types_of(&m1, t2, 64);
		ck_assert_int_eq(n1, n2);
		for (int i = 0; i < n1; i++)
			ck_assert_uint_eq(t1[i], t2[i]);
		if (ctf_flow_validate(ctf_nlbuf_data(&k), ctf_nlbuf_len(&k), ctf_nlbuf_data(&m),
				      ctf_nlbuf_len(&m), NULL, 0, &err) == 0) {
			valid++;
			ck_assert_msg(ctf_flow_validate(ctf_nlbuf_data(&k1), ctf_nlbuf_len(&k1), ctf_nlbuf_data(&m1),
							ctf_nlbuf_len(&m1), NULL, 0, &err) == 0,
				      "`%s' refused after the round trip: %s", line, err.msg);
		}
	}
	fclose(f);
	/* The corpus is mostly parseable; make sure the loop really ran. */
	ck_assert_msg(parsed > 200, "only %d corpus keys parsed", parsed);
	ck_assert_msg(valid > 50, "only %d corpus keys valid", valid);
	ctf_nlbuf_free(&k);
	ctf_nlbuf_free(&m);
	ctf_nlbuf_free(&k1);
	ctf_nlbuf_free(&m1);
	ctf_nlbuf_free(&k2);
	ctf_nlbuf_free(&m2);
}
END_TEST

static void random_key(struct ctf_flow_key *k)
{
	uint8_t *p = (uint8_t *)k;

	memset(k, 0, sizeof(*k));
	for (size_t i = CTF_KEY_BODY_START; i < sizeof(*k); i++)
		p[i] = (rand() & 3) ? 0 : (uint8_t)rand();
	k->attrs = B(ETHERTYPE) | B(IPV4);
}

START_TEST(mask_apply_matches_and_union)
{
	struct ctf_flow_key pkt, pkt2, a, b, u, rule;

	srand(11);
	for (int round = 0; round < 500; round++) {
		random_key(&pkt);
		random_key(&a);
		random_key(&b);
		/* A packet always matches the rule made from itself. */
		ctf_flow_key_mask_apply(&rule, &pkt, &a);
		ck_assert(ctf_flow_key_matches(&pkt, &rule, &a));
		/* A packet that differs in a bit the mask examines does not. */
		pkt2 = pkt;
		size_t off = CTF_KEY_BODY_START + (size_t)rand() % (sizeof(pkt) - CTF_KEY_BODY_START);
		uint8_t bit = (uint8_t)(1u << (rand() % 8));
		((uint8_t *)&a)[off] |= bit;
		a.attrs |= B(TUNNEL);	/* so the cold part is compared too */
		ctf_flow_key_mask_apply(&rule, &pkt, &a);
		((uint8_t *)&pkt2)[off] ^= bit;
		ck_assert(!ctf_flow_key_matches(&pkt2, &rule, &a));
		/* ...while a difference outside the mask is ignored. */
		struct ctf_flow_key narrow = a;
		((uint8_t *)&narrow)[off] &= (uint8_t)~bit;
		ctf_flow_key_mask_apply(&rule, &pkt, &narrow);
		ck_assert(ctf_flow_key_matches(&pkt2, &rule, &narrow));
		/* Union: equal under the union mask => equal under each part. */
		ctf_flow_key_mask_union(&u, &a, &b);
		pkt2 = pkt;
		for (size_t i = CTF_KEY_BODY_START; i < sizeof(pkt); i++)
			((uint8_t *)&pkt2)[i] ^= (uint8_t)(~((uint8_t *)&u)[i] & (uint8_t)rand());
		ctf_flow_key_mask_apply(&rule, &pkt, &u);
		ck_assert(ctf_flow_key_matches(&pkt2, &rule, &u));
		ctf_flow_key_mask_apply(&rule, &pkt, &a);
		ck_assert(ctf_flow_key_matches(&pkt2, &rule, &a));
		ctf_flow_key_mask_apply(&rule, &pkt, &b);
		ck_assert(ctf_flow_key_matches(&pkt2, &rule, &b));
	}
	memset(&u, 0, sizeof(u));
	ck_assert(ctf_flow_key_mask_is_empty(&u));
	u.tcp.tcp_dst = 1;
	ck_assert(!ctf_flow_key_mask_is_empty(&u));
}
END_TEST

START_TEST(cold_part_skipped_without_tunnel_mask)
{
	struct ctf_flow_key pkt, rule, mask;

	memset(&pkt, 0, sizeof(pkt));
	memset(&mask, 0, sizeof(mask));
	mask.geneve_opts[0] = 0xff;
	ctf_flow_key_mask_apply(&rule, &pkt, &mask);
	pkt.geneve_opts[0] = 1;
	/* Geneve options only count when the mask says the rule looks at the tunnel. */
	ck_assert(ctf_flow_key_matches(&pkt, &rule, &mask));
	mask.attrs |= B(TUNNEL);
	ck_assert(!ctf_flow_key_matches(&pkt, &rule, &mask));
}
END_TEST

static Suite *match_suite(void)
{
	Suite *s = suite_create("match");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, decode_fields_and_presence);
	tcase_add_test(tc, encode_uses_kernel_order);
	tcase_add_test(tc, encode_adds_expected_l4);
	tcase_add_test(tc, encode_masks_key_and_promotes_parents);
	tcase_add_test(tc, vlan_round_trip_is_byte_exact);
	tcase_add_test(tc, tunnel_round_trip);
	tcase_add_test(tc, unknown_attrs_are_kept_out);
	tcase_add_test(tc, malformed_streams_are_refused);
	tcase_add_test(tc, fuzz_decode);
	tcase_add_test(tc, corpus_round_trips);
	tcase_add_test(tc, mask_apply_matches_and_union);
	tcase_add_test(tc, cold_part_skipped_without_tunnel_mask);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run_suite(match_suite());
}
