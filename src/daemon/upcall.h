/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The datapath side of ctflowd: open (or create) the datapath, attach the
 * configured ports, open the upcall sockets and run the handler threads
 * (handler.h) that resolve the misses arriving on them.
 *
 * Dispatch mode: per-CPU (one socket per possible CPU, announced with
 * OVS_DP_ATTR_PER_CPU_PIDS) when the kernel offers it, else per-vport
 * (one socket whose port id is every vport's upcall PID, read by one
 * handler thread).
 *
 * Everything here but the handler threads runs on the main thread, which
 * also owns the flow table: upcall_absorb() moves the handlers' install
 * records into it (on their notification, and before each revalidation).
 */
#ifndef CTFLOWD_UPCALL_H
#define CTFLOWD_UPCALL_H

#include <sched.h>
#include <stdbool.h>

#include "ctflow/flowtext.h"
#include "conf.h"
#include "flowtab.h"
#include "handler.h"

struct ctflowd;
struct upcall;
struct ctf_nlsock;

/*
 * The CPUs for the handler thread that reads the per-CPU upcall sockets of
 * the CPUs in @owned, out of those the daemon may use (@allowed): the
 * others. A socket's upcalls are made by the packet processing on its
 * CPU, which is busy making them when they are many; a handler that runs
 * there too takes turns with it, and when the flood comes from that one
 * CPU, the upcalls that arrive meanwhile overflow the socket. False (no
 * CPU would be left: run wherever @allowed says) or true with @out set.
 */
bool upcall_handler_cpus(const cpu_set_t *allowed, const cpu_set_t *owned, cpu_set_t *out);

/* Default handler threads: one per online CPU, at most this many. */
#define UPCALL_MAX_DEFAULT_HANDLERS 8u

/* Open the datapath of d->cfg and its upcall sockets. NULL with @err on failure. */
struct upcall *upcall_open(struct ctflowd *d, struct ctf_err *err);
/*
 * Start @n_threads handler threads (0: upcall_default_handlers(); never
 * more than there are upcall sockets). d->live must hold a policy.
 */
int upcall_start(struct upcall *up, unsigned n_threads, struct ctf_err *err);
/* Stop the threads, close everything. */
void upcall_close(struct upcall *up);
/* Settings the handlers read (flow-limit) after a reload. */
void upcall_configure(struct upcall *up, const struct conf *cfg);
/* The number of flows past which handlers execute misses without installing. */
void upcall_set_flow_limit(struct upcall *up, unsigned limit);

const char *upcall_mode(const struct upcall *up);
int upcall_dp_ifindex(const struct upcall *up);
/* The socket for flow requests (dumps, deletes) - not an upcall socket. */
struct ctf_nlsock *upcall_ctl_sock(struct upcall *up);
struct flowtab *upcall_flows(struct upcall *up);
/* Move the handlers' install records into the flow table. Returns how many. */
size_t upcall_absorb(struct upcall *up);
size_t upcall_n_handlers(const struct upcall *up);
/* The handlers' counters, summed. */
void upcall_stats(const struct upcall *up, struct handler_stats *sum);
unsigned upcall_default_handlers(void);

/* Attach the ports @cfg lists and are not attached yet; detach the ones it dropped. */
int upcall_sync_ports(struct upcall *up, const struct conf *cfg, struct ctf_err *err);
/* Name <-> number of the datapath's ports (the caller frees @map). */
void upcall_portmap(const struct upcall *up, struct ctf_portmap *map);

/*
 * Once per revalidation pass: create the datapath again if another program
 * deleted it (same sockets, ports at their old numbers), and re-announce our
 * dispatch mode if another program changed it.
 */
void upcall_check_dispatch(struct upcall *up);
/* Attach configured ports whose devices exist but are not attached (a device made again). */
void upcall_check_ports(struct upcall *up);

/* Number of CPU slots for OVS_DP_ATTR_PER_CPU_PIDS: max(configured, highest id + 1). */
unsigned upcall_cpu_slots(void);

#endif
