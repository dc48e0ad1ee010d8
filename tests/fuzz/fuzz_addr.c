// SPDX-License-Identifier: GPL-2.0
/* Fuzzes the typed parsers with the input as one string, and checks what they accept: a
 * CIDR is masked, contains its own address and reads back the same after formatting; a
 * port is 1-65535; a duration is finite, not negative and at most INT_MAX seconds. */
#include <arpa/inet.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/addr.h"
#include "fuzz.h"

static void check_cidr(const char *text)
{
	char addr[INET6_ADDRSTRLEN], again[INET6_ADDRSTRLEN + 8];
	struct hop_cidr c, d;

	if (addr__parse_cidr(text, &c))
		return;
	FUZZ_CHECK(c.family == HOP_AF_INET || c.family == HOP_AF_INET6);
	FUZZ_CHECK(c.prefix <= (c.family == HOP_AF_INET ? 32 : 128));
	for (int i = 0; i < 4; i++)
		FUZZ_CHECK((c.addr[i] & ~c.mask[i]) == 0);
	if (c.family == HOP_AF_INET)
		FUZZ_CHECK(!c.addr[1] && !c.addr[2] && !c.addr[3] && !c.mask[1]);
	FUZZ_CHECK(addr__cidr_contains(&c, c.family, c.addr));
	FUZZ_CHECK(!addr__cidr_contains(&c, c.family == HOP_AF_INET ? HOP_AF_INET6 : HOP_AF_INET,
					c.addr));
	/* Formatting the masked address and the prefix gives back the same CIDR. */
	addr__format(c.family, c.addr, addr, sizeof(addr));
	snprintf(again, sizeof(again), "%s/%u", addr, c.prefix);
	FUZZ_CHECK(addr__parse_cidr(again, &d) == 0);
	FUZZ_CHECK(!memcmp(&c, &d, sizeof(c)));
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	char *text = malloc(size + 1);
	double seconds;
	__u16 port;
	__u8 proto;

	FUZZ_CHECK(text);
	memcpy(text, in, size);
	text[size] = '\0';
	check_cidr(text);
	if (!addr__parse_proto(text, &proto))
		FUZZ_CHECK(proto != 0);
	if (!addr__parse_port(text, &port))
		FUZZ_CHECK(port != 0);
	if (!addr__parse_duration(text, &seconds))
		FUZZ_CHECK(isfinite(seconds) && seconds >= 0 && seconds <= (double)INT_MAX);
	free(text);
	return 0;
}
