/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Handler threads: the miss path of ctflowd, on every core.
 *
 * Each handler thread owns a share of the upcall sockets (per-CPU dispatch:
 * socket i goes to thread i mod n), a socket of its own for flow installs
 * and packet executes, and its own batch. For each wake-up it drains up to
 * UPCALL_BATCH misses from a socket, then for each miss
 *   decide   decode the key, classify against the running policy,
 *   install  OVS_FLOW_CMD_NEW of the megaflow (with UFID, without ACK),
 *   execute  OVS_PACKET_CMD_EXECUTE of the packet,
 * and sends all of it in one sendmsg().
 *
 * Nothing on that path takes a lock. The policy is read through an atomic
 * pointer under RCU (rcu.h): the thread is quiescent between batches and
 * offline while it sleeps. Counters are per thread and summed by the main
 * thread. The flows it installed travel to the main thread (which keeps the
 * flow table for the revalidator) through a single-producer ring, with an
 * eventfd to wake the main loop.
 */
#ifndef CTFLOWD_HANDLER_H
#define CTFLOWD_HANDLER_H

#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctflow/flowtext.h"
#include "ctflow/util.h"

struct ctf_nlsock;
struct policy;
struct ratelimit;
struct rcu;
struct handler;

#define UPCALL_BATCH 64

/* What every handler reads; owned by the upcall module. */
struct handler_shared {
	char datapath[16];			/* for log lines */
	_Atomic int dp_ifindex;			/* changes if the datapath is made again */
	uint16_t fam_flow, fam_packet;
	_Atomic(struct policy *) *policy;	/* the running policy (RCU) */
	struct rcu *rcu;
	struct ratelimit *log_rate;		/* upcall log lines */
	_Atomic unsigned int flow_limit;
	_Atomic uint64_t flows;			/* datapath flows, as far as we know */
	int notify_fd;				/* eventfd: installs are waiting in a ring */
};

/* A flow a handler installed, for the main thread's flow table. */
struct handler_install {
	struct ctf_ufid ufid;
	uint64_t rule_id;	/* 0: the default action */
	uint64_t ms;		/* when */
};

struct handler_stats {
	uint64_t handled;	/* misses decided */
	uint64_t lost;		/* receive buffer overflows (ENOBUFS) */
	uint64_t installed;	/* flow installs sent */
	uint64_t limit_hits;	/* misses executed without a flow: at the flow limit */
	uint64_t ring_full;	/* installs the main thread was not told of */
	uint64_t batches;	/* wake-ups with work */
	uint64_t truncated;	/* upcalls larger than the receive buffer: lost */
	uint64_t foreign;	/* messages not from the kernel: ignored */
};

/*
 * Start handler thread @idx reading @socks (borrowed: they outlive the
 * thread), on @cpus unless that is NULL (upcall_handler_cpus()). Opens
 * its execute socket. NULL with @err on failure.
 */
struct handler *handler_start(struct handler_shared *sh, unsigned idx, struct ctf_nlsock **socks,
			      size_t n_socks, const cpu_set_t *cpus, struct ctf_err *err);
/* Stop and join the thread, and free it. */
void handler_stop(struct handler *h);
/* Main thread: hand every waiting install record to @fn. */
size_t handler_drain(struct handler *h, void (*fn)(const struct handler_install *, void *),
		     void *arg);
/* Add this thread's counters to @sum. */
void handler_stats_add(const struct handler *h, struct handler_stats *sum);

/* Bytes of memory one handler thread holds besides its stack (for RESULTS.md and the man page). */
size_t handler_footprint(void);

#endif
