// SPDX-License-Identifier: GPL-2.0
/* Ring-buffer record validation: the only door from the kernel's bytes into user space's
 * structures, so it trusts nothing (and is fuzzed). */
#include <errno.h>
#include <string.h>
#include "pipeline/decode.h"

int decode__event(const void *raw, size_t size, struct hop_event *out, const __u8 **data)
{
	if (!raw || size < sizeof(*out))
		return -EINVAL;
	memcpy(out, raw, sizeof(*out));
	if (out->hook == HOOK_NONE || out->hook >= HOOK__COUNT)
		return -EINVAL;
	if (out->cap_len > size - sizeof(*out) || out->cap_len > HOPTRACE_SNAPLEN_MAX)
		return -EINVAL;
	if (out->tuple.family != 0 && out->tuple.family != HOP_AF_INET &&
	    out->tuple.family != HOP_AF_INET6)
		return -EINVAL;
	out->ifname[sizeof(out->ifname) - 1] = 0;
	out->dev_kind[sizeof(out->dev_kind) - 1] = 0;
	*data = (const __u8 *)raw + sizeof(*out);
	return 0;
}
