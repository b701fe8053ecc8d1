#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ctflowd's control socket under hostile local clients, with real traffic
# through the daemon meanwhile: 2,000 connections at once, clients that send
# garbage, an oversized or a truncated frame, clients that ask for dumps and
# never read the replies, clients that connect and say nothing. The daemon
# keeps handling misses (new connections pass the firewall), keeps feeding
# the watchdog, holds its memory, logs each limit it applies, and serves a
# well-behaved client again once the idle ones are timed out.
. "$(dirname "$0")/lib.sh"

plan 11

ctflowd_scenario cthc

start_syslogd "$work/messages"
messages() { cat "$work/messages" 2>/dev/null; }

start_notify_listener "$work/notify" "$work/notify.log"

netns_ipv4_only c
netns_ipv4_only s
veth_pair c0 c1 c 10.5.0.1/24
veth_pair s0 s1 s 10.5.0.2/24
datapath_cleanup "$dp"

cat > "$conf" <<'CONF'
datapath cthc
port c0
port s0
idle-timeout 10
rule 10 recirc_id(0),in_port(c0),eth_type(0x0806) s0
rule 10 recirc_id(0),in_port(s0),eth_type(0x0806) c0
rule 20 recirc_id(0),eth_type(0x0800),ct_state(-trk) ct(zone=9),recirc(1)
rule 30 recirc_id(1),in_port(c0),eth_type(0x0800),ct_state(+trk+new) ct(commit,zone=9),s0
rule 30 recirc_id(1),in_port(c0),eth_type(0x0800),ct_state(+trk+est) s0
rule 30 recirc_id(1),in_port(s0),eth_type(0x0800),ct_state(+trk+est) c0
CONF

# 4,096 descriptors: the daemon takes a quarter of them for clients (1,024).
# A 1 s watchdog, as a unit's WatchdogSec=2 would give it. With
# NOTIFY_SOCKET set it stays in the foreground and logs to syslog.
(
	ulimit -n 4096
	exec env NOTIFY_SOCKET="$work/notify" WATCHDOG_USEC=2000000 WATCHDOG_PID=$BASHPID \
		"$CTFLOWD" -f "$conf" -s "$sock" 2>"$work/ctflowd.err"
) &
ctflowd_pid=$!
at_exit kill "$ctflowd_pid"
wait_until 60 grep -q '^READY=1' "$work/notify.log" || bail_out "ctflowd did not start: $(cat "$work/ctflowd.err")"

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$ctflowd_pid/status"; }
# socat appends the datagrams as they come, without separators.
watchdogs() { grep -o 'WATCHDOG=1' "$work/notify.log" | wc -l; }

in_ns s socat TCP-LISTEN:8080,fork,reuseaddr SYSTEM:'echo hello-from-server' &
at_exit kill $!
listening() { has_line ':8080 ' "$(in_ns s ss -Hltn)"; }
wait_until 60 listening || bail_out "socat did not listen"
tcp_get() { in_ns c socat -T 20 -u TCP:10.5.0.2:8080,connect-timeout=20 STDOUT; }
check_output "before: client -> server TCP passes" '^hello-from-server$' tcp_get
check_output "before: a well-behaved client is served" '^  rules: 6' ctflow daemon-show
rss0=$(rss_kb)

# The hostile clients, held for $hold seconds: the silent ones outlive the
# daemon's 60 s idle timeout, so a well-behaved client gets a slot back.
hold=90
cat > "$work/hostile.py" <<'PY'
import os, socket, struct, sys, time
path, hold, report = sys.argv[1], float(sys.argv[2]), sys.argv[3]
HDR = struct.Struct("=IIII")          # type, len, seq, flags: host order
DUMP_RULES, SHOW = 12, 15
conns, refused = [], 0
def connect():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.setblocking(False)
    return s
def send(s, data):
    try:
        s.send(data)
    except (BlockingIOError, BrokenPipeError, ConnectionResetError):
        pass
# 20 clients ask for 8,000 dumps each (128 KiB of requests, which the
# socket buffer takes whole) and never read: the daemon must hold them back
# at 1 MiB of pending replies each, not answer them all.
for i in range(20):
    s = connect()
    send(s, b"".join(HDR.pack(DUMP_RULES, 16, n, 0) for n in range(8000)))
    conns.append(s)
# Garbage, an oversized header (1 MiB), half a header, a frame cut short.
for data in (os.urandom(4096), HDR.pack(SHOW, 1 << 20, 1, 0), b"\x0f\x00\x00",
             HDR.pack(10, 200, 1, 0) + b"x" * 40):
    for i in range(10):
        s = connect()
        send(s, data)
        conns.append(s)
# Then as many silent connections as it takes to reach 2,000.
while len(conns) < 2000:
    try:
        conns.append(connect())
    except OSError:
        refused += 1
        conns.append(None)
time.sleep(2)
# Which of them the daemon closed already (garbage, oversize, past the limit).
closed = 0
for s in conns:
    if s is None:
        continue
    try:
        if s.recv(1, socket.MSG_PEEK) == b"":
            closed += 1
    except BlockingIOError:
        pass
    except OSError:
        closed += 1
with open(report, "w") as f:
    f.write("connections=%d refused=%d closed=%d\n" % (len(conns), refused, closed))
time.sleep(hold)
PY
ulimit -n 8192
python3 "$work/hostile.py" "$sock" "$hold" "$work/hostile.txt" &
hostile_pid=$!
at_exit kill "$hostile_pid"
wait_until 60 test -s "$work/hostile.txt" || bail_out "the hostile clients did not start"
diag "hostile clients: $(cat "$work/hostile.txt")"
w0=$(watchdogs)

# ---- while they are there ---------------------------------------------------------
check "during: ctflowd is running" kill -0 "$ctflowd_pid"
# New connections are misses at recirc 0 and 1: the upcall path still works.
ok_tcp=0
for i in 1 2 3 4 5; do
	tcp_get 2>/dev/null | grep -q '^hello-from-server$' && ok_tcp=$((ok_tcp + 1))
done
check_eq "during: five new TCP connections pass the firewall" 5 "$ok_tcp"
check "during: ping passes" in_ns c ping -c 3 -i 0.3 -W 5 10.5.0.2
rss1=$(rss_kb)
diag "VmRSS before ${rss0} kB, with the hostile clients ${rss1} kB"
# 20 never-reading clients held at 1 MiB of pending replies each, plus the
# buffers of 1,024 connections: 64 MiB is plenty. Answered without limit,
# 160,000 dumps of this policy are over 100 MB of replies. ASan's
# allocator (redzones, quarantine) triples what the same buffers take.
limit=65536
grep -q __asan_init "$CTFLOWD" && limit=196608
if [ $((rss1 - rss0)) -lt "$limit" ]; then ok "during: memory bounded (+$(( (rss1 - rss0) / 1024 )) MiB, limit $((limit / 1024)))"; else
	not_ok "during: memory bounded (+$(( (rss1 - rss0) / 1024 )) MiB, limit $((limit / 1024)))"; fi
sleep 3
w1=$(watchdogs)
if [ "$w1" -gt "$w0" ]; then ok "during: the watchdog is fed ($w0 -> $w1 pings)"; else
	not_ok "during: the watchdog is fed ($w0 -> $w1 pings)"; fi
log_has() { local re; for re; do has_line "$re" "$(messages)" || return 1; done; }
if wait_until 30 log_has 'control: [0-9]+ clients connected, the most allowed: refused' \
	'control: uid [0-9]+: message length [0-9]+ out of range, closing'; then
	ok "during: the connection limit and the bad frames are logged"
else
	not_ok "during: the connection limit and the bad frames are logged"; diag "$(messages | tail -n 20)"
fi
# The idle ones are closed after 60 s: a well-behaved client is served
# again while the hostile process still holds the rest.
if wait_until 90 ctflow daemon-show >/dev/null 2>&1; then ok "during: a well-behaved client is served once idle clients are timed out"; else
	not_ok "during: a well-behaved client is served once idle clients are timed out"; fi
check_log_idle() { log_has 'control: uid [0-9]+: no request for 60 s: closing'; }
check "during: idle clients are closed with a log line" wait_until 30 check_log_idle

# ---- after they are gone -------------------------------------------------------------
kill "$hostile_pid" 2>/dev/null
wait "$hostile_pid" 2>/dev/null
check_output "after: dump-rules lists every rule" '^rule 30 ' ctflow dump-rules
diag "$(ctflow daemon-show 2>&1 | head -n 12)"
tap_finish
