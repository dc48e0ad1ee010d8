// SPDX-License-Identifier: GPL-2.0
/* Rules are found again by their comment, not by position or number: other programs insert
 * and delete rules in the same chains meanwhile. Deleting by the saved rule's own text
 * ("-D" and the rest of its "-A" line) deletes that rule and no other. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host/netns_exec.h"
#include "host/xt_trace_rules.h"

/* Another iptables user holding the xtables lock makes restore wait this long, not fail. */
#define LOCK_WAIT "--wait=10"

static const char *const chains[] = { "PREROUTING", "OUTPUT" };

static void put_rule(FILE *f, const char *chain, const char *match, const char *cidr, pid_t pid)
{
	fprintf(f, "-I %s", chain);
	if (match)
		fprintf(f, " %s %s", match, cidr);
	fprintf(f, " -m comment --comment %s%d -j TRACE\n", XT_TRACE_COMMENT, (int)pid);
}

static bool cidr_text(const struct hop_cidr *c, int family, char *buf, size_t size)
{
	char addr[INET6_ADDRSTRLEN];

	if (c->family != family ||
	    !inet_ntop(family == HOP_AF_INET ? AF_INET : AF_INET6, c->addr, addr, sizeof(addr)))
		return false;
	snprintf(buf, size, "%s/%u", addr, c->prefix);
	return true;
}

char *xt_trace_rules__add_script(int family, pid_t pid, const struct rule_mark *mark, int *count)
{
	char cidr[INET6_ADDRSTRLEN + 8], *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	*count = 0;
	if (!f)
		return NULL;
	fputs("*raw\n", f);
	for (size_t ch = 0; ch < sizeof(chains) / sizeof(chains[0]); ch++) {
		if (!mark->count) {
			put_rule(f, chains[ch], NULL, NULL, pid);
			++*count;
		}
		for (int i = 0; i < mark->count; i++) {
			if (!cidr_text(&mark->cidrs[i], family, cidr, sizeof(cidr)))
				continue;
			put_rule(f, chains[ch], "-s", cidr, pid);
			put_rule(f, chains[ch], "-d", cidr, pid);
			*count += 2;
		}
	}
	fputs("COMMIT\n", f);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

/* The value after "--comment" at p, without the quotes iptables-save puts around it. */
static pid_t owner_of_comment(const char *p)
{
	const char *tag = XT_TRACE_COMMENT;
	bool quoted = *p == '"';
	long pid = 0;

	p += quoted;
	if (strncmp(p, tag, strlen(tag)))
		return 0;
	p += strlen(tag);
	if (*p < '0' || *p > '9')
		return 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		pid = pid * 10 + (*p - '0');
		if (pid > 0x7fffffff)
			return 0;
	}
	if (quoted ? *p != '"' : *p != ' ' && *p != '\n' && *p)
		return 0;
	return (pid_t)pid;
}

pid_t xt_trace_rules__owner(const char *line)
{
	static const char key[] = " --comment ";
	const char *eol = strchr(line, '\n');
	size_t len = eol ? (size_t)(eol - line) : strlen(line);

	if (strncmp(line, "-A ", 3))
		return 0;
	for (const char *p = line; (p = memmem(p, len - (p - line), key, strlen(key)));) {
		pid_t pid;

		p += strlen(key);
		pid = owner_of_comment(p);
		if (pid)
			return pid;
	}
	return 0;
}

char *xt_trace_rules__delete_script(const char *saved, xt_trace_doomed_fn doomed, void *ctx,
				    int *count)
{
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	*count = 0;
	if (!f)
		return NULL;
	fputs("*raw\n", f);
	for (const char *line = saved; line && *line;) {
		const char *eol = strchr(line, '\n');
		size_t n = eol ? (size_t)(eol - line) : strlen(line);
		pid_t owner = xt_trace_rules__owner(line);

		if (owner && doomed(ctx, owner)) {
			fprintf(f, "-D%.*s\n", (int)(n - 2), line + 2);
			++*count;
		}
		line = eol ? eol + 1 : NULL;
	}
	fputs("COMMIT\n", f);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

static const char *tool(int family, bool save)
{
	if (family == HOP_AF_INET6)
		return save ? "ip6tables-legacy-save" : "ip6tables-legacy-restore";
	return save ? "iptables-legacy-save" : "iptables-legacy-restore";
}

/* The first line of what the tool said, for the one phrase the caller shows. */
static void first_line(const char *text, char *buf, size_t size)
{
	size_t n;

	while (text && (*text == '\n' || *text == ' '))
		text++;
	n = text ? strcspn(text, "\n") : 0;
	snprintf(buf, size, "%.*s", (int)n, n ? text : "no message");
}

/* Runs one tool; 0, or -errno with the phrase "<tool> failed: <its words>" (the caller
 * names the namespace). */
static int run_tool(const char *netns_path, char *const argv[], const char *input, char **out,
		    char *err, size_t errsize)
{
	char *errout = NULL, said[256];
	int ret = netns_exec__run(netns_path, argv, input, out, &errout);

	if (ret == -ENOENT) {
		snprintf(err, errsize, "%s is not installed", argv[0]);
	} else if (ret < 0) {
		snprintf(err, errsize, "cannot run %s: %s", argv[0], strerror(-ret));
	} else if (ret > 0) {
		first_line(errout, said, sizeof(said));
		snprintf(err, errsize, "%s failed: %s", argv[0], said);
		ret = -EIO;
	}
	free(errout);
	if (ret && out) {
		free(*out);
		*out = NULL;
	}
	return ret;
}

static int restore(const char *netns_path, int family, const char *script, char *err,
		   size_t errsize)
{
	char *argv[] = { (char *)tool(family, false), "--noflush", LOCK_WAIT, NULL };

	return run_tool(netns_path, argv, script, NULL, err, errsize);
}

/* Restores script (count rules; NULL: it could not be made) and frees it. Returns count, or
 * -errno. */
static int restore_script(const char *netns_path, int family, char *script, int count, char *err,
			  size_t errsize)
{
	int ret;

	if (!script) {
		snprintf(err, errsize, "out of memory");
		return -ENOMEM;
	}
	ret = count ? restore(netns_path, family, script, err, errsize) : 0;
	free(script);
	return ret ? ret : count;
}

int xt_trace_rules__add(const char *netns_path, int family, pid_t pid, const struct rule_mark *mark,
			char *err, size_t errsize)
{
	int count;
	char *script = xt_trace_rules__add_script(family, pid, mark, &count);

	return restore_script(netns_path, family, script, count, err, errsize);
}

int xt_trace_rules__remove(const char *netns_path, int family, xt_trace_doomed_fn doomed, void *ctx,
			   char *err, size_t errsize)
{
	char *argv[] = { (char *)tool(family, true), "-t", "raw", NULL };
	char *saved = NULL, *script;
	int count, ret = run_tool(netns_path, argv, NULL, &saved, err, errsize);

	if (ret)
		return ret;
	script = xt_trace_rules__delete_script(saved, doomed, ctx, &count);
	free(saved);
	return restore_script(netns_path, family, script, count, err, errsize);
}
