/* SPDX-License-Identifier: GPL-2.0 */
/* "Did you mean": the closest of a set of names to a word typed wrong, by edit distance. */
#ifndef SUGGEST_H
#define SUGGEST_H

#include <stddef.h>

/* The words compared are short (option, subcommand and scenario names): longer ones are
 * cut to this length. */
#define SUGGEST_MAX_WORD 64

struct suggestion {
	char word[SUGGEST_MAX_WORD];
	const char *best; /* the closest candidate so far, or NULL */
	int distance;	  /* its distance to word */
};

/* Edit distance between a and b: insertions, deletions, substitutions and swaps of two
 * neighbouring characters each count one ("optimal string alignment"). */
int suggest__distance(const char *a, const char *b);

/* Starts a search for the name closest to the first len bytes of word. */
void suggest__init(struct suggestion *s, const char *word, size_t len);

/* Weighs one candidate; of equally close ones, the first is kept. */
void suggest__consider(struct suggestion *s, const char *candidate);

/* The closest candidate when it is close enough to be a likely typo of the word (at most
 * two edits, and fewer than half the word's length), else NULL. */
const char *suggest__best(const struct suggestion *s);

#endif /* SUGGEST_H */
