/*
 * test_container.c — the container decoder, one test per runtime layout.
 * Paths marked "observed" were read on this machine from real podman 4.3.1 +
 * runc 1.1.5 (cgroupfs manager), runc run and containerd 1.6.20 ctr run; the
 * others are the public layouts of docker, CRI-O, Kubernetes, LXC and systemd.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "nstk/container.h"
#include "nstk/container_scan.h"

#define PODMAN_ID "f318bca6f33f5d6b0e36b49c0ad430a88ae2ed4181e54f03f0018d4d19d72fa6"
#define HEX_A "3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a"
#define HEX_B "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define POD_UID "6a5b4c3d-2e1f-4a9b-8c7d-6e5f4a3b2c1d"
#define POD_UID_US "6a5b4c3d_2e1f_4a9b_8c7d_6e5f4a3b2c1d"

static int decode(const char *path, struct nstk_container *c)
{
	return nstk_container_from_cgroup(path, strlen(path), c);
}

static int decode_nsfs(const char *path, struct nstk_container *c)
{
	return nstk_container_from_nsfs_path(path, strlen(path), c);
}

/* Decodes to a container of runtime with id, and nothing Kubernetes. */
static struct nstk_container expect(const char *path, const char *runtime, const char *id)
{
	struct nstk_container c;
	int r = decode(path, &c);
	if (r != 1)
		fail_msg("%s: returned %d, want 1", path, r);
	assert_string_equal(c.runtime, runtime);
	assert_string_equal(c.id, id);
	return c;
}

static void expect_none(const char *path)
{
	struct nstk_container c;
	memset(&c, 0x5a, sizeof(c));
	int r = decode(path, &c);
	if (r != 0)
		fail_msg("%s: returned %d, want 0", path, r);
	/* *c is left alone when nothing is found. */
	assert_int_equal(((unsigned char *)&c)[0], 0x5a);
}

static void docker_cgroupfs_and_systemd_drivers(void **state)
{
	(void)state;
	struct nstk_container c = expect("/docker/" HEX_A, "docker", HEX_A);
	assert_string_equal(c.unit, "");
	assert_false(c.id_is_name);
	assert_false(c.monitor);
	assert_false(c.sandbox);
	assert_string_equal(c.pod, "");
	assert_string_equal(c.qos, "");

	c = expect("/system.slice/docker-" HEX_A ".scope", "docker", HEX_A);
	assert_string_equal(c.unit, "docker-" HEX_A ".scope");
	/* Rootless docker's user manager. */
	expect("/user.slice/user-1000.slice/user@1000.service/user.slice/docker-" HEX_A ".scope", "docker", HEX_A);
	/* A bare hash under anything but "docker" is nobody's. */
	expect_none("/mygroup/" HEX_A);
}

static void containerd_cri_scope(void **state)
{
	(void)state;
	struct nstk_container c =
		expect("/system.slice/cri-containerd-" HEX_A ".scope", "containerd", HEX_A);
	assert_string_equal(c.unit, "cri-containerd-" HEX_A ".scope");
}

static void containerd_ctr_namespaces_as_observed(void **state)
{
	(void)state;
	struct nstk_container c = expect("/default/c1", "containerd", "c1");
	assert_true(c.id_is_name);
	assert_string_equal(c.unit, "");
	assert_string_equal(c.space, "default");
	c = expect("0::/k8s.io/c2", "containerd", "c2");
	assert_string_equal(c.space, "k8s.io");
	expect("4:memory:/default/c1", "containerd", "c1");
	c = expect("/moby/" HEX_A, "containerd", HEX_A);
	assert_string_equal(c.space, "moby");
	/* Only ctr's own layout has a namespace. */
	c = expect("/system.slice/cri-containerd-" HEX_A ".scope", "containerd", HEX_A);
	assert_string_equal(c.space, "");
	/* A process of the container in a sub-cgroup it made itself. */
	expect("/default/c1/init.scope", "containerd", "c1");
	/* Only the three namespace names, and only at the top. */
	expect_none("/other/c1");
	expect_none("/system.slice/default/c1");
	expect_none("/default");
	expect_none("/default/-bad");
}

static void crio_scopes_and_conmon(void **state)
{
	(void)state;
	struct nstk_container c = expect("/crio-" HEX_A ".scope", "cri-o", HEX_A);
	assert_string_equal(c.unit, "crio-" HEX_A ".scope");
	assert_false(c.monitor);
	c = expect("/crio-" HEX_A, "cri-o", HEX_A);
	assert_string_equal(c.unit, "");

	c = expect("/system.slice/crio-conmon-" HEX_A ".scope", "cri-o", HEX_A);
	assert_true(c.monitor);
	assert_string_equal(c.unit, "crio-conmon-" HEX_A ".scope");
	c = expect("/kubepods/besteffort/pod" POD_UID "/crio-conmon-" HEX_A, "cri-o", HEX_A);
	assert_true(c.monitor);
	assert_string_equal(c.pod, POD_UID);
}

static void podman_systemd_layouts(void **state)
{
	(void)state;
	struct nstk_container c = expect("/machine.slice/libpod-" HEX_A ".scope", "podman", HEX_A);
	assert_string_equal(c.unit, "libpod-" HEX_A ".scope");
	assert_false(c.monitor);
	/* The payload's own child cgroup still names the container. */
	c = expect("/machine.slice/libpod-" HEX_A ".scope/container", "podman", HEX_A);
	assert_string_equal(c.unit, "libpod-" HEX_A ".scope");

	c = expect("/machine.slice/libpod-conmon-" HEX_A ".scope", "podman", HEX_A);
	assert_true(c.monitor);

	expect("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" HEX_A ".scope", "podman", HEX_A);
	/* A container of a podman pod. */
	expect("/machine.slice/machine-libpod_pod_" HEX_B ".slice/libpod-" HEX_A ".scope", "podman", HEX_A);
	expect_none("/machine.slice/machine-libpod_pod_" HEX_B ".slice");
}

static void podman_cgroupfs_manager_as_observed(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"9:name=systemd:/libpod_parent/libpod-" PODMAN_ID,
		"8:pids:/libpod_parent/libpod-" PODMAN_ID,
		"4:memory:/libpod_parent/libpod-" PODMAN_ID "\n",
		"0::/libpod_parent/libpod-" PODMAN_ID,
		"/libpod_parent/libpod-" PODMAN_ID,
		"libpod_parent/libpod-" PODMAN_ID,
		/* --cgroup-parent /rt_test */
		"/rt_test/libpod-" PODMAN_ID,
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct nstk_container c = expect(lines[i], "podman", PODMAN_ID);
		assert_string_equal(c.unit, "");
		assert_false(c.monitor);
	}
	/* Every conmon shares this cgroup: it names no one container. */
	expect_none("/libpod_parent/conmon");
	expect_none("8:pids:/libpod_parent/conmon");
	expect_none("/rt_test/conmon");
}

static void runc_alone(void **state)
{
	(void)state;
	/* The systemd driver's default cgroupsPath, ":runc:<id>". */
	struct nstk_container c = expect("/system.slice/runc-rt1.scope", "runc", "rt1");
	assert_true(c.id_is_name);
	assert_string_equal(c.unit, "runc-rt1.scope");
	expect("/user.slice/user-1000.slice/user@1000.service/user.slice/runc-foo.scope", "runc", "foo");
	/* Observed: the cgroupfs driver uses cgroupsPath as given ("/rt_runc/rt1")
	 * or "/<id>" below runc's own cgroup: nothing there says runc. */
	expect_none("4:memory:/rt_runc/rt1");
	expect_none("0::/rt1");
	expect_none("4:memory:/process_api/2e9ca40b6e3a7bea72a5ce3572e8b2b8/rt1");
}

static void kubernetes_cgroupfs_driver(void **state)
{
	(void)state;
	struct nstk_container c = expect("/kubepods/burstable/pod" POD_UID "/" HEX_A, "kubernetes", HEX_A);
	assert_string_equal(c.pod, POD_UID);
	assert_string_equal(c.qos, "burstable");
	assert_string_equal(c.unit, "");

	c = expect("/kubepods/besteffort/pod" POD_UID "/" HEX_A, "kubernetes", HEX_A);
	assert_string_equal(c.qos, "besteffort");

	c = expect("/kubepods/pod" POD_UID "/" HEX_A, "kubernetes", HEX_A);
	assert_string_equal(c.qos, "guaranteed");

	/* A static pod's UID is a 32-hex config hash. */
	c = expect("/kubepods/burstable/pod5b1a2c3d4e5f60718293a4b5c6d7e8f9/" HEX_A, "kubernetes", HEX_A);
	assert_string_equal(c.pod, "5b1a2c3d4e5f60718293a4b5c6d7e8f9");

	c = expect("/kubepods/burstable/pod" POD_UID "/crio-" HEX_A, "cri-o", HEX_A);
	assert_string_equal(c.pod, POD_UID);
	assert_string_equal(c.qos, "burstable");

	/* The pod and QoS cgroups themselves are not containers. */
	expect_none("/kubepods");
	expect_none("/kubepods/burstable");
	expect_none("/kubepods/burstable/pod" POD_UID);
	/* A bare hash needs the pod right above it, and "pod" needs kubepods. */
	expect_none("/kubepods/burstable/" HEX_A);
	expect_none("/somewhere/pod" POD_UID "/" HEX_A);
	expect_none("/kubepods/burstable/podNOTAUID/" HEX_A);
	expect_none("/kubepods/burstable/pod" HEX_B "/" HEX_A);
}

static void kubernetes_systemd_driver(void **state)
{
	(void)state;
	static const struct {
		const char *runtime, *scope_prefix;
	} runtimes[] = { { "containerd", "cri-containerd-" }, { "cri-o", "crio-" }, { "docker", "docker-" } };
	for (size_t i = 0; i < sizeof(runtimes) / sizeof(runtimes[0]); i++) {
		char path[512];
		snprintf(path, sizeof(path),
			 "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" POD_UID_US
			 ".slice/%s" HEX_A ".scope",
			 runtimes[i].scope_prefix);
		struct nstk_container c = expect(path, runtimes[i].runtime, HEX_A);
		assert_string_equal(c.pod, POD_UID);
		assert_string_equal(c.qos, "besteffort");
		char unit[128];
		snprintf(unit, sizeof(unit), "%s" HEX_A ".scope", runtimes[i].scope_prefix);
		assert_string_equal(c.unit, unit);
	}

	struct nstk_container c = expect("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD_UID_US
					 ".slice/cri-containerd-" HEX_A ".scope",
					 "containerd", HEX_A);
	assert_string_equal(c.qos, "burstable");
	/* Guaranteed pods sit right under kubepods.slice. */
	c = expect("/kubepods.slice/kubepods-pod" POD_UID_US ".slice/cri-containerd-" HEX_A ".scope", "containerd",
		   HEX_A);
	assert_string_equal(c.pod, POD_UID);
	assert_string_equal(c.qos, "guaranteed");
	/* CRI-O's conmon in the pod slice. */
	c = expect("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD_UID_US
		   ".slice/crio-conmon-" HEX_A ".scope",
		   "cri-o", HEX_A);
	assert_true(c.monitor);
	assert_string_equal(c.pod, POD_UID);

	expect_none("/kubepods.slice/kubepods-burstable.slice");
	expect_none("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD_UID_US ".slice");
	/* Not a pod slice: the container has no pod. */
	c = expect("/kubepods.slice/kubepods-other.slice/cri-containerd-" HEX_A ".scope", "containerd", HEX_A);
	assert_string_equal(c.pod, "");
	assert_string_equal(c.qos, "");
}

static void systemd_cgroups_path_made_literal_by_cgroupfs_driver(void **state)
{
	(void)state;
	/* containerd without SystemdCgroup = true hands runc "slice:prefix:id". */
	struct nstk_container c = expect("/system.slice/containerd.service/kubepods-burstable-pod" POD_UID_US
					 ".slice:cri-containerd:" HEX_A,
					 "containerd", HEX_A);
	assert_string_equal(c.pod, POD_UID);
	assert_string_equal(c.qos, "burstable");
	/* No systemd unit exists for it. */
	assert_string_equal(c.unit, "");
	c = expect("/:runc:rt1", "runc", "rt1");
	assert_string_equal(c.unit, "");
	expect_none("/a:b:c");
	expect_none("/x.slice::" HEX_A);
	expect_none("/x.slice:cri-containerd:");
	expect_none("/x.slice:cri-containerd:" HEX_A ":more");
}

static void innermost_container_wins(void **state)
{
	(void)state;
	/* Docker in docker. */
	expect("/docker/" HEX_A "/docker/" HEX_B, "docker", HEX_B);
	/* A kind node: pods inside a docker container. */
	struct nstk_container c =
		expect("/docker/" HEX_A "/kubepods/burstable/pod" POD_UID "/" HEX_B, "kubernetes", HEX_B);
	assert_string_equal(c.pod, POD_UID);
	c = expect("/docker/" HEX_A "/kubepods/burstable", "docker", HEX_A);
	assert_string_equal(c.pod, "");
	c = expect("/docker/" HEX_A "/system.slice/containerd.service", "docker", HEX_A);
	/* Docker in a pod's container: the pod is the outer container's. */
	c = expect("/kubepods/burstable/pod" POD_UID "/" HEX_A "/docker/" HEX_B, "docker", HEX_B);
	assert_string_equal(c.pod, "");
	assert_string_equal(c.qos, "");
	/* An outer unit does not stick to an inner container. */
	c = expect("/system.slice/docker-" HEX_A ".scope/lxc/web", "lxc", "web");
	assert_string_equal(c.unit, "");
}

static void lxc_layouts(void **state)
{
	(void)state;
	struct nstk_container c = expect("/lxc/web", "lxc", "web");
	assert_true(c.id_is_name);
	assert_false(c.monitor);
	expect("/lxc.payload.web", "lxc", "web");
	expect("/lxc.payload/web-01", "lxc", "web-01");
	expect("/lxc.payload.web/init.scope", "lxc", "web");
	c = expect("/lxc.monitor.web", "lxc", "web");
	assert_true(c.monitor);
	expect_none("/lxc");
	expect_none("/lxc.payload");
	expect_none("/lxc.pivot");
}

static void systemd_nspawn_and_machined(void **state)
{
	(void)state;
	struct nstk_container c = expect("/machine.slice/systemd-nspawn@debian.service", "systemd-nspawn", "debian");
	assert_string_equal(c.unit, "systemd-nspawn@debian.service");
	assert_true(c.id_is_name);
	/* Unit names escape "-": the name is unescaped, the unit kept as is. */
	c = expect("/machine.slice/systemd-nspawn@my\\x2dvm.service/payload", "systemd-nspawn", "my-vm");
	assert_string_equal(c.unit, "systemd-nspawn@my\\x2dvm.service");
	c = expect("/machine.slice/machine-debian.scope", "machined", "debian");
	assert_string_equal(c.unit, "machine-debian.scope");
	expect("/machine.slice/machine-qemu\\x2d1\\x2dvm.scope", "machined", "qemu-1-vm");
	expect("/machine.slice/machine-a\\x2Db.scope", "machined", "a-b");
	/* A machine scope only under machine.slice. */
	expect_none("/system.slice/machine-learning.scope");
	/* Escapes that would smuggle "/" or a control byte into a name. */
	expect_none("/machine.slice/machine-a\\x2fb.scope");
	expect_none("/machine.slice/machine-a\\x1bb.scope");
	expect_none("/machine.slice/machine-a\\x2.scope");
	expect_none("/machine.slice/machine-a\\x2gb.scope");
}

static void proc_lines_and_their_errors(void **state)
{
	(void)state;
	expect("12:cpu,cpuacct:/docker/" HEX_A, "docker", HEX_A);
	expect("1:name=systemd:/system.slice/docker-" HEX_A ".scope\n", "docker", HEX_A);
	/* A process whose v2 cgroup was removed. */
	expect("0::/system.slice/docker-" HEX_A ".scope (deleted)\n", "docker", HEX_A);
	/* Seen from inside a cgroup namespace. */
	expect("0::/../docker-" HEX_A ".scope", "docker", HEX_A);
	expect_none("0::/");
	expect_none("9:name=systemd:/");

	static const char *const bad[] = { "3:cpu", "3:cpu:", "3:cpu:relative/path", "0:", "3:a/b:/docker/" HEX_A };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct nstk_container c;
		memset(&c, 0x5a, sizeof(c));
		assert_int_equal(decode(bad[i], &c), -EINVAL);
		assert_int_equal(((unsigned char *)&c)[0], 0x5a);
	}
	static const char nul[] = "/docker/" HEX_A "\0x";
	struct nstk_container c;
	assert_int_equal(nstk_container_from_cgroup(nul, sizeof(nul) - 1, &c), -EINVAL);
	assert_int_equal(nstk_container_from_cgroup(NULL, 1, &c), -EINVAL);
	assert_int_equal(nstk_container_from_cgroup(NULL, 0, &c), 0);
	assert_int_equal(nstk_container_from_cgroup("/docker/" HEX_A, 8 + 64, NULL), -EINVAL);
	assert_int_equal(nstk_container_from_proc_cgroup(NULL, 1, &c), -EINVAL);
	assert_int_equal(nstk_container_from_nsfs_path(NULL, 1, &c), -EINVAL);
}

static void whole_proc_cgroup_files_as_observed(void **state)
{
	(void)state;
	static const char podman[] = "9:name=systemd:/libpod_parent/libpod-" PODMAN_ID "\n"
				     "8:pids:/libpod_parent/libpod-" PODMAN_ID "\n"
				     "4:memory:/libpod_parent/libpod-" PODMAN_ID "\n"
				     "0::/libpod_parent/libpod-" PODMAN_ID "\n";
	static const char conmon[] = "9:name=systemd:/\n8:pids:/libpod_parent/conmon\n"
				     "4:memory:/libpod_parent/conmon\n0::/\n";
	static const char ctr[] = "9:name=systemd:/default/c1\n4:memory:/default/c1\n0::/default/c1\n";
	/* The first line is no container here; a later one is. */
	static const char mixed[] = "9:name=systemd:/\n1:cpu:/docker/" HEX_A "\n0::/\n";
	static const char junk_first[] = "not a line\n0::/docker/" HEX_A "\n";
	struct nstk_container c;

	assert_int_equal(nstk_container_from_proc_cgroup(podman, sizeof(podman) - 1, &c), 1);
	assert_string_equal(c.runtime, "podman");
	assert_string_equal(c.id, PODMAN_ID);
	assert_int_equal(nstk_container_from_proc_cgroup(conmon, sizeof(conmon) - 1, &c), 0);
	assert_int_equal(nstk_container_from_proc_cgroup(ctr, sizeof(ctr) - 1, &c), 1);
	assert_string_equal(c.id, "c1");
	assert_int_equal(nstk_container_from_proc_cgroup(mixed, sizeof(mixed) - 1, &c), 1);
	assert_string_equal(c.id, HEX_A);
	assert_int_equal(nstk_container_from_proc_cgroup(junk_first, sizeof(junk_first) - 1, &c), -EINVAL);
	assert_int_equal(nstk_container_from_proc_cgroup("", 0, &c), 0);
	assert_int_equal(nstk_container_from_proc_cgroup("\n\n", 2, &c), 0);
}

static void hash_ids_must_be_hashes(void **state)
{
	(void)state;
	/* 12 is the shortest, 64 the longest. */
	expect("/docker/3f2a1b0c9d8e", "docker", "3f2a1b0c9d8e");
	expect_none("/docker/3f2a1b0c9d8");
	expect_none("/docker/" HEX_A "0");
	expect_none("/docker/3F2A1B0C9D8E7F6A");
	expect_none("/system.slice/docker-3f2a1b0c9d8g.scope");
	expect_none("/system.slice/docker-.scope");
	expect_none("/system.slice/docker-" HEX_A ".scop");
	expect_none("/system.slice/docker-" HEX_A ".scope.d");
	expect_none("/libpod_parent/libpod-");
	expect_none("/crio-" HEX_A "-x");
}

static void names_with_odd_characters_and_lengths(void **state)
{
	(void)state;
	expect_none("/lxc/web server");
	expect_none("/lxc/-web");
	expect_none("/lxc/.hidden");
	expect_none("/lxc/..");
	expect_none("/lxc/w\x1b[31mred");
	expect_none("/lxc/caf\xc3\xa9");
	expect_none("/default/c1:x");
	expect("/lxc/a_b.c+d-e", "lxc", "a_b.c+d-e");

	/* A 255-byte name is the longest a directory can have, and fits. */
	char path[300] = "/lxc/";
	memset(path + 5, 'n', 255);
	path[5 + 255] = '\0';
	struct nstk_container c;
	assert_int_equal(decode(path, &c), 1);
	assert_int_equal(strlen(c.id), 255);
	/* One more byte is no directory at all. */
	path[5 + 255] = 'n';
	path[5 + 256] = '\0';
	memset(&c, 0x5a, sizeof(c));
	assert_int_equal(decode(path, &c), -ENAMETOOLONG);
	assert_int_equal(((unsigned char *)&c)[0], 0x5a);

	/* A longest unit name: the unit fits too. */
	char unit_path[300] = "/machine.slice/machine-";
	size_t at = strlen(unit_path);
	memset(unit_path + at, 'm', 255 - strlen("machine-.scope"));
	strcpy(unit_path + at + 255 - strlen("machine-.scope"), ".scope");
	assert_int_equal(decode(unit_path, &c), 1);
	assert_int_equal(strlen(c.unit), 255);
}

static void not_containers(void **state)
{
	(void)state;
	static const char *const paths[] = {
		"/user.slice/user-0.slice/session-1.scope",
		"/system.slice/ssh.service",
		"/system.slice/docker.service",
		"/system.slice/containerd.service",
		"/init.scope",
		"/",
		"//",
		"",
		"garbage",
		"\n",
		"::::",
		"/docker",
		"/system.slice/docker-" HEX_A ".service",
		/* This machine's own sandbox cgroup (observed). */
		"4:memory:/process_api/2e9ca40b6e3a7bea72a5ce3572e8b2b8",
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		expect_none(paths[i]);
}

static void nsfs_pins(void **state)
{
	(void)state;
	struct nstk_container c;
	assert_int_equal(decode_nsfs("/run/docker/netns/9e2a8b9c1f3d", &c), 1);
	assert_string_equal(c.runtime, "docker");
	assert_string_equal(c.id, "9e2a8b9c1f3d");
	assert_true(c.sandbox);
	assert_false(c.id_is_name);
	assert_int_equal(decode_nsfs("/var/run/docker/netns/9e2a8b9c1f3d", &c), 1);
	assert_string_equal(c.id, "9e2a8b9c1f3d");

	assert_int_equal(decode_nsfs("/run/netns/cni-1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d", &c), 1);
	assert_string_equal(c.runtime, "cni");
	assert_string_equal(c.id, "1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d");
	assert_true(c.sandbox);

	/* Observed: podman's bridge netns. */
	assert_int_equal(decode_nsfs("/run/netns/netns-c77b23ca-7698-821f-a3b5-7d5e01e06dc8", &c), 1);
	assert_string_equal(c.runtime, "podman");
	assert_string_equal(c.id, "c77b23ca-7698-821f-a3b5-7d5e01e06dc8");
	assert_int_equal(decode_nsfs("/run/user/1000/netns/netns-c77b23ca-7698-821f-a3b5-7d5e01e06dc8", &c), 1);
	assert_string_equal(c.runtime, "podman");

	static const char *const none[] = {
		"/run/docker/netns/default",
		"/run/docker/netns/ingress_sbox",
		"/run/docker/netns/1-abcdef1234",
		"/run/docker/netns/",
		/* Observed: a netns pinned by hand for runc. */
		"/run/netns/rtns",
		"/run/netns/cni-notauuid",
		"/run/netns/netns-C77B23CA-7698-821F-A3B5-7D5E01E06DC8",
		"/run/netns/sub/cni-1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d",
		"/run/user/abc/netns/netns-c77b23ca-7698-821f-a3b5-7d5e01e06dc8",
		"/run/user//netns/netns-c77b23ca-7698-821f-a3b5-7d5e01e06dc8",
		"/run/docker/netns/9e2a8b9c1f3d/x",
		"/var/run",
		"/",
		"/docker/" HEX_A,
	};
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		memset(&c, 0x5a, sizeof(c));
		if (decode_nsfs(none[i], &c) != 0)
			fail_msg("%s: want 0", none[i]);
		assert_int_equal(((unsigned char *)&c)[0], 0x5a);
	}
	assert_int_equal(decode_nsfs("", &c), 0);
	assert_int_equal(decode_nsfs("run/netns/cni-1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d", &c), -EINVAL);
	static const char nul[] = "/run/netns/\0cni";
	assert_int_equal(nstk_container_from_nsfs_path(nul, sizeof(nul) - 1, &c), -EINVAL);
	char long_path[300] = "/run/netns/";
	memset(long_path + 11, 'a', 256);
	long_path[11 + 256] = '\0';
	assert_int_equal(decode_nsfs(long_path, &c), -ENAMETOOLONG);
}

/* conmon's argv as /proc/PID/cmdline holds it: NUL-separated, one NUL at the end. */
#define ARGV(...) argv_of((const char *[]){ __VA_ARGS__, NULL }, buf, sizeof(buf), &len)

static const char *argv_of(const char **args, char *buf, size_t size, size_t *len)
{
	size_t n = 0;
	for (; *args; args++) {
		size_t l = strlen(*args) + 1;
		assert_true(n + l <= size);
		memcpy(buf + n, *args, l);
		n += l;
	}
	*len = n;
	return buf;
}

static void podman_names_from_conmon(void **state)
{
	(void)state;
	char buf[1024];
	size_t len;
	struct nstk_container c = expect("/libpod_parent/libpod-" HEX_A, "podman", HEX_A);
	const char *t;

	/* As podman 4 starts it (shortened): -c and -n, values of passthrough options skipped. */
	t = ARGV("/usr/bin/conmon", "--api-version", "1", "-c", HEX_A, "-u", HEX_A, "-r", "/usr/bin/runc",
		 "-n", "web_1.x-y", "--exit-command", "/usr/bin/podman", "--exit-command-arg", "-n",
		 "--exit-command-arg", "cleanup", "--runtime-arg", "--name=bogus");
	assert_int_equal(nstk_container_name_from_conmon(t, len, &c), 1);
	assert_string_equal(c.name, "web_1.x-y");
	/* The name matches whole and in its case; the id still does; the label does not change. */
	assert_true(nstk_container_matches(&c, "web_1.x-y"));
	assert_false(nstk_container_matches(&c, "web"));
	assert_false(nstk_container_matches(&c, "WEB_1.X-Y"));
	assert_true(nstk_container_matches(&c, "3f2a"));
	char label[NSTK_CONTAINER_LABEL_MAX];
	assert_int_equal(nstk_container_label(&c, label, sizeof(label)), 0);
	assert_string_equal(label, "podman:3f2a1b0c9d8e");

	/* Long forms, and without the trailing NUL. */
	c = expect("/libpod_parent/libpod-" HEX_A, "podman", HEX_A);
	t = ARGV("conmon", "--cid=" HEX_A, "--name", "db");
	assert_int_equal(nstk_container_name_from_conmon(t, len - 1, &c), 1);
	assert_string_equal(c.name, "db");
	c = expect("/libpod_parent/libpod-" HEX_A, "podman", HEX_A);
	t = ARGV("conmon", "--cid", HEX_A, "--name=db2");
	assert_int_equal(nstk_container_name_from_conmon(t, len, &c), 1);
	assert_string_equal(c.name, "db2");

	/* Not this container's conmon, not conmon, no name, a bad name, after "--": nothing. */
	struct nstk_container before = expect("/libpod_parent/libpod-" HEX_A, "podman", HEX_A);
	const char *none[][8] = {
		{ "/usr/bin/conmon", "-c", HEX_B, "-n", "other", NULL },
		{ "/usr/bin/conmon", "-c", "3f2a1b0c9d8e", "-n", "short-id", NULL },
		{ "/usr/bin/notconmon", "-c", HEX_A, "-n", "web", NULL },
		{ "/usr/bin/conmon-x", "-c", HEX_A, "-n", "web", NULL },
		{ "sh", "-c", HEX_A, "-n", "web", NULL },
		{ "/usr/bin/conmon", "-c", HEX_A, NULL },
		{ "/usr/bin/conmon", "-c", HEX_A, "-n", "has space", NULL },
		{ "/usr/bin/conmon", "-c", HEX_A, "-n", "-dash", NULL },
		{ "/usr/bin/conmon", "-c", HEX_A, "-n", "", NULL },
		{ "/usr/bin/conmon", "-c", HEX_A, "-n", NULL },
		{ "/usr/bin/conmon", "-c", HEX_A, "--", "-n", "web", NULL },
		{ "/usr/bin/conmon", "--exit-command-arg", "-c", HEX_A, "-n", "web", NULL },
	};
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		c = before;
		t = argv_of(none[i], buf, sizeof(buf), &len);
		assert_int_equal(nstk_container_name_from_conmon(t, len, &c), 0);
		assert_memory_equal(&c, &before, sizeof(c));
	}
	/* Empty, NULL. */
	assert_int_equal(nstk_container_name_from_conmon("", 0, &c), 0);
	assert_int_equal(nstk_container_name_from_conmon(NULL, 0, &c), 0);
	assert_int_equal(nstk_container_name_from_conmon(NULL, 3, &c), -EINVAL);
	assert_int_equal(nstk_container_name_from_conmon("conmon", 6, NULL), -EINVAL);
}

static void matching_what_a_user_types(void **state)
{
	(void)state;
	struct nstk_container c = expect("/docker/" HEX_A, "docker", HEX_A);
	assert_true(nstk_container_matches(&c, "3"));
	assert_true(nstk_container_matches(&c, "3f2a1b0c9d8e"));
	assert_true(nstk_container_matches(&c, "3F2A1B0C9D8E"));
	assert_true(nstk_container_matches(&c, HEX_A));
	assert_false(nstk_container_matches(&c, HEX_A "0"));
	assert_false(nstk_container_matches(&c, "3f2b"));
	assert_false(nstk_container_matches(&c, ""));
	assert_false(nstk_container_matches(&c, NULL));
	assert_false(nstk_container_matches(NULL, "3"));

	/* Names are matched whole, and case matters. */
	c = expect("/lxc/web", "lxc", "web");
	assert_true(nstk_container_matches(&c, "web"));
	assert_false(nstk_container_matches(&c, "we"));
	assert_false(nstk_container_matches(&c, "WEB"));
	assert_false(nstk_container_matches(&c, "web1"));

	/* A hash-looking name is still a name. */
	c = expect("/default/abcdef", "containerd", "abcdef");
	assert_false(nstk_container_matches(&c, "abc"));
	/* A ctr container also by "<namespace>/<id>", whole. */
	assert_true(nstk_container_matches(&c, "abcdef"));
	assert_true(nstk_container_matches(&c, "default/abcdef"));
	assert_false(nstk_container_matches(&c, "k8s.io/abcdef"));
	assert_false(nstk_container_matches(&c, "default/abc"));
	assert_false(nstk_container_matches(&c, "default/"));
	assert_false(nstk_container_matches(&c, "default"));
	assert_false(nstk_container_matches(&c, "defaultXabcdef"));

	assert_int_equal(decode_nsfs("/run/netns/cni-1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d", &c), 1);
	assert_true(nstk_container_matches(&c, "1a2b3c4d-5e"));

	struct nstk_container empty = { 0 };
	assert_false(nstk_container_matches(&empty, "a"));
}

/* cgtop's --filter and screen filter: the label, or podman's name whole. */
static void globs_over_label_and_name(void **state)
{
	(void)state;
	struct nstk_container c;
	assert_int_equal(decode("/libpod_parent/libpod-" HEX_A, &c), 1);
	assert_true(nstk_container_glob_matches(&c, "podman:3f2a*"));
	assert_true(nstk_container_glob_matches(&c, "*:3f2a1b0c9d8e"));
	assert_false(nstk_container_glob_matches(&c, "web"));
	snprintf(c.name, sizeof(c.name), "web");
	assert_true(nstk_container_glob_matches(&c, "web"));
	assert_true(nstk_container_glob_matches(&c, "w*"));
	assert_false(nstk_container_glob_matches(&c, "we"));
	assert_true(nstk_container_glob_matches(&c, "podman:*"));
}

static void labels_for_tables(void **state)
{
	(void)state;
	char buf[NSTK_CONTAINER_LABEL_MAX];
	struct nstk_container c = expect("/system.slice/docker-" HEX_A ".scope", "docker", HEX_A);
	assert_int_equal(nstk_container_label(&c, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "docker:3f2a1b0c9d8e");

	c = expect("/kubepods/burstable/pod" POD_UID "/" HEX_A, "kubernetes", HEX_A);
	assert_int_equal(nstk_container_label(&c, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "k8s:6a5b4c3d/3f2a1b0c9d8e");

	c = expect("/lxc.monitor.web", "lxc", "web");
	assert_int_equal(nstk_container_label(&c, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "lxc:web/monitor");

	c = expect("/machine.slice/libpod-conmon-" PODMAN_ID ".scope", "podman", PODMAN_ID);
	assert_int_equal(nstk_container_label(&c, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "podman:f318bca6f33f/monitor");

	assert_int_equal(decode_nsfs("/run/netns/netns-c77b23ca-7698-821f-a3b5-7d5e01e06dc8", &c), 1);
	assert_int_equal(nstk_container_label(&c, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "podman:c77b23ca");

	/* Observed: ctr run in the "default" namespace. */
	c = expect("4:memory:/default/nstk-42-c1", "containerd", "nstk-42-c1");
	assert_int_equal(nstk_container_label(&c, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "containerd:default/nstk-42-c1");
	/* Observed: runc's cgroupfs driver given the systemd form ":runc:<id>". */
	c = expect("0::/:runc:nstk-42-rt", "runc", "nstk-42-rt");
	assert_int_equal(nstk_container_label(&c, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "runc:nstk-42-rt");

	/* Too small: -ERANGE, and what fits, terminated. */
	c = expect("/docker/" HEX_A, "docker", HEX_A);
	char small[8];
	assert_int_equal(nstk_container_label(&c, small, sizeof(small)), -ERANGE);
	assert_string_equal(small, "docker:");
	char exact[sizeof("docker:3f2a1b0c9d8e")];
	assert_int_equal(nstk_container_label(&c, exact, sizeof(exact)), 0);

	/* The longest label fits NSTK_CONTAINER_LABEL_MAX. */
	char path[300] = "/lxc.monitor.";
	memset(path + 13, 'n', 255 - 12);
	path[13 + 255 - 12] = '\0';
	assert_int_equal(decode(path, &c), 1);
	assert_int_equal(nstk_container_label(&c, buf, sizeof(buf)), 0);
	/* And the longest ctr name with the longest namespace this table knows. */
	char ctr_path[300] = "/k8s.io/";
	memset(ctr_path + 8, 'n', 255);
	ctr_path[8 + 255] = '\0';
	assert_int_equal(decode(ctr_path, &c), 1);
	assert_int_equal(nstk_container_label(&c, buf, sizeof(buf)), 0);
	assert_int_equal(strlen(buf), strlen("containerd:k8s.io/") + 255);

	struct nstk_container empty = { 0 };
	assert_int_equal(nstk_container_label(&empty, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(nstk_container_label(&c, buf, 0), -EINVAL);
	assert_int_equal(nstk_container_label(NULL, buf, sizeof(buf)), -EINVAL);
}

static struct nstk_container make_container(const char *runtime, const char *id, bool monitor)
{
	struct nstk_container c = { 0 };
	strcpy(c.runtime, runtime);
	strcpy(c.id, id);
	c.monitor = monitor;
	return c;
}

static void container_pick_prefers_lowest_payload(void **state)
{
	(void)state;
	struct nstk_container_pick pick = { 0 };
	struct nstk_container payload = make_container("podman", "abc123", false);
	struct nstk_container conmon = make_container("podman", "abc123", true);
	nstk_container_pick_consider(&pick, 50, &conmon);
	nstk_container_pick_consider(&pick, 300, &payload);
	nstk_container_pick_consider(&pick, 120, &payload);
	assert_int_equal(pick.pid, 120);
	assert_int_equal(pick.monitor_pid, 50);
	assert_false(pick.ambiguous);
	assert_string_equal(pick.found.id, "abc123");
	assert_false(pick.found.monitor);
}

static void container_pick_sees_another_payload_after_a_monitor(void **state)
{
	(void)state;
	struct nstk_container_pick pick = { 0 };
	struct nstk_container conmon = make_container("podman", "abc123", true);
	struct nstk_container other = make_container("podman", "abc999", false);
	nstk_container_pick_consider(&pick, 50, &conmon);
	nstk_container_pick_consider(&pick, 60, &other);
	assert_true(pick.ambiguous);
	assert_string_equal(pick.found.id, "abc123");
	assert_string_equal(pick.other.id, "abc999");
}

static void container_pick_sees_two_containers(void **state)
{
	(void)state;
	struct nstk_container_pick pick = { 0 };
	struct nstk_container a = make_container("docker", "abc1", false);
	struct nstk_container b = make_container("docker", "abc2", false);
	nstk_container_pick_consider(&pick, 10, &a);
	nstk_container_pick_consider(&pick, 5, &b);
	assert_true(pick.ambiguous);
	assert_int_equal(pick.pid, 10);
	assert_string_equal(pick.other.id, "abc2");
}

static void same_container_counts_the_namespace_not_the_monitor(void **state)
{
	(void)state;
	struct nstk_container a = make_container("containerd", "web", false);
	struct nstk_container b = a;
	strcpy(a.space, "default");
	strcpy(b.space, "k8s.io");
	assert_false(nstk_container_same(&a, &b));
	strcpy(b.space, "default");
	b.monitor = true;
	assert_true(nstk_container_same(&a, &b));
	strcpy(b.runtime, "podman");
	assert_false(nstk_container_same(&a, &b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(container_pick_prefers_lowest_payload),
		cmocka_unit_test(container_pick_sees_two_containers),
		cmocka_unit_test(container_pick_sees_another_payload_after_a_monitor),
		cmocka_unit_test(same_container_counts_the_namespace_not_the_monitor),
		cmocka_unit_test(docker_cgroupfs_and_systemd_drivers),
		cmocka_unit_test(containerd_cri_scope),
		cmocka_unit_test(containerd_ctr_namespaces_as_observed),
		cmocka_unit_test(crio_scopes_and_conmon),
		cmocka_unit_test(podman_systemd_layouts),
		cmocka_unit_test(podman_cgroupfs_manager_as_observed),
		cmocka_unit_test(runc_alone),
		cmocka_unit_test(kubernetes_cgroupfs_driver),
		cmocka_unit_test(kubernetes_systemd_driver),
		cmocka_unit_test(systemd_cgroups_path_made_literal_by_cgroupfs_driver),
		cmocka_unit_test(innermost_container_wins),
		cmocka_unit_test(lxc_layouts),
		cmocka_unit_test(systemd_nspawn_and_machined),
		cmocka_unit_test(proc_lines_and_their_errors),
		cmocka_unit_test(whole_proc_cgroup_files_as_observed),
		cmocka_unit_test(hash_ids_must_be_hashes),
		cmocka_unit_test(names_with_odd_characters_and_lengths),
		cmocka_unit_test(not_containers),
		cmocka_unit_test(nsfs_pins),
		cmocka_unit_test(podman_names_from_conmon),
		cmocka_unit_test(matching_what_a_user_types),
		cmocka_unit_test(globs_over_label_and_name),
		cmocka_unit_test(labels_for_tables),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
