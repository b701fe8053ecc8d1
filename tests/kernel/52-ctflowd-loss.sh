#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ctflowd survives upcall loss on the real kernel: with a tiny upcall socket
# buffer (upcall-buffer 4096) and megaflows off, a flood of UDP packets to
# distinct ports makes one miss per packet, far more than the socket can
# queue. The kernel drops what does not fit and counts it (lost in
# `ctflow show`); the daemon reads ENOBUFS, counts the loss (daemon-show),
# logs it to syslog, keeps running, and traffic still passes afterwards.
. "$(dirname "$0")/lib.sh"

plan 11

ctflowd_scenario ctfl

start_syslogd "$work/messages"

netns_ipv4_only a
netns_ipv4_only b
veth_pair l0 l0p a 10.4.0.1/24
veth_pair l1 l1p b 10.4.0.2/24
datapath_cleanup "$dp"

cat > "$conf" <<'CONF'
datapath ctfl
port l0
port l1
megaflows off
upcall-buffer 4096
upcall-log-rate 5
rule 10 recirc_id(0),in_port(l0) l1
rule 10 recirc_id(0),in_port(l1) l0
CONF

# Without -d it detaches (daemon(3)) and logs to syslog, facility daemon.
"$CTFLOWD" -f "$conf" -s "$sock"
if wait_until 60 test -S "$sock"; then ok "ctflowd starts"; else not_ok "ctflowd starts"; diag "$(cat "$work/messages")"; fi
ctflowd_pid=$(pgrep -f -- "-s $sock\$")
[ -n "$ctflowd_pid" ] || bail_out "no ctflowd process"
at_exit kill "$ctflowd_pid"
check "ping passes before the flood" in_ns a ping -c 2 -i 0.3 -W 5 10.4.0.2
field() { sed -n "s/.*$1:\([0-9]*\).*/\1/p" | head -n 1; }
daemon_lost() { "$CTFLOW" daemon-show | grep 'upcalls:' | field lost; }
daemon_handled() { "$CTFLOW" daemon-show | grep 'upcalls:' | field handled; }
kernel_lost() { "$CTFLOW" show "$dp" | grep 'lookups:' | field lost; }
# The ping's misses were handled already: only what comes after counts.
handled0=$(daemon_handled)

# One datagram per destination port: with megaflows off each is a new flow,
# so each is a miss until the daemon has installed its flow.
in_ns a python3 - <<'PY'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setblocking(False)
for i in range(6000):
    try:
        s.sendto(b"x" * 64, ("10.4.0.2", 1024 + i))
    except BlockingIOError:
        pass
PY

# Both counters move asynchronously: the daemon counts the loss when it
# next reads its socket (ENOBUFS), and the last packets of the flood may
# still be in the veth's backlog for ksoftirqd when python has exited.
daemon_counted() { lost=$(daemon_lost); [ "${lost:-0}" -gt 0 ]; }
kernel_counted() { klost=$(kernel_lost); [ "${klost:-0}" -gt 0 ]; }
wait_until 60 daemon_counted
if [ "${lost:-0}" -gt 0 ]; then ok "daemon-show counts lost upcalls (lost:$lost)"; else
	not_ok "daemon-show counts lost upcalls"; diag "$("$CTFLOW" daemon-show 2>&1)"; fi
wait_until 60 kernel_counted
if [ "${klost:-0}" -gt 0 ]; then ok "the kernel counts the packets it could not queue (lost:$klost)"; else
	not_ok "the kernel counts the packets it could not queue"; diag "$("$CTFLOW" show "$dp" 2>&1)"; fi
check "the loss is logged to syslog" \
	wait_until 60 grep -qE "ctflowd.*upcall: $dp: receive buffer overflowed: upcalls lost \([0-9]+ so far\)" "$work/messages"
check "ctflowd is still running" kill -0 "$ctflowd_pid"
# The daemon handles the misses its socket could queue when it gets to them.
flood_handled() { handled=$(daemon_handled); [ "${handled:-0}" -gt "${handled0:-0}" ]; }
wait_until 60 flood_handled
if [ "${handled:-0}" -gt "${handled0:-0}" ]; then ok "misses were still handled during the flood (handled:$handled0 -> $handled)"; else
	not_ok "misses were still handled during the flood"; diag "$("$CTFLOW" daemon-show 2>&1)"; fi

# After the flood the daemon is in step with the kernel again.
check "ping passes after the flood" in_ns a ping -c 2 -i 0.3 -W 5 10.4.0.2
in_ns b socat TCP-LISTEN:8080,fork,reuseaddr SYSTEM:'echo pong' &
at_exit kill $!
listening() { has_line ":8080 " "$(in_ns b ss -Hltn)"; }
wait_until 60 listening || bail_out "socat did not listen"
check_eq "a TCP connection passes after the flood" pong \
	"$(in_ns a socat -T 20 -u TCP:10.4.0.2:8080,connect-timeout=20 STDOUT 2>/dev/null)"
check_output "daemon-show still answers with the flows it installed" 'installed:[1-9]' ctflow daemon-show
# Up to 60 s: an orderly shutdown can take long on a loaded TCG guest.
check "SIGTERM stops it cleanly" sh -c "kill $ctflowd_pid && for i in \$(seq 600); do kill -0 $ctflowd_pid 2>/dev/null || exit 0; sleep 0.1; done; exit 1"
