/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kernel's rules about a flow key, written once: the encoder (match.c)
 * follows them so that the kernel takes what it sends, and the validator
 * (validate.c) checks a flow against them so that it can say why the kernel
 * would refuse it. Anchor: match_validate() and ovs_key_from_nlattrs() in
 * net/openvswitch/flow_netlink.c. Inline: the validator and the encoder run
 * them on every flow.
 */
#ifndef CTFLOW_NL_KEY_RULES_H
#define CTFLOW_NL_KEY_RULES_H

#include <stdbool.h>
#include <stdint.h>
#include <arpa/inet.h>

#include "ctflow/match.h"

#define CTF_KR_B(t) CTF_KEY_BIT(OVS_KEY_ATTR_##t)

/* The L4 attributes an IP protocol makes the kernel expect. */
static inline uint64_t ctf_key_expected_l4(uint8_t proto, bool v6, uint8_t icmpv6_type)
{
	switch (proto) {
	case 6:
		return CTF_KR_B(TCP) | CTF_KR_B(TCP_FLAGS);
	case 17:
		return CTF_KR_B(UDP);
	case 132:
		return CTF_KR_B(SCTP);
	case 1:
		return v6 ? 0 : CTF_KR_B(ICMP);
	case 58:
		if (!v6)
			return 0;
		return CTF_KR_B(ICMPV6) | (icmpv6_type == 135 || icmpv6_type == 136 ? CTF_KR_B(ND) : 0);
	default:
		return 0;
	}
}

/*
 * The attributes (CTF_KEY_BIT) the kernel expects for the values of @k:
 * eth_type 0x0800 -> ipv4; ipv4/ipv6 proto 6 -> tcp and tcp_flags, 17 udp,
 * 132 sctp, 1 icmp (IPv4), 58 icmpv6 (IPv6) unless frag=later; icmpv6 type
 * 135/136 -> nd; 0x0806/0x8035 arp; 0x8847/0x8848 mpls; 0x894f nsh.
 */
static inline uint64_t ctf_key_expected_attrs(const struct ctf_flow_key *k)
{
	if (!(k->attrs & CTF_KR_B(ETHERTYPE)))
		return 0;
	switch (ntohs(k->eth_type)) {
	case 0x0806:
	case 0x8035:
		return CTF_KR_B(ARP);
	case 0x8847:
	case 0x8848:
		return CTF_KR_B(MPLS);
	case 0x894f:
		return CTF_KR_B(NSH);
	case 0x0800:
		/* Later fragments carry no L4 header. */
		if (k->ipv4.ipv4_frag == OVS_FRAG_TYPE_LATER)
			return CTF_KR_B(IPV4);
		return CTF_KR_B(IPV4) | ctf_key_expected_l4(k->ipv4.ipv4_proto, false, 0);
	case 0x86dd:
		if (k->ipv6.ipv6_frag == OVS_FRAG_TYPE_LATER)
			return CTF_KR_B(IPV6);
		return CTF_KR_B(IPV6) | ctf_key_expected_l4(k->ipv6.ipv6_proto, true, k->icmpv6.icmpv6_type);
	default:
		return 0;
	}
}

/*
 * What the kernel makes of mask @m: a present in_port or eth_type mask is
 * exact, VLAN TCIs and the TPIDs in front of them always are.
 */
static inline void ctf_key_mask_kernel_tighten(struct ctf_flow_key *m)
{
	if (m->eth_type)
		m->eth_type = 0xffff;
	if (m->in_port)
		m->in_port = UINT32_MAX;
	for (int i = 0; i < 2; i++)
		m->vlan[i].tpid = m->vlan[i].tci = 0xffff;
}

/*
 * What a non-zero mask of key attribute @type needs matched exactly in the
 * same flow (match_validate()'s allowed sets): an EtherType (@et, the key's,
 * picks ARP vs RARP and MPLS unicast vs multicast), or an IP protocol (under
 * an exact IPv4/IPv6 EtherType, not for later fragments). Both 0: nothing.
 */
struct ctf_mask_parent {
	uint16_t eth_type;
	uint8_t proto;
};

static inline struct ctf_mask_parent ctf_key_mask_parent(unsigned int type, uint16_t et)
{
	switch (type) {
	case OVS_KEY_ATTR_IPV4:
	case OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4:
		return (struct ctf_mask_parent){ .eth_type = 0x0800 };
	case OVS_KEY_ATTR_IPV6:
	case OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6:
		return (struct ctf_mask_parent){ .eth_type = 0x86dd };
	case OVS_KEY_ATTR_ARP:
		return (struct ctf_mask_parent){ .eth_type = et == 0x8035 ? 0x8035 : 0x0806 };
	case OVS_KEY_ATTR_MPLS:
		return (struct ctf_mask_parent){ .eth_type = et == 0x8848 ? 0x8848 : 0x8847 };
	case OVS_KEY_ATTR_NSH:
		return (struct ctf_mask_parent){ .eth_type = 0x894f };
	case OVS_KEY_ATTR_TCP:
	case OVS_KEY_ATTR_TCP_FLAGS:
		return (struct ctf_mask_parent){ .proto = 6 };
	case OVS_KEY_ATTR_UDP:
		return (struct ctf_mask_parent){ .proto = 17 };
	case OVS_KEY_ATTR_SCTP:
		return (struct ctf_mask_parent){ .proto = 132 };
	case OVS_KEY_ATTR_ICMP:
		return (struct ctf_mask_parent){ .proto = 1 };
	case OVS_KEY_ATTR_ICMPV6:
	case OVS_KEY_ATTR_ND:
		return (struct ctf_mask_parent){ .proto = 58 };
	default:
		return (struct ctf_mask_parent){ 0 };
	}
}

#undef CTF_KR_B

#endif
