/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by key-parse.c and key-format.c only. */
#ifndef CTFLOW_NL_KEY_INTERNAL_H
#define CTFLOW_NL_KEY_INTERNAL_H

#include <stdint.h>
#include <string.h>

#include "odp/key-attrs.h"

/* Tunnel flags as ovs-dpctl names them, in its print (bit) order. The "key"
 * flag is the presence of OVS_TUNNEL_KEY_ATTR_ID, the others are the
 * zero-length DONT_FRAGMENT / CSUM / OAM attributes. */
#define CTF_TNL_F_OAM  0x1u
#define CTF_TNL_F_DF   0x2u
#define CTF_TNL_F_CSUM 0x4u
#define CTF_TNL_F_KEY  0x8u
#define CTF_TNL_F_ALL  0xfu

/*
 * Field access, inline: the parser and the printers call these for every
 * numeric field of every flow.
 */
/* Largest value a field can hold (its bit width). */
static inline uint64_t ctf_field_max(const struct ctf_field_desc *fd)
{
	if (fd->bits)
		return (1ull << fd->bits) - 1;
	return fd->size >= 8 ? UINT64_MAX : (1ull << (8 * fd->size)) - 1;
}

/* The whole integer container of a field (host value). */
static inline uint64_t ctf_field_load_word(const uint8_t *p, const struct ctf_field_desc *fd)
{
	uint64_t v = 0;

	if (fd->host_order) {
		if (fd->size == 2) {
			uint16_t x;

			memcpy(&x, p, 2);
			return x;
		} else if (fd->size == 4) {
			uint32_t x;

			memcpy(&x, p, 4);
			return x;
		}
	}
	/* Network order: the common widths without the byte loop. */
	switch (fd->size) {
	case 1:
		return p[0];
	case 2:
		return (uint64_t)p[0] << 8 | p[1];
	case 4:
		return (uint64_t)p[0] << 24 | (uint64_t)p[1] << 16 | (uint64_t)p[2] << 8 | p[3];
	default:
		break;
	}
	for (unsigned int i = 0; i < fd->size && i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* A field's value from a payload (bit field extracted). */
static inline uint64_t ctf_field_get(const uint8_t *base, const struct ctf_field_desc *fd)
{
	uint64_t w = ctf_field_load_word(base + fd->offset, fd);

	return fd->bits ? (w >> fd->shift) & ctf_field_max(fd) : w;
}

#endif
