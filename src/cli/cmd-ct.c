// SPDX-License-Identifier: Apache-2.0
/*
 * Conntrack commands: dump-conntrack, flush-conntrack, monitor-conntrack,
 * ct-stats-show, ct-get-nconns and the per-zone limits (ct-set-limits,
 * ct-del-limits, ct-get-limits), with ovs-dpctl's arguments and output.
 *
 * The datapath argument is accepted for compatibility only: conntrack and
 * its limits belong to the network namespace, shared by every datapath in
 * it. When given, it must name an existing datapath if the openvswitch
 * module is there to ask; without the module it is accepted unchecked
 * (conntrack works without openvswitch.ko).
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <json-c/json.h>

#include "ctflow/conntrack.h"
#include "ctflow/dp.h"
#include "ctflow/nlsock.h"
#include "cli.h"
#include "commands.h"
#include "output.h"

/* ---- helpers ------------------------------------------------------------ */

/*
 * Check the optional datapath argument ([system@]NAME). Returns CLI_OK, or
 * CLI_ERR for a type we do not drive, a bad name or a datapath that does not
 * exist.
 */
static int check_dp(const char *arg)
{
	const char *name = cli_dp_name(arg, "use the datapath");
	struct ctf_dp_ref ref = { 0 };
	struct ctf_dp_info info;
	struct ctf_nlsock *sock;
	uint16_t family;
	int r;

	if (!name)
		return CLI_ERR;
	if (ctf_nlsock_open(&sock) < 0)
		return CLI_OK;	/* cannot check: accept */
	r = ctf_nlsock_family(sock, OVS_DATAPATH_FAMILY, &family);
	if (r == 0) {
		ref.name = name;
		r = ctf_dp_get(sock, &ref, &info, NULL);
		if (r == -ENODEV || r == -ENOENT) {
			ctf_nlsock_close(sock);
			cli_error("%s: datapath not found (hint: ctflow dump-dps lists them)", arg);
			return CLI_ERR;
		}
	}
	ctf_nlsock_close(sock);
	return CLI_OK;
}

/*
 * If argv[*i] is a datapath name (no '=', non-empty, not one of the
 * command's keywords), check it and skip it.
 */
static int take_dp(int argc, char **argv, int *i, const char *keyword)
{
	const char *a;

	if (*i >= argc)
		return CLI_OK;
	a = argv[*i];
	if (!*a || strchr(a, '=') || (keyword && !strcmp(a, keyword)))
		return CLI_OK;
	(*i)++;
	return check_dp(a);
}

/* Unsigned number in [0, max]; -ERANGE / -EINVAL like the library parsers. */
static int parse_num(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

static int zone_arg(const char *token, const char *val, uint16_t *zone)
{
	uint64_t v;
	int r = parse_num(val, UINT16_MAX, &v);

	if (r) {
		cli_error("%s: %s (hint: a zone is 0..65535)", token,
			  r == -ERANGE ? "zone out of range" : "invalid zone");
		return CLI_USAGE;
	}
	*zone = (uint16_t)v;
	return CLI_OK;
}

/* ---- dump-conntrack ------------------------------------------------------ */

struct dump_ctx {
	struct ctf_str line;
	bool json;		/* --json */
	unsigned long n;	/* entries printed */
};

static void json_tuple(json_object *o, const char *key, const struct ctf_ct_tuple *t)
{
	json_object *j = json_object_new_object();
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	inet_ntop(t->l3, t->src, a, sizeof(a));
	inet_ntop(t->l3, t->dst, b, sizeof(b));
	cli_json_add_str(j, "src", a);
	cli_json_add_str(j, "dst", b);
	if (t->proto == IPPROTO_ICMP || t->proto == IPPROTO_ICMPV6) {
		cli_json_add_int(j, "id", t->icmp_id);
		cli_json_add_int(j, "type", t->icmp_type);
		cli_json_add_int(j, "code", t->icmp_code);
	} else {
		cli_json_add_int(j, "sport", t->sport);
		cli_json_add_int(j, "dport", t->dport);
	}
	json_object_object_add(o, key, j);
}

/*
 * One connection: always every field (no -m/-s needed), numbers as numbers,
 * labels as the same hex string the text shows, states by name.
 */
static json_object *json_entry(const struct ctf_ct_entry *e, const char *event)
{
	json_object *o = json_object_new_object();
	struct ctf_str s = { 0 };

	if (event)	/* monitor-conntrack: "new", "update" or "destroy" first */
		cli_json_add_str(o, "event", event);

	ctf_ct_format_proto(&s, e->orig.proto);
	cli_json_add_str(o, "proto", ctf_str_cstr(&s));
	json_tuple(o, "orig", &e->orig);
	json_tuple(o, "reply", &e->reply);
	cli_json_add_int(o, "id", e->id);
	cli_json_add_int(o, "zone", e->zone);
	cli_json_add_int(o, "mark", e->mark);
	ctf_str_clear(&s);
	ctf_ct_format_labels(&s, e->labels);
	cli_json_add_str(o, "labels", ctf_str_cstr(&s));
	ctf_str_clear(&s);
	ctf_ct_format_status(&s, e->status);
	/* The names -m prints, as an array ("0" there: none set). */
	for (char *p = s.buf; p && *p; p++)
		if (*p == '|')
			*p = ',';
	cli_json_add_str_list(o, "status", strcmp(ctf_str_cstr(&s), "0") ? ctf_str_cstr(&s) : "");
	cli_json_add_int(o, "timeout", e->timeout);
	cli_json_add_u64(o, "packets_orig", e->packets_orig);
	cli_json_add_u64(o, "bytes_orig", e->bytes_orig);
	cli_json_add_u64(o, "packets_reply", e->packets_reply);
	cli_json_add_u64(o, "bytes_reply", e->bytes_reply);
	if (e->start_ns)
		cli_json_add_u64(o, "start_ns", e->start_ns);
	if (e->protoinfo == IPPROTO_TCP) {
		const char *st = ctf_ct_tcp_state_name(e->tcp.state_orig);

		cli_json_add_str(o, "tcp_state", st ? st : "UNKNOWN");
	} else if (e->protoinfo == IPPROTO_SCTP) {
		const char *st = ctf_ct_sctp_state_name(e->sctp.state);

		cli_json_add_str(o, "sctp_state", st ? st : "UNKNOWN");
	}
	if (e->helper[0])
		cli_json_add_str(o, "helper", e->helper);
	if (e->parent.l3)
		json_tuple(o, "parent", &e->parent);
	ctf_str_free(&s);
	return o;
}

/*
 * One element of the --json array, written as it comes: the bytes
 * cli_json_print() would give for the whole array (each element indented
 * by two spaces), without holding 100,000 objects in memory.
 */
static void json_element(struct ctf_str *line, const struct ctf_ct_entry *e, bool first)
{
	json_object *o = json_entry(e, NULL);
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							     JSON_C_TO_STRING_SPACED |
							     JSON_C_TO_STRING_NOSLASHESCAPE);

	ctf_str_puts(line, first ? "[\n  " : ",\n  ");
	for (const char *p = text; *p; p++) {
		ctf_str_putc(line, *p);
		if (*p == '\n')
			ctf_str_puts(line, "  ");
	}
	json_object_put(o);
}

static int print_entry(const struct ctf_ct_entry *e, void *arg)
{
	struct dump_ctx *d = arg;

	ctf_str_clear(&d->line);
	if (d->json) {
		json_element(&d->line, e, d->n == 0);
	} else {
		ctf_ct_format_entry(&d->line, e, cli_opts.more > 0, cli_opts.stats);
		ctf_str_putc(&d->line, '\n');
	}
	d->n++;
	if (fputs(ctf_str_cstr(&d->line), stdout) == EOF)
		return -EIO;
	return 0;
}

/*
 * The filter after the optional datapath: zone=, mark=, labels=, tuples
 * (ctf_ct_filter_parse()). Returns CLI_OK or CLI_USAGE (reported).
 */
static int parse_filter(int argc, char **argv, struct ctf_ct_filter *f, const char *verb)
{
	struct ctf_err err;

	if (ctf_ct_filter_parse(f, argc, argv, &err) < 0) {
		cli_fail(verb, &err);
		return CLI_USAGE;
	}
	return CLI_OK;
}

/* "[DP] [FILTER...]": an optional datapath, then a conntrack filter. */
static int dp_and_filter(int argc, char **argv, struct ctf_ct_filter *f, const char *verb)
{
	int i = 1, r = take_dp(argc, argv, &i, NULL);

	return r ? r : parse_filter(argc - i, argv + i, f, verb);
}

int cmd_dump_conntrack(int argc, char **argv)
{
	static char outbuf[64 * 1024];	/* fewer write()s for big tables */
	struct dump_ctx d = { { 0 }, cli_opts.json, 0 };
	struct ctf_ct_filter f;
	struct ctf_err err;
	int r;

	r = dp_and_filter(argc, argv, &f, "dump conntrack");
	if (r)
		return r;
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	r = ctf_ct_dump_filter(&f, print_entry, &d, &err);
	ctf_str_free(&d.line);
	if (r < 0) {
		fflush(stdout);
		cli_fail("dump conntrack", &err);
		return CLI_ERR;
	}
	/* An array, like dump-flows --json (schema in ctflow(8)). */
	if (d.json && fputs(d.n ? "\n]\n" : "[\n]\n", stdout) == EOF)
		return CLI_ERR;
	return fflush(stdout) ? CLI_ERR : CLI_OK;
}

/* ---- monitor-conntrack --------------------------------------------------- */

/* One event per line, flushed at once: whoever reads us waits for it. */
static int print_event(int event, const struct ctf_ct_entry *e, void *arg)
{
	struct ctf_str *line = arg;

	ctf_str_clear(line);
	if (cli_opts.json) {
		const char *name = ctf_ct_event_name(event);
		char lower[16];
		size_t k;
		json_object *o;

		for (k = 0; k < sizeof(lower) - 1 && name[k]; k++)
			lower[k] = (char)(name[k] | 0x20);
		lower[k] = 0;
		o = json_entry(e, lower);
		ctf_str_puts(line, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
	} else {
		ctf_str_printf(line, "[%s] ", ctf_ct_event_name(event));
		ctf_ct_format_entry(line, e, cli_opts.more > 0, cli_opts.stats);
	}
	ctf_str_putc(line, '\n');
	if (fputs(ctf_str_cstr(line), stdout) == EOF || fflush(stdout))
		return -EPIPE;
	return 0;
}

/*
 * Wait for events until SIGINT/SIGTERM (exit 0) or a failure (exit 1). The
 * two signals are blocked except inside ppoll(), so one that comes between
 * the check of cli_stop_requested and the wait still ends the wait.
 */
static int monitor_loop(struct ctf_nlsock *sock, const struct ctf_ct_filter *f,
			const sigset_t *waitmask)
{
	struct pollfd pfd = { .fd = ctf_nlsock_fd(sock), .events = POLLIN };
	struct ctf_str line = { 0 };
	struct ctf_err err;
	int rc = CLI_OK;

	while (!cli_stop_requested) {
		int r;

		if (ppoll(&pfd, 1, NULL, waitmask) < 0) {
			if (errno == EINTR)
				continue;
			cli_error("cannot monitor conntrack: poll: %s", strerror(errno));
			rc = CLI_ERR;
			break;
		}
		r = ctf_ct_monitor_recv(sock, f, print_event, &line, &err);
		if (r == -ENOBUFS) {
			/* Not fatal: say so where the events are, and go on. */
			fprintf(stderr, "%s: %s\n", PROG_NAME, err.msg);
			continue;
		}
		if (r == -EPROTO || r == -EMSGSIZE)
			continue;	/* not from the kernel, or too big: consumed */
		if (r < 0) {
			if (r != -EPIPE)
				cli_fail("monitor conntrack", &err);
			rc = CLI_ERR;
			break;
		}
	}
	ctf_str_free(&line);
	return rc;
}

int cmd_monitor_conntrack(int argc, char **argv)
{
	struct ctf_nlsock *sock;
	struct ctf_ct_filter f;
	sigset_t stop, waitmask;
	struct ctf_err err;
	int r;

	r = dp_and_filter(argc, argv, &f, "monitor conntrack");
	if (r)
		return r;
	if (ctf_ct_monitor_open(&sock, CTF_CT_EV_ALL, &err) < 0) {
		cli_fail("monitor conntrack", &err);
		return CLI_ERR;
	}
	cli_catch_stop_signals();
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, &waitmask);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGTERM);
	r = monitor_loop(sock, &f, &waitmask);
	ctf_nlsock_close(sock);
	return r;
}

/* ---- ct-stats-show ------------------------------------------------------- */

static int count_entry(const struct ctf_ct_entry *e, void *arg)
{
	ctf_ct_stats_add(arg, e);
	return 0;
}

static int print_stats_json(const struct ctf_ct_stats *st)
{
	json_object *o = json_object_new_object();
	json_object *protos = json_object_new_object();
	json_object *states = json_object_new_object();

	cli_json_add_int(o, "total", st->total);
	for (int p = 0; p < CTF_CT_STATS_N; p++)
		if (st->proto[p])
			cli_json_add_int(protos, ctf_ct_stats_proto_name(p), st->proto[p]);
	for (uint8_t k = 0; k < CTF_TCPS_N; k++)
		if (st->tcp_states[k])
			cli_json_add_int(states, ctf_ct_tcp_state_name(k), st->tcp_states[k]);
	json_object_object_add(o, "protocols", protos);
	json_object_object_add(o, "tcp_states", states);
	return cli_json_print(o);
}

int cmd_ct_stats_show(int argc, char **argv)
{
	struct ctf_ct_stats st;
	struct ctf_ct_filter f;
	struct ctf_str out = { 0 };
	bool verbose = false;
	struct ctf_err err;
	int i = 1, r;

	memset(&f, 0, sizeof(f));
	memset(&st, 0, sizeof(st));
	r = take_dp(argc, argv, &i, "verbose");
	for (; !r && i < argc; i++) {
		if (!strcmp(argv[i], "verbose") && !verbose) {
			verbose = true;
		} else if (!strncmp(argv[i], "zone=", 5) && !f.has_zone) {
			r = zone_arg(argv[i], argv[i] + 5, &f.zone);
			f.has_zone = true;
		} else {
			cli_error("%s: unexpected argument (usage: %s ct-stats-show [DP] [zone=N] "
				  "[verbose])", argv[i], PROG_NAME);
			r = CLI_USAGE;
		}
	}
	if (r)
		return r;
	if (ctf_ct_dump_filter(&f, count_entry, &st, &err) < 0) {
		cli_fail("dump conntrack", &err);
		return CLI_ERR;
	}
	if (cli_opts.json)
		return print_stats_json(&st);
	ctf_ct_stats_format(&out, &st, verbose);
	fputs(ctf_str_cstr(&out), stdout);
	ctf_str_free(&out);
	return fflush(stdout) ? CLI_ERR : CLI_OK;
}

/* ---- flush-conntrack ----------------------------------------------------- */

int cmd_flush_conntrack(int argc, char **argv)
{
	struct ctf_ct_filter f;
	struct ctf_err err;
	int r;

	r = dp_and_filter(argc, argv, &f, "flush conntrack");
	if (r)
		return r;
	if (ctf_ct_flush(&f, NULL, &err) < 0) {
		cli_fail("flush conntrack", &err);
		return CLI_ERR;
	}
	return CLI_OK;
}

/* ---- ct-get-nconns ------------------------------------------------------- */

int cmd_ct_get_nconns(int argc, char **argv)
{
	struct ctf_err err;
	uint32_t n;
	int r;

	if (argc > 1) {
		r = check_dp(argv[1]);
		if (r)
			return r;
	}
	if (ctf_ct_count(&n, &err) < 0) {
		cli_fail("count conntrack entries", &err);
		return CLI_ERR;
	}
	if (cli_opts.json) {
		json_object *o = json_object_new_object();

		cli_json_add_int(o, "nconns", n);
		return cli_json_print(o);
	}
	printf("%" PRIu32 "\n", n);
	return CLI_OK;
}

/* ---- ct limits ------------------------------------------------------------ */

static void limit_error(const char *verb, int r, const struct ctf_err *kernel)
{
	struct ctf_err err;

	if (r == -ENOENT) {
		ctf_err_setn(&err, r, "the kernel has no ovs_ct_limit family");
		ctf_err_hint(&err, "modprobe openvswitch; limits need Linux >= 4.18 with "
			     "CONFIG_NETFILTER_CONNCOUNT");
	} else if (r == -EPERM) {
		ctf_err_setn(&err, r, "%s", strerror(-r));
		ctf_err_hint(&err, "run as root");
	} else if (kernel && kernel->msg[0]) {
		ctf_err_setn(&err, r, "%s (%s)", kernel->msg, strerror(-r));
	} else {
		ctf_err_setn(&err, r, "%s", strerror(-r));
	}
	cli_fail(verb, &err);
}

/* "zone=N,limit=L" (either order). */
static int parse_zone_limit(const char *arg, struct ctf_ct_zone_limit *zl)
{
	char *copy = ctf_xstrdup(arg), *save = NULL;
	bool has_zone = false, has_limit = false;
	int rc = CLI_OK;

	for (char *tok = strtok_r(copy, ",", &save); tok && !rc;
	     tok = strtok_r(NULL, ",", &save)) {
		uint64_t v;
		int r;

		if (!strncmp(tok, "zone=", 5)) {
			r = parse_num(tok + 5, UINT16_MAX, &v);
			if (r) {
				cli_error("%s: %s in `%s' (hint: a zone is 0..65535)", tok,
					  r == -ERANGE ? "zone out of range" : "invalid zone", arg);
				rc = CLI_USAGE;
			} else {
				zl->zone = (int32_t)v;
				has_zone = true;
			}
		} else if (!strncmp(tok, "limit=", 6)) {
			r = parse_num(tok + 6, UINT32_MAX, &v);
			if (r) {
				cli_error("%s: %s in `%s' (hint: a limit is 0..4294967295, 0 = "
					  "unlimited)", tok,
					  r == -ERANGE ? "limit out of range" : "invalid limit", arg);
				rc = CLI_USAGE;
			} else {
				zl->limit = (uint32_t)v;
				has_limit = true;
			}
		} else {
			cli_error("%s: invalid zone limit field in `%s' (hint: write zone=N,limit=L)",
				  tok, arg);
			rc = CLI_USAGE;
		}
	}
	free(copy);
	if (!rc && (!has_zone || !has_limit)) {
		cli_error("%s: failed to parse zone limit (hint: write zone=N,limit=L)", arg);
		rc = CLI_USAGE;
	}
	return rc;
}

/* "zone=N1[,N2]..." into @zl (appending to *@n, at most @max). */
static int parse_zone_list(const char *arg, struct ctf_ct_zone_limit *zl, size_t *n, size_t max)
{
	char *copy, *save = NULL;
	int rc = CLI_OK;

	if (strncmp(arg, "zone=", 5) || !arg[5]) {
		cli_error("%s: expected zone=N1[,N2]...", arg);
		return CLI_USAGE;
	}
	copy = ctf_xstrdup(arg + 5);
	for (char *tok = strtok_r(copy, ",", &save); tok && !rc;
	     tok = strtok_r(NULL, ",", &save)) {
		uint16_t z;

		if (*n >= max) {
			cli_error("%s: too many zones (at most %zu)", arg, max);
			rc = CLI_USAGE;
		} else if (!(rc = zone_arg(tok, tok, &z))) {
			zl[*n].zone = z;
			zl[*n].limit = 0;
			zl[*n].count = 0;
			(*n)++;
		}
	}
	free(copy);
	return rc;
}

int cmd_ct_set_limits(int argc, char **argv)
{
	struct ctf_ct_zone_limit *zl = ctf_xzalloc((size_t)argc * sizeof(*zl));
	struct ctf_nlsock *sock = NULL;
	struct ctf_err nlerr;
	size_t n = 0;
	int i = 1, r, rc = CLI_OK;

	rc = take_dp(argc, argv, &i, NULL);
	if (!rc && i < argc && !strncmp(argv[i], "default=", 8)) {
		uint64_t v;

		if (parse_num(argv[i] + 8, UINT32_MAX, &v)) {
			cli_error("%s: invalid default limit (hint: 0..4294967295, 0 = unlimited)",
				  argv[i]);
			rc = CLI_USAGE;
		} else {
			zl[n].zone = CTF_CT_LIMIT_DEFAULT_ZONE;
			zl[n++].limit = (uint32_t)v;
			i++;
		}
	}
	for (; !rc && i < argc; i++)
		if (!(rc = parse_zone_limit(argv[i], &zl[n])))
			n++;
	if (!rc && !n) {
		cli_error("no limit given (usage: %s ct-set-limits [DP] [default=L] "
			  "[zone=N,limit=L]...)", PROG_NAME);
		rc = CLI_USAGE;
	}
	if (!rc) {
		ctf_err_clear(&nlerr);
		r = ctf_nlsock_open(&sock);
		if (!r)
			r = ctf_ct_limit_set(sock, zl, n, &nlerr);
		if (r < 0) {
			limit_error("set ct limits", r, &nlerr);
			rc = CLI_ERR;
		}
	}
	if (sock)
		ctf_nlsock_close(sock);
	free(zl);
	return rc;
}

int cmd_ct_del_limits(int argc, char **argv)
{
	struct ctf_ct_zone_limit zl[1024];
	struct ctf_nlsock *sock = NULL;
	struct ctf_err nlerr;
	size_t n = 0;
	int i = 1, r, rc;

	rc = take_dp(argc, argv, &i, "default");
	if (!rc && i < argc && !strcmp(argv[i], "default")) {
		zl[n].zone = CTF_CT_LIMIT_DEFAULT_ZONE;
		zl[n].limit = 0;
		n++;
		i++;
	}
	if (!rc && i < argc)
		rc = parse_zone_list(argv[i++], zl, &n, CTF_ARRAY_SIZE(zl));
	if (!rc && i < argc) {
		cli_error("%s: unexpected argument (usage: %s ct-del-limits [DP] [default] "
			  "[zone=N1[,N2]...])", argv[i], PROG_NAME);
		rc = CLI_USAGE;
	}
	if (!rc && !n) {
		cli_error("nothing to delete (usage: %s ct-del-limits [DP] [default] "
			  "[zone=N1[,N2]...])", PROG_NAME);
		rc = CLI_USAGE;
	}
	if (rc)
		return rc;
	ctf_err_clear(&nlerr);
	r = ctf_nlsock_open(&sock);
	if (!r)
		r = ctf_ct_limit_del(sock, zl, n, &nlerr);
	if (sock)
		ctf_nlsock_close(sock);
	if (r < 0) {
		limit_error("delete ct limits", r, &nlerr);
		return CLI_ERR;
	}
	return CLI_OK;
}

struct limits_out {
	uint32_t default_limit;
	size_t n, cap;
	struct ctf_ct_zone_limit *zones;
};

static int collect_limit(const struct ctf_ct_zone_limit *zl, void *arg)
{
	struct limits_out *o = arg;

	if (zl->zone == CTF_CT_LIMIT_DEFAULT_ZONE) {
		o->default_limit = zl->limit;
		return 0;
	}
	if (o->n == o->cap) {
		o->cap = o->cap ? 2 * o->cap : 16;
		o->zones = ctf_xrealloc(o->zones, o->cap * sizeof(*o->zones));
	}
	o->zones[o->n++] = *zl;
	return 0;
}

/* {"default_limit": L, "zones": [{"zone", "limit", "count"}...]}; frees @out's zones. */
static int print_limits_json(struct limits_out *out)
{
	json_object *o = json_object_new_object();
	json_object *zones = json_object_new_array();

	cli_json_add_int(o, "default_limit", out->default_limit);
	for (size_t k = 0; k < out->n; k++) {
		json_object *z = json_object_new_object();

		cli_json_add_int(z, "zone", out->zones[k].zone);
		cli_json_add_int(z, "limit", out->zones[k].limit);
		cli_json_add_int(z, "count", out->zones[k].count);
		json_object_array_add(zones, z);
	}
	json_object_object_add(o, "zones", zones);
	free(out->zones);
	return cli_json_print(o);
}

int cmd_ct_get_limits(int argc, char **argv)
{
	struct ctf_ct_zone_limit zl[1024];
	struct limits_out out = { 0, 0, 0, NULL };
	struct ctf_nlsock *sock = NULL;
	struct ctf_err nlerr;
	size_t n = 0;
	int i = 1, r, rc;

	rc = take_dp(argc, argv, &i, NULL);
	if (!rc && i < argc) {
		/* Ask for the default too, so that the first line is always right. */
		zl[n].zone = CTF_CT_LIMIT_DEFAULT_ZONE;
		zl[n].limit = 0;
		n++;
		rc = parse_zone_list(argv[i++], zl, &n, CTF_ARRAY_SIZE(zl));
	}
	if (!rc && i < argc) {
		cli_error("%s: unexpected argument (usage: %s ct-get-limits [DP] "
			  "[zone=N1[,N2]...])", argv[i], PROG_NAME);
		rc = CLI_USAGE;
	}
	if (rc)
		return rc;
	ctf_err_clear(&nlerr);
	r = ctf_nlsock_open(&sock);
	if (!r)
		r = ctf_ct_limit_get(sock, zl, n, collect_limit, &out, &nlerr);
	if (sock)
		ctf_nlsock_close(sock);
	if (r < 0) {
		free(out.zones);
		limit_error("get ct limits", r, &nlerr);
		return CLI_ERR;
	}
	if (cli_opts.json)
		return print_limits_json(&out);
	printf("default limit=%" PRIu32 "\n", out.default_limit);
	for (size_t k = 0; k < out.n; k++)
		printf("zone=%" PRId32 ",limit=%" PRIu32 ",count=%" PRIu32 "\n", out.zones[k].zone,
		       out.zones[k].limit, out.zones[k].count);
	free(out.zones);
	return CLI_OK;
}
