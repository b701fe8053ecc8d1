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

/*
 * Nodes live in one array and name their children by index: a lookup
 * walks a dozen or more nodes for every packet, and once trie_pack() has
 * laid them out breadth-first the levels every walk goes through share
 * cache lines instead of being scattered over the heap.
 *
 * Strides (set by trie_pack): where the levels below a node are complete
 * for a few bits -- every path exists, none is compressed, no prefix ends
 * on the way, as under a block of consecutive subnets -- the walk takes
 * those bits at once. Breadth-first order keeps the nodes at the bottom
 * of such a block next to each other in the order of their bits, so the
 * next node is the first of them plus the bits.
 */
struct trie_node {
	struct u128 v;		/* the path from the root to the end of this node; later bits 0 */
	uint32_t child[2];	/* TRIE_NONE if absent */
	uint32_t jump;		/* with a stride: the first node stride levels down */
	uint8_t len;		/* bits on that path: 1..128 */
	uint8_t here;		/* a prefix of exactly this length and value */
	uint8_t stride;		/* 0, or 2..TRIE_MAX_STRIDE complete levels below */
};

#define TRIE_MAX_STRIDE 16u

/*
 * Where a walk stands after the value's first bits (set by trie_pack() for
 * tries of TRIE_START_MIN nodes or more). The first levels of a big trie
 * are a handful of nodes every lookup walks through, a dependent load and
 * a branch each; a table indexed by the first start_bits bits of the value
 * holds where each walk is once past them -- the node it goes on from, or
 * its answer if it ends before -- and the prefix lengths matched on the way.
 */
struct trie_start {
	uint32_t next;		/* node index, or TRIE_START_END | check bits */
	uint32_t plens;		/* bit l: a prefix of length l (at most start_bits) matched */
};

#define TRIE_START_END 0x80000000u
#define TRIE_START_MIN 64u
#define TRIE_START_MAX_BITS 16u

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
	/* (The mask keeps the shift defined for i = 128, which no caller passes.) */
	return i < 64 ? (unsigned)(v.hi >> (63 - i)) & 1 : (unsigned)(v.lo >> ((127 - i) & 63)) & 1;
}

/* The @k bits (2..TRIE_MAX_STRIDE) of @v from bit @i on, as a number. */
static unsigned bits_at(struct u128 v, unsigned i, unsigned k)
{
	if (i >= 64)
		return (unsigned)(v.lo << (i - 64) >> (64 - k));
	if (i + k <= 64)
		return (unsigned)(v.hi << i >> (64 - k));
	return (unsigned)(v.hi << i >> (64 - k) | v.lo >> (128 - i - k));
}

void trie_init(struct trie *t, unsigned width_bits)
{
	t->nodes = NULL;
	t->root = TRIE_NONE;
	t->width = width_bits == 32 ? 32 : 128;
	t->n_nodes = t->cap = 0;
	t->strided = false;
	t->n_strides = 0;
	t->start = NULL;
	t->start_bits = 0;
}

void trie_destroy(struct trie *t)
{
	free(t->nodes);
	free(t->start);
	trie_init(t, t->width);
}

/* A new node; it may move every other node (take no pointer across it). */
static uint32_t new_node(struct trie *t, struct u128 v, unsigned len)
{
	struct trie_node *n;

	if (t->n_nodes == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 8;
		t->nodes = ctf_xrealloc(t->nodes, t->cap * sizeof(*t->nodes));
	}
	n = &t->nodes[t->n_nodes];
	*n = (struct trie_node){ .v = keep(v, len), .len = (uint8_t)len,
				 .child = { TRIE_NONE, TRIE_NONE } };
	return (uint32_t)t->n_nodes++;
}

static void link_node(struct trie *t, uint32_t parent, unsigned side, uint32_t node)
{
	if (parent == TRIE_NONE)
		t->root = node;
	else
		t->nodes[parent].child[side] = node;
}

/* Forget what trie_pack() added for lookups: strides and the start table. */
static void drop_lookup_aids(struct trie *t)
{
	if (!t->strided)
		return;
	for (size_t i = 0; i < t->n_nodes; i++)
		t->nodes[i].stride = 0;
	t->strided = false;
	t->n_strides = 0;
	free(t->start);
	t->start = NULL;
	t->start_bits = 0;
}

void trie_insert(struct trie *t, const void *value, unsigned plen)
{
	uint32_t cur = t->root, parent = TRIE_NONE, leaf;
	unsigned side = 0;
	struct u128 v;

	if (plen == 0 || plen > t->width)
		return;
	/*
	 * The new prefix may break a complete block or change where walks
	 * stand: strides and the start table wait for the next pack.
	 */
	drop_lookup_aids(t);
	v = keep(load(t, value), plen);
	while (cur != TRIE_NONE) {
		struct trie_node *n = &t->nodes[cur];
		unsigned common = first_diff(v, n->v);

		if (common > n->len)
			common = n->len;
		if (common > plen)
			common = plen;
		if (common < n->len) {
			/* Split the node: a new one ends where the two paths part. */
			const struct u128 nv = n->v;
			uint32_t m = new_node(t, nv, common);

			t->nodes[m].child[bit_at(nv, common)] = cur;
			if (plen == common) {
				t->nodes[m].here = 1;
			} else {
				leaf = new_node(t, v, plen);
				t->nodes[leaf].here = 1;
				t->nodes[m].child[bit_at(v, common)] = leaf;
			}
			link_node(t, parent, side, m);
			return;
		}
		if (plen == n->len) {
			n->here = 1;
			return;
		}
		parent = cur;
		side = bit_at(v, n->len);
		cur = n->child[side];
	}
	leaf = new_node(t, v, plen);
	t->nodes[leaf].here = 1;
	link_node(t, parent, side, leaf);
}

/*
 * How many levels below each node are complete (see struct trie_node), in
 * a trie laid out breadth-first: children come after their parent, so one
 * pass from the last node to the first sees every child before its parent.
 */
static void set_strides(struct trie *t)
{
	uint8_t *depth = ctf_xzalloc(t->n_nodes);

	for (size_t i = t->n_nodes; i-- > 0;) {
		struct trie_node *n = &t->nodes[i];
		unsigned d = TRIE_MAX_STRIDE;

		for (unsigned b = 0; b < 2; b++) {
			const struct trie_node *c = n->child[b] != TRIE_NONE ? &t->nodes[n->child[b]] : NULL;

			if (!c || c->len != n->len + 1u) {
				d = 0;
				break;
			}
			/* A child can be passed over only if no prefix ends there. */
			if (c->here)
				d = 1;
			else if (depth[n->child[b]] + 1u < d)
				d = depth[n->child[b]] + 1u;
		}
		depth[i] = (uint8_t)d;
		if (d >= 2) {
			uint32_t first = (uint32_t)i;

			for (unsigned l = 0; l < d; l++)
				first = t->nodes[first].child[0];
			n->stride = (uint8_t)d;
			n->jump = first;
			t->n_strides++;
		}
	}
	free(depth);
	t->strided = true;
}

/*
 * The walk of every value whose first @k bits are @x, as far as those bits
 * decide it: the steps of trie_lookup(), stopped at the first node whose
 * own check or next branch needs a later bit.
 */
static struct trie_start start_entry(const struct trie *t, unsigned k, uint64_t x)
{
	const struct u128 v = { x << (64 - k), 0 };
	const struct trie_node *n = &t->nodes[t->root];
	struct trie_start e = { 0, 0 };

	for (;;) {
		unsigned diff = first_diff(v, n->v), b;

		if (diff < n->len && diff < k) {
			e.next = TRIE_START_END | (diff + 1);
			return e;
		}
		if (n->len >= k) {
			/* Its check needs later bits (or, at k, its branch does). */
			e.next = (uint32_t)(n - t->nodes);
			return e;
		}
		if (n->here)
			e.plens |= UINT32_C(1) << n->len;
		if (n->stride && n->len + n->stride <= k) {
			n = &t->nodes[n->jump + bits_at(v, n->len, n->stride)];
			continue;
		}
		b = bit_at(v, n->len);
		if (n->child[b] == TRIE_NONE) {
			e.next = TRIE_START_END | (n->child[!b] != TRIE_NONE ? n->len + 1u : n->len);
			return e;
		}
		n = &t->nodes[n->child[b]];
	}
}

/* The start table of a packed trie: about two entries per node, up to 2^16. */
static void set_start(struct trie *t)
{
	unsigned k = 1;

	if (t->n_nodes < TRIE_START_MIN)
		return;
	while (k < TRIE_START_MAX_BITS && (size_t)1 << k < 2 * t->n_nodes)
		k++;
	t->start = ctf_xmalloc(((size_t)1 << k) * sizeof(*t->start));
	t->start_bits = k;
	for (uint64_t x = 0; x < (UINT64_C(1) << k); x++)
		t->start[x] = start_entry(t, k, x);
}

void trie_pack(struct trie *t)
{
	uint32_t *order, *renumber, head = 0, tail = 0;
	struct trie_node *packed;

	if (!t->n_nodes)
		return;
	drop_lookup_aids(t);	/* packed before: made again below */
	order = ctf_xmalloc(t->n_nodes * sizeof(*order));
	renumber = ctf_xmalloc(t->n_nodes * sizeof(*renumber));
	order[tail++] = t->root;
	while (head < tail) {
		const struct trie_node *n = &t->nodes[order[head++]];

		for (unsigned b = 0; b < 2; b++)
			if (n->child[b] != TRIE_NONE)
				order[tail++] = n->child[b];
	}
	packed = ctf_xmalloc(t->n_nodes * sizeof(*packed));
	for (uint32_t i = 0; i < tail; i++)
		renumber[order[i]] = i;
	for (uint32_t i = 0; i < tail; i++) {
		packed[i] = t->nodes[order[i]];
		for (unsigned b = 0; b < 2; b++)
			if (packed[i].child[b] != TRIE_NONE)
				packed[i].child[b] = renumber[packed[i].child[b]];
	}
	free(t->nodes);
	free(order);
	free(renumber);
	t->nodes = packed;
	t->n_nodes = t->cap = tail;
	t->root = 0;
	set_strides(t);
	set_start(t);
}

size_t trie_bytes(const struct trie *t)
{
	return t->cap * sizeof(*t->nodes) +
	       (t->start ? ((size_t)1 << t->start_bits) * sizeof(*t->start) : 0);
}

unsigned trie_lookup(const struct trie *t, const void *value,
			 struct trie_plens *plens)
{
	const struct trie_node *n;
	struct u128 v;

	memset(plens, 0, sizeof(*plens));
	if (t->root == TRIE_NONE)
		return 0;
	n = &t->nodes[t->root];
	v = load(t, value);
	if (t->start) {
		const struct trie_start *e = &t->start[v.hi >> (64 - t->start_bits)];

		plens->w[0] = e->plens;
		if (e->next & TRIE_START_END)
			return e->next & ~TRIE_START_END;
		n = &t->nodes[e->next];
	}
	for (;;) {
		unsigned diff = first_diff(v, n->v), b;

		/*
		 * Bits before the node's start agree by construction; a
		 * difference inside the node ends the walk there, and that
		 * bit is the last one looked at.
		 */
		if (diff < n->len)
			return diff + 1;
		if (n->here)
			plens->w[n->len / 64] |= UINT64_C(1) << (n->len % 64);
		if (n->len >= t->width)
			return t->width;
		if (n->stride) {
			n = &t->nodes[n->jump + bits_at(v, n->len, n->stride)];
			continue;
		}
		b = bit_at(v, n->len);
		if (n->child[b] == TRIE_NONE)
			/* Nothing longer this way: the next bit told us so, if there is another way. */
			return n->child[!b] != TRIE_NONE ? n->len + 1u : n->len;
		n = &t->nodes[n->child[b]];
	}
}
