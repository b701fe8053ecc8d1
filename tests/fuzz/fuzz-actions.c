// SPDX-License-Identifier: Apache-2.0
/*
 * Action text: whatever the parser accepts prints in a form that parses back
 * to the same bytes and prints the same; the validator takes any accepted
 * list (against a plain IPv4 flow) without reading past it.
 */
#include "ctflow/flowtext.h"
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ctf_nlbuf a, b, key, mask;
	static struct ctf_str t1, t2;
	static int ready;
	struct ctf_err err;
	char *text;

	if (!ready) {
		ctf_nlbuf_init(&a, CTF_NLBUF_MAX);
		ctf_nlbuf_init(&b, CTF_NLBUF_MAX);
		ctf_nlbuf_init(&key, 4096);
		ctf_nlbuf_init(&mask, 4096);
		ctf_str_init(&t1);
		ctf_str_init(&t2);
		if (ctf_key_parse("recirc_id(0),in_port(1),eth(),eth_type(0x0800),ipv4(proto=6),"
				  "tcp(),tcp_flags(0/0)", NULL, &key, &mask, &err))
			abort();
		ready = 1;
	}
	text = fuzz_string(data, size);
	ctf_nlbuf_reset(&a);
	if (!ctf_actions_parse(text, NULL, &a, &err)) {
		ctf_flow_validate(ctf_nlbuf_data(&key), ctf_nlbuf_len(&key), ctf_nlbuf_data(&mask),
				  ctf_nlbuf_len(&mask), ctf_nlbuf_data(&a), ctf_nlbuf_len(&a), &err);
		ctf_str_clear(&t1);
		ctf_actions_format(ctf_nlbuf_data(&a), ctf_nlbuf_len(&a), NULL, 0, &t1);
		ctf_nlbuf_reset(&b);
		fuzz_check(!ctf_actions_parse(ctf_str_cstr(&t1), NULL, &b, &err),
			   "`%s' printed as `%s', which does not parse: %s", text, ctf_str_cstr(&t1),
			   err.msg);
		ctf_str_clear(&t2);
		ctf_actions_format(ctf_nlbuf_data(&b), ctf_nlbuf_len(&b), NULL, 0, &t2);
		fuzz_check(!strcmp(ctf_str_cstr(&t1), ctf_str_cstr(&t2)), "`%s' prints `%s', then `%s'",
			   text, ctf_str_cstr(&t1), ctf_str_cstr(&t2));
	}
	free(text);
	return 0;
}
