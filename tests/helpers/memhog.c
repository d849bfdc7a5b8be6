/*
 * memhog — hold N MiB of anonymous memory (malloc + memset, so every page
 * is really charged to the cgroup), say so on stdout, and wait to be killed.
 *
 *     memhog 32
 *
 * cgtop's tests put it in a cgroup with a memory limit and check the share
 * of the limit cgtop reports.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char *end;
	unsigned long mib = argc == 2 ? strtoul(argv[1], &end, 10) : 0;

	if (argc != 2 || !argv[1][0] || *end || mib == 0 || mib > 1u << 20) {
		fputs("usage: memhog MIB\n", stderr);
		return 2;
	}
	size_t size = (size_t)mib << 20;
	char *p = malloc(size);
	if (!p) {
		perror("memhog: malloc");
		return 1;
	}
	memset(p, 0x5a, size);
	/* Tell the compiler the memory is used, or it drops malloc and memset both. */
	__asm__ volatile("" : : "r"(p) : "memory");
	printf("holding %lu MiB\n", mib);
	fflush(stdout);
	for (;;)
		pause();
}
