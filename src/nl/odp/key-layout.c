// SPDX-License-Identifier: Apache-2.0
/*
 * What the key attribute rows (key-attrs.c) say about struct ctf_flow_key,
 * turned into the forms its walkers want: the encoder's writing orders and
 * the classifier's byte -> stage map. Deriving them here, rather than
 * keeping lists beside the rows, is what makes a new attribute one row.
 */
#include <string.h>

#include "ctflow/match.h"
#include "odp/key-attrs.h"

struct ctf_key_enc_orders ctf_key_enc_orders;

/* Types of @table whose enc_order is in [@lo, @hi), by enc_order, into @out (CTF_ENC_END-terminated). */
static void build_order(const struct ctf_attr_table *table, unsigned int lo, unsigned int hi,
			uint8_t *out)
{
	size_t n = 0;

	for (unsigned int pos = lo; pos < hi; pos++)
		for (unsigned int t = 0; t <= table->max_type; t++)
			if (table->rows[t].name && table->rows[t].enc_order == pos)
				out[n++] = (uint8_t)t;
	out[n] = CTF_ENC_END;
}

__attribute__((constructor)) static void build_enc_orders(void)
{
	build_order(&ctf_key_table, CTF_ENC_OUTER(1), CTF_ENC_INNER(0), ctf_key_enc_orders.outer);
	build_order(&ctf_key_table, CTF_ENC_INNER(1), 256, ctf_key_enc_orders.inner);
	build_order(&ctf_tunnel_key_table, 1, 256, ctf_key_enc_orders.tunnel);
}

/* Mark the bytes of row @d with @stage (its address fields with CTF_KS_ADDR). */
static void mark_row(uint8_t *stage, const struct ctf_attr_desc *d, uint8_t st)
{
	size_t off = d->key_off - CTF_KEY_BODY_START;

	if (d->kind == CTF_AK_STRUCT) {
		/* Field by field: struct padding stays in the default stage. */
		for (unsigned int i = 0; i < d->n_fields; i++) {
			const struct ctf_field_desc *f = &d->fields[i];

			memset(stage + off + f->offset, f->addr ? CTF_KS_ADDR : st, f->size);
		}
		return;
	}
	memset(stage + off, st, d->key_size ? d->key_size : (size_t)(d->len > 0 ? d->len : 0));
}

void ctf_flow_key_stages(uint8_t stage[CTF_KEY_BODY_SIZE])
{
	memset(stage, CTF_KS_META, CTF_KEY_BODY_SIZE);
	for (unsigned int t = 1; t <= ctf_key_table.max_type; t++) {
		const struct ctf_attr_desc *d = &ctf_key_table.rows[t];
		const struct ctf_attr_table *sub = d->nested;

		if (!d->name)
			continue;
		if (d->key_off)
			mark_row(stage, d, d->stage);
		/* A nested row's bytes belong to its parent's stage (nsh(), tunnel()). */
		for (unsigned int s = 0; sub && sub != &ctf_key_table && s <= sub->max_type; s++)
			if (sub->rows[s].name && sub->rows[s].key_off)
				mark_row(stage, &sub->rows[s], d->stage);
	}
}
