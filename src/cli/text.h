/* SPDX-License-Identifier: Apache-2.0 */
/* Outside text made safe for a terminal (messages) or for JSON (valid UTF-8). */
#ifndef CTFLOW_CLI_TEXT_H
#define CTFLOW_CLI_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "ctflow/util.h"

/*
 * Append @s to @out with every control byte written as an escape: \n, \t,
 * \r, or \xNN for the others, DEL, C1 controls and bytes that are not
 * UTF-8. Printable text, UTF-8 included, is kept as it is.
 */
void cli_text_escape(const char *s, size_t len, struct ctf_str *out);
/* True if cli_text_escape() would change @s. */
bool cli_text_needs_escape(const char *s);
/*
 * Append @s to @out as valid UTF-8: each byte that is not part of a
 * well-formed sequence becomes U+FFFD.
 */
void cli_text_utf8(const char *s, size_t len, struct ctf_str *out);

#endif
