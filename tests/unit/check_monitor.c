// SPDX-License-Identifier: Apache-2.0
/*
 * Notifications and upcalls -> text (src/nl/monitor.c), from messages built
 * here the way the kernel frames them: the lines `ctflow monitor` and
 * `ctflow upcall-listen` print, datapath filtering, and malformed or
 * truncated messages refused without reading past their end.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/openvswitch.h>

#include "ctflow/monitor.h"
#include "ctflow/nlsock.h"
#include "common.h"

static const struct ctf_monitor_families fam = {
	.datapath = 0x20, .vport = 0x21, .flow = 0x22, .packet = 0x23,
};

static char buf[4096] __attribute__((aligned(4)));

static struct nlmsghdr *msg(uint16_t type, uint8_t cmd, int dp_ifindex)
{
	struct nlmsghdr *nlh = ctf_genl_req_init(buf, sizeof(buf), type, cmd, 1, 0, dp_ifindex);

	ck_assert_ptr_nonnull(nlh);
	return nlh;
}

static struct ctf_str out;

static void setup(void)
{
	ctf_str_init(&out);
}

static void teardown(void)
{
	ctf_str_free(&out);
}

static int fmt(const struct nlmsghdr *nlh, int dp_ifindex, unsigned flags)
{
	ctf_str_clear(&out);
	return ctf_monitor_format(nlh, &fam, dp_ifindex, 1000, flags, &out);
}

/* ---- datapaths and ports ------------------------------------------------------ */

START_TEST(datapath_new_and_del)
{
	struct nlmsghdr *nlh = msg(fam.datapath, OVS_DP_CMD_NEW, 7);
	struct ctf_monitor_event ev;

	mnl_attr_put_strz(nlh, OVS_DP_ATTR_NAME, "dp0");
	ck_assert_int_eq(fmt(nlh, 0, 0), 1);
	ck_assert_str_eq(ctf_str_cstr(&out), "datapath new: system@dp0");
	ck_assert_int_eq(fmt(nlh, 7, 0), 1);
	/* What every writer (this text, the CLI's JSON) starts from. */
	ck_assert_int_eq(ctf_monitor_decode(nlh, &fam, 0, &ev), 1);
	ck_assert_int_eq(ev.object, CTF_EVENT_DATAPATH);
	ck_assert_str_eq(ev.cmd, "new");
	ck_assert_int_eq(ev.dp_ifindex, 7);
	ck_assert_str_eq(ev.dp.name, "dp0");

	nlh = msg(fam.datapath, OVS_DP_CMD_DEL, 7);
	mnl_attr_put_strz(nlh, OVS_DP_ATTR_NAME, "dp0");
	ck_assert_int_eq(fmt(nlh, 0, 0), 1);
	ck_assert_str_eq(ctf_str_cstr(&out), "datapath del: system@dp0");
}
END_TEST

START_TEST(other_datapaths_are_filtered_out)
{
	struct nlmsghdr *nlh = msg(fam.datapath, OVS_DP_CMD_NEW, 7);

	mnl_attr_put_strz(nlh, OVS_DP_ATTR_NAME, "dp0");
	ck_assert_int_eq(fmt(nlh, 8, 0), 0);
	ck_assert_str_eq(ctf_str_cstr(&out), "");

	nlh = msg(fam.vport, OVS_VPORT_CMD_NEW, 7);
	mnl_attr_put_u32(nlh, OVS_VPORT_ATTR_PORT_NO, 3);
	mnl_attr_put_u32(nlh, OVS_VPORT_ATTR_TYPE, OVS_VPORT_TYPE_NETDEV);
	mnl_attr_put_strz(nlh, OVS_VPORT_ATTR_NAME, "veth0");
	ck_assert_int_eq(fmt(nlh, 8, 0), 0);
	ck_assert_int_eq(fmt(nlh, 7, 0), 1);
}
END_TEST

START_TEST(port_new_set_del)
{
	static const struct { uint8_t cmd; uint32_t type; const char *line; } cases[] = {
		{ OVS_VPORT_CMD_NEW, OVS_VPORT_TYPE_NETDEV, "port new: port 3: veth0 (netdev)" },
		{ OVS_VPORT_CMD_SET, OVS_VPORT_TYPE_INTERNAL, "port set: port 3: veth0 (internal)" },
		{ OVS_VPORT_CMD_DEL, 77, "port del: port 3: veth0 (type 77)" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nlmsghdr *nlh = msg(fam.vport, cases[i].cmd, 5);

		mnl_attr_put_u32(nlh, OVS_VPORT_ATTR_PORT_NO, 3);
		mnl_attr_put_u32(nlh, OVS_VPORT_ATTR_TYPE, cases[i].type);
		mnl_attr_put_strz(nlh, OVS_VPORT_ATTR_NAME, "veth0");
		ck_assert_int_eq(fmt(nlh, 0, 0), 1);
		ck_assert_str_eq(ctf_str_cstr(&out), cases[i].line);
	}
}
END_TEST

START_TEST(port_decoded)
{
	struct nlmsghdr *nlh = msg(fam.vport, OVS_VPORT_CMD_NEW, 5);
	struct ctf_monitor_event ev;

	mnl_attr_put_u32(nlh, OVS_VPORT_ATTR_PORT_NO, 2);
	mnl_attr_put_u32(nlh, OVS_VPORT_ATTR_TYPE, OVS_VPORT_TYPE_NETDEV);
	mnl_attr_put_strz(nlh, OVS_VPORT_ATTR_NAME, "s\"0");
	ck_assert_int_eq(ctf_monitor_decode(nlh, &fam, 0, &ev), 1);
	ck_assert_int_eq(ev.object, CTF_EVENT_PORT);
	ck_assert_int_eq(ev.dp_ifindex, 5);
	ck_assert_uint_eq(ev.port.port_no, 2);
	ck_assert_str_eq(ev.port.name, "s\"0");
	ck_assert_str_eq(ev.port_type, "netdev");
	ck_assert_int_eq(ctf_monitor_decode(nlh, &fam, 6, &ev), 0);
}
END_TEST

START_TEST(port_without_name_is_malformed)
{
	struct nlmsghdr *nlh = msg(fam.vport, OVS_VPORT_CMD_NEW, 5);

	mnl_attr_put_u32(nlh, OVS_VPORT_ATTR_PORT_NO, 2);
	mnl_attr_put_u32(nlh, OVS_VPORT_ATTR_TYPE, OVS_VPORT_TYPE_NETDEV);
	ck_assert_int_eq(fmt(nlh, 0, 0), -EBADMSG);
}
END_TEST

/* ---- flows ------------------------------------------------------------------------- */

static void put_flow_key(struct nlmsghdr *nlh)
{
	struct nlattr *key = mnl_attr_nest_start(nlh, OVS_FLOW_ATTR_KEY);

	mnl_attr_put_u32(nlh, OVS_KEY_ATTR_IN_PORT, 1);
	mnl_attr_put_u16(nlh, OVS_KEY_ATTR_ETHERTYPE, htons(0x0806));
	mnl_attr_nest_end(nlh, key);
}

static void put_output(struct nlmsghdr *nlh, uint32_t port)
{
	struct nlattr *acts = mnl_attr_nest_start(nlh, OVS_FLOW_ATTR_ACTIONS);

	mnl_attr_put_u32(nlh, OVS_ACTION_ATTR_OUTPUT, port);
	mnl_attr_nest_end(nlh, acts);
}

START_TEST(flow_new_is_the_dump_flows_line)
{
	struct nlmsghdr *nlh = msg(fam.flow, OVS_FLOW_CMD_NEW, 9);
	struct ovs_flow_stats st = { .n_packets = 4, .n_bytes = 168 };

	put_flow_key(nlh);
	mnl_attr_put(nlh, OVS_FLOW_ATTR_STATS, sizeof(st), &st);
	put_output(nlh, 2);
	ck_assert_int_eq(fmt(nlh, 0, 0), 1);
	ck_assert_str_eq(ctf_str_cstr(&out), "flow new: in_port(1),eth_type(0x0806), packets:4, "
			 "bytes:168, used:never, actions:2");
}
END_TEST

START_TEST(flow_del_and_set)
{
	struct nlmsghdr *nlh = msg(fam.flow, OVS_FLOW_CMD_DEL, 9);

	put_flow_key(nlh);
	put_output(nlh, 3);
	ck_assert_int_eq(fmt(nlh, 0, 0), 1);
	ck_assert_str_eq(ctf_str_cstr(&out), "flow del: in_port(1),eth_type(0x0806), packets:0, "
			 "bytes:0, used:never, actions:3");

	nlh = msg(fam.flow, OVS_FLOW_CMD_SET, 9);
	put_flow_key(nlh);
	mnl_attr_nest_end(nlh, mnl_attr_nest_start(nlh, OVS_FLOW_ATTR_ACTIONS));
	ck_assert_int_eq(fmt(nlh, 0, 0), 1);
	ck_assert_str_eq(ctf_str_cstr(&out), "flow set: in_port(1),eth_type(0x0806), packets:0, "
			 "bytes:0, used:never, actions:drop");
	ck_assert_int_eq(fmt(nlh, 10, 0), 0);
}
END_TEST

START_TEST(flow_without_key_is_named_by_ufid)
{
	struct nlmsghdr *nlh = msg(fam.flow, OVS_FLOW_CMD_DEL, 9);
	struct ctf_ufid ufid;
	size_t used;

	ck_assert_int_eq(ctf_ufid_parse("ufid:00000001-0002-0003-0004-000500060007", &ufid, &used), 0);
	mnl_attr_put(nlh, OVS_FLOW_ATTR_UFID, sizeof(ufid.b), ufid.b);
	ck_assert_int_eq(fmt(nlh, 0, 0), 1);
	ck_assert_str_eq(ctf_str_cstr(&out), "flow del: ufid:00000001-0002-0003-0004-000500060007, "
			 "packets:0, bytes:0, used:never");
}
END_TEST

START_TEST(flow_decoded)
{
	struct nlmsghdr *nlh = msg(fam.flow, OVS_FLOW_CMD_DEL, 9);
	struct ctf_monitor_event ev;

	put_flow_key(nlh);
	put_output(nlh, 2);
	ck_assert_int_eq(ctf_monitor_decode(nlh, &fam, 9, &ev), 1);
	ck_assert_int_eq(ev.object, CTF_EVENT_FLOW);
	ck_assert_str_eq(ev.cmd, "del");
	ck_assert_int_eq(ev.dp_ifindex, 9);
	ck_assert_uint_gt(ev.flow.key_len, 0);
	ck_assert(ev.flow.has_actions);
	ck_assert_uint_eq(ev.flow.actions_len, 8);
}
END_TEST

START_TEST(unknown_families_and_commands_are_ignored)
{
	struct nlmsghdr *nlh = msg(0x30, OVS_FLOW_CMD_NEW, 9);

	ck_assert_int_eq(fmt(nlh, 0, 0), 0);
	nlh = msg(fam.flow, 99, 9);
	ck_assert_int_eq(fmt(nlh, 0, 0), 0);
	/* A GET is never multicast, but it is not an error either. */
	nlh = msg(fam.flow, OVS_FLOW_CMD_GET, 9);
	put_flow_key(nlh);
	ck_assert_int_eq(fmt(nlh, 0, 0), 1);
	ck_assert_str_eq(ctf_str_cstr(&out), "flow get: in_port(1),eth_type(0x0806), packets:0, "
			 "bytes:0, used:never, actions:drop");
}
END_TEST

START_TEST(lost_line)
{
	ctf_monitor_format_lost(&out);
	ck_assert_str_eq(ctf_str_cstr(&out), "notifications lost: the receive buffer overflowed");
}
END_TEST

/* ---- upcalls ------------------------------------------------------------------------ */

static const uint8_t smac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static struct nlmsghdr *arp_upcall(uint8_t cmd, bool with_key, bool with_packet)
{
	struct nlmsghdr *nlh = msg(fam.packet, cmd, 4);
	struct ovs_key_ethernet eth;
	struct ovs_key_arp arp;
	uint8_t frame[42] = { 0 };

	if (with_key) {
		struct nlattr *key = mnl_attr_nest_start(nlh, OVS_PACKET_ATTR_KEY);

		memcpy(eth.eth_src, smac, 6);
		memcpy(eth.eth_dst, bcast, 6);
		memset(&arp, 0, sizeof(arp));
		inet_pton(AF_INET, "172.31.110.1", &arp.arp_sip);
		inet_pton(AF_INET, "172.31.110.20", &arp.arp_tip);
		arp.arp_op = htons(1);
		memcpy(arp.arp_sha, smac, 6);
		mnl_attr_put_u32(nlh, OVS_KEY_ATTR_IN_PORT, 1);
		mnl_attr_put(nlh, OVS_KEY_ATTR_ETHERNET, sizeof(eth), &eth);
		mnl_attr_put_u16(nlh, OVS_KEY_ATTR_ETHERTYPE, htons(0x0806));
		mnl_attr_put(nlh, OVS_KEY_ATTR_ARP, sizeof(arp), &arp);
		mnl_attr_nest_end(nlh, key);
	}
	if (with_packet)
		mnl_attr_put(nlh, OVS_PACKET_ATTR_PACKET, sizeof(frame), frame);
	return nlh;
}

#define ARP_KEY "in_port(1),eth(src=02:00:00:00:00:01,dst=ff:ff:ff:ff:ff:ff),eth_type(0x0806)," \
	"arp(sip=172.31.110.1,tip=172.31.110.20,op=1,sha=02:00:00:00:00:01,tha=00:00:00:00:00:00)"

START_TEST(miss_upcall_in_flow_syntax)
{
	struct nlmsghdr *nlh = arp_upcall(OVS_PACKET_CMD_MISS, true, true);

	ck_assert_int_eq(ctf_upcall_format(nlh, fam.packet, NULL, 0, &out), 1);
	ck_assert_str_eq(ctf_str_cstr(&out), "MISS upcall: " ARP_KEY ", len:42");
}
END_TEST

START_TEST(action_upcall_with_userdata_and_names)
{
	static const uint8_t userdata[3] = { 0xc0, 0xff, 0xee };
	struct nlmsghdr *nlh = arp_upcall(OVS_PACKET_CMD_ACTION, true, true);
	struct ctf_portmap ports;

	mnl_attr_put(nlh, OVS_PACKET_ATTR_USERDATA, sizeof(userdata), userdata);
	mnl_attr_put_u32(nlh, OVS_PACKET_ATTR_LEN, 1500);
	ctf_portmap_init(&ports);
	ctf_portmap_add(&ports, 1, "left0");
	ck_assert_int_eq(ctf_upcall_format(nlh, fam.packet, &ports, 0, &out), 1);
	ck_assert_msg(!strncmp(ctf_str_cstr(&out), "ACTION upcall: in_port(left0),eth(", 34),
		      "got %s", ctf_str_cstr(&out));
	ck_assert_ptr_nonnull(strstr(ctf_str_cstr(&out), ",tha=00:00:00:00:00:00), userdata(c0ffee), len:1500"));
	ctf_portmap_free(&ports);
}
END_TEST

START_TEST(upcall_decoded)
{
	struct nlmsghdr *nlh = arp_upcall(OVS_PACKET_CMD_MISS, true, true);
	struct ctf_upcall up;

	ck_assert_int_eq(ctf_upcall_decode(nlh, fam.packet, &up), 1);
	ck_assert(up.miss);
	ck_assert_int_eq(up.dp_ifindex, 4);
	ck_assert_uint_eq(up.len, 42);
	ck_assert_ptr_null(up.userdata);
	ck_assert(!up.has_mru);
	ck_assert_uint_eq(up.key_len, 8 + 16 + 8 + 28);
	mnl_attr_put_u16(nlh, OVS_PACKET_ATTR_MRU, 1400);
	ck_assert_int_eq(ctf_upcall_decode(nlh, fam.packet, &up), 1);
	ck_assert(up.has_mru);
	ck_assert_uint_eq(up.mru, 1400);
	ck_assert_int_eq(ctf_upcall_format(nlh, fam.packet, NULL, 0, &out), 1);
	ck_assert_str_eq(ctf_str_cstr(&out), "MISS upcall: " ARP_KEY ", mru:1400, len:42");
}
END_TEST

START_TEST(upcall_without_key_or_packet_is_malformed)
{
	ck_assert_int_eq(ctf_upcall_format(arp_upcall(OVS_PACKET_CMD_MISS, false, true), fam.packet,
					   NULL, 0, &out), -EBADMSG);
	ck_assert_int_eq(ctf_upcall_format(arp_upcall(OVS_PACKET_CMD_MISS, true, false), fam.packet,
					   NULL, 0, &out), -EBADMSG);
	/* Not an upcall: another family, or EXECUTE (user -> kernel only). */
	ck_assert_int_eq(ctf_upcall_format(arp_upcall(OVS_PACKET_CMD_MISS, true, true), fam.flow,
					   NULL, 0, &out), 0);
	ck_assert_int_eq(ctf_upcall_format(arp_upcall(OVS_PACKET_CMD_EXECUTE, true, true),
					   fam.packet, NULL, 0, &out), 0);
	ck_assert_str_eq(ctf_str_cstr(&out), "");
}
END_TEST

/*
 * Every truncation of valid messages, each in a heap block of just that
 * size (so ASan sees any read past the end): refused or formatted, never a
 * crash. A truncated nlmsg_len is what a lying message would claim.
 */
static void truncate_all(const struct nlmsghdr *full, bool upcall)
{
	uint32_t len = full->nlmsg_len;

	for (uint32_t n = NLMSG_HDRLEN; n <= len; n++) {
		/*
		 * libmnl (mnl_nlmsg_get_payload_tail) rounds nlmsg_len up to
		 * NLMSG_ALIGNTO, as every receive buffer allows: so does the block.
		 */
		struct nlmsghdr *copy = calloc(1, MNL_ALIGN(n));
		int ret;

		memcpy(copy, full, n);
		copy->nlmsg_len = n;
		ctf_str_clear(&out);
		if (upcall)
			ret = ctf_upcall_format(copy, fam.packet, NULL, 0, &out);
		else
			ret = ctf_monitor_format(copy, &fam, 0, 0, 0, &out);
		ck_assert_msg(ret == 1 || ret == 0 || ret == -EBADMSG, "len %u: %d", n, ret);
		if (n < CTF_OVS_HDRLEN)
			ck_assert_int_eq(ret, -EBADMSG);
		free(copy);
	}
}

START_TEST(truncations_never_overread)
{
	static char full[4096] __attribute__((aligned(4)));
	struct nlmsghdr *nlh;

	nlh = arp_upcall(OVS_PACKET_CMD_MISS, true, true);
	memcpy(full, nlh, nlh->nlmsg_len);
	truncate_all((struct nlmsghdr *)full, true);

	nlh = msg(fam.flow, OVS_FLOW_CMD_NEW, 9);
	put_flow_key(nlh);
	put_output(nlh, 2);
	memcpy(full, nlh, nlh->nlmsg_len);
	truncate_all((struct nlmsghdr *)full, false);

	nlh = msg(fam.vport, OVS_VPORT_CMD_NEW, 9);
	mnl_attr_put_u32(nlh, OVS_VPORT_ATTR_PORT_NO, 3);
	mnl_attr_put_u32(nlh, OVS_VPORT_ATTR_TYPE, OVS_VPORT_TYPE_NETDEV);
	mnl_attr_put_strz(nlh, OVS_VPORT_ATTR_NAME, "veth0");
	memcpy(full, nlh, nlh->nlmsg_len);
	truncate_all((struct nlmsghdr *)full, false);
}
END_TEST

START_TEST(cpu_count_is_sane)
{
	unsigned n = ctf_monitor_n_cpus();

	ck_assert_uint_ge(n, 1);
	ck_assert_uint_le(n, 65536);
}
END_TEST

static Suite *monitor_suite(void)
{
	Suite *s = suite_create("monitor");
	TCase *tc = tcase_create("format");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, datapath_new_and_del);
	tcase_add_test(tc, other_datapaths_are_filtered_out);
	tcase_add_test(tc, port_new_set_del);
	tcase_add_test(tc, port_decoded);
	tcase_add_test(tc, port_without_name_is_malformed);
	tcase_add_test(tc, flow_new_is_the_dump_flows_line);
	tcase_add_test(tc, flow_del_and_set);
	tcase_add_test(tc, flow_without_key_is_named_by_ufid);
	tcase_add_test(tc, flow_decoded);
	tcase_add_test(tc, unknown_families_and_commands_are_ignored);
	tcase_add_test(tc, lost_line);
	tcase_add_test(tc, miss_upcall_in_flow_syntax);
	tcase_add_test(tc, action_upcall_with_userdata_and_names);
	tcase_add_test(tc, upcall_decoded);
	tcase_add_test(tc, upcall_without_key_or_packet_is_malformed);
	tcase_add_test(tc, truncations_never_overread);
	tcase_add_test(tc, cpu_count_is_sane);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run_suite(monitor_suite());
}
