// SPDX-License-Identifier: Apache-2.0
/*
 * The directives of ctflowd.conf that set one thing in struct conf (see
 * conf-settings.h): the datapath, ports, numbers, two-way choices and the
 * control group. Rules, includes and definitions are conf-file.c's.
 */
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf-settings.h"

char *conf_next_token(char **p)
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

/* The one argument of a directive that takes one (NULL if none); more is an error. */
int conf_one_arg(const char *kw, char *args, char **arg, struct ctf_err *err)
{
	char *extra;

	*arg = conf_next_token(&args);
	extra = conf_next_token(&args);
	if (!extra)
		return 0;
	ctf_err_set(err, "`%s': unexpected `%s'", kw, extra);
	if (!strcmp(kw, "port"))
		ctf_err_hint(err, "one port per line");
	return -EINVAL;
}

static int directive_datapath(struct conf *cfg, const char *kw, char *args,
			      struct ctf_err *err)
{
	char *arg;

	if (conf_one_arg(kw, args, &arg, err))
		return -EINVAL;
	if (!arg)
		return ctf_err_set(err, "`datapath' needs a name");
	if (strlen(arg) >= IFNAMSIZ)
		return ctf_err_set(err, "datapath name `%s' is longer than %d characters", arg,
				   IFNAMSIZ - 1);
	if (cfg->datapath[0])
		return ctf_err_set(err, "second `datapath' line (one datapath per daemon)");
	snprintf(cfg->datapath, sizeof(cfg->datapath), "%s", arg);
	return 0;
}

static int directive_port(struct conf *cfg, const char *kw, char *args,
			  struct ctf_err *err)
{
	char *arg;

	if (conf_one_arg(kw, args, &arg, err))
		return -EINVAL;
	if (!arg)
		return ctf_err_set(err, "`port' needs an interface name");
	if (strlen(arg) >= IFNAMSIZ)
		return ctf_err_set(err, "port name `%s' is longer than %d characters", arg,
				   IFNAMSIZ - 1);
	for (size_t i = 0; i < cfg->n_ports; i++)
		if (!strcmp(cfg->ports[i], arg))
			return ctf_err_set(err, "port `%s' is listed twice", arg);
	cfg->ports = ctf_xrealloc(cfg->ports, (cfg->n_ports + 1) * sizeof(*cfg->ports));
	snprintf(cfg->ports[cfg->n_ports++], IFNAMSIZ, "%s", arg);
	return 0;
}

/* Settings that are one number in a range. */
static const struct number_setting {
	const char *kw;
	unsigned long min, max;
	size_t ofs;			/* of an unsigned int in struct conf */
} number_settings[] = {
	{ "idle-timeout", 1, 86400, offsetof(struct conf, idle_timeout_s) },
	{ "flow-limit", 1, 10000000, offsetof(struct conf, flow_limit) },
	{ "upcall-log-rate", 0, 1000000, offsetof(struct conf, upcall_log_rate) },
	{ "revalidate-interval", 10, 60000, offsetof(struct conf, revalidate_ms) },
	{ "upcall-buffer", CTF_MIN_UPCALL_BUFFER, CTF_MAX_UPCALL_BUFFER,
	  offsetof(struct conf, upcall_buffer) },
	{ "handler-threads", 1, CTF_MAX_HANDLER_THREADS, offsetof(struct conf, handler_threads) },
};

static int setting_uint(struct ctf_err *err, const char *kw, const char *arg,
			unsigned long min, unsigned long max, unsigned int *out)
{
	unsigned long v;

	if (!arg)
		return ctf_err_set(err, "`%s' needs a number", kw);
	if (conf_parse_uint(arg, min, max, &v)) {
		ctf_err_set(err, "`%s %s': not a number in %lu..%lu", kw, arg, min, max);
		return -EINVAL;
	}
	*out = (unsigned int)v;
	return 0;
}

static int directive_number(struct conf *cfg, const char *kw, char *args,
			    struct ctf_err *err)
{
	char *arg;

	if (conf_one_arg(kw, args, &arg, err))
		return -EINVAL;
	for (size_t i = 0; i < CTF_ARRAY_SIZE(number_settings); i++) {
		const struct number_setting *s = &number_settings[i];
		unsigned int *field = (unsigned int *)((char *)cfg + s->ofs);

		if (strcmp(kw, s->kw))
			continue;
		/* handler-threads also takes `auto' (0). */
		if (field == &cfg->handler_threads && arg && !strcmp(arg, "auto")) {
			*field = 0;
			return 0;
		}
		if (field == &cfg->handler_threads && !arg)
			return ctf_err_set(err, "`handler-threads' takes `auto' or a number");
		return setting_uint(err, kw, arg, s->min, s->max, field);
	}
	return -EINVAL;	/* not reached: the settings table lists the same names */
}

/* A directive with one of two words: `megaflows on|off', `upcall-dispatch auto|per-vport'. */
static int two_choices(const char *kw, char *args, const char *a, bool a_value, const char *b,
		       bool *out, struct ctf_err *err)
{
	char *arg;

	if (conf_one_arg(kw, args, &arg, err))
		return -EINVAL;
	if (arg && !strcmp(arg, a))
		*out = a_value;
	else if (arg && !strcmp(arg, b))
		*out = !a_value;
	else
		return ctf_err_set(err, "`%s' takes `%s' or `%s'", kw, a, b);
	return 0;
}

static int directive_megaflows(struct conf *cfg, const char *kw, char *args,
			       struct ctf_err *err)
{
	return two_choices(kw, args, "on", true, "off", &cfg->megaflows, err);
}

static int directive_dispatch(struct conf *cfg, const char *kw, char *args,
			      struct ctf_err *err)
{
	return two_choices(kw, args, "auto", false, "per-vport", &cfg->force_per_vport, err);
}

/*
 * control-group NAME|GID. The name is resolved now, not at start, so that
 * `ctflowd -n' names the line of a group that does not exist; a number is
 * taken as it is (a gid need not have a name).
 */
static int directive_control_group(struct conf *cfg, const char *kw, char *args,
				   struct ctf_err *err)
{
	struct group gr, *res = NULL;
	unsigned long gid;
	long max = sysconf(_SC_GETGR_R_SIZE_MAX);
	size_t size = max > 0 ? (size_t)max : 1024;
	char *buf = NULL, *arg;
	int ret;

	if (conf_one_arg(kw, args, &arg, err))
		return -EINVAL;
	if (!arg)
		return ctf_err_set(err, "`control-group' needs a group name or number");
	if (isdigit((unsigned char)*arg)) {
		/* (gid_t)-1 means "no change" to chown(2): not a group. */
		if (conf_parse_uint(arg, 0, (gid_t)-2, &gid))
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

typedef int setting_fn(struct conf *cfg, const char *kw, char *args, struct ctf_err *err);

static const struct setting {
	const char *kw;
	setting_fn *fn;
} settings[] = {
	{ "datapath", directive_datapath },
	{ "port", directive_port },
	{ "idle-timeout", directive_number },
	{ "flow-limit", directive_number },
	{ "upcall-log-rate", directive_number },
	{ "revalidate-interval", directive_number },
	{ "upcall-buffer", directive_number },
	{ "handler-threads", directive_number },
	{ "megaflows", directive_megaflows },
	{ "upcall-dispatch", directive_dispatch },
	{ "control-group", directive_control_group },
};

int conf_setting(struct conf *cfg, const char *kw, char *args, struct ctf_err *err)
{
	for (size_t i = 0; i < CTF_ARRAY_SIZE(settings); i++)
		if (!strcmp(kw, settings[i].kw))
			return settings[i].fn(cfg, kw, args, err);
	return -ENOENT;
}

void conf_setting_names(struct ctf_str *out)
{
	for (size_t i = 0; i < CTF_ARRAY_SIZE(settings); i++)
		ctf_str_printf(out, "%s%s", i ? ", " : "", settings[i].kw);
}
