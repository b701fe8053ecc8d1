// SPDX-License-Identifier: Apache-2.0
/*
 * ct(...) text -> the ct() model -> OVS_CT_ATTR_* nest, walking the ct
 * option table (ct-opts.c): each option is parsed and sent as its row's
 * value kind says (nat(...), the one nested option, is in action-nat.c;
 * printing in action-ct-format.c).
 *
 * Grammar and canonical print follow ovs-dpctl (ctflow-flows(7), CT AND NAT) with
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
#include "odp/ct-opts.h"

/* ---- parsing ------------------------------------------------------------ */

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

/* A name up to the next delimiter or ')': helper=, timeout=. */
static int parse_name(struct ctf_ascan *sc, const struct ctf_ct_opt *o, char *name)
{
	const char *at = sc->p - o->keyword_len - 1;	/* the "helper=" token */
	const char *q = sc->p;
	size_t len, max = ctf_ct_name_max(o);

	while (*q && !ctf_as_is_delim(*q) && *q != ')' && *q != '(')
		q++;
	len = (size_t)(q - sc->p);
	if (len == 0 || len > max) {
		ctf_as_err(sc, at, "ct %s name is %zu characters, the kernel takes 1..%zu",
			   o->keyword, len, max);
		ctf_err_hint(sc->err, "use the name of a %s", o->names);
		return -EINVAL;
	}
	for (const char *c = sc->p; c < q; c++) {
		if (*c <= ' ' || *c > '~') {
			ctf_as_err(sc, at, "ct %s name has a non-printable character", o->keyword);
			return -EINVAL;
		}
	}
	memcpy(name, sc->p, len);
	name[len] = '\0';
	sc->p = q;
	return 0;
}

/* CTF_CT_U16, CTF_CT_U32: "zone=N". */
static int parse_number(struct ctf_ascan *sc, const struct ctf_ct_opt *o, void *val,
			const char *at)
{
	uint64_t v, max = o->kind == CTF_CT_U16 ? UINT16_MAX : UINT32_MAX;
	int err;

	if (o->base == CTF_NUM_DEC && sc->p[0] == '0' && (sc->p[1] == 'x' || sc->p[1] == 'X')) {
		ctf_as_err(sc, at, "ct %s is decimal, got `%.*s'", o->keyword,
			   (int)strcspn(at, ",) \t\r\n"), at);
		ctf_err_hint(sc->err, "write the %s in decimal, e.g. %s=5", o->keyword, o->keyword);
		return -EINVAL;
	}
	err = ctf_as_u64(sc, o->what, o->base, max, &v);
	if (err)
		return err;
	if (o->kind == CTF_CT_U16) {
		uint16_t v16 = (uint16_t)v;

		memcpy(val, &v16, 2);
	} else {
		uint32_t v32 = (uint32_t)v;

		memcpy(val, &v32, 4);
	}
	return 0;
}

/* CTF_CT_U32_MASKED: "mark=V[/M]", hex, the mask all ones when left out. */
static int scan_masked32(struct ctf_ascan *sc, const struct ctf_ct_opt *o, uint32_t vm[2])
{
	uint64_t v = 0, m = UINT32_MAX;
	int err;

	err = ctf_as_u64(sc, o->what, o->base, UINT32_MAX, &v);
	if (!err && ctf_as_char_fast(sc, '/'))
		err = ctf_as_u64(sc, o->what_mask, o->base, UINT32_MAX, &m);
	vm[0] = (uint32_t)v;
	vm[1] = (uint32_t)m;
	return err;
}

/* CTF_CT_U128_MASKED: "label=V[/M]", sent as host-order u128 bytes. */
static int scan_masked128(struct ctf_ascan *sc, const struct ctf_ct_opt *o, uint8_t vm[32])
{
	int err;

	memset(vm + 16, 0xff, 16);
	err = ctf_lex_u128(&sc->p, sc->err, o->what, CTF_NUM_DEC, vm);
	if (!err && ctf_as_char_fast(sc, '/'))
		err = ctf_lex_u128(&sc->p, sc->err, o->what_mask, CTF_NUM_DEC, vm + 16);
	ctf_lex_u128_be_to_host(vm);
	ctf_lex_u128_be_to_host(vm + 16);
	return err;
}

static int parse_masked(struct ctf_ascan *sc, const struct ctf_ct_opt *o, struct ctf_ct_info *ct,
			const char *at)
{
	void *val = (char *)ct + o->val;
	uint32_t vm[2] = { 0, 0 };
	int err;

	if (o->kind == CTF_CT_U32_MASKED) {
		err = scan_masked32(sc, o, vm);
		memcpy(val, vm, sizeof(vm));
	} else {
		err = scan_masked128(sc, o, val);
	}
	if (err)
		return err;
	if (ctf_ct_value_rule(o, ct) == CTF_CT_ZERO_MASK) {
		ctf_as_err(sc, at, "ct %s mask 0 changes nothing (the kernel refuses it)", o->keyword);
		ctf_err_hint(sc->err, "drop %s= or give a non-zero mask", o->keyword);
		return -EINVAL;
	}
	/* The kernel ORs a mark in without masking it first: bits outside would be set too. */
	if (o->kind == CTF_CT_U32_MASKED && (vm[0] & ~vm[1])) {
		ctf_as_err(sc, at, "ct %s value %#" PRIx32 " has bits outside mask %#" PRIx32,
			   o->keyword, vm[0], vm[1]);
		ctf_err_hint(sc->err, "the kernel would set those bits too; use %s=%#" PRIx32
			     "/%#" PRIx32, o->keyword, vm[0] & vm[1], vm[1]);
		return -EINVAL;
	}
	return 0;
}

/* The value of row @o, the cursor just after "keyword" (and its '='). */
static int parse_value(struct ctf_ascan *sc, const struct ctf_ct_opt *o, struct ctf_ct_info *ct,
		       const char *at)
{
	char *val = (char *)ct + o->val;

	ctf_ct_set_has(o, ct);
	if (o->parse)
		return o->parse(sc, ct);
	switch (o->kind) {
	case CTF_CT_U16:
	case CTF_CT_U32:
		return parse_number(sc, o, val, at);
	case CTF_CT_U32_MASKED:
	case CTF_CT_U128_MASKED:
		return parse_masked(sc, o, ct, at);
	case CTF_CT_NAME:
		return parse_name(sc, o, val);
	default:
		return 0;
	}
}

/* The row whose keyword (and '=' for a value) is at the cursor; NULL, cursor unmoved, if none. */
static const struct ctf_ct_opt *match_option(struct ctf_ascan *sc)
{
	const char *at = sc->p;
	const struct ctf_ct_opt *o = ctf_ct_opts, *end = o + ctf_ct_n_opts;

	for (; o < end; o++) {
		if (o->first != *at || !ctf_as_word(sc, o->keyword))
			continue;
		if (o->kind == CTF_CT_FLAG || o->kind == CTF_CT_NEST || ctf_as_char_fast(sc, '='))
			return o;
		sc->p = at;
	}
	return NULL;
}

struct ct_text {
	struct ctf_ct_info ct;
	ctf_ct_optset seen;
	const char *needs_commit;	/* the first option in the text that needs commit */
};

static int parse_option(struct ctf_ascan *sc, struct ct_text *t)
{
	const char *at = sc->p;
	const struct ctf_ct_opt *o = match_option(sc);
	ctf_ct_optset bit;
	int err;

	if (!o)
		return -ENOENT;
	bit = (ctf_ct_optset)1 << (o - ctf_ct_opts);
	if (!(o->flags & CTF_CT_F_REPEATABLE) && (t->seen & bit)) {
		bool dup = true;	/* the message only: no call for a first use */

		return ctf_ct_dup_option(sc, at, &dup);
	}
	t->seen |= bit;
	err = parse_value(sc, o, &t->ct, at);
	if (!err && !t->needs_commit && ctf_ct_needs_commit(o, &t->ct))
		t->needs_commit = at;
	return err;
}

/* Row @o's attribute, as its kind sends it. */
static int put_option(struct ctf_ascan *sc, const struct ctf_ct_opt *o,
		      const struct ctf_ct_info *ct)
{
	const char *val = (const char *)ct + o->val;
	size_t len = ctf_ct_kind_len(o->kind);

	if (o->put)
		return o->put(sc, ct);
	if (o->kind == CTF_CT_NAME)
		return ctf_as_put(sc, o->attr, strlen(val) + 1, val);
	if ((o->flags & CTF_CT_F_OMIT_ZERO) && ctf_ct_all_zero(val, len))
		return 0;
	return ctf_as_put(sc, o->attr, len, len ? val : NULL);
}

/*
 * The nest, options in the table's order (COMMIT/FORCE_COMMIT before NAT).
 * The rows given are the bits of @t->seen (bit i: row i, set exactly when
 * parse_value() set the row's presence flag): only those are visited.
 */
static int put_ct(struct ctf_ascan *sc, const struct ct_text *t)
{
	struct nlattr *nest = ctf_as_nest_start(sc, OVS_ACTION_ATTR_CT);

	if (!nest)
		return ctf_as_too_long(sc);
	for (ctf_ct_optset left = t->seen; left; left &= left - 1) {
		int err = put_option(sc, &ctf_ct_opts[__builtin_ctz(left)], &t->ct);

		if (err)
			return err;
	}
	return ctf_as_nest_end(sc, nest);
}

/* What ends an option that is not one: a stray delimiter, the end, or an unknown word. */
static int bad_option(struct ctf_ascan *sc, const char *start, const char *at)
{
	char tok[48], help[256];

	if (*at == ')') {
		ctf_as_err(sc, at - 1, "trailing `%c' before `)' in ct()", at[-1]);
		ctf_err_hint(sc->err, "remove the delimiter before `)'");
	} else if (!*at) {
		ctf_as_err(sc, start, "missing `)' to close ct(");
	} else {
		ctf_as_err(sc, at, "unknown ct option `%s'", ctf_as_token(at, tok, sizeof(tok)));
		ctf_err_hint(sc->err, "ct takes %s; see ctflow-flows(7), CT AND NAT",
			     ctf_ct_options_help(help, sizeof(help)));
	}
	return -EINVAL;
}

/* The options between "ct(" and ")", into @t. */
static int parse_options(struct ctf_ascan *sc, const char *start, struct ct_text *t)
{
	for (;;) {
		const char *at;
		char tok[48];
		int err;

		while (ctf_as_is_delim(*sc->p))
			sc->p++;
		at = sc->p;
		err = parse_option(sc, t);
		if (err == -ENOENT)
			return bad_option(sc, start, at);
		if (err)
			return err;
		if (ctf_as_char_fast(sc, ')'))
			return 0;
		if (!*sc->p)
			return ctf_as_err(sc, start, "missing `)' to close ct(");
		if (!ctf_as_is_delim(*sc->p))
			return ctf_as_err(sc, at, "unexpected `%s' in ct()",
					  ctf_as_token(at, tok, sizeof(tok)));
	}
}

/* The ct() rules over the whole action, with the parser's messages. */
static int check_rules(struct ctf_ascan *sc, const char *start, const struct ct_text *t)
{
	char tok[48];

	if (ctf_ct_commit_rule(&t->ct) == CTF_CT_COMMIT_TWICE) {
		ctf_as_err(sc, start, "ct(commit,force_commit): give only one of them");
		ctf_err_hint(sc->err, "force_commit already commits; keep one");
		return -EINVAL;
	}
	/* The first option in the text that needs commit is the one named. */
	if (t->needs_commit && !t->ct.commit && !t->ct.force_commit) {
		ctf_as_err(sc, t->needs_commit, "ct option `%s' needs commit",
			   ctf_as_token(t->needs_commit, tok, sizeof(tok)));
		ctf_err_hint(sc->err, "add commit (or force_commit) to the ct() action");
		return -EINVAL;
	}
	return 0;
}

int ctf_ct_parse(struct ctf_ascan *sc)
{
	const char *start = sc->p - 2;
	struct ct_text t;
	int err;

	memset(&t, 0, sizeof(t));
	if (ctf_as_char_fast(sc, '(') && !ctf_as_char_fast(sc, ')')) {
		err = parse_options(sc, start, &t);
		if (err)
			return err;
	}
	return check_rules(sc, start, &t) ?: put_ct(sc, &t);
}
