/*
 * hash.h — an open-addressing hash map from a 64-bit key to a 32-bit index.
 *
 * The census keys namespaces on (kind, inode) and processes on pid; both are
 * integers and the values are indices into arrays the caller owns, so one
 * small map with no per-entry allocation serves both and keeps the scan O(n).
 */
#ifndef NSTK_HASH_H
#define NSTK_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nstk_hash {
	uint64_t *keys;
	uint32_t *values;
	bool *used;
	size_t cap; /* a power of two, or 0 before the first insert */
	size_t count;
};

/* Insert or overwrite. Returns 0 or -ENOMEM. */
int nstk_hash_put(struct nstk_hash *h, uint64_t key, uint32_t value);
/* Returns true and sets *value when key is present. */
bool nstk_hash_get(const struct nstk_hash *h, uint64_t key, uint32_t *value);
void nstk_hash_free(struct nstk_hash *h);

/*
 * A 64-bit key for a string (FNV-1a), for maps keyed on cgroup paths:
 * equal strings give equal keys; a caller keeps the string beside its
 * index and compares it, since two strings may share a key.
 */
uint64_t nstk_hash_string(const char *s);

#endif
