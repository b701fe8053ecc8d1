// SPDX-License-Identifier: Apache-2.0
/*
 * OVS_FLOW_CMD_NEW/SET/DEL/GET and dumps on the ovs_flow family. Each
 * request is built with libmnl into either a private buffer (one operation
 * with its ACK) or a shared batch (bulk files), so both paths encode a flow
 * with the same code.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "ctflow/flow.h"
#include "ctflow/nlsock.h"
#include "netlink/genl-request.h"
#include "netlink/nla-inline.h"

struct op_desc {
	uint8_t cmd;
	uint16_t flags;
};

static struct op_desc op_desc(enum ctf_flow_op op)
{
	switch (op) {
	case CTF_FLOW_CREATE:
		/* The kernel honours CREATE as "exclusive" (ovs_flow_cmd_new() answers EEXIST when NLM_F_CREATE or NLM_F_EXCL is set). */
		return (struct op_desc){ OVS_FLOW_CMD_NEW, NLM_F_CREATE };
	case CTF_FLOW_MODIFY:
		return (struct op_desc){ OVS_FLOW_CMD_SET, 0 };
	case CTF_FLOW_CREATE_OR_MODIFY:
		return (struct op_desc){ OVS_FLOW_CMD_NEW, 0 };
	case CTF_FLOW_DELETE:
		return (struct op_desc){ OVS_FLOW_CMD_DEL, 0 };
	case CTF_FLOW_GET:
		break;
	}
	return (struct op_desc){ OVS_FLOW_CMD_GET, 0 };
}

/* Upper bound of the attribute bytes a request needs. */
static size_t req_attr_size(const struct ctf_flow_req *req)
{
	return 4 * CTF_NLA_HDRLEN + CTF_NLA_ALIGN(sizeof(req->ufid->b)) + CTF_NLA_ALIGN(req->key_len) +
	       CTF_NLA_ALIGN(req->mask_len) + CTF_NLA_ALIGN(req->actions_len) + 3 * CTF_NLA_HDRLEN + 8;
}

static bool put_nest_bytes(struct nlmsghdr *nlh, size_t buflen, uint16_t type,
			   const void *data, size_t len)
{
	/* Nested streams are already encoded: copy them as the nest's payload. */
	return ctf_nla_put_check(nlh, buflen, type | NLA_F_NESTED, data, len);
}

/* Append the attributes of @req for @op to @nlh; false if they do not fit. */
static bool put_flow_attrs(struct nlmsghdr *nlh, size_t buflen, enum ctf_flow_op op,
			   const struct ctf_flow_req *req)
{
	bool modify = op == CTF_FLOW_CREATE || op == CTF_FLOW_MODIFY ||
		      op == CTF_FLOW_CREATE_OR_MODIFY;

	if (req->key && !put_nest_bytes(nlh, buflen, OVS_FLOW_ATTR_KEY, req->key, req->key_len))
		return false;
	/* DEL/GET find flows by key or UFID; a mask would be ignored. */
	if (modify && req->mask &&
	    !put_nest_bytes(nlh, buflen, OVS_FLOW_ATTR_MASK, req->mask, req->mask_len))
		return false;
	if (modify && req->has_actions &&
	    !put_nest_bytes(nlh, buflen, OVS_FLOW_ATTR_ACTIONS, req->actions, req->actions_len))
		return false;
	if (req->ufid &&
	    !ctf_nla_put_check(nlh, buflen, OVS_FLOW_ATTR_UFID, req->ufid->b, sizeof(req->ufid->b)))
		return false;
	if (req->ufid_flags &&
	    !mnl_attr_put_u32_check(nlh, buflen, OVS_FLOW_ATTR_UFID_FLAGS, req->ufid_flags))
		return false;
	if (op == CTF_FLOW_MODIFY && req->clear &&
	    !mnl_attr_put_check(nlh, buflen, OVS_FLOW_ATTR_CLEAR, 0, NULL))
		return false;
	if (req->probe && !mnl_attr_put_check(nlh, buflen, OVS_FLOW_ATTR_PROBE, 0, NULL))
		return false;
	return true;
}

static int decode_flow(const struct nlmsghdr *nlh, void *info)
{
	return ctf_flow_info_parse(nlh, info) < 0 ? -EBADMSG : 0;
}

struct flow_each {
	ctf_flow_cb cb;
	void *arg;
};

static int flow_each(const void *info, void *arg)
{
	const struct flow_each *e = arg;

	return e->cb ? e->cb(info, e->arg) : 0;
}

static struct nlmsghdr *flow_req(struct ctf_nlsock *sock, void *buf, size_t buflen, uint8_t cmd,
				 uint16_t flags, int dp_ifindex, int *ret)
{
	return ctf_genl_req_start(sock, OVS_FLOW_FAMILY, OVS_FLOW_VERSION, buf, buflen, cmd, flags,
				  dp_ifindex, ret);
}

int ctf_flow_op(struct ctf_nlsock *sock, int dp_ifindex, enum ctf_flow_op op,
		const struct ctf_flow_req *req, ctf_flow_cb cb, void *arg, struct ctf_err *err)
{
	struct op_desc d = op_desc(op);
	struct ctf_flow_info info;
	struct flow_each e = { cb, arg };
	struct ctf_genl_reply reply = { decode_flow, &info, flow_each, &e };
	size_t buflen = CTF_OVS_HDRLEN + req_attr_size(req);
	struct nlmsghdr *nlh;
	void *buf;
	int ret;

	ctf_err_clear(err);
	/* GET always replies; the others only when asked to echo. */
	if (cb && op != CTF_FLOW_GET)
		d.flags |= NLM_F_ECHO;
	buf = ctf_xzalloc(buflen);
	nlh = flow_req(sock, buf, buflen, d.cmd, d.flags, dp_ifindex, &ret);
	if (nlh && !put_flow_attrs(nlh, buflen, op, req))
		ret = -EMSGSIZE;
	else if (nlh)
		ret = ctf_genl_get(sock, nlh, &reply, false, err);
	free(buf);
	return ctf_genl_fail(ret, err);
}

int ctf_flow_flush(struct ctf_nlsock *sock, int dp_ifindex, struct ctf_err *err)
{
	struct ctf_flow_req none = { 0 };

	return ctf_flow_op(sock, dp_ifindex, CTF_FLOW_DELETE, &none, NULL, NULL, err);
}

int ctf_flow_dump(struct ctf_nlsock *sock, int dp_ifindex, uint32_t ufid_flags,
		  ctf_flow_cb cb, void *arg, struct ctf_err *err)
{
	char buf[CTF_NL_SMALL_REQ];
	struct ctf_flow_info info;
	struct flow_each e = { cb, arg };
	struct ctf_genl_reply reply = { decode_flow, &info, flow_each, &e };
	struct nlmsghdr *nlh;
	int ret;

	ctf_err_clear(err);
	nlh = flow_req(sock, buf, sizeof(buf), OVS_FLOW_CMD_GET, 0, dp_ifindex, &ret);
	if (nlh && ufid_flags &&
	    !mnl_attr_put_u32_check(nlh, sizeof(buf), OVS_FLOW_ATTR_UFID_FLAGS, ufid_flags))
		ret = -EMSGSIZE;
	else if (nlh)
		ret = ctf_genl_dump(sock, nlh, &reply, err);
	return ctf_genl_fail(ret, err);
}

int ctf_flow_batch_add(struct ctf_nlbatch *batch, uint16_t family, int dp_ifindex,
		       enum ctf_flow_op op, const struct ctf_flow_req *req)
{
	struct op_desc d = op_desc(op);
	struct nlmsghdr *nlh;

	if (CTF_OVS_HDRLEN + req_attr_size(req) > batch->cap)
		return -EMSGSIZE;
	nlh = ctf_nlbatch_begin(batch, family, d.cmd, OVS_FLOW_VERSION, d.flags, dp_ifindex);
	if (!nlh)
		return -ENOSPC;
	if (!put_flow_attrs(nlh, ctf_nlbatch_room(batch), op, req)) {
		ctf_nlbatch_cancel(batch);
		return -ENOSPC;
	}
	return (int)ctf_nlbatch_end(batch);
}
