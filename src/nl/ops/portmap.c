// SPDX-License-Identifier: Apache-2.0
/* Port number <-> name map used for in_port(NAME) and output NAME. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctflow/flowtext.h"

void ctf_portmap_init(struct ctf_portmap *map)
{
	map->n = 0;
	map->ports = NULL;
}

void ctf_portmap_free(struct ctf_portmap *map)
{
	free(map->ports);
	ctf_portmap_init(map);
}

int ctf_portmap_add(struct ctf_portmap *map, uint32_t port_no, const char *name)
{
	size_t len = strlen(name);

	if (!len || len >= sizeof(map->ports[0].name))
		return -ENAMETOOLONG;
	/* A name that starts with a digit would read back as a number. */
	if (name[0] >= '0' && name[0] <= '9')
		return -EINVAL;
	for (size_t i = 0; i < map->n; i++) {
		if (!strcmp(map->ports[i].name, name) || map->ports[i].port_no == port_no) {
			map->ports[i].port_no = port_no;
			memcpy(map->ports[i].name, name, len + 1);
			return 0;
		}
	}
	map->ports = ctf_xrealloc(map->ports, (map->n + 1) * sizeof(map->ports[0]));
	map->ports[map->n].port_no = port_no;
	memcpy(map->ports[map->n].name, name, len + 1);
	map->n++;
	return 0;
}

int ctf_portmap_lookup_name(const struct ctf_portmap *map, const char *name, uint32_t *port_no)
{
	for (size_t i = 0; i < map->n; i++) {
		if (!strcmp(map->ports[i].name, name)) {
			*port_no = map->ports[i].port_no;
			return 0;
		}
	}
	return -ENOENT;
}

const char *ctf_portmap_lookup_no(const struct ctf_portmap *map, uint32_t port_no)
{
	for (size_t i = 0; i < map->n; i++)
		if (map->ports[i].port_no == port_no)
			return map->ports[i].name;
	return NULL;
}
