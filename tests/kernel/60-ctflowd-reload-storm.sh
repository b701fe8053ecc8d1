#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# An upcall storm while reloads happen: pktgen sends UDP datagrams over
# distinct 5-tuples into a datapath port (megaflows off, so every datagram
# is a miss) while the configuration flips between two policies that send
# the traffic to different ports, and SIGHUP arrives every few hundred
# milliseconds. The daemon must keep serving misses across the reloads,
# apply every reload it reports, and end in the last policy's state: after
# the storm no flow in the kernel forwards to the old port, new misses go to
# the new one, and packets are delivered there and only there. The policy
# carries 1,000 filler rules so that each rebuild is real work.
#
# The default pace (1,000 datagrams a second) is about what the sanitizer
# build handles under qemu TCG, so the daemon works at capacity the whole
# time. CTFLOW_STORM_DELAY_NS=200000 (5x that) goes past it: megaflows off,
# every datagram a new flow, flows arrive faster than revalidation passes
# expire them and the passes grow; they run in steps, so the control socket
# and the reloads are still served meanwhile (see tests/RELIABILITY.md).
. "$(dirname "$0")/lib.sh"

storm_s=${CTFLOW_STORM_SECONDS:-30}
pace=${CTFLOW_STORM_DELAY_NS:-1000000}

[ -d /proc/net/pktgen ] || skip_all "no pktgen in this kernel (tests/vm/modules.list)"
plan 12

ctflowd_scenario ctfs

# pktgen transmits on g0p; g0 is the datapath's input. o0 and o1 are the
# two outputs; their peers count what arrives.
veth_pair g0 g0p
veth_pair o0 o0p
veth_pair o1 o1p
datapath_cleanup "$dp"

# 1,000 rules this traffic never matches (other input port, UDP services).
filler() {
	awk 'BEGIN { for (i = 0; i < 1000; i++)
		printf "rule %d recirc_id(0),in_port(o1),eth_type(0x0800),ipv4(src=172.%d.%d.0/255.255.255.0,proto=17),udp(dst=%d) drop\n", \
			100 + i % 7, 16 + i % 16, i % 256, 1000 + i }'
}
# policy OUT: the traffic from g0 goes to port OUT.
write_conf() {
	cat > "$conf.new" <<CONF
datapath $dp
port g0
port o0
port o1
megaflows off
idle-timeout 1
revalidate-interval 200
upcall-log-rate 1
rule 10 recirc_id(0),in_port(g0) $1
rule 10 recirc_id(0),in_port(o0) drop
CONF
	filler >> "$conf.new"
	mv "$conf.new" "$conf"
}
write_conf o0

export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1
# Each log line with the time it arrived, to see how long reloads waited
# (through a FIFO: the VM has no /dev/fd for bash's process substitution).
stamp() { while IFS= read -r l; do printf '%s %s\n' "$EPOCHREALTIME" "$l"; done; }
mkfifo "$work/logpipe"
stamp < "$work/logpipe" > "$work/log" &
"$CTFLOWD" -d -f "$conf" -s "$sock" 2> "$work/logpipe" &
ctflowd_pid=$!
at_exit kill "$ctflowd_pid"
ready() { timeout 20 "$CTFLOW" daemon-show > /dev/null; }
if wait_until 120 ready; then ok "ctflowd starts with 1,002 rules"; else not_ok "ctflowd starts with 1,002 rules"; diag "$(tail -n 5 "$work/log")"; fi

field() { sed -n "s/.*[ ]$1:[ ]*\([0-9]*\).*/\1/p" | head -n 1; }
show() { timeout 20 "$CTFLOW" daemon-show > "$work/show" 2>&1; }
counter() { show; field "$1" < "$work/show"; }
rx() { cat "/sys/class/net/$1/statistics/rx_packets"; }
port_no() { "$CTFLOW" show "$dp" | sed -n "s/^  port \([0-9]*\): $1\( .*\)\?$/\1/p"; }
g0_no=$(port_no g0) o0_no=$(port_no o0) o1_no=$(port_no o1)
diag "g0 is port $g0_no, o0 is port $o0_no, o1 is port $o1_no"

pktgen_udp g0p g0 "$pace"
# count 0 is "until stopped"; a new source address per run keeps the
# 5-tuples distinct from the previous run's.
pg g0p "count 0"
start_traffic() {
	pg g0p "src_min 10.9.$1.1"
	pg g0p "src_max 10.9.$1.250"
	echo start > /proc/net/pktgen/pgctrl &
	pktgen_pid=$!
}
stop_traffic() {
	echo stop > /proc/net/pktgen/pgctrl
	wait "$pktgen_pid" 2>/dev/null
}
at_exit "echo stop > /proc/net/pktgen/pgctrl"

reloads0=$(counter reloads)
start_traffic 1
# The storm: flip the policy and send SIGHUP every 0.3 s; sample the miss
# counter at every flip, to see misses served between reloads. The control
# socket must answer each sample, however big the flow table grows: a
# generous 15 s (a pass over 170,000 flows in one piece held it 20 s).
flips=0 served_between=0 unanswered=0 last=$(counter handled) first=$last
end=$((SECONDS + storm_s))
while [ $SECONDS -lt $end ]; do
	if [ $((flips % 2)) -eq 0 ]; then write_conf o1; else write_conf o0; fi
	kill -HUP "$ctflowd_pid"
	echo "$EPOCHREALTIME" >> "$work/hups"
	flips=$((flips + 1))
	sleep 0.3
	t0=${EPOCHREALTIME/./}
	timeout 15 "$CTFLOW" daemon-show > "$work/show" 2>&1
	cur=$(field handled < "$work/show")
	t=$(( (${EPOCHREALTIME/./} - t0) / 1000 ))
	[ "$t" -le "${show_ms:-0}" ] || show_ms=$t
	[ -n "$cur" ] || { unanswered=$((unanswered + 1)); diag "daemon-show failed during the storm ($t ms): $(cat "$work/show")"; }
	[ "${cur:-0}" -gt "$last" ] && served_between=$((served_between + 1))
	last=${cur:-$last}
done
# The last word: o1.
write_conf o1
kill -HUP "$ctflowd_pid"
flips=$((flips + 1))
stop_traffic
diag "$flips SIGHUPs in ${storm_s}s; misses handled during the storm: $((last - first)); slowest daemon-show ${show_ms} ms"
check_eq "daemon-show answered within 15 s throughout the storm (slowest ${show_ms} ms)" 0 "$unanswered"

check "ctflowd is still running after $flips SIGHUPs under load" kill -0 "$ctflowd_pid"
if [ $((last - first)) -gt 0 ] && [ "$served_between" -ge $((flips / 2)) ]; then
	ok "misses were served between reloads ($served_between of $flips intervals, $((last - first)) misses)"
else
	not_ok "misses were served between reloads ($served_between of $flips intervals, $((last - first)) misses)"
fi
# Signals that arrive during a reload fold into the next one: at least one
# reload, at most one per signal, and the daemon reports each.
# The last SIGHUP's reload ends when the counter stops moving.
reloads=-1
while [ "$reloads" != "$(counter reloads)" ]; do reloads=$(field reloads < "$work/show"); sleep 2; done
n=$((reloads - reloads0))
if [ "$n" -ge 1 ] && [ "$n" -le "$flips" ]; then ok "reloads done: $n for $flips signals"; else
	not_ok "reloads done: $n for $flips signals"; fi
logged=$(grep -c 'reload: .*: 1002 rules' "$work/log")
check_eq "every reload done is logged" "$n" "$logged"
# How long a SIGHUP waited for its reload: from each signal to the first
# reload done after it (signals that arrive together fold into one).
reload_wait() {
	{ sed 's/$/ S/' "$work/hups"; grep 'reload: .*: 1002 rules' "$work/log" | sed 's/ .*/ R/'; } |
		sort -n | awk '$2 == "S" { if (!p) { p = 1; t = $1 } } $2 == "R" && p { w = $1 - t; if (w > m) m = w; p = 0 }
			END { printf "%d", m * 1000 }'
}
diag "the longest a SIGHUP waited for its reload: $(reload_wait) ms"
check_no_output "no reload was refused" 'keeping the old configuration' cat "$work/log"

# After the storm: the flows the kernel keeps for g0 all follow the last
# policy (revalidation removed or fixed those of the older ones).
old_flows() { "$CTFLOW" dump-flows "$dp" | grep "in_port($g0_no)" | grep -c "actions:$o0_no\$"; }
none_old() { [ "$(old_flows)" -eq 0 ]; }
if wait_until 60 none_old; then ok "no flow from g0 forwards to the old port o0 after the storm"; else
	not_ok "no flow from g0 forwards to the old port o0 after the storm ($(old_flows) do)"; fi

# New misses go to o1, and packets arrive there and not at o0: 2,000 at
# the default pace whatever the storm's, with the flows dumped while they
# arrive (each datagram's flow idles out a second after it: idle-timeout 1).
o0_before=$(rx o0p) o1_before=$(rx o1p) handled_before=$(counter handled)
pg g0p "count 2000"
pg g0p "delay 1000000"
pg g0p "src_min 10.9.200.1"
pg g0p "src_max 10.9.200.250"
timeout 60 sh -c 'echo start > /proc/net/pktgen/pgctrl' &
pktgen_pid=$!
sleep 1
new_to_o1=$("$CTFLOW" dump-flows "$dp" | grep "in_port($g0_no)" | grep -c "actions:$o1_no\$")
wait "$pktgen_pid"
handled_after=$(counter handled)
o0_after=$(rx o0p) o1_after=$(rx o1p)
diag "after the storm: handled +$((handled_after - handled_before)), o0p rx +$((o0_after - o0_before)), o1p rx +$((o1_after - o1_before))"
if [ $((handled_after - handled_before)) -gt 0 ] && [ $((o1_after - o1_before)) -gt 0 ]; then
	ok "new misses are handled and delivered to o1"
else
	not_ok "new misses are handled and delivered to o1"
fi
check_eq "nothing reaches o0 under the last policy" "$o0_before" "$o0_after"
if [ "$new_to_o1" -gt 0 ]; then ok "flows from g0 forward to o1 ($new_to_o1)"; else not_ok "flows from g0 forward to o1 (none)"; fi

diag "$(cat "$work/show")"
check "SIGTERM stops it cleanly" sh -c "kill $ctflowd_pid && for i in \$(seq 600); do kill -0 $ctflowd_pid 2>/dev/null || exit 0; sleep 0.1; done; exit 1"
diag "$(grep -i -A 3 'sanitizer\|leak' "$work/log" | head -n 20)"
