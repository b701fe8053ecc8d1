/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared between the action parser/formatter files only (action-parse.c,
 * action-ct.c, action-format.c): the scanner state and its small helpers.
 * The parser writes attributes straight into the caller's buffer; nothing is
 * allocated per token.
 */
#ifndef CTFLOW_NL_ACTION_INTERNAL_H
#define CTFLOW_NL_ACTION_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#include "ctflow/flowtext.h"
#include "ctflow/util.h"
#include "util/lex.h"

struct ctf_ascan {
	const char *p;			/* cursor into the text */
	struct nlmsghdr *nlh;		/* output stream (payload of the scratch header) */
	size_t buflen;
	const struct ctf_portmap *ports;
	struct ctf_err *err;
};

/* The text delimiters between actions and options: ", \t\r\n". */
static inline bool ctf_as_is_delim(char c)
{
	return ctf_lex_is_delim(c);
}

/* Length of the identifier [A-Za-z0-9_]* at @p. */
static inline size_t ctf_as_word_len(const char *p)
{
	return ctf_lex_ident_len(p);
}
/*
 * If the identifier at the cursor is exactly @w, step over it and return
 * true. Inline and hand-rolled (no strlen/strncmp): keyword lists try one
 * word after another, and most attempts end at the first byte.
 */
static inline bool ctf_as_word(struct ctf_ascan *sc, const char *w)
{
	const char *p = sc->p;
	size_t n = 0;

	if (p[0] != w[0])	/* where most attempts end */
		return false;
	while (w[n] && p[n] == w[n])
		n++;
	if (w[n] || ctf_lex_is_ident(p[n]))
		return false;
	sc->p = p + n;
	return true;
}
/* If the cursor is at @c, step over it and return true; inline: the
 * separators and brackets of every action. */
static inline bool ctf_as_char_fast(struct ctf_ascan *sc, char c)
{
	if (*sc->p != c)
		return false;
	sc->p++;
	return true;
}
/* Require @c at the cursor; otherwise an error that mentions @ctx. */
int ctf_as_expect(struct ctf_ascan *sc, char c, const char *ctx);

/* Error naming the token that starts at @at (up to a delimiter or paren). */
int ctf_as_err(struct ctf_ascan *sc, const char *at, const char *fmt, ...) CTF_PRINTF(3, 4);
/* Copy the token at @at into @buf for a message ("..." if cut). */
const char *ctf_as_token(const char *at, char *buf, size_t size);

/* enum ctf_num_base: util/lex.h */
/*
 * Scan an unsigned number at the cursor into @v; refuse signs, empty input
 * and values above @max (never wrap). @what names the field in messages.
 */
int ctf_as_u64(struct ctf_ascan *sc, const char *what, enum ctf_num_base base,
	       uint64_t max, uint64_t *v);
/* Hex bytes "0a0b..." (pairs of digits) into @out (at most @max bytes). */
int ctf_as_hex_bytes(struct ctf_ascan *sc, const char *what, uint8_t *out, size_t max,
		     size_t *n);

/* Output helpers; all fail with -EMSGSIZE "action list too long". */
int ctf_as_too_long(struct ctf_ascan *sc) __attribute__((cold));
int ctf_as_put(struct ctf_ascan *sc, uint16_t type, size_t len, const void *data);
int ctf_as_put_u32(struct ctf_ascan *sc, uint16_t type, uint32_t v);
struct nlattr *ctf_as_nest_start(struct ctf_ascan *sc, uint16_t type);
/* Closes a nest; refuses one whose length does not fit netlink's u16. */
int ctf_as_nest_end(struct ctf_ascan *sc, struct nlattr *nest);

/* ---- key=value argument lists ("push_vlan(vid=1,pcp=2)") ---------------- */

/* key=NUMBER at the cursor; -ENOENT (cursor unchanged or past key) if not @key=. */
int ctf_as_field_u64(struct ctf_ascan *sc, const char *key, enum ctf_num_base base,
		     uint64_t max, uint64_t *v);
/* After a field: ',' (more follow) or ')' (*done set). */
int ctf_as_next_field(struct ctf_ascan *sc, const char *ctx, bool *done);
int ctf_as_unknown_field(struct ctf_ascan *sc, const char *ctx, const char *fields);
/* Refuse a field seen before (bit @bit in *@seen), else mark it. */
int ctf_as_dup_field(struct ctf_ascan *sc, const char *at, const char *ctx, unsigned bit,
		     unsigned *seen);
int ctf_as_missing_field(struct ctf_ascan *sc, const char *at, const char *ctx, const char *f);

struct ctf_num_field {
	const char *name;
	enum ctf_num_base base;
	uint64_t max;
};
/*
 * "k1=V,k2=V,...)" over @n numeric fields, any order, each at most once;
 * @req is a bitmask of required fields, @help lists them for messages.
 * Returns the bitmask of fields given (>= 0) with values in @v, or -errno.
 */
int ctf_as_fields(struct ctf_ascan *sc, const char *ctx, const char *start,
		  const struct ctf_num_field *f, unsigned n, unsigned req, uint64_t *v,
		  const char *help);

/* ---- action lists and the per-action parsers ---------------------------- */

/*
 * A list of actions up to ')' (nested; @opener such as "clone(" names it in
 * messages) or the end of the text (top level, @opener NULL). @depth counts
 * enclosing nested lists against the kernel's limit.
 */
int ctf_actions_parse_list(struct ctf_ascan *sc, int depth, const char *opener);
/* A nested list as attribute @type; the cursor is just after "name(". */
int ctf_as_nested_list(struct ctf_ascan *sc, uint16_t type, int depth, const char *opener);

/* Each with the cursor just after "name(" (action-parse-hdr.c, -nest.c). */
int ctf_ap_push_vlan(struct ctf_ascan *sc, int depth);
int ctf_ap_push_mpls(struct ctf_ascan *sc, int depth);
int ctf_ap_add_mpls(struct ctf_ascan *sc, int depth);
int ctf_ap_pop_mpls(struct ctf_ascan *sc, int depth);
int ctf_ap_push_eth(struct ctf_ascan *sc, int depth);
int ctf_ap_push_nsh(struct ctf_ascan *sc, int depth);
int ctf_ap_set(struct ctf_ascan *sc, int depth);
int ctf_ap_clone(struct ctf_ascan *sc, int depth);
int ctf_ap_sample(struct ctf_ascan *sc, int depth);
int ctf_ap_check_pkt_len(struct ctf_ascan *sc, int depth);
int ctf_ap_dec_ttl(struct ctf_ascan *sc, int depth);
int ctf_ap_psample(struct ctf_ascan *sc, int depth);
int ctf_ap_userspace(struct ctf_ascan *sc, int depth);

/* ---- ct() and nat() ----------------------------------------------------- */

/* Refuse a ct/nat option given twice (*@seen), else mark it. */
int ctf_ct_dup_option(struct ctf_ascan *sc, const char *at, bool *seen);

/* ct(...) with the cursor just after "ct". */
int ctf_ct_parse(struct ctf_ascan *sc);
/* Print an OVS_ACTION_ATTR_CT attribute in ovs-dpctl's canonical form. */
void ctf_ct_format(const struct nlattr *ct, struct ctf_str *out);

/* Hex digits of @n bytes, lowercase, no prefix. */
void ctf_format_hex(struct ctf_str *out, const void *data, size_t n);

#endif
