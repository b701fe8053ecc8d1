// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for the generic-netlink socket layer and the datapath/port
 * decoding and printing: request headers, NLMSG_ERROR/DONE with extended
 * ACKs (built byte by byte the way the kernel lays them out), NLE_* ->
 * errno, table-driven attribute checks, datapath and vport decoding, the
 * `show` and --json output, batch bookkeeping, and garbage that must not
 * crash. The last tests talk to the kernel's own generic-netlink controller
 * (always present, no openvswitch module needed) to check ACKs, dumps and
 * batches matched by sequence number on a real socket.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <netlink/errno.h>

#include "ctflow/compat.h"
#include "ctflow/dp.h"
#include "ctflow/nlsock.h"
#include "ctflow/util.h"
#include "output.h"
#include "common.h"

/* ---- helpers: messages as the kernel would send them ------------------- */

static union {
	char bytes[8192];
	struct nlmsghdr align;
} ubuf;
static char *const buf = ubuf.bytes;

/* An NLMSG_ERROR for a 40-byte request; @capped: NETLINK_CAP_ACK was on. */
static struct nlmsghdr *make_error(int error, bool capped, const char *msg, int offs,
				   int miss_type)
{
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;

	memset(buf, 0, sizeof(ubuf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = 77;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = error;
	e->msg.nlmsg_len = 40;
	e->msg.nlmsg_type = 0x1234;
	e->msg.nlmsg_seq = 77;
	if (capped) {
		nlh->nlmsg_flags |= NLM_F_CAPPED;
	} else {
		/* The echoed request body: bytes that must not be taken for TLVs. */
		char *body = mnl_nlmsg_put_extra_header(nlh, 40 - NLMSG_HDRLEN);

		memset(body, 0xee, 40 - NLMSG_HDRLEN);
	}
	if (msg || offs >= 0 || miss_type >= 0) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		if (msg)
			mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
		if (offs >= 0)
			mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, (uint32_t)offs);
		if (miss_type >= 0)
			mnl_attr_put_u32(nlh, NLMSGERR_ATTR_MISS_TYPE, (uint32_t)miss_type);
	}
	return nlh;
}

/* A reply of an ovs_* family: headers, then the caller's attributes. */
static struct nlmsghdr *make_reply(uint8_t cmd, int dp_ifindex)
{
	memset(buf, 0, sizeof(ubuf));
	return ctf_genl_req_init(buf, sizeof(ubuf), 0x42, cmd, 1, 0, dp_ifindex);
}

/* ---- request headers --------------------------------------------------- */

START_TEST(req_init_lays_out_headers)
{
	char small[CTF_OVS_HDRLEN - 1];
	struct nlmsghdr *nlh = ctf_genl_req_init(buf, 64, 0x1d, OVS_DP_CMD_GET,
						 OVS_DATAPATH_VERSION, NLM_F_ECHO, 42);
	const struct genlmsghdr *genl;

	ck_assert_ptr_nonnull(nlh);
	ck_assert_uint_eq(nlh->nlmsg_len, 24);
	ck_assert_uint_eq(CTF_OVS_HDRLEN, 24);
	ck_assert_uint_eq(nlh->nlmsg_type, 0x1d);
	ck_assert_uint_eq(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ECHO);
	genl = ctf_genl_hdr(nlh);
	ck_assert_uint_eq(genl->cmd, OVS_DP_CMD_GET);
	ck_assert_uint_eq(genl->version, 2);
	ck_assert_int_eq(ctf_genl_ovs_header(nlh)->dp_ifindex, 42);
	/* Attributes go right after the ovs_header, within the buffer given. */
	ck_assert_int_eq(mnl_attr_put_u32_check(nlh, 64, OVS_DP_ATTR_UPCALL_PID, 7), 1);
	ck_assert_uint_eq(nlh->nlmsg_len, 32);
	ck_assert_int_eq(mnl_attr_put_strz_check(nlh, 64, OVS_DP_ATTR_NAME,
						 "a-name-that-does-not-fit-in-64-bytes-at-all"), 0);
	ck_assert_ptr_null(ctf_genl_req_init(small, sizeof(small), 1, 1, 1, 0, 0));
	/* Too short to hold an ovs_header: no header pointers. */
	nlh->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	ck_assert_ptr_nonnull(ctf_genl_hdr(nlh));
	ck_assert_ptr_null(ctf_genl_ovs_header(nlh));
}
END_TEST

/* ---- extended ACKs ----------------------------------------------------- */

START_TEST(ext_ack_capped)
{
	struct ctf_err err;
	struct nlmsghdr *nlh = make_error(-EINVAL, true, "Missing key (keys=40, expected=80)", 28, -1);

	/* A carrier a parser used before: the kernel's answer replaces all of it. */
	ctf_err_set(&err, "bad token");
	ctf_err_hint(&err, "a hint of ours");
	ck_assert_int_eq(ctf_err_from_ack(nlh, &err), -EINVAL);
	ck_assert_str_eq(err.hint, "");
	ck_assert_int_eq(err.error, -EINVAL);
	ck_assert_str_eq(err.msg, "Missing key (keys=40, expected=80)");
	ck_assert(err.has_offset);
	ck_assert_uint_eq(err.offset, 28);
}
END_TEST

START_TEST(ext_ack_uncapped_skips_echoed_request)
{
	struct ctf_err err;
	struct nlmsghdr *nlh = make_error(-EEXIST, false, "exists\n", -1, -1);

	ck_assert_int_eq(ctf_err_from_ack(nlh, &err), -EEXIST);
	/* The kernel's trailing newline is dropped. */
	ck_assert_str_eq(err.msg, "exists");
	ck_assert(!err.has_offset);
}
END_TEST

START_TEST(ack_and_plain_errors)
{
	struct ctf_err err;

	ck_assert_int_eq(ctf_err_from_ack(make_error(0, true, NULL, -1, -1), &err), 0);
	ck_assert_int_eq(err.error, 0);
	ck_assert_str_eq(err.msg, "");
	ck_assert_int_eq(ctf_err_from_ack(make_error(-ENODEV, false, NULL, -1, -1), &err), -ENODEV);
	ck_assert_str_eq(err.msg, "");
	/* A positive code never reads as success. */
	ck_assert_int_eq(ctf_err_from_ack(make_error(EPERM, true, NULL, -1, -1), &err), -EPERM);
	/* NULL is allowed when only the code matters. */
	ck_assert_int_eq(ctf_err_from_ack(make_error(-ENOENT, true, "x", -1, -1), NULL), -ENOENT);
}
END_TEST

START_TEST(ext_ack_missing_attribute_and_long_text)
{
	struct ctf_err err;
	char longmsg[600];

	ck_assert_int_eq(ctf_err_from_ack(make_error(-EINVAL, true, NULL, -1, 5), &err), -EINVAL);
	ck_assert_str_eq(err.msg, "missing required attribute 5");
	/* Text wins over the generic "missing" line. */
	ctf_err_from_ack(make_error(-EINVAL, true, "need a name", -1, 3), &err);
	ck_assert_str_eq(err.msg, "need a name");
	memset(longmsg, 'k', sizeof(longmsg) - 1);
	longmsg[sizeof(longmsg) - 1] = '\0';
	ctf_err_from_ack(make_error(-EINVAL, true, longmsg, -1, -1), &err);
	ck_assert_uint_eq(strlen(err.msg), sizeof(err.msg) - 1);
}
END_TEST

START_TEST(done_carries_dump_error)
{
	struct ctf_err err;
	struct nlmsghdr *nlh;
	int code = -EMSGSIZE;

	memset(buf, 0, sizeof(ubuf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI | NLM_F_ACK_TLVS;
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(int)), &code, sizeof(int));
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "dump too big");
	ck_assert_int_eq(ctf_err_from_ack(nlh, &err), -EMSGSIZE);
	ck_assert_str_eq(err.msg, "dump too big");
	/* A DONE with no payload (old kernels) is a clean end. */
	nlh->nlmsg_len = NLMSG_HDRLEN;
	ck_assert_int_eq(ctf_err_from_ack(nlh, &err), 0);
}
END_TEST

START_TEST(malformed_errors_are_refused)
{
	struct ctf_err err;
	struct nlmsghdr *nlh = make_error(-EINVAL, true, "x", -1, -1);

	nlh->nlmsg_len = NLMSG_HDRLEN + 8;	/* shorter than struct nlmsgerr */
	ck_assert_int_eq(ctf_err_from_ack(nlh, &err), -EBADMSG);
	nlh = make_error(-EINVAL, false, NULL, -1, -1);
	((struct nlmsgerr *)mnl_nlmsg_get_payload(nlh))->msg.nlmsg_len = 3;	/* < header */
	ck_assert_int_eq(ctf_err_from_ack(nlh, &err), -EBADMSG);
	nlh = make_reply(1, 0);	/* not an error at all */
	ck_assert_int_eq(ctf_err_from_ack(nlh, &err), -EBADMSG);
}
END_TEST

/* Truncations and random bytes: parse, never crash (ASan watches). */
START_TEST(ext_ack_fuzz)
{
	struct ctf_err err;
	unsigned seed = 12345;

	for (int capped = 0; capped < 2; capped++) {
		struct nlmsghdr *nlh = make_error(-EINVAL, capped, "some reason", 24, 2);
		uint32_t full = nlh->nlmsg_len;

		for (uint32_t len = NLMSG_HDRLEN; len <= full; len++) {
			nlh->nlmsg_len = len;
			ctf_err_from_ack(nlh, &err);
			ck_assert_uint_lt(strlen(err.msg), sizeof(err.msg));
		}
	}
	for (int round = 0; round < 2000; round++) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
		uint32_t len = NLMSG_HDRLEN + (uint32_t)(rand_r(&seed) % 200);

		for (uint32_t i = 0; i < len; i++)
			buf[i] = (char)rand_r(&seed);
		nlh->nlmsg_len = len;
		nlh->nlmsg_type = round & 1 ? NLMSG_ERROR : NLMSG_DONE;
		ctf_err_from_ack(nlh, &err);
		ck_assert_uint_lt(strlen(err.msg), sizeof(err.msg));
	}
}
END_TEST

/* ---- NLE_* -> errno ----------------------------------------------------- */

START_TEST(nle_maps_to_errno)
{
	ck_assert_int_eq(ctf_nle_to_errno(0), 0);
	ck_assert_int_eq(ctf_nle_to_errno(-NLE_OBJ_NOTFOUND), -ENOENT);
	ck_assert_int_eq(ctf_nle_to_errno(NLE_OBJ_NOTFOUND), -ENOENT);
	ck_assert_int_eq(ctf_nle_to_errno(-NLE_PERM), -EPERM);
	ck_assert_int_eq(ctf_nle_to_errno(-NLE_NOACCESS), -EACCES);
	ck_assert_int_eq(ctf_nle_to_errno(-NLE_EXIST), -EEXIST);
	ck_assert_int_eq(ctf_nle_to_errno(-NLE_NODEV), -ENODEV);
	ck_assert_int_eq(ctf_nle_to_errno(-NLE_NOMEM), -ENOMEM);
	ck_assert_int_eq(ctf_nle_to_errno(-NLE_OPNOTSUPP), -EOPNOTSUPP);
	ck_assert_int_eq(ctf_nle_to_errno(-NLE_BUSY), -EBUSY);
	ck_assert_int_eq(ctf_nle_to_errno(-NLE_SEQ_MISMATCH), -EPROTO);
	/* Codes from a newer libnl: an errno still, never success. */
	ck_assert_int_eq(ctf_nle_to_errno(-999), -EIO);
	ck_assert_int_eq(ctf_nle_to_errno(-NLE_FAILURE), -EIO);
}
END_TEST

/* ---- table-driven attribute checks -------------------------------------- */

static const struct ctf_attr_rule test_rules[6] = {
	[1] = CTF_RULE_U32("a"),
	[2] = CTF_RULE_STRZ("name", 8),
	[3] = CTF_RULE_MIN("blob", 16),
	[4] = CTF_RULE_U32_ARRAY("pids"),
	[5] = CTF_RULE_FLAG("flag"),
};

START_TEST(attr_rules_check_lengths)
{
	const struct nlattr *tb[6];
	struct nlmsghdr *nlh = make_reply(1, 0);
	char blob[16] = { 0 };
	uint32_t pids[3] = { 1, 2, 3 };

	mnl_attr_put_u32(nlh, 1, 9);
	mnl_attr_put_strz(nlh, 2, "abc");
	mnl_attr_put(nlh, 3, sizeof(blob), blob);
	mnl_attr_put(nlh, 4, sizeof(pids), pids);
	mnl_attr_put(nlh, 5, 0, NULL);
	mnl_attr_put_u64(nlh, 40, 1);	/* from a newer kernel: skipped */
	ck_assert_int_eq(ctf_attrs_parse(nlh, CTF_OVS_ATTR_OFFSET, test_rules, 5, tb), 0);
	ck_assert_uint_eq(mnl_attr_get_u32(tb[1]), 9);
	ck_assert_str_eq(mnl_attr_get_str(tb[2]), "abc");
	ck_assert_ptr_nonnull(tb[3]);
	ck_assert_ptr_nonnull(tb[4]);
	ck_assert_ptr_nonnull(tb[5]);

	nlh = make_reply(1, 0);
	mnl_attr_put_u16(nlh, 1, 9);	/* u32 sent as 2 bytes */
	ck_assert_int_eq(ctf_attrs_parse(nlh, CTF_OVS_ATTR_OFFSET, test_rules, 5, tb), -EBADMSG);
	nlh = make_reply(1, 0);
	mnl_attr_put(nlh, 2, 3, "abc");	/* no NUL */
	ck_assert_int_eq(ctf_attrs_parse(nlh, CTF_OVS_ATTR_OFFSET, test_rules, 5, tb), -EBADMSG);
	nlh = make_reply(1, 0);
	mnl_attr_put_strz(nlh, 2, "too-long-name");	/* > 8 with NUL */
	ck_assert_int_eq(ctf_attrs_parse(nlh, CTF_OVS_ATTR_OFFSET, test_rules, 5, tb), -EBADMSG);
	nlh = make_reply(1, 0);
	mnl_attr_put(nlh, 3, 8, blob);	/* struct too short */
	ck_assert_int_eq(ctf_attrs_parse(nlh, CTF_OVS_ATTR_OFFSET, test_rules, 5, tb), -EBADMSG);
	nlh = make_reply(1, 0);
	mnl_attr_put(nlh, 4, 6, pids);	/* not a multiple of 4 */
	ck_assert_int_eq(ctf_attrs_parse(nlh, CTF_OVS_ATTR_OFFSET, test_rules, 5, tb), -EBADMSG);
	nlh = make_reply(1, 0);
	mnl_attr_put(nlh, 4, 0, NULL);	/* an empty array */
	ck_assert_int_eq(ctf_attrs_parse(nlh, CTF_OVS_ATTR_OFFSET, test_rules, 5, tb), -EBADMSG);
	nlh = make_reply(1, 0);
	mnl_attr_put(nlh, 5, 1, "");	/* a flag with a payload */
	ck_assert_int_eq(ctf_attrs_parse(nlh, CTF_OVS_ATTR_OFFSET, test_rules, 5, tb), -EBADMSG);
	nlh = make_reply(1, 0);
	nlh->nlmsg_len = NLMSG_HDRLEN + 2;	/* shorter than the fixed headers */
	ck_assert_int_eq(ctf_attrs_parse(nlh, CTF_OVS_ATTR_OFFSET, test_rules, 5, tb), -EBADMSG);
}
END_TEST

/* ---- datapath and vport decoding ---------------------------------------- */

static struct nlmsghdr *make_dp_reply(void)
{
	struct nlmsghdr *nlh = make_reply(OVS_DP_CMD_NEW, 9);
	struct ovs_dp_stats st = { .n_hit = 10, .n_missed = 5, .n_lost = 1, .n_flows = 3 };
	struct ovs_dp_megaflow_stats mst = { .n_mask_hit = 30, .n_masks = 2, .n_cache_hit = 6 };
	uint32_t pids[4] = { 100, 101, 102, 103 };

	mnl_attr_put_strz(nlh, OVS_DP_ATTR_NAME, "br0");
	mnl_attr_put(nlh, OVS_DP_ATTR_STATS, sizeof(st), &st);
	mnl_attr_put(nlh, OVS_DP_ATTR_MEGAFLOW_STATS, sizeof(mst), &mst);
	mnl_attr_put_u32(nlh, OVS_DP_ATTR_USER_FEATURES,
			 OVS_DP_F_UNALIGNED | OVS_DP_F_DISPATCH_UPCALL_PER_CPU);
	mnl_attr_put_u32(nlh, OVS_DP_ATTR_MASKS_CACHE_SIZE, 256);
	mnl_attr_put(nlh, OVS_DP_ATTR_PER_CPU_PIDS, sizeof(pids), pids);
	return nlh;
}

START_TEST(dp_decode_reads_every_field)
{
	struct ctf_dp_info dp;

	ck_assert_int_eq(ctf_dp_decode(make_dp_reply(), &dp), 0);
	ck_assert_str_eq(dp.name, "br0");
	ck_assert_int_eq(dp.dp_ifindex, 9);
	ck_assert(dp.has_stats && dp.has_megaflow_stats && dp.has_user_features);
	ck_assert_uint_eq(dp.n_hit, 10);
	ck_assert_uint_eq(dp.n_missed, 5);
	ck_assert_uint_eq(dp.n_lost, 1);
	ck_assert_uint_eq(dp.n_flows, 3);
	ck_assert_uint_eq(dp.n_mask_hit, 30);
	ck_assert_uint_eq(dp.n_masks, 2);
	ck_assert_uint_eq(dp.n_cache_hit, 6);
	ck_assert_uint_eq(dp.user_features, OVS_DP_F_UNALIGNED | OVS_DP_F_DISPATCH_UPCALL_PER_CPU);
	ck_assert(dp.has_masks_cache_size);
	ck_assert_uint_eq(dp.masks_cache_size, 256);
	ck_assert_uint_eq(dp.n_per_cpu_pids, 4);
	ck_assert_uint_eq(dp.per_cpu_pid0, 100);
	ck_assert_str_eq(ctf_dp_dispatch_mode(&dp), "per-cpu");
}
END_TEST

START_TEST(dp_decode_old_and_bad_replies)
{
	struct ctf_dp_info dp;
	struct nlmsghdr *nlh = make_reply(OVS_DP_CMD_NEW, 3);
	char old_megaflow[16] = { 7 };	/* pre-5.9 kernels: no n_cache_hit */

	mnl_attr_put_strz(nlh, OVS_DP_ATTR_NAME, "old");
	mnl_attr_put(nlh, OVS_DP_ATTR_MEGAFLOW_STATS, sizeof(old_megaflow), old_megaflow);
	ck_assert_int_eq(ctf_dp_decode(nlh, &dp), 0);
	ck_assert(!dp.has_stats && dp.has_megaflow_stats && !dp.has_masks_cache_size);
	ck_assert_uint_eq(dp.n_mask_hit, 7);
	ck_assert_uint_eq(dp.n_cache_hit, 0);
	ck_assert_str_eq(ctf_dp_dispatch_mode(&dp), "per-vport");

	nlh = make_reply(OVS_DP_CMD_NEW, 3);
	mnl_attr_put(nlh, OVS_DP_ATTR_STATS, 16, old_megaflow);	/* stats cut short */
	ck_assert_int_eq(ctf_dp_decode(nlh, &dp), -EBADMSG);
	nlh = make_reply(OVS_DP_CMD_NEW, 3);
	nlh->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;	/* no ovs_header */
	ck_assert_int_eq(ctf_dp_decode(nlh, &dp), -EBADMSG);
}
END_TEST

static struct nlmsghdr *make_vport_reply(uint32_t port_no, uint32_t type, const char *name)
{
	struct nlmsghdr *nlh = make_reply(OVS_VPORT_CMD_NEW, 9);
	struct ovs_vport_stats st = {
		.rx_packets = 1, .tx_packets = 2, .rx_bytes = 1536, .tx_bytes = 3 << 20,
		.rx_errors = 5, .tx_errors = 6, .rx_dropped = 7, .tx_dropped = 8,
	};

	mnl_attr_put_u32(nlh, OVS_VPORT_ATTR_PORT_NO, port_no);
	mnl_attr_put_u32(nlh, OVS_VPORT_ATTR_TYPE, type);
	mnl_attr_put_strz(nlh, OVS_VPORT_ATTR_NAME, name);
	mnl_attr_put(nlh, OVS_VPORT_ATTR_STATS, sizeof(st), &st);
	mnl_attr_put_u32(nlh, OVS_VPORT_ATTR_IFINDEX, 30 + port_no);
	return nlh;
}

START_TEST(vport_decode_reads_every_field)
{
	struct ctf_vport_info p;
	struct nlmsghdr *nlh = make_vport_reply(4, OVS_VPORT_TYPE_VXLAN, "vx0");
	uint32_t pids[3] = { 11, 12, 13 };
	struct nlattr *nest;

	mnl_attr_put(nlh, OVS_VPORT_ATTR_UPCALL_PID, sizeof(pids), pids);
	nest = mnl_attr_nest_start(nlh, OVS_VPORT_ATTR_OPTIONS);
	mnl_attr_put_u16(nlh, OVS_TUNNEL_ATTR_DST_PORT, 4789);
	mnl_attr_nest_end(nlh, nest);
	nest = mnl_attr_nest_start(nlh, OVS_VPORT_ATTR_UPCALL_STATS);
	mnl_attr_put_u64(nlh, OVS_VPORT_UPCALL_ATTR_SUCCESS, 99);	/* type 0 */
	mnl_attr_put_u64(nlh, OVS_VPORT_UPCALL_ATTR_FAIL, 2);
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_put_u32(nlh, OVS_VPORT_ATTR_NETNSID, 1);

	ck_assert_int_eq(ctf_vport_decode(nlh, &p), 0);
	ck_assert_uint_eq(p.port_no, 4);
	ck_assert_uint_eq(p.type, OVS_VPORT_TYPE_VXLAN);
	ck_assert_str_eq(p.name, "vx0");
	ck_assert_int_eq(p.dp_ifindex, 9);
	ck_assert_int_eq(p.ifindex, 34);
	ck_assert(p.has_netnsid);
	ck_assert_uint_eq(p.n_upcall_pids, 3);
	ck_assert_uint_eq(p.upcall_pid0, 11);
	ck_assert(p.has_stats);
	ck_assert_uint_eq(p.rx_bytes, 1536);
	ck_assert_uint_eq(p.tx_dropped, 8);
	ck_assert(p.has_upcall_stats);
	ck_assert_uint_eq(p.upcall_success, 99);
	ck_assert_uint_eq(p.upcall_fail, 2);
	ck_assert(p.has_dst_port);
	ck_assert_uint_eq(p.dst_port, 4789);
}
END_TEST

START_TEST(vport_decode_refuses_incomplete_ports)
{
	struct ctf_vport_info p;
	struct nlmsghdr *nlh = make_reply(OVS_VPORT_CMD_NEW, 9);

	mnl_attr_put_u32(nlh, OVS_VPORT_ATTR_PORT_NO, 1);
	mnl_attr_put_u32(nlh, OVS_VPORT_ATTR_TYPE, OVS_VPORT_TYPE_NETDEV);
	ck_assert_int_eq(ctf_vport_decode(nlh, &p), -EBADMSG);	/* no name */
	mnl_attr_put_strz(nlh, OVS_VPORT_ATTR_NAME, "eth0");
	ck_assert_int_eq(ctf_vport_decode(nlh, &p), 0);
	ck_assert(!p.has_stats && !p.has_upcall_stats && !p.has_dst_port);
	struct nlattr *nest = mnl_attr_nest_start(nlh, OVS_VPORT_ATTR_UPCALL_STATS);

	mnl_attr_put_u32(nlh, OVS_VPORT_UPCALL_ATTR_FAIL, 1);	/* u64 sent as u32 */
	mnl_attr_nest_end(nlh, nest);
	ck_assert_int_eq(ctf_vport_decode(nlh, &p), -EBADMSG);
}
END_TEST

START_TEST(decoders_survive_garbage)
{
	struct ctf_dp_info dp;
	struct ctf_vport_info p;
	unsigned seed = 99;
	struct nlmsghdr *good = make_dp_reply();
	uint32_t full = good->nlmsg_len;

	for (uint32_t len = NLMSG_HDRLEN; len <= full; len++) {
		good->nlmsg_len = len;
		ctf_dp_decode(good, &dp);
	}
	for (int round = 0; round < 3000; round++) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
		uint32_t len = NLMSG_HDRLEN + (uint32_t)(rand_r(&seed) % 300);

		for (uint32_t i = NLMSG_HDRLEN; i < len; i++)
			buf[i] = (char)rand_r(&seed);
		nlh->nlmsg_len = len;
		if (ctf_dp_decode(nlh, &dp) == 0)
			ck_assert_uint_lt(strlen(dp.name), sizeof(dp.name));
		if (ctf_vport_decode(nlh, &p) == 0)
			ck_assert_uint_lt(strlen(p.name), sizeof(p.name));
	}
}
END_TEST

/* ---- show and features text --------------------------------------------- */

START_TEST(show_has_ovs_dpctl_layout)
{
	struct ctf_dp_info dp;
	struct ctf_vport_info ports[3];
	struct ctf_kernel_features feat = { .per_cpu_dispatch = true, .ct_limit = true,
					    .explicit_drop = true, .explicit_drop_probed = true };
	struct ctf_str out = { 0 };

	ck_assert_int_eq(ctf_dp_decode(make_dp_reply(), &dp), 0);
	ck_assert_int_eq(ctf_vport_decode(make_vport_reply(7, OVS_VPORT_TYPE_NETDEV, "eth7"),
					  &ports[0]), 0);
	ck_assert_int_eq(ctf_vport_decode(make_vport_reply(0, OVS_VPORT_TYPE_INTERNAL, "br0"),
					  &ports[1]), 0);
	ck_assert_int_eq(ctf_vport_decode(make_vport_reply(2, OVS_VPORT_TYPE_INTERNAL, "i2"),
					  &ports[2]), 0);
	ctf_vport_sort(ports, 3);
	ctf_dp_format_show(&dp, ports, 3, NULL, 0, &out);
	ck_assert_str_eq(ctf_str_cstr(&out),
			 "system@br0:\n"
			 "  lookups: hit:10 missed:5 lost:1\n"
			 "  flows: 3\n"
			 "  masks: hit:30 total:2 hit/pkt:2.00\n"
			 "  cache: hit:6 hit-rate:40.00%\n"
			 "  caches:\n"
			 "    masks-cache: size:256\n"
			 "  port 0: br0 (internal)\n"
			 "  port 2: i2 (internal)\n"
			 "  port 7: eth7\n"
			 "  upcall dispatch: per-cpu\n"
			 "  features: unaligned,per-cpu\n");
	ctf_str_clear(&out);
	ctf_dp_format_show(&dp, ports + 2, 1, &feat, CTF_DP_SHOW_STATS, &out);
	ck_assert_str_eq(ctf_str_cstr(&out),
			 "system@br0:\n"
			 "  lookups: hit:10 missed:5 lost:1\n"
			 "  flows: 3\n"
			 "  masks: hit:30 total:2 hit/pkt:2.00\n"
			 "  cache: hit:6 hit-rate:40.00%\n"
			 "  caches:\n"
			 "    masks-cache: size:256\n"
			 "  port 7: eth7\n"
			 "    RX packets:1 errors:5 dropped:7 overruns:0 frame:0\n"
			 "    TX packets:2 errors:6 dropped:8 aborted:0 carrier:0\n"
			 "    collisions:0\n"
			 "    RX bytes:1536 (1.5 KiB)  TX bytes:3145728 (3.0 MiB)\n"
			 "  upcall dispatch: per-cpu\n"
			 "  features: unaligned,per-cpu\n"
			 "  kernel features: per-cpu-dispatch,ct-limit,drop-action\n");
	ctf_str_free(&out);
}
END_TEST

START_TEST(show_without_cache_hits_or_stats)
{
	struct ctf_dp_info dp = { .name = "d", .has_stats = true, .has_megaflow_stats = true };
	struct ctf_str out = { 0 };

	/* No cache hits: ovs-dpctl omits the cache line (old kernels report 0). */
	ctf_dp_format_show(&dp, NULL, 0, NULL, 0, &out);
	ck_assert_str_eq(ctf_str_cstr(&out),
			 "system@d:\n"
			 "  lookups: hit:0 missed:0 lost:0\n"
			 "  flows: 0\n"
			 "  masks: hit:0 total:0 hit/pkt:0.00\n"
			 "  upcall dispatch: per-vport\n"
			 "  features: none\n");
	ctf_str_free(&out);
}
END_TEST

START_TEST(features_are_named)
{
	struct ctf_str out = { 0 };
	struct ctf_kernel_features none = { 0 };

	ctf_dp_features_format(OVS_DP_F_UNALIGNED | OVS_DP_F_VPORT_PIDS, &out);
	ck_assert_str_eq(ctf_str_cstr(&out), "unaligned,vport-pids");
	ctf_str_clear(&out);
	ctf_dp_features_format(OVS_DP_F_UNALIGNED | 0x30, &out);
	ck_assert_str_eq(ctf_str_cstr(&out), "unaligned,0x30");
	ctf_str_clear(&out);
	ctf_dp_features_format(0, &out);
	ck_assert_str_eq(ctf_str_cstr(&out), "none");
	ctf_str_clear(&out);
	ctf_kernel_features_format(&none, &out);
	ck_assert_str_eq(ctf_str_cstr(&out), "none");
	ctf_str_free(&out);
}
END_TEST

START_TEST(vport_types_round_trip)
{
	uint32_t t;

	ck_assert_int_eq(ctf_vport_type_parse("system", &t), 0);
	ck_assert_uint_eq(t, OVS_VPORT_TYPE_NETDEV);
	ck_assert_int_eq(ctf_vport_type_parse("geneve", &t), 0);
	ck_assert_str_eq(ctf_vport_type_name(t), "geneve");
	ck_assert_int_eq(ctf_vport_type_parse("tap", &t), -EINVAL);
	ck_assert_ptr_null(ctf_vport_type_name(0));
	ck_assert_ptr_null(ctf_vport_type_name(1000));
}
END_TEST

/* Arguments that cannot be sent are refused before the socket is touched. */
START_TEST(oversized_requests_are_refused)
{
	static uint32_t pids[20000];
	struct ctf_vport_req req = { .name = "p", .type = OVS_VPORT_TYPE_NETDEV,
				     .port_no = CTF_VPORT_NO_ANY, .upcall_pids = pids,
				     .n_upcall_pids = 20000 };
	struct ctf_vport_req noname = { .port_no = CTF_VPORT_NO_ANY };
	struct ctf_dp_ref ref = { .name = "dp" };
	struct ctf_err err;

	ck_assert_int_eq(ctf_vport_new(NULL, 1, &req, NULL, &err), -E2BIG);
	ck_assert_int_eq(err.error, -E2BIG);
	ck_assert_int_eq(ctf_vport_new(NULL, 1, &noname, NULL, &err), -EINVAL);
	ck_assert_int_eq(ctf_vport_set(NULL, 1, &noname, NULL, &err), -EINVAL);
	ck_assert_int_eq(ctf_dp_set(NULL, &ref, 0, pids, 20000, NULL, &err), -E2BIG);
	ck_assert_int_eq(ctf_dp_new(NULL, "", 0, 0, NULL, &err), -EINVAL);
}
END_TEST

/* ---- --json documents -------------------------------------------------- */

START_TEST(json_documents)
{
	struct ctf_dp_info dp;
	struct ctf_vport_info port;
	struct ctf_kernel_features feat = { .meter = true };
	struct json_object *doc, *o, *v;

	ck_assert_int_eq(ctf_dp_decode(make_dp_reply(), &dp), 0);
	doc = cli_json_dp_list(&dp, 1);
	ck_assert_str_eq(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN),
			 "{\"datapaths\":[{\"name\":\"br0\",\"type\":\"system\",\"dp_ifindex\":9}]}");
	json_object_put(doc);

	ck_assert_int_eq(ctf_vport_decode(make_vport_reply(1, OVS_VPORT_TYPE_NETDEV, "e1"),
					  &port), 0);
	o = cli_json_dp_show(&dp, &port, 1);
	ck_assert(json_object_object_get_ex(o, "upcall_dispatch", &v));
	ck_assert_str_eq(json_object_get_string(v), "per-cpu");
	ck_assert(json_object_object_get_ex(o, "user_features", &v));
	ck_assert_str_eq(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN),
			 "[\"unaligned\",\"per-cpu\"]");
	ck_assert(json_object_object_get_ex(o, "lookups", &v));
	ck_assert_str_eq(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN),
			 "{\"hit\":10,\"missed\":5,\"lost\":1}");
	ck_assert(json_object_object_get_ex(o, "ports", &v));
	ck_assert_int_eq(json_object_array_length(v), 1);
	v = json_object_array_get_idx(v, 0);
	ck_assert(json_object_object_get_ex(v, "type", &v));
	ck_assert_str_eq(json_object_get_string(v), "netdev");
	json_object_put(o);

	o = cli_json_kernel_features(&feat);
	ck_assert_str_eq(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
			 "{\"per_cpu_dispatch\":false,\"masks_cache\":false,\"dp_ifindex_attr\":false,"
			 "\"vport_upcall_stats\":false,\"ct_limit\":false,\"meter\":true,"
			 "\"explicit_drop\":null,\"psample\":null}");
	json_object_put(o);
}
END_TEST

/* ---- batch bookkeeping ---------------------------------------------------- */

START_TEST(batch_packs_requests)
{
	struct ctf_nlbatch b;
	struct nlmsghdr *nlh;

	ck_assert_int_eq(ctf_nlbatch_init(&b, 256, 3), 0);
	for (unsigned i = 0; i < 3; i++) {
		nlh = ctf_nlbatch_begin(&b, 0x20, OVS_FLOW_CMD_NEW, 1, 0, 5);
		ck_assert_ptr_nonnull(nlh);
		ck_assert_ptr_eq(nlh, (void *)(b.buf + i * 32));
		/* A second begin before end is refused. */
		ck_assert_ptr_null(ctf_nlbatch_begin(&b, 0x20, 1, 1, 0, 5));
		ck_assert_int_eq(mnl_attr_put_u32_check(nlh, ctf_nlbatch_room(&b), 1, i), 1);
		ck_assert_uint_eq(ctf_nlbatch_end(&b), i);
	}
	ck_assert_uint_eq(b.n, 3);
	ck_assert_uint_eq(b.len, 96);
	/* Out of slots. */
	ck_assert_ptr_null(ctf_nlbatch_begin(&b, 0x20, 1, 1, 0, 5));
	ctf_nlbatch_reset(&b);
	ck_assert_uint_eq(b.n, 0);
	/* An attribute that does not fit is refused and the request cancelled. */
	nlh = ctf_nlbatch_begin(&b, 0x20, 1, 1, 0, 5);
	ck_assert_int_eq(mnl_attr_put_check(nlh, ctf_nlbatch_room(&b), 1, 300, buf), 0);
	ctf_nlbatch_cancel(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(ctf_nlbatch_end(&b), UINT32_MAX);
	ctf_nlbatch_free(&b);
	ck_assert_int_eq(ctf_nlbatch_init(&b, 8, 1), -EINVAL);
}
END_TEST

/* ---- a real socket: the kernel's generic-netlink controller --------------- */

struct family_seen {
	unsigned n;
	bool saw_nlctrl;
	unsigned idx_mask;
};

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	struct family_seen *seen = data;

	if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_NAME &&
	    !strcmp(mnl_attr_get_str(attr), "nlctrl"))
		seen->saw_nlctrl = true;
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct family_seen *seen = arg;

	seen->n++;
	ctf_attr_walk(nlh, GENL_HDRLEN, family_attr_cb, seen);
	return 0;
}

static int batch_family_cb(unsigned idx, const struct nlmsghdr *nlh, void *arg)
{
	struct family_seen *seen = arg;

	seen->idx_mask |= 1u << idx;
	return family_cb(nlh, arg);
}

static int refuse_cb(const struct nlmsghdr *nlh, void *arg)
{
	return -ECANCELED;
}

/* CTRL_CMD_GETFAMILY has no ovs_header: trim it off our request. */
static struct nlmsghdr *ctrl_req(void *mem, size_t len, const char *family)
{
	struct nlmsghdr *nlh = ctf_genl_req_init(mem, len, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
						 1, 0, 0);

	nlh->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	if (family)
		mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, family);
	return nlh;
}

START_TEST(socket_transact_dump_and_batch)
{
	struct ctf_nlsock *sock;
	struct family_seen seen = { 0 };
	struct ctf_err err;
	struct ctf_nlbatch b;
	char mem[256];
	uint16_t id;

	ck_assert_int_eq(ctf_nlsock_open(&sock), 0);
	ck_assert_uint_ne(ctf_nlsock_portid(sock), 0);

	/* One request: a reply, then the ACK. */
	ck_assert_int_eq(ctf_nlsock_transact(sock, ctrl_req(mem, sizeof(mem), "nlctrl"),
					     family_cb, &seen, &err), 0);
	ck_assert_uint_eq(seen.n, 1);
	ck_assert(seen.saw_nlctrl);
	/* An error comes back as -errno, with the socket still usable after. */
	ck_assert_int_eq(ctf_nlsock_transact(sock, ctrl_req(mem, sizeof(mem), "no-such-family"),
					     NULL, NULL, &err), -ENOENT);
	ck_assert_int_eq(err.error, -ENOENT);
	ck_assert_int_eq(errno, ENOENT);
	/* The callback's failure is returned after the reply was drained... */
	ck_assert_int_eq(ctf_nlsock_transact(sock, ctrl_req(mem, sizeof(mem), "nlctrl"),
					     refuse_cb, NULL, &err), -ECANCELED);
	/* ...so the next request finds a clean socket. */
	ck_assert_int_eq(ctf_nlsock_transact(sock, ctrl_req(mem, sizeof(mem), "nlctrl"),
					     NULL, NULL, &err), 0);

	/* A dump streams every family. */
	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(ctf_nlsock_dump(sock, ctrl_req(mem, sizeof(mem), NULL), family_cb,
					 &seen, &err), 0);
	ck_assert_uint_ge(seen.n, 1);
	ck_assert(seen.saw_nlctrl);

	/* A batch: good, bad, good; the errors are matched to their requests. */
	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(ctf_nlbatch_init(&b, 0, 0), 0);
	for (int i = 0; i < 3; i++) {
		struct nlmsghdr *nlh = ctf_nlbatch_begin(&b, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
							 1, 0, 0);

		nlh->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
		mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, i == 1 ? "no-such-family" : "nlctrl");
		ck_assert_uint_eq(ctf_nlbatch_end(&b), (unsigned)i);
	}
	ck_assert_int_eq(ctf_nlsock_send_batch(sock, &b, 0, batch_family_cb, &seen), 1);
	ck_assert(b.done[0] && b.done[1] && b.done[2]);
	ck_assert_int_eq(b.results[0].error, 0);
	ck_assert_int_eq(b.results[1].error, -ENOENT);
	ck_assert_int_eq(b.results[2].error, 0);
	ck_assert_uint_eq(seen.idx_mask, 0x5);

	/*
	 * Fire and forget: the failing request's error stays queued on the
	 * socket. The next request must skip it, not take it for its answer.
	 */
	ctf_nlbatch_reset(&b);
	struct nlmsghdr *bad = ctf_nlbatch_begin(&b, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0, 0);

	bad->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	mnl_attr_put_strz(bad, CTRL_ATTR_FAMILY_NAME, "no-such-family");
	ctf_nlbatch_end(&b);
	ck_assert_int_eq(ctf_nlsock_send_batch(sock, &b, CTF_NLBATCH_NOWAIT, NULL, NULL), 0);
	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(ctf_nlsock_transact(sock, ctrl_req(mem, sizeof(mem), "nlctrl"),
					     family_cb, &seen, &err), 0);
	ck_assert_uint_eq(seen.n, 1);
	ctf_nlbatch_free(&b);

	/* Family resolution through libnl, and its cache on the socket. */
	ck_assert_int_eq(ctf_nlsock_family(sock, "nlctrl", &id), 0);
	ck_assert_uint_eq(id, GENL_ID_CTRL);
	ck_assert_int_eq(ctf_nlsock_family(sock, "nlctrl", &id), 0);
	ck_assert_int_eq(ctf_genl_resolve("no-such-family", &id), -ENOENT);
	ctf_nlsock_close(sock);
}
END_TEST

/* Device counters come from rtnetlink; "lo" (ifindex 1) always exists. */
static int count_cb(const struct nlmsghdr *nlh, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

/*
 * Only the kernel may talk to our sockets: a datagram another process sends
 * to one is consumed and refused (-EPROTO), and one larger than the receive
 * buffer is reported (-EMSGSIZE), not silently dropped.
 */
START_TEST(datagrams_not_from_the_kernel_are_refused)
{
	struct ctf_nlsock *a, *b;
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	static char big[200 * 1024];
	struct nlmsghdr *nlh = (struct nlmsghdr *)big;
	int n = 0, ret;

	ck_assert_int_eq(ctf_nlsock_open(&a), 0);
	ck_assert_int_eq(ctf_nlsock_open(&b), 0);
	ctf_nlsock_set_nonblock(b, true);
	to.nl_pid = ctf_nlsock_portid(b);
	nlh->nlmsg_len = NLMSG_HDRLEN;
	nlh->nlmsg_type = NLMSG_MIN_TYPE;
	ret = (int)sendto(ctf_nlsock_fd(a), nlh, NLMSG_HDRLEN, 0, (struct sockaddr *)&to, sizeof(to));
	if (ret < 0 && errno == EPERM) {
		/* Sending to a process's socket needs CAP_NET_ADMIN. */
		fprintf(stderr, "check_nlsock: not allowed to send to a netlink port: skipped\n");
		goto out;
	}
	ck_assert_int_eq(ret, NLMSG_HDRLEN);
	ck_assert_int_eq(ctf_nlsock_recv(b, count_cb, &n), -EPROTO);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(ctf_nlsock_recv(b, count_cb, &n), -EAGAIN);	/* it was consumed */

	/* Too big for the receive buffer: reported, and the socket reads on. */
	ctf_nlsock_set_rcvbuf(b, 1 << 20);
	nlh->nlmsg_len = sizeof(big);
	ret = (int)sendto(ctf_nlsock_fd(a), nlh, sizeof(big), 0, (struct sockaddr *)&to, sizeof(to));
	if (ret == (int)sizeof(big)) {
		ck_assert_int_eq(ctf_nlsock_recv(b, count_cb, &n), -EMSGSIZE);
		ck_assert_int_eq(ctf_nlsock_recv(b, count_cb, &n), -EAGAIN);
	}
out:
	ctf_nlsock_close(a);
	ctf_nlsock_close(b);
}
END_TEST

START_TEST(link_stats_fold_in_device_counters)
{
	struct ctf_vport_info p = { .type = OVS_VPORT_TYPE_NETDEV, .ifindex = 1,
				    .has_stats = true, .rx_errors = 5, .tx_dropped = 3 };
	struct ctf_vport_info internal = { .type = OVS_VPORT_TYPE_INTERNAL, .ifindex = 1,
					   .has_stats = true, .rx_packets = 42 };
	struct ctf_vport_info gone = { .type = OVS_VPORT_TYPE_NETDEV, .ifindex = 0x7ffffff0,
				       .has_stats = true };

	ck_assert_int_eq(ctf_vport_add_link_stats(&p), 0);
	ck_assert(p.has_link_stats);
	ck_assert_uint_ge(p.rx_errors, 5);
	ck_assert_uint_ge(p.tx_dropped, 3);
	/* Internal ports keep the datapath's view, as in ovs-dpctl. */
	ck_assert_int_eq(ctf_vport_add_link_stats(&internal), 0);
	ck_assert(!internal.has_link_stats);
	ck_assert_uint_eq(internal.rx_packets, 42);
	ck_assert_int_eq(ctf_vport_add_link_stats(&gone), -ENODEV);
	ck_assert(!gone.has_link_stats);
}
END_TEST

static Suite *nlsock_suite(void)
{
	Suite *s = suite_create("nlsock");
	TCase *tc = tcase_create("core");
	TCase *live = tcase_create("controller");

	tcase_add_test(tc, req_init_lays_out_headers);
	tcase_add_test(tc, ext_ack_capped);
	tcase_add_test(tc, ext_ack_uncapped_skips_echoed_request);
	tcase_add_test(tc, ack_and_plain_errors);
	tcase_add_test(tc, ext_ack_missing_attribute_and_long_text);
	tcase_add_test(tc, done_carries_dump_error);
	tcase_add_test(tc, malformed_errors_are_refused);
	tcase_add_test(tc, ext_ack_fuzz);
	tcase_add_test(tc, nle_maps_to_errno);
	tcase_add_test(tc, attr_rules_check_lengths);
	tcase_add_test(tc, dp_decode_reads_every_field);
	tcase_add_test(tc, dp_decode_old_and_bad_replies);
	tcase_add_test(tc, vport_decode_reads_every_field);
	tcase_add_test(tc, vport_decode_refuses_incomplete_ports);
	tcase_add_test(tc, decoders_survive_garbage);
	tcase_add_test(tc, show_has_ovs_dpctl_layout);
	tcase_add_test(tc, show_without_cache_hits_or_stats);
	tcase_add_test(tc, features_are_named);
	tcase_add_test(tc, vport_types_round_trip);
	tcase_add_test(tc, oversized_requests_are_refused);
	tcase_add_test(tc, json_documents);
	tcase_add_test(tc, batch_packs_requests);
	suite_add_tcase(s, tc);
	tcase_add_test(live, socket_transact_dump_and_batch);
	tcase_add_test(live, link_stats_fold_in_device_counters);
	tcase_add_test(live, datagrams_not_from_the_kernel_are_refused);
	suite_add_tcase(s, live);
	return s;
}

int main(void)
{
	return ck_run_suite(nlsock_suite());
}
