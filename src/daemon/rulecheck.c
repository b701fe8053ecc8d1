// SPDX-License-Identifier: Apache-2.0
/*
 * Rule validation (see rulecheck.h): build the flow a rule would install
 * when its match is all that is known - the rule's key under its mask, with
 * the attributes the kernel then expects added wildcarded - and run the
 * flow language's validator on that flow with the rule's actions.
 */
#include <errno.h>
#include <linux/openvswitch.h>

#include "ctflow/flowtext.h"
#include "ctflow/match.h"
#include "rulecheck.h"

int rulecheck_rule(const void *key, size_t key_len, const void *mask, size_t mask_len,
		   const void *actions, size_t actions_len, struct ctf_err *err)
{
	struct ctf_flow_key k, m;
	struct ctf_nlbuf kb, mb;
	int ret;

	ret = ctf_flow_key_from_attrs(key, key_len, &k, err);
	if (!ret && mask_len)
		ret = ctf_flow_key_from_attrs(mask, mask_len, &m, err);
	else if (!ret)
		ctf_flow_key_mask_exact(&m, &k);
	if (ret)
		return ret;
	ctf_flow_key_mask_apply(&k, &k, &m);
	/*
	 * ctflowd attaches netdev ports only, so every packet it classifies has
	 * an Ethernet header: a rule that does not mention eth() is still
	 * installed with one (wildcarded), and is checked that way.
	 */
	k.attrs |= CTF_KEY_BIT(OVS_KEY_ATTR_ETHERNET);
	m.attrs |= CTF_KEY_BIT(OVS_KEY_ATTR_ETHERNET);

	/* Called for every rule of a policy: a key's bound, not a message's. */
	ctf_nlbuf_init(&kb, CTF_FLOW_KEY_ATTRS_MAX);
	ctf_nlbuf_init(&mb, CTF_FLOW_KEY_ATTRS_MAX);
	ret = ctf_flow_key_to_attrs(&k, &m, &kb, &mb);
	if (ret)
		ctf_err_setn(err, ret, "the flow for this rule does not fit a netlink message");
	else
		ret = ctf_flow_validate(ctf_nlbuf_data(&kb), ctf_nlbuf_len(&kb),
					ctf_nlbuf_data(&mb), ctf_nlbuf_len(&mb),
					actions, actions_len, err);
	ctf_nlbuf_free(&kb);
	ctf_nlbuf_free(&mb);
	return ret;
}
