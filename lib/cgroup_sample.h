/*
 * cgroup_sample.h — private to the cgroup model: read one cgroup's files,
 * given its directory fd in each hierarchy, into a struct nstk_cg_counters.
 *
 * Each file is opened relative to the cgroup's directory fd, read with
 * pread into one reused buffer, and closed: one open per file per sample,
 * and only the files the asked-for groups need.
 */
#ifndef NSTK_CGROUP_SAMPLE_H
#define NSTK_CGROUP_SAMPLE_H

#include "nstk/cgroup.h"

/* A growable buffer reused for every file of a sample. */
struct nstk_cg_buffer {
	char *data;
	size_t cap;
};

void nstk_cg_buffer_free(struct nstk_cg_buffer *b);

/*
 * Read the files of reads (enum nstk_cg_read) for the cgroup whose
 * directory in hierarchy i is fds[i] (-1 where it has none). limits_only
 * reads just the limit files of those groups (what an ancestor contributes
 * to its descendants' effective limits). Values not found stay absent.
 * Returns 0, -ENOENT when the cgroup was removed while being read, or
 * -ENOMEM.
 */
int nstk_cg_read_counters(const struct nstk_cg_layout *l, const int *fds, unsigned reads,
			  bool limits_only, struct nstk_cg_buffer *buf, struct nstk_cg_counters *out);

#endif
