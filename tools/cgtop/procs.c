/*
 * procs.c — a cgroup's processes as cgtop shows them (-P's table and the
 * screen's list): the columns, each cell's text, and user names.
 *
 * The one idea: one set of columns and one cell text per process, so the
 * batch table and the screen say the same of a process, as they do of a
 * cgroup. The library hands over the uid; names are looked up here, once
 * per uid per run (getpwuid_r may ask LDAP or sssd), in a small fixed
 * table: no allocation, nothing to free.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "cgtop.h"
#include "nstk/util.h"

const struct nstk_out_column cgtop_proc_columns[CGTOP_NPCOLUMNS] = {
	[CGTOP_PCOL_PID] = { "PID", "process id", 7, NSTK_OUT_RIGHT },
	[CGTOP_PCOL_USER] = { "USER", "effective user (its uid when it has no name)", 8, 0 },
	[CGTOP_PCOL_STATE] = { "S", "state: R running, S sleeping, D disk wait, Z zombie, T stopped, I idle", 1, 0 },
	[CGTOP_PCOL_CPU] = { "%CPU", "CPU use since the previous sample, 100 = one CPU", 5, NSTK_OUT_RIGHT },
	[CGTOP_PCOL_RSS] = { "RSS", "resident memory", 6, NSTK_OUT_RIGHT },
	[CGTOP_PCOL_COMMAND] = { "COMMAND", "the command name (comm)", 0.3, NSTK_OUT_TRUNC },
};

/* User names remembered: a uid's entry is overwritten in turn once the table is full. */
#define USER_CACHE 64
/* useradd allows 32 bytes; a longer name is shown as the number. */
#define USER_NAME_MAX 33

static struct {
	uid_t uid;
	bool named;
	char name[USER_NAME_MAX];
} users[USER_CACHE];
static size_t nusers, next_user;

const char *cgtop_user_name(uid_t uid, char *buf, size_t size)
{
	size_t i;
	for (i = 0; i < nusers; i++)
		if (users[i].uid == uid)
			break;
	if (i == nusers) {
		struct passwd pw, *found = NULL;
		char scratch[4096];
		i = nusers < USER_CACHE ? nusers++ : next_user++ % USER_CACHE;
		users[i].uid = uid;
		users[i].named = getpwuid_r(uid, &pw, scratch, sizeof(scratch), &found) == 0 && found &&
				 strlen(found->pw_name) < USER_NAME_MAX;
		if (users[i].named)
			snprintf(users[i].name, sizeof(users[i].name), "%s", found->pw_name);
	}
	if (!users[i].named)
		return NULL;
	snprintf(buf, size, "%s", users[i].name);
	return buf;
}

void cgtop_proc_cell(const struct nstk_cg_proc *p, enum cgtop_proc_column c, char *buf, size_t size)
{
	switch (c) {
	case CGTOP_PCOL_PID:
		snprintf(buf, size, "%d", (int)p->pid);
		return;
	case CGTOP_PCOL_USER:
		if (!cgtop_user_name(p->uid, buf, size))
			snprintf(buf, size, "%u", (unsigned)p->uid);
		return;
	case CGTOP_PCOL_STATE:
		snprintf(buf, size, "%c", p->state);
		return;
	case CGTOP_PCOL_CPU:
		if (isnan(p->cpu_pct))
			snprintf(buf, size, "-");
		else
			snprintf(buf, size, "%.1f", p->cpu_pct);
		return;
	case CGTOP_PCOL_RSS:
		cgtop_human_bytes((double)p->rss_bytes, buf, size);
		return;
	case CGTOP_PCOL_COMMAND:
		snprintf(buf, size, "%s", p->comm);
		return;
	case CGTOP_NPCOLUMNS:
		break;
	}
	snprintf(buf, size, "-");
}
