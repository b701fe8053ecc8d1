#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ctflowd does not leak per miss: pktgen sends UDP datagrams over distinct
# 5-tuples (a new source address per burst, source and destination ports
# stepping through coprime ranges within it) into a datapath port; with
# megaflows off each datagram is a miss that installs its own flow, and with
# a 1 s idle-timeout the flows expire while the run goes on. VmRSS of the
# daemon, read from /proc after a warm-up and again at the end, must not
# grow by more than a bound that a leak of 16 bytes per miss would break;
# daemon-show must count the misses handled, the flows expired, and current
# flows must fall back once the traffic stops.
#
# The issue asks for 10^6 misses: CTFLOW_MEMORY_MISSES=1000000 (and
# CTFLOW_MEMORY_BUDGET=1500, CTFLOW_VM_TIMEOUT=1800) does that. Under qemu
# TCG with the ASan build the daemon handles 1,000 to 1,600 misses a second, so
# the default is what CI can afford in about 3 minutes. CTFLOW_MEMORY_BUDGET
# is the most seconds the traffic may take; the run fails if the target was
# not reached by then.
export CTFLOW_VM_TIMEOUT=${CTFLOW_VM_TIMEOUT:-600}
. "$(dirname "$0")/lib.sh"

target=${CTFLOW_MEMORY_MISSES:-150000}
budget=${CTFLOW_MEMORY_BUDGET:-200}
warmup=${CTFLOW_MEMORY_WARMUP:-50000}
burst=${CTFLOW_MEMORY_BURST:-10000}
# pktgen's gap between datagrams: faster than the daemon can go only makes
# the kernel drop upcalls and takes CPU from the daemon (pktgen busy-waits
# below 100 us and sleeps above).
pace=${CTFLOW_MEMORY_DELAY_NS:-400000}

[ -d /proc/net/pktgen ] || skip_all "no pktgen in this kernel (tests/vm/modules.list)"
plan 8

ctflowd_scenario ctfm

# pktgen transmits on g0p; its peer g0 is the datapath's input port. The
# flows forward to o0, whose peer drops what it gets (no address).
veth_pair g0 g0p
veth_pair o0 o0p
datapath_cleanup "$dp"

cat > "$conf" <<'CONF'
datapath ctfm
port g0
port o0
megaflows off
idle-timeout 1
revalidate-interval 200
upcall-log-rate 1
rule 10 recirc_id(0),in_port(g0) o0
rule 10 recirc_id(0),in_port(o0) drop
CONF

# An ASan build keeps freed memory in a quarantine (256 MB by default) that
# would show as growth; a small one keeps RSS about what the daemon holds.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1
"$CTFLOWD" -d -f "$conf" -s "$sock" 2> "$work/log" &
ctflowd_pid=$!
at_exit kill "$ctflowd_pid"
ready() { timeout 20 "$CTFLOW" daemon-show > /dev/null; }
if wait_until 120 ready; then ok "ctflowd starts"; else not_ok "ctflowd starts"; diag "$(tail -n 5 "$work/log")"; fi

field() { sed -n "s/.*[ ]$1:\([0-9]*\).*/\1/p" | head -n 1; }
show() { timeout 20 "$CTFLOW" daemon-show > "$work/show" 2>&1; }
counter() { field "$1" < "$work/show"; }
status_kb() { sed -n "s/^$1:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$ctflowd_pid/status"; }

pktgen_udp g0p g0 "$pace"

# Each burst restarts pktgen's port sequence, so it takes the next source
# address (10.9.x.y): every datagram of the run is a distinct 5-tuple.
n=0
send_burst() {
	local a=$((n / 250)) b=$((n % 250 + 1))
	n=$((n + 1))
	pg g0p "count $burst"
	pg g0p "src_min 10.9.$a.$b"
	pg g0p "src_max 10.9.$a.$b"
	echo start > /proc/net/pktgen/pgctrl
}
# The daemon drains its socket after pktgen is done: wait until handled stops moving.
settle() {
	local last=-1 cur now
	while :; do
		show; cur=$(counter handled)
		now=$(counter current)
		[ "${now:-0}" -le "$peak" ] || peak=$now
		[ "$cur" = "$last" ] && return
		last=$cur
		sleep 0.5
	done
}

show
handled0=$(counter handled)
start=$SECONDS
rss_warm=
peak=0
while :; do
	send_burst
	settle
	done_=$(( $(counter handled) - handled0 ))
	trace+="$done_:$(status_kb VmRSS) "
	if [ -z "$rss_warm" ] && [ "$done_" -ge "$warmup" ]; then
		rss_warm=$(status_kb VmRSS) hwm_warm=$(status_kb VmHWM) at_warm=$done_
	fi
	[ "$done_" -ge "$target" ] && break
	[ $((SECONDS - start)) -ge "$budget" ] && break
done
elapsed=$((SECONDS - start))
diag "sent $n bursts of $burst datagrams in ${elapsed}s; at most $peak flows at once"
diag "$("$CTFLOW" show "$dp" 2>&1 | grep lookups:)"
diag "$(cat "$work/show")"
if [ "$done_" -ge "$target" ]; then ok "$done_ misses handled (target $target) in ${elapsed}s"; else
	not_ok "$done_ misses handled (target $target) in ${elapsed}s"; fi

check "ctflowd is still running" kill -0 "$ctflowd_pid"
expired=$(counter expired)
if [ "${expired:-0}" -gt 0 ]; then ok "flows expired during the run (expired:$expired)"; else not_ok "flows expired during the run (expired:$expired)"; fi
# Idle flows go once the traffic stops (1 s idle-timeout, 200 ms passes).
drained() { show; [ "$(counter current)" -le 2 ]; }
if [ "$peak" -gt 0 ] && wait_until 120 drained; then ok "current flows fall back after the idle timeout ($peak -> $(counter current))"; else
	not_ok "current flows fall back after the idle timeout ($peak -> $(counter current))"; fi
expired_end=$(counter expired)
diag "$(cat "$work/show")"

rss_end=$(status_kb VmRSS) hwm_end=$(status_kb VmHWM)
diag "VmRSS (kB) after each burst, as misses:kB: $trace"
diag "VmRSS after $at_warm misses (warm-up): ${rss_warm} kB, VmHWM ${hwm_warm} kB"
diag "VmRSS after $done_ misses (end):      ${rss_end} kB, VmHWM ${hwm_end} kB"
diag "expired: $expired at the end of the traffic, $expired_end after the idle timeout"
# The bound: what a leak of 16 bytes per miss would add over the misses
# after the warm-up (every miss here installs a flow that then expires, so a
# leak per flow counts too), and at least 8 MiB: in the ASan build the VM
# runs, VmRSS moves by 2 MiB from burst to burst with no trend and has ended
# one 150,000-miss run 4.7 MiB above its warm-up value (allocator and
# quarantine noise; LeakSanitizer found nothing). For 10^6 misses the bound
# is 900,000 x 16 B = 14 MiB, which a 16-byte leak breaks (ASan makes it 32
# bytes or more). At the default size the floor applies: only a leak of
# about 80 bytes a miss or more breaks it; run the full size for smaller.
if [ -n "$rss_warm" ]; then
	bound=$(( (done_ - at_warm) * 16 / 1024 ))
	[ "$bound" -ge 8192 ] || bound=8192
	grow=$((rss_end - rss_warm))
	if [ "$grow" -lt "$bound" ]; then ok "VmRSS grew ${grow} kB from warm-up to end (bound $bound kB)"; else
		not_ok "VmRSS grew ${grow} kB from warm-up to end (bound $bound kB)"; fi
	hgrow=$((hwm_end - hwm_warm))
	if [ "$hgrow" -lt "$bound" ]; then ok "VmHWM grew ${hgrow} kB from warm-up to end (bound $bound kB)"; else
		not_ok "VmHWM grew ${hgrow} kB from warm-up to end (bound $bound kB)"; fi
else
	not_ok "VmRSS bounded: the warm-up of $warmup misses was never reached"
	not_ok "VmHWM bounded: the warm-up of $warmup misses was never reached"
fi
check "SIGTERM stops it cleanly" sh -c "kill $ctflowd_pid && for i in \$(seq 600); do kill -0 $ctflowd_pid 2>/dev/null || exit 0; sleep 0.1; done; exit 1"
# An ASan build's LeakSanitizer reports at exit what nothing points to any more.
diag "$(grep -A 3 -i 'leak' "$work/log" | head -n 20)"
