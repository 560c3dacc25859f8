/*
 * dispatch-domain.c: domain procedures
 *
 * Handles come from the nonnull_domain the client sent (name, UUID, id);
 * the driver resolves them. Lifecycle calls update the handle's id, which
 * replies that return the domain carry back.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>

#include "agent/dispatch-priv.h"
#include "lib/object.h"
#include "util/error.h"

#define DISPATCH_ERROR error_quark(VIR_FROM_RPC)
#define DOMAIN_FROM VIR_FROM_DOMAIN

#define DRV(call) ((call)->conn->driver)

/* ---- listing and lookup -------------------------------------------------- */

static bool
domain_check_max(DispatchCall *call, const char *arg, int max, GError **error)
{
    if (max < 0) {
        g_set_error(error, error_quark(DOMAIN_FROM), VIR_ERR_INVALID_ARG,
                    "%s in %s must be zero or greater", arg, call->entry->api);
        return false;
    }
    if (max > RPC_DOMAIN_LIST_MAX) {
        g_set_error(error, DISPATCH_ERROR, VIR_ERR_RPC, "%s %d over the limit of %d", arg, max,
                    RPC_DOMAIN_LIST_MAX);
        return false;
    }
    return true;
}

static bool
domain_num_of_domains(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcConnectNumOfDomainsRet *r = ret;

    DISPATCH_NEED(call, connect_num_of_domains, error);
    return (r->num = DRV(call)->connect_num_of_domains(call->conn, error)) >= 0;
}

static bool
domain_list_domains(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcConnectListDomainsArgs *a = args;
    RpcConnectListDomainsRet *r = ret;
    g_autofree int *ids = NULL;
    int n;

    DISPATCH_NEED(call, connect_list_domains, error);
    if (!domain_check_max(call, "maxids", a->maxids, error))
        return false;
    ids = g_new0(int, MAX(a->maxids, 1));
    if ((n = DRV(call)->connect_list_domains(call->conn, ids, a->maxids, error)) < 0)
        return false;
    r->ids.ids_len = (u_int)n;
    r->ids.ids_val = g_steal_pointer(&ids);
    return true;
}

static bool
domain_num_of_defined(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcConnectNumOfDefinedDomainsRet *r = ret;

    DISPATCH_NEED(call, connect_num_of_defined_domains, error);
    return (r->num = DRV(call)->connect_num_of_defined_domains(call->conn, error)) >= 0;
}

static bool
domain_list_defined(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcConnectListDefinedDomainsArgs *a = args;
    RpcConnectListDefinedDomainsRet *r = ret;
    g_autofree char **names = NULL;
    int n;

    DISPATCH_NEED(call, connect_list_defined_domains, error);
    if (!domain_check_max(call, "maxnames", a->maxnames, error))
        return false;
    names = g_new0(char *, MAX(a->maxnames, 1));
    if ((n = DRV(call)->connect_list_defined_domains(call->conn, names, a->maxnames, error)) < 0)
        return false;
    dispatch_take_names(&r->names.names_len, &r->names.names_val, names, n);
    return true;
}

static bool
domain_list_all(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcConnectListAllDomainsArgs *a = args;
    RpcConnectListAllDomainsRet *r = ret;
    virDomainPtr *doms = NULL;
    bool ok = true;
    int n;

    DISPATCH_NEED(call, connect_list_all_domains, error);
    n = DRV(call)->connect_list_all_domains(call->conn, a->need_results ? &doms : NULL, a->flags,
                                            error);
    if (n < 0)
        return false;
    if (doms && n > RPC_DOMAIN_LIST_MAX) {
        g_set_error(error, DISPATCH_ERROR, VIR_ERR_RPC, "Too many domains '%d' for limit '%d'", n,
                    RPC_DOMAIN_LIST_MAX);
        ok = false;
    } else if (doms) {
        r->domains.domains_len = (u_int)n;
        r->domains.domains_val = g_new0(RpcDomain, MAX(n, 1));
        for (int i = 0; i < n; i++)
            dispatch_make_domain(&r->domains.domains_val[i], doms[i]);
    }
    r->ret = (u_int)n;
    for (int i = 0; doms && doms[i]; i++)
        obj_domain_unref(doms[i]);
    g_free(doms);
    return ok;
}

static bool
domain_reply(virDomainPtr dom, RpcDomain *ret_dom)
{
    if (!dom)
        return false;
    dispatch_make_domain(ret_dom, dom);
    obj_domain_unref(dom);
    return true;
}

static bool
domain_lookup_by_id(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcDomainLookupByIdArgs *a = args;
    RpcDomainLookupByIdRet *r = ret;

    DISPATCH_NEED(call, domain_lookup_by_id, error);
    if (a->id < 0) {
        g_set_error(error, error_quark(DOMAIN_FROM), VIR_ERR_INVALID_ARG,
                    "id in virDomainLookupByID must be zero or greater");
        return false;
    }
    return domain_reply(DRV(call)->domain_lookup_by_id(call->conn, a->id, error), &r->dom);
}

static bool
domain_lookup_by_name(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcDomainLookupByNameArgs *a = args;
    RpcDomainLookupByNameRet *r = ret;

    DISPATCH_NEED(call, domain_lookup_by_name, error);
    return domain_reply(DRV(call)->domain_lookup_by_name(call->conn, a->name, error), &r->dom);
}

static bool
domain_lookup_by_uuid(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcDomainLookupByUuidArgs *a = args;
    RpcDomainLookupByUuidRet *r = ret;

    DISPATCH_NEED(call, domain_lookup_by_uuid, error);
    return domain_reply(
        DRV(call)->domain_lookup_by_uuid(call->conn, (const unsigned char *)a->uuid, error),
        &r->dom);
}

/* ---- definition and lifecycle --------------------------------------------- */

static bool
domain_define(DispatchCall *call, const char *xml, unsigned int flags, RpcDomain *ret_dom,
              GError **error)
{
    DISPATCH_NEED(call, domain_define_xml, error);
    return domain_reply(DRV(call)->domain_define_xml(call->conn, xml, flags, error), ret_dom);
}

static bool
domain_define_xml(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcDomainDefineXmlArgs *a = args;

    return domain_define(call, a->xml, 0, &((RpcDomainDefineXmlRet *)ret)->dom, error);
}

static bool
domain_define_xml_flags(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcDomainDefineXmlFlagsArgs *a = args;

    return domain_define(call, a->xml, a->flags, &((RpcDomainDefineXmlFlagsRet *)ret)->dom, error);
}

static bool
domain_create_xml(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcDomainCreateXmlArgs *a = args;
    RpcDomainCreateXmlRet *r = ret;

    DISPATCH_NEED(call, domain_create_xml, error);
    return domain_reply(DRV(call)->domain_create_xml(call->conn, a->xml_desc, a->flags, error),
                        &r->dom);
}

/* The driver members taking (dom, flags, error). */
typedef bool (*DomainFlagsFunc)(virDomainPtr dom, unsigned int flags, GError **error);

static bool
domain_call_flags(DispatchCall *call, DomainFlagsFunc func, const RpcDomain *wire,
                  unsigned int flags, RpcDomain *ret_dom, GError **error)
{
    g_autoptr(virDomain) dom = NULL;

    if (!func)
        return dispatch_no_support(call, error);
    dom = dispatch_get_domain(call, wire);
    if (!func(dom, flags, error))
        return false;
    if (ret_dom)
        dispatch_make_domain(ret_dom, dom);
    return true;
}

static bool
domain_undefine(DispatchCall *call, void *args, void *ret, GError **error)
{
    return domain_call_flags(call, DRV(call)->domain_undefine,
                             &((RpcDomainUndefineArgs *)args)->dom, 0, NULL, error);
}

static bool
domain_undefine_flags(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcDomainUndefineFlagsArgs *a = args;

    return domain_call_flags(call, DRV(call)->domain_undefine, &a->dom, a->flags, NULL, error);
}

static bool
domain_create(DispatchCall *call, void *args, void *ret, GError **error)
{
    return domain_call_flags(call, DRV(call)->domain_create, &((RpcDomainCreateArgs *)args)->dom, 0,
                             NULL, error);
}

static bool
domain_create_with_flags(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcDomainCreateWithFlagsArgs *a = args;

    /* the reply carries the domain with its new id */
    return domain_call_flags(call, DRV(call)->domain_create, &a->dom, a->flags,
                             &((RpcDomainCreateWithFlagsRet *)ret)->dom, error);
}

static bool
domain_destroy(DispatchCall *call, void *args, void *ret, GError **error)
{
    return domain_call_flags(call, DRV(call)->domain_destroy, &((RpcDomainDestroyArgs *)args)->dom,
                             0, NULL, error);
}

static bool
domain_destroy_flags(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcDomainDestroyFlagsArgs *a = args;

    return domain_call_flags(call, DRV(call)->domain_destroy, &a->dom, a->flags, NULL, error);
}

static bool
domain_shutdown(DispatchCall *call, void *args, void *ret, GError **error)
{
    return domain_call_flags(call, DRV(call)->domain_shutdown,
                             &((RpcDomainShutdownArgs *)args)->dom, 0, NULL, error);
}

static bool
domain_shutdown_flags(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcDomainShutdownFlagsArgs *a = args;

    return domain_call_flags(call, DRV(call)->domain_shutdown, &a->dom, a->flags, NULL, error);
}

static bool
domain_reset(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcDomainResetArgs *a = args;

    return domain_call_flags(call, DRV(call)->domain_reset, &a->dom, a->flags, NULL, error);
}

static bool
domain_reboot(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcDomainRebootArgs *a = args;

    return domain_call_flags(call, DRV(call)->domain_reboot, &a->dom, a->flags, NULL, error);
}

static bool
domain_suspend(DispatchCall *call, void *args, void *ret, GError **error)
{
    g_autoptr(virDomain) dom = NULL;

    DISPATCH_NEED(call, domain_suspend, error);
    dom = dispatch_get_domain(call, &((RpcDomainSuspendArgs *)args)->dom);
    return DRV(call)->domain_suspend(dom, error);
}

static bool
domain_resume(DispatchCall *call, void *args, void *ret, GError **error)
{
    g_autoptr(virDomain) dom = NULL;

    DISPATCH_NEED(call, domain_resume, error);
    dom = dispatch_get_domain(call, &((RpcDomainResumeArgs *)args)->dom);
    return DRV(call)->domain_resume(dom, error);
}

/* ---- queries ----------------------------------------------------------------- */

static bool
domain_get_info(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcDomainGetInfoRet *r = ret;
    g_autoptr(virDomain) dom = NULL;
    virDomainInfo info;

    DISPATCH_NEED(call, domain_get_info, error);
    dom = dispatch_get_domain(call, &((RpcDomainGetInfoArgs *)args)->dom);
    memset(&info, 0, sizeof(info));
    if (!DRV(call)->domain_get_info(dom, &info, error))
        return false;
    r->state = info.state;
    r->max_mem = info.maxMem;
    r->memory = info.memory;
    r->nr_virt_cpu = info.nrVirtCpu;
    r->cpu_time = info.cpuTime;
    return true;
}

static bool
domain_get_state(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcDomainGetStateArgs *a = args;
    RpcDomainGetStateRet *r = ret;
    g_autoptr(virDomain) dom = NULL;

    DISPATCH_NEED(call, domain_get_state, error);
    dom = dispatch_get_domain(call, &a->dom);
    return DRV(call)->domain_get_state(dom, &r->state, &r->reason, a->flags, error);
}

static bool
domain_get_xml_desc(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcDomainGetXmlDescArgs *a = args;
    RpcDomainGetXmlDescRet *r = ret;
    g_autoptr(virDomain) dom = NULL;

    DISPATCH_NEED(call, domain_get_xml_desc, error);
    dom = dispatch_get_domain(call, &a->dom);
    return (r->xml = DRV(call)->domain_get_xml_desc(dom, a->flags, error)) != NULL;
}

static bool
domain_get_os_type(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcDomainGetOsTypeRet *r = ret;
    g_autoptr(virDomain) dom = NULL;

    DISPATCH_NEED(call, domain_get_os_type, error);
    dom = dispatch_get_domain(call, &((RpcDomainGetOsTypeArgs *)args)->dom);
    return (r->type = DRV(call)->domain_get_os_type(dom, error)) != NULL;
}

static bool
domain_get_max_memory(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcDomainGetMaxMemoryRet *r = ret;
    g_autoptr(virDomain) dom = NULL;
    unsigned long long kib = 0;

    DISPATCH_NEED(call, domain_get_max_memory, error);
    dom = dispatch_get_domain(call, &((RpcDomainGetMaxMemoryArgs *)args)->dom);
    if (!DRV(call)->domain_get_max_memory(dom, &kib, error))
        return false;
    r->memory = kib;
    return true;
}

static bool
domain_get_vcpus_flags(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcDomainGetVcpusFlagsArgs *a = args;
    RpcDomainGetVcpusFlagsRet *r = ret;
    g_autoptr(virDomain) dom = NULL;

    DISPATCH_NEED(call, domain_get_vcpus_flags, error);
    dom = dispatch_get_domain(call, &a->dom);
    return (r->num = DRV(call)->domain_get_vcpus_flags(dom, a->flags, error)) >= 0;
}

static bool
domain_get_autostart(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcDomainGetAutostartRet *r = ret;
    g_autoptr(virDomain) dom = NULL;

    DISPATCH_NEED(call, domain_get_autostart, error);
    dom = dispatch_get_domain(call, &((RpcDomainGetAutostartArgs *)args)->dom);
    return DRV(call)->domain_get_autostart(dom, &r->autostart, error);
}

static bool
domain_set_autostart(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcDomainSetAutostartArgs *a = args;
    g_autoptr(virDomain) dom = NULL;

    DISPATCH_NEED(call, domain_set_autostart, error);
    dom = dispatch_get_domain(call, &a->dom);
    return DRV(call)->domain_set_autostart(dom, a->autostart, error);
}

static bool
domain_is_active(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcDomainIsActiveRet *r = ret;
    g_autoptr(virDomain) dom = NULL;

    DISPATCH_NEED(call, domain_is_active, error);
    dom = dispatch_get_domain(call, &((RpcDomainIsActiveArgs *)args)->dom);
    return (r->active = DRV(call)->domain_is_active(dom, error)) >= 0;
}

static bool
domain_is_persistent(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcDomainIsPersistentRet *r = ret;
    g_autoptr(virDomain) dom = NULL;

    DISPATCH_NEED(call, domain_is_persistent, error);
    dom = dispatch_get_domain(call, &((RpcDomainIsPersistentArgs *)args)->dom);
    return (r->persistent = DRV(call)->domain_is_persistent(dom, error)) >= 0;
}

/* Answers with what libvirtd's qemu driver says about a domain it knows
 * (no managed save, no snapshots, no security label...): but only for
 * a domain that exists, so a stale handle still gets "Domain not found". */
static bool
domain_check_exists(DispatchCall *call, const RpcDomain *wire, GError **error)
{
    virDomainPtr dom;

    if (!DRV(call)->domain_lookup_by_uuid)
        return true;
    dom = DRV(call)->domain_lookup_by_uuid(call->conn, (const unsigned char *)wire->uuid, error);
    if (!dom)
        return false;
    obj_domain_unref(dom);
    return true;
}

static bool
domain_has_managed_save_image(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcDomainHasManagedSaveImageRet *r = ret;

    r->result = 0;
    return domain_check_exists(call, &((RpcDomainHasManagedSaveImageArgs *)args)->dom, error);
}

static bool
domain_snapshot_num(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcDomainSnapshotNumRet *r = ret;

    r->num = 0;
    return domain_check_exists(call, &((RpcDomainSnapshotNumArgs *)args)->dom, error);
}

static bool
domain_get_messages(DispatchCall *call, void *args, void *ret, GError **error)
{
    /* an empty list: the zeroed reply */
    return domain_check_exists(call, &((RpcDomainGetMessagesArgs *)args)->dom, error);
}

static bool
domain_get_security_label(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcDomainGetSecurityLabelRet *r = ret;

    if (!domain_check_exists(call, &((RpcDomainGetSecurityLabelArgs *)args)->dom, error))
        return false;
    /* the "none" security driver: an empty label, not enforcing */
    rpc_charlist_set(&r->label.label_len, &r->label.label_val, "");
    r->enforcing = 0;
    return true;
}

static bool
domain_get_security_label_list(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcDomainGetSecurityLabelListRet *r = ret;
    RpcSecurityLabel *label;

    if (!domain_check_exists(call, &((RpcDomainGetSecurityLabelListArgs *)args)->dom, error))
        return false;
    label = g_new0(RpcSecurityLabel, 1);
    rpc_charlist_set(&label->label.label_len, &label->label.label_val, "");
    r->labels.labels_len = 1;
    r->labels.labels_val = label;
    r->ret = 1;
    return true;
}

/* In-memory queries run on the main context (DISPATCH_MAIN); calls that
 * write files or drive processes go to the worker pool. */
#define ENTRY(proc, func, api) ENTRY_FLAGS(proc, func, api, 0)
#define ENTRY_MAIN(proc, func, api) ENTRY_FLAGS(proc, func, api, DISPATCH_MAIN)
#define ENTRY_FLAGS(proc, func, api, flags)                                                        \
    {                                                                                              \
        RPC_PROC_##proc, func, api, DOMAIN_FROM, flags                                             \
    }

const DispatchEntry dispatch_domain_entries[] = {
    ENTRY(DOMAIN_CREATE, domain_create, "virDomainCreate"),
    ENTRY(DOMAIN_CREATE_XML, domain_create_xml, "virDomainCreateXML"),
    ENTRY(DOMAIN_DEFINE_XML, domain_define_xml, "virDomainDefineXML"),
    ENTRY(DOMAIN_DESTROY, domain_destroy, "virDomainDestroy"),
    ENTRY(DOMAIN_GET_XML_DESC, domain_get_xml_desc, "virDomainGetXMLDesc"),
    ENTRY_MAIN(DOMAIN_GET_AUTOSTART, domain_get_autostart, "virDomainGetAutostart"),
    ENTRY_MAIN(DOMAIN_GET_INFO, domain_get_info, "virDomainGetInfo"),
    ENTRY_MAIN(DOMAIN_GET_MAX_MEMORY, domain_get_max_memory, "virDomainGetMaxMemory"),
    ENTRY_MAIN(DOMAIN_GET_OS_TYPE, domain_get_os_type, "virDomainGetOSType"),
    ENTRY_MAIN(CONNECT_LIST_DEFINED_DOMAINS, domain_list_defined, "virConnectListDefinedDomains"),
    ENTRY_MAIN(DOMAIN_LOOKUP_BY_ID, domain_lookup_by_id, "virDomainLookupByID"),
    ENTRY_MAIN(DOMAIN_LOOKUP_BY_NAME, domain_lookup_by_name, "virDomainLookupByName"),
    ENTRY_MAIN(DOMAIN_LOOKUP_BY_UUID, domain_lookup_by_uuid, "virDomainLookupByUUID"),
    ENTRY_MAIN(CONNECT_NUM_OF_DEFINED_DOMAINS, domain_num_of_defined,
               "virConnectNumOfDefinedDomains"),
    ENTRY(DOMAIN_REBOOT, domain_reboot, "virDomainReboot"),
    ENTRY(DOMAIN_RESET, domain_reset, "virDomainReset"),
    ENTRY(DOMAIN_RESUME, domain_resume, "virDomainResume"),
    ENTRY(DOMAIN_SET_AUTOSTART, domain_set_autostart, "virDomainSetAutostart"),
    ENTRY(DOMAIN_SHUTDOWN, domain_shutdown, "virDomainShutdown"),
    ENTRY(DOMAIN_SUSPEND, domain_suspend, "virDomainSuspend"),
    ENTRY(DOMAIN_UNDEFINE, domain_undefine, "virDomainUndefine"),
    ENTRY_MAIN(CONNECT_LIST_DOMAINS, domain_list_domains, "virConnectListDomains"),
    ENTRY_MAIN(CONNECT_NUM_OF_DOMAINS, domain_num_of_domains, "virConnectNumOfDomains"),
    ENTRY_MAIN(DOMAIN_GET_SECURITY_LABEL, domain_get_security_label, "virDomainGetSecurityLabel"),
    ENTRY_MAIN(DOMAIN_IS_ACTIVE, domain_is_active, "virDomainIsActive"),
    ENTRY_MAIN(DOMAIN_IS_PERSISTENT, domain_is_persistent, "virDomainIsPersistent"),
    ENTRY_MAIN(DOMAIN_HAS_MANAGED_SAVE_IMAGE, domain_has_managed_save_image,
               "virDomainHasManagedSaveImage"),
    ENTRY_MAIN(DOMAIN_SNAPSHOT_NUM, domain_snapshot_num, "virDomainSnapshotNum"),
    ENTRY(DOMAIN_CREATE_WITH_FLAGS, domain_create_with_flags, "virDomainCreateWithFlags"),
    ENTRY_MAIN(DOMAIN_GET_VCPUS_FLAGS, domain_get_vcpus_flags, "virDomainGetVcpusFlags"),
    ENTRY_MAIN(DOMAIN_GET_STATE, domain_get_state, "virDomainGetState"),
    ENTRY(DOMAIN_UNDEFINE_FLAGS, domain_undefine_flags, "virDomainUndefineFlags"),
    ENTRY(DOMAIN_DESTROY_FLAGS, domain_destroy_flags, "virDomainDestroyFlags"),
    ENTRY(DOMAIN_SHUTDOWN_FLAGS, domain_shutdown_flags, "virDomainShutdownFlags"),
    ENTRY(CONNECT_LIST_ALL_DOMAINS, domain_list_all, "virConnectListAllDomains"),
    ENTRY_MAIN(DOMAIN_GET_SECURITY_LABEL_LIST, domain_get_security_label_list,
               "virDomainGetSecurityLabelList"),
    ENTRY(DOMAIN_DEFINE_XML_FLAGS, domain_define_xml_flags, "virDomainDefineXMLFlags"),
    ENTRY_MAIN(DOMAIN_GET_MESSAGES, domain_get_messages, "virDomainGetMessages"),
};

const gsize dispatch_domain_entries_count = G_N_ELEMENTS(dispatch_domain_entries);
