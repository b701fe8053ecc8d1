// SPDX-License-Identifier: Apache-2.0
/*
 * The fixed-layout flow key (include/ctflow/match.h): decode an OVS_KEY_ATTR_*
 * stream into it, encode it back in the kernel's canonical order, and the
 * word-wise mask operations the daemon's classifier runs on every miss.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>

#include "ctflow/match.h"
#include "odp/key-attrs.h"
#include "odp/key-rules.h"
#include "netlink/nla-inline.h"

/*
 * Where each attribute lives in the struct, where it is written and its
 * length all come from the key attribute rows (odp/key-attrs.h): a row with
 * a fixed length and a key_off is a plain copy; the kinds with their own
 * layout (vlan, mpls, tunnel, nsh) have their own code below.
 */

/* A key attribute this build knows and the kernel takes, or NULL. */
static const struct ctf_attr_desc *known_key_attr(unsigned type)
{
	const struct ctf_attr_desc *d = ctf_attr_row(&ctf_key_table, type);

	if (!d || (d->flags & CTF_AF_USER_ONLY) || type > OVS_KEY_ATTR_MAX)
		return NULL;
	return d;
}

static const struct ctf_attr_desc *known_tun_attr(unsigned type)
{
	const struct ctf_attr_desc *d = ctf_attr_row(&ctf_tunnel_key_table, type);

	if (!d || !d->name || type > OVS_TUNNEL_KEY_ATTR_MAX || type == OVS_TUNNEL_KEY_ATTR_PAD)
		return NULL;
	return d;
}

static uint16_t tun_flag_of(unsigned type)
{
	switch (type) {
	case OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT: return CTF_TUN_F_DF;
	case OVS_TUNNEL_KEY_ATTR_CSUM: return CTF_TUN_F_CSUM;
	case OVS_TUNNEL_KEY_ATTR_OAM: return CTF_TUN_F_OAM;
	case OVS_TUNNEL_KEY_ATTR_IPV4_INFO_BRIDGE: return CTF_TUN_F_INFO_BRIDGE;
	default: return 0;
	}
}

/* ---- decoding ----------------------------------------------------------- */

/* Report a malformed stream; @err may be NULL for callers that only need the verdict. */
#define bad(err, ...) ((err) ? ctf_err_set((err), __VA_ARGS__) : -EINVAL)

/*
 * Walk a stream as libmnl does, refusing a truncated attribute or trailing
 * bytes instead of silently stopping (mnl_attr_for_each_payload stops quietly).
 */
#define for_each_attr(a, data, len, rem) \
	for ((a) = (const struct nlattr *)(data), (rem) = (int)(len); \
	     ctf_nla_ok((a), (rem)); \
	     (rem) -= MNL_ALIGN((a)->nla_len), (a) = ctf_nla_next(a))

static int decode_tunnel(const struct nlattr *nest, struct ctf_flow_key *k, struct ctf_err *err)
{
	const struct nlattr *a;
	int rem;

	for_each_attr(a, ctf_nla_data(nest), ctf_nla_len(nest), rem) {
		unsigned type = ctf_nla_type(a);
		uint16_t plen = ctf_nla_len(a);
		const struct ctf_attr_desc *d = known_tun_attr(type);

		if (!d) {
			k->attrs |= CTF_KEYB_UNKNOWN;
			continue;
		}
		int want = d->len;
		const char *name = d->name;

		if (k->tun_attrs & CTF_TUN_BIT(type))
			return bad(err, "duplicate tunnel(%s=) attribute", name);
		k->tun_attrs |= CTF_TUN_BIT(type);
		if (want >= 0 && plen != want)
			return bad(err, "tunnel(%s=) attribute has the wrong length", name);
		if (ctf_attr_copy_len(d)) {
			memcpy((char *)k + d->key_off, ctf_nla_data(a), plen);
			continue;
		}
		switch (type) {
		case OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS:
			if (plen > CTF_GENEVE_OPTS_MAX || plen % 4)
				return bad(err, "tunnel(%s()) options must be a multiple of 4 bytes, at most 252", name);
			memcpy(k->geneve_opts, ctf_nla_data(a), plen);
			k->geneve_len = (uint8_t)plen;
			break;
		case OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS:
			if (plen > CTF_ERSPAN_OPTS_MAX)
				return bad(err, "tunnel(%s()) options longer than 16 bytes", name);
			memcpy(k->erspan_opts, ctf_nla_data(a), plen);
			k->erspan_len = (uint8_t)plen;
			break;
		case OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS: {
			const struct nlattr *v;
			int vrem;

			for_each_attr(v, ctf_nla_data(a), plen, vrem) {
				if (ctf_nla_type(v) != OVS_VXLAN_EXT_GBP) {
					k->attrs |= CTF_KEYB_UNKNOWN;
					continue;
				}
				if (ctf_nla_len(v) != 4)
					return bad(err, "tunnel(%s(gbp=)) must be 4 bytes", name);
				k->tun_vxlan_gbp = ctf_nla_u32(v);
			}
			if (vrem > 0)
				return bad(err, "tunnel(%s()) has trailing bytes", name);
			break;
		}
		default:	/* flags */
			k->tun_flags |= tun_flag_of(type);
			break;
		}
	}
	if (rem > 0)	/* < 0: an unpadded last attribute, which the kernel accepts */
		return bad(err, "%s() has a truncated attribute", "tunnel");
	return 0;
}

static int decode_nsh(const struct nlattr *nest, struct ctf_flow_key *k, struct ctf_err *err)
{
	const struct nlattr *a;
	int rem;

	for_each_attr(a, ctf_nla_data(nest), ctf_nla_len(nest), rem) {
		uint16_t plen = ctf_nla_len(a);

		switch (ctf_nla_type(a)) {
		case OVS_NSH_KEY_ATTR_BASE:
			if (plen != sizeof(k->nsh_base))
				return bad(err, "%s(base) must be 8 bytes", "nsh");
			memcpy(&k->nsh_base, ctf_nla_data(a), plen);
			break;
		case OVS_NSH_KEY_ATTR_MD1:
			if (plen != sizeof(k->nsh_md1))
				return bad(err, "%s(md1) must be 16 bytes", "nsh");
			memcpy(&k->nsh_md1, ctf_nla_data(a), plen);
			break;
		case OVS_NSH_KEY_ATTR_MD2:
			if (plen == 0 || plen > CTF_NSH_MD2_MAX)
				return bad(err, "%s(md2) must be 1..248 bytes", "nsh");
			memcpy(k->nsh_md2, ctf_nla_data(a), plen);
			k->nsh_md2_len = (uint8_t)plen;
			break;
		default:
			k->attrs |= CTF_KEYB_UNKNOWN;
			break;
		}
	}
	if (rem > 0)	/* < 0: an unpadded last attribute, which the kernel accepts */
		return bad(err, "%s() has a truncated attribute", "nsh");
	return 0;
}

/*
 * The attributes of one level by type into @tb, with *@present the slots in
 * use (the rest stay uninitialised): known types only, exact lengths, no
 * duplicates.
 */
static int collect_level(const void *data, size_t len, struct ctf_flow_key *k,
			 const struct nlattr **tb, uint64_t *present, struct ctf_err *err)
{
	const struct nlattr *a;
	int rem;

	_Static_assert(OVS_KEY_ATTR_MAX < 64, "present is a 64-bit set");
	for_each_attr(a, data, len, rem) {
		unsigned type = ctf_nla_type(a);
		uint16_t plen = ctf_nla_len(a);
		const struct ctf_attr_desc *d = known_key_attr(type);

		if (!d) {
			k->attrs |= CTF_KEYB_UNKNOWN;
			continue;
		}
		if (*present & (1ull << type))
			return bad(err, "duplicate %s() attribute", d->name);
		if (d->len >= 0 && plen != d->len)
			return bad(err, "%s() attribute has the wrong length", d->name);
		tb[type] = a;
		*present |= 1ull << type;
	}
	if (rem > 0)	/* < 0: an unpadded last attribute, which the kernel accepts */
		return bad(err, "key attribute stream is truncated%s", "");
	return 0;
}

/* One nesting level: the outer key, or the inside of an encap(). */
static int decode_level(const void *data, size_t len, struct ctf_flow_key *k, int depth,
			struct ctf_err *err)
{
	const struct nlattr *tb[OVS_KEY_ATTR_MAX + 1];
	const struct nlattr *a;
	uint64_t present = 0;
	int ret = collect_level(data, len, k, tb, &present, err);

	if (ret)
		return ret;

	bool tagged = present & CTF_KEY_BIT(OVS_KEY_ATTR_VLAN);
	if ((present & CTF_KEY_BIT(OVS_KEY_ATTR_ENCAP)) && !tagged)
		return bad(err, "%s() without vlan()", "encap");
	if (tagged && depth >= 2)
		return bad(err, "more than two %s() tags", "vlan");

	/* In type order, as before, but only over the attributes present. */
	for (uint64_t todo = present; todo; todo &= todo - 1) {
		unsigned type = (unsigned)__builtin_ctzll(todo);
		const struct ctf_attr_desc *d = ctf_attr_row(&ctf_key_table, type);

		a = tb[type];
		uint16_t plen = ctf_nla_len(a);
		const void *p = ctf_nla_data(a);
		uint64_t bit = CTF_KEY_BIT(type);

		switch (type) {
		case OVS_KEY_ATTR_VLAN:
			k->attrs |= depth ? CTF_KEYB_VLAN1 : bit;
			memcpy(&k->vlan[depth].tci, p, 2);
			if (present & CTF_KEY_BIT(OVS_KEY_ATTR_ETHERTYPE))
				memcpy(&k->vlan[depth].tpid, ctf_nla_data(tb[OVS_KEY_ATTR_ETHERTYPE]), 2);
			continue;
		case OVS_KEY_ATTR_ETHERTYPE:
			if (tagged)
				continue;	/* it was the TPID, taken above */
			break;
		case OVS_KEY_ATTR_ENCAP: {
			k->attrs |= depth ? CTF_KEYB_ENCAP1 : bit;
			ret = decode_level(p, plen, k, depth + 1, err);
			if (ret)
				return ret;
			continue;
		}
		default:
			break;
		}
		if (k->attrs & bit)
			return bad(err, "%s() appears both inside and outside encap()", d->name);
		k->attrs |= bit;
		if (ctf_attr_copy_len(d)) {
			ctf_nla_copy_small((uint8_t *)k + d->key_off, p, plen);
			continue;
		}
		ret = 0;
		switch (d->kind) {
		case CTF_AK_MPLS:
			if (plen == 0 || plen % 4 || plen / 4 > CTF_MPLS_MAX_LABELS)
				return bad(err, "%s() must hold 1 to 3 labels", d->name);
			memcpy(k->mpls, p, plen);
			k->mpls_n = (uint8_t)(plen / 4);
			break;
		case CTF_AK_TUNNEL:
			ret = decode_tunnel(a, k, err);
			break;
		case CTF_AK_NSH:
			ret = decode_nsh(a, k, err);
			break;
		}
		if (ret)
			return ret;
	}
	return 0;
}

int ctf_flow_key_from_attrs(const void *attrs, size_t len, struct ctf_flow_key *out,
			    struct ctf_err *err)
{
	memset(out, 0, sizeof(*out));
	if (len > CTF_NLBUF_MAX)
		return bad(err, "key attribute stream is too long%s", "");
	if (len && !attrs)
		return bad(err, "key attribute stream is missing%s", "");
	return decode_level(attrs, len, out, 0, err);
}

/* ---- mask operations ---------------------------------------------------- */

typedef uint64_t key_word;
/* Two key words as one GCC vector (SSE2 on x86-64, NEON on arm64). */
typedef key_word key_pair __attribute__((vector_size(16)));

static const key_word *body_words(const struct ctf_flow_key *k)
{
	return (const key_word *)((const char *)k + CTF_KEY_BODY_START);
}

static key_word *body_words_rw(struct ctf_flow_key *k)
{
	return (key_word *)((char *)k + CTF_KEY_BODY_START);
}

#define BODY_WORDS ((sizeof(struct ctf_flow_key) - CTF_KEY_BODY_START) / sizeof(key_word))
#define HOT_WORDS ((CTF_KEY_COLD_START - CTF_KEY_BODY_START) / sizeof(key_word))

_Static_assert(CTF_KEY_BODY_START % sizeof(key_word) == 0, "body must be word aligned");
_Static_assert(CTF_KEY_COLD_START % sizeof(key_word) == 0, "cold part must be word aligned");
_Static_assert(sizeof(struct ctf_flow_key) % sizeof(key_word) == 0, "key must be whole words");

void ctf_flow_key_mask_apply(struct ctf_flow_key *out, const struct ctf_flow_key *key,
			     const struct ctf_flow_key *mask)
{
	const key_word *k = body_words(key), *m = body_words(mask);
	key_word *o = body_words_rw(out);

	size_t i = 0;

	if (out != key)
		memcpy(out, key, CTF_KEY_BODY_START);
	/*
	 * Sixteen bytes per step: -O2 leaves the plain word loop scalar (109
	 * words, an odd count), and validation applies a mask to every flow.
	 * Element-wise, so out == key or out == mask is still fine.
	 */
	for (; i + 2 <= BODY_WORDS; i += 2) {
		key_pair a, b;

		memcpy(&a, &k[i], sizeof(a));
		memcpy(&b, &m[i], sizeof(b));
		a &= b;
		memcpy(&o[i], &a, sizeof(a));
	}
	for (; i < BODY_WORDS; i++)
		o[i] = k[i] & m[i];
}

bool ctf_flow_key_matches(const struct ctf_flow_key *pkt, const struct ctf_flow_key *rule_key,
			  const struct ctf_flow_key *rule_mask)
{
	const key_word *p = body_words(pkt), *r = body_words(rule_key), *m = body_words(rule_mask);
	/* Only tunnel options and NSH MD2 live in the cold part. */
	bool cold = rule_mask->attrs & (CTF_KEY_BIT(OVS_KEY_ATTR_TUNNEL) | CTF_KEY_BIT(OVS_KEY_ATTR_NSH));
	size_t n = cold ? BODY_WORDS : HOT_WORDS;

	/*
	 * Branch-free within 64-byte blocks (the compiler vectorises them),
	 * early exit between blocks: most rules fail in the first block.
	 */
	for (size_t i = 0; i < n; i += 8) {
		key_word diff = 0;
		size_t end = i + 8 < n ? i + 8 : n;

		for (size_t j = i; j < end; j++)
			diff |= (p[j] & m[j]) ^ r[j];
		if (diff)
			return false;
	}
	return true;
}

void ctf_flow_key_mask_union(struct ctf_flow_key *out, const struct ctf_flow_key *a,
			     const struct ctf_flow_key *b)
{
	const key_word *x = body_words(a), *y = body_words(b);
	key_word *o = body_words_rw(out);

	out->attrs = a->attrs | b->attrs;
	out->tun_attrs = a->tun_attrs | b->tun_attrs;
	out->mpls_n = a->mpls_n > b->mpls_n ? a->mpls_n : b->mpls_n;
	out->geneve_len = a->geneve_len > b->geneve_len ? a->geneve_len : b->geneve_len;
	out->erspan_len = a->erspan_len > b->erspan_len ? a->erspan_len : b->erspan_len;
	out->nsh_md2_len = a->nsh_md2_len > b->nsh_md2_len ? a->nsh_md2_len : b->nsh_md2_len;
	for (size_t i = 0; i < BODY_WORDS; i++)
		o[i] = x[i] | y[i];
}

bool ctf_flow_key_mask_is_empty(const struct ctf_flow_key *mask)
{
	const key_word *m = body_words(mask);

	for (size_t i = 0; i < BODY_WORDS; i++)
		if (m[i])
			return false;
	return true;
}

/* Set every byte of the fixed-length field of @type in @m to @v. */
static void fill_attr(struct ctf_flow_key *m, unsigned type, int v)
{
	const struct ctf_attr_desc *d = ctf_attr_row(&ctf_key_table, type);
	size_t len = d ? ctf_attr_copy_len(d) : 0;

	if (len)
		memset((char *)m + d->key_off, v, len);
}

void ctf_flow_key_mask_exact(struct ctf_flow_key *mask, const struct ctf_flow_key *key)
{
	memset(mask, 0, sizeof(*mask));
	memcpy(mask, key, CTF_KEY_BODY_START);
	for (unsigned type = 1; type <= OVS_KEY_ATTR_MAX; type++)
		if (key->attrs & CTF_KEY_BIT(type))
			fill_attr(mask, type, 0xff);
	/* Struct padding is not part of the key: the kernel neither matches nor reports it. */
	memset((char *)&mask->ct_tuple4 + offsetof(struct ovs_key_ct_tuple_ipv4, ipv4_proto) + 1, 0,
	       sizeof(mask->ct_tuple4) - offsetof(struct ovs_key_ct_tuple_ipv4, ipv4_proto) - 1);
	memset((char *)&mask->ct_tuple6 + offsetof(struct ovs_key_ct_tuple_ipv6, ipv6_proto) + 1, 0,
	       sizeof(mask->ct_tuple6) - offsetof(struct ovs_key_ct_tuple_ipv6, ipv6_proto) - 1);
	memset((char *)&mask->arp + offsetof(struct ovs_key_arp, arp_tha) + sizeof(mask->arp.arp_tha),
	       0, sizeof(mask->arp) - offsetof(struct ovs_key_arp, arp_tha) - sizeof(mask->arp.arp_tha));
	if (key->attrs & CTF_KEY_BIT(OVS_KEY_ATTR_ETHERTYPE))
		mask->eth_type = 0xffff;
	if (key->attrs & CTF_KEY_BIT(OVS_KEY_ATTR_VLAN))
		mask->vlan[0].tpid = mask->vlan[0].tci = 0xffff;
	if (key->attrs & CTF_KEYB_VLAN1)
		mask->vlan[1].tpid = mask->vlan[1].tci = 0xffff;
	if (key->attrs & CTF_KEY_BIT(OVS_KEY_ATTR_MPLS))
		memset(mask->mpls, 0xff, sizeof(mask->mpls));
	if (key->attrs & CTF_KEY_BIT(OVS_KEY_ATTR_CT_STATE))
		mask->ct_state = CTF_CS_SUPPORTED_MASK;
	if (key->attrs & CTF_KEY_BIT(OVS_KEY_ATTR_TUNNEL)) {
		for (unsigned t = 0; t <= OVS_TUNNEL_KEY_ATTR_MAX; t++) {
			const struct ctf_attr_desc *d = ctf_attr_row(&ctf_tunnel_key_table, t);

			if (d && ctf_attr_copy_len(d) && (key->tun_attrs & CTF_TUN_BIT(t)))
				memset((char *)mask + d->key_off, 0xff, ctf_attr_copy_len(d));
		}
		mask->tun_flags = key->tun_flags;
		if (key->tun_attrs & CTF_TUN_BIT(OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS))
			mask->tun_vxlan_gbp = UINT32_MAX;
		memset(mask->geneve_opts, 0xff, key->geneve_len);
		memset(mask->erspan_opts, 0xff, key->erspan_len);
	}
	if (key->attrs & CTF_KEY_BIT(OVS_KEY_ATTR_NSH)) {
		memset(&mask->nsh_base, 0xff, sizeof(mask->nsh_base));
		memset(&mask->nsh_md1, 0xff, sizeof(mask->nsh_md1));
		memset(mask->nsh_md2, 0xff, key->nsh_md2_len);
	}
}

/* ---- encoding ----------------------------------------------------------- */

/* The two output streams and the values written into them. */
struct key_writer {
	struct ctf_nlbuf *kb, *mb;	/* mb may be NULL */
	const struct ctf_flow_key *k;	/* key & mask */
	const struct ctf_flow_key *m;
};

static int put2(struct key_writer *w, uint16_t type, size_t len, const void *kp, const void *mp)
{
	if (!mnl_attr_put_check(w->kb->nlh, ctf_nlbuf_buflen(w->kb), type, len, kp))
		return -EMSGSIZE;
	if (w->mb && !mnl_attr_put_check(w->mb->nlh, ctf_nlbuf_buflen(w->mb), type, len, mp))
		return -EMSGSIZE;
	return 0;
}

static int put_field(struct key_writer *w, uint16_t type, const struct ctf_attr_desc *d)
{
	size_t off = d->key_off;

	return put2(w, type, ctf_attr_copy_len(d), (const char *)w->k + off, (const char *)w->m + off);
}

struct nest_pair {
	struct nlattr *k, *m;
};

static int nest_start(struct key_writer *w, uint16_t type, struct nest_pair *n)
{
	n->m = NULL;
	n->k = mnl_attr_nest_start_check(w->kb->nlh, ctf_nlbuf_buflen(w->kb), type);
	if (!n->k)
		return -EMSGSIZE;
	if (w->mb) {
		n->m = mnl_attr_nest_start_check(w->mb->nlh, ctf_nlbuf_buflen(w->mb), type);
		if (!n->m)
			return -EMSGSIZE;
	}
	return 0;
}

static void nest_end(struct key_writer *w, struct nest_pair *n)
{
	mnl_attr_nest_end(w->kb->nlh, n->k);
	if (w->mb)
		mnl_attr_nest_end(w->mb->nlh, n->m);
}

/* Flags are attributes without payload: present in a stream = bit set there. */
static int put_tun_flag(struct key_writer *w, uint16_t type)
{
	uint16_t f = tun_flag_of(type);

	if ((w->k->tun_flags & f) &&
	    !mnl_attr_put_check(w->kb->nlh, ctf_nlbuf_buflen(w->kb), type, 0, NULL))
		return -EMSGSIZE;
	if (w->mb && (w->m->tun_flags & f) &&
	    !mnl_attr_put_check(w->mb->nlh, ctf_nlbuf_buflen(w->mb), type, 0, NULL))
		return -EMSGSIZE;
	return 0;
}

static int put_tunnel(struct key_writer *w, uint32_t present)
{
	struct nest_pair n, v;
	int ret = nest_start(w, OVS_KEY_ATTR_TUNNEL, &n);

	/* The rows' order: that of the kernel's own tunnel dumps. */
	for (const uint8_t *o = ctf_key_enc_orders.tunnel; !ret && *o != CTF_ENC_END; o++) {
		uint16_t t = *o;
		const struct ctf_attr_desc *d = ctf_attr_row(&ctf_tunnel_key_table, t);

		if (tun_flag_of(t)) {
			ret = put_tun_flag(w, t);
			continue;
		}
		if (!(present & CTF_TUN_BIT(t)))
			continue;
		switch (t) {
		case OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS:
			ret = put2(w, t, w->k->geneve_len, w->k->geneve_opts, w->m->geneve_opts);
			break;
		case OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS:
			ret = put2(w, t, w->k->erspan_len, w->k->erspan_opts, w->m->erspan_opts);
			break;
		case OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS:
			ret = nest_start(w, t, &v);
			if (!ret)
				ret = put2(w, OVS_VXLAN_EXT_GBP, 4, &w->k->tun_vxlan_gbp, &w->m->tun_vxlan_gbp);
			if (!ret)
				nest_end(w, &v);
			break;
		default:
			ret = put_field(w, t, d);
			break;
		}
	}
	if (!ret)
		nest_end(w, &n);
	return ret;
}

static int put_nsh(struct key_writer *w)
{
	struct nest_pair n;
	int ret = nest_start(w, OVS_KEY_ATTR_NSH, &n);

	if (!ret)
		ret = put2(w, OVS_NSH_KEY_ATTR_BASE, sizeof(w->k->nsh_base), &w->k->nsh_base, &w->m->nsh_base);
	if (!ret && w->k->nsh_base.mdtype == 1)
		ret = put2(w, OVS_NSH_KEY_ATTR_MD1, sizeof(w->k->nsh_md1), &w->k->nsh_md1, &w->m->nsh_md1);
	if (!ret && w->k->nsh_md2_len)
		ret = put2(w, OVS_NSH_KEY_ATTR_MD2, w->k->nsh_md2_len, w->k->nsh_md2, w->m->nsh_md2);
	if (!ret)
		nest_end(w, &n);
	return ret;
}

/* One attribute by its row: a plain copy, or its kind's own layout. */
static int put_attr(struct key_writer *w, uint16_t t)
{
	const struct ctf_attr_desc *d = ctf_attr_row(&ctf_key_table, t);

	switch (d->kind) {
	case CTF_AK_MPLS: {
		size_t n = w->k->mpls_n ? w->k->mpls_n : 1;

		return put2(w, t, n * 4, w->k->mpls, w->m->mpls);
	}
	case CTF_AK_NSH:
		return put_nsh(w);
	case CTF_AK_TUNNEL:
		return put_tunnel(w, w->k->tun_attrs);
	default:
		return put_field(w, t, d);
	}
}

/* What is inside the innermost encap() (or the outer level without VLAN). */
static int put_inner(struct key_writer *w, uint64_t emit)
{
	int ret = 0;

	for (const uint8_t *o = ctf_key_enc_orders.inner; !ret && *o != CTF_ENC_END; o++)
		if (emit & CTF_KEY_BIT(*o))
			ret = put_attr(w, *o);
	return ret;
}

static int put_vlan_level(struct key_writer *w, uint64_t emit, int depth)
{
	uint64_t vlan_bit = depth ? CTF_KEYB_VLAN1 : CTF_KEY_BIT(OVS_KEY_ATTR_VLAN);
	const struct ctf_vlan_tag *kv = &w->k->vlan[depth], *mv = &w->m->vlan[depth];
	struct nest_pair n;
	int ret;

	if (depth > 1 || !(emit & vlan_bit))
		return put_inner(w, emit);
	ret = put2(w, OVS_KEY_ATTR_ETHERTYPE, 2, &kv->tpid, &mv->tpid);
	if (!ret)
		ret = put2(w, OVS_KEY_ATTR_VLAN, 2, &kv->tci, &mv->tci);
	if (!ret)
		ret = nest_start(w, OVS_KEY_ATTR_ENCAP, &n);
	if (!ret)
		ret = put_vlan_level(w, emit, depth + 1);
	if (!ret)
		nest_end(w, &n);
	return ret;
}

static bool field_nonzero(const struct ctf_flow_key *m, unsigned type)
{
	const struct ctf_attr_desc *d = ctf_attr_row(&ctf_key_table, type);
	const uint8_t *p = (const uint8_t *)m + d->key_off;
	size_t len = ctf_attr_copy_len(d);

	if (type == OVS_KEY_ATTR_MPLS)
		return m->mpls[0] || m->mpls[1] || m->mpls[2];
	if (type == OVS_KEY_ATTR_NSH) {
		static const uint8_t zero[CTF_NSH_MD2_MAX];

		return memcmp(&m->nsh_base, zero, sizeof(m->nsh_base)) ||
		       memcmp(&m->nsh_md1, zero, sizeof(m->nsh_md1)) ||
		       memcmp(m->nsh_md2, zero, sizeof(m->nsh_md2));
	}
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return true;
	return false;
}

#define B(t) CTF_KEY_BIT(OVS_KEY_ATTR_##t)

/*
 * Make the mask one the kernel takes as it is: parents of examined L3/L4
 * fields exact, the always-exact fields exact, ct_state inside known bits.
 */
static void normalize_mask(struct ctf_flow_key *m, const struct ctf_flow_key *key)
{
	uint64_t have = key->attrs;
	bool need_proto = false, need_eth = false;

	for (unsigned t = 1; t <= OVS_KEY_ATTR_MAX; t++) {
		struct ctf_mask_parent p;

		if (!(have & CTF_KEY_BIT(t)) || !field_nonzero(m, t))
			continue;
		p = ctf_key_mask_parent(t, 0);
		need_proto |= p.proto != 0;
		need_eth |= p.eth_type != 0;
	}
	if ((have & B(ND)) && field_nonzero(m, OVS_KEY_ATTR_ND))
		m->icmpv6.icmpv6_type = 0xff;
	if (need_proto) {
		if (key->eth_type == htons(0x86dd))
			m->ipv6.ipv6_proto = 0xff;
		else
			m->ipv4.ipv4_proto = 0xff;
		need_eth = true;
	}
	if (need_eth && (have & B(ETHERTYPE)))
		m->eth_type = 0xffff;
	ctf_key_mask_kernel_tighten(m);
	m->ct_state &= CTF_CS_SUPPORTED_MASK;
}

int ctf_flow_key_to_attrs(const struct ctf_flow_key *key, const struct ctf_flow_key *mask,
			  struct ctf_nlbuf *key_out, struct ctf_nlbuf *mask_out)
{
	/* Both are ~1 KiB; static storage would make this non-reentrant. */
	struct ctf_flow_key m, k;
	struct key_writer w = { key_out, mask_out, &k, &m };
	uint64_t emit;
	int ret = 0;

	if (mask) {
		m = *mask;
		memcpy(&m, key, CTF_KEY_BODY_START);	/* lengths and presence come from the key */
		normalize_mask(&m, key);
	} else {
		ctf_flow_key_mask_exact(&m, key);
	}
	ctf_flow_key_mask_apply(&k, key, &m);
	emit = (key->attrs | ctf_key_expected_attrs(&k)) &
	       ~(CTF_KEYB_UNKNOWN | CTF_KEY_BIT(OVS_KEY_ATTR_ENCAP));
	if (emit & B(MPLS) && !k.mpls_n)
		k.mpls_n = m.mpls_n = 1;

	ctf_nlbuf_reset(key_out);
	if (mask_out)
		ctf_nlbuf_reset(mask_out);

	for (const uint8_t *o = ctf_key_enc_orders.outer; !ret && *o != CTF_ENC_END; o++)
		if (emit & CTF_KEY_BIT(*o))
			ret = put_attr(&w, *o);
	if (!ret)
		ret = put_vlan_level(&w, emit, 0);
	return ret;
}
