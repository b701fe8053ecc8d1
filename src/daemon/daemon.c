// SPDX-License-Identifier: Apache-2.0
/*
 * ctflowd's state changes (configuration, reload, rule edits) and the
 * control requests that drive them. The netlink side lives in upcall.c and
 * revalidate.c; this file only decides and bookkeeps.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "ctflow/flow.h"
#include "control.h"
#include "daemon.h"
#include "log.h"
#include "notify.h"
#include "rcu.h"
#include "revalidate.h"
#include "upcall.h"

const char *daemon_mode(const struct ctflowd *d)
{
	return d->up ? upcall_mode(d->up) : "none";
}

/* ---- the policy's life -------------------------------------------------------- */

#define RECLAIM_MS 20u

static void free_policy(void *arg)
{
	policy_free(arg);
}

static void on_reclaim(evutil_socket_t fd, short what, void *arg)
{
	struct ctflowd *d = arg;
	struct timeval tv = { 0, RECLAIM_MS * 1000 };

	/* The handlers quiesce after every batch: a few rounds at most. */
	if (rcu_reclaim(d->rcu))
		evtimer_add(d->reclaim_ev, &tv);
}

void daemon_init(struct ctflowd *d)
{
	memset(d, 0, sizeof(*d));
	d->base = event_base_new();
	if (!d->base)
		fatalx("ctflowd: cannot create the event loop");
	d->rcu = rcu_new();
	d->reclaim_ev = evtimer_new(d->base, on_reclaim, d);
	d->next_id = 1;
	atomic_init(&d->live, NULL);
	policy_change_init(&d->pending);
	ratelimit_init(&d->upcall_log, CTF_DEFAULT_UPCALL_LOG_RATE);
}

void daemon_cleanup(struct ctflowd *d)
{
	if (d->reclaim_ev)
		event_free(d->reclaim_ev);
	rcu_free(d->rcu);	/* runs what is still deferred */
	policy_change_free(&d->pending);
	policy_free(d->pol);
	conf_free(&d->cfg);
	if (d->base)
		event_base_free(d->base);
	memset(d, 0, sizeof(*d));
}

void daemon_set_policy(struct ctflowd *d, struct policy *pol, struct policy_change *chg)
{
	struct policy *old = d->pol;
	struct timeval tv = { 0, RECLAIM_MS * 1000 };

	d->pol = pol;
	d->policy_gen++;
	atomic_store(&d->live, pol);
	if (!old) {
		if (chg)
			policy_change_free(chg);
		return;
	}
	/* Handlers may still be deciding with @old: it goes once they have all moved on. */
	d->pending_gen = rcu_defer(d->rcu, free_policy, old);
	evtimer_add(d->reclaim_ev, &tv);
	if (chg)
		policy_change_merge(&d->pending, chg);
	if (d->rv)
		revalidate_kick(d->rv);
	else
		policy_change_free(&d->pending);	/* no flows to revalidate */
}

/* The port map rules are resolved against: real numbers, or the provisional ones. */
static void current_portmap(const struct ctflowd *d, const struct conf *cfg,
			    struct ctf_portmap *map)
{
	if (d->up) {
		upcall_portmap(d->up, map);
		return;
	}
	conf_portmap(cfg, map);
}

/* Directives a running daemon cannot apply: say so instead of ignoring them quietly. */
static void warn_start_only(const struct conf *old, const struct conf *cfg)
{
	if (old->force_per_vport != cfg->force_per_vport)
		log_warnx("reload: upcall-dispatch changed: takes effect at the next start");
	if (old->upcall_buffer != cfg->upcall_buffer)
		log_warnx("reload: upcall-buffer changed: takes effect at the next start");
	if (old->handler_threads != cfg->handler_threads)
		log_warnx("reload: handler-threads changed: takes effect at the next start");
	/* The socket's group and the rights it gives were fixed when it was made. */
	if (old->have_control_group != cfg->have_control_group ||
	    old->control_gid != cfg->control_gid)
		log_warnx("reload: control-group changed: takes effect at the next start");
}

int daemon_apply_config(struct ctflowd *d, struct conf *cfg, struct ctf_err *err)
{
	struct policy_change chg;
	struct ctf_portmap map;
	struct policy *pol;
	uint64_t t0 = ctf_monotonic_ms();
	int ret;

	if (d->cfg.datapath[0] && strcmp(d->cfg.datapath, cfg->datapath)) {
		ctf_err_set(err, "datapath changed from %s to %s", d->cfg.datapath, cfg->datapath);
		ctf_err_hint(err, "restart ctflowd to move to another datapath");
		return -EINVAL;
	}
	if (d->up) {
		ret = upcall_sync_ports(d->up, cfg, err);
		if (ret)
			return ret;
	}
	current_portmap(d, cfg, &map);
	ret = conf_resolve(cfg, &map, err);
	if (!ret)
		ret = policy_from_config(&pol, cfg, &map, d->pol, &d->next_id, &chg, err);
	ctf_portmap_free(&map);
	if (ret)
		return ret;
	log_debug("config: policy of %zu rules built in %" PRIu64 " ms", pol->n_rules,
		  ctf_monotonic_ms() - t0);
	if (d->cfg.datapath[0])
		warn_start_only(&d->cfg, cfg);
	conf_free(&d->cfg);
	d->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	ratelimit_set_rate(&d->upcall_log, d->cfg.upcall_log_rate);
	if (d->up)
		upcall_configure(d->up, &d->cfg);
	if (d->rv)
		revalidate_configure(d->rv);
	daemon_set_policy(d, pol, &chg);
	return 0;
}

int daemon_reload(struct ctflowd *d, struct ctf_err *err)
{
	struct conf cfg;
	char status[128];
	int ret;

	notify_reloading();
	conf_init(&cfg);
	ret = conf_load(&cfg, d->conf_path, err);
	if (!ret)
		ret = daemon_apply_config(d, &cfg, err);
	conf_free(&cfg);
	if (ret) {
		char buf[1100];

		log_warnx("reload: keeping the old configuration: %s",
			  ctf_err_text(err, buf, sizeof(buf)));
	} else {
		d->reloads++;
		log_info("reload: %s: %zu rules, %zu ports", d->conf_path, d->pol->n_rules,
			 d->cfg.n_ports);
	}
	snprintf(status, sizeof(status), "%zu rules, upcalls %s%s", d->pol->n_rules,
		 daemon_mode(d), ret ? " (last reload failed)" : "");
	notify_ready(status);
	return ret;
}

/* ---- control requests ------------------------------------------------- */

static void reply_err(struct control_conn *c, uint32_t seq, int ret, const struct ctf_err *err)
{
	char buf[1100];

	control_result(c, seq, ret, ctf_err_text(err, buf, sizeof(buf)));
}

/* Split a rule request: priority, match and (for add) actions. */
static int rule_request(const void *p, size_t len, bool want_actions, uint32_t *prio,
			const char **match, const char **actions, struct ctf_err *err)
{
	struct ctf_ctl_rule_req req;
	size_t off = sizeof(req);

	if (len < sizeof(req))
		return ctf_err_set(err, "malformed request");
	memcpy(&req, p, sizeof(req));
	*prio = req.priority;
	if (req.priority > CTF_MAX_PRIORITY)
		return ctf_err_set(err, "priority %u is not in 0..%u", req.priority,
				   CTF_MAX_PRIORITY);
	*match = ctf_ctl_string(p, len, &off);
	*actions = want_actions ? ctf_ctl_string(p, len, &off) : NULL;
	if (!*match || (want_actions && !*actions))
		return ctf_err_set(err, "malformed request");
	return 0;
}

static void h_add_rule(struct control_conn *c, const struct ctf_ctl_hdr *h, const void *p,
		       size_t len, void *arg)
{
	struct ctflowd *d = arg;
	struct policy_change chg;
	struct conf_rule rule;
	struct policy *pol;
	struct ctf_err err;
	const char *match, *actions;
	uint32_t prio;
	int ret;

	ctf_err_clear(&err);
	ret = rule_request(p, len, true, &prio, &match, &actions, &err);
	if (ret) {
		reply_err(c, h->seq, ret, &err);
		return;
	}
	// NOLINTNEXTLINE(clang-analyzer-core.CallAndMessage): rule_request() returns non-zero (ctf_err_set() is always < 0) unless it set match and actions
	if (strlen(match) + strlen(actions) > CTF_CTL_MAX_RULE_TEXT) {
		/* Its dump record would not fit a message: refused, as the configuration does. */
		ctf_err_set(&err, "the rule is %zu bytes long, more than the %zu a rule may have",
			    strlen(match) + strlen(actions), (size_t)CTF_CTL_MAX_RULE_TEXT);
		reply_err(c, h->seq, -EMSGSIZE, &err);
		return;
	}
	ret = conf_rule_parse(&rule, prio, match, actions, &d->pol->ports, &err);
	if (!ret) {
		ret = policy_with_rule(&pol, d->pol, &rule, d->next_id, &chg, &err);
		conf_rule_free(&rule);	/* moved into the policy, or refused */
	}
	if (ret) {
		reply_err(c, h->seq, ret, &err);
		return;
	}
	d->next_id++;
	log_info("control: uid %u: add-rule %u %s %s", (unsigned)control_conn_uid(c), prio,
		 match, actions);
	daemon_set_policy(d, pol, &chg);
	control_result(c, h->seq, 0, NULL);
}

static void h_del_rule(struct control_conn *c, const struct ctf_ctl_hdr *h, const void *p,
		       size_t len, void *arg)
{
	struct ctflowd *d = arg;
	struct policy_change chg;
	struct ctf_nlbuf key, mask;
	struct policy *pol;
	struct ctf_err err;
	const char *match, *unused;
	uint32_t prio;
	int ret;

	ctf_err_clear(&err);
	ret = rule_request(p, len, false, &prio, &match, &unused, &err);
	if (ret) {
		reply_err(c, h->seq, ret, &err);
		return;
	}
	ctf_nlbuf_init(&key, 4096);
	ctf_nlbuf_init(&mask, 4096);
	ret = ctf_key_parse(match, &d->pol->ports, &key, &mask, &err); // NOLINT(clang-analyzer-core.CallAndMessage): rule_request() returned 0, so it set match
	if (!ret)
		ret = policy_without_rule(&pol, d->pol, prio, ctf_nlbuf_data(&key),
					      ctf_nlbuf_len(&key), ctf_nlbuf_data(&mask),
					      ctf_nlbuf_len(&mask), &chg, &err);
	ctf_nlbuf_free(&key);
	ctf_nlbuf_free(&mask);
	if (ret) {
		reply_err(c, h->seq, ret, &err);
		return;
	}
	log_info("control: uid %u: del-rule %u %s", (unsigned)control_conn_uid(c), prio, match);
	daemon_set_policy(d, pol, &chg);
	control_result(c, h->seq, 0, NULL);
}

static void send_rule(struct control_conn *c, uint32_t seq, const struct ctf_ctl_rule_rec *rec,
		      const char *match, const char *actions)
{
	struct ctf_str s;

	ctf_str_init(&s);
	ctf_str_put(&s, match, strlen(match) + 1);
	ctf_str_put(&s, actions, strlen(actions) + 1);
	control_reply2(c, CTF_CTL_RULE, seq, rec, sizeof(*rec), s.buf, s.len);
	ctf_str_free(&s);
}

/* dump-rules, a piece at a time: a policy of 100,000 rules is megabytes of replies. */
struct rule_dump {
	struct ctflowd *d;
	uint64_t gen;
	size_t next;
	uint32_t seq;
};

#define RULES_PER_PIECE 256u

static bool dump_rules_more(struct control_conn *c, void *arg)
{
	struct rule_dump *rd = arg;
	struct ctflowd *d = rd->d;
	struct ctf_ctl_rule_rec rec;

	if (rd->gen != d->policy_gen) {
		/* What was sent so far described another policy: say so rather than mix. */
		control_result(c, rd->seq, -EAGAIN, "the rules changed during the dump: run it again");
		return true;
	}
	/* In lookup order: what decides first is listed first. */
	for (unsigned n = 0; n < RULES_PER_PIECE && rd->next < d->pol->n_rules; n++, rd->next++) {
		struct policy_rule *r = d->pol->ordered[rd->next];

		rec = (struct ctf_ctl_rule_rec){
			.priority = r->text.priority, .line = r->text.line,
			.hits = atomic_load(&r->hits), .flows = r->flows,
		};
		send_rule(c, rd->seq, &rec, r->text.match_text, r->text.actions_text);
	}
	if (rd->next < d->pol->n_rules)
		return false;
	rec = (struct ctf_ctl_rule_rec){ .hits = atomic_load(&d->pol->deflt->hits),
					 .flows = d->pol->deflt->flows };
	send_rule(c, rd->seq, &rec, "", d->pol->deflt->text.actions_text);
	control_end(c, rd->seq);
	return true;
}

static void h_dump_rules(struct control_conn *c, const struct ctf_ctl_hdr *h, const void *p,
			 size_t len, void *arg)
{
	struct ctflowd *d = arg;
	struct rule_dump *rd = ctf_xzalloc(sizeof(*rd));

	*rd = (struct rule_dump){ .d = d, .gen = d->policy_gen, .seq = h->seq };
	control_stream(c, dump_rules_more, rd, free);
}

static void h_reload(struct control_conn *c, const struct ctf_ctl_hdr *h, const void *p,
		     size_t len, void *arg)
{
	struct ctflowd *d = arg;
	struct ctf_err err;
	int ret;

	ctf_err_clear(&err);
	log_info("control: uid %u: reload", (unsigned)control_conn_uid(c));
	ret = daemon_reload(d, &err);
	if (ret)
		reply_err(c, h->seq, ret, &err);
	else
		control_result(c, h->seq, 0, "reloaded");
}

static void h_show(struct control_conn *c, const struct ctf_ctl_hdr *h, const void *p, size_t len,
		   void *arg)
{
	struct ctflowd *d = arg;
	struct ctf_ctl_show s;

	memset(&s, 0, sizeof(s));
	snprintf(s.datapath, sizeof(s.datapath), "%s", d->cfg.datapath);
	snprintf(s.mode, sizeof(s.mode), "%s", daemon_mode(d));
	if (d->up) {
		struct handler_stats hs;

		upcall_absorb(d->up);	/* flows_current as of now */
		upcall_stats(d->up, &hs);
		s.upcalls_handled = hs.handled;
		s.upcalls_lost = hs.lost;
		s.flows_installed = hs.installed;
		s.flow_limit_hits = hs.limit_hits;
		s.upcalls_truncated = hs.truncated;
		s.handler_threads = (uint32_t)upcall_n_handlers(d->up);
	}
	s.flows_expired = d->st.flows_expired;
	s.flows_removed = d->st.flows_removed;
	s.flows_current = d->st.flows_current;
	s.flow_limit = d->rv ? revalidate_flow_limit(d->rv) : d->cfg.flow_limit;
	s.rules = (uint32_t)d->pol->n_rules;
	s.ports = (uint32_t)d->cfg.n_ports;
	s.idle_timeout_s = d->cfg.idle_timeout_s;
	s.megaflows = d->pol->megaflows;
	s.uptime_s = (ctf_monotonic_ms() - d->start_ms) / 1000u;
	s.reloads = d->reloads;
	control_reply(c, CTF_CTL_SHOW_REPLY, h->seq, &s, sizeof(s));
	control_end(c, h->seq);
}

static const struct control_handler handlers[] = {
	{ CTF_CTL_ADD_RULE, "add-rule", h_add_rule, true },
	{ CTF_CTL_DEL_RULE, "del-rule", h_del_rule, true },
	{ CTF_CTL_DUMP_RULES, "dump-rules", h_dump_rules, false },
	{ CTF_CTL_RELOAD, "reload", h_reload, true },
	{ CTF_CTL_SHOW, "show", h_show, false },
};
const struct control_handler *const daemon_ctl_handlers = handlers;
const size_t daemon_n_ctl_handlers = CTF_ARRAY_SIZE(handlers);
