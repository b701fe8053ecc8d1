# SPDX-License-Identifier: Apache-2.0
# Unit tests (Check) run on the host; VM tests boot a Debian kernel with
# openvswitch.ko under qemu (tests/vm/run) and run tests/kernel/*.sh inside.

TEST_EXTENSIONS = .sh
SH_LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
AM_TESTS_ENVIRONMENT = \
	top_srcdir='$(abs_top_srcdir)'; export top_srcdir; \
	top_builddir='$(abs_top_builddir)'; export top_builddir; \
	CTFLOW_VECTORS='$(abs_top_srcdir)/tests/vectors'; export CTFLOW_VECTORS;

# ---- unit tests (Check): one block, one program per file of tests/unit ----
if HAVE_CHECK
# tests/unit/common.h: running a suite, running a command, building
# attributes. Two objects, so that a test that only runs commands does not
# pull in libmnl.
check_LIBRARIES = tests/unit/libckcommon.a
tests_unit_libckcommon_a_SOURCES = tests/unit/common.c tests/unit/common-nl.c tests/unit/common.h
tests_unit_libckcommon_a_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(MNL_CFLAGS)
UNIT_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(MNL_CFLAGS)
UNIT_LDADD = tests/unit/libckcommon.a libctflow-core.la $(CHECK_LIBS) $(MNL_LIBS)
DAEMON_UNIT_LDADD = tests/unit/libckcommon.a libctflowd.la libctflow-core.la $(CHECK_LIBS) \
	$(MNL_LIBS) $(EVENT_LIBS)

check_PROGRAMS += tests/unit/check_util
tests_unit_check_util_SOURCES = tests/unit/check_util.c
tests_unit_check_util_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_util_LDADD = $(UNIT_LDADD)
check_PROGRAMS += tests/unit/check_lex
tests_unit_check_lex_SOURCES = tests/unit/check_lex.c
tests_unit_check_lex_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_lex_LDADD = $(UNIT_LDADD)
check_PROGRAMS += tests/unit/check_keys
tests_unit_check_keys_SOURCES = tests/unit/check_keys.c
tests_unit_check_keys_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_keys_LDADD = $(UNIT_LDADD)
check_PROGRAMS += tests/unit/check_keyrows
tests_unit_check_keyrows_SOURCES = tests/unit/check_keyrows.c
tests_unit_check_keyrows_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_keyrows_LDADD = $(UNIT_LDADD)
check_PROGRAMS += tests/unit/check_match
tests_unit_check_match_SOURCES = tests/unit/check_match.c
tests_unit_check_match_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_match_LDADD = $(UNIT_LDADD)
check_PROGRAMS += tests/unit/check_validate
tests_unit_check_validate_SOURCES = tests/unit/check_validate.c
tests_unit_check_validate_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_validate_LDADD = $(UNIT_LDADD)
check_PROGRAMS += tests/unit/check_actions
tests_unit_check_actions_SOURCES = tests/unit/check_actions.c
tests_unit_check_actions_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_actions_LDADD = $(UNIT_LDADD)
check_PROGRAMS += tests/unit/check_ct_model
tests_unit_check_ct_model_SOURCES = tests/unit/check_ct_model.c
tests_unit_check_ct_model_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_ct_model_LDADD = $(UNIT_LDADD)
# Every name of the key and action tables is documented in ctflow-flows(7).
check_PROGRAMS += tests/unit/check_manpage_flows
tests_unit_check_manpage_flows_SOURCES = tests/unit/check_manpage_flows.c
tests_unit_check_manpage_flows_CFLAGS = $(UNIT_CFLAGS) \
	-DFLOWS_MAN_PATH='"$(abs_top_srcdir)/man/ctflow-flows.7"'
tests_unit_check_manpage_flows_LDADD = $(UNIT_LDADD)
check_PROGRAMS += tests/unit/check_flowprint
tests_unit_check_flowprint_SOURCES = tests/unit/check_flowprint.c
tests_unit_check_flowprint_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_flowprint_LDADD = $(UNIT_LDADD)
check_PROGRAMS += tests/unit/check_bulk
tests_unit_check_bulk_SOURCES = tests/unit/check_bulk.c src/cli/flow-find.c
tests_unit_check_bulk_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir)/src/cli
tests_unit_check_bulk_LDADD = $(UNIT_LDADD)
check_PROGRAMS += tests/unit/check_monitor
tests_unit_check_monitor_SOURCES = tests/unit/check_monitor.c
tests_unit_check_monitor_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_monitor_LDADD = $(UNIT_LDADD)
check_PROGRAMS += tests/unit/check_ctformat
tests_unit_check_ctformat_SOURCES = tests/unit/check_ctformat.c
tests_unit_check_ctformat_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_ctformat_LDADD = $(UNIT_LDADD)
check_PROGRAMS += tests/unit/check_ctfilter
tests_unit_check_ctfilter_SOURCES = tests/unit/check_ctfilter.c
tests_unit_check_ctfilter_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_ctfilter_LDADD = $(UNIT_LDADD)
check_PROGRAMS += tests/unit/check_nlsock
tests_unit_check_nlsock_SOURCES = tests/unit/check_nlsock.c src/cli/output-json.c \
	src/cli/output.c src/cli/text.c
tests_unit_check_nlsock_CFLAGS = $(UNIT_CFLAGS) $(NLGENL_CFLAGS) $(JSONC_CFLAGS) -I$(top_srcdir)/src/cli
tests_unit_check_nlsock_LDADD = $(UNIT_LDADD) $(JSONC_LIBS)
check_PROGRAMS += tests/unit/check_nlrequest
tests_unit_check_nlrequest_SOURCES = tests/unit/check_nlrequest.c
tests_unit_check_nlrequest_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_nlrequest_LDADD = $(UNIT_LDADD)
check_PROGRAMS += tests/unit/check_daemon_log
tests_unit_check_daemon_log_SOURCES = tests/unit/check_daemon_log.c
tests_unit_check_daemon_log_CFLAGS = $(UNIT_CFLAGS) $(EVENT_CFLAGS)
tests_unit_check_daemon_log_LDADD = $(DAEMON_UNIT_LDADD)
check_PROGRAMS += tests/unit/check_daemon_cls
tests_unit_check_daemon_cls_SOURCES = tests/unit/check_daemon_cls.c tests/unit/rng.h
tests_unit_check_daemon_cls_CFLAGS = $(UNIT_CFLAGS) $(EVENT_CFLAGS)
tests_unit_check_daemon_cls_LDADD = $(DAEMON_UNIT_LDADD)
check_PROGRAMS += tests/unit/check_daemon_rcu
tests_unit_check_daemon_rcu_SOURCES = tests/unit/check_daemon_rcu.c
tests_unit_check_daemon_rcu_CFLAGS = $(UNIT_CFLAGS) $(EVENT_CFLAGS)
tests_unit_check_daemon_rcu_LDADD = $(DAEMON_UNIT_LDADD)
check_PROGRAMS += tests/unit/check_daemon_upcall
tests_unit_check_daemon_upcall_SOURCES = tests/unit/check_daemon_upcall.c
tests_unit_check_daemon_upcall_CFLAGS = $(UNIT_CFLAGS) $(EVENT_CFLAGS)
tests_unit_check_daemon_upcall_LDADD = $(DAEMON_UNIT_LDADD)
check_PROGRAMS += tests/unit/check_daemon_control
tests_unit_check_daemon_control_SOURCES = tests/unit/check_daemon_control.c
tests_unit_check_daemon_control_CFLAGS = $(UNIT_CFLAGS) $(EVENT_CFLAGS)
tests_unit_check_daemon_control_LDADD = $(DAEMON_UNIT_LDADD)
check_PROGRAMS += tests/unit/check_daemon_notify
tests_unit_check_daemon_notify_SOURCES = tests/unit/check_daemon_notify.c
tests_unit_check_daemon_notify_CFLAGS = $(UNIT_CFLAGS) $(EVENT_CFLAGS)
tests_unit_check_daemon_notify_LDADD = $(DAEMON_UNIT_LDADD)
check_PROGRAMS += tests/unit/check_daemon_config
tests_unit_check_daemon_config_SOURCES = tests/unit/check_daemon_config.c
tests_unit_check_daemon_config_CFLAGS = $(UNIT_CFLAGS) $(EVENT_CFLAGS)
tests_unit_check_daemon_config_LDADD = $(DAEMON_UNIT_LDADD)
check_PROGRAMS += tests/unit/check_daemon_conf_file
tests_unit_check_daemon_conf_file_SOURCES = tests/unit/check_daemon_conf_file.c
tests_unit_check_daemon_conf_file_CFLAGS = $(UNIT_CFLAGS) $(EVENT_CFLAGS)
tests_unit_check_daemon_conf_file_LDADD = $(DAEMON_UNIT_LDADD)
check_PROGRAMS += tests/unit/check_daemon_policy
tests_unit_check_daemon_policy_SOURCES = tests/unit/check_daemon_policy.c tests/unit/rng.h
tests_unit_check_daemon_policy_CFLAGS = $(UNIT_CFLAGS) $(EVENT_CFLAGS)
tests_unit_check_daemon_policy_LDADD = $(DAEMON_UNIT_LDADD)
check_PROGRAMS += tests/unit/check_daemon_flowtab
tests_unit_check_daemon_flowtab_SOURCES = tests/unit/check_daemon_flowtab.c
tests_unit_check_daemon_flowtab_CFLAGS = $(UNIT_CFLAGS) $(EVENT_CFLAGS)
tests_unit_check_daemon_flowtab_LDADD = $(DAEMON_UNIT_LDADD)
check_PROGRAMS += tests/unit/check_daemon_revalidate
tests_unit_check_daemon_revalidate_SOURCES = tests/unit/check_daemon_revalidate.c
tests_unit_check_daemon_revalidate_CFLAGS = $(UNIT_CFLAGS) $(EVENT_CFLAGS)
tests_unit_check_daemon_revalidate_LDADD = $(DAEMON_UNIT_LDADD)
# ctflow's output: escaping, valid UTF-8, the JSON of flows, notifications, upcalls.
check_PROGRAMS += tests/cli/check_output
tests_cli_check_output_SOURCES = tests/cli/check_output.c src/cli/output-events.c \
	src/cli/output-json.c src/cli/output.c src/cli/text.c
tests_cli_check_output_CFLAGS = $(UNIT_CFLAGS) $(JSONC_CFLAGS) -I$(top_srcdir)/src/cli
tests_cli_check_output_LDADD = $(UNIT_LDADD) $(JSONC_LIBS)
# These two run the built programs: ctflowd and ctflow themselves, and the
# systemd unit, the example configuration and the man pages of ctflowd.
check_PROGRAMS += tests/unit/check_daemon_main tests/unit/check_daemon_dist
tests_unit_check_daemon_main_SOURCES = tests/unit/check_daemon_main.c
tests_unit_check_daemon_main_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_daemon_main_LDADD = tests/unit/libckcommon.a $(CHECK_LIBS)
EXTRA_tests_unit_check_daemon_main_DEPENDENCIES = ctflowd ctflow
tests_unit_check_daemon_dist_SOURCES = tests/unit/check_daemon_dist.c
tests_unit_check_daemon_dist_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_daemon_dist_LDADD = tests/unit/libckcommon.a $(CHECK_LIBS)
EXTRA_tests_unit_check_daemon_dist_DEPENDENCIES = ctflowd $(man_MANS)
endif
# Every check program: the unit tests above and the fuzz replays (tests/fuzz/local.mk).
TESTS += $(check_PROGRAMS)

# ---- the command line on the host (no kernel needed) ----
# check-flow; options anywhere, help, exit statuses, write errors; every
# example of ctflow-flows(7); what ctflow checks before it needs the kernel
# (--json, flows, datapath names, escaping); bash completion; dump-rules,
# save-rules and daemon-show against a stand-in for ctflowd's socket; and
# add-rule, save-rules, restart with the real ctflowd (no datapath).
CLI_TESTS = \
	tests/cli/check-flow.sh \
	tests/cli/options.sh \
	tests/cli/manpage-examples.sh \
	tests/cli/offline.sh \
	tests/cli/completion.sh \
	tests/cli/rules.sh \
	tests/cli/save-rules.sh \
	$(NULL)
TESTS += $(CLI_TESTS)
EXTRA_DIST += $(CLI_TESTS) tests/cli/fake-ctflowd.py

# ---- VM scenarios against the real kernel datapath ----
# Each re-runs itself inside the test VM (tests/kernel/lib.sh) and prints
# TAP, so make check reports every scenario by name. The one list of them.
KERNEL_TESTS = \
	tests/kernel/00-plumbing.sh \
	tests/kernel/10-dp-ports.sh \
	tests/kernel/20-flows.sh \
	tests/kernel/21-flows-interop.sh \
	tests/kernel/30-conntrack.sh \
	tests/kernel/40-selftests.sh \
	tests/kernel/41-monitor.sh \
	tests/kernel/42-selftests-ovsnl.sh \
	tests/kernel/43-selftests-tunnel.sh \
	tests/kernel/50-ctflowd-firewall.sh \
	tests/kernel/51-ctflowd-upkeep.sh \
	tests/kernel/52-ctflowd-loss.sh \
	tests/kernel/53-ctflowd-policy.sh \
	tests/kernel/54-ctflowd-installed.sh \
	tests/kernel/55-ctflowd-faults.sh \
	tests/kernel/56-ctflowd-control-group.sh \
	tests/kernel/57-ctflowd-capabilities.sh \
	tests/kernel/58-ctflowd-memory.sh \
	tests/kernel/59-ctflowd-hostile-clients.sh \
	tests/kernel/60-ctflowd-reload-storm.sh \
	$(NULL)
if ENABLE_VM_TESTS
TESTS += $(KERNEL_TESTS)
endif
# Files, not directories: a directory would also ship the builddir's test logs.
EXTRA_DIST += \
	tests/vm/run \
	tests/vm/init \
	tests/vm/cache.sh \
	tests/vm/modules.list \
	tests/kernel/lib.sh \
	tests/kernel/selftests-lib.sh \
	$(KERNEL_TESTS) \
	$(NULL)

# make check-valgrind: the unit tests again under valgrind (memcheck, definite
# leaks are errors). Check forks a child per test, hence --trace-children;
# the system tools some tests run (sed, groff, man) are not ours to check,
# and their leak reports would only drown the test's own messages. Check's
# per-test timeouts are stretched: memcheck runs code 20-50 times slower.
VALGRIND_FLAGS = -q --error-exitcode=3 --leak-check=full --errors-for-leak-kinds=definite \
	--trace-children=yes --trace-children-skip='/usr/*,/bin/*,/sbin/*'
.PHONY: check-valgrind
check-valgrind:
	CK_TIMEOUT_MULTIPLIER=10 $(MAKE) $(AM_MAKEFLAGS) check TESTS="$(check_PROGRAMS)" \
		LOG_COMPILER="valgrind $(VALGRIND_FLAGS)"

# make installcheck (and so distcheck, which CI runs): the installed library
# as its users see it. Every installed header compiles on its own, a
# program written against them builds with pkg-config and runs, and the
# shared library exports nothing but the ctf_ API.
EXTRA_DIST += tests/install/sample.c
installcheck-local:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	for h in $(ctflowinclude_HEADERS); do \
		b=$$(basename $$h); \
		printf '#include <ctflow/%s>\n' "$$b" > "$$tmp/h.c"; \
		$(CC) -std=gnu11 -Wall -Wextra -Werror -fsyntax-only -I$(DESTDIR)$(includedir) "$$tmp/h.c" || \
			{ echo "installcheck: ctflow/$$b does not compile on its own"; exit 1; }; \
	done; \
	echo "installcheck: every installed header compiles on its own"; \
	export PKG_CONFIG_PATH=$(DESTDIR)$(libdir)/pkgconfig PKG_CONFIG_SYSROOT_DIR=$(DESTDIR); \
	$(CC) -std=gnu11 -Wall -Werror $(SANITIZER_CFLAGS) -o "$$tmp/sample" $(srcdir)/tests/install/sample.c \
		$$($(PKG_CONFIG) --cflags --libs libctflow); \
	LD_LIBRARY_PATH=$(DESTDIR)$(libdir) "$$tmp/sample"; \
	echo "installcheck: a program built with pkg-config --cflags --libs libctflow runs"; \
	so=$$(ls $(DESTDIR)$(libdir)/libctflow.so.* | head -n1); \
	bad=$$(nm -D --defined-only "$$so" | awk '$$2 ~ /^[TDBRVW]$$/ && $$3 !~ /^ctf_/ { print $$3 }'); \
	if [ -n "$$bad" ]; then echo "installcheck: $$so exports non-API symbols: $$bad"; exit 1; fi; \
	echo "installcheck: $$so exports only ctf_ symbols"; \
	major=$$(echo $(CTFLOW_LT_VERSION) | awk -F: '{ print $$1 - $$3 }'); \
	soname=$$(objdump -p "$$so" | awk '$$1 == "SONAME" { print $$2 }'); \
	if [ "$$soname" != "libctflow.so.$$major" ]; then \
		echo "installcheck: soname $$soname, but CTFLOW_LT_VERSION says libctflow.so.$$major"; exit 1; fi; \
	grep -qx "Package: libctflow$$major" $(srcdir)/debian/control && \
		test -f $(srcdir)/debian/libctflow$$major.install || \
		{ echo "installcheck: the Debian runtime package must be libctflow$$major (soname $$soname)"; exit 1; }; \
	echo "installcheck: soname $$soname, Debian package libctflow$$major"
