/* SPDX-License-Identifier: Apache-2.0 */
/*
 * /etc/ctflow/ctflowd.conf: one directive per line, '#' starts a comment.
 *
 *   datapath NAME
 *   port IFNAME                      (repeatable)
 *   rule PRIORITY MATCH ACTIONS      (flow language; port names allowed)
 *   idle-timeout SECONDS             (default 10)
 *   flow-limit N                     (default 200000)
 *   upcall-log-rate N                (lines per second, 0 = unlimited; default 20)
 *   default-action drop|ACTIONS      (default drop)
 *   megaflows on|off                 (default on)
 *   revalidate-interval MS           (default 500)
 *   upcall-dispatch auto|per-vport   (default auto: per-CPU when the kernel has it)
 *   upcall-buffer BYTES              (receive buffer per upcall socket; default 4 MiB)
 *   handler-threads auto|N           (default auto: one per online CPU, at most 8)
 *   control-group NAME|GID           (who may change the policy; start-only)
 *   include FILE|PATTERN             (relative to the including file; patterns sorted)
 *   define NAME = VALUE              (then $NAME anywhere later on a line)
 *
 * In a rule, the match ends at the first blank outside parentheses that is
 * not next to a comma or a parenthesis: `recirc_id(0), eth_type(0x0800) drop'.
 *
 * Port names in rules are resolved against a port map. While checking a file
 * (ctflowd -n, or before the ports exist) the map numbers the `port` lines
 * 1, 2, ... in order, which is enough to prove every name is declared; once
 * the datapath is open, conf_resolve() re-parses with the real numbers.
 */
#ifndef CTFLOWD_CONFIG_H
#define CTFLOWD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include <sys/types.h>

#include "ctflow/flowtext.h"
#include "ctflow/nlbuf.h"
#include "ctflow/util.h"

#define CTF_CONFIG_PATH SYSCONFDIR "/ctflow/ctflowd.conf"

#define CTF_DEFAULT_IDLE_TIMEOUT_S 10u
#define CTF_DEFAULT_FLOW_LIMIT 200000u
#define CTF_DEFAULT_UPCALL_LOG_RATE 20u
#define CTF_DEFAULT_REVALIDATE_MS 500u
/* Room for a burst of misses; small values (down to the minimum) provoke loss in tests. */
#define CTF_DEFAULT_UPCALL_BUFFER (4u * 1024 * 1024)
#define CTF_MIN_UPCALL_BUFFER 4096u
/* The kernel doubles the value and keeps it in an int. */
#define CTF_MAX_UPCALL_BUFFER (256u * 1024 * 1024)
#define CTF_MAX_PRIORITY 65535u
#define CTF_MAX_HANDLER_THREADS 64u

struct conf_rule {
	unsigned int line;		/* 0 for rules added over the control socket */
	char *file;			/* an included file; NULL: the configuration's own */
	uint32_t priority;
	char *match_text;
	char *actions_text;
	struct ctf_nlbuf key, mask, actions;	/* parsed with the current port map */
};

struct conf {
	char *path;			/* for messages: "path:line: ..." */
	char datapath[IFNAMSIZ];
	char (*ports)[IFNAMSIZ];
	size_t n_ports;
	struct conf_rule *rules;	/* in file order */
	size_t n_rules;

	unsigned int idle_timeout_s;
	unsigned int flow_limit;
	unsigned int upcall_log_rate;
	unsigned int revalidate_ms;
	unsigned int upcall_buffer;	/* bytes, SO_RCVBUF of each upcall socket */
	bool megaflows;
	bool force_per_vport;		/* upcall-dispatch per-vport */
	unsigned int handler_threads;	/* 0: auto */
	bool have_control_group;	/* control-group given */
	gid_t control_gid;		/* resolved when the file is read */
	char *default_actions_text;	/* "drop" unless set */
	struct ctf_nlbuf default_actions;
};

void conf_init(struct conf *cfg);
void conf_free(struct conf *cfg);

/*
 * Parse @text (named @name in messages). Returns 0, or -EINVAL with
 * @err->msg = "name:line: what (hint: ...)", or -ENODATA when the text holds
 * no directive at all (a template, as a package installs it: not an error
 * for the daemon, which then has nothing to do). @cfg is left initialised
 * and must be freed either way.
 */
int conf_parse_string(struct conf *cfg, const char *name, const char *text,
			    struct ctf_err *err);
/*
 * Read and parse @path (-errno and "path: strerror" if it cannot be read).
 * Includes are read relative to @path's directory.
 */
int conf_load(struct conf *cfg, const char *path, struct ctf_err *err);

/*
 * Split the text after a rule's priority into MATCH and ACTIONS, in place
 * (both trimmed; ACTIONS may be empty). -EINVAL if parentheses do not balance.
 */
int conf_split_rule(char *text, char **match, char **actions);

/* The provisional map used while checking: port lines numbered 1..n. */
void conf_portmap(const struct conf *cfg, struct ctf_portmap *map);

/* Re-parse every rule and the default action against @map (real port numbers). */
int conf_resolve(struct conf *cfg, const struct ctf_portmap *map,
		       struct ctf_err *err);

/*
 * Parse and check one rule (also used by the control socket's add-rule).
 * On success @rule owns copies of the texts and the parsed streams.
 */
int conf_rule_parse(struct conf_rule *rule, uint32_t priority, const char *match,
			  const char *actions, const struct ctf_portmap *map, struct ctf_err *err);
void conf_rule_free(struct conf_rule *rule);
/* Deep copy (texts and streams). Returns 0 or -EMSGSIZE. */
int conf_rule_copy(struct conf_rule *dst, const struct conf_rule *src);

/* Parse "10" as a priority in 0..CTF_MAX_PRIORITY. */
int conf_parse_priority(const char *s, uint32_t *prio);
/* An unsigned decimal in [min, max]; no sign, no trailing junk, no wrap. */
int conf_parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out);
/* Prefix @err's message with "name:line: "; returns @ret, or -EINVAL for 0. */
int conf_err_locate(struct ctf_err *err, const char *name, unsigned int line, int ret);
/* Parse @text as the default action (kept as cfg->default_actions_text). */
int conf_default_actions(struct conf *cfg, const char *text, const struct ctf_portmap *map,
			 struct ctf_err *err);

#endif
