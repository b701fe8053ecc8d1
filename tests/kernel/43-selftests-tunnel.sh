#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The Linux kernel's OVS selftests (tools/testing/selftests/net/openvswitch/
# openvswitch.sh), part 3: the tunnel tests, with ctflow in place of
# ovs-dpctl.py.
#
# - tunnel_metadata: a vxlan vport of the datapath receives packets from four
#   kernel vxlan devices in another namespace (each its own VNI, TTL, DF and
#   UDP checksum setting); the MISS upcall of each carries the tunnel
#   metadata the kernel extracted: tun_id, outer addresses, ttl, tp_dst and
#   the df/csum/key flags.
# - tunnel_refcount: for gre, vxlan and geneve, add-if with type= makes the
#   kernel create the tunnel device; del-dp removes it again.
#
# Deliberate differences from the upstream script:
# - the vxlan vport is an OVS tunnel vport (add-if NAME,type=vxlan, what
#   ovs-dpctl.py calls --no-lwt), not a kernel vxlan device in
#   collect-metadata mode attached as a netdev: that is what ctflow's add-if
#   makes, and the datapath extracts the same tunnel key either way;
# - the datapath uses the upcall dispatch ctflow add-dp negotiates (per-CPU
#   on this kernel) and the listener is ctflow upcall-listen;
# - show is also compared with Debian's ovs-dpctl for the tunnel ports (up to
#   the type: see port_line);
# - the DF flag is optional where the kernel may not extract it (before 6.10).
. "$(dirname "$0")/lib.sh"

plan 24

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ctflow-tun.XXXXXX")
at_exit rm -rf "$tmp"

have_module() { [ -d "/sys/module/$1" ] || modprobe -q "$1" 2>/dev/null; }
# A tunnel port's line up to its type: the options ovs-dpctl prints there come
# from Open vSwitch's own netdev defaults (`packet_type=ptap`, dst_port only
# when not the default), not from the kernel; ctflow prints the kernel's.
port_line() { "$@" 2>/dev/null | grep -E "^  port [0-9]+: $port_name " | sed -E 's/^ *//; s/^(.*\([a-z]+).*/\1/'; }

# --- tunnel_metadata -----------------------------------------------------------
dp=tdp0
datapath_cleanup "$dp"
netns_ipv4_only tns
veth_pair left0 l0 tns 172.31.110.1/24
ip addr add 172.31.110.2/24 dev left0
check "tunnel_metadata: add-dp" ctflow add-dp "$dp"
check "tunnel_metadata: add-if of a vxlan vport" ctflow add-if "$dp" ovs-vxlan0,type=vxlan
port_name=ovs-vxlan0
check_output "tunnel_metadata: show lists it with the kernel's UDP port" \
	'^  port 1: ovs-vxlan0 \(vxlan: dst_port=4789\)$' ctflow show "$dp"
check_eq "tunnel_metadata: ovs-dpctl show lists the same port number, name and type" \
	"$(port_line "$OVS_DPCTL" show "$dp")" "$(port_line "$CTFLOW" show "$dp")"
check "tunnel_metadata: the kernel made the vxlan device" test -d /sys/class/net/ovs-vxlan0

"$CTFLOW" upcall-listen "$dp" > "$tmp/upcalls" 2> "$tmp/upcalls.err" &
listener=$!
at_exit kill "$listener"
wait_until 60 grep -q "^listening for upcalls on $dp " "$tmp/upcalls" ||
	bail_out "upcall-listen did not start: $(cat "$tmp/upcalls.err")"

# NAME VNI TTL DF CSUM: a kernel vxlan device in tns towards the vport, with
# its own overlay subnet; an ARP request through it must reach us as a miss
# whose key holds exactly that device's tunnel metadata.
n=0
for dev in "vxlan100 1155332 32 set udpcsum" "vxlan101 1234567 45 unset noudpcsum" \
	   "vxlan102 1020304 23 set noudpcsum" "vxlan103 1357986 15 unset udpcsum"; do
	# shellcheck disable=SC2086 # one word per field
	set -- $dev
	name=$1 vni=$2 ttl=$3 df=$4 csum=$5
	in_ns tns ip link add "$name" type vxlan id "$vni" remote 172.31.110.2 dstport 4789 \
		ttl "$ttl" df "$df" "$csum" || bail_out "cannot create $name"
	in_ns tns ip addr add "10.42.$n.1/24" dev "$name"
	in_ns tns ip link set "$name" up
	# Kernels before 6.10 do not copy the outer header's DF bit into the
	# tunnel key on receive: with df set the flag may be missing, with df
	# unset it must be.
	flags=$([ "$df" = set ] && printf '(df\\|)?')$([ "$csum" = udpcsum ] && printf 'csum\\|')key
	want=$(printf 'tunnel\\(tun_id=0x%x,src=172\\.31\\.110\\.1,dst=172\\.31\\.110\\.2,ttl=%s,tp_src=[0-9]+,tp_dst=4789,flags\\(%s\\)\\),' \
		"$vni" "$ttl" "$flags")
	in_ns tns arping -I "$name" -c 1 -w 2 "10.42.$n.2" > /dev/null 2>&1
	if wait_until 60 grep -Eq "^MISS upcall: .*$want.*in_port\\(1\\),.*arp\\(sip=10\\.42\\.$n\\.1,tip=10\\.42\\.$n\\.2,op=1" "$tmp/upcalls"; then
		ok "tunnel_metadata: $name (vni $vni, ttl $ttl, df $df, $csum): the miss carries its tunnel key"
	else
		not_ok "tunnel_metadata: $name (vni $vni, ttl $ttl, df $df, $csum): the miss carries its tunnel key"
		diag "expected: MISS upcall: $want...arp(sip=10.42.$n.1,..."
		diag "$(grep '^MISS' "$tmp/upcalls" | tail -n 4)"
	fi
	n=$((n + 1))
done
kill -INT "$listener"
wait "$listener"
check_eq "tunnel_metadata: SIGINT stops the listener cleanly (exit 0)" 0 $?

# A flow on the tunnel key: the datapath matches it and counts the packets.
key='tunnel(tun_id=0x11a104,src=172.31.110.1,dst=172.31.110.2,ttl=0/0,flags(+key)),in_port(1),eth(),eth_type(0x0806),arp()'
check "tunnel_metadata: add-flow matching the tunnel key" ctflow add-flow "$dp" "$key" drop
in_ns tns arping -I vxlan100 -c 2 -w 3 10.42.0.2 > /dev/null 2>&1
hit() { has_line '^tunnel\(tun_id=0x11a104,.*packets:[1-9]' "$("$CTFLOW" dump-flows "$dp")"; }
if wait_until 30 hit; then ok "tunnel_metadata: the tunnel-keyed flow counts vxlan100's packets"; else
	not_ok "tunnel_metadata: the tunnel-keyed flow counts vxlan100's packets"; diag "$("$CTFLOW" dump-flows "$dp")"; fi
tap_run ovs_dpctl dump-flows "$dp"; peer=$(sed -E 's/used:[0-9.]+s/used:X/; s/packets:[0-9]+, bytes:[0-9]+/packets:N, bytes:N/' <<< "$out")
tap_run ctflow dump-flows "$dp"; mine=$(sed -E 's/used:[0-9.]+s/used:X/; s/packets:[0-9]+, bytes:[0-9]+/packets:N, bytes:N/' <<< "$out")
check_eq "tunnel_metadata: ovs-dpctl dumps the tunnel flow the same way" "$peer" "$mine"
check "tunnel_metadata: del-dp" ctflow del-dp "$dp"
gone() { [ ! -e /sys/class/net/ovs-vxlan0 ]; }
check "tunnel_metadata: the vxlan device went with the datapath" wait_until 30 gone

# --- tunnel_refcount -------------------------------------------------------------
for t in gre vxlan geneve; do
	if ! have_module "vport_$t"; then
		for c in "add-if" "show" "del-dp"; do
			skip "tunnel_refcount: $t: $c" "the kernel has no vport_$t module"
		done
		continue
	fi
	dp=dp-$t
	datapath_cleanup "$dp"
	port_name=ovs-${t}0
	ctflow add-dp "$dp" > /dev/null || bail_out "cannot create $dp"
	if ctflow add-if "$dp" "$port_name,type=$t" && [ -d "/sys/class/net/$port_name" ]; then
		ok "tunnel_refcount: $t: add-if makes the kernel's $port_name"
	else
		not_ok "tunnel_refcount: $t: add-if makes the kernel's $port_name"
	fi
	check_eq "tunnel_refcount: $t: ovs-dpctl show lists the same port number, name and type" \
		"$(port_line "$OVS_DPCTL" show "$dp")" "$(port_line "$CTFLOW" show "$dp")"
	ctflow del-dp "$dp"
	dev_gone() { [ ! -e "/sys/class/net/$port_name" ] && [ ! -e "/sys/class/net/$dp" ]; }
	check "tunnel_refcount: $t: del-dp removes the datapath and $port_name" wait_until 30 dev_gone
done
