/*
 * libvirt-network.c: entry points for virtual networks
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "lib/api.h"
#include "lib/event-callbacks.h"
#include "util/uuid.h"

#define API_FROM VIR_FROM_NETWORK

/* Calls driver member @member(net, args...) returning bool; on failure
 * reports and returns -1 from the caller. */
#define NETWORK_CALL_BOOL(net, member, ...)                                                        \
    do {                                                                                           \
        g_autoptr(GError) error_ = NULL;                                                           \
        API_NEED_DRIVER((net)->conn, member, -1);                                                  \
        if (!(net)->conn->driver->member((net)__VA_OPT__(, ) __VA_ARGS__, &error_)) {              \
            api_fail((net)->conn, error_);                                                         \
            return -1;                                                                             \
        }                                                                                          \
    } while (0)

/* ---- listing and lookup ---------------------------------------------- */

int
virConnectNumOfNetworks(virConnectPtr conn)
{
    g_autoptr(GError) error = NULL;
    int ret;

    API_ENTER();
    API_CHECK_CONN(conn, -1);
    API_NEED_DRIVER(conn, connect_num_of_networks, -1);
    if ((ret = conn->driver->connect_num_of_networks(conn, &error)) < 0)
        api_fail(conn, error);
    return ret;
}

int
virConnectListNetworks(virConnectPtr conn, char **const names, int maxnames)
{
    g_autoptr(GError) error = NULL;
    int ret;

    API_ENTER();
    API_CHECK_CONN(conn, -1);
    API_CHECK_ARRAY(conn, names, maxnames, -1);
    API_NEED_DRIVER(conn, connect_list_networks, -1);
    if ((ret = conn->driver->connect_list_networks(conn, names, maxnames, &error)) < 0)
        api_fail(conn, error);
    return ret;
}

int
virConnectNumOfDefinedNetworks(virConnectPtr conn)
{
    g_autoptr(GError) error = NULL;
    int ret;

    API_ENTER();
    API_CHECK_CONN(conn, -1);
    API_NEED_DRIVER(conn, connect_num_of_defined_networks, -1);
    if ((ret = conn->driver->connect_num_of_defined_networks(conn, &error)) < 0)
        api_fail(conn, error);
    return ret;
}

int
virConnectListDefinedNetworks(virConnectPtr conn, char **const names, int maxnames)
{
    g_autoptr(GError) error = NULL;
    int ret;

    API_ENTER();
    API_CHECK_CONN(conn, -1);
    API_CHECK_ARRAY(conn, names, maxnames, -1);
    API_NEED_DRIVER(conn, connect_list_defined_networks, -1);
    if ((ret = conn->driver->connect_list_defined_networks(conn, names, maxnames, &error)) < 0)
        api_fail(conn, error);
    return ret;
}

int
virConnectListAllNetworks(virConnectPtr conn, virNetworkPtr **nets, unsigned int flags)
{
    g_autoptr(GError) error = NULL;
    int ret;

    API_ENTER();
    if (nets)
        *nets = NULL;
    API_CHECK_CONN(conn, -1);
    API_NEED_DRIVER(conn, connect_list_all_networks, -1);
    if ((ret = conn->driver->connect_list_all_networks(conn, nets, flags, &error)) < 0)
        api_fail(conn, error);
    return ret;
}

virNetworkPtr
virNetworkLookupByName(virConnectPtr conn, const char *name)
{
    g_autoptr(GError) error = NULL;
    virNetworkPtr net;

    API_ENTER();
    API_CHECK_CONN(conn, NULL);
    API_CHECK_NONNULL(conn, name, NULL);
    API_NEED_DRIVER(conn, network_lookup_by_name, NULL);
    if (!(net = conn->driver->network_lookup_by_name(conn, name, &error)))
        api_fail(conn, error);
    return net;
}

virNetworkPtr
virNetworkLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    g_autoptr(GError) error = NULL;
    virNetworkPtr net;

    API_ENTER();
    API_CHECK_CONN(conn, NULL);
    API_CHECK_NONNULL(conn, uuid, NULL);
    API_NEED_DRIVER(conn, network_lookup_by_uuid, NULL);
    if (!(net = conn->driver->network_lookup_by_uuid(conn, uuid, &error)))
        api_fail(conn, error);
    return net;
}

virNetworkPtr
virNetworkLookupByUUIDString(virConnectPtr conn, const char *uuidstr)
{
    unsigned char uuid[UUID_LEN];

    API_ENTER();
    API_CHECK_CONN(conn, NULL);
    API_CHECK_NONNULL(conn, uuidstr, NULL);
    if (!uuid_parse(uuidstr, uuid))
        API_ARG_FAIL(conn, "uuidstr", "must be a valid UUID", NULL);
    return virNetworkLookupByUUID(conn, uuid);
}

/* ---- definition and lifecycle ---------------------------------------- */

/* Define or create from XML; @func names the public function in errors. */
static virNetworkPtr
network_from_xml(virConnectPtr conn, const char *xml, const char *argname, unsigned int flags,
                 bool create, const char *func)
{
    g_autoptr(GError) error = NULL;
    virNetworkPtr (*fn)(virConnectPtr, const char *, unsigned int, GError **);
    virNetworkPtr net;

    if (conn->flags & VIR_CONNECT_RO) {
        api_error_set(API_FROM, VIR_ERR_OPERATION_DENIED, "read only access prevents %s", func);
        api_error_dispatch(conn);
        return NULL;
    }
    if (!xml) {
        api_error_set(API_FROM, VIR_ERR_INVALID_ARG, "%s in %s must not be NULL", argname, func);
        api_error_dispatch(conn);
        return NULL;
    }
    fn = conn->driver
             ? (create ? conn->driver->network_create_xml : conn->driver->network_define_xml)
             : NULL;
    if (!fn) {
        api_error_set(API_FROM, VIR_ERR_NO_SUPPORT, "%s", func);
        api_error_dispatch(conn);
        return NULL;
    }
    if (!(net = fn(conn, xml, flags, &error)))
        api_fail(conn, error);
    return net;
}

virNetworkPtr
virNetworkDefineXML(virConnectPtr conn, const char *xml)
{
    API_ENTER();
    API_CHECK_CONN(conn, NULL);
    return network_from_xml(conn, xml, "xml", 0, false, __func__);
}

virNetworkPtr
virNetworkDefineXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags)
{
    API_ENTER();
    API_CHECK_CONN(conn, NULL);
    return network_from_xml(conn, xml, "xml", flags, false, __func__);
}

virNetworkPtr
virNetworkCreateXML(virConnectPtr conn, const char *xmlDesc)
{
    API_ENTER();
    API_CHECK_CONN(conn, NULL);
    return network_from_xml(conn, xmlDesc, "xmlDesc", 0, true, __func__);
}

virNetworkPtr
virNetworkCreateXMLFlags(virConnectPtr conn, const char *xmlDesc, unsigned int flags)
{
    API_ENTER();
    API_CHECK_CONN(conn, NULL);
    return network_from_xml(conn, xmlDesc, "xmlDesc", flags, true, __func__);
}

int
virNetworkUndefine(virNetworkPtr network)
{
    API_ENTER();
    API_CHECK_NETWORK(network, -1);
    API_CHECK_RW(network->conn, -1);
    NETWORK_CALL_BOOL(network, network_undefine);
    return 0;
}

int
virNetworkCreate(virNetworkPtr network)
{
    API_ENTER();
    API_CHECK_NETWORK(network, -1);
    API_CHECK_RW(network->conn, -1);
    NETWORK_CALL_BOOL(network, network_create);
    return 0;
}

int
virNetworkDestroy(virNetworkPtr network)
{
    API_ENTER();
    API_CHECK_NETWORK(network, -1);
    API_CHECK_RW(network->conn, -1);
    NETWORK_CALL_BOOL(network, network_destroy);
    return 0;
}

/* ---- queries --------------------------------------------------------- */

char *
virNetworkGetXMLDesc(virNetworkPtr network, unsigned int flags)
{
    g_autoptr(GError) error = NULL;
    char *xml;

    API_ENTER();
    API_CHECK_NETWORK(network, NULL);
    API_NEED_DRIVER(network->conn, network_get_xml_desc, NULL);
    if (!(xml = network->conn->driver->network_get_xml_desc(network, flags, &error)))
        api_fail(network->conn, error);
    return xml;
}

const char *
virNetworkGetName(virNetworkPtr network)
{
    API_ENTER();
    API_CHECK_NETWORK(network, NULL);
    return network->name;
}

int
virNetworkGetUUID(virNetworkPtr network, unsigned char *uuid)
{
    API_ENTER();
    API_CHECK_NETWORK(network, -1);
    API_CHECK_NONNULL(network->conn, uuid, -1);
    memcpy(uuid, network->uuid, VIR_UUID_BUFLEN);
    return 0;
}

int
virNetworkGetUUIDString(virNetworkPtr network, char *buf)
{
    API_ENTER();
    API_CHECK_NETWORK(network, -1);
    API_CHECK_NONNULL(network->conn, buf, -1);
    uuid_format(network->uuid, buf);
    return 0;
}

char *
virNetworkGetBridgeName(virNetworkPtr network)
{
    g_autoptr(GError) error = NULL;
    char *ret;

    API_ENTER();
    API_CHECK_NETWORK(network, NULL);
    API_NEED_DRIVER(network->conn, network_get_bridge_name, NULL);
    if (!(ret = network->conn->driver->network_get_bridge_name(network, &error)))
        api_fail(network->conn, error);
    return ret;
}

int
virNetworkGetAutostart(virNetworkPtr network, int *autostart)
{
    API_ENTER();
    API_CHECK_NETWORK(network, -1);
    API_CHECK_NONNULL(network->conn, autostart, -1);
    NETWORK_CALL_BOOL(network, network_get_autostart, autostart);
    return 0;
}

int
virNetworkSetAutostart(virNetworkPtr network, int autostart)
{
    API_ENTER();
    API_CHECK_NETWORK(network, -1);
    API_CHECK_RW(network->conn, -1);
    NETWORK_CALL_BOOL(network, network_set_autostart, autostart);
    return 0;
}

int
virNetworkUpdate(virNetworkPtr network, unsigned int command, unsigned int section, int parentIndex,
                 const char *xml, unsigned int flags)
{
    API_ENTER();
    API_CHECK_NETWORK(network, -1);
    API_CHECK_RW(network->conn, -1);
    API_CHECK_NONNULL(network->conn, xml, -1);
    NETWORK_CALL_BOOL(network, network_update, command, section, parentIndex, xml, flags);
    return 0;
}

int
virNetworkIsActive(virNetworkPtr net)
{
    g_autoptr(GError) error = NULL;
    int ret;

    API_ENTER();
    API_CHECK_NETWORK(net, -1);
    API_NEED_DRIVER(net->conn, network_is_active, -1);
    if ((ret = net->conn->driver->network_is_active(net, &error)) < 0)
        api_fail(net->conn, error);
    return ret;
}

int
virNetworkIsPersistent(virNetworkPtr net)
{
    g_autoptr(GError) error = NULL;
    int ret;

    API_ENTER();
    API_CHECK_NETWORK(net, -1);
    API_NEED_DRIVER(net->conn, network_is_persistent, -1);
    if ((ret = net->conn->driver->network_is_persistent(net, &error)) < 0)
        api_fail(net->conn, error);
    return ret;
}

virConnectPtr
virNetworkGetConnect(virNetworkPtr network)
{
    API_ENTER();
    API_CHECK_NETWORK(network, NULL);
    return network->conn;
}

int
virNetworkGetDHCPLeases(virNetworkPtr network, const char *mac, virNetworkDHCPLeasePtr **leases,
                        unsigned int flags)
{
    g_autoptr(GError) error = NULL;
    int ret;

    API_ENTER();
    if (leases)
        *leases = NULL;
    API_CHECK_NETWORK(network, -1);
    API_NEED_DRIVER(network->conn, network_get_dhcp_leases, -1);
    if ((ret = network->conn->driver->network_get_dhcp_leases(network, mac, leases, flags,
                                                              &error)) < 0)
        api_fail(network->conn, error);
    return ret;
}

void
virNetworkDHCPLeaseFree(virNetworkDHCPLeasePtr lease)
{
    if (!lease)
        return;
    /* Allocated by drivers with g_malloc: malloc on every GLib we support,
     * but freed here through GLib to stay exact. */
    g_free(lease->iface);
    g_free(lease->mac);
    g_free(lease->iaid);
    g_free(lease->ipaddr);
    g_free(lease->hostname);
    g_free(lease->clientid);
    g_free(lease);
}

int
virNetworkRef(virNetworkPtr network)
{
    API_ENTER();
    API_CHECK_NETWORK(network, -1);
    obj_network_ref(network);
    return 0;
}

int
virNetworkFree(virNetworkPtr network)
{
    API_ENTER();
    API_CHECK_NETWORK(network, -1);
    obj_network_unref(network);
    return 0;
}

/* ---- events ---------------------------------------------------------- */

/* One past the last virNetworkEventID of the libvirt API level we follow. */
#define NETWORK_EVENT_ID_LAST (VIR_NETWORK_EVENT_ID_LIFECYCLE + 1)

int
virConnectNetworkEventRegisterAny(virConnectPtr conn, virNetworkPtr net, int eventID,
                                  virConnectNetworkEventGenericCallback cb, void *opaque,
                                  virFreeCallback freecb)
{
    g_autoptr(GError) error = NULL;
    int id;

    API_ENTER();
    API_CHECK_CONN(conn, -1);
    if (net) {
        API_CHECK_NETWORK(net, -1);
        if (net->conn != conn) {
            api_error_set(API_FROM, VIR_ERR_INVALID_ARG, "network '%s' must match connection",
                          net->name);
            api_error_dispatch(conn);
            return -1;
        }
    }
    API_CHECK_NONNULL(conn, cb, -1);
    API_CHECK_NONNEGATIVE(conn, eventID, -1);
    if (eventID >= NETWORK_EVENT_ID_LAST) {
        api_error_set(API_FROM, VIR_ERR_INVALID_ARG, "eventID must be less than %d",
                      NETWORK_EVENT_ID_LAST);
        api_error_dispatch(conn);
        return -1;
    }
    if ((id = conn_events_register(conn, EVENT_FAMILY_NETWORK, eventID, net ? net->uuid : NULL,
                                   (ConnEventFunc)cb, opaque, freecb, &error)) < 0)
        api_fail(conn, error);
    return id;
}

int
virConnectNetworkEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    g_autoptr(GError) error = NULL;

    API_ENTER();
    API_CHECK_CONN(conn, -1);
    API_CHECK_NONNEGATIVE(conn, callbackID, -1);
    if (!conn_events_deregister(conn, EVENT_FAMILY_NETWORK, callbackID, &error)) {
        api_fail(conn, error);
        return -1;
    }
    return 0;
}
