// SPDX-License-Identifier: Apache-2.0
/*
 * The one writer of stdout for text and JSON. Output collects in one buffer
 * that is handed to stdio a chunk at a time: a dump of a million flows costs
 * a few hundred writes instead of a libc call per line, and memory stays
 * flat however big the dump. Streams that someone waits on (monitor) flush
 * after every event. A write error is remembered by stdio and turned into
 * exit status 1 by main().
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "output.h"

#define OUT_CHUNK (64u * 1024)

static struct ctf_str out_buf;
static int out_errno;	/* of the first failed write, for the final message */

static void drain(void)
{
	if (out_buf.len)
		fwrite(out_buf.buf, 1, out_buf.len, stdout);
	ctf_str_clear(&out_buf);
}

void cli_out_put(const char *s, size_t n)
{
	ctf_str_put(&out_buf, s, n);
	if (out_buf.len >= OUT_CHUNK)
		drain();
}

void cli_out_puts(const char *s)
{
	cli_out_put(s, strlen(s));
}

void cli_out_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ctf_str_vprintf(&out_buf, fmt, ap);
	va_end(ap);
	if (out_buf.len >= OUT_CHUNK)
		drain();
}

struct ctf_str *cli_out_buffer(void)
{
	return &out_buf;
}

void cli_out_commit(void)
{
	if (out_buf.len >= OUT_CHUNK)
		drain();
}

void cli_out_json(struct json_object *obj, enum cli_json_style style)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE;

	flags |= style == CLI_JSON_PRETTY ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
					  : JSON_C_TO_STRING_PLAIN;
	cli_out_puts(json_object_to_json_string_ext(obj, flags));
	json_object_put(obj);
}

int cli_out_flush(void)
{
	errno = 0;
	drain();
	ctf_str_free(&out_buf);
	if (fflush(stdout) == 0 && !ferror(stdout))
		return CLI_OK;
	if (!out_errno)
		out_errno = errno;
	return CLI_ERR;
}

int cli_out_errno(void)
{
	return out_errno;
}
