/* SPDX-License-Identifier: GPL-2.0 */
/* Builders of packet bytes for unit tests: IPv4/IPv6 headers, transport ports and ICMP
 * headers, written where the caller says; each returns the bytes it wrote. Checksums and
 * lengths are left 0: nothing in user space reads them. */
#ifndef PACKET_BYTES_H
#define PACKET_BYTES_H

#include <arpa/inet.h>
#include <string.h>
#include <linux/types.h>

/* An IPv4 header without options, not a fragment. */
static inline int put_ipv4(__u8 *p, __u8 proto, const char *src, const char *dst)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	p[8] = 64;
	p[9] = proto;
	inet_pton(AF_INET, src, p + 12);
	inet_pton(AF_INET, dst, p + 16);
	return 20;
}

static inline int put_ipv6(__u8 *p, __u8 next, const char *src, const char *dst)
{
	memset(p, 0, 40);
	p[0] = 0x60;
	p[6] = next;
	p[7] = 64;
	inet_pton(AF_INET6, src, p + 8);
	inet_pton(AF_INET6, dst, p + 24);
	return 40;
}

/* A UDP header (TCP and SCTP start with the same two ports). */
static inline int put_ports(__u8 *p, __u16 sport, __u16 dport)
{
	memset(p, 0, 8);
	p[0] = sport >> 8, p[1] = sport & 0xff;
	p[2] = dport >> 8, p[3] = dport & 0xff;
	return 8;
}

/* An ICMP/ICMPv6 header; rest: the echo identifier and sequence (or the MTU field). */
static inline int put_icmp(__u8 *p, __u8 type, __u8 code, __u16 id, __u16 seq)
{
	memset(p, 0, 8);
	p[0] = type;
	p[1] = code;
	p[4] = id >> 8, p[5] = id & 0xff;
	p[6] = seq >> 8, p[7] = seq & 0xff;
	return 8;
}

/* An Ethernet header of the given type (0x0800, 0x86dd). */
static inline int put_eth(__u8 *p, __u16 type)
{
	memset(p, 0, 14);
	p[12] = type >> 8, p[13] = type & 0xff;
	return 14;
}

#endif /* PACKET_BYTES_H */
