#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ctflowd with exactly the privileges its systemd unit grants: root, with
# CapabilityBoundingSet=CAP_NET_ADMIN CAP_CHOWN and NoNewPrivileges=yes (the
# unit sets no User=, so root's permitted and effective sets at exec are the
# bounding set). CAP_CHOWN gives the control socket to control-group (a gid
# root is not a member of); then ctflowd drops it, and every thread runs with
# CAP_NET_ADMIN alone. The firewall of 50-ctflowd-firewall.sh must still
# work: the upcall sockets, the per-CPU dispatch, flow installation, packet
# execution, conntrack, syslog and sd_notify, all with CAP_NET_ADMIN and
# nothing else.
. "$(dirname "$0")/lib.sh"

plan 17

ctflowd_scenario ctcap

# CAP_NET_ADMIN is capability 12, CAP_CHOWN 0. The unit grants both; after
# start only CAP_NET_ADMIN is effective and permitted. The bounding set keeps
# CAP_CHOWN: dropping it takes CAP_SETPCAP, and it limits only an exec.
granted=0000000000001001
running=0000000000001000
# A group root is not a member of: only CAP_CHOWN lets root give a file to it.
ctlgid=4200

start_syslogd "$work/messages"

start_notify_listener "$work/notify" "$work/notify.log"

netns_ipv4_only c
netns_ipv4_only s
veth_pair c0 c1 c 10.2.0.1/24
veth_pair s0 s1 s 10.2.0.2/24
datapath_cleanup "$dp"

cat > "$conf" <<CONF
datapath ctcap
control-group $ctlgid
port c0
port s0
idle-timeout 10
upcall-log-rate 1000
rule 10 recirc_id(0),in_port(c0),eth_type(0x0806) s0
rule 10 recirc_id(0),in_port(s0),eth_type(0x0806) c0
rule 20 recirc_id(0),eth_type(0x0800),ct_state(-trk) ct(zone=7),recirc(1)
rule 30 recirc_id(1),in_port(c0),eth_type(0x0800),ct_state(+trk+new) ct(commit,zone=7),s0
rule 30 recirc_id(1),in_port(c0),eth_type(0x0800),ct_state(+trk+est) s0
rule 30 recirc_id(1),in_port(s0),eth_type(0x0800),ct_state(+trk+est) c0
CONF

# What systemd does for the unit: bounding set CAP_NET_ADMIN and CAP_CHOWN,
# no inheritable or ambient capabilities, no_new_privs, UMask=0027; exec as root.
start_ctflowd() {
	(umask 0027
	 NOTIFY_SOCKET=$work/notify exec setpriv --bounding-set=-all,+net_admin,+chown \
		--inh-caps=-all --ambient-caps=-all --no-new-privs \
		"$CTFLOWD" -f "$conf" -s "$sock") &
	ctflowd_pid=$!
	wait_until 60 test -S "$sock"
}
stop_ctflowd() {
	kill "$ctflowd_pid" 2>/dev/null
	wait "$ctflowd_pid" 2>/dev/null
}
at_exit stop_ctflowd
messages() { cat "$work/messages" 2>/dev/null; }
capfield() { awk -v f="$1:" '$1 == f { print $2 }' "/proc/$ctflowd_pid/status"; }
# Capabilities are per thread: FIELD of every thread, one distinct value a line.
capfield_all() { awk -v f="$1:" '$1 == f { print $2 }' /proc/"$ctflowd_pid"/task/*/status | sort -u; }

if start_ctflowd; then ok "ctflowd starts with CAP_NET_ADMIN and CAP_CHOWN"; else not_ok "ctflowd starts with CAP_NET_ADMIN and CAP_CHOWN"; diag "$(messages)"; fi
# READY=1 comes after the drop: read the capabilities only then.
check "sd_notify READY=1 reached the listener" wait_until 60 grep -q '^READY=1' "$work/notify.log"
check_eq "the control socket's group is $ctlgid (chown with CAP_CHOWN)" "$ctlgid" "$(stat -c %g "$sock")"
diag "$(grep -E '^(Name|Uid|Cap|NoNewPrivs)' "/proc/$ctflowd_pid/status")"
diag "threads: $(ls /proc/"$ctflowd_pid"/task | wc -l)"
for f in CapEff CapPrm; do
	v=$(capfield_all "$f")
	if [ "$v" = "$running" ]; then ok "$f is CAP_NET_ADMIN alone, in every thread"; else not_ok "$f is CAP_NET_ADMIN alone, in every thread"; diag "$f: $v"; fi
done
v=$(capfield_all CapBnd)
if [ "$v" = "$granted" ]; then ok "CapBnd is what the unit grants"; else not_ok "CapBnd is what the unit grants"; diag "CapBnd: $v"; fi
v=$(capfield CapAmb)
if [ "$v" = 0000000000000000 ]; then ok "no ambient capabilities"; else not_ok "no ambient capabilities"; diag "CapAmb: $v"; fi
check_output "per-cpu upcall dispatch without further capabilities" '^  upcall dispatch: per-cpu$' ctflow daemon-show

in_ns s socat TCP-LISTEN:8080,fork,reuseaddr SYSTEM:'echo hello-from-server' &
at_exit kill $!
in_ns c socat TCP-LISTEN:9090,fork,reuseaddr SYSTEM:'echo hello-from-client' &
at_exit kill $!
listening() { has_line ":$2 " "$(in_ns "$1" ss -Hltn)"; }
wait_until 60 listening s 8080 && wait_until 60 listening c 9090 || bail_out "socat did not listen"
tcp_get() { in_ns "$1" socat -T 20 -u TCP:"$2",connect-timeout=20 STDOUT; }

check "client -> server ping passes" in_ns c ping -c 3 -i 0.3 -W 5 10.2.0.2
check_output "client -> server TCP passes" '^hello-from-server$' tcp_get c 10.2.0.2:8080
check_fails "a new connection server -> client is dropped" \
	in_ns s socat -T 2 -u TCP:10.2.0.1:9090,connect-timeout=2 STDOUT

tap_run ovs_dpctl dump-flows "$dp"
flows=$out
diag "$flows"
if has_line 'recirc_id\(0x1\).*ct_state\(.*trk' "$flows"; then ok "megaflows installed, keyed on recirc_id and ct_state"; else not_ok "megaflows installed, keyed on recirc_id and ct_state"; fi
if has_line 'actions:drop' "$flows"; then ok "denied traffic got a drop flow"; else not_ok "denied traffic got a drop flow"; fi

log_has() {
	local log re
	log=$(messages)
	for re; do has_line "$re" "$log" || return 1; done
}
if wait_until 60 log_has 'ctflowd\[[0-9]+\]: upcall: ctcap: in_port c0: .*: rule 20 '; then
	ok "syslog has the upcall lines"
else
	not_ok "syslog has the upcall lines"; diag "$(messages)"
fi
# No step fell back or failed for want of a privilege.
if grep -Eiq 'ctflowd\[[0-9]+\]: .*(operation not permitted|permission denied)' "$work/messages"; then
	not_ok "nothing was refused for want of a privilege"; diag "$(messages)"
else
	ok "nothing was refused for want of a privilege"
fi
check "SIGTERM: orderly shutdown" stop_ctflowd
check "syslog: terminating" wait_until 60 grep -q 'ctflowd: terminating' "$work/messages"
