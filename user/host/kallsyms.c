// SPDX-License-Identifier: GPL-2.0
/* Kernel symbolization from a kallsyms file: a sorted array of text symbols, binary search. */
#include "host/kallsyms.h"
#include "util/line_builder.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Nothing marks where the highest symbol ends; past this span an address is left as hex
 * rather than blamed on it. Larger than any kernel function, smaller than module gaps. */
#define KALLSYMS_LAST_SPAN (1ULL << 20)

struct ksym {
	__u64 addr;
	__u32 name;   /* offset into strs */
	__u32 module; /* offset into strs; 0 is the empty string: no module */
	__u32 line;   /* position in the file, so ties resolve the same way every time */
	__u32 rank;   /* preference among symbols at one address, lower wins */
};

struct kallsyms {
	struct ksym *syms;
	size_t cnt, cap;
	char *strs; /* every name and module, NUL-terminated, back to back */
	size_t strs_len, strs_cap;
	__u32 last_module; /* /proc/kallsyms lists a module's symbols together: reuse its name */
	FILE *pending;	   /* kallsyms__open: opened, read at the first lookup */
	bool tried;	   /* ... which was made: syms holds what it found */
};

/* Appends s to the string pool; returns its offset, or -1 when out of memory. */
static long kallsyms__intern(struct kallsyms *ks, const char *s, size_t len)
{
	size_t off = ks->strs_len;
	char *strs;

	if (ks->strs_len + len + 1 > ks->strs_cap) {
		size_t cap = ks->strs_cap ? ks->strs_cap * 2 : 1 << 16;

		while (cap < ks->strs_len + len + 1)
			cap *= 2;
		strs = realloc(ks->strs, cap);
		if (!strs)
			return -1;
		ks->strs = strs;
		ks->strs_cap = cap;
	}
	memcpy(ks->strs + off, s, len);
	ks->strs[off + len] = '\0';
	ks->strs_len += len + 1;
	return off;
}

static struct ksym *kallsyms__append(struct kallsyms *ks)
{
	struct ksym *syms;

	if (ks->cnt == ks->cap) {
		size_t cap = ks->cap ? ks->cap * 2 : 4096;

		syms = realloc(ks->syms, cap * sizeof(*syms));
		if (!syms)
			return NULL;
		ks->syms = syms;
		ks->cap = cap;
	}
	return &ks->syms[ks->cnt++];
}

/* Among aliases at one address, a global function names it better than a local or weak one,
 * and "foo" better than "__foo". */
static __u32 ksym__rank(char type, const char *name)
{
	static const char order[] = "TtWw";
	__u32 rank = (__u32)(strchr(order, type) - order) << 8;

	while (*name == '_' && rank < 0xff) {
		name++;
		rank++;
	}
	return rank;
}

static int kallsyms__add_module(struct kallsyms *ks, const char *mod, size_t len, __u32 *off)
{
	long o;

	if (len == 0) {
		*off = 0;
		return 0;
	}
	if (ks->last_module && strlen(ks->strs + ks->last_module) == len &&
	    !memcmp(ks->strs + ks->last_module, mod, len)) {
		*off = ks->last_module;
		return 0;
	}
	o = kallsyms__intern(ks, mod, len);
	if (o < 0)
		return -ENOMEM;
	ks->last_module = *off = o;
	return 0;
}

/* Parses "<hex addr> <type> <name>[\t[module]]"; lines that are not text symbols, or whose
 * address is hidden as 0, are skipped. Returns 0 or -ENOMEM. */
static int kallsyms__parse_line(struct kallsyms *ks, char *line, __u32 lineno)
{
	char *p, *name, *mod = NULL, type;
	size_t name_len, mod_len = 0;
	struct ksym *sym;
	__u64 addr;
	long off;

	addr = strtoull(line, &p, 16);
	if (p == line || *p != ' ' || !p[1] || p[2] != ' ' || !strchr("tTwW", p[1]) || !addr)
		return 0;
	type = p[1];
	name = p + 3;
	name_len = strcspn(name, " \t\n");
	if (!name_len)
		return 0;
	p = name + name_len + strspn(name + name_len, " \t");
	if (*p == '[') {
		mod = p + 1;
		mod_len = strcspn(mod, "]\n");
	}

	off = kallsyms__intern(ks, name, name_len);
	sym = off < 0 ? NULL : kallsyms__append(ks);
	if (!sym)
		return -ENOMEM;
	sym->addr = addr;
	sym->name = off;
	sym->line = lineno;
	sym->rank = ksym__rank(type, ks->strs + off);
	return kallsyms__add_module(ks, mod, mod_len, &sym->module);
}

static int ksym__cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static bool kallsyms__sorted(const struct kallsyms *ks)
{
	for (size_t i = 1; i < ks->cnt; i++)
		if (ks->syms[i - 1].addr > ks->syms[i].addr)
			return false;
	return true;
}

/* Sorts by address and keeps the preferred symbol of each address. /proc/kallsyms comes in
 * address order already; sorting it anyway would cost a temporary copy as large as the
 * table (glibc's merge sort), a third of the peak memory of loading it. */
static void kallsyms__sort(struct kallsyms *ks)
{
	size_t i, n = 0;

	if (!ks->cnt)
		return;
	if (!kallsyms__sorted(ks))
		qsort(ks->syms, ks->cnt, sizeof(*ks->syms), ksym__cmp);
	for (i = 0; i < ks->cnt; i++) {
		if (n && ks->syms[n - 1].addr == ks->syms[i].addr) {
			if (ksym__cmp(&ks->syms[i], &ks->syms[n - 1]) < 0)
				ks->syms[n - 1] = ks->syms[i];
			continue;
		}
		ks->syms[n++] = ks->syms[i];
	}
	ks->cnt = n;
}

static int kallsyms__read(struct kallsyms *ks, FILE *f)
{
	size_t line_cap = 0;
	char *line = NULL;
	__u32 lineno = 0;
	int err = 0;

	while (!err && getline(&line, &line_cap, f) >= 0)
		err = kallsyms__parse_line(ks, line, lineno++);
	if (!err && ferror(f))
		err = -EIO;
	free(line);
	return err;
}

/* Reads f (and closes it) into an empty ks. Returns 0 or a negative errno. */
static int kallsyms__fill(struct kallsyms *ks, FILE *f)
{
	int err;

	/* Offset 0 of the pool is the empty string that means "no module". */
	err = kallsyms__intern(ks, "", 0) < 0 ? -ENOMEM : kallsyms__read(ks, f);
	fclose(f);
	if (!err)
		kallsyms__sort(ks);
	return err;
}

struct kallsyms *kallsyms__load(const char *path)
{
	FILE *f = fopen(path, "re");
	struct kallsyms *ks = f ? calloc(1, sizeof(*ks)) : NULL;
	int err = !f ? -errno : !ks ? -ENOMEM : kallsyms__fill(ks, f);

	if (err) {
		if (f && !ks)
			fclose(f);
		kallsyms__free(ks);
		errno = -err;
		return NULL;
	}
	ks->tried = true;
	return ks;
}

struct kallsyms *kallsyms__open(const char *path)
{
	struct kallsyms *ks = calloc(1, sizeof(*ks));

	/* Opened now: the kernel decides at open whether this reader sees addresses
	 * (kallsyms_show_value on the opener's credentials), and the trace drops CAP_SYSLOG
	 * once attached; a later open would read every address as 0. */
	if (ks)
		ks->pending = fopen(path, "re");
	return ks;
}

/* The first lookup of a kallsyms__open table reads it; a failed read leaves it empty, so
 * every address prints as hex, as with no table at all. */
static void kallsyms__ensure(struct kallsyms *ks)
{
	int err;

	if (ks->tried)
		return;
	ks->tried = true;
	if (!ks->pending)
		return;
	err = kallsyms__fill(ks, ks->pending);
	ks->pending = NULL;
	if (err) {
		free(ks->syms);
		ks->syms = NULL;
		ks->cnt = ks->cap = 0;
	}
}

void kallsyms__free(struct kallsyms *ks)
{
	if (!ks)
		return;
	free(ks->syms);
	free(ks->strs);
	if (ks->pending)
		fclose(ks->pending);
	free(ks);
}

/* Returns the symbol whose range [addr, next symbol's addr) holds addr, or NULL. */
static const struct ksym *kallsyms__find(const struct kallsyms *ks, __u64 addr)
{
	size_t lo = 0, hi = ks->cnt;

	/* Find the first symbol above addr; the one before it is the candidate. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	if (lo == ks->cnt && addr - ks->syms[lo - 1].addr >= KALLSYMS_LAST_SPAN)
		return NULL;
	return &ks->syms[lo - 1];
}

const char *kallsyms__format(struct kallsyms *ks, __u64 addr, char *buf, size_t size)
{
	const struct ksym *sym = NULL;
	struct line_builder l;

	if (ks) {
		kallsyms__ensure(ks);
		sym = kallsyms__find(ks, addr);
	}
	/* Every freed packet's hop asks: built without printf (util/line_builder.h). */
	line__init(&l, buf, size);
	if (!sym) {
		line__hex(&l, addr);
		return buf;
	}
	line__str(&l, ks->strs + sym->name);
	line__char(&l, '+');
	line__hex(&l, addr - sym->addr);
	if (sym->module) {
		line__str(&l, " [");
		line__str(&l, ks->strs + sym->module);
		line__char(&l, ']');
	}
	return buf;
}
