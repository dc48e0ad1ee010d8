// SPDX-License-Identifier: GPL-2.0
/* The hook table. Every stage reads a hook's meaning here: the timeline (does it end the
 * skb's life?), the views and sinks (name, layer, details, direction) and the loader (the
 * ways to attach, best first). */
#include <stdio.h>
#include <string.h>
#include "cli/addr.h"
#include "host/bpf_attached.h"
#include "pipeline/bpf_blame.h"
#include "pipeline/bpf_ret.h"
#include "pipeline/enrich.h"
#include "pipeline/hooks.h"
#include "pipeline/hopview.h"
#include "pipeline/verdict.h"
#include "util/json_writer.h"

static bool into_veth(const struct hop_event *ev)
{
	return !strcmp(ev->dev_kind, "veth");
}

static void drop_text(struct enrich *en, const struct hop_view *v, char *buf, size_t size)
{
	const struct hop_event *ev = &v->hop->ev;
	char reason[96], loc[128];
	const char *r = enrich__reason(en, ev, reason, sizeof(reason));
	const char *l = enrich__location(en, ev, loc, sizeof(loc));

	snprintf(buf, size, "%s at %s", r ? r : "reason unknown", l ? l : "?");
}

static void drop_json(struct enrich *en, const struct hop_view *v, struct json_writer *w)
{
	const struct hop_event *ev = &v->hop->ev;
	char reason[96], loc[128];

	json__object_begin(w, "drop");
	json__string(w, "reason", enrich__reason(en, ev, reason, sizeof(reason)));
	json__string(w, "location", enrich__location(en, ev, loc, sizeof(loc)));
	if (v->hop->note)
		json__string(w, "note", verdict__note_kind(v->hop->note));
	json__object_end(w);
}

static void nf_text(struct enrich *en, const struct hop_view *v, char *buf, size_t size)
{
	(void)en;
	if (!v->nf_dropped)
		snprintf(buf, size, "%s %s accept", v->nf_family, v->nf_hook);
	else if (v->nf_range)
		snprintf(buf, size, "%s %s DROP by table %s (priority %d)", v->nf_family,
			 v->nf_hook, v->nf_range->table, v->nf_range->priority);
	else
		snprintf(buf, size, "%s %s DROP", v->nf_family, v->nf_hook);
}

static void nf_json(struct enrich *en, const struct hop_view *v, struct json_writer *w)
{
	const struct nf_range *range = v->nf_dropped ? v->nf_range : NULL;

	(void)en;
	json__object_begin(w, "nf");
	json__string(w, "family", v->nf_family);
	json__string(w, "hook", v->nf_hook);
	json__string(w, "table", range ? range->table : NULL);
	if (range)
		json__int(w, "priority", range->priority);
	else
		json__null(w, "priority");
	json__string(w, "verdict", v->nf_dropped ? "drop" : "accept");
	json__object_end(w);
}

static const char *gateway(const struct hop_event *ev, char *buf, size_t size)
{
	if (!ev->info.fib.gw_family)
		return NULL;
	return addr__format(ev->info.fib.gw_family, ev->info.fib.gw, buf, size);
}

static void fib_text(struct enrich *en, const struct hop_view *v, char *buf, size_t size)
{
	const struct hop_event *ev = &v->hop->ev;
	char gw_buf[64];
	const char *gw = gateway(ev, gw_buf, sizeof(gw_buf));

	(void)en;
	if (ev->info.fib.err == -HOP_EAGAIN)
		snprintf(buf, size, "table %u: no matching route", ev->info.fib.table);
	else if (ev->info.fib.err)
		snprintf(buf, size, "table %u: lookup failed (error %d)", ev->info.fib.table,
			 ev->info.fib.err);
	else
		snprintf(buf, size, "table %u -> dev %s%s%s", ev->info.fib.table,
			 ev->ifname[0] ? ev->ifname : "-", gw ? " via " : "", gw ? gw : "");
}

static void fib_json(struct enrich *en, const struct hop_view *v, struct json_writer *w)
{
	const struct hop_event *ev = &v->hop->ev;
	char gw[64];

	(void)en;
	json__object_begin(w, "fib");
	json__uint(w, "table", ev->info.fib.table);
	json__int(w, "err", ev->info.fib.err);
	json__string(w, "gateway", gateway(ev, gw, sizeof(gw)));
	json__object_end(w);
}

/* A BPF program's return, seen by fexit on it: "prog 412 (tc_ingress) returned TC_ACT_SHOT".
 * The program's name (enrich, from its id) goes after the id. */
static void bpf_prog_text(struct enrich *en, const struct hop_view *v, char *buf, size_t size)
{
	const struct hop_event *ev = &v->hop->ev;
	enum hop_bpf_attach attach = ev->info.bpf.attach;
	const char *meaning = bpf_ret__meaning(attach, ev->info.bpf.ret);
	char ret[16];

	const struct attached_prog *p = en->bpf ? bpf_blame__prog(en->bpf, ev->info.bpf.prog_id) :
						  NULL;

	snprintf(buf, size, "prog %u%s%s%s (%s) returned %s%s%s%s", ev->info.bpf.prog_id,
		 p ? " \"" : "", p ? p->name : "", p ? "\"" : "", attached__attach_name(attach),
		 bpf_ret__name(attach, ev->info.bpf.ret, ret, sizeof(ret)), meaning ? " (" : "",
		 meaning ? meaning : "", meaning ? ")" : "");
}

static void bpf_prog_json(struct enrich *en, const struct hop_view *v, struct json_writer *w)
{
	const struct hop_event *ev = &v->hop->ev;
	enum hop_bpf_attach attach = ev->info.bpf.attach;
	char ret[16];

	const struct attached_prog *p = en->bpf ? bpf_blame__prog(en->bpf, ev->info.bpf.prog_id) :
						  NULL;

	json__object_begin(w, "bpf");
	json__uint(w, "prog_id", ev->info.bpf.prog_id);
	/* null when the program is gone since */
	json__string(w, "name", p ? p->name : NULL);
	json__string(w, "tag", p ? p->tag : NULL);
	json__string(w, "attach", attached__attach_name(attach));
	json__int(w, "ret", ev->info.bpf.ret);
	json__string(w, "ret_name", bpf_ret__name(attach, ev->info.bpf.ret, ret, sizeof(ret)));
	json__object_end(w);
}

/* Netfilter's verdict numbers (include/uapi/linux/netfilter.h). */
static const char *nf_verdict_name(int ret)
{
	static const char *names[] = { "NF_DROP", "NF_ACCEPT", "NF_STOLEN", "NF_QUEUE",
				       "NF_REPEAT" };

	return ret >= 0 && ret < (int)(sizeof(names) / sizeof(names[0])) ? names[ret] : "?";
}

/* Conntrack refused the skb's new entry at confirm: "conntrack refused the entry (NF_DROP)". */
static void ct_confirm_text(struct enrich *en, const struct hop_view *v, char *buf, size_t size)
{
	(void)en;
	snprintf(buf, size, "conntrack refused the entry at confirm (%s)",
		 nf_verdict_name(v->hop->ev.info.ct.ret));
}

static void ct_confirm_json(struct enrich *en, const struct hop_view *v, struct json_writer *w)
{
	(void)en;
	json__object_begin(w, "ct_confirm");
	json__int(w, "ret", v->hop->ev.info.ct.ret);
	json__string(w, "verdict", nf_verdict_name(v->hop->ev.info.ct.ret));
	json__object_end(w);
}

/* The tracepoint rungs every skb hook has: BTF-typed, then raw. */
#define TP_BTF(hook, tp)                     \
	{                                    \
		"tp_btf", hook "_tp_btf", tp \
	}
#define RAW_TP(hook, tp)                     \
	{                                    \
		"raw_tp", hook "_raw_tp", tp \
	}

static const struct hook_row rows[HOOK__COUNT] = {
	[HOOK_KFREE_SKB] = {
		.name = "kfree_skb", .hop_name = "kfree_skb", .layer = "kernel",
		.ends_life = FATE_DROPPED,
		.text_details = drop_text, .json_details = drop_json,
		.ways = { TP_BTF("kfree_skb", "skb/kfree_skb"), RAW_TP("kfree_skb", "skb/kfree_skb"),
			  { "tracepoint", "kfree_skb_tracepoint", "skb/kfree_skb" } },
	},
	[HOOK_CONSUME_SKB] = {
		.name = "consume_skb", .hop_name = "consume_skb", .layer = "kernel",
		.ends_life = FATE_DELIVERED,
		.ways = { TP_BTF("consume_skb", "skb/consume_skb"), RAW_TP("consume_skb", "skb/consume_skb") },
	},
	[HOOK_DEV_XMIT] = {
		.name = "dev_xmit", .hop_name = "dev_xmit", .hop_alias = "veth_xmit",
		.alias_applies = into_veth,
		.layer = "node", .direction = HOOK_DIR_OUT,
		.ways = { TP_BTF("dev_xmit", "net/net_dev_start_xmit"), RAW_TP("dev_xmit", "net/net_dev_start_xmit") },
	},
	[HOOK_NETIF_RECEIVE] = {
		.name = "netif_receive", .hop_name = "netif_receive", .layer = "node",
		.direction = HOOK_DIR_IN,
		.ways = { TP_BTF("netif_receive", "net/netif_receive_skb"), RAW_TP("netif_receive", "net/netif_receive_skb") },
	},
	[HOOK_SOCK_RECV] = {
		.name = "sock_recv", .hop_name = "sock_recv", .layer = "kernel", .delivers = true,
		.ways = { TP_BTF("sock_recv", "skb/skb_copy_datagram_iovec"), RAW_TP("sock_recv", "skb/skb_copy_datagram_iovec") },
	},
	[HOOK_SOCK_QUEUE] = {
		.name = "sock_queue", .hop_name = "sock_queue", .layer = "kernel", .delivers = true,
		.ways = { { "cgroup_skb", "sock_queue_cgroup", "root cgroup, inet ingress" } },
	},
	[HOOK_FIB] = {
		.name = "fib_lookup", .hop_name = "fib_lookup", .layer = "node", .layer_fixed = true,
		.text_details = fib_text, .json_details = fib_json,
		.ways = { TP_BTF("fib_lookup", "fib/fib_table_lookup"), RAW_TP("fib_lookup", "fib/fib_table_lookup") },
	},
	[HOOK_BPF_PROG] = {
		.name = "bpf_prog", .hop_name = "bpf_prog", .layer = "node", .annotates = true,
		.text_details = bpf_prog_text, .json_details = bpf_prog_json,
		/* The rung's programs are the fexit object's, one per program watched
		 * (load/prog_fexit.c): the main object has none. */
		.ways = { { "fexit", "prog_exit", "tc and cgroup BPF programs on traced devices" } },
	},
	[HOOK_CT_CONFIRM] = {
		.name = "ct_confirm", .hop_name = "ct_confirm", .layer = "kernel", .optional = true,
		.text_details = ct_confirm_text, .json_details = ct_confirm_json,
		.ways = { { "fexit", "ct_confirm_fexit", "__nf_conntrack_confirm", "nf_conntrack" } },
	},
	[HOOK_NF] = {
		.name = "netfilter", .hop_name = "nf_hook", .layer = "node", .layer_fixed = true,
		.text_details = nf_text, .json_details = nf_json,
		.ways = { { "nf_link", HOP_NF_PROG_PREFIX, "links between table priorities" },
			  { "fentry", "netfilter_fentry", "nf_hook_slow" },
			  { "kprobe", "netfilter_kprobe", "nf_hook_slow" } },
	},
};

const struct hook_row *hook__row(unsigned int hook)
{
	return hook < HOOK__COUNT && rows[hook].name ? &rows[hook] : NULL;
}

const char *hook__hop_name(const struct hop_event *ev)
{
	const struct hook_row *row = hook__row(ev->hook);

	if (!row)
		return "unknown";
	return row->alias_applies && row->alias_applies(ev) ? row->hop_alias : row->hop_name;
}
