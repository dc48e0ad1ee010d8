/* SPDX-License-Identifier: GPL-2.0 */
/* A minimal unit-test harness: each case prints PASS/FAIL/SKIP on its own line, which
 * tests/run.sh counts; the binary exits non-zero when a case failed. */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>
#include <string.h>

static int check__failed_cases;
static int check__case_failed;
static const char *check__skip_reason;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "  %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			check__case_failed = 1;                                                    \
		}                                                                                  \
	} while (0)

#define CHECK_STR(got, want)                                                                      \
	do {                                                                                      \
		const char *check__g = (got), *check__w = (want);                                 \
		if (!check__g || strcmp(check__g, check__w)) {                                    \
			fprintf(stderr, "  %s:%d: got \"%s\", want \"%s\"\n", __FILE__, __LINE__, \
				check__g ? check__g : "(null)", check__w);                        \
			check__case_failed = 1;                                                   \
		}                                                                                 \
	} while (0)

/* Marks the running case skipped, with the reason printed beside it. */
#define SKIP(reason) (check__skip_reason = (reason))

#define RUN(fn)                                                                \
	do {                                                                   \
		check__case_failed = 0;                                        \
		check__skip_reason = NULL;                                     \
		fn();                                                          \
		if (check__case_failed) {                                      \
			check__failed_cases++;                                 \
			printf("FAIL unit %s\n", #fn);                         \
		} else if (check__skip_reason) {                               \
			printf("SKIP unit %s: %s\n", #fn, check__skip_reason); \
		} else {                                                       \
			printf("PASS unit %s\n", #fn);                         \
		}                                                              \
	} while (0)

#define CHECK_EXIT() return check__failed_cases ? 1 : 0

#endif /* CHECK_H */
