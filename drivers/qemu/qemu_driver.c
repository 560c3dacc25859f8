/*
 * qemu_driver.c: the agent's local driver: its table, connections, host
 * facts and life cycle
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>

#include "drivers/qemu/qemu_capabilities.h"
#include "drivers/qemu/qemu_conf.h"
#include "drivers/qemu/qemu_domain.h"
#include "drivers/qemu/qemu_driver.h"
#include "net/network_driver.h"
#include "util/error.h"
#include "util/hostinfo.h"
#include "util/log.h"

/* Guards the two directories below (set by init, cleared by shutdown). */
static GMutex dirs_lock;
static char *state_dir;
static char *run_dir;

bool
qemu_driver_init(const char *config_dir, const char *state, const char *run, GError **error)
{
    g_autofree char *net_dir = g_build_filename(config_dir, "networks", NULL);
    g_autofree char *caps_dir = g_build_filename(state, "qemu", "capabilities", NULL);
    g_autoptr(GError) caps_error = NULL;

    if (!qemu_domain_state_init(config_dir, error))
        return false;
    /* what earlier agents learnt of the qemu binaries: nothing re-probed */
    if (!qemu_caps_set_cache_dir(caps_dir, &caps_error))
        log_warn("qemu capabilities will not be kept across restarts: %s", caps_error->message);
    if (!network_driver_init(net_dir, error)) {
        qemu_domain_state_shutdown();
        return false;
    }
    g_mutex_lock(&dirs_lock);
    g_free(state_dir);
    g_free(run_dir);
    state_dir = g_strdup(state);
    run_dir = g_strdup(run);
    g_mutex_unlock(&dirs_lock);
    return true;
}

bool
qemu_driver_reload(GError **error)
{
    g_autoptr(GError) net_error = NULL;
    bool ok;

    qemu_conf_reset();
    ok = qemu_domain_state_reload(error);
    /* the networks are re-read even when the domains failed; *error keeps
     * the first failure, so a second one is logged here */
    if (!network_driver_reload(ok ? error : &net_error)) {
        if (net_error)
            log_warn("reload of the network definitions failed: %s", net_error->message);
        ok = false;
    }
    return ok;
}

void
qemu_driver_shutdown(void)
{
    network_driver_shutdown();
    qemu_domain_state_shutdown();
    qemu_conf_reset();
    g_mutex_lock(&dirs_lock);
    g_clear_pointer(&state_dir, g_free);
    g_clear_pointer(&run_dir, g_free);
    g_mutex_unlock(&dirs_lock);
}

/* Not locked: only init and shutdown change them, with no call running. */
const char *
qemu_driver_get_state_dir(void)
{
    return state_dir;
}

const char *
qemu_driver_get_run_dir(void)
{
    return run_dir;
}

/* ---- connections ---- */

static DrvOpenStatus
qemu_connect_open(virConnectPtr conn, const VirUri *uri, unsigned int flags, GError **error)
{
    if (!uri->driver || strcmp(uri->driver, "qemu") != 0)
        return DRV_OPEN_DECLINED;
    /* qemu+ssh://host/... and qemu://host/... are for a remote driver */
    if (uri->transport || (uri->server && uri->server[0]))
        return DRV_OPEN_DECLINED;
    if (flags & ~(unsigned int)(VIR_CONNECT_RO | VIR_CONNECT_NO_ALIASES)) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_INVALID_ARG,
                    "unsupported flags (0x%x) in function qemu_connect_open",
                    flags & ~(unsigned int)(VIR_CONNECT_RO | VIR_CONNECT_NO_ALIASES));
        return DRV_OPEN_ERROR;
    }
    if (!qemu_domain_state_is_initialised() || !network_driver_is_initialised()) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "the QEMU driver is not initialised");
        return DRV_OPEN_ERROR;
    }
    /* the agent is the system instance: libvirtd's answer to other paths */
    if (!uri->path || strcmp(uri->path, "/system") != 0) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "unexpected QEMU URI path '%s', try qemu:///system",
                    uri->path ? uri->path : "");
        return DRV_OPEN_ERROR;
    }
    conn->driver_data = NULL;
    qemu_domain_attach_conn(conn);
    network_driver_attach_conn(conn);
    return DRV_OPEN_SUCCESS;
}

static void
qemu_connect_close(virConnectPtr conn)
{
    network_driver_detach_conn(conn);
    qemu_domain_detach_conn(conn);
}

static const char *
qemu_connect_get_type(virConnectPtr conn G_GNUC_UNUSED, GError **error G_GNUC_UNUSED)
{
    return "QEMU";
}

static bool
qemu_connect_get_version(virConnectPtr conn G_GNUC_UNUSED, unsigned long *ret_version,
                         GError **error)
{
    return qemu_conf_get_version(ret_version, error);
}

static bool
qemu_connect_get_lib_version(virConnectPtr conn G_GNUC_UNUSED, unsigned long *ret_version,
                             GError **error G_GNUC_UNUSED)
{
    *ret_version = LIBVIR_VERSION_NUMBER;
    return true;
}

static char *
qemu_connect_get_hostname(virConnectPtr conn G_GNUC_UNUSED, GError **error)
{
    return hostinfo_get_hostname(error);
}

static char *
qemu_connect_get_capabilities(virConnectPtr conn G_GNUC_UNUSED, GError **error)
{
    return qemu_conf_get_capabilities(error);
}

static int
qemu_connect_get_max_vcpus(virConnectPtr conn G_GNUC_UNUSED, const char *type, GError **error)
{
    return qemu_conf_get_max_vcpus(type, error);
}

static int
qemu_connect_is_alive(virConnectPtr conn G_GNUC_UNUSED)
{
    return 1;
}

static int
qemu_connect_is_secure(virConnectPtr conn G_GNUC_UNUSED)
{
    return 1; /* a local UNIX socket */
}

static int
qemu_connect_is_encrypted(virConnectPtr conn G_GNUC_UNUSED)
{
    return 0;
}

static bool
qemu_node_get_info(virConnectPtr conn G_GNUC_UNUSED, virNodeInfoPtr info, GError **error)
{
    return hostinfo_get_node_info(qemu_conf_host_paths(), info, error);
}

static bool
qemu_node_get_free_memory(virConnectPtr conn G_GNUC_UNUSED, unsigned long long *ret_bytes,
                          GError **error)
{
    return hostinfo_get_free_memory(qemu_conf_host_paths(), ret_bytes, error);
}

static bool
qemu_connect_event_watch(virConnectPtr conn G_GNUC_UNUSED, EventFamily family G_GNUC_UNUSED,
                         int event_id G_GNUC_UNUSED, bool enable G_GNUC_UNUSED,
                         GError **error G_GNUC_UNUSED)
{
    /* events go to every open connection; lib/ filters by registration */
    return true;
}

const HypervisorDriver qemu_driver = {
    .name = "QEMU",
    .connect_open = qemu_connect_open,
    .connect_close = qemu_connect_close,
    .connect_get_type = qemu_connect_get_type,
    .connect_get_version = qemu_connect_get_version,
    .connect_get_lib_version = qemu_connect_get_lib_version,
    .connect_get_hostname = qemu_connect_get_hostname,
    .connect_get_capabilities = qemu_connect_get_capabilities,
    .connect_get_max_vcpus = qemu_connect_get_max_vcpus,
    .connect_is_alive = qemu_connect_is_alive,
    .connect_is_secure = qemu_connect_is_secure,
    .connect_is_encrypted = qemu_connect_is_encrypted,
    .node_get_info = qemu_node_get_info,
    .node_get_free_memory = qemu_node_get_free_memory,

    .connect_num_of_domains = qemu_connect_num_of_domains,
    .connect_list_domains = qemu_connect_list_domains,
    .connect_num_of_defined_domains = qemu_connect_num_of_defined_domains,
    .connect_list_defined_domains = qemu_connect_list_defined_domains,
    .connect_list_all_domains = qemu_connect_list_all_domains,
    .domain_lookup_by_id = qemu_domain_lookup_by_id,
    .domain_lookup_by_name = qemu_domain_lookup_by_name,
    .domain_lookup_by_uuid = qemu_domain_lookup_by_uuid,

    .domain_define_xml = qemu_domain_define_xml,
    .domain_undefine = qemu_domain_undefine,
    .domain_create = qemu_domain_create,
    .domain_create_xml = qemu_domain_create_xml,
    .domain_destroy = qemu_domain_destroy,
    .domain_shutdown = qemu_domain_shutdown,
    .domain_reboot = qemu_domain_reboot,
    .domain_reset = qemu_domain_reset,
    .domain_suspend = qemu_domain_suspend,
    .domain_resume = qemu_domain_resume,

    .domain_get_info = qemu_domain_get_info,
    .domain_get_state = qemu_domain_get_state,
    .domain_get_xml_desc = qemu_domain_get_xml_desc,
    .domain_get_os_type = qemu_domain_get_os_type,
    .domain_get_max_memory = qemu_domain_get_max_memory,
    .domain_get_vcpus_flags = qemu_domain_get_vcpus_flags,
    .domain_get_autostart = qemu_domain_get_autostart,
    .domain_set_autostart = qemu_domain_set_autostart,
    .domain_is_active = qemu_domain_is_active,
    .domain_is_persistent = qemu_domain_is_persistent,

    .connect_num_of_networks = netdrv_connect_num_of_networks,
    .connect_list_networks = netdrv_connect_list_networks,
    .connect_num_of_defined_networks = netdrv_connect_num_of_defined_networks,
    .connect_list_defined_networks = netdrv_connect_list_defined_networks,
    .connect_list_all_networks = netdrv_connect_list_all_networks,
    .network_lookup_by_name = netdrv_lookup_by_name,
    .network_lookup_by_uuid = netdrv_lookup_by_uuid,
    .network_define_xml = netdrv_define_xml,
    .network_create_xml = netdrv_create_xml,
    .network_undefine = netdrv_undefine,
    .network_create = netdrv_create,
    .network_destroy = netdrv_destroy,
    .network_get_xml_desc = netdrv_get_xml_desc,
    .network_get_bridge_name = netdrv_get_bridge_name,
    .network_get_autostart = netdrv_get_autostart,
    .network_set_autostart = netdrv_set_autostart,
    .network_update = netdrv_update,
    .network_is_active = netdrv_is_active,
    .network_is_persistent = netdrv_is_persistent,
    .network_get_dhcp_leases = netdrv_get_dhcp_leases,

    .connect_event_watch = qemu_connect_event_watch,
};
