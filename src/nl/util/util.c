// SPDX-License-Identifier: Apache-2.0
/* Growable strings, error reports and allocation that cannot return NULL. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctflow/util.h"

void *ctf_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fputs("ctflow: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *ctf_xzalloc(size_t n)
{
	void *p = ctf_xmalloc(n);

	memset(p, 0, n);
	return p;
}

void *ctf_xrealloc(void *old, size_t n)
{
	void *p = realloc(old, n ? n : 1);

	if (!p) {
		fputs("ctflow: out of memory\n", stderr);
		abort();
	}
	return p;
}

char *ctf_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(ctf_xmalloc(n), s, n);
}

void ctf_str_init(struct ctf_str *s)
{
	s->buf = NULL;
	s->len = 0;
	s->cap = 0;
}

void ctf_str_free(struct ctf_str *s)
{
	free(s->buf);
	ctf_str_init(s);
}

void ctf_str_clear(struct ctf_str *s)
{
	s->len = 0;
	if (s->buf)
		s->buf[0] = '\0';
}

static void str_reserve(struct ctf_str *s, size_t extra)
{
	size_t need = s->len + extra + 1;

	if (need <= s->cap)
		return;
	size_t cap = s->cap ? s->cap : 64;
	while (cap < need)
		cap *= 2;
	s->buf = ctf_xrealloc(s->buf, cap);
	s->cap = cap;
}

char *ctf_str_reserve(struct ctf_str *s, size_t n)
{
	str_reserve(s, n);
	return s->buf + s->len;
}

void ctf_str_put(struct ctf_str *s, const char *text, size_t n)
{
	/* The printers append a few bytes at a time: test the room here. */
	if (s->len + n + 1 > s->cap)
		str_reserve(s, n);
	// cppcheck-suppress ctunullpointer ; ctl_send() passes NULL only with n == 0 and then does not call this
	memcpy(s->buf + s->len, text, n);
	s->len += n;
	s->buf[s->len] = '\0';
}

/* The exported definition of the inline one in util.h. */
extern inline void ctf_str_puts(struct ctf_str *s, const char *text);

void ctf_str_putc(struct ctf_str *s, char c)
{
	/*
	 * The printers append separators one at a time ('=', ',', '/'...):
	 * store directly when there is room instead of a 1-byte memcpy.
	 */
	if (s->len + 2 <= s->cap) {
		s->buf[s->len++] = c;
		s->buf[s->len] = '\0';
		return;
	}
	ctf_str_put(s, &c, 1);
}

void ctf_str_vprintf(struct ctf_str *s, const char *fmt, va_list ap)
{
	va_list copy;
	int n;

	str_reserve(s, 64);
	va_copy(copy, ap);
	n = vsnprintf(s->buf + s->len, s->cap - s->len, fmt, copy); // NOLINT(clang-analyzer-valist.Uninitialized): va_start()/va_copy() is just above
	va_end(copy);
	if (n < 0)
		return;
	if ((size_t)n >= s->cap - s->len) {
		str_reserve(s, (size_t)n);
		vsnprintf(s->buf + s->len, s->cap - s->len, fmt, ap);
	}
	s->len += (size_t)n;
}

void ctf_str_printf(struct ctf_str *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ctf_str_vprintf(s, fmt, ap);
	va_end(ap);
}

static const char hexdigits[] = "0123456789abcdef";

/* Decimal digits of @v, 1..20. */
static int dec_width(uint64_t v)
{
	int n = 1;

	while (v >= 10000) {
		v /= 10000;
		n += 4;
	}
	return n + (v >= 10) + (v >= 100) + (v >= 1000);
}

/*
 * The appenders format in place (ctf_str_room) rather than on the stack and
 * through ctf_str_put(): dump-flows calls them a few dozen times per flow.
 */
void ctf_str_put_dec(struct ctf_str *s, uint64_t v)
{
	int n = v < 10 ? 1 : dec_width(v);
	char *p = ctf_str_room(s, 20) + n;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	ctf_str_commit(s, (size_t)n);
}

void ctf_str_put_xdigits(struct ctf_str *s, uint64_t v, int width)
{
	int n = 1;
	char *p;

	while (n < 16 && v >> (4 * n))
		n++;
	if (n < width)
		n = width < 16 ? width : 16;
	p = ctf_str_room(s, 16) + n;
	for (int i = 0; i < n; i++, v >>= 4)
		*--p = hexdigits[v & 0xf];
	ctf_str_commit(s, (size_t)n);
}

void ctf_str_put_hex(struct ctf_str *s, uint64_t v)
{
	char *p;

	if (!v) {
		ctf_str_putc_fast(s, '0');
		return;
	}
	p = ctf_str_room(s, 2);
	p[0] = '0';
	p[1] = 'x';
	ctf_str_commit(s, 2);
	ctf_str_put_xdigits(s, v, 1);
}

/*
 * Decimal 0..255 into @p, without leading zeros; returns the end. Inline,
 * as put_dotted_quad: an IPv4 flow prints eight octets.
 */
static inline __attribute__((always_inline)) char *put_octet(char *p, unsigned int v)
{
	if (v >= 100) {
		*p++ = (char)('0' + v / 100);
		v %= 100;
		*p++ = (char)('0' + v / 10);
	} else if (v >= 10) {
		*p++ = (char)('0' + v / 10);
	}
	*p++ = (char)('0' + v % 10);
	return p;
}

/* Dotted quad into @p (room for 15 characters); returns the end. */
static inline __attribute__((always_inline)) char *put_dotted_quad(char *p, const uint8_t a[4])
{
	p = put_octet(p, a[0]);
	*p++ = '.';
	p = put_octet(p, a[1]);
	*p++ = '.';
	p = put_octet(p, a[2]);
	*p++ = '.';
	return put_octet(p, a[3]);
}

void ctf_str_put_ipv4(struct ctf_str *s, const uint8_t a[4])
{
	char *p = ctf_str_room(s, 15);	/* "255.255.255.255" */

	ctf_str_commit(s, (size_t)(put_dotted_quad(p, a) - p));
}

/*
 * What inet_ntop(AF_INET6) prints (RFC 5952 text, as glibc does it): the
 * first longest run of two or more zero groups becomes "::", groups are
 * lowercase hex without leading zeros, and ::a.b.c.d / ::ffff:a.b.c.d end
 * in a dotted quad. Hand-written because inet_ntop formats each group with
 * sprintf, which made it the costliest call of an IPv6 dump-flows line.
 */
void ctf_str_put_ipv6(struct ctf_str *s, const uint8_t a[16])
{
	char *buf = ctf_str_room(s, 46), *p = buf;	/* INET6_ADDRSTRLEN */
	unsigned int words[8];
	int best = -1, best_len = 0, cur = -1, cur_len = 0;

	for (int i = 0; i < 8; i++) {
		words[i] = (unsigned int)a[2 * i] << 8 | a[2 * i + 1];
		if (!words[i]) {
			if (cur < 0)
				cur = i, cur_len = 0;
			cur_len++;
			if (cur_len > best_len)
				best = cur, best_len = cur_len;
		} else {
			cur = -1;
		}
	}
	if (best_len < 2)
		best = -1;
	for (int i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + best_len) {
			if (i == best)
				*p++ = ':';
			continue;
		}
		if (i)
			*p++ = ':';
		if (i == 6 && best == 0 &&
		    (best_len == 6 || (best_len == 5 && words[5] == 0xffff))) {
			p = put_dotted_quad(p, a + 12);
			break;
		}
		for (int shift = 12; shift >= 0; shift -= 4)
			if (words[i] >> shift || !shift)
				*p++ = hexdigits[(words[i] >> shift) & 0xf];
	}
	if (best >= 0 && best + best_len == 8)
		*p++ = ':';
	ctf_str_commit(s, (size_t)(p - buf));
}

void ctf_str_put_eth(struct ctf_str *s, const uint8_t a[6])
{
	char *buf = ctf_str_room(s, 17);

	for (int i = 0; i < 6; i++) {
		buf[i * 3] = hexdigits[a[i] >> 4];
		buf[i * 3 + 1] = hexdigits[a[i] & 0xf];
		if (i < 5)
			buf[i * 3 + 2] = ':';
	}
	ctf_str_commit(s, 17);
}

/*
 * Address text -> bytes with exactly inet_pton()'s rules, for the flow
 * parsers: inet_pton needs a NUL-terminated copy of the token and was the
 * costliest call of an IPv6 flow. Nothing is written to @out on failure.
 */

/* A dotted quad of exactly @n bytes: four 0..255 octets, no leading zeros. */
static bool dotted_quad(const char *s, size_t n, uint8_t out[4])
{
	unsigned int octet = 0, digits = 0, i = 0;
	uint8_t tmp[4];

	for (size_t k = 0; k < n; k++) {
		char c = s[k];

		if (c >= '0' && c <= '9') {
			if (digits && !octet)
				return false;	/* "01" */
			octet = octet * 10 + (unsigned int)(c - '0');
			if (octet > 255)
				return false;
			digits++;
		} else if (c == '.' && digits && i < 3) {
			tmp[i++] = (uint8_t)octet;
			octet = 0;
			digits = 0;
		} else {
			return false;
		}
	}
	if (!digits || i != 3)
		return false;
	tmp[3] = (uint8_t)octet;
	memcpy(out, tmp, 4);
	return true;
}

bool ctf_parse_ipv4(const char *s, size_t n, uint8_t out[4])
{
	return dotted_quad(s, n, out);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

bool ctf_parse_ipv6(const char *s, size_t n, uint8_t out[16])
{
	uint8_t tmp[16] = { 0 };
	size_t k = 0, pos = 0, group_start;
	unsigned int val = 0, digits = 0;
	int gap = -1;		/* byte offset where "::" stands */

	if (!n)
		return false;
	if (s[0] == ':') {	/* a leading ':' only as part of "::" */
		if (n < 2 || s[1] != ':')
			return false;
		k = 1;
	}
	group_start = k;
	for (; k < n; k++) {
		char c = s[k];
		int d = hex_digit(c);

		if (d >= 0) {
			if (digits == 4)
				return false;
			val = val << 4 | (unsigned int)d;
			digits++;
			continue;
		}
		if (c == ':') {
			group_start = k + 1;
			if (!digits) {
				if (gap >= 0)
					return false;	/* a second "::" */
				gap = (int)pos;
				continue;
			}
			if (k + 1 == n || pos + 2 > 16)
				return false;		/* trailing ':' or too many */
			tmp[pos++] = (uint8_t)(val >> 8);
			tmp[pos++] = (uint8_t)val;
			val = 0;
			digits = 0;
			continue;
		}
		/* An embedded IPv4 address ends the text. */
		if (c == '.' && pos + 4 <= 16 &&
		    dotted_quad(s + group_start, n - group_start, tmp + pos)) {
			pos += 4;
			digits = 0;
			break;
		}
		return false;
	}
	if (digits) {
		if (pos + 2 > 16)
			return false;
		tmp[pos++] = (uint8_t)(val >> 8);
		tmp[pos++] = (uint8_t)val;
	}
	if (gap >= 0) {
		size_t tail = pos - (size_t)gap;

		if (pos == 16)
			return false;	/* "::" must stand for at least one group */
		memmove(tmp + 16 - tail, tmp + gap, tail);
		memset(tmp + gap, 0, 16 - tail - (size_t)gap);
		pos = 16;
	}
	if (pos != 16)
		return false;
	memcpy(out, tmp, 16);
	return true;
}

void ctf_str_chomp(struct ctf_str *s, char c)
{
	if (s->len && s->buf[s->len - 1] == c)
		s->buf[--s->len] = '\0';
}

const char *ctf_str_cstr(const struct ctf_str *s)
{
	return s->buf ? s->buf : "";
}

void ctf_err_clear(struct ctf_err *err)
{
	if (!err)
		return;
	err->error = 0;
	err->has_offset = false;
	err->offset = 0;
	err->msg[0] = '\0';
	err->hint[0] = '\0';
}

int ctf_err_setn(struct ctf_err *err, int neg_errno, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return neg_errno;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized): va_start()/va_copy() is just above
	va_end(ap);
	err->error = neg_errno;
	err->has_offset = false;
	err->hint[0] = '\0';
	return neg_errno;
}

int ctf_err_set(struct ctf_err *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized): va_start()/va_copy() is just above
	va_end(ap);
	err->error = -EINVAL;
	err->has_offset = false;
	err->hint[0] = '\0';
	return -EINVAL;
}

void ctf_err_hint(struct ctf_err *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(err->hint, sizeof(err->hint), fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized): va_start()/va_copy() is just above
	va_end(ap);
}

const char *ctf_err_text(const struct ctf_err *err, char *buf, size_t size)
{
	if (err->hint[0])
		snprintf(buf, size, "%s (hint: %s)", err->msg, err->hint);
	else
		snprintf(buf, size, "%s", err->msg);
	return buf;
}
