/*
 * container.c — the container decoder (see container.h): one table of the
 * names container runtimes give their cgroups and pinned namespaces, and a
 * walker that reads a path against it.
 *
 * The idea: a runtime names the cgroup of a container after the container,
 * in one path component. So a path is read one component at a time, and each
 * component is tried against the table; a row says
 *
 *   runtime  what to call the container's maker;
 *   parent   the name the component right above must have (NULL: any); for
 *            an nsfs row, the whole directory, where "*" stands for a run of
 *            digits (a UID);
 *   prefix,  what the component starts and ends with; the id is what lies
 *   suffix   between, and must have the row's
 *   shape    HASH (12-64 lowercase hex: docker, containerd CRI, CRI-O,
 *            podman), UUID (netns pins) or NAME (ctr, runc, lxc, machines);
 *   flags    UNIT: the component is a systemd unit, kept in ->unit, its
 *            \xNN escapes undone in a NAME; MONITOR: conmon or lxc.monitor,
 *            not the payload; TOP_LEVEL: the parent sits at the root (ctr's
 *            "/<namespace>/<id>"; the namespace is kept in ->space); IN_POD:
 *            the parent is a Kubernetes pod cgroup (the cgroupfs driver puts
 *            a bare id there); NSFS: the row reads bind-mount paths, not
 *            cgroups.
 *
 * The deepest component that matches wins, so nesting (docker in docker, a
 * kind node's pods, podman's ".../libpod-<id>.scope/container") resolves to
 * the innermost container. Kubernetes is not a row but a few words seen on
 * the way down ("kubepods", "burstable", "pod<uid>", "kubepods-...-pod<uid>
 * .slice"); what was seen since the previous container match becomes the
 * match's pod and QoS class, so an outer container never lends its pod to an
 * inner one.
 *
 * One more shape comes from runc itself: a systemd-style cgroupsPath
 * "slice:prefix:name" given to runc's cgroupfs driver (containerd without
 * SystemdCgroup) becomes one literal component. It is read as the two
 * components systemd would have made, "slice" and "prefix-name.scope", so the
 * ordinary rows match it.
 *
 * Nothing is ever truncated: ids are checked against their shape and copied
 * whole, and a component longer than NAME_MAX (which no filesystem holds)
 * is -ENAMETOOLONG.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "nstk/container.h"
#include "nstk/span.h"
#include "nstk/util.h"

/* The longest path component any filesystem, cgroupfs included, allows. */
#define COMPONENT_MAX 255

enum id_shape { HASH, UUID, NAME };

enum pattern_flag {
	UNIT = 1 << 0,
	MONITOR = 1 << 1,
	TOP_LEVEL = 1 << 2,
	IN_POD = 1 << 3,
	NSFS = 1 << 4,
};

struct pattern {
	const char *runtime;
	const char *parent;
	const char *prefix;
	const char *suffix;
	enum id_shape shape;
	unsigned flags;
};

static const struct pattern patterns[] = {
	/* runtime          parent              prefix              suffix      shape flags */
	{ "docker",         "docker",           "",                 "",         HASH, 0 },
	{ "docker",         NULL,               "docker-",          ".scope",   HASH, UNIT },
	{ "containerd",     NULL,               "cri-containerd-",  ".scope",   HASH, UNIT },
	{ "containerd",     "default",          "",                 "",         NAME, TOP_LEVEL },
	{ "containerd",     "k8s.io",           "",                 "",         NAME, TOP_LEVEL },
	{ "containerd",     "moby",             "",                 "",         NAME, TOP_LEVEL },
	{ "cri-o",          NULL,               "crio-conmon-",     ".scope",   HASH, UNIT | MONITOR },
	{ "cri-o",          NULL,               "crio-conmon-",     "",         HASH, MONITOR },
	{ "cri-o",          NULL,               "crio-",            ".scope",   HASH, UNIT },
	{ "cri-o",          NULL,               "crio-",            "",         HASH, 0 },
	{ "podman",         NULL,               "libpod-conmon-",   ".scope",   HASH, UNIT | MONITOR },
	{ "podman",         NULL,               "libpod-",          ".scope",   HASH, UNIT },
	{ "podman",         NULL,               "libpod-",          "",         HASH, 0 },
	{ "runc",           NULL,               "runc-",            ".scope",   NAME, UNIT },
	{ "kubernetes",     NULL,               "",                 "",         HASH, IN_POD },
	{ "lxc",            "lxc",              "",                 "",         NAME, 0 },
	{ "lxc",            "lxc.payload",      "",                 "",         NAME, 0 },
	{ "lxc",            NULL,               "lxc.payload.",     "",         NAME, 0 },
	{ "lxc",            NULL,               "lxc.monitor.",     "",         NAME, MONITOR },
	{ "systemd-nspawn", NULL,               "systemd-nspawn@",  ".service", NAME, UNIT },
	{ "machined",       "machine.slice",    "machine-",         ".scope",   NAME, UNIT },
	{ "docker",         "/run/docker/netns", "",                "",         HASH, NSFS },
	{ "cni",            "/run/netns",       "cni-",             "",         UUID, NSFS },
	{ "podman",         "/run/netns",       "netns-",           "",         UUID, NSFS },
	{ "podman",         "/run/user/*/netns", "netns-",          "",         UUID, NSFS },
};


static struct nstk_span span_cut(struct nstk_span s, size_t head, size_t tail)
{
	return (struct nstk_span){ s.s + head, s.len - head - tail };
}

static bool is_lower_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
}

static bool is_alnum(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* 12 to 64 lowercase hex digits: a sha256 or a prefix no runtime cuts shorter. */
static bool is_hash(struct nstk_span s)
{
	if (s.len < 12 || s.len > 64)
		return false;
	for (size_t i = 0; i < s.len; i++)
		if (!is_lower_hex(s.s[i]))
			return false;
	return true;
}

/* 8-4-4-4-12 lowercase hex. The version bits are not checked: podman's netns
 * names are random bytes in UUID dress ("netns-c77b23ca-7698-821f-..."). */
static bool is_uuid(struct nstk_span s)
{
	if (s.len != 36)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s.s[i] != '-' : !is_lower_hex(s.s[i]))
			return false;
	}
	return true;
}

/*
 * The characters ctr, runc, lxc and machined allow in a name, starting with
 * a letter or digit. Anything else (blanks, control bytes, "/" from an
 * escape) means the component is not one of theirs, and keeps it off a
 * terminal.
 */
static bool is_name(struct nstk_span s)
{
	if (s.len == 0 || !is_alnum(s.s[0]))
		return false;
	for (size_t i = 1; i < s.len; i++)
		if (!is_alnum(s.s[i]) && !strchr("_.+-", s.s[i]))
			return false;
	return true;
}

static int hex_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Undo systemd's unit-name escapes ("my\x2dvm" -> "my-vm") into out, which
 * holds at least s.len bytes: unescaping only shrinks. */
static struct nstk_span unit_unescape(struct nstk_span s, char *out)
{
	size_t n = 0;
	for (size_t i = 0; i < s.len; i++) {
		if (s.s[i] == '\\' && i + 3 < s.len && s.s[i + 1] == 'x' && hex_value(s.s[i + 2]) >= 0 &&
		    hex_value(s.s[i + 3]) >= 0) {
			out[n++] = (char)(hex_value(s.s[i + 2]) * 16 + hex_value(s.s[i + 3]));
			i += 3;
		} else {
			out[n++] = s.s[i];
		}
	}
	return (struct nstk_span){ out, n };
}

static int copy_span(char *dst, size_t size, struct nstk_span s)
{
	if (s.len >= size)
		return -ENAMETOOLONG;
	memcpy(dst, s.s, s.len);
	dst[s.len] = '\0';
	return 0;
}

static int copy_word(char *dst, size_t size, const char *word)
{
	return copy_span(dst, size, (struct nstk_span){ word, strlen(word) });
}

static bool shape_fits(enum id_shape shape, struct nstk_span id)
{
	switch (shape) {
	case HASH:
		return is_hash(id);
	case UUID:
		return is_uuid(id);
	case NAME:
		return is_name(id);
	}
	return false;
}

/*
 * The id a row finds in a component, or false. unescaped holds the
 * component's length in bytes, for a NAME in a unit.
 */
static bool row_id(const struct pattern *p, struct nstk_span comp, char *unescaped, struct nstk_span *id)
{
	if (!nstk_span_starts(comp, p->prefix) || !nstk_span_ends(comp, p->suffix))
		return false;
	size_t head = strlen(p->prefix), tail = strlen(p->suffix);
	if (comp.len <= head + tail)
		return false;
	struct nstk_span found = span_cut(comp, head, tail);
	if ((p->flags & UNIT) && p->shape == NAME)
		found = unit_unescape(found, unescaped);
	if (!shape_fits(p->shape, found))
		return false;
	*id = found;
	return true;
}

static int fill(struct nstk_container *c, const struct pattern *p, struct nstk_span id)
{
	memset(c, 0, sizeof(*c));
	int r = copy_word(c->runtime, sizeof(c->runtime), p->runtime);
	if (r < 0)
		return r;
	r = copy_span(c->id, sizeof(c->id), id);
	if (r < 0)
		return r;
	c->id_is_name = p->shape == NAME;
	c->monitor = p->flags & MONITOR;
	c->sandbox = p->flags & NSFS;
	return 0;
}

/* What Kubernetes words were seen on the way down since the last match. */
struct kube {
	bool inside;            /* below "kubepods" or "kubepods.slice" */
	const char *qos;        /* "burstable", "besteffort", or NULL */
	char pod[64];           /* the pod UID, dashes restored, or "" */
};

/* "pod" UIDs are UUIDs (dashes; underscores in a systemd slice name) or, for
 * static pods, a 32-hex config hash. */
static bool take_pod_uid(struct kube *k, struct nstk_span uid, char separator)
{
	if (uid.len == 0 || uid.len >= sizeof(k->pod))
		return false;
	for (size_t i = 0; i < uid.len; i++)
		if (!is_lower_hex(uid.s[i]) && uid.s[i] != separator)
			return false;
	for (size_t i = 0; i < uid.len; i++)
		k->pod[i] = uid.s[i] == '_' ? '-' : uid.s[i];
	k->pod[uid.len] = '\0';
	return true;
}

static const char *qos_word(struct nstk_span s)
{
	if (nstk_span_eq(s, "burstable"))
		return "burstable";
	if (nstk_span_eq(s, "besteffort"))
		return "besteffort";
	return NULL;
}

/*
 * Note a Kubernetes component: the cgroupfs driver's "kubepods/<qos>/pod<uid>"
 * or the systemd driver's "kubepods.slice/kubepods-<qos>.slice/
 * kubepods-<qos>-pod<uid_with_underscores>.slice" (guaranteed pods have no
 * <qos> level in either). Returns whether comp was a pod.
 */
static bool kube_see(struct kube *k, struct nstk_span comp)
{
	if (nstk_span_eq(comp, "kubepods") || nstk_span_eq(comp, "kubepods.slice")) {
		*k = (struct kube){ .inside = true };
		return false;
	}
	if (nstk_span_starts(comp, "kubepods-") && nstk_span_ends(comp, ".slice") && comp.len > 15) {
		struct nstk_span mid = span_cut(comp, 9, 6);
		const char *qos = NULL;
		if (qos_word(mid)) {
			*k = (struct kube){ .inside = true, .qos = qos_word(mid) };
			return false;
		}
		if (nstk_span_starts(mid, "burstable-")) {
			qos = "burstable";
			mid = span_cut(mid, strlen("burstable-"), 0);
		} else if (nstk_span_starts(mid, "besteffort-")) {
			qos = "besteffort";
			mid = span_cut(mid, strlen("besteffort-"), 0);
		}
		if (nstk_span_starts(mid, "pod") && take_pod_uid(k, span_cut(mid, 3, 0), '_')) {
			k->inside = true;
			k->qos = qos;
			return true;
		}
		return false;
	}
	if (!k->inside || k->pod[0])
		return false;
	if (!k->qos && qos_word(comp)) {
		k->qos = qos_word(comp);
		return false;
	}
	return nstk_span_starts(comp, "pod") && take_pod_uid(k, span_cut(comp, 3, 0), '-');
}

struct walk {
	size_t depth;           /* components seen so far */
	struct nstk_span parent;     /* the last of them */
	bool parent_is_pod;
	struct kube kube;
	bool found_one;
	struct nstk_container found;
	/* A component synthesised from "slice:prefix:name", alive until the
	 * next one is seen (it is that one's parent). */
	char synthesised[COMPONENT_MAX + sizeof("-.scope")];
};

static bool parent_fits(const struct pattern *p, const struct walk *w)
{
	if (p->flags & IN_POD)
		return w->parent_is_pod;
	if (!p->parent)
		return true;
	if ((p->flags & TOP_LEVEL) && w->depth != 1)
		return false;
	return w->depth > 0 && nstk_span_eq(w->parent, p->parent);
}

/* Try comp against every cgroup row; is_unit says it is a real directory
 * name (not synthesised), fit for ->unit. */
static int visit(struct walk *w, struct nstk_span comp, bool is_unit)
{
	char unescaped[COMPONENT_MAX + sizeof("-.scope")];
	bool matched = false;

	for (size_t i = 0; i < NSTK_ARRAY_SIZE(patterns) && !matched; i++) {
		const struct pattern *p = &patterns[i];
		struct nstk_span id;
		if ((p->flags & NSFS) || !parent_fits(p, w) || !row_id(p, comp, unescaped, &id))
			continue;
		int r = fill(&w->found, p, id);
		if (r < 0)
			return r;
		if ((p->flags & UNIT) && is_unit) {
			r = copy_span(w->found.unit, sizeof(w->found.unit), comp);
			if (r < 0)
				return r;
		}
		if (p->flags & TOP_LEVEL) {
			r = copy_word(w->found.space, sizeof(w->found.space), p->parent);
			if (r < 0)
				return r;
		}
		if (w->kube.pod[0]) {
			memcpy(w->found.pod, w->kube.pod, sizeof(w->found.pod));
			r = copy_word(w->found.qos, sizeof(w->found.qos), w->kube.qos ? w->kube.qos : "guaranteed");
			if (r < 0)
				return r;
		}
		w->kube = (struct kube){ 0 };
		w->found_one = matched = true;
	}
	w->parent_is_pod = !matched && kube_see(&w->kube, comp);
	w->parent = comp;
	w->depth++;
	return 0;
}

/*
 * A component "slice:prefix:name" is what runc's cgroupfs driver makes of a
 * systemd-style cgroupsPath; read it as systemd would have laid it out.
 */
static int visit_component(struct walk *w, struct nstk_span comp)
{
	const char *first = memchr(comp.s, ':', comp.len);
	const char *second = first ? memchr(first + 1, ':', (size_t)(comp.s + comp.len - first - 1)) : NULL;
	if (!second || memchr(second + 1, ':', (size_t)(comp.s + comp.len - second - 1)))
		return visit(w, comp, true);

	struct nstk_span slice = { comp.s, (size_t)(first - comp.s) };
	struct nstk_span prefix = { first + 1, (size_t)(second - first - 1) };
	struct nstk_span name = { second + 1, (size_t)(comp.s + comp.len - second - 1) };
	if ((slice.len > 0 && !nstk_span_ends(slice, ".slice")) || prefix.len == 0 || name.len == 0)
		return visit(w, comp, true);
	if (slice.len > 0) {
		int r = visit(w, slice, false);
		if (r < 0)
			return r;
	}
	int n = snprintf(w->synthesised, sizeof(w->synthesised), "%.*s-%.*s.scope", (int)prefix.len, prefix.s,
			 (int)name.len, name.s);
	if (n < 0 || (size_t)n >= sizeof(w->synthesised))
		return -ENAMETOOLONG;
	return visit(w, (struct nstk_span){ w->synthesised, (size_t)n }, false);
}

/*
 * Find the path in what the caller gave: a /proc/PID/cgroup line
 * ("<id>:<controllers>:<path>", maybe with "\n" and the " (deleted)" the
 * kernel adds for a removed v2 cgroup) or a bare path.
 */
static int cgroup_path_of(struct nstk_span text, bool must_be_line, struct nstk_span *path)
{
	if (text.len > 0 && text.s[text.len - 1] == '\n')
		text.len--;
	if (memchr(text.s, '\0', text.len))
		return -EINVAL;

	size_t digits = 0;
	while (digits < text.len && text.s[digits] >= '0' && text.s[digits] <= '9')
		digits++;
	bool is_line = digits > 0 && digits < text.len && text.s[digits] == ':';
	if (!is_line) {
		if (must_be_line)
			return -EINVAL;
		*path = text;
		return 0;
	}

	struct nstk_span rest = span_cut(text, digits + 1, 0);
	const char *colon = memchr(rest.s, ':', rest.len);
	if (!colon || memchr(rest.s, '/', (size_t)(colon - rest.s)))
		return -EINVAL;
	rest = span_cut(rest, (size_t)(colon - rest.s) + 1, 0);
	if (nstk_span_ends(rest, " (deleted)"))
		rest.len -= strlen(" (deleted)");
	if (rest.len == 0 || rest.s[0] != '/')
		return -EINVAL;
	*path = rest;
	return 0;
}

static int decode_cgroup(struct nstk_span text, bool must_be_line, struct nstk_container *c)
{
	struct nstk_span path;
	int r = cgroup_path_of(text, must_be_line, &path);
	if (r < 0)
		return r;

	struct walk w = { 0 };
	size_t i = 0;
	while (i < path.len) {
		size_t end = i;
		while (end < path.len && path.s[end] != '/')
			end++;
		struct nstk_span comp = { path.s + i, end - i };
		if (comp.len > COMPONENT_MAX)
			return -ENAMETOOLONG;
		if (comp.len > 0) {
			r = visit_component(&w, comp);
			if (r < 0)
				return r;
		}
		i = end + 1;
	}
	if (!w.found_one)
		return 0;
	*c = w.found;
	return 1;
}

int nstk_container_from_cgroup(const char *path, size_t len, struct nstk_container *c)
{
	if (!c || (!path && len))
		return -EINVAL;
	if (len == 0)
		return 0;
	return decode_cgroup((struct nstk_span){ path, len }, false, c);
}

int nstk_container_from_proc_cgroup(const char *text, size_t len, struct nstk_container *c)
{
	if (!c || (!text && len))
		return -EINVAL;
	struct nstk_span line;
	for (size_t at = 0; nstk_next_line(text, len, &at, &line) > 0;) {
		int r = line.len ? decode_cgroup(line, true, c) : 0;
		if (r != 0)
			return r;
	}
	return 0;
}

/* Whether dir is the row's directory, "*" standing for one or more digits. */
static bool dir_fits(const char *pattern, struct nstk_span dir)
{
	size_t i = 0;
	for (; *pattern; pattern++) {
		if (*pattern == '*') {
			size_t start = i;
			while (i < dir.len && dir.s[i] >= '0' && dir.s[i] <= '9')
				i++;
			if (i == start)
				return false;
		} else if (i < dir.len && dir.s[i] == *pattern) {
			i++;
		} else {
			return false;
		}
	}
	return i == dir.len;
}

int nstk_container_from_nsfs_path(const char *path, size_t len, struct nstk_container *c)
{
	if (!c || (!path && len))
		return -EINVAL;
	if (len == 0)
		return 0;
	struct nstk_span s = { path, len };
	if (memchr(s.s, '\0', s.len) || s.s[0] != '/')
		return -EINVAL;
	for (size_t i = 0, start = 0; i <= s.len; i++) {
		if (i == s.len || s.s[i] == '/') {
			if (i - start > COMPONENT_MAX)
				return -ENAMETOOLONG;
			start = i + 1;
		}
	}
	/* /var/run is a symlink to /run on every current distribution. */
	if (nstk_span_starts(s, "/var/run/"))
		s = span_cut(s, 4, 0);

	const char *slash = s.s + s.len;
	while (slash[-1] != '/')
		slash--;
	struct nstk_span dir = { s.s, (size_t)(slash - 1 - s.s) };
	struct nstk_span base = { slash, (size_t)(s.s + s.len - slash) };

	for (size_t i = 0; i < NSTK_ARRAY_SIZE(patterns); i++) {
		const struct pattern *p = &patterns[i];
		struct nstk_span id;
		if (!(p->flags & NSFS) || !dir_fits(p->parent, dir) || !row_id(p, base, NULL, &id))
			continue;
		struct nstk_container found;
		int r = fill(&found, p, id);
		if (r < 0)
			return r;
		*c = found;
		return 1;
	}
	return 0;
}

/* One argument of a NUL-separated argv: [*pos, NUL or end). */
static bool next_arg(const char *text, size_t len, size_t *pos, struct nstk_span *arg)
{
	if (*pos >= len)
		return false;
	const char *nul = memchr(text + *pos, '\0', len - *pos);
	size_t end = nul ? (size_t)(nul - text) : len;
	*arg = (struct nstk_span){ text + *pos, end - *pos };
	*pos = end + 1;
	return true;
}

/* The value of option arg, long or short, given as "--long=V" or as the next argument. */
static bool option_value(struct nstk_span arg, const char *shrt, const char *lng, const char *text, size_t len,
			 size_t *pos, struct nstk_span *value)
{
	size_t n = strlen(lng);
	if (arg.len > n && memcmp(arg.s, lng, n) == 0 && arg.s[n] == '=') {
		*value = span_cut(arg, n + 1, 0);
		return true;
	}
	if (!nstk_span_eq(arg, shrt) && !nstk_span_eq(arg, lng))
		return false;
	if (!next_arg(text, len, pos, value))
		*value = (struct nstk_span){ arg.s, 0 };
	return true;
}

int nstk_container_name_from_conmon(const char *cmdline, size_t len, struct nstk_container *c)
{
	static const char *const passthrough[] = { "--exit-command", "--exit-command-arg", "--runtime-arg",
						   "--runtime-opt" };
	if (!c || (!cmdline && len))
		return -EINVAL;
	size_t pos = 0;
	struct nstk_span arg, cid = { NULL, 0 }, name = { NULL, 0 };
	if (!next_arg(cmdline, len, &pos, &arg))
		return 0;
	if (!nstk_span_eq(arg, "conmon") && !(nstk_span_ends(arg, "/conmon")))
		return 0;
	while (next_arg(cmdline, len, &pos, &arg)) {
		struct nstk_span v;
		if (nstk_span_eq(arg, "--"))
			break;
		if (option_value(arg, "-c", "--cid", cmdline, len, &pos, &v)) {
			cid = v;
			continue;
		}
		if (option_value(arg, "-n", "--name", cmdline, len, &pos, &v)) {
			name = v;
			continue;
		}
		for (size_t i = 0; i < NSTK_ARRAY_SIZE(passthrough); i++)
			if (nstk_span_eq(arg, passthrough[i])) {
				next_arg(cmdline, len, &pos, &v);
				break;
			}
	}
	size_t id_len = strnlen(c->id, sizeof(c->id));
	if (!cid.s || id_len == 0 || cid.len != id_len || memcmp(cid.s, c->id, id_len) != 0)
		return 0;
	if (!name.s || !is_name(name) || name.len >= sizeof(c->name))
		return 0;
	memcpy(c->name, name.s, name.len);
	c->name[name.len] = '\0';
	return 1;
}

/* The length of a field that must be a NUL-terminated, non-empty string in
 * its array, or 0. */
static size_t field_len(const char *field, size_t size)
{
	size_t n = strnlen(field, size);
	return n < size ? n : 0;
}

bool nstk_container_matches(const struct nstk_container *c, const char *id_or_prefix)
{
	if (!c || !id_or_prefix || !id_or_prefix[0])
		return false;
	size_t id_len = field_len(c->id, sizeof(c->id));
	size_t want = strlen(id_or_prefix);
	if (id_len == 0)
		return false;
	size_t name_len = field_len(c->name, sizeof(c->name));
	if (name_len > 0 && want == name_len && memcmp(c->name, id_or_prefix, want) == 0)
		return true;
	size_t space_len = field_len(c->space, sizeof(c->space));
	if (space_len > 0 && want == space_len + 1 + id_len && memcmp(id_or_prefix, c->space, space_len) == 0 &&
	    id_or_prefix[space_len] == '/' && memcmp(id_or_prefix + space_len + 1, c->id, id_len) == 0)
		return true;
	if (c->id_is_name)
		return want == id_len && memcmp(c->id, id_or_prefix, want) == 0;
	return want <= id_len && strncasecmp(c->id, id_or_prefix, want) == 0;
}

/* How much of a hash or UUID a table shows: 12 characters, as docker ps
 * does, or up to the first dash of a UUID. */
static int short_len(const char *id, size_t len)
{
	size_t n = len < 12 ? len : 12;
	const char *dash = memchr(id, '-', n);
	return (int)(dash ? (size_t)(dash - id) : n);
}

int nstk_container_label(const struct nstk_container *c, char *buf, size_t size)
{
	if (!c || !buf || size == 0)
		return -EINVAL;
	size_t runtime_len = field_len(c->runtime, sizeof(c->runtime));
	size_t id_len = field_len(c->id, sizeof(c->id));
	size_t pod_len = field_len(c->pod, sizeof(c->pod));
	size_t space_len = field_len(c->space, sizeof(c->space));
	if (runtime_len == 0 || id_len == 0)
		return -EINVAL;

	int id_shown = c->id_is_name ? (int)id_len : short_len(c->id, id_len);
	const char *monitor = c->monitor ? "/monitor" : "";
	int n;
	if (pod_len > 0)
		n = snprintf(buf, size, "k8s:%.*s/%.*s%s", short_len(c->pod, pod_len), c->pod, id_shown, c->id,
			     monitor);
	else if (space_len > 0)
		n = snprintf(buf, size, "%s:%.*s/%.*s%s", c->runtime, (int)space_len, c->space, id_shown, c->id,
			     monitor);
	else
		n = snprintf(buf, size, "%s:%.*s%s", c->runtime, id_shown, c->id, monitor);
	if (n < 0)
		return -EINVAL;
	return (size_t)n < size ? 0 : -ERANGE;
}

bool nstk_container_glob_matches(const struct nstk_container *c, const char *glob)
{
	char label[NSTK_CONTAINER_LABEL_MAX];
	return (c->name[0] && fnmatch(glob, c->name, 0) == 0) ||
	       (nstk_container_label(c, label, sizeof(label)) == 0 && fnmatch(glob, label, 0) == 0);
}
