// SPDX-License-Identifier: Apache-2.0
/*
 * ctflowd's path for one miss (see upcall.h and design.md): drain up to
 * UPCALL_BATCH upcalls, decide each, and send every flow install and packet
 * execute of the batch in one sendmsg() without ACKs. Failures come back as
 * error messages on the execute socket and are logged from its read event.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>

#include <event2/event.h>
#include <libmnl/libmnl.h>
#include <linux/openvswitch.h>

#include "ctflow/dp.h"
#include "ctflow/flow.h"
#include "ctflow/match.h"
#include "ctflow/nlsock.h"
#include "daemon.h"
#include "log.h"
#include "upcall.h"

#define EXEC_BATCH_BYTES (256u * 1024)
#define UPCALL_RCVBUF (4u * 1024 * 1024)	/* control and execute sockets */

struct upcall_sock {
	struct upcall *up;
	struct ctf_nlsock *sock;
	struct event *ev;
};

/* One received miss, copied out of the receive buffer. */
struct miss {
	void *packet;
	size_t packet_len;
	void *key;		/* OVS_KEY_ATTR_* stream as the kernel sent it */
	size_t key_len;
	bool has_mru;
	uint16_t mru;
	uint32_t in_port;
};

struct upcall {
	struct ctflowd *d;
	struct ctf_nlsock *ctl;		/* datapath/vport/flow requests */
	struct ctf_nlsock *exec;	/* batched installs and executes, no ACKs */
	struct event *exec_ev;		/* drains errors from exec */
	uint16_t fam_flow, fam_packet;
	int dp_ifindex;
	bool per_cpu;
	struct upcall_sock *socks;
	size_t n_socks;
	struct ctf_vport_info *ports;	/* attached ports, as the kernel reports them */
	size_t n_ports;
	struct ctf_nlbatch batch;
	struct flowtab flows;
	struct miss misses[UPCALL_BATCH];
	size_t n_misses;
};

unsigned upcall_cpu_slots(void)
{
	unsigned n = (unsigned)get_nprocs_conf(), highest = 0;
	FILE *f = fopen("/sys/devices/system/cpu/possible", "re");
	char line[256];

	/* "0-3,8-11": the kernel indexes the PID array by CPU id, which may be sparse. */
	if (f && fgets(line, sizeof(line), f)) {
		for (char *p = line; *p;) {
			char *end;
			unsigned long v = strtoul(p, &end, 10);

			if (end == p)
				break;
			if (v > highest)
				highest = (unsigned)v;
			p = end;
			while (*p == '-' || *p == ',' || *p == '\n')
				p++;
		}
	}
	if (f)
		fclose(f);
	return n > highest + 1 ? n : highest + 1;
}

const char *upcall_mode(const struct upcall *up)
{
	return up->per_cpu ? "per-cpu" : "per-vport";
}

int upcall_dp_ifindex(const struct upcall *up)
{
	return up->dp_ifindex;
}

struct ctf_nlsock *upcall_ctl_sock(struct upcall *up)
{
	return up->ctl;
}

struct flowtab *upcall_flows(struct upcall *up)
{
	return &up->flows;
}

void upcall_portmap(const struct upcall *up, struct ctf_portmap *map)
{
	ctf_portmap_init(map);
	for (size_t i = 0; i < up->n_ports; i++)
		ctf_portmap_add(map, up->ports[i].port_no, up->ports[i].name);
}

static const char *port_name(const struct upcall *up, uint32_t port_no)
{
	for (size_t i = 0; i < up->n_ports; i++)
		if (up->ports[i].port_no == port_no)
			return up->ports[i].name;
	return NULL;
}

/* ---- logging ---------------------------------------------------------- */

static void log_upcall(struct upcall *up, const struct miss *m, const struct ctf_decision *dec)
{
	struct ctflowd *d = up->d;
	struct ctf_portmap map;
	struct ctf_str key, acts;
	uint64_t suppressed;
	const char *in = port_name(up, m->in_port);
	char in_buf[16];

	if (!ctf_ratelimit_allow(&d->upcall_log, ctf_monotonic_ms(), &suppressed)) {
		if (suppressed)
			log_info("upcall: %" PRIu64 " upcall messages suppressed", suppressed);
		return;
	}
	if (suppressed)
		log_info("upcall: %" PRIu64 " upcall messages suppressed", suppressed);
	if (!in) {
		snprintf(in_buf, sizeof(in_buf), "%u", m->in_port);
		in = in_buf;
	}
	upcall_portmap(up, &map);
	ctf_str_init(&key);
	ctf_str_init(&acts);
	ctf_key_format(m->key, m->key_len, NULL, 0, &map, CTF_FMT_NAMES, &key);
	ctf_actions_format(dec->actions, dec->actions_len, &map, CTF_FMT_NAMES, &acts);
	if (dec->rule)
		log_info("upcall: %s: in_port %s: %s: rule %u %s: actions %s", d->cfg.datapath, in,
			 ctf_str_cstr(&key), dec->rule->text.priority, dec->rule->text.match_text,
			 ctf_str_cstr(&acts));
	else
		log_info("upcall: %s: in_port %s: %s: default: actions %s", d->cfg.datapath, in,
			 ctf_str_cstr(&key), ctf_str_cstr(&acts));
	ctf_str_free(&key);
	ctf_str_free(&acts);
	ctf_portmap_free(&map);
}

/* ---- sending a batch ---------------------------------------------------- */

/* Errors of NOWAIT requests arrive later: log them (rate-limited by the caller's log). */
static void exec_drain(evutil_socket_t fd, short what, void *arg)
{
	struct upcall *up = arg;
	char buf[16384];

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		int len = (int)n;

		if (n < 0) {
			if (errno == ENOBUFS)
				continue;	/* error reports were lost; nothing to do */
			return;
		}
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			struct ctf_nlerr err;

			if (nlh->nlmsg_type != NLMSG_ERROR || ctf_nlerr_parse(nlh, &err) >= 0)
				continue;
			/* EEXIST: another handler (or a duplicate miss) installed it first. */
			if (err.error == -EEXIST)
				continue;
			log_warnx("upcall: %s: request %u failed: %s%s%s", up->d->cfg.datapath,
				  nlh->nlmsg_seq, strerror(-err.error), err.msg[0] ? ": " : "",
				  err.msg);
		}
	}
}

static void batch_flush(struct upcall *up)
{
	int ret;

	if (!up->batch.n)
		return;
	ret = ctf_nlsock_send_batch(up->exec, &up->batch, CTF_NLBATCH_NOWAIT, NULL, NULL);
	if (ret < 0)
		log_warnx("upcall: %s: sending %u requests: %s", up->d->cfg.datapath, up->batch.n,
			  strerror(-ret));
	ctf_nlbatch_reset(&up->batch);
}

/* Begin a request, flushing the batch first if it is full. */
static struct nlmsghdr *batch_begin(struct upcall *up, uint16_t family, uint8_t cmd,
				    uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh = ctf_nlbatch_begin(&up->batch, family, cmd, version, flags,
						 up->dp_ifindex);

	if (!nlh) {
		batch_flush(up);
		nlh = ctf_nlbatch_begin(&up->batch, family, cmd, version, flags, up->dp_ifindex);
	}
	return nlh;
}

static bool put_stream(struct upcall *up, struct nlmsghdr *nlh, uint16_t type, const void *data,
		       size_t len)
{
	return mnl_attr_put_check(nlh, ctf_nlbatch_room(&up->batch), type, len, data);
}

/* OVS_FLOW_CMD_NEW with a UFID and no ACK. */
static bool queue_install(struct upcall *up, const struct ctf_nlbuf *key,
			  const struct ctf_nlbuf *mask, const struct ctf_decision *dec,
			  const struct ctf_ufid *ufid)
{
	struct nlmsghdr *nlh = batch_begin(up, up->fam_flow, OVS_FLOW_CMD_NEW, OVS_FLOW_VERSION,
					   NLM_F_CREATE);

	if (!nlh)
		return false;
	if (!put_stream(up, nlh, OVS_FLOW_ATTR_KEY, ctf_nlbuf_data(key), ctf_nlbuf_len(key)) ||
	    !put_stream(up, nlh, OVS_FLOW_ATTR_MASK, ctf_nlbuf_data(mask), ctf_nlbuf_len(mask)) ||
	    !put_stream(up, nlh, OVS_FLOW_ATTR_ACTIONS, dec->actions, dec->actions_len) ||
	    !put_stream(up, nlh, OVS_FLOW_ATTR_UFID, ufid->b, sizeof(ufid->b))) {
		ctf_nlbatch_cancel(&up->batch);
		return false;
	}
	ctf_nlbatch_end(&up->batch);
	return true;
}

/* OVS_PACKET_CMD_EXECUTE: the packet, its upcall key, the actions, the MRU echoed. */
static bool queue_execute(struct upcall *up, const struct miss *m, const struct ctf_decision *dec)
{
	struct nlmsghdr *nlh = batch_begin(up, up->fam_packet, OVS_PACKET_CMD_EXECUTE,
					   OVS_PACKET_VERSION, 0);

	if (!nlh)
		return false;
	if (!put_stream(up, nlh, OVS_PACKET_ATTR_PACKET, m->packet, m->packet_len) ||
	    !put_stream(up, nlh, OVS_PACKET_ATTR_KEY, m->key, m->key_len) ||
	    !put_stream(up, nlh, OVS_PACKET_ATTR_ACTIONS, dec->actions, dec->actions_len) ||
	    (m->has_mru && !mnl_attr_put_u16_check(nlh, ctf_nlbatch_room(&up->batch),
						   OVS_PACKET_ATTR_MRU, m->mru))) {
		ctf_nlbatch_cancel(&up->batch);
		return false;
	}
	ctf_nlbatch_end(&up->batch);
	return true;
}

/* ---- handling a batch of misses ------------------------------------------ */

static void count_flow(struct ctflowd *d, struct ctf_policy_rule *rule)
{
	if (rule)
		rule->flows++;
	else
		d->pol.default_flows++;
}

static void handle_batch(struct upcall *up)
{
	struct ctflowd *d = up->d;
	struct ctf_ufid batch_ufids[UPCALL_BATCH];
	size_t n_ufids = 0;
	struct ctf_nlbuf key, mask;
	uint64_t now = ctf_monotonic_ms();

	ctf_nlbuf_init(&key, CTF_NLBUF_MAX);
	ctf_nlbuf_init(&mask, CTF_NLBUF_MAX);
	for (size_t i = 0; i < up->n_misses; i++) {
		struct miss *m = &up->misses[i];
		struct ctf_flow_key k;
		struct ctf_decision dec;
		struct ctf_ufid ufid;
		struct ctf_err err;
		bool dup = false;

		if (ctf_flow_key_from_attrs(m->key, m->key_len, &k, &err)) {
			log_warnx("upcall: %s: undecodable key: %s", d->cfg.datapath, err.msg);
			continue;
		}
		m->in_port = k.in_port;
		ctf_policy_classify(&d->pol, &k, &dec);
		d->st.upcalls_handled++;
		if (dec.rule)
			dec.rule->hits++;
		else
			d->pol.default_hits++;
		log_upcall(up, m, &dec);

		if (ctf_flow_key_to_attrs(&k, &dec.mask, &key, &mask)) {
			log_warnx("upcall: %s: megaflow does not fit a message", d->cfg.datapath);
		} else {
			ctf_ufid_from_match(ctf_nlbuf_data(&key), ctf_nlbuf_len(&key),
					    ctf_nlbuf_data(&mask), ctf_nlbuf_len(&mask), &ufid);
			/* Identical misses of one batch (and flows already in) install once. */
			for (size_t j = 0; j < n_ufids && !dup; j++)
				dup = !memcmp(&batch_ufids[j], &ufid, sizeof(ufid));
			if (!dup && flowtab_find(&up->flows, &ufid))
				dup = true;
			if (!dup && flowtab_count(&up->flows) >= d->cfg.flow_limit) {
				if (d->st.flow_limit_hits++ % 1000 == 0)
					log_warnx("upcall: %s: flow limit %u reached: executing without installing",
						  d->cfg.datapath, d->cfg.flow_limit);
				dup = true;
			}
			if (!dup && queue_install(up, &key, &mask, &dec, &ufid)) {
				struct flowtab_entry *e = flowtab_insert(&up->flows, &ufid);

				e->rule_id = dec.rule ? dec.rule->id : 0;
				e->installed_ms = now;
				batch_ufids[n_ufids++] = ufid;
				d->st.flows_installed++;
				count_flow(d, dec.rule);
			}
		}
		/* The put goes before the execute, so later packets hit the flow. */
		if (dec.actions_len && !queue_execute(up, m, &dec))
			log_warnx("upcall: %s: packet of %zu bytes too large to execute",
				  d->cfg.datapath, m->packet_len);
	}
	batch_flush(up);
	d->st.flows_current = flowtab_count(&up->flows);
	ctf_nlbuf_free(&key);
	ctf_nlbuf_free(&mask);
}

static void miss_free(struct miss *m)
{
	free(m->packet);
	free(m->key);
	memset(m, 0, sizeof(*m));
}

static int attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	unsigned type = mnl_attr_get_type(a);

	if (type <= OVS_PACKET_ATTR_MAX)
		tb[type] = a;
	return MNL_CB_OK;
}

/* One upcall message: copy a MISS into the batch; ignore everything else. */
static int upcall_msg(const struct nlmsghdr *nlh, void *arg)
{
	struct upcall *up = arg;
	const struct genlmsghdr *g = ctf_genl_hdr(nlh);
	const struct nlattr *tb[OVS_PACKET_ATTR_MAX + 1] = { NULL };
	struct miss *m;

	if (!g || g->cmd != OVS_PACKET_CMD_MISS || up->n_misses >= UPCALL_BATCH)
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, CTF_OVS_ATTR_OFFSET, attr_cb, tb) < 0 ||
	    !tb[OVS_PACKET_ATTR_PACKET] || !tb[OVS_PACKET_ATTR_KEY])
		return MNL_CB_OK;
	m = &up->misses[up->n_misses++];
	m->packet_len = mnl_attr_get_payload_len(tb[OVS_PACKET_ATTR_PACKET]);
	m->packet = ctf_xmalloc(m->packet_len ? m->packet_len : 1);
	memcpy(m->packet, mnl_attr_get_payload(tb[OVS_PACKET_ATTR_PACKET]), m->packet_len);
	m->key_len = mnl_attr_get_payload_len(tb[OVS_PACKET_ATTR_KEY]);
	m->key = ctf_xmalloc(m->key_len ? m->key_len : 1);
	memcpy(m->key, mnl_attr_get_payload(tb[OVS_PACKET_ATTR_KEY]), m->key_len);
	if (tb[OVS_PACKET_ATTR_MRU] && mnl_attr_get_payload_len(tb[OVS_PACKET_ATTR_MRU]) == 2) {
		m->has_mru = true;
		m->mru = mnl_attr_get_u16(tb[OVS_PACKET_ATTR_MRU]);
	}
	return MNL_CB_OK;
}

static void upcall_read(evutil_socket_t fd, short what, void *arg)
{
	struct upcall_sock *us = arg;
	struct upcall *up = us->up;
	struct ctflowd *d = up->d;

	up->n_misses = 0;
	while (up->n_misses < UPCALL_BATCH) {
		int ret = ctf_nlsock_recv(us->sock, upcall_msg, up);

		if (ret == -ENOBUFS) {
			/* The kernel dropped upcalls; there is almost surely more waiting. */
			if (d->st.upcalls_lost++ % 1000 == 0)
				log_warnx("upcall: %s: receive buffer overflowed: upcalls lost (%" PRIu64 " so far)",
					  d->cfg.datapath, d->st.upcalls_lost);
			continue;
		}
		if (ret < 0)
			break;	/* EAGAIN: drained */
	}
	handle_batch(up);
	for (size_t i = 0; i < up->n_misses; i++)
		miss_free(&up->misses[i]);
	up->n_misses = 0;
}

/* ---- opening the datapath ------------------------------------------------- */

/*
 * @rcvbuf is set with SO_RCVBUFFORCE (we run with CAP_NET_ADMIN), falling
 * back to SO_RCVBUF within rmem_max; a failure of both leaves the default.
 */
static int open_sock(struct ctf_nlsock **sock, bool nonblock, unsigned int rcvbuf)
{
	int ret = ctf_nlsock_open(sock);

	if (ret)
		return ret;
	ctf_nlsock_set_rcvbuf(*sock, (int)rcvbuf);
	if (nonblock)
		ctf_nlsock_set_nonblock(*sock, true);
	return 0;
}

static int open_upcall_socks(struct upcall *up, size_t n)
{
	up->socks = ctf_xzalloc(n * sizeof(*up->socks));
	for (size_t i = 0; i < n; i++) {
		struct upcall_sock *us = &up->socks[i];
		/* upcall-buffer: what a burst of misses may queue before the kernel drops them. */
		int ret = open_sock(&us->sock, true, up->d->cfg.upcall_buffer);

		if (ret)
			return ret;
		us->up = up;
		us->ev = event_new(up->d->base, ctf_nlsock_fd(us->sock), EV_READ | EV_PERSIST,
				   upcall_read, us);
		event_add(us->ev, NULL);
		up->n_socks++;
	}
	return 0;
}

static void close_upcall_socks(struct upcall *up)
{
	for (size_t i = 0; i < up->n_socks; i++) {
		event_free(up->socks[i].ev);
		ctf_nlsock_close(up->socks[i].sock);
	}
	free(up->socks);
	up->socks = NULL;
	up->n_socks = 0;
}

static int nlfail(struct ctf_err *err, int ret, const struct ctf_nlerr *nerr, const char *what,
		  const char *name)
{
	return ctf_err_setn(err, ret, "%s %s: %s%s%s", what, name, strerror(-ret),
			    nerr->msg[0] ? ": " : "", nerr->msg);
}

/*
 * Choose the dispatch mode on an open datapath: per-CPU with one socket per
 * CPU slot if the kernel takes it, else per-vport with one socket.
 */
static int setup_dispatch(struct upcall *up, const struct ctf_dp_ref *ref, struct ctf_err *err)
{
	const uint32_t per_cpu = OVS_DP_F_UNALIGNED | OVS_DP_F_DISPATCH_UPCALL_PER_CPU;
	unsigned slots = upcall_cpu_slots();
	struct ctf_nlerr nerr;
	uint32_t *pids;
	int ret;

	if (!up->d->cfg.force_per_vport) {
		ret = open_upcall_socks(up, slots);
		if (ret)
			return ctf_err_setn(err, ret, "cannot open %u upcall sockets: %s", slots,
					    strerror(-ret));
		pids = ctf_xmalloc(slots * sizeof(*pids));
		for (unsigned i = 0; i < slots; i++)
			pids[i] = ctf_nlsock_portid(up->socks[i].sock);
		ret = ctf_dp_set(up->ctl, ref, per_cpu, pids, slots, NULL, &nerr);
		free(pids);
		if (!ret) {
			up->per_cpu = true;
			return 0;
		}
		/* Older kernels: per-vport PIDs, one socket is enough for one thread. */
		log_info("upcall: %s: per-cpu dispatch refused (%s): using per-vport",
			 up->d->cfg.datapath, strerror(-ret));
		close_upcall_socks(up);
	}
	ret = open_upcall_socks(up, 1);
	if (!ret)
		ret = ctf_dp_set(up->ctl, ref, OVS_DP_F_UNALIGNED | OVS_DP_F_VPORT_PIDS, NULL, 0,
				 NULL, &nerr);
	if (ret)
		return nlfail(err, ret, &nerr, "cannot set up upcalls on datapath", ref->name);
	up->per_cpu = false;
	return 0;
}

/*
 * Another program may change the datapath's dispatch features (ovs-dpctl
 * switches an existing datapath to per-CPU when it opens it): put ours back.
 */
void upcall_check_dispatch(struct upcall *up)
{
	struct ctf_dp_ref ref = { .dp_ifindex = up->dp_ifindex };
	struct ctf_dp_info info;
	struct ctf_nlerr nerr;
	uint32_t want, *pids;
	bool ok;
	int ret;

	if (ctf_dp_get(up->ctl, &ref, &info, &nerr))
		return;
	if (up->per_cpu)
		ok = (info.user_features & OVS_DP_F_DISPATCH_UPCALL_PER_CPU) &&
		     info.n_per_cpu_pids == up->n_socks &&
		     info.per_cpu_pid0 == ctf_nlsock_portid(up->socks[0].sock);
	else
		ok = !(info.user_features & OVS_DP_F_DISPATCH_UPCALL_PER_CPU);
	if (ok)
		return;
	log_warnx("upcall: %s: upcall dispatch changed by another program: restoring %s",
		  up->d->cfg.datapath, upcall_mode(up));
	want = OVS_DP_F_UNALIGNED |
	       (up->per_cpu ? OVS_DP_F_DISPATCH_UPCALL_PER_CPU : OVS_DP_F_VPORT_PIDS);
	pids = ctf_xmalloc(up->n_socks * sizeof(*pids));
	for (size_t i = 0; i < up->n_socks; i++)
		pids[i] = ctf_nlsock_portid(up->socks[i].sock);
	ret = ctf_dp_set(up->ctl, &ref, want, up->per_cpu ? pids : NULL,
			 up->per_cpu ? up->n_socks : 0, NULL, &nerr);
	free(pids);
	if (ret)
		log_warnx("upcall: %s: cannot restore upcall dispatch: %s", up->d->cfg.datapath,
			  strerror(-ret));
}

/* The upcall PIDs a vport gets: in per-CPU mode they are ignored (use 0). */
static uint32_t vport_pid(const struct upcall *up)
{
	return up->per_cpu ? 0 : ctf_nlsock_portid(up->socks[0].sock);
}

static int collect_port(const struct ctf_vport_info *info, void *arg)
{
	struct upcall *up = arg;

	up->ports = ctf_xrealloc(up->ports, (up->n_ports + 1) * sizeof(*up->ports));
	up->ports[up->n_ports++] = *info;
	return 0;
}

static int refresh_ports(struct upcall *up)
{
	free(up->ports);
	up->ports = NULL;
	up->n_ports = 0;
	return ctf_vport_dump(up->ctl, up->dp_ifindex, collect_port, up, NULL);
}

static bool listed(const struct ctf_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_ports; i++)
		if (!strcmp(cfg->ports[i], name))
			return true;
	return false;
}

int upcall_sync_ports(struct upcall *up, const struct ctf_config *cfg, struct ctf_err *err)
{
	const struct ctf_config *old = &up->d->cfg;
	uint32_t pid = vport_pid(up);
	struct ctf_nlerr nerr;
	int ret;

	/* Ports dropped from the configuration are detached (never the local port). */
	for (size_t i = 0; old != cfg && i < old->n_ports; i++) {
		if (listed(cfg, old->ports[i]))
			continue;
		ret = ctf_vport_del(up->ctl, up->dp_ifindex, old->ports[i], 0, &nerr);
		if (ret && ret != -ENODEV)
			log_warnx("upcall: %s: detach %s: %s", cfg->datapath, old->ports[i],
				  strerror(-ret));
		else
			log_info("upcall: %s: port %s detached", cfg->datapath, old->ports[i]);
	}
	for (size_t i = 0; i < cfg->n_ports; i++) {
		struct ctf_vport_req req = {
			.name = cfg->ports[i], .type = OVS_VPORT_TYPE_NETDEV,
			.port_no = CTF_VPORT_NO_ANY, .upcall_pids = &pid, .n_upcall_pids = 1,
		};
		struct ctf_vport_info info;

		ret = ctf_vport_get(up->ctl, up->dp_ifindex, cfg->ports[i], 0, &info, &nerr);
		if (!ret) {
			/* Already attached (a restart): point its upcalls at us. */
			req.type = 0;
			ret = ctf_vport_set(up->ctl, up->dp_ifindex, &req, &info, &nerr);
		} else {
			ret = ctf_vport_new(up->ctl, up->dp_ifindex, &req, &info, &nerr);
			if (!ret)
				log_info("upcall: %s: port %u: %s attached", cfg->datapath,
					 info.port_no, cfg->ports[i]);
		}
		if (ret) {
			/* A missing netdev is not fatal: the rest of the policy still works. */
			log_warnx("upcall: %s: port %s: %s%s%s", cfg->datapath, cfg->ports[i],
				  strerror(-ret), nerr.msg[0] ? ": " : "", nerr.msg);
		}
	}
	/* The local port's misses follow the datapath's PID in per-vport mode. */
	if (!up->per_cpu) {
		struct ctf_vport_req req = { .name = cfg->datapath, .port_no = CTF_VPORT_NO_ANY,
					     .upcall_pids = &pid, .n_upcall_pids = 1 };

		ctf_vport_set(up->ctl, up->dp_ifindex, &req, NULL, NULL);
	}
	ret = refresh_ports(up);
	if (ret)
		return ctf_err_setn(err, ret, "cannot list the ports of %s: %s", cfg->datapath,
				    strerror(-ret));
	return 0;
}

struct upcall *upcall_open(struct ctflowd *d, struct ctf_err *err)
{
	struct upcall *up = ctf_xzalloc(sizeof(*up));
	struct ctf_dp_ref ref = { .name = d->cfg.datapath };
	struct ctf_dp_info info;
	struct ctf_nlerr nerr;
	int ret;

	up->d = d;
	flowtab_init(&up->flows);
	ret = open_sock(&up->ctl, false, UPCALL_RCVBUF);
	if (!ret)
		ret = open_sock(&up->exec, true, UPCALL_RCVBUF);
	if (ret) {
		ctf_err_setn(err, ret, "cannot open a netlink socket: %s", strerror(-ret));
		goto fail;
	}
	ret = ctf_nlsock_family(up->ctl, OVS_FLOW_FAMILY, &up->fam_flow);
	if (!ret)
		ret = ctf_nlsock_family(up->ctl, OVS_PACKET_FAMILY, &up->fam_packet);
	if (ret) {
		ctf_err_setn(err, ret, "the openvswitch kernel module is not loaded");
		ctf_err_hint(err, "modprobe openvswitch");
		goto fail;
	}
	/* Make sure the exec socket has the families cached as well. */
	ctf_nlsock_family(up->exec, OVS_FLOW_FAMILY, &up->fam_flow);
	ctf_nlsock_family(up->exec, OVS_PACKET_FAMILY, &up->fam_packet);

	ret = ctf_dp_get(up->ctl, &ref, &info, &nerr);
	if (ret == -ENODEV || ret == -ENOENT) {
		ret = ctf_dp_create(up->ctl, d->cfg.datapath, 0, &info, &nerr);
		if (!ret)
			log_info("upcall: datapath %s created", d->cfg.datapath);
	} else if (!ret) {
		log_info("upcall: datapath %s exists: taking it over", d->cfg.datapath);
	}
	if (ret) {
		nlfail(err, ret, &nerr, "cannot open datapath", d->cfg.datapath);
		goto fail;
	}
	up->dp_ifindex = info.dp_ifindex;
	ret = setup_dispatch(up, &ref, err);
	if (ret)
		goto fail;
	log_info("upcall: %s: dispatch mode %s (%zu socket%s)", d->cfg.datapath, upcall_mode(up),
		 up->n_socks, up->n_socks == 1 ? "" : "s");
	ret = upcall_sync_ports(up, &d->cfg, err);
	if (ret)
		goto fail;
	ctf_nlbatch_init(&up->batch, EXEC_BATCH_BYTES, 2 * UPCALL_BATCH);
	up->exec_ev = event_new(d->base, ctf_nlsock_fd(up->exec), EV_READ | EV_PERSIST,
				exec_drain, up);
	event_add(up->exec_ev, NULL);
	return up;
fail:
	upcall_close(up);
	return NULL;
}

void upcall_close(struct upcall *up)
{
	if (!up)
		return;
	close_upcall_socks(up);
	if (up->exec_ev)
		event_free(up->exec_ev);
	if (up->exec)
		ctf_nlsock_close(up->exec);
	if (up->ctl)
		ctf_nlsock_close(up->ctl);
	ctf_nlbatch_free(&up->batch);
	flowtab_destroy(&up->flows);
	free(up->ports);
	free(up);
}
