// SPDX-License-Identifier: Apache-2.0
/*
 * Printing an OVS_ACTION_ATTR_CT attribute in ovs-dpctl's canonical form:
 * commit, force_commit, zone (omitted when 0), mark (always V/M), label
 * (mask omitted when all ones), helper, timeout, eventmask (ours), nat; plain
 * "ct" when empty. A nest we cannot decode prints as ct(error) or nat(error).
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>

#include "odp/action-attrs.h"
#include "odp/action-internal.h"
#include "netlink/nla-inline.h"

/* Inverse of the parser's u128_to_bytes(): [0] high 64 bits, [1] low. */
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

static void put_hex128(struct ctf_str *out, const uint8_t bytes[16])
{
	uint64_t v[2];

	bytes_to_u128(bytes, v);
	/* The digit appenders, not printf: labels are on most ct() commits. */
	if (v[0]) {
		ctf_str_puts_fast(out, "0x");
		ctf_str_put_xdigits(out, v[0], 1);
		ctf_str_put_xdigits(out, v[1], 16);
	} else if (v[1]) {
		ctf_str_puts_fast(out, "0x");
		ctf_str_put_xdigits(out, v[1], 1);
	} else {
		ctf_str_putc_fast(out, '0');
	}
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
		ctf_str_puts_fast(out, "nat(error)");
		return;
	}
	if (!ct->nat_src && !ct->nat_dst) {
		ctf_str_puts_fast(out, "nat");
		return;
	}
	ctf_str_puts_fast(out, ct->nat_src ? "nat(src" : "nat(dst");
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
	if (ct->persistent)
		ctf_str_puts_fast(out, ",persistent");
	if (ct->proto_hash)
		ctf_str_puts_fast(out, ",hash");
	if (ct->proto_random)
		ctf_str_puts_fast(out, ",random");
	ctf_str_putc_fast(out, ')');
}

void ctf_ct_format(const struct nlattr *a, struct ctf_str *out)
{
	struct ctf_ct_info ct;
	size_t start = out->len;

	if (ctf_ct_action_decode(a, &ct) < 0 || (ct.helper && !printable_name(ct.helper)) ||
	    (ct.timeout && !printable_name(ct.timeout))) {
		ctf_str_puts_fast(out, "ct(error)");
		return;
	}
	ctf_str_puts_fast(out, "ct(");
	if (ct.commit)
		ctf_str_puts_fast(out, "commit,");
	if (ct.force_commit)
		ctf_str_puts_fast(out, "force_commit,");
	if (ct.has_zone && ct.zone) {
		ctf_str_puts_fast(out, "zone=");
		ctf_str_put_dec(out, ct.zone);
		ctf_str_putc_fast(out, ',');
	}
	if (ct.has_mark) {
		ctf_str_puts_fast(out, "mark=");
		ctf_str_put_hex(out, ct.mark);
		ctf_str_putc_fast(out, '/');
		ctf_str_put_hex(out, ct.mark_mask);
		ctf_str_putc_fast(out, ',');
	}
	if (ct.has_labels) {
		static const uint8_t ones[16] = {
			0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		};

		ctf_str_puts_fast(out, "label=");
		put_hex128(out, ct.labels);
		if (memcmp(ct.labels_mask, ones, 16)) {
			ctf_str_putc_fast(out, '/');
			put_hex128(out, ct.labels_mask);
		}
		ctf_str_putc_fast(out, ',');
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
	ctf_str_putc_fast(out, ')');
}
