// SPDX-License-Identifier: GPL-2.0
/* The attach ladder: the hook table's ways walked once to choose, once more to switch off
 * every program that was not chosen, and once to attach. What a method needs (a probe, an
 * attach function) is one row of the method table. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "load/ladder.h"
#include "util/phases.h"
#include "load/nf_links.h"
#include "load/prog_watch.h"
#include "pipeline/hopview.h"
#include "util/json_writer.h"

static const char *tp_name(const struct hook_way *way)
{
	const char *slash = strchr(way->target, '/');

	return slash ? slash + 1 : way->target;
}

static const char *tp_btf_unusable(const struct kernel_features *kf, const struct hook_way *w)
{
	if (!kf->btf)
		return "no kernel BTF";
	return btf_tracepoint_args(kf->btf, tp_name(w)) < 0 ? "tracepoint not in kernel BTF" : NULL;
}

static const char *raw_tp_unusable(const struct kernel_features *kf, const struct hook_way *w)
{
	char category[64];
	const char *slash = strchr(w->target, '/');

	if (kf->btf && btf_tracepoint_args(kf->btf, tp_name(w)) >= 0)
		return NULL;
	snprintf(category, sizeof(category), "%.*s", (int)(slash - w->target), w->target);
	return tracefs_has_event(category, tp_name(w)) ? NULL : "tracepoint not found";
}

static const char *tracepoint_unusable(const struct kernel_features *kf, const struct hook_way *w)
{
	return raw_tp_unusable(kf, w) ? "tracepoint not in tracefs" : NULL;
}

static const char *nf_link_unusable(const struct kernel_features *kf, const struct hook_way *w)
{
	(void)w;
	return kf->nf_link ? NULL : "no BPF netfilter links (Linux 6.4+)";
}

/* The function's BTF: built in, else its module's (split BTF, Linux 5.11+, present while
 * the module is loaded). */
static const char *kernel_function_missing(const struct kernel_features *kf,
					   const struct hook_way *w)
{
	char path[128];
	struct btf *mod;
	bool found;

	if (btf__find_by_name_kind(kf->btf, w->target, BTF_KIND_FUNC) >= 0)
		return NULL;
	if (!w->module)
		return "not in kernel BTF";
	snprintf(path, sizeof(path), "/sys/kernel/btf/%s", w->module);
	if (access(path, R_OK))
		return errno == ENOENT ? "module not loaded, or no module BTF (Linux 5.11+)" :
					 "module BTF unreadable";
	mod = btf__parse_split(path, kf->btf);
	found = mod && btf__find_by_name_kind(mod, w->target, BTF_KIND_FUNC) >= 0;
	btf__free(mod);
	return found ? NULL : "not in the module's BTF";
}

static bool watches_programs(const struct hook_way *w)
{
	return !strcmp(w->prog, "prog_exit");
}

static const char *fexit_unusable(const struct kernel_features *kf, const struct hook_way *w)
{
	/* fexit on a BPF program needs the same trampolines as on a kernel function. */
	if (!kf->fentry)
		return "fentry refused here";
	return watches_programs(w) ? NULL : kernel_function_missing(kf, w);
}

static const char *fentry_unusable(const struct kernel_features *kf, const struct hook_way *w)
{
	if (!kf->fentry)
		return "fentry refused here";
	return kernel_function_missing(kf, w);
}

static const char *kprobe_unusable(const struct kernel_features *kf, const struct hook_way *w)
{
	(void)w;
	return kf->kprobes ? NULL : "no kprobes";
}

static const char *cgroup_skb_unusable(const struct kernel_features *kf, const struct hook_way *w)
{
	(void)w;
	return kf->cgroup2[0] ? NULL : "no cgroup v2 hierarchy mounted";
}

/* The program named so: the instance one of the objects loaded, else the first object's. */
static struct bpf_program *program(const struct attach_state *st, const char *name)
{
	struct bpf_program *first = NULL;

	for (int i = 0; i < 2 && st->objs[i]; i++) {
		struct bpf_program *prog = bpf_object__find_program_by_name(st->objs[i], name);

		if (prog && bpf_program__fd(prog) >= 0)
			return prog;
		if (!first)
			first = prog;
	}
	return first;
}

/* One program, attached where its section says (tracepoints, fentry, kprobe). */
static int attach_program(struct attach_state *st, const struct hook_way *way)
{
	struct bpf_program *prog = program(st, way->prog);
	struct bpf_link *link;

	if (!prog)
		return -ENOENT;
	if (st->link_count >= ATTACH_MAX_LINKS)
		return -E2BIG;
	link = bpf_program__attach(prog);
	if (!link)
		return -errno;
	st->links[st->link_count++] = link;
	return 0;
}

/* The root cgroup's program sees every socket of the node; the link (cgroup_bpf_link,
 * 5.7+) lets other programs there stay, and goes when hoptrace exits. */
static int attach_cgroup_root(struct attach_state *st, const struct hook_way *way)
{
	struct bpf_program *prog = program(st, way->prog);
	struct bpf_link *link;
	int fd, err = 0;

	if (!prog)
		return -ENOENT;
	if (st->link_count >= ATTACH_MAX_LINKS)
		return -E2BIG;
	fd = open(st->cgroup_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	link = bpf_program__attach_cgroup(prog, fd);
	if (!link)
		err = -errno;
	else
		st->links[st->link_count++] = link;
	close(fd);
	return err;
}

/* The observers, linked in every covered namespace (netfilter links are per namespace). */
static int attach_nf_links(struct attach_state *st, const struct hook_way *way)
{
	(void)way;
	phases__mark("attach_others");
	st->nf = netfilter__attach(st->objs[0], st->netns_paths, st->netns_count);
	phases__mark("nf_links");
	return st->nf ? 0 : -ENOLINK;
}

/* One fexit instance per program found (load/prog_watch.c): those there now; the session
 * hands on the hops that name further devices. A program that cannot be watched does not
 * fail the rung. */
static int attach_prog_watch(struct attach_state *st, const struct hook_way *way)
{
	(void)way;
	return st->watch ? prog_watch__start(st->watch) : -ENOMEM;
}

static int attach_fexit(struct attach_state *st, const struct hook_way *way)
{
	return watches_programs(way) ? attach_prog_watch(st, way) : attach_program(st, way);
}

static const struct attach_method methods[] = {
	{ "tp_btf", false, tp_btf_unusable, attach_program },
	{ "raw_tp", false, raw_tp_unusable, attach_program },
	{ "tracepoint", false, tracepoint_unusable, attach_program },
	{ "nf_link", true, nf_link_unusable, attach_nf_links },
	{ "cgroup_skb", false, cgroup_skb_unusable, attach_cgroup_root },
	{ "fentry", false, fentry_unusable, attach_program },
	{ "fexit", false, fexit_unusable, attach_fexit },
	{ "kprobe", false, kprobe_unusable, attach_program },
};

static const struct attach_method *method_of(const struct hook_way *way)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (!strcmp(methods[i].name, way->method))
			return &methods[i];
	return NULL;
}

/* Walks one row's ways, best first: the first usable one is chosen. */
static void choose(struct attach_choice *c, const struct hook_row *row,
		   const struct kernel_features *kf)
{
	c->row = row;
	c->hook = row->name;
	for (int i = 0; i < HOOK_MAX_WAYS && row->ways[i].method; i++) {
		const struct hook_way *way = &row->ways[i];
		const struct attach_method *m = method_of(way);
		const char *why = m ? m->unusable(kf, way) : "unknown method";
		size_t used;

		if (!why) {
			c->way = way;
			c->method = m;
			return;
		}
		used = strlen(c->rejected);
		snprintf(c->rejected + used, sizeof(c->rejected) - used, "%s%s: %s",
			 used ? "; " : "", way->method, why);
	}
}

void attach_plan__build(struct attach_plan *plan, const struct kernel_features *kf)
{
	memset(plan, 0, sizeof(*plan));
	for (unsigned int hook = 0; hook < HOOK__COUNT; hook++) {
		const struct hook_row *row = hook__row(hook);

		if (row)
			choose(&plan->hooks[plan->count++], row, kf);
	}
}

static bool choice_has_prog(const struct attach_choice *c, const char *prog)
{
	if (!c->way)
		return false;
	if (c->method->prog_family)
		return !strncmp(c->way->prog, prog, strlen(c->way->prog));
	return !strcmp(c->way->prog, prog);
}

static bool chosen(const struct attach_plan *plan, const char *prog)
{
	for (int i = 0; i < plan->count; i++)
		if (choice_has_prog(&plan->hooks[i], prog))
			return true;
	return false;
}

int attach_plan__apply(const struct attach_plan *plan, struct bpf_object *obj)
{
	struct bpf_program *prog;
	int err;

	bpf_object__for_each_program(prog, obj) {
		err = bpf_program__set_autoload(prog, chosen(plan, bpf_program__name(prog)));
		if (err)
			return err;
	}
	return 0;
}

int attach_plan__attach(struct attach_plan *plan, struct attach_state *st)
{
	int attached = 0;

	for (int i = 0; i < plan->count; i++) {
		struct attach_choice *c = &plan->hooks[i];
		int err;

		if (!c->way)
			continue;
		err = c->method->attach(st, c->way);
		if (err)
			snprintf(c->attach_error, sizeof(c->attach_error), "%s",
				 err == -ENOLINK ? "links could not be created" : strerror(-err));
		else
			attached++;
	}
	return attached;
}

void attach_state__detach(struct attach_state *st)
{
	for (int i = 0; i < st->link_count; i++)
		bpf_link__destroy(st->links[i]);
	st->link_count = 0;
	netfilter__detach(st->nf);
	st->nf = NULL;
	prog_watch__free(st->watch);
	st->watch = NULL;
}

static void print_json(const struct attach_plan *plan, const struct kernel_features *kf, FILE *f)
{
	struct json_writer w;

	json__init(&w, f);
	json__object_begin(&w, NULL);
	json__object_begin(&w, "features");
	json__bool(&w, "btf", kf->has_btf);
	json__bool(&w, "drop_reason", kf->kfree_has_reason);
	json__bool(&w, "consume_location", kf->consume_has_location);
	json__bool(&w, "fentry", kf->fentry);
	json__bool(&w, "kprobes", kf->kprobes);
	json__bool(&w, "netfilter_link", kf->nf_link);
	json__string(&w, "cgroup2_root", kf->cgroup2[0] ? kf->cgroup2 : NULL);
	json__bool(&w, "rdonly_cast", kf->rdonly_cast);
	json__object_end(&w);
	json__array_begin(&w, "hooks");
	for (int i = 0; i < plan->count; i++) {
		const struct attach_choice *c = &plan->hooks[i];

		json__object_begin(&w, NULL);
		json__string(&w, "hook", c->hook);
		json__string(&w, "method", c->way ? c->way->method : NULL);
		json__string(&w, "target", c->way ? c->way->target : NULL);
		json__string(&w, "prog", c->way ? c->way->prog : NULL);
		json__array_begin(&w, "hop_names");
		json__string(&w, NULL, c->row->hop_name);
		if (c->row->hop_alias)
			json__string(&w, NULL, c->row->hop_alias);
		json__array_end(&w);
		json__string(&w, "rejected", c->rejected[0] ? c->rejected : NULL);
		json__string(&w, "attach_error", c->attach_error[0] ? c->attach_error : NULL);
		json__object_end(&w);
	}
	json__array_end(&w);
	json__array_begin(&w, "synthetic_hop_names");
	for (int i = 0; hopview__synthetic_names[i]; i++)
		json__string(&w, NULL, hopview__synthetic_names[i]);
	json__array_end(&w);
	json__object_end(&w);
	json__newline(&w);
}

static void print_text(const struct attach_plan *plan, const struct kernel_features *kf, FILE *f)
{
	fprintf(f, "kernel features:\n");
	fprintf(f, "  %-16s %s\n", "btf", kf->has_btf ? "yes" : kf->btf_error);
	fprintf(f, "  %-16s %s\n", "drop reasons", kf->kfree_has_reason ? "yes" : "no");
	fprintf(f, "  %-16s %s\n", "fentry/fexit", kf->fentry ? "yes" : kf->fentry_error);
	fprintf(f, "  %-16s %s\n", "kprobes", kf->kprobes ? "yes" : "no (no kprobe PMU)");
	fprintf(f, "  %-16s %s\n", "netfilter link", kf->nf_link ? "yes" : kf->nf_link_error);
	fprintf(f, "  %-16s %s\n", "cgroup v2 root", kf->cgroup2[0] ? kf->cgroup2 : "not mounted");
	fprintf(f, "  %-16s %s\n", "header reads",
		kf->rdonly_cast ? "bpf_rdonly_cast (plain loads)" :
				  "bpf_probe_read_kernel (no bpf_rdonly_cast kfunc)");
	fprintf(f, "hooks:\n");
	for (int i = 0; i < plan->count; i++) {
		const struct attach_choice *c = &plan->hooks[i];

		if (c->way)
			fprintf(f, "  %-16s %-11s %s", c->hook, c->way->method, c->way->target);
		else
			fprintf(f, "  %-16s %-11s", c->hook, "none");
		if (c->attach_error[0])
			fprintf(f, "  (attach failed: %s)", c->attach_error);
		if (c->rejected[0])
			fprintf(f, "  [passed over: %s]", c->rejected);
		fprintf(f, "\n");
	}
}

void attach_plan__print(const struct attach_plan *plan, const struct kernel_features *kf, FILE *f,
			bool json)
{
	if (json)
		print_json(plan, kf, f);
	else
		print_text(plan, kf, f);
}
