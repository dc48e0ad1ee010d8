// SPDX-License-Identifier: GPL-2.0
/* The text a loaded input keeps instead of parsed trees: a cJSON tree of a hop costs about
 * ten times the hop's text in small allocations, and merging a few hundred thousand packets
 * spent most of its time and gigabytes of memory on them. A JSON Lines input keeps only
 * where each object's line is and reads it again, through a window of its file (its
 * objects are written in about the order of the file), when it is written. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "merge/line_scan.h"
#include "merge/merge.h"

#define STORE_CHUNK (256 * 1024)
#define WINDOW_SIZE (1024 * 1024)

const char *merge_store__add(struct merge_store *s, const char *text, size_t len)
{
	char *at;

	if (!s->count || s->size - s->used < len + 1) {
		size_t size = len + 1 > STORE_CHUNK ? len + 1 : STORE_CHUNK;
		void *grown = realloc(s->chunks, (size_t)(s->count + 1) * sizeof(*s->chunks));

		if (!grown)
			return NULL;
		s->chunks = grown;
		s->chunks[s->count] = malloc(size);
		if (!s->chunks[s->count])
			return NULL;
		s->count++;
		s->used = 0;
		s->size = size;
	}
	at = s->chunks[s->count - 1] + s->used;
	memcpy(at, text, len);
	at[len] = 0;
	s->used += len + 1;
	return at;
}

void merge_store__free(struct merge_store *s)
{
	for (int i = 0; i < s->count; i++)
		free(s->chunks[i]);
	free(s->chunks);
	memset(s, 0, sizeof(*s));
}

int merge_input__open_text(struct merge_input *in, int fd)
{
	/* The input was read from its start again once its first bytes were seen: it can be
	 * read at any offset. */
	in->window = calloc(1, sizeof(*in->window));
	if (!in->window)
		return -ENOMEM;
	in->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (in->fd < 0) {
		int err = -errno;

		free(in->window);
		in->window = NULL;
		return err;
	}
	return 0;
}

/* The text at [off, off + len) of the input's file, from the window (read again when the
 * text is not in it); NULL when it cannot be read. */
static const char *window_text(const struct merge_input *in, long long off, size_t len)
{
	struct merge_window *w = in->window;
	size_t want = len > WINDOW_SIZE ? len : WINDOW_SIZE, got = 0;

	if (w->buf && off >= w->off && off + (long long)len <= w->off + (long long)w->len)
		return w->buf + (off - w->off);
	if (w->cap < want) {
		free(w->buf);
		w->buf = malloc(want);
		w->cap = w->buf ? want : 0;
		w->len = 0;
		if (!w->buf)
			return NULL;
	}
	while (got < want) {
		ssize_t n = pread(in->fd, w->buf + got, want - got, off + (long long)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	w->off = off;
	w->len = got;
	if (got < len) {
		errno = EIO; /* the file is shorter than when it was loaded */
		return NULL;
	}
	return w->buf;
}

const char *merge__text_of(const struct merge_input *in, const struct merge_text *text)
{
	return text->mem ? text->mem : in->window ? window_text(in, text->off, text->len) : NULL;
}

const cJSON *merge__object(const struct merge_input *in, const cJSON *kept,
			   const struct merge_text *text, cJSON **owned)
{
	const char *s;

	*owned = NULL;
	if (kept)
		return kept;
	s = merge__text_of(in, text);
	if (!s)
		return NULL;
	*owned = cJSON_ParseWithLength(s, text->len);
	return *owned;
}

const cJSON *merge__members(const struct merge_input *in, const cJSON *kept,
			    const struct merge_text *text, const char *const *names, size_t count,
			    cJSON **owned)
{
	const char *s;

	*owned = NULL;
	if (kept)
		return kept;
	s = merge__text_of(in, text);
	if (!s)
		return NULL;
	*owned = merge_line__subset(s, text->len, names, count);
	if (!*owned)
		*owned = cJSON_ParseWithLength(s, text->len);
	return *owned;
}

void merge_input__close_text(struct merge_input *in)
{
	if (!in->window)
		return;
	close(in->fd);
	free(in->window->buf);
	free(in->window);
	in->window = NULL;
}
