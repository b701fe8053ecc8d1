# SPDX-License-Identifier: Apache-2.0
# Helpers for the kernel scenarios (tests/kernel/NN-name.sh), sourced first:
#
#     . "$(dirname "$0")/lib.sh"
#     plan 3
#     check "datapath is created" ctflow add-dp t0
#     ...
#
# Sourcing this on the host re-runs the scenario inside the test VM
# (tests/vm/run) and exits with its status, so `make check`, a hand run of
# the scenario and `tests/vm/run tests/kernel/NN-name.sh` all do the same.
# The scenario prints TAP (https://testanything.org), which automake's
# tap-driver.sh turns into one PASS/FAIL line per check.
#
# A scenario that needs more than tests/vm/run's default time limit says so
# before sourcing this file:  export CTFLOW_VM_TIMEOUT=${CTFLOW_VM_TIMEOUT:-900}

if [ -z "${CTFLOW_IN_VM:-}" ]; then
	tap_vm_run=$(cd "$(dirname "${BASH_SOURCE[0]}")/../vm" && pwd)/run
	"$tap_vm_run" "$0" "$@"
	tap_rc=$?
	if [ "$tap_rc" = 77 ]; then
		# tests/vm/run already said why; a TAP skip keeps make check honest.
		echo "1..0 # SKIP no test VM could be started (see the log)"
		exit 0
	fi
	exit "$tap_rc"
fi

: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
export top_srcdir top_builddir
CTFLOW=${CTFLOW:-$top_builddir/ctflow}
CTFLOWD=${CTFLOWD:-$top_builddir/ctflowd}
OVS_DPCTL=${OVS_DPCTL:-ovs-dpctl}

tap_planned=
tap_count=0
tap_failed=0
tap_cleanups=()

# --- TAP output ------------------------------------------------------------

plan() {
	tap_planned=$1
	echo "1..$1"
}

# skip_all REASON: nothing of this scenario can run here. In CI that is a
# failure, because a skipped VM test proves nothing.
skip_all() {
	if [ "${CI:-}" = true ]; then
		echo "Bail out! cannot run in CI: $*"
		exit 1
	fi
	echo "1..0 # SKIP $*"
	exit 0
}

bail_out() {
	echo "Bail out! $*"
	exit 1
}

diag() {
	local line
	printf '%s\n' "$*" | while IFS= read -r line; do echo "# $line"; done
}

ok() {
	tap_count=$((tap_count + 1))
	echo "ok $tap_count - $*"
}

not_ok() {
	tap_count=$((tap_count + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_count - $*"
}

skip() {
	tap_count=$((tap_count + 1))
	echo "ok $tap_count - $1 # SKIP ${2:-}"
}

# --- assertions: each one is one TAP line ------------------------------------
# The output of the command under test is kept in $out (stdout) and $err
# (stderr) for later checks, and shown as diagnostics when the check fails.

# Every process start costs a lot under TCG, so the helpers below use bash
# builtins where they can.

out=
err=
tap_tmp=$(mktemp -d "${TMPDIR:-/tmp}/ctflow-tap.XXXXXX") || exit 99
tap_run() {
	"$@" > "$tap_tmp/out" 2> "$tap_tmp/err"
	tap_status=$?
	IFS= read -r -d '' out < "$tap_tmp/out"
	IFS= read -r -d '' err < "$tap_tmp/err"
	out=${out%$'\n'} err=${err%$'\n'}
	return $tap_status
}

# has_line REGEX TEXT: some line of TEXT matches the extended regex.
has_line() {
	local line
	while IFS= read -r line; do
		[[ $line =~ $1 ]] && return 0
	done <<< "$2"
	return 1
}

tap_show_output() {
	diag "command: $*"
	diag "exit status: $tap_status"
	[ -n "$out" ] && diag "stdout:" && diag "$out"
	[ -n "$err" ] && diag "stderr:" && diag "$err"
	return 0
}

# check DESC CMD...: CMD succeeds.
check() {
	local desc=$1; shift
	if tap_run "$@"; then
		ok "$desc"
	else
		not_ok "$desc"
		tap_show_output "$@"
	fi
}

# check_fails DESC CMD...: CMD fails (non-zero exit) and says why on stderr.
check_fails() {
	local desc=$1; shift
	if tap_run "$@"; then
		not_ok "$desc"
		diag "expected a failure"
		tap_show_output "$@"
	elif [ -z "$err" ]; then
		not_ok "$desc"
		diag "failed without a message on stderr"
		tap_show_output "$@"
	else
		ok "$desc"
	fi
}

# check_output DESC REGEX CMD...: CMD succeeds and its stdout has a line matching REGEX (ERE).
check_output() {
	local desc=$1 re=$2; shift 2
	if tap_run "$@" && has_line "$re" "$out"; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "expected a line matching: $re"
		tap_show_output "$@"
	fi
}

# check_no_output DESC REGEX CMD...: CMD succeeds and no line of its stdout matches REGEX.
check_no_output() {
	local desc=$1 re=$2; shift 2
	if tap_run "$@" && ! has_line "$re" "$out"; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "expected no line matching: $re"
		tap_show_output "$@"
	fi
}

# check_eq DESC EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "expected: $2"
		diag "actual:   $3"
	fi
}

# wait_until SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_until() {
	local limit=$1 i=0; shift
	while ! "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ "$i" -ge $((limit * 10)) ] && return 1
		sleep 0.1
	done
}

# --- the programs under test and their peers ------------------------------

ctflow() { "$CTFLOW" "$@"; }
ovs_dpctl() { "$OVS_DPCTL" "$@"; }

# module_loaded NAME: listed in /proc/modules (what lsmod reads) and in /sys/module.
module_loaded() {
	has_line "^$1 " "$(< /proc/modules)" && [ -d "/sys/module/$1" ]
}

# --- daemons a ctflowd scenario listens with ----------------------------------

# start_syslogd FILE: a real busybox syslogd writing what reaches /dev/log to
# FILE, stopped at exit.
start_syslogd() {
	busybox syslogd -n -O "$1" &
	at_exit kill $!
	wait_until 60 test -S /dev/log || bail_out "syslogd did not create /dev/log"
}

# start_notify_listener SOCKET LOG: an sd_notify socket whose datagrams are
# appended to LOG as they come (without separators), stopped at exit.
start_notify_listener() {
	socat -u UNIX-RECV:"$1" OPEN:"$2",creat,append &
	at_exit kill $!
	wait_until 60 test -S "$1" || bail_out "no notify listener"
}

# --- topology: everything created here is removed at exit, last first -------

at_exit() {
	tap_cleanups+=("$*")
}

tap_finish() {
	local rc=$? i
	for ((i = ${#tap_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${tap_cleanups[$i]}" >/dev/null 2>&1
	done
	rm -rf "$tap_tmp"
	if [ -n "$tap_planned" ] && [ "$tap_count" != "$tap_planned" ]; then
		diag "planned $tap_planned checks but ran $tap_count"
		rc=1
	fi
	[ "$tap_failed" -gt 0 ] && rc=1
	# Every planned check ran and passed: the status of whatever command
	# happened to run last (a best-effort cleanup) must not fail the run.
	if [ -n "$tap_planned" ] && [ "$tap_count" = "$tap_planned" ] && [ "$tap_failed" -eq 0 ]; then
		rc=0
	fi
	exit $rc
}
trap tap_finish EXIT

# netns NAME: a fresh network namespace with lo up.
netns() {
	ip netns add "$1" || bail_out "cannot create netns $1"
	at_exit ip netns del "$1"
	ip -n "$1" link set lo up
}

# netns_ipv4_only NAME: netns NAME without IPv6, so that no router
# solicitation or MLD report of a moved-in veth end adds upcalls and flows
# at random times (a new namespace does not inherit the host's sysctls; the
# default must be set before an interface moves in).
netns_ipv4_only() {
	netns "$1"
	in_ns "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 ||
		bail_out "cannot disable IPv6 in netns $1"
}

# in_ns NS CMD...: run CMD inside namespace NS.
in_ns() {
	local ns=$1; shift
	ip netns exec "$ns" "$@"
}

# veth_pair HOST_END PEER_END [NS [ADDR/LEN]]: a veth pair whose peer end
# moves into NS (when given) with ADDR; both ends are up.
veth_pair() {
	local a=$1 b=$2 ns=${3:-} addr=${4:-}
	ip link add "$a" type veth peer name "$b" || bail_out "cannot create veth $a/$b"
	at_exit ip link del "$a"
	ip link set "$a" up
	if [ -n "$ns" ]; then
		ip link set "$b" netns "$ns" || bail_out "cannot move $b into $ns"
		ip -n "$ns" link set "$b" up
		[ -n "$addr" ] && ip -n "$ns" addr add "$addr" dev "$b"
	else
		ip link set "$b" up
	fi
	return 0
}

# pg DEVICE COMMAND: one pktgen command (/proc/net/pktgen), or bail out.
pg() { echo "$2" > "/proc/net/pktgen/$1" || bail_out "pktgen $1: $2"; }

# pktgen_udp DEV PEER DELAY_NS: pktgen's thread 0 sends on DEV 60-byte UDP
# datagrams to 10.8.0.2 at PEER's MAC, one every DELAY_NS, the ports
# stepping through coprime ranges (a new 5-tuple per datagram within one
# source address); the caller sets count, src_min/src_max and starts it.
pktgen_udp() {
	pg kpktgend_0 rem_device_all
	pg kpktgend_0 "add_device $1"
	pg "$1" "clone_skb 0"
	pg "$1" "pkt_size 60"
	pg "$1" "delay $3"
	pg "$1" "dst 10.8.0.2"
	pg "$1" "dst_mac $(< "/sys/class/net/$2/address")"
	pg "$1" "udp_src_min 1024"
	pg "$1" "udp_src_max 65535"
	pg "$1" "udp_dst_min 1024"
	pg "$1" "udp_dst_max 65534"
}

# datapath_cleanup NAME: delete datapath NAME at exit, whoever made it.
datapath_cleanup() {
	at_exit "$OVS_DPCTL" del-dp "$1"
}

# ctflowd_scenario DP: the opening every ctflowd scenario shares. Sets dp=DP,
# a work directory removed at exit, conf and sock in it (CTFLOWD_SOCKET
# points ctflow at that daemon), and IPv6 off: router solicitations and MLD
# reports of moved-in veth ends would be misses at random times.
ctflowd_scenario() {
	dp=$1
	work=$(mktemp -d "${TMPDIR:-/tmp}/ctflowd-vm.XXXXXX")
	at_exit rm -rf "$work"
	conf=$work/ctflowd.conf
	sock=$work/ctflowd.sock
	export CTFLOWD_SOCKET=$sock
	sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}
