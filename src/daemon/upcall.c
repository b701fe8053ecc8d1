// SPDX-License-Identifier: Apache-2.0
/*
 * The datapath side of ctflowd (see upcall.h): open or create the datapath,
 * choose the dispatch mode, attach the ports, and run the handler threads
 * (handler.h) over the upcall sockets. The flows the handlers install are
 * gathered here, on the main thread, into the flow table the revalidator
 * keeps.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include <event2/event.h>
#include <libmnl/libmnl.h>
#include <linux/openvswitch.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include "ctflow/dp.h"
#include "ctflow/flow.h"
#include "ctflow/match.h"
#include "ctflow/nlsock.h"
#include "daemon.h"
#include "handler.h"
#include "log.h"
#include "upcall.h"

#define CTL_RCVBUF (4u * 1024 * 1024)

struct upcall {
	struct ctflowd *d;
	struct ctf_nlsock *ctl;		/* datapath/vport/flow requests */
	uint16_t fam_flow, fam_packet;
	int dp_ifindex;
	bool per_cpu;
	struct ctf_nlsock **socks;	/* upcall sockets: one per CPU slot, or one */
	size_t n_socks;
	struct ctf_vport_info *ports;	/* attached ports, as the kernel reports them */
	size_t n_ports;
	/* Every port number a name ever had here: a port that comes back gets it again. */
	struct ctf_portmap known;
	struct mnl_socket *links;	/* rtnetlink link notifications */
	struct event *links_ev;
	struct flowtab flows;
	struct handler_shared sh;
	struct handler **handlers;
	size_t n_handlers;
	struct event *notify_ev;	/* handlers have installs for the flow table */
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
		/* upcall-buffer: what a burst of misses may queue before the kernel drops them. */
		int ret = open_sock(&up->socks[i], true, up->d->cfg.upcall_buffer);

		if (ret)
			return ret;
		up->n_socks++;
	}
	return 0;
}

static void close_upcall_socks(struct upcall *up)
{
	for (size_t i = 0; i < up->n_socks; i++)
		ctf_nlsock_close(up->socks[i]);
	free(up->socks);
	up->socks = NULL;
	up->n_socks = 0;
}

static int nlfail(struct ctf_err *err, int ret, const struct ctf_err *nerr, const char *what,
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
	struct ctf_err nerr;
	uint32_t *pids;
	int ret;

	ctf_err_clear(&nerr);
	if (!up->d->cfg.force_per_vport) {
		ret = open_upcall_socks(up, slots);
		if (ret)
			return ctf_err_setn(err, ret, "cannot open %u upcall sockets: %s", slots,
					    strerror(-ret));
		pids = ctf_xmalloc(slots * sizeof(*pids));
		for (unsigned i = 0; i < slots; i++)
			pids[i] = ctf_nlsock_portid(up->socks[i]);
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

/* Tell the kernel where upcalls go: our sockets' port ids, per CPU or per vport. */
static int announce_dispatch(struct upcall *up, struct ctf_err *nerr)
{
	struct ctf_dp_ref ref = { .dp_ifindex = up->dp_ifindex };
	uint32_t want = OVS_DP_F_UNALIGNED |
			(up->per_cpu ? OVS_DP_F_DISPATCH_UPCALL_PER_CPU : OVS_DP_F_VPORT_PIDS);
	uint32_t *pids = ctf_xmalloc(up->n_socks * sizeof(*pids));
	int ret;

	for (size_t i = 0; i < up->n_socks; i++)
		pids[i] = ctf_nlsock_portid(up->socks[i]);
	ret = ctf_dp_set(up->ctl, &ref, want, up->per_cpu ? pids : NULL,
			 up->per_cpu ? up->n_socks : 0, NULL, nerr);
	free(pids);
	return ret;
}

/*
 * The datapath was deleted under us (ovs-dpctl del-dp): make it again, with
 * the same upcall sockets, the ports at their old numbers (so that the
 * policy's in_port and output numbers stay right) and no flows.
 */
static int recover_datapath(struct upcall *up)
{
	struct ctflowd *d = up->d;
	struct ctf_dp_info info;
	struct ctf_err nerr;
	struct ctf_err err;
	int ret;

	log_warnx("upcall: datapath %s is gone (deleted by another program): creating it again",
		  d->cfg.datapath);
	ctf_err_clear(&nerr);
	ret = ctf_dp_create(up->ctl, d->cfg.datapath, 0, &info, &nerr);
	if (ret && ret != -EEXIST) {
		log_warnx("upcall: cannot create datapath %s: %s%s%s", d->cfg.datapath,
			  strerror(-ret), nerr.msg[0] ? ": " : "", nerr.msg);
		return ret;
	}
	if (ret == -EEXIST) {
		struct ctf_dp_ref ref = { .name = d->cfg.datapath };

		ret = ctf_dp_get(up->ctl, &ref, &info, &nerr);
		if (ret)
			return ret;
	}
	up->dp_ifindex = info.dp_ifindex;
	atomic_store(&up->sh.dp_ifindex, info.dp_ifindex);
	ret = announce_dispatch(up, &nerr);
	if (ret) {
		log_warnx("upcall: %s: cannot set up upcalls again: %s", d->cfg.datapath,
			  strerror(-ret));
		return ret;
	}
	ctf_err_clear(&err);
	ret = upcall_sync_ports(up, &d->cfg, &err);
	/* The old datapath took its flows along. */
	for (struct flowtab_entry *e = flowtab_next(&up->flows, NULL); e;
	     e = flowtab_next(&up->flows, e))
		flowtab_remove(&up->flows, e);
	atomic_store(&up->sh.flows, 0);
	log_info("upcall: datapath %s created again: %zu ports attached, upcalls %s",
		 d->cfg.datapath, up->n_ports ? up->n_ports - 1 : 0, upcall_mode(up));
	return ret;
}

/*
 * Once per revalidation pass: is the datapath still there, and still
 * sending its upcalls to us? Another program may have deleted it, or
 * changed its dispatch features (ovs-dpctl switches an existing datapath to
 * per-CPU when it opens it): put back what is ours.
 */
void upcall_check_dispatch(struct upcall *up)
{
	struct ctf_dp_ref ref = { .dp_ifindex = up->dp_ifindex };
	struct ctf_dp_info info;
	struct ctf_err nerr;
	bool ok;
	int ret;

	ret = ctf_dp_get(up->ctl, &ref, &info, &nerr);
	if (ret == -ENODEV || ret == -ENOENT) {
		recover_datapath(up);
		return;
	}
	if (ret)
		return;
	if (up->per_cpu)
		ok = (info.user_features & OVS_DP_F_DISPATCH_UPCALL_PER_CPU) &&
		     info.n_per_cpu_pids == up->n_socks &&
		     info.per_cpu_pid0 == ctf_nlsock_portid(up->socks[0]);
	else
		ok = !(info.user_features & OVS_DP_F_DISPATCH_UPCALL_PER_CPU);
	if (ok)
		return;
	log_warnx("upcall: %s: upcall dispatch changed by another program: restoring %s",
		  up->d->cfg.datapath, upcall_mode(up));
	ret = announce_dispatch(up, &nerr);
	if (ret)
		log_warnx("upcall: %s: cannot restore upcall dispatch: %s", up->d->cfg.datapath,
			  strerror(-ret));
}

/* The upcall PIDs a vport gets: in per-CPU mode they are ignored (use 0). */
static uint32_t vport_pid(const struct upcall *up)
{
	return up->per_cpu ? 0 : ctf_nlsock_portid(up->socks[0]);
}

static int collect_port(const struct ctf_vport_info *info, void *arg)
{
	struct upcall *up = arg;

	up->ports = ctf_xrealloc(up->ports, (up->n_ports + 1) * sizeof(*up->ports));
	up->ports[up->n_ports++] = *info;
	ctf_portmap_add(&up->known, info->port_no, info->name);
	return 0;
}

static int refresh_ports(struct upcall *up)
{
	free(up->ports);
	up->ports = NULL;
	up->n_ports = 0;
	return ctf_vport_dump(up->ctl, up->dp_ifindex, collect_port, up, NULL);
}

static bool listed(const struct conf *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_ports; i++)
		if (!strcmp(cfg->ports[i], name))
			return true;
	return false;
}

int upcall_sync_ports(struct upcall *up, const struct conf *cfg, struct ctf_err *err)
{
	const struct conf *old = &up->d->cfg;
	uint32_t pid = vport_pid(up);
	struct ctf_err nerr;
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
		uint32_t before;

		/* A port that was here before comes back under its number: the rules use it. */
		if (!ctf_portmap_lookup_name(&up->known, cfg->ports[i], &before))
			req.port_no = before;

		ret = ctf_vport_get(up->ctl, up->dp_ifindex, cfg->ports[i], 0, &info, &nerr);
		if (!ret) {
			/* Already attached (a restart): point its upcalls at us. */
			req.type = 0;
			ret = ctf_vport_set(up->ctl, up->dp_ifindex, &req, &info, &nerr);
		} else {
			ret = ctf_vport_new(up->ctl, up->dp_ifindex, &req, &info, &nerr);
			if ((ret == -EBUSY || ret == -EEXIST || ret == -EFBIG) &&
			    req.port_no != CTF_VPORT_NO_ANY) {
				/* Its old number is taken: any will do (a reload re-resolves the rules). */
				req.port_no = CTF_VPORT_NO_ANY;
				ret = ctf_vport_new(up->ctl, up->dp_ifindex, &req, &info, &nerr);
			}
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

static void watch_links(struct upcall *up);

struct upcall *upcall_open(struct ctflowd *d, struct ctf_err *err)
{
	struct upcall *up = ctf_xzalloc(sizeof(*up));
	struct ctf_dp_ref ref = { .name = d->cfg.datapath };
	struct ctf_dp_info info;
	struct ctf_err nerr;
	int ret;

	up->d = d;
	up->sh.notify_fd = -1;
	flowtab_init(&up->flows);
	ctf_portmap_init(&up->known);
	ctf_err_clear(&nerr);
	ret = open_sock(&up->ctl, false, CTL_RCVBUF);
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
	watch_links(up);
	return up;
fail:
	upcall_close(up);
	return NULL;
}

/* ---- ports whose devices come and go -------------------------------------------- */

static bool attached(const struct upcall *up, const char *name)
{
	for (size_t i = 0; i < up->n_ports; i++)
		if (!strcmp(up->ports[i].name, name))
			return true;
	return false;
}

/*
 * Attach the configured ports that are not attached and whose device
 * exists: a device deleted and made again loses its vport with it. Called
 * on the kernel's link notifications and, as a safety net, at every
 * revalidation pass.
 */
void upcall_check_ports(struct upcall *up)
{
	const struct conf *cfg = &up->d->cfg;
	struct ctf_err err;
	bool missing = false;

	if (refresh_ports(up))
		return;
	for (size_t i = 0; i < cfg->n_ports && !missing; i++)
		missing = !attached(up, cfg->ports[i]) && if_nametoindex(cfg->ports[i]);
	if (!missing)
		return;
	ctf_err_clear(&err);
	if (upcall_sync_ports(up, cfg, &err))
		log_warnx("upcall: %s: %s", cfg->datapath, err.msg);
}

struct link_event {
	struct upcall *up;
	bool check;
};

static int link_attr_cb(const struct nlattr *a, void *data)
{
	const char **name = data;

	if (mnl_attr_get_type(a) == IFLA_IFNAME && !mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
		*name = mnl_attr_get_str(a);
	return MNL_CB_OK;
}

static int link_msg(const struct nlmsghdr *nlh, void *arg)
{
	struct link_event *le = arg;
	const struct conf *cfg = &le->up->d->cfg;
	const char *name = NULL;

	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return MNL_CB_OK;
	ctf_attr_walk(nlh, sizeof(struct ifinfomsg), link_attr_cb, &name);
	for (size_t i = 0; name && i < cfg->n_ports; i++) {
		if (strcmp(cfg->ports[i], name))
			continue;
		if (nlh->nlmsg_type == RTM_DELLINK)
			log_warnx("upcall: %s: port %s: its device was deleted: it is attached again when it returns",
				  cfg->datapath, name);
		le->check = true;
	}
	return MNL_CB_OK;
}

static void on_link(evutil_socket_t fd, short what, void *arg)
{
	struct link_event le = { arg, false };
	char buf[16384];

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0) {
			if (errno == ENOBUFS) {
				le.check = true;	/* events were lost: look for ourselves */
				continue;
			}
			break;
		}
		mnl_cb_run(buf, (size_t)n, 0, 0, link_msg, &le);
	}
	if (le.check)
		upcall_check_ports(le.up);
}

/* Link notifications, so that a port whose device comes back is attached at once. */
static void watch_links(struct upcall *up)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (!nl || mnl_socket_bind(nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID)) {
		log_warn("upcall: cannot watch link changes (ports are checked every pass instead)");
		if (nl)
			mnl_socket_close(nl);
		return;
	}
	up->links = nl;
	up->links_ev = event_new(up->d->base, mnl_socket_get_fd(nl), EV_READ | EV_PERSIST, on_link,
				 up);
	event_add(up->links_ev, NULL);
}

/* ---- the handler threads ------------------------------------------------------ */

unsigned upcall_default_handlers(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		n = 1;
	return n > UPCALL_MAX_DEFAULT_HANDLERS ? UPCALL_MAX_DEFAULT_HANDLERS : (unsigned)n;
}

/* A flow a handler installed: into the table the revalidator keeps. */
static void absorb_one(const struct handler_install *rec, void *arg)
{
	struct upcall *up = arg;
	struct flowtab_entry *e = flowtab_insert(&up->flows, &rec->ufid);
	struct policy *pol = up->d->pol;
	struct policy_rule *r;

	if (e->installed_ms)
		return;	/* known already (a second install of the same megaflow) */
	e->rule_id = rec->rule_id;
	e->installed_ms = rec->ms ? rec->ms : 1;
	/* The rule may already be gone from the running policy; the next sweep recounts. */
	r = rec->rule_id ? policy_find_id(pol, rec->rule_id) : pol->deflt;
	if (r)
		r->flows++;
}

size_t upcall_absorb(struct upcall *up)
{
	size_t n = 0;

	for (size_t i = 0; i < up->n_handlers; i++)
		n += handler_drain(up->handlers[i], absorb_one, up);
	atomic_store(&up->sh.flows, flowtab_count(&up->flows));
	up->d->st.flows_current = flowtab_count(&up->flows);
	return n;
}

static void on_notify(evutil_socket_t fd, short what, void *arg)
{
	struct upcall *up = arg;
	uint64_t v;

	if (read(fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		log_warn("upcall: reading the handlers' notification");
	upcall_absorb(up);
}

void upcall_configure(struct upcall *up, const struct conf *cfg)
{
	upcall_set_flow_limit(up, cfg->flow_limit);
}

void upcall_set_flow_limit(struct upcall *up, unsigned limit)
{
	atomic_store(&up->sh.flow_limit, limit);
}

bool upcall_handler_cpus(const cpu_set_t *allowed, const cpu_set_t *owned, cpu_set_t *out)
{
	CPU_ZERO(out);
	for (size_t cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, allowed) && !CPU_ISSET(cpu, owned))
			CPU_SET(cpu, out);
	return CPU_COUNT(out) > 0;
}

int upcall_start(struct upcall *up, unsigned n_threads, struct ctf_err *err)
{
	struct ctflowd *d = up->d;
	cpu_set_t allowed, owned, cpus;
	/* Per-CPU dispatch: socket i carries the upcalls made on CPU i. */
	const bool place = up->per_cpu && !sched_getaffinity(0, sizeof(allowed), &allowed);
	size_t n_placed = 0;

	if (n_threads == 0)
		n_threads = upcall_default_handlers();
	if (n_threads > up->n_socks)
		n_threads = (unsigned)up->n_socks;	/* per-vport: one socket, one thread */
	snprintf(up->sh.datapath, sizeof(up->sh.datapath), "%s", d->cfg.datapath);
	up->sh.dp_ifindex = up->dp_ifindex;
	up->sh.fam_flow = up->fam_flow;
	up->sh.fam_packet = up->fam_packet;
	up->sh.policy = &d->live;
	up->sh.rcu = d->rcu;
	up->sh.log_rate = &d->upcall_log;
	upcall_configure(up, &d->cfg);
	up->sh.notify_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (up->sh.notify_fd < 0)
		return ctf_err_setn(err, -errno, "cannot create an eventfd: %s", strerror(errno));
	up->notify_ev = event_new(d->base, up->sh.notify_fd, EV_READ | EV_PERSIST, on_notify, up);
	event_add(up->notify_ev, NULL);

	up->handlers = ctf_xzalloc(n_threads * sizeof(*up->handlers));
	for (unsigned t = 0; t < n_threads; t++) {
		/* Thread t owns sockets t, t + n, t + 2n, ...: CPU slots spread evenly. */
		size_t n_mine = 0;
		struct ctf_nlsock **mine = ctf_xmalloc(up->n_socks * sizeof(*mine));
		struct handler *h;
		bool placed;

		CPU_ZERO(&owned);
		for (size_t i = t; i < up->n_socks; i += n_threads) {
			mine[n_mine++] = up->socks[i];
			if (i < CPU_SETSIZE)
				CPU_SET(i, &owned);
		}
		placed = place && upcall_handler_cpus(&allowed, &owned, &cpus);
		n_placed += placed;
		h = handler_start(&up->sh, t, mine, n_mine, placed ? &cpus : NULL, err);
		free(mine);
		if (!h)
			return -EIO;
		up->handlers[up->n_handlers++] = h;
	}
	log_info("upcall: %s: %zu handler thread%s over %zu upcall socket%s%s", d->cfg.datapath,
		 up->n_handlers, up->n_handlers == 1 ? "" : "s", up->n_socks,
		 up->n_socks == 1 ? "" : "s",
		 n_placed ? ", each off the CPUs whose upcalls it reads" : "");
	return 0;
}

size_t upcall_n_handlers(const struct upcall *up)
{
	return up->n_handlers;
}

void upcall_stats(const struct upcall *up, struct handler_stats *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (size_t i = 0; i < up->n_handlers; i++)
		handler_stats_add(up->handlers[i], sum);
}

void upcall_close(struct upcall *up)
{
	if (!up)
		return;
	/* Threads first: they read the sockets closed below. */
	for (size_t i = 0; i < up->n_handlers; i++)
		handler_stop(up->handlers[i]);
	free(up->handlers);
	if (up->notify_ev)
		event_free(up->notify_ev);
	if (up->sh.notify_fd >= 0)
		close(up->sh.notify_fd);
	close_upcall_socks(up);
	if (up->links_ev)
		event_free(up->links_ev);
	if (up->links)
		mnl_socket_close(up->links);
	if (up->ctl)
		ctf_nlsock_close(up->ctl);
	flowtab_destroy(&up->flows);
	ctf_portmap_free(&up->known);
	free(up->ports);
	free(up);
}
