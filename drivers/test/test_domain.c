/*
 * test_domain.c: domains of the test driver
 *
 * State machine (libvirt's): shutoff --create--> running <--suspend/resume-->
 * paused; destroy/shutdown -> shutoff. A transient domain (createXML, or a
 * running domain that was undefined) disappears when it stops.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>

#include "drivers/test/test_domain.h"
#include "conf/redefine.h"
#include "drivers/test/test_state.h"
#include "lib/object.h"
#include "util/error.h"
#include "util/uuid.h"

#define LOCK_STATE(state)                                                                          \
    g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new(&(state)->lock)

static bool
dom_is_active(const TestDom *dom)
{
    return dom->state != VIR_DOMAIN_SHUTOFF;
}

static virDomainPtr
dom_handle(virConnectPtr conn, const TestDom *dom)
{
    return obj_domain_new(conn, dom->def->name, dom->def->uuid, dom->id);
}

static bool
dom_check_active(const TestDom *dom, GError **error)
{
    if (!dom_is_active(dom)) {
        g_set_error(error, TEST_ERROR, VIR_ERR_OPERATION_INVALID, "domain is not running");
        return false;
    }
    return true;
}

/* The persistent configuration: what INACTIVE XML and CONFIG queries see. */
static const DomDef *
dom_config(const TestDom *dom)
{
    return dom->new_def ? dom->new_def : dom->def;
}

static void
dom_set_state(TestDom *dom, int state, int reason)
{
    dom->state = state;
    dom->reason = reason;
}

/* Starts @dom (shut off) in @state/@reason with a new id. */
static void
dom_start(TestState *state, TestDom *dom, bool paused)
{
    dom->id = state->next_id++;
    dom->start_time = g_get_monotonic_time();
    dom_set_state(dom, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    test_state_emit_dom(state, dom, VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    if (paused) {
        dom_set_state(dom, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
        test_state_emit_dom(state, dom, VIR_DOMAIN_EVENT_SUSPENDED,
                            VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    }
}

/* Stops @dom and emits STOPPED/@detail; a transient domain is then gone
 * (freed: @dom must not be used afterwards). */
static void
dom_stop(TestState *state, TestDom *dom, virDomainPtr handle, int reason, int detail)
{
    dom->id = -1;
    dom_set_state(dom, VIR_DOMAIN_SHUTOFF, reason);
    if (dom->new_def) {
        domdef_free(dom->def);
        dom->def = g_steal_pointer(&dom->new_def);
    }
    if (handle)
        handle->id = -1;
    test_state_emit_dom(state, dom, VIR_DOMAIN_EVENT_STOPPED, detail);
    if (!dom->persistent)
        test_state_remove_dom(state, dom);
}

/* Checks a new definition against the existing objects: same name with
 * another UUID, or same UUID with another name, is refused. Returns the
 * object with the same name and UUID in *ret_existing (NULL if none). */
static bool
dom_check_duplicate(TestState *state, const DomDef *def, TestDom **ret_existing, GError **error)
{
    TestDom *by_name = test_state_find_dom_by_name(state, def->name);
    TestDom *by_uuid = test_state_find_dom_by_uuid(state, def->uuid);

    *ret_existing = NULL;
    if (!redefine_check("domain", def->name, def->uuid, by_name ? by_name->def->uuid : NULL,
                        by_uuid ? by_uuid->def->name : NULL, TEST_ERROR, error))
        return false;
    *ret_existing = by_name;
    return true;
}

/* ---- listing ---- */

static int
count_domains(virConnectPtr conn, bool active)
{
    TestState *state = test_state_of(conn);
    int n = 0;
    LOCK_STATE(state);

    for (guint i = 0; i < state->domains->len; i++) {
        const TestDom *dom = g_ptr_array_index(state->domains, i);

        if (dom_is_active(dom) == active)
            n++;
    }
    return n;
}

int
test_connect_num_of_domains(virConnectPtr conn, GError **error G_GNUC_UNUSED)
{
    return count_domains(conn, true);
}

int
test_connect_num_of_defined_domains(virConnectPtr conn, GError **error G_GNUC_UNUSED)
{
    return count_domains(conn, false);
}

int
test_connect_list_domains(virConnectPtr conn, int *ids, int maxids, GError **error G_GNUC_UNUSED)
{
    TestState *state = test_state_of(conn);
    int n = 0;
    LOCK_STATE(state);

    for (guint i = 0; i < state->domains->len && n < maxids; i++) {
        const TestDom *dom = g_ptr_array_index(state->domains, i);

        if (dom_is_active(dom))
            ids[n++] = dom->id;
    }
    return n;
}

int
test_connect_list_defined_domains(virConnectPtr conn, char **names, int maxnames,
                                  GError **error G_GNUC_UNUSED)
{
    TestState *state = test_state_of(conn);
    int n = 0;
    LOCK_STATE(state);

    for (guint i = 0; i < state->domains->len && n < maxnames; i++) {
        const TestDom *dom = g_ptr_array_index(state->domains, i);

        if (!dom_is_active(dom))
            names[n++] = g_strdup(dom->def->name);
    }
    return n;
}

/* One yes/no filter group: no bit set means "any". */
static bool
filter_pair(unsigned int flags, unsigned int yes, unsigned int no, bool value)
{
    if (!(flags & (yes | no)))
        return true;
    return ((flags & yes) && value) || ((flags & no) && !value);
}

static bool
dom_matches(const TestDom *dom, unsigned int flags)
{
    const unsigned int state_bits =
        VIR_CONNECT_LIST_DOMAINS_RUNNING | VIR_CONNECT_LIST_DOMAINS_PAUSED |
        VIR_CONNECT_LIST_DOMAINS_SHUTOFF | VIR_CONNECT_LIST_DOMAINS_OTHER;

    if (!filter_pair(flags, VIR_CONNECT_LIST_DOMAINS_ACTIVE, VIR_CONNECT_LIST_DOMAINS_INACTIVE,
                     dom_is_active(dom)) ||
        !filter_pair(flags, VIR_CONNECT_LIST_DOMAINS_PERSISTENT, VIR_CONNECT_LIST_DOMAINS_TRANSIENT,
                     dom->persistent) ||
        !filter_pair(flags, VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE,
                     VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE, false) ||
        !filter_pair(flags, VIR_CONNECT_LIST_DOMAINS_AUTOSTART,
                     VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART, dom->autostart) ||
        !filter_pair(flags, VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT,
                     VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT, false) ||
        !filter_pair(flags, VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT,
                     VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT, false))
        return false;
    if (flags & state_bits) {
        bool other = dom->state != VIR_DOMAIN_RUNNING && dom->state != VIR_DOMAIN_PAUSED &&
                     dom->state != VIR_DOMAIN_SHUTOFF;

        return ((flags & VIR_CONNECT_LIST_DOMAINS_RUNNING) && dom->state == VIR_DOMAIN_RUNNING) ||
               ((flags & VIR_CONNECT_LIST_DOMAINS_PAUSED) && dom->state == VIR_DOMAIN_PAUSED) ||
               ((flags & VIR_CONNECT_LIST_DOMAINS_SHUTOFF) && dom->state == VIR_DOMAIN_SHUTOFF) ||
               ((flags & VIR_CONNECT_LIST_DOMAINS_OTHER) && other);
    }
    return true;
}

int
test_connect_list_all_domains(virConnectPtr conn, virDomainPtr **ret_domains, unsigned int flags,
                              GError **error)
{
    TestState *state = test_state_of(conn);
    g_autoptr(GPtrArray) found = g_ptr_array_new();
    int n;
    LOCK_STATE(state);

    if (!test_check_flags(flags, 0xffff, "test_connect_list_all_domains", error))
        return -1;
    for (guint i = 0; i < state->domains->len; i++) {
        TestDom *dom = g_ptr_array_index(state->domains, i);

        if (dom_matches(dom, flags))
            g_ptr_array_add(found, ret_domains ? (gpointer)dom_handle(conn, dom) : dom);
    }
    n = (int)found->len;
    if (ret_domains) {
        g_ptr_array_add(found, NULL);
        *ret_domains = (virDomainPtr *)g_ptr_array_steal(found, NULL);
    }
    return n;
}

/* ---- lookups ---- */

virDomainPtr
test_domain_lookup_by_id(virConnectPtr conn, int id, GError **error)
{
    TestState *state = test_state_of(conn);
    TestDom *dom;
    LOCK_STATE(state);

    if (!(dom = test_state_find_dom_by_id(state, id))) {
        g_set_error(error, TEST_ERROR, VIR_ERR_NO_DOMAIN, "no domain with matching id %d", id);
        return NULL;
    }
    return dom_handle(conn, dom);
}

virDomainPtr
test_domain_lookup_by_name(virConnectPtr conn, const char *name, GError **error)
{
    TestState *state = test_state_of(conn);
    TestDom *dom;
    LOCK_STATE(state);

    if (!(dom = test_state_find_dom_by_name(state, name))) {
        g_set_error(error, TEST_ERROR, VIR_ERR_NO_DOMAIN, "no domain with matching name '%s'",
                    name);
        return NULL;
    }
    return dom_handle(conn, dom);
}

virDomainPtr
test_domain_lookup_by_uuid(virConnectPtr conn, const unsigned char *uuid, GError **error)
{
    TestState *state = test_state_of(conn);
    TestDom *dom;
    char uuidstr[UUID_STRING_LEN];
    LOCK_STATE(state);

    if (!(dom = test_state_find_dom_by_uuid(state, uuid))) {
        uuid_format(uuid, uuidstr);
        g_set_error(error, TEST_ERROR, VIR_ERR_NO_DOMAIN, "no domain with matching uuid '%s'",
                    uuidstr);
        return NULL;
    }
    return dom_handle(conn, dom);
}

/* ---- definition and lifecycle ---- */

virDomainPtr
test_domain_define_xml(virConnectPtr conn, const char *xml, unsigned int flags, GError **error)
{
    TestState *state = test_state_of(conn);
    g_autoptr(DomDef) def = NULL;
    unsigned int parse_flags = DOMDEF_PARSE_INACTIVE;
    TestDom *dom;
    int detail;

    if (!test_check_flags(flags, VIR_DOMAIN_DEFINE_VALIDATE, "test_domain_define_xml", error))
        return NULL;
    if (flags & VIR_DOMAIN_DEFINE_VALIDATE)
        parse_flags |= DOMDEF_PARSE_VALIDATE;
    if (!(def = domdef_parse_string(xml, parse_flags, error)))
        return NULL;

    LOCK_STATE(state);
    if (!dom_check_duplicate(state, def, &dom, error))
        return NULL;
    if (dom) {
        /* libvirt: UPDATED when a persistent config is replaced, ADDED when a
         * running transient domain gains one */
        detail =
            dom->persistent ? VIR_DOMAIN_EVENT_DEFINED_UPDATED : VIR_DOMAIN_EVENT_DEFINED_ADDED;
        if (dom_is_active(dom)) {
            domdef_free(dom->new_def);
            dom->new_def = g_steal_pointer(&def);
        } else {
            domdef_free(dom->def);
            dom->def = g_steal_pointer(&def);
        }
        dom->persistent = true;
    } else {
        dom = g_new0(TestDom, 1);
        dom->def = g_steal_pointer(&def);
        dom->persistent = true;
        dom->id = -1;
        dom_set_state(dom, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_UNKNOWN);
        test_state_add_dom(state, dom);
        detail = VIR_DOMAIN_EVENT_DEFINED_ADDED;
    }
    test_state_emit_dom(state, dom, VIR_DOMAIN_EVENT_DEFINED, detail);
    return dom_handle(conn, dom);
}

bool
test_domain_undefine(virDomainPtr handle, unsigned int flags, GError **error)
{
    TestState *state = test_state_of(handle->conn);
    TestDom *dom;
    LOCK_STATE(state);

    if (!test_check_flags(flags, 0x7f, "test_domain_undefine", error))
        return false;
    if (!(dom = test_state_dom_of_handle(state, handle, error)))
        return false;
    if (!dom->persistent) {
        g_set_error(error, TEST_ERROR, VIR_ERR_OPERATION_INVALID,
                    "cannot undefine transient domain");
        return false;
    }
    test_state_emit_dom(state, dom, VIR_DOMAIN_EVENT_UNDEFINED, VIR_DOMAIN_EVENT_UNDEFINED_REMOVED);
    if (dom_is_active(dom)) {
        /* a running domain keeps running, as a transient one */
        dom->persistent = false;
        dom->autostart = false;
        g_clear_pointer(&dom->new_def, domdef_free);
    } else {
        test_state_remove_dom(state, dom);
    }
    return true;
}

bool
test_domain_create(virDomainPtr handle, unsigned int flags, GError **error)
{
    TestState *state = test_state_of(handle->conn);
    TestDom *dom;
    LOCK_STATE(state);

    if (!test_check_flags(flags, VIR_DOMAIN_START_PAUSED, "test_domain_create", error))
        return false;
    if (!(dom = test_state_dom_of_handle(state, handle, error)))
        return false;
    if (dom_is_active(dom)) {
        g_set_error(error, TEST_ERROR, VIR_ERR_OPERATION_INVALID, "domain is already running");
        return false;
    }
    dom_start(state, dom, flags & VIR_DOMAIN_START_PAUSED);
    handle->id = dom->id;
    return true;
}

virDomainPtr
test_domain_create_xml(virConnectPtr conn, const char *xml, unsigned int flags, GError **error)
{
    TestState *state = test_state_of(conn);
    g_autoptr(DomDef) def = NULL;
    unsigned int parse_flags = DOMDEF_PARSE_INACTIVE;
    TestDom *dom;

    if (!test_check_flags(flags, VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_VALIDATE,
                          "test_domain_create_xml", error))
        return NULL;
    if (flags & VIR_DOMAIN_START_VALIDATE)
        parse_flags |= DOMDEF_PARSE_VALIDATE;
    if (!(def = domdef_parse_string(xml, parse_flags, error)))
        return NULL;

    LOCK_STATE(state);
    if (!dom_check_duplicate(state, def, &dom, error))
        return NULL;
    if (dom && dom_is_active(dom)) {
        g_set_error(error, TEST_ERROR, VIR_ERR_OPERATION_INVALID, "domain '%s' is already active",
                    dom->def->name);
        return NULL;
    }
    if (dom) {
        /* a defined domain started from new XML: the config waits for the stop */
        dom->new_def = dom->def;
        dom->def = g_steal_pointer(&def);
    } else {
        dom = g_new0(TestDom, 1);
        dom->def = g_steal_pointer(&def);
        dom->id = -1;
        dom_set_state(dom, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_UNKNOWN);
        test_state_add_dom(state, dom);
    }
    dom_start(state, dom, flags & VIR_DOMAIN_START_PAUSED);
    return dom_handle(conn, dom);
}

bool
test_domain_destroy(virDomainPtr handle, unsigned int flags, GError **error)
{
    TestState *state = test_state_of(handle->conn);
    TestDom *dom;
    LOCK_STATE(state);

    if (!test_check_flags(flags, VIR_DOMAIN_DESTROY_GRACEFUL | VIR_DOMAIN_DESTROY_REMOVE_LOGS,
                          "test_domain_destroy", error))
        return false;
    if (!(dom = test_state_dom_of_handle(state, handle, error)) || !dom_check_active(dom, error))
        return false;
    dom_stop(state, dom, handle, VIR_DOMAIN_SHUTOFF_DESTROYED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    return true;
}

bool
test_domain_shutdown(virDomainPtr handle, unsigned int flags, GError **error)
{
    TestState *state = test_state_of(handle->conn);
    TestDom *dom;
    LOCK_STATE(state);

    if (!test_check_flags(flags, 0x1f, "test_domain_shutdown", error))
        return false;
    if (!(dom = test_state_dom_of_handle(state, handle, error)) || !dom_check_active(dom, error))
        return false;
    /* the guest finished its shutdown, then the domain stopped */
    test_state_emit_dom(state, dom, VIR_DOMAIN_EVENT_SHUTDOWN, VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED);
    dom_stop(state, dom, handle, VIR_DOMAIN_SHUTOFF_SHUTDOWN, VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN);
    return true;
}

bool
test_domain_reboot(virDomainPtr handle, unsigned int flags, GError **error)
{
    TestState *state = test_state_of(handle->conn);
    TestDom *dom;
    LOCK_STATE(state);

    if (!test_check_flags(flags, 0x1f, "test_domain_reboot", error))
        return false;
    if (!(dom = test_state_dom_of_handle(state, handle, error)) || !dom_check_active(dom, error))
        return false;
    /* <on_reboot>restart</on_reboot>: running again at once, no lifecycle event */
    dom_set_state(dom, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    return true;
}

bool
test_domain_reset(virDomainPtr handle, unsigned int flags, GError **error)
{
    TestState *state = test_state_of(handle->conn);
    TestDom *dom;
    LOCK_STATE(state);

    if (!test_check_flags(flags, 0, "test_domain_reset", error))
        return false;
    if (!(dom = test_state_dom_of_handle(state, handle, error)) || !dom_check_active(dom, error))
        return false;
    return true;
}

bool
test_domain_suspend(virDomainPtr handle, GError **error)
{
    TestState *state = test_state_of(handle->conn);
    TestDom *dom;
    LOCK_STATE(state);

    if (!(dom = test_state_dom_of_handle(state, handle, error)))
        return false;
    if (dom->state != VIR_DOMAIN_RUNNING) {
        g_set_error(error, TEST_ERROR, VIR_ERR_OPERATION_INVALID, "domain is not running");
        return false;
    }
    dom_set_state(dom, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
    test_state_emit_dom(state, dom, VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    return true;
}

bool
test_domain_resume(virDomainPtr handle, GError **error)
{
    TestState *state = test_state_of(handle->conn);
    TestDom *dom;
    LOCK_STATE(state);

    if (!(dom = test_state_dom_of_handle(state, handle, error)))
        return false;
    if (dom->state != VIR_DOMAIN_PAUSED) {
        g_set_error(error, TEST_ERROR, VIR_ERR_OPERATION_INVALID, "domain is not paused");
        return false;
    }
    dom_set_state(dom, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNPAUSED);
    test_state_emit_dom(state, dom, VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_UNPAUSED);
    return true;
}

/* ---- queries ---- */

bool
test_domain_get_info(virDomainPtr handle, virDomainInfoPtr info, GError **error)
{
    TestState *state = test_state_of(handle->conn);
    TestDom *dom;
    LOCK_STATE(state);

    if (!(dom = test_state_dom_of_handle(state, handle, error)))
        return false;
    memset(info, 0, sizeof(*info));
    info->state = (unsigned char)dom->state;
    info->maxMem = dom->def->max_memory_kib;
    info->memory = dom->def->cur_memory_kib;
    info->nrVirtCpu = dom->def->vcpus_current;
    /* a made-up CPU time that grows while the domain runs */
    if (dom_is_active(dom))
        info->cpuTime = (unsigned long long)(g_get_monotonic_time() - dom->start_time) * 1000ULL;
    return true;
}

bool
test_domain_get_state(virDomainPtr handle, int *ret_state, int *ret_reason, unsigned int flags,
                      GError **error)
{
    TestState *state = test_state_of(handle->conn);
    TestDom *dom;
    LOCK_STATE(state);

    if (!test_check_flags(flags, 0, "test_domain_get_state", error))
        return false;
    if (!(dom = test_state_dom_of_handle(state, handle, error)))
        return false;
    *ret_state = dom->state;
    if (ret_reason)
        *ret_reason = dom->reason;
    return true;
}

char *
test_domain_get_xml_desc(virDomainPtr handle, unsigned int flags, GError **error)
{
    TestState *state = test_state_of(handle->conn);
    TestDom *dom;
    unsigned int format_flags = 0;
    LOCK_STATE(state);

    if (!test_check_flags(flags,
                          VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_INACTIVE |
                              VIR_DOMAIN_XML_UPDATE_CPU | VIR_DOMAIN_XML_MIGRATABLE,
                          "test_domain_get_xml_desc", error))
        return NULL;
    if (!(dom = test_state_dom_of_handle(state, handle, error)))
        return NULL;
    if (flags & VIR_DOMAIN_XML_SECURE)
        format_flags |= DOMDEF_FORMAT_SECURE;
    if ((flags & (VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_MIGRATABLE)) || !dom_is_active(dom))
        return domdef_format(dom_config(dom), 0, format_flags | DOMDEF_FORMAT_INACTIVE, error);
    return domdef_format(dom->def, dom->id, format_flags, error);
}

char *
test_domain_get_os_type(virDomainPtr handle, GError **error)
{
    TestState *state = test_state_of(handle->conn);
    LOCK_STATE(state);

    if (!test_state_dom_of_handle(state, handle, error))
        return NULL;
    /* libvirt's test driver answers "linux" whatever the <os><type> */
    return g_strdup("linux");
}

bool
test_domain_get_max_memory(virDomainPtr handle, unsigned long long *ret_kib, GError **error)
{
    TestState *state = test_state_of(handle->conn);
    TestDom *dom;
    LOCK_STATE(state);

    if (!(dom = test_state_dom_of_handle(state, handle, error)))
        return false;
    *ret_kib = dom->def->max_memory_kib;
    return true;
}

int
test_domain_get_vcpus_flags(virDomainPtr handle, unsigned int flags, GError **error)
{
    TestState *state = test_state_of(handle->conn);
    TestDom *dom;
    const DomDef *def;
    LOCK_STATE(state);

    if (!test_check_flags(flags,
                          VIR_DOMAIN_VCPU_LIVE | VIR_DOMAIN_VCPU_CONFIG | VIR_DOMAIN_VCPU_MAXIMUM,
                          "test_domain_get_vcpus_flags", error))
        return -1;
    if ((flags & VIR_DOMAIN_VCPU_LIVE) && (flags & VIR_DOMAIN_VCPU_CONFIG)) {
        g_set_error(error, TEST_ERROR, VIR_ERR_INVALID_ARG,
                    "Flags 'live' and 'config' are mutually exclusive");
        return -1;
    }
    if (!(dom = test_state_dom_of_handle(state, handle, error)))
        return -1;
    if (flags & VIR_DOMAIN_VCPU_LIVE) {
        if (!dom_check_active(dom, error))
            return -1;
        def = dom->def;
    } else if (flags & VIR_DOMAIN_VCPU_CONFIG) {
        if (!dom->persistent) {
            g_set_error(error, TEST_ERROR, VIR_ERR_OPERATION_INVALID,
                        "transient domains do not have any persistent config");
            return -1;
        }
        def = dom_config(dom);
    } else {
        def = dom->def;
    }
    return (int)((flags & VIR_DOMAIN_VCPU_MAXIMUM) ? def->vcpus_max : def->vcpus_current);
}

bool
test_domain_get_autostart(virDomainPtr handle, int *ret_autostart, GError **error)
{
    TestState *state = test_state_of(handle->conn);
    TestDom *dom;
    LOCK_STATE(state);

    if (!(dom = test_state_dom_of_handle(state, handle, error)))
        return false;
    *ret_autostart = dom->autostart ? 1 : 0;
    return true;
}

bool
test_domain_set_autostart(virDomainPtr handle, int autostart, GError **error)
{
    TestState *state = test_state_of(handle->conn);
    TestDom *dom;
    LOCK_STATE(state);

    if (!(dom = test_state_dom_of_handle(state, handle, error)))
        return false;
    if (!dom->persistent) {
        g_set_error(error, TEST_ERROR, VIR_ERR_OPERATION_INVALID,
                    "cannot set autostart for transient domain");
        return false;
    }
    dom->autostart = autostart != 0;
    return true;
}

int
test_domain_is_active(virDomainPtr handle, GError **error)
{
    TestState *state = test_state_of(handle->conn);
    TestDom *dom;
    LOCK_STATE(state);

    if (!(dom = test_state_dom_of_handle(state, handle, error)))
        return -1;
    return dom_is_active(dom) ? 1 : 0;
}

int
test_domain_is_persistent(virDomainPtr handle, GError **error)
{
    TestState *state = test_state_of(handle->conn);
    TestDom *dom;
    LOCK_STATE(state);

    if (!(dom = test_state_dom_of_handle(state, handle, error)))
        return -1;
    return dom->persistent ? 1 : 0;
}

/* Every test domain carries libvirt's test label, enforcing. */
bool
test_domain_get_security_label(virDomainPtr handle, virSecurityLabelPtr ret_label, GError **error)
{
    TestState *state = test_state_of(handle->conn);
    LOCK_STATE(state);

    if (!test_state_dom_of_handle(state, handle, error))
        return false;
    g_strlcpy(ret_label->label, "libvirt-test", sizeof(ret_label->label));
    ret_label->enforcing = 1;
    return true;
}

/* The test driver keeps no saved state: no domain has a managed save image. */
int
test_domain_has_managed_save_image(virDomainPtr handle, unsigned int flags, GError **error)
{
    TestState *state = test_state_of(handle->conn);
    LOCK_STATE(state);

    if (flags != 0) {
        g_set_error(error, TEST_ERROR, VIR_ERR_INVALID_ARG, "unsupported flags (0x%x) in %s", flags,
                    __func__);
        return -1;
    }
    if (!test_state_dom_of_handle(state, handle, error))
        return -1;
    return 0;
}
