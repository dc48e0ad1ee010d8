/* SPDX-License-Identifier: GPL-2.0 */
/* The pcapng sink: every hop of every packet as a frame Wireshark can read. */
#ifndef HOPTRACE_OUTPUT_PCAPNG_H
#define HOPTRACE_OUTPUT_PCAPNG_H

#include <stdio.h>
#include <linux/types.h>

struct enrich;
struct sink;

/**
 * output_pcapng__new() - a sink that writes finished packets to f as pcapng
 * @f: stream to write to; the sink flushes it but never closes it
 * @en: names for hooks, namespaces, drop reasons and times
 * @snaplen: the trace's snap length, recorded on each interface; 0 for none
 *
 * One interface per (namespace, device), named "<device>@<namespace>", of link type Linux
 * cooked v2; one Enhanced Packet Block per hop that captured packet bytes, all frames of a
 * packet sharing its id as epb_packetid, with the hop (and on the last, the packet's
 * verdict) as a comment and the JSON Lines hop object as a custom option. A hop without
 * bytes adds its comment and object to the packet's next frame (or its last); a packet
 * without any bytes is a Custom Block. The section header's comment says how to read this
 * in Wireshark. The sink's packet() flushes, so a reader of a pipe sees each packet as it
 * ends.
 * Return: the sink, or NULL with errno set (the section header could not be written).
 */
struct sink *output_pcapng__new(FILE *f, struct enrich *en, __u32 snaplen);

#endif /* HOPTRACE_OUTPUT_PCAPNG_H */
