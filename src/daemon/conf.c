// SPDX-License-Identifier: Apache-2.0
/*
 * The ctflowd.conf reader (format in conf.h and ctflowd.conf(5)). A line is
 * split into a keyword and its arguments; rules keep their MATCH and ACTIONS
 * texts so that they can be re-parsed when real port numbers are known and
 * shown back to the user exactly as written.
 */
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctflow/ctl.h"
#include "conf.h"
#include "rulecheck.h"

void conf_init(struct conf *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->idle_timeout_s = CTF_DEFAULT_IDLE_TIMEOUT_S;
	cfg->flow_limit = CTF_DEFAULT_FLOW_LIMIT;
	cfg->upcall_log_rate = CTF_DEFAULT_UPCALL_LOG_RATE;
	cfg->revalidate_ms = CTF_DEFAULT_REVALIDATE_MS;
	cfg->upcall_buffer = CTF_DEFAULT_UPCALL_BUFFER;
	cfg->megaflows = true;
	cfg->default_actions_text = ctf_xstrdup("drop");
	ctf_nlbuf_init(&cfg->default_actions, 256);
}

void conf_rule_free(struct conf_rule *rule)
{
	free(rule->match_text);
	free(rule->actions_text);
	ctf_nlbuf_free(&rule->key);
	ctf_nlbuf_free(&rule->mask);
	ctf_nlbuf_free(&rule->actions);
	memset(rule, 0, sizeof(*rule));
}

static int nlbuf_copy(struct ctf_nlbuf *dst, const struct ctf_nlbuf *src)
{
	ctf_nlbuf_init(dst, ctf_nlbuf_len(src) + 64);
	return ctf_nlbuf_set(dst, ctf_nlbuf_data(src), ctf_nlbuf_len(src));
}

int conf_rule_copy(struct conf_rule *dst, const struct conf_rule *src)
{
	int ret;

	memset(dst, 0, sizeof(*dst));
	dst->line = src->line;
	dst->priority = src->priority;
	dst->match_text = ctf_xstrdup(src->match_text);
	dst->actions_text = ctf_xstrdup(src->actions_text);
	ret = nlbuf_copy(&dst->key, &src->key);
	if (!ret)
		ret = nlbuf_copy(&dst->mask, &src->mask);
	if (!ret)
		ret = nlbuf_copy(&dst->actions, &src->actions);
	return ret;
}

void conf_free(struct conf *cfg)
{
	for (size_t i = 0; i < cfg->n_rules; i++)
		conf_rule_free(&cfg->rules[i]);
	free(cfg->rules);
	free(cfg->ports);
	free(cfg->path);
	free(cfg->default_actions_text);
	ctf_nlbuf_free(&cfg->default_actions);
	memset(cfg, 0, sizeof(*cfg));
}

/* Room for element @n of an array that holds @n: doubling, so that 100,000 rules load in linear time. */
static void *grow(void *array, size_t n, size_t size)
{
	if (n & (n - 1))
		return array;	/* not full: capacity is the next power of two */
	return ctf_xrealloc(array, (n ? 2 * n : 1) * size);
}

/* An unsigned decimal in [min, max]; no sign, no trailing junk, no wrap. */
static int parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int conf_parse_priority(const char *s, uint32_t *prio)
{
	unsigned long v;
	int ret = parse_uint(s, 0, CTF_MAX_PRIORITY, &v);

	if (!ret)
		*prio = (uint32_t)v;
	return ret;
}

int conf_rule_parse(struct conf_rule *rule, uint32_t priority, const char *match,
			  const char *actions, const struct ctf_portmap *map, struct ctf_err *err)
{
	int ret;

	memset(rule, 0, sizeof(*rule));
	rule->priority = priority;
	rule->match_text = ctf_xstrdup(match);
	rule->actions_text = ctf_xstrdup(actions);
	ctf_nlbuf_init(&rule->key, 1024);
	ctf_nlbuf_init(&rule->mask, 1024);
	ctf_nlbuf_init(&rule->actions, 1024);

	ret = ctf_key_parse(match, map, &rule->key, &rule->mask, err);
	if (!ret)
		ret = ctf_actions_parse(actions, map, &rule->actions, err);
	if (!ret)
		ret = rulecheck_rule(ctf_nlbuf_data(&rule->key), ctf_nlbuf_len(&rule->key),
				     ctf_nlbuf_data(&rule->mask), ctf_nlbuf_len(&rule->mask),
				     ctf_nlbuf_data(&rule->actions), ctf_nlbuf_len(&rule->actions),
				     err);
	if (ret) {
		conf_rule_free(rule);
		return ret;
	}
	/* A policy keeps thousands of these: no slack. */
	ctf_nlbuf_shrink(&rule->key);
	ctf_nlbuf_shrink(&rule->mask);
	ctf_nlbuf_shrink(&rule->actions);
	return 0;
}

void conf_portmap(const struct conf *cfg, struct ctf_portmap *map)
{
	ctf_portmap_init(map);
	for (size_t i = 0; i < cfg->n_ports; i++)
		ctf_portmap_add(map, (uint32_t)(i + 1), cfg->ports[i]);
}

/* Prefix @err's message with "name:line: ". */
static int located(struct ctf_err *err, const char *name, unsigned int line, int ret)
{
	struct ctf_str s;
	size_t n;

	ctf_str_init(&s);
	ctf_str_printf(&s, "%s:%u: %s", name, line, err->msg);
	/* A message longer than the report keeps its location, the part that matters. */
	n = s.len < sizeof(err->msg) - 1 ? s.len : sizeof(err->msg) - 1;
	memcpy(err->msg, ctf_str_cstr(&s), n);
	err->msg[n] = '\0';
	ctf_str_free(&s);
	return ret ? ret : -EINVAL;
}

static int default_action_parse(struct conf *cfg, const char *text,
				const struct ctf_portmap *map, struct ctf_err *err)
{
	int ret;

	ctf_nlbuf_reset(&cfg->default_actions);
	ret = ctf_actions_parse(text, map, &cfg->default_actions, err);
	if (ret)
		return ret;
	if (text != cfg->default_actions_text) {
		free(cfg->default_actions_text);
		cfg->default_actions_text = ctf_xstrdup(text);
	}
	return 0;
}

/* A rule line kept as text until every port line has been seen. */
struct pending_rule {
	unsigned int line;
	uint32_t priority;
	char *match, *actions;
};

struct parse_state {
	struct conf *cfg;
	const char *name;
	unsigned int line;
	struct pending_rule *pending;
	size_t n_pending;
	unsigned int default_line;	/* 0: not set */
	char *default_text;
	bool have_datapath;
	unsigned int n_directives;
};

/* Next whitespace-delimited token of *@p (modified in place), or NULL. */
static char *next_token(char **p)
{
	char *s = *p, *start;

	while (*s && isspace((unsigned char)*s))
		s++;
	if (!*s) {
		*p = s;
		return NULL;
	}
	start = s;
	while (*s && !isspace((unsigned char)*s))
		s++;
	if (*s)
		*s++ = '\0';
	*p = s;
	return start;
}

static char *rest_trimmed(char *p)
{
	char *end;

	while (*p && isspace((unsigned char)*p))
		p++;
	end = p + strlen(p);
	while (end > p && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return p;
}

static int setting_uint(struct ctf_err *err, const char *kw, const char *arg,
			unsigned long min, unsigned long max, unsigned int *out)
{
	unsigned long v;

	if (!arg)
		return ctf_err_set(err, "`%s' needs a number", kw);
	if (parse_uint(arg, min, max, &v)) {
		ctf_err_set(err, "`%s %s': not a number in %lu..%lu", kw, arg, min, max);
		return -EINVAL;
	}
	*out = (unsigned int)v;
	return 0;
}

/*
 * control-group NAME|GID. The name is resolved now, not at start, so that
 * `ctflowd -n' names the line of a group that does not exist; a number is
 * taken as it is (a gid need not have a name).
 */
static int control_group(struct conf *cfg, const char *arg, struct ctf_err *err)
{
	struct group gr, *res = NULL;
	unsigned long gid;
	long max = sysconf(_SC_GETGR_R_SIZE_MAX);
	size_t size = max > 0 ? (size_t)max : 1024;
	char *buf = NULL;
	int ret;

	if (!arg)
		return ctf_err_set(err, "`control-group' needs a group name or number");
	if (isdigit((unsigned char)*arg)) {
		/* (gid_t)-1 means "no change" to chown(2): not a group. */
		if (parse_uint(arg, 0, (gid_t)-2, &gid))
			return ctf_err_set(err, "`control-group %s': not a group number", arg);
		cfg->control_gid = (gid_t)gid;
		cfg->have_control_group = true;
		return 0;
	}
	for (;;) {
		buf = ctf_xrealloc(buf, size);
		ret = getgrnam_r(arg, &gr, buf, size, &res);
		if (ret != ERANGE || size >= 1024 * 1024)
			break;
		size *= 2;	/* a group with many members */
	}
	if (res)
		cfg->control_gid = res->gr_gid;
	free(buf);
	if (ret && ret != ENOENT && ret != ESRCH) {
		ctf_err_set(err, "`control-group %s': cannot look the group up: %s", arg,
			    strerror(ret));
		return -EINVAL;
	}
	if (!res) {
		ctf_err_set(err, "`control-group %s': no such group", arg);
		ctf_err_hint(err, "create it (groupadd %s) or give a group number", arg);
		return -EINVAL;
	}
	cfg->have_control_group = true;
	return 0;
}

static int parse_line(struct parse_state *st, char *line, struct ctf_err *err)
{
	struct conf *cfg = st->cfg;
	char *hash = strchr(line, '#');
	char *p = line, *kw, *arg, *extra;

	if (hash)
		*hash = '\0';
	kw = next_token(&p);
	if (!kw)
		return 0;
	st->n_directives++;

	if (!strcmp(kw, "rule")) {
		struct pending_rule pr = { .line = st->line };
		char *prio = next_token(&p), *match = next_token(&p), *actions;

		if (!prio || !match) {
			ctf_err_set(err, "`rule' needs PRIORITY MATCH ACTIONS");
			ctf_err_hint(err, "rule 10 recirc_id(0),in_port(c0),eth_type(0x0806) s0");
			return -EINVAL;
		}
		if (conf_parse_priority(prio, &pr.priority)) {
			ctf_err_set(err, "rule priority `%s' is not a number in 0..%u", prio,
				    CTF_MAX_PRIORITY);
			return -EINVAL;
		}
		actions = rest_trimmed(p);
		if (!*actions) {
			ctf_err_set(err, "rule %s %s: no actions", prio, match);
			ctf_err_hint(err, "write `drop' to drop matching packets");
			return -EINVAL;
		}
		if (strlen(match) + strlen(actions) > CTF_CTL_MAX_RULE_TEXT) {
			ctf_err_set(err, "rule %s: %zu bytes of match and actions, more than the %zu a rule may have",
				    prio, strlen(match) + strlen(actions), (size_t)CTF_CTL_MAX_RULE_TEXT);
			ctf_err_hint(err, "split it into rules with shorter matches");
			return -EINVAL;
		}
		pr.match = ctf_xstrdup(match);
		pr.actions = ctf_xstrdup(actions);
		st->pending = grow(st->pending, st->n_pending, sizeof(*st->pending));
		st->pending[st->n_pending++] = pr;
		return 0;
	}
	if (!strcmp(kw, "default-action")) {
		char *text = rest_trimmed(p);

		if (!*text)
			return ctf_err_set(err, "`default-action' needs `drop' or an action list");
		free(st->default_text);
		st->default_text = ctf_xstrdup(text);
		st->default_line = st->line;
		return 0;
	}

	arg = next_token(&p);
	extra = next_token(&p);
	if (extra) {
		ctf_err_set(err, "`%s': unexpected `%s'", kw, extra);
		if (!strcmp(kw, "port"))
			ctf_err_hint(err, "one port per line");
		return -EINVAL;
	}
	if (!strcmp(kw, "datapath")) {
		if (!arg)
			return ctf_err_set(err, "`datapath' needs a name");
		if (strlen(arg) >= IFNAMSIZ)
			return ctf_err_set(err, "datapath name `%s' is longer than %d characters",
					   arg, IFNAMSIZ - 1);
		if (st->have_datapath)
			return ctf_err_set(err, "second `datapath' line (one datapath per daemon)");
		snprintf(cfg->datapath, sizeof(cfg->datapath), "%s", arg);
		st->have_datapath = true;
		return 0;
	}
	if (!strcmp(kw, "port")) {
		if (!arg)
			return ctf_err_set(err, "`port' needs an interface name");
		if (strlen(arg) >= IFNAMSIZ)
			return ctf_err_set(err, "port name `%s' is longer than %d characters",
					   arg, IFNAMSIZ - 1);
		for (size_t i = 0; i < cfg->n_ports; i++)
			if (!strcmp(cfg->ports[i], arg))
				return ctf_err_set(err, "port `%s' is listed twice", arg);
		cfg->ports = ctf_xrealloc(cfg->ports, (cfg->n_ports + 1) * sizeof(*cfg->ports));
		snprintf(cfg->ports[cfg->n_ports++], IFNAMSIZ, "%s", arg);
		return 0;
	}
	if (!strcmp(kw, "idle-timeout"))
		return setting_uint(err, kw, arg, 1, 86400, &cfg->idle_timeout_s);
	if (!strcmp(kw, "flow-limit"))
		return setting_uint(err, kw, arg, 1, 10000000, &cfg->flow_limit);
	if (!strcmp(kw, "upcall-log-rate"))
		return setting_uint(err, kw, arg, 0, 1000000, &cfg->upcall_log_rate);
	if (!strcmp(kw, "revalidate-interval"))
		return setting_uint(err, kw, arg, 10, 60000, &cfg->revalidate_ms);
	if (!strcmp(kw, "upcall-buffer"))
		return setting_uint(err, kw, arg, CTF_MIN_UPCALL_BUFFER, CTF_MAX_UPCALL_BUFFER,
				    &cfg->upcall_buffer);
	if (!strcmp(kw, "megaflows")) {
		if (arg && !strcmp(arg, "on"))
			cfg->megaflows = true;
		else if (arg && !strcmp(arg, "off"))
			cfg->megaflows = false;
		else
			return ctf_err_set(err, "`megaflows' takes `on' or `off'");
		return 0;
	}
	if (!strcmp(kw, "handler-threads")) {
		if (arg && !strcmp(arg, "auto")) {
			cfg->handler_threads = 0;
			return 0;
		}
		if (!arg)
			return ctf_err_set(err, "`handler-threads' takes `auto' or a number");
		return setting_uint(err, kw, arg, 1, CTF_MAX_HANDLER_THREADS, &cfg->handler_threads);
	}
	if (!strcmp(kw, "upcall-dispatch")) {
		if (arg && !strcmp(arg, "auto"))
			cfg->force_per_vport = false;
		else if (arg && !strcmp(arg, "per-vport"))
			cfg->force_per_vport = true;
		else
			return ctf_err_set(err, "`upcall-dispatch' takes `auto' or `per-vport'");
		return 0;
	}
	if (!strcmp(kw, "control-group"))
		return control_group(cfg, arg, err);
	ctf_err_set(err, "unknown directive `%s'", kw);
	ctf_err_hint(err, "datapath, port, rule, idle-timeout, flow-limit, upcall-log-rate, "
		     "default-action, megaflows, revalidate-interval, upcall-dispatch, upcall-buffer, "
		     "handler-threads, control-group");
	return -EINVAL;
}

static int finish(struct parse_state *st, struct ctf_err *err)
{
	struct conf *cfg = st->cfg;
	struct ctf_portmap map;
	int ret = 0;

	if (!st->n_directives) {
		ctf_err_set(err, "%s: configures nothing (every line is blank or a comment)",
			    st->name);
		ctf_err_hint(err, "a `datapath' line, `port' lines and rules: see ctflowd.conf(5)");
		return -ENODATA;
	}
	if (!st->have_datapath) {
		ctf_err_set(err, "%s: no `datapath' line", st->name);
		ctf_err_hint(err, "datapath ctfw");
		return -EINVAL;
	}
	conf_portmap(cfg, &map);
	for (size_t i = 0; i < st->n_pending && !ret; i++) {
		struct pending_rule *pr = &st->pending[i];
		struct conf_rule rule;

		ret = conf_rule_parse(&rule, pr->priority, pr->match, pr->actions, &map, err);
		if (ret) {
			ret = located(err, st->name, pr->line, ret);
			break;
		}
		rule.line = pr->line;
		cfg->rules = grow(cfg->rules, cfg->n_rules, sizeof(*cfg->rules));
		cfg->rules[cfg->n_rules++] = rule;
	}
	if (!ret && st->default_text) {
		ret = default_action_parse(cfg, st->default_text, &map, err);
		if (ret)
			ret = located(err, st->name, st->default_line, ret);
	} else if (!ret) {
		ret = default_action_parse(cfg, cfg->default_actions_text, &map, err);
	}
	ctf_portmap_free(&map);
	return ret;
}

int conf_parse_string(struct conf *cfg, const char *name, const char *text,
			    struct ctf_err *err)
{
	struct parse_state st = { .cfg = cfg, .name = name };
	char *copy = ctf_xstrdup(text), *line = copy, *nl;
	int ret = 0;

	ctf_err_clear(err);
	free(cfg->path);
	cfg->path = ctf_xstrdup(name);
	for (; line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		st.line++;
		ret = parse_line(&st, line, err);
		if (ret) {
			ret = located(err, name, st.line, ret);
			break;
		}
	}
	if (!ret)
		ret = finish(&st, err);
	for (size_t i = 0; i < st.n_pending; i++) {
		free(st.pending[i].match);
		free(st.pending[i].actions);
	}
	free(st.pending);
	free(st.default_text);
	free(copy);
	return ret;
}

int conf_load(struct conf *cfg, const char *path, struct ctf_err *err)
{
	struct ctf_str text;
	char buf[4096];
	size_t n;
	FILE *f = fopen(path, "re");
	int ret;

	if (!f) {
		ret = -errno;
		return ctf_err_setn(err, ret, "%s: %s", path, strerror(-ret));
	}
	ctf_str_init(&text);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (memchr(buf, '\0', n)) {
			fclose(f);
			ctf_str_free(&text);
			return ctf_err_set(err, "%s: contains a NUL byte", path);
		}
		ctf_str_put(&text, buf, n);
	}
	if (ferror(f)) {
		ret = -EIO;
		fclose(f);
		ctf_str_free(&text);
		return ctf_err_setn(err, ret, "%s: read error", path);
	}
	fclose(f);
	ret = conf_parse_string(cfg, path, ctf_str_cstr(&text), err);
	ctf_str_free(&text);
	return ret;
}

/* Does @text name a port whose number @map changes? */
static bool names_changed_port(const char *text, char (*changed)[IFNAMSIZ], size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(text, changed[i]))
			return true;
	return false;
}

int conf_resolve(struct conf *cfg, const struct ctf_portmap *map,
		       struct ctf_err *err)
{
	char (*changed)[IFNAMSIZ] = ctf_xmalloc((cfg->n_ports + 1) * sizeof(*changed));
	size_t n_changed = 0;
	int ret = 0;

	/*
	 * Rules were parsed with the port lines numbered 1, 2, ...; a fresh
	 * datapath numbers them the same way. Only the rules that name a port
	 * whose number differs need parsing again (thousands of rules would
	 * otherwise be parsed twice at every start and reload).
	 */
	for (size_t i = 0; i < cfg->n_ports; i++) {
		uint32_t no;

		if (ctf_portmap_lookup_name(map, cfg->ports[i], &no) || no != i + 1)
			snprintf(changed[n_changed++], IFNAMSIZ, "%s", cfg->ports[i]);
	}
	for (size_t i = 0; n_changed && i < cfg->n_rules && !ret; i++) {
		struct conf_rule *old = &cfg->rules[i], fresh;

		if (!names_changed_port(old->match_text, changed, n_changed) &&
		    !names_changed_port(old->actions_text, changed, n_changed))
			continue;
		ret = conf_rule_parse(&fresh, old->priority, old->match_text,
					    old->actions_text, map, err);
		if (ret) {
			ret = located(err, cfg->path ? cfg->path : "rule", old->line, ret);
			break;
		}
		fresh.line = old->line;
		conf_rule_free(old);
		*old = fresh;
	}
	free(changed);
	if (ret)
		return ret;
	return default_action_parse(cfg, cfg->default_actions_text, map, err);
}
