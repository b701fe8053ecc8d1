#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# bench/ct-bench.sh [RUNS [N]]
#
# Dumping a big conntrack table: `ctflow dump-conntrack` against Debian's
# `ovs-dpctl dump-conntrack` and conntrack-tools' `conntrack -L`, in the
# same VM and the same run, on the same N entries (default 100000), RUNS
# times (default 3), the three tools taking turns at going first. Each
# dump goes to a file, whose line count must be N: otherwise the tools did
# not print the same table and the times would not compare.
#
# The entries are made cheaply: pktgen sends N UDP datagrams, each its own
# 5-tuple, into a datapath port whose only flow is ct(commit), so the
# kernel creates one entry per datagram without any process per entry.
#
# Runs inside the test VM; on the host it re-runs itself there. Prints:
#   tool=T n=N run=R wall=S user=S sys=S maxrss_kb=K lines=L
# Measure a build without sanitizers: CTFLOW_BENCH_CTFLOW=/path/to/ctflow.

set -u

if [ -z "${CTFLOW_IN_VM:-}" ]; then
	here=$(cd "$(dirname "$0")" && pwd)
	exec "$here/../tests/vm/run" "$here/ct-bench.sh" "$@"
fi

top=$(cd "$(dirname "$0")/.." && pwd)
: "${top_builddir:=$top}"
CTFLOW=${CTFLOW_BENCH_CTFLOW:-$top_builddir/ctflow}
OVS_DPCTL=${OVS_DPCTL:-ovs-dpctl}
CONNTRACK=${CTFLOW_BENCH_CONNTRACK:-$(command -v conntrack)}
TIME=/usr/bin/time

runs=${1:-3}
n=${2:-100000}
dp=ctfctb
tmp=$(mktemp -d)
cleanup() {
	"$OVS_DPCTL" del-dp "$dp" 2>/dev/null
	ip link del g0 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

for prog in "$CTFLOW" "$TIME" "$CONNTRACK"; do
	[ -x "$prog" ] || { echo "ct-bench: ${prog:-conntrack} is missing (conntrack-tools?)" >&2; exit 2; }
done
[ -d /proc/net/pktgen ] || modprobe pktgen 2>/dev/null
[ -d /proc/net/pktgen ] || { echo "ct-bench: no pktgen in this kernel" >&2; exit 2; }

echo "kernel=$(uname -r) nproc=$(nproc) mem_kb=$(awk '/MemTotal/ {print $2}' /proc/meminfo)"
echo "ovs_dpctl=$("$OVS_DPCTL" --version | head -n1)"
echo "conntrack=$("$CONNTRACK" --version 2>&1 | head -n1)"
echo "ctflow=$("$CTFLOW" version 2>&1 | head -n1)"

# --- N entries ------------------------------------------------------------
# Room for them, and no expiry while the run lasts (unreplied UDP: 30 s).
modprobe nf_conntrack_netlink 2>/dev/null
sysctl -qw net.netfilter.nf_conntrack_max=$((n * 2)) \
	net.netfilter.nf_conntrack_udp_timeout=3600 net.netfilter.nf_conntrack_udp_timeout_stream=3600
echo $((n / 2)) > /sys/module/nf_conntrack/parameters/hashsize 2>/dev/null
"$CTFLOW" flush-conntrack

ip link add g0 type veth peer name g0p || exit 1
ip link set g0 up
ip link set g0p up
"$OVS_DPCTL" del-dp "$dp" 2>/dev/null
"$OVS_DPCTL" add-dp "$dp" g0 || exit 1
"$CTFLOW" add-flow "$dp" 'in_port(1),eth(),eth_type(0x0800),ipv4(proto=17),udp()' 'ct(commit)' || exit 1

pg() { echo "$2" > "/proc/net/pktgen/$1" || { echo "ct-bench: pktgen $1: $2" >&2; exit 1; }; }
pg kpktgend_0 rem_device_all
pg kpktgend_0 "add_device g0p"
pg g0p "clone_skb 0"
pg g0p "pkt_size 60"
pg g0p "delay 0"
pg g0p "count $n"
pg g0p "src_min 10.9.0.1"
pg g0p "src_max 10.9.0.1"
pg g0p "dst 10.8.0.2"
pg g0p "dst_mac $(< /sys/class/net/g0/address)"
# Source and destination ports step together through coprime ranges
# (64512 and 101 values): no 5-tuple repeats within 6.5 million datagrams.
pg g0p "udp_src_min 1024"
pg g0p "udp_src_max 65535"
pg g0p "udp_dst_min 1024"
pg g0p "udp_dst_max 1124"
start=$(date +%s.%N)
echo start > /proc/net/pktgen/pgctrl
got=$("$CTFLOW" ct-get-nconns)
echo "entries=$got made_in_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
if [ "$got" != "$n" ]; then
	echo "ct-bench: $got conntrack entries, expected $n" >&2
	exit 1
fi

# --- the dumps ------------------------------------------------------------
tool_cmd() {
	case $1 in
	ctflow) echo "$CTFLOW dump-conntrack" ;;
	ovs-dpctl) echo "$OVS_DPCTL dump-conntrack" ;;
	conntrack) echo "$CONNTRACK -L" ;;
	esac
}

failed=0
measure() {
	local tool=$1 run=$2 lines rc
	# shellcheck disable=SC2046 # the command is words on purpose
	"$TIME" -o "$tmp/time" -f '%e %U %S %M' $(tool_cmd "$tool") > "$tmp/out" 2> "$tmp/err"
	rc=$?
	lines=$(wc -l < "$tmp/out")
	if [ "$rc" != 0 ] || [ "$lines" != "$n" ]; then
		echo "ct-bench: $tool: exit $rc, $lines lines (expected $n)" >&2
		head -n 3 "$tmp/err" >&2
		failed=1
	fi
	read -r wall user sys rss < "$tmp/time"
	echo "tool=$tool n=$n run=$run wall=$wall user=$user sys=$sys maxrss_kb=$rss lines=$lines"
}

tools=(ctflow ovs-dpctl conntrack)
for run in $(seq "$runs"); do
	for k in 0 1 2; do
		measure "${tools[(run + k) % 3]}" "$run"
	done
done
"$CTFLOW" flush-conntrack
exit "$failed"
