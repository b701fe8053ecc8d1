// SPDX-License-Identifier: Apache-2.0
/*
 * ctnetlink messages (conntrack entries and statistics), decoded and printed
 * in every form, in a buffer of exactly the message's length.
 */
#include <linux/netlink.h>

#include "ctflow/conntrack.h"
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctf_ct_entry e;
	struct ctf_err err;
	struct nlmsghdr *nlh;
	uint32_t n;

	if (size < NLMSG_HDRLEN)
		return 0;
	nlh = malloc(size);
	memcpy(nlh, data, size);
	nlh->nlmsg_len = (uint32_t)size;
	if (!ctf_ct_decode(nlh, &e, &err)) {
		struct ctf_str out;

		ctf_str_init(&out);
		ctf_ct_format_entry(&out, &e, false, false);
		ctf_ct_format_entry(&out, &e, true, true);
		ctf_str_free(&out);
	}
	ctf_ct_decode_stats(nlh, &n, &err);
	free(nlh);
	return 0;
}
