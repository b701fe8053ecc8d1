/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The flows ctflowd installed, by UFID: which rule decided each one and when
 * it was installed. The upcall path adds, the revalidator removes; the
 * kernel stays the authority on what exists (a revalidation pass drops
 * entries whose flow it no longer reports).
 */
#ifndef CTFLOWD_FLOWTAB_H
#define CTFLOWD_FLOWTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctflow/flowtext.h"

struct flowtab_entry {
	struct ctf_ufid ufid;
	uint64_t rule_id;	/* 0: the default action */
	uint64_t installed_ms;
	uint64_t used_ms;	/* last use the kernel reported (0: none yet) */
	uint64_t seen_pass;	/* last revalidation pass that saw it in the kernel */
	bool used;		/* slot in use */
	bool tomb;		/* deleted slot (keeps probe chains intact) */
};

struct flowtab {
	struct flowtab_entry *slots;
	size_t n_slots;		/* power of two */
	size_t n;		/* live entries */
	size_t n_tomb;
};

void flowtab_init(struct flowtab *t);
void flowtab_destroy(struct flowtab *t);
struct flowtab_entry *flowtab_find(const struct flowtab *t, const struct ctf_ufid *ufid);
/* Insert (or return the existing entry for) @ufid. */
struct flowtab_entry *flowtab_insert(struct flowtab *t, const struct ctf_ufid *ufid);
void flowtab_remove(struct flowtab *t, struct flowtab_entry *e);
size_t flowtab_count(const struct flowtab *t);

/* Iterate: for (e = flowtab_next(t, NULL); e; e = flowtab_next(t, e)). Removal is safe. */
struct flowtab_entry *flowtab_next(const struct flowtab *t, struct flowtab_entry *prev);

#endif
