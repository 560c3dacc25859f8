/*
 * dispatch-network.c: network procedures
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>

#include "agent/dispatch-priv.h"
#include "lib/object.h"
#include "util/error.h"

#define DISPATCH_ERROR error_quark(VIR_FROM_RPC)
#define NETWORK_FROM VIR_FROM_NETWORK

#define DRV(call) ((call)->conn->driver)

/* ---- listing and lookup -------------------------------------------------- */

static bool
network_check_max(DispatchCall *call, int max, GError **error)
{
    if (max < 0) {
        g_set_error(error, error_quark(NETWORK_FROM), VIR_ERR_INVALID_ARG,
                    "maxnames in %s must be zero or greater", call->entry->api);
        return false;
    }
    if (max > RPC_NETWORK_LIST_MAX) {
        g_set_error(error, DISPATCH_ERROR, VIR_ERR_RPC, "maxnames %d over the limit of %d", max,
                    RPC_NETWORK_LIST_MAX);
        return false;
    }
    return true;
}

static bool
network_num_of_networks(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcConnectNumOfNetworksRet *r = ret;

    DISPATCH_NEED(call, connect_num_of_networks, error);
    return (r->num = DRV(call)->connect_num_of_networks(call->conn, error)) >= 0;
}

static bool
network_num_of_defined(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcConnectNumOfDefinedNetworksRet *r = ret;

    DISPATCH_NEED(call, connect_num_of_defined_networks, error);
    return (r->num = DRV(call)->connect_num_of_defined_networks(call->conn, error)) >= 0;
}

/* The driver members listing names. */
typedef int (*NetworkListFunc)(virConnectPtr conn, char **names, int maxnames, GError **error);

static bool
network_list_names(DispatchCall *call, NetworkListFunc func, int maxnames, u_int *ret_len,
                   RpcStr **ret_val, GError **error)
{
    g_autofree char **names = NULL;
    int n;

    if (!func)
        return dispatch_no_support(call, error);
    if (!network_check_max(call, maxnames, error))
        return false;
    names = g_new0(char *, MAX(maxnames, 1));
    if ((n = func(call->conn, names, maxnames, error)) < 0)
        return false;
    dispatch_take_names(ret_len, ret_val, names, n);
    return true;
}

static bool
network_list_networks(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcConnectListNetworksRet *r = ret;

    return network_list_names(call, DRV(call)->connect_list_networks,
                              ((RpcConnectListNetworksArgs *)args)->maxnames, &r->names.names_len,
                              &r->names.names_val, error);
}

static bool
network_list_defined(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcConnectListDefinedNetworksRet *r = ret;

    return network_list_names(call, DRV(call)->connect_list_defined_networks,
                              ((RpcConnectListDefinedNetworksArgs *)args)->maxnames,
                              &r->names.names_len, &r->names.names_val, error);
}

static bool
network_list_all(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcConnectListAllNetworksArgs *a = args;
    RpcConnectListAllNetworksRet *r = ret;
    virNetworkPtr *nets = NULL;
    bool ok = true;
    int n;

    DISPATCH_NEED(call, connect_list_all_networks, error);
    n = DRV(call)->connect_list_all_networks(call->conn, a->need_results ? &nets : NULL, a->flags,
                                             error);
    if (n < 0)
        return false;
    if (nets && n > RPC_NETWORK_LIST_MAX) {
        g_set_error(error, DISPATCH_ERROR, VIR_ERR_RPC, "Too many networks '%d' for limit '%d'", n,
                    RPC_NETWORK_LIST_MAX);
        ok = false;
    } else if (nets) {
        r->nets.nets_len = (u_int)n;
        r->nets.nets_val = g_new0(RpcNetwork, MAX(n, 1));
        for (int i = 0; i < n; i++)
            dispatch_make_network(&r->nets.nets_val[i], nets[i]);
    }
    r->ret = (u_int)n;
    for (int i = 0; nets && nets[i]; i++)
        obj_network_unref(nets[i]);
    g_free(nets);
    return ok;
}

static bool
network_reply(virNetworkPtr net, RpcNetwork *ret_net)
{
    if (!net)
        return false;
    dispatch_make_network(ret_net, net);
    obj_network_unref(net);
    return true;
}

static bool
network_lookup_by_name(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcNetworkLookupByNameArgs *a = args;

    DISPATCH_NEED(call, network_lookup_by_name, error);
    return network_reply(DRV(call)->network_lookup_by_name(call->conn, a->name, error),
                         &((RpcNetworkLookupByNameRet *)ret)->net);
}

static bool
network_lookup_by_uuid(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcNetworkLookupByUuidArgs *a = args;

    DISPATCH_NEED(call, network_lookup_by_uuid, error);
    return network_reply(
        DRV(call)->network_lookup_by_uuid(call->conn, (const unsigned char *)a->uuid, error),
        &((RpcNetworkLookupByUuidRet *)ret)->net);
}

/* ---- definition and lifecycle --------------------------------------------- */

static bool
network_define(DispatchCall *call, const char *xml, unsigned int flags, RpcNetwork *ret_net,
               GError **error)
{
    DISPATCH_NEED(call, network_define_xml, error);
    return network_reply(DRV(call)->network_define_xml(call->conn, xml, flags, error), ret_net);
}

static bool
network_define_xml(DispatchCall *call, void *args, void *ret, GError **error)
{
    return network_define(call, ((RpcNetworkDefineXmlArgs *)args)->xml, 0,
                          &((RpcNetworkDefineXmlRet *)ret)->net, error);
}

static bool
network_define_xml_flags(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcNetworkDefineXmlFlagsArgs *a = args;

    return network_define(call, a->xml, a->flags, &((RpcNetworkDefineXmlFlagsRet *)ret)->net,
                          error);
}

static bool
network_create_with(DispatchCall *call, const char *xml, unsigned int flags, RpcNetwork *ret_net,
                    GError **error)
{
    DISPATCH_NEED(call, network_create_xml, error);
    return network_reply(DRV(call)->network_create_xml(call->conn, xml, flags, error), ret_net);
}

static bool
network_create_xml(DispatchCall *call, void *args, void *ret, GError **error)
{
    return network_create_with(call, ((RpcNetworkCreateXmlArgs *)args)->xml, 0,
                               &((RpcNetworkCreateXmlRet *)ret)->net, error);
}

static bool
network_create_xml_flags(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcNetworkCreateXmlFlagsArgs *a = args;

    return network_create_with(call, a->xml, a->flags, &((RpcNetworkCreateXmlFlagsRet *)ret)->net,
                               error);
}

/* The driver members taking only the network. */
typedef bool (*NetworkFunc)(virNetworkPtr net, GError **error);

static bool
network_call(DispatchCall *call, NetworkFunc func, const RpcNetwork *wire, GError **error)
{
    g_autoptr(virNetwork) net = NULL;

    if (!func)
        return dispatch_no_support(call, error);
    net = dispatch_get_network(call, wire);
    return func(net, error);
}

static bool
network_undefine(DispatchCall *call, void *args, void *ret, GError **error)
{
    return network_call(call, DRV(call)->network_undefine, &((RpcNetworkUndefineArgs *)args)->net,
                        error);
}

static bool
network_create(DispatchCall *call, void *args, void *ret, GError **error)
{
    return network_call(call, DRV(call)->network_create, &((RpcNetworkCreateArgs *)args)->net,
                        error);
}

static bool
network_destroy(DispatchCall *call, void *args, void *ret, GError **error)
{
    return network_call(call, DRV(call)->network_destroy, &((RpcNetworkDestroyArgs *)args)->net,
                        error);
}

/* ---- queries ----------------------------------------------------------------- */

static bool
network_get_xml_desc(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcNetworkGetXmlDescArgs *a = args;
    RpcNetworkGetXmlDescRet *r = ret;
    g_autoptr(virNetwork) net = NULL;

    DISPATCH_NEED(call, network_get_xml_desc, error);
    net = dispatch_get_network(call, &a->net);
    return (r->xml = DRV(call)->network_get_xml_desc(net, a->flags, error)) != NULL;
}

static bool
network_get_bridge_name(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcNetworkGetBridgeNameRet *r = ret;
    g_autoptr(virNetwork) net = NULL;

    DISPATCH_NEED(call, network_get_bridge_name, error);
    net = dispatch_get_network(call, &((RpcNetworkGetBridgeNameArgs *)args)->net);
    return (r->name = DRV(call)->network_get_bridge_name(net, error)) != NULL;
}

static bool
network_get_autostart(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcNetworkGetAutostartRet *r = ret;
    g_autoptr(virNetwork) net = NULL;

    DISPATCH_NEED(call, network_get_autostart, error);
    net = dispatch_get_network(call, &((RpcNetworkGetAutostartArgs *)args)->net);
    return DRV(call)->network_get_autostart(net, &r->autostart, error);
}

static bool
network_set_autostart(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcNetworkSetAutostartArgs *a = args;
    g_autoptr(virNetwork) net = NULL;

    DISPATCH_NEED(call, network_set_autostart, error);
    net = dispatch_get_network(call, &a->net);
    return DRV(call)->network_set_autostart(net, a->autostart, error);
}

static bool
network_update(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcNetworkUpdateArgs *a = args;
    g_autoptr(virNetwork) net = NULL;

    DISPATCH_NEED(call, network_update, error);
    net = dispatch_get_network(call, &a->net);
    return DRV(call)->network_update(net, a->command, a->section, a->parent_index, a->xml, a->flags,
                                     error);
}

static bool
network_is_active(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcNetworkIsActiveRet *r = ret;
    g_autoptr(virNetwork) net = NULL;

    DISPATCH_NEED(call, network_is_active, error);
    net = dispatch_get_network(call, &((RpcNetworkIsActiveArgs *)args)->net);
    return (r->active = DRV(call)->network_is_active(net, error)) >= 0;
}

static bool
network_is_persistent(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcNetworkIsPersistentRet *r = ret;
    g_autoptr(virNetwork) net = NULL;

    DISPATCH_NEED(call, network_is_persistent, error);
    net = dispatch_get_network(call, &((RpcNetworkIsPersistentArgs *)args)->net);
    return (r->persistent = DRV(call)->network_is_persistent(net, error)) >= 0;
}

/* An optional string of a reply (owned copy), absent for NULL. */
static RpcOStr
network_ostr(const char *text)
{
    RpcOStr o;

    if (!text)
        return NULL;
    o = g_new(RpcStr, 1);
    *o = g_strdup(text);
    return o;
}

static bool
network_get_dhcp_leases(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcNetworkGetDhcpLeasesArgs *a = args;
    RpcNetworkGetDhcpLeasesRet *r = ret;
    g_autoptr(virNetwork) net = NULL;
    virNetworkDHCPLeasePtr *leases = NULL;
    bool ok = true;
    int n;

    DISPATCH_NEED(call, network_get_dhcp_leases, error);
    net = dispatch_get_network(call, &a->net);
    n = DRV(call)->network_get_dhcp_leases(net, a->mac ? *a->mac : NULL,
                                           a->need_results ? &leases : NULL, a->flags, error);
    if (n < 0)
        return false;
    if (leases && n > RPC_DHCP_LEASE_LIST_MAX) {
        g_set_error(error, DISPATCH_ERROR, VIR_ERR_RPC,
                    "Number of leases is %d, which exceeds max limit: %d", n,
                    RPC_DHCP_LEASE_LIST_MAX);
        ok = false;
    } else if (leases) {
        r->leases.leases_len = (u_int)n;
        r->leases.leases_val = g_new0(RpcDhcpLease, MAX(n, 1));
        for (int i = 0; i < n; i++) {
            const virNetworkDHCPLease *l = leases[i];
            RpcDhcpLease *w = &r->leases.leases_val[i];

            w->iface = g_strdup(l->iface ? l->iface : "");
            w->expirytime = l->expirytime;
            w->type = l->type;
            w->mac = network_ostr(l->mac);
            w->iaid = network_ostr(l->iaid);
            w->ipaddr = g_strdup(l->ipaddr ? l->ipaddr : "");
            w->prefix = l->prefix;
            w->hostname = network_ostr(l->hostname);
            w->clientid = network_ostr(l->clientid);
        }
    }
    r->ret = (u_int)n;
    for (int i = 0; leases && leases[i]; i++)
        virNetworkDHCPLeaseFree(leases[i]);
    g_free(leases);
    return ok;
}

/* In-memory queries run on the main context (DISPATCH_MAIN); calls that
 * write files or drive processes go to the worker pool. */
#define ENTRY(proc, func, api) ENTRY_FLAGS(proc, func, api, 0)
#define ENTRY_MAIN(proc, func, api) ENTRY_FLAGS(proc, func, api, DISPATCH_MAIN)
#define ENTRY_FLAGS(proc, func, api, flags)                                                        \
    {                                                                                              \
        RPC_PROC_##proc, func, api, NETWORK_FROM, flags                                            \
    }

const DispatchEntry dispatch_network_entries[] = {
    ENTRY_MAIN(CONNECT_LIST_DEFINED_NETWORKS, network_list_defined,
               "virConnectListDefinedNetworks"),
    ENTRY_MAIN(CONNECT_LIST_NETWORKS, network_list_networks, "virConnectListNetworks"),
    ENTRY(NETWORK_CREATE, network_create, "virNetworkCreate"),
    ENTRY(NETWORK_CREATE_XML, network_create_xml, "virNetworkCreateXML"),
    ENTRY(NETWORK_DEFINE_XML, network_define_xml, "virNetworkDefineXML"),
    ENTRY(NETWORK_DESTROY, network_destroy, "virNetworkDestroy"),
    ENTRY(NETWORK_GET_XML_DESC, network_get_xml_desc, "virNetworkGetXMLDesc"),
    ENTRY_MAIN(NETWORK_GET_AUTOSTART, network_get_autostart, "virNetworkGetAutostart"),
    ENTRY_MAIN(NETWORK_GET_BRIDGE_NAME, network_get_bridge_name, "virNetworkGetBridgeName"),
    ENTRY_MAIN(NETWORK_LOOKUP_BY_NAME, network_lookup_by_name, "virNetworkLookupByName"),
    ENTRY_MAIN(NETWORK_LOOKUP_BY_UUID, network_lookup_by_uuid, "virNetworkLookupByUUID"),
    ENTRY(NETWORK_SET_AUTOSTART, network_set_autostart, "virNetworkSetAutostart"),
    ENTRY(NETWORK_UPDATE, network_update, "virNetworkUpdate"),
    ENTRY(NETWORK_UNDEFINE, network_undefine, "virNetworkUndefine"),
    ENTRY_MAIN(CONNECT_NUM_OF_DEFINED_NETWORKS, network_num_of_defined,
               "virConnectNumOfDefinedNetworks"),
    ENTRY_MAIN(CONNECT_NUM_OF_NETWORKS, network_num_of_networks, "virConnectNumOfNetworks"),
    ENTRY_MAIN(NETWORK_IS_ACTIVE, network_is_active, "virNetworkIsActive"),
    ENTRY_MAIN(NETWORK_IS_PERSISTENT, network_is_persistent, "virNetworkIsPersistent"),
    ENTRY(CONNECT_LIST_ALL_NETWORKS, network_list_all, "virConnectListAllNetworks"),
    ENTRY(NETWORK_GET_DHCP_LEASES, network_get_dhcp_leases, "virNetworkGetDHCPLeases"),
    ENTRY(NETWORK_DEFINE_XML_FLAGS, network_define_xml_flags, "virNetworkDefineXMLFlags"),
    ENTRY(NETWORK_CREATE_XML_FLAGS, network_create_xml_flags, "virNetworkCreateXMLFlags"),
};

const gsize dispatch_network_entries_count = G_N_ELEMENTS(dispatch_network_entries);
