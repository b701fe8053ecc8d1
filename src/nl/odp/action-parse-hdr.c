// SPDX-License-Identifier: Apache-2.0
/*
 * Actions that push or rewrite headers: push_vlan, push_mpls, add_mpls,
 * pop_mpls, push_eth, push_nsh, and set(KEY) through the key parser.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>

#include "odp/action-attrs.h"
#include "odp/action-internal.h"
#include "odp/key-attrs.h"
#include "netlink/nla-inline.h"

int ctf_ap_push_vlan(struct ctf_ascan *sc, int depth)
{
	static const struct ctf_num_field f[] = {
		{ "vid", CTF_NUM_AUTO, 4095 }, { "pcp", CTF_NUM_AUTO, 7 },
		{ "cfi", CTF_NUM_AUTO, 1 }, { "tpid", CTF_NUM_AUTO, 0xffff },
	};
	uint64_t v[4] = { 0, 0, 1, 0x8100 };
	struct ovs_action_push_vlan pv;
	int seen;

	seen = ctf_as_fields(sc, "push_vlan", sc->p, f, 4, 0x3, v, "vid=, pcp=, cfi=, tpid=");
	if (seen < 0)
		return seen;
	if (!(seen & 4))
		v[2] = 1;
	if (!(seen & 8))
		v[3] = 0x8100;
	pv.vlan_tpid = htons((uint16_t)v[3]);
	pv.vlan_tci = htons((uint16_t)(v[0] | v[1] << 13 | (v[2] ? 0x1000 : 0)));
	return ctf_as_put(sc, OVS_ACTION_ATTR_PUSH_VLAN, sizeof(pv), &pv);
}

static int put_mpls(struct ctf_ascan *sc, const char *ctx, bool add)
{
	static const struct ctf_num_field f[] = {
		{ "label", CTF_NUM_AUTO, 0xfffff }, { "tc", CTF_NUM_AUTO, 7 },
		{ "ttl", CTF_NUM_AUTO, 255 }, { "bos", CTF_NUM_AUTO, 1 },
		{ "eth_type", CTF_NUM_AUTO, 0xffff }, { "tun_flags", CTF_NUM_AUTO, 0xffff },
	};
	uint64_t v[6] = { 0 };
	uint32_t lse;
	int seen;

	seen = ctf_as_fields(sc, ctx, sc->p, f, add ? 6 : 5, 0x1f, v,
			    add ? "label=, tc=, ttl=, bos=, eth_type=, tun_flags="
				: "label=, tc=, ttl=, bos=, eth_type=");
	if (seen < 0)
		return seen;
	lse = htonl((uint32_t)(v[0] << 12 | v[1] << 9 | v[3] << 8 | v[2]));
	if (add) {
		struct ovs_action_add_mpls m = {
			.mpls_lse = lse, .mpls_ethertype = htons((uint16_t)v[4]),
			.tun_flags = (uint16_t)v[5],
		};

		return ctf_as_put(sc, OVS_ACTION_ATTR_ADD_MPLS, sizeof(m), &m);
	} else {
		struct ovs_action_push_mpls m;

		memset(&m, 0, sizeof(m));
		m.mpls_lse = lse;
		m.mpls_ethertype = htons((uint16_t)v[4]);
		return ctf_as_put(sc, OVS_ACTION_ATTR_PUSH_MPLS, sizeof(m), &m);
	}
}

int ctf_ap_push_mpls(struct ctf_ascan *sc, int depth)
{
	return put_mpls(sc, "push_mpls", false);
}

int ctf_ap_add_mpls(struct ctf_ascan *sc, int depth)
{
	return put_mpls(sc, "add_mpls", true);
}

int ctf_ap_pop_mpls(struct ctf_ascan *sc, int depth)
{
	static const struct ctf_num_field f[] = { { "eth_type", CTF_NUM_AUTO, 0xffff } };
	uint64_t v;
	uint16_t et;
	int seen;

	seen = ctf_as_fields(sc, "pop_mpls", sc->p, f, 1, 1, &v, "eth_type=");
	if (seen < 0)
		return seen;
	et = htons((uint16_t)v);
	return ctf_as_put(sc, OVS_ACTION_ATTR_POP_MPLS, sizeof(et), &et);
}

static int scan_mac(struct ctf_ascan *sc, const char *what, uint8_t mac[6])
{
	const char *at = sc->p;

	for (int i = 0; i < 6; i++) {
		uint64_t b;
		struct ctf_ascan one = *sc;

		if (i && !ctf_as_char_fast(sc, ':'))
			goto bad;
		one.p = sc->p;
		if (ctf_as_u64(&one, what, CTF_NUM_HEX, 0xff, &b) || one.p - sc->p > 2 ||
		    (sc->p[0] == '0' && (sc->p[1] | 0x20) == 'x'))
			goto bad;
		sc->p = one.p;
		mac[i] = (uint8_t)b;
	}
	return 0;
bad:
	return ctf_as_err(sc, at, "%s needs an Ethernet address xx:xx:xx:xx:xx:xx, got `%.*s'",
			  what, (int)strcspn(at, ",)"), at);
}

int ctf_ap_push_eth(struct ctf_ascan *sc, int depth)
{
	struct ovs_action_push_eth pe;
	const char *start = sc->p;
	unsigned seen = 0;
	bool done = false;
	int err;

	while (!done) {
		const char *at = sc->p;

		if (ctf_as_word(sc, "src") && ctf_as_char_fast(sc, '=')) {
			err = ctf_as_dup_field(sc, at, "push_eth", 1, &seen) ?:
			      scan_mac(sc, "push_eth src", pe.addresses.eth_src);
		} else if ((sc->p = at, ctf_as_word(sc, "dst")) && ctf_as_char_fast(sc, '=')) {
			err = ctf_as_dup_field(sc, at, "push_eth", 2, &seen) ?:
			      scan_mac(sc, "push_eth dst", pe.addresses.eth_dst);
		} else {
			sc->p = at;
			return ctf_as_unknown_field(sc, "push_eth", "src=, dst=");
		}
		err = err ?: ctf_as_next_field(sc, "push_eth", &done);
		if (err)
			return err;
	}
	if (seen != 3)
		return ctf_as_missing_field(sc, start, "push_eth", seen & 1 ? "dst=" : "src=");
	return ctf_as_put(sc, OVS_ACTION_ATTR_PUSH_ETH, sizeof(pe), &pe);
}

int ctf_ap_push_nsh(struct ctf_ascan *sc, int depth)
{
	static const struct ctf_num_field f[] = {
		{ "flags", CTF_NUM_AUTO, 0xff }, { "ttl", CTF_NUM_AUTO, 63 },
		{ "mdtype", CTF_NUM_AUTO, 2 }, { "np", CTF_NUM_AUTO, 0xff },
		{ "spi", CTF_NUM_AUTO, 0xffffff }, { "si", CTF_NUM_AUTO, 0xff },
		{ "c1", CTF_NUM_AUTO, UINT32_MAX }, { "c2", CTF_NUM_AUTO, UINT32_MAX },
		{ "c3", CTF_NUM_AUTO, UINT32_MAX }, { "c4", CTF_NUM_AUTO, UINT32_MAX },
	};
	/* OVS's defaults: ttl 63, MD type 1, next protocol Ethernet, si 255. */
	uint64_t v[10] = { 0, 63, 1, 3, 0, 255, 0, 0, 0, 0 };
	const char *start = sc->p;
	uint8_t md2[248];
	size_t md2_len = 0;
	unsigned seen = 0;
	bool done = false, has_md2 = false;
	struct ovs_nsh_key_base base;
	struct nlattr *nest;
	int err;

	while (!done) {
		const char *at = sc->p;
		uint64_t x;
		unsigned i;

		err = -ENOENT;
		if (ctf_as_word(sc, "md2") && ctf_as_char_fast(sc, '=')) {
			if (has_md2)
				return ctf_as_err(sc, at, "field `md2' given twice in push_nsh()");
			has_md2 = true;
			if (!ctf_as_char_fast(sc, '0') || !(ctf_as_char_fast(sc, 'x') || ctf_as_char_fast(sc, 'X')))
				return ctf_as_err(sc, at, "push_nsh md2 needs 0x and hex bytes");
			err = ctf_as_hex_bytes(sc, "push_nsh md2", md2, sizeof(md2), &md2_len);
		} else {
			for (i = 0; i < 10 && err == -ENOENT; i++) {
				sc->p = at;
				err = ctf_as_field_u64(sc, f[i].name, f[i].base, f[i].max, &x);
			}
			if (err == -ENOENT) {
				sc->p = at;
				return ctf_as_unknown_field(sc, "push_nsh", "flags=, ttl=, mdtype=, np=, spi=, "
						     "si=, c1=..c4= (MD type 1), md2=0xHEX (MD type 2)");
			}
			if (!err) {
				err = ctf_as_dup_field(sc, at, "push_nsh", 1u << i, &seen);
				v[i - 1] = x;
			}
		}
		err = err ?: ctf_as_next_field(sc, "push_nsh", &done);
		if (err)
			return err;
	}
	if (v[2] == 0)
		return ctf_as_err(sc, start, "push_nsh mdtype must be 1 or 2");
	if ((v[2] == 1 && has_md2) || (v[2] == 2 && (seen & (0xfu << 7)))) {
		ctf_as_err(sc, start, "push_nsh: c1..c4 go with mdtype=1, md2= with mdtype=2");
		return -EINVAL;
	}
	base.flags = (uint8_t)v[0];
	base.ttl = (uint8_t)v[1];
	base.mdtype = (uint8_t)v[2];
	base.np = (uint8_t)v[3];
	base.path_hdr = htonl((uint32_t)(v[4] << 8 | v[5]));
	nest = ctf_as_nest_start(sc, OVS_ACTION_ATTR_PUSH_NSH);
	if (!nest || ctf_as_put(sc, OVS_NSH_KEY_ATTR_BASE, sizeof(base), &base))
		return ctf_as_too_long(sc);
	if (v[2] == 1) {
		struct ovs_nsh_key_md1 md1;

		for (int i = 0; i < 4; i++)
			md1.context[i] = htonl((uint32_t)v[6 + i]);
		err = ctf_as_put(sc, OVS_NSH_KEY_ATTR_MD1, sizeof(md1), &md1);
	} else if (has_md2) {
		err = ctf_as_put(sc, OVS_NSH_KEY_ATTR_MD2, md2_len, md2);
	}
	return err ?: ctf_as_nest_end(sc, nest);
}

/* True if every byte is 0xff. */
static bool all_ones(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0xff)
			return false;
	return true;
}

/*
 * set(KEY): one key attribute. A mask that is not all-ones makes it a
 * SET_MASKED whose payload is value || mask, as the kernel wants; nested keys
 * (tunnel, encap, nsh) cannot be masked and are parsed without a mask.
 */
int ctf_ap_set(struct ctf_ascan *sc, int depth)
{
	/* Scratch streams on the stack: one key attribute each. */
	uint32_t kbuf[(CTF_NLMSG_HDRLEN + 4096) / 4], mbuf[(CTF_NLMSG_HDRLEN + 4096) / 4];
	struct ctf_nlbuf key = { (struct nlmsghdr *)kbuf, sizeof(kbuf) };
	struct ctf_nlbuf mask = { (struct nlmsghdr *)mbuf, sizeof(mbuf) };
	const char *at = sc->p, *p;
	const struct nlattr *k, *m;
	unsigned int type;
	bool nested;
	int err;

	mnl_nlmsg_put_header(key.nlh);
	mnl_nlmsg_put_header(mask.nlh);
	nested = false;
	if (ctf_key_attr_by_name(sc->p, ctf_as_word_len(sc->p), &type)) {
		const struct ctf_attr_desc *d = ctf_attr_row(&ctf_key_table, type);

		nested = d && d->len == CTF_LEN_NESTED;
	}
	p = sc->p;
	err = ctf_key_parse_one(&p, sc->ports, &key, nested ? NULL : &mask, sc->err);
	if (err)
		return err;
	sc->p = p;
	err = ctf_as_expect(sc, ')', "set()");
	if (err)
		return err;
	k = ctf_nlbuf_data(&key);
	m = ctf_nlbuf_data(&mask);
	if (ctf_nlbuf_len(&key) < CTF_NLA_HDRLEN)
		return ctf_as_err(sc, at, "set() needs one key attribute");
	if (nested || ctf_nlbuf_len(&mask) < CTF_NLA_HDRLEN ||
	    all_ones(mnl_attr_get_payload(m), mnl_attr_get_payload_len(m))) {
		/*
		 * The kernel wants the SET payload to be exactly
		 * nla_total_size() of the key: include its padding, zeroed
		 * (it lies inside kbuf, whose size is a multiple of 4).
		 */
		size_t klen = mnl_attr_get_len(k);

		memset((char *)kbuf + CTF_NLMSG_HDRLEN + klen, 0, CTF_NLA_ALIGN(klen) - klen);
		return ctf_as_put(sc, OVS_ACTION_ATTR_SET, CTF_NLA_ALIGN(klen), k);
	}
	if (mnl_attr_get_payload_len(m) != mnl_attr_get_payload_len(k)) {
		ctf_as_err(sc, at, "set() with a partial mask is not possible for this key");
		return -EINVAL;
	}
	{
		struct nlattr *outer = ctf_as_nest_start(sc, OVS_ACTION_ATTR_SET_MASKED);
		struct nlattr *inner;
		size_t n = mnl_attr_get_payload_len(k);

		if (!outer)
			return ctf_as_too_long(sc);
		outer->nla_type = OVS_ACTION_ATTR_SET_MASKED;
		inner = ctf_as_nest_start(sc, mnl_attr_get_type(k));
		if (!inner)
			return ctf_as_too_long(sc);
		inner->nla_type = mnl_attr_get_type(k);
		/*
		 * The value as written, then the mask. Value bits outside the
		 * mask are kept so the text round-trips as in OVS; the kernel
		 * refuses them and so does validate.c, with a hint.
		 */
		uint8_t *dst = mnl_nlmsg_get_payload_tail(sc->nlh);
		if (sc->nlh->nlmsg_len + CTF_NLA_ALIGN(2 * n) > sc->buflen)
			return ctf_as_too_long(sc);
		memcpy(dst, mnl_attr_get_payload(k), n);
		memcpy(dst + n, mnl_attr_get_payload(m), n);
		memset(dst + 2 * n, 0, CTF_NLA_ALIGN(2 * n) - 2 * n);
		sc->nlh->nlmsg_len += (uint32_t)CTF_NLA_ALIGN(2 * n);
		mnl_attr_nest_end(sc->nlh, inner);
		inner->nla_len = (uint16_t)(CTF_NLA_HDRLEN + 2 * n);
		return ctf_as_nest_end(sc, outer);
	}
}
