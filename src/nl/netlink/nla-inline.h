/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Netlink attribute access, inline, for the per-flow hot paths: parsing
 * and validation, key decoding, the key and action printers, flow replies.
 * libmnl's accessors are one-line functions behind the shared library's
 * PLT; a flow walks some forty attributes, and the calls alone cost more
 * than the checks they serve (under qemu's TCG, far more). The rules are
 * libmnl's: an attribute is whole when what is left holds its header and
 * its declared length; the stride is that length rounded up to 4.
 */
#ifndef CTFLOW_NL_NLA_INLINE_H
#define CTFLOW_NL_NLA_INLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/netlink.h>

#include "ctflow/attr-rule.h"

/*
 * Attribute headers and payloads start on 4-byte boundaries. The mask has
 * the type of the sum, so a size_t keeps its high bits; libmnl's MNL_ALIGN()
 * and the uapi NLA_ALIGN() mask with the int ~3 instead, a sign conversion
 * that -Wconversion reports at every use.
 */
#define CTF_NLA_ALIGN(n) (((n) + 3u) & ~(__typeof__((n) + 3u))3u)
#define CTF_NLA_HDRLEN ((uint16_t)CTF_NLA_ALIGN(sizeof(struct nlattr)))
#define CTF_NLMSG_HDRLEN ((uint16_t)CTF_NLA_ALIGN(sizeof(struct nlmsghdr)))

/* Does the attribute at @a lie whole within the @left bytes from @a? */
static inline bool ctf_nla_ok(const struct nlattr *a, ptrdiff_t left)
{
	return left >= (ptrdiff_t)sizeof(*a) && a->nla_len >= sizeof(*a) &&
	       (ptrdiff_t)a->nla_len <= left;
}

/* The attribute after @a (which must have passed ctf_nla_ok()). */
static inline const struct nlattr *ctf_nla_next(const struct nlattr *a)
{
	return (const struct nlattr *)((const char *)a + CTF_NLA_ALIGN(a->nla_len));
}

/* Type without the NESTED / NET_BYTEORDER flag bits. */
static inline uint16_t ctf_nla_type(const struct nlattr *a)
{
	return (uint16_t)(a->nla_type & NLA_TYPE_MASK);
}

/* Payload length (header excluded). */
static inline uint16_t ctf_nla_len(const struct nlattr *a)
{
	return (uint16_t)(a->nla_len - CTF_NLA_HDRLEN);
}

/* The payload; like mnl_attr_get_payload(), not const: callers decide. */
static inline void *ctf_nla_data(const struct nlattr *a)
{
	return (char *)a + CTF_NLA_HDRLEN;
}

static inline uint8_t ctf_nla_u8(const struct nlattr *a)
{
	return *(const uint8_t *)ctf_nla_data(a);
}

static inline uint16_t ctf_nla_u16(const struct nlattr *a)
{
	uint16_t v;

	memcpy(&v, ctf_nla_data(a), sizeof(v));
	return v;
}

static inline uint32_t ctf_nla_u32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, ctf_nla_data(a), sizeof(v));
	return v;
}

static inline uint64_t ctf_nla_u64(const struct nlattr *a)
{
	uint64_t v;

	memcpy(&v, ctf_nla_data(a), sizeof(v));	/* payloads are only 4-aligned */
	return v;
}

/* A string payload; a CTF_LEN_STRZ rule (ctf_attr_rule_len_ok()) checked its NUL. */
static inline const char *ctf_nla_str(const struct nlattr *a)
{
	return (const char *)ctf_nla_data(a);
}

/*
 * Copy an attribute payload of a few bytes (most keys and actions carry 1 to
 * 40): whole words, then the tail, inline. A memcpy() of a run-time length
 * is a library call, made for every attribute of every flow.
 */
static inline void ctf_nla_copy_small(void *dst, const void *src, size_t len)
{
	uint8_t *d = dst;
	const uint8_t *p = src;

	for (; len >= 8; len -= 8, d += 8, p += 8)
		memcpy(d, p, 8);
	if (len & 4) {
		memcpy(d, p, 4);
		d += 4;
		p += 4;
	}
	if (len & 2) {
		memcpy(d, p, 2);
		d += 2;
		p += 2;
	}
	if (len & 1)
		*d = *p;
}

/*
 * Append attribute @type with the @len bytes at @data to the message @nlh,
 * whose buffer holds @cap bytes; false (nothing written) when it does not
 * fit. mnl_attr_put_check(), inline: a parsed flow appends some twenty
 * small key, mask and action attributes, and libmnl's out-of-line calls
 * (check, put, tail, payload, memset) cost more than the copy. Same bound
 * check and header; the alignment padding is zeroed (as libmnl 1.0.5+
 * does; 1.0.4 left stale bytes there).
 */
static inline bool ctf_nla_put_check(struct nlmsghdr *nlh, size_t cap, uint16_t type,
				     const void *data, size_t len)
{
	struct nlattr *a;

	if (len > UINT16_MAX - CTF_NLA_HDRLEN ||
	    nlh->nlmsg_len + CTF_NLA_HDRLEN + CTF_NLA_ALIGN(len) > cap)
		return false;
	a = (struct nlattr *)((char *)nlh + CTF_NLA_ALIGN(nlh->nlmsg_len));
	a->nla_type = type;
	a->nla_len = (uint16_t)(CTF_NLA_HDRLEN + len);
	if (len & 3) {
		/* Zero the last 4-byte word first; the copy then fills its head. */
		static const uint32_t zero;

		memcpy((char *)a + CTF_NLA_HDRLEN + (len & ~(size_t)3), &zero, 4);
	}
	if (len <= 64)	/* every fixed-size key and most actions: no library call */
		ctf_nla_copy_small((char *)a + CTF_NLA_HDRLEN, data, len);
	else
		memcpy((char *)a + CTF_NLA_HDRLEN, data, len);
	nlh->nlmsg_len += CTF_NLA_ALIGN(a->nla_len);
	return true;
}

/* Every attribute of the stream at @data (@len bytes); @rem ends as libmnl's. */
#define ctf_nla_for_each(a, data, len, rem)					\
	for ((a) = (const struct nlattr *)(data), (rem) = (int)(len);		\
	     ctf_nla_ok((a), (rem));						\
	     (rem) -= (int)CTF_NLA_ALIGN((a)->nla_len), (a) = ctf_nla_next(a))

/* Every attribute of the @len bytes at @data, stopping at one that does not
 * fit (CTF_ATTR_FOR_EACH of action-attrs.h on the inline accessors). */
#define ctf_nla_for_each_in(a, data, len)					\
	for ((a) = (const struct nlattr *)(data);				\
	     ctf_nla_ok((a), (const char *)(data) + (len) - (const char *)(a));	\
	     (a) = ctf_nla_next(a))

/* Every attribute inside the nest @n, bounded by the nest's own length, not
 * its aligned end (libmnl's bound): a nest whose length is not a multiple of
 * 4 must not lend its inner attributes the padding bytes after it. */
#define ctf_nla_for_each_nested(a, n)						\
	for ((a) = (const struct nlattr *)ctf_nla_data(n);			\
	     ctf_nla_ok((a), (const char *)(n) + (n)->nla_len - (const char *)(a));	\
	     (a) = ctf_nla_next(a))

/*
 * Whether a payload of @len bytes at @data keeps row @r's length rule
 * (ctflow/attr-rule.h): the one check behind the reply parser
 * (ctf_attrs_parse_stream()) and the flow language's walkers
 * (ctf_attr_len_ok()). @whole: a nest must hold whole attributes, so one
 * of 1 to 3 bytes is a bad length (the reply parser's CTF_ATTRS_WHOLE).
 * Inline: the flow walkers check every attribute of every flow.
 */
static inline bool ctf_attr_rule_len_ok(const struct ctf_attr_rule *r, const void *data,
					size_t len, bool whole)
{
	if (r->len >= 0)	/* most rows: a byte count, tested first */
		return len == (size_t)r->len;
	switch (r->len) {
	case CTF_LEN_NESTED:
		return !whole || len == 0 || len >= CTF_NLA_HDRLEN;
	case CTF_LEN_STRZ:
		return len >= r->min_len && len <= r->max_len && memchr(data, '\0', len) != NULL;
	case CTF_LEN_VARIABLE:
		return len >= r->min_len && len <= r->max_len;
	case CTF_LEN_U32_ARRAY:
		return len >= r->min_len && len <= r->max_len && len % 4 == 0;
	case CTF_LEN_IP:
		return len == 4 || len == 16;
	default:
		return false;
	}
}

#endif
