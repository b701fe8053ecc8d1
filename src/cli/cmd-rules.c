// SPDX-License-Identifier: Apache-2.0
/*
 * Commands that talk to ctflowd over its control socket (ctflow/ctl.h):
 * add-rule, del-rule, dump-rules, reload, daemon-show. The rule texts are
 * sent as written; ctflowd parses them against its own port names and
 * answers with the flow language's error text when it refuses one.
 * $CTFLOWD_SOCKET overrides the socket path (the daemon's -s).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctflow/ctl.h"
#include "ctflow/util.h"
#include "cli.h"
#include "commands.h"

struct ctl_client {
	int fd;
	const char *path;
	uint32_t seq;
	unsigned char *buf;	/* one received message */
	size_t have;		/* bytes in buf (may hold the start of the next message) */
	size_t consumed;	/* length of the message returned last */
};

static const char *socket_path(void)
{
	const char *env = getenv("CTFLOWD_SOCKET");

	return env && *env ? env : CTF_CTL_SOCKET;
}

static int ctl_connect(struct ctl_client *c)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	memset(c, 0, sizeof(*c));
	c->path = socket_path();
	c->seq = (uint32_t)getpid();
	if (strlen(c->path) >= sizeof(sun.sun_path)) {
		cli_error("control socket path too long: %s", c->path);
		return -1;
	}
	strcpy(sun.sun_path, c->path); // NOLINT(clang-analyzer-security.insecureAPI.strcpy): length checked above
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sun, sizeof(sun))) {
		cli_error("connect: %s: %s%s", c->path, strerror(errno),
			  errno == ENOENT || errno == ECONNREFUSED ? " (is ctflowd running?)" : "");
		if (c->fd >= 0)
			close(c->fd);
		return -1;
	}
	c->buf = ctf_xmalloc(2 * CTF_CTL_MAX_MSG);
	return 0;
}

static void ctl_close(struct ctl_client *c)
{
	close(c->fd);
	free(c->buf);
}

/* Send one request made of a fixed part and up to two strings. */
static int ctl_send(struct ctl_client *c, uint32_t type, const void *fixed, size_t flen,
		    const char *s1, const char *s2)
{
	struct ctf_str msg;
	struct ctf_ctl_hdr h = { .type = type, .seq = c->seq };
	size_t off = 0;
	int ret = 0;

	ctf_str_init(&msg);
	ctf_str_put(&msg, (const char *)&h, sizeof(h));
	if (flen)
		ctf_str_put(&msg, fixed, flen);
	if (s1)
		ctf_str_put(&msg, s1, strlen(s1) + 1);
	if (s2)
		ctf_str_put(&msg, s2, strlen(s2) + 1);
	if (msg.len > CTF_CTL_MAX_MSG) {
		cli_error("request too long (%zu bytes, at most %u)", msg.len, CTF_CTL_MAX_MSG);
		ctf_str_free(&msg);
		return -1;
	}
	h.len = (uint32_t)msg.len;
	memcpy(msg.buf, &h, sizeof(h));
	while (off < msg.len) {
		ssize_t n = write(c->fd, msg.buf + off, msg.len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			cli_error("write: %s: %s", c->path, strerror(errno));
			ret = -1;
			break;
		}
		off += (size_t)n;
	}
	ctf_str_free(&msg);
	return ret;
}

/*
 * Receive the next message of our request into c->buf. Returns its length,
 * or -1 after printing why (connection closed, malformed framing).
 */
static long ctl_recv(struct ctl_client *c, struct ctf_ctl_hdr *h)
{
	long n;

	/* Drop the message returned last time. */
	if (c->consumed) {
		memmove(c->buf, c->buf + c->consumed, c->have - c->consumed);
		c->have -= c->consumed;
		c->consumed = 0;
	}
	while ((n = ctf_ctl_frame(c->buf, c->have)) == 0) {
		ssize_t r = read(c->fd, c->buf + c->have, 2 * CTF_CTL_MAX_MSG - c->have);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			cli_error("%s: ctflowd closed the connection", c->path);
			return -1;
		}
		c->have += (size_t)r;
	}
	if (n < 0) {
		cli_error("%s: malformed reply from ctflowd", c->path);
		return -1;
	}
	memcpy(h, c->buf, sizeof(*h));
	c->consumed = (size_t)n;
	return n;
}

/* Wait for the RESULT of an action; print its message on failure. */
static int ctl_result(struct ctl_client *c, const char *what)
{
	struct ctf_ctl_hdr h;
	struct ctf_ctl_result res;
	long n = ctl_recv(c, &h);
	size_t off = sizeof(h) + sizeof(res);
	const char *msg;

	if (n < 0)
		return CLI_ERR;
	if (h.type != CTF_CTL_RESULT || (size_t)n < off) {
		cli_error("unexpected reply type %u from ctflowd", h.type);
		return CLI_ERR;
	}
	memcpy(&res, c->buf + sizeof(h), sizeof(res));
	msg = ctf_ctl_string(c->buf, (size_t)n, &off);
	if (res.error) {
		cli_error("cannot %s: %s", what, msg && *msg ? msg : strerror(-res.error));
		return CLI_ERR;
	}
	if (msg && *msg)
		printf("%s\n", msg);
	return CLI_OK;
}

static int parse_priority(const char *s, uint32_t *prio)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || errno || *end || v > 65535) {
		cli_error("priority `%s' is not a number in 0..65535", s);
		return -1;
	}
	*prio = (uint32_t)v;
	return 0;
}

/* ACTIONS may arrive as several words ("ct(zone=7), recirc(1)"): rejoin them. */
static char *join_args(int argc, char **argv)
{
	struct ctf_str s;

	ctf_str_init(&s);
	for (int i = 0; i < argc; i++) {
		if (i)
			ctf_str_putc(&s, ' ');
		ctf_str_puts(&s, argv[i]);
	}
	return s.buf ? s.buf : ctf_xstrdup("");
}

int cmd_add_rule(int argc, char **argv)
{
	struct ctf_ctl_rule_req req;
	struct ctl_client c;
	char *actions;
	int ret;

	if (parse_priority(argv[1], &req.priority))
		return CLI_USAGE;
	if (ctl_connect(&c))
		return CLI_ERR;
	actions = join_args(argc - 3, argv + 3);
	ret = ctl_send(&c, CTF_CTL_ADD_RULE, &req, sizeof(req), argv[2], actions) ?
	      CLI_ERR : ctl_result(&c, "add rule");
	free(actions);
	ctl_close(&c);
	return ret;
}

int cmd_del_rule(int argc, char **argv)
{
	struct ctf_ctl_rule_req req;
	struct ctl_client c;
	int ret;

	if (parse_priority(argv[1], &req.priority))
		return CLI_USAGE;
	if (ctl_connect(&c))
		return CLI_ERR;
	ret = ctl_send(&c, CTF_CTL_DEL_RULE, &req, sizeof(req), argv[2], NULL) ?
	      CLI_ERR : ctl_result(&c, "delete rule");
	ctl_close(&c);
	return ret;
}

int cmd_reload(int argc, char **argv)
{
	struct ctl_client c;
	int ret;

	if (ctl_connect(&c))
		return CLI_ERR;
	ret = ctl_send(&c, CTF_CTL_RELOAD, NULL, 0, NULL, NULL) ? CLI_ERR : ctl_result(&c, "reload");
	ctl_close(&c);
	return ret;
}

/* A refusal of a show/dump arrives as RESULT instead of records. */
static int show_refused(struct ctl_client *c, long n, const char *what)
{
	struct ctf_ctl_result res;
	size_t off = sizeof(struct ctf_ctl_hdr) + sizeof(res);
	const char *msg;

	if ((size_t)n < off)
		return CLI_ERR;
	memcpy(&res, c->buf + sizeof(struct ctf_ctl_hdr), sizeof(res));
	msg = ctf_ctl_string(c->buf, (size_t)n, &off);
	cli_error("cannot %s: %s", what, msg && *msg ? msg : strerror(-res.error));
	return CLI_ERR;
}

int cmd_dump_rules(int argc, char **argv)
{
	struct ctl_client c;
	struct ctf_ctl_hdr h;
	int ret = CLI_OK;
	long n;

	if (ctl_connect(&c))
		return CLI_ERR;
	if (ctl_send(&c, CTF_CTL_DUMP_RULES, NULL, 0, NULL, NULL)) {
		ctl_close(&c);
		return CLI_ERR;
	}
	while ((n = ctl_recv(&c, &h)) > 0) {
		struct ctf_ctl_rule_rec rec;
		size_t off = sizeof(h) + sizeof(rec);
		const char *match, *actions;

		if (h.type == CTF_CTL_END)
			break;
		if (h.type == CTF_CTL_RESULT) {
			ret = show_refused(&c, n, "dump rules");
			break;
		}
		if (h.type != CTF_CTL_RULE || (size_t)n < off) {
			cli_error("unexpected reply type %u from ctflowd", h.type);
			ret = CLI_ERR;
			break;
		}
		memcpy(&rec, c.buf + sizeof(h), sizeof(rec));
		match = ctf_ctl_string(c.buf, (size_t)n, &off);
		actions = ctf_ctl_string(c.buf, (size_t)n, &off);
		if (!match || !actions) {
			cli_error("malformed rule record from ctflowd");
			ret = CLI_ERR;
			break;
		}
		if (*match)
			printf("priority:%u, %s, hits:%" PRIu64 ", flows:%" PRIu64 ", actions:%s\n",
			       rec.priority, match, rec.hits, rec.flows, actions);
		else
			printf("default, hits:%" PRIu64 ", flows:%" PRIu64 ", actions:%s\n",
			       rec.hits, rec.flows, actions);
	}
	if (n < 0)
		ret = CLI_ERR;
	ctl_close(&c);
	return ret;
}

int cmd_daemon_show(int argc, char **argv)
{
	struct ctl_client c;
	struct ctf_ctl_hdr h;
	struct ctf_ctl_show s;
	int ret = CLI_OK;
	long n;

	if (ctl_connect(&c))
		return CLI_ERR;
	if (ctl_send(&c, CTF_CTL_SHOW, NULL, 0, NULL, NULL)) {
		ctl_close(&c);
		return CLI_ERR;
	}
	while ((n = ctl_recv(&c, &h)) > 0) {
		if (h.type == CTF_CTL_END)
			break;
		if (h.type == CTF_CTL_RESULT) {
			ret = show_refused(&c, n, "show");
			break;
		}
		if (h.type != CTF_CTL_SHOW_REPLY || (size_t)n < sizeof(h) + sizeof(s)) {
			cli_error("unexpected reply type %u from ctflowd", h.type);
			ret = CLI_ERR;
			break;
		}
		memcpy(&s, c.buf + sizeof(h), sizeof(s));
		s.datapath[sizeof(s.datapath) - 1] = '\0';
		s.mode[sizeof(s.mode) - 1] = '\0';
		printf("ctflowd: datapath %s\n", s.datapath);
		printf("  upcall dispatch: %s\n", s.mode);
		printf("  upcalls: handled:%" PRIu64 " lost:%" PRIu64 " truncated:%" PRIu64 "\n",
		       s.upcalls_handled, s.upcalls_lost, s.upcalls_truncated);
		printf("  handler threads: %u\n", s.handler_threads);
		printf("  flows: installed:%" PRIu64 " expired:%" PRIu64 " removed:%" PRIu64
		       " current:%" PRIu64 " limit:%" PRIu64 " limit-hits:%" PRIu64 "\n",
		       s.flows_installed, s.flows_expired, s.flows_removed, s.flows_current,
		       s.flow_limit, s.flow_limit_hits);
		printf("  rules: %u\n  ports: %u\n", s.rules, s.ports);
		printf("  idle-timeout: %us\n  megaflows: %s\n", s.idle_timeout_s,
		       s.megaflows ? "on" : "off");
		printf("  uptime: %" PRIu64 "s\n  reloads: %" PRIu64 "\n", s.uptime_s, s.reloads);
	}
	if (n < 0)
		ret = CLI_ERR;
	ctl_close(&c);
	return ret;
}
