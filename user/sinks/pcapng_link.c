// SPDX-License-Identifier: GPL-2.0
/* Linux cooked capture v2 headers for hop frames: the fields are laid out as
 * LINKTYPE_LINUX_SLL2 defines them, one helper per width. */
#include "sinks/pcapng_link.h"
#include "pipeline/hooks.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

/* What the captured bytes start with, as an EtherType. */
static uint16_t link_protocol(const struct hop_event *ev, const uint8_t *data)
{
	if (ev->flags & HOP_F_L2)
		return PCAPNG_LINK_PROTO_ETHERNET;
	if (!ev->cap_len || !data)
		return 0;
	switch (data[0] >> 4) {
	case 4:
		return ETHERTYPE_IPV4;
	case 6:
		return ETHERTYPE_IPV6;
	default:
		return 0;
	}
}

static uint8_t link_packet_type(const struct hop_event *ev)
{
	const struct hook_row *row = hook__row(ev->hook);

	if (row && row->direction == HOOK_DIR_OUT)
		return PCAPNG_LINK_PKTTYPE_OUTGOING;
	return PCAPNG_LINK_PKTTYPE_UNKNOWN;
}

void pcapng_link__header(uint8_t *hdr, const struct hop_event *ev, const uint8_t *data)
{
	put16(hdr, link_protocol(ev, data));
	put16(hdr + 2, 0); /* reserved */
	put32(hdr + 4, ev->ifindex);
	put16(hdr + 8, ev->flags & HOP_F_L2 ? PCAPNG_LINK_ARPHRD_ETHER : PCAPNG_LINK_ARPHRD_NONE);
	hdr[10] = link_packet_type(ev);
	hdr[11] = 0; /* link-layer address length: none given, see the header's comment */
	for (int i = 12; i < PCAPNG_LINK_HLEN; i++)
		hdr[i] = 0;
}
