/*
 * nsscan-floor — the speed floor of a namespace census, for bench/nsls.sh.
 *
 * It does the least work any "which namespaces exist" tool must do, and
 * nothing else: readdir /proc; per numeric entry openat(O_PATH|O_DIRECTORY);
 * readlinkat("ns/<kind>") for the 8 kinds; parse "kind:[ino]"; count distinct
 * (kind, ino) pairs in an open-addressing hash. No metadata, no output model.
 * nsls is measured against this (target: within 2x of it).
 *
 * Processes that vanish (ENOENT) are skipped; links that cannot be read
 * (EACCES: PID 1 here, even for root) are ignored. Standalone, no libraries:
 *   gcc -O2 -std=gnu11 -Wall -Wextra -Werror -o nsscan-floor nsscan-floor.c
 * Prints: "<nprocs> processes, <nnamespaces> namespaces".
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const kinds[8] = { "ns/cgroup", "ns/ipc", "ns/mnt", "ns/net",
				      "ns/pid",    "ns/time", "ns/user", "ns/uts" };

static uint64_t *tab;	/* key = ino << 3 | kind; 0 = empty (nsfs inodes are never 0) */
static size_t cap = 1024, used;

static void insert(uint64_t key);

static void grow(void)
{
	uint64_t *old = tab;
	size_t oldcap = cap;

	cap = old ? cap * 2 : cap;
	tab = calloc(cap, sizeof(*tab));
	if (!tab) {
		perror("nsscan-floor: calloc");
		exit(1);
	}
	used = 0;
	for (size_t i = 0; old && i < oldcap; i++)
		if (old[i])
			insert(old[i]);
	free(old);
}

static void insert(uint64_t key)
{
	size_t i = (size_t)((key * 0x9e3779b97f4a7c15ull) >> 20) & (cap - 1);

	while (tab[i]) {
		if (tab[i] == key)
			return;
		i = (i + 1) & (cap - 1);
	}
	tab[i] = key;
	if (++used * 2 > cap)
		grow();
}

int main(void)
{
	DIR *proc = opendir("/proc");
	unsigned long nprocs = 0;
	struct dirent *de;
	char buf[64];

	if (!proc) {
		perror("nsscan-floor: /proc");
		return 1;
	}
	grow();
	while ((de = readdir(proc))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		int pfd = openat(dirfd(proc), de->d_name, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (pfd < 0)
			continue;	/* ENOENT: exited since readdir */
		nprocs++;
		for (unsigned k = 0; k < 8; k++) {
			ssize_t n = readlinkat(pfd, kinds[k], buf, sizeof(buf) - 1);
			if (n < 0)
				continue;	/* EACCES (PID 1), ENOENT (exited, old kernel) */
			buf[n] = '\0';
			const char *p = memchr(buf, '[', (size_t)n);
			uint64_t ino = 0;
			for (p = p ? p + 1 : buf + n; *p >= '0' && *p <= '9'; p++)
				ino = ino * 10 + (uint64_t)(*p - '0');
			if (ino)
				insert(ino << 3 | k);
		}
		close(pfd);
	}
	closedir(proc);
	printf("%lu processes, %zu namespaces\n", nprocs, used);
	return 0;
}
