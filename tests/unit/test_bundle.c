// SPDX-License-Identifier: GPL-2.0
/* --bundle's parts that need no namespace: the counters read from /proc text (as grep -H
 * prints it), the rises judged against traced drops, the ustar archive and the SHA-256. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <zlib.h>
#include "check.h"
#include "bundle/bundle_priv.h"

static const char proc_text[] =
	"/proc/net/snmp:Udp: InDatagrams NoPorts InErrors\n"
	"/proc/net/snmp:Udp: 10 3 0\n"
	"/proc/net/netstat:TcpExt: SyncookiesSent ListenDrops\n"
	"/proc/net/netstat:TcpExt: 0 7\n"
	"/proc/net/snmp6:Udp6NoPorts                     \t2\n"
	"/proc/net/dev:Inter-|   Receive                            |  Transmit\n"
	"/proc/net/dev:  eth0: 100 2 0 5 0 0 0 0 200 3 0 1 0 0 0 0\n"
	"/proc/net/softnet_stat:0000000a 00000002 00000001 00000000 00000000 00000000 00000000 "
	"00000000 00000000 00000000 00000000 00000000 00000001\n"
	"/proc/net/stat/nf_conntrack:entries clashres found new invalid\n"
	"/proc/net/stat/nf_conntrack:00000004 00000000 00000001 0000000a 00000002\n"
	"/proc/net/stat/nf_conntrack:00000004 00000000 00000002 00000005 00000000\n"
	"/proc/sys/net/ipv4/ip_forward:1\n"
	"/proc/sys/net/netfilter/nf_conntrack_count:4\n"
	"/proc/sys/net/netfilter/nf_conntrack_max:65536\n"
	"/proc/sys/net/ipv4/conf/eth0/rp_filter:2\n";

static double num(const cJSON *obj, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItem(obj, a);

	if (b)
		v = cJSON_GetObjectItem(v, b);
	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static void test_counters_parsed(void)
{
	cJSON *c = bundle_counters__parse(proc_text, true);
	cJSON *dev = cJSON_GetObjectItem(c, "dev"), *softnet = cJSON_GetObjectItem(c, "softnet");

	CHECK(num(c, "snmp", "Udp.NoPorts") == 3);
	CHECK(num(c, "snmp", "Udp.InDatagrams") == 10);
	CHECK(num(c, "netstat", "TcpExt.ListenDrops") == 7);
	CHECK(num(c, "snmp6", "Udp6NoPorts") == 2);
	CHECK(num(dev, "eth0", "rx_dropped") == 5);
	CHECK(num(dev, "eth0", "tx_dropped") == 1);
	CHECK(cJSON_GetArraySize(softnet) == 1);
	CHECK(num(cJSON_GetArrayItem(softnet, 0), "dropped", NULL) == 2);
	CHECK(num(cJSON_GetArrayItem(softnet, 0), "cpu", NULL) == 1);
	cJSON_Delete(c);
	/* softnet_stat is the machine's: not in another namespace's counters. */
	c = bundle_counters__parse(proc_text, false);
	CHECK(!cJSON_GetObjectItem(c, "softnet"));
	cJSON_Delete(c);
}

static void test_conntrack_and_sysctl(void)
{
	cJSON *ct = bundle_counters__conntrack(proc_text),
	      *sys = bundle_counters__sysctl(proc_text);
	cJSON *stats = cJSON_GetObjectItem(ct, "stats");

	CHECK(num(ct, "count", NULL) == 4);
	CHECK(num(ct, "max", NULL) == 65536);
	CHECK(num(stats, "found", NULL) == 3);
	CHECK(num(stats, "new", NULL) == 15);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(sys, "net.ipv4.ip_forward")), "1");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(sys, "net.ipv4.conf.eth0.rp_filter")),
		  "2");
	CHECK(!cJSON_GetObjectItem(sys, "net.netfilter.nf_conntrack_max") ||
	      cJSON_IsString(cJSON_GetObjectItem(sys, "net.netfilter.nf_conntrack_max")));
	cJSON_Delete(ct);
	cJSON_Delete(sys);
	/* No kernel statistics: conntrack -S's lines, summed over CPUs. */
	ct = bundle_counters__conntrack("");
	bundle_counters__conntrack_tool(ct, "cpu=0 found=1 invalid=2 insert_failed=0\n"
					    "cpu=1 found=3 invalid=0 insert_failed=1\n");
	stats = cJSON_GetObjectItem(ct, "stats");
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(ct, "count")));
	CHECK(num(stats, "found", NULL) == 4);
	CHECK(num(stats, "insert_failed", NULL) == 1);
	CHECK(!cJSON_GetObjectItem(stats, "cpu"));
	cJSON_Delete(ct);
}

static void test_ethtool(void)
{
	cJSON *e = bundle_counters__ethtool("NIC statistics:\n     rx_queue_0_drops: 9\n"
					    "     peer_ifindex: 4\n");

	CHECK(num(e, "rx_queue_0_drops", NULL) == 9);
	CHECK(num(e, "peer_ifindex", NULL) == 4);
	cJSON_Delete(e);
	CHECK(!bundle_counters__ethtool("Cannot get stats strings set: Operation not supported\n"));
}

static void remove_tree(const char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(!system(cmd));
}

static struct bundle *scratch_bundle(char *tmp)
{
	struct bundle *b = calloc(1, sizeof(*b));

	snprintf(b->dir, sizeof(b->dir), "%s", tmp);
	b->errors = cJSON_CreateArray();
	return b;
}

static void write_counters(struct bundle *b, const char *when, const char *snmp_noports,
			   const char *rx_dropped)
{
	char text[1024], name[256];
	cJSON *c;

	snprintf(text, sizeof(text),
		 "/proc/net/snmp:Udp: InDatagrams NoPorts\n/proc/net/snmp:Udp: 10 %s\n"
		 "/proc/net/dev:  eth0: 100 2 0 %s 0 0 0 0 200 3 0 0 0 0 0 0\n",
		 snmp_noports, rx_dropped);
	c = bundle_counters__parse(text, false);
	snprintf(name, sizeof(name), "netns/pod-a/%s/counters.json", when);
	CHECK(!bundle__write_json(b, name, c));
	cJSON_Delete(c);
}

static const cJSON *find_rise(const cJSON *top, const char *name)
{
	const cJSON *r;

	cJSON_ArrayForEach(
		r,
		cJSON_GetObjectItem(
			top,
			"rises")) if (!strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(r, "name")),
					      name)) return r;
	return NULL;
}

/* Udp.NoPorts rose by 2 with one drop traced there: unexplained. rx_dropped on eth0 rose
 * by 1 with one drop traced on eth0: explained. Counters that did not rise are left out. */
static void test_rises(void)
{
	char tmp[] = "/tmp/test_bundle.XXXXXX";
	struct bundle *b;
	cJSON *top;
	const cJSON *r;
	char *text;

	CHECK(mkdtemp(tmp));
	b = scratch_bundle(tmp);
	b->netns_count = 1;
	b->netns[0] = (struct bundle_netns){ .inode = 42, .dir = "pod-a", .label = "pod-a" };
	write_counters(b, "start", "3", "5");
	write_counters(b, "end", "5", "6");
	bundle__count_drop(b, 42, "eth0");
	/* As the receiver reads it: the integers are written as text. */
	top = bundle_rises__build(b);
	text = cJSON_PrintUnformatted(top);
	cJSON_Delete(top);
	top = cJSON_Parse(text);
	free(text);
	r = find_rise(top, "Udp.NoPorts");
	CHECK(r && num(r, "rise", NULL) == 2 && num(r, "traced_drops", NULL) == 1);
	CHECK(r && cJSON_IsTrue(cJSON_GetObjectItem(r, "unexplained")));
	r = find_rise(top, "rx_dropped");
	CHECK(r && num(r, "rise", NULL) == 1 && num(r, "traced_drops", NULL) == 1);
	CHECK(r && cJSON_IsFalse(cJSON_GetObjectItem(r, "unexplained")));
	CHECK(r && !strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(r, "device")), "eth0"));
	CHECK(!find_rise(top, "Udp.InDatagrams"));
	cJSON_Delete(top);
	b->dir[0] = '\0';
	bundle__free(b);
	remove_tree(tmp);
}

/* A file with a path past 100 bytes goes through the ustar prefix; the archive reads back
 * with a valid checksum, the data padded to 512. */
static void test_tar(void)
{
	char tmp[] = "/tmp/test_bundle.XXXXXX", path[512], target[600], rel[300];
	char block[512];
	unsigned int sum = 0, stored;
	char *files[1] = { rel };
	gzFile gz;
	FILE *f;

	CHECK(mkdtemp(tmp));
	snprintf(rel, sizeof(rel), "netns/%s/start/x.txt",
		 "a-namespace-with-a-rather-long-name-that-goes-on-and-on-beyond-the-hundred-bytes"
		 "-of-a-ustar-name");
	snprintf(path, sizeof(path), "%s/netns", tmp);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%.*s", tmp, (int)(strrchr(rel, '/') - rel - 6), rel);
	mkdir(path, 0755);
	strcat(path, "/start");
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	f = fopen(path, "w");
	CHECK(f);
	if (!f)
		return;
	fputs("hello\n", f);
	fclose(f);
	snprintf(target, sizeof(target), "%s/b.tar.gz", tmp);
	CHECK(bundle_tar__write(tmp, files, 1, target) == 0);
	CHECK(bundle_tar__write(tmp, files, 1, target) == -EEXIST);
	gz = gzopen(target, "rb");
	CHECK(gz && gzread(gz, block, 512) == 512);
	if (gz) {
		struct ustar_view {
			char name[100], mode[8], uid[8], gid[8], size[12], mtime[12], checksum[8];
		} *h = (void *)block;

		CHECK(!memcmp(block + 257, "ustar", 6));
		char joined[300];

		/* prefix "/" name is the path, whichever slash it was cut at. */
		snprintf(joined, sizeof(joined), "%.155s/%.100s", block + 345, h->name);
		CHECK_STR(joined, rel);
		CHECK(strtoul(h->size, NULL, 8) == 6);
		stored = strtoul(h->checksum, NULL, 8);
		memset(h->checksum, ' ', 8);
		for (int i = 0; i < 512; i++)
			sum += (unsigned char)block[i];
		CHECK(sum == stored);
		CHECK(gzread(gz, block, 512) == 512 && !memcmp(block, "hello\n", 6) && !block[6]);
		/* Two zero blocks end it. */
		CHECK(gzread(gz, block, 512) == 512 && !block[0]);
		CHECK(gzread(gz, block, 512) == 512 && !block[0]);
		CHECK(gzread(gz, block, 512) == 0);
		gzclose(gz);
	}
	remove_tree(tmp);
}

static void test_sha256(void)
{
	char tmp[] = "/tmp/test_bundle_sha.XXXXXX", hex[65];
	unsigned long long bytes;
	int fd = mkstemp(tmp);

	CHECK(fd >= 0 && write(fd, "abc", 3) == 3);
	close(fd);
	CHECK(bundle_sha256__file(tmp, hex, &bytes) == 0);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	CHECK(bytes == 3);
	unlink(tmp);
}

int main(void)
{
	RUN(test_counters_parsed);
	RUN(test_conntrack_and_sysctl);
	RUN(test_ethtool);
	RUN(test_rises);
	RUN(test_tar);
	RUN(test_sha256);
	CHECK_EXIT();
}
