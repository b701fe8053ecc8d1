# SPDX-License-Identifier: Apache-2.0
noinst_HEADERS += \
	include/ctflow/compat.h \
	include/ctflow/util.h \
	include/ctflow/conntrack.h \
	include/ctflow/nlbuf.h \
	include/ctflow/flowtext.h \
	include/ctflow/ctl.h \
	include/ctflow/flow.h \
	$(NULL)
noinst_HEADERS += include/ctflow/nlsock.h include/ctflow/dp.h
noinst_HEADERS += include/ctflow/match.h
noinst_HEADERS += include/ctflow/monitor.h
