/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The classifier: which rule decides a packet, and which bits of the packet
 * that decision depended on (the megaflow mask).
 *
 * Keys are flat byte arrays of a fixed size (in ctflowd the body of struct
 * ctf_flow_key); a rule is a priority, a key and a mask, and matches a
 * packet P when (P & mask) == (key & mask). The rule with the highest
 * priority wins; among equal priorities the rule added first wins.
 *
 * Lookup cost does not grow with the number of rules:
 *
 *  - Tuple space search. Rules with the same mask form a subtable, a hash
 *    table keyed by the masked key; a lookup masks the packet once per
 *    subtable and probes. Subtables are visited in the order of the best
 *    rule they hold, and the walk stops at the first subtable that cannot
 *    hold a better rule than the one already found. Rules with identical
 *    mask and masked key share one entry (only the best can ever win).
 *
 *  - Staged lookup. The owner splits the key into stages (ctflowd: the
 *    always-exact fields, metadata, L2, L3, L4). Each subtable keeps, per
 *    stage, the set of hashes its rules have over the stages so far; a
 *    packet that is in no rule's set after stage s cannot match, and only
 *    the bits of stages 0..s go into the megaflow mask, not the whole mask.
 *
 *  - An index over the first stages (ctflowd: recirc_id, in_port,
 *    eth_type, conntrack metadata, L2 and L3 protocol fields). Most
 *    subtables of a real policy share these stages' masks; for each such
 *    shared stage prefix, a hash of the rules' values maps to the set of
 *    subtables (a bitmap) that hold a rule with them. One probe per
 *    distinct prefix tells every subtable whose rules cannot match, and
 *    the lookup visits only the others. The masks it returns are the same
 *    as a subtable-by-subtable walk would give.
 *
 *  - Prefix tracking. For the owner's prefix fields (IP addresses) a trie
 *    holds every prefix rules use; before a stage that holds such a field,
 *    a subtable whose prefix length the packet does not match is skipped,
 *    adding only the leading bits that told the packet apart from all those
 *    prefixes (trie.h). Likewise for transport ports: when a subtable's
 *    last stage fails, a trie of its rules' masked ports tells how many
 *    leading port bits suffice (udp(dst=64/0xfff0) instead of dst=77).
 *    Once a trie is walked, every subtable it rules out at its first
 *    stage after the index is dropped from the candidates at once, without
 *    a visit; their bits are added per trie at the end.
 *
 *  - For large policies: a filter in front of every table of 32 or more
 *    hashes (most probes miss, and the filter stays in the cache when the
 *    table does not), and tries walked several bits at a time (strides
 *    over complete levels, a table over the first bits).
 *
 * The megaflow mask W a lookup returns for packet P has this property:
 * every packet Q with (Q & W) == (P & W) gets the same decision as P.
 *
 * A classifier is built once (cls_add for every rule, then
 * cls_freeze) and is read-only afterwards: any number of threads may
 * look up in it without locking. To change the rules, build another.
 */
#ifndef CTFLOWD_CLS_H
#define CTFLOWD_CLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CTF_CLS_MAX_STAGES 8
#define CTF_CLS_MAX_TRIES 8
#define CTF_CLS_NONE SIZE_MAX

struct ctf_cls_field {
	uint16_t ofs;	/* bytes from the start of the key */
	uint16_t len;	/* bytes */
};

struct ctf_cls_layout {
	size_t key_size;		/* bytes, a multiple of 8 */
	unsigned n_stages;		/* 1..CTF_CLS_MAX_STAGES */
	const uint8_t *byte_stage;	/* key_size entries: the stage of each byte */
	/* Prefix-tracked fields (4 or 16 bytes each, within one stage). */
	const struct ctf_cls_field *tries;
	size_t n_tries;			/* 0..CTF_CLS_MAX_TRIES */
	/* Transport port pairs (4 bytes: source and destination, big-endian). */
	const struct ctf_cls_field *ports;
	size_t n_ports;
	/*
	 * Stages 0..n_indexed_stages-1 are indexed across subtables: a lookup
	 * hashes each distinct prefix of them once and learns which subtables
	 * hold a rule with the packet's values, instead of probing each
	 * subtable. Worth it for cheap, selective fields (metadata); stages
	 * with prefix fields are never indexed.
	 */
	unsigned n_indexed_stages;
};

struct ctf_cls;

/* A classifier with no rules. The layout is copied. */
struct ctf_cls *cls_new(const struct ctf_cls_layout *layout);
void cls_free(struct ctf_cls *cls);

/*
 * Add rule number cls_count() (rules are numbered from 0 in the order
 * they are added; that order breaks ties between equal priorities). @key
 * and @mask are key_size bytes; @key need not be masked. Returns 0, or
 * -EEXIST with *@dup set to the earlier rule with the same priority, mask
 * and masked key (the rule is not added). Only before cls_freeze().
 * @payload is the owner's, handed back by cls_lookup() for the packets
 * this rule decides.
 */
int cls_add(struct ctf_cls *cls, uint32_t priority, const void *key, const void *mask,
		void *payload, size_t *dup);
/* Done adding: the classifier is now read-only and ready for lookups. */
void cls_freeze(struct ctf_cls *cls);

/*
 * The number of the rule that decides @pkt, or CTF_CLS_NONE; its payload
 * (NULL if none) into *@payload unless @payload is NULL: read where the
 * lookup found the rule, one dependent load less for the owner than
 * going from the number to its own record. When @wc is not NULL, the bits
 * the decision depended on are OR-ed into it (zero it first, or pass bits
 * to keep). @pkt and @wc are key_size bytes, 8-aligned.
 */
size_t cls_lookup(const struct ctf_cls *cls, const void *pkt, void *wc, void **payload);

/* The rule with exactly this priority, mask and masked key, or CTF_CLS_NONE. */
size_t cls_find(const struct ctf_cls *cls, uint32_t priority, const void *key,
		    const void *mask);

size_t cls_count(const struct ctf_cls *cls);

struct ctf_cls_stats {
	size_t rules;
	size_t subtables;
	size_t entries;		/* distinct (mask, masked key) pairs */
	size_t trie_nodes;
	size_t index_parts;	/* stage prefixes the index decides */
	size_t filters;		/* tables with a filter in front (cls-private.h) */
	size_t trie_strides;	/* trie nodes left by a stride (trie.c) */
	size_t bytes;		/* heap memory, approximately */
};
void cls_stats(const struct ctf_cls *cls, struct ctf_cls_stats *st);

#endif
