/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by the key printers: key-format.c (the attribute walk and the
 * plain attributes) and key-format-tunnel.c (the nested tunnel() and nsh()
 * attributes). Hidden from the library's exported symbols.
 */
#ifndef CTFLOW_NL_KEY_FORMAT_H
#define CTFLOW_NL_KEY_FORMAT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "ctflow/flowtext.h"
#include "odp/key-attrs.h"
#include "netlink/nla-inline.h"

#define KF_HIDDEN __attribute__((visibility("hidden")))

struct kf {
	const struct ctf_portmap *ports;
	unsigned int flags;
	struct ctf_str *out;
	bool verbose;
};

/* Mask bytes for one attribute: exact (NULL mask), absent, or given. */
#define KF_MAXLEN 512
extern const uint8_t kf_zeros[KF_MAXLEN];

static inline bool kf_all_bytes(const uint8_t *p, size_t n, uint8_t b)
{
	/*
	 * Eight bytes per test, then four: every attribute and address field
	 * asks this, and most masks are 4, 12 or 16 bytes long.
	 */
	const uint64_t word = b * 0x0101010101010101ull;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		if (w != word)
			return false;
	}
	if (i + 4 <= n) {
		uint32_t w;

		memcpy(&w, p + i, 4);
		if (w != (uint32_t)word)
			return false;
		i += 4;
	}
	for (; i < n; i++)
		if (p[i] != b)
			return false;
	return true;
}

/* Find attribute @type in a nested mask stream (NULL when absent). */
static inline const struct nlattr *kf_find_attr(const void *data, size_t len, unsigned int type)
{
	const struct nlattr *attr;

	if (!data)
		return NULL;
	ctf_nla_for_each_in(attr, data, len) {
		if (ctf_nla_type(attr) == type)
			return attr;
	}
	return NULL;
}

/*
 * The mask bytes for a key payload of @len: all-ones when the whole stream
 * is exact, zeros when the mask stream lacks the attribute, else its bytes
 * (short ones padded with zeros into @buf).
 */
static inline const uint8_t *kf_mask_bytes(bool exact, const struct nlattr *ma, size_t len,
					    uint8_t *buf)
{
	if (exact) {
		memset(buf, 0xff, len);
		return buf;
	}
	if (!ma)
		return kf_zeros;
	if (ctf_nla_len(ma) >= len)
		return ctf_nla_data(ma);
	memset(buf, 0, len);
	memcpy(buf, ctf_nla_data(ma), ctf_nla_len(ma));
	return buf;
}

/* One field "name=value[/mask]," (name omitted for scalars unless @named). */
KF_HIDDEN void kf_put_field(struct kf *kf, const struct ctf_field_desc *fd, const uint8_t *k,
			    const uint8_t *m, bool named);
/* @n fields, comma-separated. */
KF_HIDDEN void kf_put_fields(struct kf *kf, const struct ctf_field_desc *fields, unsigned int n,
			     const uint8_t *k, const uint8_t *m);
/* Flag bits: names joined by '|' when exact, +name/-name when masked. */
KF_HIDDEN void kf_put_flags(struct ctf_str *out, const char *const *names, unsigned int n,
			    uint32_t v, uint32_t m, bool exact);
KF_HIDDEN void kf_put_hex(struct ctf_str *out, uint64_t v);
KF_HIDDEN void kf_put_hex_bytes(struct ctf_str *out, const uint8_t *p, size_t n);
/* PREFIXN(hex[/hex]): what cannot be interpreted, as ovs-dpctl prints it. */
KF_HIDDEN void kf_put_raw(struct kf *kf, unsigned int type, const uint8_t *k, size_t klen,
			  const uint8_t *m, size_t mlen, const char *prefix);
/* tunnel(...) and nsh(...) with their masks (key-format-tunnel.c). */
KF_HIDDEN void kf_put_tunnel(struct kf *kf, const struct nlattr *attr, const struct nlattr *mattr,
			     bool exact);
KF_HIDDEN void kf_put_nsh(struct kf *kf, const struct nlattr *attr, const struct nlattr *mattr,
			  bool exact);

#endif
