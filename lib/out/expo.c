/*
 * expo.c — the pieces of Prometheus's text exposition format both cgtop and
 * nsls write: escaped label values and an atomic file write (for
 * node_exporter's textfile collector, which reads whatever file is there at
 * scrape time).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "nstk/expo.h"
#include "nstk/text.h"
#include "nstk/util.h"

void nstk_expo_label_value(FILE *out, const char *raw)
{
	/* The format wants UTF-8, and a cgroup's or a mount's name is any bytes. */
	json_t *text = nstk_json_text(raw);
	const char *s = text ? json_string_value(text) : "";
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", out);
		else if (*s == '"')
			fputs("\\\"", out);
		else if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
	fputc('"', out);
	json_decref(text);
}

int nstk_expo_write_atomic(const char *path, const char *text, size_t len)
{
	_cleanup_free_ char *tmp = NULL;
	if (asprintf(&tmp, "%s.tmp.%d", path, (int)getpid()) < 0)
		return -ENOMEM;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	int r = 0;
	for (size_t done = 0; done < len && r == 0;) {
		ssize_t w = write(fd, text + done, len - done);
		if (w < 0 && errno != EINTR)
			r = -errno;
		else if (w > 0)
			done += (size_t)w;
	}
	/* Readers see the old file or the whole new one, never a torn one. */
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}
