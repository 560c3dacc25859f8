/*
 * test_driver.c: the in-process test driver (test:///default): its table,
 * connections and host facts
 *
 * Like libvirt's test driver: a fake i686 host with a running domain
 * "test" and an active NAT network "default", all in memory, shared by
 * every test:///default connection of the process.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>

#include "drivers/test/test_domain.h"
#include "drivers/test/test_network.h"
#include "drivers/test/test_state.h"
#include "lib/driver.h"
#include "util/error.h"

/* libvirt's test driver reports hypervisor version 0.0.2 */
#define TEST_HV_VERSION 2

static DrvOpenStatus
test_connect_open(virConnectPtr conn, const VirUri *uri, unsigned int flags, GError **error)
{
    TestState *state;

    if (!uri->driver || strcmp(uri->driver, "test") != 0)
        return DRV_OPEN_DECLINED;
    /* test://host/... and test+tcp://... are for the remote driver */
    if (uri->transport || (uri->server && uri->server[0]))
        return DRV_OPEN_DECLINED;
    if (!test_check_flags(flags, VIR_CONNECT_RO, "test_connect_open", error))
        return DRV_OPEN_ERROR;
    if (!uri->path || strcmp(uri->path, "") == 0 || strcmp(uri->path, "/") == 0) {
        g_set_error(error, TEST_ERROR, VIR_ERR_INVALID_ARG,
                    "testOpen: supply a path or use test:///default");
        return DRV_OPEN_ERROR;
    }
    if (strcmp(uri->path, "/default") == 0)
        state = test_state_get_default(error);
    else
        state = test_state_load_file(uri->path, error);
    if (!state)
        return DRV_OPEN_ERROR;
    conn->driver_data = state;
    test_state_attach_conn(state, conn);
    return DRV_OPEN_SUCCESS;
}

static void
test_connect_close(virConnectPtr conn)
{
    TestState *state = conn->driver_data;

    if (!state)
        return;
    test_state_detach_conn(state, conn);
    conn->driver_data = NULL;
    test_state_unref(state);
}

static const char *
test_connect_get_type(virConnectPtr conn, GError **error)
{
    return "TEST";
}

static bool
test_connect_get_version(virConnectPtr conn, unsigned long *ret_version, GError **error)
{
    *ret_version = TEST_HV_VERSION;
    return true;
}

static bool
test_connect_get_lib_version(virConnectPtr conn, unsigned long *ret_version, GError **error)
{
    *ret_version = LIBVIR_VERSION_NUMBER;
    return true;
}

static char *
test_connect_get_hostname(virConnectPtr conn, GError **error)
{
    return g_strdup(g_get_host_name());
}

static char *
test_connect_get_capabilities(virConnectPtr conn, GError **error)
{
    TestState *state = test_state_of(conn);

    /* the Caps is built once and never changed: no lock needed */
    return caps_format(state->caps);
}

static char *
test_connect_get_sysinfo(virConnectPtr conn, unsigned int flags, GError **error)
{
    if (!test_check_flags(flags, 0, "test_connect_get_sysinfo", error))
        return NULL;
    return g_strdup("<sysinfo type='smbios'>\n"
                    "  <bios>\n"
                    "    <entry name='vendor'>LENOVO</entry>\n"
                    "    <entry name='version'>G4ETA1WW (2.61 )</entry>\n"
                    "    <entry name='date'>05/07/2014</entry>\n"
                    "    <entry name='release'>2.61</entry>\n"
                    "  </bios>\n"
                    "</sysinfo>\n");
}

static int
test_connect_get_max_vcpus(virConnectPtr conn, const char *type, GError **error)
{
    return 32;
}

static int
test_connect_is_alive(virConnectPtr conn)
{
    return 1;
}

static int
test_connect_is_secure(virConnectPtr conn)
{
    return 1;
}

static int
test_connect_is_encrypted(virConnectPtr conn)
{
    return 0;
}

static bool
test_connect_set_keep_alive(virConnectPtr conn, int interval, unsigned int count, GError **error)
{
    /* nothing to keep alive in process; libvirt's local drivers accept it */
    return true;
}

static bool
test_node_get_info(virConnectPtr conn, virNodeInfoPtr info, GError **error)
{
    memset(info, 0, sizeof(*info));
    g_strlcpy(info->model, "i686", sizeof(info->model));
    info->memory = 3ULL * 1024 * 1024; /* KiB */
    info->cpus = 16;
    info->mhz = 1400;
    info->nodes = 2;
    info->sockets = 2;
    info->cores = 2;
    info->threads = 2;
    return true;
}

/* libvirt's test driver has a security model of its own, so clients see
 * the same dominfo lines against either. */
static bool
test_node_get_security_model(virConnectPtr conn, virSecurityModelPtr ret_model, GError **error)
{
    g_strlcpy(ret_model->model, "testSecurity", sizeof(ret_model->model));
    ret_model->doi[0] = '\0';
    return true;
}

static bool
test_node_get_free_memory(virConnectPtr conn, unsigned long long *ret_bytes, GError **error)
{
    /* the sum of the fake cells' free memory, as libvirt reports it */
    *ret_bytes = 3ULL * 1024 * 1024;
    return true;
}

static bool
test_connect_event_watch(virConnectPtr conn, EventFamily family, int event_id, bool enable,
                         GError **error)
{
    /* events are emitted to every connection anyway; lib/ filters them */
    return true;
}

const HypervisorDriver test_driver = {
    .name = "Test",
    .connect_open = test_connect_open,
    .connect_close = test_connect_close,
    .connect_get_type = test_connect_get_type,
    .connect_get_version = test_connect_get_version,
    .connect_get_lib_version = test_connect_get_lib_version,
    .connect_get_hostname = test_connect_get_hostname,
    .connect_get_capabilities = test_connect_get_capabilities,
    .connect_get_sysinfo = test_connect_get_sysinfo,
    .connect_get_max_vcpus = test_connect_get_max_vcpus,
    .connect_is_alive = test_connect_is_alive,
    .connect_is_secure = test_connect_is_secure,
    .connect_is_encrypted = test_connect_is_encrypted,
    .connect_set_keep_alive = test_connect_set_keep_alive,
    .node_get_info = test_node_get_info,
    .node_get_security_model = test_node_get_security_model,
    .node_get_free_memory = test_node_get_free_memory,

    .connect_num_of_domains = test_connect_num_of_domains,
    .connect_list_domains = test_connect_list_domains,
    .connect_num_of_defined_domains = test_connect_num_of_defined_domains,
    .connect_list_defined_domains = test_connect_list_defined_domains,
    .connect_list_all_domains = test_connect_list_all_domains,
    .domain_lookup_by_id = test_domain_lookup_by_id,
    .domain_lookup_by_name = test_domain_lookup_by_name,
    .domain_lookup_by_uuid = test_domain_lookup_by_uuid,

    .domain_define_xml = test_domain_define_xml,
    .domain_undefine = test_domain_undefine,
    .domain_create = test_domain_create,
    .domain_create_xml = test_domain_create_xml,
    .domain_destroy = test_domain_destroy,
    .domain_shutdown = test_domain_shutdown,
    .domain_reboot = test_domain_reboot,
    .domain_reset = test_domain_reset,
    .domain_suspend = test_domain_suspend,
    .domain_resume = test_domain_resume,

    .domain_get_info = test_domain_get_info,
    .domain_get_state = test_domain_get_state,
    .domain_get_xml_desc = test_domain_get_xml_desc,
    .domain_get_os_type = test_domain_get_os_type,
    .domain_get_max_memory = test_domain_get_max_memory,
    .domain_get_vcpus_flags = test_domain_get_vcpus_flags,
    .domain_get_autostart = test_domain_get_autostart,
    .domain_set_autostart = test_domain_set_autostart,
    .domain_is_active = test_domain_is_active,
    .domain_is_persistent = test_domain_is_persistent,
    .domain_get_security_label = test_domain_get_security_label,
    .domain_has_managed_save_image = test_domain_has_managed_save_image,

    .connect_num_of_networks = test_connect_num_of_networks,
    .connect_list_networks = test_connect_list_networks,
    .connect_num_of_defined_networks = test_connect_num_of_defined_networks,
    .connect_list_defined_networks = test_connect_list_defined_networks,
    .connect_list_all_networks = test_connect_list_all_networks,
    .network_lookup_by_name = test_network_lookup_by_name,
    .network_lookup_by_uuid = test_network_lookup_by_uuid,
    .network_define_xml = test_network_define_xml,
    .network_create_xml = test_network_create_xml,
    .network_undefine = test_network_undefine,
    .network_create = test_network_create,
    .network_destroy = test_network_destroy,
    .network_get_xml_desc = test_network_get_xml_desc,
    .network_get_bridge_name = test_network_get_bridge_name,
    .network_get_autostart = test_network_get_autostart,
    .network_set_autostart = test_network_set_autostart,
    .network_is_active = test_network_is_active,
    .network_is_persistent = test_network_is_persistent,
    .network_get_dhcp_leases = test_network_get_dhcp_leases,

    .connect_event_watch = test_connect_event_watch,
};
