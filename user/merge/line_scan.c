// SPDX-License-Identifier: GPL-2.0
/* What loading a trace needs of each hop and packet line (its type, hook, ids, time, fate
 * and join key), read from the line's text without building a tree: parsing a few hundred
 * thousand lines into cJSON trees only to read ten fields of each spent most of a large
 * merge's time in malloc and free.
 *
 * The scan accepts only what cJSON accepts and reads what cJSON would (the first member of
 * a name, numbers through strtod as cJSON reads them). Whatever it is not sure of (a
 * backslash or NUL byte anywhere in the line, leading blanks, deep nesting, anything it
 * does not accept) it leaves to cJSON: the caller parses the line then, as before. */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "merge/line_scan.h"
#include "merge/merge.h"

/* cJSON's CJSON_NESTING_LIMIT: deeper is cJSON's to refuse. */
#define NESTING_LIMIT 1000

struct jv {
	char kind;	 /* 's' string, 'n' number, 'o' object, 'a' array, 'l' literal */
	const char *s;	 /* string: its text; object: its '{'; number: its first character */
	size_t len;	 /* string: its length; object: up to and with its '}'; number: read */
	const char *raw; /* the value's text, quotes and all */
	size_t raw_len;
};

struct scan {
	const char *end;
	char point; /* the locale's decimal point, which cJSON writes for '.' before strtod */
};

static const char *blanks(const char *p, const char *e)
{
	while (p < e && (unsigned char)*p <= 32)
		p++;
	return p;
}

static const char *value(const struct scan *sc, const char *p, int depth, struct jv *v);

/* cJSON's reading of a number: its characters, at most 63, through strtod; returns how
 * many strtod read (0: none, no number). */
static size_t strtod_as_cjson(char point, const char *p, const char *end, double *num)
{
	char text[64], *after;
	size_t i;

	for (i = 0; i < sizeof(text) - 1 && p + i < end; i++) {
		char c = p[i];

		if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == 'e' || c == 'E')
			text[i] = c;
		else if (c == '.')
			text[i] = point;
		else
			break;
	}
	text[i] = 0;
	*num = strtod(text, &after);
	return (size_t)(after - text);
}

static const char *number(const struct scan *sc, const char *p, struct jv *v)
{
	size_t i = p < sc->end && *p == '-', digits = 0;
	double unused;

	/* Digits alone (most numbers of a trace): strtod would read them all. */
	while (p + i < sc->end && p[i] >= '0' && p[i] <= '9')
		i++, digits++;
	if (!digits || i >= 63 ||
	    (p + i < sc->end &&
	     (p[i] == '+' || p[i] == '-' || p[i] == 'e' || p[i] == 'E' || p[i] == '.')))
		i = strtod_as_cjson(sc->point, p, sc->end, &unused);
	if (!i)
		return NULL;
	v->kind = 'n';
	v->len = i;
	return p + i;
}

/* A number's value as cJSON reads it. */
static double number_value(const struct scan *sc, const struct jv *v)
{
	size_t i = *v->s == '-';
	double num;
	long long n = 0;

	if (v->len - i <= 15) {
		for (; i < v->len && v->s[i] >= '0' && v->s[i] <= '9'; i++)
			n = n * 10 + (v->s[i] - '0');
		if (i == v->len) /* exact in a double, as strtod reads it */
			return *v->s == '-' ? -(double)n : (double)n;
	}
	strtod_as_cjson(sc->point, v->s, sc->end, &num);
	return num;
}

/* The members of an object at p (its '{'), each given to fn until it returns true. */
static const char *members(const struct scan *sc, const char *p, int depth,
			   bool (*fn)(void *arg, const char *key, size_t len, const struct jv *v),
			   void *arg)
{
	const char *e = sc->end;

	if (depth >= NESTING_LIMIT)
		return NULL;
	p = blanks(p + 1, e);
	if (p < e && *p == '}')
		return p + 1;
	for (;;) {
		const char *key, *q;
		struct jv v;

		if (p >= e || *p != '"')
			return NULL;
		key = p + 1;
		q = memchr(key, '"', (size_t)(e - key));
		if (!q)
			return NULL;
		p = blanks(q + 1, e);
		if (p >= e || *p != ':')
			return NULL;
		p = value(sc, blanks(p + 1, e), depth + 1, &v);
		if (!p)
			return NULL;
		if (fn && fn(arg, key, (size_t)(q - key), &v))
			fn = NULL; /* found: the rest is only checked */
		p = blanks(p, e);
		if (p < e && *p == ',') {
			p = blanks(p + 1, e);
			continue;
		}
		if (p < e && *p == '}')
			return p + 1;
		return NULL;
	}
}

static const char *array(const struct scan *sc, const char *p, int depth)
{
	const char *e = sc->end;
	struct jv v;

	if (depth >= NESTING_LIMIT)
		return NULL;
	p = blanks(p + 1, e);
	if (p < e && *p == ']')
		return p + 1;
	for (;;) {
		p = value(sc, p, depth + 1, &v);
		if (!p)
			return NULL;
		p = blanks(p, e);
		if (p < e && *p == ',') {
			p = blanks(p + 1, e);
			continue;
		}
		if (p < e && *p == ']')
			return p + 1;
		return NULL;
	}
}

static const char *value_at(const struct scan *sc, const char *p, int depth, struct jv *v);

static const char *value(const struct scan *sc, const char *p, int depth, struct jv *v)
{
	const char *end = value_at(sc, p, depth, v);

	v->raw = p;
	v->raw_len = end ? (size_t)(end - p) : 0;
	return end;
}

static const char *value_at(const struct scan *sc, const char *p, int depth, struct jv *v)
{
	const char *e = sc->end, *q;
	size_t left = (size_t)(e - p);

	v->s = p;
	if (p >= e)
		return NULL;
	if (left >= 4 && !memcmp(p, "null", 4)) {
		v->kind = 'l';
		return p + 4;
	}
	if (left >= 5 && !memcmp(p, "false", 5)) {
		v->kind = 'l';
		return p + 5;
	}
	if (left >= 4 && !memcmp(p, "true", 4)) {
		v->kind = 'l';
		return p + 4;
	}
	switch (*p) {
	case '"':
		q = memchr(p + 1, '"', left - 1);
		if (!q)
			return NULL;
		v->kind = 's';
		v->s = p + 1;
		v->len = (size_t)(q - p - 1);
		return q + 1;
	case '[':
		v->kind = 'a';
		return array(sc, p, depth);
	case '{':
		v->kind = 'o';
		q = members(sc, p, depth, NULL, NULL);
		v->len = q ? (size_t)(q - p) : 0;
		return q;
	default:
		if (*p == '-' || (*p >= '0' && *p <= '9'))
			return number(sc, p, v);
		return NULL;
	}
}

const char *const merge_key__tuple[MERGE_KEY_TUPLE_FIELDS] = { "family", "proto", "src",
							       "dst",	 "sport", "dport" };
const char *const merge_key__ident[MERGE_KEY_IDENT_FIELDS] = { "ip_id", "tcp_seq", "tcp_ack",
							       "udp_len", "icmp_seq" };

/* A key (no NUL in it) is name. */
static bool is(const char *key, size_t len, const char *name)
{
	return len && *key == *name && !strncmp(name, key, len) && !name[len];
}

/* One member of an already scanned object. */
struct wanted {
	const char *name;
	struct jv v;
	bool found;
};

static bool take_wanted(void *arg, const char *key, size_t len, const struct jv *v)
{
	struct wanted *w = arg;

	if (!is(key, len, w->name))
		return false;
	w->v = *v;
	w->found = true;
	return true;
}

/* The member `name` of the object v (scanned before: it holds), as cJSON finds it. */
static bool member(const struct scan *sc, const struct jv *obj, const char *name, struct jv *v)
{
	struct wanted w = { .name = name };
	struct scan in = { obj->s + obj->len, sc->point };

	if (obj->kind != 'o')
		return false;
	members(&in, obj->s, 0, take_wanted, &w);
	*v = w.v;
	return w.found;
}

static bool member_object(const struct scan *sc, const struct jv *obj, const char *name,
			  struct jv *v)
{
	return member(sc, obj, name, v) && v->kind == 'o';
}

void merge_key__append(char *buf, size_t *n, size_t size, char kind, const char *s, size_t len,
		       double num)
{
	char val[128];
	int w;

	if (*n >= size)
		return;
	if (kind == 's')
		w = snprintf(val, sizeof(val), "%.*s", (int)(len < sizeof(val) ? len : sizeof(val)),
			     s);
	else if (kind == 'n' && fabs(num) < 1e15 && num == (double)(long long)num &&
		 !(num == 0 && signbit(num)))
		/* What %.17g writes of an integer (the identities are), at a tenth the cost. */
		w = snprintf(val, sizeof(val), "%lld", (long long)num);
	else if (kind == 'n')
		w = snprintf(val, sizeof(val), "%.17g", num);
	else
		w = snprintf(val, sizeof(val), "-");
	if (w >= (int)sizeof(val))
		w = sizeof(val) - 1;
	if (*n + (size_t)w + 1 < size) {
		memcpy(buf + *n, val, (size_t)w);
		buf[*n + (size_t)w] = '|';
		buf[*n + (size_t)w + 1] = 0;
	}
	*n += (size_t)w + 1;
}

/* Several members of an object at once, each its first. */
struct wanted_set {
	const char *const *names;
	size_t count;
	struct jv *v;
};

static bool take_wanted_set(void *arg, const char *key, size_t len, const struct jv *v)
{
	struct wanted_set *w = arg;

	for (size_t i = 0; i < w->count; i++) {
		if (!is(key, len, w->names[i]))
			continue;
		if (!w->v[i].kind)
			w->v[i] = *v;
		break;
	}
	return false;
}

/* The members `names` of obj into a key, in their order. */
static void append_members(const struct scan *sc, const struct jv *obj, const char *const *names,
			   size_t count, char *buf, size_t *n, size_t size)
{
	struct jv v[8];
	struct wanted_set w = { names, count, v };
	struct scan in = { obj->s + obj->len, sc->point };

	memset(v, 0, sizeof(v));
	members(&in, obj->s, 0, take_wanted_set, &w);
	for (size_t i = 0; i < count; i++)
		merge_key__append(buf, n, size, v[i].kind, v[i].s, v[i].len,
				  v[i].kind == 'n' ? number_value(&in, &v[i]) : 0);
}

/* The join key of the hop (merge__hop_key), from its members. */
static bool scan_key(const struct scan *sc, const struct jv *tunnel_v, const struct jv *tunnel_g,
		     const struct jv *tuple_v, const struct jv *ident, bool has_ident, char *buf,
		     size_t size)
{
	const struct jv *tunnel = tunnel_v->kind == 'o' ? tunnel_v :
				  tunnel_g->kind == 'o' ? tunnel_g :
							  NULL;
	struct jv tuple;
	size_t n = 0;

	buf[0] = 0;
	if (tunnel) {
		if (!member_object(sc, tunnel, "inner", &tuple))
			return false;
	} else if (tuple_v->kind == 'o') {
		tuple = *tuple_v;
	} else {
		return false;
	}
	/* cJSON_GetArraySize(ident): an empty identity keys nothing. */
	if (!has_ident || ident->kind != 'o' || *blanks(ident->s + 1, ident->s + ident->len) == '}')
		return false;
	append_members(sc, &tuple, merge_key__tuple, MERGE_KEY_TUPLE_FIELDS, buf, &n, size);
	append_members(sc, ident, merge_key__ident, MERGE_KEY_IDENT_FIELDS, buf, &n, size);
	return n < size;
}

/* The top-level members loading needs, each its first. */
struct top {
	struct jv type, hook, fate, pkt, flow, ts, vxlan, geneve, tuple, ident;
	bool has_ident;
};

static bool take_top(void *arg, const char *key, size_t len, const struct jv *v)
{
	static const struct {
		const char *name;
		size_t off;
	} names[] = {
		{ "type", offsetof(struct top, type) },
		{ "hook", offsetof(struct top, hook) },
		{ "fate", offsetof(struct top, fate) },
		{ "pkt", offsetof(struct top, pkt) },
		{ "flow", offsetof(struct top, flow) },
		{ "ts_ns", offsetof(struct top, ts) },
		{ "vxlan", offsetof(struct top, vxlan) },
		{ "geneve", offsetof(struct top, geneve) },
		{ "tuple", offsetof(struct top, tuple) },
		{ "ident", offsetof(struct top, ident) },
	};
	struct top *t = arg;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct jv *slot = (struct jv *)((char *)t + names[i].off);

		if (!is(key, len, names[i].name))
			continue;
		if (!slot->kind) { /* the first of a name is cJSON's */
			*slot = *v;
			if (slot == &t->ident)
				t->has_ident = true;
		}
		break;
	}
	return false;
}

static void string_of(const struct jv *v, struct merge_span *s)
{
	*s = v->kind == 's' ? (struct merge_span){ v->s, v->len } : (struct merge_span){ 0 };
}

static void number_of(const struct scan *sc, const struct jv *v, bool *has, double *num)
{
	*has = v->kind == 'n';
	*num = *has ? number_value(sc, v) : 0;
}

int merge_line__scan(const char *line, size_t len, struct merge_line *out)
{
	struct scan sc = { line + len, localeconv()->decimal_point[0] };
	struct top t;

	memset(&t, 0, sizeof(t));
	if (!len || line[0] != '{' || memchr(line, '\\', len) || memchr(line, 0, len))
		return -1;
	if (!members(&sc, line, 0, take_top, &t))
		return -1;
	memset(out, 0, sizeof(*out));
	string_of(&t.type, &out->type);
	string_of(&t.hook, &out->hook);
	string_of(&t.fate, &out->fate);
	number_of(&sc, &t.pkt, &out->has_pkt, &out->pkt);
	number_of(&sc, &t.flow, &out->has_flow, &out->flow);
	/* ts_ns is read from the text (exact_ts): its double only when that finds none. */
	number_of(&sc, &t.ts, &out->has_ts, &out->ts);
	out->has_key = scan_key(&sc, &t.vxlan, &t.geneve, &t.tuple, &t.ident, t.has_ident, out->key,
				sizeof(out->key));
	return 0;
}

cJSON *merge_line__subset(const char *text, size_t len, const char *const *names, size_t count)
{
	struct scan sc = { text + len, localeconv()->decimal_point[0] };
	struct jv v[16];
	struct wanted_set w = { names, count, v };
	cJSON *obj;

	if (count > sizeof(v) / sizeof(v[0]) || !len || text[0] != '{' || memchr(text, '\\', len) ||
	    memchr(text, 0, len))
		return NULL;
	memset(v, 0, sizeof(v));
	if (!members(&sc, text, 0, take_wanted_set, &w))
		return NULL;
	obj = cJSON_CreateObject();
	for (size_t i = 0; obj && i < count; i++) {
		cJSON *item;

		if (!v[i].kind)
			continue;
		/* The value alone parses as it did in its line. */
		item = cJSON_ParseWithLength(v[i].raw, v[i].raw_len);
		if (!item) {
			cJSON_Delete(obj);
			return NULL;
		}
		cJSON_AddItemToObject(obj, names[i], item);
	}
	return obj;
}

/* Whether cJSON prints the value at raw as it is: no blank outside strings, no control
 * character inside one, each number in the form cJSON prints it (an integer of at most 15
 * digits, no leading zero). The line holds no backslash. */
static bool printed_as_is(const char *raw, size_t len)
{
	const char *p = raw, *e = raw + len;

	while (p < e) {
		if (*p == '"') {
			for (p++; p < e && *p != '"'; p++)
				if ((unsigned char)*p < 32)
					return false;
			p++;
		} else if (*p == '-' || (*p >= '0' && *p <= '9')) {
			const char *d = p + (*p == '-'), *q = d;

			while (q < e && *q >= '0' && *q <= '9')
				q++;
			if (q == d || q - d > 15 || (*d == '0' && q - d > 1) ||
			    (*d == '0' && d > p))
				return false;
			if (q < e &&
			    (*q == '.' || *q == 'e' || *q == 'E' || *q == '+' || *q == '-'))
				return false;
			p = q;
		} else if ((unsigned char)*p <= 32) {
			return false;
		} else {
			p++;
		}
	}
	return true;
}

/* The top-level members of a line, in order. */
struct all_members {
	struct {
		const char *key;
		size_t key_len;
		struct jv v;
	} m[64];
	size_t count;
	bool overflow;
};

static bool take_all(void *arg, const char *key, size_t len, const struct jv *v)
{
	struct all_members *a = arg;

	if (a->count == sizeof(a->m) / sizeof(a->m[0])) {
		a->overflow = true;
		return true;
	}
	a->m[a->count].key = key;
	a->m[a->count].key_len = len;
	a->m[a->count].v = *v;
	a->count++;
	return false;
}

static void put(char **w, const char *s, size_t len)
{
	memcpy(*w, s, len);
	*w += len;
}

char *merge_line__set(const char *text, size_t len, const struct merge_member *set, size_t count)
{
	struct scan sc = { text + len, localeconv()->decimal_point[0] };
	struct all_members all, *a = &all;
	bool done[8] = { false };
	size_t size = len + 3;
	char *out = NULL, *w;

	if (count > sizeof(done) / sizeof(done[0]) || !len || text[0] != '{' ||
	    memchr(text, '\\', len) || memchr(text, 0, len))
		return NULL;
	a->count = 0;
	a->overflow = false;
	if (!members(&sc, text, 0, take_all, a) || a->overflow)
		return NULL;
	for (size_t i = 0; i < count; i++)
		size += strlen(set[i].name) + strlen(set[i].json) + 4;
	out = malloc(size);
	if (!out)
		return NULL;
	w = out;
	*w++ = '{';
	for (size_t i = 0; i < a->count; i++) {
		const char *value = NULL;

		for (size_t k = 0; k < count && !value; k++)
			if (!done[k] && is(a->m[i].key, a->m[i].key_len, set[k].name)) {
				done[k] = true; /* cJSON replaces the first of a name */
				value = set[k].json;
			}
		if (!value && (!printed_as_is(a->m[i].v.raw, a->m[i].v.raw_len) ||
			       !printed_as_is(a->m[i].key - 1, a->m[i].key_len + 2))) {
			free(out);
			return NULL;
		}
		if (i)
			*w++ = ',';
		*w++ = '"';
		put(&w, a->m[i].key, a->m[i].key_len);
		put(&w, "\":", 2);
		if (value)
			put(&w, value, strlen(value));
		else
			put(&w, a->m[i].v.raw, a->m[i].v.raw_len);
	}
	/* A member the line lacks is added at its end, as cJSON adds one. */
	for (size_t k = 0; k < count; k++) {
		if (done[k])
			continue;
		if (w > out + 1)
			*w++ = ',';
		*w++ = '"';
		put(&w, set[k].name, strlen(set[k].name));
		put(&w, "\":", 2);
		put(&w, set[k].json, strlen(set[k].json));
	}
	*w++ = '}';
	*w = 0;
	return out;
}
