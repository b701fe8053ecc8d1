// SPDX-License-Identifier: Apache-2.0
/*
 * The flush-conntrack filter: zone=, mark=X[/M], labels=Y[/N] and partial
 * orig/reply tuples in ovs-dpctl's syntax (ct_nw_src=, ct_nw_dst=,
 * ct_ipv6_src=, ct_ipv6_dst=, ct_nw_proto=, ct_tp_src=, ct_tp_dst=,
 * icmp_type=, icmp_code=, icmp_id=), and matching an entry against it.
 * A field left out of a tuple matches anything.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "ctflow/conntrack.h"
#include "util/lex.h"

/*
 * Unsigned decimal or 0x-hex number no larger than @max. No sign, no
 * trailing junk, no silent wrap: -ERANGE when too big, -EINVAL otherwise.
 */
/*
 * The whole of @s as one number (the lexer's scanf %i rules: 0x hex, leading-0
 * octal, decimal): -EINVAL, -ERANGE or 0. The caller words the message.
 */
static int parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	struct ctf_err scratch;
	const char *p = s;
	int r;

	if (!isxdigit((unsigned char)*s))
		return -EINVAL;	/* no blanks or sign before the number here */
	r = ctf_lex_u64(&p, &scratch, "value", CTF_NUM_C, max, out);
	return r ? r : *p ? -EINVAL : 0;
}

/* A 128-bit number (0x and up to 32 hex digits, or a u64), big-endian bytes. */
static int parse_u128(const char *s, uint8_t out[16])
{
	struct ctf_err scratch;
	const char *p = s;
	int r;

	if (!isxdigit((unsigned char)*s))
		return -EINVAL;
	r = ctf_lex_u128(&p, &scratch, "value", CTF_NUM_C, out);
	return r ? r : *p ? -EINVAL : 0;
}

static int range_err(struct ctf_err *err, int r, const char *token, const char *range)
{
	if (r == -ERANGE)
		ctf_err_setn(err, -ERANGE, "%s: out of range (%s)", token, range);
	else
		ctf_err_set(err, "%s: not a number", token);
	ctf_err_hint(err, "use a decimal or 0x-prefixed hex value in %s", range);
	return r == -ERANGE ? -ERANGE : -EINVAL;
}

static int set_l3(struct ctf_ct_partial_tuple *pt, uint8_t l3, const char *token,
		  struct ctf_err *err)
{
	if (pt->t.l3 && pt->t.l3 != l3) {
		ctf_err_set(err, "%s: IPv4 and IPv6 addresses mixed in one tuple", token);
		ctf_err_hint(err, "use ct_nw_src/ct_nw_dst or ct_ipv6_src/ct_ipv6_dst, not both");
		return -EINVAL;
	}
	pt->t.l3 = l3;
	return 0;
}

/* One key=value of a tuple; @tok is a writable copy (split at '='). */
static int tuple_field(struct ctf_ct_partial_tuple *pt, char *tok, struct ctf_err *err)
{
	char *eq = strchr(tok, '=');
	const char *key = tok, *val;
	uint64_t v;
	int r;

	if (!eq || !eq[1]) {
		ctf_err_set(err, "%s: field has no value", tok);
		if (eq)
			*eq = 0;
		ctf_err_hint(err, "write it as %s=VALUE", tok);
		return -EINVAL;
	}
	*eq = 0;
	val = eq + 1;

	if (!strcmp(key, "ct_nw_src") || !strcmp(key, "ct_nw_dst")) {
		bool src = key[6] == 's';

		if (set_l3(pt, AF_INET, key, err) < 0)
			return -EINVAL;
		if (inet_pton(AF_INET, val, src ? pt->t.src : pt->t.dst) != 1) {
			*eq = '=';
			return ctf_err_set(err, "%s: not an IPv4 address", tok);
		}
		pt->fields |= src ? CTF_CTF_SRC : CTF_CTF_DST;
	} else if (!strcmp(key, "ct_ipv6_src") || !strcmp(key, "ct_ipv6_dst")) {
		bool src = key[8] == 's';

		if (set_l3(pt, AF_INET6, key, err) < 0)
			return -EINVAL;
		if (inet_pton(AF_INET6, val, src ? pt->t.src : pt->t.dst) != 1) {
			*eq = '=';
			return ctf_err_set(err, "%s: not an IPv6 address", tok);
		}
		pt->fields |= src ? CTF_CTF_SRC : CTF_CTF_DST;
	} else if (!strcmp(key, "ct_nw_proto")) {
		r = parse_uint(val, UINT8_MAX, &v);
		if (r) {
			*eq = '=';
			return range_err(err, r, tok, "0..255");
		}
		pt->t.proto = (uint8_t)v;
		pt->fields |= CTF_CTF_PROTO;
	} else if (!strcmp(key, "ct_tp_src") || !strcmp(key, "ct_tp_dst")) {
		r = parse_uint(val, UINT16_MAX, &v);
		if (r) {
			*eq = '=';
			return range_err(err, r, tok, "0..65535");
		}
		if (key[6] == 's')
			pt->t.sport = (uint16_t)v, pt->fields |= CTF_CTF_SPORT;
		else
			pt->t.dport = (uint16_t)v, pt->fields |= CTF_CTF_DPORT;
	} else if (!strcmp(key, "icmp_type") || !strcmp(key, "icmp_code")) {
		r = parse_uint(val, UINT8_MAX, &v);
		if (r) {
			*eq = '=';
			return range_err(err, r, tok, "0..255");
		}
		if (key[5] == 't')
			pt->t.icmp_type = (uint8_t)v, pt->fields |= CTF_CTF_ICMP_TYPE;
		else
			pt->t.icmp_code = (uint8_t)v, pt->fields |= CTF_CTF_ICMP_CODE;
	} else if (!strcmp(key, "icmp_id")) {
		r = parse_uint(val, UINT16_MAX, &v);
		if (r) {
			*eq = '=';
			return range_err(err, r, tok, "0..65535");
		}
		pt->t.icmp_id = (uint16_t)v;
		pt->fields |= CTF_CTF_ICMP_ID;
	} else {
		ctf_err_set(err, "%s: invalid conntrack tuple field", key);
		ctf_err_hint(err, "fields are ct_nw_src, ct_nw_dst, ct_ipv6_src, ct_ipv6_dst, "
				  "ct_nw_proto, ct_tp_src, ct_tp_dst, icmp_type, icmp_code, icmp_id");
		return -EINVAL;
	}
	return 0;
}

int ctf_ct_tuple_parse(struct ctf_ct_partial_tuple *pt, const char *text, struct ctf_err *err)
{
	char *copy = ctf_xstrdup(text), *save = NULL;
	unsigned icmp = CTF_CTF_ICMP_TYPE | CTF_CTF_ICMP_CODE | CTF_CTF_ICMP_ID;
	unsigned ports = CTF_CTF_SPORT | CTF_CTF_DPORT;
	int r = 0;

	memset(pt, 0, sizeof(*pt));
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		r = tuple_field(pt, tok, err);
		if (r)
			break;
	}
	free(copy);
	if (r)
		return r;

	bool is_icmp = pt->t.proto == IPPROTO_ICMP || pt->t.proto == IPPROTO_ICMPV6;
	if ((pt->fields & icmp) && !((pt->fields & CTF_CTF_PROTO) && is_icmp)) {
		ctf_err_set(err, "%s: icmp_type/icmp_code/icmp_id need an ICMP protocol", text);
		ctf_err_hint(err, "add ct_nw_proto=1 (ICMP) or ct_nw_proto=58 (ICMPv6)");
		return -EINVAL;
	}
	if ((pt->fields & ports) && (pt->fields & CTF_CTF_PROTO) && is_icmp) {
		ctf_err_set(err, "%s: ICMP has no ports", text);
		ctf_err_hint(err, "use icmp_type, icmp_code and icmp_id instead of ct_tp_src/ct_tp_dst");
		return -EINVAL;
	}
	return 0;
}

static int parse_masked_u32(const char *token, const char *val, uint32_t *v, uint32_t *m,
			    struct ctf_err *err)
{
	char *copy = ctf_xstrdup(val);
	char *slash = strchr(copy, '/');
	uint64_t x, y = UINT32_MAX;
	int r;

	if (slash)
		*slash = 0;
	r = parse_uint(copy, UINT32_MAX, &x);
	if (!r && slash)
		r = parse_uint(slash + 1, UINT32_MAX, &y);
	free(copy);
	if (r)
		return range_err(err, r, token, "0..4294967295, optionally /MASK");
	*v = (uint32_t)x;
	*m = (uint32_t)y;
	return 0;
}

static int parse_masked_u128(const char *token, const char *val, uint8_t v[16], uint8_t m[16],
			     struct ctf_err *err)
{
	char *copy = ctf_xstrdup(val);
	char *slash = strchr(copy, '/');
	int r;

	if (slash)
		*slash = 0;
	memset(m, 0xff, 16);
	r = parse_u128(copy, v);
	if (!r && slash)
		r = parse_u128(slash + 1, m);
	free(copy);
	if (r)
		return range_err(err, r, token, "a 128-bit number, optionally /MASK");
	return 0;
}

int ctf_ct_filter_parse(struct ctf_ct_filter *f, int argc, char **argv, struct ctf_err *err)
{
	int n_tuples = 0;
	uint64_t v;
	int r;

	memset(f, 0, sizeof(*f));
	ctf_err_clear(err);
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strncmp(a, "zone=", 5) && !n_tuples) {
			if (f->has_zone)
				return ctf_err_set(err, "%s: zone given twice", a);
			r = parse_uint(a + 5, UINT16_MAX, &v);
			if (r)
				return range_err(err, r, a, "0..65535");
			f->has_zone = true;
			f->zone = (uint16_t)v;
		} else if (!strncmp(a, "mark=", 5) && !n_tuples) {
			if (f->has_mark)
				return ctf_err_set(err, "%s: mark given twice", a);
			r = parse_masked_u32(a, a + 5, &f->mark, &f->mark_mask, err);
			if (r)
				return r;
			f->has_mark = true;
		} else if (!strncmp(a, "labels=", 7) && !n_tuples) {
			if (f->has_labels)
				return ctf_err_set(err, "%s: labels given twice", a);
			r = parse_masked_u128(a, a + 7, f->labels, f->labels_mask, err);
			if (r)
				return r;
			f->has_labels = true;
		} else if (n_tuples < 2) {
			struct ctf_ct_partial_tuple *pt = n_tuples ? &f->reply : &f->orig;

			/* "" stands for "no orig tuple", so that a reply tuple can be given alone. */
			if (*a) {
				r = ctf_ct_tuple_parse(pt, a, err);
				if (r)
					return r;
			}
			n_tuples++;
		} else {
			ctf_err_set(err, "%s: unexpected argument", a);
			ctf_err_hint(err, "at most an orig and a reply tuple may follow "
					  "zone=, mark= and labels=");
			return -EINVAL;
		}
	}
	return 0;
}

bool ctf_ct_filter_is_empty(const struct ctf_ct_filter *f)
{
	return !f->has_zone && !f->has_mark && !f->has_labels && !f->orig.fields &&
	       !f->reply.fields;
}

static bool tuple_match(const struct ctf_ct_partial_tuple *pt, const struct ctf_ct_tuple *t)
{
	size_t alen = pt->t.l3 == AF_INET ? 4 : 16;

	if (!pt->fields)
		return true;
	if ((pt->fields & (CTF_CTF_SRC | CTF_CTF_DST)) && pt->t.l3 != t->l3)
		return false;
	if ((pt->fields & CTF_CTF_SRC) && memcmp(pt->t.src, t->src, alen))
		return false;
	if ((pt->fields & CTF_CTF_DST) && memcmp(pt->t.dst, t->dst, alen))
		return false;
	if ((pt->fields & CTF_CTF_PROTO) && pt->t.proto != t->proto)
		return false;
	if (t->proto == IPPROTO_ICMP || t->proto == IPPROTO_ICMPV6) {
		if (pt->fields & (CTF_CTF_SPORT | CTF_CTF_DPORT))
			return false;
		if ((pt->fields & CTF_CTF_ICMP_TYPE) && pt->t.icmp_type != t->icmp_type)
			return false;
		if ((pt->fields & CTF_CTF_ICMP_CODE) && pt->t.icmp_code != t->icmp_code)
			return false;
		if ((pt->fields & CTF_CTF_ICMP_ID) && pt->t.icmp_id != t->icmp_id)
			return false;
	} else {
		if (pt->fields & (CTF_CTF_ICMP_TYPE | CTF_CTF_ICMP_CODE | CTF_CTF_ICMP_ID))
			return false;
		if ((pt->fields & CTF_CTF_SPORT) && pt->t.sport != t->sport)
			return false;
		if ((pt->fields & CTF_CTF_DPORT) && pt->t.dport != t->dport)
			return false;
	}
	return true;
}

bool ctf_ct_filter_match(const struct ctf_ct_filter *f, const struct ctf_ct_entry *e)
{
	if (f->has_zone && f->zone != e->zone)
		return false;
	if (f->has_mark && ((e->mark ^ f->mark) & f->mark_mask))
		return false;
	if (f->has_labels)
		for (int i = 0; i < 16; i++)
			if ((e->labels[i] ^ f->labels[i]) & f->labels_mask[i])
				return false;
	return tuple_match(&f->orig, &e->orig) && tuple_match(&f->reply, &e->reply);
}
