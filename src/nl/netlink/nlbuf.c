// SPDX-License-Identifier: Apache-2.0
/* Attribute streams built in place with libmnl (see ctflow/nlbuf.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "ctflow/nlbuf.h"
#include "ctflow/util.h"
#include "netlink/nla-inline.h"

int ctf_nlbuf_init(struct ctf_nlbuf *b, size_t cap)
{
	if (cap < CTF_NLMSG_HDRLEN)
		cap = CTF_NLMSG_HDRLEN;
	if (cap > CTF_NLBUF_MAX + CTF_NLMSG_HDRLEN)
		cap = CTF_NLBUF_MAX + CTF_NLMSG_HDRLEN;
	b->nlh = ctf_xzalloc(cap);
	b->cap = cap;
	mnl_nlmsg_put_header(b->nlh);
	return 0;
}

void ctf_nlbuf_free(struct ctf_nlbuf *b)
{
	free(b->nlh);
	b->nlh = NULL;
	b->cap = 0;
}

void ctf_nlbuf_reset(struct ctf_nlbuf *b)
{
	b->nlh->nlmsg_len = CTF_NLMSG_HDRLEN;
}

int ctf_nlbuf_set(struct ctf_nlbuf *b, const void *data, size_t len)
{
	if (len > b->cap - CTF_NLMSG_HDRLEN)
		return -EMSGSIZE;
	memcpy(mnl_nlmsg_get_payload(b->nlh), data, len);
	b->nlh->nlmsg_len = (uint32_t)(CTF_NLMSG_HDRLEN + len);	/* cap <= CTF_NLBUF_MAX + header */
	return 0;
}

const void *ctf_nlbuf_data(const struct ctf_nlbuf *b)
{
	return mnl_nlmsg_get_payload(b->nlh);
}

size_t ctf_nlbuf_len(const struct ctf_nlbuf *b)
{
	return mnl_nlmsg_get_payload_len(b->nlh);
}

size_t ctf_nlbuf_buflen(const struct ctf_nlbuf *b)
{
	return b->cap;
}

void ctf_nlbuf_shrink(struct ctf_nlbuf *b)
{
	size_t need = b->nlh->nlmsg_len;

	if (need < b->cap) {
		b->nlh = ctf_xrealloc(b->nlh, need);
		b->cap = need;
	}
}
