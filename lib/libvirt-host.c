/*
 * libvirt-host.c: entry points for connections and the host
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>

#include "conf/xmlutil.h"

#include "lib/api.h"
#include "lib/driver-registry.h"
#include "lib/uri.h"
#include "util/error.h"

#define API_FROM VIR_FROM_NONE

/* Where a connection goes when the application names none. */
#define DEFAULT_URI "qemu:///system"

int
virInitialize(void)
{
    /* Libraries we build on must be set up before the application's
     * threads race into them (libvirt asks multi-threaded programs to call
     * this first; the open calls below call it too). */
    xml_init();
    return 0;
}

int
virGetVersion(unsigned long *libVer, const char *type, unsigned long *typeVer)
{
    API_ENTER();
    API_CHECK_NONNULL(NULL, libVer, -1);
    *libVer = LIBVIR_VERSION_NUMBER;
    /* Every driver lives in this library: its version is the library's,
     * whatever @type names (libvirt answers the same way). */
    if (typeVer)
        *typeVer = LIBVIR_VERSION_NUMBER;
    return 0;
}

static virConnectPtr
connect_open(const char *name, virConnectAuthPtr auth, unsigned int flags)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VirUri) uri = NULL;
    g_autofree char *text = NULL;
    virConnectPtr conn;
    const HypervisorDriver *const *drivers;
    size_t ndrivers;

    virInitialize();
    if (name && *name) {
        text = g_strdup(name);
    } else {
        const char *env = g_getenv("LIBVIRT_DEFAULT_URI");

        text = g_strdup(env && *env ? env : DEFAULT_URI);
    }
    if (!(uri = uri_parse(text, &error))) {
        api_fail(NULL, error);
        return NULL;
    }

    conn = obj_connect_new();
    conn->flags = flags & VIR_CONNECT_RO;
    conn->uri = uri_format(uri);
    conn->auth = auth;
    drivers = driver_registry_list(&ndrivers);
    /* A string without a scheme ("default") is no driver's URI. */
    for (size_t i = 0; uri->scheme && i < ndrivers; i++) {
        switch (drivers[i]->connect_open(conn, uri, flags, &error)) {
        case DRV_OPEN_DECLINED:
            g_clear_error(&error);
            continue;
        case DRV_OPEN_SUCCESS:
            conn->driver = drivers[i];
            conn->auth = NULL;
            return conn;
        case DRV_OPEN_ERROR:
            obj_connect_unref(conn);
            api_fail(NULL, error);
            return NULL;
        }
    }
    obj_connect_unref(conn);
    api_error_set(API_FROM, VIR_ERR_NO_CONNECT, "%s", text);
    api_error_dispatch(NULL);
    return NULL;
}

virConnectPtr
virConnectOpen(const char *name)
{
    API_ENTER();
    return connect_open(name, NULL, 0);
}

virConnectPtr
virConnectOpenReadOnly(const char *name)
{
    API_ENTER();
    return connect_open(name, NULL, VIR_CONNECT_RO);
}

virConnectPtr
virConnectOpenAuth(const char *name, virConnectAuthPtr auth, unsigned int flags)
{
    API_ENTER();
    return connect_open(name, auth, flags);
}

int
virConnectClose(virConnectPtr conn)
{
    API_ENTER();
    API_CHECK_CONN(conn, -1);
    return obj_connect_unref(conn);
}

int
virConnectRef(virConnectPtr conn)
{
    API_ENTER();
    API_CHECK_CONN(conn, -1);
    obj_connect_ref(conn);
    return 0;
}

const char *
virConnectGetType(virConnectPtr conn)
{
    g_autoptr(GError) error = NULL;
    const char *type;

    API_ENTER();
    API_CHECK_CONN(conn, NULL);
    API_NEED_DRIVER(conn, name, NULL);
    if (!conn->driver->connect_get_type)
        return conn->driver->name;
    if (!(type = conn->driver->connect_get_type(conn, &error))) {
        api_fail(conn, error);
        return NULL;
    }
    return type;
}

int
virConnectGetVersion(virConnectPtr conn, unsigned long *hvVer)
{
    g_autoptr(GError) error = NULL;

    API_ENTER();
    API_CHECK_CONN(conn, -1);
    API_CHECK_NONNULL(conn, hvVer, -1);
    API_NEED_DRIVER(conn, connect_get_version, -1);
    if (!conn->driver->connect_get_version(conn, hvVer, &error)) {
        api_fail(conn, error);
        return -1;
    }
    return 0;
}

int
virConnectGetLibVersion(virConnectPtr conn, unsigned long *libVer)
{
    g_autoptr(GError) error = NULL;

    API_ENTER();
    API_CHECK_CONN(conn, -1);
    API_CHECK_NONNULL(conn, libVer, -1);
    /* The remote driver asks the server; in-process drivers are us. */
    if (conn->driver->connect_get_lib_version) {
        if (!conn->driver->connect_get_lib_version(conn, libVer, &error)) {
            api_fail(conn, error);
            return -1;
        }
        return 0;
    }
    *libVer = LIBVIR_VERSION_NUMBER;
    return 0;
}

char *
virConnectGetHostname(virConnectPtr conn)
{
    g_autoptr(GError) error = NULL;
    char *ret;

    API_ENTER();
    API_CHECK_CONN(conn, NULL);
    API_NEED_DRIVER(conn, connect_get_hostname, NULL);
    if (!(ret = conn->driver->connect_get_hostname(conn, &error)))
        api_fail(conn, error);
    return ret;
}

char *
virConnectGetURI(virConnectPtr conn)
{
    char *ret;

    API_ENTER();
    API_CHECK_CONN(conn, NULL);
    g_mutex_lock(&conn->lock);
    ret = g_strdup(conn->uri);
    g_mutex_unlock(&conn->lock);
    return ret;
}

char *
virConnectGetCapabilities(virConnectPtr conn)
{
    g_autoptr(GError) error = NULL;
    char *ret;

    API_ENTER();
    API_CHECK_CONN(conn, NULL);
    API_NEED_DRIVER(conn, connect_get_capabilities, NULL);
    if (!(ret = conn->driver->connect_get_capabilities(conn, &error)))
        api_fail(conn, error);
    return ret;
}

char *
virConnectGetSysinfo(virConnectPtr conn, unsigned int flags)
{
    g_autoptr(GError) error = NULL;
    char *ret;

    API_ENTER();
    API_CHECK_CONN(conn, NULL);
    API_NEED_DRIVER(conn, connect_get_sysinfo, NULL);
    if (!(ret = conn->driver->connect_get_sysinfo(conn, flags, &error)))
        api_fail(conn, error);
    return ret;
}

int
virConnectGetMaxVcpus(virConnectPtr conn, const char *type)
{
    g_autoptr(GError) error = NULL;
    int ret;

    API_ENTER();
    API_CHECK_CONN(conn, -1);
    API_NEED_DRIVER(conn, connect_get_max_vcpus, -1);
    if ((ret = conn->driver->connect_get_max_vcpus(conn, type, &error)) < 0)
        api_fail(conn, error);
    return ret;
}

/* The three connection predicates: the driver's answer, 0/1, or -1. */
static int
connect_predicate(virConnectPtr conn, int (*fn)(virConnectPtr), const char *func)
{
    int ret;

    if (!fn) {
        api_error_set(API_FROM, VIR_ERR_NO_SUPPORT, "%s", func);
        api_error_dispatch(conn);
        return -1;
    }
    if ((ret = fn(conn)) < 0)
        api_error_dispatch(conn);
    return ret;
}

int
virConnectIsAlive(virConnectPtr conn)
{
    API_ENTER();
    API_CHECK_CONN(conn, -1);
    return connect_predicate(conn, conn->driver ? conn->driver->connect_is_alive : NULL, __func__);
}

int
virConnectIsSecure(virConnectPtr conn)
{
    API_ENTER();
    API_CHECK_CONN(conn, -1);
    return connect_predicate(conn, conn->driver ? conn->driver->connect_is_secure : NULL, __func__);
}

int
virConnectIsEncrypted(virConnectPtr conn)
{
    API_ENTER();
    API_CHECK_CONN(conn, -1);
    return connect_predicate(conn, conn->driver ? conn->driver->connect_is_encrypted : NULL,
                             __func__);
}

int
virConnectSetKeepAlive(virConnectPtr conn, int interval, unsigned int count)
{
    g_autoptr(GError) error = NULL;

    API_ENTER();
    API_CHECK_CONN(conn, -1);
    API_NEED_DRIVER(conn, connect_set_keep_alive, -1);
    if (!conn->driver->connect_set_keep_alive(conn, interval, count, &error)) {
        api_fail(conn, error);
        return -1;
    }
    return 0;
}

int
virConnectRegisterCloseCallback(virConnectPtr conn, virConnectCloseFunc cb, void *opaque,
                                virFreeCallback freecb)
{
    API_ENTER();
    API_CHECK_CONN(conn, -1);
    API_CHECK_NONNULL(conn, cb, -1);
    g_mutex_lock(&conn->lock);
    if (conn->close_cb) {
        g_mutex_unlock(&conn->lock);
        api_error_set(API_FROM, VIR_ERR_OPERATION_INVALID, "%s",
                      "A close callback is already registered");
        api_error_dispatch(conn);
        return -1;
    }
    conn->close_cb = cb;
    conn->close_opaque = opaque;
    conn->close_freecb = freecb;
    g_mutex_unlock(&conn->lock);
    return 0;
}

int
virConnectUnregisterCloseCallback(virConnectPtr conn, virConnectCloseFunc cb)
{
    virFreeCallback freecb;
    void *opaque;

    API_ENTER();
    API_CHECK_CONN(conn, -1);
    API_CHECK_NONNULL(conn, cb, -1);
    g_mutex_lock(&conn->lock);
    if (conn->close_cb != cb) {
        g_mutex_unlock(&conn->lock);
        api_error_set(API_FROM, VIR_ERR_OPERATION_INVALID, "%s",
                      "A different callback was requested");
        api_error_dispatch(conn);
        return -1;
    }
    freecb = conn->close_freecb;
    opaque = conn->close_opaque;
    conn->close_cb = NULL;
    conn->close_opaque = NULL;
    conn->close_freecb = NULL;
    g_mutex_unlock(&conn->lock);
    if (freecb)
        freecb(opaque);
    return 0;
}

int
virNodeGetSecurityModel(virConnectPtr conn, virSecurityModelPtr secmodel)
{
    g_autoptr(GError) error = NULL;

    API_ENTER();
    API_CHECK_CONN(conn, -1);
    API_CHECK_NONNULL(conn, secmodel, -1);
    API_NEED_DRIVER(conn, node_get_security_model, -1);
    memset(secmodel, 0, sizeof(*secmodel));
    if (!conn->driver->node_get_security_model(conn, secmodel, &error)) {
        api_fail(conn, error);
        return -1;
    }
    return 0;
}

int
virNodeGetInfo(virConnectPtr conn, virNodeInfoPtr info)
{
    g_autoptr(GError) error = NULL;

    API_ENTER();
    API_CHECK_CONN(conn, -1);
    API_CHECK_NONNULL(conn, info, -1);
    API_NEED_DRIVER(conn, node_get_info, -1);
    memset(info, 0, sizeof(*info));
    if (!conn->driver->node_get_info(conn, info, &error)) {
        api_fail(conn, error);
        return -1;
    }
    return 0;
}

unsigned long long
virNodeGetFreeMemory(virConnectPtr conn)
{
    g_autoptr(GError) error = NULL;
    unsigned long long bytes = 0;

    API_ENTER();
    API_CHECK_CONN(conn, 0);
    API_NEED_DRIVER(conn, node_get_free_memory, 0);
    if (!conn->driver->node_get_free_memory(conn, &bytes, &error)) {
        api_fail(conn, error);
        return 0;
    }
    return bytes;
}
