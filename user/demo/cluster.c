// SPDX-License-Identifier: GPL-2.0
/* The demo cluster's life. Set-up and faults are short shell scripts (ip, bridge,
 * iptables, sysctl: what an operator would type), run with a time limit; every name
 * carries the run's prefix, so tear-down and the clean-up of a killed run find exactly
 * what a run made and nothing else. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "util/clock.h"
#include "demo/cluster.h"
#include "cli/command.h"
#include "demo/ct_max.h"
#include "demo/traffic.h"
#include "util/proc_file.h"
#include "host/nsenter.h"

#define SCRIPT_TIMEOUT_S 30
#define STATE_DIR "/run/hoptrace-demo"
#define CT_LOCK_WAIT_S 30

const char *const demo_cluster_roles[] = { "pod-a", "pod-b", "pod-c", "node1", "node2", NULL };

/* Shell helpers every script may use; $P is the run's prefix, $H this binary. */
static const char script_lib[] =
	"set -e\n"
	"nsx() { ns=$1; shift; ip netns exec \"$P$ns\" \"$@\"; }\n"
	/* udp_send FROM ADDR PORT: one datagram from that pod, sent by this binary's own probe
	 * (the container image has no bash for /dev/udp, no nc): silence and refusal are
	 * fine, only failing to send is not */
	"udp_send() {\n"
	"  rc=0\n"
	"  \"$H\" demo --probe netns=\"$P$1\" proto=udp addr=\"$2\" port=\"$3\" timeout=0.1 || rc=$?\n"
	"  [ \"$rc\" -ne 3 ]\n"
	"}\n"
	/* ns_add NAME: a namespace without IPv6, whose router solicitations and MLD reports
	 * would only add noise to the timelines */
	"ns_add() {\n"
	"  ip netns add $P$1\n"
	"  nsx $1 sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \\\n"
	"    2>/dev/null || true\n"
	"}\n"
	/* node NAME N UNDERLAY-IP: a node with its pod bridge cni0 (10.244.N.1/24) */
	"node_up() {\n"
	"  ip -n $P$1 link set lo up\n"
	"  nsx $1 sysctl -qw net.ipv4.ip_forward=1\n"
	"  ip -n $P$1 addr add $3/24 dev eth0\n"
	"  ip -n $P$1 link set eth0 up\n"
	"  ip -n $P$1 link add cni0 type bridge\n"
	"  ip -n $P$1 addr add 10.244.$2.1/24 dev cni0\n"
	"  ip -n $P$1 link set cni0 up\n"
	"}\n"
	/* vtep_up NODE N VNI LOCAL-IP PEER-N PEER-IP: flannel's VXLAN device flannel.1, with
	 * the peer's VTEP as a permanent neighbour and FDB entry, and a route to its pods */
	"vtep_up() {\n"
	"  ip -n $P$1 link add flannel.1 address 02:f1:00:00:00:0$2 mtu 1450 type vxlan id $3 \\\n"
	"    local $4 dev eth0 dstport 4789 nolearning\n"
	"  ip -n $P$1 addr add 10.244.$2.0/32 dev flannel.1\n"
	"  ip -n $P$1 link set flannel.1 up\n"
	"  ip -n $P$1 neigh add 10.244.$5.0 lladdr 02:f1:00:00:00:0$5 dev flannel.1 nud permanent\n"
	"  bridge -n $P$1 fdb append 02:f1:00:00:00:0$5 dev flannel.1 dst $6\n"
	"  ip -n $P$1 route add 10.244.$5.0/24 via 10.244.$5.0 dev flannel.1 onlink\n"
	"}\n"
	/* service_up NODE: the ClusterIP as kube-proxy's iptables mode writes it */
	"service_up() {\n"
	"  nsx $1 iptables -w -t nat -N KUBE-SERVICES\n"
	"  nsx $1 iptables -w -t nat -A PREROUTING -j KUBE-SERVICES\n"
	"  nsx $1 iptables -w -t nat -A OUTPUT -j KUBE-SERVICES\n"
	"  nsx $1 iptables -w -t nat -A KUBE-SERVICES -d " DEMO_SERVICE_IP "/32 -p tcp \\\n"
	"    --dport " DEMO_SERVICE_PORT " -j DNAT --to-destination " DEMO_POD_C_IP
	":" DEMO_TARGET_PORT "\n"
	"}\n"
	/* pod_up POD NODE N IP: a pod on a veth pair into the node's bridge; ping uses
	 * datagram sockets as in unprivileged pods */
	"pod_up() {\n"
	"  ns_add $1\n"
	"  ip -n $P$1 link set lo up\n"
	"  nsx $1 sysctl -qw net.ipv4.ping_group_range='0 2147483647'\n"
	"  ip -n $P$2 link add veth-$1 mtu 1450 type veth peer name eth0 mtu 1450 netns $P$1\n"
	"  ip -n $P$1 addr add $4/24 dev eth0\n"
	"  ip -n $P$1 link set eth0 up\n"
	"  ip -n $P$1 route add default via 10.244.$3.1\n"
	"  ip -n $P$2 link set veth-$1 master cni0 up\n"
	"}\n";

static const char script_up[] =
	"ns_add node1\n"
	"ns_add node2\n"
	"ip -n ${P}node1 link add eth0 type veth peer name eth0 netns ${P}node2\n"
	"node_up node1 1 " DEMO_NODE1_IP "\n"
	"node_up node2 2 " DEMO_NODE2_IP "\n"
	"vtep_up node1 1 1 " DEMO_NODE1_IP " 2 " DEMO_NODE2_IP "\n"
	"vtep_up node2 2 1 " DEMO_NODE2_IP " 1 " DEMO_NODE1_IP "\n"
	"service_up node1\n"
	"service_up node2\n"
	"pod_up pod-a node1 1 " DEMO_POD_A_IP "\n"
	"pod_up pod-b node1 1 " DEMO_POD_B_IP "\n"
	"pod_up pod-c node2 2 " DEMO_POD_C_IP "\n";

static int state_dir(void)
{
	if (mkdir(STATE_DIR, 0700) && errno != EEXIST)
		return -1;
	return 0;
}

int demo_cluster__init(struct demo_cluster *c)
{
	char path[128];

	memset(c, 0, sizeof(*c));
	snprintf(c->prefix, sizeof(c->prefix), DEMO_PREFIX_FMT, (int)getpid());
	c->ct_lock_fd = -1;
	snprintf(path, sizeof(path), STATE_DIR "/%srun.lock", c->prefix);
	if (state_dir() || (c->run_lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0 ||
	    flock(c->run_lock_fd, LOCK_EX | LOCK_NB)) {
		fprintf(stderr, "hoptrace demo: cannot create %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

void demo_cluster__free(struct demo_cluster *c)
{
	char path[128];

	demo_cluster__down(c);
	if (c->run_lock_fd < 0)
		return;
	snprintf(path, sizeof(path), STATE_DIR "/%srun.lock", c->prefix);
	unlink(path);
	close(c->run_lock_fd);
	c->run_lock_fd = -1;
}

const char *demo_cluster__netns(const struct demo_cluster *c, const char *role, char *buf,
				size_t size)
{
	snprintf(buf, size, "%s%s", c->prefix, role);
	return buf;
}

/* How long a set-up script may take: 30 s, or HOPTRACE_DEMO_SCRIPT_TIMEOUT seconds where
 * every exec is slow (an emulated guest of make vmtest takes minutes to build a cluster). */
static int script_timeout_s(void)
{
	const char *env = getenv("HOPTRACE_DEMO_SCRIPT_TIMEOUT");
	char *end;
	long v = env ? strtol(env, &end, 10) : 0;

	return env && *env && !*end && v > 0 && v <= 3600 ? (int)v : SCRIPT_TIMEOUT_S;
}

/* The last lines of what a failed script printed, indented, on stderr. */
static void show_output(int fd)
{
	char buf[2048];
	off_t end = lseek(fd, 0, SEEK_END);
	off_t from = end > (off_t)sizeof(buf) - 1 ? end - (off_t)sizeof(buf) + 1 : 0;
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, from);
	char *line, *save = NULL;

	if (n <= 0)
		return;
	buf[n] = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		fprintf(stderr, "    %s\n", line);
}

int demo_cluster__script(const struct demo_cluster *c, const char *what, const char *script)
{
	int out = memfd_create("hoptrace-demo", MFD_CLOEXEC), ws;
	char self[32];
	size_t len = strlen(script_lib) + strlen(script) + 1;
	char *text = malloc(len);
	pid_t pid;

	if (out < 0 || !text) {
		fprintf(stderr, "hoptrace demo: %s: %s\n", what, strerror(errno));
		goto fail;
	}
	snprintf(text, len, "%s%s", script_lib, script);
	snprintf(self, sizeof(self), "/proc/%d/exe", (int)getpid());
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "hoptrace demo: %s: %s\n", what, strerror(errno));
		goto fail;
	}
	if (pid == 0) {
		dup2(out, STDOUT_FILENO);
		dup2(out, STDERR_FILENO);
		setenv("P", c->prefix, 1);
		setenv("H", self, 1);
		execl("/bin/sh", "sh", "-c", text, (char *)NULL);
		_exit(127);
	}
	ws = command__wait_bounded(pid, script_timeout_s());
	if (ws < 0 || !WIFEXITED(ws) || WEXITSTATUS(ws)) {
		fprintf(stderr, "hoptrace demo: %s failed%s\n", what, ws < 0 ? " (timed out)" : "");
		show_output(out);
		goto fail;
	}
	free(text);
	close(out);
	return 0;
fail:
	free(text);
	if (out >= 0)
		close(out);
	return -1;
}

/* Pings that fill every neighbour cache on the probes' paths and prove the cluster
 * carries traffic before it is broken. */
static int warm_up(const struct demo_cluster *c)
{
	static const struct {
		const char *from, *to;
	} pings[] = {
		{ "pod-a", DEMO_GW1_IP },   { "pod-a", DEMO_POD_B_IP }, { "pod-c", DEMO_GW2_IP },
		{ "pod-a", DEMO_POD_C_IP }, { "pod-c", DEMO_POD_A_IP },
	};
	char ns[64], outcome[160];

	for (size_t i = 0; i < sizeof(pings) / sizeof(pings[0]); i++) {
		struct demo_probe p = { .netns = demo_cluster__netns(c, pings[i].from, ns,
								     sizeof(ns)),
					.proto = "icmp",
					.addr = pings[i].to,
					.timeout_s = 2 };

		if (demo_probe__run_in(&p, outcome, sizeof(outcome)) != PROBE_ANSWERED) {
			fprintf(stderr,
				"hoptrace demo: the demo cluster does not carry traffic "
				"here: %s -> %s: %s\n",
				pings[i].from, pings[i].to, outcome);
			return -1;
		}
	}
	return 0;
}

int demo_cluster__up(struct demo_cluster *c)
{
	c->built = true;
	if (demo_cluster__script(c, "building the demo cluster", script_up))
		return -1;
	return warm_up(c);
}

static void delete_netns(const char *name)
{
	char path[256];
	pid_t pid;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	if (access(path, F_OK))
		return;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0) {
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		execlp("ip", "ip", "netns", "del", name, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		command__wait_bounded(pid, script_timeout_s());
}

/* Puts the maximum back, unless someone else has set another value since. */
static void ct_restore(struct demo_cluster *c)
{
	if (c->ct_lowered && proc_file__read_number(CT_MAX_PATH) == c->ct_max_lowered &&
	    demo_ct_max__write(c->ct_max_saved))
		fprintf(stderr, "hoptrace demo: could not restore %s to %ld: %s\n", CT_MAX_PATH,
			c->ct_max_saved, strerror(errno));
	else if (c->ct_lowered)
		unlink(c->ct_state);
	c->ct_lowered = false;
	if (c->ct_lock_fd >= 0)
		close(c->ct_lock_fd);
	c->ct_lock_fd = -1;
}

void demo_cluster__down(struct demo_cluster *c)
{
	char ns[64];

	ct_restore(c);
	if (!c->built)
		return;
	for (int i = 0; demo_cluster_roles[i]; i++)
		delete_netns(demo_cluster__netns(c, demo_cluster_roles[i], ns, sizeof(ns)));
	c->built = false;
}

static int read_ct_count_fn(void *ctx)
{
	*(long *)ctx = proc_file__read_number(CT_COUNT_PATH);
	return 0;
}

long demo_cluster__ct_count(const struct demo_cluster *c, const char *role)
{
	char ns[64], path[128];
	long v = -1;

	snprintf(path, sizeof(path), "/run/netns/%s", demo_cluster__netns(c, role, ns, sizeof(ns)));
	if (nsenter__run(path, read_ct_count_fn, &v))
		return -1;
	return v;
}

int demo_cluster__ct_lock(struct demo_cluster *c)
{
	double deadline = clock__mono_s() + CT_LOCK_WAIT_S;
	int fd;

	if (c->ct_lock_fd >= 0)
		return 0;
	if (state_dir())
		return -1;
	fd = open(STATE_DIR "/conntrack.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_EX | LOCK_NB)) {
		int err = errno == EWOULDBLOCK ? EBUSY : errno;

		if (err != EBUSY || clock__mono_s() >= deadline) {
			close(fd);
			errno = err;
			return -1;
		}
		usleep(100 * 1000);
	}
	c->ct_lock_fd = fd;
	return 0;
}

int demo_cluster__ct_prepare(struct demo_cluster *c, long lowered)
{
	FILE *f;

	if (demo_cluster__ct_lock(c))
		return -1;
	c->ct_max_saved = proc_file__read_number(CT_MAX_PATH);
	if (c->ct_max_saved < 0)
		return -1;
	snprintf(c->ct_state, sizeof(c->ct_state), STATE_DIR "/%sconntrack", c->prefix);
	f = fopen(c->ct_state, "w");
	if (!f)
		return -1;
	fprintf(f, "%ld %ld\n", c->ct_max_saved, lowered);
	if (fclose(f))
		return -1;
	c->ct_max_lowered = lowered;
	c->ct_lowered = true;
	return 0;
}

/* The pid of a name made by a run ("htd<pid>-..."), or -1 for any other name. */
static int run_pid(const char *name)
{
	int pid, end = 0;

	if (sscanf(name, "htd%d-%n", &pid, &end) != 1 || !end || pid <= 0)
		return -1;
	return pid;
}

/* A run lives while it holds its lock; a run without a lock file (none was ever made)
 * lives while its pid does. */
static bool run_is_gone(int pid)
{
	char path[128];
	bool gone;
	int fd;

	if (pid == getpid())
		return false;
	snprintf(path, sizeof(path), STATE_DIR "/" DEMO_PREFIX_FMT "run.lock", pid);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return kill(pid, 0) && errno == ESRCH;
	gone = !flock(fd, LOCK_EX | LOCK_NB);
	close(fd);
	return gone;
}

static void restore_leftover_ct(const char *file)
{
	long saved, lowered;
	FILE *f = fopen(file, "r");
	int n;

	if (!f)
		return;
	n = fscanf(f, "%ld %ld", &saved, &lowered);
	fclose(f);
	/* Only undo our own change: if someone set another value since, keep it. */
	if (n == 2 && saved > 0 && proc_file__read_number(CT_MAX_PATH) == lowered &&
	    !demo_ct_max__write(saved))
		fprintf(stderr,
			"hoptrace demo: restored %s to %ld (left lowered by a killed run)\n",
			CT_MAX_PATH, saved);
}

#define LEFTOVERS_MAX 256

/* Names in dir made by runs that are gone; the names are strdup'ed. */
static int gone_names(const char *dir, char **names, int max)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max) {
		int pid = run_pid(e->d_name);

		if (pid > 0 && run_is_gone(pid) && (names[n] = strdup(e->d_name)))
			n++;
	}
	closedir(d);
	return n;
}

int demo_cluster__clean_leftovers(void)
{
	char *names[LEFTOVERS_MAX], path[512];
	int n, removed;

	/* Namespaces first: a run's lock file is what says it is gone. */
	removed = n = gone_names("/run/netns", names, LEFTOVERS_MAX);
	for (int i = 0; i < n; i++) {
		delete_netns(names[i]);
		free(names[i]);
	}
	n = gone_names(STATE_DIR, names, LEFTOVERS_MAX);
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), STATE_DIR "/%s", names[i]);
		if (strstr(names[i], "conntrack"))
			restore_leftover_ct(path);
		unlink(path);
		free(names[i]);
	}
	return removed;
}
