// SPDX-License-Identifier: Apache-2.0
/*
 * Flow key text: whatever the parser accepts, it prints in a form that
 * parses back and prints the same (the printed form is a fixed point), and
 * the validator and the fixed-layout decoder take the bytes without
 * reading past them.
 */
#include "ctflow/flowtext.h"
#include "ctflow/match.h"
#include "fuzz-common.h"

static struct ctf_err parse_err;

static int parse(const char *text, struct ctf_nlbuf *k, struct ctf_nlbuf *m)
{
	ctf_nlbuf_reset(k);
	ctf_nlbuf_reset(m);
	return ctf_key_parse(text, NULL, k, m, &parse_err);
}

static void print(struct ctf_nlbuf *k, struct ctf_nlbuf *m, struct ctf_str *out)
{
	ctf_str_clear(out);
	ctf_key_format(ctf_nlbuf_data(k), ctf_nlbuf_len(k), ctf_nlbuf_data(m), ctf_nlbuf_len(m), NULL,
		       CTF_FMT_VERBOSE, out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ctf_nlbuf k, m;
	static struct ctf_str t1, t2;
	static int ready;
	struct ctf_flow_key fk;
	struct ctf_err err;
	char *text;

	if (!ready) {
		ctf_nlbuf_init(&k, CTF_NLBUF_MAX);
		ctf_nlbuf_init(&m, CTF_NLBUF_MAX);
		ctf_str_init(&t1);
		ctf_str_init(&t2);
		ready = 1;
	}
	text = fuzz_string(data, size);
	if (!parse(text, &k, &m)) {
		ctf_flow_validate(ctf_nlbuf_data(&k), ctf_nlbuf_len(&k), ctf_nlbuf_data(&m),
				  ctf_nlbuf_len(&m), NULL, 0, &err);
		ctf_flow_key_from_attrs(ctf_nlbuf_data(&k), ctf_nlbuf_len(&k), &fk, NULL);
		print(&k, &m, &t1);
		/* An empty key prints as ovs-dpctl prints it, which is not key syntax. */
		if (!strcmp(ctf_str_cstr(&t1), "<empty>")) {
			fuzz_check(!ctf_nlbuf_len(&k), "a key of %zu bytes printed as <empty>",
				   ctf_nlbuf_len(&k));
			free(text);
			return 0;
		}
		fuzz_check(!parse(ctf_str_cstr(&t1), &k, &m), "`%s' printed as `%s', which does not parse: %s",
			   text, ctf_str_cstr(&t1), parse_err.msg);
		print(&k, &m, &t2);
		fuzz_check(!strcmp(ctf_str_cstr(&t1), ctf_str_cstr(&t2)),
			   "`%s' prints `%s', then `%s'", text, ctf_str_cstr(&t1), ctf_str_cstr(&t2));
	}
	free(text);
	return 0;
}
