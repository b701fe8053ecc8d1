# SPDX-License-Identifier: Apache-2.0
# Fuzz targets (tests/fuzz/README.md). Every build runs each target's
# LLVMFuzzerTestOneInput, through replay.c, on its starting corpus (written
# by make-seeds) and on the inputs that once broke it (tests/fuzz/regress):
# make check and make check-valgrind replay them like any unit test.
#
# ./configure --enable-fuzzing CC=clang also builds them as libFuzzer
# programs, and `make fuzz` runs each for FUZZ_SECONDS, from the seeds, the
# minimised corpus in the tree and what earlier runs found; a crash or a broken
# property fails and leaves the input in tests/fuzz/crash-TARGET-*; new
# inputs go to tests/fuzz/found/TARGET, to be merged into corpus/ by hand.
# scripts/fuzz does that in a scratch build.
FUZZ_NAMES = key actions netlink conntrack config control
FUZZ_SECONDS = 10
FUZZ_CONFIGS = $(srcdir)/data/ctflowd.conf.example $(srcdir)/data/demo.conf \
	$(srcdir)/debian/ctflowd.conf

EXTRA_DIST += tests/fuzz/README.md tests/fuzz/regress tests/fuzz/corpus
EXTRA_PROGRAMS += tests/fuzz/make-seeds
tests_fuzz_make_seeds_SOURCES = tests/fuzz/make-seeds.c
tests_fuzz_make_seeds_CFLAGS = $(AM_CFLAGS) $(MNL_CFLAGS)
tests_fuzz_make_seeds_LDADD = libctflow-core.la $(MNL_LIBS)

FUZZ_LIB_LDADD = libctflow-core.la $(MNL_LIBS)
FUZZ_DAEMON_LDADD = libctflowd.la $(FUZZ_LIB_LDADD) $(EVENT_LIBS)
FUZZ_REPLAY = tests/fuzz/replay.c tests/fuzz/fuzz-common.h
check_PROGRAMS += \
	tests/fuzz/replay-key \
	tests/fuzz/replay-actions \
	tests/fuzz/replay-netlink \
	tests/fuzz/replay-conntrack \
	tests/fuzz/replay-config \
	tests/fuzz/replay-control \
	$(NULL)
tests_fuzz_replay_key_SOURCES = tests/fuzz/fuzz-key.c $(FUZZ_REPLAY)
tests_fuzz_replay_key_CFLAGS = $(AM_CFLAGS) $(MNL_CFLAGS)
tests_fuzz_replay_key_LDADD = $(FUZZ_LIB_LDADD)
tests_fuzz_replay_actions_SOURCES = tests/fuzz/fuzz-actions.c $(FUZZ_REPLAY)
tests_fuzz_replay_actions_CFLAGS = $(AM_CFLAGS) $(MNL_CFLAGS)
tests_fuzz_replay_actions_LDADD = $(FUZZ_LIB_LDADD)
tests_fuzz_replay_netlink_SOURCES = tests/fuzz/fuzz-netlink.c $(FUZZ_REPLAY)
tests_fuzz_replay_netlink_CFLAGS = $(AM_CFLAGS) $(MNL_CFLAGS)
tests_fuzz_replay_netlink_LDADD = $(FUZZ_LIB_LDADD)
tests_fuzz_replay_conntrack_SOURCES = tests/fuzz/fuzz-conntrack.c $(FUZZ_REPLAY)
tests_fuzz_replay_conntrack_CFLAGS = $(AM_CFLAGS) $(MNL_CFLAGS)
tests_fuzz_replay_conntrack_LDADD = $(FUZZ_LIB_LDADD)
tests_fuzz_replay_config_SOURCES = tests/fuzz/fuzz-config.c $(FUZZ_REPLAY)
tests_fuzz_replay_config_CFLAGS = $(AM_CFLAGS) $(MNL_CFLAGS) $(EVENT_CFLAGS)
tests_fuzz_replay_config_LDADD = $(FUZZ_DAEMON_LDADD)
tests_fuzz_replay_control_SOURCES = tests/fuzz/fuzz-control.c $(FUZZ_REPLAY)
tests_fuzz_replay_control_CFLAGS = $(AM_CFLAGS) $(MNL_CFLAGS) $(EVENT_CFLAGS)
tests_fuzz_replay_control_LDADD = $(FUZZ_DAEMON_LDADD)

# The starting corpora, rewritten whenever make-seeds or the vectors change.
check_DATA = tests/fuzz/seeds/.stamp
tests/fuzz/seeds/.stamp: tests/fuzz/make-seeds$(EXEEXT) $(srcdir)/tests/vectors/keys.txt \
		$(srcdir)/tests/vectors/actions.txt $(FUZZ_CONFIGS)
	$(AM_V_GEN)rm -rf tests/fuzz/seeds && \
	tests/fuzz/make-seeds $(srcdir)/tests/vectors tests/fuzz/seeds $(FUZZ_CONFIGS) >/dev/null && \
	touch $@
clean-local: clean-fuzz
clean-fuzz:
	-rm -rf tests/fuzz/seeds tests/fuzz/found
.PHONY: clean-fuzz

if ENABLE_FUZZING
noinst_PROGRAMS += \
	tests/fuzz/fuzz-key \
	tests/fuzz/fuzz-actions \
	tests/fuzz/fuzz-netlink \
	tests/fuzz/fuzz-conntrack \
	tests/fuzz/fuzz-config \
	tests/fuzz/fuzz-control \
	$(NULL)
tests_fuzz_fuzz_key_SOURCES = tests/fuzz/fuzz-key.c
tests_fuzz_fuzz_key_CFLAGS = $(tests_fuzz_replay_key_CFLAGS)
tests_fuzz_fuzz_key_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_key_LDADD = $(FUZZ_LIB_LDADD)
tests_fuzz_fuzz_actions_SOURCES = tests/fuzz/fuzz-actions.c
tests_fuzz_fuzz_actions_CFLAGS = $(tests_fuzz_replay_actions_CFLAGS)
tests_fuzz_fuzz_actions_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_actions_LDADD = $(FUZZ_LIB_LDADD)
tests_fuzz_fuzz_netlink_SOURCES = tests/fuzz/fuzz-netlink.c
tests_fuzz_fuzz_netlink_CFLAGS = $(tests_fuzz_replay_netlink_CFLAGS)
tests_fuzz_fuzz_netlink_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_netlink_LDADD = $(FUZZ_LIB_LDADD)
tests_fuzz_fuzz_conntrack_SOURCES = tests/fuzz/fuzz-conntrack.c
tests_fuzz_fuzz_conntrack_CFLAGS = $(tests_fuzz_replay_conntrack_CFLAGS)
tests_fuzz_fuzz_conntrack_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_conntrack_LDADD = $(FUZZ_LIB_LDADD)
tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz-config.c
tests_fuzz_fuzz_config_CFLAGS = $(tests_fuzz_replay_config_CFLAGS)
tests_fuzz_fuzz_config_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_config_LDADD = $(FUZZ_DAEMON_LDADD)
tests_fuzz_fuzz_control_SOURCES = tests/fuzz/fuzz-control.c
tests_fuzz_fuzz_control_CFLAGS = $(tests_fuzz_replay_control_CFLAGS)
tests_fuzz_fuzz_control_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_control_LDADD = $(FUZZ_DAEMON_LDADD)

fuzz: $(noinst_PROGRAMS) tests/fuzz/seeds/.stamp
	$(AM_V_at)set -e; for name in $(FUZZ_NAMES); do \
		mkdir -p tests/fuzz/found/$$name; \
		echo "fuzz: $$name for $(FUZZ_SECONDS) s"; \
		tests/fuzz/fuzz-$$name -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 \
			-rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix=tests/fuzz/crash-$$name- \
			tests/fuzz/found/$$name $(srcdir)/tests/fuzz/corpus/$$name tests/fuzz/seeds/$$name \
			2>tests/fuzz/$$name.log || { \
			grep -v '^INFO\|^#[0-9]' tests/fuzz/$$name.log | tail -n 60; \
			echo "fuzz: $$name FAILED: the input is in tests/fuzz/crash-$$name-*"; exit 1; }; \
		grep -E '^#[0-9]+.*DONE' tests/fuzz/$$name.log | sed "s/^/fuzz: $$name: /"; \
	done
else
fuzz:
	@echo "make fuzz: configure with --enable-fuzzing CC=clang first (or run scripts/fuzz)" >&2; exit 1
endif
.PHONY: fuzz
