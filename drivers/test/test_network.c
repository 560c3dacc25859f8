/*
 * test_network.c: virtual networks of the test driver
 *
 * Nothing touches the host: starting a network only marks it active.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <arpa/inet.h>
#include <string.h>

#include "drivers/test/test_network.h"
#include "conf/redefine.h"
#include "drivers/test/test_state.h"
#include "lib/object.h"
#include "util/error.h"
#include "util/uuid.h"

#define LOCK_STATE(state)                                                                          \
    g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new(&(state)->lock)

/* Lease lifetime reported for made-up leases, from the network's start. */
#define TEST_LEASE_SECONDS 3600

static virNetworkPtr
net_handle(virConnectPtr conn, const TestNet *net)
{
    return obj_network_new(conn, net->def->name, net->def->uuid);
}

static const NetDef *
net_config(const TestNet *net)
{
    return net->new_def ? net->new_def : net->def;
}

static void
net_start(TestState *state, TestNet *net)
{
    net->active = true;
    net->start_wall = g_get_real_time();
    test_state_emit_net(state, net, VIR_NETWORK_EVENT_STARTED, 0);
}

/* Same rules as domains: same name with another UUID or same UUID with
 * another name is refused; *ret_existing is the same object, if any. */
static bool
net_check_duplicate(TestState *state, const NetDef *def, TestNet **ret_existing, GError **error)
{
    TestNet *by_name = test_state_find_net_by_name(state, def->name);
    TestNet *by_uuid = test_state_find_net_by_uuid(state, def->uuid);

    *ret_existing = NULL;
    if (!redefine_check("network", def->name, def->uuid, by_name ? by_name->def->uuid : NULL,
                        by_uuid ? by_uuid->def->name : NULL, TEST_ERROR, error))
        return false;
    *ret_existing = by_name;
    return true;
}

/* ---- listing ---- */

static int
count_networks(virConnectPtr conn, bool active)
{
    TestState *state = test_state_of(conn);
    int n = 0;
    LOCK_STATE(state);

    for (guint i = 0; i < state->networks->len; i++) {
        const TestNet *net = g_ptr_array_index(state->networks, i);

        if (net->active == active)
            n++;
    }
    return n;
}

static int
list_networks(virConnectPtr conn, bool active, char **names, int maxnames)
{
    TestState *state = test_state_of(conn);
    int n = 0;
    LOCK_STATE(state);

    for (guint i = 0; i < state->networks->len && n < maxnames; i++) {
        const TestNet *net = g_ptr_array_index(state->networks, i);

        if (net->active == active)
            names[n++] = g_strdup(net->def->name);
    }
    return n;
}

int
test_connect_num_of_networks(virConnectPtr conn, GError **error G_GNUC_UNUSED)
{
    return count_networks(conn, true);
}

int
test_connect_num_of_defined_networks(virConnectPtr conn, GError **error G_GNUC_UNUSED)
{
    return count_networks(conn, false);
}

int
test_connect_list_networks(virConnectPtr conn, char **names, int maxnames,
                           GError **error G_GNUC_UNUSED)
{
    return list_networks(conn, true, names, maxnames);
}

int
test_connect_list_defined_networks(virConnectPtr conn, char **names, int maxnames,
                                   GError **error G_GNUC_UNUSED)
{
    return list_networks(conn, false, names, maxnames);
}

static bool
filter_pair(unsigned int flags, unsigned int yes, unsigned int no, bool value)
{
    if (!(flags & (yes | no)))
        return true;
    return ((flags & yes) && value) || ((flags & no) && !value);
}

int
test_connect_list_all_networks(virConnectPtr conn, virNetworkPtr **ret_networks, unsigned int flags,
                               GError **error)
{
    TestState *state = test_state_of(conn);
    g_autoptr(GPtrArray) found = g_ptr_array_new();
    int n;
    LOCK_STATE(state);

    if (!test_check_flags(flags, 0x3f, "test_connect_list_all_networks", error))
        return -1;
    for (guint i = 0; i < state->networks->len; i++) {
        TestNet *net = g_ptr_array_index(state->networks, i);

        if (!filter_pair(flags, VIR_CONNECT_LIST_NETWORKS_ACTIVE,
                         VIR_CONNECT_LIST_NETWORKS_INACTIVE, net->active) ||
            !filter_pair(flags, VIR_CONNECT_LIST_NETWORKS_PERSISTENT,
                         VIR_CONNECT_LIST_NETWORKS_TRANSIENT, net->persistent) ||
            !filter_pair(flags, VIR_CONNECT_LIST_NETWORKS_AUTOSTART,
                         VIR_CONNECT_LIST_NETWORKS_NO_AUTOSTART, net->autostart))
            continue;
        g_ptr_array_add(found, ret_networks ? (gpointer)net_handle(conn, net) : net);
    }
    n = (int)found->len;
    if (ret_networks) {
        g_ptr_array_add(found, NULL);
        *ret_networks = (virNetworkPtr *)g_ptr_array_steal(found, NULL);
    }
    return n;
}

/* ---- lookups ---- */

virNetworkPtr
test_network_lookup_by_name(virConnectPtr conn, const char *name, GError **error)
{
    TestState *state = test_state_of(conn);
    TestNet *net;
    LOCK_STATE(state);

    if (!(net = test_state_find_net_by_name(state, name))) {
        g_set_error(error, TEST_ERROR, VIR_ERR_NO_NETWORK, "no network with matching name '%s'",
                    name);
        return NULL;
    }
    return net_handle(conn, net);
}

virNetworkPtr
test_network_lookup_by_uuid(virConnectPtr conn, const unsigned char *uuid, GError **error)
{
    TestState *state = test_state_of(conn);
    TestNet *net;
    char uuidstr[UUID_STRING_LEN];
    LOCK_STATE(state);

    if (!(net = test_state_find_net_by_uuid(state, uuid))) {
        uuid_format(uuid, uuidstr);
        g_set_error(error, TEST_ERROR, VIR_ERR_NO_NETWORK, "no network with matching uuid '%s'",
                    uuidstr);
        return NULL;
    }
    return net_handle(conn, net);
}

/* ---- definition and lifecycle ---- */

virNetworkPtr
test_network_define_xml(virConnectPtr conn, const char *xml, unsigned int flags, GError **error)
{
    TestState *state = test_state_of(conn);
    g_autoptr(NetDef) def = NULL;
    TestNet *net;

    if (!test_check_flags(flags, VIR_NETWORK_DEFINE_VALIDATE, "test_network_define_xml", error))
        return NULL;
    def = netdef_parse_string(
        xml, (flags & VIR_NETWORK_DEFINE_VALIDATE) ? NETDEF_PARSE_VALIDATE : 0, error);
    if (!def)
        return NULL;

    LOCK_STATE(state);
    if (!net_check_duplicate(state, def, &net, error))
        return NULL;
    if (net) {
        if (net->active) {
            netdef_free(net->new_def);
            net->new_def = g_steal_pointer(&def);
        } else {
            netdef_free(net->def);
            net->def = g_steal_pointer(&def);
        }
        net->persistent = true;
    } else {
        net = g_new0(TestNet, 1);
        net->def = g_steal_pointer(&def);
        net->persistent = true;
        test_state_add_net(state, net);
    }
    test_state_emit_net(state, net, VIR_NETWORK_EVENT_DEFINED, 0);
    return net_handle(conn, net);
}

virNetworkPtr
test_network_create_xml(virConnectPtr conn, const char *xml, unsigned int flags, GError **error)
{
    TestState *state = test_state_of(conn);
    g_autoptr(NetDef) def = NULL;
    TestNet *net;

    if (!test_check_flags(flags, VIR_NETWORK_CREATE_VALIDATE, "test_network_create_xml", error))
        return NULL;
    def = netdef_parse_string(
        xml, (flags & VIR_NETWORK_CREATE_VALIDATE) ? NETDEF_PARSE_VALIDATE : 0, error);
    if (!def)
        return NULL;

    LOCK_STATE(state);
    if (!net_check_duplicate(state, def, &net, error))
        return NULL;
    if (net && net->active) {
        g_set_error(error, TEST_ERROR, VIR_ERR_OPERATION_INVALID,
                    "network is already active as '%s'", net->def->name);
        return NULL;
    }
    if (net) {
        net->new_def = net->def;
        net->def = g_steal_pointer(&def);
    } else {
        net = g_new0(TestNet, 1);
        net->def = g_steal_pointer(&def);
        test_state_add_net(state, net);
    }
    net_start(state, net);
    return net_handle(conn, net);
}

bool
test_network_undefine(virNetworkPtr handle, GError **error)
{
    TestState *state = test_state_of(handle->conn);
    TestNet *net;
    LOCK_STATE(state);

    if (!(net = test_state_net_of_handle(state, handle, error)))
        return false;
    if (net->active) {
        g_set_error(error, TEST_ERROR, VIR_ERR_OPERATION_INVALID, "Network '%s' is still running",
                    net->def->name);
        return false;
    }
    test_state_emit_net(state, net, VIR_NETWORK_EVENT_UNDEFINED, 0);
    test_state_remove_net(state, net);
    return true;
}

bool
test_network_create(virNetworkPtr handle, GError **error)
{
    TestState *state = test_state_of(handle->conn);
    TestNet *net;
    LOCK_STATE(state);

    if (!(net = test_state_net_of_handle(state, handle, error)))
        return false;
    if (net->active) {
        g_set_error(error, TEST_ERROR, VIR_ERR_OPERATION_INVALID, "Network '%s' is already running",
                    net->def->name);
        return false;
    }
    net_start(state, net);
    return true;
}

bool
test_network_destroy(virNetworkPtr handle, GError **error)
{
    TestState *state = test_state_of(handle->conn);
    TestNet *net;
    LOCK_STATE(state);

    if (!(net = test_state_net_of_handle(state, handle, error)))
        return false;
    if (!net->active) {
        g_set_error(error, TEST_ERROR, VIR_ERR_OPERATION_INVALID, "network '%s' is not active",
                    net->def->name);
        return false;
    }
    net->active = false;
    if (net->new_def) {
        netdef_free(net->def);
        net->def = g_steal_pointer(&net->new_def);
    }
    test_state_emit_net(state, net, VIR_NETWORK_EVENT_STOPPED, 0);
    if (!net->persistent)
        test_state_remove_net(state, net);
    return true;
}

/* ---- queries ---- */

char *
test_network_get_xml_desc(virNetworkPtr handle, unsigned int flags, GError **error)
{
    TestState *state = test_state_of(handle->conn);
    TestNet *net;
    LOCK_STATE(state);

    if (!test_check_flags(flags, VIR_NETWORK_XML_INACTIVE, "test_network_get_xml_desc", error))
        return NULL;
    if (!(net = test_state_net_of_handle(state, handle, error)))
        return NULL;
    if (flags & VIR_NETWORK_XML_INACTIVE)
        return netdef_format(net_config(net), NETDEF_FORMAT_INACTIVE, error);
    return netdef_format(net->def, 0, error);
}

char *
test_network_get_bridge_name(virNetworkPtr handle, GError **error)
{
    TestState *state = test_state_of(handle->conn);
    TestNet *net;
    LOCK_STATE(state);

    if (!(net = test_state_net_of_handle(state, handle, error)))
        return NULL;
    if (!net->def->bridge) {
        g_set_error(error, TEST_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "network '%s' does not have a bridge name.", net->def->name);
        return NULL;
    }
    return g_strdup(net->def->bridge);
}

bool
test_network_get_autostart(virNetworkPtr handle, int *ret_autostart, GError **error)
{
    TestState *state = test_state_of(handle->conn);
    TestNet *net;
    LOCK_STATE(state);

    if (!(net = test_state_net_of_handle(state, handle, error)))
        return false;
    *ret_autostart = net->autostart ? 1 : 0;
    return true;
}

bool
test_network_set_autostart(virNetworkPtr handle, int autostart, GError **error)
{
    TestState *state = test_state_of(handle->conn);
    TestNet *net;
    LOCK_STATE(state);

    if (!(net = test_state_net_of_handle(state, handle, error)))
        return false;
    if (!net->persistent) {
        g_set_error(error, TEST_ERROR, VIR_ERR_OPERATION_INVALID,
                    "cannot set autostart for transient network");
        return false;
    }
    net->autostart = autostart != 0;
    return true;
}

int
test_network_is_active(virNetworkPtr handle, GError **error)
{
    TestState *state = test_state_of(handle->conn);
    TestNet *net;
    LOCK_STATE(state);

    if (!(net = test_state_net_of_handle(state, handle, error)))
        return -1;
    return net->active ? 1 : 0;
}

int
test_network_is_persistent(virNetworkPtr handle, GError **error)
{
    TestState *state = test_state_of(handle->conn);
    TestNet *net;
    LOCK_STATE(state);

    if (!(net = test_state_net_of_handle(state, handle, error)))
        return -1;
    return net->persistent ? 1 : 0;
}

/* ---- leases ---- */

static void
lease_free(virNetworkDHCPLeasePtr lease)
{
    if (!lease)
        return;
    g_free(lease->iface);
    g_free(lease->mac);
    g_free(lease->iaid);
    g_free(lease->ipaddr);
    g_free(lease->hostname);
    g_free(lease->clientid);
    g_free(lease);
}

static virNetworkDHCPLeasePtr
lease_new(const TestNet *net, const NetIpDef *ip, const char *mac, const char *addr,
          const char *hostname)
{
    virNetworkDHCPLeasePtr lease = g_new0(virNetworkDHCPLease, 1);
    bool v6 = ip->family == AF_INET6;

    lease->iface = g_strdup(net->def->bridge ? net->def->bridge : net->def->name);
    lease->expirytime = net->start_wall / G_USEC_PER_SEC + TEST_LEASE_SECONDS;
    lease->type = v6 ? VIR_IP_ADDR_TYPE_IPV6 : VIR_IP_ADDR_TYPE_IPV4;
    lease->mac = g_strdup(mac);
    lease->ipaddr = g_strdup(addr);
    lease->prefix = ip->prefix;
    lease->hostname = g_strdup(hostname);
    if (v6)
        lease->iaid = g_strdup("1");
    /* dnsmasq reports a client id of "01:" + MAC for DHCPv4 clients */
    lease->clientid = v6 || !mac ? NULL : g_strdup_printf("01:%s", mac);
    return lease;
}

/* The MAC a range's made-up client has: 52:54:00 plus the low three bytes
 * of @addr. False if @addr does not parse. */
static bool
range_mac(int family, const char *addr, char ret_mac[18])
{
    unsigned char bytes[16];
    size_t len = family == AF_INET6 ? 16 : 4;

    if (inet_pton(family, addr, bytes) != 1)
        return false;
    g_snprintf(ret_mac, 18, "52:54:00:%02x:%02x:%02x", bytes[len - 3], bytes[len - 2],
               bytes[len - 1]);
    return true;
}

static void
add_lease(GPtrArray *leases, const char *filter, virNetworkDHCPLeasePtr lease)
{
    if (filter && (!lease->mac || g_ascii_strcasecmp(filter, lease->mac) != 0)) {
        lease_free(lease);
        return;
    }
    g_ptr_array_add(leases, lease);
}

int
test_network_get_dhcp_leases(virNetworkPtr handle, const char *mac,
                             virNetworkDHCPLeasePtr **ret_leases, unsigned int flags,
                             GError **error)
{
    TestState *state = test_state_of(handle->conn);
    g_autoptr(GPtrArray) leases = g_ptr_array_new_with_free_func((GDestroyNotify)lease_free);
    TestNet *net;
    int n;
    LOCK_STATE(state);

    if (!test_check_flags(flags, 0, "test_network_get_dhcp_leases", error))
        return -1;
    if (!(net = test_state_net_of_handle(state, handle, error)))
        return -1;
    /* an inactive network has no DHCP server, hence no leases */
    for (guint i = 0; net->active && net->def->ips && i < net->def->ips->len; i++) {
        const NetIpDef *ip = g_ptr_array_index(net->def->ips, i);

        for (guint j = 0; ip->hosts && j < ip->hosts->len; j++) {
            const NetDhcpHost *host = g_ptr_array_index(ip->hosts, j);

            if (host->mac && host->ip)
                add_lease(leases, mac, lease_new(net, ip, host->mac, host->ip, host->name));
        }
        for (guint j = 0; ip->ranges && j < ip->ranges->len; j++) {
            const NetDhcpRange *range = g_ptr_array_index(ip->ranges, j);
            char range_client[18];

            if (range->start && range_mac(ip->family, range->start, range_client))
                add_lease(leases, mac, lease_new(net, ip, range_client, range->start, NULL));
        }
    }
    n = (int)leases->len;
    if (ret_leases) {
        g_ptr_array_set_free_func(leases, NULL);
        g_ptr_array_add(leases, NULL);
        *ret_leases = (virNetworkDHCPLeasePtr *)g_ptr_array_steal(leases, NULL);
    }
    return n;
}
