// SPDX-License-Identifier: GPL-2.0
/* Writes the seed inputs of fuzz_decode (ring-buffer records in this tree's layout of
 * struct hop_event) and fuzz_pcapng (its compact event form) into the corpus folders, so
 * that the fuzzers start from well-formed streams: delivered, dropped, netfilter, failed
 * route lookup, lost events. `make fuzz-seeds` runs it after the record changes. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>
#include "hoptrace.h"

#define SKB 0xffff888004a3c000ull
#define DROP_AT 0xffffffff81001010ull

struct out {
	FILE *f;
};

static FILE *open_seed(const char *dir, const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f) {
		perror(path);
		exit(1);
	}
	return f;
}

/* An IPv4 UDP header pair 10.244.1.5:40000 -> 10.244.2.7:53, as the hop's captured bytes. */
static const __u8 ip_udp[28] = { 0x45, 0, 0,  56,  0, 1, 0,    0,    64, 17, 0, 0,  10, 244,
				 1,    5, 10, 244, 2, 7, 0x9c, 0x40, 0,	 53, 0, 36, 0,	0 };

/* ICMP port unreachable 10.244.2.7 -> 10.244.1.5 quoting ip_udp; the second one after
 * conntrack translated it back (quoted destination 10.96.0.10:53, outer source too). */
static const __u8 icmp_unreach[2][56] = {
	{ 0x45, 0, 0, 56, 0, 2, 0, 0, 64, 1, 0, 0, 10, 244, 2, 7, 10, 244, 1, 5,
	  3, 3, 0, 0, 0, 0, 0, 0,
	  0x45, 0, 0, 56, 0, 1, 0, 0, 64, 17, 0, 0, 10, 244, 1, 5, 10, 244, 2, 7,
	  0x9c, 0x40, 0, 53, 0, 36, 0, 0 },
	{ 0x45, 0, 0, 56, 0, 2, 0, 0, 64, 1, 0, 0, 10, 96, 0, 10, 10, 244, 1, 5,
	  3, 3, 0, 0, 0, 0, 0, 0,
	  0x45, 0, 0, 56, 0, 1, 0, 0, 64, 17, 0, 0, 10, 244, 1, 5, 10, 96, 0, 10,
	  0x9c, 0x40, 0, 53, 0, 36, 0, 0 },
};

static struct hop_event event(__u16 hook, __u16 flags)
{
	struct hop_event ev = { .ts_ns = 5000000000ull,
				.skb = SKB,
				.hook = hook,
				.flags = flags,
				.netns = 4026532001u,
				.ifindex = 2,
				.len = 56,
				.wire_len = 56 };
	__u32 sa = htonl(0x0af40105), da = htonl(0x0af40207);

	strcpy(ev.ifname, "eth0");
	strcpy(ev.dev_kind, "veth");
	ev.tuple.family = HOP_AF_INET;
	ev.tuple.proto = 17;
	ev.tuple.sport = 40000;
	ev.tuple.dport = 53;
	memcpy(ev.tuple.saddr, &sa, 4);
	memcpy(ev.tuple.daddr, &da, 4);
	return ev;
}

/* One fuzz_decode record: 16-bit little-endian length, the event, its captured bytes. */
static void put_record(FILE *f, struct hop_event ev, const __u8 *data, __u16 cap_len)
{
	size_t len = sizeof(ev) + cap_len;

	ev.cap_len = cap_len;
	fputc(len & 0xff, f);
	fputc(len >> 8, f);
	fwrite(&ev, sizeof(ev), 1, f);
	fwrite(data, 1, cap_len, f);
}

static void put_loss(FILE *f)
{
	fputc(0, f);
	fputc(0, f);
}

static void decode_seeds(const char *dir)
{
	struct hop_event ev;
	FILE *f;

	f = open_seed(dir, "delivered");
	put_record(f, event(HOOK_DEV_XMIT, HOP_F_NEW | HOP_F_TUPLE), ip_udp, sizeof(ip_udp));
	put_record(f, event(HOOK_NETIF_RECEIVE, HOP_F_TUPLE), ip_udp, sizeof(ip_udp));
	put_record(f, event(HOOK_CONSUME_SKB, 0), NULL, 0);
	fclose(f);

	f = open_seed(dir, "dropped");
	put_record(f, event(HOOK_DEV_XMIT, HOP_F_NEW | HOP_F_TUPLE), ip_udp, sizeof(ip_udp));
	put_loss(f);
	ev = event(HOOK_KFREE_SKB, HOP_F_HAS_REASON | HOP_F_TUPLE);
	ev.reason = 2; /* NO_SOCKET on most kernels; any value does */
	ev.location = DROP_AT;
	put_record(f, ev, ip_udp, sizeof(ip_udp));
	fclose(f);

	f = open_seed(dir, "netfilter");
	put_record(f, event(HOOK_DEV_XMIT, HOP_F_NEW | HOP_F_TUPLE), ip_udp, sizeof(ip_udp));
	ev = event(HOOK_NF, HOP_F_TUPLE);
	ev.info.nf.pf = 2;
	ev.info.nf.hook = 2; /* FORWARD */
	put_record(f, ev, ip_udp, sizeof(ip_udp));
	ev = event(HOOK_KFREE_SKB, HOP_F_HAS_REASON | HOP_F_NF_STATE | HOP_F_TUPLE);
	ev.info.nf.pf = 2;
	ev.info.nf.hook = 2;
	ev.info.nf.pos = 3;
	ev.reason = 6;
	ev.location = DROP_AT;
	put_record(f, ev, NULL, 0);
	fclose(f);

	/* A datagram, then the port unreachable that answers it, translated back on its way. */
	f = open_seed(dir, "icmp_answer");
	put_record(f, event(HOOK_DEV_XMIT, HOP_F_NEW | HOP_F_TUPLE), ip_udp, sizeof(ip_udp));
	put_record(f, event(HOOK_CONSUME_SKB, 0), NULL, 0);
	for (int i = 0; i < 2; i++) {
		ev = event(HOOK_DEV_XMIT, (i ? 0 : HOP_F_NEW) | HOP_F_TUPLE);
		ev.tuple.proto = 1;
		ev.tuple.sport = ev.tuple.dport = 0;
		memcpy(ev.tuple.saddr, icmp_unreach[i] + 12, 4);
		memcpy(ev.tuple.daddr, icmp_unreach[i] + 16, 4);
		put_record(f, ev, icmp_unreach[i], sizeof(icmp_unreach[i]));
	}
	put_record(f, event(HOOK_CONSUME_SKB, 0), NULL, 0);
	fclose(f);

	f = open_seed(dir, "no_route");
	ev = event(HOOK_FIB, HOP_F_TUPLE | HOP_F_TUPLE_FROM_SK);
	ev.skb = 0;
	ev.info.fib.table = 254;
	ev.info.fib.err = -101; /* -ENETUNREACH */
	put_record(f, ev, NULL, 0);
	fclose(f);
}

/* fuzz_pcapng's form: snap length (2), first timestamp (8), then per event: op (hook and
 * location), flags (2), selector, ts delta (2), len (2), wire_len (2), cap_len (2),
 * reason (4), [info (32)], [tuple selector, endpoints], bytes. */
static void put_compact(FILE *f, __u8 hook_op, __u16 flags, __u8 sel, __u16 cap_len,
			const __u8 *data)
{
	__u16 fields[4] = { 1000, 56, 56, cap_len };
	__u32 reason = 2;

	fputc(hook_op, f);
	fwrite(&flags, 2, 1, f);
	fputc(sel, f);
	fwrite(fields, 2, 4, f);
	fwrite(&reason, 4, 1, f);
	if (flags & HOP_F_TUPLE) {
		fputc(0x01 | (1 << 2), f); /* IPv4, UDP, fixed ports */
		fputc(0x04, f);		   /* endpoints 0 -> 1 */
	}
	fwrite(data, 1, cap_len, f);
}

static void pcapng_seeds(const char *dir)
{
	const __u16 snaplen = 128;
	const __u64 ts = 5000000000ull;
	FILE *f = open_seed(dir, "delivered_and_dropped");

	fwrite(&snaplen, 2, 1, f);
	fwrite(&ts, 8, 1, f);
	/* op: hook = 1 + op % (HOOK__COUNT - 1), location from the top two bits. */
	put_compact(f, HOOK_DEV_XMIT - 1, HOP_F_NEW | HOP_F_TUPLE, 0x50, 28, ip_udp);
	put_compact(f, HOOK_NETIF_RECEIVE - 1, HOP_F_TUPLE, 0x94, 28, ip_udp);
	put_compact(f, HOOK_CONSUME_SKB - 1, 0, 0x04, 0, NULL);
	put_compact(f, HOOK_DEV_XMIT - 1, HOP_F_NEW | HOP_F_TUPLE, 0x51, 28, ip_udp);
	fputc(0xff, f); /* events lost */
	put_compact(f, (HOOK_KFREE_SKB - 1) | 0x40, HOP_F_HAS_REASON, 0x05, 28, ip_udp);
	fclose(f);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s DECODE_CORPUS PCAPNG_CORPUS\n", argv[0]);
		return 2;
	}
	decode_seeds(argv[1]);
	pcapng_seeds(argv[2]);
	return 0;
}
