// SPDX-License-Identifier: Apache-2.0
/*
 * The OVS_KEY_ATTR_* / OVS_TUNNEL_KEY_ATTR_* / OVS_NSH_KEY_ATTR_* tables.
 * Lengths follow the kernel's ovs_key_lens (net/openvswitch/flow_netlink.c);
 * text names and print styles follow ovs-dpctl; ctflow-flows(7) documents
 * every row (tests/unit/check_manpage_flows fails otherwise).
 * Field order in each list is the order ovs-dpctl prints them in.
 */
#include <stddef.h>
#include <string.h>
#include <linux/erspan.h>

#include "ctflow/match.h"
#include "odp/key-attrs.h"

#define F(n, off, sz, st) { .name = n, .offset = off, .size = sz, .style = CTF_FS_##st }
#define FB(n, off, sz, sh, nb, st) \
	{ .name = n, .offset = off, .size = sz, .shift = sh, .bits = nb, .style = CTF_FS_##st }
#define FH(n, sz, st) { .name = n, .size = sz, .style = CTF_FS_##st, .host_order = 1 }
#define FIELDS(a) .fields = a, .n_fields = CTF_ARRAY_SIZE(a)
/* An address field: the classifier examines it in its own stage. */
#define FA(n, off, sz, st) { .name = n, .offset = off, .size = sz, .style = CTF_FS_##st, .addr = 1 }
/* Where a row lives in struct ctf_flow_key, where the encoder writes it, its classifier stage. */
#define AT(m, enc, st) .key_off = offsetof(struct ctf_flow_key, m), .enc_order = enc, \
	.stage = CTF_KS_##st
/* A key row's name, length rule, kind and CTF_AF_* flags. */
#define ROW(n, l, k, f) .name = (n), .len = (l), .kind = (k), .flags = (f)
#define OUT(n) CTF_ENC_OUTER(n)
#define IN(n) CTF_ENC_INNER(n)

/* Scalar keys: a single unnamed field. */
static const struct ctf_field_desc f_u32_hex[] = { FH(NULL, 4, HEX) };
static const struct ctf_field_desc f_u16_hex[] = { FH(NULL, 2, HEX) };
static const struct ctf_field_desc f_in_port[] = { FH(NULL, 4, PORT) };
static const struct ctf_field_desc f_ethertype[] = { F(NULL, 0, 2, ETHTYPE) };

static const struct ctf_field_desc f_eth[] = {
	F("src", offsetof(struct ovs_key_ethernet, eth_src), 6, ETH),
	F("dst", offsetof(struct ovs_key_ethernet, eth_dst), 6, ETH),
};

/* The TCI: vid 12 bits, cfi (the "tag present" bit) 1, pcp 3. */
static const struct ctf_field_desc f_vlan[] = {
	FB("vid", 0, 2, 0, 12, DEC_0X),
	FB("pcp", 0, 2, 13, 3, DEC_0X),
	FB("cfi", 0, 2, 12, 1, CFI),
};

static const struct ctf_field_desc f_ipv4[] = {
	FA("src", offsetof(struct ovs_key_ipv4, ipv4_src), 4, IPV4),
	FA("dst", offsetof(struct ovs_key_ipv4, ipv4_dst), 4, IPV4),
	F("proto", offsetof(struct ovs_key_ipv4, ipv4_proto), 1, DEC),
	F("tos", offsetof(struct ovs_key_ipv4, ipv4_tos), 1, HEX),
	F("ttl", offsetof(struct ovs_key_ipv4, ipv4_ttl), 1, DEC),
	F("frag", offsetof(struct ovs_key_ipv4, ipv4_frag), 1, FRAG),
};

static const struct ctf_field_desc f_ipv6[] = {
	FA("src", offsetof(struct ovs_key_ipv6, ipv6_src), 16, IPV6),
	FA("dst", offsetof(struct ovs_key_ipv6, ipv6_dst), 16, IPV6),
	FB("label", offsetof(struct ovs_key_ipv6, ipv6_label), 4, 0, 20, HEX),
	F("proto", offsetof(struct ovs_key_ipv6, ipv6_proto), 1, DEC),
	F("tclass", offsetof(struct ovs_key_ipv6, ipv6_tclass), 1, HEX),
	F("hlimit", offsetof(struct ovs_key_ipv6, ipv6_hlimit), 1, DEC),
	F("frag", offsetof(struct ovs_key_ipv6, ipv6_frag), 1, FRAG),
};

/* tcp, udp and sctp share the layout {be16 src, be16 dst}. */
static const struct ctf_field_desc f_ports[] = {
	F("src", 0, 2, DEC),
	F("dst", 2, 2, DEC),
};

static const struct ctf_field_desc f_icmp[] = {
	F("type", 0, 1, DEC),
	F("code", 1, 1, DEC),
};

static const struct ctf_field_desc f_arp[] = {
	FA("sip", offsetof(struct ovs_key_arp, arp_sip), 4, IPV4),
	FA("tip", offsetof(struct ovs_key_arp, arp_tip), 4, IPV4),
	F("op", offsetof(struct ovs_key_arp, arp_op), 2, DEC),
	FA("sha", offsetof(struct ovs_key_arp, arp_sha), 6, ETH),
	FA("tha", offsetof(struct ovs_key_arp, arp_tha), 6, ETH),
};

static const struct ctf_field_desc f_nd[] = {
	F("target", offsetof(struct ovs_key_nd, nd_target), 16, IPV6),
	F("sll", offsetof(struct ovs_key_nd, nd_sll), 6, ETH),
	F("tll", offsetof(struct ovs_key_nd, nd_tll), 6, ETH),
};

/* One MPLS label stack entry (be32): label 20, tc 3, bos 1, ttl 8. */
static const struct ctf_field_desc f_mpls[] = {
	FB("label", 0, 4, 12, 20, DEC),
	FB("tc", 0, 4, 9, 3, DEC),
	FB("ttl", 0, 4, 0, 8, DEC),
	FB("bos", 0, 4, 8, 1, DEC),
};

static const struct ctf_field_desc f_ct_tuple4[] = {
	F("src", offsetof(struct ovs_key_ct_tuple_ipv4, ipv4_src), 4, IPV4),
	F("dst", offsetof(struct ovs_key_ct_tuple_ipv4, ipv4_dst), 4, IPV4),
	F("proto", offsetof(struct ovs_key_ct_tuple_ipv4, ipv4_proto), 1, DEC),
	F("tp_src", offsetof(struct ovs_key_ct_tuple_ipv4, src_port), 2, DEC),
	F("tp_dst", offsetof(struct ovs_key_ct_tuple_ipv4, dst_port), 2, DEC),
};

/* ovs-dpctl prints src_port/dst_port for IPv6 but parses tp_src/tp_dst. */
static const struct ctf_field_desc f_ct_tuple6[] = {
	F("src", offsetof(struct ovs_key_ct_tuple_ipv6, ipv6_src), 16, IPV6),
	F("dst", offsetof(struct ovs_key_ct_tuple_ipv6, ipv6_dst), 16, IPV6),
	F("proto", offsetof(struct ovs_key_ct_tuple_ipv6, ipv6_proto), 1, DEC),
	{ .name = "src_port", .alias = "tp_src", .size = 2, .style = CTF_FS_DEC,
	  .offset = offsetof(struct ovs_key_ct_tuple_ipv6, src_port) },
	{ .name = "dst_port", .alias = "tp_dst", .size = 2, .style = CTF_FS_DEC,
	  .offset = offsetof(struct ovs_key_ct_tuple_ipv6, dst_port) },
};

/* ---- tunnel ---------------------------------------------------------- */

static const struct ctf_field_desc f_tun_id[] = { F("tun_id", 0, 8, HEX_0X) };
static const struct ctf_field_desc f_tun_src[] = { F("src", 0, 4, IPV4) };
static const struct ctf_field_desc f_tun_dst[] = { F("dst", 0, 4, IPV4) };
static const struct ctf_field_desc f_tun_ipv6_src[] = { F("ipv6_src", 0, 16, IPV6) };
static const struct ctf_field_desc f_tun_ipv6_dst[] = { F("ipv6_dst", 0, 16, IPV6) };
static const struct ctf_field_desc f_tun_tos[] = { F("tos", 0, 1, HEX) };
static const struct ctf_field_desc f_tun_ttl[] = { F("ttl", 0, 1, DEC) };
static const struct ctf_field_desc f_tun_tp_src[] = { F("tp_src", 0, 2, DEC) };
static const struct ctf_field_desc f_tun_tp_dst[] = { F("tp_dst", 0, 2, DEC) };

static const struct ctf_attr_desc tunnel_attrs[OVS_TUNNEL_KEY_ATTR_MAX + 1] = {
	[OVS_TUNNEL_KEY_ATTR_ID] = { ROW("tun_id", 8, CTF_AK_SCALAR, 0), FIELDS(f_tun_id),
				     AT(tun_id, 1, META) },
	[OVS_TUNNEL_KEY_ATTR_IPV4_SRC] = { ROW("src", 4, CTF_AK_SCALAR, 0), FIELDS(f_tun_src),
					   AT(tun_ipv4_src, 2, META) },
	[OVS_TUNNEL_KEY_ATTR_IPV4_DST] = { ROW("dst", 4, CTF_AK_SCALAR, 0), FIELDS(f_tun_dst),
					   AT(tun_ipv4_dst, 3, META) },
	[OVS_TUNNEL_KEY_ATTR_TOS] = { ROW("tos", 1, CTF_AK_SCALAR, 0), FIELDS(f_tun_tos),
				      AT(tun_tos, 6, META) },
	[OVS_TUNNEL_KEY_ATTR_TTL] = { ROW("ttl", 1, CTF_AK_SCALAR, 0), FIELDS(f_tun_ttl),
				      AT(tun_ttl, 7, META) },
	[OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT] = { .name = "df", .len = 0, .kind = CTF_AK_RAW,
						.enc_order = 8 },
	[OVS_TUNNEL_KEY_ATTR_CSUM] = { .name = "csum", .len = 0, .kind = CTF_AK_RAW,
				       .enc_order = 9 },
	[OVS_TUNNEL_KEY_ATTR_OAM] = { .name = "oam", .len = 0, .kind = CTF_AK_RAW, .enc_order = 12 },
	[OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS] = { .name = "geneve", .len = CTF_LEN_VARIABLE,
					      .kind = CTF_AK_RAW, AT(geneve_opts, 13, META),
					      .key_size = CTF_GENEVE_OPTS_MAX, .max_len = CTF_GENEVE_OPTS_MAX },
	[OVS_TUNNEL_KEY_ATTR_TP_SRC] = { ROW("tp_src", 2, CTF_AK_SCALAR, 0), FIELDS(f_tun_tp_src),
					 AT(tun_tp_src, 10, META) },
	[OVS_TUNNEL_KEY_ATTR_TP_DST] = { ROW("tp_dst", 2, CTF_AK_SCALAR, 0), FIELDS(f_tun_tp_dst),
					 AT(tun_tp_dst, 11, META) },
	[OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS] = { .name = "vxlan", .len = CTF_LEN_NESTED,
					     .kind = CTF_AK_RAW, AT(tun_vxlan_gbp, 14, META),
					     .key_size = 4 },
	[OVS_TUNNEL_KEY_ATTR_IPV6_SRC] = { ROW("ipv6_src", 16, CTF_AK_SCALAR, 0),
					   FIELDS(f_tun_ipv6_src), AT(tun_ipv6_src, 4, META) },
	[OVS_TUNNEL_KEY_ATTR_IPV6_DST] = { ROW("ipv6_dst", 16, CTF_AK_SCALAR, 0),
					   FIELDS(f_tun_ipv6_dst), AT(tun_ipv6_dst, 5, META) },
	[OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS] = { .name = "erspan",
					      .len = sizeof(struct erspan_metadata),
					      .kind = CTF_AK_RAW, AT(erspan_opts, 15, META),
					      .key_size = CTF_ERSPAN_OPTS_MAX },
	[OVS_TUNNEL_KEY_ATTR_IPV4_INFO_BRIDGE] = { .name = "info_bridge", .len = 0,
						   .kind = CTF_AK_RAW, .enc_order = 16 },
};

const struct ctf_attr_table ctf_tunnel_key_table = {
	"tunnel key", OVS_TUNNEL_KEY_ATTR_MAX, tunnel_attrs
};

/* ---- nsh ------------------------------------------------------------- */

static const struct ctf_field_desc f_nsh_base[] = {
	F("flags", offsetof(struct ovs_nsh_key_base, flags), 1, DEC),
	F("ttl", offsetof(struct ovs_nsh_key_base, ttl), 1, DEC),
	F("mdtype", offsetof(struct ovs_nsh_key_base, mdtype), 1, DEC),
	F("np", offsetof(struct ovs_nsh_key_base, np), 1, DEC),
	/* path_hdr = spi (24 bits) << 8 | si (8 bits) */
	FB("spi", offsetof(struct ovs_nsh_key_base, path_hdr), 4, 8, 24, HEX),
	FB("si", offsetof(struct ovs_nsh_key_base, path_hdr), 4, 0, 8, DEC),
};

static const struct ctf_field_desc f_nsh_md1[] = {
	F("c1", 0, 4, HEX), F("c2", 4, 4, HEX), F("c3", 8, 4, HEX), F("c4", 12, 4, HEX),
};

/* Written by match.c's put_nsh() (md1 only for MD type 1), not by position. */
static const struct ctf_attr_desc nsh_attrs[OVS_NSH_KEY_ATTR_MAX + 1] = {
	[OVS_NSH_KEY_ATTR_BASE] = { ROW("base", sizeof(struct ovs_nsh_key_base), CTF_AK_STRUCT, 0),
				    FIELDS(f_nsh_base), AT(nsh_base, 0, L3) },
	[OVS_NSH_KEY_ATTR_MD1] = { ROW("md1", sizeof(struct ovs_nsh_key_md1), CTF_AK_STRUCT, 0),
				   FIELDS(f_nsh_md1), AT(nsh_md1, 0, L3) },
	[OVS_NSH_KEY_ATTR_MD2] = { .name = "md2", .len = CTF_LEN_VARIABLE, .kind = CTF_AK_RAW,
				   AT(nsh_md2, 0, L3), .key_size = CTF_NSH_MD2_MAX,
				   .min_len = 1, .max_len = CTF_NSH_MD2_MAX },
};

const struct ctf_attr_table ctf_nsh_key_table = { "nsh key", OVS_NSH_KEY_ATTR_MAX, nsh_attrs };

/* ---- OVS_KEY_ATTR_* --------------------------------------------------- */

/*
 * Columns: name, payload length, kind, flags, fields; then AT(): the struct
 * ctf_flow_key member, the encode position (OUT(n) before the VLAN levels,
 * IN(n) inside the innermost encap(), in the kernel's dump order) and the
 * daemon classifier's stage.
 */
#define L3 CTF_AF_L3L4
static const struct ctf_attr_desc key_attrs[OVS_KEY_ATTR_MAX + 1] = {
	[OVS_KEY_ATTR_ENCAP] = { .name = "encap", .len = CTF_LEN_NESTED, .kind = CTF_AK_ENCAP,
				 .nested = &ctf_key_table },
	[OVS_KEY_ATTR_PRIORITY] = { ROW("skb_priority", 4, CTF_AK_SCALAR, 0), FIELDS(f_u32_hex),
				    AT(priority, OUT(3), META) },
	[OVS_KEY_ATTR_IN_PORT] = { ROW("in_port", 4, CTF_AK_SCALAR, 0), FIELDS(f_in_port),
				   AT(in_port, OUT(5), FIXED) },
	[OVS_KEY_ATTR_ETHERNET] = { ROW("eth", sizeof(struct ovs_key_ethernet), CTF_AK_STRUCT, 0),
				    FIELDS(f_eth), AT(eth, OUT(13), L2) },
	/* Both tags with their TPIDs; written by the VLAN levels of the encoder. */
	[OVS_KEY_ATTR_VLAN] = { ROW("vlan", 2, CTF_AK_VLAN, 0), FIELDS(f_vlan), AT(vlan, 0, L2),
				.key_size = sizeof(((struct ctf_flow_key *)0)->vlan) },
	/* The innermost EtherType; an outer one is a VLAN TPID (vlan[].tpid). */
	[OVS_KEY_ATTR_ETHERTYPE] = { ROW("eth_type", 2, CTF_AK_SCALAR, 0), FIELDS(f_ethertype),
				     AT(eth_type, IN(1), FIXED) },
	[OVS_KEY_ATTR_IPV4] = { ROW("ipv4", sizeof(struct ovs_key_ipv4), CTF_AK_STRUCT, L3),
				FIELDS(f_ipv4), AT(ipv4, IN(2), L3) },
	[OVS_KEY_ATTR_IPV6] = { ROW("ipv6", sizeof(struct ovs_key_ipv6), CTF_AK_STRUCT, L3),
				FIELDS(f_ipv6), AT(ipv6, IN(3), L3) },
	[OVS_KEY_ATTR_TCP] = { ROW("tcp", sizeof(struct ovs_key_tcp), CTF_AK_STRUCT, L3),
			       FIELDS(f_ports), AT(tcp, IN(8), L4) },
	[OVS_KEY_ATTR_UDP] = { ROW("udp", sizeof(struct ovs_key_udp), CTF_AK_STRUCT, L3),
			       FIELDS(f_ports), AT(udp, IN(10), L4) },
	[OVS_KEY_ATTR_ICMP] = { ROW("icmp", sizeof(struct ovs_key_icmp), CTF_AK_STRUCT, L3),
				FIELDS(f_icmp), AT(icmp, IN(12), L4) },
	[OVS_KEY_ATTR_ICMPV6] = { ROW("icmpv6", sizeof(struct ovs_key_icmpv6), CTF_AK_STRUCT, L3),
				  FIELDS(f_icmp), AT(icmpv6, IN(13), L4) },
	[OVS_KEY_ATTR_ARP] = { ROW("arp", sizeof(struct ovs_key_arp), CTF_AK_STRUCT, L3),
			       FIELDS(f_arp), AT(arp, IN(5), L3) },
	[OVS_KEY_ATTR_ND] = { ROW("nd", sizeof(struct ovs_key_nd), CTF_AK_STRUCT, L3), FIELDS(f_nd),
			      AT(nd, IN(14), L4) },
	[OVS_KEY_ATTR_SKB_MARK] = { ROW("skb_mark", 4, CTF_AK_SCALAR, 0), FIELDS(f_u32_hex),
				    AT(skb_mark, OUT(6), META) },
	[OVS_KEY_ATTR_TUNNEL] = { .name = "tunnel", .len = CTF_LEN_NESTED,
				  .kind = CTF_AK_TUNNEL, .nested = &ctf_tunnel_key_table,
				  .enc_order = OUT(4), .stage = CTF_KS_META },
	[OVS_KEY_ATTR_SCTP] = { ROW("sctp", sizeof(struct ovs_key_sctp), CTF_AK_STRUCT, L3),
				FIELDS(f_ports), AT(sctp, IN(11), L4) },
	[OVS_KEY_ATTR_TCP_FLAGS] = { .name = "tcp_flags", .len = 2, .kind = CTF_AK_TCP_FLAGS,
				     .flags = L3, AT(tcp_flags, IN(9), L4) },
	[OVS_KEY_ATTR_DP_HASH] = { ROW("dp_hash", 4, CTF_AK_SCALAR, 0), FIELDS(f_u32_hex),
				   AT(dp_hash, OUT(2), META) },
	[OVS_KEY_ATTR_RECIRC_ID] = { ROW("recirc_id", 4, CTF_AK_SCALAR, CTF_AF_NO_MASK),
				     FIELDS(f_u32_hex), AT(recirc_id, OUT(1), FIXED) },
	[OVS_KEY_ATTR_MPLS] = { ROW("mpls", CTF_LEN_VARIABLE, CTF_AK_MPLS, L3), FIELDS(f_mpls),
				AT(mpls, IN(6), L2),
				.key_size = sizeof(((struct ctf_flow_key *)0)->mpls),
				.min_len = 4, .max_len = 12 },
	[OVS_KEY_ATTR_CT_STATE] = { .name = "ct_state", .len = 4, .kind = CTF_AK_CT_STATE,
				    AT(ct_state, OUT(7), META) },
	[OVS_KEY_ATTR_CT_ZONE] = { ROW("ct_zone", 2, CTF_AK_SCALAR, 0), FIELDS(f_u16_hex),
				   AT(ct_zone, OUT(8), META) },
	[OVS_KEY_ATTR_CT_MARK] = { ROW("ct_mark", 4, CTF_AK_SCALAR, 0), FIELDS(f_u32_hex),
				   AT(ct_mark, OUT(9), META) },
	[OVS_KEY_ATTR_CT_LABELS] = { .name = "ct_label", .len = OVS_CT_LABELS_LEN,
				     .kind = CTF_AK_LABEL128, AT(ct_labels, OUT(10), META) },
	[OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4] = { ROW("ct_tuple4", sizeof(struct ovs_key_ct_tuple_ipv4),
					      CTF_AK_STRUCT, L3), FIELDS(f_ct_tuple4),
					      AT(ct_tuple4, OUT(11), META) },
	[OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6] = { ROW("ct_tuple6", sizeof(struct ovs_key_ct_tuple_ipv6),
					      CTF_AK_STRUCT, L3), FIELDS(f_ct_tuple6),
					      AT(ct_tuple6, OUT(12), META) },
	[OVS_KEY_ATTR_NSH] = { .name = "nsh", .len = CTF_LEN_NESTED, .kind = CTF_AK_NSH,
			       .flags = L3, .nested = &ctf_nsh_key_table, .enc_order = IN(7),
			       .stage = CTF_KS_L3 },
	/* Userspace-only (OVS's own datapath) or kernel-internal: the kernel's
	 * parse_flow_nlattrs refuses them from userspace. */
	[OVS_KEY_ATTR_PACKET_TYPE] = { .name = "packet_type", .len = 4, .kind = CTF_AK_REFUSED,
				       .flags = CTF_AF_USER_ONLY },
	[OVS_KEY_ATTR_ND_EXTENSIONS] = { .name = "nd_ext", .len = CTF_LEN_VARIABLE,
					 .kind = CTF_AK_REFUSED, .flags = CTF_AF_USER_ONLY },
	[OVS_KEY_ATTR_TUNNEL_INFO] = { .name = "tunnel_info", .len = CTF_LEN_VARIABLE,
				       .kind = CTF_AK_REFUSED, .flags = CTF_AF_USER_ONLY },
	[OVS_KEY_ATTR_IPV6_EXTHDRS] = { ROW("ipv6_exthdrs", sizeof(struct ovs_key_ipv6_exthdrs),
					CTF_AK_SCALAR, 0), FIELDS(f_u16_hex),
					AT(ipv6_exthdrs, IN(4), L3) },
};
#undef L3

const struct ctf_attr_table ctf_key_table = { "key", OVS_KEY_ATTR_MAX, key_attrs };

/*
 * Name -> type index: every attribute of every parsed flow goes through
 * here, so a small open-addressed hash (filled once at load time) replaces a
 * scan of the 32 rows.
 */
#define NAME_SLOTS 128u

/*
 * A name as two words: its first and its last eight bytes, overlapping when
 * it is shorter than 16; below 8 bytes the same with four- or two-byte
 * halves. With the length this decides equality for names of up to 16
 * bytes (all of ours) in two compares, with a few loads and no loop;
 * longer names also compare the middle.
 */
struct name_words {
	uint64_t head, tail;
};

static inline struct name_words name_words(const char *s, size_t len)
{
	struct name_words w = { 0, 0 };

	if (len >= 8) {
		memcpy(&w.head, s, 8);
		memcpy(&w.tail, s + len - 8, 8);
	} else if (len >= 4) {
		uint32_t a, b;

		memcpy(&a, s, 4);
		memcpy(&b, s + len - 4, 4);
		w.head = (uint64_t)a << 32 | b;
	} else if (len >= 2) {
		uint16_t a, b;

		memcpy(&a, s, 2);
		memcpy(&b, s + len - 2, 2);
		w.head = (uint64_t)a << 16 | b;
	} else {
		w.head = (uint8_t)s[0];
	}
	return w;
}

static inline unsigned int name_hash(struct name_words w, size_t len)
{
	return (unsigned int)((((w.head ^ (w.tail * 0x9e3779b97f4a7c15ull)) + len) *
			       0xff51afd7ed558ccdull) >> 57) % NAME_SLOTS;
}

static uint8_t name_slots[NAME_SLOTS];		/* type, 0 = empty */
static uint8_t name_lens[NAME_SLOTS];
static struct name_words name_keys[NAME_SLOTS];

__attribute__((constructor)) static void build_name_index(void)
{
	for (unsigned int t = 1; t <= OVS_KEY_ATTR_MAX; t++) {
		const char *n = key_attrs[t].name;
		struct name_words w;
		unsigned int h;

		if (!n)
			continue;
		w = name_words(n, strlen(n));
		for (h = name_hash(w, strlen(n)); name_slots[h]; h = (h + 1) % NAME_SLOTS)
			;
		name_slots[h] = (uint8_t)t;	/* <= OVS_KEY_ATTR_MAX */
		name_lens[h] = (uint8_t)strlen(n);
		name_keys[h] = w;
	}
}

const struct ctf_attr_desc *ctf_key_attr_by_name(const char *name, size_t len,
						 unsigned int *type)
{
	struct name_words w;

	if (!len)
		return NULL;
	w = name_words(name, len);
	for (unsigned int h = name_hash(w, len); name_slots[h]; h = (h + 1) % NAME_SLOTS) {
		unsigned int t = name_slots[h];

		if (name_lens[h] == len && name_keys[h].head == w.head &&
		    name_keys[h].tail == w.tail &&
		    (len <= 16 || !memcmp(key_attrs[t].name + 8, name + 8, len - 16))) {
			*type = t;
			return &key_attrs[t];
		}
	}
	return NULL;
}

static const char *const ct_state_names[8] = {
	"new", "est", "rel", "rpl", "inv", "trk", "snat", "dnat",
};

const char *ctf_ct_state_bit_name(uint32_t bit)
{
	for (unsigned int i = 0; i < 8; i++)
		if (bit == (1u << i))
			return ct_state_names[i];
	return NULL;
}
