/*
 * netlink-test.c: bridges, taps, macvtaps, veths, addresses, routes and
 * sysctls against the kernel, in a network namespace of the test's own
 *
 * The process unshares a network and a mount namespace (plus a user
 * namespace when not root) before g_test_init(), mounts a sysfs of that
 * namespace, and checks everything through netlink dumps and `ip` output.
 * The namespace goes away with the process. Not able to enter one: every
 * case skips, or fails when CI=true.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE /* unshare() */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "net/bridge.h"
#include "net/netlink.h"
#include "net/sysctl.h"
#include "net/tap.h"
#include "util/error.h"
#include "util/file.h"

static bool in_netns;
static bool as_root;
static char *skip_reason;
static char *snapshot_start;

static bool
write_text(const char *path, const char *text)
{
    autoclose int fd = open(path, O_WRONLY | O_CLOEXEC);
    size_t len = strlen(text);

    return fd >= 0 && write(fd, text, len) == (ssize_t)len;
}

/* STYLE.md §10: a network namespace (and a private mount namespace for a
 * sysfs that shows it); a user namespace too when not root. */
static bool
test_enter_netns(void)
{
    uid_t uid = geteuid(); /* read before unshare: afterwards it is unmapped */
    gid_t gid = getegid();
    int flags = CLONE_NEWNET | CLONE_NEWNS | (uid != 0 ? CLONE_NEWUSER : 0);

    if (unshare(flags) < 0) {
        skip_reason = g_strdup_printf("cannot unshare namespaces: %s", g_strerror(errno));
        return false;
    }
    if (uid != 0) {
        g_autofree char *umap = g_strdup_printf("0 %u 1", (unsigned)uid);
        g_autofree char *gmap = g_strdup_printf("0 %u 1", (unsigned)gid);

        if (!write_text("/proc/self/uid_map", umap) ||
            !write_text("/proc/self/setgroups", "deny") ||
            !write_text("/proc/self/gid_map", gmap)) {
            skip_reason = g_strdup_printf("cannot map ids: %s", g_strerror(errno));
            return false;
        }
    }
    if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0 ||
        mount("sysfs", "/sys", "sysfs", 0, NULL) < 0) {
        skip_reason = g_strdup_printf("cannot mount a private sysfs: %s", g_strerror(errno));
        return false;
    }
    as_root = uid == 0;
    return true;
}

/* A skip is a failure under CI=true (./check counts skips). */
static void
skip_or_fail(const char *reason)
{
    if (g_strcmp0(g_getenv("CI"), "true") == 0)
        g_error("CI=true, cannot run: %s", reason);
    g_test_skip(reason);
}

static bool
need_netns(void)
{
    if (in_netns)
        return true;
    skip_or_fail(skip_reason);
    return false;
}

static Netlink *
open_nl(void)
{
    g_autoptr(GError) err = NULL;
    Netlink *nl = netlink_open(&err);

    g_assert_no_error(err);
    g_assert_nonnull(nl);
    return nl;
}

static char *
run(const char *cmdline)
{
    g_autoptr(GError) err = NULL;
    g_auto(GStrv) argv = NULL;
    g_autofree char *out = NULL;
    g_autofree char *errout = NULL;
    int status;

    g_assert_true(g_shell_parse_argv(cmdline, NULL, &argv, &err));
    g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &errout,
                               &status, &err));
    g_assert_no_error(err);
    if (!g_spawn_check_wait_status(status, NULL))
        g_error("'%s' failed: %s", cmdline, errout);
    return g_steal_pointer(&out);
}

static char *
snapshot(void)
{
    g_autofree char *links = run("ip -d link");
    g_autofree char *addrs = run("ip addr");
    g_autofree char *routes4 = run("ip -4 route show table all");
    g_autofree char *routes6 = run("ip -6 route show table all");

    return g_strconcat(links, addrs, routes4, routes6, NULL);
}

static void
assert_contains(const char *haystack, const char *needle)
{
    if (!strstr(haystack, needle))
        g_error("'%s' not found in:\n%s", needle, haystack);
}

static MacAddr
mac(const char *text)
{
    MacAddr m;

    g_assert_true(mac_parse(text, &m));
    return m;
}

static LinkInfo *
lookup(Netlink *nl, const char *name)
{
    g_autoptr(GError) err = NULL;
    LinkInfo *info = netlink_link_lookup(nl, name, &err);

    g_assert_no_error(err);
    return info;
}

static void
assert_absent(Netlink *nl, const char *name)
{
    g_autoptr(GError) err = NULL;
    bool exists = true;

    g_assert_true(netlink_link_exists(nl, name, &exists, &err));
    g_assert_no_error(err);
    g_assert_false(exists);
}

/* ---- message building (no privileges needed) ---- */

static const struct nlattr *
attr_next(const struct nlattr *a, size_t *remaining)
{
    size_t step = NLA_ALIGN(a->nla_len);

    if (step >= *remaining)
        return NULL;
    *remaining -= step;
    return (const struct nlattr *)((const char *)a + step);
}

static const struct nlattr *
attr_find(const void *start, size_t len, int type, const struct nlattr **ret_after)
{
    const struct nlattr *a = start;
    size_t remaining = len;

    for (; a; a = attr_next(a, &remaining)) {
        if ((a->nla_type & NLA_TYPE_MASK) == type) {
            if (ret_after)
                *ret_after = attr_next(a, &remaining);
            return a;
        }
    }
    return NULL;
}

#define ATTR_DATA(a) ((const void *)((const char *)(a) + NLA_HDRLEN))
#define ATTR_LEN(a) ((size_t)(a)->nla_len - NLA_HDRLEN)

static void
test_bridge_msg(void)
{
    MacAddr m = mac("52:54:00:0a:0b:0c");
    g_autoptr(NetlinkMsg) msg = bridge_create_msg("vnbr7", &m, true, 1500);
    size_t len;
    const struct nlmsghdr *hdr = netlink_msg_bytes(msg, &len);
    const void *attrs = (const char *)hdr + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct ifinfomsg));
    size_t attrs_len = hdr->nlmsg_len - NLMSG_HDRLEN - NLMSG_ALIGN(sizeof(struct ifinfomsg));
    const struct nlattr *a, *info, *kind, *data, *first, *second, *after = NULL;

    g_assert_cmpuint(len, ==, hdr->nlmsg_len);
    g_assert_cmpint(hdr->nlmsg_type, ==, RTM_NEWLINK);
    g_assert_cmphex(hdr->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL), ==, NLM_F_CREATE | NLM_F_EXCL);
    a = attr_find(attrs, attrs_len, IFLA_IFNAME, NULL);
    g_assert_nonnull(a);
    g_assert_cmpstr(ATTR_DATA(a), ==, "vnbr7");
    a = attr_find(attrs, attrs_len, IFLA_ADDRESS, NULL);
    g_assert_nonnull(a);
    g_assert_cmpmem(ATTR_DATA(a), ATTR_LEN(a), m.addr, MAC_LEN);
    g_assert_null(attr_find(attrs, attrs_len, IFLA_MTU, NULL));
    info = attr_find(attrs, attrs_len, IFLA_LINKINFO, NULL);
    g_assert_nonnull(info);
    kind = attr_find(ATTR_DATA(info), ATTR_LEN(info), IFLA_INFO_KIND, NULL);
    g_assert_nonnull(kind);
    g_assert_cmpstr(ATTR_DATA(kind), ==, "bridge");
    data = attr_find(ATTR_DATA(info), ATTR_LEN(info), IFLA_INFO_DATA, NULL);
    g_assert_nonnull(data);
    /* The delay comes first, in centiseconds, then STP. */
    first = ATTR_DATA(data);
    g_assert_cmpint(first->nla_type, ==, IFLA_BR_FORWARD_DELAY);
    g_assert_cmpuint(*(const uint32_t *)ATTR_DATA(first), ==, 150);
    second = attr_find(ATTR_DATA(data), ATTR_LEN(data), IFLA_BR_STP_STATE, &after);
    if (!second)
        g_error("no IFLA_BR_STP_STATE");
    g_assert_true(second != first);
    g_assert_cmpuint(*(const uint32_t *)ATTR_DATA(second), ==, 1);
    g_assert_null(after);
}

static void
test_macvtap_modes(void)
{
    for (int i = 0; i < MACVTAP_MODE_LAST; i++) {
        const char *name = macvtap_mode_to_string(i);

        g_assert_nonnull(name);
        g_assert_cmpint(macvtap_mode_from_string(name), ==, i);
    }
    g_assert_null(macvtap_mode_to_string(MACVTAP_MODE_LAST));
    g_assert_cmpint(macvtap_mode_from_string("nat"), ==, -1);
}

/* ---- bridges ---- */

typedef struct BridgeCase {
    const char *name;
    const char *mac; /* NULL: none given */
    unsigned mtu;
    bool stp;
    unsigned delay_ms;
} BridgeCase;

static const BridgeCase bridge_cases[] = {
    /* libvirt's default network: <bridge stp='on' delay='0'/> */
    { "vnbr-default", "52:54:00:aa:00:01", 0, true, 0 },
    { "vnbr-nat", "52:54:00:aa:00:02", 1400, false, 0 },
    { "vnbr-jumbo", "52:54:00:aa:00:03", 9000, true, 2000 },
    { "vnbr-random", NULL, 0, false, 15000 },
    { "vnbr-slow", "52:54:00:aa:00:05", 1500, true, 30000 },
    { "vnbr-fast", "52:54:00:aa:00:06", 0, true, 1000 },
};

/* Starting STP raises the forward delay to the kernel's 2 s minimum
 * (br_stp_start()), as it does for libvirt: the point of sending the delay
 * before STP is that the request is not refused. */
static unsigned
expected_delay_cs(const BridgeCase *c)
{
    return c->stp && c->delay_ms < 2000 ? 200 : c->delay_ms / 10;
}

static void
test_bridge_create(gconstpointer data)
{
    const BridgeCase *c = data;
    g_autoptr(Netlink) nl = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(LinkInfo) info = NULL;
    g_autofree char *cmd = NULL;
    g_autofree char *out = NULL;
    g_autofree char *expect = NULL;
    MacAddr m;
    char text[MAC_STRING_LEN];

    if (!need_netns())
        return;
    nl = open_nl();
    if (c->mac)
        m = mac(c->mac);
    g_assert_true(
        bridge_create(nl, c->name, c->mac ? &m : NULL, c->mtu, c->stp, c->delay_ms, &err));
    g_assert_no_error(err);
    info = lookup(nl, c->name);
    g_assert_nonnull(info);
    g_assert_cmpstr(info->kind, ==, "bridge");
    g_assert_cmpuint(info->mtu, ==, c->mtu ? c->mtu : 1500);
    g_assert_cmpint(info->bridge_stp_state, ==, c->stp ? 1 : 0);
    g_assert_cmpint(info->bridge_forward_delay_cs, ==, (int)expected_delay_cs(c));
    g_assert_cmpint(info->master, ==, 0);
    g_assert_false(info->flags & IFF_UP);
    g_assert_true(info->has_mac);
    if (c->mac)
        g_assert_true(mac_equal(&info->mac, &m));

    /* Cross-check with iproute2. */
    cmd = g_strdup_printf("ip -d link show %s", c->name);
    out = run(cmd);
    mac_format(&info->mac, text);
    expect = g_strdup_printf("link/ether %s ", text);
    assert_contains(out, expect);
    g_free(expect);
    expect = g_strdup_printf(" mtu %u ", info->mtu);
    assert_contains(out, expect);
    g_free(expect);
    expect = g_strdup_printf("forward_delay %u ", expected_delay_cs(c));
    assert_contains(out, expect);
    g_free(expect);
    expect = g_strdup_printf(" stp_state %d ", c->stp ? 1 : 0);
    assert_contains(out, expect);

    g_assert_true(bridge_delete(nl, c->name, &err));
    g_assert_no_error(err);
    assert_absent(nl, c->name);
}

static void
test_bridge_conflicts(void)
{
    g_autoptr(Netlink) nl = NULL;
    g_autoptr(GError) err = NULL;
    MacAddr m = mac("52:54:00:aa:01:01");

    if (!need_netns())
        return;
    nl = open_nl();
    g_assert_true(bridge_create(nl, "vnbr0", &m, 0, false, 0, &err));
    g_assert_no_error(err);

    g_assert_false(bridge_create(nl, "vnbr0", &m, 0, false, 0, &err));
    g_assert_error(err, NET_ERROR, VIR_ERR_OPERATION_FAILED);
    g_assert_cmpstr(err->message, ==, "bridge 'vnbr0' already exists");
    g_clear_error(&err);

    g_assert_true(veth_create(nl, "vnx0", "vnx1", -1, &err));
    g_assert_no_error(err);
    g_assert_false(bridge_create(nl, "vnx0", NULL, 0, false, 0, &err));
    g_assert_error(err, NET_ERROR, VIR_ERR_OPERATION_FAILED);
    g_assert_cmpstr(err->message, ==, "interface 'vnx0' already exists");
    g_clear_error(&err);
    g_assert_false(bridge_delete(nl, "vnx0", &err));
    g_assert_error(err, NET_ERROR, VIR_ERR_OPERATION_FAILED);
    g_clear_error(&err);
    g_assert_true(veth_create(nl, "vnx2", "vnx3", -1, &err));
    g_assert_false(veth_create(nl, "vnx2", "vnx4", -1, &err));
    g_assert_error(err, NET_ERROR, VIR_ERR_OPERATION_FAILED);
    g_assert_cmpstr(err->message, ==, "interface 'vnx2' already exists");
    g_clear_error(&err);

    g_assert_false(bridge_create(nl, "a-much-too-long-name", NULL, 0, false, 0, &err));
    g_assert_error(err, NET_ERROR, VIR_ERR_INVALID_ARG);
    g_clear_error(&err);

    /* The kernel's own words reach the message (extack), and the half
     * made bridge is gone. */
    g_assert_false(bridge_create(nl, "vnbr-big", NULL, 70000, false, 0, &err));
    g_assert_error(err, NET_ERROR, VIR_ERR_SYSTEM_ERROR);
    g_assert_true(g_str_has_prefix(err->message, "cannot set MTU 70000 on 'vnbr-big': "));
    assert_contains(err->message, "(kernel: ");
    g_clear_error(&err);
    assert_absent(nl, "vnbr-big");

    g_assert_false(bridge_delete(nl, "vnbr-none", &err));
    g_assert_error(err, NET_ERROR, VIR_ERR_OPERATION_FAILED);
    g_assert_cmpstr(err->message, ==, "bridge 'vnbr-none' does not exist");
    g_clear_error(&err);
    g_assert_false(netlink_link_set_up(nl, "vnbr-none", &err));
    g_assert_error(err, NET_ERROR, VIR_ERR_SYSTEM_ERROR);
    g_assert_cmpstr(err->message, ==, "cannot bring up 'vnbr-none': No such device");
    g_clear_error(&err);

    g_assert_true(netlink_link_delete(nl, "vnx0", &err));
    g_assert_true(netlink_link_delete(nl, "vnx2", &err));
    g_assert_true(bridge_delete(nl, "vnbr0", &err));
    g_assert_no_error(err);
    assert_absent(nl, "vnx1");
}

/* ---- addresses ---- */

static const AddrInfo *
find_addr(GPtrArray *list, const char *address)
{
    for (guint i = 0; i < list->len; i++) {
        const AddrInfo *a = list->pdata[i];

        if (g_str_equal(a->address, address))
            return a;
    }
    return NULL;
}

static const AddrInfo *
get_addr(GPtrArray *list, const char *address)
{
    const AddrInfo *a = find_addr(list, address);

    if (!a)
        g_error("address %s not listed", address);
    return a;
}

static void
test_addresses(void)
{
    g_autoptr(Netlink) nl = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(GPtrArray) list = NULL;
    g_autoptr(LinkInfo) br = NULL;
    g_autofree char *out = NULL;
    const AddrInfo *a;
    MacAddr m = mac("52:54:00:aa:02:01");

    if (!need_netns())
        return;
    nl = open_nl();
    g_assert_true(bridge_create(nl, "vnbr0", &m, 0, false, 0, &err));
    g_assert_true(netlink_link_set_up(nl, "vnbr0", &err));
    g_assert_no_error(err);
    br = lookup(nl, "vnbr0");
    g_assert_true(br->flags & IFF_UP);

    g_assert_true(netlink_addr_add(nl, "vnbr0", "192.168.150.1", 24, false, &err));
    g_assert_no_error(err);
    g_assert_true(netlink_addr_add(nl, "vnbr0", "fd00:150::1", 64, true, &err));
    g_assert_no_error(err);
    g_assert_false(netlink_addr_add(nl, "vnbr0", "192.168.150.1", 24, false, &err));
    g_assert_error(err, NET_ERROR, VIR_ERR_OPERATION_FAILED);
    g_assert_cmpstr(err->message, ==, "address 192.168.150.1/24 already exists on 'vnbr0'");
    g_clear_error(&err);
    g_assert_false(netlink_addr_add(nl, "vnbr0", "192.168.150.300", 24, false, &err));
    g_assert_error(err, NET_ERROR, VIR_ERR_INVALID_ARG);
    g_clear_error(&err);
    g_assert_false(netlink_addr_add(nl, "vnbr-none", "192.168.1.1", 24, false, &err));
    g_assert_error(err, NET_ERROR, VIR_ERR_OPERATION_FAILED);
    g_clear_error(&err);

    list = netlink_addr_list(nl, "vnbr0", &err);
    g_assert_no_error(err);
    a = get_addr(list, "192.168.150.1");
    g_assert_cmpint(a->family, ==, AF_INET);
    g_assert_cmpuint(a->prefix, ==, 24);
    g_assert_cmpint(a->ifindex, ==, br->ifindex);
    a = get_addr(list, "fd00:150::1");
    g_assert_cmpint(a->family, ==, AF_INET6);
    g_assert_cmpuint(a->prefix, ==, 64);
    g_assert_true(a->flags & IFA_F_NODAD);
    g_clear_pointer(&list, g_ptr_array_unref);
    /* All links: lo has none in a new namespace (it is down). */
    list = netlink_addr_list(nl, NULL, &err);
    g_assert_no_error(err);
    g_assert_nonnull(find_addr(list, "192.168.150.1"));
    g_clear_pointer(&list, g_ptr_array_unref);

    out = run("ip addr show vnbr0");
    assert_contains(out, "inet 192.168.150.1/24 brd 192.168.150.255 scope global vnbr0");
    assert_contains(out, "inet6 fd00:150::1/64 scope global nodad");

    g_assert_true(netlink_addr_del(nl, "vnbr0", "192.168.150.1", 24, &err));
    g_assert_true(netlink_addr_del(nl, "vnbr0", "fd00:150::1", 64, &err));
    g_assert_no_error(err);
    g_assert_false(netlink_addr_del(nl, "vnbr0", "192.168.150.1", 24, &err));
    g_assert_error(err, NET_ERROR, VIR_ERR_SYSTEM_ERROR);
    g_clear_error(&err);
    list = netlink_addr_list(nl, "vnbr0", &err);
    g_assert_no_error(err);
    g_assert_null(find_addr(list, "192.168.150.1"));
    g_assert_null(find_addr(list, "fd00:150::1"));

    g_assert_true(bridge_delete(nl, "vnbr0", &err));
    g_assert_no_error(err);
}

/* ---- routes ---- */

static const RouteInfo *
find_route(GPtrArray *list, int family, const char *dest, unsigned prefix)
{
    for (guint i = 0; i < list->len; i++) {
        const RouteInfo *r = list->pdata[i];

        if (r->family == family && g_str_equal(r->dest, dest) && r->prefix == prefix)
            return r;
    }
    return NULL;
}

static const RouteInfo *
get_route(GPtrArray *list, int family, const char *dest, unsigned prefix)
{
    const RouteInfo *r = find_route(list, family, dest, prefix);

    if (!r)
        g_error("route to %s/%u not listed", dest, prefix);
    return r;
}

static void
test_routes(void)
{
    g_autoptr(Netlink) nl = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(GPtrArray) list = NULL;
    g_autoptr(LinkInfo) br = NULL;
    const RouteInfo *r;
    MacAddr m = mac("52:54:00:aa:03:01");

    if (!need_netns())
        return;
    nl = open_nl();
    g_assert_true(bridge_create(nl, "vnbr0", &m, 0, false, 0, &err));
    g_assert_true(netlink_link_set_up(nl, "vnbr0", &err));
    g_assert_true(netlink_addr_add(nl, "vnbr0", "192.168.151.1", 24, false, &err));
    g_assert_true(netlink_addr_add(nl, "vnbr0", "fd00:151::1", 64, true, &err));
    g_assert_no_error(err);
    br = lookup(nl, "vnbr0");

    g_assert_true(netlink_route_add(nl, "0.0.0.0", 0, "192.168.151.254", NULL, 0, &err));
    g_assert_no_error(err);
    g_assert_true(netlink_route_add(nl, "::", 0, "fd00:151::fe", "vnbr0", 0, &err));
    g_assert_no_error(err);
    g_assert_true(netlink_route_add(nl, "10.77.0.0", 16, "192.168.151.254", NULL, 5, &err));
    g_assert_no_error(err);
    g_assert_true(netlink_route_add(nl, "10.78.0.0", 24, NULL, "vnbr0", 0, &err));
    g_assert_no_error(err);
    g_assert_false(netlink_route_add(nl, "10.77.0.0", 16, "192.168.151.254", NULL, 5, &err));
    g_assert_error(err, NET_ERROR, VIR_ERR_SYSTEM_ERROR);
    g_assert_cmpstr(err->message, ==, "cannot add route to 10.77.0.0/16: File exists");
    g_clear_error(&err);
    g_assert_false(netlink_route_add(nl, "10.79.0.0", 16, "fd00::1", NULL, 0, &err));
    g_assert_error(err, NET_ERROR, VIR_ERR_INVALID_ARG);
    g_clear_error(&err);

    list = netlink_route_list(nl, &err);
    g_assert_no_error(err);
    r = get_route(list, AF_INET, "0.0.0.0", 0);
    g_assert_true(r->is_default);
    g_assert_cmpstr(r->gateway, ==, "192.168.151.254");
    g_assert_cmpint(r->oif, ==, br->ifindex);
    r = get_route(list, AF_INET6, "::", 0);
    g_assert_true(r->is_default);
    g_assert_cmpstr(r->gateway, ==, "fd00:151::fe");
    r = get_route(list, AF_INET, "10.77.0.0", 16);
    g_assert_false(r->is_default);
    g_assert_cmpuint(r->metric, ==, 5);
    r = get_route(list, AF_INET, "10.78.0.0", 24);
    g_assert_null(r->gateway);
    g_assert_cmpint(r->oif, ==, br->ifindex);
    /* The subnet's own (kernel) route, and the IPv6 one. */
    r = get_route(list, AF_INET, "192.168.151.0", 24);
    g_assert_false(r->is_default);
    g_assert_nonnull(find_route(list, AF_INET6, "fd00:151::", 64));
    /* Local-table routes (the address itself) are not listed. */
    g_assert_null(find_route(list, AF_INET, "192.168.151.1", 32));
    g_clear_pointer(&list, g_ptr_array_unref);

    g_assert_true(netlink_route_del(nl, "10.77.0.0", 16, "192.168.151.254", NULL, 5, &err));
    g_assert_true(netlink_route_del(nl, "10.78.0.0", 24, NULL, "vnbr0", 0, &err));
    g_assert_true(netlink_route_del(nl, "0.0.0.0", 0, "192.168.151.254", NULL, 0, &err));
    g_assert_true(netlink_route_del(nl, "::", 0, "fd00:151::fe", "vnbr0", 0, &err));
    g_assert_no_error(err);
    g_assert_false(netlink_route_del(nl, "10.78.0.0", 24, NULL, "vnbr0", 0, &err));
    g_assert_error(err, NET_ERROR, VIR_ERR_SYSTEM_ERROR);
    g_clear_error(&err);
    list = netlink_route_list(nl, &err);
    g_assert_no_error(err);
    g_assert_null(find_route(list, AF_INET, "0.0.0.0", 0));
    g_assert_null(find_route(list, AF_INET6, "::", 0));
    g_assert_null(find_route(list, AF_INET, "10.77.0.0", 16));
    g_assert_null(find_route(list, AF_INET, "10.78.0.0", 24));

    g_assert_true(bridge_delete(nl, "vnbr0", &err));
    g_assert_no_error(err);
}

/* ---- taps ---- */

static void
test_tap(void)
{
    g_autoptr(Netlink) nl = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(LinkInfo) br = NULL;
    g_autoptr(LinkInfo) info = NULL;
    g_autofree char *name = NULL;
    g_autofree char *name2 = NULL;
    MacAddr brmac = mac("52:54:00:aa:04:01");
    MacAddr guest = mac("52:54:00:12:34:56");
    MacAddr expect = mac("fe:54:00:12:34:56");
    int fd = -1, fd2 = -1, fd3 = -1;

    if (!need_netns())
        return;
    if (access("/dev/net/tun", R_OK | W_OK) < 0) { /* often 0600: root only */
        skip_or_fail("/dev/net/tun is not accessible to this user");
        return;
    }
    nl = open_nl();
    g_assert_true(bridge_create(nl, "vnbr0", &brmac, 9000, false, 0, &err));
    g_assert_true(netlink_link_set_up(nl, "vnbr0", &err));
    g_assert_no_error(err);
    br = lookup(nl, "vnbr0");

    g_assert_true(tap_create(nl, NULL, &guest, 0, "vnbr0", &name, &fd, &err));
    g_assert_no_error(err);
    g_assert_cmpint(fd, >=, 0);
    g_assert_true(g_str_has_prefix(name, "vnet"));
    info = lookup(nl, name);
    g_assert_nonnull(info);
    g_assert_cmpstr(info->kind, ==, "tun");
    g_assert_true(mac_equal(&info->mac, &expect));
    g_assert_cmpint(info->master, ==, br->ifindex);
    g_assert_true(info->flags & IFF_UP);
    g_assert_cmpuint(info->mtu, ==, 1500);
    g_clear_pointer(&info, link_info_free);
    /* The bridge keeps its MAC and its MTU with a port of another MTU. */
    info = lookup(nl, "vnbr0");
    g_assert_true(mac_equal(&info->mac, &brmac));
    g_assert_cmpuint(info->mtu, ==, 9000);
    g_clear_pointer(&info, link_info_free);

    g_assert_true(tap_create(nl, "vntap-a", &guest, 1400, NULL, &name2, &fd2, &err));
    g_assert_no_error(err);
    g_assert_cmpstr(name2, ==, "vntap-a");
    info = lookup(nl, "vntap-a");
    g_assert_cmpint(info->master, ==, 0);
    g_assert_cmpuint(info->mtu, ==, 1400);
    g_clear_pointer(&info, link_info_free);
    g_assert_false(tap_create(nl, "vntap-a", &guest, 0, NULL, NULL, &fd3, &err));
    g_assert_error(err, NET_ERROR, VIR_ERR_OPERATION_FAILED);
    g_assert_cmpstr(err->message, ==, "tap 'vntap-a' already exists");
    g_clear_error(&err);
    g_assert_false(tap_create(nl, "vntap-b", &guest, 0, "vnbr-none", NULL, &fd3, &err));
    g_assert_error(err, NET_ERROR, VIR_ERR_OPERATION_FAILED);
    g_clear_error(&err);
    assert_absent(nl, "vntap-b"); /* undone */
    g_assert_false(tap_delete(nl, "vnbr0", &err));
    g_assert_error(err, NET_ERROR, VIR_ERR_OPERATION_FAILED);
    g_clear_error(&err);

    /* Release and enslave again. */
    g_assert_true(netlink_link_release(nl, name, &err));
    g_assert_no_error(err);
    info = lookup(nl, name);
    g_assert_cmpint(info->master, ==, 0);
    g_clear_pointer(&info, link_info_free);
    g_assert_true(netlink_link_enslave(nl, name, "vnbr0", &err));
    g_assert_no_error(err);
    info = lookup(nl, name);
    g_assert_cmpint(info->master, ==, br->ifindex);
    g_clear_pointer(&info, link_info_free);

    /* Deleted while its descriptor is open; the other goes with its fd. */
    g_assert_true(tap_delete(nl, "vntap-a", &err));
    g_assert_no_error(err);
    assert_absent(nl, "vntap-a");
    close(fd2);
    close(fd);
    assert_absent(nl, name);

    g_assert_true(bridge_delete(nl, "vnbr0", &err));
    g_assert_no_error(err);
}

/* ---- macvtap ---- */

static void
test_macvtap(void)
{
    g_autoptr(Netlink) nl = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(LinkInfo) lower = NULL;
    g_autoptr(LinkInfo) info = NULL;
    g_autofree char *name = NULL;
    g_autofree char *name2 = NULL;
    MacAddr guest = mac("52:54:00:12:34:57");
    MacAddr guest2 = mac("52:54:00:12:34:58");
    int fd = -1;

    if (!need_netns())
        return;
    nl = open_nl();
    g_assert_true(veth_create(nl, "vnv0", "vnv1", -1, &err));
    g_assert_true(netlink_link_set_up(nl, "vnv0", &err));
    g_assert_no_error(err);
    lower = lookup(nl, "vnv0");

    /* The character device needs mknod, which a user namespace lacks. */
    g_assert_true(macvtap_create(nl, NULL, "vnv0", MACVTAP_MODE_BRIDGE, &guest, &name,
                                 as_root ? &fd : NULL, &err));
    g_assert_no_error(err);
    g_assert_true(g_str_has_prefix(name, "macvtap"));
    if (as_root) {
        g_assert_cmpint(fd, >=, 0);
        close(fd);
    }
    info = lookup(nl, name);
    g_assert_nonnull(info);
    g_assert_cmpstr(info->kind, ==, "macvtap");
    g_assert_cmpint(info->link, ==, lower->ifindex);
    g_assert_cmpint(info->macvlan_mode, ==, MACVLAN_MODE_BRIDGE);
    g_assert_true(mac_equal(&info->mac, &guest));
    g_assert_true(info->flags & IFF_UP);
    g_clear_pointer(&info, link_info_free);

    /* Two macvtaps on one lower device cannot both be up with one MAC: the
     * kernel's errno comes through and the half-made one is deleted. */
    g_assert_false(
        macvtap_create(nl, "vnmvt-p", "vnv0", MACVTAP_MODE_PRIVATE, &guest, &name2, NULL, &err));
    g_assert_error(err, NET_ERROR, VIR_ERR_SYSTEM_ERROR);
    g_assert_cmpstr(err->message, ==, "cannot bring up 'vnmvt-p': Address already in use");
    g_clear_error(&err);
    assert_absent(nl, "vnmvt-p");
    g_assert_true(
        macvtap_create(nl, "vnmvt-p", "vnv0", MACVTAP_MODE_PRIVATE, &guest2, &name2, NULL, &err));
    g_assert_no_error(err);
    info = lookup(nl, "vnmvt-p");
    g_assert_cmpint(info->macvlan_mode, ==, MACVLAN_MODE_PRIVATE);
    g_clear_pointer(&info, link_info_free);
    g_assert_false(
        macvtap_create(nl, "vnmvt-p", "vnv0", MACVTAP_MODE_VEPA, &guest, NULL, NULL, &err));
    g_assert_error(err, NET_ERROR, VIR_ERR_OPERATION_FAILED);
    g_assert_cmpstr(err->message, ==, "interface 'vnmvt-p' already exists");
    g_clear_error(&err);
    g_assert_false(
        macvtap_create(nl, NULL, "vnv-none", MACVTAP_MODE_VEPA, &guest, NULL, NULL, &err));
    g_assert_error(err, NET_ERROR, VIR_ERR_OPERATION_FAILED);
    g_clear_error(&err);
    g_assert_false(macvtap_delete(nl, "vnv0", &err));
    g_assert_error(err, NET_ERROR, VIR_ERR_OPERATION_FAILED);
    g_clear_error(&err);

    g_assert_true(macvtap_delete(nl, name, &err));
    g_assert_true(macvtap_delete(nl, "vnmvt-p", &err));
    g_assert_no_error(err);
    assert_absent(nl, name);
    g_assert_true(netlink_link_delete(nl, "vnv0", &err));
    g_assert_no_error(err);
    assert_absent(nl, "vnv1");
}

/* ---- veth into another namespace ---- */

typedef struct OtherNs {
    int fd;
    Netlink *nl;
} OtherNs;

/* unshare() in a thread moves only that thread; the descriptor and the
 * socket opened there keep the namespace alive after it ends. */
static gpointer
other_ns_thread(gpointer data)
{
    OtherNs *o = data;

    if (unshare(CLONE_NEWNET) < 0)
        g_error("unshare: %s", g_strerror(errno));
    o->fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    g_assert_cmpint(o->fd, >=, 0);
    o->nl = open_nl();
    return NULL;
}

static void
test_veth_netns(void)
{
    g_autoptr(Netlink) nl = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(LinkInfo) here = NULL;
    g_autoptr(LinkInfo) there = NULL;
    OtherNs o = { -1, NULL };
    GThread *t;

    if (!need_netns())
        return;
    nl = open_nl();
    t = g_thread_new("other-ns", other_ns_thread, &o);
    g_thread_join(t);

    g_assert_true(veth_create(nl, "vnpeer0", "vnpeer1", o.fd, &err));
    g_assert_no_error(err);
    here = lookup(nl, "vnpeer0");
    g_assert_nonnull(here);
    g_assert_cmpstr(here->kind, ==, "veth");
    assert_absent(nl, "vnpeer1");
    there = lookup(o.nl, "vnpeer1");
    g_assert_nonnull(there);
    g_assert_cmpstr(there->kind, ==, "veth");
    assert_absent(o.nl, "vnpeer0");

    g_assert_true(netlink_link_delete(nl, "vnpeer0", &err));
    g_assert_no_error(err);
    assert_absent(o.nl, "vnpeer1");
    netlink_close(o.nl);
    close(o.fd);
}

/* ---- sysctl ---- */

static void
test_sysctl(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *value = NULL;
    g_autofree char *path = NULL;

    if (!need_netns())
        return;
    /* A new namespace starts with forwarding off. */
    value = sysctl_get(SYSCTL_IPV4_FORWARD, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(value, ==, "0");
    g_clear_pointer(&value, g_free);
    g_assert_true(sysctl_set(SYSCTL_IPV4_FORWARD, "1", &err));
    g_assert_no_error(err);
    value = sysctl_get(SYSCTL_IPV4_FORWARD, &err);
    g_assert_cmpstr(value, ==, "1");
    g_clear_pointer(&value, g_free);
    g_assert_true(sysctl_set(SYSCTL_IPV4_FORWARD, "0", &err));

    path = sysctl_ipv6_conf_path("lo", "accept_ra");
    g_assert_cmpstr(path, ==, "net/ipv6/conf/lo/accept_ra");
    value = sysctl_get(path, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(value, ==, "1");
    g_clear_pointer(&value, g_free);
    g_assert_true(sysctl_set(path, "0", &err));
    value = sysctl_get(path, &err);
    g_assert_cmpstr(value, ==, "0");
    g_clear_pointer(&value, g_free);
    g_assert_true(sysctl_set(path, "1", &err));
    g_assert_no_error(err);

    g_assert_false(sysctl_set(SYSCTL_IPV4_FORWARD, "x", &err));
    g_assert_error(err, NET_ERROR, VIR_ERR_SYSTEM_ERROR);
    g_clear_error(&err);
    g_assert_null(sysctl_get("net/ipv4/no_such_key", &err));
    g_assert_error(err, NET_ERROR, VIR_ERR_SYSTEM_ERROR);
    g_clear_error(&err);
    g_assert_false(sysctl_set("kernel/hostname", "x", &err));
    g_assert_error(err, NET_ERROR, VIR_ERR_INVALID_ARG);
    g_clear_error(&err);
    g_assert_null(sysctl_get("net/ipv4/../../kernel/hostname", &err));
    g_assert_error(err, NET_ERROR, VIR_ERR_INVALID_ARG);
    g_clear_error(&err);
}

/* Last: everything above was undone. */
static void
test_nothing_left(void)
{
    g_autofree char *now = NULL;
    g_autoptr(Netlink) nl = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(GPtrArray) links = NULL;

    if (!need_netns())
        return;
    now = snapshot();
    g_assert_cmpstr(now, ==, snapshot_start);
    nl = open_nl();
    links = netlink_link_list(nl, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(links->len, ==, 1);
    g_assert_cmpstr(((LinkInfo *)links->pdata[0])->name, ==, "lo");
}

int
main(int argc, char **argv)
{
    int ret;

    in_netns = test_enter_netns();
    g_test_init(&argc, &argv, NULL);
    if (in_netns)
        snapshot_start = snapshot();

    g_test_add_func("/netlink/msg/bridge", test_bridge_msg);
    g_test_add_func("/netlink/macvtap/modes", test_macvtap_modes);
    for (size_t i = 0; i < G_N_ELEMENTS(bridge_cases); i++) {
        g_autofree char *path = g_strdup_printf("/netlink/bridge/%s", bridge_cases[i].name);

        g_test_add_data_func(path, &bridge_cases[i], test_bridge_create);
    }
    g_test_add_func("/netlink/bridge/conflicts", test_bridge_conflicts);
    g_test_add_func("/netlink/addr/add-list-del", test_addresses);
    g_test_add_func("/netlink/route/add-list-del", test_routes);
    g_test_add_func("/netlink/tap/create-delete", test_tap);
    g_test_add_func("/netlink/macvtap/create-delete", test_macvtap);
    g_test_add_func("/netlink/veth/other-netns", test_veth_netns);
    g_test_add_func("/netlink/sysctl/get-set", test_sysctl);
    g_test_add_func("/netlink/end/nothing-left", test_nothing_left);
    ret = g_test_run();
    g_free(snapshot_start);
    g_free(skip_reason);
    return ret;
}
