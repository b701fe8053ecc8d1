/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one attribute-table row the library knows: a netlink attribute's name
 * and the rule its payload length keeps. Every attribute namespace is a
 * static array of rows indexed by attribute type; a row without a name is a
 * type the table does not know.
 *
 * Kernel replies are read with arrays of struct ctf_attr_rule
 * (ctf_attrs_parse(), ctflow/nlsock.h). The flow language's tables (keys,
 * actions, ct(), nat(), tunnel, ...) have wider rows that begin with this
 * one, so the two are checked by the same length rule.
 */
#ifndef CTFLOW_ATTR_RULE_H
#define CTFLOW_ATTR_RULE_H

#include <stdint.h>

/*
 * A payload length rule (struct ctf_attr_rule.len): an exact byte count
 * (>= 0; 0 is a flag), or one of these.
 */
#define CTF_LEN_NESTED    (-1)	/* a nested stream of attributes */
#define CTF_LEN_VARIABLE  (-2)	/* [min_len, max_len] bytes */
#define CTF_LEN_STRZ      (-3)	/* [min_len, max_len] bytes with a NUL among them */
#define CTF_LEN_IP        (-4)	/* an IPv4 or an IPv6 address: 4 or 16 bytes, nothing between */
#define CTF_LEN_U32_ARRAY (-5)	/* [min_len, max_len] bytes, a multiple of 4 */

/*
 * The members of a row, in this order. Wider rows repeat them through this
 * macro in an anonymous struct beside a struct ctf_attr_rule (the kernel's
 * struct_group() idea), so both name them directly and the layouts cannot
 * drift apart.
 */
#define CTF_ATTR_RULE_MEMBERS						\
	const char *name;	/* text name, for messages; NULL = unknown type */ \
	int16_t len;		/* exact payload bytes, or a CTF_LEN_* rule */	\
	uint16_t min_len;	/* bounds of VARIABLE, STRZ, U32_ARRAY payloads */ \
	uint16_t max_len;

struct ctf_attr_rule {
	CTF_ATTR_RULE_MEMBERS
};

/* Row initializers for tables of struct ctf_attr_rule. */
#define CTF_RULE_BYTES(n, bytes) { .name = (n), .len = (bytes) }
#define CTF_RULE_FLAG(n)	CTF_RULE_BYTES(n, 0)
#define CTF_RULE_U8(n)		CTF_RULE_BYTES(n, 1)
#define CTF_RULE_U16(n)		CTF_RULE_BYTES(n, 2)
#define CTF_RULE_U32(n)		CTF_RULE_BYTES(n, 4)
#define CTF_RULE_U64(n)		CTF_RULE_BYTES(n, 8)
#define CTF_RULE_NESTED(n)	{ .name = (n), .len = CTF_LEN_NESTED }
#define CTF_RULE_VAR(n, lo, hi)	{ .name = (n), .len = CTF_LEN_VARIABLE, .min_len = (lo), .max_len = (hi) }
/* At least @lo bytes: a struct older kernels send shorter than newer ones. */
#define CTF_RULE_MIN(n, lo)	CTF_RULE_VAR(n, lo, UINT16_MAX)
/* A NUL-terminated string of at most @hi bytes with its NUL. */
#define CTF_RULE_STRZ(n, hi)	{ .name = (n), .len = CTF_LEN_STRZ, .min_len = 1, .max_len = (hi) }
/* A non-empty array of 32-bit values. */
#define CTF_RULE_U32_ARRAY(n)	{ .name = (n), .len = CTF_LEN_U32_ARRAY, .min_len = 4, .max_len = UINT16_MAX }

#endif
