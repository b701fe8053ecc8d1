// SPDX-License-Identifier: Apache-2.0
/*
 * Field values of the flow key text: "V[/M]" for one field by its row's
 * style, "f=V,g=V)" lists, and the scalar, struct, mpls and ct_label
 * attributes built from them.
 */
#include <stdio.h>
#include <string.h>

#include "odp/key-parse.h"

/* A field's whole integer container, in its byte order. */
static inline void field_store(uint8_t *p, const struct ctf_field_desc *fd, uint64_t v)
{
	if (fd->host_order) {
		if (fd->size == 2) {
			uint16_t x = (uint16_t)v;

			memcpy(p, &x, 2);
			return;
		} else if (fd->size == 4) {
			uint32_t x = (uint32_t)v;

			memcpy(p, &x, 4);
			return;
		}
	}
	/* Network order: the common widths without the byte loop. */
	switch (fd->size) {
	case 1:
		p[0] = (uint8_t)v;
		return;
	case 2:
		p[0] = (uint8_t)(v >> 8);
		p[1] = (uint8_t)v;
		return;
	case 4:
		p[0] = (uint8_t)(v >> 24);
		p[1] = (uint8_t)(v >> 16);
		p[2] = (uint8_t)(v >> 8);
		p[3] = (uint8_t)v;
		return;
	default:
		break;
	}
	for (int i = fd->size - 1; i >= 0; i--) {
		p[i] = v & 0xff;
		v >>= 8;
	}
}

static inline void field_set(uint8_t *base, const struct ctf_field_desc *fd, uint64_t v)
{
	uint8_t *p = base + fd->offset;

	if (fd->bits) {
		uint64_t m = ctf_field_max(fd) << fd->shift;
		uint64_t w = ctf_field_load_word(p, fd);

		v = (w & ~m) | ((v << fd->shift) & m);
	}
	field_store(p, fd, v);
}

static const char *const frag_names[] = { "no", "first", "later" };

static int parse_frag(struct kp *kp, struct ctf_err *err, const char *what, uint8_t *vp,
		      uint8_t *mp)
{
	const char *s = kp->s;
	size_t n = 0;
	unsigned int v;

	while (s[n] >= 'a' && s[n] <= 'z')
		n++;
	for (v = 0; v < 3; v++)
		if (ctf_lex_name_eq(frag_names[v], s, n))
			break;
	if (v == 3) {
		char tok[CTF_LEX_TOKEN_MAX];

		ctf_err_set(err, "%s: unknown fragment type `%s'", what,
			    ctf_lex_token(s, tok, sizeof(tok)));
		ctf_err_hint(err, "use frag=no, frag=first or frag=later");
		return -EINVAL;
	}
	if (s[n] == '/')
		return ctf_lex_bad(err, s + n, "frag= takes no mask");
	kp->s = s + n;
	*vp = (uint8_t)v;
	*mp = 0xff;
	return 0;
}

/* in_port by name, through the caller's port map. */
static int __attribute__((noinline)) parse_port_name(struct kp *kp, struct ctf_err *err,
						     uint64_t *v)
{
	char name[sizeof(((struct ctf_port_name *)0)->name)], tok[CTF_LEX_TOKEN_MAX];
	const char *s = kp->s;
	uint32_t no;
	size_t n = 0;

	while (s[n] && s[n] != ')' && s[n] != '/' && !ctf_lex_is_delim(s[n]))
		n++;
	if (!n)
		return ctf_lex_bad(err, s, "in_port: expected a port number or name");
	if (n < sizeof(name)) {
		memcpy(name, s, n);
		name[n] = '\0';
	}
	if (n >= sizeof(name) || !kp->ports || ctf_portmap_lookup_name(kp->ports, name, &no)) {
		ctf_err_setn(err, -ENOENT, "in_port: unknown port name `%s'",
			     ctf_lex_escape(s, n, tok, sizeof(tok)));
		ctf_err_hint(err, "use the port number, or a name shown by `ctflow show'");
		return -ENOENT;
	}
	kp->s = s + n;
	*v = no;
	return 0;
}

/* The rest of an address field of @len bytes after its value: an address
 * mask or a /prefix, all-ones when there is none. */
static int parse_addr_mask(struct kp *kp, struct ctf_err *err, const char *what, size_t len,
			   uint8_t *mp, bool mask_ok)
{
	if (*kp->s != '/' || !mask_ok) {
		memset(mp, 0xff, len);
		return 0;
	}
	kp->s++;
	if (len == 6)
		return ctf_lex_mac(&kp->s, err, what, mp);
	return ctf_lex_addr_mask(&kp->s, err, what, len, mp);
}

/*
 * One field value "V[/M]" at the cursor into @val/@msk by the field's style;
 * @what names it in messages, written to @err (NULL: no message). The
 * common styles are tested first, without a switch: a jump table's indirect
 * branch mispredicted more than these tests. Inlined into its two callers.
 */
static inline __attribute__((always_inline))
int parse_field(struct kp *kp, struct ctf_err *err, const char *what,
		const struct ctf_field_desc *fd, uint8_t *val, uint8_t *msk, bool mask_ok)
{
	uint8_t *vp = val + fd->offset, *mp = msk + fd->offset;
	uint64_t v, m, max = ctf_field_max(fd);
	int r;

	if (fd->style == CTF_FS_IPV4) {
		if ((r = ctf_lex_ipv4(&kp->s, err, what, vp)))
			return r;
		if (*kp->s != '/' || !mask_ok) {
			memset(mp, 0xff, 4);
			return 0;
		}
		return parse_addr_mask(kp, err, what, 4, mp, mask_ok);
	}
	if (fd->style == CTF_FS_FRAG)
		return parse_frag(kp, err, what, vp, mp);
	if (fd->style == CTF_FS_ETH) {
		if ((r = ctf_lex_mac(&kp->s, err, what, vp)))
			return r;
		return parse_addr_mask(kp, err, what, 6, mp, mask_ok);
	}
	if (fd->style == CTF_FS_IPV6) {
		if ((r = ctf_lex_ipv6(&kp->s, err, what, vp)))
			return r;
		return parse_addr_mask(kp, err, what, 16, mp, mask_ok);
	}
	if (fd->style == CTF_FS_PORT && !ctf_lex_is_digit(*kp->s))
		r = parse_port_name(kp, err, &v);
	else
		r = ctf_lex_u64(&kp->s, err, what, CTF_NUM_C, max, &v);
	if (r)
		return r;
	/* A numeric field: the value, then the mask (all-ones unless given). */
	m = max;
	if (*kp->s == '/' && mask_ok) {
		kp->s++;
		if ((r = ctf_lex_u64(&kp->s, err, what, CTF_NUM_C, max, &m)))
			return r;
	}
	if (fd->bits) {
		field_set(val, fd, v);
		field_set(msk, fd, m);
		return 0;
	}
	field_store(vp, fd, v);
	field_store(mp, fd, m);
	return 0;
}

int kp_field(struct kp *kp, const char *what, const struct ctf_field_desc *fd, uint8_t *val,
	     uint8_t *msk)
{
	return parse_field(kp, kp->err, what, fd, val, msk, true);
}

int kp_sep_error(struct kp *kp, const char *attr)
{
	char tok[CTF_LEX_TOKEN_MAX];

	if (!*kp->s)
		return ctf_err_set(kp->err, "%s(...): missing `)' at end of input", attr);
	return ctf_err_set(kp->err, "%s(...): expected `,' or `)' at `%s'", attr,
			   ctf_lex_token(kp->s, tok, sizeof(tok)));
}

static inline bool field_is(const struct ctf_field_desc *fd, const char *name, size_t len)
{
	/* The first byte rules out most rows without entering the loop. */
	return (fd->name && fd->name[0] == name[0] && ctf_lex_name_eq(fd->name, name, len)) ||
	       (fd->alias && ctf_lex_name_eq(fd->alias, name, len));
}

/*
 * The row named @name. Names (and aliases) are unique within a list, so the
 * search may start anywhere: at @hint, the row after the previous match,
 * because text written by ovs-dpctl or ctflow lists fields in table order.
 */
const struct ctf_field_desc *kp_find_field(const struct ctf_field_desc *fields, unsigned n,
					   const char *name, size_t len, unsigned int hint)
{
	for (unsigned int i = hint; i < n; i++)
		if (field_is(&fields[i], name, len))
			return &fields[i];
	for (unsigned int i = 0; i < hint && i < n; i++)
		if (field_is(&fields[i], name, len))
			return &fields[i];
	return NULL;
}

int kp_unknown_field(struct kp *kp, const char *attr, const char *name, size_t len,
		     const struct ctf_field_desc *fields, unsigned int n)
{
	char list[200] = "";
	size_t off = 0;

	for (unsigned int i = 0; i < n && off < sizeof(list) - 20; i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s", i ? " " : "",
				fields[i].name);
	ctf_err_set(kp->err, "%s(...): unknown field `%.*s'", attr, (int)len, name);
	if (n)
		ctf_err_hint(kp->err, "%s() takes: %s", attr, list);
	return -EINVAL;
}

int kp_name_error(struct kp *kp, const char *attr, size_t n)
{
	char tok[CTF_LEX_TOKEN_MAX];

	if (n && (kp->s[n] == ',' || kp->s[n] == ')'))
		return ctf_err_set(kp->err, "%s(...): field `%.*s' needs `=VALUE'", attr, (int)n,
				   kp->s);
	if (!*kp->s)
		return ctf_err_set(kp->err, "%s(...): missing `)' at end of input", attr);
	return ctf_err_set(kp->err, "%s(...): expected field=value at `%s'", attr,
			   ctf_lex_token(kp->s, tok, sizeof(tok)));
}

int kp_fields(struct kp *kp, const char *attr, const struct ctf_field_desc *fields,
	      unsigned int n, uint8_t *val, uint8_t *msk)
{
	unsigned int hint = 0;
	bool done = kp_close(kp);

	while (!done) {
		const struct ctf_field_desc *fd;
		const char *name, *at;
		size_t len;
		char what[64];
		int r;

		if ((r = kp_field_name(kp, attr, &name, &len)))
			return r;
		if (hint < n && field_is(&fields[hint], name, len))
			fd = &fields[hint];
		else
			fd = kp_find_field(fields, n, name, len, hint);
		if (!fd)
			return kp_unknown_field(kp, attr, name, len, fields, n);
		at = kp->s;
		if (parse_field(kp, NULL, attr, fd, val, msk, true)) {
			/* Errors are rare: only now pay for naming the field. */
			snprintf(what, sizeof(what), "%s(%.*s=)", attr, (int)len, name);
			kp->s = at;
			r = parse_field(kp, kp->err, what, fd, val, msk, true);
			return r ? r : -EINVAL;
		}
		hint = (unsigned int)(fd - fields) + 1;
		if ((r = kp_field_sep(kp, attr, &done)))
			return r;
	}
	return 0;
}

/*
 * Where a fixed-size key's value and mask are decoded. Straight into the
 * payloads of the next key and mask attributes when both fit (zeroed, the
 * headers written only once the text parsed): decoding into the stack and
 * copying out cost a store-forwarding stall per word, since the fields are
 * written a byte or two at a time and copied eight. Otherwise (no room, or
 * set() with no mask buffer) into the zeroed stack buffers, and
 * kp_emit_padded() reports what does not fit after the text has been
 * checked, as before.
 */
struct kp_out {
	uint8_t *v, *m;
	bool direct;
	/*
	 * Where the headers go and the message lengths after the append,
	 * worked out before the fields are stored: reading nlmsg_len back
	 * afterwards waited on those stores (key and mask buffers are page
	 * aligned alike, so their offsets alias).
	 */
	struct nlattr *ka, *ma;
	uint32_t klen, mlen;
	uint8_t sv[KP_MAXLEN], sm[KP_MAXLEN];
};

/* The zeroed payload of the next attribute of @b, if @alen bytes fit;
 * *@a and *@newlen get its header and the message length after it. */
static inline uint8_t *reserve_zeroed(struct ctf_nlbuf *b, size_t alen, struct nlattr **a,
				      uint32_t *newlen)
{
	struct nlmsghdr *nlh = b->nlh;
	uint32_t len = nlh->nlmsg_len;
	uint8_t *p;
	size_t off;

	if (len + CTF_NLA_HDRLEN + alen > b->cap)
		return NULL;
	*a = (struct nlattr *)((char *)nlh + CTF_NLA_ALIGN(len));
	*newlen = (uint32_t)(len + CTF_NLA_HDRLEN + alen);
	p = (uint8_t *)*a + CTF_NLA_HDRLEN;
	for (off = 0; off + 8 <= alen; off += 8)
		memset(p + off, 0, 8);
	if (off < alen)
		memset(p + off, 0, 4);
	return p;
}

/* Inlined into kp_scalar() and kp_struct(), which -O2 would not do. */
static inline __attribute__((always_inline))
void kp_out_init(struct kp *kp, struct kp_out *o, size_t len)
{
	size_t alen = CTF_NLA_ALIGN(len);

	o->v = reserve_zeroed(kp->key, alen, &o->ka, &o->klen);
	o->m = o->v && kp->mask ? reserve_zeroed(kp->mask, alen, &o->ma, &o->mlen) : NULL;
	o->direct = o->v && o->m;
	if (!o->direct) {
		memset(o->sv, 0, sizeof(o->sv));
		memset(o->sm, 0, sizeof(o->sm));
		o->v = o->sv;
		o->m = o->sm;
	}
}

/* Write the headers reserve_zeroed() placed; advance both messages. */
static inline int kp_out_emit(struct kp *kp, struct kp_out *o, uint16_t type, size_t len)
{
	if (!o->direct)
		return kp_emit_padded(kp, type, o->v, o->m, len);
	o->ka->nla_type = type;
	o->ka->nla_len = (uint16_t)(CTF_NLA_HDRLEN + len);
	o->ma->nla_type = type;
	o->ma->nla_len = (uint16_t)(CTF_NLA_HDRLEN + len);
	kp->key->nlh->nlmsg_len = o->klen;
	kp->mask->nlh->nlmsg_len = o->mlen;
	return 0;
}

int kp_scalar(struct kp *kp, unsigned int type, const struct ctf_attr_desc *d)
{
	bool mask_ok = !(d->flags & CTF_AF_NO_MASK);
	struct kp_out o;
	int r;

	kp_out_init(kp, &o, (size_t)d->len);
	kp_blanks(kp);
	if (*kp->s == ')')
		return ctf_err_set(kp->err, "%s(): a value is required", d->name);
	if ((r = parse_field(kp, kp->err, d->name, &d->fields[0], o.v, o.m, mask_ok)))
		return r;
	if (*kp->s == '/') {
		char tok[CTF_LEX_TOKEN_MAX];

		ctf_err_set(kp->err, "%s takes no mask: `%s(...%s'", d->name, d->name,
			    ctf_lex_token(kp->s, tok, sizeof(tok)));
		ctf_err_hint(kp->err, "%s is always matched exactly", d->name);
		return -EINVAL;
	}
	if (!kp_close(kp))
		return kp_bad(kp, kp->s, "expected `)' after the value");
	if ((r = kp_need_exact(kp, d->name, o.m, (size_t)d->len)))
		return r;
	return kp_out_emit(kp, &o, (uint16_t)type, (size_t)d->len);
}

int kp_struct(struct kp *kp, unsigned int type, const struct ctf_attr_desc *d)
{
	struct kp_out o;
	int r;

	kp_out_init(kp, &o, (size_t)d->len);
	if (d->kind == CTF_AK_VLAN) {
		/* vlan() starts with the CFI ("tag present") bit set in both. */
		field_set(o.v, &d->fields[2], 1);
		field_set(o.m, &d->fields[2], 1);
	}
	if ((r = kp_fields(kp, d->name, d->fields, d->n_fields, o.v, o.m)))
		return r;
	if ((r = kp_need_exact(kp, d->name, o.m, (size_t)d->len)))
		return r;
	return kp_out_emit(kp, &o, (uint16_t)type, (size_t)d->len);
}

int kp_mpls(struct kp *kp, const struct ctf_attr_desc *d)
{
	uint8_t v[12] = { 0 }, m[12] = { 0 };
	unsigned int n = 1;
	uint32_t seen = 0;
	bool done = kp_close(kp);
	int r;

	while (!done) {
		const struct ctf_field_desc *fd;
		const char *name;
		size_t len;

		if ((r = kp_field_name(kp, "mpls", &name, &len)))
			return r;
		fd = kp_find_field(d->fields, d->n_fields, name, len, 0);
		if (!fd)
			return kp_unknown_field(kp, "mpls", name, len, d->fields, d->n_fields);
		/* A field seen again starts the next label stack entry. */
		if (seen & (1u << (fd - d->fields))) {
			if (n == 3)
				return kp_bad(kp, name, "mpls(): at most 3 label stack entries");
			n++;
			seen = 0;
		}
		seen |= 1u << (fd - d->fields);
		if ((r = kp_field(kp, "mpls", fd, v + 4 * (n - 1), m + 4 * (n - 1))))
			return r;
		if ((r = kp_field_sep(kp, "mpls", &done)))
			return r;
	}
	if ((r = kp_need_exact(kp, "mpls", m, 4 * n)))
		return r;
	return kp_emit_padded(kp, OVS_KEY_ATTR_MPLS, v, m, 4 * n);
}

/*
 * ct labels travel as a host-order 128-bit integer (OVS's ovs_u128 and the
 * kernel's label bitmap agree: bit 0 is in the first byte on little-endian),
 * the same layout the ct(label=) action uses; the text is big-endian.
 */
int kp_label(struct kp *kp)
{
	uint8_t v[16], m[16];
	int r;

	kp_blanks(kp);
	if ((r = ctf_lex_u128(&kp->s, kp->err, "ct_label", CTF_NUM_C, v)))
		return r;
	memset(m, 0xff, 16);
	if (*kp->s == '/') {
		kp->s++;
		if ((r = ctf_lex_u128(&kp->s, kp->err, "ct_label mask", CTF_NUM_C, m)))
			return r;
	}
	if (!kp_close(kp))
		return kp_bad(kp, kp->s, "ct_label(): expected `)'");
	if ((r = kp_need_exact(kp, "ct_label", m, 16)))
		return r;
	ctf_lex_u128_be_to_host(v);
	ctf_lex_u128_be_to_host(m);
	return kp_emit(kp, OVS_KEY_ATTR_CT_LABELS, v, m, 16);
}
