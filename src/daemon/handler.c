// SPDX-License-Identifier: Apache-2.0
/*
 * Handler threads (see handler.h): receive misses, decide, install, execute.
 * Failures of the fire-and-forget requests come back as error messages on
 * the execute socket and are logged when the thread reads them.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/openvswitch.h>

#include "ctflow/flow.h"
#include "ctflow/match.h"
#include "ctflow/nlsock.h"
#include "handler.h"
#include "log.h"
#include "policy.h"
#include "ratelimit.h"
#include "rcu.h"

#define EXEC_BATCH_BYTES (256u * 1024)
#define EXEC_RCVBUF (4u * 1024 * 1024)
#define RING_SIZE 16384u		/* installs between two drains of the main loop */
#define RECENT_SLOTS 1024u		/* megaflows installed a moment ago */
#define RECENT_MS 100u			/* a miss this soon after an install was queued before it */
#define BATCHES_PER_WAKE 4u		/* then let the other sockets have a turn */
#define STACK_BYTES (512u * 1024)

/* One received miss, copied out of the receive buffer (buffers reused). */
struct miss {
	uint8_t *packet;
	size_t packet_len, packet_cap;
	uint8_t *key;		/* OVS_KEY_ATTR_* stream as the kernel sent it */
	size_t key_len, key_cap;
	bool has_mru;
	uint16_t mru;
};

struct recent {
	struct ctf_ufid ufid;
	uint64_t ms;
};

struct counters {
	_Atomic uint64_t handled, lost, installed, limit_hits, ring_full, batches, truncated, foreign;
};

struct handler {
	struct handler_shared *sh;
	unsigned idx;
	char name[16];
	pthread_t thread;
	bool running;
	int epfd, wakefd;
	_Atomic bool stop;
	struct ctf_nlsock **socks;
	size_t n_socks;
	struct ctf_nlsock *exec;
	struct ctf_nlbatch batch;
	struct ctf_nlbuf key, mask;	/* the megaflow being encoded */
	struct miss misses[UPCALL_BATCH];
	size_t n_misses;
	/* Installs of this batch, told to the main thread once they are sent. */
	struct handler_install installs[UPCALL_BATCH];
	size_t n_installs;
	struct recent recent[RECENT_SLOTS];
	struct rcu_reader *rcu;
	struct counters st;
	/* single producer (this thread), single consumer (the main thread) */
	struct handler_install ring[RING_SIZE];
	_Atomic size_t ring_head, ring_tail;
	_Atomic bool ring_signalled;
};

size_t handler_footprint(void)
{
	return sizeof(struct handler) + EXEC_BATCH_BYTES + 2 * CTF_NLBUF_MAX;
}

/* ---- the ring to the main thread ---------------------------------------------- */

static bool ring_push(struct handler *h, const struct handler_install *rec)
{
	size_t tail = atomic_load_explicit(&h->ring_tail, memory_order_relaxed);
	size_t head = atomic_load_explicit(&h->ring_head, memory_order_acquire);

	if (tail - head == RING_SIZE)
		return false;
	h->ring[tail % RING_SIZE] = *rec;
	atomic_store_explicit(&h->ring_tail, tail + 1, memory_order_release);
	return true;
}

size_t handler_drain(struct handler *h, void (*fn)(const struct handler_install *, void *),
		     void *arg)
{
	size_t head, tail, n = 0;

	/* Clear first: a push after this point signals again. */
	atomic_store(&h->ring_signalled, false);
	head = atomic_load_explicit(&h->ring_head, memory_order_relaxed);
	tail = atomic_load_explicit(&h->ring_tail, memory_order_acquire);
	for (; head != tail; head++, n++)
		fn(&h->ring[head % RING_SIZE], arg);
	atomic_store_explicit(&h->ring_head, head, memory_order_release);
	return n;
}

static void ring_signal(struct handler *h)
{
	uint64_t one = 1;

	if (h->sh->notify_fd >= 0 && !atomic_exchange(&h->ring_signalled, true) &&
	    write(h->sh->notify_fd, &one, sizeof(one)) < 0)
		atomic_store(&h->ring_signalled, false);
}

void handler_stats_add(const struct handler *h, struct handler_stats *sum)
{
	sum->handled += atomic_load_explicit(&h->st.handled, memory_order_relaxed);
	sum->lost += atomic_load_explicit(&h->st.lost, memory_order_relaxed);
	sum->installed += atomic_load_explicit(&h->st.installed, memory_order_relaxed);
	sum->limit_hits += atomic_load_explicit(&h->st.limit_hits, memory_order_relaxed);
	sum->ring_full += atomic_load_explicit(&h->st.ring_full, memory_order_relaxed);
	sum->batches += atomic_load_explicit(&h->st.batches, memory_order_relaxed);
	sum->truncated += atomic_load_explicit(&h->st.truncated, memory_order_relaxed);
	sum->foreign += atomic_load_explicit(&h->st.foreign, memory_order_relaxed);
}

static uint64_t count(_Atomic uint64_t *c)
{
	/* Only this thread writes its counters: a relaxed add is all it takes. */
	return atomic_fetch_add_explicit(c, 1, memory_order_relaxed) + 1;
}

/* ---- logging ---------------------------------------------------------------- */

static void log_upcall(struct handler *h, const struct policy *pol, const struct miss *m,
		       uint32_t in_port, const struct policy_decision *dec)
{
	const struct handler_shared *sh = h->sh;
	struct ctf_str key, acts;
	uint64_t suppressed;
	const char *in = ctf_portmap_lookup_no(&pol->ports, in_port);
	char in_buf[16];

	if (!ratelimit_allow(sh->log_rate, ctf_monotonic_ms(), &suppressed)) {
		if (suppressed)
			log_info("upcall: %" PRIu64 " upcall messages suppressed", suppressed);
		return;
	}
	if (suppressed)
		log_info("upcall: %" PRIu64 " upcall messages suppressed", suppressed);
	if (!in) {
		snprintf(in_buf, sizeof(in_buf), "%u", in_port);
		in = in_buf;
	}
	ctf_str_init(&key);
	ctf_str_init(&acts);
	ctf_key_format(m->key, m->key_len, NULL, 0, &pol->ports, CTF_FMT_NAMES, &key);
	ctf_actions_format(dec->actions, dec->actions_len, &pol->ports, CTF_FMT_NAMES, &acts);
	if (dec->rule)
		log_info("upcall: %s: in_port %s: %s: rule %u %s: actions %s", sh->datapath, in,
			 ctf_str_cstr(&key), dec->rule->text.priority, dec->rule->text.match_text,
			 ctf_str_cstr(&acts));
	else
		log_info("upcall: %s: in_port %s: %s: default: actions %s", sh->datapath, in,
			 ctf_str_cstr(&key), ctf_str_cstr(&acts));
	ctf_str_free(&key);
	ctf_str_free(&acts);
}

/* ---- sending ---------------------------------------------------------------- */

/* Errors of the NOWAIT requests arrive later: log them (EEXIST is a race we expect). */
static void exec_drain(struct handler *h)
{
	char buf[16384];

	for (;;) {
		ssize_t n = recv(ctf_nlsock_fd(h->exec), buf, sizeof(buf), MSG_DONTWAIT);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		int len = (int)n;

		if (n < 0) {
			if (errno == ENOBUFS)
				continue;	/* error reports were lost; nothing to do */
			return;
		}
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			struct ctf_err err;

			if (nlh->nlmsg_type != NLMSG_ERROR || ctf_err_from_ack(nlh, &err) >= 0)
				continue;
			/* EEXIST: another handler (or a duplicate miss) installed it first. */
			if (err.error == -EEXIST)
				continue;
			log_warnx("upcall: %s: request %u failed: %s%s%s", h->sh->datapath,
				  nlh->nlmsg_seq, strerror(-err.error), err.msg[0] ? ": " : "",
				  err.msg);
		}
	}
}

static void batch_flush(struct handler *h)
{
	int ret;

	if (!h->batch.n)
		return;
	ret = ctf_nlsock_send_batch(h->exec, &h->batch, CTF_NLBATCH_NOWAIT, NULL, NULL);
	if (ret < 0)
		log_warnx("upcall: %s: sending %u requests: %s", h->sh->datapath, h->batch.n,
			  strerror(-ret));
	ctf_nlbatch_reset(&h->batch);
}

/* Begin a request, flushing the batch first if it is full. */
static struct nlmsghdr *batch_begin(struct handler *h, uint16_t family, uint8_t cmd,
				    uint8_t version, uint16_t flags)
{
	int dp_ifindex = atomic_load_explicit(&h->sh->dp_ifindex, memory_order_relaxed);
	struct nlmsghdr *nlh = ctf_nlbatch_begin(&h->batch, family, cmd, version, flags,
						 dp_ifindex);

	if (!nlh) {
		batch_flush(h);
		nlh = ctf_nlbatch_begin(&h->batch, family, cmd, version, flags, dp_ifindex);
	}
	return nlh;
}

static bool put_stream(struct handler *h, struct nlmsghdr *nlh, uint16_t type, const void *data,
		       size_t len)
{
	return mnl_attr_put_check(nlh, ctf_nlbatch_room(&h->batch), type, len, data);
}

/* OVS_FLOW_CMD_NEW with a UFID and no ACK. */
static bool queue_install(struct handler *h, const struct policy_decision *dec,
			  const struct ctf_ufid *ufid)
{
	struct nlmsghdr *nlh = batch_begin(h, h->sh->fam_flow, OVS_FLOW_CMD_NEW, OVS_FLOW_VERSION,
					   NLM_F_CREATE);

	if (!nlh)
		return false;
	if (!put_stream(h, nlh, OVS_FLOW_ATTR_KEY, ctf_nlbuf_data(&h->key), ctf_nlbuf_len(&h->key)) ||
	    !put_stream(h, nlh, OVS_FLOW_ATTR_MASK, ctf_nlbuf_data(&h->mask),
			ctf_nlbuf_len(&h->mask)) ||
	    !put_stream(h, nlh, OVS_FLOW_ATTR_ACTIONS, dec->actions, dec->actions_len) ||
	    !put_stream(h, nlh, OVS_FLOW_ATTR_UFID, ufid->b, sizeof(ufid->b))) {
		ctf_nlbatch_cancel(&h->batch);
		return false;
	}
	ctf_nlbatch_end(&h->batch);
	return true;
}

/* OVS_PACKET_CMD_EXECUTE: the packet, its upcall key, the actions, the MRU echoed. */
static bool queue_execute(struct handler *h, const struct miss *m, const struct policy_decision *dec)
{
	struct nlmsghdr *nlh = batch_begin(h, h->sh->fam_packet, OVS_PACKET_CMD_EXECUTE,
					   OVS_PACKET_VERSION, 0);

	if (!nlh)
		return false;
	if (!put_stream(h, nlh, OVS_PACKET_ATTR_PACKET, m->packet, m->packet_len) ||
	    !put_stream(h, nlh, OVS_PACKET_ATTR_KEY, m->key, m->key_len) ||
	    !put_stream(h, nlh, OVS_PACKET_ATTR_ACTIONS, dec->actions, dec->actions_len) ||
	    (m->has_mru && !mnl_attr_put_u16_check(nlh, ctf_nlbatch_room(&h->batch),
						   OVS_PACKET_ATTR_MRU, m->mru))) {
		ctf_nlbatch_cancel(&h->batch);
		return false;
	}
	ctf_nlbatch_end(&h->batch);
	return true;
}

/* ---- one batch: decide, install, execute ------------------------------------- */

/* Count a decision (the thread's counter and the rule's hits) and log it, rate-limited. */
static void account_decision(struct handler *h, const struct policy *pol, const struct miss *m,
			     uint32_t in_port, const struct policy_decision *dec)
{
	count(&h->st.handled);
	atomic_fetch_add_explicit(dec->rule ? &dec->rule->hits : &pol->deflt->hits, 1,
				  memory_order_relaxed);
	log_upcall(h, pol, m, in_port, dec);
}

/* Decode the miss's key and classify it; false if the key cannot be decoded. */
static bool decide_miss(struct handler *h, const struct policy *pol, const struct miss *m,
			struct ctf_flow_key *k, struct policy_decision *dec)
{
	struct ctf_err err;

	if (ctf_flow_key_from_attrs(m->key, m->key_len, k, &err)) {
		log_warnx("upcall: %s: undecodable key: %s", h->sh->datapath, err.msg);
		return false;
	}
	policy_classify(pol, k, dec);
	account_decision(h, pol, m, k->in_port, dec);
	return true;
}

static uint64_t ufid_slot(const struct ctf_ufid *u)
{
	uint64_t x;

	memcpy(&x, u->b, sizeof(x));
	return (x * 0x9e3779b97f4a7c15ULL) >> 54;	/* 10 bits: RECENT_SLOTS */
}

/* Was this megaflow installed in this batch, or by this thread a moment ago? */
static bool installed_already(struct handler *h, const struct ctf_ufid *ufid, uint64_t now)
{
	const struct recent *r = &h->recent[ufid_slot(ufid)];

	for (size_t j = 0; j < h->n_installs; j++)
		if (!memcmp(&h->installs[j].ufid, ufid, sizeof(*ufid)))
			return true;
	return r->ms && now - r->ms < RECENT_MS && !memcmp(&r->ufid, ufid, sizeof(*ufid));
}

/* Encode the megaflow of @dec into h->key and h->mask, and name it by its UFID. */
static bool encode_megaflow(struct handler *h, const struct ctf_flow_key *k,
			    const struct policy_decision *dec, struct ctf_ufid *ufid)
{
	if (ctf_flow_key_to_attrs(k, &dec->mask, &h->key, &h->mask)) {
		log_warnx("upcall: %s: megaflow does not fit a message", h->sh->datapath);
		return false;
	}
	ctf_ufid_from_match(ctf_nlbuf_data(&h->key), ctf_nlbuf_len(&h->key),
			    ctf_nlbuf_data(&h->mask), ctf_nlbuf_len(&h->mask), ufid);
	return true;
}

/* Is the datapath at the flow limit? Then the packet is executed without a flow. */
static bool at_flow_limit(struct handler *h)
{
	struct handler_shared *sh = h->sh;

	if (atomic_load_explicit(&sh->flows, memory_order_relaxed) <
	    atomic_load_explicit(&sh->flow_limit, memory_order_relaxed))
		return false;
	if (count(&h->st.limit_hits) % 1000 == 1)
		log_warnx("upcall: %s: flow limit %u reached: executing without installing",
			  sh->datapath, atomic_load(&sh->flow_limit));
	return true;
}

/* Queue the megaflow of @dec unless it is in already, or the table is full. */
static void install_megaflow(struct handler *h, const struct ctf_flow_key *k,
			     const struct policy_decision *dec, uint64_t now)
{
	struct handler_install rec;

	if (!encode_megaflow(h, k, dec, &rec.ufid) || installed_already(h, &rec.ufid, now) ||
	    at_flow_limit(h) || !queue_install(h, dec, &rec.ufid))
		return;
	count(&h->st.installed);
	atomic_fetch_add_explicit(&h->sh->flows, 1, memory_order_relaxed);
	h->recent[ufid_slot(&rec.ufid)] = (struct recent){ rec.ufid, now };
	rec.rule_id = dec->rule ? dec->rule->id : 0;
	rec.ms = now;
	h->installs[h->n_installs++] = rec;
}

/* Queue the packet's execute: after its install, so that later packets hit the flow. */
static void execute_miss(struct handler *h, const struct miss *m, const struct policy_decision *dec)
{
	if (dec->actions_len && !queue_execute(h, m, dec))
		log_warnx("upcall: %s: packet of %zu bytes too large to execute", h->sh->datapath,
			  m->packet_len);
}

/* Send the batch, then tell the main thread about the flows it installed. */
static void send_and_publish(struct handler *h)
{
	batch_flush(h);
	/*
	 * Only now are the flows in the kernel: a revalidation pass that sees
	 * the record must also find the flow in its dump.
	 */
	for (size_t i = 0; i < h->n_installs; i++)
		if (!ring_push(h, &h->installs[i]))
			count(&h->st.ring_full);	/* the revalidator will find it as a stranger */
	if (h->n_installs)
		ring_signal(h);
}

static void handle_batch(struct handler *h)
{
	/* One policy for the whole batch: RCU keeps it alive until we quiesce. */
	const struct policy *pol = atomic_load(h->sh->policy);
	uint64_t now = ctf_monotonic_ms();

	h->n_installs = 0;
	for (size_t i = 0; i < h->n_misses; i++) {
		struct ctf_flow_key k;
		struct policy_decision dec;

		if (!decide_miss(h, pol, &h->misses[i], &k, &dec))
			continue;
		install_megaflow(h, &k, &dec, now);
		execute_miss(h, &h->misses[i], &dec);
	}
	send_and_publish(h);
}

/* ---- receiving ------------------------------------------------------------------ */

static int attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	unsigned type = mnl_attr_get_type(a);

	if (type <= OVS_PACKET_ATTR_MAX)
		tb[type] = a;
	return MNL_CB_OK;
}

static void copy_into(uint8_t **buf, size_t *cap, size_t *len, const struct nlattr *a)
{
	size_t n = mnl_attr_get_payload_len(a);

	if (n > *cap) {
		free(*buf);
		*cap = n > 2048 ? n : 2048;
		*buf = ctf_xmalloc(*cap);
	}
	memcpy(*buf, mnl_attr_get_payload(a), n);
	*len = n;
}

/* One upcall message: copy a MISS into the batch; ignore everything else. */
static int upcall_msg(const struct nlmsghdr *nlh, void *arg)
{
	struct handler *h = arg;
	const struct genlmsghdr *g = ctf_genl_hdr(nlh);
	const struct nlattr *tb[OVS_PACKET_ATTR_MAX + 1] = { NULL };
	struct miss *m;

	if (!g || g->cmd != OVS_PACKET_CMD_MISS || h->n_misses >= UPCALL_BATCH)
		return MNL_CB_OK;
	if (ctf_attr_walk(nlh, CTF_OVS_ATTR_OFFSET, attr_cb, tb) < 0 ||
	    !tb[OVS_PACKET_ATTR_PACKET] || !tb[OVS_PACKET_ATTR_KEY])
		return MNL_CB_OK;
	m = &h->misses[h->n_misses++];
	copy_into(&m->packet, &m->packet_cap, &m->packet_len, tb[OVS_PACKET_ATTR_PACKET]);
	copy_into(&m->key, &m->key_cap, &m->key_len, tb[OVS_PACKET_ATTR_KEY]);
	m->has_mru = tb[OVS_PACKET_ATTR_MRU] &&
		     mnl_attr_get_payload_len(tb[OVS_PACKET_ATTR_MRU]) == 2;
	m->mru = m->has_mru ? mnl_attr_get_u16(tb[OVS_PACKET_ATTR_MRU]) : 0;
	return MNL_CB_OK;
}

/* Read and handle batches from one socket until it is empty or has had its turn. */
static void read_socket(struct handler *h, struct ctf_nlsock *sock)
{
	for (unsigned round = 0; round < BATCHES_PER_WAKE; round++) {
		bool drained = false;

		h->n_misses = 0;
		/* Bounded: a stream of overflows or of non-miss upcalls must not hold us here. */
		for (unsigned tries = 0; h->n_misses < UPCALL_BATCH && tries < 2 * UPCALL_BATCH;
		     tries++) {
			int ret = ctf_nlsock_recv(sock, upcall_msg, h);

			if (ret == -ENOBUFS) {
				/* The kernel dropped upcalls; there is almost surely more waiting. */
				uint64_t n = count(&h->st.lost);

				if (n % 1000 == 1)
					log_warnx("upcall: %s: receive buffer overflowed: upcalls lost (%" PRIu64 " so far)",
						  h->sh->datapath, n);
				continue;
			}
			if (ret == -EMSGSIZE) {
				/* Larger than the receive buffer: it is gone; say so, read on. */
				if (count(&h->st.truncated) % 1000 == 1)
					log_warnx("upcall: %s: an upcall was larger than the receive buffer and is lost",
						  h->sh->datapath);
				continue;
			}
			if (ret == -EPROTO) {
				/* Not from the kernel: nobody else may send upcalls. */
				if (count(&h->st.foreign) % 1000 == 1)
					log_warnx("upcall: %s: a message from a process, not the kernel, was ignored",
						  h->sh->datapath);
				continue;
			}
			if (ret < 0) {
				drained = true;	/* EAGAIN */
				break;
			}
		}
		if (h->n_misses) {
			count(&h->st.batches);
			handle_batch(h);
		}
		/* Between batches we hold no policy pointer. */
		rcu_quiesce(h->rcu);
		if (drained)
			break;
	}
}

#define WAKE_TAG ((void *)1)
#define EXEC_TAG ((void *)2)

static void *handler_main(void *arg)
{
	struct handler *h = arg;
	struct epoll_event ev[16];

	while (!atomic_load(&h->stop)) {
		int n;

		rcu_offline(h->rcu);
		n = epoll_wait(h->epfd, ev, (int)CTF_ARRAY_SIZE(ev), -1);
		rcu_online(h->rcu);
		if (n < 0 && errno != EINTR) {
			log_warn("upcall: handler %u: epoll_wait", h->idx);
			break;
		}
		for (int i = 0; i < n && !atomic_load(&h->stop); i++) {
			if (ev[i].data.ptr == WAKE_TAG) {
				uint64_t v;

				if (read(h->wakefd, &v, sizeof(v)) < 0 && errno != EAGAIN)
					log_warn("upcall: handler %u: wake-up", h->idx);
			} else if (ev[i].data.ptr == EXEC_TAG) {
				exec_drain(h);
			} else {
				read_socket(h, ev[i].data.ptr);
			}
		}
	}
	rcu_offline(h->rcu);
	return NULL;
}

/* ---- starting and stopping ---------------------------------------------------- */

static int watch(struct handler *h, int fd, void *tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = tag };

	return epoll_ctl(h->epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

static void handler_free(struct handler *h)
{
	if (h->epfd >= 0)
		close(h->epfd);
	if (h->wakefd >= 0)
		close(h->wakefd);
	if (h->exec)
		ctf_nlsock_close(h->exec);
	ctf_nlbatch_free(&h->batch);
	ctf_nlbuf_free(&h->key);
	ctf_nlbuf_free(&h->mask);
	for (size_t i = 0; i < UPCALL_BATCH; i++) {
		free(h->misses[i].packet);
		free(h->misses[i].key);
	}
	rcu_reader_free(h->rcu);
	free(h->socks);
	free(h);
}

struct handler *handler_start(struct handler_shared *sh, unsigned idx, struct ctf_nlsock **socks,
			      size_t n_socks, const cpu_set_t *cpus, struct ctf_err *err)
{
	struct handler *h = ctf_xzalloc(sizeof(*h));
	sigset_t all, old;
	pthread_attr_t attr;
	uint16_t fam;
	int ret;

	h->sh = sh;
	h->idx = idx;
	h->epfd = h->wakefd = -1;
	snprintf(h->name, sizeof(h->name), "handler%u", idx);
	h->socks = ctf_xmalloc(n_socks * sizeof(*socks));
	memcpy(h->socks, socks, n_socks * sizeof(*socks));
	h->n_socks = n_socks;
	ctf_nlbatch_init(&h->batch, EXEC_BATCH_BYTES, 2 * UPCALL_BATCH);
	ctf_nlbuf_init(&h->key, CTF_NLBUF_MAX);
	ctf_nlbuf_init(&h->mask, CTF_NLBUF_MAX);
	h->rcu = rcu_reader_new(sh->rcu);

	ret = ctf_nlsock_open(&h->exec);
	if (!ret) {
		ctf_nlsock_set_rcvbuf(h->exec, EXEC_RCVBUF);
		ctf_nlsock_set_nonblock(h->exec, true);
		/* Cache the families on this socket, as the requests need them. */
		ret = ctf_nlsock_family(h->exec, OVS_FLOW_FAMILY, &fam);
		if (!ret)
			ret = ctf_nlsock_family(h->exec, OVS_PACKET_FAMILY, &fam);
	}
	h->epfd = epoll_create1(EPOLL_CLOEXEC);
	h->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!ret && (h->epfd < 0 || h->wakefd < 0))
		ret = -errno;
	if (!ret)
		ret = watch(h, h->wakefd, WAKE_TAG);
	if (!ret)
		ret = watch(h, ctf_nlsock_fd(h->exec), EXEC_TAG);
	for (size_t i = 0; !ret && i < n_socks; i++)
		ret = watch(h, ctf_nlsock_fd(socks[i]), socks[i]);
	if (ret) {
		ctf_err_setn(err, ret, "handler %u: cannot set up its sockets: %s", idx,
			     strerror(-ret));
		handler_free(h);
		return NULL;
	}

	/* Signals belong to the main loop (libevent): the thread blocks them all. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, STACK_BYTES);
	ret = -pthread_create(&h->thread, &attr, handler_main, h);
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		ctf_err_setn(err, ret, "handler %u: cannot start its thread: %s", idx,
			     strerror(-ret));
		handler_free(h);
		return NULL;
	}
	pthread_setname_np(h->thread, h->name);
	/* Where it runs is an optimisation: a refusal (a cpuset changed meanwhile) is not fatal. */
	if (cpus && (ret = pthread_setaffinity_np(h->thread, sizeof(*cpus), cpus)))
		log_warnx("upcall: handler %u: cannot set its CPUs: %s", idx, strerror(ret));
	h->running = true;
	return h;
}

void handler_stop(struct handler *h)
{
	uint64_t one = 1;

	if (!h)
		return;
	if (h->running) {
		atomic_store(&h->stop, true);
		if (write(h->wakefd, &one, sizeof(one)) < 0)
			log_warn("upcall: handler %u: cannot wake it to stop", h->idx);
		pthread_join(h->thread, NULL);
	}
	handler_free(h);
}
