/*
 * hash.c — linear probing over a power-of-two table kept at most half full,
 * with a 64-bit mixer (splitmix64's finaliser) because namespace inodes are
 * close together and would otherwise crowd a few buckets.
 */
#include <errno.h>
#include <stdlib.h>

#include "nstk/hash.h"

static uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static size_t slot_of(const struct nstk_hash *h, uint64_t key)
{
	size_t mask = h->cap - 1;
	size_t i = (size_t)mix(key) & mask;
	while (h->used[i] && h->keys[i] != key)
		i = (i + 1) & mask;
	return i;
}

static int resize(struct nstk_hash *h, size_t new_cap)
{
	struct nstk_hash n = { .cap = new_cap };
	n.keys = malloc(new_cap * sizeof(*n.keys));
	n.values = malloc(new_cap * sizeof(*n.values));
	n.used = calloc(new_cap, sizeof(*n.used));
	if (!n.keys || !n.values || !n.used) {
		nstk_hash_free(&n);
		return -ENOMEM;
	}
	for (size_t i = 0; i < h->cap; i++) {
		if (!h->used[i])
			continue;
		size_t s = slot_of(&n, h->keys[i]);
		n.used[s] = true;
		n.keys[s] = h->keys[i];
		n.values[s] = h->values[i];
		n.count++;
	}
	nstk_hash_free(h);
	*h = n;
	return 0;
}

int nstk_hash_put(struct nstk_hash *h, uint64_t key, uint32_t value)
{
	if ((h->count + 1) * 2 > h->cap) {
		int r = resize(h, h->cap ? h->cap * 2 : 64);
		if (r < 0)
			return r;
	}
	size_t s = slot_of(h, key);
	if (!h->used[s]) {
		h->used[s] = true;
		h->keys[s] = key;
		h->count++;
	}
	h->values[s] = value;
	return 0;
}

bool nstk_hash_get(const struct nstk_hash *h, uint64_t key, uint32_t *value)
{
	if (h->cap == 0)
		return false;
	size_t s = slot_of(h, key);
	if (!h->used[s])
		return false;
	*value = h->values[s];
	return true;
}

void nstk_hash_free(struct nstk_hash *h)
{
	free(h->keys);
	free(h->values);
	free(h->used);
	*h = (struct nstk_hash){ 0 };
}

uint64_t nstk_hash_string(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	return h;
}
