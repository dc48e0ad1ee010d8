// SPDX-License-Identifier: GPL-2.0
/* Recognising hoptrace's own programs in a listing. */
#include <stdio.h>
#include <string.h>
#include "host/own_progs.h"

/* The kernel keeps BPF_OBJ_NAME_LEN - 1 characters of a program's name. */
#define KERNEL_NAME_KEPT 15

void own_progs__add(struct own_progs *o, __u32 id, const char *name)
{
	if (o->count == OWN_PROGS_MAX)
		return;
	o->ids[o->count] = id;
	snprintf(o->names[o->count], sizeof(o->names[0]), "%s", name ? name : "");
	o->count++;
}

static bool same_name(const char *own, const char *listed)
{
	if (!*own || !listed || !*listed)
		return false;
	if (!strcmp(own, listed))
		return true;
	return strlen(listed) == KERNEL_NAME_KEPT && !strncmp(own, listed, KERNEL_NAME_KEPT);
}

bool own_progs__has(const struct own_progs *o, __u32 id, const char *listed_name)
{
	for (int i = 0; o && i < o->count; i++)
		if ((o->ids[i] && o->ids[i] == id) || same_name(o->names[i], listed_name))
			return true;
	return false;
}
