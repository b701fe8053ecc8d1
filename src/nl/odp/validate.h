/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal split of ctf_flow_validate() (include/ctflow/flowtext.h): the key
 * side lives in validate.c, the action side in validate-actions.c. They are
 * separate files because key-attrs.h and action-attrs.h each define their
 * own attribute-table types.
 */
#ifndef CTFLOW_NL_VALIDATE_H
#define CTFLOW_NL_VALIDATE_H

#include <stddef.h>

#include "ctflow/match.h"
#include "ctflow/util.h"

/*
 * Refuse what __ovs_nla_copy_actions() would refuse for a flow whose masked
 * key is @key under @mask (the effective mask, after the kernel's own
 * adjustments). Returns 0 or a negative errno with @err filled.
 */
int ctf_validate_actions(const void *actions, size_t len, const struct ctf_flow_key *key,
			 const struct ctf_flow_key *mask, struct ctf_err *err);

#endif
