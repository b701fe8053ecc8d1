#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# bench/upcall-bench.sh [PART...]
#
# ctflowd against Debian's ovs-vswitchd on the real kernel datapath, one
# after the other in the same VM, with the same policy (bench/cls-bench
# --gen-conf for ctflowd, --gen-openflow for ovs-ofctl) and the same kernel
# pktgen traffic. PARTs (default: all of them):
#
#   scale      megaflows off on both, the conntrack pipeline (ct(zone=7) ->
#              recirc -> +trk+new commit), BURSTS bursts of 8,000 new UDP
#              5-tuples (2 misses each) at pktgen's highest rate, for each
#              policy size of SIZES: CPU time of the whole process per
#              handled miss, and the share of misses lost
#   megaflows  megaflows on, a policy of 40 rules and 10,500 packets from
#              the sources, services and block list it names
#              (cls-bench --gen-traffic): datapath flows and upcalls each
#              side needs, and how many packets each delivered
#   load       start-up to ready for 5,000 and 10,000 rules (ctflowd: exec
#              to the control socket answering; ovs-vswitchd: ovs-ofctl
#              add-flows of the same rules)
#   reload     10,000 rules, steady new connections; misses handled and lost
#              in the seconds around a SIGHUP reload, and without one
#   threads    the scale test at 1,000 rules with 1 and 2 handler threads
#
# Environment: CTFLOW_BENCH_SIZES (default "6 1000 10000"), CTFLOW_BENCH_BURSTS
# (default 3).
# Runs inside the test VM (re-runs itself there); prints key=value lines:
#   part=P tool=T rules=N ... for bench/run to tabulate. Nothing here is a
# test: it exits non-zero only when a daemon or the traffic could not run.

set -u

if [ -z "${CTFLOW_IN_VM:-}" ]; then
	here=$(cd "$(dirname "$0")" && pwd)
	export CTFLOW_VM_TIMEOUT=${CTFLOW_VM_TIMEOUT:-3600}
	exec "$here/../tests/vm/run" "$here/upcall-bench.sh" "$@"
fi

top=$(cd "$(dirname "$0")/.." && pwd)
: "${top_builddir:=$top}"
CTFLOWD=${CTFLOW_BENCH_CTFLOWD:-$top_builddir/ctflowd}
CTFLOW=${CTFLOW_BENCH_CTFLOW:-$top_builddir/ctflow}
GEN=${CTFLOW_BENCH_CLS:-$top_builddir/bench/cls-bench}
SIZES=${CTFLOW_BENCH_SIZES:-6 1000 10000}
BURSTS=${CTFLOW_BENCH_BURSTS:-3}
parts=${*:-scale megaflows load reload threads}

dp=ctfw
work=$(mktemp -d)
export CTFLOWD_SOCKET=$work/ctflowd.sock
ticks=$(getconf CLK_TCK)
say() { echo "upcall-bench: $*" >&2; }
die() { say "$*"; exit 1; }

for prog in "$CTFLOWD" "$CTFLOW" "$GEN"; do
	[ -x "$prog" ] || die "$prog is missing (make ctflowd ctflow bench/cls-bench)"
done
if ldd "$CTFLOWD" 2>/dev/null | grep -Eq 'lib(a|ub)san'; then
	die "$CTFLOWD is built with sanitizers: its times would mean nothing"
fi

# ---- topology: c1 -> c0 [datapath] s0 -> s1, all in this namespace --------------
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip link add c0 type veth peer name c1 || die "veth"
ip link add s0 type veth peer name s1 || die "veth"
for l in c0 c1 s0 s1; do ip link set "$l" up; done

# ---- kernel pktgen (the module comes from the test VM's kernel cache) -----------------
pktgen_ko=$(find "${CTFLOW_VM_CACHE:-/var/cache/ctflow-vm}/kernel" -path "*/$(uname -r)/*" -name 'pktgen.ko*' 2>/dev/null | head -n1)
[ -n "$pktgen_ko" ] || die "no pktgen.ko for $(uname -r)"
insmod "$pktgen_ko" 2>/dev/null || [ -d /proc/net/pktgen ] || die "cannot load pktgen"
pg() { echo "$2" > "/proc/net/pktgen/$1" || die "pktgen $1: $2"; }
s1_mac=$(cat /sys/class/net/s1/address)

# pktgen_add INSTANCE COUNT DELAY_NS SRC_MIN SRC_MAX DST_MIN DST_MAX DPORT_MIN DPORT_MAX
pktgen_add() {
	local dev=c1@$1
	pg kpktgend_0 "add_device $dev"
	pg "$dev" "count $2"
	pg "$dev" "delay $3"
	pg "$dev" "pkt_size 64"
	pg "$dev" "dst_mac $s1_mac"
	pg "$dev" "src_min $4"
	pg "$dev" "src_max $5"
	pg "$dev" "dst_min $6"
	pg "$dev" "dst_max $7"
	pg "$dev" "udp_src_min 4000"
	pg "$dev" "udp_src_max 4000"
	pg "$dev" "udp_dst_min $8"
	pg "$dev" "udp_dst_max $9"
}
pktgen_reset() { pg kpktgend_0 "rem_device_all"; }
pktgen_run() { pg pgctrl start; }

# One burst of 8,000 new 5-tuples: burst k uses sources 10.(k+1).x.y.
burst_no=0
burst() {
	burst_no=$((burst_no + 1))
	pktgen_reset
	pktgen_add 0 8000 0 "10.$((burst_no % 200 + 1)).0.1" "10.$((burst_no % 200 + 1)).31.64" \
		172.16.0.1 172.16.0.1 5000 5000
	pktgen_run
}

# ---- measuring -------------------------------------------------------------------------------
# The kernel's own counters, the same for both daemons: missed, lost, flows.
dp_stats() {
	"$CTFLOW" show "$1" 2>/dev/null | awk '
		/lookups:/ { for (i = 1; i <= NF; i++) { split($i, a, ":"); if (a[1] == "missed") m = a[2]; if (a[1] == "lost") l = a[2] } }
		/flows:/ { f = $2 }
		END { printf "%s %s %s\n", m + 0, l + 0, f + 0 }'
}
# User and system ticks of the whole process (every thread).
proc_cpu() { awk '{ print $14, $15 }' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }

# Wait until the datapath's missed counter has not moved for a second.
settle() {
	local prev=-1 cur
	for _ in $(seq 120); do
		cur=$(dp_stats "$1" | cut -d' ' -f1)
		[ "$cur" = "$prev" ] && return 0
		prev=$cur
		sleep 1
	done
}

# measure_bursts PART TOOL RULES DP PID [EXTRA]: BURSTS bursts, one line each.
measure_bursts() {
	local part=$1 tool=$2 rules=$3 d=$4 pid=$5 extra=${6:-}
	local b m0 l0 m1 l1 u0 s0 u1 s1 misses lost handled
	for b in $(seq "$BURSTS"); do
		read -r m0 l0 _ <<< "$(dp_stats "$d")"
		read -r u0 s0 <<< "$(proc_cpu "$pid")"
		burst
		settle "$d"
		read -r m1 l1 _ <<< "$(dp_stats "$d")"
		read -r u1 s1 <<< "$(proc_cpu "$pid")"
		misses=$((m1 - m0))
		lost=$((l1 - l0))
		handled=$((misses - lost))
		awk -v u=$((u1 - u0)) -v s=$((s1 - s0)) -v t="$ticks" -v h="$handled" -v m="$misses" \
			-v l="$lost" -v head="part=$part tool=$tool rules=$rules burst=$b$extra" -v rss="$(rss_kb "$pid")" '
			BEGIN {
				cpu = (u + s) / t
				printf "%s misses=%d lost=%d handled=%d cpu_s=%.3f user_s=%.3f sys_s=%.3f us_per_miss=%.1f loss=%.4f rss_kb=%d\n",
					head, m, l, h, cpu, u / t, s / t, (h > 0 ? cpu * 1e6 / h : 0), (m > 0 ? l / m : 0), rss
			}'
	done
}

# ---- ctflowd ------------------------------------------------------------------------
# The pktgen traffic's own rule, below every generated rule, so that each
# miss walks the whole policy before it is decided.
extra_rule="rule 500 recirc_id(1),in_port(c0),ct_state(+trk+new),eth_type(0x0800),ipv4(src=10.0.0.0/255.0.0.0,proto=17) ct(commit,zone=7),s0"
extra_flow="table=1,priority=500,udp,in_port=1,ct_state=+trk+new,nw_src=10.0.0.0/8 actions=ct(commit,zone=7),output:2"

# ctflowd_conf RULES MEGAFLOWS [SETTINGS...]
ctflowd_conf() {
	local n=$1 mf=$2; shift 2
	"$GEN" --gen-conf "$n" "$dp" c0 s0
	echo "$extra_rule"
	echo "megaflows $mf"
	echo "upcall-log-rate 1"
	for s; do echo "$s"; done
}

ctflowd_pid=
ready_s=
# ctflowd_start CONF: start it, and time exec to the control socket answering.
ctflowd_start() {
	local t0
	t0=$(date +%s.%N)
	"$CTFLOWD" -d -f "$1" -s "$CTFLOWD_SOCKET" 2>> "$work/ctflowd.log" &
	ctflowd_pid=$!
	for _ in $(seq 1200); do
		"$CTFLOW" daemon-show > /dev/null 2>&1 && break
		kill -0 "$ctflowd_pid" 2>/dev/null || { tail -n 5 "$work/ctflowd.log" >&2; die "ctflowd died"; }
		sleep 0.05
	done
	ready_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
}
ctflowd_stop() {
	[ -n "$ctflowd_pid" ] || return 0
	kill "$ctflowd_pid" 2>/dev/null
	wait "$ctflowd_pid" 2>/dev/null
	ctflowd_pid=
	"$CTFLOW" del-dp "$dp" 2>/dev/null
}

# ---- ovs-vswitchd ------------------------------------------------------------------------
ovs_pid=
ovs_dp=ovs-system
ovs_start() {
	local db=$OVS_DBDIR/conf.db
	# OVS 3.1 counts no CPUs in its first 10 s of uptime: wait for that to pass.
	while [ "$(cut -d. -f1 /proc/uptime)" -lt 12 ]; do sleep 1; done
	rm -f "$db"
	"$OVSDB_TOOL" create "$db" "$OVS_SCHEMA" || die "ovsdb-tool"
	"$OVSDB_SERVER" "$db" --remote="punix:$OVS_RUNDIR/db.sock" --pidfile --detach \
		--log-file="$work/ovsdb.log" || die "ovsdb-server"
	"$OVS_VSCTL" --no-wait init
	"$OVS_VSWITCHD" --pidfile --detach --log-file="$work/ovs-vswitchd.log" || die "ovs-vswitchd"
	ovs_pid=$(cat "$OVS_RUNDIR/ovs-vswitchd.pid")
	"$OVS_VSCTL" add-br br0 -- set bridge br0 datapath_type=system fail_mode=secure \
		-- add-port br0 c0 -- set interface c0 ofport_request=1 \
		-- add-port br0 s0 -- set interface s0 ofport_request=2 || die "ovs-vsctl add-br"
}
ovs_stop() {
	[ -n "$ovs_pid" ] || return 0
	"$OVS_APPCTL" -t ovs-vswitchd exit --cleanup 2>/dev/null
	"$OVS_APPCTL" -t ovsdb-server exit 2>/dev/null
	for _ in $(seq 100); do kill -0 "$ovs_pid" 2>/dev/null || break; sleep 0.1; done
	ovs_pid=
	"$OVS_DPCTL" del-dp "$ovs_dp" 2>/dev/null
}
# ovs_flows RULES: the policy as OpenFlow; prints the add-flows wall time.
ovs_flows() {
	local t0
	{ "$GEN" --gen-openflow "$1"; echo "$extra_flow"; } > "$work/flows.of"
	"$OVS_OFCTL" del-flows br0
	t0=$(date +%s.%N)
	"$OVS_OFCTL" add-flows br0 "$work/flows.of" || die "ovs-ofctl add-flows"
	awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'
}

cleanup() {
	ctflowd_stop
	ovs_stop
	pktgen_reset 2>/dev/null
	ip link del c0 2>/dev/null
	ip link del s0 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

echo "kernel=$(uname -r) nproc=$(nproc) mem_kb=$(awk '/MemTotal/ {print $2}' /proc/meminfo)"
echo "ovs_vswitchd=$("$OVS_VSWITCHD" --version | head -n1)"

# ---- the parts ----------------------------------------------------------------------------
part_scale() {
	local n threads=${1:-auto} part=${2:-scale} t
	for n in ${3:-$SIZES}; do
		if [ "$threads" = auto ]; then
			ctflowd_conf "$n" off > "$work/scale.conf"
		else
			ctflowd_conf "$n" off "handler-threads $threads" > "$work/scale.conf"
		fi
		ctflowd_start "$work/scale.conf"
		measure_bursts "$part" ctflowd "$n" "$dp" "$ctflowd_pid" " threads=$threads ready_s=$ready_s"
		ctflowd_stop
		[ "$part" = threads ] || [ -n "${CTFLOW_BENCH_NO_PEER:-}" ] && continue
		ovs_start
		"$OVS_APPCTL" upcall/disable-megaflows > /dev/null
		t=$(ovs_flows "$n")
		measure_bursts "$part" ovs-vswitchd "$n" "$ovs_dp" "$ovs_pid" " add_flows_s=$t"
		ovs_stop
	done
}

part_megaflows() {
	local n=40 tool d pid line i delivered0 m l f
	"$GEN" --gen-traffic "$n" > "$work/traffic"
	for tool in ctflowd ovs-vswitchd; do
		if [ "$tool" = ctflowd ]; then
			ctflowd_conf "$n" on > "$work/mf.conf"
			ctflowd_start "$work/mf.conf"
			d=$dp pid=$ctflowd_pid
		else
			ovs_start
			ovs_flows "$n" > /dev/null
			d=$ovs_dp pid=$ovs_pid
		fi
		delivered0=$(cat /sys/class/net/s1/statistics/rx_packets)
		pktgen_reset
		i=0
		while read -r line; do
			# 10,500 packets over the plan's instances, ports and addresses in step.
			# shellcheck disable=SC2086
			pktgen_add "$i" 1750 20000 $line
			i=$((i + 1))
		done < "$work/traffic"
		pktgen_run
		settle "$d"
		read -r m l f <<< "$(dp_stats "$d")"
		echo "part=megaflows tool=$tool rules=$n packets=$((i * 1750)) upcalls=$m lost=$l flows=$f delivered=$(( $(cat /sys/class/net/s1/statistics/rx_packets) - delivered0 ))"
		if [ "$tool" = ctflowd ]; then ctflowd_stop; else ovs_stop; fi
	done
}

part_load() {
	local n t
	for n in 5000 10000; do
		ctflowd_conf "$n" on > "$work/load.conf"
		ctflowd_start "$work/load.conf"
		echo "part=load tool=ctflowd rules=$n ready_s=$ready_s rss_kb=$(rss_kb "$ctflowd_pid")"
		ctflowd_stop
		ovs_start
		t=$(ovs_flows "$n")
		echo "part=load tool=ovs-vswitchd rules=$n add_flows_s=$t rss_kb=$(rss_kb "$ovs_pid")"
		ovs_stop
	done
}

# Steady new connections (pktgen, paced) for 8 s; a reload in the middle, or none.
part_reload() {
	local n=10000 mode m0 l0 m1 l1 t0 pgpid
	ctflowd_conf "$n" off > "$work/reload.conf"
	ctflowd_start "$work/reload.conf"
	for mode in none sighup; do
		# The reloaded file differs in one rule, so the policy really changes.
		ctflowd_conf "$n" off "rule 499 recirc_id(1),eth_type(0x0800),ipv4(src=203.0.113.0/255.255.255.0) drop" > "$work/reload.conf"
		read -r m0 l0 _ <<< "$(dp_stats "$dp")"
		pktgen_reset
		burst_no=$((burst_no + 1))
		pktgen_add 0 4000 2000000 "10.$((burst_no % 200 + 1)).0.1" "10.$((burst_no % 200 + 1)).31.64" \
			172.16.0.1 172.16.0.1 5000 5000
		pktgen_run &
		pgpid=$!
		sleep 3
		t0=$(date +%s.%N)
		if [ "$mode" = sighup ]; then
			kill -HUP "$ctflowd_pid"
			for _ in $(seq 600); do
				grep -q "reload: .*: $((n + 2)) rules" "$work/ctflowd.log" && break
				sleep 0.05
			done
		fi
		reload_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
		wait "$pgpid"
		settle "$dp"
		read -r m1 l1 _ <<< "$(dp_stats "$dp")"
		echo "part=reload tool=ctflowd rules=$n mode=$mode reload_s=$reload_s misses=$((m1 - m0)) lost=$((l1 - l0)) handled=$((m1 - m0 - l1 + l0))"
	done
	ctflowd_stop
}

for p in $parts; do
	case $p in
	scale) part_scale ;;
	megaflows) part_megaflows ;;
	load) part_load ;;
	reload) part_reload ;;
	threads) part_scale 1 threads 1000; part_scale 2 threads 1000 ;;
	*) die "unknown part $p" ;;
	esac
done
