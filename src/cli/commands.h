/* SPDX-License-Identifier: Apache-2.0 */
/* One handler per command; each cmd-*.c file defines the ones of its family. */
#ifndef CTFLOW_COMMANDS_H
#define CTFLOW_COMMANDS_H

int cmd_version(int argc, char **argv);

#endif
