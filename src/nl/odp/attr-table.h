/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one row type of the flow language's attribute tables: every
 * namespace (OVS_KEY_ATTR_*, OVS_TUNNEL_KEY_ATTR_*, OVS_NSH_KEY_ATTR_*,
 * OVS_ACTION_ATTR_*, OVS_CT_ATTR_*, OVS_NAT_ATTR_*, ...) is a static const
 * array of struct ctf_attr_desc indexed by attribute type, wrapped in a
 * struct ctf_attr_table. A row says what the kernel checks (its payload
 * length rule, the table a nest contains) and what the walkers need (text
 * name, kind, fields, where a key lives in struct ctf_flow_key, where the
 * encoder writes it, the classifier stage). Columns a namespace does not
 * use stay zero: action rows have no kind, fields or key position.
 *
 * The key tables are in key-attrs.c, the action tables in action-attrs.c;
 * every walker (parse, print, validate, encode, decode) looks rows up with
 * ctf_attr_row() and checks payload lengths with ctf_attr_len_ok().
 */
#ifndef CTFLOW_NL_ATTR_TABLE_H
#define CTFLOW_NL_ATTR_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/netlink.h>

#include "ctflow/attr-rule.h"
#include "netlink/nla-inline.h"

/*
 * A row's payload length rule is ctflow/attr-rule.h's (CTF_LEN_*); for
 * CTF_LEN_VARIABLE the validator adds a kind's own rule where there is one
 * (MPLS n*4, geneve n*4).
 */

/* How a field's value (and mask) is written and read. */
enum ctf_field_style {
	CTF_FS_DEC,	/* value %u, mask /%#x           (proto=6, src=80/0xff00) */
	CTF_FS_HEX,	/* value %#x, mask /%#x          (tos=0x80, ct_mark(0x1/0xff)) */
	CTF_FS_ETH,	/* xx:xx:xx:xx:xx:xx[/xx:..]     */
	CTF_FS_IPV4,	/* dotted quad[/dotted mask]     */
	CTF_FS_IPV6,	/* inet_pton form[/addr mask]    */
	CTF_FS_FRAG,	/* no|first|later, exact or absent, never /mask */
	CTF_FS_ETHTYPE,	/* 0x%04x[/0x%04x]               */
	CTF_FS_PORT,	/* in_port: decimal or port name, mask /%#x */
	CTF_FS_CFI,	/* vlan cfi: printed only as "cfi=0" when the key bit is clear */
	CTF_FS_DEC_0X,	/* value %u, mask /0x%x, so a zero mask is "/0x0" (vlan vid, pcp) */
	CTF_FS_HEX_0X,	/* value 0x%x even when zero ("0x0"), mask /%#x (tunnel tun_id) */
};

/*
 * One field of a struct-like key. A field is a big-endian (or, with
 * host_order, host-order) integer of @size bytes at @offset, or a byte
 * string for ETH/IPV6; @bits/@shift select a bit field inside that integer
 * (bits == 0: the whole integer), which also bounds the accepted range.
 */
struct ctf_field_desc {
	const char *name;	/* printed name */
	const char *alias;	/* also accepted when parsing (ct_tuple6 tp_src), or NULL */
	uint8_t offset;
	uint8_t size;		/* 1, 2, 4, 8 for integers; 6 eth; 4 ipv4; 16 ipv6 */
	uint8_t shift;
	uint8_t bits;		/* 0 = whole integer */
	uint8_t style;		/* enum ctf_field_style */
	uint8_t host_order;	/* integer is in host byte order (u32 metadata keys) */
	uint8_t addr;		/* an address: the classifier's CTF_KS_ADDR stage, not its row's */
};

/* What kind of text a key attribute takes; selects the parse/print routine. */
enum ctf_key_kind {
	CTF_AK_NONE,		/* not a key row (actions: their parsers are by name) */
	CTF_AK_SCALAR,		/* name(VALUE[/MASK]): one unnamed field in fields[0] */
	CTF_AK_STRUCT,		/* name(field=V[/M],...) over fields[] */
	CTF_AK_CT_STATE,	/* flag names new|est|..., +x-y, or numbers */
	CTF_AK_TCP_FLAGS,	/* flag names fin|syn|..., +x-y, or numbers */
	CTF_AK_LABEL128,	/* 128-bit big-endian value (ct_label) */
	CTF_AK_ENCAP,		/* encap(<key attributes>) */
	CTF_AK_TUNNEL,		/* tunnel(tun_id=..,src=..,geneve(..),flags(..)) */
	CTF_AK_NSH,		/* nsh(flags=..,spi=..,c1=..,md2=..) */
	CTF_AK_MPLS,		/* mpls(label=,tc=,ttl=,bos=), 1..3 label stack entries */
	CTF_AK_VLAN,		/* vlan(vid=,pcp=,cfi=) over a be16 TCI */
	CTF_AK_REFUSED,		/* named in the header but refused from userspace */
	CTF_AK_RAW,		/* tunnel sub-attributes printed by their own code */
};

/* Row flags (key rows). */
#define CTF_AF_NO_MASK   0x01	/* recirc_id: "/mask" is a syntax error */
#define CTF_AF_USER_ONLY 0x02	/* PACKET_TYPE, ND_EXTENSIONS, TUNNEL_INFO: kernel refuses */
#define CTF_AF_L3L4      0x04	/* mask allowed only under an exact parent (kernel match_validate) */

struct ctf_attr_table;

/*
 * A row begins with the library's one row, struct ctf_attr_rule (name:
 * "ct_state", "push_vlan", "zone"; the length rule and its bounds), named
 * both as @rule and, through the anonymous struct, member by member.
 * Kept to 40 bytes (the key rows' size before the action rows joined them):
 * the decoder and validator read a row for every attribute of every flow.
 */
struct ctf_attr_desc {
	union {
		struct ctf_attr_rule rule;
		struct {
			CTF_ATTR_RULE_MEMBERS
		};
	};
	uint8_t kind;		/* enum ctf_key_kind */
	uint8_t flags;		/* CTF_AF_* */
	uint8_t n_fields;
	/*
	 * Key rows: where the encoder writes it: CTF_ENC_OUTER(n) is the n-th
	 * attribute before the VLAN levels, CTF_ENC_INNER(n) the n-th inside the
	 * innermost encap() (the kernel's own dump order). 0: written by
	 * structure (vlan, encap) or never. A decodable row without a position
	 * would be dropped from every installed flow: check_keyrows fails on one.
	 */
	uint8_t enc_order;
	uint8_t stage;		/* enum ctf_key_stage: the classifier's lookup stage */
	/*
	 * Key rows: where the decoded payload lives in struct ctf_flow_key
	 * (match.h): the byte offset (0: nowhere, e.g. encap) and, when that is
	 * not @len (variable or structural rows: mpls, vlan, nsh md2), the room
	 * there. A row with a fixed @len and an offset is decoded and encoded
	 * as a plain copy; the others by their kind's code in match.c.
	 */
	uint8_t key_size;	/* at most CTF_GENEVE_OPTS_MAX */
	uint16_t key_off;
	const struct ctf_field_desc *fields;
	const struct ctf_attr_table *nested;	/* the table of a CTF_LEN_NESTED row */
};
_Static_assert(sizeof(struct ctf_attr_desc) <= 40, "a row fits in 40 bytes");

#define CTF_ENC_OUTER(n) (n)
#define CTF_ENC_INNER(n) (64 + (n))
#define CTF_ENC_IS_INNER(o) ((o) >= 64)

struct ctf_attr_table {
	const char *what;	/* the namespace, for messages: "key", "tunnel key", "ct" */
	unsigned int max_type;
	const struct ctf_attr_desc *rows;	/* indexed by type, max_type + 1 rows */
};

/*
 * The row for @type in @t, or NULL when the type has none. Inline: the
 * parsers, printers, validator and decoder look up every attribute of
 * every flow, and a call cost more than the lookup.
 */
static inline const struct ctf_attr_desc *ctf_attr_row(const struct ctf_attr_table *t,
							unsigned int type)
{
	if (type > t->max_type || !t->rows[type].name)
		return NULL;
	return &t->rows[type];
}

/*
 * Whether attribute @a is known in @t and has a payload length its row
 * allows. Inline: printing a ct() action checks every attribute of it, for
 * most flows of a dump.
 */
static inline bool ctf_attr_len_ok(const struct ctf_attr_table *t, const struct nlattr *a)
{
	const struct ctf_attr_desc *d = ctf_attr_row(t, ctf_nla_type(a));

	return d && ctf_attr_rule_len_ok(&d->rule, ctf_nla_data(a), ctf_nla_len(a), false);
}

/* Bytes a key row decodes and encodes as a plain copy at key_off, or 0. */
static inline size_t ctf_attr_copy_len(const struct ctf_attr_desc *d)
{
	if (!d->key_off || d->len <= 0 || d->kind == CTF_AK_VLAN || d->kind == CTF_AK_RAW)
		return 0;
	return (size_t)d->len;
}

#endif
