/*
 * nsinfo_child.c — one child visits namespaces from inside.
 *
 * The parent opens an nsfs fd for every job (every network namespace of the
 * census, and the uts and cgroup namespaces shown), forks, and reads one JSON
 * line per job from a pipe. The child, non-dumpable and killed if the parent
 * dies, setns()'s into each in turn: in a network namespace it opens a
 * netlink socket there, dumps links and addresses, and asks which id that
 * namespace gives each other one (RTM_GETNSID) to place its veth peers; in a
 * uts namespace it calls uname(); in a cgroup namespace it reads the member's
 * /proc/PID/cgroup, which the kernel writes relative to the reader's root.
 * It never execs, and exits when done; its fds die with it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nsinfo_child.h"
#include "nstk/text.h"
#include "nstk/span.h"
#include "nstk/util.h"

/* How long the parent waits for the child before killing it. */
#define CHILD_TIMEOUT_MS 10000

struct job {
	const struct nstk_namespace *ns;
	pid_t member; /* cgroup: whose /proc/PID/cgroup to read */
	int nsfd;
	int shown; /* index in namespaces[], or -1 (a net namespace visited for its peers) */
	/* filled from the child's answer (net) */
	struct nstk_netif *links;
	size_t n_links;
	int *peer_job; /* per link: the job its veth peer's namespace is, or -1 */
};

/* The cgroup line to compare: the unified hierarchy's ("0::") if any, else the first. */
static int pick_cgroup_path(const char *text, size_t len, char *out, size_t size)
{
	struct nstk_cgroup_line best = { 0 };
	bool found = false;
	struct nstk_span line;
	for (size_t at = 0; nstk_next_line(text, len, &at, &line) > 0;) {
		struct nstk_cgroup_line l;
		if (nstk_parse_cgroup_line(line.s, line.len, &l) < 0)
			continue;
		if (!found || l.hierarchy == 0) {
			best = l;
			found = true;
		}
		if (l.hierarchy == 0)
			break;
	}
	if (!found || best.path.len >= size)
		return -EINVAL;
	memcpy(out, best.path.s, best.path.len);
	out[best.path.len] = '\0';
	return 0;
}

static json_t *visit_net(struct job *jobs, size_t n_jobs, size_t i)
{
	_cleanup_close_ int sock = nstk_nl_open();
	if (sock < 0)
		return NULL;
	struct nstk_netif *links = NULL;
	struct nstk_netaddr *addrs = NULL;
	size_t n_links = 0, n_addrs = 0;
	if (nstk_nl_dump_links(sock, &links, &n_links) < 0)
		return NULL;
	if (nstk_nl_dump_addrs(sock, &addrs, &n_addrs) < 0)
		n_addrs = 0;

	/* The ids this namespace gives others, asked only as far as its veths need. */
	int *ids = malloc((n_jobs ? n_jobs : 1) * sizeof(int));
	bool *asked = calloc(n_jobs ? n_jobs : 1, sizeof(bool));
	json_t *jl = json_array(), *ja = json_array();
	for (size_t l = 0; ids && asked && l < n_links; l++) {
		int peer = links[l].link_ifindex ? (int)i : -1;
		if (links[l].link_ifindex && links[l].link_netnsid != NSTK_NETNSID_NONE) {
			peer = -1;
			for (size_t j = 0; j < n_jobs && peer < 0; j++) {
				if (jobs[j].ns->kind != NSTK_NS_NET || jobs[j].nsfd < 0)
					continue;
				if (!asked[j]) {
					asked[j] = true;
					if (nstk_nl_get_nsid(sock, jobs[j].nsfd, &ids[j]) < 0)
						ids[j] = NSTK_NETNSID_NONE;
				}
				if (ids[j] == links[l].link_netnsid)
					peer = (int)j;
			}
		}
		json_array_append_new(jl, json_pack("[i,o,o,i,i,i,i,i]", links[l].ifindex,
						    nstk_json_text(links[l].name), nstk_json_text(links[l].kind),
						    links[l].link_ifindex,
						    links[l].link_netnsid, links[l].master_ifindex,
						    (int)links[l].flags, peer));
	}
	for (size_t a = 0; a < n_addrs; a++)
		json_array_append_new(ja, json_pack("[i,s,i]", addrs[a].ifindex, addrs[a].text,
						    (int)addrs[a].prefixlen));
	free(ids);
	free(asked);
	free(links);
	free(addrs);
	return json_pack("{s:i, s:o, s:o}", "job", (int)i, "links", jl, "addrs", ja);
}

static json_t *visit(struct job *jobs, size_t n_jobs, size_t i)
{
	struct job *j = &jobs[i];
	if (setns(j->nsfd, nstk_ns_kind_clone_flag(j->ns->kind)) < 0)
		return json_pack("{s:i, s:i}", "job", (int)i, "errno", errno);
	switch (j->ns->kind) {
	case NSTK_NS_NET:
		return visit_net(jobs, n_jobs, i);
	case NSTK_NS_UTS: {
		struct utsname u;
		if (uname(&u) < 0)
			return NULL;
		return json_pack("{s:i, s:o, s:o}", "job", (int)i, "hostname", nstk_json_text(u.nodename),
				 "domainname", nstk_json_text(u.domainname));
	}
	case NSTK_NS_CGROUP: {
		char inside[4096];
		_cleanup_free_ char *text = NULL;
		size_t len;
		if (nstk_read_proc_file(j->member, "cgroup", &text, &len) < 0 ||
		    pick_cgroup_path(text, len, inside, sizeof(inside)) < 0)
			return NULL;
		return json_pack("{s:i, s:o}", "job", (int)i, "path", nstk_json_text(inside));
	}
	default:
		return NULL;
	}
}

static void write_all(int fd, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, s, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		len -= (size_t)w;
	}
}

static __attribute__((noreturn)) void run_child(struct job *jobs, size_t n_jobs, int out)
{
	/* No ptrace from inside the namespaces we visit; die with the parent. */
	prctl(PR_SET_DUMPABLE, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (size_t i = 0; i < n_jobs; i++) {
		if (jobs[i].nsfd < 0)
			continue;
		json_t *answer = visit(jobs, n_jobs, i);
		char *line = answer ? json_dumps(answer, JSON_COMPACT) : NULL;
		if (line) {
			write_all(out, line, strlen(line));
			write_all(out, "\n", 1);
		}
		free(line);
		json_decref(answer);
	}
	_exit(0);
}

/* Everything the child wrote, until EOF or the deadline. */
static int read_answers(int fd, pid_t child, char **buf, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *b = malloc(cap);
	if (!b)
		return -ENOMEM;
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		long elapsed = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (elapsed >= CHILD_TIMEOUT_MS || poll(&p, 1, (int)(CHILD_TIMEOUT_MS - elapsed)) == 0) {
			kill(child, SIGKILL);
			break;
		}
		if (cap - n < 4096) {
			char *nb = realloc(b, cap * 2);
			if (!nb) {
				free(b);
				return -ENOMEM;
			}
			b = nb;
			cap *= 2;
		}
		ssize_t r = read(fd, b + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

static void take_net_answer(struct job *j, json_t *answer, struct nstk_nsinfo *info)
{
	json_t *links = json_object_get(answer, "links");
	size_t n = json_array_size(links);
	j->links = calloc(n ? n : 1, sizeof(*j->links));
	j->peer_job = calloc(n ? n : 1, sizeof(int));
	if (!j->links || !j->peer_job)
		return;
	for (size_t l = 0; l < n; l++) {
		struct nstk_netif *x = &j->links[l];
		const char *name = "", *kind = "";
		int flags = 0;
		if (json_unpack(json_array_get(links, l), "[i,s,s,i,i,i,i,i]", &x->ifindex, &name, &kind,
				&x->link_ifindex, &x->link_netnsid, &x->master_ifindex, &flags,
				&j->peer_job[l]) < 0)
			continue;
		snprintf(x->name, sizeof(x->name), "%s", name);
		snprintf(x->kind, sizeof(x->kind), "%s", kind);
		x->flags = (unsigned)flags;
	}
	j->n_links = n;
	if (!info)
		return;
	info->ifaces = calloc(n ? n : 1, sizeof(*info->ifaces));
	if (!info->ifaces)
		return;
	info->n_ifaces = n;
	info->ifaces_known = true;
	for (size_t l = 0; l < n; l++)
		info->ifaces[l].link = j->links[l];
	json_t *addrs = json_object_get(answer, "addrs");
	for (size_t a = 0; a < json_array_size(addrs); a++) {
		int ifindex, prefix;
		const char *text;
		if (json_unpack(json_array_get(addrs, a), "[i,s,i]", &ifindex, &text, &prefix) < 0)
			continue;
		for (size_t l = 0; l < n; l++) {
			struct nstk_nsinfo_iface *f = &info->ifaces[l];
			if (f->link.ifindex == ifindex && f->n_addrs < NSTK_IFACE_MAX_ADDRS)
				snprintf(f->addrs[f->n_addrs++], sizeof(f->addrs[0]), "%s/%d", text, prefix);
		}
	}
}

static const struct nstk_netif *link_by_index(const struct job *j, int ifindex)
{
	for (size_t l = 0; l < j->n_links; l++)
		if (j->links[l].ifindex == ifindex)
			return &j->links[l];
	return NULL;
}

/* Name each veth's peer and the bridges, now that every namespace answered. */
static void resolve_peers(struct job *jobs, struct nstk_nsinfo *info)
{
	for (struct job *j = jobs; j->ns; j++) {
		if (j->ns->kind != NSTK_NS_NET || j->shown < 0 || !info[j->shown].ifaces_known)
			continue;
		struct nstk_nsinfo *in = &info[j->shown];
		for (size_t l = 0; l < in->n_ifaces && l < j->n_links; l++) {
			struct nstk_nsinfo_iface *f = &in->ifaces[l];
			const struct nstk_netif *m = link_by_index(j, f->link.master_ifindex);
			if (f->link.master_ifindex && m)
				snprintf(f->master_name, sizeof(f->master_name), "%s", m->name);
			int pj = j->peer_job[l];
			if (!f->link.link_ifindex || pj < 0)
				continue;
			f->peer_ns = jobs[pj].ns->ino;
			const struct nstk_netif *peer = link_by_index(&jobs[pj], f->link.link_ifindex);
			if (!peer)
				continue;
			snprintf(f->peer_name, sizeof(f->peer_name), "%s", peer->name);
			const struct nstk_netif *pm = link_by_index(&jobs[pj], peer->master_ifindex);
			if (peer->master_ifindex && pm) {
				snprintf(f->peer_master, sizeof(f->peer_master), "%s", pm->name);
				f->peer_master_is_bridge = strcmp(pm->kind, "bridge") == 0;
			}
		}
	}
}

static void read_netnsids(struct job *jobs, struct nstk_nsinfo *info)
{
	_cleanup_close_ int sock = nstk_nl_open();
	if (sock < 0)
		return;
	for (struct job *j = jobs; j->ns; j++)
		if (j->ns->kind == NSTK_NS_NET && j->shown >= 0 && j->nsfd >= 0)
			info[j->shown].netnsid_known =
				nstk_nl_get_nsid(sock, j->nsfd, &info[j->shown].netnsid) == 0;
}

static int add_job(struct job **jobs, size_t *n, size_t *cap, const struct nstk_census *c,
		   const struct nstk_namespace *ns, int shown, pid_t member)
{
	/* One spare for the terminating entry. */
	if (nstk_grow((void **)jobs, cap, *n + 1, sizeof(**jobs)) < 0)
		return -ENOMEM;
	(*jobs)[(*n)++] = (struct job){ .ns = ns, .member = member, .nsfd = nstk_census_open_ns(c, ns),
					.shown = shown };
	(*jobs)[*n] = (struct job){ 0 };
	return 0;
}

int nstk_nsinfo_from_inside(const struct nstk_census *c,
			    const struct nstk_namespace *const *namespaces, size_t n, unsigned kinds,
			    struct nstk_nsinfo *info, nstk_cgroup_root_fn cgroup_root)
{
	struct job *jobs = NULL;
	size_t n_jobs = 0, cap = 0, len = 0;
	char *text = NULL;
	int r = 0;

	/* Every network namespace, so peers are found wherever they are. */
	if (kinds & (1u << NSTK_NS_NET))
		for (size_t i = 0; i < c->n_namespaces && r == 0; i++) {
			const struct nstk_namespace *ns = &c->namespaces[i];
			if (ns->kind != NSTK_NS_NET)
				continue;
			int shown = -1;
			for (size_t k = 0; k < n; k++)
				if (namespaces[k] == ns)
					shown = (int)k;
			r = add_job(&jobs, &n_jobs, &cap, c, ns, shown, 0);
		}
	for (size_t k = 0; k < n && r == 0; k++) {
		const struct nstk_namespace *ns = namespaces[k];
		if (!(kinds & (1u << ns->kind)))
			continue;
		if (ns->kind == NSTK_NS_UTS || (ns->kind == NSTK_NS_CGROUP && info[k].member))
			r = add_job(&jobs, &n_jobs, &cap, c, ns, (int)k, info[k].member);
	}
	if (r < 0 || n_jobs == 0)
		goto out;

	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		r = -errno;
		goto out;
	}
	pid_t child = fork();
	if (child < 0) {
		r = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		goto out;
	}
	if (child == 0) {
		close(pipefd[0]);
		run_child(jobs, n_jobs, pipefd[1]);
	}
	close(pipefd[1]);
	r = read_answers(pipefd[0], child, &text, &len);
	close(pipefd[0]);
	while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
		;
	if (r < 0)
		goto out;

	struct nstk_span line;
	for (size_t at = 0; nstk_next_line(text, len, &at, &line) > 0;) {
		json_t *answer = json_loadb(line.s, line.len, 0, NULL);
		json_int_t i = json_integer_value(json_object_get(answer, "job"));
		if (!answer || i < 0 || (size_t)i >= n_jobs || json_object_get(answer, "errno")) {
			json_decref(answer);
			continue;
		}
		struct job *j = &jobs[i];
		struct nstk_nsinfo *in = j->shown >= 0 ? &info[j->shown] : NULL;
		if (j->ns->kind == NSTK_NS_NET) {
			take_net_answer(j, answer, in);
		} else if (j->ns->kind == NSTK_NS_UTS && in) {
			snprintf(in->hostname, sizeof(in->hostname), "%s",
				 json_string_value(json_object_get(answer, "hostname")));
			snprintf(in->domainname, sizeof(in->domainname), "%s",
				 json_string_value(json_object_get(answer, "domainname")));
			in->uts_known = true;
		} else if (j->ns->kind == NSTK_NS_CGROUP && in) {
			char host[4096];
			_cleanup_free_ char *host_text = NULL;
			size_t host_len;
			if (nstk_read_proc_file(j->member, "cgroup", &host_text, &host_len) == 0 &&
			    pick_cgroup_path(host_text, host_len, host, sizeof(host)) == 0)
				cgroup_root(host, json_string_value(json_object_get(answer, "path")), in);
		}
		json_decref(answer);
	}
	if (kinds & (1u << NSTK_NS_NET)) {
		resolve_peers(jobs, info);
		read_netnsids(jobs, info);
	}
out:
	free(text);
	for (size_t i = 0; i < n_jobs; i++) {
		if (jobs[i].nsfd >= 0)
			close(jobs[i].nsfd);
		free(jobs[i].links);
		free(jobs[i].peer_job);
	}
	free(jobs);
	return r;
}
