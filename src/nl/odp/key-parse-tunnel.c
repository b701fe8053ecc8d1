// SPDX-License-Identifier: Apache-2.0
/*
 * tunnel(...) of the flow key text: the scalar fields by their rows in the
 * tunnel table, geneve(), vxlan(gbp()), erspan() and flags(), gathered first
 * and then emitted as one OVS_KEY_ATTR_TUNNEL nest in the kernel's order.
 */
#include <string.h>
#include <arpa/inet.h>
#include <linux/erspan.h>

#include "odp/key-parse.h"

struct tun_text {
	uint32_t given;			/* bit per OVS_TUNNEL_KEY_ATTR_* value attr */
	uint8_t v[OVS_TUNNEL_KEY_ATTR_MAX + 1][16];
	uint8_t m[OVS_TUNNEL_KEY_ATTR_MAX + 1][16];
	uint32_t fv, fm;		/* CTF_TNL_F_* value / mask */
	uint8_t gv[256], gm[256];	/* geneve options */
	size_t glen;
	bool vxlan;
	uint32_t gbp_v, gbp_m;
	bool erspan;
	struct erspan_metadata ev, em;
};

static const struct kp_flag_name tun_flag_names[] = {
	{ "oam", CTF_TNL_F_OAM }, { "df", CTF_TNL_F_DF }, { "csum", CTF_TNL_F_CSUM },
	{ "key", CTF_TNL_F_KEY }, { NULL, 0 },
};

/* "word" at the cursor (after blanks): step over it. */
static bool take(struct kp *kp, const char *word)
{
	size_t n = strlen(word);

	kp_blanks(kp);
	if (strncmp(kp->s, word, n))
		return false;
	kp->s += n;
	return true;
}

/* Option data "0x<hex>" right-aligned in @len bytes at @dst. */
static int geneve_data(struct kp *kp, uint8_t *dst, uint64_t len)
{
	const char *h = kp->s, *e;
	size_t nd;

	if (h[0] != '0' || (h[1] != 'x' && h[1] != 'X'))
		return kp_bad(kp, h, "geneve(): option data must be 0x<hex>");
	h += 2;
	while (*h == '0' && ctf_lex_hexval(h[1]) >= 0)
		h++;
	for (e = h; ctf_lex_hexval(*e) >= 0; e++)
		;
	nd = (size_t)(e - h);
	if (!nd || (nd + 1) / 2 > len)
		return kp_bad(kp, kp->s, "geneve(): option data longer than len");
	memset(dst, 0, len);
	for (size_t i = 0; i < nd; i++)
		dst[len - 1 - i / 2] |= (uint8_t)(ctf_lex_hexval(h[nd - 1 - i]) << (4 * (i & 1)));
	kp->s = e;
	return 0;
}

/* One "{class=C,type=T,len=L[,0xDATA[/0xMASK]]}" after its '{'. */
static int geneve_option(struct kp *kp, struct tun_text *t)
{
	static const struct ctf_field_desc fclass = { .name = "class", .size = 2 };
	static const struct ctf_field_desc ftype = { .name = "type", .offset = 2, .size = 1 };
	uint8_t *ov = t->gv + t->glen, *om = t->gm + t->glen;
	uint64_t len, lm = 0x1f;
	const char *at;
	int r;

	if (t->glen + 4 > sizeof(t->gv))
		return kp_bad(kp, kp->s, "geneve(): options longer than 252 bytes");
	if (!take(kp, "class="))
		return kp_bad(kp, kp->s, "geneve(): expected class=");
	if ((r = kp_field(kp, "geneve class", &fclass, ov, om)))
		return r;
	if (!take(kp, ",") || !take(kp, "type="))
		return kp_bad(kp, kp->s, "geneve(): expected ,type=");
	if ((r = kp_field(kp, "geneve type", &ftype, ov, om)))
		return r;
	if (!take(kp, ",") || !take(kp, "len="))
		return kp_bad(kp, kp->s, "geneve(): expected ,len=");
	at = kp->s;
	if ((r = ctf_lex_u64(&kp->s, kp->err, "geneve len", CTF_NUM_C, 124, &len)))
		return r;
	if (len % 4)
		return ctf_lex_bad(kp->err, at, "geneve len= is not a multiple of 4");
	if (*kp->s == '/') {
		kp->s++;
		if ((r = ctf_lex_u64(&kp->s, kp->err, "geneve len mask", CTF_NUM_C, 0xff, &lm)))
			return r;
	}
	if (t->glen + 4 + len > 252)
		return kp_bad(kp, at, "geneve(): options longer than 252 bytes");
	ov[3] = (uint8_t)(len / 4);
	om[3] = (uint8_t)lm;
	memset(om + 4, 0xff, len);
	if (take(kp, ",")) {
		kp_blanks(kp);
		if ((r = geneve_data(kp, ov + 4, len)))
			return r;
		if (*kp->s == '/') {
			kp->s++;
			if ((r = geneve_data(kp, om + 4, len)))
				return r;
		}
	}
	if (!take(kp, "}"))
		return kp_bad(kp, kp->s, "geneve(): expected `}'");
	t->glen += 4 + len;
	return 0;
}

static int kp_geneve(struct kp *kp, struct tun_text *t)
{
	int r;

	while (take(kp, "{"))
		if ((r = geneve_option(kp, t)))
			return r;
	if (!kp_close(kp))
		return kp_bad(kp, kp->s, "geneve(): expected `{' or `)'");
	return 0;
}

static int kp_vxlan(struct kp *kp, struct tun_text *t)
{
	static const struct ctf_field_desc gbp_fields[] = {
		{ .name = "id", .size = 4, .bits = 16, .shift = 0, .style = CTF_FS_DEC,
		  .host_order = 1 },
		{ .name = "flags", .size = 4, .bits = 8, .shift = 16, .style = CTF_FS_HEX,
		  .host_order = 1 },
	};
	uint8_t v[4] = { 0 }, m[4] = { 0 };
	int r;

	if (!take(kp, "gbp("))
		return kp_bad(kp, kp->s, "vxlan(): expected gbp(");
	if ((r = kp_fields(kp, "gbp", gbp_fields, 2, v, m)))
		return r;
	if (!kp_close(kp))
		return kp_bad(kp, kp->s, "vxlan(): expected `)'");
	memcpy(&t->gbp_v, v, 4);
	memcpy(&t->gbp_m, m, 4);
	t->vxlan = true;
	return 0;
}

static int kp_erspan(struct kp *kp, struct tun_text *t)
{
	static const struct ctf_field_desc ef[] = {
		{ .name = "ver", .size = 1, .style = CTF_FS_DEC },
		{ .name = "idx", .offset = 1, .size = 4, .bits = 20, .style = CTF_FS_HEX },
		{ .name = "dir", .offset = 5, .size = 1, .bits = 1, .style = CTF_FS_DEC },
		{ .name = "hwid", .offset = 6, .size = 1, .bits = 6, .style = CTF_FS_HEX },
	};
	uint8_t v[8] = { 0 }, m[8] = { 0 };
	int r;

	if ((r = kp_fields(kp, "erspan", ef, 4, v, m)))
		return r;
	memset(&t->ev, 0, sizeof(t->ev));
	memset(&t->em, 0, sizeof(t->em));
	t->ev.version = v[0];
	t->em.version = m[0];
	if (v[0] == 1) {
		uint32_t iv = (uint32_t)ctf_field_get(v, &ef[1]);
		uint32_t im = (uint32_t)ctf_field_get(m, &ef[1]);

		t->ev.u.index = htonl(iv);
		t->em.u.index = htonl(im);
	} else if (v[0] == 2) {
		t->ev.u.md2.dir = (uint8_t)(v[5] & 1);
		t->em.u.md2.dir = (uint8_t)(m[5] & 1);
		t->ev.u.md2.hwid = (uint8_t)(v[6] & 0xf);
		t->ev.u.md2.hwid_upper = (uint8_t)(v[6] >> 4 & 3);
		t->em.u.md2.hwid = (uint8_t)(m[6] & 0xf);
		t->em.u.md2.hwid_upper = (uint8_t)(m[6] >> 4 & 3);
	} else {
		ctf_err_set(kp->err, "erspan(ver=%u): only versions 1 and 2 exist", v[0]);
		return -EINVAL;
	}
	t->erspan = true;
	return 0;
}

static int kp_tun_flags(struct kp *kp, struct tun_text *t)
{
	if (kp_close(kp))	/* flags(): nothing said */
		return 0;
	return kp_flags(kp, "tunnel flags", tun_flag_names, CTF_TNL_F_ALL, CTF_TNL_F_ALL, &t->fv,
			&t->fm);
}

/* A scalar field "name=V[/M]" by its row in the tunnel table. */
static int tun_field(struct kp *kp, struct tun_text *t)
{
	const struct ctf_attr_desc *d = NULL;
	const char *name;
	unsigned int type;
	size_t n;
	int r;

	if ((r = kp_field_name(kp, "tunnel", &name, &n)))
		return r;
	for (type = 0; type <= OVS_TUNNEL_KEY_ATTR_MAX; type++) {
		d = ctf_attr_row(&ctf_tunnel_key_table, type);
		if (d && d->kind == CTF_AK_SCALAR && ctf_lex_name_eq(d->name, name, n))
			break;
	}
	if (type > OVS_TUNNEL_KEY_ATTR_MAX) {
		ctf_err_set(kp->err, "tunnel(...): unknown field `%.*s'", (int)n, name);
		ctf_err_hint(kp->err, "tunnel() takes: tun_id src dst ipv6_src ipv6_dst tos ttl "
				      "tp_src tp_dst geneve() vxlan() erspan() flags()");
		return -EINVAL;
	}
	memset(t->v[type], 0, 16);
	memset(t->m[type], 0, 16);
	t->given |= 1u << type;
	return kp_field(kp, d->name, &d->fields[0], t->v[type], t->m[type]);
}

/* One item of tunnel(...): a field or a "name(...)" option. */
static int tun_item(struct kp *kp, struct tun_text *t)
{
	const char *name = kp->s;
	size_t n = ctf_lex_ident_len(name);

	if (name[n] != '(')
		return tun_field(kp, t);
	kp->s += n + 1;
	kp_blanks(kp);
	if (ctf_lex_name_eq("geneve", name, n))
		return kp_geneve(kp, t);
	if (ctf_lex_name_eq("vxlan", name, n))
		return kp_vxlan(kp, t);
	if (ctf_lex_name_eq("erspan", name, n))
		return kp_erspan(kp, t);
	if (ctf_lex_name_eq("flags", name, n))
		return kp_tun_flags(kp, t);
	return ctf_err_set(kp->err, "tunnel(...): unknown option `%.*s('", (int)n, name);
}

/* A zero-length flag attribute (df, csum, oam): present in the key when set. */
static int tun_flag_attr(struct kp *kp, const struct tun_text *t, uint16_t type, uint32_t bit)
{
	int r = 0;

	if (t->fv & bit)
		r = kp_put_attr(kp, kp->key, type, NULL, 0);
	if (!r && t->fm & bit)
		r = kp_put_attr(kp, kp->mask, type, NULL, 0);
	return r;
}

static int tun_emit_one(struct kp *kp, const struct tun_text *t, uint16_t type)
{
	struct nlattr *vk, *vm;
	int r = 0;

	switch (type) {
	case OVS_TUNNEL_KEY_ATTR_ID:
		if (t->fv & CTF_TNL_F_KEY)
			r = kp_put_attr(kp, kp->key, type, t->v[type], 8);
		if (!r && (t->given & (1u << type) || t->fm & CTF_TNL_F_KEY))
			r = kp_put_attr(kp, kp->mask, type, t->m[type], 8);
		return r;
	case OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT:
		return tun_flag_attr(kp, t, type, CTF_TNL_F_DF);
	case OVS_TUNNEL_KEY_ATTR_CSUM:
		return tun_flag_attr(kp, t, type, CTF_TNL_F_CSUM);
	case OVS_TUNNEL_KEY_ATTR_OAM:
		return tun_flag_attr(kp, t, type, CTF_TNL_F_OAM);
	case OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS:
		return t->glen ? kp_emit(kp, type, t->gv, t->gm, t->glen) : 0;
	case OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS:
		if (!t->vxlan)
			return 0;
		if ((r = kp_nest_start(kp, kp->key, type, &vk)) ||
		    (r = kp_nest_start(kp, kp->mask, type, &vm)))
			return r;
		r = kp_emit(kp, OVS_VXLAN_EXT_GBP, &t->gbp_v, &t->gbp_m, 4);
		kp_nest_end(kp->key, vk);
		kp_nest_end(kp->mask, vm);
		return r;
	case OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS:
		return t->erspan ? kp_emit(kp, type, &t->ev, &t->em, sizeof(t->ev)) : 0;
	default:
		if (!(t->given & (1u << type)))
			return 0;
		return kp_emit(kp, type, t->v[type], t->m[type],
			       (size_t)ctf_attr_row(&ctf_tunnel_key_table, type)->len);
	}
}

static int tun_emit(struct kp *kp, const struct tun_text *t)
{
	/* Emission order: what OVS and the kernel write (ip_tun_to_nlattr). */
	static const uint8_t order[] = {
		OVS_TUNNEL_KEY_ATTR_ID, OVS_TUNNEL_KEY_ATTR_IPV4_SRC,
		OVS_TUNNEL_KEY_ATTR_IPV4_DST, OVS_TUNNEL_KEY_ATTR_IPV6_SRC,
		OVS_TUNNEL_KEY_ATTR_IPV6_DST, OVS_TUNNEL_KEY_ATTR_TOS, OVS_TUNNEL_KEY_ATTR_TTL,
		OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT, OVS_TUNNEL_KEY_ATTR_CSUM,
		OVS_TUNNEL_KEY_ATTR_TP_SRC, OVS_TUNNEL_KEY_ATTR_TP_DST, OVS_TUNNEL_KEY_ATTR_OAM,
		OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS, OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS,
		OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS,
	};
	struct nlattr *nk, *nm;
	int r;

	if ((r = kp_nest_start(kp, kp->key, OVS_KEY_ATTR_TUNNEL, &nk)))
		return r;
	if ((r = kp_nest_start(kp, kp->mask, OVS_KEY_ATTR_TUNNEL, &nm)))
		return r;
	for (size_t i = 0; i < sizeof(order); i++)
		if ((r = tun_emit_one(kp, t, order[i])))
			return r;
	kp_nest_end(kp->key, nk);
	kp_nest_end(kp->mask, nm);
	return 0;
}

int kp_tunnel(struct kp *kp)
{
	const char *start = kp->s;
	struct tun_text t;
	bool done = kp_close(kp);
	int r;

	t.given = 0;
	t.fv = t.fm = 0;
	t.glen = 0;
	t.vxlan = t.erspan = false;
	while (!done) {
		if ((r = tun_item(kp, &t)))
			return r;
		if ((r = kp_field_sep(kp, "tunnel", &done)))
			return r;
	}
	if (t.given & (1u << OVS_TUNNEL_KEY_ATTR_ID) || t.fm & CTF_TNL_F_KEY) {
		if (!(t.given & (1u << OVS_TUNNEL_KEY_ATTR_ID))) {
			memset(t.v[OVS_TUNNEL_KEY_ATTR_ID], 0, 8);
			memset(t.m[OVS_TUNNEL_KEY_ATTR_ID], 0, 8);
		}
		if (!(t.fm & CTF_TNL_F_KEY))
			t.fv |= CTF_TNL_F_KEY;	/* tun_id given, key flag not said */
	}
	if (!kp->mask && (t.fm & CTF_TNL_F_ALL) != CTF_TNL_F_ALL && t.fm)
		return ctf_err_set(kp->err, "tunnel flags: a +/- mask is not allowed here");
	/* No mask buffer (set()): '/' only ever introduces a mask in tunnel(). */
	if (!kp->mask && memchr(start, '/', (size_t)(kp->s - start)))
		return ctf_err_set(kp->err, "tunnel(...): a /mask is not allowed here");
	return tun_emit(kp, &t);
}
