/*
 * port.c: guest ports on running virtual networks
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <linux/if_link.h>

#include <libvirt/libvirt.h>

#include "net/dhcp-release.h"
#include "net/leases.h"
#include "net/netlink.h"
#include "net/port.h"
#include "net/tap.h"
#include "util/error.h"
#include "util/log.h"

static const char *const netport_kind_names[NET_PORT_LAST] = {
    [NET_PORT_TAP] = "tap",
    [NET_PORT_MACVTAP] = "macvtap",
};

const char *
netport_kind_to_string(NetPortKind kind)
{
    if ((unsigned)kind >= NET_PORT_LAST)
        return NULL;
    return netport_kind_names[kind];
}

void
netport_free(NetPort *port)
{
    if (!port)
        return;
    if (port->fd >= 0)
        close(port->fd);
    g_free(port->ifname);
    g_free(port->network);
    g_free(port->lower);
    g_free(port);
}

/* The macvtap mode of a direct forward mode; -1 for the other modes. */
static int
netport_macvtap_mode(const NetDef *def)
{
    switch (def->forward_mode) {
    case NET_FORWARD_BRIDGE:
        /* with <bridge name=> it is a host bridge: taps */
        return def->bridge ? -1 : MACVTAP_MODE_BRIDGE;
    case NET_FORWARD_PRIVATE:
        return MACVTAP_MODE_PRIVATE;
    case NET_FORWARD_VEPA:
        return MACVTAP_MODE_VEPA;
    case NET_FORWARD_PASSTHROUGH:
        return MACVTAP_MODE_PASSTHROUGH;
    case NET_FORWARD_NONE:
    case NET_FORWARD_NAT:
    case NET_FORWARD_ROUTE:
    case NET_FORWARD_OPEN:
    case NET_FORWARD_HOSTDEV:
    case NET_FORWARD_LAST:
        break;
    }
    return -1;
}

/* The bridge @run's guests attach to must still be the one it runs with. */
static bool
netport_check_bridge(Netlink *nl, const NetRun *run, GError **error)
{
    const char *name = run->def->name;
    g_autoptr(GError) local = NULL;
    g_autoptr(LinkInfo) info = NULL;

    if (!run->bridge) {
        g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_INVALID,
                    "network '%s' has no bridge to plug a port into", name);
        return false;
    }
    if (!(info = netlink_link_lookup(nl, run->bridge, &local)) && local) {
        g_propagate_prefixed_error(error, g_steal_pointer(&local), "network '%s': ", name);
        return false;
    }
    if (!info) {
        g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED,
                    "network '%s': its bridge '%s' does not exist", name, run->bridge);
        return false;
    }
    if ((run->bridge_created && info->ifindex != run->bridge_ifindex) ||
        g_strcmp0(info->kind, "bridge") != 0) {
        g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED,
                    "network '%s': interface '%s' is not the network's bridge any more", name,
                    run->bridge);
        return false;
    }
    return true;
}

/* Both kinds are ports of the kernel's macvlan driver, and share its
 * rules: a passthrough port must be the device's only one. */
static bool
netport_is_macvlan(const LinkInfo *l)
{
    return g_strcmp0(l->kind, "macvtap") == 0 || g_strcmp0(l->kind, "macvlan") == 0;
}

/* How many macvtap and macvlan ports sit on device @ifindex (@links: the
 * namespace's links); *ret_passthrough (may be NULL) gets the name of a
 * passthrough one among them, NULL if none. */
static unsigned
netport_lower_ports(const GPtrArray *links, int ifindex, const char **ret_passthrough)
{
    unsigned count = 0;

    if (ret_passthrough)
        *ret_passthrough = NULL;
    for (guint j = 0; j < links->len; j++) {
        const LinkInfo *l = g_ptr_array_index(links, j);

        if (l->link != ifindex || !netport_is_macvlan(l))
            continue;
        count++;
        if (l->macvlan_mode == MACVLAN_MODE_PASSTHRU && ret_passthrough)
            *ret_passthrough = l->name;
    }
    return count;
}

/* The pool device of @def a new macvtap in @mode goes on (see
 * netport_plug()). */
static char *
netport_pick_lower(Netlink *nl, const NetDef *def, MacvtapMode mode, GError **error)
{
    g_autoptr(GPtrArray) links = netlink_link_list(nl, error);
    g_autoptr(GPtrArray) seen = g_ptr_array_new();
    g_autoptr(GString) pool = g_string_new(NULL);
    const char *best = NULL;
    unsigned best_count = 0;

    if (!links) {
        g_prefix_error(error, "network '%s': cannot list interfaces: ", def->name);
        return NULL;
    }
    for (guint i = 0; def->forward.ifs && i < def->forward.ifs->len; i++) {
        const NetForwardIf *fi = g_ptr_array_index(def->forward.ifs, i);
        const LinkInfo *lower = NULL;
        const char *holder;
        unsigned count;

        /* <forward dev=> usually repeats the pool's first device */
        if (fi->type != NET_FORWARD_IF_NETDEV ||
            g_ptr_array_find_with_equal_func(seen, fi->dev, g_str_equal, NULL))
            continue;
        g_ptr_array_add(seen, fi->dev);
        g_string_append_printf(pool, "%s'%s'", pool->len ? ", " : "", fi->dev);
        for (guint j = 0; j < links->len; j++) {
            const LinkInfo *l = g_ptr_array_index(links, j);

            if (g_strcmp0(l->name, fi->dev) == 0)
                lower = l;
        }
        if (!lower)
            continue; /* gone since the start: the others may do */
        count = netport_lower_ports(links, lower->ifindex, &holder);
        if (holder || (mode == MACVTAP_MODE_PASSTHROUGH && count > 0))
            continue;
        if (!best || count < best_count) {
            best = fi->dev;
            best_count = count;
        }
    }
    if (!best) {
        if (pool->len == 0)
            g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED,
                        "network '%s' has no network device in its interface pool", def->name);
        else
            g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED,
                        "network '%s': no device of its interface pool (%s) is free for a %s port",
                        def->name, pool->str, macvtap_mode_to_string(mode));
        return NULL;
    }
    return g_strdup(best);
}

/* Creates @port's macvtap on port->lower in @mode with port->mac, named
 * after @ifname (see macvtap_create()); fills port->ifname and port->fd.
 * On failure nothing is left. */
static bool
netport_macvtap_create(Netlink *nl, NetPort *port, const char *ifname, MacvtapMode mode,
                       GError **error)
{
    /* The kernel gives a passthrough port the device's own MAC whatever
     * the request says; the guest's is set afterwards, which changes the
     * device's, and the kernel puts the old one back when the port goes. */
    if (!macvtap_create(nl, ifname, port->lower, mode,
                        mode == MACVTAP_MODE_PASSTHROUGH ? NULL : &port->mac, &port->ifname,
                        &port->fd, error))
        return false;
    if (mode == MACVTAP_MODE_PASSTHROUGH &&
        !netlink_link_set_mac(nl, port->ifname, &port->mac, error)) {
        g_autoptr(GError) local = NULL;

        close(port->fd);
        port->fd = -1;
        if (!macvtap_delete(nl, port->ifname, &local))
            log_warn("undo: %s", local->message);
        g_clear_pointer(&port->ifname, g_free);
        return false;
    }
    return true;
}

NetPort *
netport_plug(const NetRun *run, const MacAddr *mac, const char *ifname, unsigned mtu,
             GError **error)
{
    g_autoptr(NetPort) port = NULL;
    g_autoptr(Netlink) nl = NULL;
    const NetDef *def;
    int mode;

    if (!run) {
        g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_INVALID, "network is not active");
        return NULL;
    }
    def = run->def;
    mode = netport_macvtap_mode(def);
    port = g_new0(NetPort, 1);
    port->fd = -1;
    port->mac = *mac;
    port->network = g_strdup(def->name);
    if (def->forward_mode == NET_FORWARD_HOSTDEV) {
        g_set_error(error, NET_ERROR, VIR_ERR_CONFIG_UNSUPPORTED,
                    "network '%s': forward mode 'hostdev' has no tap or macvtap ports", def->name);
        return NULL;
    }
    if (!(nl = netlink_open(error))) {
        g_prefix_error(error, "network '%s': ", def->name);
        return NULL;
    }
    if (mode < 0) {
        port->kind = NET_PORT_TAP;
        if (!netport_check_bridge(nl, run, error))
            return NULL;
        if (!tap_create(nl, ifname, mac, mtu, run->bridge, &port->ifname, &port->fd, error)) {
            g_prefix_error(error, "network '%s': ", def->name);
            return NULL;
        }
        return g_steal_pointer(&port);
    }

    port->kind = NET_PORT_MACVTAP;
    if (!(port->lower = netport_pick_lower(nl, def, (MacvtapMode)mode, error)))
        return NULL;
    if (!netport_macvtap_create(nl, port, ifname, (MacvtapMode)mode, error)) {
        g_prefix_error(error, "network '%s': ", def->name);
        return NULL;
    }
    return g_steal_pointer(&port);
}

/* Whether @ifname names a link of the kind libvirt generates names for. */
static bool
netport_name_generated(const char *ifname)
{
    return g_str_has_prefix(ifname, "macvtap") || g_str_has_prefix(ifname, "macvlan");
}

NetPort *
netport_plug_direct(const char *dev, MacvtapMode mode, const MacAddr *mac, const char *ifname,
                    GError **error)
{
    g_autoptr(NetPort) port = NULL;
    g_autoptr(Netlink) nl = NULL;
    g_autoptr(GPtrArray) links = NULL;
    const LinkInfo *lower = NULL;
    const char *holder = NULL;
    unsigned count;

    if (!(nl = netlink_open(error)) || !(links = netlink_link_list(nl, error))) {
        g_prefix_error(error, "cannot plug a macvtap on '%s': ", dev);
        return NULL;
    }
    for (guint i = 0; i < links->len && !lower; i++) {
        const LinkInfo *l = g_ptr_array_index(links, i);

        if (g_strcmp0(l->name, dev) == 0)
            lower = l;
    }
    if (!lower) {
        g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED,
                    "cannot plug a macvtap on '%s': no such host interface", dev);
        return NULL;
    }
    /* the kernel says only EINVAL; say which rule */
    count = netport_lower_ports(links, lower->ifindex, &holder);
    if (holder) {
        g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED,
                    "cannot plug a %s macvtap on '%s': passthrough macvtap '%s' holds it",
                    macvtap_mode_to_string(mode), dev, holder);
        return NULL;
    }
    if (mode == MACVTAP_MODE_PASSTHROUGH && count > 0) {
        g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED,
                    "cannot plug a passthrough macvtap on '%s': it has %u macvtap or macvlan "
                    "port(s) already, and a passthrough port must be its only one",
                    dev, count);
        return NULL;
    }
    /* a taken name of the generated kind is a leftover of an earlier
     * start (the inactive XML drops those names): a free one instead */
    if (ifname && !strchr(ifname, '%') && netport_name_generated(ifname)) {
        bool exists = false;

        if (!netlink_link_exists(nl, ifname, &exists, error))
            return NULL;
        if (exists)
            ifname = NULL;
    }
    port = g_new0(NetPort, 1);
    port->kind = NET_PORT_MACVTAP;
    port->fd = -1;
    port->mac = *mac;
    port->lower = g_strdup(dev);
    if (!netport_macvtap_create(nl, port, ifname, mode, error))
        return NULL;
    return g_steal_pointer(&port);
}

/* Keeps the first error in *error, frees the later ones. */
static void
netport_keep_first(GError **error, GError *err)
{
    if (!err)
        return;
    if (error && !*error)
        *error = err;
    else
        g_error_free(err);
}

/* Whether link @l is @port's own (and not a later link with its name). */
static bool
netport_owns_link(Netlink *nl, const NetPort *port, const LinkInfo *l)
{
    MacAddr expected = port->mac;

    if (port->kind == NET_PORT_TAP) {
        expected.addr[0] = 0xfe;
        return g_strcmp0(l->kind, "tun") == 0 && l->has_mac && mac_equal(&l->mac, &expected);
    }
    if (g_strcmp0(l->kind, "macvtap") != 0 || (l->has_mac && !mac_equal(&l->mac, &port->mac)))
        return false;
    /* (a record of an older agent does not name the lower device) */
    if (port->lower) {
        g_autoptr(LinkInfo) lower = netlink_link_lookup(nl, port->lower, NULL);

        return lower && l->link == lower->ifindex;
    }
    return true;
}

/* Deletes @port's link when it is still the port's; @who names the port's
 * owner in the warning about a link that is not. */
static bool
netport_delete_link(Netlink *nl, const NetPort *port, const char *who, GError **error)
{
    g_autoptr(GError) local = NULL;
    g_autoptr(LinkInfo) l = netlink_link_lookup(nl, port->ifname, &local);

    if (local) {
        g_propagate_error(error, g_steal_pointer(&local));
        return false;
    }
    if (!l)
        return true;
    if (!netport_owns_link(nl, port, l)) {
        log_warn("%s: interface '%s' is no longer this port's; not deleting it", who, port->ifname);
        return true;
    }
    if (port->kind == NET_PORT_TAP)
        return tap_delete(nl, port->ifname, error);
    return macvtap_delete(nl, port->ifname, error);
}

bool
netport_unplug(const NetRunConfig *cfg, const NetRun *run, NetPort *port, GError **error)
{
    g_autoptr(Netlink) nl = NULL;
    GError *err = NULL;
    bool ok = true;

    /* a tap goes away by itself with its last descriptor */
    if (port->fd >= 0) {
        close(port->fd);
        port->fd = -1;
    }
    if (port->ifname && (nl = netlink_open(&err))) {
        g_autofree char *who = g_strdup_printf("network '%s'", port->network);

        netport_delete_link(nl, port, who, &err);
    }
    if (err) {
        g_prefix_error(&err, "network '%s': ", port->network);
        ok = false;
        netport_keep_first(error, g_steal_pointer(&err));
    }
    if (!netport_release_leases(cfg, port->network, run, &port->mac, NULL, &err)) {
        ok = false;
        netport_keep_first(error, g_steal_pointer(&err));
    }
    return ok;
}

bool
netport_unplug_direct(NetPort *port, GError **error)
{
    g_autoptr(Netlink) nl = NULL;

    if (port->fd >= 0) {
        close(port->fd);
        port->fd = -1;
    }
    if (!port->ifname)
        return true;
    if (!(nl = netlink_open(error)) || !netport_delete_link(nl, port, "direct interface", error)) {
        g_prefix_error(error, "cannot unplug macvtap '%s': ", port->ifname);
        return false;
    }
    return true;
}

/* The address of @def the lease @ip's subnet has: the DHCP server's
 * identifier there. NULL if no IPv4 subnet of @def holds @ip. */
static const char *
netport_server_for(const NetDef *def, const char *ip)
{
    struct in_addr lease, mine;

    if (inet_pton(AF_INET, ip, &lease) != 1)
        return NULL;
    for (guint i = 0; def->ips && i < def->ips->len; i++) {
        const NetIpDef *d = g_ptr_array_index(def->ips, i);
        guint32 mask;

        if (d->family != AF_INET || inet_pton(AF_INET, d->address, &mine) != 1 || d->prefix > 32)
            continue;
        mask = d->prefix ? htonl(~0U << (32 - d->prefix)) : 0;
        if ((lease.s_addr & mask) == (mine.s_addr & mask))
            return d->address;
    }
    return NULL;
}

bool
netport_release_leases(const NetRunConfig *cfg, const char *name, const NetRun *run,
                       const MacAddr *mac, unsigned *ret_removed, GError **error)
{
    g_auto(NetRunPaths) p = { 0 };
    g_autoptr(GPtrArray) leases = NULL;
    char text[MAC_STRING_LEN];
    GError *err = NULL;
    bool ok = true;

    if (ret_removed)
        *ret_removed = 0;
    mac_format(mac, text);
    netrun_paths_init(cfg, name, &p);
    if (!(leases = leases_load(p.leases, &err))) {
        g_prefix_error(&err, "network '%s': ", name);
        netport_keep_first(error, err);
        return false;
    }
    /* only a dnsmasq that runs can forget the lease; after that, it runs
     * our helper with "del", which finds the lease gone already */
    if (run && run->bridge && run->dnsmasq.pid > 0 &&
        dnsmasq_is_alive(run->dnsmasq.pid, run->dnsmasq.start_time)) {
        for (guint i = 0; i < leases->len; i++) {
            const Lease *l = g_ptr_array_index(leases, i);
            const char *server;

            if (l->type != VIR_IP_ADDR_TYPE_IPV4 || !l->mac ||
                g_ascii_strcasecmp(l->mac, text) != 0 ||
                !(server = netport_server_for(run->def, l->ip)))
                continue;
            if (!dhcp_release_send(run->bridge, mac, l->ip, server, l->client_id, &err)) {
                g_prefix_error(&err, "network '%s': ", name);
                ok = false;
                netport_keep_first(error, g_steal_pointer(&err));
            }
        }
    }
    /* (no store, no lease: and no lock file left in a direct mode's state) */
    if (g_file_test(p.leases, G_FILE_TEST_EXISTS) &&
        !leases_remove_mac(p.leases, text, ret_removed, &err)) {
        g_prefix_error(&err, "network '%s': ", name);
        ok = false;
        netport_keep_first(error, g_steal_pointer(&err));
    }
    return ok;
}
