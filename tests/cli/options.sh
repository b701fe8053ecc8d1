#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# TAP test of ctflow's command line: options anywhere after the command,
# "--" ending them, unknown options named; help, help COMMAND, COMMAND
# --help and list-commands; exit statuses; write errors on stdout. Needs
# neither root nor the kernel module (check-flow works offline; commands
# that need the module fail, which is what the exit-status tests want).

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

echo "1..34"

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

# Help.
run --help
ok $? "--help exits 0"
long=$(printf '%s\n' "$out" | awk 'length($0) > 80')
[ -z "$long" ]
ok $? "--help fits in 80 columns${long:+: $long}"
expect 0 'Usage: ctflow dump-flows [OPTIONS] [DP] [filter=FLOW]' "help COMMAND prints the usage line" -- help dump-flows
expect 0 '      --names ' "help COMMAND lists the command's options" -- help dump-flows
expect 0 'Example: ctflow dump-flows ' "help COMMAND gives an example" -- help dump-flows
case "$out" in
*--hex*) ok 1 "help COMMAND leaves out the other commands' options" ;;
*) ok 0 "help COMMAND leaves out the other commands' options" ;;
esac
help_out=$out
run dump-flows --help
[ "$rc:$out" = "0:$help_out" ]
ok $? "COMMAND --help is help COMMAND"
run dump-conntrack zone=1 -h
[ "$rc" = 0 ] && case "$out" in "Usage: ctflow dump-conntrack "*) true ;; *) false ;; esac
ok $? "-h after the arguments too"
expect 2 "unknown command 'nosuch'" "help for an unknown command is a usage error" -- help nosuch
run list-commands
ok $rc "list-commands exits 0"
bad=$(printf '%s\n' "$out" | awk '!/^[a-z-]+ +[^ ]/')
[ -z "$bad" ] && [ "$(printf '%s\n' "$out" | wc -l)" -gt 20 ]
ok $? "list-commands: one command per line, name and description${bad:+: $bad}"
nohelp=
for c in $(printf '%s\n' "$out" | awk '{ print $1 }'); do
	h=$("$CTFLOW" help "$c" 2>&1) || nohelp="$nohelp $c"
	case "$h" in "Usage: ctflow $c"*"Example: ctflow $c"*) ;; *) nohelp="$nohelp $c" ;; esac
done
[ -z "$nohelp" ]
ok $? "every listed command has usage and example${nohelp:+:$nohelp}"

# Exit statuses: 2 for the command line, 1 for a failure.
expect 2 "" "no command is a usage error" --
expect 2 "unknown command 'frob'" "an unknown command is a usage error" -- frob
expect 2 "requires at least 1 argument (usage: ctflow del-dp DP)" "too few arguments is a usage error" -- del-dp
expect 2 "takes at most 0 arguments" "too many arguments is a usage error" -- dump-dps x
expect 1 "cannot" "a command the kernel cannot serve fails with 1" -- del-dp nosuchdp
expect 2 "zone=x: invalid zone" "a value that does not parse is a usage error, named" -- ct-set-limits zone=x,limit=5
expect 2 "limit out of range" "an out-of-range value is a usage error" -- ct-set-limits zone=1,limit=99999999999

# Write errors on stdout.
if [ -w /dev/full ]; then
	for args in "--help" "list-commands" "help show" "check-flow $F 2"; do
		# shellcheck disable=SC2086
		err=$("$CTFLOW" $args 2>&1 >/dev/full)
		rc=$?
		[ "$rc:$err" = "1:ctflow: write error: No space left on device" ]
		ok $? "ctflow $args >/dev/full: exit 1 and says so (exit $rc: $err)"
	done
else
	for i in 1 2 3 4; do echo "ok $((n + i)) # SKIP no /dev/full"; done
	n=$((n + 4))
fi
err=$("$CTFLOW" check-flow "$F" 'nosuch(' 2>&1 >&-)
[ $? = 1 ] && case "$err" in *"write error"*) false ;; *) true ;; esac
ok $? "a closed stdout that nothing was written to is no write error"

exit $fail
