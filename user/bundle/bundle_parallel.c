// SPDX-License-Identifier: GPL-2.0
/* The snapshots' tools run one after the other inside a namespace, and a namespace's take a
 * few hundred milliseconds, nft and the iptables-save tools most: each part of each
 * namespace runs in a child of its own, a bounded number at a time, so that a node with many
 * pods is read in about the time of one. A child's errors come back through a file. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "bundle/bundle_priv.h"

#define PARALLEL_MAX 16

/* In the child: no stdio buffer of the parent's is flushed (_exit), so nothing the trace's
 * files hold yet is written twice. */
static void child(struct bundle *b, const struct bundle_job *job, const char *when, int index)
{
	char name[32];

	b->errors = cJSON_CreateArray();
	bundle_snapshot__netns(b, job->ns, job->path, when, job->part);
	snprintf(name, sizeof(name), ".errors-%d", index);
	bundle__write_json(b, name, b->errors);
	_exit(0);
}

static void reap(struct bundle *b, const struct bundle_job *job, pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		bundle__error(b, "snapshot", job->ns->label, "the collecting process failed (%d)",
			      status);
}

/* The errors a child recorded, into the manifest's list; its file goes. */
static void take_errors(struct bundle *b, int index)
{
	char name[32], path[PATH_MAX];
	cJSON *errors, *e;

	snprintf(name, sizeof(name), ".errors-%d", index);
	errors = bundle__read_json(b, name);
	while (errors && (e = cJSON_DetachItemFromArray(errors, 0)))
		cJSON_AddItemToArray(b->errors, e);
	cJSON_Delete(errors);
	snprintf(path, sizeof(path), "%s/%s", b->dir, name);
	unlink(path);
}

void bundle_parallel__snapshot(struct bundle *b, const struct bundle_job *jobs, int count,
			       const char *when)
{
	pid_t *pids = calloc(count ? count : 1, sizeof(*pids));
	int started = 0, reaped = 0;

	while (reaped < started || started < count) {
		if (started < count && started - reaped < PARALLEL_MAX && pids) {
			pid_t pid = fork();

			if (!pid)
				child(b, &jobs[started], when, started);
			/* No child: done here, in turn. */
			if (pid < 0)
				bundle_snapshot__netns(b, jobs[started].ns, jobs[started].path,
						       when, jobs[started].part);
			pids[started++] = pid;
			continue;
		}
		if (!pids) {
			bundle_snapshot__netns(b, jobs[started].ns, jobs[started].path, when,
					       jobs[started].part);
			started++;
			reaped++;
			continue;
		}
		if (pids[reaped] > 0) {
			reap(b, &jobs[reaped], pids[reaped]);
			take_errors(b, reaped);
		}
		reaped++;
	}
	free(pids);
}
