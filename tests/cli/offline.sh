#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# TAP test of what ctflow does before it needs the kernel: --json on
# check-flow and its refusal by commands without JSON output; flows read and
# checked before the datapath is opened (this test runs where the openvswitch
# module may be missing: a bad flow must still be reported as such); the
# datapath argument; control bytes from the command line escaped in errors.

CTFLOW="${top_builddir:-.}/ctflow"
n=0
fail=0

ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}

run() {
	out=$("$CTFLOW" "$@" 2>&1)
	rc=$?
}

# expect STATUS TEXT DESCRIPTION -- ARGS...
expect() {
	want=$1 text=$2 desc=$3
	shift 4
	run "$@"
	case "$rc:$out" in
	"$want:"*"$text"*) ok 0 "$desc" ;;
	*) ok 1 "$desc: exit $rc (want $want), output '$out'" ;;
	esac
}

# unlike STATUS TEXT DESCRIPTION -- ARGS...: exit status, and TEXT absent.
unlike() {
	want=$1 text=$2 desc=$3
	shift 4
	run "$@"
	case "$out" in
	*"$text"*) ok 1 "$desc: output '$out'" ;;
	*) [ "$rc" = "$want" ]; ok $? "$desc (exit $rc, want $want)" ;;
	esac
}

echo "1..30"

F='in_port(1),eth(),eth_type(0x0800),ipv4()'

# --- --json --------------------------------------------------------------------
expect 0 '"match": "in_port(1),eth(),eth_type(0x0800)"' "check-flow --json prints the canonical match" \
	-- check-flow --json "$F" 2
expect 0 '"actions": "2"' "check-flow -j prints the actions" -- check-flow "$F" 2 -j
expect 0 '"actions": null' "check-flow --json without ACTIONS gives null" -- check-flow -j "$F"
expect 0 '"key": "080003000100000010000400000000000000000000000000"' \
	"check-flow --json --hex gives the attribute bytes" -- check-flow -j --hex 'in_port(1),eth()' 2
if command -v python3 > /dev/null 2>&1; then
	"$CTFLOW" check-flow -j --hex "ufid:00000001-0002-0003-0004-000500060007,$F" 'ct(commit),2' |
		python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["ufid"] == "00000001-0002-0003-0004-000500060007", d
assert set(d) == {"ufid", "match", "actions", "bytes"}, d
assert set(d["bytes"]) == {"key", "mask", "actions"}, d
'
	ok $? "check-flow --json is one JSON document with the documented keys"
else
	ok 0 "# SKIP python3 not found"
fi
expect 1 "cannot check flow" "check-flow --json refuses a bad flow on stderr, exit 1" -- check-flow -j 'eth_type(0x0800),zz()'
expect 2 "'add-flow' has no JSON output" "a command without JSON refuses --json" -- add-flow --json "$F" 2
expect 2 "'version' has no JSON output" "so does version, with -j" -- -j version
expect 2 "--json is refused" "and reload, before connecting" -- reload -j
expect 0 '-j, --json' "--help documents -j" -- --help
expect 0 '-j, --json' "help check-flow lists -j" -- help check-flow

# --- flows are read before the datapath is opened --------------------------------
unlike 2 'kernel module' "add-flow: a bad flow is reported without the module" \
	-- add-flow 'in_port(1),eth(),eth_type(0x0800),ipv4(src=1.1.1)' 2
expect 2 "\`1.1.1' is not an IPv4 address" "add-flow names the bad token" \
	-- add-flow 'in_port(1),eth(),eth_type(0x0800),ipv4(src=1.1.1)' 2
expect 2 "cannot modify flow: unknown action" "mod-flow checks the actions first" -- mod-flow "$F" 'bogus(1)'
unlike 2 'kernel module' "add-flow refuses what the kernel would refuse, offline" \
	-- add-flow 'in_port(1),eth(),eth_type(0x0806),arp()' 'ct(commit),2'
expect 2 "unknown key attribute \`zz'" "del-flow reads the flow first" -- del-flow 'in_port(1),zz()'
expect 2 "empty flow" "del-flow of an empty flow is refused first" -- del-flow ' '
expect 2 "bad filter: unknown key attribute" "dump-flows reads filter= first" -- dump-flows 'filter=zz()'
expect 2 "malformed ufid \`ufid:12345'" "get-flow names a malformed ufid" -- get-flow ufid:12345
expect 2 "bogus" "get-flow reads a FLOW before the datapath: a bad one is named" -- get-flow 'in_port(1),bogus(2)'
# A port name can only be checked against the datapath: that is left for later.
unlike 1 'unknown' "a port name is not refused offline" -- add-flow 'in_port(veth0),eth(),eth_type(0x0806),arp()' veth1

# --- the datapath argument ------------------------------------------------------
expect 1 "datapath type \`netdev' is not supported" "a userspace datapath type is refused" \
	-- add-flow netdev@dp0 "$F" 2
expect 1 "empty datapath name" "an empty datapath name is refused" -- dump-flows system@
expect 1 "is too long" "a datapath name over 15 characters is refused" -- del-dp abcdefghijklmnopq
expect 1 "cannot show datapath netdev@t0: datapath type" "show refuses the name before asking the kernel" \
	-- show netdev@t0
expect 2 "bad \`count=x'" "upcall-listen reads count= before the datapath" -- upcall-listen dp0 count=x

# --- control bytes ---------------------------------------------------------------
esc=$(printf '\033')
run check-flow "in_port(1),${esc}[2Jzz()" 2
case "$out" in
*"$esc"*) ok 1 "a control byte from the command line is escaped: '$out'" ;;
*'\x1b[2Jzz'*) ok 0 "a control byte from the command line is escaped" ;;
*) ok 1 "a control byte from the command line is escaped: '$out'" ;;
esac
run dump-flows "$(printf 'a\nb')@x"
case "$out" in
*'a\nb'*) ok 0 "a newline in an argument is shown as \\n" ;;
*) ok 1 "a newline in an argument is shown as \\n: '$out'" ;;
esac
run check-flow "$F" "$(printf 'out\302\233put')"
case "$out" in
*'out\xc2\x9bput'*) ok 0 "a C1 control (UTF-8 CSI) is escaped" ;;
*) ok 1 "a C1 control (UTF-8 CSI) is escaped: '$out'" ;;
esac

# A flow file whose datapath cannot be opened still has its bad lines named.
flows=$(mktemp)
printf 'in_port(1),eth(),eth_type(0x0800),ipv4() 2\n# a comment\nin_port(1),eth(),eth_type(0x0800),ipv4(src=1.1.1) 2\n' > "$flows"
expect 1 "$flows:3: cannot add flow: ipv4(src=): \`1.1.1' is not an IPv4 address" \
	"add-flows names a bad line even where the datapath cannot be opened" -- add-flows "$flows"
rm -f "$flows"

exit $fail
