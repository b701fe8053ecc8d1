/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers every Check unit test shares: running a suite as a test program,
 * running a shell command for its output, and building netlink attributes
 * into a ctf_nlbuf (every builder fails the test when the buffer is full,
 * so a test never goes on with half a message).
 */
#ifndef CTFLOW_TESTS_UNIT_COMMON_H
#define CTFLOW_TESTS_UNIT_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <check.h>
#include <libmnl/libmnl.h>

#include "ctflow/nlbuf.h"

/* Run @s with CK_ENV's verbosity; the program's exit status (0: all passed). */
int ck_run_suite(Suite *s);

/* Run the shell command line @fmt; its stdout goes to @out (NUL-terminated,
 * cut at @size - 1 bytes). Returns the exit status, or -1 if it did not exit. */
int ck_shell(char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

void ck_put(struct ctf_nlbuf *b, uint16_t type, const void *p, size_t len);
void ck_put_u8(struct ctf_nlbuf *b, uint16_t type, uint8_t v);
void ck_put_u16(struct ctf_nlbuf *b, uint16_t type, uint16_t v);
void ck_put_be16(struct ctf_nlbuf *b, uint16_t type, uint16_t v);
void ck_put_u32(struct ctf_nlbuf *b, uint16_t type, uint32_t v);
void ck_put_be32(struct ctf_nlbuf *b, uint16_t type, uint32_t v);
struct nlattr *ck_nest(struct ctf_nlbuf *b, uint16_t type);
void ck_nest_end(struct ctf_nlbuf *b, struct nlattr *n);

#endif
