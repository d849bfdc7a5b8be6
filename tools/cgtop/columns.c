/*
 * columns.c — the columns of cgtop's two tables, the batch text table and
 * the interactive screen, and the text of their cells.
 *
 * The one idea: a column is a field shown in a cell format, written once
 * in one table; each table only lists the columns it shows and in which
 * order, so `cgtop -b` and the screen never disagree about a title, a
 * number or how it is written.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cgtop.h"
#include "nstk/sparkline.h"

#define RIGHT NSTK_OUT_RIGHT
#define TRUNC NSTK_OUT_TRUNC

/* { title, help, text width hint, text flags }, field, from, format, screen cap, screen drop */
const struct cgtop_column cgtop_columns[CGTOP_NCOLUMNS] = {
	[CGTOP_COL_PATH] = { { "PATH", "the cgroup", 0.3, TRUNC }, "path", NULL, CGTOP_CELL_PLAIN, 0, 0 },
	[CGTOP_COL_CONTAINER] = { { "CONTAINER", "the container its path names", 0.1, TRUNC },
				  "container", NULL, CGTOP_CELL_PLAIN, 0, 0 },
	[CGTOP_COL_TASKS] = { { "TASKS", "tasks (pids.current) or processes", 5, RIGHT },
			      "tasks", NULL, CGTOP_CELL_PLAIN, 7, 4 },
	[CGTOP_COL_CPU] = { { "%CPU", "CPU use, 100 = one CPU", 5, RIGHT },
			    "cpu.usage_pct", NULL, CGTOP_CELL_PCT, 6, 0 },
	[CGTOP_COL_CPULIM] = { { "CPULIM", "effective CPU limit in CPUs, @ the cgroup that sets it", 6, RIGHT },
			       "cpu.effective.limit_cores", "cpu.effective.from", CGTOP_CELL_LIMIT_CORES, 14, 9 },
	[CGTOP_COL_CLIM] = { { "%CLIM", "CPU use as a share of CPULIM", 5, RIGHT },
			     "cpu.pct_of_limit", NULL, CGTOP_CELL_PCT, 6, 6 },
	[CGTOP_COL_THR] = { { "%THR", "throttled periods per 100 periods", 5, RIGHT },
			    "cpu.throttled_pct", NULL, CGTOP_CELL_PCT, 5, 7 },
	[CGTOP_COL_MEM] = { { "MEM", "memory.current", 6, RIGHT }, "memory.current", NULL, CGTOP_CELL_BYTES, 7, 3 },
	[CGTOP_COL_MEMMAX] = { { "MEMMAX", "effective memory.max, @ the cgroup that sets it", 6, RIGHT },
			       "memory.effective.max", "memory.effective.from", CGTOP_CELL_LIMIT_BYTES, 14, 8 },
	[CGTOP_COL_PCT_MAX] = { { "%MAX", "working set as a share of MEMMAX", 5, RIGHT },
				"memory.pct_of_max", NULL, CGTOP_CELL_PCT, 6, 5 },
	[CGTOP_COL_OOMK] = { { "OOMK", "OOM kills, (+new since the last sample)", 4, RIGHT },
			     "memory.oom_kills", NULL, CGTOP_CELL_OOM, 9, 2 },
	[CGTOP_COL_PIDSMAX] = { { "PIDSMAX", "effective pids.max, @ the cgroup that sets it", 7, RIGHT },
				"pids.effective.max", "pids.effective.from", CGTOP_CELL_LIMIT_COUNT, 14, 10 },
	[CGTOP_COL_IOR] = { { "IOR/s", "bytes read per second", 6, RIGHT },
			    "io.read_bps", NULL, CGTOP_CELL_BYTES, 7, 12 },
	[CGTOP_COL_IOW] = { { "IOW/s", "bytes written per second", 6, RIGHT },
			    "io.write_bps", NULL, CGTOP_CELL_BYTES, 7, 11 },
	[CGTOP_COL_PSI_CPU] = { { "PSIcpu", "CPU pressure, some avg10", 6, RIGHT },
				"pressure.cpu_some_avg10", NULL, CGTOP_CELL_PCT, 6, 14 },
	[CGTOP_COL_PSI_MEMORY] = { { "PSImem", "memory pressure, some avg10", 6, RIGHT },
				   "pressure.memory_some_avg10", NULL, CGTOP_CELL_PCT, 6, 15 },
	[CGTOP_COL_PSI_IO] = { { "PSIio", "I/O pressure, some avg10", 6, RIGHT },
			       "pressure.io_some_avg10", NULL, CGTOP_CELL_PCT, 6, 16 },
	/* The screen's pictures: first to go on a narrow one. */
	[CGTOP_COL_CPU_TREND] = { { "%CLIM~", "%CLIM over the last samples, a sparkline (the screen only)", 12, 0 },
				  "cpu.pct_of_limit", NULL, CGTOP_CELL_TREND, 12, 17 },
	[CGTOP_COL_MEM_TREND] = { { "%MAX~", "%MAX over the last samples, a sparkline (the screen only)", 12, 0 },
				  "memory.pct_of_max", NULL, CGTOP_CELL_TREND, 12, 18 },
};

int cgtop_column_field(enum cgtop_column_id c)
{
	return cgtop_field_find(cgtop_columns[c].field);
}

int cgtop_column_from(enum cgtop_column_id c)
{
	return cgtop_columns[c].from ? cgtop_field_find(cgtop_columns[c].from) : -1;
}

void cgtop_human_bytes(double v, char *buf, size_t size)
{
	static const char units[] = "BKMGTPE";
	size_t u = 0;
	while (v >= 1024 && u < sizeof(units) - 2) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%.0fB", v);
	else
		snprintf(buf, size, "%.1f%c", v, units[u]);
}

void cgtop_cell_text(const struct cgtop_options *o, int field, int from, enum cgtop_cell_format format,
		     const struct nstk_cg_stats *s, char *buf, size_t size)
{
	const struct cgtop_field *f = &cgtop_fields[field];
	const char *unlimited = o->utf8 ? "\u221e" : "max";
	double d = cgtop_field_number(f, s);
	struct nstk_value v;
	char tmp[NSTK_CONTAINER_LABEL_MAX];
	/* No value: "?" when a file it needs was there but could not be read, else "-". */
	const char *none = (s->now.unreadable & f->reads) ? "?" : "-";

	switch (format) {
	case CGTOP_CELL_PLAIN:
		cgtop_field_value(f, s, &v, tmp, sizeof(tmp));
		if (v.type == NSTK_VALUE_STR)
			snprintf(buf, size, "%s", v.str);
		else if (v.type == NSTK_VALUE_U64)
			snprintf(buf, size, "%" PRIu64, v.u64);
		else
			snprintf(buf, size, "%s", f->kind == CGTOP_F_CONTAINER ? "" : none);
		return;
	case CGTOP_CELL_PCT:
		if (isnan(d))
			snprintf(buf, size, "%s", none);
		else
			snprintf(buf, size, "%.1f", d);
		return;
	case CGTOP_CELL_BYTES:
		if (isnan(d))
			snprintf(buf, size, "%s", none);
		else
			cgtop_human_bytes(d, buf, size);
		return;
	case CGTOP_CELL_OOM: {
		const struct cgtop_field *delta = &cgtop_fields[cgtop_field_find("memory.oom_kills_delta")];
		double dd = cgtop_field_number(delta, s);
		if (isnan(d))
			snprintf(buf, size, "%s", none);
		else if (!isnan(dd) && dd > 0)
			snprintf(buf, size, "%.0f(+%.0f)", d, dd);
		else
			snprintf(buf, size, "%.0f", d);
		return;
	}
	case CGTOP_CELL_TREND:
		nstk_sparkline(&d, 1, 100, o->utf8, buf, size);
		return;
	default:
		break;
	}
	/* A limit: its value, and where it comes from when that is not the cgroup itself. */
	if (isnan(d)) {
		snprintf(buf, size, "%s", none);
		return;
	}
	if (isinf(d)) {
		snprintf(buf, size, "%s", unlimited);
		return;
	}
	if (format == CGTOP_CELL_LIMIT_BYTES)
		cgtop_human_bytes(d, tmp, sizeof(tmp));
	else if (format == CGTOP_CELL_LIMIT_CORES)
		snprintf(tmp, sizeof(tmp), "%.2f", d);
	else
		snprintf(tmp, sizeof(tmp), "%.0f", d);
	const char *path = from >= 0 ? *(const char *const *)((const char *)s + cgtop_fields[from].offset) : NULL;
	if (path && strcmp(path, s->path) != 0)
		snprintf(buf, size, "%s@%s", tmp, path);
	else
		snprintf(buf, size, "%s", tmp);
}

