// SPDX-License-Identifier: Apache-2.0
/*
 * ctflowd's state changes (configuration, reload, rule edits) and the
 * control requests that drive them. The netlink side lives in upcall.c and
 * revalidate.c; this file only decides and bookkeeps.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctflow/flow.h"
#include "ctl.h"
#include "daemon.h"
#include "log.h"
#include "notify.h"
#include "revalidate.h"
#include "upcall.h"

const char *ctflowd_mode(const struct ctflowd *d)
{
	return d->up ? upcall_mode(d->up) : "none";
}

void ctflowd_policy_changed(struct ctflowd *d)
{
	d->policy_gen++;
	if (d->rv)
		revalidator_kick(d->rv);
}

/* The port map rules are resolved against: real numbers, or the provisional ones. */
static void current_portmap(const struct ctflowd *d, const struct ctf_config *cfg,
			    struct ctf_portmap *map)
{
	if (d->up) {
		upcall_portmap(d->up, map);
		return;
	}
	ctf_config_portmap(cfg, map);
}

int ctflowd_apply_config(struct ctflowd *d, struct ctf_config *cfg, struct ctf_err *err)
{
	struct ctf_portmap map;
	struct ctf_policy pol;
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
	ret = ctf_config_resolve(cfg, &map, err);
	ctf_portmap_free(&map);
	if (ret)
		return ret;

	ctf_policy_init(&pol);
	ret = ctf_policy_load(&pol, cfg, d->pol.next_id ? d->pol.next_id : 1, err);
	if (ret) {
		ctf_policy_destroy(&pol);
		return ret;
	}
	ctf_policy_destroy(&d->pol);
	d->pol = pol;
	ctf_config_free(&d->cfg);
	d->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	ctf_ratelimit_init(&d->upcall_log, d->cfg.upcall_log_rate);
	if (d->rv)
		revalidator_configure(d->rv);
	ctflowd_policy_changed(d);
	return 0;
}

int ctflowd_reload(struct ctflowd *d, struct ctf_err *err)
{
	struct ctf_config cfg;
	char status[128];
	int ret;

	notify_reloading();
	ctf_config_init(&cfg);
	ret = ctf_config_load(&cfg, d->conf_path, err);
	if (!ret)
		ret = ctflowd_apply_config(d, &cfg, err);
	ctf_config_free(&cfg);
	if (ret) {
		char buf[1100];

		log_warnx("reload: keeping the old configuration: %s",
			  ctf_err_text(err, buf, sizeof(buf)));
	} else {
		d->reloads++;
		log_info("reload: %s: %zu rules, %zu ports", d->conf_path, d->pol.n_rules,
			 d->cfg.n_ports);
	}
	snprintf(status, sizeof(status), "%zu rules, upcalls %s%s", d->pol.n_rules,
		 ctflowd_mode(d), ret ? " (last reload failed)" : "");
	notify_ready(status);
	return ret;
}

/* ---- control requests ------------------------------------------------- */

static void reply_err(struct ctl_conn *c, uint32_t seq, int ret, const struct ctf_err *err)
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

static void h_add_rule(struct ctl_conn *c, const struct ctf_ctl_hdr *h, const void *p,
		       size_t len, void *arg)
{
	struct ctflowd *d = arg;
	struct ctf_config_rule rule;
	struct ctf_portmap map;
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
	current_portmap(d, &d->cfg, &map);
	ret = ctf_config_rule_parse(&rule, prio, match, actions, &map, &err);
	ctf_portmap_free(&map);
	if (!ret) {
		ret = ctf_policy_add(&d->pol, &rule, &err);
		if (ret)
			ctf_config_rule_free(&rule);
	}
	if (ret) {
		reply_err(c, h->seq, ret, &err);
		return;
	}
	log_info("control: uid %u: add-rule %u %s %s", (unsigned)control_conn_uid(c), prio,
		 match, actions);
	ctflowd_policy_changed(d);
	control_result(c, h->seq, 0, NULL);
}

static void h_del_rule(struct ctl_conn *c, const struct ctf_ctl_hdr *h, const void *p,
		       size_t len, void *arg)
{
	struct ctflowd *d = arg;
	struct ctf_nlbuf key, mask;
	struct ctf_portmap map;
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
	current_portmap(d, &d->cfg, &map);
	ret = ctf_key_parse(match, &map, &key, &mask, &err);
	ctf_portmap_free(&map);
	if (!ret)
		ret = ctf_policy_del(&d->pol, prio, ctf_nlbuf_data(&key), ctf_nlbuf_len(&key),
				     ctf_nlbuf_data(&mask), ctf_nlbuf_len(&mask), &err);
	ctf_nlbuf_free(&key);
	ctf_nlbuf_free(&mask);
	if (ret) {
		reply_err(c, h->seq, ret, &err);
		return;
	}
	log_info("control: uid %u: del-rule %u %s", (unsigned)control_conn_uid(c), prio, match);
	ctflowd_policy_changed(d);
	control_result(c, h->seq, 0, NULL);
}

static void send_rule(struct ctl_conn *c, uint32_t seq, const struct ctf_ctl_rule_rec *rec,
		      const char *match, const char *actions)
{
	struct ctf_str s;

	ctf_str_init(&s);
	ctf_str_put(&s, match, strlen(match) + 1);
	ctf_str_put(&s, actions, strlen(actions) + 1);
	control_reply2(c, CTF_CTL_RULE, seq, rec, sizeof(*rec), s.buf, s.len);
	ctf_str_free(&s);
}

static void h_dump_rules(struct ctl_conn *c, const struct ctf_ctl_hdr *h, const void *p,
			 size_t len, void *arg)
{
	struct ctflowd *d = arg;
	struct ctf_ctl_rule_rec rec;

	/* In lookup order: what decides first is listed first. */
	for (size_t i = 0; i < d->pol.cls.n_rules; i++) {
		const struct ctf_policy_rule *r = d->pol.cls.rules[i]->data;

		rec = (struct ctf_ctl_rule_rec){
			.priority = r->text.priority, .line = r->text.line,
			.hits = r->hits, .flows = r->flows,
		};
		send_rule(c, h->seq, &rec, r->text.match_text, r->text.actions_text);
	}
	rec = (struct ctf_ctl_rule_rec){ .hits = d->pol.default_hits, .flows = d->pol.default_flows };
	send_rule(c, h->seq, &rec, "", d->pol.default_text);
	control_end(c, h->seq);
}

static void h_reload(struct ctl_conn *c, const struct ctf_ctl_hdr *h, const void *p,
		     size_t len, void *arg)
{
	struct ctflowd *d = arg;
	struct ctf_err err;
	int ret;

	ctf_err_clear(&err);
	log_info("control: uid %u: reload", (unsigned)control_conn_uid(c));
	ret = ctflowd_reload(d, &err);
	if (ret)
		reply_err(c, h->seq, ret, &err);
	else
		control_result(c, h->seq, 0, "reloaded");
}

static void h_show(struct ctl_conn *c, const struct ctf_ctl_hdr *h, const void *p, size_t len,
		   void *arg)
{
	struct ctflowd *d = arg;
	struct ctf_ctl_show s;

	memset(&s, 0, sizeof(s));
	snprintf(s.datapath, sizeof(s.datapath), "%s", d->cfg.datapath);
	snprintf(s.mode, sizeof(s.mode), "%s", ctflowd_mode(d));
	s.upcalls_handled = d->st.upcalls_handled;
	s.upcalls_lost = d->st.upcalls_lost;
	s.flows_installed = d->st.flows_installed;
	s.flows_expired = d->st.flows_expired;
	s.flows_current = d->st.flows_current;
	s.flow_limit = d->cfg.flow_limit;
	s.rules = (uint32_t)d->pol.n_rules;
	s.ports = (uint32_t)d->cfg.n_ports;
	s.idle_timeout_s = d->cfg.idle_timeout_s;
	s.megaflows = d->pol.megaflows;
	s.uptime_s = (ctf_monotonic_ms() - d->start_ms) / 1000u;
	s.reloads = d->reloads;
	control_reply(c, CTF_CTL_SHOW_REPLY, h->seq, &s, sizeof(s));
	control_end(c, h->seq);
}

static const struct ctl_handler handlers[] = {
	{ CTF_CTL_ADD_RULE, "add-rule", h_add_rule, true },
	{ CTF_CTL_DEL_RULE, "del-rule", h_del_rule, true },
	{ CTF_CTL_DUMP_RULES, "dump-rules", h_dump_rules, false },
	{ CTF_CTL_RELOAD, "reload", h_reload, true },
	{ CTF_CTL_SHOW, "show", h_show, false },
};
const struct ctl_handler *const ctflowd_ctl_handlers = handlers;
const size_t ctflowd_n_ctl_handlers = CTF_ARRAY_SIZE(handlers);
