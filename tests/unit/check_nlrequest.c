// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for the parts every family shares: the attribute parser's
 * strict mode and exact-length binary rule (what ctnetlink decodes with),
 * and the generic-netlink request helper (get, dump, "no reply", errors),
 * the latter against the kernel's own generic-netlink controller, which is
 * always there.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "ctflow/conntrack.h"
#include "ctflow/nlsock.h"
#include "netlink/genl-request.h"
#include "netlink/nla-inline.h"
#include "common.h"

static const struct ctf_attr_rule rules[5] = {
	[1] = CTF_RULE_BYTES("addr", 4),
	[2] = CTF_RULE_VAR("labels", 0, UINT16_MAX),
	[3] = CTF_RULE_NESTED("nest"),
	[4] = CTF_RULE_U8("num"),
};

/* Attributes into @buf with libmnl, through a scratch message header. */
static size_t put_attrs(char *buf, size_t cap, void (*fill)(struct nlmsghdr *))
{
	struct nlmsghdr *nlh;
	size_t len;

	memset(buf, 0, cap);
	nlh = mnl_nlmsg_put_header(buf);
	fill(nlh);
	len = nlh->nlmsg_len - NLMSG_HDRLEN;
	memmove(buf, buf + NLMSG_HDRLEN, len);
	return len;
}

static void fill_good(struct nlmsghdr *nlh)
{
	static const uint8_t addr[4] = { 10, 0, 0, 1 }, labels[7] = { 1 };

	mnl_attr_put(nlh, 1, sizeof(addr), addr);
	mnl_attr_put(nlh, 2, sizeof(labels), labels);
	mnl_attr_put(nlh, 3, 0, NULL);
	mnl_attr_put_u8(nlh, 4, 6);
}

static void fill_short_addr(struct nlmsghdr *nlh)
{
	static const uint8_t addr[3] = { 10, 0, 0 };

	mnl_attr_put_u8(nlh, 4, 6);
	mnl_attr_put(nlh, 1, sizeof(addr), addr);
}

static void fill_tiny_nest(struct nlmsghdr *nlh)
{
	mnl_attr_put(nlh, 3, 2, "ab");	/* a nest too small for any attribute */
}

START_TEST(binary_rules_and_faults)
{
	const struct nlattr *tb[5];
	struct ctf_attrs_fault fault;
	char buf[256];
	size_t len = put_attrs(buf, sizeof(buf), fill_good);

	ck_assert_int_eq(ctf_attrs_parse_stream(buf, len, rules, 4, tb, CTF_ATTRS_WHOLE, &fault), 0);
	ck_assert_uint_eq(ctf_nla_len(tb[1]), 4);
	ck_assert_uint_eq(ctf_nla_len(tb[2]), 7);	/* 0: any length */
	ck_assert_ptr_nonnull(tb[3]);
	ck_assert_uint_eq(ctf_nla_u8(tb[4]), 6);

	/* A 3-byte address is refused, and the fault names it. */
	len = put_attrs(buf, sizeof(buf), fill_short_addr);
	ck_assert_int_eq(ctf_attrs_parse_stream(buf, len, rules, 4, tb, 0, &fault), -EBADMSG);
	ck_assert_ptr_nonnull(fault.attr);
	ck_assert_str_eq(fault.rule->name, "addr");
	ck_assert_uint_eq(ctf_nla_len(fault.attr), 3);
	ck_assert_ptr_null(tb[1]);

	/* A nest of 2 bytes: only the strict mode calls that a bad length. */
	len = put_attrs(buf, sizeof(buf), fill_tiny_nest);
	ck_assert_int_eq(ctf_attrs_parse_stream(buf, len, rules, 4, tb, 0, NULL), 0);
	ck_assert_int_eq(ctf_attrs_parse_stream(buf, len, rules, 4, tb, CTF_ATTRS_WHOLE, &fault),
			 -EBADMSG);
	ck_assert_str_eq(fault.rule->name, "nest");
}
END_TEST

START_TEST(strict_mode_refuses_trailing_bytes)
{
	const struct nlattr *tb[5];
	struct ctf_attrs_fault fault;
	char buf[256];
	size_t len = put_attrs(buf, sizeof(buf), fill_good);

	/* Cut into the last attribute: two bytes of header are left over. */
	ck_assert_int_eq(ctf_attrs_parse_stream(buf, len - 6, rules, 4, tb, 0, NULL), 0);
	ck_assert_ptr_null(tb[4]);
	ck_assert_int_eq(ctf_attrs_parse_stream(buf, len - 6, rules, 4, tb, CTF_ATTRS_WHOLE,
						&fault), -EBADMSG);
	ck_assert_ptr_null(fault.attr);
	ck_assert_uint_eq(fault.trailing, 2);
	/* An unaligned end after the last attribute's own length is not a leftover. */
	ck_assert_int_eq(ctf_attrs_parse_stream(buf, len - 3, rules, 4, tb, CTF_ATTRS_WHOLE,
						&fault), 0);
	ck_assert_ptr_nonnull(tb[4]);
}
END_TEST

/* An IPv4 UDP entry as ctnetlink sends it, plus @extra bytes of attribute. */
static struct nlmsghdr *ct_entry(char *buf, size_t len, uint16_t extra_type, size_t extra_len)
{
	struct ctf_ct_tuple t = { .l3 = AF_INET, .proto = IPPROTO_UDP, .sport = 1, .dport = 2,
				  .src = { 10, 0, 0, 1 }, .dst = { 10, 0, 0, 2 } };
	struct nlmsghdr *nlh = ctf_ct_req_init(buf, len, IPCTNL_MSG_CT_NEW, 0, AF_INET);

	ck_assert(ctf_ct_put_tuple(nlh, len, CTA_TUPLE_ORIG, &t));
	ck_assert(ctf_ct_put_tuple(nlh, len, CTA_TUPLE_REPLY, &t));
	if (extra_type)
		mnl_attr_put(nlh, extra_type, extra_len, "abcdefgh");
	return nlh;
}

/* The ctnetlink decoder reads with the shared parser in its strict mode. */
START_TEST(ctnetlink_framing_stays_strict)
{
	char buf[512];
	struct ctf_ct_entry e;
	struct ctf_err err;
	struct nlmsghdr *nlh = ct_entry(buf, sizeof(buf), 0, 0);

	ck_assert_int_eq(ctf_ct_decode(nlh, &e, &err), 0);
	ck_assert_uint_eq(e.orig.sport, 1);
	/* Two bytes after the last attribute: a truncated message, not a shorter one. */
	nlh->nlmsg_len += 2;
	ck_assert_int_eq(ctf_ct_decode(nlh, &e, &err), -EBADMSG);
	ck_assert_msg(strstr(err.msg, "conntrack attributes: 2 trailing bytes"), "%s", err.msg);
	/* A nest that cannot hold an attribute is a bad length, named. */
	nlh = ct_entry(buf, sizeof(buf), CTA_HELP, 2);
	ck_assert_int_eq(ctf_ct_decode(nlh, &e, &err), -EBADMSG);
	ck_assert_msg(strstr(err.msg, "conntrack attribute help has a bad length (2 bytes)"), "%s",
		      err.msg);
	/* Labels take any length (the kernel's bitmap of longs). */
	nlh = ct_entry(buf, sizeof(buf), CTA_LABELS, 8);
	ck_assert_int_eq(ctf_ct_decode(nlh, &e, &err), 0);
	ck_assert(e.has_labels);
}
END_TEST

/* ---- the request helper, against nlctrl ---------------------------------- */

struct families {
	unsigned n;
	bool saw_nlctrl;
};

static int decode_family(const struct nlmsghdr *nlh, void *item)
{
	static const struct ctf_attr_rule ctrl_rules[CTRL_ATTR_FAMILY_NAME + 1] = {
		[CTRL_ATTR_FAMILY_NAME] = CTF_RULE_STRZ("family_name", GENL_NAMSIZ),
	};
	const struct nlattr *tb[CTRL_ATTR_FAMILY_NAME + 1];
	char *name = item;
	int ret = ctf_attrs_parse(nlh, GENL_HDRLEN, ctrl_rules, CTRL_ATTR_FAMILY_NAME, tb);

	if (ret < 0 || !tb[CTRL_ATTR_FAMILY_NAME])
		return -EBADMSG;
	strcpy(name, ctf_nla_str(tb[CTRL_ATTR_FAMILY_NAME]));
	return 0;
}

static int count_family(const void *item, void *arg)
{
	struct families *f = arg;

	f->n++;
	if (!strcmp(item, "nlctrl"))
		f->saw_nlctrl = true;
	return 0;
}

static int refuse(const void *item, void *arg)
{
	(void)item;
	(void)arg;
	return -ECANCELED;
}

/* GETFAMILY has no ovs_header: trim it, and name @family if given. */
static struct nlmsghdr *ctrl_req(struct ctf_nlsock *sock, char *buf, size_t len,
				 const char *family)
{
	int ret;
	struct nlmsghdr *nlh = ctf_genl_req_start(sock, "nlctrl", 1, buf, len, CTRL_CMD_GETFAMILY,
						  0, 0, &ret);

	ck_assert_ptr_nonnull(nlh);
	nlh->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	if (family)
		mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, family);
	return nlh;
}

START_TEST(get_and_dump_through_the_helper)
{
	struct ctf_nlsock *sock;
	struct ctf_err err;
	char buf[256], name[GENL_NAMSIZ] = "";
	struct families f = { 0 };
	struct ctf_genl_reply get = { .decode = decode_family, .item = name };
	struct ctf_genl_reply dump = { decode_family, name, count_family, &f };
	struct ctf_genl_reply stop = { decode_family, name, refuse, NULL };
	int ret;

	ck_assert_int_eq(ctf_nlsock_open(&sock), 0);
	/* A family that is not registered fails before anything is sent. */
	ck_assert_ptr_null(ctf_genl_req_start(sock, "no-such-family", 1, buf, sizeof(buf), 0, 0, 0,
					      &ret));
	ck_assert_int_eq(ret, -ENOENT);
	ck_assert_ptr_null(ctf_genl_req_start(sock, "nlctrl", 1, buf, 8, 0, 0, 0, &ret));
	ck_assert_int_eq(ret, -EMSGSIZE);

	/* A get decodes its reply into the item. */
	ck_assert_int_eq(ctf_genl_get(sock, ctrl_req(sock, buf, sizeof(buf), "nlctrl"), &get, true,
				      &err), 0);
	ck_assert_str_eq(name, "nlctrl");
	/* Replies nobody decodes do not count as a reply. */
	ck_assert_int_eq(ctf_genl_get(sock, ctrl_req(sock, buf, sizeof(buf), "nlctrl"), NULL, true,
				      &err), -EBADMSG);
	ck_assert_int_eq(err.error, -EBADMSG);
	ck_assert_int_eq(errno, EBADMSG);
	/* The kernel's refusal comes back as it is. */
	ck_assert_int_eq(ctf_genl_get(sock, ctrl_req(sock, buf, sizeof(buf), "no-such-family"),
				      &get, true, &err), -ENOENT);
	ck_assert_int_eq(err.error, -ENOENT);

	/* A dump hands over every family; a refusing callback stops it, cleanly. */
	ck_assert_int_eq(ctf_genl_dump(sock, ctrl_req(sock, buf, sizeof(buf), NULL), &dump, &err),
			 0);
	ck_assert_uint_ge(f.n, 1);
	ck_assert(f.saw_nlctrl);
	ck_assert_int_eq(ctf_genl_dump(sock, ctrl_req(sock, buf, sizeof(buf), NULL), &stop, &err),
			 -ECANCELED);
	ck_assert_int_eq(ctf_genl_get(sock, ctrl_req(sock, buf, sizeof(buf), "nlctrl"), &get, true,
				      &err), 0);
	ctf_nlsock_close(sock);
}
END_TEST

static Suite *nlrequest_suite(void)
{
	Suite *s = suite_create("nlrequest");
	TCase *tc = tcase_create("core");
	TCase *live = tcase_create("controller");

	tcase_add_test(tc, binary_rules_and_faults);
	tcase_add_test(tc, strict_mode_refuses_trailing_bytes);
	tcase_add_test(tc, ctnetlink_framing_stays_strict);
	suite_add_tcase(s, tc);
	tcase_add_test(live, get_and_dump_through_the_helper);
	suite_add_tcase(s, live);
	return s;
}

int main(void)
{
	return ck_run_suite(nlrequest_suite());
}
