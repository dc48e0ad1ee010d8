// SPDX-License-Identifier: GPL-2.0
/* Who loaded a BPF program, by the names the well-known dataplanes give their programs and
 * maps. A guess from names only, so each rule is narrow: the AWS agent's generic program
 * names count only with one of its maps beside them. */
#include <string.h>
#include "host/bpf_attached.h"

/* The kernel keeps 15 characters of a map's name (BPF_OBJ_NAME_LEN - 1). */
#define KERNEL_NAME_LEN 15

/* The maps of the AWS VPC CNI's network policy agent (aws-network-policy-agent,
 * pkg/ebpf/bpf_client.go and its pkg/ebpf/c programs). */
static const char *const aws_maps[] = {
	"ingress_map",		 "egress_map",		 "aws_conntrack_map", "policy_events",
	"ingress_pod_state_map", "egress_pod_state_map",
};

/* name as the kernel keeps it: whole, or cut at 15 characters. */
static bool kernel_name_is(const char *kernel_name, const char *name)
{
	size_t len = strlen(kernel_name);

	return !strcmp(kernel_name, name) ||
	       (len == KERNEL_NAME_LEN && !strncmp(kernel_name, name, KERNEL_NAME_LEN));
}

static bool has_aws_map(const char *const *map_names, int map_count)
{
	for (int i = 0; i < map_count; i++)
		for (size_t j = 0; map_names[i] && j < sizeof(aws_maps) / sizeof(aws_maps[0]); j++)
			if (kernel_name_is(map_names[i], aws_maps[j]))
				return true;
	return false;
}

const char *attached__owner(const char *prog_name, const char *const *map_names, int map_count)
{
	if (!prog_name)
		return NULL;
	if (!strncmp(prog_name, "cil_", 4))
		return "cilium";
	if (!strncmp(prog_name, "calico_", 7))
		return "calico";
	if ((!strcmp(prog_name, "handle_ingress") || !strcmp(prog_name, "handle_egress")) &&
	    has_aws_map(map_names, map_count))
		return "aws-network-policy-agent";
	return NULL;
}
