/*
 * driver.h: the table every connection driver fills (STYLE.md §2)
 *
 * lib/ validates arguments and read-only access, then calls the driver of
 * the connection; a NULL member means VIR_ERR_NO_SUPPORT, reported by lib/.
 * Members report failure through GError (code = virErrorNumber, domain
 * quark from util/error.h) and return false / NULL / -1.
 *
 * Handles returned to lib/ are new references (obj_domain_new()).
 *
 * Must not block: the agent answers these members on its main loop, so an
 * implementation keeps them in memory (no disk, no child process, no
 * monitor round trip; locks held only briefly by writers): get_type,
 * get_lib_version, get_hostname, the lookups, num_of/list (not list_all),
 * domain get_info/get_state/get_os_type/get_max_memory/get_vcpus_flags/
 * get_autostart/is_active/is_persistent/get_security_label/
 * has_managed_save_image, network get_bridge_name/get_autostart/is_active/
 * is_persistent. Everything else may block and runs on a worker.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include <libvirt/libvirt.h>

#include "lib/object.h"
#include "lib/uri.h"

typedef enum {
    DRV_OPEN_DECLINED, /* not this driver's URI: try the next one */
    DRV_OPEN_SUCCESS,
    DRV_OPEN_ERROR, /* this driver's URI, but opening failed (*error set) */
} DrvOpenStatus;

/* Which family an event registration is for. */
typedef enum {
    EVENT_FAMILY_DOMAIN,
    EVENT_FAMILY_NETWORK,
    EVENT_FAMILY_LAST,
} EventFamily;

struct HypervisorDriver {
    const char *name;

    /* Connection. connect_open sets conn->driver_data; connect_close frees it. */
    DrvOpenStatus (*connect_open)(virConnectPtr conn, const VirUri *uri, unsigned int flags,
                                  GError **error);
    void (*connect_close)(virConnectPtr conn);
    const char *(*connect_get_type)(virConnectPtr conn, GError **error);
    bool (*connect_get_version)(virConnectPtr conn, unsigned long *ret_version, GError **error);
    bool (*connect_get_lib_version)(virConnectPtr conn, unsigned long *ret_version, GError **error);
    char *(*connect_get_hostname)(virConnectPtr conn, GError **error);
    char *(*connect_get_capabilities)(virConnectPtr conn, GError **error);
    char *(*connect_get_sysinfo)(virConnectPtr conn, unsigned int flags, GError **error);
    int (*connect_get_max_vcpus)(virConnectPtr conn, const char *type, GError **error);
    int (*connect_is_alive)(virConnectPtr conn);
    int (*connect_is_secure)(virConnectPtr conn);
    int (*connect_is_encrypted)(virConnectPtr conn);
    bool (*connect_set_keep_alive)(virConnectPtr conn, int interval, unsigned int count,
                                   GError **error);
    bool (*node_get_info)(virConnectPtr conn, virNodeInfoPtr info, GError **error);
    bool (*node_get_free_memory)(virConnectPtr conn, unsigned long long *ret_bytes, GError **error);

    /* Domains: listing and lookup */
    int (*connect_num_of_domains)(virConnectPtr conn, GError **error);
    int (*connect_list_domains)(virConnectPtr conn, int *ids, int maxids, GError **error);
    int (*connect_num_of_defined_domains)(virConnectPtr conn, GError **error);
    int (*connect_list_defined_domains)(virConnectPtr conn, char **names, int maxnames,
                                        GError **error);
    /* *ret_domains is a NULL-terminated array (NULL if @ret_domains is NULL) */
    int (*connect_list_all_domains)(virConnectPtr conn, virDomainPtr **ret_domains,
                                    unsigned int flags, GError **error);
    virDomainPtr (*domain_lookup_by_id)(virConnectPtr conn, int id, GError **error);
    virDomainPtr (*domain_lookup_by_name)(virConnectPtr conn, const char *name, GError **error);
    virDomainPtr (*domain_lookup_by_uuid)(virConnectPtr conn, const unsigned char *uuid,
                                          GError **error);

    /* Domains: definition and lifecycle. Calls that start or stop a domain
     * update dom->id. */
    virDomainPtr (*domain_define_xml)(virConnectPtr conn, const char *xml, unsigned int flags,
                                      GError **error);
    bool (*domain_undefine)(virDomainPtr dom, unsigned int flags, GError **error);
    bool (*domain_create)(virDomainPtr dom, unsigned int flags, GError **error);
    virDomainPtr (*domain_create_xml)(virConnectPtr conn, const char *xml, unsigned int flags,
                                      GError **error);
    bool (*domain_destroy)(virDomainPtr dom, unsigned int flags, GError **error);
    bool (*domain_shutdown)(virDomainPtr dom, unsigned int flags, GError **error);
    bool (*domain_reboot)(virDomainPtr dom, unsigned int flags, GError **error);
    bool (*domain_reset)(virDomainPtr dom, unsigned int flags, GError **error);
    bool (*domain_suspend)(virDomainPtr dom, GError **error);
    bool (*domain_resume)(virDomainPtr dom, GError **error);

    /* Domains: queries */
    bool (*domain_get_info)(virDomainPtr dom, virDomainInfoPtr info, GError **error);
    bool (*domain_get_state)(virDomainPtr dom, int *ret_state, int *ret_reason, unsigned int flags,
                             GError **error);
    char *(*domain_get_xml_desc)(virDomainPtr dom, unsigned int flags, GError **error);
    char *(*domain_get_os_type)(virDomainPtr dom, GError **error);
    bool (*domain_get_max_memory)(virDomainPtr dom, unsigned long long *ret_kib, GError **error);
    int (*domain_get_vcpus_flags)(virDomainPtr dom, unsigned int flags, GError **error);
    bool (*domain_get_autostart)(virDomainPtr dom, int *ret_autostart, GError **error);
    bool (*domain_set_autostart)(virDomainPtr dom, int autostart, GError **error);
    int (*domain_is_active)(virDomainPtr dom, GError **error);
    int (*domain_is_persistent)(virDomainPtr dom, GError **error);
    bool (*node_get_security_model)(virConnectPtr conn, virSecurityModelPtr ret_model,
                                    GError **error);
    bool (*domain_get_security_label)(virDomainPtr dom, virSecurityLabelPtr ret_label,
                                      GError **error);
    int (*domain_has_managed_save_image)(virDomainPtr dom, unsigned int flags, GError **error);

    /* Networks */
    int (*connect_num_of_networks)(virConnectPtr conn, GError **error);
    int (*connect_list_networks)(virConnectPtr conn, char **names, int maxnames, GError **error);
    int (*connect_num_of_defined_networks)(virConnectPtr conn, GError **error);
    int (*connect_list_defined_networks)(virConnectPtr conn, char **names, int maxnames,
                                         GError **error);
    int (*connect_list_all_networks)(virConnectPtr conn, virNetworkPtr **ret_networks,
                                     unsigned int flags, GError **error);
    virNetworkPtr (*network_lookup_by_name)(virConnectPtr conn, const char *name, GError **error);
    virNetworkPtr (*network_lookup_by_uuid)(virConnectPtr conn, const unsigned char *uuid,
                                            GError **error);
    virNetworkPtr (*network_define_xml)(virConnectPtr conn, const char *xml, unsigned int flags,
                                        GError **error);
    virNetworkPtr (*network_create_xml)(virConnectPtr conn, const char *xml, unsigned int flags,
                                        GError **error);
    bool (*network_undefine)(virNetworkPtr net, GError **error);
    bool (*network_create)(virNetworkPtr net, GError **error);
    bool (*network_destroy)(virNetworkPtr net, GError **error);
    char *(*network_get_xml_desc)(virNetworkPtr net, unsigned int flags, GError **error);
    char *(*network_get_bridge_name)(virNetworkPtr net, GError **error);
    bool (*network_get_autostart)(virNetworkPtr net, int *ret_autostart, GError **error);
    bool (*network_set_autostart)(virNetworkPtr net, int autostart, GError **error);
    /* virNetworkUpdate; @command and @section in the public API's order */
    bool (*network_update)(virNetworkPtr net, unsigned int command, unsigned int section,
                           int parent_index, const char *xml, unsigned int flags, GError **error);
    int (*network_is_active)(virNetworkPtr net, GError **error);
    int (*network_is_persistent)(virNetworkPtr net, GError **error);
    /* *ret_leases is a NULL-terminated array (NULL if @ret_leases is NULL) */
    int (*network_get_dhcp_leases)(virNetworkPtr net, const char *mac,
                                   virNetworkDHCPLeasePtr **ret_leases, unsigned int flags,
                                   GError **error);

    /* Events. lib/ keeps the callbacks (lib/event-callbacks.h); these hooks
     * tell a driver that the first registration for (@family, @event_id)
     * appeared or the last one went, so a remote driver can forward that.
     * Drivers deliver events with conn_events_emit_*(). */
    bool (*connect_event_watch)(virConnectPtr conn, EventFamily family, int event_id, bool enable,
                                GError **error);
};

/* The drivers, tried in order by virConnectOpen (lib/driver-registry.c). */
extern const HypervisorDriver test_driver;
extern const HypervisorDriver remote_driver;
