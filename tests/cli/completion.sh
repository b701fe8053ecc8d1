#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# TAP test of the bash completion script (completion/ctflow): it is sourced,
# _ctflow runs on a command line and COMPREPLY is compared. Datapath and port
# names come from a stand-in for `ctflow dump-dps` and `ctflow show DP`; the
# rest (commands, options) from the ctflow just built.

CTFLOW_BIN="${top_builddir:-.}/ctflow"
n=0
fail=0

ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}

ctflow() {
	case "$1" in
	dump-dps) printf 'system@dp0\nsystem@lab1\n' ;;
	show) [ "$2" = dp0 ] && printf 'system@dp0:\n  lookups: hit:0 missed:0 lost:0\n  flows: 0\n  port 0: dp0 (internal)\n  port 1: veth0\n  port 2: veth1\n' ;;
	*) "$CTFLOW_BIN" "$@" ;;
	esac
}

. "${top_srcdir:-.}/completion/ctflow"
COMP_WORDBREAKS=$' \t\n"\'><=;|&(:'

# comp LINE: COMPREPLY for the cursor at the end of LINE, sorted, one line.
comp() {
	COMP_LINE=$1
	COMP_POINT=${#1}
	COMPREPLY=()
	_ctflow ctflow
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ')
	got=${got% }
}

# expect LINE WANT DESCRIPTION
expect() {
	comp "$1"
	[ "$got" = "$2" ]
	ok $? "$3${got:+ (}$got${got:+)}"
	[ "$got" = "$2" ] || echo "# want: $2"
}

# has LINE WORD DESCRIPTION: WORD is among the completions.
has() {
	comp "$1"
	case " $got " in *" $2 "*) ok 0 "$3" ;; *) ok 1 "$3: got '$got'" ;; esac
}

echo "1..19"

expect "ctflow dump-f" "dump-flows" "a command from list-commands"
expect "ctflow -s dump-c" "dump-conntrack" "a command after an option"
has "ctflow " "save-rules" "every command is offered"
expect "ctflow check-flow --h" "--help --hex" "the options of the command"
expect "ctflow check-flow 'in_port(1),eth()' --js" "--json" "options after the arguments"
has "ctflow --" "--json" "global options"
expect "ctflow del-dp " "dp0 lab1" "datapath names"
expect "ctflow show d" "dp0" "datapath names, by prefix"
expect "ctflow del-if dp0 " "dp0 veth0 veth1" "port names of the datapath"
expect "ctflow upcall-listen dp0 veth" "veth0 veth1" "port names for upcall-listen"
# Unquoted, readline replaces only what follows the last '(' (a word break).
expect "ctflow add-flow in_port(1),eth_t" "1),eth_type(" "a key keyword inside a flow"
expect "ctflow check-flow 'in_port(1),ipv" "in_port(1),ipv4( in_port(1),ipv6( in_port(1),ipv6_exthdrs(" \
	"inside quotes, the whole word"
expect "ctflow add-flow 'in_port(1),eth()' ct(commit),rec" "commit),recirc(" "an action keyword after the flow"
expect "ctflow add-flow 'in_port(1),eth()' dr" "drop" "drop takes no parentheses"
expect "ctflow dump-flows filter=in_po" "in_port(" "keywords in filter="
expect "ctflow add-flow d" "dp0 dp_hash(" "add-flow: a datapath or a key first"
expect "ctflow del-flow dp0 in_port(1),ct_z" "1),ct_zone(" "del-flow: keys after the datapath"
expect "ctflow get-flow u" "ufid:" "get-flow takes a ufid"
expect "ctflow help dump-" "dump-conntrack dump-dps dump-flows dump-rules" "help COMMAND"

exit $fail
