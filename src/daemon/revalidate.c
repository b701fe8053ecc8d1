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
#include "rcu.h"
#include "revalidate-delete.h"
#include "revalidate-dump.h"
#include "revalidate-pace.h"
#include "revalidate.h"
#include "upcall.h"

#define PRESSURE_IDLE_MS 100u
/* Dump at least every this many intervals, even when no flow can have idled out. */
#define MAX_SKIPPED_DUMPS 10u
/*
 * The flow limit follows the time a pass works (its steps on the main
 * thread, revalidate-pace.h): the longer a pass, the later idle flows go,
 * and the more of the main thread it takes from the control socket,
 * reloads and signals. A pass over SLOW_PASS_MS divides the limit by its
 * length in seconds, one over BUSY_PASS_MS takes a quarter off, and a pass
 * under FAST_PASS_MS gives back LIMIT_STEP at a time, up to the configured
 * flow-limit and never below LIMIT_FLOOR (ovs-vswitchd's revalidators tune
 * their limit the same way).
 */
#define SLOW_PASS_MS 2000u
#define BUSY_PASS_MS 1300u
#define FAST_PASS_MS 1000u
#define LIMIT_STEP 1000u
#define LIMIT_FLOOR 1000u

/* What a pass checks besides idleness. */
enum pass_kind {
	PASS_IDLE,	/* UFIDs and stats only */
	PASS_CHANGE,	/* the flows a policy change can affect */
	PASS_FULL,	/* every flow, under the running policy */
};

/* Where a running pass is: its steps (see revalidate-pace.h). */
enum pass_phase {
	PHASE_DUMP,	/* reading the dump, deciding each flow */
	PHASE_DELETE,	/* deleting the doomed flows, a batch at a time */
};

struct revalidator {
	struct ctflowd *d;
	struct event *timer;	/* the next pass */
	struct event *step_ev;	/* the running pass's next step */
	struct rv_pace pace;
	struct flowdump *dump;
	enum pass_phase phase;
	uint64_t pass;
	bool need_full;		/* flows we did not install were seen */
	unsigned skipped;	/* idle passes skipped in a row */
	/* per pass */
	enum pass_kind kind;
	/*
	 * The change this pass took over at its start. Flows are decided under
	 * d->pol as it is at each step: a change made while the pass runs
	 * waits in d->pending for the next pass, which looks at every flow it
	 * can affect again, whatever this one decided.
	 */
	struct policy_change chg;
	uint64_t *removed;	/* chg.removed, sorted */
	struct ctf_flow_key *added_key, *added_mask;	/* chg.added, decoded */
	size_t n_added;
	uint64_t now, idle_ms;
	struct doomlist doomed;
	/* Flows not in the table during the dump: just installed, or not ours. */
	struct ctf_ufid *strangers;
	size_t n_strangers;
	size_t n_seen, n_adopted, n_checked;
	unsigned limit;		/* the flow limit in force (see SLOW_PASS_MS) */
	/* still_valid()'s encoding of a decision, reused for every flow it checks. */
	struct ctf_nlbuf enc_key, enc_mask;
};

static void arm(struct revalidator *rv, unsigned ms)
{
	struct timeval tv = { ms / 1000u, (ms % 1000u) * 1000 };

	evtimer_add(rv->timer, &tv);
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

/* Every bit @inner examines, @outer examines too (bodies only). */
static bool mask_within(const struct ctf_flow_key *inner, const struct ctf_flow_key *outer)
{
	const uint64_t *i = (const uint64_t *)((const char *)inner + CTF_KEY_BODY_START);
	const uint64_t *o = (const uint64_t *)((const char *)outer + CTF_KEY_BODY_START);

	for (size_t w = 0; w < (sizeof(*inner) - CTF_KEY_BODY_START) / 8; w++)
		if (i[w] & ~o[w])
			return false;
	return true;
}

/* The flow's key (masked) and mask, decoded; false if the kernel's streams do not decode. */
static bool decode_flow(const struct ctf_flow_info *f, struct ctf_flow_key *k,
			struct ctf_flow_key *m)
{
	if (ctf_flow_key_from_attrs(f->key, f->key_len, k, NULL))
		return false;
	if (f->mask_len) {
		if (ctf_flow_key_from_attrs(f->mask, f->mask_len, m, NULL))
			return false;
	} else {
		ctf_flow_key_mask_exact(m, k);
	}
	ctf_flow_key_mask_apply(k, k, m);
	return true;
}

/*
 * Does every packet the flow covers still get the flow's actions? Classify
 * the flow's own (masked) key: if the bits that decision examined all lie
 * within the flow's mask, every covered packet agrees with the key on them
 * and so gets the same decision. The decision's mask is normalised as it
 * would be installed (encode, decode), so that attributes the kernel leaves
 * out do not count. Returns the deciding rule's id in *@rule_id (0: the
 * default).
 */
static bool still_valid(struct revalidator *rv, const struct ctf_flow_info *f,
			const struct ctf_flow_key *k, const struct ctf_flow_key *m, uint64_t *rule_id)
{
	struct ctf_flow_key em;
	struct policy_decision dec;

	if (!f->has_actions)
		return false;
	policy_classify(rv->d->pol, k, &dec);
	*rule_id = dec.rule ? dec.rule->id : 0;
	if (ctf_flow_key_to_attrs(k, &dec.mask, &rv->enc_key, &rv->enc_mask) ||
	    ctf_flow_key_from_attrs(ctf_nlbuf_data(&rv->enc_mask), ctf_nlbuf_len(&rv->enc_mask),
				    &em, NULL))
		return false;
	return mask_within(&em, m) &&
	       same_actions(f->actions, f->actions_len, dec.actions, dec.actions_len);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static bool removed_rule(const struct revalidator *rv, uint64_t id)
{
	return rv->chg.n_removed &&
	       bsearch(&id, rv->removed, rv->chg.n_removed, sizeof(id), cmp_u64) != NULL;
}

/* May an added rule take packets this flow covers? */
static bool overlaps_added(const struct revalidator *rv, const struct ctf_flow_key *k,
			   const struct ctf_flow_key *m)
{
	for (size_t i = 0; i < rv->n_added; i++)
		if (policy_overlap(k, m, &rv->added_key[i], &rv->added_mask[i]))
			return true;
	return false;
}

/*
 * A change pass: only flows the change can affect are looked at. Flows of a
 * removed rule (or of a changed default action) go; flows an added rule
 * overlaps are checked under the running policy; all others stay.
 */
static bool change_dooms(struct revalidator *rv, const struct ctf_flow_info *f,
			 struct flowtab_entry *e)
{
	struct ctf_flow_key k, m;
	uint64_t rule_id;

	if (e && (removed_rule(rv, e->rule_id) || (rv->chg.deflt && e->rule_id == 0)))
		return true;
	if (!rv->n_added)
		return false;
	if (!decode_flow(f, &k, &m))
		return true;
	if (!overlaps_added(rv, &k, &m))
		return false;
	rv->n_checked++;
	if (!still_valid(rv, f, &k, &m, &rule_id))
		return true;
	if (e)
		e->rule_id = rule_id;
	return false;
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
	/* A long dump must not let the handlers' rings overflow meanwhile. */
	if (++rv->n_seen % 1024 == 0)
		upcall_absorb(rv->d->up);
	if (f.has_ufid)
		e = flowtab_find(tab, &f.ufid);
	if (rv->kind == PASS_FULL) {
		struct ctf_flow_key k, m;

		rv->n_checked++;
		if (!decode_flow(&f, &k, &m) || !still_valid(rv, &f, &k, &m, &rule_id)) {
			doomlist_add(&rv->doomed, &f, false);
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
		/*
		 * A handler may have installed it a moment ago (its record is
		 * on the way); if not, it is someone else's flow, or one from
		 * before a restart, to be decided by a full pass.
		 */
		if (f.has_ufid) {
			rv->strangers = ctf_xrealloc(rv->strangers, (rv->n_strangers + 1) *
						     sizeof(*rv->strangers));
			rv->strangers[rv->n_strangers++] = f.ufid;
		} else {
			rv->need_full = true;
		}
		return MNL_CB_OK;
	} else if (rv->kind == PASS_CHANGE && change_dooms(rv, &f, e)) {
		doomlist_add(&rv->doomed, &f, false);
		return MNL_CB_OK;
	}
	if (e) {
		e->seen_pass = rv->pass;
		if (f.used_ms > e->used_ms)
			e->used_ms = f.used_ms;
	}
	last = f.used_ms ? f.used_ms : (e ? e->installed_ms : rv->now);
	if (rv->now > last && rv->now - last > rv->idle_ms)
		doomlist_add(&rv->doomed, &f, true);
	return MNL_CB_OK;
}

/* A flow the table did not know: decide it alone, as a full pass would. */
static int stranger_cb(const struct ctf_flow_info *f, void *arg)
{
	struct revalidator *rv = arg;
	struct flowtab_entry *e;
	struct ctf_flow_key k, m;
	uint64_t rule_id = 0;

	if (!f->has_ufid || !decode_flow(f, &k, &m) || !still_valid(rv, f, &k, &m, &rule_id)) {
		doomlist_add(&rv->doomed, f, false);
		return 0;
	}
	e = flowtab_insert(upcall_flows(rv->d->up), &f->ufid);
	if (!e->installed_ms)
		e->installed_ms = rv->now;
	e->rule_id = rule_id;
	e->seen_pass = rv->pass;
	rv->n_adopted++;
	return 0;
}

#define MAX_STRANGERS_ONE_BY_ONE 256u

/*
 * The flows the dump showed that the table did not know. Most were
 * installed by a handler while the dump ran (their records arrive now);
 * the rest (another program's, an earlier run's, or ones a dump that raced
 * with the kernel's table resize made us forget) are fetched and decided
 * one by one, or by a full pass next time if there are many.
 */
static void resolve_strangers(struct revalidator *rv)
{
	struct flowtab *tab = upcall_flows(rv->d->up);
	struct ctf_nlsock *sock = upcall_ctl_sock(rv->d->up);
	size_t unknown = 0;

	upcall_absorb(rv->d->up);
	for (size_t i = 0; i < rv->n_strangers; i++) {
		struct flowtab_entry *e = flowtab_find(tab, &rv->strangers[i]);

		if (e)
			e->seen_pass = rv->pass;
		else
			rv->strangers[unknown++] = rv->strangers[i];
	}
	rv->n_strangers = 0;
	if (unknown > MAX_STRANGERS_ONE_BY_ONE) {
		rv->need_full = true;
		return;
	}
	for (size_t i = 0; i < unknown; i++) {
		struct ctf_flow_req req = { .ufid = &rv->strangers[i] };
		struct ctf_err nerr;
		int ret = ctf_flow_op(sock, upcall_dp_ifindex(rv->d->up), CTF_FLOW_GET, &req,
				      stranger_cb, rv, &nerr);

		if (ret && ret != -ENOENT)
			rv->need_full = true;	/* could not look: the full pass will */
	}
}

/* Send the dump request; the dump is read in steps (dump_slice). */
static int dump_start(struct revalidator *rv)
{
	struct upcall *up = rv->d->up;
	char buf[CTF_NL_SMALL_REQ];
	struct nlmsghdr *nlh;
	uint16_t fam;
	int ret = ctf_nlsock_family(upcall_ctl_sock(up), OVS_FLOW_FAMILY, &fam);

	if (ret)
		return ret;
	nlh = ctf_genl_req_init(buf, sizeof(buf), fam, OVS_FLOW_CMD_GET, OVS_FLOW_VERSION, 0,
				upcall_dp_ifindex(up));
	/* Keys, masks and actions only when a flow may have to be checked. */
	if (rv->kind == PASS_IDLE || (rv->kind == PASS_CHANGE && !rv->n_added))
		mnl_attr_put_u32(nlh, OVS_FLOW_ATTR_UFID_FLAGS, OVS_UFID_F_OMIT_KEY |
				 OVS_UFID_F_OMIT_MASK | OVS_UFID_F_OMIT_ACTIONS);
	return flowdump_start(rv->dump, nlh);
}

/* Read the dump until the step's slice is over: 1 while more is to come, 0 at its end, -errno. */
static int dump_slice(struct revalidator *rv)
{
	int ret;

	do
		ret = flowdump_step(rv->dump, dump_cb, rv);
	while (ret > 0 && !pace_step_over(&rv->pace, ctf_monotonic_ms()));
	return ret == -EAGAIN ? 1 : ret;
}

/* Entries the kernel did not report are gone (deleted by hand, or by the kernel). */
static void sweep_and_count(struct revalidator *rv)
{
	struct ctflowd *d = rv->d;
	struct flowtab *tab = upcall_flows(d->up);

	for (size_t i = 0; i < d->pol->n_rules; i++)
		d->pol->rules[i]->flows = 0;
	d->pol->deflt->flows = 0;
	for (struct flowtab_entry *e = flowtab_next(tab, NULL); e; e = flowtab_next(tab, e)) {
		struct policy_rule *r;

		/*
		 * Gone from the kernel: missed by two dumps in a row (one dump
		 * may miss flows while the kernel resizes its table) and not
		 * installed since this pass began.
		 */
		if (e->seen_pass + 1 < rv->pass && e->installed_ms < rv->now) {
			flowtab_remove(tab, e);
			continue;
		}
		r = e->rule_id ? policy_find_id(d->pol, e->rule_id) : d->pol->deflt;
		if (r)
			r->flows++;
	}
	d->st.flows_current = flowtab_count(tab);
}

/* Take the pending change over for this pass, decoded for the per-flow tests. */
static void begin_change(struct revalidator *rv)
{
	struct ctflowd *d = rv->d;

	policy_change_init(&rv->chg);
	policy_change_merge(&rv->chg, &d->pending);
	rv->kind = rv->chg.all || rv->need_full ? PASS_FULL : PASS_CHANGE;
	rv->need_full = false;
	rv->removed = rv->chg.removed;	/* sorted in place */
	if (rv->chg.n_removed > 1)
		qsort(rv->removed, rv->chg.n_removed, sizeof(*rv->removed), cmp_u64);
	rv->n_added = 0;
	if (rv->kind != PASS_CHANGE || !rv->chg.n_added)
		return;
	rv->added_key = ctf_xmalloc(rv->chg.n_added * sizeof(*rv->added_key));
	rv->added_mask = ctf_xmalloc(rv->chg.n_added * sizeof(*rv->added_mask));
	for (size_t i = 0; i < rv->chg.n_added; i++) {
		const struct conf_rule *t = &rv->chg.added[i]->text;

		if (policy_decode_match(ctf_nlbuf_data(&t->key), ctf_nlbuf_len(&t->key),
					    ctf_nlbuf_data(&t->mask), ctf_nlbuf_len(&t->mask),
					    &rv->added_key[rv->n_added], &rv->added_mask[rv->n_added],
					    NULL)) {
			/* Cannot happen for a rule in a policy; be safe and check everything. */
			rv->kind = PASS_FULL;
			break;
		}
		rv->n_added++;
	}
}

static void end_change(struct revalidator *rv)
{
	free(rv->added_key);
	free(rv->added_mask);
	rv->added_key = rv->added_mask = NULL;
	rv->n_added = 0;
	rv->removed = NULL;
	policy_change_free(&rv->chg);
}

/* A burst of upcall log lines that simply stopped still gets its summary. */
static void flush_suppressed(struct revalidator *rv)
{
	uint64_t suppressed = ratelimit_flush(&rv->d->upcall_log, rv->now);

	if (suppressed)
		log_info("upcall: %" PRIu64 " upcall messages suppressed", suppressed);
}

/*
 * Can a flow have been idle for idle_ms by now? If every flow was installed
 * or last seen used less than that ago, an idle pass has nothing to do but
 * notice flows deleted behind our back, which can wait a few intervals: at
 * the rate of new flows a busy datapath sees, that saves dumping the whole
 * table every interval.
 */
static bool may_have_idled(struct revalidator *rv)
{
	struct flowtab *tab = upcall_flows(rv->d->up);

	if (++rv->skipped >= MAX_SKIPPED_DUMPS)
		return true;
	for (struct flowtab_entry *e = flowtab_next(tab, NULL); e; e = flowtab_next(tab, e)) {
		uint64_t last = e->used_ms > e->installed_ms ? e->used_ms : e->installed_ms;

		if (rv->now > last && rv->now - last > rv->idle_ms)
			return true;
	}
	return false;
}

unsigned revalidate_next_limit(unsigned cur, unsigned max, uint64_t ms, size_t n_flows)
{
	uint64_t limit = cur;

	if (ms > SLOW_PASS_MS)
		limit /= ms / 1000u;
	else if (ms > BUSY_PASS_MS)
		limit = limit * 3u / 4u;
	else if (ms < FAST_PASS_MS && n_flows > 2 * LIMIT_FLOOR &&
		 limit < n_flows * 1000u / (ms ? ms : 1u))
		limit += LIMIT_STEP;
	if (limit < LIMIT_FLOOR)
		limit = LIMIT_FLOOR;
	return limit < max ? (unsigned)limit : max;
}

/* After a pass of @ms: the flow limit for the next one. */
static void adapt_limit(struct revalidator *rv, uint64_t ms)
{
	struct ctflowd *d = rv->d;
	unsigned limit = revalidate_next_limit(rv->limit, d->cfg.flow_limit, ms, rv->n_seen);

	if (limit == rv->limit)
		return;
	if (limit < rv->limit)
		log_info("revalidate: %s: a pass over %zu flows worked %" PRIu64 " ms: flow limit %u -> %u",
			 d->cfg.datapath, rv->n_seen, ms, rv->limit, limit);
	rv->limit = limit;
	upcall_set_flow_limit(d->up, limit);
}

/* The pass could not see every flow: forget what it decided, and try it all again. */
static void pass_failed(struct revalidator *rv, int ret)
{
	struct ctflowd *d = rv->d;

	log_warnx("revalidate: %s: flow dump: %s", d->cfg.datapath, strerror(-ret));
	/* Without a complete dump, sweeping would forget live flows. */
	flowdump_abort(rv->dump);
	doomlist_clear(&rv->doomed);
	rv->n_strangers = 0;
	if (rv->kind != PASS_IDLE) {
		/* Changes that came during the pass wait in d->pending too: both go to the next. */
		policy_change_merge(&d->pending, &rv->chg);
		rv->need_full |= rv->kind == PASS_FULL;
	}
	end_change(rv);
}

/* The pressure the flow count puts on this pass's idle timeout. */
static void set_idle_timeout(struct revalidator *rv)
{
	struct ctflowd *d = rv->d;
	size_t n = flowtab_count(upcall_flows(d->up));

	rv->idle_ms = (uint64_t)d->cfg.idle_timeout_s * 1000u;
	if (n <= rv->limit)
		return;
	rv->idle_ms = PRESSURE_IDLE_MS;
	log_warnx("revalidate: %s: %zu flows above the flow limit %u: idle timeout %u ms",
		  d->cfg.datapath, n, rv->limit, PRESSURE_IDLE_MS);
	if (n > 2 * (size_t)rv->limit) {
		log_warnx("revalidate: %s: more than twice the flow limit: deleting all flows",
			  d->cfg.datapath);
		rv->idle_ms = 0;
	}
}

/*
 * The first step of a pass, up to sending the dump request. Returns true if
 * the pass goes on; false with *@delay_ms until the next try if there is
 * nothing to do now.
 */
static bool pass_begin(struct revalidator *rv, unsigned *delay_ms)
{
	struct ctflowd *d = rv->d;
	int ret;

	*delay_ms = d->cfg.revalidate_ms;
	upcall_check_dispatch(d->up);
	upcall_check_ports(d->up);
	upcall_absorb(d->up);
	rv->now = ctf_monotonic_ms();
	rv->kind = PASS_IDLE;
	rv->n_seen = rv->n_adopted = rv->n_checked = 0;
	if (!policy_change_empty(&d->pending) || rv->need_full) {
		/*
		 * Once every handler has moved to the new policy, the flows the
		 * old one made are all in the kernel and in the flow table.
		 */
		if (!rcu_passed(d->rcu, d->pending_gen))
			return false;	/* the next interval looks again */
		upcall_absorb(d->up);
		begin_change(rv);
	}
	set_idle_timeout(rv);
	if (rv->kind == PASS_IDLE && !may_have_idled(rv)) {
		flush_suppressed(rv);
		return false;
	}
	rv->skipped = 0;
	rv->pass++;	/* only passes that dump count: the sweep waits for two */
	rv->phase = PHASE_DUMP;
	ret = dump_start(rv);
	if (ret) {
		pass_failed(rv, ret);
		return false;
	}
	return true;
}

/* The dump is complete: settle the flows it did not know, and end the change. */
static void dump_done(struct revalidator *rv)
{
	struct ctflowd *d = rv->d;

	resolve_strangers(rv);
	if (rv->kind != PASS_IDLE) {
		log_debug("revalidate: %s: %s pass: %zu flows, %zu checked, %zu adopted, %zu to delete, %" PRIu64 " ms",
			  d->cfg.datapath, rv->kind == PASS_FULL ? "full" : "change", rv->n_seen,
			  rv->n_checked, rv->n_adopted, rv->doomed.n,
			  rv->pace.busy_ms + ctf_monotonic_ms() - rv->pace.step_start);
		if (rv->n_adopted)
			log_info("revalidate: %s: adopted %zu flows from an earlier run",
				 d->cfg.datapath, rv->n_adopted);
	}
	end_change(rv);
	rv->phase = PHASE_DELETE;
}

enum step_result { STEP_MORE, STEP_DONE, STEP_FAILED };

/* One step of the running pass, about a slice long. */
static enum step_result pass_step(struct revalidator *rv)
{
	if (rv->phase == PHASE_DUMP) {
		int ret = dump_slice(rv);

		if (ret < 0) {
			pass_failed(rv, ret);
			return STEP_FAILED;
		}
		if (ret > 0)
			return STEP_MORE;
		dump_done(rv);
		if (pace_step_over(&rv->pace, ctf_monotonic_ms()))
			return STEP_MORE;
	}
	if (!doomlist_delete(&rv->doomed, rv->d, &rv->pace))
		return STEP_MORE;
	sweep_and_count(rv);
	flush_suppressed(rv);
	return STEP_DONE;
}

/*
 * The next step runs from the loop's next round, after the events that are
 * ready by then (a zero timeout, not event_active(): libevent runs events
 * activated from a callback in the same round, before it polls again).
 */
static void step_soon(struct revalidator *rv)
{
	struct timeval now = { 0, 0 };

	evtimer_add(rv->step_ev, &now);
}

static void on_step(evutil_socket_t fd, short what, void *arg)
{
	struct revalidator *rv = arg;
	enum step_result res;

	pace_step_begin(&rv->pace, ctf_monotonic_ms());
	res = pass_step(rv);
	pace_step_end(&rv->pace, ctf_monotonic_ms());
	if (res == STEP_MORE) {
		step_soon(rv);
		return;
	}
	/* The pass's cost is the time its steps worked (see revalidate-pace.h). */
	if (res == STEP_DONE)
		adapt_limit(rv, rv->pace.busy_ms);
	arm(rv, pace_end(&rv->pace, rv->d->cfg.revalidate_ms));
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct revalidator *rv = arg;
	unsigned delay_ms;
	bool started;

	pace_begin(&rv->pace);
	pace_step_begin(&rv->pace, ctf_monotonic_ms());
	started = pass_begin(rv, &delay_ms);
	pace_step_end(&rv->pace, ctf_monotonic_ms());
	if (started) {
		step_soon(rv);
		return;
	}
	pace_end(&rv->pace, 0);
	arm(rv, delay_ms);
}

void revalidate_run(struct revalidator *rv)
{
	if (!rv->pace.running) {
		evtimer_del(rv->timer);
		on_timer(-1, 0, rv);
	}
	while (rv->pace.running) {
		evtimer_del(rv->step_ev);
		on_step(-1, 0, rv);
	}
}

struct revalidator *revalidate_start(struct ctflowd *d)
{
	struct revalidator *rv = ctf_xzalloc(sizeof(*rv));

	rv->d = d;
	rv->need_full = true;	/* adopt or remove what an earlier run left */
	rv->limit = d->cfg.flow_limit;
	policy_change_init(&rv->chg);
	rv->dump = flowdump_new();
	/* Called for every flow a change pass checks: a key's bound, not a message's. */
	ctf_nlbuf_init(&rv->enc_key, CTF_FLOW_KEY_ATTRS_MAX);
	ctf_nlbuf_init(&rv->enc_mask, CTF_FLOW_KEY_ATTRS_MAX);
	rv->timer = evtimer_new(d->base, on_timer, rv);
	rv->step_ev = evtimer_new(d->base, on_step, rv);
	arm(rv, 0);
	return rv;
}

void revalidate_kick(struct revalidator *rv)
{
	if (!pace_kick(&rv->pace))
		return;	/* the pass after the running one comes at once */
	/* Let a burst of rule edits settle into one pass. */
	evtimer_del(rv->timer);
	arm(rv, PACE_KICK_MS);
}

void revalidate_configure(struct revalidator *rv)
{
	rv->limit = rv->d->cfg.flow_limit;	/* upcall_configure() set it too */
	if (rv->pace.running)
		return;	/* the new interval counts from the end of the running pass */
	evtimer_del(rv->timer);
	arm(rv, rv->d->cfg.revalidate_ms);
}

void revalidate_stop(struct revalidator *rv)
{
	if (!rv)
		return;
	event_free(rv->timer);
	event_free(rv->step_ev);
	flowdump_free(rv->dump);
	end_change(rv);		/* a pass stopped half-way holds its change */
	doomlist_clear(&rv->doomed);
	free(rv->strangers);
	ctf_nlbuf_free(&rv->enc_key);
	ctf_nlbuf_free(&rv->enc_mask);
	free(rv);
}

unsigned revalidate_flow_limit(const struct revalidator *rv)
{
	return rv->limit;
}
