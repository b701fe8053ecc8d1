/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Capabilities ctflowd needs only while it starts. The systemd unit grants
 * CAP_CHOWN besides CAP_NET_ADMIN for one thing: giving the control socket to
 * its control-group (root without CAP_CHOWN may only chown a file to a group
 * it is a member of). Once the socket is set up the daemon gives it up, so
 * that it runs with CAP_NET_ADMIN alone.
 */
#ifndef CTFLOWD_PRIVDROP_H
#define CTFLOWD_PRIVDROP_H

/*
 * Drop CAP_CHOWN from the effective and permitted sets, and from the bounding
 * set when allowed to (that takes CAP_SETPCAP, which the unit does not grant).
 * Capabilities are per thread: call it before any thread is started. A
 * no-op when CAP_CHOWN is not held. Returns 0, or -errno when capset failed.
 */
int privdrop_chown(void);

#endif
