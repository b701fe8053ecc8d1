// SPDX-License-Identifier: Apache-2.0
/*
 * Unique flow identifiers. The kernel treats a UFID as 16 opaque bytes; OVS
 * holds them as four host-order u32 words and prints word 0 as the first 8
 * hex digits (UUID_FMT). We read and write the bytes the same way so that
 * "ufid:..." text means the same bytes to ctflow and to ovs-dpctl.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

#include "ctflow/flowtext.h"

static int hexdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* @n hex digits at @s into *v. */
static bool scan_hex(const char *s, int n, uint32_t *v)
{
	uint32_t x = 0;

	for (int i = 0; i < n; i++) {
		int d = hexdigit(s[i]);

		if (d < 0)
			return false;
		x = x << 4 | (uint32_t)d;
	}
	*v = x;
	return true;
}

int ctf_ufid_parse(const char *s, struct ctf_ufid *ufid, size_t *consumed)
{
	uint32_t w[4], a, b, c, d, e;

	if (strncmp(s, "ufid:", 5))
		return -EINVAL;
	s += 5;
	/* xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx */
	if (!scan_hex(s, 8, &a) || s[8] != '-' || !scan_hex(s + 9, 4, &b) || s[13] != '-' ||
	    !scan_hex(s + 14, 4, &c) || s[18] != '-' || !scan_hex(s + 19, 4, &d) ||
	    s[23] != '-' || !scan_hex(s + 24, 4, &e) || !scan_hex(s + 28, 8, &w[3]))
		return -EINVAL;
	if (hexdigit(s[36]) >= 0 || s[36] == '-')
		return -EINVAL;
	w[0] = a;
	w[1] = b << 16 | c;
	w[2] = d << 16 | e;
	memcpy(ufid->b, w, sizeof(w));
	if (consumed)
		*consumed = CTF_UFID_STRLEN;
	return 0;
}

void ctf_ufid_format(const struct ctf_ufid *ufid, struct ctf_str *out)
{
	uint32_t w[4];

	memcpy(w, ufid->b, sizeof(w));
	ctf_str_printf(out, "ufid:%08x-%04x-%04x-%04x-%04x%08x", w[0], w[1] >> 16,
		       w[1] & 0xffff, w[2] >> 16, w[2] & 0xffff, w[3]);
}

void ctf_ufid_random(struct ctf_ufid *ufid)
{
	size_t got = 0;

	while (got < sizeof(ufid->b)) {
		ssize_t n = getrandom(ufid->b + got, sizeof(ufid->b) - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		got += (size_t)n;
	}
	if (got < sizeof(ufid->b)) {
		/* No entropy source: still unique enough within one process. */
		static unsigned int seq;
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		for (size_t i = 0; i < sizeof(ufid->b); i++)
			ufid->b[i] = (uint8_t)(ts.tv_nsec >> (i % 4 * 8)) ^ (uint8_t)(ts.tv_sec >> i) ^
				     (uint8_t)(++seq * 131u) ^ (uint8_t)getpid();
	}
}
