#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ctflowd through faults, with real traffic: ready means ready (a
# connection made the moment the control socket answers succeeds); the
# datapath deleted under it (ovs-dpctl del-dp) is made again with its ports
# at their old numbers and traffic flows again; a port whose device is
# deleted and made again is attached again without a reload, under its old
# number; a flow the kernel refuses is logged and the daemon stays up; 100
# SIGHUPs in a second leave it running and answering.
. "$(dirname "$0")/lib.sh"

plan 14

ctflowd_scenario ctff

netns_ipv4_only c
netns_ipv4_only s
veth_pair f0 f1 c 10.7.0.1/24
veth_pair g0 g1 s 10.7.0.2/24
datapath_cleanup "$dp"

cat > "$conf" <<'CONF'
datapath ctff
port f0
port g0
revalidate-interval 200
rule 10 recirc_id(0),in_port(f0),eth_type(0x0806) g0
rule 10 recirc_id(0),in_port(g0),eth_type(0x0806) f0
rule 20 recirc_id(0),eth_type(0x0800),ct_state(-trk) ct(zone=4),recirc(1)
rule 30 recirc_id(1),in_port(f0),eth_type(0x0800),ct_state(+trk+new) ct(commit,zone=4),g0
rule 30 recirc_id(1),in_port(f0),eth_type(0x0800),ct_state(+trk+est) g0
rule 30 recirc_id(1),in_port(g0),eth_type(0x0800),ct_state(+trk+est) f0
CONF

in_ns s socat TCP-LISTEN:8080,fork,reuseaddr SYSTEM:'echo pong' &
at_exit kill $!
listening() { has_line ":8080 " "$(in_ns s ss -Hltn)"; }
wait_until 60 listening || bail_out "socat did not listen"
tcp_get() { in_ns c socat -T 20 -u TCP:10.7.0.2:8080,connect-timeout=20 STDOUT; }
port_no() { "$OVS_DPCTL" show "$dp" 2>/dev/null | sed -n "s/^ *port \([0-9]*\): $1\( .*\)\{0,1\}$/\1/p"; }

# ---- ready means ready -----------------------------------------------------------
"$CTFLOWD" -d -f "$conf" -s "$sock" 2> "$work/log" &
ctflowd_pid=$!
at_exit kill "$ctflowd_pid"
answers() { "$CTFLOW" daemon-show > /dev/null 2>&1; }
wait_until 60 answers || bail_out "ctflowd did not answer: $(tail -n 5 "$work/log")"
# No warm-up: the first connection's misses go to a daemon that said it is ready.
check_eq "a connection made the moment it answers succeeds" pong "$(tcp_get 2>/dev/null)"
g0_before=$(port_no g0)

# ---- the datapath deleted under it ---------------------------------------------------
check "ovs-dpctl del-dp under the running daemon" "$OVS_DPCTL" del-dp "$dp"
recreated() { [ -n "$(port_no f0)" ] && [ -n "$(port_no g0)" ]; }
check "the datapath is made again with both ports" wait_until 30 recreated
check_eq "g0 has its old port number" "$g0_before" "$(port_no g0)"
check "the log says what happened" grep -q "datapath $dp is gone (deleted by another program): creating it again" "$work/log"
check "traffic flows again" wait_until 30 in_ns c ping -c 1 -W 1 10.7.0.2
check_eq "TCP too" pong "$(tcp_get 2>/dev/null)"

# ---- a port's device deleted and made again -------------------------------------------
ip link del g0
gone() { [ -z "$(port_no g0)" ]; }
wait_until 30 gone
ip link add g0 type veth peer name g1 || bail_out "cannot make g0 again"
ip link set g1 netns s
ip -n s link set g1 up
ip -n s addr add 10.7.0.2/24 dev g1
ip link set g0 up
back() { [ -n "$(port_no g0)" ]; }
check "g0 is attached again, without a reload" wait_until 30 back
check_eq "under its old number" "$g0_before" "$(port_no g0)"
check "traffic flows through it again" wait_until 30 in_ns c ping -c 1 -W 1 10.7.0.2

# ---- a flow the kernel refuses --------------------------------------------------------
check "add-rule whose ct() helper the kernel does not have" \
	ctflow add-rule 40 'recirc_id(1),in_port(f0),eth_type(0x0800),ipv4(proto=17),ct_state(+trk+new)' \
	'ct(commit,zone=4,helper=nosuchhelper),g0'
in_ns c sh -c 'echo x | socat -u - UDP:10.7.0.2:9999' 2>/dev/null
refused_logged() { grep -q 'upcall: ctff: request [0-9]* failed' "$work/log"; }
if wait_until 30 refused_logged && kill -0 "$ctflowd_pid"; then
	ok "the kernel's refusal is logged, and the daemon stays up"
else
	not_ok "the kernel's refusal is logged, and the daemon stays up"
	diag "$(grep -v 'upcall: ctff: in_port' "$work/log" | tail -n 10)"
fi

# ---- 100 SIGHUPs in a second -------------------------------------------------------------
for i in $(seq 100); do kill -HUP "$ctflowd_pid"; sleep 0.01; done
check "after 100 SIGHUPs it runs and answers" sh -c "kill -0 $ctflowd_pid && '$CTFLOW' daemon-show > /dev/null"
check_eq "and forwards new connections" pong "$(tcp_get 2>/dev/null)"
