#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# TAP test of the ctflowd commands against a stand-in for the daemon's
# control socket (fake-ctflowd.py): dump-rules prints ctflowd.conf lines
# (blanks dropped from matches, counters in a comment, control bytes escaped),
# --json documents for dump-rules and daemon-show, save-rules writes the same
# lines atomically and refuses a rule that the file format cannot hold.

CTFLOW="${top_builddir:-.}/ctflow"
here="${top_srcdir:-.}/tests/cli"
n=0
fail=0

ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}

if ! command -v python3 > /dev/null 2>&1; then
	echo "1..0 # SKIP python3 is needed for the stand-in daemon"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ctflow-rules.XXXXXX")
fake_pid=
cleanup() { [ -n "$fake_pid" ] && kill "$fake_pid" 2> /dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
CTFLOWD_SOCKET="$tmp/sock"
export CTFLOWD_SOCKET

# PRIORITY LINE HITS FLOWS MATCH ACTIONS; the default action has no match.
tab=$(printf '\t')
cat > "$tmp/rules" <<EOT
30${tab}5${tab}7${tab}1${tab}recirc_id(0),eth_type(0x0806)${tab}1
20${tab}0${tab}0${tab}0${tab}recirc_id(0), in_port(2)${tab}ct(commit),2
0${tab}0${tab}3${tab}2${tab}${tab}drop
EOT
python3 "$here/fake-ctflowd.py" "$CTFLOWD_SOCKET" "$tmp/rules" &
fake_pid=$!
i=0
while [ ! -e "$CTFLOWD_SOCKET.ready" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done

echo "1..17"

out=$("$CTFLOW" dump-rules 2>&1)
ok $? "dump-rules exits 0"
want="rule 30 recirc_id(0),eth_type(0x0806) 1  # hits:7 flows:1 line:5
rule 20 recirc_id(0),in_port(2) ct(commit),2  # hits:0 flows:0 added
default-action drop  # hits:3 flows:2"
[ "$out" = "$want" ]
ok $? "dump-rules prints ctflowd.conf lines, counters as comments"
[ "$out" = "$want" ] || printf '# got: %s\n' "$out"

out=$("$CTFLOW" dump-rules --json)
printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
r = d["rules"]
assert [x["priority"] for x in r] == [30, 20], r
assert r[0] == {"priority": 30, "match": "recirc_id(0),eth_type(0x0806)", "actions": "1",
                "hits": 7, "flows": 1, "line": 5}, r[0]
assert r[1]["line"] is None, r[1]
assert d["default_action"] == {"actions": "drop", "hits": 3, "flows": 2}, d
'
ok $? "dump-rules --json follows the schema"

out=$("$CTFLOW" daemon-show -j)
printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["datapath"] == "fake0" and d["upcall_dispatch"] == "per-cpu", d
assert d["upcalls"] == {"handled": 11, "lost": 1, "truncated": 0}, d
assert d["flows"]["current"] == 3 and d["flows"]["limit"] == 200000, d
assert d["rules"] == 2 and d["megaflows"] is True and d["handler_threads"] == 2, d
'
ok $? "daemon-show -j follows the schema"
out=$("$CTFLOW" daemon-show)
case "$out" in *"  upcall dispatch: per-cpu"*"  rules: 2"*) ok 0 "daemon-show text is unchanged" ;;
*) ok 1 "daemon-show text is unchanged: $out" ;; esac

# save-rules: the lines without counters; loadable syntax.
"$CTFLOW" save-rules "$tmp/saved.conf"
ok $? "save-rules exits 0"
grep -v '^#' "$tmp/saved.conf" > "$tmp/saved.rules"
printf '%s\n' "rule 30 recirc_id(0),eth_type(0x0806) 1" "rule 20 recirc_id(0),in_port(2) ct(commit),2" \
	"default-action drop" | cmp -s - "$tmp/saved.rules"
ok $? "save-rules writes the rules and the default action"
set -- "$tmp"/saved.conf.*
[ ! -e "$1" ]
ok $? "save-rules leaves no temporary file behind"
chmod 600 "$tmp/saved.conf"
"$CTFLOW" save-rules "$tmp/saved.conf" && [ "$(stat -c %a "$tmp/saved.conf")" = 600 ]
ok $? "save-rules over an existing file keeps its mode"

# Bytes that are not UTF-8 become U+FFFD: the document stays valid JSON.
cp "$tmp/rules" "$tmp/rules.good"
printf '50\t0\t0\t0\tin_port(1)\t\\xff\\xc3(\\x01)\n' >> "$tmp/rules"
"$CTFLOW" dump-rules --json | python3 -c '
import json, sys
raw = sys.stdin.buffer.read()
d = json.loads(raw.decode("utf-8"))
assert d["rules"][2]["actions"] == "\ufffd\ufffd(\x01)", d["rules"][2]
'
ok $? "dump-rules --json is valid UTF-8 whatever the rule texts hold"
cp "$tmp/rules.good" "$tmp/rules"

"$CTFLOW" save-rules "$tmp/no/such/dir/x.conf" 2> "$tmp/err"
rc=$?
[ $rc = 1 ] && grep -q "cannot write \`$tmp/no/such/dir/x.conf'" "$tmp/err"
ok $? "an unwritable path is a failure that names it (exit $rc)"

# A rule the file format cannot hold: nothing written, the rule named, raw bytes escaped.
cp "$tmp/saved.conf" "$tmp/before"
printf '40\t0\t0\t0\tin_port(1)\\x1b[31m\t1#2\n' >> "$tmp/rules"
out=$("$CTFLOW" save-rules "$tmp/saved.conf" 2>&1)
rc=$?
[ $rc = 1 ]
ok $? "save-rules refuses a rule with # or a control byte (exit $rc)"
case "$out" in *"rule 40 \`in_port(1)\\x1b[31m'"*"unchanged"*) ok 0 "the refusal names the rule, escaped" ;;
*) ok 1 "the refusal names the rule, escaped: $out" ;; esac
cmp -s "$tmp/before" "$tmp/saved.conf"
ok $? "the file is unchanged after a refusal"
out=$("$CTFLOW" dump-rules 2>&1)
case "$out" in *'\x1b[31m'*"(cannot be saved)"*) ok 0 "dump-rules escapes control bytes and marks the rule" ;;
*) ok 1 "dump-rules escapes control bytes and marks the rule: $out" ;; esac
printf '%s' "$out" | grep -q "$(printf '\033')"
[ $? = 1 ]
ok $? "no raw escape byte reaches the terminal"

CTFLOWD_SOCKET="$tmp/none" "$CTFLOW" dump-rules 2> "$tmp/err"
rc=$?
[ $rc = 1 ] && grep -q 'is ctflowd running' "$tmp/err"
ok $? "no daemon: exit 1 with a hint (exit $rc)"

exit $fail
