/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by key-parse.c and key-format.c only. */
#ifndef CTFLOW_NL_KEY_INTERNAL_H
#define CTFLOW_NL_KEY_INTERNAL_H

#include <stdint.h>

#include "key-attrs.h"

/* Tunnel flags as ovs-dpctl names them, in its print (bit) order. The "key"
 * flag is the presence of OVS_TUNNEL_KEY_ATTR_ID, the others are the
 * zero-length DONT_FRAGMENT / CSUM / OAM attributes. */
#define CTF_TNL_F_OAM  0x1u
#define CTF_TNL_F_DF   0x2u
#define CTF_TNL_F_CSUM 0x4u
#define CTF_TNL_F_KEY  0x8u
#define CTF_TNL_F_ALL  0xfu

/* Largest value a field can hold (its bit width). */
uint64_t ctf_field_max(const struct ctf_field_desc *fd);
/* The whole integer container of a field (host value). */
uint64_t ctf_field_load_word(const uint8_t *p, const struct ctf_field_desc *fd);
/* A field's value from a payload (bit field extracted). */
uint64_t ctf_field_get(const uint8_t *base, const struct ctf_field_desc *fd);

#endif
