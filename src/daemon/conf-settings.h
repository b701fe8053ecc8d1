/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The directives that set one thing in struct conf (datapath, port, the
 * numbers, megaflows, upcall-dispatch, control-group), for conf-file.c,
 * which reads the lines and keeps rules, includes and definitions.
 */
#ifndef CTFLOWD_CONF_SETTINGS_H
#define CTFLOWD_CONF_SETTINGS_H

#include "conf.h"

/* Apply directive @kw with its @args (modified). -ENOENT: @kw is not a setting. */
int conf_setting(struct conf *cfg, const char *kw, char *args, struct ctf_err *err);
/* "datapath, port, ...": the settings' keywords, for a hint. */
void conf_setting_names(struct ctf_str *out);

/* Next whitespace-delimited token of *@p (modified in place), or NULL. */
char *conf_next_token(char **p);
/* The one argument of directive @kw (NULL if none); a second one is an error. */
int conf_one_arg(const char *kw, char *args, char **arg, struct ctf_err *err);

#endif
