/* SPDX-License-Identifier: GPL-2.0 */
/* One output line built in place from strings, padded columns and integers, without the
 * format parsing of printf: the text sink writes a line per hop, and printf's machinery was
 * two fifths of the reader's time in a flood. What does not fit is cut, like snprintf. */
#ifndef LINE_BUILDER_H
#define LINE_BUILDER_H

#include <stddef.h>
#include <linux/types.h>

struct line_builder {
	char *buf;
	size_t len, size; /* buf holds len bytes and a NUL; size counts the NUL */
};

void line__init(struct line_builder *l, char *buf, size_t size);
void line__str(struct line_builder *l, const char *s);
void line__char(struct line_builder *l, char c);
/* s in a column of width: right-aligned ("%*s") or left-aligned ("%-*s"). Never cut. */
void line__right(struct line_builder *l, const char *s, size_t width);
void line__left(struct line_builder *l, const char *s, size_t width);
void line__u64(struct line_builder *l, __u64 v);
/* v in lower-case hex with "0x" before it ("0x%llx"). */
void line__hex(struct line_builder *l, __u64 v);
/* ns as microseconds with a sign and three decimals: "+12.345" ("%+.3f" of ns / 1000.0). */
void line__us3(struct line_builder *l, __s64 ns);

#endif /* LINE_BUILDER_H */
