// SPDX-License-Identifier: GPL-2.0
/* One namespace's state at one moment: rulesets with their counters, routes, neighbours,
 * links, sysctls and counters, each by the tool a person would use, run inside the
 * namespace (netns_exec), its output kept as it printed it. A tool that fails is an error in
 * the manifest, never the trace's end. Tools that are often absent (one iptables backend,
 * ethtool) are left out quietly. /proc/net and /proc/sys show the namespace of the reader:
 * a grep run inside reads them all at once. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host/netns_exec.h"
#include "bundle/bundle_priv.h"

/* ethtool per device costs a process each: a node with many pods' veths is bounded. */
#define ETHTOOL_MAX_DEVICES 32

struct snap {
	struct bundle *b;
	const struct bundle_netns *ns;
	const char *path; /* enters the namespace */
	char dir[BUNDLE_LABEL_MAX + 32];
};

/* Runs argv in the namespace; its output, or NULL after an error in the manifest (none
 * when quiet). */
static char *run(struct snap *s, const char *item, char *const argv[], bool quiet)
{
	char *out = NULL, *err = NULL;
	int rc = netns_exec__run(s->path, argv, NULL, &out, &err);

	/* grep says 2 for a file that is not there (a module not loaded): the rest is read. */
	if (rc == 0 || (rc == 2 && !strcmp(argv[0], "grep") && out && *out)) {
		free(err);
		return out;
	}
	if (!quiet) {
		if (rc < 0)
			bundle__error(s->b, item, s->ns->label, "%s: %s", argv[0], strerror(-rc));
		else
			bundle__error(s->b, item, s->ns->label, "%s exited with %d: %s", argv[0],
				      rc, err && *err ? err : "no message");
	}
	free(out);
	free(err);
	return NULL;
}

static void save_text(struct snap *s, const char *file, const char *text)
{
	char name[PATH_MAX];
	FILE *f;

	snprintf(name, sizeof(name), "%s/%s", s->dir, file);
	f = bundle__create(s->b, name);
	if (!f)
		return;
	fputs(text, f);
	if (fclose(f))
		bundle__error(s->b, file, s->ns->label, "writing: %s", strerror(errno));
}

static void save_json(struct snap *s, const char *file, cJSON *v)
{
	char name[PATH_MAX];

	snprintf(name, sizeof(name), "%s/%s", s->dir, file);
	bundle__write_json(s->b, name, v);
	cJSON_Delete(v);
}

static void tool_to_file(struct snap *s, const char *file, char *const argv[], bool quiet)
{
	char *out = run(s, file, argv, quiet);

	if (out)
		save_text(s, file, out);
	free(out);
}

static void iptables_saves(struct snap *s)
{
	static const char *const saves[] = { "iptables-legacy-save", "iptables-nft-save",
					     "ip6tables-legacy-save", "ip6tables-nft-save" };
	char file[64];

	/* Each backend where its tool is installed and answers (-c: with counters). */
	for (size_t i = 0; i < sizeof(saves) / sizeof(saves[0]); i++) {
		snprintf(file, sizeof(file), "%s.txt", saves[i]);
		tool_to_file(s, file, (char *const[]){ (char *)saves[i], "-c", NULL }, true);
	}
}

static void routing(struct snap *s)
{
	static const struct {
		const char *file;
		char *const argv[8];
	} items[] = {
		{ "route.json", { "ip", "-j", "route", "show", "table", "all", NULL } },
		{ "route6.json", { "ip", "-j", "-6", "route", "show", "table", "all", NULL } },
		{ "rule.json", { "ip", "-j", "rule", NULL } },
		{ "neigh.json", { "ip", "-j", "neigh", NULL } },
		{ "link.json", { "ip", "-j", "-d", "link", NULL } },
		{ "addr.json", { "ip", "-j", "addr", NULL } },
	};

	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++)
		tool_to_file(s, items[i].file, items[i].argv, false);
}

/* ethtool -S of each device the namespace lists (but lo), where it answers. */
static void add_ethtool(struct snap *s, cJSON *counters)
{
	cJSON *dev = cJSON_GetObjectItem(counters, "dev"), *all = cJSON_CreateObject(), *d;
	int n = 0;

	cJSON_ArrayForEach(d, dev)
	{
		char *out;
		cJSON *stats;

		if (!strcmp(d->string, "lo") || n++ >= ETHTOOL_MAX_DEVICES)
			continue;
		out = run(s, "ethtool", (char *const[]){ "ethtool", "-S", d->string, NULL }, true);
		stats = out ? bundle_counters__ethtool(out) : NULL;
		free(out);
		if (stats)
			cJSON_AddItemToObject(all, d->string, stats);
	}
	cJSON_AddItemToObject(counters, "ethtool", all);
}

/* conntrack.json: the kernel's per-CPU statistics, else conntrack -S's where the tool answers
 * (none of them when conntrack is not loaded). */
static cJSON *conntrack(struct snap *s, const char *grep_out)
{
	cJSON *ct = bundle_counters__conntrack(grep_out);
	char *out;

	if (cJSON_GetObjectItem(ct, "stats")->child)
		return ct;
	out = run(s, "conntrack.json", (char *const[]){ "conntrack", "-S", NULL }, true);
	if (out)
		bundle_counters__conntrack_tool(ct, out);
	free(out);
	return ct;
}

static void proc_files(struct snap *s)
{
	char *const fixed[] = { "grep",
				"-s",
				"-H",
				".",
				"/proc/net/snmp",
				"/proc/net/netstat",
				"/proc/net/snmp6",
				"/proc/net/dev",
				"/proc/net/stat/nf_conntrack",
				"/proc/net/softnet_stat",
				"/proc/sys/net/ipv4/ip_forward",
				"/proc/sys/net/ipv6/conf/all/forwarding",
				"/proc/sys/net/bridge/bridge-nf-call-iptables",
				"/proc/sys/net/bridge/bridge-nf-call-ip6tables",
				"/proc/sys/net/bridge/bridge-nf-call-arptables",
				"/proc/sys/net/netfilter/nf_conntrack_max",
				"/proc/sys/net/netfilter/nf_conntrack_count",
				"/proc/sys/net/netfilter/nf_conntrack_tcp_be_liberal",
				"/proc/sys/net/netfilter/nf_conntrack_tcp_loose",
				NULL };
	char *const rp_filter[] = {
		"grep", "-s", "-r", "-H", "--include=rp_filter", ".", "/proc/sys/net/ipv4/conf",
		NULL
	};
	char *out = run(s, "counters", fixed, false), *rp = run(s, "sysctl", rp_filter, false);
	cJSON *sysctl, *counters;

	if (out) {
		counters = bundle_counters__parse(out, s->ns->host);
		add_ethtool(s, counters);
		save_json(s, "counters.json", counters);
		save_json(s, "conntrack.json", conntrack(s, out));
	}
	if (out || rp) {
		char *both = NULL;

		if (asprintf(&both, "%s%s", out ? out : "", rp ? rp : "") >= 0) {
			sysctl = bundle_counters__sysctl(both);
			save_json(s, "sysctl.json", sysctl);
		}
		free(both);
	}
	free(out);
	free(rp);
}

void bundle_snapshot__netns(struct bundle *b, const struct bundle_netns *ns, const char *path,
			    const char *when, enum bundle_part part)
{
	struct snap s = { b, ns, path, "" };

	snprintf(s.dir, sizeof(s.dir), "netns/%s/%s", ns->dir, when);
	if (part == BUNDLE_PART_PROC_IP) {
		proc_files(&s);
		routing(&s);
	} else if (part == BUNDLE_PART_NFT) {
		tool_to_file(&s, "nft.txt", (char *const[]){ "nft", "-a", "list", "ruleset", NULL },
			     false);
	} else {
		iptables_saves(&s);
	}
}
