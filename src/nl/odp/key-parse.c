// SPDX-License-Identifier: Apache-2.0
/*
 * Flow key text (ovs-dpctl syntax) -> OVS_KEY_ATTR_* key and mask streams.
 *
 * A single left-to-right pass over the text: every attribute is decoded into
 * a small stack buffer (value + mask) driven by its row in key-attrs.c and
 * then appended with libmnl. No allocation, no regex. Unlike OVS, numbers
 * that do not fit their field are refused instead of being truncated.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/erspan.h>
#include <libmnl/libmnl.h>

#include "odp/key-attrs.h"
#include "odp/key-internal.h"
#include "netlink/nla-inline.h"

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

static bool is_delim(char c)
{
	return c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Identifier characters, as a table: this test runs on every name byte. */
static const bool ident_chars[256] = {
	['a' ... 'z'] = true, ['A' ... 'Z'] = true, ['0' ... '9'] = true, ['_'] = true,
};

static inline bool is_ident(char c)
{
	return ident_chars[(unsigned char)c];
}

/* @n (NUL-terminated) equals the @len bytes at @s; no library call, it runs
 * for every field of every flow parsed. */
static inline bool name_eq(const char *n, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (n[i] != s[i])
			return false;
	return !n[len];
}

/* Length of the token at @s for messages: up to a delimiter or bracket. */
static int toklen(const char *s)
{
	int n = 0;

	while (s[n] && !is_delim(s[n]) && s[n] != ')' && s[n] != '(' && n < 60)
		n++;
	return n;
}

static int bad(struct kp *kp, const char *at, const char *what)
{
	if (!*at)
		return ctf_err_set(kp->err, "%s at end of input", what);
	return ctf_err_set(kp->err, "%s at `%.*s'", what, toklen(at) ? toklen(at) : 1, at);
}

/* ---- output ------------------------------------------------------------ */

static inline int put_attr(struct kp *kp, struct ctf_nlbuf *b, uint16_t type, const void *data,
			   size_t len)
{
	struct nlmsghdr *nlh;
	struct nlattr *a;

	if (!b)
		return 0;
	/*
	 * What mnl_attr_put_check() does, inline: every flow appends some
	 * twenty small key and mask attributes, and the three out-of-line
	 * libmnl calls per append were a tenth of the parse. Same bound
	 * check, same header, and the alignment padding zeroed (as libmnl
	 * 1.0.5+ does; 1.0.4 left stale bytes there).
	 */
	nlh = b->nlh;
	if (nlh->nlmsg_len + CTF_NLA_HDRLEN + CTF_NLA_ALIGN(len) > b->cap)
		return ctf_err_setn(kp->err, -EMSGSIZE,
				    "flow key too long: it does not fit in one netlink message");
	a = (struct nlattr *)((char *)nlh + CTF_NLA_ALIGN(nlh->nlmsg_len));
	a->nla_type = type;
	a->nla_len = (uint16_t)(CTF_NLA_HDRLEN + len);
	if (len & 3) {
		/* Zero the last 4-byte word first; the copy then fills its head. */
		static const uint32_t zero;

		memcpy((char *)a + CTF_NLA_HDRLEN + (len & ~(size_t)3), &zero, 4);
	}
	if (len <= KP_MAXLEN)
		ctf_nla_copy_small((uint8_t *)a + CTF_NLA_HDRLEN, data, len);
	else
		memcpy((char *)a + CTF_NLA_HDRLEN, data, len);
	nlh->nlmsg_len += CTF_NLA_ALIGN(a->nla_len);
	return 0;
}

static int nest_start(struct kp *kp, struct ctf_nlbuf *b, uint16_t type, struct nlattr **n)
{
	*n = NULL;
	if (!b)
		return 0;
	*n = mnl_attr_nest_start_check(b->nlh, ctf_nlbuf_buflen(b), type);
	if (!*n)
		return ctf_err_setn(kp->err, -EMSGSIZE,
				    "flow key too long: it does not fit in one netlink message");
	return 0;
}

static void nest_end(struct ctf_nlbuf *b, struct nlattr *n)
{
	if (b && n)
		mnl_attr_nest_end(b->nlh, n);
}

/* ---- scanners ---------------------------------------------------------- */

/* Hex digit value + 1, 0 for anything else: one load per digit. */
static const uint8_t hex_digit1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

static inline int hexval(char c)
{
	return hex_digit1[(unsigned char)c] - 1;
}

/*
 * %i-style unsigned number: decimal, 0x hex, leading-0 octal. Returns 0,
 * -EINVAL when there are no digits, -ERANGE when it exceeds 64 bits or is
 * negative. The general loop; scan_u64() below takes the common forms first.
 */
static int __attribute__((noinline)) scan_u64_slow(const char **sp, uint64_t *v)
{
	const char *s = *sp;
	unsigned int base = 10;
	uint64_t x = 0;
	bool any = false;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '+')
		s++;
	else if (*s == '-')
		return -ERANGE;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0') {
		base = 8;
	}
	for (;; s++) {
		unsigned int d;
		char c = *s;

		if (c >= '0' && c <= '9')
			d = (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned int)(c - 'A' + 10);
		else
			break;
		if (d >= base)
			break;
		/* Overflow-checked x * base + d without a division per digit. */
		if (__builtin_mul_overflow(x, base, &x) || __builtin_add_overflow(x, d, &x))
			return -ERANGE;
		any = true;
	}
	if (!any)
		return -EINVAL;
	*sp = s;
	*v = x;
	return 0;
}

/*
 * scan_u64_slow(), with the forms flow text is made of (decimal without a
 * leading zero, 0x hex, a lone 0) handled inline: they cannot overflow
 * below 20 decimal or 17 hex digits, so the loop needs no overflow test.
 * Anything else (blanks, signs, octal, long numbers) takes the general path.
 */
static inline int scan_u64(const char **sp, uint64_t *v)
{
	const char *s = *sp;
	unsigned int d, n;
	uint64_t x;

	if (s[0] >= '1' && s[0] <= '9') {
		x = (unsigned int)(s[0] - '0');
		for (n = 1; (d = (unsigned int)((unsigned char)s[n] - '0')) <= 9; n++) {
			if (n == 19)
				return scan_u64_slow(sp, v);
			x = x * 10 + d;
		}
		*sp = s + n;
		*v = x;
		return 0;
	}
	if (s[0] != '0')
		return scan_u64_slow(sp, v);
	if ((s[1] | 0x20) == 'x') {
		for (x = 0, n = 0; (d = hex_digit1[(unsigned char)s[2 + n]]); n++) {
			if (n == 16)
				return scan_u64_slow(sp, v);
			x = x << 4 | (d - 1);
		}
		if (!n)
			return -EINVAL;
		*sp = s + 2 + n;
		*v = x;
		return 0;
	}
	if (s[1] >= '0' && s[1] <= '7')
		return scan_u64_slow(sp, v);
	*sp = s + 1;
	*v = 0;
	return 0;
}

/* A number bounded by @max, with messages naming @what. */
static int __attribute__((cold, noinline)) scan_num_fail(struct kp *kp, const char *what,
							   uint64_t max, const char *at, int r)
{
	if (r == -EINVAL)
		return bad(kp, at, what[0] ? what : "expected a number");
	ctf_err_setn(kp->err, -ERANGE, "%s: `%.*s' is out of range (max %llu)", what,
		     toklen(at), at, (unsigned long long)max);
	ctf_err_hint(kp->err, "ovs-dpctl would silently truncate it; ctflow refuses");
	return -ERANGE;
}

/* The check inline (every numeric field), the message out of line. */
static inline int scan_num(struct kp *kp, const char *what, uint64_t max, uint64_t *v)
{
	const char *at = kp->s;
	int r = scan_u64(&kp->s, v);

	if (__builtin_expect(r || *v > max, 0))
		return scan_num_fail(kp, what, max, at, r ? r : -ERANGE);
	return 0;
}

static int scan_eth(struct kp *kp, const char *what, uint8_t mac[6])
{
	const char *s = kp->s;

	for (int i = 0; i < 6; i++) {
		int h = hexval(*s), l;

		if (h < 0)
			return bad(kp, kp->s, what);
		s++;
		l = hexval(*s);
		if (l >= 0) {
			h = h * 16 + l;
			s++;
		}
		if (hexval(*s) >= 0)
			return bad(kp, kp->s, what);
		mac[i] = (uint8_t)h;	/* two hex digits */
		if (i < 5) {
			if (*s != ':')
				return bad(kp, kp->s, what);
			s++;
		}
	}
	kp->s = s;
	return 0;
}

static int scan_ipv4(struct kp *kp, const char *what, uint8_t addr[4])
{
	const char *s = kp->s;

	for (int i = 0; i < 4; i++) {
		unsigned int v = 0, n = 0;

		while (*s >= '0' && *s <= '9' && n < 4) {
			v = v * 10 + (unsigned int)(*s++ - '0');
			n++;
		}
		if (!n)
			return bad(kp, kp->s, what);
		if (v > 255 || n > 3) {
			ctf_err_setn(kp->err, -ERANGE,
				     "%s: octet %u in `%.*s' is out of range (max 255)", what, v,
				     toklen(kp->s), kp->s);
			return -ERANGE;
		}
		addr[i] = (uint8_t)v;
		if (i < 3) {
			if (*s != '.')
				return bad(kp, kp->s, what);
			s++;
		}
	}
	if (*s == '.' || (*s >= '0' && *s <= '9'))
		return bad(kp, kp->s, what);
	kp->s = s;
	return 0;
}

static int scan_ipv6(struct kp *kp, const char *what, uint8_t addr[16])
{
	size_t n = 0;
	const char *s = kp->s;

	while ((hexval(s[n]) >= 0 || s[n] == ':' || s[n] == '.') && n < INET6_ADDRSTRLEN)
		n++;
	if (hexval(s[n]) >= 0 || s[n] == ':' || s[n] == '.' || !n)
		return bad(kp, s, what);
	/* inet_pton's rules in place, without a NUL-terminated copy. */
	if (!ctf_parse_ipv6(s, n, addr))
		return bad(kp, s, what);
	kp->s = s + n;
	return 0;
}

/* ---- integer fields inside a struct-like key ---------------------------- */

static inline void store_word(uint8_t *p, const struct ctf_field_desc *fd, uint64_t v)
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
	store_word(p, fd, v);
}

static const char *const frag_names[] = { "no", "first", "later" };

/*
 * Parse one field value "V[/M]" at the cursor into @val/@msk according to
 * the field's style. @what names the field in messages ("ipv4 src").
 */
static int parse_field(struct kp *kp, const char *what, const struct ctf_field_desc *fd,
		       uint8_t *val, uint8_t *msk, bool mask_ok)
{
	uint8_t *vp = val + fd->offset, *mp = msk + fd->offset;
	const char *at = kp->s;
	uint64_t v, m, max;
	int r;

	switch (fd->style) {
	case CTF_FS_ETH:
		if ((r = scan_eth(kp, what, vp)))
			return r;
		memset(mp, 0xff, 6);
		if (*kp->s == '/' && mask_ok) {
			kp->s++;
			return scan_eth(kp, what, mp);
		}
		return 0;
	case CTF_FS_IPV4:
		if ((r = scan_ipv4(kp, what, vp)))
			return r;
		memset(mp, 0xff, 4);
		if (*kp->s == '/' && mask_ok) {
			kp->s++;
			return scan_ipv4(kp, what, mp);
		}
		return 0;
	case CTF_FS_IPV6:
		if ((r = scan_ipv6(kp, what, vp)))
			return r;
		memset(mp, 0xff, 16);
		if (*kp->s == '/' && mask_ok) {
			kp->s++;
			return scan_ipv6(kp, what, mp);
		}
		return 0;
	case CTF_FS_FRAG: {
		size_t n = 0;

		while (kp->s[n] >= 'a' && kp->s[n] <= 'z')
			n++;
		for (v = 0; v < 3; v++)
			if (name_eq(frag_names[v], kp->s, n))
				break;
		if (v == 3) {
			ctf_err_set(kp->err, "%s: unknown fragment type `%.*s'", what,
				    toklen(at), at);
			ctf_err_hint(kp->err, "use frag=no, frag=first or frag=later");
			return -EINVAL;
		}
		kp->s += n;
		*vp = (uint8_t)v;
		*mp = 0xff;
		if (*kp->s == '/')
			return bad(kp, kp->s, "frag= takes no mask");
		return 0;
	}
	case CTF_FS_PORT:
		if (!(*kp->s >= '0' && *kp->s <= '9')) {
			uint32_t no;
			size_t n = 0;
			char name[sizeof(((struct ctf_port_name *)0)->name)];

			while (kp->s[n] && kp->s[n] != ')' && kp->s[n] != '/' && !is_delim(kp->s[n]))
				n++;
			if (!n)
				return bad(kp, at, "in_port: expected a port number or name");
			if (n >= sizeof(name) || !kp->ports ||
			    ctf_portmap_lookup_name(kp->ports, (memcpy(name, kp->s, n), name[n] = 0,
								name), &no)) {
				ctf_err_setn(kp->err, -ENOENT, "in_port: unknown port name `%.*s'",
					     (int)n, kp->s);
				ctf_err_hint(kp->err, "use the port number, or a name shown by "
						      "`ctflow show'");
				return -ENOENT;
			}
			kp->s += n;
			v = no;
			max = ctf_field_max(fd);
			break;
		}
		__attribute__((fallthrough));
	default:
		max = ctf_field_max(fd);
		if ((r = scan_num(kp, what, max, &v)))
			return r;
		break;
	}
	/* A numeric field: the value, then the mask (all-ones unless given). */
	m = max;
	if (*kp->s == '/' && mask_ok) {
		kp->s++;
		if ((r = scan_num(kp, what, max, &m)))
			return r;
	}
	if (fd->bits || fd->host_order) {
		field_set(val, fd, v);
		field_set(msk, fd, m);
		return 0;
	}
	/* Whole big-endian integers, the common case, stored in place. */
	switch (fd->size) {
	case 1:
		*vp = (uint8_t)v;
		*mp = (uint8_t)m;
		return 0;
	case 2:
		vp[0] = (uint8_t)(v >> 8);
		vp[1] = (uint8_t)v;
		mp[0] = (uint8_t)(m >> 8);
		mp[1] = (uint8_t)m;
		return 0;
	default:
		store_word(vp, fd, v);
		store_word(mp, fd, m);
		return 0;
	}
}

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A dotted quad as scan_ipv4() takes it, without messages; false for
 * anything else. */
static inline bool quick_ipv4(const char **sp, uint8_t out[4])
{
	const char *s = *sp;

	for (int i = 0; i < 4; i++) {
		unsigned int v;

		if (!is_digit(s[0]))
			return false;
		v = (unsigned int)(*s++ - '0');
		if (is_digit(*s)) {
			v = v * 10 + (unsigned int)(*s++ - '0');
			if (is_digit(*s))
				v = v * 10 + (unsigned int)(*s++ - '0');
		}
		if (v > 255 || is_digit(*s))
			return false;
		out[i] = (uint8_t)v;
		if (i < 3 && *s++ != '.')
			return false;
	}
	if (*s == '.')
		return false;
	*sp = s;
	return true;
}

static inline void store_int(uint8_t *p, const struct ctf_field_desc *fd, uint64_t v)
{
	if (fd->host_order) {
		if (fd->size == 2) {
			uint16_t x = (uint16_t)v;

			memcpy(p, &x, 2);
		} else {
			uint32_t x = (uint32_t)v;

			memcpy(p, &x, 4);
		}
		return;
	}
	switch (fd->size) {
	case 1:
		p[0] = (uint8_t)v;
		break;
	case 2:
		p[0] = (uint8_t)(v >> 8);
		p[1] = (uint8_t)v;
		break;
	default:
		p[0] = (uint8_t)(v >> 24);
		p[1] = (uint8_t)(v >> 16);
		p[2] = (uint8_t)(v >> 8);
		p[3] = (uint8_t)v;
		break;
	}
}

/*
 * parse_field() for the fields nearly every flow is made of, without its
 * calls: a whole 1, 2 or 4-byte integer written as a plain number or an IPv4
 * address, each with an optional /mask, and frag=. Anything else, including
 * any text parse_field() would refuse, returns false with the cursor
 * unmoved, and the caller runs parse_field() from the same point: it decides
 * the same way and words the error. Always inlined: out of line, GCC gave it
 * a frame that cost as much as the number it reads. Tests, not a switch: a
 * jump table's indirect branch mispredicted more than these.
 */
static inline __attribute__((always_inline))
bool quick_field(struct kp *kp, const struct ctf_field_desc *fd, uint8_t *val, uint8_t *msk,
		 bool mask_ok)
{
	uint8_t *vp = val + fd->offset, *mp = msk + fd->offset;
	const char *s = kp->s;
	uint64_t v, m, max;

	if (fd->style == CTF_FS_IPV4) {
		if (!quick_ipv4(&s, vp))
			return false;
		if (*s == '/' && mask_ok) {
			s++;
			if (!quick_ipv4(&s, mp))
				return false;
		} else {
			memset(mp, 0xff, 4);
		}
		kp->s = s;
		return true;
	}
	if (fd->style == CTF_FS_FRAG) {
		size_t n = 0;

		while (s[n] >= 'a' && s[n] <= 'z')
			n++;
		for (v = 0; v < 3; v++)
			if (name_eq(frag_names[v], s, n))
				break;
		if (v == 3 || s[n] == '/')
			return false;
		*vp = (uint8_t)v;
		*mp = 0xff;
		kp->s = s + n;
		return true;
	}
	if (fd->style == CTF_FS_ETH || fd->style == CTF_FS_IPV6 ||
	    (fd->style == CTF_FS_PORT && !is_digit(*s)))
		return false;
	if (fd->bits || (fd->size != 1 && fd->size != 2 && fd->size != 4) ||
	    (fd->host_order && fd->size == 1))
		return false;
	max = ctf_field_max(fd);
	if (scan_u64(&s, &v) || v > max)
		return false;
	m = max;
	if (*s == '/' && mask_ok) {
		s++;
		if (scan_u64(&s, &m) || m > max)
			return false;
	}
	store_int(vp, fd, v);
	store_int(mp, fd, m);
	kp->s = s;
	return true;
}

/* After a field or value: ',' or ')' must follow. */
static inline int field_sep(struct kp *kp, const char *attr, bool *done)
{
	if (*kp->s == ')') {
		kp->s++;
		*done = true;
		return 0;
	}
	if (*kp->s == ',') {
		kp->s++;
		if (*kp->s == ')') {	/* trailing ',' is tolerated */
			kp->s++;
			*done = true;
		}
		return 0;
	}
	if (!*kp->s)
		return ctf_err_set(kp->err, "%s(...): missing `)' at end of input", attr);
	ctf_err_set(kp->err, "%s(...): expected `,' or `)' at `%.*s'", attr,
		    toklen(kp->s) ? toklen(kp->s) : 1, kp->s);
	return -EINVAL;
}


static inline bool field_is(const struct ctf_field_desc *fd, const char *name, size_t len)
{
	/* The first byte rules out most rows without entering the loop. */
	return (fd->name && fd->name[0] == name[0] && name_eq(fd->name, name, len)) ||
	       (fd->alias && name_eq(fd->alias, name, len));
}

/*
 * The row named @name. Names (and aliases) are unique within a list, so the
 * search may start anywhere: at @hint, the row after the previous match,
 * because text written by ovs-dpctl or ctflow lists fields in table order.
 */
static const struct ctf_field_desc *find_field(const struct ctf_field_desc *fields, unsigned n,
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

static int unknown_field(struct kp *kp, const char *attr, const char *name, size_t len,
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

/* Read "name=" at the cursor; *len = length of name. */
static inline int field_name(struct kp *kp, const char *attr, const char **name, size_t *len)
{
	size_t n = 0;

	*name = kp->s;
	while (is_ident(kp->s[n]))
		n++;
	*len = n;
	if (!n || kp->s[n] != '=') {
		if (n && (kp->s[n] == ',' || kp->s[n] == ')'))
			return ctf_err_set(kp->err, "%s(...): field `%.*s' needs `=VALUE'", attr,
					   (int)n, kp->s);
		if (!*kp->s)
			return ctf_err_set(kp->err, "%s(...): missing `)' at end of input", attr);
		return ctf_err_set(kp->err, "%s(...): expected field=value at `%.*s'", attr,
				   toklen(kp->s) ? toklen(kp->s) : 1, kp->s);
	}
	kp->s += n + 1;
	return 0;
}

/*
 * "f=V[/M],g=V,...)" over a field list, into val/msk (zeroed by the caller).
 * @seen (may be NULL) collects which fields appeared, by index.
 */
static int parse_fields(struct kp *kp, const char *attr, const struct ctf_field_desc *fields,
			unsigned int n, uint8_t *val, uint8_t *msk, uint32_t *seen)
{
	unsigned int hint = 0;
	bool done = false;

	if (*kp->s == ')') {
		kp->s++;
		return 0;
	}
	while (!done) {
		const struct ctf_field_desc *fd;
		const char *name, *at;
		size_t len;
		char what[64];
		int r;

		if ((r = field_name(kp, attr, &name, &len)))
			return r;
		if (hint < n && field_is(&fields[hint], name, len))
			fd = &fields[hint];
		else
			fd = find_field(fields, n, name, len, hint);
		if (!fd)
			return unknown_field(kp, attr, name, len, fields, n);
		at = kp->s;
		if (!quick_field(kp, fd, val, msk, true) &&
		    parse_field(kp, attr, fd, val, msk, true)) {
			/* Errors are rare: only now pay for naming the field. */
			snprintf(what, sizeof(what), "%s(%.*s=)", attr, (int)len, name);
			kp->s = at;
			return parse_field(kp, what, fd, val, msk, true);
		}
		if (seen)
			*seen |= 1u << (fd - fields);
		hint = (unsigned int)(fd - fields) + 1;
		if ((r = field_sep(kp, attr, &done)))
			return r;
	}
	return 0;
}

/* ---- flags: ct_state, tcp_flags, tunnel flags ---------------------------- */

struct flag_name {
	const char *name;
	uint32_t bit;
};

static const struct flag_name ct_state_flags[] = {
	{ "new", 0x01 }, { "est", 0x02 }, { "rel", 0x04 }, { "rpl", 0x08 },
	{ "inv", 0x10 }, { "trk", 0x20 }, { "snat", 0x40 }, { "dnat", 0x80 },
	{ NULL, 0 },
};

static const struct flag_name tcp_flag_names[] = {
	{ "fin", 0x001 }, { "syn", 0x002 }, { "rst", 0x004 }, { "psh", 0x008 },
	{ "ack", 0x010 }, { "urg", 0x020 }, { "ece", 0x040 }, { "cwr", 0x080 },
	{ "ns", 0x100 }, { NULL, 0 },
};

static const struct flag_name tun_flag_names[] = {
	{ "oam", CTF_TNL_F_OAM }, { "df", CTF_TNL_F_DF }, { "csum", CTF_TNL_F_CSUM },
	{ "key", CTF_TNL_F_KEY }, { NULL, 0 },
};

static uint32_t flag_lookup(const struct flag_name *names, const char *s, size_t n)
{
	for (; names->name; names++)
		if (names->name[0] == s[0] && name_eq(names->name, s, n))
			return names->bit;
	return 0;
}

static void flag_hint(struct kp *kp, const struct flag_name *names)
{
	char list[128] = "";
	size_t off = 0;

	for (; names->name && off < sizeof(list); names++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s", off ? " " : "",
				names->name);
	ctf_err_hint(kp->err, "flag names: %s", list);
}

/*
 * The four accepted forms (flow-syntax.md §3.1), ended by ')':
 *   V/M numbers; +a-b masked names; a|b|0x2 names and numbers (exact).
 * @allowed bounds every bit; @exact is the mask of the unmasked forms.
 */
static int parse_flags(struct kp *kp, const char *attr, const struct flag_name *names,
		       uint32_t allowed, uint32_t exact, uint32_t *val, uint32_t *msk)
{
	const char *start = kp->s;
	uint64_t v, m;

	*val = 0;
	*msk = 0;
	/* 1. numeric value/mask; "+name" and "-name" cannot be one */
	if (!(kp->s[0] == '-' || (kp->s[0] == '+' && !(kp->s[1] >= '0' && kp->s[1] <= '9')))) {
		const char *save = kp->s;

		if (!scan_u64(&kp->s, &v) && *kp->s == '/') {
			kp->s++;
			if (scan_u64(&kp->s, &m) || *kp->s != ')')
				return bad(kp, start, attr);
			if ((v & ~(uint64_t)allowed) || (m & ~(uint64_t)allowed && m != exact)) {
				ctf_err_setn(kp->err, -ERANGE,
					     "%s(%.*s): bits outside %#x are not supported", attr,
					     (int)(kp->s - start), start, allowed);
				return -ERANGE;
			}
			kp->s++;
			/* Value bits outside the mask mean nothing: keep them out of the key bytes. */
			*val = (uint32_t)(v & m);
			*msk = (uint32_t)m;
			return 0;
		}
		kp->s = save;
	}
	/* 2. masked names */
	if (*kp->s == '+' || *kp->s == '-') {
		while (*kp->s == '+' || *kp->s == '-') {
			bool set = *kp->s++ == '+';
			size_t n = 0;
			uint32_t bit;

			while (is_ident(kp->s[n]))
				n++;
			bit = flag_lookup(names, kp->s, n);
			if (!bit) {
				ctf_err_set(kp->err, "%s(): unknown flag `%.*s'", attr, (int)n,
					    kp->s);
				flag_hint(kp, names);
				return -EINVAL;
			}
			if (*msk & bit) {
				return ctf_err_set(kp->err, "%s(): flag `%.*s' given twice", attr,
						   (int)n, kp->s);
			}
			*msk |= bit;
			if (set)
				*val |= bit;
			kp->s += n;
		}
		if (*kp->s != ')')
			return bad(kp, kp->s, "expected `+flag', `-flag' or `)'");
		kp->s++;
		return 0;
	}
	/* 3. names and numbers joined by '|' */
	for (;;) {
		const char *at = kp->s;
		int r = scan_u64(&kp->s, &v);

		if (r == -ERANGE)
			v = UINT64_MAX;
		if (!r || r == -ERANGE) {
			if (v & ~(uint64_t)allowed) {
				ctf_err_setn(kp->err, -ERANGE,
					     "%s(%.*s): bits outside %#x are not supported", attr,
					     toklen(at), at, allowed);
				return -ERANGE;
			}
			*val |= (uint32_t)v;
		} else {
			size_t n = 0;
			uint32_t bit;

			while (is_ident(kp->s[n]))
				n++;
			bit = flag_lookup(names, kp->s, n);
			if (!bit) {
				if (!n)
					return bad(kp, at, "expected a flag name or number");
				ctf_err_set(kp->err, "%s(): unknown flag `%.*s'", attr, (int)n,
					    kp->s);
				flag_hint(kp, names);
				return -EINVAL;
			}
			*val |= bit;
			kp->s += n;
		}
		if (*kp->s == '|') {
			kp->s++;
			continue;
		}
		if (*kp->s != ')')
			return bad(kp, kp->s, "expected `|flag' or `)'");
		kp->s++;
		*msk = exact;
		return 0;
	}
}

/* ---- 128-bit values (ct_label) ------------------------------------------ */

/* Big-endian 16 bytes. 0x + up to 32 significant hex digits, else %llu/0. */
static int scan_u128(struct kp *kp, const char *what, uint8_t out[16])
{
	const char *s = kp->s;

	memset(out, 0, 16);
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && hexval(s[2]) >= 0) {
		const char *start, *end;
		int nd = 0;

		s += 2;
		while (*s == '0' && hexval(s[1]) >= 0)
			s++;
		start = s;
		while (hexval(*s) >= 0)
			s++;
		end = s;
		if (end - start > 32) {
			ctf_err_setn(kp->err, -ERANGE, "%s: `%.*s' is longer than 128 bits", what,
				     toklen(kp->s), kp->s);
			return -ERANGE;
		}
		for (const char *c = end - 1; c >= start; c--, nd++)
			out[15 - nd / 2] |= (uint8_t)(hexval(*c) << (4 * (nd & 1)));
		kp->s = s;
		return 0;
	} else {
		uint64_t v;
		int r = scan_num(kp, what, UINT64_MAX, &v);

		if (r)
			return r;
		for (int i = 15; i >= 8; i--, v >>= 8)
			out[i] = v & 0xff;
		return 0;
	}
}

/* ---- per-kind parsers ------------------------------------------------- */

struct attrs_seen;
static int kp_attr(struct kp *kp, struct attrs_seen *seen);
static int kp_attrs_until_paren(struct kp *kp);

static int emit(struct kp *kp, uint16_t type, const void *v, const void *m, size_t len)
{
	if (put_attr(kp, kp->key, type, v, len))
		return -EMSGSIZE;
	return kp->mask ? put_attr(kp, kp->mask, type, m, len) : 0;
}

/*
 * emit() for value and mask in zero-filled buffers of at least CTF_NLA_ALIGN(len)
 * bytes (the stack path of kp_scalar/kp_struct, kp_mpls, ct_state,
 * tcp_flags): payload and alignment padding are copied together in whole
 * words, since the bytes after @len in @v and @m are the zeros the padding
 * must be. No library call, no byte tail.
 */
static int emit_padded(struct kp *kp, uint16_t type, const uint8_t *v, const uint8_t *m,
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
			return put_attr(kp, bufs[i], type, src[i], len);	/* the error */
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

/* With no mask buffer (set()), a partial mask cannot be carried. */
static int need_exact(struct kp *kp, const char *attr, const uint8_t *m, size_t len)
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

/*
 * Where a fixed-size key's value and mask are decoded. Straight into the
 * payloads of the next key and mask attributes when both fit (zeroed, the
 * headers written only once the text parsed): decoding into the stack and
 * copying out cost a store-forwarding stall per word, since the fields are
 * written a byte or two at a time and copied eight. Otherwise (no room, or
 * set() with no mask buffer) into the zeroed stack buffers, and emit_padded()
 * reports what does not fit after the text has been checked, as before.
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
		return emit_padded(kp, type, o->v, o->m, len);
	o->ka->nla_type = type;
	o->ka->nla_len = (uint16_t)(CTF_NLA_HDRLEN + len);
	o->ma->nla_type = type;
	o->ma->nla_len = (uint16_t)(CTF_NLA_HDRLEN + len);
	kp->key->nlh->nlmsg_len = o->klen;
	kp->mask->nlh->nlmsg_len = o->mlen;
	return 0;
}

static int kp_scalar(struct kp *kp, unsigned int type, const struct ctf_attr_desc *d)
{
	struct kp_out o;
	uint8_t *v, *m;
	int r;

	kp_out_init(kp, &o, (size_t)d->len);
	v = o.v;
	m = o.m;
	if (*kp->s == ')')
		return ctf_err_set(kp->err, "%s(): a value is required", d->name);
	if (!quick_field(kp, &d->fields[0], v, m, !(d->flags & CTF_AF_NO_MASK)) &&
	    (r = parse_field(kp, d->name, &d->fields[0], v, m, !(d->flags & CTF_AF_NO_MASK))))
		return r;
	if (*kp->s == '/') {
		ctf_err_set(kp->err, "%s takes no mask: `%s(...%.*s'", d->name, d->name,
			    toklen(kp->s) + 1, kp->s);
		ctf_err_hint(kp->err, "%s is always matched exactly", d->name);
		return -EINVAL;
	}
	if (*kp->s != ')')
		return bad(kp, kp->s, "expected `)' after the value");
	kp->s++;
	if ((r = need_exact(kp, d->name, m, (size_t)d->len)))
		return r;
	return kp_out_emit(kp, &o, (uint16_t)type, (size_t)d->len);
}

static int kp_struct(struct kp *kp, unsigned int type, const struct ctf_attr_desc *d)
{
	struct kp_out o;
	uint8_t *v, *m;
	int r;

	kp_out_init(kp, &o, (size_t)d->len);
	v = o.v;
	m = o.m;
	if (d->kind == CTF_AK_VLAN) {
		/* vlan() starts with the CFI ("tag present") bit set in both. */
		field_set(v, &d->fields[2], 1);
		field_set(m, &d->fields[2], 1);
	}
	if ((r = parse_fields(kp, d->name, d->fields, d->n_fields, v, m, NULL)))
		return r;
	if ((r = need_exact(kp, d->name, m, (size_t)d->len)))
		return r;
	return kp_out_emit(kp, &o, (uint16_t)type, (size_t)d->len);
}

static int kp_mpls(struct kp *kp, const struct ctf_attr_desc *d)
{
	uint8_t v[12] = { 0 }, m[12] = { 0 };
	unsigned int n = 1;
	uint32_t seen = 0;
	bool done = *kp->s == ')';
	int r;

	if (done)
		kp->s++;
	while (!done) {
		const struct ctf_field_desc *fd;
		const char *name;
		size_t len;

		if ((r = field_name(kp, "mpls", &name, &len)))
			return r;
		fd = find_field(d->fields, d->n_fields, name, len, 0);
		if (!fd)
			return unknown_field(kp, "mpls", name, len, d->fields, d->n_fields);
		/* A field seen again starts the next label stack entry. */
		if (seen & (1u << (fd - d->fields))) {
			if (n == 3)
				return bad(kp, name, "mpls(): at most 3 label stack entries");
			n++;
			seen = 0;
		}
		seen |= 1u << (fd - d->fields);
		if ((r = parse_field(kp, "mpls", fd, v + 4 * (n - 1), m + 4 * (n - 1), true)))
			return r;
		if ((r = field_sep(kp, "mpls", &done)))
			return r;
	}
	if ((r = need_exact(kp, "mpls", m, 4 * n)))
		return r;
	return emit_padded(kp, OVS_KEY_ATTR_MPLS, v, m, 4 * n);
}

static int kp_ct_state(struct kp *kp, bool tcp)
{
	uint32_t v, m;
	int r;

	if (tcp) {
		/* be16 value and mask, each with its two bytes of zero padding. */
		uint8_t bv[4] = { 0 }, bm[4] = { 0 };
		uint16_t x;

		r = parse_flags(kp, "tcp_flags", tcp_flag_names, CTF_TCP_FLAGS_SUPPORTED, 0xffff,
				&v, &m);
		if (r)
			return r;
		x = htons((uint16_t)v);
		memcpy(bv, &x, 2);
		x = htons((uint16_t)m);
		memcpy(bm, &x, 2);
		if ((r = need_exact(kp, "tcp_flags", bm, 2)))
			return r;
		return emit_padded(kp, OVS_KEY_ATTR_TCP_FLAGS, bv, bm, 2);
	}
	/*
	 * The unmasked forms mean "exact". OVS encodes that as 0xffffffff, but
	 * the kernel refuses any ct_state bit outside 0xff in the mask too
	 * (metadata_from_nlattrs runs the same check for key and mask), so the
	 * exact mask we send is 0xff, which is also what kernel dumps carry.
	 */
	r = parse_flags(kp, "ct_state", ct_state_flags, CTF_CT_STATE_SUPPORTED,
			CTF_CT_STATE_SUPPORTED, &v, &m);
	if (r)
		return r;
	if (!kp->mask && m != CTF_CT_STATE_SUPPORTED)
		return ctf_err_set(kp->err, "ct_state(...): a mask is not allowed here");
	return emit_padded(kp, OVS_KEY_ATTR_CT_STATE, (const uint8_t *)&v, (const uint8_t *)&m, 4);
}

/*
 * ct labels travel as a host-order 128-bit integer (OVS's ovs_u128 and the
 * kernel's label bitmap agree: bit 0 is in the first byte on little-endian),
 * the same layout the ct(label=) action uses. scan_u128 reads big-endian.
 */
static void u128_be_to_host(uint8_t b[16])
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	for (int i = 0; i < 8; i++) {
		uint8_t t = b[i];

		b[i] = b[15 - i];
		b[15 - i] = t;
	}
#else
	(void)b;
#endif
}

static int kp_label(struct kp *kp)
{
	uint8_t v[16], m[16];
	int r;

	if ((r = scan_u128(kp, "ct_label", v)))
		return r;
	memset(m, 0xff, 16);
	if (*kp->s == '/') {
		kp->s++;
		if ((r = scan_u128(kp, "ct_label mask", m)))
			return r;
	}
	if (*kp->s != ')')
		return bad(kp, kp->s, "ct_label(): expected `)'");
	kp->s++;
	if ((r = need_exact(kp, "ct_label", m, 16)))
		return r;
	u128_be_to_host(v);
	u128_be_to_host(m);
	return emit(kp, OVS_KEY_ATTR_CT_LABELS, v, m, 16);
}

static int kp_encap(struct kp *kp)
{
	struct nlattr *nk, *nm;
	int r;

	if (kp->depth >= CTF_MAX_ENCAP_DEPTH) {
		ctf_err_setn(kp->err, -E2BIG,
			     "encap() nested more than %d deep at `%.40s'", CTF_MAX_ENCAP_DEPTH,
			     kp->s - 6);
		ctf_err_hint(kp->err, "the kernel datapath matches at most 2 VLAN tags "
				      "(outer vlan + one encap(... vlan ... encap(...)))");
		return -E2BIG;
	}
	if ((r = nest_start(kp, kp->key, OVS_KEY_ATTR_ENCAP, &nk)))
		return r;
	if ((r = nest_start(kp, kp->mask, OVS_KEY_ATTR_ENCAP, &nm)))
		return r;
	kp->depth++;
	r = kp_attrs_until_paren(kp);
	kp->depth--;
	if (r)
		return r;
	nest_end(kp->key, nk);
	nest_end(kp->mask, nm);
	return 0;
}

/* ---- tunnel ----------------------------------------------------------- */

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

static int kp_geneve(struct kp *kp, struct tun_text *t)
{
	if (*kp->s == ')') {
		kp->s++;
		return 0;
	}
	while (*kp->s == '{') {
		static const struct ctf_field_desc fclass = { .name = "class", .size = 2 };
		static const struct ctf_field_desc ftype = { .name = "type", .offset = 2, .size = 1 };
		uint8_t *ov = t->gv + t->glen, *om = t->gm + t->glen;
		uint64_t len, lm = 0x1f;
		const char *at;
		int r;

		kp->s++;
		if (t->glen + 4 > sizeof(t->gv))
			return bad(kp, kp->s, "geneve(): options longer than 252 bytes");
		if (strncmp(kp->s, "class=", 6))
			return bad(kp, kp->s, "geneve(): expected class=");
		kp->s += 6;
		if ((r = parse_field(kp, "geneve class", &fclass, ov, om, true)))
			return r;
		if (strncmp(kp->s, ",type=", 6))
			return bad(kp, kp->s, "geneve(): expected ,type=");
		kp->s += 6;
		if ((r = parse_field(kp, "geneve type", &ftype, ov, om, true)))
			return r;
		if (strncmp(kp->s, ",len=", 5))
			return bad(kp, kp->s, "geneve(): expected ,len=");
		kp->s += 5;
		at = kp->s;
		if ((r = scan_num(kp, "geneve len", 124, &len)))
			return r;
		if (len % 4) {
			ctf_err_set(kp->err, "geneve len=%.*s is not a multiple of 4", toklen(at),
				    at);
			return -EINVAL;
		}
		if (*kp->s == '/') {
			kp->s++;
			if ((r = scan_num(kp, "geneve len mask", 0xff, &lm)))
				return r;
		}
		if (t->glen + 4 + len > 252)
			return bad(kp, at, "geneve(): options longer than 252 bytes");
		ov[3] = (uint8_t)(len / 4);
		om[3] = (uint8_t)lm;
		memset(om + 4, 0xff, len);
		if (*kp->s == ',') {
			kp->s++;
			for (int pass = 0; pass < 2; pass++) {
				uint8_t *dst = pass ? om + 4 : ov + 4;
				const char *h = kp->s;
				const char *e;
				size_t nd;

				if (h[0] != '0' || (h[1] != 'x' && h[1] != 'X'))
					return bad(kp, h, "geneve(): option data must be 0x<hex>");
				h += 2;
				while (*h == '0' && hexval(h[1]) >= 0)
					h++;
				for (e = h; hexval(*e) >= 0; e++)
					;
				nd = (size_t)(e - h);
				if (!nd || (nd + 1) / 2 > len)
					return bad(kp, kp->s, "geneve(): option data longer than len");
				memset(dst, 0, len);
				for (size_t i = 0; i < nd; i++) {
					size_t pos = nd - 1 - i;

					dst[len - 1 - i / 2] |= (uint8_t)(hexval(h[pos]) << (4 * (i & 1)));
				}
				kp->s = e;
				if (pass || *kp->s != '/')
					break;
				kp->s++;
			}
		}
		if (*kp->s != '}')
			return bad(kp, kp->s, "geneve(): expected `}'");
		kp->s++;
		t->glen += 4 + len;
	}
	if (*kp->s != ')')
		return bad(kp, kp->s, "geneve(): expected `{' or `)'");
	kp->s++;
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

	if (strncmp(kp->s, "gbp(", 4))
		return bad(kp, kp->s, "vxlan(): expected gbp(");
	kp->s += 4;
	if ((r = parse_fields(kp, "gbp", gbp_fields, 2, v, m, NULL)))
		return r;
	if (*kp->s != ')')
		return bad(kp, kp->s, "vxlan(): expected `)'");
	kp->s++;
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

	if ((r = parse_fields(kp, "erspan", ef, 4, v, m, NULL)))
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
	uint32_t v, m;
	int r;

	if (*kp->s == ')') {	/* flags(): nothing said */
		kp->s++;
		return 0;
	}
	r = parse_flags(kp, "tunnel flags", tun_flag_names, CTF_TNL_F_ALL, CTF_TNL_F_ALL, &v, &m);
	if (r)
		return r;
	t->fv = v;
	t->fm = m;
	return 0;
}

static int kp_tunnel(struct kp *kp)
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
	const char *start = kp->s;
	struct tun_text t;
	struct nlattr *nk, *nm;
	bool done = false;
	int r;

	t.given = 0;
	t.fv = t.fm = 0;
	t.glen = 0;
	t.vxlan = t.erspan = false;
	if (*kp->s == ')') {
		kp->s++;
		done = true;
	}
	while (!done) {
		size_t n = 0;
		const char *name = kp->s;

		while (is_ident(kp->s[n]))
			n++;
		if (kp->s[n] == '(') {
			kp->s += n + 1;
			if (n == 6 && !strncmp(name, "geneve", 6))
				r = kp_geneve(kp, &t);
			else if (n == 5 && !strncmp(name, "vxlan", 5))
				r = kp_vxlan(kp, &t);
			else if (n == 6 && !strncmp(name, "erspan", 6))
				r = kp_erspan(kp, &t);
			else if (n == 5 && !strncmp(name, "flags", 5))
				r = kp_tun_flags(kp, &t);
			else
				r = ctf_err_set(kp->err, "tunnel(...): unknown option `%.*s('",
						(int)n, name);
		} else {
			const struct ctf_attr_desc *d = NULL;
			unsigned int type;

			if ((r = field_name(kp, "tunnel", &name, &n)))
				return r;
			for (type = 0; type <= OVS_TUNNEL_KEY_ATTR_MAX; type++) {
				d = ctf_tunnel_key_attr_desc(type);
				if (d && d->kind == CTF_AK_SCALAR && strlen(d->name) == n &&
				    !strncmp(d->name, name, n))
					break;
			}
			if (type > OVS_TUNNEL_KEY_ATTR_MAX) {
				ctf_err_set(kp->err, "tunnel(...): unknown field `%.*s'", (int)n,
					    name);
				ctf_err_hint(kp->err, "tunnel() takes: tun_id src dst ipv6_src "
						      "ipv6_dst tos ttl tp_src tp_dst geneve() "
						      "vxlan() erspan() flags()");
				return -EINVAL;
			}
			memset(t.v[type], 0, 16);
			memset(t.m[type], 0, 16);
			r = parse_field(kp, d->name, &d->fields[0], t.v[type], t.m[type], true);
			t.given |= 1u << type;
		}
		if (r)
			return r;
		if ((r = field_sep(kp, "tunnel", &done)))
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

	if ((r = nest_start(kp, kp->key, OVS_KEY_ATTR_TUNNEL, &nk)))
		return r;
	if ((r = nest_start(kp, kp->mask, OVS_KEY_ATTR_TUNNEL, &nm)))
		return r;
	for (size_t i = 0; i < sizeof(order); i++) {
		uint16_t type = order[i];
		const struct ctf_attr_desc *d = ctf_tunnel_key_attr_desc(type);
		uint32_t bit = 0;

		switch (type) {
		case OVS_TUNNEL_KEY_ATTR_ID:
			if (t.fv & CTF_TNL_F_KEY)
				r = put_attr(kp, kp->key, type, t.v[type], 8);
			if (!r && (t.given & (1u << type) || t.fm & CTF_TNL_F_KEY))
				r = put_attr(kp, kp->mask, type, t.m[type], 8);
			break;
		case OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT:
			bit = CTF_TNL_F_DF;
			goto flag;
		case OVS_TUNNEL_KEY_ATTR_CSUM:
			bit = CTF_TNL_F_CSUM;
			goto flag;
		case OVS_TUNNEL_KEY_ATTR_OAM:
			bit = CTF_TNL_F_OAM;
flag:
			if (t.fv & bit)
				r = put_attr(kp, kp->key, type, NULL, 0);
			if (!r && t.fm & bit)
				r = put_attr(kp, kp->mask, type, NULL, 0);
			break;
		case OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS:
			if (t.glen)
				r = emit(kp, type, t.gv, t.gm, t.glen);
			break;
		case OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS:
			if (t.vxlan) {
				struct nlattr *vk, *vm;

				if ((r = nest_start(kp, kp->key, type, &vk)) ||
				    (r = nest_start(kp, kp->mask, type, &vm)))
					break;
				r = emit(kp, OVS_VXLAN_EXT_GBP, &t.gbp_v, &t.gbp_m, 4);
				nest_end(kp->key, vk);
				nest_end(kp->mask, vm);
			}
			break;
		case OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS:
			if (t.erspan)
				r = emit(kp, type, &t.ev, &t.em, sizeof(t.ev));
			break;
		default:
			if (t.given & (1u << type))
				r = emit(kp, type, t.v[type], t.m[type], (size_t)d->len);
			break;
		}
		if (r)
			return r;
	}
	nest_end(kp->key, nk);
	nest_end(kp->mask, nm);
	return 0;
}

/* ---- nsh -------------------------------------------------------------- */

static int kp_nsh(struct kp *kp)
{
	const struct ctf_attr_desc *base = ctf_nsh_key_attr_desc(OVS_NSH_KEY_ATTR_BASE);
	const struct ctf_attr_desc *md1 = ctf_nsh_key_attr_desc(OVS_NSH_KEY_ATTR_MD1);
	uint8_t bv[8] = { 0 }, bm[8] = { 0 }, cv[16] = { 0 }, cm[16] = { 0 };
	uint8_t m2v[248], m2m[248];
	size_t m2len = 0;
	bool have_md1 = false, done = *kp->s == ')';
	const char *start = kp->s;
	struct nlattr *nk, *nm;
	int r;

	if (done)
		kp->s++;
	while (!done) {
		const struct ctf_field_desc *fd;
		const char *name;
		size_t len;

		if ((r = field_name(kp, "nsh", &name, &len)))
			return r;
		if (len == 3 && !strncmp(name, "md2", 3)) {
			const char *h = kp->s, *e;

			if (h[0] != '0' || (h[1] != 'x' && h[1] != 'X'))
				return bad(kp, h, "nsh(md2=): expected 0x<hex bytes>");
			h += 2;
			for (e = h; hexval(*e) >= 0; e++)
				;
			if ((e - h) % 2 || e == h || (size_t)(e - h) / 2 > sizeof(m2v))
				return bad(kp, kp->s, "nsh(md2=): expected an even number of hex digits");
			m2len = (size_t)(e - h) / 2;
			for (size_t i = 0; i < m2len; i++)
				m2v[i] = (uint8_t)(hexval(h[2 * i]) << 4 | hexval(h[2 * i + 1]));
			memset(m2m, 0xff, m2len);
			kp->s = e;
		} else if ((fd = find_field(base->fields, base->n_fields, name, len, 0))) {
			if ((r = parse_field(kp, "nsh", fd, bv, bm, true)))
				return r;
		} else if ((fd = find_field(md1->fields, md1->n_fields, name, len, 0))) {
			if ((r = parse_field(kp, "nsh", fd, cv, cm, true)))
				return r;
			have_md1 = true;
		} else {
			ctf_err_set(kp->err, "nsh(...): unknown field `%.*s'", (int)len, name);
			ctf_err_hint(kp->err, "nsh() takes: flags ttl mdtype np spi si c1 c2 c3 c4 md2");
			return -EINVAL;
		}
		if ((r = field_sep(kp, "nsh", &done)))
			return r;
	}
	if (!kp->mask && memchr(start, '/', (size_t)(kp->s - start)))
		return ctf_err_set(kp->err, "nsh(...): a /mask is not allowed here");
	if ((r = nest_start(kp, kp->key, OVS_KEY_ATTR_NSH, &nk)) ||
	    (r = nest_start(kp, kp->mask, OVS_KEY_ATTR_NSH, &nm)))
		return r;
	r = emit(kp, OVS_NSH_KEY_ATTR_BASE, bv, bm, sizeof(bv));
	if (!r && have_md1)
		r = emit(kp, OVS_NSH_KEY_ATTR_MD1, cv, cm, sizeof(cv));
	if (!r && m2len)
		r = emit(kp, OVS_NSH_KEY_ATTR_MD2, m2v, m2m, m2len);
	if (r)
		return r;
	nest_end(kp->key, nk);
	nest_end(kp->mask, nm);
	return 0;
}

/* ---- keyN(hex[/hex]) for attributes our header does not know ----------- */

static int kp_raw(struct kp *kp, unsigned int type)
{
	uint8_t v[512], m[512];
	size_t n = 0, nm = 0;
	const char *s = kp->s;

	/* Hex bytes, optionally separated by single spaces (ovs-dpctl's form). */
	while (hexval(s[0]) >= 0 && hexval(s[1]) >= 0 && n < sizeof(v)) {
		v[n++] = (uint8_t)(hexval(s[0]) << 4 | hexval(s[1]));
		s += 2;
		if (*s == ' ' && hexval(s[1]) >= 0)
			s++;
	}
	memset(m, 0xff, n);
	if (*s == '/') {
		s++;
		while (hexval(s[0]) >= 0 && hexval(s[1]) >= 0 && nm < sizeof(m)) {
			m[nm++] = (uint8_t)(hexval(s[0]) << 4 | hexval(s[1]));
			s += 2;
			if (*s == ' ' && hexval(s[1]) >= 0)
				s++;
		}
		if (nm != n)
			return bad(kp, kp->s, "keyN(hex/hex): value and mask lengths differ");
	}
	if (*s != ')')
		return bad(kp, s, "keyN(): expected hex bytes then `)'");
	kp->s = s + 1;
	if (need_exact(kp, "keyN", m, n))
		return -EINVAL;
	return emit(kp, (uint16_t)type, v, m, n);
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
			return ctf_err_set(kp->err, "more than %u keyN() attributes of types above 63 at `%.*s'",
					   MAX_HIGH_RAW, toklen(at), at);
		if (!dup)
			seen->high[seen->n_high++] = (uint16_t)type;
	}
	if (dup) {
		ctf_err_set(kp->err, "duplicate key attribute `%s' at `%.*s'", what, toklen(at), at);
		ctf_err_hint(kp->err, "the kernel refuses a key that repeats an attribute");
		return -EINVAL;
	}
	return 0;
}

static int kp_attr(struct kp *kp, struct attrs_seen *seen)
{
	const char *name = kp->s;
	const struct ctf_attr_desc *d;
	unsigned int type;
	size_t n = 0;
	int r;

	while (is_ident(name[n]))
		n++;
	if (!n || name[n] != '(') {
		if (!n)
			return bad(kp, name, "expected a key attribute such as in_port(1)");
		ctf_err_set(kp->err, "key attribute `%.*s' needs `(...)'", (int)n, name);
		return -EINVAL;
	}
	kp->s = name + n + 1;
	d = ctf_key_attr_by_name(name, n, &type);
	if (!d) {
		uint64_t t;
		const char *num = name + 3;
		char raw_name[16];

		if (n > 3 && !strncmp(name, "key", 3) && num[0] >= '1' && num[0] <= '9' &&
		    !scan_u64(&num, &t) && num == name + n && t < NLA_F_NET_BYTEORDER &&
		    (t > OVS_KEY_ATTR_MAX || ctf_key_attr_desc((unsigned int)t)->flags & CTF_AF_USER_ONLY)) {
			/* Below the flag bits: a 14-bit type, never NESTED or NET_BYTEORDER. */
			type = (unsigned int)t;
			snprintf(raw_name, sizeof(raw_name), "key%u", type);
			if ((r = note_type(kp, seen, type, raw_name, name)))
				return r;
			r = kp_raw(kp, type);
			goto out;
		}
		ctf_err_set(kp->err, "unknown key attribute `%.*s'", (int)n, name);
		ctf_err_hint(kp->err, "see flow-syntax: in_port eth eth_type vlan encap ipv4 ipv6 "
				      "tcp udp sctp icmp icmpv6 arp nd mpls ct_state ct_zone "
				      "ct_mark ct_label ct_tuple4 ct_tuple6 tunnel nsh ...");
		return -EINVAL;
	}
	if ((r = note_type(kp, seen, type, d->name, name)))
		return r;
	switch (d->kind) {
	case CTF_AK_SCALAR:
		r = kp_scalar(kp, type, d);
		break;
	case CTF_AK_STRUCT:
	case CTF_AK_VLAN:
		r = kp_struct(kp, type, d);
		break;
	case CTF_AK_MPLS:
		r = kp_mpls(kp, d);
		break;
	case CTF_AK_CT_STATE:
		r = kp_ct_state(kp, false);
		break;
	case CTF_AK_TCP_FLAGS:
		r = kp_ct_state(kp, true);
		break;
	case CTF_AK_LABEL128:
		r = kp_label(kp);
		break;
	case CTF_AK_ENCAP:
		r = kp_encap(kp);
		break;
	case CTF_AK_TUNNEL:
		r = kp_tunnel(kp);
		break;
	case CTF_AK_NSH:
		r = kp_nsh(kp);
		break;
	default:
		ctf_err_set(kp->err, "`%s' is not part of the kernel datapath ABI "
				     "(OVS userspace-only key)", d->name);
		ctf_err_hint(kp->err, "the Linux kernel refuses %s in a flow key; leave it out",
			     d->name);
		return -EOPNOTSUPP;
	}
out:
	return r;
}

static void skip_delims(struct kp *kp)
{
	while (is_delim(*kp->s))
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
		return r < 0 ? r : -EINVAL;
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
			r = bad(&kp, kp.s, "unbalanced `)'");
			break;
		}
		if ((r = kp_attr(&kp, &seen)))
			break;
	}
	if (r) {
		key->nlh->nlmsg_len = klen;
		if (mask)
			mask->nlh->nlmsg_len = mlen;
		return r < 0 ? r : -EINVAL;
	}
	return 0;
}
