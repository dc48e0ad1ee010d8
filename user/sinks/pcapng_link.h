/* SPDX-License-Identifier: GPL-2.0 */
/* The link-layer header in front of each hop's bytes: Linux cooked capture v2
 * (LINKTYPE_LINUX_SLL2), the one link type that serves a device's hops captured from the
 * Ethernet header and those captured from the IP header alike, so that each device is one
 * interface and no Ethernet header is ever made up. */
#ifndef PCAPNG_LINK_H
#define PCAPNG_LINK_H

#include <stdint.h>
#include <linux/types.h>
#include "hoptrace.h"

#define PCAPNG_LINK_HLEN 20

/* The header's protocol type for bytes that start with an Ethernet header: ETH_P_TEB,
 * "an Ethernet frame follows", so readers decode the captured header unchanged. */
#define PCAPNG_LINK_PROTO_ETHERNET 0x6558
/* Link-layer address types (Linux ARPHRD_*): the bytes start at an Ethernet header, or at
 * the network header with no link-layer header at all. */
#define PCAPNG_LINK_ARPHRD_ETHER 1
#define PCAPNG_LINK_ARPHRD_NONE 0xfffe
/* Packet types: Linux's PACKET_OUTGOING for a device's transmit; elsewhere hoptrace has not
 * recorded the kernel's skb->pkt_type, and says so with a value Linux never uses. */
#define PCAPNG_LINK_PKTTYPE_OUTGOING 4
#define PCAPNG_LINK_PKTTYPE_UNKNOWN 0xff

/**
 * pcapng_link__header() - the cooked header for a hop's captured bytes
 * @hdr: PCAPNG_LINK_HLEN bytes to fill (network byte order, as the link type wants)
 * @ev: the hop; HOP_F_L2 says whether data starts at an Ethernet header
 * @data: the hop's first captured bytes (ev->cap_len of them), for the IP version
 *
 * The protocol type is ETH_P_TEB before an Ethernet header, else the EtherType of the IP
 * version (0 when the first byte is not IPv4 or IPv6); the interface index is the device's
 * (0 without one); the link-layer address is left empty, since the captured Ethernet header,
 * where there is one, holds both addresses.
 */
void pcapng_link__header(uint8_t *hdr, const struct hop_event *ev, const uint8_t *data);

#endif /* PCAPNG_LINK_H */
