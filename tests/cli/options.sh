#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# TAP test of ctflow's command line: options anywhere after the command,
# "--" ending them, unknown options named. Needs neither root nor the
# kernel module (check-flow works offline).

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

# run ARGS...: $out gets stdout+stderr, $rc the exit status.
run() {
	out=$("$CTFLOW" "$@" 2>&1)
	rc=$?
}

# expect STATUS TEXT DESCRIPTION -- ARGS...: exit status and a piece of the output.
expect() {
	want=$1 text=$2 desc=$3
	shift 4
	run "$@"
	case "$rc:$out" in
	"$want:"*"$text"*) ok 0 "$desc" ;;
	*) ok 1 "$desc: exit $rc (want $want), output '$out'" ;;
	esac
}

echo "1..10"

F='in_port(1),eth()'
expect 0 'key: 24 bytes' "--hex after the arguments" -- check-flow "$F" 2 --hex
expect 0 'key: 24 bytes' "--hex between the arguments" -- check-flow "$F" --hex 2
expect 0 'key: 24 bytes' "--hex before the command still works" -- --hex check-flow "$F" 2
expect 0 'eth(src=00:00:00:00:00:00/00:00:00:00:00:00' "-m after the flow" -- check-flow "$F" -m
expect 2 "unknown option '-1'" "an argument starting with '-' is an option" -- check-flow "$F" -1
expect 2 "put -- before" "the refusal says how to pass it" -- check-flow "$F" -1
expect 1 "unknown action \`-1'" "after --, -1 is an argument" -- check-flow -- "$F" -1
expect 0 'key: 24 bytes' "options before -- still count" -- check-flow --hex -- "$F" 2
expect 2 "bad option '--bogus'" "an unknown long option is named" -- check-flow "$F" --bogus
expect 2 "unknown option '-q'" "an unknown short option is named" -- -q dump-dps

exit $fail
