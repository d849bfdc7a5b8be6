/*
 * graph.c — nsls --graph: the network topology as Graphviz DOT, for
 * `nsls --graph | dot -Tsvg > net.svg`.
 *
 * It draws the JSON document nsls -J builds (the same census, -p,
 * --container and -Q), from the columns graph.h names, so the picture says
 * what the table says and nothing else:
 *
 *   "ns_<ino>"              a box per network namespace: its inode, "host"
 *                           (NETMODE), its ip netns name, its container,
 *                           and its interfaces' addresses (lo, bridges,
 *                           the bridges' non-veth ports and IPv6
 *                           link-local addresses left out)
 *   "br_<ino>_<ifname>"     an ellipse per bridge, with its addresses, in a
 *                           cluster ("cluster_ns_<ino>") with its namespace
 *   "if_<ino>_<ifname>"     a bridge port that is not a veth end (a
 *                           dummy, a NIC), in the same cluster, with an
 *                           edge to its bridge
 *   A -- B [label="x — y"]  a veth pair, once: between the namespaces of
 *                           its ends, or the bridge an end is a port of;
 *                           x is the tail's (A's) interface, y the head's
 *
 * A veth's other end in a namespace the document does not show (--container
 * shows the container's netns only, not the host's) is still drawn, dashed:
 * the namespace by inode alone, the bridge it is on by name. Ids are plain
 * ASCII and the same from one run to the next (graph.h says how an
 * interface name becomes one); labels are DOT-escaped: quotes, backslashes,
 * control bytes, and '&', which Graphviz would read as an entity.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "graph.h"
#include "nstk/util.h"

/* One end of a veth pair: the interface, and the bridge it is a port of. */
struct end {
	uint64_t ns;
	json_int_t index;
	const char *name;   /* "?" when the kernel did not say */
	const char *bridge; /* NULL: the edge ends at the namespace */
};

struct edge {
	struct end a, b; /* a before b, by (ns, index) */
};

/* A namespace that is only a veth's far end: its bridges by name. */
struct stub {
	uint64_t ns;
	const char **bridges;
	size_t n_bridges, cap_bridges;
};

struct graph {
	const json_t **rows; /* the net rows, by inode */
	size_t n_rows, cap_rows;
	struct edge *edges;
	size_t n_edges, cap_edges;
	struct stub *stubs;
	size_t n_stubs, cap_stubs;
};

static const char *str_or(const json_t *o, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : dflt;
}

static uint64_t ino_of(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_integer(v) && json_integer_value(v) > 0 ? (uint64_t)json_integer_value(v) : 0;
}

/* Every row of type net with an inode, flat or nested under "children". */
static int collect_rows(struct graph *g, const json_t *rows)
{
	size_t i;
	const json_t *row;
	json_array_foreach (rows, i, row) {
		if (!json_is_object(row))
			continue;
		if (strcmp(str_or(row, "type", ""), "net") == 0 && ino_of(row, "ns")) {
			if (NSTK_GROW(g->rows, g->cap_rows, g->n_rows) < 0)
				return -ENOMEM;
			g->rows[g->n_rows++] = row;
		}
		int r = collect_rows(g, json_object_get(row, "children"));
		if (r < 0)
			return r;
	}
	return 0;
}

static int cmp_rows(const void *x, const void *y)
{
	uint64_t a = ino_of(*(const json_t *const *)x, "ns"), b = ino_of(*(const json_t *const *)y, "ns");
	return a < b ? -1 : a > b;
}

static const json_t *find_row(const struct graph *g, uint64_t ns)
{
	size_t lo = 0, hi = g->n_rows;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t m = ino_of(g->rows[mid], "ns");
		if (m == ns)
			return g->rows[mid];
		if (m < ns)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static bool is_bridge(const json_t *row, const char *name)
{
	size_t i;
	const json_t *f;
	if (!name)
		return false;
	json_array_foreach (json_object_get(row, "ifaces"), i, f)
		if (strcmp(str_or(f, "name", ""), name) == 0)
			return strcmp(str_or(f, "kind", ""), "bridge") == 0;
	return false;
}

/* A veth end whose pair the edges draw: it knows its peer's namespace. */
static const json_t *veth_peer(const json_t *f)
{
	const json_t *peer = json_object_get(f, "peer");
	if (strcmp(str_or(f, "kind", ""), "veth") != 0 || !json_is_object(peer) || !ino_of(peer, "ns"))
		return NULL;
	return peer;
}

/* A port of a bridge of its own namespace that is drawn as a node of its own. */
static const char *port_of(const json_t *row, const json_t *f)
{
	const char *master = str_or(f, "master", NULL);
	return master && !veth_peer(f) && is_bridge(row, master) ? master : NULL;
}

static int end_cmp(const struct end *x, const struct end *y)
{
	if (x->ns != y->ns)
		return x->ns < y->ns ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int cmp_edges(const void *x, const void *y)
{
	const struct edge *a = x, *b = y;
	int c = end_cmp(&a->a, &b->a);
	return c ? c : end_cmp(&a->b, &b->b);
}

static int add_stub_bridge(struct graph *g, uint64_t ns, const char *bridge)
{
	struct stub *s = NULL;
	for (size_t i = 0; i < g->n_stubs && !s; i++)
		if (g->stubs[i].ns == ns)
			s = &g->stubs[i];
	if (!s) {
		if (NSTK_GROW(g->stubs, g->cap_stubs, g->n_stubs) < 0)
			return -ENOMEM;
		s = &g->stubs[g->n_stubs++];
		*s = (struct stub){ .ns = ns };
	}
	if (!bridge)
		return 0;
	for (size_t i = 0; i < s->n_bridges; i++)
		if (strcmp(s->bridges[i], bridge) == 0)
			return 0;
	if (NSTK_GROW(s->bridges, s->cap_bridges, s->n_bridges) < 0)
		return -ENOMEM;
	s->bridges[s->n_bridges++] = bridge;
	return 0;
}

static int cmp_stubs(const void *x, const void *y)
{
	uint64_t a = ((const struct stub *)x)->ns, b = ((const struct stub *)y)->ns;
	return a < b ? -1 : a > b;
}

/* Each veth pair once, ordered; the far ends the document does not show as stubs. */
static int collect_edges(struct graph *g)
{
	for (size_t r = 0; r < g->n_rows; r++) {
		const json_t *row = g->rows[r], *f;
		size_t i;
		json_array_foreach (json_object_get(row, "ifaces"), i, f) {
			const json_t *peer = veth_peer(f);
			if (!peer)
				continue;
			const char *master = str_or(f, "master", NULL);
			struct end own = {
				.ns = ino_of(row, "ns"),
				.index = json_integer_value(json_object_get(f, "index")),
				.name = str_or(f, "name", "?"),
				.bridge = is_bridge(row, master) ? master : NULL,
			};
			struct end far = {
				.ns = ino_of(peer, "ns"),
				.index = json_integer_value(json_object_get(peer, "index")),
				.name = str_or(peer, "name", "?"),
				.bridge = str_or(peer, "master", NULL),
			};
			/* Where the far namespace is shown, its own list says whether the
			 * master is a bridge; where it is not, the master is drawn as one. */
			const json_t *far_row = find_row(g, far.ns);
			if (far_row && !is_bridge(far_row, far.bridge))
				far.bridge = NULL;
			if (!far_row && add_stub_bridge(g, far.ns, far.bridge) < 0)
				return -ENOMEM;
			if (NSTK_GROW(g->edges, g->cap_edges, g->n_edges) < 0)
				return -ENOMEM;
			g->edges[g->n_edges++] = end_cmp(&own, &far) <= 0 ? (struct edge){ own, far }
									   : (struct edge){ far, own };
		}
	}
	if (g->n_edges > 1) /* qsort's base must not be NULL, even for 0 */
		qsort(g->edges, g->n_edges, sizeof(*g->edges), cmp_edges);
	size_t n = 0;
	for (size_t i = 0; i < g->n_edges; i++)
		if (n == 0 || cmp_edges(&g->edges[n - 1], &g->edges[i]) != 0)
			g->edges[n++] = g->edges[i];
	g->n_edges = n;
	if (g->n_stubs > 1)
		qsort(g->stubs, g->n_stubs, sizeof(*g->stubs), cmp_stubs);
	return 0;
}

int nsls_graph_node_id(const char *prefix, unsigned long long ino, const char *name, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s_%llu%s", prefix, ino, name ? "_" : "");
	if (n < 0 || (size_t)n >= size)
		return -ERANGE;
	size_t len = (size_t)n;
	for (const unsigned char *p = (const unsigned char *)name; p && *p; p++) {
		bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			     *p == '.' || *p == '-';
		n = plain ? snprintf(buf + len, size - len, "%c", *p) : snprintf(buf + len, size - len, "_%02x", *p);
		if (n < 0 || (size_t)n >= size - len)
			return -ERANGE;
		len += (size_t)n;
	}
	return 0;
}

/* A quoted id: prefix_ino[_name]. Never longer than the buffer: names are IFNAMSIZ. */
static void put_id(FILE *out, const char *prefix, uint64_t ino, const char *name)
{
	char id[160];
	if (nsls_graph_node_id(prefix, (unsigned long long)ino, name, id, sizeof(id)) < 0)
		snprintf(id, sizeof(id), "%s_%llu_(too long)", prefix, (unsigned long long)ino);
	fprintf(out, "\"%s\"", id);
}

/* Text inside a DOT label's quotes, shown as it is. */
static void put_text(FILE *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"')
			fputs("\\\"", out);
		else if (*p == '\\')
			fputs("\\\\", out);
		else if (*p == '&')
			fputs("&amp;", out);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\\\x%02x", *p);
		else
			fputc(*p, out);
	}
}

/* fe80::/10: "fe80:" to "febf:" at the start. */
static bool link_local(const char *addr)
{
	return strlen(addr) > 5 && strncasecmp(addr, "fe", 2) == 0 && strchr("89abAB", addr[2]) &&
	       isxdigit((unsigned char)addr[3]) && addr[4] == ':';
}

static bool has_addresses(const json_t *f)
{
	size_t i;
	const json_t *a;
	json_array_foreach (json_object_get(f, "addresses"), i, a)
		if (json_string_value(a) && !link_local(json_string_value(a)))
			return true;
	return false;
}

/* sep, then an interface's addresses (link-local IPv6 left out), blank-separated. */
static void put_addresses(FILE *out, const json_t *f, const char *sep)
{
	size_t i;
	const json_t *a;
	bool any = false;
	json_array_foreach (json_object_get(f, "addresses"), i, a) {
		const char *s = json_string_value(a);
		if (!s || link_local(s))
			continue;
		fputs(any ? " " : sep, out);
		put_text(out, s);
		any = true;
	}
}

/* A hash or UUID cut as docker ps cuts it (12 characters, or to the first
 * dash); a name (ctr, runc, lxc) whole. */
static void put_short(FILE *out, const char *id)
{
	size_t len = strlen(id);
	if (strspn(id, "0123456789abcdef-") == len) {
		const char *dash = strchr(id, '-');
		len = len > 12 ? 12 : len;
		if (dash && (size_t)(dash - id) < len)
			len = (size_t)(dash - id);
	}
	char *cut = strndup(id, len);
	put_text(out, cut ? cut : id);
	free(cut);
}

/* "\npodman:e38e924327e3 (web)": the table's label, from the JSON object. */
static void put_container(FILE *out, const json_t *c)
{
	const char *space = str_or(c, "namespace", NULL), *pod = str_or(c, "pod", NULL);
	const char *name = str_or(c, "name", NULL);
	fputs("\\n", out);
	if (pod) {
		fputs("k8s:", out);
		put_short(out, pod);
		fputc('/', out);
	} else {
		put_text(out, str_or(c, "runtime", "?"));
		fputc(':', out);
		if (space) {
			put_text(out, space);
			fputc('/', out);
		}
	}
	put_short(out, str_or(c, "id", "?"));
	if (json_is_true(json_object_get(c, "monitor")))
		fputs("/monitor", out);
	if (name) {
		fputs(" (", out);
		put_text(out, name);
		fputc(')', out);
	}
}

static void put_ns_node(FILE *out, const char *indent, const json_t *row)
{
	uint64_t ino = ino_of(row, "ns");
	fputs(indent, out);
	put_id(out, "ns", ino, NULL);
	fprintf(out, " [shape=box, style=rounded, label=\"net %llu", (unsigned long long)ino);
	if (strcmp(str_or(row, "netmode", ""), "host") == 0)
		fputs(" (host)", out);
	const char *netns = str_or(row, "netns", NULL);
	if (netns) {
		fputs("\\nnetns ", out);
		put_text(out, netns);
	}
	const json_t *c = json_object_get(row, "container");
	if (json_is_object(c))
		put_container(out, c);
	size_t i;
	const json_t *f;
	json_array_foreach (json_object_get(row, "ifaces"), i, f) {
		const char *name = str_or(f, "name", "?");
		if (strcmp(name, "lo") == 0 || strcmp(str_or(f, "kind", ""), "bridge") == 0 || port_of(row, f))
			continue;
		/* A line per interface with an address to show. */
		if (!has_addresses(f))
			continue;
		fputs("\\n", out);
		put_text(out, name);
		put_addresses(out, f, " ");
	}
	fputs("\"];\n", out);
}

/* An interface of namespace ino as a node in its cluster: a bridge ("br") or
 * another bridge port ("if"), its name and addresses as the label. */
static void put_iface_node(FILE *out, uint64_t ino, const json_t *f, const char *id_prefix, const char *shape,
			   const char *label_prefix)
{
	const char *name = str_or(f, "name", "?");
	fputs("\t\t", out);
	put_id(out, id_prefix, ino, name);
	fprintf(out, " [shape=%s, label=\"%s", shape, label_prefix);
	put_text(out, name);
	put_addresses(out, f, "\\n");
	fputs("\"];\n", out);
}

/* The bridges of a shown namespace and their other ports, in its cluster. */
static void put_row(FILE *out, const json_t *row)
{
	uint64_t ino = ino_of(row, "ns");
	size_t i, n_inner = 0;
	const json_t *f;
	json_array_foreach (json_object_get(row, "ifaces"), i, f)
		n_inner += strcmp(str_or(f, "kind", ""), "bridge") == 0 || port_of(row, f);
	if (n_inner == 0) {
		put_ns_node(out, "\t", row);
		return;
	}
	fprintf(out, "\tsubgraph \"cluster_ns_%llu\" {\n\t\tlabel=\"\";\n\t\tstyle=rounded;\n\t\tcolor=gray;\n",
		(unsigned long long)ino);
	put_ns_node(out, "\t\t", row);
	json_array_foreach (json_object_get(row, "ifaces"), i, f) {
		if (strcmp(str_or(f, "kind", ""), "bridge") == 0)
			put_iface_node(out, ino, f, "br", "ellipse", "bridge ");
		else if (port_of(row, f))
			put_iface_node(out, ino, f, "if", "plaintext", "");
	}
	fputs("\t}\n", out);
}

static void put_stub(FILE *out, const struct stub *s)
{
	const char *indent = s->n_bridges ? "\t\t" : "\t";
	if (s->n_bridges)
		fprintf(out, "\tsubgraph \"cluster_ns_%llu\" {\n\t\tlabel=\"\";\n\t\tstyle=\"rounded,dashed\";\n"
			     "\t\tcolor=gray;\n",
			(unsigned long long)s->ns);
	fputs(indent, out);
	put_id(out, "ns", s->ns, NULL);
	fprintf(out, " [shape=box, style=\"rounded,dashed\", label=\"net %llu\"];\n", (unsigned long long)s->ns);
	for (size_t i = 0; i < s->n_bridges; i++) {
		fputs(indent, out);
		put_id(out, "br", s->ns, s->bridges[i]);
		fputs(" [shape=ellipse, style=dashed, label=\"bridge ", out);
		put_text(out, s->bridges[i]);
		fputs("\"];\n", out);
	}
	if (s->n_bridges)
		fputs("\t}\n", out);
}

static void put_end(FILE *out, const struct end *e)
{
	if (e->bridge)
		put_id(out, "br", e->ns, e->bridge);
	else
		put_id(out, "ns", e->ns, NULL);
}

static void put_graph(FILE *out, const struct graph *g)
{
	fputs("graph \"nsls\" {\n"
	      "\tnode [fontname=\"sans-serif\", fontsize=10];\n"
	      "\tedge [fontname=\"sans-serif\", fontsize=9];\n",
	      out);
	for (size_t i = 0; i < g->n_rows; i++)
		put_row(out, g->rows[i]);
	for (size_t i = 0; i < g->n_stubs; i++)
		put_stub(out, &g->stubs[i]);
	for (size_t r = 0; r < g->n_rows; r++) {
		uint64_t ino = ino_of(g->rows[r], "ns");
		size_t i;
		const json_t *f;
		json_array_foreach (json_object_get(g->rows[r], "ifaces"), i, f) {
			const char *bridge = port_of(g->rows[r], f);
			if (!bridge)
				continue;
			fputc('\t', out);
			put_id(out, "br", ino, bridge);
			fputs(" -- ", out);
			put_id(out, "if", ino, str_or(f, "name", "?"));
			fputs(";\n", out);
		}
	}
	for (size_t i = 0; i < g->n_edges; i++) {
		const struct edge *e = &g->edges[i];
		fputc('\t', out);
		put_end(out, &e->a);
		fputs(" -- ", out);
		put_end(out, &e->b);
		fputs(" [label=\"", out);
		put_text(out, e->a.name);
		fputs(" \xe2\x80\x94 ", out); /* U+2014 EM DASH */
		put_text(out, e->b.name);
		fputs("\"];\n", out);
	}
	fputs("}\n", out);
}

int nsls_graph_dot(const json_t *doc, char **text, size_t *len)
{
	const json_t *rows = json_object_get(doc, "namespaces");
	if (!json_is_array(rows))
		return -EINVAL;
	struct graph g = { 0 };
	int r = collect_rows(&g, rows);
	if (r == 0) {
		/* Stable: the document is sorted by inode, but a tree is not. */
		if (g.n_rows > 1)
			qsort(g.rows, g.n_rows, sizeof(*g.rows), cmp_rows);
		size_t n = 0;
		for (size_t i = 0; i < g.n_rows; i++)
			if (n == 0 || ino_of(g.rows[n - 1], "ns") != ino_of(g.rows[i], "ns"))
				g.rows[n++] = g.rows[i];
		g.n_rows = n;
		r = collect_edges(&g);
	}
	if (r == 0) {
		*text = NULL;
		*len = 0;
		FILE *out = open_memstream(text, len);
		if (!out) {
			r = -ENOMEM;
		} else {
			put_graph(out, &g);
			if (ferror(out))
				r = -ENOMEM;
			if (fclose(out) != 0)
				r = -ENOMEM;
			if (r < 0) {
				free(*text);
				*text = NULL;
			}
		}
	}
	for (size_t i = 0; i < g.n_stubs; i++)
		free(g.stubs[i].bridges);
	free(g.stubs);
	free(g.edges);
	free(g.rows);
	return r;
}
