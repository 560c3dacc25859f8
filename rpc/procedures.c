/*
 * procedures.c: the procedure tables of the REMOTE and keepalive programs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <stdlib.h>

#include "rpc/procedures.h"

#define PROC_VOID NULL, 0
#define PROC_TYPE(type) (xdrproc_t) xdr_##type, sizeof(type)
#define PROC(name, args, ret, flags)                                                               \
    {                                                                                              \
        RPC_PROC_##name, #name, args, ret, flags                                                   \
    }

#define MUTATES RPC_PROC_FLAG_MUTATES
#define BEFORE_OPEN RPC_PROC_FLAG_BEFORE_OPEN
#define EVENT RPC_PROC_FLAG_EVENT

/* Sorted by number (rpc_remote_procedure() searches it). Event registration
 * does not change host state, so it is allowed on read-only connections, as
 * are all lookups and queries. */
static const RpcProcedure remote_procedures[] = {
    PROC(CONNECT_OPEN, PROC_TYPE(RpcConnectOpenArgs), PROC_VOID, BEFORE_OPEN),
    PROC(CONNECT_CLOSE, PROC_VOID, PROC_VOID, 0),
    PROC(CONNECT_GET_TYPE, PROC_VOID, PROC_TYPE(RpcConnectGetTypeRet), 0),
    PROC(CONNECT_GET_VERSION, PROC_VOID, PROC_TYPE(RpcConnectGetVersionRet), 0),
    PROC(CONNECT_GET_MAX_VCPUS, PROC_TYPE(RpcConnectGetMaxVcpusArgs),
         PROC_TYPE(RpcConnectGetMaxVcpusRet), 0),
    PROC(NODE_GET_INFO, PROC_VOID, PROC_TYPE(RpcNodeGetInfoRet), 0),
    PROC(CONNECT_GET_CAPABILITIES, PROC_VOID, PROC_TYPE(RpcConnectGetCapabilitiesRet), 0),
    PROC(DOMAIN_CREATE, PROC_TYPE(RpcDomainCreateArgs), PROC_VOID, MUTATES),
    PROC(DOMAIN_CREATE_XML, PROC_TYPE(RpcDomainCreateXmlArgs), PROC_TYPE(RpcDomainCreateXmlRet),
         MUTATES),
    PROC(DOMAIN_DEFINE_XML, PROC_TYPE(RpcDomainDefineXmlArgs), PROC_TYPE(RpcDomainDefineXmlRet),
         MUTATES),
    PROC(DOMAIN_DESTROY, PROC_TYPE(RpcDomainDestroyArgs), PROC_VOID, MUTATES),
    PROC(DOMAIN_GET_XML_DESC, PROC_TYPE(RpcDomainGetXmlDescArgs), PROC_TYPE(RpcDomainGetXmlDescRet),
         0),
    PROC(DOMAIN_GET_AUTOSTART, PROC_TYPE(RpcDomainGetAutostartArgs),
         PROC_TYPE(RpcDomainGetAutostartRet), 0),
    PROC(DOMAIN_GET_INFO, PROC_TYPE(RpcDomainGetInfoArgs), PROC_TYPE(RpcDomainGetInfoRet), 0),
    PROC(DOMAIN_GET_MAX_MEMORY, PROC_TYPE(RpcDomainGetMaxMemoryArgs),
         PROC_TYPE(RpcDomainGetMaxMemoryRet), 0),
    PROC(DOMAIN_GET_OS_TYPE, PROC_TYPE(RpcDomainGetOsTypeArgs), PROC_TYPE(RpcDomainGetOsTypeRet),
         0),
    PROC(CONNECT_LIST_DEFINED_DOMAINS, PROC_TYPE(RpcConnectListDefinedDomainsArgs),
         PROC_TYPE(RpcConnectListDefinedDomainsRet), 0),
    PROC(DOMAIN_LOOKUP_BY_ID, PROC_TYPE(RpcDomainLookupByIdArgs), PROC_TYPE(RpcDomainLookupByIdRet),
         0),
    PROC(DOMAIN_LOOKUP_BY_NAME, PROC_TYPE(RpcDomainLookupByNameArgs),
         PROC_TYPE(RpcDomainLookupByNameRet), 0),
    PROC(DOMAIN_LOOKUP_BY_UUID, PROC_TYPE(RpcDomainLookupByUuidArgs),
         PROC_TYPE(RpcDomainLookupByUuidRet), 0),
    PROC(CONNECT_NUM_OF_DEFINED_DOMAINS, PROC_VOID, PROC_TYPE(RpcConnectNumOfDefinedDomainsRet), 0),
    PROC(DOMAIN_REBOOT, PROC_TYPE(RpcDomainRebootArgs), PROC_VOID, MUTATES),
    PROC(DOMAIN_RESUME, PROC_TYPE(RpcDomainResumeArgs), PROC_VOID, MUTATES),
    PROC(DOMAIN_SET_AUTOSTART, PROC_TYPE(RpcDomainSetAutostartArgs), PROC_VOID, MUTATES),
    PROC(DOMAIN_SHUTDOWN, PROC_TYPE(RpcDomainShutdownArgs), PROC_VOID, MUTATES),
    PROC(DOMAIN_SUSPEND, PROC_TYPE(RpcDomainSuspendArgs), PROC_VOID, MUTATES),
    PROC(DOMAIN_UNDEFINE, PROC_TYPE(RpcDomainUndefineArgs), PROC_VOID, MUTATES),
    PROC(CONNECT_LIST_DEFINED_NETWORKS, PROC_TYPE(RpcConnectListDefinedNetworksArgs),
         PROC_TYPE(RpcConnectListDefinedNetworksRet), 0),
    PROC(CONNECT_LIST_DOMAINS, PROC_TYPE(RpcConnectListDomainsArgs),
         PROC_TYPE(RpcConnectListDomainsRet), 0),
    PROC(CONNECT_LIST_NETWORKS, PROC_TYPE(RpcConnectListNetworksArgs),
         PROC_TYPE(RpcConnectListNetworksRet), 0),
    PROC(NETWORK_CREATE, PROC_TYPE(RpcNetworkCreateArgs), PROC_VOID, MUTATES),
    PROC(NETWORK_CREATE_XML, PROC_TYPE(RpcNetworkCreateXmlArgs), PROC_TYPE(RpcNetworkCreateXmlRet),
         MUTATES),
    PROC(NETWORK_DEFINE_XML, PROC_TYPE(RpcNetworkDefineXmlArgs), PROC_TYPE(RpcNetworkDefineXmlRet),
         MUTATES),
    PROC(NETWORK_DESTROY, PROC_TYPE(RpcNetworkDestroyArgs), PROC_VOID, MUTATES),
    PROC(NETWORK_GET_XML_DESC, PROC_TYPE(RpcNetworkGetXmlDescArgs),
         PROC_TYPE(RpcNetworkGetXmlDescRet), 0),
    PROC(NETWORK_GET_AUTOSTART, PROC_TYPE(RpcNetworkGetAutostartArgs),
         PROC_TYPE(RpcNetworkGetAutostartRet), 0),
    PROC(NETWORK_GET_BRIDGE_NAME, PROC_TYPE(RpcNetworkGetBridgeNameArgs),
         PROC_TYPE(RpcNetworkGetBridgeNameRet), 0),
    PROC(NETWORK_LOOKUP_BY_NAME, PROC_TYPE(RpcNetworkLookupByNameArgs),
         PROC_TYPE(RpcNetworkLookupByNameRet), 0),
    PROC(NETWORK_LOOKUP_BY_UUID, PROC_TYPE(RpcNetworkLookupByUuidArgs),
         PROC_TYPE(RpcNetworkLookupByUuidRet), 0),
    PROC(NETWORK_SET_AUTOSTART, PROC_TYPE(RpcNetworkSetAutostartArgs), PROC_VOID, MUTATES),
    PROC(NETWORK_UNDEFINE, PROC_TYPE(RpcNetworkUndefineArgs), PROC_VOID, MUTATES),
    PROC(CONNECT_NUM_OF_DEFINED_NETWORKS, PROC_VOID, PROC_TYPE(RpcConnectNumOfDefinedNetworksRet),
         0),
    PROC(CONNECT_NUM_OF_DOMAINS, PROC_VOID, PROC_TYPE(RpcConnectNumOfDomainsRet), 0),
    PROC(CONNECT_NUM_OF_NETWORKS, PROC_VOID, PROC_TYPE(RpcConnectNumOfNetworksRet), 0),
    PROC(CONNECT_GET_HOSTNAME, PROC_VOID, PROC_TYPE(RpcConnectGetHostnameRet), 0),
    PROC(CONNECT_SUPPORTS_FEATURE, PROC_TYPE(RpcConnectSupportsFeatureArgs),
         PROC_TYPE(RpcConnectSupportsFeatureRet), BEFORE_OPEN),
    PROC(AUTH_LIST, PROC_VOID, PROC_TYPE(RpcAuthListRet), BEFORE_OPEN),
    PROC(CONNECT_DOMAIN_EVENT_REGISTER, PROC_VOID, PROC_TYPE(RpcConnectDomainEventRegisterRet), 0),
    PROC(CONNECT_DOMAIN_EVENT_DEREGISTER, PROC_VOID, PROC_TYPE(RpcConnectDomainEventDeregisterRet),
         0),
    PROC(DOMAIN_EVENT_LIFECYCLE, PROC_TYPE(RpcDomainEventLifecycleMsg), PROC_VOID, EVENT),
    PROC(CONNECT_GET_URI, PROC_VOID, PROC_TYPE(RpcConnectGetUriRet), 0),
    PROC(DOMAIN_GET_SECURITY_LABEL, PROC_TYPE(RpcDomainGetSecurityLabelArgs),
         PROC_TYPE(RpcDomainGetSecurityLabelRet), 0),
    PROC(NODE_GET_SECURITY_MODEL, PROC_VOID, PROC_TYPE(RpcNodeGetSecurityModelRet), 0),
    PROC(CONNECT_IS_SECURE, PROC_VOID, PROC_TYPE(RpcConnectIsSecureRet), 0),
    PROC(DOMAIN_IS_ACTIVE, PROC_TYPE(RpcDomainIsActiveArgs), PROC_TYPE(RpcDomainIsActiveRet), 0),
    PROC(DOMAIN_IS_PERSISTENT, PROC_TYPE(RpcDomainIsPersistentArgs),
         PROC_TYPE(RpcDomainIsPersistentRet), 0),
    PROC(NETWORK_IS_ACTIVE, PROC_TYPE(RpcNetworkIsActiveArgs), PROC_TYPE(RpcNetworkIsActiveRet), 0),
    PROC(NETWORK_IS_PERSISTENT, PROC_TYPE(RpcNetworkIsPersistentArgs),
         PROC_TYPE(RpcNetworkIsPersistentRet), 0),
    PROC(CONNECT_GET_LIB_VERSION, PROC_VOID, PROC_TYPE(RpcConnectGetLibVersionRet), 0),
    PROC(CONNECT_DOMAIN_EVENT_REGISTER_ANY, PROC_TYPE(RpcConnectDomainEventRegisterAnyArgs),
         PROC_VOID, 0),
    PROC(CONNECT_DOMAIN_EVENT_DEREGISTER_ANY, PROC_TYPE(RpcConnectDomainEventDeregisterAnyArgs),
         PROC_VOID, 0),
    PROC(DOMAIN_HAS_MANAGED_SAVE_IMAGE, PROC_TYPE(RpcDomainHasManagedSaveImageArgs),
         PROC_TYPE(RpcDomainHasManagedSaveImageRet), 0),
    PROC(DOMAIN_SNAPSHOT_NUM, PROC_TYPE(RpcDomainSnapshotNumArgs),
         PROC_TYPE(RpcDomainSnapshotNumRet), 0),
    PROC(DOMAIN_CREATE_WITH_FLAGS, PROC_TYPE(RpcDomainCreateWithFlagsArgs),
         PROC_TYPE(RpcDomainCreateWithFlagsRet), MUTATES),
    PROC(DOMAIN_GET_VCPUS_FLAGS, PROC_TYPE(RpcDomainGetVcpusFlagsArgs),
         PROC_TYPE(RpcDomainGetVcpusFlagsRet), 0),
    PROC(DOMAIN_GET_STATE, PROC_TYPE(RpcDomainGetStateArgs), PROC_TYPE(RpcDomainGetStateRet), 0),
    PROC(DOMAIN_UNDEFINE_FLAGS, PROC_TYPE(RpcDomainUndefineFlagsArgs), PROC_VOID, MUTATES),
    PROC(DOMAIN_DESTROY_FLAGS, PROC_TYPE(RpcDomainDestroyFlagsArgs), PROC_VOID, MUTATES),
    PROC(DOMAIN_RESET, PROC_TYPE(RpcDomainResetArgs), PROC_VOID, MUTATES),
    PROC(DOMAIN_SHUTDOWN_FLAGS, PROC_TYPE(RpcDomainShutdownFlagsArgs), PROC_VOID, MUTATES),
    PROC(CONNECT_LIST_ALL_DOMAINS, PROC_TYPE(RpcConnectListAllDomainsArgs),
         PROC_TYPE(RpcConnectListAllDomainsRet), 0),
    PROC(DOMAIN_GET_SECURITY_LABEL_LIST, PROC_TYPE(RpcDomainGetSecurityLabelListArgs),
         PROC_TYPE(RpcDomainGetSecurityLabelListRet), 0),
    PROC(CONNECT_LIST_ALL_NETWORKS, PROC_TYPE(RpcConnectListAllNetworksArgs),
         PROC_TYPE(RpcConnectListAllNetworksRet), 0),
    PROC(NETWORK_UPDATE, PROC_TYPE(RpcNetworkUpdateArgs), PROC_VOID, MUTATES),
    PROC(CONNECT_NETWORK_EVENT_REGISTER_ANY, PROC_TYPE(RpcConnectNetworkEventRegisterAnyArgs),
         PROC_TYPE(RpcConnectNetworkEventRegisterAnyRet), 0),
    PROC(CONNECT_NETWORK_EVENT_DEREGISTER_ANY, PROC_TYPE(RpcConnectNetworkEventDeregisterAnyArgs),
         PROC_VOID, 0),
    PROC(NETWORK_EVENT_LIFECYCLE, PROC_TYPE(RpcNetworkEventLifecycleMsg), PROC_VOID, EVENT),
    PROC(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
         PROC_TYPE(RpcConnectDomainEventCallbackRegisterAnyArgs),
         PROC_TYPE(RpcConnectDomainEventCallbackRegisterAnyRet), 0),
    PROC(CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY,
         PROC_TYPE(RpcConnectDomainEventCallbackDeregisterAnyArgs), PROC_VOID, 0),
    PROC(DOMAIN_EVENT_CALLBACK_LIFECYCLE, PROC_TYPE(RpcDomainEventCallbackLifecycleMsg), PROC_VOID,
         EVENT),
    PROC(NETWORK_GET_DHCP_LEASES, PROC_TYPE(RpcNetworkGetDhcpLeasesArgs),
         PROC_TYPE(RpcNetworkGetDhcpLeasesRet), 0),
    PROC(DOMAIN_DEFINE_XML_FLAGS, PROC_TYPE(RpcDomainDefineXmlFlagsArgs),
         PROC_TYPE(RpcDomainDefineXmlFlagsRet), MUTATES),
    PROC(CONNECT_REGISTER_CLOSE_CALLBACK, PROC_VOID, PROC_VOID, 0),
    PROC(CONNECT_UNREGISTER_CLOSE_CALLBACK, PROC_VOID, PROC_VOID, 0),
    PROC(CONNECT_EVENT_CONNECTION_CLOSED, PROC_TYPE(RpcConnectEventConnectionClosedMsg), PROC_VOID,
         EVENT),
    PROC(DOMAIN_GET_MESSAGES, PROC_TYPE(RpcDomainGetMessagesArgs),
         PROC_TYPE(RpcDomainGetMessagesRet), 0),
    PROC(NETWORK_DEFINE_XML_FLAGS, PROC_TYPE(RpcNetworkDefineXmlFlagsArgs),
         PROC_TYPE(RpcNetworkDefineXmlFlagsRet), MUTATES),
    PROC(NETWORK_CREATE_XML_FLAGS, PROC_TYPE(RpcNetworkCreateXmlFlagsArgs),
         PROC_TYPE(RpcNetworkCreateXmlFlagsRet), MUTATES),
};

static const RpcProcedure keepalive_procedures[] = {
    { RPC_KEEPALIVE_PROC_PING, "PING", PROC_VOID, PROC_VOID, BEFORE_OPEN | EVENT },
    { RPC_KEEPALIVE_PROC_PONG, "PONG", PROC_VOID, PROC_VOID, BEFORE_OPEN | EVENT },
};

static int
procedure_compare(const void *key, const void *elem)
{
    int number = *(const int *)key;
    const RpcProcedure *proc = elem;

    return (number > proc->number) - (number < proc->number);
}

const RpcProcedure *
rpc_procedure_table(guint32 prog, gsize *ret_count)
{
    switch (prog) {
    case RPC_REMOTE_PROGRAM:
        *ret_count = G_N_ELEMENTS(remote_procedures);
        return remote_procedures;
    case RPC_KEEPALIVE_PROGRAM:
        *ret_count = G_N_ELEMENTS(keepalive_procedures);
        return keepalive_procedures;
    default:
        *ret_count = 0;
        return NULL;
    }
}

static const RpcProcedure *
table_lookup(guint32 prog, int number)
{
    gsize count = 0;
    const RpcProcedure *table = rpc_procedure_table(prog, &count);

    if (!table)
        return NULL;
    return bsearch(&number, table, count, sizeof(*table), procedure_compare);
}

const RpcProcedure *
rpc_remote_procedure(int number)
{
    return table_lookup(RPC_REMOTE_PROGRAM, number);
}

const RpcProcedure *
rpc_keepalive_procedure(int number)
{
    return table_lookup(RPC_KEEPALIVE_PROGRAM, number);
}

const RpcProcedure *
rpc_procedure_lookup(guint32 prog, guint32 vers, int procedure)
{
    if (prog == RPC_REMOTE_PROGRAM && vers == RPC_REMOTE_VERSION)
        return rpc_remote_procedure(procedure);
    if (prog == RPC_KEEPALIVE_PROGRAM && vers == RPC_KEEPALIVE_VERSION)
        return rpc_keepalive_procedure(procedure);
    return NULL;
}
