/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The upcall path: open (or create) the datapath, attach the configured
 * ports, receive OVS_PACKET_CMD_MISS upcalls in batches, classify them,
 * install one megaflow per distinct decision and execute each packet.
 *
 * Dispatch mode: per-CPU (one socket per possible CPU, announced with
 * OVS_DP_ATTR_PER_CPU_PIDS) when the kernel offers it, else per-vport
 * (one socket whose port id is every vport's upcall PID).
 */
#ifndef CTFLOWD_UPCALL_H
#define CTFLOWD_UPCALL_H

#include "ctflow/flowtext.h"
#include "conf.h"
#include "flowtab.h"

struct ctflowd;
struct upcall;
struct ctf_nlsock;

#define UPCALL_BATCH 64

/* Open the datapath of d->cfg and start receiving. NULL with @err on failure. */
struct upcall *upcall_open(struct ctflowd *d, struct ctf_err *err);
void upcall_close(struct upcall *up);
const char *upcall_mode(const struct upcall *up);
int upcall_dp_ifindex(const struct upcall *up);
/* The socket for flow requests (dumps, deletes) - not an upcall socket. */
struct ctf_nlsock *upcall_ctl_sock(struct upcall *up);
struct flowtab *upcall_flows(struct upcall *up);

/* Attach the ports @cfg lists and are not attached yet; detach the ones it dropped. */
int upcall_sync_ports(struct upcall *up, const struct ctf_config *cfg, struct ctf_err *err);
/* Name <-> number of the datapath's ports (the caller frees @map). */
void upcall_portmap(const struct upcall *up, struct ctf_portmap *map);

/* Re-announce our dispatch mode if another program changed it (revalidator). */
void upcall_check_dispatch(struct upcall *up);

/* Number of CPU slots for OVS_DP_ATTR_PER_CPU_PIDS: max(configured, highest id + 1). */
unsigned upcall_cpu_slots(void);

#endif
