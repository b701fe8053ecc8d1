/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one place for kernel ABI constants that are newer than the
 * <linux/openvswitch.h> we build against (Debian 12 ships the 6.1 header).
 * Each is guarded so that a newer header wins, and says which kernel added it.
 */
#ifndef CTFLOW_COMPAT_H
#define CTFLOW_COMPAT_H

#include <linux/openvswitch.h>

/* Linux 6.6: explicit drop action carrying a u32 reason; must be last. */
#ifndef OVS_ACTION_ATTR_DROP
#define OVS_ACTION_ATTR_DROP 24
#endif
/* Linux 6.11: psample action (nested OVS_PSAMPLE_ATTR_*). */
#ifndef OVS_ACTION_ATTR_PSAMPLE
#define OVS_ACTION_ATTR_PSAMPLE 25
#define OVS_PSAMPLE_ATTR_GROUP 1
#define OVS_PSAMPLE_ATTR_COOKIE 2
#define OVS_PSAMPLE_COOKIE_MAX_SIZE 16
#endif
/* Highest action type this build knows how to name. */
#define CTF_ACTION_ATTR_MAX 25

/* Linux 6.2: per-vport upcall success/failure counters. */
#ifndef OVS_VPORT_ATTR_UPCALL_STATS
#define OVS_VPORT_ATTR_UPCALL_STATS 10
#define OVS_VPORT_UPCALL_ATTR_SUCCESS 0
#define OVS_VPORT_UPCALL_ATTR_FAIL 1
#endif

/* Linux 6.15-ish: EXECUTE may name the PID for misses it causes. */
#ifndef OVS_PACKET_ATTR_UPCALL_PID
#define OVS_PACKET_ATTR_UPCALL_PID 12
#endif

/* DP_MAX_PORTS is kernel-internal: port numbers are 0..65534. */
#define CTF_DP_MAX_PORTS 65535u

/* Merged ct_state bits (the 2015 seed patch numbered these differently). */
#define CTF_CS_SUPPORTED_MASK 0xffu

#endif
