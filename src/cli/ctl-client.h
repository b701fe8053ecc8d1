/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The client side of ctflowd's control socket (ctflow/ctl.h), for the
 * commands of cmd-rules.c. $CTFLOWD_SOCKET overrides the socket path (the
 * daemon's -s). Every function prints what went wrong.
 */
#ifndef CTFLOW_CLI_CTL_CLIENT_H
#define CTFLOW_CLI_CTL_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "ctflow/ctl.h"

struct ctl_client {
	int fd;
	const char *path;
	uint32_t seq;
	unsigned char *buf;	/* one received message */
	size_t have;		/* bytes in buf (may hold the start of the next message) */
	size_t consumed;	/* length of the message returned last */
};

int ctl_connect(struct ctl_client *c);
void ctl_close(struct ctl_client *c);
/* Send one request made of a fixed part and up to two strings. 0 or -1. */
int ctl_send(struct ctl_client *c, uint32_t type, const void *fixed, size_t flen,
	     const char *s1, const char *s2);
/*
 * Receive the next message of our request into c->buf. Returns its length,
 * or -1 (connection closed, malformed framing).
 */
long ctl_recv(struct ctl_client *c, struct ctf_ctl_hdr *h);
/* Wait for the RESULT of an action; CLI_OK, or CLI_ERR with its message printed. */
int ctl_result(struct ctl_client *c, const char *what);
/* A show or dump refused: its RESULT (@n bytes in c->buf) printed; CLI_ERR. */
int ctl_refused(struct ctl_client *c, long n, const char *what);

#endif
