// SPDX-License-Identifier: Apache-2.0
/*
 * dump-rules and save-rules: ctflowd's rules in the syntax of ctflowd.conf(5),
 * so that what is printed can be saved and loaded again:
 *
 *     rule PRIORITY MATCH ACTIONS
 *     default-action ACTIONS
 *
 * dump-rules adds each rule's counters as a comment (which the file format
 * ignores); save-rules writes the rules without them, rules added with
 * add-rule included, to a file that replaces the old one atomically.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctflow/ctl.h"
#include "ctflow/util.h"
#include "cli.h"
#include "commands.h"
#include "ctl-client.h"
#include "output.h"
#include "text.h"

struct rule_rec {
	bool is_default;
	uint32_t priority;
	uint32_t line;		/* in ctflowd.conf; 0: added over the socket */
	uint64_t hits, flows;
	char *match;		/* blanks removed: the file format ends a match at one */
	char *actions;
};

struct rule_list {
	size_t n, cap;
	struct rule_rec *r;
};

static void rule_list_free(struct rule_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->r[i].match);
		free(l->r[i].actions);
	}
	free(l->r);
}

/* A match is one word in the file: the blanks a user may have typed go. */
static char *without_blanks(const char *s)
{
	char *out = ctf_xmalloc(strlen(s) + 1), *o = out;

	for (; *s; s++)
		if (*s != ' ' && *s != '\t')
			*o++ = *s;
	*o = '\0';
	return out;
}

static int add_record(struct rule_list *l, const struct ctl_client *c, long n)
{
	struct ctf_ctl_rule_rec rec;
	size_t off = sizeof(struct ctf_ctl_hdr) + sizeof(rec);
	const char *match, *actions;
	struct rule_rec *r;

	if ((size_t)n < off)
		return -1;
	memcpy(&rec, c->buf + sizeof(struct ctf_ctl_hdr), sizeof(rec));
	match = ctf_ctl_string(c->buf, (size_t)n, &off);
	actions = ctf_ctl_string(c->buf, (size_t)n, &off);
	if (!match || !actions)
		return -1;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->r = ctf_xrealloc(l->r, l->cap * sizeof(*l->r));
	}
	r = &l->r[l->n++];
	*r = (struct rule_rec){
		.is_default = !*match, .priority = rec.priority, .line = rec.line,
		.hits = rec.hits, .flows = rec.flows,
		.match = without_blanks(match), .actions = ctf_xstrdup(actions),
	};
	return 0;
}

/* Every rule ctflowd has, the default action last. CLI_OK or CLI_ERR (printed). */
static int fetch_rules(struct rule_list *l, const char *what)
{
	struct ctl_client c;
	struct ctf_ctl_hdr h;
	int ret = CLI_ERR;
	long n;

	memset(l, 0, sizeof(*l));
	if (ctl_connect(&c))
		return CLI_ERR;
	if (ctl_send(&c, CTF_CTL_DUMP_RULES, NULL, 0, NULL, NULL)) {
		ctl_close(&c);
		return CLI_ERR;
	}
	while ((n = ctl_recv(&c, &h)) > 0) {
		if (h.type == CTF_CTL_END) {
			ret = CLI_OK;
			break;
		}
		if (h.type == CTF_CTL_RESULT) {
			ctl_refused(&c, n, what);
			break;
		}
		if (h.type != CTF_CTL_RULE) {
			cli_error("cannot %s: unexpected reply type %u from ctflowd", what, h.type);
			break;
		}
		if (add_record(l, &c, n) < 0) {
			cli_error("cannot %s: malformed rule record from ctflowd", what);
			break;
		}
	}
	ctl_close(&c);
	if (ret != CLI_OK)
		rule_list_free(l);
	return ret;
}

/* A rule line: "rule PRIORITY MATCH ACTIONS" or "default-action ACTIONS". */
static void rule_line(const struct rule_rec *r, struct ctf_str *out)
{
	if (r->is_default)
		ctf_str_printf(out, "default-action %s", r->actions);
	else
		ctf_str_printf(out, "rule %" PRIu32 " %s %s", r->priority, r->match, r->actions);
}

/*
 * Would the line read back as this rule? A '#' would start a comment, and
 * a control byte (a newline above all) would end or corrupt the line.
 */
static bool fits_conf_syntax(const struct rule_rec *r)
{
	const char *texts[] = { r->match, r->actions };

	if (!r->is_default && !*r->match)
		return false;
	for (size_t i = 0; i < CTF_ARRAY_SIZE(texts); i++)
		for (const unsigned char *p = (const unsigned char *)texts[i]; *p; p++)
			if (*p == '#' || *p < 0x20 || *p == 0x7f)
				return false;
	return true;
}

static struct json_object *rules_json(const struct rule_list *l)
{
	struct json_object *doc = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	struct json_object *deflt = NULL;

	for (size_t i = 0; i < l->n; i++) {
		const struct rule_rec *r = &l->r[i];
		struct json_object *o = json_object_new_object();

		if (!r->is_default) {
			cli_json_add_int(o, "priority", r->priority);
			cli_json_add_str(o, "match", r->match);
		}
		cli_json_add_str(o, "actions", r->actions);
		cli_json_add_u64(o, "hits", r->hits);
		cli_json_add_u64(o, "flows", r->flows);
		if (r->is_default) {
			deflt = o;
			continue;
		}
		if (r->line)
			cli_json_add_int(o, "line", r->line);
		else
			json_object_object_add(o, "line", NULL);
		json_object_array_add(arr, o);
	}
	json_object_object_add(doc, "rules", arr);
	json_object_object_add(doc, "default_action", deflt);
	return doc;
}

int cmd_dump_rules(int argc, char **argv)
{
	struct rule_list l;
	struct ctf_str line = { 0 };

	if (fetch_rules(&l, "dump rules"))
		return CLI_ERR;
	if (cli_opts.json) {
		int ret = cli_json_print(rules_json(&l));

		rule_list_free(&l);
		return ret;
	}
	for (size_t i = 0; i < l.n; i++) {
		const struct rule_rec *r = &l.r[i];

		ctf_str_clear(&line);
		rule_line(r, &line);
		ctf_str_printf(&line, "  # hits:%" PRIu64 " flows:%" PRIu64, r->hits, r->flows);
		if (!r->is_default)
			ctf_str_printf(&line, r->line ? " line:%" PRIu32 : " added", r->line);
		/* The texts came from other users: nothing raw reaches the terminal. */
		if (!fits_conf_syntax(r))
			ctf_str_puts(&line, " (cannot be saved)");
		cli_text_escape(ctf_str_cstr(&line), line.len, cli_out_buffer());
		cli_out_puts("\n");
	}
	ctf_str_free(&line);
	rule_list_free(&l);
	return CLI_OK;
}

/* ---- save-rules ------------------------------------------------------------ */

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The mode a new file would get from open(0666) under the current umask. */
static mode_t new_file_mode(void)
{
	mode_t mask = umask(0);

	umask(mask);
	return 0666 & ~mask;
}

/*
 * Write @text to @path through a temporary file in the same directory and
 * rename(2): readers (a ctflowd reload) see the old file or the new one,
 * never a part. An existing file keeps its mode. 0 or a negative errno.
 */
static int replace_file(const char *path, const struct ctf_str *text)
{
	struct ctf_str tmp = { 0 };
	struct stat st;
	mode_t mode = stat(path, &st) == 0 ? st.st_mode & 07777 : new_file_mode();
	int fd, ret;

	ctf_str_printf(&tmp, "%s.XXXXXX", path);
	fd = mkstemp(tmp.buf);
	if (fd < 0) {
		ret = -errno;
		ctf_str_free(&tmp);
		return ret;
	}
	ret = write_all(fd, text->buf ? text->buf : "", text->len);
	if (!ret && fchmod(fd, mode) < 0)
		ret = -errno;
	if (!ret && fsync(fd) < 0)
		ret = -errno;
	if (close(fd) < 0 && !ret)
		ret = -errno;
	if (!ret && rename(tmp.buf, path) < 0)
		ret = -errno;
	if (ret)
		unlink(tmp.buf);
	ctf_str_free(&tmp);
	return ret;
}

int cmd_save_rules(int argc, char **argv)
{
	const char *path = argv[1];
	struct rule_list l;
	struct ctf_str text = { 0 };
	int ret = CLI_OK;

	if (!*path) {
		cli_error("cannot save rules: empty file name");
		return CLI_USAGE;
	}
	if (fetch_rules(&l, "save rules"))
		return CLI_ERR;
	ctf_str_puts(&text, "# ctflowd rules, written by ctflow save-rules: the rule and\n"
		     "# default-action lines of ctflowd.conf(5).\n");
	for (size_t i = 0; i < l.n && ret == CLI_OK; i++) {
		const struct rule_rec *r = &l.r[i];

		if (!fits_conf_syntax(r)) {
			cli_error("cannot save rules: rule %" PRIu32 " `%s' has a `#' or a control "
				  "character that ctflowd.conf cannot hold (hint: delete it and "
				  "add it again without them); %s is unchanged",
				  r->priority, r->match, path);
			ret = CLI_ERR;
			break;
		}
		rule_line(r, &text);
		ctf_str_putc(&text, '\n');
	}
	if (ret == CLI_OK) {
		int r = replace_file(path, &text);

		if (r < 0) {
			cli_error("cannot save rules: cannot write `%s': %s", path, strerror(-r));
			ret = CLI_ERR;
		}
	}
	ctf_str_free(&text);
	rule_list_free(&l);
	return ret;
}
