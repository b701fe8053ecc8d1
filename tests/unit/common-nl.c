// SPDX-License-Identifier: Apache-2.0
/* The attribute builders of common.h (apart, so only their users need libmnl). */
#include <arpa/inet.h>

#include "common.h"

void ck_put(struct ctf_nlbuf *b, uint16_t type, const void *p, size_t len)
{
	ck_assert_msg(mnl_attr_put_check(b->nlh, ctf_nlbuf_buflen(b), type, len, p),
		      "attribute %u (%zu bytes) does not fit the test's buffer", type, len);
}

void ck_put_u8(struct ctf_nlbuf *b, uint16_t type, uint8_t v)
{
	ck_put(b, type, &v, sizeof(v));
}

void ck_put_u16(struct ctf_nlbuf *b, uint16_t type, uint16_t v)
{
	ck_put(b, type, &v, sizeof(v));
}

void ck_put_be16(struct ctf_nlbuf *b, uint16_t type, uint16_t v)
{
	v = htons(v);
	ck_put(b, type, &v, sizeof(v));
}

void ck_put_u32(struct ctf_nlbuf *b, uint16_t type, uint32_t v)
{
	ck_put(b, type, &v, sizeof(v));
}

void ck_put_be32(struct ctf_nlbuf *b, uint16_t type, uint32_t v)
{
	v = htonl(v);
	ck_put(b, type, &v, sizeof(v));
}

struct nlattr *ck_nest(struct ctf_nlbuf *b, uint16_t type)
{
	struct nlattr *n = mnl_attr_nest_start_check(b->nlh, ctf_nlbuf_buflen(b), type);

	ck_assert_msg(n != NULL, "nest %u does not fit the test's buffer", type);
	return n;
}

void ck_nest_end(struct ctf_nlbuf *b, struct nlattr *n)
{
	mnl_attr_nest_end(b->nlh, n);
}
