// SPDX-License-Identifier: Apache-2.0
/*
 * From an ovs_flow reply to text: decode the message into a ctf_flow_info,
 * decide whether dump-flows filter= keeps it, then print it the way
 * ovs-dpctl dump-flows does (format_dpif_flow). (JSON is the CLI's, built
 * with json-c from the same pieces: src/cli/output-events.c.)
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <linux/genetlink.h>
#include <linux/openvswitch.h>

#include "ctflow/flow.h"
#include "netlink/nla-inline.h"

/* Minimum payload per OVS_FLOW_ATTR_*; 0 = no fixed size (nests, UFID). */
static const uint16_t flow_attr_len[OVS_FLOW_ATTR_MAX + 1] = {
	[OVS_FLOW_ATTR_STATS] = sizeof(struct ovs_flow_stats),
	[OVS_FLOW_ATTR_TCP_FLAGS] = sizeof(uint8_t),
	[OVS_FLOW_ATTR_USED] = sizeof(uint64_t),
	[OVS_FLOW_ATTR_UFID_FLAGS] = sizeof(uint32_t),
};

int ctf_flow_info_parse(const struct nlmsghdr *nlh, struct ctf_flow_info *info)
{
	size_t hdrlen = GENL_HDRLEN + sizeof(struct ovs_header);
	const struct nlattr *tb[OVS_FLOW_ATTR_MAX + 1] = { NULL };
	const struct nlattr *attr;
	const char *attrs, *tail;

	memset(info, 0, sizeof(*info));
	if (nlh->nlmsg_len < NLMSG_HDRLEN + hdrlen)
		return -EINVAL;
	attrs = (const char *)nlh + NLMSG_HDRLEN;
	info->cmd = ((const struct genlmsghdr *)attrs)->cmd;
	attrs += CTF_NLA_ALIGN(hdrlen);
	/* The message's own length, not its aligned end: nothing past it is ours. */
	tail = (const char *)nlh + nlh->nlmsg_len;
	/* Walked inline, not through a callback: this runs once per dumped flow. */
	ctf_nla_for_each_in(attr, attrs, tail - attrs) {
		uint16_t type = ctf_nla_type(attr);

		/* Newer kernels may add attributes: skip what we do not know. */
		if (type > OVS_FLOW_ATTR_MAX)
			continue;
		if (flow_attr_len[type] && ctf_nla_len(attr) < flow_attr_len[type])
			return -EINVAL;
		/*
		 * A flow without UFID is identified by its unmasked KEY, which
		 * comes first; the masked KEY follows. The last one wins, as in
		 * ovs-dpctl.
		 */
		tb[type] = attr;
	}

	const struct nlattr *a;
	if ((a = tb[OVS_FLOW_ATTR_UFID])) {
		size_t n = ctf_nla_len(a);

		if (n == 0 || n > sizeof(info->ufid.b))
			return -EINVAL;
		/* Always 16 bytes from Linux: a fixed-size copy, inlined. */
		if (n == sizeof(info->ufid.b))
			memcpy(info->ufid.b, ctf_nla_data(a), sizeof(info->ufid.b));
		else
			memcpy(info->ufid.b, ctf_nla_data(a), n);
		info->has_ufid = true;
	}
	if ((a = tb[OVS_FLOW_ATTR_KEY])) {
		info->key = ctf_nla_data(a);
		info->key_len = ctf_nla_len(a);
	}
	if ((a = tb[OVS_FLOW_ATTR_MASK])) {
		info->mask = ctf_nla_data(a);
		info->mask_len = ctf_nla_len(a);
	}
	if ((a = tb[OVS_FLOW_ATTR_ACTIONS])) {
		info->has_actions = true;
		info->actions = ctf_nla_data(a);
		info->actions_len = ctf_nla_len(a);
	}
	if ((a = tb[OVS_FLOW_ATTR_STATS])) {
		struct ovs_flow_stats st;

		/* The payload is only 4-byte aligned: copy, do not cast. */
		memcpy(&st, ctf_nla_data(a), sizeof(st));
		info->packets = st.n_packets;
		info->bytes = st.n_bytes;
	}
	if ((a = tb[OVS_FLOW_ATTR_USED]))
		memcpy(&info->used_ms, ctf_nla_data(a), sizeof(info->used_ms));
	if ((a = tb[OVS_FLOW_ATTR_TCP_FLAGS]))
		info->tcp_flags = ctf_nla_u8(a);
	return 0;
}

static bool is_nested_key(uint16_t type)
{
	return type == OVS_KEY_ATTR_ENCAP || type == OVS_KEY_ATTR_TUNNEL ||
	       type == OVS_KEY_ATTR_NSH;
}

static const struct nlattr *find_attr(const void *stream, size_t len, uint16_t type)
{
	const struct nlattr *attr;

	if (!stream)
		return NULL;
	ctf_nla_for_each_in(attr, stream, len) {
		if (ctf_nla_type(attr) == type)
			return attr;
	}
	return NULL;
}

static const void *payload_or_null(const struct nlattr *a)
{
	return a ? ctf_nla_data(a) : NULL;
}

static size_t payload_len(const struct nlattr *a)
{
	return a ? ctf_nla_len(a) : 0;
}

bool ctf_flow_filter_match(const void *key, size_t key_len, const void *mask, size_t mask_len,
			   const void *fkey, size_t fkey_len, const void *fmask, size_t fmask_len)
{
	const struct nlattr *attr;

	ctf_nla_for_each_in(attr, fkey, fkey_len) {
		uint16_t type = ctf_nla_type(attr);
		const struct nlattr *ka = find_attr(key, key_len, type);
		const struct nlattr *ma = find_attr(mask, mask_len, type);
		const struct nlattr *fma = find_attr(fmask, fmask_len, type);

		/* An attribute the flow does not match on matches any value. */
		if (!ka || (mask && !ma))
			continue;
		if (is_nested_key(type)) {
			if (!ctf_flow_filter_match(ctf_nla_data(ka), payload_len(ka),
						   payload_or_null(ma), payload_len(ma),
						   ctf_nla_data(attr), payload_len(attr),
						   payload_or_null(fma), payload_len(fma)))
				return false;
			continue;
		}
		size_t n = ctf_nla_len(attr);
		if (payload_len(ka) != n || (ma && payload_len(ma) != n) ||
		    (fma && payload_len(fma) != n))
			return false;
		const uint8_t *kv = ctf_nla_data(ka), *fv = ctf_nla_data(attr);
		const uint8_t *mv = payload_or_null(ma), *fmv = payload_or_null(fma);
		for (size_t i = 0; i < n; i++) {
			/* Only the bits both the flow and the filter care about. */
			uint8_t care = (mv ? mv[i] : 0xff) & (fmv ? fmv[i] : 0xff);

			if ((kv[i] ^ fv[i]) & care)
				return false;
		}
	}
	return true;
}

uint64_t ctf_monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void ctf_tcp_flags_format(uint16_t flags, struct ctf_str *out)
{
	/* Bit order of the TCP header; printed in tcpdump's letter order. */
	static const struct {
		uint16_t bit;
		char letter;
	} letters[] = {
		{ 0x002, 'S' }, { 0x001, 'F' }, { 0x008, 'P' }, { 0x004, 'R' },
		{ 0x020, 'U' }, { 0x010, '.' }, { 0x040, 'E' }, { 0x080, 'C' },
		{ 0x100, 'N' },
	};

	for (size_t i = 0; i < CTF_ARRAY_SIZE(letters); i++)
		if (flags & letters[i].bit)
			ctf_str_putc_fast(out, letters[i].letter);
	/* Reserved bits have no letter. */
	for (uint16_t bit = 0x200; bit && bit <= 0x800; bit = (uint16_t)(bit << 1))
		if (flags & bit)
			ctf_str_printf(out, "[%x]", bit);
}

/* Milliseconds since last use; a stamp from the future counts as 0. */
static uint64_t idle_ms(const struct ctf_flow_info *f, uint64_t now_ms)
{
	return now_ms > f->used_ms ? now_ms - f->used_ms : 0;
}

void ctf_flow_stats_format(const struct ctf_flow_info *f, uint64_t now_ms, struct ctf_str *out)
{
	ctf_str_puts(out, "packets:");
	ctf_str_put_dec(out, f->packets);
	ctf_str_puts(out, ", bytes:");
	ctf_str_put_dec(out, f->bytes);
	ctf_str_puts(out, ", used:");
	if (f->used_ms) {
		uint64_t idle = idle_ms(f, now_ms);

		/*
		 * Integer maths gives what "%.3f" of idle/1000.0 gives, exactly;
		 * appended without printf as every live flow of a dump has it.
		 */
		char frac[5] = { '.', (char)('0' + idle % 1000 / 100),
				 (char)('0' + idle % 100 / 10), (char)('0' + idle % 10), 's' };

		ctf_str_put_dec(out, idle / 1000);
		ctf_str_put(out, frac, sizeof(frac));
	} else {
		ctf_str_puts(out, "never");
	}
	if (f->tcp_flags) {
		ctf_str_puts(out, ", flags:");
		ctf_tcp_flags_format(f->tcp_flags, out);
	}
}

static void format_actions(const struct ctf_flow_info *f, const struct ctf_portmap *ports,
			   unsigned fmt_flags, struct ctf_str *out)
{
	/* An omitted ACTIONS attribute and an empty one both mean "drop". */
	ctf_actions_format(f->has_actions ? f->actions : NULL, f->has_actions ? f->actions_len : 0,
			   ports, fmt_flags, out);
}

void ctf_flow_format(const struct ctf_flow_info *f, uint64_t now_ms,
		     const struct ctf_portmap *ports, unsigned fmt_flags, struct ctf_str *out)
{
	bool verbose = fmt_flags & CTF_FMT_VERBOSE;

	if (verbose && f->has_ufid) {
		ctf_ufid_format(&f->ufid, out);
		ctf_str_puts(out, ", ");
	}
	ctf_key_format(f->key, f->key_len, f->mask, f->mask_len, ports, fmt_flags, out);
	ctf_str_puts(out, ", ");
	ctf_flow_stats_format(f, now_ms, out);
	/* ovs-dpctl -m names the layer that holds the flow; ours is the kernel. */
	if (verbose)
		ctf_str_puts(out, ", dp:ovs");
	ctf_str_puts(out, ", actions:");
	format_actions(f, ports, fmt_flags, out);
}
