/*
 * dryrun.c — --dry-run: the plan nsenter-lite would carry out, as a table or
 * as one JSON document (-J; schema in nsenter-lite(1)). Both read the same
 * struct nstk_enter_plan the real run uses.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "nsenter-lite.h"

/* How the namespaces would be entered, in words. */
static const char *method_name(const struct nstk_enter_plan *p)
{
	return p->use_pidfd ? "pidfd" : "nsfs-files";
}

static const char *user_order(const struct nstk_enter_plan *p)
{
	if (!p->ns[NSTK_NS_USER].enter)
		return NULL;
	return p->user_first ? "first" : "last";
}

static json_t *ino_or_null(uint64_t ino)
{
	return ino ? json_integer((json_int_t)ino) : json_null();
}

static json_t *kind_json(const struct nstk_enter_plan *p, enum nstk_ns_kind k)
{
	const struct nstk_enter_ns *ns = &p->ns[k];
	return json_pack("{s:s, s:o, s:o, s:o, s:b, s:s}", "type", nstk_ns_kind_name(k), "target",
			 ino_or_null(ns->target_ino), "self", ino_or_null(ns->self_ino), "file",
			 ns->file ? json_string(ns->file) : json_null(), "enter", ns->enter,
			 "reason", nstk_enter_reason_name(ns->reason));
}

static json_t *plan_json(const struct nstk_enter_plan *p, const struct target_info *ti,
			 bool join_cgroup)
{
	json_t *namespaces = json_array(), *warnings = json_array();
	for (int k = 0; k < NSTK_NS_KIND_COUNT; k++)
		json_array_append_new(namespaces, kind_json(p, k));
	if (p->pid_without_mnt)
		json_array_append_new(warnings,
				      json_string("pid namespace without its mount namespace"));
	const char *user = user_order(p);
	json_t *target =
		json_pack("{s:o, s:o}", "pid", ti->pid ? json_integer(ti->pid) : json_null(),
			  "container", ti->label[0] ? json_string(ti->label) : json_null());
	return json_pack("{s:o, s:s, s:o, s:b, s:b, s:o, s:o}", "target", target, "method",
			 method_name(p), "user_namespace", user ? json_string(user) : json_null(),
			 "fork", p->fork, "join_cgroup", join_cgroup, "namespaces", namespaces,
			 "warnings", warnings);
}

static void print_ino(uint64_t ino)
{
	if (ino)
		printf("%-12llu", (unsigned long long)ino);
	else
		printf("%-12s", "-");
}

static void print_table(const struct nstk_enter_plan *p, const struct target_info *ti,
			bool join_cgroup)
{
	if (ti->pid)
		printf("target: PID %d%s%s%s\n", (int)ti->pid, ti->label[0] ? " (" : "", ti->label,
		       ti->label[0] ? ")" : "");
	printf("%-7s %-12s%-12s%-6s%s\n", "TYPE", "TARGET", "SELF", "ENTER", "REASON");
	for (int k = 0; k < NSTK_NS_KIND_COUNT; k++) {
		const struct nstk_enter_ns *ns = &p->ns[k];
		printf("%-7s ", nstk_ns_kind_name(k));
		print_ino(ns->target_ino);
		print_ino(ns->self_ino);
		printf("%-6s%s%s%s\n", ns->enter ? "yes" : "no", nstk_enter_reason_name(ns->reason),
		       ns->file ? " " : "", ns->file ? ns->file : "");
	}
	const char *user = user_order(p);
	printf("method: %s; user namespace: %s; fork: %s; join cgroup: %s\n", method_name(p),
	       user ? user : "-", p->fork ? "yes" : "no", join_cgroup ? "yes" : "no");
	if (p->pid_without_mnt)
		warn_pid_without_mnt();
}

int print_plan(const struct nstk_enter_plan *p, const struct target_info *ti, bool json,
	       bool join_cgroup)
{
	if (json) {
		json_t *doc = plan_json(p, ti, join_cgroup);
		if (!doc || json_dumpf(doc, stdout, JSON_INDENT(2)) < 0) {
			json_decref(doc);
			tool_warn("cannot build the JSON document");
			return 1;
		}
		json_decref(doc);
		putchar('\n');
	} else {
		print_table(p, ti, join_cgroup);
	}
	return flush_stdout();
}
