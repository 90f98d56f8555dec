#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# kside.py - the Linux kernel's end of the interop tests (run inside the test's
# network namespace by interop.sh; python3 standard library only).
#
#   kside.py ping DST COUNT          raw ICMP echo requests; every reply must come
#   kside.py udp-echo DST PORT       datagrams of several sizes (one fragmented),
#                                    each echoed back intact
#   kside.py tcp-echo DST PORT N     send N random bytes, shutdown(SHUT_WR), read
#                                    the echo to EOF: equal SHA-256
#   kside.py tcp-sink PORT N [ADDR]  accept one connection, read to EOF: exactly
#                                    N bytes of the pattern (tap_peer.c), then close
#   kside.py closed DST PORT         TCP connect gets RST (ECONNREFUSED); a UDP
#                                    datagram gets ICMP port unreachable
#   kside.py pattern-file PATH N     write the first N bytes of the pattern to PATH
#                                    (a scenario sends it with `send VAR file PATH`)
#   kside.py land DST PORT           one LAND SYN: from DST:PORT to DST:PORT, the
#                                    IPv4 header written here (IP_HDRINCL), so the
#                                    kernel sends the spoofed source as it is
#   kside.py ping6 DST COUNT [SIZE]  ICMPv6 echo requests of SIZE data bytes (56)
#                                    from a raw ICMPv6 socket (the kernel's ND
#                                    resolves DST and the kernel sums the
#                                    checksum); DST may carry a zone,
#                                    fe80::1%nstap0, or be a multicast group,
#                                    ff02::1%nstap0 (the first answer counts);
#                                    each reply's data must be the request's. Prints
#                                    "reply from ADDR: icmp_seq=N hlim=H ..."
#
# tcp-sink listens on ADDR (default 0.0.0.0; "::" listens for IPv6), and
# tcp-echo connects to an IPv6 DST as well.
#
# Every socket has a timeout; exit 0 on success, 1 with a FAIL line otherwise.
import hashlib
import os
import socket
import struct
import sys
import threading
import time

TIMEOUT = 30.0


def fail(msg):
    print("FAIL " + msg, flush=True)
    sys.exit(1)


def pattern_block():
    out = bytearray(65536)
    x = 1
    for i in range(65536):
        x = (x * 1103515245 + 12345) & 0xFFFFFFFF
        out[i] = (x >> 16) & 0xFF
    return bytes(out)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return (~s) & 0xFFFF


def do_ping(dst, count):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.settimeout(2.0)
    ident = os.getpid() & 0xFFFF
    got = 0
    for seq in range(1, count + 1):
        payload = bytes(range(0x10, 0x10 + 56))
        hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
        pkt = struct.pack("!BBHHH", 8, 0, csum(hdr + payload), ident, seq) + payload
        t0 = time.monotonic()
        s.sendto(pkt, (dst, 0))
        deadline = t0 + 2.0
        while time.monotonic() < deadline:
            try:
                data, addr = s.recvfrom(2048)
            except socket.timeout:
                break
            ihl = (data[0] & 0xF) * 4
            icmp = data[ihl:]
            if addr[0] != dst or len(icmp) < 8:
                continue
            typ, _, _, rid, rseq = struct.unpack("!BBHHH", icmp[:8])
            if typ == 0 and rid == ident and rseq == seq:
                if csum(icmp) != 0 or icmp[8:] != payload:
                    fail("ping: reply %d is damaged" % seq)
                print("reply from %s: icmp_seq=%d time=%.3f ms"
                      % (dst, seq, (time.monotonic() - t0) * 1000), flush=True)
                got += 1
                break
        time.sleep(0.1)
    if got != count:
        fail("ping: %d of %d replies" % (got, count))
    print("ok ping: %d replies" % got)


def do_ping6(dst, count, size=56):
    # getaddrinfo turns "fe80::1%nstap0" into the address and the zone's
    # interface index (a link-local or link-scope destination needs one).
    info = socket.getaddrinfo(dst, None, socket.AF_INET6, socket.SOCK_RAW,
                              socket.IPPROTO_ICMPV6)
    sa = info[0][4]
    target = sa[0].split("%")[0]
    multicast = target.lower().startswith("ff")
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVHOPLIMIT, 1)
    # A request to a group is not looped back to this host: the answers
    # that count come from the wire, not from the kernel itself.
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 0)
    # The kernel fills the ICMPv6 checksum of a raw ICMPv6 socket itself
    # [RFC 3542 3.1]; it cannot know the source before routing.
    s.settimeout(2.0)
    ident = os.getpid() & 0xFFFF
    got = 0
    for seq in range(1, count + 1):
        payload = bytes((0x20 + i) & 0xFF for i in range(size))
        pkt = struct.pack("!BBHHH", 128, 0, 0, ident, seq) + payload
        t0 = time.monotonic()
        s.sendto(pkt, sa)
        deadline = t0 + 2.0
        while time.monotonic() < deadline:
            try:
                data, anc, _, addr = s.recvmsg(65536, socket.CMSG_SPACE(4))
            except socket.timeout:
                break
            src = addr[0].split("%")[0]
            if len(data) < 8 or (not multicast and src != target):
                continue
            typ, code, _, rid, rseq = struct.unpack("!BBHHH", data[:8])
            if typ != 129 or rid != ident or rseq != seq:
                continue  # neighbour discovery, MLD, another echo
            if code != 0 or data[8:] != payload:
                fail("ping6: reply %d from %s is damaged" % (seq, src))
            hlim = -1
            for level, kind, val in anc:
                if level == socket.IPPROTO_IPV6 and kind == socket.IPV6_HOPLIMIT:
                    hlim = struct.unpack("i", val[:4])[0]
            print("reply from %s: icmp_seq=%d hlim=%d bytes=%d time=%.3f ms"
                  % (src, seq, hlim, len(data), (time.monotonic() - t0) * 1000), flush=True)
            got += 1
            break
        time.sleep(0.1)
    if got != count:
        fail("ping6: %d of %d replies from %s" % (got, count, dst))
    print("ok ping6: %d replies" % got)


def do_udp_echo(dst, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3.0)
    sizes = [1, 64, 512, 1472, 4000, 0, 100]
    for i, n in enumerate(sizes):
        msg = os.urandom(n)
        s.sendto(msg, (dst, port))
        try:
            data, addr = s.recvfrom(65536)
        except socket.timeout:
            fail("udp-echo: no echo of datagram %d (%d bytes)" % (i, n))
        if data != msg or addr != (dst, port):
            fail("udp-echo: datagram %d (%d bytes) came back different" % (i, n))
    print("ok udp-echo: %d datagrams (%s bytes) echoed intact"
          % (len(sizes), ", ".join(map(str, sizes))))


def do_tcp_echo(dst, port, n):
    data = os.urandom(n)
    want = hashlib.sha256(data).hexdigest()
    s = socket.create_connection((dst, port), timeout=5.0)
    s.settimeout(TIMEOUT)
    err = []

    def sender():
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
        except OSError as e:
            err.append(e)

    t0 = time.monotonic()
    th = threading.Thread(target=sender)
    th.start()
    h = hashlib.sha256()
    got = 0
    while True:
        try:
            chunk = s.recv(1 << 20)
        except socket.timeout:
            fail("tcp-echo: timed out after %d bytes echoed" % got)
        if not chunk:
            break
        h.update(chunk)
        got += len(chunk)
    el = time.monotonic() - t0
    th.join(TIMEOUT)
    if err:
        fail("tcp-echo: send: %s" % err[0])
    s.close()
    if got != n or h.hexdigest() != want:
        fail("tcp-echo: %d of %d bytes back, sha256 %s, want %s" % (got, n, h.hexdigest(), want))
    print("ok tcp-echo: %d bytes there and back in %.2f s (%.0f Mbit/s each way), sha256 %s"
          % (n, el, n * 8 / el / 1e6, want[:16]))


def do_tcp_sink(port, n, bind="0.0.0.0"):
    blk = pattern_block()
    reps, rest = divmod(n, len(blk))
    want_h = hashlib.sha256()
    for _ in range(reps):
        want_h.update(blk)
    want_h.update(blk[:rest])
    family = socket.AF_INET6 if ":" in bind else socket.AF_INET
    ls = socket.socket(family, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((bind, port))
    ls.listen(1)
    ls.settimeout(TIMEOUT)
    print("listening", flush=True)
    try:
        s, peer = ls.accept()
    except socket.timeout:
        fail("tcp-sink: nobody connected")
    s.settimeout(TIMEOUT)
    t0 = time.monotonic()
    h = hashlib.sha256()
    got = 0
    while True:
        try:
            chunk = s.recv(1 << 20)
        except socket.timeout:
            fail("tcp-sink: timed out after %d bytes" % got)
        if not chunk:
            break
        h.update(chunk)
        got += len(chunk)
    el = time.monotonic() - t0
    s.close()  # our FIN second: the netstep end goes to TIME_WAIT
    ls.close()
    if got != n or h.hexdigest() != want_h.hexdigest():
        fail("tcp-sink: %d of %d bytes, sha256 %s, want %s"
             % (got, n, h.hexdigest(), want_h.hexdigest()))
    print("ok tcp-sink: %d bytes of the pattern from %s in %.2f s (%.0f Mbit/s), sha256 %s"
          % (n, peer[0], el, n * 8 / el / 1e6, want_h.hexdigest()[:16]))


def do_closed(dst, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(5.0)
    try:
        s.connect((dst, port))
        fail("closed: TCP connect to port %d succeeded" % port)
    except ConnectionRefusedError:
        print("ok closed: TCP connect to port %d refused (RST)" % port)
    except socket.timeout:
        fail("closed: TCP connect to port %d timed out (no RST)" % port)
    s.close()
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.settimeout(3.0)
    u.connect((dst, port))
    u.send(b"anyone there?")
    try:
        u.recv(100)
        fail("closed: UDP port %d answered" % port)
    except ConnectionRefusedError:
        print("ok closed: UDP to port %d refused (ICMP port unreachable)" % port)
    except socket.timeout:
        fail("closed: UDP to port %d: no ICMP port unreachable" % port)


def do_pattern_file(path, n):
    blk = pattern_block()
    with open(path, "wb") as f:
        reps, rest = divmod(n, len(blk))
        for _ in range(reps):
            f.write(blk)
        f.write(blk[:rest])
    print("ok pattern-file: %d bytes of the pattern in %s" % (n, path))


def do_land(dst, port):
    # The LAND attack (CVE-1999-0016): a SYN whose source address and port
    # are the target's own. The kernel resolves DST by ARP and sends the
    # header as written.
    a = socket.inet_aton(dst)
    seq = 0x4C414E44  # "LAND"
    tcp = struct.pack("!HHIIBBHHH", port, port, seq, 0, 5 << 4, 0x02, 65535, 0, 0)
    pseudo = a + a + struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0x1A2B, 0, 64,
                     socket.IPPROTO_TCP, 0, a, a)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    s.sendto(ip + tcp, (dst, 0))
    s.close()
    print("ok land: one SYN from %s:%d to %s:%d sent" % (dst, port, dst, port), flush=True)


def main(a):
    if len(a) >= 3 and a[0] == "ping":
        do_ping(a[1], int(a[2]))
    elif len(a) >= 3 and a[0] == "udp-echo":
        do_udp_echo(a[1], int(a[2]))
    elif len(a) >= 4 and a[0] == "tcp-echo":
        do_tcp_echo(a[1], int(a[2]), int(a[3]))
    elif len(a) >= 3 and a[0] == "tcp-sink":
        do_tcp_sink(int(a[1]), int(a[2]), *a[3:4])
    elif len(a) >= 3 and a[0] == "ping6":
        do_ping6(a[1], int(a[2]), *map(int, a[3:4]))
    elif len(a) >= 3 and a[0] == "closed":
        do_closed(a[1], int(a[2]))
    elif len(a) >= 3 and a[0] == "land":
        do_land(a[1], int(a[2]))
    elif len(a) >= 3 and a[0] == "pattern-file":
        do_pattern_file(a[1], int(a[2]))
    else:
        print(__doc__ if __doc__ else "usage: see the header of kside.py")
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv[1:])
