// SPDX-License-Identifier: Apache-2.0
/* The ports of a datapath as an array (show, dump-dps, upcall-listen). */
#include <stdlib.h>
#include <string.h>

#include "ctflow/dp.h"
#include "ctflow/util.h"
#include "cli.h"

static int collect_port_cb(const struct ctf_vport_info *info, void *arg)
{
	struct cli_port_list *l = arg;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->ports = ctf_xrealloc(l->ports, l->cap * sizeof(*l->ports));
	}
	l->ports[l->n++] = *info;
	return 0;
}

int cli_port_list_load(struct ctf_nlsock *sock, int dp_ifindex, struct cli_port_list *list,
		       struct ctf_err *err)
{
	int ret;

	memset(list, 0, sizeof(*list));
	ret = ctf_vport_dump(sock, dp_ifindex, collect_port_cb, list, err);
	if (ret == 0)
		ctf_vport_sort(list->ports, list->n);
	return ret;
}
