// SPDX-License-Identifier: Apache-2.0
/*
 * ct-stats-show: connections counted per protocol (and per TCP state),
 * printed in ovs-dpctl's layout so that scripts written for one read the
 * other. Pure: fed one decoded entry at a time, so a dump of any size needs
 * no memory beyond the counters.
 */
#include <inttypes.h>
#include <string.h>
#include <netinet/in.h>

#include "ctflow/conntrack.h"

#ifndef IPPROTO_DCCP
#define IPPROTO_DCCP 33
#endif
#ifndef IPPROTO_UDPLITE
#define IPPROTO_UDPLITE 136
#endif

void ctf_ct_stats_add(struct ctf_ct_stats *s, const struct ctf_ct_entry *e)
{
	s->total++;
	switch (e->orig.proto) {
	case IPPROTO_TCP:
		s->proto[CTF_CT_STATS_TCP]++;
		s->tcp_states[ctf_ct_tcp_state(e) % CTF_TCPS_N]++;
		break;
	case IPPROTO_UDP:
		s->proto[CTF_CT_STATS_UDP]++;
		break;
	case IPPROTO_UDPLITE:
		s->proto[CTF_CT_STATS_UDPLITE]++;
		break;
	case IPPROTO_SCTP:
		s->proto[CTF_CT_STATS_SCTP]++;
		break;
	case IPPROTO_ICMP:
		s->proto[CTF_CT_STATS_ICMP]++;
		break;
	case IPPROTO_ICMPV6:
		s->proto[CTF_CT_STATS_ICMPV6]++;
		break;
	case IPPROTO_DCCP:
		s->proto[CTF_CT_STATS_DCCP]++;
		break;
	case IPPROTO_IGMP:
		s->proto[CTF_CT_STATS_IGMP]++;
		break;
	default:
		s->proto[CTF_CT_STATS_OTHER]++;
		break;
	}
}

const char *ctf_ct_stats_proto_name(enum ctf_ct_stats_proto p)
{
	static const char *const names[CTF_CT_STATS_N] = {
		[CTF_CT_STATS_TCP] = "TCP",	    [CTF_CT_STATS_UDP] = "UDP",
		[CTF_CT_STATS_UDPLITE] = "UDPLITE", [CTF_CT_STATS_SCTP] = "SCTP",
		[CTF_CT_STATS_ICMP] = "ICMP",	    [CTF_CT_STATS_ICMPV6] = "ICMPv6",
		[CTF_CT_STATS_DCCP] = "DCCP",	    [CTF_CT_STATS_IGMP] = "IGMP",
		[CTF_CT_STATS_OTHER] = "Other",
	};

	return (unsigned)p < CTF_CT_STATS_N ? names[p] : NULL;
}

/*
 * ovs-dpctl's text, line for line: the total, TCP (with the states under
 * verbose), then the other protocols in its order. ovs-dpctl counts ICMPv6
 * connections in the total but prints no line for them; so do we, or the
 * two outputs would differ (the JSON form has the count).
 */
void ctf_ct_stats_format(struct ctf_str *out, const struct ctf_ct_stats *s, bool verbose)
{
	static const enum ctf_ct_stats_proto rest[] = {
		CTF_CT_STATS_UDP, CTF_CT_STATS_UDPLITE, CTF_CT_STATS_SCTP, CTF_CT_STATS_ICMP,
		CTF_CT_STATS_DCCP, CTF_CT_STATS_IGMP, CTF_CT_STATS_OTHER,
	};

	ctf_str_printf(out, "Connections Stats:\n    Total: %" PRIu32 "\n", s->total);
	if (s->proto[CTF_CT_STATS_TCP]) {
		ctf_str_printf(out, "  TCP: %" PRIu32 "\n", s->proto[CTF_CT_STATS_TCP]);
		if (verbose) {
			ctf_str_puts(out, "    Conn per TCP states:\n");
			for (unsigned i = 0; i < CTF_TCPS_N; i++)
				if (s->tcp_states[i])
					ctf_str_printf(out, "\t  [%s]=%" PRIu32 "\n",
						       ctf_ct_tcp_state_name((uint8_t)i),
						       s->tcp_states[i]);
		}
	}
	for (size_t i = 0; i < CTF_ARRAY_SIZE(rest); i++)
		if (s->proto[rest[i]])
			ctf_str_printf(out, "  %s: %" PRIu32 "\n", ctf_ct_stats_proto_name(rest[i]),
				       s->proto[rest[i]]);
}
