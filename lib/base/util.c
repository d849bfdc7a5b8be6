/*
 * util.c — the growable-array helper behind NSTK_GROW, and whole-file reads
 * of /proc files.
 */
#include <fcntl.h>
#include <stdint.h>

#include "nstk/util.h"

int nstk_grow(void **array, size_t *cap, size_t n, size_t elem_size)
{
	if (n < *cap)
		return 0;
	size_t new_cap = *cap ? *cap : 16;
	while (new_cap <= n) {
		if (new_cap > SIZE_MAX / 2)
			return -ENOMEM;
		new_cap *= 2;
	}
	if (new_cap > SIZE_MAX / elem_size)
		return -ENOMEM;
	void *p = realloc(*array, new_cap * elem_size);
	if (!p)
		return -ENOMEM;
	*array = p;
	*cap = new_cap;
	return 0;
}

int nstk_read_file_at(int dirfd, const char *path, char **buf, size_t *len)
{
	return nstk_read_file_at_max(dirfd, path, SIZE_MAX - 1, buf, len);
}

int nstk_read_file_at_max(int dirfd, const char *path, size_t max, char **buf, size_t *len)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t cap = 4096, n = 0;
	_cleanup_free_ char *b = malloc(cap);
	if (!b)
		return -ENOMEM;
	for (;;) {
		if (cap - n < 2) {
			char *nb = realloc(b, cap * 2);
			if (!nb)
				return -ENOMEM;
			b = nb;
			cap *= 2;
		}
		ssize_t r = read(fd, b + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max)
			return -EFBIG;
	}
	b[n] = '\0';
	*buf = NSTK_TAKE_PTR(b);
	*len = n;
	return 0;
}
