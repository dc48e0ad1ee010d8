// SPDX-License-Identifier: GPL-2.0
/* One trace from start to summary. Everything that can fail because of the user (bad
 * output file, missing command, no privileges, no BTF) is checked before anything is
 * attached; everything attached is detached on every way out. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <bpf/btf.h>
#include "util/clock.h"
#include "util/hash.h"
#include "cli/addr.h"
#include "cli/command.h"
#include "host/watched_netns.h"
#include "host/conntrack_stats.h"
#include "pipeline/chain_names.h"
#include "host/netns_names.h"
#include "check/check.h"
#include "host/node_identity.h"
#include "host/own_progs.h"
#include "pipeline/bpf_blame.h"
#include "pipeline/rule_trail.h"
#include "host/rule_tracers.h"
#include "pipeline/decode.h"
#include "load/nf_links.h"
#include "sinks/pcapng_sink.h"
#include "cli/pcap_filter.h"
#include "host/pod_netns.h"
#include "host/pods.h"
#include "cli/pod_refs.h"
#include "host/privilege.h"
#include "sinks/sink.h"
#include "cli/status.h"
#include "pipeline/processed.h"
#include "pipeline/timeline.h"
#include "util/phases.h"
#include "session.h"
#include "bundle/bundle.h"
#include "load/tracer.h"

#define POLL_MS 100
/* How long a BPF program may take from reading the clock to submitting its record. */
#define RING_COMMIT_MARGIN_NS 10000000LL
/* After Ctrl-C, how long the command may take to end before it is killed. */
#define COMMAND_GRACE_S 5

#define SCOPE_OUTSIDE_SLOTS 4096

struct session {
	struct trace_config *opts;
	/* --only-netns: the namespaces whose hops are reported; none: all. */
	__u32 scope[HOPTRACE_MAX_NETNS];
	char scope_paths[HOPTRACE_MAX_NETNS][96]; /* where each is entered, for coverage */
	unsigned long long out_of_scope;	  /* hops left out: said in the summary */
	int scope_count;
	/* skbs whose latest hop was outside the scope (a slot per hash; a collision forgets
	 * one): a following hop whose namespace the kernel did not give is theirs too. */
	__u64 outside[SCOPE_OUTSIDE_SLOTS];
	struct node_identity node;  /* who takes the trace, and its clocks */
	struct check_report *check; /* --check's report, or NULL */
	struct pod_list kube;	    /* the node's pods when --pod did not read them */
	const struct trace_observer *obs;
	struct kernel_features kf;
	struct attach_plan plan;
	struct enrich en;
	struct timeline *tl;
	struct tracer tracer;
	/* The main output, the pcapng, and --bundle's three trace files. */
	struct sink *sinks[5];
	int sink_count;
	struct bundle *bundle; /* --bundle, or NULL */
	int bundle_sinks;      /* the first of the sinks writing into the bundle */
	FILE *pcapng_file;
	FILE *out; /* where the text or JSON goes */
	struct pcap_filter *filter;
	struct status status;
	struct coverage cov;
	struct rule_tracers *rule_tracers; /* --rules */
	__u64 rules_read_ns;		   /* when the last read of rule decisions began */
	int rules_read_error;		   /* the first failed read, said once */
	__u64 bad_events;
	__u64 judged;	 /* packets judged: once each, whatever the number of sinks */
	int write_error; /* errno of the first failed output write */
	double started;
	__u64 lost_seen; /* losses already reported */
};

static volatile sig_atomic_t stop_signal;	/* the first stop signal */
static volatile sig_atomic_t stop_count;	/* stop signals received */
static volatile sig_atomic_t command_running;	/* the command's fork is done */
static volatile sig_atomic_t command_signalled; /* the terminal sent the first one to it too */

static void on_signal(int sig, siginfo_t *info, void *uctx)
{
	(void)uctx;
	if (!stop_signal) {
		stop_signal = sig;
		/* The terminal signals its whole foreground process group, the command too;
		 * kill(2) names one process. */
		command_signalled = command_running && info && info->si_code == SI_KERNEL;
	}
	stop_count++;
}

static void on_child(int sig)
{
	(void)sig;
}

/* Every rule decision about a packet was queued on its socket before the packet's last hop
 * happened: a read begun after that hop has them all, so a batch of packets costs one. */
static void drain_rule_decisions(struct session *s)
{
	int err;

	s->rules_read_ns = clock__mono_ns();
	err = rule_tracers__drain(s->rule_tracers, rule_trail__add, s->en.rules);
	if (err < 0 && !s->rules_read_error) {
		s->rules_read_error = err;
		status__clear(&s->status);
		fprintf(stderr,
			"hoptrace: --rules: reading rule decisions: %s; rules may be "
			"missing from the packets after this\n",
			strerror(-err));
	}
}

static void read_rule_decisions(struct session *s, const struct packet *pkt)
{
	if (!s->rule_tracers || !pkt->hop_count ||
	    s->rules_read_ns > pkt->hops[pkt->hop_count - 1].ev.ts_ns)
		return;
	drain_rule_decisions(s);
}

/* A packet's life ended: judge it once, then every consumer reads that judgement. */
static void on_packet_done(void *ctx, const struct packet *pkt)
{
	struct session *s = ctx;
	struct judged_packet jp;

	status__clear(&s->status);
	read_rule_decisions(s, pkt);
	if (judged_packet__build(&s->en, pkt, &jp)) {
		s->write_error = ENOMEM;
		return;
	}
	s->judged++;
	if (s->obs && s->obs->packet)
		s->obs->packet(s->obs->ctx, &s->en, &jp);
	for (int i = 0; i < s->sink_count && !s->write_error; i++) {
		int err = s->sinks[i]->packet(s->sinks[i], &jp);

		if (err)
			s->write_error = -err;
	}
	/* --bundle: the drops seen, by place, against which counter rises are judged. */
	if (s->bundle && (jp.verdict.fate == FATE_DROPPED || jp.verdict.fate == FATE_NO_ROUTE))
		bundle__count_drop(s->bundle, jp.verdict.netns, jp.verdict.ifname);
	judged_packet__release(&jp);
}

static bool accept_packet(void *ctx, const struct hop_event *ev, const __u8 *data)
{
	struct session *s = ctx;

	return pcap_filter__match(s->filter, ev->flags & HOP_F_L2, data, ev->cap_len,
				  ev->wire_len > ev->cap_len ? ev->wire_len : ev->cap_len);
}

/* The kernel passes on failed lookups of sends with no source address yet; they are ours
 * only when made in a namespace that holds a traced pod address. */
static bool wanted_route_failure(struct session *s, const struct hop_event *ev)
{
	static const __u8 unbound[16];

	if (ev->hook != HOOK_FIB || ev->skb || memcmp(ev->tuple.saddr, unbound, 4) ||
	    ev->tuple.family != HOP_AF_INET)
		return true;
	return podns__holds_traced(s->en.pods, ev->netns);
}

/* --only-netns: whether a hop is in the namespaces reported. Records that are not hops
 * (a handoff links two skbs) pass. A hop without a namespace (a socket taking the packet:
 * the timeline gives it the namespace of the skb's hop before) goes where that hop went. */
static bool in_scope(struct session *s, const struct hop_event *ev)
{
	__u64 *slot = &s->outside[hash64(ev->skb) % SCOPE_OUTSIDE_SLOTS];

	if (!s->scope_count || ev->hook == HOOK_HANDOFF)
		return true;
	if (!ev->netns)
		return *slot != ev->skb;
	for (int i = 0; i < s->scope_count; i++) {
		if (s->scope[i] == ev->netns) {
			if (*slot == ev->skb)
				*slot = 0;
			return true;
		}
	}
	*slot = ev->skb;
	return false;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct session *s = ctx;
	struct hop_event ev;
	const __u8 *bytes;

	if (decode__event(data, size, &ev, &bytes)) {
		s->bad_events++;
		return 0;
	}
	if (!wanted_route_failure(s, &ev))
		return 0;
	if (!in_scope(s, &ev)) {
		s->out_of_scope++;
		return 0;
	}
	tracer__hop_seen(&s->tracer, &ev);
	if (timeline__add(s->tl, &ev, bytes))
		return -ENOMEM;
	return s->write_error ? -s->write_error : 0;
}

/* Under sudo, a file hoptrace creates belongs to the user who ran sudo, not to root. */
static void give_to_invoking_user(int fd)
{
	const char *uid = getenv("SUDO_UID"), *gid = getenv("SUDO_GID");

	if (uid && gid && fchown(fd, (uid_t)strtoul(uid, NULL, 10), (gid_t)strtoul(gid, NULL, 10)))
		fprintf(stderr, "hoptrace: warning: cannot give the output to uid %s: %s\n", uid,
			strerror(errno));
}

/* Output files are checked before attaching: an existing file is never overwritten. */
static int open_pcapng(struct session *s)
{
	const char *path = s->opts->pcapng_path;
	int fd;

	if (!path)
		return 0;
	if (!strcmp(path, "-")) {
		s->pcapng_file = stdout;
	} else {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0) {
			fprintf(stderr, "hoptrace: cannot create '%s': %s%s\n", path,
				strerror(errno),
				errno == EEXIST ? " (remove it or choose another name)" : "");
			return -1;
		}
		give_to_invoking_user(fd);
		s->pcapng_file = fdopen(fd, "w");
		if (!s->pcapng_file) {
			close(fd);
			return -1;
		}
	}
	return 0;
}

static int add_sink(struct session *s, struct sink *sink)
{
	if (!sink)
		return -ENOMEM;
	s->sinks[s->sink_count++] = sink;
	return 0;
}

/* --bundle: the trace in each of its forms, into the bundle's directory. A file that cannot
 * be made is a manifest error; the trace goes on. */
static int make_bundle_sinks(struct session *s)
{
	FILE *jsonl = bundle__trace_file(s->bundle, "trace.jsonl");
	FILE *pcapng = bundle__trace_file(s->bundle, "trace.pcapng");
	FILE *text = bundle__trace_file(s->bundle, "trace.txt");

	s->bundle_sinks = s->sink_count;
	if (jsonl && add_sink(s, output_json__new(jsonl, &s->en)))
		return -ENOMEM;
	if (pcapng && add_sink(s, output_pcapng__new(pcapng, &s->en, s->opts->snaplen)))
		return -ENOMEM;
	if (text && add_sink(s, output_text__new(text, &s->en)))
		return -ENOMEM;
	return 0;
}

/* Output to a file or a pipe goes out in large writes (a write per 4 KiB, stdio's default,
 * was a tenth of the reader's time in a flood); the poll loop flushes every round, so a
 * reader still sees each packet within POLL_MS. A terminal keeps its line buffering. */
#define OUTPUT_BUFFER (1 << 20)

static void buffer_output(FILE *f)
{
	if (f != stderr && !isatty(fileno(f)))
		setvbuf(f, NULL, _IOFBF, OUTPUT_BUFFER);
}

static int make_sinks(struct session *s)
{
	/* With the pcapng on stdout, the timeline goes to stderr. */
	FILE *text = s->pcapng_file == stdout ? stderr : stdout;
	struct sink *main_sink;

	s->out = text;
	buffer_output(text);
	if (s->pcapng_file)
		buffer_output(s->pcapng_file);
	if (!s->obs || !s->obs->no_output) {
		main_sink = s->opts->json ? output_json__new(text, &s->en) :
					    output_text__new(text, &s->en);
		if (!main_sink)
			return -ENOMEM;
		s->sinks[s->sink_count++] = main_sink;
	}
	if (s->pcapng_file) {
		s->sinks[s->sink_count] =
			output_pcapng__new(s->pcapng_file, &s->en, s->opts->snaplen);
		if (!s->sinks[s->sink_count]) {
			fprintf(stderr, "hoptrace: writing pcapng: %s\n", strerror(errno));
			return -errno;
		}
		s->sink_count++;
	}
	return s->bundle ? make_bundle_sinks(s) : 0;
}

/* --bundle: each watched namespace's state, under the name the timeline gives it. */
static void snapshot_netns(struct session *s, const char *when)
{
	const char *labels[COVERAGE_MAX];
	char buf[COVERAGE_MAX][BUNDLE_LABEL_MAX];
	double ms;

	for (int i = 0; i < s->cov.count; i++)
		labels[i] = enrich__netns_label(&s->en, s->cov.inodes[i], buf[i], sizeof(buf[i]));
	ms = bundle__snapshot(s->bundle, when, s->cov.paths, s->cov.inodes, labels, s->cov.count);
	if (s->opts->verbose)
		fprintf(stderr,
			"hoptrace: --bundle: %s state of %d network namespace%s read in %.0f ms\n",
			when, s->cov.count, s->cov.count == 1 ? "" : "s", ms);
}

/* --bundle, at the trace's end: node.json carries the hooks plan as `hoptrace hooks --json`
 * prints it. */
static int finish_bundle(struct session *s)
{
	char *hooks = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&hooks, &size);
	int err;

	/* A sink flushes its file as it goes: gone before the bundle closes the files. */
	for (int i = s->bundle_sinks; i < s->sink_count; i++)
		s->sinks[i]->free(s->sinks[i]);
	s->sink_count = s->bundle_sinks;
	if (f) {
		attach_plan__print(&s->plan, &s->kf, f, true);
		fclose(f);
	}
	/* The path check done at start: what a receiver reads beside the verdicts it explains. */
	if (s->check) {
		FILE *c = bundle__create(s->bundle, "check.json");

		if (c) {
			check__write_json(s->check, c);
			if (fclose(c))
				bundle__error(s->bundle, "check.json", NULL, "%s", strerror(errno));
		}
	} else {
		bundle__error(s->bundle, "check.json", NULL,
			      "not checked: the path check needs a single --pod-ip address");
	}
	err = bundle__finish(s->bundle, hooks);
	free(hooks);
	return err;
}

static int check_before_attach(struct session *s)
{
	struct trace_config *o = s->opts;
	char why[128], err[512];

	if (!o->pod_count) {
		fprintf(stderr, "hoptrace: --pod-ip is required: the pod addresses to trace "
				"(0.0.0.0/0 for all IPv4)\n");
		return -1;
	}
	if (coverage__check_names(o->netns, o->netns_count))
		return -1;
	if (o->command && !command__exists(o->command[0])) {
		fprintf(stderr, "hoptrace: command not found: %s\n", o->command[0]);
		return -1;
	}
	if (o->filter_expr) {
		s->filter = pcap_filter__compile(o->filter_expr, o->snaplen, err, sizeof(err));
		if (!s->filter) {
			fprintf(stderr, "hoptrace: %s\n", err);
			return -1;
		}
	}
	if (!privilege__can_trace(why, sizeof(why))) {
		fprintf(stderr, "hoptrace: %s\n", why);
		return -1;
	}
	if (open_pcapng(s))
		return -1;
	if (o->bundle_path) {
		s->bundle = bundle__open(o->bundle_path, o->argc, o->argv);
		if (!s->bundle)
			return -1;
	}
	return 0;
}

/* A --pod-ip no namespace on this node holds is a typo, another node's pod, or a pod not
 * started yet: one warning, and the trace runs, since the address may still appear. */
static void warn_unheld_pod_addresses(const struct session *s)
{
	const struct trace_config *o = s->opts;
	char list[256] = "", addr[64];
	size_t used = 0;

	for (int i = 0; i < o->pod_count && used < sizeof(list); i++) {
		const struct hop_cidr *c = &o->pods[i];
		bool host = c->prefix == (c->family == HOP_AF_INET ? 32 : 128);

		if (podns__address_held(s->en.pods, i))
			continue;
		addr__format(c->family, c->addr, addr, sizeof(addr));
		used += snprintf(list + used, sizeof(list) - used, "%s%s", used ? ", " : "", addr);
		if (!host && used < sizeof(list))
			used += snprintf(list + used, sizeof(list) - used, "/%u", c->prefix);
	}
	if (list[0])
		fprintf(stderr,
			"hoptrace: warning: no network namespace on this node holds %s (yet); "
			"tracing anyway\n",
			list);
}

/* The namespaces of the pods --pod named: watched even when the address scan missed them
 * (a namespace only a bind mount outside /run/netns enters). */
static int cover_named_pods(struct session *s)
{
	const struct pod *refs[HOPTRACE_MAX_POD_REFS];
	int n = pod_refs__pods(s->opts, refs, HOPTRACE_MAX_POD_REFS);

	for (int i = 0; i < n; i++)
		if (refs[i] && refs[i]->netns_path[0] &&
		    coverage__add_path(&s->cov, refs[i]->netns_path))
			return -1;
	return 0;
}

/* Every pod of this node names its namespace in the output, --pod or not: --pod has read
 * them already; else the runtime's state (and --pod-json) is read now. crictl is left to
 * --pod: a runtime that does not answer would hold every start for seconds. Finding none
 * is no error. */
static void find_pods(struct session *s)
{
	const struct trace_config *o = s->opts;
	struct pod_sources src = { .state_dirs = o->state_dirs,
				   .state_dir_count = o->state_dir_count,
				   .pod_json = o->pod_json,
				   .no_crictl = true };

	if (o->pod_list) {
		s->en.kube_pods = o->pod_list;
		return;
	}
	if (!pods__discover(&src, &s->kube) && s->kube.count)
		s->en.kube_pods = &s->kube;
	if (o->verbose && s->kube.count)
		fprintf(stderr, "hoptrace: %d pod%s on this node, from %s\n", s->kube.count,
			s->kube.count == 1 ? "" : "s", s->kube.tried);
}

/* --only-netns: each name to its namespace, which is also watched for netfilter. A name
 * no namespace has is the user's error: one line, nothing attached. */
static int resolve_scope(struct session *s)
{
	const struct trace_config *o = s->opts;

	for (int i = 0; i < o->only_netns_count; i++) {
		bool host = !strcmp(o->only_netns[i], "host");
		__u32 inode = s->en.netns ? netns_names__inode(s->en.netns, o->only_netns[i]) : 0;
		char *path = s->scope_paths[i];
		size_t size = sizeof(s->scope_paths[i]);
		struct stat st;

		/* "host" is pid 1's; where that cannot be read (a sandbox's view), the node's is
		 * the one hoptrace runs in. */
		if (host)
			snprintf(path, size, "/proc/1/ns/net");
		if (host && !inode && !stat("/proc/self/ns/net", &st)) {
			inode = (__u32)st.st_ino;
			snprintf(path, size, "/proc/self/ns/net");
		}
		if (!inode || (!host && netns_names__path(s->en.netns, inode, path, size))) {
			fprintf(stderr,
				"hoptrace: --only-netns %s: no such network namespace (host, a "
				"name under /run/netns, or pid:PID)\n",
				o->only_netns[i]);
			return -1;
		}
		s->scope[s->scope_count++] = inode;
	}
	return 0;
}

/* The scope's namespaces are watched for netfilter too. */
static int cover_scope(struct session *s)
{
	for (int i = 0; i < s->scope_count; i++) {
		if (coverage__add_path(&s->cov, s->scope_paths[i]) < 0) {
			fprintf(stderr, "hoptrace: out of memory\n");
			return -1;
		}
	}
	return 0;
}

/* A single address of cidrs (a /32 or /128) as text, or NULL. */
static const char *single_address(const struct hop_cidr *cidrs, int count, char *buf, size_t size)
{
	for (int i = 0; i < count; i++)
		if (cidrs[i].prefix == (cidrs[i].family == AF_INET ? 32 : 128))
			return addr__format(cidrs[i].family, cidrs[i].addr, buf, size);
	return NULL;
}

/* --check: hoptrace check of the first traced pod address towards the first peer address,
 * before anything is traced; its failed items are named beside the drops they explain. */
static void start_check(struct session *s)
{
	char pod[64], peer[64];
	const char *p = single_address(s->opts->pods, s->opts->pod_count, pod, sizeof(pod));
	const char *q = s->opts->check_peer ? s->opts->check_peer :
					      single_address(s->opts->peers, s->opts->peer_count,
							     peer, sizeof(peer));
	struct check_report *r;

	if (!p) {
		fprintf(stderr, "hoptrace: the path check (--check, --bundle) needs a single "
				"--pod-ip address (a /32 or /128): not checked\n");
		return;
	}
	r = calloc(1, sizeof(*r));
	if (!r || check__run(r, p, q)) {
		free(r);
		return;
	}
	s->check = r;
	s->en.check = r;
}

static int prepare(struct session *s)
{
	phases__mark("main");
	kernel_features__probe(&s->kf);
	phases__mark("btf_features");
	if (!s->kf.btf) {
		fprintf(stderr,
			"hoptrace: the kernel has no BTF (/sys/kernel/btf/vmlinux: %s); "
			"CONFIG_DEBUG_INFO_BTF=y is required\n",
			s->kf.btf_error);
		return -1;
	}
	attach_plan__build(&s->plan, &s->kf);
	enrich__init(&s->en, s->kf.btf, s->opts->pods, s->opts->pod_count);
	if (resolve_scope(s))
		return -1;
	find_pods(s);
	warn_unheld_pod_addresses(s);
	phases__mark("scope");
	s->tl = timeline__new(on_packet_done, s);
	if (!s->tl)
		return -1;
	if (s->filter)
		timeline__set_filter(s->tl, accept_packet, s);
	timeline__set_free_judge(s->tl, processed__judge, &s->en);
	if (coverage__collect(&s->cov, s->opts->netns, s->opts->netns_count, s->en.pods) ||
	    cover_named_pods(s) || cover_scope(s))
		return -1;
	phases__mark("coverage");
	node_identity__read(&s->node, s->opts->node_name);
	for (int i = 0; i < s->scope_count && i < NODE_SCOPE_MAX; i++) {
		s->node.scope_inodes[i] = s->scope[i];
		snprintf(s->node.scope_names[i], sizeof(s->node.scope_names[i]), "%s",
			 s->opts->only_netns[i]);
		s->node.scope_count = i + 1;
	}
	s->en.ct = ctstat__start(&s->cov);
	s->en.chains = chain_names__new(&s->cov);
	if (!s->en.chains)
		return -1;
	s->en.rules = rule_trail__new(&s->cov, true);
	if (!s->en.rules)
		return -1;
	phases__mark("node_conntrack_chains");
	/* A bundle carries the check too: the evidence explains itself. */
	if (s->opts->check || s->opts->bundle_path)
		start_check(s);
	phases__mark("check");
	return make_sinks(s);
}

/* Naming the BPF program or qdisc behind a drop: hoptrace's own programs are known once
 * loaded, and the qdisc counters' start is read before any traffic is traced. */
static int start_bpf_blame(struct session *s)
{
	struct own_progs own;

	tracer__own_progs(&s->tracer, &own);
	s->en.bpf = bpf_blame__new(s->en.netns, s->kf.cgroup2, &s->cov, &own);
	if (!s->en.bpf) {
		fprintf(stderr, "hoptrace: out of memory\n");
		return -1;
	}
	return 0;
}

static void report_skipped_hooks(const struct session *s)
{
	for (int i = 0; i < s->plan.count; i++) {
		const struct attach_choice *c = &s->plan.hooks[i];

		/* A hook that only annotates (bpf_prog: fexit on other programs) costs naming,
		 * not hops, and an optional one only certainty: kernels that refuse them are
		 * common, and -v says so. */
		if (!c->way && (c->row->annotates || c->row->optional) && !s->opts->verbose)
			continue;
		if (!c->way)
			fprintf(stderr, "hoptrace: hook %s skipped: no way to attach here (%s)\n",
				c->hook, c->rejected);
		else if (c->attach_error[0])
			fprintf(stderr, "hoptrace: hook %s skipped: attach failed: %s\n", c->hook,
				c->attach_error);
		else if (s->opts->verbose)
			fprintf(stderr, "hoptrace: hook %s via %s %s\n", c->hook, c->way->method,
				c->way->target);
	}
}

/* -v: what the bpf_prog hook watches (fexit on other BPF programs), and what it could not. */
static void note_bpf_programs(const struct session *s, const char *when)
{
	char line[512];

	if (!s->opts->verbose)
		return;
	tracer__watch_summary(&s->tracer, line, sizeof(line));
	if (line[0])
		fprintf(stderr, "hoptrace: bpf_prog%s: %s\n", when, line);
}

/* Netfilter observers are linked per namespace: the judge must know which namespaces have
 * them (a drop elsewhere names no hook or table), and -v names them. */
static void note_netfilter_netns(struct session *s)
{
	char label[48];

	if (!s->tracer.attached.nf)
		return;
	s->en.nf_netns = s->cov.inodes;
	s->en.nf_netns_count = s->cov.count;
	if (!s->opts->verbose)
		return;
	fprintf(stderr, "hoptrace: netfilter observed in %d network namespace%s:", s->cov.count,
		s->cov.count == 1 ? "" : "s");
	for (int i = 0; i < s->cov.count; i++)
		fprintf(stderr, "%s %s", i ? "," : "",
			enrich__netns_label(&s->en, s->cov.inodes[i], label, sizeof(label)));
	fprintf(stderr, "\n");
}

/* --rules: the marking goes in once the hooks are attached. The packets it marks are those
 * of the traced pod addresses; all of them for a /0 (said, for its cost). */
static int start_rule_tracers(struct session *s)
{
	const struct trace_config *o = s->opts;
	struct rule_mark mark = { o->pods, o->pod_count };
	const char *labels[COVERAGE_MAX];
	char buf[COVERAGE_MAX][48];
	bool everything = !mark.count;

	for (int i = 0; i < mark.count; i++)
		everything |= !mark.cidrs[i].prefix;
	if (everything)
		fprintf(stderr,
			"hoptrace: warning: --rules with a /0 address traces the rules of "
			"every packet in the watched namespaces: a netlink message per rule "
			"decision\n");
	for (int i = 0; i < s->cov.count; i++)
		labels[i] = enrich__netns_label(&s->en, s->cov.inodes[i], buf[i], sizeof(buf[i]));
	s->rule_tracers = rule_tracers__start(&s->cov, labels, getpid(), &mark);
	if (!s->rule_tracers) {
		fprintf(stderr, "hoptrace: --rules: out of memory\n");
		return -1;
	}
	if (o->verbose)
		fprintf(stderr,
			"hoptrace: rules traced: nf_tables in %d, iptables-legacy in %d of %d "
			"network namespaces\n",
			rule_tracers__nft_count(s->rule_tracers),
			rule_tracers__xt_count(s->rule_tracers), s->cov.count);
	return 0;
}

/* One line once every hook is attached, so whoever started the trace (a person, a script)
 * knows that traffic sent from now on is seen. */
static void report_ready(const struct session *s)
{
	int hooks = 0, wanted = 0, netns;

	if (s->opts->quiet)
		return;
	for (int i = 0; i < s->plan.count; i++) {
		const struct attach_choice *c = &s->plan.hooks[i];

		/* An annotating hook this kernel refuses is not missing (report_skipped_hooks). */
		if (!c->way && c->row->annotates)
			continue;
		wanted++;
		hooks += c->way && !c->attach_error[0];
	}
	fprintf(stderr, "hoptrace: tracing: %d of %d hooks attached", hooks, wanted);
	if (s->tracer.attached.nf) {
		netns = netfilter__netns_count(s->tracer.attached.nf);
		fprintf(stderr, ", %d netfilter links in %d network namespace%s",
			netfilter__link_count(s->tracer.attached.nf), netns, netns == 1 ? "" : "s");
	}
	fprintf(stderr, "%s\n", s->opts->command ? "" : "; Ctrl-C to stop");
}

/* What helps against losses: a larger ring buffer (four times this one), else fewer
 * packets. */
static void loss_advice(const struct trace_config *o, char *buf, size_t size)
{
	__u64 larger = (__u64)o->ring_size * 4;

	if (o->ring_size >= TRACE_RING_MAX)
		snprintf(buf, size, "narrow the trace (--peer, --proto, --port)");
	else if (larger > TRACE_RING_MAX)
		snprintf(buf, size, "try --ring-size %uM", TRACE_RING_MAX >> 20);
	else if (larger >= 1u << 20)
		snprintf(buf, size, "try --ring-size %lluM", (unsigned long long)larger >> 20);
	else
		snprintf(buf, size, "try --ring-size %lluK", (unsigned long long)larger >> 10);
}

/* Notes losses as they happen: the packets alive at that moment may miss hops. */
static void check_losses(struct session *s)
{
	struct hop_stats st;
	char advice[64];

	if (tracer__stats(&s->tracer, &st) || st.lost == s->lost_seen)
		return;
	status__clear(&s->status);
	loss_advice(s->opts, advice, sizeof(advice));
	fprintf(stderr,
		"hoptrace: %llu event%s lost (ring buffer full); open packets marked "
		"incomplete; %s\n",
		(unsigned long long)(st.lost - s->lost_seen),
		st.lost - s->lost_seen == 1 ? "" : "s", advice);
	s->lost_seen = st.lost;
	timeline__mark_loss(s->tl);
}

static void update_status(struct session *s, __u64 lost)
{
	const struct timeline_totals *t = timeline__totals(s->tl);

	status__show(&s->status, clock__mono_s() - s->started, t->events, t->packets, t->dropped,
		     lost);
}

/* A pipe whose reader has gone (hoptrace | head) shows an error on poll: the trace ends
 * then, not at its next write, which may be long in coming. */
static bool reader_gone(FILE *f)
{
	struct pollfd p = { .fd = f ? fileno(f) : -1 };

	return p.fd >= 0 && poll(&p, 1, 0) == 1 && (p.revents & POLLERR);
}

/* One round: read what the kernel sent, write out what ended. -1 on a read or write error. */
static int poll_round(struct session *s)
{
	/* Every event stamped before this moment is in the ring by the end of the poll, but a
	 * program that read the clock may still be filling its record: a margin for that. */
	long long read_up_to = clock__mono_ns() - RING_COMMIT_MARGIN_NS;
	int n = tracer__poll(&s->tracer, POLL_MS);

	if (n < 0 && n != -EINTR) {
		if (!s->write_error)
			fprintf(stderr, "hoptrace: reading events: %s\n", strerror(-n));
		return -1;
	}
	if (fflush(s->out) && !s->write_error)
		s->write_error = errno ? errno : EIO;
	if (s->pcapng_file && s->pcapng_file != s->out && fflush(s->pcapng_file) && !s->write_error)
		s->write_error = errno ? errno : EIO;
	if (!s->write_error && (reader_gone(s->out) || reader_gone(s->pcapng_file)))
		s->write_error = EPIPE;
	if (s->write_error)
		return -1;
	check_losses(s);
	/* Rule messages wait in their sockets' buffers until read: keep them short. */
	if (s->rule_tracers)
		drain_rule_decisions(s);
	/* A packet waiting for a copy ends even while no event comes; at a time up to which
	 * every event has been read, so that the outcome is the one the events' own time
	 * stamps give (timeline__add), whenever the poll ran. */
	if (read_up_to > 0)
		timeline__expire(s->tl, (__u64)read_up_to);
	update_status(s, s->lost_seen);
	return 0;
}

/* Polls until a signal, the duration, the command's end plus linger, or an error. */
static int poll_loop(struct session *s, pid_t child, int *child_status, bool *child_ended)
{
	double deadline = s->opts->duration_s > 0 ? s->started + s->opts->duration_s : 0;
	double linger_until = 0;

	while (!stop_signal) {
		if (poll_round(s))
			return -1;
		if (deadline && clock__mono_s() >= deadline)
			break;
		if (child > 0 && !*child_ended && command__ended(child, child_status)) {
			*child_ended = true;
			linger_until = clock__mono_s() + s->opts->linger_s;
		}
		if (linger_until && clock__mono_s() >= linger_until)
			break;
	}
	return 0;
}

static int finish(struct session *s, int rc)
{
	struct hop_stats st = {};
	struct trace_summary sum;

	/* Programs found while tracing are in it too; it goes with the detach. */
	note_bpf_programs(s, " at the end");
	phases__mark("finish_notes");
	tracer__detach(&s->tracer);
	phases__mark("detach");
	if (s->bundle)
		snapshot_netns(s, "end");
	tracer__drain(&s->tracer);
	if (s->rule_tracers)
		drain_rule_decisions(s);
	tracer__stats(&s->tracer, &st);
	timeline__finish(s->tl);
	status__clear(&s->status);
	ctstat__finish(s->en.ct);
	node_identity__end(&s->node);
	sum = (struct trace_summary){
		timeline__totals(s->tl),
		st.events,
		st.lost,
		s->bad_events,
		clock__mono_s() - s->started,
		s->en.ct,
		s->rule_tracers ? rule_tracers__traced_count(s->rule_tracers) : -1,
		rule_trail__added(s->en.rules),
		rule_tracers__lost(s->rule_tracers),
		rule_trail__unjoined(s->en.rules),
		&s->node,
		s->scope_count > 0,
		s->out_of_scope,
	};
	for (int i = 0; i < s->sink_count && !s->write_error; i++) {
		int err = s->sinks[i]->summary(s->sinks[i], &sum);

		if (err)
			s->write_error = -err;
	}
	if (st.lost) {
		char advice[64];

		loss_advice(s->opts, advice, sizeof(advice));
		fprintf(stderr,
			"hoptrace: %llu event%s lost (ring buffer full); packets they "
			"touched are marked incomplete; %s\n",
			(unsigned long long)st.lost, st.lost == 1 ? " was" : "s were", advice);
	}
	if (s->bad_events)
		fprintf(stderr, "hoptrace: %llu malformed events ignored\n",
			(unsigned long long)s->bad_events);
	if (rule_tracers__lost(s->rule_tracers))
		fprintf(stderr,
			"hoptrace: --rules: the kernel dropped rule messages %lu time%s (socket "
			"buffer full); some packets miss their rule hops\n",
			rule_tracers__lost(s->rule_tracers),
			rule_tracers__lost(s->rule_tracers) == 1 ? "" : "s");
	if (s->opts->verbose)
		fprintf(stderr, "hoptrace: %llu packets judged, %lu netfilter hook dumps read\n",
			(unsigned long long)s->judged, chain_names__dumps(s->en.chains));
	if (s->bundle && finish_bundle(s))
		rc = rc ? rc : 1;
	/* The reader left (hoptrace | head): the end a tool killed by SIGPIPE has, quietly. */
	if (s->write_error == EPIPE) {
		rc = 128 + SIGPIPE;
	} else if (s->write_error) {
		fprintf(stderr, "hoptrace: writing output: %s\n", strerror(s->write_error));
		rc = rc ? rc : 1;
	}
	return rc;
}

static void cleanup(struct session *s)
{
	bpf_blame__free(s->en.bpf);
	s->en.bpf = NULL;
	free(s->check);
	s->en.check = NULL;
	rule_tracers__stop(s->rule_tracers);
	rule_trail__free(s->en.rules);
	s->en.rules = NULL;
	tracer__destroy(&s->tracer);
	for (int i = 0; i < s->sink_count; i++)
		s->sinks[i]->free(s->sinks[i]);
	if (s->pcapng_file && s->pcapng_file != stdout && fclose(s->pcapng_file))
		fprintf(stderr, "hoptrace: closing pcapng: %s\n", strerror(errno));
	bundle__free(s->bundle);
	timeline__free(s->tl);
	pcap_filter__free(s->filter);
	enrich__free(&s->en);
	pods__free(&s->kube);
	kernel_features__free(&s->kf);
	coverage__free(&s->cov);
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_sigaction = on_signal, .sa_flags = SA_SIGINFO };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* The command's end interrupts the wait for events (epoll_wait is never restarted), so
	 * the trace ends when the command does, not up to POLL_MS later; SA_RESTART keeps
	 * every other call, the output's writes above all, from seeing EINTR. */
	sigaction(SIGCHLD, &(struct sigaction){ .sa_handler = on_child, .sa_flags = SA_RESTART },
		  NULL);
	/* A closed output pipe becomes EPIPE on write: the trace stops and detaches cleanly. */
	signal(SIGPIPE, SIG_IGN);
}

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level;
	return vfprintf(stderr, fmt, args);
}

/* Everything that needed them is done: the rest of the trace runs with less. */
static void drop_privileges(struct session *s)
{
	int err = privilege__drop_after_attach();

	if (err)
		fprintf(stderr, "hoptrace: warning: could not drop capabilities: %s\n",
			strerror(-err));
	else if (s->opts->verbose)
		fprintf(stderr, "hoptrace: capabilities dropped but CAP_SYS_ADMIN, CAP_SYS_PTRACE, "
				"CAP_NET_ADMIN, CAP_NET_RAW\n");
}

/* Starts the command unless a stop signal came first. The stop signals wait across the
 * fork: one that comes meanwhile is handled with command_running still false, so it is
 * passed on to the command rather than assumed to have reached it. */
static int start_command(struct session *s, pid_t *child)
{
	sigset_t stops, old;

	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGHUP);
	sigprocmask(SIG_BLOCK, &stops, &old);
	*child = stop_signal ? 0 : command__start(s->opts->command);
	sigprocmask(SIG_SETMASK, &old, NULL);
	command_running = *child > 0;
	if (*child < 0) {
		fprintf(stderr, "hoptrace: cannot run %s: %s\n", s->opts->command[0],
			strerror(-*child));
		return -1;
	}
	return 0;
}

/* The status of a trace a signal stopped, as a shell reports a process it killed (130
 * for Ctrl-C); 0 when the trace ended by itself. */
static int stop_status(void)
{
	return stop_signal ? 128 + stop_signal : 0;
}

/* After a stop signal the command gets it too (unless the terminal sent it to the whole
 * process group already) and the trace goes on until the command ends, so that hoptrace
 * exits with the command's own status (130 when Ctrl-C killed it) and sees its last
 * packets. A second signal, or a command still running after COMMAND_GRACE_S, gets it
 * killed. */
static int await_interrupted_command(struct session *s, pid_t child)
{
	double deadline = clock__mono_s() + COMMAND_GRACE_S;
	int signals = stop_count, status;
	bool reading = true;

	if (!command_signalled)
		kill(child, stop_signal);
	while (!command__ended(child, &status)) {
		if (stop_count != signals || clock__mono_s() >= deadline) {
			if (stop_count == signals)
				fprintf(stderr,
					"hoptrace: %s still running %ds after the signal: killed\n",
					s->opts->command[0], COMMAND_GRACE_S);
			kill(child, SIGKILL);
			command__wait(child, &status);
			break;
		}
		/* On a read or write error, the trace is over: only the wait goes on. */
		if (reading && poll_round(s))
			reading = false;
		if (!reading)
			usleep(POLL_MS * 1000);
	}
	return status;
}

/* Ends a command still running when the trace stops; returns its exit status. */
static int end_command(struct session *s, pid_t child)
{
	int status;

	if (stop_signal)
		return await_interrupted_command(s, child);
	/* The duration ran out, or the output failed. */
	kill(child, SIGTERM);
	command__wait(child, &status);
	return status;
}

int trace__run(struct trace_config *opts)
{
	return trace__run_observed(opts, NULL);
}

int trace__run_observed(struct trace_config *opts, const struct trace_observer *obs)
{
	struct session s = { .opts = opts, .obs = obs };
	int child_status = 0, rc = 1, err;
	bool child_ended = false;
	pid_t child = 0;

	phases__begin();
	libbpf_set_print(opts->verbose >= 2 ? libbpf_log : NULL);
	install_signals();
	if (check_before_attach(&s))
		goto out;
	/* The maps are made in a thread while prepare() parses the kernel's BTF. */
	tracer__prestart(&s.tracer, opts);
	if (prepare(&s))
		goto out;
	/* Coverage is known and nothing traces yet: the state the trace starts from. */
	if (s.bundle)
		snapshot_netns(&s, "start");
	phases__mark("sinks");
	/* Everything that reads the kernel's BTF has read it: libbpf's loads share the parse. */
	kernel_features__give_btf(&s.kf);
	err = tracer__load(&s.tracer, opts, &s.kf, &s.plan, on_event, &s);
	if (err)
		goto out;
	if (start_bpf_blame(&s))
		goto out;
	phases__mark("bpf_blame");
	if (tracer__attach(&s.tracer, &s.plan, (const char *const *)s.cov.paths, s.cov.count) < 0)
		goto out;
	phases__mark("attach");
	report_skipped_hooks(&s);
	note_bpf_programs(&s, "");
	note_netfilter_netns(&s);
	if (opts->rules && start_rule_tracers(&s))
		goto out_finish;
	report_ready(&s);
	phases__mark("ready");
	status__init(&s.status, !opts->quiet);
	s.started = clock__mono_s();
	/* Interrupted while attaching: the command is not started at all. */
	if (opts->command && start_command(&s, &child))
		goto out_finish;
	drop_privileges(&s);
	rc = poll_loop(&s, child, &child_status, &child_ended) ? 1 : 0;
	if (child > 0 && !child_ended)
		child_status = end_command(&s, child);
	if (!rc)
		rc = child > 0 ? child_status : stop_status();
	phases__mark("traced");
out_finish:
	rc = finish(&s, rc);
	phases__mark("finish");
out:
	cleanup(&s);
	phases__mark("cleanup");
	phases__report(stderr);
	return rc;
}

int trace__print_hooks(bool json)
{
	return trace__print_hooks_to(stdout, json);
}

int trace__print_hooks_to(FILE *f, bool json)
{
	struct kernel_features kf;
	struct attach_plan plan;

	kernel_features__probe(&kf);
	attach_plan__build(&plan, &kf);
	attach_plan__print(&plan, &kf, f, json);
	kernel_features__free(&kf);
	return 0;
}
