// SPDX-License-Identifier: Apache-2.0
/*
 * nat(...) inside ct(): text -> OVS_NAT_ATTR_* nest. Addresses are IPv4, bare
 * IPv6 (which, as in OVS, swallows a ":port") or "[IPv6]"; ranges must not
 * run backwards, families must not mix, port 0 is refused, hash and random
 * exclude each other, flags need src or dst.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "odp/action-attrs.h"
#include "odp/action-internal.h"
#include "odp/ct-opts.h"
#include "netlink/nla-inline.h"

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
	if (q > sc->p && memchr(sc->p, '.', (size_t)(q - sc->p)) && ctf_lex_hexval(*q) < 0) {
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
	while (ctf_lex_hexval(*q) >= 0 || *q == ':' || *q == '.')
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
static int scan_nat_range(struct ctf_ascan *sc, struct ctf_ct_info *ct)
{
	const char *at = sc->p;
	bool br_min, br_max;
	int fam_max;
	uint64_t v;
	int err;

	err = scan_nat_addr(sc, ct->ip_min, &ct->nat_family, &br_min);
	if (err)
		return err;
	if (ctf_as_char_fast(sc, '-')) {
		const char *at_max = sc->p;

		err = scan_nat_addr(sc, ct->ip_max, &fam_max, &br_max);
		if (err)
			return err;
		if (fam_max != ct->nat_family) // NOLINT(clang-analyzer-core.UndefinedBinaryOperatorResult): scan_nat_addr() sets it whenever it returns 0 (ctf_as_err() is always -EINVAL)
			return ctf_as_err(sc, at_max, "nat() address range mixes IPv4 and IPv6");
		if (memcmp(ct->ip_max, ct->ip_min, (size_t)ct->nat_family) < 0) {
			ctf_as_err(sc, at, "nat() address range `%.*s' ends below its start",
				   (int)(sc->p - at), at);
			ctf_err_hint(sc->err, "write the lower address first");
			return -EINVAL;
		}
		ct->has_ip_max = memcmp(ct->ip_max, ct->ip_min, (size_t)ct->nat_family) != 0;
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
	ct->proto_min = (uint16_t)v;
	ct->has_proto_min = true;
	if (ctf_as_char_fast(sc, '-')) {
		err = ctf_as_u64(sc, "nat port", CTF_NUM_DEC, UINT16_MAX, &v);
		if (err)
			return err;
		if (v < ct->proto_min) {
			ctf_as_err(sc, at, "nat() port range `%.*s' ends below its start",
				   (int)(sc->p - at), at);
			ctf_err_hint(sc->err, "write the lower port first");
			return -EINVAL;
		}
		ct->proto_max = (uint16_t)v;
		ct->has_proto_max = v != ct->proto_min;
	}
	return 0;
}

#define AT(f) offsetof(struct ctf_ct_info, f)

/*
 * nat()'s options, in the order they are sent and printed. src and dst take
 * an optional range (IP_MIN/IP_MAX, PROTO_MIN/PROTO_MAX, sent after them);
 * the others are flags. Each sets its flag in the ct() model.
 */
static const struct nat_opt {
	const char *keyword;
	uint16_t attr;		/* OVS_NAT_ATTR_* */
	bool range;		/* "=ADDR[-ADDR][:PORT[-PORT]]" may follow */
	size_t has;		/* offsetof the flag in struct ctf_ct_info */
} nat_opts[] = {
	{ "src", OVS_NAT_ATTR_SRC, true, AT(nat_src) },
	{ "dst", OVS_NAT_ATTR_DST, true, AT(nat_dst) },
	{ "persistent", OVS_NAT_ATTR_PERSISTENT, false, AT(persistent) },
	{ "hash", OVS_NAT_ATTR_PROTO_HASH, false, AT(proto_hash) },
	{ "random", OVS_NAT_ATTR_PROTO_RANDOM, false, AT(proto_random) },
};

static bool *nat_flag(const struct nat_opt *o, struct ctf_ct_info *ct)
{
	return (bool *)((char *)ct + o->has);
}

static bool nat_has(const struct nat_opt *o, const struct ctf_ct_info *ct)
{
	return *(const bool *)((const char *)ct + o->has);
}

/* One option at @at: its flag, then a range after src= or dst=. -ENOENT if none. */
static int parse_nat_option(struct ctf_ascan *sc, struct ctf_ct_info *ct, const char *at)
{
	for (size_t i = 0; i < CTF_ARRAY_SIZE(nat_opts); i++) {
		const struct nat_opt *o = &nat_opts[i];

		if (!ctf_as_word(sc, o->keyword))
			continue;
		if (ctf_ct_dup_option(sc, at, nat_flag(o, ct)))
			return -EINVAL;
		if (ctf_nat_rule(ct) == CTF_CT_NAT_BOTH) {
			ctf_as_err(sc, at, "nat(src,dst): give only one of src and dst");
			ctf_err_hint(sc->err, "a ct() action does source or destination NAT, not both");
			return -EINVAL;
		}
		if (o->range && ctf_as_char_fast(sc, '='))
			return scan_nat_range(sc, ct);
		return 0;
	}
	return -ENOENT;
}

/* The first flag set, for messages. */
static const char *first_flag(const struct ctf_ct_info *ct)
{
	for (size_t i = 0; i < CTF_ARRAY_SIZE(nat_opts); i++)
		if (!nat_opts[i].range && nat_has(&nat_opts[i], ct))
			return nat_opts[i].keyword;
	return "";
}

/* "nat" or "nat(...)", the cursor just after "nat". */
int ctf_nat_parse(struct ctf_ascan *sc, struct ctf_ct_info *ct)
{
	const char *start = sc->p - 3;
	int err;

	ct->nat = true;
	if (!ctf_as_char_fast(sc, '(') || ctf_as_char_fast(sc, ')'))
		return 0;
	for (;;) {
		const char *at;
		char tok[48];

		while (ctf_as_is_delim(*sc->p))
			sc->p++;
		at = sc->p;
		err = parse_nat_option(sc, ct, at);
		if (err == -ENOENT) {
			if (*at == ')') {
				ctf_as_err(sc, at - 1, "trailing `%c' before `)' in nat()", at[-1]);
				ctf_err_hint(sc->err, "remove the delimiter before `)'");
				return -EINVAL;
			}
			if (!*at)
				return ctf_as_err(sc, start, "missing `)' to close nat(");
			ctf_as_err(sc, at, "unknown nat option `%s'", ctf_as_token(at, tok, sizeof(tok)));
			ctf_err_hint(sc->err, "nat takes src[=ADDR[-ADDR][:PORT[-PORT]]] or dst[=...], "
				     "persistent, hash, random; see ctflow-flows(7), CT AND NAT");
			return -EINVAL;
		}
		if (err)
			return err;
		if (ctf_as_char_fast(sc, ')'))
			break;
		if (!ctf_as_is_delim(*sc->p)) {
			if (!*sc->p)
				return ctf_as_err(sc, start, "missing `)' to close nat(");
			return ctf_as_err(sc, sc->p, "unexpected `%c' in nat()", *sc->p);
		}
	}
	switch (ctf_nat_rule(ct)) {
	case CTF_CT_NAT_HASH_RANDOM:
		ctf_as_err(sc, start, "nat(hash,random): hash and random exclude each other");
		ctf_err_hint(sc->err, "keep one: hash picks ports by hash, random fully at random");
		return -EINVAL;
	case CTF_CT_NAT_NO_DIR:	/* text gives an address only after src= or dst= */
		ctf_as_err(sc, start, "nat(%s): nat flags need src or dst",
			   first_flag(ct));
		ctf_err_hint(sc->err, "add src or dst, or use plain `nat' to apply existing NAT");
		return -EINVAL;
	default:	/* nat(src,dst) was refused at dst */
		return 0;
	}
}


int ctf_nat_put(struct ctf_ascan *sc, const struct ctf_ct_info *ct)
{
	struct nlattr *nest = ctf_as_nest_start(sc, OVS_CT_ATTR_NAT);
	size_t alen = (size_t)ct->nat_family;

	if (!nest)
		return ctf_as_too_long(sc);
	/* The direction, its range, then the flags: the kernel's attribute order. */
	for (size_t i = 0; i < CTF_ARRAY_SIZE(nat_opts); i++)
		if (nat_opts[i].range && nat_has(&nat_opts[i], ct) &&
		    ctf_as_put(sc, nat_opts[i].attr, 0, NULL))
			return -EMSGSIZE;
	if ((alen && ctf_as_put(sc, OVS_NAT_ATTR_IP_MIN, alen, ct->ip_min)) ||
	    (ct->has_ip_max && ctf_as_put(sc, OVS_NAT_ATTR_IP_MAX, alen, ct->ip_max)) ||
	    (ct->has_proto_min && ctf_as_put(sc, OVS_NAT_ATTR_PROTO_MIN, 2, &ct->proto_min)) ||
	    (ct->has_proto_max && ctf_as_put(sc, OVS_NAT_ATTR_PROTO_MAX, 2, &ct->proto_max)))
		return -EMSGSIZE;
	for (size_t i = 0; i < CTF_ARRAY_SIZE(nat_opts); i++)
		if (!nat_opts[i].range && nat_has(&nat_opts[i], ct) &&
		    ctf_as_put(sc, nat_opts[i].attr, 0, NULL))
			return -EMSGSIZE;
	return ctf_as_nest_end(sc, nest);
}

int ctf_nat_decode(const struct nlattr *nat, struct ctf_ct_info *ct)
{
	const void *data = ctf_nla_data(nat);
	size_t len = ctf_nla_len(nat);
	const struct nlattr *a;
	bool has_min = false;

	if (ct->nat)	/* a second NAT nest: not something we print */
		return -EINVAL;
	ct->nat = true;
	ct->nat_before_commit = !ct->commit && !ct->force_commit;
	if (!ctf_attr_stream_ok(data, len))
		return -EINVAL;
	ctf_nla_for_each_in(a, data, len) {
		size_t plen = ctf_nla_len(a);

		if (!ctf_attr_len_ok(&ctf_nat_attrs, a))
			return -EINVAL;
		switch (ctf_nla_type(a)) {
		case OVS_NAT_ATTR_IP_MIN:
			memcpy(ct->ip_min, ctf_nla_data(a), plen);
			ct->nat_family = (int)plen;
			has_min = true;
			break;
		case OVS_NAT_ATTR_IP_MAX:
			memcpy(ct->ip_max, ctf_nla_data(a), plen);
			ct->has_ip_max = true;
			if (ct->nat_family && ct->nat_family != (int)plen)
				return -EINVAL;
			ct->nat_family = (int)plen;
			break;
		case OVS_NAT_ATTR_PROTO_MIN:
			memcpy(&ct->proto_min, ctf_nla_data(a), 2);
			ct->has_proto_min = true;
			break;
		case OVS_NAT_ATTR_PROTO_MAX:
			memcpy(&ct->proto_max, ctf_nla_data(a), 2);
			ct->has_proto_max = true;
			break;
		default:	/* a flag: src, dst, persistent, hash, random */
			for (size_t i = 0; i < CTF_ARRAY_SIZE(nat_opts); i++)
				if (nat_opts[i].attr == ctf_nla_type(a))
					*nat_flag(&nat_opts[i], ct) = true;
			break;
		}
	}
	if (ct->has_ip_max && !has_min)
		return -EINVAL;
	return 0;
}

static void put_addr(struct ctf_str *out, const uint8_t *a, int family, bool bracket)
{
	/* The appenders print what inet_ntop does, without its sprintf. */
	if (family == 4) {
		ctf_str_put_ipv4(out, a);
		return;
	}
	if (bracket)
		ctf_str_putc_fast(out, '[');
	ctf_str_put_ipv6(out, a);
	if (bracket)
		ctf_str_putc_fast(out, ']');
}

/* What the parser would refuse, or could not write back, prints as nat(error). */
static bool nat_printable(const struct ctf_ct_info *ct)
{
	enum ctf_ct_rule r = ctf_nat_rule(ct);

	if (r == CTF_CT_NAT_BOTH || (r != CTF_CT_OK && !ct->nat_src && !ct->nat_dst))
		return false;
	return !(ct->has_proto_max && !ct->has_proto_min) &&
	       !(ct->has_proto_min && !ct->nat_family);
}

void ctf_nat_format(const struct ctf_ct_info *ct, struct ctf_str *out)
{
	bool ports = ct->has_proto_min;
	bool bracket = ports && ct->nat_family == 16;

	if (!nat_printable(ct)) {
		ctf_str_puts(out, "nat(error)");
		return;
	}
	if (!ct->nat_src && !ct->nat_dst) {
		ctf_str_puts(out, "nat");
		return;
	}
	ctf_str_puts(out, ct->nat_src ? "nat(src" : "nat(dst");
	if (ct->nat_family) {
		ctf_str_putc_fast(out, '=');
		put_addr(out, ct->ip_min, ct->nat_family, bracket);
		if (ct->has_ip_max && memcmp(ct->ip_max, ct->ip_min, (size_t)ct->nat_family)) {
			ctf_str_putc_fast(out, '-');
			put_addr(out, ct->ip_max, ct->nat_family, bracket);
		}
		if (ports) {
			ctf_str_putc_fast(out, ':');
			ctf_str_put_dec(out, ct->proto_min);
			if (ct->has_proto_max && ct->proto_max != ct->proto_min) {
				ctf_str_putc_fast(out, '-');
				ctf_str_put_dec(out, ct->proto_max);
			}
		}
	}
	for (size_t i = 0; i < CTF_ARRAY_SIZE(nat_opts); i++) {
		if (!nat_opts[i].range && nat_has(&nat_opts[i], ct)) {
			ctf_str_putc_fast(out, ',');
			ctf_str_puts(out, nat_opts[i].keyword);
		}
	}
	ctf_str_putc_fast(out, ')');
}
