#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A stand-in for ctflowd's control socket (include/ctflow/ctl.h), enough for
the CLI tests of dump-rules, save-rules and daemon-show without a kernel.
Usage: fake-ctflowd.py SOCKET RULES_FILE. RULES_FILE holds one rule per line,
"PRIORITY<TAB>LINE<TAB>HITS<TAB>FLOWS<TAB>MATCH<TAB>ACTIONS" (backslash escapes
allowed), the default action with an empty MATCH; it is read at every dump."""
import os
import socket
import struct
import sys

RESULT, END, DUMP_RULES, RULE, SHOW, SHOW_REPLY = 1, 2, 12, 13, 15, 16
HDR = struct.Struct("=IIII")


def msg(mtype, seq, payload):
    return HDR.pack(mtype, HDR.size + len(payload), seq, 0) + payload


def rules(path):
    out = []
    with open(path, "rb") as f:
        for line in f.read().decode("unicode_escape").encode("latin-1").splitlines():
            prio, lno, hits, flows, match, actions = line.split(b"\t")
            out.append(struct.pack("=IIQQ", int(prio), int(lno), int(hits), int(flows))
                       + match + b"\0" + actions + b"\0")
    return out


def show():
    return struct.pack("=16s16s6Q4I2Q2I3Q", b"fake0", b"per-cpu", 11, 1, 5, 2, 3, 200000,
                       2, 3, 10, 1, 42, 0, 2, 0, 4, 0, 0)


def serve(conn, rules_path):
    data = b""
    while len(data) < HDR.size:
        chunk = conn.recv(65536)
        if not chunk:
            return
        data += chunk
    mtype, _, seq, _ = HDR.unpack(data[:HDR.size])
    if mtype == DUMP_RULES:
        out = b"".join(msg(RULE, seq, r) for r in rules(rules_path)) + msg(END, seq, b"")
    elif mtype == SHOW:
        out = msg(SHOW_REPLY, seq, show()) + msg(END, seq, b"")
    else:
        out = msg(RESULT, seq, struct.pack("=i", -95) + b"not in the fake\0")
    conn.sendall(out)


def main():
    path, rules_path = sys.argv[1], sys.argv[2]
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(8)
    open(path + ".ready", "w").close()
    while True:
        conn, _ = srv.accept()
        with conn:
            serve(conn, rules_path)


if __name__ == "__main__":
    main()
