/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A free-standing stream of netlink attributes (a flow key, a mask, an action
 * list) built with libmnl. The buffer starts with a scratch nlmsghdr so every
 * mnl_attr_put*() and nest helper works on it unchanged; the stream itself is
 * that header's payload.
 */
#ifndef CTFLOW_NLBUF_H
#define CTFLOW_NLBUF_H

#include <stddef.h>
#include <linux/netlink.h>

struct ctf_nlbuf {
	struct nlmsghdr *nlh;	/* scratch header; payload = the stream */
	size_t cap;		/* bytes allocated for header + stream */
};

/* Maximum stream we ever build: a netlink attribute length is a u16. */
#define CTF_NLBUF_MAX 65536u

int ctf_nlbuf_init(struct ctf_nlbuf *b, size_t cap);
void ctf_nlbuf_free(struct ctf_nlbuf *b);
void ctf_nlbuf_reset(struct ctf_nlbuf *b);
/* Replace the content with a copy of @len bytes of attributes. */
int ctf_nlbuf_set(struct ctf_nlbuf *b, const void *data, size_t len);
const void *ctf_nlbuf_data(const struct ctf_nlbuf *b);
size_t ctf_nlbuf_len(const struct ctf_nlbuf *b);
/* Give back the capacity beyond the content (streams kept for long, such as a policy's). */
void ctf_nlbuf_shrink(struct ctf_nlbuf *b);
/* Capacity left for mnl_attr_put_*_check(): pass as the "buflen" argument. */
size_t ctf_nlbuf_buflen(const struct ctf_nlbuf *b);

#endif
