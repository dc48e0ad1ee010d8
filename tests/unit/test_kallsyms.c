// SPDX-License-Identifier: GPL-2.0
/* Unit tests of kallsyms symbolization, on fixtures and on the running kernel's table. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "host/kallsyms.h"

/* Fixtures live beside this file's directory, so the test runs from any build directory when
 * __FILE__ is absolute and from the repository root when it is relative. */
static const char *fixture(const char *name)
{
	static char path[4096];
	const char *slash = strrchr(__FILE__, '/');
	int dir_len = slash ? (int)(slash - __FILE__) : 1;

	snprintf(path, sizeof(path), "%.*s/../fixtures/%s", dir_len, slash ? __FILE__ : ".", name);
	return path;
}

static const char *fmt(struct kallsyms *ks, __u64 addr)
{
	static char buf[128];

	return kallsyms__format(ks, addr, buf, sizeof(buf));
}

static void test_fixture_lookup(void)
{
	struct kallsyms *ks = kallsyms__load(fixture("kallsyms.txt"));

	CHECK(ks != NULL);
	if (!ks)
		return;
	CHECK_STR(fmt(ks, 0xffffffff80000000ULL), "0xffffffff80000000"); /* before the first */
	CHECK_STR(fmt(ks, 0), "0x0");
	CHECK_STR(fmt(ks, 0xffffffff81001010ULL), "first_func+0x10"); /* T beats t and W */
	CHECK_STR(fmt(ks, 0xffffffff81002000ULL), "second_func+0x0");
	CHECK_STR(fmt(ks, 0xffffffff81003010ULL), "second_func+0x1010"); /* data skipped */
	CHECK_STR(fmt(ks, 0xffffffff81004001ULL), "__third_global+0x1"); /* global beats local */
	CHECK_STR(fmt(ks, 0xffffffff81006fffULL), "dup_name+0xfff");
	CHECK_STR(fmt(ks, 0xffffffff81007004ULL), "dup_name+0x4");
	CHECK_STR(fmt(ks, 0xffffffff81009000ULL), "_etext+0x1000"); /* unknown type skipped */
	CHECK_STR(fmt(ks, 0xffffffffc0000010ULL), "mod_init+0x10 [mymod]");
	CHECK_STR(fmt(ks, 0xffffffffc0000800ULL),
		  "bpf_prog_6deef7357e7b4530_sd_fw_ingress+0x0 [bpf]");
	CHECK_STR(fmt(ks, 0xffffffffc0001abcULL), "mod_func+0xabc [mymod]");
	CHECK_STR(fmt(ks, 0xffffffffc00020ffULL), "other_mod_func+0xff [othermod]");
	CHECK_STR(fmt(ks, 0xffffffffc0002110ULL), "other_mod_func2+0x10 [othermod]");
	/* Nothing bounds the highest symbol: far past it, the address stays hex. */
	CHECK_STR(fmt(ks, 0xffffffffd0000000ULL), "0xffffffffd0000000");
	CHECK_STR(fmt(ks, ~0ULL), "0xffffffffffffffff");
	kallsyms__free(ks);
}

static void test_small_buffer_truncates(void)
{
	struct kallsyms *ks = kallsyms__load(fixture("kallsyms.txt"));
	char buf[8];

	CHECK(ks != NULL);
	CHECK_STR(kallsyms__format(ks, 0xffffffff81001010ULL, buf, sizeof(buf)), "first_f");
	kallsyms__free(ks);
}

static void test_restricted_addresses(void)
{
	struct kallsyms *ks = kallsyms__load(fixture("kallsyms_restricted.txt"));

	CHECK(ks != NULL);
	CHECK_STR(fmt(ks, 0xffffffff81001010ULL), "0xffffffff81001010");
	CHECK_STR(fmt(ks, 0), "0x0");
	kallsyms__free(ks);
}

static void test_missing_file(void)
{
	errno = 0;
	CHECK(kallsyms__load(fixture("no-such-file")) == NULL);
	CHECK(errno == ENOENT);
	CHECK_STR(kallsyms__format(NULL, 0x1234, (char[16]){ 0 }, 16), "0x1234");
}

/* In address order (as /proc/kallsyms is) no sort runs: the preferred alias must still win
 * when it is not the first line of its address. */
static void test_sorted_input_prefers_alias(void)
{
	char path[] = "/tmp/hoptrace-kallsyms-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	struct kallsyms *ks;

	CHECK(f != NULL);
	if (!f)
		return;
	fputs("ffffffff81001000 t __first_alias\n"
	      "ffffffff81001000 W weak_first\n"
	      "ffffffff81001000 T first_func\n"
	      "ffffffff81002000 t second_func\n"
	      "ffffffff81002000 t second_func_alias\n"
	      "ffffffff81003000 T _etext\n",
	      f);
	fclose(f);
	ks = kallsyms__load(path);
	unlink(path);
	CHECK(ks != NULL);
	if (!ks)
		return;
	CHECK_STR(fmt(ks, 0xffffffff81001010ULL), "first_func+0x10");
	CHECK_STR(fmt(ks, 0xffffffff81002004ULL), "second_func+0x4"); /* ties: the earlier line */
	kallsyms__free(ks);
}

/* kallsyms__open reads at the first lookup, with the same answers; a file it cannot read
 * leaves every address as hex. */
static void test_open_reads_at_first_lookup(void)
{
	struct kallsyms *ks = kallsyms__open(fixture("kallsyms.txt"));

	CHECK(ks != NULL);
	if (ks) {
		CHECK_STR(fmt(ks, 0xffffffff81001010ULL), "first_func+0x10");
		CHECK_STR(fmt(ks, 0xffffffffc0001004ULL), "mod_func+0x4 [mymod]");
		kallsyms__free(ks);
	}
	ks = kallsyms__open(fixture("no-such-file"));
	CHECK(ks != NULL);
	if (ks) {
		CHECK_STR(fmt(ks, 0xffffffff81001010ULL), "0xffffffff81001010");
		CHECK_STR(fmt(ks, 0xffffffff81001010ULL), "0xffffffff81001010");
		kallsyms__free(ks);
	}
}

/* Returns the address of the first global text symbol of /proc/kallsyms, 0 if hidden. */
static __u64 first_global_text(void)
{
	unsigned long long addr = 0;
	char line[512], type;
	FILE *f = fopen("/proc/kallsyms", "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c", &addr, &type) == 2 && type == 'T' && addr)
			break;
		addr = 0;
	}
	if (f)
		fclose(f);
	return addr;
}

/* Valgrind slows loading tenfold; there the time bound would measure valgrind. */
static int under_valgrind(void)
{
	const char *preload = getenv("LD_PRELOAD");

	return preload && strstr(preload, "vgpreload");
}

static void test_proc_kallsyms(void)
{
	struct timespec t0, t1;
	struct kallsyms *ks;
	const char *got;
	double secs;
	__u64 addr;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ks = kallsyms__load("/proc/kallsyms");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!ks) {
		SKIP("/proc/kallsyms unreadable");
		return;
	}
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("  loaded /proc/kallsyms in %.3f s%s\n", secs,
	       under_valgrind() ? " (under valgrind: bound not checked)" : "");
	CHECK(secs < 1.0 || under_valgrind());

	addr = first_global_text();
	if (addr) {
		/* Aliases may share the address, so check the shape, not the name. */
		got = fmt(ks, addr);
		CHECK(strncmp(got, "0x", 2) != 0);
		CHECK(strlen(got) > 4 && !strcmp(got + strlen(got) - 4, "+0x0"));
	} else {
		SKIP("kernel addresses hidden (kptr_restrict)");
	}
	kallsyms__free(ks);
}

int main(void)
{
	RUN(test_fixture_lookup);
	RUN(test_sorted_input_prefers_alias);
	RUN(test_open_reads_at_first_lookup);
	RUN(test_small_buffer_truncates);
	RUN(test_restricted_addresses);
	RUN(test_missing_file);
	RUN(test_proc_kallsyms);
	CHECK_EXIT();
}
