/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Is a rule something ctflowd can install? A rule's MATCH is a pattern, not a
 * complete flow: the megaflows built from it carry the attributes the kernel
 * requires (ipv4() under eth_type(0x0800) and so on, wildcarded). So the check
 * validates the flow that would be installed for the rule, with its actions,
 * and reports the flow language's error text.
 */
#ifndef CTFLOWD_RULECHECK_H
#define CTFLOWD_RULECHECK_H

#include <stddef.h>

#include "ctflow/util.h"

int rulecheck_rule(const void *key, size_t key_len, const void *mask, size_t mask_len,
		   const void *actions, size_t actions_len, struct ctf_err *err);

#endif
