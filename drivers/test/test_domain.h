/*
 * test_domain.h: domain members of the test driver's table
 *
 * Each function implements the HypervisorDriver member of the same name
 * (lib/driver.h), on the in-memory state of the connection: libvirt's
 * domain state machine, its error codes and its lifecycle events.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include <libvirt/libvirt.h>

/* Listing: counts, legacy id/name lists, and virConnectListAllDomains with
 * every VIR_CONNECT_LIST_DOMAINS_* filter. */
int test_connect_num_of_domains(virConnectPtr conn, GError **error);
int test_connect_list_domains(virConnectPtr conn, int *ids, int maxids, GError **error);
int test_connect_num_of_defined_domains(virConnectPtr conn, GError **error);
int test_connect_list_defined_domains(virConnectPtr conn, char **names, int maxnames,
                                      GError **error);
int test_connect_list_all_domains(virConnectPtr conn, virDomainPtr **ret_domains,
                                  unsigned int flags, GError **error);

/* Lookups: a new handle, or VIR_ERR_NO_DOMAIN. */
virDomainPtr test_domain_lookup_by_id(virConnectPtr conn, int id, GError **error);
virDomainPtr test_domain_lookup_by_name(virConnectPtr conn, const char *name, GError **error);
virDomainPtr test_domain_lookup_by_uuid(virConnectPtr conn, const unsigned char *uuid,
                                        GError **error);

/* Definition and lifecycle. */
virDomainPtr test_domain_define_xml(virConnectPtr conn, const char *xml, unsigned int flags,
                                    GError **error);
bool test_domain_undefine(virDomainPtr dom, unsigned int flags, GError **error);
bool test_domain_create(virDomainPtr dom, unsigned int flags, GError **error);
virDomainPtr test_domain_create_xml(virConnectPtr conn, const char *xml, unsigned int flags,
                                    GError **error);
bool test_domain_destroy(virDomainPtr dom, unsigned int flags, GError **error);
bool test_domain_shutdown(virDomainPtr dom, unsigned int flags, GError **error);
bool test_domain_reboot(virDomainPtr dom, unsigned int flags, GError **error);
bool test_domain_reset(virDomainPtr dom, unsigned int flags, GError **error);
bool test_domain_suspend(virDomainPtr dom, GError **error);
bool test_domain_resume(virDomainPtr dom, GError **error);

/* Queries. */
bool test_domain_get_info(virDomainPtr dom, virDomainInfoPtr info, GError **error);
bool test_domain_get_state(virDomainPtr dom, int *ret_state, int *ret_reason, unsigned int flags,
                           GError **error);
char *test_domain_get_xml_desc(virDomainPtr dom, unsigned int flags, GError **error);
char *test_domain_get_os_type(virDomainPtr dom, GError **error);
bool test_domain_get_max_memory(virDomainPtr dom, unsigned long long *ret_kib, GError **error);
int test_domain_get_vcpus_flags(virDomainPtr dom, unsigned int flags, GError **error);
bool test_domain_get_autostart(virDomainPtr dom, int *ret_autostart, GError **error);
bool test_domain_set_autostart(virDomainPtr dom, int autostart, GError **error);
int test_domain_is_active(virDomainPtr dom, GError **error);
int test_domain_is_persistent(virDomainPtr dom, GError **error);
bool test_domain_get_security_label(virDomainPtr dom, virSecurityLabelPtr ret_label,
                                    GError **error);
int test_domain_has_managed_save_image(virDomainPtr dom, unsigned int flags, GError **error);
