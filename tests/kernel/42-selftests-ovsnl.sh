#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The Linux kernel's OVS selftests (tools/testing/selftests/net/openvswitch/
# openvswitch.sh), part 2: netlink_checks, upcall_interfaces, flow_set,
# action_set, dec_ttl and pop_vlan/push_vlan, with ctflow in place of
# ovs-dpctl.py (part 1, the conntrack traffic tests, is 40-selftests.sh).
# Features the running kernel lacks are probed for and skipped with the reason.
#
# Deliberate differences from the upstream script:
# - netlink_checks: the refused flows are refused by ctflow before anything
#   is sent, so instead of the kernel's log line we check the message, the
#   hint and that the kernel log and the flow table did not change. The
#   explicit drop action is checked against what `ctflow show` says of it.
# - upcall_interfaces: the datapath is the one ctflow add-dp negotiates
#   (per-CPU dispatch on this kernel), and the listener is ctflow upcall-listen.
# - flow_set: as upstream, mod-flow without actions keeps them (a SET with
#   no OVS_FLOW_ATTR_ACTIONS); --clear without actions resets the counters.
# - pop_vlan: the test VM has no 8021q module, so the tagged echo request is
#   a raw frame written to ns1's veth, and the tagged reply is seen by tcpdump.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/selftests-lib.sh"

plan 46

# --- netlink_checks --------------------------------------------------------------
cur_dp=nv0
cur_ns=(left right)
check "netlink_checks: add-dp nv0" ctflow add-dp nv0
check_exit "netlink_checks: a second add-dp nv0 fails: already exists" 1 'already exists' \
	ctflow add-dp nv0
check_no_output "netlink_checks: no kernel WARN in ovs_dp_cmd_new" 'ovs_dp_cmd_new\+' dmesg
ns_quiet left
ns_quiet right
ns_link left left0 l0 172.31.110.1/24
ns_link right right0 r0 172.31.110.2/24
ctflow add-if nv0 left0 >/dev/null
ctflow add-if nv0 right0 >/dev/null
tap_run ctflow show nv0
check_eq "netlink_checks: show nv0 lists 3 ports" 3 "$(grep -c 'port ' <<< "$out")"
check "netlink_checks: del-if nv0 right0" ctflow del-if nv0 right0
tap_run ctflow show nv0
check_eq "netlink_checks: show nv0 lists 2 ports" 2 "$(grep -c 'port ' <<< "$out")"
clones='clone(clone(clone(clone(clone(clone(clone(clone(clone(clone(clone(clone(clone(clone(clone(clone(clone(drop)))))))))))))))))'
# Only the openvswitch module's lines: the kernel logs other things at any
# time (clocksource and hrtimer complaints of a loaded TCG guest, ...).
ovs_log() { dmesg | grep -c 'openvswitch'; }
dmesg_before=$(ovs_log)
check_exit "netlink_checks: 17 nested clones are refused with the 16-level hint" 2 \
	'16 levels.*hint: ' ctflow add-flow nv0 'in_port(1),eth(),eth_type(0x800),ipv4()' "$clones"
check_exit "netlink_checks: drop(0),2 is refused: explicit drop must be last" 2 \
	'drop\(N\) must be the last action' ctflow add-flow nv0 'in_port(1),eth(),eth_type(0x0806),arp()' 'drop(0),2'
check_eq "netlink_checks: neither reached the kernel (its log is unchanged)" "$dmesg_before" \
	"$(ovs_log)"
check_no_output "netlink_checks: and the flow table is still empty" '.' ctflow dump-flows nv0
# Explicit drop (OVS_ACTION_ATTR_DROP) came with Linux 6.4: what show says must be true.
tap_run ctflow show nv0
if has_line 'kernel features:.*drop-action' "$out"; then
	check "netlink_checks: show says drop-action, and drop(0) is accepted" \
		ctflow add-flow nv0 'in_port(1),eth(),eth_type(0x0806),arp()' 'drop(0)'
else
	check_exit "netlink_checks: show lacks drop-action, and the kernel refuses drop(0)" 1 \
		'kernel refused|drop' \
		ctflow add-flow nv0 'in_port(1),eth(),eth_type(0x0806),arp()' 'drop(0)'
fi
untopo

# --- upcall_interfaces -------------------------------------------------------------
cur_dp=ui0
cur_ns=(upc)
ctflow add-dp ui0 >/dev/null || bail_out "cannot create ui0"
ns_quiet upc
ns_link upc left0 l0 172.31.110.1/24
ctflow add-if ui0 left0 >/dev/null
"$CTFLOW" upcall-listen ui0 left0 > "$tmp/upcalls" 2> "$tmp/upcalls.err" &
listener=$!
at_exit kill "$listener"
if wait_until 60 grep -q '^listening for upcalls on ui0 (portid [0-9]*)$' "$tmp/upcalls"; then
	ok "upcall_interfaces: the listener says it is listening, with its portid"
else
	not_ok "upcall_interfaces: the listener says it is listening, with its portid"
	diag "$(cat "$tmp/upcalls" "$tmp/upcalls.err")"
fi
in_ns upc arping -I l0 -c 1 -w 2 172.31.110.20 >/dev/null 2>&1
if wait_until 60 grep -q '^MISS upcall: .*arp(sip=172\.31\.110\.1,tip=172\.31\.110\.20,op=1,sha=' "$tmp/upcalls"; then
	ok "upcall_interfaces: the ARP request arrives as a MISS upcall in flow syntax"
else
	not_ok "upcall_interfaces: the ARP request arrives as a MISS upcall in flow syntax"
	diag "$(cat "$tmp/upcalls" "$tmp/upcalls.err")"
fi
check_output "upcall_interfaces: the upcall key names the port and the sender's MAC" \
	"in_port\\(1\\),.*eth\\(src=$(ip -n upc -o link show l0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)," \
	cat "$tmp/upcalls"
kill -INT "$listener"
wait "$listener"
check_eq "upcall_interfaces: SIGINT stops the listener cleanly (exit 0)" 0 $?
untopo

# --- flow_set ----------------------------------------------------------------------
topo flowset
U='ufid:00000001-0002-0003-0004-000500060007'
flows flowset "flow_set: ARP flows and a UFID IPv4 flow are installed" <<EOF
$ARP_FLOWS
$U,in_port(1),eth(),eth_type(0x0800),ipv4() 2
in_port(2),eth(),eth_type(0x0800),ipv4() 1
EOF
check_traffic "flow_set: client pings server" ping_ok client 172.31.110.20
check "flow_set: mod-flow by ufid to drop" ctflow mod-flow flowset "$U,in_port(1),eth(),eth_type(0x0800),ipv4()" drop
check_no_traffic "flow_set: ping fails once the flow drops" ping_ok client 172.31.110.20 1
check_output "flow_set: get-flow by ufid shows actions:drop" 'actions:drop$' ctflow get-flow flowset "$U"
check "flow_set: mod-flow without actions (a SET that keeps them)" ctflow mod-flow flowset \
	"$U,in_port(1),eth(),eth_type(0x0800),ipv4()"
check_no_traffic "flow_set: ping still fails: the drop actions were kept" ping_ok client 172.31.110.20 1
check_output "flow_set: get-flow still shows actions:drop" 'actions:drop$' ctflow get-flow flowset "$U"
check "flow_set: mod-flow --clear without actions" ctflow mod-flow --clear flowset \
	"$U,in_port(1),eth(),eth_type(0x0800),ipv4()"
check_output "flow_set: the flow still drops, with cleared counters" \
	'packets:0, bytes:0, used:never, actions:drop$' ctflow get-flow flowset "$U"
check "flow_set: mod-flow back to output 2" ctflow mod-flow flowset "$U,in_port(1),eth(),eth_type(0x0800),ipv4()" 2
check_traffic "flow_set: ping works again" ping_ok client 172.31.110.20
untopo

# --- action_set ----------------------------------------------------------------------
topo actionset
flows actionset "action_set: ARP and IPv4 forwarding flows are installed" <<EOF
$ARP_FLOWS
in_port(1),eth(),eth_type(0x0800),ipv4() 2
in_port(2),eth(),eth_type(0x0800),ipv4() 1
EOF
check_traffic "action_set: client pings server" ping_ok client 172.31.110.20
check "action_set: set(ipv4(dst=10.0.0.99)),2 replaces the forward action" \
	ctflow mod-flow actionset 'in_port(1),eth(),eth_type(0x0800),ipv4()' 'set(ipv4(dst=10.0.0.99)),2'
check_no_traffic "action_set: ping fails with the rewritten destination" ping_ok client 172.31.110.20 1
check "action_set: the plain flow is restored" \
	ctflow mod-flow actionset 'in_port(1),eth(),eth_type(0x0800),ipv4()' 2
check_traffic "action_set: ping works again" ping_ok client 172.31.110.20
untopo

# --- dec_ttl ---------------------------------------------------------------------------
topo decttl
if kernel_supports decttl 'in_port(1),eth(),eth_type(0x0800),ipv4()' 'dec_ttl(le_1()),2'; then
	flows decttl "dec_ttl: flows with dec_ttl(le_1()) are installed" <<EOF
$ARP_FLOWS
in_port(1),eth(),eth_type(0x0800),ipv4() dec_ttl(le_1()),2
in_port(2),eth(),eth_type(0x0800),ipv4() dec_ttl(le_1()),1
EOF
	check_traffic "dec_ttl: client pings server" ping_ok client 172.31.110.20
	check_no_traffic "dec_ttl: ping -t 1 dies at the datapath" \
		in_ns client ping -q -c 1 -t 1 -W 3 172.31.110.20
else
	reason="the kernel refuses dec_ttl: $err"
	skip "dec_ttl: flows with dec_ttl(le_1()) are installed" "$reason"
	skip "dec_ttl: client pings server" "$reason"
	skip "dec_ttl: ping -t 1 dies at the datapath" "$reason"
fi
untopo

# --- pop_vlan / push_vlan ------------------------------------------------------------------
PY=$(command -v /usr/bin/python3 || command -v python3)

# send_tagged_echo MAC_SRC MAC_DST: one ICMP echo request 198.51.100.1 ->
# 198.51.100.2 in VLAN 10, written raw to ns1veth (from inside ns1).
send_tagged_echo() {
	in_ns ns1 "$PY" - "$1" "$2" <<'PYEOF'
import socket, struct, sys

def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff

mac = lambda m: bytes(int(x, 16) for x in m.split(":"))
icmp = struct.pack("!BBHHH", 8, 0, 0, 0x4354, 1) + b"ctflow!!"
icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 1, 0, 64, 1, 0,
                 socket.inet_aton("198.51.100.1"), socket.inet_aton("198.51.100.2"))
ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
frame = mac(sys.argv[2]) + mac(sys.argv[1]) + struct.pack("!HHH", 0x8100, 10, 0x0800) + ip + icmp
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("ns1veth", 0))
s.send(frame)
PYEOF
}

# in_echos NS: echo requests NS's IP stack has received (Icmp InEchos).
in_echos() {
	in_ns "$1" awk '$1 == "Icmp:" { n++; if (n == 1) { for (i = 1; i <= NF; i++) if ($i == "InEchos") c = i } else print $c }' /proc/net/snmp
}

cur_dp=vlan0
cur_ns=(ns1 ns2)
ctflow add-dp vlan0 >/dev/null || bail_out "cannot create vlan0"
ns_quiet ns1
ns_quiet ns2
ns_link ns1 veth1 ns1veth 192.0.2.1/24
ns_link ns2 veth2 ns2veth 192.0.2.2/24
ctflow add-if vlan0 veth1 >/dev/null && ctflow add-if vlan0 veth2 >/dev/null
flows vlan0 "pop_vlan: baseline ARP and IPv4 flows are installed" <<EOF
$ARP_FLOWS
in_port(1),eth(),eth_type(0x0800),ipv4() 2
in_port(2),eth(),eth_type(0x0800),ipv4() 1
EOF
check_traffic "pop_vlan: ns1 pings ns2 untagged" ping_ok ns1 192.0.2.2
ip -n ns2 addr add 198.51.100.2/24 dev ns2veth
mac1=$(ip -n ns1 -o link show ns1veth | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
mac2=$(ip -n ns2 -o link show ns2veth | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
ip -n ns2 neigh add 198.51.100.1 lladdr "$mac1" dev ns2veth
VLAN_FLOW='in_port(1),eth(),eth_type(0x8100),vlan(vid=10),encap(eth_type(0x0800),ipv4(src=198.51.100.1,proto=1),icmp())'
check "pop_vlan: the VLAN 10 flow forwards tagged" ctflow add-flow vlan0 "$VLAN_FLOW" 2
echos0=$(in_echos ns2)
send_tagged_echo "$mac1" "$mac2"
wait_until 60 eval '[ "$(ctflow dump-flows vlan0 | grep -c "vlan(vid=10.*packets:1,")" = 1 ]'
check_output "pop_vlan: the tagged echo request hit the VLAN flow" 'vlan\(vid=10.*packets:1,.*actions:2$' \
	ctflow dump-flows vlan0
check_eq "pop_vlan: still tagged, ns2's IP stack never saw it" "$echos0" "$(in_echos ns2)"
check "pop_vlan: pop_vlan,2 on the VLAN flow" ctflow mod-flow vlan0 "$VLAN_FLOW" 'pop_vlan,2'
check "push_vlan: replies are tagged with VLAN 10" ctflow mod-flow vlan0 \
	'in_port(2),eth(),eth_type(0x0800),ipv4()' 'push_vlan(vid=10,pcp=0,tpid=0x8100),1'
in_ns ns1 timeout 180 tcpdump -i ns1veth -Q in -n -e -l -c 1 'vlan 10 and icmp' > "$tmp/tcpdump" 2> "$tmp/tcpdump.err" &
tcpdump_pid=$!
at_exit kill "$tcpdump_pid"
wait_until 120 grep -q 'listening on' "$tmp/tcpdump.err" ||
	diag "tcpdump is not listening: $(cat "$tmp/tcpdump.err")"
send_tagged_echo "$mac1" "$mac2"
if wait_until 60 eval '[ "$(in_echos ns2)" -gt "$echos0" ]'; then
	ok "pop_vlan: untagged by the datapath, the echo request reached ns2"
else
	not_ok "pop_vlan: untagged by the datapath, the echo request reached ns2"
	diag "$(ctflow dump-flows vlan0 2>&1)"
fi
wait "$tcpdump_pid"
check_output "push_vlan: ns2's echo reply comes back to ns1 in VLAN 10" \
	'vlan 10, .*198\.51\.100\.2 > 198\.51\.100\.1: ICMP echo reply' cat "$tmp/tcpdump"
check_output "push_vlan: through the push_vlan flow" \
	'in_port\(2\),eth\(\),eth_type\(0x0800\), packets:[1-9].*actions:push_vlan\(vid=10,pcp=0\),1$' \
	ctflow dump-flows vlan0
untopo
