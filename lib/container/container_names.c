/*
 * container_names.c — podman names from conmon's command line, cached per
 * container id (see container_names.h). The parsing is the pure
 * nstk_container_name_from_conmon; this file reads /proc.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nstk/container_names.h"
#include "nstk/parse.h"
#include "nstk/util.h"

/* The id's first 16 hex digits as a key; the entry's id settles a collision. */
static uint64_t id_key(const char *id)
{
	uint64_t key = 0;
	for (size_t d = 0; d < 16 && id[d]; d++)
		key = key << 4 | (uint64_t)(id[d] <= '9' ? id[d] - '0' : (id[d] | 0x20) - 'a' + 10);
	return key;
}

/* 1: conmon's command line was read (c->name set if it names c); 0: not read. */
static int read_conmon(int proc_dir, pid_t pid, struct nstk_container *c)
{
	char path[64];
	_cleanup_free_ char *text = NULL;
	size_t len;
	snprintf(path, sizeof(path), "%d/stat", (int)pid);
	if (nstk_read_file_at(proc_dir, path, &text, &len) < 0)
		return 0;
	struct nstk_proc_stat st;
	if (nstk_parse_proc_stat(text, len, &st) < 0 || st.ppid <= 1)
		return 0;
	free(text);
	text = NULL;
	snprintf(path, sizeof(path), "%d/cmdline", (int)st.ppid);
	if (nstk_read_file_at(proc_dir, path, &text, &len) < 0)
		return 0;
	nstk_container_name_from_conmon(text, len, c);
	return 1;
}

int nstk_container_names_lookup(struct nstk_container_names *cache, int proc_dir, pid_t pid,
				struct nstk_container *c)
{
	if (strcmp(c->runtime, "podman") != 0 || c->monitor || c->sandbox)
		return 0;
	uint64_t key = id_key(c->id);
	uint32_t at;
	if (nstk_hash_get(&cache->by_id, key, &at) && strcmp(cache->entries[at].id, c->id) == 0) {
		memcpy(c->name, cache->entries[at].name, sizeof(c->name));
		return c->name[0] != '\0';
	}
	_cleanup_close_ int own = -1;
	if (proc_dir < 0) {
		own = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (own < 0)
			return 0;
		proc_dir = own;
	}
	c->name[0] = '\0';
	if (pid <= 0 || read_conmon(proc_dir, pid, c) == 0)
		return 0;
	int r = NSTK_GROW(cache->entries, cache->cap, cache->n);
	if (r < 0)
		return r;
	struct nstk_container_name_entry *e = &cache->entries[cache->n];
	memcpy(e->id, c->id, sizeof(e->id));
	memcpy(e->name, c->name, sizeof(e->name));
	if ((r = nstk_hash_put(&cache->by_id, key, (uint32_t)cache->n)) < 0)
		return r;
	cache->n++;
	return c->name[0] != '\0';
}

void nstk_container_names_free(struct nstk_container_names *cache)
{
	nstk_hash_free(&cache->by_id);
	free(cache->entries);
	*cache = (struct nstk_container_names){ 0 };
}
