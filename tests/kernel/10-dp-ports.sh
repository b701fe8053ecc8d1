#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Datapaths and ports against the real kernel, side by side with Debian's
# ovs-dpctl: what one makes the other shows identically (show, show -s,
# dump-dps), ctflow's extra show lines and --json, and the error cases with
# their exit statuses (1 = the operation failed, 2 = bad command line).
. "$(dirname "$0")/lib.sh"

plan 46

# No IPv6 autoconfiguration chatter: port counters must only move when we
# send something, or the two tools would read different numbers.
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1

# ctflow's show minus the lines it adds after ovs-dpctl's.
ovs_lines() {
	local line
	while IFS= read -r line; do
		case $line in
		'  upcall dispatch: '* | '  features: '* | '  kernel features: '*) ;;
		*) printf '%s\n' "$line" ;;
		esac
	done <<< "$1"
}

# same_show DESC ARGS...: `ctflow ARGS` prints exactly ovs-dpctl's lines.
same_show() {
	local desc=$1 mine theirs; shift
	tap_run ctflow "$@"
	mine=$(ovs_lines "$out")
	tap_run ovs_dpctl "$@"
	theirs=$out
	check_eq "$desc" "$theirs" "$mine"
}

# check_exit DESC STATUS REGEX CMD...: CMD exits with STATUS and says REGEX on stderr.
check_exit() {
	local desc=$1 want=$2 re=$3; shift 3
	tap_run "$@"
	if [ "$tap_status" = "$want" ] && has_line "$re" "$err" && has_line '^ctflow: ' "$err"; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "expected exit status $want and stderr matching: $re"
		tap_show_output "$@"
	fi
}

sorted() { printf '%s\n' "$1" | sort; }

veth_pair a0 a1
veth_pair b0 b1
veth_pair c0 c1
veth_pair d0 d1
datapath_cleanup t0
datapath_cleanup o1
datapath_cleanup t2

# --- made by ctflow, seen by ovs-dpctl --------------------------------------
check "ctflow add-dp t0" ctflow add-dp t0
check_output "ovs-dpctl dump-dps lists it" '^system@t0$' ovs_dpctl dump-dps
same_show "show of an empty datapath matches ovs-dpctl" show
check "ctflow add-if: netdev, internal and a chosen port number" \
	ctflow add-if t0 a0 i1,type=internal b0,port_no=7
check_output "ovs-dpctl sees port 7" '^  port 7: b0$' ovs_dpctl show t0
check_output "ovs-dpctl sees the internal port" '^  port 2: i1 \(internal\)$' ovs_dpctl show t0
same_show "show t0 matches ovs-dpctl" show t0
same_show "show system@t0 matches ovs-dpctl" show system@t0

# A miss through a0 moves the lookup and port counters.
ip link set t0 up
# Nobody answers for 192.0.2.99: the kernel's neighbour code keeps sending
# ARP requests (one a second, three in all) after ping has given up, and
# each moves the counters. Return only once it has given up too (the entry
# is FAILED, or gone), so that the two tools read the same numbers.
arp_given_up() {
	local s
	s=$(ip neigh show dev a1 to 192.0.2.99)
	[ -z "$s" ] || [[ $s == *FAILED* ]]
}
send_misses() {
	ip neigh flush dev a1 >/dev/null 2>&1
	ping -c 2 -W 1 -I a1 192.0.2.99 >/dev/null 2>&1
	wait_until 60 arp_given_up || diag "ARP for 192.0.2.99 still retrying: $(ip neigh show dev a1)"
}
send_misses
same_show "show -s matches ovs-dpctl after traffic" show -s t0
# With a flow, lookups hit and the masks cache starts counting: the "cache:" line.
check "ovs-dpctl add-flow: a0's ARP out of b0" \
	ovs_dpctl add-flow t0 'in_port(1),eth(),eth_type(0x0806),arp()' 7
send_misses
check_output "flow hits fill the masks cache" '^  cache: hit:[1-9][0-9]* hit-rate:' ctflow show t0
same_show "show -s with hits and the cache line matches ovs-dpctl" show -s t0
check_output "the misses and the hits were counted" '^  lookups: hit:[1-9][0-9]* missed:[1-9][0-9]* lost:[1-9]' ctflow show t0
check_output "show says the upcall dispatch mode" '^  upcall dispatch: (per-cpu|per-vport)$' ctflow show t0
check_output "show lists the datapath's features" '^  features: unaligned' ctflow show t0
check_output "show lists what the kernel supports" '^  kernel features: .*masks-cache' ctflow show t0

# --json: valid JSON with the documented members.
tap_run ctflow show --json t0
if printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
dp = d["datapaths"][0]
assert dp["name"] == "t0" and dp["type"] == "system"
assert dp["lookups"]["missed"] >= 1 and "flows" in dp and "masks" in dp
assert dp["upcall_dispatch"] in ("per-cpu", "per-vport")
ports = {p["port_no"]: p for p in dp["ports"]}
assert ports[0]["type"] == "internal" and ports[1]["name"] == "a0"
assert ports[1]["type"] == "netdev" and ports[7]["name"] == "b0"
assert ports[1]["stats"]["rx_packets"] >= 1
assert isinstance(d["kernel_features"]["per_cpu_dispatch"], bool)
'; then ok "show --json has the documented schema"; else not_ok "show --json has the documented schema"; diag "$out"; fi
tap_run ctflow dump-dps --json
if printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert [x["name"] for x in d["datapaths"]] == ["t0"]
assert d["datapaths"][0]["dp_ifindex"] > 0
'; then ok "dump-dps --json"; else not_ok "dump-dps --json"; diag "$out"; fi

# --- made by ovs-dpctl, seen by ctflow --------------------------------------
check "ovs-dpctl add-dp o1 c0" ovs_dpctl add-dp o1 c0
tap_run ctflow dump-dps; mine=$(sorted "$out")
tap_run ovs_dpctl dump-dps; theirs=$(sorted "$out")
check_eq "dump-dps lists the same datapaths as ovs-dpctl" "$theirs" "$mine"
same_show "show o1 (made by ovs-dpctl) matches" show o1
same_show "show of all datapaths matches, datapath by datapath" show t0 o1
check "ovs-dpctl add-if o1 i2,type=internal" ovs_dpctl add-if o1 i2,type=internal
check_output "ctflow sees the port ovs-dpctl added" '^  port 2: i2 \(internal\)$' ctflow show o1

# --- deletions, both ways ---------------------------------------------------
check "ctflow del-if t0 a0" ctflow del-if t0 a0
check_no_output "ovs-dpctl no longer lists a0" ': a0$' ovs_dpctl show t0
check "ovs-dpctl del-if t0 i1" ovs_dpctl del-if t0 i1
check_no_output "ctflow no longer lists i1" ': i1 ' ctflow show t0
check "ctflow del-if by port number" ctflow del-if t0 7
check "ctflow del-dp o1 (made by ovs-dpctl)" ctflow del-dp o1
check_no_output "ovs-dpctl no longer lists o1" 'o1' ovs_dpctl dump-dps
check "ctflow add-dp with interfaces" ctflow add-dp system@t2 d0
check_output "its interface is port 1" '^  port 1: d0$' ovs_dpctl show t2

# --- errors: a clear message and the right exit status ----------------------
check_exit "show of an unknown datapath" 1 'cannot show datapath nope: no datapath named nope' \
	ctflow show nope
check_exit "a userspace datapath type is refused" 1 "datapath type .netdev' is not supported" \
	ctflow show netdev@t0
check_exit "del-if of an unknown port" 1 'no port named zz9' ctflow del-if t0 zz9
check_exit "del-if on an unknown datapath" 1 'no datapath named nope' ctflow del-if nope a0
check_exit "add-dp of an existing datapath" 1 'datapath t0 already exists' ctflow add-dp t0
check_exit "add-if of a missing device" 1 'zz9: no such network device' ctflow add-if t0 zz9
check_exit "add-if of a port number out of range" 2 'invalid port number' \
	ctflow add-if t0 a0,port_no=65535
check_exit "set-if cannot change the type" 1 "can't change type from netdev to internal" \
	ctflow set-if t2 d0,type=internal
check_exit "del-dp of an unknown datapath" 1 'no datapath named nope' ctflow del-dp nope
check_exit "too few arguments is a usage error" 2 "requires at least 2 arguments" ctflow add-if t0
# Without CAP_NET_ADMIN: reading works, changing says what is missing.
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$CTFLOW" "$@"; }
check_output "show works without privileges" '^system@t0:$' as_nobody show t0
check_exit "add-dp without privileges" 1 'operation not permitted \(hint: needs CAP_NET_ADMIN' \
	as_nobody add-dp t9

# --- nothing left -------------------------------------------------------------
ctflow del-dp t0 && ctflow del-dp t2
tap_run ctflow show
check_eq "show with no datapaths prints nothing and succeeds" "0:" "$tap_status:$out"
