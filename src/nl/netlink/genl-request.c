// SPDX-License-Identifier: Apache-2.0
/*
 * Requests of the generic-netlink families: see genl-request.h.
 */
#include <errno.h>

#include "netlink/genl-request.h"

struct nlmsghdr *ctf_genl_req_start(struct ctf_nlsock *sock, const char *family,
				    uint8_t version, void *buf, size_t buflen, uint8_t cmd,
				    uint16_t flags, int dp_ifindex, int *ret)
{
	struct nlmsghdr *nlh;
	uint16_t id;

	*ret = ctf_nlsock_family(sock, family, &id);
	if (*ret < 0)
		return NULL;
	nlh = ctf_genl_req_init(buf, buflen, id, cmd, version, flags, dp_ifindex);
	if (!nlh)
		*ret = -EMSGSIZE;
	return nlh;
}

int ctf_genl_fail(int ret, struct ctf_err *err)
{
	if (ret < 0) {
		if (err && !err->error)
			err->error = ret;
		errno = -ret;
	}
	return ret;
}

struct exchange {
	const struct ctf_genl_reply *reply;
	unsigned n_decoded;
};

static int reply_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct exchange *x = arg;
	const struct ctf_genl_reply *r = x->reply;
	int ret;

	if (!r || !r->decode || !r->item)
		return 0;
	ret = r->decode(nlh, r->item);
	if (ret < 0)
		return ret;
	x->n_decoded++;
	return r->each ? r->each(r->item, r->arg) : 0;
}

int ctf_genl_get(struct ctf_nlsock *sock, struct nlmsghdr *req,
		 const struct ctf_genl_reply *reply, bool need_reply, struct ctf_err *err)
{
	struct exchange x = { reply, 0 };
	int ret = ctf_nlsock_transact(sock, req, reply_cb, &x, err);

	if (ret == 0 && need_reply && !x.n_decoded)
		ret = -EBADMSG;
	return ctf_genl_fail(ret, err);
}

int ctf_genl_dump(struct ctf_nlsock *sock, struct nlmsghdr *req,
		  const struct ctf_genl_reply *reply, struct ctf_err *err)
{
	struct exchange x = { reply, 0 };

	return ctf_genl_fail(ctf_nlsock_dump(sock, req, reply_cb, &x, err), err);
}
