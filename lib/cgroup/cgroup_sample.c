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
 * A file that is not there leaves its value absent. One that is there but
 * cannot be read or does not parse (cut short, "max" for a number, a value
 * past 2^63, a directory, a file without end) leaves it absent too, and
 * marks its group in counters.unreadable, so a tool can say "cannot read"
 * rather than "not there". A cgroup removed while
 * we read it shows as ENODEV on a read or ENOENT on an open; the second is
 * also what a missing file looks like, so it is told apart by whether
 * cgroup.procs, which every cgroup has, is still there. ENODEV through a
 * kept descriptor is told apart the same way: the cgroup gone, or only the
 * file (a cgroup2 controller disabled above it).
 *
 * Each file is read with one pread at offset 0 into a buffer with room to
 * spare: a short read is the whole file (cgroupfs's seq_file fills the
 * buffer until the content ends; a regular file of a fixture tree reads to
 * its end), and a full buffer is read again, whole, into a bigger one. One
 * read per file also means one consistent snapshot of it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_sample.h"
#include "nstk/util.h"

static const char *const file_names[NSTK_CGF_COUNT][2] = {
	/* [file] = { v1 name, cgroup2 name } */
	[NSTK_CGF_CPU_STAT] = { "cpu.stat", "cpu.stat" },
	[NSTK_CGF_V2_CPU_STAT] = { NULL, "cpu.stat" },
	[NSTK_CGF_CPUACCT_USAGE] = { "cpuacct.usage", NULL },
	[NSTK_CGF_CPU_MAX] = { NULL, "cpu.max" },
	[NSTK_CGF_CFS_QUOTA] = { "cpu.cfs_quota_us", NULL },
	[NSTK_CGF_CFS_PERIOD] = { "cpu.cfs_period_us", NULL },
	[NSTK_CGF_CPUSET_CPUS] = { "cpuset.effective_cpus", "cpuset.cpus.effective" },
	[NSTK_CGF_MEMORY_CURRENT] = { "memory.usage_in_bytes", "memory.current" },
	[NSTK_CGF_MEMORY_STAT] = { "memory.stat", "memory.stat" },
	[NSTK_CGF_MEMORY_MAX] = { "memory.limit_in_bytes", "memory.max" },
	[NSTK_CGF_MEMORY_HIGH] = { NULL, "memory.high" },
	[NSTK_CGF_SWAP_MAX] = { NULL, "memory.swap.max" },
	[NSTK_CGF_MEMSW_LIMIT] = { "memory.memsw.limit_in_bytes", NULL },
	[NSTK_CGF_SWAP_CURRENT] = { NULL, "memory.swap.current" },
	[NSTK_CGF_MEMORY_PEAK] = { "memory.max_usage_in_bytes", "memory.peak" },
	[NSTK_CGF_MEMORY_EVENTS] = { NULL, "memory.events" },
	[NSTK_CGF_OOM_CONTROL] = { "memory.oom_control", NULL },
	[NSTK_CGF_PIDS_CURRENT] = { "pids.current", "pids.current" },
	[NSTK_CGF_PIDS_MAX] = { "pids.max", "pids.max" },
	[NSTK_CGF_IO_STAT] = { NULL, "io.stat" },
	[NSTK_CGF_BLKIO_RECURSIVE] = { "blkio.throttle.io_service_bytes_recursive", NULL },
	[NSTK_CGF_BLKIO] = { "blkio.throttle.io_service_bytes", NULL },
	[NSTK_CGF_CPU_PRESSURE] = { NULL, "cpu.pressure" },
	[NSTK_CGF_MEMORY_PRESSURE] = { NULL, "memory.pressure" },
	[NSTK_CGF_IO_PRESSURE] = { NULL, "io.pressure" },
	[NSTK_CGF_PROCS] = { "cgroup.procs", "cgroup.procs" },
};

_Static_assert(NSTK_CGF_COUNT <= 32, "struct nstk_cg_files keeps its bits in a uint32_t");

/* The group (enum nstk_cg_read) whose values each file gives. */
static const unsigned file_group[NSTK_CGF_COUNT] = {
	[NSTK_CGF_CPU_STAT] = NSTK_CG_READ_CPU,
	[NSTK_CGF_V2_CPU_STAT] = NSTK_CG_READ_CPU,
	[NSTK_CGF_CPUACCT_USAGE] = NSTK_CG_READ_CPU,
	[NSTK_CGF_CPU_MAX] = NSTK_CG_READ_CPU,
	[NSTK_CGF_CFS_QUOTA] = NSTK_CG_READ_CPU,
	[NSTK_CGF_CFS_PERIOD] = NSTK_CG_READ_CPU,
	[NSTK_CGF_CPUSET_CPUS] = NSTK_CG_READ_CPU,
	[NSTK_CGF_MEMORY_CURRENT] = NSTK_CG_READ_MEMORY,
	[NSTK_CGF_MEMORY_STAT] = NSTK_CG_READ_MEMORY | NSTK_CG_READ_SWAP,
	[NSTK_CGF_MEMORY_MAX] = NSTK_CG_READ_MEMORY,
	[NSTK_CGF_MEMORY_HIGH] = NSTK_CG_READ_MEMORY,
	[NSTK_CGF_SWAP_MAX] = NSTK_CG_READ_SWAP,
	[NSTK_CGF_MEMSW_LIMIT] = NSTK_CG_READ_SWAP,
	[NSTK_CGF_SWAP_CURRENT] = NSTK_CG_READ_SWAP,
	[NSTK_CGF_MEMORY_PEAK] = NSTK_CG_READ_PEAK,
	[NSTK_CGF_MEMORY_EVENTS] = NSTK_CG_READ_MEMORY,
	[NSTK_CGF_OOM_CONTROL] = NSTK_CG_READ_MEMORY,
	[NSTK_CGF_PIDS_CURRENT] = NSTK_CG_READ_PIDS | NSTK_CG_READ_TASKS,
	[NSTK_CGF_PIDS_MAX] = NSTK_CG_READ_PIDS,
	[NSTK_CGF_IO_STAT] = NSTK_CG_READ_IO,
	[NSTK_CGF_BLKIO_RECURSIVE] = NSTK_CG_READ_IO,
	[NSTK_CGF_BLKIO] = NSTK_CG_READ_IO,
	[NSTK_CGF_CPU_PRESSURE] = NSTK_CG_READ_PRESSURE,
	[NSTK_CGF_MEMORY_PRESSURE] = NSTK_CG_READ_PRESSURE,
	[NSTK_CGF_IO_PRESSURE] = NSTK_CG_READ_PRESSURE,
	[NSTK_CGF_PROCS] = NSTK_CG_READ_TASKS,
};

/*
 * The most one file may hold: cgroup files are small, cgroup.procs at most
 * some 32 MiB (4M PIDs); past this a file (of a fixture tree: /dev/zero) is
 * unreadable, not a reason to take all memory.
 */
#define FILE_MAX (UINT64_C(64) << 20)

/* Every read starts here, so a value that no file gives stays absent. */
void nstk_cg_counters_clear(struct nstk_cg_counters *c)
{
#define SET_ABSENT_VALUE(name) c->name = NSTK_CG_ABSENT;
#define SET_ABSENT_AVG(name) c->name = NAN;
	NSTK_CG_COUNTERS(SET_ABSENT_VALUE, SET_ABSENT_AVG)
#undef SET_ABSENT_VALUE
#undef SET_ABSENT_AVG
	c->unreadable = 0;
}

void nstk_cg_files_init(struct nstk_cg_files *f)
{
	for (size_t i = 0; i < NSTK_CGF_COUNT; i++)
		f->fd[i] = -1;
	f->absent = f->absent_v2 = 0;
	f->retry_usec = 0;
}

void nstk_cg_files_close(struct nstk_cg_files *f, struct nstk_cg_fdcache *cache)
{
	for (size_t i = 0; i < NSTK_CGF_COUNT; i++) {
		if (f->fd[i] < 0)
			continue;
		close(f->fd[i]);
		f->fd[i] = -1;
		if (cache && cache->open)
			cache->open--;
	}
	f->absent = f->absent_v2 = 0;
}

void nstk_cg_buffer_free(struct nstk_cg_buffer *b)
{
	free(b->data);
	*b = (struct nstk_cg_buffer){ 0 };
}

struct reader {
	const struct nstk_cg_layout *l;
	const int *fds;
	struct nstk_cg_files *files; /* NULL: keep nothing */
	struct nstk_cg_fdcache *cache;
	uint64_t now_usec;
	struct nstk_cg_buffer *buf;
	bool vanished;
	bool out_of_memory;
	unsigned unreadable; /* enum nstk_cg_read groups: see counters.unreadable */
	int out_of_fds; /* -EMFILE or -ENFILE when an open failed for want of them */
};

/* The hierarchy holding controller c, or -1. */
static int owner(const struct reader *rd, enum nstk_cg_controller c)
{
	return rd->l->owner[c];
}

static bool held_by_v2(const struct reader *rd, enum nstk_cg_controller c)
{
	int h = rd->l->owner[c];
	return h >= 0 && rd->l->h[h].v2;
}

static bool has_dir(const struct reader *rd, int h)
{
	return h >= 0 && rd->fds[h] >= 0;
}

/* Whether the cgroup is still there, after a file of it was not. */
static bool cgroup_exists(int dirfd)
{
	return faccessat(dirfd, "cgroup.procs", F_OK, 0) == 0;
}

/*
 * The whole of fd's content in rd->buf, by one pread at offset 0 with room
 * to spare (see the top of the file). Returns its length or -errno.
 */
static ssize_t pread_whole(struct reader *rd, int fd)
{
	struct nstk_cg_buffer *b = rd->buf;
	for (;;) {
		if (b->cap < 16384) {
			char *data = realloc(b->data, 16384);
			if (!data)
				return -ENOMEM;
			b->data = data;
			b->cap = 16384;
		}
		ssize_t n = pread(fd, b->data, b->cap, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if ((size_t)n < b->cap)
			return n;
		if (b->cap >= FILE_MAX)
			return -EFBIG;
		char *data = realloc(b->data, b->cap * 2);
		if (!data)
			return -ENOMEM;
		b->data = data;
		b->cap *= 2;
	}
}

static void mark_absent(struct reader *rd, enum nstk_cg_file id, bool v2)
{
	struct nstk_cg_files *f = rd->files;
	if (!f || !rd->cache->enabled)
		return;
	f->absent |= 1u << id;
	if (v2) {
		if (!f->absent_v2)
			f->retry_usec = rd->now_usec + NSTK_CG_ABSENT_RETRY_USEC;
		f->absent_v2 |= 1u << id;
	}
}

/* File id is there, but what it holds cannot be read or did not parse. */
static void unreadable(struct reader *rd, enum nstk_cg_file id)
{
	rd->unreadable |= file_group[id];
}

/*
 * The whole of file id of the cgroup's directory in hierarchy h, in
 * rd->buf, through its kept descriptor when it has one. Returns its
 * length, or -errno (-ENOENT when it is not there).
 */
static ssize_t read_file(struct reader *rd, enum nstk_cg_file id, int h)
{
	if (!has_dir(rd, h))
		return -ENOENT;
	bool v2 = rd->l->h[h].v2;
	const char *name = file_names[id][v2];
	int dirfd = rd->fds[h];
	struct nstk_cg_files *f = rd->files;
	ssize_t n;

	if (!name)
		return -ENOENT;
	if (f && (f->absent & (1u << id)))
		return -ENOENT;
	if (f && f->fd[id] >= 0) {
		n = pread_whole(rd, f->fd[id]);
		if (n != -ENODEV)
			goto done;
		/* The file or its whole cgroup was removed: open it afresh to tell which. */
		close(f->fd[id]);
		f->fd[id] = -1;
		rd->cache->open--;
	}
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int r = -errno;
		if (r == -ENOENT) {
			if (!cgroup_exists(dirfd))
				rd->vanished = true;
			else
				mark_absent(rd, id, v2);
		} else if (r == -EMFILE || r == -ENFILE) {
			rd->out_of_fds = r;
		} else if (r != -ENOMEM) {
			unreadable(rd, id); /* ELOOP, EACCES, ... */
		}
		return r;
	}
	n = pread_whole(rd, fd);
	/*
	 * v1's cgroup.procs is the one file not to keep: a read at offset 0
	 * through the same descriptor may be served from the pid list the
	 * previous read built (kept for a second), not the cgroup as it is.
	 */
	if (f && n >= 0 && id != NSTK_CGF_PROCS && rd->cache->enabled && rd->cache->open < rd->cache->max) {
		f->fd[id] = fd;
		rd->cache->open++;
	} else {
		close(fd);
	}
done:
	if (n == -ENOMEM)
		rd->out_of_memory = true;
	else if (n == -ENODEV)
		rd->vanished = true;
	else if (n < 0)
		unreadable(rd, id); /* EISDIR, EFBIG, EIO, ... */
	return n;
}

/* A single value parsed by parse, or absent. */
static uint64_t read_value(struct reader *rd, enum nstk_cg_file id, int h,
			   int (*parse)(const char *, size_t, uint64_t *))
{
	uint64_t v;
	ssize_t n = read_file(rd, id, h);
	if (n < 0)
		return NSTK_CG_ABSENT;
	if (parse(rd->buf->data, (size_t)n, &v) < 0) {
		unreadable(rd, id);
		return NSTK_CG_ABSENT;
	}
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
	int h = owner(rd, NSTK_CG_CPU);
	if (held_by_v2(rd, NSTK_CG_CPU)) {
		struct nstk_cg_cpu_max max;
		ssize_t n = read_file(rd, NSTK_CGF_CPU_MAX, h);
		if (n >= 0 && nstk_cgparse_cpu_max(rd->buf->data, (size_t)n, &max) == 0) {
			c->cpu_quota_usec = max.quota_usec;
			c->cpu_period_usec = max.period_usec;
		} else if (n >= 0) {
			unreadable(rd, NSTK_CGF_CPU_MAX);
		}
	} else if (has_dir(rd, h)) {
		uint64_t quota = read_value(rd, NSTK_CGF_CFS_QUOTA, h, nstk_cgparse_cfs_quota);
		uint64_t period = read_value(rd, NSTK_CGF_CFS_PERIOD, h, nstk_cgparse_cfs_period);
		if (quota != NSTK_CG_ABSENT && period != NSTK_CG_ABSENT) {
			c->cpu_quota_usec = quota;
			c->cpu_period_usec = period;
		}
	}
	c->cpuset_cpus = read_value(rd, NSTK_CGF_CPUSET_CPUS, owner(rd, NSTK_CG_CPUSET), nstk_cgparse_cpuset_count);
}

static void read_cpu(struct reader *rd, struct nstk_cg_counters *c)
{
	struct nstk_cg_cpu_stat stat;
	bool have_stat = false;
	int h = owner(rd, NSTK_CG_CPU);

	/* Throttling is in the cpu controller's cpu.stat; cgroup2's has the usage too. */
	if (has_dir(rd, h)) {
		ssize_t n = read_file(rd, NSTK_CGF_CPU_STAT, h);
		have_stat = n >= 0 && nstk_cgparse_cpu_stat(rd->buf->data, (size_t)n, &stat) == 0;
		if (n >= 0 && !have_stat)
			unreadable(rd, NSTK_CGF_CPU_STAT);
	}
	if (have_stat) {
		c->nr_periods = stat.nr_periods;
		c->nr_throttled = stat.nr_throttled;
		c->throttled_usec = stat.throttled_usec;
		c->nr_bursts = stat.nr_bursts;
		c->burst_usec = stat.burst_usec;
	}

	int acct = owner(rd, NSTK_CG_CPUACCT);
	if (has_dir(rd, acct)) {
		uint64_t ns = read_value(rd, NSTK_CGF_CPUACCT_USAGE, acct, nstk_cgparse_u64);
		if (nstk_cg_is_value(ns))
			c->cpu_usage_usec = ns / 1000;
	} else if (have_stat && held_by_v2(rd, NSTK_CG_CPU)) {
		c->cpu_usage_usec = stat.usage_usec;
	} else {
		/* Every cgroup2 cgroup has usage_usec, with or without the cpu controller. */
		ssize_t n = read_file(rd, NSTK_CGF_V2_CPU_STAT, rd->l->v2);
		if (n >= 0 && nstk_cgparse_cpu_stat(rd->buf->data, (size_t)n, &stat) == 0)
			c->cpu_usage_usec = stat.usage_usec;
		else if (n >= 0)
			unreadable(rd, NSTK_CGF_V2_CPU_STAT);
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

static void read_memory_limits(struct reader *rd, unsigned reads, struct nstk_cg_counters *c)
{
	int h = owner(rd, NSTK_CG_MEMORY);
	if (!has_dir(rd, h))
		return;
	c->memory_max = read_value(rd, NSTK_CGF_MEMORY_MAX, h, nstk_cgparse_limit);
	if (held_by_v2(rd, NSTK_CG_MEMORY)) {
		c->memory_high = read_value(rd, NSTK_CGF_MEMORY_HIGH, h, nstk_cgparse_limit);
		if (reads & NSTK_CG_READ_SWAP)
			c->swap_max = read_value(rd, NSTK_CGF_SWAP_MAX, h, nstk_cgparse_limit);
	} else if (reads & NSTK_CG_READ_SWAP) {
		uint64_t memsw = read_value(rd, NSTK_CGF_MEMSW_LIMIT, h, nstk_cgparse_limit);
		c->swap_max = v1_swap_max(c->memory_max, memsw);
	}
}

static void read_memory(struct reader *rd, unsigned reads, struct nstk_cg_counters *c)
{
	int h = owner(rd, NSTK_CG_MEMORY);
	bool v2 = held_by_v2(rd, NSTK_CG_MEMORY);
	ssize_t n;

	if (!has_dir(rd, h))
		return;
	if (reads & NSTK_CG_READ_MEMORY) {
		c->memory_current = read_value(rd, NSTK_CGF_MEMORY_CURRENT, h, nstk_cgparse_u64);
		n = read_file(rd, NSTK_CGF_MEMORY_STAT, h);
		if (n >= 0) {
			static const char *const v2_keys[] = { "inactive_file" };
			static const char *const v1_keys[] = { "total_inactive_file", "total_swap" };
			uint64_t v[2] = { NSTK_CG_ABSENT, NSTK_CG_ABSENT };
			if (nstk_cgparse_flat_keyed(rd->buf->data, (size_t)n, v2 ? v2_keys : v1_keys, v2 ? 1 : 2,
						    v) == 0) {
				c->memory_inactive_file = v[0];
				/* v1's swap use is in memory.stat: no file more to read for it. */
				if (!v2 && (reads & NSTK_CG_READ_SWAP))
					c->swap_current = v[1];
			} else {
				unreadable(rd, NSTK_CGF_MEMORY_STAT);
			}
		}
	}
	read_memory_limits(rd, reads, c);
	if (v2 && (reads & NSTK_CG_READ_SWAP))
		c->swap_current = read_value(rd, NSTK_CGF_SWAP_CURRENT, h, nstk_cgparse_u64);
	if (reads & NSTK_CG_READ_PEAK)
		c->memory_peak = read_value(rd, NSTK_CGF_MEMORY_PEAK, h, nstk_cgparse_u64);
	if (!(reads & NSTK_CG_READ_MEMORY))
		return;
	if (v2) {
		struct nstk_cg_memory_events ev;
		n = read_file(rd, NSTK_CGF_MEMORY_EVENTS, h);
		if (n >= 0 && nstk_cgparse_memory_events(rd->buf->data, (size_t)n, &ev) == 0) {
			c->oom = ev.oom;
			c->oom_kill = ev.oom_kill;
		} else if (n >= 0) {
			unreadable(rd, NSTK_CGF_MEMORY_EVENTS);
		}
	} else {
		struct nstk_cg_oom_control oc;
		n = read_file(rd, NSTK_CGF_OOM_CONTROL, h);
		if (n >= 0 && nstk_cgparse_oom_control(rd->buf->data, (size_t)n, &oc) == 0)
			c->oom_kill = oc.oom_kill;
		else if (n >= 0)
			unreadable(rd, NSTK_CGF_OOM_CONTROL);
	}
}

static void read_io(struct reader *rd, struct nstk_cg_counters *c)
{
	int h = owner(rd, NSTK_CG_IO);
	struct nstk_cg_io io;
	ssize_t n;
	int r = -ENOENT;

	if (held_by_v2(rd, NSTK_CG_IO)) {
		if ((n = read_file(rd, NSTK_CGF_IO_STAT, h)) >= 0)
			r = nstk_cgparse_io_stat(rd->buf->data, (size_t)n, &io);
	} else if (has_dir(rd, h)) {
		/* The recursive file counts descendants too, as io.stat does. */
		n = read_file(rd, NSTK_CGF_BLKIO_RECURSIVE, h);
		if (n == -ENOENT && !rd->vanished)
			n = read_file(rd, NSTK_CGF_BLKIO, h);
		if (n >= 0)
			r = nstk_cgparse_blkio_bytes(rd->buf->data, (size_t)n, &io);
	}
	if (r == 0) {
		c->io_rbytes = io.rbytes;
		c->io_wbytes = io.wbytes;
	} else if (r != -ENOENT) {
		unreadable(rd, NSTK_CGF_IO_STAT);
	}
}

static void read_pressure(struct reader *rd, struct nstk_cg_counters *c)
{
	static const enum nstk_cg_file files[3] = { NSTK_CGF_CPU_PRESSURE, NSTK_CGF_MEMORY_PRESSURE,
						    NSTK_CGF_IO_PRESSURE };
	double *some_avg[3] = { &c->cpu_some_avg10, &c->memory_some_avg10, &c->io_some_avg10 };
	double *full_avg[3] = { &c->cpu_full_avg10, &c->memory_full_avg10, &c->io_full_avg10 };
	uint64_t *some_total[3] = { &c->cpu_some_usec, &c->memory_some_usec, &c->io_some_usec };
	uint64_t *full_total[3] = { &c->cpu_full_usec, &c->memory_full_usec, &c->io_full_usec };
	int h = rd->l->v2;

	for (int i = 0; i < 3 && has_dir(rd, h); i++) {
		struct nstk_cg_pressure p;
		ssize_t n = read_file(rd, files[i], h);
		if (n < 0)
			continue;
		if (nstk_cgparse_pressure(rd->buf->data, (size_t)n, &p) < 0) {
			unreadable(rd, files[i]);
			continue;
		}
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
		c->pids_current = read_value(rd, NSTK_CGF_PIDS_CURRENT, owner(rd, NSTK_CG_PIDS), nstk_cgparse_u64);
	if (c->pids_current != NSTK_CG_ABSENT) {
		c->tasks = c->pids_current;
		return;
	}
	/* No pids controller: the processes in the cgroup itself, from its first hierarchy. */
	for (size_t i = 0; i < rd->l->n; i++) {
		if (rd->fds[i] < 0)
			continue;
		ssize_t n = read_file(rd, NSTK_CGF_PROCS, (int)i);
		if (n >= 0)
			c->tasks = count_lines(rd->buf->data, (size_t)n);
		return;
	}
}

int nstk_cg_read_counters(const struct nstk_cg_layout *l, const int *fds, struct nstk_cg_files *files,
			  struct nstk_cg_fdcache *cache, unsigned reads, bool limits_only, uint64_t now_usec,
			  struct nstk_cg_buffer *buf, struct nstk_cg_counters *out)
{
	struct nstk_cg_fdcache no_cache = { .enabled = false };
	struct reader rd = {
		.l = l, .fds = fds, .files = files, .cache = cache ? cache : &no_cache,
		.now_usec = now_usec, .buf = buf,
	};
	struct nstk_cg_counters *c = out;

	if (!rd.cache->enabled)
		rd.files = NULL;
	/* cgroup2 files found missing are looked for again now and then. */
	if (rd.files && rd.files->absent_v2 && now_usec >= rd.files->retry_usec) {
		rd.files->absent &= ~rd.files->absent_v2;
		rd.files->absent_v2 = 0;
	}
	nstk_cg_counters_clear(c);
	if (reads == 0)
		reads = NSTK_CG_READ_ALL;
	if (limits_only) {
		if (reads & NSTK_CG_READ_CPU)
			read_cpu_limit(&rd, c);
		if (reads & (NSTK_CG_READ_MEMORY | NSTK_CG_READ_SWAP))
			read_memory_limits(&rd, reads, c);
		if (reads & NSTK_CG_READ_PIDS)
			c->pids_max = read_value(&rd, NSTK_CGF_PIDS_MAX, owner(&rd, NSTK_CG_PIDS), nstk_cgparse_limit);
	} else {
		if (reads & NSTK_CG_READ_CPU)
			read_cpu(&rd, c);
		if (reads & (NSTK_CG_READ_MEMORY | NSTK_CG_READ_SWAP | NSTK_CG_READ_PEAK))
			read_memory(&rd, reads, c);
		if (reads & NSTK_CG_READ_PIDS) {
			int h = owner(&rd, NSTK_CG_PIDS);
			c->pids_current = read_value(&rd, NSTK_CGF_PIDS_CURRENT, h, nstk_cgparse_u64);
			c->pids_max = read_value(&rd, NSTK_CGF_PIDS_MAX, h, nstk_cgparse_limit);
		}
		if (reads & NSTK_CG_READ_TASKS)
			read_tasks(&rd, c);
		if (reads & NSTK_CG_READ_IO)
			read_io(&rd, c);
		if (reads & NSTK_CG_READ_PRESSURE)
			read_pressure(&rd, c);
	}
	c->unreadable = rd.unreadable;
	if (rd.out_of_memory)
		return -ENOMEM;
	if (rd.vanished)
		return -ENOENT;
	return rd.out_of_fds;
}
