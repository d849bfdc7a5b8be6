/*
 * fields.c — every value cgtop reports about a cgroup, named once as JSON
 * spells it. JSON output, --check, --sort and the text columns all look a
 * value up here, so a name means the same number everywhere.
 *
 * Also: which rows the options show and in which order.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgtop.h"

#define AT(member) offsetof(struct nstk_cg_stats, member)

const struct cgtop_field cgtop_fields[] = {
	{ "path", CGTOP_F_PATH, 0, AT(path), "the cgroup, relative to the hierarchy roots" },
	{ "container", CGTOP_F_CONTAINER, 0, AT(container), "the container the path names, or null" },
	{ "tasks", CGTOP_F_COUNT, NSTK_CG_READ_TASKS, AT(now.tasks),
	  "tasks in it and below (pids.current), or its processes (cgroup.procs) without pids" },

	{ "cpu.usage_pct", CGTOP_F_PCT, NSTK_CG_READ_CPU, AT(cpu_usage_pct), "CPU use, 100 = one CPU busy" },
	{ "cpu.limit_cores", CGTOP_F_CORES, NSTK_CG_READ_CPU, AT(cpu_limit_cores),
	  "its own quota/period in CPUs; null when unlimited" },
	{ "cpu.pct_of_limit", CGTOP_F_PCT, NSTK_CG_READ_CPU, AT(cpu_pct_of_limit),
	  "usage_pct as a share of effective.limit_cores" },
	{ "cpu.throttled_pct", CGTOP_F_PCT, NSTK_CG_READ_CPU, AT(cpu_throttled_pct),
	  "throttled periods per 100 periods run (its own quota)" },
	{ "cpu.throttled_s_per_s", CGTOP_F_RATE, NSTK_CG_READ_CPU, AT(cpu_throttled_s_per_s),
	  "seconds throttled per second (summed over CPUs)" },
	{ "cpu.effective.limit_cores", CGTOP_F_CORES, NSTK_CG_READ_CPU, AT(cpu_effective_cores),
	  "the tightest quota of it and its ancestors, capped by its cpuset; null when unlimited" },
	{ "cpu.effective.from", CGTOP_F_FROM, NSTK_CG_READ_CPU, AT(cpu_effective_from),
	  "the cgroup that sets effective.limit_cores" },
	{ "cpu.burst_s_per_s", CGTOP_F_RATE, NSTK_CG_READ_CPU, AT(cpu_burst_s_per_s),
	  "seconds of burst used per second" },
	{ "cpu.usage_usec", CGTOP_F_COUNT, NSTK_CG_READ_CPU, AT(now.cpu_usage_usec), "CPU time used, µs (counter)" },
	{ "cpu.nr_periods", CGTOP_F_COUNT, NSTK_CG_READ_CPU, AT(now.nr_periods), "quota periods run (counter)" },
	{ "cpu.nr_throttled", CGTOP_F_COUNT, NSTK_CG_READ_CPU, AT(now.nr_throttled),
	  "periods throttled (counter)" },
	{ "cpu.throttled_usec", CGTOP_F_COUNT, NSTK_CG_READ_CPU, AT(now.throttled_usec),
	  "time throttled, µs (counter)" },
	{ "cpu.quota_usec", CGTOP_F_COUNT, NSTK_CG_READ_CPU, AT(now.cpu_quota_usec),
	  "its own quota per period, µs; null when unlimited" },
	{ "cpu.period_usec", CGTOP_F_COUNT, NSTK_CG_READ_CPU, AT(now.cpu_period_usec), "its quota period, µs" },
	{ "cpu.cpuset_cpus", CGTOP_F_COUNT, NSTK_CG_READ_CPU, AT(now.cpuset_cpus),
	  "CPUs in its effective cpuset" },

	{ "memory.current", CGTOP_F_BYTES, NSTK_CG_READ_MEMORY, AT(now.memory_current),
	  "memory charged to it and below, bytes (page cache included)" },
	{ "memory.working_set", CGTOP_F_BYTES, NSTK_CG_READ_MEMORY, AT(memory_working_set),
	  "current minus inactive file cache, as kubelet and docker count it" },
	{ "memory.max", CGTOP_F_BYTES, NSTK_CG_READ_MEMORY, AT(now.memory_max),
	  "its own memory.max (v1 limit_in_bytes); null when unlimited" },
	{ "memory.high", CGTOP_F_BYTES, NSTK_CG_READ_MEMORY, AT(now.memory_high),
	  "its own memory.high; null when unlimited and on v1" },
	{ "memory.pct_of_max", CGTOP_F_PCT, NSTK_CG_READ_MEMORY, AT(memory_pct_of_max),
	  "working_set as a share of effective.max" },
	{ "memory.swap", CGTOP_F_BYTES, NSTK_CG_READ_SWAP, AT(now.swap_current), "swap used, bytes" },
	{ "memory.oom_kills", CGTOP_F_COUNT, NSTK_CG_READ_MEMORY, AT(now.oom_kill),
	  "processes the OOM killer killed in it and below (counter)" },
	{ "memory.oom_kills_delta", CGTOP_F_COUNT, NSTK_CG_READ_MEMORY, AT(oom_kills_delta),
	  "OOM kills since the previous sample" },
	{ "memory.effective.max", CGTOP_F_BYTES, NSTK_CG_READ_MEMORY, AT(memory_max.value),
	  "the tightest memory.max of it and its ancestors; null when unlimited" },
	{ "memory.effective.from", CGTOP_F_FROM, NSTK_CG_READ_MEMORY, AT(memory_max.from),
	  "the cgroup that sets effective.max" },
	{ "memory.effective.high", CGTOP_F_BYTES, NSTK_CG_READ_MEMORY, AT(memory_high.value),
	  "the tightest memory.high of it and its ancestors" },
	{ "memory.effective.high_from", CGTOP_F_FROM, NSTK_CG_READ_MEMORY, AT(memory_high.from),
	  "the cgroup that sets effective.high" },
	{ "memory.effective.swap_max", CGTOP_F_BYTES, NSTK_CG_READ_SWAP, AT(swap_max.value),
	  "the tightest swap limit of it and its ancestors" },
	{ "memory.effective.swap_max_from", CGTOP_F_FROM, NSTK_CG_READ_SWAP, AT(swap_max.from),
	  "the cgroup that sets effective.swap_max" },
	{ "memory.pct_of_high", CGTOP_F_PCT, NSTK_CG_READ_MEMORY, AT(memory_pct_of_high),
	  "working_set as a share of effective.high" },
	{ "memory.swap_max", CGTOP_F_BYTES, NSTK_CG_READ_SWAP, AT(now.swap_max),
	  "its own swap limit (v1: memsw.limit_in_bytes minus limit_in_bytes)" },
	{ "memory.peak", CGTOP_F_BYTES, NSTK_CG_READ_PEAK, AT(now.memory_peak),
	  "the highest memory.current seen (v1 max_usage_in_bytes)" },
	{ "memory.oom", CGTOP_F_COUNT, NSTK_CG_READ_MEMORY, AT(now.oom),
	  "times it hit its limit and the OOM killer was invoked (v2 only)" },

	{ "pids.current", CGTOP_F_COUNT, NSTK_CG_READ_PIDS, AT(now.pids_current), "tasks in it and below" },
	{ "pids.max", CGTOP_F_COUNT, NSTK_CG_READ_PIDS, AT(now.pids_max), "its own pids.max; null when unlimited" },
	{ "pids.pct_of_max", CGTOP_F_PCT, NSTK_CG_READ_PIDS, AT(pids_pct_of_max),
	  "current as a share of effective.max" },
	{ "pids.effective.max", CGTOP_F_COUNT, NSTK_CG_READ_PIDS, AT(pids_max.value),
	  "the tightest pids.max of it and its ancestors" },
	{ "pids.effective.from", CGTOP_F_FROM, NSTK_CG_READ_PIDS, AT(pids_max.from),
	  "the cgroup that sets effective.max" },

	{ "io.read_bps", CGTOP_F_BYTES_RATE, NSTK_CG_READ_IO, AT(io_read_bps), "bytes read per second, all devices" },
	{ "io.write_bps", CGTOP_F_BYTES_RATE, NSTK_CG_READ_IO, AT(io_write_bps), "bytes written per second" },
	{ "io.read_bytes", CGTOP_F_BYTES, NSTK_CG_READ_IO, AT(now.io_rbytes), "bytes read (counter)" },
	{ "io.write_bytes", CGTOP_F_BYTES, NSTK_CG_READ_IO, AT(now.io_wbytes), "bytes written (counter)" },

	{ "pressure.cpu_some_avg10", CGTOP_F_PCT, NSTK_CG_READ_PRESSURE, AT(now.cpu_some_avg10),
	  "% of the last 10 s some task waited for CPU" },
	{ "pressure.memory_some_avg10", CGTOP_F_PCT, NSTK_CG_READ_PRESSURE, AT(now.memory_some_avg10),
	  "% of the last 10 s some task stalled on memory" },
	{ "pressure.memory_full_avg10", CGTOP_F_PCT, NSTK_CG_READ_PRESSURE, AT(now.memory_full_avg10),
	  "% of the last 10 s all tasks stalled on memory" },
	{ "pressure.io_some_avg10", CGTOP_F_PCT, NSTK_CG_READ_PRESSURE, AT(now.io_some_avg10),
	  "% of the last 10 s some task stalled on I/O" },
	{ "pressure.io_full_avg10", CGTOP_F_PCT, NSTK_CG_READ_PRESSURE, AT(now.io_full_avg10),
	  "% of the last 10 s all tasks stalled on I/O" },
	{ "pressure.cpu_full_avg10", CGTOP_F_PCT, NSTK_CG_READ_PRESSURE, AT(now.cpu_full_avg10),
	  "% of the last 10 s all tasks waited for CPU" },
};

const size_t cgtop_nfields = sizeof(cgtop_fields) / sizeof(cgtop_fields[0]);
_Static_assert(sizeof(cgtop_fields) / sizeof(cgtop_fields[0]) <= CGTOP_MAX_FIELDS, "raise CGTOP_MAX_FIELDS");

int cgtop_field_find(const char *name)
{
	static const struct {
		const char *alias, *field;
	} aliases[] = {
		{ "cpu", "cpu.usage_pct" },
		{ "memory", "memory.current" },
		{ "io", "io.write_bps" },
	};
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(name, aliases[i].alias) == 0)
			name = aliases[i].field;
	for (size_t i = 0; i < cgtop_nfields; i++)
		if (strcmp(cgtop_fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

static const void *field_ptr(const struct cgtop_field *f, const struct nstk_cg_stats *s)
{
	return (const char *)s + f->offset;
}

void cgtop_field_value(const struct cgtop_field *f, const struct nstk_cg_stats *s,
		       struct nstk_value *v, char *buf, size_t size)
{
	const void *p = field_ptr(f, s);
	*v = (struct nstk_value){ .type = NSTK_VALUE_NULL };

	switch (f->kind) {
	case CGTOP_F_PATH:
	case CGTOP_F_FROM: {
		const char *str = *(const char *const *)p;
		if (str) {
			v->type = NSTK_VALUE_STR;
			v->str = (char *)str;
		}
		break;
	}
	case CGTOP_F_CONTAINER: {
		const struct nstk_container *c = *(const struct nstk_container *const *)p;
		if (c && nstk_container_label(c, buf, size) == 0) {
			v->type = NSTK_VALUE_STR;
			v->str = buf;
		}
		break;
	}
	case CGTOP_F_COUNT:
	case CGTOP_F_BYTES: {
		uint64_t u = *(const uint64_t *)p;
		if (nstk_cg_is_value(u)) {
			v->type = NSTK_VALUE_U64;
			v->u64 = u;
		}
		break;
	}
	case CGTOP_F_PCT:
	case CGTOP_F_CORES:
	case CGTOP_F_RATE:
	case CGTOP_F_BYTES_RATE: {
		double d = *(const double *)p;
		/* The filter module has no fractions in cells: decimal text compares as a number. */
		if (isfinite(d)) {
			snprintf(buf, size, "%.6f", d);
			v->type = NSTK_VALUE_STR;
			v->str = buf;
		}
		break;
	}
	}
}

double cgtop_field_number(const struct cgtop_field *f, const struct nstk_cg_stats *s)
{
	const void *p = field_ptr(f, s);
	switch (f->kind) {
	case CGTOP_F_COUNT:
	case CGTOP_F_BYTES: {
		uint64_t u = *(const uint64_t *)p;
		if (u == NSTK_CG_UNLIMITED)
			return INFINITY;
		return u == NSTK_CG_ABSENT ? NAN : (double)u;
	}
	case CGTOP_F_PCT:
	case CGTOP_F_CORES:
	case CGTOP_F_RATE:
	case CGTOP_F_BYTES_RATE:
		return *(const double *)p;
	default:
		return NAN;
	}
}

bool cgtop_check_matches(const struct cgtop_options *o, const struct nstk_cg_stats *s)
{
	struct nstk_value values[CGTOP_MAX_FIELDS];
	char text[CGTOP_MAX_FIELDS][NSTK_CONTAINER_LABEL_MAX];

	if (o->nchecks == 0)
		return true;
	for (size_t i = 0; i < cgtop_nfields; i++)
		cgtop_field_value(&cgtop_fields[i], s, &values[i], text[i], sizeof(text[i]));
	for (size_t i = 0; i < o->nchecks; i++)
		if (nstk_filter_match(o->filters[i], values))
			return true;
	return false;
}

/* The sort: descending on the field, unknown values last, then path order. */
static const struct cgtop_field *sort_field;

static int compare_rows(const void *a, const void *b)
{
	const struct nstk_cg_stats *x = *(const struct nstk_cg_stats *const *)a;
	const struct nstk_cg_stats *y = *(const struct nstk_cg_stats *const *)b;
	double u = cgtop_field_number(sort_field, x), v = cgtop_field_number(sort_field, y);
	if (isnan(u) != isnan(v))
		return isnan(u) ? 1 : -1;
	if (!isnan(u) && u != v)
		return u > v ? -1 : 1;
	return strcmp(x->path, y->path);
}

int cgtop_rows(const struct cgtop_options *o, const struct nstk_cg_frame *f,
	       const struct nstk_cg_stats ***rows, size_t *n)
{
	size_t all = f->n;
	const struct nstk_cg_stats *const *sampled = f->rows;
	const struct nstk_cg_stats **out = malloc((all ? all : 1) * sizeof(*out));
	if (!out)
		return -ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < all; i++)
		if (cgtop_check_matches(o, sampled[i]))
			out[k++] = sampled[i];
	if (o->sort_field >= 0 && cgtop_fields[o->sort_field].kind != CGTOP_F_PATH) {
		sort_field = &cgtop_fields[o->sort_field];
		qsort(out, k, sizeof(*out), compare_rows);
	}
	*rows = out;
	*n = k;
	return 0;
}
