/*
 * dispatch-host.c: connection-level and host procedures
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>

#include "agent/dispatch-priv.h"
#include "lib/object.h"
#include "lib/uri.h"
#include "util/error.h"

#define DISPATCH_ERROR error_quark(VIR_FROM_RPC)

/* The only URI the agent serves, and what CONNECT_GET_URI answers. */
#define DISPATCH_URI "qemu:///system"

/* VIR_DRV_FEATURE_* numbers the agent answers 1 for (fact sheet §4):
 * typed-param strings, keepalive, server-side event callback IDs,
 * close-callback RPC, fixed network-update argument order. */
#define FEATURE_TYPED_PARAM_STRING 9
#define FEATURE_PROGRAM_KEEPALIVE 10
#define FEATURE_REMOTE_EVENT_CALLBACK 14
#define FEATURE_REMOTE_CLOSE_CALLBACK 15
#define FEATURE_NETWORK_UPDATE_HAS_CORRECT_ORDER 16

/* Whether @uri is qemu:///system (any query): a local qemu system URI. */
static bool
host_uri_is_ours(const VirUri *uri)
{
    return uri->driver && strcmp(uri->driver, "qemu") == 0 && !uri->transport &&
           (!uri->server || !*uri->server) && g_strcmp0(uri->path, "/system") == 0;
}

static bool
host_connect_open(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcConnectOpenArgs *a = args;
    DispatchClient *dc = call->dc;
    Dispatcher *d = call->d;
    const char *name = a->name && *a->name && **a->name ? *a->name : DISPATCH_URI;
    g_autoptr(VirUri) uri = NULL;
    g_autoptr(VirUri) driver_uri = NULL;
    g_autoptr(GError) parse_err = NULL;
    virConnectPtr conn = NULL;
    unsigned int flags;
    bool keep = false;

    g_mutex_lock(&dc->lock);
    if (dc->conn || dc->opening) {
        g_mutex_unlock(&dc->lock);
        g_set_error_literal(error, DISPATCH_ERROR, VIR_ERR_INTERNAL_ERROR,
                            "connection already open");
        return false;
    }
    dc->opening = true;
    flags = (a->flags | (dc->ro_socket ? VIR_CONNECT_RO : 0)) & VIR_CONNECT_RO;
    g_mutex_unlock(&dc->lock);

    uri = uri_parse(name, &parse_err);
    if (!uri || !host_uri_is_ours(uri)) {
        /* libvirtd's words when no driver takes the URI (domain NONE) */
        g_set_error(error, error_quark(VIR_FROM_NONE), VIR_ERR_NO_CONNECT, "%s", name);
        goto out;
    }
    if (d->driver_uri && !(driver_uri = uri_parse(d->driver_uri, error)))
        goto out;

    conn = obj_connect_new();
    conn->flags = flags;
    conn->uri = g_strdup(DISPATCH_URI);
    switch (d->driver->connect_open(conn, driver_uri ? driver_uri : uri, flags, error)) {
    case DRV_OPEN_SUCCESS:
        conn->driver = d->driver;
        break;
    case DRV_OPEN_DECLINED:
        g_clear_error(error);
        g_set_error(error, error_quark(VIR_FROM_NONE), VIR_ERR_NO_CONNECT, "%s", name);
        goto out;
    case DRV_OPEN_ERROR:
        goto out;
    }
    keep = true;

out:
    g_mutex_lock(&dc->lock);
    dc->opening = false;
    /* A client that went away meanwhile keeps nothing. */
    if (keep && dc->client) {
        dc->conn = g_steal_pointer(&conn);
        dc->readonly = flags & VIR_CONNECT_RO;
    }
    g_mutex_unlock(&dc->lock);
    if (conn)
        obj_connect_unref(conn);
    return keep;
}

static bool
host_connect_close(DispatchCall *call, void *args, void *ret, GError **error)
{
    /* The client expects the (empty) reply before the socket closes. */
    call->close_after = true;
    return true;
}

static bool
host_connect_get_type(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcConnectGetTypeRet *r = ret;
    const char *type;

    DISPATCH_NEED(call, connect_get_type, error);
    if (!(type = call->conn->driver->connect_get_type(call->conn, error)))
        return false;
    r->type = g_strdup(type);
    return true;
}

static bool
host_connect_get_version(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcConnectGetVersionRet *r = ret;
    unsigned long version = 0;

    DISPATCH_NEED(call, connect_get_version, error);
    if (!call->conn->driver->connect_get_version(call->conn, &version, error))
        return false;
    r->hv_ver = version;
    return true;
}

static bool
host_connect_get_lib_version(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcConnectGetLibVersionRet *r = ret;
    unsigned long version = LIBVIR_VERSION_NUMBER;

    /* libvirtd answers with its own library version whatever the driver */
    if (call->conn->driver->connect_get_lib_version &&
        !call->conn->driver->connect_get_lib_version(call->conn, &version, error))
        return false;
    r->lib_ver = version;
    return true;
}

static bool
host_connect_get_hostname(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcConnectGetHostnameRet *r = ret;

    DISPATCH_NEED(call, connect_get_hostname, error);
    return (r->hostname = call->conn->driver->connect_get_hostname(call->conn, error)) != NULL;
}

static bool
host_connect_get_capabilities(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcConnectGetCapabilitiesRet *r = ret;

    DISPATCH_NEED(call, connect_get_capabilities, error);
    return (r->capabilities = call->conn->driver->connect_get_capabilities(call->conn, error)) !=
           NULL;
}

static bool
host_connect_get_max_vcpus(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcConnectGetMaxVcpusArgs *a = args;
    RpcConnectGetMaxVcpusRet *r = ret;

    DISPATCH_NEED(call, connect_get_max_vcpus, error);
    r->max_vcpus =
        call->conn->driver->connect_get_max_vcpus(call->conn, a->type ? *a->type : NULL, error);
    return r->max_vcpus >= 0;
}

static bool
host_node_get_info(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcNodeGetInfoRet *r = ret;
    virNodeInfo info;

    DISPATCH_NEED(call, node_get_info, error);
    memset(&info, 0, sizeof(info));
    if (!call->conn->driver->node_get_info(call->conn, &info, error))
        return false;
    G_STATIC_ASSERT(sizeof(r->model) == sizeof(info.model));
    memcpy(r->model, info.model, sizeof(r->model));
    r->memory = info.memory;
    r->cpus = (int)info.cpus;
    r->mhz = (int)info.mhz;
    r->nodes = (int)info.nodes;
    r->sockets = (int)info.sockets;
    r->cores = (int)info.cores;
    r->threads = (int)info.threads;
    return true;
}

static bool
host_connect_supports_feature(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcConnectSupportsFeatureArgs *a = args;
    RpcConnectSupportsFeatureRet *r = ret;
    DispatchClient *dc = call->dc;

    /* Only the keepalive question may come before CONNECT_OPEN. */
    if (a->feature != FEATURE_PROGRAM_KEEPALIVE && !call->conn) {
        g_set_error_literal(error, DISPATCH_ERROR, VIR_ERR_INTERNAL_ERROR,
                            "hypervisor connection not open");
        return false;
    }
    switch (a->feature) {
    case FEATURE_PROGRAM_KEEPALIVE:
        /* The client will PONG our PINGs from now on (main context). */
        if (!dc->keepalive && call->client) {
            int interval, count;

            g_mutex_lock(&call->d->lock);
            interval = call->d->keepalive_interval;
            count = call->d->keepalive_count;
            g_mutex_unlock(&call->d->lock);
            dc->keepalive = keepalive_start(call->client, call->d->context, interval, count);
        }
        r->supported = 1;
        break;
    case FEATURE_TYPED_PARAM_STRING:
    case FEATURE_REMOTE_EVENT_CALLBACK:
    case FEATURE_REMOTE_CLOSE_CALLBACK:
    case FEATURE_NETWORK_UPDATE_HAS_CORRECT_ORDER:
        r->supported = 1;
        break;
    default:
        r->supported = 0;
        break;
    }
    return true;
}

static bool
host_auth_list(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcAuthListRet *r = ret;

    r->types.types_len = 1;
    r->types.types_val = g_new0(RpcAuthType, 1);
    r->types.types_val[0] = RPC_AUTH_NONE;
    return true;
}

static bool
host_connect_get_uri(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcConnectGetUriRet *r = ret;

    r->uri = g_strdup(DISPATCH_URI);
    return true;
}

static bool
host_connect_is_secure(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcConnectIsSecureRet *r = ret;

    /* a local UNIX socket, as libvirtd says */
    r->secure = 1;
    return true;
}

static bool
host_node_get_security_model(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcNodeGetSecurityModelRet *r = ret;

    /* libvirtd without SELinux/AppArmor: the "none" driver, DOI "0" */
    rpc_charlist_set(&r->model.model_len, &r->model.model_val, "none");
    rpc_charlist_set(&r->doi.doi_len, &r->doi.doi_val, "0");
    return true;
}

static bool
host_close_callback(DispatchCall *call, void *args, void *ret, GError **error)
{
    /* The connection never breaks behind the client's back except by
     * closing the socket, which the client notices itself. */
    return true;
}

#define ENTRY(proc, func, api, flags)                                                              \
    {                                                                                              \
        RPC_PROC_##proc, func, api, VIR_FROM_NONE, flags                                           \
    }

const DispatchEntry dispatch_host_entries[] = {
    ENTRY(CONNECT_OPEN, host_connect_open, "virConnectOpen", 0),
    ENTRY(CONNECT_CLOSE, host_connect_close, "virConnectClose", DISPATCH_MAIN),
    ENTRY(CONNECT_GET_TYPE, host_connect_get_type, "virConnectGetType", DISPATCH_MAIN),
    ENTRY(CONNECT_GET_VERSION, host_connect_get_version, "virConnectGetVersion", 0),
    ENTRY(CONNECT_GET_MAX_VCPUS, host_connect_get_max_vcpus, "virConnectGetMaxVcpus", 0),
    ENTRY(NODE_GET_INFO, host_node_get_info, "virNodeGetInfo", 0),
    ENTRY(CONNECT_GET_CAPABILITIES, host_connect_get_capabilities, "virConnectGetCapabilities", 0),
    ENTRY(CONNECT_GET_HOSTNAME, host_connect_get_hostname, "virConnectGetHostname", DISPATCH_MAIN),
    ENTRY(CONNECT_SUPPORTS_FEATURE, host_connect_supports_feature, "virConnectSupportsFeature",
          DISPATCH_MAIN),
    ENTRY(AUTH_LIST, host_auth_list, "virConnectAuthList", DISPATCH_MAIN),
    ENTRY(CONNECT_GET_URI, host_connect_get_uri, "virConnectGetURI", DISPATCH_MAIN),
    ENTRY(NODE_GET_SECURITY_MODEL, host_node_get_security_model, "virNodeGetSecurityModel",
          DISPATCH_MAIN),
    ENTRY(CONNECT_IS_SECURE, host_connect_is_secure, "virConnectIsSecure", DISPATCH_MAIN),
    ENTRY(CONNECT_GET_LIB_VERSION, host_connect_get_lib_version, "virConnectGetLibVersion",
          DISPATCH_MAIN),
    ENTRY(CONNECT_REGISTER_CLOSE_CALLBACK, host_close_callback, "virConnectRegisterCloseCallback",
          DISPATCH_MAIN),
    ENTRY(CONNECT_UNREGISTER_CLOSE_CALLBACK, host_close_callback,
          "virConnectUnregisterCloseCallback", DISPATCH_MAIN),
};

const gsize dispatch_host_entries_count = G_N_ELEMENTS(dispatch_host_entries);
