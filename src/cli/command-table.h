/* SPDX-License-Identifier: Apache-2.0 */
/* Rows of the command table: name, usage, min args, max args (-1: any), handler, help. */
{ "version", "", 0, 0, cmd_version, "print the version" },
