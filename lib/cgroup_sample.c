/*
 * cgroup_sample.c — read one cgroup's files into counters (see
 * cgroup_sample.h), each controller's from the hierarchy that holds it.
 *
 * Which file answers which question, v2 against v1:
 *
 *   CPU usage     cpuacct.usage (ns, v1 cpuacct) or cpu.stat usage_usec (cgroup2)
 *   throttling    cpu.stat of the cpu controller's hierarchy (v1 in ns, v2 in µs)
 *   CPU limit     cpu.max, or cpu.cfs_quota_us over cpu.cfs_period_us
 *   cpuset        cpuset.cpus.effective, or cpuset.effective_cpus
 *   memory        memory.current / memory.usage_in_bytes
 *   working set   memory.stat inactive_file / total_inactive_file
 *   memory limit  memory.max / memory.limit_in_bytes; memory.high (v2 only:
 *                 v1's soft limit is no ceiling)
 *   swap          memory.swap.current, memory.swap.max / memory.stat
 *                 total_swap, memory.memsw.limit_in_bytes minus the memory limit
 *   peak          memory.peak / memory.max_usage_in_bytes
 *   OOM           memory.events oom, oom_kill / memory.oom_control oom_kill
 *   pids          pids.current, pids.max (both versions)
 *   io            io.stat / blkio.throttle.io_service_bytes_recursive
 *   pressure      {cpu,memory,io}.pressure (cgroup2 only)
 *
 * A file that is not there leaves its value absent. A cgroup removed while
 * we read it shows as ENODEV on a read or ENOENT on an open; the second is
 * also what a missing file looks like, so it is told apart by whether
 * cgroup.procs, which every cgroup has, is still there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_sample.h"
#include "nstk/util.h"

void nstk_cg_buffer_free(struct nstk_cg_buffer *b)
{
	free(b->data);
	*b = (struct nstk_cg_buffer){ 0 };
}

struct reader {
	const struct nstk_cg_layout *l;
	const int *fds;
	struct nstk_cg_buffer *buf;
	bool vanished;
	bool out_of_memory;
};

/* The cgroup's directory fd in the hierarchy holding controller c, or -1. */
static int fd_of(const struct reader *rd, enum nstk_cg_controller c)
{
	int h = rd->l->owner[c];
	return h < 0 ? -1 : rd->fds[h];
}

static bool held_by_v2(const struct reader *rd, enum nstk_cg_controller c)
{
	int h = rd->l->owner[c];
	return h >= 0 && rd->l->h[h].v2;
}

static int v2_fd(const struct reader *rd)
{
	return rd->l->v2 < 0 ? -1 : rd->fds[rd->l->v2];
}

/*
 * The whole of file name in dirfd, in rd->buf. Returns its length, or
 * -errno (-ENOENT when it is not there).
 */
static ssize_t read_file(struct reader *rd, int dirfd, const char *name)
{
	if (dirfd < 0)
		return -ENOENT;
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int r = -errno;
		if (r == -ENOENT && faccessat(dirfd, "cgroup.procs", F_OK, 0) < 0)
			rd->vanished = true;
		return r;
	}
	struct nstk_cg_buffer *b = rd->buf;
	size_t len = 0;
	for (;;) {
		if (b->cap - len < 1024) {
			size_t cap = b->cap ? b->cap * 2 : 16384;
			char *data = realloc(b->data, cap);
			if (!data) {
				rd->out_of_memory = true;
				return -ENOMEM;
			}
			b->data = data;
			b->cap = cap;
		}
		ssize_t n = pread(fd, b->data + len, b->cap - len, (off_t)len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENODEV)
				rd->vanished = true;
			return -errno;
		}
		if (n == 0)
			return (ssize_t)len;
		len += (size_t)n;
	}
}

/* A single value parsed by parse, or absent. */
static uint64_t read_value(struct reader *rd, int dirfd, const char *name,
			   int (*parse)(const char *, size_t, uint64_t *))
{
	uint64_t v;
	ssize_t n = read_file(rd, dirfd, name);
	if (n < 0 || parse(rd->buf->data, (size_t)n, &v) < 0)
		return NSTK_CG_ABSENT;
	return v;
}

static uint64_t count_lines(const char *text, size_t len)
{
	uint64_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	return n;
}

static void read_cpu_limit(struct reader *rd, struct nstk_cg_counters *c)
{
	int fd = fd_of(rd, NSTK_CG_CPU);
	if (held_by_v2(rd, NSTK_CG_CPU)) {
		struct nstk_cg_cpu_max max;
		ssize_t n = read_file(rd, fd, "cpu.max");
		if (n >= 0 && nstk_cgparse_cpu_max(rd->buf->data, (size_t)n, &max) == 0) {
			c->cpu_quota_usec = max.quota_usec;
			c->cpu_period_usec = max.period_usec;
		}
	} else if (fd >= 0) {
		uint64_t quota = read_value(rd, fd, "cpu.cfs_quota_us", nstk_cgparse_cfs_quota);
		uint64_t period = read_value(rd, fd, "cpu.cfs_period_us", nstk_cgparse_cfs_period);
		if (quota != NSTK_CG_ABSENT && period != NSTK_CG_ABSENT) {
			c->cpu_quota_usec = quota;
			c->cpu_period_usec = period;
		}
	}
	const char *cpus = held_by_v2(rd, NSTK_CG_CPUSET) ? "cpuset.cpus.effective" : "cpuset.effective_cpus";
	c->cpuset_cpus = read_value(rd, fd_of(rd, NSTK_CG_CPUSET), cpus, nstk_cgparse_cpuset_count);
}

static void read_cpu(struct reader *rd, struct nstk_cg_counters *c)
{
	struct nstk_cg_cpu_stat stat;
	bool have_stat = false;
	int fd = fd_of(rd, NSTK_CG_CPU);

	/* Throttling is in the cpu controller's cpu.stat; cgroup2's has the usage too. */
	if (fd >= 0) {
		ssize_t n = read_file(rd, fd, "cpu.stat");
		have_stat = n >= 0 && nstk_cgparse_cpu_stat(rd->buf->data, (size_t)n, &stat) == 0;
	}
	if (have_stat) {
		c->nr_periods = stat.nr_periods;
		c->nr_throttled = stat.nr_throttled;
		c->throttled_usec = stat.throttled_usec;
		c->nr_bursts = stat.nr_bursts;
		c->burst_usec = stat.burst_usec;
	}

	int acct = fd_of(rd, NSTK_CG_CPUACCT);
	if (acct >= 0) {
		uint64_t ns = read_value(rd, acct, "cpuacct.usage", nstk_cgparse_u64);
		if (nstk_cg_is_value(ns))
			c->cpu_usage_usec = ns / 1000;
	} else if (have_stat && held_by_v2(rd, NSTK_CG_CPU)) {
		c->cpu_usage_usec = stat.usage_usec;
	} else {
		/* Every cgroup2 cgroup has usage_usec, with or without the cpu controller. */
		ssize_t n = read_file(rd, v2_fd(rd), "cpu.stat");
		if (n >= 0 && nstk_cgparse_cpu_stat(rd->buf->data, (size_t)n, &stat) == 0)
			c->cpu_usage_usec = stat.usage_usec;
	}
	read_cpu_limit(rd, c);
}

/* v1 has no swap.max: it limits memory+swap, so swap may use what memsw leaves. */
static uint64_t v1_swap_max(uint64_t memory_limit, uint64_t memsw_limit)
{
	if (memsw_limit == NSTK_CG_UNLIMITED)
		return NSTK_CG_UNLIMITED;
	if (!nstk_cg_is_value(memsw_limit) || !nstk_cg_is_value(memory_limit))
		return NSTK_CG_ABSENT;
	return memsw_limit > memory_limit ? memsw_limit - memory_limit : 0;
}

static void read_memory_limits(struct reader *rd, struct nstk_cg_counters *c)
{
	int fd = fd_of(rd, NSTK_CG_MEMORY);
	if (held_by_v2(rd, NSTK_CG_MEMORY)) {
		c->memory_max = read_value(rd, fd, "memory.max", nstk_cgparse_limit);
		c->memory_high = read_value(rd, fd, "memory.high", nstk_cgparse_limit);
		c->swap_max = read_value(rd, fd, "memory.swap.max", nstk_cgparse_limit);
	} else if (fd >= 0) {
		c->memory_max = read_value(rd, fd, "memory.limit_in_bytes", nstk_cgparse_limit);
		uint64_t memsw = read_value(rd, fd, "memory.memsw.limit_in_bytes", nstk_cgparse_limit);
		c->swap_max = v1_swap_max(c->memory_max, memsw);
	}
}

static void read_memory(struct reader *rd, struct nstk_cg_counters *c)
{
	int fd = fd_of(rd, NSTK_CG_MEMORY);
	bool v2 = held_by_v2(rd, NSTK_CG_MEMORY);
	ssize_t n;

	if (fd < 0)
		return;
	c->memory_current = read_value(rd, fd, v2 ? "memory.current" : "memory.usage_in_bytes", nstk_cgparse_u64);
	n = read_file(rd, fd, "memory.stat");
	if (n >= 0) {
		static const char *const v2_keys[] = { "inactive_file" };
		static const char *const v1_keys[] = { "total_inactive_file", "total_swap" };
		uint64_t v[2] = { NSTK_CG_ABSENT, NSTK_CG_ABSENT };
		if (nstk_cgparse_flat_keyed(rd->buf->data, (size_t)n, v2 ? v2_keys : v1_keys, v2 ? 1 : 2, v) == 0) {
			c->memory_inactive_file = v[0];
			if (!v2)
				c->swap_current = v[1];
		}
	}
	read_memory_limits(rd, c);
	if (v2) {
		c->swap_current = read_value(rd, fd, "memory.swap.current", nstk_cgparse_u64);
		c->memory_peak = read_value(rd, fd, "memory.peak", nstk_cgparse_u64);
		struct nstk_cg_memory_events ev;
		n = read_file(rd, fd, "memory.events");
		if (n >= 0 && nstk_cgparse_memory_events(rd->buf->data, (size_t)n, &ev) == 0) {
			c->oom = ev.oom;
			c->oom_kill = ev.oom_kill;
		}
	} else {
		c->memory_peak = read_value(rd, fd, "memory.max_usage_in_bytes", nstk_cgparse_u64);
		struct nstk_cg_oom_control oc;
		n = read_file(rd, fd, "memory.oom_control");
		if (n >= 0 && nstk_cgparse_oom_control(rd->buf->data, (size_t)n, &oc) == 0)
			c->oom_kill = oc.oom_kill;
	}
}

static void read_io(struct reader *rd, struct nstk_cg_counters *c)
{
	int fd = fd_of(rd, NSTK_CG_IO);
	struct nstk_cg_io io;
	ssize_t n;
	int r = -ENOENT;

	if (held_by_v2(rd, NSTK_CG_IO)) {
		if ((n = read_file(rd, fd, "io.stat")) >= 0)
			r = nstk_cgparse_io_stat(rd->buf->data, (size_t)n, &io);
	} else if (fd >= 0) {
		/* The recursive file counts descendants too, as io.stat does. */
		n = read_file(rd, fd, "blkio.throttle.io_service_bytes_recursive");
		if (n == -ENOENT && !rd->vanished)
			n = read_file(rd, fd, "blkio.throttle.io_service_bytes");
		if (n >= 0)
			r = nstk_cgparse_blkio_bytes(rd->buf->data, (size_t)n, &io);
	}
	if (r == 0) {
		c->io_rbytes = io.rbytes;
		c->io_wbytes = io.wbytes;
	}
}

static void read_pressure(struct reader *rd, struct nstk_cg_counters *c)
{
	static const char *const files[3] = { "cpu.pressure", "memory.pressure", "io.pressure" };
	double *some_avg[3] = { &c->cpu_some_avg10, &c->memory_some_avg10, &c->io_some_avg10 };
	double *full_avg[3] = { &c->cpu_full_avg10, &c->memory_full_avg10, &c->io_full_avg10 };
	uint64_t *some_total[3] = { &c->cpu_some_usec, &c->memory_some_usec, &c->io_some_usec };
	uint64_t *full_total[3] = { &c->cpu_full_usec, &c->memory_full_usec, &c->io_full_usec };
	int fd = v2_fd(rd);

	for (int i = 0; i < 3 && fd >= 0; i++) {
		struct nstk_cg_pressure p;
		ssize_t n = read_file(rd, fd, files[i]);
		if (n < 0 || nstk_cgparse_pressure(rd->buf->data, (size_t)n, &p) < 0)
			continue;
		*some_avg[i] = p.some.avg10;
		*some_total[i] = p.some.total_usec;
		if (p.has_full) {
			*full_avg[i] = p.full.avg10;
			*full_total[i] = p.full.total_usec;
		}
	}
}

static void read_tasks(struct reader *rd, struct nstk_cg_counters *c)
{
	if (c->pids_current == NSTK_CG_ABSENT)
		c->pids_current = read_value(rd, fd_of(rd, NSTK_CG_PIDS), "pids.current", nstk_cgparse_u64);
	if (c->pids_current != NSTK_CG_ABSENT) {
		c->tasks = c->pids_current;
		return;
	}
	/* No pids controller: the processes in the cgroup itself, from its first hierarchy. */
	for (size_t i = 0; i < rd->l->n; i++) {
		if (rd->fds[i] < 0)
			continue;
		ssize_t n = read_file(rd, rd->fds[i], "cgroup.procs");
		if (n >= 0)
			c->tasks = count_lines(rd->buf->data, (size_t)n);
		return;
	}
}

int nstk_cg_read_counters(const struct nstk_cg_layout *l, const int *fds, unsigned reads,
			  bool limits_only, struct nstk_cg_buffer *buf, struct nstk_cg_counters *out)
{
	struct reader rd = { .l = l, .fds = fds, .buf = buf };
	struct nstk_cg_counters *c = out;

	nstk_cg_counters_clear(c);
	if (reads == 0)
		reads = NSTK_CG_READ_ALL;
	if (limits_only) {
		if (reads & NSTK_CG_READ_CPU)
			read_cpu_limit(&rd, c);
		if (reads & NSTK_CG_READ_MEMORY)
			read_memory_limits(&rd, c);
		if (reads & NSTK_CG_READ_PIDS)
			c->pids_max = read_value(&rd, fd_of(&rd, NSTK_CG_PIDS), "pids.max", nstk_cgparse_limit);
	} else {
		if (reads & NSTK_CG_READ_CPU)
			read_cpu(&rd, c);
		if (reads & NSTK_CG_READ_MEMORY)
			read_memory(&rd, c);
		if (reads & NSTK_CG_READ_PIDS) {
			int fd = fd_of(&rd, NSTK_CG_PIDS);
			c->pids_current = read_value(&rd, fd, "pids.current", nstk_cgparse_u64);
			c->pids_max = read_value(&rd, fd, "pids.max", nstk_cgparse_limit);
		}
		if (reads & NSTK_CG_READ_TASKS)
			read_tasks(&rd, c);
		if (reads & NSTK_CG_READ_IO)
			read_io(&rd, c);
		if (reads & NSTK_CG_READ_PRESSURE)
			read_pressure(&rd, c);
	}
	if (rd.out_of_memory)
		return -ENOMEM;
	return rd.vanished ? -ENOENT : 0;
}
