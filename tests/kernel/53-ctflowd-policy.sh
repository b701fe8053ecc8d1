#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ctflowd with a large policy against the real kernel: the conntrack
# firewall of 50-ctflowd plus 5,000 security-group rules that this traffic
# never matches but that every miss is classified against. It starts and
# forwards; the megaflows still examine only what decided (no addresses or
# ports: the filler rules' prefixes and ports are told apart by their
# leading bits); handler threads share the misses, each off the CPU whose
# upcalls it reads. Policy changes are
# targeted: a rule that cannot affect the installed flows leaves them all in
# the kernel, a rule that takes some of their packets removes exactly those
# (and its decision applies at once), deleting it removes the flows it
# decided; a reload keeps the counters of unchanged rules, and new
# connections made while reloads of the 5,000-rule file run all succeed.
. "$(dirname "$0")/lib.sh"

plan 18

ctflowd_scenario ctfp

netns_ipv4_only c
netns_ipv4_only s
veth_pair p0 p1 c 10.5.0.1/24
veth_pair q0 q1 s 10.5.0.2/24
datapath_cleanup "$dp"

# 5,000 rules a security-group policy would have: per workload subnet
# (172.16.W.0/24, never these hosts), TCP/UDP services from source prefixes
# of every length, at priorities above the firewall's.
filler() {
	awk 'BEGIN {
		split("22 80 443 3306 5432 6379 8080 8443 9090 9200", svc, " ")
		for (i = 0; i < 5000; i++) {
			w = int(i / 10); plen = 8 + (i % 25)
			src = sprintf("%d.%d.%d.0", 100 + i % 50, (i * 7) % 256, (i * 13) % 256)
			m = plen >= 24 ? sprintf("255.255.255.%d", 256 - 2 ^ (32 - plen)) : \
			    plen >= 16 ? sprintf("255.255.%d.0", 256 - 2 ^ (24 - plen)) : \
			    sprintf("255.%d.0.0", 256 - 2 ^ (16 - plen))
			proto = i % 4 ? "6" : "17"; l4 = i % 4 ? "tcp" : "udp"
			printf "rule %d recirc_id(1),in_port(p0),ct_state(+trk+new),eth_type(0x0800),ipv4(src=%s/%s,dst=172.16.%d.%d/255.255.255.0,proto=%s),%s(dst=%s) ct(commit,zone=9),q0\n", \
				1000 + i % 4, src, m, w % 256, 0, proto, l4, svc[i % 10 + 1]
		}
	}'
}

write_conf() {
	cat <<CONF
datapath ctfp
port p0
port q0
upcall-log-rate 5
idle-timeout 60
rule 10 recirc_id(0),in_port(p0),eth_type(0x0806) q0
rule 10 recirc_id(0),in_port(q0),eth_type(0x0806) p0
rule 20 recirc_id(0),eth_type(0x0800),ct_state(-trk) ct(zone=9),recirc(1)
rule 30 recirc_id(1),in_port(p0),eth_type(0x0800),ct_state(+trk+new) ct(commit,zone=9),q0
rule 30 recirc_id(1),in_port(p0),eth_type(0x0800),ct_state(+trk+est) q0
rule 30 recirc_id(1),in_port(q0),eth_type(0x0800),ct_state(+trk+est) p0
CONF
	echo "$1"
	filler
}
write_conf "" > "$conf"

"$CTFLOWD" -d -f "$conf" -s "$sock" 2> "$work/log" &
ctflowd_pid=$!
at_exit kill "$ctflowd_pid"
ready() { "$CTFLOW" daemon-show > /dev/null; }
if wait_until 120 ready; then ok "ctflowd starts with 5,006 rules"; else not_ok "ctflowd starts with 5,006 rules"; diag "$(tail -n 5 "$work/log")"; fi
check_output "daemon-show counts the rules" '^  rules: 5006$' ctflow daemon-show
check_output "handler threads share the misses (2 CPUs)" '^  handler threads: 2$' ctflow daemon-show
# Each runs off the CPU whose upcall socket it reads: that CPU makes the upcalls.
handler_cpus() {
	local t
	for t in /proc/"$ctflowd_pid"/task/*; do
		[ "$(cat "$t/comm")" = "handler$1" ] && awk '/^Cpus_allowed_list:/ { print $2 }' "$t/status"
	done
}
check_eq "each handler thread runs off the CPU it reads for" "1 0" "$(handler_cpus 0) $(handler_cpus 1)"

in_ns s socat TCP-LISTEN:8080,fork,reuseaddr SYSTEM:'echo pong' &
at_exit kill $!
listening() { has_line ":8080 " "$(in_ns s ss -Hltn)"; }
wait_until 60 listening || bail_out "socat did not listen"
tcp_get() { in_ns c socat -T 20 -u TCP:10.5.0.2:8080,connect-timeout=20 STDOUT; }

check "ping passes" in_ns c ping -c 3 -i 0.3 -W 5 10.5.0.2
check_eq "TCP passes" pong "$(tcp_get 2>/dev/null)"
for i in 1 2 3 4 5; do tcp_get > /dev/null 2>&1; done
tap_run ovs_dpctl dump-flows "$dp"
flows=$out
diag "$flows"
if ! has_line 'ipv4\(src=10' "$flows" && ! has_line 'tcp\(src=[0-9]+' "$flows" && ! has_line 'dst=8080' "$flows"; then
	ok "5,000 rules on addresses and ports: the megaflows examine neither"
else
	not_ok "5,000 rules on addresses and ports: the megaflows examine neither"
fi

# ---- policy changes: only what they can affect is revalidated --------------------------
ufids() { "$CTFLOW" dump-flows -m "$dp" | grep -o 'ufid:[0-9a-f-]*' | sort; }
removed() { "$CTFLOW" daemon-show | sed -n 's/.* removed:\([0-9]*\) .*/\1/p'; }
# Keep the ICMP flows in use.
in_ns c ping -q -i 0.2 10.5.0.2 > /dev/null 2>&1 &
pinger=$!
at_exit kill "$pinger"
sleep 1
ufids > "$work/before"
removed0=$(removed)
check "add-rule that no installed flow overlaps" \
	ctflow add-rule 50 'recirc_id(0),in_port(p0),eth_type(0x86dd)' drop
sleep 2	# a few revalidation passes
ufids > "$work/after"
check_eq "every installed flow stays in the kernel" "$(cat "$work/before")" \
	"$(comm -12 "$work/before" "$work/after")"
check_eq "none was counted as removed" "$removed0" "$(removed)"

check "add-rule that takes the ICMP flows' packets" \
	ctflow add-rule 60 'recirc_id(1),in_port(p0),eth_type(0x0800),ipv4(proto=1)' drop
ping_blocked() { ! in_ns c ping -c 1 -W 1 10.5.0.2 > /dev/null; }
check "its decision applies at once: ping is dropped" wait_until 30 ping_blocked
more_removed() { [ "$(removed)" -gt "$removed0" ]; }
check "the flows it affects were removed" wait_until 30 more_removed
check_eq "TCP still passes" pong "$(tcp_get 2>/dev/null)"
check "del-rule" ctflow del-rule 60 'recirc_id(1),in_port(p0),eth_type(0x0800),ipv4(proto=1)'
check "ping passes again" wait_until 30 in_ns c ping -c 1 -W 1 10.5.0.2

# ---- reloads: counters survive, misses are served throughout ---------------------------
hits20() { "$CTFLOW" dump-rules | sed -n 's/^rule 20 .*# hits:\([0-9]*\).*/\1/p'; }
h0=$(hits20)
write_conf "rule 5 recirc_id(0),in_port(q0),eth_type(0x86dd) drop" > "$conf"
"$CTFLOW" reload > /dev/null
h1=$(hits20)
if [ "${h1:-0}" -ge "${h0:-1}" ] && [ "${h0:-0}" -gt 0 ]; then ok "a reload keeps the hits of unchanged rules ($h0 -> $h1)"; else
	not_ok "a reload keeps the hits of unchanged rules ($h0 -> $h1)"; fi
# New connections (each a miss at recirc 0 and 1) while the file is reloaded.
( for i in $(seq 5); do kill -HUP "$ctflowd_pid"; sleep 0.3; done ) &
reloader=$!
fails=0
for i in $(seq 20); do
	[ "$(tcp_get 2>/dev/null)" = pong ] || fails=$((fails + 1))
done
wait "$reloader"
check_eq "20 new connections during 5 reloads: none failed" 0 "$fails"
