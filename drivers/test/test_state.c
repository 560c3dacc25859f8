/*
 * test_state.c: the in-memory state behind test:/// connections
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "drivers/test/test_state.h"
#include "lib/event-callbacks.h"
#include "lib/object.h"
#include "util/error.h"
#include "util/uuid.h"

/* The objects test:///default starts with: the values libvirt's test
 * driver reports for its "test" domain and "default" network. */
static const char default_domain_xml[] =
    "<domain type='test'>\n"
    "  <name>test</name>\n"
    "  <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>\n"
    "  <memory unit='KiB'>8388608</memory>\n"
    "  <currentMemory unit='KiB'>2097152</currentMemory>\n"
    "  <vcpu placement='static'>2</vcpu>\n"
    "  <os>\n"
    "    <type arch='i686'>hvm</type>\n"
    "    <boot dev='hd'/>\n"
    "  </os>\n"
    "  <clock offset='utc'/>\n"
    "  <on_poweroff>destroy</on_poweroff>\n"
    "  <on_reboot>restart</on_reboot>\n"
    "  <on_crash>destroy</on_crash>\n"
    "  <devices>\n"
    "    <disk type='file' device='disk'>\n"
    "      <source file='/guest/diskimage1'/>\n"
    "      <target dev='vda' bus='virtio'/>\n"
    "      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>\n"
    "    </disk>\n"
    "    <interface type='network'>\n"
    "      <mac address='aa:bb:cc:dd:ee:ff'/>\n"
    "      <source network='default'/>\n"
    "      <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0'/>\n"
    "    </interface>\n"
    "    <memballoon model='virtio'>\n"
    "      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>\n"
    "    </memballoon>\n"
    "  </devices>\n"
    "</domain>\n";

static const char default_network_xml[] =
    "<network>\n"
    "  <name>default</name>\n"
    "  <uuid>dd8fe884-6c02-601e-7551-cca97df1c5df</uuid>\n"
    "  <forward mode='nat'/>\n"
    "  <bridge name='virbr0' stp='on' delay='0'/>\n"
    "  <ip address='192.168.122.1' netmask='255.255.255.0'>\n"
    "    <dhcp>\n"
    "      <range start='192.168.122.2' end='192.168.122.254'/>\n"
    "    </dhcp>\n"
    "  </ip>\n"
    "</network>\n";

/* Guards default_state and every state's refs. */
static GMutex registry_lock;
static TestState *default_state;

/* The capabilities of libvirt's test driver: an i686 host with two NUMA
 * cells of 8 CPUs, hvm and xen guests of domain type "test". */
static Caps *
test_caps_build(void)
{
    Caps *caps = caps_new("i686");
    static const unsigned page_sizes[] = { 4, 8, 2048, 1024 * 1024 };
    static const char *const os_types[] = { "hvm", "xen" };

    caps_add_host_arch_feature(caps, "pae");
    caps_add_host_arch_feature(caps, "nonpae");
    for (size_t i = 0; i < G_N_ELEMENTS(page_sizes); i++)
        caps_add_host_page_size(caps, page_sizes[i]);
    caps_set_host_power_management(caps, 0);
    caps_set_host_iommu(caps, false);

    for (unsigned cell_id = 0; cell_id < 2; cell_id++) {
        unsigned long long mem_kib = (cell_id + 1) * 2048ULL * 1024;
        unsigned first_page = cell_id == 0 ? 4 : 8;
        CapsCell *cell = caps_add_host_cell(caps, cell_id, mem_kib);

        caps_cell_add_pages(cell, first_page, mem_kib / first_page);
        caps_cell_add_pages(cell, 2048, 0);
        caps_cell_add_pages(cell, 1024 * 1024, 0);
        for (unsigned core = 0; core < 8; core++) {
            unsigned cpu = cell_id * 8 + core;
            g_autofree char *siblings = g_strdup_printf("%u", cpu);

            caps_cell_add_cpu(cell, cpu, (int)cell_id, 0, (int)core, siblings);
        }
    }
    caps_add_host_secmodel(caps, "testSecurity", "");

    for (size_t i = 0; i < G_N_ELEMENTS(os_types); i++) {
        CapsGuest *guest = caps_add_guest(caps, os_types[i], "i686", 32, "/usr/bin/test-hv");

        caps_guest_add_domain(guest, "test", NULL);
        caps_guest_add_feature(guest, CAPS_GUEST_FEATURE_PAE);
        caps_guest_add_feature(guest, CAPS_GUEST_FEATURE_NONPAE);
    }
    return caps;
}

void
test_dom_free(TestDom *dom)
{
    if (!dom)
        return;
    domdef_free(dom->def);
    domdef_free(dom->new_def);
    g_free(dom);
}

void
test_net_free(TestNet *net)
{
    if (!net)
        return;
    netdef_free(net->def);
    netdef_free(net->new_def);
    g_free(net);
}

static TestState *
test_state_new(void)
{
    TestState *state = g_new0(TestState, 1);

    state->refs = 1;
    g_mutex_init(&state->lock);
    state->domains = g_ptr_array_new_with_free_func((GDestroyNotify)test_dom_free);
    state->networks = g_ptr_array_new_with_free_func((GDestroyNotify)test_net_free);
    state->conns = g_ptr_array_new();
    state->next_id = 1;
    state->caps = test_caps_build();
    return state;
}

static void
test_state_free(TestState *state)
{
    if (!state)
        return;
    g_ptr_array_unref(state->domains);
    g_ptr_array_unref(state->networks);
    g_ptr_array_unref(state->conns);
    caps_free(state->caps);
    g_mutex_clear(&state->lock);
    g_free(state);
}

/* Adds a domain from XML in the given run state (running ones get an id). */
static bool
test_state_add_dom_xml(TestState *state, const char *xml, bool running, GError **error)
{
    DomDef *def = domdef_parse_string(xml, DOMDEF_PARSE_INACTIVE, error);
    TestDom *dom;

    if (!def)
        return false;
    if (test_state_find_dom_by_name(state, def->name) ||
        test_state_find_dom_by_uuid(state, def->uuid)) {
        g_set_error(error, TEST_ERROR, VIR_ERR_OPERATION_FAILED, "domain '%s' is defined twice",
                    def->name);
        domdef_free(def);
        return false;
    }
    dom = g_new0(TestDom, 1);
    dom->def = def;
    dom->persistent = true;
    dom->id = -1;
    if (running) {
        /* reason 0: libvirt's test driver loads its objects without a reason */
        dom->state = VIR_DOMAIN_RUNNING;
        dom->reason = VIR_DOMAIN_RUNNING_UNKNOWN;
        dom->id = state->next_id++;
        dom->start_time = g_get_monotonic_time();
    } else {
        dom->state = VIR_DOMAIN_SHUTOFF;
        dom->reason = VIR_DOMAIN_SHUTOFF_UNKNOWN;
    }
    test_state_add_dom(state, dom);
    return true;
}

static bool
test_state_add_net_xml(TestState *state, const char *xml, bool active, GError **error)
{
    NetDef *def = netdef_parse_string(xml, 0, error);
    TestNet *net;

    if (!def)
        return false;
    if (test_state_find_net_by_name(state, def->name) ||
        test_state_find_net_by_uuid(state, def->uuid)) {
        g_set_error(error, TEST_ERROR, VIR_ERR_OPERATION_FAILED, "network '%s' is defined twice",
                    def->name);
        netdef_free(def);
        return false;
    }
    net = g_new0(TestNet, 1);
    net->def = def;
    net->persistent = true;
    net->active = active;
    /* Networks active from the start were "started" when the state was made:
     * synthesised leases count their expiry from then. */
    if (active)
        net->start_wall = g_get_real_time();
    test_state_add_net(state, net);
    return true;
}

TestState *
test_state_get_default(GError **error)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&registry_lock);
    TestState *state;

    if (default_state) {
        default_state->refs++;
        return default_state;
    }
    state = test_state_new();
    if (!test_state_add_dom_xml(state, default_domain_xml, true, error) ||
        !test_state_add_net_xml(state, default_network_xml, true, error)) {
        g_prefix_error(error, "test:///default: ");
        test_state_free(state);
        return NULL;
    }
    default_state = state;
    return state;
}

/* True if @node is an element named @name. */
static bool
node_is(const xmlNode *node, const char *name)
{
    return node->type == XML_ELEMENT_NODE && strcmp((const char *)node->name, name) == 0;
}

/* The text of @node as its own document, for the XML model parsers. */
static char *
node_to_string(xmlDoc *doc, xmlNode *node)
{
    g_autoptr(GString) out = g_string_new(NULL);
    xmlBuffer *buf = xmlBufferCreate();

    xmlNodeDump(buf, doc, node, 0, 0);
    g_string_append_len(out, (const char *)xmlBufferContent(buf), xmlBufferLength(buf));
    xmlBufferFree(buf);
    return g_string_free(g_steal_pointer(&out), FALSE);
}

TestState *
test_state_load_file(const char *path, GError **error)
{
    xmlDoc *doc =
        xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlNode *root;
    TestState *state;

    if (!doc) {
        g_set_error(error, TEST_ERROR, VIR_ERR_XML_ERROR, "cannot parse test driver file '%s'",
                    path);
        return NULL;
    }
    root = xmlDocGetRootElement(doc);
    if (!root || !node_is(root, "node")) {
        g_set_error(error, TEST_ERROR, VIR_ERR_XML_ERROR,
                    "test driver file '%s' has no <node> root element", path);
        xmlFreeDoc(doc);
        return NULL;
    }
    state = test_state_new();
    for (xmlNode *child = root->children; child; child = child->next) {
        g_autofree char *xml = NULL;
        bool ok = true;

        if (node_is(child, "domain")) {
            xml = node_to_string(doc, child);
            ok = test_state_add_dom_xml(state, xml, true, error);
        } else if (node_is(child, "network")) {
            xml = node_to_string(doc, child);
            ok = test_state_add_net_xml(state, xml, true, error);
        }
        if (!ok) {
            g_prefix_error(error, "%s: ", path);
            test_state_free(state);
            xmlFreeDoc(doc);
            return NULL;
        }
    }
    xmlFreeDoc(doc);
    return state;
}

void
test_state_unref(TestState *state)
{
    bool last;

    if (!state)
        return;
    g_mutex_lock(&registry_lock);
    last = --state->refs == 0;
    if (last && state == default_state)
        default_state = NULL;
    g_mutex_unlock(&registry_lock);
    if (last)
        test_state_free(state);
}

void
test_state_attach_conn(TestState *state, virConnectPtr conn)
{
    g_mutex_lock(&state->lock);
    g_ptr_array_add(state->conns, conn);
    g_mutex_unlock(&state->lock);
}

void
test_state_detach_conn(TestState *state, virConnectPtr conn)
{
    g_mutex_lock(&state->lock);
    g_ptr_array_remove(state->conns, conn);
    g_mutex_unlock(&state->lock);
}

TestState *
test_state_of(virConnectPtr conn)
{
    return conn->driver_data;
}

TestDom *
test_state_find_dom_by_name(TestState *state, const char *name)
{
    for (guint i = 0; i < state->domains->len; i++) {
        TestDom *dom = g_ptr_array_index(state->domains, i);

        if (strcmp(dom->def->name, name) == 0)
            return dom;
    }
    return NULL;
}

TestDom *
test_state_find_dom_by_uuid(TestState *state, const unsigned char *uuid)
{
    for (guint i = 0; i < state->domains->len; i++) {
        TestDom *dom = g_ptr_array_index(state->domains, i);

        if (memcmp(dom->def->uuid, uuid, UUID_LEN) == 0)
            return dom;
    }
    return NULL;
}

TestDom *
test_state_find_dom_by_id(TestState *state, int id)
{
    for (guint i = 0; i < state->domains->len; i++) {
        TestDom *dom = g_ptr_array_index(state->domains, i);

        if (dom->id >= 0 && dom->id == id)
            return dom;
    }
    return NULL;
}

TestNet *
test_state_find_net_by_name(TestState *state, const char *name)
{
    for (guint i = 0; i < state->networks->len; i++) {
        TestNet *net = g_ptr_array_index(state->networks, i);

        if (strcmp(net->def->name, name) == 0)
            return net;
    }
    return NULL;
}

TestNet *
test_state_find_net_by_uuid(TestState *state, const unsigned char *uuid)
{
    for (guint i = 0; i < state->networks->len; i++) {
        TestNet *net = g_ptr_array_index(state->networks, i);

        if (memcmp(net->def->uuid, uuid, UUID_LEN) == 0)
            return net;
    }
    return NULL;
}

TestDom *
test_state_dom_of_handle(TestState *state, virDomainPtr handle, GError **error)
{
    TestDom *dom = test_state_find_dom_by_uuid(state, handle->uuid);
    char uuidstr[UUID_STRING_LEN];

    if (!dom) {
        uuid_format(handle->uuid, uuidstr);
        g_set_error(error, TEST_ERROR, VIR_ERR_NO_DOMAIN, "no domain with matching uuid '%s' (%s)",
                    uuidstr, handle->name);
    }
    return dom;
}

TestNet *
test_state_net_of_handle(TestState *state, virNetworkPtr handle, GError **error)
{
    TestNet *net = test_state_find_net_by_uuid(state, handle->uuid);
    char uuidstr[UUID_STRING_LEN];

    if (!net) {
        uuid_format(handle->uuid, uuidstr);
        g_set_error(error, TEST_ERROR, VIR_ERR_NO_NETWORK,
                    "no network with matching uuid '%s' (%s)", uuidstr, handle->name);
    }
    return net;
}

void
test_state_add_dom(TestState *state, TestDom *dom)
{
    g_ptr_array_add(state->domains, dom);
}

void
test_state_remove_dom(TestState *state, TestDom *dom)
{
    g_ptr_array_remove(state->domains, dom);
}

void
test_state_add_net(TestState *state, TestNet *net)
{
    g_ptr_array_add(state->networks, net);
}

void
test_state_remove_net(TestState *state, TestNet *net)
{
    g_ptr_array_remove(state->networks, net);
}

void
test_state_emit_dom(TestState *state, const TestDom *dom, int event, int detail)
{
    for (guint i = 0; i < state->conns->len; i++)
        conn_events_emit_domain_lifecycle(g_ptr_array_index(state->conns, i), dom->def->name,
                                          dom->def->uuid, dom->id, event, detail);
}

void
test_state_emit_net(TestState *state, const TestNet *net, int event, int detail)
{
    for (guint i = 0; i < state->conns->len; i++)
        conn_events_emit_network_lifecycle(g_ptr_array_index(state->conns, i), net->def->name,
                                           net->def->uuid, event, detail);
}

bool
test_check_flags(unsigned int flags, unsigned int allowed, const char *func, GError **error)
{
    if (flags & ~allowed) {
        g_set_error(error, TEST_ERROR, VIR_ERR_INVALID_ARG,
                    "unsupported flags (0x%x) in function %s", flags & ~allowed, func);
        return false;
    }
    return true;
}
