// SPDX-License-Identifier: Apache-2.0
/*
 * OVS_KEY_ATTR_* key + mask streams -> flow key text, as ovs-dpctl prints it
 * (ctflow-flows(7), FLOW KEYS and MASKS): attributes in stream order, fields in the
 * order of their key-attrs.c rows; non-verbose hides what is wildcarded.
 * Everything read from the kernel is length-checked before use: a known
 * attribute with an unexpected length, or an unknown one, is printed as raw
 * "keyN(hex/hex)" so nothing is ever dropped.
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/erspan.h>

#include "odp/key-attrs.h"
#include "odp/key-internal.h"
#include "netlink/nla-inline.h"
#include "odp/key-format.h"

const uint8_t kf_zeros[KF_MAXLEN];

/*
 * A name from the tables (attribute, field, flag) followed by @sep (none if
 * 0). Names are short: copied inline, where ctf_str_puts() on a string
 * that is not a literal costs a strlen and a memcpy call; a dozen per flow.
 */
#define NAME_ROOM 32
static inline void put_name(struct ctf_str *out, const char *name, char sep)
{
	char *p = ctf_str_room(out, NAME_ROOM + 1);
	size_t n = 0;

	while (n < NAME_ROOM && name[n]) {
		p[n] = name[n];
		n++;
	}
	if (name[n]) {	/* never for our tables; kept correct anyway */
		ctf_str_commit(out, n);
		ctf_str_puts(out, name + n);
		n = 0;
		p = ctf_str_room(out, 1);
	}
	if (sep)
		p[n++] = sep;
	ctf_str_commit(out, n);
}

/* ds_put_hex style: 0x + first non-zero byte unpadded + %02x; zero is "0". */
KF_HIDDEN void kf_put_hex_bytes(struct ctf_str *out, const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i < n && !p[i])
		i++;
	if (i == n) {
		ctf_str_putc_fast(out, '0');
		return;
	}
	ctf_str_puts(out, "0x");
	ctf_str_put_xdigits(out, p[i++], 1);
	for (; i < n; i++)
		ctf_str_put_xdigits(out, p[i], 2);
}

static void label_to_be(uint8_t be[16], const uint8_t *host)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	for (int i = 0; i < 16; i++)
		be[i] = host[15 - i];
#else
	memcpy(be, host, 16);
#endif
}

static void put_eth(struct ctf_str *out, const uint8_t *a)
{
	ctf_str_put_eth(out, a);
}

static void put_ipv4(struct ctf_str *out, const uint8_t *a)
{
	ctf_str_put_ipv4(out, a);
}

static void put_ipv6(struct ctf_str *out, const uint8_t *a)
{
	ctf_str_put_ipv6(out, a);
}

KF_HIDDEN void kf_put_hex(struct ctf_str *out, uint64_t v)
{
	ctf_str_put_hex(out, v);
}

static const char *const frag_names[] = { "no", "first", "later" };

/* An address field (eth, ipv4, ipv6): value[/mask] in its own notation. */
static inline void put_addr_field(struct kf *kf, const struct ctf_field_desc *fd,
				  const uint8_t *kp, const uint8_t *mp, bool named)
{
	struct ctf_str *out = kf->out;
	size_t n = fd->size;

	if (!kf->verbose && kf_all_bytes(mp, n, 0))
		return;
	if (named) {
		/* puts+putc, not printf: this runs for every address field. */
		put_name(out, fd->name, '=');
	}
	for (int pass = 0; pass < 2; pass++) {
		const uint8_t *p = pass ? mp : kp;

		if (pass) {
			if (kf_all_bytes(mp, n, 0xff))
				break;
			ctf_str_putc_fast(out, '/');
		}
		if (fd->style == CTF_FS_ETH)
			put_eth(out, p);
		else if (fd->style == CTF_FS_IPV4)
			put_ipv4(out, p);
		else
			put_ipv6(out, p);
	}
	ctf_str_putc_fast(out, ',');
}

/* frag=no|first|later: never "/mask", nothing at all when wildcarded, even verbose. */
static void put_frag_field(struct kf *kf, const struct ctf_field_desc *fd, uint64_t v,
			   uint64_t mv, uint64_t max, bool named)
{
	struct ctf_str *out = kf->out;

	if (!mv)
		return;
	if (named) {
		put_name(out, fd->name, '=');
	}
	if (mv != max)
		ctf_str_printf(out, "error: partial mask not supported for frag (%#llx)",
			       (unsigned long long)mv);
	else if (v < 3)
		put_name(out, frag_names[v], 0);
	else
		ctf_str_printf(out, "<error: unknown frag type %llu>", (unsigned long long)v);
	ctf_str_putc_fast(out, ',');
}

/* A numeric value and its mask in the field's style, after "name=". */
static inline void put_number(struct kf *kf, const struct ctf_field_desc *fd, uint64_t v,
			      uint64_t mv, uint64_t max)
{
	struct ctf_str *out = kf->out;

	switch (fd->style) {
	case CTF_FS_HEX:
		kf_put_hex(out, v);
		break;
	case CTF_FS_HEX_0X:
		ctf_str_puts(out, "0x");
		ctf_str_put_xdigits(out, v, 1);
		break;
	case CTF_FS_DEC_0X:
		ctf_str_put_dec(out, v);
		if (mv != max) {
			ctf_str_puts(out, "/0x");
			ctf_str_put_xdigits(out, mv, 1);
		}
		return;
	case CTF_FS_ETHTYPE:
		ctf_str_puts(out, "0x");
		ctf_str_put_xdigits(out, v, 4);
		if (mv != max) {
			ctf_str_puts(out, "/0x");
			ctf_str_put_xdigits(out, mv, 4);
		}
		return;
	case CTF_FS_PORT: {
		const char *name = NULL;

		if (mv == max && v <= UINT32_MAX && kf->flags & CTF_FMT_NAMES && kf->ports)
			name = ctf_portmap_lookup_no(kf->ports, (uint32_t)v);
		if (name)
			ctf_str_puts(out, name);
		else
			ctf_str_put_dec(out, v);
		break;
	}
	default:
		ctf_str_put_dec(out, v);
		break;
	}
	if (mv != max) {
		ctf_str_putc_fast(out, '/');
		kf_put_hex(out, mv);
	}
}

/*
 * One field: "name=value[/mask]," (name omitted for scalars). Hidden in
 * non-verbose output when its mask is zero.
 */
KF_HIDDEN void kf_put_field(struct kf *kf, const struct ctf_field_desc *fd, const uint8_t *k,
			    const uint8_t *m, bool named)
{
	struct ctf_str *out = kf->out;
	uint64_t v, mv, max;

	switch (fd->style) {
	case CTF_FS_ETH:
	case CTF_FS_IPV4:
	case CTF_FS_IPV6:
		put_addr_field(kf, fd, k + fd->offset, m + fd->offset, named);
		return;
	default:
		break;
	}
	v = ctf_field_get(k, fd);
	mv = ctf_field_get(m, fd);
	max = ctf_field_max(fd);
	switch (fd->style) {
	case CTF_FS_FRAG:
		put_frag_field(kf, fd, v, mv, max, named);
		return;
	case CTF_FS_CFI:
		if (!v) {
			put_name(out, fd->name, 0);
			ctf_str_puts(out, "=0,");
		}
		return;
	default:
		break;
	}
	if (!kf->verbose && !mv)
		return;
	if (named) {
		put_name(out, fd->name, '=');
	}
	put_number(kf, fd, v, mv, max);
	ctf_str_putc_fast(out, ',');
}

KF_HIDDEN void kf_put_fields(struct kf *kf, const struct ctf_field_desc *fields, unsigned int n,
			     const uint8_t *k, const uint8_t *m)
{
	for (unsigned int i = 0; i < n; i++)
		kf_put_field(kf, &fields[i], k, m, true);
	ctf_str_chomp_fast(kf->out, ',');
}

/*
 * keyN(hex[/hex]): what we cannot or must not interpret, as ovs-dpctl prints
 * it (format_unknown_key): bytes as %02x separated by spaces, and the mask
 * whenever there is a mask stream (@m not NULL; absent = kf_zeros).
 */
KF_HIDDEN void kf_put_raw(struct kf *kf, unsigned int type, const uint8_t *k, size_t klen,
			  const uint8_t *m, size_t mlen, const char *prefix)
{
	struct ctf_str *out = kf->out;

	ctf_str_printf(out, "%s%u(", prefix, type);
	for (size_t i = 0; i < klen; i++)
		ctf_str_printf(out, i ? " %02x" : "%02x", k[i]);
	if (m) {
		ctf_str_putc_fast(out, '/');
		for (size_t i = 0; i < mlen; i++)
			ctf_str_printf(out, i ? " %02x" : "%02x", m[i]);
	}
	ctf_str_putc_fast(out, ')');
}

/* ---- flags ------------------------------------------------------------- */

static const char *const tcp_flag_names[] = {
	"fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns",
};

static void put_flag_name(struct ctf_str *out, const char *const *names, unsigned int n,
			  unsigned int bit)
{
	if (bit < n)
		put_name(out, names[bit], 0);
	else
		ctf_str_printf(out, "0x%x", 1u << bit);
}

/* Exact: names joined by '|' ("0" if none). Masked: +name/-name per mask bit. */
KF_HIDDEN void kf_put_flags(struct ctf_str *out, const char *const *names, unsigned int n,
			    uint32_t v, uint32_t m, bool exact)
{
	if (exact) {
		bool first = true;

		if (!v) {
			ctf_str_putc_fast(out, '0');
			return;
		}
		/* Set bits lowest first, found with ctz rather than 32 tests. */
		for (uint32_t rest = v; rest; rest &= rest - 1) {
			unsigned int b = (unsigned int)__builtin_ctz(rest);

			if (!first)
				ctf_str_putc_fast(out, '|');
			put_flag_name(out, names, n, b);
			first = false;
		}
		return;
	}
	/* A masked bit without a name has no +name/-name form: value/mask, which parses back. */
	if (n < 32 && (m >> n)) {
		kf_put_hex(out, v & m);
		ctf_str_putc_fast(out, '/');
		kf_put_hex(out, m);
		return;
	}
	for (uint32_t rest = m; rest; rest &= rest - 1) {
		unsigned int b = (unsigned int)__builtin_ctz(rest);

		ctf_str_putc_fast(out, v & (1u << b) ? '+' : '-');
		put_flag_name(out, names, n, b);
	}
}

static void put_ct_state(struct kf *kf, uint32_t v, uint32_t m)
{
	static const char *const names[] = { "new", "est", "rel", "rpl",
					     "inv", "trk", "snat", "dnat" };

	if (kf->verbose) {
		kf_put_hex(kf->out, v);
		if (m != 0xffffffffu) {
			ctf_str_putc_fast(kf->out, '/');
			kf_put_hex(kf->out, m);
		}
		return;
	}
	kf_put_flags(kf->out, names, 8, v, m, m == 0xffffffffu);
}

/* ---- one attribute ------------------------------------------------------- */

static void format_stream(struct kf *kf, const void *key, size_t key_len, const void *mask,
			  size_t mask_len, bool exact);

/*
 * MPLS: one or more LSEs, "label=,tc=,ttl=,bos=" each. When the mask is not
 * exact every field carries one, in ovs-dpctl's uneven spelling: label and
 * ttl masks as 0x%x, tc and bos masks as bare %x.
 */
static void put_mpls(struct kf *kf, const struct ctf_attr_desc *d, const uint8_t *k,
		     const uint8_t *m, size_t len, bool mask_exact)
{
	for (size_t off = 0; off + 4 <= len; off += 4) {
		for (unsigned int i = 0; i < d->n_fields && i < 4; i++) {
			const struct ctf_field_desc *fd = &d->fields[i];

			ctf_str_printf(kf->out, "%s=%llu", fd->name,
				       (unsigned long long)ctf_field_get(k + off, fd));
			if (!mask_exact)
				ctf_str_printf(kf->out, i % 2 ? "/%llx" : "/0x%llx",
					       (unsigned long long)ctf_field_get(m + off, fd));
			ctf_str_putc_fast(kf->out, ',');
		}
	}
	ctf_str_chomp_fast(kf->out, ',');
}

static bool len_ok(const struct ctf_attr_desc *d, size_t len)
{
	if (d->len >= 0)
		return (size_t)d->len == len;
	if (d->kind == CTF_AK_MPLS)
		return len && len % 4 == 0 && len <= 12;
	return d->len == CTF_LEN_NESTED;
}

/*
 * Print one attribute. @ma is its mask attribute, NULL with @exact for "no
 * mask stream", NULL without @exact for "absent from the mask" (wildcard).
 */
/* The value of an attribute that is not a nest, with its mask bytes @m. */
static inline void put_flat_attr(struct kf *kf, const struct ctf_attr_desc *d, const uint8_t *k,
				 const uint8_t *m, size_t len)
{
	struct ctf_str *out = kf->out;

	switch (d->kind) {
	case CTF_AK_SCALAR:
		{
			/* Once printed, a scalar always shows V[/M]. */
			struct kf k2 = *kf;

			k2.verbose = true;
			kf_put_field(&k2, d->fields, k, m, false);
			ctf_str_chomp_fast(out, ',');
		}
		break;
	case CTF_AK_STRUCT:
	case CTF_AK_VLAN:
		kf_put_fields(kf, d->fields, d->n_fields, k, m);
		break;
	case CTF_AK_MPLS:
		put_mpls(kf, d, k, m, len, kf_all_bytes(m, len, 0xff));
		break;
	case CTF_AK_CT_STATE: {
		uint32_t v, mv;

		memcpy(&v, k, 4);
		memcpy(&mv, m, 4);
		put_ct_state(kf, v, mv);
		break;
	}
	case CTF_AK_TCP_FLAGS: {
		uint16_t v, mv;

		memcpy(&v, k, 2);
		memcpy(&mv, m, 2);
		/* Only the 12 flag bits count (TCP_FLAGS() in ovs-dpctl). */
		v = ntohs(v);
		mv = ntohs(mv) & CTF_TCP_FLAGS_SUPPORTED;
		if (!mv)
			ctf_str_puts(out, "0/0");
		else
			kf_put_flags(out, tcp_flag_names, 9, v, mv,
				     mv == CTF_TCP_FLAGS_SUPPORTED);
		break;
	}
	case CTF_AK_LABEL128: {
		/* Host-order u128 on the wire (see key-parse.c); print it big-endian. */
		uint8_t kb[16], mb[16];

		label_to_be(kb, k);
		label_to_be(mb, m);
		kf_put_hex_bytes(out, kb, 16);
		if (!kf_all_bytes(mb, 16, 0xff)) {
			ctf_str_putc_fast(out, '/');
			kf_put_hex_bytes(out, mb, 16);
		}
		break;
	}
	default:
		break;
	}
}

static void format_attr(struct kf *kf, const struct nlattr *a, const struct ctf_attr_desc *d,
			const struct nlattr *ma, bool exact)
{
	unsigned int type = ctf_nla_type(a);
	const uint8_t *k = ctf_nla_data(a);
	size_t len = ctf_nla_len(a);
	struct ctf_str *out = kf->out;
	uint8_t buf[KF_MAXLEN];

	/*
	 * The nests (encap, tunnel, nsh) print their parts and bound them
	 * themselves; an nsh() with the largest MD2 is 284 bytes, and printed
	 * raw it would not parse back (the parser takes keyN() only for types
	 * it has no name for).
	 */
	bool nest = d && (d->kind == CTF_AK_ENCAP || d->kind == CTF_AK_TUNNEL ||
			  d->kind == CTF_AK_NSH);

	if (!d || d->flags & CTF_AF_USER_ONLY || !len_ok(d, len) || (!nest && len > 256)) {
		kf_put_raw(kf, type, k, len, exact ? NULL : (ma ? ctf_nla_data(ma) : kf_zeros),
			   ma ? ctf_nla_len(ma) : (exact ? 0 : (len < KF_MAXLEN ? len : 0)),
			   "key");
		return;
	}
	put_name(out, d->name, '(');
	switch (d->kind) {
	case CTF_AK_ENCAP:
		if (exact)
			format_stream(kf, k, len, NULL, 0, true);
		else
			format_stream(kf, k, len, ma ? ctf_nla_data(ma) : NULL,
				      ma ? ctf_nla_len(ma) : 0, false);
		break;
	case CTF_AK_TUNNEL:
		kf_put_tunnel(kf, a, ma, exact);
		break;
	case CTF_AK_NSH:
		kf_put_nsh(kf, a, ma, exact);
		break;
	default:
		put_flat_attr(kf, d, k, kf_mask_bytes(exact, ma, len, buf), len);
		break;
	}
	ctf_str_putc_fast(out, ')');
}

/* Is the attribute wholly wildcarded (so non-verbose output hides it)? */
static bool is_wildcard(const struct nlattr *ma, bool exact)
{
	if (exact)
		return false;
	if (!ma)
		return true;
	return kf_all_bytes(ctf_nla_data(ma), ctf_nla_len(ma), 0);
}

static void format_stream(struct kf *kf, const void *key, size_t key_len, const void *mask,
			  size_t mask_len, bool exact)
{
	const struct nlattr *by_type[OVS_KEY_ATTR_MAX + 1] = { NULL };
	const struct nlattr *attr;
	bool key_has_ethtype = false;

	if (!exact && mask) {
		ctf_nla_for_each_in(attr, mask, mask_len) {
			unsigned int t = ctf_nla_type(attr);

			if (t <= OVS_KEY_ATTR_MAX && !by_type[t])
				by_type[t] = attr;
		}
	}
	ctf_nla_for_each_in(attr, key, key_len) {
		const struct nlattr *a = attr;
		unsigned int type = ctf_nla_type(a);
		const struct nlattr *ma = NULL;
		const struct ctf_attr_desc *d = ctf_attr_row(&ctf_key_table, type);

		if (!exact)
			ma = type <= OVS_KEY_ATTR_MAX ? by_type[type] : kf_find_attr(mask, mask_len, type);
		if (type == OVS_KEY_ATTR_ETHERTYPE)
			key_has_ethtype = true;
		/*
		 * Non-verbose output hides wholly wildcarded attributes, as
		 * ovs-dpctl's odp_flow_format does, recirc_id included. Kept:
		 * nested ones (encap, tunnel, nsh), eth (printed "eth()": its
		 * presence says the packet is Ethernet), and whatever we cannot
		 * decode.
		 */
		if (!kf->verbose && d && !(d->flags & CTF_AF_USER_ONLY) &&
		    d->len != CTF_LEN_NESTED && len_ok(d, ctf_nla_len(a)) &&
		    type != OVS_KEY_ATTR_ETHERNET && is_wildcard(ma, exact))
			continue;
		format_attr(kf, a, d, ma, exact);
		ctf_str_putc_fast(kf->out, ',');
	}
	/* An ethertype that only the mask carries. */
	if (!exact && !key_has_ethtype && by_type[OVS_KEY_ATTR_ETHERTYPE] &&
	    ctf_nla_len(by_type[OVS_KEY_ATTR_ETHERTYPE]) == 2) {
		uint16_t m;

		memcpy(&m, ctf_nla_data(by_type[OVS_KEY_ATTR_ETHERTYPE]), 2);
		ctf_str_printf(kf->out, "eth_type(0/0x%04x),", ntohs(m));
	}
	ctf_str_chomp_fast(kf->out, ',');
}

void ctf_key_format(const void *key, size_t key_len, const void *mask, size_t mask_len,
		    const struct ctf_portmap *ports, unsigned flags, struct ctf_str *out)
{
	struct kf kf = { .ports = ports, .flags = flags, .out = out,
			 .verbose = flags & CTF_FMT_VERBOSE };

	if (!key || !key_len) {
		ctf_str_puts(out, "<empty>");	/* as ovs-dpctl */
		return;
	}
	format_stream(&kf, key, key_len, mask, mask_len, !mask || !mask_len);
}

void ctf_key_format_one(const struct nlattr *key, const struct nlattr *mask,
			const struct ctf_portmap *ports, unsigned int flags, struct ctf_str *out)
{
	struct kf kf = { .ports = ports, .flags = flags, .out = out,
			 .verbose = flags & CTF_FMT_VERBOSE };

	format_attr(&kf, key, ctf_attr_row(&ctf_key_table, ctf_nla_type(key)), mask, !mask);
}
