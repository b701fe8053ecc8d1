#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Conntrack against the real kernel, side by side with Debian's ovs-dpctl:
# a datapath between two namespaces with a stateful firewall (ICMP tracked
# in zone 1, TCP in zone 2, replies allowed only when established), real
# ping and TCP traffic, then dump-conntrack (plain, -m, -s, zone=, and
# filtered by protocol, addresses, ports, mark, labels and zone),
# ct-stats-show (against ovs-dpctl's), ct-get-nconns, flush-conntrack by
# zone and by tuple, and per-zone limits: set, get (with counts),
# enforcement with real connections, delete; monitor-conntrack (text and
# JSON) while connections come and go; --json of the conntrack commands.
# Bad input exits 2, a missing datapath exits 1.
#
# What is normalised before comparing with ovs-dpctl, and why:
#  - lines are sorted: both tools print in the kernel's hash-walk order, but
#    an entry can be updated between the two dumps;
#  - with -s, timeout=N is dropped: it counts down between the two runs.
# Nothing else: every other byte must be identical.
. "$(dirname "$0")/lib.sh"

plan 79

dp=ctfct0
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
# Counters and timestamps, so that -s has something to show.
sysctl -qw net.netfilter.nf_conntrack_acct=1 net.netfilter.nf_conntrack_timestamp=1
# Events for monitor-conntrack (on by default; 2 on newer kernels also works).
sysctl -qw net.netfilter.nf_conntrack_events=1 2>/dev/null || true
# Under TCG the scenario takes minutes: keep entries from expiring mid-test.
sysctl -qw net.netfilter.nf_conntrack_icmp_timeout=600 \
	net.netfilter.nf_conntrack_icmpv6_timeout=600 net.netfilter.nf_conntrack_udp_timeout=600 \
	net.netfilter.nf_conntrack_tcp_timeout_time_wait=600

# check_exit DESC STATUS REGEX CMD...: CMD exits with STATUS and says REGEX on stderr.
check_exit() {
	local desc=$1 want=$2 re=$3; shift 3
	tap_run "$@"
	if [ "$tap_status" = "$want" ] && has_line "$re" "$err" && has_line '^ctflow: ' "$err"; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "expected exit status $want and stderr matching: $re"
		tap_show_output "$@"
	fi
}

# Lines of text, sorted; with drop_timeout, without the timeout=N field.
sorted() { printf '%s\n' "$1" | sort; }
as_is() { printf '%s\n' "$1"; }
no_timeout() { printf '%s\n' "$1" | sed -e 's/,timeout=[0-9]*//' | sort; }

# same_dump DESC FILTER ARGS...: ctflow ARGS and ovs-dpctl ARGS print the same
# lines after FILTER (sorted or no_timeout), and at least one line.
same_dump() {
	local desc=$1 filter=$2 mine theirs; shift 2
	tap_run ctflow "$@"
	mine=$($filter "$out")
	tap_run ovs_dpctl "$@"
	theirs=$($filter "$out")
	if [ -n "$mine" ] && [ "$mine" = "$theirs" ]; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "ovs-dpctl:" "$theirs"
		diag "ctflow:" "$mine"
	fi
}

count_lines() { [ -z "$1" ] && echo 0 || printf '%s\n' "$1" | wc -l; }

# --- topology: ns0 (10.1.1.1) -- port 1 [ctfct0] port 2 -- ns1 (10.1.1.2) ---
netns ns0
netns ns1
veth_pair v0 p0 ns0 10.1.1.1/24
veth_pair v1 p1 ns1 10.1.1.2/24
# IPv6 only on the two test links, with static neighbours: neighbour
# discovery would be dropped by the firewall (ND is never "established").
for i in 0 1; do
	in_ns ns$i sysctl -qw net.ipv6.conf.p$i.disable_ipv6=0
	ip -n ns$i addr add fd00::$((i + 1))/64 dev p$i nodad
done
mac0=$(ip -n ns0 -o link show p0 | sed -e 's/.*link\/ether \([0-9a-f:]*\).*/\1/')
mac1=$(ip -n ns1 -o link show p1 | sed -e 's/.*link\/ether \([0-9a-f:]*\).*/\1/')
ip -n ns0 -6 neigh add fd00::2 lladdr "$mac1" dev p0 nud permanent
ip -n ns1 -6 neigh add fd00::1 lladdr "$mac0" dev p1 nud permanent
datapath_cleanup "$dp"
"$OVS_DPCTL" add-dp "$dp" v0 v1 || bail_out "cannot create the datapath"
ovs_dpctl del-flows "$dp"
ctflow flush-conntrack >/dev/null 2>&1

flows=(
	'in_port(1),eth(),eth_type(0x0806),arp()' '2'
	'in_port(2),eth(),eth_type(0x0806),arp()' '1'
	'recirc_id(0),in_port(1),eth(),eth_type(0x0800),ipv4(proto=1),icmp()' 'ct(commit,zone=1),2'
	'recirc_id(0),in_port(1),eth(),eth_type(0x0800),ipv4(proto=6),tcp(),tcp_flags(0/0)' 'ct(commit,zone=2),2'
	'recirc_id(0),in_port(1),eth(),eth_type(0x0800),ipv4(proto=17),udp()' 'ct(commit,zone=3,mark=0xaa/0xff,label=0xaa00000000/0xff00000000),2'
	'recirc_id(0),in_port(2),eth(),eth_type(0x0800),ipv4(proto=1),icmp()' 'ct(zone=1),recirc(0x1)'
	'recirc_id(0),in_port(2),eth(),eth_type(0x0800),ipv4(proto=6),tcp(),tcp_flags(0/0)' 'ct(zone=2),recirc(0x1)'
	'recirc_id(0x1),in_port(2),ct_state(+est+trk),eth(),eth_type(0x0800),ipv4()' '1'
	'recirc_id(0x1),in_port(2),ct_state(-est+trk),eth(),eth_type(0x0800),ipv4()' 'drop'
	'recirc_id(0),in_port(1),eth(),eth_type(0x86dd),ipv6(proto=58),icmpv6()' 'ct(commit,zone=4),2'
	'recirc_id(0),in_port(2),eth(),eth_type(0x86dd),ipv6(proto=58),icmpv6()' 'ct(zone=4),recirc(0x1)'
	'recirc_id(0x1),in_port(2),ct_state(+est+trk),eth(),eth_type(0x86dd),ipv6()' '1'
)
# ctflow installs the firewall when its add-flow works; otherwise the peer does.
flow_tool=ctflow
if ! ctflow add-flow "$dp" "${flows[0]}" "${flows[1]}" >/dev/null 2>&1; then
	flow_tool=ovs_dpctl
	diag "ctflow add-flow is not usable yet; installing the firewall with ovs-dpctl"
	ovs_dpctl del-flows "$dp"
	"$flow_tool" add-flow "$dp" "${flows[0]}" "${flows[1]}" || bail_out "cannot add ${flows[0]}"
fi
for ((i = 2; i < ${#flows[@]}; i += 2)); do
	"$flow_tool" add-flow "$dp" "${flows[i]}" "${flows[i + 1]}" ||
		bail_out "cannot add ${flows[i]} ${flows[i + 1]}"
done

# TCP: a server in ns1 that accepts any number of connections.
in_ns ns1 socat TCP-LISTEN:8080,fork,reuseaddr SYSTEM:'cat >/dev/null' &
srv=$!
at_exit kill "$srv"
wait_until 60 in_ns ns1 sh -c 'ss -ltn | grep -q ":8080 "' || diag "server not listening?"
# tcp_connect PORT: one connection from ns0 that sends a byte and closes.
# A loaded TCG guest can take seconds to answer a SYN: a generous connect
# timeout (it only delays the check that expects the connection to fail).
tcp_connect() {
	in_ns ns0 socat -T 10 OPEN:/dev/null TCP:10.1.1.2:8080,connect-timeout=10
}

# --- traffic through the firewall ----------------------------------------------
# -W 5: the first echo waits for ARP, and a loaded VM is slow to answer.
check "ping ns0 -> ns1 through ct(commit,zone=1)" in_ns ns0 ping -c 2 -W 5 10.1.1.2
if in_ns ns1 ping -c 1 -W 1 10.1.1.1 >/dev/null 2>&1; then
	not_ok "unsolicited ping ns1 -> ns0 is dropped (ct_state -est)"
else
	ok "unsolicited ping ns1 -> ns0 is dropped (ct_state -est)"
fi
check "TCP ns0 -> ns1:8080 through ct(commit,zone=2)" tcp_connect
check "ping6 ns0 -> ns1 through ct(commit,zone=4)" in_ns ns0 ping -6 -c 2 -W 5 fd00::2
udp_send() { echo x | in_ns ns0 socat -u - UDP-SENDTO:10.1.1.2:9999; }
check "UDP ns0 -> ns1:9999 through ct(commit,zone=3,mark=,label=)" udp_send

# --- dump-conntrack ---------------------------------------------------------------
# Nothing acknowledges the UDP datagram, and the TCP close handshake ends
# after socat has exited (the server side closes once its `cat` has gone,
# which takes a while under TCG): wait until both entries are in their
# final state, or the two tools' dumps below could see them change between
# the two commands (state, counters).
udp_committed() { ctflow dump-conntrack zone=3 | grep -q '^udp,'; }
tcp_closed() { ctflow dump-conntrack zone=2 | grep -qE 'state=(TIME_WAIT|CLOSE)\)$'; }
wait_until 60 udp_committed || diag "no UDP entry yet: $(ctflow dump-conntrack 2>&1)"
wait_until 60 tcp_closed || diag "TCP entry not closed yet: $(ctflow dump-conntrack zone=2 2>&1)"
check_output "dump-conntrack shows the ping in zone 1" \
	'^icmp,orig=\(src=10\.1\.1\.1,dst=10\.1\.1\.2,id=[0-9]+,type=8,code=0\),reply=\(src=10\.1\.1\.2,dst=10\.1\.1\.1,id=[0-9]+,type=0,code=0\),zone=1$' \
	ctflow dump-conntrack
check_output "dump-conntrack shows the TCP connection in zone 2 with its state" \
	'^tcp,orig=\(src=10\.1\.1\.1,dst=10\.1\.1\.2,sport=[0-9]+,dport=8080\),reply=\(src=10\.1\.1\.2,dst=10\.1\.1\.1,sport=8080,dport=[0-9]+\),zone=2,protoinfo=\(state=[A-Z_]+\)$' \
	ctflow dump-conntrack
check_output "the UDP entry has mark= (decimal) and labels= (hex)" \
	'^udp,orig=\(src=10\.1\.1\.1,dst=10\.1\.1\.2,sport=[0-9]+,dport=9999\),reply=\(src=10\.1\.1\.2,dst=10\.1\.1\.1,sport=9999,dport=[0-9]+\),zone=3,mark=170,labels=0xaa00000000$' \
	ctflow dump-conntrack
check_output "the ICMPv6 entry, addresses compressed" \
	'^icmpv6,orig=\(src=fd00::1,dst=fd00::2,id=[0-9]+,type=128,code=0\),reply=\(src=fd00::2,dst=fd00::1,id=[0-9]+,type=129,code=0\),zone=4$' \
	ctflow dump-conntrack
same_dump "dump-conntrack equals ovs-dpctl dump-conntrack" sorted dump-conntrack
same_dump "dump-conntrack -m equals ovs-dpctl's (id, status, verbose TCP)" sorted dump-conntrack -m
same_dump "dump-conntrack -s equals ovs-dpctl's (counters, start; timeout dropped)" no_timeout dump-conntrack -s
same_dump "dump-conntrack with the datapath named equals ovs-dpctl's" sorted dump-conntrack "system@$dp"
check_output "-s shows counters and a start time" ',packets=[1-9][0-9]*,bytes=[1-9].*,start=20[0-9-]+T[0-9:]+\.[0-9]{3},zone=1,timeout=[0-9]+$' \
	ctflow dump-conntrack -s
same_dump "dump-conntrack zone=2 equals ovs-dpctl's" sorted dump-conntrack zone=2
tap_run ctflow dump-conntrack zone=1
z1=$out
check_eq "zone=1 shows exactly the ICMP entry" "1 icmp" "$(count_lines "$z1") ${z1%%,*}"
tap_run ctflow dump-conntrack --json
if printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
z = sorted((e["proto"], e["zone"]) for e in d)
assert z == [("icmp", 1), ("icmpv6", 4), ("tcp", 2), ("udp", 3)], z
u = [e for e in d if e["proto"] == "udp"][0]
assert u["mark"] == 170 and u["labels"] == "0xaa00000000", u
t = [e for e in d if e["proto"] == "tcp"][0]
assert t["orig"]["dport"] == 8080 and t["reply"]["src"] == "10.1.1.2"
'; then ok "dump-conntrack --json has the four entries"; else not_ok "dump-conntrack --json has the four entries"; diag "$out"; fi

# --- dump-conntrack with a filter ------------------------------------------------
# filtered DESC WANT ARGS...: dump-conntrack ARGS prints exactly the WANT
# lines (their "PROTO,zone" summary, sorted), and each is a line of the
# unfiltered dump.
tap_run ctflow dump-conntrack
all=$out
summary() { sed -e 's/^\([a-z0-9]*\),.*,zone=\([0-9]*\).*/\1,\2/' | sort | tr '\n' ' '; }
filtered() {
	local desc=$1 want=$2 got line extra=; shift 2
	tap_run ctflow dump-conntrack "$@"
	got=$(printf '%s' "$out" | summary)
	while IFS= read -r line; do
		[ -n "$line" ] && ! grep -qxF -- "$line" <<< "$all" && extra=$line
	done <<< "$out"
	if [ "$tap_status" = 0 ] && [ "$got" = "$want" ] && [ -z "$extra" ]; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "expected: $want" "got: $got" ${extra:+"not in the full dump: $extra"}
		tap_show_output ctflow dump-conntrack "$@"
	fi
}
filtered "filter by protocol (ct_nw_proto=6)" "tcp,2 " ct_nw_proto=6
filtered "filter by orig source and protocol (ICMP from 10.1.1.1)" "icmp,1 " \
	'ct_nw_src=10.1.1.1,ct_nw_proto=1'
filtered "filter by destination port (ct_tp_dst=9999)" "udp,3 " 'ct_nw_proto=17,ct_tp_dst=9999'
filtered "filter by reply tuple only (IPv6 reply source)" "icmpv6,4 " '' 'ct_ipv6_src=fd00::2'
filtered "filter by orig IPv6 destination" "icmpv6,4 " 'ct_ipv6_dst=fd00::2'
filtered "filter by mark under a mask" "udp,3 " mark=0xa0/0xf0
filtered "filter by labels under a mask" "udp,3 " labels=0xaa00000000/0xff00000000
filtered "filter by zone and tuple together" "tcp,2 " zone=2 'ct_nw_dst=10.1.1.2'
filtered "filter by ICMP type (echo request)" "icmp,1 " 'ct_nw_dst=10.1.1.2,ct_nw_proto=1,icmp_type=8'
filtered "a tuple nothing has gives no line" "" 'ct_nw_src=10.9.9.9'
filtered "zone=0 (which the kernel reads as no filter) gives no line here" "" zone=0
filtered "the datapath name before the filter is accepted" "tcp,2 " "$dp" ct_nw_proto=6
check_exit "a bad filter exits 2 and names the token" 2 'ct_tp_dst=99999' \
	ctflow dump-conntrack 'ct_nw_proto=6,ct_tp_dst=99999'

# --- ct-stats-show -----------------------------------------------------------------
same_dump "ct-stats-show equals ovs-dpctl ct-stats-show" as_is ct-stats-show
same_dump "ct-stats-show verbose equals ovs-dpctl's (TCP states)" as_is ct-stats-show verbose
same_dump "ct-stats-show zone=2 verbose equals ovs-dpctl's" as_is ct-stats-show zone=2 verbose
same_dump "ct-stats-show with the datapath named equals ovs-dpctl's" as_is ct-stats-show "$dp" zone=1
tap_run ctflow ct-stats-show --json
if printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["total"] == 4, d
assert d["protocols"] == {"ICMP": 1, "ICMPv6": 1, "TCP": 1, "UDP": 1}, d
assert sum(d["tcp_states"].values()) == 1, d
'; then ok "ct-stats-show --json counts the four entries"; else not_ok "ct-stats-show --json counts the four entries"; diag "$out"; fi

# --- ct-get-nconns ---------------------------------------------------------------
tap_run ctflow dump-conntrack
n=$(count_lines "$out")
check_output "ct-get-nconns counts the $n entries" "^$n\$" ctflow ct-get-nconns
check_output "ct-get-nconns accepts the datapath" "^$n\$" ctflow ct-get-nconns "$dp"
check_eq "ct-get-nconns --json" "$n" \
	"$(ctflow ct-get-nconns --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["nconns"])')"
tap_run ctflow dump-conntrack --json -m
if printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
t = [e for e in d if e["proto"] == "tcp"][0]
assert "CONFIRMED" in t["status"] and "ASSURED" in t["status"], t["status"]
assert all(isinstance(s, str) and s.isupper() for e in d for s in e["status"]), d
'; then ok "dump-conntrack --json gives status as flag names"; else not_ok "dump-conntrack --json gives status as flag names"; diag "$out"; fi

# --- flush-conntrack ---------------------------------------------------------------
check "flush-conntrack mark=0xaa/0xff labels=0xaa00000000/0xff00000000" \
	ctflow flush-conntrack mark=0xaa/0xff labels=0xaa00000000/0xff00000000
tap_run ctflow dump-conntrack
check_eq "only the UDP entry (the one with that mark and label) is gone" "3 0" \
	"$(count_lines "$out") $(grep -c ',zone=3,' <<< "$out")"
check "flush-conntrack by reply tuple only ('' ct_ipv6_src=fd00::2)" \
	ctflow flush-conntrack '' ct_ipv6_src=fd00::2
check_no_output "the ICMPv6 entry is gone" '^icmpv6,' ctflow dump-conntrack
check "flush-conntrack zone=1" ctflow flush-conntrack "$dp" zone=1
check_no_output "no zone=1 entry is left" ',zone=1(,|$)' ctflow dump-conntrack
check_output "the zone=2 entry is still there" ',zone=2,' ctflow dump-conntrack
check "ping again" in_ns ns0 ping -c 1 -W 5 10.1.1.2
check "flush-conntrack by partial orig tuple (ICMP from 10.1.1.1)" \
	ctflow flush-conntrack 'ct_nw_src=10.1.1.1,ct_nw_proto=1'
tap_run ctflow dump-conntrack
check_eq "only the TCP entry is left" "1 tcp" "$(count_lines "$out") ${out%%,*}"
check "flush-conntrack with a non-matching tuple" ctflow flush-conntrack 'ct_nw_src=10.9.9.9'
check_output "...deletes nothing" ',zone=2,' ctflow dump-conntrack

# --- limits --------------------------------------------------------------------
check "ct-set-limits default=10 zone=2,limit=1" ctflow ct-set-limits "$dp" default=10 zone=2,limit=1
# Counting starts with the limits: only connections committed from now on count.
check "flush-conntrack (everything)" ctflow flush-conntrack
check_eq "the table is empty" "" "$(ctflow dump-conntrack)"
# nf_conncount does not count closed TCP connections (TIME_WAIT/CLOSE), so
# the first connection is held open for the count to reach the limit.
in_ns ns0 socat -T 120 EXEC:'sleep 120' TCP:10.1.1.2:8080,connect-timeout=5 &
holder=$!
at_exit kill "$holder"
zone2_established() { ctflow dump-conntrack zone=2 | grep -q 'state=ESTABLISHED'; }
check "a first (held-open) TCP connection in zone 2 commits" wait_until 60 zone2_established
check_fails "a second TCP connection in zone 2 is dropped by the limit" tcp_connect
tap_run ctflow ct-get-limits
check_eq "ct-get-limits: default, then zone 2 with its count" \
	"default limit=10"$'\n'"zone=2,limit=1,count=1" "$out"
same_dump "ct-get-limits equals ovs-dpctl ct-get-limits" sorted ct-get-limits
check_output "ct-get-limits zone=2,7: unlimited zone 7 shows the default" '^zone=7,limit=10,count=0$' \
	ctflow ct-get-limits zone=2,7
tap_run ctflow ct-get-limits --json zone=2,7
if printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["default_limit"] == 10, d
assert d["zones"] == [{"zone": 2, "limit": 1, "count": 1}, {"zone": 7, "limit": 10, "count": 0}], d
'; then ok "ct-get-limits --json"; else not_ok "ct-get-limits --json"; diag "$out"; fi
check "ct-del-limits zone=2" ctflow ct-del-limits zone=2
check "with zone 2 back on the default limit, a new connection commits" tcp_connect
check "ct-del-limits default" ctflow ct-del-limits "$dp" default
check_eq "ct-get-limits: nothing left" "default limit=0" "$(ctflow ct-get-limits)"

# --- monitor-conntrack ----------------------------------------------------------
# Two monitors in the background, one for zone 2 in text and one for every
# zone in JSON; then a TCP connection (zone 2), a ping (zone 1) and a flush
# of zone 2 make NEW, UPDATE and DESTROY events. A monitor is listening once
# its ctnetlink socket (protocol 12) has joined groups in /proc/net/netlink.
# "$CTFLOW", not the ctflow function: $! must be the monitor itself.
mon_dir=$(mktemp -d)
at_exit rm -rf "$mon_dir"
listening() { awk -v p="$1" '$2 == 12 && $3 == p && $4 != "00000000" { f = 1 } END { exit !f }' /proc/net/netlink; }
"$CTFLOW" monitor-conntrack zone=2 > "$mon_dir/text" 2> "$mon_dir/text.err" &
mon_text=$!
"$CTFLOW" monitor-conntrack --json > "$mon_dir/json" 2> "$mon_dir/json.err" &
mon_json=$!
at_exit kill "$mon_text" "$mon_json"
wait_until 60 listening "$mon_text" && wait_until 60 listening "$mon_json" ||
	diag "monitors not listening? $(cat /proc/net/netlink)"
check "a TCP connection in zone 2 while monitoring" tcp_connect
check "a ping in zone 1 while monitoring" in_ns ns0 ping -c 1 -W 5 10.1.1.2
check "flush-conntrack zone=2 while monitoring" ctflow flush-conntrack zone=2
mon_has() { grep -qE "$2" "$mon_dir/$1"; }
wait_until 60 mon_has text '^\[DESTROY\] tcp,' || diag "no DESTROY yet: $(cat "$mon_dir/text")"
wait_until 60 mon_has json '"event":"destroy"' || diag "no destroy yet: $(cat "$mon_dir/json")"
kill "$mon_text" "$mon_json"
wait "$mon_text"; st_text=$?
wait "$mon_json"; st_json=$?
check_eq "both monitors exit 0 on SIGTERM" "0 0" "$st_text $st_json"
text=$(cat "$mon_dir/text")
check_output "[NEW] for the TCP connection, in dump-conntrack's format" \
	'^\[NEW\] tcp,orig=\(src=10\.1\.1\.1,dst=10\.1\.1\.2,sport=[0-9]+,dport=8080\),reply=\(src=10\.1\.1\.2,dst=10\.1\.1\.1,sport=8080,dport=[0-9]+\),zone=2,protoinfo=\(state=[A-Z_]+\)$' \
	cat "$mon_dir/text"
check_output "[UPDATE] as the connection changes state" '^\[UPDATE\] tcp,.*,zone=2,' cat "$mon_dir/text"
check_output "[DESTROY] when zone 2 is flushed" '^\[DESTROY\] tcp,.*,zone=2,' cat "$mon_dir/text"
check_eq "zone=2: no event of another zone, only NEW/UPDATE/DESTROY lines" "" \
	"$(grep -vE '^\[(NEW|UPDATE|DESTROY)\] [a-z0-9]+,.*,zone=2(,|$)' <<< "$text")"
if python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert ev, "no events"
assert all(list(e)[0] == "event" and e["event"] in ("new", "update", "destroy") for e in ev), ev
assert any(e["event"] == "new" and e["proto"] == "icmp" and e["zone"] == 1 for e in ev), ev
assert any(e["event"] == "destroy" and e["proto"] == "tcp" and e["zone"] == 2 for e in ev), ev
assert all(isinstance(e["status"], list) for e in ev), ev
' "$mon_dir/json"; then
	ok "monitor-conntrack --json: one object per line, every zone, event first"
else
	not_ok "monitor-conntrack --json: one object per line, every zone, event first"
	diag "$(cat "$mon_dir/json" "$mon_dir/json.err")"
fi
check_exit "monitor-conntrack with a bad filter exits 2" 2 'zone=70000' \
	ctflow monitor-conntrack zone=70000

# --- bad input ------------------------------------------------------------------
check_exit "zone out of range exits 2" 2 'zone=70000' ctflow ct-set-limits zone=70000,limit=1
check_exit "limit out of range exits 2" 2 'limit=4294967296' ctflow ct-set-limits zone=1,limit=4294967296
check_exit "a bad flush tuple exits 2 and names the token" 2 'ct_nw_src=10\.1\.1' \
	ctflow flush-conntrack ct_nw_src=10.1.1
check_exit "a missing datapath exits 1" 1 'nosuchdp: datapath not found' ctflow dump-conntrack nosuchdp

# --- without ctnetlink ------------------------------------------------------------
# Unloading nf_conntrack_netlink must give the modprobe hint, not a bare errno.
# (If the module cannot be unloaded here, or the kernel loads it straight
# back on demand, there is nothing to check.)
if rmmod nf_conntrack_netlink 2>/dev/null && ! ctflow dump-conntrack >/dev/null 2>&1; then
	check_exit "dump-conntrack without nf_conntrack_netlink exits 1 with the modprobe hint" 1 \
		'cannot dump conntrack: nf_conntrack_netlink is not loaded \(hint: modprobe nf_conntrack_netlink\)' \
		ctflow dump-conntrack
	modprobe nf_conntrack_netlink 2>/dev/null || true
else
	skip "dump-conntrack without nf_conntrack_netlink" "the module could not be unloaded or came back"
fi
