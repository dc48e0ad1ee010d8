// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the JSON writer: escaping, UTF-8 repair, nesting, and parseability. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "util/json_writer.h"

/* A writer on a memory stream, so a test can compare what was written. */
struct capture {
	struct json_writer w;
	FILE *f;
	char *buf;
	size_t len;
};

static void capture__open(struct capture *c)
{
	c->buf = NULL;
	c->f = open_memstream(&c->buf, &c->len);
	json__init(&c->w, c->f);
}

/* Closes the stream and returns what was written; free(c->buf) after use. */
static const char *capture__close(struct capture *c)
{
	fclose(c->f);
	return c->buf;
}

/* Returns the JSON text of one string value; the result is valid until the next call. */
static const char *string_json(const char *s)
{
	static char out[1024];
	struct capture c;

	capture__open(&c);
	json__string(&c.w, NULL, s);
	snprintf(out, sizeof(out), "%s", capture__close(&c));
	free(c.buf);
	return out;
}

static void test_control_chars(void)
{
	static const char *const named[] = {
		['\b'] = "\\b", ['\t'] = "\\t", ['\n'] = "\\n", ['\f'] = "\\f", ['\r'] = "\\r",
	};
	char in[2] = { 0 }, want[16];
	int c;

	for (c = 1; c < 0x20; c++) {
		in[0] = (char)c;
		if (c < (int)(sizeof(named) / sizeof(named[0])) && named[c])
			snprintf(want, sizeof(want), "\"%s\"", named[c]);
		else
			snprintf(want, sizeof(want), "\"\\u%04x\"", c);
		CHECK_STR(string_json(in), want);
	}
	CHECK_STR(string_json("a\"b\\c/d\x7f"), "\"a\\\"b\\\\c/d\x7f\"");
	CHECK_STR(string_json(""), "\"\"");
}

static void test_valid_utf8_passes(void)
{
	CHECK_STR(string_json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
		  "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	CHECK_STR(string_json("\xef\xbf\xbf\xf4\x8f\xbf\xbf"), "\"\xef\xbf\xbf\xf4\x8f\xbf\xbf\"");
}

static void test_invalid_utf8_replaced(void)
{
	CHECK_STR(string_json("a\x80z"), "\"a\\ufffdz\"");	  /* lone continuation */
	CHECK_STR(string_json("\xff\xfe"), "\"\\ufffd\\ufffd\""); /* never valid bytes */
	CHECK_STR(string_json("\xc0\x80"), "\"\\ufffd\\ufffd\""); /* overlong NUL */
	CHECK_STR(string_json("\xe0\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
	CHECK_STR(string_json("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\""); /* surrogate */
	CHECK_STR(string_json("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	CHECK_STR(string_json("\342\202A"), "\"\\ufffdA\"");	 /* truncated: one U+FFFD */
	CHECK_STR(string_json("x\xf0\x9f\x98"), "\"x\\ufffd\""); /* truncated at the end */
	CHECK_STR(string_json("\xc3"), "\"\\ufffd\"");
}

static void test_nesting_and_commas(void)
{
	struct capture c;

	capture__open(&c);
	json__object_begin(&c.w, NULL);
	json__uint(&c.w, "a", 18446744073709551615ULL);
	json__int(&c.w, "b", -9223372036854775807LL - 1);
	json__array_begin(&c.w, "c");
	json__bool(&c.w, NULL, true);
	json__null(&c.w, NULL);
	json__object_begin(&c.w, NULL);
	json__object_end(&c.w);
	json__array_begin(&c.w, NULL);
	json__array_end(&c.w);
	json__object_begin(&c.w, NULL);
	json__string(&c.w, "k\"", NULL);
	json__bool(&c.w, "f", false);
	json__object_end(&c.w);
	json__array_end(&c.w);
	json__string(&c.w, "d", "x");
	json__object_end(&c.w);
	json__newline(&c.w);
	json__object_begin(&c.w, NULL);
	json__uint(&c.w, "n", 2);
	json__object_end(&c.w);
	json__newline(&c.w);
	CHECK_STR(capture__close(&c), "{\"a\":18446744073709551615,\"b\":-9223372036854775808,"
				      "\"c\":[true,null,{},[],{\"k\\\"\":null,\"f\":false}],"
				      "\"d\":\"x\"}\n{\"n\":2}\n");
	free(c.buf);
}

static void test_deep_nesting_stays_balanced(void)
{
	struct capture c;
	int i, opens = 0, closes = 0;
	const char *p;

	capture__open(&c);
	for (i = 0; i < JSON_MAX_DEPTH + 4; i++)
		json__array_begin(&c.w, NULL);
	for (i = 0; i < JSON_MAX_DEPTH + 4; i++)
		json__array_end(&c.w);
	json__newline(&c.w);
	for (p = capture__close(&c); *p; p++) {
		opens += *p == '[';
		closes += *p == ']';
	}
	CHECK(opens == JSON_MAX_DEPTH + 4 && closes == opens);
	CHECK(c.w.depth == 0);
	free(c.buf);
}

/* Random bytes, biased towards the interesting ones: controls, quotes, UTF-8 lead bytes. */
static void random_bytes(char *s, int len)
{
	static const char pool[] = "\"\\/\x01\x1f\x7f\x80\xbf\xc2\xc3\xe0\xe2\xed\xf0\xf4\xff"
				   "a\xa9\x82";
	int i;

	for (i = 0; i < len; i++) {
		if (rand() % 2)
			s[i] = (char)(rand() % 255 + 1);
		else
			s[i] = pool[rand() % (sizeof(pool) - 1)];
	}
	s[len] = '\0';
}

static void write_random_value(struct json_writer *w, const char *key, int depth)
{
	char s[40];
	int i, n;

	switch (rand() % (depth < 4 ? 7 : 5)) {
	case 0:
		random_bytes(s, rand() % 32);
		json__string(w, key, s);
		break;
	case 1:
		json__uint(w, key, (unsigned long long)rand() << 33 | rand());
		break;
	case 2:
		json__int(w, key, -(long long)rand());
		break;
	case 3:
		json__bool(w, key, rand() % 2);
		break;
	case 4:
		json__null(w, key);
		break;
	case 5:
		json__object_begin(w, key);
		for (i = 0, n = rand() % 5; i < n; i++) {
			random_bytes(s, rand() % 8);
			write_random_value(w, s, depth + 1);
		}
		json__object_end(w);
		break;
	default:
		json__array_begin(w, key);
		for (i = 0, n = rand() % 5; i < n; i++)
			write_random_value(w, NULL, depth + 1);
		json__array_end(w);
	}
}

static void test_python_parses_sample(void)
{
	/* split('\n'), not splitlines(): JSON strings may hold U+2028 and U+0085 raw. */
	const char *cmd = "python3 -c 'import json,sys\n"
			  "lines=sys.stdin.buffer.read().decode(\"utf-8\").split(\"\\n\")\n"
			  "sys.exit(0 if lines[-1]==\"\" and "
			  "len([json.loads(l) for l in lines[:-1]])==200 else 1)'";
	struct json_writer w;
	FILE *p;
	int i;

	if (system("command -v python3 >/dev/null 2>&1") != 0) {
		SKIP("python3 not found");
		return;
	}
	p = popen(cmd, "w");
	CHECK(p != NULL);
	if (!p)
		return;
	srand(42);
	json__init(&w, p);
	for (i = 0; i < 200; i++) {
		json__object_begin(&w, NULL);
		write_random_value(&w, "v", 0);
		write_random_value(&w, "w", 0);
		json__object_end(&w);
		json__newline(&w);
	}
	CHECK(pclose(p) == 0);
}

/* Members written in one piece (plain keys and strings, integers) and those written piece
 * by piece (a key or string to escape, a key or string past the room of one piece) come out
 * the same way: integers at their extremes, strings and keys at the edges of that room. */
static void test_members_at_the_edges(void)
{
	char key64[65], key63[64], str128[129], str127[128], want[1024];
	struct capture c;
	const char *got;

	memset(key64, 'k', 64);
	key64[64] = 0;
	memset(key63, 'k', 63);
	key63[63] = 0;
	memset(str128, 's', 128);
	str128[128] = 0;
	memset(str127, 's', 127);
	str127[127] = 0;
	capture__open(&c);
	json__object_begin(&c.w, NULL);
	json__int(&c.w, "min", -9223372036854775807LL - 1);
	json__int(&c.w, "neg", -1);
	json__int(&c.w, "zero", 0);
	json__uint(&c.w, "max", 18446744073709551615ULL);
	json__uint(&c.w, key64, 7);
	json__int(&c.w, "t\tab", -42);
	json__string(&c.w, key63, str127);
	json__string(&c.w, key64, str128);
	json__string(&c.w, "q", "a\"b");
	json__string(&c.w, "n", NULL);
	json__array_begin(&c.w, "a");
	json__uint(&c.w, NULL, 1);
	json__string(&c.w, NULL, "x");
	json__int(&c.w, NULL, -2);
	json__array_end(&c.w);
	json__object_end(&c.w);
	got = capture__close(&c);
	snprintf(want, sizeof(want),
		 "{\"min\":-9223372036854775808,\"neg\":-1,\"zero\":0,\"max\":18446744073709551615,"
		 "\"%s\":7,\"t\\tab\":-42,\"%s\":\"%s\",\"%s\":\"%s\",\"q\":\"a\\\"b\","
		 "\"n\":null,\"a\":[1,\"x\",-2]}",
		 key64, key63, str127, key64, str128);
	CHECK_STR(got, want);
	free(c.buf);
}

int main(void)
{
	RUN(test_control_chars);
	RUN(test_valid_utf8_passes);
	RUN(test_invalid_utf8_replaced);
	RUN(test_nesting_and_commas);
	RUN(test_deep_nesting_stays_balanced);
	RUN(test_python_parses_sample);
	RUN(test_members_at_the_edges);
	CHECK_EXIT();
}
