/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A flow dump read one receive buffer at a time, so that the revalidator
 * can stop between buffers and let the event loop run: the kernel keeps the
 * rest of a dump until it is asked for more (it fills the next buffer inside
 * each recvmsg), however long that takes. The dump has a netlink socket of
 * its own, since the daemon's other socket (deletes, lookups, the datapath
 * checks) is used meanwhile. A dump that fails or is abandoned takes its
 * socket along: closing it is how the rest of the dump is dropped.
 */
#ifndef CTFLOWD_REVALIDATE_DUMP_H
#define CTFLOWD_REVALIDATE_DUMP_H

#include "ctflow/nlsock.h"

struct flowdump;

struct flowdump *flowdump_new(void);
void flowdump_free(struct flowdump *dump);
/* Send @req (a generic netlink request; seq and flags are set here) as a dump. 0 or -errno. */
int flowdump_start(struct flowdump *dump, struct nlmsghdr *req);
/*
 * Read what one receive buffer holds and run @cb on every reply message.
 * Returns 1 while more is to come, -EAGAIN if nothing is waiting yet (more
 * is to come: step again later), 0 once the dump has ended, or another
 * -errno: the dump failed (the kernel's error, -EINTR when a change to the flow
 * table interrupted it, or a socket error) and is abandoned.
 */
int flowdump_step(struct flowdump *dump, ctf_nl_cb cb, void *arg);
/* Drop the running dump, if any. */
void flowdump_abort(struct flowdump *dump);

#endif
