// SPDX-License-Identifier: GPL-2.0
/* Which network plugin writes a chain, told by the prefixes each one gives its chains. */
#include <string.h>
#include "host/nf_ruleset.h"

const char *nf_chain__owner(const char *chain)
{
	/* Longer prefixes first: kube-router's chains also start with kube-proxy's "KUBE-". */
	static const char *const owners[][2] = {
		{ "KUBE-NWPLCY-", "kube-router" },
		{ "KUBE-ROUTER-", "kube-router" },
		{ "KUBE-POD-FW-", "kube-router" },
		{ "KUBE-", "kube-proxy" },
		{ "cali-", "calico" },
		{ "CILIUM_", "cilium" },
		{ "FLANNEL-", "flannel" },
		{ "ANTREA-", "antrea" },
	};
	size_t i;

	if (!chain)
		return NULL;
	for (i = 0; i < sizeof(owners) / sizeof(owners[0]); i++)
		if (!strncmp(chain, owners[i][0], strlen(owners[i][0])))
			return owners[i][1];
	return NULL;
}
