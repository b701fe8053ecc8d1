// SPDX-License-Identifier: Apache-2.0
/*
 * Per-zone conntrack limits through the ovs_ct_limit genl family
 * (kernel >= 4.18 with CONFIG_NETFILTER_CONNCOUNT). Every command carries
 * one OVS_CT_LIMIT_ATTR_ZONE_LIMIT attribute holding a packed array of
 * struct ovs_zone_limit { int zone_id; u32 limit; u32 count; } records;
 * zone_id -1 (OVS_ZONE_LIMIT_DEFAULT_ZONE) is the default limit. Limits are
 * per network namespace, like conntrack itself.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/openvswitch.h>

#include "ctflow/conntrack.h"
#include "ctflow/nlsock.h"
#include "netlink/genl-request.h"
#include "netlink/nla-inline.h"

/* The kernel walks records at an NLA-aligned stride; 12 bytes is already aligned. */
#define ZL_SIZE CTF_NLA_ALIGN(sizeof(struct ovs_zone_limit))

int ctf_ct_limit_put(struct nlmsghdr *nlh, size_t buflen, const struct ctf_ct_zone_limit *zl,
		     size_t n)
{
	struct nlattr *a;
	size_t len = n * ZL_SIZE;

	if (len > UINT16_MAX - CTF_NLA_HDRLEN)
		return -EMSGSIZE;
	if (nlh->nlmsg_len + CTF_NLA_HDRLEN + CTF_NLA_ALIGN(len) > buflen)
		return -EMSGSIZE;
	a = mnl_nlmsg_get_payload_tail(nlh);
	a->nla_type = OVS_CT_LIMIT_ATTR_ZONE_LIMIT;
	a->nla_len = (uint16_t)(CTF_NLA_HDRLEN + len);
	for (size_t i = 0; i < n; i++) {
		struct ovs_zone_limit rec = {
			.zone_id = zl[i].zone,
			.limit = zl[i].limit,
			.count = 0,
		};

		memcpy((char *)ctf_nla_data(a) + i * ZL_SIZE, &rec, sizeof(rec));
	}
	nlh->nlmsg_len += CTF_NLA_ALIGN(a->nla_len);
	return 0;
}

struct parse_ctx {
	ctf_ct_limit_cb cb;
	void *arg;
	int error;
};

static int limit_attr_cb(const struct nlattr *a, void *data)
{
	struct parse_ctx *ctx = data;
	const char *p;
	size_t len;

	if (ctf_nla_type(a) != OVS_CT_LIMIT_ATTR_ZONE_LIMIT)
		return MNL_CB_OK;
	len = ctf_nla_len(a);
	if (len % ZL_SIZE) {
		ctx->error = -EBADMSG;
		return MNL_CB_ERROR;
	}
	p = ctf_nla_data(a);
	for (size_t off = 0; off < len; off += ZL_SIZE) {
		struct ovs_zone_limit rec;
		struct ctf_ct_zone_limit zl;
		int r;

		memcpy(&rec, p + off, sizeof(rec));
		zl.zone = rec.zone_id;
		zl.limit = rec.limit;
		zl.count = rec.count;
		r = ctx->cb(&zl, ctx->arg);
		if (r < 0) {
			ctx->error = r;
			return MNL_CB_ERROR;
		}
	}
	return MNL_CB_OK;
}

int ctf_ct_limit_parse(const struct nlmsghdr *nlh, ctf_ct_limit_cb cb, void *arg)
{
	struct parse_ctx ctx = { cb, arg, 0 };

	if (nlh->nlmsg_len < CTF_OVS_HDRLEN)
		return -EBADMSG;
	if (ctf_attr_walk(nlh, CTF_OVS_ATTR_OFFSET, limit_attr_cb, &ctx) < 0)
		return ctx.error ? ctx.error : -EBADMSG;
	return 0;
}

/* -ENOENT from resolution means the kernel has no ovs_ct_limit family. */
static int limit_request(struct ctf_nlsock *sock, uint8_t cmd, const struct ctf_ct_zone_limit *zl,
			 size_t n, const struct ctf_genl_reply *reply, struct ctf_err *err)
{
	/* 64 KiB: the largest attribute holds ~5400 records; enough for any CLI. */
	const size_t buflen = 65536;
	char *buf = ctf_xmalloc(buflen);
	struct nlmsghdr *nlh;
	int r;

	nlh = ctf_genl_req_start(sock, OVS_CT_LIMIT_FAMILY, OVS_CT_LIMIT_VERSION, buf, buflen, cmd,
				 0, 0, &r);
	if (nlh && n)
		r = ctf_ct_limit_put(nlh, buflen, zl, n);
	if (nlh && !r)
		r = ctf_genl_get(sock, nlh, reply, false, err);
	free(buf);
	return r;
}

int ctf_ct_limit_set(struct ctf_nlsock *sock, const struct ctf_ct_zone_limit *zl, size_t n,
		     struct ctf_err *err)
{
	if (!n)
		return -EINVAL;	/* the kernel refuses SET without records */
	return limit_request(sock, OVS_CT_LIMIT_CMD_SET, zl, n, NULL, err);
}

int ctf_ct_limit_del(struct ctf_nlsock *sock, const struct ctf_ct_zone_limit *zl, size_t n,
		     struct ctf_err *err)
{
	if (!n)
		return -EINVAL;
	return limit_request(sock, OVS_CT_LIMIT_CMD_DEL, zl, n, NULL, err);
}

struct get_ctx {
	ctf_ct_limit_cb cb;
	void *arg;
};

/* One reply holds many records: each goes to the caller as it is read. */
static int decode_limits(const struct nlmsghdr *nlh, void *arg)
{
	struct get_ctx *g = arg;

	return ctf_ct_limit_parse(nlh, g->cb, g->arg);
}

int ctf_ct_limit_get(struct ctf_nlsock *sock, const struct ctf_ct_zone_limit *zl, size_t n,
		     ctf_ct_limit_cb cb, void *arg, struct ctf_err *err)
{
	struct get_ctx g = { cb, arg };
	struct ctf_genl_reply reply = { .decode = decode_limits, .item = &g };

	return limit_request(sock, OVS_CT_LIMIT_CMD_GET, zl, n, &reply, err);
}
