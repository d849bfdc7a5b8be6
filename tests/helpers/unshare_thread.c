/*
 * unshare_thread — a process whose second thread sits in a uts namespace of
 * its own, with a host name of its own: for the bats tests of nsls's thread
 * holders and HOSTNAME column (tests/bats/nsls_holders.bats).
 *
 *   unshare_thread HOSTNAME
 *
 * The second thread calls unshare(CLONE_NEWUTS) and sethostname(HOSTNAME),
 * then prints its thread ID and a newline on stdout; then both threads wait
 * until killed. Nothing is printed unless both calls worked: on failure it
 * says why on stderr and exits 1, so a reader of stdout sees EOF.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *hostname;

static void *thread_main(void *arg)
{
	(void)arg;
	if (unshare(CLONE_NEWUTS) != 0) {
		perror("unshare_thread: unshare(CLONE_NEWUTS)");
		_exit(1);
	}
	if (sethostname(hostname, strlen(hostname)) != 0) {
		perror("unshare_thread: sethostname");
		_exit(1);
	}
	printf("%ld\n", (long)syscall(SYS_gettid));
	if (fflush(stdout) != 0) {
		perror("unshare_thread: stdout");
		_exit(1);
	}
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 2 || !argv[1][0]) {
		fputs("usage: unshare_thread HOSTNAME\n", stderr);
		return 1;
	}
	hostname = argv[1];

	pthread_t thread;
	int r = pthread_create(&thread, NULL, thread_main, NULL);
	if (r != 0) {
		fprintf(stderr, "unshare_thread: pthread_create: %s\n", strerror(r));
		return 1;
	}
	for (;;)
		pause();
}
