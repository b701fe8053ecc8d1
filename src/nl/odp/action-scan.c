// SPDX-License-Identifier: Apache-2.0
/*
 * The small scanner the action parser is built on: words, numbers, hex
 * bytes, error messages that quote the offending token, and attribute output
 * straight into the caller's buffer (no allocation per token).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "odp/action-internal.h"
#include "netlink/nla-inline.h"

/* [A-Za-z0-9_] as a table: one load instead of four range tests per byte. */
static const bool word_chars[256] = {
	['a' ... 'z'] = true, ['A' ... 'Z'] = true, ['0' ... '9'] = true, ['_'] = true,
};

static inline bool is_word_char(char c)
{
	return word_chars[(unsigned char)c];
}

size_t ctf_as_word_len(const char *p)
{
	size_t n = 0;

	while (is_word_char(p[n]))
		n++;
	return n;
}

bool ctf_as_word(struct ctf_ascan *sc, const char *w)
{
	size_t n = 0;

	/* Hand-rolled: this is the parser's inner loop (no strlen/strncmp). */
	while (w[n] && sc->p[n] == w[n])
		n++;
	if (w[n] || is_word_char(sc->p[n]))
		return false;
	sc->p += n;
	return true;
}

bool ctf_as_char(struct ctf_ascan *sc, char c)
{
	if (*sc->p != c)
		return false;
	sc->p++;
	return true;
}

const char *ctf_as_token(const char *at, char *buf, size_t size)
{
	size_t n = 0;

	/* A token runs to the next delimiter, keeping balanced parentheses. */
	for (int depth = 0; at[n]; n++) {
		if (at[n] == '(')
			depth++;
		else if (at[n] == ')' && --depth < 0)
			break;
		else if (!depth && ctf_as_is_delim(at[n]))
			break;
	}
	if (n == 0)
		snprintf(buf, size, "%s", *at ? (char[]){ *at, '\0' } : "end of text");
	else if (n < size)
		snprintf(buf, size, "%.*s", (int)n, at);
	else
		snprintf(buf, size, "%.*s...", (int)(size - 4), at);
	return buf;
}

int ctf_as_err(struct ctf_ascan *sc, const char *at, const char *fmt, ...)
{
	va_list ap;

	(void)at;	/* the message quotes the token itself */
	if (!sc->err)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(sc->err->msg, sizeof(sc->err->msg), fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized): va_start() is the line above
	va_end(ap);
	sc->err->hint[0] = '\0';
	return -EINVAL;
}

int ctf_as_expect(struct ctf_ascan *sc, char c, const char *ctx)
{
	char tok[48];

	if (ctf_as_char_fast(sc, c))
		return 0;
	if (!*sc->p)
		return ctf_as_err(sc, sc->p, "missing `%c' in %s", c, ctx);
	return ctf_as_err(sc, sc->p, "expected `%c' in %s, got `%s'", c, ctx,
			  ctf_as_token(sc->p, tok, sizeof(tok)));
}

static int digit_value(char c, unsigned radix)
{
	int v;

	if (c >= '0' && c <= '9')
		v = c - '0';
	else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		v = (c | 0x20) - 'a' + 10;
	else
		return -1;
	return v < (int)radix ? v : -1;
}

static int __attribute__((noinline)) as_u64_slow(struct ctf_ascan *sc, const char *what,
						  enum ctf_num_base base, uint64_t max, uint64_t *v)
{
	const char *at = sc->p, *q = sc->p;
	unsigned radix = base == CTF_NUM_HEX ? 16 : 10;
	bool overflow = false;
	uint64_t n = 0;
	char tok[48];
	int d;

	if (base != CTF_NUM_DEC && q[0] == '0' && (q[1] == 'x' || q[1] == 'X')) {
		radix = 16;
		q += 2;
	}
	if (digit_value(*q, radix) < 0) {
		*v = 0;
		return ctf_as_err(sc, at, "%s needs %s number, got `%s'", what,
				  radix == 16 ? "a hex" : "a decimal",
				  ctf_as_token(at, tok, sizeof(tok)));
	}
	for (; (d = digit_value(*q, radix)) >= 0; q++) {
		uint64_t next;

		/* Overflow-checked n * radix + d without a division per digit. */
		if (__builtin_mul_overflow(n, radix, &next) ||
		    __builtin_add_overflow(next, (uint64_t)d, &next))
			overflow = true;
		else
			n = next;
	}
	sc->p = q;
	if (overflow || n > max) {
		*v = 0;
		ctf_as_err(sc, at, "%s `%.*s' is out of range (0..%llu)", what, (int)(q - at), at,
			   (unsigned long long)max);
		ctf_err_hint(sc->err, "the value must fit; it is never truncated");
		return -ERANGE;
	}
	*v = n;
	return 0;
}

/*
 * The usual case inline: a decimal number (ports, zones, recirc ids) of at
 * most 19 digits, which cannot overflow, within @max. Everything else,
 * including every error, goes through the general loop above.
 */
int ctf_as_u64(struct ctf_ascan *sc, const char *what, enum ctf_num_base base,
	       uint64_t max, uint64_t *v)
{
	const char *q = sc->p;
	uint64_t n;
	unsigned int d, i;

	if (base == CTF_NUM_HEX || q[0] < '0' || q[0] > '9' ||
	    (base == CTF_NUM_AUTO && q[0] == '0' && (q[1] == 'x' || q[1] == 'X')))
		return as_u64_slow(sc, what, base, max, v);
	n = (unsigned int)(q[0] - '0');
	for (i = 1; (d = (unsigned int)((unsigned char)q[i] - '0')) <= 9; i++) {
		if (i == 19)
			return as_u64_slow(sc, what, base, max, v);
		n = n * 10 + d;
	}
	/* A hex letter right after the digits ends the number, as in the loop. */
	if (n > max)
		return as_u64_slow(sc, what, base, max, v);
	sc->p = q + i;
	*v = n;
	return 0;
}

int ctf_as_hex_bytes(struct ctf_ascan *sc, const char *what, uint8_t *out, size_t max,
		     size_t *n)
{
	const char *at = sc->p;
	size_t i = 0;

	while (digit_value(sc->p[0], 16) >= 0) {
		if (digit_value(sc->p[1], 16) < 0)
			return ctf_as_err(sc, at, "%s has an odd number of hex digits", what);
		if (i >= max)
			return ctf_as_err(sc, at, "%s is longer than %zu bytes", what, max);
		out[i++] = (uint8_t)(digit_value(sc->p[0], 16) << 4 | digit_value(sc->p[1], 16));
		sc->p += 2;
	}
	*n = i;
	return 0;
}

int ctf_as_too_long(struct ctf_ascan *sc)
{
	ctf_err_setn(sc->err, -EMSGSIZE, "action list too long: it does not fit in %zu bytes",
		     sc->buflen - CTF_NLMSG_HDRLEN);
	ctf_err_hint(sc->err, "a netlink attribute holds at most 65535 bytes; use fewer actions");
	return -EMSGSIZE;
}

int ctf_as_put(struct ctf_ascan *sc, uint16_t type, size_t len, const void *data)
{
	struct nlmsghdr *nlh = sc->nlh;
	struct nlattr *a;

	/*
	 * mnl_attr_put_check(), inline: most actions are one small attribute
	 * and the out-of-line libmnl calls (check, put, tail, payload) plus
	 * memset cost more than the copy. Same bound check and header; the
	 * padding is zeroed (libmnl 1.0.4 leaves it as it was).
	 */
	if (len > UINT16_MAX - CTF_NLA_HDRLEN ||
	    nlh->nlmsg_len + CTF_NLA_HDRLEN + CTF_NLA_ALIGN(len) > sc->buflen)
		return ctf_as_too_long(sc);
	a = (struct nlattr *)((char *)nlh + CTF_NLA_ALIGN(nlh->nlmsg_len));
	a->nla_type = type;
	a->nla_len = (uint16_t)(CTF_NLA_HDRLEN + len);
	if (len & 3) {
		/* Zero the last 4-byte word first; the copy then fills its head. */
		static const uint32_t zero;

		memcpy((char *)a + CTF_NLA_HDRLEN + (len & ~(size_t)3), &zero, 4);
	}
	if (len > 16)
		memcpy((char *)a + CTF_NLA_HDRLEN, data, len);
	else	/* most action payloads are 2 to 8 bytes: no library call */
		ctf_nla_copy_small((char *)a + CTF_NLA_HDRLEN, data, len);
	nlh->nlmsg_len += CTF_NLA_ALIGN(a->nla_len);
	return 0;
}

int ctf_as_put_u32(struct ctf_ascan *sc, uint16_t type, uint32_t v)
{
	return ctf_as_put(sc, type, sizeof(v), &v);
}

struct nlattr *ctf_as_nest_start(struct ctf_ascan *sc, uint16_t type)
{
	struct nlmsghdr *nlh = sc->nlh;
	struct nlattr *nest;

	/*
	 * mnl_attr_nest_start_check(), inline (three chained library calls
	 * for a header): same bound, the length left for ctf_as_nest_end().
	 * libmnl marks nests NLA_F_NESTED; OVS never does and the kernel
	 * copies some nests (userspace, psample) verbatim into dumps. Send
	 * exactly the bytes ovs-dpctl would.
	 */
	if (nlh->nlmsg_len + CTF_NLA_HDRLEN > sc->buflen)
		return NULL;
	nest = (struct nlattr *)((char *)nlh + CTF_NLA_ALIGN(nlh->nlmsg_len));
	nest->nla_type = type;
	nlh->nlmsg_len += CTF_NLA_HDRLEN;
	return nest;
}

int ctf_as_nest_end(struct ctf_ascan *sc, struct nlattr *nest)
{
	char *tail = (char *)sc->nlh + CTF_NLA_ALIGN(sc->nlh->nlmsg_len);
	size_t len = (size_t)(tail - (char *)nest);

	if (len > UINT16_MAX) {
		ctf_err_setn(sc->err, -EMSGSIZE, "action too long: %zu bytes do not fit a netlink "
			     "attribute (at most 65535)", len);
		ctf_err_hint(sc->err, "shorten the action (userdata, nested actions)");
		return -EMSGSIZE;
	}
	nest->nla_len = (uint16_t)len;
	return 0;
}

/* ---- key=value argument lists ------------------------------------------ */

/* key=NUMBER inside a parenthesised argument list. */
int ctf_as_field_u64(struct ctf_ascan *sc, const char *key, enum ctf_num_base base,
		     uint64_t max, uint64_t *v)
{
	if (!ctf_as_word(sc, key) || !ctf_as_char_fast(sc, '='))
		return -ENOENT;
	return ctf_as_u64(sc, key, base, max, v);
}

/* Between fields of "name(a=1,b=2)": ',' or the closing ')'. */
int ctf_as_next_field(struct ctf_ascan *sc, const char *ctx, bool *done)
{
	*done = ctf_as_char_fast(sc, ')');
	if (*done)
		return 0;
	return ctf_as_expect(sc, ',', ctx);
}

int ctf_as_unknown_field(struct ctf_ascan *sc, const char *ctx, const char *fields)
{
	char tok[48];

	if (!*sc->p)
		return ctf_as_err(sc, sc->p, "missing `)' to close %s(", ctx);
	ctf_as_err(sc, sc->p, "unknown field `%s' in %s()", ctf_as_token(sc->p, tok, sizeof(tok)),
		   ctx);
	ctf_err_hint(sc->err, "%s() takes %s", ctx, fields);
	return -EINVAL;
}

int ctf_as_dup_field(struct ctf_ascan *sc, const char *at, const char *ctx, unsigned bit,
		     unsigned *seen)
{
	if (*seen & bit) {
		ctf_as_err(sc, at, "field `%.*s' given twice in %s()",
			   (int)ctf_as_word_len(at), at, ctx);
		return -EINVAL;
	}
	*seen |= bit;
	return 0;
}

int ctf_as_missing_field(struct ctf_ascan *sc, const char *at, const char *ctx, const char *f)
{
	ctf_as_err(sc, at, "%s() needs %s", ctx, f);
	return -EINVAL;
}


int ctf_as_fields(struct ctf_ascan *sc, const char *ctx, const char *start,
			const struct ctf_num_field *f, unsigned n, unsigned req, uint64_t *v,
			const char *help)
{
	unsigned seen = 0;
	bool done = false;

	while (!done) {
		const char *at = sc->p;
		unsigned i;
		int err = -ENOENT;

		for (i = 0; i < n && err == -ENOENT; i++) {
			sc->p = at;
			err = ctf_as_field_u64(sc, f[i].name, f[i].base, f[i].max, &v[i]);
		}
		if (err == -ENOENT) {
			sc->p = at;
			return ctf_as_unknown_field(sc, ctx, help);
		}
		if (err)
			return err;
		if (ctf_as_dup_field(sc, at, ctx, 1u << (i - 1), &seen))
			return -EINVAL;
		err = ctf_as_next_field(sc, ctx, &done);
		if (err)
			return err;
	}
	for (unsigned i = 0; i < n; i++)
		if ((req & (1u << i)) && !(seen & (1u << i)))
			return ctf_as_missing_field(sc, start, ctx, f[i].name);
	return (int)seen;	/* >= 0: which fields were given */
}
