// SPDX-License-Identifier: Apache-2.0
/*
 * Printing an OVS_ACTION_ATTR_CT attribute in ovs-dpctl's canonical form: the
 * ct option table's rows in order, each as its value kind prints (zone 0
 * left out, mark always V/M, label's mask left out when all ones); plain
 * "ct" when empty. nat(...) prints in action-nat.c. A nest we cannot decode prints as ct(error) or nat(error).
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>

#include "odp/action-attrs.h"
#include "odp/action-internal.h"
#include "odp/ct-opts.h"
#include "netlink/nla-inline.h"

/* Inverse of ctf_lex_u128_be_to_host() for printing: [0] high 64 bits, [1] low. */
static void bytes_to_u128(const uint8_t in[16], uint64_t v[2])
{
	uint64_t w[2];

	memcpy(w, in, 16);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v[0] = w[1];
	v[1] = w[0];
#else
	v[0] = w[0];
	v[1] = w[1];
#endif
}

static void put_hex128(struct ctf_str *out, const uint8_t bytes[16])
{
	uint64_t v[2];

	bytes_to_u128(bytes, v);
	/* The digit appenders, not printf: labels are on most ct() commits. */
	if (v[0]) {
		ctf_str_puts(out, "0x");
		ctf_str_put_xdigits(out, v[0], 1);
		ctf_str_put_xdigits(out, v[1], 16);
	} else if (v[1]) {
		ctf_str_puts(out, "0x");
		ctf_str_put_xdigits(out, v[1], 1);
	} else {
		ctf_str_putc_fast(out, '0');
	}
}

/* Names we can print so that they parse back: no delimiters or parens. */
static bool printable_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s <= ' ' || *s > '~' || ctf_as_is_delim(*s) || *s == '(' || *s == ')')
			return false;
	return true;
}

/* The keyword, copied byte by byte: a dozen bytes at most, no library call. */
static void put_keyword(struct ctf_str *out, const struct ctf_ct_opt *o)
{
	char *p = ctf_str_room(out, o->keyword_len);

	if (!p)
		return;
	for (size_t i = 0; i < o->keyword_len; i++)
		p[i] = o->keyword[i];
	ctf_str_commit(out, o->keyword_len);
}

/* Row @o's "keyword=value," as its kind prints it. */
static void print_option(const struct ctf_ct_opt *o, const struct ctf_ct_info *ct,
			 struct ctf_str *out)
{
	static const uint8_t ones[16] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	const char *val = (const char *)ct + o->val;
	uint32_t v32[2];
	uint16_t v16;

	if (o->print) {
		o->print(ct, out);
		ctf_str_putc_fast(out, ',');
		return;
	}
	put_keyword(out, o);
	switch (o->kind) {
	case CTF_CT_FLAG:
		break;
	case CTF_CT_U16:
	case CTF_CT_U32:
		if (o->kind == CTF_CT_U16) {
			memcpy(&v16, val, 2);
			v32[0] = v16;
		} else {
			memcpy(v32, val, 4);
		}
		ctf_str_putc_fast(out, '=');
		if (o->base == CTF_NUM_DEC)
			ctf_str_put_dec(out, v32[0]);
		else
			ctf_str_put_hex(out, v32[0]);
		break;
	case CTF_CT_U32_MASKED:	/* always V/M, as ovs-dpctl */
		memcpy(v32, val, 8);
		ctf_str_putc_fast(out, '=');
		ctf_str_put_hex(out, v32[0]);
		ctf_str_putc_fast(out, '/');
		ctf_str_put_hex(out, v32[1]);
		break;
	case CTF_CT_U128_MASKED:	/* the mask left out when all ones */
		ctf_str_putc_fast(out, '=');
		put_hex128(out, (const uint8_t *)val);
		if (memcmp(val + 16, ones, 16)) {
			ctf_str_putc_fast(out, '/');
			put_hex128(out, (const uint8_t *)val + 16);
		}
		break;
	case CTF_CT_NAME:
		ctf_str_putc_fast(out, '=');
		ctf_str_puts(out, val);
		break;
	case CTF_CT_NEST:
		break;
	}
	ctf_str_putc_fast(out, ',');
}

/* Whether row @o, present in @ct, prints at all (zone 0 does not). */
static bool shown(const struct ctf_ct_opt *o, const struct ctf_ct_info *ct)
{
	if (!ctf_ct_has(o, ct))
		return false;
	return !(o->flags & CTF_CT_F_OMIT_ZERO) ||
	       !ctf_ct_all_zero((const char *)ct + o->val, ctf_ct_kind_len(o->kind));
}

void ctf_ct_format(const struct nlattr *a, struct ctf_str *out)
{
	struct ctf_ct_info ct;
	size_t start = out->len;

	if (ctf_ct_action_decode(a, &ct) < 0)
		goto error;
	ctf_str_puts(out, "ct(");
	for (unsigned i = 0; i < ctf_ct_n_opts; i++) {
		const struct ctf_ct_opt *o = &ctf_ct_opts[i];

		if (!shown(o, &ct))
			continue;
		/* A name that would not parse back: the whole action is an error. */
		if (o->kind == CTF_CT_NAME && !printable_name((const char *)&ct + o->val)) {
			out->len = start;
			goto error;
		}
		print_option(o, &ct, out);
	}
	ctf_str_chomp(out, ',');
	if (out->len == start + 3) {	/* nothing inside: plain "ct" */
		out->len = start + 2;
		out->buf[out->len] = '\0';
		return;
	}
	ctf_str_putc_fast(out, ')');
	return;
error:	/* after a rewind: the next write ends the string again */
	ctf_str_puts(out, "ct(error)");
}
