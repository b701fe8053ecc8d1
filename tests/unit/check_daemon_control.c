// SPDX-License-Identifier: Apache-2.0
/*
 * The control socket: framing (partial reads, several messages per read,
 * oversize and undersize headers, unknown types), stale sockets, a second
 * daemon, permissions and SO_PEERCRED read-only peers.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/event.h>

#include "../../src/daemon/control.h"
#include "../../src/daemon/log.h"
#include "ctflow/util.h"
#include "common.h"

#define T_ECHO 100	/* read-only: echo the payload back */
#define T_CHANGE 101	/* read-write: RESULT 0 */
#define T_STREAM 102	/* read-only: 10,000 numbered replies, then END */
#define N_STREAM 10000u

static int changes;

static void h_echo(struct control_conn *c, const struct ctf_ctl_hdr *h, const void *p, size_t len,
		   void *arg)
{
	control_reply(c, T_ECHO, h->seq, p, len);
}

static void h_change(struct control_conn *c, const struct ctf_ctl_hdr *h, const void *p, size_t len,
		     void *arg)
{
	changes++;
	control_result(c, h->seq, 0, NULL);
}

struct counter {
	uint32_t seq, next;
};

static bool stream_more(struct control_conn *c, void *arg)
{
	struct counter *ct = arg;

	for (int i = 0; i < 100 && ct->next < N_STREAM; i++, ct->next++)
		control_reply(c, T_STREAM, ct->seq, &ct->next, sizeof(ct->next));
	if (ct->next < N_STREAM)
		return false;
	control_end(c, ct->seq);
	return true;
}

static void h_stream(struct control_conn *c, const struct ctf_ctl_hdr *h, const void *p, size_t len,
		     void *arg)
{
	struct counter *ct = calloc(1, sizeof(*ct));

	ct->seq = h->seq;
	control_stream(c, stream_more, ct, free);
}

static const struct control_handler table[] = {
	{ T_ECHO, "echo", h_echo, false },
	{ T_CHANGE, "change", h_change, true },
	{ T_STREAM, "stream", h_stream, false },
};

static char dir[64], path[128];
static struct event_base *base;
static struct control_server *srv;

static void setup(void)
{
	log_init(1, 0);
	log_setverbose(0);
	strcpy(dir, "/tmp/ctfctl.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ctflowd.sock", dir);
	base = event_base_new();
	srv = control_init(base, path, table, CTF_ARRAY_SIZE(table), NULL);
	ck_assert_ptr_nonnull(srv);
	changes = 0;
}

static void teardown(void)
{
	control_cleanup(srv);
	event_base_free(base);
	rmdir(dir);
}

static void pump(void)
{
	for (int i = 0; i < 5; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
}

static int client(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	strcpy(sun.sun_path, path);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	pump();
	return fd;
}

static size_t build(void *buf, uint32_t type, uint32_t seq, const char *payload)
{
	size_t plen = payload ? strlen(payload) + 1 : 0;
	struct ctf_ctl_hdr h = { .type = type, .len = (uint32_t)(sizeof(h) + plen), .seq = seq };

	memcpy(buf, &h, sizeof(h));
	if (plen)
		memcpy((char *)buf + sizeof(h), payload, plen);
	return sizeof(h) + plen;
}

/* Read one whole reply (non-blocking after pump); returns its length or 0/-1. */
static long read_reply(int fd, void *buf, size_t size)
{
	size_t got = 0;
	long n;

	pump();
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t r;

		n = ctf_ctl_frame(buf, got);
		if (n)
			return n;
		if (poll(&pfd, 1, 200) <= 0)
			return -1;
		r = read(fd, (char *)buf + got, size - got);
		if (r <= 0)
			return r;
		got += (size_t)r;
	}
}

START_TEST(partial_writes_are_buffered_until_complete)
{
	char msg[128], reply[256];
	struct ctf_ctl_hdr h;
	int fd = client();
	size_t len = build(msg, T_ECHO, 7, "hello control");
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	/* Three pieces, the first shorter than the header. */
	ck_assert_int_eq(write(fd, msg, 5), 5);
	pump();
	ck_assert_int_eq(write(fd, msg + 5, 15), 15);
	pump();
	ck_assert_int_eq(poll(&pfd, 1, 50), 0);	/* nothing answered yet */
	ck_assert_int_eq(write(fd, msg + 20, len - 20), (ssize_t)(len - 20));
	ck_assert_int_eq(read_reply(fd, reply, sizeof(reply)), (long)len);
	memcpy(&h, reply, sizeof(h));
	ck_assert_uint_eq(h.type, T_ECHO);
	ck_assert_uint_eq(h.seq, 7);
	ck_assert_str_eq(reply + sizeof(h), "hello control");
	close(fd);
}
END_TEST

START_TEST(two_messages_in_one_write)
{
	char msg[256], reply[256];
	struct ctf_ctl_hdr h;
	int fd = client();
	size_t a = build(msg, T_ECHO, 1, "one");
	size_t b = build(msg + a, T_CHANGE, 2, NULL);
	long n;

	ck_assert_int_eq(write(fd, msg, a + b), (ssize_t)(a + b));
	pump();
	n = read(fd, reply, sizeof(reply));
	ck_assert_int_eq(ctf_ctl_frame(reply, (size_t)n), (long)a);
	ck_assert_int_eq(ctf_ctl_frame(reply + a, (size_t)n - a),
			 (long)(sizeof(h) + sizeof(struct ctf_ctl_result) + 1));
	memcpy(&h, reply + a, sizeof(h));
	ck_assert_uint_eq(h.type, CTF_CTL_RESULT);
	ck_assert_uint_eq(h.seq, 2);
	ck_assert_int_eq(changes, 1);
	close(fd);
}
END_TEST

static void expect_closed_after(const struct ctf_ctl_hdr *h)
{
	char reply[64];
	int fd = client();

	ck_assert_uint_eq(control_nclients(srv), 1);
	ck_assert_int_eq(write(fd, h, sizeof(*h)), (ssize_t)sizeof(*h));
	pump();
	ck_assert_uint_eq(control_nclients(srv), 0);
	ck_assert_int_eq(read(fd, reply, sizeof(reply)), 0);	/* EOF */
	close(fd);
}

START_TEST(oversize_message_closes_client)
{
	struct ctf_ctl_hdr h = { .type = T_ECHO, .len = CTF_CTL_MAX_MSG + 1 };

	expect_closed_after(&h);
}
END_TEST

START_TEST(undersize_length_closes_client)
{
	struct ctf_ctl_hdr h = { .type = T_ECHO, .len = 15 };

	expect_closed_after(&h);
}
END_TEST

START_TEST(unknown_type_is_refused_and_connection_kept)
{
	char msg[64], reply[256];
	struct ctf_ctl_result res;
	int fd = client();
	size_t len = build(msg, 4242, 9, NULL);

	ck_assert_int_eq(write(fd, msg, len), (ssize_t)len);
	ck_assert_int_gt(read_reply(fd, reply, sizeof(reply)), 0);
	memcpy(&res, reply + sizeof(struct ctf_ctl_hdr), sizeof(res));
	ck_assert_int_eq(res.error, -EOPNOTSUPP);
	ck_assert_uint_eq(control_nclients(srv), 1);
	close(fd);
	pump();
	ck_assert_uint_eq(control_nclients(srv), 0);
}
END_TEST

START_TEST(second_daemon_refused_and_socket_is_0660)
{
	struct event_base *b2 = event_base_new();
	struct stat st;

	ck_assert(control_check(path));
	ck_assert_ptr_null(control_init(b2, path, table, 1, NULL));
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0660);
	ck_assert(S_ISSOCK(st.st_mode));
	event_base_free(b2);
}
END_TEST

START_TEST(stale_socket_is_replaced_and_cleanup_unlinks)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char stale[160];
	struct event_base *b2 = event_base_new();
	struct control_server *s2;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(stale, sizeof(stale), "%s/stale.sock", dir);
	strcpy(sun.sun_path, stale);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);	/* the file stays, nobody listens */
	ck_assert(!control_check(stale));
	s2 = control_init(b2, stale, table, 1, NULL);
	ck_assert_ptr_nonnull(s2);
	ck_assert(control_check(stale));
	control_cleanup(s2);
	ck_assert_int_eq(access(stale, F_OK), -1);
	event_base_free(b2);
}
END_TEST

/* Only root can become another user to test a read-only peer. */
START_TEST(unprivileged_peer_may_read_but_not_change)
{
	char msg[64], reply[256];
	struct ctf_ctl_result res;
	size_t len;
	int fd;

	if (geteuid() != 0)
		return;
	ck_assert_int_eq(chmod(path, 0666), 0);
	ck_assert_int_eq(chmod(dir, 0755), 0);
	/* SO_PEERCRED records the effective ids at connect(): switch only around it. */
	ck_assert_int_eq(setegid(65534), 0);
	ck_assert_int_eq(seteuid(65534), 0);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	{
		struct sockaddr_un sun = { .sun_family = AF_UNIX };

		strcpy(sun.sun_path, path);
		ck_assert_int_eq(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	}
	ck_assert_int_eq(seteuid(0), 0);
	ck_assert_int_eq(setegid(0), 0);
	pump();

	len = build(msg, T_CHANGE, 5, NULL);
	ck_assert_int_eq(write(fd, msg, len), (ssize_t)len);
	ck_assert_int_gt(read_reply(fd, reply, sizeof(reply)), 0);
	memcpy(&res, reply + sizeof(struct ctf_ctl_hdr), sizeof(res));
	ck_assert_int_eq(res.error, -EPERM);
	ck_assert_int_eq(changes, 0);

	len = build(msg, T_ECHO, 6, "ro");
	ck_assert_int_eq(write(fd, msg, len), (ssize_t)len);
	ck_assert_int_eq(read_reply(fd, reply, sizeof(reply)), (long)len);
	ck_assert_str_eq(reply + sizeof(struct ctf_ctl_hdr), "ro");
	close(fd);
}
END_TEST

/* A client that sends and never reads stops being read; others are served meanwhile. */
START_TEST(a_client_that_never_reads_is_held_back)
{
	static char big[60000];
	char msg[sizeof(big) + 64], reply[sizeof(msg)];
	int a = client(), b = client(), sent = 0;
	size_t len;

	memset(big, 'x', sizeof(big) - 1);
	len = build(msg, T_ECHO, 1, big);
	ck_assert_int_eq(fcntl(a, F_SETFL, O_NONBLOCK), 0);
	/* 100 requests of 60 kB: 6 MB of replies, were it all buffered. */
	for (int i = 0; i < 100; i++) {
		size_t off = 0;

		while (off < len) {
			ssize_t n = write(a, msg + off, len - off);

			if (n < 0)
				break;
			off += (size_t)n;
			pump();
		}
		if (off < len)
			break;	/* the daemon stopped reading us: what we wanted */
		sent++;
	}
	ck_assert_int_lt(sent, 100);
	/* Another client is still answered. */
	len = build(msg, T_ECHO, 2, "b");
	ck_assert_int_eq(write(b, msg, len), (ssize_t)len);
	ck_assert_int_eq(read_reply(b, reply, sizeof(reply)), (long)len);
	close(b);
	close(a);
}
END_TEST

START_TEST(a_stream_arrives_whole_and_in_order)
{
	static char in[1 << 20];
	char msg[64];
	int fd = client();
	size_t len = build(msg, T_STREAM, 9, NULL), got = 0;
	uint32_t want = 0;
	bool end = false;

	ck_assert_int_eq(write(fd, msg, len), (ssize_t)len);
	while (!end) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t r;
		long n;

		pump();
		if (poll(&pfd, 1, 1000) <= 0)
			break;
		r = read(fd, in + got, sizeof(in) - got);
		if (r <= 0)
			break;
		got += (size_t)r;
		/* Every whole frame at the front, in order. */
		while (!end && (n = ctf_ctl_frame(in, got)) > 0) {
			struct ctf_ctl_hdr h;
			uint32_t v;

			memcpy(&h, in, sizeof(h));
			if (h.type == CTF_CTL_END) {
				end = true;
			} else {
				ck_assert_uint_eq(h.type, T_STREAM);
				memcpy(&v, in + sizeof(h), sizeof(v));
				ck_assert_uint_eq(v, want);
				want++;
			}
			/*
			 * A byte loop: with _FORTIFY_SOURCE, memmove() on this array
			 * is glibc's __memmove_chk, an alias of __memcpy_chk, which
			 * valgrind reports as an overlapping copy.
			 */
			for (size_t i = (size_t)n; i < got; i++)
				in[i - (size_t)n] = in[i];
			got -= (size_t)n;
		}
	}
	ck_assert(end);
	ck_assert_uint_eq(want, N_STREAM);
	close(fd);
}
END_TEST

START_TEST(silent_clients_are_closed)
{
	char buf[16];
	int fd;

	control_set_timeout(srv, 1);
	fd = client();
	/* Half a header, then nothing. */
	ck_assert_int_eq(write(fd, "\x64\0", 2), 2);
	for (int i = 0; i < 30 && control_nclients(srv); i++) {
		struct timeval tv = { 0, 100000 };

		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
	}
	ck_assert_uint_eq(control_nclients(srv), 0);
	ck_assert_int_eq(read(fd, buf, sizeof(buf)), 0);	/* closed on us */
	close(fd);
}
END_TEST

/* Fewer descriptors, fewer clients: those past the limit are closed at once. */
START_TEST(connections_past_the_limit_are_refused)
{
	struct rlimit old, low = { 64, 64 };
	int fds[24], open_ = 0;
	char buf[8];

	control_cleanup(srv);
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
	low.rlim_max = old.rlim_max;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
	srv = control_init(base, path, table, CTF_ARRAY_SIZE(table), NULL);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
	ck_assert_ptr_nonnull(srv);
	for (int i = 0; i < 24; i++)
		fds[i] = client();
	pump();
	ck_assert_uint_eq(control_nclients(srv), 16);	/* 64 / 4 */
	for (int i = 0; i < 24; i++) {
		struct pollfd pfd = { .fd = fds[i], .events = POLLIN };

		if (poll(&pfd, 1, 100) == 0 || read(fds[i], buf, sizeof(buf)) != 0)
			open_++;
		close(fds[i]);
	}
	ck_assert_int_eq(open_, 16);
}
END_TEST

START_TEST(a_path_that_is_not_a_socket_is_left_alone)
{
	char other[160];
	int fd;

	snprintf(other, sizeof(other), "%s/not-a-socket", dir);
	fd = open(other, O_CREAT | O_WRONLY, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_ptr_null(control_init(base, other, table, CTF_ARRAY_SIZE(table), NULL));
	ck_assert_int_eq(access(other, F_OK), 0);
	unlink(other);
}
END_TEST

START_TEST(frame_and_string_helpers)
{
	char buf[32] = "ab\0cd";
	struct ctf_ctl_hdr h = { .len = 20 };
	size_t off = 0;

	ck_assert_int_eq(ctf_ctl_frame(&h, 10), 0);
	ck_assert_int_eq(ctf_ctl_frame(&h, 19), 0);
	memcpy(buf + 8, &h, sizeof(h));
	ck_assert_int_eq(ctf_ctl_frame(buf + 8, 24), 20);
	ck_assert_str_eq(ctf_ctl_string(buf, 6, &off), "ab");
	ck_assert_str_eq(ctf_ctl_string(buf, 6, &off), "cd");
	ck_assert_ptr_null(ctf_ctl_string(buf, 6, &off));
	off = 3;
	ck_assert_ptr_null(ctf_ctl_string(buf, 5, &off));	/* "cd" not terminated */
}
END_TEST

static Suite *control_suite(void)
{
	Suite *s = suite_create("daemon_control");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, partial_writes_are_buffered_until_complete);
	tcase_add_test(tc, two_messages_in_one_write);
	tcase_add_test(tc, oversize_message_closes_client);
	tcase_add_test(tc, undersize_length_closes_client);
	tcase_add_test(tc, unknown_type_is_refused_and_connection_kept);
	tcase_add_test(tc, second_daemon_refused_and_socket_is_0660);
	tcase_add_test(tc, stale_socket_is_replaced_and_cleanup_unlinks);
	tcase_add_test(tc, unprivileged_peer_may_read_but_not_change);
	tcase_add_test(tc, frame_and_string_helpers);
	tcase_add_test(tc, a_client_that_never_reads_is_held_back);
	tcase_add_test(tc, a_stream_arrives_whole_and_in_order);
	tcase_add_test(tc, silent_clients_are_closed);
	tcase_add_test(tc, connections_past_the_limit_are_refused);
	tcase_add_test(tc, a_path_that_is_not_a_socket_is_left_alone);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run_suite(control_suite());
}
