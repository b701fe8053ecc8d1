// SPDX-License-Identifier: Apache-2.0
/*
 * The configuration and its rules (see conf.h): rules keep their MATCH and
 * ACTIONS texts so that they can be re-parsed when real port numbers are
 * known and shown back to the user exactly as written. Reading the file is
 * conf-file.c's part.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	free(rule->file);
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
	dst->file = src->file ? ctf_xstrdup(src->file) : NULL;
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

/* An unsigned decimal in [min, max]; no sign, no trailing junk, no wrap. */
int conf_parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
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
	int ret = conf_parse_uint(s, 0, CTF_MAX_PRIORITY, &v);

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
int conf_err_locate(struct ctf_err *err, const char *name, unsigned int line, int ret)
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

int conf_default_actions(struct conf *cfg, const char *text, const struct ctf_portmap *map,
			 struct ctf_err *err)
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
			ret = conf_err_locate(err, old->file ? old->file : cfg->path ? cfg->path : "rule",
					      old->line, ret);
			break;
		}
		fresh.line = old->line;
		fresh.file = old->file;
		old->file = NULL;
		conf_rule_free(old);
		*old = fresh;
	}
	free(changed);
	if (ret)
		return ret;
	return conf_default_actions(cfg, cfg->default_actions_text, map, err);
}
