/*
 * netlink.h — the little rtnetlink nstk needs to describe a network
 * namespace from inside it: its links (name, kind, veth peer, bridge), their
 * addresses, and the ids it gives other network namespaces (RTM_GETNSID).
 *
 * Message parsing is pure (a netlink message in, a struct out) and fuzzed;
 * the socket calls are thin and return -errno.
 */
#ifndef NSTK_NETLINK_H
#define NSTK_NETLINK_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#define NSTK_NETNSID_NONE (-1) /* the kernel's NETNSA_NSID_NOT_ASSIGNED */

struct nstk_netif {
	int ifindex;
	char name[IF_NAMESIZE];
	char kind[16];	    /* IFLA_INFO_KIND: "veth", "bridge", ... ; "" for plain devices */
	int link_ifindex;   /* IFLA_LINK: a veth's peer ifindex; 0 if none */
	int link_netnsid;   /* IFLA_LINK_NETNSID: where the peer is; NSTK_NETNSID_NONE = here */
	int master_ifindex; /* IFLA_MASTER: the bridge it is enslaved to; 0 if none */
	unsigned flags;	    /* IFF_UP, ... */
};

struct nstk_netaddr {
	int ifindex;
	int family; /* AF_INET or AF_INET6 */
	unsigned prefixlen;
	char text[48]; /* "10.0.0.2" or "fe80::1" */
};

/* Parse one RTM_NEWLINK / RTM_NEWADDR message of len bytes. 0 or -EINVAL. */
int nstk_nl_parse_link(const void *msg, size_t len, struct nstk_netif *out);
int nstk_nl_parse_addr(const void *msg, size_t len, struct nstk_netaddr *out);

/* A NETLINK_ROUTE socket in the caller's current network namespace. */
int nstk_nl_open(void);

/*
 * Dump all links, or all addresses, of the socket's namespace into a
 * malloc'd array. Returns 0 or -errno.
 */
int nstk_nl_dump_links(int sock, struct nstk_netif **out, size_t *n);
int nstk_nl_dump_addrs(int sock, struct nstk_netaddr **out, size_t *n);

/*
 * The id the socket's namespace gives the namespace behind nsfd
 * (RTM_GETNSID); NSTK_NETNSID_NONE when it has none. Returns 0 or -errno.
 */
int nstk_nl_get_nsid(int sock, int nsfd, int *nsid);

#endif
