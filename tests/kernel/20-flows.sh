#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Flow commands on a real datapath: add-flow, dump-flows (text, -m, --names,
# filter=, --json), get-flow, mod-flow, del-flow, del-flows and the flow
# files (add-flows, mod-flows, del-flows FILE, stdin, --stop-on-error), with
# conntrack flows, real traffic for the statistics, and bad input of every
# kind: the right message and exit status (0 ok, 1 failed, 2 bad input).

. "$(dirname "$0")/lib.sh"

plan 84

dp=ctfflow20
dp2=ctfflow21
tmp=$(mktemp -d)
at_exit rm -rf "$tmp"

# check_status DESC STATUS ERE CMD...: CMD exits with STATUS and its stderr matches ERE.
check_status() {
	local desc=$1 want=$2 re=$3; shift 3
	tap_run "$@"
	if [ "$tap_status" = "$want" ] && grep -qE -- "$re" <<< "$err"; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "expected exit status $want and stderr matching: $re"
		tap_show_output "$@"
	fi
}

# check_dump DESC EXPECTED CMD...: CMD succeeds and prints exactly EXPECTED (sorted).
check_dump() {
	local desc=$1 want=$2; shift 2
	if tap_run "$@" && [ "$(sort <<< "$out")" = "$(sort <<< "$want")" ]; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "expected:"
		diag "$want"
		tap_show_output "$@"
	fi
}

check "ovs-dpctl add-dp $dp" ovs_dpctl add-dp "$dp"
datapath_cleanup "$dp"
netns ctf20ns
veth_pair ctf20a ctf20b ctf20ns 10.20.0.1/24
check "port 1 of $dp is ctf20a" ovs_dpctl add-if "$dp" ctf20a,port_no=1

# --- add-flow / dump-flows / get-flow -------------------------------------------

F1='recirc_id(0),in_port(1),eth_type(0x0800),ipv4(frag=no)'
A1='ct(commit,zone=5,nat(src=10.0.0.1)),recirc(1)'
L1='recirc_id(0),in_port(1),eth_type(0x0800),ipv4(frag=no), packets:0, bytes:0, used:never, actions:ct(commit,zone=5,nat(src=10.0.0.1)),recirc(0x1)'
U2='ufid:5e1f0a2b-0c3d-4e5f-8a9b-0c1d2e3f4a5b'
F2='recirc_id(1),in_port(1),ct_state(+trk+est),ct_zone(5),eth_type(0x0800),ipv4(frag=no)'
L2='recirc_id(0x1),in_port(1),ct_state(+est+trk),ct_zone(0x5),eth_type(0x0800),ipv4(frag=no), packets:0, bytes:0, used:never, actions:2'
L2m="$U2, recirc_id(0x1),dp_hash(0/0),skb_priority(0/0),in_port(ctf20a),skb_mark(0/0),ct_state(0x22/0x22),ct_zone(0x5),ct_mark(0/0),ct_label(0/0),eth_type(0x0800),ipv4(src=0.0.0.0/0.0.0.0,dst=0.0.0.0/0.0.0.0,proto=0/0,tos=0/0,ttl=0/0,frag=no), packets:0, bytes:0, used:never, dp:ovs, actions:2"

check "add-flow a ct(commit,nat),recirc flow" ctflow add-flow "$dp" "$F1" "$A1"
check_dump "dump-flows prints it exactly as ovs-dpctl would" "$L1" ctflow dump-flows "$dp"
check_dump "the DP argument is optional with one datapath" "$L1" ctflow dump-flows
check_status "adding it again: exit 1, flow already exists" 1 \
	'^ctflow: cannot add flow: flow already exists \(hint: ' ctflow add-flow "$dp" "$F1" "$A1"
check_no_output "add-flow without ufid: sent none, so the flow has none (as ovs-dpctl)" \
	'ufid:' ctflow dump-flows -m "$dp"
check "add-flow with an explicit ufid" ctflow add-flow "$dp" "$U2,$F2" 2
check_dump "get-flow by ufid prints the dump-flows line" "$L2" ctflow get-flow "$dp" "$U2"
check_output "dump-flows -m: ufid first, masks, port names, dp:ovs" "^$(sed 's/[][()+.*^$|?]/\\&/g' <<< "$L2m")\$" \
	ctflow dump-flows -m "$dp"
check_output "dump-flows -m --no-names prints port numbers" '^ufid:5e1f0a2b-[^ ]* recirc_id\(0x1\),dp_hash\(0/0\),skb_priority\(0/0\),in_port\(1\),' \
	ctflow dump-flows -m --no-names "$dp"
tap_run ovs_dpctl dump-flows -m "$dp"; peer_m=$(sort <<< "$out")
check_dump "dump-flows -m is identical to ovs-dpctl dump-flows -m" "$peer_m" ctflow dump-flows -m "$dp"
check_dump "filter=recirc_id(1) keeps the recirculated flow only" "$L2" ctflow dump-flows "$dp" 'filter=recirc_id(1)'
check_dump "filter=in_port(1) keeps both" "$L1
$L2" ctflow dump-flows "$dp" 'filter=in_port(1)'
check_dump "filter= by port name" "$L1
$L2" ctflow dump-flows "$dp" 'filter=in_port(ctf20a)'
check_dump "filter=ct_zone(7) drops the flow matching zone 5" "$L1" ctflow dump-flows "$dp" 'filter=ct_zone(7)'
check_status "a bad filter is refused (exit 2)" 2 'bad filter' ctflow dump-flows "$dp" 'filter=nosuchkey(1)'

# --json: one object per flow, the documented schema.
json_ok() {
	ctflow dump-flows --json "$dp" | python3 -c '
import json, sys
flows = json.load(sys.stdin)
assert len(flows) == 2, flows
keys = {"ufid", "match", "packets", "bytes", "used_ms", "tcp_flags", "actions"}
for f in flows:
    assert set(f) == keys, f
    assert f["packets"] == 0 and f["used_ms"] is None and f["tcp_flags"] == "", f
byufid = {f["ufid"]: f for f in flows}
f = byufid["5e1f0a2b-0c3d-4e5f-8a9b-0c1d2e3f4a5b"]
assert f["actions"] == "2", f
assert f["match"].startswith("recirc_id(0x1),in_port(1),ct_state(+est+trk)"), f
'
}
check "dump-flows --json parses and follows the schema" json_ok

# --- mod-flow ------------------------------------------------------------------

F3='recirc_id(2),in_port(1),ct_state(+new+trk),eth_type(0x0800),ipv4(frag=no)'
check "mod-flow finds a flow added without ufid by its FLOW text" ctflow mod-flow "$dp" "$F1" 3
check_output "its actions changed" '^recirc_id\(0\),in_port\(1\),eth_type\(0x0800\),ipv4\(frag=no\), packets:0, bytes:0, used:never, actions:3$' \
	ctflow dump-flows "$dp"
check_output "mod-flow -s prints the flow's stats" '^packets:0, bytes:0, used:never$' \
	ctflow mod-flow -s "$dp" "$F1" 'ct(commit,zone=5),recirc(1)'
check_status "mod-flow of a missing flow: exit 1, no such flow" 1 \
	'^ctflow: cannot modify flow: no such flow \(hint: .*--may-create' ctflow mod-flow "$dp" "$F3" 2
check "mod-flow --may-create creates it" ctflow mod-flow --may-create "$dp" "$F3" 'ct(commit,zone=5),2'
check_output "the created flow is dumped" '^recirc_id\(0x2\),in_port\(1\),ct_state\(\+new\+trk\),.*actions:ct\(commit,zone=5\),2$' \
	ctflow dump-flows "$dp"
check "mod-flow --clear by ufid" ctflow mod-flow --clear "$dp" "$U2,$F2" 1
# The kernel finds UFID flows by UFID only: by FLOW, ctflow looks the UFID up.
check_dump "get-flow by FLOW finds the flow added with a ufid" "${L2%actions:2}actions:1" \
	ctflow get-flow "$dp" "$F2"
check "mod-flow by FLOW finds the flow added with a ufid" ctflow mod-flow "$dp" "$F2" 2
check_dump "... and changed its actions" "$L2" ctflow get-flow "$dp" "$U2"
check_dump "get-flow by FLOW of a flow without ufid" "$(sed 's/actions:.*/actions:ct(commit,zone=5),recirc(0x1)/' <<< "$L1")" \
	ctflow get-flow "$dp" "$F1"

# --- del-flow --------------------------------------------------------------------

check "del-flow by FLOW text" ctflow del-flow "$dp" "$F3"
check_no_output "it is gone" 'recirc_id\(0x2\)' ctflow dump-flows "$dp"
check_status "del-flow again: exit 1, no such flow, perhaps a UFID" 1 \
	'no such flow \(hint: no flow has this match, with or without a UFID' ctflow del-flow "$dp" "$F3"
check_output "del-flow -s by ufid prints the final stats" '^packets:0, bytes:0, used:never$' \
	ctflow del-flow -s "$dp" "$U2"
check_status "get-flow of the deleted ufid: exit 1" 1 '^ctflow: cannot get flow: no such flow' \
	ctflow get-flow "$dp" "$U2"

# A flow that ovs-dpctl added without UFID is found by key.
F4='recirc_id(3),in_port(1),eth_type(0x0800),ipv4(frag=no)'
check "ovs-dpctl add-flow without ufid" ovs_dpctl add-flow "$dp" "$F4" 'ct(zone=3),recirc(4)'
check "ctflow mod-flow finds the peer's flow by key" ctflow mod-flow "$dp" "$F4" 'ct(zone=4),recirc(4)'
check_output "ovs-dpctl sees the new actions" 'recirc_id\(0x3\).*actions:ct\(zone=4\),recirc\(0x4\)$' ovs_dpctl dump-flows "$dp"
check "ctflow del-flow deletes the peer's flow by key" ctflow del-flow "$dp" "$F4"

check "ovs-dpctl add-flow with a ufid" ovs_dpctl add-flow "$dp" "$U2,$F4" 'ct(zone=3),recirc(4)'
check "ctflow del-flow deletes the peer's UFID flow by key" ctflow del-flow "$dp" "$F4"
check_no_output "it is gone" 'recirc_id\(0x3\)' ovs_dpctl dump-flows "$dp"

check "del-flows flushes the datapath" ctflow del-flows "$dp"
check_dump "nothing is left" "" ctflow dump-flows "$dp"

# --- check-flow --hex shows what add-flow sends ---------------------------------
# A flow written out of the kernel's order: the bytes add-flow hands to
# sendmsg (strace's hex dump of them) hold check-flow --hex's key, mask and
# actions as they are.

FX='eth_type(0x0800),ipv4(frag=no),recirc_id(0x40),in_port(1)'
AX='ct(zone=2),recirc(0x41)'
# hex_of WHAT: the bytes of check-flow --hex's WHAT: dump as one hex string.
hex_of() { awk -v w="$1:" '$1 == w { on = 1; next } /^[a-z]/ { on = 0 }
	on { for (i = 2; i <= NF; i++) printf "%s", $i }'; }
if command -v strace >/dev/null; then
	tap_run ctflow check-flow --hex "$FX" "$AX"; hex=$out
	# LeakSanitizer cannot run under ptrace.
	sent_add() {
		ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=sendmsg,sendto -e write=all -o "$tmp/strace" \
			"$CTFLOW" add-flow "$dp" "$FX" "$AX"
	}
	check "add-flow of a flow written out of kernel order (under strace)" sent_add
	sent=$(sed -nE 's/.*\| [0-9a-f]{5}  (.{49}).*/\1/p' "$tmp/strace" | tr -d ' \n')
	for what in key mask actions; do
		want=$(hex_of $what <<< "$hex")
		check "check-flow --hex's $what (${#want} hex digits) is what add-flow sent" \
			eval '[ -n "$want" ] && [[ $sent == *"$want"* ]]'
	done
	[[ $sent == *"$(hex_of key <<< "$hex")"* ]] || diag "strace saw: $(head -c 3000 "$tmp/strace")"
	check "del-flow" ctflow del-flow "$dp" "$FX"
else
	for i in 1 2 3 4 5; do skip "check-flow --hex vs add-flow" "no strace"; done
fi

# --- statistics from real traffic ------------------------------------------------

check "add-flow for ARP on port 1" ctflow add-flow "$dp" 'recirc_id(0),in_port(1),eth(),eth_type(0x0806),arp()' drop
in_ns ctf20ns ping -c 3 -i 0.2 -W 1 10.20.0.2 >/dev/null 2>&1
check_output "packets, bytes and used are counted" '^recirc_id\(0\),in_port\(1\),eth\(\),eth_type\(0x0806\), packets:[1-9][0-9]*, bytes:[1-9][0-9]*, used:[0-9]+\.[0-9]{3}s, actions:drop$' \
	ctflow dump-flows "$dp"
norm_used() { sed -E 's/used:[0-9]+\.[0-9]+s/used:X/'; }
# The kernel's neighbour code keeps retrying ARP for a while after ping
# gives up, so the counters may move between two dumps: compare until they
# have settled (a real difference never settles).
same_dump() {
	tap_run ovs_dpctl dump-flows "$dp"; peer=$(norm_used <<< "$out")
	tap_run ctflow dump-flows "$dp"; mine=$(norm_used <<< "$out")
	[ "$peer" = "$mine" ]
}
wait_until 10 same_dump
check_eq "ovs-dpctl shows the same line (but for used:)" "$peer" "$mine"
check_output "--json reports used_ms" '"packets":[1-9][0-9]*,"bytes":[1-9][0-9]*,"used_ms":[0-9]+,' \
	ctflow dump-flows --json "$dp"
check "del-flows" ctflow del-flows "$dp"

# --- flow files -------------------------------------------------------------------

U6='ufid:00000000-0000-0000-0000-000000000006'
cat > "$tmp/flows" <<EOF
# conntrack pipeline, with mistakes on lines 3 and 5
recirc_id(0x10),in_port(1),eth_type(0x0800),ipv4(frag=no) ct(zone=7),recirc(17)
recirc_id(0x11),bogus(1) 2

recirc_id(0x12),in_port(1),eth_type(0x0800),ipv4(proto=6,frag=no) 2
add $U6,recirc_id(0x13),in_port(1),eth_type(0x1234) 2
recirc_id(0x14),in_port(1),eth_type(0x1234)   ct_clear,2
EOF
check_status "add-flows: exit 1 when lines fail" 1 '^3 flows applied, 2 failed$' ctflow add-flows "$dp" "$tmp/flows"
check_eq "the parse error names FILE:LINE" 1 "$(grep -cE "^ctflow: $tmp/flows:3: cannot add flow: .*bogus" <<< "$err")"
check_eq "the kernel-rule error names FILE:LINE with a hint" 1 \
	"$(grep -cE "^ctflow: $tmp/flows:5: cannot add flow: ipv4\(proto=6\) needs tcp\(\).*\(hint: " <<< "$err")"
check_eq "the good lines are in the datapath" 3 "$(ctflow dump-flows "$dp" | grep -cE '^recirc_id\(0x1[034]\)')"
check_status "the same file again: every good line already exists" 1 '^0 flows applied, 5 failed$' \
	ctflow add-flows "$dp" "$tmp/flows"
check_eq "... each reported with its line" 3 "$(grep -cE "flows:[267]: cannot add flow: flow already exists" <<< "$err")"

mod_ufid_flow_by_key() { echo 'recirc_id(0x13),in_port(1),eth_type(0x1234) 3' | ctflow mod-flows "$dp" -; }
check "mod-flows by key finds a flow added with a ufid" mod_ufid_flow_by_key
check_output "... and changed its actions" '^recirc_id\(0x13\),.*actions:3$' ctflow dump-flows "$dp"
cat > "$tmp/mods" <<EOF
modify recirc_id(0x10),in_port(1),eth_type(0x0800),ipv4(frag=no) ct(zone=8),recirc(17)
delete $U6
EOF
check_status "mod-flows with modify and delete lines" 0 '^2 flows applied, 0 failed$' ctflow mod-flows "$dp" "$tmp/mods"
check_output "the modify applied" 'recirc_id\(0x10\).*actions:ct\(zone=8\),recirc\(0x11\)$' ctflow dump-flows "$dp"
check_no_output "the delete applied" 'recirc_id\(0x13\)' ctflow dump-flows "$dp"

check "add-flow of a flow with a ufid" ctflow add-flow "$dp" "ufid:00000000-0000-0000-0000-000000000016,recirc_id(0x16),in_port(1),eth_type(0x1234)" 2
cat > "$tmp/dels" <<EOF
recirc_id(0x16),in_port(1),eth_type(0x1234)
recirc_id(0x10),in_port(1),eth_type(0x0800),ipv4(frag=no)
recirc_id(0x14),in_port(1),eth_type(0x1234)
recirc_id(0x15),in_port(1),eth_type(0x1234)
EOF
check_status "del-flows FILE: the missing flow fails, with its line" 1 "dels:4: cannot delete flow: no such flow" \
	ctflow del-flows "$dp" "$tmp/dels"
check_dump "the others were deleted" "" ctflow dump-flows "$dp"

stdin_flows() {
	printf 'recirc_id(0x20),in_port(1),eth_type(0x1234) 2\nrecirc_id(0x21),in_port(1),eth_type(0x1234) 2\n' |
		ctflow add-flows "$dp" -
}
check "add-flows - reads stdin" stdin_flows
check_eq "both stdin flows are there" 2 "$(ctflow dump-flows "$dp" | grep -c '^recirc_id(0x2[01])')"
check "del-flows" ctflow del-flows "$dp"

printf 'recirc_id(0x30),in_port(1),eth_type(0x1234) 2\nrecirc_id(0x31),in_port(1),eth_type(0x0800) 2\nrecirc_id(0x32),in_port(1),eth_type(0x1234) 2\n' > "$tmp/stop"
check_status "--stop-on-error stops at the failing line" 1 '^1 flow applied, 1 failed$' \
	ctflow add-flows --stop-on-error "$dp" "$tmp/stop"
check_dump "nothing after it was applied" 'recirc_id(0x30),in_port(1),eth_type(0x1234), packets:0, bytes:0, used:never, actions:2' \
	ctflow dump-flows "$dp"

# --- bad input ----------------------------------------------------------------------

check_status "unknown datapath: exit 1, named" 1 "^ctflow: cannot dump flows: no datapath named \`nosuchdp'" \
	ctflow dump-flows nosuchdp
check_status "add-flow on an unknown datapath: exit 1" 1 "no datapath named \`nosuchdp'" \
	ctflow add-flow nosuchdp "$F1" 2
check_status "malformed ufid in get-flow: exit 2" 2 'malformed ufid `ufid:1234' ctflow get-flow "$dp" ufid:1234
check_status "malformed ufid in del-flow: exit 2" 2 'malformed ufid' ctflow del-flow "$dp" 'ufid:zzzzzzzz-0000-0000-0000-000000000000'
check_status "get-flow of a missing FLOW: exit 1" 1 '^ctflow: cannot get flow: no such flow' ctflow get-flow "$dp" "$F1"
check_status "missing file: exit 1" 1 "cannot open \`$tmp/nonexistent'" ctflow add-flows "$dp" "$tmp/nonexistent"
check_status "a flow the kernel would refuse is refused before sending, with a hint (exit 2)" 2 \
	'^ctflow: cannot add flow: ipv4\(proto=6\) needs tcp\(\) and tcp_flags\(\) keys \(hint: add tcp\(\),tcp_flags\(0/0\)' \
	ctflow add-flow "$dp" 'recirc_id(0),in_port(1),eth_type(0x0800),ipv4(proto=6,frag=no)' 2
check_status "a syntax error names the token (exit 2)" 2 'nosuchaction' ctflow add-flow "$dp" "$F1" 'nosuchaction(1)'
check_status "too few arguments: exit 2" 2 "'add-flow' command requires at least 2 arguments" ctflow add-flow "$F1"
check "ovs-dpctl add-dp $dp2" ovs_dpctl add-dp "$dp2"
datapath_cleanup "$dp2"
check_status "two datapaths and none named: exit 1" 1 'multiple datapaths, specify one' ctflow dump-flows
check "ovs-dpctl del-dp $dp2" ovs_dpctl del-dp "$dp2"
