// SPDX-License-Identifier: Apache-2.0
/*
 * Actions that nest attributes: clone, sample, check_pkt_len, dec_ttl (which
 * nest action lists and count toward the kernel's depth limit), psample and
 * userspace.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "odp/action-attrs.h"
#include "odp/action-internal.h"
#include "netlink/nla-inline.h"

int ctf_ap_clone(struct ctf_ascan *sc, int depth)
{
	return ctf_as_nested_list(sc, OVS_ACTION_ATTR_CLONE, depth + 1, "clone(");
}

int ctf_ap_sample(struct ctf_ascan *sc, int depth)
{
	const char *at;
	struct nlattr *nest;
	double pct;
	char *end;
	int err;

	if (!ctf_as_word(sc, "sample") || !ctf_as_char_fast(sc, '='))
		return ctf_as_unknown_field(sc, "sample", "sample=P%,actions(...)");
	at = sc->p;
	if (!((*at >= '0' && *at <= '9') || *at == '.'))
		goto bad_pct;
	pct = strtod(at, &end);
	if (end == at || *end != '%' || !(pct >= 0.0 && pct <= 100.0))
		goto bad_pct;
	sc->p = end + 1;
	err = ctf_as_expect(sc, ',', "sample()");
	if (err)
		return err;
	if (!ctf_as_word(sc, "actions") || !ctf_as_char_fast(sc, '('))
		return ctf_as_unknown_field(sc, "sample", "sample=P%,actions(...)");
	nest = ctf_as_nest_start(sc, OVS_ACTION_ATTR_SAMPLE);
	if (!nest || ctf_as_put_u32(sc, OVS_SAMPLE_ATTR_PROBABILITY,
				    (uint32_t)llround(pct / 100.0 * UINT32_MAX)))
		return ctf_as_too_long(sc);
	err = ctf_as_nested_list(sc, OVS_SAMPLE_ATTR_ACTIONS, depth + 1, "actions(") ?:
	      ctf_as_expect(sc, ')', "sample()");
	return err ?: ctf_as_nest_end(sc, nest);
bad_pct:
	ctf_as_err(sc, at, "sample needs a percentage 0..100 like 50%%, got `%.*s'",
		   (int)strcspn(at, ",)"), at);
	return -EINVAL;
}

int ctf_ap_check_pkt_len(struct ctf_ascan *sc, int depth)
{
	struct nlattr *nest = ctf_as_nest_start(sc, OVS_ACTION_ATTR_CHECK_PKT_LEN);
	const char *help = "size=N,gt(ACTIONS),le(ACTIONS)";
	uint64_t size;
	int err;

	if (!nest)
		return ctf_as_too_long(sc);
	err = ctf_as_field_u64(sc, "size", CTF_NUM_AUTO, UINT16_MAX, &size);
	if (err == -ENOENT)
		return ctf_as_unknown_field(sc, "check_pkt_len", help);
	uint16_t sz = (uint16_t)size;
	err = err ?: ctf_as_put(sc, OVS_CHECK_PKT_LEN_ATTR_PKT_LEN, sizeof(sz), &sz) ?:
	      ctf_as_expect(sc, ',', "check_pkt_len()");
	if (err)
		return err;
	if (!ctf_as_word(sc, "gt") || !ctf_as_char_fast(sc, '('))
		return ctf_as_unknown_field(sc, "check_pkt_len", help);
	err = ctf_as_nested_list(sc, OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_GREATER, depth + 1, "gt(") ?:
	      ctf_as_expect(sc, ',', "check_pkt_len()");
	if (err)
		return err;
	if (!ctf_as_word(sc, "le") || !ctf_as_char_fast(sc, '('))
		return ctf_as_unknown_field(sc, "check_pkt_len", help);
	err = ctf_as_nested_list(sc, OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_LESS_EQUAL, depth + 1,
				"le(") ?: ctf_as_expect(sc, ')', "check_pkt_len()");
	return err ?: ctf_as_nest_end(sc, nest);
}

int ctf_ap_dec_ttl(struct ctf_ascan *sc, int depth)
{
	struct nlattr *nest = ctf_as_nest_start(sc, OVS_ACTION_ATTR_DEC_TTL);
	int err;

	if (!nest)
		return ctf_as_too_long(sc);
	if (!ctf_as_word(sc, "le_1") || !ctf_as_char_fast(sc, '('))
		return ctf_as_unknown_field(sc, "dec_ttl", "le_1(ACTIONS)");
	err = ctf_as_nested_list(sc, OVS_DEC_TTL_ATTR_ACTION, depth + 1, "le_1(") ?:
	      ctf_as_expect(sc, ')', "dec_ttl()");
	return err ?: ctf_as_nest_end(sc, nest);
}

int ctf_ap_psample(struct ctf_ascan *sc, int depth)
{
	const char *start = sc->p;
	uint8_t cookie[OVS_PSAMPLE_COOKIE_MAX_SIZE];
	size_t cookie_len = 0;
	uint64_t group = 0;
	unsigned seen = 0;
	bool done = false;
	struct nlattr *nest;
	int err;

	while (!done) {
		const char *at = sc->p;

		if (ctf_as_word(sc, "group") && ctf_as_char_fast(sc, '=')) {
			err = ctf_as_dup_field(sc, at, "psample", 1, &seen) ?:
			      ctf_as_u64(sc, "psample group", CTF_NUM_AUTO, UINT32_MAX, &group);
		} else if ((sc->p = at, ctf_as_word(sc, "cookie")) && ctf_as_char_fast(sc, '=')) {
			err = ctf_as_dup_field(sc, at, "psample", 2, &seen);
			if (!err && !(sc->p[0] == '0' && (sc->p[1] | 0x20) == 'x')) {
				char tok[48];

				ctf_as_err(sc, at, "psample cookie needs 0x and hex bytes, got `%s'",
					   ctf_as_token(at, tok, sizeof(tok)));
				ctf_err_hint(sc->err, "write cookie=0x0102... (1 to 16 bytes)");
				return -EINVAL;
			}
			if (!err) {
				sc->p += 2;
				err = ctf_as_hex_bytes(sc, "psample cookie", cookie, sizeof(cookie),
						       &cookie_len);
				if (!err && !cookie_len)
					err = ctf_as_err(sc, at, "psample cookie is empty");
			}
		} else {
			sc->p = at;
			return ctf_as_unknown_field(sc, "psample", "group=N, cookie=0xHEX");
		}
		err = err ?: ctf_as_next_field(sc, "psample", &done);
		if (err)
			return err;
	}
	if (!(seen & 1))
		return ctf_as_missing_field(sc, start, "psample", "group=");
	nest = ctf_as_nest_start(sc, OVS_ACTION_ATTR_PSAMPLE);
	if (!nest || ctf_as_put_u32(sc, OVS_PSAMPLE_ATTR_GROUP, (uint32_t)group) ||
	    (cookie_len && ctf_as_put(sc, OVS_PSAMPLE_ATTR_COOKIE, cookie_len, cookie)))
		return ctf_as_too_long(sc);
	return ctf_as_nest_end(sc, nest);
}

/* OVS's structured cookies: an OVS-userspace convention, not kernel ABI. */
static const char *const ovs_cookies[] = {
	"sFlow", "slow_path", "flow_sample", "ipfix", "controller",
};

int ctf_ap_userspace(struct ctf_ascan *sc, int depth)
{
	struct nlattr *nest = ctf_as_nest_start(sc, OVS_ACTION_ATTR_USERSPACE);
	const char *start = sc->p;
	unsigned seen = 0;
	bool done = false;
	uint64_t v;
	int err;

	if (!nest)
		return ctf_as_too_long(sc);
	while (!done) {
		const char *at = sc->p;

		for (size_t i = 0; i < CTF_ARRAY_SIZE(ovs_cookies); i++) {
			if (ctf_as_word(sc, ovs_cookies[i])) {
				ctf_as_err(sc, at, "userspace(%s(...)) is an OVS userspace cookie "
					   "format, not supported", ovs_cookies[i]);
				ctf_err_hint(sc->err, "give the cookie bytes as userdata(HEX)");
				return -EINVAL;
			}
		}
		if (ctf_as_word(sc, "pid") && ctf_as_char_fast(sc, '=')) {
			err = ctf_as_dup_field(sc, at, "userspace", 1, &seen) ?:
			      ctf_as_u64(sc, "userspace pid", CTF_NUM_AUTO, UINT32_MAX, &v);
			if (!err && v == 0) {
				ctf_as_err(sc, at, "userspace(pid=0): the kernel needs a non-zero pid");
				ctf_err_hint(sc->err, "use the netlink port id of the upcall socket");
				return -EINVAL;
			}
			err = err ?: ctf_as_put_u32(sc, OVS_USERSPACE_ATTR_PID, (uint32_t)v);
		} else if ((sc->p = at, ctf_as_word(sc, "userdata")) && ctf_as_char_fast(sc, '(')) {
			struct nlattr *ud;

			err = ctf_as_dup_field(sc, at, "userspace", 2, &seen);
			ud = err ? NULL : ctf_as_nest_start(sc, OVS_USERSPACE_ATTR_USERDATA);
			if (!err && !ud)
				return ctf_as_too_long(sc);
			if (!err) {
				/* Hex straight into the attribute: userdata can be ~64 KiB. */
				uint8_t *dst = mnl_nlmsg_get_payload_tail(sc->nlh);
				size_t room = sc->buflen - sc->nlh->nlmsg_len, n;

				err = ctf_as_hex_bytes(sc, "userdata", dst, room, &n) ?:
				      ctf_as_expect(sc, ')', "userdata()");
				if (!err) {
					sc->nlh->nlmsg_len += (uint32_t)CTF_NLA_ALIGN(n);	/* n <= room */
					if (sc->nlh->nlmsg_len > sc->buflen)
						return ctf_as_too_long(sc);
					memset(dst + n, 0, CTF_NLA_ALIGN(n) - n);
					ud->nla_type = OVS_USERSPACE_ATTR_USERDATA;
					err = ctf_as_nest_end(sc, ud);
					ud->nla_len = (uint16_t)(CTF_NLA_HDRLEN + n);
					ud->nla_type = OVS_USERSPACE_ATTR_USERDATA;
				}
			}
		} else if ((sc->p = at, ctf_as_word(sc, "actions"))) {
			err = ctf_as_dup_field(sc, at, "userspace", 4, &seen) ?:
			      ctf_as_put(sc, OVS_USERSPACE_ATTR_ACTIONS, 0, NULL);
		} else if ((sc->p = at, ctf_as_word(sc, "tunnel_out_port")) && ctf_as_char_fast(sc, '=')) {
			err = ctf_as_dup_field(sc, at, "userspace", 8, &seen) ?:
			      ctf_as_u64(sc, "tunnel_out_port", CTF_NUM_AUTO, UINT32_MAX, &v) ?:
			      ctf_as_put_u32(sc, OVS_USERSPACE_ATTR_EGRESS_TUN_PORT, (uint32_t)v);
		} else {
			sc->p = at;
			return ctf_as_unknown_field(sc, "userspace", "pid=N, userdata(HEX), actions, "
					     "tunnel_out_port=N");
		}
		err = err ?: ctf_as_next_field(sc, "userspace", &done);
		if (err)
			return err;
	}
	if (!(seen & 1))
		return ctf_as_missing_field(sc, start, "userspace", "pid=");
	return ctf_as_nest_end(sc, nest);
}
