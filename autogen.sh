#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Regenerate the build system from configure.ac and Makefile.am.
set -e
cd "$(dirname "$0")"
autoreconf --install --force
# automake does not install the TAP driver on its own; the VM tests use it.
cp -f "$(automake --print-libdir)/tap-driver.sh" build-aux/tap-driver.sh
