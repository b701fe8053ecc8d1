# SPDX-License-Identifier: Apache-2.0
# Benchmarks: run by hand (bench/run or `make bench`), never by make check or
# CI: they are slow, boot the test VM, and timings do not belong in tests.
# The C program is an EXTRA_PROGRAMS entry, so a plain `make` skips it and
# `make install` never installs it.
EXTRA_PROGRAMS += bench/flowtext-bench bench/cls-bench
bench_flowtext_bench_SOURCES = bench/flowtext-bench.c bench/mix.h
bench_flowtext_bench_CFLAGS = $(AM_CFLAGS) $(MNL_CFLAGS) -O2
bench_flowtext_bench_LDADD = libctflow-core.la $(MNL_LIBS)
bench_cls_bench_SOURCES = bench/cls-bench.c bench/policy-gen.c bench/policy-gen.h bench/mix.h
bench_cls_bench_CFLAGS = $(AM_CFLAGS) $(MNL_CFLAGS) $(EVENT_CFLAGS) -O2
bench_cls_bench_LDADD = libctflowd.la libctflow-core.la $(EVENT_LIBS) $(MNL_LIBS)
CLEANFILES += $(EXTRA_PROGRAMS)
EXTRA_DIST += bench/run bench/dpctl-bench.sh bench/ct-bench.sh bench/README.md bench/RESULTS.md \
	bench/run-daemon bench/upcall-bench.sh

# make bench: build and run everything, rewrite bench/RESULTS.md.
.PHONY: bench bench-daemon
bench: bench/flowtext-bench$(EXEEXT) ctflow$(EXEEXT)
	$(SHELL) $(srcdir)/bench/run
bench-daemon: bench/cls-bench$(EXEEXT) ctflowd$(EXEEXT) ctflow$(EXEEXT)
	$(SHELL) $(srcdir)/bench/run-daemon
