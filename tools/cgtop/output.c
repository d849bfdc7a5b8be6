/*
 * output.c — cgtop's text table (through the out module: libsmartcols) and
 * its NDJSON objects (jansson), both read from the field table; the text
 * table's columns and cells are columns.c's, which the screen shows too.
 *
 * Text is for people: sizes in K/M/G, limits as ∞ (or "max" outside a UTF-8
 * locale), an inherited limit followed by "@" and the cgroup that sets it,
 * "-" where there is nothing to show (a first sample's rates, a file not
 * there), "?" where a file was there but could not be read. JSON is for
 * programs: bytes as integers, unlimited and unknown as null, nested as the
 * field names say ("cpu.effective.from" is cgroups[].cpu.effective.from).
 *
 * With -P, the processes: in text a second table after the cgroups', one
 * line per process with its cgroup's path first. The cgroup table stays as
 * it is without -P, every process line is whole on its own (grep, sort and
 * awk need no context), and one set of columns lines up; lines indented
 * under each cgroup's row would break both tables' columns. In JSON each
 * cgroup object gets a "processes" array.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgtop.h"
#include "nstk/expo.h"
#include "nstk/util.h"

/* ---- text ---- */

/* The text table's columns, in its order (the screen shows pressure instead of the container). */
static const enum cgtop_column_id text_columns[] = {
	CGTOP_COL_PATH, CGTOP_COL_CONTAINER, CGTOP_COL_TASKS, CGTOP_COL_CPU, CGTOP_COL_CPULIM,
	CGTOP_COL_CLIM, CGTOP_COL_THR, CGTOP_COL_MEM, CGTOP_COL_MEMMAX, CGTOP_COL_PCT_MAX,
	CGTOP_COL_OOMK, CGTOP_COL_PIDSMAX, CGTOP_COL_IOR, CGTOP_COL_IOW,
};

#define N_TEXT_COLUMNS NSTK_ARRAY_SIZE(text_columns)
/* A path (PATH_MAX) and an inherited limit's "@" and path. */
#define CELL_MAX (2 * 4096 + 64)

void cgtop_text_columns_help(FILE *f)
{
	for (size_t i = 0; i < N_TEXT_COLUMNS; i++) {
		const struct nstk_out_column *c = &cgtop_columns[text_columns[i]].out;
		fprintf(f, " %10s  %s\n", c->name, c->help);
	}
}

unsigned cgtop_text_reads(void)
{
	unsigned reads = 0;
	for (size_t i = 0; i < N_TEXT_COLUMNS; i++)
		reads |= cgtop_fields[cgtop_column_field(text_columns[i])].reads;
	return reads;
}

/* -P: the processes' table, after a blank line, appended to *text. */
static int append_procs_text(const struct nstk_cg_stats *const *rows, size_t n, char **text)
{
	static const struct nstk_out_column cgroup = { "CGROUP", "the cgroup", 0.3, NSTK_OUT_TRUNC };
	const struct nstk_out_column *cols[1 + CGTOP_NPCOLUMNS] = { &cgroup };
	for (size_t c = 0; c < CGTOP_NPCOLUMNS; c++)
		cols[1 + c] = &cgtop_proc_columns[c];
	struct nstk_out_table *t = nstk_out_table_new(cols, 1 + CGTOP_NPCOLUMNS);
	if (!t)
		return -ENOMEM;
	int r = 0;
	size_t lines = 0;
	for (size_t i = 0; i < n && r == 0; i++) {
		for (size_t k = 0; k < rows[i]->nprocs && r == 0; k++) {
			struct nstk_out_row *row = nstk_out_row_add(t);
			if (!row) {
				r = -ENOMEM;
				break;
			}
			r = nstk_out_set_str(row, 0, rows[i]->path);
			for (size_t c = 0; c < CGTOP_NPCOLUMNS && r == 0; c++) {
				char buf[NSTK_CG_COMM_MAX + 16];
				cgtop_proc_cell(&rows[i]->procs[k], (enum cgtop_proc_column)c, buf, sizeof(buf));
				r = nstk_out_set_str(row, 1 + c, buf);
			}
			lines++;
		}
	}
	/* No process in any: the heading alone, as the cgroup table does. */
	if (r == 0 && lines == 0 && !nstk_out_row_add(t))
		r = -ENOMEM;
	_cleanup_free_ char *procs = NULL;
	struct nstk_out_text_options to = { 0 };
	if (r == 0)
		r = nstk_out_render_text(t, &to, &procs);
	nstk_out_table_free(t);
	if (r < 0)
		return r;
	if (lines == 0) {
		char *nl = strchr(procs, '\n');
		if (nl)
			*nl = '\0';
	}
	char *both;
	if (asprintf(&both, "%s\n\n%s", *text, procs) < 0)
		return -ENOMEM;
	free(*text);
	*text = both;
	return 0;
}

int cgtop_render_text(const struct cgtop_options *o, const struct nstk_cg_stats *const *rows, size_t n,
		      char **text)
{
	const struct nstk_out_column *cols[N_TEXT_COLUMNS];
	const struct cgtop_column *shown[N_TEXT_COLUMNS];
	int field[N_TEXT_COLUMNS], from[N_TEXT_COLUMNS]; /* resolved once, not per cell */
	size_t ncols = 0;
	bool any_container = false;

	for (size_t i = 0; i < n; i++)
		any_container |= rows[i]->container != NULL;
	for (size_t i = 0; i < N_TEXT_COLUMNS; i++) {
		if (text_columns[i] == CGTOP_COL_CONTAINER && !any_container)
			continue;
		shown[ncols] = &cgtop_columns[text_columns[i]];
		field[ncols] = cgtop_column_field(text_columns[i]);
		from[ncols] = cgtop_column_from(text_columns[i]);
		cols[ncols] = &shown[ncols]->out;
		ncols++;
	}
	struct nstk_out_table *t = nstk_out_table_new(cols, ncols);
	if (!t)
		return -ENOMEM;
	int r = 0;
	for (size_t i = 0; i < n && r == 0; i++) {
		struct nstk_out_row *row = nstk_out_row_add(t);
		if (!row) {
			r = -ENOMEM;
			break;
		}
		for (size_t c = 0; c < ncols && r == 0; c++) {
			char buf[CELL_MAX];
			cgtop_cell_text(o, field[c], from[c], shown[c]->format, rows[i], buf, sizeof(buf));
			r = nstk_out_set_str(row, c, buf);
		}
	}
	/* No cgroup matched: still the heading, as systemd-cgtop prints it
	 * (libsmartcols prints nothing for a table without lines, so one
	 * empty line is rendered and cut off). */
	if (r == 0 && n == 0 && !nstk_out_row_add(t))
		r = -ENOMEM;
	struct nstk_out_text_options to = { 0 };
	if (r == 0)
		r = nstk_out_render_text(t, &to, text);
	if (r == 0 && n == 0) {
		char *nl = strchr(*text, '\n');
		if (nl)
			*nl = '\0';
	}
	nstk_out_table_free(t);
	if (r == 0 && o->processes && n > 0)
		r = append_procs_text(rows, n, text);
	return r;
}

/* ---- JSON ---- */

static json_t *container_json(const struct nstk_container *k)
{
	char label[NSTK_CONTAINER_LABEL_MAX];
	if (nstk_container_label(k, label, sizeof(label)) < 0)
		snprintf(label, sizeof(label), "%s", k->runtime);
	/* "namespace": containerd's, for a ctr container (its id is unique only there). */
	return json_pack("{s:s, s:s, s:s, s:o, s:s?, s:s?, s:s?, s:s?, s:b}", "runtime", k->runtime, "id", k->id,
			 "label", label, "name", k->name[0] ? nstk_json_text(k->name) : json_null(), "namespace",
			 k->space[0] ? k->space : NULL, "pod", k->pod[0] ? k->pod : NULL, "qos", k->qos[0] ? k->qos : NULL,
			 "unit", k->unit[0] ? k->unit : NULL, "monitor", k->monitor);
}

/* x rounded to the nearest integer, halves away from zero (no libm: the tool links without it). */
static double round_half_away(double x)
{
	if (!(x > -9e15 && x < 9e15))
		return x; /* already an integer at this size */
	return (double)(long long)(x + (x < 0 ? -0.5 : 0.5));
}

/* A double rounded to places decimals, or null. */
static json_t *real_json(double d, int places)
{
	if (!isfinite(d))
		return json_null();
	double scale = 1;
	for (int i = 0; i < places; i++)
		scale *= 10;
	return json_real(round_half_away(d * scale) / scale);
}

static json_t *field_json(const struct cgtop_field *f, const struct nstk_cg_stats *s)
{
	const void *p = (const char *)s + f->offset;
	switch (f->kind) {
	case CGTOP_F_PATH:
	case CGTOP_F_FROM: {
		const char *str = *(const char *const *)p;
		/* A cgroup's name is any bytes: json_string() refuses what is not UTF-8. */
		return nstk_json_text_or_null(str);
	}
	case CGTOP_F_CONTAINER: {
		const struct nstk_container *c = *(const struct nstk_container *const *)p;
		return c ? container_json(c) : json_null();
	}
	case CGTOP_F_COUNT:
	case CGTOP_F_BYTES: {
		uint64_t u = *(const uint64_t *)p;
		return nstk_cg_is_value(u) ? json_integer((json_int_t)u) : json_null();
	}
	case CGTOP_F_BYTES_RATE: {
		double d = *(const double *)p;
		return isfinite(d) ? json_integer((json_int_t)round_half_away(d)) : json_null();
	}
	case CGTOP_F_PCT:
		return real_json(*(const double *)p, 2);
	case CGTOP_F_CORES:
		return real_json(*(const double *)p, 4);
	case CGTOP_F_RATE:
		return real_json(*(const double *)p, 6);
	}
	return json_null();
}

/* Set obj[a][b]...[last] = v along the dotted name, making the objects on the way. */
static int set_dotted(json_t *obj, const char *name, json_t *v)
{
	char key[64];
	const char *dot;
	while ((dot = strchr(name, '.'))) {
		size_t len = (size_t)(dot - name);
		if (!v || len >= sizeof(key))
			goto fail;
		memcpy(key, name, len);
		key[len] = '\0';
		json_t *next = json_object_get(obj, key);
		if (!next) {
			next = json_object();
			if (!next || json_object_set_new(obj, key, next) < 0)
				goto fail;
		}
		obj = next;
		name = dot + 1;
	}
	if (!v)
		return -ENOMEM;
	return json_object_set_new(obj, name, v) < 0 ? -ENOMEM : 0;
fail:
	json_decref(v);
	return -ENOMEM;
}

json_t *cgtop_procs_json(const struct nstk_cg_stats *s)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < s->nprocs; i++) {
		const struct nstk_cg_proc *p = &s->procs[i];
		char name[64], state[2] = { p->state, '\0' };
		const char *user = cgtop_user_name(p->uid, name, sizeof(name));
		json_t *o = json_pack("{s:i, s:s?, s:I, s:o, s:o, s:I, s:s}", "pid", (int)p->pid, "user", user, "uid",
				      (json_int_t)p->uid, "command", nstk_json_text(p->comm), "cpu_pct",
				      real_json(p->cpu_pct, 2), "rss", (json_int_t)p->rss_bytes, "state", state);
		if (!o || json_array_append_new(a, o) < 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

int cgtop_render_json(const struct cgtop_options *o, const struct nstk_cg_frame *f,
		      const struct nstk_cg_stats *const *rows, size_t n, json_t **doc)
{
	json_t *groups = json_array();
	json_t *d = json_pack("{s:i, s:o, s:o, s:s, s:o}", "schema", 1, "time", real_json(f->time, 3),
			      "interval_s", real_json(f->interval, 3), "layout",
			      nstk_cg_layout_name(f->layout->kind), "cgroups", groups);
	if (!d)
		return -ENOMEM;
	/* A moment read back from a store says so; live documents are as they were. */
	if (f->recorded && json_object_set_new(d, "recorded", json_true()) < 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		json_t *g = json_object();
		if (!g || json_array_append_new(groups, g) < 0)
			goto fail;
		for (size_t k = 0; k < cgtop_nfields; k++)
			if (set_dotted(g, cgtop_fields[k].name, field_json(&cgtop_fields[k], rows[i])) < 0)
				goto fail;
		/* -P: the processes, or null where they could not be read (the cgroup went away). */
		if (o->processes &&
		    set_dotted(g, "processes", rows[i]->has_procs ? cgtop_procs_json(rows[i]) : json_null()) < 0)
			goto fail;
	}
	*doc = d;
	return 0;
fail:
	json_decref(d);
	return -ENOMEM;
}

/*
 * 0 once a sample is out, or -errno when stdout took it not (a full disk):
 * without this check cgtop -b would sample on forever into the void.
 */
static int stdout_written(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	return errno ? -errno : -EIO;
}

int cgtop_emit(const struct cgtop_options *o, const struct nstk_cg_frame *fr, bool first, bool last)
{
	_cleanup_free_ const struct nstk_cg_stats **rows = NULL;
	size_t n;
	int r = cgtop_rows(o, fr, &rows, &n);
	if (r < 0)
		return r;

	/* --check looks at the last sample only: the earlier ones give its rates. */
	if (o->nchecks && !last)
		return 0;
	switch (o->mode) {
	case CGTOP_JSON: {
		json_t *doc;
		if ((r = cgtop_render_json(o, fr, rows, n, &doc)) < 0)
			return r;
		r = json_dumpf(doc, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
		json_decref(doc);
		fputc('\n', stdout);
		return r < 0 ? -EIO : stdout_written();
	}
	case CGTOP_PROMETHEUS: {
		_cleanup_free_ char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		if (!f)
			return -ENOMEM;
		r = cgtop_render_prometheus(fr, rows, n, f);
		if (fclose(f) != 0 && r == 0)
			r = -ENOMEM;
		if (r < 0)
			return r;
		if (o->output_file)
			return nstk_expo_write_atomic(o->output_file, text, len);
		fwrite(text, 1, len, stdout);
		return stdout_written();
	}
	case CGTOP_TEXT: {
		_cleanup_free_ char *text = NULL;
		if ((r = cgtop_render_text(o, rows, n, &text)) < 0)
			return r;
		if (!first && !o->nchecks)
			fputc('\n', stdout);
		if (n || !o->nchecks)
			puts(text);
		return stdout_written();
	}
	}
	return 0;
}
