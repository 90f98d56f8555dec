#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# make-corpus.py - write the seed corpora of tests/fuzz/corpus/ (run once by
# hand after a change to a target's input format; the files are committed).
#
#   tests/fuzz/make-corpus.py NETSTEP
#
# corpus/tcp/: inputs for fuzz_tcp in its operation format (fuzz_tcp.c):
#   - real frames for bob (192.0.2.2) from the captures of lessons whose
#     hosts are alice 192.0.2.1 and bob 192.0.2.2, each as a "raw frame"
#     operation followed by "deliver everything";
#   - for each of bob's connections, an in-window segment (data, FIN, RST,
#     SYN, a bare ACK) with sequence and acknowledgment numbers taken from
#     its TCB, then a run to the next timer.
# corpus/scenario/: every lesson's .scn file, as it stands.
import os
import shutil
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "fuzz", "corpus")
LESSONS = ["tcp/handshake", "tcp/data-and-ack", "tcp/close-and-time-wait", "tcp/rst-closed-port",
           "tcp/zero-window", "tcp/sack-recovery", "tcp/simultaneous-open", "tcp/keepalive",
           "udp/echo", "udp/port-unreachable", "link/arp", "ip/ping", "ip/fragmentation"]
BOB = bytes([192, 0, 2, 2])
OP_RAW, OP_WIRE, OP_NEXT_TIMER, OP_SEGMENT = 2, 7, 6, 0
FRAMES_PER_FILE = 16


def pcap_frames(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    off = 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(end + "IIII", data[off:off + 16])
        off += 16
        yield data[off:off + incl]
        off += incl


def for_bob(frame):
    if len(frame) < 14:
        return False
    etype = struct.unpack(">H", frame[12:14])[0]
    if etype == 0x0806:
        return len(frame) >= 42 and frame[38:42] == BOB
    return etype == 0x0800 and len(frame) >= 34 and frame[30:34] == BOB


def frames_corpus(netstep, tcp_dir):
    tmp = tempfile.mkdtemp()
    try:
        for lesson in LESSONS:
            scn = os.path.join(ROOT, "scenarios", lesson + ".scn")
            pcap = os.path.join(tmp, "x.pcap")
            subprocess.run([netstep, "run", os.path.basename(scn), "--quiet", "--pcap", pcap],
                           cwd=os.path.dirname(scn), check=False,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if not os.path.exists(pcap):
                continue
            ops = b""
            n = 0
            for fr in pcap_frames(pcap):
                if not for_bob(fr) or n == FRAMES_PER_FILE:
                    continue
                ops += bytes([OP_RAW]) + struct.pack(">H", len(fr)) + fr + bytes([OP_WIRE, 0])
                n += 1
            if n:
                name = "frames-" + lesson.replace("/", "-")
                with open(os.path.join(tcp_dir, name), "wb") as f:
                    f.write(ops)
    finally:
        shutil.rmtree(tmp)


def segment(which, flags, payload, ack_how=2):
    # which, source (alice), shape (data offset from options), options
    # length, payload length, the 20 header bytes (ports, seq and ack are
    # overwritten), seq = RCV.NXT + 0, ack = SND.NXT (or SND.UNA) + 0.
    hdr = bytearray(20)
    hdr[13] = flags
    hdr[14:16] = struct.pack(">H", 65535)
    return (bytes([OP_SEGMENT, which, 0, 1, 0]) + struct.pack(">H", len(payload)) + bytes(hdr)
            + bytes([1, 0, 0]) + bytes([ack_how, 0, 0]) + payload)


def segments_corpus(tcp_dir):
    ack, psh, fin, rst, syn = 0x10, 0x08, 0x01, 0x04, 0x02
    kinds = {"data": (psh | ack, b"x" * 100), "fin": (fin | ack, b""), "rst": (rst, b""),
             "syn": (syn, b""), "ack": (ack, b""), "data-fin": (psh | ack | fin, b"y" * 600)}
    for which in range(13):
        for kind, (flags, payload) in kinds.items():
            ops = segment(which, flags, payload) + bytes([OP_WIRE, 0, OP_NEXT_TIMER, OP_WIRE, 0])
            with open(os.path.join(tcp_dir, "segment-%02d-%s" % (which, kind)), "wb") as f:
                f.write(ops)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make-corpus.py NETSTEP")
    netstep = os.path.abspath(sys.argv[1])
    tcp_dir = os.path.join(OUT, "tcp")
    scn_dir = os.path.join(OUT, "scenario")
    for d in (tcp_dir, scn_dir):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    frames_corpus(netstep, tcp_dir)
    segments_corpus(tcp_dir)
    for dirpath, _, files in os.walk(os.path.join(ROOT, "scenarios")):
        for fn in sorted(files):
            if fn.endswith(".scn"):
                lesson = os.path.basename(dirpath) + "-" + fn
                shutil.copy(os.path.join(dirpath, fn), os.path.join(scn_dir, lesson))


main()
