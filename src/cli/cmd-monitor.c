// SPDX-License-Identifier: Apache-2.0
/*
 * monitor [DP] [count=N]: print datapath, port and flow notifications as they
 * happen. upcall-listen DP [PORT...] [count=N]: point ports' upcalls at us and
 * print each MISS/ACTION upcall. Both print one line per event on a
 * line-buffered stdout and stop cleanly on SIGINT/SIGTERM.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd-flow.h"
#include "commands.h"
#include "output.h"
#include "ctflow/dp.h"
#include "ctflow/monitor.h"
#include "ctflow/nlsock.h"

/* "count=N": stop after N events (0 = never). Returns 1 if @arg was one. */
static int parse_count(const char *arg, unsigned long *count, const char *verb)
{
	char *end;

	if (strncmp(arg, "count=", 6))
		return 0;
	errno = 0;
	*count = strtoul(arg + 6, &end, 10);
	if (!arg[6] || *end || errno || arg[6] == '-') {
		cli_error("cannot %s: bad `%s' (hint: count=N with N a number of events)", verb, arg);
		return -1;
	}
	return 1;
}

enum wait_result { WAIT_READY, WAIT_STOP, WAIT_ERROR };

static enum wait_result wait_readable(struct ctf_nlsock *sock)
{
	struct pollfd pfd = { .fd = ctf_nlsock_fd(sock), .events = POLLIN };

	for (;;) {
		if (cli_stop_requested)
			return WAIT_STOP;
		if (poll(&pfd, 1, -1) >= 0)
			return WAIT_READY;
		if (errno != EINTR)
			return WAIT_ERROR;
	}
}

/* A finished event goes out at once: whoever reads us waits for it. */
static int emit_line(struct ctf_str *line)
{
	cli_out_put(line->buf ? line->buf : "", line->len);
	cli_out_puts("\n");
	ctf_str_clear(line);
	return cli_out_flush() == CLI_OK ? 0 : -EPIPE;
}

/* --json: one compact object per line. */
static int emit_json(struct json_object *obj)
{
	cli_out_json(obj, CLI_JSON_LINE);
	cli_out_puts("\n");
	return cli_out_flush() == CLI_OK ? 0 : -EPIPE;
}

/* What the callbacks report about a message they could read (1), skip (0) or not (< 0). */
static int emitted(int ret, struct ctf_str *line, struct json_object *obj, const char *what)
{
	if (ret <= 0) {
		/* A message we cannot read is reported, not fatal: the next may be fine. */
		if (ret < 0)
			cli_error("ignoring a malformed %s", what);
		ctf_str_clear(line);
		return 0;
	}
	if (obj)
		return emit_json(obj) < 0 ? -EPIPE : 1;
	return emit_line(line) < 0 ? -EPIPE : 1;
}

/* ---- monitor ---------------------------------------------------------------- */

struct monitor_ctx {
	struct ctf_monitor_families fam;
	int dp_ifindex;
	unsigned flags;
	unsigned long count, seen;
	struct ctf_str line;
};

static int monitor_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct monitor_ctx *m = arg;
	struct json_object *obj = NULL;
	uint64_t now = ctf_monotonic_ms();
	int ret;

	if (cli_opts.json)
		ret = cli_json_monitor_event(nlh, &m->fam, m->dp_ifindex, now,
					     m->flags & CTF_MON_VERBOSE ? CTF_FMT_VERBOSE : 0, &obj);
	else
		ret = ctf_monitor_format(nlh, &m->fam, m->dp_ifindex, now, m->flags, &m->line);
	ret = emitted(ret, &m->line, obj, "notification");
	if (ret <= 0)
		return ret;
	if (m->count && ++m->seen >= m->count)
		return -ECANCELED;
	return 0;
}

/* Receive until stopped; -ECANCELED from the callback means "count reached". */
static int receive_loop(struct ctf_nlsock *sock, ctf_nl_cb cb, void *arg, struct ctf_str *line,
			const char *verb)
{
	for (;;) {
		enum wait_result w = wait_readable(sock);
		int ret;

		if (w == WAIT_STOP)
			return CLI_OK;
		if (w == WAIT_ERROR) {
			cli_error("cannot %s: poll: %s", verb, strerror(errno));
			return CLI_ERR;
		}
		ret = ctf_nlsock_recv(sock, cb, arg);
		if (ret == -ENOBUFS) {
			if (cli_opts.json) {
				ret = emit_json(cli_json_lost_event());
			} else {
				ctf_monitor_format_lost(line);
				ret = emit_line(line);
			}
			if (ret < 0)
				return CLI_ERR;
			continue;
		}
		if (ret == -EPROTO || ret == -EMSGSIZE)
			continue;	/* not from the kernel, or too big: consumed, go on */
		if (ret == -ECANCELED)
			return CLI_OK;
		if (ret == -EPIPE)
			return CLI_ERR;
		if (ret < 0 && ret != -EAGAIN && ret != -EINTR) {
			cli_error("cannot %s: %s", verb, strerror(-ret));
			return CLI_ERR;
		}
	}
}

int cmd_monitor(int argc, char **argv)
{
	struct monitor_ctx m;
	struct ctf_nlsock *sock;
	const char *dp = NULL;
	char dp_label[IFNAMSIZ + 8] = "all datapaths";
	int ret, rc;

	memset(&m, 0, sizeof(m));
	for (int i = 1; i < argc; i++) {
		int c = parse_count(argv[i], &m.count, "monitor");

		if (c < 0)
			return CLI_USAGE;
		if (c == 0) {
			if (dp) {
				cli_error("cannot monitor: more than one datapath given "
					  "(hint: ctflow monitor [DP] [count=N])");
				return CLI_USAGE;
			}
			dp = argv[i];
		}
	}
	if (dp) {
		struct flow_cli fc;

		if (flow_cli_open(&fc, dp, "monitor")) {
			flow_cli_close(&fc);
			return CLI_ERR;
		}
		m.dp_ifindex = fc.dp_ifindex;
		snprintf(dp_label, sizeof(dp_label), "system@%s", fc.dp_name);
		flow_cli_close(&fc);
	}
	ret = ctf_monitor_open(&sock, &m.fam);
	if (ret == -ENOENT) {
		cli_fail_nl("monitor", ret, NULL, NULL);
		return CLI_ERR;
	} else if (ret < 0) {
		cli_error("cannot monitor: cannot join the notification groups: %s", strerror(-ret));
		return CLI_ERR;
	}
	m.flags = cli_opts.more ? CTF_MON_VERBOSE : 0;
	ctf_str_init(&m.line);
	cli_catch_stop_signals();
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* On stderr, so that stdout stays one event per line (and pure JSON). */
	fprintf(stderr, "%s: monitoring %s (portid %u)\n", PROG_NAME, dp_label,
		ctf_nlsock_portid(sock));
	rc = receive_loop(sock, monitor_cb, &m, &m.line, "monitor");
	ctf_str_free(&m.line);
	ctf_nlsock_close(sock);
	return rc;
}

/* ---- upcall-listen ------------------------------------------------------------ */

/* The ports to redirect, each with the upcall PID to restore at the end. */
struct redirect {
	char name[IFNAMSIZ];
	uint32_t old_pid;
	bool done;
};

struct listen_ctx {
	uint16_t packet_family;
	unsigned flags;
	const struct ctf_portmap *ports;
	unsigned long count, seen;
	struct ctf_str line;
};

static int upcall_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct listen_ctx *l = arg;
	struct json_object *obj = NULL;
	int ret;

	if (cli_opts.json)
		ret = cli_json_upcall(nlh, l->packet_family, l->ports,
				      (l->flags & CTF_MON_VERBOSE ? CTF_FMT_VERBOSE : 0) |
				      (l->ports ? CTF_FMT_NAMES : 0), &obj);
	else
		ret = ctf_upcall_format(nlh, l->packet_family, l->ports, l->flags, &l->line);
	ret = emitted(ret, &l->line, obj, "upcall");
	if (ret <= 0)
		return ret;
	if (l->count && ++l->seen >= l->count)
		return -ECANCELED;
	return 0;
}

static const struct ctf_vport_info *find_port(const struct cli_port_list *l, const char *arg)
{
	char *end;
	unsigned long no = strtoul(arg, &end, 10);

	for (size_t i = 0; i < l->n; i++) {
		if (!strcmp(l->ports[i].name, arg) || (!*end && end != arg && l->ports[i].port_no == no))
			return &l->ports[i];
	}
	return NULL;
}

static int set_port_pid(struct ctf_nlsock *sock, int dp_ifindex, const char *name, uint32_t pid)
{
	struct ctf_vport_req req = {
		.name = name,
		.port_no = CTF_VPORT_NO_ANY,
		.upcall_pids = &pid,
		.n_upcall_pids = 1,
	};
	struct ctf_err nlerr;
	int ret = ctf_vport_set(sock, dp_ifindex, &req, NULL, &nlerr);
	char what[64];

	if (ret < 0) {
		snprintf(what, sizeof(what), "set the upcall PID of port `%s'", name);
		cli_fail_nl(what, ret, &nlerr, NULL);
	}
	return ret;
}

/* In per-CPU dispatch mode the kernel sends misses to pids[cpu], not to the port's PID. */
static int set_cpu_pids(struct ctf_nlsock *sock, const struct ctf_dp_info *dp, uint32_t pid)
{
	struct ctf_dp_ref ref = { .dp_ifindex = dp->dp_ifindex };
	unsigned n = ctf_monitor_n_cpus();
	uint32_t *pids = ctf_xmalloc(n * sizeof(*pids));
	struct ctf_err nlerr;
	int ret;

	for (unsigned i = 0; i < n; i++)
		pids[i] = pid;
	ret = ctf_dp_set(sock, &ref, dp->user_features, pids, n, NULL, &nlerr);
	if (ret < 0) {
		char what[64];

		snprintf(what, sizeof(what), "set the per-CPU upcall PIDs of %s", dp->name);
		cli_fail_nl(what, ret, &nlerr, NULL);
	}
	free(pids);
	return ret;
}

static bool per_cpu_dispatch(const struct ctf_dp_info *dp)
{
	return dp->user_features & OVS_DP_F_DISPATCH_UPCALL_PER_CPU;
}

/*
 * The ports named on the command line (every port when none is), each with
 * the upcall PID to give back; count=N is read on the way. A CLI status.
 */
static int pick_redirects(int argc, char **argv, const struct cli_port_list *all, const char *dp_name,
			  struct redirect *redir, size_t *n_redir, unsigned long *count)
{
	for (int i = 2; i < argc; i++) {
		const struct ctf_vport_info *p;
		int c = parse_count(argv[i], count, "listen for upcalls");

		if (c < 0)
			return CLI_USAGE;
		if (c)
			continue;
		p = find_port(all, argv[i]);
		if (!p) {
			cli_error("cannot listen for upcalls: no port `%s' in %s "
				  "(hint: ctflow show %s lists the ports)", argv[i], dp_name, dp_name);
			return CLI_ERR;
		}
		snprintf(redir[*n_redir].name, IFNAMSIZ, "%s", p->name);
		redir[(*n_redir)++].old_pid = p->upcall_pid0;
	}
	if (!*n_redir) {
		for (size_t i = 0; i < all->n; i++) {
			snprintf(redir[i].name, IFNAMSIZ, "%s", all->ports[i].name);
			redir[i].old_pid = all->ports[i].upcall_pid0;
		}
		*n_redir = all->n;
	}
	return CLI_OK;
}

/* Point the upcalls of the ports @redir (and the per-CPU PIDs) at @portid. */
static int point_upcalls(struct flow_cli *fc, const struct ctf_dp_info *dp,
			 struct redirect *redir, size_t n_redir, uint32_t portid, bool *cpu_pids_set)
{
	for (size_t i = 0; i < n_redir; i++) {
		if (set_port_pid(fc->sock, fc->dp_ifindex, redir[i].name, portid) < 0)
			return -1;
		redir[i].done = true;
	}
	if (per_cpu_dispatch(dp)) {
		if (set_cpu_pids(fc->sock, dp, portid) < 0)
			return -1;
		*cpu_pids_set = true;
	}
	return 0;
}

/* Give the ports back to whoever had them (0: nobody, upcalls off). */
static int give_back_upcalls(struct flow_cli *fc, const struct ctf_dp_info *dp,
			     const struct redirect *redir, size_t n_redir, bool cpu_pids_set)
{
	int ret = 0;

	for (size_t i = 0; i < n_redir; i++) {
		if (redir[i].done &&
		    set_port_pid(fc->sock, fc->dp_ifindex, redir[i].name, redir[i].old_pid) < 0)
			ret = -1;
	}
	if (cpu_pids_set && set_cpu_pids(fc->sock, dp, dp->per_cpu_pid0) < 0)
		ret = -1;
	return ret;
}

int cmd_upcall_listen(int argc, char **argv)
{
	struct listen_ctx l;
	struct flow_cli fc;
	struct cli_port_list all = { 0 };
	struct redirect *redir = NULL;
	struct ctf_portmap names;
	struct ctf_nlsock *usock = NULL;
	struct ctf_dp_info dp;
	struct ctf_dp_ref ref;
	size_t n_redir = 0;
	bool cpu_pids_set = false;
	int ret, rc = CLI_ERR;

	memset(&l, 0, sizeof(l));
	/* A bad count=N is a bad command line, whatever the datapath. */
	for (int i = 2; i < argc; i++)
		if (parse_count(argv[i], &l.count, "listen for upcalls") < 0)
			return CLI_USAGE;
	ctf_portmap_init(&names);
	if (flow_cli_open(&fc, argv[1], "listen for upcalls"))
		goto out;
	ref.name = fc.dp_name;
	ref.dp_ifindex = 0;
	if (ctf_dp_get(fc.sock, &ref, &dp, NULL) < 0 ||
	    cli_port_list_load(fc.sock, fc.dp_ifindex, &all, NULL) < 0) {
		cli_error("cannot listen for upcalls: cannot read datapath %s", fc.dp_name);
		goto out;
	}
	redir = ctf_xzalloc((all.n + 1) * sizeof(*redir));
	rc = pick_redirects(argc, argv, &all, fc.dp_name, redir, &n_redir, &l.count);
	if (rc != CLI_OK)
		goto out;
	rc = CLI_ERR;
	for (size_t i = 0; i < all.n; i++)
		ctf_portmap_add(&names, all.ports[i].port_no, all.ports[i].name);

	ret = ctf_nlsock_open(&usock);
	if (ret == 0)
		ret = ctf_nlsock_family(usock, OVS_PACKET_FAMILY, &l.packet_family);
	if (ret < 0) {
		cli_error("cannot listen for upcalls: cannot open the upcall socket: %s",
			  strerror(-ret));
		goto out;
	}
	cli_catch_stop_signals();
	if (point_upcalls(&fc, &dp, redir, n_redir, ctf_nlsock_portid(usock), &cpu_pids_set) < 0)
		goto restore;

	l.flags = cli_opts.more ? CTF_MON_VERBOSE : 0;
	l.ports = cli_opts.names ? &names : NULL;
	ctf_str_init(&l.line);
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* With --json on stderr, so that stdout is JSON only. */
	fprintf(cli_opts.json ? stderr : stdout, "listening for upcalls on %s (portid %u)\n",
		fc.dp_name, ctf_nlsock_portid(usock));
	fflush(cli_opts.json ? stderr : stdout);
	rc = receive_loop(usock, upcall_cb, &l, &l.line, "listen for upcalls");
	ctf_str_free(&l.line);

restore:
	if (give_back_upcalls(&fc, &dp, redir, n_redir, cpu_pids_set) < 0)
		rc = CLI_ERR;
out:
	if (usock)
		ctf_nlsock_close(usock);
	free(redir);
	free(all.ports);
	ctf_portmap_free(&names);
	flow_cli_close(&fc);
	return rc;
}
