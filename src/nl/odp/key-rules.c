// SPDX-License-Identifier: Apache-2.0
/* The kernel's key rules (key-rules.h), for the encoder and the validator. */
#include <arpa/inet.h>

#include "odp/key-rules.h"

#define B(t) CTF_KEY_BIT(OVS_KEY_ATTR_##t)

/* The L4 attributes an IP protocol makes the kernel expect. */
static uint64_t expected_l4(uint8_t proto, bool v6, uint8_t icmpv6_type)
{
	switch (proto) {
	case 6:
		return B(TCP) | B(TCP_FLAGS);
	case 17:
		return B(UDP);
	case 132:
		return B(SCTP);
	case 1:
		return v6 ? 0 : B(ICMP);
	case 58:
		if (!v6)
			return 0;
		return B(ICMPV6) | (icmpv6_type == 135 || icmpv6_type == 136 ? B(ND) : 0);
	default:
		return 0;
	}
}

uint64_t ctf_key_expected_attrs(const struct ctf_flow_key *k)
{
	if (!(k->attrs & B(ETHERTYPE)))
		return 0;
	switch (ntohs(k->eth_type)) {
	case 0x0806:
	case 0x8035:
		return B(ARP);
	case 0x8847:
	case 0x8848:
		return B(MPLS);
	case 0x894f:
		return B(NSH);
	case 0x0800:
		/* Later fragments carry no L4 header. */
		if (k->ipv4.ipv4_frag == OVS_FRAG_TYPE_LATER)
			return B(IPV4);
		return B(IPV4) | expected_l4(k->ipv4.ipv4_proto, false, 0);
	case 0x86dd:
		if (k->ipv6.ipv6_frag == OVS_FRAG_TYPE_LATER)
			return B(IPV6);
		return B(IPV6) | expected_l4(k->ipv6.ipv6_proto, true, k->icmpv6.icmpv6_type);
	default:
		return 0;
	}
}

void ctf_key_mask_kernel_tighten(struct ctf_flow_key *m)
{
	if (m->eth_type)
		m->eth_type = 0xffff;
	if (m->in_port)
		m->in_port = UINT32_MAX;
	for (int i = 0; i < 2; i++)
		m->vlan[i].tpid = m->vlan[i].tci = 0xffff;
}

struct ctf_mask_parent ctf_key_mask_parent(unsigned int type, uint16_t et)
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
