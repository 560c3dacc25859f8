/*
 * libvirt-domain.c: entry points for domains
 *
 * Lifecycle calls (create, destroy, shutdown...) leave dom->id as the
 * driver sets it: the driver updates the handle it is given when the
 * domain starts or stops, so virDomainGetID answers without a driver call.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>

#include "lib/api.h"
#include "lib/event-callbacks.h"
#include "util/uuid.h"

#define API_FROM VIR_FROM_DOMAIN

/* Calls driver member @member(dom, args...) returning bool; on failure
 * reports and returns -1 from the caller. */
#define DOMAIN_CALL_BOOL(dom, member, ...)                                                         \
    do {                                                                                           \
        g_autoptr(GError) error_ = NULL;                                                           \
        API_NEED_DRIVER((dom)->conn, member, -1);                                                  \
        if (!(dom)->conn->driver->member((dom), __VA_ARGS__, &error_)) {                           \
            api_fail((dom)->conn, error_);                                                         \
            return -1;                                                                             \
        }                                                                                          \
    } while (0)

/* The same for members that take only the domain. */
#define DOMAIN_CALL_BOOL0(dom, member)                                                             \
    do {                                                                                           \
        g_autoptr(GError) error_ = NULL;                                                           \
        API_NEED_DRIVER((dom)->conn, member, -1);                                                  \
        if (!(dom)->conn->driver->member((dom), &error_)) {                                        \
            api_fail((dom)->conn, error_);                                                         \
            return -1;                                                                             \
        }                                                                                          \
    } while (0)

/* ---- listing and lookup ---------------------------------------------- */

int
virConnectNumOfDomains(virConnectPtr conn)
{
    g_autoptr(GError) error = NULL;
    int ret;

    API_ENTER();
    API_CHECK_CONN(conn, -1);
    API_NEED_DRIVER(conn, connect_num_of_domains, -1);
    if ((ret = conn->driver->connect_num_of_domains(conn, &error)) < 0)
        api_fail(conn, error);
    return ret;
}

int
virConnectListDomains(virConnectPtr conn, int *ids, int maxids)
{
    g_autoptr(GError) error = NULL;
    int ret;

    API_ENTER();
    API_CHECK_CONN(conn, -1);
    API_CHECK_ARRAY(conn, ids, maxids, -1);
    API_NEED_DRIVER(conn, connect_list_domains, -1);
    if ((ret = conn->driver->connect_list_domains(conn, ids, maxids, &error)) < 0)
        api_fail(conn, error);
    return ret;
}

int
virConnectNumOfDefinedDomains(virConnectPtr conn)
{
    g_autoptr(GError) error = NULL;
    int ret;

    API_ENTER();
    API_CHECK_CONN(conn, -1);
    API_NEED_DRIVER(conn, connect_num_of_defined_domains, -1);
    if ((ret = conn->driver->connect_num_of_defined_domains(conn, &error)) < 0)
        api_fail(conn, error);
    return ret;
}

int
virConnectListDefinedDomains(virConnectPtr conn, char **const names, int maxnames)
{
    g_autoptr(GError) error = NULL;
    int ret;

    API_ENTER();
    API_CHECK_CONN(conn, -1);
    API_CHECK_ARRAY(conn, names, maxnames, -1);
    API_NEED_DRIVER(conn, connect_list_defined_domains, -1);
    if ((ret = conn->driver->connect_list_defined_domains(conn, names, maxnames, &error)) < 0)
        api_fail(conn, error);
    return ret;
}

int
virConnectListAllDomains(virConnectPtr conn, virDomainPtr **domains, unsigned int flags)
{
    g_autoptr(GError) error = NULL;
    int ret;

    API_ENTER();
    if (domains)
        *domains = NULL;
    API_CHECK_CONN(conn, -1);
    API_NEED_DRIVER(conn, connect_list_all_domains, -1);
    if ((ret = conn->driver->connect_list_all_domains(conn, domains, flags, &error)) < 0)
        api_fail(conn, error);
    return ret;
}

virDomainPtr
virDomainLookupByID(virConnectPtr conn, int id)
{
    g_autoptr(GError) error = NULL;
    virDomainPtr dom;

    API_ENTER();
    API_CHECK_CONN(conn, NULL);
    API_CHECK_NONNEGATIVE(conn, id, NULL);
    API_NEED_DRIVER(conn, domain_lookup_by_id, NULL);
    if (!(dom = conn->driver->domain_lookup_by_id(conn, id, &error)))
        api_fail(conn, error);
    return dom;
}

virDomainPtr
virDomainLookupByName(virConnectPtr conn, const char *name)
{
    g_autoptr(GError) error = NULL;
    virDomainPtr dom;

    API_ENTER();
    API_CHECK_CONN(conn, NULL);
    API_CHECK_NONNULL(conn, name, NULL);
    API_NEED_DRIVER(conn, domain_lookup_by_name, NULL);
    if (!(dom = conn->driver->domain_lookup_by_name(conn, name, &error)))
        api_fail(conn, error);
    return dom;
}

virDomainPtr
virDomainLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    g_autoptr(GError) error = NULL;
    virDomainPtr dom;

    API_ENTER();
    API_CHECK_CONN(conn, NULL);
    API_CHECK_NONNULL(conn, uuid, NULL);
    API_NEED_DRIVER(conn, domain_lookup_by_uuid, NULL);
    if (!(dom = conn->driver->domain_lookup_by_uuid(conn, uuid, &error)))
        api_fail(conn, error);
    return dom;
}

virDomainPtr
virDomainLookupByUUIDString(virConnectPtr conn, const char *uuidstr)
{
    unsigned char uuid[UUID_LEN];

    API_ENTER();
    API_CHECK_CONN(conn, NULL);
    API_CHECK_NONNULL(conn, uuidstr, NULL);
    if (!uuid_parse(uuidstr, uuid))
        API_ARG_FAIL(conn, "uuidstr", "must be a valid UUID", NULL);
    return virDomainLookupByUUID(conn, uuid);
}

/* ---- definition and lifecycle ---------------------------------------- */

virDomainPtr
virDomainDefineXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags)
{
    g_autoptr(GError) error = NULL;
    virDomainPtr dom;

    API_ENTER();
    API_CHECK_CONN(conn, NULL);
    API_CHECK_RW(conn, NULL);
    API_CHECK_NONNULL(conn, xml, NULL);
    API_NEED_DRIVER(conn, domain_define_xml, NULL);
    if (!(dom = conn->driver->domain_define_xml(conn, xml, flags, &error)))
        api_fail(conn, error);
    return dom;
}

virDomainPtr
virDomainDefineXML(virConnectPtr conn, const char *xml)
{
    g_autoptr(GError) error = NULL;
    virDomainPtr dom;

    /* Not a call of virDomainDefineXMLFlags: errors name this function. */
    API_ENTER();
    API_CHECK_CONN(conn, NULL);
    API_CHECK_RW(conn, NULL);
    API_CHECK_NONNULL(conn, xml, NULL);
    API_NEED_DRIVER(conn, domain_define_xml, NULL);
    if (!(dom = conn->driver->domain_define_xml(conn, xml, 0, &error)))
        api_fail(conn, error);
    return dom;
}

int
virDomainUndefineFlags(virDomainPtr domain, unsigned int flags)
{
    API_ENTER();
    API_CHECK_DOMAIN(domain, -1);
    API_CHECK_RW(domain->conn, -1);
    DOMAIN_CALL_BOOL(domain, domain_undefine, flags);
    return 0;
}

int
virDomainUndefine(virDomainPtr domain)
{
    API_ENTER();
    API_CHECK_DOMAIN(domain, -1);
    API_CHECK_RW(domain->conn, -1);
    DOMAIN_CALL_BOOL(domain, domain_undefine, 0);
    return 0;
}

int
virDomainCreateWithFlags(virDomainPtr domain, unsigned int flags)
{
    API_ENTER();
    API_CHECK_DOMAIN(domain, -1);
    API_CHECK_RW(domain->conn, -1);
    DOMAIN_CALL_BOOL(domain, domain_create, flags);
    return 0;
}

int
virDomainCreate(virDomainPtr domain)
{
    API_ENTER();
    API_CHECK_DOMAIN(domain, -1);
    API_CHECK_RW(domain->conn, -1);
    DOMAIN_CALL_BOOL(domain, domain_create, 0);
    return 0;
}

virDomainPtr
virDomainCreateXML(virConnectPtr conn, const char *xmlDesc, unsigned int flags)
{
    g_autoptr(GError) error = NULL;
    virDomainPtr dom;

    API_ENTER();
    API_CHECK_CONN(conn, NULL);
    API_CHECK_RW(conn, NULL);
    API_CHECK_NONNULL(conn, xmlDesc, NULL);
    API_NEED_DRIVER(conn, domain_create_xml, NULL);
    if (!(dom = conn->driver->domain_create_xml(conn, xmlDesc, flags, &error)))
        api_fail(conn, error);
    return dom;
}

int
virDomainDestroyFlags(virDomainPtr domain, unsigned int flags)
{
    API_ENTER();
    API_CHECK_DOMAIN(domain, -1);
    API_CHECK_RW(domain->conn, -1);
    DOMAIN_CALL_BOOL(domain, domain_destroy, flags);
    return 0;
}

int
virDomainDestroy(virDomainPtr domain)
{
    API_ENTER();
    API_CHECK_DOMAIN(domain, -1);
    API_CHECK_RW(domain->conn, -1);
    DOMAIN_CALL_BOOL(domain, domain_destroy, 0);
    return 0;
}

int
virDomainShutdownFlags(virDomainPtr domain, unsigned int flags)
{
    API_ENTER();
    API_CHECK_DOMAIN(domain, -1);
    API_CHECK_RW(domain->conn, -1);
    DOMAIN_CALL_BOOL(domain, domain_shutdown, flags);
    return 0;
}

int
virDomainShutdown(virDomainPtr domain)
{
    API_ENTER();
    API_CHECK_DOMAIN(domain, -1);
    API_CHECK_RW(domain->conn, -1);
    DOMAIN_CALL_BOOL(domain, domain_shutdown, 0);
    return 0;
}

int
virDomainReboot(virDomainPtr domain, unsigned int flags)
{
    API_ENTER();
    API_CHECK_DOMAIN(domain, -1);
    API_CHECK_RW(domain->conn, -1);
    DOMAIN_CALL_BOOL(domain, domain_reboot, flags);
    return 0;
}

int
virDomainReset(virDomainPtr domain, unsigned int flags)
{
    API_ENTER();
    API_CHECK_DOMAIN(domain, -1);
    API_CHECK_RW(domain->conn, -1);
    DOMAIN_CALL_BOOL(domain, domain_reset, flags);
    return 0;
}

int
virDomainSuspend(virDomainPtr domain)
{
    API_ENTER();
    API_CHECK_DOMAIN(domain, -1);
    API_CHECK_RW(domain->conn, -1);
    DOMAIN_CALL_BOOL0(domain, domain_suspend);
    return 0;
}

int
virDomainResume(virDomainPtr domain)
{
    API_ENTER();
    API_CHECK_DOMAIN(domain, -1);
    API_CHECK_RW(domain->conn, -1);
    DOMAIN_CALL_BOOL0(domain, domain_resume);
    return 0;
}

/* ---- queries --------------------------------------------------------- */

int
virDomainGetInfo(virDomainPtr domain, virDomainInfoPtr info)
{
    API_ENTER();
    API_CHECK_DOMAIN(domain, -1);
    API_CHECK_NONNULL(domain->conn, info, -1);
    memset(info, 0, sizeof(*info));
    DOMAIN_CALL_BOOL(domain, domain_get_info, info);
    return 0;
}

int
virDomainGetState(virDomainPtr domain, int *state, int *reason, unsigned int flags)
{
    int dummy_reason;

    API_ENTER();
    API_CHECK_DOMAIN(domain, -1);
    API_CHECK_NONNULL(domain->conn, state, -1);
    DOMAIN_CALL_BOOL(domain, domain_get_state, state, reason ? reason : &dummy_reason, flags);
    return 0;
}

char *
virDomainGetXMLDesc(virDomainPtr domain, unsigned int flags)
{
    g_autoptr(GError) error = NULL;
    virConnectPtr conn;
    char *xml;

    API_ENTER();
    API_CHECK_DOMAIN(domain, NULL);
    conn = domain->conn;
    if ((conn->flags & VIR_CONNECT_RO) && (flags & VIR_DOMAIN_XML_SECURE)) {
        api_error_set(API_FROM, VIR_ERR_OPERATION_DENIED, "%s",
                      "virDomainGetXMLDesc with secure flag");
        api_error_dispatch(conn);
        return NULL;
    }
    API_NEED_DRIVER(conn, domain_get_xml_desc, NULL);
    if (!(xml = conn->driver->domain_get_xml_desc(domain, flags, &error)))
        api_fail(conn, error);
    return xml;
}

const char *
virDomainGetName(virDomainPtr domain)
{
    API_ENTER();
    API_CHECK_DOMAIN(domain, NULL);
    return domain->name;
}

int
virDomainGetUUID(virDomainPtr domain, unsigned char *uuid)
{
    API_ENTER();
    API_CHECK_DOMAIN(domain, -1);
    API_CHECK_NONNULL(domain->conn, uuid, -1);
    memcpy(uuid, domain->uuid, VIR_UUID_BUFLEN);
    return 0;
}

int
virDomainGetUUIDString(virDomainPtr domain, char *buf)
{
    API_ENTER();
    API_CHECK_DOMAIN(domain, -1);
    API_CHECK_NONNULL(domain->conn, buf, -1);
    uuid_format(domain->uuid, buf);
    return 0;
}

unsigned int
virDomainGetID(virDomainPtr domain)
{
    API_ENTER();
    API_CHECK_DOMAIN(domain, (unsigned int)-1);
    /* -1 (as unsigned) for an inactive domain, as libvirt */
    return (unsigned int)g_atomic_int_get(&domain->id);
}

char *
virDomainGetOSType(virDomainPtr domain)
{
    g_autoptr(GError) error = NULL;
    char *ret;

    API_ENTER();
    API_CHECK_DOMAIN(domain, NULL);
    API_NEED_DRIVER(domain->conn, domain_get_os_type, NULL);
    if (!(ret = domain->conn->driver->domain_get_os_type(domain, &error)))
        api_fail(domain->conn, error);
    return ret;
}

unsigned long
virDomainGetMaxMemory(virDomainPtr domain)
{
    g_autoptr(GError) error = NULL;
    unsigned long long kib = 0;

    API_ENTER();
    API_CHECK_DOMAIN(domain, 0);
    API_NEED_DRIVER(domain->conn, domain_get_max_memory, 0);
    if (!domain->conn->driver->domain_get_max_memory(domain, &kib, &error)) {
        api_fail(domain->conn, error);
        return 0;
    }
    if ((unsigned long)kib != kib) {
        api_error_set(API_FROM, VIR_ERR_OVERFLOW, "result too large: %llu", kib);
        api_error_dispatch(domain->conn);
        return 0;
    }
    return (unsigned long)kib;
}

int
virDomainGetVcpusFlags(virDomainPtr domain, unsigned int flags)
{
    g_autoptr(GError) error = NULL;
    int ret;

    API_ENTER();
    API_CHECK_DOMAIN(domain, -1);
    /* Asking the guest agent changes guest state: not for read-only. */
    if (flags & VIR_DOMAIN_VCPU_GUEST)
        API_CHECK_RW(domain->conn, -1);
    API_NEED_DRIVER(domain->conn, domain_get_vcpus_flags, -1);
    if ((ret = domain->conn->driver->domain_get_vcpus_flags(domain, flags, &error)) < 0)
        api_fail(domain->conn, error);
    return ret;
}

int
virDomainGetAutostart(virDomainPtr domain, int *autostart)
{
    API_ENTER();
    API_CHECK_DOMAIN(domain, -1);
    API_CHECK_NONNULL(domain->conn, autostart, -1);
    DOMAIN_CALL_BOOL(domain, domain_get_autostart, autostart);
    return 0;
}

int
virDomainSetAutostart(virDomainPtr domain, int autostart)
{
    API_ENTER();
    API_CHECK_DOMAIN(domain, -1);
    API_CHECK_RW(domain->conn, -1);
    DOMAIN_CALL_BOOL(domain, domain_set_autostart, autostart);
    return 0;
}

int
virDomainIsActive(virDomainPtr dom)
{
    g_autoptr(GError) error = NULL;
    int ret;

    API_ENTER();
    API_CHECK_DOMAIN(dom, -1);
    API_NEED_DRIVER(dom->conn, domain_is_active, -1);
    if ((ret = dom->conn->driver->domain_is_active(dom, &error)) < 0)
        api_fail(dom->conn, error);
    return ret;
}

int
virDomainGetSecurityLabel(virDomainPtr domain, virSecurityLabelPtr seclabel)
{
    g_autoptr(GError) error = NULL;

    API_ENTER();
    API_CHECK_DOMAIN(domain, -1);
    API_CHECK_NONNULL(domain->conn, seclabel, -1);
    API_NEED_DRIVER(domain->conn, domain_get_security_label, -1);
    memset(seclabel, 0, sizeof(*seclabel));
    if (!domain->conn->driver->domain_get_security_label(domain, seclabel, &error)) {
        api_fail(domain->conn, error);
        return -1;
    }
    return 0;
}

int
virDomainHasManagedSaveImage(virDomainPtr dom, unsigned int flags)
{
    g_autoptr(GError) error = NULL;
    int ret;

    API_ENTER();
    API_CHECK_DOMAIN(dom, -1);
    API_NEED_DRIVER(dom->conn, domain_has_managed_save_image, -1);
    if ((ret = dom->conn->driver->domain_has_managed_save_image(dom, flags, &error)) < 0)
        api_fail(dom->conn, error);
    return ret;
}

int
virDomainIsPersistent(virDomainPtr dom)
{
    g_autoptr(GError) error = NULL;
    int ret;

    API_ENTER();
    API_CHECK_DOMAIN(dom, -1);
    API_NEED_DRIVER(dom->conn, domain_is_persistent, -1);
    if ((ret = dom->conn->driver->domain_is_persistent(dom, &error)) < 0)
        api_fail(dom->conn, error);
    return ret;
}

virConnectPtr
virDomainGetConnect(virDomainPtr domain)
{
    API_ENTER();
    API_CHECK_DOMAIN(domain, NULL);
    return domain->conn;
}

int
virDomainRef(virDomainPtr domain)
{
    API_ENTER();
    API_CHECK_DOMAIN(domain, -1);
    obj_domain_ref(domain);
    return 0;
}

int
virDomainFree(virDomainPtr domain)
{
    API_ENTER();
    API_CHECK_DOMAIN(domain, -1);
    obj_domain_unref(domain);
    return 0;
}

/* ---- events ---------------------------------------------------------- */

/* One past the last virDomainEventID of the libvirt API level we follow. */
#define DOMAIN_EVENT_ID_LAST (VIR_DOMAIN_EVENT_ID_MEMORY_DEVICE_SIZE_CHANGE + 1)

int
virConnectDomainEventRegisterAny(virConnectPtr conn, virDomainPtr dom, int eventID,
                                 virConnectDomainEventGenericCallback cb, void *opaque,
                                 virFreeCallback freecb)
{
    g_autoptr(GError) error = NULL;
    int id;

    API_ENTER();
    API_CHECK_CONN(conn, -1);
    if (dom) {
        API_CHECK_DOMAIN(dom, -1);
        if (dom->conn != conn) {
            api_error_set(API_FROM, VIR_ERR_INVALID_ARG, "domain '%s' must match connection",
                          dom->name);
            api_error_dispatch(conn);
            return -1;
        }
    }
    API_CHECK_NONNULL(conn, cb, -1);
    API_CHECK_NONNEGATIVE(conn, eventID, -1);
    if (eventID >= DOMAIN_EVENT_ID_LAST) {
        api_error_set(API_FROM, VIR_ERR_INVALID_ARG, "eventID must be less than %d",
                      DOMAIN_EVENT_ID_LAST);
        api_error_dispatch(conn);
        return -1;
    }
    /* Every event ID registers, as in libvirt; only lifecycle events are
     * emitted by our drivers, the others never fire. */
    if ((id = conn_events_register(conn, EVENT_FAMILY_DOMAIN, eventID, dom ? dom->uuid : NULL,
                                   (ConnEventFunc)cb, opaque, freecb, &error)) < 0)
        api_fail(conn, error);
    return id;
}

int
virConnectDomainEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    g_autoptr(GError) error = NULL;

    API_ENTER();
    API_CHECK_CONN(conn, -1);
    API_CHECK_NONNEGATIVE(conn, callbackID, -1);
    if (!conn_events_deregister(conn, EVENT_FAMILY_DOMAIN, callbackID, &error)) {
        api_fail(conn, error);
        return -1;
    }
    return 0;
}
