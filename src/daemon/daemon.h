/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The state of one ctflowd: the running configuration and policy, the
 * datapath and its handler threads, the control socket, the revalidator,
 * and the counters `ctflow daemon-show` prints.
 *
 * The main thread runs a libevent loop (control requests, reloads, the
 * revalidator, signals); it alone changes this state, so none of that
 * needs locks. The handler threads (handler.h) only read the running
 * policy, through d->live under RCU: a change builds a new policy beside
 * the running one and swaps the pointer, so misses are served throughout.
 */
#ifndef CTFLOWD_DAEMON_H
#define CTFLOWD_DAEMON_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "ctflow/flowtext.h"
#include "conf.h"
#include "policy.h"
#include "ratelimit.h"

struct event;
struct event_base;
struct control_server;
struct control_handler;
struct rcu;
struct upcall;
struct revalidator;

/* Counters of the main thread (the handlers keep their own: upcall_stats). */
struct daemon_stats {
	uint64_t flows_expired;		/* deleted for idleness */
	uint64_t flows_removed;		/* deleted because the policy changed */
	uint64_t flows_current;
};

struct ctflowd {
	struct event_base *base;
	const char *conf_path;
	const char *sock_path;
	struct conf cfg;		/* running configuration (its rules live in the policy) */
	struct policy *pol;		/* running policy, as the main thread sees it */
	_Atomic(struct policy *) live;	/* the same, for the handler threads */
	struct rcu *rcu;
	struct event *reclaim_ev;	/* frees replaced policies once no thread sees them */
	uint64_t next_id;		/* rule ids, never reused */
	uint64_t policy_gen;		/* bumped at every policy change (dumps notice it) */
	/* What changed since the last revalidation, and the grace period it waits for. */
	struct policy_change pending;
	uint64_t pending_gen;
	struct control_server *ctl;
	struct upcall *up;		/* NULL without a datapath */
	struct revalidator *rv;		/* NULL without a datapath */
	struct ratelimit upcall_log;
	struct daemon_stats st;
	uint64_t start_ms;
	uint64_t reloads;
};

/* The control messages ctflowd answers (daemon.c). */
extern const struct control_handler *const daemon_ctl_handlers;
extern const size_t daemon_n_ctl_handlers;

/* Set up the loop and RCU of an empty daemon state. */
void daemon_init(struct ctflowd *d);
/* Free what daemon_init and the policy hold (after the threads have stopped). */
void daemon_cleanup(struct ctflowd *d);

/*
 * Turn a parsed configuration into the running one: resolve port names,
 * build the policy beside the running one and swap it in. On failure
 * nothing changes and @err says why. @cfg is consumed on success.
 */
int daemon_apply_config(struct ctflowd *d, struct conf *cfg, struct ctf_err *err);
/* SIGHUP / `ctflow reload`: re-read conf_path; keep the old config when it is bad. */
int daemon_reload(struct ctflowd *d, struct ctf_err *err);
/*
 * Make @pol the running policy (taken over). The one it replaces is freed
 * once no handler can see it; the flows @chg can affect are revalidated
 * after that (@chg is emptied; may be NULL).
 */
void daemon_set_policy(struct ctflowd *d, struct policy *pol, struct policy_change *chg);
/* "per-cpu", "per-vport" or "none". */
const char *daemon_mode(const struct ctflowd *d);

#endif
