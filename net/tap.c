/*
 * tap.c: guest ports: tap, macvtap and veth devices
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "net/tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "net/bridge.h"
#include "util/error.h"
#include "util/file.h"

static const char *const macvtap_mode_names[MACVTAP_MODE_LAST] = {
    [MACVTAP_MODE_BRIDGE] = "bridge",
    [MACVTAP_MODE_PRIVATE] = "private",
    [MACVTAP_MODE_VEPA] = "vepa",
    [MACVTAP_MODE_PASSTHROUGH] = "passthrough",
};

const char *
macvtap_mode_to_string(MacvtapMode mode)
{
    if ((unsigned)mode >= MACVTAP_MODE_LAST)
        return NULL;
    return macvtap_mode_names[mode];
}

int
macvtap_mode_from_string(const char *name)
{
    for (int i = 0; i < MACVTAP_MODE_LAST; i++)
        if (g_str_equal(name, macvtap_mode_names[i]))
            return i;
    return -1;
}

static uint32_t
macvtap_mode_kernel(MacvtapMode mode)
{
    switch (mode) {
    case MACVTAP_MODE_BRIDGE:
        return MACVLAN_MODE_BRIDGE;
    case MACVTAP_MODE_PRIVATE:
        return MACVLAN_MODE_PRIVATE;
    case MACVTAP_MODE_VEPA:
        return MACVLAN_MODE_VEPA;
    case MACVTAP_MODE_PASSTHROUGH:
        return MACVLAN_MODE_PASSTHRU;
    case MACVTAP_MODE_LAST:
        break;
    }
    g_assert_not_reached();
}

/* A template ("vnet%d") has exactly one "%d" and no other '%'. */
static bool
check_name_or_template(const char *name, bool *ret_template, GError **error)
{
    const char *pct = strchr(name, '%');

    *ret_template = pct != NULL;
    if (pct && (pct[1] != 'd' || strchr(pct + 1, '%'))) {
        g_set_error(error, NET_ERROR, VIR_ERR_INVALID_ARG, "invalid interface name template '%s'",
                    name);
        return false;
    }
    return bridge_check_ifname(name, error);
}

static void
link_delete_quietly(Netlink *nl, const char *name)
{
    g_autoptr(GError) local = NULL;

    if (!netlink_link_delete(nl, name, &local))
        g_warning("%s", local->message);
}

/* Checks that @name exists and is of @kind; "<what> 'x' does not exist" or
 * "... is not a <what>" otherwise. */
static bool
check_kind(Netlink *nl, const char *name, const char *kind, const char *what, GError **error)
{
    g_autoptr(GError) local = NULL;
    g_autoptr(LinkInfo) info = netlink_link_lookup(nl, name, &local);

    if (local) {
        g_propagate_error(error, g_steal_pointer(&local));
        return false;
    }
    if (!info) {
        g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED, "%s '%s' does not exist", what,
                    name);
        return false;
    }
    if (g_strcmp0(info->kind, kind) != 0) {
        g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED,
                    "interface '%s' is not a %s; not deleting it", name, what);
        return false;
    }
    return true;
}

bool
tap_create(Netlink *nl, const char *name, const MacAddr *mac, unsigned mtu, const char *bridge,
           char **ret_name, int *ret_fd, GError **error)
{
    autoclose int fd = -1;
    struct ifreq ifr;
    MacAddr tap_mac = *mac;
    bool is_template;

    if (!name)
        name = "vnet%d";
    if (!check_name_or_template(name, &is_template, error))
        return false;
    if ((fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC)) < 0) {
        error_set_errno(error, NET_ERROR, errno, "cannot open '/dev/net/tun'");
        return false;
    }
    memset(&ifr, 0, sizeof(ifr));
    /* IFF_TUN_EXCL: an explicit name must be new, never an adopted tap. */
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | (is_template ? 0 : IFF_TUN_EXCL);
    g_strlcpy(ifr.ifr_name, name, sizeof(ifr.ifr_name));
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        if (errno == EBUSY && !is_template)
            g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED, "tap '%s' already exists",
                        name);
        else
            error_set_errno(error, NET_ERROR, errno, "cannot create tap '%s'", name);
        return false;
    }
    ifr.ifr_name[IFNAMSIZ - 1] = '\0';
    /* From here on closing fd removes the tap: it is not persistent. */
    tap_mac.addr[0] = 0xfe;
    if (!netlink_link_set_mac(nl, ifr.ifr_name, &tap_mac, error) ||
        (mtu && !netlink_link_set_mtu(nl, ifr.ifr_name, mtu, error)) ||
        (bridge && !netlink_link_enslave(nl, ifr.ifr_name, bridge, error)) ||
        !netlink_link_set_up(nl, ifr.ifr_name, error))
        return false;
    if (ret_name)
        *ret_name = g_strdup(ifr.ifr_name);
    *ret_fd = fd;
    fd = -1;
    return true;
}

bool
tap_delete(Netlink *nl, const char *name, GError **error)
{
    g_autoptr(NetlinkMsg) m = NULL;
    g_autoptr(GError) local = NULL;
    autoclose int fd = -1;
    struct ifreq ifr;
    int err = 0;

    if (!check_kind(nl, name, "tun", "tap", error))
        return false;
    m = netlink_msg_new_link(RTM_DELLINK, 0, 0, 0, 0);
    netlink_msg_put_string(m, IFLA_IFNAME, name);
    if (netlink_send(nl, m, &err, &local))
        return true;
    if (err != EOPNOTSUPP) {
        g_propagate_prefixed_error(error, g_steal_pointer(&local),
                                   "cannot delete tap '%s': ", name);
        return false;
    }
    /* Older kernels cannot delete a tun device through rtnetlink: attach to
     * it and drop persistence; it goes with our descriptor (EBUSY while
     * another process holds it). */
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    g_strlcpy(ifr.ifr_name, name, sizeof(ifr.ifr_name));
    if ((fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC)) < 0 || ioctl(fd, TUNSETIFF, &ifr) < 0 ||
        ioctl(fd, TUNSETPERSIST, 0) < 0) {
        error_set_errno(error, NET_ERROR, errno, "cannot delete tap '%s'", name);
        return false;
    }
    return true;
}

/* The lowest "%d" value free in the namespace (templates are expanded here:
 * the kernel would do it too, but would not tell us the name). */
static char *
expand_template(Netlink *nl, const char *template, unsigned start, GError **error)
{
    for (unsigned n = start; n < 100000; n++) {
        g_autofree char *candidate = NULL;
        bool exists;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        candidate = g_strdup_printf(template, n);
#pragma GCC diagnostic pop
        if (strlen(candidate) >= IFNAMSIZ)
            break;
        if (!netlink_link_exists(nl, candidate, &exists, error))
            return NULL;
        if (!exists)
            return g_steal_pointer(&candidate);
    }
    g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED, "no free interface name for '%s'",
                template);
    return NULL;
}

/* Opens the macvtap's character device; see macvtap_create(). */
static int
macvtap_open(Netlink *nl, const char *name, GError **error)
{
    g_autoptr(LinkInfo) info = NULL;
    g_autofree char *idx_path = g_strdup_printf("/sys/class/net/%s/ifindex", name);
    g_autofree char *idx_text = NULL;
    g_autofree char *dev_path = NULL;
    g_autofree char *dev_text = NULL;
    g_autofree char *node = NULL;
    g_autoptr(GError) local = NULL;
    unsigned maj, min;
    struct stat st;
    dev_t dev;
    int fd;

    if (!(info = netlink_link_lookup(nl, name, error))) {
        if (error && !*error)
            g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED, "macvtap '%s' vanished", name);
        return -1;
    }
    dev_path = g_strdup_printf("/sys/class/net/%s/macvtap/tap%d/dev", name, info->ifindex);
    if (!g_file_get_contents(idx_path, &idx_text, NULL, NULL) ||
        g_ascii_strtoll(idx_text, NULL, 10) != info->ifindex ||
        !g_file_get_contents(dev_path, &dev_text, NULL, &local) ||
        sscanf(dev_text, "%u:%u", &maj, &min) != 2) {
        g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED,
                    "cannot find the device node of macvtap '%s': '%s' is not this network "
                    "namespace's",
                    name, dev_path);
        return -1;
    }
    dev = makedev(maj, min);
    node = g_strdup_printf("/dev/tap%d", info->ifindex);
    if (stat(node, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == dev) {
        if ((fd = open(node, O_RDWR | O_CLOEXEC)) < 0)
            error_set_errno(error, NET_ERROR, errno, "cannot open '%s'", node);
        return fd;
    }
    /* Another namespace owns /dev/tap<ifindex> (or nobody): a node of our
     * own, unlinked as soon as it is open. /dev because other tmpfs mounts
     * (/run, /tmp) are often nodev. */
    g_free(node);
    node = g_strdup_printf("/dev/.virtnode-tap-%d-%d", (int)getpid(), info->ifindex);
    (void)unlink(node);
    if (mknod(node, S_IFCHR | 0600, dev) < 0) {
        error_set_errno(error, NET_ERROR, errno, "cannot create device node '%s'", node);
        return -1;
    }
    fd = open(node, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        error_set_errno(error, NET_ERROR, errno, "cannot open '%s'", node);
    (void)unlink(node);
    return fd;
}

bool
macvtap_create(Netlink *nl, const char *name, const char *lower, MacvtapMode mode,
               const MacAddr *mac, char **ret_name, int *ret_fd, GError **error)
{
    g_autofree char *actual = NULL;
    bool is_template;
    int lower_index;
    unsigned next = 0;

    if (!name)
        name = "macvtap%d";
    if (!check_name_or_template(name, &is_template, error))
        return false;
    if (!(lower_index = netlink_link_index(nl, lower, error))) {
        g_prefix_error(error, "cannot create macvtap on '%s': ", lower);
        return false;
    }
    for (;;) {
        g_autoptr(NetlinkMsg) m = NULL;
        g_autoptr(GError) local = NULL;
        int err = 0;

        g_clear_pointer(&actual, g_free);
        if (!is_template)
            actual = g_strdup(name);
        else if (!(actual = expand_template(nl, name, next, error)))
            return false;
        m = netlink_msg_new_link(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, 0, 0);
        netlink_msg_put_string(m, IFLA_IFNAME, actual);
        netlink_msg_put_u32(m, IFLA_LINK, (uint32_t)lower_index);
        if (mac)
            netlink_msg_put_data(m, IFLA_ADDRESS, mac->addr, MAC_LEN);
        netlink_msg_nest_start(m, IFLA_LINKINFO);
        netlink_msg_put_string(m, IFLA_INFO_KIND, "macvtap");
        netlink_msg_nest_start(m, IFLA_INFO_DATA);
        netlink_msg_put_u32(m, IFLA_MACVLAN_MODE, macvtap_mode_kernel(mode));
        netlink_msg_nest_end(m);
        netlink_msg_nest_end(m);
        if (netlink_send(nl, m, &err, &local))
            break;
        if (err == EEXIST && is_template) {
            /* Lost a race for that name: try the next one. */
            sscanf(actual + (strchr(name, '%') - name), "%u", &next);
            next++;
            continue;
        }
        if (err == EEXIST)
            g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED, "interface '%s' already exists",
                        actual);
        else
            g_propagate_prefixed_error(error, g_steal_pointer(&local),
                                       "cannot create macvtap '%s' on '%s': ", actual, lower);
        return false;
    }
    if (!netlink_link_set_up(nl, actual, error)) {
        link_delete_quietly(nl, actual);
        return false;
    }
    if (ret_fd && (*ret_fd = macvtap_open(nl, actual, error)) < 0) {
        link_delete_quietly(nl, actual);
        return false;
    }
    if (ret_name)
        *ret_name = g_steal_pointer(&actual);
    return true;
}

bool
macvtap_delete(Netlink *nl, const char *name, GError **error)
{
    if (!check_kind(nl, name, "macvtap", "macvtap", error))
        return false;
    return netlink_link_delete(nl, name, error);
}

bool
veth_create(Netlink *nl, const char *name, const char *peer, int peer_netns_fd, GError **error)
{
    g_autoptr(NetlinkMsg) m = NULL;
    g_autoptr(GError) local = NULL;
    struct ifinfomsg peer_ifi = { .ifi_family = AF_UNSPEC };
    const char *names[] = { name, peer };
    int err = 0;

    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        bool exists;

        if (!bridge_check_ifname(names[i], error))
            return false;
        if (i == 1 && peer_netns_fd >= 0)
            break;
        if (!netlink_link_exists(nl, names[i], &exists, error))
            return false;
        if (exists) {
            g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED, "interface '%s' already exists",
                        names[i]);
            return false;
        }
    }
    m = netlink_msg_new_link(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, 0, 0);
    netlink_msg_put_string(m, IFLA_IFNAME, name);
    netlink_msg_nest_start(m, IFLA_LINKINFO);
    netlink_msg_put_string(m, IFLA_INFO_KIND, "veth");
    netlink_msg_nest_start(m, IFLA_INFO_DATA);
    /* The peer's attributes follow a struct ifinfomsg of their own. */
    netlink_msg_nest_start(m, VETH_INFO_PEER);
    netlink_msg_put_raw(m, &peer_ifi, sizeof(peer_ifi));
    netlink_msg_put_string(m, IFLA_IFNAME, peer);
    if (peer_netns_fd >= 0)
        netlink_msg_put_u32(m, IFLA_NET_NS_FD, (uint32_t)peer_netns_fd);
    netlink_msg_nest_end(m);
    netlink_msg_nest_end(m);
    netlink_msg_nest_end(m);
    if (netlink_send(nl, m, &err, &local))
        return true;
    if (err == EEXIST)
        g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED,
                    "interface '%s' or '%s' already exists", name, peer);
    else
        g_propagate_prefixed_error(error, g_steal_pointer(&local),
                                   "cannot create veth pair '%s'/'%s': ", name, peer);
    return false;
}
