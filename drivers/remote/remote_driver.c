/*
 * remote_driver.c: the remote driver's table -- every HypervisorDriver
 * member as a call of libvirt's wire protocol to virtnoded
 *
 * URIs: qemu:///system goes to DIR/virtnode-sock (DIR/virtnode-sock-ro for
 * read-only opens), where DIR is /run/virtnode or, for tests and
 * uninstalled agents, $VIRTNODE_SOCKET_DIR; qemu+unix:///system?socket=PATH
 * goes to PATH. The server is sent the URI without transport parts
 * (uri_format_for_server()).
 *
 * Procedure choice follows libvirt 9.0's client: the *_FLAGS variant only
 * when flags are given, so servers that lack it still work for plain calls.
 * Handles are built from the records the server returns (their ids are the
 * server's); after DOMAIN_CREATE the domain is looked up again by UUID to
 * learn its new id, and DOMAIN_DESTROY sets the handle's id to -1, as
 * libvirt's client does.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>

#include "drivers/remote/remote_priv.h"
#include "lib/uri.h"
#include "rpc/procedures.h"
#include "util/error.h"

#define REMOTE_SOCKET_DIR "/run/virtnode"
#define REMOTE_SOCKET_NAME "virtnode-sock"
#define REMOTE_SOCKET_NAME_RO "virtnode-sock-ro"

/* VIR_DRV_FEATURE_* numbers asked during the handshake */
#define FEATURE_PROGRAM_KEEPALIVE 10
#define FEATURE_REMOTE_EVENT_CALLBACK 14

static RemoteClient *
client_of(virConnectPtr conn)
{
    return ((RemoteConn *)conn->driver_data)->client;
}

/* remote_client_call() on @conn's client with the REMOTE procedure named
 * @name. */
#define CALL(conn, name, args, ret, error)                                                         \
    remote_client_call(client_of(conn), RPC_PROC_##name, (args), (ret), (error))

/* Frees the decoded reply @ret of procedure @name. */
#define FREE_RET(name, ret) rpc_payload_free(rpc_remote_procedure(RPC_PROC_##name)->ret_proc, (ret))

static void
domain_arg(RpcDomain *ret_arg, virDomainPtr dom)
{
    rpc_domain_init(ret_arg, dom->name, dom->uuid, g_atomic_int_get(&dom->id));
}

static void
network_arg(RpcNetwork *ret_arg, virNetworkPtr net)
{
    rpc_network_init(ret_arg, net->name, net->uuid);
}

static virDomainPtr
domain_from_wire(virConnectPtr conn, const RpcDomain *dom)
{
    return obj_domain_new(conn, dom->name, (const unsigned char *)dom->uuid, dom->id);
}

static virNetworkPtr
network_from_wire(virConnectPtr conn, const RpcNetwork *net)
{
    return obj_network_new(conn, net->name, (const unsigned char *)net->uuid);
}

/* ---- connection ------------------------------------------------------- */

static void
remote_conn_free(RemoteConn *priv)
{
    if (!priv)
        return;
    remote_client_close(priv->client);
    g_free(priv->type);
    if (priv->watches)
        g_hash_table_unref(priv->watches);
    g_mutex_clear(&priv->lock);
    g_free(priv);
}

/* The socket @uri names, or NULL with *error set. */
static char *
socket_path(const VirUri *uri, unsigned int flags, GError **error)
{
    const char *param = uri_get_param(uri, "socket");
    const char *dir;

    if (uri->transport && g_ascii_strcasecmp(uri->transport, "unix") != 0) {
        g_set_error(error, REMOTE_ERROR, VIR_ERR_INVALID_ARG,
                    "remote_open: transport in URL not recognised (should be unix)");
        return NULL;
    }
    if (uri->server && uri->server[0]) {
        g_set_error(error, REMOTE_ERROR, VIR_ERR_INVALID_ARG,
                    "using unix socket and remote server '%s' is not supported.", uri->server);
        return NULL;
    }
    if (param && param[0])
        return g_strdup(param);
    dir = g_getenv("VIRTNODE_SOCKET_DIR");
    if (!dir || !dir[0])
        dir = REMOTE_SOCKET_DIR;
    return g_build_filename(
        dir, (flags & VIR_CONNECT_RO) ? REMOTE_SOCKET_NAME_RO : REMOTE_SOCKET_NAME, NULL);
}

/* CONNECT_SUPPORTS_FEATURE; a failed query counts as "no", as in libvirt. */
static bool
supports_feature(RemoteClient *client, int feature)
{
    RpcConnectSupportsFeatureArgs args = { .feature = feature };
    RpcConnectSupportsFeatureRet ret = { 0 };

    if (!remote_client_call(client, RPC_PROC_CONNECT_SUPPORTS_FEATURE, &args, &ret, NULL))
        return false;
    return ret.supported != 0;
}

static bool
handshake(RemoteConn *priv, const VirUri *uri, unsigned int flags, GError **error)
{
    g_autoptr(GError) local = NULL;
    g_autofree char *name = uri_format_for_server(uri);
    RpcAuthListRet auth = { 0 };
    RpcConnectOpenArgs open_args = { .name = &name, .flags = flags & VIR_CONNECT_RO };

    if (remote_client_call(priv->client, RPC_PROC_AUTH_LIST, NULL, &auth, &local)) {
        bool none = auth.types.types_len == 0;

        for (u_int i = 0; i < auth.types.types_len; i++)
            none |= auth.types.types_val[i] == RPC_AUTH_NONE;
        if (!none) {
            g_set_error(error, REMOTE_ERROR, VIR_ERR_AUTH_FAILED,
                        "unsupported authentication type %d", (int)auth.types.types_val[0]);
            rpc_payload_free((xdrproc_t)xdr_RpcAuthListRet, &auth);
            return false;
        }
        rpc_payload_free((xdrproc_t)xdr_RpcAuthListRet, &auth);
    } else if (local->code != VIR_ERR_NO_SUPPORT) {
        /* servers without the procedure need no authentication */
        g_propagate_error(error, g_steal_pointer(&local));
        return false;
    }

    /* Our reader thread answers PINGs whether or not the application runs
     * an event loop, so keepalive is always safe to offer. */
    priv->keepalive = supports_feature(priv->client, FEATURE_PROGRAM_KEEPALIVE);
    if (!remote_client_call(priv->client, RPC_PROC_CONNECT_OPEN, &open_args, NULL, error))
        return false;
    priv->event_ids = supports_feature(priv->client, FEATURE_REMOTE_EVENT_CALLBACK);
    return true;
}

static DrvOpenStatus
remote_connect_open(virConnectPtr conn, const VirUri *uri, unsigned int flags, GError **error)
{
    g_autofree char *path = NULL;
    RemoteConn *priv;

    if (!uri->driver || strcmp(uri->driver, "qemu") != 0)
        return DRV_OPEN_DECLINED;
    if (!(path = socket_path(uri, flags, error)))
        return DRV_OPEN_ERROR;

    priv = g_new0(RemoteConn, 1);
    g_mutex_init(&priv->lock);
    priv->conn = conn;
    priv->watches = g_hash_table_new(NULL, NULL);
    if (!(priv->client = remote_client_connect(path, error))) {
        remote_conn_free(priv);
        return DRV_OPEN_ERROR;
    }
    conn->driver_data = priv;
    remote_client_start(priv->client, remote_events_dispatch, remote_events_closed, priv);
    if (!handshake(priv, uri, flags, error)) {
        conn->driver_data = NULL;
        remote_conn_free(priv);
        return DRV_OPEN_ERROR;
    }
    return DRV_OPEN_SUCCESS;
}

static void
remote_connect_close(virConnectPtr conn)
{
    RemoteConn *priv = conn->driver_data;

    if (!priv)
        return;
    /* On the reader thread (a handler dropped the last reference) no reply
     * could be read: just hang up, the server cleans up either way. */
    if (!remote_client_in_reader(priv->client) && remote_client_is_alive(priv->client))
        CALL(conn, CONNECT_CLOSE, NULL, NULL, NULL);
    conn->driver_data = NULL;
    remote_conn_free(priv);
}

static const char *
remote_connect_get_type(virConnectPtr conn, GError **error)
{
    RemoteConn *priv = conn->driver_data;
    RpcConnectGetTypeRet ret;
    const char *type;

    g_mutex_lock(&priv->lock);
    type = priv->type;
    g_mutex_unlock(&priv->lock);
    if (type)
        return type;
    if (!CALL(conn, CONNECT_GET_TYPE, NULL, &ret, error))
        return NULL;
    /* Cached for the connection's life: the caller gets a borrowed string. */
    g_mutex_lock(&priv->lock);
    if (!priv->type)
        priv->type = g_strdup(ret.type);
    type = priv->type;
    g_mutex_unlock(&priv->lock);
    FREE_RET(CONNECT_GET_TYPE, &ret);
    return type;
}

static bool
remote_connect_get_version(virConnectPtr conn, unsigned long *ret_version, GError **error)
{
    RpcConnectGetVersionRet ret;

    if (!CALL(conn, CONNECT_GET_VERSION, NULL, &ret, error))
        return false;
    *ret_version = ret.hv_ver;
    return true;
}

static bool
remote_connect_get_lib_version(virConnectPtr conn, unsigned long *ret_version, GError **error)
{
    RpcConnectGetLibVersionRet ret;

    if (!CALL(conn, CONNECT_GET_LIB_VERSION, NULL, &ret, error))
        return false;
    *ret_version = ret.lib_ver;
    return true;
}

static char *
remote_connect_get_hostname(virConnectPtr conn, GError **error)
{
    RpcConnectGetHostnameRet ret;
    char *hostname;

    if (!CALL(conn, CONNECT_GET_HOSTNAME, NULL, &ret, error))
        return NULL;
    hostname = g_strdup(ret.hostname);
    FREE_RET(CONNECT_GET_HOSTNAME, &ret);
    return hostname;
}

static char *
remote_connect_get_capabilities(virConnectPtr conn, GError **error)
{
    RpcConnectGetCapabilitiesRet ret;
    char *caps;

    if (!CALL(conn, CONNECT_GET_CAPABILITIES, NULL, &ret, error))
        return NULL;
    caps = g_strdup(ret.capabilities);
    FREE_RET(CONNECT_GET_CAPABILITIES, &ret);
    return caps;
}

static int
remote_connect_get_max_vcpus(virConnectPtr conn, const char *type, GError **error)
{
    char *type_copy = (char *)type;
    RpcConnectGetMaxVcpusArgs args = { .type = type ? &type_copy : NULL };
    RpcConnectGetMaxVcpusRet ret;

    if (!CALL(conn, CONNECT_GET_MAX_VCPUS, &args, &ret, error))
        return -1;
    return ret.max_vcpus;
}

static int
remote_connect_is_alive(virConnectPtr conn)
{
    return remote_client_is_alive(client_of(conn)) ? 1 : 0;
}

static int
remote_connect_is_secure(virConnectPtr conn)
{
    return 1; /* a local UNIX socket */
}

static int
remote_connect_is_encrypted(virConnectPtr conn)
{
    return 0;
}

static bool
remote_connect_set_keep_alive(virConnectPtr conn, int interval, unsigned int count, GError **error)
{
    RemoteConn *priv = conn->driver_data;

    /* libvirt answers "not supported by the peer" with success too */
    if (!priv->keepalive)
        return true;
    remote_client_set_keepalive(priv->client, interval, count);
    return true;
}

static bool
remote_node_get_info(virConnectPtr conn, virNodeInfoPtr info, GError **error)
{
    RpcNodeGetInfoRet ret;

    if (!CALL(conn, NODE_GET_INFO, NULL, &ret, error))
        return false;
    memset(info, 0, sizeof(*info));
    memcpy(info->model, ret.model, MIN(sizeof(info->model), sizeof(ret.model)));
    info->model[sizeof(info->model) - 1] = '\0';
    info->memory = ret.memory;
    info->cpus = ret.cpus;
    info->mhz = ret.mhz;
    info->nodes = ret.nodes;
    info->sockets = ret.sockets;
    info->cores = ret.cores;
    info->threads = ret.threads;
    return true;
}

/* ---- domains: listing and lookup ------------------------------------ */

static int
remote_connect_num_of_domains(virConnectPtr conn, GError **error)
{
    RpcConnectNumOfDomainsRet ret;

    return CALL(conn, CONNECT_NUM_OF_DOMAINS, NULL, &ret, error) ? ret.num : -1;
}

static int
remote_connect_num_of_defined_domains(virConnectPtr conn, GError **error)
{
    RpcConnectNumOfDefinedDomainsRet ret;

    return CALL(conn, CONNECT_NUM_OF_DEFINED_DOMAINS, NULL, &ret, error) ? ret.num : -1;
}

static int
remote_connect_list_domains(virConnectPtr conn, int *ids, int maxids, GError **error)
{
    RpcConnectListDomainsArgs args = { .maxids = maxids };
    RpcConnectListDomainsRet ret;
    int n;

    if (!CALL(conn, CONNECT_LIST_DOMAINS, &args, &ret, error))
        return -1;
    if (ret.ids.ids_len > (u_int)MAX(maxids, 0)) {
        g_set_error(error, RPC_ERROR, VIR_ERR_RPC, "too many remote domain IDs: %u > %d",
                    ret.ids.ids_len, maxids);
        FREE_RET(CONNECT_LIST_DOMAINS, &ret);
        return -1;
    }
    n = ret.ids.ids_len;
    if (n > 0)
        memcpy(ids, ret.ids.ids_val, n * sizeof(int));
    FREE_RET(CONNECT_LIST_DOMAINS, &ret);
    return n;
}

/* Copies @len names (caller frees each) into @names of @max slots. */
static int
copy_names(char **names, int max, RpcStr *val, u_int len, const char *what, GError **error)
{
    if (len > (u_int)MAX(max, 0)) {
        g_set_error(error, RPC_ERROR, VIR_ERR_RPC, "too many remote %s: %u > %d", what, len, max);
        return -1;
    }
    for (u_int i = 0; i < len; i++)
        names[i] = g_strdup(val[i]);
    return (int)len;
}

static int
remote_connect_list_defined_domains(virConnectPtr conn, char **names, int maxnames, GError **error)
{
    RpcConnectListDefinedDomainsArgs args = { .maxnames = maxnames };
    RpcConnectListDefinedDomainsRet ret;
    int n;

    if (!CALL(conn, CONNECT_LIST_DEFINED_DOMAINS, &args, &ret, error))
        return -1;
    n = copy_names(names, maxnames, ret.names.names_val, ret.names.names_len, "domain names",
                   error);
    FREE_RET(CONNECT_LIST_DEFINED_DOMAINS, &ret);
    return n;
}

static int
remote_connect_list_all_domains(virConnectPtr conn, virDomainPtr **ret_domains, unsigned int flags,
                                GError **error)
{
    RpcConnectListAllDomainsArgs args = { .need_results = ret_domains != NULL, .flags = flags };
    RpcConnectListAllDomainsRet ret;
    int n;

    if (!CALL(conn, CONNECT_LIST_ALL_DOMAINS, &args, &ret, error))
        return -1;
    if (ret_domains) {
        virDomainPtr *doms = g_new0(virDomainPtr, ret.domains.domains_len + 1);

        for (u_int i = 0; i < ret.domains.domains_len; i++)
            doms[i] = domain_from_wire(conn, &ret.domains.domains_val[i]);
        *ret_domains = doms;
        n = ret.domains.domains_len;
    } else {
        n = ret.ret;
    }
    FREE_RET(CONNECT_LIST_ALL_DOMAINS, &ret);
    return n;
}

static virDomainPtr
remote_domain_lookup_by_id(virConnectPtr conn, int id, GError **error)
{
    RpcDomainLookupByIdArgs args = { .id = id };
    RpcDomainLookupByIdRet ret;
    virDomainPtr dom;

    if (!CALL(conn, DOMAIN_LOOKUP_BY_ID, &args, &ret, error))
        return NULL;
    dom = domain_from_wire(conn, &ret.dom);
    FREE_RET(DOMAIN_LOOKUP_BY_ID, &ret);
    return dom;
}

static virDomainPtr
remote_domain_lookup_by_name(virConnectPtr conn, const char *name, GError **error)
{
    RpcDomainLookupByNameArgs args = { .name = (char *)name };
    RpcDomainLookupByNameRet ret;
    virDomainPtr dom;

    if (!CALL(conn, DOMAIN_LOOKUP_BY_NAME, &args, &ret, error))
        return NULL;
    dom = domain_from_wire(conn, &ret.dom);
    FREE_RET(DOMAIN_LOOKUP_BY_NAME, &ret);
    return dom;
}

static virDomainPtr
remote_domain_lookup_by_uuid(virConnectPtr conn, const unsigned char *uuid, GError **error)
{
    RpcDomainLookupByUuidArgs args;
    RpcDomainLookupByUuidRet ret;
    virDomainPtr dom;

    memcpy(args.uuid, uuid, RPC_UUID_LEN);
    if (!CALL(conn, DOMAIN_LOOKUP_BY_UUID, &args, &ret, error))
        return NULL;
    dom = domain_from_wire(conn, &ret.dom);
    FREE_RET(DOMAIN_LOOKUP_BY_UUID, &ret);
    return dom;
}

/* ---- domains: definition and lifecycle ------------------------------ */

static virDomainPtr
remote_domain_define_xml(virConnectPtr conn, const char *xml, unsigned int flags, GError **error)
{
    virDomainPtr dom;

    if (flags) {
        RpcDomainDefineXmlFlagsArgs args = { .xml = (char *)xml, .flags = flags };
        RpcDomainDefineXmlFlagsRet ret;

        if (!CALL(conn, DOMAIN_DEFINE_XML_FLAGS, &args, &ret, error))
            return NULL;
        dom = domain_from_wire(conn, &ret.dom);
        FREE_RET(DOMAIN_DEFINE_XML_FLAGS, &ret);
    } else {
        RpcDomainDefineXmlArgs args = { .xml = (char *)xml };
        RpcDomainDefineXmlRet ret;

        if (!CALL(conn, DOMAIN_DEFINE_XML, &args, &ret, error))
            return NULL;
        dom = domain_from_wire(conn, &ret.dom);
        FREE_RET(DOMAIN_DEFINE_XML, &ret);
    }
    return dom;
}

static bool
remote_domain_undefine(virDomainPtr dom, unsigned int flags, GError **error)
{
    if (flags) {
        RpcDomainUndefineFlagsArgs args = { .flags = flags };

        domain_arg(&args.dom, dom);
        return CALL(dom->conn, DOMAIN_UNDEFINE_FLAGS, &args, NULL, error);
    } else {
        RpcDomainUndefineArgs args;

        domain_arg(&args.dom, dom);
        return CALL(dom->conn, DOMAIN_UNDEFINE, &args, NULL, error);
    }
}

static bool
remote_domain_create(virDomainPtr dom, unsigned int flags, GError **error)
{
    if (flags) {
        RpcDomainCreateWithFlagsArgs args = { .flags = flags };
        RpcDomainCreateWithFlagsRet ret;

        domain_arg(&args.dom, dom);
        if (!CALL(dom->conn, DOMAIN_CREATE_WITH_FLAGS, &args, &ret, error))
            return false;
        g_atomic_int_set(&dom->id, ret.dom.id);
        FREE_RET(DOMAIN_CREATE_WITH_FLAGS, &ret);
    } else {
        RpcDomainCreateArgs args;
        RpcDomainLookupByUuidArgs lookup;
        RpcDomainLookupByUuidRet ret;

        domain_arg(&args.dom, dom);
        if (!CALL(dom->conn, DOMAIN_CREATE, &args, NULL, error))
            return false;
        /* DOMAIN_CREATE returns nothing: ask for the id it got. */
        memcpy(lookup.uuid, dom->uuid, RPC_UUID_LEN);
        if (!CALL(dom->conn, DOMAIN_LOOKUP_BY_UUID, &lookup, &ret, error))
            return false;
        g_atomic_int_set(&dom->id, ret.dom.id);
        FREE_RET(DOMAIN_LOOKUP_BY_UUID, &ret);
    }
    return true;
}

static virDomainPtr
remote_domain_create_xml(virConnectPtr conn, const char *xml, unsigned int flags, GError **error)
{
    RpcDomainCreateXmlArgs args = { .xml_desc = (char *)xml, .flags = flags };
    RpcDomainCreateXmlRet ret;
    virDomainPtr dom;

    if (!CALL(conn, DOMAIN_CREATE_XML, &args, &ret, error))
        return NULL;
    dom = domain_from_wire(conn, &ret.dom);
    FREE_RET(DOMAIN_CREATE_XML, &ret);
    return dom;
}

static bool
remote_domain_destroy(virDomainPtr dom, unsigned int flags, GError **error)
{
    bool ok;

    if (flags) {
        RpcDomainDestroyFlagsArgs args = { .flags = flags };

        domain_arg(&args.dom, dom);
        ok = CALL(dom->conn, DOMAIN_DESTROY_FLAGS, &args, NULL, error);
    } else {
        RpcDomainDestroyArgs args;

        domain_arg(&args.dom, dom);
        ok = CALL(dom->conn, DOMAIN_DESTROY, &args, NULL, error);
    }
    if (ok)
        g_atomic_int_set(&dom->id, -1);
    return ok;
}

static bool
remote_domain_shutdown(virDomainPtr dom, unsigned int flags, GError **error)
{
    if (flags) {
        RpcDomainShutdownFlagsArgs args = { .flags = flags };

        domain_arg(&args.dom, dom);
        return CALL(dom->conn, DOMAIN_SHUTDOWN_FLAGS, &args, NULL, error);
    } else {
        RpcDomainShutdownArgs args;

        domain_arg(&args.dom, dom);
        return CALL(dom->conn, DOMAIN_SHUTDOWN, &args, NULL, error);
    }
}

static bool
remote_domain_reset(virDomainPtr dom, unsigned int flags, GError **error)
{
    RpcDomainResetArgs args = { .flags = flags };

    domain_arg(&args.dom, dom);
    return CALL(dom->conn, DOMAIN_RESET, &args, NULL, error);
}

static bool
remote_domain_reboot(virDomainPtr dom, unsigned int flags, GError **error)
{
    RpcDomainRebootArgs args = { .flags = flags };

    domain_arg(&args.dom, dom);
    return CALL(dom->conn, DOMAIN_REBOOT, &args, NULL, error);
}

static bool
remote_domain_suspend(virDomainPtr dom, GError **error)
{
    RpcDomainSuspendArgs args;

    domain_arg(&args.dom, dom);
    return CALL(dom->conn, DOMAIN_SUSPEND, &args, NULL, error);
}

static bool
remote_domain_resume(virDomainPtr dom, GError **error)
{
    RpcDomainResumeArgs args;

    domain_arg(&args.dom, dom);
    return CALL(dom->conn, DOMAIN_RESUME, &args, NULL, error);
}

/* ---- domains: queries ------------------------------------------------ */

static bool
remote_domain_get_info(virDomainPtr dom, virDomainInfoPtr info, GError **error)
{
    RpcDomainGetInfoArgs args;
    RpcDomainGetInfoRet ret;

    domain_arg(&args.dom, dom);
    if (!CALL(dom->conn, DOMAIN_GET_INFO, &args, &ret, error))
        return false;
    info->state = ret.state;
    info->maxMem = ret.max_mem;
    info->memory = ret.memory;
    info->nrVirtCpu = ret.nr_virt_cpu;
    info->cpuTime = ret.cpu_time;
    return true;
}

static bool
remote_domain_get_state(virDomainPtr dom, int *ret_state, int *ret_reason, unsigned int flags,
                        GError **error)
{
    RpcDomainGetStateArgs args = { .flags = flags };
    RpcDomainGetStateRet ret;

    domain_arg(&args.dom, dom);
    if (!CALL(dom->conn, DOMAIN_GET_STATE, &args, &ret, error))
        return false;
    *ret_state = ret.state;
    *ret_reason = ret.reason;
    return true;
}

static char *
remote_domain_get_xml_desc(virDomainPtr dom, unsigned int flags, GError **error)
{
    RpcDomainGetXmlDescArgs args = { .flags = flags };
    RpcDomainGetXmlDescRet ret;
    char *xml;

    domain_arg(&args.dom, dom);
    if (!CALL(dom->conn, DOMAIN_GET_XML_DESC, &args, &ret, error))
        return NULL;
    xml = g_strdup(ret.xml);
    FREE_RET(DOMAIN_GET_XML_DESC, &ret);
    return xml;
}

static char *
remote_domain_get_os_type(virDomainPtr dom, GError **error)
{
    RpcDomainGetOsTypeArgs args;
    RpcDomainGetOsTypeRet ret;
    char *type;

    domain_arg(&args.dom, dom);
    if (!CALL(dom->conn, DOMAIN_GET_OS_TYPE, &args, &ret, error))
        return NULL;
    type = g_strdup(ret.type);
    FREE_RET(DOMAIN_GET_OS_TYPE, &ret);
    return type;
}

static bool
remote_domain_get_max_memory(virDomainPtr dom, unsigned long long *ret_kib, GError **error)
{
    RpcDomainGetMaxMemoryArgs args;
    RpcDomainGetMaxMemoryRet ret;

    domain_arg(&args.dom, dom);
    if (!CALL(dom->conn, DOMAIN_GET_MAX_MEMORY, &args, &ret, error))
        return false;
    *ret_kib = ret.memory;
    return true;
}

static int
remote_domain_get_vcpus_flags(virDomainPtr dom, unsigned int flags, GError **error)
{
    RpcDomainGetVcpusFlagsArgs args = { .flags = flags };
    RpcDomainGetVcpusFlagsRet ret;

    domain_arg(&args.dom, dom);
    return CALL(dom->conn, DOMAIN_GET_VCPUS_FLAGS, &args, &ret, error) ? ret.num : -1;
}

static bool
remote_domain_get_autostart(virDomainPtr dom, int *ret_autostart, GError **error)
{
    RpcDomainGetAutostartArgs args;
    RpcDomainGetAutostartRet ret;

    domain_arg(&args.dom, dom);
    if (!CALL(dom->conn, DOMAIN_GET_AUTOSTART, &args, &ret, error))
        return false;
    *ret_autostart = ret.autostart;
    return true;
}

static bool
remote_domain_set_autostart(virDomainPtr dom, int autostart, GError **error)
{
    RpcDomainSetAutostartArgs args = { .autostart = autostart };

    domain_arg(&args.dom, dom);
    return CALL(dom->conn, DOMAIN_SET_AUTOSTART, &args, NULL, error);
}

static int
remote_domain_is_active(virDomainPtr dom, GError **error)
{
    RpcDomainIsActiveArgs args;
    RpcDomainIsActiveRet ret;

    domain_arg(&args.dom, dom);
    return CALL(dom->conn, DOMAIN_IS_ACTIVE, &args, &ret, error) ? ret.active : -1;
}

static int
remote_domain_is_persistent(virDomainPtr dom, GError **error)
{
    RpcDomainIsPersistentArgs args;
    RpcDomainIsPersistentRet ret;

    domain_arg(&args.dom, dom);
    return CALL(dom->conn, DOMAIN_IS_PERSISTENT, &args, &ret, error) ? ret.persistent : -1;
}

/* Copies a received character list into a fixed public buffer of @size,
 * failing (as libvirt's client does) when it does not fit. */
static bool
charlist_copy(char *dst, gsize size, u_int len, const char *val, const char *what, GError **error)
{
    g_autofree char *text = rpc_charlist_dup(len, val);

    if (strlen(text) >= size) {
        g_set_error(error, RPC_ERROR, VIR_ERR_RPC, "security %s exceeds maximum: %zu", what,
                    size - 1);
        return false;
    }
    memcpy(dst, text, strlen(text) + 1);
    return true;
}

static bool
remote_node_get_security_model(virConnectPtr conn, virSecurityModelPtr ret_model, GError **error)
{
    RpcNodeGetSecurityModelRet ret;
    bool ok;

    if (!CALL(conn, NODE_GET_SECURITY_MODEL, NULL, &ret, error))
        return false;
    memset(ret_model, 0, sizeof(*ret_model));
    ok = charlist_copy(ret_model->model, sizeof(ret_model->model), ret.model.model_len,
                       ret.model.model_val, "model", error) &&
         charlist_copy(ret_model->doi, sizeof(ret_model->doi), ret.doi.doi_len, ret.doi.doi_val,
                       "doi", error);
    FREE_RET(NODE_GET_SECURITY_MODEL, &ret);
    return ok;
}

static bool
remote_domain_get_security_label(virDomainPtr dom, virSecurityLabelPtr ret_label, GError **error)
{
    RpcDomainGetSecurityLabelArgs args;
    RpcDomainGetSecurityLabelRet ret;
    bool ok;

    domain_arg(&args.dom, dom);
    if (!CALL(dom->conn, DOMAIN_GET_SECURITY_LABEL, &args, &ret, error))
        return false;
    memset(ret_label, 0, sizeof(*ret_label));
    ok = charlist_copy(ret_label->label, sizeof(ret_label->label), ret.label.label_len,
                       ret.label.label_val, "label", error);
    ret_label->enforcing = ret.enforcing;
    FREE_RET(DOMAIN_GET_SECURITY_LABEL, &ret);
    return ok;
}

static int
remote_domain_has_managed_save_image(virDomainPtr dom, unsigned int flags, GError **error)
{
    RpcDomainHasManagedSaveImageArgs args = { .flags = flags };
    RpcDomainHasManagedSaveImageRet ret;

    domain_arg(&args.dom, dom);
    return CALL(dom->conn, DOMAIN_HAS_MANAGED_SAVE_IMAGE, &args, &ret, error) ? ret.result : -1;
}

/* ---- networks -------------------------------------------------------- */

static int
remote_connect_num_of_networks(virConnectPtr conn, GError **error)
{
    RpcConnectNumOfNetworksRet ret;

    return CALL(conn, CONNECT_NUM_OF_NETWORKS, NULL, &ret, error) ? ret.num : -1;
}

static int
remote_connect_num_of_defined_networks(virConnectPtr conn, GError **error)
{
    RpcConnectNumOfDefinedNetworksRet ret;

    return CALL(conn, CONNECT_NUM_OF_DEFINED_NETWORKS, NULL, &ret, error) ? ret.num : -1;
}

static int
remote_connect_list_networks(virConnectPtr conn, char **names, int maxnames, GError **error)
{
    RpcConnectListNetworksArgs args = { .maxnames = maxnames };
    RpcConnectListNetworksRet ret;
    int n;

    if (!CALL(conn, CONNECT_LIST_NETWORKS, &args, &ret, error))
        return -1;
    n = copy_names(names, maxnames, ret.names.names_val, ret.names.names_len, "networks", error);
    FREE_RET(CONNECT_LIST_NETWORKS, &ret);
    return n;
}

static int
remote_connect_list_defined_networks(virConnectPtr conn, char **names, int maxnames, GError **error)
{
    RpcConnectListDefinedNetworksArgs args = { .maxnames = maxnames };
    RpcConnectListDefinedNetworksRet ret;
    int n;

    if (!CALL(conn, CONNECT_LIST_DEFINED_NETWORKS, &args, &ret, error))
        return -1;
    n = copy_names(names, maxnames, ret.names.names_val, ret.names.names_len, "networks", error);
    FREE_RET(CONNECT_LIST_DEFINED_NETWORKS, &ret);
    return n;
}

static int
remote_connect_list_all_networks(virConnectPtr conn, virNetworkPtr **ret_networks,
                                 unsigned int flags, GError **error)
{
    RpcConnectListAllNetworksArgs args = { .need_results = ret_networks != NULL, .flags = flags };
    RpcConnectListAllNetworksRet ret;
    int n;

    if (!CALL(conn, CONNECT_LIST_ALL_NETWORKS, &args, &ret, error))
        return -1;
    if (ret_networks) {
        virNetworkPtr *nets = g_new0(virNetworkPtr, ret.nets.nets_len + 1);

        for (u_int i = 0; i < ret.nets.nets_len; i++)
            nets[i] = network_from_wire(conn, &ret.nets.nets_val[i]);
        *ret_networks = nets;
        n = ret.nets.nets_len;
    } else {
        n = ret.ret;
    }
    FREE_RET(CONNECT_LIST_ALL_NETWORKS, &ret);
    return n;
}

static virNetworkPtr
remote_network_lookup_by_name(virConnectPtr conn, const char *name, GError **error)
{
    RpcNetworkLookupByNameArgs args = { .name = (char *)name };
    RpcNetworkLookupByNameRet ret;
    virNetworkPtr net;

    if (!CALL(conn, NETWORK_LOOKUP_BY_NAME, &args, &ret, error))
        return NULL;
    net = network_from_wire(conn, &ret.net);
    FREE_RET(NETWORK_LOOKUP_BY_NAME, &ret);
    return net;
}

static virNetworkPtr
remote_network_lookup_by_uuid(virConnectPtr conn, const unsigned char *uuid, GError **error)
{
    RpcNetworkLookupByUuidArgs args;
    RpcNetworkLookupByUuidRet ret;
    virNetworkPtr net;

    memcpy(args.uuid, uuid, RPC_UUID_LEN);
    if (!CALL(conn, NETWORK_LOOKUP_BY_UUID, &args, &ret, error))
        return NULL;
    net = network_from_wire(conn, &ret.net);
    FREE_RET(NETWORK_LOOKUP_BY_UUID, &ret);
    return net;
}

static virNetworkPtr
remote_network_define_xml(virConnectPtr conn, const char *xml, unsigned int flags, GError **error)
{
    virNetworkPtr net;

    if (flags) {
        RpcNetworkDefineXmlFlagsArgs args = { .xml = (char *)xml, .flags = flags };
        RpcNetworkDefineXmlFlagsRet ret;

        if (!CALL(conn, NETWORK_DEFINE_XML_FLAGS, &args, &ret, error))
            return NULL;
        net = network_from_wire(conn, &ret.net);
        FREE_RET(NETWORK_DEFINE_XML_FLAGS, &ret);
    } else {
        RpcNetworkDefineXmlArgs args = { .xml = (char *)xml };
        RpcNetworkDefineXmlRet ret;

        if (!CALL(conn, NETWORK_DEFINE_XML, &args, &ret, error))
            return NULL;
        net = network_from_wire(conn, &ret.net);
        FREE_RET(NETWORK_DEFINE_XML, &ret);
    }
    return net;
}

static virNetworkPtr
remote_network_create_xml(virConnectPtr conn, const char *xml, unsigned int flags, GError **error)
{
    virNetworkPtr net;

    if (flags) {
        RpcNetworkCreateXmlFlagsArgs args = { .xml = (char *)xml, .flags = flags };
        RpcNetworkCreateXmlFlagsRet ret;

        if (!CALL(conn, NETWORK_CREATE_XML_FLAGS, &args, &ret, error))
            return NULL;
        net = network_from_wire(conn, &ret.net);
        FREE_RET(NETWORK_CREATE_XML_FLAGS, &ret);
    } else {
        RpcNetworkCreateXmlArgs args = { .xml = (char *)xml };
        RpcNetworkCreateXmlRet ret;

        if (!CALL(conn, NETWORK_CREATE_XML, &args, &ret, error))
            return NULL;
        net = network_from_wire(conn, &ret.net);
        FREE_RET(NETWORK_CREATE_XML, &ret);
    }
    return net;
}

static bool
remote_network_undefine(virNetworkPtr net, GError **error)
{
    RpcNetworkUndefineArgs args;

    network_arg(&args.net, net);
    return CALL(net->conn, NETWORK_UNDEFINE, &args, NULL, error);
}

static bool
remote_network_create(virNetworkPtr net, GError **error)
{
    RpcNetworkCreateArgs args;

    network_arg(&args.net, net);
    return CALL(net->conn, NETWORK_CREATE, &args, NULL, error);
}

static bool
remote_network_destroy(virNetworkPtr net, GError **error)
{
    RpcNetworkDestroyArgs args;

    network_arg(&args.net, net);
    return CALL(net->conn, NETWORK_DESTROY, &args, NULL, error);
}

static char *
remote_network_get_xml_desc(virNetworkPtr net, unsigned int flags, GError **error)
{
    RpcNetworkGetXmlDescArgs args = { .flags = flags };
    RpcNetworkGetXmlDescRet ret;
    char *xml;

    network_arg(&args.net, net);
    if (!CALL(net->conn, NETWORK_GET_XML_DESC, &args, &ret, error))
        return NULL;
    xml = g_strdup(ret.xml);
    FREE_RET(NETWORK_GET_XML_DESC, &ret);
    return xml;
}

static char *
remote_network_get_bridge_name(virNetworkPtr net, GError **error)
{
    RpcNetworkGetBridgeNameArgs args;
    RpcNetworkGetBridgeNameRet ret;
    char *name;

    network_arg(&args.net, net);
    if (!CALL(net->conn, NETWORK_GET_BRIDGE_NAME, &args, &ret, error))
        return NULL;
    name = g_strdup(ret.name);
    FREE_RET(NETWORK_GET_BRIDGE_NAME, &ret);
    return name;
}

static bool
remote_network_get_autostart(virNetworkPtr net, int *ret_autostart, GError **error)
{
    RpcNetworkGetAutostartArgs args;
    RpcNetworkGetAutostartRet ret;

    network_arg(&args.net, net);
    if (!CALL(net->conn, NETWORK_GET_AUTOSTART, &args, &ret, error))
        return false;
    *ret_autostart = ret.autostart;
    return true;
}

static bool
remote_network_set_autostart(virNetworkPtr net, int autostart, GError **error)
{
    RpcNetworkSetAutostartArgs args = { .autostart = autostart };

    network_arg(&args.net, net);
    return CALL(net->conn, NETWORK_SET_AUTOSTART, &args, NULL, error);
}

static bool
remote_network_update(virNetworkPtr net, unsigned int command, unsigned int section,
                      int parent_index, const char *xml, unsigned int flags, GError **error)
{
    /* the agent answers feature 16: command and section go in the API's order */
    RpcNetworkUpdateArgs args = {
        .command = command,
        .section = section,
        .parent_index = parent_index,
        .xml = (char *)xml,
        .flags = flags,
    };

    network_arg(&args.net, net);
    return CALL(net->conn, NETWORK_UPDATE, &args, NULL, error);
}

static int
remote_network_is_active(virNetworkPtr net, GError **error)
{
    RpcNetworkIsActiveArgs args;
    RpcNetworkIsActiveRet ret;

    network_arg(&args.net, net);
    return CALL(net->conn, NETWORK_IS_ACTIVE, &args, &ret, error) ? ret.active : -1;
}

static int
remote_network_is_persistent(virNetworkPtr net, GError **error)
{
    RpcNetworkIsPersistentArgs args;
    RpcNetworkIsPersistentRet ret;

    network_arg(&args.net, net);
    return CALL(net->conn, NETWORK_IS_PERSISTENT, &args, &ret, error) ? ret.persistent : -1;
}

static char *
ostr_dup(RpcOStr s)
{
    return s ? g_strdup(*s) : NULL;
}

static int
remote_network_get_dhcp_leases(virNetworkPtr net, const char *mac,
                               virNetworkDHCPLeasePtr **ret_leases, unsigned int flags,
                               GError **error)
{
    char *mac_copy = (char *)mac;
    RpcNetworkGetDhcpLeasesArgs args = {
        .mac = mac ? &mac_copy : NULL,
        .need_results = ret_leases != NULL,
        .flags = flags,
    };
    RpcNetworkGetDhcpLeasesRet ret;
    int n;

    network_arg(&args.net, net);
    if (!CALL(net->conn, NETWORK_GET_DHCP_LEASES, &args, &ret, error))
        return -1;
    if (ret_leases) {
        virNetworkDHCPLeasePtr *leases = g_new0(virNetworkDHCPLeasePtr, ret.leases.leases_len + 1);

        for (u_int i = 0; i < ret.leases.leases_len; i++) {
            const RpcDhcpLease *w = &ret.leases.leases_val[i];
            virNetworkDHCPLeasePtr l = g_new0(virNetworkDHCPLease, 1);

            l->iface = g_strdup(w->iface);
            l->expirytime = w->expirytime;
            l->type = w->type;
            l->mac = ostr_dup(w->mac);
            l->iaid = ostr_dup(w->iaid);
            l->ipaddr = g_strdup(w->ipaddr);
            l->prefix = w->prefix;
            l->hostname = ostr_dup(w->hostname);
            l->clientid = ostr_dup(w->clientid);
            leases[i] = l;
        }
        *ret_leases = leases;
        n = ret.leases.leases_len;
    } else {
        n = ret.ret;
    }
    FREE_RET(NETWORK_GET_DHCP_LEASES, &ret);
    return n;
}

const HypervisorDriver remote_driver = {
    .name = "remote",
    .connect_open = remote_connect_open,
    .connect_close = remote_connect_close,
    .connect_get_type = remote_connect_get_type,
    .connect_get_version = remote_connect_get_version,
    .connect_get_lib_version = remote_connect_get_lib_version,
    .connect_get_hostname = remote_connect_get_hostname,
    .connect_get_capabilities = remote_connect_get_capabilities,
    .connect_get_max_vcpus = remote_connect_get_max_vcpus,
    .connect_is_alive = remote_connect_is_alive,
    .connect_is_secure = remote_connect_is_secure,
    .connect_is_encrypted = remote_connect_is_encrypted,
    .connect_set_keep_alive = remote_connect_set_keep_alive,
    .node_get_info = remote_node_get_info,

    .connect_num_of_domains = remote_connect_num_of_domains,
    .connect_list_domains = remote_connect_list_domains,
    .connect_num_of_defined_domains = remote_connect_num_of_defined_domains,
    .connect_list_defined_domains = remote_connect_list_defined_domains,
    .connect_list_all_domains = remote_connect_list_all_domains,
    .domain_lookup_by_id = remote_domain_lookup_by_id,
    .domain_lookup_by_name = remote_domain_lookup_by_name,
    .domain_lookup_by_uuid = remote_domain_lookup_by_uuid,

    .domain_define_xml = remote_domain_define_xml,
    .domain_undefine = remote_domain_undefine,
    .domain_create = remote_domain_create,
    .domain_create_xml = remote_domain_create_xml,
    .domain_destroy = remote_domain_destroy,
    .domain_shutdown = remote_domain_shutdown,
    .domain_reboot = remote_domain_reboot,
    .domain_reset = remote_domain_reset,
    .domain_suspend = remote_domain_suspend,
    .domain_resume = remote_domain_resume,

    .domain_get_info = remote_domain_get_info,
    .domain_get_state = remote_domain_get_state,
    .domain_get_xml_desc = remote_domain_get_xml_desc,
    .domain_get_os_type = remote_domain_get_os_type,
    .domain_get_max_memory = remote_domain_get_max_memory,
    .domain_get_vcpus_flags = remote_domain_get_vcpus_flags,
    .domain_get_autostart = remote_domain_get_autostart,
    .domain_set_autostart = remote_domain_set_autostart,
    .domain_is_active = remote_domain_is_active,
    .domain_is_persistent = remote_domain_is_persistent,
    .node_get_security_model = remote_node_get_security_model,
    .domain_get_security_label = remote_domain_get_security_label,
    .domain_has_managed_save_image = remote_domain_has_managed_save_image,

    .connect_num_of_networks = remote_connect_num_of_networks,
    .connect_list_networks = remote_connect_list_networks,
    .connect_num_of_defined_networks = remote_connect_num_of_defined_networks,
    .connect_list_defined_networks = remote_connect_list_defined_networks,
    .connect_list_all_networks = remote_connect_list_all_networks,
    .network_lookup_by_name = remote_network_lookup_by_name,
    .network_lookup_by_uuid = remote_network_lookup_by_uuid,
    .network_define_xml = remote_network_define_xml,
    .network_create_xml = remote_network_create_xml,
    .network_undefine = remote_network_undefine,
    .network_create = remote_network_create,
    .network_destroy = remote_network_destroy,
    .network_get_xml_desc = remote_network_get_xml_desc,
    .network_get_bridge_name = remote_network_get_bridge_name,
    .network_get_autostart = remote_network_get_autostart,
    .network_set_autostart = remote_network_set_autostart,
    .network_update = remote_network_update,
    .network_is_active = remote_network_is_active,
    .network_is_persistent = remote_network_is_persistent,
    .network_get_dhcp_leases = remote_network_get_dhcp_leases,

    .connect_event_watch = remote_connect_event_watch,
};
