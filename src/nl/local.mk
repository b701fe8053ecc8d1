# SPDX-License-Identifier: Apache-2.0
# libctflow-core: everything that is not a main(). Both programs and every
# test link it statically, internals included.
noinst_LTLIBRARIES += libctflow-core.la
libctflow_core_la_CFLAGS = $(AM_CFLAGS) $(SRC_WARN_CFLAGS) $(MNL_CFLAGS) $(NLGENL_CFLAGS)
libctflow_core_la_LIBADD = $(MNL_LIBS) $(NLGENL_LIBS)
libctflow_core_la_SOURCES = \
	src/nl/util.c \
	src/nl/nlbuf.c \
	src/nl/conntrack.c \
	src/nl/ct-decode.c \
	src/nl/ct-format.c \
	src/nl/ct-filter.c \
	src/nl/ct-limit.c \
	src/nl/genl-resolve.c \
	src/nl/nlsock.c \
	src/nl/flow.c \
	src/nl/flow-print.c \
	src/nl/bulk.c \
	src/nl/dp.c \
	src/nl/vport.c \
	src/nl/features.c \
	src/nl/key-attrs.c \
	src/nl/key-parse.c \
	src/nl/key-format.c \
	src/nl/ufid.c \
	src/nl/portmap.c \
	src/nl/match.c \
	src/nl/validate.c \
	src/nl/validate-actions.c \
	src/nl/action-attrs.c \
	src/nl/action-scan.c \
	src/nl/action-parse.c \
	src/nl/action-parse-hdr.c \
	src/nl/action-parse-nest.c \
	src/nl/action-ct.c \
	src/nl/action-nat.c \
	src/nl/action-ct-format.c \
	src/nl/action-format.c \
	$(NULL)
# action-parse.c uses llround() (sample probabilities): libm for every user of libctflow.
libctflow_core_la_LIBADD += -lm
# Private headers of src/nl: listed so that make dist ships them (distcheck).
noinst_HEADERS += \
	src/nl/action-attrs.h \
	src/nl/action-internal.h \
	src/nl/key-attrs.h \
	src/nl/key-internal.h \
	src/nl/nla-inline.h \
	src/nl/validate.h \
	$(NULL)
libctflow_core_la_SOURCES += src/nl/monitor.c

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
