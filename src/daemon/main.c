// SPDX-License-Identifier: Apache-2.0
/*
 * ctflowd: resolve datapath misses by policy. The main() of the OpenBSD
 * daemons: options, log_init, the configuration (with -n: check it and
 * exit), then a libevent loop with signal events, the control socket and
 * the upcall sockets. Under systemd (Type=notify) it stays in the
 * foreground and reports READY/RELOADING/STOPPING.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>

#include "ctflow/flow.h"
#include "control.h"
#include "daemon.h"
#include "log.h"
#include "notify.h"
#include "privdrop.h"
#include "revalidate.h"
#include "upcall.h"

/* sysexits.h's EX_CONFIG, which systemd shows as "CONFIG". */
#define EXIT_CONFIG 78

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ctflowd [-dhnvV] [-f FILE] [-s SOCKET]\n"
		"Resolve Open vSwitch datapath misses with a conntrack-aware policy.\n\n"
		"  -d, --debug          stay in the foreground and log to stderr\n"
		"  -v, --verbose        log debug messages too\n"
		"  -n, --check          check the configuration file and exit (0: valid)\n"
		"  -f, --config FILE    configuration file (default %s)\n"
		"  -s, --socket SOCKET  control socket (default %s)\n"
		"  -V, --version        print the version and exit\n"
		"  -h, --help           this help\n\n"
		"See ctflowd(8) and ctflowd.conf(5).\n", CTF_CONFIG_PATH, CTF_CTL_SOCKET);
}

static void on_stop(evutil_socket_t sig, short what, void *arg)
{
	struct ctflowd *d = arg;

	log_info("ctflowd: received %s: terminating", strsignal((int)sig));
	event_base_loopbreak(d->base);
}

static void on_hup(evutil_socket_t sig, short what, void *arg)
{
	struct ctflowd *d = arg;
	struct ctf_err err;

	log_info("ctflowd: received SIGHUP: reloading %s", d->conf_path);
	ctf_err_clear(&err);
	daemon_reload(d, &err);	/* logs either way */
}

static const char *absolute(const char *path, char *buf, size_t size)
{
	char cwd[4096];

	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return path;
	if ((size_t)snprintf(buf, size, "%s/%s", cwd, path) >= size)
		return path;
	return buf;
}

/*
 * The socket's directory comes from systemd's RuntimeDirectory=; started by
 * hand, make it (and its parents) ourselves.
 */
static void make_socket_dir(const char *path)
{
	char dir[4096];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST)
			log_warn("control: mkdir %s", dir);
		*p = '/';
	}
	/*
	 * The socket's own 0660 decides who gets in; the directory only has to
	 * let a control-group member reach it, whatever the umask (UMask=0027
	 * would make it 0750 root:root).
	 */
	if (mkdir(dir, 0755)) {
		if (errno != EEXIST)
			log_warn("control: mkdir %s", dir);
	} else if (chmod(dir, 0755)) {
		log_warn("control: chmod %s", dir);
	}
}

/* ctflowd -n: would this configuration make a policy? */
static int check_policy(struct conf *cfg, struct ctf_err *err)
{
	struct conf copy;
	struct ctf_portmap map;
	struct policy *pol = NULL;
	uint64_t next_id = 1;
	int ret;

	/* The policy takes the rules over: give it a copy, the caller frees cfg. */
	conf_init(&copy);
	copy.path = cfg->path ? ctf_xstrdup(cfg->path) : NULL;
	copy.megaflows = cfg->megaflows;
	copy.rules = cfg->rules;
	copy.n_rules = cfg->n_rules;
	cfg->rules = NULL;
	cfg->n_rules = 0;
	ctf_nlbuf_set(&copy.default_actions, ctf_nlbuf_data(&cfg->default_actions),
		      ctf_nlbuf_len(&cfg->default_actions));
	conf_portmap(cfg, &map);
	ret = policy_from_config(&pol, &copy, &map, NULL, &next_id, NULL, err);
	policy_free(pol);
	ctf_portmap_free(&map);
	conf_free(&copy);
	return ret;
}

/* Tests on machines without the openvswitch module run the control plane only. */
static bool without_datapath(void)
{
	const char *v = getenv("CTFLOWD_NO_DATAPATH");

	return v && !strcmp(v, "1");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "debug", no_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "check", no_argument, NULL, 'n' },
		{ "config", required_argument, NULL, 'f' },
		{ "socket", required_argument, NULL, 's' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctflowd d;
	struct conf cfg;
	struct ctf_err err;
	struct event *ev_term, *ev_int, *ev_hup;
	bool debug = false, check_only = false;
	const char *conf_path = CTF_CONFIG_PATH, *sock_path = CTF_CTL_SOCKET;
	int verbose = 0, c, ret;
	char buf[1100], status[128], conf_abs[4096], sock_abs[4096];

	while ((c = getopt_long(argc, argv, "dhnvVf:s:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': debug = true; break;
		case 'v': verbose++; break;
		case 'n': check_only = true; break;
		case 'f': conf_path = optarg; break;
		case 's': sock_path = optarg; break;
		case 'V': printf("ctflowd %s\n", PACKAGE_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 1;
	}

	/* daemon() moves to /: a relative -f or -s must still work on reload. */
	conf_path = absolute(conf_path, conf_abs, sizeof(conf_abs));
	sock_path = absolute(sock_path, sock_abs, sizeof(sock_abs));

	/* A config check talks to the terminal, like the daemon in -d. */
	log_init(debug || check_only, LOG_DAEMON);
	log_setverbose(verbose);

	conf_init(&cfg);
	ret = conf_load(&cfg, conf_path, &err);
	if (check_only) {
		/* Build the policy too: it is what refuses a rule that repeats another. */
		if (!ret)
			ret = check_policy(&cfg, &err);
		if (ret)
			fprintf(stderr, "%s\n", ctf_err_text(&err, buf, sizeof(buf)));
		else
			fprintf(stderr, "configuration OK\n");
		conf_free(&cfg);
		return ret ? 1 : 0;
	}
	if (ret == -ENODATA) {
		/* A template (as a package installs it): nothing to run, and not a failure. */
		log_info("config: %s configures nothing: not starting", conf_path);
		if (!debug)
			fprintf(stderr, "ctflowd: %s configures nothing: not starting\n", conf_path);
		notify_ready("not configured");
		notify_stopping();
		conf_free(&cfg);
		return 0;
	}
	if (ret) {
		/* Whoever started us should see why, not only syslog. */
		if (!debug)
			fprintf(stderr, "ctflowd: config: %s\n", ctf_err_text(&err, buf, sizeof(buf)));
		log_warnx("config: %s", ctf_err_text(&err, buf, sizeof(buf)));
		conf_free(&cfg);
		/* EX_CONFIG: the unit does not restart a daemon whose configuration is wrong. */
		return EXIT_CONFIG;
	}
	/* Before touching the datapath: a second daemon must not steal its upcalls. */
	if (control_check(sock_path))
		fatalx("control: socket %s already in use (another ctflowd is running)", sock_path);
	make_socket_dir(sock_path);

	/* systemd wants us in the foreground; a plain start without -d detaches. */
	if (!debug && !getenv("NOTIFY_SOCKET") && daemon(0, 0))
		fatal("daemon");
	signal(SIGPIPE, SIG_IGN);

	daemon_init(&d);
	d.conf_path = conf_path;
	d.sock_path = sock_path;
	d.start_ms = ctf_monotonic_ms();
	ratelimit_init(&d.upcall_log, cfg.upcall_log_rate);

	/* The datapath first: rules are resolved against its real port numbers. */
	d.cfg = cfg;
	if (!without_datapath()) {
		d.up = upcall_open(&d, &err);
		if (!d.up)
			fatalx("upcall: %s", ctf_err_text(&err, buf, sizeof(buf)));
	}
	memset(&d.cfg, 0, sizeof(d.cfg));
	if (daemon_apply_config(&d, &cfg, &err))
		fatalx("config: %s", ctf_err_text(&err, buf, sizeof(buf)));
	conf_free(&cfg);
	/*
	 * The control socket before the handler threads: CAP_CHOWN, granted by
	 * the unit only to give the socket to the control-group, is dropped
	 * next, and capabilities are per thread.
	 */
	d.ctl = control_init_group(d.base, d.sock_path,
				   d.cfg.have_control_group ? d.cfg.control_gid : CONTROL_NO_GROUP,
				   daemon_ctl_handlers, daemon_n_ctl_handlers, &d);
	if (!d.ctl)
		fatalx("control: cannot listen on %s", d.sock_path);
	if (privdrop_chown())
		fatalx("privileges: cannot drop CAP_CHOWN");
	/* With a policy in place the handler threads can take the misses waiting for them. */
	if (d.up) {
		if (upcall_start(d.up, d.cfg.handler_threads, &err))
			fatalx("upcall: %s", ctf_err_text(&err, buf, sizeof(buf)));
		d.rv = revalidate_start(&d);
	}

	ev_term = evsignal_new(d.base, SIGTERM, on_stop, &d);
	ev_int = evsignal_new(d.base, SIGINT, on_stop, &d);
	ev_hup = evsignal_new(d.base, SIGHUP, on_hup, &d);
	evsignal_add(ev_term, NULL);
	evsignal_add(ev_int, NULL);
	evsignal_add(ev_hup, NULL);
	notify_watchdog_start(d.base);

	log_info("ctflowd: started: datapath %s, %zu rules, %zu ports, upcalls %s, %zu handler threads, control %s",
		 d.cfg.datapath, d.pol->n_rules, d.cfg.n_ports, daemon_mode(&d),
		 d.up ? upcall_n_handlers(d.up) : (size_t)0, d.sock_path);
	snprintf(status, sizeof(status), "%zu rules, upcalls %s", d.pol->n_rules, daemon_mode(&d));
	notify_ready(status);

	event_base_dispatch(d.base);

	/* Orderly shutdown: flows stay in the kernel so traffic keeps flowing. */
	notify_stopping();
	notify_watchdog_stop();
	control_cleanup(d.ctl);
	revalidate_stop(d.rv);
	upcall_close(d.up);
	event_free(ev_term);
	event_free(ev_int);
	event_free(ev_hup);
	daemon_cleanup(&d);
	log_info("ctflowd: terminating");
	return 0;
}
