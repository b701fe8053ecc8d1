/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Netlink attribute access for the printers, inline.
 *
 * libmnl's accessors are out-of-line calls into a shared library, each
 * through the PLT; the key and action printers make several per attribute,
 * a flow has a dozen or more attributes, and dump-flows prints every flow
 * of the datapath. These are the same operations with the same checks
 * (an attribute is walked only if its header fits, its length covers the
 * header and it ends inside the stream), compiled into the caller.
 */
#ifndef CTFLOW_NL_NLA_INLINE_H
#define CTFLOW_NL_NLA_INLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/netlink.h>

/* Attribute headers and payloads start on 4-byte boundaries. */
#define CTF_NLA_ALIGN(n) (((n) + 3u) & ~3u)
#define CTF_NLA_HDRLEN ((uint16_t)CTF_NLA_ALIGN(sizeof(struct nlattr)))

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
	return a->nla_type & NLA_TYPE_MASK;
}

/* Payload length (header excluded). */
static inline uint16_t ctf_nla_len(const struct nlattr *a)
{
	return (uint16_t)(a->nla_len - CTF_NLA_HDRLEN);
}

static inline void *ctf_nla_data(const struct nlattr *a)
{
	return (char *)a + CTF_NLA_HDRLEN;
}

static inline uint8_t ctf_nla_u8(const struct nlattr *a)
{
	return *(const uint8_t *)ctf_nla_data(a);
}

/* Each attribute of the @len-byte stream at @data, stopping at one that does not fit. */
#define CTF_NLA_FOR_EACH(a, data, len)							\
	for ((a) = (const struct nlattr *)(data);					\
	     ctf_nla_ok((a), (const char *)(data) + (len) - (const char *)(a));	\
	     (a) = ctf_nla_next(a))

/* Each attribute nested in @nest. */
#define CTF_NLA_FOR_EACH_NESTED(a, nest)						\
	CTF_NLA_FOR_EACH(a, ctf_nla_data(nest), ctf_nla_len(nest))

#endif
