/* SPDX-License-Identifier: GPL-2.0 */
/* Typed parsers for what users type about addresses: IPs, CIDRs, protocols, ports,
 * durations; and the formatting of addresses back to text. */
#ifndef ADDR_H
#define ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "hoptrace.h"

/* Parses an IPv4/IPv6 address or CIDR ("10.0.0.1", "10.244.0.0/16", "fd00::/64") into c,
 * with the address masked to the prefix. Returns 0, or -EINVAL. */
int addr__parse_cidr(const char *text, struct hop_cidr *c);

/* True when the address (network order, 4 or 16 bytes) lies in c. */
bool addr__cidr_contains(const struct hop_cidr *c, int family, const void *addr);

/* Formats a HOP_AF_INET/HOP_AF_INET6 address; "?" for anything else. Returns buf. */
const char *addr__format(int family, const void *addr, char *buf, size_t size);

/* "tcp", "udp", "icmp", "icmp6", "sctp" or a number 1..255. Returns 0, or -EINVAL. */
int addr__parse_proto(const char *text, __u8 *proto);

/* The name of an IP protocol number, or NULL when it has none here. */
const char *addr__proto_name(__u8 proto);

/* A port 1..65535. Returns 0, or -EINVAL. */
int addr__parse_port(const char *text, __u16 *port);

/* A duration: a number with an optional unit ms, s (default), m, h. Returns 0, or -EINVAL. */
int addr__parse_duration(const char *text, double *seconds);

#endif /* ADDR_H */
