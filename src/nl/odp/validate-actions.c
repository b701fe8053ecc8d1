// SPDX-License-Identifier: Apache-2.0
/*
 * The action half of ctf_flow_validate(): what __ovs_nla_copy_actions() and
 * ovs_ct_copy_action() refuse, checked against the key as the kernel masks
 * it (a ct() in a flow that wildcards eth_type has no L3 family, a set of
 * tcp() in a flow that does not pin proto=6 is unsafe, ...). Lengths come
 * from the action tables (action-attrs.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>

#include "odp/action-attrs.h"
#include "odp/ct-opts.h"
#include "odp/key-attrs.h"
#include "netlink/nla-inline.h"
#include "odp/validate.h"

#define B(t) CTF_KEY_BIT(OVS_KEY_ATTR_##t)

struct act_ctx {
	const struct ctf_flow_key *key;		/* masked key */
	const struct ctf_flow_key *mask;	/* effective mask */
	struct ctf_err *err;
	/*
	 * The packet's EtherType as the actions so far left it (host order;
	 * 0: not known exactly), as the kernel tracks it while it copies an
	 * action list: push_mpls and push_nsh change it, pop_mpls sets it.
	 */
	uint16_t eth_type;
};

#define ETH_P_MPLS_UC_ 0x8847
#define ETH_P_MPLS_MC_ 0x8848
#define ETH_P_NSH_ 0x894f

static bool is_mpls(uint16_t eth_type)
{
	return eth_type == ETH_P_MPLS_UC_ || eth_type == ETH_P_MPLS_MC_;
}

/* The flow's L3 family as the kernel sees it in the masked key: 4, 6 or 0. */
static int flow_family(const struct act_ctx *c)
{
	if (c->mask->eth_type != 0xffff)
		return 0;
	if (c->key->eth_type == htons(0x0800))
		return 4;
	if (c->key->eth_type == htons(0x86dd))
		return 6;
	return 0;
}

static uint8_t flow_proto(const struct act_ctx *c, uint8_t *mask)
{
	int fam = flow_family(c);

	*mask = fam == 4 ? c->mask->ipv4.ipv4_proto : fam == 6 ? c->mask->ipv6.ipv6_proto : 0;
	return fam == 4 ? c->key->ipv4.ipv4_proto : fam == 6 ? c->key->ipv6.ipv6_proto : 0;
}

static int len_refused(struct act_ctx *c, const char *ns, const struct ctf_attr_desc *d,
		       const struct nlattr *a)
{
	int plen = ctf_nla_len(a);

	if (d->len == 0)
		ctf_err_set(c->err, "%s%s%s is a flag but carries %d bytes", ns, *ns ? " option " : "",
			    d->name, plen);
	else if (d->len > 0)
		ctf_err_set(c->err, "%s%s%s is %d bytes, the kernel wants exactly %d", ns,
			    *ns ? " option " : "", d->name, plen, d->len);
	else if (d->len == CTF_LEN_STRZ)
		ctf_err_set(c->err, "%s%s%s must be a NUL-terminated string of %u..%u bytes (got %d)", ns,
			    *ns ? " option " : "", d->name, d->min_len, d->max_len, plen);
	else
		ctf_err_set(c->err, "%s%s%s has a bad length (%d bytes)", ns, *ns ? " option " : "",
			    d->name, plen);
	return -EINVAL;
}

/* ---- ct() ---------------------------------------------------------------- */

static int check_nat_nest(struct act_ctx *c, const struct nlattr *nat)
{
	const struct nlattr *a;

	if (!ctf_attr_stream_ok(ctf_nla_data(nat), ctf_nla_len(nat)))
		return ctf_err_set(c->err, "ct(nat(...)) has a truncated attribute");
	ctf_nla_for_each_nested(a, nat) {
		const struct ctf_attr_desc *d = ctf_attr_row(&ctf_nat_attrs, ctf_nla_type(a));

		if (!d) {
			ctf_err_set(c->err, "ct(nat(...)) has an unknown option type %u", ctf_nla_type(a));
			ctf_err_hint(c->err, "use src/dst[=ADDR[-ADDR][:PORT[-PORT]]], persistent, hash, random");
			return -EINVAL;
		}
		if (!ctf_attr_len_ok(&ctf_nat_attrs, a))
			return len_refused(c, "nat", d, a);
	}
	return 0;
}

static int check_ct(struct act_ctx *c, const struct nlattr *ct)
{
	struct ctf_err *err = c->err;
	struct ctf_ct_info ci;
	const struct nlattr *a;

	if (!ctf_attr_stream_ok(ctf_nla_data(ct), ctf_nla_len(ct)))
		return ctf_err_set(err, "ct() has a truncated attribute");
	ctf_nla_for_each_nested(a, ct) {
		unsigned t = ctf_nla_type(a);
		const struct ctf_attr_desc *d = ctf_attr_row(&ctf_ct_attrs, t);

		if (!d) {
			char help[256];

			ctf_err_set(err, "ct() has an unknown option type %u", t);
			ctf_err_hint(err, "use %s", ctf_ct_options_help(help, sizeof(help)));
			return -EINVAL;
		}
		if (!ctf_attr_len_ok(&ctf_ct_attrs, a))
			return len_refused(c, "ct", d, a);
		if (t == OVS_CT_ATTR_NAT) {
			int ret = check_nat_nest(c, a);
			if (ret)
				return ret;
		}
	}
	if (ctf_ct_action_decode(ct, &ci)) {
		ctf_err_set(err, "ct() is malformed (a repeated nat(), or a NAT range end without its start)");
		ctf_err_hint(err, "give nat(...) once, with its first address");
		return -EINVAL;
	}

	struct ctf_ct_flow flow = { .family = flow_family(c) };
	uint8_t pmask;

	if (!flow.family) {
		ctf_err_set(err, "ct() needs an exact IPv4 or IPv6 eth_type in the flow (ct family unspecified)");
		ctf_err_hint(err, "add eth_type(0x0800),ipv4() (or eth_type(0x86dd),ipv6()) to the flow");
		return -EINVAL;
	}
	flow_proto(c, &pmask);
	flow.proto_exact = pmask == 0xff;
	return ctf_ct_check(&ci, &flow, err);
}

/* ---- set() / set_masked() ----------------------------------------------- */

/* The key attributes the kernel can set, by their text name; NULL for the others. */
static const char *settable_name(unsigned t)
{
	switch (t) {
	case OVS_KEY_ATTR_PRIORITY: return "skb_priority";
	case OVS_KEY_ATTR_SKB_MARK: return "skb_mark";
	case OVS_KEY_ATTR_TUNNEL: return "tunnel";
	case OVS_KEY_ATTR_ETHERNET: return "eth";
	case OVS_KEY_ATTR_IPV4: return "ipv4";
	case OVS_KEY_ATTR_IPV6: return "ipv6";
	case OVS_KEY_ATTR_TCP: return "tcp";
	case OVS_KEY_ATTR_UDP: return "udp";
	case OVS_KEY_ATTR_SCTP: return "sctp";
	case OVS_KEY_ATTR_MPLS: return "mpls";
	case OVS_KEY_ATTR_NSH: return "nsh";
	default: return NULL;
	}
}

/* set(ipv4()) / set(ipv6()): the flow's family, and neither proto nor frag changed. */
static int check_set_ip(struct act_ctx *c, unsigned t, const uint8_t *p, int want, bool masked)
{
	struct ctf_err *err = c->err;
	const char *an = masked ? "set_masked" : "set";
	bool v4 = t == OVS_KEY_ATTR_IPV4;
	const char *kn = v4 ? "ipv4" : "ipv6";
	int fam = flow_family(c);
	uint8_t pmask, proto = flow_proto(c, &pmask);

	if (fam != (v4 ? 4 : 6)) {
		ctf_err_set(err, "%s(%s(...)) needs an exact eth_type(%s) in the flow", an, kn,
			    v4 ? "0x0800" : "0x86dd");
		ctf_err_hint(err, "add eth_type(%s),%s() to the flow", v4 ? "0x0800" : "0x86dd", kn);
		return -EINVAL;
	}
	size_t po = v4 ? offsetof(struct ovs_key_ipv4, ipv4_proto) : offsetof(struct ovs_key_ipv6, ipv6_proto);
	size_t fo = v4 ? offsetof(struct ovs_key_ipv4, ipv4_frag) : offsetof(struct ovs_key_ipv6, ipv6_frag);
	uint8_t fv = v4 ? c->key->ipv4.ipv4_frag : c->key->ipv6.ipv6_frag;
	bool bad_proto = masked ? p[(size_t)want + po] != 0 : p[po] != proto;
	bool bad_frag = masked ? p[(size_t)want + fo] != 0 : p[fo] != fv;
	if (bad_proto || bad_frag) {
		ctf_err_set(err, "%s(%s(%s=...)) cannot change the IP %s", an, kn,
			    bad_proto ? "proto" : "frag", bad_proto ? "protocol" : "fragment type");
		ctf_err_hint(err, masked ? "leave proto and frag out of the set_masked() mask"
					 : "use set_masked() and leave proto and frag unmasked");
		return -EINVAL;
	}
	if (t == OVS_KEY_ATTR_IPV6) {
		uint32_t label;

		memcpy(&label, p + (masked ? want : 0) + offsetof(struct ovs_key_ipv6, ipv6_label), 4);
		if (ntohl(label) & ~0xfffffu) {
			ctf_err_set(err, "%s(ipv6(label=...)) %s exceeds the 20-bit flow label", an,
				    masked ? "mask" : "value");
			ctf_err_hint(err, "use a label of at most 0xfffff");
			return -EINVAL;
		}
	}
	return 0;
}

static int check_set(struct act_ctx *c, const struct nlattr *set, bool masked)
{
	struct ctf_err *err = c->err;
	const char *an = masked ? "set_masked" : "set";
	const struct nlattr *a = ctf_nla_data(set);
	int len = ctf_nla_len(set);
	const char *kn;

	if (!ctf_nla_ok(a, len) || (int)MNL_ALIGN(a->nla_len) < len) {
		ctf_err_set(err, "%s() must hold exactly one key attribute", an);
		return -EINVAL;
	}
	unsigned t = ctf_nla_type(a);
	int plen = ctf_nla_len(a);
	const uint8_t *p = ctf_nla_data(a);
	int fam = flow_family(c);
	uint8_t pmask, proto = flow_proto(c, &pmask);

	kn = settable_name(t);
	if (!kn) {
		const struct ctf_attr_desc *kd = ctf_attr_row(&ctf_key_table, t);

		if (kd && kd->name)
			ctf_err_set(err, "%s(%s(...)): the kernel cannot set %s()", an, kd->name, kd->name);
		else
			ctf_err_set(err, "%s() holds unknown key attribute type %u", an, t);
		ctf_err_hint(err, "the kernel sets only skb_priority, skb_mark, tunnel, eth, ipv4, ipv6, tcp, udp, sctp, mpls, nsh");
		return -EINVAL;
	}
	if (t == OVS_KEY_ATTR_TUNNEL && masked) {
		ctf_err_set(err, "set_masked(tunnel(...)) is refused: a tunnel set cannot be masked");
		ctf_err_hint(err, "use set(tunnel(...)) with every field");
		return -EINVAL;
	}
	/* Fixed sizes from the key table (nested/variable ones are not checked here). */
	const struct ctf_attr_desc *kd = ctf_attr_row(&ctf_key_table, t);
	int want = kd->len > 0 ? kd->len : 0;
	if (want && plen != (masked ? 2 * want : want)) {
		ctf_err_set(err, "%s(%s(...)) is %d bytes, the kernel wants %d", an, kn, plen,
			    masked ? 2 * want : want);
		return -EINVAL;
	}
	if (masked && want) {
		for (int i = 0; i < want; i++)
			if (p[i] & ~p[want + i]) {
				ctf_err_set(err, "%s(%s(...)) sets value bits outside its mask", an, kn);
				ctf_err_hint(err, "give values already ANDed with their masks");
				return -EINVAL;
			}
	}
	switch (t) {
	case OVS_KEY_ATTR_IPV4:
	case OVS_KEY_ATTR_IPV6:
		return check_set_ip(c, t, p, want, masked);
	case OVS_KEY_ATTR_TCP:
	case OVS_KEY_ATTR_UDP:
	case OVS_KEY_ATTR_SCTP: {
		uint8_t need = t == OVS_KEY_ATTR_TCP ? 6 : t == OVS_KEY_ATTR_UDP ? 17 : 132;

		/* The kernel compares the masked key's protocol, as done here. */
		if (!fam || proto != need) {
			ctf_err_set(err, "%s(%s(...)) needs the flow to match ip proto %u exactly", an, kn, need);
			ctf_err_hint(err, "add eth_type(0x0800),ipv4(proto=%u),%s() (or the ipv6 equivalent) to the flow",
				     need, kn);
			return -EINVAL;
		}
		break;
	}
	case OVS_KEY_ATTR_MPLS:
		if (c->mask->eth_type != 0xffff ||
		    (c->key->eth_type != htons(0x8847) && c->key->eth_type != htons(0x8848))) {
			ctf_err_set(err, "%s(mpls(...)) needs an exact MPLS eth_type in the flow", an);
			ctf_err_hint(err, "add eth_type(0x8847),mpls(...) to the flow");
			return -EINVAL;
		}
		break;
	}
	return 0;
}

/* ---- the list walk -------------------------------------------------------- */

static int check_list(struct act_ctx *c, const void *data, size_t len, int depth);

/* A nested list works on its own copy of the packet: what it does stays inside. */
static int check_inner_list(struct act_ctx *c, const void *data, size_t len, int depth)
{
	uint16_t outer = c->eth_type;
	int ret = check_list(c, data, len, depth);

	c->eth_type = outer;
	return ret;
}

/* Sub-attributes the kernel insists on, per nested action (bit N = type N). */
static uint32_t required_subattrs(unsigned action)
{
	switch (action) {
	case OVS_ACTION_ATTR_SAMPLE:
		return 1u << OVS_SAMPLE_ATTR_PROBABILITY | 1u << OVS_SAMPLE_ATTR_ACTIONS;
	case OVS_ACTION_ATTR_CHECK_PKT_LEN:
		return 1u << OVS_CHECK_PKT_LEN_ATTR_PKT_LEN | 1u << OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_GREATER |
		       1u << OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_LESS_EQUAL;
	case OVS_ACTION_ATTR_DEC_TTL:
		return 1u << OVS_DEC_TTL_ATTR_ACTION;
	default:
		return 0;
	}
}

static int check_nested_lists(struct act_ctx *c, const struct nlattr *a, const struct ctf_attr_desc *d,
			      int depth)
{
	const struct nlattr *sub;
	uint32_t need = required_subattrs(ctf_nla_type(a)), seen = 0;

	if (d->nested == &ctf_action_attrs)	/* clone(): the list itself */
		return check_inner_list(c, ctf_nla_data(a), ctf_nla_len(a), depth + 1);
	if (!ctf_attr_stream_ok(ctf_nla_data(a), ctf_nla_len(a)))
		return ctf_err_set(c->err, "%s() has a truncated attribute", d->name);
	ctf_nla_for_each_nested(sub, a) {
		const struct ctf_attr_desc *sd = ctf_attr_row(d->nested, ctf_nla_type(sub));

		if (!sd) {
			ctf_err_set(c->err, "%s() has an unknown attribute type %u", d->name, ctf_nla_type(sub));
			return -EINVAL;
		}
		if (!ctf_attr_len_ok(d->nested, sub))
			return len_refused(c, d->name, sd, sub);
		if (ctf_nla_type(sub) < 32)
			seen |= 1u << ctf_nla_type(sub);
		if (sd->nested == &ctf_action_attrs) {
			int ret = check_inner_list(c, ctf_nla_data(sub), ctf_nla_len(sub),
						   depth + 1);
			if (ret)
				return ret;
		}
	}
	if ((seen & need) != need) {
		for (unsigned t = 0; t < 32; t++)
			if ((need & ~seen) & (1u << t)) {
				const struct ctf_attr_desc *md = ctf_attr_row(d->nested, t);

				ctf_err_set(c->err, "%s() lacks its %s part, which the kernel requires", d->name,
					    md ? md->name : "?");
				return -EINVAL;
			}
	}
	return 0;
}

static int check_output(struct act_ctx *c, const struct nlattr *a)
{
	struct ctf_err *err = c->err;
	uint32_t port = ctf_nla_u32(a);

	if (port >= CTF_DP_MAX_PORTS) {
		ctf_err_set(err, "output to port %u is out of range: datapath ports are 0..65534", port);
		ctf_err_hint(err, "use a port number below 65535 (see `ctflow show`)");
		return -EINVAL;
	}
	return 0;
}

static int check_userspace(struct act_ctx *c, const struct nlattr *a, const struct ctf_attr_desc *d, int depth)
{
	struct ctf_err *err = c->err;
	const void *p = ctf_nla_data(a);
	const struct nlattr *pid = NULL, *sub;

	if (!ctf_attr_stream_ok(p, ctf_nla_len(a)))
		return ctf_err_set(err, "userspace() has a truncated attribute");
	ctf_nla_for_each_nested(sub, a)
		if (ctf_nla_type(sub) == OVS_USERSPACE_ATTR_PID)
			pid = sub;
	if (!pid || ctf_nla_len(pid) != 4 || !ctf_nla_u32(pid)) {
		ctf_err_set(err, "userspace() needs a non-zero pid=");
		ctf_err_hint(err, "give the netlink port id of the listening socket: userspace(pid=N)");
		return -EINVAL;
	}
	return check_nested_lists(c, a, d, depth);
}

static int check_trunc(struct act_ctx *c, const struct nlattr *a)
{
	struct ctf_err *err = c->err;
	const void *p = ctf_nla_data(a);
	const struct ovs_action_trunc *tr = p;

	if (tr->max_len < 14) {
		ctf_err_set(err, "trunc(%u) is shorter than an Ethernet header", tr->max_len);
		ctf_err_hint(err, "use trunc(14) or more");
		return -EINVAL;
	}
	return 0;
}

static int check_hash(struct act_ctx *c, const struct nlattr *a)
{
	struct ctf_err *err = c->err;
	const void *p = ctf_nla_data(a);
	const struct ovs_action_hash *h = p;

	if (h->hash_alg != OVS_HASH_ALG_L4 && h->hash_alg != CTF_HASH_ALG_SYM_L4) {
		ctf_err_set(err, "hash(alg=%u) is not a hash algorithm the kernel knows", h->hash_alg);
		ctf_err_hint(err, "use hash(l4(BASIS)) or hash(sym_l4(BASIS))");
		return -EINVAL;
	}
	return 0;
}

static int check_push_vlan(struct act_ctx *c, const struct nlattr *a)
{
	struct ctf_err *err = c->err;
	const void *p = ctf_nla_data(a);
	const struct ovs_action_push_vlan *v = p;
	uint16_t tpid = ntohs(v->vlan_tpid), tci = ntohs(v->vlan_tci);

	if (tpid != 0x8100 && tpid != 0x88a8) {
		ctf_err_set(err, "push_vlan(tpid=0x%04x) is not 0x8100 or 0x88a8", tpid);
		ctf_err_hint(err, "use tpid=0x8100 (802.1Q) or tpid=0x88a8 (802.1ad)");
		return -EINVAL;
	}
	if (!(tci & 0x1000)) {
		ctf_err_set(err, "push_vlan(tci=0x%04x) lacks the CFI/present bit 0x1000", tci);
		ctf_err_hint(err, "use push_vlan(vid=N,pcp=P), which sets it");
		return -EINVAL;
	}
	return 0;
}

static int check_psample(struct act_ctx *c, const struct nlattr *a)
{
	struct ctf_err *err = c->err;
	const void *p = ctf_nla_data(a);
	const struct nlattr *sub;
	bool group = false;

	if (!ctf_attr_stream_ok(p, ctf_nla_len(a)))
		return ctf_err_set(err, "psample() has a truncated attribute");
	ctf_nla_for_each_nested(sub, a) {
		if (ctf_nla_type(sub) == OVS_PSAMPLE_ATTR_GROUP)
			group = true;
		if (ctf_nla_type(sub) == OVS_PSAMPLE_ATTR_COOKIE &&
		    ctf_nla_len(sub) > OVS_PSAMPLE_COOKIE_MAX_SIZE) {
			ctf_err_set(err, "psample(cookie=...) is %u bytes, more than 16",
				    ctf_nla_len(sub));
			return -EINVAL;
		}
	}
	if (!group) {
		ctf_err_set(err, "psample() needs group=");
		ctf_err_hint(err, "write psample(group=N[,cookie=HEX])");
		return -EINVAL;
	}
	return 0;
}

/* push_mpls and add_mpls both start with lse, then the EtherType. */
static int check_push_mpls(struct act_ctx *c, const struct nlattr *a, const struct ctf_attr_desc *d)
{
	struct ctf_err *err = c->err;
	const void *p = ctf_nla_data(a);
	/* struct ovs_action_push_mpls and add_mpls both start with lse, then the EtherType. */
	uint16_t et;

	memcpy(&et, (const char *)p + 4, 2);
	et = ntohs(et);
	if (!is_mpls(et)) {
		ctf_err_set(err, "%s(eth_type=0x%04x) is not an MPLS EtherType", d->name, et);
		ctf_err_hint(err, "use eth_type=0x8847 (unicast) or 0x8848 (multicast)");
		return -EINVAL;
	}
	c->eth_type = et;
	return 0;
}

static int check_action(struct act_ctx *c, const struct nlattr *a, bool last, int depth)
{
	struct ctf_err *err = c->err;
	unsigned t = ctf_nla_type(a);
	const struct ctf_attr_desc *d = ctf_attr_row(&ctf_action_attrs, t);

	if (!d) {
		ctf_err_set(err, "action type %u is unknown", t);
		ctf_err_hint(err, "remove it; the kernel refuses unknown actions");
		return -EINVAL;
	}
	if (!ctf_attr_len_ok(&ctf_action_attrs, a))
		return len_refused(c, "", d, a);

	switch (t) {
	case OVS_ACTION_ATTR_OUTPUT:
		return check_output(c, a);
	case OVS_ACTION_ATTR_USERSPACE:
		return check_userspace(c, a, d, depth);
	case OVS_ACTION_ATTR_TRUNC:
		return check_trunc(c, a);
	case OVS_ACTION_ATTR_HASH:
		return check_hash(c, a);
	case OVS_ACTION_ATTR_PUSH_VLAN:
		return check_push_vlan(c, a);
	case OVS_ACTION_ATTR_PUSH_MPLS:
	case OVS_ACTION_ATTR_ADD_MPLS:
		return check_push_mpls(c, a, d);
	case OVS_ACTION_ATTR_POP_MPLS:
		if (!is_mpls(c->eth_type)) {
			ctf_err_set(err, "pop_mpls needs an MPLS packet, and here it is %s",
				    c->eth_type ? "not one" : "not known to be one");
			ctf_err_hint(err, "match eth_type(0x8847) (or push_mpls first)");
			return -EINVAL;
		}
		c->eth_type = ntohs(ctf_nla_u16(a));
		return 0;
	case OVS_ACTION_ATTR_PUSH_NSH:
		if (!ctf_nla_len(a)) {
			ctf_err_set(err, "push_nsh() without a header");
			ctf_err_hint(err, "write push_nsh(flags=0,ttl=63,mdtype=1,np=3,spi=0x1,si=255)");
			return -EINVAL;
		}
		c->eth_type = ETH_P_NSH_;
		return check_nested_lists(c, a, d, depth);
	case OVS_ACTION_ATTR_POP_NSH:
		if (c->eth_type != ETH_P_NSH_) {
			ctf_err_set(err, "pop_nsh needs an NSH packet, and here it is %s",
				    c->eth_type ? "not one" : "not known to be one");
			ctf_err_hint(err, "match eth_type(0x894f),nsh(...) (or push_nsh first)");
			return -EINVAL;
		}
		c->eth_type = 0;	/* whatever np says: not tracked */
		return 0;
	case OVS_ACTION_ATTR_DROP:
		if (!last) {
			ctf_err_set(err, "drop(%u) must be the last action of its list", ctf_nla_u32(a));
			ctf_err_hint(err, "move drop(...) to the end, or remove the actions after it");
			return -EINVAL;
		}
		return 0;
	case OVS_ACTION_ATTR_CT:
		return check_ct(c, a);
	case OVS_ACTION_ATTR_SET:
		return check_set(c, a, false);
	case OVS_ACTION_ATTR_SET_MASKED:
		return check_set(c, a, true);
	case OVS_ACTION_ATTR_PSAMPLE:
		return check_psample(c, a);
	default:
		if (d->len == CTF_LEN_NESTED && d->nested)
			return check_nested_lists(c, a, d, depth);
		return 0;
	}
}

static int check_list(struct act_ctx *c, const void *data, size_t len, int depth)
{
	const struct nlattr *a;
	int rem = (int)len;

	if (depth > CTF_ACTIONS_MAX_DEPTH) {
		ctf_err_setn(c->err, -EOVERFLOW, "actions are nested more than %d levels deep",
			     CTF_ACTIONS_MAX_DEPTH);
		ctf_err_hint(c->err, "flatten clone()/sample()/check_pkt_len()/dec_ttl() nesting");
		return -EOVERFLOW;
	}
	for (a = data; ctf_nla_ok(a, rem); ) {
		const struct nlattr *next = ctf_nla_next(a);
		int nrem = rem - (int)MNL_ALIGN(a->nla_len);
		int ret = check_action(c, a, !ctf_nla_ok(next, nrem), depth);

		if (ret)
			return ret;
		rem = nrem;
		a = next;
	}
	if (rem > 0)
		return ctf_err_set(c->err, "action list is truncated or has %d trailing bytes", rem);
	return 0;
}

int ctf_validate_actions(const void *actions, size_t len, const struct ctf_flow_key *key,
			 const struct ctf_flow_key *mask, struct ctf_err *err)
{
	struct act_ctx c = { key, mask, err, 0 };

	if (mask->eth_type == 0xffff)
		c.eth_type = ntohs(key->eth_type);

	if (len && !actions)
		return ctf_err_set(err, "action stream is missing");
	if (len > CTF_NLBUF_MAX)
		return ctf_err_set(err, "action list is %zu bytes, more than netlink can carry", len);
	return check_list(&c, actions, len, 0);
}
