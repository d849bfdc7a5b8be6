/*
 * test_netlink.c — the pure rtnetlink parsers, on messages built here the
 * way the kernel lays them out: a veth with its peer in another namespace,
 * an enslaved port, addresses, and truncated or lying lengths.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nstk/netlink.h"

struct msg {
	char buf[1024] __attribute__((aligned(NLMSG_ALIGNTO)));
	size_t len;
};

static struct rtattr *add_attr(struct msg *m, unsigned short type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)(m->buf + NLMSG_ALIGN(m->len));
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (data)
		memcpy(RTA_DATA(a), data, len);
	m->len = NLMSG_ALIGN(m->len) + RTA_ALIGN(a->rta_len);
	((struct nlmsghdr *)m->buf)->nlmsg_len = (uint32_t)m->len;
	return a;
}

static void start(struct msg *m, unsigned short type, size_t body)
{
	memset(m, 0, sizeof(*m));
	struct nlmsghdr *h = (struct nlmsghdr *)m->buf;
	h->nlmsg_type = type;
	m->len = NLMSG_LENGTH(body);
	h->nlmsg_len = (uint32_t)m->len;
}

static void veth_with_peer_elsewhere(void **state)
{
	(void)state;
	struct msg m;
	start(&m, RTM_NEWLINK, sizeof(struct ifinfomsg));
	struct ifinfomsg *ifi = NLMSG_DATA((struct nlmsghdr *)m.buf);
	ifi->ifi_index = 7;
	ifi->ifi_flags = 1;
	add_attr(&m, IFLA_IFNAME, "veth0", 6);
	uint32_t link = 2, nsid = 3, master = 5;
	add_attr(&m, IFLA_LINK, &link, 4);
	add_attr(&m, IFLA_LINK_NETNSID, &nsid, 4);
	add_attr(&m, IFLA_MASTER, &master, 4);
	/* IFLA_LINKINFO nests IFLA_INFO_KIND. */
	struct rtattr *info = add_attr(&m, IFLA_LINKINFO, NULL, RTA_LENGTH(5));
	struct rtattr *kind = RTA_DATA(info);
	kind->rta_type = IFLA_INFO_KIND;
	kind->rta_len = RTA_LENGTH(5);
	memcpy(RTA_DATA(kind), "veth", 5);

	struct nstk_netif l;
	assert_int_equal(nstk_nl_parse_link(m.buf, m.len, &l), 0);
	assert_int_equal(l.ifindex, 7);
	assert_string_equal(l.name, "veth0");
	assert_string_equal(l.kind, "veth");
	assert_int_equal(l.link_ifindex, 2);
	assert_int_equal(l.link_netnsid, 3);
	assert_int_equal(l.master_ifindex, 5);
	assert_int_equal(l.flags, 1);
}

static void device_without_peer_and_overlong_name(void **state)
{
	(void)state;
	struct msg m;
	start(&m, RTM_NEWLINK, sizeof(struct ifinfomsg));
	struct ifinfomsg *ifi = NLMSG_DATA((struct nlmsghdr *)m.buf);
	ifi->ifi_index = 4;
	/* Not NUL-terminated and longer than IFNAMSIZ: cut, never overrun. */
	add_attr(&m, IFLA_IFNAME, "abcdefghijklmnopqrstuvwxyz", 26);
	uint32_t self = 4;
	add_attr(&m, IFLA_LINK, &self, 4);
	struct nstk_netif l;
	assert_int_equal(nstk_nl_parse_link(m.buf, m.len, &l), 0);
	assert_int_equal(strlen(l.name), IF_NAMESIZE - 1);
	assert_int_equal(l.link_ifindex, 0);
	assert_int_equal(l.link_netnsid, NSTK_NETNSID_NONE);
	assert_string_equal(l.kind, "");
}

static void lying_lengths_are_rejected(void **state)
{
	(void)state;
	struct msg m;
	start(&m, RTM_NEWLINK, sizeof(struct ifinfomsg));
	struct nstk_netif l;
	assert_int_equal(nstk_nl_parse_link(m.buf, 8, &l), -EINVAL);
	((struct nlmsghdr *)m.buf)->nlmsg_len = 4000;
	assert_int_equal(nstk_nl_parse_link(m.buf, m.len, &l), -EINVAL);
	/* An attribute claiming more than the message holds is skipped. */
	start(&m, RTM_NEWLINK, sizeof(struct ifinfomsg));
	struct rtattr *a = add_attr(&m, IFLA_IFNAME, "x", 2);
	a->rta_len = 200;
	assert_int_equal(nstk_nl_parse_link(m.buf, m.len, &l), 0);
	assert_string_equal(l.name, "");
}

static void addresses_prefer_local(void **state)
{
	(void)state;
	struct msg m;
	start(&m, RTM_NEWADDR, sizeof(struct ifaddrmsg));
	struct ifaddrmsg *ifa = NLMSG_DATA((struct nlmsghdr *)m.buf);
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = 24;
	ifa->ifa_index = 3;
	uint8_t peer[4] = { 10, 0, 0, 1 }, local[4] = { 10, 0, 0, 2 };
	add_attr(&m, IFA_ADDRESS, peer, 4);
	add_attr(&m, IFA_LOCAL, local, 4);
	struct nstk_netaddr a;
	assert_int_equal(nstk_nl_parse_addr(m.buf, m.len, &a), 0);
	assert_string_equal(a.text, "10.0.0.2");
	assert_int_equal(a.prefixlen, 24);
	assert_int_equal(a.ifindex, 3);

	start(&m, RTM_NEWADDR, sizeof(struct ifaddrmsg));
	ifa = NLMSG_DATA((struct nlmsghdr *)m.buf);
	ifa->ifa_family = AF_INET6;
	ifa->ifa_prefixlen = 64;
	struct in6_addr six;
	inet_pton(AF_INET6, "fd00::2", &six);
	add_attr(&m, IFA_ADDRESS, &six, 16);
	assert_int_equal(nstk_nl_parse_addr(m.buf, m.len, &a), 0);
	assert_string_equal(a.text, "fd00::2");

	/* An IPv6 family with a 4-byte address carries no usable address. */
	start(&m, RTM_NEWADDR, sizeof(struct ifaddrmsg));
	ifa = NLMSG_DATA((struct nlmsghdr *)m.buf);
	ifa->ifa_family = AF_INET6;
	add_attr(&m, IFA_ADDRESS, local, 4);
	assert_int_equal(nstk_nl_parse_addr(m.buf, m.len, &a), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(veth_with_peer_elsewhere),
		cmocka_unit_test(device_without_peer_and_overlong_name),
		cmocka_unit_test(lying_lengths_are_rejected),
		cmocka_unit_test(addresses_prefer_local),
	};
	return cmocka_run_group_tests_name("netlink", tests, NULL, NULL);
}
