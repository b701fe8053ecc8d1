/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The flow-key attribute tables: one static const row per OVS_KEY_ATTR_*
 * (and per OVS_TUNNEL_KEY_ATTR_* / OVS_NSH_KEY_ATTR_*) giving its text name,
 * its exact payload length (or NESTED / VARIABLE), the nested table it opens
 * and, for struct-like keys, the list of fields with offset, size and print
 * style. The key parser, the key printer, the set()/set_masked() action code
 * and the validator all read these rows, so a length or a name lives in
 * exactly one place (anchor: the kernel's ovs_key_lens in flow_netlink.c).
 */
#ifndef CTFLOW_NL_KEY_ATTRS_H
#define CTFLOW_NL_KEY_ATTRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <linux/openvswitch.h>

#include "ctflow/flowtext.h"

/* Payload lengths that are not a fixed byte count. */
#define CTF_LEN_NESTED   (-1)	/* nested attribute stream */
#define CTF_LEN_VARIABLE (-2)	/* checked by the attribute's own rule (MPLS n*4, geneve...) */

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

/* What kind of text an attribute takes; selects the parse/print routine. */
enum ctf_key_kind {
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

/* Attribute flags. */
#define CTF_AF_NO_MASK   0x01	/* recirc_id: "/mask" is a syntax error */
#define CTF_AF_USER_ONLY 0x02	/* PACKET_TYPE, ND_EXTENSIONS, TUNNEL_INFO: kernel refuses */
#define CTF_AF_L3L4      0x04	/* mask allowed only under an exact parent (kernel match_validate) */

struct ctf_attr_table;

struct ctf_attr_desc {
	const char *name;	/* text name ("ct_state"); NULL = unused type */
	int len;		/* payload bytes, or CTF_LEN_NESTED / CTF_LEN_VARIABLE */
	uint8_t kind;		/* enum ctf_key_kind */
	uint8_t flags;		/* CTF_AF_* */
	uint8_t n_fields;
	const struct ctf_field_desc *fields;
	const struct ctf_attr_table *nested;	/* for NESTED attributes */
	/*
	 * Where the decoded payload lives in struct ctf_flow_key (match.h):
	 * the byte offset (0: nowhere, e.g. encap) and, when that is not @len
	 * (variable or structural rows: mpls, vlan, nsh md2), the room there.
	 * A row with a fixed @len and an offset is decoded and encoded as a
	 * plain copy; the others by their kind's code in match.c.
	 */
	uint16_t key_off;
	uint16_t key_size;
	/*
	 * Where the encoder writes it: CTF_ENC_OUTER(n) is the n-th attribute
	 * before the VLAN levels, CTF_ENC_INNER(n) the n-th inside the innermost
	 * encap() (the kernel's own dump order). 0: written by structure (vlan,
	 * encap) or never. A decodable row without a position would be dropped
	 * from every installed flow: check_keyrows fails on one.
	 */
	uint8_t enc_order;
	uint8_t stage;		/* enum ctf_key_stage: the classifier's lookup stage */
};

/* Bytes a row decodes and encodes as a plain copy at key_off, or 0. */
static inline size_t ctf_attr_copy_len(const struct ctf_attr_desc *d)
{
	if (!d->key_off || d->len <= 0 || d->kind == CTF_AK_VLAN || d->kind == CTF_AK_RAW)
		return 0;
	return (size_t)d->len;
}

#define CTF_ENC_OUTER(n) (n)
#define CTF_ENC_INNER(n) (64 + (n))
#define CTF_ENC_IS_INNER(o) ((o) >= 64)

struct ctf_attr_table {
	const char *what;	/* "key", "tunnel key", "nsh key" for messages */
	unsigned int max_type;
	const struct ctf_attr_desc *attrs;	/* indexed by type, 0..max_type */
};

extern const struct ctf_attr_table ctf_key_table;	/* OVS_KEY_ATTR_* */
extern const struct ctf_attr_table ctf_tunnel_key_table;	/* OVS_TUNNEL_KEY_ATTR_* */
extern const struct ctf_attr_table ctf_nsh_key_table;	/* OVS_NSH_KEY_ATTR_* */

/* The row for @type in @table, or NULL when the type has no row. */
const struct ctf_attr_desc *ctf_attr_table_desc(const struct ctf_attr_table *table,
						unsigned int type);
/* ctf_key_attr_desc(), inline: the validator and the decoder look up every
 * attribute of every flow, and the call cost more than the lookup. */
static inline const struct ctf_attr_desc *ctf_key_attr_row(unsigned int type)
{
	if (type > ctf_key_table.max_type || !ctf_key_table.attrs[type].name)
		return NULL;
	return &ctf_key_table.attrs[type];
}
/* Shorthands: OVS_KEY_ATTR_*, OVS_TUNNEL_KEY_ATTR_*, OVS_NSH_KEY_ATTR_*. */
const struct ctf_attr_desc *ctf_key_attr_desc(unsigned int type);
const struct ctf_attr_desc *ctf_tunnel_key_attr_desc(unsigned int type);
const struct ctf_attr_desc *ctf_nsh_key_attr_desc(unsigned int type);
/* Find a key attribute row by its text name; sets *type. NULL if unknown. */
const struct ctf_attr_desc *ctf_key_attr_by_name(const char *name, size_t len,
						 unsigned int *type);

/*
 * The encoder's walk orders, derived once from the rows' enc_order:
 * attribute types in writing order, each list ending with CTF_ENC_END
 * (not 0: tunnel type 0 is OVS_TUNNEL_KEY_ATTR_ID).
 */
#define CTF_ENC_END 0xffu
struct ctf_key_enc_orders {
	uint8_t outer[OVS_KEY_ATTR_MAX + 1];
	uint8_t inner[OVS_KEY_ATTR_MAX + 1];
	uint8_t tunnel[OVS_TUNNEL_KEY_ATTR_MAX + 2];
};
extern struct ctf_key_enc_orders ctf_key_enc_orders;

/* The merged ct_state bits the kernel accepts (OVS_CS_F_*). */
#define CTF_CT_STATE_SUPPORTED 0xffu
/* TCP flag bits that can be matched (the 12 low bits of the be16). */
#define CTF_TCP_FLAGS_SUPPORTED 0x0fffu
/* The deepest encap() nesting the kernel parses: outer + inner VLAN tag. */
#define CTF_MAX_ENCAP_DEPTH 2

/*
 * Parse ONE key attribute at *@p ("ipv4(src=1.2.3.4,...)", "ct_mark(5/0xff)")
 * and append it to @key and, when @mask is not NULL, its mask to @mask.
 * With @mask NULL any "/mask" that is not all-ones is refused (set() cannot
 * carry one) — callers that build set_masked pass a mask buffer and check
 * whether the mask came out all-ones. On success *@p points just after the
 * closing ')'. Returns 0 or a negative errno with @err naming the token.
 */
int ctf_key_parse_one(const char **p, const struct ctf_portmap *ports,
		      struct ctf_nlbuf *key, struct ctf_nlbuf *mask, struct ctf_err *err);

/*
 * Print ONE key attribute @key (with its mask attribute @mask, or NULL for an
 * exact match) as "name(...)". Non-verbose hides fields whose mask is zero;
 * CTF_FMT_VERBOSE prints every field with /mask when not exact. Attributes
 * we do not know print as "keyN(hex[/hex])".
 */
void ctf_key_format_one(const struct nlattr *key, const struct nlattr *mask,
			const struct ctf_portmap *ports, unsigned int flags,
			struct ctf_str *out);

/* Name of a ct_state bit (OVS_CS_F_*), or NULL. Used by the ct() printer. */
const char *ctf_ct_state_bit_name(uint32_t bit);

#endif
