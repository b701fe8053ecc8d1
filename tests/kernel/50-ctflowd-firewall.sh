#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ctflowd against the real kernel: the conntrack firewall of issue 5 between
# a client and a server namespace. Client->server ping and TCP pass, a new
# connection server->client is dropped, replies flow; the installed flows are
# megaflows keyed on recirc_id/ct_state, not one per connection; syslog (a
# real busybox syslogd) holds the upcall lines; sd_notify READY reaches a
# listener; SIGHUP with a bad and a good file; kill -9 and restart with
# traffic continuing and the old flows adopted; a reload with an include
# file and a define; unmatched traffic handled by
# an installed default flow; the control socket (dump-rules, daemon-show,
# add-rule, del-rule).
. "$(dirname "$0")/lib.sh"

plan 35

ctflowd_scenario ctfw

# --- syslog: a real syslog daemon, messages in $work/messages ---------------
start_syslogd "$work/messages"

# --- sd_notify listener --------------------------------------------------------
start_notify_listener "$work/notify" "$work/notify.log"

# --- topology: ns c (10.2.0.1) -- c0 [ctfw] s0 -- ns s (10.2.0.2) ------------
# No IPv6 in the namespaces: router solicitations and MLD reports of the
# moved-in veth ends would be misses at random times, adding default flows
# (n_flows), upcall lines and hits that no check asked for.
netns_ipv4_only c
netns_ipv4_only s
veth_pair c0 c1 c 10.2.0.1/24
veth_pair s0 s1 s 10.2.0.2/24
datapath_cleanup "$dp"

cat > "$conf" <<'CONF'
# The conntrack firewall of issue 5.
datapath ctfw
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
cp "$conf" "$work/good.conf"

start_ctflowd() {
	NOTIFY_SOCKET=$work/notify "$CTFLOWD" -f "$conf" -s "$sock" &
	ctflowd_pid=$!
	wait_until 60 test -S "$sock"
}
stop_ctflowd() {
	kill "$ctflowd_pid" 2>/dev/null
	wait "$ctflowd_pid" 2>/dev/null
}
at_exit stop_ctflowd
messages() { cat "$work/messages" 2>/dev/null; }

check "ctflowd -n accepts the firewall" "$CTFLOWD" -n -f "$conf"
if start_ctflowd; then ok "ctflowd starts and listens"; else not_ok "ctflowd starts and listens"; diag "$(messages)"; fi
check "sd_notify READY=1 reached the listener" wait_until 60 grep -q '^READY=1' "$work/notify.log"
check_output "daemon-show: per-cpu upcall dispatch" '^  upcall dispatch: per-cpu$' ctflow daemon-show
check_output "the ports are attached" 'port [0-9]+: s0' ovs_dpctl show "$dp"

# --- traffic --------------------------------------------------------------------
in_ns s socat TCP-LISTEN:8080,fork,reuseaddr SYSTEM:'echo hello-from-server' &
at_exit kill $!
in_ns c socat TCP-LISTEN:9090,fork,reuseaddr SYSTEM:'echo hello-from-client' &
at_exit kill $!
listening() { has_line ":$2 " "$(in_ns "$1" ss -Hltn)"; }
wait_until 60 listening s 8080 && wait_until 60 listening c 9090 || bail_out "socat did not listen"
# -u: only server -> client, so the client does not close before the greeting.
# 20 s timeouts: the first packets go through ctflowd's upcalls and the
# server forks a shell for its greeting, both slow on a loaded TCG guest.
tcp_get() { in_ns "$1" socat -T 20 -u TCP:"$2",connect-timeout=20 STDOUT; }

check "client -> server ping passes" in_ns c ping -c 3 -i 0.3 -W 5 10.2.0.2
check_output "client -> server TCP passes" '^hello-from-server$' tcp_get c 10.2.0.2:8080
for i in 1 2 3 4 5; do
	tcp_get c 10.2.0.2:8080 >/dev/null 2>&1
done
check_fails "a new connection server -> client is dropped" \
	in_ns s socat -T 2 -u TCP:10.2.0.1:9090,connect-timeout=2 STDOUT
if in_ns s ping -c 1 -W 1 10.2.0.1 >/dev/null; then
	not_ok "a new ping server -> client is dropped"
else
	ok "a new ping server -> client is dropped"
fi

# --- the flows: megaflows, not per connection -----------------------------------
tap_run ovs_dpctl dump-flows "$dp"
flows=$out
diag "$flows"
diag "$(ctflow daemon-show)"
if has_line 'recirc_id\(0x1\).*ct_state\(.*trk' "$flows"; then ok "megaflows keyed on recirc_id and ct_state"; else not_ok "megaflows keyed on recirc_id and ct_state"; fi
if ! has_line 'tcp\(src=[0-9]+' "$flows" && ! has_line 'ipv4\(src=10' "$flows"; then
	ok "no flow examines TCP ports or addresses"
else
	not_ok "no flow examines TCP ports or addresses"
fi
n_flows=$(printf '%s\n' "$flows" | grep -c 'actions:')
if [ "$n_flows" -le 12 ]; then ok "six TCP connections and pings: $n_flows flows"; else not_ok "six TCP connections and pings: $n_flows flows"; fi
if has_line 'ct_state\(.*\+new.*actions:drop|actions:drop' "$flows"; then ok "unmatched traffic got a default (drop) flow"; else not_ok "unmatched traffic got a default (drop) flow"; fi
check_output "ctflow dump-flows agrees" 'recirc_id\(0x1\)' ctflow dump-flows "$dp"

# --- syslog -------------------------------------------------------------------
# syslogd writes what it receives when it gets to run: wait for the lines
# (60 s at most) instead of sleeping a fixed time.
# log_has ERE...: every ERE matches a line of the syslog file.
log_has() {
	local log re
	log=$(messages)
	for re; do has_line "$re" "$log" || return 1; done
}
# check_log DESC ERE...: one TAP line for log_has, waiting for it.
check_log() {
	local desc=$1; shift
	if wait_until 60 log_has "$@"; then ok "$desc"; else not_ok "$desc"; diag "$(messages)"; fi
}
check_log "syslog has the upcall line for rule 20" \
	'ctflowd\[[0-9]+\]: upcall: ctfw: in_port c0: .*: rule 20 recirc_id\(0\),eth_type\(0x0800\),ct_state\(-trk\): actions ct\(zone=7\),recirc\(0x?1\)'
check_log "syslog has a default upcall line" 'upcall: ctfw: in_port s0: .*: default: actions drop'
check_log "syslog has the start and mode lines" \
	'ctflowd\[[0-9]+\]: ctflowd: started: datapath ctfw' 'dispatch mode per-cpu'
check_output "dump-rules: rule 20 has hits" '^rule 20 .*# hits:[1-9]' ctflow dump-rules
check_output "dump-rules: default has hits" '^default-action .*# hits:[1-9]' ctflow dump-rules
check_output "daemon-show: upcalls handled" 'handled:[1-9]' ctflow daemon-show

# --- control socket: a rule added live takes effect -------------------------------
check "add-rule: server may ping the client" \
	ctflow add-rule 40 'recirc_id(1),in_port(s0),eth_type(0x0800),ipv4(proto=1),ct_state(+trk+new)' 'ct(commit,zone=7),c0'
check "after add-rule, server -> client ping passes" wait_until 10 in_ns s ping -c 1 -W 1 10.2.0.1
check "del-rule" \
	ctflow del-rule 40 'recirc_id(1),in_port(s0),eth_type(0x0800),ipv4(proto=1),ct_state(+trk+new)'

# --- SIGHUP with a bad file keeps the rules, with a good one takes it ---------------
printf 'datapath ctfw\nport c0\nrule 10 recirc_id(0),in_port(nosuch) drop\n' > "$conf"
kill -HUP "$ctflowd_pid"
check "bad file: the reason is logged" wait_until 60 grep -q 'reload: keeping the old configuration: .*ctflowd.conf:3:' "$work/messages"
check "bad file: traffic still passes" in_ns c ping -c 1 -W 5 10.2.0.2
sed 's/^idle-timeout 10/idle-timeout 9/' "$work/good.conf" > "$conf"
kill -HUP "$ctflowd_pid"
reloaded() { has_line '^  reloads: 1$' "$("$CTFLOW" daemon-show)"; }
check "good file: reloaded" wait_until 60 reloaded

# --- SIGHUP with an include and a define: the included rule takes effect ----------
# Its match has blanks after the commas; its actions use a named value; its
# handler-threads line only takes effect at start, which the reload says.
mkdir -p "$work/rules.d"
cat > "$work/rules.d/40-ping-back.conf" <<'CONF'
rule 40 recirc_id(1), in_port(s0), eth_type(0x0800), ipv4(proto=1), ct_state(+trk+new) ct(commit,zone=$ZONE),c0
handler-threads 1
CONF
{ cat "$work/good.conf"; printf 'define ZONE = 7\ninclude rules.d/*.conf\n'; } > "$conf"
kill -HUP "$ctflowd_pid"
reloaded_twice() { has_line '^  reloads: 2$' "$("$CTFLOW" daemon-show)"; }
check "include: reloaded" wait_until 60 reloaded_twice
check_output "include: dump-rules shows the included rule, \$ZONE replaced" \
	'^rule 40 recirc_id\(1\),in_port\(s0\).*ct\(commit,zone=7\),c0' ctflow dump-rules
check "include: server -> client ping passes" wait_until 10 in_ns s ping -c 1 -W 1 10.2.0.1
check "include: the reload names the start-only setting" \
	wait_until 60 grep -q 'reload: handler-threads changed: takes effect at the next start' "$work/messages"
cp "$work/good.conf" "$conf"	# the restart below runs the firewall without rule 40

# --- kill -9 and restart: the kernel keeps forwarding, the flows are adopted ------
in_ns c ping -c 16 -i 0.25 -W 1 10.2.0.2 > "$work/ping.log" 2>&1 &
ping_pid=$!
# Kill only once the established flows of both directions are in the kernel.
wait_until 60 grep -q 'icmp_seq=3 ' "$work/ping.log"
kill -9 "$ctflowd_pid"
wait "$ctflowd_pid" 2>/dev/null
rm -f "$sock"
sleep 0.5
start_ctflowd
wait "$ping_pid"
if grep -q ' 0% packet loss' "$work/ping.log"; then ok "ping continues across kill -9 and restart"; else not_ok "ping continues across kill -9 and restart"; diag "$(cat "$work/ping.log")"; fi
check "the restarted daemon adopted the old flows" wait_until 60 grep -q 'revalidate: ctfw: adopted [0-9]* flows' "$work/messages"
check_output "TCP passes after the restart" '^hello-from-server$' tcp_get c 10.2.0.2:8080
check "SIGTERM: orderly shutdown" stop_ctflowd
check "syslog: terminating" wait_until 60 grep -q 'ctflowd: terminating' "$work/messages"
