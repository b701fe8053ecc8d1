// SPDX-License-Identifier: Apache-2.0
/*
 * ctnetlink: dump, count and delete conntrack entries over NETLINK_NETFILTER
 * (subsystem NFNL_SUBSYS_CTNETLINK), through the same socket layer as every
 * other kernel request (ctf_nlsock). Requests are built by ct-request.c and
 * messages decoded by ct-decode.c; this file only talks to the kernel.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "ctflow/conntrack.h"
#include "ctflow/nlsock.h"

/* ---- the ctnetlink socket ----------------------------------------------- */

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
 * @what (may be NULL) says which step failed when that is not obvious;
 * @nlerr (may be NULL) the kernel's extended-ACK text.
 */
static int ct_fail(struct ctf_err *err, int neg_errno, const char *what,
		   const struct ctf_err *nlerr)
{
	const char *hint = ctf_ct_errno_hint(neg_errno);

	if (module_missing(neg_errno))
		ctf_err_setn(err, neg_errno, "%s%snf_conntrack_netlink is not loaded", what ? what : "",
			     what ? ": " : "");
	else if (nlerr && nlerr->msg[0])
		ctf_err_setn(err, neg_errno, "%s%s%s (%s)", what ? what : "", what ? ": " : "",
			     nlerr->msg, strerror(-neg_errno));
	else
		ctf_err_setn(err, neg_errno, "%s%s%s", what ? what : "", what ? ": " : "",
			     strerror(-neg_errno));
	if (hint)
		ctf_err_hint(err, "%s", module_missing(neg_errno) ? "modprobe nf_conntrack_netlink" : hint);
	return neg_errno;
}

int ctf_ct_open(struct ctf_nlsock **sockp, struct ctf_err *err)
{
	int r = ctf_nlsock_open_proto(sockp, NETLINK_NETFILTER);

	return r < 0 ? ct_fail(err, r, "NETLINK_NETFILTER socket", NULL) : 0;
}

/*
 * nfnetlink answers EINVAL when the ctnetlink subsystem is absent and cannot
 * be auto-loaded; our bare requests have nothing else invalid in them.
 */
static int absent_if_einval(int r)
{
	return r == -EINVAL ? -EOPNOTSUPP : r;
}

/* ---- dump --------------------------------------------------------------- */

struct dump_state {
	const struct ctf_ct_filter *f;	/* NULL: every entry */
	ctf_ct_entry_cb cb;
	void *arg;
	struct ctf_err *err;
	bool failed;		/* @err says why (decode error or the callback's) */
	unsigned n_seen;	/* entries the callback was given */
};

static int dump_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_state *st = data;
	struct ctf_ct_entry e;
	int r;

	r = ctf_ct_decode(nlh, &e, st->err);
	if (r == -EAFNOSUPPORT) {
		ctf_err_clear(st->err);
		return 0;	/* neither IPv4 nor IPv6: nothing we can print */
	}
	if (r < 0) {
		st->failed = true;
		return r;
	}
	if (st->f && !ctf_ct_filter_match(st->f, &e))
		return 0;
	st->n_seen++;
	r = st->cb(&e, st->arg);
	if (r < 0)
		st->failed = true;
	return r;
}

static int ct_dump_req(struct ctf_nlsock *sock, const struct ctf_ct_filter *f, bool kernel_filter,
		       struct dump_state *st, struct ctf_err *nlerr)
{
	char req[512];
	struct nlmsghdr *nlh = ctf_ct_dump_request(req, sizeof(req), kernel_filter ? f : NULL);

	if (!nlh)
		return -EMSGSIZE;
	return ctf_nlsock_dump(sock, nlh, dump_msg_cb, st, nlerr);
}

int ctf_ct_dump_on(struct ctf_nlsock *sock, const struct ctf_ct_filter *f, ctf_ct_entry_cb cb,
		   void *arg, struct ctf_err *err)
{
	struct dump_state st = { f && !ctf_ct_filter_is_empty(f) ? f : NULL, cb, arg, err, false,
				 0 };
	struct ctf_err nlerr;
	int r;

	ctf_err_clear(err);
	ctf_err_clear(&nlerr);
	r = ct_dump_req(sock, st.f, true, &st, &nlerr);
	/*
	 * A kernel that knows a filter attribute but not the way we use it
	 * refuses the request before sending anything: filter here instead.
	 */
	if (st.f && !st.failed && !st.n_seen && (r == -EINVAL || r == -EOPNOTSUPP))
		r = ct_dump_req(sock, st.f, false, &st, &nlerr);
	if (st.failed)
		return r;	/* err already says why */
	r = absent_if_einval(r);
	return r < 0 ? ct_fail(err, r, NULL, &nlerr) : 0;
}

int ctf_ct_dump_filter(const struct ctf_ct_filter *f, ctf_ct_entry_cb cb, void *arg,
		       struct ctf_err *err)
{
	struct ctf_nlsock *sock;
	int r;

	ctf_err_clear(err);
	r = ctf_ct_open(&sock, err);
	if (r < 0)
		return r;
	/*
	 * No read-ahead thread: measured in the VM (bench/ct-bench.sh) it
	 * did not make 100,000-entry dumps faster and cost 250 KiB of RSS.
	 */
	r = ctf_ct_dump_on(sock, f, cb, arg, err);
	ctf_nlsock_close(sock);
	return r;
}

int ctf_ct_dump(const uint16_t *zone, ctf_ct_entry_cb cb, void *arg, struct ctf_err *err)
{
	struct ctf_ct_filter f;

	memset(&f, 0, sizeof(f));
	if (zone) {
		f.has_zone = true;
		f.zone = *zone;
	}
	return ctf_ct_dump_filter(&f, cb, arg, err);
}

/* ---- delete / flush ----------------------------------------------------- */

static int ct_delete_on(struct ctf_nlsock *sock, const struct ctf_ct_tuple *orig, uint16_t zone,
			uint32_t id, struct ctf_err *nlerr)
{
	char req[512];
	struct nlmsghdr *nlh;

	if (orig->l3 != AF_INET && orig->l3 != AF_INET6)
		return -EAFNOSUPPORT;
	nlh = ctf_ct_req_init(req, sizeof(req), IPCTNL_MSG_CT_DELETE, 0, orig->l3);
	if (!ctf_ct_put_tuple(nlh, sizeof(req), CTA_TUPLE_ORIG, orig) ||
	    !mnl_attr_put_u16_check(nlh, sizeof(req), CTA_ZONE, htons(zone)))
		return -EMSGSIZE;
	if (id && !mnl_attr_put_u32_check(nlh, sizeof(req), CTA_ID, htonl(id)))
		return -EMSGSIZE;
	return ctf_nlsock_transact(sock, nlh, NULL, NULL, nlerr);
}

int ctf_ct_delete(const struct ctf_ct_tuple *orig, uint16_t zone, uint32_t id,
		  struct ctf_err *err)
{
	struct ctf_nlsock *sock;
	struct ctf_err nlerr;
	int r;

	ctf_err_clear(err);
	ctf_err_clear(&nlerr);
	r = ctf_ct_open(&sock, err);
	if (r < 0)
		return r;
	r = ct_delete_on(sock, orig, zone, id, &nlerr);
	ctf_nlsock_close(sock);
	if (r == -ENOENT)
		return ctf_err_setn(err, r, "no such conntrack entry");
	return r < 0 ? ct_fail(err, r, NULL, &nlerr) : 0;
}

/* What a filtered flush must delete: collected during the dump, deleted after. */
struct victims {
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

static int flush_all(struct ctf_nlsock *sock, struct ctf_err *err)
{
	char req[CTF_CT_HDRLEN];
	struct nlmsghdr *nlh = ctf_ct_req_init(req, sizeof(req), IPCTNL_MSG_CT_DELETE, 0,
					       AF_UNSPEC);
	struct ctf_err nlerr;
	int r;

	ctf_err_clear(&nlerr);
	r = ctf_nlsock_transact(sock, nlh, NULL, NULL, &nlerr);

	return r < 0 ? ct_fail(err, absent_if_einval(r), NULL, &nlerr) : 0;
}

int ctf_ct_flush(const struct ctf_ct_filter *f, unsigned *n_deleted, struct ctf_err *err)
{
	struct victims vs = { 0, 0, NULL };
	struct ctf_nlsock *sock;
	struct ctf_err nlerr;
	unsigned deleted = 0;
	int r;

	ctf_err_clear(err);
	ctf_err_clear(&nlerr);
	if (n_deleted)
		*n_deleted = 0;
	r = ctf_ct_open(&sock, err);
	if (r < 0)
		return r;
	if (!f || ctf_ct_filter_is_empty(f)) {
		r = flush_all(sock, err);
		ctf_nlsock_close(sock);
		return r;
	}

	/*
	 * The kernels we support cannot filter a flush by zone, label or a
	 * partial tuple, so we dump what matches (filtered by the kernel as
	 * far as it can) and delete it. An entry that expires in between
	 * gives ENOENT, which is what we wanted anyway.
	 */
	r = ctf_ct_dump_on(sock, f, collect_cb, &vs, err);
	for (size_t i = 0; !r && i < vs.n; i++) {
		int d = ct_delete_on(sock, &vs.v[i].orig, vs.v[i].zone, vs.v[i].id, &nlerr);

		if (!d)
			deleted++;
		else if (d != -ENOENT)
			r = ct_fail(err, d, "deleting a matching entry", &nlerr);
	}
	free(vs.v);
	ctf_nlsock_close(sock);
	if (n_deleted)
		*n_deleted = deleted;
	return r;
}

/* ---- count -------------------------------------------------------------- */

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ctf_err err;

	return ctf_ct_decode_stats(nlh, data, &err);
}

static int count_cb(const struct ctf_ct_entry *e, void *arg)
{
	(void)e;
	(*(uint32_t *)arg)++;
	return 0;
}

int ctf_ct_count(uint32_t *count, struct ctf_err *err)
{
	char req[CTF_CT_HDRLEN];
	struct nlmsghdr *nlh;
	struct ctf_nlsock *sock;
	struct ctf_err nlerr;
	uint32_t n = UINT32_MAX;
	int r;

	ctf_err_clear(err);
	r = ctf_ct_open(&sock, err);
	if (r < 0)
		return r;
	nlh = ctf_ct_req_init(req, sizeof(req), IPCTNL_MSG_CT_GET_STATS, 0, AF_UNSPEC);
	r = ctf_nlsock_transact(sock, nlh, stats_cb, &n, &nlerr);
	if (r < 0 || n == UINT32_MAX) {
		/* Kernels without the global stats message (before 3.8): count by dumping. */
		n = 0;
		r = ctf_ct_dump_on(sock, NULL, count_cb, &n, err);
	}
	ctf_nlsock_close(sock);
	if (r < 0)
		return r;
	*count = n;
	return 0;
}
