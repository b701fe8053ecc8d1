// SPDX-License-Identifier: Apache-2.0
/*
 * nat(...) inside ct(): text -> OVS_NAT_ATTR_* nest. Addresses are IPv4, bare
 * IPv6 (which, as in OVS, swallows a ":port") or "[IPv6]"; ranges must not
 * run backwards, families must not mix, port 0 is refused, hash and random
 * exclude each other, flags need src or dst.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "odp/action-attrs.h"
#include "odp/action-internal.h"

/*
 * One NAT address: IPv4 dotted quad, bare IPv6 (which eats any ":port",
 * as in OVS), or "[IPv6]". @family is set to 4 or 16.
 */
static int scan_nat_addr(struct ctf_ascan *sc, uint8_t addr[16], int *family, bool *bracketed)
{
	const char *at = sc->p, *q = sc->p;
	char buf[48];
	size_t n;

	*bracketed = false;
	if (*q == '[') {
		const char *end = strchr(q, ']');

		if (!end || (size_t)(end - q - 1) >= sizeof(buf))
			return ctf_as_err(sc, at, "bad IPv6 address `%s' in nat()", "[");
		n = (size_t)(end - q - 1);
		/* inet_pton's rules, read in place (ctf_parse_ipv6). */
		if (!ctf_parse_ipv6(q + 1, n, addr)) {
			memcpy(buf, q + 1, n);
			buf[n] = '\0';
			return ctf_as_err(sc, at, "bad IPv6 address `[%s]' in nat()", buf);
		}
		*family = 16;
		*bracketed = true;
		sc->p = end + 1;
		return 0;
	}
	/* IPv4 first: digits and dots, followed by something that is not IPv6. */
	while ((*q >= '0' && *q <= '9') || *q == '.')
		q++;
	if (q > sc->p && memchr(sc->p, '.', (size_t)(q - sc->p)) && !ctf_is_hex(*q)) {
		n = (size_t)(q - sc->p);
		if (n >= 16)
			return ctf_as_err(sc, at, "bad IPv4 address in nat()");
		if (!ctf_parse_ipv4(sc->p, n, addr)) {
			memcpy(buf, sc->p, n);
			buf[n] = '\0';
			return ctf_as_err(sc, at, "bad IPv4 address `%s' in nat()", buf);
		}
		*family = 4;
		sc->p = q;
		return 0;
	}
	q = sc->p;
	while (ctf_is_hex(*q) || *q == ':' || *q == '.')
		q++;
	n = (size_t)(q - sc->p);
	if (n == 0 || n >= sizeof(buf))
		return ctf_as_err(sc, at, "nat() needs an IPv4 or IPv6 address, got `%s'",
				  ctf_as_token(at, buf, sizeof(buf)));
	if (!ctf_parse_ipv6(sc->p, n, addr)) {
		memcpy(buf, sc->p, n);
		buf[n] = '\0';
		ctf_as_err(sc, at, "bad address `%s' in nat()", buf);
		ctf_err_hint(sc->err, "an IPv6 address with a port is written [addr]:port");
		return -EINVAL;
	}
	*family = 16;
	sc->p = q;
	return 0;
}

/* "=ADDR[-ADDR][:PORT[-PORT]]" after src/dst. */
static int scan_nat_range(struct ctf_ascan *sc, struct ctf_nat_opts *nat)
{
	const char *at = sc->p;
	bool br_min, br_max;
	int fam_max;
	uint64_t v;
	int err;

	err = scan_nat_addr(sc, nat->min, &nat->family, &br_min);
	if (err)
		return err;
	if (ctf_as_char_fast(sc, '-')) {
		const char *at_max = sc->p;

		err = scan_nat_addr(sc, nat->max, &fam_max, &br_max);
		if (err)
			return err;
		if (fam_max != nat->family) // NOLINT(clang-analyzer-core.UndefinedBinaryOperatorResult): scan_nat_addr() sets it whenever it returns 0 (ctf_as_err() is always -EINVAL)
			return ctf_as_err(sc, at_max, "nat() address range mixes IPv4 and IPv6");
		if (memcmp(nat->max, nat->min, (size_t)nat->family) < 0) {
			ctf_as_err(sc, at, "nat() address range `%.*s' ends below its start",
				   (int)(sc->p - at), at);
			ctf_err_hint(sc->err, "write the lower address first");
			return -EINVAL;
		}
		nat->has_max = memcmp(nat->max, nat->min, (size_t)nat->family) != 0;
	}
	if (!ctf_as_char_fast(sc, ':'))
		return 0;
	at = sc->p;
	err = ctf_as_u64(sc, "nat port", CTF_NUM_DEC, UINT16_MAX, &v);
	if (err)
		return err;
	if (v == 0) {
		ctf_as_err(sc, at, "nat() port 0 is not a port");
		ctf_err_hint(sc->err, "leave out `:0' to keep the original port");
		return -EINVAL;
	}
	nat->pmin = (uint16_t)v;
	nat->has_pmin = true;
	if (ctf_as_char_fast(sc, '-')) {
		err = ctf_as_u64(sc, "nat port", CTF_NUM_DEC, UINT16_MAX, &v);
		if (err)
			return err;
		if (v < nat->pmin) {
			ctf_as_err(sc, at, "nat() port range `%.*s' ends below its start",
				   (int)(sc->p - at), at);
			ctf_err_hint(sc->err, "write the lower port first");
			return -EINVAL;
		}
		nat->pmax = (uint16_t)v;
		nat->has_pmax = v != nat->pmin;
	}
	return 0;
}

/* "nat" or "nat(...)", the cursor just after "nat". */
int ctf_nat_parse(struct ctf_ascan *sc, struct ctf_nat_opts *nat)
{
	const char *start = sc->p - 3;
	bool seen_p = false, seen_h = false, seen_r = false;
	int err;

	memset(nat, 0, sizeof(*nat));
	nat->present = true;
	if (!ctf_as_char_fast(sc, '(') || ctf_as_char_fast(sc, ')'))
		return 0;
	for (;;) {
		const char *at;

		while (ctf_as_is_delim(*sc->p))
			sc->p++;
		at = sc->p;
		if (ctf_as_word_fast(sc, "src") || ctf_as_word_fast(sc, "dst")) {
			bool *flag = at[0] == 's' ? &nat->src : &nat->dst;

			if (ctf_ct_dup_option(sc, at, flag))
				return -EINVAL;
			if (nat->src && nat->dst) {
				ctf_as_err(sc, at, "nat(src,dst): give only one of src and dst");
				ctf_err_hint(sc->err, "a ct() action does source or destination NAT, not both");
				return -EINVAL;
			}
			if (ctf_as_char_fast(sc, '=')) {
				err = scan_nat_range(sc, nat);
				if (err)
					return err;
			}
		} else if (ctf_as_word_fast(sc, "persistent")) {
			if (ctf_ct_dup_option(sc, at, &seen_p))
				return -EINVAL;
			nat->persistent = true;
		} else if (ctf_as_word_fast(sc, "hash")) {
			if (ctf_ct_dup_option(sc, at, &seen_h))
				return -EINVAL;
			nat->hash = true;
		} else if (ctf_as_word_fast(sc, "random")) {
			if (ctf_ct_dup_option(sc, at, &seen_r))
				return -EINVAL;
			nat->random = true;
		} else if (*at == ')' && at > start) {
			ctf_as_err(sc, at - 1, "trailing `%c' before `)' in nat()", at[-1]);
			ctf_err_hint(sc->err, "remove the delimiter before `)'");
			return -EINVAL;
		} else if (!*at) {
			return ctf_as_err(sc, start, "missing `)' to close nat(");
		} else {
			char tok[48];

			ctf_as_err(sc, at, "unknown nat option `%s'", ctf_as_token(at, tok, sizeof(tok)));
			ctf_err_hint(sc->err, "nat takes src[=ADDR[-ADDR][:PORT[-PORT]]] or dst[=...], "
				     "persistent, hash, random");
			return -EINVAL;
		}
		if (ctf_as_char_fast(sc, ')'))
			break;
		if (!ctf_as_is_delim(*sc->p)) {
			if (!*sc->p)
				return ctf_as_err(sc, start, "missing `)' to close nat(");
			return ctf_as_err(sc, sc->p, "unexpected `%c' in nat()", *sc->p);
		}
	}
	if (nat->hash && nat->random) {
		ctf_as_err(sc, start, "nat(hash,random): hash and random exclude each other");
		ctf_err_hint(sc->err, "keep one: hash picks ports by hash, random fully at random");
		return -EINVAL;
	}
	if (!nat->src && !nat->dst && (nat->persistent || nat->hash || nat->random)) {
		ctf_as_err(sc, start, "nat(%s): nat flags need src or dst",
			   nat->persistent ? "persistent" : nat->hash ? "hash" : "random");
		ctf_err_hint(sc->err, "add src or dst, or use plain `nat' to apply existing NAT");
		return -EINVAL;
	}
	return 0;
}

int ctf_nat_put(struct ctf_ascan *sc, const struct ctf_nat_opts *nat)
{
	struct nlattr *nest = ctf_as_nest_start(sc, OVS_CT_ATTR_NAT);
	size_t alen = (size_t)nat->family;

	if (!nest)
		return ctf_as_too_long(sc);
	if ((nat->src && ctf_as_put(sc, OVS_NAT_ATTR_SRC, 0, NULL)) ||
	    (nat->dst && ctf_as_put(sc, OVS_NAT_ATTR_DST, 0, NULL)) ||
	    (alen && ctf_as_put(sc, OVS_NAT_ATTR_IP_MIN, alen, nat->min)) ||
	    (nat->has_max && ctf_as_put(sc, OVS_NAT_ATTR_IP_MAX, alen, nat->max)) ||
	    (nat->has_pmin && ctf_as_put(sc, OVS_NAT_ATTR_PROTO_MIN, 2, &nat->pmin)) ||
	    (nat->has_pmax && ctf_as_put(sc, OVS_NAT_ATTR_PROTO_MAX, 2, &nat->pmax)) ||
	    (nat->persistent && ctf_as_put(sc, OVS_NAT_ATTR_PERSISTENT, 0, NULL)) ||
	    (nat->hash && ctf_as_put(sc, OVS_NAT_ATTR_PROTO_HASH, 0, NULL)) ||
	    (nat->random && ctf_as_put(sc, OVS_NAT_ATTR_PROTO_RANDOM, 0, NULL)))
		return -EMSGSIZE;
	return ctf_as_nest_end(sc, nest);
}
