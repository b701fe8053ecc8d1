#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The Linux kernel's OVS selftests (tools/testing/selftests/net/openvswitch/
# openvswitch.sh), part 1: the traffic tests arp_ping, connect_v4,
# ct_connect_v4, nat_connect_v4 and nat_related_v4, with ctflow in place of
# ovs-dpctl.py: the same topology, the same flows, the same checks on real
# traffic (arping, ping, nc). Part 2 is 42-selftests-ovsnl.sh.
#
# Deliberate differences from the upstream script:
# - arp_ping: Debian's arping (Habets) puts zeros, not the broadcast
#   address, in the request's target hardware address; the flow follows
#   whichever arping is installed.
# - ct_connect_v4/nat_connect_v4 "other direction": upstream connects from
#   the client namespace to the client's own address (a race with its own
#   listener); here the server opens a new connection to a listener in the
#   client namespace, which no flow allows (only +est replies go 2 -> 1),
#   and nat_connect_v4 checks that the real server address is unreachable.
# - nat_related_v4 also checks that the related ICMP error took its flow,
#   so that "the drop flow has packets:0" cannot pass with no traffic at all.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/selftests-lib.sh"

plan 16

# --- arp_ping ------------------------------------------------------------------
topo arpping
# The ARP request's target hardware address: iputils arping puts the
# broadcast address there (what the upstream flow expects), Habets' arping
# (Debian's arping package) zeros.
if arping -V 2>&1 | grep -q iputils; then arp_tha=ff:ff:ff:ff:ff:ff; else arp_tha=00:00:00:00:00:00; fi
hw_client=$(ip -n client -o link show c1 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
flows arpping "arp_ping: the ARP flows are installed" <<EOF
in_port(1),eth(),eth_type(0x0806),arp(sip=172.31.110.10,tip=172.31.110.20,sha=$hw_client,tha=$arp_tha) 2
in_port(2),eth(),eth_type(0x0806),arp() 1
EOF
check_traffic "arp_ping: arping client -> server is answered" \
	in_ns client arping -I c1 -c 1 -w 5 172.31.110.20
untopo

# --- connect_v4 ------------------------------------------------------------------
topo connect4
flows connect4 "connect_v4: ARP and IPv4 forwarding flows are installed" <<EOF
$ARP_FLOWS
in_port(1),eth(),eth_type(0x0800),ipv4(src=172.31.110.10) 2
in_port(2),eth(),eth_type(0x0800),ipv4(src=172.31.110.20) 1
EOF
check_traffic "connect_v4: client pings server" ping_ok client 172.31.110.20
untopo

# --- ct_connect_v4 ---------------------------------------------------------------
topo ctconnect4
flows ctconnect4 "ct_connect_v4: the conntrack pipeline is installed" <<EOF
$ARP_FLOWS
ct_state(-trk),eth(),eth_type(0x0800),ipv4() ct(commit),recirc(0x1)
recirc_id(0x1),ct_state(+trk+new),in_port(1),eth(),eth_type(0x0800),ipv4(src=172.31.110.10) 2
recirc_id(0x1),ct_state(+trk+est),in_port(1),eth(),eth_type(0x0800),ipv4(src=172.31.110.10) 2
recirc_id(0x1),ct_state(+trk+est),in_port(2),eth(),eth_type(0x0800),ipv4(dst=172.31.110.10) 1
recirc_id(0x1),ct_state(+trk+inv),eth(),eth_type(0x0800),ipv4() drop
EOF
check_traffic "ct_connect_v4: client pings server through ct" ping_ok client 172.31.110.20
nc_listen server 4443
check_traffic "ct_connect_v4: TCP client -> server connects" nc_connect client 172.31.110.20 4443
nc_listen client 4443
check_no_traffic "ct_connect_v4: a new connection server -> client is not let through" \
	nc_connect server 172.31.110.10 4443
check_output "ct_connect_v4: the +trk+est reply flow carried packets" \
	'in_port\(2\),ct_state\(\+est\+trk\),.*packets:[1-9]' ctflow dump-flows ctconnect4
nc_stop
untopo

# --- nat_connect_v4 --------------------------------------------------------------
topo natconnect4
ip -n client route add default via 172.31.110.20
flows natconnect4 "nat_connect_v4: the DNAT pipeline is installed" <<EOF
$ARP_FLOWS
ct_state(-trk),in_port(1),eth(),eth_type(0x0800),ipv4(dst=192.168.0.20) ct(commit,nat(dst=172.31.110.20)),recirc(0x1)
ct_state(-trk),in_port(2),eth(),eth_type(0x0800),ipv4() ct(commit,nat),recirc(0x2)
recirc_id(0x1),ct_state(+trk-inv),in_port(1),eth(),eth_type(0x0800),ipv4() 2
recirc_id(0x2),ct_state(+trk-inv),in_port(2),eth(),eth_type(0x0800),ipv4() 1
EOF
check_traffic "nat_connect_v4: ping 192.168.0.20 reaches the server via DNAT" ping_ok client 192.168.0.20
nc_listen server 4443
check_traffic "nat_connect_v4: TCP to 192.168.0.20:4443 connects via DNAT" \
	nc_connect client 192.168.0.20 4443
check_no_traffic "nat_connect_v4: 172.31.110.20 itself is not reachable (no flow)" \
	nc_connect client 172.31.110.20 4444
nc_stop
untopo

# --- nat_related_v4 --------------------------------------------------------------
topo natrelated4
ip -n server route add 192.168.0.20/32 via 172.31.110.10
flows natrelated4 "nat_related_v4: the SNAT pipeline with related ICMP flows is installed" <<EOF
$ARP_FLOWS
ct_state(-trk),in_port(1),eth(),eth_type(0x0800),ipv4(dst=172.31.110.20) ct(commit,nat(src=192.168.0.20)),recirc(0x1)
recirc_id(0x1),ct_state(+trk-inv),in_port(1),eth(),eth_type(0x0800),ipv4() 2
ct_state(-trk),in_port(2),eth(),eth_type(0x0800),ipv4() ct(commit,nat),recirc(0x2)
recirc_id(0x2),ct_state(+rel+trk),in_port(2),eth(),eth_type(0x0800),ipv4(src=172.31.110.20,dst=172.31.110.10,proto=1),icmp() 1
recirc_id(0x2),ct_state(+rel+trk),in_port(2),eth(),eth_type(0x0800),ipv4(dst=192.168.0.20,proto=1),icmp() drop
EOF
echo a | in_ns client nc -u -w 1 172.31.110.20 10000 >/dev/null 2>&1
# The ICMP error comes back asynchronously: give it time under TCG.
wait_until 60 eval 'ctflow dump-flows natrelated4 | grep -q "dst=172.31.110.10,proto=1).*packets:[1-9]"'
check_output "nat_related_v4: the port-unreachable, un-NATed to the client, took the related flow" \
	'ipv4\(src=172\.31\.110\.20,dst=172\.31\.110\.10,proto=1\).*packets:[1-9]' ctflow dump-flows natrelated4
check_output "nat_related_v4: nothing hit the drop flow for the NATed address" \
	'ipv4\(dst=192\.168\.0\.20,proto=1\).*packets:0,.*actions:drop' ctflow dump-flows natrelated4
untopo

