/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A path-compressed binary trie of prefixes over values of up to 128 bits
 * (IPv4 and IPv6 addresses, a pair of transport ports), for the
 * classifier's prefix tracking (cls.h).
 *
 * A lookup answers two questions about a value V at once:
 *   - which prefix lengths have a prefix in the trie that V starts with
 *     (the "matched lengths"), and
 *   - how many leading bits of V decided that answer ("check bits"): every
 *     value that agrees with V on its first check-bits bits gets the same
 *     matched lengths, up to check bits.
 * So when no prefix of length L matches V, the bits a classifier must
 * examine to know that about every packet like V are the first
 * min(check bits, L) bits of V, not the whole field.
 *
 * Values are big-endian byte strings (network order), as they sit in a flow
 * key. The trie is built once and then only read, so concurrent lookups
 * need no locking.
 */
#ifndef CTFLOWD_TRIE_H
#define CTFLOWD_TRIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CTF_TRIE_MAX_BITS 128

struct trie_node;
struct trie_start;

#define TRIE_NONE UINT32_MAX

struct trie {
	struct trie_node *nodes;	/* trie.c */
	uint32_t root;			/* index, or TRIE_NONE */
	unsigned width;			/* bits: 32 or 128 */
	size_t n_nodes, cap;
	bool strided;			/* packed, nothing inserted since */
	size_t n_strides;		/* nodes a lookup leaves by a stride */
	struct trie_start *start;	/* by a value's first start_bits bits (trie.c), or NULL */
	unsigned start_bits;
};

/* Prefix lengths 0..128, one bit each. */
struct trie_plens {
	uint64_t w[3];
};

static inline bool trie_plens_has(const struct trie_plens *p, unsigned plen)
{
	return (p->w[plen / 64] >> (plen % 64)) & 1;
}

/* @width_bits: 32 or 128. */
void trie_init(struct trie *t, unsigned width_bits);
void trie_destroy(struct trie *t);
/* Add the prefix of @plen bits (1..width) of @value (width/8 bytes); again is harmless. */
void trie_insert(struct trie *t, const void *value, unsigned plen);
/* Done inserting (for now): lay the nodes out for lookups. */
void trie_pack(struct trie *t);
/* Heap memory the trie holds. */
size_t trie_bytes(const struct trie *t);
/* Matched lengths of @value into @plens; returns the check bits (0..width). */
unsigned trie_lookup(const struct trie *t, const void *value,
			 struct trie_plens *plens);

#endif
