// SPDX-License-Identifier: Apache-2.0
/* nsh(...) of the flow key text: base and MD1 fields by their rows, md2= bytes. */
#include <string.h>

#include "odp/key-parse.h"

struct nsh_text {
	uint8_t bv[8], bm[8], cv[16], cm[16];
	uint8_t m2v[248], m2m[248];
	size_t m2len;
	bool have_md1;
};

/* md2=0x<hex bytes>, exact. */
static int nsh_md2(struct kp *kp, struct nsh_text *t)
{
	const char *h = kp->s, *e;

	if (h[0] != '0' || (h[1] != 'x' && h[1] != 'X'))
		return kp_bad(kp, h, "nsh(md2=): expected 0x<hex bytes>");
	h += 2;
	for (e = h; ctf_lex_hexval(*e) >= 0; e++)
		;
	if ((e - h) % 2 || e == h || (size_t)(e - h) / 2 > sizeof(t->m2v))
		return kp_bad(kp, kp->s, "nsh(md2=): expected an even number of hex digits");
	kp->s = h;
	ctf_lex_hex_bytes(&kp->s, NULL, "nsh(md2=)", t->m2v, sizeof(t->m2v), &t->m2len);
	memset(t->m2m, 0xff, t->m2len);
	return 0;
}

static int nsh_item(struct kp *kp, struct nsh_text *t)
{
	const struct ctf_attr_desc *base = ctf_attr_row(&ctf_nsh_key_table, OVS_NSH_KEY_ATTR_BASE);
	const struct ctf_attr_desc *md1 = ctf_attr_row(&ctf_nsh_key_table, OVS_NSH_KEY_ATTR_MD1);
	const struct ctf_field_desc *fd;
	const char *name;
	size_t len;
	int r;

	if ((r = kp_field_name(kp, "nsh", &name, &len)))
		return r;
	if (ctf_lex_name_eq("md2", name, len))
		return nsh_md2(kp, t);
	if ((fd = kp_find_field(base->fields, base->n_fields, name, len, 0)))
		return kp_field(kp, "nsh", fd, t->bv, t->bm);
	if ((fd = kp_find_field(md1->fields, md1->n_fields, name, len, 0))) {
		t->have_md1 = true;
		return kp_field(kp, "nsh", fd, t->cv, t->cm);
	}
	ctf_err_set(kp->err, "nsh(...): unknown field `%.*s'", (int)len, name);
	ctf_err_hint(kp->err, "nsh() takes: flags ttl mdtype np spi si c1 c2 c3 c4 md2");
	return -EINVAL;
}

int kp_nsh(struct kp *kp)
{
	struct nsh_text t = { .m2len = 0 };
	bool done = kp_close(kp);
	const char *start = kp->s;
	struct nlattr *nk, *nm;
	int r;

	while (!done) {
		if ((r = nsh_item(kp, &t)))
			return r;
		if ((r = kp_field_sep(kp, "nsh", &done)))
			return r;
	}
	if (!kp->mask && memchr(start, '/', (size_t)(kp->s - start)))
		return ctf_err_set(kp->err, "nsh(...): a /mask is not allowed here");
	if ((r = kp_nest_start(kp, kp->key, OVS_KEY_ATTR_NSH, &nk)) ||
	    (r = kp_nest_start(kp, kp->mask, OVS_KEY_ATTR_NSH, &nm)))
		return r;
	r = kp_emit(kp, OVS_NSH_KEY_ATTR_BASE, t.bv, t.bm, sizeof(t.bv));
	if (!r && t.have_md1)
		r = kp_emit(kp, OVS_NSH_KEY_ATTR_MD1, t.cv, t.cm, sizeof(t.cv));
	if (!r && t.m2len)
		r = kp_emit(kp, OVS_NSH_KEY_ATTR_MD2, t.m2v, t.m2m, t.m2len);
	if (r)
		return r;
	kp_nest_end(kp->key, nk);
	kp_nest_end(kp->mask, nm);
	return 0;
}
