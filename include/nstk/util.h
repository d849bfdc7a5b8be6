/*
 * util.h — the small helpers every libnstk module and tool shares: cleanup
 * attributes (so an early return frees and closes what it holds, in the way
 * of systemd's _cleanup_free_), and a growable array.
 *
 * The one idea: ownership is declared where a variable is born, so no error
 * path can forget it.
 */
#ifndef NSTK_UTIL_H
#define NSTK_UTIL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define NSTK_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void nstk_freep(void *p) { free(*(void **)p); }
static inline void nstk_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}
static inline void nstk_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define _cleanup_free_ __attribute__((cleanup(nstk_freep)))
#define _cleanup_close_ __attribute__((cleanup(nstk_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(nstk_fclosep)))

/* Hand ownership out of a cleanup variable: returns the value, leaves none. */
#define NSTK_TAKE_PTR(p) ({ __typeof__(p) _p = (p); (p) = NULL; _p; })
#define NSTK_TAKE_FD(fd) ({ int _fd = (fd); (fd) = -1; _fd; })

/*
 * Make room for element index n (so n + 1 elements) in a growable array of
 * *cap allocated; returns 0 or -ENOMEM. Doubling keeps appends amortised O(1).
 */
int nstk_grow(void **array, size_t *cap, size_t n, size_t elem_size);

/*
 * Read a whole file, opened relative to dirfd, into a malloc'd NUL-terminated
 * buffer (*len excludes the NUL). For /proc files, whose size stat cannot
 * tell. Returns 0 or -errno.
 */
int nstk_read_file_at(int dirfd, const char *path, char **buf, size_t *len);
/*
 * The same, but a file longer than max bytes is -EFBIG (reading stops as soon as
 * more than max bytes came): for files another process sizes, such as its
 * /proc/PID/environ, which PR_SET_MM can point at any amount of memory.
 */
int nstk_read_file_at_max(int dirfd, const char *path, size_t max, char **buf, size_t *len);

#define NSTK_GROW(arr, cap, n) nstk_grow((void **)&(arr), &(cap), (n), sizeof(*(arr)))

#endif
