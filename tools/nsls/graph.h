/*
 * graph.h — nsls --graph: the network namespaces of nsls's JSON document as
 * a Graphviz DOT graph (see graph.c for the nodes, edges and ids).
 */
#ifndef NSLS_GRAPH_H
#define NSLS_GRAPH_H

#include <jansson.h>
#include <stddef.h>

#include "nsview.h"

/* The columns it reads; nsls shows exactly these with --graph. */
#define NSLS_GRAPH_COLUMNS \
	NSTK_NSCOL_NS, NSTK_NSCOL_TYPE, NSTK_NSCOL_NETNS, NSTK_NSCOL_CONTAINER, NSTK_NSCOL_IFACES, NSTK_NSCOL_NETMODE

/*
 * The DOT text of doc (nsls -J's document: {"namespaces": [rows...]}, rows
 * nested under "children" or flat; only rows of type "net" are drawn, each
 * key read when present) in *text (malloc'd, *len bytes, NUL-terminated).
 * Pure. 0, -EINVAL (doc has no "namespaces" array) or -ENOMEM.
 */
int nsls_graph_dot(const json_t *doc, char **text, size_t *len);

/*
 * A DOT node id for a namespace's interface: prefix, the inode, '_', then
 * the name with every byte but [A-Za-z0-9.-] written as _HH (lower-case
 * hex), so that the id is plain ASCII and one name gives one id:
 * ("br", 4026532001, "br_0") -> "br_4026532001_br_5f0". Into buf (size
 * bytes); 0, or -ERANGE when it does not fit.
 */
int nsls_graph_node_id(const char *prefix, unsigned long long ino, const char *name, char *buf,
		       size_t size);

#endif
