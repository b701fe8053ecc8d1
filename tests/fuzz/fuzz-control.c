// SPDX-License-Identifier: Apache-2.0
/*
 * ctflowd's control socket, end to end: a real control server with the
 * daemon's own handlers and a small policy (no datapath), and a client that
 * connects over the Unix socket and sends the input. Every reply must be a
 * well-framed message of a reply type, the server must survive, and after
 * a reload the policy must be the configured one again.
 *
 * The first byte picks how the rest is sent:
 *  - odd: as raw bytes, then the client shuts down its side (framing,
 *    partial and out-of-range headers);
 *  - even: as a sequence of requests, each "type (1 byte), payload length
 *    (2 bytes, little-endian), payload", framed by the harness, followed by
 *    a SHOW whose END says every request before it was answered.
 */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "../../src/daemon/control.h"
#include "../../src/daemon/daemon.h"
#include "../../src/daemon/log.h"
#include "../../src/daemon/rcu.h"
#include "fuzz-common.h"

#define SENTINEL_SEQ 0xfffffff0u

static const char conf_text[] =
	"datapath ctf0\n"
	"port veth0\n"
	"port veth1\n"
	"default-action drop\n"
	"rule 10 recirc_id(0),in_port(veth0),eth_type(0x0800),ct_state(-trk) ct(zone=5),recirc(1)\n"
	"rule 20 recirc_id(1),in_port(veth0),eth_type(0x0800),ct_state(+trk+new) ct(commit,zone=5),veth1\n"
	"rule 20 recirc_id(1),in_port(veth1),eth_type(0x0800),ct_state(+trk+est) veth0\n";

static struct ctflowd d;
static char dir[64], sock_path[128], conf_path[128];
static size_t configured_rules;

static void setup(void)
{
	struct conf cfg;
	struct ctf_err err;
	FILE *f;

	/* Quiet: every refused request logs a line, thousands a second. */
	log_init(0, LOG_LOCAL7);
	setlogmask(LOG_MASK(LOG_EMERG));
	strcpy(dir, "/tmp/ctflow-fuzz.XXXXXX");
	if (!mkdtemp(dir))
		abort();
	snprintf(sock_path, sizeof(sock_path), "%s/ctflowd.sock", dir);
	snprintf(conf_path, sizeof(conf_path), "%s/ctflowd.conf", dir);
	f = fopen(conf_path, "w");
	if (!f || fputs(conf_text, f) < 0 || fclose(f))
		abort();
	daemon_init(&d);
	d.conf_path = conf_path;
	d.sock_path = sock_path;
	conf_init(&cfg);
	fuzz_check(!conf_load(&cfg, conf_path, &err) && !daemon_apply_config(&d, &cfg, &err),
		   "the configuration is refused: %s", err.msg);
	conf_free(&cfg);
	configured_rules = d.pol->n_rules;
	d.ctl = control_init(d.base, sock_path, daemon_ctl_handlers, daemon_n_ctl_handlers, &d);
	if (!d.ctl)
		abort();
}

static int client(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	strcpy(sun.sun_path, sock_path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)))
		abort();
	return fd;
}

/* The replies read so far: checked and consumed a message at a time. */
struct replies {
	unsigned char buf[4 * CTF_CTL_MAX_MSG];
	size_t len;
	bool eof, sentinel_done;
};

static void check_replies(struct replies *r)
{
	for (;;) {
		struct ctf_ctl_hdr h;
		long n = ctf_ctl_frame(r->buf, r->len);

		fuzz_check(n >= 0, "the daemon sent a reply with an impossible length");
		if (n == 0)
			return;
		memcpy(&h, r->buf, sizeof(h));
		fuzz_check(h.type == CTF_CTL_RESULT || h.type == CTF_CTL_END ||
				   h.type == CTF_CTL_RULE || h.type == CTF_CTL_SHOW_REPLY,
			   "the daemon sent a message of type %u", h.type);
		if (h.type == CTF_CTL_RESULT) {
			size_t off = sizeof(struct ctf_ctl_result);

			fuzz_check(h.len >= sizeof(h) + off &&
					   ctf_ctl_string(r->buf + sizeof(h), h.len - sizeof(h), &off),
				   "RESULT without its message");
		}
		if (h.seq == SENTINEL_SEQ && h.type == CTF_CTL_END)
			r->sentinel_done = true;
		/*
		 * A byte loop, not memmove(): glibc's fortified memmove is an alias
		 * of __memcpy_chk, which valgrind reports as an overlapping copy.
		 */
		for (size_t i = (size_t)n; i < r->len; i++)
			r->buf[i - (size_t)n] = r->buf[i];
		r->len -= (size_t)n;
	}
}

/* Run the daemon's loop and read what it sent, until @done or 200 idle turns. */
static void exchange(int fd, const unsigned char *out, size_t out_len, bool shut,
		     struct replies *r)
{
	size_t sent = 0;
	unsigned idle = 0;

	while (!r->eof && !r->sentinel_done && idle < 200) {
		bool progress = false;
		ssize_t n;

		if (sent < out_len) {
			n = send(fd, out + sent, out_len - sent, MSG_NOSIGNAL);
			if (n > 0) {
				sent += (size_t)n;
				progress = true;
			} else if (n < 0 && errno != EAGAIN) {
				sent = out_len;	/* the daemon closed us: read what it said */
			}
			if (sent == out_len && shut)
				shutdown(fd, SHUT_WR);
		}
		event_base_loop(d.base, EVLOOP_NONBLOCK);
		n = recv(fd, r->buf + r->len, sizeof(r->buf) - r->len, 0);
		if (n > 0) {
			r->len += (size_t)n;
			check_replies(r);
			progress = true;
		} else if (n == 0 || (n < 0 && errno != EAGAIN)) {
			r->eof = true;
		}
		idle = progress ? 0 : idle + 1;
	}
}

/* Turn "type, length, payload" records into framed requests, then the sentinel SHOW. */
static size_t frame_requests(const uint8_t *data, size_t size, unsigned char *out, size_t cap)
{
	size_t len = 0;
	uint32_t seq = 1;

	while (size >= 3) {
		struct ctf_ctl_hdr h;
		size_t plen = (size_t)data[1] | (size_t)data[2] << 8;

		if (plen > size - 3)
			plen = size - 3;
		if (len + sizeof(h) + plen > cap - sizeof(h))
			break;
		h = (struct ctf_ctl_hdr){ .type = data[0] % 20, .seq = seq++,
					  .len = (uint32_t)(sizeof(h) + plen) };
		memcpy(out + len, &h, sizeof(h));
		memcpy(out + len + sizeof(h), data + 3, plen);
		len += sizeof(h) + plen;
		data += 3 + plen;
		size -= 3 + plen;
	}
	struct ctf_ctl_hdr show = { .type = CTF_CTL_SHOW, .len = sizeof(show), .seq = SENTINEL_SEQ };
	memcpy(out + len, &show, sizeof(show));
	return len + sizeof(show);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char out[2 * CTF_CTL_MAX_MSG];
	static struct replies r;
	static bool ready;
	struct ctf_err err;
	uint64_t gen;
	int fd;

	if (!ready) {
		setup();
		ready = true;
	}
	if (size < 1 || size > CTF_CTL_MAX_MSG)
		return 0;
	gen = d.policy_gen;
	r.len = 0;
	r.eof = r.sentinel_done = false;
	fd = client();
	if (data[0] & 1) {
		exchange(fd, data + 1, size - 1, true, &r);
	} else {
		size_t n = frame_requests(data + 1, size - 1, out, sizeof(out));

		exchange(fd, out, n, false, &r);
		fuzz_check(r.sentinel_done, "the SHOW after the requests was not answered");
	}
	close(fd);
	/* Let the server see the close, then put the configured policy back. */
	for (int i = 0; i < 4; i++)
		event_base_loop(d.base, EVLOOP_NONBLOCK);
	fuzz_check(control_nclients(d.ctl) == 0, "%zu clients still connected",
		   control_nclients(d.ctl));
	if (d.policy_gen != gen)	/* the input changed the rules: put the configured ones back */
		fuzz_check(!daemon_reload(&d, &err), "reload failed: %s", err.msg);
	fuzz_check(d.pol->n_rules == configured_rules, "%zu rules after a reload, not %zu",
		   d.pol->n_rules, configured_rules);
	/*
	 * Free the replaced policies now rather than at the daemon's timer
	 * (no handler thread holds them): an input that ends with memory
	 * still allocated makes libFuzzer run a leak check after it.
	 */
	rcu_reclaim(d.rcu);
	return 0;
}
