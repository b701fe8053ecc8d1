/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ctflowd's side of the control socket (protocol in ctflow/ctl.h), in the
 * shape of bgpd's control.c: refuse to start if another daemon answers on
 * the path, replace a stale socket, 0660 permissions, one libevent
 * bufferevent per client, messages dispatched through a handler table.
 *
 * Who may change things is decided once per connection from SO_PEERCRED and
 * SO_PEERGROUPS: uid 0, the daemon's own uid, or a member of the socket's
 * group (the peer's primary or supplementary groups) gets read-write;
 * everyone else may only use handlers marked read-only and gets RESULT
 * -EPERM for the rest.
 *
 * Limits, each with a log line: clients at once (a quarter of the
 * descriptor limit, 16..1024), pending output per client (1 MiB, then its
 * requests wait), idle and stalled clients (60 s), requests per wake-up (16).
 */
#ifndef CTFLOWD_CONTROL_H
#define CTFLOWD_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ctflow/ctl.h"

struct event_base;
struct control_server;
struct control_conn;

typedef void (*control_handler_fn)(struct control_conn *conn, const struct ctf_ctl_hdr *hdr,
			       const void *payload, size_t len, void *arg);

struct control_handler {
	uint32_t type;
	const char *name;	/* for log lines: "control: uid 1000: add-rule" */
	control_handler_fn handler;
	bool rw;		/* changes state: needs a privileged peer */
};

/* No control-group: the socket keeps the group it was created with. */
#define CONTROL_NO_GROUP ((gid_t)-1)

/*
 * Create, bind and listen on @path, chmod 0660. Its group is @gid, or with
 * CONTROL_NO_GROUP the one it was created with (from the directory or the
 * process). Returns NULL with a log line if another daemon answers there
 * or the socket cannot be set up.
 */
struct control_server *control_init_group(struct event_base *base, const char *path, gid_t gid,
				      const struct control_handler *table, size_t n_handlers,
				      void *arg);
/* The same with CONTROL_NO_GROUP. */
struct control_server *control_init(struct event_base *base, const char *path,
				const struct control_handler *table, size_t n_handlers, void *arg);
/* Close every client and the listener, and unlink the path. */
void control_cleanup(struct control_server *srv);
/* How long a client may stay silent, or leave replies unread (default 60 s). */
void control_set_timeout(struct control_server *srv, unsigned seconds);
/* Number of connected clients (for tests and "show"). */
size_t control_nclients(const struct control_server *srv);

/* True if something answers connect() on @path (another ctflowd). */
bool control_check(const char *path);

/* ---- replying, from inside a handler ---- */
void control_reply(struct control_conn *conn, uint32_t type, uint32_t seq, const void *payload,
		   size_t len);
/* Payload in two pieces (a struct and its trailing strings). */
void control_reply2(struct control_conn *conn, uint32_t type, uint32_t seq, const void *a,
		    size_t alen, const void *b, size_t blen);
/*
 * A reply too long to build at once (a dump of 100,000 rules): @fn is
 * called, on the main loop, whenever the client has read enough, and writes
 * a few replies; it returns true when the reply is complete. Meanwhile the
 * connection's further requests wait. @free_state (may be NULL) frees
 * @state when the stream ends or the client goes.
 */
typedef bool (*control_stream_fn)(struct control_conn *conn, void *state);
void control_stream(struct control_conn *conn, control_stream_fn fn, void *state,
		    void (*free_state)(void *));
/* RESULT with @error (0 or -errno) and a message (may be NULL). */
void control_result(struct control_conn *conn, uint32_t seq, int error, const char *msg);
void control_end(struct control_conn *conn, uint32_t seq);
bool control_conn_rw(const struct control_conn *conn);
uid_t control_conn_uid(const struct control_conn *conn);

#endif
