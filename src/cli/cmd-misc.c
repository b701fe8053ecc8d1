// SPDX-License-Identifier: Apache-2.0
/* Commands that need neither the kernel nor the daemon. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"
#include "output.h"

int cmd_version(int argc, char **argv)
{
	cli_out_printf("%s %s\n", PROG_NAME, PACKAGE_VERSION);
	return CLI_OK;
}
