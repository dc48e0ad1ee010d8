// SPDX-License-Identifier: GPL-2.0
/* The line builder against printf, which it stands in for in the text sink's hop lines. */
#include <stdio.h>
#include <string.h>
#include "check.h"
#include "util/line_builder.h"

/* ns / 1000 with three decimals and a sign, as "%+.3f" prints it. */
static void test_us3_as_printf(void)
{
	static const long long cases[] = {
		0,	 1,	    9,		10, 999,  1000,	 1001,	   12345,	    999999,
		1000000, 123456789, 4000000123, -1, -999, -1000, -1234567, 86400000000000LL
	};
	char got[32], want[32];
	struct line_builder l;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		line__init(&l, got, sizeof(got));
		line__us3(&l, cases[i]);
		snprintf(want, sizeof(want), "%+.3f", (double)cases[i] / 1000.0);
		CHECK_STR(got, want);
	}
}

static void test_columns_as_printf(void)
{
	static const char *words[] = { "", "a", "netns-1", "exactly14chars",
				       "longer than fourteen" };
	char got[128], want[128];
	struct line_builder l;

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		line__init(&l, got, sizeof(got));
		line__right(&l, words[i], 14);
		line__char(&l, '|');
		line__left(&l, words[i], 14);
		line__char(&l, '|');
		line__u64(&l, 18446744073709551615ULL);
		line__char(&l, '|');
		line__u64(&l, 0);
		line__char(&l, '|');
		line__hex(&l, 0xffff888125c8b600ULL >> (i * 8));
		line__char(&l, '|');
		line__hex(&l, 0);
		snprintf(want, sizeof(want), "%14s|%-14s|%llu|%u|0x%llx|0x%x", words[i], words[i],
			 18446744073709551615ULL, 0, 0xffff888125c8b600ULL >> (i * 8), 0);
		CHECK_STR(got, want);
		CHECK(l.len == strlen(want));
	}
}

/* What does not fit is cut, and the string stays terminated, as with snprintf. */
static void test_cut_at_the_end(void)
{
	char buf[8];
	struct line_builder l;

	line__init(&l, buf, sizeof(buf));
	line__str(&l, "abc");
	line__right(&l, "de", 6);
	CHECK_STR(buf, "abc    ");
	line__u64(&l, 12345);
	line__char(&l, 'x');
	CHECK_STR(buf, "abc    ");
	CHECK(l.len == 7);
	line__init(&l, buf, sizeof(buf));
	line__us3(&l, -123456789);
	CHECK_STR(buf, "-123456"); /* "-123456.789" cut to 7 */
}

int main(void)
{
	RUN(test_us3_as_printf);
	RUN(test_columns_as_printf);
	RUN(test_cut_at_the_end);
	CHECK_EXIT();
}
