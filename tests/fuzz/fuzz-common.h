/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by the libFuzzer targets (./configure --enable-fuzzing, make fuzz):
 * the input as a NUL-terminated string, or as a netlink message in a heap
 * buffer of exactly its length (so that AddressSanitizer catches a single
 * byte read past it), and an abort() with a message for a broken property.
 */
#ifndef CTFLOW_FUZZ_COMMON_H
#define CTFLOW_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* A property the code promises does not hold: report and crash, so libFuzzer keeps the input. */
#define fuzz_check(cond, ...)                                                  \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fuzz: property broken: " __VA_ARGS__);   \
			fputc('\n', stderr);                                   \
			abort();                                               \
		}                                                              \
	} while (0)

#endif
