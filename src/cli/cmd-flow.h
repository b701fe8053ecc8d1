/* SPDX-License-Identifier: Apache-2.0 */
/* What the flow commands (cmd-flow.c) share with the flow-file commands (cmd-bulk.c). */
#ifndef CTFLOW_CMD_FLOW_H
#define CTFLOW_CMD_FLOW_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <net/if.h>
#include <libmnl/libmnl.h>

#include "ctflow/flow.h"
#include "ctflow/nlbuf.h"
#include "ctflow/nlsock.h"

/*
 * The bytes from attribute @a to @end, as the int that mnl_attr_ok() takes
 * (libmnl's iteration macros convert a ptrdiff_t silently). Our messages and
 * attribute buffers are at most CTF_NLBUF_MAX bytes; a count out of int's
 * range ends the walk instead of wrapping.
 */
static inline int attr_room(const void *end, const struct nlattr *a)
{
	ptrdiff_t n = (const char *)end - (const char *)a;

	return n >= INT_MIN && n <= INT_MAX ? (int)n : 0;
}

/* An open socket on one datapath, and its ports for --names. */
struct flow_cli {
	struct ctf_nlsock *sock;
	int dp_ifindex;
	char dp_name[IFNAMSIZ];
	bool have_ports;
	struct ctf_portmap ports;
};

/*
 * Open the socket and find the datapath: @dp_name, or the only one when
 * NULL. On failure prints "cannot <verb>: ..." and returns CLI_ERR.
 */
int flow_cli_open(struct flow_cli *fc, const char *dp_name, const char *verb);
void flow_cli_close(struct flow_cli *fc);
/* Load the port map (once); prints and returns CLI_ERR on failure. */
int flow_cli_load_ports(struct flow_cli *fc, const char *verb);
/* True if @name names an existing datapath (for "[DP] FILE" ambiguity). */
bool flow_cli_dp_exists(const char *name);

/* A flow given as text, parsed, validated and ready to send. */
struct flow_text {
	struct ctf_nlbuf key, mask, actions;
	bool has_key, has_actions;
	bool has_ufid;		/* the user gave ufid: (else none is sent) */
	struct ctf_ufid ufid;
};

void flow_text_init(struct flow_text *ft);
void flow_text_free(struct flow_text *ft);
/*
 * Parse "[ufid:U[, ]]KEY" and, if @actions_text is non-NULL, the actions;
 * validate key+actions when @validate. Returns 0 or a negative errno with
 * @err filled (naming the bad token, with a hint).
 */
int flow_text_parse(struct flow_text *ft, const char *flow_text, const char *actions_text,
		    const struct ctf_portmap *ports, bool validate, struct ctf_err *err);
/*
 * Read (and validate, when @validate) a flow before the datapath is opened,
 * so that a bad flow is reported as such even where no datapath can be
 * reached. Port names need the datapath's ports: here every word of the
 * texts may stand for a port, so what only the names decide is left to
 * flow_text_parse() once the ports are known. 0 or a negative errno, @err set.
 */
int flow_text_precheck(const char *flow_text, const char *actions_text, bool validate,
		       struct ctf_err *err);
/* The request for @ft: with its UFID when the user gave one, else by key. */
void flow_text_req(const struct flow_text *ft, struct ctf_flow_req *req);

/*
 * The reason part of "cannot <verb> flow: <reason> (hint: ...)" for a kernel
 * error: extended-ACK text if any, else our own diagnosis of @error.
 */
void flow_kernel_reason(enum ctf_flow_op op, int error, const struct ctf_err *nlerr,
			bool has_ufid, struct ctf_err *out);
const char *flow_op_verb(enum ctf_flow_op op);

/*
 * Flows with a UFID are found by UFID only: flow-find.c finds the UFID of
 * the flow with a given match in a dump of the datapath.
 *
 * @id := a digest of the match as the kernel holds it (mask, masked key),
 * equal for equal matches whatever the attribute order. 0 or -EINVAL.
 */
int flow_match_id(const void *key, size_t key_len, const void *mask, size_t mask_len,
		  struct ctf_ufid *id);
/* A match to look for: its flow_match_id() and the caller's index for it. */
struct flow_want {
	struct ctf_ufid id;
	size_t index;
};
/*
 * Dump the datapath once and, for each @want[i] (sorted in place), set
 * has[want[i].index] and found[want[i].index] to the UFID of the flow with
 * that match, if one was installed with a UFID. Returns how many were
 * found, or a negative errno with @nlerr filled.
 */
int flow_find_ufids(struct flow_cli *fc, struct flow_want *want, size_t n,
		    struct ctf_ufid *found, bool *has, struct ctf_err *nlerr);

/* del-flows without a file: delete every flow of @dp (NULL: the only one). */
int flow_flush(const char *dp);

#endif
