/*
 * interop-client.c: a C client on this tree's libvirt.so.0 (public API
 * only) against a virtnoded started on a temporary root: the same flows as
 * Debian's virsh and python3-libvirt (host calls, definitions, autostart,
 * the read-only socket, lifecycle events from another connection).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "tests/agent-e2e-util.h"

/* VIR_DOMAIN_EVENT_CALLBACK() casts between function types by design. */
#pragma GCC diagnostic ignored "-Wcast-function-type"

#define DOM_UUID "4f2b9a61-0c3e-4d7a-9b85-1e6f0a2c7d39"
#define NET_UUID "9d0e4c27-5b1a-4e83-a6f2-73c8b1d05e4a"
#define EVENT_WAIT_US (10 * G_USEC_PER_SEC)

static E2eAgent *agent;

/* ---- helpers ------------------------------------------------------------- */

static virConnectPtr
open_rw(void)
{
    virConnectPtr conn = virConnectOpen(agent->uri);

    if (!conn)
        g_error("virConnectOpen(%s): %s", agent->uri, virGetLastErrorMessage());
    return conn;
}

static void
assert_last_error(int code, const char *prefix)
{
    const char *msg = virGetLastErrorMessage();

    g_test_message("error %d: %s", virGetLastErrorCode(), msg);
    g_assert_cmpint(virGetLastErrorCode(), ==, code);
    if (prefix)
        g_assert_true(g_str_has_prefix(msg, prefix));
    virResetLastError();
}

/* ---- events ------------------------------------------------------------- */

typedef struct {
    GMutex lock;
    GPtrArray *seen; /* "domain NAME EVENT DETAIL" / "network NAME EVENT DETAIL" */
} Events;

static Events events;
static volatile gint loop_stop;

static int
dom_lifecycle_cb(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    g_mutex_lock(&events.lock);
    g_ptr_array_add(events.seen,
                    g_strdup_printf("domain %s %d %d", virDomainGetName(dom), event, detail));
    g_mutex_unlock(&events.lock);
    return 0;
}

static void
net_lifecycle_cb(virConnectPtr conn, virNetworkPtr net, int event, int detail, void *opaque)
{
    g_mutex_lock(&events.lock);
    g_ptr_array_add(events.seen,
                    g_strdup_printf("network %s %d %d", virNetworkGetName(net), event, detail));
    g_mutex_unlock(&events.lock);
}

static bool
events_wait(const char *wanted)
{
    gint64 deadline = g_get_monotonic_time() + EVENT_WAIT_US;

    while (g_get_monotonic_time() < deadline) {
        g_mutex_lock(&events.lock);
        for (guint i = 0; i < events.seen->len; i++) {
            if (g_str_equal(events.seen->pdata[i], wanted)) {
                g_mutex_unlock(&events.lock);
                return true;
            }
        }
        g_mutex_unlock(&events.lock);
        g_usleep(10 * 1000);
    }
    g_mutex_lock(&events.lock);
    for (guint i = 0; i < events.seen->len; i++)
        g_test_message("seen: %s", (char *)events.seen->pdata[i]);
    g_mutex_unlock(&events.lock);
    return false;
}

static void
tick_cb(int timer, void *opaque)
{
}

static gpointer
event_loop_thread(gpointer data)
{
    while (!g_atomic_int_get(&loop_stop))
        virEventRunDefaultImpl();
    return NULL;
}

/* ---- tests -------------------------------------------------------------- */

static void
test_library(void)
{
    g_autofree char *lib = e2e_loaded_libvirt();

    g_test_message("this program loaded %s", lib ? lib : "(none)");
    g_assert_nonnull(lib);
    /* this tree's library (under the build dir), never the system's */
    g_assert_true(g_str_has_prefix(lib, ABS_TOP_BUILDDIR "/"));
}

static void
test_host(void)
{
    virConnectPtr conn = open_rw();
    unsigned long libver = 0, hvver = 0;
    char *host, *caps, *uri;
    virNodeInfo ni;
    struct utsname un;

    g_assert_cmpstr(virConnectGetType(conn), ==, "QEMU");
    g_assert_cmpint(virConnectGetLibVersion(conn, &libver), ==, 0);
    g_assert_cmpuint(libver, >=, 9000000);
    g_assert_cmpint(virConnectGetVersion(conn, &hvver), ==, 0);
    g_test_message("lib version %lu, hypervisor version %lu", libver, hvver);
    host = virConnectGetHostname(conn);
    g_assert_nonnull(host);
    g_assert_cmpint(uname(&un), ==, 0);
    g_assert_true(g_str_equal(host, un.nodename) ||
                  (g_str_has_prefix(host, un.nodename) && host[strlen(un.nodename)] == '.'));
    free(host);
    uri = virConnectGetURI(conn);
    g_assert_nonnull(uri);
    g_test_message("uri %s", uri);
    free(uri);
    caps = virConnectGetCapabilities(conn);
    g_assert_nonnull(caps);
    g_assert_true(g_str_has_prefix(caps, "<capabilities>"));
    g_assert_nonnull(strstr(caps, "<host>"));
    free(caps);
    g_assert_cmpint(virNodeGetInfo(conn, &ni), ==, 0);
    g_assert_cmpstr(ni.model, ==, un.machine);
    g_assert_cmpint(ni.cpus, ==, sysconf(_SC_NPROCESSORS_ONLN));
    g_assert_cmpuint(ni.memory, >, 0);
    g_assert_cmpint(virConnectIsSecure(conn), ==, 1);
    g_assert_cmpint(virConnectClose(conn), ==, 0);
}

static void
test_define(void)
{
    virConnectPtr conn = open_rw();
    g_autofree char *dom_xml = e2e_data("domain.xml");
    g_autofree char *net_xml = e2e_data("network.xml");
    g_autofree char *want_dom = e2e_expected_xml("dumpxml.out");
    g_autofree char *want_net = e2e_expected_xml("net-dumpxml.out");
    virDomainPtr *doms = NULL;
    virNetworkPtr *nets = NULL;
    virDomainPtr dom;
    virNetworkPtr net;
    virDomainInfo info;
    char uuid[VIR_UUID_STRING_BUFLEN];
    char *xml;
    int autostart = -1;

    g_assert_cmpint(virConnectListAllDomains(conn, &doms, 0), ==, 0);
    free(doms);
    /* the interface names a network that is not defined yet */
    dom = virDomainDefineXML(conn, dom_xml);
    g_assert_nonnull(dom);
    virDomainFree(dom);

    dom = virDomainLookupByName(conn, "interop1");
    g_assert_nonnull(dom);
    g_assert_cmpint(virDomainGetUUIDString(dom, uuid), ==, 0);
    g_assert_cmpstr(uuid, ==, DOM_UUID);
    g_assert_cmpuint(virDomainGetID(dom), ==, (unsigned int)-1);
    g_assert_cmpint(virDomainGetInfo(dom, &info), ==, 0);
    g_assert_cmpint(info.state, ==, VIR_DOMAIN_SHUTOFF);
    g_assert_cmpuint(info.maxMem, ==, 262144);
    g_assert_cmpuint(info.memory, ==, 131072);
    g_assert_cmpint(info.nrVirtCpu, ==, 2);
    g_assert_cmpint(virDomainIsActive(dom), ==, 0);
    g_assert_cmpint(virDomainIsPersistent(dom), ==, 1);
    xml = virDomainGetXMLDesc(dom, 0);
    g_assert_nonnull(xml);
    g_assert_cmpstr(xml, ==, want_dom);
    free(xml);
    g_assert_cmpint(virDomainSetAutostart(dom, 1), ==, 0);
    g_assert_cmpint(virDomainGetAutostart(dom, &autostart), ==, 0);
    g_assert_cmpint(autostart, ==, 1);
    /* a type='kvm' domain where KVM is not usable (the agent runs with
     * VIRTNODE_FORCE_TCG=1): a clear refusal, nothing started */
    g_assert_cmpint(virDomainCreate(dom), ==, -1);
    assert_last_error(VIR_ERR_CONFIG_UNSUPPORTED,
                      "unsupported configuration: KVM is not available on this host");
    g_assert_cmpint(virDomainIsActive(dom), ==, 0);
    virDomainFree(dom);

    g_assert_cmpint(virConnectListAllDomains(conn, &doms, VIR_CONNECT_LIST_DOMAINS_AUTOSTART), ==,
                    1);
    g_assert_cmpstr(virDomainGetName(doms[0]), ==, "interop1");
    virDomainFree(doms[0]);
    free(doms);
    g_assert_null(virDomainLookupByName(conn, "no-such-domain"));
    assert_last_error(VIR_ERR_NO_DOMAIN, "Domain not found");

    net = virNetworkDefineXML(conn, net_xml);
    g_assert_nonnull(net);
    g_assert_cmpint(virNetworkGetUUIDString(net, uuid), ==, 0);
    g_assert_cmpstr(uuid, ==, NET_UUID);
    xml = virNetworkGetXMLDesc(net, 0);
    g_assert_cmpstr(xml, ==, want_net);
    free(xml);
    xml = virNetworkGetBridgeName(net);
    g_assert_cmpstr(xml, ==, "vnbr-interop");
    free(xml);
    g_assert_cmpint(virNetworkIsActive(net), ==, 0);
    g_assert_cmpint(virNetworkIsPersistent(net), ==, 1);
    g_assert_cmpint(virNetworkSetAutostart(net, 1), ==, 0);
    g_assert_cmpint(virNetworkGetAutostart(net, &autostart), ==, 0);
    g_assert_cmpint(autostart, ==, 1);
    virNetworkFree(net);
    g_assert_cmpint(virConnectListAllNetworks(conn, &nets, 0), ==, 1);
    g_assert_cmpstr(virNetworkGetName(nets[0]), ==, "interopnet");
    virNetworkFree(nets[0]);
    free(nets);
    g_assert_cmpint(virConnectClose(conn), ==, 0);
}

static void
check_readonly(virConnectPtr ro)
{
    g_autofree char *dom_xml = e2e_data("domain.xml");
    g_autofree char *net_xml = e2e_data("network.xml");
    virDomainPtr *doms = NULL;
    virDomainPtr dom;
    virNetworkPtr net;
    virDomainInfo info;

    g_assert_cmpint(virConnectListAllDomains(ro, &doms, 0), ==, 1);
    virDomainFree(doms[0]);
    free(doms);
    dom = virDomainLookupByName(ro, "interop1");
    g_assert_nonnull(dom);
    g_assert_cmpint(virDomainGetInfo(dom, &info), ==, 0);
    g_assert_null(virDomainDefineXML(ro, dom_xml));
    assert_last_error(VIR_ERR_OPERATION_DENIED, "operation forbidden");
    g_assert_cmpint(virDomainSetAutostart(dom, 0), ==, -1);
    assert_last_error(VIR_ERR_OPERATION_DENIED, "operation forbidden");
    g_assert_cmpint(virDomainUndefine(dom), ==, -1);
    assert_last_error(VIR_ERR_OPERATION_DENIED, "operation forbidden");
    virDomainFree(dom);
    g_assert_null(virNetworkDefineXML(ro, net_xml));
    assert_last_error(VIR_ERR_OPERATION_DENIED, "operation forbidden");
    net = virNetworkLookupByName(ro, "interopnet");
    g_assert_nonnull(net);
    g_assert_cmpint(virNetworkUndefine(net), ==, -1);
    assert_last_error(VIR_ERR_OPERATION_DENIED, "operation forbidden");
    virNetworkFree(net);
    g_assert_cmpint(virConnectClose(ro), ==, 0);
}

static void
test_readonly(void)
{
    virConnectPtr ro = virConnectOpenReadOnly(agent->uri_ro);

    g_assert_nonnull(ro);
    g_assert_cmpint(virConnectIsAlive(ro), ==, 1);
    check_readonly(ro);
    /* a read-write open of the ro socket is read-only all the same */
    ro = virConnectOpen(agent->uri_ro);
    g_assert_nonnull(ro);
    check_readonly(ro);
}

static void
test_events(void)
{
    virConnectPtr conn = open_rw();
    virConnectPtr other = open_rw();
    g_autofree char *dom_xml = e2e_data("domain.xml");
    g_autofree char *net_xml = e2e_data("network.xml");
    g_autofree char *dom_undef = NULL, *net_undef = NULL;
    virDomainPtr dom;
    virNetworkPtr net;
    int dom_cb, net_cb;
    guint before;

    dom_cb =
        virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                         VIR_DOMAIN_EVENT_CALLBACK(dom_lifecycle_cb), NULL, NULL);
    g_assert_cmpint(dom_cb, >=, 0);
    net_cb =
        virConnectNetworkEventRegisterAny(conn, NULL, VIR_NETWORK_EVENT_ID_LIFECYCLE,
                                          VIR_NETWORK_EVENT_CALLBACK(net_lifecycle_cb), NULL, NULL);
    g_assert_cmpint(net_cb, >=, 0);

    /* undefine (from test_define) and define again, on the other connection */
    dom = virDomainLookupByName(other, "interop1");
    g_assert_nonnull(dom);
    g_assert_cmpint(virDomainUndefine(dom), ==, 0);
    virDomainFree(dom);
    net = virNetworkLookupByName(other, "interopnet");
    g_assert_nonnull(net);
    g_assert_cmpint(virNetworkUndefine(net), ==, 0);
    virNetworkFree(net);
    dom_undef = g_strdup_printf("domain interop1 %d %d", VIR_DOMAIN_EVENT_UNDEFINED,
                                VIR_DOMAIN_EVENT_UNDEFINED_REMOVED);
    net_undef = g_strdup_printf("network interopnet %d 0", VIR_NETWORK_EVENT_UNDEFINED);
    g_assert_true(events_wait(dom_undef));
    g_assert_true(events_wait(net_undef));

    dom = virDomainDefineXML(other, dom_xml);
    g_assert_nonnull(dom);
    net = virNetworkDefineXML(other, net_xml);
    g_assert_nonnull(net);
    {
        g_autofree char *d = g_strdup_printf("domain interop1 %d %d", VIR_DOMAIN_EVENT_DEFINED,
                                             VIR_DOMAIN_EVENT_DEFINED_ADDED);
        g_autofree char *n = g_strdup_printf("network interopnet %d 0", VIR_NETWORK_EVENT_DEFINED);

        g_assert_true(events_wait(d));
        g_assert_true(events_wait(n));
    }

    g_assert_cmpint(virConnectDomainEventDeregisterAny(conn, dom_cb), ==, 0);
    g_assert_cmpint(virConnectNetworkEventDeregisterAny(conn, net_cb), ==, 0);
    g_mutex_lock(&events.lock);
    before = events.seen->len;
    g_mutex_unlock(&events.lock);
    g_assert_cmpint(virDomainUndefine(dom), ==, 0);
    g_assert_cmpint(virNetworkUndefine(net), ==, 0);
    virDomainFree(dom);
    virNetworkFree(net);
    g_usleep(300 * 1000);
    g_mutex_lock(&events.lock);
    g_assert_cmpuint(events.seen->len, ==, before);
    g_mutex_unlock(&events.lock);

    g_assert_cmpint(virConnectClose(other), ==, 0);
    g_assert_cmpint(virConnectClose(conn), ==, 0);
}

static void
test_empty_again(void)
{
    virConnectPtr conn = open_rw();
    virDomainPtr *doms = NULL;
    virNetworkPtr *nets = NULL;

    g_assert_cmpint(virConnectListAllDomains(conn, &doms, 0), ==, 0);
    free(doms);
    g_assert_cmpint(virConnectListAllNetworks(conn, &nets, 0), ==, 0);
    free(nets);
    g_assert_cmpint(virConnectClose(conn), ==, 0);
    g_assert_true(e2e_agent_alive(agent));
}

/* errors are asserted on, not printed */
static void
quiet_error(void *data, virErrorPtr err)
{
}

int
main(int argc, char **argv)
{
    GThread *loop;
    int timer, rc;

    g_test_init(&argc, &argv, NULL);
    virSetErrorFunc(NULL, quiet_error);
    g_mutex_init(&events.lock);
    events.seen = g_ptr_array_new_with_free_func(g_free);
    /* before any connection, as an event-driven client does */
    g_assert_cmpint(virEventRegisterDefaultImpl(), ==, 0);
    timer = virEventAddTimeout(50, tick_cb, NULL, NULL);
    g_assert_cmpint(timer, >=, 0);
    loop = g_thread_new("event-loop", event_loop_thread, NULL);

    agent = e2e_agent_new("interop-client");
    if (!e2e_agent_start(agent))
        g_error("virtnoded did not start");
    g_test_add_func("/interop-client/library", test_library);
    g_test_add_func("/interop-client/host", test_host);
    g_test_add_func("/interop-client/define", test_define);
    g_test_add_func("/interop-client/readonly", test_readonly);
    g_test_add_func("/interop-client/events", test_events);
    g_test_add_func("/interop-client/empty-again", test_empty_again);
    rc = g_test_run();

    g_atomic_int_set(&loop_stop, 1);
    g_thread_join(loop);
    virEventRemoveTimeout(timer);
    if (e2e_agent_stop(agent) != 0 && rc == 0) {
        g_printerr("virtnoded did not exit with 0 on SIGTERM\n");
        rc = 1;
    }
    if (rc != 0) {
        g_autofree char *log = e2e_agent_log_from(agent, 0);

        g_printerr("# virtnoded log:\n%s\n", log);
    }
    e2e_agent_free(agent);
    g_ptr_array_unref(events.seen);
    return rc;
}
