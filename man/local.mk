# SPDX-License-Identifier: Apache-2.0
# The man pages name the configured paths (configuration, control socket,
# examples), so that they say where this build looks: generated from .in.
man_MANS = man/ctflow.8 man/ctflowd.8 man/ctflowd.conf.5
EXTRA_DIST += man/ctflow.8.in man/ctflowd.8.in man/ctflowd.conf.5.in
CLEANFILES += $(man_MANS)

# Only the known placeholders are replaced (the pages use '@' themselves: system@DP).
man_subst = $(MKDIR_P) man && sed -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	-e 's|@runstatedir[@]|$(runstatedir)|g' -e 's|@docdir[@]|$(docdir)|g'

man/ctflow.8: $(srcdir)/man/ctflow.8.in Makefile
	$(AM_V_GEN)$(man_subst) $(srcdir)/man/ctflow.8.in > $@.tmp && mv $@.tmp $@
man/ctflowd.8: $(srcdir)/man/ctflowd.8.in Makefile
	$(AM_V_GEN)$(man_subst) $(srcdir)/man/ctflowd.8.in > $@.tmp && mv $@.tmp $@
man/ctflowd.conf.5: $(srcdir)/man/ctflowd.conf.5.in Makefile
	$(AM_V_GEN)$(man_subst) $(srcdir)/man/ctflowd.conf.5.in > $@.tmp && mv $@.tmp $@

# The flow language reference names no configured path: shipped as written.
dist_man_MANS += man/ctflow-flows.7
