// SPDX-License-Identifier: Apache-2.0
/*
 * ctnetlink: dump, count and delete conntrack entries over NETLINK_NETFILTER
 * (subsystem NFNL_SUBSYS_CTNETLINK), with libmnl. Messages are decoded by
 * ct-decode.c; this file only talks to the kernel.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "ctflow/conntrack.h"
#include "netlink/nla-inline.h"

/* ---- the ctnetlink socket ----------------------------------------------- */

struct ctnl {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	char *buf;
	size_t buflen;
};

/* Large enough that a dump needs few recv() calls; entries are ~300 bytes. */
#define CTNL_RCVBUF (64u * 1024u)

const char *ctf_ct_errno_hint(int neg_errno)
{
	switch (-neg_errno) {
	case EPROTONOSUPPORT:
	case ENOENT:
	case EOPNOTSUPP:
		return "modprobe nf_conntrack_netlink";
	case EPERM:
		return "run as root (CAP_NET_ADMIN is needed)";
	default:
		return NULL;
	}
}

static bool module_missing(int neg_errno)
{
	return neg_errno == -EPROTONOSUPPORT || neg_errno == -ENOENT || neg_errno == -EOPNOTSUPP;
}

/*
 * Fill @err with the reason (the CLI adds "cannot <verb> conntrack: ").
 * @what (may be NULL) says which step failed when that is not obvious.
 */
static int ct_fail(struct ctf_err *err, int neg_errno, const char *what)
{
	const char *hint = ctf_ct_errno_hint(neg_errno);

	if (module_missing(neg_errno))
		ctf_err_setn(err, neg_errno, "%s%snf_conntrack_netlink is not loaded", what ? what : "",
			     what ? ": " : "");
	else
		ctf_err_setn(err, neg_errno, "%s%s%s", what ? what : "", what ? ": " : "",
			     strerror(-neg_errno));
	if (hint)
		ctf_err_hint(err, "%s", module_missing(neg_errno) ? "modprobe nf_conntrack_netlink" : hint);
	return neg_errno;
}

static int ctnl_open(struct ctnl *c, struct ctf_err *err)
{
	memset(c, 0, sizeof(*c));
	c->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!c->nl)
		return ct_fail(err, -errno, "NETLINK_NETFILTER socket");
	if (mnl_socket_bind(c->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = -errno;

		mnl_socket_close(c->nl);
		c->nl = NULL;
		return ct_fail(err, e, "binding the netlink socket");
	}
	c->portid = mnl_socket_get_portid(c->nl);
	c->seq = (uint32_t)time(NULL);
	c->buflen = CTNL_RCVBUF;
	c->buf = ctf_xmalloc(c->buflen);
	return 0;
}

static void ctnl_close(struct ctnl *c)
{
	if (c->nl)
		mnl_socket_close(c->nl);
	free(c->buf);
	memset(c, 0, sizeof(*c));
}

/* Header of a ctnetlink request in @buf. */
static struct nlmsghdr *ctnl_req(struct ctnl *c, void *buf, uint8_t msg, uint16_t flags,
				 uint8_t family)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | msg;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++c->seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	return nlh;
}

/*
 * Send @req and run @cb on each reply until the ACK / NLMSG_DONE. Returns 0
 * or -errno. A callback error stops the exchange; its errno is returned.
 */
static int ctnl_exchange(struct ctnl *c, const struct nlmsghdr *req, mnl_cb_t cb, void *arg)
{
	int r;

	if (mnl_socket_sendto(c->nl, req, req->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(c->nl, c->buf, c->buflen);

		if (n < 0)
			return -errno;
		errno = 0;
		r = mnl_cb_run(c->buf, (size_t)n, req->nlmsg_seq, c->portid, cb, arg);
		if (r < 0)
			return errno ? -errno : -EIO;
		if (r == MNL_CB_STOP)
			return 0;
	}
}

/* ---- dump --------------------------------------------------------------- */

struct dump_state {
	const uint16_t *zone;
	ctf_ct_entry_cb cb;
	void *arg;
	struct ctf_err *err;
	int cb_error;		/* the user callback's errno, or a decode error */
};

static int dump_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_state *st = data;
	struct ctf_ct_entry e;
	int r;

	r = ctf_ct_decode(nlh, &e, st->err);
	if (r == -EAFNOSUPPORT) {
		ctf_err_clear(st->err);
		return MNL_CB_OK;	/* neither IPv4 nor IPv6: nothing we can print */
	}
	if (r < 0) {
		st->cb_error = r;
		errno = -r;
		return MNL_CB_ERROR;
	}
	if (st->zone && e.zone != *st->zone)
		return MNL_CB_OK;
	r = st->cb(&e, st->arg);
	if (r < 0) {
		st->cb_error = r;
		errno = -r;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

static int ct_dump_on(struct ctnl *c, const uint16_t *zone, ctf_ct_entry_cb cb, void *arg,
		      struct ctf_err *err)
{
	char req[CTF_NLMSG_HDRLEN + CTF_NLA_ALIGN(sizeof(struct nfgenmsg))];
	struct dump_state st = { zone, cb, arg, err, 0 };
	struct nlmsghdr *nlh = ctnl_req(c, req, IPCTNL_MSG_CT_GET, NLM_F_DUMP, AF_UNSPEC);
	int r;

	r = ctnl_exchange(c, nlh, dump_msg_cb, &st);
	if (st.cb_error)
		return st.cb_error;	/* err already says why */
	/*
	 * nfnetlink answers EINVAL when the ctnetlink subsystem is absent and
	 * cannot be auto-loaded; a bare dump request has nothing else invalid.
	 */
	if (r == -EINVAL)
		r = -EOPNOTSUPP;
	if (r < 0)
		return ct_fail(err, r, NULL);
	return 0;
}

int ctf_ct_dump(const uint16_t *zone, ctf_ct_entry_cb cb, void *arg, struct ctf_err *err)
{
	struct ctnl c;
	int r;

	ctf_err_clear(err);
	r = ctnl_open(&c, err);
	if (r < 0)
		return r;
	r = ct_dump_on(&c, zone, cb, arg, err);
	ctnl_close(&c);
	return r;
}

/* ---- delete / flush ----------------------------------------------------- */

static bool put_tuple(struct nlmsghdr *nlh, size_t buflen, uint16_t type,
		      const struct ctf_ct_tuple *t)
{
	struct nlattr *tuple, *ip, *proto;
	bool v4 = t->l3 == AF_INET;
	size_t alen = v4 ? 4 : 16;

	tuple = mnl_attr_nest_start_check(nlh, buflen, type);
	if (!tuple)
		return false;
	ip = mnl_attr_nest_start_check(nlh, buflen, CTA_TUPLE_IP);
	if (!ip ||
	    !mnl_attr_put_check(nlh, buflen, v4 ? CTA_IP_V4_SRC : CTA_IP_V6_SRC, alen, t->src) ||
	    !mnl_attr_put_check(nlh, buflen, v4 ? CTA_IP_V4_DST : CTA_IP_V6_DST, alen, t->dst))
		return false;
	mnl_attr_nest_end(nlh, ip);
	proto = mnl_attr_nest_start_check(nlh, buflen, CTA_TUPLE_PROTO);
	if (!proto || !mnl_attr_put_u8_check(nlh, buflen, CTA_PROTO_NUM, t->proto))
		return false;
	if (v4 && t->proto == IPPROTO_ICMP) {
		if (!mnl_attr_put_u16_check(nlh, buflen, CTA_PROTO_ICMP_ID, htons(t->icmp_id)) ||
		    !mnl_attr_put_u8_check(nlh, buflen, CTA_PROTO_ICMP_TYPE, t->icmp_type) ||
		    !mnl_attr_put_u8_check(nlh, buflen, CTA_PROTO_ICMP_CODE, t->icmp_code))
			return false;
	} else if (!v4 && t->proto == IPPROTO_ICMPV6) {
		if (!mnl_attr_put_u16_check(nlh, buflen, CTA_PROTO_ICMPV6_ID, htons(t->icmp_id)) ||
		    !mnl_attr_put_u8_check(nlh, buflen, CTA_PROTO_ICMPV6_TYPE, t->icmp_type) ||
		    !mnl_attr_put_u8_check(nlh, buflen, CTA_PROTO_ICMPV6_CODE, t->icmp_code))
			return false;
	} else {
		/* Ignored by the kernel for protocols without ports. */
		if (!mnl_attr_put_u16_check(nlh, buflen, CTA_PROTO_SRC_PORT, htons(t->sport)) ||
		    !mnl_attr_put_u16_check(nlh, buflen, CTA_PROTO_DST_PORT, htons(t->dport)))
			return false;
	}
	mnl_attr_nest_end(nlh, proto);
	mnl_attr_nest_end(nlh, tuple);
	return true;
}

static int ct_delete_on(struct ctnl *c, const struct ctf_ct_tuple *orig, uint16_t zone,
			uint32_t id)
{
	char req[512];
	struct nlmsghdr *nlh;

	if (orig->l3 != AF_INET && orig->l3 != AF_INET6)
		return -EAFNOSUPPORT;
	nlh = ctnl_req(c, req, IPCTNL_MSG_CT_DELETE, NLM_F_ACK, orig->l3);
	if (!put_tuple(nlh, sizeof(req), CTA_TUPLE_ORIG, orig) ||
	    !mnl_attr_put_u16_check(nlh, sizeof(req), CTA_ZONE, htons(zone)))
		return -EMSGSIZE;
	if (id && !mnl_attr_put_u32_check(nlh, sizeof(req), CTA_ID, htonl(id)))
		return -EMSGSIZE;
	return ctnl_exchange(c, nlh, NULL, NULL);
}

int ctf_ct_delete(const struct ctf_ct_tuple *orig, uint16_t zone, uint32_t id,
		  struct ctf_err *err)
{
	struct ctnl c;
	int r;

	ctf_err_clear(err);
	r = ctnl_open(&c, err);
	if (r < 0)
		return r;
	r = ct_delete_on(&c, orig, zone, id);
	ctnl_close(&c);
	if (r == -ENOENT)
		return ctf_err_setn(err, r, "no such conntrack entry");
	return r < 0 ? ct_fail(err, r, NULL) : 0;
}

/* What a filtered flush must delete: collected during the dump, deleted after. */
struct victims {
	const struct ctf_ct_filter *f;
	size_t n, cap;
	struct victim {
		struct ctf_ct_tuple orig;
		uint16_t zone;
		uint32_t id;
	} *v;
};

static int collect_cb(const struct ctf_ct_entry *e, void *arg)
{
	struct victims *vs = arg;

	if (!ctf_ct_filter_match(vs->f, e))
		return 0;
	if (vs->n == vs->cap) {
		vs->cap = vs->cap ? vs->cap * 2 : 64;
		vs->v = ctf_xrealloc(vs->v, vs->cap * sizeof(*vs->v));
	}
	vs->v[vs->n].orig = e->orig;
	vs->v[vs->n].zone = e->zone;
	vs->v[vs->n].id = e->id;
	vs->n++;
	return 0;
}

int ctf_ct_flush(const struct ctf_ct_filter *f, unsigned *n_deleted, struct ctf_err *err)
{
	struct victims vs = { f, 0, 0, NULL };
	struct ctnl c;
	unsigned deleted = 0;
	int r;

	ctf_err_clear(err);
	if (n_deleted)
		*n_deleted = 0;
	r = ctnl_open(&c, err);
	if (r < 0)
		return r;
	if (!f || ctf_ct_filter_is_empty(f)) {
		char req[CTF_NLMSG_HDRLEN + CTF_NLA_ALIGN(sizeof(struct nfgenmsg))];
		struct nlmsghdr *nlh = ctnl_req(&c, req, IPCTNL_MSG_CT_DELETE, NLM_F_ACK,
						AF_UNSPEC);

		r = ctnl_exchange(&c, nlh, NULL, NULL);
		ctnl_close(&c);
		return r < 0 ? ct_fail(err, r == -EINVAL ? -EOPNOTSUPP : r, NULL) : 0;
	}

	/*
	 * The kernels we support cannot filter a flush by zone, label or a
	 * partial tuple, so we dump and delete what matches. An entry that
	 * expires in between gives ENOENT, which is what we wanted anyway.
	 */
	r = ct_dump_on(&c, f->has_zone ? &f->zone : NULL, collect_cb, &vs, err);
	for (size_t i = 0; !r && i < vs.n; i++) {
		int d = ct_delete_on(&c, &vs.v[i].orig, vs.v[i].zone, vs.v[i].id);

		if (!d)
			deleted++;
		else if (d != -ENOENT)
			r = ct_fail(err, d, "deleting a matching entry");
	}
	free(vs.v);
	ctnl_close(&c);
	if (n_deleted)
		*n_deleted = deleted;
	return r;
}

/* ---- count -------------------------------------------------------------- */

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ctf_err err;
	int r = ctf_ct_decode_stats(nlh, data, &err);

	if (r < 0) {
		errno = -r;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

static int count_cb(const struct ctf_ct_entry *e, void *arg)
{
	(*(uint32_t *)arg)++;
	return 0;
}

int ctf_ct_count(uint32_t *count, struct ctf_err *err)
{
	char req[CTF_NLMSG_HDRLEN + CTF_NLA_ALIGN(sizeof(struct nfgenmsg))];
	struct nlmsghdr *nlh;
	struct ctnl c;
	uint32_t n = UINT32_MAX;
	int r;

	ctf_err_clear(err);
	r = ctnl_open(&c, err);
	if (r < 0)
		return r;
	nlh = ctnl_req(&c, req, IPCTNL_MSG_CT_GET_STATS, NLM_F_ACK, AF_UNSPEC);
	r = ctnl_exchange(&c, nlh, stats_cb, &n);
	if (r < 0 || n == UINT32_MAX) {
		/* Kernels without the global stats message (before 3.8): count by dumping. */
		n = 0;
		r = ct_dump_on(&c, NULL, count_cb, &n, err);
	}
	ctnl_close(&c);
	if (r < 0)
		return r;
	*count = n;
	return 0;
}
