/*
 * cgroup_derive.c — what is derived from what the files said: rates from
 * two samples of a cgroup, and its effective limits and the shares of them
 * from its own counters and its ancestors'.
 *
 * The one idea: derivation is pure arithmetic over struct nstk_cg_counters,
 * no I/O, so it is tested without a cgroupfs (tests/unit/test_cgroup.c). A
 * value missing on either side, or a counter that went backwards (the
 * cgroup was made again), gives NaN or NSTK_CG_ABSENT, never a made-up or
 * negative number.
 */
#include <math.h>

#include "nstk/cgroup.h"

/* How much a counter grew, or false when either side is missing or it went backwards. */
static bool delta(uint64_t now, uint64_t prev, uint64_t *d)
{
	if (!nstk_cg_is_value(now) || !nstk_cg_is_value(prev) || now < prev)
		return false;
	*d = now - prev;
	return true;
}

/* Growth of a counter per µs of wall time. */
static double per_usec(uint64_t now, uint64_t prev, uint64_t elapsed_usec)
{
	uint64_t d;
	if (elapsed_usec == 0 || !delta(now, prev, &d))
		return NAN;
	return (double)d / (double)elapsed_usec;
}

void nstk_cg_compute_rates(struct nstk_cg_stats *s, const struct nstk_cg_counters *prev,
			   uint64_t elapsed_usec)
{
	const struct nstk_cg_counters *now = &s->now;
	uint64_t periods, throttled;

	s->fresh = prev == NULL;
	s->interval_s = NAN;
	s->cpu_usage_pct = s->cpu_throttled_pct = s->cpu_throttled_s_per_s = s->cpu_burst_s_per_s = NAN;
	s->io_read_bps = s->io_write_bps = NAN;
	s->oom_kills_delta = NSTK_CG_ABSENT;
	if (!prev || elapsed_usec == 0)
		return;

	s->interval_s = (double)elapsed_usec / 1e6;
	s->cpu_usage_pct = 100 * per_usec(now->cpu_usage_usec, prev->cpu_usage_usec, elapsed_usec);
	if (delta(now->nr_periods, prev->nr_periods, &periods) &&
	    delta(now->nr_throttled, prev->nr_throttled, &throttled))
		s->cpu_throttled_pct = periods ? 100.0 * (double)throttled / (double)periods : 0;
	s->cpu_throttled_s_per_s = per_usec(now->throttled_usec, prev->throttled_usec, elapsed_usec);
	s->cpu_burst_s_per_s = per_usec(now->burst_usec, prev->burst_usec, elapsed_usec);
	s->io_read_bps = 1e6 * per_usec(now->io_rbytes, prev->io_rbytes, elapsed_usec);
	s->io_write_bps = 1e6 * per_usec(now->io_wbytes, prev->io_wbytes, elapsed_usec);
	uint64_t kills;
	if (delta(now->oom_kill, prev->oom_kill, &kills))
		s->oom_kills_delta = kills;
}

/*
 * Fold one cgroup's limit v (at path) into e, walking from a cgroup up to
 * "/": the smallest value wins, the nearest on a tie; "max" counts only
 * while no number is seen, and absent never does.
 */
static void tighten(struct nstk_cg_effective *e, uint64_t v, const char *path)
{
	if (nstk_cg_is_value(v)) {
		if (!nstk_cg_is_value(e->value) || v < e->value) {
			e->value = v;
			e->from = path;
		}
	} else if (v == NSTK_CG_UNLIMITED && e->value == NSTK_CG_ABSENT) {
		e->value = NSTK_CG_UNLIMITED;
	}
}

/*
 * The smallest memory.max, memory.high, swap and pids.max over s and its
 * ancestors, each with the path of the nearest cgroup holding it; unlimited
 * when only "max" is seen, absent when nothing is.
 */
static void effective_limits(struct nstk_cg_stats *s)
{
	const struct nstk_cg_effective unknown = { .value = NSTK_CG_ABSENT, .from = NULL };

	s->memory_max = s->memory_high = s->swap_max = s->pids_max = unknown;
	for (const struct nstk_cg_stats *a = s; a; a = a->parent) {
		tighten(&s->memory_max, a->now.memory_max, a->path);
		tighten(&s->memory_high, a->now.memory_high, a->path);
		tighten(&s->swap_max, a->now.swap_max, a->path);
		tighten(&s->pids_max, a->now.pids_max, a->path);
	}
}

static double cores_of(const struct nstk_cg_counters *c)
{
	if (c->cpu_quota_usec == NSTK_CG_UNLIMITED)
		return INFINITY;
	if (!nstk_cg_is_value(c->cpu_quota_usec) || !nstk_cg_is_value(c->cpu_period_usec) ||
	    c->cpu_period_usec == 0)
		return NAN;
	return (double)c->cpu_quota_usec / (double)c->cpu_period_usec;
}

static double share(double part, uint64_t whole)
{
	if (isnan(part) || !nstk_cg_is_value(whole) || whole == 0)
		return NAN;
	return 100.0 * part / (double)whole;
}

/*
 * The effective CPU capacity: the smallest quota/period on the way to the
 * root, then the cpuset when it holds fewer CPUs than the top of the chain
 * (the host) does; the cpuset's "from" is the highest cgroup that already
 * had that few.
 */
static void effective_cpu(struct nstk_cg_stats *s)
{
	double cores = NAN;
	const char *from = NULL;

	for (const struct nstk_cg_stats *a = s; a; a = a->parent) {
		double c = cores_of(&a->now);
		if (isnan(c))
			continue;
		if (isnan(cores) || c < cores) {
			cores = c;
			from = isinf(c) ? NULL : a->path;
		}
	}
	uint64_t mine = s->now.cpuset_cpus;
	if (nstk_cg_is_value(mine)) {
		const char *narrowed_at = NULL;
		uint64_t top = mine;
		for (const struct nstk_cg_stats *a = s; a; a = a->parent) {
			if (!nstk_cg_is_value(a->now.cpuset_cpus))
				continue;
			top = a->now.cpuset_cpus;
			if (top == mine)
				narrowed_at = a->path;
		}
		if (mine < top && (isnan(cores) || (double)mine < cores)) {
			cores = (double)mine;
			from = narrowed_at;
		} else if (isnan(cores)) {
			cores = INFINITY;
		}
	}
	s->cpu_effective_cores = cores;
	s->cpu_effective_from = from;
}

void nstk_cg_compute_limits(struct nstk_cg_stats *s)
{
	const struct nstk_cg_counters *c = &s->now;

	s->cpu_limit_cores = cores_of(c);
	effective_cpu(s);
	effective_limits(s);

	s->cpu_pct_of_limit = NAN;
	if (!isnan(s->cpu_usage_pct) && isfinite(s->cpu_effective_cores) && s->cpu_effective_cores > 0)
		s->cpu_pct_of_limit = s->cpu_usage_pct / s->cpu_effective_cores;

	s->memory_working_set = NSTK_CG_ABSENT;
	if (nstk_cg_is_value(c->memory_current) && nstk_cg_is_value(c->memory_inactive_file))
		s->memory_working_set = c->memory_current > c->memory_inactive_file
						? c->memory_current - c->memory_inactive_file
						: 0;
	double ws = nstk_cg_is_value(s->memory_working_set) ? (double)s->memory_working_set : NAN;
	s->memory_pct_of_max = share(ws, s->memory_max.value);
	s->memory_pct_of_high = share(ws, s->memory_high.value);
	s->pids_pct_of_max = nstk_cg_is_value(c->pids_current) ? share((double)c->pids_current, s->pids_max.value)
								: NAN;
}
