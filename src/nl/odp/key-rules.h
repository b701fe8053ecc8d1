/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kernel's rules about a flow key, written once: the encoder (match.c)
 * follows them so that the kernel takes what it sends, and the validator
 * (validate.c) checks a flow against them so that it can say why the kernel
 * would refuse it. Anchor: match_validate() and ovs_key_from_nlattrs() in
 * net/openvswitch/flow_netlink.c.
 */
#ifndef CTFLOW_NL_KEY_RULES_H
#define CTFLOW_NL_KEY_RULES_H

#include <stdint.h>

#include "ctflow/match.h"

/*
 * The attributes (CTF_KEY_BIT) the kernel expects for the values of @k:
 * eth_type 0x0800 -> ipv4; ipv4/ipv6 proto 6 -> tcp and tcp_flags, 17 udp,
 * 132 sctp, 1 icmp (IPv4), 58 icmpv6 (IPv6) unless frag=later; icmpv6 type
 * 135/136 -> nd; 0x0806/0x8035 arp; 0x8847/0x8848 mpls; 0x894f nsh.
 */
uint64_t ctf_key_expected_attrs(const struct ctf_flow_key *k);

/*
 * What the kernel makes of mask @m: a present in_port or eth_type mask is
 * exact, VLAN TCIs and the TPIDs in front of them always are.
 */
void ctf_key_mask_kernel_tighten(struct ctf_flow_key *m);

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
struct ctf_mask_parent ctf_key_mask_parent(unsigned int type, uint16_t et);

#endif
