// SPDX-License-Identifier: GPL-2.0
/* Ring-buffer record validation: the only door from the kernel's bytes into user space's
 * structures, so it trusts nothing (and is fuzzed). */
#include <errno.h>
#include <string.h>
#include "pipeline/decode.h"

/* A tuple of a family other than IPv4/IPv6 is no tuple: the rest of the record (a free of a
 * tracked skb, say) still counts, so only the tuple is dropped. Every reader of the tuple
 * checks HOP_F_TUPLE first, and the zeroed tuple is the "unknown" one. */
static void tuple_check(struct hop_event *ev)
{
	if (ev->tuple.family == 0 || ev->tuple.family == HOP_AF_INET ||
	    ev->tuple.family == HOP_AF_INET6)
		return;
	memset(&ev->tuple, 0, sizeof(ev->tuple));
	ev->flags &= ~(HOP_F_TUPLE | HOP_F_TUPLE_FROM_SK);
}

int decode__event(const void *raw, size_t size, struct hop_event *out, const __u8 **data)
{
	if (!raw || size < sizeof(*out))
		return -EINVAL;
	memcpy(out, raw, sizeof(*out));
	if (out->hook == HOOK_NONE || out->hook >= HOOK__COUNT)
		return -EINVAL;
	if (out->cap_len > size - sizeof(*out) || out->cap_len > HOPTRACE_SNAPLEN_MAX)
		return -EINVAL;
	tuple_check(out);
	out->ifname[sizeof(out->ifname) - 1] = 0;
	out->dev_kind[sizeof(out->dev_kind) - 1] = 0;
	*data = (const __u8 *)raw + sizeof(*out);
	return 0;
}
