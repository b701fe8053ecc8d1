#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# TAP test of `ctflow check-flow`: exit statuses (0 valid, 1 refused,
# 2 usage), the canonical one-line output and the refusal message + hint.
# Needs neither root nor the kernel module.

CTFLOW="${top_builddir:-.}/ctflow"
n=0
fail=0

ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=1
	fi
}

# expect STATUS DESCRIPTION -- ARGS...: run check-flow, compare the exit status.
expect() {
	want=$1 desc=$2
	shift 3
	out=$("$CTFLOW" check-flow "$@" 2>&1)
	got=$?
	[ "$got" = "$want" ]
	ok $? "$desc (exit $got, want $want)"
}

# expect_out TEXT DESCRIPTION -- ARGS...: the combined output must contain TEXT.
expect_out() {
	text=$1 desc=$2
	shift 3
	out=$("$CTFLOW" check-flow "$@" 2>&1)
	case "$out" in
	*"$text"*) ok 0 "$desc" ;;
	*) ok 1 "$desc: got '$out'" ;;
	esac
}

echo "1..17"

NAT='ct_state(-trk),in_port(1),eth(),eth_type(0x0800),ipv4(dst=192.168.0.20)'
expect 0 "nat_connect_v4 flow is valid" -- "$NAT" 'ct(commit,nat(dst=172.31.110.20)),recirc(0x1)'
expect_out 'in_port(1),ct_state(-trk),eth(),eth_type(0x0800),ipv4(dst=192.168.0.20), actions:ct(commit,nat(dst=172.31.110.20)),recirc(0x1)' \
	"canonical text puts attributes in kernel order" -- "$NAT" 'ct(commit,nat(dst=172.31.110.20)),recirc(0x1)'
expect 0 "a key alone can be checked" -- 'in_port(1),eth(),eth_type(0x0806),arp()'

expect 1 "missing tcp()/tcp_flags() is refused" -- 'eth(),eth_type(0x0800),ipv4(proto=6)'
expect_out 'ctflow: cannot check flow: ipv4(proto=6) needs tcp() and tcp_flags() keys (hint: add tcp(),tcp_flags(0/0) to match any TCP packet)' \
	"refusal names the rule and gives the hint" -- 'eth(),eth_type(0x0800),ipv4(proto=6)'
expect 1 "ct() without an IP eth_type is refused" -- 'in_port(1),eth()' 'ct(commit)'
expect_out 'ct family unspecified' "ct() refusal says why" -- 'in_port(1),eth()' 'ct(commit)'
expect 1 "a syntax error is refused" -- 'in_port(1),eth('

expect 2 "no FLOW is a usage error" --
expect 2 "three arguments are a usage error" -- a b c

expect_out 'ufid:00000001-0002-0003-0004-000500060007, in_port(1)' "a leading ufid: is kept" -- \
	'ufid:00000001-0002-0003-0004-000500060007,in_port(1),eth(),eth_type(0x0800),ipv4()' 2
out=$("$CTFLOW" --hex check-flow 'in_port(1),eth()' 2 2>&1)
case "$out" in
*"key: "*"bytes"*"  0000  08 00 03 00 01 00 00 00"*"mask: "*"actions: 8 bytes"*"08 00 01 00 02 00 00 00"*) ok 0 "--hex dumps key, mask and actions" ;;
*) ok 1 "--hex dumps key, mask and actions: got '$out'" ;;
esac
# --hex shows the parser's bytes, which add-flow sends, in the order given;
# the text line is the kernel's order.
out=$("$CTFLOW" check-flow --hex 'eth_type(0x1234),in_port(2)' 2 2>&1)
case "$out" in
"in_port(2),eth_type(0x1234), actions:2
key: 16 bytes
  0000  06 00 06 00 12 34 00 00 08 00 03 00 02 00 00 00
mask: 16 bytes
  0000  06 00 06 00 ff ff 00 00 08 00 03 00 ff ff ff ff
actions: 8 bytes"*) ok 0 "--hex keeps the order the flow was written in" ;;
*) ok 1 "--hex keeps the order the flow was written in: got '$out'" ;;
esac
# Without in_port, no in_port attribute is sent (as ovs-dpctl).
out=$("$CTFLOW" check-flow --hex 'recirc_id(1),eth_type(0x1234)' 2 2>&1)
case "$out" in
*"key: 16 bytes
  0000  08 00 14 00 01 00 00 00 06 00 06 00 12 34 00 00
mask: 16 bytes
  0000  08 00 14 00 ff ff ff ff 06 00 06 00 ff ff 00 00
actions"*) ok 0 "--hex: a flow without in_port has no in_port attribute" ;;
*) ok 1 "--hex: a flow without in_port has no in_port attribute: got '$out'" ;;
esac
out=$("$CTFLOW" check-flow --json --hex 'eth_type(0x1234),in_port(2)' 2 2>&1)
case "$out" in
*'"key": "06000600123400000800030002000000"'*) ok 0 "--json --hex gives the same bytes" ;;
*) ok 1 "--json --hex gives the same bytes: got '$out'" ;;
esac
expect_out 'ipv4(src=10.0.0.0/255.0.0.0,dst=0.0.0.0/0.0.0.0' "-m prints every field with its mask" -- \
	-m 'eth(),eth_type(0x0800),ipv4(src=10.0.0.0/255.0.0.0)'
expect_out 'proto=6,tos=0/0,ttl=0/0),tcp(src=0/0,dst=0/0),tcp_flags(0/0)' "-m shows wildcarded fields as /0" -- \
	-m 'eth(),eth_type(0x0800),ipv4(proto=6),tcp(),tcp_flags(0/0)'

exit $fail
