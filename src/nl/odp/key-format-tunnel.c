// SPDX-License-Identifier: Apache-2.0
/*
 * The nested key attributes as ovs-dpctl prints them: tunnel(...) with its
 * Geneve, VXLAN and ERSPAN options and flags, and nsh(...). The attribute
 * walk that calls these is in key-format.c.
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/erspan.h>

#include "odp/key-attrs.h"
#include "odp/key-internal.h"
#include "odp/key-format.h"

static const char *const tun_flag_names[] = { "oam", "df", "csum", "key" };

/* ---- nested: tunnel ------------------------------------------------------ */

static void put_geneve(struct kf *kf, const uint8_t *k, size_t klen, const uint8_t *m,
		       size_t mlen)
{
	static const struct ctf_field_desc fclass = { .name = "class", .size = 2,
						      .style = CTF_FS_HEX };
	static const struct ctf_field_desc ftype = { .name = "type", .offset = 2, .size = 1,
						     .style = CTF_FS_HEX };
	struct ctf_str *out = kf->out;
	size_t off = 0;

	ctf_str_puts(out, "geneve(");
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
		kf_put_field(kf, &fclass, k + off, mo, true);
		kf_put_field(kf, &ftype, k + off, mo, true);
		/* A length mask of 0x1f is exact; anything else prints raw. */
		lm = mo[3];
		if (kf->verbose || lm) {
			ctf_str_printf(out, "len=%zu", dlen);
			if (lm != 0x1f && lm != 0xff) {
				ctf_str_putc_fast(out, '/');
				kf_put_hex(out, lm);
			}
			ctf_str_putc_fast(out, ',');
		}
		if (dlen && (kf->verbose || !kf_all_bytes(mo + 4, dlen, 0))) {
			kf_put_hex_bytes(out, k + off + 4, dlen);
			if (!kf_all_bytes(mo + 4, dlen, 0xff)) {
				ctf_str_putc_fast(out, '/');
				kf_put_hex_bytes(out, mo + 4, dlen);
			}
		}
		ctf_str_chomp_fast(out, ',');
		ctf_str_putc_fast(out, '}');
		off += 4 + dlen;
	}
	ctf_str_puts(out, "),");
}

static void put_vxlan(struct kf *kf, const struct nlattr *a, const struct nlattr *ma,
		      bool exact)
{
	static const struct ctf_field_desc gbp[] = {
		{ .name = "id", .size = 4, .bits = 16, .style = CTF_FS_DEC, .host_order = 1 },
		{ .name = "flags", .size = 4, .bits = 8, .shift = 16, .style = CTF_FS_HEX,
		  .host_order = 1 },
	};
	const struct nlattr *g = kf_find_attr(ctf_nla_data(a), ctf_nla_len(a),
					   OVS_VXLAN_EXT_GBP);
	const struct nlattr *gm = ma ? kf_find_attr(ctf_nla_data(ma),
						 ctf_nla_len(ma),
						 OVS_VXLAN_EXT_GBP) : NULL;
	uint8_t buf[4];

	ctf_str_puts(kf->out, "vxlan(");
	if (g && ctf_nla_len(g) == 4) {
		ctf_str_puts(kf->out, "gbp(");
		kf_put_fields(kf, gbp, 2, ctf_nla_data(g), kf_mask_bytes(exact, gm, 4, buf));
		ctf_str_putc_fast(kf->out, ')');
	}
	ctf_str_puts(kf->out, "),");
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
	ctf_str_puts(kf->out, "erspan(");
	kf_put_field(kf, &ef[0], v, mk, true);
	if (ek.version == 1) {
		idx = ntohl(ek.u.index);
		idxm = ntohl(em.u.index);
		/* ovs-dpctl prints idx=V/M whenever there is a mask stream,
		 * even an exact one, and never hides it. */
		ctf_str_puts(kf->out, "idx=");
		kf_put_hex(kf->out, idx);
		if (!exact) {
			ctf_str_putc_fast(kf->out, '/');
			kf_put_hex(kf->out, idxm);
		}
		ctf_str_putc_fast(kf->out, ',');
	} else if (ek.version == 2) {
		v[5] = ek.u.md2.dir;
		mk[5] = em.u.md2.dir;
		v[6] = (uint8_t)(ek.u.md2.hwid_upper << 4 | ek.u.md2.hwid);	/* 6 bits */
		mk[6] = (uint8_t)(em.u.md2.hwid_upper << 4 | em.u.md2.hwid);
		kf_put_field(kf, &ef[1], v, mk, true);
		kf_put_field(kf, &ef[2], v, mk, true);
	}
	ctf_str_chomp_fast(kf->out, ',');
	ctf_str_puts(kf->out, "),");
}

/* The flags(...) bit of a tunnel attribute (ovs-dpctl counts tun_id as "key"), or 0. */
static uint32_t tnl_flag_bit(unsigned int type)
{
	switch (type) {
	case OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT:
		return CTF_TNL_F_DF;
	case OVS_TUNNEL_KEY_ATTR_CSUM:
		return CTF_TNL_F_CSUM;
	case OVS_TUNNEL_KEY_ATTR_OAM:
		return CTF_TNL_F_OAM;
	case OVS_TUNNEL_KEY_ATTR_ID:
		return CTF_TNL_F_KEY;
	default:
		return 0;
	}
}

KF_HIDDEN void kf_put_tunnel(struct kf *kf, const struct nlattr *attr, const struct nlattr *mattr,
			     bool exact)
{
	const void *md = mattr ? ctf_nla_data(mattr) : NULL;
	size_t mlen = mattr ? ctf_nla_len(mattr) : 0;
	uint32_t fv = 0, fm = exact ? CTF_TNL_F_ALL : 0;
	const struct nlattr *a;
	struct ctf_str *out = kf->out;

	ctf_nla_for_each_nested(a, attr) {
		unsigned int type = ctf_nla_type(a);
		const struct ctf_attr_desc *d = ctf_attr_row(&ctf_tunnel_key_table, type);
		const struct nlattr *ma = exact ? NULL : kf_find_attr(md, mlen, type);
		const uint8_t *k = ctf_nla_data(a);
		size_t len = ctf_nla_len(a);
		uint8_t buf[KF_MAXLEN];

		if (!d || (d->len >= 0 && (size_t)d->len != len) || len > 256) {
			kf_put_raw(kf, type, k, len,
				   exact ? NULL : (ma ? ctf_nla_data(ma) : kf_zeros),
				   ma ? ctf_nla_len(ma) : (exact ? 0 : len), "tun_attr");
			ctf_str_putc_fast(out, ',');
			continue;
		}
		switch (type) {
		case OVS_TUNNEL_KEY_ATTR_ID:
			fv |= CTF_TNL_F_KEY;
			/* As ovs-dpctl: with a mask stream the key flag counts as masked. */
			fm |= CTF_TNL_F_KEY;
			kf_put_field(kf, d->fields, k, kf_mask_bytes(exact, ma, len, buf), true);
			break;
		case OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT:
		case OVS_TUNNEL_KEY_ATTR_CSUM:
		case OVS_TUNNEL_KEY_ATTR_OAM:
			fv |= tnl_flag_bit(type);
			break;
		case OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS: {
			const uint8_t *m = kf_mask_bytes(exact, ma, len, buf);

			put_geneve(kf, k, len, m, len);
			break;
		}
		case OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS:
			put_vxlan(kf, a, ma, exact);
			break;
		case OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS:
			put_erspan(kf, k, kf_mask_bytes(exact, ma, len, buf), exact);
			break;
		case OVS_TUNNEL_KEY_ATTR_IPV4_INFO_BRIDGE:
			ctf_str_puts(out, "info_bridge,");
			break;
		default:
			kf_put_field(kf, d->fields, k, kf_mask_bytes(exact, ma, len, buf), true);
			break;
		}
	}
	if (!exact && mattr)
		ctf_nla_for_each_nested(a, mattr)
			fm |= tnl_flag_bit(ctf_nla_type(a));
	if (kf->verbose || fm) {
		ctf_str_puts(out, "flags(");
		if (!fm)
			ctf_str_puts(out, "0/0");
		else
			kf_put_flags(out, tun_flag_names, 4, fv, fm,
				     (fm & CTF_TNL_F_ALL) == CTF_TNL_F_ALL);
		ctf_str_puts(out, "),");
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

KF_HIDDEN void kf_put_nsh(struct kf *kf, const struct nlattr *attr, const struct nlattr *mattr,
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
		const struct ctf_attr_desc *d = ctf_attr_row(&ctf_nsh_key_table, type);
		const struct nlattr *ma = exact ? NULL : kf_find_attr(md, mlen, type);
		const uint8_t *k = ctf_nla_data(a);
		size_t len = ctf_nla_len(a);

		if (!d || (d->len >= 0 && (size_t)d->len != len) || len > 256 ||
		    (ma && d->len >= 0 && ctf_nla_len(ma) != len)) {
			kf_put_raw(kf, type, k, len, ma ? ctf_nla_data(ma) : NULL,
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
		 * MD types 1 and 2 (kf_zeros); for another type they would parse back
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
		ctf_str_puts(out, "md2=0x");
		for (size_t i = 0; i < md2len; i++)
			ctf_str_printf(out, "%02x", md2[i]);
		ctf_str_putc_fast(out, ',');
	}
	ctf_str_chomp_fast(out, ',');
}

