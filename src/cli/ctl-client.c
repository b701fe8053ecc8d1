// SPDX-License-Identifier: Apache-2.0
/* The client side of ctflowd's control socket: framing, requests, results. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctflow/util.h"
#include "cli.h"
#include "ctl-client.h"
#include "output.h"


static const char *socket_path(void)
{
	const char *env = getenv("CTFLOWD_SOCKET");

	return env && *env ? env : CTF_CTL_SOCKET;
}

int ctl_connect(struct ctl_client *c)
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

void ctl_close(struct ctl_client *c)
{
	close(c->fd);
	free(c->buf);
}

/* Send one request made of a fixed part and up to two strings. */
int ctl_send(struct ctl_client *c, uint32_t type, const void *fixed, size_t flen,
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
long ctl_recv(struct ctl_client *c, struct ctf_ctl_hdr *h)
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
int ctl_result(struct ctl_client *c, const char *what)
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
		cli_out_printf("%s\n", msg);
	return CLI_OK;
}

/* A refusal of a show/dump arrives as RESULT instead of records. */
int ctl_refused(struct ctl_client *c, long n, const char *what)
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

