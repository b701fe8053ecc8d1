#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# TAP test: every command of the EXAMPLES section of ctflow-flows(7) runs
# as the page says (exit status 0, or 1 where the text before it says
# "exit status 1"), so the flow language reference cannot drift from the
# parser. Needs neither root nor the kernel module (check-flow only).

CTFLOW="${top_builddir:-.}/ctflow"
PAGE="${top_srcdir:-.}/man/ctflow-flows.7"
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

# The commands of EXAMPLES, one per line as "STATUS<TAB>COMMAND": groff
# escapes undone, "\e" continuations joined.
examples() {
	awk '
	/^\.SH / { in_ex = ($0 == ".SH EXAMPLES"); next }
	!in_ex { next }
	/^\.nf/ { in_nf = 1; next }
	/^\.fi/ { in_nf = 0; next }
	{
		line = $0
		gsub(/\\\(aq/, "\047", line)
		gsub(/\\-/, "-", line)
		gsub(/\\e/, "\\", line)
		gsub(/\\&/, "", line)
		if (!in_nf) {
			if (line !~ /^\./)
				want = (line ~ /exit status 1/) ? 1 : 0
			next
		}
		if (line ~ /\\$/) {
			sub(/\\$/, "", line)
			cmd = cmd line
			next
		}
		cmd = cmd line
		sub(/^[ \t]+/, "", cmd)
		printf "%d\t%s\n", want, cmd
		cmd = ""
	}' "$PAGE"
}

list=$(examples)
total=$(printf '%s\n' "$list" | grep -c '^[01]	ctflow check-flow ')
echo "1..$((total + 1))"
[ "$total" -ge 10 ]
ok $? "the page has $total check-flow examples (at least 10)"

tab=$(printf '\t')
while IFS="$tab" read -r want cmd; do
	case "$cmd" in
	"ctflow check-flow "*) ;;
	*) continue ;;
	esac
	out=$(eval "\"\$CTFLOW\" ${cmd#ctflow }" 2>&1)
	got=$?
	[ "$got" = "$want" ]
	ok $? "exit $got (want $want): $cmd"
	[ "$got" = "$want" ] || echo "# $out"
done <<EOF
$list
EOF

exit $fail
