/*
 * prometheus.c — nsls --prometheus: the namespace inventory as Prometheus
 * text exposition, for node_exporter's textfile collector.
 *
 * The one idea: a leak is a namespace no process sits in that something
 * other than a namespace keeps alive — a bind mount (/run/netns/cni-…,
 * /run/docker/netns/…), a process's fd on its nsfs file, or a socket made in
 * it. That is what pages people on Kubernetes nodes: the CNI plugin failed
 * to delete a pod's netns, and its veth, iptables rules and IPs live on.
 * Each leak is one series per holder with the holder's path as a label, so
 * the alert says where to look. Namespaces kept only by child namespaces
 * (a user namespace owning others) are not leaks: their children are.
 *
 * Families (all gauges, names prefixed nstk_namespace_):
 *   namespaces{type,container}              how many, by kind and container
 *   processes{ns,type,container,netns}      processes in each namespace
 *   leaked{ns,type,container,netns,holder,path}  1 per holder of a leak
 *   leaked_namespaces{type}                 leaks by kind (0 for each kind
 *                                           with none, so an alert has a series)
 *   scan_denied_processes                   processes not inspected (EACCES)
 *
 * It renders the rows nsls built (the same census, --container and -Q), by
 * column id; nsls.c forces the columns it reads.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nstk/expo.h"
#include "nstk/ns.h"
#include "nstk/util.h"
#include "prometheus.h"

/* A row's cell by nsls column id, or NULL when that column is not shown. */
static const struct nstk_value *cell(const struct nstk_out_table *t, const struct nstk_out_row *row,
				     enum nstk_nscol col)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (t->columns[i] == &nstk_nscols[col])
			return &row->cells[i];
	return NULL;
}

static const char *cell_str(const struct nstk_out_table *t, const struct nstk_out_row *row, enum nstk_nscol col)
{
	const struct nstk_value *v = cell(t, row, col);
	if (!v || (v->type != NSTK_VALUE_STR && v->type != NSTK_VALUE_JSON) || !v->str)
		return "";
	return v->str;
}

static uint64_t cell_u64(const struct nstk_out_table *t, const struct nstk_out_row *row, enum nstk_nscol col)
{
	const struct nstk_value *v = cell(t, row, col);
	if (!v)
		return 0;
	if (v->type == NSTK_VALUE_U64)
		return v->u64;
	if (v->type == NSTK_VALUE_I64 && v->i64 > 0)
		return (uint64_t)v->i64;
	return 0;
}

static void put_label(FILE *out, const char *sep, const char *name, const char *value)
{
	fprintf(out, "%s%s=", sep, name);
	nstk_expo_label_value(out, value);
}

/* {ns="…",type="…",container="…",netns="…" — the labels a namespace's series start with. */
static void put_ns_labels(FILE *out, const struct nstk_out_table *t, const struct nstk_out_row *row)
{
	fprintf(out, "{ns=\"%llu\"", (unsigned long long)cell_u64(t, row, NSTK_NSCOL_NS));
	put_label(out, ",", "type", cell_str(t, row, NSTK_NSCOL_TYPE));
	put_label(out, ",", "container", cell_str(t, row, NSTK_NSCOL_CONTAINER));
	put_label(out, ",", "netns", cell_str(t, row, NSTK_NSCOL_NETNS));
}

/*
 * Whether the row is a leak: no process or thread in it, and a mount, fd or
 * socket among its holders (the HOLDERS cell's JSON list).
 */
static bool is_leak(const struct nstk_out_table *t, const struct nstk_out_row *row)
{
	const struct nstk_value *v = cell(t, row, NSTK_NSCOL_HOLDERS);
	if (!v || !json_is_array(v->json))
		return false;
	bool kept = false;
	size_t i;
	json_t *h;
	json_array_foreach(v->json, i, h) {
		const char *kind = json_string_value(json_object_get(h, "kind"));
		if (!kind)
			continue;
		if (!strcmp(kind, "process") || !strcmp(kind, "thread"))
			return false;
		kept |= !strcmp(kind, "mount") || !strcmp(kind, "fd") || !strcmp(kind, "socket");
	}
	return kept;
}

/* One leaked{…} series per mount, fd or socket that holds the row. */
static void put_leak_holders(FILE *out, const struct nstk_out_table *t, const struct nstk_out_row *row)
{
	const struct nstk_value *v = cell(t, row, NSTK_NSCOL_HOLDERS);
	size_t i;
	json_t *h;
	json_array_foreach(v->json, i, h) {
		const char *kind = json_string_value(json_object_get(h, "kind"));
		char path[64];
		const char *where = path;
		if (!kind)
			continue;
		if (!strcmp(kind, "mount")) {
			where = json_string_value(json_object_get(h, "path"));
			if (!where)
				where = "";
		} else if (!strcmp(kind, "fd") || !strcmp(kind, "socket")) {
			snprintf(path, sizeof(path), "/proc/%lld/fd/%lld",
				 (long long)json_integer_value(json_object_get(h, "pid")),
				 (long long)json_integer_value(json_object_get(h, "fd")));
		} else {
			continue;
		}
		fputs("nstk_namespace_leaked", out);
		put_ns_labels(out, t, row);
		put_label(out, ",", "holder", kind);
		put_label(out, ",", "path", where);
		fputs("} 1\n", out);
	}
}

/* namespaces{type,container}: rows counted per (type, container), in first-seen order. */
static int put_counts(FILE *out, const struct nstk_out_table *t)
{
	struct group {
		const char *type, *container;
		size_t n;
	};
	_cleanup_free_ struct group *groups = calloc(t->nrows ? t->nrows : 1, sizeof(*groups));
	size_t ngroups = 0;
	if (!groups)
		return -ENOMEM;
	for (size_t r = 0; r < t->nrows; r++) {
		const char *type = cell_str(t, t->rows[r], NSTK_NSCOL_TYPE);
		const char *container = cell_str(t, t->rows[r], NSTK_NSCOL_CONTAINER);
		size_t g = 0;
		while (g < ngroups && (strcmp(groups[g].type, type) || strcmp(groups[g].container, container)))
			g++;
		if (g == ngroups)
			groups[ngroups++] = (struct group){ type, container, 0 };
		groups[g].n++;
	}
	fputs("# HELP nstk_namespace_namespaces Namespaces on the host, by kind and container.\n"
	      "# TYPE nstk_namespace_namespaces gauge\n",
	      out);
	for (size_t g = 0; g < ngroups; g++) {
		put_label(out, "nstk_namespace_namespaces{", "type", groups[g].type);
		put_label(out, ",", "container", groups[g].container);
		fprintf(out, "} %zu\n", groups[g].n);
	}
	return 0;
}

int nsls_prometheus(const struct nstk_out_table *t, size_t n_denied, char **text, size_t *len)
{
	*text = NULL;
	*len = 0;
	FILE *out = open_memstream(text, len);
	if (!out)
		return -errno;
	int r = put_counts(out, t);

	fputs("# HELP nstk_namespace_processes Processes in the namespace.\n"
	      "# TYPE nstk_namespace_processes gauge\n",
	      out);
	for (size_t i = 0; i < t->nrows && r == 0; i++) {
		fputs("nstk_namespace_processes", out);
		put_ns_labels(out, t, t->rows[i]);
		fprintf(out, "} %llu\n", (unsigned long long)cell_u64(t, t->rows[i], NSTK_NSCOL_NPROCS));
	}

	size_t leaks[NSTK_NS_KIND_COUNT] = { 0 };
	fputs("# HELP nstk_namespace_leaked A namespace no process sits in, kept alive by a bind mount, "
	      "an fd or a socket: 1 per holder, its path as a label.\n"
	      "# TYPE nstk_namespace_leaked gauge\n",
	      out);
	for (size_t i = 0; i < t->nrows && r == 0; i++) {
		if (!is_leak(t, t->rows[i]))
			continue;
		put_leak_holders(out, t, t->rows[i]);
		int k = nstk_ns_kind_from_name(cell_str(t, t->rows[i], NSTK_NSCOL_TYPE));
		if (k >= 0)
			leaks[k]++;
	}
	fputs("# HELP nstk_namespace_leaked_namespaces Namespaces no process sits in, kept alive by a "
	      "bind mount, an fd or a socket.\n"
	      "# TYPE nstk_namespace_leaked_namespaces gauge\n",
	      out);
	for (int k = 0; k < NSTK_NS_KIND_COUNT; k++)
		fprintf(out, "nstk_namespace_leaked_namespaces{type=\"%s\"} %zu\n", nstk_ns_kind_name(k), leaks[k]);

	fprintf(out,
		"# HELP nstk_namespace_scan_denied_processes Processes the scan could not inspect "
		"(permission denied): what they hold is not counted.\n"
		"# TYPE nstk_namespace_scan_denied_processes gauge\n"
		"nstk_namespace_scan_denied_processes %zu\n",
		n_denied);
	if (fclose(out) != 0 && r == 0)
		r = -errno;
	if (r < 0) {
		free(*text);
		*text = NULL;
		*len = 0;
	}
	return r;
}
