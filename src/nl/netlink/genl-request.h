/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One request of a generic-netlink family (ovs_datapath, ovs_vport,
 * ovs_flow, ovs_ct_limit), from start to finish: resolve the family and
 * write the headers, then either a get (one request, its ACK, the replies
 * decoded) or a dump (every message decoded and handed over as it arrives).
 * The family files only say how to build their request and how to decode a
 * reply; the exchange, the "no reply" check and the error bookkeeping are
 * here once.
 */
#ifndef CTFLOW_NL_GENL_REQUEST_H
#define CTFLOW_NL_GENL_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctflow/nlsock.h"

/*
 * Resolve @family on @sock (cached) and start a request in @buf with
 * ctf_genl_req_init(). NULL with *@ret = -errno when the family is not
 * registered (-ENOENT) or @buflen is too small (-EMSGSIZE).
 */
struct nlmsghdr *ctf_genl_req_start(struct ctf_nlsock *sock, const char *family,
				    uint8_t version, void *buf, size_t buflen, uint8_t cmd,
				    uint16_t flags, int dp_ifindex, int *ret);

/* Read one reply message into @item: 0, or a negative errno (-EBADMSG). */
typedef int (*ctf_genl_decode_fn)(const struct nlmsghdr *nlh, void *item);
/* Take one decoded item: 0 to go on, a negative errno to stop. */
typedef int (*ctf_genl_each_fn)(const void *item, void *arg);

/*
 * What to do with reply messages: decode each into @item, then hand it to
 * @each (NULL: the last one stays in @item). A NULL reply, or one with no
 * @decode or no @item (the caller did not ask for the reply), reads the
 * replies and drops them.
 */
struct ctf_genl_reply {
	ctf_genl_decode_fn decode;
	void *item;
	ctf_genl_each_fn each;
	void *arg;
};

/*
 * Send @req with its ACK and handle the replies (e.g. of GET, or of NEW and
 * SET with NLM_F_ECHO) as @reply says. With @need_reply, a success without
 * a decoded reply is -EBADMSG. Returns 0 or a negative errno, which is also
 * put in errno and in @err->error if the kernel left that 0.
 */
int ctf_genl_get(struct ctf_nlsock *sock, struct nlmsghdr *req,
		 const struct ctf_genl_reply *reply, bool need_reply, struct ctf_err *err);

/* Send @req as a dump and handle every message as @reply says (see above). */
int ctf_genl_dump(struct ctf_nlsock *sock, struct nlmsghdr *req,
		  const struct ctf_genl_reply *reply, struct ctf_err *err);

/* Record a failure that happened before the request went out; returns @ret. */
int ctf_genl_fail(int ret, struct ctf_err *err);

#endif
