// SPDX-License-Identifier: Apache-2.0
/* The control socket server (see ctl.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "ctflow/flow.h"
#include "ctflow/util.h"
#include "control.h"
#include "log.h"

#define CONTROL_BACKLOG 16
#define ACCEPT_PAUSE_S 1	/* when out of fds: stop accepting this long */

/*
 * What one client may cost. A client that never reads its replies stops
 * being read once CTL_OUT_HIGH bytes wait for it (and a long dump pauses),
 * and is dropped if nothing drains for CTL_TIMEOUT_S; so is one that sends
 * nothing, or half a message, for that long. At most CTL_REQS_PER_WAKE
 * requests are taken per wake-up, so that one busy client does not hold
 * the loop the revalidator and the signals share.
 */
#define CTL_OUT_HIGH (1024u * 1024)
#define CTL_OUT_LOW (64u * 1024)
#define CTL_TIMEOUT_S 60
#define CTL_REQS_PER_WAKE 16u

struct control_conn {
	struct control_server *srv;
	struct bufferevent *bev;
	struct control_conn *next;
	uid_t uid;
	pid_t pid;
	bool rw;
	/* a reply produced a piece at a time, as the client reads (control_stream) */
	control_stream_fn stream;
	void *stream_state;
	void (*stream_free)(void *);
};

struct control_server {
	struct event_base *base;
	char *path;
	int fd;
	gid_t sock_gid;
	struct event *ev_accept;
	struct event *ev_pause;
	const struct control_handler *table;
	size_t n_handlers;
	void *arg;
	struct control_conn *conns;
	size_t n_conns;
	size_t max_conns;
	unsigned timeout_s;
	uint64_t refused, refused_logged_ms;
};

static int fill_sockaddr(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun->sun_path, path); // NOLINT(clang-analyzer-security.insecureAPI.strcpy): length checked above
	return 0;
}

bool control_check(const char *path)
{
	struct sockaddr_un sun;
	int fd, ret;

	if (fill_sockaddr(&sun, path))
		return false;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	ret = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	close(fd);
	return ret == 0;
}

static void conn_close(struct control_conn *conn)
{
	struct control_server *srv = conn->srv;

	for (struct control_conn **pp = &srv->conns; *pp; pp = &(*pp)->next) {
		if (*pp == conn) {
			*pp = conn->next;
			break;
		}
	}
	srv->n_conns--;
	if (conn->stream_free)
		conn->stream_free(conn->stream_state);
	bufferevent_free(conn->bev);
	free(conn);
}

void control_reply2(struct control_conn *conn, uint32_t type, uint32_t seq, const void *a,
		    size_t alen, const void *b, size_t blen)
{
	struct ctf_ctl_hdr h = { .type = type, .seq = seq };
	struct evbuffer *out = bufferevent_get_output(conn->bev);

	if (sizeof(h) + alen + blen > CTF_CTL_MAX_MSG) {
		/* Never send what the peer must refuse; say why instead. */
		log_warnx("control: reply of type %u too large (%zu bytes)", type,
			  sizeof(h) + alen + blen);
		control_result(conn, seq, -EMSGSIZE, "reply too large");
		return;
	}
	h.len = (uint32_t)(sizeof(h) + alen + blen);
	evbuffer_add(out, &h, sizeof(h));
	if (alen)
		evbuffer_add(out, a, alen);
	if (blen)
		evbuffer_add(out, b, blen);
}

void control_reply(struct control_conn *conn, uint32_t type, uint32_t seq, const void *payload,
		   size_t len)
{
	control_reply2(conn, type, seq, payload, len, NULL, 0);
}

void control_result(struct control_conn *conn, uint32_t seq, int error, const char *msg)
{
	struct ctf_ctl_result res = { .error = error };

	if (!msg)
		msg = "";
	control_reply2(conn, CTF_CTL_RESULT, seq, &res, sizeof(res), msg, strlen(msg) + 1);
}

void control_end(struct control_conn *conn, uint32_t seq)
{
	control_reply(conn, CTF_CTL_END, seq, NULL, 0);
}

bool control_conn_rw(const struct control_conn *conn)
{
	return conn->rw;
}

uid_t control_conn_uid(const struct control_conn *conn)
{
	return conn->uid;
}

static void dispatch(struct control_conn *conn, const struct ctf_ctl_hdr *h, const void *payload,
		     size_t len)
{
	struct control_server *srv = conn->srv;

	for (size_t i = 0; i < srv->n_handlers; i++) {
		const struct control_handler *hd = &srv->table[i];

		if (hd->type != h->type)
			continue;
		if (hd->rw && !conn->rw) {
			log_info("control: uid %u: %s denied", (unsigned)conn->uid, hd->name);
			control_result(conn, h->seq, -EPERM,
				       "permission denied: root or the socket's group may change ctflowd");
			return;
		}
		log_debug("control: uid %u: %s", (unsigned)conn->uid, hd->name);
		hd->handler(conn, h, payload, len, srv->arg);
		return;
	}
	control_result(conn, h->seq, -EOPNOTSUPP, "unknown request type");
}

static size_t pending_out(const struct control_conn *conn)
{
	return evbuffer_get_length(bufferevent_get_output(conn->bev));
}

/* Run the connection's stream until it is done or the client must read first. */
static void stream_run(struct control_conn *conn)
{
	while (conn->stream && pending_out(conn) < CTL_OUT_HIGH) {
		if (!conn->stream(conn, conn->stream_state))
			continue;
		if (conn->stream_free)
			conn->stream_free(conn->stream_state);
		conn->stream = NULL;
		conn->stream_state = NULL;
		conn->stream_free = NULL;
	}
}

void control_stream(struct control_conn *conn, control_stream_fn fn, void *state, void (*free_state)(void *))
{
	conn->stream = fn;
	conn->stream_state = state;
	conn->stream_free = free_state;
	stream_run(conn);
}

static void conn_read(struct bufferevent *bev, void *arg)
{
	struct control_conn *conn = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	for (unsigned done = 0;; done++) {
		size_t avail = evbuffer_get_length(in);
		struct ctf_ctl_hdr h;
		unsigned char *msg;
		long n;

		if (avail < sizeof(h))
			return;
		/* Back-pressure: no new request while a reply waits to be read. */
		if (conn->stream || pending_out(conn) >= CTL_OUT_HIGH) {
			bufferevent_disable(bev, EV_READ);
			return;
		}
		if (done == CTL_REQS_PER_WAKE) {
			/* Let the rest of the loop run; come back for the others. */
			bufferevent_trigger(bev, EV_READ, BEV_TRIG_IGNORE_WATERMARKS |
							   BEV_TRIG_DEFER_CALLBACKS);
			return;
		}
		/* The header alone decides: evbuffer_pullup of it is cheap. */
		n = ctf_ctl_frame(evbuffer_pullup(in, sizeof(h)), avail);
		if (n < 0) {
			memcpy(&h, evbuffer_pullup(in, sizeof(h)), sizeof(h));
			log_warnx("control: uid %u: message length %u out of range, closing",
				  (unsigned)conn->uid, h.len);
			conn_close(conn);
			return;
		}
		if (n == 0)
			return;
		msg = evbuffer_pullup(in, n);
		memcpy(&h, msg, sizeof(h));
		dispatch(conn, &h, msg + sizeof(h), (size_t)n - sizeof(h));
		evbuffer_drain(in, (size_t)n);
	}
}

/* The client read enough: go on with its stream, then with its requests. */
static void conn_write(struct bufferevent *bev, void *arg)
{
	struct control_conn *conn = arg;

	stream_run(conn);
	if (!conn->stream && pending_out(conn) < CTL_OUT_HIGH &&
	    !(bufferevent_get_enabled(bev) & EV_READ)) {
		bufferevent_enable(bev, EV_READ);
		conn_read(bev, conn);
	}
}

static void conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct control_conn *conn = arg;

	if (what & BEV_EVENT_TIMEOUT) {
		log_info("control: uid %u: %s for %u s: closing", (unsigned)conn->uid,
			 what & BEV_EVENT_WRITING ? "replies not read" : "no request",
			 conn->srv->timeout_s);
		conn_close(conn);
		return;
	}
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		conn_close(conn);
}

/*
 * Is the peer a member of group @gid? Its groups come with the socket
 * (SO_PEERCRED, SO_PEERGROUPS): no user database lookup, which could block
 * the loop on a remote NSS source at every connection.
 */
static bool peer_in_group(int fd, gid_t primary, gid_t gid)
{
	gid_t groups[256];
	socklen_t len = sizeof(groups);

	if (primary == gid)
		return true;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len))
		return false;	/* more than 256 groups, or an old kernel: primary only */
	for (size_t i = 0; i < len / sizeof(gid_t); i++)
		if (groups[i] == gid)
			return true;
	return false;
}

static void resume_accept(evutil_socket_t fd, short what, void *arg)
{
	struct control_server *srv = arg;

	event_add(srv->ev_accept, NULL);
}

static void control_accept(evutil_socket_t lfd, short what, void *arg)
{
	struct control_server *srv = arg;
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	struct control_conn *conn;
	int fd;

	fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno == EMFILE || errno == ENFILE) {
			/* Spinning on a full fd table helps nobody: pause accepting. */
			struct timeval tv = { ACCEPT_PAUSE_S, 0 };

			log_warn("control: accept");
			event_del(srv->ev_accept);
			evtimer_add(srv->ev_pause, &tv);
		} else if (errno != EWOULDBLOCK && errno != EAGAIN && errno != EINTR &&
			   errno != ECONNABORTED) {
			log_warn("control: accept");
		}
		return;
	}
	if (srv->n_conns >= srv->max_conns) {
		/* Below the descriptor limit, with room left for the datapath's sockets. */
		uint64_t now = ctf_monotonic_ms();

		close(fd);
		srv->refused++;
		if (now - srv->refused_logged_ms >= 10000) {
			log_warnx("control: %zu clients connected, the most allowed: refused %" PRIu64 " connections so far",
				  srv->n_conns, srv->refused);
			srv->refused_logged_ms = now;
		}
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen)) {
		log_warn("control: SO_PEERCRED");
		close(fd);
		return;
	}
	conn = ctf_xzalloc(sizeof(*conn));
	conn->srv = srv;
	conn->uid = cred.uid;
	conn->pid = cred.pid;
	conn->rw = cred.uid == 0 || cred.uid == geteuid() ||
		   peer_in_group(fd, cred.gid, srv->sock_gid);
	conn->bev = bufferevent_socket_new(srv->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!conn->bev) {
		log_warnx("control: cannot set up client buffers");
		close(fd);
		free(conn);
		return;
	}
	/* A message may be up to CTF_CTL_MAX_MSG; read no more than two ahead. */
	bufferevent_setwatermark(conn->bev, EV_READ, 0, 2 * CTF_CTL_MAX_MSG);
	bufferevent_setwatermark(conn->bev, EV_WRITE, CTL_OUT_LOW, 0);
	{
		struct timeval tv = { srv->timeout_s, 0 };

		bufferevent_set_timeouts(conn->bev, &tv, &tv);
	}
	bufferevent_setcb(conn->bev, conn_read, conn_write, conn_event, conn);
	bufferevent_enable(conn->bev, EV_READ | EV_WRITE);
	conn->next = srv->conns;
	srv->conns = conn;
	srv->n_conns++;
	log_debug("control: client pid %d uid %u connected (%s)", (int)cred.pid,
		  (unsigned)cred.uid, conn->rw ? "read-write" : "read-only");
}

/* Clients at once: a quarter of the descriptor limit, between 16 and 1024. */
static size_t max_clients(void)
{
	struct rlimit rl;
	size_t n = 256;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur != RLIM_INFINITY)
		n = (size_t)rl.rlim_cur / 4;
	return n < 16 ? 16 : n > 1024 ? 1024 : n;
}

/*
 * Give the socket to @gid before anyone may connect: members of the group
 * get read-write, and with 0660 nobody else can connect at all. The owner
 * stays the daemon's uid (root, as systemd starts it).
 */
static int set_group(const char *path, gid_t gid)
{
	if (gid == CONTROL_NO_GROUP)
		return 0;
	if (chown(path, (uid_t)-1, gid)) {
		log_warn("control: chown %s to group %u", path, (unsigned)gid);
		return -1;
	}
	return 0;
}

struct control_server *control_init_group(struct event_base *base, const char *path, gid_t gid,
				      const struct control_handler *table, size_t n_handlers,
				      void *arg)
{
	struct sockaddr_un sun;
	struct control_server *srv;
	struct stat st;
	mode_t old_umask;
	int fd;

	if (fill_sockaddr(&sun, path)) {
		log_warnx("control: socket name too long: %s", path);
		return NULL;
	}
	if (control_check(path)) {
		log_warnx("control: socket %s already in use (another ctflowd is running)", path);
		return NULL;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		log_warn("control: socket");
		return NULL;
	}
	/* Nobody answered: a socket at the path is stale; anything else is not ours to remove. */
	if (!lstat(path, &st) && !S_ISSOCK(st.st_mode)) {
		log_warnx("control: %s exists and is not a socket: not replacing it", path);
		close(fd);
		return NULL;
	}
	if (unlink(path) && errno != ENOENT) {
		log_warn("control: unlink %s", path);
		close(fd);
		return NULL;
	}
	/* umask before bind so the socket is never briefly world-writable. */
	old_umask = umask(S_IXUSR | S_IXGRP | S_IRWXO);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		log_warn("control: bind %s", path);
		umask(old_umask);
		close(fd);
		return NULL;
	}
	umask(old_umask);
	if (set_group(path, gid)) {
		unlink(path);
		close(fd);
		return NULL;
	}
	if (chmod(path, S_IRUSR | S_IWUSR | S_IRGRP | S_IWGRP) || stat(path, &st)) {
		log_warn("control: chmod %s", path);
		unlink(path);
		close(fd);
		return NULL;
	}
	if (listen(fd, CONTROL_BACKLOG)) {
		log_warn("control: listen %s", path);
		unlink(path);
		close(fd);
		return NULL;
	}
	srv = ctf_xzalloc(sizeof(*srv));
	srv->base = base;
	srv->path = ctf_xstrdup(path);
	srv->fd = fd;
	srv->sock_gid = st.st_gid;
	srv->table = table;
	srv->n_handlers = n_handlers;
	srv->arg = arg;
	srv->max_conns = max_clients();
	srv->timeout_s = CTL_TIMEOUT_S;
	srv->ev_accept = event_new(base, fd, EV_READ | EV_PERSIST, control_accept, srv);
	srv->ev_pause = evtimer_new(base, resume_accept, srv);
	event_add(srv->ev_accept, NULL);
	return srv;
}

struct control_server *control_init(struct event_base *base, const char *path,
				const struct control_handler *table, size_t n_handlers, void *arg)
{
	return control_init_group(base, path, CONTROL_NO_GROUP, table, n_handlers, arg);
}

void control_set_timeout(struct control_server *srv, unsigned seconds)
{
	srv->timeout_s = seconds;
}

size_t control_nclients(const struct control_server *srv)
{
	return srv->n_conns;
}

void control_cleanup(struct control_server *srv)
{
	if (!srv)
		return;
	while (srv->conns)
		conn_close(srv->conns); // NOLINT(clang-analyzer-unix.Malloc): conn_close() unlinks the head from srv->conns (conn->srv == srv) before freeing it
	event_free(srv->ev_accept);
	event_free(srv->ev_pause);
	close(srv->fd);
	unlink(srv->path);
	free(srv->path);
	free(srv);
}
