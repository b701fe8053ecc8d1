// SPDX-License-Identifier: Apache-2.0
/*
 * What the kernel sends, decoded and printed: the input is one netlink
 * message in a buffer of exactly its length, with nlmsg_len set to that
 * length (aligned or not), and every decoder must stay inside it. The first
 * byte picks the decoder, so one corpus reaches them all: flow replies and
 * dumps (and the key and mask streams in them), upcalls, monitor
 * notifications, datapath and vport replies, ACKs and extended ACKs, zone
 * limits.
 */
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "ctflow/conntrack.h"
#include "ctflow/dp.h"
#include "ctflow/flow.h"
#include "ctflow/match.h"
#include "ctflow/monitor.h"
#include "ctflow/nlsock.h"
#include "fuzz-common.h"

enum { FAM_DP = 0x20, FAM_VPORT, FAM_FLOW, FAM_PACKET };

static int limit_cb(const struct ctf_ct_zone_limit *zl, void *arg)
{
	(void)zl;
	(void)arg;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ctf_monitor_families fam = { FAM_DP, FAM_VPORT, FAM_FLOW, FAM_PACKET };
	struct nlmsghdr *nlh;
	struct ctf_str out;
	uint8_t which;

	if (size < 1 + NLMSG_HDRLEN)
		return 0;
	which = data[0] % 8;
	data++;
	size--;
	nlh = malloc(size);
	memcpy(nlh, data, size);
	nlh->nlmsg_len = (uint32_t)size;
	ctf_str_init(&out);
	switch (which) {
	case 0: {
		struct ctf_flow_info f;
		struct ctf_flow_key k;

		if (!ctf_flow_info_parse(nlh, &f)) {
			ctf_flow_format(&f, 0, NULL, CTF_FMT_VERBOSE, &out);
			if (f.key)
				ctf_flow_key_from_attrs(f.key, f.key_len, &k, NULL);
			if (f.mask)
				ctf_flow_key_from_attrs(f.mask, f.mask_len, &k, NULL);
		}
		break;
	}
	case 1:
		nlh->nlmsg_type = FAM_PACKET;
		ctf_upcall_format(nlh, FAM_PACKET, NULL, 0, &out);
		ctf_upcall_format(nlh, FAM_PACKET, NULL, CTF_MON_VERBOSE, &out);
		break;
	case 2:
		nlh->nlmsg_type = FAM_DP + (nlh->nlmsg_type & 3);
		ctf_monitor_format(nlh, &fam, 0, 0, 0, &out);
		ctf_monitor_format(nlh, &fam, 0, 0, CTF_MON_VERBOSE, &out);
		break;
	case 3: {
		struct ctf_dp_info info;

		ctf_dp_decode(nlh, &info);
		break;
	}
	case 4: {
		struct ctf_vport_info info;

		ctf_vport_decode(nlh, &info);
		break;
	}
	case 5: {
		struct ctf_err err;

		nlh->nlmsg_type = NLMSG_ERROR;
		ctf_err_from_ack(nlh, &err);
		break;
	}
	case 6:
		ctf_ct_limit_parse(nlh, limit_cb, NULL);
		break;
	default: {
		/* A bare attribute stream (a flow key) of exactly the input's length. */
		struct ctf_flow_key k;

		if (!ctf_flow_key_from_attrs(nlh, size, &k, NULL))
			ctf_key_format(nlh, size, NULL, 0, NULL, CTF_FMT_VERBOSE, &out);
		break;
	}
	}
	ctf_str_free(&out);
	free(nlh);
	return 0;
}
