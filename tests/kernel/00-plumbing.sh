#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The plumbing works end to end: the VM has the openvswitch module, ctflow
# creates, lists and deletes a datapath through the kernel's ovs_datapath
# family, and the kernel and Debian's ovs-dpctl (the peer) agree with it.

. "$(dirname "$0")/lib.sh"

plan 19

dp=ctfplumb0

# The harness itself: a real kernel with the datapath module, and the peer tool.
check "openvswitch module is loaded (/proc/modules, /sys/module)" module_loaded openvswitch
check "nf_conntrack module is loaded" module_loaded nf_conntrack
check_output "the peer ovs-dpctl runs" '^ovs-dpctl' ovs_dpctl --version
check "ctflow was built ($CTFLOW)" test -x "$CTFLOW"

# ctflow creates, lists and deletes; the kernel and the peer see each step.
datapath_cleanup "$dp"
check "ctflow add-dp $dp" ctflow add-dp "$dp"
check_output "ctflow dump-dps lists system@$dp" "^system@$dp\$" ctflow dump-dps
check "the kernel made the datapath's local port /sys/class/net/$dp" test -e "/sys/class/net/$dp"
check_output "ovs-dpctl show lists system@$dp" "^system@$dp:" ovs_dpctl show
check_output "ovs-dpctl show lists its local port" "port 0: $dp \(internal\)" ovs_dpctl show "$dp"
check_fails "ctflow add-dp $dp again is refused" ctflow add-dp "$dp"
check "ctflow del-dp $dp" ctflow del-dp "$dp"
check_no_output "ctflow dump-dps no longer lists it" "^system@$dp\$" ctflow dump-dps
check "the kernel removed /sys/class/net/$dp" test ! -e "/sys/class/net/$dp"
check_no_output "ovs-dpctl show no longer lists it" "^system@$dp:" ovs_dpctl show
check_fails "ctflow del-dp of a missing datapath fails with a message" ctflow del-dp "$dp"

# The other way round: what the peer creates, ctflow sees and can delete.
check "ovs-dpctl add-dp $dp" ovs_dpctl add-dp "$dp"
check_output "ctflow dump-dps lists the peer's datapath" "^system@$dp\$" ctflow dump-dps
check "ctflow del-dp deletes the peer's datapath" ctflow del-dp "$dp"
check_no_output "ovs-dpctl agrees it is gone" "^system@$dp\$" ovs_dpctl dump-dps
