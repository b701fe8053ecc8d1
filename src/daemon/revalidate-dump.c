// SPDX-License-Identifier: Apache-2.0
/* A flow dump in steps (see revalidate-dump.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include "ctflow/util.h"
#include "revalidate-dump.h"

struct flowdump {
	struct ctf_nlsock *sock;	/* NULL until a dump starts, and after one is dropped */
	uint32_t seq;
	bool running;			/* a dump was sent and its end has not arrived */
	bool ended;			/* DONE or an error arrived */
	int error;			/* the kernel's, at the end */
	ctf_nl_cb cb;
	void *arg;
};

struct flowdump *flowdump_new(void)
{
	return ctf_xzalloc(sizeof(struct flowdump));
}

void flowdump_abort(struct flowdump *dump)
{
	ctf_nlsock_close(dump->sock);
	dump->sock = NULL;
	dump->running = false;
}

void flowdump_free(struct flowdump *dump)
{
	if (!dump)
		return;
	flowdump_abort(dump);
	free(dump);
}

int flowdump_start(struct flowdump *dump, struct nlmsghdr *req)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t n;
	int ret;

	if (dump->running)
		flowdump_abort(dump);	/* what is left of an earlier dump */
	if (!dump->sock) {
		ret = ctf_nlsock_open(&dump->sock);
		if (ret)
			return ret;
		/* Never wait in the loop: a buffer not ready yet is read at the next step. */
		ret = ctf_nlsock_set_nonblock(dump->sock, true);
		if (ret) {
			flowdump_abort(dump);
			return ret;
		}
	}
	if (++dump->seq == 0)
		dump->seq = 1;
	dump->ended = false;
	dump->error = 0;
	req->nlmsg_flags |= NLM_F_REQUEST | NLM_F_DUMP;
	req->nlmsg_seq = dump->seq;
	req->nlmsg_pid = 0;
	do {
		n = sendto(ctf_nlsock_fd(dump->sock), req, req->nlmsg_len, 0,
			   (const struct sockaddr *)&kernel, sizeof(kernel));
	} while (n < 0 && errno == EINTR);
	if (n < 0 || (size_t)n != req->nlmsg_len) {
		ret = n < 0 ? -errno : -EMSGSIZE;
		flowdump_abort(dump);
		return ret;
	}
	dump->running = true;
	return 0;
}

/* The error an ERROR or DONE message carries (0: none). */
static int end_error(const struct nlmsghdr *nlh)
{
	int error;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(error))
		return 0;
	memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
	return error < 0 ? error : 0;
}

static int msg_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct flowdump *dump = arg;

	/* Another request's reply, or what follows the end: not this dump's. */
	if (nlh->nlmsg_seq != dump->seq || dump->ended)
		return 0;
	if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR) {
		dump->ended = true;
		dump->error = end_error(nlh);
		return 0;
	}
	return dump->cb(nlh, dump->arg);
}

int flowdump_step(struct flowdump *dump, ctf_nl_cb cb, void *arg)
{
	int ret;

	if (!dump->running)
		return -EBADF;
	dump->cb = cb;
	dump->arg = arg;
	ret = ctf_nlsock_recv(dump->sock, msg_cb, dump);
	if (ret == -EAGAIN)
		return ret;
	if (ret == -EPROTO)
		return 1;	/* a datagram not from the kernel: read on */
	if (ret >= 0 && !dump->ended)
		return 1;
	if (ret < 0 || dump->error) {
		flowdump_abort(dump);
		return ret < 0 ? ret : dump->error;
	}
	dump->running = false;	/* ended cleanly: the socket serves the next dump */
	return 0;
}
