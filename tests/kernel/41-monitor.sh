#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ctflow monitor on the real kernel: datapath, port and flow notifications
# made by ctflow and by Debian's ovs-dpctl, one line each as they happen,
# filtered to one datapath when asked, --json, the "notifications lost" line
# when the socket overflows (and going on after it), a clean stop on
# SIGINT/SIGTERM.
. "$(dirname "$0")/lib.sh"

plan 25

tmp=$(mktemp -d)
at_exit rm -rf "$tmp"
# A private copy: other work in the same tree may relink ./ctflow under us.
cp "$CTFLOW" "$tmp/ctflow" && CTFLOW=$tmp/ctflow
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1

# start_monitor NAME ARGS...: `ctflow ARGS` in the background, output in
# $tmp/NAME.out/.err, its pid in $NAME_pid; waits until it has subscribed.
start_monitor() {
	local name=$1; shift
	"$CTFLOW" "$@" > "$tmp/$name.out" 2> "$tmp/$name.err" &
	eval "${name}_pid=$!"
	at_exit kill $!
	wait_until 60 grep -q 'monitoring\|listening' "$tmp/$name.err" "$tmp/$name.out" ||
		diag "$name did not start: $(cat "$tmp/$name.err")"
}

# saw NAME ERE [SECONDS]: a line of NAME's output matches ERE (waiting for it,
# 60 s by default: a monitor on a loaded TCG guest can be slow to run).
saw() {
	wait_until "${3:-60}" grep -qE -- "$2" "$tmp/$1.out"
}

# check_saw DESC NAME ERE: one TAP line for saw().
check_saw() {
	if saw "$2" "$3"; then
		ok "$1"
	else
		not_ok "$1"
		diag "expected a line matching: $3"
		diag "$2 printed:"
		diag "$(tail -n 20 "$tmp/$2.out"; cat "$tmp/$2.err")"
	fi
}

# check_stops DESC PID SIGNAL: the process exits 0 on SIGNAL.
check_stops() {
	local rc
	kill "-$3" "$2"
	wait "$2"
	rc=$?
	check_eq "$1" 0 "$rc"
}

datapath_cleanup mon0
datapath_cleanup mon1
veth_pair m0 m0p
veth_pair m1 m1p

start_monitor all monitor
check_output "monitor says what it watches, on stderr" '^ctflow: monitoring all datapaths \(portid [0-9]+\)$' \
	cat "$tmp/all.err"
check "ctflow add-dp mon0" ctflow add-dp mon0
check_saw "monitor: datapath new: system@mon0" all '^datapath new: system@mon0$'
ovs_dpctl add-dp mon1
check_saw "monitor: a datapath made by ovs-dpctl is seen too" all '^datapath new: system@mon1$'

start_monitor one monitor mon0
start_monitor json --json monitor mon0
check "ctflow add-if mon0 m0" ctflow add-if mon0 m0
check_saw "monitor mon0: port new: port 1: m0 (netdev)" one '^port new: port 1: m0 \(netdev\)$'
ovs_dpctl add-if mon1 m1
check "ctflow add-flow on mon0" ctflow add-flow mon0 'in_port(1),eth(),eth_type(0x0806),arp()' 1
check_saw "monitor mon0: flow new: the dump-flows line" one \
	'^flow new: in_port\(1\),eth\(\),eth_type\(0x0806\), packets:0, bytes:0, used:never, actions:1$'
# (not `drop`: ovs-dpctl 3.1 sends an explicit drop action, which 6.1 lacks)
ovs_dpctl add-flow mon0 'in_port(3),eth(),eth_type(0x0806),arp()' 2
check_saw "monitor mon0: a flow added by ovs-dpctl" one \
	'^flow new: (in_port\(3\),eth\(\),eth_type\(0x0806\)|ufid:[-0-9a-f]+), .*actions:2$'
check "ctflow mod-flow on mon0" ctflow mod-flow mon0 'in_port(1),eth(),eth_type(0x0806),arp()' drop
check_saw "monitor mon0: flow set" one '^flow set: in_port\(1\),eth\(\),eth_type\(0x0806\),.*actions:drop$'
check "ctflow del-flow on mon0" ctflow del-flow mon0 'in_port(1),eth(),eth_type(0x0806),arp()'
check_saw "monitor mon0: flow del" one '^flow del: in_port\(1\),eth\(\),eth_type\(0x0806\),'
ovs_dpctl add-flow mon1 'in_port(1),eth(),eth_type(0x0806),arp()' 1
check "ctflow del-if mon0 m0" ctflow del-if mon0 m0
check_saw "monitor mon0: port del" one '^port del: port 1: m0 \(netdev\)$'
check_no_output "monitor mon0 saw nothing of mon1" 'mon1|m1' cat "$tmp/one.out"
check_saw "monitor (all) saw mon1's port and flow" all '^port new: port 1: m1 \(netdev\)$'
# The --json monitor is a process of its own: wait until it has printed the
# last event (m0's port del) before reading what it printed.
saw json '^\{"event":"port","cmd":"del",.*"name":"m0".*\}$' ||
	diag "the --json monitor has not printed m0's port del: $(cat "$tmp/json.out" "$tmp/json.err")"
check "every --json line is one JSON object with an event" python3 -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) >= 6, lines
for l in lines:
    o = json.loads(l)
    assert o["event"] in ("datapath", "port", "flow"), o
    assert o["dp_ifindex"] > 0, o
assert any(json.loads(l).get("flow", {}).get("actions") == "1" for l in lines), lines
' "$tmp/json.out"

check_stops "monitor --json stops cleanly on SIGTERM" "$json_pid" TERM
ovs_dpctl del-dp mon1
check_saw "monitor: datapath del, by ovs-dpctl" all '^datapath del: system@mon1$'
check_stops "monitor (all) stops cleanly on SIGTERM" "$all_pid" TERM

# --- overflow: stop the reader, flood it, it says so and goes on --------------------
kill -STOP "$one_pid"
seq 0 11999 | awk '{ printf "recirc_id(0),in_port(1),eth_type(0x0800),ipv4(src=10.%d.%d.1,frag=no) drop\n", int($1 / 256), $1 % 256 }' \
	> "$tmp/flows"
ctflow add-flows mon0 "$tmp/flows" >/dev/null 2>&1
kill -CONT "$one_pid"
check_saw "an overflowed monitor prints a notifications lost line" one '^notifications lost' 60
# The kernel flags an overflow once, until the queue has been read empty:
# wait until the monitor has caught up before the next notification. Its
# socket's receive queue (Rmem in /proc/net/netlink, NETLINK_GENERIC = 16)
# says so; output that stops growing for a while does not (a loaded host
# can stall the monitor for longer than any pause we pick).
one_portid=$(sed -n 's/.*(portid \([0-9]*\))$/\1/p' "$tmp/one.err")
one_drained() {
	awk -v p="$one_portid" '$2 == 16 && $3 == p { found = 1; rmem = $5 }
		END { exit !(found && rmem == 0) }' /proc/net/netlink
}
wait_until 120 one_drained ||
	diag "monitor mon0 (portid $one_portid) has not read its queue empty: $(cat /proc/net/netlink)"
ctflow add-flow mon0 'in_port(2),eth(),eth_type(0x0806),arp()' 1
check_saw "and goes on: the next flow is reported" one '^flow new: in_port\(2\),eth\(\),eth_type\(0x0806\)' 30
ctflow del-dp mon0
check_saw "monitor mon0: datapath del: system@mon0" one '^datapath del: system@mon0$'
check_stops "monitor stops cleanly on SIGINT" "$one_pid" INT
