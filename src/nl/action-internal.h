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
	return c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Length of the identifier [A-Za-z0-9_]* at @p. */
size_t ctf_as_word_len(const char *p);
/* If the identifier at the cursor is exactly @w, step over it and return true. */
bool ctf_as_word(struct ctf_ascan *sc, const char *w);
/* If the cursor is at @c, step over it and return true. */
bool ctf_as_char(struct ctf_ascan *sc, char c);
/* Require @c at the cursor; otherwise an error that mentions @ctx. */
int ctf_as_expect(struct ctf_ascan *sc, char c, const char *ctx);

/* Error naming the token that starts at @at (up to a delimiter or paren). */
int ctf_as_err(struct ctf_ascan *sc, const char *at, const char *fmt, ...) CTF_PRINTF(3, 4);
/* Copy the token at @at into @buf for a message ("..." if cut). */
const char *ctf_as_token(const char *at, char *buf, size_t size);

enum ctf_num_base {
	CTF_NUM_DEC,		/* decimal only */
	CTF_NUM_HEX,		/* hex, "0x" optional */
	CTF_NUM_AUTO,		/* "0x" hex, otherwise decimal */
};
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
int ctf_as_put(struct ctf_ascan *sc, uint16_t type, size_t len, const void *data);
int ctf_as_put_u32(struct ctf_ascan *sc, uint16_t type, uint32_t v);
struct nlattr *ctf_as_nest_start(struct ctf_ascan *sc, uint16_t type);
/* Closes a nest; refuses one whose length does not fit netlink's u16. */
int ctf_as_nest_end(struct ctf_ascan *sc, struct nlattr *nest);
int ctf_as_too_long(struct ctf_ascan *sc);

/* ct(...) with the cursor just after "ct". */
int ctf_ct_parse(struct ctf_ascan *sc);
/* Print an OVS_ACTION_ATTR_CT attribute in ovs-dpctl's canonical form. */
void ctf_ct_format(const struct nlattr *ct, struct ctf_str *out);

/* Hex digits of @n bytes, lowercase, no prefix. */
void ctf_format_hex(struct ctf_str *out, const void *data, size_t n);

#endif
