/*
 * netlink.c — rtnetlink requests and pure parsers of their answers.
 *
 * Each request is one message with NLM_F_DUMP (or a single answer for
 * RTM_GETNSID), read until NLMSG_DONE. Attribute walks check every length
 * against the message, so a short or hostile message is -EINVAL, never an
 * overrun: the parsers are what the fuzzer feeds.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_link.h>
#include <linux/net_namespace.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nstk/netlink.h"
#include "nstk/util.h"

/* Copy a string attribute into a fixed buffer, always NUL-terminated. */
static void copy_attr_string(char *dst, size_t size, const struct rtattr *a)
{
	size_t len = RTA_PAYLOAD(a);
	const char *s = RTA_DATA(a);
	size_t n = strnlen(s, len);
	if (n >= size)
		n = size - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static int attr_u32(const struct rtattr *a, uint32_t *v)
{
	if (RTA_PAYLOAD(a) < sizeof(uint32_t))
		return -EINVAL;
	memcpy(v, RTA_DATA(a), sizeof(*v));
	return 0;
}

static void parse_linkinfo(const struct rtattr *info, struct nstk_netif *out)
{
	int len = (int)RTA_PAYLOAD(info);
	for (const struct rtattr *a = RTA_DATA(info); RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == IFLA_INFO_KIND)
			copy_attr_string(out->kind, sizeof(out->kind), a);
}

int nstk_nl_parse_link(const void *msg, size_t len, struct nstk_netif *out)
{
	const struct nlmsghdr *h = msg;
	if (len < NLMSG_LENGTH(sizeof(struct ifinfomsg)) || h->nlmsg_len > len ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
		return -EINVAL;
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	struct nstk_netif l = { .ifindex = ifi->ifi_index, .flags = ifi->ifi_flags,
				.link_netnsid = NSTK_NETNSID_NONE };
	int alen = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*ifi)));
	for (const struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
		uint32_t v;
		switch (a->rta_type) {
		case IFLA_IFNAME:
			copy_attr_string(l.name, sizeof(l.name), a);
			break;
		case IFLA_LINK:
			if (attr_u32(a, &v) == 0)
				l.link_ifindex = (int)v;
			break;
		case IFLA_LINK_NETNSID:
			if (attr_u32(a, &v) == 0)
				l.link_netnsid = (int)v;
			break;
		case IFLA_MASTER:
			if (attr_u32(a, &v) == 0)
				l.master_ifindex = (int)v;
			break;
		case IFLA_LINKINFO:
			parse_linkinfo(a, &l);
			break;
		}
	}
	/* A device with no peer reports IFLA_LINK = its own index. */
	if (l.link_ifindex == l.ifindex && l.link_netnsid == NSTK_NETNSID_NONE)
		l.link_ifindex = 0;
	*out = l;
	return 0;
}

int nstk_nl_parse_addr(const void *msg, size_t len, struct nstk_netaddr *out)
{
	const struct nlmsghdr *h = msg;
	if (len < NLMSG_LENGTH(sizeof(struct ifaddrmsg)) || h->nlmsg_len > len ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifaddrmsg)))
		return -EINVAL;
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return -EINVAL;
	struct nstk_netaddr ad = { .ifindex = (int)ifa->ifa_index, .family = ifa->ifa_family,
				   .prefixlen = ifa->ifa_prefixlen };
	size_t want = ifa->ifa_family == AF_INET ? 4 : 16;
	const void *local = NULL, *address = NULL;
	int alen = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*ifa)));
	for (const struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
		if (RTA_PAYLOAD(a) < want)
			continue;
		if (a->rta_type == IFA_LOCAL)
			local = RTA_DATA(a);
		else if (a->rta_type == IFA_ADDRESS)
			address = RTA_DATA(a);
	}
	/* On point-to-point links IFA_ADDRESS is the peer: IFA_LOCAL is ours. */
	const void *ours = local ? local : address;
	if (!ours || !inet_ntop(ad.family, ours, ad.text, sizeof(ad.text)))
		return -EINVAL;
	*out = ad;
	return 0;
}

int nstk_nl_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	return fd < 0 ? -errno : fd;
}

static int send_request(int sock, void *req, size_t len)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	if (sendto(sock, req, len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;
	return 0;
}

typedef int (*nl_message_fn)(const struct nlmsghdr *h, void *ctx);

/* Read answers to seq until NLMSG_DONE (dumps) or one answer (requests). */
static int receive(int sock, uint32_t seq, bool dump, nl_message_fn fn, void *ctx)
{
	char buf[32768] __attribute__((aligned(NLMSG_ALIGNTO)));
	for (;;) {
		ssize_t n = recv(sock, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		int left = (int)n;
		for (const struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);
				if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
					return -EPROTO;
				return e->error;
			}
			int r = fn(h, ctx);
			if (r < 0)
				return r;
			if (!dump)
				return 0;
		}
	}
}

struct collect {
	void **array;
	size_t *n, cap, elem;
	int (*parse)(const void *msg, size_t len, void *out);
};

static int collect_one(const struct nlmsghdr *h, void *ctx)
{
	struct collect *c = ctx;
	if (nstk_grow(c->array, &c->cap, *c->n, c->elem) < 0)
		return -ENOMEM;
	if (c->parse(h, h->nlmsg_len, (char *)*c->array + *c->n * c->elem) == 0)
		(*c->n)++;
	return 0;
}

static int dump(int sock, uint16_t type, size_t hdr_size, void **array, size_t *n, size_t elem,
		int (*parse)(const void *, size_t, void *))
{
	static uint32_t seq;
	struct {
		struct nlmsghdr h;
		char body[sizeof(struct ifinfomsg)];
	} req = { 0 };
	req.h.nlmsg_len = NLMSG_LENGTH(hdr_size);
	req.h.nlmsg_type = type;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.h.nlmsg_seq = ++seq;
	int r = send_request(sock, &req, req.h.nlmsg_len);
	if (r < 0)
		return r;
	*array = NULL;
	*n = 0;
	struct collect c = { .array = array, .n = n, .elem = elem, .parse = parse };
	r = receive(sock, req.h.nlmsg_seq, true, collect_one, &c);
	if (r < 0) {
		free(*array);
		*array = NULL;
		*n = 0;
	}
	return r;
}

static int parse_link(const void *msg, size_t len, void *out)
{
	return nstk_nl_parse_link(msg, len, out);
}

static int parse_addr(const void *msg, size_t len, void *out)
{
	return nstk_nl_parse_addr(msg, len, out);
}

int nstk_nl_dump_links(int sock, struct nstk_netif **out, size_t *n)
{
	return dump(sock, RTM_GETLINK, sizeof(struct ifinfomsg), (void **)out, n, sizeof(**out),
		    parse_link);
}

int nstk_nl_dump_addrs(int sock, struct nstk_netaddr **out, size_t *n)
{
	return dump(sock, RTM_GETADDR, sizeof(struct ifaddrmsg), (void **)out, n, sizeof(**out),
		    parse_addr);
}

static int read_nsid(const struct nlmsghdr *h, void *ctx)
{
	if (h->nlmsg_type != RTM_NEWNSID || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct rtgenmsg)))
		return -EPROTO;
	int len = (int)(h->nlmsg_len - NLMSG_LENGTH(NLMSG_ALIGN(sizeof(struct rtgenmsg))));
	const struct rtattr *a = (const void *)((const char *)NLMSG_DATA(h) +
						 NLMSG_ALIGN(sizeof(struct rtgenmsg)));
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		uint32_t v;
		if (a->rta_type == NETNSA_NSID && attr_u32(a, &v) == 0) {
			*(int *)ctx = (int)v;
			return 0;
		}
	}
	return 0;
}

int nstk_nl_get_nsid(int sock, int nsfd, int *nsid)
{
	static uint32_t seq = 1u << 30;
	struct {
		struct nlmsghdr h;
		struct rtgenmsg g;
		char pad[NLMSG_ALIGN(sizeof(struct rtgenmsg)) - sizeof(struct rtgenmsg)];
		struct rtattr a;
		uint32_t fd;
	} req = { 0 };
	req.h.nlmsg_len = sizeof(req);
	req.h.nlmsg_type = RTM_GETNSID;
	req.h.nlmsg_flags = NLM_F_REQUEST;
	req.h.nlmsg_seq = ++seq;
	req.g.rtgen_family = AF_UNSPEC;
	req.a.rta_type = NETNSA_FD;
	req.a.rta_len = RTA_LENGTH(sizeof(uint32_t));
	req.fd = (uint32_t)nsfd;
	int r = send_request(sock, &req, sizeof(req));
	if (r < 0)
		return r;
	int id = NSTK_NETNSID_NONE;
	r = receive(sock, req.h.nlmsg_seq, false, read_nsid, &id);
	if (r < 0)
		return r;
	/* The kernel sends NETNSA_NSID_NOT_ASSIGNED (-1) when there is none. */
	*nsid = id < 0 ? NSTK_NETNSID_NONE : id;
	return 0;
}
