// SPDX-License-Identifier: Apache-2.0
/*
 * Flow key text (ovs-dpctl syntax) -> OVS_KEY_ATTR_* key and mask streams.
 *
 * A single left-to-right pass over the text: every attribute is decoded
 * straight into the key and mask buffers, driven by its row in key-attrs.c.
 * No allocation, no regex. Unlike OVS, numbers that do not fit their field
 * are refused instead of being truncated. This file is the walker over
 * attributes and the output helpers; the kinds live in key-parse-*.c.
 */
#include <stdio.h>
#include <string.h>

#include "odp/key-parse.h"

/* ---- output ------------------------------------------------------------ */

int kp_too_long(struct kp *kp)
{
	return ctf_err_setn(kp->err, -EMSGSIZE,
			    "flow key too long: it does not fit in one netlink message");
}

int kp_nest_start(struct kp *kp, struct ctf_nlbuf *b, uint16_t type, struct nlattr **n)
{
	*n = NULL;
	if (!b)
		return 0;
	*n = mnl_attr_nest_start_check(b->nlh, ctf_nlbuf_buflen(b), type);
	if (!*n)
		return kp_too_long(kp);
	return 0;
}

void kp_nest_end(struct ctf_nlbuf *b, struct nlattr *n)
{
	if (b && n)
		mnl_attr_nest_end(b->nlh, n);
}

int kp_emit(struct kp *kp, uint16_t type, const void *v, const void *m, size_t len)
{
	if (kp_put_attr(kp, kp->key, type, v, len))
		return -EMSGSIZE;
	return kp->mask ? kp_put_attr(kp, kp->mask, type, m, len) : 0;
}

/*
 * kp_emit() for value and mask in zero-filled buffers of at least
 * CTF_NLA_ALIGN(len) bytes (kp_mpls, ct_state, tcp_flags, and kp_scalar or
 * kp_struct when they could not decode in place): payload and alignment
 * padding are copied together in whole words, since the bytes after @len in
 * @v and @m are the zeros the padding must be. No library call, no byte tail.
 */
int kp_emit_padded(struct kp *kp, uint16_t type, const uint8_t *v, const uint8_t *m,
		   size_t len)
{
	struct ctf_nlbuf *bufs[2] = { kp->key, kp->mask };
	const uint8_t *src[2] = { v, m };

	for (int i = 0; i < 2 && bufs[i]; i++) {
		struct nlmsghdr *nlh = bufs[i]->nlh;
		size_t alen = CTF_NLA_ALIGN(len), off;
		struct nlattr *a;
		uint8_t *dst;

		if (nlh->nlmsg_len + CTF_NLA_HDRLEN + alen > bufs[i]->cap)
			return kp_too_long(kp);
		a = (struct nlattr *)((char *)nlh + CTF_NLA_ALIGN(nlh->nlmsg_len));
		a->nla_type = type;
		a->nla_len = (uint16_t)(CTF_NLA_HDRLEN + len);
		dst = (uint8_t *)a + CTF_NLA_HDRLEN;
		for (off = 0; off + 8 <= alen; off += 8)
			memcpy(dst + off, src[i] + off, 8);
		if (off < alen)
			memcpy(dst + off, src[i] + off, 4);
		nlh->nlmsg_len += (uint32_t)(CTF_NLA_HDRLEN + alen);
	}
	return 0;
}

int kp_need_exact(struct kp *kp, const char *attr, const uint8_t *m, size_t len)
{
	if (kp->mask)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (m[i] != 0xff) {
			ctf_err_set(kp->err, "%s(...): a /mask is not allowed here", attr);
			return -EINVAL;
		}
	return 0;
}

/* ---- scalar and struct attributes: most of every key ------------------ */

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

/* Out of line, so that the token buffer costs the parse nothing. */
static int __attribute__((cold, noinline)) no_mask(struct kp *kp, const char *attr)
{
	char tok[CTF_LEX_TOKEN_MAX];

	ctf_err_set(kp->err, "%s takes no mask: `%s(...%s'", attr, attr,
		    ctf_lex_token(kp->s, tok, sizeof(tok)));
	ctf_err_hint(kp->err, "%s is always matched exactly", attr);
	return -EINVAL;
}

static int kp_scalar(struct kp *kp, unsigned int type, const struct ctf_attr_desc *d)
{
	bool mask_ok = !(d->flags & CTF_AF_NO_MASK);
	struct kp_out o;
	int r;

	kp_out_init(kp, &o, (size_t)d->len);
	kp_blanks(kp);
	if (*kp->s == ')')
		return ctf_err_set(kp->err, "%s(): a value is required", d->name);
	if ((r = kp_parse_field(kp, kp->err, d->name, &d->fields[0], o.v, o.m, mask_ok)))
		return r;
	if (*kp->s == '/')
		return no_mask(kp, d->name);
	if (!kp_close(kp))
		return kp_bad(kp, kp->s, "expected `)' after the value");
	if ((r = kp_need_exact(kp, d->name, o.m, (size_t)d->len)))
		return r;
	return kp_out_emit(kp, &o, (uint16_t)type, (size_t)d->len);
}

static int kp_struct(struct kp *kp, unsigned int type, const struct ctf_attr_desc *d)
{
	struct kp_out o;
	int r;

	kp_out_init(kp, &o, (size_t)d->len);
	if (d->kind == CTF_AK_VLAN) {
		/* vlan() starts with the CFI ("tag present") bit set in both. */
		kp_field_set(o.v, &d->fields[2], 1);
		kp_field_set(o.m, &d->fields[2], 1);
	}
	if ((r = kp_fields(kp, d->name, d->fields, d->n_fields, o.v, o.m)))
		return r;
	if ((r = kp_need_exact(kp, d->name, o.m, (size_t)d->len)))
		return r;
	return kp_out_emit(kp, &o, (uint16_t)type, (size_t)d->len);
}

static int kp_attrs_until_paren(struct kp *kp);

static int kp_encap(struct kp *kp)
{
	struct nlattr *nk, *nm;
	int r;

	if (kp->depth >= CTF_MAX_ENCAP_DEPTH) {
		char tok[CTF_LEX_TOKEN_MAX];

		ctf_err_setn(kp->err, -E2BIG, "encap() nested more than %d deep at `%s'",
			     CTF_MAX_ENCAP_DEPTH, ctf_lex_token(kp->s - 6, tok, sizeof(tok)));
		ctf_err_hint(kp->err, "the kernel datapath matches at most 2 VLAN tags "
				      "(outer vlan + one encap(... vlan ... encap(...)))");
		return -E2BIG;
	}
	if ((r = kp_nest_start(kp, kp->key, OVS_KEY_ATTR_ENCAP, &nk)))
		return r;
	if ((r = kp_nest_start(kp, kp->mask, OVS_KEY_ATTR_ENCAP, &nm)))
		return r;
	kp->depth++;
	r = kp_attrs_until_paren(kp);
	kp->depth--;
	if (r)
		return r;
	kp_nest_end(kp->key, nk);
	kp_nest_end(kp->mask, nm);
	return 0;
}

/* ---- keyN(hex[/hex]) for attributes our header does not know ----------- */

/* Hex bytes, optionally separated by single spaces (ovs-dpctl's form). */
static size_t raw_bytes(const char **sp, uint8_t *out, size_t max)
{
	const char *s = *sp;
	size_t n = 0;

	while (ctf_lex_hexval(s[0]) >= 0 && ctf_lex_hexval(s[1]) >= 0 && n < max) {
		out[n++] = (uint8_t)(ctf_lex_hexval(s[0]) << 4 | ctf_lex_hexval(s[1]));
		s += 2;
		if (*s == ' ' && ctf_lex_hexval(s[1]) >= 0)
			s++;
	}
	*sp = s;
	return n;
}

static int kp_raw(struct kp *kp, unsigned int type)
{
	uint8_t v[512], m[512];
	const char *s = kp->s;
	size_t n = raw_bytes(&s, v, sizeof(v));

	memset(m, 0xff, n);
	if (*s == '/') {
		s++;
		if (raw_bytes(&s, m, sizeof(m)) != n)
			return kp_bad(kp, kp->s, "keyN(hex/hex): value and mask lengths differ");
	}
	kp->s = s;
	if (!kp_close(kp))
		return kp_bad(kp, kp->s, "keyN(): expected hex bytes then `)'");
	if (kp_need_exact(kp, "keyN", m, n))
		return -EINVAL;
	return kp_emit(kp, (uint16_t)type, v, m, n);
}

/* ---- attribute dispatch ------------------------------------------------ */

/*
 * The attribute types one level of a key has used: the kernel refuses a key
 * that repeats one, and a repeated type would also leave its mask ambiguous.
 * Types above 63 only come as keyN(); a key carries few of those.
 */
#define MAX_HIGH_RAW 16
struct attrs_seen {
	uint64_t low;
	uint16_t high[MAX_HIGH_RAW];
	unsigned n_high;
};

static int __attribute__((cold, noinline)) type_error(struct kp *kp, bool dup, const char *what,
							const char *at)
{
	char tok[CTF_LEX_TOKEN_MAX];

	ctf_lex_token(at, tok, sizeof(tok));
	if (!dup)
		return ctf_err_set(kp->err, "more than %u keyN() attributes of types above 63 at `%s'",
				   MAX_HIGH_RAW, tok);
	ctf_err_set(kp->err, "duplicate key attribute `%s' at `%s'", what, tok);
	ctf_err_hint(kp->err, "the kernel refuses a key that repeats an attribute");
	return -EINVAL;
}

static int note_type(struct kp *kp, struct attrs_seen *seen, unsigned int type, const char *what,
		     const char *at)
{
	bool dup = false;

	if (!seen)
		return 0;
	if (type < 64) {
		dup = seen->low & (1ull << type);
		seen->low |= 1ull << type;
	} else {
		for (unsigned i = 0; i < seen->n_high; i++)
			dup |= seen->high[i] == type;
		if (!dup && seen->n_high == MAX_HIGH_RAW)
			return type_error(kp, false, what, at);
		if (!dup)
			seen->high[seen->n_high++] = (uint16_t)type;
	}
	return dup ? type_error(kp, true, what, at) : 0;
}


/* The hint for an unknown key: the names a user may write, from the table. */
static void hint_key_names(struct ctf_err *err)
{
	char names[sizeof(err->hint) - 40];
	size_t len = 0;

	names[0] = '\0';
	for (unsigned int t = 1; t <= ctf_key_table.max_type; t++) {
		const struct ctf_attr_desc *d = &ctf_key_table.rows[t];
		int n;

		if (!d->name || d->flags & CTF_AF_USER_ONLY)
			continue;
		n = snprintf(names + len, sizeof(names) - len, "%s%s", len ? " " : "", d->name);
		if (n < 0 || (size_t)n >= sizeof(names) - len) {
			names[len] = '\0';
			break;
		}
		len += (size_t)n;
	}
	ctf_err_hint(err, "key attributes: %s; see ctflow-flows(7)", names);
}

/* "keyN(" for a type our header does not know (or only userspace uses). */
static int kp_raw_attr(struct kp *kp, struct attrs_seen *seen, const char *name, size_t n)
{
	const char *num = name + 3;
	char raw_name[16];
	unsigned int type;
	uint64_t t;
	int r;

	if (!(n > 3 && !strncmp(name, "key", 3) && num[0] >= '1' && num[0] <= '9' &&
	      !ctf_lex_scan_u64(&num, CTF_NUM_DEC, &t) && num == name + n &&
	      t < NLA_F_NET_BYTEORDER &&
	      (t > OVS_KEY_ATTR_MAX ||
	       ctf_attr_row(&ctf_key_table, (unsigned int)t)->flags & CTF_AF_USER_ONLY))) {
		ctf_err_set(kp->err, "unknown key attribute `%.*s'", (int)n, name);
		hint_key_names(kp->err);
		return -EINVAL;
	}
	/* Below the flag bits: a 14-bit type, never NESTED or NET_BYTEORDER. */
	type = (unsigned int)t;
	snprintf(raw_name, sizeof(raw_name), "key%u", type);
	if ((r = note_type(kp, seen, type, raw_name, name)))
		return r;
	return kp_raw(kp, type);
}

static int kp_kind(struct kp *kp, unsigned int type, const struct ctf_attr_desc *d)
{
	switch (d->kind) {
	case CTF_AK_SCALAR:
		return kp_scalar(kp, type, d);
	case CTF_AK_STRUCT:
	case CTF_AK_VLAN:
		return kp_struct(kp, type, d);
	case CTF_AK_MPLS:
		return kp_mpls(kp, d);
	case CTF_AK_CT_STATE:
		return kp_ct_state(kp);
	case CTF_AK_TCP_FLAGS:
		return kp_tcp_flags(kp);
	case CTF_AK_LABEL128:
		return kp_label(kp);
	case CTF_AK_ENCAP:
		return kp_encap(kp);
	case CTF_AK_TUNNEL:
		return kp_tunnel(kp);
	case CTF_AK_NSH:
		return kp_nsh(kp);
	default:
		ctf_err_set(kp->err, "`%s' is not part of the kernel datapath ABI "
				     "(OVS userspace-only key)", d->name);
		ctf_err_hint(kp->err, "the Linux kernel refuses %s in a flow key; leave it out",
			     d->name);
		return -EOPNOTSUPP;
	}
}

static int kp_attr(struct kp *kp, struct attrs_seen *seen)
{
	const char *name = kp->s, *paren;
	const struct ctf_attr_desc *d;
	unsigned int type;
	size_t n = ctf_lex_ident_len(name);
	int r;

	paren = name + n;
	if (__builtin_expect(*paren != '(', 0))
		paren = ctf_lex_skip_blanks(paren);	/* "ipv4 (...)" */
	if (!n || *paren != '(') {
		if (!n)
			return kp_bad(kp, name, "expected a key attribute such as in_port(1)");
		ctf_err_set(kp->err, "key attribute `%.*s' needs `(...)'", (int)n, name);
		return -EINVAL;
	}
	kp->s = paren + 1;
	kp_blanks(kp);
	d = ctf_key_attr_by_name(name, n, &type);
	if (!d)
		return kp_raw_attr(kp, seen, name, n);
	if ((r = note_type(kp, seen, type, d->name, name)))
		return r;
	return kp_kind(kp, type, d);
}

static void skip_delims(struct kp *kp)
{
	while (ctf_lex_is_delim(*kp->s))
		kp->s++;
}

/* Attributes up to the ')' closing an encap(). */
static int kp_attrs_until_paren(struct kp *kp)
{
	struct attrs_seen seen = { 0 };
	int r;

	for (;;) {
		skip_delims(kp);
		if (*kp->s == ')') {
			kp->s++;
			return 0;
		}
		if (!*kp->s)
			return ctf_err_set(kp->err, "encap(...): missing `)'");
		if ((r = kp_attr(kp, &seen)))
			return r;
	}
}

int ctf_key_parse_one(const char **p, const struct ctf_portmap *ports,
		      struct ctf_nlbuf *key, struct ctf_nlbuf *mask, struct ctf_err *err)
{
	struct kp kp = { .s = *p, .ports = ports, .key = key, .mask = mask, .err = err };
	uint32_t klen = key->nlh->nlmsg_len, mlen = mask ? mask->nlh->nlmsg_len : 0;
	int r = kp_attr(&kp, NULL);

	if (r) {
		key->nlh->nlmsg_len = klen;	/* drop anything half-written */
		if (mask)
			mask->nlh->nlmsg_len = mlen;
		r = r < 0 ? r : -EINVAL;
		if (err)
			err->error = r;	/* a few refusals return another errno than -EINVAL */
		return r;
	}
	*p = kp.s;
	return 0;
}

int ctf_key_parse(const char *text, const struct ctf_portmap *ports,
		  struct ctf_nlbuf *key, struct ctf_nlbuf *mask, struct ctf_err *err)
{
	struct kp kp = { .s = text, .ports = ports, .key = key, .mask = mask, .err = err };
	uint32_t klen = key->nlh->nlmsg_len, mlen = mask ? mask->nlh->nlmsg_len : 0;
	struct attrs_seen seen = { 0 };
	int r = 0;

	ctf_err_clear(err);
	for (;;) {
		skip_delims(&kp);
		if (!*kp.s)
			break;
		if (*kp.s == ')') {
			r = kp_bad(&kp, kp.s, "unbalanced `)'");
			break;
		}
		if ((r = kp_attr(&kp, &seen)))
			break;
	}
	if (r) {
		key->nlh->nlmsg_len = klen;
		if (mask)
			mask->nlh->nlmsg_len = mlen;
		r = r < 0 ? r : -EINVAL;
		if (err)
			err->error = r;
		return r;
	}
	return 0;
}
