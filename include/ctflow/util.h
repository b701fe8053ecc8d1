/* SPDX-License-Identifier: Apache-2.0 */
/* Small helpers every layer uses: a growable string and an error report. */
#ifndef CTFLOW_UTIL_H
#define CTFLOW_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define CTF_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define CTF_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* Growable NUL-terminated string. A zeroed struct is an empty string. */
struct ctf_str {
	char *buf;
	size_t len;
	size_t cap;
};

void ctf_str_init(struct ctf_str *s);
void ctf_str_free(struct ctf_str *s);
void ctf_str_clear(struct ctf_str *s);
void ctf_str_putc(struct ctf_str *s, char c);
void ctf_str_put(struct ctf_str *s, const char *text, size_t n);

/*
 * Append a NUL-terminated string. An inline definition (util.c holds the
 * exported one): the printers append keywords by the million, and inline a
 * string literal's length is a constant and the copy a few moves.
 */
inline void ctf_str_puts(struct ctf_str *s, const char *text)
{
	size_t n = strlen(text);

	if (s->len + n + 1 <= s->cap) {
		memcpy(s->buf + s->len, text, n);
		s->len += n;
		s->buf[s->len] = '\0';
		return;
	}
	ctf_str_put(s, text, n);
}
/* The former name of ctf_str_puts(): programs built against earlier
 * versions of this header keep compiling. */
#define ctf_str_puts_fast ctf_str_puts
void ctf_str_printf(struct ctf_str *s, const char *fmt, ...) CTF_PRINTF(2, 3);
void ctf_str_vprintf(struct ctf_str *s, const char *fmt, va_list ap) CTF_PRINTF(2, 0);
/*
 * Fast appenders for the printers' hot paths (dump-flows prints millions of
 * numbers; vsnprintf was half of the formatting time).
 */
void ctf_str_put_dec(struct ctf_str *s, uint64_t v);
/* "%#llx": 0x-prefixed lowercase hex, but 0 prints as "0". */
void ctf_str_put_hex(struct ctf_str *s, uint64_t v);
/* Lowercase hex without prefix, zero-padded to at least @width digits. */
void ctf_str_put_xdigits(struct ctf_str *s, uint64_t v, int width);
void ctf_str_put_ipv4(struct ctf_str *s, const uint8_t a[4]);
/* The text inet_ntop(AF_INET6) gives, for network-order @a. */
void ctf_str_put_ipv6(struct ctf_str *s, const uint8_t a[16]);
void ctf_str_put_eth(struct ctf_str *s, const uint8_t a[6]);

/*
 * The @n bytes at @s as inet_pton(AF_INET / AF_INET6) reads them (same
 * accepted set), without needing a NUL-terminated copy. False when invalid.
 */
bool ctf_parse_ipv4(const char *s, size_t n, uint8_t out[4]);
bool ctf_parse_ipv6(const char *s, size_t n, uint8_t out[16]);

/*
 * ctf_str_putc for the printers' inner loops (separators after every field):
 * stored inline when there is room, no call.
 */
static inline void ctf_str_putc_fast(struct ctf_str *s, char c)
{
	if (s->len + 2 <= s->cap) {
		s->buf[s->len++] = c;
		s->buf[s->len] = '\0';
		return;
	}
	ctf_str_putc(s, c);
}

/*
 * Room for @n more bytes (and the NUL) at the end of @s, growing it if need
 * be; returns where they go. The appenders below format straight into it and
 * then call ctf_str_commit() with what they wrote, instead of building the
 * text on the stack and copying it with ctf_str_put().
 */
char *ctf_str_reserve(struct ctf_str *s, size_t n);

static inline char *ctf_str_room(struct ctf_str *s, size_t n)
{
	if (s->len + n + 1 <= s->cap)
		return s->buf + s->len;
	return ctf_str_reserve(s, n);
}

/* Take @n bytes written at ctf_str_room()'s pointer into the string. */
static inline void ctf_str_commit(struct ctf_str *s, size_t n)
{
	s->len += n;
	s->buf[s->len] = '\0';
}

/* ctf_str_chomp, inline: the key printer ends every attribute with one. */
static inline void ctf_str_chomp_fast(struct ctf_str *s, char c)
{
	if (s->len && s->buf[s->len - 1] == c)
		s->buf[--s->len] = '\0';
}

/* Drop one trailing character if it is @c (used to chomp a final ','). */
void ctf_str_chomp(struct ctf_str *s, char c);
/* Always returns a valid C string ("" when empty). */
const char *ctf_str_cstr(const struct ctf_str *s);

/*
 * Why something was refused, by our parsers and checks or by the kernel:
 * the library's one error carrier.
 * - @error: 0, or the negative errno the failing call returned;
 * - @msg: a message that names the bad token ("" if nothing was said; for
 *   the kernel, its extended-ACK text);
 * - @hint: optional, says how to fix it; printed by callers as
 *   "<msg> (hint: <hint>)";
 * - @offset: when @has_offset, the byte offset (from the start of our
 *   request's nlmsghdr) of the attribute the kernel's extended ACK blamed.
 * Filled from a kernel reply by ctf_err_from_ack() (ctflow/nlsock.h).
 */
struct ctf_err {
	int error;
	bool has_offset;
	uint32_t offset;
	char msg[512];
	char hint[512];
};

/* Set the message (and clear the hint and offset); error = -EINVAL, returned for convenience. */
int ctf_err_set(struct ctf_err *err, const char *fmt, ...) CTF_PRINTF(2, 3);
/* The same with an explicit negative errno, stored and returned. */
int ctf_err_setn(struct ctf_err *err, int neg_errno, const char *fmt, ...) CTF_PRINTF(3, 4);
void ctf_err_hint(struct ctf_err *err, const char *fmt, ...) CTF_PRINTF(2, 3);
/* No error: error 0, no offset, empty message and hint (cheap: no memset). */
void ctf_err_clear(struct ctf_err *err);
/* "msg (hint: hint)" or just "msg". */
const char *ctf_err_text(const struct ctf_err *err, char *buf, size_t size);

void *ctf_xmalloc(size_t n);
void *ctf_xzalloc(size_t n);
void *ctf_xrealloc(void *p, size_t n);
char *ctf_xstrdup(const char *s);

#endif
