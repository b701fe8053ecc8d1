/* SPDX-License-Identifier: Apache-2.0 */
/* Rows of the command table: name, usage, min args, max args (-1: any), handler, help. */
{ "version", "", 0, 0, cmd_version, "print the version" },
{ "dump-conntrack", "[-m] [-s] [DP] [zone=N]", 0, 2, cmd_dump_conntrack, "print conntrack entries (--json too)" },
{ "flush-conntrack", "[DP] [zone=N] [mark=X[/M]] [labels=Y[/N]] [ct-orig-tuple [ct-reply-tuple]]", 0, 6, cmd_flush_conntrack, "delete conntrack entries (all, or those matching)" },
{ "ct-get-nconns", "[DP]", 0, 1, cmd_ct_get_nconns, "print the number of conntrack entries" },
{ "ct-set-limits", "[DP] [default=L] [zone=N,limit=L]...", 1, -1, cmd_ct_set_limits, "set per-zone connection limits (0 = unlimited)" },
{ "ct-del-limits", "[DP] [default] [zone=N1[,N2]...]", 1, 3, cmd_ct_del_limits, "remove per-zone connection limits" },
{ "ct-get-limits", "[DP] [zone=N1[,N2]...]", 0, 2, cmd_ct_get_limits, "print connection limits and counts" },
{ "add-rule", "PRIORITY MATCH ACTIONS", 3, -1, cmd_add_rule, "add a rule to ctflowd's policy" },
{ "del-rule", "PRIORITY MATCH", 2, 2, cmd_del_rule, "delete a rule from ctflowd's policy" },
{ "dump-rules", "", 0, 0, cmd_dump_rules, "print ctflowd's rules with hit and flow counts" },
{ "reload", "", 0, 0, cmd_reload, "make ctflowd re-read its configuration file" },
{ "daemon-show", "", 0, 0, cmd_daemon_show, "print ctflowd's state: upcall mode, counters, rules" },
