/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Datapath flows: what the kernel reports about one flow, how it is printed
 * (ovs-dpctl's dump-flows line), the line format of flow files, and
 * the kernel operations (OVS_FLOW_CMD_NEW/SET/DEL/GET and dumps, single or
 * batched) in src/nl/flow.c.
 */
#ifndef CTFLOW_FLOW_H
#define CTFLOW_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#include "ctflow/flowtext.h"
#include "ctflow/util.h"

/*
 * One flow as the kernel describes it in an OVS_FLOW_CMD_* reply or dump
 * entry. The key/mask/actions pointers point into the received message and
 * are valid only during the callback that hands the struct out.
 */
struct ctf_flow_info {
	bool has_ufid;
	struct ctf_ufid ufid;
	const void *key;	/* masked key (OVS_KEY_ATTR_* stream) */
	size_t key_len;
	const void *mask;	/* NULL: exact match on every key attribute */
	size_t mask_len;
	bool has_actions;	/* false when the kernel left ACTIONS out */
	const void *actions;
	size_t actions_len;
	uint64_t packets;
	uint64_t bytes;
	uint64_t used_ms;	/* kernel CLOCK_MONOTONIC ms of last use; 0 = never */
	uint16_t tcp_flags;	/* OR of the TCP flags seen (FIN 0x01 .. CWR 0x80) */
	uint8_t cmd;		/* OVS_FLOW_CMD_* of the message */
};

/*
 * Decode an ovs_flow generic-netlink message (nlmsghdr + genlmsghdr +
 * ovs_header + attributes). Returns 0, or -EINVAL for a malformed message
 * (bad attribute lengths), never reading past nlh->nlmsg_len.
 */
int ctf_flow_info_parse(const struct nlmsghdr *nlh, struct ctf_flow_info *info);

/*
 * dump-flows filter=: does the flow (masked @key, @mask; NULL mask = exact)
 * match the filter (@fkey, @fmask; NULL = exact)? Bits are compared where
 * both masks are set, so a field the flow wildcards matches any filter
 * value, as in ovs-dpctl; attributes absent from the flow are wildcards.
 * Nested keys (encap, tunnel, nsh) are compared recursively.
 */
bool ctf_flow_filter_match(const void *key, size_t key_len, const void *mask, size_t mask_len,
			   const void *fkey, size_t fkey_len, const void *fmask, size_t fmask_len);

/* CLOCK_MONOTONIC in milliseconds: the clock the kernel's USED stamps use. */
uint64_t ctf_monotonic_ms(void);

/* tcpdump-style flag letters in ovs-dpctl's order: S F P R U . E C N. */
void ctf_tcp_flags_format(uint16_t flags, struct ctf_str *out);

/* "packets:N, bytes:N, used:never|S.SSSs[, flags:X]" (what -s prints). */
void ctf_flow_stats_format(const struct ctf_flow_info *f, uint64_t now_ms, struct ctf_str *out);

/*
 * The dump-flows line, without newline:
 *   [ufid:U, ]KEY, packets:N, bytes:N, used:X[, flags:F][, dp:ovs], actions:A
 * The ufid and "dp:ovs" appear only with CTF_FMT_VERBOSE, as in ovs-dpctl -m.
 */
void ctf_flow_format(const struct ctf_flow_info *f, uint64_t now_ms,
		     const struct ctf_portmap *ports, unsigned fmt_flags, struct ctf_str *out);

/* ---- flow files (add-flows / mod-flows / del-flows FILE) ------------- */

enum ctf_bulk_verb {
	CTF_BULK_ADD,
	CTF_BULK_MODIFY,
	CTF_BULK_DELETE,
};

/* One parsed line; the strings point into the (modified) line buffer. */
struct ctf_bulk_line {
	enum ctf_bulk_verb verb;
	bool has_ufid;
	struct ctf_ufid ufid;
	const char *flow;	/* key text after any "ufid:U," prefix; may be "" */
	const char *actions;	/* NULL for delete */
};

/*
 * Parse one line of a flow file in place: "[add|modify|delete] FLOW [ACTIONS]".
 * "#" starts a comment; FLOW is the first whitespace-free token (optionally
 * "ufid:U," + key), ACTIONS the rest of the line. Returns 1 for a line that
 * holds an entry, 0 for a blank/comment line, or a negative errno with @err
 * set (missing actions for add/modify, actions on delete, bad ufid).
 */
int ctf_bulk_parse_line(char *line, enum ctf_bulk_verb default_verb,
			struct ctf_bulk_line *out, struct ctf_err *err);

const char *ctf_bulk_verb_name(enum ctf_bulk_verb verb);

/*
 * Split an optional "ufid:UUID" prefix off a flow argument. Returns 0 with
 * *rest pointing at the key text (after one "," or blanks), setting
 * *has_ufid; or a negative errno with @err set for a malformed ufid.
 */
int ctf_flow_split_ufid(const char *text, struct ctf_ufid *ufid, bool *has_ufid,
			const char **rest, struct ctf_err *err);

/*
 * A UFID derived from the key and mask bytes: the same match always gets the
 * same UFID. ctflowd names its megaflows this way; the ctflow commands send
 * a UFID only when the user gives one, as ovs-dpctl does.
 */
void ctf_ufid_from_match(const void *key, size_t key_len, const void *mask, size_t mask_len,
			 struct ctf_ufid *ufid);

/* ---- kernel operations (src/nl/flow.c) -------------------------------- */

struct ctf_nlsock;
struct ctf_nlbatch;

enum ctf_flow_op {
	CTF_FLOW_CREATE,		/* NEW + NLM_F_CREATE: -EEXIST if it exists */
	CTF_FLOW_MODIFY,		/* SET: -ENOENT if it does not exist */
	CTF_FLOW_CREATE_OR_MODIFY,	/* NEW without CREATE (mod-flow --may-create) */
	CTF_FLOW_DELETE,		/* DEL by UFID or key */
	CTF_FLOW_GET,			/* GET by UFID or key */
};

/*
 * What to send. A flow is addressed by @ufid when given (flows installed with
 * a UFID can only be found that way), else by its exact original key bytes.
 */
struct ctf_flow_req {
	const struct ctf_ufid *ufid;	/* NULL: none */
	const void *key;		/* NULL/0: none (DEL/GET by UFID) */
	size_t key_len;
	const void *mask;		/* NULL: exact match on the key */
	size_t mask_len;
	bool has_actions;		/* NEW needs them; SET without keeps the old */
	const void *actions;
	size_t actions_len;
	bool clear;			/* SET: zero stats, used and tcp_flags */
	bool probe;			/* ask the kernel not to log failures */
	uint32_t ufid_flags;		/* OVS_UFID_F_OMIT_* for the reply */
};

/* Return 0 to go on, a negative errno to stop (the operation returns it). */
typedef int (*ctf_flow_cb)(const struct ctf_flow_info *info, void *arg);

/*
 * One operation with its ACK. @cb (may be NULL) receives the kernel's view of
 * the flow (for SET with clear: the stats from before clearing); the request
 * asks for an echo only when @cb is given. Returns 0 or -errno, with the
 * kernel's extended-ACK text in @err (may be NULL).
 */
int ctf_flow_op(struct ctf_nlsock *sock, int dp_ifindex, enum ctf_flow_op op,
		const struct ctf_flow_req *req, ctf_flow_cb cb, void *arg, struct ctf_err *err);

/* Delete every flow of the datapath (DEL with neither key nor UFID). */
int ctf_flow_flush(struct ctf_nlsock *sock, int dp_ifindex, struct ctf_err *err);

/*
 * Dump every flow, calling @cb for each as the messages arrive: nothing is
 * accumulated, so memory use is flat in the number of flows.
 */
int ctf_flow_dump(struct ctf_nlsock *sock, int dp_ifindex, uint32_t ufid_flags,
		  ctf_flow_cb cb, void *arg, struct ctf_err *err);

/*
 * Append one operation to @batch (see nlsock.h). @family is the ovs_flow
 * family id (ctf_nlsock_family()). Returns the request's index in the batch,
 * -ENOSPC when it does not fit (send the batch and add again), or -EMSGSIZE
 * if the flow is too big for any batch.
 */
int ctf_flow_batch_add(struct ctf_nlbatch *batch, uint16_t family, int dp_ifindex,
		       enum ctf_flow_op op, const struct ctf_flow_req *req);

#endif
