// SPDX-License-Identifier: Apache-2.0
/*
 * Action text (ovs-dpctl syntax) -> OVS_ACTION_ATTR_* stream.
 *
 * One function per keyword, found through a small table; every value is
 * range-checked (nothing wraps), every refusal names its token. Actions that
 * exist only in OVS's userspace datapath (tnl_push, tnl_pop, lb_output) and
 * OVS's structured userspace cookies are refused with a clear message.
 * ct(...) lives in action-ct.c.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>

#include "action-attrs.h"
#include "action-internal.h"
#include "key-attrs.h"

static int parse_list(struct ctf_ascan *sc, int depth, const char *opener);

/* "name(" list ")" nested as attribute @type; the cursor is after "name(". */
static int parse_nested_list(struct ctf_ascan *sc, uint16_t type, int depth, const char *opener)
{
	struct nlattr *nest = ctf_as_nest_start(sc, type);
	int err;

	if (!nest)
		return ctf_as_too_long(sc);
	err = parse_list(sc, depth, opener);
	if (err)
		return err;
	return ctf_as_nest_end(sc, nest);
}

/* key=NUMBER inside a parenthesised argument list. */
static int field_u64(struct ctf_ascan *sc, const char *key, enum ctf_num_base base,
		     uint64_t max, uint64_t *v)
{
	if (!ctf_as_word(sc, key) || !ctf_as_char(sc, '='))
		return -ENOENT;
	return ctf_as_u64(sc, key, base, max, v);
}

/* Between fields of "name(a=1,b=2)": ',' or the closing ')'. */
static int next_field(struct ctf_ascan *sc, const char *ctx, bool *done)
{
	*done = ctf_as_char(sc, ')');
	if (*done)
		return 0;
	return ctf_as_expect(sc, ',', ctx);
}

static int unknown_field(struct ctf_ascan *sc, const char *ctx, const char *fields)
{
	char tok[48];

	if (!*sc->p)
		return ctf_as_err(sc, sc->p, "missing `)' to close %s(", ctx);
	ctf_as_err(sc, sc->p, "unknown field `%s' in %s()", ctf_as_token(sc->p, tok, sizeof(tok)),
		   ctx);
	ctf_err_hint(sc->err, "%s() takes %s", ctx, fields);
	return -EINVAL;
}

static int dup_field(struct ctf_ascan *sc, const char *at, const char *ctx, unsigned bit,
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

static int missing_field(struct ctf_ascan *sc, const char *at, const char *ctx, const char *f)
{
	ctf_as_err(sc, at, "%s() needs %s", ctx, f);
	return -EINVAL;
}

/*
 * "k1=V,k2=V,...)" over a list of numeric fields, any order, each once.
 * @req is a bitmask of required fields. Returns the values in @v.
 */
struct num_field {
	const char *name;
	enum ctf_num_base base;
	uint64_t max;
};

static int parse_fields(struct ctf_ascan *sc, const char *ctx, const char *start,
			const struct num_field *f, unsigned n, unsigned req, uint64_t *v,
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
			err = field_u64(sc, f[i].name, f[i].base, f[i].max, &v[i]);
		}
		if (err == -ENOENT) {
			sc->p = at;
			return unknown_field(sc, ctx, help);
		}
		if (err)
			return err;
		if (dup_field(sc, at, ctx, 1u << (i - 1), &seen))
			return -EINVAL;
		err = next_field(sc, ctx, &done);
		if (err)
			return err;
	}
	for (unsigned i = 0; i < n; i++)
		if ((req & (1u << i)) && !(seen & (1u << i)))
			return missing_field(sc, start, ctx, f[i].name);
	return (int)seen;	/* >= 0: which fields were given */
}

/* ---- one function per action ------------------------------------------- */

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

static int parse_push_vlan(struct ctf_ascan *sc, int depth)
{
	static const struct num_field f[] = {
		{ "vid", CTF_NUM_AUTO, 4095 }, { "pcp", CTF_NUM_AUTO, 7 },
		{ "cfi", CTF_NUM_AUTO, 1 }, { "tpid", CTF_NUM_AUTO, 0xffff },
	};
	uint64_t v[4] = { 0, 0, 1, 0x8100 };
	struct ovs_action_push_vlan pv;
	int seen;

	seen = parse_fields(sc, "push_vlan", sc->p, f, 4, 0x3, v, "vid=, pcp=, cfi=, tpid=");
	if (seen < 0)
		return seen;
	if (!(seen & 4))
		v[2] = 1;
	if (!(seen & 8))
		v[3] = 0x8100;
	pv.vlan_tpid = htons((uint16_t)v[3]);
	pv.vlan_tci = htons((uint16_t)(v[0] | v[1] << 13 | (v[2] ? 0x1000 : 0)));
	return ctf_as_put(sc, OVS_ACTION_ATTR_PUSH_VLAN, sizeof(pv), &pv);
}

static int put_mpls(struct ctf_ascan *sc, const char *ctx, bool add)
{
	static const struct num_field f[] = {
		{ "label", CTF_NUM_AUTO, 0xfffff }, { "tc", CTF_NUM_AUTO, 7 },
		{ "ttl", CTF_NUM_AUTO, 255 }, { "bos", CTF_NUM_AUTO, 1 },
		{ "eth_type", CTF_NUM_AUTO, 0xffff }, { "tun_flags", CTF_NUM_AUTO, 0xffff },
	};
	uint64_t v[6] = { 0 };
	uint32_t lse;
	int seen;

	seen = parse_fields(sc, ctx, sc->p, f, add ? 6 : 5, 0x1f, v,
			    add ? "label=, tc=, ttl=, bos=, eth_type=, tun_flags="
				: "label=, tc=, ttl=, bos=, eth_type=");
	if (seen < 0)
		return seen;
	lse = htonl((uint32_t)(v[0] << 12 | v[1] << 9 | v[3] << 8 | v[2]));
	if (add) {
		struct ovs_action_add_mpls m = {
			.mpls_lse = lse, .mpls_ethertype = htons((uint16_t)v[4]),
			.tun_flags = (uint16_t)v[5],
		};

		return ctf_as_put(sc, OVS_ACTION_ATTR_ADD_MPLS, sizeof(m), &m);
	} else {
		struct ovs_action_push_mpls m;

		memset(&m, 0, sizeof(m));
		m.mpls_lse = lse;
		m.mpls_ethertype = htons((uint16_t)v[4]);
		return ctf_as_put(sc, OVS_ACTION_ATTR_PUSH_MPLS, sizeof(m), &m);
	}
}

static int parse_push_mpls(struct ctf_ascan *sc, int depth)
{
	return put_mpls(sc, "push_mpls", false);
}

static int parse_add_mpls(struct ctf_ascan *sc, int depth)
{
	return put_mpls(sc, "add_mpls", true);
}

static int parse_pop_mpls(struct ctf_ascan *sc, int depth)
{
	static const struct num_field f[] = { { "eth_type", CTF_NUM_AUTO, 0xffff } };
	uint64_t v;
	uint16_t et;
	int seen;

	seen = parse_fields(sc, "pop_mpls", sc->p, f, 1, 1, &v, "eth_type=");
	if (seen < 0)
		return seen;
	et = htons((uint16_t)v);
	return ctf_as_put(sc, OVS_ACTION_ATTR_POP_MPLS, sizeof(et), &et);
}

static int scan_mac(struct ctf_ascan *sc, const char *what, uint8_t mac[6])
{
	const char *at = sc->p;

	for (int i = 0; i < 6; i++) {
		uint64_t b;
		struct ctf_ascan one = *sc;

		if (i && !ctf_as_char(sc, ':'))
			goto bad;
		one.p = sc->p;
		if (ctf_as_u64(&one, what, CTF_NUM_HEX, 0xff, &b) || one.p - sc->p > 2 ||
		    (sc->p[0] == '0' && (sc->p[1] | 0x20) == 'x'))
			goto bad;
		sc->p = one.p;
		mac[i] = (uint8_t)b;
	}
	return 0;
bad:
	return ctf_as_err(sc, at, "%s needs an Ethernet address xx:xx:xx:xx:xx:xx, got `%.*s'",
			  what, (int)strcspn(at, ",)"), at);
}

static int parse_push_eth(struct ctf_ascan *sc, int depth)
{
	struct ovs_action_push_eth pe;
	const char *start = sc->p;
	unsigned seen = 0;
	bool done = false;
	int err;

	while (!done) {
		const char *at = sc->p;

		if (ctf_as_word(sc, "src") && ctf_as_char(sc, '=')) {
			err = dup_field(sc, at, "push_eth", 1, &seen) ?:
			      scan_mac(sc, "push_eth src", pe.addresses.eth_src);
		} else if ((sc->p = at, ctf_as_word(sc, "dst")) && ctf_as_char(sc, '=')) {
			err = dup_field(sc, at, "push_eth", 2, &seen) ?:
			      scan_mac(sc, "push_eth dst", pe.addresses.eth_dst);
		} else {
			sc->p = at;
			return unknown_field(sc, "push_eth", "src=, dst=");
		}
		err = err ?: next_field(sc, "push_eth", &done);
		if (err)
			return err;
	}
	if (seen != 3)
		return missing_field(sc, start, "push_eth", seen & 1 ? "dst=" : "src=");
	return ctf_as_put(sc, OVS_ACTION_ATTR_PUSH_ETH, sizeof(pe), &pe);
}

static int parse_push_nsh(struct ctf_ascan *sc, int depth)
{
	static const struct num_field f[] = {
		{ "flags", CTF_NUM_AUTO, 0xff }, { "ttl", CTF_NUM_AUTO, 63 },
		{ "mdtype", CTF_NUM_AUTO, 2 }, { "np", CTF_NUM_AUTO, 0xff },
		{ "spi", CTF_NUM_AUTO, 0xffffff }, { "si", CTF_NUM_AUTO, 0xff },
		{ "c1", CTF_NUM_AUTO, UINT32_MAX }, { "c2", CTF_NUM_AUTO, UINT32_MAX },
		{ "c3", CTF_NUM_AUTO, UINT32_MAX }, { "c4", CTF_NUM_AUTO, UINT32_MAX },
	};
	/* OVS's defaults: ttl 63, MD type 1, next protocol Ethernet, si 255. */
	uint64_t v[10] = { 0, 63, 1, 3, 0, 255, 0, 0, 0, 0 };
	const char *start = sc->p;
	uint8_t md2[248];
	size_t md2_len = 0;
	unsigned seen = 0;
	bool done = false, has_md2 = false;
	struct ovs_nsh_key_base base;
	struct nlattr *nest;
	int err;

	while (!done) {
		const char *at = sc->p;
		uint64_t x;
		unsigned i;

		err = -ENOENT;
		if (ctf_as_word(sc, "md2") && ctf_as_char(sc, '=')) {
			if (has_md2)
				return ctf_as_err(sc, at, "field `md2' given twice in push_nsh()");
			has_md2 = true;
			if (!ctf_as_char(sc, '0') || !(ctf_as_char(sc, 'x') || ctf_as_char(sc, 'X')))
				return ctf_as_err(sc, at, "push_nsh md2 needs 0x and hex bytes");
			err = ctf_as_hex_bytes(sc, "push_nsh md2", md2, sizeof(md2), &md2_len);
			i = 0;
		} else {
			for (i = 0; i < 10 && err == -ENOENT; i++) {
				sc->p = at;
				err = field_u64(sc, f[i].name, f[i].base, f[i].max, &x);
			}
			if (err == -ENOENT) {
				sc->p = at;
				return unknown_field(sc, "push_nsh", "flags=, ttl=, mdtype=, np=, spi=, "
						     "si=, c1=..c4= (MD type 1), md2=0xHEX (MD type 2)");
			}
			if (!err) {
				err = dup_field(sc, at, "push_nsh", 1u << i, &seen);
				v[i - 1] = x;
			}
		}
		err = err ?: next_field(sc, "push_nsh", &done);
		if (err)
			return err;
	}
	if (v[2] == 0)
		return ctf_as_err(sc, start, "push_nsh mdtype must be 1 or 2");
	if ((v[2] == 1 && has_md2) || (v[2] == 2 && (seen & (0xfu << 7)))) {
		ctf_as_err(sc, start, "push_nsh: c1..c4 go with mdtype=1, md2= with mdtype=2");
		return -EINVAL;
	}
	base.flags = (uint8_t)v[0];
	base.ttl = (uint8_t)v[1];
	base.mdtype = (uint8_t)v[2];
	base.np = (uint8_t)v[3];
	base.path_hdr = htonl((uint32_t)(v[4] << 8 | v[5]));
	nest = ctf_as_nest_start(sc, OVS_ACTION_ATTR_PUSH_NSH);
	if (!nest || ctf_as_put(sc, OVS_NSH_KEY_ATTR_BASE, sizeof(base), &base))
		return ctf_as_too_long(sc);
	if (v[2] == 1) {
		struct ovs_nsh_key_md1 md1;

		for (int i = 0; i < 4; i++)
			md1.context[i] = htonl((uint32_t)v[6 + i]);
		err = ctf_as_put(sc, OVS_NSH_KEY_ATTR_MD1, sizeof(md1), &md1);
	} else if (has_md2) {
		err = ctf_as_put(sc, OVS_NSH_KEY_ATTR_MD2, md2_len, md2);
	}
	return err ?: ctf_as_nest_end(sc, nest);
}

static int parse_clone(struct ctf_ascan *sc, int depth)
{
	return parse_nested_list(sc, OVS_ACTION_ATTR_CLONE, depth + 1, "clone(");
}

static int parse_sample(struct ctf_ascan *sc, int depth)
{
	const char *at;
	struct nlattr *nest;
	double pct;
	char *end;
	int err;

	if (!ctf_as_word(sc, "sample") || !ctf_as_char(sc, '='))
		return unknown_field(sc, "sample", "sample=P%,actions(...)");
	at = sc->p;
	if (!((*at >= '0' && *at <= '9') || *at == '.'))
		goto bad_pct;
	pct = strtod(at, &end);
	if (end == at || *end != '%' || !(pct >= 0.0 && pct <= 100.0))
		goto bad_pct;
	sc->p = end + 1;
	err = ctf_as_expect(sc, ',', "sample()");
	if (err)
		return err;
	if (!ctf_as_word(sc, "actions") || !ctf_as_char(sc, '('))
		return unknown_field(sc, "sample", "sample=P%,actions(...)");
	nest = ctf_as_nest_start(sc, OVS_ACTION_ATTR_SAMPLE);
	if (!nest || ctf_as_put_u32(sc, OVS_SAMPLE_ATTR_PROBABILITY,
				    (uint32_t)llround(pct / 100.0 * UINT32_MAX)))
		return ctf_as_too_long(sc);
	err = parse_nested_list(sc, OVS_SAMPLE_ATTR_ACTIONS, depth + 1, "actions(") ?:
	      ctf_as_expect(sc, ')', "sample()");
	return err ?: ctf_as_nest_end(sc, nest);
bad_pct:
	ctf_as_err(sc, at, "sample needs a percentage 0..100 like 50%%, got `%.*s'",
		   (int)strcspn(at, ",)"), at);
	return -EINVAL;
}

static int parse_check_pkt_len(struct ctf_ascan *sc, int depth)
{
	struct nlattr *nest = ctf_as_nest_start(sc, OVS_ACTION_ATTR_CHECK_PKT_LEN);
	const char *help = "size=N,gt(ACTIONS),le(ACTIONS)";
	uint64_t size;
	int err;

	if (!nest)
		return ctf_as_too_long(sc);
	err = field_u64(sc, "size", CTF_NUM_AUTO, UINT16_MAX, &size);
	if (err == -ENOENT)
		return unknown_field(sc, "check_pkt_len", help);
	uint16_t sz = (uint16_t)size;
	err = err ?: ctf_as_put(sc, OVS_CHECK_PKT_LEN_ATTR_PKT_LEN, sizeof(sz), &sz) ?:
	      ctf_as_expect(sc, ',', "check_pkt_len()");
	if (err)
		return err;
	if (!ctf_as_word(sc, "gt") || !ctf_as_char(sc, '('))
		return unknown_field(sc, "check_pkt_len", help);
	err = parse_nested_list(sc, OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_GREATER, depth + 1, "gt(") ?:
	      ctf_as_expect(sc, ',', "check_pkt_len()");
	if (err)
		return err;
	if (!ctf_as_word(sc, "le") || !ctf_as_char(sc, '('))
		return unknown_field(sc, "check_pkt_len", help);
	err = parse_nested_list(sc, OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_LESS_EQUAL, depth + 1,
				"le(") ?: ctf_as_expect(sc, ')', "check_pkt_len()");
	return err ?: ctf_as_nest_end(sc, nest);
}

static int parse_dec_ttl(struct ctf_ascan *sc, int depth)
{
	struct nlattr *nest = ctf_as_nest_start(sc, OVS_ACTION_ATTR_DEC_TTL);
	int err;

	if (!nest)
		return ctf_as_too_long(sc);
	if (!ctf_as_word(sc, "le_1") || !ctf_as_char(sc, '('))
		return unknown_field(sc, "dec_ttl", "le_1(ACTIONS)");
	err = parse_nested_list(sc, OVS_DEC_TTL_ATTR_ACTION, depth + 1, "le_1(") ?:
	      ctf_as_expect(sc, ')', "dec_ttl()");
	return err ?: ctf_as_nest_end(sc, nest);
}

static int parse_psample(struct ctf_ascan *sc, int depth)
{
	const char *start = sc->p;
	uint8_t cookie[OVS_PSAMPLE_COOKIE_MAX_SIZE];
	size_t cookie_len = 0;
	uint64_t group = 0;
	unsigned seen = 0;
	bool done = false;
	struct nlattr *nest;
	int err;

	while (!done) {
		const char *at = sc->p;

		if (ctf_as_word(sc, "group") && ctf_as_char(sc, '=')) {
			err = dup_field(sc, at, "psample", 1, &seen) ?:
			      ctf_as_u64(sc, "psample group", CTF_NUM_AUTO, UINT32_MAX, &group);
		} else if ((sc->p = at, ctf_as_word(sc, "cookie")) && ctf_as_char(sc, '=')) {
			err = dup_field(sc, at, "psample", 2, &seen);
			if (!err && !(sc->p[0] == '0' && (sc->p[1] | 0x20) == 'x')) {
				char tok[48];

				ctf_as_err(sc, at, "psample cookie needs 0x and hex bytes, got `%s'",
					   ctf_as_token(at, tok, sizeof(tok)));
				ctf_err_hint(sc->err, "write cookie=0x0102... (1 to 16 bytes)");
				return -EINVAL;
			}
			if (!err) {
				sc->p += 2;
				err = ctf_as_hex_bytes(sc, "psample cookie", cookie, sizeof(cookie),
						       &cookie_len);
				if (!err && !cookie_len)
					err = ctf_as_err(sc, at, "psample cookie is empty");
			}
		} else {
			sc->p = at;
			return unknown_field(sc, "psample", "group=N, cookie=0xHEX");
		}
		err = err ?: next_field(sc, "psample", &done);
		if (err)
			return err;
	}
	if (!(seen & 1))
		return missing_field(sc, start, "psample", "group=");
	nest = ctf_as_nest_start(sc, OVS_ACTION_ATTR_PSAMPLE);
	if (!nest || ctf_as_put_u32(sc, OVS_PSAMPLE_ATTR_GROUP, (uint32_t)group) ||
	    (cookie_len && ctf_as_put(sc, OVS_PSAMPLE_ATTR_COOKIE, cookie_len, cookie)))
		return ctf_as_too_long(sc);
	return ctf_as_nest_end(sc, nest);
}

/* OVS's structured cookies: an OVS-userspace convention, not kernel ABI. */
static const char *const ovs_cookies[] = {
	"sFlow", "slow_path", "flow_sample", "ipfix", "controller",
};

static int parse_userspace(struct ctf_ascan *sc, int depth)
{
	struct nlattr *nest = ctf_as_nest_start(sc, OVS_ACTION_ATTR_USERSPACE);
	const char *start = sc->p;
	unsigned seen = 0;
	bool done = false;
	uint64_t v;
	int err;

	if (!nest)
		return ctf_as_too_long(sc);
	while (!done) {
		const char *at = sc->p;

		err = -ENOENT;
		for (size_t i = 0; i < CTF_ARRAY_SIZE(ovs_cookies); i++) {
			if (ctf_as_word(sc, ovs_cookies[i])) {
				ctf_as_err(sc, at, "userspace(%s(...)) is an OVS userspace cookie "
					   "format, not supported", ovs_cookies[i]);
				ctf_err_hint(sc->err, "give the cookie bytes as userdata(HEX)");
				return -EINVAL;
			}
		}
		if (ctf_as_word(sc, "pid") && ctf_as_char(sc, '=')) {
			err = dup_field(sc, at, "userspace", 1, &seen) ?:
			      ctf_as_u64(sc, "userspace pid", CTF_NUM_AUTO, UINT32_MAX, &v);
			if (!err && v == 0) {
				ctf_as_err(sc, at, "userspace(pid=0): the kernel needs a non-zero pid");
				ctf_err_hint(sc->err, "use the netlink port id of the upcall socket");
				return -EINVAL;
			}
			err = err ?: ctf_as_put_u32(sc, OVS_USERSPACE_ATTR_PID, (uint32_t)v);
		} else if ((sc->p = at, ctf_as_word(sc, "userdata")) && ctf_as_char(sc, '(')) {
			struct nlattr *ud;

			err = dup_field(sc, at, "userspace", 2, &seen);
			ud = err ? NULL : ctf_as_nest_start(sc, OVS_USERSPACE_ATTR_USERDATA);
			if (!err && !ud)
				return ctf_as_too_long(sc);
			if (!err) {
				/* Hex straight into the attribute: userdata can be ~64 KiB. */
				uint8_t *dst = mnl_nlmsg_get_payload_tail(sc->nlh);
				size_t room = sc->buflen - sc->nlh->nlmsg_len, n;

				err = ctf_as_hex_bytes(sc, "userdata", dst, room, &n) ?:
				      ctf_as_expect(sc, ')', "userdata()");
				if (!err) {
					sc->nlh->nlmsg_len += MNL_ALIGN(n);
					if (sc->nlh->nlmsg_len > sc->buflen)
						return ctf_as_too_long(sc);
					memset(dst + n, 0, MNL_ALIGN(n) - n);
					ud->nla_type = OVS_USERSPACE_ATTR_USERDATA;
					err = ctf_as_nest_end(sc, ud);
					ud->nla_len = (uint16_t)(MNL_ATTR_HDRLEN + n);
					ud->nla_type = OVS_USERSPACE_ATTR_USERDATA;
				}
			}
		} else if ((sc->p = at, ctf_as_word(sc, "actions"))) {
			err = dup_field(sc, at, "userspace", 4, &seen) ?:
			      ctf_as_put(sc, OVS_USERSPACE_ATTR_ACTIONS, 0, NULL);
		} else if ((sc->p = at, ctf_as_word(sc, "tunnel_out_port")) && ctf_as_char(sc, '=')) {
			err = dup_field(sc, at, "userspace", 8, &seen) ?:
			      ctf_as_u64(sc, "tunnel_out_port", CTF_NUM_AUTO, UINT32_MAX, &v) ?:
			      ctf_as_put_u32(sc, OVS_USERSPACE_ATTR_EGRESS_TUN_PORT, (uint32_t)v);
		} else {
			sc->p = at;
			return unknown_field(sc, "userspace", "pid=N, userdata(HEX), actions, "
					     "tunnel_out_port=N");
		}
		err = err ?: next_field(sc, "userspace", &done);
		if (err)
			return err;
	}
	if (!(seen & 1))
		return missing_field(sc, start, "userspace", "pid=");
	return ctf_as_nest_end(sc, nest);
}

/* True if every byte is 0xff. */
static bool all_ones(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0xff)
			return false;
	return true;
}

/*
 * set(KEY): one key attribute. A mask that is not all-ones makes it a
 * SET_MASKED whose payload is value || mask, as the kernel wants; nested keys
 * (tunnel, encap, nsh) cannot be masked and are parsed without a mask.
 */
static int parse_set(struct ctf_ascan *sc, int depth)
{
	/* Scratch streams on the stack: one key attribute each. */
	uint32_t kbuf[(MNL_NLMSG_HDRLEN + 4096) / 4], mbuf[(MNL_NLMSG_HDRLEN + 4096) / 4];
	struct ctf_nlbuf key = { (struct nlmsghdr *)kbuf, sizeof(kbuf) };
	struct ctf_nlbuf mask = { (struct nlmsghdr *)mbuf, sizeof(mbuf) };
	const char *at = sc->p, *p;
	const struct nlattr *k, *m;
	unsigned int type;
	bool nested;
	int err;

	mnl_nlmsg_put_header(key.nlh);
	mnl_nlmsg_put_header(mask.nlh);
	nested = false;
	if (ctf_key_attr_by_name(sc->p, ctf_as_word_len(sc->p), &type)) {
		const struct ctf_attr_desc *d = ctf_key_attr_desc(type);

		nested = d && d->len == CTF_LEN_NESTED;
	}
	p = sc->p;
	err = ctf_key_parse_one(&p, sc->ports, &key, nested ? NULL : &mask, sc->err);
	if (err)
		return err;
	sc->p = p;
	err = ctf_as_expect(sc, ')', "set()");
	if (err)
		return err;
	k = ctf_nlbuf_data(&key);
	m = ctf_nlbuf_data(&mask);
	if (ctf_nlbuf_len(&key) < MNL_ATTR_HDRLEN)
		return ctf_as_err(sc, at, "set() needs one key attribute");
	if (nested || ctf_nlbuf_len(&mask) < MNL_ATTR_HDRLEN ||
	    all_ones(mnl_attr_get_payload(m), mnl_attr_get_payload_len(m)))
		return ctf_as_put(sc, OVS_ACTION_ATTR_SET, mnl_attr_get_len(k), k);
	if (mnl_attr_get_payload_len(m) != mnl_attr_get_payload_len(k)) {
		ctf_as_err(sc, at, "set() with a partial mask is not possible for this key");
		return -EINVAL;
	}
	{
		struct nlattr *outer = ctf_as_nest_start(sc, OVS_ACTION_ATTR_SET_MASKED);
		struct nlattr *inner;
		size_t n = mnl_attr_get_payload_len(k);

		if (!outer)
			return ctf_as_too_long(sc);
		outer->nla_type = OVS_ACTION_ATTR_SET_MASKED;
		inner = ctf_as_nest_start(sc, mnl_attr_get_type(k));
		if (!inner)
			return ctf_as_too_long(sc);
		inner->nla_type = mnl_attr_get_type(k);
		/*
		 * The value as written, then the mask. Value bits outside the
		 * mask are kept so the text round-trips as in OVS; the kernel
		 * refuses them and so does validate.c, with a hint.
		 */
		uint8_t *dst = mnl_nlmsg_get_payload_tail(sc->nlh);
		if (sc->nlh->nlmsg_len + MNL_ALIGN(2 * n) > sc->buflen)
			return ctf_as_too_long(sc);
		memcpy(dst, mnl_attr_get_payload(k), n);
		memcpy(dst + n, mnl_attr_get_payload(m), n);
		memset(dst + 2 * n, 0, MNL_ALIGN(2 * n) - 2 * n);
		sc->nlh->nlmsg_len += MNL_ALIGN(2 * n);
		mnl_attr_nest_end(sc->nlh, inner);
		inner->nla_len = (uint16_t)(MNL_ATTR_HDRLEN + 2 * n);
		return ctf_as_nest_end(sc, outer);
	}
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
	{ "userspace", 0, parse_userspace },
	{ "set", 0, parse_set },
	{ "set_masked", 0, parse_set },
	{ "push_vlan", 0, parse_push_vlan },
	{ "push_mpls", 0, parse_push_mpls },
	{ "pop_mpls", 0, parse_pop_mpls },
	{ "add_mpls", 0, parse_add_mpls },
	{ "sample", 0, parse_sample },
	{ "hash", 0, parse_hash },
	{ "push_eth", 0, parse_push_eth },
	{ "push_nsh", 0, parse_push_nsh },
	{ "trunc", 0, parse_trunc },
	{ "clone", 0, parse_clone },
	{ "check_pkt_len", 0, parse_check_pkt_len },
	{ "dec_ttl", 0, parse_dec_ttl },
	{ "meter", 0, parse_meter },
	{ "drop", 0, parse_drop },
	{ "psample", 0, parse_psample },
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
	struct ctf_ascan num = *sc;
	struct nlattr *nest;
	uint64_t type;
	size_t n;
	int err;

	num.p = at + 6;
	err = ctf_as_u64(&num, "action type", CTF_NUM_DEC, 0x3fff, &type);
	if (err || *num.p != '(')
		return err ? err : -ENOENT;
	sc->p = num.p + 1;
	nest = ctf_as_nest_start(sc, (uint16_t)type);
	if (!nest)
		return ctf_as_too_long(sc);
	nest->nla_type = (uint16_t)type;
	uint8_t *dst = mnl_nlmsg_get_payload_tail(sc->nlh);
	err = ctf_as_hex_bytes(sc, "raw action", dst, sc->buflen - sc->nlh->nlmsg_len, &n) ?:
	      ctf_as_expect(sc, ')', "raw action");
	if (err)
		return err;
	sc->nlh->nlmsg_len += MNL_ALIGN(n);
	memset(dst + n, 0, MNL_ALIGN(n) - n);
	err = ctf_as_nest_end(sc, nest);
	nest->nla_len = (uint16_t)(MNL_ATTR_HDRLEN + n);
	return err;
}

static int parse_action(struct ctf_ascan *sc, int depth)
{
	const char *at = sc->p;
	size_t wlen = ctf_as_word_len(at);
	char tok[48];
	int err;

	if (wlen && at[0] >= '0' && at[0] <= '9' && wlen == strspn(at, "0123456789")) {
		uint64_t port;

		err = ctf_as_u64(sc, "output port", CTF_NUM_DEC, CTF_DP_MAX_PORTS - 1, &port);
		return err ?: ctf_as_put_u32(sc, OVS_ACTION_ATTR_OUTPUT, (uint32_t)port);
	}
	if (ctf_as_word(sc, "ct"))
		return ctf_ct_parse(sc);
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
		if (!ctf_as_char(sc, '(')) {
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
	if (!strncmp(at, "action", 6) && at[6] >= '0' && at[6] <= '9') {
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
	return -EINVAL;
}

/* Plain `drop' as a whole list (up to @close): the empty list. */
static bool is_plain_drop(const char *p, char close)
{
	if (strncasecmp(p, "drop", 4))
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
static int parse_list(struct ctf_ascan *sc, int depth, const char *opener)
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
		if (!strncmp(last, "drop(", 5))
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
	rc = parse_list(&sc, 0, NULL);
	if (!rc && ctf_nlbuf_len(actions) > UINT16_MAX) {
		ctf_nlbuf_reset(actions);
		return ctf_as_too_long(&sc);
	}
	if (rc)
		ctf_nlbuf_reset(actions);
	return rc;
}
