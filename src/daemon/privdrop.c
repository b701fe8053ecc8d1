// SPDX-License-Identifier: Apache-2.0
/*
 * CAP_CHOWN is needed only for chown() of the control socket to the
 * control-group; see privdrop.h. capget/capset and PR_CAPBSET_DROP directly,
 * rather than a libcap dependency for one bit.
 */
#include "privdrop.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"

/* CAP_CHOWN is 0: bit 0 of the first of the two 32-bit words of version 3. */
#define CHOWN_WORD (CAP_CHOWN / 32)
#define CHOWN_BIT ((uint32_t)1 << (CAP_CHOWN % 32))

int privdrop_chown(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	bool eff, prm;
	int bnd;

	if (syscall(SYS_capget, &hdr, data)) {
		log_warn("privileges: capget");
		return -errno;
	}
	eff = data[CHOWN_WORD].effective & CHOWN_BIT;
	prm = data[CHOWN_WORD].permitted & CHOWN_BIT;
	if (eff || prm || (data[CHOWN_WORD].inheritable & CHOWN_BIT)) {
		data[CHOWN_WORD].effective &= ~CHOWN_BIT;
		data[CHOWN_WORD].permitted &= ~CHOWN_BIT;
		data[CHOWN_WORD].inheritable &= ~CHOWN_BIT;
		if (syscall(SYS_capset, &hdr, data)) {
			log_warn("privileges: capset without CAP_CHOWN");
			return -errno;
		}
	}

	/* Without CAP_SETPCAP the bounding set stays: it limits only a later exec, and ctflowd execs nothing. */
	bnd = prctl(PR_CAPBSET_READ, CAP_CHOWN, 0, 0, 0);
	if (bnd == 1 && prctl(PR_CAPBSET_DROP, CAP_CHOWN, 0, 0, 0)) {
		if (errno != EPERM)
			log_warn("privileges: dropping CAP_CHOWN from the bounding set");
		bnd = 2;	/* held, kept */
	}
	if (eff || prm || bnd == 1)
		log_debug("privileges: dropped CAP_CHOWN (effective %s, permitted %s, bounding set %s)",
			  eff ? "yes" : "no", prm ? "yes" : "no",
			  bnd == 1 ? "yes" : bnd == 2 ? "no: needs CAP_SETPCAP" : "no: not in it");
	return 0;
}
