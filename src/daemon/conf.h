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
 *
 * Port names in rules are resolved against a port map. While checking a file
 * (ctflowd -n, or before the ports exist) the map numbers the `port` lines
 * 1, 2, ... in order, which is enough to prove every name is declared; once
 * the datapath is open, ctf_config_resolve() re-parses with the real numbers.
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

struct ctf_config_rule {
	unsigned int line;		/* 0 for rules added over the control socket */
	uint32_t priority;
	char *match_text;
	char *actions_text;
	struct ctf_nlbuf key, mask, actions;	/* parsed with the current port map */
};

struct ctf_config {
	char *path;			/* for messages: "path:line: ..." */
	char datapath[IFNAMSIZ];
	char (*ports)[IFNAMSIZ];
	size_t n_ports;
	struct ctf_config_rule *rules;	/* in file order */
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

void ctf_config_init(struct ctf_config *cfg);
void ctf_config_free(struct ctf_config *cfg);

/*
 * Parse @text (named @name in messages). Returns 0, or -EINVAL with
 * @err->msg = "name:line: what (hint: ...)", or -ENODATA when the text holds
 * no directive at all (a template, as a package installs it: not an error
 * for the daemon, which then has nothing to do). @cfg is left initialised
 * and must be freed either way.
 */
int ctf_config_parse_string(struct ctf_config *cfg, const char *name, const char *text,
			    struct ctf_err *err);
/* Read and parse @path (-errno and "path: strerror" if it cannot be read). */
int ctf_config_load(struct ctf_config *cfg, const char *path, struct ctf_err *err);

/* The provisional map used while checking: port lines numbered 1..n. */
void ctf_config_portmap(const struct ctf_config *cfg, struct ctf_portmap *map);

/* Re-parse every rule and the default action against @map (real port numbers). */
int ctf_config_resolve(struct ctf_config *cfg, const struct ctf_portmap *map,
		       struct ctf_err *err);

/*
 * Parse and check one rule (also used by the control socket's add-rule).
 * On success @rule owns copies of the texts and the parsed streams.
 */
int ctf_config_rule_parse(struct ctf_config_rule *rule, uint32_t priority, const char *match,
			  const char *actions, const struct ctf_portmap *map, struct ctf_err *err);
void ctf_config_rule_free(struct ctf_config_rule *rule);
/* Deep copy (texts and streams). Returns 0 or -EMSGSIZE. */
int ctf_config_rule_copy(struct ctf_config_rule *dst, const struct ctf_config_rule *src);

/* Parse "10" as a priority in 0..CTF_MAX_PRIORITY. */
int ctf_config_parse_priority(const char *s, uint32_t *prio);

#endif
