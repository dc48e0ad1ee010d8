// SPDX-License-Identifier: GPL-2.0
/* The kernel's counters of one namespace, from the text of /proc files, as JSON objects of
 * numbers keyed the way the rises name them: "Group.Field" for snmp and netstat, the field
 * for snmp6, device then field for dev. The input is what grep -H printed ("path:line"),
 * which is how the files were read inside the namespace in one process. */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "bundle/bundle_priv.h"

#define MAX_FIELDS 160

/* The next "path:line" of text: path and line cut in place, *text moved past it. */
static bool next_line(char **text, char **path, char **line)
{
	char *end, *colon;

	while (**text) {
		end = strchr(*text, '\n');
		if (end)
			*end = '\0';
		colon = strchr(*text, ':');
		*path = *text;
		*text = end ? end + 1 : *text + strlen(*text);
		if (!colon)
			continue;
		*colon = '\0';
		*line = colon + 1;
		return true;
	}
	return false;
}

static int split(char *line, char **words, int max)
{
	int n = 0;

	for (char *w = strtok(line, " \t"); w && n < max; w = strtok(NULL, " \t"))
		words[n++] = w;
	return n;
}

static void add_number(cJSON *obj, const char *key, double v)
{
	cJSON *old = cJSON_GetObjectItem(obj, key);

	if (old)
		cJSON_SetNumberValue(old, old->valuedouble + v);
	else
		cJSON_AddNumberToObject(obj, key, v);
}

/* snmp and netstat: a line of field names, then a line of values, both led by "Group:". */
static void group_pairs(cJSON *obj, char *line, char *header, size_t header_size)
{
	char *names[MAX_FIELDS], *values[MAX_FIELDS], copy[4096], key[128];
	int n, m;

	if (!isdigit((unsigned char)line[strcspn(line, " ") + 1]) &&
	    line[strcspn(line, " ") + 1] != '-') {
		snprintf(header, header_size, "%s", line);
		return;
	}
	snprintf(copy, sizeof(copy), "%s", header);
	n = split(copy, names, MAX_FIELDS);
	m = split(line, values, MAX_FIELDS);
	/* names[0] and values[0] are the "Group:" both lines start with. */
	for (int i = 1; i < n && i < m; i++) {
		snprintf(key, sizeof(key), "%.*s.%s", (int)strlen(names[0]) - 1, names[0],
			 names[i]);
		add_number(obj, key, strtod(values[i], NULL));
	}
}

static void dev_line(cJSON *dev, char *line)
{
	static const char *const fields[] = {
		"rx_bytes",	  "rx_packets",	     "rx_errors",	  "rx_dropped",
		"rx_fifo_errors", "rx_frame_errors", "rx_compressed",	  "multicast",
		"tx_bytes",	  "tx_packets",	     "tx_errors",	  "tx_dropped",
		"tx_fifo_errors", "collisions",	     "tx_carrier_errors", "tx_compressed",
	};
	char *colon = strchr(line, ':'), *name = line, *values[16];
	cJSON *d;
	int n;

	if (!colon)
		return;
	*colon = '\0';
	while (*name == ' ')
		name++;
	n = split(colon + 1, values, 16);
	d = cJSON_AddObjectToObject(dev, name);
	for (int i = 0; i < n; i++)
		cJSON_AddNumberToObject(d, fields[i], strtod(values[i], NULL));
}

/* softnet_stat: a row of hex numbers per CPU; the CPU's number is the 13th where the
 * kernel gives it. */
static void softnet_line(cJSON *rows, char *line, int index)
{
	char *v[16];
	int n = split(line, v, 16);
	cJSON *r;

	if (n < 3)
		return;
	r = cJSON_CreateObject();
	cJSON_AddNumberToObject(r, "cpu",
				n >= 13 ? strtoul(v[12], NULL, 16) : (unsigned long)index);
	cJSON_AddNumberToObject(r, "processed", strtoul(v[0], NULL, 16));
	cJSON_AddNumberToObject(r, "dropped", strtoul(v[1], NULL, 16));
	cJSON_AddNumberToObject(r, "time_squeeze", strtoul(v[2], NULL, 16));
	cJSON_AddItemToArray(rows, r);
}

cJSON *bundle_counters__parse(const char *grep_out, bool host)
{
	cJSON *all = cJSON_CreateObject(), *snmp = cJSON_AddObjectToObject(all, "snmp"),
	      *netstat = cJSON_AddObjectToObject(all, "netstat"),
	      *snmp6 = cJSON_AddObjectToObject(all, "snmp6"),
	      *dev = cJSON_AddObjectToObject(all, "dev"), *softnet = cJSON_CreateArray();
	char *text = strdup(grep_out), *p = text, *path, *line, *w[2];
	char snmp_header[4096] = "", netstat_header[4096] = "";
	int cpu = 0;

	while (text && next_line(&p, &path, &line)) {
		if (!strcmp(path, "/proc/net/snmp"))
			group_pairs(snmp, line, snmp_header, sizeof(snmp_header));
		else if (!strcmp(path, "/proc/net/netstat"))
			group_pairs(netstat, line, netstat_header, sizeof(netstat_header));
		else if (!strcmp(path, "/proc/net/snmp6") && split(line, w, 2) == 2)
			add_number(snmp6, w[0], strtod(w[1], NULL));
		else if (!strcmp(path, "/proc/net/dev") && strchr(line, ':'))
			dev_line(dev, line);
		else if (!strcmp(path, "/proc/net/softnet_stat") && host)
			softnet_line(softnet, line, cpu++);
	}
	free(text);
	if (host)
		cJSON_AddItemToObject(all, "softnet", softnet);
	else
		cJSON_Delete(softnet);
	return all;
}

static void number_or_null(cJSON *obj, const char *key, long long v)
{
	if (v < 0)
		cJSON_AddNullToObject(obj, key);
	else
		cJSON_AddNumberToObject(obj, key, (double)v);
}

cJSON *bundle_counters__conntrack(const char *grep_out)
{
	cJSON *ct = cJSON_CreateObject(), *stats = cJSON_CreateObject();
	char *text = strdup(grep_out), *p = text, *path, *line, *names[64], *values[64];
	char header[1024] = "";
	long long count = -1, max = -1;
	int n, m;

	while (text && next_line(&p, &path, &line)) {
		if (!strcmp(path, "/proc/sys/net/netfilter/nf_conntrack_count"))
			count = strtoll(line, NULL, 10);
		else if (!strcmp(path, "/proc/sys/net/netfilter/nf_conntrack_max"))
			max = strtoll(line, NULL, 10);
		else if (strcmp(path, "/proc/net/stat/nf_conntrack"))
			continue;
		else if (!header[0])
			snprintf(header, sizeof(header), "%s", line);
		else {
			/* One row per CPU, in hex: summed per field. */
			char copy[sizeof(header)];

			snprintf(copy, sizeof(copy), "%s", header);
			n = split(copy, names, 64);
			m = split(line, values, 64);
			for (int i = 0; i < n && i < m; i++)
				add_number(stats, names[i], (double)strtoull(values[i], NULL, 16));
		}
	}
	free(text);
	number_or_null(ct, "count", count);
	number_or_null(ct, "max", max);
	cJSON_AddItemToObject(ct, "stats", stats);
	return ct;
}

void bundle_counters__conntrack_tool(cJSON *ct, const char *text)
{
	cJSON *stats = cJSON_GetObjectItem(ct, "stats");
	char *copy = strdup(text), *words[64];
	int n;

	for (char *l = copy ? strtok(copy, "\n") : NULL; l; l = strtok(NULL, "\n")) {
		char *save = NULL;

		n = 0;
		for (char *w = strtok_r(l, " \t", &save); w && n < 64;
		     w = strtok_r(NULL, " \t", &save))
			words[n++] = w;
		for (int i = 0; i < n; i++) {
			char *eq = strchr(words[i], '=');

			if (!eq || !strncmp(words[i], "cpu=", 4))
				continue;
			*eq = '\0';
			add_number(stats, words[i], strtod(eq + 1, NULL));
		}
	}
	free(copy);
}

cJSON *bundle_counters__sysctl(const char *grep_out)
{
	cJSON *all = cJSON_CreateObject();
	char *text = strdup(grep_out), *p = text, *path, *line, key[256];

	while (text && next_line(&p, &path, &line)) {
		if (strncmp(path, "/proc/sys/", 10))
			continue;
		snprintf(key, sizeof(key), "%s", path + 10);
		for (char *k = key; *k; k++)
			if (*k == '/')
				*k = '.';
		line[strcspn(line, "\n")] = '\0';
		if (!cJSON_GetObjectItem(all, key))
			cJSON_AddStringToObject(all, key, line);
	}
	free(text);
	return all;
}

cJSON *bundle_counters__ethtool(const char *text)
{
	cJSON *stats = cJSON_CreateObject();
	char *copy = strdup(text), *save = NULL, *end;

	for (char *l = copy ? strtok_r(copy, "\n", &save) : NULL; l;
	     l = strtok_r(NULL, "\n", &save)) {
		char *colon = strrchr(l, ':'), *name = l;
		double v;

		if (!colon)
			continue;
		*colon = '\0';
		while (*name == ' ' || *name == '\t')
			name++;
		v = strtod(colon + 1, &end);
		if (end != colon + 1 && *name)
			add_number(stats, name, v);
	}
	free(copy);
	if (!stats->child) {
		cJSON_Delete(stats);
		return NULL;
	}
	return stats;
}
