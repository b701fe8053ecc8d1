// SPDX-License-Identifier: Apache-2.0
/* Deleting the flows a revalidation pass doomed (see revalidate-delete.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/openvswitch.h>

#include "ctflow/nlsock.h"
#include "daemon.h"
#include "flowtab.h"
#include "log.h"
#include "revalidate-delete.h"
#include "revalidate-pace.h"
#include "upcall.h"

void doomlist_add(struct doomlist *l, const struct ctf_flow_info *f, bool expired)
{
	struct doomed *x;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = ctf_xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	x = &l->v[l->n++];
	memset(x, 0, sizeof(*x));
	x->expired = expired;
	x->has_ufid = f->has_ufid;
	x->ufid = f->ufid;
	if (!f->has_ufid && f->key_len) {
		x->key = ctf_xmalloc(f->key_len);
		memcpy(x->key, f->key, f->key_len);
		x->key_len = f->key_len;
	}
}

void doomlist_clear(struct doomlist *l)
{
	for (size_t j = 0; j < l->n; j++)
		free(l->v[j].key);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/*
 * The results of a batch of deletes for v[@first] up to v[@end]. False if
 * the datapath has gone meanwhile (the next pass finds out and starts
 * afresh): the rest of the list would only fail the same way.
 */
static bool count_deleted(struct doomlist *l, struct ctflowd *d, const struct ctf_nlbatch *batch,
			  size_t first, size_t end)
{
	struct flowtab *tab = upcall_flows(d->up);

	for (size_t j = first; j < end; j++) {
		struct doomed *x = &l->v[j];
		struct flowtab_entry *e = x->has_ufid ? flowtab_find(tab, &x->ufid) : NULL;
		int err = batch->results[j - first].error;

		if (err == -ENODEV)
			return false;
		if (err && err != -ENOENT) {
			log_warnx("revalidate: %s: delete flow: %s", d->cfg.datapath, strerror(-err));
			continue;
		}
		/*
		 * Already gone: ours to count only if it was still in the table.
		 * A dump may report a flow twice; its second delete finds
		 * nothing and must not count it again.
		 */
		if (err == -ENOENT && !e)
			continue;
		if (x->expired)
			d->st.flows_expired++;
		else
			d->st.flows_removed++;
		if (e)
			flowtab_remove(tab, e);
	}
	return true;
}

/* Fill @batch with deletes from v[@first] on and send it; returns the next index (n: stop). */
static size_t delete_batch(struct doomlist *l, struct ctflowd *d, struct ctf_nlbatch *batch,
			   uint16_t fam, size_t first)
{
	size_t i;

	ctf_nlbatch_reset(batch);
	for (i = first; i < l->n; i++) {
		struct doomed *x = &l->v[i];
		struct nlmsghdr *nlh = ctf_nlbatch_begin(batch, fam, OVS_FLOW_CMD_DEL,
							 OVS_FLOW_VERSION, 0, upcall_dp_ifindex(d->up));
		bool ok;

		if (!nlh)
			break;
		if (x->has_ufid)
			ok = mnl_attr_put_check(nlh, ctf_nlbatch_room(batch), OVS_FLOW_ATTR_UFID,
						sizeof(x->ufid.b), x->ufid.b) &&
			     mnl_attr_put_u32_check(nlh, ctf_nlbatch_room(batch), OVS_FLOW_ATTR_UFID_FLAGS,
						    OVS_UFID_F_OMIT_KEY | OVS_UFID_F_OMIT_MASK |
						    OVS_UFID_F_OMIT_ACTIONS);
		else
			ok = mnl_attr_put_check(nlh, ctf_nlbatch_room(batch), OVS_FLOW_ATTR_KEY,
						x->key_len, x->key);
		if (!ok) {
			ctf_nlbatch_cancel(batch);
			break;
		}
		ctf_nlbatch_end(batch);
	}
	if (i == first)
		return first + 1;	/* cannot even hold one: skip it rather than spin */
	ctf_nlsock_send_batch(upcall_ctl_sock(d->up), batch, 0, NULL, NULL);
	return count_deleted(l, d, batch, first, i) ? i : l->n;
}

bool doomlist_delete(struct doomlist *l, struct ctflowd *d, const struct rv_pace *pace)
{
	struct ctf_nlbatch batch;
	uint16_t fam;
	size_t i = l->next;

	if (i < l->n && !ctf_nlsock_family(upcall_ctl_sock(d->up), OVS_FLOW_FAMILY, &fam)) {
		ctf_nlbatch_init(&batch, 0, 0);
		do
			i = delete_batch(l, d, &batch, fam, i);
		while (i < l->n && !pace_step_over(pace, ctf_monotonic_ms()));
		ctf_nlbatch_free(&batch);
		l->next = i;
		if (i < l->n)
			return false;
	}
	doomlist_clear(l);
	return true;
}
