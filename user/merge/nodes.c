// SPDX-License-Identifier: GPL-2.0
/* The inputs as nodes: each must be a different node (another kernel, or another part of
 * one kernel chosen with --only-netns), and each gets a name for the output. */
#include <libgen.h>
#include <stdio.h>
#include <string.h>

#include "merge/merge.h"

static bool is_scoped(const struct merge_input *in)
{
	return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(in->node, "scope")) > 0;
}

/* Whether two traces of one boot saw disjoint namespaces: each scoped, no inode shared. */
static bool scopes_disjoint(const struct merge_input *a, const struct merge_input *b)
{
	const cJSON *sa = cJSON_GetObjectItemCaseSensitive(a->node, "scope");
	const cJSON *sb = cJSON_GetObjectItemCaseSensitive(b->node, "scope");
	const cJSON *x, *y;

	if (!cJSON_GetArraySize(sa) || !cJSON_GetArraySize(sb))
		return false;
	cJSON_ArrayForEach(x, sa)
	{
		cJSON_ArrayForEach(y, sb)
		{
			if (mj__int(x, "netns", -1) == mj__int(y, "netns", -2))
				return false;
		}
	}
	return true;
}

int merge__check_inputs(const struct merge_set *set, char *err, size_t errlen)
{
	for (int i = 0; i < set->input_count; i++) {
		for (int j = 0; j < i; j++) {
			const struct merge_input *a = &set->inputs[j], *b = &set->inputs[i];

			if (!a->boot_id || !b->boot_id || strcmp(a->boot_id, b->boot_id))
				continue;
			if (scopes_disjoint(a, b))
				continue;
			snprintf(err, errlen,
				 "%s and %s are traces of the same node (boot id %s%s): merge "
				 "joins traces of different nodes",
				 a->path, b->path, a->boot_id,
				 is_scoped(a) && is_scoped(b) ?
					 ", overlapping --only-netns namespaces" :
					 "; parts of one kernel need --only-netns, disjoint");
			return -1;
		}
	}
	return 0;
}

void merge__label_inputs(struct merge_set *set)
{
	for (int i = 0; i < set->input_count; i++) {
		struct merge_input *in = &set->inputs[i];
		bool clash = false;

		for (int j = 0; j < set->input_count; j++)
			if (j != i && !strcmp(set->inputs[j].name, in->name))
				clash = true;
		if (clash) {
			char path[512];

			snprintf(path, sizeof(path), "%s", in->path);
			snprintf(in->label, sizeof(in->label), "%.40s(%.50s)", in->name,
				 basename(path));
		} else {
			snprintf(in->label, sizeof(in->label), "%s", in->name);
		}
	}
}
