/*
 * fuzz_container.c — libFuzzer harness for the container decoder. Every
 * input goes to the cgroup, /proc/PID/cgroup and nsfs decoders alike, and as
 * a conmon command line to the podman name reader; the
 * harness checks what callers rely on: a result is terminated and non-empty,
 * labels fit NSTK_CONTAINER_LABEL_MAX, a container matches its own id, and
 * *c is left alone unless a container was found.
 *
 *   clang -fsanitize=fuzzer,address,undefined -Iinclude \
 *       tests/fuzz/fuzz_container.c lib/container/container.c lib/base/util.c -o fuzz_container
 *   ./fuzz_container tests/fuzz/corpus/container
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nstk/container.h"

static void check_terminated(const char *field, size_t size)
{
	if (!memchr(field, '\0', size))
		abort();
}

static void check_result(int r, const struct nstk_container *c, const struct nstk_container *before)
{
	if (r != 1) {
		if (r != 0 && r != -EINVAL && r != -ENAMETOOLONG)
			abort();
		/* Nothing found: *c untouched. */
		if (memcmp(c, before, sizeof(*c)) != 0)
			abort();
		return;
	}
	check_terminated(c->runtime, sizeof(c->runtime));
	check_terminated(c->id, sizeof(c->id));
	check_terminated(c->pod, sizeof(c->pod));
	check_terminated(c->qos, sizeof(c->qos));
	check_terminated(c->unit, sizeof(c->unit));
	check_terminated(c->space, sizeof(c->space));
	if (!c->runtime[0] || !c->id[0])
		abort();
	if (c->qos[0] && !c->pod[0])
		abort();

	char label[NSTK_CONTAINER_LABEL_MAX];
	if (nstk_container_label(c, label, sizeof(label)) != 0)
		abort();
	if (!nstk_container_matches(c, c->id))
		abort();
	/* A ctr container also by "<namespace>/<id>". */
	if (c->space[0]) {
		char both[sizeof(c->space) + sizeof(c->id)];
		snprintf(both, sizeof(both), "%s/%s", c->space, c->id);
		if (!nstk_container_matches(c, both))
			abort();
	}
	char first[2] = { c->id[0], '\0' };
	if ((nstk_container_matches(c, first) == c->id_is_name) && c->id[1])
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct nstk_container c, before;

	memset(&before, 0xa5, sizeof(before));
	c = before;
	check_result(nstk_container_from_cgroup(text, size, &c), &c, &before);

	c = before;
	check_result(nstk_container_from_proc_cgroup(text, size, &c), &c, &before);

	c = before;
	check_result(nstk_container_from_nsfs_path(text, size, &c), &c, &before);

	/* The input as conmon's /proc/PID/cmdline: a name is set only when the
	 * -c id is the container's, and is then a whole name that matches. */
	static const char pod_id[] = "3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a";
	struct nstk_container pod = { .runtime = "podman" };
	memcpy(pod.id, pod_id, sizeof(pod_id));
	struct nstk_container pod_before = pod;
	int r = nstk_container_name_from_conmon(text, size, &pod);
	if (r == 1) {
		check_terminated(pod.name, sizeof(pod.name));
		if (!pod.name[0] || strchr(pod.name, ' ') || !nstk_container_matches(&pod, pod.name) ||
		    strcmp(pod.id, pod_id) != 0)
			abort();
	} else if (r != 0 || memcmp(&pod, &pod_before, sizeof(pod)) != 0) {
		abort();
	}

	/* The input as what a user typed for --container. */
	char *typed = malloc(size + 1);
	if (!typed)
		return 0;
	memcpy(typed, data, size);
	typed[size] = '\0';
	static const char docker[] = "/docker/3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a";
	if (nstk_container_from_cgroup(docker, sizeof(docker) - 1, &c) != 1)
		abort();
	(void)nstk_container_matches(&c, typed);
	free(typed);
	return 0;
}
