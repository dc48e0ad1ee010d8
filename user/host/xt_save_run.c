// SPDX-License-Identifier: GPL-2.0
/* Running iptables' save commands in the namespace being read, through netns_exec (no
 * shell; bounded in time and size), with what went wrong noted in the ruleset's errors. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host/netns_exec.h"
#include "host/nf_ruleset_parse.h"

char *xt_save__run(const char *const argv[], struct nf_ruleset *rs)
{
	char phrase[128], *out = NULL;
	/* The reader runs inside the namespace already (nsenter__run), in this thread. */
	int ret =
		netns_exec__run("/proc/thread-self/ns/net", (char *const *)argv, NULL, &out, NULL);

	if (ret == 0)
		return out;
	if (ret == -ENOENT)
		snprintf(phrase, sizeof(phrase), "%s: not found", argv[0]);
	else if (ret < 0)
		snprintf(phrase, sizeof(phrase), "%s: %s", argv[0], strerror(-ret));
	else
		snprintf(phrase, sizeof(phrase), "%s: exit status %d", argv[0], ret);
	nf_ruleset__note(rs, phrase);
	free(out);
	return NULL;
}
