# SPDX-License-Identifier: Apache-2.0
# libctflow-core: everything that is not a main(). Both programs and every
# test link it statically, internals included.
noinst_LTLIBRARIES += libctflow-core.la
libctflow_core_la_CFLAGS = $(AM_CFLAGS) $(SRC_WARN_CFLAGS) $(MNL_CFLAGS) $(NLGENL_CFLAGS)
libctflow_core_la_LIBADD = $(MNL_LIBS) $(NLGENL_LIBS)
# Layers, one folder each: util/ (helpers), netlink/ (socket, buffers,
# attribute walking, family resolution), odp/ (the flow language: key and
# action tables, parse, print, validate, encode), ops/ (datapath, vport,
# flow and packet operations), conntrack/ (ctnetlink).
libctflow_core_la_SOURCES = \
	src/nl/util/util.c \
	src/nl/util/lex.c \
	src/nl/netlink/genl-request.c \
	src/nl/netlink/genl-resolve.c \
	src/nl/netlink/nlbuf.c \
	src/nl/netlink/nlmsg.c \
	src/nl/netlink/nlsock.c \
	src/nl/odp/action-attrs.c \
	src/nl/odp/action-ct-format.c \
	src/nl/odp/action-ct.c \
	src/nl/odp/action-format.c \
	src/nl/odp/action-nat.c \
	src/nl/odp/action-parse-hdr.c \
	src/nl/odp/action-parse-nest.c \
	src/nl/odp/action-parse.c \
	src/nl/odp/action-scan.c \
	src/nl/odp/ct-check.c \
	src/nl/odp/ct-opts.c \
	src/nl/odp/flow-print.c \
	src/nl/odp/key-attrs.c \
	src/nl/odp/key-format.c \
	src/nl/odp/key-format-tunnel.c \
	src/nl/odp/key-layout.c \
	src/nl/odp/key-parse.c \
	src/nl/odp/key-parse-fields.c \
	src/nl/odp/key-parse-flags.c \
	src/nl/odp/key-parse-nsh.c \
	src/nl/odp/key-parse-tunnel.c \
	src/nl/odp/match.c \
	src/nl/odp/ufid.c \
	src/nl/odp/validate-actions.c \
	src/nl/odp/validate.c \
	src/nl/ops/bulk.c \
	src/nl/ops/dp.c \
	src/nl/ops/features.c \
	src/nl/ops/flow.c \
	src/nl/ops/monitor.c \
	src/nl/ops/portmap.c \
	src/nl/ops/vport.c \
	src/nl/conntrack/conntrack.c \
	src/nl/conntrack/ct-decode.c \
	src/nl/conntrack/ct-filter.c \
	src/nl/conntrack/ct-format.c \
	src/nl/conntrack/ct-limit.c \
	src/nl/conntrack/ct-monitor.c \
	src/nl/conntrack/ct-request.c \
	src/nl/conntrack/ct-stats.c \
	$(NULL)
# action-parse.c uses llround() (sample probabilities): libm for every user of libctflow.
libctflow_core_la_LIBADD += -lm
# Private headers of src/nl: listed so that make dist ships them (distcheck).
noinst_HEADERS += \
	src/nl/odp/action-attrs.h \
	src/nl/odp/action-internal.h \
	src/nl/odp/attr-table.h \
	src/nl/odp/ct-opts.h \
	src/nl/odp/key-attrs.h \
	src/nl/odp/key-format.h \
	src/nl/odp/key-internal.h \
	src/nl/odp/key-parse.h \
	src/nl/util/lex.h \
	src/nl/odp/key-rules.h \
	src/nl/netlink/genl-request.h \
	src/nl/netlink/nla-inline.h \
	src/nl/odp/validate.h \
	$(NULL)

# libctflow: the installed library, the same objects with only the API of the
# installed headers (the ctf_ symbols) exported. doc/library.md says what the
# version numbers promise; bump CTFLOW_LT_VERSION in configure.ac by its rules.
lib_LTLIBRARIES += libctflow.la
libctflow_la_SOURCES =
# No sources of its own: link it as C.
nodist_EXTRA_libctflow_la_SOURCES = src/nl/none.c
libctflow_la_LIBADD = libctflow-core.la $(MNL_LIBS) $(NLGENL_LIBS) -lm
libctflow_la_LDFLAGS = -version-info $(CTFLOW_LT_VERSION) -export-symbols-regex '^ctf_' \
	-no-undefined

pkgconfig_DATA += libctflow.pc
