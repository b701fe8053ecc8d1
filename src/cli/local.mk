# SPDX-License-Identifier: Apache-2.0
bin_PROGRAMS += ctflow
ctflow_CFLAGS = $(AM_CFLAGS) $(SRC_WARN_CFLAGS) $(MNL_CFLAGS) $(JSONC_CFLAGS)
ctflow_LDFLAGS = $(AM_LDFLAGS) $(HARDEN_PROG_LDFLAGS)
ctflow_LDADD = libctflow-core.la $(MNL_LIBS) $(JSONC_LIBS)
ctflow_SOURCES = \
	src/cli/main.c \
	src/cli/errors.c \
	src/cli/text.h \
	src/cli/text.c \
	src/cli/dp-arg.c \
	src/cli/stop-signals.c \
	src/cli/port-list.c \
	src/cli/output.c \
	src/cli/output-events.c \
	src/cli/cli.h \
	src/cli/commands.h \
	src/cli/command-table.h \
	src/cli/cmd-misc.c \
	src/cli/cmd-check.c \
	src/cli/cmd-dp.c \
	src/cli/output.h \
	src/cli/output-json.c \
	src/cli/ctl-client.h \
	src/cli/ctl-client.c \
	src/cli/cmd-rules.c \
	src/cli/rules-dump.c \
	src/cli/cmd-ct.c \
	src/cli/cmd-flow.h \
	src/cli/cmd-flow.c \
	src/cli/flow-find.c \
	src/cli/cmd-bulk.c \
	$(NULL)
ctflow_SOURCES += src/cli/cmd-monitor.c

# bash completion for ctflow, where bash-completion loads it on demand
# (configure --with-bash-completion-dir).
if HAVE_BASH_COMPLETION_DIR
dist_bashcompletion_DATA = completion/ctflow
else
EXTRA_DIST += completion/ctflow
endif
