# SPDX-License-Identifier: Apache-2.0
# The library's headers, installed as <ctflow/...> (doc/library.md).
ctflowincludedir = $(includedir)/ctflow
ctflowinclude_HEADERS = \
	include/ctflow/compat.h \
	include/ctflow/util.h \
	include/ctflow/conntrack.h \
	include/ctflow/nlbuf.h \
	include/ctflow/flowtext.h \
	include/ctflow/ctl.h \
	include/ctflow/flow.h \
	$(NULL)
ctflowinclude_HEADERS += include/ctflow/nlsock.h include/ctflow/dp.h
ctflowinclude_HEADERS += include/ctflow/attr-rule.h
ctflowinclude_HEADERS += include/ctflow/match.h
ctflowinclude_HEADERS += include/ctflow/monitor.h
