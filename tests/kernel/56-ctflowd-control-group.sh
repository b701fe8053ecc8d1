#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Who may change ctflowd's policy (issue 12), with real unprivileged users
# and the default socket path: with `control-group ctfops' the socket is
# 0660 root:ctfops in a directory everybody can search. A member of ctfops
# (a supplementary group, so SO_PEERGROUPS is what admits it) adds a rule
# that dump-rules then lists; a non-member cannot even connect and is told
# "Permission denied"; root works. With the socket widened by hand to 0666
# the non-member reads (dump-rules, daemon-show) and its add-rule is refused
# with the daemon's permission message. A reload that changes the group
# says it takes effect at the next start, and `ctflowd -n' names the line
# of a group that does not exist.
. "$(dirname "$0")/lib.sh"

plan 23

dp=ctfg
work=$(mktemp -d "${TMPDIR:-/tmp}/ctflowd-vm.XXXXXX")
at_exit rm -rf "$work"
conf=$work/ctflowd.conf
# The default path, /run/ctflow/ctflowd.sock, made by ctflowd itself.
unset CTFLOWD_SOCKET
sock=/run/ctflow/ctflowd.sock
datapath_cleanup "$dp"

# The VM's /etc is a tmpfs overlay of the host's: the users exist in it only.
echo "ctfops:x:4100:ctfmember" >> /etc/group
echo "ctfmember:x:4101:" >> /etc/group
echo "ctfother:x:4102:" >> /etc/group
echo "ctfmember:x:4101:4101:ctflow test member:/nonexistent:/bin/sh" >> /etc/passwd
echo "ctfother:x:4102:4102:ctflow test non-member:/nonexistent:/bin/sh" >> /etc/passwd
as_user() {
	local u=$1; shift
	setpriv --reuid="$u" --regid="$u" --init-groups "$@"
}
check_output "the member is in ctfops as a supplementary group" '(^| )4100( |$)' \
	as_user ctfmember id -G
check_no_output "the non-member is not" '(^| )4100( |$)' as_user ctfother id -G

cat > "$conf" <<CONF
datapath $dp
control-group ctfops
CONF
check "ctflowd -n accepts control-group" "$CTFLOWD" -n -f "$conf"

umask 027	# as the unit's UMask=: the socket directory must still be reachable
"$CTFLOWD" -d -v -f "$conf" 2> "$work/log" &
ctflowd_pid=$!
at_exit kill "$ctflowd_pid"
umask 022
ready() { "$CTFLOW" daemon-show > /dev/null; }
if wait_until 120 ready; then ok "ctflowd starts; root reaches it"; else not_ok "ctflowd starts; root reaches it"; diag "$(tail -n 5 "$work/log")"; fi

check_eq "the socket is 0660 root:ctfops" "660 root ctfops" "$(stat -c '%a %U %G' "$sock")"
check_eq "its directory is searchable by all" "755" "$(stat -c '%a' "${sock%/*}")"

rule='recirc_id(0),eth_type(0x86dd)'
check "the member adds a rule" as_user ctfmember "$CTFLOW" add-rule 50 "$rule" drop
check_output "the member's dump-rules lists it" 'eth_type\(0x86dd\)' \
	as_user ctfmember "$CTFLOW" dump-rules
check_output "the member's daemon-show works" '^  rules: 1$' as_user ctfmember "$CTFLOW" daemon-show

refused_connect() {
	local what=$1; shift
	if tap_run as_user ctfother "$CTFLOW" "$@"; then
		not_ok "$what"
		diag "expected a refusal"
		tap_show_output "$@"
	elif [[ $err == *"connect: $sock: Permission denied"* ]]; then
		ok "$what"
	else
		not_ok "$what"
		tap_show_output "$@"
	fi
}
refused_connect "the non-member cannot connect to add a rule" add-rule 51 "$rule" drop
refused_connect "nor to dump the rules" dump-rules
refused_connect "nor for daemon-show" daemon-show
check_output "root still sees the member's rule, and only it" '^  rules: 1$' ctflow daemon-show
check "root deletes it" ctflow del-rule 50 "$rule"

# The read-only path, reachable only if an administrator widens the mode.
chmod 0666 "$sock"
check_output "widened to 0666: the non-member dumps the rules" '^default-action ' \
	as_user ctfother "$CTFLOW" dump-rules
check_output "and runs daemon-show" '^  rules: 0$' as_user ctfother "$CTFLOW" daemon-show
if tap_run as_user ctfother "$CTFLOW" add-rule 51 "$rule" drop; then
	not_ok "but its add-rule is refused"
	tap_show_output add-rule
elif [[ $err == *"permission denied: root or the socket's group may change ctflowd"* ]]; then
	ok "but its add-rule is refused"
else
	not_ok "but its add-rule is refused"
	tap_show_output add-rule
fi
check_fails "and so is its reload" as_user ctfother "$CTFLOW" reload
check "the member's add-rule works the same" as_user ctfmember "$CTFLOW" add-rule 52 "$rule" drop
logged() { grep -q "uid 4102: add-rule denied" "$work/log"; }
check "the refusal is logged with the uid" wait_until 10 logged

# A reload does not move the socket to another group.
sed -i 's/^control-group .*/control-group 4102/' "$conf"
check "root reloads with another control-group" ctflow reload
warned() { grep -q "control-group changed: takes effect at the next start" "$work/log"; }
check "the reload says the group changes at the next start" wait_until 10 warned

printf 'datapath %s\n\ncontrol-group ctf-no-such-group\n' "$dp" > "$work/bad.conf"
if tap_run "$CTFLOWD" -n -f "$work/bad.conf"; then
	not_ok "ctflowd -n refuses an unknown group, naming the line"
	tap_show_output ctflowd -n
elif [[ $err == *"bad.conf:3: "*"ctf-no-such-group"*"no such group"* ]]; then
	ok "ctflowd -n refuses an unknown group, naming the line"
else
	not_ok "ctflowd -n refuses an unknown group, naming the line"
	tap_show_output ctflowd -n
fi
