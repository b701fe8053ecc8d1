// SPDX-License-Identifier: Apache-2.0
/*
 * ct(...) text -> OVS_CT_ATTR_* nest (nat(...) is in action-nat.c, printing
 * in action-ct-format.c).
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

#include "odp/action-attrs.h"
#include "odp/action-internal.h"

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
	struct ctf_nat_opts nat;
};

/* ---- parsing ------------------------------------------------------------ */

bool ctf_is_hex(char c)
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

		if (!ctf_is_hex(*q))
			return ctf_as_err(sc, at, "%s needs a number, got `%s'", what, "0x");
		while (*q == '0')
			q++;
		for (; ctf_is_hex(*q); q++) {
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

int ctf_ct_dup_option(struct ctf_ascan *sc, const char *at, bool *seen)
{
	if (*seen) {
		ctf_as_err(sc, at, "ct option `%.*s' given twice", (int)ctf_as_word_len(at), at);
		ctf_err_hint(sc->err, "give each ct option once");
		return -EINVAL;
	}
	*seen = true;
	return 0;
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
		err = ctf_nat_put(sc, &o->nat);
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
	if (!err && ctf_as_char_fast(sc, '/'))
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
	if (!err && ctf_as_char_fast(sc, '/'))
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

	if (ctf_as_word_fast(sc, "commit")) {
		o->commit = true;
		return 0;
	}
	if (ctf_as_word_fast(sc, "force_commit")) {
		o->force_commit = true;
		return 0;
	}
	if (ctf_as_word_fast(sc, "nat")) {
		if (ctf_ct_dup_option(sc, at, &seen[7]))
			return -EINVAL;
		err = ctf_nat_parse(sc, &o->nat);
		if (!err && (o->nat.src || o->nat.dst) && !o->first_needs_commit)
			o->first_needs_commit = at;
		return err;
	}
	if (ctf_as_word_fast(sc, "zone") && ctf_as_char_fast(sc, '=')) {
		if (ctf_ct_dup_option(sc, at, &seen[0]))
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
	if (ctf_as_word_fast(sc, "mark") && ctf_as_char_fast(sc, '=')) {
		if (ctf_ct_dup_option(sc, at, &seen[1]))
			return -EINVAL;
		o->mark_set = true;
		if (!o->first_needs_commit)
			o->first_needs_commit = at;
		return parse_mark(sc, o, at);
	}
	sc->p = at;
	if (ctf_as_word_fast(sc, "label") && ctf_as_char_fast(sc, '=')) {
		if (ctf_ct_dup_option(sc, at, &seen[2]))
			return -EINVAL;
		o->label_set = true;
		if (!o->first_needs_commit)
			o->first_needs_commit = at;
		return parse_label(sc, o, at);
	}
	sc->p = at;
	if (ctf_as_word_fast(sc, "helper") && ctf_as_char_fast(sc, '=')) {
		if (ctf_ct_dup_option(sc, at, &seen[3]))
			return -EINVAL;
		return scan_name(sc, "helper", 15, &o->helper, &o->helper_len);
	}
	sc->p = at;
	if (ctf_as_word_fast(sc, "timeout") && ctf_as_char_fast(sc, '=')) {
		if (ctf_ct_dup_option(sc, at, &seen[4]))
			return -EINVAL;
		return scan_name(sc, "timeout", 31, &o->timeout, &o->timeout_len);
	}
	sc->p = at;
	if (ctf_as_word_fast(sc, "eventmask") && ctf_as_char_fast(sc, '=')) {
		if (ctf_ct_dup_option(sc, at, &seen[5]))
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
	if (ctf_as_char_fast(sc, '(') && !ctf_as_char_fast(sc, ')')) {
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
			if (ctf_as_char_fast(sc, ')'))
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
