// SPDX-License-Identifier: Apache-2.0
/*
 * Writes the starting corpora of the fuzz targets into OUTDIR/<target>/:
 * the flow and action strings of tests/vectors one per file (key, actions),
 * the configurations given on the command line (config), and well-formed
 * messages of every kind the decoders take, built here with libmnl from
 * those same strings (netlink, conntrack, control). A fuzzer that starts
 * from valid messages reaches the deep attributes in seconds instead of
 * hours.
 *
 * usage: make-seeds VECTORS-DIR OUTDIR [CONFIG...]
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/openvswitch.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ctflow/ctl.h"
#include "ctflow/flowtext.h"
#include "ctflow/util.h"

/* The family ids fuzz-netlink.c assumes. */
enum { FAM_DP = 0x20, FAM_VPORT, FAM_FLOW, FAM_PACKET };

/* The largest message built here (a netlink message may be 64 KiB). */
#define MSG_BUF 65536

static const char *outdir;
static unsigned n_written;

static void put_file(const char *target, const char *name, const void *data, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, target);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", outdir, target, name);
	f = fopen(path, "w");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
	n_written++;
}

/* A netlink seed: the selector byte of fuzz-netlink.c, then the message. */
static void put_msg(const char *target, int selector, const char *name, unsigned n,
		    const struct nlmsghdr *nlh)
{
	unsigned char buf[MSG_BUF + 1];
	char fname[64];
	size_t off = 0;

	if (selector >= 0)
		buf[off++] = (unsigned char)selector;
	memcpy(buf + off, nlh, nlh->nlmsg_len);
	snprintf(fname, sizeof(fname), "%s-%03u", name, n);
	put_file(target, fname, buf, off + nlh->nlmsg_len);
}

static struct nlmsghdr *genl_start(void *buf, uint16_t family, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;
	struct ovs_header *oh;

	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = 1;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = 1;
	oh = mnl_nlmsg_put_extra_header(nlh, sizeof(*oh));
	oh->dp_ifindex = 7;
	return nlh;
}

static void put_stream(struct nlmsghdr *nlh, uint16_t type, const struct ctf_nlbuf *b)
{
	mnl_attr_put(nlh, type, ctf_nlbuf_len(b), ctf_nlbuf_data(b));
}

/* A flow as the kernel reports it: key, mask, actions, statistics. */
static void flow_seeds(const char *key_text, const char *actions_text, unsigned n)
{
	static char buf[MSG_BUF];
	struct ctf_nlbuf key, mask, acts;
	struct ovs_flow_stats st = { .n_packets = 12, .n_bytes = 3456 };
	struct nlmsghdr *nlh;
	struct ctf_err err;

	ctf_nlbuf_init(&key, CTF_NLBUF_MAX);
	ctf_nlbuf_init(&mask, CTF_NLBUF_MAX);
	ctf_nlbuf_init(&acts, CTF_NLBUF_MAX);
	if (ctf_key_parse(key_text, NULL, &key, &mask, &err) ||
	    ctf_actions_parse(actions_text, NULL, &acts, &err) ||
	    ctf_nlbuf_len(&key) + ctf_nlbuf_len(&mask) + ctf_nlbuf_len(&acts) > 16384)
		goto out;

	nlh = genl_start(buf, FAM_FLOW, OVS_FLOW_CMD_NEW, NLM_F_MULTI);
	put_stream(nlh, OVS_FLOW_ATTR_KEY, &key);
	put_stream(nlh, OVS_FLOW_ATTR_MASK, &mask);
	put_stream(nlh, OVS_FLOW_ATTR_ACTIONS, &acts);
	mnl_attr_put(nlh, OVS_FLOW_ATTR_STATS, sizeof(st), &st);
	mnl_attr_put_u64(nlh, OVS_FLOW_ATTR_USED, 123456);
	mnl_attr_put_u8(nlh, OVS_FLOW_ATTR_TCP_FLAGS, 0x12);
	put_msg("netlink", 0, "flow", n, nlh);
	nlh->nlmsg_type = FAM_FLOW & 3;	/* fuzz-netlink.c maps it back to the flow family */
	put_msg("netlink", 2, "monitor-flow", n, nlh);

	/* The same key as a bare stream, and as a miss upcall carrying it. */
	{
		unsigned char stream[CTF_NLBUF_MAX + 1];

		stream[0] = 7;
		memcpy(stream + 1, ctf_nlbuf_data(&key), ctf_nlbuf_len(&key));
		char fname[64];

		snprintf(fname, sizeof(fname), "key-%03u", n);
		put_file("netlink", fname, stream, ctf_nlbuf_len(&key) + 1);
	}
	if (n % 4 == 0) {
		static const unsigned char frame[60] = { 0x10, 0x11, 0x12, 0x13, 0x14, 0x15,
							  0, 1, 2, 3, 4, 5, 0x08, 0x00, 0x45 };

		nlh = genl_start(buf, FAM_PACKET, OVS_PACKET_CMD_MISS, 0);
		mnl_attr_put(nlh, OVS_PACKET_ATTR_PACKET, sizeof(frame), frame);
		put_stream(nlh, OVS_PACKET_ATTR_KEY, &key);
		mnl_attr_put_u16(nlh, OVS_PACKET_ATTR_MRU, 1500);
		put_msg("netlink", 1, "upcall", n, nlh);
	}
out:
	ctf_nlbuf_free(&key);
	ctf_nlbuf_free(&mask);
	ctf_nlbuf_free(&acts);
}

static void datapath_seeds(void)
{
	static char buf[MSG_BUF];
	struct ovs_dp_stats st = { .n_hit = 10, .n_missed = 2, .n_lost = 1, .n_flows = 3 };
	struct ovs_dp_megaflow_stats mst = { .n_mask_hit = 14, .n_masks = 2 };
	struct ovs_vport_stats vst = { .rx_packets = 5, .tx_packets = 6, .rx_bytes = 700 };
	struct ovs_zone_limit zl[2] = { { .zone_id = -1, .limit = 1000 },
					{ .zone_id = 5, .limit = 20, .count = 3 } };
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = genl_start(buf, FAM_DP, OVS_DP_CMD_NEW, 0);
	mnl_attr_put_strz(nlh, OVS_DP_ATTR_NAME, "ovs-system");
	mnl_attr_put(nlh, OVS_DP_ATTR_STATS, sizeof(st), &st);
	mnl_attr_put(nlh, OVS_DP_ATTR_MEGAFLOW_STATS, sizeof(mst), &mst);
	mnl_attr_put_u32(nlh, OVS_DP_ATTR_USER_FEATURES, 0xf);
	mnl_attr_put_u32(nlh, OVS_DP_ATTR_MASKS_CACHE_SIZE, 256);
	put_msg("netlink", 3, "dp", 0, nlh);
	nlh->nlmsg_type = FAM_DP & 3;
	put_msg("netlink", 2, "monitor-dp", 0, nlh);

	nlh = genl_start(buf, FAM_VPORT, OVS_VPORT_CMD_NEW, 0);
	mnl_attr_put_u32(nlh, OVS_VPORT_ATTR_PORT_NO, 3);
	mnl_attr_put_u32(nlh, OVS_VPORT_ATTR_TYPE, OVS_VPORT_TYPE_NETDEV);
	mnl_attr_put_strz(nlh, OVS_VPORT_ATTR_NAME, "veth0");
	mnl_attr_put_u32(nlh, OVS_VPORT_ATTR_UPCALL_PID, 4242);
	mnl_attr_put(nlh, OVS_VPORT_ATTR_STATS, sizeof(vst), &vst);
	mnl_attr_put_u32(nlh, OVS_VPORT_ATTR_IFINDEX, 12);
	put_msg("netlink", 4, "vport", 0, nlh);
	nlh->nlmsg_type = FAM_VPORT & 3;
	put_msg("netlink", 2, "monitor-vport", 0, nlh);

	nlh = genl_start(buf, FAM_VPORT, OVS_VPORT_CMD_NEW, 0);
	mnl_attr_put_u32(nlh, OVS_VPORT_ATTR_PORT_NO, 4);
	mnl_attr_put_u32(nlh, OVS_VPORT_ATTR_TYPE, OVS_VPORT_TYPE_VXLAN);
	mnl_attr_put_strz(nlh, OVS_VPORT_ATTR_NAME, "vxlan_sys_4789");
	nest = mnl_attr_nest_start(nlh, OVS_VPORT_ATTR_OPTIONS);
	mnl_attr_put_u16(nlh, OVS_TUNNEL_ATTR_DST_PORT, 4789);
	mnl_attr_nest_end(nlh, nest);
	put_msg("netlink", 4, "vport", 1, nlh);

	/* The zone limits: packed structs in one attribute, not nested attributes. */
	nlh = genl_start(buf, 0x30, OVS_CT_LIMIT_CMD_GET, 0);
	mnl_attr_put(nlh, OVS_CT_LIMIT_ATTR_ZONE_LIMIT | NLA_F_NESTED, sizeof(zl), zl);
	put_msg("netlink", 6, "ct-limit", 0, nlh);
}

static void error_seeds(void)
{
	static char buf[MSG_BUF];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsgerr *e;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED | NLM_F_ACK_TLVS;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = -EINVAL;
	e->msg.nlmsg_len = sizeof(e->msg) + 24;
	e->msg.nlmsg_type = FAM_FLOW;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "Flow key attribute has unexpected length");
	mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 28);
	put_msg("netlink", 5, "error", 0, nlh);

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = 0;
	put_msg("netlink", 5, "ack", 0, nlh);
}

static void put_tuple(struct nlmsghdr *nlh, uint16_t type, uint32_t src, uint32_t dst,
		      uint8_t proto, uint16_t sport, uint16_t dport, uint16_t zone)
{
	struct nlattr *t = mnl_attr_nest_start(nlh, type), *n;

	n = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, htonl(src));
	mnl_attr_put_u32(nlh, CTA_IP_V4_DST, htonl(dst));
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, proto);
	if (proto == IPPROTO_ICMP) {
		mnl_attr_put_u16(nlh, CTA_PROTO_ICMP_ID, htons(sport));
		mnl_attr_put_u8(nlh, CTA_PROTO_ICMP_TYPE, 8);
		mnl_attr_put_u8(nlh, CTA_PROTO_ICMP_CODE, 0);
	} else {
		mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(sport));
		mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(dport));
	}
	mnl_attr_nest_end(nlh, n);
	if (zone)
		mnl_attr_put_u16(nlh, CTA_TUPLE_ZONE, htons(zone));
	mnl_attr_nest_end(nlh, t);
}

static void conntrack_seeds(void)
{
	static char buf[MSG_BUF];
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP };
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;
	struct nlattr *n, *m;

	for (unsigned i = 0; i < CTF_ARRAY_SIZE(protos); i++) {
		nlh = mnl_nlmsg_put_header(buf);
		nlh->nlmsg_type = NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_NEW;
		nlh->nlmsg_flags = NLM_F_MULTI;
		nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
		nfg->nfgen_family = AF_INET;
		nfg->version = NFNETLINK_V0;
		put_tuple(nlh, CTA_TUPLE_ORIG, 0x0a000001, 0x0a000002, protos[i], 40000, 80, 5);
		put_tuple(nlh, CTA_TUPLE_REPLY, 0x0a000002, 0x0a000001, protos[i], 80, 40000, 5);
		mnl_attr_put_u32(nlh, CTA_STATUS, htonl(0x18e));
		mnl_attr_put_u32(nlh, CTA_TIMEOUT, htonl(431999));
		mnl_attr_put_u32(nlh, CTA_MARK, htonl(7));
		mnl_attr_put_u16(nlh, CTA_ZONE, htons(5));
		mnl_attr_put_u32(nlh, CTA_USE, htonl(1));
		mnl_attr_put_u32(nlh, CTA_ID, htonl(0x1234));
		if (protos[i] == IPPROTO_TCP) {
			n = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
			m = mnl_attr_nest_start(nlh, CTA_PROTOINFO_TCP);
			mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_STATE, 3);
			mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_WSCALE_ORIGINAL, 7);
			mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_WSCALE_REPLY, 7);
			mnl_attr_nest_end(nlh, m);
			mnl_attr_nest_end(nlh, n);
		}
		n = mnl_attr_nest_start(nlh, CTA_COUNTERS_ORIG);
		mnl_attr_put_u64(nlh, CTA_COUNTERS_PACKETS, htobe64(3));
		mnl_attr_put_u64(nlh, CTA_COUNTERS_BYTES, htobe64(180));
		mnl_attr_nest_end(nlh, n);
		n = mnl_attr_nest_start(nlh, CTA_TIMESTAMP);
		mnl_attr_put_u64(nlh, CTA_TIMESTAMP_START, htobe64(1000000000ull));
		mnl_attr_nest_end(nlh, n);
		n = mnl_attr_nest_start(nlh, CTA_HELP);
		mnl_attr_put_strz(nlh, CTA_HELP_NAME, "ftp");
		mnl_attr_nest_end(nlh, n);
		{
			uint8_t labels[16] = { 1, [15] = 0x80 };

			mnl_attr_put(nlh, CTA_LABELS, sizeof(labels), labels);
		}
		put_msg("conntrack", -1, "entry", i, nlh);
	}

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_GET_STATS;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, CTA_STATS_GLOBAL_ENTRIES, htonl(42));
	mnl_attr_put_u32(nlh, CTA_STATS_GLOBAL_MAX_ENTRIES, htonl(65536));
	put_msg("conntrack", -1, "stats", 0, nlh);
}

/* Control requests in fuzz-control.c's "type, length, payload" records. */
static void put_record(unsigned char *buf, size_t *len, uint8_t type, const void *p, size_t plen)
{
	buf[(*len)++] = type;
	buf[(*len)++] = (unsigned char)(plen & 0xff);
	buf[(*len)++] = (unsigned char)(plen >> 8);
	if (plen)
		memcpy(buf + *len, p, plen);
	*len += plen;
}

static size_t rule_payload(unsigned char *p, uint32_t prio, const char *match, const char *actions)
{
	struct ctf_ctl_rule_req req = { .priority = prio };
	size_t len = sizeof(req);

	memcpy(p, &req, sizeof(req));
	memcpy(p + len, match, strlen(match) + 1);
	len += strlen(match) + 1;
	if (actions) {
		memcpy(p + len, actions, strlen(actions) + 1);
		len += strlen(actions) + 1;
	}
	return len;
}

static void control_seeds(void)
{
	unsigned char buf[4096], p[1024];
	size_t len = 0, plen;
	struct ctf_ctl_hdr h = { .type = CTF_CTL_SHOW, .len = sizeof(h), .seq = 1 };

	buf[len++] = 0;	/* framed */
	plen = rule_payload(p, 200, "recirc_id(0),in_port(veth1),eth_type(0x0800),ipv4(proto=17)", "ct(zone=3),veth0");
	put_record(buf, &len, CTF_CTL_ADD_RULE, p, plen);
	put_record(buf, &len, CTF_CTL_DUMP_RULES, NULL, 0);
	plen = rule_payload(p, 200, "recirc_id(0),in_port(veth1),eth_type(0x0800),ipv4(proto=17)", NULL);
	put_record(buf, &len, CTF_CTL_DEL_RULE, p, plen);
	put_record(buf, &len, CTF_CTL_SHOW, NULL, 0);
	put_file("control", "framed-rules", buf, len);

	len = 0;
	buf[len++] = 0;
	put_record(buf, &len, CTF_CTL_RELOAD, NULL, 0);
	put_record(buf, &len, CTF_CTL_DUMP_RULES, NULL, 0);
	put_file("control", "framed-reload", buf, len);

	/* Raw: a show, then half a header. */
	len = 0;
	buf[len++] = 1;
	memcpy(buf + len, &h, sizeof(h));
	len += sizeof(h);
	memcpy(buf + len, &h, 8);
	len += 8;
	put_file("control", "raw-show", buf, len);
}

/* One seed per line of a vectors file (up to the first tab: the .tsv files annotate). */
static unsigned text_seeds(const char *vectors, const char *file, const char *target)
{
	char path[4096], *line = NULL;
	size_t cap = 0;
	unsigned n = 0;
	ssize_t len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", vectors, file);
	f = fopen(path, "r");
	if (!f) {
		perror(path);
		exit(1);
	}
	while ((len = getline(&line, &cap, f)) > 0) {
		char name[64];

		line[strcspn(line, "\t\n")] = '\0';
		if (!line[0] || strlen(line) > 4096)
			continue;
		snprintf(name, sizeof(name), "%s-%03u", file, n++);
		put_file(target, name, line, strlen(line));
	}
	free(line);
	fclose(f);
	return n;
}

static void config_seeds(int n, char **paths)
{
	for (int i = 0; i < n; i++) {
		static char text[1 << 20];
		const char *base = strrchr(paths[i], '/');
		FILE *f = fopen(paths[i], "r");
		size_t len;

		if (!f) {
			perror(paths[i]);
			exit(1);
		}
		len = fread(text, 1, sizeof(text), f);
		fclose(f);
		put_file("config", base ? base + 1 : paths[i], text, len);
	}
}

int main(int argc, char **argv)
{
	char path[4096], *line = NULL, **actions = NULL;
	size_t cap = 0, n_actions = 0;
	unsigned n = 0;
	ssize_t len;
	FILE *f;

	if (argc < 3) {
		fprintf(stderr, "usage: make-seeds VECTORS-DIR OUTDIR [CONFIG...]\n");
		return 1;
	}
	outdir = argv[2];
	if (mkdir(outdir, 0755) && errno != EEXIST) {
		perror(outdir);
		return 1;
	}
	text_seeds(argv[1], "keys.txt", "key");
	text_seeds(argv[1], "keys-bad.tsv", "key");
	text_seeds(argv[1], "actions.txt", "actions");
	text_seeds(argv[1], "actions-bad.txt", "actions");
	config_seeds(argc - 3, argv + 3);

	/* Flow messages: each key of keys.txt with one of the actions of actions.txt. */
	snprintf(path, sizeof(path), "%s/actions.txt", argv[1]);
	f = fopen(path, "r");
	while (f && (len = getline(&line, &cap, f)) > 0) {
		line[strcspn(line, "\n")] = '\0';
		actions = realloc(actions, (n_actions + 1) * sizeof(*actions));
		actions[n_actions++] = strdup(line);
	}
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "%s/keys.txt", argv[1]);
	f = fopen(path, "r");
	while (f && n_actions && (len = getline(&line, &cap, f)) > 0) {
		line[strcspn(line, "\n")] = '\0';
		flow_seeds(line, actions[n % n_actions], n);
		n++;
	}
	if (f)
		fclose(f);
	free(line);
	for (size_t i = 0; i < n_actions; i++)
		free(actions[i]);
	free(actions);

	datapath_seeds();
	error_seeds();
	conntrack_seeds();
	control_seeds();
	printf("make-seeds: %u seeds in %s\n", n_written, outdir);
	return 0;
}
