/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The control protocol between ctflow (the CLI) and ctflowd, over the stream
 * socket /run/ctflow/ctflowd.sock. Every message is a 16-byte header of four
 * host-order u32 (both ends run on one host) followed by a payload:
 *
 *   type   enum ctf_ctl_type
 *   len    header + payload, at most CTF_CTL_MAX_MSG
 *   seq    chosen by the client, echoed in every reply to that request
 *   flags  0 (reserved)
 *
 * A request that changes something is answered by one RESULT; a show or
 * dump request by zero or more records and then END (or a RESULT if it was
 * refused). Strings in payloads are NUL-terminated and counted in len.
 * The daemon closes a client that sends a header with len < 16 or
 * len > CTF_CTL_MAX_MSG, since nothing after such a header can be framed.
 */
#ifndef CTFLOW_CTL_H
#define CTFLOW_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifndef RUNSTATEDIR
#define RUNSTATEDIR "/run"
#endif
#define CTF_CTL_SOCKET RUNSTATEDIR "/ctflow/ctflowd.sock"
#define CTF_CTL_MAX_MSG 65536u

struct ctf_ctl_hdr {
	uint32_t type;
	uint32_t len;
	uint32_t seq;
	uint32_t flags;
};

enum ctf_ctl_type {
	CTF_CTL_NONE = 0,
	CTF_CTL_RESULT = 1,	/* struct ctf_ctl_result + message text */
	CTF_CTL_END = 2,	/* ends a dump/show reply */
	CTF_CTL_ADD_RULE = 10,	/* struct ctf_ctl_rule_req + "match\0actions\0" */
	CTF_CTL_DEL_RULE = 11,	/* struct ctf_ctl_rule_req + "match\0" */
	CTF_CTL_DUMP_RULES = 12,	/* no payload; replies RULE... END */
	CTF_CTL_RULE = 13,	/* struct ctf_ctl_rule_rec + "match\0actions\0" */
	CTF_CTL_RELOAD = 14,	/* no payload; RESULT */
	CTF_CTL_SHOW = 15,	/* no payload; replies SHOW_REPLY END */
	CTF_CTL_SHOW_REPLY = 16,	/* struct ctf_ctl_show */
};

struct ctf_ctl_result {
	int32_t error;		/* 0 or a negative errno */
	/* followed by a NUL-terminated message ("" on success) */
};

struct ctf_ctl_rule_req {
	uint32_t priority;
};

struct ctf_ctl_rule_rec {
	uint32_t priority;
	uint32_t line;		/* line in ctflowd.conf; 0 = added over the socket */
	uint64_t hits;		/* upcalls this rule decided */
	uint64_t flows;		/* datapath flows currently installed for it */
	/* followed by "match\0actions\0"; the default action has match "" */
};

/*
 * The longest MATCH plus ACTIONS text a rule may have: its dump record
 * (header, struct ctf_ctl_rule_rec, both strings with their NULs) must fit
 * in one message, so that every rule that can be added can be dumped.
 */
#define CTF_CTL_MAX_RULE_TEXT \
	(CTF_CTL_MAX_MSG - sizeof(struct ctf_ctl_hdr) - sizeof(struct ctf_ctl_rule_rec) - 2)

struct ctf_ctl_show {
	char datapath[16];
	char mode[16];		/* "per-cpu", "per-vport" or "none" */
	uint64_t upcalls_handled;
	uint64_t upcalls_lost;
	uint64_t flows_installed;
	uint64_t flows_expired;
	uint64_t flows_current;
	uint64_t flow_limit;
	uint32_t rules;
	uint32_t ports;
	uint32_t idle_timeout_s;
	uint32_t megaflows;	/* 0 or 1 */
	uint64_t uptime_s;
	uint64_t reloads;
	uint32_t handler_threads;
	uint32_t reserved;
	uint64_t flows_removed;		/* deleted because the policy changed */
	uint64_t flow_limit_hits;	/* misses executed without a flow */
	uint64_t upcalls_truncated;	/* larger than the receive buffer: lost */
};

/*
 * Is a complete message at the front of @buf (@avail bytes)?
 * Returns its length (> 0), 0 if more bytes are needed, or -1 if the header
 * announces an impossible length (< header or > CTF_CTL_MAX_MSG).
 */
static inline long ctf_ctl_frame(const void *buf, size_t avail)
{
	struct ctf_ctl_hdr h;

	if (avail < sizeof(h))
		return 0;
	memcpy(&h, buf, sizeof(h));
	if (h.len < sizeof(h) || h.len > CTF_CTL_MAX_MSG)
		return -1;
	return avail >= h.len ? (long)h.len : 0;
}

/* The NUL-terminated string at @off of a payload, or NULL if it is not one. */
static inline const char *ctf_ctl_string(const void *payload, size_t len, size_t *off)
{
	const char *p = (const char *)payload + *off;
	const char *nul;

	if (*off >= len)
		return NULL;
	nul = (const char *)memchr(p, '\0', len - *off);
	if (!nul)
		return NULL;
	*off += (size_t)(nul - p) + 1;
	return p;
}

#endif
