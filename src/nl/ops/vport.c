// SPDX-License-Identifier: Apache-2.0
/*
 * Datapath ports: the ovs_vport family (NEW, DEL, GET/dump, SET) turned into
 * struct ctf_vport_info. The kernel insists on an upcall PID array on NEW
 * even when nobody listens, so a single 0 ("no upcalls") is sent by default.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "ctflow/compat.h"
#include "ctflow/dp.h"
#include "ctflow/nlsock.h"
#include "netlink/genl-request.h"
#include "netlink/nla-inline.h"

#define VPORT_ATTR_MAX_KNOWN OVS_VPORT_ATTR_UPCALL_STATS

static const struct ctf_attr_rule vport_attr_rules[VPORT_ATTR_MAX_KNOWN + 1] = {
	[OVS_VPORT_ATTR_PORT_NO] = CTF_RULE_U32("port_no"),
	[OVS_VPORT_ATTR_TYPE] = CTF_RULE_U32("type"),
	[OVS_VPORT_ATTR_NAME] = CTF_RULE_STRZ("name", IFNAMSIZ),
	[OVS_VPORT_ATTR_OPTIONS] = CTF_RULE_NESTED("options"),
	[OVS_VPORT_ATTR_UPCALL_PID] = CTF_RULE_U32_ARRAY("upcall_pid"),
	[OVS_VPORT_ATTR_STATS] = CTF_RULE_MIN("stats", sizeof(struct ovs_vport_stats)),
	[OVS_VPORT_ATTR_IFINDEX] = CTF_RULE_U32("ifindex"),
	[OVS_VPORT_ATTR_NETNSID] = CTF_RULE_U32("netnsid"),
	[OVS_VPORT_ATTR_UPCALL_STATS] = CTF_RULE_NESTED("upcall_stats"),
};

static const struct ctf_attr_rule tunnel_attr_rules[OVS_TUNNEL_ATTR_DST_PORT + 1] = {
	[OVS_TUNNEL_ATTR_DST_PORT] = CTF_RULE_U16("dst_port"),
};

static const struct ctf_attr_rule upcall_stats_rules[OVS_VPORT_UPCALL_ATTR_FAIL + 1] = {
	[OVS_VPORT_UPCALL_ATTR_SUCCESS] = CTF_RULE_U64("success"),
	[OVS_VPORT_UPCALL_ATTR_FAIL] = CTF_RULE_U64("fail"),
};

static const char *const vport_type_names[] = {
	[OVS_VPORT_TYPE_NETDEV] = "netdev",
	[OVS_VPORT_TYPE_INTERNAL] = "internal",
	[OVS_VPORT_TYPE_GRE] = "gre",
	[OVS_VPORT_TYPE_VXLAN] = "vxlan",
	[OVS_VPORT_TYPE_GENEVE] = "geneve",
};

const char *ctf_vport_type_name(uint32_t type)
{
	if (type < CTF_ARRAY_SIZE(vport_type_names))
		return vport_type_names[type];
	return NULL;
}

int ctf_vport_type_parse(const char *name, uint32_t *type)
{
	if (!strcmp(name, "system")) {
		*type = OVS_VPORT_TYPE_NETDEV;
		return 0;
	}
	for (uint32_t i = 0; i < CTF_ARRAY_SIZE(vport_type_names); i++) {
		if (vport_type_names[i] && !strcmp(vport_type_names[i], name)) {
			*type = i;
			return 0;
		}
	}
	return -EINVAL;
}

int ctf_vport_decode(const struct nlmsghdr *nlh, struct ctf_vport_info *info)
{
	const struct nlattr *tb[VPORT_ATTR_MAX_KNOWN + 1];
	const struct ovs_header *ovs = ctf_genl_ovs_header(nlh);
	int ret;

	memset(info, 0, sizeof(*info));
	if (!ovs)
		return -EBADMSG;
	ret = ctf_attrs_parse(nlh, CTF_OVS_ATTR_OFFSET, vport_attr_rules, VPORT_ATTR_MAX_KNOWN, tb);
	if (ret < 0)
		return ret;
	/* The kernel always sends these three; a reply without them is not a port. */
	if (!tb[OVS_VPORT_ATTR_PORT_NO] || !tb[OVS_VPORT_ATTR_TYPE] || !tb[OVS_VPORT_ATTR_NAME])
		return -EBADMSG;
	info->dp_ifindex = ovs->dp_ifindex;
	info->port_no = ctf_nla_u32(tb[OVS_VPORT_ATTR_PORT_NO]);
	info->type = ctf_nla_u32(tb[OVS_VPORT_ATTR_TYPE]);
	strncpy(info->name, ctf_nla_str(tb[OVS_VPORT_ATTR_NAME]), sizeof(info->name) - 1);
	if (tb[OVS_VPORT_ATTR_IFINDEX])
		info->ifindex = (int)ctf_nla_u32(tb[OVS_VPORT_ATTR_IFINDEX]);
	if (tb[OVS_VPORT_ATTR_NETNSID]) {
		info->has_netnsid = true;
		info->netnsid = (int)ctf_nla_u32(tb[OVS_VPORT_ATTR_NETNSID]);
	}
	if (tb[OVS_VPORT_ATTR_UPCALL_PID]) {
		const struct nlattr *a = tb[OVS_VPORT_ATTR_UPCALL_PID];

		info->n_upcall_pids = ctf_nla_len(a) / 4;
		memcpy(&info->upcall_pid0, ctf_nla_data(a), 4);
	}
	if (tb[OVS_VPORT_ATTR_STATS]) {
		struct ovs_vport_stats st;

		memcpy(&st, ctf_nla_data(tb[OVS_VPORT_ATTR_STATS]), sizeof(st));
		info->has_stats = true;
		info->rx_packets = st.rx_packets;
		info->tx_packets = st.tx_packets;
		info->rx_bytes = st.rx_bytes;
		info->tx_bytes = st.tx_bytes;
		info->rx_errors = st.rx_errors;
		info->tx_errors = st.tx_errors;
		info->rx_dropped = st.rx_dropped;
		info->tx_dropped = st.tx_dropped;
	}
	if (tb[OVS_VPORT_ATTR_UPCALL_STATS]) {
		const struct nlattr *us[OVS_VPORT_UPCALL_ATTR_FAIL + 1];

		ret = ctf_attrs_parse_nested(tb[OVS_VPORT_ATTR_UPCALL_STATS], upcall_stats_rules,
					     OVS_VPORT_UPCALL_ATTR_FAIL, us);
		if (ret < 0)
			return ret;
		info->has_upcall_stats = true;
		if (us[OVS_VPORT_UPCALL_ATTR_SUCCESS])
			info->upcall_success = ctf_nla_u64(us[OVS_VPORT_UPCALL_ATTR_SUCCESS]);
		if (us[OVS_VPORT_UPCALL_ATTR_FAIL])
			info->upcall_fail = ctf_nla_u64(us[OVS_VPORT_UPCALL_ATTR_FAIL]);
	}
	if (tb[OVS_VPORT_ATTR_OPTIONS]) {
		const struct nlattr *opt[OVS_TUNNEL_ATTR_DST_PORT + 1];

		ret = ctf_attrs_parse_nested(tb[OVS_VPORT_ATTR_OPTIONS], tunnel_attr_rules,
					     OVS_TUNNEL_ATTR_DST_PORT, opt);
		if (ret < 0)
			return ret;
		if (opt[OVS_TUNNEL_ATTR_DST_PORT]) {
			info->has_dst_port = true;
			info->dst_port = ctf_nla_u16(opt[OVS_TUNNEL_ATTR_DST_PORT]);
		}
	}
	return 0;
}

static int decode_vport(const struct nlmsghdr *nlh, void *info)
{
	return ctf_vport_decode(nlh, info);
}

/*
 * Start a request for one port: by name when given (the kernel then checks
 * that it belongs to @dp_ifindex, if non-zero), else by number.
 */
static struct nlmsghdr *vport_req(struct ctf_nlsock *sock, void *buf, size_t buflen, uint8_t cmd,
				  uint16_t flags, int dp_ifindex, const char *name,
				  uint32_t port_no, int *ret)
{
	struct nlmsghdr *nlh;

	nlh = ctf_genl_req_start(sock, OVS_VPORT_FAMILY, OVS_VPORT_VERSION, buf, buflen, cmd, flags,
				 dp_ifindex, ret);
	/* After the family: a missing module is reported before a bad name. */
	if (nlh && name && strlen(name) >= IFNAMSIZ) {
		*ret = -ENAMETOOLONG;
		return NULL;
	}
	if (nlh && name)
		mnl_attr_put_strz(nlh, OVS_VPORT_ATTR_NAME, name);
	if (nlh && port_no != CTF_VPORT_NO_ANY)
		mnl_attr_put_u32(nlh, OVS_VPORT_ATTR_PORT_NO, port_no);
	return nlh;
}

static void put_pids(struct nlmsghdr *nlh, const struct ctf_vport_req *req, bool default_zero)
{
	static const uint32_t no_upcalls = 0;

	if (req->upcall_pids && req->n_upcall_pids)
		mnl_attr_put(nlh, OVS_VPORT_ATTR_UPCALL_PID, req->n_upcall_pids * sizeof(uint32_t),
			     req->upcall_pids);
	else if (default_zero)
		mnl_attr_put(nlh, OVS_VPORT_ATTR_UPCALL_PID, sizeof(no_upcalls), &no_upcalls);
}

static int vport_change(struct ctf_nlsock *sock, uint8_t cmd, int dp_ifindex,
			const struct ctf_vport_req *req, struct ctf_vport_info *info,
			struct ctf_err *err)
{
	struct ctf_genl_reply reply = { .decode = decode_vport, .item = info };
	size_t buflen;
	struct nlmsghdr *nlh;
	char *buf;
	int ret;

	ctf_err_clear(err);
	if (!req->name && (cmd == OVS_VPORT_CMD_NEW || req->port_no == CTF_VPORT_NO_ANY))
		return ctf_genl_fail(-EINVAL, err);
	/* The array is one attribute, whose length is a u16. */
	if (req->n_upcall_pids > (UINT16_MAX - CTF_NLA_HDRLEN) / sizeof(uint32_t))
		return ctf_genl_fail(-E2BIG, err);
	buflen = CTF_NL_SMALL_REQ + req->n_upcall_pids * sizeof(uint32_t);
	buf = ctf_xmalloc(buflen);
	nlh = vport_req(sock, buf, buflen, cmd, info ? NLM_F_ECHO : 0, dp_ifindex, req->name,
			req->port_no, &ret);
	if (nlh) {
		if (req->type)
			mnl_attr_put_u32(nlh, OVS_VPORT_ATTR_TYPE, req->type);
		put_pids(nlh, req, cmd == OVS_VPORT_CMD_NEW);
		if (req->has_dst_port) {
			struct nlattr *nest = mnl_attr_nest_start(nlh, OVS_VPORT_ATTR_OPTIONS);

			mnl_attr_put_u16(nlh, OVS_TUNNEL_ATTR_DST_PORT, req->dst_port);
			mnl_attr_nest_end(nlh, nest);
		}
		ret = ctf_genl_get(sock, nlh, &reply, info != NULL, err);
	}
	free(buf);
	return ctf_genl_fail(ret, err);
}

int ctf_vport_new(struct ctf_nlsock *sock, int dp_ifindex, const struct ctf_vport_req *req,
		  struct ctf_vport_info *info, struct ctf_err *err)
{
	return vport_change(sock, OVS_VPORT_CMD_NEW, dp_ifindex, req, info, err);
}

int ctf_vport_set(struct ctf_nlsock *sock, int dp_ifindex, const struct ctf_vport_req *req,
		  struct ctf_vport_info *info, struct ctf_err *err)
{
	return vport_change(sock, OVS_VPORT_CMD_SET, dp_ifindex, req, info, err);
}

int ctf_vport_del(struct ctf_nlsock *sock, int dp_ifindex, const char *name, uint32_t port_no,
		  struct ctf_err *err)
{
	char buf[CTF_NL_SMALL_REQ];
	struct nlmsghdr *nlh;
	int ret;

	ctf_err_clear(err);
	nlh = vport_req(sock, buf, sizeof(buf), OVS_VPORT_CMD_DEL, 0, dp_ifindex, name,
			name ? CTF_VPORT_NO_ANY : port_no, &ret);
	if (!nlh)
		return ctf_genl_fail(ret, err);
	return ctf_genl_get(sock, nlh, NULL, false, err);
}

int ctf_vport_get(struct ctf_nlsock *sock, int dp_ifindex, const char *name, uint32_t port_no,
		  struct ctf_vport_info *info, struct ctf_err *err)
{
	char buf[CTF_NL_SMALL_REQ];
	struct ctf_genl_reply reply = { .decode = decode_vport, .item = info };
	struct nlmsghdr *nlh;
	int ret;

	ctf_err_clear(err);
	nlh = vport_req(sock, buf, sizeof(buf), OVS_VPORT_CMD_GET, 0, dp_ifindex, name,
			name ? CTF_VPORT_NO_ANY : port_no, &ret);
	if (!nlh)
		return ctf_genl_fail(ret, err);
	return ctf_genl_get(sock, nlh, &reply, true, err);
}

struct vport_dump {
	ctf_vport_cb cb;
	void *arg;
};

static int vport_each(const void *info, void *arg)
{
	const struct vport_dump *d = arg;

	return d->cb(info, d->arg);
}

int ctf_vport_dump(struct ctf_nlsock *sock, int dp_ifindex, ctf_vport_cb cb, void *arg,
		   struct ctf_err *err)
{
	char buf[CTF_NL_SMALL_REQ];
	struct ctf_vport_info info;
	struct vport_dump d = { cb, arg };
	struct ctf_genl_reply reply = { decode_vport, &info, vport_each, &d };
	struct nlmsghdr *nlh;
	int ret;

	ctf_err_clear(err);
	nlh = vport_req(sock, buf, sizeof(buf), OVS_VPORT_CMD_GET, 0, dp_ifindex, NULL,
			CTF_VPORT_NO_ANY, &ret);
	if (!nlh)
		return ctf_genl_fail(ret, err);
	return ctf_genl_dump(sock, nlh, &reply, err);
}

static int cmp_port_no(const void *a_, const void *b_)
{
	const struct ctf_vport_info *a = a_, *b = b_;

	return a->port_no < b->port_no ? -1 : a->port_no > b->port_no;
}

void ctf_vport_sort(struct ctf_vport_info *ports, size_t n)
{
	if (n > 1)
		qsort(ports, n, sizeof(*ports), cmp_port_no);
}

/* ---- device counters over rtnetlink, for show -s -------------------------- */

struct link_stats_ctx {
	struct rtnl_link_stats64 st;
	bool found;
};

static int link_attr_cb(const struct nlattr *attr, void *data)
{
	struct link_stats_ctx *ctx = data;

	if (ctf_nla_type(attr) == IFLA_STATS64 &&
	    ctf_nla_len(attr) >= sizeof(ctx->st)) {
		memcpy(&ctx->st, ctf_nla_data(attr), sizeof(ctx->st));
		ctx->found = true;
	}
	return MNL_CB_OK;
}

static int link_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type != RTM_NEWLINK)
		return 0;
	return ctf_attr_walk(nlh, sizeof(struct ifinfomsg), link_attr_cb, data) < 0 ? -EBADMSG : 0;
}

/* One RTM_GETLINK on a NETLINK_ROUTE socket of the same layer as every other request. */
static int get_link_stats(int ifindex, struct rtnl_link_stats64 *st)
{
	char tx[NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct ifinfomsg))];
	struct link_stats_ctx ctx = { .found = false };
	struct ctf_nlsock *sock;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	int ret;

	ret = ctf_nlsock_open_proto(&sock, NETLINK_ROUTE);
	if (ret < 0)
		return ret;
	nlh = ctf_nlmsg_req_init(tx, sizeof(tx), RTM_GETLINK, 0, sizeof(*ifi));
	ifi = mnl_nlmsg_get_payload(nlh);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ret = ctf_nlsock_transact(sock, nlh, link_msg_cb, &ctx, NULL);
	ctf_nlsock_close(sock);
	if (ret < 0)
		return ret;
	if (!ctx.found)
		return -ENODATA;
	*st = ctx.st;
	return 0;
}

int ctf_vport_add_link_stats(struct ctf_vport_info *p)
{
	struct rtnl_link_stats64 st;
	int ret;

	/* A device in another namespace has another ifindex space: not ours to ask. */
	if (p->type != OVS_VPORT_TYPE_NETDEV || !p->has_stats || p->has_netnsid || p->ifindex <= 0)
		return 0;
	ret = get_link_stats(p->ifindex, &st);
	if (ret < 0)
		return ret;
	p->rx_packets = st.rx_packets; // NOLINT(clang-analyzer-core.uninitialized.Assign): get_link_stats() fills st whenever it returns >= 0 (its -errno is < 0)
	p->rx_bytes = st.rx_bytes;
	p->tx_packets = st.tx_packets;
	p->tx_bytes = st.tx_bytes;
	p->rx_errors += st.rx_errors;
	p->tx_errors += st.tx_errors;
	p->rx_dropped += st.rx_dropped;
	p->tx_dropped += st.tx_dropped;
	p->rx_over_errors = st.rx_over_errors;
	p->rx_frame_errors = st.rx_frame_errors;
	p->tx_aborted_errors = st.tx_aborted_errors;
	p->tx_carrier_errors = st.tx_carrier_errors;
	p->collisions = st.collisions;
	p->has_link_stats = true;
	return 0;
}
