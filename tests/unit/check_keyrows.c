// SPDX-License-Identifier: Apache-2.0
/*
 * The key attribute rows (src/nl/odp/key-attrs.c) drive decoding, encoding
 * and the classifier's stages. These tests walk the rows themselves, so a
 * row added later is covered without a new test: every attribute the
 * decoder takes must come back out of the encoder (an attribute without an
 * encode position would be silently left out of every installed flow).
 */
#include <check.h>
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "ctflow/flowtext.h"
#include "ctflow/match.h"
#include "odp/action-attrs.h"
#include "odp/key-attrs.h"
#include "common.h"

#define B(t) CTF_KEY_BIT(OVS_KEY_ATTR_##t)

static void fill(void *p, size_t n, unsigned int seed)
{
	uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)((i * 37 + seed * 11) | 1);
}

/* Encode @k exactly, decode the result into @out; both streams must decode. */
static void encode_decode(const struct ctf_flow_key *k, struct ctf_flow_key *out)
{
	struct ctf_nlbuf kb, mb;
	struct ctf_flow_key m;
	struct ctf_err err;

	ck_assert_int_eq(ctf_nlbuf_init(&kb, 8192), 0);
	ck_assert_int_eq(ctf_nlbuf_init(&mb, 8192), 0);
	ck_assert_int_eq(ctf_flow_key_to_attrs(k, NULL, &kb, &mb), 0);
	ck_assert_msg(!ctf_flow_key_from_attrs(ctf_nlbuf_data(&kb), ctf_nlbuf_len(&kb), out, &err),
		      "%s", err.msg);
	ck_assert_msg(!ctf_flow_key_from_attrs(ctf_nlbuf_data(&mb), ctf_nlbuf_len(&mb), &m, &err),
		      "%s", err.msg);
	ctf_nlbuf_free(&kb);
	ctf_nlbuf_free(&mb);
}

/* A key with attribute @t present and non-zero, laid out as its row says. */
static void key_with(struct ctf_flow_key *k, unsigned int t, const struct ctf_attr_desc *d)
{
	memset(k, 0, sizeof(*k));
	k->attrs = CTF_KEY_BIT(t);
	if (ctf_attr_copy_len(d))
		fill((char *)k + d->key_off, ctf_attr_copy_len(d), t);
	switch (d->kind) {
	case CTF_AK_VLAN:
		k->vlan[0].tpid = htons(0x8100);
		k->vlan[0].tci = htons(0x1005);
		break;
	case CTF_AK_MPLS:
		k->mpls_n = 2;
		fill(k->mpls, 8, t);
		break;
	case CTF_AK_TUNNEL:
		k->tun_attrs = CTF_TUN_BIT(OVS_TUNNEL_KEY_ATTR_IPV4_DST) |
			       CTF_TUN_BIT(OVS_TUNNEL_KEY_ATTR_TTL);
		k->tun_ipv4_dst = htonl(0x0a000001);
		k->tun_ttl = 64;
		break;
	case CTF_AK_NSH:
		k->nsh_base.mdtype = 1;
		k->nsh_base.path_hdr = htonl(0x12345);
		fill(&k->nsh_md1, sizeof(k->nsh_md1), t);
		break;
	}
}

START_TEST(test_every_key_row_round_trips)
{
	unsigned int n = 0;

	for (unsigned int t = 1; t <= OVS_KEY_ATTR_MAX; t++) {
		const struct ctf_attr_desc *d = ctf_attr_row(&ctf_key_table, t);
		struct ctf_flow_key k, m, want, got;

		if (!d || (d->flags & CTF_AF_USER_ONLY) || d->kind == CTF_AK_ENCAP)
			continue;
		key_with(&k, t, d);
		encode_decode(&k, &got);
		ck_assert_msg(got.attrs & CTF_KEY_BIT(t), "%s() was decoded but not encoded back "
			      "(does its row have an encode position?)", d->name);
		ctf_flow_key_mask_exact(&m, &k);
		ctf_flow_key_mask_apply(&want, &k, &m);
		ck_assert_msg(!memcmp((char *)&want + CTF_KEY_BODY_START,
				      (char *)&got + CTF_KEY_BODY_START, CTF_KEY_BODY_SIZE),
			      "%s() changed on the way through the encoder", d->name);
		n++;
	}
	ck_assert_uint_ge(n, 27);
}
END_TEST

/* Every attribute at once, the variable parts at their maxima: it fits the documented bound. */
START_TEST(test_the_largest_key_fits_its_bound)
{
	struct ctf_flow_key k;
	struct ctf_nlbuf kb, mb;

	memset(&k, 0, sizeof(k));
	for (unsigned int t = 1; t <= OVS_KEY_ATTR_MAX; t++) {
		const struct ctf_attr_desc *d = ctf_attr_row(&ctf_key_table, t);

		if (d && !(d->flags & CTF_AF_USER_ONLY) && d->kind != CTF_AK_ENCAP)
			k.attrs |= CTF_KEY_BIT(t);
	}
	k.attrs |= CTF_KEYB_VLAN1 | CTF_KEYB_ENCAP1;
	k.vlan[0].tpid = htons(0x88a8);
	k.vlan[1].tpid = htons(0x8100);
	k.vlan[0].tci = k.vlan[1].tci = htons(0x1005);
	fill((char *)&k + CTF_KEY_BODY_START, CTF_KEY_BODY_SIZE, 3);
	k.tun_attrs = UINT32_MAX & ~CTF_TUN_BIT(OVS_TUNNEL_KEY_ATTR_PAD);
	k.mpls_n = CTF_MPLS_MAX_LABELS;
	k.geneve_len = CTF_GENEVE_OPTS_MAX;
	k.erspan_len = CTF_ERSPAN_OPTS_MAX;
	k.nsh_md2_len = CTF_NSH_MD2_MAX;
	ck_assert_int_eq(ctf_nlbuf_init(&kb, CTF_NLBUF_MAX), 0);
	ck_assert_int_eq(ctf_nlbuf_init(&mb, CTF_NLBUF_MAX), 0);
	ck_assert_int_eq(ctf_flow_key_to_attrs(&k, NULL, &kb, &mb), 0);
	ck_assert_uint_gt(ctf_nlbuf_len(&kb), 1000);
	ck_assert_uint_le(ctf_nlbuf_len(&kb), CTF_FLOW_KEY_ATTRS_MAX - CTF_NLMSG_HDRLEN);
	ck_assert_uint_le(ctf_nlbuf_len(&mb), CTF_FLOW_KEY_ATTRS_MAX - CTF_NLMSG_HDRLEN);
	ctf_nlbuf_free(&kb);
	ctf_nlbuf_free(&mb);
}
END_TEST

START_TEST(test_every_tunnel_row_round_trips)
{
	for (unsigned int t = 0; t <= OVS_TUNNEL_KEY_ATTR_MAX; t++) {
		const struct ctf_attr_desc *d = ctf_attr_row(&ctf_tunnel_key_table, t);
		struct ctf_flow_key k, m, want, got;

		if (!d || t == OVS_TUNNEL_KEY_ATTR_PAD)
			continue;
		key_with(&k, OVS_KEY_ATTR_TUNNEL, ctf_attr_row(&ctf_key_table, OVS_KEY_ATTR_TUNNEL));
		k.tun_attrs |= CTF_TUN_BIT(t);
		if (ctf_attr_copy_len(d))
			fill((char *)&k + d->key_off, ctf_attr_copy_len(d), t);
		switch (t) {
		case OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS:
			k.geneve_len = 8;
			fill(k.geneve_opts, 8, t);
			break;
		case OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS:
			k.erspan_len = (uint8_t)d->len;
			fill(k.erspan_opts, k.erspan_len, t);
			break;
		case OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS:
			k.tun_vxlan_gbp = htonl(0x10203);
			break;
		case OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT:
			k.tun_flags = CTF_TUN_F_DF;
			break;
		case OVS_TUNNEL_KEY_ATTR_CSUM:
			k.tun_flags = CTF_TUN_F_CSUM;
			break;
		case OVS_TUNNEL_KEY_ATTR_OAM:
			k.tun_flags = CTF_TUN_F_OAM;
			break;
		case OVS_TUNNEL_KEY_ATTR_IPV4_INFO_BRIDGE:
			k.tun_flags = CTF_TUN_F_INFO_BRIDGE;
			break;
		}
		encode_decode(&k, &got);
		ck_assert_msg(got.tun_attrs & CTF_TUN_BIT(t), "tunnel(%s) was not encoded back", d->name);
		ck_assert_uint_eq(got.attrs & ~B(TUNNEL), 0);
		ctf_flow_key_mask_exact(&m, &k);
		ctf_flow_key_mask_apply(&want, &k, &m);
		ck_assert_msg(!memcmp((char *)&want + CTF_KEY_BODY_START,
				      (char *)&got + CTF_KEY_BODY_START, CTF_KEY_BODY_SIZE),
			      "tunnel(%s) changed on the way through the encoder", d->name);
	}
}
END_TEST

/*
 * Keys and actions share one row type (odp/attr-table.h): every row of every
 * table keeps one length encoding, and a namespace leaves the columns it
 * does not use at zero.
 */
static void check_table_rows(const struct ctf_attr_table *t, bool key)
{
	for (unsigned int type = 0; type <= t->max_type; type++) {
		const struct ctf_attr_desc *d = ctf_attr_row(t, type);

		if (!d)
			continue;
		ck_assert_msg(d->len >= CTF_LEN_IP, "%s %s: unknown length rule %d", t->what, d->name,
			      d->len);
		/* A key nest may be read by its kind's code (tunnel vxlan) instead. */
		ck_assert_msg(!d->nested || d->len == CTF_LEN_NESTED,
			      "%s %s: a nested table on a row that is not NESTED", t->what, d->name);
		if (d->len == CTF_LEN_VARIABLE || d->len == CTF_LEN_STRZ)
			ck_assert_msg(d->min_len <= d->max_len &&
				      (d->max_len > 0 || d->kind == CTF_AK_REFUSED),
				      "%s %s: a variable length needs its bounds", t->what, d->name);
		else
			ck_assert_msg(!d->min_len && !d->max_len, "%s %s: bounds on a fixed length",
				      t->what, d->name);
		if (key) {
			ck_assert_msg(d->kind != CTF_AK_NONE, "%s %s has no kind", t->what, d->name);
		} else {
			ck_assert_msg(d->kind == CTF_AK_NONE && !d->flags && !d->fields && !d->key_off &&
				      !d->key_size && !d->enc_order && !d->stage,
				      "%s %s: an action row with key columns", t->what, d->name);
			ck_assert_msg(d->len != CTF_LEN_NESTED || d->nested,
				      "%s %s: a NESTED action row without its table", t->what, d->name);
		}
	}
}

START_TEST(test_one_row_type_for_keys_and_actions)
{
	const struct ctf_attr_table *keys[] = { &ctf_key_table, &ctf_tunnel_key_table,
						&ctf_nsh_key_table };
	const struct ctf_attr_table *actions[] = {
		&ctf_action_attrs, &ctf_ct_attrs, &ctf_nat_attrs, &ctf_userspace_attrs,
		&ctf_sample_attrs, &ctf_check_pkt_len_attrs, &ctf_dec_ttl_attrs,
		&ctf_psample_attrs, &ctf_push_nsh_attrs,
	};
	uint8_t ip[16] = { 0 }, buf[64];
	struct nlattr *a = (struct nlattr *)buf;

	for (size_t i = 0; i < CTF_ARRAY_SIZE(keys); i++)
		check_table_rows(keys[i], true);
	for (size_t i = 0; i < CTF_ARRAY_SIZE(actions); i++)
		check_table_rows(actions[i], false);
	/* The length rules as the walkers see them. */
	a->nla_type = OVS_NAT_ATTR_IP_MIN;
	for (uint16_t n = 0; n <= 20; n++) {
		a->nla_len = (uint16_t)(CTF_NLA_HDRLEN + n);
		memcpy(buf + CTF_NLA_HDRLEN, ip, n < 16 ? n : 16);
		ck_assert_int_eq(ctf_attr_len_ok(&ctf_nat_attrs, a), n == 4 || n == 16);
	}
	a->nla_type = OVS_CT_ATTR_COMMIT;	/* a flag */
	a->nla_len = CTF_NLA_HDRLEN;
	ck_assert(ctf_attr_len_ok(&ctf_ct_attrs, a));
	a->nla_len = CTF_NLA_HDRLEN + 4;
	ck_assert(!ctf_attr_len_ok(&ctf_ct_attrs, a));
	a->nla_type = OVS_CT_ATTR_HELPER;	/* STRZ: a NUL within the bounds */
	memcpy(buf + CTF_NLA_HDRLEN, "ftp", 4);
	ck_assert(ctf_attr_len_ok(&ctf_ct_attrs, a));
	memcpy(buf + CTF_NLA_HDRLEN, "ftpx", 4);
	ck_assert(!ctf_attr_len_ok(&ctf_ct_attrs, a));
	a->nla_type = OVS_KEY_ATTR_CT_ZONE;	/* exact */
	a->nla_len = CTF_NLA_HDRLEN + 2;
	ck_assert(ctf_attr_len_ok(&ctf_key_table, a));
	a->nla_type = OVS_KEY_ATTR_MAX + 1;	/* unknown */
	ck_assert(!ctf_attr_len_ok(&ctf_key_table, a));
}
END_TEST

/* The encoder's order lists hold each positioned row once. */
START_TEST(test_enc_orders_from_rows)
{
	unsigned int seen[OVS_KEY_ATTR_MAX + 1] = { 0 }, positioned = 0, listed = 0;

	for (unsigned int t = 1; t <= OVS_KEY_ATTR_MAX; t++) {
		const struct ctf_attr_desc *d = ctf_attr_row(&ctf_key_table, t);

		positioned += d && d->enc_order;
	}
	for (const uint8_t *o = ctf_key_enc_orders.outer; *o != CTF_ENC_END; o++, listed++)
		seen[*o]++;
	for (const uint8_t *o = ctf_key_enc_orders.inner; *o != CTF_ENC_END; o++, listed++)
		seen[*o]++;
	ck_assert_uint_eq(listed, positioned);
	for (unsigned int t = 1; t <= OVS_KEY_ATTR_MAX; t++)
		ck_assert_uint_le(seen[t], 1);
	ck_assert_uint_eq(ctf_key_enc_orders.outer[0], OVS_KEY_ATTR_RECIRC_ID);
	ck_assert_uint_eq(ctf_key_enc_orders.inner[0], OVS_KEY_ATTR_ETHERTYPE);
	ck_assert_uint_eq(ctf_key_enc_orders.tunnel[0], OVS_TUNNEL_KEY_ATTR_ID);
}
END_TEST

#define STAGE_OF(field) stage[offsetof(struct ctf_flow_key, field) - CTF_KEY_BODY_START]

START_TEST(test_stages_from_rows)
{
	static uint8_t stage[CTF_KEY_BODY_SIZE];

	ctf_flow_key_stages(stage);
	ck_assert_uint_eq(STAGE_OF(recirc_id), CTF_KS_FIXED);
	ck_assert_uint_eq(STAGE_OF(in_port), CTF_KS_FIXED);
	ck_assert_uint_eq(STAGE_OF(eth_type), CTF_KS_FIXED);
	ck_assert_uint_eq(STAGE_OF(ct_mark), CTF_KS_META);
	ck_assert_uint_eq(STAGE_OF(tun_id), CTF_KS_META);
	ck_assert_uint_eq(STAGE_OF(eth.eth_dst[5]), CTF_KS_L2);
	ck_assert_uint_eq(STAGE_OF(vlan[1].tci), CTF_KS_L2);
	ck_assert_uint_eq(STAGE_OF(mpls[2]), CTF_KS_L2);
	ck_assert_uint_eq(STAGE_OF(ipv4.ipv4_proto), CTF_KS_L3);
	ck_assert_uint_eq(STAGE_OF(ipv4.ipv4_src), CTF_KS_ADDR);
	ck_assert_uint_eq(STAGE_OF(ipv6.ipv6_dst[3]), CTF_KS_ADDR);
	ck_assert_uint_eq(STAGE_OF(arp.arp_op), CTF_KS_L3);
	ck_assert_uint_eq(STAGE_OF(arp.arp_tha), CTF_KS_ADDR);
	ck_assert_uint_eq(STAGE_OF(nsh_md2[100]), CTF_KS_L3);
	ck_assert_uint_eq(STAGE_OF(tcp_flags), CTF_KS_L4);
	ck_assert_uint_eq(STAGE_OF(nd.nd_tll), CTF_KS_L4);
	ck_assert_uint_eq(STAGE_OF(ct_tuple4.ipv4_src), CTF_KS_META);
}
END_TEST

/* ---- what the validator refuses (issue 11) ------------------------------ */

/* Parse @flow and validate it; 0 or the negative errno, with @err. */
static int validate_text(const char *flow, struct ctf_err *err)
{
	struct ctf_nlbuf k, m;
	int ret;

	ck_assert_int_eq(ctf_nlbuf_init(&k, 4096), 0);
	ck_assert_int_eq(ctf_nlbuf_init(&m, 4096), 0);
	ret = ctf_key_parse(flow, NULL, &k, &m, err);
	ck_assert_msg(ret >= 0, "`%s' does not parse: %s", flow, err->msg);
	ret = ctf_flow_validate(ctf_nlbuf_data(&k), ctf_nlbuf_len(&k), ctf_nlbuf_data(&m),
				ctf_nlbuf_len(&m), NULL, 0, err);
	ctf_nlbuf_free(&k);
	ctf_nlbuf_free(&m);
	return ret;
}

static void refused(const char *flow, const char *msg_part, const char *hint_part)
{
	struct ctf_err err;

	ck_assert_msg(validate_text(flow, &err) == -EINVAL, "`%s' was accepted", flow);
	ck_assert_msg(strstr(err.msg, msg_part), "`%s': message `%s' lacks `%s'", flow, err.msg,
		      msg_part);
	ck_assert_msg(strstr(err.hint, hint_part), "`%s': hint `%s' lacks `%s'", flow, err.hint,
		      hint_part);
}

static void accepted(const char *flow)
{
	struct ctf_err err;

	ck_assert_msg(!validate_text(flow, &err), "`%s' refused: %s", flow, err.msg);
}

#define IP4 "eth(),eth_type(0x0800),ipv4()"

START_TEST(test_masks_the_kernel_widens_are_refused)
{
	refused("in_port(1/0xff)," IP4, "in_port(1/0xff): the kernel matches in_port exactly",
		"drop the /mask");
	refused("in_port(3/0xffff0000)," IP4, "in_port(3/0xffff0000)", "leave in_port() out");
	refused("eth(),eth_type(0x0800/0xff00),ipv4()",
		"eth_type(0x0800/0xff00): the kernel matches the EtherType exactly", "drop the /mask");
	refused("eth(),eth_type(0x8100),vlan(vid=1),encap(eth_type(0x0800/0xfff0),ipv4())",
		"eth_type(0x0800/0xfff0)", "one flow per EtherType");
	accepted("in_port(1)," IP4);
	accepted("in_port(1/0xffffffff)," IP4);
	accepted("in_port(1/0xffff)," IP4);	/* ports are below 65535: exact in effect */
	accepted("eth(),eth_type(0x0800/0xffff),ipv4()");
}
END_TEST

START_TEST(test_impossible_ct_states_are_refused)
{
	refused("ct_state(+new+est+trk)," IP4, "ct_state(+new+est) can never match", "flow of its own");
	refused("ct_state(+new+rpl+trk)," IP4, "ct_state(+new+rpl) can never match", "flow of its own");
	refused("ct_state(-trk+new)," IP4, "ct_state(-trk) with other flags set", "alone");
	refused("ct_state(0x11/0x31)," IP4, "ct_state(-trk) with other flags set", "alone");
	/* Without a mask every known bit is examined: 0x2 is +est-trk. */
	refused("ct_state(0x2/0xff)," IP4, "ct_state(-trk)", "alone");
	accepted("ct_state(+new-est+trk)," IP4);
	accepted("ct_state(+est+rpl+trk)," IP4);
	accepted("ct_state(+rel+rpl+trk)," IP4);
	/* Established packets of a related connection keep rel. */
	accepted("ct_state(+est+rel+trk)," IP4);
	accepted("ct_state(-trk-new-est)," IP4);
	accepted("ct_state(-trk)," IP4);
	accepted("ct_state(+new-rpl+trk)," IP4);
	/* A bit outside the mask does not count. */
	accepted("ct_state(0x23/0x21)," IP4);
}
END_TEST

static Suite *keyrows_suite(void)
{
	Suite *s = suite_create("keyrows");
	TCase *tc = tcase_create("rows");

	tcase_add_test(tc, test_every_key_row_round_trips);
	tcase_add_test(tc, test_the_largest_key_fits_its_bound);
	tcase_add_test(tc, test_every_tunnel_row_round_trips);
	tcase_add_test(tc, test_enc_orders_from_rows);
	tcase_add_test(tc, test_one_row_type_for_keys_and_actions);
	tcase_add_test(tc, test_stages_from_rows);
	suite_add_tcase(s, tc);
	tc = tcase_create("validate");
	tcase_add_test(tc, test_masks_the_kernel_widens_are_refused);
	tcase_add_test(tc, test_impossible_ct_states_are_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run_suite(keyrows_suite());
}
