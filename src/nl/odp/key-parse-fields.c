// SPDX-License-Identifier: Apache-2.0
/*
 * Field values of the flow key text: the less common styles of one "V[/M]"
 * (kp_parse_field() in key-parse.h reads the common ones), "f=V,g=V)"
 * lists, and the mpls and ct_label attributes.
 */
#include <stdio.h>
#include <string.h>

#include "odp/key-parse.h"

static const char *const frag_names[] = { "no", "first", "later" };

/* Out of line, so that the token buffer costs the parse nothing. */
static int __attribute__((cold, noinline)) unknown_frag(struct ctf_err *err, const char *what,
							  const char *s)
{
	char tok[CTF_LEX_TOKEN_MAX];

	ctf_err_set(err, "%s: unknown fragment type `%s'", what, ctf_lex_token(s, tok, sizeof(tok)));
	ctf_err_hint(err, "use frag=no, frag=first or frag=later");
	return -EINVAL;
}

int kp_frag(struct kp *kp, struct ctf_err *err, const char *what, uint8_t *vp, uint8_t *mp)
{
	const char *s = kp->s;
	size_t n = 0;
	unsigned int v;

	while (s[n] >= 'a' && s[n] <= 'z')
		n++;
	for (v = 0; v < 3; v++)
		if (ctf_lex_name_eq(frag_names[v], s, n))
			break;
	if (v == 3)
		return unknown_frag(err, what, s);
	if (s[n] == '/')
		return ctf_lex_bad(err, s + n, "frag= takes no mask");
	kp->s = s + n;
	*vp = (uint8_t)v;
	*mp = 0xff;
	return 0;
}

/* in_port by name, through the caller's port map. */
int kp_port_name(struct kp *kp, struct ctf_err *err, uint64_t *v)
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

/* Out of line: most addresses have no mask, and a prefix is rarer still. */
int kp_addr_mask(struct kp *kp, struct ctf_err *err, const char *what, size_t len, uint8_t *mp)
{
	kp->s++;
	if (len == 6)
		return ctf_lex_mac(&kp->s, err, what, mp);
	return ctf_lex_addr_mask(&kp->s, err, what, len, mp);
}

int kp_field(struct kp *kp, const char *what, const struct ctf_field_desc *fd, uint8_t *val,
	     uint8_t *msk)
{
	return kp_parse_field(kp, kp->err, what, fd, val, msk, true);
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
		if (kp_parse_field(kp, NULL, attr, fd, val, msk, true)) {
			/* Errors are rare: only now pay for naming the field. */
			snprintf(what, sizeof(what), "%s(%.*s=)", attr, (int)len, name);
			kp->s = at;
			r = kp_parse_field(kp, kp->err, what, fd, val, msk, true);
			return r ? r : -EINVAL;
		}
		hint = (unsigned int)(fd - fields) + 1;
		if ((r = kp_field_sep(kp, attr, &done)))
			return r;
	}
	return 0;
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
