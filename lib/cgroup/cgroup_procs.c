/*
 * cgroup_procs.c — read the processes of one cgroup (see cgroup_procs.h):
 * its cgroup.procs, then each process's stat and status, and the CPU % of
 * each against the same process in the previous read.
 *
 * The one idea: the table is two arrays sorted by PID, the last read and the
 * one being made; a read fills the second, matches it against the first by
 * binary search (PID, then start time) and swaps them, so a cgroup of N
 * processes costs O(N log N) and no allocation once the arrays are grown.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nstk/cgparse.h"
#include "nstk/cgroup_procs.h"
#include "nstk/parse.h"
#include "nstk/span.h"
#include "nstk/util.h"

static int pid_cmp(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return (x > y) - (x < y);
}

/* The PIDs of cgroup.procs, sorted, each once (v1 lists may repeat and are in no order). */
static int read_pids(int dirfd, pid_t **pids, size_t *n)
{
	_cleanup_free_ char *text = NULL;
	size_t len, pos = 0, count = 0, cap = 0;
	pid_t pid, *list = NULL;
	int r = nstk_read_file_at(dirfd, "cgroup.procs", &text, &len);
	if (r == -ENODEV)
		r = -ENOENT; /* the cgroup was removed under the descriptor */
	if (r < 0)
		return r;
	while ((r = nstk_cgparse_next_pid(text, len, &pos, &pid)) == 1) {
		if (pid == 0)
			continue; /* outside our pid namespace */
		if (NSTK_GROW(list, cap, count) < 0) {
			free(list);
			return -ENOMEM;
		}
		list[count++] = pid;
	}
	if (r < 0) {
		free(list);
		return r;
	}
	if (count)
		qsort(list, count, sizeof(*list), pid_cmp);
	size_t kept = 0;
	for (size_t i = 0; i < count; i++)
		if (kept == 0 || list[kept - 1] != list[i])
			list[kept++] = list[i];
	*pids = list;
	*n = kept;
	return 0;
}

/* One process: 0, or -ENOENT / -ESRCH when it is gone, another -errno when it may not be read. */
static int read_proc(pid_t pid, long page_size, struct nstk_cg_proc *p)
{
	_cleanup_free_ char *stat = NULL, *status = NULL;
	size_t len, slen;
	struct nstk_proc_stat st;
	uid_t uids[4];
	int r = nstk_read_proc_file(pid, "stat", &stat, &len);
	if (r < 0)
		return r;
	if (nstk_parse_proc_stat(stat, len, &st) < 0)
		return -EINVAL;
	if ((r = nstk_read_proc_file(pid, "status", &status, &slen)) < 0)
		return r;
	if (nstk_parse_status_uids(status, slen, uids) < 0)
		return -EINVAL;
	size_t clen = st.comm.len < NSTK_CG_COMM_MAX - 1 ? st.comm.len : NSTK_CG_COMM_MAX - 1;
	*p = (struct nstk_cg_proc){
		.pid = pid,
		.uid = uids[1],
		.state = st.state,
		.cpu_ticks = st.utime + st.stime,
		.start_ticks = st.starttime,
		.rss_bytes = st.rss * (uint64_t)page_size,
		.cpu_pct = NAN,
	};
	memcpy(p->comm, st.comm.s, clen);
	p->comm[clen] = '\0';
	return 0;
}

static const struct nstk_cg_proc *find(const struct nstk_cg_proc *a, size_t n, pid_t pid)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a[mid].pid == pid)
			return &a[mid];
		if (a[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void nstk_cg_procs_rates(struct nstk_cg_proc *cur, size_t n, const struct nstk_cg_proc *prev, size_t nprev,
			 double elapsed_s, long clk_tck)
{
	for (size_t i = 0; i < n; i++) {
		const struct nstk_cg_proc *was = find(prev, nprev, cur[i].pid);
		cur[i].cpu_pct = NAN;
		if (!was || was->start_ticks != cur[i].start_ticks || cur[i].cpu_ticks < was->cpu_ticks ||
		    !(elapsed_s > 0) || clk_tck <= 0)
			continue;
		cur[i].cpu_pct = (double)(cur[i].cpu_ticks - was->cpu_ticks) / (double)clk_tck / elapsed_s * 100.0;
	}
}

int nstk_cg_procs_read(struct nstk_cg_procs *t, int dirfd, uint64_t now_usec)
{
	_cleanup_free_ pid_t *pids = NULL;
	size_t npids = 0;
	int r = read_pids(dirfd, &pids, &npids);
	if (r < 0)
		return r;
	long page_size = sysconf(_SC_PAGESIZE), clk_tck = sysconf(_SC_CLK_TCK);

	t->nold = 0;
	t->skipped = t->denied = 0;
	if (npids && NSTK_GROW(t->old, t->cap_old, npids - 1) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < npids; i++) {
		r = read_proc(pids[i], page_size, &t->old[t->nold]);
		if (r == 0)
			t->nold++;
		else if (r == -ENOMEM)
			return r;
		else if (r == -ENOENT || r == -ESRCH)
			t->skipped++; /* exited (or reaped) since cgroup.procs was read */
		else
			t->denied++;
	}
	double elapsed = t->usec ? (double)(now_usec - t->usec) / 1e6 : NAN;
	nstk_cg_procs_rates(t->old, t->nold, t->p, t->n, elapsed, clk_tck);

	/* The new read becomes the last one; the old arrays are the next read's room. */
	struct nstk_cg_proc *p = t->p;
	size_t cap = t->cap;
	t->p = t->old;
	t->n = t->nold;
	t->cap = t->cap_old;
	t->old = p;
	t->cap_old = cap;
	t->nold = 0;
	t->usec = now_usec;
	return 0;
}

void nstk_cg_procs_forget(struct nstk_cg_procs *t)
{
	t->n = 0;
	t->usec = 0;
}

void nstk_cg_procs_free(struct nstk_cg_procs *t)
{
	free(t->p);
	free(t->old);
	*t = (struct nstk_cg_procs){ 0 };
}
