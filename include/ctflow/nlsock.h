/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The netlink socket layer every kernel request goes through: family
 * resolution (cached per socket), one request with its ACK, a streaming
 * dump, multicast receive, and a batch of many requests in one sendmsg()
 * whose replies are matched back to the requests by sequence number.
 * Generic netlink (the OVS families) by default; ctnetlink opens the same
 * socket on NETLINK_NETFILTER (ctf_nlsock_open_proto()).
 *
 * Every OVS family frames its messages as
 *   nlmsghdr | genlmsghdr | struct ovs_header { int dp_ifindex; } | attributes
 * so the request builders here produce exactly that; attributes are then
 * appended by the caller with libmnl (mnl_attr_put*_check(nlh, buflen, ...)).
 *
 * Errors: every function returns 0 (or a count) on success and a negative
 * errno on failure, and sets errno. When the kernel explained a failure with
 * an extended ACK (NLMSGERR_ATTR_MSG), the text (and the offset of the
 * attribute it blames) lands in the caller's struct ctf_err (ctflow/util.h),
 * the same carrier the parsers fill, so that the CLI can print the kernel's
 * reason instead of a bare errno.
 *
 * One way to touch attributes:
 * - write them with libmnl (mnl_attr_put*_check(), mnl_attr_nest_start_check()
 *   and mnl_attr_nest_end()) into a buffer from ctf_genl_req_init(),
 *   ctf_nlmsg_req_init() or a batch. (Two measured exceptions write in place:
 *   flow.c's put_bytes() for add-flows' speed, ctf_ct_limit_put()'s records.)
 * - read them with a struct ctf_attr_rule table (ctflow/attr-rule.h) and
 *   ctf_attrs_parse() (or ctf_attrs_parse_nested() /
 *   ctf_attrs_parse_stream()), one table per attribute namespace, then take the values of the attributes the table has
 *   checked with the ctf_nla_* getters (the library's private
 *   src/nl/netlink/nla-inline.h; users of the installed library use libmnl's
 *   mnl_attr_get_*()). ctf_attr_walk() where a message is a list rather than
 *   a record. Never mnl_attr_parse() or mnl_attr_validate(): their walk ends
 *   at the aligned length and lends the last attribute of an unaligned
 *   message or nest up to 3 bytes past its end.
 */
#ifndef CTFLOW_NLSOCK_H
#define CTFLOW_NLSOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/openvswitch.h>

#include "ctflow/attr-rule.h"
#include "ctflow/util.h"

struct ctf_nlsock;	/* opaque: a NETLINK_GENERIC socket + its family cache */

/* Bytes of nlmsghdr + genlmsghdr + ovs_header before the first attribute. */
#define CTF_OVS_HDRLEN (NLMSG_HDRLEN + GENL_HDRLEN + NLMSG_ALIGN(sizeof(struct ovs_header)))
/* Offset of the attributes from the end of the nlmsghdr (for mnl_attr_parse()). */
#define CTF_OVS_ATTR_OFFSET (GENL_HDRLEN + NLMSG_ALIGN(sizeof(struct ovs_header)))

/* A request buffer big enough for any datapath/vport request (not flows). */
#define CTF_NL_SMALL_REQ 1024u

/* ---- family resolution (src/nl/genl-resolve.c, the only libnl user) ---- */

/*
 * Resolve a generic-netlink family id. -ENOENT when the family is not
 * registered (for the ovs_* families: the openvswitch module is not loaded).
 */
int ctf_genl_resolve(const char *family, uint16_t *id);
/* Resolve a multicast group id of @family. -ENOENT if either is missing. */
int ctf_genl_resolve_group(const char *family, const char *group, uint32_t *grp);
/*
 * Family id plus the highest attribute number and version the kernel
 * registered: a cheap way to tell what a kernel knows (e.g. ovs_datapath
 * maxattr >= OVS_DP_ATTR_PER_CPU_PIDS means per-CPU upcall dispatch exists).
 * Any output pointer may be NULL.
 */
int ctf_genl_family_info(const char *family, uint16_t *id, uint32_t *maxattr,
			 uint32_t *version);
/* Map a libnl NLE_* code (positive or negative) to a negative errno. */
int ctf_nle_to_errno(int nle);

/* ---- the socket ------------------------------------------------------- */

/*
 * Open a NETLINK_GENERIC socket, bound to a kernel-chosen port id, with
 * NETLINK_EXT_ACK and NETLINK_CAP_ACK on and a large receive buffer (forced
 * if we have CAP_NET_ADMIN). Returns 0 and *@sockp, or -errno.
 */
int ctf_nlsock_open(struct ctf_nlsock **sockp);
/*
 * The same socket for another netlink protocol (NETLINK_NETFILTER for
 * ctnetlink): the request, dump, receive and batch functions work on any
 * netlink message; the genl helpers (family, req_init) are for
 * NETLINK_GENERIC only.
 */
int ctf_nlsock_open_proto(struct ctf_nlsock **sockp, int protocol);
void ctf_nlsock_close(struct ctf_nlsock *sock);
int ctf_nlsock_fd(const struct ctf_nlsock *sock);
/* The netlink port id the kernel assigned: what goes into UPCALL_PID attrs. */
uint32_t ctf_nlsock_portid(const struct ctf_nlsock *sock);
/* Receive buffer size in bytes (SO_RCVBUFFORCE, falling back to SO_RCVBUF). */
int ctf_nlsock_set_rcvbuf(struct ctf_nlsock *sock, int bytes);
/* Subscribe to a multicast group (from ctf_genl_resolve_group()). */
int ctf_nlsock_join_group(struct ctf_nlsock *sock, uint32_t group);
/* Non-blocking mode for event loops (the daemon's upcall sockets). */
int ctf_nlsock_set_nonblock(struct ctf_nlsock *sock, bool on);

/*
 * Family id of @family, resolved once per socket and cached. -ENOENT means
 * the family is not registered (see ctf_genl_resolve()).
 */
int ctf_nlsock_family(struct ctf_nlsock *sock, const char *family, uint16_t *id);

/* ---- building requests (pure: work on any byte buffer) ---------------- */

/*
 * Start a request in @buf (@buflen bytes, >= CTF_OVS_HDRLEN): zero the
 * headers, set type=@family, flags=NLM_F_REQUEST|@flags, cmd, version and
 * ovs_header.dp_ifindex. nlmsg_len covers the headers; add attributes with
 * mnl_attr_put*_check(nlh, buflen, ...). Returns NULL if @buflen is too small.
 * Sequence number and port id are filled in when the request is sent.
 */
struct nlmsghdr *ctf_genl_req_init(void *buf, size_t buflen, uint16_t family, uint8_t cmd,
				   uint8_t version, uint16_t flags, int dp_ifindex);

/*
 * Start a request of any netlink protocol in @buf: zero all @buflen bytes,
 * set type=@type, flags=NLM_F_REQUEST|@flags, and leave @hdrlen zeroed bytes
 * of family header (genl + ovs_header, nfgenmsg, ...) at
 * mnl_nlmsg_get_payload(), covered by nlmsg_len. NULL if @buflen is too small.
 * (src/nl/netlink/nlmsg.c; ctf_genl_req_init() is built on it.)
 */
struct nlmsghdr *ctf_nlmsg_req_init(void *buf, size_t buflen, uint16_t type, uint16_t flags,
				    size_t hdrlen);

/* The genl command and ovs_header of a received message (NULL if too short). */
const struct genlmsghdr *ctf_genl_hdr(const struct nlmsghdr *nlh);
const struct ovs_header *ctf_genl_ovs_header(const struct nlmsghdr *nlh);

/*
 * The one converter from the kernel's answer to a struct ctf_err: decode an
 * NLMSG_ERROR message (an ACK when error == 0) or a dump's NLMSG_DONE into
 * @err (may be NULL): error, the extended-ACK text as msg (no hint), and
 * the offset of the blamed attribute. Returns the (negative or zero) error
 * code, or -EBADMSG if the message is malformed.
 */
int ctf_err_from_ack(const struct nlmsghdr *nlh, struct ctf_err *err);

/*
 * Table-driven decoding of reply attributes: one static table of struct
 * ctf_attr_rule (ctflow/attr-rule.h) per attribute namespace, indexed by
 * type, says what each attribute must look like. Attributes the table does
 * not know (newer kernels; rows without a name) are skipped; a known one
 * with a bad length makes the whole message -EBADMSG.
 */
struct nlattr;
/*
 * Fill @tb[0..@max_type] with the attributes of a genl message whose payload
 * starts at @offset bytes after the nlmsghdr (CTF_OVS_ATTR_OFFSET for ovs_*).
 */
int ctf_attrs_parse(const struct nlmsghdr *nlh, size_t offset, const struct ctf_attr_rule *rules,
		    unsigned max_type, const struct nlattr **tb);
int ctf_attrs_parse_nested(const struct nlattr *nest, const struct ctf_attr_rule *rules,
			   unsigned max_type, const struct nlattr **tb);

/*
 * What ctf_attrs_parse_stream() refused, so that the caller can name it:
 * the attribute whose length breaks its @rule, or (@attr NULL) the
 * @trailing bytes after the last whole attribute.
 */
struct ctf_attrs_fault {
	const struct nlattr *attr;
	const struct ctf_attr_rule *rule;
	size_t trailing;
};

enum ctf_attrs_flags {
	/* Bytes after the last whole attribute are an error, and a nest of
	 * 1 to 3 bytes is a bad length: a truncated message must not decode
	 * as a shorter valid one (ctnetlink). */
	CTF_ATTRS_WHOLE = 1 << 0,
};

/*
 * The parser under the two above: the @len bytes of attributes at @data.
 * Returns 0 or -EBADMSG, with @fault (may be NULL) saying why.
 */
int ctf_attrs_parse_stream(const void *data, size_t len, const struct ctf_attr_rule *rules,
			   unsigned max_type, const struct nlattr **tb, unsigned flags,
			   struct ctf_attrs_fault *fault);

/*
 * mnl_attr_parse() bounded by nlmsg_len itself: libmnl's walk ends at the
 * aligned length, so the last attribute of a message whose length is not a
 * multiple of 4 could read up to 3 bytes past it. Calls @cb for every whole
 * attribute after @offset bytes of payload; returns what libmnl's would
 * (MNL_CB_ERROR from @cb stops the walk and returns -1).
 */
typedef int (*ctf_attr_cb)(const struct nlattr *attr, void *data);
int ctf_attr_walk(const struct nlmsghdr *nlh, size_t offset, ctf_attr_cb cb, void *data);

/* ---- sending ---------------------------------------------------------- */

/*
 * Called once per reply message (never for ACKs, errors or NLMSG_DONE).
 * Return 0 to go on, or a negative errno to stop; that errno is then
 * returned by the caller of the send function (after the rest of the reply
 * has been drained so the socket stays usable).
 */
typedef int (*ctf_nl_cb)(const struct nlmsghdr *nlh, void *arg);

/*
 * Send one request with NLM_F_ACK and wait for its ACK, running @cb (may be
 * NULL) on each reply message (e.g. with NLM_F_ECHO, or GET). Checks the
 * sequence number and port id of every message. @err (may be NULL) receives
 * the kernel's extended-ACK text on failure.
 */
int ctf_nlsock_transact(struct ctf_nlsock *sock, struct nlmsghdr *req, ctf_nl_cb cb,
			void *arg, struct ctf_err *err);

/*
 * Send @req as a dump (NLM_F_DUMP) and call @cb for every message as it
 * arrives, one receive buffer at a time: memory use does not grow with the
 * size of the dump. Returns 0 at NLMSG_DONE, or -errno.
 */
int ctf_nlsock_dump(struct ctf_nlsock *sock, struct nlmsghdr *req, ctf_nl_cb cb,
		    void *arg, struct ctf_err *err);

/*
 * Dumps on @sock read ahead when @on: a second thread receives the next
 * buffers (and so makes the kernel fill them, which it does inside
 * recvmsg) while @cb works on the current one in the calling thread. The
 * callbacks still run in the caller's thread, in order, one buffer at a
 * time; memory stays bounded (a few receive buffers). For big dumps whose
 * callbacks do real work, such as dump-flows printing every flow. Off by
 * default. Returns 0, or -ENOMEM.
 */
int ctf_nlsock_set_dump_readahead(struct ctf_nlsock *sock, bool on);

/*
 * Receive one buffer of messages and run @cb on each (for multicast and
 * upcall sockets, which get messages nobody asked for: no seq/portid check).
 * Returns the number of messages handled, -EAGAIN if nothing was waiting on
 * a non-blocking socket, -ENOBUFS if the kernel dropped messages because
 * the receive buffer overflowed (not fatal: read again), -EMSGSIZE for a
 * datagram larger than the buffer and -EPROTO for one that did not come
 * from the kernel (both consumed, not handled: read again).
 */
int ctf_nlsock_recv(struct ctf_nlsock *sock, ctf_nl_cb cb, void *arg);

/* ---- batches ---------------------------------------------------------- */

/*
 * Many requests in one buffer, sent with one sendmsg(). Each request gets
 * its own sequence number; the ACKs/errors that come back are matched to
 * the request by it, so a bulk operation can say "line 12: <kernel reason>"
 * for each failure while the others succeed.
 */
struct ctf_nlbatch {
	char *buf;
	size_t cap;		/* bytes allocated */
	size_t len;		/* bytes of complete requests */
	unsigned n;		/* requests in the batch */
	unsigned max;		/* slots in @results */
	uint32_t seq0;		/* sequence number of request 0 (set at send) */
	struct nlmsghdr *open;	/* request begun and not yet finished */
	struct ctf_err *results;	/* per request, valid after send */
	bool *done;		/* per request: its ACK/error has arrived */
};

/* A batch of at most @cap bytes (e.g. 64 KiB; 0 = default) and @max requests. */
int ctf_nlbatch_init(struct ctf_nlbatch *b, size_t cap, unsigned max);
void ctf_nlbatch_free(struct ctf_nlbatch *b);
/* Forget every request (keeps the memory). */
void ctf_nlbatch_reset(struct ctf_nlbatch *b);

/*
 * Begin a request at the end of the batch (like ctf_genl_req_init()).
 * Returns NULL if the batch is full (send it, reset, and begin again).
 * Add attributes with mnl_attr_put*_check(nlh, ctf_nlbatch_room(b), ...),
 * then call ctf_nlbatch_end() to keep it or ctf_nlbatch_cancel() if an
 * attribute did not fit.
 */
struct nlmsghdr *ctf_nlbatch_begin(struct ctf_nlbatch *b, uint16_t family, uint8_t cmd,
				   uint8_t version, uint16_t flags, int dp_ifindex);
/* Room left for the open request, to pass as mnl_attr_put*_check()'s buflen. */
size_t ctf_nlbatch_room(const struct ctf_nlbatch *b);
/* Keep the open request; returns its index in the batch. */
unsigned ctf_nlbatch_end(struct ctf_nlbatch *b);
void ctf_nlbatch_cancel(struct ctf_nlbatch *b);

/* Reply message for request @idx (e.g. with NLM_F_ECHO). */
typedef int (*ctf_nlbatch_cb)(unsigned idx, const struct nlmsghdr *nlh, void *arg);

enum ctf_nlbatch_flags {
	/*
	 * Do not ask for ACKs and do not wait: fire and forget (the daemon's
	 * flow installs). Failures still come back as error messages later and
	 * must be drained with ctf_nlsock_recv().
	 */
	CTF_NLBATCH_NOWAIT = 1 << 0,
};

/*
 * Send every request of @b in one sendmsg() (NLM_F_ACK on each unless
 * NOWAIT), then collect one ACK/error per request into b->results[i],
 * running @cb (may be NULL) on any other reply. Returns the number of
 * requests that failed (0 = all applied), or a negative errno if the
 * exchange itself failed; requests whose reply never arrived then have
 * b->done[i] false and b->results[i].error set to that errno.
 */
int ctf_nlsock_send_batch(struct ctf_nlsock *sock, struct ctf_nlbatch *b, unsigned flags,
			  ctf_nlbatch_cb cb, void *arg);

#endif
