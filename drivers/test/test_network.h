/*
 * test_network.h: network members of the test driver's table
 *
 * Each function implements the HypervisorDriver member of the same name
 * (lib/driver.h) on the in-memory state of the connection.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include <libvirt/libvirt.h>

/* Listing, with every VIR_CONNECT_LIST_NETWORKS_* filter. */
int test_connect_num_of_networks(virConnectPtr conn, GError **error);
int test_connect_list_networks(virConnectPtr conn, char **names, int maxnames, GError **error);
int test_connect_num_of_defined_networks(virConnectPtr conn, GError **error);
int test_connect_list_defined_networks(virConnectPtr conn, char **names, int maxnames,
                                       GError **error);
int test_connect_list_all_networks(virConnectPtr conn, virNetworkPtr **ret_networks,
                                   unsigned int flags, GError **error);

/* Lookups: a new handle, or VIR_ERR_NO_NETWORK. */
virNetworkPtr test_network_lookup_by_name(virConnectPtr conn, const char *name, GError **error);
virNetworkPtr test_network_lookup_by_uuid(virConnectPtr conn, const unsigned char *uuid,
                                          GError **error);

/* Definition and lifecycle. */
virNetworkPtr test_network_define_xml(virConnectPtr conn, const char *xml, unsigned int flags,
                                      GError **error);
virNetworkPtr test_network_create_xml(virConnectPtr conn, const char *xml, unsigned int flags,
                                      GError **error);
bool test_network_undefine(virNetworkPtr net, GError **error);
bool test_network_create(virNetworkPtr net, GError **error);
bool test_network_destroy(virNetworkPtr net, GError **error);

/* Queries and settings. */
char *test_network_get_xml_desc(virNetworkPtr net, unsigned int flags, GError **error);
char *test_network_get_bridge_name(virNetworkPtr net, GError **error);
bool test_network_get_autostart(virNetworkPtr net, int *ret_autostart, GError **error);
bool test_network_set_autostart(virNetworkPtr net, int autostart, GError **error);
int test_network_is_active(virNetworkPtr net, GError **error);
int test_network_is_persistent(virNetworkPtr net, GError **error);

/* Made-up leases of an active network: one per <host> with a MAC and an
 * address, and one at the start of each <range> (MAC 52:54:00 plus the low
 * three bytes of the address). @mac (may be NULL) keeps only that MAC. */
int test_network_get_dhcp_leases(virNetworkPtr net, const char *mac,
                                 virNetworkDHCPLeasePtr **ret_leases, unsigned int flags,
                                 GError **error);
