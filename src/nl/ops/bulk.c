// SPDX-License-Identifier: Apache-2.0
/*
 * Flow arguments as the user writes them: one line of a flow file
 * ("[add|modify|delete] FLOW [ACTIONS]", the format ovs-dpctl's add-flows
 * reads), the optional "ufid:" prefix of FLOW, and the UFID ctflow derives
 * for flows given without one.
 */
#include <errno.h>
#include <string.h>

#include "ctflow/flow.h"

static const char blanks[] = " \t\r\n";

const char *ctf_bulk_verb_name(enum ctf_bulk_verb verb)
{
	switch (verb) {
	case CTF_BULK_ADD: return "add";
	case CTF_BULK_MODIFY: return "modify";
	case CTF_BULK_DELETE: return "delete";
	}
	return "?";
}

int ctf_flow_split_ufid(const char *text, struct ctf_ufid *ufid, bool *has_ufid,
			const char **rest, struct ctf_err *err)
{
	size_t consumed = 0;

	*has_ufid = false;
	*rest = text;
	if (strncmp(text, "ufid:", 5))
		return 0;
	if (ctf_ufid_parse(text, ufid, &consumed) < 0 || consumed < 5) {
		size_t n = strcspn(text, ", \t\r\n");

		ctf_err_set(err, "malformed ufid `%.*s'", (int)(n > 64 ? 64 : n), text);
		ctf_err_hint(err, "a ufid is ufid:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (32 hex digits)");
		return -EINVAL;
	}
	text += consumed;
	/* The key follows after one separator: "ufid:U,key" or "ufid:U key". */
	if (*text && !strchr(", \t\r\n", *text)) {
		ctf_err_set(err, "malformed ufid: unexpected `%.16s' after the ufid", text);
		ctf_err_hint(err, "separate the ufid from the key with a comma");
		return -EINVAL;
	}
	text += strspn(text, ", \t\r\n");
	*has_ufid = true;
	*rest = text;
	return 0;
}

int ctf_bulk_parse_line(char *line, enum ctf_bulk_verb default_verb,
			struct ctf_bulk_line *out, struct ctf_err *err)
{
	char *comment = strchr(line, '#');
	char *p, *flow;
	size_t n;

	memset(out, 0, sizeof(*out));
	ctf_err_clear(err);
	if (comment)
		*comment = '\0';
	p = line + strspn(line, blanks);
	if (!*p)
		return 0;

	out->verb = default_verb;
	n = strcspn(p, blanks);
	if (n == 3 && !strncmp(p, "add", 3))
		out->verb = CTF_BULK_ADD;
	else if (n == 6 && !strncmp(p, "modify", 6))
		out->verb = CTF_BULK_MODIFY;
	else if (n == 6 && !strncmp(p, "delete", 6))
		out->verb = CTF_BULK_DELETE;
	else
		n = 0;
	p += n;
	p += strspn(p, blanks);

	n = strcspn(p, blanks);
	if (!n) {
		ctf_err_set(err, "`%s' without a flow", ctf_bulk_verb_name(out->verb));
		ctf_err_hint(err, "write [add|modify|delete] FLOW [ACTIONS] on one line");
		return -EINVAL;
	}
	flow = p;
	p += n;
	if (*p)
		*p++ = '\0';
	p += strspn(p, blanks);
	/* Trailing blanks (and the CR of CRLF files) are not part of ACTIONS. */
	for (char *end = p + strlen(p); end > p && strchr(blanks, end[-1]); end--)
		end[-1] = '\0';

	if (out->verb == CTF_BULK_DELETE && *p) {
		ctf_err_set(err, "delete takes a flow and no actions, got `%.32s'", p);
		ctf_err_hint(err, "remove the actions, or use add/modify");
		return -EINVAL;
	}
	if (out->verb != CTF_BULK_DELETE && !*p) {
		ctf_err_set(err, "%s needs actions after the flow", ctf_bulk_verb_name(out->verb));
		ctf_err_hint(err, "use `drop' for a flow that drops packets");
		return -EINVAL;
	}
	out->actions = out->verb == CTF_BULK_DELETE ? NULL : p;

	int ret = ctf_flow_split_ufid(flow, &out->ufid, &out->has_ufid, &out->flow, err);
	if (ret < 0)
		return ret;
	if (!*out->flow && out->verb != CTF_BULK_DELETE) {
		ctf_err_set(err, "%s needs a flow key, not only a ufid", ctf_bulk_verb_name(out->verb));
		ctf_err_hint(err, "write ufid:U,recirc_id(0),... with no space before the key");
		return -EINVAL;
	}
	return 1;
}

/* 64-bit finaliser (splitmix64): spreads every input bit over the output. */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

static void hash_bytes(uint64_t *ap, uint64_t *bp, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t a = *ap, b = *bp;	/* locals: *ap may alias the data, forcing a store per word */
	size_t i = 0;

	/*
	 * Two independent lanes over 8-byte words (attribute streams are
	 * 4-byte aligned and short; a byte at a time was 13% of add-flows):
	 * an FNV-style xor-multiply lane and a multiply-rotate lane. The tail
	 * is folded in a byte at a time.
	 */
	for (; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		a = (a ^ w) * 0x100000001b3ull;
		b = (b + w) * 0x9e3779b97f4a7c15ull;
		b = (b << 23) | (b >> 41);
	}
	for (; i < len; i++) {
		a = (a ^ p[i]) * 0x100000001b3ull;
		b = ((b + p[i]) * 0x9e3779b97f4a7c15ull);
		b = (b << 23) | (b >> 41);
	}
	*ap = (a ^ len) * 0x100000001b3ull;
	*bp = b + len;
}

void ctf_ufid_from_match(const void *key, size_t key_len, const void *mask, size_t mask_len,
			 struct ctf_ufid *ufid)
{
	uint64_t a = 0xcbf29ce484222325ull, b = 0x6a09e667f3bcc908ull;
	uint64_t lo, hi;

	hash_bytes(&a, &b, key, key_len);
	/* Key and mask are length-framed, so their boundary is part of the hash. */
	hash_bytes(&a, &b, mask ? mask : "", mask ? mask_len : 0);
	a = mix64(a);
	b = mix64(b ^ a);
	lo = mix64(a ^ (b << 1));
	hi = b;
	memcpy(ufid->b, &lo, 8);
	memcpy(ufid->b + 8, &hi, 8);
}
