/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The flow language's lexer, shared by the key parser (odp/key-parse*.c) and
 * the action scanner (odp/action-scan.c): character classes, numbers with
 * range errors, 128-bit values, MAC, IPv4 and IPv6 addresses with masks or
 * CIDR prefixes, and error messages that quote the bad token (control bytes
 * escaped). A cursor is a `const char **`, moved only on success; @err may be
 * NULL (no message is written, the error code is still returned).
 *
 * The scanners that run for every field of every flow are always inlined
 * here (left to itself GCC kept them out of line, a tenth slower parse);
 * their error wording lives out of line in lex.c, called only on failure.
 */
#ifndef CTFLOW_NL_UTIL_LEX_H
#define CTFLOW_NL_UTIL_LEX_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctflow/util.h"

enum ctf_num_base {
	CTF_NUM_DEC,		/* decimal only */
	CTF_NUM_HEX,		/* hex, "0x" optional */
	CTF_NUM_AUTO,		/* "0x" hex, otherwise decimal */
	CTF_NUM_C,		/* as scanf's %i: "0x" hex, leading-0 octal, decimal, blanks and '+' before */
};

/* Largest token a message quotes (escaped, "..." when cut). */
#define CTF_LEX_TOKEN_MAX 64

extern const bool ctf_lex_ident_chars[256];
/* Hex digit value + 1, 0 for anything else: one load per digit. */
extern const uint8_t ctf_lex_hex1[256];

static inline bool ctf_lex_is_ident(char c)
{
	return ctf_lex_ident_chars[(unsigned char)c];
}

static inline int ctf_lex_hexval(char c)
{
	return ctf_lex_hex1[(unsigned char)c] - 1;
}

static inline bool ctf_lex_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool ctf_lex_is_blank(char c)
{
	/* One test for the usual printable byte. */
	return (unsigned char)c <= ' ' && (c == ' ' || c == '\t' || c == '\r' || c == '\n');
}

/* The delimiters between attributes, actions and options: ", \t\r\n". */
static inline bool ctf_lex_is_delim(char c)
{
	return c == ',' || ctf_lex_is_blank(c);
}

static inline const char *ctf_lex_skip_blanks(const char *p)
{
	while (ctf_lex_is_blank(*p))
		p++;
	return p;
}

/* Length of the identifier [A-Za-z0-9_]* at @p. */
static inline size_t ctf_lex_ident_len(const char *p)
{
	size_t n = 0;

	while (ctf_lex_is_ident(p[n]))
		n++;
	return n;
}

/* @n (NUL-terminated) equals the @len bytes at @s; no library call. */
static inline bool ctf_lex_name_eq(const char *n, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (n[i] != s[i])
			return false;
	return !n[len];
}

/*
 * The token at @at for a message, into @buf: up to a delimiter or an
 * unbalanced ')', keeping balanced parentheses; "end of input" at the end.
 * Control and non-ASCII bytes are written as \xNN, never copied raw.
 */
const char *ctf_lex_token(const char *at, char *buf, size_t size);
/* @n bytes at @s, escaped as ctf_lex_token() does (for names and words). */
const char *ctf_lex_escape(const char *s, size_t n, char *buf, size_t size);
/* "@what at `TOKEN'" (or "@what at end of input"); returns -EINVAL. */
int ctf_lex_bad(struct ctf_err *err, const char *at, const char *what);

/* Number errors: -EINVAL "@what needs a number, got `TOKEN'", -ERANGE
 * "@what `TOKEN' is out of range (0..@max)". Returns @r. */
int ctf_lex_num_error(struct ctf_err *err, const char *what, enum ctf_num_base base,
		      uint64_t max, const char *at, int r);
int ctf_lex_scan_u64_general(const char **sp, enum ctf_num_base base, uint64_t *v);
/* ctf_lex_u64() past its fast path: the general loop, the bound, the messages. */
int ctf_lex_u64_general(const char **sp, struct ctf_err *err, const char *what,
			enum ctf_num_base base, uint64_t max, uint64_t *v);

/*
 * The forms flow text is made of, read without overflow tests (they cannot
 * overflow below 20 decimal or 17 hex digits): decimal without a leading
 * zero, a lone 0, "0x" hex. The number's length at @s, its value in *@x; 0
 * for any other form, left to the general loop (which reads these too).
 */
static inline __attribute__((always_inline))
size_t ctf_lex_short_u64(const char *s, enum ctf_num_base base, uint64_t *x)
{
	unsigned int d, n;
	uint64_t y;

	if (base != CTF_NUM_HEX && s[0] >= '1' && s[0] <= '9') {
		y = (unsigned int)(s[0] - '0');
		for (n = 1; (d = (unsigned int)((unsigned char)s[n] - '0')) <= 9; n++) {
			if (n == 19)
				return 0;
			y = y * 10 + d;
		}
		*x = y;
		return n;
	}
	if (s[0] != '0')
		return 0;
	if (!ctf_lex_hex1[(unsigned char)s[1]] && (s[1] | 0x20) != 'x') {
		*x = 0;
		return 1;
	}
	if (base == CTF_NUM_DEC || (s[1] | 0x20) != 'x')
		return 0;
	for (y = 0, n = 0; (d = ctf_lex_hex1[(unsigned char)s[2 + n]]); n++) {
		if (n == 16)
			return 0;
		y = y << 4 | (d - 1);
	}
	*x = y;
	return n ? 2 + n : 0;
}

/*
 * An unsigned number at *@sp in @base: 0, -EINVAL (no digits; cursor kept) or
 * -ERANGE (above 64 bits or negative; cursor past the digits). No message.
 */
static inline __attribute__((always_inline))
int ctf_lex_scan_u64(const char **sp, enum ctf_num_base base, uint64_t *v)
{
	uint64_t x;
	size_t n = ctf_lex_short_u64(*sp, base, &x);

	if (__builtin_expect(n != 0, 1)) {
		*sp += n;
		*v = x;
		return 0;
	}
	return ctf_lex_scan_u64_general(sp, base, v);
}

/*
 * ctf_lex_scan_u64() bounded by @max, with messages naming @what; on an
 * error the cursor is kept and *@v is 0. The usual number within @max costs
 * no call and no stack frame: everything else is one tail call.
 */
static inline __attribute__((always_inline))
int ctf_lex_u64(const char **sp, struct ctf_err *err, const char *what, enum ctf_num_base base,
		uint64_t max, uint64_t *v)
{
	uint64_t x;
	size_t n = ctf_lex_short_u64(*sp, base, &x);

	if (__builtin_expect(n != 0 && x <= max, 1)) {
		*sp += n;
		*v = x;
		return 0;
	}
	return ctf_lex_u64_general(sp, err, what, base, max, v);
}

/*
 * A 128-bit number as 16 big-endian bytes: "0x" and up to 32 significant hex
 * digits, or a 64-bit number in @base (CTF_NUM_DEC or CTF_NUM_C).
 */
int ctf_lex_u128(const char **sp, struct ctf_err *err, const char *what, enum ctf_num_base base,
		 uint8_t out[16]);
/* Big-endian 16 bytes to the host-order u128 layout of ct labels, in place. */
void ctf_lex_u128_be_to_host(uint8_t b[16]);

/* Hex bytes "0a0b..." (pairs of digits) into @out, at most @max bytes. */
int ctf_lex_hex_bytes(const char **sp, struct ctf_err *err, const char *what, uint8_t *out,
		      size_t max, size_t *n);

/* xx:xx:xx:xx:xx:xx (one or two digits per byte). */
int ctf_lex_mac(const char **sp, struct ctf_err *err, const char *what, uint8_t mac[6]);

int ctf_lex_ipv4_fail(const char *s, struct ctf_err *err, const char *what);
/* A dotted quad; an error says why (parts missing, octet too big). */
static inline __attribute__((always_inline))
int ctf_lex_ipv4(const char **sp, struct ctf_err *err, const char *what, uint8_t out[4])
{
	const char *s = *sp;

	for (int i = 0; i < 4; i++) {
		unsigned int v;

		if (!ctf_lex_is_digit(s[0]))
			return ctf_lex_ipv4_fail(*sp, err, what);
		v = (unsigned int)(*s++ - '0');
		if (ctf_lex_is_digit(*s)) {
			v = v * 10 + (unsigned int)(*s++ - '0');
			if (ctf_lex_is_digit(*s))
				v = v * 10 + (unsigned int)(*s++ - '0');
		}
		if (v > 255 || ctf_lex_is_digit(*s))
			return ctf_lex_ipv4_fail(*sp, err, what);
		out[i] = (uint8_t)v;
		if (i < 3 && *s++ != '.')
			return ctf_lex_ipv4_fail(*sp, err, what);
	}
	if (*s == '.')
		return ctf_lex_ipv4_fail(*sp, err, what);
	*sp = s;
	return 0;
}

/* An IPv6 address as inet_pton reads it, up to the first other byte. */
int ctf_lex_ipv6(const char **sp, struct ctf_err *err, const char *what, uint8_t out[16]);

/* The mask of a /@bits prefix over @len bytes (bits <= 8 * len). */
void ctf_lex_prefix_mask(unsigned int bits, uint8_t *mask, size_t len);

/*
 * The part after '/' of an address of @len bytes (4 or 16): an address mask,
 * or a prefix length (CIDR, "10.0.0.0/8", "fd00::/64") turned into one.
 */
int ctf_lex_addr_mask(const char **sp, struct ctf_err *err, const char *what, size_t len,
		      uint8_t *mask);

#endif
