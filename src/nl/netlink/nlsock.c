// SPDX-License-Identifier: Apache-2.0
/*
 * The netlink socket (generic netlink, or another protocol such as
 * NETLINK_NETFILTER for ctnetlink): requests with ACKs, streaming dumps,
 * multicast receive, batches. Reading messages is nlmsg.c's.
 *
 * Replies are run through libmnl's mnl_cb_run2(), which checks sequence
 * numbers and port ids; our control callbacks turn NLMSG_ERROR/NLMSG_DONE
 * into a struct ctf_err (with the kernel's extended-ACK text) instead of
 * libmnl's bare errno, so the CLI can say *why* the kernel said no.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>

#include "ctflow/nlsock.h"
#include "ctflow/util.h"
#include "netlink/nla-inline.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

/*
 * Receive buffer: the kernel sizes dump messages to at most 32 KiB, and an
 * upcall carries at most a 64 KiB packet plus its key; 128 KiB fits both.
 */
#define RX_BUF_SIZE (128u * 1024)
/* Socket buffers: big enough that the ACKs of a full batch never overflow. */
#define RCVBUF_BYTES (4 * 1024 * 1024)
#define SNDBUF_BYTES (1024 * 1024)
#define BATCH_DEFAULT_CAP (64u * 1024)
#define MAX_FAMILIES 8

struct readahead;

struct ctf_nlsock {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	char *rxbuf;
	struct readahead *ra;	/* dumps read ahead (ctf_nlsock_set_dump_readahead) */
	unsigned n_families;
	struct {
		char name[GENL_NAMSIZ];
		uint16_t id;
	} families[MAX_FAMILIES];
};

static int fail(int neg_errno)
{
	errno = -neg_errno;
	return neg_errno;
}

/* ---- the socket ------------------------------------------------------- */

int ctf_nlsock_open(struct ctf_nlsock **sockp)
{
	return ctf_nlsock_open_proto(sockp, NETLINK_GENERIC);
}

int ctf_nlsock_open_proto(struct ctf_nlsock **sockp, int protocol)
{
	struct ctf_nlsock *sock = ctf_xzalloc(sizeof(*sock));
	int on = 1, ret;

	sock->nl = mnl_socket_open2(protocol, SOCK_CLOEXEC);
	if (!sock->nl) {
		ret = -errno;
		goto err;
	}
	if (mnl_socket_bind(sock->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto err;
	}
	sock->portid = mnl_socket_get_portid(sock->nl);
	/* Both exist since Linux 4.12/4.3; without them we only lose detail. */
	mnl_socket_setsockopt(sock->nl, NETLINK_EXT_ACK, &on, sizeof(on));
	mnl_socket_setsockopt(sock->nl, NETLINK_CAP_ACK, &on, sizeof(on));
	ctf_nlsock_set_rcvbuf(sock, RCVBUF_BYTES);
	/* A batch goes out in one sendmsg(), which must fit in the send buffer. */
	on = SNDBUF_BYTES;
	if (setsockopt(mnl_socket_get_fd(sock->nl), SOL_SOCKET, SO_SNDBUFFORCE, &on, sizeof(on)))
		setsockopt(mnl_socket_get_fd(sock->nl), SOL_SOCKET, SO_SNDBUF, &on, sizeof(on));
	sock->rxbuf = ctf_xmalloc(RX_BUF_SIZE);
	/* Start away from 0 (which tells libmnl "do not check") and from other sockets. */
	sock->seq = (uint32_t)time(NULL) << 8;
	*sockp = sock;
	return 0;
err:
	if (sock->nl)
		mnl_socket_close(sock->nl);
	free(sock);
	return fail(ret);
}

void ctf_nlsock_close(struct ctf_nlsock *sock)
{
	if (!sock)
		return;
	ctf_nlsock_set_dump_readahead(sock, false);
	mnl_socket_close(sock->nl);
	free(sock->rxbuf);
	free(sock);
}

int ctf_nlsock_fd(const struct ctf_nlsock *sock)
{
	return mnl_socket_get_fd(sock->nl);
}

uint32_t ctf_nlsock_portid(const struct ctf_nlsock *sock)
{
	return sock->portid;
}

int ctf_nlsock_set_rcvbuf(struct ctf_nlsock *sock, int bytes)
{
	int fd = mnl_socket_get_fd(sock->nl);

	/* FORCE needs CAP_NET_ADMIN; otherwise take what rmem_max allows. */
	if (!setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)))
		return 0;
	if (!setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)))
		return 0;
	return fail(-errno);
}

int ctf_nlsock_join_group(struct ctf_nlsock *sock, uint32_t group)
{
	if (mnl_socket_setsockopt(sock->nl, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0)
		return fail(-errno);
	return 0;
}

int ctf_nlsock_set_nonblock(struct ctf_nlsock *sock, bool on)
{
	int fd = mnl_socket_get_fd(sock->nl);
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0)
		return fail(-errno);
	flags = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
	if (fcntl(fd, F_SETFL, flags) < 0)
		return fail(-errno);
	return 0;
}

int ctf_nlsock_family(struct ctf_nlsock *sock, const char *family, uint16_t *id)
{
	unsigned i;
	int ret;

	for (i = 0; i < sock->n_families; i++) {
		if (!strcmp(sock->families[i].name, family)) {
			*id = sock->families[i].id;
			return 0;
		}
	}
	ret = ctf_genl_resolve(family, id);
	if (ret < 0)
		return ret;
	if (sock->n_families < MAX_FAMILIES && strlen(family) < GENL_NAMSIZ) {
		strcpy(sock->families[sock->n_families].name, family); // NOLINT(clang-analyzer-security.insecureAPI.strcpy): length checked above
		sock->families[sock->n_families].id = *id;
		sock->n_families++;
	}
	return 0;
}

/* ---- building and parsing --------------------------------------------- */

/* The genl and ovs headers after ctf_nlmsg_req_init()'s nlmsghdr. */
static struct nlmsghdr *genl_hdr_put(void *buf, size_t buflen, uint16_t family, uint8_t cmd,
				     uint8_t version, uint16_t flags, int dp_ifindex)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;
	struct ovs_header *ovs;

	nlh = ctf_nlmsg_req_init(buf, buflen, family, flags, GENL_HDRLEN + sizeof(*ovs));
	if (!nlh)
		return NULL;
	genl = mnl_nlmsg_get_payload(nlh);
	genl->cmd = cmd;
	genl->version = version;
	ovs = (struct ovs_header *)((char *)genl + GENL_HDRLEN);
	ovs->dp_ifindex = dp_ifindex;
	return nlh;
}

struct nlmsghdr *ctf_genl_req_init(void *buf, size_t buflen, uint16_t family, uint8_t cmd,
				   uint8_t version, uint16_t flags, int dp_ifindex)
{
	return genl_hdr_put(buf, buflen, family, cmd, version, flags, dp_ifindex);
}

/* ---- single requests and dumps ---------------------------------------- */

struct run_ctx {
	uint32_t seq;		/* the request's; 0 = take every message */
	ctf_nl_cb cb;
	void *arg;
	struct ctf_err *err;	/* never NULL */
	int cb_error;		/* first failure returned by @cb */
	bool finished;		/* ACK, error or DONE seen */
	unsigned n_msgs;
};

/*
 * A reply to an earlier request (an error from a fire-and-forget batch, the
 * rest of an abandoned exchange) is not ours: skip it rather than fail, so
 * that one lost reply does not poison the socket for good.
 */
static bool not_ours(const struct run_ctx *ctx, const struct nlmsghdr *nlh)
{
	return ctx->seq && nlh->nlmsg_seq != ctx->seq;
}

static int run_data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct run_ctx *ctx = data;

	if (not_ours(ctx, nlh))
		return MNL_CB_OK;
	ctx->n_msgs++;
	/* After the callback failed, keep reading (to drain) but stop calling it. */
	if (ctx->cb && !ctx->cb_error) {
		int ret = ctx->cb(nlh, ctx->arg);

		if (ret < 0)
			ctx->cb_error = ret;
	}
	return MNL_CB_OK;
}

static int run_end_cb(const struct nlmsghdr *nlh, void *data)
{
	struct run_ctx *ctx = data;

	if (not_ours(ctx, nlh))
		return MNL_CB_OK;
	ctf_err_from_ack(nlh, ctx->err);
	ctx->finished = true;
	return MNL_CB_STOP;
}

static mnl_cb_t run_ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR] = run_end_cb,
	[NLMSG_DONE] = run_end_cb,
};

static int send_all(struct ctf_nlsock *sock, const void *buf, size_t len)
{
	ssize_t n;

	do {
		n = mnl_socket_sendto(sock->nl, buf, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n != len)
		return -EMSGSIZE;
	return 0;
}

/*
 * One datagram. Only the kernel (port id 0) may talk to our sockets: a
 * datagram from anyone else is consumed and reported as -EPROTO, one that
 * did not fit the buffer as -EMSGSIZE (it is gone: the caller counts it).
 */
static ssize_t recv_into(struct ctf_nlsock *sock, char *buf)
{
	struct sockaddr_nl addr;
	struct iovec iov = { buf, RX_BUF_SIZE };
	struct msghdr msg = {
		.msg_name = &addr, .msg_namelen = sizeof(addr), .msg_iov = &iov, .msg_iovlen = 1,
	};
	ssize_t n;

	do {
		n = recvmsg(mnl_socket_get_fd(sock->nl), &msg, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (msg.msg_flags & MSG_TRUNC)
		return fail(-EMSGSIZE);
	if (msg.msg_namelen != sizeof(addr) || addr.nl_pid != 0)
		return fail(-EPROTO);
	return n;
}

static ssize_t recv_some(struct ctf_nlsock *sock)
{
	return recv_into(sock, sock->rxbuf);
}

/* Look through a buffer for the end (DONE or ERROR) of request @seq. */
static bool buffer_has_end(const void *buf, size_t len, uint32_t seq)
{
	const struct nlmsghdr *nlh = buf;
	int left = (int)len;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		if (nlh->nlmsg_seq == seq &&
		    (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR))
			return true;
	}
	return false;
}

/* Read and dispatch until the request's ACK/error/DONE arrives. */
static int run_until_end(struct ctf_nlsock *sock, struct run_ctx *ctx)
{
	while (!ctx->finished) {
		ssize_t n = recv_some(sock);
		int ret;

		if (n == -EPROTO)
			continue;	/* not from the kernel: not a reply */
		if (n < 0)
			return (int)n;
		/* libmnl checks the port id (and the interrupted-dump flag); we check seq. */
		ret = mnl_cb_run2(sock->rxbuf, (size_t)n, 0, sock->portid, run_data_cb, ctx,
				  run_ctl_cbs, NLMSG_MIN_TYPE);
		if (ret == MNL_CB_ERROR && errno == EINTR) {
			/*
			 * The kernel says the dump was interrupted by a change:
			 * read the rest away so the socket stays in step, then let
			 * the caller decide whether to dump again.
			 */
			bool end = buffer_has_end(sock->rxbuf, (size_t)n, ctx->seq);

			while (!end) {
				n = recv_some(sock);
				if (n == -EPROTO)
					continue;
				if (n < 0)
					return (int)n;
				end = buffer_has_end(sock->rxbuf, (size_t)n, ctx->seq);
			}
			return -EINTR;
		}
		if (ret == MNL_CB_ERROR)
			return -errno;	/* a message from another port id, or garbage */
	}
	if (ctx->err->error)
		return ctx->err->error;
	return ctx->cb_error;
}

/* ---- dumps with read-ahead ------------------------------------------- */

/*
 * The kernel builds a dump one buffer at a time, inside the recvmsg() that
 * asks for more: each call copies out the buffer ready and fills the next.
 * Read in turn with the callbacks, the kernel's work and ours alternate.
 * With read-ahead a reader thread makes those calls into a small ring of
 * buffers while the caller's thread runs the callbacks over the buffers
 * already in, so the two overlap. The reader stops after the buffer that
 * holds the dump's end (or a receive error); the caller consumes the ring
 * in order and always lets the reader reach that end, so the socket is left
 * in step whatever the callbacks did.
 */
#define RA_SLOTS 4

struct readahead {
	pthread_mutex_t lock;
	pthread_cond_t cond;	/* a slot filled, a slot freed, or the reader done */
	char *buf[RA_SLOTS];
	ssize_t len[RA_SLOTS];	/* bytes received, or -errno */
	unsigned filled, used;	/* running counts: filled - used slots wait */
	bool done;		/* the reader will fill no more slots */
	struct ctf_nlsock *sock;
	uint32_t seq;
};

int ctf_nlsock_set_dump_readahead(struct ctf_nlsock *sock, bool on)
{
	struct readahead *ra = sock->ra;

	if (!on) {
		if (ra) {
			for (unsigned i = 0; i < RA_SLOTS; i++)
				free(ra->buf[i]);
			pthread_cond_destroy(&ra->cond);
			pthread_mutex_destroy(&ra->lock);
			free(ra);
			sock->ra = NULL;
		}
		return 0;
	}
	if (ra)
		return 0;
	ra = ctf_xzalloc(sizeof(*ra));
	if (pthread_mutex_init(&ra->lock, NULL)) {
		free(ra);
		return fail(-ENOMEM);
	}
	if (pthread_cond_init(&ra->cond, NULL)) {
		pthread_mutex_destroy(&ra->lock);
		free(ra);
		return fail(-ENOMEM);
	}
	for (unsigned i = 0; i < RA_SLOTS; i++)
		ra->buf[i] = ctf_xmalloc(RX_BUF_SIZE);
	ra->sock = sock;
	sock->ra = ra;
	return 0;
}

static void *ra_reader(void *arg)
{
	struct readahead *ra = arg;
	bool end = false;

	while (!end) {
		unsigned i;
		ssize_t n;

		pthread_mutex_lock(&ra->lock);
		while (ra->filled - ra->used == RA_SLOTS)
			pthread_cond_wait(&ra->cond, &ra->lock);
		i = ra->filled % RA_SLOTS;
		pthread_mutex_unlock(&ra->lock);

		/* The slot is ours until `filled` moves past it. */
		do
			n = recv_into(ra->sock, ra->buf[i]);
		while (n == -EPROTO);
		end = n < 0 || buffer_has_end(ra->buf[i], (size_t)n, ra->seq);

		pthread_mutex_lock(&ra->lock);
		ra->len[i] = n;
		ra->filled++;
		ra->done = end;
		pthread_cond_broadcast(&ra->cond);
		pthread_mutex_unlock(&ra->lock);
	}
	return NULL;
}

/* The next filled slot, waiting for it; -1 when the reader has stopped. */
static int ra_next(struct readahead *ra)
{
	int i = -1;

	pthread_mutex_lock(&ra->lock);
	while (ra->filled == ra->used && !ra->done)
		pthread_cond_wait(&ra->cond, &ra->lock);
	if (ra->filled != ra->used)
		i = (int)(ra->used % RA_SLOTS);
	pthread_mutex_unlock(&ra->lock);
	return i;
}

static void ra_release(struct readahead *ra)
{
	pthread_mutex_lock(&ra->lock);
	ra->used++;
	pthread_cond_broadcast(&ra->cond);
	pthread_mutex_unlock(&ra->lock);
}

/* run_until_end(), with the receiving done by a reader thread. */
static int run_until_end_ra(struct ctf_nlsock *sock, struct run_ctx *ctx)
{
	struct readahead *ra = sock->ra;
	pthread_t reader;
	int ret = 0, i;

	ra->filled = ra->used = 0;
	ra->done = false;
	ra->seq = ctx->seq;
	if (pthread_create(&reader, NULL, ra_reader, ra))
		return run_until_end(sock, ctx);	/* no thread: read in turn */
	while (!ctx->finished && !ret && (i = ra_next(ra)) >= 0) {
		ssize_t n = ra->len[i];

		if (n < 0) {
			ret = (int)n;
		} else if (mnl_cb_run2(ra->buf[i], (size_t)n, 0, sock->portid, run_data_cb, ctx,
				       run_ctl_cbs, NLMSG_MIN_TYPE) == MNL_CB_ERROR) {
			/*
			 * EINTR: the kernel says the dump was interrupted by a
			 * change (the caller may dump again); otherwise a
			 * message from another port id, or garbage. Either way
			 * the rest is drained below.
			 */
			ret = -errno;
		}
		ra_release(ra);
	}
	while (ra_next(ra) >= 0)
		ra_release(ra);
	pthread_join(reader, NULL);
	if (ret < 0)
		return ret;
	if (!ctx->finished)
		return -EPROTO;	/* not reached: the reader stops only at the end */
	if (ctx->err->error)
		return ctx->err->error;
	return ctx->cb_error;
}

static int request(struct ctf_nlsock *sock, struct nlmsghdr *req, uint16_t flags, ctf_nl_cb cb,
		   void *arg, struct ctf_err *errp)
{
	struct ctf_err scratch;
	// cppcheck-suppress uninitvar ; only its address is taken, ctf_err_clear() fills it
	struct run_ctx ctx = { .cb = cb, .arg = arg, .err = errp ? errp : &scratch };
	int ret;

	ctf_err_clear(ctx.err);
	req->nlmsg_flags |= NLM_F_REQUEST | flags;
	if (++sock->seq == 0)
		sock->seq = 1;
	req->nlmsg_seq = sock->seq;
	req->nlmsg_pid = 0;
	ctx.seq = sock->seq;
	ret = send_all(sock, req, req->nlmsg_len);
	if (ret == 0)
		ret = (flags & NLM_F_DUMP) && sock->ra ? run_until_end_ra(sock, &ctx)
						       : run_until_end(sock, &ctx);
	if (ret < 0) {
		if (!ctx.err->error)
			ctx.err->error = ret;
		return fail(ret);
	}
	return 0;
}

int ctf_nlsock_transact(struct ctf_nlsock *sock, struct nlmsghdr *req, ctf_nl_cb cb,
			void *arg, struct ctf_err *err)
{
	return request(sock, req, NLM_F_ACK, cb, arg, err);
}

int ctf_nlsock_dump(struct ctf_nlsock *sock, struct nlmsghdr *req, ctf_nl_cb cb,
		    void *arg, struct ctf_err *err)
{
	return request(sock, req, NLM_F_DUMP, cb, arg, err);
}

static int recv_any_cb(const struct nlmsghdr *nlh, void *data)
{
	return run_data_cb(nlh, data);
}

/* Unsolicited traffic: errors and DONE go to the caller like any message. */
static mnl_cb_t recv_ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR] = recv_any_cb,
	[NLMSG_DONE] = recv_any_cb,
};

int ctf_nlsock_recv(struct ctf_nlsock *sock, ctf_nl_cb cb, void *arg)
{
	struct ctf_err scratch;
	struct run_ctx ctx = { .cb = cb, .arg = arg, .err = &scratch };
	ssize_t n = recv_some(sock);
	int ret;

	if (n < 0)
		return fail((int)n);
	ret = mnl_cb_run2(sock->rxbuf, (size_t)n, 0, 0, run_data_cb, &ctx, recv_ctl_cbs,
			  NLMSG_MIN_TYPE);
	if (ret == MNL_CB_ERROR)
		return fail(-errno);
	if (ctx.cb_error)
		return fail(ctx.cb_error);
	return (int)ctx.n_msgs;
}

/* ---- batches ---------------------------------------------------------- */

int ctf_nlbatch_init(struct ctf_nlbatch *b, size_t cap, unsigned max)
{
	memset(b, 0, sizeof(*b));
	if (!cap)
		cap = BATCH_DEFAULT_CAP;
	if (!max)
		max = (unsigned)(cap / CTF_OVS_HDRLEN);
	if (cap < CTF_OVS_HDRLEN || cap > SNDBUF_BYTES)
		return fail(-EINVAL);
	b->buf = ctf_xzalloc(cap);	/* attribute padding is never uninitialised */
	b->cap = cap;
	b->max = max;
	b->results = ctf_xzalloc(max * sizeof(*b->results));
	b->done = ctf_xzalloc(max * sizeof(*b->done));
	return 0;
}

void ctf_nlbatch_free(struct ctf_nlbatch *b)
{
	free(b->buf);
	free(b->results);
	free(b->done);
	memset(b, 0, sizeof(*b));
}

void ctf_nlbatch_reset(struct ctf_nlbatch *b)
{
	b->len = 0;
	b->n = 0;
	b->open = NULL;
}

struct nlmsghdr *ctf_nlbatch_begin(struct ctf_nlbatch *b, uint16_t family, uint8_t cmd,
				   uint8_t version, uint16_t flags, int dp_ifindex)
{
	if (b->open || b->n >= b->max || b->cap - b->len < CTF_OVS_HDRLEN)
		return NULL;
	/* Only the headers: the rest of the batch was zeroed when allocated. */
	b->open = genl_hdr_put(b->buf + b->len, CTF_OVS_HDRLEN, family, cmd, version, flags,
			       dp_ifindex);
	return b->open;
}

size_t ctf_nlbatch_room(const struct ctf_nlbatch *b)
{
	return b->cap - b->len;
}

unsigned ctf_nlbatch_end(struct ctf_nlbatch *b)
{
	if (!b->open)
		return UINT32_MAX;
	b->len += NLMSG_ALIGN(b->open->nlmsg_len);
	b->open = NULL;
	return b->n++;
}

void ctf_nlbatch_cancel(struct ctf_nlbatch *b)
{
	b->open = NULL;
}

struct batch_ctx {
	struct ctf_nlbatch *b;
	ctf_nlbatch_cb cb;
	void *arg;
	unsigned pending;
	unsigned failed;
	int cb_error;
};

/* Index of the request a reply answers, or -1 if it is not one of ours. */
static long batch_index(const struct ctf_nlbatch *b, const struct nlmsghdr *nlh)
{
	uint32_t idx = nlh->nlmsg_seq - b->seq0;	/* wraps correctly */

	return idx < b->n ? (long)idx : -1;
}

static int batch_data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct batch_ctx *ctx = data;
	long idx = batch_index(ctx->b, nlh);

	if (idx >= 0 && ctx->cb && !ctx->cb_error) {
		int ret = ctx->cb((unsigned)idx, nlh, ctx->arg);

		if (ret < 0)
			ctx->cb_error = ret;
	}
	return MNL_CB_OK;
}

static int batch_ack_cb(const struct nlmsghdr *nlh, void *data)
{
	struct batch_ctx *ctx = data;
	long idx = batch_index(ctx->b, nlh);

	/* Stale replies (an earlier NOWAIT batch) are not ours: skip them. */
	if (idx < 0 || ctx->b->done[idx] || nlh->nlmsg_type != NLMSG_ERROR)
		return MNL_CB_OK;
	if (ctf_err_from_ack(nlh, &ctx->b->results[idx]) < 0)
		ctx->failed++;
	ctx->b->done[idx] = true;
	ctx->pending--;
	return MNL_CB_OK;
}

static mnl_cb_t batch_ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR] = batch_ack_cb,
	[NLMSG_DONE] = batch_ack_cb,
};

int ctf_nlsock_send_batch(struct ctf_nlsock *sock, struct ctf_nlbatch *b, unsigned flags,
			  ctf_nlbatch_cb cb, void *arg)
{
	struct batch_ctx ctx = { .b = b, .cb = cb, .arg = arg, .pending = b->n };
	size_t off;
	unsigned i;
	int ret;

	if (b->open)
		return fail(-EBUSY);
	if (!b->n)
		return 0;
	b->seq0 = sock->seq + 1;
	sock->seq += b->n;
	for (off = 0, i = 0; off < b->len; i++) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)(b->buf + off);

		off += NLMSG_ALIGN(nlh->nlmsg_len);

		nlh->nlmsg_seq = b->seq0 + i;
		nlh->nlmsg_pid = 0;
		if (flags & CTF_NLBATCH_NOWAIT)
			nlh->nlmsg_flags &= (uint16_t)~NLM_F_ACK;
		else
			nlh->nlmsg_flags |= NLM_F_ACK;
		ctf_err_clear(&b->results[i]);
		b->done[i] = false;
	}
	ret = send_all(sock, b->buf, b->len);
	if (ret < 0)
		goto lost;
	if (flags & CTF_NLBATCH_NOWAIT)
		return 0;
	while (ctx.pending) {
		ssize_t n = recv_some(sock);

		if (n == -EPROTO)
			continue;
		if (n < 0) {
			ret = (int)n;
			goto lost;
		}
		ret = mnl_cb_run2(sock->rxbuf, (size_t)n, 0, sock->portid, batch_data_cb, &ctx,
				  batch_ctl_cbs, NLMSG_MIN_TYPE);
		if (ret == MNL_CB_ERROR) {
			ret = -errno;
			goto lost;
		}
	}
	if (ctx.cb_error)
		return fail(ctx.cb_error);
	return (int)ctx.failed;
lost:
	/* The exchange broke: whatever did not answer gets the reason. */
	for (i = 0; i < b->n; i++) {
		if (!b->done[i])
			b->results[i].error = ret;
	}
	return fail(ret);
}
