// SPDX-License-Identifier: GPL-2.0
/* "Did you mean": a misspelt option or subcommand is answered with the nearest valid name
 * instead of only "unknown". */
#include <stdio.h>
#include <string.h>
#include "cli/suggest.h"

#define MAX_EDITS 2

static int min3(int a, int b, int c)
{
	int m = a < b ? a : b;

	return m < c ? m : c;
}

int suggest__distance(const char *a, const char *b)
{
	/* Three rows of the dynamic-programming table: the swap looks two rows back. */
	int rows[3][SUGGEST_MAX_WORD + 1];
	int la = strnlen(a, SUGGEST_MAX_WORD), lb = strnlen(b, SUGGEST_MAX_WORD);
	int *prev2 = rows[0], *prev = rows[1], *cur = rows[2], *spare;

	for (int j = 0; j <= lb; j++)
		prev[j] = j;
	for (int i = 1; i <= la; i++) {
		cur[0] = i;
		for (int j = 1; j <= lb; j++) {
			int change = a[i - 1] != b[j - 1];

			cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + change);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    prev2[j - 2] + 1 < cur[j])
				cur[j] = prev2[j - 2] + 1;
		}
		spare = prev2;
		prev2 = prev;
		prev = cur;
		cur = spare;
	}
	return prev[lb];
}

void suggest__init(struct suggestion *s, const char *word, size_t len)
{
	snprintf(s->word, sizeof(s->word), "%.*s", (int)len, word);
	s->best = NULL;
	s->distance = 0;
}

void suggest__consider(struct suggestion *s, const char *candidate)
{
	int d = suggest__distance(s->word, candidate);

	if (!s->best || d < s->distance) {
		s->best = candidate;
		s->distance = d;
	}
}

const char *suggest__best(const struct suggestion *s)
{
	int len = strlen(s->word);

	if (!s->best || s->distance == 0 || s->distance > MAX_EDITS || 2 * s->distance >= len)
		return NULL;
	return s->best;
}
