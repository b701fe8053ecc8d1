// SPDX-License-Identifier: Apache-2.0
/*
 * Datapath and port commands: add-dp, del-dp, dump-dps, show, add-if,
 * set-if, del-if. Names, arguments and output follow ovs-dpctl so that
 * scripts keep working; `show` then adds what ovs-dpctl does not tell (the
 * upcall dispatch mode, the datapath's features, what the kernel supports)
 * after the lines ovs-dpctl prints, and --json gives the same as a document.
 *
 * Errors read "ctflow: cannot <verb> <object>: <reason>": the reason is our
 * own diagnosis of the errno when we have one, else the kernel's
 * extended-ACK text, else the errno's text.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctflow/compat.h"
#include "ctflow/dp.h"
#include "ctflow/nlsock.h"
#include "ctflow/util.h"

#include "cli.h"
#include "commands.h"
#include "output.h"

/* ---- errors ----------------------------------------------------------- */

/* Open the socket and check that the datapath family is there. */
static int open_sock(const char *what, struct ctf_nlsock **sock)
{
	uint16_t family;
	int ret = ctf_nlsock_open(sock);

	if (ret < 0) {
		cli_error("cannot %s: cannot open a generic netlink socket: %s", what,
			  strerror(-ret));
		return CLI_ERR;
	}
	ret = ctf_nlsock_family(*sock, OVS_DATAPATH_FAMILY, &family);
	if (ret < 0) {
		cli_fail_nl(what, ret, NULL, NULL);
		ctf_nlsock_close(*sock);
		*sock = NULL;
		return CLI_ERR;
	}
	return CLI_OK;
}

/* ---- datapath names --------------------------------------------------- */

/* Look up a datapath named on the command line; prints the error. */
static int get_dp(struct ctf_nlsock *sock, const char *what, const char *arg,
		  struct ctf_dp_info *info)
{
	struct ctf_err err;
	struct ctf_dp_ref ref = { .name = cli_dp_name(arg, what) };
	char diag[64];
	int ret;

	if (!ref.name)
		return CLI_ERR;
	ret = ctf_dp_get(sock, &ref, info, &err);
	if (ret < 0) {
		snprintf(diag, sizeof(diag), "no datapath named %s", ref.name);
		cli_fail_nl(what, ret, &err, ret == -ENODEV ? diag : NULL);
		return CLI_ERR;
	}
	return CLI_OK;
}

/* ---- collecting datapaths and ports ----------------------------------- */

struct dp_list {
	size_t n, cap;
	struct ctf_dp_info *dps;
};

static int collect_dp_cb(const struct ctf_dp_info *info, void *arg)
{
	struct dp_list *l = arg;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 4;
		l->dps = ctf_xrealloc(l->dps, l->cap * sizeof(*l->dps));
	}
	l->dps[l->n++] = *info;
	return 0;
}

/* ---- dump-dps --------------------------------------------------------- */

int cmd_dump_dps(int argc, char **argv)
{
	struct ctf_nlsock *sock;
	struct dp_list l = { 0 };
	struct ctf_err err;
	int ret;

	if (open_sock("list datapaths", &sock))
		return CLI_ERR;
	ret = ctf_dp_dump(sock, collect_dp_cb, &l, &err);
	ctf_nlsock_close(sock);
	if (ret < 0) {
		cli_fail_nl("list datapaths", ret, &err, NULL);
		free(l.dps);
		return CLI_ERR;
	}
	if (cli_opts.json) {
		ret = cli_json_print(cli_json_dp_list(l.dps, l.n));
	} else {
		for (size_t i = 0; i < l.n; i++)
			cli_out_printf("system@%s\n", l.dps[i].name);
		ret = CLI_OK;
	}
	free(l.dps);
	return ret;
}

/* ---- show ------------------------------------------------------------- */

struct show_ctx {
	struct ctf_nlsock *sock;
	bool feat_probed;
	struct ctf_kernel_features feat;
	struct json_object *json_dps;	/* --json: the "datapaths" array */
};

/* One kernel-wide probe per run, made on the first datapath shown. */
static const struct ctf_kernel_features *kernel_features(struct show_ctx *ctx, int dp_ifindex)
{
	if (!ctx->feat_probed) {
		if (ctf_kernel_features_probe(ctx->sock, dp_ifindex, &ctx->feat) < 0)
			memset(&ctx->feat, 0, sizeof(ctx->feat));
		ctx->feat_probed = true;
	}
	return &ctx->feat;
}

static int show_one(struct show_ctx *ctx, const struct ctf_dp_info *dp)
{
	struct cli_port_list ports;
	struct ctf_err err;
	char what[64];
	int ret;

	/* Ports are read right after the stats so that both describe one moment. */
	ret = cli_port_list_load(ctx->sock, dp->dp_ifindex, &ports, &err);
	if (ret < 0) {
		snprintf(what, sizeof(what), "show datapath %s", dp->name);
		cli_fail_nl(what, ret, &err, NULL);
		return CLI_ERR;
	}
	/* Like ovs-dpctl -s, netdev ports report what their device counted. */
	if (cli_opts.stats || cli_opts.json) {
		for (size_t i = 0; i < ports.n; i++)
			ctf_vport_add_link_stats(&ports.ports[i]);
	}
	const struct ctf_kernel_features *feat = kernel_features(ctx, dp->dp_ifindex);
	unsigned flags = cli_opts.stats ? CTF_DP_SHOW_STATS : 0;

	if (ctx->json_dps) {
		json_object_array_add(ctx->json_dps, cli_json_dp_show(dp, ports.ports, ports.n));
	} else {
		ctf_dp_format_show(dp, ports.ports, ports.n, feat, flags, cli_out_buffer());
		cli_out_commit();
	}
	free(ports.ports);
	return CLI_OK;
}

int cmd_show(int argc, char **argv)
{
	struct show_ctx ctx = { 0 };
	int status = CLI_OK;

	/* A name no kernel datapath can have is refused before the kernel is asked. */
	for (int i = 1; i < argc; i++) {
		char what[96];

		snprintf(what, sizeof(what), "show datapath %s", argv[i]);
		if (!cli_dp_name(argv[i], what))
			return CLI_ERR;
	}
	if (open_sock("show datapaths", &ctx.sock))
		return CLI_ERR;
	if (cli_opts.json)
		ctx.json_dps = json_object_new_array();
	if (argc > 1) {
		/* Named datapaths, in the order given; a missing one does not stop the rest. */
		for (int i = 1; i < argc; i++) {
			struct ctf_dp_info dp;
			char what[96];

			snprintf(what, sizeof(what), "show datapath %s", argv[i]);
			if (get_dp(ctx.sock, what, argv[i], &dp) || show_one(&ctx, &dp))
				status = CLI_ERR;
		}
	} else {
		struct dp_list l = { 0 };
		struct ctf_err err;
		int ret = ctf_dp_dump(ctx.sock, collect_dp_cb, &l, &err);

		if (ret < 0) {
			cli_fail_nl("show datapaths", ret, &err, NULL);
			status = CLI_ERR;
		}
		for (size_t i = 0; i < l.n; i++) {
			if (show_one(&ctx, &l.dps[i]))
				status = CLI_ERR;
		}
		free(l.dps);
	}
	if (ctx.json_dps) {
		struct json_object *doc = json_object_new_object();

		json_object_object_add(doc, "datapaths", ctx.json_dps);
		if (ctx.feat_probed)
			json_object_object_add(doc, "kernel_features",
					       cli_json_kernel_features(&ctx.feat));
		if (cli_json_print(doc))
			status = CLI_ERR;
	}
	ctf_nlsock_close(ctx.sock);
	return status;
}

/* ---- add-if / set-if -------------------------------------------------- */

/* Port numbers: 0..65534 (the kernel's DP_MAX_PORTS is 65535). */
static int parse_port_no(const char *s, uint32_t *port_no)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v >= CTF_DP_MAX_PORTS)
		return -ERANGE;
	*port_no = (uint32_t)v;
	return 0;
}

/* What one IFACE argument asks for: NAME[,type=T][,port_no=N][,dst_port=P]. */
struct iface_spec {
	char name[IFNAMSIZ];
	bool has_type;
	uint32_t type;
	bool has_port_no;
	uint32_t port_no;
	bool has_dst_port;
	uint16_t dst_port;
};

/* Returns CLI_OK, or CLI_USAGE after printing what is wrong with @arg. */
static int parse_iface(const char *verb, const char *arg, struct iface_spec *spec)
{
	char *copy = ctf_xstrdup(arg);
	char *save = NULL;
	char *tok = strtok_r(copy, ",", &save);
	int status = CLI_USAGE;

	memset(spec, 0, sizeof(*spec));
	if (!tok || !*tok || copy[0] == ',') {
		cli_error("cannot %s port: missing interface name in `%s'", verb, arg);
		goto out;
	}
	if (strlen(tok) >= IFNAMSIZ) {
		cli_error("cannot %s port %s: name too long (at most %d characters)", verb, tok,
			  IFNAMSIZ - 1);
		goto out;
	}
	strcpy(spec->name, tok); // NOLINT(clang-analyzer-security.insecureAPI.strcpy): length checked above
	while ((tok = strtok_r(NULL, ",", &save))) {
		char *eq = strchr(tok, '=');
		const char *val = eq ? eq + 1 : "";

		if (eq)
			*eq = '\0';
		if (!strcmp(tok, "type")) {
			if (ctf_vport_type_parse(val, &spec->type) < 0) {
				cli_error("cannot %s port %s: unknown port type `%s' (hint: use "
					  "netdev (or system), internal, gre, vxlan or geneve)",
					  verb, spec->name, val);
				goto out;
			}
			spec->has_type = true;
		} else if (!strcmp(tok, "port_no")) {
			if (parse_port_no(val, &spec->port_no) < 0) {
				cli_error("cannot %s port %s: port_no=%s: invalid port number "
					  "(hint: 0 to %u)", verb, spec->name, val,
					  CTF_DP_MAX_PORTS - 1);
				goto out;
			}
			spec->has_port_no = true;
		} else if (!strcmp(tok, "dst_port")) {
			uint32_t v;

			if (parse_port_no(val, &v) < 0 || v == 0) {
				cli_error("cannot %s port %s: dst_port=%s: invalid UDP port "
					  "(hint: 1 to 65534)", verb, spec->name, val);
				goto out;
			}
			spec->has_dst_port = true;
			spec->dst_port = (uint16_t)v;
		} else {
			cli_error("cannot %s port %s: unknown option `%s' (hint: type=, port_no= "
				  "or, for vxlan/geneve, dst_port=)", verb, spec->name, tok);
			goto out;
		}
	}
	status = CLI_OK;
out:
	free(copy);
	return status;
}

/* The kernel needs a UDP port for these tunnels; use the IANA ones. */
static void default_dst_port(struct iface_spec *spec)
{
	if (spec->has_dst_port)
		return;
	if (spec->type == OVS_VPORT_TYPE_VXLAN) {
		spec->has_dst_port = true;
		spec->dst_port = 4789;
	} else if (spec->type == OVS_VPORT_TYPE_GENEVE) {
		spec->has_dst_port = true;
		spec->dst_port = 6081;
	}
}

static int add_one_if(struct ctf_nlsock *sock, const struct ctf_dp_info *dp, const char *arg)
{
	struct iface_spec spec;
	struct ctf_vport_req req = { 0 };
	struct ctf_err err;
	char what[96], diag[128];
	const char *d = NULL;
	int ret = parse_iface("add", arg, &spec);

	if (ret)
		return ret;
	if (!spec.has_type)
		spec.type = OVS_VPORT_TYPE_NETDEV;
	default_dst_port(&spec);
	req.name = spec.name;
	req.type = spec.type;
	req.port_no = spec.has_port_no ? spec.port_no : CTF_VPORT_NO_ANY;
	req.has_dst_port = spec.has_dst_port;
	req.dst_port = spec.dst_port;
	ret = ctf_vport_new(sock, dp->dp_ifindex, &req, NULL, &err);
	if (ret == 0)
		return CLI_OK;
	snprintf(what, sizeof(what), "add port %s to %s", spec.name, dp->name);
	switch (-ret) {
	case ENODEV:
		snprintf(diag, sizeof(diag), "%s: no such network device", spec.name);
		d = diag;
		break;
	case EEXIST:
		snprintf(diag, sizeof(diag), "a network device named %s already exists",
			 spec.name);
		d = spec.type == OVS_VPORT_TYPE_NETDEV ? NULL : diag;
		break;
	case EBUSY:
		if (spec.has_port_no) {
			snprintf(diag, sizeof(diag), "port number %u is already in use",
				 spec.port_no);
		} else {
			snprintf(diag, sizeof(diag), "%s is already a port of a datapath or "
				 "enslaved to another device", spec.name);
		}
		d = diag;
		break;
	case EFBIG:
		snprintf(diag, sizeof(diag), "port number %u is out of range", spec.port_no);
		d = diag;
		break;
	case EINVAL:
		if (spec.type == OVS_VPORT_TYPE_NETDEV) {
			snprintf(diag, sizeof(diag), "%s cannot be a netdev port (is it a "
				 "loopback, an OVS internal port or not Ethernet?)", spec.name);
			d = diag;
		}
		break;
	case EAFNOSUPPORT:
	case EOPNOTSUPP:
		snprintf(diag, sizeof(diag), "this kernel cannot create %s ports",
			 ctf_vport_type_name(spec.type) ? ctf_vport_type_name(spec.type) : "such");
		d = diag;
		break;
	}
	/* An existing netdev port: the kernel says EBUSY for another dp, EEXIST for ours. */
	if (ret == -EEXIST && !d) {
		snprintf(diag, sizeof(diag), "%s is already a port", spec.name);
		d = diag;
	}
	cli_fail_nl(what, ret, &err, d);
	return CLI_ERR;
}

/* add-if and set-if and del-if first find their datapath the same way. */
static int open_dp(const char *what, const char *arg, struct ctf_nlsock **sock,
		   struct ctf_dp_info *dp)
{
	if (open_sock(what, sock))
		return CLI_ERR;
	if (get_dp(*sock, what, arg, dp)) {
		ctf_nlsock_close(*sock);
		return CLI_ERR;
	}
	return CLI_OK;
}

int cmd_add_if(int argc, char **argv)
{
	struct ctf_nlsock *sock;
	struct ctf_dp_info dp;
	int status = CLI_OK;

	if (open_dp("add ports", argv[1], &sock, &dp))
		return CLI_ERR;
	for (int i = 2; i < argc; i++) {
		int ret = add_one_if(sock, &dp, argv[i]);

		/* ovs-dpctl goes on after a failed port; so do we, keeping the worst status. */
		if (ret > status)
			status = ret;
	}
	ctf_nlsock_close(sock);
	return status;
}

static int set_one_if(struct ctf_nlsock *sock, const struct ctf_dp_info *dp, const char *arg)
{
	struct iface_spec spec;
	struct ctf_vport_info cur;
	struct ctf_err err;
	char what[96], diag[128];
	int ret = parse_iface("set", arg, &spec);

	if (ret)
		return ret;
	snprintf(what, sizeof(what), "set port %s in %s", spec.name, dp->name);
	ret = ctf_vport_get(sock, dp->dp_ifindex, spec.name, CTF_VPORT_NO_ANY, &cur, &err);
	if (ret < 0) {
		snprintf(diag, sizeof(diag), "no port named %s", spec.name);
		cli_fail_nl(what, ret, &err, ret == -ENODEV ? diag : NULL);
		return CLI_ERR;
	}
	/* As with ovs-dpctl, type and port_no may be restated but never changed. */
	if (spec.has_type && spec.type != cur.type) {
		const char *from = ctf_vport_type_name(cur.type);

		cli_error("cannot %s: %s: can't change type from %s to %s", what, spec.name,
			  from ? from : "unknown", ctf_vport_type_name(spec.type));
		return CLI_ERR;
	}
	if (spec.has_port_no && spec.port_no != cur.port_no) {
		cli_error("cannot %s: %s: can't change port number from %u to %u", what,
			  spec.name, cur.port_no, spec.port_no);
		return CLI_ERR;
	}
	if (spec.has_dst_port && (!cur.has_dst_port || spec.dst_port != cur.dst_port)) {
		cli_error("cannot %s: %s: can't change dst_port (hint: delete the port and "
			  "add it again)", what, spec.name);
		return CLI_ERR;
	}
	return CLI_OK;
}

int cmd_set_if(int argc, char **argv)
{
	struct ctf_nlsock *sock;
	struct ctf_dp_info dp;
	int status = CLI_OK;

	if (open_dp("set ports", argv[1], &sock, &dp))
		return CLI_ERR;
	for (int i = 2; i < argc; i++) {
		int ret = set_one_if(sock, &dp, argv[i]);

		if (ret > status)
			status = ret;
	}
	ctf_nlsock_close(sock);
	return status;
}

/* ---- del-if ----------------------------------------------------------- */

static int del_one_if(struct ctf_nlsock *sock, const struct ctf_dp_info *dp, const char *arg)
{
	struct ctf_vport_info port;
	struct ctf_err err;
	char what[96], diag[128];
	uint32_t port_no;
	int ret;

	snprintf(what, sizeof(what), "delete port %s from %s", arg, dp->name);
	/* Like ovs-dpctl, a number stands for the port of that number. */
	if (parse_port_no(arg, &port_no) == 0)
		ret = ctf_vport_get(sock, dp->dp_ifindex, NULL, port_no, &port, &err);
	else if (strlen(arg) >= IFNAMSIZ)
		ret = -ENODEV;
	else
		ret = ctf_vport_get(sock, dp->dp_ifindex, arg, CTF_VPORT_NO_ANY, &port, &err);
	if (ret < 0) {
		snprintf(diag, sizeof(diag), "no port named %s", arg);
		cli_fail_nl(what, ret, &err, ret == -ENODEV ? diag : NULL);
		return CLI_ERR;
	}
	if (port.port_no == OVSP_LOCAL) {
		cli_error("cannot %s: port 0 is the datapath's own port (hint: use del-dp %s)",
			  what, dp->name);
		return CLI_ERR;
	}
	ret = ctf_vport_del(sock, dp->dp_ifindex, NULL, port.port_no, &err);
	if (ret < 0) {
		snprintf(diag, sizeof(diag), "no port named %s", arg);
		cli_fail_nl(what, ret, &err, ret == -ENODEV ? diag : NULL);
		return CLI_ERR;
	}
	return CLI_OK;
}

int cmd_del_if(int argc, char **argv)
{
	struct ctf_nlsock *sock;
	struct ctf_dp_info dp;
	int status = CLI_OK;

	if (open_dp("delete ports", argv[1], &sock, &dp))
		return CLI_ERR;
	for (int i = 2; i < argc; i++) {
		if (del_one_if(sock, &dp, argv[i]))
			status = CLI_ERR;
	}
	ctf_nlsock_close(sock);
	return status;
}

/* ---- add-dp / del-dp -------------------------------------------------- */

int cmd_add_dp(int argc, char **argv)
{
	struct ctf_nlsock *sock;
	struct ctf_dp_info dp;
	struct ctf_err err;
	const char *name;
	char what[96], diag[128];
	const char *d = NULL;
	int status = CLI_OK;
	int ret;

	snprintf(what, sizeof(what), "add datapath %s", argv[1]);
	name = cli_dp_name(argv[1], what);
	if (!name)
		return CLI_ERR;
	if (open_sock(what, &sock))
		return CLI_ERR;
	ret = ctf_dp_create(sock, name, 0, &dp, &err);
	if (ret < 0) {
		struct ctf_dp_ref ref = { .name = name };
		struct ctf_dp_info other;

		if (ret == -EEXIST) {
			/* Another datapath, or some other device that took the name? */
			if (ctf_dp_get(sock, &ref, &other, NULL) == 0)
				snprintf(diag, sizeof(diag), "datapath %s already exists", name);
			else
				snprintf(diag, sizeof(diag), "a network device named %s already "
					 "exists", name);
			d = diag;
		}
		cli_fail_nl(what, ret, &err, d);
		ctf_nlsock_close(sock);
		return CLI_ERR;
	}
	for (int i = 2; i < argc; i++) {
		ret = add_one_if(sock, &dp, argv[i]);
		if (ret > status)
			status = ret;
	}
	ctf_nlsock_close(sock);
	return status;
}

int cmd_del_dp(int argc, char **argv)
{
	struct ctf_nlsock *sock;
	struct ctf_err err;
	struct ctf_dp_ref ref;
	char what[96], diag[64];
	int ret;

	snprintf(what, sizeof(what), "delete datapath %s", argv[1]);
	ref.name = cli_dp_name(argv[1], what);
	if (!ref.name)
		return CLI_ERR;
	if (open_sock(what, &sock))
		return CLI_ERR;
	ret = ctf_dp_del(sock, &ref, &err);
	ctf_nlsock_close(sock);
	if (ret < 0) {
		snprintf(diag, sizeof(diag), "no datapath named %s", ref.name);
		cli_fail_nl(what, ret, &err, ret == -ENODEV ? diag : NULL);
		return CLI_ERR;
	}
	return CLI_OK;
}
