#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ctflow as installed: `make install` of this build (into the VM's
# throwaway root), then ctflowd started exactly as ctflowd(8) shows it, with
# no option at all: it reads the configuration from the compiled-in path,
# detaches, creates its socket directory and listens where ctflow(8) looks
# by default. The installed ctflow talks to it without CTFLOWD_SOCKET, the
# installed man pages name the paths the binaries use, --help and
# --version answer, and a bad configuration is reported on stderr by a
# daemon started without -d.
. "$(dirname "$0")/lib.sh"

plan 11

unset CTFLOWD_SOCKET
make -s -C "$top_builddir" install > "$tap_tmp/install.log" 2>&1 ||
	bail_out "make install failed: $(tail -n 5 "$tap_tmp/install.log")"
# What the build was configured with, as the installed files must say.
sbindir=$(sed -n 's/^sbindir = //p' "$top_builddir/Makefile")
bindir=$(sed -n 's/^bindir = //p' "$top_builddir/Makefile")
prefix=$(sed -n 's/^prefix = //p' "$top_builddir/Makefile")
sysconfdir=$(sed -n 's/^sysconfdir = //p' "$top_builddir/Makefile" | sed "s|\${prefix}|$prefix|")
mandir=$(sed -n 's/^mandir = //p' "$top_builddir/Makefile" | sed "s|\${datarootdir}|$prefix/share|")
sbindir=${sbindir//\$\{exec_prefix\}/$prefix}
bindir=${bindir//\$\{exec_prefix\}/$prefix}
CTFLOWD=$sbindir/ctflowd
CTFLOW=$bindir/ctflow
conf=$sysconfdir/ctflow/ctflowd.conf
sock=/run/ctflow/ctflowd.sock

check_output "ctflowd --version" '^ctflowd [0-9]+\.[0-9]+' "$CTFLOWD" --version
check_output "ctflowd --help names the default configuration" "--config FILE +configuration file \(default $conf\)" "$CTFLOWD" --help
check_output "the installed ctflowd(8) names the same file and socket" "$conf" \
	sh -c "man -l '$mandir/man8/ctflowd.8' 2>/dev/null | col -b | grep -F -e '$conf' -e '$sock'"

netns_ipv4_only c
netns_ipv4_only s
veth_pair i0 i1 c 10.6.0.1/24
veth_pair j0 j1 s 10.6.0.2/24
datapath_cleanup ctfi
at_exit rm -rf "$sysconfdir/ctflow" /run/ctflow
mkdir -p "$sysconfdir/ctflow"
cat > "$conf" <<'CONF'
datapath ctfi
port i0
port j0
rule 10 recirc_id(0),in_port(i0),eth_type(0x0806) j0
rule 10 recirc_id(0),in_port(j0),eth_type(0x0806) i0
rule 20 recirc_id(0),eth_type(0x0800),ct_state(-trk) ct(zone=3),recirc(1)
rule 30 recirc_id(1),in_port(i0),eth_type(0x0800),ct_state(+trk+new) ct(commit,zone=3),j0
rule 30 recirc_id(1),eth_type(0x0800),ct_state(+trk+est) drop
rule 31 recirc_id(1),in_port(i0),eth_type(0x0800),ct_state(+trk+est) j0
rule 31 recirc_id(1),in_port(j0),eth_type(0x0800),ct_state(+trk+est) i0
CONF
check_output "ctflowd -n checks the default file" '^configuration OK$' sh -c "'$CTFLOWD' -n 2>&1"

# Started as the man page shows it: no option; it detaches.
rm -rf /run/ctflow
check "ctflowd with no option starts and detaches" "$CTFLOWD"
at_exit pkill -x ctflowd
check "it listens on the default socket (its directory made)" wait_until 60 test -S "$sock"
check_output "the installed ctflow finds it without CTFLOWD_SOCKET" '^  rules: 7$' "$CTFLOW" daemon-show
check "traffic passes under it" in_ns c ping -c 2 -i 0.3 -W 5 10.6.0.2
check "SIGTERM stops it" sh -c 'pkill -x ctflowd; for i in $(seq 300); do pgrep -x ctflowd >/dev/null || exit 0; sleep 0.1; done; exit 1'

# A configuration error reaches the person who started it, not only syslog.
echo "frobnicate 1" >> "$conf"
tap_run "$CTFLOWD"
if [ "$tap_status" = 78 ] && has_line "^ctflowd: config: $conf:[0-9]+: unknown directive" "$err"; then
	ok "a bad configuration: exit 78 (CONFIG) and the reason on stderr"
else
	not_ok "a bad configuration: exit 78 (CONFIG) and the reason on stderr"
	tap_show_output "$CTFLOWD"
fi
check "and no daemon is left running" sh -c '! pgrep -x ctflowd'
