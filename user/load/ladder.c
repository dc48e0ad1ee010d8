// SPDX-License-Identifier: GPL-2.0
/* The attach ladder as a table: one row per (logical hook, attach method), walked once to
 * choose, and once more to switch off every program that was not chosen. */
#include <errno.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "load/ladder.h"
#include "util/json_writer.h"

static const char *tp_name(const struct attach_way *way)
{
	const char *slash = strchr(way->target, '/');

	return slash ? slash + 1 : way->target;
}

static const char *tp_btf_unusable(const struct kernel_features *kf, const struct attach_way *w)
{
	if (!kf->btf)
		return "no kernel BTF";
	return btf_tracepoint_args(kf->btf, tp_name(w)) < 0 ? "tracepoint not in kernel BTF" : NULL;
}

static const char *raw_tp_unusable(const struct kernel_features *kf, const struct attach_way *w)
{
	char category[64];
	const char *slash = strchr(w->target, '/');

	if (kf->btf && btf_tracepoint_args(kf->btf, tp_name(w)) >= 0)
		return NULL;
	snprintf(category, sizeof(category), "%.*s", (int)(slash - w->target), w->target);
	return tracefs_has_event(category, tp_name(w)) ? NULL : "tracepoint not found";
}

static const char *tracepoint_unusable(const struct kernel_features *kf, const struct attach_way *w)
{
	return raw_tp_unusable(kf, w) ? "tracepoint not in tracefs" : NULL;
}

static const char *nf_link_unusable(const struct kernel_features *kf, const struct attach_way *w)
{
	(void)w;
	return kf->nf_link ? NULL : "no BPF netfilter links (Linux 6.4+)";
}

static const char *fentry_unusable(const struct kernel_features *kf, const struct attach_way *w)
{
	if (!kf->fentry)
		return "fentry refused here";
	return btf__find_by_name_kind(kf->btf, w->target, BTF_KIND_FUNC) < 0 ? "not in kernel BTF" :
									       NULL;
}

static const char *kprobe_unusable(const struct kernel_features *kf, const struct attach_way *w)
{
	(void)w;
	return kf->kprobes ? NULL : "no kprobes";
}

static const struct attach_way ways[] = {
	{ "kfree_skb", "tp_btf", "kfree_skb_tp_btf", false, "skb/kfree_skb", tp_btf_unusable },
	{ "kfree_skb", "raw_tp", "kfree_skb_raw_tp", false, "skb/kfree_skb", raw_tp_unusable },
	{ "kfree_skb", "tracepoint", "kfree_skb_tracepoint", false, "skb/kfree_skb",
	  tracepoint_unusable },
	{ "consume_skb", "tp_btf", "consume_skb_tp_btf", false, "skb/consume_skb",
	  tp_btf_unusable },
	{ "consume_skb", "raw_tp", "consume_skb_raw_tp", false, "skb/consume_skb",
	  raw_tp_unusable },
	{ "dev_xmit", "tp_btf", "dev_xmit_tp_btf", false, "net/net_dev_start_xmit",
	  tp_btf_unusable },
	{ "dev_xmit", "raw_tp", "dev_xmit_raw_tp", false, "net/net_dev_start_xmit",
	  raw_tp_unusable },
	{ "netif_receive", "tp_btf", "netif_receive_tp_btf", false, "net/netif_receive_skb",
	  tp_btf_unusable },
	{ "netif_receive", "raw_tp", "netif_receive_raw_tp", false, "net/netif_receive_skb",
	  raw_tp_unusable },
	{ "sock_recv", "tp_btf", "sock_recv_tp_btf", false, "skb/skb_copy_datagram_iovec",
	  tp_btf_unusable },
	{ "sock_recv", "raw_tp", "sock_recv_raw_tp", false, "skb/skb_copy_datagram_iovec",
	  raw_tp_unusable },
	{ "fib_lookup", "tp_btf", "fib_lookup_tp_btf", false, "fib/fib_table_lookup",
	  tp_btf_unusable },
	{ "fib_lookup", "raw_tp", "fib_lookup_raw_tp", false, "fib/fib_table_lookup",
	  raw_tp_unusable },
	{ "netfilter", "nf_link", "nf_observe_", true, "links between table priorities",
	  nf_link_unusable },
	{ "netfilter", "fentry", "netfilter_fentry", false, "nf_hook_slow", fentry_unusable },
	{ "netfilter", "kprobe", "netfilter_kprobe", false, "nf_hook_slow", kprobe_unusable },
};

#define WAY_COUNT (sizeof(ways) / sizeof(ways[0]))

static struct attach_choice *choice_for(struct attach_plan *plan, const char *hook)
{
	for (int i = 0; i < plan->count; i++)
		if (!strcmp(plan->hooks[i].hook, hook))
			return &plan->hooks[i];
	if (plan->count >= ATTACH_MAX_HOOKS)
		return NULL;
	plan->hooks[plan->count].hook = hook;
	return &plan->hooks[plan->count++];
}

void attach_plan__build(struct attach_plan *plan, const struct kernel_features *kf)
{
	memset(plan, 0, sizeof(*plan));
	for (size_t i = 0; i < WAY_COUNT; i++) {
		struct attach_choice *c = choice_for(plan, ways[i].hook);
		const char *why;
		size_t used;

		if (!c || c->way)
			continue;
		why = ways[i].unusable(kf, &ways[i]);
		if (!why) {
			c->way = &ways[i];
			continue;
		}
		used = strlen(c->rejected);
		snprintf(c->rejected + used, sizeof(c->rejected) - used, "%s%s: %s",
			 used ? "; " : "", ways[i].method, why);
	}
}

static bool way_has_prog(const struct attach_way *way, const char *prog)
{
	if (way->multi)
		return !strncmp(way->prog, prog, strlen(way->prog));
	return !strcmp(way->prog, prog);
}

static bool chosen(const struct attach_plan *plan, const char *prog)
{
	for (int i = 0; i < plan->count; i++)
		if (plan->hooks[i].way && way_has_prog(plan->hooks[i].way, prog))
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

static void print_json(const struct attach_plan *plan, const struct kernel_features *kf, FILE *f)
{
	struct json_writer w;

	json__init(&w, f);
	json__object_begin(&w, NULL);
	json__object_begin(&w, "features");
	json__bool(&w, "btf", kf->btf != NULL);
	json__bool(&w, "drop_reason", kf->kfree_has_reason);
	json__bool(&w, "consume_location", kf->consume_has_location);
	json__bool(&w, "fentry", kf->fentry);
	json__bool(&w, "kprobes", kf->kprobes);
	json__bool(&w, "netfilter_link", kf->nf_link);
	json__bool(&w, "rdonly_cast", kf->rdonly_cast);
	json__object_end(&w);
	json__array_begin(&w, "hooks");
	for (int i = 0; i < plan->count; i++) {
		const struct attach_choice *c = &plan->hooks[i];

		json__object_begin(&w, NULL);
		json__string(&w, "hook", c->hook);
		json__string(&w, "method", c->way ? c->way->method : NULL);
		json__string(&w, "target", c->way ? c->way->target : NULL);
		json__string(&w, "rejected", c->rejected[0] ? c->rejected : NULL);
		json__string(&w, "attach_error", c->attach_error[0] ? c->attach_error : NULL);
		json__object_end(&w);
	}
	json__array_end(&w);
	json__object_end(&w);
	json__newline(&w);
}

static void print_text(const struct attach_plan *plan, const struct kernel_features *kf, FILE *f)
{
	fprintf(f, "kernel features:\n");
	fprintf(f, "  %-16s %s\n", "btf", kf->btf ? "yes" : kf->btf_error);
	fprintf(f, "  %-16s %s\n", "drop reasons", kf->kfree_has_reason ? "yes" : "no");
	fprintf(f, "  %-16s %s\n", "fentry/fexit", kf->fentry ? "yes" : kf->fentry_error);
	fprintf(f, "  %-16s %s\n", "kprobes", kf->kprobes ? "yes" : "no (no kprobe PMU)");
	fprintf(f, "  %-16s %s\n", "netfilter link", kf->nf_link ? "yes" : kf->nf_link_error);
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
