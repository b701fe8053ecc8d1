// SPDX-License-Identifier: Apache-2.0
/*
 * Netlink messages with no socket involved: the headers of a request, and
 * reading received ones: the genl headers, NLMSG_ERROR/NLMSG_DONE with their extended ACK, and the
 * table-driven attribute decoding every family's replies go through.
 * Pure functions, so that unit tests and fuzzers use them without a kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "ctflow/nlsock.h"
#include "netlink/nla-inline.h"

static int fail(int neg_errno)
{
	errno = -neg_errno;
	return neg_errno;
}

/*
 * libmnl 1.0.4 (Debian 12) does not zero the padding after an attribute
 * whose length is not a multiple of 4 (strings, u8, u16): on an uninitialised
 * buffer those bytes would be whatever the stack held, sent to the kernel.
 * Single requests are small, so the whole buffer is zeroed; a batch passes
 * only its headers' length (its buffer was zeroed once, when allocated).
 */
struct nlmsghdr *ctf_nlmsg_req_init(void *buf, size_t buflen, uint16_t type, uint16_t flags,
				    size_t hdrlen)
{
	struct nlmsghdr *nlh = buf;
	size_t len = NLMSG_HDRLEN + NLMSG_ALIGN(hdrlen);

	if (buflen < len)
		return NULL;
	memset(buf, 0, buflen);
	nlh->nlmsg_len = (uint32_t)len;
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	return nlh;
}

const struct genlmsghdr *ctf_genl_hdr(const struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return NULL;
	return mnl_nlmsg_get_payload(nlh);
}

const struct ovs_header *ctf_genl_ovs_header(const struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_len < CTF_OVS_HDRLEN)
		return NULL;
	return (const struct ovs_header *)((const char *)mnl_nlmsg_get_payload(nlh) +
					   GENL_HDRLEN);
}

static int ext_ack_attr_cb(const struct nlattr *attr, void *data)
{
	struct ctf_err *err = data;
	size_t len = ctf_nla_len(attr);

	switch (ctf_nla_type(attr)) {
	case NLMSGERR_ATTR_MSG: {
		const char *s = ctf_nla_data(attr);
		size_t n = strnlen(s, len);

		if (n >= sizeof(err->msg))
			n = sizeof(err->msg) - 1;
		memcpy(err->msg, s, n);
		err->msg[n] = '\0';
		/* Kernel messages sometimes end in a newline; ours never do. */
		while (n && (err->msg[n - 1] == '\n' || err->msg[n - 1] == ' '))
			err->msg[--n] = '\0';
		break;
	}
	case NLMSGERR_ATTR_OFFS:
		if (len == sizeof(uint32_t)) {
			err->offset = ctf_nla_u32(attr);
			err->has_offset = true;
		}
		break;
	case NLMSGERR_ATTR_MISS_TYPE:
		/* Only used when the kernel gave no text: say what was missing. */
		if (len == sizeof(uint32_t) && !err->msg[0])
			snprintf(err->msg, sizeof(err->msg), "missing required attribute %u",
				 ctf_nla_u32(attr));
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

int ctf_err_from_ack(const struct nlmsghdr *nlh, struct ctf_err *errp)
{
	struct ctf_err scratch;
	// cppcheck-suppress uninitvar ; only its address is taken, ctf_err_clear() fills it
	struct ctf_err *err = errp ? errp : &scratch;
	size_t payload = nlh->nlmsg_len >= NLMSG_HDRLEN ? nlh->nlmsg_len - NLMSG_HDRLEN : 0;
	size_t tlv_off;
	int code;

	ctf_err_clear(err);
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

		if (payload < sizeof(*e))
			return err->error = -EBADMSG;
		code = e->error;
		tlv_off = sizeof(*e);
		/* Without CAP_ACK the whole request is echoed before the TLVs. */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
			if (e->msg.nlmsg_len < NLMSG_HDRLEN)
				return err->error = -EBADMSG;
			tlv_off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
		}
	} else if (nlh->nlmsg_type == NLMSG_DONE) {
		/* A dump's end: an int status, then (maybe) TLVs. */
		if (payload < sizeof(int))
			return err->error = 0;
		memcpy(&code, mnl_nlmsg_get_payload(nlh), sizeof(code));
		tlv_off = NLMSG_ALIGN(sizeof(int));
	} else {
		return err->error = -EBADMSG;
	}
	if (code > 0)	/* never sent by Linux; do not let it read as success */
		code = -code;
	err->error = code;
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && tlv_off < payload)
		ctf_attr_walk(nlh, tlv_off, ext_ack_attr_cb, err);
	return code;
}

/* ---- table-driven attribute decoding ---------------------------------- */

/*
 * Every whole attribute of @len bytes, bounded by @len itself: libmnl's
 * walks end at the aligned length, so a message or nest whose length is not
 * a multiple of 4 would lend its last attribute up to 3 bytes past its end.
 * Attributes the table does not know (newer kernels) are not ours to judge.
 */
int ctf_attrs_parse_stream(const void *data, size_t len, const struct ctf_attr_rule *rules,
			   unsigned max_type, const struct nlattr **tb, unsigned flags,
			   struct ctf_attrs_fault *fault)
{
	const char *end = (const char *)data + len;
	const struct nlattr *a;
	struct ctf_attrs_fault scratch;

	if (!fault)
		fault = &scratch;
	memset(fault, 0, sizeof(*fault));
	memset(tb, 0, (max_type + 1) * sizeof(*tb));
	for (a = data; ctf_nla_ok(a, end - (const char *)a); a = ctf_nla_next(a)) {
		unsigned type = ctf_nla_type(a);

		if (type > max_type || !rules[type].name)
			continue;
		if (!ctf_attr_rule_len_ok(&rules[type], ctf_nla_data(a), ctf_nla_len(a),
					  flags & CTF_ATTRS_WHOLE)) {
			fault->attr = a;
			fault->rule = &rules[type];
			return fail(-EBADMSG);
		}
		tb[type] = a;
	}
	if ((flags & CTF_ATTRS_WHOLE) && (const char *)a < end) {
		fault->trailing = (size_t)(end - (const char *)a);
		return fail(-EBADMSG);
	}
	return 0;
}

int ctf_attrs_parse(const struct nlmsghdr *nlh, size_t offset, const struct ctf_attr_rule *rules,
		    unsigned max_type, const struct nlattr **tb)
{
	size_t start = NLMSG_HDRLEN + CTF_NLA_ALIGN(offset);

	if (nlh->nlmsg_len < start) {
		memset(tb, 0, (max_type + 1) * sizeof(*tb));
		return fail(-EBADMSG);
	}
	return ctf_attrs_parse_stream((const char *)nlh + start, nlh->nlmsg_len - start, rules,
				      max_type, tb, 0, NULL);
}

int ctf_attr_walk(const struct nlmsghdr *nlh, size_t offset, ctf_attr_cb cb, void *data)
{
	const struct nlattr *a;
	size_t start = NLMSG_HDRLEN + CTF_NLA_ALIGN(offset);

	if (nlh->nlmsg_len < start)
		return MNL_CB_OK;
	ctf_nla_for_each_in(a, (const char *)nlh + start, nlh->nlmsg_len - start) {
		int r = cb(a, data);

		if (r <= MNL_CB_STOP)
			return r;
	}
	return MNL_CB_OK;
}

int ctf_attrs_parse_nested(const struct nlattr *nest, const struct ctf_attr_rule *rules,
			   unsigned max_type, const struct nlattr **tb)
{
	return ctf_attrs_parse_stream(ctf_nla_data(nest), ctf_nla_len(nest), rules, max_type, tb, 0,
				      NULL);
}
