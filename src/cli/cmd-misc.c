// SPDX-License-Identifier: Apache-2.0
/* Commands that need neither the kernel nor the daemon. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"

int cmd_version(int argc, char **argv)
{
	printf("%s %s\n", PROG_NAME, PACKAGE_VERSION);
	return CLI_OK;
}
