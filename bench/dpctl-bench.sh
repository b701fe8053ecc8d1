#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# bench/dpctl-bench.sh [RUNS [N...]]
#
# Bulk flow operations on the real kernel datapath, ctflow against Debian's
# ovs-dpctl in the same VM and the same run: for each N (default 20000 and
# 100000 conntrack flows) and each of RUNS runs (default 3), on a fresh
# datapath per tool and run, the wall, user and system time and the peak RSS
# of `add-flows FILE`, `dump-flows` (to /dev/null) and `del-flows`. The two
# tools alternate which goes first, so that neither always gets the warmer
# caches. Both read the same file of "FLOW ACTIONS" lines (from
# bench/flowtext-bench --gen), which both parse.
#
# Runs inside the test VM (bench/run starts it with tests/vm/run); on the
# host it re-runs itself there. Prints one line per measure:
#   tool=T n=N run=R op=OP wall=S user=S sys=S maxrss_kb=K
# and exits non-zero if any flow was not applied or not removed, because
# then the times would not compare like with like.

set -u

if [ -z "${CTFLOW_IN_VM:-}" ]; then
	here=$(cd "$(dirname "$0")" && pwd)
	exec "$here/../tests/vm/run" "$here/dpctl-bench.sh" "$@"
fi

top=$(cd "$(dirname "$0")/.." && pwd)
: "${top_builddir:=$top}"
# bench/run passes private copies (tests/vm/run forwards CTFLOW_* variables).
CTFLOW=${CTFLOW_BENCH_CTFLOW:-$top_builddir/ctflow}
GEN=${CTFLOW_BENCH_GEN:-$top_builddir/bench/flowtext-bench}
OVS_DPCTL=${OVS_DPCTL:-ovs-dpctl}
TIME=/usr/bin/time

runs=${1:-3}
shift
sizes=${*:-20000 100000}
dp=ctfbench
tmp=$(mktemp -d)
trap '"$OVS_DPCTL" del-dp "$dp" 2>/dev/null; rm -rf "$tmp"' EXIT

for prog in "$CTFLOW" "$GEN" "$TIME"; do
	[ -x "$prog" ] || { echo "dpctl-bench: $prog is missing (run bench/run, or make bench)" >&2; exit 2; }
done

echo "kernel=$(uname -r) nproc=$(nproc) mem_kb=$(awk '/MemTotal/ {print $2}' /proc/meminfo)"
echo "ovs_dpctl=$("$OVS_DPCTL" --version | head -n1)"
echo "ctflow=$("$CTFLOW" version 2>&1 | head -n1)"

tool_cmd() {
	case $1 in
	ovs-dpctl) echo "$OVS_DPCTL" ;;
	ctflow) echo "$CTFLOW" ;;
	esac
}

# measure TOOL N RUN OP CMD...: run CMD under GNU time, print the line.
failed=0
measure() {
	local tool=$1 n=$2 run=$3 op=$4; shift 4
	local out=$tmp/out rc
	if [ "$op" = dump-flows ]; then
		"$TIME" -o "$tmp/time" -f '%e %U %S %M' "$@" > /dev/null 2> "$out"
	else
		"$TIME" -o "$tmp/time" -f '%e %U %S %M' "$@" > "$out" 2>&1
	fi
	rc=$?
	if [ "$rc" != 0 ]; then
		echo "dpctl-bench: $tool $op failed (exit $rc):" >&2
		head -n 5 "$out" >&2
		failed=1
	fi
	read -r wall user sys rss < "$tmp/time"
	echo "tool=$tool n=$n run=$run op=$op wall=$wall user=$user sys=$sys maxrss_kb=$rss"
}

flow_count() {
	"$OVS_DPCTL" show "$dp" | sed -n 's/^ *flows: *//p'
}

expect_flows() {
	local tool=$1 n=$2 what=$3 got
	got=$(flow_count)
	if [ "$got" != "$n" ]; then
		echo "dpctl-bench: $tool: $got flows in the datapath $what, expected $n" >&2
		failed=1
	fi
}

one_tool() {
	local tool=$1 n=$2 run=$3 file=$4 cmd
	cmd=$(tool_cmd "$tool")
	"$OVS_DPCTL" del-dp "$dp" 2>/dev/null
	"$OVS_DPCTL" add-dp "$dp" || { echo "dpctl-bench: cannot add $dp" >&2; exit 1; }
	sync
	measure "$tool" "$n" "$run" add-flows "$cmd" add-flows "$dp" "$file"
	expect_flows "$tool" "$n" "after add-flows"
	measure "$tool" "$n" "$run" dump-flows "$cmd" dump-flows "$dp"
	measure "$tool" "$n" "$run" del-flows "$cmd" del-flows "$dp"
	expect_flows "$tool" 0 "after del-flows"
	"$OVS_DPCTL" del-dp "$dp"
}

for n in $sizes; do
	file=$tmp/flows-$n
	"$GEN" --gen "$n" > "$file" || exit 1
	for run in $(seq "$runs"); do
		if [ $((run % 2)) = 1 ]; then
			order="ovs-dpctl ctflow"
		else
			order="ctflow ovs-dpctl"
		fi
		for tool in $order; do
			one_tool "$tool" "$n" "$run" "$file"
		done
	done
done
exit "$failed"
