/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The flow language: datapath flow text (ovs-dpctl syntax) <-> the nested
 * netlink attribute streams the kernel takes (OVS_KEY_ATTR_* for keys and
 * masks, OVS_ACTION_ATTR_* for actions).
 *
 * Keys and masks are carried as two attribute streams, in the order the text
 * (or the kernel) gave them, so that printing is faithful to the source. A
 * mask stream that is absent (NULL / 0 bytes) means "exact match on every
 * attribute present in the key", which is what the kernel assumes too.
 */
#ifndef CTFLOW_FLOWTEXT_H
#define CTFLOW_FLOWTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctflow/nlbuf.h"
#include "ctflow/util.h"

/* Port name <-> number map for --names (in_port(NAME), output NAME). */
struct ctf_portmap {
	size_t n;
	struct ctf_port_name {
		uint32_t port_no;
		char name[16];	/* IFNAMSIZ */
	} *ports;
};

void ctf_portmap_init(struct ctf_portmap *map);
void ctf_portmap_free(struct ctf_portmap *map);
int ctf_portmap_add(struct ctf_portmap *map, uint32_t port_no, const char *name);
/* 0 and *port_no set on success, -ENOENT if unknown. */
int ctf_portmap_lookup_name(const struct ctf_portmap *map, const char *name, uint32_t *port_no);
/* NULL if unknown. */
const char *ctf_portmap_lookup_no(const struct ctf_portmap *map, uint32_t port_no);

/* A UFID, 16 bytes, printed "ufid:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx". */
struct ctf_ufid {
	uint8_t b[16];
};
#define CTF_UFID_STRLEN 41	/* "ufid:" + 36 */
int ctf_ufid_parse(const char *s, struct ctf_ufid *ufid, size_t *consumed);
void ctf_ufid_format(const struct ctf_ufid *ufid, struct ctf_str *out);
void ctf_ufid_random(struct ctf_ufid *ufid);

/* ---- keys ------------------------------------------------------------ */

/*
 * Parse "recirc_id(0),in_port(1),eth_type(0x0800),ipv4(...)..." into @key and
 * @mask (both initialised by the caller). Values without "/mask" are exact.
 * @ports may be NULL. On error returns a negative errno and fills @err with a
 * message that names the offending token.
 */
int ctf_key_parse(const char *text, const struct ctf_portmap *ports,
		  struct ctf_nlbuf *key, struct ctf_nlbuf *mask, struct ctf_err *err);

enum ctf_format_flags {
	CTF_FMT_VERBOSE = 1 << 0,	/* -m: every field, with /mask */
	CTF_FMT_NAMES = 1 << 1,		/* port names where known */
};

/*
 * Print a key (and its mask, NULL for exact) in ovs-dpctl's format, appending
 * to @out. Attributes are printed in stream order; non-verbose output hides
 * fully wildcarded fields and attributes the way ovs-dpctl does.
 */
void ctf_key_format(const void *key, size_t key_len, const void *mask, size_t mask_len,
		    const struct ctf_portmap *ports, unsigned flags, struct ctf_str *out);

/* ---- actions --------------------------------------------------------- */

/* Parse "ct(commit,zone=5,nat(src=10.0.0.1)),recirc(1)". "drop" = empty list. */
int ctf_actions_parse(const char *text, const struct ctf_portmap *ports,
		      struct ctf_nlbuf *actions, struct ctf_err *err);

/* Print an action list; the empty list prints "drop". */
void ctf_actions_format(const void *actions, size_t len, const struct ctf_portmap *ports,
			unsigned flags, struct ctf_str *out);

/* ---- validation (mirrors the kernel's rules, with hints) --------------- */

/*
 * Refuse, before anything is sent, what the kernel would refuse: missing
 * expected keys, masks without exact parents, bad lengths, ct() without an
 * exact IP eth_type, ct option rules, nesting depth, port ranges... @mask may
 * be NULL (exact). Returns 0 or a negative errno with @err filled.
 */
int ctf_flow_validate(const void *key, size_t key_len, const void *mask, size_t mask_len,
		      const void *actions, size_t actions_len, struct ctf_err *err);

#endif
