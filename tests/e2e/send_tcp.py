#!/usr/bin/env python3
"""Sends one hand-made TCP segment (no connection behind it) from SRC to DST:PORT.

usage: send_tcp.py SRC DST PORT ack|synfin

A bare ACK, or SYN with FIN, is a segment conntrack cannot place in any connection (with
nf_conntrack_tcp_loose off for the ACK): the end-to-end tests use it to make conntrack call a
packet INVALID. The kernel builds the IP header; the checksum is computed here, so that the
segment is refused for its state, not for a bad checksum. Only ever sent to the addresses a
test gives, inside namespaces the test created.
"""
import socket
import struct
import sys


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def segment(src, dst, port, flags):
    sport = 40000 + port % 1000
    header = struct.pack("!HHIIBBHHH", sport, port, 1000, 2000, 5 << 4, flags, 65535, 0, 0)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(header))
    csum = checksum(pseudo + header)
    return header[:16] + struct.pack("!H", csum) + header[18:]


def main():
    src, dst, port, kind = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    flags = {"ack": 0x10, "synfin": 0x03}[kind]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
    s.sendto(segment(src, dst, port, flags), (dst, 0))


if __name__ == "__main__":
    main()
