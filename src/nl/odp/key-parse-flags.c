// SPDX-License-Identifier: Apache-2.0
/*
 * Flag attributes of the flow key text: ct_state(), tcp_flags() and the
 * tunnel's flags(), in their four accepted forms (see kp_flags()).
 */
#include <stdio.h>
#include <arpa/inet.h>

#include "odp/key-parse.h"

static const struct kp_flag_name ct_state_flags[] = {
	{ "new", 0x01 }, { "est", 0x02 }, { "rel", 0x04 }, { "rpl", 0x08 },
	{ "inv", 0x10 }, { "trk", 0x20 }, { "snat", 0x40 }, { "dnat", 0x80 },
	{ NULL, 0 },
};

static const struct kp_flag_name tcp_flag_names[] = {
	{ "fin", 0x001 }, { "syn", 0x002 }, { "rst", 0x004 }, { "psh", 0x008 },
	{ "ack", 0x010 }, { "urg", 0x020 }, { "ece", 0x040 }, { "cwr", 0x080 },
	{ "ns", 0x100 }, { NULL, 0 },
};

static uint32_t flag_lookup(const struct kp_flag_name *names, const char *s, size_t n)
{
	for (; names->name; names++)
		if (names->name[0] == s[0] && ctf_lex_name_eq(names->name, s, n))
			return names->bit;
	return 0;
}

static int unknown_flag(struct kp *kp, const char *attr, const struct kp_flag_name *names,
			const char *s, size_t n)
{
	char list[128] = "";
	size_t off = 0;

	ctf_err_set(kp->err, "%s(): unknown flag `%.*s'", attr, (int)n, s);
	for (; names->name && off < sizeof(list); names++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s", off ? " " : "",
				names->name);
	ctf_err_hint(kp->err, "flag names: %s", list);
	return -EINVAL;
}

static int bits_outside(struct kp *kp, const char *attr, const char *at, uint32_t allowed)
{
	char tok[CTF_LEX_TOKEN_MAX];

	ctf_err_setn(kp->err, -ERANGE, "%s(%s): bits outside %#x are not supported", attr,
		     ctf_lex_token(at, tok, sizeof(tok)), allowed);
	return -ERANGE;
}

/* 1. "V/M" numbers. Returns 1 (cursor kept) when the text is not of this form. */
static int flags_numeric(struct kp *kp, const char *attr, uint32_t allowed, uint32_t exact,
			 uint32_t *val, uint32_t *msk)
{
	const char *start = kp->s;
	uint64_t v, m;

	/* "+name" and "-name" cannot be a number. */
	if (kp->s[0] == '-' || (kp->s[0] == '+' && !ctf_lex_is_digit(kp->s[1])))
		return 1;
	if (ctf_lex_scan_u64(&kp->s, CTF_NUM_C, &v) || *kp->s != '/') {
		kp->s = start;
		return 1;
	}
	kp->s++;
	if (ctf_lex_scan_u64(&kp->s, CTF_NUM_C, &m) || !kp_close(kp))
		return kp_bad(kp, start, attr);
	if ((v & ~(uint64_t)allowed) || (m & ~(uint64_t)allowed && m != exact))
		return bits_outside(kp, attr, start, allowed);
	/* Value bits outside the mask mean nothing: keep them out of the key bytes. */
	*val = (uint32_t)(v & m);
	*msk = (uint32_t)m;
	return 0;
}

/* 2. "+a-b" masked names. */
static int flags_masked(struct kp *kp, const char *attr, const struct kp_flag_name *names,
			uint32_t *val, uint32_t *msk)
{
	while (*kp->s == '+' || *kp->s == '-') {
		bool set = *kp->s++ == '+';
		size_t n = ctf_lex_ident_len(kp->s);
		uint32_t bit = flag_lookup(names, kp->s, n);

		if (!bit)
			return unknown_flag(kp, attr, names, kp->s, n);
		if (*msk & bit)
			return ctf_err_set(kp->err, "%s(): flag `%.*s' given twice", attr, (int)n,
					   kp->s);
		*msk |= bit;
		if (set)
			*val |= bit;
		kp->s += n;
	}
	if (!kp_close(kp))
		return kp_bad(kp, kp->s, "expected `+flag', `-flag' or `)'");
	return 0;
}

/* 3. "a|b|0x2" names and numbers, matched exactly. */
static int flags_ored(struct kp *kp, const char *attr, const struct kp_flag_name *names,
		      uint32_t allowed, uint32_t exact, uint32_t *val, uint32_t *msk)
{
	for (;;) {
		const char *at = kp->s;
		uint64_t v;
		int r = ctf_lex_scan_u64(&kp->s, CTF_NUM_C, &v);

		if (!r || r == -ERANGE) {
			if (r || v & ~(uint64_t)allowed)
				return bits_outside(kp, attr, at, allowed);
			*val |= (uint32_t)v;
		} else {
			size_t n = ctf_lex_ident_len(kp->s);
			uint32_t bit = flag_lookup(names, kp->s, n);

			if (!bit && !n)
				return kp_bad(kp, at, "expected a flag name or number");
			if (!bit)
				return unknown_flag(kp, attr, names, kp->s, n);
			*val |= bit;
			kp->s += n;
		}
		if (*kp->s == '|') {
			kp->s++;
			continue;
		}
		if (!kp_close(kp))
			return kp_bad(kp, kp->s, "expected `|flag' or `)'");
		*msk = exact;
		return 0;
	}
}

/*
 * The accepted forms, ended by `)':
 *   V/M numbers; +a-b masked names; a|b|0x2 names and numbers (exact).
 * @allowed bounds every bit; @exact is the mask of the unmasked forms.
 */
int kp_flags(struct kp *kp, const char *attr, const struct kp_flag_name *names,
	     uint32_t allowed, uint32_t exact, uint32_t *val, uint32_t *msk)
{
	int r;

	*val = 0;
	*msk = 0;
	kp_blanks(kp);
	if ((r = flags_numeric(kp, attr, allowed, exact, val, msk)) <= 0)
		return r;
	if (*kp->s == '+' || *kp->s == '-')
		return flags_masked(kp, attr, names, val, msk);
	return flags_ored(kp, attr, names, allowed, exact, val, msk);
}

int kp_tcp_flags(struct kp *kp)
{
	/* be16 value and mask, each with its two bytes of zero padding. */
	uint8_t bv[4] = { 0 }, bm[4] = { 0 };
	uint32_t v, m;
	uint16_t x;
	int r;

	r = kp_flags(kp, "tcp_flags", tcp_flag_names, CTF_TCP_FLAGS_SUPPORTED, 0xffff, &v, &m);
	if (r)
		return r;
	x = htons((uint16_t)v);
	memcpy(bv, &x, 2);
	x = htons((uint16_t)m);
	memcpy(bm, &x, 2);
	if ((r = kp_need_exact(kp, "tcp_flags", bm, 2)))
		return r;
	return kp_emit_padded(kp, OVS_KEY_ATTR_TCP_FLAGS, bv, bm, 2);
}

int kp_ct_state(struct kp *kp)
{
	uint32_t v, m;
	int r;

	/*
	 * The unmasked forms mean "exact". OVS encodes that as 0xffffffff, but
	 * the kernel refuses any ct_state bit outside 0xff in the mask too
	 * (metadata_from_nlattrs runs the same check for key and mask), so the
	 * exact mask we send is 0xff, which is also what kernel dumps carry.
	 */
	r = kp_flags(kp, "ct_state", ct_state_flags, CTF_CT_STATE_SUPPORTED,
		     CTF_CT_STATE_SUPPORTED, &v, &m);
	if (r)
		return r;
	if (!kp->mask && m != CTF_CT_STATE_SUPPORTED)
		return ctf_err_set(kp->err, "ct_state(...): a mask is not allowed here");
	return kp_emit_padded(kp, OVS_KEY_ATTR_CT_STATE, (const uint8_t *)&v,
			      (const uint8_t *)&m, 4);
}
