// SPDX-License-Identifier: GPL-2.0
/* /proc/net/stat/nf_conntrack and the nf_conntrack_count/max sysctls are per network
 * namespace as seen by the reader: enter the namespace, read, come back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "host/watched_netns.h"
#include "host/conntrack_stats.h"
#include "host/nsenter.h"
#include "util/proc_file.h"

static int column_of(char *header, const char *name)
{
	char *save = NULL;
	int i = 0;

	for (char *tok = strtok_r(header, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save), i++)
		if (!strcmp(tok, name))
			return i;
	return -1;
}

/* Sums one column over the per-CPU lines. */
static __u64 column_sum(const char *path, const char *name)
{
	char line[1024], header[1024];
	unsigned long long sum = 0;
	int col;
	FILE *f = fopen(path, "r");

	if (!f || !fgets(header, sizeof(header), f)) {
		if (f)
			fclose(f);
		return 0;
	}
	col = column_of(header, name);
	while (col >= 0 && fgets(line, sizeof(line), f)) {
		char *save = NULL, *tok = strtok_r(line, " \t\n", &save);

		for (int i = 0; tok && i < col; i++)
			tok = strtok_r(NULL, " \t\n", &save);
		if (tok)
			sum += strtoull(tok, NULL, 16);
	}
	fclose(f);
	return sum;
}

static void read_here(struct ctstat_counts *c)
{
	static const char *stat = "/proc/self/net/stat/nf_conntrack";

	memset(c, 0, sizeof(*c));
	c->present = !access(stat, R_OK);
	if (!c->present)
		return;
	c->insert_failed = column_sum(stat, "insert_failed");
	c->drop = column_sum(stat, "drop");
	c->early_drop = column_sum(stat, "early_drop");
	/* Unreadable counts as 0: the statistics then show nothing rising. */
	c->count = proc_file__read_number("/proc/sys/net/netfilter/nf_conntrack_count");
	c->max = proc_file__read_number("/proc/sys/net/netfilter/nf_conntrack_max");
	if ((long long)c->count < 0 || (long long)c->max < 0)
		c->count = c->max = 0;
}

static int read_here_fn(void *ctx)
{
	read_here(ctx);
	return 0;
}

void ctstat__read(const char *path, struct ctstat_counts *c)
{
	memset(c, 0, sizeof(*c));
	if (nsenter__run(path, read_here_fn, c))
		memset(c, 0, sizeof(*c));
}

struct ctstat *ctstat__start(const struct coverage *cov)
{
	struct ctstat *ct = calloc(1, sizeof(*ct));

	if (!ct)
		return NULL;
	ct->ns = calloc(cov->count ? cov->count : 1, sizeof(*ct->ns));
	if (!ct->ns) {
		free(ct);
		return NULL;
	}
	for (int i = 0; i < cov->count; i++) {
		ct->ns[i].inode = cov->inodes[i];
		ct->ns[i].path = strdup(cov->paths[i]);
		if (ct->ns[i].path)
			ctstat__read(ct->ns[i].path, &ct->ns[i].start);
		ct->count++;
	}
	return ct;
}

void ctstat__finish(struct ctstat *ct)
{
	for (int i = 0; ct && i < ct->count; i++)
		if (ct->ns[i].path)
			ctstat__read(ct->ns[i].path, &ct->ns[i].end);
}

/* The covered namespace with this inode, its counters read now into c; NULL when not
 * covered. */
static const struct ctstat_ns *read_now(struct ctstat *ct, __u32 inode, struct ctstat_counts *c)
{
	for (int i = 0; ct && i < ct->count; i++) {
		if (ct->ns[i].inode != inode || !ct->ns[i].path)
			continue;
		ctstat__read(ct->ns[i].path, c);
		return &ct->ns[i];
	}
	return NULL;
}

/* The conntrack "drop" statistic counts exactly the packets nf_conntrack_in gave up on for
 * want of an entry (table full, early drop failed). It has grown since the start, or the
 * table is at its maximum now. Asked only for drops in the conntrack range: no rate limit. */
bool ctstat__table_full(struct ctstat *ct, __u32 inode, struct ctstat_counts *now, __u64 *drop_rise)
{
	struct ctstat_counts c;
	const struct ctstat_ns *ns = read_now(ct, inode, &c);

	if (!ns)
		return false;
	if (now)
		*now = c;
	if (drop_rise)
		*drop_rise = c.drop > ns->start.drop ? c.drop - ns->start.drop : 0;
	return c.present && ((c.max && c.count >= c.max) || c.drop > ns->start.drop);
}

__u64 ctstat__insert_failed_rise(struct ctstat *ct, __u32 inode)
{
	struct ctstat_counts c;
	const struct ctstat_ns *ns = read_now(ct, inode, &c);

	return ns && c.insert_failed > ns->start.insert_failed ?
		       c.insert_failed - ns->start.insert_failed :
		       0;
}

void ctstat__free(struct ctstat *ct)
{
	if (!ct)
		return;
	for (int i = 0; i < ct->count; i++)
		free(ct->ns[i].path);
	free(ct->ns);
	free(ct);
}
