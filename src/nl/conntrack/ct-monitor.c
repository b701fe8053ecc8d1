// SPDX-License-Identifier: Apache-2.0
/*
 * Conntrack events: ctnetlink multicasts a message per change to the
 * groups NFNLGRP_CONNTRACK_NEW, _UPDATE and _DESTROY, on the same socket
 * layer as every other request (joined with ctf_nlsock_join_group()).
 *
 * How the kernel marks the three: DESTROY comes as IPCTNL_MSG_CT_DELETE;
 * NEW as IPCTNL_MSG_CT_NEW with NLM_F_CREATE|NLM_F_EXCL; UPDATE as
 * IPCTNL_MSG_CT_NEW without them. Events cannot be filtered in the kernel
 * (short of a BPF socket filter), so the filter is applied here.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "ctflow/conntrack.h"
#include "ctflow/nlsock.h"

/* Events come in bursts (a flush destroys thousands at once): room for them. */
#define MONITOR_RCVBUF (8 * 1024 * 1024)

int ctf_ct_event_type(const struct nlmsghdr *nlh)
{
	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_CTNETLINK)
		return 0;
	switch (NFNL_MSG_TYPE(nlh->nlmsg_type)) {
	case IPCTNL_MSG_CT_DELETE:
		return CTF_CT_EV_DESTROY;
	case IPCTNL_MSG_CT_NEW:
		return (nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL)) ? CTF_CT_EV_NEW
									: CTF_CT_EV_UPDATE;
	default:
		return 0;
	}
}

const char *ctf_ct_event_name(int event)
{
	switch (event) {
	case CTF_CT_EV_NEW:
		return "NEW";
	case CTF_CT_EV_UPDATE:
		return "UPDATE";
	case CTF_CT_EV_DESTROY:
		return "DESTROY";
	default:
		return "UNKNOWN";
	}
}

int ctf_ct_monitor_open(struct ctf_nlsock **sockp, unsigned events, struct ctf_err *err)
{
	static const struct {
		unsigned event;
		uint32_t group;
	} groups[] = {
		{ CTF_CT_EV_NEW, NFNLGRP_CONNTRACK_NEW },
		{ CTF_CT_EV_UPDATE, NFNLGRP_CONNTRACK_UPDATE },
		{ CTF_CT_EV_DESTROY, NFNLGRP_CONNTRACK_DESTROY },
	};
	int r = ctf_ct_open(sockp, err);

	if (r < 0)
		return r;
	ctf_nlsock_set_rcvbuf(*sockp, MONITOR_RCVBUF);
	for (size_t i = 0; i < CTF_ARRAY_SIZE(groups); i++) {
		if (!(events & groups[i].event))
			continue;
		r = ctf_nlsock_join_group(*sockp, groups[i].group);
		if (r < 0) {
			ctf_nlsock_close(*sockp);
			*sockp = NULL;
			/* Joining fails with ENOENT-like codes when ctnetlink is absent. */
			ctf_err_setn(err, r, "cannot join the conntrack %s events: %s",
				     ctf_ct_event_name((int)groups[i].event), strerror(-r));
			if (ctf_ct_errno_hint(r))
				ctf_err_hint(err, "%s", ctf_ct_errno_hint(r));
			return r;
		}
	}
	return 0;
}

struct event_state {
	const struct ctf_ct_filter *f;
	ctf_ct_event_cb cb;
	void *arg;
	struct ctf_err *err;
};

static int event_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct event_state *st = data;
	int ev = ctf_ct_event_type(nlh);
	struct ctf_ct_entry e;
	int r;

	if (!ev)
		return 0;	/* not a conntrack event (e.g. an expectation) */
	r = ctf_ct_decode(nlh, &e, st->err);
	if (r == -EAFNOSUPPORT) {
		ctf_err_clear(st->err);
		return 0;
	}
	if (r < 0)
		return r;
	if (st->f && !ctf_ct_filter_match(st->f, &e))
		return 0;
	return st->cb(ev, &e, st->arg);
}

int ctf_ct_monitor_recv(struct ctf_nlsock *sock, const struct ctf_ct_filter *f,
			ctf_ct_event_cb cb, void *arg, struct ctf_err *err)
{
	struct event_state st = { f && !ctf_ct_filter_is_empty(f) ? f : NULL, cb, arg, err };
	int r;

	ctf_err_clear(err);
	r = ctf_nlsock_recv(sock, event_msg_cb, &st);
	if (r == -ENOBUFS)
		return ctf_err_setn(err, r, "events were lost: the receive buffer overflowed");
	if (r < 0 && !err->msg[0])
		ctf_err_setn(err, r, "receiving conntrack events: %s", strerror(-r));
	return r;
}
