// SPDX-License-Identifier: Apache-2.0
/*
 * Building ctnetlink requests (pure: any byte buffer): the nfgenmsg header,
 * a full tuple (for delete), and a dump request that carries as much of a
 * struct ctf_ct_filter as the kernel can apply itself.
 *
 * What the kernel filters on a dump, and since when: the address family
 * (nfgen_family), mark under a mask (CTA_MARK + CTA_MARK_MASK), the zone
 * (CTA_ZONE, on newer kernels; zone 0 means "no filter" to it) and partial
 * tuples (CTA_FILTER with per-field flags, Linux 5.8; IPv4 addresses
 * only, see filter_flags()). Labels never. An
 * older kernel ignores the attributes it does not know and sends more than
 * asked, so the caller always matches again in userspace: the kernel's
 * share only saves work, it never decides alone.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "ctflow/conntrack.h"
#include "ctflow/nlsock.h"

/*
 * CTA_FILTER_ORIG_FLAGS / CTA_FILTER_REPLY_FLAGS bits: which fields of the
 * tuple the kernel compares. Kernel ABI, not in the uapi headers.
 */
enum {
	FILTER_IP_SRC = 1 << 0,
	FILTER_IP_DST = 1 << 1,
	FILTER_PROTO_NUM = 1 << 3,
	FILTER_PROTO_SRC_PORT = 1 << 4,
	FILTER_PROTO_DST_PORT = 1 << 5,
	FILTER_ICMP_TYPE = 1 << 6,
	FILTER_ICMP_CODE = 1 << 7,
	FILTER_ICMP_ID = 1 << 8,
	FILTER_ICMPV6_TYPE = 1 << 9,
	FILTER_ICMPV6_CODE = 1 << 10,
	FILTER_ICMPV6_ID = 1 << 11,
};

struct nlmsghdr *ctf_ct_req_init(void *buf, size_t buflen, uint8_t msg, uint16_t flags,
				 uint8_t family)
{
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;

	nlh = ctf_nlmsg_req_init(buf, buflen, (NFNL_SUBSYS_CTNETLINK << 8) | msg, flags,
				 sizeof(*nfg));
	if (!nlh)
		return NULL;
	nfg = mnl_nlmsg_get_payload(nlh);
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	return nlh;
}

/* The addresses and protocol fields @fields names (all of them for a full tuple). */
static bool put_tuple_fields(struct nlmsghdr *nlh, size_t buflen, uint16_t type,
			     const struct ctf_ct_tuple *t, unsigned fields)
{
	struct nlattr *tuple, *ip, *proto;
	bool v4 = t->l3 == AF_INET;
	size_t alen = v4 ? 4 : 16;
	bool icmp = t->proto == IPPROTO_ICMP || t->proto == IPPROTO_ICMPV6;

	tuple = mnl_attr_nest_start_check(nlh, buflen, type);
	if (!tuple)
		return false;
	if (fields & (CTF_CTF_SRC | CTF_CTF_DST)) {
		ip = mnl_attr_nest_start_check(nlh, buflen, CTA_TUPLE_IP);
		if (!ip ||
		    ((fields & CTF_CTF_SRC) &&
		     !mnl_attr_put_check(nlh, buflen, v4 ? CTA_IP_V4_SRC : CTA_IP_V6_SRC, alen,
					 t->src)) ||
		    ((fields & CTF_CTF_DST) &&
		     !mnl_attr_put_check(nlh, buflen, v4 ? CTA_IP_V4_DST : CTA_IP_V6_DST, alen,
					 t->dst)))
			return false;
		mnl_attr_nest_end(nlh, ip);
	}
	if (fields & CTF_CTF_PROTO) {
		proto = mnl_attr_nest_start_check(nlh, buflen, CTA_TUPLE_PROTO);
		if (!proto || !mnl_attr_put_u8_check(nlh, buflen, CTA_PROTO_NUM, t->proto))
			return false;
		/* The ICMPv6 attributes follow the ICMP ones: same layout, +3. */
		uint16_t off = t->proto == IPPROTO_ICMPV6 ? CTA_PROTO_ICMPV6_ID - CTA_PROTO_ICMP_ID
							  : 0;

		if (icmp) {
			if (((fields & CTF_CTF_ICMP_ID) &&
			     !mnl_attr_put_u16_check(nlh, buflen, CTA_PROTO_ICMP_ID + off,
						     htons(t->icmp_id))) ||
			    ((fields & CTF_CTF_ICMP_TYPE) &&
			     !mnl_attr_put_u8_check(nlh, buflen, CTA_PROTO_ICMP_TYPE + off,
						    t->icmp_type)) ||
			    ((fields & CTF_CTF_ICMP_CODE) &&
			     !mnl_attr_put_u8_check(nlh, buflen, CTA_PROTO_ICMP_CODE + off,
						    t->icmp_code)))
				return false;
		} else if (((fields & CTF_CTF_SPORT) &&
			    !mnl_attr_put_u16_check(nlh, buflen, CTA_PROTO_SRC_PORT,
						    htons(t->sport))) ||
			   ((fields & CTF_CTF_DPORT) &&
			    !mnl_attr_put_u16_check(nlh, buflen, CTA_PROTO_DST_PORT,
						    htons(t->dport)))) {
			return false;
		}
		mnl_attr_nest_end(nlh, proto);
	}
	mnl_attr_nest_end(nlh, tuple);
	return true;
}

bool ctf_ct_put_tuple(struct nlmsghdr *nlh, size_t buflen, uint16_t type,
		      const struct ctf_ct_tuple *t)
{
	unsigned all = CTF_CTF_SRC | CTF_CTF_DST | CTF_CTF_PROTO | CTF_CTF_SPORT | CTF_CTF_DPORT |
		       CTF_CTF_ICMP_TYPE | CTF_CTF_ICMP_CODE | CTF_CTF_ICMP_ID;

	return put_tuple_fields(nlh, buflen, type, t, all);
}

/* CTA_FILTER flags for a partial tuple; 0 if the kernel cannot take it as given. */
static uint32_t filter_flags(const struct ctf_ct_partial_tuple *pt)
{
	bool v6 = pt->t.proto == IPPROTO_ICMPV6;
	uint32_t f = 0;

	/*
	 * IPv6 addresses stay in userspace: the kernel's IPv6 address test
	 * is inverted (Linux 6.18 sends the entries that do NOT have the
	 * address), and a filter that drops what we want cannot be undone.
	 */
	if ((pt->fields & CTF_CTF_SRC) && pt->t.l3 == AF_INET)
		f |= FILTER_IP_SRC;
	if ((pt->fields & CTF_CTF_DST) && pt->t.l3 == AF_INET)
		f |= FILTER_IP_DST;
	/* The kernel reads ports and ICMP fields only under a protocol number. */
	if (!(pt->fields & CTF_CTF_PROTO))
		return f;
	f |= FILTER_PROTO_NUM;
	if (pt->fields & CTF_CTF_SPORT)
		f |= FILTER_PROTO_SRC_PORT;
	if (pt->fields & CTF_CTF_DPORT)
		f |= FILTER_PROTO_DST_PORT;
	if (pt->fields & CTF_CTF_ICMP_TYPE)
		f |= v6 ? FILTER_ICMPV6_TYPE : FILTER_ICMP_TYPE;
	if (pt->fields & CTF_CTF_ICMP_CODE)
		f |= v6 ? FILTER_ICMPV6_CODE : FILTER_ICMP_CODE;
	if (pt->fields & CTF_CTF_ICMP_ID)
		f |= v6 ? FILTER_ICMPV6_ID : FILTER_ICMP_ID;
	return f;
}

/*
 * The address family both tuples agree on (0 if neither has addresses, -1
 * if they contradict each other: nothing can match, and the kernel could not
 * parse such a filter).
 */
static int filter_family(const struct ctf_ct_filter *f)
{
	uint8_t o = f->orig.fields & (CTF_CTF_SRC | CTF_CTF_DST) ? f->orig.t.l3 : 0;
	uint8_t r = f->reply.fields & (CTF_CTF_SRC | CTF_CTF_DST) ? f->reply.t.l3 : 0;

	if (o && r && o != r)
		return -1;
	return o ? o : r;
}

static bool put_filter_tuples(struct nlmsghdr *nlh, size_t buflen, const struct ctf_ct_filter *f)
{
	uint32_t of = filter_flags(&f->orig), rf = filter_flags(&f->reply);
	struct nlattr *nest;

	if (!of && !rf)
		return true;
	if ((of && !put_tuple_fields(nlh, buflen, CTA_TUPLE_ORIG, &f->orig.t, f->orig.fields)) ||
	    (rf && !put_tuple_fields(nlh, buflen, CTA_TUPLE_REPLY, &f->reply.t, f->reply.fields)))
		return false;
	nest = mnl_attr_nest_start_check(nlh, buflen, CTA_FILTER);
	if (!nest || !mnl_attr_put_u32_check(nlh, buflen, CTA_FILTER_ORIG_FLAGS, of) ||
	    !mnl_attr_put_u32_check(nlh, buflen, CTA_FILTER_REPLY_FLAGS, rf))
		return false;
	mnl_attr_nest_end(nlh, nest);
	return true;
}

struct nlmsghdr *ctf_ct_dump_request(void *buf, size_t buflen, const struct ctf_ct_filter *f)
{
	int family = f ? filter_family(f) : 0;
	struct nlmsghdr *nlh;

	nlh = ctf_ct_req_init(buf, buflen, IPCTNL_MSG_CT_GET, NLM_F_DUMP,
			      family > 0 ? (uint8_t)family : AF_UNSPEC);
	if (!nlh || !f || family < 0)
		return nlh;
	if (f->has_mark &&
	    (!mnl_attr_put_u32_check(nlh, buflen, CTA_MARK, htonl(f->mark)) ||
	     !mnl_attr_put_u32_check(nlh, buflen, CTA_MARK_MASK, htonl(f->mark_mask))))
		return NULL;
	if (f->has_zone && !mnl_attr_put_u16_check(nlh, buflen, CTA_ZONE, htons(f->zone)))
		return NULL;
	/* The kernel parses filter tuples only for a given family (IPv4 or IPv6). */
	if (family > 0 && !put_filter_tuples(nlh, buflen, f))
		return NULL;
	return nlh;
}
