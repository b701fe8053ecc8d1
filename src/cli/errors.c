// SPDX-License-Identifier: Apache-2.0
/*
 * Every message ctflow prints on stderr goes through here: one place turns
 * our error carriers (struct ctf_err from the parsers, struct ctf_err from
 * the kernel) into "ctflow: cannot <what>: <reason> (hint: ...)", and one
 * place escapes the control bytes that input may have brought along.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ctflow/nlsock.h"
#include "ctflow/util.h"

#include "cli.h"
#include "text.h"

void cli_error(const char *fmt, ...)
{
	struct ctf_str raw = { 0 }, line = { 0 };
	va_list ap;

	va_start(ap, fmt);
	ctf_str_vprintf(&raw, fmt, ap);
	va_end(ap);
	ctf_str_printf(&line, "%s: ", PROG_NAME);
	cli_text_escape(ctf_str_cstr(&raw), raw.len, &line);
	ctf_str_putc(&line, '\n');
	fputs(ctf_str_cstr(&line), stderr);
	ctf_str_free(&raw);
	ctf_str_free(&line);
}

void cli_fail_at(const char *file, unsigned long line, const char *what, const struct ctf_err *err)
{
	char buf[sizeof(err->msg) + sizeof(err->hint) + 16];

	ctf_err_text(err, buf, sizeof(buf));
	if (file)
		cli_error("%s:%lu: cannot %s: %s", file, line, what, buf);
	else
		cli_error("cannot %s: %s", what, buf);
}

void cli_fail(const char *what, const struct ctf_err *err)
{
	cli_fail_at(NULL, 0, what, err);
}

/* What an errno means to any command, when the caller has nothing more precise. */
static bool generic_reason(int ret, struct ctf_err *out)
{
	switch (-ret) {
	case EPERM:
	case EACCES:
		ctf_err_setn(out, ret, "operation not permitted");
		ctf_err_hint(out, "needs CAP_NET_ADMIN, e.g. run as root");
		return true;
	case ENOENT:
		ctf_err_setn(out, ret, "the openvswitch kernel module is not loaded");
		ctf_err_hint(out, "modprobe openvswitch");
		return true;
	case EOPNOTSUPP:
		ctf_err_setn(out, ret, "not supported by this kernel");
		return true;
	case ENAMETOOLONG:
		ctf_err_setn(out, ret, "name too long (at most 15 characters)");
		return true;
	default:
		return false;
	}
}

void cli_err_from_nl(int ret, const struct ctf_err *kernel, const char *diag, struct ctf_err *out)
{
	const char *kmsg = kernel && kernel->msg[0] ? kernel->msg : NULL;
	struct ctf_err reason;

	ctf_err_clear(out);
	ctf_err_clear(&reason);
	if (diag)
		ctf_err_setn(&reason, ret, "%s", diag);
	else if (!generic_reason(ret, &reason)) {
		ctf_err_setn(out, ret, "%s", kmsg ? kmsg : strerror(-ret));
		return;
	}
	if (kmsg)
		ctf_err_setn(out, ret, "%.300s (kernel: %s)", reason.msg, kmsg);
	else
		ctf_err_setn(out, ret, "%s", reason.msg);
	if (reason.hint[0])
		ctf_err_hint(out, "%s", reason.hint);
}

void cli_fail_nl(const char *what, int ret, const struct ctf_err *kernel, const char *diag)
{
	struct ctf_err err;

	cli_err_from_nl(ret, kernel, diag, &err);
	cli_fail(what, &err);
}
