/* SPDX-License-Identifier: GPL-2.0 */
/* tcpdump-syntax filters (pcap-filter(7)) run in user space on the bytes each hop captured. */
#ifndef HOPTRACE_PCAP_FILTER_H
#define HOPTRACE_PCAP_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct pcap_filter;

/**
 * pcap_filter__compile() - compile a tcpdump-syntax expression for hoptrace's two link types
 * @expr: the expression, e.g. "tcp port 80"; "" matches every packet
 * @snaplen: the trace's snap length, 0 for none
 * @err: where the error goes, as tcpdump prints it ("can't parse filter expression: ...")
 * @err_size: size of @err
 *
 * Hops capture from an Ethernet header (DLT_EN10MB) or from the IP header (DLT_RAW, IPv4
 * or IPv6 told apart by the version nibble), so the expression is compiled for both. An
 * expression that only one of them can express ("arp", "vlan", "ether host ...") matches no
 * packet of the other kind, since those bytes cannot answer it.
 * Return: the filter, or NULL with @err set when neither link type can take the expression.
 */
struct pcap_filter *pcap_filter__compile(const char *expr, __u32 snaplen, char *err,
					 size_t err_size);

/**
 * pcap_filter__match() - run the compiled filter on one hop's captured bytes
 * @pf: filter
 * @l2: @data starts at an Ethernet header, else at the IP header
 * @data: the captured bytes
 * @cap_len: bytes at @data
 * @wire_len: the packet's length from the first captured byte on ("len", "greater")
 *
 * A test that reads past @cap_len fails, as it does in tcpdump on a short capture.
 * Return: whether the packet matches.
 */
bool pcap_filter__match(const struct pcap_filter *pf, bool l2, const void *data, __u32 cap_len,
			__u32 wire_len);

/**
 * pcap_filter__free() - free a filter
 * @pf: filter, or NULL
 */
void pcap_filter__free(struct pcap_filter *pf);

#endif /* HOPTRACE_PCAP_FILTER_H */
