// SPDX-License-Identifier: GPL-2.0
/* Unit tests of host/pods: pod references, containerd's and CRI-O's bundle layouts built in
 * a temp dir from fixtures of their real format (tests/fixtures/pods), and kubectl files. */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "cli/addr.h"
#include "host/pods.h"
#include "host/pods_read.h"

static char root[] = "/tmp/hoptrace-pods-XXXXXX";

#define SANDBOX_CTRD "4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a19"
#define APP_CTRD "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d"
#define SANDBOX_CRIO "1f2e3d4c5b6a79880a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071"
#define APP_CRIO "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"

static const char *fixture(const char *name)
{
	static char path[4096];
	const char *slash = strrchr(__FILE__, '/');
	int dir_len = slash ? (int)(slash - __FILE__) : 1;

	snprintf(path, sizeof(path), "%.*s/../fixtures/pods/%s", dir_len, slash ? __FILE__ : ".",
		 name);
	return path;
}

/* Replaces every "from" in s (in place, s has room for growth). */
static void replace_all(char *s, size_t size, const char *from, const char *to)
{
	char *at;

	while ((at = strstr(s, from))) {
		size_t tail = strlen(at + strlen(from));

		if (strlen(s) - strlen(from) + strlen(to) >= size)
			return;
		memmove(at + strlen(to), at + strlen(from), tail + 1);
		memcpy(at, to, strlen(to));
	}
}

/* Writes fixture name to root/rel/config.json, mkdir -p on the way, with the placeholders
 * filled in. */
static void put_bundle(const char *rel, const char *name, const char *sandbox_id, const char *netns)
{
	static char text[65536];
	char path[1024], *slash;
	FILE *f = fopen(fixture(name), "r");
	size_t n;

	CHECK(f != NULL);
	if (!f)
		return;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = 0;
	replace_all(text, sizeof(text), "SANDBOX_ID", sandbox_id);
	replace_all(text, sizeof(text), "NETNS_PATH", netns);
	snprintf(path, sizeof(path), "%s/%s/config.json", root, rel);
	for (slash = strchr(path + strlen(root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = 0;
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void put_text(const char *rel, const char *text)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void test_parse_ref(void)
{
	char ns[64], name[254], long_name[300];

	CHECK(pods__parse_ref("web", ns, sizeof(ns), name, sizeof(name)) == 0);
	CHECK_STR(ns, "default");
	CHECK_STR(name, "web");
	CHECK(pods__parse_ref("kube-system/coredns-5d78c9869d-abcde", ns, sizeof(ns), name,
			      sizeof(name)) == 0);
	CHECK_STR(ns, "kube-system");
	CHECK_STR(name, "coredns-5d78c9869d-abcde");
	CHECK(pods__parse_ref("shop/api.v2", ns, sizeof(ns), name, sizeof(name)) == 0);
	CHECK_STR(name, "api.v2");
	strcpy(ns, "untouched");
	CHECK(pods__parse_ref("a/b/c", ns, sizeof(ns), name, sizeof(name)) == -EINVAL);
	CHECK_STR(ns, "untouched");
	CHECK(pods__parse_ref("/web", ns, sizeof(ns), name, sizeof(name)) == -EINVAL);
	CHECK(pods__parse_ref("default/", ns, sizeof(ns), name, sizeof(name)) == -EINVAL);
	CHECK(pods__parse_ref("", ns, sizeof(ns), name, sizeof(name)) == -EINVAL);
	CHECK(pods__parse_ref("Web", ns, sizeof(ns), name, sizeof(name)) == -EINVAL);
	CHECK(pods__parse_ref("-web", ns, sizeof(ns), name, sizeof(name)) == -EINVAL);
	CHECK(pods__parse_ref("web-", ns, sizeof(ns), name, sizeof(name)) == -EINVAL);
	CHECK(pods__parse_ref("a..b", ns, sizeof(ns), name, sizeof(name)) == -EINVAL);
	CHECK(pods__parse_ref("my.ns/web", ns, sizeof(ns), name, sizeof(name)) == -EINVAL);
	CHECK(pods__parse_ref("web_1", ns, sizeof(ns), name, sizeof(name)) == -EINVAL);
	memset(long_name, 'a', 254);
	long_name[254] = 0;
	CHECK(pods__parse_ref(long_name, ns, sizeof(ns), name, sizeof(name)) == -EINVAL);
	long_name[253] = 0;
	CHECK(pods__parse_ref(long_name, ns, sizeof(ns), name, sizeof(name)) == 0);
}

static const char *dir(const char *rel)
{
	static char paths[4][1024];
	static int next;
	char *p = paths[next++ % 4];

	snprintf(p, 1024, "%s/%s", root, rel);
	return p;
}

/* containerd's task layout (<ns>/<id>/config.json) and CRI-O's (<id>/userdata/config.json),
 * each a sandbox and its application container, beside a container Kubernetes did not
 * make and a config.json that is not JSON. */
static void make_bundles(void)
{
	put_bundle("ctrd/k8s.io/" SANDBOX_CTRD, "containerd-sandbox.json", SANDBOX_CTRD,
		   "/var/run/netns/cni-hoptrace-test-absent");
	put_bundle("ctrd/k8s.io/" APP_CTRD, "containerd-container.json", SANDBOX_CTRD, "");
	put_bundle("ctrd/moby/plain", "plain-container.json", "", "");
	put_bundle("ctrd/k8s.io/broken", "plain-container.json", "", "");
	put_text("ctrd/k8s.io/broken/config.json",
		 "{\"ociVersion\": \"1.1.0\", \"annotations\": {");
	put_bundle("crio/" SANDBOX_CRIO "/userdata", "crio-sandbox.json", SANDBOX_CRIO,
		   "/var/run/netns/hoptrace-test-absent");
	put_bundle("crio/" APP_CRIO "/userdata", "crio-container.json", SANDBOX_CRIO, "");
	CHECK(mkdir(dir("empty"), 0755) == 0);
}

static void test_containerd_and_crio(void)
{
	const char *dirs[] = { dir("ctrd"), dir("crio") };
	struct pod_sources src = { dirs, 2, NULL, true };
	struct pod_list l;
	const struct pod *p;

	CHECK(pods__discover(&src, &l) == 0);
	CHECK(l.count == 2);
	p = pods__find(&l, "default", "web-7d4b9c8f6-x2x9k");
	CHECK(p != NULL);
	if (p) {
		CHECK_STR(p->uid, "0b5c3a4e-1f2d-4c6b-9a8e-7d6c5b4a3f21");
		CHECK_STR(p->netns_path, "/var/run/netns/cni-hoptrace-test-absent");
		CHECK_STR(p->image, "docker.io/library/nginx:1.27");
		CHECK_STR(p->source, "containerd");
		CHECK_STR(p->node, "");
		CHECK(p->netns == 0); /* the namespace file is not there */
		CHECK(p->ip_count == 0);
	}
	p = pods__find(&l, "data", "db-0");
	CHECK(p != NULL);
	if (p) {
		CHECK_STR(p->uid, "5e1f7c2a-0d3b-4a9f-8c6e-2b1a0f9e8d7c");
		CHECK_STR(p->netns_path, "/var/run/netns/hoptrace-test-absent");
		CHECK_STR(p->image, "docker.io/library/postgres:16");
		CHECK_STR(p->source, "cri-o");
	}
	CHECK(pods__find(&l, "default", "plain") == NULL);
	CHECK(strstr(l.tried, "1 sandbox, 1 unreadable config.json") != NULL);
	CHECK(pods__by_netns(&l, 0) == NULL);
	pods__free(&l);
}

static void test_unreadable_state(void)
{
	const char *dirs[] = { dir("nope") };
	struct pod_sources src = { dirs, 1, NULL, true };
	struct pod_list l;

	CHECK(pods__discover(&src, &l) == -ENOENT);
	CHECK(l.count == 0);
	CHECK(strstr(l.tried, "nope: not present") != NULL);
	pods__free(&l);
}

static void test_pod_json_single(void)
{
	const char *dirs[] = { dir("empty") };
	char path[4096];
	struct pod_sources src = { dirs, 1, path, true };
	struct pod_list l;
	const struct pod *p;
	char a[64];

	snprintf(path, sizeof(path), "%s", fixture("pod.json"));
	CHECK(pods__discover(&src, &l) == 0);
	CHECK(l.count == 1);
	p = pods__find(&l, "default", "web");
	CHECK(p != NULL);
	if (p) {
		CHECK_STR(p->node, "worker-2");
		CHECK_STR(p->uid, "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d");
		CHECK_STR(p->image, "nginx:1.27");
		CHECK_STR(p->source, "pod-json");
		CHECK(p->netns == 0);
		CHECK(p->ip_count == 2);
		CHECK_STR(addr__format(p->ips[0].family, p->ips[0].addr, a, sizeof(a)),
			  "10.244.2.7");
		CHECK_STR(addr__format(p->ips[1].family, p->ips[1].addr, a, sizeof(a)),
			  "fd00:10:244:2::7");
	}
	CHECK(strstr(l.tried, "(1 pod)") != NULL);
	pods__free(&l);
}

static void test_pod_json_list(void)
{
	const char *dirs[] = { dir("empty") };
	char path[4096];
	struct pod_sources src = { dirs, 1, path, true };
	struct pod_list l;
	const struct pod *p;

	snprintf(path, sizeof(path), "%s", fixture("pod-list.json"));
	CHECK(pods__discover(&src, &l) == 0);
	CHECK(l.count == 2);
	p = pods__find(&l, "shop", "api-0");
	CHECK(p && !strcmp(p->node, "worker-2") && p->ip_count == 1 && !p->netns);
	p = pods__find(&l, "shop", "pending");
	CHECK(p && !p->node[0] && p->ip_count == 0 && !p->netns);
	pods__free(&l);
}

static void test_pod_json_bad(void)
{
	const char *dirs[] = { dir("empty") };
	char path[1100];
	struct pod_sources src = { dirs, 1, path, true };
	struct pod_list l;

	snprintf(path, sizeof(path), "%s/not-pods.json", root);
	put_text("not-pods.json", "{\"kind\": \"Service\"}");
	CHECK(pods__discover(&src, &l) == -EINVAL);
	CHECK(strstr(l.tried, "neither a Pod nor a List") != NULL);
	pods__free(&l);
	snprintf(path, sizeof(path), "%s/absent.json", root);
	CHECK(pods__discover(&src, &l) == -ENOENT);
	pods__free(&l);
}

/* crictl's output recorded from a containerd node, played back by a stand-in on PATH. */
static void test_crictl(void)
{
	char script[12000], bin[1100], pods[4096], inspect[4096], *old_path = getenv("PATH");
	char saved[4096], why[160] = "";
	struct pod_list l = {};
	const struct pod *p;

	snprintf(bin, sizeof(bin), "%s/bin", root);
	CHECK(mkdir(bin, 0755) == 0);
	snprintf(pods, sizeof(pods), "%s", fixture("crictl-pods.json"));
	snprintf(inspect, sizeof(inspect), "%s", fixture("crictl-inspectp.json"));
	snprintf(script, sizeof(script),
		 "#!/bin/sh\n"
		 "[ \"$1 $2 $3\" = \"pods -o json\" ] && exec cat '%s'\n"
		 "[ \"$1 $2 $3 $4\" = \"inspectp -o json "
		 "7b3f9e1c2d4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c\" ] && "
		 "exec cat '%s'\n"
		 "echo \"unexpected: $*\" >&2; exit 1\n",
		 pods, inspect);
	put_text("bin/crictl", script);
	snprintf(script, sizeof(script), "%s/crictl", bin);
	CHECK(chmod(script, 0755) == 0);
	snprintf(saved, sizeof(saved), "%s", old_path ? old_path : "/usr/bin:/bin");
	snprintf(script, sizeof(script), "%s:%s", bin, saved);
	setenv("PATH", script, 1);
	CHECK(pods__read_crictl(&l, why, sizeof(why)) == 1);
	setenv("PATH", saved, 1);
	p = pods__find(&l, "kube-system", "coredns-5d78c9869d-7xk2p");
	CHECK(p != NULL);
	if (p) {
		CHECK_STR(p->uid, "3c2b1a09-8f7e-4d6c-5b4a-392817161514");
		CHECK_STR(p->netns_path, "/var/run/netns/cni-hoptrace-test-absent");
		CHECK_STR(p->source, "crictl");
	}
	CHECK(pods__find(&l, "batch", "old-job-29412") == NULL); /* not ready: no namespace */
	pods__free(&l);
	setenv("PATH", bin, 1); /* crictl there fails now: no such sandbox list */
	put_text("bin/crictl", "#!/bin/sh\necho 'connect: connection refused' >&2\nexit 1\n");
	CHECK(pods__read_crictl(&l, why, sizeof(why)) == -EIO);
	CHECK(strstr(why, "connection refused") != NULL);
	setenv("PATH", "/nonexistent", 1);
	CHECK(pods__read_crictl(&l, why, sizeof(why)) == -ENOENT);
	setenv("PATH", saved, 1);
	pods__free(&l);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int main(void)
{
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	make_bundles();
	RUN(test_parse_ref);
	RUN(test_containerd_and_crio);
	RUN(test_unreadable_state);
	RUN(test_pod_json_single);
	RUN(test_pod_json_list);
	RUN(test_pod_json_bad);
	RUN(test_crictl);
	nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	CHECK_EXIT();
}
