/* SPDX-License-Identifier: Apache-2.0 */
/* One handler per command; each cmd-*.c file defines the ones of its family. */
#ifndef CTFLOW_COMMANDS_H
#define CTFLOW_COMMANDS_H

int cmd_version(int argc, char **argv);
/* main.c: help from the command table */
int cmd_help(int argc, char **argv);
int cmd_list_commands(int argc, char **argv);

/* cmd-dp.c: datapaths and ports */
int cmd_add_dp(int argc, char **argv);
int cmd_del_dp(int argc, char **argv);
int cmd_add_if(int argc, char **argv);
int cmd_set_if(int argc, char **argv);
int cmd_del_if(int argc, char **argv);
int cmd_dump_dps(int argc, char **argv);
int cmd_show(int argc, char **argv);
/* cmd-ct.c */
int cmd_dump_conntrack(int argc, char **argv);
int cmd_flush_conntrack(int argc, char **argv);
int cmd_monitor_conntrack(int argc, char **argv);
int cmd_ct_stats_show(int argc, char **argv);
int cmd_ct_get_nconns(int argc, char **argv);
int cmd_ct_set_limits(int argc, char **argv);
int cmd_ct_del_limits(int argc, char **argv);
int cmd_ct_get_limits(int argc, char **argv);

/* cmd-flow.c, cmd-bulk.c: flows */
int cmd_add_flow(int argc, char **argv);
int cmd_mod_flow(int argc, char **argv);
int cmd_del_flow(int argc, char **argv);
int cmd_get_flow(int argc, char **argv);
int cmd_dump_flows(int argc, char **argv);
int cmd_add_flows(int argc, char **argv);
int cmd_mod_flows(int argc, char **argv);
int cmd_del_flows(int argc, char **argv);

/* cmd-rules.c: ctflowd's control socket */
int cmd_add_rule(int argc, char **argv);
int cmd_del_rule(int argc, char **argv);
int cmd_dump_rules(int argc, char **argv);
int cmd_save_rules(int argc, char **argv);
int cmd_reload(int argc, char **argv);
int cmd_daemon_show(int argc, char **argv);

/* cmd-check.c: offline flow validation */
int cmd_check_flow(int argc, char **argv);

/* cmd-monitor.c: notifications and upcalls */
int cmd_monitor(int argc, char **argv);
int cmd_upcall_listen(int argc, char **argv);

#endif
