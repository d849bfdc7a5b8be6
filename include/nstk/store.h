/*
 * store.h — cgtop's memory: samples of a cgroup tree kept in an SQLite
 * file, written by a recorder and read back as frames that look exactly
 * like live ones, so every field cgtop shows can be recomputed for any
 * recorded moment (rates included: the store keeps counters, not rates).
 *
 * The schema (version NSTK_STORE_SCHEMA, in PRAGMA user_version; PRAGMA
 * application_id is NSTK_STORE_APP_ID) is documented in cgtop(1) so that
 * `sqlite3 cgtop.db 'select ...'` is a supported way to ask questions:
 *
 *   meta(key, value)            layout, host, created, keyframe_s
 *   field(id, name, type)       every counter by its JSON-ish name; type
 *                               'count' (integer, -1 = unlimited) or 'avg'
 *   cgroup(id, path, ino, listed, container_name, appeared, vanished)
 *                               one row per incarnation: a cgroup made again
 *                               under the same path (a new inode) is a new id
 *   sample(id, time_us, interval_us, keyframe)
 *                               interval_us NULL when the recorder started:
 *                               no rates across a restart
 *   value(sample, cgroup, field, v)   a value when it changed since the
 *                               cgroup's previous sample, and every value
 *                               at a keyframe (every keyframe_s); v NULL =
 *                               absent (the file is not there)
 *   event(sample, cgroup, kind, value)  'appeared', 'vanished', 'oom_kill'
 *                               (value: kills since the previous sample)
 *   changes                     a view: time, path, field name, value
 *
 * Writers and readers may run at once (WAL). A sample is one transaction:
 * a recorder killed at any moment loses at most the sample it was writing.
 */
#ifndef NSTK_STORE_H
#define NSTK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nstk/cgroup.h"

#define NSTK_STORE_SCHEMA 1
#define NSTK_STORE_APP_ID 0x6e73746b /* "nstk" */

struct nstk_store;

enum nstk_store_mode {
	NSTK_STORE_READ,  /* the file must exist and be a store */
	NSTK_STORE_WRITE, /* made (with its directory's parent existing) when missing */
};

/*
 * Open a store. Errors, each a distinct -errno the tool names in one line:
 *   -ENOENT           no such file (READ)
 *   -EMEDIUMTYPE      an SQLite file that is not a cgtop store, or not SQLite
 *   -EPROTONOSUPPORT  written by a newer schema than this build knows
 *   -EUCLEAN          the file is corrupt or cut short
 *   -ENOSPC, -EACCES, -EROFS, -EBUSY (locked by another writer), -ENOMEM, -EIO
 */
int nstk_store_open(const char *path, enum nstk_store_mode mode, struct nstk_store **out);
void nstk_store_close(struct nstk_store *s);

/* ---- recording ---- */

struct nstk_store_limits {
	int64_t retain_s;   /* drop what is older; <= 0: keep all */
	uint64_t max_bytes; /* drop the oldest until the data fits; 0: no limit */
};

/*
 * Append the monitor's last sample: its rows and every ancestor they name
 * (an ancestor's limits decide a row's effective limits), as one
 * transaction, then drop the oldest data past the limits (whole keyframe
 * spans, oldest first). 0 or -errno (-ENOSPC: the disk is full; nothing
 * of this sample was kept, everything before it is).
 */
int nstk_store_append(struct nstk_store *s, const struct nstk_cg_frame *f,
		      const struct nstk_store_limits *limits);

/* Bytes the data takes (pages in use), for the budget and --max-size. */
int nstk_store_used_bytes(struct nstk_store *s, uint64_t *bytes);

/* ---- reading ---- */

/* The recorded span: first and last sample times (µs), 0 and -ENOENT when empty. */
int nstk_store_span(struct nstk_store *s, int64_t *first_us, int64_t *last_us);

struct nstk_store_replay;

/*
 * A cursor over the recorded samples that yields frames shaped as the
 * monitor's: rows in path order, parents first, with rates against the
 * previous sample and effective limits from the recorded ancestors. The
 * filter is the monitor's (subtree, depth, globs; reads is ignored).
 */
int nstk_store_replay_new(struct nstk_store *s, const struct nstk_cg_monitor_options *filter,
			  struct nstk_store_replay **out);
void nstk_store_replay_free(struct nstk_store_replay *r);

/*
 * Move to the last sample at or before t_us (the first one when t_us is
 * before the store's span). 0, -ENOENT when the store holds no sample.
 */
int nstk_store_replay_seek(struct nstk_store_replay *r, int64_t t_us);
/* One sample on (+1) or back (-1): 0, or -ERANGE at either end (unmoved). */
int nstk_store_replay_step(struct nstk_store_replay *r, int direction);
/*
 * The next sample after the current one whose time is at most until_us:
 * 0, or -ERANGE when there is none (the cursor stays).
 */
int nstk_store_replay_next_until(struct nstk_store_replay *r, int64_t until_us);

/* The frame at the cursor; valid until the cursor moves or is freed. */
void nstk_store_replay_frame(const struct nstk_store_replay *r, struct nstk_cg_frame *f);
/* The sample time at the cursor, in µs. */
int64_t nstk_store_replay_time(const struct nstk_store_replay *r);

#endif
