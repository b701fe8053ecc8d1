// SPDX-License-Identifier: Apache-2.0
/*
 * The datapath argument every command takes, "[system@]NAME", read in one
 * place. Other types (netdev@...) are ovs-vswitchd's userspace datapaths,
 * which the kernel knows nothing about.
 */
#include <net/if.h>
#include <string.h>

#include "ctflow/util.h"

#include "cli.h"

const char *cli_dp_parse(const char *arg, struct ctf_err *err)
{
	const char *at = strchr(arg, '@');
	const char *name = at ? at + 1 : arg;

	if (at && ((size_t)(at - arg) != strlen("system") || strncmp(arg, "system", 6))) {
		ctf_err_set(err, "datapath type `%.*s' is not supported", (int)(at - arg), arg);
		ctf_err_hint(err, "ctflow drives the kernel datapath, type `system'");
		return NULL;
	}
	if (!*name) {
		ctf_err_set(err, "empty datapath name in `%s'", arg);
		ctf_err_hint(err, "ctflow dump-dps lists the datapaths");
		return NULL;
	}
	if (strlen(name) >= IFNAMSIZ) {
		ctf_err_set(err, "datapath name `%s' is too long (at most %d characters)", name,
			    IFNAMSIZ - 1);
		return NULL;
	}
	return name;
}

const char *cli_dp_name(const char *arg, const char *what)
{
	struct ctf_err err;
	const char *name = cli_dp_parse(arg, &err);

	if (!name)
		cli_fail(what, &err);
	return name;
}
