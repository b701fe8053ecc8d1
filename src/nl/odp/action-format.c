// SPDX-License-Identifier: Apache-2.0
/*
 * OVS_ACTION_ATTR_* stream -> text, in ovs-dpctl's format.
 *
 * The input may come from a kernel newer than us or be garbage: every length
 * is checked against the tables before a payload is read, attribute types we
 * do not know print as actionN(HEX) (which parses back), and a known action
 * whose content cannot be decoded prints as name(error). Nothing here can
 * read outside the given bytes.
 */
#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "odp/action-attrs.h"
#include "odp/action-internal.h"
#include "odp/key-attrs.h"
#include "netlink/nla-inline.h"

/* Deeper than the kernel ever accepts; only hostile input goes further. */
#define FORMAT_MAX_DEPTH 64

struct fmt {
	const struct ctf_portmap *ports;
	unsigned flags;
	struct ctf_str *out;
};

static void format_list(struct fmt *f, const void *data, size_t len, int depth);

void ctf_format_hex(struct ctf_str *out, const void *data, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *b = data;
	char buf[64];
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		buf[k++] = digits[b[i] >> 4];
		buf[k++] = digits[b[i] & 15];
		if (k == sizeof(buf)) {
			ctf_str_put(out, buf, k);
			k = 0;
		}
	}
	ctf_str_put(out, buf, k);
}

static uint32_t get_u32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, ctf_nla_data(a), sizeof(v));
	return v;
}

static uint16_t get_u16(const struct nlattr *a)
{
	uint16_t v;

	memcpy(&v, ctf_nla_data(a), sizeof(v));
	return v;
}

static void format_raw(struct fmt *f, const struct nlattr *a)
{
	ctf_str_printf(f->out, "action%u(", ctf_nla_type(a));
	ctf_format_hex(f->out, ctf_nla_data(a), ctf_nla_len(a));
	ctf_str_putc_fast(f->out, ')');
}

/*
 * Collect the attributes of a nest by type from table @t (last one wins).
 * False if the nest has leftover bytes, unknown types or bad lengths.
 */
static bool collect(const struct nlattr *nest, const struct ctf_attr_table *t,
		    const struct nlattr **tb, unsigned n)
{
	const void *data = ctf_nla_data(nest);
	size_t len = ctf_nla_len(nest);
	const struct nlattr *a;

	memset(tb, 0, n * sizeof(*tb));
	if (!ctf_attr_stream_ok(data, len))
		return false;
	ctf_nla_for_each_in(a, data, len) {
		unsigned type = ctf_nla_type(a);

		if (type >= n || !ctf_attr_len_ok(t, a))
			return false;
		tb[type] = a;
	}
	return true;
}

static void format_nested_list(struct fmt *f, const struct nlattr *a, int depth)
{
	if (depth > FORMAT_MAX_DEPTH) {
		ctf_str_puts(f->out, "error");
		return;
	}
	format_list(f, ctf_nla_data(a), ctf_nla_len(a), depth);
}

static void format_output(struct fmt *f, const struct nlattr *a)
{
	uint32_t port = get_u32(a);

	if ((f->flags & CTF_FMT_NAMES) && f->ports) {
		for (size_t i = 0; i < f->ports->n; i++) {
			if (f->ports->ports[i].port_no == port) {
				const char *name = f->ports->ports[i].name;

				/* "%.16s" without printf: outputs are most actions. */
				ctf_str_put(f->out, name, strnlen(name, 16));
				return;
			}
		}
	}
	ctf_str_put_dec(f->out, port);
}

static void format_userspace(struct fmt *f, const struct nlattr *a)
{
	const struct nlattr *tb[OVS_USERSPACE_ATTR_ACTIONS + 1];

	if (!collect(a, &ctf_userspace_attrs, tb, CTF_ARRAY_SIZE(tb)) ||
	    !tb[OVS_USERSPACE_ATTR_PID]) {
		ctf_str_puts(f->out, "userspace(error)");
		return;
	}
	/* Every slow-path flow has one: the decimal appender, not printf. */
	ctf_str_puts(f->out, "userspace(pid=");
	ctf_str_put_dec(f->out, get_u32(tb[OVS_USERSPACE_ATTR_PID]));
	if (tb[OVS_USERSPACE_ATTR_USERDATA]) {
		ctf_str_puts(f->out, ",userdata(");
		ctf_format_hex(f->out, ctf_nla_data(tb[OVS_USERSPACE_ATTR_USERDATA]),
			       ctf_nla_len(tb[OVS_USERSPACE_ATTR_USERDATA]));
		ctf_str_putc_fast(f->out, ')');
	}
	if (tb[OVS_USERSPACE_ATTR_ACTIONS])
		ctf_str_puts(f->out, ",actions");
	if (tb[OVS_USERSPACE_ATTR_EGRESS_TUN_PORT]) {
		ctf_str_puts(f->out, ",tunnel_out_port=");
		ctf_str_put_dec(f->out, get_u32(tb[OVS_USERSPACE_ATTR_EGRESS_TUN_PORT]));
	}
	ctf_str_putc_fast(f->out, ')');
}

/* The one key attribute inside a set action, or NULL. */
static const struct nlattr *single_attr(const struct nlattr *a)
{
	const void *data = ctf_nla_data(a);
	size_t len = ctf_nla_len(a);
	const struct nlattr *k = data;

	if (len < CTF_NLA_HDRLEN || !ctf_attr_stream_ok(data, len) ||
	    (size_t)CTF_NLA_ALIGN(k->nla_len) < len)
		return NULL;
	return k;
}

static void format_set(struct fmt *f, const struct nlattr *a, bool masked)
{
	const struct nlattr *k = single_attr(a);
	unsigned flags = f->flags & ~(unsigned)CTF_FMT_VERBOSE;

	if (!k) {
		ctf_str_puts(f->out, "set(error)");
		return;
	}
	ctf_str_puts(f->out, "set(");
	if (!masked) {
		ctf_key_format_one(k, NULL, f->ports, flags, f->out);
	} else {
		/* value || mask, split into two attributes for the key printer. */
		uint32_t kbuf[(CTF_NLA_HDRLEN + 512) / 4], mbuf[(CTF_NLA_HDRLEN + 512) / 4];
		struct nlattr *kv = (struct nlattr *)kbuf, *km = (struct nlattr *)mbuf;
		size_t n = ctf_nla_len(k);

		if (n % 2 || n / 2 > 512) {
			ctf_str_puts(f->out, "error)");
			return;
		}
		n /= 2;
		kv->nla_type = km->nla_type = ctf_nla_type(k);
		kv->nla_len = km->nla_len = (uint16_t)(CTF_NLA_HDRLEN + n);
		memcpy(ctf_nla_data(kv), ctf_nla_data(k), n);
		memcpy(ctf_nla_data(km), (const char *)ctf_nla_data(k) + n, n);
		ctf_key_format_one(kv, km, f->ports, flags, f->out);
	}
	ctf_str_putc_fast(f->out, ')');
}

static void format_push_vlan(struct fmt *f, const struct nlattr *a)
{
	struct ovs_action_push_vlan pv;
	uint16_t tci;

	memcpy(&pv, ctf_nla_data(a), sizeof(pv));
	tci = ntohs(pv.vlan_tci);
	ctf_str_puts(f->out, "push_vlan(");
	if (ntohs(pv.vlan_tpid) != 0x8100)
		ctf_str_printf(f->out, "tpid=0x%04x,", ntohs(pv.vlan_tpid));
	/* VLAN-tagging flows print this once each: no printf. */
	ctf_str_puts(f->out, "vid=");
	ctf_str_put_dec(f->out, tci & 0xfff);
	ctf_str_puts(f->out, ",pcp=");
	ctf_str_put_dec(f->out, tci >> 13);
	if (!(tci & 0x1000))
		ctf_str_puts(f->out, ",cfi=0");
	ctf_str_putc_fast(f->out, ')');
}

/*
 * "sample(sample=P%,actions(": P with one decimal as ovs-dpctl prints it,
 * unless that would parse back to another probability (.97% is not 1.0%):
 * then with as many digits as it takes.
 */
static void put_probability(struct ctf_str *out, uint32_t prob)
{
	double pct = 100.0 * prob / UINT32_MAX;
	char buf[64];
	int digits = 1;

	for (; digits < 17; digits++) {
		snprintf(buf, sizeof(buf), "%.*f", digits, pct);
		if ((uint32_t)llround(strtod(buf, NULL) / 100.0 * UINT32_MAX) == prob)
			break;
	}
	ctf_str_printf(out, "sample(sample=%.*f%%,actions(", digits, pct);
}

static void format_sample(struct fmt *f, const struct nlattr *a, int depth)
{
	const struct nlattr *tb[OVS_SAMPLE_ATTR_ACTIONS + 1];

	if (!collect(a, &ctf_sample_attrs, tb, CTF_ARRAY_SIZE(tb)) ||
	    !tb[OVS_SAMPLE_ATTR_PROBABILITY] || !tb[OVS_SAMPLE_ATTR_ACTIONS]) {
		ctf_str_puts(f->out, "sample(error)");
		return;
	}
	put_probability(f->out, get_u32(tb[OVS_SAMPLE_ATTR_PROBABILITY]));
	format_nested_list(f, tb[OVS_SAMPLE_ATTR_ACTIONS], depth + 1);
	ctf_str_puts(f->out, "))");
}

static void format_lse(struct fmt *f, uint32_t be_lse)
{
	uint32_t lse = ntohl(be_lse);

	ctf_str_printf(f->out, "label=%u,tc=%u,ttl=%u,bos=%u", lse >> 12, (lse >> 9) & 7,
		       lse & 0xff, (lse >> 8) & 1);
}

static void format_push_nsh(struct fmt *f, const struct nlattr *a)
{
	const struct nlattr *tb[OVS_NSH_KEY_ATTR_MD2 + 1];
	struct ovs_nsh_key_base base;
	uint32_t ph;

	if (!collect(a, &ctf_push_nsh_attrs, tb, CTF_ARRAY_SIZE(tb)) ||
	    !tb[OVS_NSH_KEY_ATTR_BASE] || (tb[OVS_NSH_KEY_ATTR_MD1] && tb[OVS_NSH_KEY_ATTR_MD2])) {
		ctf_str_puts(f->out, "push_nsh(error)");
		return;
	}
	memcpy(&base, ctf_nla_data(tb[OVS_NSH_KEY_ATTR_BASE]), sizeof(base));
	if ((base.mdtype == 1) != (tb[OVS_NSH_KEY_ATTR_MD1] != NULL) ||
	    (base.mdtype != 1 && base.mdtype != 2)) {
		ctf_str_puts(f->out, "push_nsh(error)");
		return;
	}
	ph = ntohl(base.path_hdr);
	/* As OVS prints the nsh key: "0x%x" even for 0 (spi=0x0, c1=0x0). */
	ctf_str_printf(f->out, "push_nsh(flags=%u,ttl=%u,mdtype=%u,np=%u,spi=0x%x,si=%u",
		       base.flags, base.ttl, base.mdtype, base.np, ph >> 8, ph & 0xff);
	if (tb[OVS_NSH_KEY_ATTR_MD1]) {
		struct ovs_nsh_key_md1 md1;

		memcpy(&md1, ctf_nla_data(tb[OVS_NSH_KEY_ATTR_MD1]), sizeof(md1));
		for (int i = 0; i < 4; i++)
			ctf_str_printf(f->out, ",c%d=0x%x", i + 1, ntohl(md1.context[i]));
	} else if (tb[OVS_NSH_KEY_ATTR_MD2] && ctf_nla_len(tb[OVS_NSH_KEY_ATTR_MD2])) {
		/* Every byte, leading zeros too (OVS's ds_put_hex loses them). */
		ctf_str_puts(f->out, ",md2=0x");
		ctf_format_hex(f->out, ctf_nla_data(tb[OVS_NSH_KEY_ATTR_MD2]),
			       ctf_nla_len(tb[OVS_NSH_KEY_ATTR_MD2]));
	}
	ctf_str_putc_fast(f->out, ')');
}

static void format_check_pkt_len(struct fmt *f, const struct nlattr *a, int depth)
{
	const struct nlattr *tb[OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_LESS_EQUAL + 1];

	if (!collect(a, &ctf_check_pkt_len_attrs, tb, CTF_ARRAY_SIZE(tb)) ||
	    !tb[OVS_CHECK_PKT_LEN_ATTR_PKT_LEN] ||
	    !tb[OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_GREATER] ||
	    !tb[OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_LESS_EQUAL]) {
		ctf_str_puts(f->out, "check_pkt_len(error)");
		return;
	}
	ctf_str_printf(f->out, "check_pkt_len(size=%u,gt(", get_u16(tb[OVS_CHECK_PKT_LEN_ATTR_PKT_LEN]));
	format_nested_list(f, tb[OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_GREATER], depth + 1);
	ctf_str_puts(f->out, "),le(");
	format_nested_list(f, tb[OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_LESS_EQUAL], depth + 1);
	ctf_str_puts(f->out, "))");
}

static void format_dec_ttl(struct fmt *f, const struct nlattr *a, int depth)
{
	const struct nlattr *tb[OVS_DEC_TTL_ATTR_ACTION + 1];

	if (!collect(a, &ctf_dec_ttl_attrs, tb, CTF_ARRAY_SIZE(tb)) ||
	    !tb[OVS_DEC_TTL_ATTR_ACTION]) {
		ctf_str_puts(f->out, "dec_ttl(error)");
		return;
	}
	ctf_str_puts(f->out, "dec_ttl(le_1(");
	format_nested_list(f, tb[OVS_DEC_TTL_ATTR_ACTION], depth + 1);
	ctf_str_puts(f->out, "))");
}

static void format_psample(struct fmt *f, const struct nlattr *a)
{
	const struct nlattr *tb[OVS_PSAMPLE_ATTR_COOKIE + 1];

	if (!collect(a, &ctf_psample_attrs, tb, CTF_ARRAY_SIZE(tb)) ||
	    !tb[OVS_PSAMPLE_ATTR_GROUP]) {
		ctf_str_puts(f->out, "psample(error)");
		return;
	}
	ctf_str_printf(f->out, "psample(group=%u", get_u32(tb[OVS_PSAMPLE_ATTR_GROUP]));
	if (tb[OVS_PSAMPLE_ATTR_COOKIE]) {
		ctf_str_puts(f->out, ",cookie=0x");
		ctf_format_hex(f->out, ctf_nla_data(tb[OVS_PSAMPLE_ATTR_COOKIE]),
			       ctf_nla_len(tb[OVS_PSAMPLE_ATTR_COOKIE]));
	}
	ctf_str_putc_fast(f->out, ')');
}

static void format_hash(struct fmt *f, const struct nlattr *a)
{
	struct ovs_action_hash h;

	memcpy(&h, ctf_nla_data(a), sizeof(h));
	if (h.hash_alg == OVS_HASH_ALG_L4)
		ctf_str_printf(f->out, "hash(l4(%u))", h.hash_basis);
	else if (h.hash_alg == CTF_HASH_ALG_SYM_L4)
		ctf_str_printf(f->out, "hash(sym_l4(%u))", h.hash_basis);
	else
		format_raw(f, a);
}

/* push_mpls and add_mpls: the same start (lse, eth_type); add_mpls has tun_flags. */
static void format_push_mpls(struct fmt *f, const struct nlattr *a)
{
	struct ovs_action_add_mpls m = { 0 };
	bool add = ctf_nla_type(a) == OVS_ACTION_ATTR_ADD_MPLS;

	memcpy(&m, ctf_nla_data(a), add ? sizeof(m) : sizeof(struct ovs_action_push_mpls));
	ctf_str_puts(f->out, add ? "add_mpls(" : "push_mpls(");
	format_lse(f, m.mpls_lse);
	ctf_str_printf(f->out, ",eth_type=0x%x", ntohs(m.mpls_ethertype));
	if (add && m.tun_flags)
		ctf_str_printf(f->out, ",tun_flags=%u", m.tun_flags);
	ctf_str_putc_fast(f->out, ')');
}

static void format_push_eth(struct fmt *f, const struct nlattr *a)
{
	struct ovs_action_push_eth pe;
	const uint8_t *s = pe.addresses.eth_src, *t = pe.addresses.eth_dst;

	memcpy(&pe, ctf_nla_data(a), sizeof(pe));
	ctf_str_printf(f->out, "push_eth(src=%02x:%02x:%02x:%02x:%02x:%02x,"
		       "dst=%02x:%02x:%02x:%02x:%02x:%02x)", s[0], s[1], s[2], s[3], s[4],
		       s[5], t[0], t[1], t[2], t[3], t[4], t[5]);
}

static void format_action(struct fmt *f, const struct nlattr *a, int depth)
{
	const struct ctf_attr_desc *d = ctf_attr_row(&ctf_action_attrs, ctf_nla_type(a));

	if (!d || !ctf_attr_len_ok(&ctf_action_attrs, a)) {
		format_raw(f, a);
		return;
	}
	switch (ctf_nla_type(a)) {
	case OVS_ACTION_ATTR_OUTPUT:
		format_output(f, a);
		break;
	case OVS_ACTION_ATTR_USERSPACE:
		format_userspace(f, a);
		break;
	case OVS_ACTION_ATTR_SET:
		format_set(f, a, false);
		break;
	case OVS_ACTION_ATTR_SET_MASKED:
		format_set(f, a, true);
		break;
	case OVS_ACTION_ATTR_PUSH_VLAN:
		format_push_vlan(f, a);
		break;
	case OVS_ACTION_ATTR_SAMPLE:
		format_sample(f, a, depth);
		break;
	case OVS_ACTION_ATTR_RECIRC:
		ctf_str_puts(f->out, "recirc(");
		ctf_str_put_hex(f->out, get_u32(a));
		ctf_str_putc_fast(f->out, ')');
		break;
	case OVS_ACTION_ATTR_HASH:
		format_hash(f, a);
		break;
	case OVS_ACTION_ATTR_PUSH_MPLS:
	case OVS_ACTION_ATTR_ADD_MPLS:
		format_push_mpls(f, a);
		break;
	case OVS_ACTION_ATTR_POP_MPLS:
		ctf_str_printf(f->out, "pop_mpls(eth_type=0x%x)", ntohs(get_u16(a)));
		break;
	case OVS_ACTION_ATTR_CT:
		ctf_ct_format(a, f->out);
		break;
	case OVS_ACTION_ATTR_TRUNC:
		ctf_str_printf(f->out, "trunc(%u)", get_u32(a));
		break;
	case OVS_ACTION_ATTR_PUSH_ETH:
		format_push_eth(f, a);
		break;
	case OVS_ACTION_ATTR_PUSH_NSH:
		format_push_nsh(f, a);
		break;
	case OVS_ACTION_ATTR_METER:
		ctf_str_printf(f->out, "meter(%u)", get_u32(a));
		break;
	case OVS_ACTION_ATTR_CLONE:
		ctf_str_puts(f->out, "clone(");
		format_nested_list(f, a, depth + 1);
		ctf_str_putc_fast(f->out, ')');
		break;
	case OVS_ACTION_ATTR_CHECK_PKT_LEN:
		format_check_pkt_len(f, a, depth);
		break;
	case OVS_ACTION_ATTR_DEC_TTL:
		format_dec_ttl(f, a, depth);
		break;
	case OVS_ACTION_ATTR_DROP:
		ctf_str_printf(f->out, "drop(%u)", get_u32(a));
		break;
	case OVS_ACTION_ATTR_PSAMPLE:
		format_psample(f, a);
		break;
	default:	/* argument-less actions: the table name is the text */
		ctf_str_puts(f->out, d->name);
		break;
	}
}

static void format_list(struct fmt *f, const void *data, size_t len, int depth)
{
	const struct nlattr *a;
	size_t used = 0;
	bool first = true;

	if (len == 0) {
		ctf_str_puts(f->out, "drop");
		return;
	}
	ctf_nla_for_each_in(a, data, len) {
		if (!first)
			ctf_str_putc_fast(f->out, ',');
		first = false;
		format_action(f, a, depth);
		used = (size_t)((const char *)a - (const char *)data) + CTF_NLA_ALIGN(a->nla_len);
	}
	if (used < len)
		ctf_str_printf(f->out, "%s***%zu leftover bytes***", first ? "" : ",", len - used);
}

void ctf_actions_format(const void *actions, size_t len, const struct ctf_portmap *ports,
			unsigned flags, struct ctf_str *out)
{
	struct fmt f = { .ports = ports, .flags = flags, .out = out };

	format_list(&f, actions, len, 0);
}
