// SPDX-License-Identifier: Apache-2.0
/*
 * ctflow's output pieces without a kernel: control bytes escaped for the
 * terminal (text.c), strings made valid UTF-8 for JSON, and the json-c
 * documents of flows, notifications and upcalls (output-events.c) built
 * from messages framed here the way the kernel frames them.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/openvswitch.h>

#include "ctflow/flow.h"
#include "ctflow/monitor.h"
#include "ctflow/nlbuf.h"
#include "ctflow/nlsock.h"

#include "output.h"
#include "text.h"
#include "../unit/common.h"

static const struct ctf_monitor_families fam = {
	.datapath = 0x20, .vport = 0x21, .flow = 0x22, .packet = 0x23,
};

static char buf[4096] __attribute__((aligned(4)));
static char text[1024];

static const char *escaped(const char *s, size_t len)
{
	struct ctf_str out = { 0 };

	cli_text_escape(s, len, &out);
	snprintf(text, sizeof(text), "%s", ctf_str_cstr(&out));
	ctf_str_free(&out);
	return text;
}

static const char *utf8(const char *s)
{
	struct ctf_str out = { 0 };

	cli_text_utf8(s, strlen(s), &out);
	snprintf(text, sizeof(text), "%s", ctf_str_cstr(&out));
	ctf_str_free(&out);
	return text;
}

/* The compact text of @o (released). */
static const char *json(struct json_object *o)
{
	snprintf(text, sizeof(text), "%s",
		 json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return text;
}

START_TEST(escape_keeps_text_and_utf8)
{
	const char *s = "in_port(1) caf\xc3\xa9 \xe2\x82\xac";

	ck_assert_str_eq(escaped(s, strlen(s)), s);
}
END_TEST

START_TEST(escape_control_bytes)
{
	ck_assert_str_eq(escaped("a\nb\tc\rd", 7), "a\\nb\\tc\\rd");
	ck_assert_str_eq(escaped("\x1b[2J\x07\x7f", 6), "\\x1b[2J\\x07\\x7f");
	/* A NUL inside the length is escaped too, not an end. */
	ck_assert_str_eq(escaped("a\0b", 3), "a\\x00b");
}
END_TEST

START_TEST(escape_c1_and_bytes_that_are_not_utf8)
{
	/* CSI as a raw 8-bit byte and as UTF-8 (U+009B): both act on some terminals. */
	ck_assert_str_eq(escaped("\x9b" "31m", 4), "\\x9b31m");
	ck_assert_str_eq(escaped("\xc2\x9b" "31m", 5), "\\xc2\\x9b31m");
	ck_assert_str_eq(escaped("\xff\xc3", 2), "\\xff\\xc3");
	ck_assert(!cli_text_needs_escape("plain, caf\xc3\xa9"));
	ck_assert(cli_text_needs_escape("bell\x07"));
}
END_TEST

START_TEST(utf8_replaces_what_is_not)
{
	ck_assert_str_eq(utf8("ok \xc3\xa9"), "ok \xc3\xa9");
	ck_assert_str_eq(utf8("\xff"), "\xef\xbf\xbd");
	/* Overlong '/', a surrogate, beyond U+10FFFF, a cut sequence. */
	ck_assert_str_eq(utf8("\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd");
	ck_assert_str_eq(utf8("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	ck_assert_str_eq(utf8("\xf4\x90\x80\x80x"),
			 "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx");
	ck_assert_str_eq(utf8("\xe2\x82"), "\xef\xbf\xbd\xef\xbf\xbd");
}
END_TEST

START_TEST(json_strings_are_valid_utf8)
{
	struct json_object *o = json_object_new_object();

	cli_json_add_str(o, "name", "v\xff\"\x01/");
	ck_assert_str_eq(json(o), "{\"name\":\"v\xef\xbf\xbd\\\"\\u0001/\"}");
	ck_assert_ptr_null(cli_json_str(NULL));
}
END_TEST

static struct nlmsghdr *msg(uint16_t type, uint8_t cmd, int dp_ifindex)
{
	struct nlmsghdr *nlh = ctf_genl_req_init(buf, sizeof(buf), type, cmd, 1, 0, dp_ifindex);

	ck_assert_ptr_nonnull(nlh);
	return nlh;
}

static void put_key(struct nlmsghdr *nlh, uint16_t type, const char *key_text)
{
	struct ctf_nlbuf key, mask;
	struct ctf_err err;

	ctf_nlbuf_init(&key, 1024);
	ctf_nlbuf_init(&mask, 1024);
	ck_assert_int_eq(ctf_key_parse(key_text, NULL, &key, &mask, &err), 0);
	mnl_attr_put(nlh, type, ctf_nlbuf_len(&key), ctf_nlbuf_data(&key));
	ctf_nlbuf_free(&key);
	ctf_nlbuf_free(&mask);
}

START_TEST(monitor_datapath_and_port_events)
{
	struct nlmsghdr *nlh = msg(fam.datapath, OVS_DP_CMD_NEW, 7);
	struct json_object *o;

	mnl_attr_put_strz(nlh, OVS_DP_ATTR_NAME, "dp0");
	ck_assert_int_eq(cli_json_monitor_event(nlh, &fam, 0, 1000, 0, &o), 1);
	ck_assert_str_eq(json(o), "{\"event\":\"datapath\",\"cmd\":\"new\",\"dp_ifindex\":7,\"name\":\"dp0\"}");
	/* Another datapath's event is filtered out. */
	ck_assert_int_eq(cli_json_monitor_event(nlh, &fam, 8, 1000, 0, &o), 0);
	ck_assert_ptr_null(o);

	nlh = msg(fam.vport, OVS_VPORT_CMD_DEL, 7);
	mnl_attr_put_u32(nlh, OVS_VPORT_ATTR_PORT_NO, 3);
	mnl_attr_put_u32(nlh, OVS_VPORT_ATTR_TYPE, OVS_VPORT_TYPE_NETDEV);
	ck_assert_int_eq(cli_json_monitor_event(nlh, &fam, 0, 1000, 0, &o), -EBADMSG);
	mnl_attr_put_strz(nlh, OVS_VPORT_ATTR_NAME, "v\xffth0");
	mnl_attr_put_u32(nlh, OVS_VPORT_ATTR_UPCALL_PID, 0);
	ck_assert_int_eq(cli_json_monitor_event(nlh, &fam, 0, 1000, 0, &o), 1);
	ck_assert_str_eq(json(o), "{\"event\":\"port\",\"cmd\":\"del\",\"dp_ifindex\":7,\"port_no\":3,"
				  "\"name\":\"v\xef\xbf\xbdth0\",\"type\":\"netdev\"}");
}
END_TEST

START_TEST(monitor_flow_event)
{
	struct nlmsghdr *nlh = msg(fam.flow, OVS_FLOW_CMD_NEW, 5);
	struct ovs_flow_stats st = { .n_packets = 3, .n_bytes = 180 };
	struct nlattr *acts;
	struct json_object *o;

	put_key(nlh, OVS_FLOW_ATTR_KEY, "in_port(1),eth_type(0x0806)");
	acts = mnl_attr_nest_start(nlh, OVS_FLOW_ATTR_ACTIONS);
	mnl_attr_put_u32(nlh, OVS_ACTION_ATTR_OUTPUT, 2);
	mnl_attr_nest_end(nlh, acts);
	mnl_attr_put(nlh, OVS_FLOW_ATTR_STATS, sizeof(st), &st);
	mnl_attr_put_u64(nlh, OVS_FLOW_ATTR_USED, 400);
	ck_assert_int_eq(cli_json_monitor_event(nlh, &fam, 0, 1000, 0, &o), 1);
	ck_assert_str_eq(json(o), "{\"event\":\"flow\",\"cmd\":\"new\",\"dp_ifindex\":5,\"flow\":"
				  "{\"ufid\":null,\"match\":\"in_port(1),eth_type(0x0806)\","
				  "\"packets\":3,\"bytes\":180,\"used_ms\":600,\"tcp_flags\":\"\","
				  "\"actions\":\"2\"}}");
	/* Cut anywhere: read or refused, never past its end (ASan watches the copy). */
	for (uint32_t n = 0; n < nlh->nlmsg_len; n++) {
		struct nlmsghdr *copy = calloc(1, MNL_ALIGN(n) + sizeof(*copy));
		int ret;

		memcpy(copy, nlh, n);
		copy->nlmsg_len = n;
		ret = cli_json_monitor_event(copy, &fam, 0, 1000, 0, &o);
		ck_assert_msg(ret == 1 || ret == 0 || ret == -EBADMSG, "len %u: %d", n, ret);
		if (o)
			json_object_put(o);
		free(copy);
	}
	ck_assert_str_eq(json(cli_json_lost_event()), "{\"event\":\"lost\"}");
}
END_TEST

START_TEST(upcall_event)
{
	static const uint8_t packet[60], userdata[3] = { 0xc0, 0xff, 0xee };
	struct nlmsghdr *nlh = msg(fam.packet, OVS_PACKET_CMD_ACTION, 4);
	struct json_object *o;

	mnl_attr_put(nlh, OVS_PACKET_ATTR_PACKET, sizeof(packet), packet);
	put_key(nlh, OVS_PACKET_ATTR_KEY, "in_port(1),eth_type(0x0806)");
	mnl_attr_put(nlh, OVS_PACKET_ATTR_USERDATA, sizeof(userdata), userdata);
	ck_assert_int_eq(cli_json_upcall(nlh, fam.packet, NULL, 0, &o), 1);
	ck_assert_str_eq(json(o), "{\"event\":\"upcall\",\"cmd\":\"action\",\"dp_ifindex\":4,"
				  "\"key\":\"in_port(1),eth_type(0x0806)\",\"userdata\":\"c0ffee\","
				  "\"len\":60}");
	/* Cut anywhere: read or refused, never past its end. */
	for (uint32_t n = 0; n < nlh->nlmsg_len; n++) {
		struct nlmsghdr *copy = calloc(1, MNL_ALIGN(n) + sizeof(*copy));
		int ret;

		memcpy(copy, nlh, n);
		copy->nlmsg_len = n;
		ret = cli_json_upcall(copy, fam.packet, NULL, 0, &o);
		ck_assert_msg(ret == 1 || ret == 0 || ret == -EBADMSG, "len %u: %d", n, ret);
		if (o)
			json_object_put(o);
		free(copy);
	}
	/* Not an upcall family message: nothing. Without a key: malformed. */
	ck_assert_int_eq(cli_json_upcall(nlh, fam.flow, NULL, 0, &o), 0);
	nlh = msg(fam.packet, OVS_PACKET_CMD_MISS, 4);
	mnl_attr_put(nlh, OVS_PACKET_ATTR_PACKET, sizeof(packet), packet);
	ck_assert_int_eq(cli_json_upcall(nlh, fam.packet, NULL, 0, &o), -EBADMSG);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cli-output");
	TCase *tc = tcase_create("output");

	tcase_add_test(tc, escape_keeps_text_and_utf8);
	tcase_add_test(tc, escape_control_bytes);
	tcase_add_test(tc, escape_c1_and_bytes_that_are_not_utf8);
	tcase_add_test(tc, utf8_replaces_what_is_not);
	tcase_add_test(tc, json_strings_are_valid_utf8);
	tcase_add_test(tc, monitor_datapath_and_port_events);
	tcase_add_test(tc, monitor_flow_event);
	tcase_add_test(tc, upcall_event);
	suite_add_tcase(s, tc);
	return ck_run_suite(s);
}
