// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the ring-buffer record check: short records, unknown hooks, captured bytes
 * beyond the record, unterminated strings, tuples of unknown address families. */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "pipeline/decode.h"

#define EXTRA 64 /* bytes of packet room after the fixed part */

/* A record as the ring buffer hands it: the fixed part, then the captured bytes. */
static __u8 record[sizeof(struct hop_event) + EXTRA + 1] __attribute__((aligned(8)));

static void put(const struct hop_event *ev)
{
	memset(record, 0, sizeof(record));
	memcpy(record, ev, sizeof(*ev));
	for (int i = 0; i < EXTRA; i++)
		record[sizeof(*ev) + i] = (__u8)(0xa0 + i);
}

static struct hop_event good(void)
{
	struct hop_event ev = { .ts_ns = 123456789,
				.skb = 0xffff888004a3c000ull,
				.hook = HOOK_DEV_XMIT,
				.flags = HOP_F_TUPLE,
				.cap_len = 20,
				.len = 84,
				.ifindex = 7,
				.netns = 4026531840u };

	strcpy(ev.ifname, "eth0");
	strcpy(ev.dev_kind, "veth");
	ev.tuple.family = HOP_AF_INET;
	ev.tuple.proto = 17;
	ev.tuple.sport = 40000;
	ev.tuple.dport = 53;
	return ev;
}

static int decode(size_t size, struct hop_event *out, const __u8 **data)
{
	return decode__event(record, size, out, data);
}

static void test_good_record(void)
{
	struct hop_event in = good(), out;
	const __u8 *data = NULL;

	put(&in);
	CHECK(decode(sizeof(in) + EXTRA, &out, &data) == 0);
	CHECK(data == record + sizeof(in));
	CHECK(data && data[0] == 0xa0);
	CHECK(!memcmp(&in, &out, sizeof(in)));
	CHECK_STR(out.ifname, "eth0");
	CHECK_STR(out.dev_kind, "veth");

	/* cap_len may fill the record exactly, and may be 0. */
	in.cap_len = EXTRA;
	put(&in);
	CHECK(decode(sizeof(in) + EXTRA, &out, &data) == 0 && out.cap_len == EXTRA);
	in.cap_len = 0;
	put(&in);
	CHECK(decode(sizeof(in), &out, &data) == 0);
	CHECK(data == record + sizeof(in)); /* points at an empty tail, never read */

	/* Every known hook decodes. */
	for (__u16 hook = HOOK_NONE + 1; hook < HOOK__COUNT; hook++) {
		in.hook = hook;
		put(&in);
		CHECK(decode(sizeof(in), &out, &data) == 0 && out.hook == hook);
	}
}

/* Records that do not hold the fixed part are refused before any field is read. */
static void test_short_records(void)
{
	struct hop_event in = good(), out;
	const __u8 *data = NULL;

	in.cap_len = 0;
	put(&in);
	CHECK(decode(0, &out, &data) == -EINVAL);
	CHECK(decode(1, &out, &data) == -EINVAL);
	CHECK(decode(sizeof(in) - 1, &out, &data) == -EINVAL);
	CHECK(decode__event(NULL, sizeof(in), &out, &data) == -EINVAL);
	CHECK(data == NULL); /* never set on failure */
}

static void test_bad_hook(void)
{
	static const __u16 bad[] = { HOOK_NONE, HOOK__COUNT, HOOK__COUNT + 1, 0x7fff, 0xffff };
	struct hop_event in = good(), out;
	const __u8 *data = NULL;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		in.hook = bad[i];
		put(&in);
		CHECK(decode(sizeof(in) + EXTRA, &out, &data) == -EINVAL);
	}
}

static void test_cap_len_beyond_record(void)
{
	struct hop_event in = good(), out;
	const __u8 *data = NULL;

	in.cap_len = EXTRA + 1;
	put(&in);
	CHECK(decode(sizeof(in) + EXTRA, &out, &data) == -EINVAL);
	in.cap_len = 1;
	put(&in);
	CHECK(decode(sizeof(in), &out, &data) == -EINVAL);
	in.cap_len = 0xffff;
	put(&in);
	CHECK(decode(sizeof(in) + EXTRA, &out, &data) == -EINVAL);
	/* Never more than the largest snap length, however long the record claims to be. */
	in.cap_len = HOPTRACE_SNAPLEN_MAX + 1;
	put(&in);
	CHECK(decode((size_t)-1, &out, &data) == -EINVAL);
}

static void test_unterminated_strings(void)
{
	struct hop_event in = good(), out;
	const __u8 *data = NULL;

	memset(in.ifname, 'i', sizeof(in.ifname));
	memset(in.dev_kind, 'k', sizeof(in.dev_kind));
	put(&in);
	CHECK(decode(sizeof(in) + EXTRA, &out, &data) == 0);
	CHECK(strlen(out.ifname) == sizeof(out.ifname) - 1);
	CHECK(strlen(out.dev_kind) == sizeof(out.dev_kind) - 1);
	CHECK(out.ifname[0] == 'i' && out.dev_kind[0] == 'k');
	/* The record itself is left as it was: the kernel's bytes are only read. */
	CHECK(((const struct hop_event *)(const void *)record)->ifname[sizeof(in.ifname) - 1] ==
	      'i');
}

/* A tuple of another family (a netlink socket's 16, vsock's 40) loses the tuple, not the
 * record: the hop, a free of a tracked skb say, still counts. */
static void test_bad_family(void)
{
	static const __u8 bad[] = { 1, 3, 9, 11, 16, 40, 0xff };
	struct hop_event in = good(), out;
	const __u8 *data = NULL;
	static const struct hop_tuple none;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		in.tuple.family = bad[i];
		in.hook = HOOK_CONSUME_SKB;
		in.flags = HOP_F_TUPLE | HOP_F_TUPLE_FROM_SK | HOP_F_NETNS_FROM_SK;
		put(&in);
		CHECK(decode(sizeof(in) + EXTRA, &out, &data) == 0);
		CHECK(!(out.flags & (HOP_F_TUPLE | HOP_F_TUPLE_FROM_SK)));
		CHECK(out.flags & HOP_F_NETNS_FROM_SK);
		CHECK(!memcmp(&out.tuple, &none, sizeof(none)));
		CHECK(out.hook == HOOK_CONSUME_SKB && out.skb == in.skb && out.len == in.len);
	}
	in = good();
	in.tuple.family = 0; /* no tuple known */
	put(&in);
	CHECK(decode(sizeof(in) + EXTRA, &out, &data) == 0);
	in.tuple.family = HOP_AF_INET6;
	put(&in);
	CHECK(decode(sizeof(in) + EXTRA, &out, &data) == 0);
}

/* The ring buffer aligns records to 8 bytes, but the decoder must not depend on it. */
static void test_unaligned_record(void)
{
	static __u8 shifted[sizeof(record) + 1] __attribute__((aligned(8)));
	struct hop_event in = good(), out;
	const __u8 *data = NULL;

	put(&in);
	memcpy(shifted + 1, record, sizeof(in) + EXTRA);
	CHECK(decode__event(shifted + 1, sizeof(in) + EXTRA, &out, &data) == 0);
	CHECK(out.skb == in.skb && out.ts_ns == in.ts_ns);
	CHECK(data == shifted + 1 + sizeof(in));
}

int main(void)
{
	RUN(test_good_record);
	RUN(test_short_records);
	RUN(test_bad_hook);
	RUN(test_cap_len_beyond_record);
	RUN(test_unterminated_strings);
	RUN(test_bad_family);
	RUN(test_unaligned_record);
	CHECK_EXIT();
}
