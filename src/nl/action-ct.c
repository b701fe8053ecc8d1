// SPDX-License-Identifier: Apache-2.0
/*
 * ct(...) and its nat(...): text <-> OVS_CT_ATTR_* / OVS_NAT_ATTR_* nests.
 *
 * Grammar and canonical print follow ovs-dpctl (see flow-syntax.md §1) with
 * these deliberate differences, each a refusal rather than a silent change:
 * repeated options, values out of range, mark bits outside the mark mask,
 * zero masks, mark/label/nat(src|dst) without commit, nat flags without
 * src/dst, port 0. `eventmask=N` is ours (OVS has no text for it), and nat
 * flags without an address are kept (OVS drops them).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "action-attrs.h"
#include "action-internal.h"

struct nat_opts {
	bool present, src, dst, persistent, hash, random;
	int family;			/* 0, 4 or 16 */
	uint8_t min[16], max[16];
	bool has_max;
	uint16_t pmin, pmax;
	bool has_pmin, has_pmax;
};

struct ct_opts {
	bool commit, force_commit;
	bool zone_set, mark_set, label_set, eventmask_set;
	uint16_t zone;
	uint32_t mark, mark_mask;
	uint64_t label[2], label_mask[2];	/* [0] high 64 bits, [1] low */
	uint32_t eventmask;
	const char *helper, *timeout;
	size_t helper_len, timeout_len;
	const char *first_needs_commit;		/* token that needs commit, for the message */
	struct nat_opts nat;
};

/* ---- parsing ------------------------------------------------------------ */

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static unsigned hex_val(char c)
{
	if (c <= '9')
		return (unsigned)(c - '0');
	return (unsigned)((c | 0x20) - 'a' + 10);
}

/* A 128-bit number: 0x + up to 32 significant hex digits, or a decimal u64. */
static int scan_u128(struct ctf_ascan *sc, const char *what, uint64_t v[2])
{
	const char *at = sc->p;

	v[0] = v[1] = 0;
	if (sc->p[0] == '0' && (sc->p[1] == 'x' || sc->p[1] == 'X')) {
		const char *q = sc->p + 2;
		unsigned digits = 0;

		if (!is_hex(*q))
			return ctf_as_err(sc, at, "%s needs a number, got `%s'", what, "0x");
		while (*q == '0')
			q++;
		for (; is_hex(*q); q++) {
			if (++digits > 32)
				return ctf_as_err(sc, at, "%s value is wider than 128 bits", what);
			v[0] = (v[0] << 4) | (v[1] >> 60);
			v[1] = (v[1] << 4) | hex_val(*q);
		}
		sc->p = q;
		return 0;
	}
	return ctf_as_u64(sc, what, CTF_NUM_DEC, UINT64_MAX, &v[1]);
}

/* Host-order u128 bytes, the layout OVS and the kernel use for ct labels. */
static void u128_to_bytes(const uint64_t v[2], uint8_t out[16])
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t w[2] = { v[1], v[0] };
#else
	uint64_t w[2] = { v[0], v[1] };
#endif
	memcpy(out, w, 16);
}

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

/* A name up to the next delimiter or ')': helper=, timeout=. */
static int scan_name(struct ctf_ascan *sc, const char *what, size_t max,
		     const char **name, size_t *len)
{
	const char *at = sc->p - strlen(what) - 1;	/* the "helper=" token */
	const char *q = sc->p;

	while (*q && !ctf_as_is_delim(*q) && *q != ')' && *q != '(')
		q++;
	*len = (size_t)(q - sc->p);
	*name = sc->p;
	if (*len == 0 || *len > max) {
		ctf_as_err(sc, at, "ct %s name is %zu characters, the kernel takes 1..%zu",
			   what, *len, max);
		ctf_err_hint(sc->err, "use the name of a %s", !strcmp(what, "helper") ?
			     "conntrack helper such as ftp or tftp" : "cttimeout policy");
		return -EINVAL;
	}
	for (const char *c = *name; c < q; c++) {
		if (*c <= ' ' || *c > '~') {
			ctf_as_err(sc, at, "ct %s name has a non-printable character", what);
			return -EINVAL;
		}
	}
	sc->p = q;
	return 0;
}

static int dup_option(struct ctf_ascan *sc, const char *at, bool *seen)
{
	if (*seen) {
		ctf_as_err(sc, at, "ct option `%.*s' given twice", (int)ctf_as_word_len(at), at);
		ctf_err_hint(sc->err, "give each ct option once");
		return -EINVAL;
	}
	*seen = true;
	return 0;
}

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
		memcpy(buf, q + 1, n);
		buf[n] = '\0';
		if (inet_pton(AF_INET6, buf, addr) != 1)
			return ctf_as_err(sc, at, "bad IPv6 address `[%s]' in nat()", buf);
		*family = 16;
		*bracketed = true;
		sc->p = end + 1;
		return 0;
	}
	/* IPv4 first: digits and dots, followed by something that is not IPv6. */
	while ((*q >= '0' && *q <= '9') || *q == '.')
		q++;
	if (q > sc->p && memchr(sc->p, '.', (size_t)(q - sc->p)) && !is_hex(*q)) {
		n = (size_t)(q - sc->p);
		if (n >= 16)
			return ctf_as_err(sc, at, "bad IPv4 address in nat()");
		memcpy(buf, sc->p, n);
		buf[n] = '\0';
		if (inet_pton(AF_INET, buf, addr) != 1)
			return ctf_as_err(sc, at, "bad IPv4 address `%s' in nat()", buf);
		*family = 4;
		sc->p = q;
		return 0;
	}
	q = sc->p;
	while (is_hex(*q) || *q == ':' || *q == '.')
		q++;
	n = (size_t)(q - sc->p);
	if (n == 0 || n >= sizeof(buf))
		return ctf_as_err(sc, at, "nat() needs an IPv4 or IPv6 address, got `%s'",
				  ctf_as_token(at, buf, sizeof(buf)));
	memcpy(buf, sc->p, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET6, buf, addr) != 1) {
		ctf_as_err(sc, at, "bad address `%s' in nat()", buf);
		ctf_err_hint(sc->err, "an IPv6 address with a port is written [addr]:port");
		return -EINVAL;
	}
	*family = 16;
	sc->p = q;
	return 0;
}

/* "=ADDR[-ADDR][:PORT[-PORT]]" after src/dst. */
static int scan_nat_range(struct ctf_ascan *sc, struct nat_opts *nat)
{
	const char *at = sc->p;
	bool br_min, br_max;
	int fam_max;
	uint64_t v;
	int err;

	err = scan_nat_addr(sc, nat->min, &nat->family, &br_min);
	if (err)
		return err;
	if (ctf_as_char(sc, '-')) {
		const char *at_max = sc->p;

		err = scan_nat_addr(sc, nat->max, &fam_max, &br_max);
		if (err)
			return err;
		if (fam_max != nat->family)
			return ctf_as_err(sc, at_max, "nat() address range mixes IPv4 and IPv6");
		if (memcmp(nat->max, nat->min, (size_t)nat->family) < 0) {
			ctf_as_err(sc, at, "nat() address range `%.*s' ends below its start",
				   (int)(sc->p - at), at);
			ctf_err_hint(sc->err, "write the lower address first");
			return -EINVAL;
		}
		nat->has_max = memcmp(nat->max, nat->min, (size_t)nat->family) != 0;
	}
	if (!ctf_as_char(sc, ':'))
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
	if (ctf_as_char(sc, '-')) {
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
static int parse_nat(struct ctf_ascan *sc, struct nat_opts *nat)
{
	const char *start = sc->p - 3;
	bool seen_p = false, seen_h = false, seen_r = false;
	int err;

	memset(nat, 0, sizeof(*nat));
	nat->present = true;
	if (!ctf_as_char(sc, '(') || ctf_as_char(sc, ')'))
		return 0;
	for (;;) {
		const char *at;

		while (ctf_as_is_delim(*sc->p))
			sc->p++;
		at = sc->p;
		if (ctf_as_word(sc, "src") || ctf_as_word(sc, "dst")) {
			bool *flag = at[0] == 's' ? &nat->src : &nat->dst;

			if (dup_option(sc, at, flag))
				return -EINVAL;
			if (nat->src && nat->dst) {
				ctf_as_err(sc, at, "nat(src,dst): give only one of src and dst");
				ctf_err_hint(sc->err, "a ct() action does source or destination NAT, not both");
				return -EINVAL;
			}
			if (ctf_as_char(sc, '=')) {
				err = scan_nat_range(sc, nat);
				if (err)
					return err;
			}
		} else if (ctf_as_word(sc, "persistent")) {
			if (dup_option(sc, at, &seen_p))
				return -EINVAL;
			nat->persistent = true;
		} else if (ctf_as_word(sc, "hash")) {
			if (dup_option(sc, at, &seen_h))
				return -EINVAL;
			nat->hash = true;
		} else if (ctf_as_word(sc, "random")) {
			if (dup_option(sc, at, &seen_r))
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
		if (ctf_as_char(sc, ')'))
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
		ctf_as_err(sc, start, "nat flags need src or dst");
		ctf_err_hint(sc->err, "add src or dst, or use plain `nat' to apply existing NAT");
		return -EINVAL;
	}
	return 0;
}

static int put_nat(struct ctf_ascan *sc, const struct nat_opts *nat)
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

static int put_name(struct ctf_ascan *sc, uint16_t type, const char *s, size_t len)
{
	char buf[32];

	memcpy(buf, s, len);	/* len <= 31, checked by scan_name() */
	buf[len] = '\0';
	return ctf_as_put(sc, type, len + 1, buf);
}

/* Attributes in the order the kernel needs: COMMIT/FORCE_COMMIT before NAT. */
static int put_ct(struct ctf_ascan *sc, const struct ct_opts *o)
{
	struct nlattr *nest = ctf_as_nest_start(sc, OVS_ACTION_ATTR_CT);
	int err;

	if (!nest)
		return ctf_as_too_long(sc);
	if ((o->commit && ctf_as_put(sc, OVS_CT_ATTR_COMMIT, 0, NULL)) ||
	    (o->force_commit && ctf_as_put(sc, OVS_CT_ATTR_FORCE_COMMIT, 0, NULL)))
		return -EMSGSIZE;
	/* Zone 0 is the default zone: left out, as OVS does. */
	if (o->zone && ctf_as_put(sc, OVS_CT_ATTR_ZONE, 2, &o->zone))
		return -EMSGSIZE;
	if (o->mark_set) {
		uint32_t mm[2] = { o->mark, o->mark_mask };

		if (ctf_as_put(sc, OVS_CT_ATTR_MARK, sizeof(mm), mm))
			return -EMSGSIZE;
	}
	if (o->label_set) {
		uint8_t lm[32];

		u128_to_bytes(o->label, lm);
		u128_to_bytes(o->label_mask, lm + 16);
		if (ctf_as_put(sc, OVS_CT_ATTR_LABELS, sizeof(lm), lm))
			return -EMSGSIZE;
	}
	if ((o->helper && put_name(sc, OVS_CT_ATTR_HELPER, o->helper, o->helper_len)) ||
	    (o->timeout && put_name(sc, OVS_CT_ATTR_TIMEOUT, o->timeout, o->timeout_len)) ||
	    (o->eventmask_set && ctf_as_put_u32(sc, OVS_CT_ATTR_EVENTMASK, o->eventmask)))
		return -EMSGSIZE;
	if (o->nat.present) {
		err = put_nat(sc, &o->nat);
		if (err)
			return err;
	}
	return ctf_as_nest_end(sc, nest);
}

static int parse_mark(struct ctf_ascan *sc, struct ct_opts *o, const char *at)
{
	uint64_t v, m = UINT32_MAX;
	int err;

	err = ctf_as_u64(sc, "ct mark", CTF_NUM_HEX, UINT32_MAX, &v);
	if (!err && ctf_as_char(sc, '/'))
		err = ctf_as_u64(sc, "ct mark mask", CTF_NUM_HEX, UINT32_MAX, &m);
	if (err)
		return err;
	if (m == 0) {
		ctf_as_err(sc, at, "ct mark mask 0 changes nothing (the kernel refuses it)");
		ctf_err_hint(sc->err, "drop mark= or give a non-zero mask");
		return -EINVAL;
	}
	/* The kernel ORs the value in without masking it first. */
	if (v & ~m) {
		ctf_as_err(sc, at, "ct mark value %#" PRIx64 " has bits outside mask %#" PRIx64,
			   v, m);
		ctf_err_hint(sc->err, "the kernel would set those bits too; use mark=%#" PRIx64
			     "/%#" PRIx64, v & m, m);
		return -EINVAL;
	}
	o->mark = (uint32_t)v;
	o->mark_mask = (uint32_t)m;
	return 0;
}

static int parse_label(struct ctf_ascan *sc, struct ct_opts *o, const char *at)
{
	int err;

	o->label_mask[0] = o->label_mask[1] = UINT64_MAX;
	err = scan_u128(sc, "ct label", o->label);
	if (!err && ctf_as_char(sc, '/'))
		err = scan_u128(sc, "ct label mask", o->label_mask);
	if (err)
		return err;
	if (!o->label_mask[0] && !o->label_mask[1]) {
		ctf_as_err(sc, at, "ct label mask 0 changes nothing (the kernel refuses it)");
		ctf_err_hint(sc->err, "drop label= or give a non-zero mask");
		return -EINVAL;
	}
	return 0;
}

static int parse_option(struct ctf_ascan *sc, struct ct_opts *o, bool seen[8])
{
	const char *at = sc->p;
	uint64_t v;
	int err;

	if (ctf_as_word(sc, "commit")) {
		o->commit = true;
		return 0;
	}
	if (ctf_as_word(sc, "force_commit")) {
		o->force_commit = true;
		return 0;
	}
	if (ctf_as_word(sc, "nat")) {
		if (dup_option(sc, at, &seen[7]))
			return -EINVAL;
		err = parse_nat(sc, &o->nat);
		if (!err && (o->nat.src || o->nat.dst) && !o->first_needs_commit)
			o->first_needs_commit = at;
		return err;
	}
	if (ctf_as_word(sc, "zone") && ctf_as_char(sc, '=')) {
		if (dup_option(sc, at, &seen[0]))
			return -EINVAL;
		if (sc->p[0] == '0' && (sc->p[1] == 'x' || sc->p[1] == 'X')) {
			ctf_as_err(sc, at, "ct zone is decimal, got `%.*s'",
				   (int)strcspn(at, ",) \t\r\n"), at);
			ctf_err_hint(sc->err, "write the zone in decimal, e.g. zone=5");
			return -EINVAL;
		}
		err = ctf_as_u64(sc, "ct zone", CTF_NUM_DEC, UINT16_MAX, &v);
		o->zone = (uint16_t)v;
		o->zone_set = true;
		return err;
	}
	sc->p = at;
	if (ctf_as_word(sc, "mark") && ctf_as_char(sc, '=')) {
		if (dup_option(sc, at, &seen[1]))
			return -EINVAL;
		o->mark_set = true;
		if (!o->first_needs_commit)
			o->first_needs_commit = at;
		return parse_mark(sc, o, at);
	}
	sc->p = at;
	if (ctf_as_word(sc, "label") && ctf_as_char(sc, '=')) {
		if (dup_option(sc, at, &seen[2]))
			return -EINVAL;
		o->label_set = true;
		if (!o->first_needs_commit)
			o->first_needs_commit = at;
		return parse_label(sc, o, at);
	}
	sc->p = at;
	if (ctf_as_word(sc, "helper") && ctf_as_char(sc, '=')) {
		if (dup_option(sc, at, &seen[3]))
			return -EINVAL;
		return scan_name(sc, "helper", 15, &o->helper, &o->helper_len);
	}
	sc->p = at;
	if (ctf_as_word(sc, "timeout") && ctf_as_char(sc, '=')) {
		if (dup_option(sc, at, &seen[4]))
			return -EINVAL;
		return scan_name(sc, "timeout", 31, &o->timeout, &o->timeout_len);
	}
	sc->p = at;
	if (ctf_as_word(sc, "eventmask") && ctf_as_char(sc, '=')) {
		if (dup_option(sc, at, &seen[5]))
			return -EINVAL;
		o->eventmask_set = true;
		err = ctf_as_u64(sc, "ct eventmask", CTF_NUM_AUTO, UINT32_MAX, &v);
		o->eventmask = (uint32_t)v;
		return err;
	}
	sc->p = at;
	return -ENOENT;
}

int ctf_ct_parse(struct ctf_ascan *sc)
{
	const char *start = sc->p - 2;
	struct ct_opts o;
	bool seen[8] = { false };
	int err;

	memset(&o, 0, sizeof(o));
	if (ctf_as_char(sc, '(') && !ctf_as_char(sc, ')')) {
		for (;;) {
			const char *at;

			while (ctf_as_is_delim(*sc->p))
				sc->p++;
			at = sc->p;
			err = parse_option(sc, &o, seen);
			if (err == -ENOENT) {
				char tok[48];

				if (*at == ')') {
					ctf_as_err(sc, at - 1, "trailing `%c' before `)' in ct()", at[-1]);
					ctf_err_hint(sc->err, "remove the delimiter before `)'");
				} else if (!*at) {
					ctf_as_err(sc, start, "missing `)' to close ct(");
				} else {
					ctf_as_err(sc, at, "unknown ct option `%s'",
						   ctf_as_token(at, tok, sizeof(tok)));
					ctf_err_hint(sc->err, "ct takes commit, force_commit, zone=N, "
						     "mark=V[/M], label=V[/M], helper=NAME, "
						     "timeout=NAME, eventmask=N, nat(...)");
				}
				return -EINVAL;
			}
			if (err)
				return err;
			if (ctf_as_char(sc, ')'))
				break;
			if (!*sc->p)
				return ctf_as_err(sc, start, "missing `)' to close ct(");
			if (!ctf_as_is_delim(*sc->p)) {
				char tok[48];

				return ctf_as_err(sc, at, "unexpected `%s' in ct()",
						  ctf_as_token(at, tok, sizeof(tok)));
			}
		}
	}
	if (o.commit && o.force_commit) {
		ctf_as_err(sc, start, "ct(commit,force_commit): give only one of them");
		ctf_err_hint(sc->err, "force_commit already commits; keep one");
		return -EINVAL;
	}
	if (o.first_needs_commit && !o.commit && !o.force_commit) {
		char tok[48];

		ctf_as_err(sc, o.first_needs_commit, "ct option `%s' needs commit",
			   ctf_as_token(o.first_needs_commit, tok, sizeof(tok)));
		ctf_err_hint(sc->err, "add commit (or force_commit) to the ct() action");
		return -EINVAL;
	}
	return put_ct(sc, &o);
}

/* ---- printing ----------------------------------------------------------- */

static void put_hex128(struct ctf_str *out, const uint8_t bytes[16])
{
	uint64_t v[2];

	bytes_to_u128(bytes, v);
	if (v[0])
		ctf_str_printf(out, "0x%" PRIx64 "%016" PRIx64, v[0], v[1]);
	else if (v[1])
		ctf_str_printf(out, "0x%" PRIx64, v[1]);
	else
		ctf_str_putc(out, '0');
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

static void put_addr(struct ctf_str *out, const uint8_t *a, int family, bool bracket)
{
	char buf[INET6_ADDRSTRLEN];

	inet_ntop(family == 4 ? AF_INET : AF_INET6, a, buf, sizeof(buf));
	if (bracket)
		ctf_str_printf(out, "[%s]", buf);
	else
		ctf_str_puts(out, buf);
}

static void format_nat(const struct ctf_ct_info *ct, struct ctf_str *out)
{
	bool ports = ct->has_proto_min;
	bool bracket = ports && ct->nat_family == 16;

	if ((ct->nat_src && ct->nat_dst) ||
	    (!ct->nat_src && !ct->nat_dst &&
	     (ct->nat_family || ct->has_proto_min || ct->has_proto_max ||
	      ct->persistent || ct->proto_hash || ct->proto_random)) ||
	    (ct->has_proto_max && !ct->has_proto_min) ||
	    (ct->has_proto_min && !ct->nat_family)) {
		ctf_str_puts(out, "nat(error)");
		return;
	}
	if (!ct->nat_src && !ct->nat_dst) {
		ctf_str_puts(out, "nat");
		return;
	}
	ctf_str_puts(out, ct->nat_src ? "nat(src" : "nat(dst");
	if (ct->nat_family) {
		ctf_str_putc(out, '=');
		put_addr(out, ct->ip_min, ct->nat_family, bracket);
		if (ct->has_ip_max && memcmp(ct->ip_max, ct->ip_min, (size_t)ct->nat_family)) {
			ctf_str_putc(out, '-');
			put_addr(out, ct->ip_max, ct->nat_family, bracket);
		}
		if (ports) {
			ctf_str_printf(out, ":%u", ct->proto_min);
			if (ct->has_proto_max && ct->proto_max != ct->proto_min)
				ctf_str_printf(out, "-%u", ct->proto_max);
		}
	}
	if (ct->persistent)
		ctf_str_puts(out, ",persistent");
	if (ct->proto_hash)
		ctf_str_puts(out, ",hash");
	if (ct->proto_random)
		ctf_str_puts(out, ",random");
	ctf_str_putc(out, ')');
}

void ctf_ct_format(const struct nlattr *a, struct ctf_str *out)
{
	struct ctf_ct_info ct;
	size_t start = out->len;

	if (ctf_ct_action_decode(a, &ct) < 0 || (ct.helper && !printable_name(ct.helper)) ||
	    (ct.timeout && !printable_name(ct.timeout))) {
		ctf_str_puts(out, "ct(error)");
		return;
	}
	ctf_str_puts(out, "ct(");
	if (ct.commit)
		ctf_str_puts(out, "commit,");
	if (ct.force_commit)
		ctf_str_puts(out, "force_commit,");
	if (ct.has_zone && ct.zone)
		ctf_str_printf(out, "zone=%u,", ct.zone);
	if (ct.has_mark)
		ctf_str_printf(out, "mark=%#x/%#x,", ct.mark, ct.mark_mask);
	if (ct.has_labels) {
		static const uint8_t ones[16] = {
			0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		};

		ctf_str_puts(out, "label=");
		put_hex128(out, ct.labels);
		if (memcmp(ct.labels_mask, ones, 16)) {
			ctf_str_putc(out, '/');
			put_hex128(out, ct.labels_mask);
		}
		ctf_str_putc(out, ',');
	}
	if (ct.helper)
		ctf_str_printf(out, "helper=%s,", ct.helper);
	if (ct.timeout)
		ctf_str_printf(out, "timeout=%s,", ct.timeout);
	if (ct.has_eventmask)
		ctf_str_printf(out, "eventmask=%#x,", ct.eventmask);
	if (ct.nat)
		format_nat(&ct, out);
	ctf_str_chomp(out, ',');
	if (out->len == start + 3) {	/* nothing inside: plain "ct" */
		out->len = start + 2;
		out->buf[out->len] = '\0';
		return;
	}
	ctf_str_putc(out, ')');
}
