# SPDX-License-Identifier: Apache-2.0
# ctflowd: everything except main() lives in libctflowd.la so that the unit
# tests link the daemon's internals.
noinst_LTLIBRARIES += libctflowd.la
libctflowd_la_CFLAGS = $(AM_CFLAGS) $(SRC_WARN_CFLAGS) $(MNL_CFLAGS) $(EVENT_CFLAGS)
libctflowd_la_LIBADD = $(EVENT_LIBS) $(MNL_LIBS)
libctflowd_la_SOURCES = \
	src/daemon/log.c \
	src/daemon/log.h \
	src/daemon/ratelimit.c \
	src/daemon/ratelimit.h \
	src/daemon/cls.c \
	src/daemon/cls.h \
	src/daemon/cls-private.h \
	src/daemon/cls-lookup.c \
	src/daemon/cls-index.c \
	src/daemon/trie.c \
	src/daemon/trie.h \
	src/daemon/rcu.c \
	src/daemon/rcu.h \
	src/daemon/handler.c \
	src/daemon/handler.h \
	src/daemon/control.c \
	src/daemon/control.h \
	src/daemon/notify.c \
	src/daemon/notify.h \
	src/daemon/conf.c \
	src/daemon/conf-file.c \
	src/daemon/conf-settings.c \
	src/daemon/conf-settings.h \
	src/daemon/conf.h \
	src/daemon/rulecheck.c \
	src/daemon/rulecheck.h \
	src/daemon/policy.c \
	src/daemon/policy.h \
	src/daemon/flowtab.c \
	src/daemon/flowtab.h \
	src/daemon/upcall.c \
	src/daemon/upcall.h \
	src/daemon/revalidate.c \
	src/daemon/revalidate.h \
	src/daemon/revalidate-delete.c \
	src/daemon/revalidate-delete.h \
	src/daemon/revalidate-dump.c \
	src/daemon/revalidate-dump.h \
	src/daemon/revalidate-pace.c \
	src/daemon/revalidate-pace.h \
	src/daemon/daemon.c \
	src/daemon/daemon.h \
	src/daemon/privdrop.c \
	src/daemon/privdrop.h \
	$(NULL)

sbin_PROGRAMS += ctflowd
ctflowd_CFLAGS = $(AM_CFLAGS) $(SRC_WARN_CFLAGS) $(MNL_CFLAGS) $(EVENT_CFLAGS)
ctflowd_LDFLAGS = $(AM_LDFLAGS) $(HARDEN_PROG_LDFLAGS)
ctflowd_LDADD = libctflowd.la libctflow-core.la $(EVENT_LIBS) $(MNL_LIBS)
ctflowd_SOURCES = src/daemon/main.c

# The systemd unit is generated so that it names the installed paths.
EXTRA_DIST += data/ctflowd.service.in data/ctflowd.conf.example data/demo.conf
CLEANFILES += data/ctflowd.service

data/ctflowd.service: $(srcdir)/data/ctflowd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) data && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
		$(srcdir)/data/ctflowd.service.in > $@.tmp && mv $@.tmp $@

if HAVE_SYSTEMD_UNITDIR
systemdsystemunit_DATA = data/ctflowd.service
else
noinst_DATA = data/ctflowd.service
endif

ctflowdexampledir = $(docdir)/examples
dist_ctflowdexample_DATA = data/ctflowd.conf.example
