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

struct options {
	bool debug, check_only;
	int verbose;
	const char *conf_path, *sock_path;
	char conf_abs[4096], sock_abs[4096];
};

/* Returns -1 to go on, or the exit status (--help, --version, a usage error). */
static int parse_options(int argc, char **argv, struct options *o)
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
	int c;

	o->conf_path = CTF_CONFIG_PATH;
	o->sock_path = CTF_CTL_SOCKET;
	while ((c = getopt_long(argc, argv, "dhnvVf:s:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o->debug = true; break;
		case 'v': o->verbose++; break;
		case 'n': o->check_only = true; break;
		case 'f': o->conf_path = optarg; break;
		case 's': o->sock_path = optarg; break;
		case 'V': printf("ctflowd %s\n", PACKAGE_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	/* daemon() moves to /: a relative -f or -s must still work on reload. */
	o->conf_path = absolute(o->conf_path, o->conf_abs, sizeof(o->conf_abs));
	o->sock_path = absolute(o->sock_path, o->sock_abs, sizeof(o->sock_abs));
	return -1;
}

/* ctflowd -n: the exit status. */
static int check_config(struct conf *cfg, int ret, struct ctf_err *err)
{
	char buf[1100];

	/* Build the policy too: it is what refuses a rule that repeats another. */
	if (!ret)
		ret = check_policy(cfg, err);
	if (ret)
		fprintf(stderr, "%s\n", ctf_err_text(err, buf, sizeof(buf)));
	else
		fprintf(stderr, "configuration OK\n");
	return ret ? 1 : 0;
}

/* A configuration that cannot start the daemon: the exit status. */
static int refuse_config(const struct options *o, int ret, struct ctf_err *err)
{
	char buf[1100];

	if (ret == -ENODATA) {
		/* A template (as a package installs it): nothing to run, and not a failure. */
		log_info("config: %s configures nothing: not starting", o->conf_path);
		if (!o->debug)
			fprintf(stderr, "ctflowd: %s configures nothing: not starting\n",
				o->conf_path);
		notify_ready("not configured");
		notify_stopping();
		return 0;
	}
	/* Whoever started us should see why, not only syslog. */
	if (!o->debug)
		fprintf(stderr, "ctflowd: config: %s\n", ctf_err_text(err, buf, sizeof(buf)));
	log_warnx("config: %s", ctf_err_text(err, buf, sizeof(buf)));
	/* EX_CONFIG: the unit does not restart a daemon whose configuration is wrong. */
	return EXIT_CONFIG;
}

/* Open the datapath, apply @cfg, listen, drop CAP_CHOWN, start the threads; fatal on failure. */
static void start(struct ctflowd *d, struct conf *cfg)
{
	struct ctf_err err;
	char buf[1100];

	ratelimit_init(&d->upcall_log, cfg->upcall_log_rate);
	/* The datapath first: rules are resolved against its real port numbers. */
	d->cfg = *cfg;
	if (!without_datapath()) {
		d->up = upcall_open(d, &err);
		if (!d->up)
			fatalx("upcall: %s", ctf_err_text(&err, buf, sizeof(buf)));
	}
	memset(&d->cfg, 0, sizeof(d->cfg));
	if (daemon_apply_config(d, cfg, &err))
		fatalx("config: %s", ctf_err_text(&err, buf, sizeof(buf)));
	/*
	 * The control socket before the handler threads: CAP_CHOWN, granted by
	 * the unit only to give the socket to the control-group, is dropped
	 * next, and capabilities are per thread.
	 */
	d->ctl = control_init_group(d->base, d->sock_path,
				    d->cfg.have_control_group ? d->cfg.control_gid : CONTROL_NO_GROUP,
				    daemon_ctl_handlers, daemon_n_ctl_handlers, d);
	if (!d->ctl)
		fatalx("control: cannot listen on %s", d->sock_path);
	if (privdrop_chown())
		fatalx("privileges: cannot drop CAP_CHOWN");
	/* With a policy in place the handler threads can take the misses waiting for them. */
	if (d->up) {
		if (upcall_start(d->up, d->cfg.handler_threads, &err))
			fatalx("upcall: %s", ctf_err_text(&err, buf, sizeof(buf)));
		d->rv = revalidate_start(d);
	}
}

/* The main loop, with signal events, until SIGTERM or SIGINT. */
static void run(struct ctflowd *d)
{
	struct event *ev_term = evsignal_new(d->base, SIGTERM, on_stop, d);
	struct event *ev_int = evsignal_new(d->base, SIGINT, on_stop, d);
	struct event *ev_hup = evsignal_new(d->base, SIGHUP, on_hup, d);
	char status[128];

	evsignal_add(ev_term, NULL);
	evsignal_add(ev_int, NULL);
	evsignal_add(ev_hup, NULL);
	notify_watchdog_start(d->base);

	log_info("ctflowd: started: datapath %s, %zu rules, %zu ports, upcalls %s, %zu handler threads, control %s",
		 d->cfg.datapath, d->pol->n_rules, d->cfg.n_ports, daemon_mode(d),
		 d->up ? upcall_n_handlers(d->up) : (size_t)0, d->sock_path);
	snprintf(status, sizeof(status), "%zu rules, upcalls %s", d->pol->n_rules, daemon_mode(d));
	notify_ready(status);

	event_base_dispatch(d->base);

	notify_stopping();
	notify_watchdog_stop();
	event_free(ev_term);
	event_free(ev_int);
	event_free(ev_hup);
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct ctflowd d;
	struct conf cfg;
	struct ctf_err err;
	int ret = parse_options(argc, argv, &o);

	if (ret >= 0)
		return ret;
	/* A config check talks to the terminal, like the daemon in -d. */
	log_init(o.debug || o.check_only, LOG_DAEMON);
	log_setverbose(o.verbose);

	conf_init(&cfg);
	ret = conf_load(&cfg, o.conf_path, &err);
	if (o.check_only || ret) {
		ret = o.check_only ? check_config(&cfg, ret, &err) : refuse_config(&o, ret, &err);
		conf_free(&cfg);
		return ret;
	}
	/* Before touching the datapath: a second daemon must not steal its upcalls. */
	if (control_check(o.sock_path))
		fatalx("control: socket %s already in use (another ctflowd is running)", o.sock_path);
	make_socket_dir(o.sock_path);

	/* systemd wants us in the foreground; a plain start without -d detaches. */
	if (!o.debug && !getenv("NOTIFY_SOCKET") && daemon(0, 0))
		fatal("daemon");
	signal(SIGPIPE, SIG_IGN);

	daemon_init(&d);
	d.conf_path = o.conf_path;
	d.sock_path = o.sock_path;
	d.start_ms = ctf_monotonic_ms();
	start(&d, &cfg);
	conf_free(&cfg);
	run(&d);

	/* Orderly shutdown: flows stay in the kernel so traffic keeps flowing. */
	control_cleanup(d.ctl);
	revalidate_stop(d.rv);
	upcall_close(d.up);
	daemon_cleanup(&d);
	log_info("ctflowd: terminating");
	return 0;
}
