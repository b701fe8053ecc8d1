// SPDX-License-Identifier: Apache-2.0
/*
 * ctf_flow_validate(): refuse, before anything is sent, what the kernel
 * would refuse, with a message that names the token and a hint that says
 * how to fix it. The rules mirror net/openvswitch/flow_netlink.c: the
 * attribute stream checks of __parse_flow_nlattrs() (range, userspace-only
 * types, duplicates, exact lengths), the value checks of
 * ovs_key_from_nlattrs() and parse_vlan_from_nlattrs(), and the
 * expected/allowed attribute sets of match_validate(). Actions are checked
 * in validate-actions.c against the key as the kernel masks it.
 *
 * The same function explains a kernel EINVAL after the fact, so every
 * refusal says which rule it is.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>

#include "ctflow/flowtext.h"
#include "ctflow/match.h"
#include "odp/key-attrs.h"
#include "netlink/nla-inline.h"
#include "odp/key-rules.h"
#include "odp/validate.h"

#define B(t) CTF_KEY_BIT(OVS_KEY_ATTR_##t)

/* What the stream walk learned, flattened over the encap() levels. */
struct stream_info {
	uint64_t attrs;		/* every attribute seen */
	uint64_t nonzero;	/* attributes with a non-zero payload (masks: the ones that count) */
};

static const char *attr_name(unsigned type)
{
	const struct ctf_attr_desc *d = ctf_attr_row(&ctf_key_table, type);

	return d && d->name ? d->name : "?";
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t acc = 0;
	size_t i = 0;

	/* Whole words, then a 4/2/1-byte tail: this runs on every key and mask
	 * attribute, and a byte loop was the validator's costliest line. */
	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, b + i, 8);
		acc |= w;
	}
	if (n - i >= 4) {
		uint32_t w;

		memcpy(&w, b + i, 4);
		acc |= w;
		i += 4;
	}
	if (n - i >= 2) {
		uint16_t w;

		memcpy(&w, b + i, 2);
		acc |= w;
		i += 2;
	}
	if (i < n)
		acc |= b[i];
	return !acc;
}

static bool is_vlan_tpid(uint16_t et)
{
	return et == 0x8100 || et == 0x88a8;
}

static int check_tunnel(const struct nlattr *nest, bool is_mask, struct ctf_err *err)
{
	const void *data = ctf_nla_data(nest);
	int len = ctf_nla_len(nest);
	uint32_t seen = 0;
	const struct nlattr *a;
	int rem = len;

	for (a = data; ctf_nla_ok(a, rem); rem -= MNL_ALIGN(a->nla_len), a = ctf_nla_next(a)) {
		unsigned t = ctf_nla_type(a);
		const struct ctf_attr_desc *d = ctf_attr_row(&ctf_tunnel_key_table, t);
		int plen = ctf_nla_len(a);

		if (!d || !d->name || t > OVS_TUNNEL_KEY_ATTR_MAX) {
			ctf_err_set(err, "tunnel() has an unknown attribute type %u", t);
			ctf_err_hint(err, "remove it; the kernel refuses unknown tunnel attributes");
			return -EINVAL;
		}
		if (seen & CTF_TUN_BIT(t)) {
			ctf_err_set(err, "tunnel(%s) appears twice", d->name);
			ctf_err_hint(err, "give each tunnel field once");
			return -EINVAL;
		}
		seen |= CTF_TUN_BIT(t);
		if (d->len >= 0 && plen != d->len) {
			ctf_err_set(err, "tunnel(%s) is %d bytes, the kernel wants exactly %d",
				    d->name, plen, d->len);
			return -EINVAL;
		}
		if (t == OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS && (plen % 4 || plen > 252)) {
			ctf_err_set(err, "tunnel(geneve(...)) options are %d bytes; they must be a multiple of 4, at most 252",
				    plen);
			return -EINVAL;
		}
		if (t == OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS && plen > CTF_ERSPAN_OPTS_MAX) {
			ctf_err_set(err, "tunnel(erspan(...)) options are %d bytes, more than struct erspan_metadata",
				    plen);
			return -EINVAL;
		}
	}
	if (rem > 0) {	/* < 0 is an unpadded last attribute: fine for the kernel */
		ctf_err_set(err, "tunnel() has a truncated attribute");
		return -EINVAL;
	}
	if (is_mask)
		return 0;
	bool v4 = seen & (CTF_TUN_BIT(OVS_TUNNEL_KEY_ATTR_IPV4_SRC) | CTF_TUN_BIT(OVS_TUNNEL_KEY_ATTR_IPV4_DST));
	bool v6 = seen & (CTF_TUN_BIT(OVS_TUNNEL_KEY_ATTR_IPV6_SRC) | CTF_TUN_BIT(OVS_TUNNEL_KEY_ATTR_IPV6_DST));
	if (v4 && v6) {
		ctf_err_set(err, "tunnel() mixes IPv4 (src=/dst=) and IPv6 (ipv6_src=/ipv6_dst=) addresses");
		ctf_err_hint(err, "use one address family per tunnel()");
		return -EINVAL;
	}
	if (!(seen & CTF_TUN_BIT(OVS_TUNNEL_KEY_ATTR_TTL))) {
		ctf_err_set(err, "tunnel() has no ttl=; the kernel requires one");
		ctf_err_hint(err, "add ttl=64 (with a /0 mask to match any TTL)");
		return -EINVAL;
	}
	if (!(seen & CTF_TUN_BIT(OVS_TUNNEL_KEY_ATTR_IPV4_INFO_BRIDGE)) &&
	    !(seen & (CTF_TUN_BIT(OVS_TUNNEL_KEY_ATTR_IPV4_DST) | CTF_TUN_BIT(OVS_TUNNEL_KEY_ATTR_IPV6_DST)))) {
		ctf_err_set(err, "tunnel() has no dst= or ipv6_dst=; the kernel requires a destination");
		ctf_err_hint(err, "add dst=ADDR (or ipv6_dst=ADDR)");
		return -EINVAL;
	}
	return 0;
}

static int check_nsh(const struct nlattr *nest, struct ctf_err *err)
{
	const struct nlattr *a;
	int rem = ctf_nla_len(nest);

	for (a = ctf_nla_data(nest); ctf_nla_ok(a, rem);
	     rem -= MNL_ALIGN(a->nla_len), a = ctf_nla_next(a)) {
		unsigned t = ctf_nla_type(a);
		const struct ctf_attr_desc *d = ctf_attr_row(&ctf_nsh_key_table, t);
		int plen = ctf_nla_len(a);

		if (!d || !d->name) {
			ctf_err_set(err, "nsh() has an unknown attribute type %u", t);
			return -EINVAL;
		}
		if (d->len >= 0 && plen != d->len) {
			ctf_err_set(err, "nsh(%s) is %d bytes, the kernel wants exactly %d", d->name, plen, d->len);
			return -EINVAL;
		}
		if (d->len < 0 && (plen <= 0 || plen > CTF_NSH_MD2_MAX)) {
			ctf_err_set(err, "nsh(%s) is %d bytes, the kernel takes 1..248", d->name, plen);
			return -EINVAL;
		}
	}
	if (rem > 0) {	/* < 0 is an unpadded last attribute: fine for the kernel */
		ctf_err_set(err, "nsh() has a truncated attribute");
		return -EINVAL;
	}
	return 0;
}

/*
 * VLAN: eth_type(TPID),vlan(TCI),encap(inner) of one level belong together
 * (parse_vlan_from_nlattrs()).
 */
static int check_vlan_level(const struct nlattr *et, const struct nlattr *vlan,
			    const struct nlattr *encap, bool has_eth, bool is_mask, int depth,
			    struct stream_info *si, struct ctf_err *err)
{
	const char *what = is_mask ? "mask" : "key";
	uint16_t etv = et ? ntohs(ctf_nla_u16(et)) : 0;

	if (encap && !vlan) {
		ctf_err_set(err, "encap() in the %s without vlan()", what);
		ctf_err_hint(err, "write eth_type(0x8100),vlan(vid=N),encap(...)");
		return -EINVAL;
	}
	if (!is_mask && et && is_vlan_tpid(etv) && (depth || has_eth) &&
	    (!vlan || !encap)) {
		ctf_err_set(err, "eth_type(0x%04x) is a VLAN TPID and needs vlan() and encap()", etv);
		ctf_err_hint(err, "write eth_type(0x%04x),vlan(vid=N),encap(eth_type(...),...)", etv);
		return -EINVAL;
	}
	if (vlan) {
		uint16_t tci = ntohs(ctf_nla_u16(vlan));

		if (depth >= 2) {
			ctf_err_set(err, "more than two vlan() tags; the kernel parses at most two");
			return -EINVAL;
		}
		if (!is_mask && !depth && !has_eth) {
			ctf_err_set(err, "vlan() needs eth(): the kernel parses VLAN tags of Ethernet frames only");
			ctf_err_hint(err, "add eth() before eth_type(0x%04x),vlan(...)", etv ? etv : 0x8100);
			return -EINVAL;
		}
		if (!is_mask && (!et || !is_vlan_tpid(etv))) {
			ctf_err_set(err, "vlan() needs eth_type(0x8100) or eth_type(0x88a8) at the same level");
			ctf_err_hint(err, "write eth_type(0x8100),vlan(vid=N),encap(...)");
			return -EINVAL;
		}
		if (!is_mask && !(tci & 0x1000)) {
			if (tci) {
				ctf_err_set(err, "vlan(tci=0x%04x) lacks the CFI/present bit 0x1000", tci);
				ctf_err_hint(err, "use vlan(vid=N,pcp=P), which sets it; only tci 0 (a truncated header) may omit it");
				return -EINVAL;
			}
			if (encap && ctf_nla_len(encap)) {
				ctf_err_set(err, "vlan(tci=0) marks a truncated VLAN header and must have an empty encap()");
				ctf_err_hint(err, "use encap() with nothing inside, or give a real vlan(vid=N)");
				return -EINVAL;
			}
		}
		if (is_mask && et && etv != 0xffff && etv) {
			ctf_err_set(err, "the VLAN TPID eth_type mask is 0x%04x; it must be exact", etv);
			ctf_err_hint(err, "drop the /mask on the eth_type in front of vlan()");
			return -EINVAL;
		}
		if (is_mask && tci && !(tci & 0x1000)) {
			ctf_err_set(err, "vlan() mask 0x%04x does not match the CFI bit (0x1000) exactly", tci);
			ctf_err_hint(err, "include cfi in the vlan() mask, e.g. vlan(vid=N/0xfff)");
			return -EINVAL;
		}
		si->attrs |= depth ? CTF_KEYB_ENCAP1 : B(ENCAP);
	}
	return 0;
}

/*
 * One level of a key or mask stream (the outer one, or an encap()):
 * structure, lengths, duplicates, and the VLAN rules that link a level's
 * eth_type, vlan() and encap().
 */
static int check_level(const void *data, size_t len, bool is_mask, int depth,
		       struct stream_info *si, struct ctf_err *err)
{
	const char *what = is_mask ? "mask" : "key";
	const struct nlattr *tb[OVS_KEY_ATTR_MAX + 1];
	const struct nlattr *a;
	uint64_t present = 0;	/* the tb[] slots in use; the rest stay uninitialised */
	int rem = (int)len;
	int ret;

	for (a = data; ctf_nla_ok(a, rem); rem -= MNL_ALIGN(a->nla_len), a = ctf_nla_next(a)) {
		unsigned t = ctf_nla_type(a);
		const struct ctf_attr_desc *d = ctf_attr_row(&ctf_key_table, t);
		int plen = ctf_nla_len(a);

		if (t == 0 || t > OVS_KEY_ATTR_MAX || !d) {
			ctf_err_set(err, "%s attribute type %u is out of range (the kernel knows 1..%d)",
				    what, t, OVS_KEY_ATTR_MAX);
			ctf_err_hint(err, "remove it; the kernel refuses unknown key attributes");
			return -EINVAL;
		}
		if (d->flags & CTF_AF_USER_ONLY) {
			ctf_err_set(err, "%s() is not accepted from userspace by the kernel", d->name);
			ctf_err_hint(err, "remove %s() from the flow", d->name);
			return -EINVAL;
		}
		if (present & CTF_KEY_BIT(t)) {
			ctf_err_set(err, "duplicate %s() in the %s", d->name, what);
			ctf_err_hint(err, "give each key attribute once");
			return -EINVAL;
		}
		tb[t] = a;
		present |= CTF_KEY_BIT(t);
		if (d->len >= 0 && plen != d->len) {
			ctf_err_set(err, "%s() %s attribute is %d bytes, the kernel wants exactly %d",
				    d->name, what, plen, d->len);
			return -EINVAL;
		}
		if (t == OVS_KEY_ATTR_MPLS && (plen == 0 || plen % 4 || plen > 12)) {
			ctf_err_set(err, "mpls() holds %d bytes; the kernel takes 1 to 3 label stack entries of 4 bytes",
				    plen);
			ctf_err_hint(err, "give between 1 and 3 MPLS labels");
			return -EINVAL;
		}
		if (t == OVS_KEY_ATTR_ENCAP)
			continue;	/* checked below, once the level's VLAN is known */
		uint64_t bit = CTF_KEY_BIT(t);
		if (t == OVS_KEY_ATTR_VLAN && depth)
			bit = CTF_KEYB_VLAN1;
		if (t != OVS_KEY_ATTR_ETHERTYPE && t != OVS_KEY_ATTR_VLAN && (si->attrs & bit)) {
			ctf_err_set(err, "%s() appears both inside and outside encap()", d->name);
			return -EINVAL;
		}
		si->attrs |= bit;
		if (!all_zero(ctf_nla_data(a), (size_t)plen))
			si->nonzero |= bit;
		if (t == OVS_KEY_ATTR_TUNNEL && (ret = check_tunnel(a, is_mask, err)))
			return ret;
		if (t == OVS_KEY_ATTR_NSH && (ret = check_nsh(a, err)))
			return ret;
	}
	if (rem > 0) {	/* < 0 is an unpadded last attribute: fine for the kernel */
		ctf_err_set(err, "%s attribute stream is truncated or has %d trailing bytes", what, rem);
		return -EINVAL;
	}

#define TB(t) ((present & B(t)) ? tb[OVS_KEY_ATTR_##t] : NULL)
	const struct nlattr *encap = TB(ENCAP);

	ret = check_vlan_level(TB(ETHERTYPE), TB(VLAN), encap, present & B(ETHERNET), is_mask,
			       depth, si, err);
#undef TB
	if (ret)
		return ret;
	if (encap)
		return check_level(ctf_nla_data(encap), ctf_nla_len(encap), is_mask,
				   depth + 1, si, err);
	return 0;
}

static int check_stream(const void *data, size_t len, bool is_mask, struct stream_info *si,
			struct ctf_err *err)
{
	memset(si, 0, sizeof(*si));
	if (len > CTF_NLBUF_MAX) {
		ctf_err_set(err, "%s attribute stream is %zu bytes, more than netlink can carry",
			    is_mask ? "mask" : "key", len);
		return -EINVAL;
	}
	return check_level(data, len, is_mask, 0, si, err);
}

/* ovs_key_from_nlattrs() value checks on the key itself. */
static int check_key_values(const struct ctf_flow_key *k, struct ctf_err *err)
{
	uint64_t have = k->attrs;

	if (!(have & (B(ETHERNET) | B(ETHERTYPE) | B(VLAN)))) {
		ctf_err_set(err, "the key has neither eth() nor eth_type(); the kernel requires an Ethernet header or an EtherType");
		ctf_err_hint(err, "add eth() (and eth_type(0x0800),ipv4() to match IPv4), or eth_type(...) alone for an L3 packet");
		return -EINVAL;
	}
	if ((have & B(IN_PORT)) && k->in_port >= CTF_DP_MAX_PORTS) {
		ctf_err_set(err, "in_port(%u) is out of range: datapath ports are 0..65534", k->in_port);
		ctf_err_hint(err, "use a port number below 65535 (see `ctflow show`)");
		return -EINVAL;
	}
	if ((have & B(CT_STATE)) && (k->ct_state & ~CTF_CS_SUPPORTED_MASK)) {
		ctf_err_set(err, "ct_state(0x%x) has bits outside 0xff that the kernel does not support",
			    k->ct_state);
		ctf_err_hint(err, "use only new,est,rel,rpl,inv,trk,snat,dnat (0x01..0x80)");
		return -EINVAL;
	}
	if ((have & B(ETHERTYPE)) && ntohs(k->eth_type) < 0x0600) {
		ctf_err_set(err, "eth_type(0x%04x) is below 0x0600: that is an 802.3 length, not an EtherType",
			    ntohs(k->eth_type));
		ctf_err_hint(err, "use an EtherType >= 0x0600, or eth() without eth_type() to match 802.2 frames");
		return -EINVAL;
	}
	if ((have & B(IPV4)) && k->ipv4.ipv4_frag > OVS_FRAG_TYPE_MAX) {
		ctf_err_set(err, "ipv4(frag=%u) is out of range", k->ipv4.ipv4_frag);
		ctf_err_hint(err, "use frag=no, frag=first or frag=later");
		return -EINVAL;
	}
	if ((have & B(IPV6)) && k->ipv6.ipv6_frag > OVS_FRAG_TYPE_MAX) {
		ctf_err_set(err, "ipv6(frag=%u) is out of range", k->ipv6.ipv6_frag);
		ctf_err_hint(err, "use frag=no, frag=first or frag=later");
		return -EINVAL;
	}
	if ((have & B(IPV6)) && (ntohl(k->ipv6.ipv6_label) & ~0xfffffu)) {
		ctf_err_set(err, "ipv6(label=0x%x) does not fit in the 20-bit flow label", ntohl(k->ipv6.ipv6_label));
		ctf_err_hint(err, "use a label of at most 0xfffff");
		return -EINVAL;
	}
	if ((have & B(ARP)) && ntohs(k->arp.arp_op) > 0xff) {
		ctf_err_set(err, "arp(op=%u) is out of range; the kernel keeps 8 bits", ntohs(k->arp.arp_op));
		ctf_err_hint(err, "use op=1 (request) or op=2 (reply)");
		return -EINVAL;
	}
	return 0;
}

/*
 * match_validate(): the attributes the key values make the kernel expect
 * (the rule itself is ctf_key_expected_attrs(), which the encoder follows
 * too); here only how to say which one is missing, parents first.
 */
static const struct missing_attr {
	uint64_t bits;
	const char *needs;	/* what the message says is missing */
	const char *add;	/* the hint */
	bool any;		/* the hint goes on "to match any <packet kind>" */
} missing_attrs[] = {
	{ B(ARP), "an arp() key", "add arp()", true },
	{ B(MPLS), "an mpls() key", "add mpls(label=N) with the label stack entry to match", false },
	{ B(NSH), "an nsh() key", "add nsh(...) with the NSH base header fields to match", false },
	{ B(IPV4), "an ipv4() key", "add ipv4()", true },
	{ B(IPV6), "an ipv6() key", "add ipv6()", true },
	{ B(TCP) | B(TCP_FLAGS), "tcp() and tcp_flags() keys", "add tcp(),tcp_flags(0/0)", true },
	{ B(UDP), "a udp() key", "add udp()", true },
	{ B(SCTP), "an sctp() key", "add sctp()", true },
	{ B(ICMP), "an icmp() key", "add icmp()", true },
	{ B(ICMPV6), "an icmpv6() key", "add icmpv6()", true },
	{ B(ND), "an nd() key", "add nd()", true },
};

static int check_expected(const struct ctf_flow_key *k, struct ctf_err *err)
{
	uint64_t missing = ctf_key_expected_attrs(k) & ~k->attrs;
	uint16_t et = ntohs(k->eth_type);
	bool v6 = et == 0x86dd;
	uint8_t proto = v6 ? k->ipv6.ipv6_proto : k->ipv4.ipv4_proto;
	const struct missing_attr *ma = NULL;
	char parent[32];
	const char *kind;

	for (size_t i = 0; !ma && i < CTF_ARRAY_SIZE(missing_attrs); i++)
		if (missing & missing_attrs[i].bits)
			ma = &missing_attrs[i];
	if (!ma)
		return 0;
	if (ma->bits & (B(ARP) | B(MPLS) | B(NSH) | B(IPV4) | B(IPV6))) {
		snprintf(parent, sizeof(parent), "eth_type(0x%04x)", et);
		kind = et == 0x8035 ? "RARP packet" : et == 0x0806 ? "ARP packet" :
		       v6 ? "IPv6 packet" : "IPv4 packet";
	} else if (ma->bits & B(ND)) {
		snprintf(parent, sizeof(parent), "icmpv6(type=%u)", k->icmpv6.icmpv6_type);
		kind = k->icmpv6.icmpv6_type == 135 ? "neighbour solicitation" : "neighbour advertisement";
	} else {
		snprintf(parent, sizeof(parent), "%s(proto=%u)", v6 ? "ipv6" : "ipv4", proto);
		kind = proto == 6 ? "TCP packet" : proto == 17 ? "UDP packet" :
		       proto == 132 ? "SCTP packet" : proto == 1 ? "ICMP packet" : "ICMPv6 packet";
	}
	ctf_err_set(err, "%s needs %s", parent, ma->needs);
	if (ma->any)
		ctf_err_hint(err, "%s to match any %s", ma->add, kind);
	else
		ctf_err_hint(err, "%s", ma->add);
	return -EINVAL;
}

/*
 * Masks the kernel widens without a word: it matches in_port and the
 * innermost eth_type exactly whenever the mask has them (flow_netlink.c
 * forces their mask to all-ones), so a partial mask would install a flow
 * narrower than the one asked for. @m is the mask as given.
 */
static int check_mask_honoured(const struct ctf_flow_key *k, const struct ctf_flow_key *m,
			       struct ctf_err *err)
{
	/* Ports are 0..65534: a mask with the low 16 bits set is exact in effect. */
	if ((m->attrs & B(IN_PORT)) && m->in_port && (m->in_port & 0xffff) != 0xffff) {
		ctf_err_set(err, "in_port(%u/%#x): the kernel matches in_port exactly or not at all",
			    k->in_port, m->in_port);
		ctf_err_hint(err, "drop the /mask to match port %u, or leave in_port() out to match any port",
			     k->in_port);
		return -EINVAL;
	}
	if ((m->attrs & B(ETHERTYPE)) && m->eth_type && m->eth_type != 0xffff) {
		ctf_err_set(err, "eth_type(0x%04x/0x%04x): the kernel matches the EtherType exactly",
			    ntohs(k->eth_type), ntohs(m->eth_type));
		ctf_err_hint(err, "drop the /mask and write one flow per EtherType");
		return -EINVAL;
	}
	return 0;
}

/*
 * ct_state combinations no packet can have (@ks: key bits under @ms, the
 * mask). +est+rel is not one of them: the kernel keeps rel set for the whole
 * life of a connection that has a master (an FTP data connection, say), so
 * its established packets carry both.
 */
static int check_ct_state(uint32_t ks, uint32_t ms, struct ctf_err *err)
{
	static const struct {
		uint32_t both;
		const char *what, *why;
	} never[] = {
		{ OVS_CS_F_NEW | OVS_CS_F_ESTABLISHED, "+new+est",
		  "a connection is new or established, never both" },
		{ OVS_CS_F_NEW | OVS_CS_F_REPLY_DIR, "+new+rpl",
		  "the packet that makes a new connection is in the original direction" },
	};

	ks &= ms;
	for (size_t i = 0; i < CTF_ARRAY_SIZE(never); i++) {
		if ((ks & never[i].both) == never[i].both) {
			ctf_err_set(err, "ct_state(%s) can never match: %s", never[i].what, never[i].why);
			ctf_err_hint(err, "match each state in a flow of its own");
			return -EINVAL;
		}
	}
	if ((ms & OVS_CS_F_TRACKED) && !(ks & OVS_CS_F_TRACKED) && ks) {
		ctf_err_set(err, "ct_state(-trk) with other flags set (0x%x) can never match: untracked packets have no other state",
			    ks);
		ctf_err_hint(err, "write ct_state(-trk) alone, or +trk with the other flags");
		return -EINVAL;
	}
	return 0;
}

static int mask_refused(struct ctf_err *err, unsigned t, const char *why, const char *hint)
{
	ctf_err_set(err, "%s() mask %s", attr_name(t), why);
	ctf_err_hint(err, "%s", hint);
	return -EINVAL;
}

/* The flow's L3/L4 parents, as check_mask_allowed() weighs them. */
struct mask_ctx {
	uint16_t et;
	bool et_exact, v4, v6, l4;
	uint8_t proto, proto_mask, frag;
};

/* A mask of @t under an EtherType parent @want_et. */
static int check_et_parent(const struct ctf_flow_key *k, const struct mask_ctx *c, unsigned t,
			   unsigned want_et, struct ctf_err *err)
{
	char why[96], hint[160];

	if (c->et != want_et || !c->et_exact) {
		snprintf(why, sizeof(why), "needs an exact eth_type(0x%04x) in the flow", want_et);
		snprintf(hint, sizeof(hint), "add eth_type(0x%04x) without a mask before %s()",
			 want_et, attr_name(t));
		return mask_refused(err, t, why, hint);
	}
	/* As the kernel: whenever ND is expected, whether or not nd() is there. */
	if (t == OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6 && c->frag != OVS_FRAG_TYPE_LATER &&
	    k->ipv6.ipv6_proto == 58 && (k->icmpv6.icmpv6_type == 135 || k->icmpv6.icmpv6_type == 136))
		return mask_refused(err, t, "cannot be matched in a neighbour discovery flow (the kernel keeps nd() in the same place)",
				    "match ct_tuple6() in flows that are not icmpv6(type=135/136)");
	return 0;
}

/* A mask of @t under an IP protocol parent @want_proto. */
static int check_proto_parent(const struct ctf_flow_key *k, const struct ctf_flow_key *m,
			      const struct mask_ctx *c, unsigned t, unsigned want_proto,
			      struct ctf_err *err)
{
	bool ok = c->l4 && c->proto == want_proto && c->proto_mask == 0xff &&
		  (want_proto != 1 || c->v4) && (want_proto != 58 || c->v6);

	if (!ok) {
		const char *ipn = want_proto == 1 ? "ipv4" : want_proto == 58 ? "ipv6" : c->v6 ? "ipv6" : "ipv4";
		const char *ipet = !strcmp(ipn, "ipv6") ? "0x86dd" : "0x0800";
		char why[128], hint[160];

		if (c->l4 && c->proto == want_proto && c->proto_mask != 0xff)
			snprintf(why, sizeof(why), "needs the ip protocol matched exactly (%s(proto=%u) without a mask)",
				 ipn, want_proto);
		else if ((c->v4 || c->v6) && c->frag == OVS_FRAG_TYPE_LATER)
			snprintf(why, sizeof(why), "is not allowed for later fragments (%s(frag=later) has no L4 header)",
				 ipn);
		else
			snprintf(why, sizeof(why), "needs an exact %s(proto=%u) and eth_type(%s) in the flow",
				 ipn, want_proto, ipet);
		snprintf(hint, sizeof(hint), "add eth_type(%s),%s(proto=%u) without masks", ipet, ipn,
			 want_proto);
		return mask_refused(err, t, why, hint);
	}
	if (t == OVS_KEY_ATTR_ND) {
		uint8_t ty = k->icmpv6.icmpv6_type;

		if ((ty != 135 && ty != 136) || m->icmpv6.icmpv6_type != 0xff)
			return mask_refused(err, t, "needs an exact icmpv6(type=135) or icmpv6(type=136)",
					    "match the ICMPv6 type exactly: icmpv6(type=135) for NS, 136 for NA");
	}
	return 0;
}

/*
 * match_validate(): which non-zero mask attributes are allowed (the parents
 * each needs: ctf_key_mask_parent()). @m is the effective mask (eth_type
 * already forced exact when present).
 */
static int check_mask_allowed(const struct ctf_flow_key *k, const struct ctf_flow_key *m,
			      uint64_t mask_nonzero, struct ctf_err *err)
{
	struct mask_ctx c = { .et = (k->attrs & B(ETHERTYPE)) ? ntohs(k->eth_type) : 0 };
	int ret;

	c.et_exact = m->eth_type == 0xffff;
	c.v4 = c.et == 0x0800;
	c.v6 = c.et == 0x86dd;
	c.proto = c.v4 ? k->ipv4.ipv4_proto : c.v6 ? k->ipv6.ipv6_proto : 0;
	c.proto_mask = c.v4 ? m->ipv4.ipv4_proto : c.v6 ? m->ipv6.ipv6_proto : 0;
	c.frag = c.v4 ? k->ipv4.ipv4_frag : c.v6 ? k->ipv6.ipv6_frag : 0;
	c.l4 = (c.v4 || c.v6) && c.et_exact && c.frag != OVS_FRAG_TYPE_LATER;

	/* Ascending over the set bits only (bit 0 is no attribute). */
	for (uint64_t todo = mask_nonzero & ~(uint64_t)1 &
			     (CTF_KEY_BIT(OVS_KEY_ATTR_MAX) | (CTF_KEY_BIT(OVS_KEY_ATTR_MAX) - 1));
	     todo; todo &= todo - 1) {
		unsigned t = (unsigned)__builtin_ctzll(todo);
		struct ctf_mask_parent p = ctf_key_mask_parent(t, c.et);

		if (t != OVS_KEY_ATTR_TUNNEL && t != OVS_KEY_ATTR_IN_PORT && t != OVS_KEY_ATTR_ETHERTYPE &&
		    !(k->attrs & CTF_KEY_BIT(t))) {
			char hint[160];

			snprintf(hint, sizeof(hint), "add %s() to the key, or drop its mask", attr_name(t));
			return mask_refused(err, t, "is given but the key has no such attribute", hint);
		}
		/* metadata, eth, vlan: allowed whenever the key has them */
		if (p.eth_type)
			ret = check_et_parent(k, &c, t, p.eth_type, err);
		else if (p.proto)
			ret = check_proto_parent(k, m, &c, t, p.proto, err);
		else
			ret = 0;
		if (ret)
			return ret;
	}
	if ((mask_nonzero & B(CT_STATE)) && (m->ct_state & ~CTF_CS_SUPPORTED_MASK)) {
		ctf_err_set(err, "ct_state() mask 0x%x has bits outside 0xff that the kernel does not support",
			    m->ct_state);
		ctf_err_hint(err, "use only new,est,rel,rpl,inv,trk,snat,dnat (0x01..0x80) in the mask");
		return -EINVAL;
	}
	return 0;
}

int ctf_flow_validate(const void *key, size_t key_len, const void *mask, size_t mask_len,
		      const void *actions, size_t actions_len, struct ctf_err *err)
{
	struct ctf_err scratch;
	struct stream_info ksi, msi;
	/*
	 * Key, mask and masked key: 2.6 KiB of stack. This used to be a
	 * malloc()/free() pair per flow, a tenth of the validation; nothing
	 * calls this on a small stack (no threads, no signal handlers).
	 */
	struct ctf_flow_key keys[3];
	struct ctf_flow_key *k = &keys[0], *m = &keys[1], *km = &keys[2];
	int ret;

	if (!err)
		err = &scratch;
	ctf_err_clear(err);
	if (key_len && !key)
		return ctf_err_set(err, "key attribute stream is missing");
	if (!mask)
		mask_len = 0;

	ret = check_stream(key, key_len, false, &ksi, err);
	if (ret)
		return ret;
	if (mask_len && (ret = check_stream(mask, mask_len, true, &msi, err)))
		return ret;

	ret = ctf_flow_key_from_attrs(key, key_len, k, err);
	if (!ret)
		ret = check_key_values(k, err);
	if (!ret)
		ret = check_expected(k, err);
	if (ret)
		return ret;

	/* The mask as the kernel ends up using it. */
	if (mask_len) {
		ret = ctf_flow_key_from_attrs(mask, mask_len, m, err);
		if (!ret)
			ret = check_mask_honoured(k, m, err);
		if (ret)
			return ret;
		/* The TPIDs in front of vlan() must be exact (checked above). */
		ctf_key_mask_kernel_tighten(m);
	} else {
		ctf_flow_key_mask_exact(m, k);
		msi.nonzero = ksi.attrs & ~(B(ENCAP) | CTF_KEYB_ENCAP1 | CTF_KEYB_VLAN1);
	}
	ret = check_mask_allowed(k, m, msi.nonzero, err);
	if (!ret && (k->attrs & B(CT_STATE)))
		ret = check_ct_state(k->ct_state, m->ct_state, err);
	if (ret)
		return ret;

	ctf_flow_key_mask_apply(km, k, m);
	if (actions_len || actions)
		ret = ctf_validate_actions(actions, actions_len, km, m, err);
	return ret;
}
