// SPDX-License-Identifier: GPL-2.0
/* The line builder (line_builder.h). */
#include <string.h>
#include "util/line_builder.h"

void line__init(struct line_builder *l, char *buf, size_t size)
{
	l->buf = buf;
	l->size = size;
	l->len = 0;
	if (size)
		buf[0] = 0;
}

static void put(struct line_builder *l, const char *s, size_t n)
{
	if (!l->size || l->len + 1 >= l->size)
		return;
	if (n > l->size - 1 - l->len)
		n = l->size - 1 - l->len;
	memcpy(l->buf + l->len, s, n);
	l->len += n;
	l->buf[l->len] = 0;
}

static void pad(struct line_builder *l, size_t n)
{
	static const char blanks[] = "                                ";

	while (n) {
		size_t k = n < sizeof(blanks) - 1 ? n : sizeof(blanks) - 1;

		put(l, blanks, k);
		n -= k;
	}
}

void line__str(struct line_builder *l, const char *s)
{
	put(l, s, strlen(s));
}

void line__char(struct line_builder *l, char c)
{
	put(l, &c, 1);
}

void line__right(struct line_builder *l, const char *s, size_t width)
{
	size_t n = strlen(s);

	if (n < width)
		pad(l, width - n);
	put(l, s, n);
}

void line__left(struct line_builder *l, const char *s, size_t width)
{
	size_t n = strlen(s);

	put(l, s, n);
	if (n < width)
		pad(l, width - n);
}

/* Digits of v at the end of buf (20 bytes hold any u64); returns where they start. */
static char *digits(char *end, __u64 v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

void line__u64(struct line_builder *l, __u64 v)
{
	char buf[20], *end = buf + sizeof(buf), *p = digits(end, v);

	put(l, p, end - p);
}

void line__hex(struct line_builder *l, __u64 v)
{
	static const char hex[] = "0123456789abcdef";
	char buf[18], *end = buf + sizeof(buf), *p = end;

	do {
		*--p = hex[v & 0xf];
		v >>= 4;
	} while (v);
	*--p = 'x';
	*--p = '0';
	put(l, p, end - p);
}

void line__us3(struct line_builder *l, __s64 ns)
{
	/* The magnitude as unsigned: negating the most negative __s64 would overflow. */
	__u64 mag = ns < 0 ? -(__u64)ns : (__u64)ns;
	char buf[24], *end = buf + sizeof(buf), *p;

	p = digits(end, mag % 1000);
	while (end - p < 3)
		*--p = '0';
	*--p = '.';
	p = digits(p, mag / 1000);
	*--p = ns < 0 ? '-' : '+';
	put(l, p, end - p);
}
