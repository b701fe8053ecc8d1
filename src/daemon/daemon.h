/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The state of one ctflowd: the running configuration and policy, the port
 * map of the datapath, the control socket, the upcall handler and the
 * revalidator, and the counters `ctflow daemon-show` prints.
 *
 * Everything runs in one libevent loop, so no locking: a control request,
 * an upcall batch and a revalidation pass never interleave.
 */
#ifndef CTFLOWD_DAEMON_H
#define CTFLOWD_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

#include "ctflow/flowtext.h"
#include "conf.h"
#include "policy.h"
#include "ratelimit.h"

struct event_base;
struct ctl_server;
struct ctl_handler;
struct upcall;
struct revalidator;

struct ctflowd_stats {
	uint64_t upcalls_handled;
	uint64_t upcalls_lost;		/* ENOBUFS on an upcall socket */
	uint64_t flows_installed;
	uint64_t flows_expired;		/* deleted for idleness */
	uint64_t flows_removed;		/* deleted because the policy changed */
	uint64_t flows_current;
	uint64_t flow_limit_hits;
};

struct ctflowd {
	struct event_base *base;
	const char *conf_path;
	const char *sock_path;
	struct ctf_config cfg;		/* running configuration */
	struct ctf_policy pol;		/* built from cfg, plus add-rule/del-rule */
	struct ctf_portmap ports;	/* real port numbers once the datapath is open */
	struct ctl_server *ctl;
	struct upcall *up;		/* NULL without a datapath */
	struct revalidator *rv;		/* NULL without a datapath */
	struct ctf_ratelimit upcall_log;
	struct ctflowd_stats st;
	uint64_t start_ms;
	uint64_t reloads;
	uint64_t policy_gen;		/* bumped on every rule change */
};

/* The control messages ctflowd answers (daemon.c). */
extern const struct ctl_handler *const ctflowd_ctl_handlers;
extern const size_t ctflowd_n_ctl_handlers;

/*
 * Turn a parsed configuration into the running one: resolve port names,
 * build the policy. On failure nothing changes and @err says why.
 */
int ctflowd_apply_config(struct ctflowd *d, struct ctf_config *cfg, struct ctf_err *err);
/* SIGHUP / `ctflow reload`: re-read conf_path; keep the old config when it is bad. */
int ctflowd_reload(struct ctflowd *d, struct ctf_err *err);
/* The rules changed: flows decided by the old rules must be checked again. */
void ctflowd_policy_changed(struct ctflowd *d);
/* "per-cpu", "per-vport" or "none". */
const char *ctflowd_mode(const struct ctflowd *d);

#endif
