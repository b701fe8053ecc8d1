// SPDX-License-Identifier: Apache-2.0
/*
 * OVS_KEY_ATTR_* key + mask streams -> flow key text, as ovs-dpctl prints it
 * (flow-syntax.md §4.3/§4.4): attributes in stream order, fields in the
 * order of their key-attrs.c rows; non-verbose hides what is wildcarded.
 * Everything read from the kernel is length-checked before use: a known
 * attribute with an unexpected length, or an unknown one, is printed as raw
 * "keyN(hex/hex)" so nothing is ever dropped.
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/erspan.h>

#include "odp/key-attrs.h"
#include "odp/key-internal.h"
#include "netlink/nla-inline.h"

struct kf {
	const struct ctf_portmap *ports;
	unsigned int flags;
	struct ctf_str *out;
	bool verbose;
};

/* Mask bytes for one attribute: exact (NULL mask), absent, or given. */
#define KF_MAXLEN 512
static const uint8_t zeros[KF_MAXLEN];

static inline bool all_bytes(const uint8_t *p, size_t n, uint8_t b)
{
	/*
	 * Eight bytes per test, then four: every attribute and address field
	 * asks this, and most masks are 4, 12 or 16 bytes long.
	 */
	const uint64_t word = b * 0x0101010101010101ull;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		if (w != word)
			return false;
	}
	if (i + 4 <= n) {
		uint32_t w;

		memcpy(&w, p + i, 4);
		if (w != (uint32_t)word)
			return false;
		i += 4;
	}
	for (; i < n; i++)
		if (p[i] != b)
			return false;
	return true;
}

/* ctf_key_attr_desc(), inline: looked up for every attribute of every key. */
static inline const struct ctf_attr_desc *key_desc(unsigned int type)
{
	const struct ctf_attr_desc *d;

	if (type > OVS_KEY_ATTR_MAX || type > ctf_key_table.max_type)
		return NULL;
	d = &ctf_key_table.attrs[type];
	return d->name ? d : NULL;
}

/*
 * A name from the tables (attribute, field, flag) followed by @sep (none if
 * 0). Names are short: copied inline, where ctf_str_puts_fast() on a string
 * that is not a literal costs a strlen and a memcpy call; a dozen per flow.
 */
#define NAME_ROOM 32
static inline void put_name(struct ctf_str *out, const char *name, char sep)
{
	char *p = ctf_str_room(out, NAME_ROOM + 1);
	size_t n = 0;

	while (n < NAME_ROOM && name[n]) {
		p[n] = name[n];
		n++;
	}
	if (name[n]) {	/* never for our tables; kept correct anyway */
		ctf_str_commit(out, n);
		ctf_str_puts(out, name + n);
		n = 0;
		p = ctf_str_room(out, 1);
	}
	if (sep)
		p[n++] = sep;
	ctf_str_commit(out, n);
}

/* ds_put_hex style: 0x + first non-zero byte unpadded + %02x; zero is "0". */
static void put_hex_bytes(struct ctf_str *out, const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i < n && !p[i])
		i++;
	if (i == n) {
		ctf_str_putc_fast(out, '0');
		return;
	}
	ctf_str_puts_fast(out, "0x");
	ctf_str_put_xdigits(out, p[i++], 1);
	for (; i < n; i++)
		ctf_str_put_xdigits(out, p[i], 2);
}

static void label_to_be(uint8_t be[16], const uint8_t *host)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	for (int i = 0; i < 16; i++)
		be[i] = host[15 - i];
#else
	memcpy(be, host, 16);
#endif
}

static void put_eth(struct ctf_str *out, const uint8_t *a)
{
	ctf_str_put_eth(out, a);
}

static void put_ipv4(struct ctf_str *out, const uint8_t *a)
{
	ctf_str_put_ipv4(out, a);
}

static void put_ipv6(struct ctf_str *out, const uint8_t *a)
{
	ctf_str_put_ipv6(out, a);
}

static void put_hex(struct ctf_str *out, uint64_t v)
{
	ctf_str_put_hex(out, v);
}

static const char *const frag_names[] = { "no", "first", "later" };

/*
 * One field: "name=value[/mask]," (name omitted for scalars). Hidden in
 * non-verbose output when its mask is zero.
 */
static void put_field(struct kf *kf, const struct ctf_field_desc *fd, const uint8_t *k,
		      const uint8_t *m, bool named)
{
	struct ctf_str *out = kf->out;
	const uint8_t *kp = k + fd->offset, *mp = m + fd->offset;
	uint64_t v, mv, max;

	switch (fd->style) {
	case CTF_FS_ETH:
	case CTF_FS_IPV4:
	case CTF_FS_IPV6: {
		size_t n = fd->size;

		if (!kf->verbose && all_bytes(mp, n, 0))
			return;
		if (named) {
			/* puts+putc, not printf: this runs for every address field. */
			put_name(out, fd->name, '=');
		}
		for (int pass = 0; pass < 2; pass++) {
			const uint8_t *p = pass ? mp : kp;

			if (pass) {
				if (all_bytes(mp, n, 0xff))
					break;
				ctf_str_putc_fast(out, '/');
			}
			if (fd->style == CTF_FS_ETH)
				put_eth(out, p);
			else if (fd->style == CTF_FS_IPV4)
				put_ipv4(out, p);
			else
				put_ipv6(out, p);
		}
		ctf_str_putc_fast(out, ',');
		return;
	}
	default:
		break;
	}

	v = ctf_field_get(k, fd);
	mv = ctf_field_get(m, fd);
	max = ctf_field_max(fd);
	switch (fd->style) {
	case CTF_FS_FRAG:
		/* Never "/mask", and nothing at all when wildcarded, even verbose. */
		if (!mv)
			return;
		if (named) {
			put_name(out, fd->name, '=');
		}
		if (mv != max)
			ctf_str_printf(out, "error: partial mask not supported for frag (%#llx)",
				       (unsigned long long)mv);
		else if (v < 3)
			put_name(out, frag_names[v], 0);
		else
			ctf_str_printf(out, "<error: unknown frag type %llu>",
				       (unsigned long long)v);
		ctf_str_putc_fast(out, ',');
		return;
	case CTF_FS_CFI:
		if (!v) {
			put_name(out, fd->name, 0);
			ctf_str_puts_fast(out, "=0,");
		}
		return;
	default:
		break;
	}
	if (!kf->verbose && !mv)
		return;
	if (named) {
		put_name(out, fd->name, '=');
	}
	switch (fd->style) {
	case CTF_FS_HEX:
		put_hex(out, v);
		break;
	case CTF_FS_HEX_0X:
		ctf_str_puts_fast(out, "0x");
		ctf_str_put_xdigits(out, v, 1);
		break;
	case CTF_FS_DEC_0X:
		ctf_str_put_dec(out, v);
		if (mv != max) {
			ctf_str_puts_fast(out, "/0x");
			ctf_str_put_xdigits(out, mv, 1);
		}
		ctf_str_putc_fast(out, ',');
		return;
	case CTF_FS_ETHTYPE:
		ctf_str_puts_fast(out, "0x");
		ctf_str_put_xdigits(out, v, 4);
		if (mv != max) {
			ctf_str_puts_fast(out, "/0x");
			ctf_str_put_xdigits(out, mv, 4);
		}
		ctf_str_putc_fast(out, ',');
		return;
	case CTF_FS_PORT: {
		const char *name = NULL;

		if (mv == max && v <= UINT32_MAX && kf->flags & CTF_FMT_NAMES && kf->ports)
			name = ctf_portmap_lookup_no(kf->ports, (uint32_t)v);
		if (name)
			ctf_str_puts_fast(out, name);
		else
			ctf_str_put_dec(out, v);
		break;
	}
	default:
		ctf_str_put_dec(out, v);
		break;
	}
	if (mv != max) {
		ctf_str_putc_fast(out, '/');
		put_hex(out, mv);
	}
	ctf_str_putc_fast(out, ',');
}

static void put_fields(struct kf *kf, const struct ctf_field_desc *fields, unsigned int n,
		       const uint8_t *k, const uint8_t *m)
{
	for (unsigned int i = 0; i < n; i++)
		put_field(kf, &fields[i], k, m, true);
	ctf_str_chomp_fast(kf->out, ',');
}

/*
 * keyN(hex[/hex]): what we cannot or must not interpret, as ovs-dpctl prints
 * it (format_unknown_key): bytes as %02x separated by spaces, and the mask
 * whenever there is a mask stream (@m not NULL; absent = zeros).
 */
static void put_raw(struct kf *kf, unsigned int type, const uint8_t *k, size_t klen,
		    const uint8_t *m, size_t mlen, const char *prefix)
{
	struct ctf_str *out = kf->out;

	ctf_str_printf(out, "%s%u(", prefix, type);
	for (size_t i = 0; i < klen; i++)
		ctf_str_printf(out, i ? " %02x" : "%02x", k[i]);
	if (m) {
		ctf_str_putc_fast(out, '/');
		for (size_t i = 0; i < mlen; i++)
			ctf_str_printf(out, i ? " %02x" : "%02x", m[i]);
	}
	ctf_str_putc_fast(out, ')');
}

/* ---- flags ------------------------------------------------------------- */

static const char *const tcp_flag_names[] = {
	"fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns",
};

static const char *const tun_flag_names[] = { "oam", "df", "csum", "key" };

static void put_flag_name(struct ctf_str *out, const char *const *names, unsigned int n,
			  unsigned int bit)
{
	if (bit < n)
		put_name(out, names[bit], 0);
	else
		ctf_str_printf(out, "0x%x", 1u << bit);
}

/* Exact: names joined by '|' ("0" if none). Masked: +name/-name per mask bit. */
static void put_flags(struct ctf_str *out, const char *const *names, unsigned int n,
		      uint32_t v, uint32_t m, bool exact)
{
	if (exact) {
		bool first = true;

		if (!v) {
			ctf_str_putc_fast(out, '0');
			return;
		}
		/* Set bits lowest first, found with ctz rather than 32 tests. */
		for (uint32_t rest = v; rest; rest &= rest - 1) {
			unsigned int b = (unsigned int)__builtin_ctz(rest);

			if (!first)
				ctf_str_putc_fast(out, '|');
			put_flag_name(out, names, n, b);
			first = false;
		}
		return;
	}
	/* A masked bit without a name has no +name/-name form: value/mask, which parses back. */
	if (n < 32 && (m >> n)) {
		put_hex(out, v & m);
		ctf_str_putc_fast(out, '/');
		put_hex(out, m);
		return;
	}
	for (uint32_t rest = m; rest; rest &= rest - 1) {
		unsigned int b = (unsigned int)__builtin_ctz(rest);

		ctf_str_putc_fast(out, v & (1u << b) ? '+' : '-');
		put_flag_name(out, names, n, b);
	}
}

static void put_ct_state(struct kf *kf, uint32_t v, uint32_t m)
{
	static const char *const names[] = { "new", "est", "rel", "rpl",
					     "inv", "trk", "snat", "dnat" };

	if (kf->verbose) {
		put_hex(kf->out, v);
		if (m != 0xffffffffu) {
			ctf_str_putc_fast(kf->out, '/');
			put_hex(kf->out, m);
		}
		return;
	}
	put_flags(kf->out, names, 8, v, m, m == 0xffffffffu);
}

/* ---- nested: tunnel ------------------------------------------------------ */

/* Find attribute @type in a nested mask stream (NULL when absent). */
static const struct nlattr *find_attr(const void *data, size_t len, unsigned int type)
{
	const struct nlattr *attr;

	if (!data)
		return NULL;
	ctf_nla_for_each_in(attr, data, len) {
		if (ctf_nla_type(attr) == type)
			return attr;
	}
	return NULL;
}

/*
 * The mask bytes for a key payload of @len: all-ones when the whole stream
 * is exact, zeros when the mask stream lacks the attribute, else its bytes
 * (short ones padded with zeros into @buf).
 */
static inline const uint8_t *mask_bytes(bool exact, const struct nlattr *ma, size_t len, uint8_t *buf)
{
	if (exact) {
		memset(buf, 0xff, len);
		return buf;
	}
	if (!ma)
		return zeros;
	if (ctf_nla_len(ma) >= len)
		return ctf_nla_data(ma);
	memset(buf, 0, len);
	memcpy(buf, ctf_nla_data(ma), ctf_nla_len(ma));
	return buf;
}

static void put_geneve(struct kf *kf, const uint8_t *k, size_t klen, const uint8_t *m,
		       size_t mlen)
{
	static const struct ctf_field_desc fclass = { .name = "class", .size = 2,
						      .style = CTF_FS_HEX };
	static const struct ctf_field_desc ftype = { .name = "type", .offset = 2, .size = 1,
						     .style = CTF_FS_HEX };
	struct ctf_str *out = kf->out;
	size_t off = 0;

	ctf_str_puts_fast(out, "geneve(");
	while (off + 4 <= klen) {
		size_t dlen = (k[off + 3] & 0x1f) * 4;
		uint8_t mb[4 + 124];
		const uint8_t *mo;
		uint8_t lm;

		if (off + 4 + dlen > klen)
			break;
		memset(mb, 0, sizeof(mb));
		if (off < mlen)
			memcpy(mb, m + off, mlen - off < 4 + dlen ? mlen - off : 4 + dlen);
		mo = mb;
		ctf_str_putc_fast(out, '{');
		put_field(kf, &fclass, k + off, mo, true);
		put_field(kf, &ftype, k + off, mo, true);
		/* A length mask of 0x1f is exact; anything else prints raw. */
		lm = mo[3];
		if (kf->verbose || lm) {
			ctf_str_printf(out, "len=%zu", dlen);
			if (lm != 0x1f && lm != 0xff) {
				ctf_str_putc_fast(out, '/');
				put_hex(out, lm);
			}
			ctf_str_putc_fast(out, ',');
		}
		if (dlen && (kf->verbose || !all_bytes(mo + 4, dlen, 0))) {
			put_hex_bytes(out, k + off + 4, dlen);
			if (!all_bytes(mo + 4, dlen, 0xff)) {
				ctf_str_putc_fast(out, '/');
				put_hex_bytes(out, mo + 4, dlen);
			}
		}
		ctf_str_chomp_fast(out, ',');
		ctf_str_putc_fast(out, '}');
		off += 4 + dlen;
	}
	ctf_str_puts_fast(out, "),");
}

static void put_vxlan(struct kf *kf, const struct nlattr *a, const struct nlattr *ma,
		      bool exact)
{
	static const struct ctf_field_desc gbp[] = {
		{ .name = "id", .size = 4, .bits = 16, .style = CTF_FS_DEC, .host_order = 1 },
		{ .name = "flags", .size = 4, .bits = 8, .shift = 16, .style = CTF_FS_HEX,
		  .host_order = 1 },
	};
	const struct nlattr *g = find_attr(ctf_nla_data(a), ctf_nla_len(a),
					   OVS_VXLAN_EXT_GBP);
	const struct nlattr *gm = ma ? find_attr(ctf_nla_data(ma),
						 ctf_nla_len(ma),
						 OVS_VXLAN_EXT_GBP) : NULL;
	uint8_t buf[4];

	ctf_str_puts_fast(kf->out, "vxlan(");
	if (g && ctf_nla_len(g) == 4) {
		ctf_str_puts_fast(kf->out, "gbp(");
		put_fields(kf, gbp, 2, ctf_nla_data(g), mask_bytes(exact, gm, 4, buf));
		ctf_str_putc_fast(kf->out, ')');
	}
	ctf_str_puts_fast(kf->out, "),");
}

static void put_erspan(struct kf *kf, const uint8_t *k, const uint8_t *m, bool exact)
{
	struct erspan_metadata ek, em;
	uint8_t v[8] = { 0 }, mk[8] = { 0 };
	static const struct ctf_field_desc ef[] = {
		{ .name = "ver", .size = 1, .style = CTF_FS_DEC },
		{ .name = "dir", .offset = 5, .size = 1, .bits = 1, .style = CTF_FS_DEC },
		{ .name = "hwid", .offset = 6, .size = 1, .bits = 6, .style = CTF_FS_HEX },
	};
	uint32_t idx, idxm;

	memcpy(&ek, k, sizeof(ek));
	memcpy(&em, m, sizeof(em));
	v[0] = (uint8_t)ek.version;
	mk[0] = (uint8_t)em.version;
	ctf_str_puts_fast(kf->out, "erspan(");
	put_field(kf, &ef[0], v, mk, true);
	if (ek.version == 1) {
		idx = ntohl(ek.u.index);
		idxm = ntohl(em.u.index);
		/* ovs-dpctl prints idx=V/M whenever there is a mask stream,
		 * even an exact one, and never hides it. */
		ctf_str_puts_fast(kf->out, "idx=");
		put_hex(kf->out, idx);
		if (!exact) {
			ctf_str_putc_fast(kf->out, '/');
			put_hex(kf->out, idxm);
		}
		ctf_str_putc_fast(kf->out, ',');
	} else if (ek.version == 2) {
		v[5] = ek.u.md2.dir;
		mk[5] = em.u.md2.dir;
		v[6] = (uint8_t)(ek.u.md2.hwid_upper << 4 | ek.u.md2.hwid);	/* 6 bits */
		mk[6] = (uint8_t)(em.u.md2.hwid_upper << 4 | em.u.md2.hwid);
		put_field(kf, &ef[1], v, mk, true);
		put_field(kf, &ef[2], v, mk, true);
	}
	ctf_str_chomp_fast(kf->out, ',');
	ctf_str_puts_fast(kf->out, "),");
}

static void put_tunnel(struct kf *kf, const struct nlattr *attr, const struct nlattr *mattr,
		       bool exact)
{
	const void *md = mattr ? ctf_nla_data(mattr) : NULL;
	size_t mlen = mattr ? ctf_nla_len(mattr) : 0;
	uint32_t fv = 0, fm = exact ? CTF_TNL_F_ALL : 0;
	const struct nlattr *a;
	struct ctf_str *out = kf->out;

	ctf_nla_for_each_nested(a, attr) {
		unsigned int type = ctf_nla_type(a);
		const struct ctf_attr_desc *d = ctf_tunnel_key_attr_desc(type);
		const struct nlattr *ma = exact ? NULL : find_attr(md, mlen, type);
		const uint8_t *k = ctf_nla_data(a);
		size_t len = ctf_nla_len(a);
		uint8_t buf[KF_MAXLEN];

		if (!d || (d->len >= 0 && (size_t)d->len != len) || len > 256) {
			put_raw(kf, type, k, len,
				exact ? NULL : (ma ? ctf_nla_data(ma) : zeros),
				ma ? ctf_nla_len(ma) : (exact ? 0 : len), "tun_attr");
			ctf_str_putc_fast(out, ',');
			continue;
		}
		switch (type) {
		case OVS_TUNNEL_KEY_ATTR_ID:
			fv |= CTF_TNL_F_KEY;
			/* As ovs-dpctl: with a mask stream the key flag counts as masked. */
			fm |= CTF_TNL_F_KEY;
			put_field(kf, d->fields, k, mask_bytes(exact, ma, len, buf), true);
			break;
		case OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT:
			fv |= CTF_TNL_F_DF;
			break;
		case OVS_TUNNEL_KEY_ATTR_CSUM:
			fv |= CTF_TNL_F_CSUM;
			break;
		case OVS_TUNNEL_KEY_ATTR_OAM:
			fv |= CTF_TNL_F_OAM;
			break;
		case OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS: {
			const uint8_t *m = mask_bytes(exact, ma, len, buf);

			put_geneve(kf, k, len, m, len);
			break;
		}
		case OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS:
			put_vxlan(kf, a, ma, exact);
			break;
		case OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS:
			put_erspan(kf, k, mask_bytes(exact, ma, len, buf), exact);
			break;
		case OVS_TUNNEL_KEY_ATTR_IPV4_INFO_BRIDGE:
			ctf_str_puts_fast(out, "info_bridge,");
			break;
		default:
			put_field(kf, d->fields, k, mask_bytes(exact, ma, len, buf), true);
			break;
		}
	}
	if (!exact && mattr) {
		ctf_nla_for_each_nested(a, mattr) {
			switch (ctf_nla_type(a)) {
			case OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT:
				fm |= CTF_TNL_F_DF;
				break;
			case OVS_TUNNEL_KEY_ATTR_CSUM:
				fm |= CTF_TNL_F_CSUM;
				break;
			case OVS_TUNNEL_KEY_ATTR_OAM:
				fm |= CTF_TNL_F_OAM;
				break;
			case OVS_TUNNEL_KEY_ATTR_ID:
				fm |= CTF_TNL_F_KEY;
				break;
			}
		}
	}
	if (kf->verbose || fm) {
		ctf_str_puts_fast(out, "flags(");
		if (!fm)
			ctf_str_puts_fast(out, "0/0");
		else
			put_flags(out, tun_flag_names, 4, fv, fm,
				  (fm & CTF_TNL_F_ALL) == CTF_TNL_F_ALL);
		ctf_str_puts_fast(out, "),");
	}
	ctf_str_chomp_fast(out, ',');
}

/* ---- nested: nsh --------------------------------------------------------- */

/* One NSH field in ovs-dpctl's masked style: hidden when the mask is zero,
 * "%u" (8-bit) or "0x%x" (32-bit) when exact, else "0x%02x/0x%02x" or
 * "0x%x/0x%08x". */
static void put_nsh_masked(struct ctf_str *out, const char *name, uint32_t v, uint32_t m,
			   bool wide)
{
	uint32_t full = wide ? 0xffffffffu : 0xffu;

	if (!m)
		return;
	if (m == full)
		ctf_str_printf(out, wide ? "%s=0x%x," : "%s=%u,", name, v);
	else if (wide)
		ctf_str_printf(out, "%s=0x%x/0x%08x,", name, v, m);
	else
		ctf_str_printf(out, "%s=0x%02x/0x%02x,", name, v, m);
}

static void put_nsh(struct kf *kf, const struct nlattr *attr, const struct nlattr *mattr,
		    bool exact)
{
	const void *md = mattr ? ctf_nla_data(mattr) : NULL;
	size_t mlen = mattr ? ctf_nla_len(mattr) : 0;
	struct ovs_nsh_key_base b = { 0 }, bm;
	struct ovs_nsh_key_md1 c = { { 0 } }, cm;
	const uint8_t *md2 = NULL;
	size_t md2len = 0;
	bool has_md1 = false;
	const struct nlattr *a;
	struct ctf_str *out = kf->out;

	/* Like ovs-dpctl: a mask attribute that is absent counts as exact. */
	memset(&bm, 0xff, sizeof(bm));
	memset(&cm, 0xff, sizeof(cm));
	ctf_nla_for_each_nested(a, attr) {
		unsigned int type = ctf_nla_type(a);
		const struct ctf_attr_desc *d = ctf_nsh_key_attr_desc(type);
		const struct nlattr *ma = exact ? NULL : find_attr(md, mlen, type);
		const uint8_t *k = ctf_nla_data(a);
		size_t len = ctf_nla_len(a);

		if (!d || (d->len >= 0 && (size_t)d->len != len) || len > 256 ||
		    (ma && d->len >= 0 && ctf_nla_len(ma) != len)) {
			put_raw(kf, type, k, len, ma ? ctf_nla_data(ma) : NULL,
				ma ? ctf_nla_len(ma) : 0, "nsh_attr");
			ctf_str_putc_fast(out, ',');
			continue;
		}
		if (type == OVS_NSH_KEY_ATTR_BASE) {
			memcpy(&b, k, sizeof(b));
			if (ma)
				memcpy(&bm, ctf_nla_data(ma), sizeof(bm));
		} else if (type == OVS_NSH_KEY_ATTR_MD1) {
			memcpy(&c, k, sizeof(c));
			if (ma)
				memcpy(&cm, ctf_nla_data(ma), sizeof(cm));
			has_md1 = true;
		} else {
			md2 = k;
			md2len = len;
		}
	}
	if (!exact && mattr) {
		uint32_t path = ntohl(b.path_hdr), pathm = ntohl(bm.path_hdr);
		uint32_t spim = pathm >> 8;

		put_nsh_masked(out, "flags", b.flags, bm.flags, false);
		put_nsh_masked(out, "ttl", b.ttl, bm.ttl, false);
		put_nsh_masked(out, "mdtype", b.mdtype, bm.mdtype, false);
		put_nsh_masked(out, "np", b.np, bm.np, false);
		put_nsh_masked(out, "spi", path >> 8, spim == 0xffffff ? 0xffffffffu : spim, true);
		put_nsh_masked(out, "si", path & 0xff, pathm & 0xff, false);
		/*
		 * Without MD1 the context words print as ovs-dpctl prints them for
		 * MD types 1 and 2 (zeros); for another type they would parse back
		 * as an MD1 attribute the key does not have.
		 */
		for (int i = 0; i < 4 && (has_md1 || b.mdtype == 1 || b.mdtype == 2); i++) {
			char name[4] = { 'c', (char)('1' + i), 0, 0 };

			put_nsh_masked(out, name, ntohl(c.context[i]), ntohl(cm.context[i]), true);
		}
	} else {
		uint32_t path = ntohl(b.path_hdr);

		ctf_str_printf(out, "flags=%u,ttl=%u,mdtype=%u,np=%u,spi=0x%x,si=%u,", b.flags,
			       b.ttl, b.mdtype, b.np, path >> 8, path & 0xff);
		if (b.mdtype == 1 || has_md1)
			for (int i = 0; i < 4; i++)
				ctf_str_printf(out, "c%d=0x%x,", i + 1, ntohl(c.context[i]));
	}
	/* ovs-dpctl does not show MD2; we do rather than drop it. */
	if (md2len) {
		ctf_str_puts_fast(out, "md2=0x");
		for (size_t i = 0; i < md2len; i++)
			ctf_str_printf(out, "%02x", md2[i]);
		ctf_str_putc_fast(out, ',');
	}
	ctf_str_chomp_fast(out, ',');
}

/* ---- one attribute ------------------------------------------------------- */

static void format_stream(struct kf *kf, const void *key, size_t key_len, const void *mask,
			  size_t mask_len, bool exact);

/*
 * MPLS: one or more LSEs, "label=,tc=,ttl=,bos=" each. When the mask is not
 * exact every field carries one, in ovs-dpctl's uneven spelling: label and
 * ttl masks as 0x%x, tc and bos masks as bare %x.
 */
static void put_mpls(struct kf *kf, const struct ctf_attr_desc *d, const uint8_t *k,
		     const uint8_t *m, size_t len, bool mask_exact)
{
	for (size_t off = 0; off + 4 <= len; off += 4) {
		for (unsigned int i = 0; i < d->n_fields && i < 4; i++) {
			const struct ctf_field_desc *fd = &d->fields[i];

			ctf_str_printf(kf->out, "%s=%llu", fd->name,
				       (unsigned long long)ctf_field_get(k + off, fd));
			if (!mask_exact)
				ctf_str_printf(kf->out, i % 2 ? "/%llx" : "/0x%llx",
					       (unsigned long long)ctf_field_get(m + off, fd));
			ctf_str_putc_fast(kf->out, ',');
		}
	}
	ctf_str_chomp_fast(kf->out, ',');
}

static bool len_ok(const struct ctf_attr_desc *d, size_t len)
{
	if (d->len >= 0)
		return (size_t)d->len == len;
	if (d->kind == CTF_AK_MPLS)
		return len && len % 4 == 0 && len <= 12;
	return d->len == CTF_LEN_NESTED;
}

/*
 * Print one attribute. @ma is its mask attribute, NULL with @exact for "no
 * mask stream", NULL without @exact for "absent from the mask" (wildcard).
 */
static void format_attr(struct kf *kf, const struct nlattr *a, const struct ctf_attr_desc *d,
			const struct nlattr *ma, bool exact)
{
	unsigned int type = ctf_nla_type(a);
	const uint8_t *k = ctf_nla_data(a);
	size_t len = ctf_nla_len(a);
	struct ctf_str *out = kf->out;
	uint8_t buf[KF_MAXLEN];
	const uint8_t *m;

	/*
	 * The nests (encap, tunnel, nsh) print their parts and bound them
	 * themselves; an nsh() with the largest MD2 is 284 bytes, and printed
	 * raw it would not parse back (the parser takes keyN() only for types
	 * it has no name for).
	 */
	bool nest = d && (d->kind == CTF_AK_ENCAP || d->kind == CTF_AK_TUNNEL ||
			  d->kind == CTF_AK_NSH);

	if (!d || d->flags & CTF_AF_USER_ONLY || !len_ok(d, len) || (!nest && len > 256)) {
		put_raw(kf, type, k, len, exact ? NULL : (ma ? ctf_nla_data(ma) : zeros),
			ma ? ctf_nla_len(ma) : (exact ? 0 : (len < KF_MAXLEN ? len : 0)),
			"key");
		return;
	}
	put_name(out, d->name, '(');
	switch (d->kind) {
	case CTF_AK_ENCAP:
		if (exact)
			format_stream(kf, k, len, NULL, 0, true);
		else
			format_stream(kf, k, len, ma ? ctf_nla_data(ma) : NULL,
				      ma ? ctf_nla_len(ma) : 0, false);
		break;
	case CTF_AK_TUNNEL:
		put_tunnel(kf, a, ma, exact);
		break;
	case CTF_AK_NSH:
		put_nsh(kf, a, ma, exact);
		break;
	default:
		m = mask_bytes(exact, ma, len, buf);
		switch (d->kind) {
		case CTF_AK_SCALAR:
			{
				/* Once printed, a scalar always shows V[/M]. */
				struct kf k2 = *kf;

				k2.verbose = true;
				put_field(&k2, d->fields, k, m, false);
				ctf_str_chomp_fast(out, ',');
			}
			break;
		case CTF_AK_STRUCT:
		case CTF_AK_VLAN:
			put_fields(kf, d->fields, d->n_fields, k, m);
			break;
		case CTF_AK_MPLS:
			put_mpls(kf, d, k, m, len, all_bytes(m, len, 0xff));
			break;
		case CTF_AK_CT_STATE: {
			uint32_t v, mv;

			memcpy(&v, k, 4);
			memcpy(&mv, m, 4);
			put_ct_state(kf, v, mv);
			break;
		}
		case CTF_AK_TCP_FLAGS: {
			uint16_t v, mv;

			memcpy(&v, k, 2);
			memcpy(&mv, m, 2);
			/* Only the 12 flag bits count (TCP_FLAGS() in ovs-dpctl). */
			v = ntohs(v);
			mv = ntohs(mv) & CTF_TCP_FLAGS_SUPPORTED;
			if (!mv)
				ctf_str_puts_fast(out, "0/0");
			else
				put_flags(out, tcp_flag_names, 9, v, mv,
					  mv == CTF_TCP_FLAGS_SUPPORTED);
			break;
		}
		case CTF_AK_LABEL128: {
			/* Host-order u128 on the wire (see key-parse.c); print it big-endian. */
			uint8_t kb[16], mb[16];

			label_to_be(kb, k);
			label_to_be(mb, m);
			put_hex_bytes(out, kb, 16);
			if (!all_bytes(mb, 16, 0xff)) {
				ctf_str_putc_fast(out, '/');
				put_hex_bytes(out, mb, 16);
			}
			break;
		}
		default:
			break;
		}
	}
	ctf_str_putc_fast(out, ')');
}

/* Is the attribute wholly wildcarded (so non-verbose output hides it)? */
static bool is_wildcard(const struct nlattr *ma, bool exact)
{
	if (exact)
		return false;
	if (!ma)
		return true;
	return all_bytes(ctf_nla_data(ma), ctf_nla_len(ma), 0);
}

static void format_stream(struct kf *kf, const void *key, size_t key_len, const void *mask,
			  size_t mask_len, bool exact)
{
	const struct nlattr *by_type[OVS_KEY_ATTR_MAX + 1] = { NULL };
	const struct nlattr *attr;
	bool key_has_ethtype = false;

	if (!exact && mask) {
		ctf_nla_for_each_in(attr, mask, mask_len) {
			unsigned int t = ctf_nla_type(attr);

			if (t <= OVS_KEY_ATTR_MAX && !by_type[t])
				by_type[t] = attr;
		}
	}
	ctf_nla_for_each_in(attr, key, key_len) {
		const struct nlattr *a = attr;
		unsigned int type = ctf_nla_type(a);
		const struct nlattr *ma = NULL;
		const struct ctf_attr_desc *d = key_desc(type);

		if (!exact)
			ma = type <= OVS_KEY_ATTR_MAX ? by_type[type] : find_attr(mask, mask_len, type);
		if (type == OVS_KEY_ATTR_ETHERTYPE)
			key_has_ethtype = true;
		/*
		 * Non-verbose output hides wholly wildcarded attributes, as
		 * ovs-dpctl's odp_flow_format does, recirc_id included. Kept:
		 * nested ones (encap, tunnel, nsh), eth (printed "eth()": its
		 * presence says the packet is Ethernet), and whatever we cannot
		 * decode.
		 */
		if (!kf->verbose && d && !(d->flags & CTF_AF_USER_ONLY) &&
		    d->len != CTF_LEN_NESTED && len_ok(d, ctf_nla_len(a)) &&
		    type != OVS_KEY_ATTR_ETHERNET && is_wildcard(ma, exact))
			continue;
		format_attr(kf, a, d, ma, exact);
		ctf_str_putc_fast(kf->out, ',');
	}
	/* An ethertype that only the mask carries. */
	if (!exact && !key_has_ethtype && by_type[OVS_KEY_ATTR_ETHERTYPE] &&
	    ctf_nla_len(by_type[OVS_KEY_ATTR_ETHERTYPE]) == 2) {
		uint16_t m;

		memcpy(&m, ctf_nla_data(by_type[OVS_KEY_ATTR_ETHERTYPE]), 2);
		ctf_str_printf(kf->out, "eth_type(0/0x%04x),", ntohs(m));
	}
	ctf_str_chomp_fast(kf->out, ',');
}

void ctf_key_format(const void *key, size_t key_len, const void *mask, size_t mask_len,
		    const struct ctf_portmap *ports, unsigned flags, struct ctf_str *out)
{
	struct kf kf = { .ports = ports, .flags = flags, .out = out,
			 .verbose = flags & CTF_FMT_VERBOSE };

	if (!key || !key_len) {
		ctf_str_puts_fast(out, "<empty>");	/* as ovs-dpctl */
		return;
	}
	format_stream(&kf, key, key_len, mask, mask_len, !mask || !mask_len);
}

void ctf_key_format_one(const struct nlattr *key, const struct nlattr *mask,
			const struct ctf_portmap *ports, unsigned int flags, struct ctf_str *out)
{
	struct kf kf = { .ports = ports, .flags = flags, .out = out,
			 .verbose = flags & CTF_FMT_VERBOSE };

	format_attr(&kf, key, key_desc(ctf_nla_type(key)), mask, !mask);
}
