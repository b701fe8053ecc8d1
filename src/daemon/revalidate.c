// SPDX-License-Identifier: Apache-2.0
/* The revalidator (see revalidate.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <libmnl/libmnl.h>
#include <linux/openvswitch.h>

#include "ctflow/flow.h"
#include "ctflow/match.h"
#include "ctflow/nlsock.h"
#include "daemon.h"
#include "flowtab.h"
#include "log.h"
#include "revalidate.h"
#include "upcall.h"

#define PRESSURE_IDLE_MS 100u
#define KICK_DELAY_MS 10u

/* A flow to delete once the dump is over. */
struct doomed {
	bool has_ufid;
	struct ctf_ufid ufid;
	void *key;		/* when there is no UFID */
	size_t key_len;
	bool expired;		/* idle (else: the policy changed) */
};

struct revalidator {
	struct ctflowd *d;
	struct event *timer;
	uint64_t pass;
	uint64_t done_gen;	/* policy generation the last full pass checked */
	bool need_full;
	/* per pass */
	bool full;
	uint64_t now, idle_ms;
	struct doomed *doomed;
	size_t n_doomed;
	size_t n_seen, n_adopted;
};

static void arm(struct revalidator *rv, unsigned ms)
{
	struct timeval tv = { ms / 1000u, (ms % 1000u) * 1000 };

	evtimer_add(rv->timer, &tv);
}

static void doom(struct revalidator *rv, const struct ctf_flow_info *f, bool expired)
{
	struct doomed *x;

	rv->doomed = ctf_xrealloc(rv->doomed, (rv->n_doomed + 1) * sizeof(*rv->doomed));
	x = &rv->doomed[rv->n_doomed++];
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

static bool same_body(const struct ctf_flow_key *a, const struct ctf_flow_key *b)
{
	return !memcmp((const char *)a + CTF_KEY_BODY_START, (const char *)b + CTF_KEY_BODY_START,
		       sizeof(*a) - CTF_KEY_BODY_START);
}

static bool same_actions(const void *a, size_t alen, const void *b, size_t blen)
{
	struct ctf_str x, y;
	bool same;

	if (alen == blen && !memcmp(a, b, alen))
		return true;
	/* The kernel may re-encode actions (ct options order): compare as text. */
	ctf_str_init(&x);
	ctf_str_init(&y);
	ctf_actions_format(a, alen, NULL, 0, &x);
	ctf_actions_format(b, blen, NULL, 0, &y);
	same = !strcmp(ctf_str_cstr(&x), ctf_str_cstr(&y));
	ctf_str_free(&x);
	ctf_str_free(&y);
	return same;
}

/*
 * Would the current policy install exactly this flow? Compared on the
 * decoded key and mask, so that differences in how the kernel reports
 * wildcarded attributes do not matter. Returns the deciding rule's id in
 * *@rule_id (0 for the default).
 */
static bool still_valid(struct revalidator *rv, const struct ctf_flow_info *f, uint64_t *rule_id)
{
	struct ctf_flow_key k, m, ek, em;
	struct ctf_nlbuf kb, mb;
	struct ctf_decision dec;
	bool ok = false;

	if (!f->has_actions || ctf_flow_key_from_attrs(f->key, f->key_len, &k, NULL))
		return false;
	if (f->mask_len) {
		if (ctf_flow_key_from_attrs(f->mask, f->mask_len, &m, NULL))
			return false;
	} else {
		ctf_flow_key_mask_exact(&m, &k);
	}
	ctf_flow_key_mask_apply(&k, &k, &m);
	ctf_policy_classify(&rv->d->pol, &k, &dec);
	*rule_id = dec.rule ? dec.rule->id : 0;

	/* Normalise what we would install the same way: encode, then decode. */
	ctf_nlbuf_init(&kb, CTF_NLBUF_MAX);
	ctf_nlbuf_init(&mb, CTF_NLBUF_MAX);
	if (!ctf_flow_key_to_attrs(&k, &dec.mask, &kb, &mb) &&
	    !ctf_flow_key_from_attrs(ctf_nlbuf_data(&kb), ctf_nlbuf_len(&kb), &ek, NULL) &&
	    !ctf_flow_key_from_attrs(ctf_nlbuf_data(&mb), ctf_nlbuf_len(&mb), &em, NULL)) {
		ctf_flow_key_mask_apply(&ek, &ek, &em);
		ok = same_body(&em, &m) && same_body(&ek, &k) &&
		     same_actions(f->actions, f->actions_len, dec.actions, dec.actions_len);
	}
	ctf_nlbuf_free(&kb);
	ctf_nlbuf_free(&mb);
	return ok;
}

static int dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct revalidator *rv = arg;
	struct flowtab *tab = upcall_flows(rv->d->up);
	struct flowtab_entry *e = NULL;
	struct ctf_flow_info f;
	uint64_t last, rule_id = 0;

	if (ctf_flow_info_parse(nlh, &f))
		return MNL_CB_OK;
	rv->n_seen++;
	if (f.has_ufid)
		e = flowtab_find(tab, &f.ufid);
	if (rv->full) {
		if (!still_valid(rv, &f, &rule_id)) {
			doom(rv, &f, false);
			return MNL_CB_OK;
		}
		if (!e && f.has_ufid) {
			e = flowtab_insert(tab, &f.ufid);
			e->installed_ms = rv->now;
			rv->n_adopted++;
		}
		if (e)
			e->rule_id = rule_id;
	} else if (!e) {
		/* Someone else's flow, or one from before a restart: decide it next pass. */
		rv->need_full = true;
		return MNL_CB_OK;
	}
	if (e)
		e->seen_pass = rv->pass;
	last = f.used_ms ? f.used_ms : (e ? e->installed_ms : rv->now);
	if (rv->now > last && rv->now - last > rv->idle_ms)
		doom(rv, &f, true);
	return MNL_CB_OK;
}

static int dump_flows(struct revalidator *rv)
{
	struct upcall *up = rv->d->up;
	struct ctf_nlsock *sock = upcall_ctl_sock(up);
	char buf[CTF_NL_SMALL_REQ];
	struct nlmsghdr *nlh;
	uint16_t fam;
	int ret = ctf_nlsock_family(sock, OVS_FLOW_FAMILY, &fam);

	if (ret)
		return ret;
	nlh = ctf_genl_req_init(buf, sizeof(buf), fam, OVS_FLOW_CMD_GET, OVS_FLOW_VERSION, 0,
				upcall_dp_ifindex(up));
	if (!rv->full)
		mnl_attr_put_u32(nlh, OVS_FLOW_ATTR_UFID_FLAGS, OVS_UFID_F_OMIT_KEY |
				 OVS_UFID_F_OMIT_MASK | OVS_UFID_F_OMIT_ACTIONS);
	return ctf_nlsock_dump(sock, nlh, dump_cb, rv, NULL);
}

static void delete_doomed(struct revalidator *rv)
{
	struct ctflowd *d = rv->d;
	struct ctf_nlsock *sock = upcall_ctl_sock(d->up);
	struct flowtab *tab = upcall_flows(d->up);
	struct ctf_nlbatch batch;
	uint16_t fam;
	size_t i = 0;

	if (!rv->n_doomed || ctf_nlsock_family(sock, OVS_FLOW_FAMILY, &fam))
		return;
	ctf_nlbatch_init(&batch, 0, 0);
	while (i < rv->n_doomed) {
		size_t first = i;

		ctf_nlbatch_reset(&batch);
		for (; i < rv->n_doomed; i++) {
			struct doomed *x = &rv->doomed[i];
			struct nlmsghdr *nlh = ctf_nlbatch_begin(&batch, fam, OVS_FLOW_CMD_DEL,
								 OVS_FLOW_VERSION, 0,
								 upcall_dp_ifindex(d->up));
			bool ok;

			if (!nlh)
				break;
			if (x->has_ufid)
				ok = mnl_attr_put_check(nlh, ctf_nlbatch_room(&batch), OVS_FLOW_ATTR_UFID,
							sizeof(x->ufid.b), x->ufid.b) &&
				     mnl_attr_put_u32_check(nlh, ctf_nlbatch_room(&batch),
							    OVS_FLOW_ATTR_UFID_FLAGS,
							    OVS_UFID_F_OMIT_KEY | OVS_UFID_F_OMIT_MASK |
							    OVS_UFID_F_OMIT_ACTIONS);
			else
				ok = mnl_attr_put_check(nlh, ctf_nlbatch_room(&batch), OVS_FLOW_ATTR_KEY,
							x->key_len, x->key);
			if (!ok) {
				ctf_nlbatch_cancel(&batch);
				break;
			}
			ctf_nlbatch_end(&batch);
		}
		if (i == first) {
			i++;	/* cannot even hold one: skip it rather than spin */
			continue;
		}
		ctf_nlsock_send_batch(sock, &batch, 0, NULL, NULL);
		for (size_t j = first; j < i; j++) {
			struct doomed *x = &rv->doomed[j];
			struct flowtab_entry *e = x->has_ufid ? flowtab_find(tab, &x->ufid) : NULL;
			int err = batch.results[j - first].error;

			if (err && err != -ENOENT) {
				log_warnx("revalidate: %s: delete flow: %s", d->cfg.datapath,
					  strerror(-err));
				continue;
			}
			if (x->expired)
				d->st.flows_expired++;
			else
				d->st.flows_removed++;
			if (e)
				flowtab_remove(tab, e);
		}
	}
	ctf_nlbatch_free(&batch);
	for (size_t j = 0; j < rv->n_doomed; j++)
		free(rv->doomed[j].key);
	free(rv->doomed);
	rv->doomed = NULL;
	rv->n_doomed = 0;
}

/* Entries the kernel did not report are gone (deleted by hand, or by the kernel). */
static void sweep_and_count(struct revalidator *rv)
{
	struct ctflowd *d = rv->d;
	struct flowtab *tab = upcall_flows(d->up);

	for (size_t i = 0; i < d->pol.n_rules; i++)
		d->pol.rules[i]->flows = 0;
	d->pol.default_flows = 0;
	for (struct flowtab_entry *e = flowtab_next(tab, NULL); e; e = flowtab_next(tab, e)) {
		struct ctf_policy_rule *r;

		if (e->seen_pass != rv->pass) {
			flowtab_remove(tab, e);
			continue;
		}
		r = e->rule_id ? ctf_policy_find_id(&d->pol, e->rule_id) : NULL;
		if (r)
			r->flows++;
		else
			d->pol.default_flows++;
	}
	d->st.flows_current = flowtab_count(tab);
}

void revalidator_run(struct revalidator *rv)
{
	struct ctflowd *d = rv->d;
	struct flowtab *tab = upcall_flows(d->up);
	size_t n = flowtab_count(tab);
	uint64_t suppressed;
	int ret;

	upcall_check_dispatch(d->up);
	rv->pass++;
	rv->now = ctf_monotonic_ms();
	rv->full = rv->need_full || rv->done_gen != d->policy_gen;
	rv->need_full = false;
	rv->idle_ms = (uint64_t)d->cfg.idle_timeout_s * 1000u;
	rv->n_seen = rv->n_adopted = 0;
	if (n > d->cfg.flow_limit) {
		rv->idle_ms = PRESSURE_IDLE_MS;
		log_warnx("revalidate: %s: %zu flows above the flow limit %u: idle timeout %u ms",
			  d->cfg.datapath, n, d->cfg.flow_limit, PRESSURE_IDLE_MS);
		if (n > 2 * (size_t)d->cfg.flow_limit) {
			log_warnx("revalidate: %s: more than twice the flow limit: deleting all flows",
				  d->cfg.datapath);
			rv->idle_ms = 0;
		}
	}
	ret = dump_flows(rv);
	if (ret) {
		log_warnx("revalidate: %s: flow dump: %s", d->cfg.datapath, strerror(-ret));
		/* Without a complete dump, sweeping would forget live flows. */
		for (size_t j = 0; j < rv->n_doomed; j++)
			free(rv->doomed[j].key);
		rv->n_doomed = 0;
		return;
	}
	if (rv->full) {
		rv->done_gen = d->policy_gen;
		log_debug("revalidate: %s: full pass: %zu flows, %zu adopted, %zu to delete",
			  d->cfg.datapath, rv->n_seen, rv->n_adopted, rv->n_doomed);
		if (rv->n_adopted)
			log_info("revalidate: %s: adopted %zu flows from an earlier run",
				 d->cfg.datapath, rv->n_adopted);
	}
	delete_doomed(rv);
	sweep_and_count(rv);
	suppressed = ctf_ratelimit_flush(&d->upcall_log, rv->now);
	if (suppressed)
		log_info("upcall: %" PRIu64 " upcall messages suppressed", suppressed);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct revalidator *rv = arg;

	revalidator_run(rv);
	arm(rv, rv->d->cfg.revalidate_ms);
}

struct revalidator *revalidator_start(struct ctflowd *d)
{
	struct revalidator *rv = ctf_xzalloc(sizeof(*rv));

	rv->d = d;
	rv->need_full = true;	/* adopt or remove what an earlier run left */
	rv->timer = evtimer_new(d->base, on_timer, rv);
	arm(rv, 0);
	return rv;
}

void revalidator_kick(struct revalidator *rv)
{
	/* Let a burst of rule edits settle into one pass. */
	evtimer_del(rv->timer);
	arm(rv, KICK_DELAY_MS);
}

void revalidator_configure(struct revalidator *rv)
{
	evtimer_del(rv->timer);
	arm(rv, rv->d->cfg.revalidate_ms);
}

void revalidator_stop(struct revalidator *rv)
{
	if (!rv)
		return;
	event_free(rv->timer);
	free(rv->doomed);
	free(rv);
}
