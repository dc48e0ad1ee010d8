// SPDX-License-Identifier: GPL-2.0
/* Unit tests of "did you mean": the edit distance, and which candidate is offered when. */
#include "check.h"
#include "cli/suggest.h"

static void test_distance(void)
{
	CHECK(suggest__distance("", "") == 0);
	CHECK(suggest__distance("json", "json") == 0);
	CHECK(suggest__distance("", "json") == 4);
	CHECK(suggest__distance("json", "") == 4);
	CHECK(suggest__distance("pod-iq", "pod-ip") == 1); /* substitution */
	CHECK(suggest__distance("jso", "json") == 1);	   /* insertion */
	CHECK(suggest__distance("jsonn", "json") == 1);	   /* deletion */
	CHECK(suggest__distance("jsno", "json") == 1);	   /* two neighbours swapped */
	CHECK(suggest__distance("prot", "port") == 1);
	CHECK(suggest__distance("kitten", "sitting") == 3);
	CHECK(suggest__distance("ca", "abc") == 3); /* optimal string alignment, not Damerau */
	CHECK(suggest__distance("durration", "duration") == 1);
}

static const char *closest(const char *word, const char *const *names)
{
	struct suggestion s;

	suggest__init(&s, word, strlen(word));
	for (int i = 0; names[i]; i++)
		suggest__consider(&s, names[i]);
	return suggest__best(&s);
}

static void test_best(void)
{
	static const char *const options[] = { "pod-ip", "peer",  "proto",   "port",
					       "json",	 "quiet", "verbose", NULL };
	static const char *const subcommands[] = { "trace", "hooks", "demo", "selftest", NULL };
	struct suggestion s;

	CHECK_STR(closest("pod-iq", options), "pod-ip");
	CHECK_STR(closest("jsno", options), "json");
	CHECK_STR(closest("quite", options), "quiet");
	CHECK_STR(closest("hoks", subcommands), "hooks");
	CHECK_STR(closest("selftset", subcommands), "selftest");
	/* Far from every name: no guess. */
	CHECK(closest("frobnicate", options) == NULL);
	CHECK(closest("frob", subcommands) == NULL);
	/* Short words: one edit is half of "ab", so it is no evidence of a typo. */
	CHECK(closest("pe", options) == NULL);
	CHECK(closest("x", options) == NULL);
	/* An exact name is no typo. */
	CHECK(closest("json", options) == NULL);
	/* Ties keep the first candidate. */
	CHECK_STR(closest("pot", (const char *const[]){ "port", "post", NULL }), "port");
	/* Only the first len bytes of the word count ("--pod-iq=10.0.0.1"). */
	suggest__init(&s, "pod-iq=10.0.0.1", 6);
	for (int i = 0; options[i]; i++)
		suggest__consider(&s, options[i]);
	CHECK_STR(suggest__best(&s), "pod-ip");
}

/* Words longer than SUGGEST_MAX_WORD are cut, never overrun. */
static void test_long_words(void)
{
	char word[200];

	memset(word, 'a', sizeof(word) - 1);
	word[sizeof(word) - 1] = 0;
	CHECK(suggest__distance(word, "a") == SUGGEST_MAX_WORD - 1);
	CHECK(closest(word, (const char *const[]){ "json", NULL }) == NULL);
}

int main(void)
{
	RUN(test_distance);
	RUN(test_best);
	RUN(test_long_words);
	CHECK_EXIT();
}
