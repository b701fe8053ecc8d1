// SPDX-License-Identifier: Apache-2.0
/* The control socket server (see ctl.h). */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "ctflow/util.h"
#include "ctl.h"
#include "log.h"

#define CONTROL_BACKLOG 5
#define ACCEPT_PAUSE_S 1	/* when out of fds: stop accepting this long */

struct ctl_conn {
	struct ctl_server *srv;
	struct bufferevent *bev;
	struct ctl_conn *next;
	uid_t uid;
	pid_t pid;
	bool rw;
};

struct ctl_server {
	struct event_base *base;
	char *path;
	int fd;
	gid_t sock_gid;
	struct event *ev_accept;
	struct event *ev_pause;
	const struct ctl_handler *table;
	size_t n_handlers;
	void *arg;
	struct ctl_conn *conns;
	size_t n_conns;
};

static int fill_sockaddr(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun->sun_path, path);
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

static void conn_close(struct ctl_conn *conn)
{
	struct ctl_server *srv = conn->srv;

	for (struct ctl_conn **pp = &srv->conns; *pp; pp = &(*pp)->next) {
		if (*pp == conn) {
			*pp = conn->next;
			break;
		}
	}
	srv->n_conns--;
	bufferevent_free(conn->bev);
	free(conn);
}

void control_reply2(struct ctl_conn *conn, uint32_t type, uint32_t seq, const void *a,
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

void control_reply(struct ctl_conn *conn, uint32_t type, uint32_t seq, const void *payload,
		   size_t len)
{
	control_reply2(conn, type, seq, payload, len, NULL, 0);
}

void control_result(struct ctl_conn *conn, uint32_t seq, int error, const char *msg)
{
	struct ctf_ctl_result res = { .error = error };

	if (!msg)
		msg = "";
	control_reply2(conn, CTF_CTL_RESULT, seq, &res, sizeof(res), msg, strlen(msg) + 1);
}

void control_end(struct ctl_conn *conn, uint32_t seq)
{
	control_reply(conn, CTF_CTL_END, seq, NULL, 0);
}

bool control_conn_rw(const struct ctl_conn *conn)
{
	return conn->rw;
}

uid_t control_conn_uid(const struct ctl_conn *conn)
{
	return conn->uid;
}

static void dispatch(struct ctl_conn *conn, const struct ctf_ctl_hdr *h, const void *payload,
		     size_t len)
{
	struct ctl_server *srv = conn->srv;

	for (size_t i = 0; i < srv->n_handlers; i++) {
		const struct ctl_handler *hd = &srv->table[i];

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

static void conn_read(struct bufferevent *bev, void *arg)
{
	struct ctl_conn *conn = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	for (;;) {
		size_t avail = evbuffer_get_length(in);
		struct ctf_ctl_hdr h;
		unsigned char *msg;
		long n;

		if (avail < sizeof(h))
			return;
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

static void conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct ctl_conn *conn = arg;

	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		conn_close(conn);
}

/* Is @uid a member of group @gid (primary or supplementary)? */
static bool uid_in_group(uid_t uid, gid_t primary, gid_t gid)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	gid_t groups[256];
	int n = CTF_ARRAY_SIZE(groups);

	if (primary == gid)
		return true;
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) || !res)
		return false;
	if (getgrouplist(res->pw_name, res->pw_gid, groups, &n) < 0)
		return false;
	for (int i = 0; i < n; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

static void resume_accept(evutil_socket_t fd, short what, void *arg)
{
	struct ctl_server *srv = arg;

	event_add(srv->ev_accept, NULL);
}

static void control_accept(evutil_socket_t lfd, short what, void *arg)
{
	struct ctl_server *srv = arg;
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	struct ctl_conn *conn;
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
		   uid_in_group(cred.uid, cred.gid, srv->sock_gid);
	conn->bev = bufferevent_socket_new(srv->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!conn->bev) {
		log_warnx("control: cannot set up client buffers");
		close(fd);
		free(conn);
		return;
	}
	/* A message may be up to CTF_CTL_MAX_MSG; read no more than two ahead. */
	bufferevent_setwatermark(conn->bev, EV_READ, 0, 2 * CTF_CTL_MAX_MSG);
	bufferevent_setcb(conn->bev, conn_read, NULL, conn_event, conn);
	bufferevent_enable(conn->bev, EV_READ | EV_WRITE);
	conn->next = srv->conns;
	srv->conns = conn;
	srv->n_conns++;
	log_debug("control: client pid %d uid %u connected (%s)", (int)cred.pid,
		  (unsigned)cred.uid, conn->rw ? "read-write" : "read-only");
}

struct ctl_server *control_init(struct event_base *base, const char *path,
				const struct ctl_handler *table, size_t n_handlers, void *arg)
{
	struct sockaddr_un sun;
	struct ctl_server *srv;
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
	/* Nobody answered: whatever is at the path is a stale socket. */
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
	srv->ev_accept = event_new(base, fd, EV_READ | EV_PERSIST, control_accept, srv);
	srv->ev_pause = evtimer_new(base, resume_accept, srv);
	event_add(srv->ev_accept, NULL);
	return srv;
}

size_t control_nclients(const struct ctl_server *srv)
{
	return srv->n_conns;
}

void control_cleanup(struct ctl_server *srv)
{
	if (!srv)
		return;
	while (srv->conns)
		conn_close(srv->conns);
	event_free(srv->ev_accept);
	event_free(srv->ev_pause);
	close(srv->fd);
	unlink(srv->path);
	free(srv->path);
	free(srv);
}
