// SPDX-License-Identifier: Apache-2.0
/*
 * Action text (ovs-dpctl syntax) -> OVS_ACTION_ATTR_* stream.
 *
 * One function per keyword, found through a small table; every value is
 * range-checked (nothing wraps), every refusal names its token. Actions that
 * exist only in OVS's userspace datapath (tnl_push, tnl_pop, lb_output) and
 * OVS's structured userspace cookies are refused with a clear message.
 * Here: lists, dispatch and the simple actions; header actions and set() are
 * in action-parse-hdr.c, nesting actions in action-parse-nest.c, ct(...) in
 * action-ct.c.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <libmnl/libmnl.h>

#include "odp/action-attrs.h"
#include "odp/action-internal.h"
#include "netlink/nla-inline.h"

/* "name(" list ")" nested as attribute @type; the cursor is after "name(". */
int ctf_as_nested_list(struct ctf_ascan *sc, uint16_t type, int depth, const char *opener)
{
	struct nlattr *nest = ctf_as_nest_start(sc, type);
	int err;

	if (!nest)
		return ctf_as_too_long(sc);
	err = ctf_actions_parse_list(sc, depth, opener);
	if (err)
		return err;
	return ctf_as_nest_end(sc, nest);
}

/* ---- actions with a single number or none ------------------------------- */

static int parse_u32_arg(struct ctf_ascan *sc, const char *name, enum ctf_num_base base,
			 uint64_t min, uint64_t max, uint16_t type)
{
	const char *at = sc->p;
	uint64_t v;
	int err;

	err = ctf_as_u64(sc, name, base, max, &v) ?: ctf_as_expect(sc, ')', name);
	if (err)
		return err;
	if (v < min) {
		ctf_as_err(sc, at, "%s(%llu) is below the kernel's minimum %llu", name,
			   (unsigned long long)v, (unsigned long long)min);
		if (type == OVS_ACTION_ATTR_TRUNC)
			ctf_err_hint(sc->err, "truncate to at least an Ethernet header (14 bytes)");
		return -EINVAL;
	}
	return ctf_as_put_u32(sc, type, (uint32_t)v);
}

static int parse_recirc(struct ctf_ascan *sc, int depth)
{
	/* Decimal and 0x hex: ovs-dpctl prints hex, so dumps must parse back. */
	return parse_u32_arg(sc, "recirc", CTF_NUM_AUTO, 0, UINT32_MAX, OVS_ACTION_ATTR_RECIRC);
}

static int parse_trunc(struct ctf_ascan *sc, int depth)
{
	return parse_u32_arg(sc, "trunc", CTF_NUM_AUTO, 14, UINT32_MAX, OVS_ACTION_ATTR_TRUNC);
}

static int parse_meter(struct ctf_ascan *sc, int depth)
{
	return parse_u32_arg(sc, "meter", CTF_NUM_AUTO, 0, UINT32_MAX, OVS_ACTION_ATTR_METER);
}

static int parse_drop(struct ctf_ascan *sc, int depth)
{
	return parse_u32_arg(sc, "drop", CTF_NUM_AUTO, 0, UINT32_MAX, OVS_ACTION_ATTR_DROP);
}

static int parse_hash(struct ctf_ascan *sc, int depth)
{
	struct ovs_action_hash h;
	uint64_t basis;
	char tok[48];
	int err;

	if (ctf_as_word(sc, "l4")) {
		h.hash_alg = OVS_HASH_ALG_L4;
	} else if (ctf_as_word(sc, "sym_l4")) {
		h.hash_alg = CTF_HASH_ALG_SYM_L4;
	} else {
		ctf_as_err(sc, sc->p, "unknown hash algorithm `%s'",
			   ctf_as_token(sc->p, tok, sizeof(tok)));
		ctf_err_hint(sc->err, "write hash(l4(BASIS)) or hash(sym_l4(BASIS))");
		return -EINVAL;
	}
	err = ctf_as_expect(sc, '(', "hash()") ?:
	      ctf_as_u64(sc, "hash basis", CTF_NUM_AUTO, UINT32_MAX, &basis) ?:
	      ctf_as_expect(sc, ')', "hash()") ?: ctf_as_expect(sc, ')', "hash()");
	if (err)
		return err;
	h.hash_basis = (uint32_t)basis;
	return ctf_as_put(sc, OVS_ACTION_ATTR_HASH, sizeof(h), &h);
}

static int refuse_userspace_dp(struct ctf_ascan *sc, const char *at)
{
	char tok[48];

	ctf_as_err(sc, at, "`%s' is an action of OVS's userspace datapath; the kernel "
		   "datapath has no such action", ctf_as_token(at, tok, sizeof(tok)));
	return -EOPNOTSUPP;
}

static int parse_flag_action(struct ctf_ascan *sc, uint16_t type)
{
	return ctf_as_put(sc, type, 0, NULL);
}

typedef int parse_fn(struct ctf_ascan *sc, int depth);

struct keyword {
	const char *name;
	uint16_t type;		/* for argument-less actions */
	parse_fn *parse;	/* NULL: no arguments */
};

static const struct keyword keywords[] = {
	{ "ct_clear", OVS_ACTION_ATTR_CT_CLEAR, NULL },
	{ "pop_vlan", OVS_ACTION_ATTR_POP_VLAN, NULL },
	{ "pop_eth", OVS_ACTION_ATTR_POP_ETH, NULL },
	{ "pop_nsh", OVS_ACTION_ATTR_POP_NSH, NULL },
	{ "recirc", 0, parse_recirc },
	{ "userspace", 0, ctf_ap_userspace },
	{ "set", 0, ctf_ap_set },
	{ "set_masked", 0, ctf_ap_set },
	{ "push_vlan", 0, ctf_ap_push_vlan },
	{ "push_mpls", 0, ctf_ap_push_mpls },
	{ "pop_mpls", 0, ctf_ap_pop_mpls },
	{ "add_mpls", 0, ctf_ap_add_mpls },
	{ "sample", 0, ctf_ap_sample },
	{ "hash", 0, parse_hash },
	{ "push_eth", 0, ctf_ap_push_eth },
	{ "push_nsh", 0, ctf_ap_push_nsh },
	{ "trunc", 0, parse_trunc },
	{ "clone", 0, ctf_ap_clone },
	{ "check_pkt_len", 0, ctf_ap_check_pkt_len },
	{ "dec_ttl", 0, ctf_ap_dec_ttl },
	{ "meter", 0, parse_meter },
	{ "drop", 0, parse_drop },
	{ "psample", 0, ctf_ap_psample },
};

static int lookup_port(const struct ctf_portmap *map, const char *name, size_t len,
		       uint32_t *port)
{
	if (!map || len >= sizeof(map->ports[0].name))
		return -ENOENT;
	for (size_t i = 0; i < map->n; i++) {
		if (!strncmp(map->ports[i].name, name, len) && !map->ports[i].name[len]) {
			*port = map->ports[i].port_no;
			return 0;
		}
	}
	return -ENOENT;
}

/* "actionN(HEX)": any attribute, raw; what we print for types we do not know. */
static int parse_raw(struct ctf_ascan *sc, const char *at)
{
	const struct ctf_attr_desc *row;
	struct ctf_ascan num = *sc;
	struct nlattr *nest;
	uint64_t type;
	size_t n;
	int err;

	num.p = at + 6;
	err = ctf_as_u64(&num, "action type", CTF_NUM_DEC, 0x3fff, &type);
	if (err || *num.p != '(')
		return err ? err : -ENOENT;
	/*
	 * Raw bytes of an action we know bypass its parser: only a payload of
	 * the fixed length the type has may come this way (what a printer of
	 * unknown kernels' actions would show); nested or variable ones must
	 * be written by name, so that their parser checks them.
	 */
	row = ctf_attr_row(&ctf_action_attrs, (unsigned)type);
	if (row && row->len <= 0) {	/* a flag is written by name too */
		ctf_as_err(sc, at, "action%u is %s(): write it by name", (unsigned)type, row->name);
		return -EINVAL;
	}
	sc->p = num.p + 1;
	nest = ctf_as_nest_start(sc, (uint16_t)type);
	if (!nest)
		return ctf_as_too_long(sc);
	nest->nla_type = (uint16_t)type;
	uint8_t *dst = mnl_nlmsg_get_payload_tail(sc->nlh);
	/* Whole words only: the padding written after the bytes must fit too. */
	size_t room = (sc->buflen - sc->nlh->nlmsg_len) & ~(size_t)3;

	err = ctf_as_hex_bytes(sc, "raw action", dst, room, &n) ?:
	      ctf_as_expect(sc, ')', "raw action");
	if (err)
		return err;
	if (row && row->name && n != (size_t)row->len) {
		ctf_as_err(sc, at, "action%u (%s) takes %d bytes, not %zu", (unsigned)type, row->name,
			   row->len, n);
		return -EINVAL;
	}
	sc->nlh->nlmsg_len += (uint32_t)CTF_NLA_ALIGN(n);	/* n <= room */
	memset(dst + n, 0, CTF_NLA_ALIGN(n) - n);
	err = ctf_as_nest_end(sc, nest);
	nest->nla_len = (uint16_t)(CTF_NLA_HDRLEN + n);
	return err;
}

static int parse_action(struct ctf_ascan *sc, int depth)
{
	const char *at = sc->p;
	size_t wlen = ctf_as_word_len(at), digits = 0;
	char tok[48];
	int err;

	/* A plain loop, not strspn(): an output port is the commonest action. */
	while (at[digits] >= '0' && at[digits] <= '9')
		digits++;
	if (wlen && wlen == digits) {
		uint64_t port;

		err = ctf_as_u64(sc, "output port", CTF_NUM_DEC, CTF_DP_MAX_PORTS - 1, &port);
		return err ?: ctf_as_put_u32(sc, OVS_ACTION_ATTR_OUTPUT, (uint32_t)port);
	}
	if (ctf_as_word(sc, "ct"))
		return ctf_ct_parse(sc);
	if (ctf_as_word(sc, "nat")) {	/* ovs-ofctl habit: nat is ct()'s option */
		sc->p = at;
		ctf_as_err(sc, at, "`%s' is not an action: nat(...) is an option of ct()",
			   ctf_as_token(at, tok, sizeof(tok)));
		ctf_err_hint(sc->err, "write ct(commit,nat(...)), e.g. ct(commit,nat(src=10.0.0.1))");
		return -EINVAL;
	}
	for (size_t i = 0; i < CTF_ARRAY_SIZE(keywords); i++) {
		const struct keyword *kw = &keywords[i];

		if (!ctf_as_word(sc, kw->name))
			continue;
		if (!kw->parse) {
			if (*sc->p == '(')
				return ctf_as_err(sc, at, "%s takes no arguments, got `%s'", kw->name,
						  ctf_as_token(at, tok, sizeof(tok)));
			return parse_flag_action(sc, kw->type);
		}
		if (!ctf_as_char_fast(sc, '(')) {
			ctf_as_err(sc, at, "%s needs arguments in parentheses", kw->name);
			if (!strcmp(kw->name, "drop"))
				ctf_err_hint(sc->err, "plain `drop' is only valid as the whole action "
					     "list; drop(N) is the explicit drop action");
			return -EINVAL;
		}
		return kw->parse(sc, depth);
	}
	if (ctf_as_word(sc, "tnl_push") || ctf_as_word(sc, "tnl_pop") ||
	    ctf_as_word(sc, "lb_output"))
		return refuse_userspace_dp(sc, at);
	if (at[0] == 'a' && !strncmp(at, "action", 6) && at[6] >= '0' && at[6] <= '9') {
		err = parse_raw(sc, at);
		if (err != -ENOENT)
			return err;
	}
	/* A port name: anything up to a delimiter or parenthesis. */
	size_t nlen = strcspn(at, ", \t\r\n()");
	uint32_t port;

	if (nlen && at[nlen] != '(' && !lookup_port(sc->ports, at, nlen, &port)) {
		sc->p = at + nlen;
		return ctf_as_put_u32(sc, OVS_ACTION_ATTR_OUTPUT, port);
	}
	if (!*at)
		return ctf_as_err(sc, at, "missing action");
	ctf_as_err(sc, at, sc->ports && nlen && at[nlen] != '(' ?
		   "unknown action or port name `%s'" : "unknown action `%s'",
		   ctf_as_token(at, tok, sizeof(tok)));
	if (nlen && at[nlen] != '(')
		ctf_err_hint(sc->err, sc->ports ? "a port name must be a port of the datapath" :
			     "output to a port by its number, or by name where the port map is known");
	else
		ctf_err_hint(sc->err, "ctflow-flows(7), ACTIONS, lists the actions");
	return -EINVAL;
}

/* Plain `drop' as a whole list (up to @close): the empty list. */
static bool is_plain_drop(const char *p, char close)
{
	/* The first byte alone rules out almost every list. */
	if ((*p | 0x20) != 'd' || strncasecmp(p, "drop", 4))
		return false;
	p += 4;
	while (ctf_as_is_delim(*p))
		p++;
	return *p == close;
}

/*
 * A list of actions up to ')' (nested, @opener names it) or the end of the
 * text (top level, @opener NULL). Nested lists count toward the kernel's
 * depth limit.
 */
int ctf_actions_parse_list(struct ctf_ascan *sc, int depth, const char *opener)
{
	char close = opener ? ')' : '\0';
	const char *last = NULL, *last_drop = NULL;
	char tok[48];
	int err;

	if (depth > CTF_ACTIONS_MAX_DEPTH) {
		ctf_as_err(sc, sc->p, "actions nested more than %d levels deep at `%s'",
			   CTF_ACTIONS_MAX_DEPTH, opener);
		ctf_err_hint(sc->err, "the kernel refuses deeper clone/sample/check_pkt_len/dec_ttl "
			     "nesting (EOVERFLOW)");
		return -EOVERFLOW;
	}
	while (ctf_as_is_delim(*sc->p))
		sc->p++;
	if (is_plain_drop(sc->p, close)) {
		sc->p += 4;
		while (ctf_as_is_delim(*sc->p))
			sc->p++;
		sc->p += close ? 1 : 0;
		return 0;
	}
	for (;;) {
		while (ctf_as_is_delim(*sc->p))
			sc->p++;
		if (*sc->p == close) {
			sc->p += close ? 1 : 0;
			break;
		}
		if (!*sc->p)
			return ctf_as_err(sc, sc->p, "missing `)' to close %s", opener);
		if (*sc->p == ')')
			return ctf_as_err(sc, sc->p, "unbalanced `)'");
		if (last_drop) {
			ctf_as_err(sc, last_drop, "drop(N) must be the last action");
			ctf_err_hint(sc->err, "the kernel refuses actions after an explicit drop");
			return -EINVAL;
		}
		last = sc->p;
		err = parse_action(sc, depth);
		if (err)
			return err;
		if (last[0] == 'd' && !strncmp(last, "drop(", 5))
			last_drop = last;
		if (*sc->p && *sc->p != close && !ctf_as_is_delim(*sc->p)) {
			ctf_as_err(sc, sc->p, "unexpected `%s' after action `%.*s'",
				   ctf_as_token(sc->p, tok, sizeof(tok)),
				   (int)(sc->p - last > 40 ? 40 : sc->p - last), last);
			return -EINVAL;
		}
	}
	return 0;
}

/* A flow's actions travel as one attribute: the most we encode (OVS's vectors reach it). */
#define ACTIONS_MAX UINT16_MAX

/*
 * The hint for ctf_as_too_long()'s "does not fit in N bytes": N is the room
 * the caller's buffer gives, which may be less than what a flow can carry;
 * say so instead of naming a limit that contradicts N.
 */
static void too_long_hint(struct ctf_ascan *sc)
{
	size_t room = sc->buflen - CTF_NLMSG_HDRLEN;

	if (!sc->err || strncmp(sc->err->msg, "action list too long: it does not fit", 37))
		return;	/* another -EMSGSIZE, with its own hint */
	if (room < ACTIONS_MAX)
		ctf_err_hint(sc->err, "%zu bytes is the room this command gives the encoded "
			     "actions (a flow can carry up to %u); use fewer actions", room,
			     (unsigned)ACTIONS_MAX);
	else
		ctf_err_hint(sc->err, "use fewer actions");
}

int ctf_actions_parse(const char *text, const struct ctf_portmap *ports,
		      struct ctf_nlbuf *actions, struct ctf_err *err)
{
	struct ctf_ascan sc = {
		.p = text, .nlh = actions->nlh, .buflen = actions->cap,
		.ports = ports, .err = err,
	};
	int rc;

	ctf_err_clear(err);
	ctf_nlbuf_reset(actions);
	rc = ctf_actions_parse_list(&sc, 0, NULL);
	if (!rc && ctf_nlbuf_len(actions) > ACTIONS_MAX) {
		ctf_err_setn(err, -EMSGSIZE, "action list too long: %zu bytes, more than the %u a "
			     "flow's actions attribute holds", ctf_nlbuf_len(actions),
			     (unsigned)ACTIONS_MAX);
		ctf_err_hint(err, "use fewer actions");
		rc = -EMSGSIZE;
	} else if (rc == -EMSGSIZE) {
		too_long_hint(&sc);
	}
	if (rc) {
		ctf_nlbuf_reset(actions);
		if (err)
			err->error = rc;	/* a few refusals return another errno than -EINVAL */
	}
	return rc;
}
