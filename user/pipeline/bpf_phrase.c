// SPDX-License-Identifier: GPL-2.0
/* The words for a BPF program's or a qdisc's drop. What the kernel showed (a program seen
 * returning the drop) and what is inferred from a listing (the only program there, several
 * candidates) read differently, so a reader never takes a guess for a sighting. */
#include <stdio.h>
#include <string.h>
#include "pipeline/bpf_ret.h"
#include "util/appendf.h"
#include "pipeline/bpf_phrase.h"

const char *bpf_phrase__ordinal(int n, char *buf, size_t size)
{
	const char *suffix = "th";

	if (n % 100 < 11 || n % 100 > 13)
		suffix = n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
	snprintf(buf, size, "%d%s", n, suffix);
	return buf;
}

/* The hook as a person names it, and what it is attached to. */
static const char *hook_words(enum hop_bpf_attach a)
{
	switch (a) {
	case HOP_BPF_TCX_INGRESS:
	case HOP_BPF_TC_INGRESS:
		return "tc ingress";
	case HOP_BPF_TCX_EGRESS:
	case HOP_BPF_TC_EGRESS:
		return "tc egress";
	case HOP_BPF_XDP_GENERIC:
		return "generic XDP";
	case HOP_BPF_CGROUP_INGRESS:
		return "cgroup inet ingress";
	case HOP_BPF_CGROUP_EGRESS:
		return "cgroup inet egress";
	}
	return "BPF hook";
}

/* "412 \"name\" (tag 3f2a1b9c..., tcx, 2nd of 2)" */
static void program_words(const struct verdict_bpf *b, const struct attached_prog *p, char *buf,
			  size_t size)
{
	char nth[16];
	int of = bpf_blame__of_point(b, p);

	appendf(buf, size, "%u \"%s\" (", p->id, p->name[0] ? p->name : "?");
	if (p->tag[0])
		appendf(buf, size, "tag %.8s..., ", p->tag);
	if (p->attach == HOP_BPF_TC_INGRESS || p->attach == HOP_BPF_TC_EGRESS)
		appendf(buf, size, "cls_bpf prio %u", p->priority);
	else if (p->attach == HOP_BPF_TCX_INGRESS || p->attach == HOP_BPF_TCX_EGRESS)
		appendf(buf, size, "tcx");
	else if (p->attach == HOP_BPF_XDP_GENERIC)
		appendf(buf, size, "generic XDP");
	else
		appendf(buf, size, "cgroup");
	if (of > 1)
		appendf(buf, size, ", %s of %d", bpf_phrase__ordinal(p->position, nth, sizeof(nth)),
			of);
	appendf(buf, size, ")");
}

int bpf_phrase__verdict(const struct verdict_bpf *b, const char *ifname, char *buf, size_t size)
{
	buf[0] = 0;
	char ret[24];

	if ((b->attach == HOP_BPF_CGROUP_INGRESS || b->attach == HOP_BPF_CGROUP_EGRESS) &&
	    !b->cgroup[0]) {
		/* The kernel named no socket to read it from (the receiving one before 6.11). */
		appendf(buf, size,
			"%s of the socket's cgroup, which is not known here: its "
			"programs are not listed",
			hook_words(b->attach));
		return (int)strlen(buf);
	}
	if (b->attach == HOP_BPF_CGROUP_INGRESS || b->attach == HOP_BPF_CGROUP_EGRESS)
		appendf(buf, size, "%s of cgroup %s: ", hook_words(b->attach), b->cgroup);
	else
		appendf(buf, size, "%s of %s: ", hook_words(b->attach), ifname ? ifname : "-");
	if (b->err && !b->prog_count) {
		appendf(buf, size, "its programs could not be listed (%s)", strerror(-b->err));
	} else if (b->culprit && !strcmp(b->how, "fexit")) {
		appendf(buf, size, "program ");
		program_words(b, b->culprit, buf, size);
		appendf(buf, size, " returned %s",
			bpf_ret__name(b->culprit->attach, b->ret, ret, sizeof(ret)));
	} else if (!strcmp(b->how, "fexit")) {
		appendf(buf, size, "program %u (unloaded since) returned %s", b->culprit_id,
			bpf_ret__name(b->attach, b->ret, ret, sizeof(ret)));
	} else if (b->culprit) {
		appendf(buf, size, "program ");
		program_words(b, b->culprit, buf, size);
		appendf(buf, size, ", the only program there");
	} else if (b->prog_count) {
		appendf(buf, size,
			"one of %d programs, not seen which (no fexit here):", b->prog_count);
		for (int i = 0; i < b->prog_count; i++) {
			appendf(buf, size, "%s ", i ? "," : "");
			program_words(b, &b->progs[i], buf, size);
		}
	} else if (b->attach == HOP_BPF_CGROUP_INGRESS) {
		appendf(buf, size,
			"no cgroup program there now: a socket filter (SO_ATTACH_FILTER) "
			"of the receiving socket, or a program since removed");
	} else {
		appendf(buf, size,
			"no BPF program is attached there now (a classic tc filter's "
			"action, or a program since removed)");
	}
	if (b->owner)
		appendf(buf, size, " [%s]", b->owner);
	return (int)strlen(buf);
}

int bpf_phrase__qdisc(const struct verdict_qdisc *q, const char *ifname, char *buf, size_t size)
{
	char handle[16], parent[16];

	buf[0] = 0;

	qdisc_stats__handle(q->q.handle, handle, sizeof(handle));
	qdisc_stats__handle(q->q.parent, parent, sizeof(parent));
	appendf(buf, size, "qdisc %s %s (parent %s) of %s", q->q.kind, handle, parent,
		ifname ? ifname : "-");
	if (!strcmp(q->rise_since, "start"))
		appendf(buf, size, ": its drop counter rose by %llu during the trace",
			(unsigned long long)q->drops_rise);
	else if (!strcmp(q->rise_since, "first_read"))
		appendf(buf, size, ": its drop counter rose by %llu since its first drop here",
			(unsigned long long)q->drops_rise);
	else
		appendf(buf, size, ", the only queue there (%llu drops so far)",
			(unsigned long long)q->q.drops);
	return (int)strlen(buf);
}
