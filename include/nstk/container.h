/*
 * container.h — which container a cgroup path or an nsfs bind-mount path
 * belongs to, read from the path alone: no daemon sockets, no I/O.
 *
 * The one idea: container runtimes name their cgroups and pinned namespaces
 * after the container ("docker-<id>.scope", "/libpod_parent/libpod-<id>",
 * "/run/netns/cni-<uuid>"), so one table of (parent, prefix, suffix, id shape)
 * patterns in lib/container/container.c recognises them all; adding a runtime is one
 * line there.
 *
 * Ids are never truncated. Every buffer below holds a whole path component
 * (NAME_MAX bytes), so a real path always fits; a component longer than
 * NAME_MAX cannot exist in any filesystem and is -ENAMETOOLONG.
 */
#ifndef NSTK_CONTAINER_H
#define NSTK_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>

/* One path component (NAME_MAX) and its NUL. */
#define NSTK_CONTAINER_ID_MAX 256
/* Room for any label nstk_container_label() makes. */
#define NSTK_CONTAINER_LABEL_MAX (16 + 16 + NSTK_CONTAINER_ID_MAX + 16)

struct nstk_container {
	/* "docker", "containerd", "cri-o", "podman", "runc", "lxc",
	 * "systemd-nspawn", "machined" (a machine-<name>.scope: nspawn started by
	 * hand, libvirt), "kubernetes" (a bare id under a pod cgroup, where the
	 * path does not say which CRI runtime made it), "cni" (a CNI netns pin
	 * that containerd, CRI-O and podman all make). */
	char runtime[16];
	/* The id as found: 12-64 lowercase hex for the hash-named runtimes, a
	 * UUID for netns pins, a name for containerd's ctr, runc, lxc and
	 * machines (systemd's \x2d escapes undone). */
	char id[NSTK_CONTAINER_ID_MAX];
	/* containerd's namespace ("default", "k8s.io", "moby") for a ctr
	 * container found as "/<namespace>/<id>", or "": ctr ids are unique only
	 * within their namespace, so the label shows both. */
	char space[16];
	/* Kubernetes pod UID, dashes restored, or "". */
	char pod[64];
	/* Kubernetes QoS class: "guaranteed", "burstable", "besteffort" or "". */
	char qos[16];
	/* The systemd unit the cgroup is (e.g. "docker-<id>.scope"), or "". */
	char unit[NSTK_CONTAINER_ID_MAX];
	/* The name the user gave it, where no path holds it but a runtime
	 * process's command line does (podman: conmon's "-n <name>"; see
	 * nstk_container_name_from_conmon), or "". Never part of the label. */
	char name[NSTK_CONTAINER_ID_MAX];
	/* The id is a name (matched whole) rather than a hash or UUID (matched
	 * by any prefix). */
	bool id_is_name;
	/* This is the runtime's monitor beside the container, not the payload:
	 * podman's and CRI-O's conmon scopes, LXC's lxc.monitor.<name>. */
	bool monitor;
	/* From an nsfs path: the id names the pinned network sandbox, which for
	 * docker is the SandboxID (not the container id) and for CNI/podman the
	 * netns UUID. */
	bool sandbox;
};

/*
 * Decode one cgroup path: a /proc/PID/cgroup line ("0::/system.slice/...",
 * "4:memory:/docker/<id>", a trailing newline and the kernel's " (deleted)"
 * are fine) or a path relative to the hierarchy root, with or without its
 * leading "/". A leading "<digits>:" always means a line. Returns 1 and fills
 * *c when the path names a container, 0 when it does not (*c untouched),
 * -EINVAL for a NUL byte or a line with no path, -ENAMETOOLONG for a
 * component longer than NAME_MAX. The deepest match wins, so a container
 * nested in another, or podman's ".../libpod-<id>.scope/container", resolves
 * to the innermost container. Pure: no I/O.
 */
int nstk_container_from_cgroup(const char *path, size_t len, struct nstk_container *c);

/*
 * Decode a whole /proc/PID/cgroup file, every line as above: the first line
 * that names a container wins (a process's lines agree wherever a runtime
 * manages them; a line may show only "/" where it does not, as podman's
 * conmon does for name=systemd). Returns 1/0, or the first line's error.
 */
int nstk_container_from_proc_cgroup(const char *text, size_t len, struct nstk_container *c);

/*
 * Decode an nsfs bind-mount path as /proc/PID/mountinfo shows it (octal
 * escapes undone by the caller): /run/docker/netns/<sandbox-id12> (docker),
 * /run/netns/cni-<uuid> (CNI), /run/netns/netns-<uuid> and
 * /run/user/<uid>/netns/netns-<uuid> (podman, rootful and rootless);
 * "/var/run" is the same as "/run". Returns 1 (c->sandbox set), 0, -EINVAL
 * for a relative path or a NUL byte, -ENAMETOOLONG as above.
 */
int nstk_container_from_nsfs_path(const char *path, size_t len, struct nstk_container *c);

/*
 * podman's container name from its conmon's command line (/proc/PID/cmdline
 * of the container's init's parent: NUL-separated argv). argv[0] must be
 * conmon ("conmon" or a path ending in "/conmon"); its "-c <id>" ("--cid",
 * "--cid=") must be c->id whole, so a conmon of another container never
 * names this one; its "-n <name>" ("--name", "--name=") must be a name
 * (letters, digits, "_ . + -", starting with a letter or digit). The values
 * of --exit-command, --exit-command-arg, --runtime-arg and --runtime-opt are
 * skipped, "--" ends the options. Returns 1 with c->name set, 0 when
 * cmdline does not name c (c untouched), -EINVAL for NULL arguments. Pure.
 */
int nstk_container_name_from_conmon(const char *cmdline, size_t len, struct nstk_container *c);

/*
 * Whether what a user typed for --container names c: any prefix of a hash or
 * UUID id (at least one character, case-insensitive), or the whole of a name;
 * for a ctr container also "<namespace>/<name>" whole; the whole of c->name
 * when known (podman).
 */
bool nstk_container_matches(const struct nstk_container *c, const char *id_or_prefix);

/*
 * Whether a --filter glob (fnmatch(3), * matching / too) matches c's label or
 * its name (podman's, when known): the rule of cgtop's --filter and screen.
 */
bool nstk_container_glob_matches(const struct nstk_container *c, const char *glob);

/*
 * A short label for tables: "docker:3f2a1b0c9d8e" (a hash cut to 12, a UUID
 * to its first group), "lxc:web" (a name whole), "containerd:default/c1" (a
 * ctr container, its namespace first), "k8s:<pod8>/<id12>" when a pod is known,
 * with "/monitor" added for a monitor. Returns 0, -EINVAL when
 * c holds no container, -ERANGE when size is too small (buf then holds a
 * truncated label); NSTK_CONTAINER_LABEL_MAX always suffices.
 */
int nstk_container_label(const struct nstk_container *c, char *buf, size_t size);

#endif
