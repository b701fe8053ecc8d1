// SPDX-License-Identifier: Apache-2.0
/*
 * The flow language's lexer (see lex.h): the general number loop, 128-bit
 * values, MACs, IPv6, masks and prefixes, and the wording of every error.
 */
#include <stdio.h>
#include <string.h>

#include "util/lex.h"

const bool ctf_lex_ident_chars[256] = {
	['a' ... 'z'] = true, ['A' ... 'Z'] = true, ['0' ... '9'] = true, ['_'] = true,
};

const uint8_t ctf_lex_hex1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* ---- tokens and messages ------------------------------------------------- */

const char *ctf_lex_escape(const char *s, size_t n, char *buf, size_t size)
{
	size_t o = 0;

	if (!size)
		return buf;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool plain = c >= 0x20 && c < 0x7f;
		size_t w = plain ? 1 : 4;

		/* Room for this byte, "..." if more follow, and the NUL. */
		if (o + w + (i + 1 < n ? 3 : 0) + 1 > size) {
			if (o + 4 <= size)
				memcpy(buf + o, "...", 3), o += 3;
			break;
		}
		if (plain)
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
	}
	buf[o] = '\0';
	return buf;
}

const char *ctf_lex_token(const char *at, char *buf, size_t size)
{
	size_t n = 0;

	/* A token runs to the next delimiter, keeping balanced parentheses. */
	for (int depth = 0; n < 4 * size && at[n]; n++) {
		if (at[n] == '(')
			depth++;
		else if (at[n] == ')' && --depth < 0)
			break;
		else if (!depth && ctf_lex_is_delim(at[n]))
			break;
	}
	if (!*at)
		snprintf(buf, size, "end of input");
	else
		ctf_lex_escape(at, n ? n : 1, buf, size);
	return buf;
}

int ctf_lex_bad(struct ctf_err *err, const char *at, const char *what)
{
	char tok[CTF_LEX_TOKEN_MAX];

	if (!*at)
		return ctf_err_set(err, "%s at end of input", what);
	return ctf_err_set(err, "%s at `%s'", what, ctf_lex_token(at, tok, sizeof(tok)));
}

int ctf_lex_num_error(struct ctf_err *err, const char *what, enum ctf_num_base base,
		      uint64_t max, const char *at, int r)
{
	char tok[CTF_LEX_TOKEN_MAX];

	ctf_lex_token(at, tok, sizeof(tok));
	if (r == -EINVAL) {
		bool hex = base == CTF_NUM_HEX ||
			   (base != CTF_NUM_DEC && at[0] == '0' && (at[1] | 0x20) == 'x');

		return ctf_err_set(err, "%s needs %s number, got `%s'", what,
				   hex ? "a hex" : base == CTF_NUM_C ? "a" : "a decimal", tok);
	}
	ctf_err_setn(err, -ERANGE, "%s `%s' is out of range (0..%llu)", what, tok,
		     (unsigned long long)max);
	ctf_err_hint(err, "the value must fit; it is never truncated (ovs-dpctl would cut it)");
	return -ERANGE;
}

/* ---- numbers --------------------------------------------------------------- */

int ctf_lex_scan_u64_general(const char **sp, enum ctf_num_base base, uint64_t *v)
{
	const char *s = *sp;
	unsigned int radix = base == CTF_NUM_HEX ? 16 : 10;
	bool any = false, overflow = false;
	uint64_t x = 0;
	int d;

	if (base == CTF_NUM_C) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '+')
			s++;
		else if (*s == '-')
			return -ERANGE;
	}
	if (base != CTF_NUM_DEC && s[0] == '0' && (s[1] | 0x20) == 'x') {
		radix = 16;
		s += 2;
	} else if (base == CTF_NUM_C && s[0] == '0') {
		radix = 8;
	}
	for (; (d = ctf_lex_hexval(*s)) >= 0 && d < (int)radix; s++) {
		/* Overflow-checked x * radix + d without a division per digit. */
		if (__builtin_mul_overflow(x, radix, &x) ||
		    __builtin_add_overflow(x, (uint64_t)d, &x))
			overflow = true;
		any = true;
	}
	if (!any)
		return -EINVAL;
	if (overflow) {
		*sp = s;
		return -ERANGE;
	}
	*sp = s;
	*v = x;
	return 0;
}

int ctf_lex_u64_general(const char **sp, struct ctf_err *err, const char *what,
			enum ctf_num_base base, uint64_t max, uint64_t *v)
{
	const char *at = *sp;
	int r = ctf_lex_scan_u64_general(sp, base, v);

	if (r || *v > max) {
		*sp = at;
		*v = 0;
		return ctf_lex_num_error(err, what, base, max, at, r ? r : -ERANGE);
	}
	return 0;
}

int ctf_lex_u128(const char **sp, struct ctf_err *err, const char *what, enum ctf_num_base base,
		 uint8_t out[16])
{
	const char *s = *sp, *start, *end;
	uint64_t v;
	int r, nd = 0;

	memset(out, 0, 16);
	if (!(s[0] == '0' && (s[1] | 0x20) == 'x' && ctf_lex_hexval(s[2]) >= 0)) {
		if ((r = ctf_lex_u64(sp, err, what, base, UINT64_MAX, &v)))
			return r;
		for (int i = 15; i >= 8; i--, v >>= 8)
			out[i] = v & 0xff;
		return 0;
	}
	s += 2;
	while (*s == '0' && ctf_lex_hexval(s[1]) >= 0)
		s++;	/* leading zeros do not count toward the limit */
	start = s;
	while (ctf_lex_hexval(*s) >= 0)
		s++;
	end = s;
	if (end - start > 32) {
		char tok[CTF_LEX_TOKEN_MAX];

		return ctf_err_setn(err, -ERANGE, "%s `%s' is wider than 128 bits", what,
				    ctf_lex_token(*sp, tok, sizeof(tok)));
	}
	for (const char *c = end - 1; c >= start; c--, nd++)
		out[15 - nd / 2] |= (uint8_t)(ctf_lex_hexval(*c) << (4 * (nd & 1)));
	*sp = s;
	return 0;
}

void ctf_lex_u128_be_to_host(uint8_t b[16])
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	for (int i = 0; i < 8; i++) {
		uint8_t t = b[i];

		b[i] = b[15 - i];
		b[15 - i] = t;
	}
#else
	(void)b;
#endif
}

int ctf_lex_hex_bytes(const char **sp, struct ctf_err *err, const char *what, uint8_t *out,
		      size_t max, size_t *n)
{
	const char *s = *sp;
	size_t i = 0;

	while (ctf_lex_hexval(s[0]) >= 0) {
		if (ctf_lex_hexval(s[1]) < 0)
			return ctf_err_set(err, "%s has an odd number of hex digits", what);
		if (i >= max)
			return ctf_err_set(err, "%s is longer than %zu bytes", what, max);
		out[i++] = (uint8_t)(ctf_lex_hexval(s[0]) << 4 | ctf_lex_hexval(s[1]));
		s += 2;
	}
	*sp = s;
	*n = i;
	return 0;
}

/* ---- addresses ------------------------------------------------------------- */

int ctf_lex_mac(const char **sp, struct ctf_err *err, const char *what, uint8_t mac[6])
{
	const char *s = *sp;

	for (int i = 0; i < 6; i++) {
		int h = ctf_lex_hexval(*s), l;

		if (h < 0)
			return ctf_lex_bad(err, *sp, what);
		s++;
		l = ctf_lex_hexval(*s);
		if (l >= 0) {
			h = h * 16 + l;
			s++;
		}
		if (ctf_lex_hexval(*s) >= 0)
			return ctf_lex_bad(err, *sp, what);
		mac[i] = (uint8_t)h;
		if (i < 5) {
			if (*s != ':')
				return ctf_lex_bad(err, *sp, what);
			s++;
		}
	}
	*sp = s;
	return 0;
}

/* Why the text at @s is no dotted quad (ctf_lex_ipv4 failed on it). */
int ctf_lex_ipv4_fail(const char *s, struct ctf_err *err, const char *what)
{
	char tok[CTF_LEX_TOKEN_MAX];
	const char *p = s;
	int parts = 0;

	ctf_lex_token(s, tok, sizeof(tok));
	if (!ctf_lex_is_digit(*s))
		return ctf_err_set(err, "%s needs an IPv4 address, got `%s'", what, tok);
	for (;;) {
		unsigned int v = 0, n = 0;

		while (ctf_lex_is_digit(*p) && n < 4) {
			v = v * 10 + (unsigned int)(*p++ - '0');
			n++;
		}
		if (!n)
			break;
		parts++;
		if (v > 255 || n > 3) {
			ctf_err_setn(err, -ERANGE, "%s: octet %u in `%s' is out of range (max 255)",
				     what, v, tok);
			return -ERANGE;
		}
		if (*p != '.')
			break;
		p++;
	}
	if (parts != 4) {
		ctf_err_set(err, "%s: `%s' is not an IPv4 address: it has %d of its 4 parts",
			    what, tok, parts);
		ctf_err_hint(err, "write all four octets (10.0.0.0), or a prefix as 10.0.0.0/8");
		return -EINVAL;
	}
	return ctf_err_set(err, "%s: `%s' is not an IPv4 address", what, tok);
}

int ctf_lex_ipv6(const char **sp, struct ctf_err *err, const char *what, uint8_t out[16])
{
	const char *s = *sp;
	size_t n = 0;

	while ((ctf_lex_hexval(s[n]) >= 0 || s[n] == ':' || s[n] == '.') && n < 64)
		n++;
	/* inet_pton's rules in place, without a NUL-terminated copy. */
	if (!n || n >= 64 || !ctf_parse_ipv6(s, n, out)) {
		char tok[CTF_LEX_TOKEN_MAX];

		return ctf_err_set(err, "%s needs an IPv6 address, got `%s'", what,
				   ctf_lex_token(s, tok, sizeof(tok)));
	}
	*sp = s + n;
	return 0;
}

void ctf_lex_prefix_mask(unsigned int bits, uint8_t *mask, size_t len)
{
	for (size_t i = 0; i < len; i++, bits = bits > 8 ? bits - 8 : 0)
		mask[i] = (uint8_t)(bits >= 8 ? 0xff : 0xff00 >> bits);
}

int ctf_lex_addr_mask(const char **sp, struct ctf_err *err, const char *what, size_t len,
		      uint8_t *mask)
{
	const char *s = *sp;
	size_t n = 0;

	while (ctf_lex_is_digit(s[n]))
		n++;
	/* Only digits, then something no address goes on with: a prefix length. */
	if (n && n <= 3 && s[n] != '.' && s[n] != ':' && ctf_lex_hexval(s[n]) < 0) {
		uint64_t bits = 0;
		int r = ctf_lex_u64(sp, NULL, what, CTF_NUM_DEC, 8 * len, &bits);

		if (r) {
			char tok[CTF_LEX_TOKEN_MAX];

			ctf_err_setn(err, -ERANGE, "%s: prefix length /%s is out of range (0..%zu)",
				     what, ctf_lex_token(s, tok, sizeof(tok)), 8 * len);
			return -ERANGE;
		}
		ctf_lex_prefix_mask((unsigned int)bits, mask, len);
		return 0;
	}
	return len == 4 ? ctf_lex_ipv4(sp, err, what, mask) : ctf_lex_ipv6(sp, err, what, mask);
}
