/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The flows a revalidation pass decided to delete (revalidate.c): listed
 * while the dump runs, deleted once it is over, a batch of requests at a
 * time, in as many of the pass's steps as that takes.
 */
#ifndef CTFLOWD_REVALIDATE_DELETE_H
#define CTFLOWD_REVALIDATE_DELETE_H

#include <stdbool.h>
#include <stddef.h>

#include "ctflow/flow.h"

struct ctflowd;
struct rv_pace;

struct doomed {
	bool has_ufid;
	struct ctf_ufid ufid;
	void *key;		/* when there is no UFID */
	size_t key_len;
	bool expired;		/* idle (else: the policy changed) */
};

struct doomlist {
	struct doomed *v;
	size_t n, cap;
	size_t next;		/* the first not deleted yet */
};

void doomlist_add(struct doomlist *l, const struct ctf_flow_info *f, bool expired);
/* Forget every flow listed (deleted or not). */
void doomlist_clear(struct doomlist *l);
/*
 * Delete the flows not deleted yet from @d's datapath, counting them in
 * d->st and dropping them from its flow table, until @pace's step has had
 * its slice. True once the list is done (and cleared).
 */
bool doomlist_delete(struct doomlist *l, struct ctflowd *d, const struct rv_pace *pace);

#endif
