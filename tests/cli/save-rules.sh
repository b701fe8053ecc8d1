#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# TAP test: rules survive a restart through save-rules. ctflowd runs without a
# datapath (CTFLOWD_NO_DATAPATH=1: no openvswitch module needed) with rules
# from its file; add-rule adds more; save-rules writes them all; a ctflowd
# started on the datapath and port lines plus the saved file has the same
# rules (dump-rules without the counters), and dump-rules' own output loads.

CTFLOW="${top_builddir:-.}/ctflow"
CTFLOWD="${top_builddir:-.}/ctflowd"
n=0
fail=0

ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ctflow-save.XXXXXX")
pid=
stop() {
	[ -n "$pid" ] && kill "$pid" 2> /dev/null && wait "$pid" 2> /dev/null
	pid=
}
trap 'stop; rm -rf "$tmp"' EXIT
CTFLOWD_NO_DATAPATH=1
CTFLOWD_SOCKET="$tmp/ctflowd.sock"
export CTFLOWD_NO_DATAPATH CTFLOWD_SOCKET

start() {
	"$CTFLOWD" -d -f "$1" -s "$CTFLOWD_SOCKET" 2> "$tmp/log" &
	pid=$!
	i=0
	while ! "$CTFLOW" daemon-show > /dev/null 2>&1; do
		i=$((i + 1))
		[ $i -ge 100 ] && return 1
		sleep 0.1
	done
}

# The rules without their counters: what must survive.
rules() { "$CTFLOW" dump-rules | sed 's/  # .*//'; }

head="datapath ctfs
port c0
port s0"
printf '%s\n' "$head" "rule 10 recirc_id(0),in_port(c0),eth_type(0x0806) s0" \
	"default-action drop" > "$tmp/first.conf"

echo "1..9"

start "$tmp/first.conf"
ok $? "ctflowd starts without a datapath"
"$CTFLOW" add-rule 40 'recirc_id(0),eth_type(0x86dd)' drop &&
	"$CTFLOW" add-rule 30 'recirc_id(0),in_port(s0),eth_type(0x0800),ipv4(proto=17)' c0
ok $? "add-rule adds two rules"
rules > "$tmp/before"
[ "$(grep -c '^rule ' "$tmp/before")" = 3 ]
ok $? "dump-rules lists the three rules: $(tr '\n' '|' < "$tmp/before")"

"$CTFLOW" save-rules "$tmp/saved.conf"
ok $? "save-rules exits 0"
grep -q '^rule 30 recirc_id(0),in_port(s0),eth_type(0x0800),ipv4(proto=17) c0$' "$tmp/saved.conf"
ok $? "the saved file has the rule added with add-rule"
"$CTFLOW" dump-rules > "$tmp/dumped.rules"
stop

# The saved rules, and dump-rules' output as it is, each after the datapath and ports.
{ echo "$head"; cat "$tmp/saved.conf"; } > "$tmp/second.conf"
{ echo "$head"; cat "$tmp/dumped.rules"; } > "$tmp/dumped.conf"
"$CTFLOWD" -n -f "$tmp/dumped.conf" > /dev/null 2>&1
ok $? "dump-rules' output loads as ctflowd.conf lines"
"$CTFLOWD" -n -f "$tmp/second.conf" > /dev/null 2>&1
ok $? "the saved file loads"

start "$tmp/second.conf"
ok $? "ctflowd restarts on the saved rules"
rules > "$tmp/after"
cmp -s "$tmp/before" "$tmp/after"
ok $? "the rules are the same after the restart$(cmp -s "$tmp/before" "$tmp/after" || diff "$tmp/before" "$tmp/after" | sed 's/^/ # /')"
stop

exit $fail
