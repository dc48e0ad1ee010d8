// SPDX-License-Identifier: GPL-2.0
/* The BPF program or qdisc behind a drop, as JSON members of the verdict's drop. */
#include <stdio.h>
#include "pipeline/bpf_ret.h"
#include "sinks/json_blame.h"

void json_blame__program(struct json_writer *w, const char *key, const struct attached_prog *p,
			 int of)
{
	bool cls = p->attach == HOP_BPF_TC_INGRESS || p->attach == HOP_BPF_TC_EGRESS;

	json__object_begin(w, key);
	json__uint(w, "id", p->id);
	json__string(w, "name", p->name[0] ? p->name : NULL);
	json__string(w, "tag", p->tag[0] ? p->tag : NULL);
	json__string(w, "attach", attached__attach_name(p->attach));
	json__uint(w, "position", p->position);
	json__uint(w, "of", of);
	if (cls) {
		json__uint(w, "priority", p->priority);
		json__uint(w, "handle", p->handle);
		json__bool(w, "direct_action", p->direct_action);
	}
	if (p->link_id)
		json__uint(w, "link_id", p->link_id);
	else
		json__null(w, "link_id");
	json__string(w, "owner", p->owner);
	json__object_end(w);
}

static void write_bpf(struct json_writer *w, const struct verdict *v)
{
	const struct verdict_bpf *b = &v->bpf;
	bool cgroup = b->attach == HOP_BPF_CGROUP_INGRESS || b->attach == HOP_BPF_CGROUP_EGRESS;
	char ret[24];

	json__object_begin(w, "bpf");
	json__string(w, "attach", attached__attach_name(b->attach));
	json__string(w, "device", cgroup ? NULL : v->ifname);
	if (cgroup)
		json__string(w, "cgroup", b->cgroup[0] ? b->cgroup : NULL);
	json__array_begin(w, "programs");
	for (int i = 0; i < b->prog_count; i++)
		json_blame__program(w, NULL, &b->progs[i], bpf_blame__of_point(b, &b->progs[i]));
	json__array_end(w);
	if (b->culprit) {
		json_blame__program(w, "culprit", b->culprit, bpf_blame__of_point(b, b->culprit));
	} else if (b->culprit_id) { /* seen returning the drop, unloaded since */
		json__object_begin(w, "culprit");
		json__uint(w, "id", b->culprit_id);
		json__object_end(w);
	} else {
		json__null(w, "culprit");
	}
	json__string(w, "how", b->how);
	if (b->culprit_id) {
		json__int(w, "returned", b->ret);
		json__string(w, "returned_name",
			     bpf_ret__name(b->attach, b->ret, ret, sizeof(ret)));
	}
	json__string(w, "owner", b->owner);
	if (b->err)
		json__int(w, "error", b->err);
	json__object_end(w);
}

static void write_qdisc(struct json_writer *w, const struct verdict *v)
{
	const struct verdict_qdisc *q = &v->qdisc;
	char handle[16], parent[16];

	qdisc_stats__handle(q->q.handle, handle, sizeof(handle));
	qdisc_stats__handle(q->q.parent, parent, sizeof(parent));
	json__object_begin(w, "qdisc");
	json__string(w, "kind", q->q.kind);
	json__string(w, "handle", handle);
	json__string(w, "parent", parent);
	json__string(w, "device", v->ifname);
	json__uint(w, "drops", q->q.drops);
	if (q->rise_since[0] == 'u')
		json__null(w, "drops_rise");
	else
		json__uint(w, "drops_rise", q->drops_rise);
	json__string(w, "rise_since", q->rise_since);
	json__uint(w, "overlimits", q->q.overlimits);
	json__uint(w, "qlen", q->q.qlen);
	json__uint(w, "backlog", q->q.backlog);
	json__object_end(w);
}

void json_blame__write(struct json_writer *w, const struct verdict *v)
{
	if (v->has_bpf)
		write_bpf(w, v);
	if (v->has_qdisc)
		write_qdisc(w, v);
}
