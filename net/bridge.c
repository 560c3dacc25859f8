/*
 * bridge.c: Linux bridges for virtual networks
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "net/bridge.h"

#include <errno.h>
#include <string.h>

#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "util/error.h"

bool
bridge_check_ifname(const char *name, GError **error)
{
    size_t len = strlen(name);

    if (len == 0 || len >= IFNAMSIZ || strpbrk(name, "/: \t\n") || g_str_equal(name, ".") ||
        g_str_equal(name, "..")) {
        g_set_error(error, NET_ERROR, VIR_ERR_INVALID_ARG, "invalid interface name '%s'", name);
        return false;
    }
    return true;
}

NetlinkMsg *
bridge_create_msg(const char *name, const MacAddr *mac, bool stp, unsigned delay_ms)
{
    NetlinkMsg *m = netlink_msg_new_link(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, 0, 0);

    netlink_msg_put_string(m, IFLA_IFNAME, name);
    /* An address given at creation is NET_ADDR_SET: the kernel then never
     * recomputes it from the ports. */
    if (mac)
        netlink_msg_put_data(m, IFLA_ADDRESS, mac->addr, MAC_LEN);
    netlink_msg_nest_start(m, IFLA_LINKINFO);
    netlink_msg_put_string(m, IFLA_INFO_KIND, "bridge");
    netlink_msg_nest_start(m, IFLA_INFO_DATA);
    /* Order as the kernel applies them: the delay first (accepted below 2 s
     * only while STP is off, as it is on a new bridge), then STP. */
    netlink_msg_put_u32(m, IFLA_BR_FORWARD_DELAY, delay_ms / 10);
    netlink_msg_put_u32(m, IFLA_BR_STP_STATE, stp ? 1 : 0);
    netlink_msg_nest_end(m);
    netlink_msg_nest_end(m);
    return m;
}

static void
bridge_delete_quietly(Netlink *nl, const char *name)
{
    g_autoptr(GError) local = NULL;

    if (!netlink_link_delete(nl, name, &local))
        g_warning("%s", local->message);
}

bool
bridge_create(Netlink *nl, const char *name, const MacAddr *mac, unsigned mtu, bool stp,
              unsigned delay_ms, GError **error)
{
    g_autoptr(NetlinkMsg) m = NULL;
    g_autoptr(GError) local = NULL;
    int err = 0;

    if (!bridge_check_ifname(name, error))
        return false;
    m = bridge_create_msg(name, mac, stp, delay_ms);
    if (!netlink_send(nl, m, &err, &local)) {
        if (err == EEXIST) {
            g_autoptr(LinkInfo) other = netlink_link_lookup(nl, name, NULL);
            bool is_bridge = !other || g_strcmp0(other->kind, "bridge") == 0;

            g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED, "%s '%s' already exists",
                        is_bridge ? "bridge" : "interface", name);
            return false;
        }
        g_propagate_prefixed_error(error, g_steal_pointer(&local),
                                   "cannot create bridge '%s': ", name);
        return false;
    }
    /* A change (unlike IFLA_MTU at creation) goes through the bridge's
     * ndo_change_mtu, which marks the MTU as set by the user: adding or
     * removing ports no longer recomputes it. */
    if (mtu && !netlink_link_set_mtu(nl, name, mtu, error)) {
        bridge_delete_quietly(nl, name);
        return false;
    }
    return true;
}

bool
bridge_delete(Netlink *nl, const char *name, GError **error)
{
    g_autoptr(GError) local = NULL;
    g_autoptr(LinkInfo) info = netlink_link_lookup(nl, name, &local);

    if (local) {
        g_propagate_error(error, g_steal_pointer(&local));
        return false;
    }
    if (!info) {
        g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED, "bridge '%s' does not exist", name);
        return false;
    }
    if (g_strcmp0(info->kind, "bridge") != 0) {
        g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED,
                    "interface '%s' is not a bridge; not deleting it", name);
        return false;
    }
    return netlink_link_delete(nl, name, error);
}
