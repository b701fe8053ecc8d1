/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The flow-key attribute tables (rows of odp/attr-table.h): one static
 * const row per OVS_KEY_ATTR_* (and per OVS_TUNNEL_KEY_ATTR_* /
 * OVS_NSH_KEY_ATTR_*) giving its text name, its payload length rule, the
 * nested table it opens and, for struct-like keys, the list of fields with
 * offset, size and print style. The key parser, the key printer, the
 * set()/set_masked() action code and the validator all read these rows, so
 * a length or a name lives in exactly one place (anchor: the kernel's
 * ovs_key_lens in flow_netlink.c).
 */
#ifndef CTFLOW_NL_KEY_ATTRS_H
#define CTFLOW_NL_KEY_ATTRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <linux/openvswitch.h>

#include "ctflow/flowtext.h"
#include "odp/attr-table.h"

extern const struct ctf_attr_table ctf_key_table;	/* OVS_KEY_ATTR_* */
extern const struct ctf_attr_table ctf_tunnel_key_table;	/* OVS_TUNNEL_KEY_ATTR_* */
extern const struct ctf_attr_table ctf_nsh_key_table;	/* OVS_NSH_KEY_ATTR_* */

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
