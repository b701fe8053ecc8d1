/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by the key parser's files only: key-parse.c (the walker over
 * attributes), key-parse-fields.c (field lists and scalars), key-parse-flags.c
 * (ct_state, tcp_flags, flag lists), key-parse-tunnel.c and key-parse-nsh.c.
 * Text is read with the lexer (util/lex.h); attributes are appended straight
 * into the caller's key and mask buffers.
 */
#ifndef CTFLOW_NL_KEY_PARSE_H
#define CTFLOW_NL_KEY_PARSE_H

#include <errno.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "odp/key-attrs.h"
#include "odp/key-internal.h"
#include "netlink/nla-inline.h"
#include "util/lex.h"

struct kp {
	const char *s;			/* cursor */
	const struct ctf_portmap *ports;
	struct ctf_nlbuf *key;
	struct ctf_nlbuf *mask;		/* NULL: masks must be all-ones (set()) */
	struct ctf_err *err;
	int depth;			/* encap() nesting */
};

/* Biggest fixed-size key payload (ct_tuple6, ipv6: 40 bytes). */
#define KP_MAXLEN 64

static inline int kp_bad(struct kp *kp, const char *at, const char *what)
{
	return ctf_lex_bad(kp->err, at, what);
}

/* Blanks are allowed after '(' and ',' and before ')' and ','. */
static inline void kp_blanks(struct kp *kp)
{
	while (__builtin_expect(ctf_lex_is_blank(*kp->s), 0))
		kp->s++;
}

/* ')' (after blanks) closes the attribute: step over it. The common text
 * has no blanks: look for them only when ')' is not there. */
static inline bool kp_close(struct kp *kp)
{
	if (__builtin_expect(*kp->s != ')', 0)) {
		kp_blanks(kp);
		if (*kp->s != ')')
			return false;
	}
	kp->s++;
	return true;
}

int kp_too_long(struct kp *kp);

static inline int kp_put_attr(struct kp *kp, struct ctf_nlbuf *b, uint16_t type,
			      const void *data, size_t len)
{
	if (!b || ctf_nla_put_check(b->nlh, b->cap, type, data, len))
		return 0;
	return kp_too_long(kp);
}

int kp_nest_start(struct kp *kp, struct ctf_nlbuf *b, uint16_t type, struct nlattr **n);
void kp_nest_end(struct ctf_nlbuf *b, struct nlattr *n);
/* Value into the key, mask into the mask (if any). */
int kp_emit(struct kp *kp, uint16_t type, const void *v, const void *m, size_t len);
/* kp_emit() for zero-filled buffers of at least CTF_NLA_ALIGN(len) bytes. */
int kp_emit_padded(struct kp *kp, uint16_t type, const uint8_t *v, const uint8_t *m,
		   size_t len);
/* With no mask buffer (set()), a partial mask cannot be carried. */
int kp_need_exact(struct kp *kp, const char *attr, const uint8_t *m, size_t len);

int kp_sep_error(struct kp *kp, const char *attr) __attribute__((cold));
int kp_name_error(struct kp *kp, const char *attr, size_t n) __attribute__((cold));

/* After a field or value: ',' or ')' must follow (*done on ')'). */
static inline int kp_field_sep(struct kp *kp, const char *attr, bool *done)
{
	if (__builtin_expect(ctf_lex_is_blank(*kp->s), 0))
		kp_blanks(kp);
	if (*kp->s == ')') {
		kp->s++;
		*done = true;
		return 0;
	}
	if (*kp->s == ',') {
		kp->s++;
		/* A trailing ',' is tolerated; blanks may follow a ','. */
		if (__builtin_expect(ctf_lex_is_blank(*kp->s), 0))
			kp_blanks(kp);
		*done = *kp->s == ')';
		kp->s += *done;
		return 0;
	}
	return kp_sep_error(kp, attr);
}

/* "name=" at the cursor; *len = length of name. */
static inline int kp_field_name(struct kp *kp, const char *attr, const char **name,
				size_t *len)
{
	size_t n = ctf_lex_ident_len(kp->s);

	*name = kp->s;
	*len = n;
	if (__builtin_expect(n && kp->s[n] == '=', 1)) {
		kp->s += n + 1;
		return 0;
	}
	return kp_name_error(kp, attr, n);
}

const struct ctf_field_desc *kp_find_field(const struct ctf_field_desc *fields, unsigned n,
					   const char *name, size_t len, unsigned int hint);
int kp_unknown_field(struct kp *kp, const char *attr, const char *name, size_t len,
		     const struct ctf_field_desc *fields, unsigned int n);

/* A field's whole integer container, in its byte order. */
static inline void kp_field_store(uint8_t *p, const struct ctf_field_desc *fd, uint64_t v)
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

/* A field's value into its container, a bit field's neighbours kept. */
static inline void kp_field_set(uint8_t *base, const struct ctf_field_desc *fd, uint64_t v)
{
	uint8_t *p = base + fd->offset;

	if (fd->bits) {
		uint64_t m = ctf_field_max(fd) << fd->shift;
		uint64_t w = ctf_field_load_word(p, fd);

		v = (w & ~m) | ((v << fd->shift) & m);
	}
	kp_field_store(p, fd, v);
}

/* The less common styles of kp_parse_field(), out of line. */
int kp_frag(struct kp *kp, struct ctf_err *err, const char *what, uint8_t *vp, uint8_t *mp);
int kp_port_name(struct kp *kp, struct ctf_err *err, uint64_t *v);
/* An address mask or prefix of @len bytes, the cursor on its '/'. */
int kp_addr_mask(struct kp *kp, struct ctf_err *err, const char *what, size_t len, uint8_t *mp);

/* After an address value: its mask or /prefix, all-ones when none. */
static inline int kp_mask_after(struct kp *kp, struct ctf_err *err, const char *what, size_t len,
				uint8_t *mp, bool mask_ok)
{
	if (*kp->s != '/' || !mask_ok) {
		memset(mp, 0xff, len);
		return 0;
	}
	return kp_addr_mask(kp, err, what, len, mp);
}

/*
 * One field value "V[/M]" at the cursor into @val/@msk by the field's style;
 * @what names it in messages, written to @err (NULL: no message). The
 * common styles are tested first, without a switch: a jump table's indirect
 * branch mispredicted more than these tests. Inlined into kp_fields() and
 * kp_scalar(), the two that run for nearly every attribute.
 */
static inline __attribute__((always_inline))
int kp_parse_field(struct kp *kp, struct ctf_err *err, const char *what,
		const struct ctf_field_desc *fd, uint8_t *val, uint8_t *msk, bool mask_ok)
{
	uint8_t *vp = val + fd->offset, *mp = msk + fd->offset;
	uint64_t v = 0, m = 0, max = ctf_field_max(fd);
	int r;

	if (fd->style == CTF_FS_IPV4) {
		if ((r = ctf_lex_ipv4(&kp->s, err, what, vp)))
			return r;
		return kp_mask_after(kp, err, what, 4, mp, mask_ok);
	}
	if (fd->style == CTF_FS_FRAG)
		return kp_frag(kp, err, what, vp, mp);
	if (fd->style == CTF_FS_ETH) {
		if ((r = ctf_lex_mac(&kp->s, err, what, vp)))
			return r;
		return kp_mask_after(kp, err, what, 6, mp, mask_ok);
	}
	if (fd->style == CTF_FS_IPV6) {
		if ((r = ctf_lex_ipv6(&kp->s, err, what, vp)))
			return r;
		return kp_mask_after(kp, err, what, 16, mp, mask_ok);
	}
	if (fd->style == CTF_FS_PORT && !ctf_lex_is_digit(*kp->s))
		r = kp_port_name(kp, err, &v);
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
		kp_field_set(val, fd, v);
		kp_field_set(msk, fd, m);
		return 0;
	}
	kp_field_store(vp, fd, v);
	kp_field_store(mp, fd, m);
	return 0;
}

/* One "V[/M]" of field @fd into @val/@msk, messages naming @what. */
int kp_field(struct kp *kp, const char *what, const struct ctf_field_desc *fd, uint8_t *val,
	     uint8_t *msk);
/* "f=V[/M],g=V,...)" over a field list, into val/msk (zeroed by the caller). */
int kp_fields(struct kp *kp, const char *attr, const struct ctf_field_desc *fields,
	      unsigned int n, uint8_t *val, uint8_t *msk);

/* Per kind, each with the cursor just after "name(". */
int kp_mpls(struct kp *kp, const struct ctf_attr_desc *d);
int kp_label(struct kp *kp);
int kp_ct_state(struct kp *kp);
int kp_tcp_flags(struct kp *kp);
int kp_tunnel(struct kp *kp);
int kp_nsh(struct kp *kp);

/* Flag names (ct_state, tcp_flags, tunnel flags) and their four forms. */
struct kp_flag_name {
	const char *name;
	uint32_t bit;
};
int kp_flags(struct kp *kp, const char *attr, const struct kp_flag_name *names,
	     uint32_t allowed, uint32_t exact, uint32_t *val, uint32_t *msk);

#endif
