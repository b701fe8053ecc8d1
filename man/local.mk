# SPDX-License-Identifier: Apache-2.0
dist_man_MANS += man/ctflow.8
dist_man_MANS += man/ctflowd.8 man/ctflowd.conf.5
