// SPDX-License-Identifier: Apache-2.0
/*
 * ctflowd's control socket, end to end: a real control server with the
 * daemon's own handlers and a small policy (no datapath), and a client that
 * connects over the Unix socket and sends the input. Every reply must be a
 * well-framed message of a reply type, the server must survive, every
 * client must be gone once it closed, and after each input the rules must
 * be the configured ones again (a reload puts them back).
 *
 * The first byte picks how the rest is sent:
 *  - odd: as raw bytes, then the client shuts down its side (framing,
 *    partial and out-of-range headers): the server must close;
 *  - even: as a sequence of requests, each "type (1 byte), payload length
 *    (2 bytes, little-endian), payload", framed by the harness, followed by
 *    a sentinel SHOW: each request must get its replies, ending in one
 *    RESULT or END, in order, and the sentinel its END.
 *
 * The client's socket is an event of the daemon's loop, which blocks until
 * one side can go on: a silent server costs nothing, and one that neither
 * answers nor closes is reported after HANG_S seconds.
 */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
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

/* The configured rules, by content: what every input must leave in place. */
struct rule_copy {
	uint32_t priority;
	void *key, *mask, *actions;
	size_t key_len, mask_len, actions_len;
};
static struct rule_copy *configured;
static size_t n_configured;

static void *copy_nlbuf(const struct ctf_nlbuf *b, size_t *len)
{
	void *p = malloc(ctf_nlbuf_len(b) + 1);

	if (!p)
		abort();
	*len = ctf_nlbuf_len(b);
	memcpy(p, ctf_nlbuf_data(b), *len);
	return p;
}

static bool same_nlbuf(const struct ctf_nlbuf *b, const void *p, size_t len)
{
	return ctf_nlbuf_len(b) == len && !memcmp(ctf_nlbuf_data(b), p, len);
}

static void remember_configured(const struct policy *pol)
{
	n_configured = pol->n_rules;
	configured = calloc(n_configured + 1, sizeof(*configured));
	if (!configured)
		abort();
	for (size_t i = 0; i < n_configured; i++) {
		const struct conf_rule *t = &pol->rules[i]->text;
		struct rule_copy *c = &configured[i];

		c->priority = t->priority;
		c->key = copy_nlbuf(&t->key, &c->key_len);
		c->mask = copy_nlbuf(&t->mask, &c->mask_len);
		c->actions = copy_nlbuf(&t->actions, &c->actions_len);
	}
}

/* Are @pol's rules the configured ones, in their order? */
static bool is_configured(const struct policy *pol)
{
	if (pol->n_rules != n_configured)
		return false;
	for (size_t i = 0; i < n_configured; i++) {
		const struct conf_rule *t = &pol->rules[i]->text;
		const struct rule_copy *c = &configured[i];

		if (t->priority != c->priority || !same_nlbuf(&t->key, c->key, c->key_len) ||
		    !same_nlbuf(&t->mask, c->mask, c->mask_len) ||
		    !same_nlbuf(&t->actions, c->actions, c->actions_len))
			return false;
	}
	return true;
}

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
	remember_configured(d.pol);
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

/*
 * The replies read so far: checked and consumed a message at a time. With
 * requests the harness framed (seq 1, 2, ... and the sentinel last), each
 * is answered by its own records, if any, and then exactly one RESULT or
 * END, in the order they were sent.
 */
struct replies {
	unsigned char buf[4 * CTF_CTL_MAX_MSG];
	size_t len;
	bool eof, sentinel_done;
	uint32_t next_seq;	/* the request whose replies are due; 0: raw input */
	uint32_t sentinel_seq;
};

static void check_order(struct replies *r, const struct ctf_ctl_hdr *h)
{
	bool last = h->type == CTF_CTL_RESULT || h->type == CTF_CTL_END;

	fuzz_check(h->seq == r->next_seq, "a reply (type %u) to request %u while %u's were due",
		   h->type, h->seq, r->next_seq);
	if (!last)
		return;
	if (h->seq == r->sentinel_seq) {
		fuzz_check(h->type == CTF_CTL_END, "the SHOW after the requests was refused");
		r->sentinel_done = true;
	}
	r->next_seq++;
}

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
		if (r->next_seq)
			check_order(r, &h);
		/*
		 * A byte loop, not memmove(): glibc's fortified memmove is an alias
		 * of __memcpy_chk, which valgrind reports as an overlapping copy.
		 */
		for (size_t i = (size_t)n; i < r->len; i++)
			r->buf[i - (size_t)n] = r->buf[i];
		r->len -= (size_t)n;
	}
}

/*
 * The client's side of one exchange. Its socket is an event of the daemon's
 * own loop, so that one blocking turn of the loop runs whichever side can
 * go on: the loop waits only when neither can, and then nothing will change
 * (a server that neither answers nor closes is a hang, which the timeout
 * reports).
 */
struct client {
	int fd;
	const unsigned char *out;
	size_t out_len, sent;
	bool shut;
	struct replies *r;
	struct event *ev_read, *ev_write;
};

/* Longer than any one turn of the loop takes, even under valgrind. */
#define HANG_S 5

static void client_send(struct client *c)
{
	struct timeval hang = { HANG_S, 0 };

	/* The server took bytes: it is alive, the wait for its replies starts again. */
	event_add(c->ev_read, &hang);
	while (c->sent < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->sent, c->out_len - c->sent, MSG_NOSIGNAL);

		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0)
			c->sent = c->out_len;	/* the daemon closed us: read what it said */
		else
			c->sent += (size_t)n;
	}
	if (c->shut)
		shutdown(c->fd, SHUT_WR);
	event_del(c->ev_write);
}

static void client_recv(struct client *c)
{
	struct replies *r = c->r;

	while (!r->eof) {
		ssize_t n = recv(c->fd, r->buf + r->len, sizeof(r->buf) - r->len, 0);

		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			r->eof = true;
			return;
		}
		r->len += (size_t)n;
		check_replies(r);
	}
}

static void client_io(evutil_socket_t fd, short what, void *arg)
{
	struct client *c = arg;

	if (what & EV_WRITE)
		client_send(c);
	if (what & EV_READ)
		client_recv(c);
	else
		fuzz_check(!(what & EV_TIMEOUT),
			   "the daemon neither answered nor closed the connection for %d s", HANG_S);
}

/* Send @out, and check what the daemon sends back, until its EOF or the sentinel's END. */
static void exchange(int fd, const unsigned char *out, size_t out_len, bool shut,
		     struct replies *r)
{
	struct timeval hang = { HANG_S, 0 };
	struct client c = { .fd = fd, .out = out, .out_len = out_len, .shut = shut, .r = r };

	c.ev_read = event_new(d.base, fd, EV_READ | EV_PERSIST, client_io, &c);
	c.ev_write = event_new(d.base, fd, EV_WRITE | EV_PERSIST, client_io, &c);
	if (!c.ev_read || !c.ev_write)
		abort();
	event_add(c.ev_read, &hang);
	client_send(&c);	/* most inputs fit the socket's buffer at once */
	if (c.sent < c.out_len)
		event_add(c.ev_write, NULL);
	while (!r->eof && !r->sentinel_done)
		event_base_loop(d.base, EVLOOP_ONCE);
	event_free(c.ev_read);
	event_free(c.ev_write);
}

static void hang_timer(evutil_socket_t fd, short what, void *arg)
{
	fuzz_check(false, "%zu clients still connected %d s after they closed",
		   control_nclients(d.ctl), HANG_S);
}

/* Run the loop until the server has seen the client go. */
static void wait_no_clients(void)
{
	struct timeval hang = { HANG_S, 0 };
	struct event *ev = evtimer_new(d.base, hang_timer, NULL);

	if (!ev)
		abort();
	evtimer_add(ev, &hang);
	while (control_nclients(d.ctl))
		event_base_loop(d.base, EVLOOP_ONCE);
	event_free(ev);
}

/*
 * Turn "type, length, payload" records into framed requests, then the
 * sentinel SHOW, whose seq goes to @sentinel_seq.
 */
static size_t frame_requests(const uint8_t *data, size_t size, unsigned char *out, size_t cap,
			     uint32_t *sentinel_seq)
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
	struct ctf_ctl_hdr show = { .type = CTF_CTL_SHOW, .len = sizeof(show), .seq = seq };

	*sentinel_seq = seq;
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
	r.next_seq = 0;
	fd = client();
	if (data[0] & 1) {
		exchange(fd, data + 1, size - 1, true, &r);
	} else {
		size_t n = frame_requests(data + 1, size - 1, out, sizeof(out), &r.sentinel_seq);

		r.next_seq = 1;
		exchange(fd, out, n, false, &r);
		fuzz_check(r.sentinel_done, "the SHOW after the requests was not answered");
	}
	close(fd);
	wait_no_clients();
	/*
	 * The input changed the rules: a reload must put the configured ones
	 * back. When they already are (the input's last change was its own
	 * reload), that reload is what the check below judges.
	 */
	if (d.policy_gen != gen && !is_configured(d.pol))
		fuzz_check(!daemon_reload(&d, &err), "reload failed: %s", err.msg);
	fuzz_check(is_configured(d.pol), "%zu rules after a reload, not the %zu configured",
		   d.pol->n_rules, n_configured);
	/*
	 * Free the replaced policies now rather than at the daemon's timer
	 * (no handler thread holds them): an input that ends with memory
	 * still allocated makes libFuzzer run a leak check after it.
	 */
	rcu_reclaim(d.rcu);
	return 0;
}
