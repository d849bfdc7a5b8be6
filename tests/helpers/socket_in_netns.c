/*
 * socket_in_netns — hold a network namespace by a socket alone: enter the
 * namespace at argv[1], open a UDP socket there, come back to the original
 * network namespace, close every namespace fd, print "ready" and sleep until
 * killed. For nsls --sockets tests.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: socket_in_netns NETNS-PATH\n");
		return 2;
	}
	int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int target = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (home < 0 || target < 0 || setns(target, CLONE_NEWNET) < 0) {
		perror("socket_in_netns: enter");
		return 1;
	}
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 || setns(home, CLONE_NEWNET) < 0) {
		perror("socket_in_netns: socket");
		return 1;
	}
	close(target);
	close(home);
	printf("ready %d\n", s);
	fflush(stdout);
	for (;;)
		pause();
}
