/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Attribute walking, inline, for the per-flow hot paths (validation, key
 * decoding, action checks). libmnl's accessors are one-line functions behind
 * the shared library's PLT; a flow walks some forty attributes, and the calls
 * alone cost more than the checks they serve. Same rules as libmnl: an
 * attribute is whole when the remaining length holds its header and its
 * declared length; the stride is that length rounded up to 4.
 */
#ifndef CTFLOW_NL_NLA_INLINE_H
#define CTFLOW_NL_NLA_INLINE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <linux/netlink.h>
#include <libmnl/libmnl.h>

static inline bool ctf_nla_ok(const struct nlattr *a, int rem)
{
	return rem >= (int)sizeof(struct nlattr) && a->nla_len >= sizeof(struct nlattr) &&
	       (int)a->nla_len <= rem;
}

static inline const struct nlattr *ctf_nla_next(const struct nlattr *a)
{
	return (const struct nlattr *)((const char *)a + MNL_ALIGN(a->nla_len));
}

static inline unsigned int ctf_nla_type(const struct nlattr *a)
{
	return a->nla_type & NLA_TYPE_MASK;
}

static inline uint16_t ctf_nla_len(const struct nlattr *a)
{
	return (uint16_t)(a->nla_len - MNL_ATTR_HDRLEN);
}

static inline const void *ctf_nla_data(const struct nlattr *a)
{
	return (const char *)a + MNL_ATTR_HDRLEN;
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

/* Every attribute of the stream at @data (@len bytes); @rem ends as libmnl's. */
#define ctf_nla_for_each(a, data, len, rem)					\
	for ((a) = (const struct nlattr *)(data), (rem) = (int)(len);		\
	     ctf_nla_ok((a), (rem));						\
	     (rem) -= (int)MNL_ALIGN((a)->nla_len), (a) = ctf_nla_next(a))

/* Every attribute inside the nest @n, bounded by its aligned end as libmnl's
 * mnl_attr_for_each_nested() is. */
#define ctf_nla_for_each_nested(a, n)						\
	for ((a) = (const struct nlattr *)ctf_nla_data(n);			\
	     ctf_nla_ok((a), (int)((const char *)(n) + MNL_ALIGN((n)->nla_len) -	\
				   (const char *)(a)));				\
	     (a) = ctf_nla_next(a))

/* CTF_ATTR_FOR_EACH (action-attrs.h) on the inline accessors: the bound is
 * what is left of @len bytes at @data. */
#define ctf_nla_for_each_in(a, data, len)					\
	for ((a) = (const struct nlattr *)(data);				\
	     ctf_nla_ok((a), (int)((const char *)(data) + (len) - (const char *)(a)));	\
	     (a) = ctf_nla_next(a))

#endif
