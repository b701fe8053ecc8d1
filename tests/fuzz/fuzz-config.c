// SPDX-License-Identifier: Apache-2.0
/*
 * ctflowd.conf: any text is parsed (accepted or refused with a message that
 * names a line), and what is accepted builds a policy that classifies a
 * packet.
 */
#include <ctype.h>
#include <stdbool.h>

#include "../../src/daemon/conf.h"
#include "../../src/daemon/policy.h"
#include "fuzz-common.h"

/*
 * "fuzz.conf: ..." (the file as a whole) or "FILE:LINE: ...". FILE is
 * fuzz.conf or one it includes: `include *` reads whatever the current
 * directory holds, and the error is then that file's.
 */
static bool has_location(const char *msg)
{
	const char *c = strchr(msg, ':');

	if (!strncmp(msg, "fuzz.conf:", 10))
		return true;
	if (!c || c == msg || !isdigit((unsigned char)c[1]))
		return false;
	for (c++; isdigit((unsigned char)*c); c++)
		;
	return *c == ':';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf cfg;
	struct ctf_err err;
	char *text = fuzz_string(data, size);

	conf_init(&cfg);
	if (!conf_parse_string(&cfg, "fuzz.conf", text, &err)) {
		struct ctf_portmap map;
		struct policy *pol = NULL;
		uint64_t next_id = 1;

		conf_portmap(&cfg, &map);
		if (!policy_from_config(&pol, &cfg, &map, NULL, &next_id, NULL, &err)) {
			struct ctf_flow_key k;
			struct policy_decision d;

			memset(&k, 0, sizeof(k));
			k.recirc_id = 1;
			k.eth_type = 0x0008;
			policy_classify(pol, &k, &d);
		}
		policy_free(pol);
		ctf_portmap_free(&map);
	} else {
		fuzz_check(has_location(err.msg), "error without a location: %s", err.msg);
	}
	conf_free(&cfg);
	free(text);
	return 0;
}
