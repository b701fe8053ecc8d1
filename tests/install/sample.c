// SPDX-License-Identifier: Apache-2.0
/*
 * A program written against the installed library, as a user would write
 * it: the flow text of a conntrack pipeline's second stage parsed, checked
 * against the kernel's rules and printed back, with nothing but
 * <ctflow/...> headers and `pkg-config --cflags --libs libctflow`.
 * `make installcheck` builds and runs it against the installed files.
 * Exit 0 when every step gives what the flow language promises.
 */
#include <stdio.h>
#include <string.h>

#include <ctflow/flowtext.h>
#include <ctflow/nlbuf.h>
#include <ctflow/util.h>

int main(void)
{
	const char *flow = "recirc_id(0x1),in_port(1),ct_state(+new+trk),eth_type(0x0800),"
			   "ipv4(src=10.0.0.0/255.0.0.0,proto=6),tcp(dst=443),tcp_flags(0/0)";
	const char *actions = "ct(commit,zone=5,nat(src=192.0.2.1)),2";
	struct ctf_nlbuf key, mask, acts;
	struct ctf_str text;
	struct ctf_err err;
	char buf[1100];
	int ret;

	ctf_nlbuf_init(&key, 4096);
	ctf_nlbuf_init(&mask, 4096);
	ctf_nlbuf_init(&acts, 4096);
	ctf_str_init(&text);
	ret = ctf_key_parse(flow, NULL, &key, &mask, &err);
	if (!ret)
		ret = ctf_actions_parse(actions, NULL, &acts, &err);
	if (!ret)
		ret = ctf_flow_validate(ctf_nlbuf_data(&key), ctf_nlbuf_len(&key), ctf_nlbuf_data(&mask),
					ctf_nlbuf_len(&mask), ctf_nlbuf_data(&acts), ctf_nlbuf_len(&acts),
					&err);
	if (ret) {
		fprintf(stderr, "sample: %s\n", ctf_err_text(&err, buf, sizeof(buf)));
		goto out;
	}
	ctf_key_format(ctf_nlbuf_data(&key), ctf_nlbuf_len(&key), ctf_nlbuf_data(&mask),
		       ctf_nlbuf_len(&mask), NULL, 0, &text);
	ctf_str_puts(&text, " actions:");
	ctf_actions_format(ctf_nlbuf_data(&acts), ctf_nlbuf_len(&acts), NULL, 0, &text);
	printf("%s\n", ctf_str_cstr(&text));
	/* A refused flow comes back with a reason, and the errno it returned. */
	ret = ctf_key_parse("ipv4(src=1.1.1)", NULL, &key, &mask, &err);
	ret = ret == 0 || err.error != ret || !strlen(ctf_err_text(&err, buf, sizeof(buf)));
out:
	ctf_str_free(&text);
	ctf_nlbuf_free(&key);
	ctf_nlbuf_free(&mask);
	ctf_nlbuf_free(&acts);
	return ret ? 1 : 0;
}
