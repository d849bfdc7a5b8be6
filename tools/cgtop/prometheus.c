/*
 * prometheus.c — cgtop's Prometheus text exposition, and the atomic file
 * write node_exporter's textfile collector needs.
 *
 * Names: cAdvisor's, with its "container_" prefix replaced by
 * "nstk_cgroup_" (container_cpu_cfs_throttled_periods_total becomes
 * nstk_cgroup_cpu_cfs_throttled_periods_total), so dashboards translate
 * mechanically while the series never collide with the kubelet's or
 * cAdvisor's own on the same Prometheus (cgtop reports every cgroup, slices
 * too, with a "cgroup" label rather than cAdvisor's "id", and a "container"
 * label, empty outside containers). Counters are the
 * raw cumulative values (rates are Prometheus's job); a limit that is
 * unlimited has no sample at all, never 0. No timestamps, as the textfile
 * collector requires.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgtop.h"
#include "nstk/expo.h"
#include "nstk/util.h"

enum metric_unit {
	AS_IS,	     /* the value itself */
	USEC_TO_S,   /* a µs counter shown in seconds */
};

struct metric {
	const char *name; /* after the prefix */
	const char *type; /* "counter" or "gauge" */
	const char *help;
	size_t value;	  /* offset of a uint64_t (or double, with is_double) in struct nstk_cg_stats */
	bool is_double;
	enum metric_unit unit;
	ssize_t from; /* offset of the const char * naming the limiting cgroup, or -1 */
};

#define PREFIX "nstk_cgroup_"
#define AT(member) offsetof(struct nstk_cg_stats, member)

static const struct metric metrics[] = {
	{ "cpu_usage_seconds_total", "counter", "CPU time consumed, in seconds.", AT(now.cpu_usage_usec), false,
	  USEC_TO_S, -1 },
	{ "cpu_cfs_periods_total", "counter", "Enforcement periods elapsed under a CPU quota.", AT(now.nr_periods),
	  false, AS_IS, -1 },
	{ "cpu_cfs_throttled_periods_total", "counter", "Enforcement periods in which the cgroup was throttled.",
	  AT(now.nr_throttled), false, AS_IS, -1 },
	{ "cpu_cfs_throttled_seconds_total", "counter", "Time the cgroup was throttled, in seconds.",
	  AT(now.throttled_usec), false, USEC_TO_S, -1 },
	{ "spec_cpu_quota", "gauge", "CPU quota per period in microseconds (absent when unlimited).",
	  AT(now.cpu_quota_usec), false, AS_IS, -1 },
	{ "spec_cpu_period", "gauge", "CPU quota period in microseconds.", AT(now.cpu_period_usec), false, AS_IS,
	  -1 },
	{ "cpu_effective_limit_cores", "gauge",
	  "Tightest CPU limit of the cgroup and its ancestors in CPUs, cpuset included; from names the cgroup that sets it.",
	  AT(cpu_effective_cores), true, AS_IS, AT(cpu_effective_from) },
	{ "memory_usage_bytes", "gauge", "Memory charged to the cgroup and its descendants, page cache included.",
	  AT(now.memory_current), false, AS_IS, -1 },
	{ "memory_working_set_bytes", "gauge", "Memory usage minus inactive file cache.", AT(memory_working_set),
	  false, AS_IS, -1 },
	{ "memory_max_usage_bytes", "gauge", "Highest memory usage recorded.", AT(now.memory_peak), false, AS_IS,
	  -1 },
	{ "memory_swap", "gauge", "Swap used, in bytes.", AT(now.swap_current), false, AS_IS, -1 },
	{ "spec_memory_limit_bytes", "gauge", "The cgroup's own memory limit (absent when unlimited).",
	  AT(now.memory_max), false, AS_IS, -1 },
	{ "spec_memory_high_bytes", "gauge", "The cgroup's own memory.high throttling point (absent when unlimited).",
	  AT(now.memory_high), false, AS_IS, -1 },
	{ "spec_memory_swap_limit_bytes", "gauge", "The cgroup's own swap limit (absent when unlimited).",
	  AT(now.swap_max), false, AS_IS, -1 },
	{ "memory_effective_limit_bytes", "gauge",
	  "Tightest memory limit of the cgroup and its ancestors; from names the cgroup that sets it.",
	  AT(memory_max.value), false, AS_IS, AT(memory_max.from) },
	{ "oom_events_total", "counter", "Processes killed by the OOM killer in the cgroup and its descendants.",
	  AT(now.oom_kill), false, AS_IS, -1 },
	{ "threads", "gauge", "Tasks in the cgroup and its descendants (pids.current).", AT(now.pids_current),
	  false, AS_IS, -1 },
	{ "threads_max", "gauge", "The cgroup's own pids.max (absent when unlimited).", AT(now.pids_max), false,
	  AS_IS, -1 },
	{ "threads_effective_max", "gauge",
	  "Tightest pids.max of the cgroup and its ancestors; from names the cgroup that sets it.",
	  AT(pids_max.value), false, AS_IS, AT(pids_max.from) },
	{ "fs_reads_bytes_total", "counter", "Bytes read from block devices, all devices.", AT(now.io_rbytes),
	  false, AS_IS, -1 },
	{ "fs_writes_bytes_total", "counter", "Bytes written to block devices, all devices.", AT(now.io_wbytes),
	  false, AS_IS, -1 },
	{ "pressure_cpu_waiting_seconds_total", "counter", "Time some task waited for CPU (PSI some).",
	  AT(now.cpu_some_usec), false, USEC_TO_S, -1 },
	{ "pressure_cpu_stalled_seconds_total", "counter", "Time all tasks waited for CPU (PSI full).",
	  AT(now.cpu_full_usec), false, USEC_TO_S, -1 },
	{ "pressure_memory_waiting_seconds_total", "counter", "Time some task stalled on memory (PSI some).",
	  AT(now.memory_some_usec), false, USEC_TO_S, -1 },
	{ "pressure_memory_stalled_seconds_total", "counter", "Time all tasks stalled on memory (PSI full).",
	  AT(now.memory_full_usec), false, USEC_TO_S, -1 },
	{ "pressure_io_waiting_seconds_total", "counter", "Time some task stalled on I/O (PSI some).",
	  AT(now.io_some_usec), false, USEC_TO_S, -1 },
	{ "pressure_io_stalled_seconds_total", "counter", "Time all tasks stalled on I/O (PSI full).",
	  AT(now.io_full_usec), false, USEC_TO_S, -1 },
};

/* stamp: "" live (the scrape's time), " <ms>" for a recorded moment. */
static void put_sample(FILE *out, const struct metric *mt, const struct nstk_cg_stats *s, const char *stamp)
{
	const void *p = (const char *)s + mt->value;
	double d;
	if (mt->is_double) {
		d = *(const double *)p;
		if (!isfinite(d))
			return;
	} else {
		uint64_t u = *(const uint64_t *)p;
		if (!nstk_cg_is_value(u))
			return;
		d = (double)u;
	}
	fputs(PREFIX, out);
	fputs(mt->name, out);
	fputs("{cgroup=", out);
	nstk_expo_label_value(out, s->path);
	/* Every sample of a family has the same label names, or client_golang
	 * (node_exporter) refuses the family: "" when there is no container. */
	char label[NSTK_CONTAINER_LABEL_MAX] = "";
	if (s->container && nstk_container_label(s->container, label, sizeof(label)) < 0)
		label[0] = '\0';
	fputs(",container=", out);
	nstk_expo_label_value(out, label);
	if (mt->from >= 0) {
		const char *from = *(const char *const *)((const char *)s + mt->from);
		fputs(",from=", out);
		nstk_expo_label_value(out, from ? from : "");
	}
	fputs("} ", out);
	if (mt->unit == USEC_TO_S) {
		uint64_t u = *(const uint64_t *)p;
		fprintf(out, "%" PRIu64 ".%06" PRIu64 "%s\n", u / 1000000, u % 1000000, stamp);
	} else if (mt->is_double) {
		fprintf(out, "%.6g%s\n", d, stamp);
	} else {
		fprintf(out, "%" PRIu64 "%s\n", *(const uint64_t *)p, stamp);
	}
}

int cgtop_render_prometheus(const struct nstk_cg_frame *f, const struct nstk_cg_stats *const *rows,
			    size_t n, FILE *out)
{
	char stamp[32] = "";
	if (f->recorded)
		snprintf(stamp, sizeof(stamp), " %lld", (long long)llround(f->time * 1000));
	for (size_t i = 0; i < sizeof(metrics) / sizeof(metrics[0]); i++) {
		const struct metric *mt = &metrics[i];
		fprintf(out, "# HELP " PREFIX "%s %s\n# TYPE " PREFIX "%s %s\n", mt->name, mt->help, mt->name,
			mt->type);
		for (size_t k = 0; k < n; k++)
			put_sample(out, mt, rows[k], stamp);
	}
	return ferror(out) ? -EIO : 0;
}

/*
 * Many recorded moments in one exposition: each family's HELP and TYPE
 * once, then its samples of every moment with their timestamps (the text
 * format allows a family only once).
 */
struct cgtop_prometheus_acc {
	FILE *family[NSTK_ARRAY_SIZE(metrics)];
	char *text[NSTK_ARRAY_SIZE(metrics)];
	size_t len[NSTK_ARRAY_SIZE(metrics)];
};

struct cgtop_prometheus_acc *cgtop_prometheus_acc_new(void)
{
	struct cgtop_prometheus_acc *a = calloc(1, sizeof(*a));
	for (size_t i = 0; a && i < NSTK_ARRAY_SIZE(metrics); i++) {
		if (!(a->family[i] = open_memstream(&a->text[i], &a->len[i]))) {
			cgtop_prometheus_acc_free(a);
			return NULL;
		}
	}
	return a;
}

int cgtop_prometheus_acc_add(struct cgtop_prometheus_acc *a, const struct nstk_cg_frame *f)
{
	char stamp[32];
	snprintf(stamp, sizeof(stamp), " %lld", (long long)llround(f->time * 1000));
	for (size_t i = 0; i < NSTK_ARRAY_SIZE(metrics); i++) {
		for (size_t k = 0; k < f->n; k++)
			put_sample(a->family[i], &metrics[i], f->rows[k], stamp);
		if (ferror(a->family[i]))
			return -ENOMEM;
	}
	return 0;
}

int cgtop_prometheus_acc_write(struct cgtop_prometheus_acc *a, const char *output_file)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < NSTK_ARRAY_SIZE(metrics); i++) {
		const struct metric *mt = &metrics[i];
		if (fclose(a->family[i]) != 0) {
			a->family[i] = NULL;
			fclose(out);
			return -ENOMEM;
		}
		a->family[i] = NULL;
		fprintf(out, "# HELP " PREFIX "%s %s\n# TYPE " PREFIX "%s %s\n", mt->name, mt->help, mt->name,
			mt->type);
		fwrite(a->text[i], 1, a->len[i], out);
	}
	if (fclose(out) != 0)
		return -ENOMEM;
	if (output_file)
		return nstk_expo_write_atomic(output_file, text, len);
	fwrite(text, 1, len, stdout);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : -errno;
}

void cgtop_prometheus_acc_free(struct cgtop_prometheus_acc *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < NSTK_ARRAY_SIZE(metrics); i++) {
		if (a->family[i])
			fclose(a->family[i]);
		free(a->text[i]);
	}
	free(a);
}
