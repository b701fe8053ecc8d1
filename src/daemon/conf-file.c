// SPDX-License-Identifier: Apache-2.0
/*
 * Reading ctflowd.conf (format in conf.h and ctflowd.conf(5)): lines,
 * directives, `include' and `define'. A line is split into a keyword and its
 * arguments, after `$NAME' has been replaced by its value. Rules keep their
 * MATCH and ACTIONS texts so that they can be re-parsed when the real port
 * numbers are known, and are parsed only once every `port' line has been
 * read (conf.c does the parsing itself). The directives that set one
 * thing (datapath, port, numbers, ...) are conf-settings.c's.
 */
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ctflow/ctl.h"
#include "conf-settings.h"

/* A rule line kept as text until every port line has been seen. */
struct pending_rule {
	const char *file;	/* one of parse_state.files */
	unsigned int line;
	uint32_t priority;
	char *match, *actions;
};

struct define {
	char *name, *value;
	const char *file;
	unsigned int line;
};

struct parse_state {
	struct conf *cfg;
	const char *file;		/* the file being read (one of files) */
	unsigned int line;
	char **files;			/* every file read: rules and messages point here */
	size_t n_files;
	char **open;			/* the files being read now, outermost first (real paths) */
	size_t n_open;
	struct pending_rule *pending;
	size_t n_pending;
	struct define *defines;
	size_t n_defines;
	const char *default_file;
	unsigned int default_line;	/* 0: not set */
	char *default_text;
	bool located;			/* the error already names its file and line */
	unsigned int n_directives;
};

/* ---- small helpers ------------------------------------------------------------- */

/* Room for element @n of an array that holds @n: doubling, so that 100,000 rules load in linear time. */
static void *grow(void *array, size_t n, size_t size)
{
	if (n & (n - 1))
		return array;	/* not full: capacity is the next power of two */
	return ctf_xrealloc(array, (n ? 2 * n : 1) * size);
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

static const char *keep_file_name(struct parse_state *st, const char *path)
{
	st->files = ctf_xrealloc(st->files, (st->n_files + 1) * sizeof(*st->files));
	st->files[st->n_files] = ctf_xstrdup(path);
	return st->files[st->n_files++];
}

/* ---- splitting a rule ------------------------------------------------------------- */

static const char *skip_blanks(const char *p)
{
	while (*p && isspace((unsigned char)*p))
		p++;
	return p;
}

/*
 * Where a rule's match ends: at the first blank outside parentheses that
 * neither follows a comma or an opening parenthesis nor precedes a comma or
 * a parenthesis. So `recirc_id(0), eth_type(0x0800) drop' and
 * `ipv4( src=10.0.0.1 ) drop' both split before `drop'.
 */
int conf_split_rule(char *text, char **match, char **actions)
{
	int depth = 0;
	char *p = (char *)skip_blanks(text), *start = p;

	for (; *p; p++) {
		if (*p == '(') {
			depth++;
		} else if (*p == ')') {
			if (--depth < 0)
				return -EINVAL;
		} else if (isspace((unsigned char)*p) && depth == 0) {
			const char *next = skip_blanks(p);
			char prev = p > start ? p[-1] : ',';

			if (prev != ',' && prev != '(' && *next != ',' && *next != '(' && *next != ')')
				break;
		}
	}
	if (depth > 0)
		return -EINVAL;
	if (*p)
		*p++ = '\0';
	*match = rest_trimmed(start);
	*actions = rest_trimmed(p);
	return 0;
}

/* ---- named values ------------------------------------------------------------------- */

static bool name_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static const struct define *find_define(const struct parse_state *st, const char *name,
					size_t len)
{
	for (size_t i = 0; i < st->n_defines; i++)
		if (strlen(st->defines[i].name) == len && !memcmp(st->defines[i].name, name, len))
			return &st->defines[i];
	return NULL;
}

/* @line with every $NAME replaced by its value (a new string), or NULL with @err. */
static char *substitute(const struct parse_state *st, const char *line, struct ctf_err *err)
{
	struct ctf_str out;
	char *copy;

	if (!strchr(line, '$'))
		return ctf_xstrdup(line);
	ctf_str_init(&out);
	for (const char *p = line; *p; p++) {
		const char *name = p + 1, *end = name;
		const struct define *d;

		if (*p != '$') {
			ctf_str_putc(&out, *p);
			continue;
		}
		while (name_char(*end))
			end++;
		d = name_start(*name) ? find_define(st, name, (size_t)(end - name)) : NULL;
		if (!d) {
			if (name_start(*name)) {
				ctf_err_set(err, "undefined name `$%.*s'", (int)(end - name), name);
				ctf_err_hint(err, "define %.*s = VALUE on a line before this one",
					     (int)(end - name), name);
			} else {
				ctf_err_set(err, "`$' without a name after it");
				ctf_err_hint(err, "$NAME, where a `define NAME = VALUE' line came before");
			}
			ctf_str_free(&out);
			return NULL;
		}
		ctf_str_puts(&out, d->value);
		p = end - 1;
	}
	copy = ctf_xstrdup(ctf_str_cstr(&out));
	ctf_str_free(&out);
	return copy;
}

/* define NAME = VALUE: the value may use names defined before it. */
static int directive_define(struct parse_state *st, const char *kw, char *args,
			    struct ctf_err *err)
{
	char *p = (char *)skip_blanks(args), *name = p, *value;
	const struct define *old;
	struct define d;
	size_t len;

	while (name_char(*p))
		p++;
	len = (size_t)(p - name);
	p = (char *)skip_blanks(p);
	if (!len || !name_start(*name) || *p != '=') {
		ctf_err_set(err, "`define' needs NAME = VALUE");
		ctf_err_hint(err, "define ADMIN_NET = ipv4(src=10.0.0.0/8)");
		return -EINVAL;
	}
	old = find_define(st, name, len);
	if (old) {
		ctf_err_set(err, "`%.*s' is defined already, at %s:%u", (int)len, name, old->file,
			    old->line);
		ctf_err_hint(err, "one definition per name");
		return -EINVAL;
	}
	value = rest_trimmed(p + 1);
	if (!*value)
		return ctf_err_set(err, "define %.*s: no value after `='", (int)len, name);
	d.value = substitute(st, value, err);
	if (!d.value)
		return -EINVAL;
	d.name = ctf_xmalloc(len + 1);
	memcpy(d.name, name, len);
	d.name[len] = '\0';
	d.file = st->file;
	d.line = st->line;
	st->defines = grow(st->defines, st->n_defines, sizeof(*st->defines));
	st->defines[st->n_defines++] = d;
	return 0;
}

/* ---- directives ---------------------------------------------------------------------- */

static int directive_rule(struct parse_state *st, const char *kw, char *args,
			  struct ctf_err *err)
{
	struct pending_rule pr = { .file = st->file, .line = st->line };
	char *prio = conf_next_token(&args), *match, *actions;

	if (!prio || !*skip_blanks(args)) {
		ctf_err_set(err, "`rule' needs PRIORITY MATCH ACTIONS");
		ctf_err_hint(err, "rule 10 recirc_id(0),in_port(c0),eth_type(0x0806) s0");
		return -EINVAL;
	}
	if (conf_parse_priority(prio, &pr.priority)) {
		ctf_err_set(err, "rule priority `%s' is not a number in 0..%u", prio,
			    CTF_MAX_PRIORITY);
		return -EINVAL;
	}
	if (conf_split_rule(args, &match, &actions)) {
		ctf_err_set(err, "rule %s: unbalanced parentheses in `%s'", prio, rest_trimmed(args));
		ctf_err_hint(err, "every `(' needs its `)'");
		return -EINVAL;
	}
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

static int directive_default_action(struct parse_state *st, const char *kw, char *args,
				    struct ctf_err *err)
{
	char *text = rest_trimmed(args);

	if (!*text)
		return ctf_err_set(err, "`default-action' needs `drop' or an action list");
	free(st->default_text);
	st->default_text = ctf_xstrdup(text);
	st->default_file = st->file;
	st->default_line = st->line;
	return 0;
}

static int directive_include(struct parse_state *st, const char *kw, char *args,
			     struct ctf_err *err);

typedef int directive_fn(struct parse_state *st, const char *kw, char *args,
			 struct ctf_err *err);

static const struct directive {
	const char *kw;
	directive_fn *fn;
} directives[] = {
	{ "rule", directive_rule },
	{ "default-action", directive_default_action },
	{ "include", directive_include },
	{ "define", directive_define },
};

static int unknown_directive(const char *kw, struct ctf_err *err)
{
	struct ctf_str names;

	ctf_str_init(&names);
	conf_setting_names(&names);
	for (size_t i = 0; i < CTF_ARRAY_SIZE(directives); i++)
		ctf_str_printf(&names, ", %s", directives[i].kw);
	ctf_err_set(err, "unknown directive `%s'", kw);
	ctf_err_hint(err, "%s", ctf_str_cstr(&names));
	ctf_str_free(&names);
	return -EINVAL;
}

static int parse_line(struct parse_state *st, char *line, struct ctf_err *err)
{
	char *hash = strchr(line, '#');
	char *p = line, *kw, *args;
	int ret = -EINVAL;

	if (hash)
		*hash = '\0';
	kw = conf_next_token(&p);
	if (!kw)
		return 0;
	st->n_directives++;
	/* A definition's name is not replaced; its value is, by directive_define. */
	args = strcmp(kw, "define") ? substitute(st, p, err) : ctf_xstrdup(p);
	if (!args)
		return -EINVAL;
	for (size_t i = 0; i < CTF_ARRAY_SIZE(directives); i++) {
		if (!strcmp(kw, directives[i].kw)) {
			ret = directives[i].fn(st, kw, args, err);
			free(args);
			return ret;
		}
	}
	ret = conf_setting(st->cfg, kw, args, err);
	free(args);
	return ret == -ENOENT ? unknown_directive(kw, err) : ret;
}

/* ---- files and includes ------------------------------------------------------------------ */

/* Prefix @err's message with "file:line: " unless an included file's error did already. */
static int locate(struct parse_state *st, const char *file, unsigned int line, int ret,
		  struct ctf_err *err)
{
	if (!st->located)
		ret = conf_err_locate(err, file, line, ret);
	st->located = true;
	return ret ? ret : -EINVAL;
}

static int parse_text(struct parse_state *st, const char *file, const char *text,
		      struct ctf_err *err)
{
	const char *outer_file = st->file;
	unsigned int outer_line = st->line;
	char *copy = ctf_xstrdup(text), *line = copy, *nl;
	int ret = 0;

	st->file = file;
	st->line = 0;
	for (; line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		st->line++;
		ret = parse_line(st, line, err);
		if (ret) {
			ret = locate(st, st->file, st->line, ret, err);
			break;
		}
	}
	free(copy);
	st->file = outer_file;
	st->line = outer_line;
	return ret;
}

static int read_text(const char *path, struct ctf_str *text, struct ctf_err *err)
{
	char buf[4096];
	size_t n;
	FILE *f = fopen(path, "re");
	int ret = 0;

	if (!f) {
		ret = -errno;
		return ctf_err_setn(err, ret, "%s: %s", path, strerror(-ret));
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (memchr(buf, '\0', n)) {
			ret = ctf_err_set(err, "%s: contains a NUL byte", path);
			break;
		}
		ctf_str_put(text, buf, n);
	}
	if (!ret && ferror(f))
		ret = ctf_err_setn(err, -EIO, "%s: read error", path);
	fclose(f);
	return ret;
}

#define MAX_INCLUDE_DEPTH 16

/* Read @path as part of the configuration, refusing cycles and runaway nesting. */
static int include_file(struct parse_state *st, const char *path, struct ctf_err *err)
{
	char *real = realpath(path, NULL);
	struct ctf_str text;
	struct stat sb;
	int ret;

	if (!real || stat(real, &sb)) {
		ret = -errno;
		free(real);
		return ctf_err_setn(err, ret, "include %s: %s", path, strerror(-ret));
	}
	/* Not a device or a pipe, which could block a reload (or a fuzzer) for ever. */
	if (!S_ISREG(sb.st_mode)) {
		free(real);
		return ctf_err_set(err, "include %s: not a regular file", path);
	}
	for (size_t i = 0; i < st->n_open; i++) {
		if (strcmp(st->open[i], real))
			continue;
		ctf_err_set(err, "include %s: it is being read already (an include cycle)", path);
		ctf_err_hint(err, "remove the `include' that leads back to %s", st->open[i]);
		free(real);
		return -ELOOP;
	}
	if (st->n_open >= MAX_INCLUDE_DEPTH) {
		ctf_err_set(err, "include %s: more than %d files deep", path, MAX_INCLUDE_DEPTH);
		free(real);
		return -ELOOP;
	}
	ctf_str_init(&text);
	ret = read_text(path, &text, err);
	if (!ret) {
		st->open = ctf_xrealloc(st->open, (st->n_open + 1) * sizeof(*st->open));
		st->open[st->n_open++] = real;
		real = NULL;
		ret = parse_text(st, keep_file_name(st, path), ctf_str_cstr(&text), err);
		free(st->open[--st->n_open]);
	}
	ctf_str_free(&text);
	free(real);
	return ret;
}

/* include FILE | include DIR/\*.conf: relative to the including file's directory. */
static int directive_include(struct parse_state *st, const char *kw, char *args,
			     struct ctf_err *err)
{
	const char *slash = strrchr(st->file, '/');
	struct ctf_str path;
	glob_t g;
	char *arg;
	int ret = 0;

	if (conf_one_arg(kw, args, &arg, err))
		return -EINVAL;
	if (!arg) {
		ctf_err_set(err, "`include' needs a file name or a pattern");
		ctf_err_hint(err, "include rules.d/*.conf");
		return -EINVAL;
	}
	ctf_str_init(&path);
	if (arg[0] != '/' && slash)
		ctf_str_put(&path, st->file, (size_t)(slash - st->file) + 1);
	ctf_str_puts(&path, arg);
	if (!strpbrk(arg, "*?[")) {
		ret = include_file(st, ctf_str_cstr(&path), err);
		ctf_str_free(&path);
		return ret;
	}
	/*
	 * A pattern that matches nothing is an empty directory: nothing to add.
	 * A directory that cannot be read (a typo in its name) is an error.
	 */
	errno = 0;
	ret = glob(ctf_str_cstr(&path), GLOB_ERR, NULL, &g);
	if (ret && ret != GLOB_NOMATCH) {
		ret = errno ? -errno : -EIO;
		ctf_err_setn(err, ret, "include %s: cannot read its directory: %s", arg,
			     strerror(-ret));
		if (ret != -ENOMEM)
			globfree(&g);
	} else {
		ret = 0;
		for (size_t i = 0; ret == 0 && i < g.gl_pathc; i++)
			ret = include_file(st, g.gl_pathv[i], err);
		globfree(&g);
	}
	ctf_str_free(&path);
	return ret;
}

/* ---- the whole file -------------------------------------------------------------------- */

static int finish(struct parse_state *st, const char *name, struct ctf_err *err)
{
	struct conf *cfg = st->cfg;
	struct ctf_portmap map;
	int ret = 0;

	if (!st->n_directives) {
		ctf_err_set(err, "%s: configures nothing (every line is blank or a comment)", name);
		ctf_err_hint(err, "a `datapath' line, `port' lines and rules: see ctflowd.conf(5)");
		return -ENODATA;
	}
	if (!cfg->datapath[0]) {
		ctf_err_set(err, "%s: no `datapath' line", name);
		ctf_err_hint(err, "datapath ctfw");
		return -EINVAL;
	}
	conf_portmap(cfg, &map);
	for (size_t i = 0; i < st->n_pending && !ret; i++) {
		struct pending_rule *pr = &st->pending[i];
		struct conf_rule rule;

		ret = conf_rule_parse(&rule, pr->priority, pr->match, pr->actions, &map, err);
		if (ret) {
			ret = conf_err_locate(err, pr->file, pr->line, ret);
			break;
		}
		rule.line = pr->line;
		/* Rules of the main file name only their line (dump-rules shows it). */
		rule.file = strcmp(pr->file, name) ? ctf_xstrdup(pr->file) : NULL;
		cfg->rules = grow(cfg->rules, cfg->n_rules, sizeof(*cfg->rules));
		cfg->rules[cfg->n_rules++] = rule;
	}
	if (!ret && st->default_text) {
		ret = conf_default_actions(cfg, st->default_text, &map, err);
		if (ret)
			ret = conf_err_locate(err, st->default_file, st->default_line, ret);
	} else if (!ret) {
		ret = conf_default_actions(cfg, cfg->default_actions_text, &map, err);
	}
	ctf_portmap_free(&map);
	return ret;
}

static void parse_state_free(struct parse_state *st)
{
	for (size_t i = 0; i < st->n_pending; i++) {
		free(st->pending[i].match);
		free(st->pending[i].actions);
	}
	free(st->pending);
	for (size_t i = 0; i < st->n_defines; i++) {
		free(st->defines[i].name);
		free(st->defines[i].value);
	}
	free(st->defines);
	for (size_t i = 0; i < st->n_files; i++)
		free(st->files[i]);
	free(st->files);
	for (size_t i = 0; i < st->n_open; i++)
		free(st->open[i]);
	free(st->open);
	free(st->default_text);
}

/* @real: the file's real path, for cycle detection (NULL for a string). */
static int parse_top(struct conf *cfg, const char *name, const char *text, char *real,
		     struct ctf_err *err)
{
	struct parse_state st = { .cfg = cfg };
	int ret;

	ctf_err_clear(err);
	free(cfg->path);
	cfg->path = ctf_xstrdup(name);
	if (real) {
		st.open = ctf_xmalloc(sizeof(*st.open));
		st.open[st.n_open++] = real;
	}
	ret = parse_text(&st, keep_file_name(&st, name), text, err);
	if (!ret)
		ret = finish(&st, name, err);
	parse_state_free(&st);
	return ret;
}

int conf_parse_string(struct conf *cfg, const char *name, const char *text, struct ctf_err *err)
{
	return parse_top(cfg, name, text, NULL, err);
}

int conf_load(struct conf *cfg, const char *path, struct ctf_err *err)
{
	struct ctf_str text;
	int ret;

	ctf_str_init(&text);
	ret = read_text(path, &text, err);
	if (!ret)
		ret = parse_top(cfg, path, ctf_str_cstr(&text), realpath(path, NULL), err);
	ctf_str_free(&text);
	return ret;
}
