// SPDX-License-Identifier: Apache-2.0
/*
 * The prefix trie (see trie.h). Values are held as 128-bit numbers whose
 * most significant bit is the first bit of the value, so that "the first
 * bit where two values differ" is a count of leading zeros of their XOR.
 */
#include <stdlib.h>
#include <string.h>

#include "ctflow/util.h"
#include "trie.h"

struct u128 {
	uint64_t hi, lo;
};

struct trie_node {
	struct u128 v;		/* the path from the root to the end of this node; later bits 0 */
	uint8_t len;		/* bits on that path: 1..128 */
	uint32_t n_here;	/* prefixes of exactly this length and value */
	struct trie_node *child[2];
};

static uint64_t be_load64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static struct u128 load(const struct trie *t, const void *value)
{
	const uint8_t *p = value;
	struct u128 v;

	if (t->width == 32) {
		v.hi = (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 | (uint64_t)p[2] << 40 |
		       (uint64_t)p[3] << 32;
		v.lo = 0;
	} else {
		v.hi = be_load64(p);
		v.lo = be_load64(p + 8);
	}
	return v;
}

/* @v with only its first @bits bits kept. */
static struct u128 keep(struct u128 v, unsigned bits)
{
	if (bits == 0)
		return (struct u128){ 0, 0 };
	if (bits < 64)
		return (struct u128){ v.hi & ~(UINT64_MAX >> bits), 0 };
	if (bits < 128)
		return (struct u128){ v.hi, v.lo & ~(UINT64_MAX >> (bits - 64)) };
	return v;
}

/* Index of the first bit where @a and @b differ, 128 if none. */
static unsigned first_diff(struct u128 a, struct u128 b)
{
	uint64_t x = a.hi ^ b.hi;

	if (x)
		return (unsigned)__builtin_clzll(x);
	x = a.lo ^ b.lo;
	return x ? 64 + (unsigned)__builtin_clzll(x) : 128;
}

static unsigned bit_at(struct u128 v, unsigned i)
{
	return i < 64 ? (unsigned)(v.hi >> (63 - i)) & 1 : (unsigned)(v.lo >> (127 - i)) & 1;
}

void trie_init(struct trie *t, unsigned width_bits)
{
	t->root = NULL;
	t->width = width_bits == 32 ? 32 : 128;
	t->n_nodes = 0;
}

static void free_node(struct trie_node *n)
{
	if (!n)
		return;
	free_node(n->child[0]);
	free_node(n->child[1]);
	free(n);
}

void trie_destroy(struct trie *t)
{
	free_node(t->root);
	t->root = NULL;
	t->n_nodes = 0;
}

static struct trie_node *new_node(struct trie *t, struct u128 v, unsigned len)
{
	struct trie_node *n = ctf_xzalloc(sizeof(*n));

	n->v = keep(v, len);
	n->len = (uint8_t)len;
	t->n_nodes++;
	return n;
}

void trie_insert(struct trie *t, const void *value, unsigned plen)
{
	struct trie_node **pp = &t->root;
	struct u128 v;

	if (plen == 0 || plen > t->width)
		return;
	v = keep(load(t, value), plen);
	while (*pp) {
		struct trie_node *n = *pp, *m;
		unsigned common = first_diff(v, n->v);

		if (common > n->len)
			common = n->len;
		if (common > plen)
			common = plen;
		if (common < n->len) {
			/* Split @n: a new node ends where the two paths part. */
			m = new_node(t, n->v, common);
			m->child[bit_at(n->v, common)] = n;
			if (plen == common) {
				m->n_here = 1;
			} else {
				struct trie_node *leaf = new_node(t, v, plen);

				leaf->n_here = 1;
				m->child[bit_at(v, common)] = leaf;
			}
			*pp = m;
			return;
		}
		if (plen == n->len) {
			n->n_here++;
			return;
		}
		pp = &n->child[bit_at(v, n->len)];
	}
	*pp = new_node(t, v, plen);
	(*pp)->n_here = 1;
}

unsigned trie_lookup(const struct trie *t, const void *value,
			 struct trie_plens *plens)
{
	const struct trie_node *n = t->root;
	struct u128 v;

	memset(plens, 0, sizeof(*plens));
	if (!n)
		return 0;
	v = load(t, value);
	for (;;) {
		unsigned diff = first_diff(v, n->v), b;
		const struct trie_node *next;

		/*
		 * Bits before the node's start agree by construction; a
		 * difference inside the node ends the walk there, and that
		 * bit is the last one looked at.
		 */
		if (diff < n->len)
			return diff + 1;
		if (n->n_here)
			plens->w[n->len / 64] |= UINT64_C(1) << (n->len % 64);
		if (n->len >= t->width)
			return t->width;
		b = bit_at(v, n->len);
		next = n->child[b];
		if (!next)
			/* Nothing longer this way: the next bit told us so, if there is another way. */
			return n->child[!b] ? n->len + 1u : n->len;
		n = next;
	}
}
