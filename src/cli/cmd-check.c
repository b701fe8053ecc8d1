// SPDX-License-Identifier: Apache-2.0
/*
 * ctflow check-flow [ufid:UUID,]FLOW [ACTIONS]
 *
 * Offline (no root, no kernel): parse the flow, run the same validation
 * add-flow runs before sending, and print the canonical text. The key and
 * mask go through the fixed-layout key struct and back (decode, then encode
 * in the kernel's attribute order), so what is printed is what the kernel
 * would hold and dump; actions are printed from their parsed attributes.
 *
 * Output is one line in dump-flows style, so it can be compared with a
 * dump directly:
 *     [ufid:UUID, ]FLOW[, actions:ACTIONS]
 * --hex adds the attribute bytes (key, mask, actions) as hex dumps: the
 * parser's own buffers, in the order the flow was written, which are the
 * bytes add-flow sends (the canonical line above is the kernel's order).
 * -m prints every field with its mask, --json prints the same as a document.
 *
 * Exit: 0 the kernel would accept the flow, 1 refused (with the reason and
 * a hint), 2 usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "ctflow/flow.h"
#include "ctflow/flowtext.h"
#include "ctflow/match.h"
#include "ctflow/util.h"
#include "cli.h"
#include "commands.h"
#include "output.h"

static void hex_dump(const char *what, const void *data, size_t len)
{
	const uint8_t *p = data;

	cli_out_printf("%s: %zu bytes\n", what, len);
	for (size_t off = 0; off < len; off += 16) {
		cli_out_printf("  %04zx ", off);
		for (size_t i = off; i < off + 16 && i < len; i++)
			cli_out_printf(" %02x", p[i]);
		cli_out_puts("\n");
	}
}

static void hex_string(const struct ctf_nlbuf *b, struct ctf_str *out)
{
	const uint8_t *p = ctf_nlbuf_data(b);

	for (size_t i = 0; i < ctf_nlbuf_len(b); i++)
		ctf_str_put_xdigits(out, p[i], 2);
}

/*
 * --json: {"ufid": UUID or null, "match", "actions" (null without ACTIONS)},
 * and with --hex "bytes": {"key", "mask", "actions"} as hex strings.
 */
static int print_json(const struct ctf_ufid *ufid, const char *match, const char *actions,
		      const struct ctf_nlbuf *key, const struct ctf_nlbuf *mask,
		      const struct ctf_nlbuf *acts)
{
	struct json_object *o = json_object_new_object();
	struct ctf_str tmp = { 0 };

	if (ufid) {
		ctf_ufid_format(ufid, &tmp);
		cli_json_add_str(o, "ufid", ctf_str_cstr(&tmp) + 5);	/* without "ufid:" */
		ctf_str_clear(&tmp);
	} else {
		json_object_object_add(o, "ufid", NULL);
	}
	cli_json_add_str(o, "match", match);
	json_object_object_add(o, "actions", cli_json_str(actions));
	if (cli_opts.hex) {
		struct json_object *b = json_object_new_object();

		hex_string(key, &tmp);
		cli_json_add_str(b, "key", ctf_str_cstr(&tmp));
		ctf_str_clear(&tmp);
		hex_string(mask, &tmp);
		cli_json_add_str(b, "mask", ctf_str_cstr(&tmp));
		ctf_str_clear(&tmp);
		if (actions) {
			hex_string(acts, &tmp);
			cli_json_add_str(b, "actions", ctf_str_cstr(&tmp));
		}
		json_object_object_add(o, "bytes", b);
	}
	ctf_str_free(&tmp);
	return cli_json_print(o);
}

/* Decode the parsed key/mask into the struct and encode them back in kernel order. */
static int canonical_match(const struct ctf_nlbuf *key, const struct ctf_nlbuf *mask,
			   struct ctf_nlbuf *key_out, struct ctf_nlbuf *mask_out, struct ctf_err *err)
{
	struct ctf_flow_key *k = ctf_xmalloc(2 * sizeof(*k)), *m = k + 1;
	int ret;

	ret = ctf_flow_key_from_attrs(ctf_nlbuf_data(key), ctf_nlbuf_len(key), k, err);
	if (!ret)
		ret = ctf_flow_key_from_attrs(ctf_nlbuf_data(mask), ctf_nlbuf_len(mask), m, err);
	if (!ret) {
		ret = ctf_flow_key_to_attrs(k, ctf_nlbuf_len(mask) ? m : NULL, key_out, mask_out);
		if (ret)
			ctf_err_set(err, "the flow does not fit in a netlink attribute");
	}
	free(k);
	return ret;
}

int cmd_check_flow(int argc, char **argv)
{
	const char *flow_text = argv[1], *key_text;
	const char *actions_text = argc > 2 ? argv[2] : NULL;
	unsigned flags = cli_opts.more ? CTF_FMT_VERBOSE : 0;
	struct ctf_nlbuf key, mask, acts, ckey, cmask;
	struct ctf_ufid ufid;
	bool has_ufid = false;
	struct ctf_err err;
	struct ctf_str out;
	int ret = CLI_ERR;

	ctf_err_clear(&err);
	if (ctf_nlbuf_init(&key, 4096) || ctf_nlbuf_init(&mask, 4096) || ctf_nlbuf_init(&acts, 4096) ||
	    ctf_nlbuf_init(&ckey, 4096) || ctf_nlbuf_init(&cmask, 4096)) {
		cli_error("cannot check flow: out of memory");
		return CLI_ERR;
	}
	ctf_str_init(&out);

	if (ctf_flow_split_ufid(flow_text, &ufid, &has_ufid, &key_text, &err) < 0 ||
	    ctf_key_parse(key_text, NULL, &key, &mask, &err) < 0 ||
	    (actions_text && ctf_actions_parse(actions_text, NULL, &acts, &err) < 0) ||
	    ctf_flow_validate(ctf_nlbuf_data(&key), ctf_nlbuf_len(&key), ctf_nlbuf_data(&mask),
			      ctf_nlbuf_len(&mask), ctf_nlbuf_data(&acts), ctf_nlbuf_len(&acts), &err) < 0 ||
	    canonical_match(&key, &mask, &ckey, &cmask, &err) < 0) {
		cli_fail("check flow", &err);
		goto out;
	}

	if (cli_opts.json) {
		struct ctf_str match = { 0 }, actions = { 0 };

		ctf_key_format(ctf_nlbuf_data(&ckey), ctf_nlbuf_len(&ckey), ctf_nlbuf_data(&cmask),
			       ctf_nlbuf_len(&cmask), NULL, flags, &match);
		if (actions_text)
			ctf_actions_format(ctf_nlbuf_data(&acts), ctf_nlbuf_len(&acts), NULL, flags,
					   &actions);
		ret = print_json(has_ufid ? &ufid : NULL, ctf_str_cstr(&match),
				 actions_text ? ctf_str_cstr(&actions) : NULL, &key, &mask, &acts);
		ctf_str_free(&match);
		ctf_str_free(&actions);
		goto out;
	}
	if (has_ufid) {
		ctf_ufid_format(&ufid, &out);
		ctf_str_puts(&out, ", ");
	}
	ctf_key_format(ctf_nlbuf_data(&ckey), ctf_nlbuf_len(&ckey), ctf_nlbuf_data(&cmask),
		       ctf_nlbuf_len(&cmask), NULL, flags, &out);
	if (actions_text) {
		ctf_str_puts(&out, ", actions:");
		ctf_actions_format(ctf_nlbuf_data(&acts), ctf_nlbuf_len(&acts), NULL, flags, &out);
	}
	cli_out_puts(ctf_str_cstr(&out));
	cli_out_puts("\n");
	if (cli_opts.hex) {
		/* What add-flow sends (an empty mask is sent as none). */
		hex_dump("key", ctf_nlbuf_data(&key), ctf_nlbuf_len(&key));
		hex_dump("mask", ctf_nlbuf_data(&mask), ctf_nlbuf_len(&mask));
		if (actions_text)
			hex_dump("actions", ctf_nlbuf_data(&acts), ctf_nlbuf_len(&acts));
	}
	ret = CLI_OK;
out:
	ctf_str_free(&out);
	ctf_nlbuf_free(&key);
	ctf_nlbuf_free(&mask);
	ctf_nlbuf_free(&acts);
	ctf_nlbuf_free(&ckey);
	ctf_nlbuf_free(&cmask);
	return ret;
}
