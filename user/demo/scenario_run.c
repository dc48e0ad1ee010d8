// SPDX-License-Identifier: GPL-2.0
/* One scenario from cluster to verdict. Each trace runs in a child process: its signal
 * handling and state end with it, and a Ctrl-C stops the trace, then the parent tears the
 * cluster down. The trace's observer keeps only packets that stayed in this run's
 * namespaces, so a concurrent run with the same addresses never mixes in. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cli/addr.h"
#include "cli/command.h"
#include "demo/scenario_run.h"
#include "pipeline/bpf_phrase.h"
#include "pipeline/hopview.h"
#include "sinks/sink.h"
#include "demo/cni_dropper.h"
#include "check/check.h"
#include "demo/ct_max.h"
#include "session.h"
#include "util/appendf.h"
#include "util/proc_file.h"
#include "pipeline/verdict.h"

#define TRACE_DURATION_S 30 /* a safety net: the trace ends when the probe does */
#define TRACE_WAIT_S 60
#define CT_HOST_LIMIT 50000 /* above this many host flows, filling our table is too slow */
#define CT_FILL_MARGIN 64

static volatile sig_atomic_t interrupted;
static volatile pid_t trace_child;

static void on_signal(int sig)
{
	interrupted = sig;
	if (trace_child > 0)
		kill(trace_child, SIGTERM);
}

void demo_run__signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* What the observer needs, in the trace's child process. */
struct observe_ctx {
	const char *prefix;
	__u8 client[4];
	__u8 proto;
	bool show;
	struct sink *text;
	struct demo_found *found; /* shared with the parent */
};

/* A packet of this run stays in this run's namespaces. One that also shows hops in
 * another namespace is another run's traffic, or an skb address reused after a free
 * the tracer did not see: either way not this scenario's evidence. */
static bool in_our_namespaces(const struct observe_ctx *ctx, struct enrich *en,
			      const struct packet *pkt)
{
	size_t len = strlen(ctx->prefix);
	bool ours = false;

	for (int i = 0; i < pkt->hop_count; i++) {
		__u32 inode = pkt->hops[i].ev.netns;
		const char *name = enrich__netns(en, inode);

		if (name && !strncmp(name, ctx->prefix, len))
			ours = true;
		else if (inode)
			return false;
	}
	return ours;
}

/* The client's own packets: its flow, its direction, the probe's protocol. */
static bool from_client(const struct observe_ctx *ctx, const struct packet *pkt)
{
	const struct hop_tuple *t = &pkt->flow_tuple;

	return pkt->flow_id && !pkt->reply && t->family == HOP_AF_INET &&
	       !memcmp(t->saddr, ctx->client, 4) && t->proto == ctx->proto;
}

static int score_of(const char *fate)
{
	if (!strcmp(fate, "unknown"))
		return 1;
	if (!strcmp(fate, "delivered"))
		return 2;
	return 3; /* dropped, no_route, ...: the packet the scenario is about */
}

static void copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

/* Keeps the most telling of the client's packets: the first that died, else the one
 * that went furthest. */
static void consider(struct observe_ctx *ctx, const struct judged_packet *jp)
{
	struct demo_found *f = ctx->found;
	const struct packet *pkt = jp->pkt;
	const struct verdict *v = &jp->verdict;
	const char *fate = fate__name(pkt->fate);
	int score = score_of(fate);

	if (f->seen &&
	    (score < f->score || (score == f->score && (score == 3 || pkt->hop_count <= f->hops))))
		return;
	memset(f, 0, sizeof(*f));
	f->seen = true;
	f->score = score;
	f->hops = pkt->hop_count;
	copy(f->fate, sizeof(f->fate), fate__name(v->fate));
	copy(f->reason, sizeof(f->reason), v->reason);
	copy(f->netns, sizeof(f->netns), v->netns_name);
	copy(f->ifname, sizeof(f->ifname), v->ifname);
	copy(f->layer, sizeof(f->layer), v->layer);
	copy(f->location, sizeof(f->location), v->location);
	f->nf = v->nf;
	copy(f->nf_family, sizeof(f->nf_family), v->nf_family);
	copy(f->nf_hook, sizeof(f->nf_hook), v->nf_hook);
	copy(f->nf_table, sizeof(f->nf_table), v->nf_table);
	if (v->nf_rule) {
		copy(f->nf_chain, sizeof(f->nf_chain), v->nf_rule->chain);
		verdict__rule_phrase(v->nf_rule, f->nf_rule, sizeof(f->nf_rule));
	}
	f->ct_table_full = v->ct_table_full;
	f->ct_insert_fail = v->ct_insert_fail;
	copy(f->ct_insert_by, sizeof(f->ct_insert_by), v->ct_insert_by);
	if (v->has_bpf) {
		const struct attached_prog *p = v->bpf.culprit	  ? v->bpf.culprit :
						v->bpf.prog_count ? v->bpf.progs :
								    NULL;

		copy(f->bpf_prog, sizeof(f->bpf_prog), p ? p->name : NULL);
		copy(f->bpf_how, sizeof(f->bpf_how), v->bpf.how);
		bpf_phrase__verdict(&v->bpf, v->ifname, f->bpf_phrase, sizeof(f->bpf_phrase));
	}
}

static void on_packet(void *arg, struct enrich *en, const struct judged_packet *jp)
{
	struct observe_ctx *ctx = arg;
	const struct packet *pkt = jp->pkt;

	if (!in_our_namespaces(ctx, en, pkt))
		return;
	if (ctx->show) {
		if (!ctx->text)
			ctx->text = output_text__new(stdout, en);
		if (ctx->text)
			ctx->text->packet(ctx->text, jp);
	}
	if (from_client(ctx, pkt))
		consider(ctx, jp);
}

static const char *role_ip(const char *role)
{
	if (!strcmp(role, "pod-a"))
		return DEMO_POD_A_IP;
	if (!strcmp(role, "pod-b"))
		return DEMO_POD_B_IP;
	return DEMO_POD_C_IP;
}

/* `hoptrace demo --bundle PATH`: where the trace writes its bundle; NULL: none. */
static const char *bundle_path;

void demo_run__set_bundle(const char *path)
{
	bundle_path = path;
}

/* In the child: the trace of the probe, with the nodes' netfilter watched too. */
static int run_trace(const struct demo_cluster *c, const struct demo_scenario *sc,
		     const struct demo_probe *probe, int report_fd, bool show,
		     struct demo_found *found)
{
	char node1[64], node2[64], buf[1024], *argv[DEMO_PROBE_ARGC];
	struct observe_ctx ctx = { .prefix = c->prefix, .show = show, .found = found };
	struct trace_observer obs = { .packet = on_packet, .ctx = &ctx, .no_output = true };
	struct trace_config o;
	int rc;

	trace_config__defaults(&o);
	if (addr__parse_cidr(role_ip(sc->probe.netns), &o.pods[0]) ||
	    addr__parse_proto(sc->probe.proto, &ctx.proto))
		return 1;
	memcpy(ctx.client, o.pods[0].addr, 4);
	o.pod_count = 1;
	o.netns[o.netns_count++] = demo_cluster__netns(c, "node1", node1, sizeof(node1));
	o.netns[o.netns_count++] = demo_cluster__netns(c, "node2", node2, sizeof(node2));
	demo_probe__argv(probe, report_fd, buf, sizeof(buf), argv);
	o.command = argv;
	o.duration_s = TRACE_DURATION_S;
	o.quiet = true;
	o.rules = sc->rules;
	/* --bundle: the evidence of this run, its path check towards the probe's target. */
	o.bundle_path = bundle_path;
	o.check_peer = bundle_path ? sc->probe.addr : NULL;
	rc = trace__run_observed(&o, &obs);
	if (ctx.text)
		ctx.text->free(ctx.text);
	return rc;
}

/* Fills node1's conntrack table past what the host tracks, so that the lowered maximum
 * stops our nodes and leaves the host's own flows alone. */
static int fill_conntrack(struct demo_cluster *c, struct demo_probe *probe)
{
	struct demo_probe fill = *probe;
	char outcome[160];
	long host = proc_file__read_number(CT_COUNT_PATH), ours;

	if (host < 0 || host > CT_HOST_LIMIT) {
		fprintf(stderr, "hoptrace demo: %s\n",
			host < 0 ? "conntrack is not available on this kernel" :
				   "the host tracks too many flows to lower the conntrack maximum "
				   "safely");
		return -1;
	}
	if (demo_cluster__ct_lock(c)) {
		fprintf(stderr,
			"hoptrace demo: another run is lowering the conntrack maximum: %s\n",
			strerror(errno));
		return -1;
	}
	fill.count = (int)host + CT_FILL_MARGIN;
	fill.timeout_s = 0.2;
	if (demo_probe__run_in(&fill, outcome, sizeof(outcome)) == PROBE_FAILED) {
		fprintf(stderr, "hoptrace demo: filling the conntrack table: %s\n", outcome);
		return -1;
	}
	ours = demo_cluster__ct_count(c, "node1");
	if (ours <= host) {
		fprintf(stderr,
			"hoptrace demo: the conntrack table of node1 did not fill "
			"(%ld entries)\n",
			ours);
		return -1;
	}
	if (demo_cluster__ct_prepare(c, ours)) {
		fprintf(stderr,
			"hoptrace demo: cannot prepare to lower the conntrack maximum: "
			"%s\n",
			strerror(errno));
		return -1;
	}
	probe->ct_max = ours;
	probe->ct_restore = c->ct_max_saved;
	return 0;
}

/* Waits for the trace child, at most TRACE_WAIT_S. Returns its exit status, or -1. */
static int wait_trace(pid_t pid)
{
	int ws = command__wait_bounded(pid, TRACE_WAIT_S);

	if (ws < 0)
		return -1;
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

/* The probe's report: "<result> <what the client saw>". False when it never ran. */
static bool read_report(int fd, struct demo_result *res)
{
	char buf[200];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	int result, off = 0;

	if (n <= 0)
		return false;
	buf[n] = 0;
	if (sscanf(buf, "%d %n", &result, &off) != 1)
		return false;
	res->probe = (enum probe_result)result;
	copy(res->probe_text, sizeof(res->probe_text), buf + off);
	return true;
}

/* Runs the trace in a child; found is shared memory, report the probe's pipe. Returns
 * the trace's exit status, or -1. */
static int fork_trace(const struct demo_cluster *c, const struct demo_scenario *sc,
		      const struct demo_probe *probe, int report[2], bool show,
		      struct demo_found *found)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(report[0]);
		status = run_trace(c, sc, probe, report[1], show, found);
		fflush(NULL);
		_exit(status & 0xff);
	}
	close(report[1]);
	report[1] = -1;
	trace_child = pid;
	status = wait_trace(pid);
	trace_child = 0;
	return status;
}

/* The scenario's policy program on its node's device, dropping the client's packets to the
 * probe's address. */
static int attach_cni_bpf(struct demo_cluster *c, const struct demo_scenario *sc,
			  struct cni_dropper *d)
{
	struct hop_cidr from, to;
	char node[64], path[160];

	if (addr__parse_cidr(role_ip(sc->probe.netns), &from) ||
	    addr__parse_cidr(sc->probe.addr, &to))
		return -1;
	snprintf(path, sizeof(path), "/run/netns/%s",
		 demo_cluster__netns(c, sc->cni_bpf.node, node, sizeof(node)));
	return cni_dropper__attach(d, path, sc->cni_bpf.dev, from.addr[0], to.addr[0]);
}

static int trace_probe(struct demo_cluster *c, const struct demo_scenario *sc, bool show,
		       struct demo_result *res)
{
	struct cni_dropper dropper = { 0 };
	struct demo_probe probe = sc->probe;
	struct demo_found *shared;
	int report[2] = { -1, -1 }, rc = -1;
	char ns[64];

	probe.netns = demo_cluster__netns(c, sc->probe.netns, ns, sizeof(ns));
	if (sc->fill_conntrack && fill_conntrack(c, &probe))
		return -1;
	if (sc->cni_bpf.node && attach_cni_bpf(c, sc, &dropper))
		return -1;
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
		      0);
	if (shared == MAP_FAILED) {
		fprintf(stderr, "hoptrace demo: %s\n", strerror(errno));
		cni_dropper__detach(&dropper);
		return -1;
	}
	/* Only the read end is close-on-exec: the probe writes its report to the other. */
	if (pipe(report) || fcntl(report[0], F_SETFD, FD_CLOEXEC)) {
		fprintf(stderr, "hoptrace demo: %s\n", strerror(errno));
		goto out;
	}
	memset(shared, 0, sizeof(*shared));
	res->trace_status = fork_trace(c, sc, &probe, report, show, shared);
	res->found = *shared;
	if (read_report(report[0], res) || interrupted)
		rc = 0;
	else
		fprintf(stderr, "hoptrace demo: the trace did not run (exit status %d)\n",
			res->trace_status);
out:
	for (int i = 0; i < 2; i++)
		if (report[i] >= 0)
			close(report[i]);
	munmap(shared, sizeof(*shared));
	cni_dropper__detach(&dropper);
	return rc;
}

/* `hoptrace check` of the client's path while the cluster is still broken, and the line
 * that explains the verdict's drop. */
static void run_check(const struct demo_scenario *sc, struct demo_result *res)
{
	struct check_report *r = calloc(1, sizeof(*r));
	const struct check_line *l = NULL;

	if (!r || check__run(r, role_ip(sc->probe.netns), sc->probe.addr)) {
		free(r);
		return;
	}
	res->check.ran = true;
	/* The table is full only while the client sends: the trace saw it, the check after
	 * it cannot. */
	if (res->found.ct_table_full)
		check__saw_conntrack_refuse(r, 0, res->found.netns,
					    "the trace saw conntrack refuse new flows while its "
					    "table was full");
	else if (res->found.ct_insert_fail)
		check__saw_conntrack_refuse(r, 0, res->found.netns,
					    "the trace saw conntrack refuse a new entry at confirm "
					    "(insert_failed): its tuple clashed with an entry's");
	res->check.fails = check__count(r, CHECK_FAIL);
	if (!strcmp(res->found.fate, "dropped"))
		l = check__explains(r, res->found.reason[0] ? res->found.reason : NULL,
				    res->found.location[0] ? res->found.location : NULL,
				    res->found.ct_table_full || res->found.ct_insert_fail);
	if (l)
		snprintf(res->check.explains, sizeof(res->check.explains), "%s", l->item);
	for (int i = 0; !l && i < r->count; i++)
		if (r->lines[i].status == CHECK_FAIL)
			l = &r->lines[i];
	if (l)
		snprintf(res->check.line, sizeof(res->check.line), "fail %s (%s): %s", l->item,
			 l->where, l->fact);
	free(r);
}

int demo_run__scenario(struct demo_cluster *c, const struct demo_scenario *sc, bool show,
		       struct demo_result *res)
{
	int rc = -1;

	memset(res, 0, sizeof(*res));
	if (interrupted)
		return 128 + interrupted;
	if (demo_cluster__up(c))
		goto out;
	if (sc->script && !interrupted &&
	    demo_cluster__script(c, "breaking the cluster", sc->script))
		goto out;
	if (!interrupted && !trace_probe(c, sc, show, res))
		rc = 0;
	if (!rc && !interrupted)
		run_check(sc, res);
out:
	demo_cluster__down(c);
	return interrupted ? 128 + interrupted : rc;
}

static void add_why(char *why, size_t size, const char *field, const char *want, const char *got)
{
	size_t used = strlen(why);

	snprintf(why + used, size - used, "%s%s: expected %s, found %s", used ? "; " : "", field,
		 want, got && *got ? got : "none");
}

static bool differs(const char *want, const char *got)
{
	return want && strcmp(want, got);
}

/* want is one name or several joined by '|' ("PREROUTING|OUTPUT"): got must be one. */
static bool none_of(const char *want, const char *got)
{
	size_t n = strlen(got);

	for (const char *w = want; w; w = strchr(w, '|') ? strchr(w, '|') + 1 : NULL)
		if (!strncmp(w, got, n) && (w[n] == '|' || !w[n]))
			return false;
	return true;
}

bool demo_run__check(const struct demo_cluster *c, const struct demo_scenario *sc,
		     const struct demo_found *f, char *why, size_t size)
{
	const struct demo_expect *e = &sc->expect;
	char ns[64], want[96], got[96];

	why[0] = 0;
	if (!f->seen) {
		snprintf(why, size, "no packet of the client's flow was traced");
		return false;
	}
	if (differs(e->fate, f->fate))
		add_why(why, size, "fate", e->fate, f->fate);
	if (differs(e->reason, f->reason))
		add_why(why, size, "reason", e->reason, f->reason);
	if (e->netns && differs(demo_cluster__netns(c, e->netns, ns, sizeof(ns)), f->netns))
		add_why(why, size, "namespace", ns, f->netns);
	if (differs(e->layer, f->layer))
		add_why(why, size, "layer", e->layer, f->layer);
	if (e->nf_hook && (!f->nf || differs(e->nf_family, f->nf_family) ||
			   none_of(e->nf_hook, f->nf_hook) || differs(e->nf_table, f->nf_table))) {
		snprintf(want, sizeof(want), "%s %s %s", e->nf_family, e->nf_hook, e->nf_table);
		snprintf(got, sizeof(got), "%s %s %s", f->nf_family, f->nf_hook, f->nf_table);
		add_why(why, size, "netfilter", want, f->nf ? got : NULL);
	}
	if (e->nf_chain && differs(e->nf_chain, f->nf_chain))
		add_why(why, size, "rule's chain", e->nf_chain,
			f->nf_chain[0] ? f->nf_chain : NULL);
	if (e->ct_table_full && !f->ct_table_full)
		add_why(why, size, "conntrack table full", "yes", "no");
	if (e->ct_insert_fail && !f->ct_insert_fail)
		add_why(why, size, "conntrack insert failure", "yes", "no");
	if (e->bpf_prog && differs(e->bpf_prog, f->bpf_prog))
		add_why(why, size, "BPF program", e->bpf_prog, f->bpf_prog[0] ? f->bpf_prog : NULL);
	return !why[0];
}

bool demo_run__check_check(const struct demo_scenario *sc, const struct demo_result *res, char *why,
			   size_t size)
{
	const char *want = sc->expect.check_item;
	const struct demo_check *k = &res->check;
	size_t used = strlen(why);

	if (!want)
		return true;
	if (!k->ran)
		snprintf(why + used, size - used, "%shoptrace check did not run", used ? "; " : "");
	else if (!strcmp(want, "none") && k->fails)
		snprintf(why + used, size - used, "%scheck: expected no failed item, found %s",
			 used ? "; " : "", k->line);
	else if (strcmp(want, "none") && strcmp(want, k->explains))
		snprintf(why + used, size - used,
			 "%scheck: expected %s to fail and explain the drop, found %s",
			 used ? "; " : "", want, k->line[0] ? k->line : "no failed item");
	else
		return true;
	return false;
}

const char *demo_run__format_expect(const struct demo_expect *e, char *buf, size_t size)
{
	snprintf(buf, size, "%s", e->fate);
	if (e->reason)
		appendf(buf, size, " %s", e->reason);
	if (e->netns)
		appendf(buf, size, " in %s", e->netns);
	if (e->layer)
		appendf(buf, size, ", layer %s", e->layer);
	if (e->nf_hook)
		appendf(buf, size, ", netfilter %s %s %s", e->nf_family, e->nf_hook, e->nf_table);
	if (e->nf_chain)
		appendf(buf, size, ", chain %s", e->nf_chain);
	if (e->ct_table_full)
		appendf(buf, size, ", conntrack full");
	if (e->ct_insert_fail)
		appendf(buf, size, ", conntrack insert failure");
	if (e->bpf_prog)
		appendf(buf, size, ", BPF program %s", e->bpf_prog);
	return buf;
}

const char *demo_run__format_found(const struct demo_cluster *c, const struct demo_found *f,
				   char *buf, size_t size)
{
	size_t plen = strlen(c->prefix);
	const char *ns = strncmp(f->netns, c->prefix, plen) ? f->netns : f->netns + plen;

	if (!f->seen) {
		snprintf(buf, size, "nothing traced");
		return buf;
	}
	snprintf(buf, size, "%s", f->fate);
	if (f->reason[0])
		appendf(buf, size, " %s", f->reason);
	appendf(buf, size, " in %s, layer %s", *ns ? ns : "?", f->layer[0] ? f->layer : "?");
	if (f->nf)
		appendf(buf, size, ", netfilter %s %s %s", f->nf_family, f->nf_hook, f->nf_table);
	if (f->nf_chain[0])
		appendf(buf, size, ", chain %s", f->nf_chain);
	if (f->ct_table_full)
		appendf(buf, size, ", conntrack full");
	if (f->ct_insert_fail)
		appendf(buf, size, ", conntrack insert failure (by %s)", f->ct_insert_by);
	if (f->bpf_prog[0])
		appendf(buf, size, ", BPF program %s (%s)", f->bpf_prog, f->bpf_how);
	return buf;
}
