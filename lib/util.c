/*
 * util.c — the growable-array helper behind NSTK_GROW.
 */
#include <stdint.h>

#include "nstk/util.h"

int nstk_grow(void **array, size_t *cap, size_t n, size_t elem_size)
{
	if (n < *cap)
		return 0;
	size_t new_cap = *cap ? *cap * 2 : 16;
	if (new_cap > SIZE_MAX / elem_size)
		return -ENOMEM;
	void *p = realloc(*array, new_cap * elem_size);
	if (!p)
		return -ENOMEM;
	*array = p;
	*cap = new_cap;
	return 0;
}
