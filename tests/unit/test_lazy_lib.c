// SPDX-License-Identifier: GPL-2.0
/* Unit tests of opening a library on first use (util/lazy_lib.h): a library that is not
 * there and a function a library lacks are each said once, on one line; a present one is
 * called through its slot. The shims themselves run in test_pcap_filter and the e2e tests. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "util/lazy_lib.h"

/* Runs open twice with stderr in a file; returns what it printed (static buffer). */
static const char *open_twice(struct lazy_lib *lib, bool *first, bool *second)
{
	static char text[512];
	FILE *f = tmpfile();
	int saved = dup(STDERR_FILENO);
	size_t n;

	if (!f || saved < 0)
		return "";
	fflush(stderr);
	dup2(fileno(f), STDERR_FILENO);
	*first = lazy_lib__open(lib);
	*second = lazy_lib__open(lib);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = 0;
	fclose(f);
	return text;
}

static int lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_absent_library(void)
{
	static const char *const names[] = { "f", NULL };
	void *slots[1] = {};
	struct lazy_lib lib = { "libhoptrace-absent.so.9", names, slots, 0 };
	bool first, second;
	const char *err = open_twice(&lib, &first, &second);

	CHECK(!first && !second);
	CHECK(lines(err) == 1);
	CHECK(!strncmp(err, "hoptrace: cannot load libhoptrace-absent.so.9: ", 47));
}

static void test_missing_function(void)
{
	static const char *const names[] = { "getpid", "hoptrace_no_such_function", NULL };
	void *slots[2] = {};
	struct lazy_lib lib = { "libc.so.6", names, slots, 0 };
	bool first, second;
	const char *err = open_twice(&lib, &first, &second);

	CHECK(!first && !second);
	CHECK(lines(err) == 1);
	CHECK(!strncmp(err, "hoptrace: libc.so.6 has no hoptrace_no_such_function: ", 54));
}

static void test_present_function(void)
{
	static const char *const names[] = { "getpid", NULL };
	void *slots[1] = {};
	struct lazy_lib lib = { "libc.so.6", names, slots, 0 };
	bool first, second;
	const char *err = open_twice(&lib, &first, &second);

	CHECK(first && second);
	CHECK_STR(err, "");
	CHECK(slots[0] && ((pid_t(*)(void))slots[0])() == getpid());
}

int main(void)
{
	RUN(test_absent_library);
	RUN(test_missing_function);
	RUN(test_present_function);
	CHECK_EXIT();
}
