// SPDX-License-Identifier: Apache-2.0
/*
 * What the action parser adds to the lexer (util/lex.h): attribute output
 * straight into the caller's buffer (no allocation per token), nests, and
 * "key=value" field lists.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "odp/action-internal.h"
#include "netlink/nla-inline.h"

/*
 * The cursor helpers the action files call, on the lexer (util/lex.h) that
 * the key parser uses too: one set of rules for words, numbers and tokens.
 */
const char *ctf_as_token(const char *at, char *buf, size_t size)
{
	return ctf_lex_token(at, buf, size);
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
	sc->err->error = -EINVAL;
	sc->err->has_offset = false;
	sc->err->hint[0] = '\0';
	return -EINVAL;
}

int ctf_as_expect(struct ctf_ascan *sc, char c, const char *ctx)
{
	char tok[CTF_LEX_TOKEN_MAX];

	if (ctf_as_char_fast(sc, c))
		return 0;
	if (!*sc->p)
		return ctf_as_err(sc, sc->p, "missing `%c' in %s", c, ctx);
	return ctf_as_err(sc, sc->p, "expected `%c' in %s, got `%s'", c, ctx,
			  ctf_lex_token(sc->p, tok, sizeof(tok)));
}

int ctf_as_u64(struct ctf_ascan *sc, const char *what, enum ctf_num_base base,
	       uint64_t max, uint64_t *v)
{
	return ctf_lex_u64(&sc->p, sc->err, what, base, max, v);
}

int ctf_as_hex_bytes(struct ctf_ascan *sc, const char *what, uint8_t *out, size_t max,
		     size_t *n)
{
	return ctf_lex_hex_bytes(&sc->p, sc->err, what, out, max, n);
}

int ctf_as_put(struct ctf_ascan *sc, uint16_t type, size_t len, const void *data)
{
	if (ctf_nla_put_check(sc->nlh, sc->buflen, type, data, len))
		return 0;
	return ctf_as_too_long(sc);
}

int ctf_as_put_u32(struct ctf_ascan *sc, uint16_t type, uint32_t v)
{
	return ctf_as_put(sc, type, sizeof(v), &v);
}

int ctf_as_too_long(struct ctf_ascan *sc)
{
	ctf_err_setn(sc->err, -EMSGSIZE, "action list too long: it does not fit in %zu bytes",
		     sc->buflen - CTF_NLMSG_HDRLEN);
	ctf_err_hint(sc->err, "a netlink attribute holds at most 65535 bytes; use fewer actions");
	return -EMSGSIZE;
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
