# SPDX-License-Identifier: Apache-2.0
# Shared by the ports of the kernel's OVS selftests (tests/kernel/4[02]-*.sh),
# sourced after lib.sh: the selftests' topology (client 172.31.110.10/24 and
# server 172.31.110.20/24 in namespaces, on veth pairs whose root ends c0/s0
# are datapath ports 1 and 2), flows from here-documents, and checks on
# real traffic.

tmp=$(mktemp -d)
at_exit rm -rf "$tmp"
# A private copy: other work in the same tree may relink ./ctflow under us.
cp "$CTFLOW" "$tmp/ctflow" && CTFLOW=$tmp/ctflow

# Quiet links: no IPv6 autoconfiguration packets to miss the flow table.
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1

# TCG is slow: generous timeouts on every probe of the network.
ping_ok() { in_ns "$1" ping -q -c "${3:-3}" -i 0.3 -W 3 "$2" >/dev/null 2>&1; }

# check_traffic DESC CMD...: CMD succeeds; check_no_traffic: it fails.
check_traffic() {
	local desc=$1; shift
	if "$@" > "$tmp/traffic" 2>&1; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "failed: $*"
		diag "$(cat "$tmp/traffic")"
		[ -n "$cur_dp" ] && diag "$(ctflow dump-flows "$cur_dp" 2>&1)"
	fi
}
check_no_traffic() {
	local desc=$1; shift
	if "$@" > "$tmp/traffic" 2>&1; then
		not_ok "$desc"
		diag "unexpectedly succeeded: $*"
		diag "$(cat "$tmp/traffic")"
	else
		ok "$desc"
	fi
}

# check_exit DESC STATUS REGEX CMD...: CMD exits with STATUS, stderr matches REGEX.
check_exit() {
	local desc=$1 want=$2 re=$3; shift 3
	tap_run "$@"
	if [ "$tap_status" = "$want" ] && has_line "$re" "$err"; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "expected exit status $want and stderr matching: $re"
		tap_show_output "$@"
	fi
}

# --- topology ------------------------------------------------------------------

ns_quiet() {
	ip netns add "$1" || bail_out "cannot create netns $1"
	ip -n "$1" link set lo up
	in_ns "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

# ns_link NS ROOT_END NS_END ADDR: veth pair, NS_END in NS with ADDR, both up.
ns_link() {
	ip link add "$2" type veth peer name "$3" || bail_out "cannot create veth $2/$3"
	ip link set "$3" netns "$1"
	ip link set "$2" up
	ip -n "$1" link set "$3" up
	[ -n "${4:-}" ] && ip -n "$1" addr add "$4" dev "$3"
	return 0
}

cur_dp=
cur_ns=()
# topo DP: datapath DP, namespaces client (c1) and server (s1), c0 = port 1, s0 = port 2.
topo() {
	cur_dp=$1
	cur_ns=(client server)
	ctflow add-dp "$1" >/dev/null || bail_out "cannot create datapath $1"
	ns_quiet client
	ns_quiet server
	ns_link client c0 c1 172.31.110.10/24
	ns_link server s0 s1 172.31.110.20/24
	ctflow add-if "$1" c0 >/dev/null && ctflow add-if "$1" s0 >/dev/null ||
		bail_out "cannot add c0/s0 to $1"
}

untopo() {
	local ns
	[ -n "$cur_dp" ] && ctflow del-dp "$cur_dp" >/dev/null 2>&1
	for ns in "${cur_ns[@]}"; do ip netns del "$ns" 2>/dev/null; done
	for link in c0 s0 left0 right0 veth1 veth2; do ip link del "$link" 2>/dev/null; done
	cur_dp= cur_ns=()
	return 0
}
at_exit untopo

# flows DP < lines "FLOW ACTIONS": add each flow; one TAP line for the lot.
flows() {
	local dp=$1 desc=$2 f a failed=
	while read -r f a; do
		[ -z "$f" ] && continue
		if ! tap_run ctflow add-flow "$dp" "$f" "$a"; then
			failed=1
			diag "add-flow $f $a: $err"
		fi
	done
	if [ -z "$failed" ]; then ok "$desc"; else not_ok "$desc"; fi
}

ARP_FLOWS='in_port(1),eth(),eth_type(0x0806),arp() 2
in_port(2),eth(),eth_type(0x0806),arp() 1'

# nc_listen NS PORT: a TCP listener in NS, stopped at the end of the test.
# Returns once the socket listens: a fixed sleep is too short for a loaded
# TCG guest, and a connection made before that would be refused (or, for
# a check that expects no connection, pass for the wrong reason).
nc_pids=()
nc_listening() { has_line ":$2 " "$(in_ns "$1" ss -Hltn)"; }
nc_listen() {
	in_ns "$1" nc -l -k -n 0.0.0.0 "$2" >/dev/null 2>&1 &
	nc_pids+=($!)
	at_exit kill $!
	wait_until 60 nc_listening "$1" "$2" || bail_out "nc did not listen on port $2 in $1"
}
nc_stop() {
	local p
	for p in "${nc_pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	nc_pids=()
}
# A 10 s connect timeout: a loaded TCG guest can be slow to answer a SYN
# (only the checks that expect no connection wait that long).
nc_connect() { in_ns "$1" nc -z -n -w 10 "$2" "$3" >/dev/null 2>&1; }

# kernel_supports DP FLOW ACTIONS: the kernel takes ACTIONS (flow removed again).
kernel_supports() {
	tap_run ctflow add-flow "$1" "$2" "$3" || return 1
	ctflow del-flow "$1" "$2" >/dev/null 2>&1
	return 0
}

