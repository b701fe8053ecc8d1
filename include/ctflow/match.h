/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fixed-layout flow key: every field an OVS_KEY_ATTR_* stream can carry,
 * flattened into one struct so that the daemon can classify packets with
 * word-wise AND/compare instead of walking attributes. A mask is the same
 * struct: a set bit in a mask field means "this key bit is examined".
 *
 * Field values keep the kernel's byte order (the uapi structs are embedded
 * as they are), so decoding and encoding are plain copies and a mask built
 * from a stream lines up bit for bit with the key.
 *
 * Layout: a small header (presence bits and the lengths of the variable
 * attributes) that masking leaves alone, then the body that masking ANDs.
 * The body starts with the fields every classifier looks at ("hot") and ends
 * with the large, rarely used option blobs ("cold": Geneve/ERSPAN options, NSH
 * MD2), which matching skips unless the rule's mask has a tunnel or NSH.
 */
#ifndef CTFLOW_MATCH_H
#define CTFLOW_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctflow/compat.h"
#include "ctflow/nlbuf.h"
#include "ctflow/util.h"

/* Presence bits: bit N is OVS_KEY_ATTR_N (1..32); the ones below are ours. */
#define CTF_KEY_BIT(type) (UINT64_C(1) << (type))
/* A second (inner, "cvlan") VLAN tag and its ENCAP were present. */
#define CTF_KEYB_VLAN1 CTF_KEY_BIT(40)
#define CTF_KEYB_ENCAP1 CTF_KEY_BIT(41)
/* The stream held attributes this build does not know (kept out of the struct). */
#define CTF_KEYB_UNKNOWN CTF_KEY_BIT(48)

/* Tunnel presence bits (ctf_flow_key.tun_attrs): bit N is OVS_TUNNEL_KEY_ATTR_N. */
#define CTF_TUN_BIT(type) (UINT32_C(1) << (type))
/* tun_flags: the flag-only tunnel attributes (present = set). */
enum {
	CTF_TUN_F_DF = 1 << 0,
	CTF_TUN_F_CSUM = 1 << 1,
	CTF_TUN_F_OAM = 1 << 2,
	CTF_TUN_F_INFO_BRIDGE = 1 << 3,
};

#define CTF_MPLS_MAX_LABELS 3
#define CTF_GENEVE_OPTS_MAX 252		/* kernel: <= 255 and a multiple of 4 */
#define CTF_ERSPAN_OPTS_MAX 16		/* struct erspan_metadata is 12 bytes */
#define CTF_NSH_MD2_MAX 248		/* NSH_CTX_HDRS_MAX_LEN */

struct ctf_vlan_tag {
	uint16_t tpid;	/* be16: the EtherType in front of this tag */
	uint16_t tci;	/* be16 */
};

struct __attribute__((aligned(8))) ctf_flow_key {
	/* ---- header: copied, never masked ---- */
	uint64_t attrs;		/* CTF_KEY_BIT(OVS_KEY_ATTR_*) | CTF_KEYB_* */
	uint32_t tun_attrs;	/* CTF_TUN_BIT(OVS_TUNNEL_KEY_ATTR_*) */
	uint8_t mpls_n;		/* labels in mpls[] (1..3 when MPLS is present) */
	uint8_t geneve_len;	/* bytes in geneve_opts[] */
	uint8_t erspan_len;	/* bytes in erspan_opts[] */
	uint8_t nsh_md2_len;	/* bytes in nsh_md2[] */

	/* ---- body, hot part: masked word by word ---- */
	uint32_t recirc_id __attribute__((aligned(8)));
	uint32_t dp_hash;
	uint32_t priority;
	uint32_t in_port;
	uint32_t skb_mark;
	uint32_t ct_state;	/* OVS_CS_F_* */
	uint32_t ct_mark;
	uint16_t ct_zone;
	uint16_t eth_type;	/* be16, innermost EtherType */
	uint8_t ct_labels[16];
	struct ovs_key_ct_tuple_ipv4 ct_tuple4;
	struct ovs_key_ct_tuple_ipv6 ct_tuple6;
	struct ovs_key_ethernet eth;
	struct ctf_vlan_tag vlan[2];	/* [0] outer, [1] inner (cvlan) */
	struct ovs_key_ipv4 ipv4;
	struct ovs_key_ipv6 ipv6;
	uint16_t ipv6_exthdrs;
	uint16_t tcp_flags;	/* be16 */
	struct ovs_key_arp arp;
	uint32_t mpls[CTF_MPLS_MAX_LABELS];	/* be32 label stack entries */
	struct ovs_key_tcp tcp;
	struct ovs_key_udp udp;
	struct ovs_key_sctp sctp;
	struct ovs_key_icmp icmp;
	struct ovs_key_icmpv6 icmpv6;
	struct ovs_key_nd nd;
	struct ovs_nsh_key_base nsh_base;
	struct ovs_nsh_key_md1 nsh_md1;
	/* tunnel(...) */
	uint64_t tun_id;	/* be64 */
	uint32_t tun_ipv4_src, tun_ipv4_dst;	/* be32 */
	uint8_t tun_ipv6_src[16], tun_ipv6_dst[16];
	uint8_t tun_tos, tun_ttl;
	uint16_t tun_tp_src, tun_tp_dst;	/* be16 */
	uint16_t tun_flags;	/* CTF_TUN_F_* */
	uint32_t tun_vxlan_gbp;

	/* ---- body, cold part ---- */
	uint8_t geneve_opts[CTF_GENEVE_OPTS_MAX] __attribute__((aligned(8)));
	uint8_t erspan_opts[CTF_ERSPAN_OPTS_MAX];
	uint8_t nsh_md2[CTF_NSH_MD2_MAX];
};

#define CTF_KEY_BODY_START offsetof(struct ctf_flow_key, recirc_id)
#define CTF_KEY_COLD_START offsetof(struct ctf_flow_key, geneve_opts)

/*
 * Decode a key (or mask) attribute stream: a kernel dump, an upcall's
 * OVS_PACKET_ATTR_KEY or what ctf_key_parse() built. @out is zeroed first.
 * Up to two VLAN levels are flattened into vlan[0..1]; the innermost
 * EtherType goes to eth_type. Attributes this build does not know set
 * CTF_KEYB_UNKNOWN and are otherwise skipped. Malformed streams (truncated
 * attribute, wrong length, duplicate, encap without vlan, > 2 tags) return
 * -EINVAL with @err (may be NULL) naming the attribute.
 */
int ctf_flow_key_from_attrs(const void *attrs, size_t len, struct ctf_flow_key *out,
			    struct ctf_err *err);

/*
 * Encode @key under @mask (NULL = exact on every present field) as the pair
 * of streams the kernel takes: key & mask into @key_out and the mask into
 * @mask_out (may be NULL). Both are reset first. Order is the kernel's own
 * (the order of its dumps). So that the kernel accepts the result:
 *  - attributes the (masked) key values make the kernel expect are added,
 *    fully wildcarded, when absent (eth_type 0x0800 -> ipv4; proto 6 and
 *    frag != later -> tcp + tcp_flags; 17 udp; 132 sctp; 1 icmp; 58 icmpv6;
 *    icmpv6 type 135/136 -> nd; arp, mpls, nsh);
 *  - a non-zero L3/L4/ND mask makes its parents exact (eth_type, ip proto,
 *    icmpv6 type), which only narrows the match;
 *  - eth_type, in_port and VLAN masks are written exact, ct_state's mask is
 *    limited to the bits the kernel knows (0xff).
 * Returns 0, or -EMSGSIZE when a stream does not fit.
 */
int ctf_flow_key_to_attrs(const struct ctf_flow_key *key, const struct ctf_flow_key *mask,
			  struct ctf_nlbuf *key_out, struct ctf_nlbuf *mask_out);
/*
 * Room enough for either stream of any key ctf_flow_key_to_attrs() encodes
 * (every attribute at most once, the variable parts at their maxima: 1,080
 * bytes; check_keyrows holds it to this bound), so callers that encode one key after another need not allocate
 * (and zero) CTF_NLBUF_MAX bytes each time.
 */
#define CTF_FLOW_KEY_ATTRS_MAX 4096u

/* @mask := exact match on every field @key has (presence and lengths from @key). */
void ctf_flow_key_mask_exact(struct ctf_flow_key *mask, const struct ctf_flow_key *key);
/* @out := @key & @mask (header from @key). @out may alias @key. */
void ctf_flow_key_mask_apply(struct ctf_flow_key *out, const struct ctf_flow_key *key,
			     const struct ctf_flow_key *mask);
/*
 * Does packet key @pkt fall under a rule? @rule_key must already be masked
 * (ctf_flow_key_mask_apply). Compares the masked body only; presence bits do
 * not take part (an absent field reads as zero).
 */
bool ctf_flow_key_matches(const struct ctf_flow_key *pkt, const struct ctf_flow_key *rule_key,
			  const struct ctf_flow_key *rule_mask);
/* @out := @a | @b: a megaflow mask that examines everything either examined. */
void ctf_flow_key_mask_union(struct ctf_flow_key *out, const struct ctf_flow_key *a,
			     const struct ctf_flow_key *b);
/* True if no body bit is set (a fully wildcarded mask). */
bool ctf_flow_key_mask_is_empty(const struct ctf_flow_key *mask);

/*
 * The lookup stage of a key byte for a staged classifier (ctflowd's): a
 * lookup examines the stages in this order, and a packet that no rule
 * matches over the stages so far unwildcards only their bytes, so cheap and
 * decisive fields come first. FIXED: fields every megaflow matches exactly
 * anyway (recirc_id, in_port, eth_type); ADDR: IP and ARP addresses (prefix
 * tracking); META: conntrack, marks, tunnel, and any byte of no attribute.
 */
enum ctf_key_stage {
	CTF_KS_FIXED, CTF_KS_META, CTF_KS_L2, CTF_KS_L3, CTF_KS_ADDR, CTF_KS_L4,
	CTF_KS_COUNT
};
/* The size of the masked body (what ctf_flow_key_stages() fills). */
#define CTF_KEY_BODY_SIZE (sizeof(struct ctf_flow_key) - CTF_KEY_BODY_START)
/* @stage[i] := the enum ctf_key_stage of body byte i, from the key attribute table. */
void ctf_flow_key_stages(uint8_t stage[CTF_KEY_BODY_SIZE]);

#endif
