// SPDX-License-Identifier: Apache-2.0
/*
 * Text that came from outside (arguments, files, the kernel, ctflowd) made
 * safe for where it goes: a terminal must never receive a control byte it
 * would act on, and JSON must be valid UTF-8.
 */
#include <stdint.h>
#include <stdio.h>

#include "text.h"

/*
 * The length of the well-formed UTF-8 sequence at @p (RFC 3629: no overlong
 * forms, no surrogates, at most U+10FFFF), its code point in *@cp; 0 when
 * the bytes are not one.
 */
static size_t utf8_seq(const unsigned char *p, size_t avail, uint32_t *cp)
{
	size_t n;
	uint32_t c, min;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2, c = p[0] & 0x1fu, min = 0x80;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3, c = p[0] & 0x0fu, min = 0x800;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4, c = p[0] & 0x07u, min = 0x10000;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3fu);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/*
 * Copy @s to @out: the well-formed characters @keep accepts as they are,
 * and each other byte through @replace.
 */
static void copy_text(const char *s, size_t len, bool (*keep)(uint32_t cp),
		      void (*replace)(unsigned char byte, struct ctf_str *out), struct ctf_str *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = utf8_seq(p + i, len - i, &cp);

		if (n == 0 || !keep(cp)) {
			replace(p[i], out);
			i++;
			continue;
		}
		ctf_str_put(out, s + i, n);
		i += n;
	}
}

/* C0, DEL and C1 controls (the last as UTF-8 or as raw 8-bit bytes) are escaped. */
static bool not_control(uint32_t cp)
{
	return cp >= 0x20 && (cp < 0x7f || cp > 0x9f);
}

static void escape_byte(unsigned char byte, struct ctf_str *out)
{
	switch (byte) {
	case '\n': ctf_str_puts(out, "\\n"); break;
	case '\t': ctf_str_puts(out, "\\t"); break;
	case '\r': ctf_str_puts(out, "\\r"); break;
	default: ctf_str_printf(out, "\\x%02x", byte); break;
	}
}

void cli_text_escape(const char *s, size_t len, struct ctf_str *out)
{
	copy_text(s, len, not_control, escape_byte, out);
}

bool cli_text_needs_escape(const char *s)
{
	size_t len = strlen(s);
	struct ctf_str tmp = { 0 };
	bool differs;

	cli_text_escape(s, len, &tmp);
	differs = tmp.len != len;
	ctf_str_free(&tmp);
	return differs;
}

static bool any_char(uint32_t cp)
{
	(void)cp;
	return true;
}

static void replacement_char(unsigned char byte, struct ctf_str *out)
{
	(void)byte;
	ctf_str_puts(out, "\xef\xbf\xbd");	/* U+FFFD REPLACEMENT CHARACTER */
}

void cli_text_utf8(const char *s, size_t len, struct ctf_str *out)
{
	copy_text(s, len, any_char, replacement_char, out);
}
