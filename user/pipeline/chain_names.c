// SPDX-License-Identifier: GPL-2.0
/* The cache is a short list: a trace sees drops in a handful of (namespace, hook, table)
 * places, and each is asked of the kernel once. */
#include <stdlib.h>
#include <string.h>
#include "host/nf_hook_dump.h"
#include "host/watched_netns.h"
#include "pipeline/chain_names.h"

#define CHAINS_TEXT 256

struct chain_entry {
	__u32 netns;
	__u8 pf, hook;
	int from, to;
	char text[CHAINS_TEXT];
	struct chain_entry *next;
	int found; /* hooks registered in the range; -errno when the kernel cannot list them */
};

struct chain_names {
	const struct coverage *cov;
	struct chain_entry *entries;
	unsigned long dumps;
};

struct chain_names *chain_names__new(const struct coverage *cov)
{
	struct chain_names *cn = calloc(1, sizeof(*cn));

	if (cn)
		cn->cov = cov;
	return cn;
}

static const char *netns_path(const struct coverage *cov, __u32 netns)
{
	for (int i = 0; cov && i < cov->count; i++)
		if (cov->inodes[i] == netns)
			return cov->paths[i];
	return NULL;
}

static struct chain_entry *lookup(struct chain_names *cn, __u32 netns, __u8 pf, __u8 hook, int from,
				  int to)
{
	for (struct chain_entry *e = cn->entries; e; e = e->next)
		if (e->netns == netns && e->pf == pf && e->hook == hook && e->from == from &&
		    e->to == to)
			return e;
	return NULL;
}

const char *chain_names__between(struct chain_names *cn, __u32 netns, __u8 pf, __u8 hook, int from,
				 int to)
{
	const char *path = cn ? netns_path(cn->cov, netns) : NULL;
	struct chain_entry *e;

	if (!path)
		return "";
	e = lookup(cn, netns, pf, hook, from, to);
	if (e)
		return e->text;
	e = calloc(1, sizeof(*e));
	if (!e)
		return "";
	*e = (struct chain_entry){ netns, pf, hook, from, to, "", cn->entries, 0 };
	cn->dumps++;
	e->found = nfhooks__between(path, pf, hook, from, to, e->text, sizeof(e->text));
	if (e->found < 0)
		e->text[0] = 0;
	cn->entries = e;
	return e->text;
}

bool chain_names__none_between(struct chain_names *cn, __u32 netns, __u8 pf, __u8 hook, int from,
			       int to)
{
	struct chain_entry *e;

	chain_names__between(cn, netns, pf, hook, from, to);
	e = cn ? lookup(cn, netns, pf, hook, from, to) : NULL;
	return e && e->found == 0;
}

unsigned long chain_names__dumps(const struct chain_names *cn)
{
	return cn ? cn->dumps : 0;
}

void chain_names__free(struct chain_names *cn)
{
	if (!cn)
		return;
	while (cn->entries) {
		struct chain_entry *e = cn->entries;

		cn->entries = e->next;
		free(e);
	}
	free(cn);
}
