// SPDX-License-Identifier: GPL-2.0
/* One fexit instance per watched program: open the fexit object again, set its rodata and
 * target, point its maps at the main object's, load, attach; every instance undone at the
 * end. A program that cannot be watched is skipped with the reason kept: the trace goes on
 * without its hops (the drop is still named by its reason and device). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>
#include "hoptrace.h"
#include "prog_exit.skel.h"
#include "host/bpf_attached.h"
#include "host/own_progs.h"
#include "load/prog_fexit.h"

/* The kernel keeps 15 characters of a program's name. */

struct watched {
	__u32 id;
	struct prog_exit_bpf *skel; /* loaded, its link attached */
};

struct prog_fexit {
	struct prog_fexit_maps maps;
	__u32 wakeup_backlog;
	const struct kernel_features *kf;
	struct own_progs own;
	struct watched watched[PROG_FEXIT_MAX];
	int count;
	char reason[128];
};

struct prog_fexit *prog_fexit__new(const struct prog_fexit_maps *maps, __u32 wakeup_backlog,
				   const struct kernel_features *kf, const struct own_progs *own)
{
	struct prog_fexit *pf = calloc(1, sizeof(*pf));

	if (!pf)
		return NULL;
	pf->maps = *maps;
	pf->wakeup_backlog = wakeup_backlog;
	pf->kf = kf;
	if (own)
		pf->own = *own;
	return pf;
}

static bool is_watched(const struct prog_fexit *pf, __u32 id)
{
	for (int i = 0; i < pf->count; i++)
		if (pf->watched[i].id == id)
			return true;
	return false;
}

/* NULL when p can be watched, else why not ("" when that goes without saying: a program
 * met again, or one of hoptrace's). */
static const char *why_not(const struct prog_fexit *pf, const struct attached_prog *p)
{
	if (!pf->kf->fentry)
		return "fentry refused here";
	if (p->attach == HOP_BPF_XDP_GENERIC)
		return "XDP: its context has no skb";
	if (own_progs__has(&pf->own, p->id, p->name) || is_watched(pf, p->id))
		return "";
	if (!p->has_btf || !p->name[0])
		return "no BTF (fexit needs the program's function in it)";
	if (pf->count == PROG_FEXIT_MAX)
		return "the limit of watched programs";
	return NULL;
}

static int reuse_maps(struct prog_exit_bpf *skel, const struct prog_fexit_maps *m)
{
	int err = bpf_map__reuse_fd(skel->maps.tracked_skbs, m->tracked_skbs);

	if (!err)
		err = bpf_map__reuse_fd(skel->maps.events, m->events);
	if (!err)
		err = bpf_map__reuse_fd(skel->maps.stats, m->stats);
	if (!err)
		err = bpf_map__reuse_fd(skel->maps.track_hints, m->track_hints);
	return err;
}

/* Opens, configures, loads and attaches one instance on the program behind target_fd. */
static int load_instance(struct prog_fexit *pf, const struct attached_prog *p, int target_fd,
			 struct prog_exit_bpf **out)
{
	struct prog_exit_bpf *skel = prog_exit_bpf__open();
	const char *step = "open";
	int err;

	if (!skel)
		return -errno;
	skel->rodata->cfg_wakeup_backlog = pf->wakeup_backlog;
	skel->rodata->cfg_prog_id = p->id;
	skel->rodata->cfg_attach = p->attach;
	err = reuse_maps(skel, &pf->maps);
	if (!err) {
		step = "target";
		err = bpf_program__set_attach_target(skel->progs.prog_exit, target_fd, p->name);
	}
	if (!err) {
		step = "load";
		err = prog_exit_bpf__load(skel);
	}
	if (!err) {
		step = "attach";
		err = prog_exit_bpf__attach(skel);
	}
	if (err) {
		snprintf(pf->reason, sizeof(pf->reason), "%s: %s", step, strerror(-err));
		prog_exit_bpf__destroy(skel);
		return err;
	}
	*out = skel;
	return 0;
}

int prog_fexit__attach(struct prog_fexit *pf, const struct attached_prog *p)
{
	const char *why = why_not(pf, p);
	struct prog_exit_bpf *skel;
	int fd, err;

	pf->reason[0] = 0;
	if (why) {
		snprintf(pf->reason, sizeof(pf->reason), "%s", why);
		return 0;
	}
	fd = bpf_prog_get_fd_by_id(p->id);
	if (fd < 0) {
		err = -errno;
		snprintf(pf->reason, sizeof(pf->reason), "program gone: %s", strerror(errno));
		return err;
	}
	err = load_instance(pf, p, fd, &skel);
	/* The link holds the target now. */
	close(fd);
	if (err)
		return err;
	pf->watched[pf->count++] = (struct watched){ p->id, skel };
	return 1;
}

const char *prog_fexit__reason(const struct prog_fexit *pf)
{
	return pf->reason;
}

int prog_fexit__count(const struct prog_fexit *pf)
{
	return pf ? pf->count : 0;
}

__u32 prog_fexit__id(const struct prog_fexit *pf, int i)
{
	return pf->watched[i].id;
}

void prog_fexit__free(struct prog_fexit *pf)
{
	if (!pf)
		return;
	for (int i = 0; i < pf->count; i++)
		prog_exit_bpf__destroy(pf->watched[i].skel);
	free(pf);
}
